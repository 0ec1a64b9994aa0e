<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\BuildException;
use Hayscan\Exception;
use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\InvalidPatternException;
use Hayscan\Matcher;
use Hayscan\Status;
use Hayscan\StreamFinishedException;
use Hayscan\UnsupportedException;
use PHPUnit\Framework\TestCase;

/**
 * Runs every case of tests/vectors/*.json (the conformance cases every binding runs; format
 * in tests/vectors/README.md) through the PHP API. A case PHP cannot run must say so in its
 * `skip` entry; there are none today.
 * Options are passed as they are (snake_case keys: syntax, match_kind, case_insensitive,
 * ascii_classes, whole_words, max_line_len).
 */
final class VectorsTest extends TestCase
{
    private const CODES = [
        'INVALID_PATTERN' => [Status::INVALID_PATTERN, InvalidPatternException::class],
        'INVALID_ARGUMENT' => [Status::INVALID_ARGUMENT, InvalidArgumentException::class],
        'UNSUPPORTED' => [Status::UNSUPPORTED, UnsupportedException::class],
        'BUILD' => [Status::BUILD_FAILED, BuildException::class],
        'STREAM_FINISHED' => [Status::STREAM_FINISHED, StreamFinishedException::class],
    ];

    public static function vectorDir(): string
    {
        return dirname(__DIR__, 2) . '/tests/vectors';
    }

    /** @return iterable<string, array{array<string, mixed>}> */
    public static function cases(): iterable
    {
        $files = glob(self::vectorDir() . '/*.json') ?: [];
        sort($files);
        foreach ($files as $file) {
            $doc = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
            foreach ($doc['cases'] as $i => $case) {
                yield basename($file) . " #$i " . $case['name'] => [$case];
            }
        }
    }

    public function testEveryVectorFileIsRun(): void
    {
        $count = iterator_count(self::cases());
        // The core's own vector test requires at least 60; fewer here means files went missing.
        self::assertGreaterThanOrEqual(60, $count, 'tests/vectors/*.json not found or nearly empty');
        $lines = 0;
        foreach (self::cases() as $name => [$case]) {
            $lines += (int) array_key_exists('lines', $case['expect']);
            self::assertNotEmpty(array_intersect(array_keys($case['expect']), ['matches', 'replace', 'stream', 'error', 'lines']), "$name checks nothing");
        }
        self::assertGreaterThanOrEqual(20, $lines, 'tests/vectors/lines.json not found or nearly empty');
    }

