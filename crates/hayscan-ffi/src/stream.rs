//! `hayscan_stream_t`: push scanning of input that arrives in chunks, delivering matches
//! to registered handlers (function, user data, release), each released exactly once.

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::ops::ControlFlow;

use hayscan_core::{Handlers, Stream};
use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::handles::{self, bytes, check_handle, free_handle, into_handle, out, LiveCount};
use crate::matcher::{hayscan_matcher, matcher_of};
use crate::scan::{hayscan_match, hayscan_on_match_t, hayscan_scan_report, write_report};
use crate::status::{guard, hayscan_status, Fail};

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

const STREAM_MAGIC: u64 = 0x6861_7973_7374_726d; // "haysstrm"

// The type tag must be at offset 0 (handles.rs reads it blind).
const _: () = assert!(std::mem::offset_of!(hayscan_stream, magic) == 0);

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
