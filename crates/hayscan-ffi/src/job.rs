//! `hayscan_job_t`: a scan on a worker thread (`hayscan::Job`), for hosts that must not
//! block their own thread (an event loop, a GVL, a request thread that wants to overlap
//! the scan with its own work). Matches go in batches to a callback that runs **on the
//! worker thread**, or into a bounded queue the caller drains from its own thread with
//! `hayscan_job_next_batch`; the scan can be cancelled from any thread.

use std::ffi::c_void;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex, PoisonError};

use hayscan_core::{Delivery, Job, Match, Source};
use safer_ffi::c_char;
use safer_ffi::prelude::*;

use crate::bytes::hayscan_bytes;
use crate::file::path_of;
use crate::handles::{self, bytes, out, LiveCount, Object};
use crate::matcher::{count_with, hayscan_matcher, matcher_of};
use crate::scan::hayscan_match;
use crate::status::{guard, hayscan_status, Fail};
use crate::stream::hayscan_release_t;

/// `hayscan_job_options_t.delivery`: no matches, only the count (`hayscan_job_wait`).
#[ffi_export]
pub const HAYSCAN_JOB_COUNT: u32 = 0;
/// `hayscan_job_options_t.delivery`: batches to `on_batch`, called on the worker thread.
#[ffi_export]
pub const HAYSCAN_JOB_CALLBACK: u32 = 1;
/// `hayscan_job_options_t.delivery`: batches into a queue drained with
/// `hayscan_job_next_batch` (the default).
#[ffi_export]
pub const HAYSCAN_JOB_COLLECT: u32 = 2;
/// Current value for `hayscan_job_options_t.version`.
#[ffi_export]
pub const HAYSCAN_JOB_OPTIONS_VERSION: u32 = 1;

/// Called on the worker thread with the next `len` matches (valid only during the call).
/// Return 0 to continue, non-zero to stop the scan.
pub type hayscan_on_batch_t = unsafe extern "C" fn(*mut c_void, *const hayscan_match, usize) -> i32;

/// How a job runs. Initialise it with `hayscan_job_options_init`: fields may be appended in
/// later versions.
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hayscan_job_options {
    /// Must be `HAYSCAN_JOB_OPTIONS_VERSION` (set by `hayscan_job_options_init`).
    pub version: u32,
    /// `HAYSCAN_JOB_COLLECT` (default), `HAYSCAN_JOB_CALLBACK` or `HAYSCAN_JOB_COUNT`.
    pub delivery: u32,
    /// Most matches per batch (default 4,096; at least 1).
    pub batch: usize,
    /// Collect only: batches queued before the worker waits for the caller (default 4).
    pub max_queued: usize,
    /// Callback only (required then): receives each batch, on the worker thread.
    pub on_batch: Option<hayscan_on_batch_t>,
    /// May be NULL. Called exactly once with `user_data` when the job is done with it:
    /// on the worker thread after the last `on_batch`, or in `hayscan_matcher_start_job`
    /// itself if that fails after reading the options.
    pub release: Option<hayscan_release_t>,
    /// Passed to `on_batch` and `release`.
    pub user_data: *mut c_void,
}

/// What a job did, written by `hayscan_job_wait`.
#[derive_ReprC]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct hayscan_job_outcome {
    /// Matches found (counted, or handed to the callback or the queue).
    pub matches: usize,
    /// 1 if `on_batch` returned non-zero.
    pub stopped: u32,
    /// 1 if `hayscan_job_cancel` (or `hayscan_job_free`) stopped the scan early.
    pub cancelled: u32,
}

/// A scan running on its own thread. Create with `hayscan_matcher_start_job` or
/// `hayscan_matcher_start_file_job`; free with `hayscan_job_free`. `hayscan_job_cancel`
/// may be called from any thread; the other functions from one thread at a time.
#[derive_ReprC]
#[repr(opaque)]
#[derive(Debug)]
pub struct hayscan_job {
    // Never instantiated: a handle is a registry token (handles.rs), not an address.
    _token: [u8; 0],
}

/// What a job handle names in the registry.
#[derive(Debug)]
pub(crate) struct JobObject {
    job: Job,
    /// The batch `hayscan_job_next_batch` is handing out, and how much of it is taken.
    current: Mutex<(Vec<Match>, usize)>,
    /// Count and collect jobs: the unused callback, so `release` runs when the job is
    /// freed, as with a callback job.
    _unused: Mutex<Option<Callback>>,
    _live: LiveCount,
}

/// A haystack the caller promised stays valid and unchanged until `hayscan_job_free`.
struct Borrowed {
    ptr: *const u8,
    len: usize,
}

// SAFETY: the bytes are only read, and the caller of `hayscan_matcher_start_job` promised
// they stay valid and unchanged until the job is freed; `hayscan_job_free` waits for the
// worker before it returns.
unsafe impl Send for Borrowed {}
unsafe impl Sync for Borrowed {}

