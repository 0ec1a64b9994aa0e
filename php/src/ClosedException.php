<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * A Matcher or Stream was used after close().
 *
 * Code: {@see Status::CLOSED}.
 */
final class ClosedException extends Exception
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::CLOSED, $previous);
    }
}
