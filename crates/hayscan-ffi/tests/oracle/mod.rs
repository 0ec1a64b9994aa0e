//! One generated case — a pattern set, options, a haystack, split points — driven through
//! the C ABI functions (the `hayscan_*` exports, called as a C program calls them) and
//! checked against models that do not share hayscan's code:
//!
//! - a naive literal matcher (every start position, every pattern) for all three match
//!   kinds, with the documented empty-match rule and the documented case folding; regex
//!   sets against per-pattern searches of regex-automata's `meta::Regex` combined by the
//!   documented set semantics;
//! - scan (callback) = pull iterator (any batch size) = count / find / is_match, and a
//!   callback that stops at the k-th match stops there with its value in the report;
//! - streams over the case's split points give the matches of the one-shot scan (literal
//!   sets), or of each line / `max_line_len` frame scanned alone (regex sets), to a handler
//!   for all patterns and to one filtered to some ids; a handler that stops finishes the
//!   stream; every `release` runs exactly once;
//! - replacement (fixed, per pattern, by callback, stopped by callback) equals the output
//!   rebuilt from the matches; overlapping sets refuse it with `UNSUPPORTED`;
//! - regex capture groups equal regex-automata's;
//! - `hayscan_live_objects()` is back where it started.
//!
//! Shared by the stable property test (`tests/abi_props.rs`) and the cargo-fuzz target
//! (`fuzz/fuzz_targets/abi.rs` includes this file by path), so both check the same things.

#![allow(dead_code)] // each includer uses its own part of the generators

use std::cmp::Reverse;
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::ptr;

use hayscan::*;
use regex_automata::{meta, util::syntax, Anchored, Input};

/// Pieces of literal patterns and haystacks: a small alphabet so matches are dense, with
/// case pairs that the documented folding joins (é/É, σ/Σ/ς, i/I) or keeps apart because
/// the lowercase form has another UTF-8 length (K and the Kelvin sign, ẞ and ß, İ and i̇),
/// NUL, a newline, a lone lead byte, a lone continuation byte (together they spell "É") and
/// an invalid byte. No character whose lowercase form and simple case folding differ (µ,
/// ϐ, ϑ): docs and issue 15 are moving literal folding from one to the other.
pub const LITERAL_TOKENS: &[&[u8]] = &[
    b"a",
    b"b",
    b"A",
    b"B",
    b"k",
    b"K",
    "\u{212A}".as_bytes(), // Kelvin sign
    "é".as_bytes(),
    "É".as_bytes(),
    "σ".as_bytes(),
    "Σ".as_bytes(),
    "ς".as_bytes(),
    "ß".as_bytes(),
    "ẞ".as_bytes(),
    "İ".as_bytes(),
    b"i",
    b"I",
    b"\0",
    b"\n",
    b" ",
    b"\xC3",
    b"\x89",
    b"\xFF",
    b"ab",
];

/// Regex pieces as hayscan reads them, and as the oracle reads them with ASCII classes on
/// (spelled out, so the oracle does not share hayscan's rewriting). Each piece is
/// balanced except `(`, which makes every pattern holding it invalid.
pub const REGEX_PIECES: &[(&str, &str)] = &[
    ("key", "key"),
    ("tok", "tok"),
    ("(?i)key", "(?i)key"),
    ("ghp_", "ghp_"),
    ("[a-z]{0,3}?", "[a-z]{0,3}?"),
    (r"\w{0,4}?", "[0-9A-Za-z_]{0,4}?"),
    (r"\w+", "[0-9A-Za-z_]+"),
    (r"\d{2}", "[0-9]{2}"),
    (r"\s", r"[\t\n\x0B\x0C\r ]"),
    (r"\s*", r"[\t\n\x0B\x0C\r ]*"),
    ("=", "="),
    ("(?:=|: )", "(?:=|: )"),
    ("([a-z0-9]{2,4})", "([a-z0-9]{2,4})"),
    ("(?P<v>[0-9a-f]+)", "(?P<v>[0-9a-f]+)"),
    ("x*", "x*"),
    ("(?:ab|a)", "(?:ab|a)"),
    ("é", "é"),
    (".", "."),
    ("(?s:.)", "(?s:.)"),
    (r"\b", r"(?-u:\b)"),
    ("$", "$"),
    ("(?m:^)", "(?m:^)"),
    ("[^ ]{1,3}", "[^ ]{1,3}"),
    ("", ""),
    ("(", "("),
];

/// Pieces of regex haystacks (an invalid byte comes from `\x89`).
pub const REGEX_TEXT: &[&[u8]] = &[
    b"key",
    b"KEY",
    b"tok",
    b"ghp_",
    b"=",
    b": ",
    b" ",
    b"\n",
    b"ab",
    b"x",
    "é".as_bytes(),
    "É".as_bytes(),
    b"1",
    b"2f",
    b"_",
    b"\t",
    b"\x89",
];

/// One case. Token and piece ids are taken modulo their table's length, so any numbers
/// (a fuzzer's) make a valid case.
#[derive(Clone, Debug, Default)]
pub struct Case {
    pub regex: bool,
    /// `HAYSCAN_MATCH_*`; any other value is expected to be refused.
    pub match_kind: u32,
    pub case_insensitive: bool,
    pub ascii_classes: bool,
    /// `whole_words` (literal sets; refused for regex sets and sets with an empty pattern).
    pub whole_words: bool,
    /// Build with `hayscan_matcher_new_packed` instead of `hayscan_matcher_new`.
    pub packed: bool,
    /// Each pattern as ids into `LITERAL_TOKENS` or `REGEX_PIECES`.
    pub patterns: Vec<Vec<usize>>,
    /// Ids into `LITERAL_TOKENS` or `REGEX_TEXT`.
    pub haystack: Vec<usize>,
    /// Stream split points (modulo the haystack length + 1; duplicates give empty chunks).
    pub cuts: Vec<usize>,
    /// Capacity of the pull iterator's buffer (0 is used as 1).
    pub batch: usize,
    /// The callbacks that stop do so at this match (modulo the match count + 1; equal to
    /// the count means they never stop).
    pub stop_at: usize,
    /// Regex streams' frame size (0 is used as the default).
    pub max_line_len: usize,
    /// Pattern ids for the filtered stream handler (modulo the pattern count).
    pub filter: Vec<usize>,
}

