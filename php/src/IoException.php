<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * Reading a file failed (no such file, a directory, permission denied, a read error
 * midway); the message has the operating system's reason.
 *
 * Code: {@see Status::IO}. A `\RuntimeException` and a {@see Exception}.
 */
final class IoException extends \RuntimeException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::IO, $previous);
    }
}
