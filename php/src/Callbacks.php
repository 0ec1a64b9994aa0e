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
 * and replace callbacks from the innermost active call (native calls are synchronous and
 * nest, so the innermost is the one calling back), stream handlers by the integer
 * user_data they were registered with (see Stream).
 *
 * An exception that reaches FFI from a callback is a fatal error, so every trampoline
 * catches \Throwable, records it in the current call's frame, and returns THROWN to stop
 * the native call; the caller rethrows the same object once the native call has returned.
 *
 * @internal
 */
final class Callbacks
{
    /** Returned to the library when the PHP callback returned false. */
    public const STOP = 1;
    /** Returned to the library when the PHP callback threw ("PHPE"). */
    public const THROWN = 0x50485045;

    private static ?Frame $top = null;
    /** Arrays of one function pointer each: the converted trampolines, kept alive here. */
    private static ?CData $scanHolder = null;
    private static ?CData $replaceHolder = null;

    private function __construct()
    {
    }

    /** Opens the frame of a native call that may run callbacks. */
    public static function push(?\Closure $fn = null, string $text = ''): Frame
    {
        $frame = new Frame($fn, $text, self::$top);
        self::$top = $frame;
        return $frame;
    }

    /** Closes the innermost frame (always in a finally block after the native call). */
    public static function pop(Frame $frame): void
    {
        self::$top = $frame->parent;
        $frame->parent = null;
    }

    /** Records a Throwable caught in a trampoline; the innermost call rethrows it. */
    public static function caught(\Throwable $e): void
    {
        if (self::$top === null) {
            // Cannot happen: every native call that can run PHP code opens a frame first.
            // Throwing here would reach FFI (a fatal error), so report it instead.
            error_log('hayscan: a callback threw outside of any call: ' . $e);
            return;
        }
        self::$top->error ??= $e;
    }

    /** `int32_t (*)(void *, const hayscan_match_t *)` for hayscan_matcher_scan. */
    public static function scanTrampoline(): CData
    {
        if (self::$scanHolder === null) {
            $holder = Library::ffi()->new('int32_t (*[1])(void *, const hayscan_match_t *)');
            $holder[0] = static function (?CData $userData, CData $m): int {
                $frame = self::$top;
                try {
                    $start = $m->start;
                    $end = $m->end;
                    $hit = new Hit($m->pattern, $start, $end, substr($frame->text, $start, $end - $start));
                    return ($frame->fn)($hit) === false ? self::STOP : 0;
                } catch (\Throwable $e) {
                    $frame->error = $e;
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
            $holder = $ffi->new('int32_t (*[1])(void *, const hayscan_match_t *, hayscan_replacement_t *)');
            $holder[0] = static function (?CData $userData, CData $m, CData $dst) use ($ffi): int {
                $frame = self::$top;
                try {
                    $start = $m->start;
                    $end = $m->end;
                    $hit = new Hit($m->pattern, $start, $end, substr($frame->text, $start, $end - $start));
                    $replacement = ($frame->fn)($hit);
                    if ($replacement === false) {
                        return self::STOP;
                    }
                    if ($replacement instanceof \Stringable) {
                        $replacement = (string) $replacement;
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
                    $frame->error = $e;
                    return self::THROWN;
                }
            };
            self::$replaceHolder = $holder;
        }
        return self::$replaceHolder[0];
    }

    /** The integer a handler was registered with as its `void *user_data`. */
    public static function key(FFI $ffi, ?CData $userData): int
    {
        // Cast through char*: FFI dereferences a void* cast straight to an integer type.
        return $userData === null ? 0 : $ffi->cast(Library::type('uintptr_t'), $ffi->cast(Library::type('char *'), $userData))->cdata;
    }
}
