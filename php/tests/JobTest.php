<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\IoException;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\Tests\Support\ChecksLiveObjects;
use PHPUnit\Framework\TestCase;

/**
 * Issue 13 (PHP): scans on a native worker thread whose matches PHP drains between native
 * calls (scanFile(), scanInBackground()), and count() on several threads. The callbacks run
 * on the PHP thread with no native frame below them: they may throw, suspend their Fiber
 * (also forever: destroying the Fiber frees the job), and scan again to any depth; a job
 * stopped early is cancelled and freed (live objects back to the baseline after each test).
 */
final class JobTest extends TestCase
{
    use ChecksLiveObjects {
        setUp as checkLiveSetUp;
        tearDown as checkLiveTearDown;
    }

    private string $path = '';

    protected function setUp(): void
    {
        $this->checkLiveSetUp();
        $this->path = (string) tempnam(sys_get_temp_dir(), 'hayscan-job-');
        // 5 batches of matches and then some (Job::BATCH = 4,096), straddling read chunks.
        file_put_contents($this->path, str_repeat('ab cd ', 25000));
    }

    protected function tearDown(): void
    {
        if ($this->path !== '' && is_file($this->path)) {
            unlink($this->path);
        }
        $this->checkLiveTearDown();
    }

    /** @return list<array{int, int, int, ?string}> */
    private static function collect(callable $scan): array
    {
        $hits = [];
        $n = $scan(static function (Hit $h) use (&$hits): void {
            $hits[] = [$h->pattern, $h->start, $h->end, $h->text];
        });
        self::assertSame(count($hits), $n);
        return $hits;
    }

    public function testScanInBackgroundGivesScansHits(): void
    {
        $text = str_repeat("a needle, b NEEDLE; é ", 3000);
        foreach ([[], ['case_insensitive' => true], ['match_kind' => 'overlapping'], ['syntax' => 'regex']] as $options) {
            $m = new Matcher(['needle', 'dle, b', 'é'], $options);
            $want = self::collect(static fn (\Closure $cb): int => $m->scan($text, $cb));
            self::assertNotEmpty($want);
            self::assertSame($want, self::collect(static fn (\Closure $cb): int => $m->scanInBackground($text, $cb)));
            self::assertSame([], self::collect(static fn (\Closure $cb): int => $m->scanInBackground('', $cb)));
            $m->close();
        }
    }

    public function testBatchesReadFieldByFieldGiveTheSameHits(): void
    {
        // The fallback for platforms where a batch is not three little-endian 8-byte words.
        $flat = new \ReflectionProperty(\Hayscan\Job::class, 'flat');
        $text = str_repeat("a needle, b NEEDLE; é ", 3000);
        $m = new Matcher(['needle', 'é'], ['case_insensitive' => true]);
        $want = self::collect(static fn (\Closure $cb): int => $m->scan($text, $cb));
        $flat->setValue(null, false);
        try {
            self::assertSame($want, self::collect(static fn (\Closure $cb): int => $m->scanInBackground($text, $cb)));
        } finally {
            $flat->setValue(null, null);
        }
        $m->close();
    }

    /** @return iterable<string, array{string}> */
    public static function jobScans(): iterable
    {
        yield 'scanFile' => ['file'];
        yield 'scanInBackground' => ['text'];
    }

    private function scanner(Matcher $m, string $kind): \Closure
    {
        $path = $this->path;
        $text = (string) file_get_contents($path);
        return $kind === 'file'
            ? static fn (callable $cb): int => $m->scanFile($path, $cb)
            : static fn (callable $cb): int => $m->scanInBackground($text, $cb);
    }

    /** @dataProvider jobScans */
    public function testStopAndThrowMidBatchCancelTheJob(string $kind): void
    {
        $m = new Matcher(['ab', 'cd']);
        $scan = $this->scanner($m, $kind);
        $seen = 0;
        self::assertSame(5000, $scan(static function () use (&$seen): bool {
            return ++$seen < 5000;
        }), 'a false return stops the scan; the match that returned false counts');
        self::assertSame(5000, $seen);
        try {
            $scan(static function (Hit $h): void {
                if ($h->start > 100000) {
                    throw new \DomainException("stop at $h->start");
                }
            });
            self::fail('no exception');
        } catch (\DomainException $e) {
            self::assertSame('stop at 100002', $e->getMessage());
        }
        self::assertSame(50000, $scan(static fn () => null), 'the matcher is usable after a stopped job');
        $m->close();
    }

