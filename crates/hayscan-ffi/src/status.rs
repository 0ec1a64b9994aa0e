//! Status codes, the thread-local "last error", and the panic guard every export runs in.

use safer_ffi::c_char;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Once};

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

/// One call that runs host callbacks, as `CallingBack` records it: where its frame is on
/// the stack, and what the call keeps alive while it runs (`held`, see
/// `CallingBack::enter_holding`).
struct CallRecord {
    id: u64,
    at: usize,
    held: Option<Arc<dyn Any>>,
}

/// The calls that run callbacks on this thread, as `CallingBack` records them.
#[derive(Default)]
struct CallRecords {
    /// Calls in progress, outermost first.
    live: Vec<CallRecord>,
    /// Calls known to have been left without returning (see `CallingBack`), with what they
    /// hold, until `hayscan_abandoned_calls_free` frees it.
    abandoned: Vec<CallRecord>,
    last_id: u64,
}

impl CallRecords {
    /// Moves the live records from index `from` on to the abandoned ones.
    fn abandon_from(&mut self, from: usize) {
        let gone = self.live.split_off(from);
        self.abandoned.extend(gone);
    }
}

thread_local! {
    static CALLS: RefCell<CallRecords> = RefCell::new(CallRecords::default());
}

/// Marks a call that runs host callbacks, for the nesting limit; leaves on drop.
///
/// A host can leave such a call without returning through it: PHP's `exit` or a fatal error
/// inside a callback long-jumps over hayscan's frames, and the guard is never dropped. A
/// plain counter then leaked one level per such request until every call of a php-fpm
/// worker got `BUSY`. So each call records where its frame is on the stack, and `enter`
/// first sets aside the recorded calls at or below its own (the stack grows down: a frame
/// still in progress is above every call it makes, so those are gone).
///
/// What such a call holds on its own frame is lost with the frame (a reference skipped by a
/// long jump is never dropped), so a call that keeps an object alive hands its reference
/// to its record instead (`enter_holding`). The record drops it when the call returns;
/// for a call left without returning, `hayscan_abandoned_calls_free` drops it, called by
/// the host once it knows no call is in progress on the thread (PHP: at the end of a
/// request that died of a fatal error). Until then it stays alive: dropping it earlier,
/// when `enter` finds the call gone, could run the host's release callbacks at a moment
/// the host does not expect them (PHP frees its callbacks at the end of each request).
#[derive(Debug)]
pub(crate) struct CallingBack {
    id: u64,
}

impl CallingBack {
    /// A record holding nothing (the tests' probe; exports hold what their callbacks use).
    #[cfg(test)]
    pub(crate) fn enter() -> Result<CallingBack, Fail> {
        Self::record(None)
    }

    /// As `enter`, and keeps `held` alive until the call returns (or, if it never does,
    /// until `hayscan_abandoned_calls_free`). Returns a reference to it that is valid for
    /// the call (see the safety note).
    ///
    /// # Safety
    ///
    /// The reference is valid until this `CallingBack` is dropped, provided
    /// `hayscan_abandoned_calls_free` is not called while the call is in progress (its
    /// contract). Use it only inside the call and drop it before the guard.
    pub(crate) unsafe fn enter_holding<T: 'static>(
        held: Arc<T>,
    ) -> Result<(CallingBack, &'static T), Fail> {
        let at = Arc::as_ptr(&held);
        let guard = Self::record(Some(held))?;
        // SAFETY: the record keeps the `Arc` until `guard` drops it (or the host declares
        // the call gone); see the function's contract.
        Ok((guard, unsafe { &*at }))
    }

    fn record(held: Option<Arc<dyn Any>>) -> Result<CallingBack, Fail> {
        let marker = 0u8;
        let here = std::hint::black_box(&marker) as *const u8 as usize;
        let refused = CALLS.with(|calls| {
            let mut calls = calls.borrow_mut();
            let gone =
                calls.live.len() - calls.live.iter().rev().take_while(|r| r.at <= here).count();
            calls.abandon_from(gone);
            if calls.live.len() >= MAX_NESTING {
                return Err(held);
            }
            calls.last_id += 1;
            let id = calls.last_id;
            calls.live.push(CallRecord { id, at: here, held });
            Ok(id)
        });
        match refused {
            Ok(id) => Ok(CallingBack { id }),
            // Dropped here, outside the borrow: a drop may call the host back.
            Err(held) => {
                drop(held);
                Err(Fail {
                    status: hayscan_status::Busy,
                    message: format!(
                        "callbacks are nested too deeply: {MAX_NESTING} hayscan calls that run \
                         callbacks are already in progress on this thread"
                    ),
                    pattern_index: -1,
                })
            }
        }
    }
}

impl Drop for CallingBack {
    fn drop(&mut self) {
        let held = CALLS.with(|calls| {
            let mut calls = calls.borrow_mut();
            match calls.live.iter().rposition(|r| r.id == self.id) {
                Some(i) => {
                    // Calls recorded after this one and still live were left without
                    // returning (this one returns after every call it made).
                    calls.abandon_from(i + 1);
                    calls.live.pop().and_then(|r| r.held)
                }
                // Set aside by a later call's `enter` (a host that switches stacks, such as
                // a coroutine library, can make a live call look gone); it returned after all.
                None => {
                    let i = calls.abandoned.iter().rposition(|r| r.id == self.id)?;
                    calls.abandoned.remove(i).held
                }
            }
        });
        // Outside the borrow: dropping what the call held may call the host back (a
        // stream's handler releases), and the host may call hayscan from there.
        drop(held);
    }
}

