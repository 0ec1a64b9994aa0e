//! Answers without a per-match object: per-pattern counts, which patterns occur, the first
//! match of each pattern, and one call over many small inputs.
//!
//! Why it exists: in a binding, one host object per match costs more than the scan
//! (hundreds of nanoseconds in V8, PHP or Ruby against a few for the automaton), and most
//! jobs only need a summary: count each keyword, tag a document with the keywords it
//! holds. These run the same iteration as `count` (`Matcher::each`) and hand back one
//! array. The `_many` forms answer a whole batch of short inputs in one call, where a
//! crossing per input would dominate.
//!
//! Every answer is defined by the matches `find_iter` yields, in the matcher's kind: in a
//! leftmost kind, a pattern whose occurrence is hidden by another pattern's match (`b`
//! inside `abc` with `["abc", "b"]`) does not occur. Build with the overlapping kind to
//! see every occurrence.

use std::ops::ControlFlow;

use crate::{Match, Matcher};

impl Matcher {
    /// Number of matches of each pattern, indexed by pattern id (`pattern_count()`
    /// entries).
    pub fn count_by_pattern(&self, haystack: &[u8]) -> Vec<usize> {
        let mut counts = vec![0; self.pattern_count()];
        self.count_by_pattern_into(haystack, &mut counts);
        counts
    }

    /// Adds each pattern's number of matches in `haystack` to `counts[pattern]` (so one
    /// array can sum many inputs). `counts` must have at least `pattern_count()` entries.
    ///
    /// # Panics
    /// If `counts` is shorter than `pattern_count()`.
    pub fn count_by_pattern_into(&self, haystack: &[u8], counts: &mut [usize]) {
        assert!(
            counts.len() >= self.pattern_count(),
            "counts has {} entries, the matcher {} patterns",
            counts.len(),
            self.pattern_count()
        );
        let _ = self.each(haystack, |m| {
            counts[m.pattern as usize] += 1;
            ControlFlow::Continue(())
        });
    }

    /// The distinct ids of the patterns that match in `haystack`, ascending. The search
    /// stops as soon as every pattern has been seen.
    pub fn matching_patterns(&self, haystack: &[u8]) -> Vec<u32> {
        let mut seen = vec![false; self.pattern_count()];
        let mut left = self.pattern_count();
        let _ = self.each(haystack, |m| {
            let slot = &mut seen[m.pattern as usize];
            if !*slot {
                *slot = true;
                left -= 1;
                if left == 0 {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        });
        (0..self.pattern_count() as u32)
            .filter(|&p| seen[p as usize])
            .collect()
    }

    /// The first match of each pattern (in `find_iter`'s order), indexed by pattern id;
    /// `None` for a pattern that does not match. The search stops as soon as every pattern
    /// has been seen.
    pub fn first_match_per_pattern(&self, haystack: &[u8]) -> Vec<Option<Match>> {
        let mut first = vec![None; self.pattern_count()];
        let mut left = self.pattern_count();
        let _ = self.each(haystack, |m| {
            let slot = &mut first[m.pattern as usize];
            if slot.is_none() {
                *slot = Some(m);
                left -= 1;
                if left == 0 {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        });
        first
    }

    /// `is_match` of each input, in order.
    pub fn is_match_many<H: AsRef<[u8]>>(&self, haystacks: &[H]) -> Vec<bool> {
        haystacks
            .iter()
            .map(|h| self.is_match(h.as_ref()))
            .collect()
    }

    /// `count` of each input, in order.
    pub fn count_many<H: AsRef<[u8]>>(&self, haystacks: &[H]) -> Vec<usize> {
        haystacks.iter().map(|h| self.count(h.as_ref())).collect()
    }

    /// Every match of every input: `(input index, match)` pairs, by input, then in
    /// `find_iter`'s order within an input. Offsets are relative to their own input.
    pub fn find_many<H: AsRef<[u8]>>(&self, haystacks: &[H]) -> Vec<(usize, Match)> {
        let mut out = Vec::new();
        for (i, h) in haystacks.iter().enumerate() {
            let _ = self.each(h.as_ref(), |m| {
                out.push((i, m));
                ControlFlow::Continue(())
            });
        }
        out
    }
}
