//! Real rulesets: gitleaks' default rules, the 109 bench regexes and a ~2,000-regex set of
//! secret rules, over a source-code corpus and the log corpus, hayscan (`Matcher::count`)
//! against Hyperscan (`hs_scan`, SOM where it compiles) in one process.
//!
//! Method (bench/README.md, "Real rulesets"): each pattern is first compiled alone by both
//! engines; what either cannot compile gets a `ruleset-drop` row (index, pattern, error) and
//! both sides then run the same rules, the intersection. Contenders are interleaved, the
//! order rotated every repetition; each repetition records wall-clock and process CPU
//! time; rows carry best, median, min/max and the load average, and are flagged `noisy`
//! when (max − min) / median exceeds `--noisy` (with `--verify`, such a measurement is
//! repeated, up to `--max-verify` times, and the steadiest attempt kept; every attempt is
//! listed in the row). Peak memory: one process per configuration (`--ruleset-memory`).
//!
//! ```text
//! hayscan-bench --rulesets bench/data/rulesets --data bench/data/quick --state DIR
//!               [--reps 5] [--min-rep-ms 50] [--verify] [--noisy 0.10] [--only gitleaks,...]
//! hayscan-bench --rulesets bench/data/rulesets --data bench/data/quick --state DIR
//!               --ruleset-memory hayscan:gitleaks:ascii
//! ```

use std::ffi::c_uint;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use hayscan::{Matcher, Options};
use serde_json::{json, Map, Value};

use crate::hs;
use crate::method::{
    add_times, cpu_now, interleave, loadavg, maxrss_kb, spread, stats, Contender, Measured,
};

struct Args {
    data: PathBuf,
    rulesets: PathBuf,
    state: PathBuf,
    reps: usize,
    min_rep_s: f64,
    verify: bool,
    noisy: f64,
    max_verify: usize,
    only: Option<Vec<String>>,
    memory: Option<String>,
}

fn parse_args() -> Args {
    let mut a = Args {
        data: PathBuf::from("bench/data/quick"),
        rulesets: PathBuf::from("bench/data/rulesets"),
        state: PathBuf::from("bench/out/results/quick/rulesets"),
        reps: 5,
        min_rep_s: 0.05,
        verify: false,
        noisy: 0.10,
        max_verify: 2,
        only: None,
        memory: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--data" => a.data = PathBuf::from(value()),
            "--rulesets" => a.rulesets = PathBuf::from(value()),
            "--state" => a.state = PathBuf::from(value()),
            "--reps" => a.reps = value().parse().unwrap_or_else(|_| usage("--reps N")),
            "--min-rep-ms" => {
                a.min_rep_s = value()
                    .parse::<f64>()
                    .unwrap_or_else(|_| usage("--min-rep-ms MS"))
                    / 1e3
            }
            "--verify" => a.verify = true,
            "--noisy" => {
                a.noisy = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--noisy FRACTION"))
            }
            "--max-verify" => {
                a.max_verify = value().parse().unwrap_or_else(|_| usage("--max-verify N"))
            }
            "--only" => a.only = Some(value().split(',').map(str::to_owned).collect()),
            "--ruleset-memory" => a.memory = Some(value()),
            // Accepted for symmetry with the main driver's command line.
            "--calls" => {
                value();
            }
            _ => usage(&format!("unknown argument {flag}")),
        }
    }
    a.reps = a.reps.max(1);
    a
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "hayscan-bench --rulesets: {msg}\nusage: hayscan-bench --rulesets DIR --data DIR --state DIR \
         [--reps N] [--min-rep-ms MS] [--verify] [--noisy F] [--max-verify N] [--only NAME,...] \
         [--ruleset-memory IMPL:NAME:CLASSES]"
    );
    std::process::exit(2)
}

// ---- configurations ------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Classes {
    /// hayscan's default: `\w \d \s \b` are Unicode-aware.
    Unicode,
    /// `Options::ascii_classes`: RE2's (and Hyperscan's default) ASCII classes.
    Ascii,
}

