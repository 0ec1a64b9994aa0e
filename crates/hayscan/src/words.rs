//! Whole-word matching for literal sets (`Options::whole_words`).
//!
//! Why it exists: "find these keywords as words" otherwise means a regex set
//! `\b(?:w1|w2|…)\b`, which leaves the literal automaton for the regex engine. Here the
//! automaton stays, and each candidate is checked at its two edges: it counts only if the
//! character before its start and the character after its end are not word characters
//! (the haystack's ends count as non-word). Word characters are `\w`'s: Unicode's
//! (regex-syntax's `is_word_character`) by default, `[0-9A-Za-z_]` with `ascii_classes`.
//!
//! A rejected candidate must never hide an accepted one. For `["ab", "abc"]` over
//! `"abcd ab"`, leftmost-first would stop at `ab` at 0 (rejected: `c` follows) and skip
//! past it; the answer is the `ab` at 5. So the automaton of a whole-word set is built for
//! *every* match (aho-corasick's standard, overlapping semantics), and the leftmost kinds
//! select among accepted candidates only: the smallest start, then the kind's preference
//! at that start (leftmost-first: the lowest pattern id; leftmost-longest: the longest,
//! then the lowest id). Overlapping matches arrive ordered by end, so once a match ends
//! past `best.start + longest pattern`, no match starting at or before `best.start` can
//! follow and `best` is final. Each search costs the bytes up to that point; the next one
//! starts at the chosen match's end.
//!
//! Empty patterns are refused at build time: an empty string is not a word.

use std::ops::ControlFlow;

use aho_corasick::{self as ac, AhoCorasick};

use crate::{Match, MatchKind};

/// Which characters are word characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WordChars {
    /// `[0-9A-Za-z_]`.
    Ascii,
    /// Unicode's `\w` (alphabetic, marks, decimal digits, connector punctuation, join
    /// controls).
    Unicode,
}

impl WordChars {
    /// True if the character ending at `at` (the one before offset `at`) is a word
    /// character; false at the haystack's start or for invalid UTF-8.
    #[inline]
    pub(crate) fn word_before(self, hay: &[u8], at: usize) -> bool {
        let Some(&last) = at.checked_sub(1).and_then(|i| hay.get(i)) else {
            return false;
        };
        if last.is_ascii() || self == WordChars::Ascii {
            return is_ascii_word(last);
        }
        // The start of the UTF-8 sequence holding `last`: at most three continuation
        // bytes back.
        let lo = at.saturating_sub(4);
        let start = (lo..at)
            .rev()
            .find(|&i| hay[i] & 0xC0 != 0x80)
            .unwrap_or(lo);
        decode(&hay[start..at]).is_some_and(is_unicode_word)
    }

    /// True if the character starting at `at` is a word character; false at the
    /// haystack's end or for invalid UTF-8.
    #[inline]
    pub(crate) fn word_after(self, hay: &[u8], at: usize) -> bool {
        let Some(&first) = hay.get(at) else {
            return false;
        };
        if first.is_ascii() || self == WordChars::Ascii {
            return is_ascii_word(first);
        }
        let width = match first {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return false,
        };
        hay.get(at..at + width)
            .and_then(decode)
            .is_some_and(is_unicode_word)
    }

    /// True if `[start, end)` has no word character on either side.
    #[inline]
    pub(crate) fn is_whole(self, hay: &[u8], start: usize, end: usize) -> bool {
        !self.word_before(hay, start) && !self.word_after(hay, end)
    }
}

#[inline]
fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_unicode_word(c: char) -> bool {
    // The `unicode-perl` tables are compiled in (regex-syntax's default features).
    regex_syntax::try_is_word_character(c).unwrap_or(false)
}

