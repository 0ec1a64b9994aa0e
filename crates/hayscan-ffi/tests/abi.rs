//! The C ABI driven from Rust: the same calls a C program makes, with Rust callbacks, to
//! check ownership (release exactly once, live-object accounting) and the panic guard.
//! One test function: `hayscan_live_objects()` is process-wide.

use std::ffi::{c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use hayscan::*;
use safer_ffi::c_char;

fn bytes(s: &[u8]) -> hayscan_bytes {
    hayscan_bytes {
        ptr: s.as_ptr().cast(),
        len: s.len(),
    }
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(hayscan_last_error_message().cast()) }
        .to_string_lossy()
        .into_owned()
}

fn new_matcher(words: &[&[u8]], kind: u32) -> *mut hayscan_matcher {
    let list: Vec<hayscan_bytes> = words.iter().map(|w| bytes(w)).collect();
    let mut opts = std::mem::MaybeUninit::uninit();
    assert_eq!(hayscan_options_init(opts.as_mut_ptr()), hayscan_status::Ok);
    let mut opts = unsafe { opts.assume_init() };
    opts.match_kind = kind;
    let mut m = ptr::null_mut();
    assert_eq!(
        hayscan_matcher_new(list.as_ptr(), list.len(), &opts, &mut m),
        hayscan_status::Ok
    );
    m
}

unsafe extern "C" fn push_match(user_data: *mut c_void, m: *const hayscan_match) -> i32 {
    let out = unsafe { &mut *user_data.cast::<Vec<hayscan_match>>() };
    out.push(unsafe { *m });
    0
}

/// A handler's user data: counts calls, and counts releases through a shared counter.
struct Counter {
    calls: usize,
    released: Arc<AtomicUsize>,
}

unsafe extern "C" fn count_call(user_data: *mut c_void, _m: *const hayscan_match) -> i32 {
    unsafe { (*user_data.cast::<Counter>()).calls += 1 };
    0
}

unsafe extern "C" fn release_counter(user_data: *mut c_void) {
    let counter = unsafe { Box::from_raw(user_data.cast::<Counter>()) };
    counter.released.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn c_abi_from_rust() {
    let base = hayscan_live_objects();

    // Versions.
    assert_eq!(hayscan_abi_version(), HAYSCAN_ABI_VERSION);
    let v = unsafe { CStr::from_ptr(hayscan_version().cast()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));

    // Scan with a Rust callback; offsets are bytes; NUL is an ordinary byte.
    let m = new_matcher(&[b"b\0", b"c"], HAYSCAN_MATCH_LEFTMOST_FIRST);
    let hay = b"ab\0c";
    let mut got: Vec<hayscan_match> = Vec::new();
    let mut report = hayscan_scan_report::default();
    let st = hayscan_matcher_scan(
        m,
        hay.as_ptr().cast::<c_char>(),
        hay.len(),
        Some(push_match),
        (&mut got as *mut Vec<hayscan_match>).cast(),
        &mut report,
    );
    assert_eq!(st, hayscan_status::Ok);
    assert_eq!(
        got,
        [
            hayscan_match {
                pattern: 0,
                start: 1,
                end: 3
            },
            hayscan_match {
                pattern: 1,
                start: 3,
                end: 4
            }
        ]
    );
    assert_eq!((report.matches, report.stopped), (2, 0));

    // Handlers: each registration released exactly once, by off or by free.
    let released = Arc::new(AtomicUsize::new(0));
    let mut stream = ptr::null_mut();
    assert_eq!(hayscan_stream_new(m, &mut stream), hayscan_status::Ok);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let data = Box::into_raw(Box::new(Counter {
            calls: 0,
            released: Arc::clone(&released),
        }));
        let mut id = 0;
        let st = hayscan_stream_on(
            stream,
            Some(count_call),
            data.cast(),
            Some(release_counter),
            ptr::null(),
            0,
            &mut id,
        );
        assert_eq!(st, hayscan_status::Ok);
        ids.push(id);
    }
    assert_eq!(
        hayscan_stream_feed(stream, b"cc".as_ptr().cast(), 2, ptr::null_mut()),
        hayscan_status::Ok
    );
    assert_eq!(hayscan_stream_off(stream, ids[1]), hayscan_status::Ok);
    assert_eq!(released.load(Ordering::SeqCst), 1);
    assert_eq!(
        hayscan_stream_off(stream, ids[1]),
        hayscan_status::InvalidArgument
    );
    assert!(last_error().contains(&format!("no handler with id {}", ids[1])));
    hayscan_stream_free(stream);
    assert_eq!(released.load(Ordering::SeqCst), 3);

    // Output buffers are live objects until freed.
    let mut out: *mut c_char = ptr::null_mut();
    let mut out_len = 0;
    let with = [bytes(b"<>")];
    let st = hayscan_matcher_replace_all(
        m,
        hay.as_ptr().cast(),
        hay.len(),
        with.as_ptr(),
        1,
        &mut out,
        &mut out_len,
    );
    assert_eq!(st, hayscan_status::Ok);
    assert_eq!(
        unsafe { std::slice::from_raw_parts(out.cast::<u8>(), out_len) },
        b"a<><>"
    );
    assert_eq!(hayscan_live_objects(), base + 2);
    hayscan_bytes_free(out, out_len);
    hayscan_matcher_free(m);
    assert_eq!(hayscan_live_objects(), base);

    // Panics become a status and a message.
    assert_eq!(hayscan_debug_panic(1), hayscan_status::Panic);
    assert!(last_error().contains("asked to panic"));
    assert_eq!(hayscan_last_error_pattern_index(), -1);

    // Invalid patterns report their index.
    let pats = [bytes(b"a"), bytes(b"(")];
    let mut opts = std::mem::MaybeUninit::uninit();
    hayscan_options_init(opts.as_mut_ptr());
    let mut opts = unsafe { opts.assume_init() };
    opts.syntax = HAYSCAN_SYNTAX_REGEX;
    let mut bad = ptr::null_mut();
    assert_eq!(
        hayscan_matcher_new(pats.as_ptr(), 2, &opts, &mut bad),
        hayscan_status::InvalidPattern
    );
    assert!(bad.is_null());
    assert_eq!(hayscan_last_error_pattern_index(), 1);
    assert_eq!(hayscan_live_objects(), base);
}
