<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\CallbackDepthException;
use Hayscan\FiberSuspendException;
use Hayscan\Hit;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\Stream;
use Hayscan\StreamBusyException;
use Hayscan\Tests\Support\ChecksLiveObjects;
use Hayscan\Tests\Support\Php;
use PHPUnit\Framework\TestCase;

/**
 * The fault matrix (issue 15): every kind of code hayscan runs on your behalf × every way
 * that code can misbehave → the outcome docs/php.md documents, and the live-object count
 * back to its baseline after each (ChecksLiveObjects; in a child process for exit).
 *
 * Kinds: the scan() callback, the replaceWith() callback, a stream handler, the body of
 * a foreach over the matches() generator (the pull API: no native call is in progress
 * while it runs), and the callbacks of scanFile() and scanInBackground() (a native job's
 * queued matches, drained between native calls: no native call in progress either).
 * Each runs over 'a a a' (three matches).
 */
final class FaultMatrixTest extends TestCase
{
    use ChecksLiveObjects {
        tearDown as checkLiveObjects;
    }

    private const KINDS = ['scan', 'replace', 'stream', 'generator', 'file', 'background'];
    /** The kinds whose code runs while no native call is in progress. */
    private const PULLED = ['generator', 'file', 'background'];

    /**
     * Expected outcome per fault and kind. "N calls" is how often the code ran.
     *
     * @var array<string, array<string, string>>
     */
    private const OUTCOMES = [
        // The Throwable stops the call and reaches the caller unchanged.
        'throw' => [
            'scan' => 'threw the same DomainException, 2 calls',
            'replace' => 'threw the same DomainException, 2 calls',
            'stream' => 'threw the same DomainException, 2 calls, stream finished',
            'generator' => 'threw the same DomainException, 2 calls',
            'file' => 'threw the same DomainException, 2 calls',
            'background' => 'threw the same DomainException, 2 calls',
        ],
        // return false (break for the generator) stops after that match.
        'stop' => [
            'scan' => 'returned 2, 2 calls',
            'replace' => "returned 'b a a', 2 calls",
            'stream' => 'returned 2, 2 calls, stream finished',
            'generator' => 'returned NULL, 2 calls',
            'file' => 'returned 2, 2 calls',
            'background' => 'returned 2, 2 calls',
        ],
        // Suspending the Fiber that made the call is refused from inside a native call;
        // a generator's body and a job's callbacks are plain PHP code between native calls
        // and suspend (and resume) normally.
        'suspend' => [
            'scan' => 'threw FiberSuspendException, 1 calls, fiber not suspended',
            'replace' => 'threw FiberSuspendException, 1 calls, fiber not suspended',
            'stream' => 'threw FiberSuspendException, 1 calls, fiber not suspended, stream finished',
            'generator' => 'returned NULL, 3 calls, fiber suspended 3 times',
            'file' => 'returned 3, 3 calls, fiber suspended 3 times',
            'background' => 'returned 3, 3 calls, fiber suspended 3 times',
        ],
        // Closing the matcher (the stream, for handlers) inside: the running call completes.
        'close' => [
            'scan' => 'returned 3, 3 calls, owner closed',
            'replace' => "returned 'b b b', 3 calls, owner closed",
            'stream' => 'returned 3, 3 calls, owner closed',
            'generator' => 'returned NULL, 3 calls, owner closed',
            'file' => 'returned 3, 3 calls, owner closed',
            'background' => 'returned 3, 3 calls, owner closed',
        ],
        // The same operation on the same matcher (stream) from inside: works, except
        // feeding a stream from its own handler, which throws StreamBusyException there.
        'reenter' => [
            'scan' => 'returned 3, 3 calls, inner: 1 1 1',
            'replace' => "returned 'b b b', 3 calls, inner: c c c",
            'stream' => 'returned 3, 3 calls, inner: StreamBusyException StreamBusyException StreamBusyException',
            'generator' => 'returned NULL, 3 calls, inner: 1 1 1',
            'file' => 'returned 3, 3 calls, inner: 3 3 3',
            'background' => 'returned 3, 3 calls, inner: 1 1 1',
        ],
        // Recursing through the same kind of call until the depth limit (set to 50 here).
        'nest' => [
            'scan' => 'threw CallbackDepthException, 50 calls',
            'replace' => 'threw CallbackDepthException, 50 calls',
            'stream' => 'threw CallbackDepthException, 50 calls, stream finished',
            'generator' => 'returned NULL, 600 calls', // 200 nested iterations, no limit: no native call is in progress
            'file' => 'returned 3, 600 calls', // 200 nested jobs, likewise
            'background' => 'returned 3, 600 calls',
        ],
    ];