/// The one character `bytes` encodes, if it is exactly one valid UTF-8 character.
fn decode(bytes: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(bytes).ok()?;
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// The first accepted match of a whole-word set starting at or after `from` in `hay`,
/// for the leftmost kinds (see the module docs). `ac` is the set's standard-semantics
/// automaton and `longest` its longest pattern.
pub(crate) fn find_leftmost(
    ac: &AhoCorasick,
    words: WordChars,
    kind: MatchKind,
    longest: usize,
    hay: &[u8],
    from: usize,
) -> Option<Match> {
    if from > hay.len() {
        return None;
    }
    let input = ac::Input::new(hay).span(from..hay.len());
    let mut state = ac::automaton::OverlappingState::start();
    let mut best: Option<Match> = None;
    loop {
        ac.find_overlapping(input.clone(), &mut state);
        let Some(m) = state.get_match() else {
            return best;
        };
        if let Some(b) = best {
            if m.end() > b.start + longest {
                return best;
            }
        }
        if !words.is_whole(hay, m.start(), m.end()) {
            continue;
        }
        let cand = Match {
            pattern: m.pattern().as_u32(),
            start: m.start(),
            end: m.end(),
        };
        best = Some(match best {
            None => cand,
            Some(b) if prefer(kind, &cand, &b) => cand,
            Some(b) => b,
        });
    }
}

/// Every accepted match of a whole-word set in `hay`, in order, in one overlapping pass
/// (the loop under `count`, `scan` and the aggregates; `find_leftmost` restarts the pass
/// per match, which a resumable cursor needs). Leftmost kinds select online: candidates
/// that may still be chosen wait in `pending` (all accepted, starting at or after `pos`,
/// in end order); `best` is final once the automaton reports any match ending past
/// `best.start + longest`, and after it is delivered the pending candidates that start at
/// or after its end compete for the next one.
pub(crate) fn each(
    ac: &AhoCorasick,
    words: WordChars,
    kind: MatchKind,
    longest: usize,
    hay: &[u8],
    f: &mut dyn FnMut(Match) -> ControlFlow<()>,
) -> ControlFlow<()> {
    if kind == MatchKind::Overlapping {
        for m in ac.find_overlapping_iter(hay) {
            if words.is_whole(hay, m.start(), m.end()) {
                f(Match {
                    pattern: m.pattern().as_u32(),
                    start: m.start(),
                    end: m.end(),
                })?;
            }
        }
        return ControlFlow::Continue(());
    }
    let mut pending: Vec<Match> = Vec::new();
    let mut best: Option<Match> = None;
    let mut pos = 0;
    // Delivers `best` while the automaton has moved past where it could be beaten.
    let mut settle = |pending: &mut Vec<Match>,
                      best: &mut Option<Match>,
                      pos: &mut usize,
                      reached: Option<usize>|
     -> ControlFlow<()> {
        while let Some(b) = *best {
            if reached.is_some_and(|end| end <= b.start + longest) {
                break;
            }
            f(b)?;
            *pos = b.end;
            pending.retain(|m| m.start >= *pos);
            *best = pending
                .iter()
                .copied()
                .reduce(|x, y| if prefer(kind, &y, &x) { y } else { x });
        }
        ControlFlow::Continue(())
    };
    for m in ac.find_overlapping_iter(hay) {
        settle(&mut pending, &mut best, &mut pos, Some(m.end()))?;
        if m.start() < pos || !words.is_whole(hay, m.start(), m.end()) {
            continue;
        }
        let cand = Match {
            pattern: m.pattern().as_u32(),
            start: m.start(),
            end: m.end(),
        };
        pending.push(cand);
        best = Some(match best {
            Some(b) if !prefer(kind, &cand, &b) => b,
            _ => cand,
        });
    }
    settle(&mut pending, &mut best, &mut pos, None)
}

/// True if `a` wins over `b` in `kind`'s leftmost selection.
fn prefer(kind: MatchKind, a: &Match, b: &Match) -> bool {
    if a.start != b.start {
        return a.start < b.start;
    }
    match kind {
        MatchKind::LeftmostLongest if a.end != b.end => a.end > b.end,
        _ => a.pattern < b.pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::WordChars::{Ascii, Unicode};

    #[test]
    fn edges_of_the_haystack_are_not_words() {
        assert!(!Unicode.word_before(b"ab", 0));
        assert!(!Unicode.word_after(b"ab", 2));
        assert!(Unicode.word_before(b"ab", 1));
        assert!(Unicode.word_after(b"ab", 1));
    }

    #[test]
    fn unicode_neighbours() {
        let hay = "été_x".as_bytes(); // é is 2 bytes
        assert!(Unicode.word_before(hay, 2)); // é before
        assert!(!Ascii.word_before(hay, 2)); // a continuation byte is not [0-9A-Za-z_]
        assert!(Unicode.word_after(hay, 0));
        assert!(!Ascii.word_after(hay, 0));
        let hay = "a\u{2014}b".as_bytes(); // em dash: not a word character
        assert!(!Unicode.word_after(hay, 1));
        assert!(!Unicode.word_before(hay, 4));
        let hay = "x\u{0301}".as_bytes(); // combining acute: a mark, so \w
        assert!(Unicode.word_after(hay, 1));
        let hay = "1\u{0663}".as_bytes(); // Arabic-Indic digit three
        assert!(Unicode.word_after(hay, 1));
    }

    #[test]
    fn invalid_utf8_is_not_a_word() {
        assert!(!Unicode.word_after(b"a\xC3", 1)); // truncated sequence
        assert!(!Unicode.word_before(b"\xA9a", 1)); // stray continuation byte
        assert!(!Unicode.word_after(b"a\xFFb", 1));
    }
}
