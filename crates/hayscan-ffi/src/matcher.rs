//! `hayscan_matcher_t`: building a compiled pattern set, freeing it, and the scans that
//! run on one haystack in one call (is_match, find, count, the push scan). Capture groups
//! are in `captures.rs`, replacement in `replace.rs`, the pull iterator in `iter.rs`.

use std::ffi::c_void;
use std::sync::Arc;

use hayscan_core::Matcher;
use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::bytes::{byte_list, hayscan_bytes};
use crate::handles::{self, bytes, out, LiveCount, Object};
use crate::options::{core_options, hayscan_options};
use crate::scan::{deliver, hayscan_match, hayscan_on_match_t, hayscan_scan_report, write_report};
use crate::status::{guard, hayscan_status, CallingBack, Fail};

/// A compiled pattern set. Immutable and thread-safe: one matcher may be used by any
/// number of threads at once. Create with `hayscan_matcher_new`, free with
/// `hayscan_matcher_free`.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
pub struct hayscan_matcher {
    // Never instantiated: a handle is a registry token (handles.rs), not an address.
    _token: [u8; 0],
}

fn build_matcher(
    patterns: &[&[u8]],
    opts: *const hayscan_options,
    out_matcher: *mut *mut hayscan_matcher,
) -> Result<(), Fail> {
    if out_matcher.is_null() {
        return Err(Fail::arg("out is NULL"));
    }
    let options = core_options(opts)?;
    let matcher = Matcher::new(patterns, &options)?;
    let handle = handles::register(Object::Matcher(Arc::new(matcher), LiveCount::new()))?;
    out(out_matcher, "out", handle)
}

/// Compiles `count` patterns into a matcher. Pattern `i` (its id in every match) is
/// `patterns[i]`; `patterns` may be NULL only when `count` is 0 (an empty set never
/// matches). `opts` may be NULL for the defaults. The patterns are copied: the caller keeps
/// ownership of `patterns` and may free it when this returns.
///
/// On success `*out` receives a new matcher that the caller owns and frees with
/// `hayscan_matcher_free`. On failure `*out` is unchanged: `HAYSCAN_STATUS_INVALID_PATTERN`
/// (see `hayscan_last_error_pattern_index`), `_UNSUPPORTED`, `_BUILD_FAILED` or
/// `_INVALID_ARGUMENT`.
#[ffi_export]
pub fn hayscan_matcher_new(
    patterns: *const hayscan_bytes,
    count: usize,
    opts: *const hayscan_options,
    out: *mut *mut hayscan_matcher,
) -> hayscan_status {
    guard(|| {
        let slices = byte_list(patterns, count, "patterns")?;
        build_matcher(&slices, opts, out)
    })
}

/// Like `hayscan_matcher_new`, with the patterns packed into one buffer: pattern `i` is
/// the next `lens[i]` bytes of `data` (so `data_len` must equal the sum of `lens`). This
/// lets a host build a 100,000-pattern matcher from one string and one integer array.
/// Nothing is retained after the call.
#[ffi_export]
pub fn hayscan_matcher_new_packed(
    data: *const c_char,
    data_len: usize,
    lens: *const usize,
    count: usize,
    opts: *const hayscan_options,
    out: *mut *mut hayscan_matcher,
) -> hayscan_status {
    guard(|| {
        let data = bytes(data, data_len, "data")?;
        let lens = handles::array(lens, count, "lens")?;
        let mut slices = Vec::with_capacity(count);
        let mut at = 0usize;
        for (i, &len) in lens.iter().enumerate() {
            let end = at
                .checked_add(len)
                .filter(|&e| e <= data.len())
                .ok_or_else(|| {
                    Fail::arg(format!(
                        "lens[{i}] runs past the end of data ({data_len} bytes)"
                    ))
                })?;
            slices.push(&data[at..end]);
            at = end;
        }
        if at != data.len() {
            return Err(Fail::arg(format!(
                "lens add up to {at} bytes but data_len is {data_len}"
            )));
        }
        build_matcher(&slices, opts, out)
    })
}

