//! The C ABI of hayscan, written with safer-ffi; `include/hayscan.h` is generated from
//! the doc comments and signatures in this crate (`make header`).
//!
//! This layer converts and forwards: it validates arguments (dynamic hosts pass anything),
//! turns core errors into status codes plus a thread-local message, catches every panic,
//! and owns the handles. All matching behaviour is in the `hayscan` core crate.
//!
//! Conventions (also in docs/c-api.md): every fallible function returns
//! `hayscan_status_t` and writes results through out-parameters, which it leaves untouched
//! on failure; input bytes are `(const char *, size_t)` and may contain NUL; a pointer may be
//! NULL only when its length is 0; handles are freed with their `_free` function, bytes
//! with `hayscan_bytes_free`; callbacks run synchronously on the calling thread.

#![allow(non_camel_case_types)]
// Exported functions take raw pointers from C; each one validates them before use and
// documents its contract in the header, which is what `unsafe fn` would otherwise say.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod handles;
mod status;

use safer_ffi::c_char;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::ops::ControlFlow;
use std::sync::Arc;

use hayscan_core::{Handlers, MatchKind, Matcher, Options, Stream, Syntax};
use safer_ffi::prelude::*;

use handles::{bytes, check_handle, free_handle, into_handle, out, LiveCount};
pub use status::hayscan_status;
use status::{guard, Fail};

/// Version of this ABI. Bumped on any incompatible change to a signature, struct layout or
/// status value; hosts compare it with the version they were written for and refuse a
/// mismatched library.
#[ffi_export]
pub const HAYSCAN_ABI_VERSION: u32 = 1;

/// `hayscan_options_t.syntax`: patterns are literal byte strings (Aho-Corasick).
#[ffi_export]
pub const HAYSCAN_SYNTAX_LITERAL: u32 = 0;
/// `hayscan_options_t.syntax`: patterns are regular expressions (must be UTF-8).
#[ffi_export]
pub const HAYSCAN_SYNTAX_REGEX: u32 = 1;
/// `hayscan_options_t.match_kind`: non-overlapping; at the leftmost position the pattern
/// listed first wins (like a regex alternation). The default.
#[ffi_export]
pub const HAYSCAN_MATCH_LEFTMOST_FIRST: u32 = 0;
/// `hayscan_options_t.match_kind`: non-overlapping; at the leftmost position the longest
/// pattern wins (like PHP's `strtr`). Literal syntax only.
#[ffi_export]
pub const HAYSCAN_MATCH_LEFTMOST_LONGEST: u32 = 1;
/// `hayscan_options_t.match_kind`: every occurrence of every pattern, ordered by end
/// offset. Literal syntax only; not usable with replacement.
#[ffi_export]
pub const HAYSCAN_MATCH_OVERLAPPING: u32 = 2;
/// Current value for `hayscan_options_t.version`.
#[ffi_export]
pub const HAYSCAN_OPTIONS_VERSION: u32 = 1;

/// One match: the pattern's index in the list the matcher was built from and the
/// half-open byte range `[start, end)` in the haystack (absolute offsets in a stream).
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct hayscan_match {
    /// Index of the pattern in the list given to `hayscan_matcher_new`.
    pub pattern: u32,
    /// Byte offset of the first byte of the match.
    pub start: usize,
    /// Byte offset one past the last byte of the match.
    pub end: usize,
}

impl From<hayscan_core::Match> for hayscan_match {
    fn from(m: hayscan_core::Match) -> Self {
        hayscan_match {
            pattern: m.pattern,
            start: m.start,
            end: m.end,
        }
    }
}

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

/// How a matcher is built. Initialise it with `hayscan_options_init` (never field by field
/// from scratch): new fields may be added at the end in later ABI versions.
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hayscan_options {
    /// Must be `HAYSCAN_OPTIONS_VERSION` (set by `hayscan_options_init`).
    pub version: u32,
    /// `HAYSCAN_SYNTAX_LITERAL` (default) or `HAYSCAN_SYNTAX_REGEX`.
    pub syntax: u32,
    /// `HAYSCAN_MATCH_LEFTMOST_FIRST` (default), `_LEFTMOST_LONGEST` or `_OVERLAPPING`.
    pub match_kind: u32,
    /// 0 (default) or 1: match regardless of case, Unicode-aware in both syntaxes.
    pub case_insensitive: u32,
    /// Regex streams only: a line longer than this many bytes is scanned in frames of this
    /// size (default 1 MiB; must be at least 1).
    pub max_line_len: usize,
}

