//! The compiled pattern set and every whole-buffer operation on it.
//!
//! All iteration goes through one resumable step, [`Matcher::next_match`], so `scan`,
//! `find_iter`, `count`, replacement and the C pull iterator share one definition of
//! "the next match" (including the rule for empty matches, which is the regex crate's:
//! an empty match may not end where the previous match ended).

use std::ops::ControlFlow;

use aho_corasick::{self as ac, AhoCorasick, AhoCorasickKind};
use regex_automata::{meta, util::syntax, Input};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

use crate::fold;
use crate::{Error, Match, MatchKind, Options, Result, ScanReport, Syntax};

/// Literal sets whose patterns total at most this many bytes use aho-corasick's DFA; larger
/// sets use its contiguous NFA. Measured on English words (bench/, docs/benchmarks.md): the
/// DFA is 1.1-2.4x faster than the contiguous NFA up to about 1,000 words (8-12 KB, a DFA
/// of 1.5-2.3 MB), even at about 2,000 words, and slower beyond, as its tables outgrow the
/// CPU caches: 3x slower on dense text and 2x on sparse text at 10,000 words (84 KB, 20 MB
/// of DFA), and 5-10x longer to build.
const DFA_MAX_PATTERN_BYTES: usize = 12_000;

/// Regex sets are split (see [`RegexSet`]) only up to this many separately searched
/// patterns: beyond it, one pass per pattern would cost more than it saves.
const SPLIT_MAX_SOLO: usize = 256;

/// A repetition counted up to at least this many (`{4}`, `{0,20}`, `{16,}`) makes a pattern
/// a poor member of a joint automaton (see [`RegexSet`]).
const COUNTED_REPETITION: u32 = 4;

/// A regex joins the shared automaton only if every match starts with one of at most this
/// many literal prefixes, each at least `MIN_PREFIX_LEN` bytes long.
const MAX_PREFIXES: usize = 256;
const MIN_PREFIX_LEN: usize = 2;

#[derive(Debug)]
enum Engine {
    Literal {
        ac: AhoCorasick,
        /// Patterns were case-folded (see `fold`); haystacks must be folded too.
        fold: bool,
        /// The set has an empty pattern, so (in leftmost kinds) a match starts at every
        /// position and the search is anchored at the resume point. aho-corasick's
        /// unanchored leftmost search does not give regex semantics with empty patterns
        /// (`["ab", ""]` on "aab" would skip the empty match at 0).
        anchored: bool,
        /// Overlapping kind only: ids of the empty patterns, which are kept out of the
        /// automaton (aho-corasick reports some empty overlapping matches twice) and
        /// reported at every position, before the other matches ending there.
        empties: Box<[u32]>,
        /// Overlapping kind with empty patterns: automaton pattern id -> pattern id.
        ids: Option<Box<[u32]>>,
    },
    Regex(RegexSet),
}

/// A compiled regex set: one or more `meta::Regex`es ("parts") whose matches are merged.
///
/// One automaton for the whole set is the obvious design, and it is slow for the sets
/// hayscan is for. A lazy DFA for the union of secret-scanner regexes (`ghp_[0-9A-Za-z]{36}`,
/// `\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b`, ...) tracks every counted repetition of every pattern
/// at once: its states explode, its cache thrashes and the meta engine falls back to the
/// PikeVM. With Unicode `\b` the lazy DFA also gives up at the first non-ASCII byte. 109
/// such regexes ran at 0.2 MB/s joined, and at 15 MB/s searched one by one, each with its
/// own literal prefilter (bench/, docs/benchmarks.md) — the approach of gitleaks and
/// trufflehog, which run each rule separately behind a keyword filter.
///
/// So, up to [`SPLIT_MAX_SOLO`] of them, patterns are searched alone ("solo") unless they
/// suit a joint automaton: no counted repetition and a small set of literal prefixes, which
/// lets the joint search skip to candidate positions (a set of `\bword\b` regexes stays
/// joint). The joint part holds all the others. Every part reports its leftmost match, with
/// pattern ids mapped back to the caller's; the merged match is the one that starts first,
/// the lowest pattern id on a tie — exactly what one leftmost-first automaton over the whole
/// set reports. A [`Cursor`] remembers each part's next match, so a scan searches each part
/// about once per match of that part, not once per match of the set.
#[derive(Debug)]
pub(crate) struct RegexSet {
    parts: Box<[RegexPart]>,
}

