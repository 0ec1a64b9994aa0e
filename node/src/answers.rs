//! Answers without a match object per match (core: `hayscan::Matcher::count_by_pattern`
//! and the rest of `answers.rs`): per-pattern counts, the patterns that occur, the first
//! match of each pattern, one call over a list of inputs, and every match as three typed
//! arrays (columns) instead of objects.
//!
//! Each returns typed arrays built here, so the cost per match is the core's plus a few
//! bytes copied; the JavaScript wrapper turns the few small answers that are lists of
//! objects (`firstMatchPerPattern`, `findMany`) into objects. Offsets follow `findAll`:
//! UTF-16 code units for strings (and `utf8Text` bytes), bytes for `Uint8Array`s.
//!
//! This module uses the matcher's helpers; `matcher` does not use it (no import circle).

use std::ops::{ControlFlow, Range};
use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};
use napi_derive::napi;

use crate::error::{throw, Code};
use crate::haystack::{self, char_start, Input, Units};
use crate::matcher::slot;
use crate::typed_array::typed_array;

/// Per pattern, its number of matches (`Float64Array`: a Buffer over 4 GiB may hold more
/// than 2^32 matches of one pattern).
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array",
    ts_return_type = "Float64Array"
)]
pub fn count_by_pattern<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let hay = haystack::read(env, &haystack, None, "haystack")?;
    let counts = slot.with(env, |m| Ok(m.count_by_pattern(hay.bytes())))?;
    let counts: Vec<f64> = counts.into_iter().map(|c| c as f64).collect();
    typed_array(env, &counts)
}

/// The distinct ids of the patterns that match, ascending.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array",
    ts_return_type = "Uint32Array"
)]
pub fn matching_patterns<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let hay = haystack::read(env, &haystack, None, "haystack")?;
    let ids = slot.with(env, |m| Ok(m.matching_patterns(hay.bytes())))?;
    typed_array(env, &ids)
}

/// Per pattern, `[start, end]` of its first match, or `[-1, -1]` if it does not match.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, utf8Text?: boolean",
    ts_return_type = "Float64Array"
)]
pub fn first_match_per_pattern<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    utf8_text: Option<bool>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let hay = haystack::read(env, &haystack, utf8_text, "haystack")?;
    let bytes = hay.bytes();
    let firsts = slot.with(env, |m| Ok(m.first_match_per_pattern(bytes)))?;
    // Converted in offset order: the converter walks forward (see `haystack::Utf16Map`).
    let mut order: Vec<(usize, usize, usize)> = firsts
        .iter()
        .enumerate()
        .filter_map(|(p, f)| f.map(|m| (m.start, m.end, p)))
        .collect();
    order.sort_unstable();
    let mut units = hay.units();
    let mut flat = vec![-1.0; 2 * firsts.len()];
    for (start, end, p) in order {
        flat[2 * p] = units.convert_start(bytes, start) as f64;
        flat[2 * p + 1] = units.convert(bytes, end) as f64;
    }
    typed_array(env, &flat)
}

/// Every match as columns: `{ pattern: Uint32Array, start: Float64Array, end:
/// Float64Array }`, one entry per match in `findAll` order; no object per match.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, utf8Text?: boolean",
    ts_return_type = "{ pattern: Uint32Array, start: Float64Array, end: Float64Array }"
)]
pub fn find_all_columns<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    utf8_text: Option<bool>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let hay = haystack::read(env, &haystack, utf8_text, "haystack")?;
    let bytes = hay.bytes();
    let mut units = Sparse::new(bytes, hay.is_text());
    let (patterns, starts, ends) = slot.with(env, |m| {
        let mut patterns = Vec::new();
        let mut starts = Vec::new();
        let mut ends = Vec::new();
        // `scan` runs the automaton's own iterator where it can (no cursor step per
        // match), and yields `find_iter`'s matches in its order.
        m.scan(bytes, |found| {
            patterns.push(found.pattern);
            starts.push(units.convert(char_start(bytes, found.start)) as f64);
            ends.push(units.convert(found.end) as f64);
            ControlFlow::Continue(())
        });
        Ok((patterns, starts, ends))
    })?;
    let pattern = typed_array(env, &patterns)?;
    let start = typed_array(env, &starts)?;
    let end = typed_array(env, &ends)?;
    let raw = env.raw();
    let mut object = ptr::null_mut();
    // SAFETY: plain object creation and property writes in this env, with values of it.
    unsafe {
        check_status!(sys::napi_create_object(raw, &mut object))?;
        for (name, value) in [(c"pattern", pattern), (c"start", start), (c"end", end)] {
            check_status!(sys::napi_set_named_property(
                raw,
                object,
                name.as_ptr(),
                value.value().value
            ))?;
        }
        Ok(Unknown::from_raw_unchecked(raw, object))
    }
}

