<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * Base of every exception hayscan throws. The code is a {@see Status} value: the library's
 * status for native failures, a negative wrapper code for closed handles and loading errors.
 *
 * Exceptions thrown by your own callbacks are not wrapped: they reach you unchanged.
 */
class Exception extends \RuntimeException
{
    public function __construct(string $message, int $status, ?\Throwable $previous = null)
    {
        parent::__construct($message, $status, $previous);
    }

    /** The {@see Status} code (same as getCode()). */
    public function getStatus(): int
    {
        return $this->getCode();
    }
}
