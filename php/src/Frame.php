<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * One native call that may run PHP callbacks: the callable, the haystack (to cut
 * Hit::$text from), and the first Throwable a callback threw.
 *
 * @internal
 */
final class Frame
{
    public ?\Throwable $error = null;

    public function __construct(
        public readonly ?\Closure $fn,
        public readonly string $text,
        public ?Frame $parent,
    ) {
    }
}
