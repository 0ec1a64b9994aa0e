//! Scans that can be cancelled, and scans on a worker thread (jobs).
//!
//! Why it exists: a host that must stay responsive (Node's event loop, a C server
//! thread, a Ruby thread that may be told to stop) cannot call `count` on 200 MB and wait.
//! It needs the scan off its thread, matches in batches rather than one crossing each,
//! and a way to stop the scan early. Everything here runs one of the whole-buffer or file
//! operations with the same answer, adding only two things: a cancel flag checked as the
//! scan goes, and matches grouped in batches.
//!
//! - [`Matcher::count_source`], [`Matcher::scan_batches`], [`Matcher::replace_source`]
//!   run on the calling thread (Node runs them in a libuv pool task, Ruby without the
//!   GVL) and observe `cancel`.
//! - [`Job`] runs one of them on a thread of its own; the batches go to a callback **on
//!   that thread**, or into a bounded queue the caller drains from its own thread
//!   ([`Job::next_batch`]). The callback is dropped exactly once, on the worker thread,
//!   after its last call.
//!
//! Answers: a [`Source::Bytes`] gives exactly `count` / `find_iter` / `replace_all` on
//! those bytes; a [`Source::File`] gives the file functions' answers (`file.rs`: for
//! literal sets the same as a whole-buffer scan of the file's bytes, for regex sets line
//! by line).
//!
//! Where cancellation is seen: literal sets read their input through a [`Stream`] in
//! chunks of [`CHUNK`] bytes, and the flag is checked before each chunk and at every
//! match; files are read in chunks whatever the syntax. A regex set over in-memory bytes
//! is searched whole (its answer is not a stream's), so there the flag is checked at
//! every match only: a search that finds nothing for a long stretch finishes that
//! stretch first.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;

use aho_corasick::AhoCorasick;

use crate::{Error, Match, MatchKind, Matcher, Result, Stream, Syntax};

/// Bytes handed to the stream per step, and read from a file per read.
pub const CHUNK: usize = 256 << 10;

/// What a cancellable scan reads.
#[derive(Clone)]
pub enum Source {
    /// Bytes in memory, kept alive by the `Arc` for as long as the scan runs.
    Bytes(Arc<dyn AsRef<[u8]> + Send + Sync>),
    /// A file (or pipe, FIFO, device) by path, read in chunks.
    File(PathBuf),
}

impl Source {
    /// Bytes copied into a new source.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Source {
        Source::Bytes(Arc::new(bytes.into()))
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Bytes(b) => write!(f, "Source::Bytes({} bytes)", (**b).as_ref().len()),
            Source::File(p) => write!(f, "Source::File({})", p.display()),
        }
    }
}

/// How a cancellable scan ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Matches found (counted, delivered or replaced) before the scan ended.
    pub matches: usize,
    /// True if a callback stopped the scan.
    pub stopped: bool,
    /// True if the cancel flag stopped the scan before the input's end.
    pub cancelled: bool,
}

/// What a scan loop hands its consumer: the input as it is read, how far the input is
/// settled, and the matches.
trait Sink {
    /// These input bytes were read; they follow the previous ones. Called before any
    /// match that ends in them is reported.
    fn read(&mut self, _bytes: &[u8]) {}
    /// No match reported from now on starts before absolute offset `upto`.
    fn settled(&mut self, _upto: usize) {}
    /// The next match, in order.
    fn found(&mut self, m: Match) -> ControlFlow<()>;
}

/// Counts (the count is the outcome's).
struct Counter;

impl Sink for Counter {
    fn found(&mut self, _: Match) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// Hands each match to a callback.
struct Each<F>(F);

impl<F: FnMut(Match) -> ControlFlow<()>> Sink for Each<F> {
    fn found(&mut self, m: Match) -> ControlFlow<()> {
        (self.0)(m)
    }
}

/// Groups matches into batches for a callback.
struct Batcher<F> {
    batch: usize,
    pending: Vec<Match>,
    on_batch: F,
}

impl<F: FnMut(&[Match]) -> ControlFlow<()>> Sink for Batcher<F> {
    fn found(&mut self, m: Match) -> ControlFlow<()> {
        self.pending.push(m);
        if self.pending.len() < self.batch {
            return ControlFlow::Continue(());
        }
        let flow = (self.on_batch)(&self.pending);
        self.pending.clear();
        flow
    }
}

/// Writes the input with each match replaced, as it is read.
struct Replacer<'a, R> {
    out: &'a mut dyn Write,
    replacements: &'a [R],
    per_pattern: bool,
    /// Input bytes read and not yet dropped; `pending[0]` is at absolute `pending_start`.
    pending: Vec<u8>,
    pending_start: usize,
    /// Absolute offset up to which the output is written.
    copied: usize,
    error: Option<std::io::Error>,
}

impl<R: AsRef<[u8]>> Replacer<'_, R> {
    /// Copies the input up to absolute `to`, then continues the output after `resume`.
    fn write(&mut self, to: usize, replacement: Option<&[u8]>, resume: usize) -> bool {
        if self.error.is_some() {
            return false;
        }
        let from = self.copied - self.pending_start;
        let upto = to - self.pending_start;
        let mut result = self.out.write_all(&self.pending[from..upto]);
        if let (Ok(()), Some(r)) = (&result, replacement) {
            result = self.out.write_all(r);
        }
        self.copied = resume;
        match result {
            Ok(()) => true,
            Err(e) => {
                self.error = Some(e);
                false
            }
        }
    }
}

