//! Required class runs: for a pattern without a usable literal factor, a byte class and a
//! length such that every match contains that many consecutive bytes of the class.
//!
//! Why: some rules have no literal worth a pass but a long run of one class,
//! `\b(\d{15,16}(\||%)[0-9a-z\-_]{27,40})` (15 digits) or `\b[a-fA-F0-9]{40}\b` (40 hex
//! digits). Left in the residual group they cost a lazy DFA step on every byte of the
//! text; found as runs they cost a look at one byte in `len` where the class is rare, as
//! a Boyer-Moore skip does: a run of `len` class bytes contains every `len`-th position,
//! so a byte outside the class lets the scan jump `len` bytes.
//!
//! Hits feed the windowed group (see `windowed`): a run of length at least `len` reports a
//! hit at its start and every `stride` bytes after, and at its last possible start, so
//! every match lies in the window of a hit that is at most `stride` bytes after where the
//! match's run begins. The pattern's window widens by `stride` to match (see `mod.rs`).

use regex_syntax::hir::{Hir, HirKind};

use super::factors::{class_bytes, ByteSet};

/// Shortest run worth a pass. Shorter runs (card numbers, SSNs, the IBAN rule: 11 to 16)
/// occur on every line of a log, in timestamps and ids, and four such scans measured
/// slower than the residual group's one joint pass over the same rules.
pub(crate) const MIN_RUN_LEN: usize = 20;

/// `len` consecutive bytes of `class` occur in every match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    pub class: ByteSet,
    pub len: usize,
}

impl Run {
    /// How informative the run is: the bits `len` class bytes rule out, roughly; zero for
    /// a class common in text, whose scan would look at most bytes, and for a run too short
    /// to be used (a longer, weaker one beats it).
    fn score(&self) -> f64 {
        if !self.rare() || self.len < MIN_RUN_LEN {
            return 0.0;
        }
        let size = self.ascii_len().max(1) as f64;
        self.len as f64 * (128.0 / size).log2()
    }

    /// A class whose runs end at white space, so that they stay short in text (`\w`
    /// passes, `\S` and `.` do not), and that leaves out most bytes.
    /// Non-ASCII bytes do not count: a `(?i)` class holds the Kelvin sign and `ſ`, whose
    /// UTF-8 bytes are rare in most text.
    fn rare(&self) -> bool {
        self.ascii_len() <= 96 && !self.class.contains(b' ') && !self.class.contains(b'\n')
    }

    fn ascii_len(&self) -> usize {
        (0u8..0x80).filter(|&b| self.class.contains(b)).count()
    }
}

fn better(a: Option<Run>, b: Option<Run>) -> Option<Run> {
    match (a, b) {
        // On a tie (both too short or too common to use), the longer: it may still grow.
        (Some(a), Some(b)) => Some(if (b.score(), b.len) > (a.score(), a.len) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

/// The best run every match of `hir` contains, if any.
pub(crate) fn required_run(hir: &Hir) -> Option<Run> {
    run_of(hir).filter(|r| r.len >= MIN_RUN_LEN && r.rare())
}

/// A node that matches only bytes of one class, at least `min` of them (in characters,
/// each at least one byte): a literal, a class, or a repetition of one.
fn simple(hir: &Hir) -> Option<(ByteSet, usize)> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let mut set = ByteSet::default();
            for &b in lit.0.iter() {
                set.insert_range(b, b);
            }
            Some((set, lit.0.len()))
        }
        HirKind::Class(c) => Some((class_bytes(c), 1)),
        HirKind::Repetition(rep) => {
            let (set, n) = simple(&rep.sub)?;
            Some((set, n.saturating_mul(rep.min as usize)))
        }
        HirKind::Capture(cap) => simple(&cap.sub),
        _ => None,
    }
}

