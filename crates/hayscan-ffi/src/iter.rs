//! `hayscan_iter_t`: the pull twin of the push scan, filling a caller's array with a batch
//! of matches per call (one boundary crossing per batch, not per match).

use std::sync::Arc;

use hayscan_core::Matcher;
use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::handles::{self, bytes, free_handle, into_handle, out, LiveCount};
use crate::matcher::{hayscan_matcher, matcher_of};
use crate::scan::hayscan_match;
use crate::status::{guard, hayscan_status, Fail};

/// A pull iterator over the matches of one haystack. Owned by one thread at a time.
/// Create with `hayscan_iter_new`, free with `hayscan_iter_free`.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
#[repr(C)] // the type tag (`magic`) must be the first field: see handles.rs
pub struct hayscan_iter {
    magic: u64,
    matcher: Arc<Matcher>,
    hay: *const u8,
    len: usize,
    cursor: hayscan_core::Cursor,
    _live: LiveCount,
}

const ITER_MAGIC: u64 = 0x6861_7973_6974_6572; // "haysiter"

// The type tag must be at offset 0 (handles.rs reads it blind).
const _: () = assert!(std::mem::offset_of!(hayscan_iter, magic) == 0);

/// Creates a pull iterator over the matches of the `len` bytes at `hay`. The haystack is
/// borrowed, not copied: it must stay valid and unchanged until `hayscan_iter_free`. The
/// iterator keeps the matcher's patterns alive (the matcher handle may be freed first).
/// On success `*out` receives an iterator the caller frees with `hayscan_iter_free`.
#[ffi_export]
pub fn hayscan_iter_new(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    out_iter: *mut *mut hayscan_iter,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        if out_iter.is_null() {
            return Err(Fail::arg("out is NULL"));
        }
        let cursor = m.cursor();
        out(
            out_iter,
            "out",
            into_handle(hayscan_iter {
                magic: ITER_MAGIC,
                matcher: m,
                hay: hay.as_ptr(),
                len: hay.len(),
                cursor,
                _live: LiveCount::new(),
            }),
        )
    })
}

/// Writes up to `cap` next matches to `buf[0..]` and their number to `*n`; `*n == 0` means
/// the iteration is over. `buf` is caller-owned (may be NULL only if `cap` is 0).
/// Batches of a few hundred amortise the call overhead for hosts.
#[ffi_export]
pub fn hayscan_iter_next(
    iter: *mut hayscan_iter,
    buf: *mut hayscan_match,
    cap: usize,
    n: *mut usize,
) -> hayscan_status {
    guard(|| {
        let it = handles::check_handle_mut(iter, "iter", ITER_MAGIC)?;
        if buf.is_null() && cap > 0 {
            return Err(Fail::arg("buf is NULL but cap is not 0"));
        }
        if n.is_null() {
            return Err(Fail::arg("n is NULL"));
        }
        // SAFETY: the caller promised the haystack outlives the iterator unchanged.
        let hay = unsafe { std::slice::from_raw_parts(it.hay, it.len) };
        let mut filled = 0;
        while filled < cap {
            let Some(m) = it.matcher.next_match(hay, &mut it.cursor) else {
                break;
            };
            // SAFETY: `buf` holds `cap` elements and `filled < cap`.
            unsafe { buf.add(filled).write(m.into()) };
            filled += 1;
        }
        out(n, "n", filled)
    })
}

/// Frees an iterator. NULL is a no-op.
#[ffi_export]
pub fn hayscan_iter_free(iter: *mut hayscan_iter) {
    let _ = guard(|| {
        free_handle(iter, ITER_MAGIC);
        Ok(())
    });
}