impl<R: AsRef<[u8]>> Sink for Replacer<'_, R> {
    fn read(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    fn settled(&mut self, upto: usize) {
        if upto > self.copied {
            self.write(upto, None, upto);
        }
        // Drop what is written, once per chunk (not per match: that would be quadratic).
        let done = self.copied - self.pending_start;
        self.pending.drain(..done);
        self.pending_start = self.copied;
    }

    fn found(&mut self, m: Match) -> ControlFlow<()> {
        let i = if self.per_pattern {
            m.pattern as usize
        } else {
            0
        };
        let replacements = self.replacements;
        if self.write(m.start, Some(replacements[i].as_ref()), m.end) {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    }
}

impl Matcher {
    /// Number of matches in `source` (see the module docs for the answer), stopping early
    /// if `cancel` is set.
    pub fn count_source(self: &Arc<Self>, source: &Source, cancel: &AtomicBool) -> Result<Outcome> {
        self.drive(source, cancel, &mut Counter)
    }

    /// Every match of `source`, in order, to `on_match` until it returns `Break` or
    /// `cancel` is set.
    pub fn scan_each(
        self: &Arc<Self>,
        source: &Source,
        cancel: &AtomicBool,
        on_match: impl FnMut(Match) -> ControlFlow<()>,
    ) -> Result<Outcome> {
        self.drive(source, cancel, &mut Each(on_match))
    }

    /// Every match of `source`, in order, in batches of up to `batch` matches (at least 1)
    /// handed to `on_batch` until it returns `Break` or `cancel` is set. A batch is
    /// delivered when full and at the end; matches found before a cancel are delivered.
    pub fn scan_batches(
        self: &Arc<Self>,
        source: &Source,
        batch: usize,
        cancel: &AtomicBool,
        on_batch: impl FnMut(&[Match]) -> ControlFlow<()>,
    ) -> Result<Outcome> {
        self.scan_batches_chunked(source, batch, cancel, on_batch, CHUNK)
    }

    fn scan_batches_chunked(
        self: &Arc<Self>,
        source: &Source,
        batch: usize,
        cancel: &AtomicBool,
        on_batch: impl FnMut(&[Match]) -> ControlFlow<()>,
        chunk: usize,
    ) -> Result<Outcome> {
        let batch = batch.max(1);
        let mut sink = Batcher {
            batch,
            pending: Vec::with_capacity(batch.min(1 << 16)),
            on_batch,
        };
        let mut outcome = self.drive_chunked(source, cancel, &mut sink, chunk)?;
        if !sink.pending.is_empty() && !outcome.stopped {
            outcome.stopped = (sink.on_batch)(&sink.pending).is_break();
        }
        Ok(outcome)
    }

    /// Writes `source` to `out` with every match replaced (`replacements`: one for all
    /// patterns, or one per pattern, as [`Matcher::replace_all`]). The output is written
    /// as the input is read, so memory stays bounded for file sources. If `cancel` stops
    /// the scan, `out` holds the replaced text of a prefix of the input and `cancelled`
    /// says so.
    ///
    /// Errors: those of `replace_all`, and [`Error::Io`] for reads and writes.
    pub fn replace_source<R: AsRef<[u8]>>(
        self: &Arc<Self>,
        source: &Source,
        replacements: &[R],
        out: &mut dyn Write,
        cancel: &AtomicBool,
    ) -> Result<Outcome> {
        self.replace_source_chunked(source, replacements, out, cancel, CHUNK, None)
    }

    fn replace_source_chunked<R: AsRef<[u8]>>(
        self: &Arc<Self>,
        source: &Source,
        replacements: &[R],
        out: &mut dyn Write,
        cancel: &AtomicBool,
        chunk: usize,
        out_name: Option<&Path>,
    ) -> Result<Outcome> {
        let per_pattern = self.check_replacements(replacements.len())?;
        if self.options().match_kind == MatchKind::Overlapping {
            return Err(Error::Unsupported(
                "replacement with the overlapping match kind".into(),
            ));
        }
        let mut sink = Replacer {
            out,
            replacements,
            per_pattern,
            pending: Vec::new(),
            pending_start: 0,
            copied: 0,
            error: None,
        };
        let outcome = self.drive_chunked(source, cancel, &mut sink, chunk)?;
        if !outcome.cancelled && sink.error.is_none() {
            let end = sink.pending_start + sink.pending.len();
            sink.write(end, None, end);
        }
        match (sink.error, out_name) {
            (Some(e), Some(name)) => Err(io_at(name, e)),
            (Some(e), None) => Err(e.into()),
            (None, _) => Ok(outcome),
        }
    }

    /// Replaces into the file at `output` (created or truncated) what
    /// [`Matcher::replace_source`] writes for the file at `input`. Refuses an output that
    /// is the input itself (it would be truncated before it is read).
    pub fn replace_file<R: AsRef<[u8]>>(
        self: &Arc<Self>,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
        replacements: &[R],
        cancel: &AtomicBool,
    ) -> Result<Outcome> {
        let (input, output) = (input.as_ref(), output.as_ref());
        // Every refusal comes before the output is created: an argument error must not
        // truncate an existing file.
        self.check_replacements(replacements.len())?;
        if self.options().match_kind == MatchKind::Overlapping {
            return Err(Error::Unsupported(
                "replacement with the overlapping match kind".into(),
            ));
        }
        if same_file(input, output) {
            return Err(Error::InvalidArgument(format!(
                "the output {} is the input file",
                output.display()
            )));
        }
        // Open the input first: a missing input must not leave an empty output behind.
        let source = Source::File(input.into());
        drop(open_input(input)?);
        let created = File::create(output).map_err(|e| io_at(output, e))?;
        let mut out = std::io::BufWriter::with_capacity(CHUNK, created);
        let outcome = self.replace_source_chunked(
            &source,
            replacements,
            &mut out,
            cancel,
            CHUNK,
            Some(output),
        )?;
        out.flush().map_err(|e| io_at(output, e))?;
        Ok(outcome)
    }

    /// 1 replacement for all patterns or one per pattern: true for per-pattern.
    pub(crate) fn check_replacements(&self, n: usize) -> Result<bool> {
        match n {
            1 => Ok(false),
            n if n == self.pattern_count() => Ok(true),
            n => Err(Error::InvalidArgument(format!(
                "expected 1 replacement or {} (one per pattern), got {n}",
                self.pattern_count()
            ))),
        }
    }

    /// The one scan loop of this module: reads `source`, tells `sink` what it read and
    /// found, and checks `cancel` before each chunk and at each match.
    fn drive(
        self: &Arc<Self>,
        source: &Source,
        cancel: &AtomicBool,
        sink: &mut dyn Sink,
    ) -> Result<Outcome> {
        self.drive_chunked(source, cancel, sink, CHUNK)
    }

    /// [`Matcher::drive`] with chunks of `chunk` bytes (tests use small ones).
    fn drive_chunked(
        self: &Arc<Self>,
        source: &Source,
        cancel: &AtomicBool,
        sink: &mut dyn Sink,
        chunk: usize,
    ) -> Result<Outcome> {
        let mut run = Run {
            sink,
            cancel,
            outcome: Outcome::default(),
            fed: 0,
        };
        match source {
            Source::Bytes(bytes) if self.options().syntax == Syntax::Regex => {
                // Whole-buffer semantics: one search, not line by line.
                let bytes = (**bytes).as_ref();
                if run.check_cancel() {
                    run.sink.read(bytes);
                    let _ = self.each(bytes, |m| run.found(m));
                    if run.running() {
                        run.sink.settled(bytes.len());
                    }
                }
            }
            Source::Bytes(bytes) if self.plain_automaton().is_some() => {
                let ac = self.plain_automaton().expect("checked");
                run.plain(ac, (**bytes).as_ref(), chunk, self.options().match_kind);
            }
            Source::Bytes(bytes) => {
                let mut stream = Stream::new(Arc::clone(self));
                for chunk in (**bytes).as_ref().chunks(chunk) {
                    if !run.feed(&mut stream, chunk) {
                        break;
                    }
                }
                run.finish(&mut stream);
            }
            Source::File(path) => {
                let mut file = open_input(path)?;
                let mut stream = Stream::new(Arc::clone(self));
                read_chunks(&mut file, path, chunk, |bytes| run.feed(&mut stream, bytes))?;
                run.finish(&mut stream);
            }
        }
        Ok(run.outcome)
    }
}

/// One scan in progress: the sink, the cancel flag and the tally.
struct Run<'a> {
    sink: &'a mut dyn Sink,
    cancel: &'a AtomicBool,
    outcome: Outcome,
    /// Bytes fed to the stream so far.
    fed: usize,
}

