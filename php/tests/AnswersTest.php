<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\ClosedException;
use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\InvalidPatternException;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\Status;
use Hayscan\Tests\Support\ChecksLiveObjects;
use Hayscan\UnsupportedException;
use PHPUnit\Framework\TestCase;

/**
 * Issue 14: whole_words, the engine limits of issue 15, and the answers without a Hit per
 * match (countByPattern, matchingPatterns, firstMatchPerPattern, findAllColumns and the
 * _many forms), their argument errors, and that they leave nothing alive.
 */
final class AnswersTest extends TestCase
{
    use ChecksLiveObjects;

    /** @return list<array{int, int, int}> */
    private static function triples(iterable $hits): array
    {
        $out = [];
        foreach ($hits as $h) {
            $out[] = [$h->pattern, $h->start, $h->end];
        }
        return $out;
    }

    /** @return array{pattern: list<int>, start: list<int>, end: list<int>} */
    private static function columns(array $hits): array
    {
        return [
            'pattern' => array_map(static fn (Hit $h): int => $h->pattern, $hits),
            'start' => array_map(static fn (Hit $h): int => $h->start, $hits),
            'end' => array_map(static fn (Hit $h): int => $h->end, $hits),
        ];
    }

    public function testPerPatternAnswers(): void
    {
        $m = new Matcher(['fox', 'dog', 'cat', 'the']);
        $text = 'the fox saw the dog; the dog saw the fox';
        self::assertSame([2, 2, 0, 4], $m->countByPattern($text));
        self::assertSame([0, 1, 3], $m->matchingPatterns($text));
        $firsts = $m->firstMatchPerPattern($text);
        self::assertCount(4, $firsts);
        self::assertSame([[0, 4, 7], [1, 16, 19]], self::triples(array_slice($firsts, 0, 2)));
        self::assertNull($firsts[2]);
        self::assertSame([3, 0, 3, 'the'], [$firsts[3]->pattern, $firsts[3]->start, $firsts[3]->end, $firsts[3]->text]);
        self::assertSame('fox', $firsts[0]->text);
        self::assertSame([0, 0, 0, 0], $m->countByPattern(''));
        self::assertSame([], $m->matchingPatterns('nothing'));
        self::assertSame([null, null, null, null], $m->firstMatchPerPattern('nothing'));
        $m->close();
    }

    public function testAnswersFollowTheMatchKindAndCaseFolding(): void
    {
        $text = 'samwise SAM';
        $first = new Matcher(['sam', 'samwise']);
        self::assertSame([1, 0], $first->countByPattern($text));
        $longest = new Matcher(['sam', 'samwise'], ['match_kind' => 'leftmost_longest', 'case_insensitive' => true]);
        self::assertSame([1, 1], $longest->countByPattern($text));
        self::assertSame([0, 1], $longest->matchingPatterns($text));
        $firsts = $longest->firstMatchPerPattern($text);
        self::assertSame('SAM', $firsts[0]->text, 'the haystack spelling, not the pattern');
        $overlapping = new Matcher(['sam', 'samwise', 'wise'], ['match_kind' => 'overlapping']);
        self::assertSame([1, 1, 1], $overlapping->countByPattern($text));
        $regex = Matcher::regex(['\d+', '[a-z]+']);
        self::assertSame([2, 1], $regex->countByPattern('12 ab 345'));
        self::assertSame([[0, 0, 2], [1, 3, 5]], self::triples($regex->firstMatchPerPattern('12 ab 345')));
        self::assertSame(['pattern' => [0, 1, 0], 'start' => [0, 3, 6], 'end' => [2, 5, 9]], $regex->findAllColumns('12 ab 345'));
    }

    public function testFindAllColumnsEqualsFindAllAcrossBatches(): void
    {
        $text = str_repeat('ab cab ', 3000) . "\xff\0ab"; // more than one batch, binary bytes
        foreach ([new Matcher(['ab', 'c', "\0"]), new Matcher(['AB', 'C'], ['case_insensitive' => true]), Matcher::regex(['a?b', 'c'])] as $k => $m) {
            $all = $m->findAll($text);
            self::assertGreaterThan(4096, count($all));
            self::assertSame(self::columns($all), $m->findAllColumns($text), "matcher $k");
        }
        self::assertSame(['pattern' => [], 'start' => [], 'end' => []], (new Matcher(['zz']))->findAllColumns($text));
        self::assertSame(['pattern' => [], 'start' => [], 'end' => []], (new Matcher([]))->findAllColumns($text));
    }

