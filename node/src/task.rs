//! Scans on the libuv pool, as Promises: `countAsync`, `findAllAsync`, `replaceAllAsync`
//! over a string or `Uint8Array`, and `countFile`, `countFileLines`, `scanFile`,
//! `replaceFile` by path.
//!
//! Each call builds one [`ScanTask`] (napi-rs `AsyncTask`) on the JavaScript thread: a
//! counted reference to the compiled set (so `close()` during the task is safe: the
//! matcher is released when the last user is done), the input held for the task
//! ([`crate::pinned`]), the cancel flag of its token ([`crate::cancel`]) and a live-object
//! token (so `liveObjects()` counts running tasks). The scan itself runs on a pool thread
//! through the core's cancellable functions (`hayscan::job`); the Promise resolves on the
//! JavaScript thread with `{ value, matches, cancelled, stopped }` for the wrapper to turn
//! into the public answer, or rejects with a `HayscanError` (`IO` for files, `PANIC` if
//! the scan panicked). Offsets follow the sync functions: UTF-16 code units for strings
//! (and `utf8Text` bytes), bytes for `Uint8Array`s and files.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use hayscan::{ControlFlow, Matcher, Outcome, Source};
use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue, ScopedTask};
use napi_derive::napi;

use crate::cancel;
use crate::delivery::Delivery;
use crate::error::{core_error, throw, Code};
use crate::haystack;
use crate::live::Live;
use crate::matcher::{output, slot};
use crate::pinned::{pin, Pinned};
use crate::typed_array::typed_array;

/// What a task does with its input.
enum Work {
    /// Count; more than one thread (0: the available cores) uses `count_parallel`.
    Count { threads: usize },
    /// Count the file's matching lines (`Matcher::count_lines_source`).
    CountLines { threads: usize },
    /// Every match, as flat `[pattern, start, end, ...]` offsets in the caller's units.
    FindAll,
    /// The input with every match replaced.
    Replace { replacements: Vec<Vec<u8>> },
    /// Every match of a file, in batches to a JavaScript callback.
    Scan { batch: usize, delivery: Delivery },
    /// The input file with every match replaced, into `output`.
    ReplaceFile {
        output: PathBuf,
        replacements: Vec<Vec<u8>>,
    },
    /// Panics on the pool thread (the test of the `PANIC` rejection).
    #[cfg(feature = "test-exports")]
    Panic(String),
}

/// A scan waiting for or running on the libuv pool.
pub struct ScanTask {
    matcher: Arc<Matcher>,
    input: Pinned,
    work: Work,
    cancel: Arc<AtomicBool>,
    _live: Live,
}

impl std::fmt::Debug for ScanTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanTask")
            .field("source", &self.input.source)
            .finish_non_exhaustive()
    }
}

/// What a task produced, besides its outcome.
#[derive(Debug)]
pub enum Produced {
    Nothing,
    Flat(Vec<f64>),
    Bytes(Vec<u8>),
}

/// The result of `compute`, carried to the JavaScript thread.
#[derive(Debug)]
pub struct Finished(std::result::Result<(Produced, Outcome), hayscan::Error>);