/// What a scan did. Filled by every function that runs callbacks.
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct hayscan_scan_report {
    /// Matches found and delivered, counting the one whose callback stopped the
    /// operation. For streams this counts matches, not handler calls: one match seen by
    /// three handlers counts once (and a match no handler is registered for still counts).
    pub matches: usize,
    /// 1 if a callback returned non-zero and so stopped the operation, else 0.
    pub stopped: u32,
    /// The non-zero value the stopping callback returned (0 if not stopped), so a binding
    /// can tell its own "stop" from "an exception is pending".
    pub stop_value: i32,
}

/// A compiled pattern set. Immutable and thread-safe: one matcher may be used by any
/// number of threads at once. Create with `hayscan_matcher_new`, free with
/// `hayscan_matcher_free`.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
#[repr(C)] // the type tag (`magic`) must be the first field: see handles.rs
pub struct hayscan_matcher {
    magic: u64,
    inner: Arc<Matcher>,
    _live: LiveCount,
}

/// A push scanner over one matcher, with registered handlers. Owned by one thread at a
/// time. Create with `hayscan_stream_new`, free with `hayscan_stream_free`.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
#[repr(C)] // the type tag (`magic`) must be the first field: see handles.rs
pub struct hayscan_stream {
    magic: u64,
    scanner: RefCell<Stream>,
    handlers: Handlers<CHandler>,
    /// The matcher's pattern count, to validate handler filters even while `scanner` is
    /// borrowed by a feed in progress.
    pattern_count: usize,
    /// `hayscan_stream_free` was called while a handler was running: free on return.
    doomed: Cell<bool>,
    _live: LiveCount,
}

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

/// Where a `hayscan_on_replace_t` callback writes the replacement for the current match,
/// with `hayscan_replacement_write`. Valid only during that callback.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
#[repr(C)] // the type tag (`magic`) must be the first field: see handles.rs
pub struct hayscan_replacement {
    magic: u64,
    out: *mut Vec<u8>,
}

const MATCHER_MAGIC: u64 = 0x6861_7973_6d61_7463; // "haysmatc"
const STREAM_MAGIC: u64 = 0x6861_7973_7374_726d; // "haysstrm"
const ITER_MAGIC: u64 = 0x6861_7973_6974_6572; // "haysiter"
const REPLACEMENT_MAGIC: u64 = 0x6861_7973_7265_706c; // "haysrepl"

// The type tag must be at offset 0 of every handle (handles.rs reads it blind).
const _: () = {
    assert!(std::mem::offset_of!(hayscan_matcher, magic) == 0);
    assert!(std::mem::offset_of!(hayscan_stream, magic) == 0);
    assert!(std::mem::offset_of!(hayscan_iter, magic) == 0);
    assert!(std::mem::offset_of!(hayscan_replacement, magic) == 0);
};

/// Called for each match: `user_data` as registered, `m` valid only during the call.
/// Return 0 to continue, non-zero to stop.
pub type hayscan_on_match_t = unsafe extern "C" fn(*mut c_void, *const hayscan_match) -> i32;
/// Called for each match of a replace-with operation; write the replacement with
/// `hayscan_replacement_write(dst, ...)`. Return 0 to continue, non-zero to stop.
pub type hayscan_on_replace_t =
    unsafe extern "C" fn(*mut c_void, *const hayscan_match, *mut hayscan_replacement) -> i32;
/// Releases a stream handler's `user_data`; called exactly once per registration.
pub type hayscan_release_t = unsafe extern "C" fn(*mut c_void);

/// A registered stream handler; dropping it releases `user_data`.
#[derive(Debug)]
struct CHandler {
    on_match: hayscan_on_match_t,
    user_data: *mut c_void,
    release: Option<hayscan_release_t>,
}

