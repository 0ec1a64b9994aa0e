//! The compiled pattern set and every whole-buffer operation on it.
//!
//! All iteration goes through one resumable step, [`Matcher::next_match`], so `scan`,
//! `find_iter`, `count`, replacement and the C pull iterator share one definition of
//! "the next match" (including the rule for empty matches, which is the regex crate's:
//! an empty match may not end where the previous match ended).

use std::ops::ControlFlow;

use aho_corasick::{self as ac, AhoCorasick, AhoCorasickKind};

use crate::fold;
use crate::regex::{RegexSet, SetCursor};
use crate::walk::{Walker, WALK_MAX_PATTERN_BYTES};
use crate::words::{self, WordChars};
use crate::{Captures, Error, Match, MatchKind, Options, Result, ScanReport, Syntax};

/// Literal sets whose patterns total at most this many bytes use aho-corasick's DFA; larger
/// sets use its contiguous NFA. Measured on English words (bench/, docs/benchmarks.md): the
/// DFA is 1.1-2.4x faster than the contiguous NFA up to about 1,000 words (8-12 KB, a DFA
/// of 1.5-2.3 MB), even at about 2,000 words, and slower beyond, as its tables outgrow the
/// CPU caches: 3x slower on dense text and 2x on sparse text at 10,000 words (84 KB, 20 MB
/// of DFA), and 5-10x longer to build.
const DFA_MAX_PATTERN_BYTES: usize = 12_000;

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
        /// `Options::whole_words`: the automaton has standard (overlapping) semantics in
        /// every kind and candidates are checked at their edges (see `words`).
        words: Option<WordChars>,
    },
    Regex(RegexSet),
}

/// A compiled set of patterns. Immutable, `Send + Sync`: share it across threads freely.
#[derive(Debug)]
pub struct Matcher {
    engine: Engine,
    options: Options,
    pattern_count: usize,
    /// Longest literal pattern in bytes (0 for regex sets); bounds stream buffering.
    max_pattern_len: usize,
    /// Overlapping plain literal sets: the DFA `count` walks four ways (see `walk`).
    walker: Option<Walker>,
}

