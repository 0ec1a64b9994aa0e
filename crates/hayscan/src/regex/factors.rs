//! Required literal factors: for a pattern, a small set of literals at least one of which
//! occurs in every match.
//!
//! This is what lets one literal pass serve a whole regex set (see `windowed`): wherever
//! none of a pattern's factors occurs, the pattern cannot match, so it is never run there.
//! The idea is RE2's FilteredRE2 and gitleaks' keywords; the factors here come from the
//! pattern itself, anywhere in it: prefixes (`ghp_` in `ghp_[0-9A-Za-z]{36}`), inner
//! literals (`adafruit` in `(?i)[\w.-]{0,50}?(?:adafruit)...`), suffixes.
//!
//! A factor is a byte string whose ASCII letters may each be "folded" (either case
//! matches): `(?i)` patterns give folded factors, so one ASCII case-insensitive automaton
//! finds every factor of every pattern, and hits on a factor with exact letters are checked
//! for case afterwards. Unicode case folding gives a few non-ASCII variants (`(?i)k` also
//! matches the Kelvin sign), which become literals of their own.
//!
//! The extraction is conservative: a node yields factors only when every match of it
//! contains one of them. Where several children of a concatenation qualify, the best set
//! is kept: longer shortest literal first (rarer in text), then fewer literals.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Most literals a node's exact set or a factor set may hold.
const MAX_LITERALS: usize = 64;
/// Largest class expanded into single-character literals.
const MAX_CLASS_CHARS: usize = 4;
/// Longest literal kept exact (longer cross products stop growing).
const MAX_LITERAL_LEN: usize = 64;

/// A literal: `bytes` with, for each byte, whether it is a folded ASCII letter (stored in
/// lower case, matching either case).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Factor {
    pub bytes: Vec<u8>,
    pub folded: Vec<bool>,
}

impl Factor {
    fn exact(bytes: &[u8]) -> Factor {
        Factor {
            bytes: bytes.to_vec(),
            folded: vec![false; bytes.len()],
        }
    }

    fn concat(&self, other: &Factor) -> Factor {
        let mut f = self.clone();
        f.bytes.extend_from_slice(&other.bytes);
        f.folded.extend_from_slice(&other.folded);
        f
    }

    /// True if a hit of the folded form needs its letters' case checked.
    pub fn has_exact_letters(&self) -> bool {
        self.bytes
            .iter()
            .zip(&self.folded)
            .any(|(b, f)| !f && b.is_ascii_alphabetic())
    }

    /// True if `hay` (as long as the factor, found by an ASCII case-insensitive search)
    /// has the factor's exact letters in their case.
    pub fn case_matches(&self, hay: &[u8]) -> bool {
        self.bytes
            .iter()
            .zip(&self.folded)
            .zip(hay)
            .all(|((b, f), h)| *f || b == h)
    }
}

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    pub fn full() -> ByteSet {
        ByteSet([u64::MAX; 4])
    }

    pub fn insert_range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.0[usize::from(b >> 6)] |= 1 << (b & 63);
        }
    }

    pub fn union(self, other: ByteSet) -> ByteSet {
        let mut out = self;
        for (a, b) in out.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        out
    }

    #[inline]
    pub fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

/// A factor set with its lead: how far after the start of a match of the node the
/// factor's occurrence starts, at most (`None`: unbounded), and the bytes a match can hold
/// before that occurrence (`lead_class`).
#[derive(Clone, Debug)]
struct Lits {
    set: Vec<Factor>,
    lead: Option<usize>,
    lead_class: ByteSet,
}

/// Which factor set a node prefers when several qualify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pref {
    /// The rarest in text: longer shortest literal, then fewer literals.
    Rare,
    /// One whose lead is at most the given bound (so a match can be confirmed by anchored
    /// searches at the few starts before a hit), then the rarest such.
    Anchorable(usize),
}

