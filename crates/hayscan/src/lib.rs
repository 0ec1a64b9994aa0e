//! hayscan: find many patterns in text at once.
//!
//! A [`Matcher`] is compiled once from a list of patterns (literal strings or regexes) and
//! [`Options`], then searched any number of times, from any number of threads. Pattern ids
//! are indexes into the input list. Every offset is a byte offset.
//!
//! ```
//! use hayscan::{Matcher, Options};
//!
//! let m = Matcher::new(&["apple", "banana"], &Options::default()).unwrap();
//! let found: Vec<_> = m.find_iter(b"an apple and a banana").map(|m| m.pattern).collect();
//! assert_eq!(found, [0, 1]);
//! ```
//!
//! [`Stream`] scans input that arrives in chunks and reports matches with absolute offsets;
//! [`Handlers`] is the registry the bindings use to fan stream matches out to callbacks.
//!
//! This crate is safe Rust with no FFI types: the C ABI (`hayscan-ffi`) and the Node addon
//! only convert types and forward to it.

#![forbid(unsafe_code)]

mod answers;
mod error;
mod file;
mod fold;
mod handlers;
mod job;
mod lines;
pub(crate) mod matcher;
mod parallel;
mod regex;
mod stream;
mod walk;
mod words;

pub use error::{Error, Result};
pub use handlers::{HandlerId, Handlers};
pub use job::{BatchCallback, Delivery, Job, Outcome, Source};
pub use lines::{LineCounter, LONG_LINE};
pub use matcher::{Cursor, FindIter, Matcher};
pub use stream::Stream;

pub use std::ops::ControlFlow;

/// Pattern syntax.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// Patterns are byte strings matched exactly (Aho-Corasick).
    #[default]
    Literal,
    /// Patterns are regular expressions (regex-automata's meta engine, one multi-pattern
    /// automaton). Patterns must be valid UTF-8.
    Regex,
}

/// Which matches are reported when several patterns could match at overlapping places.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MatchKind {
    /// Non-overlapping matches; at the leftmost position, the pattern that comes first in
    /// the list wins (like a regex alternation `a|b|c`). The default.
    #[default]
    LeftmostFirst,
    /// Non-overlapping matches; at the leftmost position, the longest pattern wins (like
    /// PHP's `strtr`). Literal syntax only.
    LeftmostLongest,
    /// Every occurrence of every pattern, including overlapping ones, ordered by end
    /// offset. Literal syntax only; cannot be used with replacement.
    Overlapping,
}

/// How a [`Matcher`] is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Literal strings or regexes.
    pub syntax: Syntax,
    /// See [`MatchKind`].
    pub match_kind: MatchKind,
    /// Match regardless of case. Both syntaxes use Unicode simple case folding, the same
    /// as the regex crate's (so "ÉTÉ" matches "été" and "µ" matches "μ"); literal sets
    /// fold only pairs of the same UTF-8 length ("ẞ"/"ß" and the Kelvin sign / "k" match
    /// in regex sets only). No multi-character folds ("ß" does not match "SS").
    pub case_insensitive: bool,
    /// Regex syntax: `\w \d \s` and `\b \B` mean their ASCII forms, as in RE2 (Go),
    /// PCRE and Hyperscan, instead of Unicode's (the default). Rulesets written for those
    /// engines (gitleaks' rules are Go RE2) keep their meaning, and their automata stay
    /// small: `[\w-]{50,1000}` with Unicode `\w` exceeds the engine's size limit. Case
    /// folding stays Unicode-aware. For literal syntax it chooses the word characters of
    /// [`Options::whole_words`].
    pub ascii_classes: bool,
    /// Literal syntax: a match counts only if the character before it and the character
    /// after it are not word characters (`\w`: Unicode's, or `[0-9A-Za-z_]` with
    /// [`Options::ascii_classes`]); the haystack's ends are not word characters. A
    /// candidate that fails this never hides one that passes (see `words`). Empty
    /// patterns are refused ([`Error::InvalidPattern`]); regex syntax is refused
    /// ([`Error::Unsupported`]: write `\b` in the pattern).
    pub whole_words: bool,
    /// Regex streams scan line by line; a line longer than this many bytes is cut into
    /// frames of this size, and a match that would cross a cut is not found. Ignored for
    /// literal syntax. Must be at least 1.
    pub max_line_len: usize,
    /// Largest count a regex's counted repetition may have (`x{n}`, `x{m,n}`); a pattern
    /// with a larger one is refused with [`Error::InvalidPattern`] and its index. RE2's and
    /// Go's limit, so every rule written for them (gitleaks') builds. Ignored for literal
    /// syntax.
    pub max_repetition: u32,
    /// Most automaton (Thompson NFA) states one regex may need, against nested counted
    /// repetitions (`(?:[ab]{1000}){10}` needs 10,000); a pattern needing more is refused
    /// with [`Error::InvalidPattern`] and its index. Past a few thousand states the lazy
    /// DFA's cache thrashes and searches fall back to an engine whose cost per byte grows
    /// with the states: `[ab]{10000}` took 5.6 s over 20 KB and did not finish in a
    /// minute over 200 KB. The largest rule of a 1,929-rule public set needs about 5,600.
    /// Ignored for literal syntax.
    pub max_regex_states: usize,
}

