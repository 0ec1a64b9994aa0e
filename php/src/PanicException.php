<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The library hit an internal bug (a Rust panic). The process keeps running and the handles involved stay safe to close; please report the message.
 *
 * Code: {@see Status::PANIC}. A `\RuntimeException` and a {@see Exception}.
 */
final class PanicException extends \RuntimeException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::PANIC, $previous);
    }
}
