<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The FFI extension is missing or disabled, or the native library or its header cannot be found or has the wrong ABI version. The message says what to do.
 *
 * Code: {@see Status::LIBRARY}. A `\RuntimeException` and a {@see Exception}.
 */
final class LibraryException extends \RuntimeException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::LIBRARY, $previous);
    }
}
