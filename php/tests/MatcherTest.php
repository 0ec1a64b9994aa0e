<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\ClosedException;
use Hayscan\Exception;
use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\InvalidPatternException;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\MatchKind;
use Hayscan\Status;
use Hayscan\Syntax;
use Hayscan\UnsupportedException;
use Hayscan\Tests\Support\ChecksLiveObjects;
use PHPUnit\Framework\TestCase;

/** Every Matcher method, option and error path (callback rules: CallbackTest). */
final class MatcherTest extends TestCase
{
    use ChecksLiveObjects;

    /** @return list<array{int, int, int, ?string}> */
    private static function rows(iterable $hits): array
    {
        $rows = [];
        foreach ($hits as $h) {
            $rows[] = [$h->pattern, $h->start, $h->end, $h->text];
        }
        return $rows;
    }

    public function testEveryQueryMethod(): void
    {
        $m = new Matcher(['quick', 'fox', 'the']);
        $text = 'the quick brown fox';
        self::assertTrue($m->isMatch($text));
        self::assertFalse($m->isMatch('nothing here'));
        self::assertSame(3, $m->count($text));
        self::assertSame(0, $m->count(''));
        $first = $m->find($text);
        self::assertInstanceOf(Hit::class, $first);
        self::assertSame([2, 0, 3, 'the'], [$first->pattern, $first->start, $first->end, $first->text]);
        self::assertSame(3, $first->length());
        self::assertNull($m->find('nothing here'));
        $all = [[2, 0, 3, 'the'], [0, 4, 9, 'quick'], [1, 16, 19, 'fox']];
        self::assertSame($all, self::rows($m->findAll($text)));
        self::assertSame([], $m->findAll('nothing'));
        self::assertSame($all, self::rows($m->matches($text)));
        self::assertSame(3, $m->patternCount());
        self::assertGreaterThan(0, $m->memoryUsage());
        self::assertFalse($m->isClosed());
        $m->close();
    }

    public function testHitIsAReadonlyValueObject(): void
    {
        $hit = (new Matcher(['b']))->find('abc');
        self::assertNotNull($hit);
        $this->expectException(\Error::class);
        $this->expectExceptionMessage('readonly');
        /** @psalm-suppress InaccessibleProperty */
        $hit->start = 5; // @phpstan-ignore-line
    }

    public function testOffsetsAreBytesLikeSubstrAndPreg(): void
    {
        $text = 'naïve café — crème brûlée';
        $m = new Matcher(['café', 'brûlée']);
        $hits = $m->findAll($text);
        preg_match_all('/café|brûlée/', $text, $preg, PREG_OFFSET_CAPTURE);
        self::assertSame(array_column($preg[0], 1), array_map(static fn (Hit $h) => $h->start, $hits));
        foreach ($hits as $h) {
            self::assertSame($h->text, substr($text, $h->start, $h->end - $h->start));
        }
    }

    public function testHitTextIsTheMatchedBytesForEveryKindOfMatcher(): void
    {
        // Literal case-sensitive matchers hand out the pattern string itself; the others cut
        // the haystack. Either way Hit::$text must be the matched bytes.
        $text = str_repeat('Café CAFÉ café x1 y22 ', 300); // over one batch of matches
        $matchers = [
            new Matcher(['café', 'x1']),
            new Matcher(['CAFÉ', 'café'], ['case_insensitive' => true]),
            new Matcher(['café', 'x1', 'Caf'], ['match_kind' => 'overlapping']),
            Matcher::regex(['[a-z]\d+', '(?i)café']),
        ];
        foreach ($matchers as $k => $m) {
            $all = $m->findAll($text);
            self::assertNotEmpty($all);
            $lazy = iterator_to_array($m->matches($text), false);
            self::assertEquals($all, $lazy, "matcher $k");
            foreach ($all as $h) {
                self::assertSame(substr($text, $h->start, $h->end - $h->start), $h->text, "matcher $k");
            }
        }
        // The case-insensitive one reports the haystack's spelling, not the pattern's.
        self::assertSame(['Café', 'CAFÉ', 'café'], array_map(
            static fn (Hit $h) => $h->text,
            array_slice($matchers[1]->findAll($text), 0, 3),
        ));
    }