fn run_of(hir: &Hir) -> Option<Run> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(_) | HirKind::Class(_) => {
            simple(hir).map(|(class, len)| Run { class, len })
        }
        HirKind::Capture(cap) => run_of(&cap.sub),
        HirKind::Repetition(rep) => {
            if rep.min == 0 {
                return None;
            }
            match simple(hir) {
                Some((class, len)) => Some(Run { class, len }),
                // One iteration holds the sub-pattern's run.
                None => run_of(&rep.sub),
            }
        }
        HirKind::Alternation(subs) => {
            let mut acc: Option<Run> = None;
            for sub in subs {
                let r = run_of(sub)?;
                acc = Some(match acc {
                    None => r,
                    Some(a) => Run {
                        class: a.class.union(r.class),
                        len: a.len.min(r.len),
                    },
                });
            }
            acc
        }
        HirKind::Concat(subs) => {
            // Adjacent simple children form one run (look-arounds between them take no
            // bytes); a child that may match nothing of its own ends it.
            let mut best = None;
            let mut cur: Option<Run> = None;
            for sub in subs {
                if matches!(sub.kind(), HirKind::Look(_)) {
                    continue;
                }
                match simple(sub) {
                    Some((class, len)) if len > 0 => {
                        cur = Some(match cur {
                            None => Run { class, len },
                            Some(c) => Run {
                                class: c.class.union(class),
                                len: c.len + len,
                            },
                        });
                    }
                    _ => {
                        best = better(best, cur.take());
                        best = better(best, run_of(sub));
                    }
                }
                if let Some(c) = cur {
                    best = better(best, Some(c));
                }
            }
            better(best, cur)
        }
    }
}

/// The run pass: every windowed pattern confirmed around runs rather than factors.
///
/// Patterns whose classes together stay rare share one scan for runs of the union class
/// (as long as the shortest member's run); each member then looks only inside those, so
/// four card, SSN and IBAN rules cost one pass, not four.
#[derive(Debug)]
pub(crate) struct RunIndex {
    groups: Box<[Group]>,
}

#[derive(Debug)]
struct Group {
    /// The union of the members' classes, the shortest member run.
    run: Run,
    table: Table,
    /// `(windowed index, run, stride)`.
    members: Box<[(u32, Run, usize)]>,
    /// The members' classes.
    tables: Box<[Table]>,
}

/// A byte class as a lookup table: one load a byte, where a `ByteSet` test is four
/// operations (the run scan tests about a byte in five of the text).
#[derive(Debug)]
struct Table(Box<[bool; 256]>);

impl Table {
    fn new(class: &ByteSet) -> Table {
        let mut t = Box::new([false; 256]);
        for (b, slot) in t.iter_mut().enumerate() {
            *slot = class.contains(b as u8);
        }
        Table(t)
    }

    #[inline(always)]
    fn contains(&self, b: u8) -> bool {
        self.0[b as usize]
    }
}

impl Group {
    fn new(run: Run, members: Vec<(u32, Run, usize)>) -> Group {
        Group {
            run,
            table: Table::new(&run.class),
            tables: members.iter().map(|m| Table::new(&m.1.class)).collect(),
            members: members.into_boxed_slice(),
        }
    }
}

impl RunIndex {
    pub fn new(runs: Vec<(u32, Run, usize)>) -> RunIndex {
        let union = runs.iter().fold(
            Run {
                class: ByteSet::default(),
                len: usize::MAX,
            },
            |acc, (_, r, _)| Run {
                class: acc.class.union(r.class),
                len: acc.len.min(r.len),
            },
        );
        // Sharing pays when the members' runs are about as long: a scan for the shortest
        // looks at more bytes than the longest needs.
        let longest = runs.iter().map(|r| r.1.len).max().unwrap_or(0);
        let groups = if runs.len() > 1 && union.rare() && longest * 2 <= union.len * 3 {
            vec![Group::new(union, runs)]
        } else {
            runs.into_iter().map(|m| Group::new(m.1, vec![m])).collect()
        };
        RunIndex {
            groups: groups.into_boxed_slice(),
        }
    }

