<?php

declare(strict_types=1);

namespace Hayscan;

/** Which matches are reported: the `match_kind` option of {@see Matcher}. */
enum MatchKind: string
{
    /** Non-overlapping; at one position the pattern listed first wins, like a regex alternation. The default. */
    case LeftmostFirst = 'leftmost_first';
    /** Non-overlapping; at one position the longest pattern wins, like `strtr`. Literal syntax only. */
    case LeftmostLongest = 'leftmost_longest';
    /** Every occurrence of every pattern, ordered by end offset. Literal syntax only; no replacement. */
    case Overlapping = 'overlapping';
}
