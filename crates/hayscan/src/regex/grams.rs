//! The factor pass for large sets of case-insensitive factors: shift-or over hashed byte
//! pairs in eight buckets, the scheme of Hyperscan's FDR, in one `u64` of state.
//!
//! Why: a real ruleset gives hundreds of factors, most of them `(?i)` (gitleaks: 405).
//! Aho-Corasick's prefilters give up on such a set (too many literals for Teddy, too many
//! start bytes, case-insensitive), so its DFA walks every byte, and each step is a table
//! load that depends on the one before: 1.7 ns a byte here, more than half of what the
//! whole ruleset costs. In this filter the table load at a position depends only on the two
//! bytes there, so successive loads overlap in the CPU; only a shift and an OR carry state
//! from one byte to the next.
//!
//! How. Each byte is folded with `| 0x20` (ASCII letters to lower case; other bytes collide
//! in pairs, which costs only false candidates), and each position `i` gives the gram
//! `(hay[i-1], hay[i])`, hashed to `DOMAIN` bits. A factor is used up to its first 9 bytes,
//! 8 grams; factors are grouped in buckets by that length (`M`), so that all factors of a
//! bucket end their grams together. The state has 8 lanes of 8 bits: bit `b` of lane `l`
//! is 0 while bucket `b` may have a factor whose first grams match, lane 7 being its last.
//! `state = state << 8 | table[gram]`; a zero bit in lane 7 is a candidate: a factor of that
//! bucket may start at `i + 1 - M`. Candidates are confirmed by a lookup of their first
//! (up to) 8 folded bytes among the bucket's keys, then a full ASCII case-insensitive
//! comparison, which is what the Aho-Corasick pass it replaces matched.
//!
//! Exactness: a factor occurrence makes every gram it covers clear its bit in its lane, so
//! it always gives a candidate; everything else a candidate may be is ruled out by the
//! confirmation. `windowed::FactorIndex` uses this filter only where its estimate of false
//! candidates is low (`GramFilter::new` returns `None` otherwise), and a property test
//! compares its hits with Aho-Corasick's on random sets.

use super::factors::Factor;

/// Bits of the gram hash: 4,096 table entries of 8 bytes, 32 KiB.
const DOMAIN: u32 = 12;
const BUCKETS: usize = 8;
/// Lanes of the state: grams of a factor the state tracks.
const LANES: usize = 8;
/// Longest prefix of a factor the shift-or state covers: 8 grams.
const MAX_M: usize = 9;
/// Largest estimated rate of false candidates per byte at which the filter is used.
const MAX_FALSE_RATE: f64 = 1.0 / 256.0;

/// The filter; see the module documentation.
#[derive(Debug)]
pub(crate) struct GramFilter {
    table: Box<[u64]>,
    buckets: Vec<Bucket>,
}

#[derive(Debug, Default)]
struct Bucket {
    /// Bytes of each factor the state covers (all factors of a bucket share it).
    m: usize,
    /// Sorted folded keys (first `min(m, 8)` bytes), and for key `k` the factors
    /// `ids[starts[k]..starts[k + 1]]`.
    keys: Vec<u64>,
    starts: Vec<u32>,
    ids: Vec<u32>,
}

#[inline(always)]
fn hash(gram: u32) -> usize {
    (gram.wrapping_mul(0x9E37_79B1) >> (32 - DOMAIN)) as usize
}

#[inline(always)]
fn gram(a: u8, b: u8) -> u32 {
    (a | 0x20) as u32 | ((b | 0x20) as u32) << 8
}

/// The folded key of `bytes` (at most 8 of them).
#[inline]
fn key(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |k, &b| (k << 8) | (b | 0x20) as u64)
}

impl GramFilter {
    /// The filter for `factors`, or `None` when it would give too many false candidates
    /// (or a factor is shorter than 2 bytes).
    pub fn new(factors: &[Factor]) -> Option<GramFilter> {
        GramFilter::build(factors, MAX_FALSE_RATE)
    }