#[derive(Debug)]
struct RegexPart {
    re: meta::Regex,
    /// The part's pattern ids (its index) to the set's, ascending.
    ids: Box<[u32]>,
}

impl RegexPart {
    fn find_at(&self, hay: &[u8], start: usize) -> Option<Match> {
        // A span keeps the haystack around it visible to look-around (`\b`, `^`).
        let input = Input::new(hay).span(start..hay.len());
        self.re.search(&input).map(|m| Match {
            pattern: self.ids[m.pattern().as_usize()],
            start: m.start(),
            end: m.end(),
        })
    }
}

/// A part's next match as of some search: its leftmost match at or after `from`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PartMatch {
    from: usize,
    found: Option<Match>,
}

impl RegexSet {
    /// The set's leftmost match at or after `start`. `memo` holds each part's last result
    /// for the same haystack (empty for a fresh haystack).
    fn find_at(&self, hay: &[u8], start: usize, memo: &mut Vec<PartMatch>) -> Option<Match> {
        if let [part] = &*self.parts {
            return part.find_at(hay, start);
        }
        if memo.len() != self.parts.len() {
            memo.clear();
            memo.resize(
                self.parts.len(),
                PartMatch {
                    from: usize::MAX,
                    found: None,
                },
            );
        }
        let mut best: Option<Match> = None;
        for (part, seen) in self.parts.iter().zip(memo.iter_mut()) {
            // The leftmost match at or after `from` is also the leftmost at or after any
            // later `start` it does not precede; "none after `from`" stays true too.
            let still_valid = seen.from <= start && seen.found.is_none_or(|m| m.start >= start);
            if !still_valid {
                *seen = PartMatch {
                    from: start,
                    found: part.find_at(hay, start),
                };
            }
            if let Some(m) = seen.found {
                if best.is_none_or(|b| (m.start, m.pattern) < (b.start, b.pattern)) {
                    best = Some(m);
                }
            }
        }
        best
    }

    fn is_match(&self, hay: &[u8]) -> bool {
        self.parts.iter().any(|p| p.re.is_match(hay))
    }

    fn memory_usage(&self) -> usize {
        self.parts.iter().map(|p| p.re.memory_usage()).sum()
    }

    #[cfg(test)]
    fn part_count(&self) -> usize {
        self.parts.len()
    }
}

/// A compiled set of patterns. Immutable, `Send + Sync`: share it across threads freely.
#[derive(Debug)]
pub struct Matcher {
    engine: Engine,
    options: Options,
    pattern_count: usize,
    /// Longest literal pattern in bytes (0 for regex sets); bounds stream buffering.
    max_pattern_len: usize,
}

/// Where a resumable search stands. Obtained from [`Matcher::cursor`] and advanced by
/// [`Matcher::next_match`]; it must be used with one matcher and one unchanged haystack.
#[derive(Debug, Default)]
pub struct Cursor {
    pos: usize,
    last_end: Option<usize>,
    overlapping: Overlapping,
    folded: Option<Vec<u8>>,
    /// Split regex sets: each part's next match (see [`RegexSet`]).
    parts: Vec<PartMatch>,
    done: bool,
}

