//! What every scan delivers: the match struct, the push-callback type and the report of a
//! scan that ran callbacks (shared by matchers, replacement and streams).

use std::ffi::c_void;
use std::ops::ControlFlow;

use safer_ffi::prelude::*;

use crate::handles::out;
use crate::status::Fail;

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

impl From<hayscan_match> for hayscan_core::Match {
    fn from(m: hayscan_match) -> Self {
        hayscan_core::Match {
            pattern: m.pattern,
            start: m.start,
            end: m.end,
        }
    }
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

/// Called for each match: `user_data` as registered, `m` valid only during the call.
/// Return 0 to continue, non-zero to stop.
pub type hayscan_on_match_t = unsafe extern "C" fn(*mut c_void, *const hayscan_match) -> i32;

/// Writes `*report` (if not NULL) from the core's report and the stopping callback's value.
pub(crate) fn write_report(
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

/// The core's per-match closure for a C callback: hands each match to
/// `on_match(user_data, m)`, keeps its return value in `*stop_value`, and stops on
/// non-zero. The caller has checked `on_match`; `user_data` is the caller's.
pub(crate) fn deliver<'a>(
    on_match: hayscan_on_match_t,
    user_data: *mut c_void,
    stop_value: &'a mut i32,
) -> impl FnMut(hayscan_core::Match) -> ControlFlow<()> + 'a {
    move |found| {
        let c = hayscan_match::from(found);
        // SAFETY: the caller of the export promised `on_match` is a valid callback for
        // `user_data`.
        *stop_value = unsafe { on_match(user_data, &c) };
        if *stop_value != 0 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}