/// Where a resumable search stands. Obtained from [`Matcher::cursor`] and advanced by
/// [`Matcher::next_match`]; it must be used with one matcher and one unchanged haystack.
#[derive(Debug, Default)]
pub struct Cursor {
    pos: usize,
    last_end: Option<usize>,
    overlapping: Overlapping,
    folded: Option<Vec<u8>>,
    /// Regex sets: each strategy's next match (see `regex`).
    regex: SetCursor,
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
        let mut matcher = Matcher {
            engine,
            options: options.clone(),
            pattern_count: patterns.len(),
            max_pattern_len,
            walker: None,
        };
        if options.match_kind == MatchKind::Overlapping && matcher.plain_automaton().is_some() {
            matcher.walker =
                Walker::new(patterns, options.case_insensitive, WALK_MAX_PATTERN_BYTES);
        }
        Ok(matcher)
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
        let walker = self.walker.as_ref().map_or(0, Walker::memory_usage);
        walker
            + match &self.engine {
                Engine::Literal { ac, .. } => ac.memory_usage(),
                Engine::Regex(set) => set.memory_usage(),
            }
    }

    /// True if any pattern matches anywhere in `haystack`.
    pub fn is_match(&self, haystack: &[u8]) -> bool {
        match &self.engine {
            Engine::Literal { anchored: true, .. } => true, // the empty pattern matches
            Engine::Literal { words: Some(_), .. } => self.find(haystack).is_some(),
            // Overlapping sets keep their empty patterns out of the automaton.
            Engine::Literal { empties, .. } if !empties.is_empty() => true,
            Engine::Literal {
                ac, fold: false, ..
            } => ac.is_match(haystack),
            Engine::Literal { ac, fold: true, .. } => ac.is_match(&fold::fold(haystack)[..]),
            // Empty matches that split a UTF-8 sequence do not count (see `next_leftmost`).
            Engine::Regex(set) if set.can_match_empty() => self.find(haystack).is_some(),
            Engine::Regex(set) => set.is_match(haystack),
        }
    }

    /// The capture groups of `m`, a match this matcher reported in `haystack`: group 0 is
    /// `m` itself, then the pattern's groups in order. Computed on request only, so a scan
    /// that needs no groups pays nothing for them. `None` for literal sets, and for a
    /// `Match` that is not one of this matcher's matches in `haystack`.
    pub fn captures(&self, haystack: &[u8], m: &Match) -> Option<Captures> {
        match &self.engine {
            Engine::Regex(set) if m.end <= haystack.len() && m.start <= m.end => {
                set.captures(haystack, m)
            }
            _ => None,
        }
    }

    /// The names of `pattern`'s capture groups, indexed like [`Captures::spans`] (group 0
    /// and unnamed groups are `None`). `None` for literal sets and unknown patterns.
    /// The names live as long as the matcher.
    pub fn group_names(&self, pattern: u32) -> Option<Vec<Option<&str>>> {
        match &self.engine {
            Engine::Regex(set) => set.group_names(pattern),
            Engine::Literal { .. } => None,
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
        let longest = self.max_pattern_len;
        if let Some(n) = self
            .walker
            .as_ref()
            .and_then(|w| w.count(haystack, longest))
        {
            return n;
        }
        let mut n = 0;
        let _ = self.each(haystack, |_| {
            n += 1;
            ControlFlow::Continue(())
        });
        n
    }

    /// Calls `on_match` for each match in order until it returns `Break`.
    pub fn scan(
        &self,
        haystack: &[u8],
        mut on_match: impl FnMut(Match) -> ControlFlow<()>,
    ) -> ScanReport {
        let mut report = ScanReport::default();
        let flow = self.each(haystack, |m| {
            report.matches += 1;
            on_match(m)
        });
        report.stopped = flow.is_break();
        report
    }

    /// Every match in order, handed to `f` until it returns `Break`: the loop under
    /// `count`, `scan` and the aggregates (`answers.rs`). Literal sets without empty
    /// patterns run aho-corasick's own iterators, without a cursor step per match (whole
    /// words: one overlapping pass, `words::each`); everything else steps `next_match`.
    pub(crate) fn each(
        &self,
        haystack: &[u8],
        mut f: impl FnMut(Match) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let Engine::Literal {
            ac,
            fold,
            anchored,
            empties,
            words,
            ..
        } = &self.engine
        else {
            return self.each_stepped(haystack, &mut f);
        };
        if *anchored || !empties.is_empty() {
            return self.each_stepped(haystack, &mut f);
        }
        let folded;
        let hay = if *fold {
            folded = fold::fold(haystack);
            &folded[..]
        } else {
            haystack
        };
        let kind = self.options.match_kind;
        if let Some(words) = words {
            return words::each(ac, *words, kind, self.max_pattern_len, hay, &mut f);
        }
        let convert = |m: ac::Match| Match {
            pattern: m.pattern().as_u32(),
            start: m.start(),
            end: m.end(),
        };
        if kind == MatchKind::Overlapping {
            ac.find_overlapping_iter(hay)
                .try_for_each(|m| f(convert(m)))
        } else {
            ac.find_iter(hay).try_for_each(|m| f(convert(m)))
        }
    }

    /// `each` through the cursor, one `next_match` step per match.
    fn each_stepped(
        &self,
        haystack: &[u8],
        f: &mut impl FnMut(Match) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let mut cursor = self.cursor();
        while let Some(m) = self.next_match(haystack, &mut cursor) {
            f(m)?;
        }
        ControlFlow::Continue(())
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
        let per_pattern = self.check_replacements(replacements.len())?;
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
                &mut cursor.regex,
            )
        }
    }

    /// One step of non-overlapping iteration over an already folded haystack. `pos` is
    /// where the search resumes, `last_end` where the previous match ended, `regex` the
    /// state of a regex set's search of this haystack.
    ///
    /// The empty-match rule (the regex crate's): an empty match may not end where the
    /// previous match ended, and, for regex sets, may not split a UTF-8 sequence (it must
    /// sit before a byte that is not a continuation byte 0x80..=0xBF, or at the end); the
    /// search then resumes one byte after it.
    pub(crate) fn next_leftmost(
        &self,
        hay: &[u8],
        pos: &mut usize,
        last_end: &mut Option<usize>,
        regex: &mut SetCursor,
    ) -> Option<Match> {
        loop {
            if *pos > hay.len() {
                return None;
            }
            let (m, utf8) = match &self.engine {
                Engine::Regex(set) => (set.find_at(hay, *pos, regex)?, true),
                Engine::Literal { .. } => (self.find_at(hay, *pos)?, false),
            };
            if m.is_empty() && (Some(m.end) == *last_end || (utf8 && !is_utf8_boundary(hay, m.end)))
            {
                *pos = m.end + 1;
                continue;
            }
            *pos = m.end;
            *last_end = Some(m.end);
            return Some(m);
        }
    }

    /// The leftmost match of a literal set starting at or after `start` in an already
    /// folded haystack, ignoring the empty-match rule (see `next_leftmost`). Regex sets
    /// search only through `next_leftmost`, whose `SetCursor` keeps the factor hits and each
    /// strategy's next match: a fresh search per call would redo the literal pass.
    #[inline]
    pub(crate) fn find_at(&self, hay: &[u8], start: usize) -> Option<Match> {
        match &self.engine {
            Engine::Literal {
                ac,
                words: Some(words),
                ..
            } => words::find_leftmost(
                ac,
                *words,
                self.options.match_kind,
                self.max_pattern_len,
                hay,
                start,
            ),
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
            Engine::Regex(_) => unreachable!("regex sets search through next_leftmost"),
        }
    }

    /// The next overlapping match in an already folded haystack: ordered by end offset;
    /// at one end offset, empty patterns first (by id), then the automaton's order.
    pub(crate) fn next_overlapping(&self, hay: &[u8], st: &mut Overlapping) -> Option<Match> {
        let Engine::Literal {
            ac,
            empties,
            ids,
            words,
            ..
        } = &self.engine
        else {
            unreachable!("overlapping regex matchers are refused at build time")
        };
        while st.pending.is_none() && !st.automaton_done {
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
            // Whole words: a rejected candidate is dropped and the automaton asked again.
            if let (Some(w), Some(m)) = (words, st.pending) {
                if !w.is_whole(hay, m.start, m.end) {
                    st.pending = None;
                }
            }
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

    /// The automaton of a literal set whose matches a plain aho-corasick search of the
    /// haystack gives (no empty patterns, no whole words, no folded haystack).
    pub(crate) fn plain_automaton(&self) -> Option<&AhoCorasick> {
        match &self.engine {
            Engine::Literal {
                ac,
                fold: false,
                anchored: false,
                empties,
                words: None,
                ..
            } if empties.is_empty() => Some(ac),
            _ => None,
        }
    }

    /// Literal sets: true if a pattern is empty (it matches in every line, even an empty
    /// one). False for regex sets.
    pub(crate) fn has_empty_literal(&self) -> bool {
        matches!(&self.engine, Engine::Literal { anchored, empties, .. } if *anchored || !empties.is_empty())
    }

    /// Literal sets without empty patterns: an occurrence starting at or after `from` in
    /// an already folded haystack such that no occurrence lies wholly before the line it
    /// starts in (see `lines`): the leftmost-starting one for the leftmost kinds and whole
    /// words, the earliest-ending one for the overlapping kind (its automaton has standard
    /// semantics).
    pub(crate) fn first_occurrence(&self, hay: &[u8], from: usize) -> Option<Match> {
        match &self.engine {
            Engine::Literal {
                ac,
                words: Some(words),
                ..
            } => words::find_leftmost(
                ac,
                *words,
                MatchKind::LeftmostFirst,
                self.max_pattern_len,
                hay,
                from,
            ),
            // Without empty patterns the search is unanchored: the automaton's own kind.
            _ => self.find_at(hay, from),
        }
    }

    /// Overlapping plain sets: the walker `count` uses (see `walk`).
    pub(crate) fn walker(&self) -> Option<&Walker> {
        self.walker.as_ref()
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
    let words = options.whole_words.then_some(if options.ascii_classes {
        WordChars::Ascii
    } else {
        WordChars::Unicode
    });
    if words.is_some() {
        if let Some(index) = patterns.iter().position(|p| p.as_ref().is_empty()) {
            return Err(Error::InvalidPattern {
                index,
                message: "an empty pattern cannot be a whole word (whole_words is set)".into(),
            });
        }
    }
    // Whole words select among every candidate (see `words`), so the automaton reports
    // every match whatever the kind.
    let kind = match options.match_kind {
        _ if words.is_some() => ac::MatchKind::Standard,
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
        words,
    })
}

fn build_regex<P: AsRef<[u8]>>(patterns: &[P], options: &Options) -> Result<Engine> {
    if options.whole_words {
        return Err(Error::Unsupported(
            "whole_words with regex syntax (write \\b around the pattern)".into(),
        ));
    }
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
    Ok(Engine::Regex(RegexSet::new(patterns, options)?))
}

/// True if an empty match at `at` does not split a UTF-8 sequence (regex-automata's rule).
fn is_utf8_boundary(hay: &[u8], at: usize) -> bool {
    hay.get(at).is_none_or(|&b| !(0x80..=0xBF).contains(&b))
}
