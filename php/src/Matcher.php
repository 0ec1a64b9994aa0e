<?php

declare(strict_types=1);

namespace Hayscan;

use FFI;
use FFI\CData;

/**
 * A compiled set of patterns, searched all at once.
 *
 * ```php
 * $m = new Hayscan\Matcher(['fox', 'dog'], ['case_insensitive' => true]);
 * $m->isMatch('The quick brown Fox');   // true
 * foreach ($m->matches($text) as $hit) { echo $hit->pattern, ' ', $hit->start, ' ', $hit->text, "\n"; }
 * ```
 *
 * Options (all optional):
 * - `syntax`: {@see Syntax} or 'literal' (default) / 'regex' ({@see Matcher::regex()} sets it);
 * - `match_kind`: {@see MatchKind} or 'leftmost_first' (default) / 'leftmost_longest' / 'overlapping';
 * - `case_insensitive`: bool, Unicode-aware (default false);
 * - `ascii_classes`: bool, regex only: `\w \d \s \b \B` in their ASCII forms, as in PCRE
 *   (preg_*) without the `u` flag, RE2 and Hyperscan (default false: Unicode's);
 * - `max_line_len`: int, regex streams only: longer lines are scanned in frames of this size (default 1 MiB);
 * - `whole_words`: bool, literal syntax only: a match counts only if the characters before and
 *   after it are not word characters (Unicode `\w`; `[0-9A-Za-z_]` with `ascii_classes`).
 *   Empty patterns are then refused ({@see InvalidPatternException}), and so is the regex
 *   syntax ({@see UnsupportedException}: write `\b` there). Streams honour it across chunks;
 * - `max_repetition`: int, regex only: the largest counted repetition `x{n}` a pattern may
 *   use (default 1,000); a larger one is an {@see InvalidPatternException} with its index;
 * - `max_regex_states`: int, regex only: the most automaton states one pattern may need
 *   (default 10,000); beyond it, an {@see InvalidPatternException} with its index.
 *
 * Pattern ids are the indexes of the pattern list. Offsets are bytes. Strings (patterns,
 * haystacks, replacements) may hold any bytes, NUL and invalid UTF-8 included.
 *
 * The native matcher is freed by close() or, failing that, when the object is destroyed.
 * Any method called after close() throws {@see ClosedException}.
 */
final class Matcher
{
    use Answers;
    use Lines;

    /** Matches fetched per native call by findAll() and matches(). */
    public const BATCH = 256;

    /** Matches fetched per native call by findAllColumns(). */
    private const COLUMN_BATCH = 512;

    /** First and largest batch of findMany() (it doubles while one input fills a whole batch). */
    private const MANY_BATCH = 1024;
    private const MANY_BATCH_MAX = 65536;

    /** Number of patterns (fixed at construction). */
    private int $patternCount = 0;

    private ?CData $handle = null;

    /**
     * For a literal, case-sensitive matcher, the patterns: every match of pattern i is then
     * exactly $patterns[i], so findAll() and matches() give each Hit that (shared) string
     * instead of allocating a substr() per match. Null otherwise.
     *
     * @var list<string>|null
     */
    private ?array $texts = null;

    /**
     * Group names per pattern id, fetched from the library on first use.
     *
     * @var array<int, list<?string>>
     */
    private array $groupNames = [];

    /** Out-parameter cells for calls that run no PHP code between filling and reading them. */
    private static ?CData $flag = null;
    private static ?CData $flagPtr = null;
    private static ?CData $size = null;
    private static ?CData $sizePtr = null;
    private static ?CData $hit = null;
    private static ?CData $hitPtr = null;

