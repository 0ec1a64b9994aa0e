<?php

declare(strict_types=1);

namespace Hayscan;

use FFI;
use FFI\CData;

/**
 * The boundary between native callbacks and PHP callables.
 *
 * PHP FFI turns a Closure into a C function pointer by allocating a trampoline that lives
 * until the end of the request, so converting the user's callable per call (or per
 * handler) would grow memory with every scan. Instead each callback signature is converted
 * exactly once per request, and these trampolines find the PHP callable at run time: scan
 * and replace callbacks in the innermost native call in progress (its {@see Frame}: calls
 * nest strictly, see "Fibers" below), stream handlers by the integer key they were
 * registered with (see Stream).
 *
 * An exception that reaches FFI from a callback is a fatal error, so every trampoline
 * catches \Throwable, records it in its call's frame, and returns THROWN to stop the
 * native call; the caller rethrows the same object once the native call has returned.
 *
 * Fibers. A Fiber suspended while a native call is on its stack can never be destroyed
 * safely: PHP destroys a suspended Fiber by unwinding it, and an unwind that reaches an FFI
 * callback is the fatal error "Throwing from FFI callbacks is not allowed" (the native
 * frames are then never completed). So user callbacks never run on the stack of the Fiber
 * that made the native call: each frame runs its callbacks in a *worker* Fiber of its own
 * (kept in a small pool and reused). A `Fiber::suspend()` in a callback can then only
 * suspend that worker, whose stack holds no native frame; the worker is resumed at once
 * with a {@see FiberSuspendException} thrown from the `Fiber::suspend()` call. Because no
 * Fiber that has a native call in progress is ever suspended, native calls still nest
 * strictly (last in, first out) on the PHP thread.
 *
 * Nesting is bounded by {@see Library::maxCallbackDepth()}: a callback that scans, whose
 * callback scans... gets a {@see CallbackDepthException} at that depth instead of running
 * the process out of stack or memory.
 *
 * @internal
 */
final class Callbacks
{
    /** Returned to the library when the PHP callback returned false. */
    public const STOP = 1;
    /** Returned to the library when the PHP callback threw ("PHPE"). */
    public const THROWN = 0x50485045;
    /** Default of {@see Library::maxCallbackDepth()}. */
    public const DEFAULT_MAX_DEPTH = 1000;
    /** Idle worker Fibers kept for reuse (more are made as nesting requires). */
    private const IDLE_WORKERS = 4;

    /** @var array<int, Frame> the native calls in progress, by key, innermost last */
    private static array $frames = [];
    /** The innermost frame (last of $frames): the call that is calling back. */
    private static ?Frame $top = null;
    /** Frames counted against the depth limit. */
    private static int $depth = 0;
    private static int $lastKey = 0;
    private static int $maxDepth = self::DEFAULT_MAX_DEPTH;
    /** @var list<\Fiber> */
    private static array $idle = [];
    /** What a worker suspends with when its callback returned or threw (never user-visible). */
    private static ?WorkerResult $done = null;
    /** Arrays of one function pointer each: the converted trampolines, kept alive here. */
    private static ?CData $scanHolder = null;
    private static ?CData $replaceHolder = null;
    private static ?\Closure $deliverScan = null;
    private static ?\Closure $deliverReplace = null;

    private function __construct()
    {
    }

    /**
     * Opens the frame of a native call that may run callbacks. With $counted, the call
     * counts against the nesting limit (scan, replaceWith, feed, finish; not off/close,
     * which must always be able to release).
     *
     * @throws CallbackDepthException at the nesting limit
     */
    public static function push(?\Closure $fn = null, string $text = '', bool $counted = true): Frame
    {
        if ($counted) {
            if (self::$depth >= self::$maxDepth) {
                throw new CallbackDepthException(sprintf(
                    'hayscan callbacks are nested %d deep (a callback that scans, whose callback scans, ...): '
                    . 'the limit is Hayscan\Library::maxCallbackDepth() = %d (Library::setMaxCallbackDepth() changes it)',
                    self::$depth,
                    self::$maxDepth,
                ));
            }
            self::$depth++;
        }
        $frame = new Frame(++self::$lastKey, $fn, $text, \Fiber::getCurrent() !== null);
        self::$frames[$frame->key] = $frame;
        self::$top = $frame;
        return $frame;
    }