impl Run<'_> {
    /// False (and the outcome says cancelled) if the flag is set.
    fn check_cancel(&mut self) -> bool {
        if self.cancel.load(Ordering::Relaxed) {
            self.outcome.cancelled = true;
        }
        !self.outcome.cancelled
    }

    fn running(&self) -> bool {
        !self.outcome.cancelled && !self.outcome.stopped
    }

    fn found(&mut self, m: Match) -> ControlFlow<()> {
        if !self.check_cancel() {
            return ControlFlow::Break(());
        }
        self.outcome.matches += 1;
        let flow = self.sink.found(m);
        self.outcome.stopped |= flow.is_break();
        flow
    }

    /// Feeds one chunk; false once the scan is over (stopped or cancelled).
    fn feed(&mut self, stream: &mut Stream, chunk: &[u8]) -> bool {
        if !self.check_cancel() {
            return false;
        }
        self.sink.read(chunk);
        self.fed += chunk.len();
        // A stream stopped by its callback is finished; `feed` fails only then.
        let _ = stream.feed(chunk, |m| self.found(m));
        if !self.running() {
            return false;
        }
        self.sink.settled(self.fed - stream.buffered());
        true
    }

    /// A plain literal set over bytes in memory: the automaton searched in place, one
    /// chunk of match starts (leftmost) or ends (overlapping) at a time, with the search
    /// span reaching `longest - 1` bytes past the chunk, so each chunk's matches are exactly
    /// the whole-buffer ones (the argument of `parallel.rs`), without the copy a stream makes.
    fn plain(&mut self, ac: &AhoCorasick, hay: &[u8], chunk: usize, kind: MatchKind) {
        let longest = ac.max_pattern_len();
        let (mut pos, mut read) = (0, 0);
        let mut at = 0;
        while at < hay.len() {
            if !self.check_cancel() {
                return;
            }
            let end = (at + chunk.max(1)).min(hay.len());
            let extend = |sink: &mut dyn Sink, to: usize, read: &mut usize| {
                if to > *read {
                    sink.read(&hay[*read..to]);
                    *read = to;
                }
            };
            let flow = if kind == MatchKind::Overlapping {
                let from = at.saturating_sub(longest.saturating_sub(1));
                let mut flow = ControlFlow::Continue(());
                for m in ac.find_overlapping_iter(aho_corasick::Input::new(hay).span(from..end)) {
                    if at > 0 && m.end() <= at {
                        continue;
                    }
                    extend(&mut *self.sink, m.end(), &mut read);
                    flow = self.found(crate::parallel::convert(m));
                    if flow.is_break() {
                        break;
                    }
                }
                flow
            } else {
                let mut flow = ControlFlow::Continue(());
                for m in ac.find_iter(crate::parallel::starting_before(ac, hay, pos, end)) {
                    if m.start() >= end {
                        break;
                    }
                    extend(&mut *self.sink, m.end(), &mut read);
                    pos = m.end();
                    flow = self.found(crate::parallel::convert(m));
                    if flow.is_break() {
                        break;
                    }
                }
                pos = pos.max(end);
                flow
            };
            if flow.is_break() {
                return;
            }
            extend(&mut *self.sink, end, &mut read);
            self.sink.settled(if kind == MatchKind::Overlapping {
                end.saturating_sub(longest.saturating_sub(1))
            } else {
                pos.min(read)
            });
            at = end;
        }
    }

    fn finish(&mut self, stream: &mut Stream) {
        if self.running() && !stream.is_finished() {
            let _ = stream.finish(|m| self.found(m));
            if self.running() {
                self.sink.settled(self.fed);
            }
        }
    }
}