impl Matcher {
    /// Compiles `patterns` with `options`.
    ///
    /// Errors: [`Error::InvalidPattern`] (regex syntax errors, non-UTF-8 regexes) with the
    /// pattern's index, [`Error::Unsupported`] for combinations hayscan does not provide
    /// (regex with leftmost-longest or overlapping), [`Error::InvalidArgument`] for
    /// `max_line_len == 0`, [`Error::Build`] when the set exceeds an engine limit.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P], options: &Options) -> Result<Matcher> {
        if options.max_line_len == 0 {
            return Err(Error::InvalidArgument(
                "max_line_len must be at least 1".into(),
            ));
        }
        if u32::try_from(patterns.len()).is_err() {
            return Err(Error::InvalidArgument("too many patterns".into()));
        }
        let engine = match options.syntax {
            Syntax::Literal => build_literal(patterns, options)?,
            Syntax::Regex => build_regex(patterns, options)?,
        };
        let max_pattern_len = match options.syntax {
            Syntax::Literal => patterns.iter().map(|p| p.as_ref().len()).max().unwrap_or(0),
            Syntax::Regex => 0,
        };
        Ok(Matcher {
            engine,
            options: options.clone(),
            pattern_count: patterns.len(),
            max_pattern_len,
        })
    }

    /// The options the matcher was built with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Number of patterns (pattern ids are `0..pattern_count()`).
    pub fn pattern_count(&self) -> usize {
        self.pattern_count
    }

    /// Length in bytes of the longest literal pattern; 0 for regex sets.
    pub fn max_pattern_len(&self) -> usize {
        self.max_pattern_len
    }

    /// Heap memory used by the compiled automaton, in bytes.
    pub fn memory_usage(&self) -> usize {
        match &self.engine {
            Engine::Literal { ac, .. } => ac.memory_usage(),
            Engine::Regex(set) => set.memory_usage(),
        }
    }

    /// True if any pattern matches anywhere in `haystack`.
    pub fn is_match(&self, haystack: &[u8]) -> bool {
        match &self.engine {
            Engine::Literal { anchored: true, .. } => true, // the empty pattern matches
            Engine::Literal {
                ac, fold: false, ..
            } => ac.is_match(haystack),
            Engine::Literal { ac, fold: true, .. } => ac.is_match(&fold::fold(haystack)[..]),
            Engine::Regex(set) => set.is_match(haystack),
        }
    }

    /// The first match (the one `find_iter` would yield first), if any.
    pub fn find(&self, haystack: &[u8]) -> Option<Match> {
        self.next_match(haystack, &mut self.cursor())
    }

    /// Iterator over all matches, in order.
    pub fn find_iter<'m, 'h>(&'m self, haystack: &'h [u8]) -> FindIter<'m, 'h> {
        FindIter {
            matcher: self,
            haystack,
            cursor: self.cursor(),
        }
    }

    /// Number of matches.
    pub fn count(&self, haystack: &[u8]) -> usize {
        self.find_iter(haystack).count()
    }

    /// Calls `on_match` for each match in order until it returns `Break`.
    pub fn scan(
        &self,
        haystack: &[u8],
        mut on_match: impl FnMut(Match) -> ControlFlow<()>,
    ) -> ScanReport {
        let mut report = ScanReport::default();
        for m in self.find_iter(haystack) {
            report.matches += 1;
            if on_match(m).is_break() {
                report.stopped = true;
                break;
            }
        }
        report
    }

    /// Replaces every match. `replacements` holds one replacement for all patterns, or one
    /// per pattern (indexed by pattern id).
    ///
    /// Errors: [`Error::InvalidArgument`] if `replacements.len()` is neither 1 nor the
    /// pattern count; [`Error::Unsupported`] for overlapping matchers.
    pub fn replace_all<R: AsRef<[u8]>>(
        &self,
        haystack: &[u8],
        replacements: &[R],
    ) -> Result<Vec<u8>> {
        let per_pattern = match replacements.len() {
            1 => false,
            n if n == self.pattern_count => true,
            n => {
                return Err(Error::InvalidArgument(format!(
                    "expected 1 replacement or {} (one per pattern), got {n}",
                    self.pattern_count
                )))
            }
        };
        let (out, _) = self.replace_with(haystack, |m, dst| {
            let idx = if per_pattern { m.pattern as usize } else { 0 };
            dst.extend_from_slice(replacements[idx].as_ref());
            ControlFlow::Continue(())
        })?;
        Ok(out)
    }

    /// Builds a copy of `haystack` in which each match is replaced by what `replace`
    /// appends to the buffer it is given. If `replace` returns `Break`, whatever it
    /// appended for that match is discarded, that match and the rest of the haystack are
    /// copied unchanged, and the report says `stopped`.
    ///
    /// Errors: [`Error::Unsupported`] for overlapping matchers (overlapping matches cannot
    /// all be replaced).
    pub fn replace_with(
        &self,
        haystack: &[u8],
        mut replace: impl FnMut(&Match, &mut Vec<u8>) -> ControlFlow<()>,
    ) -> Result<(Vec<u8>, ScanReport)> {
        if self.options.match_kind == MatchKind::Overlapping {
            return Err(Error::Unsupported(
                "replacement with the overlapping match kind".into(),
            ));
        }
        let mut out = Vec::with_capacity(haystack.len());
        let mut report = ScanReport::default();
        let mut copied = 0;
        for m in self.find_iter(haystack) {
            report.matches += 1;
            let before = out.len();
            out.extend_from_slice(&haystack[copied..m.start]);
            let mark = out.len();
            if replace(&m, &mut out).is_break() {
                out.truncate(before);
                report.stopped = true;
                break;
            }
            debug_assert!(out.len() >= mark);
            copied = m.end;
        }
        out.extend_from_slice(&haystack[copied..]);
        Ok((out, report))
    }

    /// A fresh cursor for [`Matcher::next_match`].
    pub fn cursor(&self) -> Cursor {
        Cursor::default()
    }

    /// The next match after the ones `cursor` has already produced for `haystack`, or
    /// `None` when there are no more. `haystack` must be the same bytes on every call
    /// with the same cursor.
    pub fn next_match(&self, haystack: &[u8], cursor: &mut Cursor) -> Option<Match> {
        if cursor.done {
            return None;
        }
        // The folded copy of the haystack lives in the cursor between calls; other
        // matchers search `haystack` itself (the hot path: no Option juggling per match).
        let found = if self.folds() {
            let folded = cursor.folded.take().unwrap_or_else(|| fold::fold(haystack));
            let found = self.step(&folded, cursor);
            cursor.folded = Some(folded);
            found
        } else {
            self.step(haystack, cursor)
        };
        if found.is_none() {
            cursor.done = true;
            cursor.folded = None;
        }
        found
    }

    /// One step of iteration over an already folded haystack.
    #[inline]
    fn step(&self, hay: &[u8], cursor: &mut Cursor) -> Option<Match> {
        if self.options.match_kind == MatchKind::Overlapping {
            self.next_overlapping(hay, &mut cursor.overlapping)
        } else {
            self.next_leftmost(
                hay,
                &mut cursor.pos,
                &mut cursor.last_end,
                &mut cursor.parts,
            )
        }
    }

    /// One step of non-overlapping iteration over an already folded haystack. `pos` is
    /// where the search resumes, `last_end` where the previous match ended, `parts` the
    /// memo of a split regex set for this haystack.
    pub(crate) fn next_leftmost(
        &self,
        hay: &[u8],
        pos: &mut usize,
        last_end: &mut Option<usize>,
        parts: &mut Vec<PartMatch>,
    ) -> Option<Match> {
        loop {
            if *pos > hay.len() {
                return None;
            }
            let m = match &self.engine {
                Engine::Regex(set) => set.find_at(hay, *pos, parts)?,
                Engine::Literal { .. } => self.find_at(hay, *pos)?,
            };
            if m.is_empty() && Some(m.end) == *last_end {
                *pos += 1;
                continue;
            }
            *pos = m.end;
            *last_end = Some(m.end);
            return Some(m);
        }
    }

    /// The leftmost match starting at or after `start` in an already folded haystack,
    /// ignoring the empty-match rule (see `next_leftmost`). Repeated calls on one haystack
    /// should go through `next_leftmost`, which remembers what split regex sets found.
    #[inline]
    pub(crate) fn find_at(&self, hay: &[u8], start: usize) -> Option<Match> {
        match &self.engine {
            Engine::Literal { ac, anchored, .. } => {
                let mut input = ac::Input::new(hay).span(start..hay.len());
                if *anchored {
                    input = input.anchored(ac::Anchored::Yes);
                }
                ac.find(input).map(|m| Match {
                    pattern: m.pattern().as_u32(),
                    start: m.start(),
                    end: m.end(),
                })
            }
            Engine::Regex(set) => set.find_at(hay, start, &mut Vec::new()),
        }
    }

    /// The next overlapping match in an already folded haystack: ordered by end offset;
    /// at one end offset, empty patterns first (by id), then the automaton's order.
    pub(crate) fn next_overlapping(&self, hay: &[u8], st: &mut Overlapping) -> Option<Match> {
        let Engine::Literal {
            ac, empties, ids, ..
        } = &self.engine
        else {
            unreachable!("overlapping regex matchers are refused at build time")
        };
        if st.pending.is_none() && !st.automaton_done {
            ac.find_overlapping(hay, &mut st.automaton);
            st.pending = st.automaton.get_match().map(|m| {
                let id = m.pattern().as_u32();
                Match {
                    pattern: ids.as_ref().map_or(id, |ids| ids[id as usize]),
                    start: m.start(),
                    end: m.end(),
                }
            });
            st.automaton_done = st.pending.is_none();
        }
        let bound = st.pending.map_or(hay.len(), |m| m.end);
        if !empties.is_empty() && st.empty_pos <= bound {
            let m = Match {
                pattern: empties[st.empty_idx],
                start: st.empty_pos,
                end: st.empty_pos,
            };
            st.empty_idx += 1;
            if st.empty_idx == empties.len() {
                st.empty_idx = 0;
                st.empty_pos += 1;
            }
            return Some(m);
        }
        st.pending.take()
    }

    /// True if haystacks are folded before searching.
    pub(crate) fn folds(&self) -> bool {
        matches!(self.engine, Engine::Literal { fold: true, .. })
    }
}