    /**
     * @param list<string> $patterns the pattern with id i is $patterns[i]; an empty list never matches
     * @param array{syntax?: Syntax|string, match_kind?: MatchKind|string, case_insensitive?: bool, ascii_classes?: bool, max_line_len?: int, whole_words?: bool, max_repetition?: int, max_regex_states?: int} $options
     *
     * @throws InvalidPatternException a pattern does not compile (getPatternIndex() says which)
     * @throws UnsupportedException e.g. regex syntax with leftmost_longest or overlapping
     * @throws InvalidArgumentException an unknown option or option value
     * @throws LibraryException the FFI extension or the library is unavailable
     */
    public function __construct(array $patterns, array $options = [])
    {
        if (!array_is_list($patterns)) {
            throw new InvalidArgumentException('patterns must be a list: a pattern\'s id is its index in the list');
        }
        foreach ($patterns as $i => $pattern) {
            if (!is_string($pattern)) {
                throw new \TypeError(sprintf('Hayscan\Matcher: pattern %d must be a string, %s given', $i, get_debug_type($pattern)));
            }
        }
        $ffi = Library::ffi();
        $opts = Options::native($ffi, $options);
        // One packed string plus one length array: no per-pattern allocation or call,
        // which is what makes 100,000-pattern sets cheap to build.
        $count = count($patterns);
        $lens = null;
        if ($count > 0) {
            $lens = $ffi->new("size_t[$count]");
            $packed = pack(FFI::sizeof($lens[0]) === 8 ? 'Q*' : 'L*', ...array_map(strlen(...), $patterns));
            FFI::memcpy($lens, $packed, strlen($packed));
        }
        $data = implode('', $patterns);
        $out = Library::new('hayscan_matcher_t *');
        $status = $ffi->hayscan_matcher_new_packed($data, strlen($data), $lens, $count, FFI::addr($opts), FFI::addr($out));
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        $this->handle = $out;
        $this->patternCount = $count;
        RequestCleanup::own($this);
        if ($opts->syntax === Library::SYNTAX_LITERAL && $opts->case_insensitive === 0) {
            $this->texts = $patterns;
        }
    }

    /**
     * A matcher whose patterns are regular expressions (Rust `regex` syntax, e.g. `\d+`,
     * `(?i)secret`, `\bword\b`), reported leftmost-first.
     *
     * @param list<string> $patterns
     * @param array{match_kind?: MatchKind|string, case_insensitive?: bool, ascii_classes?: bool, max_line_len?: int, max_repetition?: int, max_regex_states?: int} $options
     */
    public static function regex(array $patterns, array $options = []): self
    {
        if (array_key_exists('syntax', $options) && $options['syntax'] !== Syntax::Regex && $options['syntax'] !== Syntax::Regex->value) {
            throw new InvalidArgumentException('Matcher::regex() builds regex matchers: drop the syntax option, or use new Matcher()');
        }
        $options['syntax'] = Syntax::Regex;
        return new self($patterns, $options);
    }