    protected function tearDown(): void
    {
        Library::setMaxCallbackDepth(1000);
        $this->checkLiveObjects();
    }

    /** @return iterable<string, array{string, string, string}> */
    public static function cases(): iterable
    {
        foreach (self::OUTCOMES as $fault => $byKind) {
            foreach (self::KINDS as $kind) {
                yield "$kind × $fault" => [$kind, $fault, $byKind[$kind]];
            }
        }
    }

    /** @dataProvider cases */
    public function testFault(string $kind, string $fault, string $expected): void
    {
        Library::setMaxCallbackDepth(50);
        if ($fault === 'suspend') {
            $outcome = '';
            $suspensions = 0;
            $fiber = new \Fiber(function () use ($kind, $fault, &$outcome): void {
                $outcome = $this->cell($kind, $fault);
            });
            $fiber->start();
            while ($fiber->isSuspended()) {
                $suspensions++;
                $fiber->resume();
            }
            $outcome .= $suspensions > 0 ? ", fiber suspended $suspensions times" : ', fiber not suspended';
            $outcome = (string) preg_replace('/(, stream finished)(, fiber .*)$/', '$2$1', $outcome);
        } else {
            $outcome = $this->cell($kind, $fault);
        }
        self::assertSame($expected, $outcome);
    }

    /** Runs one cell of the matrix and describes what happened. */
    private function cell(string $kind, string $fault, int $level = 0): string
    {
        $m = new Matcher(['a']);
        $stream = $kind === 'stream' ? $m->stream() : null;
        $calls = 0;
        $inner = [];
        $thrown = new \DomainException('from the callback');
        $body = function (Hit $h) use ($kind, $fault, $m, $stream, &$calls, &$inner, $thrown, $level): mixed {
            $calls++;
            self::$nestCalls++;
            switch ($fault) {
                case 'throw':
                    if ($calls === 2) {
                        throw $thrown;
                    }
                    break;
                case 'stop':
                    if ($calls === 2) {
                        return false;
                    }
                    break;
                case 'suspend':
                    \Fiber::suspend();
                    break;
                case 'close':
                    $stream !== null ? $stream->close() : $m->close();
                    break;
                case 'reenter':
                    $inner[] = match ($kind) {
                        'scan' => (string) $m->scan('a', static fn () => null),
                        'replace' => $m->replaceWith('a', static fn (): string => 'c'),
                        'stream' => self::feedOwnStream($stream),
                        'generator' => (string) iterator_count($m->matches('a')),
                        'file' => (string) $m->scanFile(self::file(), static fn () => null),
                        'background' => (string) $m->scanInBackground('a', static fn () => null),
                    };
                    break;
                case 'nest':
                    if ($calls === 1 && (!in_array($kind, self::PULLED, true) || $level < 199)) {
                        $this->cell($kind, $fault, $level + 1);
                    }
                    break;
            }
            return null;
        };
        try {
            $result = match ($kind) {
                'scan' => $m->scan('a a a', $body),
                'replace' => $m->replaceWith('a a a', static fn (Hit $h) => $body($h) === false ? false : 'b'),
                'stream' => self::feed($stream, $body),
                'generator' => self::iterate($m, $body),
                'file' => $m->scanFile(self::file(), $body),
                'background' => $m->scanInBackground('a a a', $body),
            };
            $outcome = 'returned ' . var_export($result, true);
        } catch (\Throwable $e) {
            if ($fault === 'nest' && $level > 0) {
                throw $e; // only the outermost level describes the outcome
            }
            $outcome = 'threw ' . ($e === $thrown ? 'the same ' : '') . (new \ReflectionClass($e))->getShortName();
        }
        if ($fault === 'nest' && $level > 0) {
            return '';
        }
        $outcome .= ", $calls calls";
        if ($fault === 'nest') {
            // The calls of every level, counted by the outermost one.
            $outcome = (string) preg_replace('/, \d+ calls$/', ', ' . self::$nestCalls . ' calls', $outcome);
        }
        if ($fault === 'close') {
            $outcome .= ($stream ?? $m)->isClosed() ? ', owner closed' : ', owner open';
        }
        if ($inner !== []) {
            $outcome .= ', inner: ' . implode(' ', $inner);
        }
        if ($stream !== null && !$stream->isClosed()) {
            try {
                $stream->feed('');
            } catch (\Hayscan\StreamFinishedException) {
                $outcome .= ', stream finished';
            }
            $stream->close();
        }
        $m->close();
        return $outcome;
    }

