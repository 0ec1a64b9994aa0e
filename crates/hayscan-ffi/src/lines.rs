//! Counting matching lines (`hayscan::Matcher::count_lines`): grep -c's answer, without
//! a crossing per match. A line is the haystack split at `\n` (the `\n` not part of it;
//! the empty piece after a final `\n` is not a line); it counts when the matcher,
//! searching the line alone, finds a match in it (regex sets: frame by frame, as regex
//! streams frame lines).

use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::file::file_count;
use crate::matcher::{count_with, hayscan_matcher};
use crate::status::hayscan_status;

/// Writes the number of lines of `hay` in which a pattern matches to `*out` (see the
/// definition of a line above). Every match kind gives the same answer (the kind chooses
/// among a line's matches, not whether it has one). A set with an empty pattern counts
/// every line, empty lines too.
#[ffi_export]
pub fn hayscan_matcher_count_lines(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    out_count: *mut usize,
) -> hayscan_status {
    count_with(matcher, hay, len, out_count, |m, hay| m.count_lines(hay))
}

/// `hayscan_matcher_count_lines` of the file at `path` (`path_len` bytes, not
/// NUL-terminated), read in chunks: memory stays bounded (the chunk, and the current line
/// up to 1 MiB for literal sets, `max_line_len` for regex sets) whatever the file's size.
/// `HAYSCAN_STATUS_IO` if the file cannot be opened or read (or is a directory); `*out` is
/// then unchanged.
#[ffi_export]
pub fn hayscan_matcher_count_file_lines(
    matcher: *const hayscan_matcher,
    path: *const c_char,
    path_len: usize,
    out_count: *mut usize,
) -> hayscan_status {
    file_count(matcher, path, path_len, out_count, |m, path| {
        m.count_file_lines(path)
    })
}

/// `hayscan_matcher_count_file_lines` on up to `threads` threads (0: the available cores,
/// at most 8), with exactly its answer in every kind: a regular file is split at line
/// starts, one thread per segment. Pipes and files under 1 MiB per thread are counted on
/// the calling thread.
#[ffi_export]
pub fn hayscan_matcher_count_file_lines_parallel(
    matcher: *const hayscan_matcher,
    path: *const c_char,
    path_len: usize,
    threads: usize,
    out_count: *mut usize,
) -> hayscan_status {
    file_count(matcher, path, path_len, out_count, |m, path| {
        m.count_file_lines_parallel(path, threads)
    })
}