    public function testBinaryStringsWithNulAndInvalidUtf8(): void
    {
        $patterns = ["\0", "a\0b", "\xff\xfe", "\xc3"];
        $hay = "x\0y a\0b \xff\xfe\xfd \xc3\xa9 \xc3";
        $m = new Matcher($patterns);
        $want = [[0, 1, 2, "\0"], [1, 4, 7, "a\0b"], [2, 8, 10, "\xff\xfe"], [3, 12, 13, "\xc3"], [3, 15, 16, "\xc3"]];
        self::assertSame($want, self::rows($m->findAll($hay)));
        self::assertSame($want, self::rows($m->matches($hay)));
        self::assertSame(5, $m->count($hay));
        self::assertSame("x<0>y <1> <2>\xfd <3>\xa9 <3>", $m->replaceAll($hay, ['<0>', '<1>', '<2>', '<3>']));
        self::assertSame("x\0\0y", $m->replaceAll("x\0y", "\0\0"));
        // Replacement strings with NUL inside, through the callback path.
        self::assertSame("[\0]", $m->replaceWith("\0", static fn (Hit $h): string => "[$h->text]"));
        // Regex patterns must be UTF-8, but haystacks need not be.
        $r = Matcher::regex(['b\x00c', 'é+']);
        self::assertSame([[0, 1, 4, "b\0c"], [1, 5, 9, 'éé']], self::rows($r->findAll("ab\0c\xffééz")));
    }

    public function testEmptyInputs(): void
    {
        $none = new Matcher([]);
        self::assertSame(0, $none->patternCount());
        self::assertFalse($none->isMatch('anything'));
        self::assertSame([], $none->findAll('anything'));
        self::assertSame('anything', $none->replaceAll('anything', []));
        $m = new Matcher(['a']);
        self::assertFalse($m->isMatch(''));
        self::assertSame('', $m->replaceAll('', 'b'));
        self::assertSame('', $m->replaceWith('', static fn (): string => 'x'));
        self::assertSame([], iterator_to_array($m->matches('')));
    }

    public function testOptionsAcceptEnumsAndStrings(): void
    {
        $text = 'samwise';
        $first = new Matcher(['sam', 'samwise']);
        self::assertSame([[0, 0, 3, 'sam']], self::rows($first->findAll($text)));
        foreach ([MatchKind::LeftmostLongest, 'leftmost_longest'] as $kind) {
            $m = new Matcher(['sam', 'samwise'], ['match_kind' => $kind]);
            self::assertSame([[1, 0, 7, 'samwise']], self::rows($m->findAll($text)));
        }
        $overlap = new Matcher(['sam', 'samwise'], ['match_kind' => MatchKind::Overlapping]);
        self::assertSame([[0, 0, 3, 'sam'], [1, 0, 7, 'samwise']], self::rows($overlap->findAll($text)));
        $ci = new Matcher(['ÉTÉ', 'straße'], ['case_insensitive' => true]);
        self::assertSame([[0, 0, 5, 'été'], [1, 6, 13, 'STRAßE']], self::rows($ci->findAll('été STRAßE')));
        foreach ([Syntax::Regex, 'regex'] as $syntax) {
            $re = new Matcher(['\d+'], ['syntax' => $syntax]);
            self::assertSame([[0, 2, 5, '123']], self::rows($re->findAll('a 123 b')));
        }
        $lit = new Matcher(['\d+'], ['syntax' => 'literal']);
        self::assertSame([[0, 2, 5, '\d+']], self::rows($lit->findAll('a \d+ 7')));
    }

    public function testRegexNamedConstructor(): void
    {
        $m = Matcher::regex(['(?i)secret', '[A-Z]{3}-\d{4}'], ['case_insensitive' => false]);
        self::assertSame([[0, 0, 6, 'SeCrEt'], [1, 7, 15, 'ABC-1234']], self::rows($m->findAll('SeCrEt ABC-1234')));
        self::assertSame([[0, 0, 1, 'x']], self::rows(Matcher::regex(['x'], ['syntax' => 'regex'])->findAll('x')));
        $this->expectException(InvalidArgumentException::class);
        Matcher::regex(['x'], ['syntax' => Syntax::Literal]);
    }

