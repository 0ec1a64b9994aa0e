<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\ClosedException;
use Hayscan\Hit;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\Tests\Support\ChecksLiveObjects;
use PHPUnit\Framework\TestCase;

/** The boundary rules for scan() and replaceWith() callbacks (stream handlers: StreamTest). */
final class CallbackTest extends TestCase
{
    use ChecksLiveObjects;

    public function testThrowableFromScanCallbackReachesTheCallerUnchangedAndStopsTheScan(): void
    {
        $m = new Matcher(['a']);
        foreach ([new \DomainException('boom'), new \DivisionByZeroError('div'), new class ('mine') extends \Exception {}] as $thrown) {
            $calls = 0;
            try {
                $m->scan('a a a a', static function (Hit $h) use (&$calls, $thrown): void {
                    if (++$calls === 2) {
                        throw $thrown;
                    }
                });
                self::fail('scan() should have rethrown');
            } catch (\Throwable $caught) {
                self::assertSame($thrown, $caught, 'the very same object');
            }
            self::assertSame(2, $calls, 'no callback after the throw');
        }
        // The process and the matcher are fine afterwards.
        self::assertSame(4, $m->scan('a a a a', static fn () => null));
    }

    public function testThrowableFromReplaceWithReachesTheCallerUnchanged(): void
    {
        $m = new Matcher(['x']);
        $thrown = new \RuntimeException('no replacement');
        $calls = 0;
        try {
            $m->replaceWith('x x x', static function () use (&$calls, $thrown): string {
                if (++$calls === 2) {
                    throw $thrown;
                }
                return 'y';
            });
            self::fail('replaceWith() should have rethrown');
        } catch (\RuntimeException $caught) {
            self::assertSame($thrown, $caught);
        }
        self::assertSame(2, $calls);
    }

    public function testScanReturningFalseStops(): void
    {
        $m = new Matcher(['a']);
        $seen = [];
        $delivered = $m->scan('a a a a', static function (Hit $h) use (&$seen) {
            $seen[] = $h->start;
            return count($seen) < 3 ? null : false;
        });
        self::assertSame([0, 2, 4], $seen);
        self::assertSame(3, $delivered, 'the stopping match is counted');
        // Only false stops: other falsy or truthy values continue.
        foreach ([null, true, 0, '', [], 'stop'] as $value) {
            self::assertSame(4, $m->scan('a a a a', static fn () => $value), var_export($value, true));
        }
    }

    public function testEveryKindOfCallable(): void
    {
        $m = new Matcher(['a', 'b']);
        $collector = new class () {
            /** @var list<int> */
            public array $seen = [];

            public function __invoke(Hit $h): void
            {
                $this->seen[] = $h->pattern;
            }

            public function add(Hit $h): void
            {
                $this->seen[] = 10 + $h->pattern;
            }

            public static function upper(Hit $h): string
            {
                return strtoupper((string) $h->text);
            }
        };
        $m->scan('ab', $collector);
        $m->scan('ab', [$collector, 'add']);
        $m->scan('ab', $collector->add(...));
        self::assertSame([0, 1, 10, 11, 10, 11], $collector->seen);
        self::assertSame('AB', $m->replaceWith('ab', [$collector::class, 'upper']));
        self::assertSame('AB', $m->replaceWith('ab', $collector::class . '::upper'));
        self::assertSame('a1b1', $m->replaceWith('ab', static fn (Hit $h): string => $h->text . '1'));
    }

    public function testReplaceWithStopAndDelete(): void
    {
        $m = new Matcher(['cat', 'dog']);
        $text = 'cat dog cat dog';
        self::assertSame(' dog  dog', $m->replaceWith($text, static fn (Hit $h): string => $h->pattern === 0 ? '' : (string) $h->text));
        $n = 0;
        self::assertSame('CAT DOG cat dog', $m->replaceWith($text, static function (Hit $h) use (&$n) {
            return ++$n <= 2 ? strtoupper((string) $h->text) : false;
        }));
        $stringable = new class () implements \Stringable {
            public function __toString(): string
            {
                return '<pet>';
            }
        };
        self::assertSame('<pet> <pet> <pet> <pet>', $m->replaceWith($text, static fn (): \Stringable => $stringable));
    }

    public function testReplaceWithRejectsNonStringReturns(): void
    {
        $m = new Matcher(['a']);
        foreach ([null, 1, true, ['x']] as $bad) {
            try {
                $m->replaceWith('a', static fn () => $bad);
                self::fail('expected a TypeError for ' . get_debug_type($bad));
            } catch (\TypeError $e) {
                self::assertStringContainsString('must return a string (or false to stop), ' . get_debug_type($bad) . ' returned', $e->getMessage());
            }
        }
    }

