//! Push-based scanning of input that arrives in chunks.
//!
//! **Literal sets** are chunk-invariant in every match kind: any split of the input gives
//! exactly the matches (same order, same absolute offsets) of one whole-buffer scan. The
//! stream keeps only the bytes a future match could still need: at most the longest
//! pattern minus one, plus the chunk being fed.
//!
//! The rule that makes leftmost kinds work: a match found at `start` in the buffered bytes
//! is final once `start + longest_pattern <= buffered_end`, because every candidate that
//! could compete with it (start at or before `start`) ends by then. Until that holds the
//! stream waits for more input (or `finish`). Overlapping matches are final once their end
//! has arrived; the stream rescans the retained tail with each chunk and reports only
//! matches that end in the new bytes, which sees the same automaton states as a
//! whole-buffer scan because the tail is at least as long as any pattern prefix.
//!
//! **Regex sets** scan line by line: each line (without its `\n`) is one frame, scanned
//! as a whole haystack, so `^`/`$` anchor at line edges and matches never span lines. A
//! line is scanned once its `\n` arrives (or at `finish`), whatever the chunking. A line
//! longer than `Options::max_line_len` is cut into frames of that many bytes; a match
//! crossing a cut is not found. A frame is cut only once the byte after it has arrived and
//! is not `\n`, so a line of exactly `max_line_len` bytes is one frame whether or not its
//! `\n` comes in the same chunk (cutting it early scanned an empty frame after it: `^` or
//! `$` matched twice). Memory is bounded by `max_line_len` plus the chunk.

use std::ops::ControlFlow;
use std::sync::Arc;

use crate::fold;
use crate::matcher::Overlapping;
use crate::{Error, Match, MatchKind, Matcher, Result, ScanReport, Syntax};

/// A push scanner over one matcher. Not shareable across threads at once (one owner).
#[derive(Debug)]
pub struct Stream {
    matcher: Arc<Matcher>,
    /// Retained bytes; `buf[0]` is at absolute offset `base`.
    buf: Vec<u8>,
    base: usize,
    /// For folding matchers: `buf[..folded]` is folded, the rest waits for the remaining
    /// bytes of a split character.
    folded: usize,
    /// Leftmost kinds: absolute offset where the next search starts, and where the last
    /// match ended (for the empty-match rule).
    pos: usize,
    last_end: Option<usize>,
    /// Overlapping: absolute end up to which matches have been reported.
    reported_end: Option<usize>,
    /// Regex lines: bytes of `buf` already known to hold no `\n`.
    searched: usize,
    finished: bool,
}

impl Stream {
    /// A new stream over `matcher` (the stream keeps the matcher alive).
    pub fn new(matcher: Arc<Matcher>) -> Stream {
        Stream {
            matcher,
            buf: Vec::new(),
            base: 0,
            folded: 0,
            pos: 0,
            last_end: None,
            reported_end: None,
            searched: 0,
            finished: false,
        }
    }

    /// The matcher this stream scans with.
    pub fn matcher(&self) -> &Arc<Matcher> {
        &self.matcher
    }

    /// Total bytes fed so far.
    pub fn position(&self) -> usize {
        self.base + self.buf.len()
    }

    /// Bytes currently retained (bounded; see the module docs).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// True after `finish`, or after a callback stopped the stream.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Feeds the next chunk and reports, through `on_match`, every match that is now
    /// final. If `on_match` returns `Break` the stream is finished: no further matches
    /// are reported and later `feed`/`finish` calls fail with [`Error::StreamFinished`].
    pub fn feed(
        &mut self,
        chunk: &[u8],
        on_match: impl FnMut(Match) -> ControlFlow<()>,
    ) -> Result<ScanReport> {
        if self.finished {
            return Err(Error::StreamFinished);
        }
        self.buf.extend_from_slice(chunk);
        Ok(self.advance(false, on_match))
    }

    /// Ends the input: reports the matches still pending and finishes the stream.
    pub fn finish(&mut self, on_match: impl FnMut(Match) -> ControlFlow<()>) -> Result<ScanReport> {
        if self.finished {
            return Err(Error::StreamFinished);
        }
        let report = self.advance(true, on_match);
        self.finished = true;
        self.buf = Vec::new();
        Ok(report)
    }

    fn advance(
        &mut self,
        at_end: bool,
        mut on_match: impl FnMut(Match) -> ControlFlow<()>,
    ) -> ScanReport {
        let mut report = ScanReport::default();
        let mut emit = |m: Match| {
            report.matches += 1;
            let flow = on_match(m);
            if flow.is_break() {
                report.stopped = true;
            }
            flow
        };
        let flow = match self.matcher.options().syntax {
            Syntax::Regex => self.advance_lines(at_end, &mut emit),
            Syntax::Literal => {
                let avail = self.fold_pending(at_end);
                if self.matcher.options().match_kind == MatchKind::Overlapping {
                    self.advance_overlapping(avail, at_end, &mut emit)
                } else {
                    self.advance_leftmost(avail, at_end, &mut emit)
                }
            }
        };
        if flow.is_break() {
            self.finished = true;
            self.buf = Vec::new();
        }
        report
    }

