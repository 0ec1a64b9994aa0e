//! Counting and finding on several threads at once, with exactly the single-thread
//! answer.
//!
//! Why it exists: one scan uses one core; a 100 MB input on a machine with more cores
//! can be split. The haystack is cut into segments, one thread each.
//!
//! **Leftmost kinds.** Segment `k` starts its own chain of matches at its first byte and
//! follows it (past its end if a match runs on) until a match starts in the next segment.
//! A chain that starts at `s` is the true one from the first match whose start is at or
//! after the point where the previous segment's true chain ended (`E`): a leftmost search
//! from `E` and one from `s` find the same match once no match starts in between. So
//! the segments are joined in order: when the previous segment's last match ends at
//! `E <= s`, the chain is taken whole; when it ends past `s`, the matches before `E` are
//! dropped and the search is rerun from `E` until it lands on a match of the chain, from
//! which on the chain is taken. Each thread keeps the first [`HEAD`] matches of its chain
//! for this; a join that needs more (it does not happen on text, it would take a run of
//! [`HEAD`] overlapping candidates) searches that segment again on the joining thread.
//!
//! **Overlapping kind.** A match belongs to the segment its end falls in; each thread
//! scans from `longest - 1` bytes before its segment, so the automaton is in the state a
//! whole-buffer scan has there, and matches come out in the whole-buffer order.
//!
//! Sets this does not split (regex sets, sets with an empty pattern, whole words,
//! non-ASCII case folding) and inputs too short to be worth threads are scanned on the
//! calling thread, with the same answer.

use aho_corasick::{self as ac, AhoCorasick};

use crate::{Match, MatchKind, Matcher};

/// Segments smaller than this are not worth a thread.
const MIN_SEGMENT: usize = 256 << 10;
/// Most threads [`Matcher::count_parallel`] starts when asked for the default.
const MAX_DEFAULT_THREADS: usize = 8;
/// Matches of a segment's own chain kept for the join.
const HEAD: usize = 64;

/// The thread count a caller's `threads` means: 0 is the available cores, at most
/// [`MAX_DEFAULT_THREADS`] (also for the file counts, `file.rs`).
pub(crate) fn thread_count(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_DEFAULT_THREADS),
        n => n,
    }
}

/// What one segment's thread found.
struct Segment {
    /// Where the segment starts and ends.
    start: usize,
    end: usize,
    /// The chain's first matches (leftmost kinds), or all of its matches (`collect`).
    head: Vec<Match>,
    /// Matches of the chain that start in the segment.
    count: usize,
    /// True if `head` holds every match of the chain in the segment.
    complete: bool,
    /// The chain's last match that starts in the segment.
    last: Option<Match>,
}

impl Segment {
    fn new(start: usize, end: usize) -> Segment {
        Segment {
            start,
            end,
            head: Vec::new(),
            count: 0,
            complete: true,
            last: None,
        }
    }
}

impl Matcher {
    /// `count`, on up to `threads` threads (0: the available cores, at most 8). The
    /// answer is exactly `count`'s.
    pub fn count_parallel(&self, haystack: &[u8], threads: usize) -> usize {
        self.count_split(haystack, threads, MIN_SEGMENT)
    }

    fn count_split(&self, haystack: &[u8], threads: usize, min_segment: usize) -> usize {
        match self.split_plan(haystack, threads, min_segment) {
            Some((ac, segments)) => self.join(ac, haystack, &segments, false, &mut |_| ()),
            None => self.count(haystack),
        }
    }

    /// `find_iter(..).collect()`, on up to `threads` threads (0: the available cores, at
    /// most 8). The answer is exactly the single-thread one, in the same order.
    pub fn find_all_parallel(&self, haystack: &[u8], threads: usize) -> Vec<Match> {
        self.find_all_split(haystack, threads, MIN_SEGMENT)
    }

    fn find_all_split(&self, haystack: &[u8], threads: usize, min_segment: usize) -> Vec<Match> {
        let Some((ac, segments)) = self.split_plan(haystack, threads, min_segment) else {
            return self.find_iter(haystack).collect();
        };
        let mut out = Vec::new();
        self.join(ac, haystack, &segments, true, &mut |m| out.push(m));
        out
    }

