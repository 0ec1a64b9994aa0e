<?php

declare(strict_types=1);

namespace Hayscan;

use FFI;
use FFI\CData;

/**
 * A Matcher's options array checked and converted to `hayscan_options_t`.
 *
 * @internal
 */
final class Options
{
    /** The option keys {@see Matcher::__construct()} accepts. */
    public const KEYS = ['syntax', 'match_kind', 'case_insensitive', 'ascii_classes', 'max_line_len', 'whole_words',
        'max_repetition', 'max_regex_states'];

    private function __construct()
    {
    }

    /**
     * @param array<mixed> $options
     *
     * @throws InvalidArgumentException an unknown option or a wrong value
     */
    public static function native(FFI $ffi, array $options): CData
    {
        foreach (array_keys($options) as $key) {
            if (!in_array($key, self::KEYS, true)) {
                throw new InvalidArgumentException("unknown option '$key' (known: " . implode(', ', self::KEYS) . ')');
            }
        }
        $opts = Library::new('hayscan_options_t');
        $status = $ffi->hayscan_options_init(FFI::addr($opts));
        if ($status !== Status::OK) {
            throw Library::fail($status);
        }
        if (array_key_exists('syntax', $options)) {
            $opts->syntax = match (self::enum(Syntax::class, 'syntax', $options['syntax'])) {
                Syntax::Literal => Library::SYNTAX_LITERAL,
                Syntax::Regex => Library::SYNTAX_REGEX,
            };
        }
        if (array_key_exists('match_kind', $options)) {
            $opts->match_kind = match (self::enum(MatchKind::class, 'match_kind', $options['match_kind'])) {
                MatchKind::LeftmostFirst => Library::MATCH_LEFTMOST_FIRST,
                MatchKind::LeftmostLongest => Library::MATCH_LEFTMOST_LONGEST,
                MatchKind::Overlapping => Library::MATCH_OVERLAPPING,
            };
        }
        if ($opts->version !== Library::OPTIONS_VERSION) {
            throw new LibraryException('the library fills hayscan_options_t version ' . $opts->version . ', this package is written for version ' . Library::OPTIONS_VERSION);
        }
        foreach (['case_insensitive', 'ascii_classes', 'whole_words'] as $flag) {
            if (array_key_exists($flag, $options)) {
                if (!is_bool($options[$flag])) {
                    throw new InvalidArgumentException("option $flag must be a bool, " . get_debug_type($options[$flag]) . ' given');
                }
                $opts->$flag = $options[$flag] ? 1 : 0;
            }
        }
        if (array_key_exists('max_line_len', $options)) {
            $max = $options['max_line_len'];
            if (!is_int($max) || $max < 0) {
                throw new InvalidArgumentException('option max_line_len must be a non-negative int, ' . var_export($max, true) . ' given');
            }
            $opts->max_line_len = $max;
        }
        if (array_key_exists('max_repetition', $options)) {
            $max = $options['max_repetition'];
            if (!is_int($max) || $max < 0 || $max > 0xFFFFFFFF) {
                throw new InvalidArgumentException('option max_repetition must be an int from 0 to 4294967295, ' . var_export($max, true) . ' given');
            }
            $opts->max_repetition = $max;
        }
        if (array_key_exists('max_regex_states', $options)) {
            $max = $options['max_regex_states'];
            if (!is_int($max) || $max < 0) {
                throw new InvalidArgumentException('option max_regex_states must be a non-negative int, ' . var_export($max, true) . ' given');
            }
            $opts->max_regex_states = $max;
        }
        return $opts;
    }

    /**
     * @template T of \BackedEnum
     * @param class-string<T> $enum
     * @return T
     */
    private static function enum(string $enum, string $option, mixed $value): \BackedEnum
    {
        if ($value instanceof $enum) {
            return $value;
        }
        $found = is_string($value) ? $enum::tryFrom($value) : null;
        if ($found === null) {
            $valid = implode("', '", array_map(static fn (\BackedEnum $c): string => (string) $c->value, $enum::cases()));
            throw new InvalidArgumentException("option $option must be a $enum or one of '$valid', " . var_export($value, true) . ' given');
        }
        return $found;
    }
}
