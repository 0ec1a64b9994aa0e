<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The stream was finished by finish(), or by a handler that returned false or threw; it accepts no more input.
 *
 * Code: {@see Status::STREAM_FINISHED}. A `\LogicException` and a {@see Exception}.
 */
final class StreamFinishedException extends \LogicException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::STREAM_FINISHED, $previous);
    }
}