    /// The automaton and the segment boundaries, if this set and input are split.
    fn split_plan<'a>(
        &'a self,
        haystack: &[u8],
        threads: usize,
        min_segment: usize,
    ) -> Option<(&'a AhoCorasick, Vec<(usize, usize)>)> {
        let ac = self.plain_automaton()?;
        let threads = thread_count(threads);
        let n = threads.min(haystack.len() / min_segment.max(1)).max(1);
        if n < 2 {
            return None;
        }
        let size = haystack.len().div_ceil(n);
        let len = haystack.len();
        let bounds = (0..n)
            .map(|i| ((i * size).min(len), ((i + 1) * size).min(len)))
            .filter(|(start, end)| start < end)
            .collect();
        Some((ac, bounds))
    }

    /// Runs every segment on its own thread, then joins them in order, handing each true
    /// match to `sink` (when `collect`) and returning their number.
    fn join(
        &self,
        ac: &AhoCorasick,
        hay: &[u8],
        bounds: &[(usize, usize)],
        collect: bool,
        sink: &mut dyn FnMut(Match),
    ) -> usize {
        let overlapping = self.options().match_kind == MatchKind::Overlapping;
        let longest = self.max_pattern_len();
        let segments: Vec<Segment> = std::thread::scope(|scope| {
            let handles: Vec<_> = bounds
                .iter()
                .map(|&(start, end)| {
                    scope.spawn(move || {
                        let walked = (overlapping && !collect)
                            .then(|| self.walker()?.count_span(hay, start, end, longest))
                            .flatten();
                        if let Some(count) = walked {
                            Segment {
                                count,
                                ..Segment::new(start, end)
                            }
                        } else if overlapping {
                            overlapping_segment(ac, hay, start, end, longest, collect)
                        } else {
                            leftmost_segment(ac, hay, start, end, collect)
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a scan thread panicked"))
                .collect()
        });
        if overlapping {
            // Segments own disjoint ends, in order: nothing to join.
            let mut total = 0;
            for seg in segments {
                total += seg.count;
                seg.head.into_iter().for_each(&mut *sink);
            }
            return total;
        }
        let mut total = 0;
        let mut resume = 0; // where the true chain continues
        for seg in segments {
            total += join_leftmost(ac, hay, &seg, &mut resume, collect, sink);
        }
        total
    }
}

/// Segment `[start, end)` of a leftmost set: the chain of matches from `start`, up to the
/// first match that starts at or after `end`.
fn leftmost_segment(
    ac: &AhoCorasick,
    hay: &[u8],
    start: usize,
    end: usize,
    collect: bool,
) -> Segment {
    let mut seg = Segment::new(start, end);
    for m in ac.find_iter(starting_before(ac, hay, start, end)) {
        if m.start() >= end {
            break;
        }
        seg.count += 1;
        seg.last = Some(convert(m));
        if collect || seg.head.len() < HEAD {
            seg.head.push(convert(m));
        } else {
            seg.complete = false;
        }
    }
    seg
}

/// Segment `[start, end)` of an overlapping set: the matches whose end falls in
/// `(start, end]` (`[0, end]` for the first segment), from a scan that starts `longest - 1`
/// bytes early.
fn overlapping_segment(
    ac: &AhoCorasick,
    hay: &[u8],
    start: usize,
    end: usize,
    longest: usize,
    collect: bool,
) -> Segment {
    let from = start.saturating_sub(longest.saturating_sub(1));
    let input = ac::Input::new(hay).span(from..end);
    let mut seg = Segment::new(start, end);
    for m in ac.find_overlapping_iter(input) {
        if start > 0 && m.end() <= start {
            continue;
        }
        seg.count += 1;
        if collect {
            seg.head.push(convert(m));
        }
    }
    seg
}

/// Joins one leftmost segment to the true chain, which continues at `*resume`: hands the
/// segment's true matches to `sink` (when `collect`), returns their number and moves
/// `*resume` to the end of the last one.
fn join_leftmost(
    ac: &AhoCorasick,
    hay: &[u8],
    seg: &Segment,
    resume: &mut usize,
    collect: bool,
    sink: &mut dyn FnMut(Match),
) -> usize {
    let mut n = 0;
    let mut take = |m: Match, resume: &mut usize| {
        if collect {
            sink(m);
        }
        *resume = m.end;
    };
    // Rerun the search from `*resume` until it lands on a match of the segment's chain.
    let mut idx = 0; // first chain match not yet passed
    while *resume > seg.start {
        let Some(m) = ac
            .find(starting_before(ac, hay, *resume, seg.end))
            .map(convert)
        else {
            return n;
        };
        if m.start >= seg.end {
            return n; // the chain of this segment lies wholly under earlier matches
        }
        while idx < seg.head.len() && seg.head[idx].start < m.start {
            idx += 1;
        }
        if idx < seg.head.len() && seg.head[idx] == m {
            break; // synchronised: the chain from here on is the true one
        }
        if idx == seg.head.len() && !seg.complete {
            // Past the kept head without meeting the chain: search the rest here.
            take(m, resume);
            n += 1;
            for m in ac.find_iter(starting_before(ac, hay, *resume, seg.end)) {
                if m.start() >= seg.end {
                    break;
                }
                take(convert(m), resume);
                n += 1;
            }
            return n;
        }
        take(m, resume);
        n += 1;
    }
    // The chain from `idx` is the true one: the kept matches, then the uncounted rest.
    for &m in &seg.head[idx..] {
        take(m, resume);
        n += 1;
    }
    if !seg.complete {
        // Only counting: the rest of the chain is counted, and it ends where the chain's
        // last match does.
        let rest = seg.count - seg.head.len();
        n += rest;
        if let (true, Some(last)) = (rest > 0, seg.last) {
            *resume = last.end;
        }
    }
    n
}

/// The input for a search from `from` that only needs the matches starting before
/// `before`: it ends where the longest of them could, so a segment without matches is
/// not searched to the end of the haystack. Leftmost matches starting before `before` are
/// the same in it as in the whole haystack (each lies inside it, and so does every
/// candidate that competes with it at its start).
pub(crate) fn starting_before<'h>(
    ac: &AhoCorasick,
    hay: &'h [u8],
    from: usize,
    before: usize,
) -> ac::Input<'h> {
    let longest = ac.max_pattern_len();
    let end = before
        .saturating_add(longest.saturating_sub(1))
        .min(hay.len())
        .max(from.min(hay.len()));
    ac::Input::new(hay).span(from.min(hay.len())..end)
}

pub(crate) fn convert(m: ac::Match) -> Match {
    Match {
        pattern: m.pattern().as_u32(),
        start: m.start(),
        end: m.end(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::{Match, MatchKind, Matcher, Options};

    fn kind() -> impl Strategy<Value = MatchKind> {
        prop_oneof![
            Just(MatchKind::LeftmostFirst),
            Just(MatchKind::LeftmostLongest),
            Just(MatchKind::Overlapping)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        /// Segments of a few bytes, so joins land inside matches, on runs of overlapping
        /// candidates longer than the kept head, and on segments no chain starts in.
        #[test]
        fn split_scans_equal_the_single_thread_scan(
            patterns in prop::collection::vec("[ab]{1,4}", 1..6),
            hay in "[abc]{0,300}",
            threads in 2usize..9,
            min_segment in 1usize..40,
            kind in kind(),
        ) {
            let opts = Options { match_kind: kind, ..Options::default() };
            let m = Matcher::new(&patterns, &opts).unwrap();
            let hay = hay.as_bytes();
            let want: Vec<Match> = m.find_iter(hay).collect();
            prop_assert_eq!(m.find_all_split(hay, threads, min_segment), want.clone());
            prop_assert_eq!(m.count_split(hay, threads, min_segment), want.len());
        }
    }

    #[test]
    fn a_join_past_the_kept_head_still_counts_exactly() {
        // "aa" over a run of 'a's: every segment's own chain is out of step with the true
        // one by one byte when a segment starts at an odd offset, and meets it only where
        // the run ends, after far more than HEAD matches.
        let m = Matcher::new(&["aa"], &Options::default()).unwrap();
        let mut hay = vec![b'a'; 10_001];
        hay.extend_from_slice(b"b aa");
        let want: Vec<Match> = m.find_iter(&hay).collect();
        for threads in [2, 3, 7] {
            assert_eq!(
                m.count_split(&hay, threads, 1),
                want.len(),
                "{threads} threads"
            );
            assert_eq!(
                m.find_all_split(&hay, threads, 1),
                want,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn sets_it_does_not_split_give_the_same_answer() {
        let hay = "x".repeat(1 << 20) + "ÉTÉ été ab";
        for (patterns, opts) in [
            (
                vec!["été"],
                Options {
                    case_insensitive: true,
                    ..Options::default()
                },
            ),
            (vec!["", "ab"], Options::default()),
            (
                vec!["ab"],
                Options {
                    whole_words: true,
                    ..Options::default()
                },
            ),
            (vec![r"\w+"], Options::regex()),
        ] {
            let m = Matcher::new(&patterns, &opts).unwrap();
            let want: Vec<Match> = m.find_iter(hay.as_bytes()).collect();
            assert_eq!(m.find_all_parallel(hay.as_bytes(), 4), want);
            assert_eq!(m.count_parallel(hay.as_bytes(), 0), want.len());
        }
    }
}