impl AsRef<[u8]> for Borrowed {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: see the `Send` impl: valid for `len` bytes while the job lives.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// The C callback and its `user_data`, released exactly once when dropped.
#[derive(Debug)]
struct Callback {
    on_batch: Option<hayscan_on_batch_t>,
    release: Option<hayscan_release_t>,
    user_data: *mut c_void,
    converted: Vec<hayscan_match>,
}

// SAFETY: the caller of `hayscan_matcher_start_job` gives `user_data` to the worker thread
// (the header says the callback and `release` run there).
unsafe impl Send for Callback {}

impl Callback {
    fn call(&mut self, batch: &[Match]) -> ControlFlow<()> {
        let Some(on_batch) = self.on_batch else {
            return ControlFlow::Continue(());
        };
        self.converted.clear();
        self.converted
            .extend(batch.iter().map(|&m| hayscan_match::from(m)));
        // SAFETY: the caller promised `on_batch` is valid for `user_data`.
        let stop = unsafe { on_batch(self.user_data, self.converted.as_ptr(), batch.len()) };
        if stop != 0 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            // SAFETY: the caller promised `release` is valid for `user_data`; it runs once.
            unsafe { release(self.user_data) };
        }
    }
}

/// Fills `*options` with the defaults: `HAYSCAN_JOB_COLLECT`, batches of 4,096, 4 queued,
/// no callback.
#[ffi_export]
pub fn hayscan_job_options_init(options: *mut hayscan_job_options) -> hayscan_status {
    guard(|| {
        out(
            options,
            "options",
            hayscan_job_options {
                version: HAYSCAN_JOB_OPTIONS_VERSION,
                delivery: HAYSCAN_JOB_COLLECT,
                batch: 4096,
                max_queued: 4,
                on_batch: None,
                release: None,
                user_data: std::ptr::null_mut(),
            },
        )
    })
}

/// Reads and checks the options; on failure after reading them, releases `user_data`.
fn start(
    matcher: *const hayscan_matcher,
    source: impl FnOnce() -> Result<Source, Fail>,
    options: *const hayscan_job_options,
    out_job: *mut *mut hayscan_job,
) -> Result<(), Fail> {
    if options.is_null() {
        return Err(Fail::arg("options is NULL"));
    }
    // SAFETY: non-NULL, and the caller promised it points at an initialised struct.
    let o = unsafe { options.read() };
    let callback = Callback {
        on_batch: o.on_batch,
        release: o.release,
        user_data: o.user_data,
        converted: Vec::new(),
    };
    // From here on, dropping `callback` on an error path releases `user_data`.
    if o.version != HAYSCAN_JOB_OPTIONS_VERSION {
        return Err(Fail::arg(format!(
            "options.version is {}, expected {HAYSCAN_JOB_OPTIONS_VERSION} (use hayscan_job_options_init)",
            o.version
        )));
    }
    let m = matcher_of(matcher)?;
    if out_job.is_null() {
        return Err(Fail::arg("out is NULL"));
    }
    let source = source()?;
    let mut unused = None;
    let delivery = match o.delivery {
        HAYSCAN_JOB_COUNT | HAYSCAN_JOB_COLLECT => {
            unused = Some(callback);
            if o.delivery == HAYSCAN_JOB_COUNT {
                Delivery::Count
            } else {
                Delivery::Collect {
                    max_queued: o.max_queued.max(1),
                }
            }
        }
        HAYSCAN_JOB_CALLBACK if o.on_batch.is_none() => {
            return Err(Fail::arg(
                "options.on_batch is NULL with HAYSCAN_JOB_CALLBACK",
            ))
        }
        HAYSCAN_JOB_CALLBACK => {
            let mut callback = callback;
            Delivery::Callback(Box::new(move |batch| callback.call(batch)))
        }
        other => return Err(Fail::arg(format!("options.delivery {other} is unknown"))),
    };
    let job = Job::scan(m, source, o.batch.max(1), delivery);
    let handle = handles::register(Object::Job(Arc::new(JobObject {
        job,
        current: Mutex::new((Vec::new(), 0)),
        _unused: Mutex::new(unused),
        _live: LiveCount::new(),
    })))?;
    out(out_job, "out", handle)
}

/// Starts scanning the bytes of `hay` on a new thread. The bytes are borrowed, not
/// copied: they must stay valid and unchanged until `hayscan_job_free` returns. The
/// matches are those of `hayscan_matcher_scan` on the same bytes. The job keeps the
/// matcher's patterns alive. On success `*out` receives a job freed with
/// `hayscan_job_free`.
#[ffi_export]
pub fn hayscan_matcher_start_job(
    matcher: *const hayscan_matcher,
    hay: hayscan_bytes,
    options: *const hayscan_job_options,
    out_job: *mut *mut hayscan_job,
) -> hayscan_status {
    guard(|| {
        start(
            matcher,
            || {
                let b = bytes(hay.ptr, hay.len, "hay")?;
                Ok(Source::Bytes(Arc::new(Borrowed {
                    ptr: b.as_ptr(),
                    len: b.len(),
                })))
            },
            options,
            out_job,
        )
    })
}