    public function testInvalidPatternCarriesItsIndex(): void
    {
        try {
            Matcher::regex(['ok', 'also ok', 'bad(']);
            self::fail('expected InvalidPatternException');
        } catch (InvalidPatternException $e) {
            self::assertSame(2, $e->getPatternIndex());
            self::assertSame(Status::INVALID_PATTERN, $e->getCode());
            self::assertStringContainsString('index 2', $e->getMessage());
            self::assertInstanceOf(Exception::class, $e);
            self::assertInstanceOf(\InvalidArgumentException::class, $e);
        }
    }

    public function testUnsupportedCombinations(): void
    {
        try {
            Matcher::regex(['a'], ['match_kind' => 'overlapping']);
            self::fail('expected UnsupportedException');
        } catch (UnsupportedException $e) {
            self::assertSame(Status::UNSUPPORTED, $e->getStatus());
        }
        $m = new Matcher(['a'], ['match_kind' => 'overlapping']);
        $this->expectException(UnsupportedException::class);
        $m->replaceAll('aaa', 'b');
    }

    /** @return iterable<string, array{array<mixed>, class-string<\Throwable>, string}> */
    public static function badOptions(): iterable
    {
        yield 'unknown key' => [['matchKind' => 'leftmost_first'], InvalidArgumentException::class, "unknown option 'matchKind'"];
        yield 'unknown syntax' => [['syntax' => 'glob'], InvalidArgumentException::class, "one of 'literal', 'regex'"];
        yield 'syntax of wrong type' => [['syntax' => 1], InvalidArgumentException::class, 'Hayscan\Syntax'];
        yield 'unknown match kind' => [['match_kind' => 'longest'], InvalidArgumentException::class, 'leftmost_longest'];
        yield 'enum of the wrong kind' => [['match_kind' => Syntax::Regex], InvalidArgumentException::class, 'Hayscan\MatchKind'];
        yield 'non-bool case_insensitive' => [['case_insensitive' => 1], InvalidArgumentException::class, 'must be a bool'];
        yield 'non-bool ascii_classes' => [['ascii_classes' => 'yes'], InvalidArgumentException::class, 'option ascii_classes must be a bool'];
        yield 'camelCase asciiClasses' => [['asciiClasses' => true], InvalidArgumentException::class, "unknown option 'asciiClasses'"];
        yield 'negative max_line_len' => [['max_line_len' => -1], InvalidArgumentException::class, 'non-negative'];
        yield 'zero max_line_len (checked by the library)' => [['max_line_len' => 0], InvalidArgumentException::class, 'max_line_len'];
    }

    /**
     * @dataProvider badOptions
     * @param array<mixed> $options
     * @param class-string<\Throwable> $class
     */
    public function testBadOptions(array $options, string $class, string $message): void
    {
        try {
            new Matcher(['a'], $options);
            self::fail('expected ' . $class);
        } catch (\Throwable $e) {
            self::assertInstanceOf($class, $e);
            self::assertStringContainsString($message, $e->getMessage());
            self::assertSame(Status::INVALID_ARGUMENT, $e->getCode());
        }
    }

    public function testBadPatternLists(): void
    {
        try {
            new Matcher(['a' => 'x']);
            self::fail('expected InvalidArgumentException');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('list', $e->getMessage());
        }
        $this->expectException(\TypeError::class);
        $this->expectExceptionMessage('pattern 1 must be a string, int given');
        new Matcher(['a', 1]);
    }

    public function testReplaceAll(): void
    {
        $m = new Matcher(['cat', 'dog', 'bird']);
        $text = 'cat and dog and bird';
        self::assertSame('* and * and *', $m->replaceAll($text, '*'));
        self::assertSame('kitten and puppy and chick', $m->replaceAll($text, ['kitten', 'puppy', 'chick']));
        self::assertSame(' and  and ', $m->replaceAll($text, ''));
        self::assertSame('cat and  and bird', (new Matcher(['dog']))->replaceAll($text, ['']));
        // Like strtr with leftmost-longest.
        $pairs = ['a' => '1', 'ab' => '2', 'abc' => '3'];
        $strtr = new Matcher(array_keys($pairs), ['match_kind' => 'leftmost_longest']);
        self::assertSame(strtr('abcaba', $pairs), $strtr->replaceAll('abcaba', array_values($pairs)));
    }

