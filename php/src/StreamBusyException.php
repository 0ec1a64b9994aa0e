<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * A stream was fed or finished from inside one of its own handlers.
 *
 * Code: {@see Status::BUSY}. A `\LogicException` and a {@see Exception}.
 */
final class StreamBusyException extends \LogicException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::BUSY, $previous);
    }
}