    /// Calls `on_hit(windowed index, hit)` for the hits of every run (see the module
    /// docs), until it returns false.
    pub fn for_each_hit(&self, hay: &[u8], mut on_hit: impl FnMut(u32, usize) -> bool) {
        let mut emit = |owner: u32, run: &Run, stride: usize, a: usize, b: usize| {
            let last = b - run.len;
            let mut h = a;
            while h < last {
                if !on_hit(owner, h) {
                    return false;
                }
                h += stride;
            }
            on_hit(owner, last)
        };
        for group in self.groups.iter() {
            let go = match &group.members[..] {
                [(owner, run, stride)] => for_each_run(hay, run.len, &group.table, |a, b| {
                    emit(*owner, run, *stride, a, b)
                }),
                // A member's maximal runs inside a maximal run of the union are maximal in
                // `hay`: the bytes on either side are outside the union.
                members => for_each_run(hay, group.run.len, &group.table, |a, b| {
                    members
                        .iter()
                        .zip(&group.tables[..])
                        .all(|((owner, run, stride), t)| {
                            for_each_run(&hay[a..b], run.len, t, |x, y| {
                                emit(*owner, run, *stride, a + x, a + y)
                            })
                        })
                }),
            };
            if !go {
                return;
            }
        }
    }
}

