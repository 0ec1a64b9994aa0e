//! Benchmark driver for the hayscan core: the same workloads as every host driver, run on
//! the Rust API directly, so each binding's boundary tax is measured against this ceiling.
//! Also times the raw `aho-corasick` automatons, to check hayscan's automaton choice.
//!
//! Reads the data of `bench/corpus/generate.py` and prints one JSON object per line in the
//! schema of `bench/README.md`.
//!
//! ```text
//! hayscan-bench --data bench/data/quick [--reps 3] [--calls 200000]
//! hayscan-bench --data bench/data/quick --memory dense-10000
//! hayscan-bench --literals --data bench/data/quick [--verify]                         (literals.rs)
//! hayscan-bench --files --data bench/data/quick [--mb 100]                           (files.rs)
//! hayscan-bench --rulesets bench/data/rulesets --data bench/data/quick --state DIR   (rulesets.rs)
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod files;
#[cfg(feature = "hyperscan")]
mod hs;
#[cfg(not(feature = "hyperscan"))]
#[path = "hs_stub.rs"]
mod hs;
mod literals;
mod method;
mod rulesets;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind as AcMatchKind};
use hayscan::{ControlFlow, Match, MatchKind, Matcher, Options};
use serde_json::{json, Map, Value};

const SET_SIZES: [usize; 4] = [10, 1000, 10000, 100_000];
const MIN_REP_S: f64 = 0.02;

struct Args {
    data: PathBuf,
    reps: usize,
    calls: usize,
    memory: Option<String>,
    /// `--core-ref LABEL`: only `count` on every literal set, rows tagged with `phase`:
    /// the reference run.sh takes right before and after each host's driver, so a boundary
    /// tax compares runs minutes, not a quarter of an hour, apart.
    core_ref: Option<String>,
    /// `--only answers`: only the `answers` workload.
    only: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        data: PathBuf::from("bench/data/quick"),
        reps: 3,
        calls: 1_000_000,
        memory: None,
        core_ref: None,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--data" => args.data = PathBuf::from(value()),
            "--reps" => args.reps = value().parse().unwrap_or_else(|_| usage("--reps N")),
            "--calls" => args.calls = value().parse().unwrap_or_else(|_| usage("--calls N")),
            "--memory" => args.memory = Some(value()),
            "--core-ref" => args.core_ref = Some(value()),
            "--only" => args.only = Some(value()),
            _ => usage(&format!("unknown argument {flag}")),
        }
    }
    args
}

fn usage(msg: &str) -> ! {
    eprintln!("hayscan-bench: {msg}\nusage: hayscan-bench --data DIR [--reps N] [--calls N] [--memory SET]");
    std::process::exit(2)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        eprintln!(
            "hayscan-bench: {}: {e} (run bench/corpus/generate.py)",
            path.display()
        );
        std::process::exit(1)
    })
}

/// Patterns of a set file: one per line.
fn patterns(data: &Path, set: &str) -> Vec<Vec<u8>> {
    read(&data.join("patterns").join(format!("{set}.txt")))
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// Seconds per run of `f`: one warm-up run, then `reps` timed repetitions of `inner` runs
/// each, `inner` chosen so that a repetition lasts at least [`MIN_REP_S`] (short runs are
/// otherwise lost in timer and scheduler noise). Returns the times, `inner` and the last
/// result.
fn time<R>(reps: usize, mut f: impl FnMut() -> R) -> (Vec<f64>, usize, R) {
    let t = Instant::now();
    let mut last = black_box(f());
    let warm = t.elapsed().as_secs_f64();
    let inner = if warm >= MIN_REP_S {
        1
    } else {
        (MIN_REP_S / warm.max(1e-7)) as usize + 1
    };
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        for _ in 0..inner {
            last = black_box(f());
        }
        times.push(t.elapsed().as_secs_f64() / inner as f64);
    }
    (times, inner, last)
}

/// Seconds of each of `reps` runs of `f` (no warm-up, no inner loop: for builds).
fn time_each<R>(reps: usize, mut f: impl FnMut() -> R) -> (Vec<f64>, R) {
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        let r = black_box(f());
        times.push(t.elapsed().as_secs_f64());
        last = Some(r);
    }
    (times, last.expect("at least one repetition ran"))
}

