<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\ClosedException;
use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\IoException;
use Hayscan\Matcher;
use Hayscan\UnsupportedException;
use Hayscan\Tests\Support\ChecksLiveObjects;
use Hayscan\Tests\Support\Php;
use PHPUnit\Framework\TestCase;

/**
 * Issue 13 (PHP): countFile(), scanFile() and replaceFile() read the file in the library,
 * in chunks, so it never becomes a PHP string: the same matches as count()/scan()/
 * replaceAll() over the file's contents, errors as IoException, and files larger than
 * memory_limit. scanFile() drains a native file job: its callbacks run on this thread with
 * no native frame below them (exceptions, Fiber::suspend(), nesting: JobTest).
 */
final class FileTest extends TestCase
{
    use ChecksLiveObjects {
        setUp as checkLiveSetUp;
        tearDown as checkLiveTearDown;
    }

    private string $path = '';
    private string $out = '';

    protected function setUp(): void
    {
        $this->checkLiveSetUp();
        $this->path = (string) tempnam(sys_get_temp_dir(), 'hayscan-file-');
        $this->out = $this->path . '.out';
    }

    protected function tearDown(): void
    {
        foreach ([$this->path, $this->out] as $file) {
            if ($file !== '' && is_file($file)) {
                unlink($file);
            }
        }
        $this->checkLiveTearDown();
    }

    public function testFileMatchesEqualTheStringMatches(): void
    {
        // Matches straddle the library's 256 KiB read chunks.
        $text = str_repeat("a needle, b NEEDLE; é ", 40000);
        file_put_contents($this->path, $text);
        foreach ([[], ['case_insensitive' => true], ['match_kind' => 'overlapping']] as $options) {
            $m = new Matcher(['needle', 'dle, b', 'é'], $options);
            self::assertSame($m->count($text), $m->countFile($this->path));
            $hits = [];
            $n = $m->scanFile($this->path, static function (Hit $h) use (&$hits): void {
                $hits[] = [$h->pattern, $h->start, $h->end];
            });
            $want = array_map(static fn (Hit $h): array => [$h->pattern, $h->start, $h->end], $m->findAll($text));
            self::assertSame($want, $hits);
            self::assertSame(count($want), $n);
            $m->close();
        }
    }

    public function testHitTextIsThePatternOrNull(): void
    {
        file_put_contents($this->path, 'say Hello');
        $texts = [];
        (new Matcher(['Hello']))->scanFile($this->path, static function (Hit $h) use (&$texts): void {
            $texts[] = $h->text;
        });
        (new Matcher(['hello'], ['case_insensitive' => true]))->scanFile($this->path, static function (Hit $h) use (&$texts): void {
            $texts[] = $h->text;
        });
        self::assertSame(['Hello', null], $texts);
    }

    public function testACallbackStopsOrThrows(): void
    {
        file_put_contents($this->path, str_repeat('ab ', 100000));
        $m = new Matcher(['ab']);
        $seen = 0;
        self::assertSame(3, $m->scanFile($this->path, static function () use (&$seen): bool {
            return ++$seen < 3;
        }));
        self::assertSame(3, $seen);
        try {
            $m->scanFile($this->path, static function (): void {
                throw new \DomainException('stop here');
            });
            self::fail('no exception');
        } catch (\DomainException $e) {
            self::assertSame('stop here', $e->getMessage());
        }
        self::assertSame(100000, $m->countFile($this->path));
    }

    public function testErrors(): void
    {
        $m = new Matcher(['a']);
        try {
            $m->countFile('/no/such/hayscan/file');
            self::fail('no exception');
        } catch (IoException $e) {
            self::assertStringContainsString('/no/such/hayscan/file', $e->getMessage());
            self::assertInstanceOf(\RuntimeException::class, $e);
        }
        $this->expectExceptionThrown(IoException::class, 'directory', static fn () => $m->countFile(sys_get_temp_dir()));
        $this->expectExceptionThrown(IoException::class, 'directory', static fn () => $m->scanFile(sys_get_temp_dir(), static fn () => null));
        $this->expectExceptionThrown(InvalidArgumentException::class, 'empty', static fn () => $m->countFile(''));
        $this->expectExceptionThrown(InvalidArgumentException::class, 'NUL', static fn () => $m->countFile("/tmp\0x"));
        self::assertSame(0, $m->countFile('/dev/null'));
        $m->close();
        $path = $this->path;
        $this->expectExceptionThrown(ClosedException::class, 'closed', static fn () => $m->countFile($path));
        $this->expectExceptionThrown(ClosedException::class, 'closed', static fn () => $m->scanFile($path, static fn () => null));
    }

    public function testAFileLargerThanMemoryLimit(): void
    {
        // 46 MiB of text counted by a PHP process whose memory_limit is 16M.
        $f = fopen($this->path, 'w');
        $block = str_repeat("log line with a token=abc and more text\n", 1 << 14);
        for ($i = 0; $i < 75; $i++) {
            fwrite($f, $block);
        }
        fclose($f);
        self::assertGreaterThan(45 << 20, filesize($this->path));
        $script = 'require ' . var_export(dirname(__DIR__) . '/autoload.php', true) . ';'
            . ' echo (new Hayscan\Matcher(["token="]))->countFile($argv[1]), " ", memory_get_peak_usage(true);';
        [$code, $out, $err] = Php::exec([PHP_BINARY, '-d', 'ffi.enable=1', '-d', 'memory_limit=16M', '-r', $script, $this->path]);
        self::assertSame(0, $code, $err);
        [$count, $peak] = array_map('intval', explode(' ', trim($out)));
        self::assertSame(75 << 14, $count);
        self::assertLessThan(16 << 20, $peak);
    }