/// Opens a file for reading, refusing directories (reading one fails only later, and
/// with a less clear error).
fn open_input(path: &Path) -> Result<File> {
    let file = File::open(path).map_err(|e| io_at(path, e))?;
    if file.metadata().map_err(|e| io_at(path, e))?.is_dir() {
        return Err(Error::Io {
            kind: ErrorKind::InvalidInput,
            os_code: None,
            message: format!("{} is a directory", path.display()),
        });
    }
    Ok(file)
}

/// Reads `file` (at `path`) in chunks of `chunk` bytes into `each` until the end or until
/// `each` returns false. A failing read is an error naming the file.
pub(crate) fn read_chunks(
    file: &mut File,
    path: &Path,
    chunk: usize,
    mut each: impl FnMut(&[u8]) -> bool,
) -> Result<()> {
    let mut buf = vec![0u8; chunk];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_at(path, e)),
        };
        if !each(&buf[..n]) {
            return Ok(());
        }
    }
}

/// An I/O error on `path`, its message naming the file.
pub(crate) fn io_at(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        kind: e.kind(),
        os_code: e.raw_os_error(),
        message: format!("{}: {e}", path.display()),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// A batch callback of a [`Job`] (runs on the worker thread).
pub type BatchCallback = Box<dyn FnMut(&[Match]) -> ControlFlow<()> + Send>;

/// How a [`Job`] hands over its matches.
pub enum Delivery {
    /// No matches, only the count in the outcome.
    Count,
    /// Batches to this callback, **on the worker thread**, until it returns `Break`. The
    /// callback is dropped on the worker thread once the scan is over.
    Callback(BatchCallback),
    /// Batches into a queue the caller drains with [`Job::next_batch`]; the worker waits
    /// while `max_queued` batches are waiting (at least 1).
    Collect { max_queued: usize },
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Delivery::Count => f.write_str("Delivery::Count"),
            Delivery::Callback(_) => f.write_str("Delivery::Callback(..)"),
            Delivery::Collect { max_queued } => {
                write!(f, "Delivery::Collect {{ max_queued: {max_queued} }}")
            }
        }
    }
}

/// A scan running on a thread of its own. Dropping a job cancels it and waits for its
/// thread.
#[derive(Debug)]
pub struct Job {
    shared: Arc<Shared>,
    worker: Mutex<Option<thread::JoinHandle<()>>>,
}