/// Default for [`Options::max_line_len`]: 1 MiB.
pub const DEFAULT_MAX_LINE_LEN: usize = 1 << 20;
/// Default for [`Options::max_repetition`]: 1,000, as in RE2.
pub const DEFAULT_MAX_REPETITION: u32 = 1_000;
/// Default for [`Options::max_regex_states`].
pub const DEFAULT_MAX_REGEX_STATES: usize = 10_000;

impl Default for Options {
    fn default() -> Self {
        Options {
            syntax: Syntax::Literal,
            match_kind: MatchKind::LeftmostFirst,
            case_insensitive: false,
            ascii_classes: false,
            whole_words: false,
            max_line_len: DEFAULT_MAX_LINE_LEN,
            max_repetition: DEFAULT_MAX_REPETITION,
            max_regex_states: DEFAULT_MAX_REGEX_STATES,
        }
    }
}

impl Options {
    /// Default options with the regex syntax.
    pub fn regex() -> Self {
        Options {
            syntax: Syntax::Regex,
            ..Options::default()
        }
    }
}

/// One match: the pattern's index in the input list and a half-open byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Match {
    /// Index of the pattern in the list the matcher was built from.
    pub pattern: u32,
    /// Byte offset of the first byte of the match.
    pub start: usize,
    /// Byte offset one past the last byte of the match.
    pub end: usize,
}

impl Match {
    /// The match's byte range.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True for a match of an empty pattern (or a regex that matched the empty string).
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// What a push scan did: how many matches it delivered and whether the callback stopped it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Matches handed to the callback (including the one whose callback asked to stop).
    pub matches: usize,
    /// True if the callback returned `ControlFlow::Break`.
    pub stopped: bool,
}

/// The capture groups of one regex match (see [`Matcher::captures`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Captures {
    /// The pattern that matched.
    pub pattern: u32,
    /// One entry per group of the pattern, group 0 (the whole match) first: the group's
    /// byte range, or `None` if it took no part in the match.
    pub spans: Vec<Option<(usize, usize)>>,
}

impl Captures {
    /// Group `i`'s byte range, if it took part in the match.
    pub fn get(&self, i: usize) -> Option<std::ops::Range<usize>> {
        self.spans.get(i).copied().flatten().map(|(s, e)| s..e)
    }

    /// Number of groups, counting group 0.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Always false: group 0 is always there.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// The examples of docs/regex.md, run as doc tests.
#[doc = include_str!("../../../docs/regex.md")]
#[cfg(doctest)]
pub struct RegexDocExamples;