/// Per input of `inputs` (strings or `Uint8Array`s), 1 if any pattern matches, else 0.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, inputs: Array<string | Uint8Array>",
    ts_return_type = "Uint8Array"
)]
pub fn is_match_many<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    inputs: Unknown<'_>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let inputs = Inputs::read(env, &inputs)?;
    let found = slot.with(env, |m| Ok(m.is_match_many(&inputs.slices())))?;
    let found: Vec<u8> = found.into_iter().map(u8::from).collect();
    typed_array(env, &found)
}

/// Per input of `inputs`, its number of matches.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, inputs: Array<string | Uint8Array>",
    ts_return_type = "Float64Array"
)]
pub fn count_many<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    inputs: Unknown<'_>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let inputs = Inputs::read(env, &inputs)?;
    let counts = slot.with(env, |m| Ok(m.count_many(&inputs.slices())))?;
    let counts: Vec<f64> = counts.into_iter().map(|c| c as f64).collect();
    typed_array(env, &counts)
}

/// Every match of every input, flat: `[input, pattern, start, end, ...]`, by input, offsets
/// relative to their input (UTF-16 units for a string input, bytes for a `Uint8Array`).
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, inputs: Array<string | Uint8Array>",
    ts_return_type = "Float64Array"
)]
pub fn find_many<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    inputs: Unknown<'_>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let inputs = Inputs::read(env, &inputs)?;
    let slices = inputs.slices();
    let found = slot.with(env, |m| Ok(m.find_many(&slices)))?;
    let mut flat = Vec::with_capacity(4 * found.len());
    let mut current = usize::MAX;
    let mut units = Units::Bytes;
    for (i, m) in found {
        if i != current {
            current = i;
            units = if inputs.is_text[i] {
                Units::for_text(slices[i])
            } else {
                Units::Bytes
            };
        }
        let bytes = slices[i];
        flat.extend([
            i as f64,
            f64::from(m.pattern),
            units.convert_start(bytes, m.start) as f64,
            units.convert(bytes, m.end) as f64,
        ]);
    }
    typed_array(env, &flat)
}

/// Byte offsets to UTF-16 offsets (the rule of `haystack::Units::convert`: the units of
/// the characters that start before the offset) for text that is mostly ASCII, where a
/// match costs O(1) instead of a walk over the bytes since the previous one: one pass
/// finds the non-ASCII bytes, each a point where the units-minus-bytes difference
/// changes (-1 at a continuation byte, +1 at the lead of a 4-byte sequence).
struct Sparse {
    /// Positions of the points, ascending, and the difference after each.
    points: Vec<(usize, isize)>,
    /// Points before the last converted offset, and the difference there.
    next: usize,
    diff: isize,
    last: usize,
}

impl Sparse {
    fn new(bytes: &[u8], is_text: bool) -> Sparse {
        let mut points = Vec::new();
        if is_text {
            let mut diff = 0;
            let mut at = 0;
            // Eight bytes at a time past ASCII runs.
            while at < bytes.len() {
                if at + 8 <= bytes.len() {
                    let word = u64::from_ne_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
                    if word & 0x8080_8080_8080_8080 == 0 {
                        at += 8;
                        continue;
                    }
                }
                let b = bytes[at];
                if b & 0xC0 == 0x80 {
                    diff -= 1;
                    points.push((at, diff));
                } else if b >= 0xF0 {
                    diff += 1;
                    points.push((at, diff));
                }
                at += 1;
            }
        }
        Sparse {
            points,
            next: 0,
            diff: 0,
            last: 0,
        }
    }

