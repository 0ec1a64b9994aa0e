//! The regex engine: a set of regexes searched as one leftmost-first set.
//!
//! One automaton for the whole set is the obvious design, and it fails on the sets
//! hayscan is for: secret-scanning rulesets written by others (gitleaks' 221 rules, public
//! databases of thousands), with counted repetitions, Unicode classes and no literal
//! prefix. A joint lazy DFA tracks every counted repetition of every pattern at once; its
//! states explode, its cache thrashes, the meta engine falls back to the PikeVM (0.06 MB/s
//! on gitleaks' rules), and beyond a few hundred patterns the joint NFA exceeds its size
//! limit. So the set is split by what each pattern offers:
//!
//! - [`windowed`]: patterns with required literal factors ([`factors`]) and a bound on
//!   where a match can lie around a factor. One Aho-Corasick pass finds every factor of
//!   every such pattern; each pattern is confirmed only in windows around its own hits
//!   (or, when its factor starts within a few bytes of every match, by anchored searches
//!   there).
//!   Most rules of a real ruleset land here and cost nothing where their keywords are
//!   absent.
//! - [`residual`]: the rest (no factor, only a weak one, or no bound around it), as a few
//!   joint lazy DFAs without a prefilter, so one bad rule cannot slow the whole set.
//!
//! Each strategy answers "the leftmost match of my patterns at or after `start`"; the
//! set's match is the one that starts first, the lowest pattern id on a tie: exactly what
//! one leftmost-first automaton over the whole set reports (a property test checks it
//! against plain per-pattern searches). A [`SetCursor`] keeps each source's next match in
//! a heap, so a scan asks a source again only after the set has moved past its match.
//!
//! [`parse`] turns each pattern into a `Hir` once (with `ascii_classes`); engine limits are
//! checked per pattern, so an error names the pattern that exceeds them.

mod factors;
mod grams;
pub(crate) mod parse;
mod residual;
mod runs;
mod windowed;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::OnceLock;

use regex_automata::{meta, util::syntax, Input};
use regex_syntax::hir::Hir;

use crate::{Captures, Error, Match, Options, Result};
use factors::{anchorable_factors, min_len, required_factors};
use parse::SyntaxOptions;
use residual::{NonAscii, Residual};
use runs::{required_run, RunIndex};
use windowed::{Confirmed, FactorIndex, Window};

/// Shortest factor worth a literal pass: one-byte factors occur everywhere. Two-byte ones
/// (`SK`, `ey`, `s.`) pay: with 3 as the minimum, the patterns they serve joined the
/// residual group and gitleaks' rules ran 3x slower.
const MIN_FACTOR_LEN: usize = 2;
/// Longest bounded match confirmed in a window (longer ones use line windows or the
/// residual group).
const MAX_WINDOW: usize = 1 << 16;
/// Largest lead confirmed by anchored searches (`Window::Anchored`): one search per start
/// the lead allows, so a few.
pub(crate) const MAX_ANCHORED_LEAD: usize = 4;

/// Largest lead confirmed by anchored searches when the bytes before the factor cannot be
/// spaces or newlines (`[\w.-]{0,50}?(?:key)…`): the starts tried are those of the word
/// before the hit, so a few on most text however large the lead.
pub(crate) const MAX_RUN_LEAD: usize = 256;

/// How a pattern with factors `r` is confirmed around their hits, if it can be.
fn window(r: &factors::Required, hir: &Hir, line_bounded: bool) -> Option<Window> {
    let weakest = min_len(&r.set);
    let narrow = !r.lead_class.contains(b' ') && !r.lead_class.contains(b'\n');
    let anchored = match r.lead {
        Some(l) => l <= MAX_ANCHORED_LEAD || (l <= MAX_RUN_LEAD && narrow),
        None => false,
    };
    match hir.properties().maximum_len() {
        _ if anchored => Some(Window::Anchored {
            lead: r.lead.unwrap_or(0),
        }),
        Some(n) if n <= MAX_WINDOW => Some(Window::Bounded {
            before: r.lead.unwrap_or(n).min(n.saturating_sub(weakest)),
            max_len: n,
        }),
        _ if line_bounded => Some(Window::Line),
        _ => None,
    }
}

