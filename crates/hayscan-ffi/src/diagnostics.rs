//! Library-wide diagnostics: versions, the live-object count, the calling thread's last
//! error, and a test-only export that panics.

use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::handles;
use crate::status::{self, guard, hayscan_status};

/// Version of this ABI. Bumped on any incompatible change to a signature, struct layout or
/// status value; hosts compare it with the version they were written for and refuse a
/// mismatched library.
#[ffi_export]
pub const HAYSCAN_ABI_VERSION: u32 = 3;

/// The library version as a static NUL-terminated string (e.g. "0.1.0"). Never NULL; the
/// caller must not free it.
#[ffi_export]
pub fn hayscan_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version of the loaded library (`HAYSCAN_ABI_VERSION` of its header).
#[ffi_export]
pub fn hayscan_abi_version() -> u32 {
    HAYSCAN_ABI_VERSION
}

/// Number of live objects allocated by hayscan and not yet freed: matchers, streams,
/// iterators and byte buffers returned to the caller. Tests use it to prove nothing leaks.
#[ffi_export]
pub fn hayscan_live_objects() -> usize {
    handles::live_objects()
}

/// The message of the most recent failure on the calling thread, as a NUL-terminated
/// string owned by hayscan ("" if nothing has failed on this thread). Never NULL. Valid
/// until the next failing call on the same thread; the caller must not free it.
#[ffi_export]
pub fn hayscan_last_error_message() -> *const c_char {
    status::last_error_message()
}

/// For the most recent failure on the calling thread: the index of the invalid pattern if
/// it was `HAYSCAN_STATUS_INVALID_PATTERN`, else -1.
#[ffi_export]
pub fn hayscan_last_error_pattern_index() -> i64 {
    status::last_error_pattern_index()
}

/// Test support: panics inside an export so tests can prove panics become
/// `HAYSCAN_STATUS_PANIC` (with the panic message) and never unwind into C or abort.
/// Returns `HAYSCAN_STATUS_OK` without panicking when `should_panic` is 0.
#[ffi_export]
pub fn hayscan_debug_panic(should_panic: i32) -> hayscan_status {
    guard(|| {
        if should_panic != 0 {
            panic!("hayscan_debug_panic was asked to panic");
        }
        Ok(())
    })
}
