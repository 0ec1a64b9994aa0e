//! Answers without a per-match callback or struct per match: per-pattern counts, which
//! patterns occur, the first match of each pattern, and one call over many inputs. Each
//! writes into caller-owned arrays; the core (`hayscan::Matcher::count_by_pattern` and
//! friends) computes them.

use hayscan_core::Matcher;
use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::bytes::{byte_list, hayscan_bytes};
use crate::handles::{array_mut, bytes, out};
use crate::matcher::{hayscan_matcher, matcher_of};
use crate::scan::hayscan_match;
use crate::status::{guard, hayscan_status, Fail};

/// `hayscan_match_t.pattern` of an entry of `hayscan_matcher_first_match_per_pattern` whose
/// pattern does not match.
#[ffi_export]
pub const HAYSCAN_NO_PATTERN: u32 = u32::MAX;

/// Checks that a caller's array has room for one entry per pattern.
fn per_pattern<'a, T>(
    m: &Matcher,
    ptr: *mut T,
    len: usize,
    name: &str,
) -> Result<&'a mut [T], Fail> {
    let n = m.pattern_count();
    if len < n {
        return Err(Fail::arg(format!(
            "{name} has room for {len} entries, the matcher has {n} patterns"
        )));
    }
    Ok(&mut array_mut(ptr, len, name)?[..n])
}

/// Writes the number of matches of each pattern to `counts[pattern]` (one entry per
/// pattern; `counts_len` must be at least the pattern count, and entries past it are left
/// alone). Counts are the matches the other scans report, in the matcher's kind.
#[ffi_export]
pub fn hayscan_matcher_count_by_pattern(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    counts: *mut usize,
    counts_len: usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        let counts = per_pattern(&m, counts, counts_len, "counts")?;
        counts.fill(0);
        m.count_by_pattern_into(hay, counts);
        Ok(())
    })
}

/// Writes the distinct ids of the patterns that match, ascending, to `ids[0..*n]`. The
/// search stops once every pattern has been seen. `ids_len` must be at least the pattern
/// count (so every answer fits).
#[ffi_export]
pub fn hayscan_matcher_matching_patterns(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    ids: *mut u32,
    ids_len: usize,
    n: *mut usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        let ids = per_pattern(&m, ids, ids_len, "ids")?;
        if n.is_null() {
            return Err(Fail::arg("n is NULL"));
        }
        let found = m.matching_patterns(hay);
        ids[..found.len()].copy_from_slice(&found);
        out(n, "n", found.len())
    })
}

/// Writes the first match of each pattern to `firsts[pattern]`; the entry of a pattern
/// that does not match has `pattern == HAYSCAN_NO_PATTERN` (and start = end = 0). The
/// search stops once every pattern has been seen. `firsts_len` must be at least the
/// pattern count.
#[ffi_export]
pub fn hayscan_matcher_first_match_per_pattern(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    firsts: *mut hayscan_match,
    firsts_len: usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let hay = bytes(hay, len, "hay")?;
        let firsts = per_pattern(&m, firsts, firsts_len, "firsts")?;
        for (slot, first) in firsts.iter_mut().zip(m.first_match_per_pattern(hay)) {
            *slot = first.map_or(
                hayscan_match {
                    pattern: HAYSCAN_NO_PATTERN,
                    start: 0,
                    end: 0,
                },
                hayscan_match::from,
            );
        }
        Ok(())
    })
}

/// `hayscan_matcher_is_match` of each of the `count` inputs: `found[i]` is 1 if any
/// pattern matches `inputs[i]`, else 0. `found` has `count` entries.
#[ffi_export]
pub fn hayscan_matcher_is_match_many(
    matcher: *const hayscan_matcher,
    inputs: *const hayscan_bytes,
    count: usize,
    found: *mut u8,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let inputs = byte_list(inputs, count, "inputs")?;
        let found = array_mut(found, count, "found")?;
        for (slot, hay) in found.iter_mut().zip(&inputs) {
            *slot = u8::from(m.is_match(hay));
        }
        Ok(())
    })
}

/// `hayscan_matcher_count` of each of the `count` inputs, into `counts[i]` (`count`
/// entries).
#[ffi_export]
pub fn hayscan_matcher_count_many(
    matcher: *const hayscan_matcher,
    inputs: *const hayscan_bytes,
    count: usize,
    counts: *mut usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let inputs = byte_list(inputs, count, "inputs")?;
        let counts = array_mut(counts, count, "counts")?;
        for (slot, hay) in counts.iter_mut().zip(&inputs) {
            *slot = m.count(hay);
        }
        Ok(())
    })
}

/// One match of `hayscan_matcher_find_many`: which input it is in, and the match (offsets
/// relative to that input).
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hayscan_input_match {
    /// Index of the input in the list.
    pub input: usize,
    /// The match within that input.
    pub m: hayscan_match,
}

/// Where `hayscan_matcher_find_many` resumes. Zero it before the first call; the
/// iteration is over when `input` equals the input count.
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct hayscan_many_cursor {
    /// The input the next match comes from.
    pub input: usize,
    /// Matches of that input already delivered.
    pub skip: usize,
}

/// Every match of every input, by input and in order within one, in batches: writes up to
/// `cap` matches to `buf[0..*n]` and advances `*cursor`. Call again with the same inputs
/// and cursor until `cursor->input == count`. A batch that ends inside an input resumes
/// there (that input is searched again up to where the batch ended). `buf` is
/// caller-owned (may be NULL only if `cap` is 0); `cap` must be at least 1 while inputs
/// remain.
#[ffi_export]
pub fn hayscan_matcher_find_many(
    matcher: *const hayscan_matcher,
    inputs: *const hayscan_bytes,
    count: usize,
    cursor: *mut hayscan_many_cursor,
    buf: *mut hayscan_input_match,
    cap: usize,
    n: *mut usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_of(matcher)?;
        let inputs = byte_list(inputs, count, "inputs")?;
        if cursor.is_null() {
            return Err(Fail::arg("cursor is NULL"));
        }
        if n.is_null() {
            return Err(Fail::arg("n is NULL"));
        }
        // SAFETY: non-NULL; the caller passes its cursor, read and written only here.
        let mut at = unsafe { cursor.read() };
        if at.input > count {
            return Err(Fail::arg(format!(
                "cursor->input is {}, past the {count} inputs",
                at.input
            )));
        }
        if cap == 0 && at.input < count {
            return Err(Fail::arg("cap is 0 but inputs remain"));
        }
        let buf = array_mut(buf, cap, "buf")?;
        let mut filled = 0;
        'inputs: while at.input < count {
            for found in m.find_iter(inputs[at.input]).skip(at.skip) {
                if filled == cap {
                    break 'inputs;
                }
                buf[filled] = hayscan_input_match {
                    input: at.input,
                    m: found.into(),
                };
                filled += 1;
                at.skip += 1;
            }
            at = hayscan_many_cursor {
                input: at.input + 1,
                skip: 0,
            };
        }
        out(cursor, "cursor", at)?;
        out(n, "n", filled)
    })
}
