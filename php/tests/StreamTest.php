<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\ClosedException;
use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\Status;
use Hayscan\Stream;
use Hayscan\StreamBusyException;
use Hayscan\StreamFinishedException;
use PHPUnit\Framework\TestCase;

/** Streams: handler registration, delivery, release exactly once, errors and re-entry. */
final class StreamTest extends TestCase
{
    private int $live;
    /** @var array{released: int, registered: int, unknown: int} */
    private array $stats;

    protected function setUp(): void
    {
        gc_collect_cycles();
        $this->live = Library::liveObjects();
        $this->stats = Stream::releaseStats();
        Probe::$destroyed = [];
    }

    protected function tearDown(): void
    {
        gc_collect_cycles();
        self::assertSame($this->live, Library::liveObjects(), 'native objects leaked by this test');
        $stats = Stream::releaseStats();
        self::assertSame($this->stats['registered'], $stats['registered'], 'handlers left registered');
        self::assertSame(0, $stats['unknown'], 'a handler was released twice (or never registered)');
    }

    public function testHandlersReceiveAbsoluteOffsetsAcrossChunks(): void
    {
        $m = new Matcher(['needle', 'hay']);
        $s = $m->stream();
        $all = [];
        $needles = [];
        $s->on(static function (Hit $h) use (&$all): void {
            $all[] = [$h->pattern, $h->start, $h->end];
        });
        $s->on(static function (Hit $h) use (&$needles): void {
            self::assertNull($h->text, 'stream hits carry no text');
            $needles[] = $h->start;
        }, [0]);
        $delivered = 0;
        foreach (['hay nee', 'dle ha', 'y', ' needl', 'e'] as $chunk) {
            $delivered += $s->feed($chunk);
        }
        $delivered += $s->finish();
        self::assertSame([[1, 0, 3], [0, 4, 10], [1, 11, 14], [0, 15, 21]], $all);
        self::assertSame([4, 15], $needles);
        self::assertSame(4, $delivered, 'feed()/finish() count matches, not handler calls');
        $s->close();
    }

    public function testHandlersRunInRegistrationOrderAndOnReturnsIds(): void
    {
        $s = (new Matcher(['x']))->stream();
        $order = [];
        $ids = [];
        foreach (['first', 'second', 'third'] as $name) {
            $ids[] = $s->on(static function () use (&$order, $name): void {
                $order[] = $name;
            });
        }
        self::assertSame($ids, array_unique($ids));
        foreach ($ids as $id) {
            self::assertGreaterThan(0, $id);
        }
        $s->feed('x');
        self::assertSame(['first', 'second', 'third'], $order);
        $s->close();
    }

    public function testOffUnregistersAndReleasesExactlyOnce(): void
    {
        $s = (new Matcher(['x']))->stream();
        $a = $s->on(new Probe('a'));
        $b = $s->on(new Probe('b'));
        $c = $s->on(new Probe('c'));
        self::assertSame([], Probe::$destroyed, 'the stream holds its handlers');
        $released = Stream::releaseStats()['released'];

        $s->off($b);
        self::assertSame(['b'], Probe::$destroyed, 'off() released b at once');
        self::assertSame($released + 1, Stream::releaseStats()['released']);

        Probe::$calls = [];
        $s->feed('x');
        self::assertSame(['a', 'c'], Probe::$calls, 'b is not called after off()');

        try {
            $s->off($b);
            self::fail('a second off() of the same id must throw');
        } catch (InvalidArgumentException $e) {
            self::assertSame(Status::INVALID_ARGUMENT, $e->getCode());
        }
        try {
            $s->off(987654);
            self::fail('off() of an unknown id must throw');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('987654', $e->getMessage());
        }

        $s->close();
        self::assertSame(['b', 'a', 'c'], Probe::$destroyed, 'close() released the rest, each once');
        self::assertSame($released + 3, Stream::releaseStats()['released']);
        $s->close();
        self::assertSame(['b', 'a', 'c'], Probe::$destroyed, 'a second close() releases nothing');
        self::assertSame($released + 3, Stream::releaseStats()['released']);
        self::assertSame([$a, $c], [$a, $c]);
    }

    public function testReleaseWhenTheStreamObjectIsDestroyed(): void
    {
        $m = new Matcher(['x']);
        $s = $m->stream();
        $s->on(new Probe('kept'));
        unset($s);
        self::assertSame(['kept'], Probe::$destroyed, '__destruct frees the stream and releases the handler');

        // A handler that refers back to its stream makes a cycle; the GC collects it and
        // the destructor still releases everything.
        $s = $m->stream();
        $probe = new Probe('cyclic');
        $probe->stream = $s;
        $s->on($probe);
        unset($s, $probe);
        gc_collect_cycles();
        self::assertSame(['kept', 'cyclic'], Probe::$destroyed);
    }