    /**
     * @dataProvider cases
     * @param array<string, mixed> $case
     */
    public function testVector(array $case): void
    {
        $name = $case['name'];
        if (isset($case['skip']['php'])) {
            self::markTestSkipped("vector marks PHP as unable to run it: {$case['skip']['php']}");
        }
        $patterns = array_map(self::bytes(...), $case['patterns']);
        $options = $case['options'] ?? [];
        $hay = self::bytes($case['haystack']);
        $expect = $case['expect'];

        if (isset($expect['error'])) {
            $e = self::catch(static fn () => new Matcher($patterns, $options));
            self::assertError($name, $expect['error'], $e);
            return;
        }

        $m = new Matcher($patterns, $options);
        self::assertSame(count($patterns), $m->patternCount(), $name);

        if (array_key_exists('matches', $expect)) {
            $want = $expect['matches'];
            self::assertSame($want, self::triples($m->findAll($hay)), "$name: findAll");
            self::assertSame(count($want), $m->count($hay), "$name: count");
            $first = $m->find($hay);
            self::assertSame($want[0] ?? null, $first === null ? null : self::triple($first), "$name: find");
            self::assertSame($want !== [], $m->isMatch($hay), "$name: isMatch");
            $scanned = [];
            $delivered = $m->scan($hay, static function (Hit $h) use (&$scanned): void {
                $scanned[] = $h;
            });
            self::assertSame($want, self::triples($scanned), "$name: scan");
            self::assertSame(count($want), $delivered, "$name: scan report");
            $pulled = iterator_to_array($m->matches($hay), false);
            self::assertSame($want, self::triples($pulled), "$name: matches()");
            foreach ([...$scanned, ...$pulled] as $hit) {
                self::assertSame(substr($hay, $hit->start, $hit->end - $hit->start), $hit->text, "$name: Hit::\$text");
            }
            self::checkCaptures($name, $m, $hay, $pulled, $expect, ($options['syntax'] ?? 'literal') === 'regex');
            self::checkAnswers($name, $m, $hay, $want, count($patterns));
        }

        if (array_key_exists('lines', $expect)) {
            self::checkLines($name, $m, $hay, $expect['lines']);
        }

        if (isset($expect['group_names'])) {
            self::assertCount(count($patterns), $expect['group_names'], "$name: one group_names entry per pattern");
            foreach ($expect['group_names'] as $pattern => $names) {
                self::assertSame($names, $m->groupNames($pattern), "$name: groupNames($pattern)");
            }
        }

        if (isset($expect['replace'])) {
            $with = array_map(self::bytes(...), $expect['replace']['with']);
            $viaCallback = static fn (): string => $m->replaceWith(
                $hay,
                static fn (Hit $h): string => $with[count($with) === 1 ? 0 : $h->pattern] ?? '',
            );
            if (isset($expect['replace']['error'])) {
                self::assertError($name, $expect['replace']['error'], self::catch(static fn () => $m->replaceAll($hay, $with)));
                if (count($with) === 1) {
                    self::assertError($name, $expect['replace']['error'], self::catch(static fn () => $m->replaceAll($hay, $with[0])));
                }
                if (count($with) === 1 || count($with) === count($patterns)) {
                    self::assertError($name, $expect['replace']['error'], self::catch($viaCallback));
                }
            } else {
                $output = self::bytes($expect['replace']['output']);
                self::assertSame($output, $m->replaceAll($hay, $with), "$name: replaceAll(list)");
                if (count($with) === 1) {
                    self::assertSame($output, $m->replaceAll($hay, $with[0]), "$name: replaceAll(string)");
                }
                self::assertSame($output, $viaCallback(), "$name: replaceWith");
            }
        }

        if (isset($expect['stream'])) {
            $want = $expect['stream']['matches'] ?? $expect['matches'];
            foreach ($expect['stream']['chunks'] as $sizes) {
                $stream = $m->stream();
                $got = [];
                $stream->on(static function (Hit $h) use (&$got): void {
                    self::assertNull($h->text);
                    $got[] = [$h->pattern, $h->start, $h->end];
                });
                $delivered = 0;
                foreach (self::chunked($hay, $sizes) as $chunk) {
                    $delivered += $stream->feed($chunk);
                }
                $delivered += $stream->finish();
                $stream->close();
                self::assertSame($want, $got, "$name: stream with chunk sizes " . json_encode($sizes));
                self::assertSame(count($want), $delivered, "$name: stream reports");
            }
        }
        $m->close();
    }

    /**
     * Capture groups of every match: as the vector says where it has `captures`; otherwise
     * group 0 must be the match itself (regex sets), or captures() must be unsupported
     * (literal sets).
     *
     * @param list<Hit> $hits
     * @param array<string, mixed> $expect
     */
    private static function checkCaptures(string $name, Matcher $m, string $hay, array $hits, array $expect, bool $regex): void
    {
        if (!$regex) {
            if ($hits !== []) {
                self::assertError($name, ['code' => 'UNSUPPORTED'], self::catch(static fn () => $m->captures($hay, $hits[0])));
            }
            return;
        }
        if (isset($expect['captures'])) {
            self::assertCount(count($hits), $expect['captures'], "$name: one captures entry per match");
        }
        foreach ($hits as $i => $hit) {
            $caps = $m->captures($hay, $hit);
            self::assertSame($hit->pattern, $caps->pattern, "$name: Captures::\$pattern");
            self::assertSame([$hit->start, $hit->end], $caps->span(0), "$name: group 0 of match $i");
            self::assertSame($hit->text, $caps->group(0), "$name: group 0 text of match $i");
            self::assertSame($m->groupNames($hit->pattern), $caps->names(), "$name: names of match $i");
            if (isset($expect['captures'])) {
                $spans = [];
                for ($g = 0; $g < count($caps); $g++) {
                    $spans[] = $caps->span($g);
                }
                self::assertSame($expect['captures'][$i], $spans, "$name: captures of match $i");
                foreach ($expect['captures'][$i] as $g => $span) {
                    self::assertSame($span === null ? null : substr($hay, $span[0], $span[1] - $span[0]), $caps->group($g), "$name: text of group $g of match $i");
                }
            }
        }
    }