impl Classes {
    fn name(self) -> &'static str {
        match self {
            Classes::Unicode => "unicode",
            Classes::Ascii => "ascii",
        }
    }

    fn parse(s: &str) -> Option<Classes> {
        match s {
            "unicode" => Some(Classes::Unicode),
            "ascii" => Some(Classes::Ascii),
            _ => None,
        }
    }

    /// Hyperscan's flags: `^`/`$` at line edges (hayscan scans regexes line by line), and
    /// otherwise Hyperscan's defaults (bytes, ASCII classes) for both: its Unicode mode
    /// (HS_FLAG_UTF8 | HS_FLAG_UCP) rejects `\b`, which most secret rules use, so the
    /// Unicode rows compare hayscan's Unicode classes with Hyperscan's ASCII ones and only
    /// the ASCII rows are like for like.
    fn hs_flags(self) -> c_uint {
        hs::HS_FLAG_MULTILINE
    }
}

#[derive(Debug)]
struct Config {
    name: &'static str,
    file: PathBuf,
    classes: Classes,
}

fn configs(a: &Args) -> Vec<Config> {
    let mut out = vec![
        Config {
            name: "gitleaks",
            file: a.rulesets.join("gitleaks.regex"),
            classes: Classes::Ascii,
        },
        Config {
            name: "secrets-109",
            file: a.data.join("patterns").join("secrets.txt"),
            classes: Classes::Unicode,
        },
        Config {
            name: "secrets-109",
            file: a.data.join("patterns").join("secrets.txt"),
            classes: Classes::Ascii,
        },
        Config {
            name: "secrets-2k",
            file: a.rulesets.join("secrets-2k.regex"),
            classes: Classes::Ascii,
        },
    ];
    if let Some(only) = &a.only {
        out.retain(|c| only.iter().any(|o| o == c.name));
    }
    out
}

const CORPORA: [&str; 2] = ["source", "log"];

fn hay_options(classes: Classes) -> Result<Options, String> {
    match classes {
        Classes::Unicode => Ok(Options::regex()),
        Classes::Ascii => Ok(Options {
            ascii_classes: true,
            ..Options::regex()
        }),
    }
}

fn read_lines(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect())
}

fn read_corpus(data: &Path, corpus: &str) -> Result<Vec<u8>, String> {
    let path = data.join(format!("{corpus}.txt"));
    std::fs::read(&path).map_err(|e| format!("{}: {e} (bench/run.sh generates it)", path.display()))
}

/// [`interleave`], repeated with `--verify` (when `verifiable`) while a contender's spread
/// exceeds `--noisy` (at most `--max-verify` more times); returns the attempt whose worst
/// spread is lowest, and a summary of every attempt. `seed`: (wall, CPU) seconds of one
/// pass already made over the sides in order (the builds that checked the set), counted
/// as the first repetition of the first attempt.
fn measure(
    a: &Args,
    sides: &mut [&mut dyn Contender],
    reps: usize,
    warm: bool,
    seed: Option<&[(f64, f64)]>,
    verifiable: bool,
) -> (Vec<Measured>, Vec<Value>) {
    let mut attempts = Vec::new();
    let mut best: Option<(f64, Vec<Measured>)> = None;
    let tries = if a.verify && verifiable {
        1 + a.max_verify
    } else {
        1
    };
    for attempt in 0..tries {
        let load = loadavg();
        let m = match seed.filter(|s| attempt == 0 && s.len() == sides.len()) {
            Some(seed) => {
                let mut m = interleave(sides, reps.saturating_sub(1), 1, a.min_rep_s, warm);
                for (x, &(wall, cpu)) in m.iter_mut().zip(seed) {
                    x.wall.insert(0, wall);
                    x.cpu.insert(0, cpu);
                }
                m
            }
            None => interleave(sides, reps, 0, a.min_rep_s, warm),
        };
        let worst = m.iter().map(|x| spread(&x.wall)).fold(0.0, f64::max);
        attempts.push(json!({
            "median_s": m.iter().map(|x| stats(&x.wall).1).collect::<Vec<_>>(),
            "spread": m.iter().map(|x| spread(&x.wall)).collect::<Vec<_>>(),
            "load": load,
        }));
        if best.as_ref().is_none_or(|(w, _)| worst < *w) {
            best = Some((worst, m));
        }
        if worst <= a.noisy {
            break;
        }
    }
    (best.expect("at least one attempt").1, attempts)
}

fn emit(mut r: Map<String, Value>) {
    r.insert("schema".into(), json!("hayscan-bench/1"));
    r.insert("host".into(), json!("rust"));
    r.entry("status").or_insert(json!("ok"));
    println!("{}", Value::Object(r));
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("rows are json! objects"),
    }
}