#[derive(Debug, Default)]
struct Shared {
    cancel: AtomicBool,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<Vec<Match>>,
    /// Set by the worker as its last act.
    outcome: Option<Result<Outcome>>,
    /// Set by `wait`: the caller takes no more batches, so the worker must not wait.
    discard: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic never happens with the lock held (the worker catches its scan's panics
        // outside it), so poisoning is only ever a formality.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Job {
    /// Starts counting `source` on a new thread.
    pub fn count(matcher: Arc<Matcher>, source: Source) -> Job {
        Job::spawn(matcher, source, 1, Delivery::Count)
    }

    /// Starts scanning `source` on a new thread, delivering matches in batches of up to
    /// `batch` (at least 1) as `delivery` says.
    pub fn scan(matcher: Arc<Matcher>, source: Source, batch: usize, delivery: Delivery) -> Job {
        Job::spawn(matcher, source, batch, delivery)
    }

    fn spawn(matcher: Arc<Matcher>, source: Source, batch: usize, delivery: Delivery) -> Job {
        let shared = Arc::new(Shared::default());
        let worker = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("hayscan-job".into())
                .spawn(move || {
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run_job(&matcher, &source, batch, delivery, &shared)
                    }))
                    .unwrap_or_else(|panic| {
                        let what = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        Err(Error::Panicked(what))
                    });
                    shared.lock().outcome = Some(outcome);
                    shared.changed.notify_all();
                })
        };
        let worker = match worker {
            Ok(handle) => Some(handle),
            Err(e) => {
                shared.lock().outcome = Some(Err(e.into()));
                None
            }
        };
        Job {
            shared,
            worker: Mutex::new(worker),
        }
    }

    /// Asks the scan to stop; it stops at the next check (see the module docs). Matches
    /// found before are still delivered.
    pub fn cancel(&self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
        self.shared.changed.notify_all();
    }

    /// True once the scan is over (its outcome is ready; batches may still be queued).
    pub fn is_done(&self) -> bool {
        self.shared.lock().outcome.is_some()
    }

    /// The next batch ([`Delivery::Collect`]), waiting for one if none is queued; `None`
    /// once the scan is over and every batch has been taken (at once for the other
    /// deliveries).
    pub fn next_batch(&self) -> Option<Vec<Match>> {
        let mut state = self.shared.lock();
        loop {
            if let Some(batch) = state.queue.pop_front() {
                self.shared.changed.notify_all();
                return Some(batch);
            }
            if state.outcome.is_some() {
                return None;
            }
            state = self
                .shared
                .changed
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Waits for the scan to end and returns its outcome (the same on every call). Batches
    /// not taken yet are dropped, and the worker no longer waits for the queue to drain:
    /// take them with [`Job::next_batch`] first.
    pub fn wait(&self) -> Result<Outcome> {
        {
            let mut state = self.shared.lock();
            state.discard = true;
            state.queue.clear();
        }
        self.shared.changed.notify_all();
        if let Some(handle) = self.worker.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = handle.join();
        }
        let state = self.shared.lock();
        state.outcome.clone().unwrap_or_else(|| {
            Err(Error::Panicked(
                "the job's thread ended without an outcome".into(),
            ))
        })
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel();
        let _ = self.wait();
    }
}