/// Frees what the hayscan calls that were left without returning on the calling thread
/// held, and forgets those calls. A host whose callbacks can leave a hayscan call by a
/// long jump (PHP: `exit` or a fatal error inside a callback) calls this once it knows no
/// hayscan call is in progress on this thread; PHP calls it at the end of a request that
/// died of a fatal error. Until then such a call keeps alive what it used: a stream fed or
/// finished by an interrupted call (and its matcher and handlers), which
/// `hayscan_stream_free` alone cannot free. Handlers of streams freed here are released
/// now, on this thread.
///
/// Every call of this thread that runs callbacks is treated as gone: calling this from
/// inside a callback, while the call that runs it is in progress, frees what that call is
/// using. `*freed` (may be NULL) receives how many calls were forgotten.
#[ffi_export]
pub fn hayscan_abandoned_calls_free(freed: *mut usize) -> hayscan_status {
    guard(|| {
        let gone = CALLS.with(|calls| {
            let mut calls = calls.borrow_mut();
            let mut gone = std::mem::take(&mut calls.abandoned);
            gone.append(&mut calls.live);
            gone
        });
        let count = gone.len();
        // Exports the host left by a long jump never counted themselves out: this one is
        // the only one in progress now.
        GUARD_DEPTH.with(|d| d.set(1));
        // Outside the borrow: the drops may call the host back.
        drop(gone);
        if !freed.is_null() {
            // SAFETY: the caller passes NULL or a writable size_t.
            unsafe { freed.write(count) };
        }
        Ok(())
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn counter() -> Arc<AtomicUsize> {
        Arc::new(AtomicUsize::new(0))
    }

    fn count(c: &AtomicUsize) -> usize {
        c.load(Ordering::Relaxed)
    }

    fn records() -> (usize, usize) {
        CALLS.with(|c| {
            let c = c.borrow();
            (c.live.len(), c.abandoned.len())
        })
    }

    fn free_abandoned() -> usize {
        let mut n = usize::MAX;
        assert_eq!(hayscan_abandoned_calls_free(&mut n), hayscan_status::Ok);
        n
    }

    #[test]
    fn a_call_that_returns_drops_what_it_holds() {
        let drops = counter();
        {
            // SAFETY: the reference is used inside the call only.
            let (_call, held) =
                unsafe { CallingBack::enter_holding(Arc::new(Counted(Arc::clone(&drops)))) }
                    .unwrap();
            assert!(Arc::ptr_eq(&held.0, &drops));
            assert_eq!(count(&drops), 0);
        }
        assert_eq!(count(&drops), 1);
        assert_eq!(records(), (0, 0));
        assert_eq!(free_abandoned(), 0);
    }

    #[test]
    fn a_call_left_without_returning_keeps_its_object_until_the_host_frees_abandoned_calls() {
        let drops = counter();
        for _ in 0..3 {
            // What a long jump over the call does: its guard is never dropped.
            // SAFETY: the reference is not used.
            let (call, _) =
                unsafe { CallingBack::enter_holding(Arc::new(Counted(Arc::clone(&drops)))) }
                    .unwrap();
            std::mem::forget(call);
        }
        // A later call at the same depth sets the earlier ones aside without dropping them.
        let probe = CallingBack::enter().unwrap();
        drop(probe);
        assert_eq!(
            count(&drops),
            0,
            "nothing is dropped before the host says the calls are gone"
        );
        assert_eq!(
            records().0,
            0,
            "the abandoned calls do not count towards the nesting limit"
        );
        assert_eq!(free_abandoned(), 3);
        assert_eq!(count(&drops), 3);
        assert_eq!(records(), (0, 0));
        assert_eq!(free_abandoned(), 0, "freed once");
    }

    #[test]
    fn a_returning_call_sets_aside_the_calls_it_made_that_never_returned() {
        let drops = counter();
        let outer = CallingBack::enter().unwrap();
        inner_left_by_long_jump(&drops);
        assert_eq!(records(), (2, 0));
        drop(outer);
        assert_eq!(records(), (0, 1));
        assert_eq!(count(&drops), 0);
        assert_eq!(free_abandoned(), 1);
        assert_eq!(count(&drops), 1);
    }

    #[inline(never)]
    fn inner_left_by_long_jump(drops: &Arc<AtomicUsize>) {
        // SAFETY: the reference is not used.
        let (call, _) =
            unsafe { CallingBack::enter_holding(Arc::new(Counted(Arc::clone(drops)))) }.unwrap();
        std::mem::forget(std::hint::black_box(call));
    }

    #[test]
    fn the_nesting_limit_refuses_a_call_and_drops_what_it_would_have_held() {
        let drops = counter();
        let calls: Vec<CallingBack> = (0..MAX_NESTING).map(|_| nested_record()).collect();
        // SAFETY: the call is refused: there is no reference to use.
        let refused = unsafe { CallingBack::enter_holding(Arc::new(Counted(Arc::clone(&drops)))) };
        assert_eq!(refused.unwrap_err().status, hayscan_status::Busy);
        assert_eq!(count(&drops), 1);
        drop(calls);
        assert_eq!(records(), (0, 0));
    }

    /// A record as if made by a deeper frame: the same-frame records would set each other
    /// aside, so this one is made at a fake depth below every other.
    fn nested_record() -> CallingBack {
        CALLS.with(|calls| {
            let mut calls = calls.borrow_mut();
            let at = calls.live.last().map_or(usize::MAX, |r| r.at - 1);
            calls.last_id += 1;
            let id = calls.last_id;
            calls.live.push(CallRecord { id, at, held: None });
            CallingBack { id }
        })
    }
}