    public function testManyForms(): void
    {
        $m = new Matcher(['cat', 'dog']);
        $inputs = ['a cat', '', 'dog and cat and dog', 'nothing', "\0cat\xff"];
        self::assertSame([true, false, true, false, true], $m->isMatchMany($inputs));
        self::assertSame([1, 0, 3, 0, 1], $m->countMany($inputs));
        $many = $m->findMany($inputs);
        self::assertCount(5, $many);
        foreach ($inputs as $i => $input) {
            self::assertEquals($m->findAll($input), $many[$i], "input $i");
        }
        self::assertSame([[0, 1, 4]], self::triples($many[4]));
        self::assertSame('cat', $many[4][0]->text);
        self::assertSame([], $m->isMatchMany([]));
        self::assertSame([], $m->countMany([]));
        self::assertSame([], $m->findMany([]));
        self::assertSame([false, false], $m->isMatchMany(['', '']), 'only empty inputs (no buffer at all)');
        self::assertSame([[], []], $m->findMany(['', '']));
        // Case-insensitive: Hit::$text is cut from each input, not taken from the patterns.
        $ci = new Matcher(['CAT'], ['case_insensitive' => true]);
        self::assertSame([['Cat'], [], ['cAt', 'CAT']], array_map(
            static fn (array $hits): array => array_map(static fn (Hit $h): ?string => $h->text, $hits),
            $ci->findMany(['Cat', 'x', 'cAt CAT']),
        ));
    }

    public function testFindManyOverInputsWithMoreMatchesThanABatch(): void
    {
        $m = new Matcher(['a']);
        $inputs = [str_repeat('a', 5000), 'xa', str_repeat('ba', 70000), ''];
        $many = $m->findMany($inputs);
        self::assertSame([5000, 1, 70000, 0], array_map(count(...), $many));
        self::assertSame([4999, 1, 139999], [$many[0][4999]->start, $many[1][0]->start, $many[2][69999]->start]);
        self::assertSame(range(1, 139999, 2), array_map(static fn (Hit $h): int => $h->start, $many[2]));
        self::assertSame($m->countMany($inputs), array_map(count(...), $many));
    }

    public function testWholeWords(): void
    {
        $m = new Matcher(['cat', 'été'], ['whole_words' => true]);
        $text = 'cat concat cat_ (cat) été étés café_été';
        self::assertSame([[0, 0, 3], [0, 17, 20], [1, 22, 27]], self::triples($m->findAll($text)));
        self::assertSame([2, 1], $m->countByPattern($text));
        self::assertSame(3, $m->count($text));
        self::assertSame([true, false], $m->isMatchMany(['a cat.', 'concatenate']));
        // Word characters are Unicode's \w by default, [0-9A-Za-z_] with ascii_classes.
        $unicode = new Matcher(['x'], ['whole_words' => true]);
        $ascii = new Matcher(['x'], ['whole_words' => true, 'ascii_classes' => true]);
        self::assertSame(0, $unicode->count('éxé'));
        self::assertSame(1, $ascii->count('éxé'));
        self::assertSame(1, (new Matcher(['x'], ['whole_words' => false]))->count('axa'));
    }

    public function testWholeWordsStreamsAcrossChunks(): void
    {
        $m = new Matcher(['cat'], ['whole_words' => true]);
        $text = 'cat concat cats cat';
        $stream = $m->stream();
        $got = [];
        $stream->on(static function (Hit $h) use (&$got): void {
            $got[] = [$h->pattern, $h->start, $h->end];
        });
        foreach (str_split($text, 1) as $byte) {
            $stream->feed($byte);
        }
        $stream->finish();
        $stream->close();
        self::assertSame([[0, 0, 3], [0, 16, 19]], $got);
        self::assertSame(self::triples($m->findAll($text)), $got);
    }

