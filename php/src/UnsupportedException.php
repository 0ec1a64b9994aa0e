<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * A combination hayscan does not provide, e.g. regex syntax with overlapping matches, or replacement with overlapping matches.
 *
 * Code: {@see Status::UNSUPPORTED}. A `\DomainException` and a {@see Exception}.
 */
final class UnsupportedException extends \DomainException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::UNSUPPORTED, $previous);
    }
}
