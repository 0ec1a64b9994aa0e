<?php

declare(strict_types=1);

namespace Hayscan;

use FFI\CData;

/**
 * Frees what a request created when the request dies of a fatal error.
 *
 * A fatal error (memory limit, `max_execution_time`, an `exit` inside a callback, which
 * FFI turns into "Throwing from FFI callbacks is not allowed") marks every object as
 * destructed, so no __destruct() runs and, under PHP-FPM, the native matchers, streams and
 * iterators of that request stayed alive in the worker forever. This class tracks them per
 * request; a shutdown function (shutdown functions still run after a fatal error) detects
 * the fatal with a canary object whose destructor did not run, and frees what is left.
 * The native calls the fatal error jumped out of never returned, so what they held (a stream
 * being fed, kept alive by its own feed() call) is freed by the library's
 * hayscan_abandoned_calls_free(), called last. After a normal request it does nothing:
 * destructors free everything as usual.
 *
 * @internal
 */
final class RequestCleanup
{
    /** @var \WeakMap<Matcher|Stream, true>|null */
    private static ?\WeakMap $owners = null;
    /** @var array<int, array{string, CData, int}> native handles held by a call in progress: free function, pointer, length */
    private static array $held = [];
    private static int $lastToken = 0;
    private static ?object $canary = null;
    private static bool $destructorsRun = false;

    private function __construct()
    {
    }

    /** Tracks a Matcher or Stream until it is closed. */
    public static function own(Matcher|Stream $owner): void
    {
        self::$owners ??= self::start();
        self::$owners[$owner] = true;
    }

    public static function disown(Matcher|Stream $owner): void
    {
        if (self::$owners !== null) {
            unset(self::$owners[$owner]);
        }
    }

    /** Tracks a native iterator or buffer that a call frees in its finally block; returns a token. */
    public static function hold(string $free, CData $ptr, int $len = 0): int
    {
        self::$owners ??= self::start();
        self::$held[++self::$lastToken] = [$free, $ptr, $len];
        return self::$lastToken;
    }

    public static function release(int $token): void
    {
        unset(self::$held[$token]);
    }

    /** @internal first shutdown function: queues the sweep behind the shutdown functions registered after it */
    public static function atShutdown(): void
    {
        register_shutdown_function([self::class, 'sweep']);
    }

    /** @internal */
    public static function sweep(): void
    {
        self::$canary = null; // its destructor runs now, unless a fatal error marked it destructed
        if (self::$destructorsRun) {
            return;
        }
        $ffi = Library::ffi();
        // The calls the fatal error jumped out of never returned: forget their frames here
        // too, so that releases and closes below run as top-level calls.
        Callbacks::forgetAll();
        foreach (self::$held as $token => [$free, $ptr, $len]) {
            unset(self::$held[$token]);
            $free === 'hayscan_bytes_free' ? $ffi->hayscan_bytes_free($ptr, $len) : $ffi->$free($ptr);
        }
        // close() removes the owner from the WeakMap: iterate over a copy.
        $owners = [];
        foreach (self::$owners ?? [] as $owner => $_) {
            $owners[] = $owner;
        }
        foreach ($owners as $owner) {
            try {
                $owner->close();
            } catch (\Throwable $e) {
                error_log('hayscan: closing a ' . $owner::class . ' after a fatal error: ' . $e->getMessage());
            }
        }
        // What the interrupted native calls themselves kept alive (a stream fed by the call
        // the fatal error interrupted, with its matcher and handlers): no hayscan call is in
        // progress any more, so the library may drop it now. Its handlers are released here,
        // while this request's callbacks still exist.
        $status = $ffi->hayscan_abandoned_calls_free(null);
        if ($status !== Status::OK) {
            error_log('hayscan: freeing the native calls a fatal error interrupted: ' . Library::fail($status)->getMessage());
        }
    }

    /** @return \WeakMap<Matcher|Stream, true> */
    private static function start(): \WeakMap
    {
        self::$canary = new class () {
            public function __destruct()
            {
                RequestCleanup::destructorsRun();
            }
        };
        register_shutdown_function([self::class, 'atShutdown']);
        return new \WeakMap();
    }

    /** @internal the canary's destructor: this request ends normally */
    public static function destructorsRun(): void
    {
        self::$destructorsRun = true;
    }
}
