//! Replacement: `hayscan_matcher_replace_all` (fixed replacements) and
//! `hayscan_matcher_replace_with` (a callback writes each one through a
//! `hayscan_replacement_t`).

use std::ffi::c_void;
use std::ops::ControlFlow;

use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::bytes::{byte_list, hayscan_bytes};
use crate::handles::{self, bytes, OpenReplacement};
use crate::matcher::{hayscan_matcher, matcher_of};
use crate::scan::{hayscan_match, hayscan_scan_report, write_report};
use crate::status::{guard, hayscan_status, CallingBack, Fail};

/// Where a `hayscan_on_replace_t` callback writes the replacement for the current match,
/// with `hayscan_replacement_write`. Valid only during that callback, on its thread: a
/// token kept and used later (or from another thread) is refused.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
pub struct hayscan_replacement {
    // Never instantiated: a token names an open slot of a per-thread registry (handles.rs).
    _token: [u8; 0],
}

/// Called for each match of a replace-with operation; write the replacement with
/// `hayscan_replacement_write(dst, ...)`. Return 0 to continue, non-zero to stop.
pub type hayscan_on_replace_t =
    unsafe extern "C" fn(*mut c_void, *const hayscan_match, *mut hayscan_replacement) -> i32;
/// Replaces every match and returns the result as a new buffer. `replacements` holds
/// `count` byte strings: 1 (used for every pattern) or one per pattern (indexed by pattern
/// id). On success `*out`/`*out_len` receive a buffer the caller owns and frees with
/// `hayscan_bytes_free(*out, *out_len)` (also when `*out_len` is 0). Errors:
/// `_INVALID_ARGUMENT` for a wrong `count`, `_UNSUPPORTED` for overlapping matchers.
#[ffi_export]
pub fn hayscan_matcher_replace_all(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    replacements: *const hayscan_bytes,
    count: usize,
    out_ptr: *mut *mut c_char,
    out_len: *mut usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        let with = byte_list(replacements, count, "replacements")?;
        if out_ptr.is_null() || out_len.is_null() {
            return Err(Fail::arg("out or out_len is NULL"));
        }
        let result = m.replace_all(hay, &with)?;
        handles::give_bytes(result, out_ptr, out_len)
    })
}

/// Builds a copy of the haystack in which each match is replaced by whatever
/// `on_replace(user_data, m, dst)` writes with `hayscan_replacement_write(dst, ...)`
/// (nothing written: the match is deleted). `m` and `dst` are valid only during the call,
/// which runs synchronously on the calling thread. A non-zero return stops: that match
/// and the rest of the haystack are copied unchanged (anything written for it is
/// discarded). On success the result goes to `*out`/`*out_len` as with
/// `hayscan_matcher_replace_all`, and `report` (may be NULL) says what happened.
#[ffi_export]
pub fn hayscan_matcher_replace_with(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    on_replace: Option<hayscan_on_replace_t>,
    user_data: *mut c_void,
    out_ptr: *mut *mut c_char,
    out_len: *mut usize,
    report: *mut hayscan_scan_report,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        let on_replace = on_replace.ok_or_else(|| Fail::arg("on_replace is NULL"))?;
        if out_ptr.is_null() || out_len.is_null() {
            return Err(Fail::arg("out or out_len is NULL"));
        }
        // The call's record holds the matcher, not this frame: a host that leaves by a long
        // jump (PHP's `exit` in a callback) skips this frame, and
        // `hayscan_abandoned_calls_free` still drops it (stream.rs does the same).
        // SAFETY: `m` is used only inside this call, before `_nesting` drops.
        let (_nesting, m) = unsafe { CallingBack::enter_holding(m) }?;
        let mut stop_value = 0;
        let mut open_failed = None;
        let (result, r) = m.replace_with(hay, |found, dst| {
            let c = hayscan_match::from(*found);
            // The token is live exactly while the callback runs: closed on drop.
            let token = match OpenReplacement::open(dst) {
                Ok(token) => token,
                Err(fail) => {
                    open_failed = Some(fail);
                    return ControlFlow::Break(());
                }
            };
            // SAFETY: the caller promised `on_replace` is valid for `user_data`.
            stop_value = unsafe { on_replace(user_data, &c, token.token()) };
            drop(token);
            if stop_value != 0 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        if let Some(fail) = open_failed {
            return Err(fail);
        }
        write_report(report, r, stop_value)?;
        handles::give_bytes(result, out_ptr, out_len)
    })
}

/// Appends `len` bytes at `ptr` to the replacement of the current match. `dst` is valid
/// only inside the `hayscan_on_replace_t` callback that received it, on that thread; may be
/// called several times. A `dst` used after its callback returned, from another thread,
/// or that is not a replacement token gives `_INVALID_ARGUMENT` and writes nothing.
#[ffi_export]
pub fn hayscan_replacement_write(
    dst: *mut hayscan_replacement,
    ptr: *const c_char,
    len: usize,
) -> hayscan_status {
    guard(|| {
        let data = bytes(ptr, len, "ptr")?;
        handles::write_replacement(dst, data)
    })
}
