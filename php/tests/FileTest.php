<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\ClosedException;
use Hayscan\Hit;
use Hayscan\InvalidArgumentException;
use Hayscan\IoException;
use Hayscan\Matcher;
use Hayscan\Tests\Support\ChecksLiveObjects;
use Hayscan\Tests\Support\Php;
use PHPUnit\Framework\TestCase;

/**
 * Issue 13 (PHP part, first step): countFile() and scanFile() read the file in the library,
 * in chunks, so it never becomes a PHP string: the same matches as count()/scan() over
 * the file's contents, errors as IoException, and a file larger than memory_limit.
 */
final class FileTest extends TestCase
{
    use ChecksLiveObjects;

    private string $path = '';

    protected function setUp(): void
    {
        $this->path = (string) tempnam(sys_get_temp_dir(), 'hayscan-file-');
    }

    protected function tearDown(): void
    {
        if ($this->path !== '' && is_file($this->path)) {
            unlink($this->path);
        }
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