    /** Closes a frame (always in a finally block after the native call). */
    public static function pop(Frame $frame, bool $counted = true): void
    {
        unset(self::$frames[$frame->key]);
        self::$top = self::$frames === [] ? null : self::$frames[array_key_last(self::$frames)];
        if ($counted) {
            self::$depth--;
        }
        $worker = $frame->worker;
        $frame->worker = null;
        if ($worker !== null && $worker->isSuspended() && count(self::$idle) < self::IDLE_WORKERS) {
            self::$idle[] = $worker;
        }
    }

    /**
     * Forgets every frame: the native calls they belong to were left by a fatal error and
     * will never return (RequestCleanup, at the end of such a request).
     */
    public static function forgetAll(): void
    {
        self::$frames = [];
        self::$top = null;
        self::$depth = 0;
        self::$idle = [];
    }

    /** Number of counted native calls in progress (0 outside of any callback). */
    public static function depth(): int
    {
        return self::$depth;
    }

    public static function maxDepth(): int
    {
        return self::$maxDepth;
    }

    /** The C library refuses calls nested deeper than this (HAYSCAN_STATUS_BUSY, docs/c-api.md). */
    public const NATIVE_MAX_DEPTH = 1000;

    public static function setMaxDepth(int $depth): void
    {
        if ($depth < 1 || $depth > self::NATIVE_MAX_DEPTH) {
            throw new InvalidArgumentException(
                "the callback depth limit must be between 1 and " . self::NATIVE_MAX_DEPTH
                . " (the native library's own nesting limit), $depth given"
            );
        }
        self::$maxDepth = $depth;
    }

    /** The innermost native call in progress, or null. */
    public static function innermost(): ?Frame
    {
        return self::$top;
    }

    /** Records a Throwable caught in a trampoline; the innermost call rethrows it. */
    public static function caught(\Throwable $e): void
    {
        $frame = self::innermost();
        if ($frame === null) {
            // Cannot happen: every native call that can run PHP code opens a frame first.
            // Throwing here would reach FFI (a fatal error), so report it instead.
            error_log('hayscan: a callback threw outside of any call: ' . $e);
            return;
        }
        $frame->error ??= $e;
    }

    /**
     * Runs $fn(...$args) for $frame in a worker Fiber and returns what it returns; rethrows
     * what it throws. A Fiber::suspend() inside is answered with a FiberSuspendException
     * thrown from that suspend (see the class comment).
     *
     * @param array<mixed> $args
     */
    public static function run(Frame $frame, \Closure $fn, array $args): mixed
    {
        if (!$frame->isolated) {
            return $fn(...$args);
        }
        $worker = $frame->worker;
        if ($worker === null || !$worker->isSuspended()) {
            do {
                $worker = array_pop(self::$idle);
            } while ($worker !== null && !$worker->isSuspended());
            $worker ??= self::worker();
            $frame->worker = $worker;
        }
        $done = self::$done ??= new WorkerResult();
        try {
            $out = $worker->isStarted() ? $worker->resume([$fn, $args]) : $worker->start($fn, $args);
        } catch (\FiberError $e) {
            if ($worker->isStarted() && !$worker->isSuspended()) {
                throw $e;
            }
            // "Cannot switch fibers in current execution context": PHP blocks Fiber switches
            // while it runs a destructor (a native call made by a __destruct, a release of a
            // handler during garbage collection). No Fiber can be suspended there either, so
            // the callback runs right here.
            return $fn(...$args);
        }
        while ($out !== $done) {
            if (!$worker->isSuspended()) {
                // The worker's function only ends by exit() (which does not get here) or a
                // Throwable outside its try, i.e. if user code resumed a worker it got hold
                // of via Fiber::getCurrent(). Drop it; the callback's outcome is unknown.
                $frame->worker = null;
                throw new \LogicException('hayscan: a callback worker Fiber ended unexpectedly (was it resumed from outside?)');
            }
            $out = $worker->throw(new FiberSuspendException(
                'Fiber::suspend() inside a hayscan callback is not supported: the Fiber would be suspended '
                . 'with a native call on its stack, which PHP cannot destroy safely. Suspend after '
                . 'scan()/replaceWith()/feed()/finish() returns, or iterate with Matcher::matches()'
            ));
        }
        $value = $done->value;
        $threw = $done->threw;
        $done->value = null;
        if ($threw) {
            throw $value;
        }
        return $value;
    }

