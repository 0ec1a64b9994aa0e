//! Length-preserving Unicode case folding for case-insensitive literal sets.
//!
//! The aho-corasick crate folds ASCII only. For a literal set with non-ASCII patterns we
//! fold patterns and haystack the same way and search the folded haystack case-sensitively.
//! Each character becomes its lowercase form only when that form is one character of the
//! same UTF-8 length, so every byte offset in the folded haystack is the offset in the
//! original: matches need no translation, and streams can fold chunk by chunk.
//! Invalid UTF-8 is copied unchanged.

/// The folded form of one character.
fn fold_char(c: char) -> char {
    // Final sigma folds with sigma (Unicode simple case folding does the same).
    if c == 'ς' {
        return 'σ';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
        _ => c,
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
        // Length-changing pairs are left alone.
        assert_eq!(fold("ẞ".as_bytes()), "ẞ".as_bytes());
        assert_eq!(fold("İ".as_bytes()), "İ".as_bytes());
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
