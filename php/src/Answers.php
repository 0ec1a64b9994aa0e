<?php

declare(strict_types=1);

namespace Hayscan;

use FFI;
use FFI\CData;

/**
 * The Matcher methods that answer without a Hit per match (per-pattern counts, columns)
 * and over many inputs in one native call; see docs/php.md "Answers without a Hit per
 * match". A trait only to keep Matcher.php to a readable size: used by Matcher alone.
 *
 * @internal
 */
trait Answers
{
    /**
     * How many times each pattern matches in $text: a list indexed by pattern id (0 for a
     * pattern that does not occur), counting the matches findAll() reports in this
     * matcher's match kind. No Hit objects are made.
     *
     * ```php
     * (new Matcher(['a', 'b', 'z']))->countByPattern('abab');   // [2, 2, 0]
     * ```
     *
     * @return list<int>
     */
    public function countByPattern(string $text): array
    {
        $handle = $this->handle ?? throw self::closed();
        $n = $this->patternCount;
        if ($n === 0) {
            return [];
        }
        $ffi = Library::ffi();
        $counts = $ffi->new(Library::type("size_t[$n]"));
        $status = $ffi->hayscan_matcher_count_by_pattern($handle, $text, strlen($text), $counts, $n);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return self::words($counts, $n);
    }

    /**
     * The ids of the patterns that occur in $text, ascending, each once. The search stops
     * as soon as every pattern has been seen.
     *
     * @return list<int>
     */
    public function matchingPatterns(string $text): array
    {
        $handle = $this->handle ?? throw self::closed();
        $n = $this->patternCount;
        if ($n === 0) {
            return [];
        }
        $ffi = Library::ffi();
        $ids = $ffi->new(Library::type("uint32_t[$n]"));
        $found = Library::new('size_t');
        $status = $ffi->hayscan_matcher_matching_patterns($handle, $text, strlen($text), $ids, $n, FFI::addr($found));
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        $k = $found->cdata;
        return $k === 0 ? [] : array_values(unpack('V*', FFI::string($ids, 4 * $k)));
    }

    /**
     * The first match of each pattern: a list indexed by pattern id, holding the pattern's
     * first Hit in $text (the first findAll() reports for it) or null when it does not
     * occur. The search stops as soon as every pattern has been seen.
     *
     * @return list<?Hit>
     */
    public function firstMatchPerPattern(string $text): array
    {
        $handle = $this->handle ?? throw self::closed();
        $n = $this->patternCount;
        if ($n === 0) {
            return [];
        }
        $ffi = Library::ffi();
        $firsts = $ffi->new(Library::type("hayscan_match_t[$n]"));
        $status = $ffi->hayscan_matcher_first_match_per_pattern($handle, $text, strlen($text), $firsts, $n);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        // hayscan_match_t is {uint32_t pattern; size_t start; size_t end}: three 8-byte words.
        $w = self::words($firsts, 3 * $n);
        $texts = $this->texts;
        $out = [];
        for ($i = 0, $k = 0; $i < $n; $i++, $k += 3) {
            $pattern = $w[$k] & 0xFFFFFFFF;
            if ($pattern === Library::NO_PATTERN) {
                $out[] = null;
                continue;
            }
            $start = $w[$k + 1];
            $end = $w[$k + 2];
            $out[] = new Hit($pattern, $start, $end, $texts !== null ? $texts[$pattern] : substr($text, $start, $end - $start));
        }
        return $out;
    }

    /**
     * Every match, in order, as three parallel lists instead of Hit objects: the fast path
     * for bulk consumers. Match $i is pattern `$c['pattern'][$i]` at byte offsets
     * `[$c['start'][$i], $c['end'][$i])`.
     *
     * ```php
     * $c = (new Matcher(['ab', 'c']))->findAllColumns('abcab');
     * // ['pattern' => [0, 1, 0], 'start' => [0, 2, 3], 'end' => [2, 3, 5]]
     * ```
     *
     * @return array{pattern: list<int>, start: list<int>, end: list<int>}
     */
    public function findAllColumns(string $text): array
    {
        $patterns = [];
        $starts = [];
        $ends = [];
        $this->eachBatch($text, self::COLUMN_BATCH, static function (CData $buf, int $n) use (&$patterns, &$starts, &$ends): void {
            // One copy and one unpack per batch: {pattern (+ padding), start, end} words.
            $w = unpack('Q*', FFI::string($buf, 24 * $n));
            for ($k = 1, $last = 3 * $n; $k <= $last; $k += 3) {
                $patterns[] = $w[$k] & 0xFFFFFFFF;
                $starts[] = $w[$k + 1];
                $ends[] = $w[$k + 2];
            }
        });
        return ['pattern' => $patterns, 'start' => $starts, 'end' => $ends];
    }

    /**
     * isMatch() of each input, in one native call: a list of bools, one per input.
     *
     * @param list<string> $inputs
     * @return list<bool>
     *
     * @throws InvalidArgumentException $inputs is not a list
     * @throws \TypeError an input is not a string
     */
    public function isMatchMany(array $inputs): array
    {
        $handle = $this->handle ?? throw self::closed();
        $count = self::checkInputs($inputs, 'isMatchMany');
        if ($count === 0) {
            return [];
        }
        $ffi = Library::ffi();
        [$list, $keep] = self::inputList($ffi, $inputs, $count);
        $found = $ffi->new(Library::type("uint8_t[$count]"));
        $status = $ffi->hayscan_matcher_is_match_many($handle, $list, $count, $found);
        unset($keep);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        // One copy of the flags, then a string loop: cheaper than unpack() + array_map().
        $flags = FFI::string($found, $count);
        $out = [];
        for ($i = 0; $i < $count; $i++) {
            $out[] = $flags[$i] !== "\0";
        }
        return $out;
    }