impl ScanTask {
    fn run(&mut self) -> hayscan::Result<(Produced, Outcome)> {
        let m = &self.matcher;
        let cancel = &*self.cancel;
        let source = &self.input.source;
        match &mut self.work {
            Work::Count { threads } if *threads != 1 => {
                // Parallel counts have no cancel checks: look once before starting.
                if cancel.load(Ordering::Relaxed) {
                    let cancelled = Outcome {
                        cancelled: true,
                        ..Outcome::default()
                    };
                    return Ok((Produced::Nothing, cancelled));
                }
                let matches = match source {
                    Source::Bytes(_) => m.count_parallel(self.input.bytes(), *threads),
                    // A file split between threads (regex sets at line starts).
                    Source::File(path) => m.count_file_parallel(path, *threads)?,
                };
                let outcome = Outcome {
                    matches,
                    ..Outcome::default()
                };
                Ok((Produced::Nothing, outcome))
            }
            Work::Count { .. } => Ok((Produced::Nothing, m.count_source(source, cancel)?)),
            Work::CountLines { threads } => Ok((
                Produced::Nothing,
                m.count_lines_source(source, *threads, cancel)?,
            )),
            Work::FindAll => {
                let bytes = self.input.bytes();
                let mut units = self.input.units();
                let mut flat = Vec::new();
                let outcome = m.scan_each(source, cancel, |found| {
                    flat.push(f64::from(found.pattern));
                    flat.push(units.convert_start(bytes, found.start) as f64);
                    flat.push(units.convert(bytes, found.end) as f64);
                    ControlFlow::Continue(())
                })?;
                Ok((Produced::Flat(flat), outcome))
            }
            Work::Replace { replacements } => {
                let mut out = Vec::new();
                let outcome = m.replace_source(source, replacements, &mut out, cancel)?;
                Ok((Produced::Bytes(out), outcome))
            }
            Work::Scan { batch, delivery } => {
                let outcome = m.scan_batches(source, *batch, cancel, |matches| {
                    let mut flat = Vec::with_capacity(3 * matches.len());
                    for found in matches {
                        flat.extend([
                            f64::from(found.pattern),
                            found.start as f64,
                            found.end as f64,
                        ]);
                    }
                    if delivery.send(flat) {
                        ControlFlow::Continue(())
                    } else {
                        ControlFlow::Break(())
                    }
                });
                // Every batch reaches JavaScript before the Promise settles, error or not.
                delivery.drain();
                Ok((Produced::Nothing, outcome?))
            }
            Work::ReplaceFile {
                output,
                replacements,
            } => {
                let Source::File(input) = source else {
                    unreachable!("replaceFile tasks read a file")
                };
                let outcome = m.replace_file(input, &*output, replacements, cancel)?;
                Ok((Produced::Nothing, outcome))
            }
            #[cfg(feature = "test-exports")]
            Work::Panic(message) => panic!("{message}"),
        }
    }
}

impl<'task> ScopedTask<'task> for ScanTask {
    type Output = Finished;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> Result<Finished> {
        let result = catch_unwind(AssertUnwindSafe(|| self.run())).unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            Err(hayscan::Error::Panicked(what))
        });
        Ok(Finished(result))
    }

    fn resolve(&mut self, env: &'task Env, finished: Finished) -> Result<Unknown<'task>> {
        let (produced, outcome) = match finished.0 {
            Ok(done) => done,
            Err(e) => {
                let value = core_error(env, e)?;
                // SAFETY: `value` was just created in this env.
                return Err(Error::from(unsafe {
                    Unknown::from_raw_unchecked(env.raw(), value)
                }));
            }
        };
        let value = match produced {
            Produced::Nothing => {
                let mut undefined = ptr::null_mut();
                // SAFETY: reading the `undefined` singleton of this env.
                check_status!(unsafe { sys::napi_get_undefined(env.raw(), &mut undefined) })?;
                undefined
            }
            Produced::Flat(flat) => typed_array(env, &flat)?.value().value,
            Produced::Bytes(bytes) => output(env, self.input.is_text, bytes)?.value().value,
        };
        report(env, value, outcome)
    }
}

/// `{ value, matches, cancelled, stopped }`.
fn report<'e>(env: &'e Env, value: sys::napi_value, outcome: Outcome) -> Result<Unknown<'e>> {
    let raw = env.raw();
    let mut object = ptr::null_mut();
    let mut matches = ptr::null_mut();
    let mut cancelled = ptr::null_mut();
    let mut stopped = ptr::null_mut();
    // SAFETY: plain value creation and property writes in this env.
    unsafe {
        check_status!(sys::napi_create_object(raw, &mut object))?;
        check_status!(sys::napi_create_double(
            raw,
            outcome.matches as f64,
            &mut matches
        ))?;
        check_status!(sys::napi_get_boolean(
            raw,
            outcome.cancelled,
            &mut cancelled
        ))?;
        check_status!(sys::napi_get_boolean(raw, outcome.stopped, &mut stopped))?;
        for (name, v) in [
            (c"value", value),
            (c"matches", matches),
            (c"cancelled", cancelled),
            (c"stopped", stopped),
        ] {
            check_status!(sys::napi_set_named_property(raw, object, name.as_ptr(), v))?;
        }
        Ok(Unknown::from_raw_unchecked(raw, object))
    }
}

