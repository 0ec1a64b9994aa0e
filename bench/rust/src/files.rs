//! `hayscan-bench --files`: a large file counted by path (`Matcher::count_file`, memory
//! bounded), the same bytes counted in memory on one thread and on two
//! (`count_parallel`), and the command-line tools a user would reach for instead, `rg -F -c
//! -f` and `grep -F -c -f`, run as child processes on the same file and patterns. Every
//! contender is interleaved with the others (crate::method), CPU time includes the child
//! processes'.
//!
//! ```text
//! hayscan-bench --files --data bench/data/quick [--mb 100] [--reps 5] [--sets dense-1000,sparse-1000]
//!               [--dir /tmp] [--min-rep-ms 50] [--noisy 0.10]
//! ```
//!
//! `-c` counts matching lines, not matches: the tools stop at a line's first match, so they
//! do less work than `count_file`, which counts every match (rows carry both results).
//! `rg --count-matches` counts every match, the same job as `count_file`;
//! `count_file_lines` (on one thread and on two) counts matching lines, the job of `-c`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

use hayscan::{Matcher, Options};
use serde_json::{json, Value};

use crate::method::{add_times, interleave, loadavg, Contender};

struct Args {
    data: PathBuf,
    dir: PathBuf,
    mb: usize,
    reps: usize,
    sets: Vec<String>,
    min_rep_s: f64,
    noisy: f64,
}

fn parse_args() -> Args {
    let mut a = Args {
        data: PathBuf::from("bench/data/quick"),
        dir: std::env::temp_dir(),
        mb: 100,
        reps: 5,
        sets: vec!["dense-1000".into(), "sparse-1000".into()],
        min_rep_s: 0.05,
        noisy: 0.10,
    };
    let mut it = std::env::args().skip(1).filter(|x| x != "--files");
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--data" => a.data = value().into(),
            "--dir" => a.dir = value().into(),
            "--mb" => a.mb = value().parse().unwrap_or_else(|_| usage("--mb N")),
            "--reps" => a.reps = value().parse().unwrap_or_else(|_| usage("--reps N")),
            "--sets" => a.sets = value().split(',').map(String::from).collect(),
            "--min-rep-ms" => {
                a.min_rep_s = value()
                    .parse::<f64>()
                    .unwrap_or_else(|_| usage("--min-rep-ms MS"))
                    / 1e3
            }
            "--noisy" => {
                a.noisy = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--noisy FRACTION"))
            }
            other => usage(&format!("unknown argument {other}")),
        }
    }
    a
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "hayscan-bench --files: {msg}\nusage: hayscan-bench --files --data DIR [--mb N] [--reps N] \
         [--sets SET,...] [--dir DIR] [--min-rep-ms MS] [--noisy F]"
    );
    std::process::exit(2)
}

/// `english.txt` repeated to `mb` MB, written once and reused.
fn big_file(a: &Args) -> PathBuf {
    let path = a.dir.join(format!("hayscan-bench-english-{}mb.txt", a.mb));
    let want = a.mb << 20;
    if std::fs::metadata(&path).is_ok_and(|m| m.len() as usize == want) {
        return path;
    }
    let unit = std::fs::read(a.data.join("english.txt"))
        .unwrap_or_else(|e| usage(&format!("{}/english.txt: {e}", a.data.display())));
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(&path).expect("create the bench file"));
    let mut left = want;
    while left > 0 {
        let n = left.min(unit.len());
        f.write_all(&unit[..n]).expect("write the bench file");
        left -= n;
    }
    f.flush().expect("write the bench file");
    path
}

struct CountFile(Arc<Matcher>, PathBuf);
impl Contender for CountFile {
    fn run(&mut self) -> usize {
        self.0.count_file(&self.1).expect("count_file")
    }
}

