//! `hayscan_iter_t`: the pull twin of the push scan, filling a caller's array with a batch
//! of matches per call (one boundary crossing per batch, not per match).

use std::sync::{Arc, Mutex, TryLockError};

use hayscan_core::Matcher;
use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::handles::{self, bytes, out, LiveCount, Object};
use crate::matcher::{hayscan_matcher, matcher_of};
use crate::scan::hayscan_match;
use crate::status::{guard, hayscan_status, Fail};

/// A pull iterator over the matches of one haystack. Used by one thread at a time (a
/// call from another thread while one is in progress gets `BUSY`). Create with
/// `hayscan_iter_new`, free with `hayscan_iter_free`.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
pub struct hayscan_iter {
    // Never instantiated: a handle is a registry token (handles.rs), not an address.
    _token: [u8; 0],
}

/// What an iterator handle names in the registry.
#[derive(Debug)]
pub(crate) struct IterObject {
    state: Mutex<IterState>,
    _live: LiveCount,
}

#[derive(Debug)]
struct IterState {
    matcher: Arc<Matcher>,
    hay: *const u8,
    len: usize,
    cursor: hayscan_core::Cursor,
}

// SAFETY: `hay` is only read, and the caller of `hayscan_iter_new` promised it stays valid
// and unchanged until the iterator is freed, whichever thread reads it.
unsafe impl Send for IterState {}

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
        let handle = handles::register(Object::Iter(Arc::new(IterObject {
            state: Mutex::new(IterState {
                matcher: m,
                hay: hay.as_ptr(),
                len: hay.len(),
                cursor,
            }),
            _live: LiveCount::new(),
        })))?;
        out(out_iter, "out", handle)
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
        let object = handles::lookup(iter, "iter", "hayscan_iter_t", |o| match o {
            Object::Iter(it) => Some(Arc::clone(it)),
            _ => None,
        })?;
        // No callback runs under this lock, so only another thread can be holding it.
        let mut it = match object.state.try_lock() {
            Ok(it) => it,
            Err(TryLockError::WouldBlock) => return Err(Fail::busy_elsewhere("iterator")),
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
        };
        let it = &mut *it;
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

/// Frees an iterator. NULL is a no-op, and so is a handle that is not a live iterator
/// (freed already, of another type, or not from hayscan).
#[ffi_export]
pub fn hayscan_iter_free(iter: *mut hayscan_iter) {
    let _ = guard(|| {
        handles::unregister(iter, |o| matches!(o, Object::Iter(_)));
        Ok(())
    });
}