/// For a pattern without factors: a class run it always contains, the stride of the
/// run's hits and the window around them (see `runs`).
fn run_window(hir: &Hir, line_bounded: bool) -> Option<(runs::Run, usize, Window)> {
    let run = required_run(hir)?;
    match hir.properties().maximum_len() {
        Some(n) if n <= MAX_WINDOW => {
            let stride = n.max(1);
            Some((
                run,
                stride,
                Window::Bounded {
                    before: n.saturating_sub(run.len) + stride,
                    max_len: n,
                },
            ))
        }
        _ if line_bounded => Some((run, 1 << 20, Window::Line)),
        _ => None,
    }
}

/// A compiled regex set.
#[derive(Debug)]
pub(crate) struct RegexSet {
    /// Patterns confirmed around factor hits, and the literal pass over their factors.
    windowed: Box<[Confirmed]>,
    index: Option<FactorIndex>,
    /// The class-run pass over the windowed patterns that have runs, not factors.
    runs: Option<RunIndex>,
    residual: Box<[Residual]>,
    /// Per pattern: where its single-pattern regex is (for capture groups).
    solo: Box<[Solo]>,
    /// Some pattern can match the empty string.
    can_match_empty: bool,
}

#[derive(Debug)]
enum Solo {
    /// Index into `windowed`.
    Windowed(usize),
    /// Built on first use from the parsed pattern (residual patterns share automata).
    Lazy(Box<Hir>, OnceLock<Option<meta::Regex>>),
}

/// The meta engine's configuration for every automaton here: hayscan applies its own
/// empty-match rule (see `Matcher::next_leftmost`), so the engine's UTF-8 empty-match
/// handling is off (regex-automata's drops non-empty matches before an invalid byte:
/// `a*` on `"aaaa\x89"` gave only `[5,5)`).
pub(crate) fn meta_config() -> meta::Config {
    meta::Config::new().utf8_empty(false)
}

fn build_message(e: &meta::BuildError) -> String {
    match e.syntax_error() {
        Some(se) => se.to_string(),
        None => format!("exceeds an engine limit: {e}"),
    }
}

