//! `hayscan_stream_t`: push scanning of input that arrives in chunks, delivering matches
//! to registered handlers (function, user data, release), each released exactly once.

use std::cell::RefCell;
use std::ffi::c_void;
use std::ops::ControlFlow;
use std::sync::Arc;

use hayscan_core::{Handlers, Stream};
use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::handles::{self, bytes, out, LiveCount, Object, ThreadOwner};
use crate::matcher::{hayscan_matcher, matcher_of};
use crate::scan::{hayscan_match, hayscan_on_match_t, hayscan_scan_report, write_report};
use crate::status::{guard, hayscan_status, CallingBack, Fail};

/// A push scanner over one matcher, with registered handlers. Used by one thread at a
/// time (a call from another thread while one is in progress gets `BUSY`). Create with
/// `hayscan_stream_new`, free with `hayscan_stream_free`.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
pub struct hayscan_stream {
    // Never instantiated: a handle is a registry token (handles.rs), not an address.
    _token: [u8; 0],
}

/// What a stream handle names in the registry.
#[derive(Debug)]
pub(crate) struct StreamObject {
    /// Every access to `scanner` and `handlers` happens inside `owner.enter()`.
    owner: ThreadOwner,
    scanner: RefCell<Stream>,
    handlers: Handlers<CHandler>,
    /// The matcher's pattern count, to validate handler filters even while `scanner` is
    /// borrowed by a feed in progress.
    pattern_count: usize,
    _live: LiveCount,
}

// SAFETY: the registry is shared by all threads, but a stream's non-thread-safe parts (the
// RefCell, the handler list's Rc and RefCell, the host's user_data pointers) are only
// touched by the one thread `owner` admits at a time, or by the drop of the last `Arc`,
// which happens after every other user has let go.
unsafe impl Send for StreamObject {}
// SAFETY: as above.
unsafe impl Sync for StreamObject {}

fn stream_of(stream: *const hayscan_stream) -> Result<Arc<StreamObject>, Fail> {
    handles::lookup(stream, "stream", "hayscan_stream_t", |o| match o {
        Object::Stream(s) => Some(Arc::clone(s)),
        _ => None,
    })
}

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
        let handle = handles::register(Object::Stream(Arc::new(StreamObject {
            owner: ThreadOwner::new(),
            pattern_count,
            scanner: RefCell::new(Stream::new(m)),
            handlers: Handlers::new(),
            _live: LiveCount::new(),
        })))?;
        out(out_stream, "out", handle)
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
        let s = stream_of(stream)?;
        let _inside = s.owner.enter("stream")?;
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
        let s = stream_of(stream)?;
        let _inside = s.owner.enter("stream")?;
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
    // Our own `Arc`: if a handler frees the stream, the registry lets go of it and the
    // stream (with its handlers' releases) goes when this call ends. The call's record
    // keeps it, not this frame: a host that leaves this call by a long jump (PHP's `exit`
    // in a handler) skips this frame, and `hayscan_abandoned_calls_free` can still drop it.
    // SAFETY: `s` and what borrows from it are dropped before `nesting` (declared first,
    // dropped last, also when unwinding).
    let (nesting, s) = unsafe { CallingBack::enter_holding(stream_of(stream)?) }?;
    let inside = s.owner.enter("stream")?;
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
    drop(scanner);
    drop(inside);
    drop(nesting);
    write_report(report, r?, stop_value)
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
/// once). NULL is a no-op, and so is a handle that is not a live stream (freed already, of
/// another type, or not from hayscan). Called from one of the stream's own handlers (or
/// while another thread is inside a call on it), the handle is dead at once and the
/// stream is freed when the feed or finish call in progress returns.
#[ffi_export]
pub fn hayscan_stream_free(stream: *mut hayscan_stream) {
    let _ = guard(|| {
        handles::unregister(stream, |o| matches!(o, Object::Stream(_)));
        Ok(())
    });
}