    public function testWholeWordsRefusals(): void
    {
        try {
            new Matcher(['cat', ''], ['whole_words' => true]);
            self::fail('expected InvalidPatternException');
        } catch (InvalidPatternException $e) {
            self::assertSame(1, $e->getPatternIndex());
            self::assertSame(Status::INVALID_PATTERN, $e->getCode());
        }
        try {
            Matcher::regex(['cat'], ['whole_words' => true]);
            self::fail('expected UnsupportedException');
        } catch (UnsupportedException $e) {
            self::assertSame(Status::UNSUPPORTED, $e->getCode());
            self::assertNotSame('', $e->getMessage());
        }
        // An empty pattern without whole_words still matches everywhere.
        self::assertSame(4, (new Matcher(['']))->count('abc'));
    }

    public function testEngineLimits(): void
    {
        try {
            Matcher::regex(['a', 'b{5}', 'c{6}'], ['max_repetition' => 5]);
            self::fail('expected InvalidPatternException');
        } catch (InvalidPatternException $e) {
            self::assertSame(2, $e->getPatternIndex());
        }
        self::assertSame(1, Matcher::regex(['b{5}'], ['max_repetition' => 5])->count('bbbbb'));
        try {
            Matcher::regex(['x', '\w{50}'], ['max_regex_states' => 100]);
            self::fail('expected InvalidPatternException');
        } catch (InvalidPatternException $e) {
            self::assertSame(1, $e->getPatternIndex());
        }
        self::assertSame(1, Matcher::regex(['[a-z]{3}'], ['max_regex_states' => 100])->count('abc'));
        // The defaults (1,000 and 10,000) apply without the options.
        try {
            Matcher::regex(['a{1001}']);
            self::fail('expected InvalidPatternException');
        } catch (InvalidPatternException $e) {
            self::assertSame(0, $e->getPatternIndex());
        }
    }

    /** @return iterable<string, array{array<mixed>, string}> */
    public static function badOptions(): iterable
    {
        yield 'non-bool whole_words' => [['whole_words' => 1], 'option whole_words must be a bool, int given'];
        yield 'camelCase wholeWords' => [['wholeWords' => true], "unknown option 'wholeWords'"];
        yield 'negative max_repetition' => [['max_repetition' => -1], 'option max_repetition must be an int from 0 to 4294967295, -1 given'];
        yield 'too large max_repetition' => [['max_repetition' => 1 << 32], 'option max_repetition must be an int'];
        yield 'string max_repetition' => [['max_repetition' => '10'], "option max_repetition must be an int from 0 to 4294967295, '10' given"];
        yield 'negative max_regex_states' => [['max_regex_states' => -5], 'option max_regex_states must be a non-negative int, -5 given'];
        yield 'float max_regex_states' => [['max_regex_states' => 10.0], 'option max_regex_states must be a non-negative int'];
    }

    /**
     * @dataProvider badOptions
     * @param array<mixed> $options
     */
    public function testBadOptions(array $options, string $message): void
    {
        try {
            new Matcher(['a'], $options);
            self::fail('expected InvalidArgumentException');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString($message, $e->getMessage());
            self::assertSame(Status::INVALID_ARGUMENT, $e->getCode());
        }
    }

    /** @return iterable<string, array{string}> */
    public static function manyMethods(): iterable
    {
        yield 'isMatchMany' => ['isMatchMany'];
        yield 'countMany' => ['countMany'];
        yield 'findMany' => ['findMany'];
    }

    /** @dataProvider manyMethods */
    public function testManyFormsRefuseBadInputLists(string $method): void
    {
        $m = new Matcher(['a']);
        try {
            $m->$method(['x' => 'a', 'y' => 'b']);
            self::fail('expected InvalidArgumentException');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString("Matcher::$method(): inputs must be a list", $e->getMessage());
            self::assertSame(Status::INVALID_ARGUMENT, $e->getCode());
        }
        try {
            $m->$method([1 => 'a']);
            self::fail('expected InvalidArgumentException for a list with a hole');
        } catch (InvalidArgumentException) {
        }
        foreach ([[['a'], 1, 'array'], [1.5, 0, 'float'], [null, 0, 'null'], [new \stdClass(), 0, 'stdClass']] as [$bad, $at, $type]) {
            $inputs = $at === 0 ? [$bad, 'a'] : ['a', $bad];
            try {
                $m->$method($inputs);
                self::fail("expected TypeError for $type");
            } catch (\TypeError $e) {
                self::assertSame("Hayscan\\Matcher::$method(): input $at must be a string, $type given", $e->getMessage());
            }
        }
        // Not an array at all: PHP's own TypeError (strict types).
        $this->expectException(\TypeError::class);
        $m->$method('a'); // @phpstan-ignore-line
    }

