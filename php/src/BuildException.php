<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The pattern set as a whole could not be compiled (e.g. an engine size limit).
 *
 * Code: {@see Status::BUILD_FAILED}. A `\RuntimeException` and a {@see Exception}.
 */
final class BuildException extends \RuntimeException implements Exception
{
    use StatusCode;

    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::BUILD_FAILED, $previous);
    }
}