/// What went wrong, with the case it went wrong on.
pub type Outcome = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

macro_rules! ensure_eq {
    ($got:expr, $want:expr, $($fmt:tt)+) => {{
        let (got, want) = (&$got, &$want);
        if got != want {
            return Err(format!("{}\n   got: {:?}\n  want: {:?}", format!($($fmt)+), got, want));
        }
    }};
}

/// A match as plain numbers (`hayscan_match_t` has no `Ord`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct M {
    pub pattern: u32,
    pub start: usize,
    pub end: usize,
}

impl From<hayscan_match> for M {
    fn from(m: hayscan_match) -> M {
        M {
            pattern: m.pattern,
            start: m.start,
            end: m.end,
        }
    }
}

impl M {
    fn is_empty(&self) -> bool {
        self.start == self.end
    }
    fn len(&self) -> usize {
        self.end - self.start
    }
}

impl Case {
    /// The pattern bytes as hayscan gets them.
    pub fn pattern_bytes(&self) -> Vec<Vec<u8>> {
        if self.regex {
            self.regex_sources(false)
                .into_iter()
                .map(String::into_bytes)
                .collect()
        } else {
            self.patterns
                .iter()
                .map(|p| {
                    p.iter()
                        .flat_map(|&t| LITERAL_TOKENS[t % LITERAL_TOKENS.len()].iter().copied())
                        .collect()
                })
                .collect()
        }
    }

    /// Regex sources, as hayscan reads them or (`oracle`) as the oracle does. A group name
    /// may appear once per pattern: later copies of the named piece are unnamed.
    fn regex_sources(&self, oracle: bool) -> Vec<String> {
        self.patterns
            .iter()
            .map(|p| {
                let mut named = false;
                p.iter()
                    .map(|&i| {
                        let (ours, theirs) = REGEX_PIECES[i % REGEX_PIECES.len()];
                        let piece = if oracle && self.ascii_classes {
                            theirs
                        } else {
                            ours
                        };
                        if piece.contains("?P<") {
                            if named {
                                return "([0-9a-f]+)";
                            }
                            named = true;
                        }
                        piece
                    })
                    .collect()
            })
            .collect()
    }

    pub fn haystack_bytes(&self) -> Vec<u8> {
        let table = if self.regex {
            REGEX_TEXT
        } else {
            LITERAL_TOKENS
        };
        self.haystack
            .iter()
            .flat_map(|&t| table[t % table.len()].iter().copied())
            .collect()
    }

    fn max_line_len(&self) -> Option<usize> {
        (self.max_line_len > 0).then_some(self.max_line_len)
    }
}

// ---------------------------------------------------------------------------------------
// Models.

