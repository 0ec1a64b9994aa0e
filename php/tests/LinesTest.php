<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\ClosedException;
use Hayscan\InvalidArgumentException;
use Hayscan\IoException;
use Hayscan\Matcher;
use Hayscan\Status;
use Hayscan\Tests\Support\ChecksLiveObjects;
use PHPUnit\Framework\TestCase;

/**
 * countLines() and countFileLines(): the number of lines holding a match (grep -c's
 * answer), in memory and from files on one and several threads, with countFile()'s
 * errors. The shared cases are in tests/vectors/lines.json (VectorsTest); these add the
 * PHP surface, large files and an independent reference (str_contains per line).
 */
final class LinesTest extends TestCase
{
    use ChecksLiveObjects {
        setUp as checkLiveSetUp;
        tearDown as checkLiveTearDown;
    }

    private string $path = '';

    protected function setUp(): void
    {
        $this->checkLiveSetUp();
        $this->path = (string) tempnam(sys_get_temp_dir(), 'hayscan-lines-');
    }

    protected function tearDown(): void
    {
        if ($this->path !== '' && is_file($this->path)) {
            unlink($this->path);
        }
        $this->checkLiveTearDown();
    }

    public function testALineWithSeveralMatchesCountsOnce(): void
    {
        $m = new Matcher(['ab', 'cd']);
        $text = "ab ab cd\nxx\ncd\n";
        self::assertSame(4, $m->count($text));
        self::assertSame(2, $m->countLines($text));
        self::assertSame(2, $this->inFile($m, $text));
        $m->close();
    }

    public function testWhatALineIs(): void
    {
        $m = new Matcher(['x']);
        self::assertSame(1, $m->countLines("a\nx"), 'a last line without \n is a line');
        self::assertSame(1, $m->countLines("a\nx\n"), 'the piece after a final \n is not a line');
        self::assertSame(0, $m->countLines(''));
        self::assertSame(2, $m->countLines("x\n\n\nx"));
        // A pattern spanning a \n is in no line.
        $across = new Matcher(["b\nc", 'z']);
        self::assertSame(0, $across->countLines("ab\ncd\n"));
        self::assertSame(1, $across->count("ab\ncd\n"));
        $across->close();
        $m->close();
    }

    public function testAnEmptyPatternCountsEveryLineEmptyOnesToo(): void
    {
        foreach ([Matcher::regex(['']), new Matcher(['', 'a']), Matcher::regex(['^', 'a'])] as $i => $m) {
            self::assertSame(3, $m->countLines("a\n\nb\n"), "matcher $i");
            self::assertSame(1, $m->countLines("\n"), "matcher $i");
            self::assertSame(0, $m->countLines(''), "matcher $i");
            self::assertSame(3, $this->inFile($m, "a\n\nb\n"), "matcher $i");
            $m->close();
        }
        // ^$ alone: only the empty lines.
        $m = Matcher::regex(['^$']);
        self::assertSame(2, $m->countLines("a\n\n\nb"));
        $m->close();
    }

    public function testCrLfKeepsTheCarriageReturnInItsLine(): void
    {
        $text = "ab\r\ncd\r\nab\n";
        $literal = new Matcher(["\r"]);
        self::assertSame(2, $literal->countLines($text));
        $end = Matcher::regex(['b$']);
        self::assertSame(1, $end->countLines($text), '"ab\r" does not end in b (grep -c says 1 too)');
        $start = Matcher::regex(['^c']);
        self::assertSame(1, $start->countLines($text));
        self::assertSame(1, $this->inFile($end, $text));
        $literal->close();
        $end->close();
        $start->close();
    }

    public function testEveryMatchKindAndCaseFoldingGiveTheSameLines(): void
    {
        $text = "ERROR: disk\nwarning\nok\nERRORS and errors\nerr\n";
        $sensitive = [];
        foreach (['leftmost_first', 'leftmost_longest', 'overlapping'] as $kind) {
            $m = new Matcher(['error', 'err', 'rror'], ['match_kind' => $kind]);
            $sensitive[$kind] = $m->countLines($text);
            $m->close();
            $m = new Matcher(['error', 'err', 'rror'], ['match_kind' => $kind, 'case_insensitive' => true]);
            self::assertSame(3, $m->countLines($text), $kind);
            $m->close();
        }
        self::assertSame(['leftmost_first' => 2, 'leftmost_longest' => 2, 'overlapping' => 2], $sensitive);
    }

    public function testWholeWords(): void
    {
        $m = new Matcher(['cat'], ['whole_words' => true]);
        $text = "cat\nconcat\nthe cat sat\ncats\n(cat)";
        self::assertSame(3, $m->countLines($text));
        self::assertSame(3, $this->inFile($m, $text));
        $m->close();
        // The \n is not a word character: a word at a line's edge is whole.
        $m = new Matcher(['ab'], ['whole_words' => true]);
        self::assertSame(2, $m->countLines("xab\nab\nab"));
        $m->close();
    }

