<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\FiberSuspendException;
use Hayscan\Hit;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\Status;
use Hayscan\Tests\Support\ChecksLiveObjects;
use Hayscan\Tests\Support\Php;
use PHPUnit\Framework\TestCase;

/**
 * Callbacks and Fibers (issue 15, item 5). A Fiber may never be suspended while a native
 * call is on its stack (PHP could not destroy it afterwards), so Fiber::suspend() inside a
 * callback is refused with FiberSuspendException; scans in different Fibers interleave
 * freely between native calls, and matches() may be suspended at every yield.
 */
final class FiberTest extends TestCase
{
    use ChecksLiveObjects;

    /** @return iterable<string, array{string}> */
    public static function callbackKinds(): iterable
    {
        yield 'scan callback' => ['scan'];
        yield 'replaceWith callback' => ['replace'];
        yield 'stream handler' => ['stream'];
    }

    /**
     * Runs $body as the callback of one native call of $kind over 'a a a' and returns what
     * the call returned (or throws what it threw).
     *
     * @param \Closure(Hit): mixed $body
     */
    private static function call(string $kind, Matcher $m, \Closure $body): mixed
    {
        switch ($kind) {
            case 'scan':
                return $m->scan('a a a', $body);
            case 'replace':
                return $m->replaceWith('a a a', static function (Hit $h) use ($body): string {
                    $body($h);
                    return 'b';
                });
            default:
                $stream = $m->stream();
                try {
                    $stream->on($body);
                    return $stream->feed('a a a') + $stream->finish();
                } finally {
                    $stream->close();
                }
        }
    }

    /** @dataProvider callbackKinds */
    public function testSuspendInsideACallbackThrowsFromTheSuspendAndTheFiberIsNotSuspended(string $kind): void
    {
        $m = new Matcher(['a']);
        $seen = [];
        $fiber = new \Fiber(static function () use ($kind, $m, &$seen): string {
            try {
                self::call($kind, $m, static function (Hit $h) use (&$seen): void {
                    $seen[] = $h->start;
                    \Fiber::suspend('from the callback');
                    $seen[] = 'resumed';
                });
            } catch (FiberSuspendException $e) {
                return $e->getMessage();
            }
            return 'no exception';
        });
        $suspendedWith = $fiber->start();
        self::assertNull($suspendedWith, 'the Fiber must not have been suspended');
        self::assertTrue($fiber->isTerminated());
        self::assertStringContainsString('Fiber::suspend() inside a hayscan callback is not supported', (string) $fiber->getReturn());
        self::assertSame([0], $seen, 'the suspend threw: nothing after it ran, and the call stopped');
        // The matcher and every kind of call still work, in and out of Fibers.
        self::assertSame(3, $m->scan('a a a', static fn () => null));
        $again = new \Fiber(static fn (): int => $m->scan('a a a', static fn () => null));
        $again->start();
        self::assertSame(3, $again->getReturn());
    }

    /** @dataProvider callbackKinds */
    public function testTheExceptionCanBeCaughtInsideTheCallbackWhichThenCarriesOn(string $kind): void
    {
        $m = new Matcher(['a']);
        $log = [];
        $fiber = new \Fiber(static function () use ($kind, $m, &$log): mixed {
            return self::call($kind, $m, static function (Hit $h) use (&$log): void {
                try {
                    \Fiber::suspend();
                } catch (FiberSuspendException $e) {
                    self::assertSame(Status::FIBER_SUSPEND, $e->getCode());
                    $log[] = $h->start;
                }
            });
        });
        $fiber->start();
        self::assertTrue($fiber->isTerminated());
        self::assertSame([0, 2, 4], $log);
        self::assertSame($kind === 'replace' ? 'b b b' : 3, $fiber->getReturn());
    }

    public function testOutsideAnyFiberSuspendIsPhpsOwnFiberError(): void
    {
        $m = new Matcher(['a']);
        try {
            $m->scan('a', static function (): void {
                \Fiber::suspend();
            });
            self::fail('expected a FiberError');
        } catch (\FiberError $e) {
            self::assertSame('Cannot suspend outside of a fiber', $e->getMessage());
        }
    }