/// Adds the common fields and the statistics of `times` to `row` and prints it.
fn emit(mut row: Map<String, Value>, times: &[f64]) {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.is_empty() {
        0.0
    } else if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    row.insert("schema".into(), json!("hayscan-bench/1"));
    row.insert("host".into(), json!("rust"));
    row.entry("status").or_insert(json!("ok"));
    if !times.is_empty() {
        row.insert("reps".into(), json!(times.len()));
        row.insert("times_s".into(), json!(times));
        row.insert("median_s".into(), json!(median));
        row.insert("min_s".into(), json!(sorted[0]));
        row.insert("max_s".into(), json!(sorted[sorted.len() - 1]));
        if let Some(bytes) = row.get("bytes").and_then(Value::as_f64) {
            if median > 0.0 {
                row.insert("mbps".into(), json!(bytes / median / 1e6));
            }
        }
        if let Some(calls) = row.get("calls").and_then(Value::as_f64) {
            row.insert("ns_per_call".into(), json!(median * 1e9 / calls));
        }
    }
    println!("{}", Value::Object(row));
}

fn row(fields: Value) -> Map<String, Value> {
    match fields {
        Value::Object(map) => map,
        _ => unreachable!("rows are built from json! objects"),
    }
}

fn literal(kind: MatchKind) -> Options {
    Options {
        match_kind: kind,
        ..Options::default()
    }
}

fn kind_name(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::LeftmostFirst => "leftmost-first",
        MatchKind::LeftmostLongest => "leftmost-longest",
        MatchKind::Overlapping => "overlapping",
    }
}