    public function testReplaceFileWritesWhatReplaceAllReturns(): void
    {
        // Matches straddle the library's read chunks; one replacement, then one per pattern.
        $text = str_repeat("a needle, b NEEDLE; é ", 40000);
        file_put_contents($this->path, $text);
        $m = new Matcher(['needle', 'é'], ['case_insensitive' => true]);
        self::assertSame($m->count($text), $m->replaceFile($this->path, $this->out, '<x>'));
        self::assertSame($m->replaceAll($text, '<x>'), file_get_contents($this->out));
        self::assertSame(120000, $m->replaceFile($this->path, $this->out, ['pin', '']));
        self::assertSame($m->replaceAll($text, ['pin', '']), file_get_contents($this->out));
        // An existing output is truncated; no match copies the input.
        self::assertSame(0, (new Matcher(['absent']))->replaceFile($this->path, $this->out, 'x'));
        self::assertSame($text, file_get_contents($this->out));
        $m->close();
    }

    public function testReplaceFileErrors(): void
    {
        file_put_contents($this->path, 'a b a');
        $m = new Matcher(['a', 'b']);
        $in = $this->path;
        $out = $this->out;
        $this->expectExceptionThrown(IoException::class, '/no/such/hayscan/file', static fn () => $m->replaceFile('/no/such/hayscan/file', $out, 'x'));
        self::assertFileDoesNotExist($out, 'a missing input creates no output');
        // The same file, by its own path or another one: refused before anything is written.
        $this->expectExceptionThrown(InvalidArgumentException::class, 'input', static fn () => $m->replaceFile($in, $in, 'x'));
        $this->expectExceptionThrown(InvalidArgumentException::class, 'input', static fn () => $m->replaceFile($in, dirname($in) . '/./' . basename($in), 'x'));
        self::assertSame('a b a', file_get_contents($in));
        $this->expectExceptionThrown(InvalidArgumentException::class, 'one per pattern', static fn () => $m->replaceFile($in, $out, ['x', 'y', 'z']));
        $this->expectExceptionThrown(InvalidArgumentException::class, 'one string, or a list', static fn () => $m->replaceFile($in, $out, ['a' => 'x']));
        $this->expectExceptionThrown(\TypeError::class, 'replaceFile(): replacement 1 must be a string', static fn () => $m->replaceFile($in, $out, ['x', 2]));
        $this->expectExceptionThrown(IoException::class, 'directory', static fn () => $m->replaceFile(sys_get_temp_dir(), $out, 'x'));
        $this->expectExceptionThrown(IoException::class, '/no/such/dir/out', static fn () => $m->replaceFile($in, '/no/such/dir/out', 'x'));
        $this->expectExceptionThrown(IoException::class, '/no/such/hayscan/file', static fn () => $m->scanFile('/no/such/hayscan/file', static fn () => null));
        $this->expectExceptionThrown(InvalidArgumentException::class, 'NUL', static fn () => $m->replaceFile($in, "/tmp\0x", 'x'));
        $overlapping = new Matcher(['a'], ['match_kind' => 'overlapping']);
        $this->expectExceptionThrown(UnsupportedException::class, 'overlapping', static fn () => $overlapping->replaceFile($in, $out, 'x'));
        $overlapping->close();
        $m->close();
        $this->expectExceptionThrown(ClosedException::class, 'closed', static fn () => $m->replaceFile($in, $out, 'x'));
    }

    public function testReplaceFileOnAFileTenTimesMemoryLimit(): void
    {
        // 160 MiB rewritten by a PHP process whose memory_limit is 16M.
        $f = fopen($this->path, 'w');
        $block = str_repeat("log line with a token=abc and more text\n", 1 << 14);
        for ($i = 0; $i < 256; $i++) {
            fwrite($f, $block);
        }
        fclose($f);
        self::assertGreaterThanOrEqual(10 * (16 << 20), filesize($this->path));
        $script = 'require ' . var_export(dirname(__DIR__) . '/autoload.php', true) . ';'
            . ' $m = new Hayscan\Matcher(["token=abc"]); echo $m->replaceFile($argv[1], $argv[2], "token=***"), " ", memory_get_peak_usage(true); $m->close();';
        [$code, $out, $err] = Php::exec([PHP_BINARY, '-d', 'ffi.enable=1', '-d', 'memory_limit=16M', '-r', $script, $this->path, $this->out]);
        self::assertSame(0, $code, $err);
        [$count, $peak] = array_map('intval', explode(' ', trim($out)));
        self::assertSame(256 << 14, $count);
        self::assertLessThan(16 << 20, $peak);
        self::assertSame(filesize($this->path), filesize($this->out));
        $head = (string) file_get_contents($this->out, false, null, 0, 200);
        self::assertStringStartsWith("log line with a token=*** and more text\n", $head);
    }

    /** @param class-string<\Throwable> $class */
    private function expectExceptionThrown(string $class, string $fragment, \Closure $call): void
    {
        try {
            $call();
        } catch (\Throwable $e) {
            self::assertInstanceOf($class, $e, $e->getMessage());
            self::assertStringContainsString($fragment, $e->getMessage());
            return;
        }
        self::fail("no $class");
    }
}
