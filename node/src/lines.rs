//! Counting matching lines (`hayscan::Matcher::count_lines`): grep -c's answer, one
//! number back instead of a count of every match. A line is the haystack split at `\n`
//! (the `\n` not part of it; the empty piece after a final `\n` is not a line); it counts
//! when the matcher, searching the line alone, finds a match in it (regex sets: frame by
//! frame, as regex streams frame lines).
//!
//! `countLines` (sync) is here; `countFileLines` is a task on the libuv pool
//! ([`crate::task`]), which runs [`file_lines`] below.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use hayscan::{LineCounter, Matcher, Outcome};
use napi::bindgen_prelude::*;
use napi::Env;
use napi_derive::napi;

use crate::haystack;
use crate::matcher::slot;

/// Bytes read from a file per read; the cancel flag is looked at before each read.
const CHUNK: usize = 256 << 10;

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

/// `count_lines` of the file at `path` (the answer of `Matcher::count_file_lines`), in
/// `outcome.matches`. One thread reads the file in chunks and stops early, `cancelled`,
/// once `cancel` is set; `threads` other than 1 (0: the available cores, at most 8) uses
/// `count_file_lines_parallel`, which looks at `cancel` only before it starts. An I/O error
/// names the file.
pub(crate) fn file_lines(
    m: &Arc<Matcher>,
    path: &Path,
    threads: usize,
    cancel: &AtomicBool,
) -> hayscan::Result<Outcome> {
    let cancelled = Outcome {
        cancelled: true,
        ..Outcome::default()
    };
    if cancel.load(Ordering::Relaxed) {
        return Ok(cancelled);
    }
    let lines = if threads == 1 {
        let mut file = File::open(path).map_err(|e| io_at(path, e))?;
        let mut counter = LineCounter::new(Arc::clone(m));
        let mut buf = vec![0u8; CHUNK];
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Ok(cancelled);
            }
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(got) => counter.feed(&buf[..got]),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_at(path, e)),
            }
        }
        counter.finish()
    } else {
        m.count_file_lines_parallel(path, threads)
            .map_err(|e| io_at(path, e))?
    };
    Ok(Outcome {
        matches: lines,
        ..Outcome::default()
    })
}

/// An I/O error on `path`, its message naming the file (as the core's file scans name it).
fn io_at(path: &Path, e: std::io::Error) -> hayscan::Error {
    hayscan::Error::Io {
        kind: e.kind(),
        os_code: e.raw_os_error(),
        message: format!("{}: {e}", path.display()),
    }
}