    /**
     * The bug: a Fiber suspended inside a callback left its call as "the innermost", so
     * the next match of that Fiber's scan went to whichever call was innermost when it was
     * resumed. Now each Fiber's scans see exactly their own matches, however the Fibers
     * interleave: between calls, inside each other's callbacks, and at every yield of
     * matches().
     */
    public function testTwoFibersInterleavingScansEachSeeTheirOwnMatches(): void
    {
        $m = new Matcher(['a', 'b']);
        $log = [];
        $fibers = [];
        foreach (['A' => 'a a a', 'B' => 'b b b'] as $name => $text) {
            $fibers[$name] = new \Fiber(static function () use ($name, $text, $m, &$log, &$fibers): void {
                for ($round = 0; $round < 3; $round++) {
                    $m->scan($text, static function (Hit $h) use ($name, &$log, &$fibers, $round): void {
                        $log[] = "$name:scan:$h->text";
                        // Inside A's callback, run B's next step: B scans (and suspends
                        // after its scan) while A's native call is in progress.
                        $other = $fibers['B'];
                        if ($name === 'A' && $h->start === 2 && $other->isSuspended()) {
                            $log[] = 'A:resume:B';
                            $other->resume();
                        }
                    });
                    foreach ($m->matches($text) as $hit) {
                        $log[] = "$name:pull:$hit->text";
                        \Fiber::suspend(); // allowed: no native call is in progress here
                    }
                    \Fiber::suspend();
                }
            });
        }
        $fibers['A']->start();
        $fibers['B']->start();
        for ($i = 0; $i < 100 && !($fibers['A']->isTerminated() && $fibers['B']->isTerminated()); $i++) {
            foreach ($fibers as $fiber) {
                if ($fiber->isSuspended()) {
                    $fiber->resume();
                }
            }
        }
        self::assertTrue($fibers['A']->isTerminated() && $fibers['B']->isTerminated());
        $byFiber = ['A' => [], 'B' => []];
        $inside = [];
        foreach ($log as $i => $entry) {
            [$name, $how, $text] = explode(':', $entry);
            if ($how === 'resume') {
                // What ran next: B's entries, then the first entry of A again.
                $next = array_slice($log, $i + 1);
                $k = 0;
                while (isset($next[$k]) && str_starts_with($next[$k], 'B:')) {
                    $k++;
                }
                $inside[] = [$next[0] ?? '', $next[$k] ?? ''];
                continue;
            }
            $byFiber[$name][] = "$how:$text";
        }
        $expect = static fn (string $t): array => array_merge(...array_fill(0, 3, ["scan:$t", "scan:$t", "scan:$t", "pull:$t", "pull:$t", "pull:$t"]));
        self::assertSame($expect('a'), $byFiber['A']);
        self::assertSame($expect('b'), $byFiber['B']);
        // The interleaving really happened: B ran inside A's callbacks (and its next step
        // was a scan or a pull of its own), after which A's scan went on with A's callback.
        self::assertNotEmpty($inside);
        foreach ($inside as [$nextB, $thenA]) {
            self::assertStringStartsWith('B:', $nextB);
            self::assertSame('A:scan:a', $thenA);
        }
    }

    public function testNestedCallsInsideAFiberKeepTheirOwnCallbacksAndExceptions(): void
    {
        $outer = new Matcher(['x']);
        $inner = new Matcher(['y']);
        $thrown = new \DomainException('inner');
        $fiber = new \Fiber(static function () use ($outer, $inner, $thrown): array {
            $log = [];
            $outer->scan('x x', static function (Hit $h) use ($inner, $thrown, &$log): void {
                $log[] = "outer $h->start";
                $log[] = $inner->replaceWith('y-y', static fn (Hit $y): string => "[$y->start]");
                try {
                    $inner->scan('y', static function () use ($thrown): void {
                        throw $thrown;
                    });
                } catch (\DomainException $e) {
                    $log[] = $e === $thrown ? 'same inner exception' : 'another exception';
                }
            });
            return $log;
        });
        $fiber->start();
        self::assertSame(['outer 0', '[0]-[2]', 'same inner exception', 'outer 2', '[0]-[2]', 'same inner exception'], $fiber->getReturn());
    }

