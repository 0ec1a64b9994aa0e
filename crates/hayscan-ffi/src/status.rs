//! Status codes, the thread-local "last error", and the panic guard every export runs in.

use safer_ffi::c_char;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use safer_ffi::prelude::*;

/// Result of every fallible hayscan function. Values are explicit and never reused.
#[derive_ReprC]
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hayscan_status {
    /// Success; out-parameters are filled.
    Ok = 0,
    /// An argument is NULL where it may not be, out of range, or not a live handle of the
    /// expected type; or an option value is unknown.
    InvalidArgument = 1,
    /// A pattern could not be compiled; `hayscan_last_error_pattern_index()` says which.
    InvalidPattern = 2,
    /// A combination hayscan does not provide (e.g. regex syntax with overlapping
    /// matches, or replacement with overlapping matches).
    Unsupported = 3,
    /// The pattern set as a whole could not be compiled (e.g. an engine size limit).
    BuildFailed = 4,
    /// The stream was finished (by `hayscan_stream_finish` or a handler that stopped it).
    StreamFinished = 5,
    /// The object is in use: a stream running one of its own handlers cannot be fed or
    /// finished from inside it; a stream or iterator in a call on another thread cannot be
    /// used until that call returns; or callbacks are nested deeper than 1,000 calls
    /// on this thread (see docs/c-api.md).
    Busy = 6,
    /// hayscan panicked (a bug); the message says where. The process keeps running, and
    /// the handles involved stay safe to free.
    Panic = 7,
    /// Reading a file failed (no such file, a directory, permission denied, a read error
    /// midway); the message has the operating system's reason. Matches delivered before
    /// the failure stay delivered.
    Io = 8,
}

/// A failure on its way to becoming a status code and a last-error message.
#[derive(Debug)]
pub(crate) struct Fail {
    status: hayscan_status,
    message: String,
    pattern_index: i64,
}

impl Fail {
    pub(crate) fn arg(message: impl Into<String>) -> Fail {
        Fail {
            status: hayscan_status::InvalidArgument,
            message: message.into(),
            pattern_index: -1,
        }
    }

