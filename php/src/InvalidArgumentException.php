<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * An argument or option is invalid (unknown option, wrong replacement count, unknown handler id, ...).
 *
 * Code: {@see Status::INVALID_ARGUMENT}. A `\InvalidArgumentException` and a {@see Exception}.
 */
final class InvalidArgumentException extends \InvalidArgumentException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::INVALID_ARGUMENT, $previous);
    }
}