/// What is known of a node: `exact`, the complete set of strings it matches (when finite
/// and small), `factors`, a set one of which every match contains, and `max_len`, its
/// longest match (`None`: unbounded).
#[derive(Clone, Debug, Default)]
struct Info {
    exact: Option<Vec<Factor>>,
    factors: Option<Lits>,
    max_len: Option<usize>,
    /// Every byte a match of the node can contain.
    bytes: ByteSet,
}

impl Info {
    fn exact(set: Vec<Factor>, max_len: Option<usize>, bytes: ByteSet) -> Info {
        let factors = usable(&set).then(|| Lits {
            set: set.clone(),
            lead: Some(0),
            lead_class: ByteSet::default(),
        });
        Info {
            exact: Some(set),
            factors,
            max_len,
            bytes,
        }
    }

    /// The best factor set this node offers on its own (its exact set counts, lead 0).
    fn best(&self, pref: Pref) -> Option<Lits> {
        let exact = self.exact.as_ref().filter(|s| usable(s)).map(|s| Lits {
            set: s.clone(),
            lead: Some(0),
            lead_class: ByteSet::default(),
        });
        better(self.factors.clone(), exact, pref)
    }
}

/// Required factors of a pattern, and their lead (see [`required_factors`]).
#[derive(Clone, Debug)]
pub(crate) struct Required {
    pub set: Vec<Factor>,
    /// At most how many bytes after the start of a match the factor's occurrence in it
    /// starts; `None` if unbounded.
    pub lead: Option<usize>,
    /// Every byte a match can hold before the factor's occurrence (all bytes when `lead`
    /// is `None`): the match starts within the run of such bytes that ends at the hit.
    pub lead_class: ByteSet,
}

/// The required factors of `hir`, or `None` if it has none (e.g. it can match the empty
/// string, or every literal in it is optional).
pub(crate) fn required_factors(hir: &Hir) -> Option<Required> {
    required(hir, Pref::Rare)
}

/// Required factors of `hir` that start at most `max_lead` bytes into every match, the
/// rarest such; `None` if it has none.
pub(crate) fn anchorable_factors(hir: &Hir, max_lead: usize) -> Option<Required> {
    required(hir, Pref::Anchorable(max_lead)).filter(|r| r.lead.is_some_and(|l| l <= max_lead))
}

fn required(hir: &Hir, pref: Pref) -> Option<Required> {
    let Lits {
        mut set,
        lead,
        lead_class,
    } = info(hir, pref).best(pref)?;
    set.sort();
    set.dedup();
    let lead_class = if lead.is_some() {
        lead_class
    } else {
        ByteSet::full()
    };
    Some(Required {
        set,
        lead,
        lead_class,
    })
}

/// Length of the shortest literal in a set (its weakest member).
pub(crate) fn min_len(set: &[Factor]) -> usize {
    set.iter().map(|f| f.bytes.len()).min().unwrap_or(0)
}

fn usable(set: &[Factor]) -> bool {
    !set.is_empty() && set.len() <= MAX_LITERALS && set.iter().all(|f| !f.bytes.is_empty())
}

/// Longer shortest literal first (rarer in text), then fewer literals, then a bounded lead
/// (a tighter window).
fn score(l: &Lits, pref: Pref) -> (bool, usize, isize, bool) {
    let anchorable = match pref {
        Pref::Rare => false,
        Pref::Anchorable(max) => l.lead.is_some_and(|lead| lead <= max),
    };
    (
        anchorable,
        min_len(&l.set).min(8),
        -(l.set.len() as isize),
        l.lead.is_some(),
    )
}

fn better(a: Option<Lits>, b: Option<Lits>, pref: Pref) -> Option<Lits> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b, pref) > score(&a, pref) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

fn add(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    a?.checked_add(b?)
}

