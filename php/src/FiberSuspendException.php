<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * `Fiber::suspend()` was called inside a hayscan callback (scan, replaceWith, stream
 * handler, handler release). A Fiber cannot be suspended while the native call that runs
 * the callback is on its stack: destroying or abandoning it later would unwind through
 * that native frame, which PHP turns into a fatal error. The suspend is therefore refused:
 * this exception is thrown from the `Fiber::suspend()` call itself, and (unless the
 * callback catches it) stops the native call and reaches its caller. The Fiber that
 * called scan() is never suspended.
 *
 * Suspend after the call returns instead, or iterate with {@see Matcher::matches()},
 * which runs no code inside a native call and may be suspended freely.
 *
 * Code: {@see Status::FIBER_SUSPEND}. A `\LogicException` and a {@see Exception}.
 */
final class FiberSuspendException extends \LogicException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::FIBER_SUSPEND, $previous);
    }
}
