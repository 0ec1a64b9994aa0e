<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The FFI extension is missing or disabled, or the native library or its header cannot be found or has the wrong ABI version. The message says what to do.
 *
 * Code: {@see Status::LIBRARY}.
 */
final class LibraryException extends Exception
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::LIBRARY, $previous);
    }
}