/// Calls `on_run(a, b)` for each maximal run `hay[a..b]` of `class` bytes at least `n`
/// long, in order, until it returns false. Returns false if it did.
fn for_each_run(
    hay: &[u8],
    n: usize,
    class: &Table,
    mut on_run: impl FnMut(usize, usize) -> bool,
) -> bool {
    // A window `hay[s..s + n]` is read from its right end, as Horspool reads a pattern:
    // the rightmost byte outside the class rules out every run starting at or before it,
    // so the window moves past it, and only the bytes of the window's last partial word
    // are read. `s` is 0 or follows a byte outside the class; `hay[s..known]` are known
    // to be in it (read by the window before).
    let len = hay.len();
    let mut s = 0;
    let mut known = 0;
    while s + n <= len {
        let lo = known.max(s);
        let mut q = s + n;
        while q > lo && class.contains(hay[q - 1]) {
            q -= 1;
        }
        if q > lo {
            // `hay[q - 1]` is outside the class, `hay[q..s + n]` inside.
            known = s + n;
            s = q;
            continue;
        }
        let mut b = s + n;
        while b < len && class.contains(hay[b]) {
            b += 1;
        }
        if !on_run(s, b) {
            return false;
        }
        s = b + 1;
        known = s;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regex::parse::{parse, SyntaxOptions};

    fn run(pattern: &str) -> Option<(usize, usize)> {
        let opts = SyntaxOptions {
            case_insensitive: false,
            ascii_classes: true,
        };
        run_of(&parse(0, pattern.as_bytes(), opts).unwrap())
            .filter(Run::rare)
            .map(|r| (r.len, r.ascii_len()))
    }

    #[test]
    fn runs_of_classes_literals_and_alternations() {
        assert_eq!(run(r"\b[a-fA-F0-9]{40}\b"), Some((40, 22)));
        // `(\||%)` is the class `[%|]`: all three parts make one run.
        assert_eq!(
            run(r"\b(\d{15,16}(\||%)[0-9a-z\-_]{27,40})"),
            Some((43, 40))
        );
        assert_eq!(
            run(r"\b(\d{15,16}(\||%%)[0-9a-z\-_]{27,40})"),
            Some((27, 38))
        );
        // The IBAN shape: adjacent classes join into one run of their union.
        assert_eq!(run(r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b"), Some((15, 36)));
        assert_eq!(run(r"(?:sgp_[a-f0-9]{40}|[a-f0-9]{40})"), Some((40, 20)));
        assert_eq!(run(r"[0-9]{3}-[0-9]{2}-[0-9]{4}"), Some((11, 11)));
        assert_eq!(run(r"[0-9]{0,40}x"), Some((1, 1)));
        assert_eq!(run(r"[0-9]{0,40}"), None);
        assert_eq!(run(r"\d{4}|[a-z]+"), Some((1, 36)));
        assert_eq!(run(r"(?s:.){20}"), None);
        // Under (?i) the class holds non-ASCII folds (Kelvin sign, long s): still a run.
        assert_eq!(
            run(r"(?i)\b(\d{15,16}(\||%)[0-9a-z\-_]{27,40})").map(|r| r.0),
            Some(43)
        );
        // Classes with white space are not worth a scan: their runs span whole lines.
        assert_eq!(run(r"[\S]{40}"), None);
        assert_eq!(run(r"[a-z ]{40}"), None);
        assert_eq!(run(r"[A-Za-z0-9+/]{40}"), Some((40, 64)));
        // Runs shorter than MIN_RUN_LEN are not used.
        let opts = SyntaxOptions {
            case_insensitive: false,
            ascii_classes: true,
        };
        let short = parse(0, br"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b", opts).unwrap();
        assert!(run_of(&short).is_some() && required_run(&short).is_none());
    }

    fn hits(hay: &[u8], pattern: &str, stride: usize) -> Vec<usize> {
        let opts = SyntaxOptions {
            case_insensitive: false,
            ascii_classes: true,
        };
        let r = run_of(&parse(0, pattern.as_bytes(), opts).unwrap()).unwrap();
        let index = RunIndex::new(vec![(0, r, stride)]);
        let mut out = Vec::new();
        index.for_each_hit(hay, |_, h| {
            out.push(h);
            true
        });
        out
    }

    #[test]
    fn a_shared_scan_reports_what_separate_scans_do() {
        let opts = SyntaxOptions {
            case_insensitive: false,
            ascii_classes: true,
        };
        let runs: Vec<(u32, Run, usize)> = [
            r"\b4[0-9]{12}\b",
            r"[0-9]{3}-[0-9]{2}-[0-9]{4}",
            r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11}",
        ]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let r = run_of(&parse(0, p.as_bytes(), opts).unwrap()).unwrap();
            (i as u32, r, 3 + i)
        })
        .collect();
        let shared = RunIndex::new(runs.clone());
        assert_eq!(shared.groups.len(), 1);
        let hay = b"GB29NWBK60161331926819 x 4111111111111111 123-45-6789 AB12 2024-05-01T00:00:02Z 0000000000000000000000000000";
        let collect = |index: &RunIndex| {
            let mut v = Vec::new();
            index.for_each_hit(hay, |o, h| {
                v.push((o, h));
                true
            });
            v.sort();
            v
        };
        let mut separate = Vec::new();
        for r in runs {
            separate.extend(collect(&RunIndex::new(vec![r])));
        }
        separate.sort();
        assert!(!separate.is_empty());
        assert_eq!(collect(&shared), separate);
    }

    #[test]
    fn every_long_enough_run_is_reported_at_stride() {
        let hay = b"12345678 x1234567 123456789012345678901 9";
        assert_eq!(hits(hay, r"[0-9]{8}", 5), [0, 18, 23, 28, 31]);
        assert_eq!(hits(b"12345678", r"[0-9]{8}", 5), [0]);
        assert_eq!(hits(b"1234567", r"[0-9]{8}", 5), Vec::<usize>::new());
        // A naive scan gives the same runs on every haystack.
        let mut seed = 7u32;
        for _ in 0..200 {
            let hay: Vec<u8> = (0..200)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    if (seed >> 16) % 4 == 0 {
                        b'x'
                    } else {
                        b'0' + ((seed >> 20) % 10) as u8
                    }
                })
                .collect();
            for len in [1, 2, 3, 5, 8, 13] {
                let mut naive = Vec::new();
                let mut i = 0;
                while i < hay.len() {
                    let j = i + hay[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                    if j - i >= len {
                        naive.push((i, j));
                    }
                    i = j.max(i + 1);
                }
                let mut class = ByteSet::default();
                class.insert_range(b'0', b'9');
                let mut got = Vec::new();
                for_each_run(&hay, len, &Table::new(&class), |a, b| {
                    got.push((a, b));
                    true
                });
                assert_eq!(got, naive, "runs of {len}");
            }
        }
    }
}
