<?php

declare(strict_types=1);

namespace Hayscan;

/**
 * The capture groups of one regex match, from {@see Matcher::captures()}.
 *
 * Group 0 is the whole match, then the pattern's groups in order. A group is addressed by
 * its index or, for `(?P<name>...)` / `(?<name>...)` groups, by its name. A group that took
 * no part in the match (`(\d+)?` when nothing matched) gives null, like preg_match() with
 * PREG_UNMATCHED_AS_NULL. Offsets are bytes, like {@see Hit}'s.
 *
 * ```php
 * $caps = $matcher->captures($text, $hit);
 * $caps->group('key');      // "user" (or $caps['key'], $caps[1])
 * $caps->span('key');       // [0, 4]: substr($text, 0, 4 - 0)
 * count($caps);             // number of groups, counting group 0
 * foreach ($caps as $i => $text) { ... }
 * ```
 *
 * A value object: it holds copies of the group texts, not the haystack, and stays valid
 * after the Matcher is closed. Read-only: setting or unsetting a group throws.
 *
 * @implements \ArrayAccess<int|string, ?string>
 * @implements \IteratorAggregate<int, ?string>
 */
final class Captures implements \ArrayAccess, \Countable, \IteratorAggregate
{
    /** @var list<?string> */
    private readonly array $texts;

    /** @var array<string, int> group index by name */
    private readonly array $indexes;

    /**
     * @param int $pattern id of the pattern that matched
     * @param list<?array{0: int, 1: int}> $spans per group (group 0 first): [start, end) in bytes, or null
     * @param list<?string> $names per group: its name, or null (group 0, unnamed groups)
     * @param string $text the haystack the spans point into
     */
    public function __construct(
        public readonly int $pattern,
        private readonly array $spans,
        private readonly array $names,
        string $text,
    ) {
        if (!array_is_list($spans) || !array_is_list($names) || count($spans) !== count($names) || $spans === []) {
            throw new InvalidArgumentException('Captures needs one span and one name (or null) per group, group 0 included');
        }
        $texts = [];
        foreach ($spans as $span) {
            $texts[] = $span === null ? null : substr($text, $span[0], $span[1] - $span[0]);
        }
        $this->texts = $texts;
        $indexes = [];
        foreach ($names as $i => $name) {
            if ($name !== null) {
                $indexes[$name] = $i;
            }
        }
        $this->indexes = $indexes;
    }

    /**
     * The text of a group, or null if it took no part in the match.
     *
     * @throws InvalidArgumentException no such group index or name
     */
    public function group(int|string $indexOrName = 0): ?string
    {
        return $this->texts[$this->index($indexOrName)];
    }

    /**
     * The byte offsets [start, end) of a group (`substr($text, $start, $end - $start)` is its
     * text), or null if it took no part in the match.
     *
     * @return array{0: int, 1: int}|null
     * @throws InvalidArgumentException no such group index or name
     */
    public function span(int|string $indexOrName = 0): ?array
    {
        return $this->spans[$this->index($indexOrName)];
    }

    /** Whether the pattern has this group (whether or not it took part in the match). */
    public function has(int|string $indexOrName): bool
    {
        return $this->find($indexOrName) !== null;
    }

    /**
     * The group names by index: null for group 0 and unnamed groups
     * (the same list as {@see Matcher::groupNames()}).
     *
     * @return list<?string>
     */
    public function names(): array
    {
        return $this->names;
    }

    /**
     * The named groups only: name => text (null if the group took no part), in group order.
     *
     * @return array<string, ?string>
     */
    public function named(): array
    {
        $named = [];
        foreach ($this->indexes as $name => $i) {
            $named[$name] = $this->texts[$i];
        }
        return $named;
    }

    /**
     * Every group's text by index, group 0 first (null: took no part).
     *
     * @return list<?string>
     */
    public function toArray(): array
    {
        return $this->texts;
    }

    /** Number of groups, counting group 0 (at least 1). */
    public function count(): int
    {
        return count($this->texts);
    }

    /** @return \ArrayIterator<int, ?string> group index => text */
    public function getIterator(): \ArrayIterator
    {
        return new \ArrayIterator($this->texts);
    }

    /** isset($caps[$g]): the group exists and took part in the match (like isset on an array). */
    public function offsetExists(mixed $offset): bool
    {
        if (!is_int($offset) && !is_string($offset)) {
            return false;
        }
        $i = $this->find($offset);
        return $i !== null && $this->texts[$i] !== null;
    }

    /** $caps[$g]: {@see group()}. */
    public function offsetGet(mixed $offset): ?string
    {
        if (!is_int($offset) && !is_string($offset)) {
            throw new \TypeError('Hayscan\Captures: a group is an int index or a string name, ' . get_debug_type($offset) . ' given');
        }
        return $this->group($offset);
    }

    /** @return never */
    public function offsetSet(mixed $offset, mixed $value): void
    {
        throw new \LogicException('Hayscan\Captures is read-only');
    }

    /** @return never */
    public function offsetUnset(mixed $offset): void
    {
        throw new \LogicException('Hayscan\Captures is read-only');
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['pattern' => $this->pattern, 'groups' => $this->texts, 'spans' => $this->spans, 'names' => $this->names];
    }

    private function index(int|string $indexOrName): int
    {
        $i = $this->find($indexOrName);
        if ($i !== null) {
            return $i;
        }
        $names = array_keys($this->indexes);
        $has = $names === [] ? 'no named groups' : 'groups named ' . implode(', ', $names);
        throw new InvalidArgumentException(is_int($indexOrName)
            ? sprintf('no group %d: pattern %d has %d groups (0 to %d)', $indexOrName, $this->pattern, count($this->texts), count($this->texts) - 1)
            : sprintf("no group named '%s': pattern %d has %s", $indexOrName, $this->pattern, $has));
    }

    private function find(int|string $indexOrName): ?int
    {
        // A group name never consists of digits only, so "2" (e.g. from a request) means 2.
        if (is_string($indexOrName) && preg_match('/\A[0-9]+\z/', $indexOrName) === 1) {
            $indexOrName = (int) $indexOrName;
        }
        if (is_int($indexOrName)) {
            return $indexOrName >= 0 && $indexOrName < count($this->texts) ? $indexOrName : null;
        }
        return $this->indexes[$indexOrName] ?? null;
    }
}