/// A task over `input` for the matcher behind `matcher`.
fn task(
    env: &Env,
    matcher: &Unknown<'_>,
    input: Pinned,
    work: Work,
    cancel: Arc<AtomicBool>,
) -> Result<AsyncTask<ScanTask>> {
    let matcher = slot(env, matcher)?.matcher(env)?;
    Ok(AsyncTask::new(ScanTask {
        matcher,
        input,
        work,
        cancel,
        _live: Live::new(),
    }))
}

/// A file path: a string, or a `Uint8Array` of the path's bytes.
fn read_path(env: &Env, value: &Unknown<'_>, what: &str) -> Result<PathBuf> {
    let bytes = haystack::read_owned(env, value, what)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Ok(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    match String::from_utf8(bytes) {
        Ok(s) => Ok(PathBuf::from(s)),
        Err(_) => throw(
            env,
            Code::InvalidArgument,
            format!("{what} is not UTF-8"),
            None,
        ),
    }
}

/// A positive integer count (batch size) or thread count (0 allowed).
fn read_count(env: &Env, n: f64, min: f64, what: &str) -> Result<usize> {
    if n >= min && n.fract() == 0.0 && n <= 1e9 {
        return Ok(n as usize);
    }
    throw(
        env,
        Code::InvalidArgument,
        format!("{what} must be an integer from {min} to 1000000000, got {n}"),
        None,
    )
}

/// Counts on the libuv pool. `threads` other than 1 (0: the available cores, at most 8)
/// uses a parallel count, which sees `token` only before it starts.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, threads: number, token: CancelHandle",
    ts_return_type = "Promise<TaskReport<undefined>>"
)]
pub fn count_async(
    env: Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    threads: f64,
    token: Unknown<'_>,
) -> Result<AsyncTask<ScanTask>> {
    let threads = read_count(&env, threads, 0.0, "threads")?;
    let cancel = cancel::flag(&env, &token)?;
    let input = pin(&env, &haystack, None, "haystack")?;
    task(&env, &matcher, input, Work::Count { threads }, cancel)
}

/// Every match on the libuv pool, as a flat `[pattern, start, end, ...]` Float64Array.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, utf8Text: boolean, token: CancelHandle",
    ts_return_type = "Promise<TaskReport<Float64Array>>"
)]
pub fn find_all_async(
    env: Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    utf8_text: bool,
    token: Unknown<'_>,
) -> Result<AsyncTask<ScanTask>> {
    let cancel = cancel::flag(&env, &token)?;
    let input = pin(&env, &haystack, Some(utf8_text), "haystack")?;
    task(&env, &matcher, input, Work::FindAll, cancel)
}

/// `replaceAll` on the libuv pool: a string for string input (or `utf8Text`), a Buffer
/// for bytes.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, replacements: Array<string | Uint8Array>, utf8Text: boolean, token: CancelHandle",
    ts_return_type = "Promise<TaskReport<string | Buffer>>"
)]
pub fn replace_all_async(
    env: Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    replacements: Unknown<'_>,
    utf8_text: bool,
    token: Unknown<'_>,
) -> Result<AsyncTask<ScanTask>> {
    let cancel = cancel::flag(&env, &token)?;
    let replacements = haystack::read_list(&env, &replacements, "replacements")?;
    let input = pin(&env, &haystack, Some(utf8_text), "haystack")?;
    task(
        &env,
        &matcher,
        input,
        Work::Replace { replacements },
        cancel,
    )
}

/// Counts the matches of the file at `path` on the libuv pool, reading it in chunks.
/// `threads` other than 1 (0: the available cores, at most 8) splits a regular file
/// between threads (`Matcher::count_file_parallel`: regex sets at line starts, overlapping
/// literal sets with an overlap); the answer is the same.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, path: string | Uint8Array, threads: number, token: CancelHandle",
    ts_return_type = "Promise<TaskReport<undefined>>"
)]
pub fn count_file(
    env: Env,
    matcher: Unknown<'_>,
    path: Unknown<'_>,
    threads: f64,
    token: Unknown<'_>,
) -> Result<AsyncTask<ScanTask>> {
    file_task(&env, &matcher, &path, threads, &token, |threads| {
        Work::Count { threads }
    })
}

