<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\Captures;
use Hayscan\ClosedException;
use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\InvalidPatternException;
use Hayscan\Matcher;
use Hayscan\Status;
use Hayscan\UnsupportedException;
use Hayscan\Tests\Support\ChecksLiveObjects;
use PHPUnit\Framework\TestCase;

/** Capture groups (Matcher::captures, Matcher::groupNames, Hayscan\Captures) and the ascii_classes option. */
final class CapturesTest extends TestCase
{
    private const RULES = ['(?P<key>[a-z]+)=(?P<value>\d+)?;', 'x(y)'];
    private const TEXT = 'ab=12; c=; xy';

    use ChecksLiveObjects;

    /** @return list<Captures> */
    private static function allCaptures(Matcher $m, string $text): array
    {
        return array_map(static fn (Hit $h): Captures => $m->captures($text, $h), $m->findAll($text));
    }

    public function testGroupsOfEachMatch(): void
    {
        $m = Matcher::regex(self::RULES);
        [$first, $second, $third] = self::allCaptures($m, self::TEXT);

        self::assertSame(0, $first->pattern);
        self::assertSame(['ab=12;', 'ab', '12'], $first->toArray());
        self::assertSame('ab=12;', $first->group());
        self::assertSame('ab', $first->group(1));
        self::assertSame('ab', $first->group('key'));
        self::assertSame('12', $first->group('value'));
        self::assertSame([0, 6], $first->span());
        self::assertSame([0, 2], $first->span('key'));
        self::assertSame([3, 5], $first->span(2));
        self::assertSame(['key' => 'ab', 'value' => '12'], $first->named());
        self::assertSame([null, 'key', 'value'], $first->names());
        self::assertCount(3, $first);

        // A group that took no part: null text, null span, still a group of the pattern.
        self::assertSame(['c=;', 'c', null], $second->toArray());
        self::assertNull($second->group('value'));
        self::assertNull($second->span('value'));
        self::assertTrue($second->has('value'));
        self::assertSame(['key' => 'c', 'value' => null], $second->named());

        // Each match has its own pattern's groups.
        self::assertSame(1, $third->pattern);
        self::assertSame(['xy', 'y'], $third->toArray());
        self::assertSame([null, null], $third->names());
        self::assertSame([], $third->named());
        self::assertSame([12, 13], $third->span(1));
        $m->close();
    }

    public function testArrayAccessCountableAndIteration(): void
    {
        $m = Matcher::regex(self::RULES);
        [$first, $second] = self::allCaptures($m, self::TEXT);
        self::assertSame('ab', $first['key']);
        self::assertSame('ab', $first[1]);
        self::assertSame('12', $first['2'], 'a numeric string is an index (no group name is all digits)');
        self::assertSame(3, count($first));
        self::assertSame(['ab=12;', 'ab', '12'], iterator_to_array($first));
        self::assertTrue(isset($first['value']));
        self::assertFalse(isset($second['value']), 'isset is false for a group that took no part, like on an array');
        self::assertFalse(isset($first['nope']));
        self::assertFalse(isset($first[3]));
        self::assertFalse(isset($first[-1]));
        self::assertFalse(isset($first[1.5]));
        self::assertNull($second['value']);
        $m->close();
    }

    public function testOffsetsAreBytes(): void
    {
        $m = Matcher::regex(['(?P<word>\w+)-(\d)']);
        $text = 'ça été-1';
        $hit = $m->find($text);
        self::assertNotNull($hit);
        $caps = $m->captures($text, $hit);
        [$start, $end] = $caps->span('word');
        self::assertSame('été', $caps->group('word'));
        self::assertSame([4, 9], [$start, $end]);
        self::assertSame('été', substr($text, $start, $end - $start));
        self::assertSame([$hit->start, $hit->end], $caps->span(0));
        $m->close();
    }

    public function testGroupNames(): void
    {
        $m = Matcher::regex([...self::RULES, '(?<short>a)(b)(?P<long_name>c)', 'plain']);
        self::assertSame([null, 'key', 'value'], $m->groupNames(0));
        self::assertSame([null, null], $m->groupNames(1));
        self::assertSame([null, 'short', null, 'long_name'], $m->groupNames(2));
        self::assertSame([null], $m->groupNames(3));
        self::assertSame($m->groupNames(2), $m->groupNames(2)); // cached
        foreach ([4, -1, 1 << 32, PHP_INT_MAX] as $bad) {
            try {
                $m->groupNames($bad);
                self::fail("groupNames($bad) did not throw");
            } catch (InvalidArgumentException $e) {
                self::assertSame(Status::INVALID_ARGUMENT, $e->getCode());
                self::assertStringContainsString("pattern $bad out of range", $e->getMessage());
            }
        }
        $m->close();
    }