    fn build(factors: &[Factor], max_false_rate: f64) -> Option<GramFilter> {
        if factors.iter().any(|f| f.bytes.len() < 2) {
            return None;
        }
        // Factors by the length the state covers, 2..=9.
        let mut by_m: Vec<Vec<u32>> = vec![Vec::new(); MAX_M + 1];
        for (id, f) in factors.iter().enumerate() {
            by_m[f.bytes.len().min(MAX_M)].push(id as u32);
        }
        // One bucket per length present; spare buckets split the lengths with the most
        // factors, which have the fullest lanes.
        let mut groups: Vec<(usize, Vec<u32>)> = by_m
            .into_iter()
            .enumerate()
            .filter(|(_, ids)| !ids.is_empty())
            .collect();
        if groups.len() > BUCKETS {
            return None;
        }
        while groups.len() < BUCKETS {
            let (big, _) = groups
                .iter()
                .enumerate()
                .max_by_key(|(_, (_, ids))| ids.len())?;
            if groups[big].1.len() < 2 {
                break;
            }
            let m = groups[big].0;
            let ids = std::mem::take(&mut groups[big].1);
            let half = ids.len() / 2;
            groups[big].1 = ids[..half].to_vec();
            groups.push((m, ids[half..].to_vec()));
        }
        let mut table = vec![!0u64; 1 << DOMAIN].into_boxed_slice();
        let mut buckets = Vec::with_capacity(groups.len());
        let mut false_rate = 0.0;
        for (b, (m, ids)) in groups.into_iter().enumerate() {
            let grams = m - 1;
            // Lanes before the bucket's first gram match anything.
            for lane in 0..LANES - grams {
                let bit = 1u64 << (b + 8 * lane);
                table.iter_mut().for_each(|t| *t &= !bit);
            }
            let mut per_lane = vec![std::collections::HashSet::new(); grams];
            for &id in &ids {
                let f = &factors[id as usize].bytes;
                for j in 0..grams {
                    let h = hash(gram(f[j], f[j + 1]));
                    let lane = LANES - grams + j;
                    table[h] &= !(1u64 << (b + 8 * lane));
                    per_lane[j].insert(h);
                }
            }
            // Random text passes a lane with the share of entries it clears.
            false_rate += per_lane
                .iter()
                .map(|s| s.len() as f64 / (1u64 << DOMAIN) as f64)
                .product::<f64>();
            let mut keyed: Vec<(u64, u32)> = ids
                .iter()
                .map(|&id| {
                    let f = &factors[id as usize].bytes;
                    (key(&f[..m.min(8)]), id)
                })
                .collect();
            keyed.sort_unstable();
            let mut bucket = Bucket {
                m,
                ..Bucket::default()
            };
            for (k, id) in keyed {
                if bucket.keys.last() != Some(&k) {
                    bucket.keys.push(k);
                    bucket.starts.push(bucket.ids.len() as u32);
                }
                bucket.ids.push(id);
            }
            bucket.starts.push(bucket.ids.len() as u32);
            buckets.push(bucket);
        }
        (false_rate <= max_false_rate).then_some(GramFilter { table, buckets })
    }

    /// Calls `on_hit(factor, start)` for every occurrence of every factor in `hay` (ASCII
    /// case-insensitive), in order of the positions where their first 9 bytes end, until
    /// it returns false.
    pub fn for_each_hit(
        &self,
        hay: &[u8],
        factors: &[Factor],
        mut on_hit: impl FnMut(usize, usize) -> bool,
    ) {
        let table: &[u64; 1 << DOMAIN] = self.table[..].try_into().expect("table size");
        // `lo`: the state at the last position done. Lanes start matched: the candidates
        // this gives in the first 8 bytes start before the haystack and `confirm` drops
        // them.
        let mut lo = 0u64;
        let mut i = 1;
        // Eight positions a step, as FDR does: the state after them is `state << 64 | R`
        // in 128 bits, where R combines the eight table entries; lane 7 of the state at
        // position `i + k` is then lane `14 - k` of that, so nothing carries from byte to
        // byte but one OR.
        while i + 8 <= hay.len() {
            let word: [u8; 8] = hay[i - 1..i + 7].try_into().expect("8 bytes");
            let a = u64::from_le_bytes(word) | 0x2020_2020_2020_2020;
            let last = (hay[i + 7] | 0x20) as u64;
            let mut r_lo = 0u64;
            let mut r_hi = 0u64;
            for t in 0..8 {
                let g = if t < 7 {
                    (a >> (8 * t)) & 0xFFFF
                } else {
                    (a >> 56) | (last << 8)
                };
                let r = table[hash(g as u32)];
                let shift = 8 * (7 - t);
                r_lo |= r << shift;
                if shift > 0 {
                    r_hi |= r >> (64 - shift);
                }
            }
            let hi = lo | r_hi;
            lo = r_lo;
            if (lo | 0x00FF_FFFF_FFFF_FFFF) & (hi | 0xFF00_0000_0000_0000) != !0 {
                for k in 0..8 {
                    let lane = if k < 7 { hi >> (8 * (6 - k)) } else { lo >> 56 };
                    let candidates = !lane as u8;
                    if candidates != 0
                        && !self.confirm(hay, i + k, candidates, factors, &mut on_hit)
                    {
                        return;
                    }
                }
            }
            i += 8;
        }
        while i < hay.len() {
            lo = (lo << 8) | table[hash(gram(hay[i - 1], hay[i]))];
            let candidates = !(lo >> 56) as u8;
            if candidates != 0 && !self.confirm(hay, i, candidates, factors, &mut on_hit) {
                return;
            }
            i += 1;
        }
    }