// ---- contenders ------------------------------------------------------------------------------

struct BuildHay<'a> {
    pats: &'a [&'a [u8]],
    opts: &'a Options,
    built: Option<Matcher>,
}

impl Contender for BuildHay<'_> {
    fn prepare(&mut self) {
        self.built = None;
    }
    fn run(&mut self) -> usize {
        let m = Matcher::new(self.pats, self.opts).expect("built once before timing");
        let size = m.memory_usage();
        self.built = Some(m);
        size
    }
}

struct BuildHs<'a> {
    pats: &'a [&'a [u8]],
    flags: &'a [c_uint],
    built: Option<hs::Database>,
}

impl Contender for BuildHs<'_> {
    fn prepare(&mut self) {
        self.built = None;
    }
    fn run(&mut self) -> usize {
        let db = hs::Database::compile(self.pats, self.flags).expect("compiled once before timing");
        let size = db.size();
        self.built = Some(db);
        size
    }
}

struct CountHay<'a>(&'a Matcher, &'a [u8]);

impl Contender for CountHay<'_> {
    fn run(&mut self) -> usize {
        self.0.count(self.1)
    }
}

struct CountHs<'a>(&'a hs::Database, &'a [u8]);

impl Contender for CountHs<'_> {
    fn run(&mut self) -> usize {
        self.0.count(self.1)
    }
}

// ---- probing ---------------------------------------------------------------------------------

/// What Hyperscan makes of one pattern: compiled with SOM, compiled only without it, or not.
#[derive(Clone)]
enum HsProbe {
    Som,
    NoSom(String),
    Fails(String),
}

fn probe_hs(p: &[u8], base: c_uint) -> HsProbe {
    match hs::Database::compile(&[p], &[base | hs::HS_FLAG_SOM_LEFTMOST]) {
        Ok(_) => HsProbe::Som,
        Err(som) => match hs::Database::compile(&[p], &[base]) {
            Ok(_) => HsProbe::NoSom(som.message),
            Err(e) => HsProbe::Fails(e.message),
        },
    }
}

/// Per-pattern probes cost Hyperscan a full compile each (seconds for thousands of
/// rules), and are not what is measured: their results are kept in a file, one line per
/// (Hyperscan version, flags, pattern): `version TAB flags TAB som|nosom|fails TAB message
/// TAB pattern`.
struct ProbeCache {
    path: PathBuf,
    version: String,
    entries: std::collections::HashMap<(c_uint, Vec<u8>), HsProbe>,
    dirty: bool,
}

impl ProbeCache {
    fn load(path: PathBuf) -> ProbeCache {
        let version = hs::version();
        let mut entries = std::collections::HashMap::new();
        if let Ok(text) = std::fs::read(&path) {
            for line in text.split(|&b| b == b'\n') {
                let f: Vec<&[u8]> = line.splitn(5, |&b| b == b'\t').collect();
                let [v, flags, kind, msg, pat] = f[..] else {
                    continue;
                };
                let Ok(flags) = std::str::from_utf8(flags).unwrap_or("x").parse::<c_uint>() else {
                    continue;
                };
                if v != version.as_bytes() {
                    continue;
                }
                let msg = String::from_utf8_lossy(msg).into_owned();
                let probe = match kind {
                    b"som" => HsProbe::Som,
                    b"nosom" => HsProbe::NoSom(msg),
                    b"fails" => HsProbe::Fails(msg),
                    _ => continue,
                };
                entries.insert((flags, pat.to_vec()), probe);
            }
        }
        ProbeCache {
            path,
            version,
            entries,
            dirty: false,
        }
    }

    fn probe(&mut self, p: &[u8], base: c_uint) -> HsProbe {
        if let Some(hit) = self.entries.get(&(base, p.to_vec())) {
            return hit.clone();
        }
        let r = probe_hs(p, base);
        self.entries.insert((base, p.to_vec()), r.clone());
        self.dirty = true;
        r
    }