/// Progress of an overlapping search (see [`Matcher::next_overlapping`]).
#[derive(Debug)]
pub(crate) struct Overlapping {
    automaton: ac::automaton::OverlappingState,
    automaton_done: bool,
    /// The automaton's next match, held back while empty matches before it are reported.
    pending: Option<Match>,
    empty_pos: usize,
    empty_idx: usize,
}

impl Default for Overlapping {
    fn default() -> Self {
        Overlapping {
            automaton: ac::automaton::OverlappingState::start(),
            automaton_done: false,
            pending: None,
            empty_pos: 0,
            empty_idx: 0,
        }
    }
}

/// Iterator returned by [`Matcher::find_iter`].
#[derive(Debug)]
pub struct FindIter<'m, 'h> {
    matcher: &'m Matcher,
    haystack: &'h [u8],
    cursor: Cursor,
}

impl Iterator for FindIter<'_, '_> {
    type Item = Match;

    fn next(&mut self) -> Option<Match> {
        self.matcher.next_match(self.haystack, &mut self.cursor)
    }
}

fn build_literal<P: AsRef<[u8]>>(patterns: &[P], options: &Options) -> Result<Engine> {
    let fold = options.case_insensitive && patterns.iter().any(|p| !p.as_ref().is_ascii());
    let kind = match options.match_kind {
        MatchKind::LeftmostFirst => ac::MatchKind::LeftmostFirst,
        MatchKind::LeftmostLongest => ac::MatchKind::LeftmostLongest,
        MatchKind::Overlapping => ac::MatchKind::Standard,
    };
    let total: usize = patterns.iter().map(|p| p.as_ref().len()).sum();
    let mut builder = AhoCorasick::builder();
    builder
        .match_kind(kind)
        .ascii_case_insensitive(options.case_insensitive && !fold);
    if total <= DFA_MAX_PATTERN_BYTES {
        builder.kind(Some(AhoCorasickKind::DFA));
    }
    let anchored = options.match_kind != MatchKind::Overlapping
        && patterns.iter().any(|p| p.as_ref().is_empty());
    if anchored {
        builder.start_kind(ac::StartKind::Anchored);
    }
    // Overlapping sets keep empty patterns out of the automaton (see `Engine::Literal`).
    let mut empties = Vec::new();
    let mut ids = Vec::new();
    if options.match_kind == MatchKind::Overlapping {
        for (i, p) in patterns.iter().enumerate() {
            if p.as_ref().is_empty() {
                empties.push(i as u32);
            } else {
                ids.push(i as u32);
            }
        }
    }
    let kept = |i: &usize| empties.is_empty() || !patterns[*i].as_ref().is_empty();
    let indexes = (0..patterns.len()).filter(kept);
    let built = if fold {
        builder.build(indexes.map(|i| fold::fold(patterns[i].as_ref())))
    } else {
        builder.build(indexes.map(|i| patterns[i].as_ref()))
    };
    let ac = built.map_err(|e| Error::Build(e.to_string()))?;
    let ids = (!empties.is_empty()).then(|| ids.into_boxed_slice());
    Ok(Engine::Literal {
        ac,
        fold,
        anchored,
        empties: empties.into_boxed_slice(),
        ids,
    })
}

