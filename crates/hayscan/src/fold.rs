//! Unicode simple case folding for case-insensitive literal sets.
//!
//! The aho-corasick crate folds ASCII only. For a literal set with non-ASCII patterns we
//! fold patterns and haystack the same way and search the folded haystack case-sensitively.
//! Each character becomes one representative of its Unicode simple case folding class (the
//! classes regex-syntax uses for `(?i)`, so both syntaxes agree): the lowercase ASCII member
//! if there is one, else the smallest of the shortest members in UTF-8. Most classes keep
//! one UTF-8 length; a few do not (Kelvin sign `K` / `k`, `ſ` / `s`, `ẞ` / `ß`, `Ω` / `ω`),
//! and there folding shortens the text. [`Shifts`] records where, so that matches found
//! in the folded text are reported at their offsets in the original. Folding never
//! lengthens text. Invalid UTF-8 is copied unchanged.

use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
use std::sync::OnceLock;

/// Above this no character has a case partner (the last cased script, Adlam, ends at
/// U+1E95F); keeps building the table cheap.
const LAST_CASED: u32 = 0x1_EFFF;

/// Sorted `(character, folded form)` for every non-ASCII character whose folded form is
/// another character.
fn table() -> &'static [(char, char)] {
    static TABLE: OnceLock<Box<[(char, char)]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut out = Vec::new();
        for c in (0x80..=LAST_CASED).filter_map(char::from_u32) {
            let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
            class.case_fold_simple();
            let mut members = class.iter().flat_map(|r| r.start()..=r.end());
            let Some(first) = members.next() else {
                continue;
            };
            // Classes are sorted by code point, and UTF-8 length grows with the code
            // point, so the first member is the smallest of the shortest.
            let rep = first.to_ascii_lowercase();
            if rep != c {
                out.push((c, rep));
            }
        }
        out.into_boxed_slice()
    })
}

/// The folded form of one character.
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let table = table();
    match table.binary_search_by_key(&c, |&(from, _)| from) {
        Ok(i) => table[i].1,
        Err(_) => c,
    }
}

/// True if `c` is a non-ASCII character that folds to ASCII (Kelvin sign, long s): the
/// characters an ASCII-only pattern set must look for.
fn folds_to_ascii(c: char) -> bool {
    !c.is_ascii() && fold_char(c).is_ascii()
}

/// True if `hay` holds a character that folds to ASCII (see `folds_to_ascii`). Fast on
/// ASCII text: one `is_ascii` pass.
pub(crate) fn has_ascii_partner(hay: &[u8]) -> bool {
    !hay.is_ascii()
        && hay
            .utf8_chunks()
            .any(|chunk| !chunk.valid().is_ascii() && chunk.valid().chars().any(folds_to_ascii))
}

/// Where folding shortened the text: offsets in the folded text and, for each, how many
/// bytes were removed before it; maps folded offsets back to original ones.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shifts {
    /// `(folded offset just after a shortened character, bytes removed up to there)`,
    /// ascending.
    points: Vec<(usize, usize)>,
    /// Bytes removed before the first point (points forgotten by `forget_before`).
    floor: usize,
    /// Bytes removed in all.
    removed: usize,
}

impl Shifts {
    /// True if no folding so far changed the length.
    pub(crate) fn is_empty(&self) -> bool {
        self.removed == 0
    }

    /// The original offset of folded offset `at`. An offset inside a shortened character
    /// (only a pattern that is not valid UTF-8 can end there) maps inside the original one.
    #[inline]
    pub(crate) fn to_original(&self, at: usize) -> usize {
        let i = self.points.partition_point(|&(p, _)| p <= at);
        at + if i == 0 {
            self.floor
        } else {
            self.points[i - 1].1
        }
    }

    /// Drops what is needed only for offsets below `at` (streams discard their past).
    pub(crate) fn forget_before(&mut self, at: usize) {
        let i = self.points.partition_point(|&(p, _)| p <= at);
        if i > 0 {
            self.floor = self.points[i - 1].1;
            self.points.drain(..i);
        }
    }
}

