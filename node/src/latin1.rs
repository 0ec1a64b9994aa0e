//! Latin-1 to UTF-8, for the JavaScript wrapper's string input (`lib/input.js`).
//!
//! V8 stores most strings one byte per character (Latin-1), and copies such a string out
//! with a memcpy (`Buffer#latin1Write`), several times faster than it encodes one to UTF-8
//! (`TextEncoder.encodeInto` runs at about 0.7 GB/s on Latin-1 text with accents). The
//! wrapper copies the string's Latin-1 bytes into the second half of a buffer and this
//! widens them to UTF-8 into its first half, in place: an ASCII run is moved with one
//! memmove, any other byte becomes two.

use std::ops::ControlFlow;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, JsValue};
use napi_derive::napi;

use crate::error::{throw, throw_core, Code};
use crate::matcher::slot;

/// Number of matches of `matcher` (literal syntax) in `haystack`, a string without
/// characters above U+00FF, read as Latin-1 `chunk` characters at a time: each chunk is
/// copied (`slice`, which must be `String.prototype.slice`, then a memcpy) into a buffer
/// that stays in the CPU's cache, widened to UTF-8 there if `widen`, and fed to a stream,
/// so the text crosses memory once instead of being copied whole and then read again.
/// For literal sets a stream's matches are exactly those of one whole-buffer scan, for
/// any split of the input. Without `widen`, the wrapper calls this only for matchers
/// whose Latin-1 answers equal their UTF-8 ones.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string, slice: Function, chunk: number, widen: boolean"
)]
pub fn count_latin1(
    env: Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    slice: Unknown<'_>,
    chunk: u32,
    widen: bool,
) -> Result<f64> {
    let matcher = slot(&env, &matcher)?.matcher(&env)?;
    if matcher.options().syntax != hayscan::Syntax::Literal || chunk == 0 {
        return throw(
            &env,
            Code::InvalidArgument,
            "countLatin1: a literal matcher and a chunk of at least 1",
            None,
        );
    }
    let chunk = chunk as usize;
    let raw = env.raw();
    let text = haystack.value().value;
    let slice = slice.value().value;
    let mut len = 0;
    // SAFETY: a length query (null buffer) on a value of this env; fails unless a string.
    check_status!(unsafe {
        sys::napi_get_value_string_latin1(raw, text, ptr::null_mut(), 0, &mut len)
    })?;
    let mut stream = hayscan::Stream::new(matcher);
    // The Latin-1 chunk goes to `buf[chunk..]`, its UTF-8 form (if widened) to the front.
    let mut buf = vec![0u8; 2 * chunk + 1];
    let mut n = 0usize;
    let mut count = |_| {
        n += 1;
        ControlFlow::Continue(())
    };
    let mut at = 0;
    while at < len {
        let end = (at + chunk).min(len);
        let mut args = [ptr::null_mut(); 2];
        let mut part = ptr::null_mut();
        let mut written = 0;
        // SAFETY: `slice` is called on the string with two numbers; what it returns is
        // copied into `buf[chunk..]`, which has room for `chunk` characters and the NUL
        // Node adds (Node truncates anything longer).
        unsafe {
            check_status!(sys::napi_create_double(raw, at as f64, &mut args[0]))?;
            check_status!(sys::napi_create_double(raw, end as f64, &mut args[1]))?;
            check_status!(sys::napi_call_function(
                raw,
                text,
                slice,
                2,
                args.as_ptr(),
                &mut part
            ))?;
            check_status!(sys::napi_get_value_string_latin1(
                raw,
                part,
                buf.as_mut_ptr().add(chunk).cast(),
                chunk + 1,
                &mut written
            ))?;
        }
        if written != end - at {
            return throw(
                &env,
                Code::InvalidArgument,
                "slice must be String.prototype.slice",
                None,
            );
        }
        let bytes = if widen {
            let w = widen_in_place(&mut buf[..chunk + written], chunk);
            &buf[..w]
        } else {
            &buf[chunk..chunk + written]
        };
        if let Err(e) = stream.feed(bytes, &mut count) {
            return throw_core(&env, e);
        }
        at = end;
    }
    if let Err(e) = stream.finish(&mut count) {
        return throw_core(&env, e);
    }
    Ok(n as f64)
}