    /// Folds newly arrived bytes in place (folding preserves length) and returns how many
    /// buffered bytes may be searched.
    fn fold_pending(&mut self, at_end: bool) -> usize {
        if !self.matcher.folds() {
            return self.buf.len();
        }
        let pending = &self.buf[self.folded..];
        let hold = if at_end {
            0
        } else {
            fold::incomplete_tail(pending)
        };
        let upto = self.buf.len() - hold;
        let folded = fold::fold(&self.buf[self.folded..upto]);
        self.buf[self.folded..upto].copy_from_slice(&folded);
        self.folded = upto;
        upto
    }

    fn advance_leftmost(
        &mut self,
        avail: usize,
        at_end: bool,
        emit: &mut impl FnMut(Match) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let longest = self.matcher.max_pattern_len();
        let margin = self.word_margin();
        let hay = &self.buf[..avail];
        loop {
            let rel = self.pos - self.base;
            if rel > avail {
                break;
            }
            let Some(m) = self.matcher.find_at(hay, rel) else {
                break;
            };
            if !at_end && m.start + longest + margin > avail {
                // A longer or higher-priority match may still complete, or (whole words)
                // the character after a candidate has not arrived.
                break;
            }
            let abs = Match {
                pattern: m.pattern,
                start: m.start + self.base,
                end: m.end + self.base,
            };
            if abs.is_empty() && Some(abs.end) == self.last_end {
                self.pos += 1;
                continue;
            }
            self.pos = abs.end;
            self.last_end = Some(abs.end);
            emit(abs)?;
        }
        if !at_end {
            // No match can start before `avail - (longest - 1)` any more, nor before `pos`.
            // Whole words: nor can one be decided before `margin` more bytes arrive, and
            // `margin` bytes before a start hold the character the start is checked
            // against.
            let rel = self.pos - self.base;
            let keep_from = rel
                .max(avail.saturating_sub(longest.saturating_sub(1) + margin))
                .min(avail);
            // The search resumes at `keep_from`: the bytes before it are context only.
            self.pos = self.pos.max(self.base + keep_from);
            self.discard(keep_from.saturating_sub(margin));
        }
        ControlFlow::Continue(())
    }

    fn advance_overlapping(
        &mut self,
        avail: usize,
        at_end: bool,
        emit: &mut impl FnMut(Match) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let hay = &self.buf[..avail];
        // Whole words: a match is reported once the character after it has arrived.
        let margin = self.word_margin();
        let limit = if at_end {
            avail
        } else {
            avail.saturating_sub(margin)
        };
        let mut state = Overlapping::default();
        while let Some(m) = self.matcher.next_overlapping(hay, &mut state) {
            if m.end > limit {
                break; // ordered by end: the rest wait for more input
            }
            let abs = Match {
                pattern: m.pattern,
                start: m.start + self.base,
                end: m.end + self.base,
            };
            if self.reported_end.is_some_and(|r| abs.end <= r) {
                continue;
            }
            emit(abs)?;
        }
        self.reported_end = Some(self.base + limit);
        let longest = self.matcher.max_pattern_len();
        self.discard(limit.saturating_sub(longest.saturating_sub(1) + margin));
        ControlFlow::Continue(())
    }

    /// Whole-word literal sets: bytes of context a match needs on each side (the longest
    /// UTF-8 character), else 0.
    fn word_margin(&self) -> usize {
        if self.matcher.options().whole_words {
            4
        } else {
            0
        }
    }

    fn advance_lines(
        &mut self,
        at_end: bool,
        emit: &mut impl FnMut(Match) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let max_line = self.matcher.options().max_line_len;
        // Frames are taken from `buf[at..]`; what they used is dropped once at the end
        // (dropping per line moved the rest of the buffer once per line: quadratic in the
        // lines of a chunk).
        let mut at = 0;
        let flow = loop {
            let rest = &self.buf[at..];
            let frame_len = match memchr::memchr(b'\n', &rest[self.searched.min(rest.len())..]) {
                Some(i) if self.searched + i <= max_line => {
                    let line = self.searched + i;
                    if let ControlFlow::Break(()) = self.scan_frame(at, line, emit) {
                        break ControlFlow::Break(());
                    }
                    at += line + 1;
                    self.searched = 0;
                    continue;
                }
                _ => {
                    if rest.len() > max_line {
                        max_line
                    } else if at_end && !rest.is_empty() {
                        rest.len()
                    } else {
                        self.searched = rest.len();
                        break ControlFlow::Continue(());
                    }
                }
            };
            if let ControlFlow::Break(()) = self.scan_frame(at, frame_len, emit) {
                break ControlFlow::Break(());
            }
            at += frame_len;
            self.searched = 0;
        };
        self.discard(at);
        flow
    }

    /// Scans `buf[at..at + len]` as one whole haystack.
    fn scan_frame(
        &self,
        at: usize,
        len: usize,
        emit: &mut impl FnMut(Match) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let base = self.base + at;
        for m in self.matcher.find_iter(&self.buf[at..at + len]) {
            emit(Match {
                pattern: m.pattern,
                start: m.start + base,
                end: m.end + base,
            })?;
        }
        ControlFlow::Continue(())
    }

    /// Drops `buf[..n]`.
    fn discard(&mut self, n: usize) {
        self.buf.drain(..n);
        self.base += n;
        self.folded = self.folded.saturating_sub(n);
    }
}