    #[cold]
    #[inline(never)]
    fn confirm(
        &self,
        hay: &[u8],
        end: usize,
        mut candidates: u8,
        factors: &[Factor],
        on_hit: &mut impl FnMut(usize, usize) -> bool,
    ) -> bool {
        while candidates != 0 {
            let b = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let bucket = &self.buckets[b];
            let Some(start) = (end + 1).checked_sub(bucket.m) else {
                continue;
            };
            let k = key(&hay[start..start + bucket.m.min(8)]);
            let Ok(at) = bucket.keys.binary_search(&k) else {
                continue;
            };
            let ids = &bucket.ids[bucket.starts[at] as usize..bucket.starts[at + 1] as usize];
            for &id in ids {
                let f = &factors[id as usize].bytes;
                let Some(found) = hay.get(start..start + f.len()) else {
                    continue;
                };
                if found.eq_ignore_ascii_case(f) && !on_hit(id as usize, start) {
                    return false;
                }
            }
        }
        true
    }

    pub fn memory_usage(&self) -> usize {
        self.table.len() * 8
            + self
                .buckets
                .iter()
                .map(|b| b.keys.len() * 8 + b.starts.len() * 4 + b.ids.len() * 4)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn factor(bytes: &[u8]) -> Factor {
        Factor {
            bytes: bytes.to_vec(),
            folded: vec![false; bytes.len()],
        }
    }

    /// Every `(factor, start)` where the factor occurs ASCII case-insensitively: the
    /// Aho-Corasick pass this filter replaces, written naively.
    fn naive(factors: &[Factor], hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (id, f) in factors.iter().enumerate() {
            for s in 0..hay.len() {
                if hay[s..].len() >= f.bytes.len()
                    && hay[s..s + f.bytes.len()].eq_ignore_ascii_case(&f.bytes)
                {
                    out.push((id, s));
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn hits(g: &GramFilter, factors: &[Factor], hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        g.for_each_hit(hay, factors, |id, s| {
            out.push((id, s));
            true
        });
        out.sort_unstable();
        out
    }

    #[test]
    fn finds_factors_of_every_length_at_both_ends_and_in_every_case() {
        let factors: Vec<Factor> = [
            &b"s."[..],
            b"ey",
            b"api",
            b"token",
            b"passw",
            b"message",
            b"-----begin",
            b"zendes\xe2\x84\xaa",
            b"https://",
            b"abcdefghijklmnop",
        ]
        .iter()
        .map(|b| factor(b))
        .collect();
        let g = GramFilter::new(&factors).expect("a selective set");
        for hay in [
            &b"s."[..],
            b"API",
            b"xs.ey",
            b"ToKeN=1 PASSW message -----BEGIN zendes\xe2\x84\xaa",
            b"abcdefghijklmnopq https://x s",
            b"e",
            b"",
            b"MESSAGEMESSAGE ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP",
        ] {
            assert_eq!(hits(&g, &factors, hay), naive(&factors, hay), "{hay:?}");
        }
    }

    #[test]
    fn stops_when_told() {
        let factors = vec![factor(b"ab"), factor(b"abc")];
        let g = GramFilter::build(&factors, f64::INFINITY).unwrap();
        let mut n = 0;
        g.for_each_hit(b"abc abc abc abc abc", &factors, |_, _| {
            n += 1;
            n < 3
        });
        assert_eq!(n, 3);
    }

    #[test]
    fn refuses_sets_that_would_fill_the_lanes() {
        // Every pair of 64 byte values as a 2-byte factor: every position is a candidate.
        let mut all = Vec::new();
        for a in 0..64u8 {
            for b in 0..64u8 {
                all.push(factor(&[b'0' + a, b'0' + b]));
            }
        }
        assert!(GramFilter::new(&all).is_none());
        assert!(GramFilter::new(&[factor(b"x")]).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Random factor sets over a small alphabet (cases, a non-ASCII letter, bytes that
        /// fold onto others with `| 0x20`) find exactly what a naive search finds.
        #[test]
        fn the_filter_finds_exactly_the_occurrences(
            factors in prop::collection::vec(
                prop::collection::vec(prop::sample::select(&b"aAbB.\x0e\xc3\xa9@`_"[..]), 2..14),
                1..40,
            ),
            hay in prop::collection::vec(prop::sample::select(&b"aAbB.\x0e\xc3\xa9@`_ \n"[..]), 0..300),
        ) {
            let factors: Vec<Factor> = factors.iter().map(|f| factor(f)).collect();
            let g = GramFilter::build(&factors, f64::INFINITY).unwrap();
            prop_assert_eq!(hits(&g, &factors, &hay), naive(&factors, &hay));
        }
    }
}
