//! The measuring method every section of hayscan-bench shares (the ruleset section, the
//! file section): contenders interleaved in one process with the order rotated each
//! repetition, wall and CPU time per run (CPU includes waited-for child processes, so an
//! external tool is charged what it used), best, median and spread, and the load average.
//! A number measured alone, or as wall time only on a shared 2-core machine, did not
//! survive reruns (issue 12); this is the one method that did.

use std::hint::black_box;
use std::time::Instant;

use serde_json::{json, Map, Value};

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

#[repr(C)]
struct Rusage {
    utime: [i64; 2],
    stime: [i64; 2],
    maxrss: i64,
    rest: [i64; 13],
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
}

/// CPU seconds of the whole process (all threads: `CLOCK_PROCESS_CPUTIME_ID`) plus those of
/// its children that have been waited for (`RUSAGE_CHILDREN`).
pub fn cpu_now() -> f64 {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: ts is a valid out-parameter; clock 2 is CLOCK_PROCESS_CPUTIME_ID on Linux.
    unsafe { clock_gettime(2, &mut ts) };
    let mut r = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: r is a valid out-parameter of the size of Linux's struct rusage; -1 is
    // RUSAGE_CHILDREN.
    unsafe { getrusage(-1, &mut r) };
    let tv = |t: [i64; 2]| t[0] as f64 + t[1] as f64 / 1e6;
    ts.sec as f64 + ts.nsec as f64 / 1e9 + tv(r.utime) + tv(r.stime)
}

/// `getrusage(RUSAGE_SELF).ru_maxrss`: peak resident set so far, in KB.
pub fn maxrss_kb() -> i64 {
    let mut r = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: r is a valid out-parameter of the size of Linux's struct rusage.
    unsafe { getrusage(0, &mut r) };
    r.maxrss
}

pub fn loadavg() -> Value {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(Value::Null, |v| json!(v))
}

// ---- measuring -------------------------------------------------------------------------------

/// One side of a measurement: `prepare` runs untimed before each timed batch (a build
/// drops its previous result there), `run` is timed.
pub trait Contender {
    fn prepare(&mut self) {}
    fn run(&mut self) -> usize;
}

pub struct Measured {
    pub wall: Vec<f64>,
    pub cpu: Vec<f64>,
    pub inner: usize,
    pub result: usize,
}

pub fn stats(v: &[f64]) -> (f64, f64, f64) {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let median = if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    };
    (s[0], median, s[n - 1])
}

pub fn spread(v: &[f64]) -> f64 {
    let (min, median, max) = stats(v);
    if median > 0.0 {
        (max - min) / median
    } else {
        0.0
    }
}

/// `reps` repetitions, each running every contender once (`inner` runs), the order
/// rotated by one every repetition. With `warm`, one untimed run each first, which also
/// sets `inner` so that a repetition lasts at least `min_rep_s`.
pub fn interleave(
    sides: &mut [&mut dyn Contender],
    reps: usize,
    offset: usize,
    min_rep_s: f64,
    warm: bool,
) -> Vec<Measured> {
    let n = sides.len();
    let mut out: Vec<Measured> = (0..n)
        .map(|_| Measured {
            wall: Vec::with_capacity(reps),
            cpu: Vec::with_capacity(reps),
            inner: 1,
            result: 0,
        })
        .collect();
    if warm {
        for (side, m) in sides.iter_mut().zip(out.iter_mut()) {
            side.prepare();
            let t = Instant::now();
            m.result = black_box(side.run());
            let s = t.elapsed().as_secs_f64();
            m.inner = if s >= min_rep_s {
                1
            } else {
                (min_rep_s / s.max(1e-7)) as usize + 1
            };
        }
    }
    for rep in offset..offset + reps {
        for k in 0..n {
            let i = (rep + k) % n;
            let inner = out[i].inner;
            sides[i].prepare();
            let (t, c) = (Instant::now(), cpu_now());
            let mut r = 0;
            for _ in 0..inner {
                r = black_box(sides[i].run());
            }
            let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_now() - c);
            out[i].wall.push(wall / inner as f64);
            out[i].cpu.push(cpu / inner as f64);
            out[i].result = r;
        }
    }
    out
}

pub fn add_times(r: &mut Map<String, Value>, m: &Measured, bytes: Option<usize>, noisy: f64) {
    let (min, median, max) = stats(&m.wall);
    let (cmin, cmedian, cmax) = stats(&m.cpu);
    let sp = spread(&m.wall);
    r.insert("reps".into(), json!(m.wall.len()));
    r.insert("inner".into(), json!(m.inner));
    r.insert("times_s".into(), json!(m.wall));
    r.insert("cpu_times_s".into(), json!(m.cpu));
    r.insert("median_s".into(), json!(median));
    r.insert("min_s".into(), json!(min));
    r.insert("max_s".into(), json!(max));
    r.insert("cpu_median_s".into(), json!(cmedian));
    r.insert("cpu_min_s".into(), json!(cmin));
    r.insert("cpu_max_s".into(), json!(cmax));
    r.insert("spread".into(), json!(sp));
    r.insert("noisy".into(), json!(sp > noisy));
    if let Some(b) = bytes {
        r.insert("mbps".into(), json!(b as f64 / median / 1e6));
        r.insert("best_mbps".into(), json!(b as f64 / min / 1e6));
    }
}
