<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The constructor and {@see Exception::getStatus()} shared by hayscan's exceptions.
 *
 * @internal
 */
trait StatusCode
{
    /** The {@see Status} code (same as getCode()). */
    public function getStatus(): int
    {
        return $this->getCode();
    }
}
