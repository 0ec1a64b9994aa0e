<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The Matcher methods that count matching lines (grep -c's answer) rather than matches;
 * see docs/php.md "Counting matching lines". A trait only to keep Matcher.php to a
 * readable size: used by Matcher alone.
 *
 * A line is the text split at "\n" (the "\n" not part of it, "\r" kept; the empty piece
 * after a final "\n" is not a line). It counts when the matcher, searching the line alone,
 * finds a match in it: once, however many matches it holds. Every match kind gives the
 * same answer; a set with an empty pattern counts every line; regex sets search each line
 * as a {@see Stream} does (frames of `max_line_len` bytes), so `^` and `$` anchor at the
 * line's edges.
 *
 * @internal
 */
trait Lines
{
    /**
     * Number of lines of $text in which a pattern matches (no Hit objects are made).
     *
     * ```php
     * (new Matcher(['error', 'warn']))->countLines("error: warn\nok\nwarn\n");   // 2
     * ```
     */
    public function countLines(string $text): int
    {
        return $this->sizeAnswer(null, fn ($ffi, $handle, $out) =>
            $ffi->hayscan_matcher_count_lines($handle, $text, strlen($text), $out));
    }

    /**
     * countLines() of the file at $path, read in chunks by the library: the file never
     * becomes a PHP string. Pipes and devices are read like files.
     *
     * With $threads other than 1 a regular file is split at line starts into segments
     * read and counted by that many native threads (0: the available cores, at most 8),
     * with exactly the one-thread answer. Pipes and files under 1 MiB per thread are
     * counted on one thread.
     *
     * @throws IoException the file cannot be opened or read, or is a directory
     * @throws InvalidArgumentException $path is empty or contains a NUL byte, or $threads
     *     is negative
     */
    public function countFileLines(string $path, int $threads = 1): int
    {
        return $this->sizeAnswer($threads, fn ($ffi, $handle, $out) => $threads === 1
            ? $ffi->hayscan_matcher_count_file_lines($handle, $path, strlen($path), $out)
            : $ffi->hayscan_matcher_count_file_lines_parallel($handle, $path, strlen($path), $threads, $out));
    }
}
