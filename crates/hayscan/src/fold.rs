//! Length-preserving Unicode simple case folding for case-insensitive literal sets.
//!
//! The aho-corasick crate folds ASCII only. For a literal set with non-ASCII patterns we
//! fold patterns and haystack the same way and search the folded haystack case-sensitively.
//! Each character becomes the smallest member of its Unicode simple case folding class
//! (the classes regex-syntax uses for `(?i)`, so both syntaxes agree) that has the same
//! UTF-8 length, so every byte offset in the folded haystack is the offset in the original:
//! matches need no translation, and streams can fold chunk by chunk. Members of a class
//! with another UTF-8 length (Kelvin sign `K` / `k`, `ſ` / `s`, `ẞ` / `ß`) are therefore
//! not folded together. ASCII folds to lowercase (no ASCII letter has a same-length
//! non-ASCII case partner). Invalid UTF-8 is copied unchanged.

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
            let same_len: Vec<char> = class
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .filter(|m| m.len_utf8() == c.len_utf8())
                .collect();
            // The representative: the smallest lowercase form of an upper- or titlecase
            // member (so "É" and "é" fold to "é", "Σ" and "ς" to "σ", as lowercasing
            // would), else the smallest member. It depends only on the class and the
            // length, so all members of the same length fold together.
            let rep = same_len
                .iter()
                .filter_map(|&u| lower1(u).filter(|&l| l != u && same_len.contains(&l)))
                .min()
                .or_else(|| same_len.first().copied())
                .unwrap_or(c);
            if rep != c {
                out.push((c, rep));
            }
        }
        out.into_boxed_slice()
    })
}

/// The lowercase form of `c` if it is one character.
fn lower1(c: char) -> Option<char> {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        _ => None,
    }
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

/// Appends the folded form of `src` to `dst` (same length as `src`).
pub(crate) fn fold_into(src: &[u8], dst: &mut Vec<u8>) {
    dst.reserve(src.len());
    for chunk in src.utf8_chunks() {
        let valid = chunk.valid();
        if valid.is_ascii() {
            dst.extend(valid.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            let mut utf8 = [0u8; 4];
            for c in valid.chars() {
                dst.extend_from_slice(fold_char(c).encode_utf8(&mut utf8).as_bytes());
            }
        }
        dst.extend_from_slice(chunk.invalid());
    }
}

/// The folded form of `src`.
pub(crate) fn fold(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    fold_into(src, &mut out);
    out
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

    #[test]
    fn folds_non_ascii_without_changing_length() {
        for (upper, lower) in [("ÉTÉ", "été"), ("ПРИВЕТ", "привет"), ("ΣΑΣ", "σασ")]
        {
            assert_eq!(fold(upper.as_bytes()), fold(lower.as_bytes()));
            assert_eq!(fold(upper.as_bytes()).len(), upper.len());
        }
        // Simple case folding pairs whose lowercase forms differ.
        for (a, b) in [
            ("µ", "μ"),
            ("ϐ", "β"),
            ("ϑ", "θ"),
            ("ϴ", "θ"),
            ("ς", "σ"),
            ("ǅ", "ǆ"),
        ] {
            assert_eq!(fold(a.as_bytes()), fold(b.as_bytes()), "{a} / {b}");
        }
        // Pairs of different UTF-8 length are left apart; no full (multi-character) folds.
        for (a, b) in [("ẞ", "ß"), ("\u{212A}", "k"), ("ſ", "s"), ("İ", "i")] {
            assert_ne!(fold(a.as_bytes()), fold(b.as_bytes()), "{a} / {b}");
            assert_eq!(fold(a.as_bytes()).len(), a.len());
        }
        // Characters of different classes stay different.
        assert_ne!(fold("σ".as_bytes()), fold("θ".as_bytes()));
        assert_eq!(fold("€😀".as_bytes()), "€😀".as_bytes());
        // Representatives are lowercase forms where there is one.
        assert_eq!(fold("ÉΣς".as_bytes()), "éσσ".as_bytes());
    }

    #[test]
    fn invalid_utf8_is_copied() {
        assert_eq!(fold(b"A\xffB\xc3"), b"a\xffb\xc3");
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
