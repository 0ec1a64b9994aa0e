//! Counting matching lines (`hayscan::Matcher::count_lines`): grep -c's answer, one
//! number back instead of a count of every match. A line is the haystack split at `\n`
//! (the `\n` not part of it; the empty piece after a final `\n` is not a line); it counts
//! when the matcher, searching the line alone, finds a match in it (regex sets: frame by
//! frame, as regex streams frame lines).
//!
//! `countLines` (sync) is here; `countFileLines` is a task on the libuv pool
//! ([`crate::task`]), which runs the core's `Matcher::count_lines_source`.

use napi::bindgen_prelude::*;
use napi::Env;
use napi_derive::napi;

use crate::haystack;
use crate::matcher::slot;

/// Number of lines of `haystack` in which a pattern matches (every match kind gives the
/// same answer; a set with an empty pattern counts every line, empty lines too).
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array"
)]
pub fn count_lines(env: Env, matcher: Unknown<'_>, haystack: Unknown<'_>) -> Result<f64> {
    let slot = slot(&env, &matcher)?;
    let hay = haystack::read(&env, &haystack, None, "haystack")?;
    slot.with(&env, |m| Ok(m.count_lines(hay.bytes()) as f64))
}