    pub(crate) fn io(what: &str, e: &std::io::Error) -> Fail {
        Fail {
            status: hayscan_status::Io,
            message: format!("{what}: {e}"),
            pattern_index: -1,
        }
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Fail {
        Fail {
            status: hayscan_status::Unsupported,
            message: message.into(),
            pattern_index: -1,
        }
    }

    /// `what` (a stream, an iterator) is inside a call on another thread.
    pub(crate) fn busy_elsewhere(what: &str) -> Fail {
        Fail {
            status: hayscan_status::Busy,
            message: format!(
                "the {what} is busy: it is in use on another thread (one thread at a time)"
            ),
            pattern_index: -1,
        }
    }

    pub(crate) fn busy() -> Fail {
        Fail {
            status: hayscan_status::Busy,
            message: "the stream is busy: it cannot be fed or finished from its own handler".into(),
            pattern_index: -1,
        }
    }
}

impl From<hayscan_core::Error> for Fail {
    fn from(e: hayscan_core::Error) -> Fail {
        use hayscan_core::Error as E;
        let (status, pattern_index) = match &e {
            E::InvalidPattern { index, .. } => (hayscan_status::InvalidPattern, *index as i64),
            E::InvalidArgument(_) => (hayscan_status::InvalidArgument, -1),
            E::Unsupported(_) => (hayscan_status::Unsupported, -1),
            E::Build(_) => (hayscan_status::BuildFailed, -1),
            E::StreamFinished => (hayscan_status::StreamFinished, -1),
            E::Io { .. } => (hayscan_status::Io, -1),
            E::Panicked(_) => (hayscan_status::Panic, -1),
        };
        Fail {
            status,
            message: e.to_string(),
            pattern_index,
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<(CString, i64)> = RefCell::new((CString::default(), -1));
}

fn set_last_error(message: &str, pattern_index: i64) {
    let message = CString::new(message.replace('\0', "\\0")).expect("NUL bytes were replaced");
    LAST_ERROR.with(|last| *last.borrow_mut() = (message, pattern_index));
}

pub(crate) fn last_error_message() -> *const c_char {
    // The CString's heap buffer stays put until the next failure replaces it.
    LAST_ERROR.with(|last| last.borrow().0.as_ptr().cast())
}

pub(crate) fn last_error_pattern_index() -> i64 {
    LAST_ERROR.with(|last| last.borrow().1)
}

thread_local! {
    /// How many exports are running on this thread (callbacks can nest them).
    static GUARD_DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Where the last panic inside an export happened, recorded by the panic hook.
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// How many hayscan calls that run host callbacks (scan, replace-with, stream feed and
/// finish) may be nested on one thread. Each level costs about 750 bytes of hayscan's
/// stack frames (measured in a release build) plus the host's own; 1,000 levels stay well
/// inside the smallest usual thread stacks, and a deeper call gets `BUSY` instead of a
/// stack overflow.
pub(crate) const MAX_NESTING: usize = 1000;

thread_local! {
    /// Stack addresses of the calls that run callbacks in progress on this thread, outermost
    /// first (see `CallingBack::enter`).
    static CALLBACK_FRAMES: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Marks a call that runs host callbacks, for the nesting limit; leaves on drop.
///
/// A host can leave such a call without returning through it: PHP's `exit` or a fatal error
/// inside a callback long-jumps over hayscan's frames, and the guard is never dropped. A
/// plain counter then leaked one level per such request until every call of a php-fpm
/// worker got `BUSY`. So each call records where its frame is on the stack, and `enter`
/// first forgets the recorded frames at or below its own (the stack grows down: a frame
/// still in progress is above every call it makes, so those are gone).
#[derive(Debug)]
pub(crate) struct CallingBack(usize);

impl CallingBack {
    pub(crate) fn enter() -> Result<CallingBack, Fail> {
        let marker = 0u8;
        let here = std::hint::black_box(&marker) as *const u8 as usize;
        CALLBACK_FRAMES.with(|frames| {
            let mut frames = frames.borrow_mut();
            while frames.last().is_some_and(|&top| top <= here) {
                frames.pop();
            }
            if frames.len() >= MAX_NESTING {
                return Err(Fail {
                    status: hayscan_status::Busy,
                    message: format!(
                        "callbacks are nested too deeply: {MAX_NESTING} hayscan calls that run \
                         callbacks are already in progress on this thread"
                    ),
                    pattern_index: -1,
                });
            }
            frames.push(here);
            Ok(CallingBack(here))
        })
    }
}

impl Drop for CallingBack {
    fn drop(&mut self) {
        // Frames recorded below this one were left without returning (see above).
        CALLBACK_FRAMES.with(|frames| {
            let mut frames = frames.borrow_mut();
            while frames.last().is_some_and(|&top| top <= self.0) {
                frames.pop();
            }
        });
    }
}

static HOOK: Once = Once::new();

/// Panics inside an export are reported through the status and the last-error message,
/// so the default hook's stderr output (and backtrace) would only be noise in the host's
/// logs. This library's own copy of std has its own hook: hosts are not affected. Panics
/// outside an export still go to the previous hook; `HAYSCAN_PRINT_PANICS=1` prints all.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        let print_all = std::env::var_os("HAYSCAN_PRINT_PANICS").is_some_and(|v| v == "1");
        std::panic::set_hook(Box::new(move |info| {
            if GUARD_DEPTH.with(Cell::get) > 0 && !print_all {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                PANIC_LOCATION.with(|p| *p.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic payload");
    match PANIC_LOCATION.with(|p| p.borrow_mut().take()) {
        Some(at) => format!("hayscan panicked at {at}: {what}"),
        None => format!("hayscan panicked: {what}"),
    }
}

/// Runs an export's body: a failure becomes its status and the thread's last error; a
/// panic becomes `Panic` and never unwinds into C.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Fail>) -> hayscan_status {
    install_panic_hook();
    GUARD_DEPTH.with(|d| d.set(d.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(body));
    GUARD_DEPTH.with(|d| d.set(d.get() - 1));
    match outcome {
        Ok(Ok(())) => hayscan_status::Ok,
        Ok(Err(fail)) => {
            set_last_error(&fail.message, fail.pattern_index);
            fail.status
        }
        Err(payload) => {
            set_last_error(&panic_message(&*payload), -1);
            hayscan_status::Panic
        }
    }
}
