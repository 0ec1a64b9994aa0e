<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * One match: which pattern matched and where.
 *
 * Offsets are bytes, half-open: the match is `substr($text, $hit->start, $hit->end - $hit->start)`,
 * the same units as `strlen`, `substr` and `preg_match(..., PREG_OFFSET_CAPTURE)`.
 * (`match` is a reserved word in PHP, hence the name.)
 */
final class Hit
{
    /**
     * @param int $pattern index of the pattern in the list the Matcher was built from
     * @param int $start byte offset of the first matched byte
     * @param int $end byte offset one past the last matched byte
     * @param string|null $text the matched bytes; null for stream hits (a stream does not
     *                          keep your input, and a match may span several chunks)
     */
    public function __construct(
        public readonly int $pattern,
        public readonly int $start,
        public readonly int $end,
        public readonly ?string $text,
    ) {
    }

    /** Length of the match in bytes. */
    public function length(): int
    {
        return $this->end - $this->start;
    }
}
