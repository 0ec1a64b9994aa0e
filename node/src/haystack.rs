//! JavaScript input to bytes, and byte offsets back to the caller's units.
//!
//! A string is converted to UTF-8 once per call (unavoidable: the core searches bytes) and
//! its matches are reported in UTF-16 code units. A `Uint8Array` (including `Buffer`) is
//! borrowed without a copy and its matches are reported in bytes.
//!
//! Byte offsets become UTF-16 offsets with [`Utf16Map`], a cursor that walks the UTF-8
//! bytes from one requested offset to the next, so a whole scan costs one pass over the
//! text, not one pass per match. Every UTF-8 lead byte is one UTF-16 unit, except the lead
//! of a 4-byte sequence (a character outside the BMP, i.e. a surrogate pair), which is two;
//! continuation bytes are none. Lone surrogates in a JS string are converted by V8 to
//! U+FFFD (3 bytes, one unit), so offsets stay exact for any string.

use std::ffi::c_char;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};

use crate::error::{throw, Code};

/// Input of one call.
#[derive(Debug)]
pub(crate) enum Haystack<'a> {
    /// A string, converted to UTF-8 here; offsets are reported in UTF-16 code units.
    Text(Vec<u8>),
    /// The UTF-8 encoding of a string, made by the caller (the JavaScript wrapper encodes
    /// long strings with `TextEncoder.encodeInto`, several times faster than Node-API's
    /// conversion); borrowed for the call, offsets in UTF-16 code units.
    Utf8(&'a [u8]),
    /// The bytes of a `Uint8Array`, borrowed for the call; offsets are bytes.
    Bytes(&'a [u8]),
}

impl Haystack<'_> {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Haystack::Text(b) => b,
            Haystack::Utf8(b) | Haystack::Bytes(b) => b,
        }
    }

    /// True if the input is (the encoding of) a string: UTF-16 offsets, string output.
    pub(crate) fn is_text(&self) -> bool {
        !matches!(self, Haystack::Bytes(_))
    }

    /// The offset converter for this input (see [`Units`]).
    pub(crate) fn units(&self) -> Units {
        if self.is_text() {
            Units::for_text(self.bytes())
        } else {
            Units::Bytes
        }
    }
}

/// The kind of a JavaScript value as far as input goes.
pub(crate) enum Input<'a> {
    Text(Vec<u8>),
    Bytes(&'a [u8]),
    Other,
}

/// Classifies `value` as a string (converted to UTF-8), a `Uint8Array` (borrowed) or
/// something else. The borrow is valid until the native call returns, provided no
/// JavaScript runs in between (JavaScript could detach the buffer).
pub(crate) fn classify<'a>(env: &Env, value: &Unknown<'a>) -> Result<Input<'a>> {
    let raw = value.value().value;
    match value.get_type()? {
        ValueType::String => Ok(Input::Text(string_to_utf8(env.raw(), raw)?)),
        ValueType::Object => {
            let mut is_typed = false;
            // SAFETY: `raw` is a live value of this env.
            check_status!(unsafe { sys::napi_is_typedarray(env.raw(), raw, &mut is_typed) })?;
            if !is_typed {
                return Ok(Input::Other);
            }
            let mut kind = 0;
            let mut len = 0;
            let mut data = ptr::null_mut();
            let mut arraybuffer = ptr::null_mut();
            let mut offset = 0;
            // SAFETY: `raw` is a typed array of this env.
            check_status!(unsafe {
                sys::napi_get_typedarray_info(
                    env.raw(),
                    raw,
                    &mut kind,
                    &mut len,
                    &mut data,
                    &mut arraybuffer,
                    &mut offset,
                )
            })?;
            if kind != sys::TypedarrayType::uint8_array {
                return Ok(Input::Other);
            }
            if len == 0 || data.is_null() {
                return Ok(Input::Bytes(&[]));
            }
            // SAFETY: V8 guarantees `len` readable bytes at `data` while the array is
            // attached; callers do not run JavaScript while the borrow is alive.
            Ok(Input::Bytes(unsafe {
                std::slice::from_raw_parts(data.cast::<u8>(), len)
            }))
        }
        _ => Ok(Input::Other),
    }
}