impl RegexSet {
    pub fn new<P: AsRef<[u8]>>(patterns: &[P], options: &Options) -> Result<RegexSet> {
        let syntax = SyntaxOptions {
            case_insensitive: options.case_insensitive,
            ascii_classes: options.ascii_classes,
        };
        let hirs = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| parse::parse(i, p.as_ref(), syntax))
            .collect::<Result<Vec<Hir>>>()?;
        for (i, hir) in hirs.iter().enumerate() {
            check_repetitions(i, hir, options.max_repetition)?;
            check_states(i, hir, options.max_regex_states)?;
        }
        let mut windowed = Vec::new();
        let mut factor_sets = Vec::new();
        let mut residual = Vec::new();
        let mut run_hits = Vec::new();
        let mut solo = Vec::with_capacity(hirs.len());
        for (i, hir) in hirs.iter().enumerate() {
            let line_bounded = !parse::can_match_newline(hir);
            let window_for = |r: &factors::Required| window(r, hir, line_bounded);
            let plan = required_factors(hir)
                .filter(|r| min_len(&r.set) >= MIN_FACTOR_LEN)
                .and_then(|r| Some((window_for(&r)?, r)))
                .or_else(|| {
                    // The rarest factors give no window (`\b(ey…{17,}\.ey…)`: `.ey` has no
                    // bound before it): one at the start may (`ey`, confirmed anchored).
                    // Not when a match can run on over any text (`-----BEGIN…[\s\S]*?`): an
                    // anchored search at each of a common factor's hits could then read to
                    // the end of the text, where the residual group reads it once. Runs of
                    // white space (`data:…\s+…`, gitleaks' kubernetes rule) are read by the
                    // few hits just before them, as runs of `\S+` are.
                    if parse::has_unbounded_wide_repetition(hir) {
                        return None;
                    }
                    anchorable_factors(hir, MAX_RUN_LEAD)
                        .filter(|r| min_len(&r.set) >= MIN_FACTOR_LEN)
                        .and_then(|r| Some((window_for(&r)?, r)))
                });
            let (window, factors) = match plan {
                Some((w, r)) => (Some(w), Some(r)),
                None => (None, None),
            };
            let invalid = |message| Error::InvalidPattern { index: i, message };
            match (factors, window) {
                (Some(f), Some(window)) => {
                    let regex = build_solo(hir).map_err(invalid)?;
                    let ascii_twin = parse::ascii_twin(hir).and_then(|t| build_solo(&t).ok());
                    let run_filter = match window {
                        Window::Anchored { lead } if lead > MAX_ANCHORED_LEAD => {
                            Some(build_solo(&run_filter_hir(&f.lead_class, hir)).map_err(invalid)?)
                        }
                        _ => None,
                    };
                    solo.push(Solo::Windowed(windowed.len()));
                    windowed.push(Confirmed {
                        pattern: i as u32,
                        window,
                        regex,
                        ascii_twin,
                        lead_class: f.lead_class,
                        run_filter,
                    });
                    factor_sets.push(f.set);
                }
                _ => match run_window(hir, line_bounded) {
                    Some((run, stride, window)) => {
                        let regex = build_solo(hir).map_err(invalid)?;
                        let ascii_twin = parse::ascii_twin(hir).and_then(|t| build_solo(&t).ok());
                        solo.push(Solo::Windowed(windowed.len()));
                        run_hits.push((windowed.len() as u32, run, stride));
                        windowed.push(Confirmed {
                            pattern: i as u32,
                            window,
                            regex,
                            ascii_twin,
                            lead_class: factors::ByteSet::full(),
                            run_filter: None,
                        });
                        // No factors: an empty set keeps factor sets aligned with `windowed`.
                        factor_sets.push(Vec::new());
                    }
                    None => {
                        solo.push(Solo::Lazy(Box::new(hir.clone()), OnceLock::new()));
                        residual.push(residual::Member {
                            id: i as u32,
                            hir,
                            line_bounded,
                        });
                    }
                },
            }
        }
        let runs = (!run_hits.is_empty()).then(|| RunIndex::new(run_hits));
        let index = if factor_sets.iter().all(Vec::is_empty) {
            None
        } else {
            Some(FactorIndex::new(&factor_sets).map_err(Error::Build)?)
        };
        let residual = residual::build(&residual)?;
        Ok(RegexSet {
            windowed: windowed.into_boxed_slice(),
            index,
            runs,
            residual: residual.into_boxed_slice(),
            solo: solo.into_boxed_slice(),
            can_match_empty: hirs.iter().any(|h| h.properties().minimum_len() == Some(0)),
        })
    }

    /// The set's leftmost match starting at or after `start` (lowest pattern id on a
    /// tie). Calls on one haystack with one cursor must not decrease `start`.
    pub fn find_at(&self, hay: &[u8], start: usize, cur: &mut SetCursor) -> Option<Match> {
        if self.windowed.is_empty() {
            if let [only] = &self.residual[..] {
                return only.find_at(hay, start, &mut cur.non_ascii);
            }
        }
        if !cur.started {
            self.start_cursor(hay, start, cur);
        }
        while let Some(&Reverse((s, _, src))) = cur.heap.peek() {
            if s >= start {
                break;
            }
            cur.heap.pop();
            if let Some(m) = self.next_of(hay, start, cur, src as usize) {
                cur.heap.push(Reverse((m.start, m.pattern, src)));
            }
        }
        cur.heap
            .peek()
            .and_then(|&Reverse((_, _, src))| cur.sources[src as usize].next)
    }

    fn start_cursor(&self, hay: &[u8], start: usize, cur: &mut SetCursor) {
        cur.started = true;
        cur.found.clear();
        cur.sources.clear();
        cur.heap.clear();
        if self.index.is_some() || self.runs.is_some() {
            let mut push = |owner, fs| {
                cur.found.push((owner, fs));
                true
            };
            if let Some(index) = &self.index {
                index.for_each_hit(hay, &mut push);
            }
            if let Some(runs) = &self.runs {
                runs.for_each_hit(hay, &mut push);
            }
            group_by_owner(
                &cur.found,
                self.windowed.len(),
                &mut cur.starts,
                &mut cur.hits,
            );
            let mut i = 0;
            while i < cur.hits.len() {
                let owner = cur.hits[i].0;
                let end = i + cur.hits[i..].partition_point(|h| h.0 == owner);
                cur.sources.push(Source {
                    kind: SourceKind::Windowed {
                        idx: owner,
                        hit: i,
                        end,
                    },
                    next: None,
                });
                i = end;
            }
        }
        for r in 0..self.residual.len() {
            cur.sources.push(Source {
                kind: SourceKind::Residual(r as u32, NonAscii::default()),
                next: None,
            });
        }
        for src in 0..cur.sources.len() {
            if let Some(m) = self.next_of(hay, start, cur, src) {
                cur.heap.push(Reverse((m.start, m.pattern, src as u32)));
            }
        }
    }

    /// Source `src`'s leftmost match at or after `start`, remembered in the source.
    fn next_of(&self, hay: &[u8], start: usize, cur: &mut SetCursor, src: usize) -> Option<Match> {
        let source = &mut cur.sources[src];
        let found = match &mut source.kind {
            SourceKind::Residual(r, seen) => self.residual[*r as usize].find_at(hay, start, seen),
            SourceKind::Windowed { idx, hit, end } => {
                let pattern = &self.windowed[*idx as usize];
                let hits = &cur.hits[..*end];
                while *hit < hits.len() && hits[*hit].1 < start {
                    *hit += 1;
                }
                let mut found = None;
                // No match starts in [start, lo): the hits before `lo` were ruled out.
                let mut lo = start;
                while *hit < hits.len() {
                    let fs = hits[*hit].1;
                    if fs < lo {
                        *hit += 1;
                        continue;
                    }
                    match pattern.confirm(hay, lo, fs) {
                        Ok(m) => {
                            found = Some(m);
                            break;
                        }
                        Err(no_match_before) => {
                            lo = lo.max(no_match_before);
                            *hit += 1;
                        }
                    }
                }
                found
            }
        };
        source.next = found;
        found
    }

    pub fn can_match_empty(&self) -> bool {
        self.can_match_empty
    }

    pub fn is_match(&self, hay: &[u8]) -> bool {
        let found = std::cell::Cell::new(false);
        let check = |owner: u32, fs| {
            found.set(self.windowed[owner as usize].confirm(hay, 0, fs).is_ok());
            !found.get()
        };
        if let Some(index) = &self.index {
            index.for_each_hit(hay, check);
        }
        if let (false, Some(runs)) = (found.get(), &self.runs) {
            runs.for_each_hit(hay, check);
        }
        if found.get() {
            return true;
        }
        self.residual.iter().any(|r| r.is_match(hay))
    }

    pub fn memory_usage(&self) -> usize {
        self.windowed
            .iter()
            .map(|w| w.regex.memory_usage() + w.ascii_twin.as_ref().map_or(0, |t| t.memory_usage()))
            .sum::<usize>()
            + self.index.as_ref().map_or(0, FactorIndex::memory_usage)
            + self
                .residual
                .iter()
                .map(Residual::memory_usage)
                .sum::<usize>()
    }

    /// The single-pattern regex of `pattern` (built on first use for residual patterns).
    fn solo_regex(&self, pattern: u32) -> Option<&meta::Regex> {
        match self.solo.get(pattern as usize)? {
            Solo::Windowed(i) => Some(&self.windowed[*i].regex),
            Solo::Lazy(hir, cell) => cell.get_or_init(|| build_solo(hir).ok()).as_ref(),
        }
    }

    /// Capture groups of `m`, a match this set reported in `hay`.
    pub fn captures(&self, hay: &[u8], m: &Match) -> Option<Captures> {
        let re = self.solo_regex(m.pattern)?;
        let mut caps = re.create_captures();
        let input = Input::new(hay)
            .span(m.start..hay.len())
            .anchored(regex_automata::Anchored::Yes);
        re.search_captures(&input, &mut caps);
        let whole = caps.get_match()?;
        if whole.start() != m.start || whole.end() != m.end {
            return None;
        }
        let spans = (0..caps.group_len())
            .map(|g| caps.get_group(g).map(|s| (s.start, s.end)))
            .collect();
        Some(Captures {
            pattern: m.pattern,
            spans,
        })
    }

    /// Names of `pattern`'s groups, group 0 (the whole match) first and unnamed.
    pub fn group_names(&self, pattern: u32) -> Option<Vec<Option<&str>>> {
        let re = self.solo_regex(pattern)?;
        let info = re.group_info();
        Some(
            info.pattern_names(regex_automata::PatternID::ZERO)
                .collect(),
        )
    }

    #[cfg(test)]
    pub(crate) fn uses_grams(&self) -> bool {
        self.index.as_ref().is_some_and(FactorIndex::uses_grams)
    }

    #[cfg(test)]
    pub(crate) fn strategy_counts(&self) -> (usize, usize) {
        (self.windowed.len(), self.residual.len())
    }
}

