<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The stream was finished by finish(), or by a handler that returned false or threw; it accepts no more input.
 *
 * Code: {@see Status::STREAM_FINISHED}.
 */
final class StreamFinishedException extends Exception
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::STREAM_FINISHED, $previous);
    }
}