impl Drop for CHandler {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            // SAFETY: the registrant promised `release` accepts its `user_data`; the
            // registry drops each handler exactly once and never while it runs.
            unsafe { release(self.user_data) }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Diagnostics

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

// ---------------------------------------------------------------------------------------
// Options and matchers

/// Fills `*opts` with the defaults: current version, literal syntax, leftmost-first,
/// case-sensitive, max_line_len 1 MiB. `opts` must not be NULL.
#[ffi_export]
pub fn hayscan_options_init(opts: *mut hayscan_options) -> hayscan_status {
    guard(|| {
        let defaults = Options::default();
        out(
            opts,
            "opts",
            hayscan_options {
                version: HAYSCAN_OPTIONS_VERSION,
                syntax: HAYSCAN_SYNTAX_LITERAL,
                match_kind: HAYSCAN_MATCH_LEFTMOST_FIRST,
                case_insensitive: 0,
                max_line_len: defaults.max_line_len,
            },
        )
    })
}

fn core_options(opts: *const hayscan_options) -> Result<Options, Fail> {
    if opts.is_null() {
        return Ok(Options::default());
    }
    // SAFETY: non-NULL; the caller passes a pointer to an initialised options struct.
    let o = unsafe { &*opts };
    if o.version != HAYSCAN_OPTIONS_VERSION {
        return Err(Fail::arg(format!(
            "opts->version is {}, expected {HAYSCAN_OPTIONS_VERSION} (initialise options with hayscan_options_init)",
            o.version
        )));
    }
    let syntax = match o.syntax {
        HAYSCAN_SYNTAX_LITERAL => Syntax::Literal,
        HAYSCAN_SYNTAX_REGEX => Syntax::Regex,
        v => return Err(Fail::arg(format!("opts->syntax: unknown value {v}"))),
    };
    let match_kind = match o.match_kind {
        HAYSCAN_MATCH_LEFTMOST_FIRST => MatchKind::LeftmostFirst,
        HAYSCAN_MATCH_LEFTMOST_LONGEST => MatchKind::LeftmostLongest,
        HAYSCAN_MATCH_OVERLAPPING => MatchKind::Overlapping,
        v => return Err(Fail::arg(format!("opts->match_kind: unknown value {v}"))),
    };
    let case_insensitive = match o.case_insensitive {
        0 => false,
        1 => true,
        v => {
            return Err(Fail::arg(format!(
                "opts->case_insensitive must be 0 or 1, got {v}"
            )))
        }
    };
    Ok(Options {
        syntax,
        match_kind,
        case_insensitive,
        max_line_len: o.max_line_len,
    })
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
    out(
        out_matcher,
        "out",
        into_handle(hayscan_matcher {
            magic: MATCHER_MAGIC,
            inner: Arc::new(matcher),
            _live: LiveCount::new(),
        }),
    )
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
        let list = handles::array(patterns, count, "patterns")?;
        let mut slices = Vec::with_capacity(count);
        for (i, p) in list.iter().enumerate() {
            slices.push(bytes(p.ptr, p.len, &format!("patterns[{i}]"))?);
        }
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

/// Frees a matcher. NULL is a no-op. Streams and iterators created from it stay valid
/// (they keep the compiled patterns alive). Must not be called twice for one matcher.
#[ffi_export]
pub fn hayscan_matcher_free(matcher: *mut hayscan_matcher) {
    let _ = guard(|| {
        free_handle(matcher, MATCHER_MAGIC);
        Ok(())
    });
}

/// The compiled matcher behind a handle. The `Arc` is cloned so that a callback that frees
/// the handle mid-scan cannot pull the patterns out from under the scan.
fn matcher_of(matcher: *const hayscan_matcher) -> Result<Arc<Matcher>, Fail> {
    let m = check_handle(matcher, "matcher", MATCHER_MAGIC)?;
    Ok(Arc::clone(&m.inner))
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
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        if out_count.is_null() {
            return Err(Fail::arg("out is NULL"));
        }
        out(out_count, "out", m.count(hay))
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
        let mut stop_value = 0;
        let r = m.scan(hay, |found| {
            let c = hayscan_match::from(found);
            // SAFETY: the caller promised `on_match` is a valid callback for `user_data`.
            stop_value = unsafe { on_match(user_data, &c) };
            if stop_value != 0 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        write_report(report, r, stop_value)
    })
}

fn write_report(
    report: *mut hayscan_scan_report,
    r: hayscan_core::ScanReport,
    stop_value: i32,
) -> Result<(), Fail> {
    if report.is_null() {
        return Ok(());
    }
    out(
        report,
        "report",
        hayscan_scan_report {
            matches: r.matches,
            stopped: u32::from(r.stopped),
            stop_value: if r.stopped { stop_value } else { 0 },
        },
    )
}

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
        let list = handles::array(replacements, count, "replacements")?;
        let mut with = Vec::with_capacity(count);
        for (i, r) in list.iter().enumerate() {
            with.push(bytes(r.ptr, r.len, &format!("replacements[{i}]"))?);
        }
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
        let mut stop_value = 0;
        let (result, r) = m.replace_with(hay, |found, dst| {
            let c = hayscan_match::from(*found);
            let mut writer = hayscan_replacement {
                magic: REPLACEMENT_MAGIC,
                out: dst,
            };
            // SAFETY: the caller promised `on_replace` is valid for `user_data`; `writer`
            // outlives the call, which may only use it during the call.
            stop_value = unsafe { on_replace(user_data, &c, &mut writer) };
            if stop_value != 0 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        write_report(report, r, stop_value)?;
        handles::give_bytes(result, out_ptr, out_len)
    })
}

/// Appends `len` bytes at `ptr` to the replacement of the current match. Only valid inside
/// the `hayscan_on_replace_t` callback that received `dst`; may be called several times.
#[ffi_export]
pub fn hayscan_replacement_write(
    dst: *mut hayscan_replacement,
    ptr: *const c_char,
    len: usize,
) -> hayscan_status {
    guard(|| {
        let w = check_handle(dst, "dst", REPLACEMENT_MAGIC)?;
        let data = bytes(ptr, len, "ptr")?;
        // SAFETY: the magic is only set while the replace-with callback runs, during which
        // `out` points at the live output buffer and nothing else touches it.
        unsafe { (*w.out).extend_from_slice(data) };
        Ok(())
    })
}

/// Frees a buffer returned through `(char **out, size_t *out_len)` by hayscan, passing the
/// same pointer and length. NULL is a no-op. Never use `free()` on hayscan's buffers.
#[ffi_export]
pub fn hayscan_bytes_free(ptr: *mut c_char, len: usize) {
    let _ = guard(|| {
        handles::free_bytes(ptr, len);
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// Pull iterator

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

// ---------------------------------------------------------------------------------------
// Streams

/// Creates a stream over `matcher` (which it keeps alive; the matcher handle may be freed
/// first). On success `*out` receives a stream the caller frees with `hayscan_stream_free`.
/// Literal streams report exactly the matches of a whole-buffer scan however the input is
/// split; regex streams scan line by line (see docs/c-api.md).
#[ffi_export]
pub fn hayscan_stream_new(
    matcher: *const hayscan_matcher,
    out_stream: *mut *mut hayscan_stream,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        if out_stream.is_null() {
            return Err(Fail::arg("out is NULL"));
        }
        let pattern_count = m.pattern_count();
        out(
            out_stream,
            "out",
            into_handle(hayscan_stream {
                magic: STREAM_MAGIC,
                pattern_count,
                scanner: RefCell::new(Stream::new(m)),
                handlers: Handlers::new(),
                doomed: Cell::new(false),
                _live: LiveCount::new(),
            }),
        )
    })
}

/// Registers a handler: `on_match(user_data, m)` is called for each match of the listed
/// pattern ids (`patterns`/`n_patterns`; NULL and 0 for all patterns), synchronously from
/// `hayscan_stream_feed`/`_finish` on the calling thread, in registration order. A non-zero
/// return stops the stream (it is then finished). `release(user_data)` (may be NULL) is
/// called exactly once: by `hayscan_stream_off`, or by `hayscan_stream_free` for handlers
/// still registered — never while the handler is running. On success `*id` receives the
/// registration id (> 0). May be called from inside a handler; the new handler sees
/// matches from the next one on. On failure `release` is not called.
#[ffi_export]
pub fn hayscan_stream_on(
    stream: *mut hayscan_stream,
    on_match: Option<hayscan_on_match_t>,
    user_data: *mut c_void,
    release: Option<hayscan_release_t>,
    patterns: *const u32,
    n_patterns: usize,
    id: *mut u64,
) -> hayscan_status {
    guard(|| {
        let s = check_handle(stream, "stream", STREAM_MAGIC)?;
        let on_match = on_match.ok_or_else(|| Fail::arg("on_match is NULL"))?;
        if id.is_null() {
            return Err(Fail::arg("id is NULL"));
        }
        let filter = if patterns.is_null() && n_patterns == 0 {
            None
        } else {
            let list = handles::array(patterns, n_patterns, "patterns")?;
            let count = s.pattern_count;
            if let Some(bad) = list.iter().find(|&&p| p as usize >= count) {
                return Err(Fail::arg(format!(
                    "pattern id {bad} out of range (matcher has {count} patterns)"
                )));
            }
            Some(list.to_vec())
        };
        let handler = CHandler {
            on_match,
            user_data,
            release,
        };
        out(id, "id", s.handlers.add(handler, filter))
    })
}

/// Unregisters handler `id`: it is not called again after this returns, and its `release`
/// runs now (or, if it is the handler currently running, right after it returns).
/// `HAYSCAN_STATUS_INVALID_ARGUMENT` if `id` is not registered on this stream.
#[ffi_export]
pub fn hayscan_stream_off(stream: *mut hayscan_stream, id: u64) -> hayscan_status {
    guard(|| {
        let s = check_handle(stream, "stream", STREAM_MAGIC)?;
        if s.handlers.remove(id) {
            Ok(())
        } else {
            Err(Fail::arg(format!("no handler with id {id} on this stream")))
        }
    })
}

enum Feed<'a> {
    Chunk(&'a [u8]),
    Finish,
}

fn drive(
    stream: *mut hayscan_stream,
    what: Feed<'_>,
    report: *mut hayscan_scan_report,
) -> Result<(), Fail> {
    let s = check_handle(stream, "stream", STREAM_MAGIC)?;
    let result = {
        let mut scanner = s.scanner.try_borrow_mut().map_err(|_| Fail::busy())?;
        let mut stop_value = 0;
        let on_match = |m: hayscan_core::Match| {
            s.handlers.dispatch(&m, |h, m| {
                let c = hayscan_match::from(*m);
                // SAFETY: the registrant promised `on_match` is valid for `user_data`.
                stop_value = unsafe { (h.on_match)(h.user_data, &c) };
                if stop_value != 0 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
        };
        let r = match what {
            Feed::Chunk(chunk) => scanner.feed(chunk, on_match),
            Feed::Finish => scanner.finish(on_match),
        };
        r.map(|r| (r, stop_value))
    };
    if s.doomed.get() {
        // A handler called hayscan_stream_free during this call: free now that nothing
        // borrows the stream. `s` is not used after this point.
        // SAFETY: `stream` came from `into_handle` and is freed exactly once (here).
        unsafe { handles::drop_handle(stream) };
    }
    let (r, stop_value) = result?;
    write_report(report, r, stop_value)
}

/// Feeds the next `len` bytes at `chunk` (read during the call only) and delivers every
/// match that is now certain to the handlers. `report` (may be NULL) receives the number
/// of matches delivered and whether a handler stopped the stream. Errors:
/// `_STREAM_FINISHED` after `hayscan_stream_finish` or a stop; `_BUSY` when called from one
/// of this stream's own handlers.
#[ffi_export]
pub fn hayscan_stream_feed(
    stream: *mut hayscan_stream,
    chunk: *const c_char,
    len: usize,
    report: *mut hayscan_scan_report,
) -> hayscan_status {
    guard(|| {
        let chunk = bytes(chunk, len, "chunk")?;
        drive(stream, Feed::Chunk(chunk), report)
    })
}

/// Ends the input: delivers the pending matches and finishes the stream (later feeds fail
/// with `_STREAM_FINISHED`). Handlers stay registered until `hayscan_stream_free`.
#[ffi_export]
pub fn hayscan_stream_finish(
    stream: *mut hayscan_stream,
    report: *mut hayscan_scan_report,
) -> hayscan_status {
    guard(|| drive(stream, Feed::Finish, report))
}

/// Frees a stream and releases every handler still registered (each `release` exactly
/// once). NULL is a no-op. Called from one of the stream's own handlers, the stream is
/// freed when the feed or finish call in progress returns.
#[ffi_export]
pub fn hayscan_stream_free(stream: *mut hayscan_stream) {
    let _ = guard(|| {
        let Ok(s) = check_handle(stream, "stream", STREAM_MAGIC) else {
            return Ok(());
        };
        if s.scanner.try_borrow_mut().is_err() {
            s.doomed.set(true);
            return Ok(());
        }
        free_handle(stream, STREAM_MAGIC);
        Ok(())
    });
}

/// Writes the header to `w` (`make header` runs this through the generate-headers binary).
#[cfg(feature = "headers")]
pub fn generate_headers(w: &mut dyn std::io::Write) -> std::io::Result<()> {
    safer_ffi::headers::builder()
        .with_guard("HAYSCAN_H")
        .with_banner(concat!(
            "/* hayscan.h: the C ABI of hayscan.\n",
            " *\n",
            " * Generated by `make header` from crates/hayscan-ffi/src (safer-ffi). Do not edit.\n",
            " * Conventions, ownership rules and a complete example: docs/c-api.md.\n",
            " */\n",
        ))
        .to_writer(w)
        .generate()
}