    /** @dataProvider jobScans */
    public function testACallbackMaySuspendItsFiber(string $kind): void
    {
        $m = new Matcher(['ab']);
        $scan = $this->scanner($m, $kind);
        $fiber = new \Fiber(static function () use ($scan): int {
            return $scan(static function (Hit $h): void {
                if ($h->start % 60000 === 0) {
                    \Fiber::suspend($h->start);
                }
            });
        });
        $suspended = [$fiber->start()];
        while (!$fiber->isTerminated()) {
            // Other scans run while the Fiber's scan waits.
            self::assertSame(25000, $m->countFile($this->path));
            $suspended[] = $fiber->resume();
        }
        self::assertSame([0, 60000, 120000, null], $suspended);
        self::assertSame(25000, $fiber->getReturn());
        $m->close();
    }

    /** @dataProvider jobScans */
    public function testDestroyingAFiberSuspendedInACallbackFreesTheJob(string $kind): void
    {
        $m = new Matcher(['ab']);
        $scan = $this->scanner($m, $kind);
        $before = Library::liveObjects();
        $finally = false;
        $fiber = new \Fiber(static function () use ($scan, &$finally): void {
            try {
                $scan(static fn () => \Fiber::suspend());
            } finally {
                $finally = true;
            }
        });
        $fiber->start();
        self::assertSame($before + 1, Library::liveObjects(), 'the job is alive while the Fiber waits');
        unset($fiber); // PHP destroys the suspended Fiber by unwinding it
        gc_collect_cycles();
        self::assertTrue($finally);
        self::assertSame($before, Library::liveObjects(), 'the job was freed');
        $m->close();
    }

    /** @dataProvider jobScans */
    public function testCallbacksNestDeeperThanNativeCallbacksMay(string $kind): void
    {
        // scan() callbacks nest at most Library::maxCallbackDepth() deep; a job's callbacks
        // have no native frame below them, so the only limit is PHP's.
        $limit = Library::maxCallbackDepth();
        Library::setMaxCallbackDepth(5);
        try {
            $m = new Matcher(['ab']);
            $scan = $this->scanner($m, $kind);
            $depth = 0;
            $deepest = 0;
            $dive = static function () use (&$dive, &$depth, &$deepest, $scan): bool {
                $deepest = max($deepest, ++$depth);
                if ($depth < 20) {
                    $scan($dive);
                }
                $depth--;
                return false;
            };
            $scan($dive);
            self::assertSame(20, $deepest);
            $m->close();
        } finally {
            Library::setMaxCallbackDepth($limit);
        }
    }

    public function testAJobOutlivesItsClosedMatcher(): void
    {
        $m = new Matcher(['ab']);
        $n = $m->scanFile($this->path, static function () use ($m): void {
            $m->close();
        });
        self::assertSame(25000, $n);
        self::assertTrue($m->isClosed());
    }

    public function testCountOnThreadsGivesTheOneThreadCount(): void
    {
        $text = str_repeat('the needle in the haystack, NEEDLE ', 100000);
        foreach ([[], ['case_insensitive' => true], ['match_kind' => 'overlapping'], ['syntax' => 'regex'], ['whole_words' => true]] as $options) {
            $m = new Matcher(['needle', 'the', 'e in'], $options);
            $one = $m->count($text);
            self::assertGreaterThan(0, $one);
            foreach ([0, 2, 3, 8, 64] as $threads) {
                self::assertSame($one, $m->count($text, $threads), "threads=$threads " . json_encode($options));
            }
            self::assertSame(0, $m->count('', 2));
            $m->close();
        }
        $m = new Matcher(['x']);
        try {
            $m->count('x', -1);
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('threads', $e->getMessage());
        } finally {
            $m->close();
        }
    }

    public function testCountFileOnThreadsGivesTheOneThreadCount(): void
    {
        $path = tempnam(sys_get_temp_dir(), 'hayscan-par');
        $lines = '';
        for ($i = 0; $i < 1000; $i++) {
            $lines .= str_repeat('ab ', $i % 40) . ($i % 3 ? "the needle\n" : "\n");
        }
        file_put_contents($path, str_repeat($lines, 60)); // about 4 MB: split on 2-3 threads
        try {
            foreach ([['syntax' => 'regex'], ['match_kind' => 'overlapping'], []] as $options) {
                $patterns = ($options['syntax'] ?? '') === 'regex' ? ['^ab', 'needle$', '^$', 'b a'] : ['needle', 'b a', 'e\nt'];
                $m = new Matcher($patterns, $options);
                $one = $m->countFile($path);
                self::assertGreaterThan(0, $one);
                foreach ([0, 2, 3, 8] as $threads) {
                    self::assertSame($one, $m->countFile($path, $threads), "threads=$threads " . json_encode($options));
                }
                try {
                    $m->countFile($path . '.missing', 2);
                    self::fail('no exception');
                } catch (IoException $e) {
                    self::assertStringContainsString('.missing', $e->getMessage());
                }
                try {
                    $m->countFile($path, -1);
                    self::fail('no exception');
                } catch (InvalidArgumentException $e) {
                    self::assertStringContainsString('threads', $e->getMessage());
                }
                $m->close();
            }
        } finally {
            unlink($path);
        }
    }
}
