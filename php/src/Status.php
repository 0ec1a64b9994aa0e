<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * Status codes carried by every {@see Exception} (as its code).
 *
 * Non-negative values are the library's `hayscan_status_t` (hayscan.h); a test checks them
 * against the header. Negative values are raised by this PHP wrapper itself and never come
 * from the library.
 */
final class Status
{
    public const OK = 0;
    public const INVALID_ARGUMENT = 1;
    public const INVALID_PATTERN = 2;
    public const UNSUPPORTED = 3;
    public const BUILD_FAILED = 4;
    public const STREAM_FINISHED = 5;
    public const BUSY = 6;
    public const PANIC = 7;
    public const IO = 8;

    /** A method was called on a Matcher or Stream after close(). */
    public const CLOSED = -1;
    /** The FFI extension or the native library could not be used. */
    public const LIBRARY = -2;
    /** Callbacks nested deeper than {@see Library::maxCallbackDepth()}. */
    public const CALLBACK_DEPTH = -3;
    /** Fiber::suspend() inside a callback (refused, see {@see FiberSuspendException}). */
    public const FIBER_SUSPEND = -4;

    private function __construct()
    {
    }

    /** The constant's name for a code, e.g. "INVALID_PATTERN"; "UNKNOWN(42)" otherwise. */
    public static function name(int $code): string
    {
        $name = array_search($code, (new \ReflectionClass(self::class))->getConstants(), true);
        return $name === false ? "UNKNOWN($code)" : $name;
    }
}