/// Reads a haystack argument: a string or a `Uint8Array`. With `utf8_text`, a
/// `Uint8Array` is the UTF-8 encoding of a string (see [`Haystack::Utf8`]).
pub(crate) fn read<'a>(
    env: &Env,
    value: &Unknown<'a>,
    utf8_text: Option<bool>,
    what: &str,
) -> Result<Haystack<'a>> {
    match classify(env, value)? {
        Input::Text(b) => Ok(Haystack::Text(b)),
        Input::Bytes(b) if utf8_text == Some(true) => Ok(Haystack::Utf8(b)),
        Input::Bytes(b) => Ok(Haystack::Bytes(b)),
        Input::Other => throw(
            env,
            Code::InvalidArgument,
            format!("{what} must be a string or a Uint8Array (Buffer)"),
            None,
        ),
    }
}

/// Reads a string or `Uint8Array` as owned bytes (patterns, replacements).
pub(crate) fn read_owned(env: &Env, value: &Unknown<'_>, what: &str) -> Result<Vec<u8>> {
    match classify(env, value)? {
        Input::Text(b) => Ok(b),
        Input::Bytes(b) => Ok(b.to_vec()),
        Input::Other => throw(
            env,
            Code::InvalidArgument,
            format!("{what} must be a string or a Uint8Array (Buffer)"),
            None,
        ),
    }
}

/// Reads an array of strings / `Uint8Array`s as owned byte strings.
pub(crate) fn read_list(env: &Env, value: &Unknown<'_>, what: &str) -> Result<Vec<Vec<u8>>> {
    let raw = value.value().value;
    let mut is_array = false;
    // SAFETY: `raw` is a live value of this env.
    check_status!(unsafe { sys::napi_is_array(env.raw(), raw, &mut is_array) })?;
    if !is_array {
        return throw(
            env,
            Code::InvalidArgument,
            format!("{what} must be an array of strings or Uint8Arrays"),
            None,
        );
    }
    let mut len = 0;
    // SAFETY: `raw` is an array of this env.
    check_status!(unsafe { sys::napi_get_array_length(env.raw(), raw, &mut len) })?;
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut item = ptr::null_mut();
        // SAFETY: index within the array's length.
        check_status!(unsafe { sys::napi_get_element(env.raw(), raw, i, &mut item) })?;
        // SAFETY: `item` was just produced by this env.
        let item = unsafe { Unknown::from_raw_unchecked(env.raw(), item) };
        out.push(read_owned(env, &item, &format!("{what}[{i}]"))?);
    }
    Ok(out)
}

/// Converts a JavaScript string to UTF-8 (lone surrogates become U+FFFD).
pub(crate) fn string_to_utf8(env: sys::napi_env, value: sys::napi_value) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    append_utf8(env, value, &mut buf)?;
    Ok(buf)
}

/// Below this many bytes, a string is converted in one Node-API call instead of two.
const SHORT_STRING: usize = 512;

