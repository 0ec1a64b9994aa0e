<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * One native call that may run PHP callbacks: its key (unique in the request), the
 * callable, the haystack (to cut Hit::$text from),
 * the first Throwable a callback threw, and whether its callbacks run in a worker Fiber
 * (when the call is made inside a Fiber: see {@see Callbacks}) and which.
 *
 * @internal
 */
final class Frame
{
    public ?\Throwable $error = null;
    public ?\Fiber $worker = null;

    public function __construct(
        public readonly int $key,
        public readonly ?\Closure $fn,
        public readonly string $text,
        public readonly bool $isolated,
    ) {
    }
}