/// Counts the lines of the file at `path` in which a pattern matches (grep -c's answer,
/// in the report's `matches`) on the libuv pool, reading it in chunks. `threads` other
/// than 1 (0: the available cores, at most 8) splits a regular file at line starts
/// between threads (`Matcher::count_file_lines_parallel`); the answer is the same.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, path: string | Uint8Array, threads: number, token: CancelHandle",
    ts_return_type = "Promise<TaskReport<undefined>>"
)]
pub fn count_file_lines(
    env: Env,
    matcher: Unknown<'_>,
    path: Unknown<'_>,
    threads: f64,
    token: Unknown<'_>,
) -> Result<AsyncTask<ScanTask>> {
    file_task(&env, &matcher, &path, threads, &token, |threads| {
        Work::CountLines { threads }
    })
}

/// A count of the file at `path` on `threads` threads, as `work` says.
fn file_task(
    env: &Env,
    matcher: &Unknown<'_>,
    path: &Unknown<'_>,
    threads: f64,
    token: &Unknown<'_>,
    work: impl FnOnce(usize) -> Work,
) -> Result<AsyncTask<ScanTask>> {
    let threads = read_count(env, threads, 0.0, "threads")?;
    let cancel = cancel::flag(env, token)?;
    let input = Pinned::file(read_path(env, path, "path")?);
    task(env, matcher, input, work(threads), cancel)
}

/// Scans the file at `path` on the libuv pool; `onBatch(flat)` receives the matches on
/// the JavaScript thread, `batch` at a time, as flat `[pattern, start, end, ...]` byte
/// offsets. The Promise settles after the last `onBatch`. `onBatch` must not throw; to
/// stop, set `token`.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, path: string | Uint8Array, batch: number, token: CancelHandle, onBatch: (flat: Float64Array) => void",
    ts_return_type = "Promise<TaskReport<undefined>>"
)]
pub fn scan_file(
    env: Env,
    matcher: Unknown<'_>,
    path: Unknown<'_>,
    batch: f64,
    token: Unknown<'_>,
    on_batch: Unknown<'_>,
) -> Result<AsyncTask<ScanTask>> {
    let batch = read_count(&env, batch, 1.0, "batch")?;
    let cancel = cancel::flag(&env, &token)?;
    if on_batch.get_type()? != ValueType::Function {
        return throw(
            &env,
            Code::InvalidArgument,
            "onBatch must be a function",
            None,
        );
    }
    let input = Pinned::file(read_path(&env, &path, "path")?);
    // Checked before the delivery exists: a closed matcher must not leave one behind.
    slot(&env, &matcher)?.matcher(&env)?;
    let delivery = Delivery::new(&env, &on_batch, Arc::clone(&cancel))?;
    task(
        &env,
        &matcher,
        input,
        Work::Scan { batch, delivery },
        cancel,
    )
}

/// Writes the file at `input` with every match replaced to `output` (created or
/// truncated), on the libuv pool.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, input: string | Uint8Array, output: string | Uint8Array, replacements: Array<string | Uint8Array>, token: CancelHandle",
    ts_return_type = "Promise<TaskReport<undefined>>"
)]
pub fn replace_file(
    env: Env,
    matcher: Unknown<'_>,
    input: Unknown<'_>,
    output: Unknown<'_>,
    replacements: Unknown<'_>,
    token: Unknown<'_>,
) -> Result<AsyncTask<ScanTask>> {
    let cancel = cancel::flag(&env, &token)?;
    let replacements = haystack::read_list(&env, &replacements, "replacements")?;
    let input = Pinned::file(read_path(&env, &input, "input")?);
    let output = read_path(&env, &output, "output")?;
    let work = Work::ReplaceFile {
        output,
        replacements,
    };
    task(&env, &matcher, input, work, cancel)
}

/// A task that panics with `message` on the pool thread, for the test proving that its
/// Promise rejects with `PANIC`. Only in builds with the `test-exports` feature.
#[cfg(feature = "test-exports")]
#[napi(js_name = "__panicInTaskForTest", catch_unwind, skip_typescript)]
pub fn panic_in_task_for_test(
    env: Env,
    matcher: Unknown<'_>,
    message: String,
) -> Result<AsyncTask<ScanTask>> {
    let input = Pinned::file(PathBuf::new());
    let cancel = Arc::new(AtomicBool::new(false));
    task(&env, &matcher, input, Work::Panic(message), cancel)
}