    fn save(&mut self) {
        if !self.dirty {
            return;
        }
        let mut out = Vec::new();
        let mut keys: Vec<_> = self.entries.keys().cloned().collect();
        keys.sort();
        for k in keys {
            let (kind, msg) = match &self.entries[&k] {
                HsProbe::Som => ("som", String::new()),
                HsProbe::NoSom(m) => ("nosom", m.replace(['\t', '\n'], " ")),
                HsProbe::Fails(m) => ("fails", m.replace(['\t', '\n'], " ")),
            };
            out.extend_from_slice(format!("{}\t{}\t{kind}\t{msg}\t", self.version, k.0).as_bytes());
            out.extend_from_slice(&k.1);
            out.push(b'\n');
        }
        if let Err(e) = std::fs::write(&self.path, out) {
            eprintln!("hayscan-bench: {}: {e}", self.path.display());
        }
        self.dirty = false;
    }
}

fn pattern_text(p: &[u8]) -> String {
    String::from_utf8_lossy(p).into_owned()
}

fn indices_text(v: &[usize]) -> String {
    let mut s = String::new();
    for (k, i) in v.iter().enumerate() {
        let _ = write!(s, "{}#{i}", if k > 0 { ", " } else { "" });
    }
    s
}

// ---- the section -----------------------------------------------------------------------------

pub fn main() {
    let a = parse_args();
    if let Some(spec) = &a.memory {
        memory(&a, spec);
        return;
    }
    std::fs::create_dir_all(&a.state).unwrap_or_else(|e| {
        eprintln!("hayscan-bench: {}: {e}", a.state.display());
        std::process::exit(1)
    });
    let hs_missing = hs::unavailable_reason();
    emit(obj(
        json!({"workload": "ruleset-meta", "impl": "hyperscan", "version": hs::version(),
                    "status": if hs_missing.is_some() { "unavailable" } else { "ok" },
                    "reason": hs_missing, "reps": a.reps, "min_rep_ms": a.min_rep_s * 1e3,
                    "noisy_threshold": a.noisy, "verify": a.verify, "max_verify": a.max_verify}),
    ));
    let corpora: Vec<(&str, Result<Vec<u8>, String>)> = CORPORA
        .iter()
        .map(|&c| (c, read_corpus(&a.data, c)))
        .collect();
    for cfg in configs(&a) {
        eprintln!("rulesets: {} ({})", cfg.name, cfg.classes.name());
        run_config(&a, &cfg, &corpora, hs_missing.as_deref());
    }
}