/// Appends the UTF-8 form of a JavaScript string to `dst` (one copy, no temporary).
pub(crate) fn append_utf8(
    env: sys::napi_env,
    value: sys::napi_value,
    dst: &mut Vec<u8>,
) -> Result<()> {
    let at = dst.len();
    // First try a buffer that fits any short string, saving the length query. Node writes
    // whole characters only (at most 4 bytes each) and keeps one byte for a NUL, so if at
    // least 5 bytes stay free the string was converted completely.
    dst.reserve(SHORT_STRING);
    let room = dst.capacity() - at;
    let mut written = 0;
    // SAFETY: `dst` has `room` writable bytes after `at`.
    check_status!(unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            dst.as_mut_ptr().add(at).cast::<c_char>(),
            room,
            &mut written,
        )
    })?;
    if written + 5 <= room {
        // SAFETY: Node initialised `written` bytes after `at`.
        unsafe { dst.set_len(at + written) };
        return Ok(());
    }
    let mut len = 0;
    // SAFETY: a length query (null buffer) on a string value of this env.
    check_status!(unsafe {
        sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len)
    })?;
    dst.reserve(len + 1);
    // SAFETY: `dst` has room for `len` bytes plus the NUL Node writes after them.
    check_status!(unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            dst.as_mut_ptr().add(at).cast::<c_char>(),
            len + 1,
            &mut written,
        )
    })?;
    // SAFETY: Node initialised `written <= len` bytes after `at`.
    unsafe { dst.set_len(at + written) };
    Ok(())
}

/// Converts byte offsets of one haystack to the caller's units.
#[derive(Debug)]
pub(crate) enum Units {
    /// Offsets are reported in bytes (byte input, or ASCII text where bytes = units).
    Bytes,
    /// Text with non-ASCII characters: walk the bytes.
    Utf16(Utf16Map),
}

impl Units {
    pub(crate) fn for_text(bytes: &[u8]) -> Units {
        if bytes.is_ascii() {
            Units::Bytes
        } else {
            Units::Utf16(Utf16Map::default())
        }
    }

    /// The unit offset of byte offset `at` in `bytes` (the haystack this converter was
    /// made for).
    #[inline]
    pub(crate) fn convert(&mut self, bytes: &[u8], at: usize) -> usize {
        match self {
            Units::Bytes => at,
            Units::Utf16(map) => map.units_at(bytes, at),
        }
    }

    /// The unit offset of the start of a match at byte offset `at`: like
    /// [`Units::convert`], but an offset inside a character (a byte pattern can match part
    /// of one) rounds down to the start of that character. `convert` itself rounds up to
    /// its end, which is what a match end needs: the reported range then covers every
    /// character the match touches.
    #[inline]
    pub(crate) fn convert_start(&mut self, bytes: &[u8], at: usize) -> usize {
        match self {
            Units::Bytes => at,
            Units::Utf16(map) => map.units_at(bytes, char_start(bytes, at)),
        }
    }

    /// The inverse of [`Units::convert`]: the byte offset of unit offset `unit` in
    /// `bytes`, if a character starts there or `unit` is the end (`None` beyond the end
    /// or between the halves of a surrogate pair). Leaves the converter at that offset,
    /// so converting offsets near it next costs only the bytes in between.
    pub(crate) fn byte_offset(&mut self, bytes: &[u8], unit: usize) -> Option<usize> {
        match self {
            Units::Bytes => (unit <= bytes.len()).then_some(unit),
            Units::Utf16(map) => {
                // Walk on from the converter's position when it is not past `unit`.
                let from = if unit >= map.unit() {
                    *map
                } else {
                    Utf16Map::default()
                };
                let at = from.byte() + byte_at_unit(&bytes[from.byte()..], unit - from.unit())?;
                *map = Utf16Map::at(at, unit);
                Some(at)
            }
        }
    }
}

/// `at`, or the start of the character `at` falls inside of (UTF-8 `bytes`).
#[inline]
pub(crate) fn char_start(bytes: &[u8], mut at: usize) -> usize {
    while at > 0 && at < bytes.len() && bytes[at] & 0xC0 == 0x80 {
        at -= 1;
    }
    at
}

/// The byte offset in UTF-8 `bytes` of the character at UTF-16 offset `unit` (see the
/// module docs for the rule), or of the end if `unit` is the length in units. `bytes`
/// starts at a character boundary.
fn byte_at_unit(bytes: &[u8], unit: usize) -> Option<usize> {
    let mut units = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if units == unit {
                return Some(i);
            }
            units += 1 + usize::from(b >= 0xF0);
            if units > unit {
                return None;
            }
        }
    }
    (units == unit).then_some(bytes.len())
}

