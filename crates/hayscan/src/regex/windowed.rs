//! Patterns confirmed around their factors: one literal pass for the whole set, then each
//! pattern runs only in windows around hits on its own factors.
//!
//! Why: a secret-scanning ruleset is hundreds of regexes, most of which never match a given
//! text; each one scanning the whole text costs a pass per pattern, and one automaton for
//! all of them explodes (see `mod.rs`). Here the text is scanned once, by an Aho-Corasick
//! automaton over every pattern's required factors (ASCII case-insensitive, so `(?i)`
//! factors need no variants), and a pattern's regex runs only where one of its factors
//! occurs, as in gitleaks (keywords) and RE2's FilteredRE2.
//!
//! Exactness. Every match of pattern `p` contains a hit on one of its factors. For a hit
//! at `fs`, the match containing it starts no earlier than `fs - before` (`Window`)
//! and, starting at or before `fs`, ends no later than `fs + max_len`: a leftmost-first
//! search of that window finds exactly the pattern's leftmost match starting in it, with
//! the end a search of the whole haystack would give (every match starting there fits in
//! the window, and look-around sees the bytes outside it). Taking hits in order of `fs`,
//! the first window that yields a match starting at or before its hit gives the pattern's
//! leftmost match (the windows' starts grow with `fs`, so no later hit can give an earlier
//! match). Patterns without a bound on their length but unable to match `\n` use the hit's
//! line as the window instead: all of a match lies on one line.
//!
//! Patterns whose factor starts at most a few bytes into every match (`ghp_…`,
//! `["']?secret_key…`, `-----BEGIN…`) are confirmed by anchored searches instead, at each
//! start the lead allows: the leftmost of them that matches is the pattern's leftmost match
//! by the same argument, whatever the match's length (even unbounded, across lines), and an
//! anchored search stops where the pattern stops, a few bytes after the hit on most text.

use aho_corasick::{self as ac, AhoCorasick};
use regex_automata::{meta, Input};

use super::factors::{ByteSet, Factor};
use super::grams::GramFilter;
use crate::Match;

/// Factor sets of at most this many bytes get a DFA.
const DFA_MAX_FACTOR_BYTES: usize = 60_000;

/// Where a pattern's matches can lie relative to a hit on one of its factors.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Window {
    /// Matches are at most `max_len` bytes long; `before`: how far before a hit a match
    /// containing it can start (the factor's lead, see `factors::Required`, or `max_len`
    /// minus the shortest factor's length, whichever is smaller).
    Bounded { before: usize, max_len: usize },
    /// Matches never contain `\n`: the hit's line bounds them.
    Line,
    /// Matches start at most `lead` bytes before a hit (a small lead, see
    /// `regex::MAX_ANCHORED_LEAD`): anchored searches at those starts, unbounded forward.
    Anchored { lead: usize },
}

/// One pattern of the windowed group.
#[derive(Debug)]
pub(crate) struct Confirmed {
    pub pattern: u32,
    pub window: Window,
    pub regex: meta::Regex,
    /// Same as `regex` with ASCII word boundaries, for windows of pure ASCII text (see
    /// `parse::ascii_twin`); `None` when the pattern has no Unicode word boundary.
    pub ascii_twin: Option<meta::Regex>,
    /// The bytes a match can hold before its factor (`factors::Required::lead_class`): a
    /// match containing a hit starts inside the run of such bytes that ends at the hit, so
    /// `[\w.-]{0,50}?(?:key)…` is tried from the start of the word before `key`, not 50
    /// bytes back.
    pub lead_class: ByteSet,
    /// For anchored windows with a long lead: `[lead_class]*?(?:pattern)`, searched
    /// anchored at the start of the run before a hit. It finds whether any start in the
    /// run has a match in one pass, so the starts are tried one by one only where one
    /// does (see `Confirmed::confirm`).
    pub run_filter: Option<meta::Regex>,
}

