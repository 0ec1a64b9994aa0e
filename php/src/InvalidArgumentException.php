<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * An argument or option is invalid (unknown option, wrong replacement count, unknown handler id, ...).
 *
 * Code: {@see Status::INVALID_ARGUMENT}.
 */
final class InvalidArgumentException extends Exception
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::INVALID_ARGUMENT, $previous);
    }
}