    /// The unit offset of byte offset `at`.
    #[inline]
    fn convert(&mut self, at: usize) -> usize {
        if at < self.last {
            // Backwards (overlapping matches): find the place again.
            self.next = self.points.partition_point(|&(p, _)| p < at);
            self.diff = self.next.checked_sub(1).map_or(0, |i| self.points[i].1);
        }
        while let Some(&(p, d)) = self.points.get(self.next) {
            if p >= at {
                break;
            }
            self.diff = d;
            self.next += 1;
        }
        self.last = at;
        (at as isize + self.diff) as usize
    }
}

/// The inputs of a `_many` call, copied into one buffer: reading an array element may run
/// JavaScript (a getter), which could detach a `Uint8Array` borrowed before it.
struct Inputs {
    bytes: Vec<u8>,
    ranges: Vec<Range<usize>>,
    /// Whether each input is a string (UTF-16 offsets).
    is_text: Vec<bool>,
}

impl Inputs {
    fn read(env: &Env, value: &Unknown<'_>) -> Result<Inputs> {
        let raw = env.raw();
        let array = value.value().value;
        let mut is_array = false;
        // SAFETY: `array` is a live value of this env.
        check_status!(unsafe { sys::napi_is_array(raw, array, &mut is_array) })?;
        if !is_array {
            return throw(
                env,
                Code::InvalidArgument,
                "inputs must be an array of strings or Uint8Arrays",
                None,
            );
        }
        let mut len = 0;
        // SAFETY: `array` is an array of this env.
        check_status!(unsafe { sys::napi_get_array_length(raw, array, &mut len) })?;
        let mut out = Inputs {
            bytes: Vec::new(),
            ranges: Vec::with_capacity(len as usize),
            is_text: Vec::with_capacity(len as usize),
        };
        for i in 0..len {
            let mut item = ptr::null_mut();
            // SAFETY: index within the array's length (a getter may shrink it: then
            // the element reads as undefined and is refused below).
            check_status!(unsafe { sys::napi_get_element(raw, array, i, &mut item) })?;
            let at = out.bytes.len();
            // SAFETY: `item` was just produced by this env.
            let item = unsafe { Unknown::from_raw_unchecked(raw, item) };
            let is_text = match item.get_type()? {
                ValueType::String => {
                    haystack::append_utf8(raw, item.value().value, &mut out.bytes)?;
                    true
                }
                _ => match haystack::classify(env, &item)? {
                    Input::Bytes(b) => {
                        out.bytes.extend_from_slice(b);
                        false
                    }
                    Input::Text(_) | Input::Other => {
                        return throw(
                            env,
                            Code::InvalidArgument,
                            format!("inputs[{i}] must be a string or a Uint8Array (Buffer)"),
                            None,
                        )
                    }
                },
            };
            out.ranges.push(at..out.bytes.len());
            out.is_text.push(is_text);
        }
        Ok(out)
    }

    fn slices(&self) -> Vec<&[u8]> {
        self.ranges.iter().map(|r| &self.bytes[r.clone()]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_agrees_with_units_forwards_and_backwards() {
        let text = "ab€😀cdefghijklmnopé😀😀qrstuvwxyz0123456789ä".repeat(3);
        let bytes = text.as_bytes();
        let mut sparse = Sparse::new(bytes, true);
        let mut units = Units::for_text(bytes);
        let offsets: Vec<usize> = (0..=bytes.len()).chain((0..=bytes.len()).rev()).collect();
        for at in offsets {
            assert_eq!(
                sparse.convert(at),
                units.convert(bytes, at),
                "byte offset {at}"
            );
        }
        let mut plain = Sparse::new(bytes, false);
        assert_eq!(plain.convert(bytes.len()), bytes.len(), "byte input: bytes");
    }
}
