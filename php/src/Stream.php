<?php

declare(strict_types=1);

namespace Hayscan;

use FFI;
use FFI\CData;

/**
 * Push-based scanning of input that arrives in chunks (a file, a socket, a log tail).
 *
 * ```php
 * $stream = $matcher->stream();
 * $id = $stream->on(function (Hayscan\Hit $hit) { echo "pattern $hit->pattern at byte $hit->start\n"; });
 * while (($chunk = fread($fh, 65536)) !== '' && $chunk !== false) { $stream->feed($chunk); }
 * $stream->finish();
 * $stream->close();
 * ```
 *
 * Offsets are absolute bytes from the start of the input. For literal patterns the
 * matches are exactly those of one scan over the whole input, however it is split; regex
 * streams scan line by line (a match never spans a newline). Hits from a stream have
 * `text === null`: the stream keeps no copy of your input.
 *
 * Handlers run synchronously inside feed()/finish(). A handler that returns false, or
 * throws, stops the stream: it is then finished, and the Throwable is rethrown unchanged by
 * the feed()/finish() call that ran the handler.
 *
 * Handlers are released exactly once, when off() unregisters them or when the stream is
 * closed; no C function pointer is made per handler (one trampoline per request serves
 * every handler of every stream, finding it by an integer key).
 */
final class Stream
{
    private ?CData $handle = null;

    /** @var array<int, \Closure> this stream's handlers by key */
    private array $handlers = [];

    /**
     * The stream that owns each handler key. Weak, so that a stream whose handler refers
     * back to it can still be garbage collected (its destructor then releases everything).
     *
     * @var array<int, \WeakReference<Stream>>
     */
    private static array $owners = [];
    private static int $lastKey = 0;
    private static int $released = 0;
    private static int $unknownReleases = 0;
    private static ?CData $matchHolder = null;
    private static ?CData $releaseHolder = null;
    private static ?\Closure $deliver = null;
    private static ?\Closure $forget = null;

    /**
     * Streams are made by {@see Matcher::stream()}; the native stream keeps the compiled
     * patterns alive, so the Matcher may be closed first.
     */
    public function __construct(Matcher $matcher)
    {
        $ffi = Library::ffi();
        $out = Library::new('hayscan_stream_t *');
        $status = $ffi->hayscan_stream_new($matcher->nativeHandle(), FFI::addr($out));
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        $this->handle = $out;
        RequestCleanup::own($this);
    }