    /** Whether any pattern occurs in $text. */
    public function isMatch(string $text): bool
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        if (self::$flag === null) {
            self::cells();
        }
        $status = $ffi->hayscan_matcher_is_match($handle, $text, strlen($text), self::$flagPtr);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return self::$flag->cdata !== 0;
    }

    /** The first match (leftmost, per the match kind), or null. */
    public function find(string $text): ?Hit
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        if (self::$flag === null) {
            self::cells();
        }
        $status = $ffi->hayscan_matcher_find($handle, $text, strlen($text), self::$hitPtr, self::$flagPtr);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        if (self::$flag->cdata === 0) {
            return null;
        }
        $m = self::$hit;
        $start = $m->start;
        $end = $m->end;
        return new Hit($m->pattern, $start, $end, substr($text, $start, $end - $start));
    }

    /**
     * Every match, in order. Fetched from the library in batches of {@see BATCH}; for huge
     * results prefer matches() (lazy) or count().
     *
     * @return list<Hit>
     */
    public function findAll(string $text): array
    {
        $hits = [];
        $texts = $this->texts;
        $this->eachBatch($text, self::BATCH, static function (CData $buf, int $n) use (&$hits, $texts, $text): void {
            for ($i = 0; $i < $n; $i++) {
                $m = $buf[$i];
                $start = $m->start;
                $end = $m->end;
                $pattern = $m->pattern;
                $hits[] = new Hit($pattern, $start, $end, $texts !== null ? $texts[$pattern] : substr($text, $start, $end - $start));
            }
        });
        return $hits;
    }

    /**
     * Runs the library's pull iterator over $text, handing $onBatch($buf, $n) each batch of
     * up to $batch matches: the loop under findAll() and findAllColumns().
     *
     * @param \Closure(CData, int): void $onBatch
     */
    private function eachBatch(string $text, int $batch, \Closure $onBatch): void
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        $iter = Library::new('hayscan_iter_t *');
        // The iterator borrows $text's bytes (no copy); $text lives until iter_free below.
        $status = $ffi->hayscan_iter_new($handle, $text, strlen($text), FFI::addr($iter));
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        $token = RequestCleanup::hold('hayscan_iter_free', $iter);
        try {
            // Buffers of this call: creating Hits may run the garbage collector, hence
            // destructors, hence another findAll() before this batch is read.
            $buf = $ffi->new(Library::type("hayscan_match_t[$batch]"));
            $count = Library::new('size_t');
            $countPtr = FFI::addr($count);
            while (true) {
                $status = $ffi->hayscan_iter_next($iter, $buf, $batch, $countPtr);
                if ($status !== Status::OK) {
                    throw Library::fail($status);
                }
                $n = $count->cdata;
                if ($n === 0) {
                    break;
                }
                $onBatch($buf, $n);
            }
        } finally {
            RequestCleanup::release($token);
            $ffi->hayscan_iter_free($iter);
        }
    }

    /**
     * Number of matches in $text (no Hit objects are made). With $threads other than 1 the
     * library splits a large text across that many native threads (0: the available
     * cores, at most 8) and gives exactly the one-thread answer; sets that cannot be split
     * (regex sets, empty patterns, whole words, non-ASCII case folding) and short texts
     * are counted on this thread.
     *
     * @throws InvalidArgumentException $threads is negative
     */
    public function count(string $text, int $threads = 1): int
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        if (self::$flag === null) {
            self::cells();
        }
        if ($threads < 0) {
            throw new InvalidArgumentException("threads must be 0 (the available cores) or more, $threads given");
        }
        $status = $threads === 1
            ? $ffi->hayscan_matcher_count($handle, $text, strlen($text), self::$sizePtr)
            : $ffi->hayscan_matcher_count_parallel($handle, $text, strlen($text), $threads, self::$sizePtr);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return self::$size->cdata;
    }

    /**
     * Calls $callback(Hit $hit) for each match, in order, until it returns false.
     *
     * A Throwable thrown by the callback stops the scan and is rethrown, unchanged, by
     * scan(). The callback may use this or any other matcher.
     *
     * @param callable(Hit): (bool|null|void) $callback
     * @return int the number of matches delivered (including the one whose callback stopped the scan)
     */
    public function scan(string $text, callable $callback): int
    {
        $handle = $this->handle ?? throw self::closed();
        return self::pushScan(
            $callback(...),
            $text,
            static fn (CData $trampoline, CData $report): int => Library::ffi()->hayscan_matcher_scan($handle, $text, strlen($text), $trampoline, null, $report),
        );
    }

    /**
     * Runs a native push scan ($call gets the scan trampoline and the report pointer) with
     * $deliver as the callback frame: the callback's Throwable is rethrown, a failing status
     * thrown, and the number of matches delivered returned.
     *
     * @param \Closure(CData, CData): int $call
     */
    private static function pushScan(\Closure $deliver, string $text, \Closure $call): int
    {
        $report = Library::new('hayscan_scan_report_t');
        $trampoline = Callbacks::scanTrampoline();
        $frame = Callbacks::push($deliver, $text);
        try {
            $status = $call($trampoline, FFI::addr($report));
        } finally {
            Callbacks::pop($frame);
        }
        if ($frame->error !== null) {
            throw $frame->error;
        }
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return $report->matches;
    }

    /**
     * Number of matches in the file at $path, read in chunks by the library: the file never
     * becomes a PHP string, so a file far larger than memory_limit can be counted. Literal
     * sets: the matches of count() over the file's bytes; regex sets: each line scanned
     * alone, as a {@see Stream} does. Pipes and devices are read like files.
     *
     * With $threads other than 1 a regular file is split into segments read and scanned
     * by that many native threads (0: the available cores, at most 8), with exactly the
     * one-thread answer: regex sets at line starts, overlapping literal sets with an
     * overlap of the longest pattern. Leftmost literal sets, pipes and files under 1 MiB
     * per thread are counted on one thread.
     *
     * @throws IoException the file cannot be opened or read, or is a directory
     * @throws InvalidArgumentException $path is empty or contains a NUL byte, or $threads
     *     is negative
     */
    public function countFile(string $path, int $threads = 1): int
    {
        return $this->sizeAnswer($threads, fn ($ffi, $handle, $out) => $threads === 1
            ? $ffi->hayscan_matcher_count_file($handle, $path, strlen($path), $out)
            : $ffi->hayscan_matcher_count_file_parallel($handle, $path, strlen($path), $threads, $out));
    }

    /**
     * The size_t answer of one native call: $call($ffi, $handle, $out) makes it and returns
     * its status. $threads, when given, must be 0 or more.
     *
     * @param \Closure(\FFI, \FFI\CData, \FFI\CData): int $call
     */
    private function sizeAnswer(?int $threads, \Closure $call): int
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        if (self::$flag === null) {
            self::cells();
        }
        if ($threads !== null && $threads < 0) {
            throw new InvalidArgumentException("threads must be 0 (the available cores) or more, $threads given");
        }
        $status = $call($ffi, $handle, self::$sizePtr);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return self::$size->cdata;
    }

    /**
     * Calls $callback(Hit $hit) for each match in the file at $path, in order, until it
     * returns false (the file is then not read further); returns the number of matches
     * delivered. The matches are {@see countFile()}'s; the file never becomes a PHP string,
     * so a Hit's text is the pattern for case-sensitive literal sets and null otherwise.
     *
     * The file is read and scanned on a native worker thread while the callback runs on
     * this thread, between native calls: the worker queues matches in batches (a few
     * batches ahead at most) and this call drains them. No native frame is below the
     * callback, so it may throw (the scan stops and the Throwable is rethrown), exit(),
     * Fiber::suspend() (the scan waits for the Fiber), or scan again, without limits.
     *
     * @param callable(Hit): (bool|null|void) $callback
     *
     * @throws IoException the file cannot be opened or read, or is a directory (after the
     *         matches found before the error are delivered)
     * @throws InvalidArgumentException $path is empty or contains a NUL byte
     */
    public function scanFile(string $path, callable $callback): int
    {
        $handle = $this->handle ?? throw self::closed();
        $job = Job::file($handle, $path);
        try {
            return $job->each($callback(...), $this->texts);
        } finally {
            $job->free();
        }
    }

    /**
     * scan() on a native worker thread: $text is scanned there while $callback(Hit $hit)
     * runs on this thread, on the matches the worker queues in batches, as in
     * {@see scanFile()}. Same matches, Hits and return value as scan(); the callback may
     * throw, exit(), Fiber::suspend() or scan again without the limits of scan()'s
     * callbacks (no native frame is below it). Starting the thread costs some tens of
     * microseconds, and the job scans a C copy of $text: worth it for large texts, or when
     * the callback needs that freedom.
     *
     * @param callable(Hit): (bool|null|void) $callback
     */
    public function scanInBackground(string $text, callable $callback): int
    {
        $handle = $this->handle ?? throw self::closed();
        $job = Job::text($handle, $text);
        try {
            return $job->each($callback(...), null, $text);
        } finally {
            $job->free();
        }
    }

    /**
     * Writes the file at $input to the file at $output (created or truncated) with every
     * match replaced, as replaceAll() does, and returns the number of replacements. Both
     * files are read and written in chunks by the library: neither becomes a PHP string,
     * so files far larger than memory_limit can be rewritten.
     *
     * @param list<string>|string $replacement one string for every pattern, or one per pattern (indexed by pattern id)
     *
     * @throws IoException a file cannot be read or written (a missing input creates no
     *         output; a failure midway leaves a partial output)
     * @throws InvalidArgumentException $output is $input (the same file by any path), a
     *         path is empty or contains a NUL byte, or the replacement list is wrong
     * @throws UnsupportedException with the overlapping match kind
     */
    public function replaceFile(string $input, string $output, array|string $replacement): int
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        $replacements = new Replacements($ffi, $replacement, 'replaceFile');
        if (self::$flag === null) {
            self::cells();
        }
        $status = $ffi->hayscan_matcher_replace_file($handle, $input, strlen($input), $output, strlen($output), $replacements->list, $replacements->count, self::$sizePtr);
        if ($status !== Status::OK) {
            throw Library::failFile($status, "$input -> $output");
        }
        return self::$size->cdata;
    }

    /**
     * Yields each match lazily, fetching them from the library in batches of {@see BATCH}.
     * `break` out of a foreach at any time: the native iterator is freed when the generator
     * is destroyed. The matcher may be closed meanwhile; a started iteration still completes.
     *
     * @return \Generator<int, Hit, mixed, void>
     */
    public function matches(string $text): \Generator
    {
        $this->handle ?? throw self::closed();
        return $this->iterate($text);
    }

    /**
     * Replaces every match and returns the new string.
     *
     * @param list<string>|string $replacement one string for every pattern, or one per pattern (indexed by pattern id)
     *
     * @throws InvalidArgumentException the list does not hold one replacement per pattern
     * @throws UnsupportedException with the overlapping match kind
     */
    public function replaceAll(string $text, array|string $replacement): string
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        $replacements = new Replacements($ffi, $replacement, 'replaceAll');
        $out = Library::new('char *');
        $outLen = Library::new('size_t');
        $status = $ffi->hayscan_matcher_replace_all($handle, $text, strlen($text), $replacements->list, $replacements->count, FFI::addr($out), FFI::addr($outLen));
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return self::take($ffi, $out, $outLen->cdata);
    }

    /**
     * Replaces each match by what $callback(Hit $hit) returns: a string ('' deletes the
     * match), or false to stop (that match and the rest of $text stay unchanged).
     * A Throwable thrown by the callback stops the replacement and is rethrown unchanged.
     *
     * @param callable(Hit): (string|\Stringable|false) $callback
     */
    public function replaceWith(string $text, callable $callback): string
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        $out = Library::new('char *');
        $outLen = Library::new('size_t');
        $report = Library::new('hayscan_scan_report_t');
        $trampoline = Callbacks::replaceTrampoline();
        $frame = Callbacks::push($callback(...), $text);
        try {
            $status = $ffi->hayscan_matcher_replace_with($handle, $text, strlen($text), $trampoline, null, FFI::addr($out), FFI::addr($outLen), FFI::addr($report));
        } finally {
            Callbacks::pop($frame);
        }
        $result = $status === Status::OK ? self::take($ffi, $out, $outLen->cdata) : '';
        if ($frame->error !== null) {
            throw $frame->error;
        }
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return $result;
    }

    /**
     * The capture groups of $hit, a match this (regex) matcher found in $text: group 0 is the
     * whole match, then the pattern's groups. Groups are computed on request, so scans that
     * need none pay nothing for them. Pass the same $text the Hit came from.
     *
     * ```php
     * $m = Matcher::regex(['(?P<key>\w+)=(?P<value>\w+)?']);
     * foreach ($m->matches($text) as $hit) {
     *     $caps = $m->captures($text, $hit);
     *     echo $caps->group('key'), ' => ', $caps->group('value') ?? '(none)', "\n";
     * }
     * ```
     *
     * @throws UnsupportedException for a literal matcher (literal patterns have no groups)
     * @throws InvalidArgumentException $hit is not a match of this matcher in $text (another text, another matcher, changed offsets)
     * @throws ClosedException after close()
     */
    public function captures(string $text, Hit $hit): Captures
    {
        $handle = $this->handle ?? throw self::closed();
        $names = $this->groupNames($hit->pattern);
        if ($hit->start < 0 || $hit->end < 0) {
            throw new InvalidArgumentException("the Hit's offsets [{$hit->start}, {$hit->end}) are negative: it is not a match of this matcher in this text");
        }
        $ffi = Library::ffi();
        if (self::$flag === null) {
            self::cells();
        }
        $n = count($names);
        $groups = $ffi->new(Library::type("hayscan_span_t[$n]"));
        $m = self::$hit;
        $m->pattern = $hit->pattern;
        $m->start = $hit->start;
        $m->end = $hit->end;
        $status = $ffi->hayscan_matcher_captures($handle, $text, strlen($text), self::$hitPtr, $groups, $n, self::$sizePtr);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        if (self::$size->cdata !== $n) {
            throw new PanicException('hayscan reported ' . self::$size->cdata . " groups for pattern {$hit->pattern}, expected $n");
        }
        $spans = [];
        for ($i = 0; $i < $n; $i++) {
            $start = $groups[$i]->start;
            // A group that took no part is SIZE_MAX, which FFI reads as -1.
            $spans[] = $start < 0 ? null : [$start, $groups[$i]->end];
        }
        return new Captures($hit->pattern, $spans, $names, $text);
    }

    /**
     * The names of pattern $pattern's capture groups, indexed by group: null for group 0
     * (the whole match) and unnamed groups. `count()` of it is the pattern's group count.
     *
     * ```php
     * Matcher::regex(['(?P<key>\w+)=(\d+)'])->groupNames(0);   // [null, 'key', null]
     * ```
     *
     * @return list<?string>
     * @throws UnsupportedException for a literal matcher
     * @throws InvalidArgumentException no pattern with this id
     * @throws ClosedException after close()
     */
    public function groupNames(int $pattern): array
    {
        $handle = $this->handle ?? throw self::closed();
        if (isset($this->groupNames[$pattern])) {
            return $this->groupNames[$pattern];
        }
        if ($pattern < 0 || $pattern > 0xFFFFFFFF) {
            throw new InvalidArgumentException("pattern $pattern out of range (pattern ids are 0 to patternCount() - 1)");
        }
        $ffi = Library::ffi();
        if (self::$flag === null) {
            self::cells();
        }
        $status = $ffi->hayscan_matcher_group_count($handle, $pattern, self::$sizePtr);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        $count = self::$size->cdata;
        $names = [null];
        $name = Library::new('const char *');
        $nameLen = Library::new('size_t');
        for ($group = 1; $group < $count; $group++) {
            $status = $ffi->hayscan_matcher_group_name($handle, $pattern, $group, FFI::addr($name), FFI::addr($nameLen));
            if ($status !== Status::OK) {
                throw Library::fail($status);
            }
            // The name is owned by the matcher and not NUL-terminated: copy it now.
            $names[] = FFI::isNull($name) ? null : FFI::string($name, $nameLen->cdata);
        }
        return $this->groupNames[$pattern] = $names;
    }

    /** A new stream over this matcher's patterns, for input that arrives in chunks. */
    public function stream(): Stream
    {
        return new Stream($this);
    }

    /** Number of patterns in the set. */
    public function patternCount(): int
    {
        return $this->sizeQuery('hayscan_matcher_pattern_count');
    }

    /** Heap memory used by the compiled automaton, in bytes. */
    public function memoryUsage(): int
    {
        return $this->sizeQuery('hayscan_matcher_memory_usage');
    }

    /** Frees the native matcher now. Idempotent. Streams made from it keep working. */
    public function close(): void
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            RequestCleanup::disown($this);
            Library::ffi()->hayscan_matcher_free($handle);
        }
    }

    public function isClosed(): bool
    {
        return $this->handle === null;
    }

    public function __destruct()
    {
        $this->close();
    }

    /**
     * The native handle, for Stream.
     *
     * @internal
     */
    public function nativeHandle(): CData
    {
        return $this->handle ?? throw self::closed();
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['closed' => $this->handle === null];
    }

    /** A native handle cannot be copied. */
    private function __clone()
    {
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new \LogicException('a Hayscan\Matcher cannot be serialized: build it again from its patterns');
    }

    /** @param array<mixed> $data */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a Hayscan\Matcher cannot be unserialized: build it again from its patterns');
    }

    /** @return \Generator<int, Hit, mixed, void> */
    private function iterate(string $text): \Generator
    {
        $handle = $this->handle ?? throw self::closed();
        $texts = $this->texts;
        $ffi = Library::ffi();
        $iter = Library::new('hayscan_iter_t *');
        // The iterator borrows $text's bytes: this generator frame keeps $text alive (and
        // PHP strings are immutable) until iter_free runs in the finally block, which a
        // `break` out of foreach reaches when the generator is destroyed.
        $status = $ffi->hayscan_iter_new($handle, $text, strlen($text), FFI::addr($iter));
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        $token = RequestCleanup::hold('hayscan_iter_free', $iter);
        try {
            // Own buffers: the generator is suspended between yields, when other calls may
            // use the shared cells.
            $buf = $ffi->new(Library::type('hayscan_match_t[' . self::BATCH . ']'));
            $n = Library::new('size_t');
            $nPtr = FFI::addr($n);
            while (true) {
                $status = $ffi->hayscan_iter_next($iter, $buf, self::BATCH, $nPtr);
                if ($status !== Status::OK) {
                    throw Library::fail($status);
                }
                $count = $n->cdata;
                if ($count === 0) {
                    return;
                }
                for ($i = 0; $i < $count; $i++) {
                    $m = $buf[$i];
                    $start = $m->start;
                    $end = $m->end;
                    $pattern = $m->pattern;
                    yield new Hit($pattern, $start, $end, $texts !== null ? $texts[$pattern] : substr($text, $start, $end - $start));
                }
            }
        } finally {
            RequestCleanup::release($token);
            $ffi->hayscan_iter_free($iter);
        }
    }

    private function sizeQuery(string $function): int
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        if (self::$flag === null) {
            self::cells();
        }
        $status = $ffi->$function($handle, self::$sizePtr);
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return self::$size->cdata;
    }

    /** Copies a buffer the library returned into a PHP string and frees it. */
    private static function take(FFI $ffi, CData $ptr, int $len): string
    {
        $token = RequestCleanup::hold('hayscan_bytes_free', $ptr, $len);
        try {
            return $len === 0 ? '' : FFI::string($ptr, $len);
        } finally {
            RequestCleanup::release($token);
            $ffi->hayscan_bytes_free($ptr, $len);
        }
    }

    private static function cells(): void
    {
        self::$size = Library::new('size_t');
        self::$sizePtr = FFI::addr(self::$size);
        self::$hit = Library::new('hayscan_match_t');
        self::$hitPtr = FFI::addr(self::$hit);
        self::$flag = Library::new('uint32_t');
        self::$flagPtr = FFI::addr(self::$flag);
    }

    private static function closed(): ClosedException
    {
        return new ClosedException('this Hayscan\Matcher is closed');
    }
}
