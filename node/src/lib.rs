//! The Node.js addon of hayscan: napi-rs functions over the core, converting JavaScript values
//! to bytes and matches back to numbers, and forwarding everything else to `hayscan`.
//!
//! This is the native layer of the npm package; the public API is the JavaScript wrapper in
//! `lib/`, which builds match objects from the flat number batches produced here (creating
//! objects in JavaScript is an order of magnitude cheaper than through Node-API) and adds
//! the idioms (classes, iterables, a `Transform` stream, Promises). Matchers, cursors and
//! streams are handles passed to plain functions ([`handle`]). Every export carries
//! `#[napi(catch_unwind)]`, so a Rust panic becomes a JavaScript error instead of an abort.
//!
//! Unit of offsets: for string input, UTF-16 code units (what `String.prototype.slice`
//! takes); for `Uint8Array`/`Buffer` input, bytes. The core works on UTF-8 bytes; see
//! [`haystack`] for the conversion.

mod call;
mod delivery;
mod error;
mod handle;
mod haystack;
mod live;
mod pinned;
mod report;
mod typed_array;
// Public so that the exported functions count as used in every build (napi-derive does not
// register exports in `cfg(test)` builds).
pub mod answers;
pub mod cancel;
pub mod latin1;
pub mod lines;
pub mod matcher;
pub mod stream;
pub mod task;

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// The hayscan version this addon was built from.
#[napi(catch_unwind)]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Number of live native objects in this process (open matchers, cursors and streams,
/// registered stream handlers), over all threads. Tests use it to prove nothing leaks.
#[napi(catch_unwind)]
pub fn live_objects() -> f64 {
    live::count() as f64
}

/// Registers the JavaScript class used for errors raised by this addon in the calling
/// environment (the main thread and each worker register their own). The class is called
/// as `new ErrorClass(message, code, patternIndex)`.
#[napi(catch_unwind, ts_args_type = "errorClass: Function")]
pub fn set_error_class(env: Env, error_class: Unknown<'_>) -> Result<()> {
    error::set_error_class(&env, error_class)
}

/// Panics with `message`, for the test proving that panics become JavaScript errors.
/// Only in builds with the `test-exports` feature; never in a published addon.
#[cfg(feature = "test-exports")]
#[napi(js_name = "__panicForTest", catch_unwind, skip_typescript)]
pub fn panic_for_test(message: String) {
    panic!("{message}");
}