    public function testReplaceAllArgumentErrors(): void
    {
        $m = new Matcher(['a', 'b']);
        foreach ([['x', 'y', 'z'], []] as $wrongCount) {
            try {
                $m->replaceAll('ab', $wrongCount);
                self::fail('expected InvalidArgumentException');
            } catch (InvalidArgumentException $e) {
                self::assertSame(Status::INVALID_ARGUMENT, $e->getCode());
            }
        }
        try {
            $m->replaceAll('ab', ['a' => 'x', 'b' => 'y']);
            self::fail('expected InvalidArgumentException');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('list', $e->getMessage());
        }
        $this->expectException(\TypeError::class);
        $m->replaceAll('ab', ['x', 2]);
    }

    public function testUseAfterCloseThrowsEverywhere(): void
    {
        $m = new Matcher(['a']);
        $stream = $m->stream();
        $m->close();
        $m->close(); // idempotent
        self::assertTrue($m->isClosed());
        $calls = [
            'isMatch' => static fn () => $m->isMatch('a'),
            'find' => static fn () => $m->find('a'),
            'findAll' => static fn () => $m->findAll('a'),
            'count' => static fn () => $m->count('a'),
            'scan' => static fn () => $m->scan('a', static fn () => null),
            'matches' => static fn () => $m->matches('a'),
            'replaceAll' => static fn () => $m->replaceAll('a', 'b'),
            'replaceWith' => static fn () => $m->replaceWith('a', static fn () => 'b'),
            'stream' => static fn () => $m->stream(),
            'patternCount' => static fn () => $m->patternCount(),
            'memoryUsage' => static fn () => $m->memoryUsage(),
            'captures' => static fn () => $m->captures('a', new Hit(0, 0, 1, 'a')),
            'groupNames' => static fn () => $m->groupNames(0),
        ];
        foreach ($calls as $name => $call) {
            try {
                $call();
                self::fail("$name after close did not throw");
            } catch (ClosedException $e) {
                self::assertSame(Status::CLOSED, $e->getCode(), $name);
                self::assertStringContainsString('closed', $e->getMessage());
            }
        }
        // A stream made before close keeps the patterns alive.
        $seen = [];
        $stream->on(static function (Hit $h) use (&$seen): void {
            $seen[] = $h->start;
        });
        $stream->feed('xax');
        $stream->finish();
        self::assertSame([1], $seen);
        $stream->close();
    }

    public function testGeneratorIsLazyBreakSafeAndOutlivesClose(): void
    {
        $m = new Matcher(['a']);
        $text = str_repeat('a', 3 * Matcher::BATCH + 7);
        $base = Library::liveObjects();
        $gen = $m->matches($text);
        self::assertSame($base, Library::liveObjects(), 'no iterator before the first iteration');
        foreach ($gen as $i => $hit) {
            self::assertSame($base + 1, Library::liveObjects(), 'one native iterator while iterating');
            if ($i === Matcher::BATCH + 3) {
                break;
            }
        }
        self::assertSame($base + 1, Library::liveObjects(), 'the suspended generator still owns its iterator');
        unset($gen);
        self::assertSame($base, Library::liveObjects(), 'break + destroying the generator frees the iterator');

        // A started iteration survives close(); one not started yet throws.
        $started = $m->matches($text);
        $started->current();
        $notStarted = $m->matches($text);
        $m->close();
        self::assertSame(3 * Matcher::BATCH + 7, iterator_count($started));
        $this->expectException(ClosedException::class);
        $notStarted->current();
    }

    public function testMatchesFetchesInBatchesAcrossBoundaries(): void
    {
        $m = new Matcher(['ab']);
        $n = 2 * Matcher::BATCH + 1;
        $text = str_repeat('ab', $n);
        $starts = [];
        foreach ($m->matches($text) as $k => $hit) {
            self::assertSame(count($starts), $k);
            $starts[] = $hit->start;
        }
        self::assertSame(range(0, 2 * ($n - 1), 2), $starts);
        self::assertCount($n, $m->findAll($text));
    }

