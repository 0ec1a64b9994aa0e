//! `hayscan_options_t`: how a matcher is built, a versioned struct (libgit2's rule: fields
//! are only appended, each layout has its version, and every earlier version stays
//! accepted).

use hayscan_core::{MatchKind, Options, Syntax};
use safer_ffi::prelude::*;

use crate::handles::out;
use crate::status::{guard, hayscan_status, Fail};

/// `hayscan_options_t.syntax`: patterns are literal byte strings (Aho-Corasick).
#[ffi_export]
pub const HAYSCAN_SYNTAX_LITERAL: u32 = 0;
/// `hayscan_options_t.syntax`: patterns are regular expressions (must be UTF-8).
#[ffi_export]
pub const HAYSCAN_SYNTAX_REGEX: u32 = 1;
/// `hayscan_options_t.match_kind`: non-overlapping; at the leftmost position the pattern
/// listed first wins (like a regex alternation). The default.
#[ffi_export]
pub const HAYSCAN_MATCH_LEFTMOST_FIRST: u32 = 0;
/// `hayscan_options_t.match_kind`: non-overlapping; at the leftmost position the longest
/// pattern wins (like PHP's `strtr`). Literal syntax only.
#[ffi_export]
pub const HAYSCAN_MATCH_LEFTMOST_LONGEST: u32 = 1;
/// `hayscan_options_t.match_kind`: every occurrence of every pattern, ordered by end
/// offset. Literal syntax only; not usable with replacement.
#[ffi_export]
pub const HAYSCAN_MATCH_OVERLAPPING: u32 = 2;
/// Current value for `hayscan_options_t.version` (3: `whole_words`, `max_repetition` and
/// `max_regex_states` were added; 2: `ascii_classes`). Structs of versions 1 and 2 are
/// still accepted.
#[ffi_export]
pub const HAYSCAN_OPTIONS_VERSION: u32 = 3;

/// How a matcher is built. Initialise it with `hayscan_options_init` (never field by field
/// from scratch): new fields may be added at the end in later ABI versions.
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hayscan_options {
    /// Must be `HAYSCAN_OPTIONS_VERSION` (set by `hayscan_options_init`), or 1 for the
    /// version-1 layout, which ends after `max_line_len`.
    pub version: u32,
    /// `HAYSCAN_SYNTAX_LITERAL` (default) or `HAYSCAN_SYNTAX_REGEX`.
    pub syntax: u32,
    /// `HAYSCAN_MATCH_LEFTMOST_FIRST` (default), `_LEFTMOST_LONGEST` or `_OVERLAPPING`.
    pub match_kind: u32,
    /// 0 (default) or 1: match regardless of case, Unicode-aware in both syntaxes.
    pub case_insensitive: u32,
    /// Regex streams only: a line longer than this many bytes is scanned in frames of this
    /// size (default 1 MiB; must be at least 1).
    pub max_line_len: usize,
    /// Since version 2. 0 (default) or 1: regex `\w \d \s \b \B` mean their ASCII forms,
    /// as in RE2, PCRE and Hyperscan, instead of Unicode's. Rulesets written for those
    /// engines keep their meaning and their automata stay small. For literal sets it
    /// makes the word characters of `whole_words` `[0-9A-Za-z_]`.
    pub ascii_classes: u32,
    /// Since version 3. 0 (default) or 1, literal syntax only: a match counts only if the
    /// characters before and after it are not word characters (Unicode `\w`, or ASCII with
    /// `ascii_classes`). Empty patterns are then refused (`INVALID_PATTERN`), and so is the
    /// regex syntax (`UNSUPPORTED`: write `\b`).
    pub whole_words: u32,
    /// Since version 3. Largest count of a regex's counted repetition (`x{n}`); a pattern
    /// with a larger one is refused with `INVALID_PATTERN` and its index. Default 1,000.
    pub max_repetition: u32,
    /// Since version 3. Most automaton states one regex may need; a pattern needing more
    /// is refused with `INVALID_PATTERN` and its index. Default 10,000.
    pub max_regex_states: usize,
}

/// The version-1 layout of `hayscan_options_t`: what a caller built against ABI version 1
/// allocated. Only these bytes may be read from a struct whose `version` is 1.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct hayscan_options_v1 {
    /// Read through the pointer before choosing the layout; here for the offsets only.
    _version: u32,
    syntax: u32,
    match_kind: u32,
    case_insensitive: u32,
    max_line_len: usize,
}

/// The version-2 layout: version 1 plus `ascii_classes`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct hayscan_options_v2 {
    v1: hayscan_options_v1,
    ascii_classes: u32,
}

// Version 3 only appends: the version-2 fields keep their offsets.
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(
        offset_of!(hayscan_options_v2, ascii_classes) == offset_of!(hayscan_options, ascii_classes)
    );
    // `whole_words` may sit in version 2's tail padding: a version-2 struct is read as
    // `hayscan_options_v2` (its own size), never as the current layout.
    assert!(
        offset_of!(hayscan_options, whole_words)
            >= offset_of!(hayscan_options_v2, ascii_classes) + size_of::<u32>()
    );
};