/// `found` sorted by owner then position into `hits`, duplicates dropped: a counting sort
/// by owner, then a stable sort of each owner's hits, which the passes report nearly in
/// order (a sort of all hits was 4% of a gitleaks count).
fn group_by_owner(
    found: &[(u32, usize)],
    owners: usize,
    starts: &mut Vec<usize>,
    hits: &mut Vec<(u32, usize)>,
) {
    starts.clear();
    starts.resize(owners + 1, 0);
    for &(owner, _) in found {
        starts[owner as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    hits.clear();
    hits.resize(found.len(), (0, 0));
    // `starts[o]` moves to the end of owner `o`'s hits as they are placed.
    for &h in found {
        let slot = &mut starts[h.0 as usize];
        hits[*slot] = h;
        *slot += 1;
    }
    let mut from = 0;
    for &end in &starts[..owners] {
        hits[from..end].sort();
        from = end;
    }
    hits.dedup();
}

/// Refuses a pattern with a counted repetition over `limit` (see `Options::max_repetition`).
fn check_repetitions(index: usize, hir: &Hir, limit: u32) -> Result<()> {
    use regex_syntax::hir::HirKind;
    let mut stack = vec![hir];
    while let Some(h) = stack.pop() {
        match h.kind() {
            HirKind::Repetition(rep) => {
                let n = rep.max.unwrap_or(rep.min);
                if n > limit {
                    return Err(Error::InvalidPattern {
                        index,
                        message: format!(
                            "counted repetition {{{n}}} exceeds the limit of {limit} (max_repetition)"
                        ),
                    });
                }
                stack.push(&rep.sub);
            }
            HirKind::Capture(cap) => stack.push(&cap.sub),
            HirKind::Concat(subs) | HirKind::Alternation(subs) => stack.extend(subs),
            _ => {}
        }
    }
    Ok(())
}

/// Refuses a pattern whose Thompson NFA has more than `limit` states (see
/// `Options::max_regex_states`); one over the engine's own size limit is reported by the
/// builds that follow.
fn check_states(index: usize, hir: &Hir, limit: usize) -> Result<()> {
    use regex_automata::nfa::thompson;
    let config = thompson::Config::new()
        .shrink(false)
        .nfa_size_limit(Some(limit.saturating_mul(64).max(1 << 20)));
    let Ok(nfa) = thompson::Compiler::new()
        .configure(config)
        .build_from_hir(hir)
    else {
        return Ok(());
    };
    let states = nfa.states().len();
    if states > limit {
        return Err(Error::InvalidPattern {
            index,
            message: format!(
                "needs {states} automaton states, more than the limit of {limit} \
                 (max_regex_states): nested counted repetitions this large make every search slow"
            ),
        });
    }
    Ok(())
}

/// `[class]*?(?:hir)`: matches, anchored at some position, if `hir` matches at a start
/// reached through bytes of `class` (see `windowed::Confirmed::run_filter`).
fn run_filter_hir(class: &factors::ByteSet, hir: &Hir) -> Hir {
    use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Repetition};
    let mut ranges = Vec::new();
    let mut b = 0u16;
    while b < 256 {
        if class.contains(b as u8) {
            let lo = b;
            while b < 256 && class.contains(b as u8) {
                b += 1;
            }
            ranges.push(ClassBytesRange::new(lo as u8, (b - 1) as u8));
        } else {
            b += 1;
        }
    }
    let run = Hir::repetition(Repetition {
        min: 0,
        max: None,
        greedy: false,
        sub: Box::new(Hir::class(Class::Bytes(ClassBytes::new(ranges)))),
    });
    Hir::concat(vec![run, hir.clone()])
}

/// One pattern's own automaton; the error is the engine's message.
fn build_solo(hir: &Hir) -> std::result::Result<meta::Regex, String> {
    meta::Regex::builder()
        .configure(meta_config())
        .syntax(syntax::Config::new())
        .build_from_hir(hir)
        .map_err(|e| build_message(&e))
}

/// Where a search over one haystack stands (kept in the matcher's `Cursor`).
#[derive(Debug, Default)]
pub(crate) struct SetCursor {
    started: bool,
    /// Factor and run hits `(windowed pattern, start)` as the passes report them.
    found: Vec<(u32, usize)>,
    /// Scratch for `group_by_owner`.
    starts: Vec<usize>,
    /// The hits sorted, grouped by pattern.
    hits: Vec<(u32, usize)>,
    sources: Vec<Source>,
    /// `(start, pattern, source)` of each source's next match.
    heap: BinaryHeap<Reverse<(usize, u32, u32)>>,
    /// For a set that is one residual group (no sources).
    non_ascii: NonAscii,
}

#[derive(Debug)]
struct Source {
    kind: SourceKind,
    next: Option<Match>,
}

#[derive(Debug)]
enum SourceKind {
    /// A windowed pattern: `hits[hit..end]` are its hits not yet ruled out.
    Windowed { idx: u32, hit: usize, end: usize },
    /// A residual group, and where the next non-ASCII byte is.
    Residual(u32, NonAscii),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<P: AsRef<[u8]>>(patterns: &[P]) -> RegexSet {
        let opts = Options {
            ascii_classes: true,
            ..Options::regex()
        };
        RegexSet::new(patterns, &opts).unwrap()
    }

    #[test]
    fn rules_with_factors_are_windowed_and_the_rest_residual() {
        let rules = [
            r"\bghp_[0-9A-Za-z]{36}\b",
            r"(?i)[\w.-]{0,50}?(?:adafruit)(?:[ \t\w.-]{0,20})([a-z0-9_-]{32})",
            r"xox[baprs]-[0-9a-zA-Z-]+",
        ];
        assert_eq!(set(&rules).strategy_counts(), (3, 0));
        let iban = r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b";
        let ssn = r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b";
        // Class runs shorter than runs::MIN_RUN_LEN (15 and 11 here): residual.
        assert_eq!(set(&[rules[0], iban, ssn]).strategy_counts(), (1, 1));
        // A long one: windows around runs.
        assert_eq!(set(&[r"\b[0-9a-f]{40}\b"]).strategy_counts(), (1, 0));
        assert_eq!(set(&[r"\b[0-9a-f]{4}\b"]).strategy_counts(), (0, 1));
        // A factor but no bound on the match around it (it may span lines): residual.
        assert_eq!(set(&[r"[a-z]+curl\b(?s:.*)"]).strategy_counts(), (0, 1));
        // A long lead before the rarest factor, and runs of white space across lines
        // (gitleaks' kubernetes rule): anchored at its first factor.
        let k8s = r"(?i)\bkind:[ \t]*\bsecret\b(?s:.){0,200}?\bdata:\s+([a-z0-9+/]{10,})|\bdata:\s+([a-z0-9+/]{10,})(?s:.){0,200}?\bkind:[ \t]*\bsecret\b";
        assert_eq!(set(&[k8s]).strategy_counts(), (1, 0));
        // Unless the factor starts within a few bytes of every match: anchored searches.
        assert_eq!(
            set(&[r"\bcurl\b(?s:.*)", r#"["']?key\s*=\s*\S+"#]).strategy_counts(),
            (2, 0)
        );
    }

    #[test]
    fn many_keyword_rules_share_the_gram_filter_and_few_do_not() {
        // Rules of gitleaks' shape, one keyword each.
        let words = [
            "adafruit",
            "adobe",
            "airtable",
            "algolia",
            "alibaba",
            "asana",
            "atlassian",
            "authress",
            "beamer",
            "bitbucket",
            "bittrex",
            "clojars",
            "codecov",
            "coinbase",
            "confluent",
            "contentful",
            "databricks",
            "datadog",
            "defined",
            "digitalocean",
            "discord",
            "doppler",
            "droneci",
            "dropbox",
            "duffel",
            "dynatrace",
            "easypost",
            "etsy",
            "facebook",
            "fastly",
            "finicity",
            "finnhub",
            "flickr",
            "flutterwave",
            "frameio",
            "freshbooks",
            "gitter",
            "gocardless",
            "grafana",
            "harness",
            "heroku",
            "hubspot",
            "huggingface",
            "intercom",
            "intra42",
            "jfrog",
            "kraken",
            "kucoin",
            "launchdarkly",
            "linear",
            "linkedin",
            "lob",
            "mailchimp",
            "mailgun",
            "mapbox",
            "mattermost",
            "messagebird",
            "netlify",
            "newrelic",
            "npm",
            "nytimes",
            "okta",
            "openai",
            "plaid",
            "planetscale",
            "postman",
            "prefect",
            "pulumi",
            "rapidapi",
        ];
        let rules: Vec<String> = words
            .iter()
            .map(|w| format!(r"(?i)[\w.-]{{0,50}}?(?:{w})(?:[ \t\w.-]{{0,20}})[\s'=:]{{0,5}}([a-z0-9]{{32}})\b"))
            .collect();
        assert!(words.len() >= 64);
        assert!(set(&rules).uses_grams());
        assert!(!set(&rules[..10]).uses_grams());
        let m = crate::Matcher::new(
            &rules,
            &Options {
                ascii_classes: true,
                ..Options::regex()
            },
        )
        .unwrap();
        let secret = "0123456789abcdef0123456789abcdef";
        let hay = format!("x ADOBE_key = {secret}\nprefect.token: {secret} okta{secret}");
        let got: Vec<_> = m
            .find_iter(hay.as_bytes())
            .map(|m| (m.pattern, m.start))
            .collect();
        assert_eq!(got, [(1, 2), (66, 47), (61, 95)]);
    }

    #[test]
    fn line_windows_and_bounded_windows_find_every_match() {
        let s = set(&[r"token=[a-z]+", r"\bkey_[0-9]{4}\b"]);
        let m = crate::Matcher::new(
            &[r"token=[a-z]+", r"\bkey_[0-9]{4}\b"],
            &Options {
                ascii_classes: true,
                ..Options::regex()
            },
        )
        .unwrap();
        assert_eq!(s.strategy_counts(), (2, 0));
        let hay = b"token=abc key_1234 token=\nkey_12345 key_0000 xtoken=zz";
        let got: Vec<_> = m
            .find_iter(hay)
            .map(|m| (m.pattern, m.start, m.end))
            .collect();
        assert_eq!(got, [(0, 0, 9), (1, 10, 18), (1, 36, 44), (0, 46, 54)]);
    }
}