    /** `int32_t (*)(void *, const hayscan_match_t *)` for hayscan_matcher_scan. */
    public static function scanTrampoline(): CData
    {
        if (self::$scanHolder === null) {
            $ffi = Library::ffi();
            self::$deliverScan = static function (Frame $frame, int $pattern, int $start, int $end): mixed {
                return ($frame->fn)(new Hit($pattern, $start, $end, substr($frame->text, $start, $end - $start)));
            };
            $holder = $ffi->new('int32_t (*[1])(void *, const hayscan_match_t *)');
            $holder[0] = static function (?CData $userData, CData $m): int {
                $frame = self::$top;
                if ($frame === null) {
                    error_log('hayscan: a scan callback arrived for no call in progress');
                    return self::THROWN;
                }
                try {
                    if ($frame->isolated) {
                        $result = self::run($frame, self::$deliverScan, [$frame, $m->pattern, $m->start, $m->end]);
                    } else {
                        $start = $m->start;
                        $end = $m->end;
                        $result = ($frame->fn)(new Hit($m->pattern, $start, $end, substr($frame->text, $start, $end - $start)));
                    }
                    return $result === false ? self::STOP : 0;
                } catch (\Throwable $e) {
                    $frame->error ??= $e;
                    return self::THROWN;
                }
            };
            self::$scanHolder = $holder;
        }
        return self::$scanHolder[0];
    }

    /** `int32_t (*)(void *, const hayscan_match_t *, hayscan_replacement_t *)` for replace_with. */
    public static function replaceTrampoline(): CData
    {
        if (self::$replaceHolder === null) {
            $ffi = Library::ffi();
            self::$deliverReplace = static function (Frame $frame, int $pattern, int $start, int $end): mixed {
                // The return type is checked by the trampoline; a Stringable is converted
                // here, in the worker, since __toString() is user code.
                $replacement = ($frame->fn)(new Hit($pattern, $start, $end, substr($frame->text, $start, $end - $start)));
                return $replacement instanceof \Stringable ? (string) $replacement : $replacement;
            };
            $holder = $ffi->new('int32_t (*[1])(void *, const hayscan_match_t *, hayscan_replacement_t *)');
            $holder[0] = static function (?CData $userData, CData $m, CData $dst) use ($ffi): int {
                $frame = self::$top;
                if ($frame === null) {
                    error_log('hayscan: a replace callback arrived for no call in progress');
                    return self::THROWN;
                }
                try {
                    if ($frame->isolated) {
                        $replacement = self::run($frame, self::$deliverReplace, [$frame, $m->pattern, $m->start, $m->end]);
                    } else {
                        $start = $m->start;
                        $end = $m->end;
                        $replacement = ($frame->fn)(new Hit($m->pattern, $start, $end, substr($frame->text, $start, $end - $start)));
                        if ($replacement instanceof \Stringable) {
                            $replacement = (string) $replacement;
                        }
                    }
                    if ($replacement === false) {
                        return self::STOP;
                    }
                    if (!is_string($replacement)) {
                        throw new \TypeError('Hayscan\Matcher::replaceWith(): the callback must return a string (or false to stop), '
                            . get_debug_type($replacement) . ' returned');
                    }
                    if ($replacement !== '') {
                        $status = $ffi->hayscan_replacement_write($dst, $replacement, strlen($replacement));
                        if ($status !== Status::OK) {
                            throw Library::fail($status);
                        }
                    }
                    return 0;
                } catch (\Throwable $e) {
                    $frame->error ??= $e;
                    return self::THROWN;
                }
            };
            self::$replaceHolder = $holder;
        }
        return self::$replaceHolder[0];
    }

    /** The integer a handler or call was registered with as its `void *user_data`. */
    public static function key(FFI $ffi, ?CData $userData): int
    {
        // Cast through char*: FFI dereferences a void* cast straight to an integer type.
        return $userData === null ? 0 : $ffi->cast(Library::type('uintptr_t'), $ffi->cast(Library::type('char *'), $userData))->cdata;
    }

    /** A new worker: runs one callback per resume, suspending with the result in between. */
    private static function worker(): \Fiber
    {
        $done = self::$done ??= new WorkerResult();
        return new \Fiber(static function (\Closure $fn, array $args) use ($done): void {
            while (true) {
                try {
                    $done->value = $fn(...$args);
                    $done->threw = false;
                } catch (\Throwable $e) {
                    $done->value = $e;
                    $done->threw = true;
                }
                $fn = $args = $e = null;
                [$fn, $args] = \Fiber::suspend($done);
            }
        });
    }
}
