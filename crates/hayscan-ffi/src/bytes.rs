//! Byte strings across the boundary: `hayscan_bytes_t` for borrowed input (pattern and
//! replacement lists) and `hayscan_bytes_free` for the buffers hayscan hands out.

use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::handles;
use crate::status::guard;

/// A borrowed byte string: `len` bytes at `ptr` (not NUL-terminated; may contain NUL).
/// `ptr` may be NULL only when `len` is 0. hayscan never keeps the pointer after the call
/// that received it returns, unless that function says otherwise.
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hayscan_bytes {
    /// First byte, or NULL when `len` is 0.
    pub ptr: *const c_char,
    /// Number of bytes.
    pub len: usize,
}

/// Frees a buffer returned through `(char **out, size_t *out_len)` by hayscan, passing the
/// same pointer and length. NULL is a no-op, and so is a pointer and length hayscan did not
/// hand out or that were freed already (unless hayscan has since returned a new buffer of
/// that length at that address). Never use `free()` on hayscan's buffers.
#[ffi_export]
pub fn hayscan_bytes_free(ptr: *mut c_char, len: usize) {
    let _ = guard(|| {
        handles::free_bytes(ptr, len);
        Ok(())
    });
}

/// The byte strings of a `(list, count)` pair, each checked like any input bytes;
/// `what` names the list in error messages (`patterns[3] is NULL ...`).
pub(crate) fn byte_list<'a>(
    list: *const hayscan_bytes,
    count: usize,
    what: &str,
) -> Result<Vec<&'a [u8]>, crate::status::Fail> {
    let list = handles::array(list, count, what)?;
    let mut slices = Vec::with_capacity(count);
    for (i, b) in list.iter().enumerate() {
        slices.push(handles::bytes(b.ptr, b.len, &format!("{what}[{i}]"))?);
    }
    Ok(slices)
}