fn build_regex<P: AsRef<[u8]>>(patterns: &[P], options: &Options) -> Result<Engine> {
    match options.match_kind {
        MatchKind::LeftmostFirst => {}
        MatchKind::LeftmostLongest => {
            return Err(Error::Unsupported(
                "match kind leftmost-longest with regex syntax (use leftmost-first)".into(),
            ))
        }
        MatchKind::Overlapping => {
            return Err(Error::Unsupported(
                "match kind overlapping with regex syntax (use literal syntax)".into(),
            ))
        }
    }
    let mut strs = Vec::with_capacity(patterns.len());
    for (index, p) in patterns.iter().enumerate() {
        let s = std::str::from_utf8(p.as_ref()).map_err(|e| Error::InvalidPattern {
            index,
            message: format!("regex pattern is not valid UTF-8: {e}"),
        })?;
        strs.push(s);
    }
    let config = syntax::Config::new().case_insensitive(options.case_insensitive);
    let groups = match split_plan(&strs, &config) {
        Some(groups) => groups,
        None => vec![(0..strs.len() as u32).collect()],
    };
    Ok(Engine::Regex(build_parts(&strs, config, groups)?))
}

/// Builds one `meta::Regex` per group of pattern ids.
fn build_parts(strs: &[&str], config: syntax::Config, groups: Vec<Vec<u32>>) -> Result<RegexSet> {
    let mut parts = Vec::with_capacity(groups.len());
    for ids in groups {
        let members: Vec<&str> = ids.iter().map(|&i| strs[i as usize]).collect();
        let re = meta::Regex::builder()
            .syntax(config)
            .build_many(&members)
            .map_err(|e| match e.pattern() {
                Some(pid) => Error::InvalidPattern {
                    index: ids[pid.as_usize()] as usize,
                    message: regex_message(&e),
                },
                None => Error::Build(regex_message(&e)),
            })?;
        parts.push(RegexPart {
            re,
            ids: ids.into_boxed_slice(),
        });
    }
    Ok(RegexSet {
        parts: parts.into_boxed_slice(),
    })
}