fn cross(a: &[Factor], b: &[Factor]) -> Option<Vec<Factor>> {
    if a.len() * b.len() > MAX_LITERALS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            if x.bytes.len() + y.bytes.len() > MAX_LITERAL_LEN {
                return None;
            }
            out.push(x.concat(y));
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

fn empty_info() -> Info {
    Info {
        exact: Some(vec![Factor::exact(b"")]),
        factors: None,
        max_len: Some(0),
        bytes: ByteSet::default(),
    }
}

/// Every byte a match of `class` can contain (for a Unicode class with non-ASCII
/// characters, every non-ASCII byte).
pub(crate) fn class_bytes(class: &Class) -> ByteSet {
    let mut set = ByteSet::default();
    match class {
        Class::Unicode(c) => {
            for r in c.ranges() {
                let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                if lo < 0x80 {
                    set.insert_range(lo as u8, hi.min(0x7f) as u8);
                }
                if hi >= 0x80 {
                    set.insert_range(0x80, 0xff);
                }
            }
        }
        Class::Bytes(c) => {
            for r in c.ranges() {
                set.insert_range(r.start(), r.end());
            }
        }
    }
    set
}

fn info(hir: &Hir, pref: Pref) -> Info {
    let max_len = hir.properties().maximum_len();
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => empty_info(),
        HirKind::Literal(lit) => {
            let mut bytes = ByteSet::default();
            for &b in lit.0.iter() {
                bytes.insert_range(b, b);
            }
            Info::exact(vec![Factor::exact(&lit.0)], max_len, bytes)
        }
        HirKind::Class(class) => {
            let bytes = class_bytes(class);
            class_literals(class)
                .map(|set| Info::exact(set, max_len, bytes))
                .unwrap_or(Info {
                    max_len,
                    bytes,
                    ..Info::default()
                })
        }
        HirKind::Capture(cap) => info(&cap.sub, pref),
        HirKind::Repetition(rep) => {
            if rep.max == Some(0) {
                return empty_info();
            }
            let sub = info(&rep.sub, pref);
            let exact = match (&sub.exact, rep.max) {
                (Some(set), Some(max)) if max == rep.min && max <= 8 => power(set, max),
                _ => None,
            };
            // Every match starts with a match of the sub-pattern, which holds a factor.
            let factors = if rep.min == 0 {
                None
            } else {
                let repeated = sub
                    .exact
                    .as_ref()
                    .and_then(|set| power(set, rep.min.min(8)))
                    .filter(|s| usable(s))
                    .map(|set| Lits {
                        set,
                        lead: Some(0),
                        lead_class: ByteSet::default(),
                    });
                better(sub.best(pref), repeated, pref)
            };
            Info {
                exact,
                factors,
                max_len,
                bytes: sub.bytes,
            }
        }
        HirKind::Alternation(subs) => {
            let infos: Vec<Info> = subs.iter().map(|s| info(s, pref)).collect();
            let mut exact = Some(Vec::new());
            let mut factors = Some(Lits {
                set: Vec::new(),
                lead: Some(0),
                lead_class: ByteSet::default(),
            });
            let mut bytes = ByteSet::default();
            for sub in &infos {
                bytes = bytes.union(sub.bytes);
                exact = match (exact, &sub.exact) {
                    (Some(mut acc), Some(set)) if acc.len() + set.len() <= MAX_LITERALS => {
                        acc.extend_from_slice(set);
                        Some(acc)
                    }
                    _ => None,
                };
                factors = match (factors, sub.best(pref)) {
                    (Some(mut acc), Some(l)) if acc.set.len() + l.set.len() <= MAX_LITERALS => {
                        acc.set.extend(l.set);
                        acc.lead_class = acc.lead_class.union(l.lead_class);
                        acc.lead = match (acc.lead, l.lead) {
                            (Some(a), Some(b)) => Some(a.max(b)),
                            _ => None,
                        };
                        Some(acc)
                    }
                    _ => None,
                };
            }
            let exact = exact.map(|mut s| {
                s.sort();
                s.dedup();
                s
            });
            Info {
                exact,
                factors,
                max_len,
                bytes,
            }
        }
        HirKind::Concat(subs) => {
            let children: Vec<Info> = subs.iter().map(|s| info(s, pref)).collect();
            let mut i = concat_info(&children, pref);
            i.max_len = max_len;
            i
        }
    }
}

