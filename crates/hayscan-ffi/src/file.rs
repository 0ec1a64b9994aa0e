//! Scanning a file by path (`hayscan::Matcher::scan_file`): the file is read in chunks,
//! never held in memory whole, so a host can scan a file much larger than its memory
//! limit. Pipes, FIFOs and devices work like regular files.

use std::ffi::c_void;
use std::path::PathBuf;
use std::sync::Arc;

use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::bytes::{byte_list, hayscan_bytes};
use crate::handles::{bytes, out};
use crate::matcher::{hayscan_matcher, matcher_of};
use crate::scan::{deliver, hayscan_on_match_t, hayscan_scan_report, write_report};
use crate::status::{guard, hayscan_status, CallingBack, Fail};

/// The path of `len` bytes at `path` (not NUL-terminated; on Unix any bytes but NUL).
pub(crate) fn path_of(path: *const c_char, len: usize) -> Result<PathBuf, Fail> {
    let raw = bytes(path, len, "path")?;
    if raw.is_empty() {
        return Err(Fail::arg("path is empty"));
    }
    if raw.contains(&0) {
        return Err(Fail::arg("path contains a NUL byte"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(raw)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(raw)
            .map(PathBuf::from)
            .map_err(|_| Fail::arg("path is not UTF-8"))
    }
}

/// Writes the number of matches in the file at `path` (`path_len` bytes, not
/// NUL-terminated) to `*out`. Literal sets: the matches of one whole-buffer scan of the
/// file's bytes; regex sets: each line scanned alone, as a stream does. Memory stays
/// bounded whatever the file's size. `HAYSCAN_STATUS_IO` if the file cannot be opened or
/// read (or is a directory); `*out` is then unchanged.
#[ffi_export]
pub fn hayscan_matcher_count_file(
    matcher: *const hayscan_matcher,
    path: *const c_char,
    path_len: usize,
    out_count: *mut usize,
) -> hayscan_status {
    count_file(matcher, path, path_len, None, out_count)
}

/// `hayscan_matcher_count_file` on up to `threads` threads (0: the available cores, at
/// most 8), with exactly its answer. A regular file is split into segments read and
/// scanned by one thread each: regex sets at line starts, overlapping literal sets with an
/// overlap of the longest pattern. Leftmost literal sets (use
/// `hayscan_matcher_count_parallel` on a buffer), pipes and files under 1 MiB per thread
/// are counted on the calling thread.
#[ffi_export]
pub fn hayscan_matcher_count_file_parallel(
    matcher: *const hayscan_matcher,
    path: *const c_char,
    path_len: usize,
    threads: usize,
    out_count: *mut usize,
) -> hayscan_status {
    count_file(matcher, path, path_len, Some(threads), out_count)
}

/// The two file counts: on one thread (`threads` None) or split.
fn count_file(
    matcher: *const hayscan_matcher,
    path: *const c_char,
    path_len: usize,
    threads: Option<usize>,
    out_count: *mut usize,
) -> hayscan_status {
    file_count(
        matcher,
        path,
        path_len,
        out_count,
        |m, path| match threads {
            None => m.count_file(path),
            Some(t) => m.count_file_parallel(path, t),
        },
    )
}

/// Every count of a file by path: checks the arguments, runs `count`, names the file in
/// an I/O error.
pub(crate) fn file_count(
    matcher: *const hayscan_matcher,
    path: *const c_char,
    path_len: usize,
    out_count: *mut usize,
    count: impl FnOnce(&Arc<hayscan_core::Matcher>, &std::path::Path) -> std::io::Result<usize>,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let path = path_of(path, path_len)?;
        if out_count.is_null() {
            return Err(Fail::arg("out is NULL"));
        }
        let n = count(&m, &path).map_err(|e| Fail::io(&path.display().to_string(), &e))?;
        out(out_count, "out", n)
    })
}

/// Calls `on_match(user_data, m)` for each match in the file at `path`, in order, on the
/// calling thread, until it returns non-zero (the file is then not read further). The
/// matches are those of `hayscan_matcher_count_file`. `report` (may be NULL) is written
/// on success. On `HAYSCAN_STATUS_IO` the matches delivered before the failing read stay
/// delivered and `report` is not written.
#[ffi_export]
pub fn hayscan_matcher_scan_file(
    matcher: *const hayscan_matcher,
    path: *const c_char,
    path_len: usize,
    on_match: Option<hayscan_on_match_t>,
    user_data: *mut c_void,
    report: *mut hayscan_scan_report,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let path = path_of(path, path_len)?;
        let on_match = on_match.ok_or_else(|| Fail::arg("on_match is NULL"))?;
        // The call's record holds the matcher, not this frame: a host that leaves by a long
        // jump (PHP's `exit` in a callback) skips this frame, and
        // `hayscan_abandoned_calls_free` still drops it (stream.rs does the same).
        // SAFETY: `m` is used only inside this call, before `_nesting` drops.
        let (_nesting, m) = unsafe { CallingBack::enter_holding(Arc::new(m)) }?;
        let mut stop_value = 0;
        let r = m
            .scan_file(&path, deliver(on_match, user_data, &mut stop_value))
            .map_err(|e| Fail::io(&path.display().to_string(), &e))?;
        write_report(report, r, stop_value)
    })
}

/// Writes the file at `in_path` to the file at `out_path` (created or truncated) with
/// every match replaced, as `hayscan_matcher_replace_all` does (`replacements`: 1, or one
/// per pattern), reading and writing in chunks so memory stays bounded whatever the
/// file's size. The matches are those of `hayscan_matcher_scan_file`. `*out_matches` (may
/// be NULL) receives the number of replacements. Errors: `_INVALID_ARGUMENT` for a wrong
/// replacement count or an output that is the input file, `_UNSUPPORTED` for overlapping
/// matchers, `_IO` when a file cannot be read or written (a missing input creates no
/// output; a failure midway leaves a partial output).
#[ffi_export]
pub fn hayscan_matcher_replace_file(
    matcher: *const hayscan_matcher,
    in_path: *const c_char,
    in_len: usize,
    out_path: *const c_char,
    out_len: usize,
    replacements: *const hayscan_bytes,
    count: usize,
    out_matches: *mut usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let input = path_of(in_path, in_len)?;
        let output = path_of(out_path, out_len)?;
        let with = byte_list(replacements, count, "replacements")?;
        let never = std::sync::atomic::AtomicBool::new(false);
        let outcome = m.replace_file(&input, &output, &with, &never)?;
        if out_matches.is_null() {
            return Ok(());
        }
        out(out_matches, "out_matches", outcome.matches)
    })
}