/// How to split a regex set (see [`RegexSet`]): the pattern ids of each part, or `None`
/// for one joint automaton (also when a pattern does not parse, so that the joint build
/// reports the error exactly as for any set).
fn split_plan(strs: &[&str], config: &syntax::Config) -> Option<Vec<Vec<u32>>> {
    let mut joint = Vec::new();
    let mut solo = Vec::new();
    for (i, s) in strs.iter().enumerate() {
        let hir = syntax::parse_with(s, config).ok()?;
        if suits_joint_automaton(&hir) {
            joint.push(i as u32);
        } else {
            solo.push(i as u32);
        }
    }
    if solo.is_empty() || solo.len() > SPLIT_MAX_SOLO || (solo.len() == 1 && joint.is_empty()) {
        return None;
    }
    let mut groups: Vec<Vec<u32>> = solo.into_iter().map(|i| vec![i]).collect();
    if !joint.is_empty() {
        groups.insert(0, joint);
    }
    Some(groups)
}

/// True for a pattern whose matches all start with one of a few literal prefixes and which
/// has no counted repetition: a joint automaton of such patterns only runs from candidate
/// positions found by a literal search, and stays small there.
fn suits_joint_automaton(hir: &Hir) -> bool {
    if has_counted_repetition(hir) {
        return false;
    }
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    seq.literals().is_some_and(|lits| {
        !lits.is_empty()
            && lits.len() <= MAX_PREFIXES
            && lits.iter().all(|l| l.len() >= MIN_PREFIX_LEN)
    })
}