    public function testEveryAnswerThrowsAfterClose(): void
    {
        $m = new Matcher(['a']);
        $m->close();
        $calls = [
            'countByPattern' => static fn () => $m->countByPattern('a'),
            'matchingPatterns' => static fn () => $m->matchingPatterns('a'),
            'firstMatchPerPattern' => static fn () => $m->firstMatchPerPattern('a'),
            'findAllColumns' => static fn () => $m->findAllColumns('a'),
            'isMatchMany' => static fn () => $m->isMatchMany(['a']),
            'countMany' => static fn () => $m->countMany(['a']),
            'findMany' => static fn () => $m->findMany(['a']),
            'isMatchMany (empty list)' => static fn () => $m->isMatchMany([]),
            'findMany (bad list)' => static fn () => $m->findMany(['x' => 1]),
        ];
        foreach ($calls as $name => $call) {
            try {
                $call();
                self::fail("$name after close did not throw");
            } catch (ClosedException $e) {
                self::assertSame(Status::CLOSED, $e->getCode(), $name);
            }
        }
    }

    public function testEmptyPatternSet(): void
    {
        $m = new Matcher([]);
        self::assertSame([], $m->countByPattern('abc'));
        self::assertSame([], $m->matchingPatterns('abc'));
        self::assertSame([], $m->firstMatchPerPattern('abc'));
        self::assertSame([false], $m->isMatchMany(['abc']));
        self::assertSame([0], $m->countMany(['abc']));
        self::assertSame([[]], $m->findMany(['abc']));
    }

    public function testAnswersRunNoCallbacksAndWorkInsideOne(): void
    {
        // The answers never call back into PHP: usable from inside a scan() callback, and
        // no native object outlives a call.
        $m = new Matcher(['b', 'c']);
        $live = Library::liveObjects();
        $inside = [];
        $m->scan('abc', static function (Hit $h) use ($m, &$inside, $live): void {
            $inside[] = [
                $m->countByPattern('bcb'),
                $m->matchingPatterns('cc'),
                self::triples(array_filter($m->firstMatchPerPattern('xc'))),
                $m->findAllColumns('cb')['pattern'],
                $m->isMatchMany(['b', 'x']),
                $m->countMany(['bb']),
                self::triples($m->findMany(['c'])[0]),
                Library::liveObjects() - $live,
            ];
        });
        $once = [[2, 1], [1], [[1, 1, 2]], [1, 0], [true, false], [2], [[1, 0, 1]], 0];
        self::assertSame([$once, $once], $inside);
        self::assertSame($live, Library::liveObjects());
    }

    public function testAnswersAgreeWithFindAllOnARandomText(): void
    {
        mt_srand(14);
        $words = ['ab', 'ba', 'abc', 'c', 'cab', 'bb'];
        $text = '';
        for ($i = 0; $i < 20000; $i++) {
            $text .= 'abc '[mt_rand(0, 3)];
        }
        foreach (['leftmost_first', 'leftmost_longest', 'overlapping'] as $kind) {
            $m = new Matcher($words, ['match_kind' => $kind]);
            $all = $m->findAll($text);
            $ids = array_map(static fn (Hit $h): int => $h->pattern, $all);
            $counts = array_replace(array_fill(0, count($words), 0), array_count_values($ids));
            self::assertSame($counts, $m->countByPattern($text), $kind);
            $distinct = array_values(array_unique($ids));
            sort($distinct);
            self::assertSame($distinct, $m->matchingPatterns($text), $kind);
            $firsts = array_fill(0, count($words), null);
            foreach ($all as $h) {
                $firsts[$h->pattern] ??= $h;
            }
            self::assertEquals($firsts, $m->firstMatchPerPattern($text), $kind);
            self::assertSame(self::columns($all), $m->findAllColumns($text), $kind);
            $pieces = str_split($text, 997);
            self::assertSame(array_map($m->count(...), $pieces), $m->countMany($pieces), $kind);
            self::assertEquals(array_map($m->findAll(...), $pieces), $m->findMany($pieces), $kind);
        }
    }
}
