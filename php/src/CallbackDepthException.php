<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * A scan(), replaceWith(), feed() or finish() was called from inside callbacks nested
 * {@see Library::maxCallbackDepth()} deep (a callback that scans, whose callback scans, ...).
 * Thrown before the native call starts; the callbacks it unwinds through rethrow it, so it
 * reaches the outermost caller unless a callback catches it.
 *
 * Code: {@see Status::CALLBACK_DEPTH}. A `\OverflowException` and a {@see Exception}.
 */
final class CallbackDepthException extends \OverflowException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::CALLBACK_DEPTH, $previous);
    }
}