/// A concatenation: its exact set is the cross product of its children's; its factors are
/// the best of each child's, and of the cross products of runs of adjacent exact children
/// (`key` from `k`, `e`, `y`; `xoxb-` and `xoxp-` from `xox[bp]-`). A candidate's lead
/// adds the longest matches of the children before it.
fn concat_info(children: &[Info], pref: Pref) -> Info {
    let mut best: Option<Lits> = None;
    let mut keep = |cand: Lits| {
        if usable(&cand.set) {
            best = better(best.take(), Some(cand), pref);
        }
    };
    // `offset`: longest match of the children before the current one; `prefix`: the bytes
    // they can match.
    let mut offset = Some(0usize);
    let mut prefix = ByteSet::default();
    // The run of exact children so far, and the offset and prefix where it starts.
    let mut run: Option<(Vec<Factor>, Option<usize>, ByteSet)> = None;
    let mut whole: Option<Vec<Factor>> = Some(vec![Factor::exact(b"")]);
    for child in children {
        if let Some(f) = child.best(pref) {
            keep(Lits {
                set: f.set,
                lead: add(offset, f.lead),
                lead_class: prefix.union(f.lead_class),
            });
        }
        whole = match (&whole, &child.exact) {
            (Some(acc), Some(set)) => cross(acc, set),
            _ => None,
        };
        match &child.exact {
            Some(set) => {
                run = match run.take() {
                    Some((acc, at, class)) => match cross(&acc, set) {
                        Some(grown) => Some((grown, at, class)),
                        // Too many literals: end the run here and start a new one.
                        None => {
                            keep(Lits {
                                set: acc,
                                lead: at,
                                lead_class: class,
                            });
                            Some((set.clone(), offset, prefix))
                        }
                    },
                    None => Some((set.clone(), offset, prefix)),
                };
            }
            None => {
                if let Some((acc, at, class)) = run.take() {
                    keep(Lits {
                        set: acc,
                        lead: at,
                        lead_class: class,
                    });
                }
            }
        }
        offset = add(offset, child.max_len);
        prefix = prefix.union(child.bytes);
    }
    if let Some((acc, at, class)) = run {
        keep(Lits {
            set: acc,
            lead: at,
            lead_class: class,
        });
    }
    if let Some(w) = &whole {
        keep(Lits {
            set: w.clone(),
            lead: Some(0),
            lead_class: ByteSet::default(),
        });
    }
    Info {
        exact: whole,
        factors: best,
        max_len: None,
        bytes: prefix,
    }
}

fn power(set: &[Factor], n: u32) -> Option<Vec<Factor>> {
    let mut acc = vec![Factor::exact(b"")];
    for _ in 0..n {
        acc = cross(&acc, set)?;
    }
    Some(acc)
}