    public function testOffFromInsideTheRunningHandlerReleasesAfterItReturns(): void
    {
        $s = (new Matcher(['x']))->stream();
        $probe = new Probe('self');
        $destroyedDuringCall = null;
        $probe->onCall = static function (Probe $p) use ($s, &$destroyedDuringCall): void {
            $s->off((int) $p->id);
            $destroyedDuringCall = Probe::$destroyed;
        };
        $probe->id = $s->on($probe);
        unset($probe);
        Probe::$calls = [];
        self::assertSame(3, $s->feed('x x x'));
        self::assertSame(['self'], Probe::$calls, 'not called again after off()');
        self::assertSame([], $destroyedDuringCall, 'not released while it runs');
        self::assertSame(['self'], Probe::$destroyed, 'released once it returned');
        $s->close();
    }

    public function testRegisteringFromInsideAHandler(): void
    {
        $s = (new Matcher(['x']))->stream();
        $late = [];
        $registered = false;
        $s->on(static function (Hit $h) use ($s, &$late, &$registered): void {
            if (!$registered) {
                $registered = true;
                $s->on(static function (Hit $h) use (&$late): void {
                    $late[] = $h->start;
                });
            }
        });
        $s->feed('x x x');
        self::assertSame([2, 4], $late, 'a handler added during a match sees the next ones');
        $s->close();
    }

    public function testThrowableFromAHandlerStopsTheStreamAndIsRethrownUnchanged(): void
    {
        $s = (new Matcher(['x']))->stream();
        $thrown = new \UnexpectedValueException('bad record');
        $seen = [];
        $s->on(static function (Hit $h) use (&$seen, $thrown): void {
            $seen[] = $h->start;
            if ($h->start === 2) {
                throw $thrown;
            }
        });
        $after = [];
        $s->on(static function (Hit $h) use (&$after): void {
            $after[] = $h->start;
        });
        try {
            $s->feed('x x x x');
            self::fail('feed() should have rethrown');
        } catch (\UnexpectedValueException $caught) {
            self::assertSame($thrown, $caught);
        }
        self::assertSame([0, 2], $seen);
        self::assertSame([0], $after, 'nothing runs after the throwing handler');
        try {
            $s->feed('x');
            self::fail('a stopped stream is finished');
        } catch (StreamFinishedException $e) {
            self::assertSame(Status::STREAM_FINISHED, $e->getCode());
        }
        $s->close();
    }

    public function testThrowableFromAHandlerDuringFinish(): void
    {
        // 'ta' can only be reported at the end: 'tail', listed first, might still match.
        $s = (new Matcher(['tail', 'ta']))->stream();
        $thrown = new \LogicException('at the end');
        $s->on(static function (Hit $h) use ($thrown): void {
            throw $thrown;
        });
        self::assertSame(0, $s->feed('the ta'));
        try {
            $s->finish();
            self::fail('finish() should have rethrown');
        } catch (\LogicException $caught) {
            self::assertSame($thrown, $caught);
        }
    }

    public function testHandlerReturningFalseStopsTheStream(): void
    {
        $s = (new Matcher(['x']))->stream();
        $seen = 0;
        $s->on(static function () use (&$seen): bool {
            return ++$seen < 2;
        });
        self::assertSame(2, $s->feed('x x x'));
        $this->expectException(StreamFinishedException::class);
        $s->feed('x');
    }

    public function testFeedAfterFinishAndFinishTwice(): void
    {
        $s = (new Matcher(['x']))->stream();
        $s->finish();
        try {
            $s->feed('x');
            self::fail('feed after finish');
        } catch (StreamFinishedException $e) {
            self::assertStringContainsString('finish', $e->getMessage());
        }
        $this->expectException(StreamFinishedException::class);
        $s->finish();
    }

    public function testFeedingTheStreamFromItsOwnHandlerIsBusy(): void
    {
        $s = (new Matcher(['x']))->stream();
        $busy = null;
        $s->on(static function () use ($s, &$busy): void {
            try {
                $s->feed('x');
            } catch (StreamBusyException $e) {
                $busy = $e;
            }
        });
        $s->feed('x');
        self::assertInstanceOf(StreamBusyException::class, $busy);
        self::assertSame(Status::BUSY, $busy->getCode());
        $s->close();
    }

    public function testHandlersMayUseOtherMatchersAndStreams(): void
    {
        $words = new Matcher(['cat', 'dog']);
        $letters = new Matcher(['a', 'o']);
        $inner = $letters->stream();
        $vowels = [];
        $inner->on(static function (Hit $h) use (&$vowels): void {
            $vowels[] = $h->start;
        });
        $outer = $words->stream();
        $texts = [];
        $outer->on(static function (Hit $h) use ($words, $letters, $inner, &$texts): void {
            $texts[] = $words->replaceAll($h->pattern === 0 ? 'cat' : 'dog', ['CAT', 'DOG']) . $letters->count('aoa');
            $inner->feed($h->pattern === 0 ? 'cat' : 'dog');
        });
        $outer->feed('a cat and a dog');
        $outer->finish();
        self::assertSame(['CAT3', 'DOG3'], $texts);
        self::assertSame([1, 4], $vowels);
        $outer->close();
        $inner->close();
    }