/// A position in UTF-8 bytes and the matching UTF-16 offset; moves in either direction.
/// Moving forward costs the bytes skipped; the only backward moves (overlapping matches
/// start before the previous one ended) are bounded by the longest pattern.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Utf16Map {
    byte: usize,
    unit: usize,
}

impl Utf16Map {
    /// A map positioned at `byte`, which is at UTF-16 offset `unit`.
    pub(crate) fn at(byte: usize, unit: usize) -> Utf16Map {
        Utf16Map { byte, unit }
    }

    pub(crate) fn byte(&self) -> usize {
        self.byte
    }

    pub(crate) fn unit(&self) -> usize {
        self.unit
    }

    /// The UTF-16 offset of byte offset `target`; `bytes[0]` is at byte offset 0 of this
    /// map's coordinates.
    #[inline]
    pub(crate) fn units_at(&mut self, bytes: &[u8], target: usize) -> usize {
        if target >= self.byte {
            self.unit += utf16_len(&bytes[self.byte..target]);
        } else {
            self.unit -= utf16_len(&bytes[target..self.byte]);
        }
        self.byte = target;
        self.unit
    }
}

/// Number of UTF-16 units encoded by `bytes` (see the module docs for the rule).
#[inline]
pub(crate) fn utf16_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_match_rust_encoding() {
        let text = "a€😀bé😀";
        let bytes = text.as_bytes();
        let mut map = Utf16Map::default();
        let mut units = 0;
        let mut forward = Vec::new();
        for (i, c) in text.char_indices() {
            assert_eq!(map.units_at(bytes, i), units);
            forward.push((i, units));
            units += c.len_utf16();
        }
        assert_eq!(map.units_at(bytes, bytes.len()), units);
        for &(i, u) in forward.iter().rev() {
            assert_eq!(map.units_at(bytes, i), u, "backwards to {i}");
        }
    }

    #[test]
    fn unit_offsets_back_to_bytes() {
        let text = "a€😀bé";
        let bytes = text.as_bytes();
        let mut units = Units::for_text(bytes);
        let mut unit = 0;
        for (i, c) in text.char_indices() {
            assert_eq!(units.byte_offset(bytes, unit), Some(i), "unit {unit}");
            assert_eq!(units.convert(bytes, i), unit, "converter left at {i}");
            if c.len_utf16() == 2 {
                assert_eq!(units.byte_offset(bytes, unit + 1), None, "inside a pair");
            }
            unit += c.len_utf16();
        }
        assert_eq!(units.byte_offset(bytes, unit), Some(bytes.len()));
        assert_eq!(units.byte_offset(bytes, unit + 1), None);
        assert_eq!(Units::Bytes.byte_offset(b"abc", 3), Some(3));
        assert_eq!(Units::Bytes.byte_offset(b"abc", 4), None);
    }

    #[test]
    fn offsets_inside_a_character_round_outwards() {
        let text = "aé😀b";
        let bytes = text.as_bytes();
        let mut units = Units::for_text(bytes);
        // é is bytes 1..3 (unit 1), 😀 bytes 3..7 (units 2..4).
        assert_eq!(units.convert_start(bytes, 2), 1);
        assert_eq!(units.convert(bytes, 2), 2);
        for inside in 4..7 {
            assert_eq!(
                units.convert_start(bytes, inside),
                2,
                "start at byte {inside}"
            );
            assert_eq!(units.convert(bytes, inside), 4, "end at byte {inside}");
        }
        assert_eq!(units.convert_start(bytes, 7), 4);
    }

    #[test]
    fn ascii_text_uses_byte_offsets() {
        assert!(matches!(Units::for_text(b"plain"), Units::Bytes));
        assert!(matches!(Units::for_text("é".as_bytes()), Units::Utf16(_)));
    }
}