    public function testLiteralMatchersHaveNoGroups(): void
    {
        $m = new Matcher(['ab', '(x)']);
        $hit = $m->find('ab');
        self::assertNotNull($hit);
        foreach (['captures' => static fn () => $m->captures('ab', $hit), 'groupNames' => static fn () => $m->groupNames(0)] as $name => $call) {
            try {
                $call();
                self::fail("$name of a literal matcher did not throw");
            } catch (UnsupportedException $e) {
                self::assertSame(Status::UNSUPPORTED, $e->getCode(), $name);
                self::assertStringContainsString('regex', $e->getMessage(), $name);
            }
        }
        // Case-insensitive literal sets (the other literal code path) too.
        $ci = new Matcher(['ab'], ['case_insensitive' => true]);
        $this->expectException(UnsupportedException::class);
        $ci->groupNames(0);
    }

    /** @return iterable<string, array{string, Hit}> */
    public static function foreignHits(): iterable
    {
        yield 'another text' => ['zz=1; c=;', new Hit(0, 0, 6, 'ab=12;')];
        yield 'end changed' => [self::TEXT, new Hit(0, 0, 5, 'ab=12')];
        yield 'start where the pattern does not match' => [self::TEXT, new Hit(0, 2, 6, '=12;')];
        yield 'another pattern' => [self::TEXT, new Hit(1, 0, 6, 'ab=12;')];
        yield 'past the text' => [self::TEXT, new Hit(0, 11, 40, null)];
        yield 'reversed' => [self::TEXT, new Hit(0, 6, 0, null)];
        yield 'negative start' => [self::TEXT, new Hit(0, -1, 6, null)];
        yield 'unknown pattern' => [self::TEXT, new Hit(7, 0, 6, null)];
        yield 'pattern id beyond uint32' => [self::TEXT, new Hit(1 << 32, 0, 6, null)];
    }

    /** @dataProvider foreignHits */
    public function testHitThatIsNotFromThisTextIsRefused(string $text, Hit $hit): void
    {
        $m = Matcher::regex(self::RULES);
        try {
            $m->captures($text, $hit);
            self::fail('expected InvalidArgumentException');
        } catch (InvalidArgumentException $e) {
            self::assertSame(Status::INVALID_ARGUMENT, $e->getCode());
            self::assertNotSame('', $e->getMessage());
        }
        // The matcher is still fine.
        self::assertSame(['ab=12;', 'ab', '12'], $m->captures(self::TEXT, new Hit(0, 0, 6, null))->toArray());
        $m->close();
    }

    public function testHitFromAnotherMatcherIsCheckedAgainstThisOne(): void
    {
        $other = Matcher::regex(['[a-z]+']);
        $m = Matcher::regex(self::RULES);
        $hit = $other->find(self::TEXT); // [0, 0, 2]: pattern 0 of *this* matcher does not end there
        self::assertNotNull($hit);
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('not a match of this matcher');
        $m->captures(self::TEXT, $hit);
    }

    public function testClosedMatcher(): void
    {
        $m = Matcher::regex(self::RULES);
        $hit = $m->find(self::TEXT);
        self::assertNotNull($hit);
        $caps = $m->captures(self::TEXT, $hit);
        $names = $m->groupNames(0);
        $m->close();
        // Values already made do not depend on the native matcher.
        self::assertSame('ab', $caps->group('key'));
        self::assertSame([null, 'key', 'value'], $names);
        foreach (['captures' => static fn () => $m->captures(self::TEXT, $hit), 'groupNames' => static fn () => $m->groupNames(0)] as $name => $call) {
            try {
                $call();
                self::fail("$name after close did not throw");
            } catch (ClosedException $e) {
                self::assertSame(Status::CLOSED, $e->getCode(), $name);
            }
        }
    }

    public function testUnknownGroupsThrow(): void
    {
        $m = Matcher::regex(self::RULES);
        [$first, , $third] = self::allCaptures($m, self::TEXT);
        $m->close();
        $cases = [
            'group(3)' => [static fn () => $first->group(3), 'no group 3: pattern 0 has 3 groups (0 to 2)'],
            'group(-1)' => [static fn () => $first->group(-1), 'no group -1'],
            "group('nope')" => [static fn () => $first->group('nope'), "no group named 'nope': pattern 0 has groups named key, value"],
            "span('nope')" => [static fn () => $first->span('nope'), "no group named 'nope'"],
            "['nope']" => [static fn () => $first['nope'], "no group named 'nope'"],
            "group('')" => [static fn () => $first->group(''), "no group named ''"],
            'unnamed pattern' => [static fn () => $third->group('key'), 'pattern 1 has no named groups'],
        ];
        foreach ($cases as $name => [$call, $message]) {
            try {
                $call();
                self::fail("$name did not throw");
            } catch (InvalidArgumentException $e) {
                self::assertStringContainsString($message, $e->getMessage(), $name);
                self::assertSame(Status::INVALID_ARGUMENT, $e->getCode(), $name);
            }
        }
        self::assertFalse($first->has(3));
        self::assertFalse($first->has('nope'));
        self::assertTrue($first->has(0));
    }