    public function testCallbacksMayReenterTheSameAndOtherMatchers(): void
    {
        $words = new Matcher(['alpha', 'beta']);
        $letters = new Matcher(['a', 'b']);
        $log = [];
        $words->scan('alpha beta', static function (Hit $w) use ($words, $letters, &$log): void {
            // Nested calls of every kind, on this matcher and another, while the scan runs.
            $log[] = [$w->text, $letters->count((string) $w->text), $words->isMatch('xbetax'), count($words->findAll('alpha alpha'))];
            $inner = [];
            $letters->scan((string) $w->text, static function (Hit $l) use (&$inner): void {
                $inner[] = $l->text;
            });
            $log[] = implode('', $inner);
            $log[] = $letters->replaceWith((string) $w->text, static fn (Hit $l): string => $words->replaceAll('alpha', strtoupper((string) $l->text)));
            foreach ($words->matches('beta alpha') as $hit) {
                $log[] = $hit->pattern;
            }
        });
        self::assertSame([
            ['alpha', 2, true, 2], 'aa', 'AlphA', 1, 0,
            ['beta', 2, true, 2], 'ba', 'BetA', 1, 0,
        ], $log);
    }

    public function testExceptionsOfNestedCallsStayWithTheirOwnCall(): void
    {
        $m = new Matcher(['x']);
        $outerCalls = 0;
        $innerCaught = [];
        $m->scan('x x x', static function () use ($m, &$outerCalls, &$innerCaught): void {
            $outerCalls++;
            try {
                $m->scan('x', static function (): void {
                    throw new \LogicException('inner');
                });
            } catch (\LogicException $e) {
                $innerCaught[] = $e->getMessage();
            }
        });
        self::assertSame(3, $outerCalls, 'the outer scan was not stopped by the inner exception');
        self::assertSame(['inner', 'inner', 'inner'], $innerCaught);
    }

    public function testClosingTheMatcherInsideItsOwnCallback(): void
    {
        $m = new Matcher(['a']);
        $seen = 0;
        $closedError = null;
        $m->scan('a a a', static function () use ($m, &$seen, &$closedError): void {
            $seen++;
            $m->close();
            try {
                $m->isMatch('a');
            } catch (ClosedException $e) {
                $closedError = $e;
            }
        });
        self::assertSame(3, $seen, 'the running scan finishes safely');
        self::assertInstanceOf(ClosedException::class, $closedError);
        $this->expectException(ClosedException::class);
        $m->scan('a', static fn () => null);
    }

    /**
     * PHP FFI allocates a C trampoline for every Closure it converts, freed only at the end
     * of the request. The callbacks must therefore be converted once, not per scan or per
     * match: memory must not grow over 10,000 scans with a fresh closure each.
     */
    public function testTenThousandScansWithCallbacksDoNotGrowMemory(): void
    {
        $m = new Matcher(['a', 'b']);
        $text = 'a b a b a';
        $total = 0;
        $scan = static function () use ($m, $text, &$total): void {
            $total += $m->scan($text, static function (Hit $h) use (&$total): void {
                $total += $h->pattern;
            });
        };
        $scan(); // warm-up: the one-time conversion happens here
        gc_collect_cycles();
        $live = Library::liveObjects();
        $before = memory_get_usage();
        for ($i = 0; $i < 10_000; $i++) {
            $scan();
        }
        gc_collect_cycles();
        $after = memory_get_usage();
        self::assertSame(10_001 * 7, $total);
        self::assertSame($before, $after, 'memory grew by ' . ($after - $before) . ' bytes over 10,000 scans');
        self::assertSame($live, Library::liveObjects());
    }

    public function testTenThousandReplaceWithCallsDoNotGrowMemory(): void
    {
        $m = new Matcher(['a']);
        $replace = static fn (): string => $m->replaceWith('a-a', static fn (Hit $h): string => 'b');
        $replace();
        gc_collect_cycles();
        $live = Library::liveObjects();
        $before = memory_get_usage();
        for ($i = 0; $i < 10_000; $i++) {
            self::assertSame('b-b', $replace());
        }
        gc_collect_cycles();
        self::assertSame($before, memory_get_usage());
        self::assertSame($live, Library::liveObjects());
    }

    public function testCallbacksPerMatchDoNotAccumulate(): void
    {
        $m = new Matcher(['x']);
        $few = 'x';
        $many = str_repeat('x', 200_000);
        $m->scan($few, static fn () => null);
        gc_collect_cycles();
        $before = memory_get_usage();
        $delivered = $m->scan($many, static fn () => null);
        gc_collect_cycles();
        self::assertSame(200_000, $delivered);
        self::assertSame($before, memory_get_usage(), '200,000 callbacks left memory behind');
    }

    /**
     * Haystacks are passed as `const char *` + length: the bytes of the PHP string itself,
     * not a copy. A copy of a 32 MiB string in PHP's allocator would show in the peak.
     */
    public function testHaystacksAreNotCopied(): void
    {
        $m = new Matcher(['needle']);
        $big = str_repeat('hay ', 8 << 20) . 'needle';
        if (function_exists('memory_reset_peak_usage')) {
            memory_reset_peak_usage();
        }
        $peak = memory_get_peak_usage();
        self::assertTrue($m->isMatch($big));
        self::assertSame(1, $m->count($big));
        self::assertSame(32 << 20, $m->find($big)?->start);
        self::assertSame(1, $m->scan($big, static fn () => null));
        self::assertCount(1, $m->findAll($big));
        self::assertSame(1, iterator_count($m->matches($big)));
        $stream = $m->stream();
        $stream->on(static fn () => null);
        self::assertSame(1, $stream->feed($big));
        $stream->close();
        self::assertLessThan(1 << 20, memory_get_peak_usage() - $peak, 'a haystack was copied');
    }
}