    public function testClosingTheStreamFromItsOwnHandler(): void
    {
        $s = (new Matcher(['x']))->stream();
        $probe = new Probe('closer');
        $probe->onCall = static function () use ($s): void {
            $s->close();
        };
        $s->on($probe);
        unset($probe);
        $s->feed('x');
        self::assertTrue($s->isClosed());
        self::assertSame(['closer'], Probe::$destroyed, 'released when the native stream was freed after feed()');
        $this->expectException(ClosedException::class);
        $s->feed('x');
    }

    public function testAHandlerDestructorThrowingDuringReleaseIsRethrownByClose(): void
    {
        $s = (new Matcher(['x']))->stream();
        $s->on(new Probe('quiet'));
        $loud = new Probe('loud');
        $loud->throwOnDestruct = new \RuntimeException('destructor');
        $s->on($loud);
        unset($loud);
        try {
            $s->close();
            self::fail('close() should rethrow');
        } catch (\RuntimeException $e) {
            self::assertSame('destructor', $e->getMessage());
        }
        self::assertSame(['quiet', 'loud'], Probe::$destroyed);
    }

    public function testPatternIdArguments(): void
    {
        $s = (new Matcher(['a', 'b']))->stream();
        foreach ([[2], [-1], ['0'], []] as $bad) {
            try {
                $s->on(static fn () => null, $bad);
                self::fail('expected InvalidArgumentException for ' . json_encode($bad));
            } catch (InvalidArgumentException $e) {
                self::assertSame(Status::INVALID_ARGUMENT, $e->getCode());
            }
        }
        self::assertSame(0, Stream::releaseStats()['registered'] - $this->stats['registered'], 'failed registrations leave nothing behind');
        $seen = [];
        $s->on(static function (Hit $h) use (&$seen): void {
            $seen[] = $h->pattern;
        }, [1, 1]);
        $s->feed('abab');
        self::assertSame([1, 1], $seen);
        $s->close();
    }

    public function testUseAfterClose(): void
    {
        $s = (new Matcher(['x']))->stream();
        $s->close();
        foreach ([
            'on' => static fn () => $s->on(static fn () => null),
            'off' => static fn () => $s->off(1),
            'feed' => static fn () => $s->feed('x'),
            'finish' => static fn () => $s->finish(),
        ] as $name => $call) {
            try {
                $call();
                self::fail("$name after close did not throw");
            } catch (ClosedException $e) {
                self::assertSame(Status::CLOSED, $e->getCode());
            }
        }
    }

    /**
     * Registration converts no closure: a handful of trampolines per request serve every
     * handler of every stream, so 20,000 registrations leave memory where it was.
     */
    public function testManyHandlersAndStreamsDoNotGrowMemory(): void
    {
        $m = new Matcher(['x', 'y']);
        $round = static function () use ($m): int {
            $s = $m->stream();
            $n = 0;
            for ($i = 0; $i < 100; $i++) {
                $s->on(static function () use (&$n): void {
                    $n++;
                }, $i % 2 === 0 ? null : [1]);
            }
            $s->feed('x y ');
            $s->finish();
            $s->close();
            return $n;
        };
        self::assertSame(150, $round());
        gc_collect_cycles();
        $live = Library::liveObjects();
        $before = memory_get_usage();
        for ($r = 0; $r < 200; $r++) {
            self::assertSame(150, $round());
        }
        gc_collect_cycles();
        self::assertSame($before, memory_get_usage(), 'memory grew over 200 streams x 100 handlers');
        self::assertSame($live, Library::liveObjects());
    }

    public function testStreamOutlivesItsMatcher(): void
    {
        $m = new Matcher(['abc']);
        $s = $m->stream();
        unset($m);
        $got = [];
        $s->on(static function (Hit $h) use (&$got): void {
            $got[] = $h->start;
        });
        $s->feed('xxab');
        $s->feed('cab');
        $s->feed('c');
        $s->finish();
        self::assertSame([2, 5], $got);
    }

    public function testStreamsCannotBeClonedOrSerialized(): void
    {
        $s = (new Matcher(['x']))->stream();
        try {
            serialize($s);
            self::fail('serialize should throw');
        } catch (\LogicException $e) {
            self::assertStringContainsString('cannot be serialized', $e->getMessage());
        }
        $this->expectException(\Error::class);
        $copy = clone $s; // @phpstan-ignore-line
    }
}