    public function testWrongTypes(): void
    {
        $m = Matcher::regex(self::RULES);
        $hit = $m->find(self::TEXT);
        self::assertNotNull($hit);
        $caps = $m->captures(self::TEXT, $hit);
        $calls = [
            'captures(int, Hit)' => static fn () => $m->captures(123, $hit), // @phpstan-ignore-line
            'captures(string, array)' => static fn () => $m->captures(self::TEXT, [0, 0, 6]), // @phpstan-ignore-line
            'captures(string, null)' => static fn () => $m->captures(self::TEXT, null), // @phpstan-ignore-line
            'groupNames(string)' => static fn () => $m->groupNames('0'), // @phpstan-ignore-line
            'group(float)' => static fn () => $caps->group(1.0), // @phpstan-ignore-line
            'group(null)' => static fn () => $caps->group(null), // @phpstan-ignore-line
            '[null]' => static fn () => $caps[null],
            '[float]' => static fn () => $caps[1.5],
        ];
        foreach ($calls as $name => $call) {
            try {
                $call();
                self::fail("$name did not throw");
            } catch (\TypeError $e) {
                self::assertNotSame('', $e->getMessage(), $name);
            }
        }
        $m->close();
    }

    public function testCapturesAreReadOnlyValues(): void
    {
        $m = Matcher::regex(self::RULES);
        $hit = $m->find(self::TEXT);
        self::assertNotNull($hit);
        $caps = $m->captures(self::TEXT, $hit);
        $m->close();
        foreach (['set' => static function () use ($caps): void {
            $caps['key'] = 'x';
        }, 'unset' => static function () use ($caps): void {
            unset($caps['key']);
        }, 'property' => static function () use ($caps): void {
            $caps->pattern = 3; // @phpstan-ignore-line
        }] as $name => $call) {
            try {
                $call();
                self::fail("$name did not throw");
            } catch (\LogicException | \Error $e) {
                self::assertMatchesRegularExpression('/read-?only/i', $e->getMessage(), $name);
            }
        }
        self::assertSame('ab', $caps['key']);
        self::assertTrue((new \ReflectionClass(Captures::class))->isFinal());
    }

    public function testCapturesCanBeBuiltAsValues(): void
    {
        $caps = new Captures(2, [[1, 3], null], [null, 'x'], 'abcd');
        self::assertSame(['bc', null], $caps->toArray());
        self::assertSame(['x' => null], $caps->named());
        $this->expectException(InvalidArgumentException::class);
        new Captures(0, [[0, 1]], [], 'a');
    }

    public function testCapturesFromInsideACallback(): void
    {
        $m = Matcher::regex(self::RULES);
        $keys = [];
        $m->scan(self::TEXT, static function (Hit $h) use ($m, &$keys): void {
            $keys[] = $m->captures(self::TEXT, $h)->group(1);
        });
        self::assertSame(['ab', 'c', 'y'], $keys);
        $m->close();
    }

    public function testManyCapturesLeaveNothingBehind(): void
    {
        $m = Matcher::regex(self::RULES);
        $text = str_repeat(self::TEXT . ' ', 2000);
        $before = memory_get_usage();
        $n = 0;
        foreach ($m->matches($text) as $hit) {
            $n += count($m->captures($text, $hit));
        }
        self::assertSame(2000 * (3 + 3 + 2), $n);
        self::assertLessThan(64 * 1024, memory_get_usage() - $before);
        $m->close();
    }

    public function testAsciiClassesOption(): void
    {
        $text = 'héllo wörld';
        $unicode = Matcher::regex(['\w+']);
        self::assertSame(['héllo', 'wörld'], array_map(static fn (Hit $h): ?string => $h->text, $unicode->findAll($text)));
        $ascii = Matcher::regex(['\w+'], ['ascii_classes' => true]);
        self::assertSame(['h', 'llo', 'w', 'rld'], array_map(static fn (Hit $h): ?string => $h->text, $ascii->findAll($text)));
        // Like preg_* without the u flag, which is what rulesets written for PCRE expect.
        preg_match_all('/\w+/', $text, $preg);
        self::assertSame($preg[0], array_map(static fn (Hit $h): ?string => $h->text, $ascii->findAll($text)));
        $off = new Matcher(['\w+'], ['syntax' => 'regex', 'ascii_classes' => false]);
        self::assertSame(2, $off->count($text));
        // Ignored for literal sets.
        $lit = new Matcher(['\w'], ['ascii_classes' => true]);
        self::assertSame(1, $lit->count('a\w'));
        foreach ([$unicode, $ascii, $off, $lit] as $m) {
            $m->close();
        }
    }

    public function testEngineLimitNamesThePattern(): void
    {
        $rules = ['abc', 'pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}'];
        try {
            Matcher::regex($rules);
            self::fail('expected InvalidPatternException');
        } catch (InvalidPatternException $e) {
            self::assertSame(1, $e->getPatternIndex());
            self::assertSame(Status::INVALID_PATTERN, $e->getCode());
            self::assertStringContainsString('index 1', $e->getMessage());
        }
        $m = Matcher::regex($rules, ['ascii_classes' => true]);
        self::assertSame(1, $m->find('pypi-AgEIcHlwaS5vcmc' . str_repeat('x', 50))?->pattern);
        $m->close();
    }
}
