<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * A Matcher or Stream was used after close().
 *
 * Code: {@see Status::CLOSED}. A `\LogicException` and a {@see Exception}.
 */
final class ClosedException extends \LogicException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::CLOSED, $previous);
    }
}
