//! Capture groups of regex matches, computed on request for one reported match
//! (`hayscan_matcher_captures`), and the groups' names.

use hayscan_core::{Matcher, Syntax};
use safer_ffi::c_char;
use safer_ffi::prelude::*;

use std::sync::Arc;

use crate::handles::{bytes, out};
use crate::matcher::{hayscan_matcher, matcher_of};
use crate::scan::hayscan_match;
use crate::status::{guard, hayscan_status, Fail};

/// The byte range `[start, end)` of one capture group. A group that took no part in the
/// match has `start == end == SIZE_MAX`.
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct hayscan_span {
    /// Byte offset of the group's first byte, or `SIZE_MAX` if it did not participate.
    pub start: usize,
    /// Byte offset one past the group's last byte, or `SIZE_MAX` if it did not participate.
    pub end: usize,
}

/// The span of a group that took no part in the match.
const NO_SPAN: hayscan_span = hayscan_span {
    start: usize::MAX,
    end: usize::MAX,
};

/// The compiled matcher of a handle. The registry keeps it alive as long as the handle
/// lives, so names pointing into it stay valid that long.
fn matcher_ref(matcher: *const hayscan_matcher) -> Result<Arc<Matcher>, Fail> {
    matcher_of(matcher)
}

/// Refuses literal sets with `_UNSUPPORTED`: literal patterns have no groups.
fn require_regex(m: &Matcher) -> Result<(), Fail> {
    if m.options().syntax == Syntax::Regex {
        Ok(())
    } else {
        Err(Fail::unsupported(
            "capture groups exist only in regex sets; this matcher's patterns are literals",
        ))
    }
}

/// The group names of `pattern` (group 0 first), or `_INVALID_ARGUMENT` for an unknown id.
fn names_of(m: &Matcher, pattern: u32) -> Result<Vec<Option<&str>>, Fail> {
    m.group_names(pattern).ok_or_else(|| {
        Fail::arg(format!(
            "pattern {pattern} out of range (matcher has {} patterns)",
            m.pattern_count()
        ))
    })
}

/// The capture groups of `*match_`, a match this regex matcher reported in the
/// `haystack_len` bytes at `haystack` (pass the same haystack; it is read during the call
/// only). Writes the spans of the first `min(groups_cap, n)` groups to `groups[0..]`, group
/// 0 (the whole match) first, and `n`, the pattern's number of groups counting group 0, to
/// `*groups_len`, so a caller can call again with a buffer of `n` (`groups` may be NULL when
/// `groups_cap` is 0). A group that took no part in the match gets `start == end ==
/// SIZE_MAX`. `groups` is caller-owned; nothing is retained.
///
/// On failure `groups` and `*groups_len` are unchanged: `HAYSCAN_STATUS_UNSUPPORTED` for a
/// literal matcher, `_INVALID_ARGUMENT` for NULL arguments or when `*match_` is not a match
/// of this matcher in this haystack.
#[ffi_export]
pub fn hayscan_matcher_captures(
    matcher: *const hayscan_matcher,
    haystack: *const c_char,
    haystack_len: usize,
    match_: *const hayscan_match,
    groups: *mut hayscan_span,
    groups_cap: usize,
    groups_len: *mut usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_ref(matcher)?;
        let hay = bytes(haystack, haystack_len, "haystack")?;
        if match_.is_null() {
            return Err(Fail::arg("match_ is NULL"));
        }
        if groups.is_null() && groups_cap > 0 {
            return Err(Fail::arg("groups is NULL but groups_cap is not 0"));
        }
        if groups_len.is_null() {
            return Err(Fail::arg("groups_len is NULL"));
        }
        require_regex(&m)?;
        // SAFETY: non-NULL; the caller passes a pointer to a match struct.
        let found = hayscan_core::Match::from(unsafe { match_.read() });
        let caps = m.captures(hay, &found).ok_or_else(|| {
            Fail::arg(format!(
                "the match (pattern {}, [{}, {})) is not a match of this matcher in this haystack of {} bytes",
                found.pattern,
                found.start,
                found.end,
                hay.len()
            ))
        })?;
        for (i, span) in caps.spans.iter().take(groups_cap).enumerate() {
            let span = span.map_or(NO_SPAN, |(start, end)| hayscan_span { start, end });
            // SAFETY: `groups` holds `groups_cap` elements and `i < groups_cap`.
            unsafe { groups.add(i).write(span) };
        }
        out(groups_len, "groups_len", caps.spans.len())
    })
}

/// Writes the number of capture groups of pattern `pattern`, counting group 0 (the whole
/// match), to `*count`: the `n` of `hayscan_matcher_captures`. On failure `*count` is
/// unchanged: `HAYSCAN_STATUS_UNSUPPORTED` for a literal matcher, `_INVALID_ARGUMENT` for an
/// unknown pattern or a NULL argument.
#[ffi_export]
pub fn hayscan_matcher_group_count(
    matcher: *const hayscan_matcher,
    pattern: u32,
    count: *mut usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_ref(matcher)?;
        if count.is_null() {
            return Err(Fail::arg("count is NULL"));
        }
        require_regex(&m)?;
        out(count, "count", names_of(&m, pattern)?.len())
    })
}

/// The name of capture group `group` of pattern `pattern` (`(?P<name>...)`): `*name`
/// points at its `*name_len` bytes, which are UTF-8 and not NUL-terminated. Group 0 and
/// unnamed groups give `*name = NULL`, `*name_len = 0`. The name is owned by the matcher and
/// stays valid as long as the matcher handle lives; the caller must not free it.
/// On failure `*name` and `*name_len` are unchanged: `HAYSCAN_STATUS_UNSUPPORTED` for a
/// literal matcher, `_INVALID_ARGUMENT` for an unknown pattern or group or a NULL argument.
#[ffi_export]
pub fn hayscan_matcher_group_name(
    matcher: *const hayscan_matcher,
    pattern: u32,
    group: usize,
    name: *mut *const c_char,
    name_len: *mut usize,
) -> hayscan_status {
    guard(|| {
        let m = matcher_ref(matcher)?;
        if name.is_null() || name_len.is_null() {
            return Err(Fail::arg("name or name_len is NULL"));
        }
        require_regex(&m)?;
        let names = names_of(&m, pattern)?;
        let Some(&found) = names.get(group) else {
            return Err(Fail::arg(format!(
                "group {group} out of range (pattern {pattern} has {} groups, counting group 0)",
                names.len()
            )));
        };
        let (ptr, len) = found.map_or((std::ptr::null(), 0), |s| (s.as_ptr().cast(), s.len()));
        out(name, "name", ptr)?;
        out(name_len, "name_len", len)
    })
}