    /**
     * The answers without a per-match object, each derived from the case's matches: counts
     * per pattern, the sorted distinct ids, the first match of each pattern, the columns,
     * and the _many forms over [haystack, "", haystack].
     *
     * @param list<array{int, int, int}> $want
     */
    private static function checkAnswers(string $name, Matcher $m, string $hay, array $want, int $patternCount): void
    {
        $counts = array_fill(0, $patternCount, 0);
        $firsts = array_fill(0, $patternCount, null);
        foreach ($want as $triple) {
            $counts[$triple[0]]++;
            $firsts[$triple[0]] ??= $triple;
        }
        self::assertSame($counts, $m->countByPattern($hay), "$name: countByPattern");
        $ids = array_values(array_unique(array_column($want, 0)));
        sort($ids);
        self::assertSame($ids, $m->matchingPatterns($hay), "$name: matchingPatterns");
        $gotFirsts = $m->firstMatchPerPattern($hay);
        self::assertSame($firsts, array_map(static fn (?Hit $h): ?array => $h === null ? null : self::triple($h), $gotFirsts), "$name: firstMatchPerPattern");
        foreach ($gotFirsts as $h) {
            if ($h !== null) {
                self::assertSame(substr($hay, $h->start, $h->end - $h->start), $h->text, "$name: firstMatchPerPattern Hit::\$text");
            }
        }
        self::assertSame(
            ['pattern' => array_column($want, 0), 'start' => array_column($want, 1), 'end' => array_column($want, 2)],
            $m->findAllColumns($hay),
            "$name: findAllColumns",
        );
        $inputs = [$hay, '', $hay];
        // The case gives no matches for "": those of findAll('') (empty patterns match there).
        $empty = self::triples($m->findAll(''));
        self::assertSame([count($want), count($empty), count($want)], $m->countMany($inputs), "$name: countMany");
        self::assertSame([$want !== [], $empty !== [], $want !== []], $m->isMatchMany($inputs), "$name: isMatchMany");
        $many = $m->findMany($inputs);
        self::assertSame([$want, $empty, $want], array_map(self::triples(...), $many), "$name: findMany");
        foreach ($many[2] as $h) {
            self::assertSame(substr($hay, $h->start, $h->end - $h->start), $h->text, "$name: findMany Hit::\$text");
        }
    }

    /**
     * countLines() of the haystack, and countFileLines() of a file holding it on one thread
     * and on two.
     */
    private static function checkLines(string $name, Matcher $m, string $hay, mixed $want): void
    {
        self::assertIsInt($want, "$name: expect.lines must be an integer");
        self::assertSame($want, $m->countLines($hay), "$name: countLines");
        $path = (string) tempnam(sys_get_temp_dir(), 'hayscan-vector-');
        try {
            self::assertNotFalse(file_put_contents($path, $hay), "$name: writing $path");
            self::assertSame($want, $m->countFileLines($path), "$name: countFileLines");
            self::assertSame($want, $m->countFileLines($path, 2), "$name: countFileLines on 2 threads");
        } finally {
            unlink($path);
        }
    }

    private static function bytes(mixed $v): string
    {
        if (is_string($v)) {
            return $v;
        }
        $decoded = base64_decode($v['base64'], true);
        self::assertIsString($decoded, 'invalid base64 in a vector');
        return $decoded;
    }

    /**
     * @param list<int> $sizes chunk sizes, used cyclically
     * @return list<string>
     */
    private static function chunked(string $hay, array $sizes): array
    {
        self::assertNotEmpty(array_filter($sizes), 'chunk sizes must not all be 0');
        $out = [];
        $at = 0;
        for ($i = 0; $at < strlen($hay); $i++) {
            $size = $sizes[$i % count($sizes)];
            $out[] = substr($hay, $at, $size);
            $at += $size;
        }
        return $out;
    }

    /** @return array{int, int, int} */
    private static function triple(Hit $h): array
    {
        return [$h->pattern, $h->start, $h->end];
    }

    /**
     * @param list<Hit> $hits
     * @return list<array{int, int, int}>
     */
    private static function triples(array $hits): array
    {
        return array_map(self::triple(...), $hits);
    }

    private static function catch(\Closure $fn): ?\Throwable
    {
        try {
            $fn();
        } catch (\Throwable $e) {
            return $e;
        }
        return null;
    }

    /** @param array<string, mixed> $want */
    private static function assertError(string $name, array $want, ?\Throwable $e): void
    {
        self::assertInstanceOf(Exception::class, $e, "$name: expected a {$want['code']} error");
        [$status, $class] = self::CODES[$want['code']];
        self::assertInstanceOf($class, $e, "$name: " . $e->getMessage());
        self::assertSame($status, $e->getCode(), $name);
        self::assertSame($status, $e->getStatus(), $name);
        self::assertNotSame('', $e->getMessage(), $name);
        if (isset($want['pattern_index'])) {
            self::assertInstanceOf(InvalidPatternException::class, $e, $name);
            self::assertSame($want['pattern_index'], $e->getPatternIndex(), $name);
        }
    }
}