fn build_or_report(pats: &[Vec<u8>], opts: &Options, base: &Value) -> Option<Matcher> {
    match Matcher::new(pats, opts) {
        Ok(m) => Some(m),
        Err(e) => {
            let mut r = row(base.clone());
            r.insert("status".into(), json!("error"));
            r.insert("reason".into(), json!(e.to_string()));
            emit(r, &[]);
            None
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--literals") {
        literals::main();
        return;
    }
    if std::env::args().any(|a| a == "--files") {
        files::main();
        return;
    }
    if std::env::args().any(|a| a == "--rulesets") {
        rulesets::main();
        return;
    }
    let args = parse_args();
    if let Some(set) = &args.memory {
        memory(&args.data, set);
        return;
    }
    if let Some(phase) = &args.core_ref {
        core_reference(&args.data, args.reps, phase);
        return;
    }
    let english = read(&args.data.join("english.txt"));
    let reps = args.reps;
    match args.only.as_deref() {
        Some("answers") => return answers(&args.data, &english, reps),
        Some(other) => usage(&format!("--only {other}: the only section is `answers`")),
        None => {}
    }
    let log = read(&args.data.join("log.txt"));

    // Building.
    for n in SET_SIZES {
        let set = format!("dense-{n}");
        let pats = patterns(&args.data, &set);
        let (times, m) = time_each(reps, || Matcher::new(&pats, &Options::default()));
        let base = json!({"workload": "build", "impl": "hayscan", "api": "Matcher::new",
                          "set": set, "patterns": pats.len()});
        match m {
            Ok(m) => {
                let mut r = row(base);
                r.insert("automaton_bytes".into(), json!(m.memory_usage()));
                emit(r, &times);
            }
            Err(e) => {
                let mut r = row(base);
                r.insert("status".into(), json!("error"));
                r.insert("reason".into(), json!(e.to_string()));
                emit(r, &[]);
            }
        }
    }
    let secrets = patterns(&args.data, "secrets");
    let (times, m) = time_each(reps, || Matcher::new(&secrets, &Options::regex()));
    let base = json!({"workload": "build", "impl": "hayscan", "api": "Matcher::new",
                      "set": "secrets", "patterns": secrets.len()});
    match m {
        Ok(m) => {
            let mut r = row(base);
            r.insert("automaton_bytes".into(), json!(m.memory_usage()));
            emit(r, &times);
        }
        Err(e) => {
            let mut r = row(base);
            r.insert("status".into(), json!("error"));
            r.insert("reason".into(), json!(e.to_string()));
            emit(r, &[]);
        }
    }

    // Scanning literal sets: count (the ceiling), a callback per match, matches collected.
    for density in ["sparse", "dense"] {
        for n in SET_SIZES {
            let set = format!("{density}-{n}");
            let pats = patterns(&args.data, &set);
            for kind in [MatchKind::LeftmostFirst, MatchKind::Overlapping] {
                let base = json!({"workload": "scan", "impl": "hayscan", "set": set,
                                  "patterns": pats.len(), "corpus": "english",
                                  "bytes": english.len(), "semantics": kind_name(kind)});
                let Some(m) = build_or_report(&pats, &literal(kind), &base) else {
                    continue;
                };
                scan_apis(&m, &english, reps, &base, kind == MatchKind::LeftmostFirst);
            }
            engines(&pats, &english, reps, &set);
        }
    }

    // Regexes over the log corpus.
    let base = json!({"workload": "regex", "impl": "hayscan", "set": "secrets",
                      "patterns": secrets.len(), "corpus": "log", "bytes": log.len(),
                      "semantics": "leftmost-first"});
    if let Some(m) = build_or_report(&secrets, &Options::regex(), &base) {
        scan_apis(&m, &log, reps, &base, true);
    }

    // Replacing (leftmost-longest, like strtr): pattern i becomes "<i>".
    for n in SET_SIZES {
        let set = format!("dense-{n}");
        let pats = patterns(&args.data, &set);
        let with: Vec<Vec<u8>> = (0..pats.len())
            .map(|i| format!("<{i}>").into_bytes())
            .collect();
        let base = json!({"workload": "replace", "impl": "hayscan", "api": "replace_all",
                          "set": set, "patterns": pats.len(), "corpus": "english",
                          "bytes": english.len(), "semantics": "leftmost-longest"});
        let Some(m) = build_or_report(&pats, &literal(MatchKind::LeftmostLongest), &base) else {
            continue;
        };
        let (times, inner, out) = time(reps, || {
            m.replace_all(&english, &with).expect("valid replacements")
        });
        let mut r = row(base);
        r.insert("inner".into(), json!(inner));
        r.insert("result_bytes".into(), json!(out.len()));
        r.insert("matches".into(), json!(m.count(&english)));
        emit(r, &times);
    }

    // One call per ~100-byte input.
    let small = read(&args.data.join("small.txt"));
    let inputs: Vec<&[u8]> = small
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let pats = patterns(&args.data, "dense-10");
    let m = Matcher::new(&pats, &Options::default()).expect("dense-10 builds");
    let calls = args.calls;
    let (times, _, hits) = time(reps, || {
        let mut hits = 0usize;
        for i in 0..calls {
            hits += usize::from(m.is_match(black_box(inputs[i % inputs.len()])));
        }
        hits
    });
    emit(
        row(
            json!({"workload": "is_match", "impl": "hayscan", "api": "is_match",
                   "set": "dense-10", "patterns": pats.len(), "corpus": "small",
                   "calls": calls, "matches": hits,
                   "bytes": (0..calls).map(|i| inputs[i % inputs.len()].len()).sum::<usize>()}),
        ),
        &times,
    );
    answers(&args.data, &english, reps);
}

/// The `answers` workload (issue 14): answers without a per-match object against what
/// the same job costs through matches, on dense-1000 and dense-10000; whole words against
/// the regex route `\b(?:w1|w2|…)\b`; `is_match_many` over the small inputs.
fn answers(data: &Path, english: &[u8], reps: usize) {
    for n in [1000, 10000] {
        let set = format!("dense-{n}");
        let pats = patterns(data, &set);
        let base = |task: &str, api: &str| {
            row(
                json!({"workload": "answers", "impl": "hayscan", "task": task, "api": api,
                       "set": set, "patterns": pats.len(), "corpus": "english",
                       "bytes": english.len()}),
            )
        };
        let m = Matcher::new(&pats, &Options::default()).expect("dense sets build");
        let (t, _, counts) = time(reps, || m.count_by_pattern(english));
        let mut r = base("count_by_pattern", "count_by_pattern");
        r.insert("matches".into(), json!(counts.iter().sum::<usize>()));
        emit(r, &t);
        let (t, _, _) = time(reps, || {
            let mut counts = vec![0usize; pats.len()];
            for hit in m.find_iter(english) {
                counts[hit.pattern as usize] += 1;
            }
            counts
        });
        emit(base("count_by_pattern", "find_iter + counts[]"), &t);
        let (t, _, ids) = time(reps, || m.matching_patterns(english));
        let mut r = base("matching_patterns", "matching_patterns");
        r.insert("distinct".into(), json!(ids.len()));
        emit(r, &t);
        let (t, _, all) = time(reps, || m.find_iter(english).collect::<Vec<Match>>());
        let mut r = base("find_all_columnar", "find_iter().collect()");
        r.insert("matches".into(), json!(all.len()));
        emit(r, &t);
        drop(all);
        // Whole words, with ASCII and with Unicode word characters, each against the
        // regex route with the same `\b`.
        let alternation: Vec<String> = pats
            .iter()
            .map(|p| regex_syntax::escape(&String::from_utf8_lossy(p)))
            .collect();
        let route = format!(r"\b(?:{})\b", alternation.join("|"));
        for ascii_classes in [true, false] {
            let classes = if ascii_classes { "ascii" } else { "unicode" };
            let words = Options {
                whole_words: true,
                ascii_classes,
                ..Options::default()
            };
            let w = Matcher::new(&pats, &words).expect("whole words build");
            let (t, _, c) = time(reps, || w.count(english));
            let mut r = base("whole_words", "whole_words count");
            r.insert("word_chars".into(), json!(classes));
            r.insert("matches".into(), json!(c));
            emit(r, &t);
            let regex = Options {
                ascii_classes,
                ..Options::regex()
            };
            let mut r = base("whole_words", "regex \\b(?:…)\\b count");
            r.insert("word_chars".into(), json!(classes));
            match Matcher::new(std::slice::from_ref(&route), &regex) {
                Ok(rm) => {
                    let (t, _, c) = time(reps, || rm.count(english));
                    r.insert("matches".into(), json!(c));
                    emit(r, &t);
                }
                Err(e) => {
                    r.insert("status".into(), json!("error"));
                    r.insert("reason".into(), json!(e.to_string()));
                    emit(r, &[]);
                }
            }
        }
    }
    let small = read(&data.join("small.txt"));
    let inputs: Vec<&[u8]> = small
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let pats = patterns(data, "dense-10");
    let m = Matcher::new(&pats, &Options::default()).expect("dense-10 builds");
    let bytes: usize = inputs.iter().map(|i| i.len()).sum();
    let base = |api: &str| {
        row(
            json!({"workload": "answers", "impl": "hayscan", "task": "is_match_many",
                   "api": api, "set": "dense-10", "patterns": pats.len(), "corpus": "small",
                   "calls": inputs.len(), "bytes": bytes}),
        )
    };
    let (t, _, hits) = time(reps, || m.is_match_many(&inputs));
    let mut r = base("is_match_many");
    r.insert("matches".into(), json!(hits.iter().filter(|&&h| h).count()));
    emit(r, &t);
    let (t, _, _) = time(reps, || {
        inputs.iter().filter(|i| m.is_match(black_box(i))).count()
    });
    emit(base("is_match per input"), &t);
}

/// `count` on every literal set, tagged with `phase` (see `Args::core_ref`).
fn core_reference(data: &Path, reps: usize, phase: &str) {
    let english = read(&data.join("english.txt"));
    for density in ["sparse", "dense"] {
        for n in SET_SIZES {
            let set = format!("{density}-{n}");
            let pats = patterns(data, &set);
            let m = Matcher::new(&pats, &Options::default()).expect("keyword sets build");
            // A fresh copy per set, allocated after the matcher: with the buffer `read`
            // returned, sparse sets ran up to 2x slower in this mode on this machine, at
            // the same instruction count (callgrind) — a memory-placement effect, not code.
            let english = english.clone();
            let (times, inner, count) = time(reps, || m.count(&english));
            emit(
                row(
                    json!({"workload": "core-ref", "impl": "hayscan", "api": "count",
                           "set": set, "patterns": pats.len(), "corpus": "english",
                           "bytes": english.len(), "semantics": "leftmost-first",
                           "phase": phase, "matches": count, "inner": inner}),
                ),
                &times,
            );
        }
    }
}

/// Times `count`, `scan` (a closure per match) and `find_iter` collected into a Vec.
fn scan_apis(m: &Matcher, hay: &[u8], reps: usize, base: &Value, all_apis: bool) {
    let (times, inner, count) = time(reps, || m.count(hay));
    let mut r = row(base.clone());
    r.insert("api".into(), json!("count"));
    r.insert("inner".into(), json!(inner));
    r.insert("matches".into(), json!(count));
    emit(r, &times);
    if !all_apis {
        return;
    }
    let (times, inner, sum) = time(reps, || {
        let mut sum = 0usize;
        m.scan(hay, |x: Match| {
            sum = sum.wrapping_add(x.end);
            ControlFlow::Continue(())
        });
        sum
    });
    let mut r = row(base.clone());
    r.insert("api".into(), json!("scan(closure)"));
    r.insert("inner".into(), json!(inner));
    r.insert("matches".into(), json!(count));
    r.insert("checksum".into(), json!(sum));
    emit(r, &times);
    let (times, inner, all) = time(reps, || m.find_iter(hay).collect::<Vec<Match>>());
    let mut r = row(base.clone());
    r.insert("api".into(), json!("find_iter().collect()"));
    r.insert("inner".into(), json!(inner));
    r.insert("matches".into(), json!(all.len()));
    emit(r, &times);
}

/// The raw aho-corasick automatons (leftmost-first), to see what hayscan's choice costs.
fn engines(pats: &[Vec<u8>], hay: &[u8], reps: usize, set: &str) {
    let total: usize = pats.iter().map(Vec::len).sum();
    for (name, kind) in [
        ("noncontiguous-nfa", AhoCorasickKind::NoncontiguousNFA),
        ("contiguous-nfa", AhoCorasickKind::ContiguousNFA),
        ("dfa", AhoCorasickKind::DFA),
    ] {
        let base = json!({"workload": "engine", "impl": format!("aho-corasick/{name}"),
                          "api": "find_iter().count()", "set": set, "patterns": pats.len(),
                          "corpus": "english", "bytes": hay.len(),
                          "semantics": "leftmost-first"});
        if kind == AhoCorasickKind::DFA && total > 400_000 {
            let mut r = row(base);
            r.insert("status".into(), json!("skipped"));
            r.insert(
                "reason".into(),
                json!(format!(
                    "{total} pattern bytes: the DFA would take minutes and GBs to build"
                )),
            );
            emit(r, &[]);
            continue;
        }
        let t = Instant::now();
        let built = AhoCorasick::builder()
            .match_kind(AcMatchKind::LeftmostFirst)
            .kind(Some(kind))
            .build(pats);
        let build_s = t.elapsed().as_secs_f64();
        match built {
            Ok(ac) => {
                let (times, inner, count) = time(reps, || ac.find_iter(hay).count());
                let mut r = row(base);
                r.insert("inner".into(), json!(inner));
                r.insert("matches".into(), json!(count));
                r.insert("build_s".into(), json!(build_s));
                r.insert("automaton_bytes".into(), json!(ac.memory_usage()));
                emit(r, &times);
            }
            Err(e) => {
                let mut r = row(base);
                r.insert("status".into(), json!("error"));
                r.insert("reason".into(), json!(e.to_string()));
                emit(r, &[]);
            }
        }
    }
}

/// Peak resident memory of building `set` and counting its matches over its corpus, in a
/// process that does nothing else.
fn memory(data: &Path, set: &str) {
    let regex = set == "secrets";
    let hay = read(&data.join(if regex { "log.txt" } else { "english.txt" }));
    let pats = patterns(data, set);
    let base_kb = vm_kb("VmHWM:");
    let opts = if regex {
        Options::regex()
    } else {
        Options::default()
    };
    let base = json!({"workload": "memory", "impl": "hayscan", "api": "new + count",
                      "set": set, "patterns": pats.len(),
                      "corpus": if regex { "log" } else { "english" }, "bytes": hay.len()});
    let Some(m) = build_or_report(&pats, &opts, &base) else {
        return;
    };
    let count = m.count(&hay);
    let mut r = row(base);
    r.insert("matches".into(), json!(count));
    r.insert("base_rss_kb".into(), json!(base_kb));
    r.insert("peak_rss_kb".into(), json!(vm_kb("VmHWM:")));
    r.insert("automaton_bytes".into(), json!(m.memory_usage()));
    emit(r, &[]);
}

/// A `kB` field of /proc/self/status (0 where unavailable).
fn vm_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