fn run_config(
    a: &Args,
    cfg: &Config,
    corpora: &[(&str, Result<Vec<u8>, String>)],
    hs_missing: Option<&str>,
) {
    let base = json!({"set": cfg.name, "classes": cfg.classes.name(),
                      "file": cfg.file.file_name().map(|f| f.to_string_lossy().into_owned())});
    let fail = |impl_: &str, workload: &str, status: &str, reason: &str| {
        let mut r = obj(base.clone());
        r.insert("workload".into(), json!(workload));
        r.insert("impl".into(), json!(impl_));
        r.insert("status".into(), json!(status));
        r.insert("reason".into(), json!(reason));
        emit(r);
    };
    let pats = match read_lines(&cfg.file) {
        Ok(p) => p,
        Err(e) => return fail("hayscan", "ruleset-build", "unavailable", &e),
    };
    let opts = match hay_options(cfg.classes) {
        Ok(o) => o,
        Err(e) => return fail("hayscan", "ruleset-build", "unavailable", &e),
    };
    if let Some(why) = hs_missing {
        fail("hyperscan", "ruleset-build", "unavailable", why);
    }

    // Each pattern alone, in both engines.
    let t = Instant::now();
    let hay_ok: Vec<Result<(), String>> = pats
        .iter()
        .map(|p| {
            Matcher::new(&[p], &opts)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .collect();
    let hay_probe_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let hs_ok: Vec<HsProbe> = if hs_missing.is_some() {
        vec![HsProbe::Fails("unavailable".into()); pats.len()]
    } else {
        let mut cache = ProbeCache::load(a.rulesets.join("hyperscan-probes.tsv"));
        let r = pats
            .iter()
            .map(|p| cache.probe(p, cfg.classes.hs_flags()))
            .collect();
        cache.save();
        r
    };
    let hs_probe_s = t.elapsed().as_secs_f64();
    let drop_row = |impl_: &str, i: usize, status: &str, reason: &str, pats: &[Vec<u8>]| {
        let mut r = obj(base.clone());
        r.insert("workload".into(), json!("ruleset-drop"));
        r.insert("impl".into(), json!(impl_));
        r.insert("index".into(), json!(i));
        r.insert("pattern".into(), json!(pattern_text(&pats[i])));
        r.insert("status".into(), json!(status));
        r.insert("reason".into(), json!(reason));
        emit(r);
    };
    let mut hay_dropped = Vec::new();
    let mut hs_dropped = Vec::new();
    let mut no_som = Vec::new();
    for (i, r) in hay_ok.iter().enumerate() {
        if let Err(e) = r {
            hay_dropped.push(i);
            drop_row("hayscan", i, "error", e, &pats);
        }
    }
    if hs_missing.is_none() {
        for (i, r) in hs_ok.iter().enumerate() {
            match r {
                HsProbe::Som => {}
                HsProbe::NoSom(e) => {
                    no_som.push(i);
                    drop_row(
                        "hyperscan",
                        i,
                        "partial",
                        &format!("compiled without HS_FLAG_SOM_LEFTMOST (no start offsets): {e}"),
                        &pats,
                    );
                }
                HsProbe::Fails(e) => {
                    hs_dropped.push(i);
                    drop_row("hyperscan", i, "unsupported", e, &pats);
                }
            }
        }
    }
    let with_hs = hs_missing.is_none();
    let mut common: Vec<usize> = (0..pats.len())
        .filter(|&i| hay_ok[i].is_ok() && (!with_hs || !matches!(hs_ok[i], HsProbe::Fails(_))))
        .collect();

    // The sets as a whole: a pattern the set cannot take (named by the engine) is dropped
    // with a row saying so, and both sides retry.
    let build_load0 = loadavg();
    let (matcher, db, first_pass) = loop {
        let exprs: Vec<&[u8]> = common.iter().map(|&i| pats[i].as_slice()).collect();
        let flags: Vec<c_uint> = common
            .iter()
            .map(|&i| match hs_ok[i] {
                HsProbe::Som => cfg.classes.hs_flags() | hs::HS_FLAG_SOM_LEFTMOST,
                _ => cfg.classes.hs_flags(),
            })
            .collect();
        let (t, c) = (Instant::now(), cpu_now());
        let m = Matcher::new(&exprs, &opts);
        let hay_s = (t.elapsed().as_secs_f64(), cpu_now() - c);
        let m = match m {
            Ok(m) => m,
            Err(hayscan::Error::InvalidPattern { index, message }) if index < common.len() => {
                let i = common.remove(index);
                hay_dropped.push(i);
                drop_row(
                    "hayscan",
                    i,
                    "error",
                    &format!("fails in the set: {message}"),
                    &pats,
                );
                continue;
            }
            Err(e) => return fail("hayscan", "ruleset-build", "error", &e.to_string()),
        };
        if !with_hs {
            break (m, None, vec![hay_s]);
        }
        let (t, c) = (Instant::now(), cpu_now());
        let db = hs::Database::compile(&exprs, &flags);
        let hs_s = (t.elapsed().as_secs_f64(), cpu_now() - c);
        match db {
            Ok(db) => break (m, Some(db), vec![hay_s, hs_s]),
            Err(e) => match e.expression {
                Some(k) if k < common.len() => {
                    let i = common.remove(k);
                    hs_dropped.push(i);
                    drop_row(
                        "hyperscan",
                        i,
                        "unsupported",
                        &format!("fails in the set: {}", e.message),
                        &pats,
                    );
                }
                _ => {
                    fail("hyperscan", "ruleset-build", "error", &e.message);
                    break (m, None, vec![hay_s]);
                }
            },
        }
    };
    hay_dropped.sort_unstable();
    hs_dropped.sort_unstable();
    let no_som: Vec<usize> = no_som.into_iter().filter(|i| common.contains(i)).collect();
    let hs_flags_of = |i: usize| match hs_ok[i] {
        HsProbe::Som => cfg.classes.hs_flags() | hs::HS_FLAG_SOM_LEFTMOST,
        _ => cfg.classes.hs_flags(),
    };
    // The rules both sides run, for the memory runs (one process each).
    let rules_file = a
        .state
        .join(format!("{}-{}.rules", cfg.name, cfg.classes.name()));
    let listing: String = common
        .iter()
        .map(|&i| format!("{i}\t{}\n", hs_flags_of(i)))
        .collect();
    if let Err(e) = std::fs::write(&rules_file, listing) {
        eprintln!("hayscan-bench: {}: {e}", rules_file.display());
    }
    let with_hs = db.is_some();
    let rules_note = format!(
        "{} of {} rules, the same on both sides{}{}{}",
        common.len(),
        pats.len(),
        if hay_dropped.is_empty() {
            String::new()
        } else {
            format!(
                "; hayscan cannot build {} ({})",
                hay_dropped.len(),
                indices_text(&hay_dropped)
            )
        },
        if hs_dropped.is_empty() {
            String::new()
        } else {
            format!(
                "; Hyperscan cannot compile {} ({})",
                hs_dropped.len(),
                indices_text(&hs_dropped)
            )
        },
        if no_som.is_empty() {
            String::new()
        } else {
            format!(
                "; Hyperscan runs {} without SOM ({})",
                no_som.len(),
                indices_text(&no_som)
            )
        },
    );
    let mut shared = obj(base.clone());
    for (k, v) in [
        ("patterns_total", json!(pats.len())),
        ("patterns", json!(common.len())),
        ("hayscan_dropped", json!(hay_dropped)),
        ("hyperscan_dropped", json!(hs_dropped)),
        ("hyperscan_no_som", json!(no_som)),
        ("rules", json!(rules_note)),
        (
            "probe_s",
            json!({"hayscan": hay_probe_s, "hyperscan": hs_probe_s}),
        ),
    ] {
        shared.insert(k.into(), v);
    }
    let exprs: Vec<&[u8]> = common.iter().map(|&i| pats[i].as_slice()).collect();
    let flags: Vec<c_uint> = common.iter().map(|&i| hs_flags_of(i)).collect();

    // Building, interleaved; the pass above that checked the sets is the first
    // repetition. Slow builds (over 2 s) get at most 3 repetitions and no --verify reruns.
    let slowest = first_pass.iter().map(|p| p.0).fold(0.0, f64::max);
    let slow = slowest > 2.0;
    let build_reps = if slow { a.reps.min(3) } else { a.reps };
    let mut bh = BuildHay {
        pats: &exprs,
        opts: &opts,
        built: Some(matcher),
    };
    let mut bs = BuildHs {
        pats: &exprs,
        flags: &flags,
        built: db,
    };
    let (built, attempts) = if with_hs {
        measure(
            a,
            &mut [&mut bh, &mut bs],
            build_reps,
            false,
            Some(&first_pass),
            !slow,
        )
    } else {
        measure(
            a,
            &mut [&mut bh],
            build_reps,
            false,
            Some(&first_pass),
            !slow,
        )
    };
    let (load0, load1) = (build_load0, loadavg());
    for (k, m) in built.iter().enumerate() {
        let mut r = shared.clone();
        r.insert("workload".into(), json!("ruleset-build"));
        r.insert(
            "impl".into(),
            json!(if k == 0 { "hayscan" } else { "hyperscan" }),
        );
        r.insert(
            "api".into(),
            json!(if k == 0 {
                "Matcher::new"
            } else {
                "hs_compile_multi"
            }),
        );
        r.insert("automaton_bytes".into(), json!(m.result));
        r.insert("slow_build".into(), json!(slow));
        r.insert("load".into(), json!([load0, load1]));
        r.insert("attempts".into(), json!(attempts));
        add_times(&mut r, m, None, a.noisy);
        emit(r);
    }
    let matcher = bh.built.take().expect("built");
    let db = bs.built.take();

    // Counting over each corpus, interleaved.
    for (corpus, hay) in corpora {
        let hay = match hay {
            Ok(h) => h,
            Err(e) => {
                fail("hayscan", "ruleset", "unavailable", e);
                continue;
            }
        };
        let load0 = loadavg();
        let mut ch = CountHay(&matcher, hay);
        let (m, attempts) = match &db {
            Some(db) => measure(
                a,
                &mut [&mut ch, &mut CountHs(db, hay)],
                a.reps,
                true,
                None,
                true,
            ),
            None => measure(a, &mut [&mut ch], a.reps, true, None, true),
        };
        let load1 = loadavg();
        for (k, x) in m.iter().enumerate() {
            let mut r = shared.clone();
            r.insert("workload".into(), json!("ruleset"));
            r.insert(
                "impl".into(),
                json!(if k == 0 { "hayscan" } else { "hyperscan" }),
            );
            r.insert(
                "api".into(),
                json!(if k == 0 { "Matcher::count" } else { "hs_scan" }),
            );
            r.insert(
                "semantics".into(),
                json!(if k == 0 {
                    "leftmost-first"
                } else {
                    "all-matches"
                }),
            );
            r.insert("corpus".into(), json!(corpus));
            r.insert("bytes".into(), json!(hay.len()));
            r.insert("matches".into(), json!(x.result));
            r.insert("load".into(), json!([load0, load1]));
            r.insert("attempts".into(), json!(attempts));
            add_times(&mut r, x, Some(hay.len()), a.noisy);
            emit(r);
        }
    }
}

/// `--ruleset-memory IMPL:NAME:CLASSES`: peak RSS (`ru_maxrss`) of building the rules a
/// timing run chose (its `.rules` file in --state) and counting once over each corpus, in
/// a process that does nothing else. `base_rss_kb` is taken after reading the corpora.
fn memory(a: &Args, spec: &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    let [impl_, name, classes] = parts[..] else {
        usage("--ruleset-memory IMPL:NAME:CLASSES")
    };
    let classes = Classes::parse(classes).unwrap_or_else(|| usage("CLASSES: unicode or ascii"));
    let mut r = obj(
        json!({"workload": "ruleset-memory", "impl": impl_, "set": name,
                           "classes": classes.name(), "corpus": CORPORA.join("+")}),
    );
    let fail = |mut r: Map<String, Value>, status: &str, why: String| {
        r.insert("status".into(), json!(status));
        r.insert("reason".into(), json!(why));
        emit(r);
    };
    let Some(cfg) = configs(a)
        .into_iter()
        .find(|c| c.name == name && c.classes == classes)
    else {
        return fail(
            r,
            "error",
            format!("no ruleset {name} ({})", classes.name()),
        );
    };
    let rules_file = a.state.join(format!("{name}-{}.rules", classes.name()));
    let mut errors = Vec::new();
    let pats = read_lines(&cfg.file)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let rules = std::fs::read_to_string(&rules_file)
        .map_err(|e| errors.push(format!("{}: {e}", rules_file.display())))
        .unwrap_or_default();
    let mut hays = Vec::new();
    for c in CORPORA {
        match read_corpus(&a.data, c) {
            Ok(h) => hays.push(h),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return fail(r, "unavailable", errors.join("; "));
    }
    let mut exprs: Vec<&[u8]> = Vec::new();
    let mut flags: Vec<c_uint> = Vec::new();
    for line in rules.lines() {
        let mut f = line.split('\t');
        let (Some(Ok(i)), Some(Ok(fl))) = (
            f.next().map(str::parse::<usize>),
            f.next().map(str::parse::<c_uint>),
        ) else {
            continue;
        };
        if let Some(p) = pats.get(i) {
            exprs.push(p);
            flags.push(fl);
        }
    }
    r.insert("patterns".into(), json!(exprs.len()));
    r.insert(
        "bytes".into(),
        json!(hays.iter().map(Vec::len).collect::<Vec<_>>()),
    );
    let base = maxrss_kb();
    let (counts, size): (Vec<usize>, usize) = match impl_ {
        "hayscan" => {
            let opts = match hay_options(classes) {
                Ok(o) => o,
                Err(e) => return fail(r, "unavailable", e),
            };
            match Matcher::new(&exprs, &opts) {
                Ok(m) => (hays.iter().map(|h| m.count(h)).collect(), m.memory_usage()),
                Err(e) => return fail(r, "error", e.to_string()),
            }
        }
        "hyperscan" => {
            if let Some(why) = hs::unavailable_reason() {
                return fail(r, "unavailable", why);
            }
            match hs::Database::compile(&exprs, &flags) {
                Ok(db) => (hays.iter().map(|h| db.count(h)).collect(), db.size()),
                Err(e) => return fail(r, "error", e.message),
            }
        }
        _ => usage("IMPL: hayscan or hyperscan"),
    };
    r.insert("matches".into(), json!(counts));
    r.insert("base_rss_kb".into(), json!(base));
    r.insert("peak_rss_kb".into(), json!(maxrss_kb()));
    r.insert("automaton_bytes".into(), json!(size));
    emit(r);
}