/// The shared literal pass: every distinct factor of every windowed pattern.
#[derive(Debug)]
pub(crate) struct FactorIndex {
    pass: Pass,
    /// Per automaton pattern: whether a hit needs its letters' case checked, the factor.
    factors: Box<[Factor]>,
    check_case: Box<[bool]>,
    /// Per automaton pattern: the indexes into the windowed group of the patterns owning it.
    owners: Box<[Box<[u32]>]>,
}

/// What finds the factors in a haystack.
#[derive(Debug)]
enum Pass {
    /// Sets that Aho-Corasick's prefilters serve (few factors, exact letters), or that
    /// would fill the gram filter's lanes.
    Automaton(AhoCorasick),
    /// Many factors, where the automaton walks every byte (see `grams`).
    Grams(GramFilter),
}

/// Fewest factors for which the gram filter is tried: below it, Aho-Corasick's own
/// prefilters (Teddy up to 64 literals) are faster.
const MIN_GRAM_FACTORS: usize = 64;

impl FactorIndex {
    /// `per_pattern[i]`: the factors of windowed pattern `i`.
    pub fn new(per_pattern: &[Vec<Factor>]) -> Result<FactorIndex, String> {
        let mut ids: std::collections::HashMap<&Factor, usize> = Default::default();
        let mut factors: Vec<Factor> = Vec::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        for (i, set) in per_pattern.iter().enumerate() {
            for f in set {
                let id = *ids.entry(f).or_insert_with(|| {
                    factors.push(f.clone());
                    owners.push(Vec::new());
                    factors.len() - 1
                });
                if owners[id].last() != Some(&(i as u32)) {
                    owners[id].push(i as u32);
                }
            }
        }
        let grams = (factors.len() >= MIN_GRAM_FACTORS)
            .then(|| GramFilter::new(&factors))
            .flatten();
        let pass = match grams {
            Some(g) => Pass::Grams(g),
            None => {
                // A DFA while it stays small (as for literal sets, see `matcher.rs`):
                // case-insensitive factors defeat the automaton's prefilters, so the
                // automaton's own speed counts.
                let total: usize = factors.iter().map(|f| f.bytes.len()).sum();
                let kind = (total <= DFA_MAX_FACTOR_BYTES).then_some(ac::AhoCorasickKind::DFA);
                Pass::Automaton(
                    AhoCorasick::builder()
                        .match_kind(ac::MatchKind::Standard)
                        .kind(kind)
                        .ascii_case_insensitive(true)
                        .build(factors.iter().map(|f| &f.bytes))
                        .map_err(|e| e.to_string())?,
                )
            }
        };
        Ok(FactorIndex {
            pass,
            check_case: factors.iter().map(Factor::has_exact_letters).collect(),
            factors: factors.into_boxed_slice(),
            owners: owners.into_iter().map(Vec::into_boxed_slice).collect(),
        })
    }

    /// Calls `on_hit(group_index, factor_start)` for every hit of every factor in `hay`
    /// (in no promised order) until it returns false.
    pub fn for_each_hit(&self, hay: &[u8], mut on_hit: impl FnMut(u32, usize) -> bool) {
        let mut hit = |id: usize, start: usize| {
            let f = &self.factors[id];
            if self.check_case[id] && !f.case_matches(&hay[start..start + f.bytes.len()]) {
                return true;
            }
            self.owners[id].iter().all(|&owner| on_hit(owner, start))
        };
        match &self.pass {
            Pass::Automaton(ac) => {
                for m in ac.find_overlapping_iter(hay) {
                    if !hit(m.pattern().as_usize(), m.start()) {
                        return;
                    }
                }
            }
            Pass::Grams(g) => g.for_each_hit(hay, &self.factors, hit),
        }
    }

    /// Which pass this index uses (for tests and the bench's description).
    #[cfg(test)]
    pub fn uses_grams(&self) -> bool {
        matches!(self.pass, Pass::Grams(_))
    }

