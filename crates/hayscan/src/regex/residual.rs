//! Patterns that cannot be confirmed in windows, searched over the whole text.
//!
//! Two kinds land here: patterns with no usable factor, and patterns with a factor but no
//! bound on where their matches lie around it (gitleaks' `generic-api-key`, whose keyword
//! may start 50 bytes into a match that has a `[a-z0-9+/]{11,}` and `\s` in it). A pattern
//! such as `\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b` (an IBAN) or `\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b`
//! has no literal that every match contains, or only a byte that is everywhere; it must be
//! searched over every byte. Searched alone, each such pattern costs a pass of its own, and
//! a literal prefilter on frequent keywords (`key`, `token`) or on digits fires all the
//! time: measured on gitleaks' rules over Python sources, the 14 residual rules took
//! 140 ms searched one by one with prefilters and 30-40 ms as one joint lazy DFA without.
//! (Confirming the second kind around its hits, by an anchored search of
//! `(?s-u:.){0,lead}?(pattern)` where the factor starts at most `lead` bytes into a match,
//! is exact but was measured slower: 80-130 ms for the 13,563 hits of `generic-api-key`,
//! and 1,929 rules at 55 MB/s against 82. With a lead of a few bytes it pays, and those
//! patterns are windowed: `Window::Anchored`.) So they share joint lazy DFAs without a
//! prefilter and with a larger cache, [`GROUP_SIZE`] patterns per automaton at most (a
//! joint automaton of hundreds of counted repetitions outgrows the lazy DFA's cache and the
//! NFA size limit), so one bad rule slows only its own group.
//!
//! Unicode `\b` makes a lazy DFA give up at the first non-ASCII byte, after which the
//! meta engine falls back to the PikeVM for the rest of the search. A group whose patterns
//! cannot match `\n` therefore also gets an ASCII twin (ASCII word boundaries), which is
//! exact on lines of pure ASCII: the group searches runs of ASCII lines with the twin and
//! only lines holding non-ASCII bytes with the Unicode automaton.

use regex_automata::{meta, util::syntax, Input};
use regex_syntax::hir::Hir;

use super::parse;
use crate::{Error, Match};

/// Most patterns in one joint automaton. Measured on a 1,929-regex set over Python
/// sources, its 38 residual rules took 68-94 ms in groups of 16, 86-142 ms in groups of 8
/// or 12, 265-375 ms in groups of 24 or 32 (the lazy DFA thrashes).
const GROUP_SIZE: usize = 16;
/// Lazy DFA cache per group and thread (the meta engine's default is 2 MiB): a joint DFA
/// of counted repetitions visits many states, and a cache that keeps them ran gitleaks'
/// residual rules in 30 ms against 60 ms.
const CACHE_CAPACITY: usize = 8 << 20;

#[derive(Debug)]
pub(crate) struct Residual {
    regex: meta::Regex,
    /// Same patterns with ASCII word boundaries, used on ASCII lines (see module docs).
    ascii_twin: Option<meta::Regex>,
    /// The automaton's pattern ids (its index) to the set's.
    ids: Box<[u32]>,
}

/// A pattern of the residual group.
#[derive(Debug)]
pub(crate) struct Member<'h> {
    pub id: u32,
    pub hir: &'h Hir,
    /// The pattern can never match `\n`.
    pub line_bounded: bool,
}