// Version 2 only appends: the version-1 fields keep their offsets.
const _: () = {
    use std::mem::offset_of;
    assert!(offset_of!(hayscan_options_v1, _version) == offset_of!(hayscan_options, version));
    assert!(offset_of!(hayscan_options_v1, syntax) == offset_of!(hayscan_options, syntax));
    assert!(offset_of!(hayscan_options_v1, match_kind) == offset_of!(hayscan_options, match_kind));
    assert!(
        offset_of!(hayscan_options_v1, case_insensitive)
            == offset_of!(hayscan_options, case_insensitive)
    );
    assert!(
        offset_of!(hayscan_options_v1, max_line_len) == offset_of!(hayscan_options, max_line_len)
    );
    assert!(
        offset_of!(hayscan_options, ascii_classes) >= std::mem::size_of::<hayscan_options_v1>()
    );
};

/// Fills `*opts` with the defaults: current version, literal syntax, leftmost-first,
/// case-sensitive, max_line_len 1 MiB, Unicode classes (ascii_classes 0). `opts` must not
/// be NULL and must point at a whole current-version struct.
#[ffi_export]
pub fn hayscan_options_init(opts: *mut hayscan_options) -> hayscan_status {
    guard(|| {
        let defaults = Options::default();
        out(
            opts,
            "opts",
            hayscan_options {
                version: HAYSCAN_OPTIONS_VERSION,
                syntax: HAYSCAN_SYNTAX_LITERAL,
                match_kind: HAYSCAN_MATCH_LEFTMOST_FIRST,
                case_insensitive: 0,
                max_line_len: defaults.max_line_len,
                ascii_classes: u32::from(defaults.ascii_classes),
                whole_words: 0,
                max_repetition: defaults.max_repetition,
                max_regex_states: defaults.max_regex_states,
            },
        )
    })
}

fn flag(value: u32, name: &str) -> Result<bool, Fail> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(Fail::arg(format!("opts->{name} must be 0 or 1, got {v}"))),
    }
}

/// The core options described by `opts` (NULL: the defaults), reading only the fields of
/// the struct's own version.
pub(crate) fn core_options(opts: *const hayscan_options) -> Result<Options, Fail> {
    if opts.is_null() {
        return Ok(Options::default());
    }
    // SAFETY: non-NULL; every version of the struct starts with its `u32` version.
    let version = unsafe { opts.cast::<u32>().read() };
    let defaults = Options::default();
    // What versions before 3 did not carry takes its default.
    let (v1, ascii_classes, whole_words, max_repetition, max_regex_states) = match version {
        1 => {
            // SAFETY: a version-1 struct holds exactly the version-1 layout.
            let v1 = unsafe { opts.cast::<hayscan_options_v1>().read() };
            (v1, 0, 0, defaults.max_repetition, defaults.max_regex_states)
        }
        2 => {
            // SAFETY: a version-2 struct holds exactly the version-2 layout.
            let v2 = unsafe { opts.cast::<hayscan_options_v2>().read() };
            let (r, s) = (defaults.max_repetition, defaults.max_regex_states);
            (v2.v1, v2.ascii_classes, 0, r, s)
        }
        HAYSCAN_OPTIONS_VERSION => {
            // SAFETY: a current-version struct, initialised by the caller.
            let o = unsafe { opts.read() };
            let v1 = hayscan_options_v1 {
                _version: o.version,
                syntax: o.syntax,
                match_kind: o.match_kind,
                case_insensitive: o.case_insensitive,
                max_line_len: o.max_line_len,
            };
            (v1, o.ascii_classes, o.whole_words, o.max_repetition, o.max_regex_states)
        }
        v => {
            return Err(Fail::arg(format!(
                "opts->version is {v}, expected {HAYSCAN_OPTIONS_VERSION}, 2 or 1 (initialise options with hayscan_options_init)"
            )))
        }
    };
    let syntax = match v1.syntax {
        HAYSCAN_SYNTAX_LITERAL => Syntax::Literal,
        HAYSCAN_SYNTAX_REGEX => Syntax::Regex,
        v => return Err(Fail::arg(format!("opts->syntax: unknown value {v}"))),
    };
    let match_kind = match v1.match_kind {
        HAYSCAN_MATCH_LEFTMOST_FIRST => MatchKind::LeftmostFirst,
        HAYSCAN_MATCH_LEFTMOST_LONGEST => MatchKind::LeftmostLongest,
        HAYSCAN_MATCH_OVERLAPPING => MatchKind::Overlapping,
        v => return Err(Fail::arg(format!("opts->match_kind: unknown value {v}"))),
    };
    Ok(Options {
        syntax,
        match_kind,
        case_insensitive: flag(v1.case_insensitive, "case_insensitive")?,
        ascii_classes: flag(ascii_classes, "ascii_classes")?,
        whole_words: flag(whole_words, "whole_words")?,
        max_line_len: v1.max_line_len,
        max_repetition,
        max_regex_states,
    })
}