fn has_counted_repetition(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(rep) => {
            rep.max.unwrap_or(0).max(rep.min) >= COUNTED_REPETITION
                || has_counted_repetition(&rep.sub)
        }
        HirKind::Capture(cap) => has_counted_repetition(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().any(has_counted_repetition)
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// The syntax error's own text when there is one (the meta builder's Display only says
/// "error parsing pattern N"), else the error's Display.
fn regex_message(e: &meta::BuildError) -> String {
    match e.syntax_error() {
        Some(se) => se.to_string(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn regex_matcher(set: RegexSet) -> Matcher {
        Matcher {
            engine: Engine::Regex(set),
            options: Options::regex(),
            pattern_count: 0,
            max_pattern_len: 0,
        }
    }

    fn plan(patterns: &[&str]) -> Option<Vec<Vec<u32>>> {
        split_plan(patterns, &syntax::Config::new())
    }

    #[test]
    fn secret_scanner_sets_are_split_and_keyword_sets_are_not() {
        let secrets = [
            r"\bghp_[0-9A-Za-z]{36}\b",
            r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b",
            r"-----BEGIN (?:RSA |EC )?PRIVATE KEY-----",
            r"\bAKIA[A-Z0-9]{16}\b",
        ];
        assert_eq!(
            plan(&secrets),
            Some(vec![vec![2], vec![0], vec![1], vec![3]])
        );
        assert_eq!(plan(&[r"\bapple\b", r"\bpear\b", "banana"]), None);
        assert_eq!(
            plan(&[r"[0-9]+", r"\bfoo\w*"]),
            Some(vec![vec![1], vec![0]])
        );
        assert_eq!(plan(&[r"[0-9]+"]), None);
        assert_eq!(
            plan(&["ok", "(unclosed"]),
            None,
            "errors come from one joint build"
        );
        let m = Matcher::new(&secrets, &Options::regex()).unwrap();
        let Engine::Regex(set) = &m.engine else {
            unreachable!()
        };
        assert_eq!(set.part_count(), 4);
    }

    #[test]
    fn split_sets_report_the_callers_pattern_ids() {
        let pats = [r"x{4}", "ab", r"[0-9]{4}", "abc"];
        let m = Matcher::new(&pats, &Options::regex()).unwrap();
        let got: Vec<_> = m
            .find_iter(b"abc 1234 xxxx ab")
            .map(|m| (m.pattern, m.start, m.end))
            .collect();
        assert_eq!(got, [(1, 0, 2), (2, 4, 8), (0, 9, 13), (1, 14, 16)]);
        assert!(m.is_match(b"..xxxx"));
        assert!(!m.is_match(b"a b 123"));
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "a",
            "b",
            "ab",
            "é",
            " ",
            "[ab]",
            "[^a]",
            "a{2,4}",
            "b{4}",
            "[ab]{0,5}",
            "a*",
            "b+?",
            r"\b",
            r"\B",
            "^",
            "$",
            "(?:a|bb)",
            "(?:|a)",
            ".",
            "(?i)A",
            "[a-z]{1,3}",
        ])
    }

    fn pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(piece(), 1..5).prop_map(|v| v.concat())
    }

    fn text() -> impl Strategy<Value = Vec<u8>> {
        let unit = prop::sample::select(vec!["a", "b", " ", "é", "x", "1", "\n", "aab", "bbbb"]);
        prop::collection::vec(unit, 0..24).prop_map(|v| v.concat().into_bytes())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// However a set is split, it reports what one joint automaton reports.
        #[test]
        fn split_regex_sets_match_the_joint_automaton(
            patterns in prop::collection::vec(pattern(), 1..6),
            hay in text(),
            solo_mask in any::<u8>(),
        ) {
            let strs: Vec<&str> = patterns.iter().map(String::as_str).collect();
            let config = syntax::Config::new();
            let n = strs.len() as u32;
            let joint = regex_matcher(build_parts(&strs, config, vec![(0..n).collect()]).unwrap());
            let mut groups: Vec<Vec<u32>> = vec![(0..n).filter(|i| solo_mask & (1 << i) == 0).collect()];
            groups.retain(|g| !g.is_empty());
            groups.extend((0..n).filter(|i| solo_mask & (1 << i) != 0).map(|i| vec![i]));
            let split = regex_matcher(build_parts(&strs, config, groups).unwrap());
            let want: Vec<Match> = joint.find_iter(&hay).collect();
            let got: Vec<Match> = split.find_iter(&hay).collect();
            prop_assert_eq!(got, want);
            prop_assert_eq!(split.is_match(&hay), joint.is_match(&hay));
            let auto = Matcher::new(&strs, &Options::regex()).unwrap();
            prop_assert_eq!(auto.find_iter(&hay).collect::<Vec<_>>(), joint.find_iter(&hay).collect::<Vec<_>>());
        }
    }
}
