<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\CallbackDepthException;
use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\Status;
use Hayscan\Tests\Support\ChecksLiveObjects;
use PHPUnit\Framework\TestCase;

/**
 * Recursion through callbacks (issue 15, item 7): each level keeps a native frame and an
 * FFI trampoline on the C stack, and at about 3,500 levels the process segfaulted. The
 * nesting is now limited by Library::maxCallbackDepth() (default 1000): the call that would
 * go past it throws CallbackDepthException before it starts.
 */
final class DepthTest extends TestCase
{
    use ChecksLiveObjects {
        tearDown as checkLiveObjects;
    }

    protected function tearDown(): void
    {
        Library::setMaxCallbackDepth(1000);
        $this->checkLiveObjects();
    }

    /** @return iterable<string, array{string}> */
    public static function kinds(): iterable
    {
        yield 'scan' => ['scan'];
        yield 'replaceWith' => ['replace'];
        yield 'stream feed' => ['feed'];
    }

    /**
     * Recurses through callbacks of $kind (scan, replace, feed): level d runs one native call whose callback
     * goes to level d + 1, until $levels calls are in progress. Returns the deepest level
     * reached.
     */
    private static function recurse(string $kind, int $levels, ?\Closure $atBottom = null): int
    {
        $m = new Matcher(['x']);
        $streams = [];
        $deepest = 0;
        $level = static function (int $d) use (&$level, $kind, $levels, $m, &$streams, &$deepest, $atBottom): void {
            $deepest = $d;
            if ($d === $levels) {
                if ($atBottom !== null) {
                    $atBottom();
                }
                return;
            }
            $next = static function () use ($level, $d): void {
                $level($d + 1);
            };
            switch ($kind) {
                case 'scan':
                    $m->scan('x', $next);
                    break;
                case 'replace':
                    $m->replaceWith('x', static function () use ($next): string {
                        $next();
                        return 'y';
                    });
                    break;
                default:
                    $stream = $m->stream();
                    $streams[] = $stream;
                    $stream->on($next);
                    $stream->feed('x');
            }
        };
        try {
            $level(0);
        } finally {
            foreach ($streams as $stream) {
                $stream->close();
            }
            $m->close();
        }
        return $deepest;
    }

    /** @dataProvider kinds */
    public function testNestingUpToTheLimitWorksAndOneMoreThrows(string $kind): void
    {
        Library::setMaxCallbackDepth(20);
        self::assertSame(20, self::recurse($kind, 20), 'exactly the limit: 20 calls in progress');
        try {
            self::recurse($kind, 21);
            self::fail('the 21st nested call should have thrown');
        } catch (CallbackDepthException $e) {
            self::assertSame(Status::CALLBACK_DEPTH, $e->getCode());
            self::assertStringContainsString('nested 20 deep', $e->getMessage());
            self::assertStringContainsString('Library::maxCallbackDepth() = 20', $e->getMessage());
        }
    }

    public function testTheDefaultLimitIsReachableAndEnforced(): void
    {
        self::assertSame(1000, Library::maxCallbackDepth());
        self::assertSame(1000, self::recurse('scan', 1000));
        $thrown = null;
        try {
            self::recurse('scan', 5000); // segfaulted at ~3,500 before the limit
        } catch (CallbackDepthException $e) {
            $thrown = $e;
        }
        self::assertNotNull($thrown, 'no CallbackDepthException at 5,000 levels');
        self::assertStringContainsString('nested 1000 deep', $thrown->getMessage());
    }

    public function testTheLimitHoldsInsideAFiberToo(): void
    {
        Library::setMaxCallbackDepth(30);
        $fiber = new \Fiber(static function (): string {
            $reached = self::recurse('replace', 30);
            try {
                self::recurse('scan', 31);
            } catch (CallbackDepthException $e) {
                return "$reached " . $e::class;
            }
            return 'no exception';
        });
        $fiber->start();
        self::assertSame('30 Hayscan\CallbackDepthException', $fiber->getReturn());
    }

    public function testACallbackMayCatchItAndTheOuterCallsCarryOn(): void
    {
        Library::setMaxCallbackDepth(2);
        $m = new Matcher(['x']);
        $log = [];
        $delivered = $m->scan('x x', static function () use ($m, &$log): void {
            $m->scan('x', static function () use ($m, &$log): void {
                try {
                    $m->scan('x', static fn () => null);
                } catch (CallbackDepthException) {
                    $log[] = 'refused at depth 3';
                }
            });
        });
        self::assertSame(2, $delivered);
        self::assertSame(['refused at depth 3', 'refused at depth 3'], $log);
    }

    public function testCloseAndOffStillWorkAtTheLimit(): void
    {
        Library::setMaxCallbackDepth(1);
        $m = new Matcher(['x']);
        $other = $m->stream();
        $id = $other->on(static fn () => null);
        $m->scan('x', static function () use ($other, $id, $m): void {
            $other->off($id);
            $other->close();
            $m->close();
        });
        self::assertTrue($other->isClosed());
        self::assertTrue($m->isClosed());
    }

    public function testFinishCountsAsALevel(): void
    {
        Library::setMaxCallbackDepth(1);
        $m = new Matcher(['ab', 'abcd']);
        $inner = $m->stream();
        $inner->on(static fn () => null);
        $stream = $m->stream(); // leftmost-first 'ab' vs 'abcd': 'ab' waits for the next byte
        $caught = null;
        $stream->on(static function () use ($inner, &$caught): void {
            try {
                $inner->finish();
            } catch (CallbackDepthException $e) {
                $caught = $e;
            }
        });
        self::assertSame(0, $stream->feed('ab'));
        self::assertSame(1, $stream->finish());
        self::assertInstanceOf(CallbackDepthException::class, $caught);
        $stream->close();
        $inner->close();
    }

    public function testTheLimitMustBePositive(): void
    {
        $this->expectException(InvalidArgumentException::class);
        Library::setMaxCallbackDepth(0);
    }

    public function testTheLimitCannotExceedTheNativeLibrarysOwn(): void
    {
        // The C library refuses calls nested deeper than 1,000 (docs/c-api.md).
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage("native library's own nesting limit");
        Library::setMaxCallbackDepth(1001);
    }

    public function testRaisingTheLimitAllowsDeeperNesting(): void
    {
        Library::setMaxCallbackDepth(100);
        try {
            self::recurse('scan', 101);
            self::fail('the 101st nested call should have thrown');
        } catch (CallbackDepthException $e) {
            self::assertStringContainsString('nested 100 deep', $e->getMessage());
        }
        Library::setMaxCallbackDepth(1000);
        self::assertSame(1000, self::recurse('scan', 1000));
        // Every level was unwound: a single level at limit 1 works again.
        Library::setMaxCallbackDepth(1);
        self::assertSame(1, (new Matcher(['x']))->scan('x', static fn (Hit $h) => null));
    }
}