/// Appends the folded form of `src` to `dst`. `origin` is the folded offset of `dst[0]`;
/// length changes are recorded in `shifts` at `origin + ` their offset in `dst`.
pub(crate) fn fold_into(src: &[u8], dst: &mut Vec<u8>, origin: usize, shifts: &mut Shifts) {
    dst.reserve(src.len());
    for chunk in src.utf8_chunks() {
        let valid = chunk.valid();
        if valid.is_ascii() {
            dst.extend(valid.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            let mut utf8 = [0u8; 4];
            for c in valid.chars() {
                let f = fold_char(c);
                dst.extend_from_slice(f.encode_utf8(&mut utf8).as_bytes());
                if f.len_utf8() != c.len_utf8() {
                    shifts.removed += c.len_utf8() - f.len_utf8();
                    shifts.points.push((origin + dst.len(), shifts.removed));
                }
            }
        }
        dst.extend_from_slice(chunk.invalid());
    }
}

/// The folded form of `src` and where it is shorter.
pub(crate) fn fold(src: &[u8]) -> (Vec<u8>, Shifts) {
    let mut out = Vec::with_capacity(src.len());
    let mut shifts = Shifts::default();
    fold_into(src, &mut out, 0, &mut shifts);
    (out, shifts)
}

/// Number of trailing bytes of `buf` that could be the beginning of a multi-byte character
/// whose remaining bytes have not arrived yet. A stream folds up to (not including) them.
pub(crate) fn incomplete_tail(buf: &[u8]) -> usize {
    for back in 1..=buf.len().min(3) {
        let b = buf[buf.len() - back];
        if b & 0xC0 == 0x80 {
            continue; // continuation byte: look further back for the lead byte
        }
        let need = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return 0,
        };
        return if need > back { back } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(s: &str) -> Vec<u8> {
        fold(s.as_bytes()).0
    }

    #[test]
    fn folds_by_simple_case_folding() {
        for (upper, lower) in [("ÉTÉ", "été"), ("ПРИВЕТ", "привет"), ("ΣΑΣ", "σας")]
        {
            assert_eq!(folded(upper), folded(lower));
            assert_eq!(folded(upper).len(), upper.len());
        }
        // Pairs whose lowercase forms differ, and pairs of different UTF-8 length.
        for (a, b) in [
            ("µ", "μ"),
            ("ϐ", "β"),
            ("ϑ", "θ"),
            ("ϴ", "θ"),
            ("ǅ", "ǆ"),
            ("ϰ", "κ"),
            ("\u{212A}", "k"),
            ("ſ", "S"),
            ("ẞ", "ß"),
            ("\u{2126}", "ω"),
            ("\u{212B}", "å"),
        ] {
            assert_eq!(folded(a), folded(b), "{a} / {b}");
        }
        // No full (multi-character) folds; different classes stay different.
        assert_ne!(folded("ß"), folded("ss"));
        assert_ne!(folded("İ"), folded("i"));
        assert_ne!(folded("σ"), folded("θ"));
        assert_eq!(folded("K€😀"), "k€😀".as_bytes());
    }

    #[test]
    fn shifts_map_folded_offsets_back() {
        // "aKſb": a(1) K(3) ſ(2) b(1) folds to "aksb".
        let (f, shifts) = fold("a\u{212A}ſb".as_bytes());
        assert_eq!(f, b"aksb");
        let original: Vec<usize> = (0..=4).map(|i| shifts.to_original(i)).collect();
        assert_eq!(original, [0, 1, 4, 6, 7]);
        let (_, none) = fold("abc".as_bytes());
        assert!(none.is_empty());
        let mut forgetting = shifts.clone();
        forgetting.forget_before(3);
        assert_eq!(forgetting.to_original(3), 6);
        assert_eq!(forgetting.to_original(4), 7);
    }

    #[test]
    fn ascii_partners_are_found() {
        assert!(!has_ascii_partner(b"kiss"));
        assert!(!has_ascii_partner("été".as_bytes()));
        assert!(has_ascii_partner("é\u{212A}".as_bytes()));
        assert!(has_ascii_partner("ſ".as_bytes()));
    }

    #[test]
    fn invalid_utf8_is_copied() {
        assert_eq!(fold(b"A\xffB\xc3").0, b"a\xffb\xc3");
    }

    #[test]
    fn incomplete_tail_detects_split_characters() {
        assert_eq!(incomplete_tail(b"abc"), 0);
        assert_eq!(incomplete_tail("é".as_bytes()), 0);
        assert_eq!(incomplete_tail(&"é".as_bytes()[..1]), 1);
        assert_eq!(incomplete_tail(&"€".as_bytes()[..2]), 2);
        assert_eq!(incomplete_tail(&"😀".as_bytes()[..3]), 3);
        assert_eq!(incomplete_tail(b"a\xff"), 0);
    }
}