    public function testAThrowableFromACallbackInAFiberReachesTheCallerUnchanged(): void
    {
        $m = new Matcher(['a']);
        $thrown = new \RuntimeException('mine');
        $fiber = new \Fiber(static function () use ($m, $thrown): ?\Throwable {
            try {
                $m->scan('a a', static function () use ($thrown): void {
                    throw $thrown;
                });
            } catch (\Throwable $e) {
                return $e;
            }
            return null;
        });
        $fiber->start();
        self::assertSame($thrown, $fiber->getReturn());
    }

    /**
     * The issue's crash: a Fiber suspended inside a callback, then destroyed, unwound
     * through the FFI callback: "PHP Fatal error: Throwing from FFI callbacks is not
     * allowed", exit 255. Run in a child process, as the old behaviour killed it.
     */
    public function testDestroyingAFiberThatTriedToSuspendInACallbackIsNotFatal(): void
    {
        [$status, $out, $err] = Php::run(<<<'PHP'
            use Hayscan\Matcher;
            $m = new Matcher(['a']);
            $s = $m->stream();
            $s->on(function () { Fiber::suspend('handler'); });
            $fibers = [];
            foreach (['scan', 'replace', 'stream'] as $kind) {
                $f = new Fiber(function () use ($kind, $m, $s) {
                    match ($kind) {
                        'scan' => $m->scan('a a', function () { Fiber::suspend('scan'); }),
                        'replace' => $m->replaceWith('a a', function () { Fiber::suspend('replace'); return ''; }),
                        'stream' => $s->feed('a a'),
                    };
                });
                try {
                    $f->start();
                } catch (Hayscan\FiberSuspendException $e) {
                    echo "$kind: ", get_class($e), "\n";
                }
                echo "$kind suspended: ", var_export($f->isSuspended(), true), "\n";
                $fibers[] = $f;
            }
            $n = new Matcher(['b']);
            echo 'other scan: ', $n->scan('b b', fn () => null), "\n";
            unset($f, $fibers);   // destroy them
            gc_collect_cycles();
            $s->close();
            $m->close();
            $n->close();
            echo 'live objects: ', Hayscan\Library::liveObjects(), "\n";
            PHP);
        self::assertSame('', $err);
        self::assertSame(0, $status, $out);
        self::assertSame(
            "scan: Hayscan\\FiberSuspendException\nscan suspended: false\n"
            . "replace: Hayscan\\FiberSuspendException\nreplace suspended: false\n"
            . "stream: Hayscan\\FiberSuspendException\nstream suspended: false\n"
            . "other scan: 2\nlive objects: 0\n",
            $out,
        );
    }

    /** A Fiber suspended at a yield of matches() holds a native iterator; destroying it frees it. */
    public function testDestroyingAFiberSuspendedInsideMatchesFreesTheIterator(): void
    {
        $m = new Matcher(['a']);
        gc_collect_cycles();
        $before = Library::liveObjects();
        $fiber = new \Fiber(static function () use ($m): void {
            foreach ($m->matches('a a a') as $hit) {
                \Fiber::suspend($hit->start);
            }
        });
        self::assertSame(0, $fiber->start());
        self::assertSame(2, $fiber->resume());
        self::assertSame($before + 1, Library::liveObjects(), 'the iterator is alive while the Fiber is suspended');
        unset($fiber);
        self::assertSame($before, Library::liveObjects());
    }

    public function testWorkerFibersDoNotAccumulate(): void
    {
        $m = new Matcher(['a']);
        $run = static function () use ($m): void {
            $f = new \Fiber(static function () use ($m): void {
                $m->scan('a a', static fn () => $m->scan('a', static fn () => null));
                \Fiber::suspend();
                $m->replaceWith('a', static fn (): string => 'b');
            });
            $f->start();
            $f->resume();
        };
        $run();
        gc_collect_cycles();
        $before = memory_get_usage();
        for ($i = 0; $i < 2000; $i++) {
            $run();
        }
        gc_collect_cycles();
        self::assertSame($before, memory_get_usage(), 'memory grew over 2,000 Fibers that scan');
    }
}
