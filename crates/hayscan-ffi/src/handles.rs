//! Handle ownership, argument validation and the live-object count.
//!
//! Handles are `Box`es handed to C as raw pointers. Each carries a magic number checked on
//! entry, so a NULL, a pointer of the wrong handle type or (usually) a freed handle gives
//! `HAYSCAN_STATUS_INVALID_ARGUMENT` instead of undefined behaviour in the common host bugs.

use safer_ffi::c_char;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::status::Fail;

static LIVE: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn live_objects() -> usize {
    LIVE.load(Ordering::SeqCst)
}

/// Counts one live object from creation to drop.
#[derive(Debug)]
pub(crate) struct LiveCount(());

impl LiveCount {
    pub(crate) fn new() -> LiveCount {
        LIVE.fetch_add(1, Ordering::SeqCst);
        LiveCount(())
    }
}

impl Drop for LiveCount {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Every handle type is `#[repr(C)]` with its `u64` type tag first, so the tag can be read
/// before knowing what the pointer really points at.
fn tag_matches<T>(p: *const T, magic: u64) -> bool {
    // SAFETY: the caller passes a pointer obtained from hayscan; every hayscan handle
    // starts with an aligned u64, whatever its type.
    unsafe { p.cast::<u64>().read() == magic }
}

/// Borrows a handle after checking it is non-NULL and carries the type tag `magic`.
pub(crate) fn check_handle<'a, T>(p: *const T, name: &str, magic: u64) -> Result<&'a T, Fail> {
    if p.is_null() {
        return Err(Fail::arg(format!("{name} is NULL")));
    }
    if !tag_matches(p, magic) {
        return Err(Fail::arg(format!(
            "{name} is not a live hayscan handle of the expected type"
        )));
    }
    // SAFETY: non-NULL and tagged as a live `T`.
    Ok(unsafe { &*p })
}

/// Like `check_handle`, for exclusive use (iterators).
pub(crate) fn check_handle_mut<'a, T>(
    p: *mut T,
    name: &str,
    magic: u64,
) -> Result<&'a mut T, Fail> {
    check_handle(p, name, magic)?;
    // SAFETY: checked above; the caller owns the handle and uses it from one thread.
    Ok(unsafe { &mut *p })
}

/// Frees a handle: NULL is a no-op, a pointer without the tag `magic` is left alone (a
/// double free or a wrong type); otherwise the tag is cleared and the handle dropped.
pub(crate) fn free_handle<T>(p: *mut T, magic: u64) {
    if p.is_null() || !tag_matches(p, magic) {
        return;
    }
    // SAFETY: tagged as a live `T` from `into_handle`; clearing the tag first makes a
    // second free of the same pointer a no-op as long as the memory is not reused.
    unsafe {
        p.cast::<u64>().write(0);
        drop_handle(p);
    }
}

/// Drops a handle created by `into_handle`.
///
/// # Safety
/// `p` comes from `into_handle` and is not used afterwards.
pub(crate) unsafe fn drop_handle<T>(p: *mut T) {
    // SAFETY: guaranteed by the caller.
    drop(unsafe { Box::from_raw(p) });
}

/// The `len` bytes at `ptr`, which may be NULL only when `len` is 0.
pub(crate) fn bytes<'a>(ptr: *const c_char, len: usize, name: &str) -> Result<&'a [u8], Fail> {
    array(ptr.cast::<u8>(), len, name)
}

/// The `len` elements at `ptr`, which may be NULL only when `len` is 0.
pub(crate) fn array<'a, T>(ptr: *const T, len: usize, name: &str) -> Result<&'a [T], Fail> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Fail::arg(format!("{name} is NULL but its length is {len}")))
        };
    }
    if len
        .checked_mul(std::mem::size_of::<T>())
        .is_none_or(|n| n > isize::MAX as usize)
    {
        return Err(Fail::arg(format!("{name}: length {len} is too large")));
    }
    // SAFETY: non-NULL, size checked; the caller promises `len` readable elements.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Writes an out-parameter.
pub(crate) fn out<T>(p: *mut T, name: &str, value: T) -> Result<(), Fail> {
    if p.is_null() {
        return Err(Fail::arg(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL; the caller passes writable storage for a `T`.
    unsafe { p.write(value) };
    Ok(())
}

/// Hands a byte buffer to C; freed by `free_bytes` with the same pointer and length.
pub(crate) fn give_bytes(
    data: Vec<u8>,
    out_ptr: *mut *mut c_char,
    out_len: *mut usize,
) -> Result<(), Fail> {
    if out_ptr.is_null() || out_len.is_null() {
        return Err(Fail::arg("out or out_len is NULL"));
    }
    let boxed = data.into_boxed_slice();
    let len = boxed.len();
    let ptr = Box::into_raw(boxed).cast::<c_char>();
    LIVE.fetch_add(1, Ordering::SeqCst);
    out(out_ptr, "out", ptr)?;
    out(out_len, "out_len", len)
}

pub(crate) fn free_bytes(ptr: *mut c_char, len: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: the caller passes back a pointer and length from `give_bytes`.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr.cast::<u8>(), len)) });
    LIVE.fetch_sub(1, Ordering::SeqCst);
}
