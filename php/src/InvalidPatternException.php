<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * A pattern could not be compiled. getPatternIndex() says which one (its index in the
 * list given to the Matcher); the message carries the engine's explanation.
 *
 * Code: {@see Status::INVALID_PATTERN}. A `\InvalidArgumentException` and a {@see Exception}.
 */
final class InvalidPatternException extends \InvalidArgumentException implements Exception
{
    use StatusCode;

    public function __construct(string $message, private readonly int $patternIndex, ?\Throwable $previous = null)
    {
        parent::__construct($message, Status::INVALID_PATTERN, $previous);
    }

    /** Index of the offending pattern in the list the Matcher was built from. */
    public function getPatternIndex(): int
    {
        return $this->patternIndex;
    }
}