/// Frees a matcher. NULL is a no-op, and so is a handle that is not a live matcher (freed
/// already, of another type, or not from hayscan). Streams and iterators created from it
/// stay valid (they keep the compiled patterns alive), and so does a scan in progress.
#[ffi_export]
pub fn hayscan_matcher_free(matcher: *mut hayscan_matcher) {
    let _ = guard(|| {
        handles::unregister(matcher, |o| matches!(o, Object::Matcher(..)));
        Ok(())
    });
}

/// The compiled matcher behind a handle. The `Arc` is cloned so that a callback that frees
/// the handle mid-scan cannot pull the patterns out from under the scan.
pub(crate) fn matcher_of(matcher: *const hayscan_matcher) -> Result<Arc<Matcher>, Fail> {
    handles::lookup(matcher, "matcher", "hayscan_matcher_t", |o| match o {
        Object::Matcher(m, _) => Some(Arc::clone(m)),
        _ => None,
    })
}

/// Writes the number of patterns to `*out`.
#[ffi_export]
pub fn hayscan_matcher_pattern_count(
    matcher: *const hayscan_matcher,
    out_count: *mut usize,
) -> hayscan_status {
    guard(|| out(out_count, "out", matcher_of(matcher)?.pattern_count()))
}

/// Writes the heap memory used by the compiled automaton, in bytes, to `*out`.
#[ffi_export]
pub fn hayscan_matcher_memory_usage(
    matcher: *const hayscan_matcher,
    out_bytes: *mut usize,
) -> hayscan_status {
    guard(|| out(out_bytes, "out", matcher_of(matcher)?.memory_usage()))
}

/// Writes 1 to `*out` if any pattern matches in the `len` bytes at `hay`, else 0.
/// `hay` is read during the call only.
#[ffi_export]
pub fn hayscan_matcher_is_match(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    out_found: *mut u32,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        out(out_found, "out", u32::from(m.is_match(hay)))
    })
}

/// Finds the first match. On success writes 1 to `*found` and the match to `*out`, or 0 to
/// `*found` (leaving `*out` unchanged) when nothing matches. `out` and `found` must not be
/// NULL.
#[ffi_export]
pub fn hayscan_matcher_find(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    out_match: *mut hayscan_match,
    found: *mut u32,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        if out_match.is_null() {
            return Err(Fail::arg("out is NULL"));
        }
        match m.find(hay) {
            Some(first) => {
                out(found, "found", 1u32)?;
                out(out_match, "out", first.into())
            }
            None => out(found, "found", 0u32),
        }
    })
}

/// Writes the number of matches to `*out`.
#[ffi_export]
pub fn hayscan_matcher_count(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    out_count: *mut usize,
) -> hayscan_status {
    count_with(matcher, hay, len, out_count, |m, hay| m.count(hay))
}

/// Every count of a buffer: checks the arguments, writes `count(matcher, hay)` to
/// `*out_count`.
pub(crate) fn count_with(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    out_count: *mut usize,
    count: impl FnOnce(&Matcher, &[u8]) -> usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        if out_count.is_null() {
            return Err(Fail::arg("out is NULL"));
        }
        out(out_count, "out", count(&m, hay))
    })
}

/// Calls `on_match(user_data, m)` for each match, in order, synchronously on the calling
/// thread, until it returns non-zero. `m` is valid only during the call. The callback may
/// call back into hayscan (including scanning with this matcher). `report` (may be NULL)
/// receives the number of matches delivered and whether and with which value the callback
/// stopped the scan. `on_match` must not be NULL; `user_data` is passed through untouched.
#[ffi_export]
pub fn hayscan_matcher_scan(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    on_match: Option<hayscan_on_match_t>,
    user_data: *mut c_void,
    report: *mut hayscan_scan_report,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        let on_match = on_match.ok_or_else(|| Fail::arg("on_match is NULL"))?;
        // The call's record holds the matcher, not this frame: a host that leaves by a long
        // jump (PHP's `exit` in a callback) skips this frame, and
        // `hayscan_abandoned_calls_free` still drops it (stream.rs does the same).
        // SAFETY: `m` is used only inside this call, before `_nesting` drops.
        let (_nesting, m) = unsafe { CallingBack::enter_holding(m) }?;
        let mut stop_value = 0;
        let r = m.scan(hay, deliver(on_match, user_data, &mut stop_value));
        write_report(report, r, stop_value)
    })
}