/// The documented literal folding: each character becomes its lowercase form when that is
/// one character of the same UTF-8 length (final sigma becomes sigma); other bytes,
/// invalid UTF-8 included, stay. Decoded one character at a time, independently of
/// hayscan's `fold`.
pub fn fold(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = (1..=4)
            .filter(|n| i + n <= bytes.len())
            .find_map(|n| std::str::from_utf8(&bytes[i..i + n]).ok());
        match c.and_then(|s| s.chars().next()) {
            Some(c) => {
                let folded = if c == 'ς' {
                    'σ'
                } else {
                    let lower: Vec<char> = c.to_lowercase().collect();
                    match lower[..] {
                        [l] if l.len_utf8() == c.len_utf8() => l,
                        _ => c,
                    }
                };
                let mut buf = [0; 4];
                out.extend_from_slice(folded.encode_utf8(&mut buf).as_bytes());
                i += c.len_utf8();
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// Every match of a literal set by brute force. Non-overlapping kinds: the leftmost start
/// at or after the resume point; there the first listed (leftmost-first) or the longest,
/// then first listed (leftmost-longest) pattern; an empty match may not end where the
/// previous match ended (the search then resumes one byte later). Overlapping: every
/// occurrence of every pattern, by end offset; at one end, empty patterns first, then
/// longer before shorter, then by id.
pub fn naive_literal(patterns: &[Vec<u8>], hay: &[u8], kind: u32, ci: bool) -> Vec<M> {
    let (patterns, hay): (Vec<Vec<u8>>, Vec<u8>) = if ci {
        (patterns.iter().map(|p| fold(p)).collect(), fold(hay))
    } else {
        (patterns.to_vec(), hay.to_vec())
    };
    let (patterns, hay) = (&patterns, &hay);
    let at = |start: usize| {
        patterns
            .iter()
            .enumerate()
            .filter(move |(_, p)| hay[start..].starts_with(p))
            .map(move |(id, p)| M {
                pattern: id as u32,
                start,
                end: start + p.len(),
            })
    };
    if kind == HAYSCAN_MATCH_OVERLAPPING {
        let mut all: Vec<M> = (0..=hay.len()).flat_map(at).collect();
        all.sort_by_key(|m| (m.end, !m.is_empty(), Reverse(m.len()), m.pattern));
        return all;
    }
    let mut out = Vec::new();
    let mut pos = 0;
    let mut last_end = None;
    while pos <= hay.len() {
        let best = (pos..=hay.len()).find_map(|start| {
            let mut here = at(start);
            if kind == HAYSCAN_MATCH_LEFTMOST_FIRST {
                here.next()
            } else {
                here.min_by_key(|m| (Reverse(m.len()), m.pattern))
            }
        });
        let Some(m) = best else { break };
        if m.is_empty() && Some(m.end) == last_end {
            pos = m.end + 1;
            continue;
        }
        out.push(m);
        pos = m.end;
        last_end = Some(m.end);
    }
    out
}

/// Whole-word literal sets by brute force: every occurrence (`naive_literal`, overlapping),
/// kept if the characters on both sides are not word characters (`[0-9A-Za-z_]`, or with
/// Unicode classes also every alphanumeric character, which is `\w` for the characters the
/// tokens make), then for leftmost kinds the smallest start, there the lowest id
/// (leftmost-first) or the longest, then lowest id (leftmost-longest), non-overlapping.
pub fn naive_words(patterns: &[Vec<u8>], hay: &[u8], case: &Case) -> Vec<M> {
    let folded = if case.case_insensitive {
        fold(hay)
    } else {
        hay.to_vec()
    };
    let word = |c: char| {
        c == '_'
            || if case.ascii_classes {
                c.is_ascii_alphanumeric()
            } else {
                c.is_alphanumeric()
            }
    };
    let before = |at: usize| {
        (at.saturating_sub(4)..at).any(|s| {
            std::str::from_utf8(&folded[s..at])
                .is_ok_and(|t| t.chars().count() == 1 && t.chars().all(word))
        })
    };
    let after = |at: usize| {
        (at + 1..=(at + 4).min(folded.len())).any(|e| {
            std::str::from_utf8(&folded[at..e])
                .is_ok_and(|t| t.chars().count() == 1 && t.chars().all(word))
        })
    };
    let all: Vec<M> = naive_literal(
        patterns,
        hay,
        HAYSCAN_MATCH_OVERLAPPING,
        case.case_insensitive,
    )
    .into_iter()
    .filter(|m| !before(m.start) && !after(m.end))
    .collect();
    if case.match_kind == HAYSCAN_MATCH_OVERLAPPING {
        return all;
    }
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(start) = all.iter().filter(|m| m.start >= pos).map(|m| m.start).min() {
        let here = all.iter().filter(|m| m.start == start);
        let best = if case.match_kind == HAYSCAN_MATCH_LEFTMOST_FIRST {
            here.min_by_key(|m| m.pattern)
        } else {
            here.min_by_key(|m| (Reverse(m.len()), m.pattern))
        };
        let best = *best.expect("a start with a candidate");
        out.push(best);
        pos = best.end;
    }
    out
}

/// Regex sets: each pattern searched alone by regex-automata, combined by the documented
/// set semantics (leftmost start, lowest id on a tie, non-overlapping, an empty match
/// neither ending where the previous one ended nor splitting a UTF-8 sequence).
pub struct RegexOracle {
    regexes: Vec<meta::Regex>,
}

impl RegexOracle {
    /// The oracle, or the index of the first pattern regex-automata refuses.
    pub fn new(sources: &[String], case_insensitive: bool) -> Result<RegexOracle, usize> {
        let mut regexes = Vec::new();
        for (i, p) in sources.iter().enumerate() {
            let re = meta::Regex::builder()
                .configure(meta::Config::new().utf8_empty(false))
                .syntax(syntax::Config::new().case_insensitive(case_insensitive))
                .build(p)
                .map_err(|_| i)?;
            regexes.push(re);
        }
        Ok(RegexOracle { regexes })
    }

    pub fn find_iter(&self, hay: &[u8]) -> Vec<M> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut last_end = None;
        while pos <= hay.len() {
            let best = self
                .regexes
                .iter()
                .enumerate()
                .filter_map(|(id, re)| {
                    re.search(&Input::new(hay).span(pos..hay.len()))
                        .map(|m| (m.start(), id, m.end()))
                })
                .min();
            let Some((start, id, end)) = best else { break };
            let splits = hay.get(end).is_some_and(|b| (0x80..=0xBF).contains(b));
            if start == end && (Some(end) == last_end || splits) {
                pos = end + 1;
                continue;
            }
            out.push(M {
                pattern: id as u32,
                start,
                end,
            });
            pos = end;
            last_end = Some(end);
        }
        out
    }

    /// A stream's matches: each line (without its `\n`; a final `\n` ends the last line)
    /// cut into frames of `max_line_len` bytes, each frame scanned as a whole haystack.
    pub fn stream(&self, hay: &[u8], max_line_len: usize) -> Vec<M> {
        let mut out = Vec::new();
        let mut start = 0;
        while start < hay.len() {
            let end = hay[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(hay.len(), |i| start + i);
            let mut frame = start;
            loop {
                let frame_end = (frame + max_line_len).min(end);
                out.extend(
                    self.find_iter(&hay[frame..frame_end])
                        .into_iter()
                        .map(|m| M {
                            start: m.start + frame,
                            end: m.end + frame,
                            ..m
                        }),
                );
                frame = frame_end;
                if frame >= end {
                    break;
                }
            }
            start = end + 1;
        }
        out
    }

    pub fn captures(&self, hay: &[u8], m: &M) -> Vec<Option<(usize, usize)>> {
        let re = &self.regexes[m.pattern as usize];
        let mut caps = re.create_captures();
        let input = Input::new(hay)
            .span(m.start..hay.len())
            .anchored(Anchored::Yes);
        re.search_captures(&input, &mut caps);
        (0..caps.group_len())
            .map(|g| caps.get_group(g).map(|s| (s.start, s.end)))
            .collect()
    }
}

/// The haystack with each match before `stop` (all of them if `None`) replaced.
fn rebuilt(
    hay: &[u8],
    matches: &[M],
    stop: Option<usize>,
    with: impl Fn(u32) -> Vec<u8>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut copied = 0;
    for (i, m) in matches.iter().enumerate() {
        if Some(i) == stop {
            break;
        }
        out.extend_from_slice(&hay[copied..m.start]);
        out.extend_from_slice(&with(m.pattern));
        copied = m.end;
    }
    out.extend_from_slice(&hay[copied..]);
    out
}

/// The per-pattern replacement used throughout: pattern 0 deletes, pattern `i` writes
/// `<i>`.
fn replacement_for(pattern: u32) -> Vec<u8> {
    if pattern == 0 {
        Vec::new()
    } else {
        format!("<{pattern}>").into_bytes()
    }
}

/// The haystack cut at the case's split points (empty chunks included on purpose).
fn chunks<'a>(hay: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (hay.len() + 1)).collect();
    points.sort_unstable();
    let mut out = Vec::new();
    let mut at = 0;
    for p in points {
        out.push(&hay[at..p]);
        at = p;
    }
    out.push(&hay[at..]);
    out
}

// ---------------------------------------------------------------------------------------
// Owned handles, freed on every path so a failing check does not also report a leak.

struct Matcher(*mut hayscan_matcher);

impl Drop for Matcher {
    fn drop(&mut self) {
        hayscan_matcher_free(self.0);
    }
}

struct Iter(*mut hayscan_iter);

impl Drop for Iter {
    fn drop(&mut self) {
        hayscan_iter_free(self.0);
    }
}

struct Stream(*mut hayscan_stream);

impl Drop for Stream {
    fn drop(&mut self) {
        hayscan_stream_free(self.0);
    }
}

/// Bytes returned by hayscan, copied out and freed at once.
fn take_bytes(ptr: *mut impl Sized, len: usize) -> Vec<u8> {
    let copy = if ptr.is_null() {
        Vec::new()
    } else {
        // SAFETY: hayscan returned `len` bytes at `ptr`.
        unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }.to_vec()
    };
    hayscan_bytes_free(ptr.cast(), len);
    copy
}

fn status_name(s: hayscan_status) -> String {
    let msg = unsafe { std::ffi::CStr::from_ptr(hayscan_last_error_message().cast()) };
    format!("{s:?} ({})", msg.to_string_lossy())
}

// ---------------------------------------------------------------------------------------
// Callbacks.

/// User data of a collecting callback: stops (returning `stop_value`) at match `stop_at`.
struct Collect {
    got: Vec<M>,
    stop_at: Option<usize>,
    stop_value: i32,
    released: usize,
}

impl Collect {
    fn new(stop_at: Option<usize>) -> Collect {
        Collect {
            got: Vec::new(),
            stop_at,
            stop_value: 1000 + stop_at.unwrap_or(0) as i32,
            released: 0,
        }
    }
}

unsafe extern "C" fn collect(user_data: *mut c_void, m: *const hayscan_match) -> i32 {
    let c = unsafe { &mut *user_data.cast::<Collect>() };
    c.got.push(M::from(unsafe { *m }));
    if Some(c.got.len() - 1) == c.stop_at {
        c.stop_value
    } else {
        0
    }
}

unsafe extern "C" fn release(user_data: *mut c_void) {
    unsafe { (*user_data.cast::<Collect>()).released += 1 };
}

/// Replace-with callback: writes `replacement_for(pattern)` in two pieces.
unsafe extern "C" fn replace(
    user_data: *mut c_void,
    m: *const hayscan_match,
    dst: *mut hayscan_replacement,
) -> i32 {
    let c = unsafe { &mut *user_data.cast::<Collect>() };
    let m = M::from(unsafe { *m });
    c.got.push(m);
    let with = replacement_for(m.pattern);
    let (a, b) = with.split_at(with.len() / 2);
    for piece in [a, b] {
        let st = hayscan_replacement_write(dst, piece.as_ptr().cast(), piece.len());
        assert_eq!(st, hayscan_status::Ok, "hayscan_replacement_write");
    }
    if Some(c.got.len() - 1) == c.stop_at {
        c.stop_value
    } else {
        0
    }
}

// ---------------------------------------------------------------------------------------
// The check.

/// Runs every oracle on `case`; `Err` says which one failed and how.
pub fn check(case: &Case) -> Outcome {
    let base = hayscan_live_objects();
    let result = check_live(case);
    let after = hayscan_live_objects();
    result.map_err(|e| format!("{e}\ncase: {case:?}"))?;
    ensure!(
        after == base,
        "live objects {base} before the case, {after} after\ncase: {case:?}"
    );
    Ok(())
}

fn check_live(case: &Case) -> Outcome {
    let patterns = case.pattern_bytes();
    let hay = case.haystack_bytes();
    let mut opts = MaybeUninit::uninit();
    ensure_eq!(
        hayscan_options_init(opts.as_mut_ptr()),
        hayscan_status::Ok,
        "options_init"
    );
    // SAFETY: initialised by hayscan_options_init.
    let mut opts = unsafe { opts.assume_init() };
    opts.syntax = if case.regex {
        HAYSCAN_SYNTAX_REGEX
    } else {
        HAYSCAN_SYNTAX_LITERAL
    };
    opts.match_kind = case.match_kind;
    opts.case_insensitive = case.case_insensitive.into();
    opts.ascii_classes = case.ascii_classes.into();
    opts.whole_words = case.whole_words.into();
    if let Some(n) = case.max_line_len() {
        opts.max_line_len = n;
    }

    // What the build must do.
    let known_kind = case.match_kind <= HAYSCAN_MATCH_OVERLAPPING;
    let oracle = if case.regex {
        Some(RegexOracle::new(
            &case.regex_sources(true),
            case.case_insensitive,
        ))
    } else {
        None
    };
    let first_empty = patterns.iter().position(Vec::is_empty);
    let want_status = match &oracle {
        _ if !known_kind => hayscan_status::InvalidArgument,
        Some(_) if case.whole_words => hayscan_status::Unsupported,
        None if case.whole_words && first_empty.is_some() => hayscan_status::InvalidPattern,
        Some(_) if case.match_kind != HAYSCAN_MATCH_LEFTMOST_FIRST => hayscan_status::Unsupported,
        Some(Err(_)) => hayscan_status::InvalidPattern,
        _ => hayscan_status::Ok,
    };

    let sentinel = ptr::dangling_mut::<hayscan_matcher>();
    let mut raw = sentinel;
    let status = if case.packed {
        let data = patterns.concat();
        let lens: Vec<usize> = patterns.iter().map(Vec::len).collect();
        let data_ptr = if data.is_empty() {
            ptr::null()
        } else {
            data.as_ptr().cast()
        };
        let lens_ptr = if lens.is_empty() {
            ptr::null()
        } else {
            lens.as_ptr()
        };
        hayscan_matcher_new_packed(data_ptr, data.len(), lens_ptr, lens.len(), &opts, &mut raw)
    } else {
        let list: Vec<hayscan_bytes> = patterns
            .iter()
            .map(|p| hayscan_bytes {
                ptr: if p.is_empty() {
                    ptr::null()
                } else {
                    p.as_ptr().cast()
                },
                len: p.len(),
            })
            .collect();
        let list_ptr = if list.is_empty() {
            ptr::null()
        } else {
            list.as_ptr()
        };
        hayscan_matcher_new(list_ptr, list.len(), &opts, &mut raw)
    };
    ensure_eq!(
        status,
        want_status,
        "hayscan_matcher_new: {}",
        status_name(status)
    );
    if status != hayscan_status::Ok {
        ensure!(raw == sentinel, "a failed build wrote its out-parameter");
        let message = unsafe { std::ffi::CStr::from_ptr(hayscan_last_error_message().cast()) };
        ensure!(
            !message.to_bytes().is_empty(),
            "no error message after {status:?}"
        );
        let index = hayscan_last_error_pattern_index();
        match &oracle {
            Some(Err(first_bad)) if status == hayscan_status::InvalidPattern => {
                ensure_eq!(index, *first_bad as i64, "index of the invalid pattern")
            }
            None if status == hayscan_status::InvalidPattern => {
                ensure_eq!(
                    index,
                    first_empty.map_or(-2, |i| i as i64),
                    "index of the empty word"
                )
            }
            _ => ensure_eq!(index, -1, "pattern index after {status:?}"),
        }
        return Ok(());
    }
    let matcher = Matcher(raw);
    let oracle = oracle.map(|o| o.expect("the build succeeded, so the oracle built too"));

    let mut n = usize::MAX;
    ensure_eq!(
        hayscan_matcher_pattern_count(matcher.0, &mut n),
        hayscan_status::Ok,
        "pattern_count"
    );
    ensure_eq!(n, patterns.len(), "pattern_count");

    let want = match &oracle {
        Some(o) => o.find_iter(&hay),
        None if case.whole_words => naive_words(&patterns, &hay, case),
        None => naive_literal(&patterns, &hay, case.match_kind, case.case_insensitive),
    };
    let got = scan(&matcher, &hay, None)?;
    if case.match_kind == HAYSCAN_MATCH_OVERLAPPING {
        check_overlapping(&got, &want)?;
    } else {
        ensure_eq!(got, want, "scan vs the model");
    }
    // From here on the reference is what scan reported (equal to the model, or to it up
    // to the order of overlapping matches that end together).
    let all = got;
    let stop_at = case.stop_at % (all.len() + 1);
    let stop = (stop_at < all.len()).then_some(stop_at);
    if let Some(k) = stop {
        let stopped = scan(&matcher, &hay, Some(k))?;
        ensure_eq!(stopped, all[..=k], "scan stopped at match {k}");
    }

    check_pull(&matcher, &hay, case.batch.max(1), &all)?;
    check_queries(&matcher, &hay, &all)?;
    check_answers(&matcher, &hay, patterns.len(), &all)?;
    let stream_want = match &oracle {
        Some(o) => o.stream(&hay, case.max_line_len().unwrap_or(DEFAULT_MAX_LINE_LEN)),
        None => all.clone(),
    };
    check_stream(&matcher, &hay, case, &stream_want)?;
    check_replace(&matcher, &hay, case, &all, stop)?;
    match &oracle {
        Some(o) => check_captures(&matcher, &hay, o, &all)?,
        None => {
            if let Some(m) = all.first() {
                let c = hayscan_match {
                    pattern: m.pattern,
                    start: m.start,
                    end: m.end,
                };
                let mut groups_len = 7;
                let st = hayscan_matcher_captures(
                    matcher.0,
                    hay.as_ptr().cast(),
                    hay.len(),
                    &c,
                    ptr::null_mut(),
                    0,
                    &mut groups_len,
                );
                ensure_eq!(st, hayscan_status::Unsupported, "captures of a literal set");
                ensure_eq!(groups_len, 7, "captures wrote its out-parameter on failure");
            }
        }
    }
    Ok(())
}

const DEFAULT_MAX_LINE_LEN: usize = 1 << 20;

/// Overlapping matches: the model's multiset, ordered by end offset, empty matches first at
/// each end (the documented order; ties beyond that are the automaton's).
fn check_overlapping(got: &[M], want: &[M]) -> Outcome {
    let mut a = got.to_vec();
    let mut b = want.to_vec();
    a.sort();
    b.sort();
    ensure_eq!(a, b, "overlapping scan vs the model (as sets)");
    for w in got.windows(2) {
        let key = |m: &M| (m.end, !m.is_empty());
        ensure!(
            key(&w[0]) <= key(&w[1]),
            "overlapping matches out of order: {:?}",
            w
        );
    }
    Ok(())
}

fn scan(matcher: &Matcher, hay: &[u8], stop_at: Option<usize>) -> Result<Vec<M>, String> {
    let mut c = Collect::new(stop_at);
    let mut report = hayscan_scan_report {
        matches: 99,
        stopped: 99,
        stop_value: 99,
    };
    let st = hayscan_matcher_scan(
        matcher.0,
        hay.as_ptr().cast(),
        hay.len(),
        Some(collect),
        (&mut c as *mut Collect).cast(),
        &mut report,
    );
    ensure_eq!(
        st,
        hayscan_status::Ok,
        "hayscan_matcher_scan: {}",
        status_name(st)
    );
    ensure_eq!(report.matches, c.got.len(), "scan report.matches");
    let stopped = stop_at.is_some_and(|k| k < c.got.len());
    ensure_eq!(report.stopped, u32::from(stopped), "scan report.stopped");
    ensure_eq!(
        report.stop_value,
        if stopped { c.stop_value } else { 0 },
        "scan report.stop_value"
    );
    Ok(c.got)
}

fn check_pull(matcher: &Matcher, hay: &[u8], batch: usize, all: &[M]) -> Outcome {
    let mut raw = ptr::null_mut();
    let st = hayscan_iter_new(matcher.0, hay.as_ptr().cast(), hay.len(), &mut raw);
    ensure_eq!(st, hayscan_status::Ok, "hayscan_iter_new");
    let iter = Iter(raw);
    let unset = hayscan_match {
        pattern: u32::MAX,
        start: usize::MAX,
        end: usize::MAX,
    };
    let mut pulled = Vec::new();
    loop {
        let mut buf = vec![unset; batch + 1];
        let mut n = usize::MAX;
        let st = hayscan_iter_next(iter.0, buf.as_mut_ptr(), batch, &mut n);
        ensure_eq!(st, hayscan_status::Ok, "hayscan_iter_next");
        ensure!(
            n <= batch,
            "iter_next returned {n} matches for a buffer of {batch}"
        );
        ensure!(
            buf[n..].iter().all(|m| *m == unset),
            "iter_next wrote past its count"
        );
        if n == 0 {
            break;
        }
        ensure!(
            pulled.len() <= all.len(),
            "the iterator yields more than scan"
        );
        pulled.extend(buf[..n].iter().map(|&m| M::from(m)));
    }
    ensure_eq!(pulled, all, "pull iterator (batch {batch}) vs scan");
    let mut n = usize::MAX;
    let mut one = [unset];
    let st = hayscan_iter_next(iter.0, one.as_mut_ptr(), 1, &mut n);
    ensure!(
        st == hayscan_status::Ok && n == 0,
        "a finished iterator yields again"
    );
    Ok(())
}

/// The answers without a callback per match against what scan reported.
fn check_answers(matcher: &Matcher, hay: &[u8], n: usize, all: &[M]) -> Outcome {
    let mut want_counts = vec![0usize; n];
    let mut want_first = vec![None; n];
    for m in all {
        want_counts[m.pattern as usize] += 1;
        want_first[m.pattern as usize].get_or_insert(*m);
    }
    let (h, len) = (hay.as_ptr().cast(), hay.len());
    let mut counts = vec![usize::MAX; n + 1];
    let st = hayscan_matcher_count_by_pattern(matcher.0, h, len, counts.as_mut_ptr(), n + 1);
    ensure_eq!(st, hayscan_status::Ok, "count_by_pattern");
    ensure_eq!(counts[..n], want_counts[..], "count_by_pattern vs scan");
    ensure_eq!(
        counts[n],
        usize::MAX,
        "count_by_pattern wrote past the pattern count"
    );
    let mut ids = vec![u32::MAX; n];
    let mut found = usize::MAX;
    let st = hayscan_matcher_matching_patterns(matcher.0, h, len, ids.as_mut_ptr(), n, &mut found);
    ensure_eq!(st, hayscan_status::Ok, "matching_patterns");
    let want_ids: Vec<u32> = (0..n as u32)
        .filter(|&p| want_counts[p as usize] > 0)
        .collect();
    ensure_eq!(
        ids[..found.min(n)],
        want_ids[..],
        "matching_patterns vs scan"
    );
    let none = hayscan_match {
        pattern: 7,
        start: 7,
        end: 7,
    };
    let mut firsts = vec![none; n];
    let st = hayscan_matcher_first_match_per_pattern(matcher.0, h, len, firsts.as_mut_ptr(), n);
    ensure_eq!(st, hayscan_status::Ok, "first_match_per_pattern");
    for (p, (got, want)) in firsts.iter().zip(&want_first).enumerate() {
        match want {
            Some(w) => ensure_eq!(M::from(*got), *w, "first match of pattern {p}"),
            None => ensure_eq!(got.pattern, HAYSCAN_NO_PATTERN, "pattern {p} has no match"),
        }
    }
    // Many inputs: [hay, hay], in batches of 2 through find_many.
    let inputs = [hayscan_bytes { ptr: h, len }, hayscan_bytes { ptr: h, len }];
    let mut many = [usize::MAX; 2];
    let st = hayscan_matcher_count_many(matcher.0, inputs.as_ptr(), 2, many.as_mut_ptr());
    ensure_eq!(st, hayscan_status::Ok, "count_many");
    ensure_eq!(many, [all.len(), all.len()], "count_many vs scan");
    let mut any = [7u8; 2];
    let st = hayscan_matcher_is_match_many(matcher.0, inputs.as_ptr(), 2, any.as_mut_ptr());
    ensure_eq!(st, hayscan_status::Ok, "is_match_many");
    let hit = u8::from(!all.is_empty());
    ensure_eq!(any, [hit, hit], "is_match_many vs scan");
    let mut cursor = hayscan_many_cursor::default();
    let mut got = Vec::new();
    while cursor.input < 2 {
        let blank = hayscan_input_match { input: 9, m: none };
        let mut buf = [blank; 2];
        let mut k = usize::MAX;
        let st = hayscan_matcher_find_many(
            matcher.0,
            inputs.as_ptr(),
            2,
            &mut cursor,
            buf.as_mut_ptr(),
            2,
            &mut k,
        );
        ensure_eq!(st, hayscan_status::Ok, "find_many");
        ensure!(k <= 2, "find_many wrote {k} of 2");
        got.extend(buf[..k].iter().map(|x| (x.input, M::from(x.m))));
    }
    let want: Vec<(usize, M)> = all
        .iter()
        .map(|m| (0, *m))
        .chain(all.iter().map(|m| (1, *m)))
        .collect();
    ensure_eq!(got, want, "find_many vs scan");
    Ok(())
}

fn check_queries(matcher: &Matcher, hay: &[u8], all: &[M]) -> Outcome {
    let mut count = usize::MAX;
    let st = hayscan_matcher_count(matcher.0, hay.as_ptr().cast(), hay.len(), &mut count);
    ensure_eq!(st, hayscan_status::Ok, "hayscan_matcher_count");
    ensure_eq!(count, all.len(), "count vs scan");

    let mut found = 7;
    let unset = hayscan_match {
        pattern: 77,
        start: 77,
        end: 77,
    };
    let mut first = unset;
    let st = hayscan_matcher_find(
        matcher.0,
        hay.as_ptr().cast(),
        hay.len(),
        &mut first,
        &mut found,
    );
    ensure_eq!(st, hayscan_status::Ok, "hayscan_matcher_find");
    match all.first() {
        Some(m) => {
            ensure_eq!(found, 1, "find found nothing, scan did");
            ensure_eq!(M::from(first), *m, "find vs the first match of scan");
        }
        None => {
            ensure_eq!(found, 0, "find found {first:?}, scan nothing");
            ensure!(first == unset, "find wrote a match while finding none");
        }
    }

    let mut is_match = 7;
    let st = hayscan_matcher_is_match(matcher.0, hay.as_ptr().cast(), hay.len(), &mut is_match);
    ensure_eq!(st, hayscan_status::Ok, "hayscan_matcher_is_match");
    ensure_eq!(is_match, u32::from(!all.is_empty()), "is_match vs scan");

    // A NULL haystack with a length is refused; with length 0 it is the empty haystack.
    let st = hayscan_matcher_count(matcher.0, ptr::null(), 1, &mut count);
    ensure_eq!(
        st,
        hayscan_status::InvalidArgument,
        "count of NULL with length 1"
    );
    Ok(())
}

fn feed_all(stream: &Stream, chunks: &[&[u8]]) -> Result<(usize, Option<usize>), String> {
    let mut delivered = 0;
    for (i, chunk) in chunks.iter().enumerate() {
        let mut report = hayscan_scan_report::default();
        let st = hayscan_stream_feed(stream.0, chunk.as_ptr().cast(), chunk.len(), &mut report);
        ensure_eq!(
            st,
            hayscan_status::Ok,
            "hayscan_stream_feed of chunk {i}: {}",
            status_name(st)
        );
        delivered += report.matches;
        if report.stopped == 1 {
            return Ok((delivered, Some(i)));
        }
    }
    let mut report = hayscan_scan_report::default();
    let st = hayscan_stream_finish(stream.0, &mut report);
    ensure_eq!(st, hayscan_status::Ok, "hayscan_stream_finish");
    delivered += report.matches;
    Ok((delivered, (report.stopped == 1).then_some(chunks.len())))
}

fn check_stream(matcher: &Matcher, hay: &[u8], case: &Case, want: &[M]) -> Outcome {
    let parts = chunks(hay, &case.cuts);
    let filter: Vec<u32> = if want.is_empty() || case.filter.is_empty() {
        Vec::new()
    } else {
        let n = case.patterns.len();
        case.filter.iter().map(|&f| (f % n) as u32).collect()
    };
    let mut all = Collect::new(None);
    let mut some = Collect::new(None);
    {
        let mut raw = ptr::null_mut();
        let st = hayscan_stream_new(matcher.0, &mut raw);
        ensure_eq!(st, hayscan_status::Ok, "hayscan_stream_new");
        let stream = Stream(raw);
        let mut id = 0;
        let st = hayscan_stream_on(
            stream.0,
            Some(collect),
            (&mut all as *mut Collect).cast(),
            Some(release),
            ptr::null(),
            0,
            &mut id,
        );
        ensure!(
            st == hayscan_status::Ok && id > 0,
            "hayscan_stream_on: {st:?}, id {id}"
        );
        if !filter.is_empty() {
            let st = hayscan_stream_on(
                stream.0,
                Some(collect),
                (&mut some as *mut Collect).cast(),
                Some(release),
                filter.as_ptr(),
                filter.len(),
                &mut id,
            );
            ensure_eq!(st, hayscan_status::Ok, "hayscan_stream_on with a filter");
        }
        let (delivered, stopped) = feed_all(&stream, &parts)?;
        ensure_eq!(
            stopped,
            None,
            "a stream stopped by handlers that never stop"
        );
        ensure_eq!(delivered, want.len(), "stream reports' match counts");
        let st = hayscan_stream_feed(stream.0, b"a".as_ptr().cast(), 1, ptr::null_mut());
        ensure_eq!(st, hayscan_status::StreamFinished, "feed after finish");
        ensure_eq!(all.released, 0, "release ran before the stream was freed");
    }
    ensure_eq!(all.got, want, "stream over {:?} vs one-shot", parts);
    let filtered: Vec<M> = want
        .iter()
        .filter(|m| filter.contains(&m.pattern))
        .copied()
        .collect();
    if !filter.is_empty() {
        ensure_eq!(some.got, filtered, "filtered handler ({filter:?})");
        ensure_eq!(some.released, 1, "release of the filtered handler");
    }
    ensure_eq!(all.released, 1, "release of the handler");

    // A handler that stops finishes the stream at that match.
    let stop_at = case.stop_at % (want.len() + 1);
    if stop_at < want.len() {
        let mut stopper = Collect::new(Some(stop_at));
        let mut raw = ptr::null_mut();
        ensure_eq!(
            hayscan_stream_new(matcher.0, &mut raw),
            hayscan_status::Ok,
            "stream_new"
        );
        let stream = Stream(raw);
        let mut id = 0;
        let st = hayscan_stream_on(
            stream.0,
            Some(collect),
            (&mut stopper as *mut Collect).cast(),
            None,
            ptr::null(),
            0,
            &mut id,
        );
        ensure_eq!(st, hayscan_status::Ok, "stream_on");
        let (delivered, stopped) = feed_all(&stream, &parts)?;
        ensure!(
            stopped.is_some(),
            "the stopping handler did not stop the stream"
        );
        ensure_eq!(delivered, stop_at + 1, "matches delivered up to the stop");
        ensure_eq!(
            stopper.got,
            want[..=stop_at],
            "stream stopped at match {stop_at}"
        );
        let st = hayscan_stream_feed(stream.0, ptr::null(), 0, ptr::null_mut());
        ensure_eq!(st, hayscan_status::StreamFinished, "feed after a stop");
        let st = hayscan_stream_finish(stream.0, ptr::null_mut());
        ensure_eq!(st, hayscan_status::StreamFinished, "finish after a stop");
    }
    Ok(())
}

fn check_replace(
    matcher: &Matcher,
    hay: &[u8],
    case: &Case,
    all: &[M],
    stop: Option<usize>,
) -> Outcome {
    let n = case.patterns.len();
    let single = [hayscan_bytes {
        ptr: b"#".as_ptr().cast(),
        len: 1,
    }];
    let per_pattern_bytes: Vec<Vec<u8>> = (0..n as u32).map(replacement_for).collect();
    let per_pattern: Vec<hayscan_bytes> = per_pattern_bytes
        .iter()
        .map(|r| hayscan_bytes {
            ptr: r.as_ptr().cast(),
            len: r.len(),
        })
        .collect();
    let overlapping = case.match_kind == HAYSCAN_MATCH_OVERLAPPING;
    let replace_all = |list: &[hayscan_bytes]| {
        let mut out = ptr::dangling_mut();
        let mut out_len = 12345;
        let st = hayscan_matcher_replace_all(
            matcher.0,
            hay.as_ptr().cast(),
            hay.len(),
            list.as_ptr(),
            list.len(),
            &mut out,
            &mut out_len,
        );
        if st == hayscan_status::Ok {
            (st, Some(take_bytes(out, out_len)))
        } else {
            let untouched = out == ptr::dangling_mut() && out_len == 12345;
            (st, untouched.then(Vec::new))
        }
    };
    for (list, what) in [
        (&single[..], "one replacement"),
        (&per_pattern[..], "per pattern"),
    ] {
        if list.is_empty() {
            continue; // no patterns: only the single replacement is a valid count
        }
        let (st, out) = replace_all(list);
        if overlapping {
            ensure_eq!(
                st,
                hayscan_status::Unsupported,
                "replace_all ({what}) of an overlapping set"
            );
            ensure!(
                out.is_some(),
                "a failed replace_all wrote its out-parameters"
            );
            continue;
        }
        ensure_eq!(
            st,
            hayscan_status::Ok,
            "replace_all ({what}): {}",
            status_name(st)
        );
        let want = if list.len() == 1 && what == "one replacement" {
            rebuilt(hay, all, None, |_| b"#".to_vec())
        } else {
            rebuilt(hay, all, None, replacement_for)
        };
        ensure_eq!(
            out.expect("ok"),
            want,
            "replace_all ({what}) vs rebuilt from matches"
        );
    }
    // A count that is neither 1 nor the pattern count.
    let wrong: Vec<hayscan_bytes> = vec![single[0]; n + 2];
    let (st, out) = replace_all(&wrong);
    ensure_eq!(
        st,
        hayscan_status::InvalidArgument,
        "replace_all with {} replacements",
        n + 2
    );
    ensure!(
        out.is_some(),
        "a failed replace_all wrote its out-parameters"
    );

    for stop in [None, stop] {
        let mut c = Collect::new(stop);
        let mut out = ptr::dangling_mut();
        let mut out_len = 12345;
        let mut report = hayscan_scan_report::default();
        let st = hayscan_matcher_replace_with(
            matcher.0,
            hay.as_ptr().cast(),
            hay.len(),
            Some(replace),
            (&mut c as *mut Collect).cast(),
            &mut out,
            &mut out_len,
            &mut report,
        );
        if overlapping {
            ensure_eq!(
                st,
                hayscan_status::Unsupported,
                "replace_with of an overlapping set"
            );
            ensure!(
                out == ptr::dangling_mut() && out_len == 12345,
                "failed replace_with wrote out"
            );
            ensure!(
                c.got.is_empty(),
                "replace_with of an overlapping set called back"
            );
            return Ok(());
        }
        ensure_eq!(st, hayscan_status::Ok, "replace_with: {}", status_name(st));
        let out = take_bytes(out, out_len);
        let want_seen = stop.map_or(all, |k| &all[..=k]);
        ensure_eq!(
            c.got,
            want_seen,
            "matches seen by replace_with (stop {stop:?})"
        );
        ensure_eq!(
            report.matches,
            want_seen.len(),
            "replace_with report.matches"
        );
        ensure_eq!(
            report.stopped,
            u32::from(stop.is_some()),
            "replace_with report.stopped"
        );
        ensure_eq!(
            out,
            rebuilt(hay, all, stop, replacement_for),
            "replace_with (stop {stop:?}) vs rebuilt from matches"
        );
    }
    Ok(())
}

fn check_captures(matcher: &Matcher, hay: &[u8], oracle: &RegexOracle, all: &[M]) -> Outcome {
    for m in all {
        let want = oracle.captures(hay, m);
        let mut count = 0;
        let st = hayscan_matcher_group_count(matcher.0, m.pattern, &mut count);
        ensure_eq!(st, hayscan_status::Ok, "group_count");
        ensure_eq!(count, want.len(), "group_count of pattern {}", m.pattern);
        let mut spans = vec![hayscan_span { start: 1, end: 1 }; count];
        let mut len = 0;
        let c = hayscan_match {
            pattern: m.pattern,
            start: m.start,
            end: m.end,
        };
        let st = hayscan_matcher_captures(
            matcher.0,
            hay.as_ptr().cast(),
            hay.len(),
            &c,
            spans.as_mut_ptr(),
            spans.len(),
            &mut len,
        );
        ensure_eq!(
            st,
            hayscan_status::Ok,
            "captures of {m:?}: {}",
            status_name(st)
        );
        ensure_eq!(len, count, "captures' group count");
        let got: Vec<Option<(usize, usize)>> = spans
            .iter()
            .map(|s| (s.start != usize::MAX).then_some((s.start, s.end)))
            .collect();
        ensure_eq!(got, want, "capture groups of {m:?}");
    }
    Ok(())
}