/// Starts scanning the file at `path` (`path_len` bytes, not NUL-terminated) on a new
/// thread; its matches are those of `hayscan_matcher_scan_file`. The file is opened by
/// the worker: a missing or unreadable file makes `hayscan_job_wait` return
/// `HAYSCAN_STATUS_IO`.
#[ffi_export]
pub fn hayscan_matcher_start_file_job(
    matcher: *const hayscan_matcher,
    path: *const c_char,
    path_len: usize,
    options: *const hayscan_job_options,
    out_job: *mut *mut hayscan_job,
) -> hayscan_status {
    guard(|| {
        start(
            matcher,
            || Ok(Source::File(path_of(path, path_len)?)),
            options,
            out_job,
        )
    })
}

fn job_of(job: *const hayscan_job) -> Result<Arc<JobObject>, Fail> {
    handles::lookup(job, "job", "hayscan_job_t", |o| match o {
        Object::Job(j) => Some(Arc::clone(j)),
        _ => None,
    })
}

/// `HAYSCAN_JOB_COLLECT`: writes up to `cap` next matches to `buf` and their number to
/// `*len`, waiting for the worker if none is queued; `*len == 0` means the scan is over
/// (then call `hayscan_job_wait` for its outcome or error). Other deliveries: `*len` is 0
/// at once.
#[ffi_export]
pub fn hayscan_job_next_batch(
    job: *mut hayscan_job,
    buf: *mut hayscan_match,
    cap: usize,
    len: *mut usize,
) -> hayscan_status {
    guard(|| {
        let j = job_of(job)?;
        if buf.is_null() && cap > 0 {
            return Err(Fail::arg("buf is NULL but cap is not 0"));
        }
        if len.is_null() {
            return Err(Fail::arg("len is NULL"));
        }
        let mut current = j.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current.1 >= current.0.len() && cap > 0 {
            *current = (j.job.next_batch().unwrap_or_default(), 0);
        }
        let (batch, taken) = &mut *current;
        let n = cap.min(batch.len() - *taken);
        for (i, &m) in batch[*taken..*taken + n].iter().enumerate() {
            // SAFETY: `buf` holds `cap` elements and `i < n <= cap`.
            unsafe { buf.add(i).write(m.into()) };
        }
        *taken += n;
        out(len, "len", n)
    })
}

/// Asks the job to stop; it stops at its next check (every 256 KiB of input and every
/// match). Safe from any thread, also while another thread waits in
/// `hayscan_job_next_batch` or `hayscan_job_wait`. Matches found before stay delivered.
#[ffi_export]
pub fn hayscan_job_cancel(job: *mut hayscan_job) -> hayscan_status {
    guard(|| {
        job_of(job)?.job.cancel();
        Ok(())
    })
}

/// Waits for the job to end and writes its outcome to `*outcome` (may be NULL). Returns
/// the scan's error if it failed (`HAYSCAN_STATUS_IO` for a file that cannot be read,
/// with the message in `hayscan_last_error_message`). Batches not yet taken with
/// `hayscan_job_next_batch` are dropped. May be called more than once.
#[ffi_export]
pub fn hayscan_job_wait(
    job: *mut hayscan_job,
    outcome: *mut hayscan_job_outcome,
) -> hayscan_status {
    guard(|| {
        let o = job_of(job)?.job.wait()?;
        if outcome.is_null() {
            return Ok(());
        }
        out(
            outcome,
            "outcome",
            hayscan_job_outcome {
                matches: o.matches,
                stopped: u32::from(o.stopped),
                cancelled: u32::from(o.cancelled),
            },
        )
    })
}

/// Cancels the job, waits for its thread (the callback's `release` has run when this
/// returns) and frees it. NULL is a no-op, and so is a handle that is not a live job.
#[ffi_export]
pub fn hayscan_job_free(job: *mut hayscan_job) {
    let _ = guard(|| {
        if let Ok(j) = job_of(job) {
            j.job.cancel();
            // The worker is done with the haystack and the callback before this returns,
            // even if another thread still holds the object.
            let _ = j.job.wait();
        }
        handles::unregister(job, |o| matches!(o, Object::Job(_)));
        Ok(())
    });
}

/// Writes the number of matches in the `len` bytes at `hay` to `*out_count`, scanning on
/// up to `threads` threads (0: the available cores, at most 8). The answer is exactly
/// `hayscan_matcher_count`'s; sets that cannot be split (regex sets, empty patterns,
/// whole words, non-ASCII case folding) and short inputs are counted on the calling
/// thread.
#[ffi_export]
pub fn hayscan_matcher_count_parallel(
    matcher: *const hayscan_matcher,
    hay: *const c_char,
    len: usize,
    threads: usize,
    out_count: *mut usize,
) -> hayscan_status {
    count_with(matcher, hay, len, out_count, |m, hay| {
        m.count_parallel(hay, threads)
    })
}