/// `count_file_lines`: matching lines, the job `rg -F -c` and `grep -F -c` do.
struct CountLines(Arc<Matcher>, PathBuf, usize);
impl Contender for CountLines {
    fn run(&mut self) -> usize {
        match self.2 {
            1 => self.0.count_file_lines(&self.1),
            n => self.0.count_file_lines_parallel(&self.1, n),
        }
        .expect("count_file_lines")
    }
}

struct CountMemory(Arc<Matcher>, Arc<Vec<u8>>, usize);
impl Contender for CountMemory {
    fn run(&mut self) -> usize {
        match self.2 {
            1 => self.0.count(&self.1),
            n => self.0.count_parallel(&self.1, n),
        }
    }
}

/// A command-line tool; its result is the number it prints.
struct Tool(Vec<String>);
impl Contender for Tool {
    fn run(&mut self) -> usize {
        let out = Command::new(&self.0[0])
            .args(&self.0[1..])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("run the tool");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0)
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn main() {
    let a = parse_args();
    let path = big_file(&a);
    let bytes = std::fs::metadata(&path)
        .map(|m| m.len() as usize)
        .unwrap_or(0);
    let in_memory = Arc::new(std::fs::read(&path).expect("read the bench file"));
    for set in &a.sets {
        let pat_path = a.data.join("patterns").join(format!("{set}.txt"));
        let pats: Vec<Vec<u8>> = std::fs::read(&pat_path)
            .unwrap_or_else(|e| usage(&format!("{}: {e}", pat_path.display())))
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect();
        let m = Arc::new(Matcher::new(&pats, &Options::default()).expect("build"));
        let mut names: Vec<&str> = vec![
            "count_file",
            "count (memory, 1 thread)",
            "count_parallel (memory, 2 threads)",
            "count_file_lines",
            "count_file_lines_parallel (2 threads)",
        ];
        let mut file = CountFile(Arc::clone(&m), path.clone());
        let mut one = CountMemory(Arc::clone(&m), Arc::clone(&in_memory), 1);
        let mut two = CountMemory(Arc::clone(&m), Arc::clone(&in_memory), 2);
        let mut lines = CountLines(Arc::clone(&m), path.clone(), 1);
        let mut lines2 = CountLines(Arc::clone(&m), path.clone(), 2);
        let p = path.display().to_string();
        let f = pat_path.display().to_string();
        let mut rg = Tool(["rg", "-F", "-c", "-f", &f, &p].map(String::from).to_vec());
        let mut rg_all = Tool(
            ["rg", "-F", "--count-matches", "-f", &f, &p]
                .map(String::from)
                .to_vec(),
        );
        let mut grep = Tool(
            ["grep", "-F", "-c", "-f", &f, &p]
                .map(String::from)
                .to_vec(),
        );
        let mut sides: Vec<&mut dyn Contender> =
            vec![&mut file, &mut one, &mut two, &mut lines, &mut lines2];
        if have("rg") {
            names.push("rg -F -c -f");
            sides.push(&mut rg);
            names.push("rg -F --count-matches -f");
            sides.push(&mut rg_all);
        }
        if have("grep") {
            names.push("grep -F -c -f");
            sides.push(&mut grep);
        }
        let load = loadavg();
        let measured = interleave(&mut sides, a.reps, 0, a.min_rep_s, true);
        for (name, m) in names.iter().zip(&measured) {
            let mut r = serde_json::Map::new();
            r.insert("schema".into(), json!("hayscan-bench/1"));
            r.insert("host".into(), json!("rust"));
            r.insert("workload".into(), json!("files"));
            r.insert(
                "impl".into(),
                json!(if name.starts_with("rg") || name.starts_with("grep") {
                    "tool"
                } else {
                    "hayscan"
                }),
            );
            r.insert("api".into(), json!(name));
            r.insert("set".into(), json!(set));
            r.insert("bytes".into(), json!(bytes));
            r.insert("result".into(), json!(m.result));
            r.insert("load".into(), load.clone());
            add_times(&mut r, m, Some(bytes), a.noisy);
            r.insert("status".into(), json!("ok"));
            println!("{}", Value::Object(r));
        }
    }
}