    public function testARegexSetAnchorsAtLineEdges(): void
    {
        $m = Matcher::regex(['^GET /', 'ms$', '^\d+$']);
        $text = "GET /a 12ms\nPOST /b 3ms\n  GET /c\n404\n40 4\nGET /d 5s\n";
        // GET /a (both), POST (ms$), 404; not "  GET /c", "40 4", and "GET /d" only by ^GET.
        self::assertSame(4, $m->countLines($text));
        self::assertSame(4, $this->inFile($m, $text));
        $m->close();
    }

    public function testAThreeMebibyteFileOnOneAndTwoThreads(): void
    {
        $lines = [];
        for ($i = 0; $i < 105000; $i++) {
            $lines[] = match ($i % 7) {
                0 => "GET /index.html 200 token=$i",
                1 => "",
                2 => str_repeat('padding ', $i % 13) . 'needle needle',
                3 => "x\r",
                default => "line $i of the log without a keyword",
            };
        }
        $text = implode("\n", $lines) . "\nlast line with token= and no newline";
        self::assertGreaterThan(3 << 20, strlen($text));
        file_put_contents($this->path, $text);
        $patterns = ['token=', 'needle', "x\r"];
        // The reference: PHP's own per-line search.
        $want = 0;
        foreach (explode("\n", $text) as $line) {
            foreach ($patterns as $p) {
                if (str_contains($line, $p)) {
                    $want++;
                    break;
                }
            }
        }
        foreach ([[], ['match_kind' => 'overlapping'], ['case_insensitive' => true]] as $options) {
            $m = new Matcher($patterns, $options);
            self::assertSame($want, $m->countLines($text), json_encode($options));
            foreach ([1, 2, 0, 3] as $threads) {
                self::assertSame($want, $m->countFileLines($this->path, $threads), "threads=$threads " . json_encode($options));
            }
            $m->close();
        }
        $regex = Matcher::regex(['^GET ', 'needle$', '^$']);
        $one = $regex->countLines($text);
        self::assertSame(3 * 105000 / 7, $one);
        self::assertSame($one, $regex->countFileLines($this->path));
        self::assertSame($one, $regex->countFileLines($this->path, 2));
        $regex->close();
    }

    public function testFileErrorsAreCountFilesErrors(): void
    {
        $m = new Matcher(['a']);
        foreach ([1, 2] as $threads) {
            try {
                $m->countFileLines('/no/such/hayscan/file', $threads);
                self::fail('no exception');
            } catch (IoException $e) {
                self::assertStringContainsString('/no/such/hayscan/file', $e->getMessage());
                self::assertSame(Status::IO, $e->getStatus());
                self::assertInstanceOf(\RuntimeException::class, $e);
            }
            $this->expectThrown(IoException::class, 'directory', static fn () => $m->countFileLines(sys_get_temp_dir(), $threads));
            $this->expectThrown(InvalidArgumentException::class, 'empty', static fn () => $m->countFileLines('', $threads));
            $this->expectThrown(InvalidArgumentException::class, 'NUL', static fn () => $m->countFileLines("/tmp\0x", $threads));
            self::assertSame(0, $m->countFileLines('/dev/null', $threads));
        }
        $path = $this->path;
        $this->expectThrown(InvalidArgumentException::class, 'threads', static fn () => $m->countFileLines($path, -1));
        $m->close();
    }

    public function testBadArgumentTypes(): void
    {
        $m = new Matcher(['a']);
        $path = $this->path;
        $this->expectThrown(\TypeError::class, 'countLines()', static fn () => $m->countLines(['a']));
        $this->expectThrown(\TypeError::class, 'countLines()', static fn () => $m->countLines(null));
        $this->expectThrown(\TypeError::class, 'countLines()', static fn () => $m->countLines(12));
        $this->expectThrown(\TypeError::class, 'countFileLines()', static fn () => $m->countFileLines(null));
        $this->expectThrown(\TypeError::class, 'countFileLines()', static fn () => $m->countFileLines($path, '2'));
        $this->expectThrown(\TypeError::class, 'countFileLines()', static fn () => $m->countFileLines($path, 1.5));
        $m->close();
    }

    public function testAClosedMatcher(): void
    {
        file_put_contents($this->path, "a\n");
        $m = new Matcher(['a']);
        self::assertSame(1, $m->countFileLines($this->path));
        $m->close();
        $path = $this->path;
        $this->expectThrown(ClosedException::class, 'closed', static fn () => $m->countLines("a\n"));
        $this->expectThrown(ClosedException::class, 'closed', static fn () => $m->countFileLines($path));
        $this->expectThrown(ClosedException::class, 'closed', static fn () => $m->countFileLines($path, 2));
        // Closed wins over a bad path or thread count, as in countFile().
        $this->expectThrown(ClosedException::class, 'closed', static fn () => $m->countFileLines('', -1));
    }

    /** countFileLines() of $text written to the test's file, the same on one and two threads. */
    private function inFile(Matcher $m, string $text): int
    {
        file_put_contents($this->path, $text);
        $one = $m->countFileLines($this->path);
        self::assertSame($one, $m->countFileLines($this->path, 2), 'two threads');
        return $one;
    }

    /** @param class-string<\Throwable> $class */
    private function expectThrown(string $class, string $fragment, \Closure $call): void
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