fn run_job(
    matcher: &Arc<Matcher>,
    source: &Source,
    batch: usize,
    delivery: Delivery,
    shared: &Shared,
) -> Result<Outcome> {
    let cancel = &shared.cancel;
    match delivery {
        Delivery::Count => matcher.count_source(source, cancel),
        Delivery::Callback(mut f) => {
            let outcome = matcher.scan_batches(source, batch, cancel, &mut f);
            drop(f);
            outcome
        }
        Delivery::Collect { max_queued } => {
            let max_queued = max_queued.max(1);
            let mut outcome = matcher.scan_batches(source, batch, cancel, |b| {
                let mut state = shared.lock();
                while state.queue.len() >= max_queued && !state.discard {
                    if cancel.load(Ordering::Relaxed) {
                        // The caller stopped draining and cancelled: keep what is queued,
                        // drop this batch rather than wait forever.
                        return ControlFlow::Break(());
                    }
                    state = shared
                        .changed
                        .wait(state)
                        .unwrap_or_else(|e| e.into_inner());
                }
                if !state.discard {
                    state.queue.push_back(b.to_vec());
                    shared.changed.notify_all();
                }
                ControlFlow::Continue(())
            })?;
            if outcome.stopped && cancel.load(Ordering::Relaxed) {
                // Only a cancel stops a collecting scan.
                (outcome.stopped, outcome.cancelled) = (false, true);
            }
            Ok(outcome)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use std::sync::atomic::AtomicUsize;

    fn temp(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hayscan-job-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn text() -> Vec<u8> {
        let mut t = Vec::new();
        for i in 0..400 {
            t.extend_from_slice(format!("line {i}: a needle, an éclair, NEEDLE{i}\n").as_bytes());
        }
        t
    }

    fn matchers() -> Vec<Arc<Matcher>> {
        let mut out = Vec::new();
        for kind in [
            MatchKind::LeftmostFirst,
            MatchKind::LeftmostLongest,
            MatchKind::Overlapping,
        ] {
            for case_insensitive in [false, true] {
                let opts = Options {
                    match_kind: kind,
                    case_insensitive,
                    ..Options::default()
                };
                out.push(Arc::new(
                    Matcher::new(&["needle", "edle", "e", "éc", "1\nl"], &opts).unwrap(),
                ));
            }
        }
        let regex = Options::regex();
        out.push(Arc::new(
            Matcher::new(&[r"NEEDLE\d+", r"\bn\w+", "^line"], &regex).unwrap(),
        ));
        out.push(Arc::new(
            Matcher::new(&["", "le"], &Options::default()).unwrap(),
        ));
        out
    }

    fn collect(
        m: &Arc<Matcher>,
        source: &Source,
        batch: usize,
        chunk: usize,
    ) -> (Vec<Match>, Outcome) {
        let mut got = Vec::new();
        let no = AtomicBool::new(false);
        let outcome = m
            .scan_batches_chunked(
                source,
                batch,
                &no,
                |b| {
                    assert!(!b.is_empty() && b.len() <= batch);
                    got.extend_from_slice(b);
                    ControlFlow::Continue(())
                },
                chunk,
            )
            .unwrap();
        (got, outcome)
    }

    #[test]
    fn bytes_give_the_whole_buffer_answer_in_any_chunking() {
        let text = text();
        let source = Source::bytes(text.clone());
        let no = AtomicBool::new(false);
        for m in matchers() {
            let want: Vec<Match> = m.find_iter(&text).collect();
            assert_eq!(m.count_source(&source, &no).unwrap().matches, want.len());
            for (batch, chunk) in [(1, 1), (7, 3), (1000, 64), (5, CHUNK)] {
                let (got, outcome) = collect(&m, &source, batch, chunk);
                assert_eq!(got, want, "batch {batch} chunk {chunk}");
                assert_eq!(
                    outcome,
                    Outcome {
                        matches: want.len(),
                        stopped: false,
                        cancelled: false
                    }
                );
            }
        }
    }

    #[test]
    fn random_sets_over_a_small_alphabet_give_the_whole_buffer_answer() {
        // A tiny deterministic generator (xorshift): sets and haystacks over "ab" make
        // matches straddle every chunk edge in every kind.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let no = AtomicBool::new(false);
        for round in 0..300 {
            let word = |next: &mut dyn FnMut(u64) -> u64, max: u64| -> Vec<u8> {
                (0..1 + next(max))
                    .map(|_| b"ab"[next(2) as usize])
                    .collect()
            };
            let pats: Vec<Vec<u8>> = (0..1 + next(4)).map(|_| word(&mut next, 4)).collect();
            let hay = word(&mut next, 40);
            let kind = [
                MatchKind::LeftmostFirst,
                MatchKind::LeftmostLongest,
                MatchKind::Overlapping,
            ][round % 3];
            let m = Arc::new(
                Matcher::new(
                    &pats,
                    &Options {
                        match_kind: kind,
                        ..Options::default()
                    },
                )
                .unwrap(),
            );
            let want: Vec<Match> = m.find_iter(&hay).collect();
            let chunk = 1 + next(6) as usize;
            let (got, _) = collect(&m, &Source::bytes(hay.clone()), 1 + next(3) as usize, chunk);
            assert_eq!(got, want, "{pats:?} over {hay:?}, {kind:?}, chunk {chunk}");
            if kind != MatchKind::Overlapping {
                let mut out = Vec::new();
                m.replace_source_chunked(
                    &Source::bytes(hay.clone()),
                    &["<>"],
                    &mut out,
                    &no,
                    chunk,
                    None,
                )
                .unwrap();
                assert_eq!(
                    out,
                    m.replace_all(&hay, &["<>"]).unwrap(),
                    "{pats:?} over {hay:?}"
                );
            }
        }
    }

    #[test]
    fn files_give_the_file_functions_answer() {
        let text = text();
        let path = temp("scan.txt", &text);
        for m in matchers() {
            let mut want = Vec::new();
            m.scan_file(&path, |x| {
                want.push(x);
                ControlFlow::Continue(())
            })
            .unwrap();
            for chunk in [1, 5, 4096] {
                let (got, _) = collect(&m, &Source::File(path.clone()), 3, chunk);
                assert_eq!(got, want, "chunk {chunk}");
            }
        }
    }

    #[test]
    fn replace_matches_replace_all_in_any_chunking() {
        let text = text();
        let path = temp("replace.txt", &text);
        let no = AtomicBool::new(false);
        for m in matchers() {
            if m.options().match_kind == MatchKind::Overlapping {
                let err =
                    m.replace_source(&Source::bytes(text.clone()), &["x"], &mut Vec::new(), &no);
                assert!(matches!(err, Err(Error::Unsupported(_))));
                continue;
            }
            let per: Vec<String> = (0..m.pattern_count()).map(|i| format!("<{i}>")).collect();
            let want = m.replace_all(&text, &per).unwrap();
            for chunk in [1, 2, 7, 4096, CHUNK] {
                let mut out = Vec::new();
                m.replace_source_chunked(
                    &Source::bytes(text.clone()),
                    &per,
                    &mut out,
                    &no,
                    chunk,
                    None,
                )
                .unwrap();
                if m.options().syntax == Syntax::Literal {
                    assert_eq!(out, want, "chunk {chunk}");
                }
                // A file gives the stream's answer: the matches of `scan_file`.
                let mut file_out = Vec::new();
                m.replace_source_chunked(
                    &Source::File(path.clone()),
                    &per,
                    &mut file_out,
                    &no,
                    chunk,
                    None,
                )
                .unwrap();
                let mut spliced = Vec::new();
                let mut copied = 0;
                m.scan_file(&path, |x| {
                    spliced.extend_from_slice(&text[copied..x.start]);
                    spliced.extend_from_slice(per[x.pattern as usize].as_bytes());
                    copied = x.end;
                    ControlFlow::Continue(())
                })
                .unwrap();
                spliced.extend_from_slice(&text[copied..]);
                assert_eq!(file_out, spliced, "file, chunk {chunk}");
            }
            let too_many = vec!["r"; m.pattern_count() + 1];
            let bad = m.replace_source(
                &Source::bytes(text.clone()),
                &too_many,
                &mut Vec::new(),
                &no,
            );
            assert!(matches!(bad, Err(Error::InvalidArgument(_))));
        }
    }

    #[test]
    fn replace_file_writes_the_output_and_refuses_its_own_input() {
        let text = text();
        let input = temp("in.txt", &text);
        let output = input.with_file_name("out.txt");
        let m = Arc::new(Matcher::new(&["needle"], &Options::default()).unwrap());
        let no = AtomicBool::new(false);
        let outcome = m.replace_file(&input, &output, &["pin"], &no).unwrap();
        assert_eq!(outcome.matches, 400);
        assert_eq!(
            std::fs::read(&output).unwrap(),
            m.replace_all(&text, &["pin"]).unwrap()
        );
        assert!(matches!(
            m.replace_file(&input, &input, &["pin"], &no),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(
            std::fs::read(&input).unwrap(),
            text,
            "the input is untouched"
        );
        let missing = input.with_file_name("missing.txt");
        let never = input.with_file_name("never.txt");
        let err = m.replace_file(&missing, &never, &["pin"], &no).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Io {
                    kind: ErrorKind::NotFound,
                    os_code: Some(2),
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(!never.exists(), "no output for a missing input");
    }

    #[test]
    fn argument_errors_leave_an_existing_output_alone_and_io_errors_name_the_file() {
        let input = temp("args-in.txt", b"a needle");
        let output = temp("args-out.txt", b"keep me");
        let no = AtomicBool::new(false);
        let m = Arc::new(Matcher::new(&["needle", "pin"], &Options::default()).unwrap());
        let err = m
            .replace_file(&input, &output, &["a", "b", "c"], &no)
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
        let ov = Arc::new(
            Matcher::new(
                &["needle"],
                &Options {
                    match_kind: MatchKind::Overlapping,
                    ..Options::default()
                },
            )
            .unwrap(),
        );
        let err = ov.replace_file(&input, &output, &["x"], &no).unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        assert_eq!(std::fs::read(&output).unwrap(), b"keep me");
        let missing = input.with_file_name("no-such-input.txt");
        let err = m
            .count_source(&Source::File(missing.clone()), &no)
            .unwrap_err();
        assert!(
            err.to_string().contains(&*missing.to_string_lossy()),
            "{err}"
        );
        let dir_out = input.with_file_name("no-such-dir").join("out.txt");
        let err = m.replace_file(&input, &dir_out, &["x"], &no).unwrap_err();
        assert!(
            err.to_string().contains(&*dir_out.to_string_lossy()),
            "{err}"
        );
    }

    #[test]
    fn a_failing_writer_is_an_io_error() {
        struct Full(usize);
        impl Write for Full {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                if self.0 < b.len() {
                    return Err(std::io::Error::new(ErrorKind::StorageFull, "disk full"));
                }
                self.0 -= b.len();
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let m = Arc::new(Matcher::new(&["needle"], &Options::default()).unwrap());
        let no = AtomicBool::new(false);
        let err = m
            .replace_source(&Source::bytes(text()), &["pin"], &mut Full(100), &no)
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Io {
                    kind: ErrorKind::StorageFull,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn cancel_stops_at_the_next_check_and_keeps_what_was_found() {
        let text = text();
        for m in matchers() {
            let want: Vec<Match> = m.find_iter(&text).collect();
            let set = AtomicBool::new(true);
            let outcome = m.count_source(&Source::bytes(text.clone()), &set).unwrap();
            assert_eq!(
                outcome,
                Outcome {
                    matches: 0,
                    stopped: false,
                    cancelled: true
                }
            );
            // Cancelled from the callback after the first batch.
            let cancel = AtomicBool::new(false);
            let mut got = Vec::new();
            let outcome = m
                .scan_batches_chunked(
                    &Source::bytes(text.clone()),
                    4,
                    &cancel,
                    |b| {
                        got.extend_from_slice(b);
                        cancel.store(true, Ordering::Relaxed);
                        ControlFlow::Continue(())
                    },
                    16,
                )
                .unwrap();
            assert!(outcome.cancelled && !outcome.stopped);
            assert_eq!(got, want[..4], "one batch, then the cancel is seen");
        }
    }

    #[test]
    fn a_callback_that_breaks_stops_the_scan() {
        let m = Arc::new(Matcher::new(&["needle"], &Options::default()).unwrap());
        let no = AtomicBool::new(false);
        let mut calls = 0;
        let outcome = m
            .scan_batches(&Source::bytes(text()), 10, &no, |_| {
                calls += 1;
                ControlFlow::Break(())
            })
            .unwrap();
        assert_eq!(
            (calls, outcome.matches, outcome.stopped, outcome.cancelled),
            (1, 10, true, false)
        );
    }

    #[test]
    fn file_errors_are_io_errors() {
        let m = Arc::new(Matcher::new(&["needle"], &Options::default()).unwrap());
        let no = AtomicBool::new(false);
        let dir = std::env::temp_dir();
        let err = m.count_source(&Source::File(dir.clone()), &no).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Io {
                    kind: ErrorKind::InvalidInput,
                    ..
                }
            ),
            "{err:?}"
        );
        let err = m
            .count_source(&Source::File(dir.join("hayscan-no-such-file")), &no)
            .unwrap_err();
        assert!(err.to_string().contains("No such file"), "{err}");
    }

    /// Counts drops of a callback.
    struct Dropped(Arc<AtomicUsize>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn jobs_count_call_back_on_their_thread_and_drop_the_callback_once() {
        let text = text();
        let m = Arc::new(Matcher::new(&["needle", "NEEDLE"], &Options::default()).unwrap());
        let want: Vec<Match> = m.find_iter(&text).collect();
        let job = Job::count(Arc::clone(&m), Source::bytes(text.clone()));
        assert_eq!(job.wait().unwrap().matches, want.len());
        assert_eq!(
            job.wait().unwrap().matches,
            want.len(),
            "the same outcome again"
        );
        assert!(job.is_done() && job.next_batch().is_none());

        let drops = Arc::new(AtomicUsize::new(0));
        let got = Arc::new(Mutex::new(Vec::new()));
        let caller = thread::current().id();
        let (guard, sink) = (Dropped(Arc::clone(&drops)), Arc::clone(&got));
        let job = Job::scan(
            Arc::clone(&m),
            Source::bytes(text.clone()),
            64,
            Delivery::Callback(Box::new(move |b| {
                let _ = &guard;
                assert_ne!(
                    thread::current().id(),
                    caller,
                    "callbacks run on the worker"
                );
                sink.lock().unwrap().extend_from_slice(b);
                ControlFlow::Continue(())
            })),
        );
        let outcome = job.wait().unwrap();
        assert_eq!(
            (outcome.matches, drops.load(Ordering::SeqCst)),
            (want.len(), 1)
        );
        drop(job);
        assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped exactly once");
        assert_eq!(*got.lock().unwrap(), want);
    }

    #[test]
    fn collected_batches_are_drained_in_order_with_backpressure() {
        let text = text();
        let m = Arc::new(Matcher::new(&["e"], &Options::default()).unwrap());
        let want: Vec<Match> = m.find_iter(&text).collect();
        let job = Job::scan(
            Arc::clone(&m),
            Source::bytes(text.clone()),
            10,
            Delivery::Collect { max_queued: 2 },
        );
        let mut got = Vec::new();
        while let Some(b) = job.next_batch() {
            assert!(b.len() <= 10);
            got.extend(b);
        }
        assert_eq!(got, want);
        assert_eq!(job.wait().unwrap().matches, want.len());
    }

    #[test]
    fn a_job_nobody_drains_can_be_cancelled_waited_for_or_dropped() {
        let text = text().repeat(20);
        let m = Arc::new(Matcher::new(&["e"], &Options::default()).unwrap());
        // Cancel with a full queue: the worker stops instead of waiting.
        let job = Job::scan(
            Arc::clone(&m),
            Source::bytes(text.clone()),
            1,
            Delivery::Collect { max_queued: 1 },
        );
        let first = job.next_batch().unwrap();
        assert_eq!(first.len(), 1);
        job.cancel();
        let outcome = job.wait().unwrap();
        assert!(outcome.cancelled && !outcome.stopped, "{outcome:?}");
        // Wait without draining: queued batches are dropped, the worker finishes.
        let job = Job::scan(
            Arc::clone(&m),
            Source::bytes(text.clone()),
            1,
            Delivery::Collect { max_queued: 1 },
        );
        let outcome = job.wait().unwrap();
        assert!(!outcome.cancelled);
        assert_eq!(outcome.matches, m.count(&text));
        // Dropped while running: cancelled and joined.
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = Dropped(Arc::clone(&drops));
        let job = Job::scan(
            Arc::clone(&m),
            Source::bytes(text),
            1,
            Delivery::Callback(Box::new(move |_| {
                let _ = &guard;
                thread::sleep(std::time::Duration::from_micros(50));
                ControlFlow::Continue(())
            })),
        );
        drop(job);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_panicking_callback_is_an_error_not_a_crash() {
        let m = Arc::new(Matcher::new(&["needle"], &Options::default()).unwrap());
        let job = Job::scan(
            m,
            Source::bytes(text()),
            1,
            Delivery::Callback(Box::new(|_| panic!("boom"))),
        );
        assert_eq!(job.wait().unwrap_err(), Error::Panicked("boom".into()));
    }

    #[test]
    fn a_missing_file_fails_the_job() {
        let m = Arc::new(Matcher::new(&["needle"], &Options::default()).unwrap());
        let job = Job::count(m, Source::File("/nonexistent/hayscan".into()));
        assert!(matches!(
            job.wait(),
            Err(Error::Io {
                kind: ErrorKind::NotFound,
                ..
            })
        ));
    }
}