/// Converts the Latin-1 text in `buf[at..]` to UTF-8 in `buf[..n]` and returns `n`. `at`
/// must be at least the text's length, the most the UTF-8 form can exceed it by.
#[napi(catch_unwind)]
pub fn latin1_to_utf8(env: Env, mut buf: Uint8ArraySlice<'_>, at: u32) -> Result<u32> {
    // SAFETY: the wrapper's own buffer; no JavaScript runs while the slice is held.
    let buf = unsafe { buf.as_mut() };
    let at = at as usize;
    if at > buf.len() || at < buf.len() - at {
        return throw(
            &env,
            Code::InvalidArgument,
            format!(
                "latin1ToUtf8: offset {at} must be at least the length of the text after it in a buffer of {} bytes",
                buf.len()
            ),
            None,
        );
    }
    Ok(widen_in_place(buf, at) as u32)
}

/// The UTF-8 form of the Latin-1 bytes `buf[at..]`, written to `buf[..n]`; returns `n`.
///
/// Never overwrites a byte not yet read: after reading `r` bytes, `w <= 2r` bytes are
/// written, and `2r <= at + r` because `r <= len <= at`. An ASCII run `r..e` moves to
/// `w..w + (e - r)`, which ends at or before `at + e`, its own end (a memmove); a
/// two-byte character at `w` ends at `w + 2 <= at + r + 1`, the byte just read.
pub(crate) fn widen_in_place(buf: &mut [u8], at: usize) -> usize {
    let len = buf.len() - at;
    assert!(at >= len, "room for the UTF-8 form");
    let (mut r, mut w) = (0, 0);
    while r < len {
        let run = ascii_prefix(&buf[at + r..]);
        if run > 0 {
            buf.copy_within(at + r..at + r + run, w);
            r += run;
            w += run;
        }
        if r < len {
            let b = buf[at + r];
            buf[w] = 0xC0 | (b >> 6);
            buf[w + 1] = 0x80 | (b & 0x3F);
            w += 2;
            r += 1;
        }
    }
    w
}

/// Length of the ASCII prefix of `bytes`, read 32 bytes at a time.
fn ascii_prefix(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    for block in bytes.chunks_exact(32) {
        let word = |k: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&block[8 * k..8 * k + 8]);
            u64::from_ne_bytes(w)
        };
        if (word(0) | word(1) | word(2) | word(3)) & HIGH != 0 {
            break;
        }
        i += 32;
    }
    i + bytes[i..].iter().take_while(|b| b.is_ascii()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` (Latin-1 characters only) widened in a buffer with `at - len` spare bytes.
    fn widen(text: &str, spare: usize) -> Vec<u8> {
        let latin1: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(c as u32).unwrap())
            .collect();
        let at = latin1.len() + spare;
        let mut buf = vec![0xAAu8; at];
        buf.extend_from_slice(&latin1);
        let n = widen_in_place(&mut buf, at);
        buf.truncate(n);
        buf
    }

    #[test]
    fn every_latin1_character_becomes_its_utf8() {
        let all: String = (0u32..=0xFF).map(|c| char::from_u32(c).unwrap()).collect();
        assert_eq!(widen(&all, 0), all.as_bytes());
        for c in 0u32..=0xFF {
            let s = char::from_u32(c).unwrap().to_string();
            assert_eq!(widen(&s, 0), s.as_bytes(), "U+{c:04X}");
        }
    }

    #[test]
    fn mixed_runs_at_every_alignment_and_with_spare_room() {
        let pieces = [
            "abcdefghij",
            "é",
            "ÿ",
            "\u{80}",
            "\0",
            "xyz",
            "ÀÁÂÃÄÅÆÇÈÉ",
            "12345678",
        ];
        let mut seed = 7u32;
        for _ in 0..500 {
            let mut s = String::new();
            for _ in 0..(seed % 12) {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                s.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            for spare in [0, 1, 7, 100] {
                assert_eq!(widen(&s, spare), s.as_bytes(), "{s:?}, {spare} spare");
            }
        }
    }

    #[test]
    fn empty_and_ascii_only() {
        assert_eq!(widen("", 0), b"");
        assert_eq!(
            widen("plain ascii text, long enough for chunks", 0),
            b"plain ascii text, long enough for chunks"
        );
    }
}