/// Builds the residual groups of `members`.
///
/// A pattern with an unbounded repetition of something that can match `\n`
/// (`-----BEGIN[ A-Z]*PRIVATE KEY-----[\s\S]*?-----END`) gets an automaton of its own,
/// with the meta engine's literal prefilter. In a joint one, a thread it starts early keeps
/// priority over every later match of the group (leftmost first), so each search runs on
/// until that thread dies, possibly at the end of the text, and the group is searched
/// again after each of its matches: quadratic on text such as logs where the group matches
/// often. Alone, its searches together cost about one pass.
pub(crate) fn build(members: &[Member<'_>]) -> Result<Vec<Residual>, Error> {
    let mut groups = Vec::new();
    let (far, near): (Vec<&Member>, Vec<&Member>) = members
        .iter()
        .partition(|m| parse::has_unbounded_newline_repetition(m.hir));
    for m in far {
        build_group(&[m], true, &mut groups)?;
    }
    // Patterns that cannot match `\n` may get a twin; keep them apart from the others.
    let (lines, others): (Vec<&Member>, Vec<&Member>) =
        near.into_iter().partition(|m| m.line_bounded);
    for kind in [lines, others] {
        for chunk in kind.chunks(GROUP_SIZE) {
            build_group(chunk, false, &mut groups)?;
        }
    }
    Ok(groups)
}

/// Builds `chunk` as one automaton, or, if that exceeds an engine limit, as two halves;
/// a single pattern over the limit is reported with its index.
fn build_group(chunk: &[&Member], prefilter: bool, out: &mut Vec<Residual>) -> Result<(), Error> {
    let hirs: Vec<&Hir> = chunk.iter().map(|m| m.hir).collect();
    let ids: Box<[u32]> = chunk.iter().map(|m| m.id).collect();
    match builder(prefilter).build_many_from_hir(&hirs) {
        Ok(regex) => {
            let line_bounded = chunk.iter().all(|m| m.line_bounded);
            let twins: Vec<Option<Hir>> = hirs.iter().map(|h| parse::ascii_twin(h)).collect();
            let ascii_twin = if line_bounded && twins.iter().any(Option::is_some) {
                let twin_hirs: Vec<Hir> = twins
                    .into_iter()
                    .zip(&hirs)
                    .map(|(t, h)| t.unwrap_or_else(|| (*h).clone()))
                    .collect();
                builder(prefilter).build_many_from_hir(&twin_hirs).ok()
            } else {
                None
            };
            out.push(Residual {
                regex,
                ascii_twin,
                ids,
            });
            Ok(())
        }
        Err(e) if chunk.len() == 1 => Err(Error::InvalidPattern {
            index: ids[0] as usize,
            message: super::build_message(&e),
        }),
        Err(_) => {
            let (a, b) = chunk.split_at(chunk.len() / 2);
            build_group(a, prefilter, out)?;
            build_group(b, prefilter, out)
        }
    }
}

fn builder(prefilter: bool) -> meta::Builder {
    let mut b = meta::Regex::builder();
    b.configure(
        super::meta_config()
            .auto_prefilter(prefilter)
            .hybrid_cache_capacity(CACHE_CAPACITY),
    )
    .syntax(syntax::Config::new());
    b
}

impl Residual {
    /// The group's leftmost match starting at or after `start`; `seen` remembers where the
    /// next non-ASCII byte is between calls on one haystack with growing `start`.
    pub fn find_at(&self, hay: &[u8], start: usize, seen: &mut NonAscii) -> Option<Match> {
        match &self.ascii_twin {
            None => self.search(&self.regex, hay, start, hay.len()),
            Some(twin) => self.find_by_lines(twin, hay, start, seen),
        }
    }

    pub fn is_match(&self, hay: &[u8]) -> bool {
        self.find_at(hay, 0, &mut NonAscii::default()).is_some()
    }

    pub fn memory_usage(&self) -> usize {
        self.regex.memory_usage() + self.ascii_twin.as_ref().map_or(0, |t| t.memory_usage())
    }

    fn search(&self, re: &meta::Regex, hay: &[u8], from: usize, to: usize) -> Option<Match> {
        re.search(&Input::new(hay).span(from..to)).map(|m| Match {
            pattern: self.ids[m.pattern().as_usize()],
            start: m.start(),
            end: m.end(),
        })
    }

    /// Runs of ASCII lines with the twin, lines holding non-ASCII bytes with the Unicode
    /// automaton. Exact because no match of this group contains `\n`: each lies on one
    /// line, and a run of ASCII lines with ASCII neighbours is where the twin agrees.
    fn find_by_lines(
        &self,
        twin: &meta::Regex,
        hay: &[u8],
        mut pos: usize,
        seen: &mut NonAscii,
    ) -> Option<Match> {
        while pos <= hay.len() {
            // Start one byte early: the character before `pos` is seen by `\b` too.
            let Some(q) = seen.first_from(hay, pos.saturating_sub(1)) else {
                return self.search(twin, hay, pos, hay.len());
            };
            let line_start = hay[..q]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let line_end = hay[q..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(hay.len(), |i| q + i);
            if line_start > pos {
                // [pos, line_start - 1]: ASCII, ending on the `\n` before the line.
                if let Some(m) = self.search(twin, hay, pos, line_start - 1) {
                    return Some(m);
                }
            }
            if let Some(m) = self.search(&self.regex, hay, pos.max(line_start), line_end) {
                return Some(m);
            }
            pos = line_end + 1;
        }
        None
    }
}

/// The first non-ASCII byte at or after some offset, kept between searches: on text with
/// few of them, looking for the next one afresh after every match was quadratic (37% of
/// the 109 rules' time on the log corpus).
#[derive(Debug, Default)]
pub(crate) struct NonAscii {
    /// `Some((from, q))`: the first byte >= 0x80 at or after `from` is at `q` (`None`: none).
    known: Option<(usize, Option<usize>)>,
}

impl NonAscii {
    fn first_from(&mut self, hay: &[u8], from: usize) -> Option<usize> {
        if let Some((at, q)) = self.known {
            if at <= from && q.is_none_or(|q| from <= q) {
                return q;
            }
        }
        let q = first_non_ascii(hay, from);
        self.known = Some((from, q));
        q
    }
}

/// Offset of the first byte >= 0x80 at or after `from`.
fn first_non_ascii(hay: &[u8], from: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let rest = &hay[from..];
    let mut chunks = rest.chunks_exact(8);
    let mut at = from;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of 8"));
        if word & HIGH != 0 {
            return chunk.iter().position(|&b| b >= 0x80).map(|i| at + i);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b >= 0x80)
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_non_ascii_finds_the_first_high_byte() {
        let hay = "abcdefghijklmnopé and ü".as_bytes();
        assert_eq!(first_non_ascii(hay, 0), Some(16));
        assert_eq!(first_non_ascii(hay, 17), Some(17));
        assert_eq!(first_non_ascii(hay, 18), Some(23));
        assert_eq!(first_non_ascii(b"plain ascii text", 0), None);
        assert_eq!(first_non_ascii(b"", 0), None);
    }
}
