<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The pattern set as a whole could not be compiled (e.g. an engine size limit).
 *
 * Code: {@see Status::BUILD_FAILED}.
 */
final class BuildException extends Exception
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::BUILD_FAILED, $previous);
    }
}