    /**
     * count() of each input, in one native call: a list of ints, one per input.
     *
     * @param list<string> $inputs
     * @return list<int>
     *
     * @throws InvalidArgumentException $inputs is not a list
     * @throws \TypeError an input is not a string
     */
    public function countMany(array $inputs): array
    {
        $handle = $this->handle ?? throw self::closed();
        $count = self::checkInputs($inputs, 'countMany');
        if ($count === 0) {
            return [];
        }
        $ffi = Library::ffi();
        [$list, $keep] = self::inputList($ffi, $inputs, $count);
        $counts = $ffi->new(Library::type("size_t[$count]"));
        $status = $ffi->hayscan_matcher_count_many($handle, $list, $count, $counts);
        unset($keep);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return self::words($counts, $count);
    }

    /**
     * findAll() of each input, fetched in batches that span inputs: a list with one entry
     * per input (in the order of $inputs), each the list of that input's Hits, offsets
     * relative to that input. An input without matches gets [].
     *
     * ```php
     * (new Matcher(['a']))->findMany(['xa', '', 'aa']);   // [[Hit(0, 1, 2)], [], [Hit(0, 0, 1), Hit(0, 1, 2)]]
     * ```
     *
     * @param list<string> $inputs
     * @return list<list<Hit>>
     *
     * @throws InvalidArgumentException $inputs is not a list
     * @throws \TypeError an input is not a string
     */
    public function findMany(array $inputs): array
    {
        $handle = $this->handle ?? throw self::closed();
        $count = self::checkInputs($inputs, 'findMany');
        if ($count === 0) {
            return [];
        }
        $ffi = Library::ffi();
        [$list, $keep] = self::inputList($ffi, $inputs, $count);
        $out = array_fill(0, $count, []);
        $texts = $this->texts;
        $cursor = Library::new('hayscan_many_cursor_t');
        $cursorPtr = FFI::addr($cursor);
        $got = Library::new('size_t');
        $gotPtr = FFI::addr($got);
        $cap = self::MANY_BATCH;
        $buf = $ffi->new(Library::type("hayscan_input_match_t[$cap]"));
        while ($cursor->input < $count) {
            $status = $ffi->hayscan_matcher_find_many($handle, $list, $count, $cursorPtr, $buf, $cap, $gotPtr);
            if ($status !== Status::OK) {
                throw Library::fail($status);
            }
            $n = $got->cdata;
            if ($n > 0) {
                // hayscan_input_match_t is {size_t input; {uint32_t pattern; size_t start; size_t end}}.
                $w = unpack('Q*', FFI::string($buf, 32 * $n));
                for ($k = 1, $last = 4 * $n; $k <= $last; $k += 4) {
                    $input = $w[$k];
                    $pattern = $w[$k + 1] & 0xFFFFFFFF;
                    $start = $w[$k + 2];
                    $end = $w[$k + 3];
                    $out[$input][] = new Hit($pattern, $start, $end, $texts !== null ? $texts[$pattern] : substr($inputs[$input], $start, $end - $start));
                }
            }
            // A batch that ended inside an input resumes by searching that input again up to
            // where it stopped: grow the batch so a long input is re-searched O(log) times.
            if ($cursor->skip > 0 && $cap < self::MANY_BATCH_MAX) {
                $cap *= 2;
                $buf = $ffi->new(Library::type("hayscan_input_match_t[$cap]"));
            }
        }
        unset($keep);
        return $out;
    }

    /**
     * Reads $n native 8-byte words (size_t, or a struct of them) in one copy and one unpack.
     *
     * @return list<int>
     */
    private static function words(CData $buf, int $n): array
    {
        return array_values(unpack('Q*', FFI::string($buf, 8 * $n)));
    }

    /**
     * Checks the inputs of the _many methods the way the constructor checks patterns.
     *
     * @param array<mixed> $inputs
     */
    private static function checkInputs(array $inputs, string $method): int
    {
        if (!array_is_list($inputs)) {
            throw new InvalidArgumentException("Hayscan\\Matcher::$method(): inputs must be a list: the answer for an input is at its index in the list");
        }
        foreach ($inputs as $i => $input) {
            if (!is_string($input)) {
                throw new \TypeError(sprintf('Hayscan\\Matcher::%s(): input %d must be a string, %s given', $method, $i, get_debug_type($input)));
            }
        }
        return count($inputs);
    }

    /**
     * A hayscan_bytes_t[$count] over $inputs: the inputs are copied once into one C buffer
     * (a struct field cannot point into a PHP string) and the (pointer, length) pairs are
     * written in one memcpy from a pack()ed string. Keep the second element alive while
     * the list is in use.
     *
     * @param list<string> $inputs
     * @return array{CData, ?CData}
     */
    private static function inputList(FFI $ffi, array $inputs, int $count): array
    {
        $joined = implode('', $inputs);
        $total = strlen($joined);
        $buf = null;
        $base = 0;
        if ($total > 0) {
            $buf = $ffi->new("char[$total]");
            FFI::memcpy($buf, $joined, $total);
            $base = FFI::cast('uintptr_t', FFI::addr($buf[0]))->cdata;
        }
        $words = [];
        $at = $base;
        foreach ($inputs as $input) {
            $len = strlen($input);
            $words[] = $len === 0 ? 0 : $at;
            $words[] = $len;
            $at += $len;
        }
        $list = $ffi->new(Library::type("hayscan_bytes_t[$count]"));
        $packed = pack('Q*', ...$words);
        FFI::memcpy($list, $packed, strlen($packed));
        return [$list, $buf];
    }
}
