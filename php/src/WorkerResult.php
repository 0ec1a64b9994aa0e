<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The one object a callback worker Fiber suspends with when its callback has returned
 * (value) or thrown (threw, value = the Throwable). See {@see Callbacks::run()}.
 *
 * @internal
 */
final class WorkerResult
{
    public mixed $value = null;
    public bool $threw = false;
}