/// A small class as literals: each ASCII letter present in both cases becomes one folded
/// literal, every other character one exact literal.
fn class_literals(class: &Class) -> Option<Vec<Factor>> {
    let mut chars: Vec<Vec<u8>> = Vec::new();
    match class {
        Class::Unicode(c) => {
            for r in c.ranges() {
                let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                if (hi - lo) as usize >= MAX_CLASS_CHARS * 2 || chars.len() > MAX_CLASS_CHARS * 2 {
                    return None;
                }
                for cp in lo..=hi {
                    let ch = char::from_u32(cp)?;
                    chars.push(ch.to_string().into_bytes());
                }
            }
        }
        Class::Bytes(c) => {
            for r in c.ranges() {
                if (r.end() - r.start()) as usize >= MAX_CLASS_CHARS * 2 {
                    return None;
                }
                chars.extend((r.start()..=r.end()).map(|b| vec![b]));
            }
        }
    }
    let mut out = Vec::new();
    for ch in &chars {
        if let [b] = ch[..] {
            if b.is_ascii_alphabetic() {
                let other = b ^ 0x20;
                let pair = chars.iter().any(|c| c[..] == [other]);
                if pair {
                    if b.is_ascii_lowercase() {
                        out.push(Factor {
                            bytes: vec![b],
                            folded: vec![true],
                        });
                    }
                    continue;
                }
            }
        }
        out.push(Factor::exact(ch));
    }
    (out.len() <= MAX_CLASS_CHARS).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regex::parse::{parse, SyntaxOptions};

    fn factors(pattern: &str) -> Option<Vec<String>> {
        let opts = SyntaxOptions {
            case_insensitive: false,
            ascii_classes: true,
        };
        let hir = parse(0, pattern.as_bytes(), opts).unwrap();
        required_factors(&hir).map(|req| {
            req.set
                .iter()
                .map(|f| {
                    f.bytes
                        .iter()
                        .zip(&f.folded)
                        .map(|(b, folded)| {
                            let c = char::from(*b);
                            if *folded {
                                c.to_ascii_uppercase()
                            } else {
                                c
                            }
                        })
                        .collect()
                })
                .collect()
        })
    }

    fn set(lits: &[&str]) -> Option<Vec<String>> {
        let mut v: Vec<String> = lits.iter().map(|s| s.to_string()).collect();
        v.sort();
        Some(v)
    }

    #[test]
    fn prefixes_inner_literals_and_suffixes() {
        // Folded letters print in upper case.
        assert_eq!(factors(r"ghp_[0-9A-Za-z]{36}"), set(&["ghp_"]));
        assert_eq!(factors(r"[a-z]{8}-key\b"), set(&["-key"]));
        assert_eq!(
            factors(r"(?i)[\w.-]{0,50}?(?:adafruit)(?:[ \t\w.-]{0,20})([a-z0-9_-]{32})"),
            set(&["ADAFRUIT"])
        );
        assert_eq!(factors(r"xox[bp]-[0-9]{10}"), set(&["xoxb-", "xoxp-"]));
        assert_eq!(
            factors(r"(?:sk|rk)_live_[0-9a-z]{24}"),
            set(&["rk_live_", "sk_live_"])
        );
        assert_eq!(
            factors(r"(?:AKIA|ASIA)[A-Z0-9]{16}"),
            set(&["AKIA", "ASIA"])
        );
    }

    #[test]
    fn unicode_case_folding_gives_extra_literals() {
        // (?i)k also matches U+212A KELVIN SIGN.
        let f = factors("(?i)kb1").unwrap();
        assert_eq!(f.len(), 2);
        assert!(f.contains(&"KB1".to_string()));
    }

    #[test]
    fn optional_or_empty_parts_yield_nothing() {
        assert_eq!(factors(r"[0-9]{3}-[0-9]{2}-[0-9]{4}"), set(&["-"]));
        assert_eq!(factors(r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b"), None);
        assert_eq!(factors(r"(?:abc)?x*"), None);
        assert_eq!(factors(r"abc|[0-9]+"), None);
        assert_eq!(factors(r""), None);
        assert_eq!(factors(r"\b"), None);
    }

    #[test]
    fn leads_bound_where_the_factor_starts() {
        let opts = SyntaxOptions {
            case_insensitive: false,
            ascii_classes: true,
        };
        let lead = |p: &str| {
            required_factors(&parse(0, p.as_bytes(), opts).unwrap())
                .unwrap()
                .lead
        };
        assert_eq!(lead(r"ghp_[0-9]{36}"), Some(0));
        assert_eq!(lead(r"[a-z]{0,50}?(?:key|token)=\S+"), Some(50));
        assert_eq!(lead(r"\b(?:ab|c)[0-9]{2}xyz\s*"), Some(4));
        assert_eq!(lead(r"[a-z]+secret"), None);
        assert_eq!(lead(r"(?:[a-z]{2}xyz|bxyzw)"), Some(2));
    }

    #[test]
    fn case_checks() {
        let f = Factor {
            bytes: b"ab1".to_vec(),
            folded: vec![true, false, false],
        };
        assert!(f.has_exact_letters());
        assert!(f.case_matches(b"Ab1"));
        assert!(!f.case_matches(b"aB1"));
    }
}