    /**
     * Registers $handler(Hit $hit) for matches of the listed pattern ids (null: all
     * patterns). Handlers run in registration order; one registered from inside a handler
     * sees matches from the next one on. Returning false stops the stream.
     *
     * @param callable(Hit): (bool|null|void) $handler
     * @param list<int>|null $patternIds
     * @return int the registration id, for off()
     *
     * @throws InvalidArgumentException a pattern id is out of range, or the list is empty
     */
    public function on(callable $handler, ?array $patternIds = null): int
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        $ids = null;
        $count = 0;
        if ($patternIds !== null) {
            if ($patternIds === []) {
                throw new InvalidArgumentException('an empty pattern id list would never match: pass null for every pattern');
            }
            $count = count($patternIds);
            $ids = $ffi->new("uint32_t[$count]");
            $i = 0;
            foreach ($patternIds as $id) {
                if (!is_int($id) || $id < 0 || $id > 0xFFFFFFFF) {
                    throw new InvalidArgumentException('pattern ids must be non-negative ints, ' . var_export($id, true) . ' given');
                }
                $ids[$i++] = $id;
            }
        }
        [$onMatch, $onRelease] = self::trampolines($ffi);
        $key = ++self::$lastKey;
        $this->handlers[$key] = $handler(...);
        self::$owners[$key] = \WeakReference::create($this);
        $out = Library::new('uint64_t');
        $status = $ffi->hayscan_stream_on($handle, $onMatch, $ffi->cast('void *', $key), $onRelease, $ids, $count, FFI::addr($out));
        if ($status !== Status::OK) {
            // On failure the library does not call release: undo the registration here.
            unset($this->handlers[$key], self::$owners[$key]);
            throw Library::fail($status);
        }
        return $out->cdata;
    }

    /**
     * Unregisters a handler: it is not called again, and it is released now (or right
     * after it returns, if it is the handler currently running).
     *
     * @throws InvalidArgumentException no handler with that id is registered on this stream
     */
    public function off(int $id): void
    {
        $handle = $this->handle ?? throw self::closed();
        if ($id < 0) {
            throw new InvalidArgumentException("no handler with id $id on this stream");
        }
        $frame = Callbacks::push(null, '', false);
        try {
            $status = Library::ffi()->hayscan_stream_off($handle, $id);
        } finally {
            Callbacks::pop($frame, false);
        }
        if ($frame->error !== null) {
            throw $frame->error;
        }
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
    }

    /**
     * Feeds the next chunk; handlers run for every match that is now certain.
     *
     * @return int the number of matches this call found (each goes to every handler that listens for its pattern)
     *
     * @throws StreamFinishedException after finish(), or after a handler stopped the stream
     * @throws StreamBusyException when called from one of this stream's own handlers
     */
    public function feed(string $chunk): int
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        $report = Library::new('hayscan_scan_report_t');
        $frame = Callbacks::push();
        try {
            $status = $ffi->hayscan_stream_feed($handle, $chunk, strlen($chunk), FFI::addr($report));
        } finally {
            Callbacks::pop($frame);
        }
        return self::outcome($frame, $status, $report);
    }

    /**
     * Ends the input: delivers the pending matches. Later feeds throw
     * StreamFinishedException; handlers stay registered until close().
     *
     * @return int the number of matches this call found
     */
    public function finish(): int
    {
        $handle = $this->handle ?? throw self::closed();
        $ffi = Library::ffi();
        $report = Library::new('hayscan_scan_report_t');
        $frame = Callbacks::push();
        try {
            $status = $ffi->hayscan_stream_finish($handle, FFI::addr($report));
        } finally {
            Callbacks::pop($frame);
        }
        return self::outcome($frame, $status, $report);
    }

    /**
     * Frees the native stream and releases every handler still registered. Idempotent.
     * Called from one of this stream's handlers, the native stream is freed as soon as
     * the feed()/finish() in progress returns.
     */
    public function close(): void
    {
        if ($this->handle === null) {
            return;
        }
        $handle = $this->handle;
        $this->handle = null;
        RequestCleanup::disown($this);
        $frame = Callbacks::push(null, '', false);
        try {
            Library::ffi()->hayscan_stream_free($handle);
        } finally {
            Callbacks::pop($frame, false);
        }
        if ($frame->error !== null) {
            // A handler's destructor threw while being released.
            throw $frame->error;
        }
    }

    public function isClosed(): bool
    {
        return $this->handle === null;
    }

    public function __destruct()
    {
        $this->close();
    }

    /**
     * Release accounting for tests: handlers released so far in this request, handlers
     * registered and not yet released (all streams), and releases for unknown keys (a
     * double release would show here).
     *
     * @internal
     * @return array{released: int, registered: int, unknown: int}
     */
    public static function releaseStats(): array
    {
        return ['released' => self::$released, 'registered' => count(self::$owners), 'unknown' => self::$unknownReleases];
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['closed' => $this->handle === null, 'handlers' => count($this->handlers)];
    }

    private function __clone()
    {
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new \LogicException('a Hayscan\Stream cannot be serialized');
    }

    /** @param array<mixed> $data */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a Hayscan\Stream cannot be unserialized');
    }

    private static function outcome(Frame $frame, int $status, CData $report): int
    {
        if ($frame->error !== null) {
            throw $frame->error;
        }
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        return $report->matches;
    }

    private static function closed(): ClosedException
    {
        return new ClosedException('this Hayscan\Stream is closed');
    }

    /**
     * The two C function pointers every handler of every stream is registered with,
     * converted from closures once per request.
     *
     * @return array{CData, CData}
     */
    private static function trampolines(FFI $ffi): array
    {
        if (self::$matchHolder === null) {
            self::$deliver = static function (\Closure $handler, int $pattern, int $start, int $end): mixed {
                return $handler(new Hit($pattern, $start, $end, null));
            };
            self::$forget = static function (Stream $owner, int $key): void {
                unset($owner->handlers[$key]);
            };
            $match = $ffi->new('int32_t (*[1])(void *, const hayscan_match_t *)');
            $match[0] = static function (?CData $userData, CData $m) use ($ffi): int {
                try {
                    $key = Callbacks::key($ffi, $userData);
                    $handler = (self::$owners[$key] ?? null)?->get()?->handlers[$key] ?? null;
                    if ($handler === null) {
                        throw new \LogicException("hayscan: stream handler $key is not registered");
                    }
                    // The innermost call is the feed()/finish() running this handler.
                    $frame = Callbacks::innermost() ?? throw new \LogicException('hayscan: a stream handler ran outside of feed()/finish()');
                    $result = $frame->isolated
                        ? Callbacks::run($frame, self::$deliver, [$handler, $m->pattern, $m->start, $m->end])
                        : $handler(new Hit($m->pattern, $m->start, $m->end, null));
                    return $result === false ? Callbacks::STOP : 0;
                } catch (\Throwable $e) {
                    Callbacks::caught($e);
                    return Callbacks::THROWN;
                }
            };
            $release = $ffi->new('void (*[1])(void *)');
            $release[0] = static function (?CData $userData) use ($ffi): void {
                try {
                    $key = Callbacks::key($ffi, $userData);
                    if (!isset(self::$owners[$key])) {
                        self::$unknownReleases++;
                        return;
                    }
                    $owner = self::$owners[$key]->get();
                    unset(self::$owners[$key]);
                    self::$released++;
                    if ($owner !== null) {
                        // May run the handler's destructor, i.e. user code: hence the try,
                        // and a worker Fiber (a destructor might Fiber::suspend()).
                        $frame = Callbacks::innermost();
                        if ($frame === null) {
                            unset($owner->handlers[$key]);
                        } else {
                            Callbacks::run($frame, self::$forget, [$owner, $key]);
                        }
                    }
                } catch (\Throwable $e) {
                    Callbacks::caught($e);
                }
            };
            self::$matchHolder = $match;
            self::$releaseHolder = $release;
        }
        return [self::$matchHolder[0], self::$releaseHolder[0]];
    }
}