    pub fn memory_usage(&self) -> usize {
        match &self.pass {
            Pass::Automaton(ac) => ac.memory_usage(),
            Pass::Grams(g) => g.memory_usage(),
        }
    }
}

impl Confirmed {
    /// The pattern's leftmost match starting at or after `start` that contains the factor
    /// hit at `fs` (or, for line windows, any match on the hit's line at or after
    /// `start`). `Err(lo)` when there is none: no match of the pattern starts in
    /// `[start, lo)` (the hit itself needs no second try).
    pub fn confirm(&self, hay: &[u8], start: usize, fs: usize) -> Result<Match, usize> {
        let (from, to) = match self.window {
            Window::Anchored { lead } => {
                let from = start.max(fs.saturating_sub(lead));
                let first = self.run_start(hay, from, fs);
                let none = if first == from { fs + 1 } else { start };
                if let Some(filter) = &self.run_filter {
                    let input = Input::new(hay)
                        .span(first..hay.len())
                        .anchored(regex_automata::Anchored::Yes);
                    if !filter.is_match(input) {
                        return Err(none);
                    }
                }
                // Every start in [first, fs] is tried; when that is all of [from, fs], no
                // match starts before fs + 1 (earlier starts had their hits before).
                return (first..=fs)
                    .find_map(|s| self.anchored_at(hay, s))
                    .ok_or(none);
            }
            Window::Bounded { before, max_len } => (
                start.max(fs.saturating_sub(before)),
                hay.len().min(fs.saturating_add(max_len)),
            ),
            Window::Line => {
                let line_start = memrchr_newline(&hay[..fs]).map_or(0, |i| i + 1);
                let line_end = hay[fs..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(hay.len(), |i| fs + i);
                (start.max(line_start), line_end)
            }
        };
        if from > to {
            return Err(start);
        }
        match self.window {
            Window::Bounded { .. } => {
                let first = self.run_start(hay, from, fs);
                match self.search(hay, first, to) {
                    Some(m) if m.start <= fs => Ok(m),
                    _ => Err(if first == from { fs + 1 } else { start }),
                }
            }
            // Nothing on this line: skip its other hits.
            _ => self.search(hay, from, to).ok_or(to + 1),
        }
    }

    /// Where the run of `lead_class` bytes ending at `fs` starts, not before `from`.
    fn run_start(&self, hay: &[u8], from: usize, fs: usize) -> usize {
        let mut p = fs;
        while p > from && self.lead_class.contains(hay[p - 1]) {
            p -= 1;
        }
        p
    }

    /// The pattern's match starting at `at`, if any (its end as a search of all of `hay`
    /// would give it: the search runs to the end of `hay` if the pattern does).
    fn anchored_at(&self, hay: &[u8], at: usize) -> Option<Match> {
        let input = Input::new(hay)
            .span(at..hay.len())
            .anchored(regex_automata::Anchored::Yes);
        self.regex.search(&input).map(|m| Match {
            pattern: self.pattern,
            start: m.start(),
            end: m.end(),
        })
    }

    /// Leftmost-first search of `hay[from..to]`, look-around seeing all of `hay`.
    pub fn search(&self, hay: &[u8], from: usize, to: usize) -> Option<Match> {
        let re = match &self.ascii_twin {
            Some(twin) if ascii_around(hay, from, to) => twin,
            _ => &self.regex,
        };
        re.search(&Input::new(hay).span(from..to)).map(|m| Match {
            pattern: self.pattern,
            start: m.start(),
            end: m.end(),
        })
    }
}

/// True if `hay[from..to]` and the characters on either side of it are ASCII, so that
/// Unicode and ASCII word boundaries agree everywhere in it.
pub(crate) fn ascii_around(hay: &[u8], from: usize, to: usize) -> bool {
    let lo = from.saturating_sub(1);
    let hi = hay.len().min(to + 1);
    hay[lo..hi].is_ascii()
}

fn memrchr_newline(hay: &[u8]) -> Option<usize> {
    hay.iter().rposition(|&b| b == b'\n')
}