    private static int $nestCalls = 0;
    private static string $file = '';

    /** A file holding 'a a a', for the scanFile() kind. */
    private static function file(): string
    {
        if (self::$file === '') {
            self::$file = (string) tempnam(sys_get_temp_dir(), 'hayscan-faults-');
            file_put_contents(self::$file, 'a a a');
        }
        return self::$file;
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$file !== '') {
            @unlink(self::$file);
            self::$file = '';
        }
    }

    private static function feed(Stream $stream, \Closure $body): int
    {
        $stream->on($body);
        return $stream->feed('a a a'); // a literal match is certain at once: feed() delivers all three
    }

    /** @return null */
    private static function iterate(Matcher $m, \Closure $body)
    {
        foreach ($m->matches('a a a') as $hit) {
            if ($body($hit) === false) {
                break;
            }
        }
        return null;
    }

    private static function feedOwnStream(?Stream $stream): string
    {
        try {
            $stream?->feed('a');
            return 'fed';
        } catch (StreamBusyException) {
            return 'StreamBusyException';
        }
    }

    protected function setUp(): void
    {
        gc_collect_cycles();
        $this->live = Library::liveObjects();
        self::$nestCalls = 0;
    }

    /** @return iterable<string, array{string, string}> */
    public static function exitCases(): iterable
    {
        // exit() inside a native call is PHP's fatal "Throwing from FFI callbacks is not
        // allowed" (exit status 255); inside a generator's body it is an ordinary exit.
        // Either way the request's native objects are freed at shutdown, a stream whose
        // feed() was interrupted included (docs/php.md, callbacks rule 6; it used to stay).
        yield 'scan × exit' => ['$m->scan("a a", function () { exit(3); });', '255 fatal live=0'];
        yield 'replace × exit' => ['$m->replaceWith("a a", function () { exit(3); });', '255 fatal live=0'];
        yield 'stream × exit' => ['$s = $m->stream(); $s->on(function () { exit(3); }); $s->feed("a a");', '255 fatal live=0'];
        // Not a fatal error: destructors run as usual, after the shutdown functions (hence
        // native objects are still alive when this one reports, and are freed afterwards).
        yield 'generator × exit' => ['foreach ($m->matches("a a") as $h) { exit(3); }', '3 live=2'];
        // A job's callback exits like a generator's body: an ordinary exit, and the job is
        // freed with the other objects (here: before the report, as the frame unwinds).
        yield 'file × exit' => ['$m->scanFile(__FILE__, function () { exit(3); });', '3 live=2'];
        yield 'background × exit' => ['$m->scanInBackground("a a", function () { exit(3); });', '3 live=2'];
    }

    /** @dataProvider exitCases */
    public function testExit(string $code, string $expected): void
    {
        [$status, $out, $err] = Php::run(
            // The last shutdown function to run reports the live objects (ours frees them
            // from a shutdown function it registers while shutting down).
            'register_shutdown_function(fn () => register_shutdown_function(fn () => register_shutdown_function('
            . 'fn () => register_shutdown_function(fn () => print("live=" . Hayscan\Library::liveObjects())))));'
            . '$m = new Hayscan\Matcher(["a"]); $keep = Hayscan\Matcher::regex(["\\\\d"]);' . $code,
            ['display_errors' => 'stderr'],
        );
        $fatal = str_contains($err, 'Throwing from FFI callbacks is not allowed') ? ' fatal' : '';
        self::assertSame($expected, "$status$fatal $out", $err);
    }
}