    public function testInterleavedGeneratorsAndFindAllKeepTheirOwnBuffers(): void
    {
        $a = new Matcher(['x']);
        $b = new Matcher(['y']);
        $ga = $a->matches(str_repeat('x', 600));
        $gb = $b->matches(str_repeat('-y', 600));
        $seen = [];
        while ($ga->valid() || $gb->valid()) {
            if ($ga->valid()) {
                $seen[] = $ga->current()->text;
                $ga->next();
                self::assertCount(300, $a->findAll(str_repeat('x', 300)));
            }
            if ($gb->valid()) {
                $seen[] = $gb->current()->start % 2;
                $gb->next();
            }
        }
        self::assertSame(array_merge(...array_fill(0, 600, ['x', 1])), $seen);
    }

    public function testObjectsCannotBeClonedOrSerialized(): void
    {
        $m = new Matcher(['a']);
        try {
            serialize($m);
            self::fail('serialize should throw');
        } catch (\LogicException $e) {
            self::assertStringContainsString('cannot be serialized', $e->getMessage());
        }
        $this->expectException(\Error::class);
        $copy = clone $m; // @phpstan-ignore-line
    }

    public function testDestructorFreesTheNativeMatcher(): void
    {
        $base = Library::liveObjects();
        $m = new Matcher(['a', 'b']);
        self::assertSame($base + 1, Library::liveObjects());
        unset($m);
        self::assertSame($base, Library::liveObjects());
    }

    public function testHundredThousandPatterns(): void
    {
        mt_srand(20240601);
        $patterns = [];
        for ($i = 0; $i < 100_000; $i++) {
            $patterns[] = sprintf('kw%06d%s', $i, chr(97 + mt_rand(0, 25)));
        }
        $m = new Matcher($patterns);
        self::assertSame(100_000, $m->patternCount());
        $text = "a {$patterns[0]} b {$patterns[54321]} c {$patterns[99999]} d kw123456q";
        self::assertSame([0, 54321, 99999], array_map(static fn (Hit $h) => $h->pattern, $m->findAll($text)));
        self::assertSame('a # b # c # d kw123456q', $m->replaceAll($text, '#'));
        $byId = array_map(static fn (string $p): string => strtoupper($p), $patterns);
        self::assertSame("a {$byId[0]} b {$byId[54321]} c {$byId[99999]} d kw123456q", $m->replaceAll($text, $byId));
        $m->close();
    }
    /**
     * Issue 15, item 17, as docs/php.md states it: with overlapping, find() returns the
     * first match the overlapping scan reports, i.e. the one that ends first; at the same
     * end, the one that starts first (the longest); at the same span, the lowest pattern
     * id. It is not the leftmost match.
     */
    public function testFindOnOverlappingSetsReturnsTheMatchThatEndsFirst(): void
    {
        $cases = [
            // patterns, haystack, expected [pattern, start, end]
            [['abcd', 'b'], 'abcd', [1, 1, 2]],          // 'abcd' starts further left, 'b' ends first
            [['bc', 'abc'], 'abcd', [1, 0, 3]],          // same end: the one that starts first
            [['abc', 'bc'], 'abcd', [0, 0, 3]],
            [['c', 'abc', 'bc'], 'abcd', [1, 0, 3]],
            [['b', 'ab', 'ab'], 'xab', [1, 1, 3]],       // same span: the lowest id
        ];
        foreach ($cases as [$patterns, $text, $expected]) {
            $m = new Matcher($patterns, ['match_kind' => 'overlapping']);
            $hit = $m->find($text);
            self::assertNotNull($hit);
            self::assertSame($expected, [$hit->pattern, $hit->start, $hit->end], json_encode($patterns));
            self::assertEquals($m->findAll($text)[0], $hit, 'find() is the first match findAll() reports');
            $leftmost = (new Matcher($patterns))->find($text);
            if ($patterns === ['abcd', 'b']) {
                self::assertSame(0, $leftmost?->pattern, 'leftmost-first gives the leftmost match instead');
            }
        }
    }
}
