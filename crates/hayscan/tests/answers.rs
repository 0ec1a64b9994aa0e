//! The answers without a per-match object (`count`, `count_by_pattern`,
//! `matching_patterns`, `first_match_per_pattern`, the `_many` forms) against what the
//! cursor iteration (`next_match`, one step per match) yields, on random literal sets in
//! every kind: the aggregates take aho-corasick's own iterators where they can, and must
//! not differ from the one definition of "the next match".

use hayscan::{Match, MatchKind, Matcher, Options};
use proptest::prelude::*;

fn text(max: usize) -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&'static [u8]> = vec![b"a", b"b", b"A", b" ", "é".as_bytes(), "É".as_bytes()];
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|v| v.concat())
}

fn kind() -> impl Strategy<Value = MatchKind> {
    prop_oneof![
        Just(MatchKind::LeftmostFirst),
        Just(MatchKind::LeftmostLongest),
        Just(MatchKind::Overlapping)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn aggregates_equal_the_stepped_iteration(
        patterns in prop::collection::vec(text(4), 0..6),
        hays in prop::collection::vec(text(30), 0..4),
        match_kind in kind(),
        case_insensitive in any::<bool>(),
        whole_words in any::<bool>(),
    ) {
        let opts = Options { match_kind, case_insensitive, whole_words, ..Options::default() };
        let Ok(matcher) = Matcher::new(&patterns, &opts) else {
            // Only whole words refuse a set: one with an empty pattern.
            prop_assert!(whole_words && patterns.iter().any(|p| p.is_empty()));
            return Ok(());
        };
        let mut many = Vec::new();
        for (i, hay) in hays.iter().enumerate() {
            let mut cursor = matcher.cursor();
            let stepped: Vec<Match> =
                std::iter::from_fn(|| matcher.next_match(hay, &mut cursor)).collect();
            prop_assert_eq!(matcher.find_iter(hay).collect::<Vec<_>>(), stepped.clone());
            prop_assert_eq!(matcher.count(hay), stepped.len());
            let mut scanned = Vec::new();
            matcher.scan(hay, |m| { scanned.push(m); std::ops::ControlFlow::Continue(()) });
            prop_assert_eq!(&scanned, &stepped);
            let mut counts = vec![0; patterns.len()];
            let mut firsts = vec![None; patterns.len()];
            for m in &stepped {
                counts[m.pattern as usize] += 1;
                firsts[m.pattern as usize].get_or_insert(*m);
            }
            prop_assert_eq!(matcher.count_by_pattern(hay), counts.clone());
            let present: Vec<u32> = (0..patterns.len() as u32).filter(|&p| counts[p as usize] > 0).collect();
            prop_assert_eq!(matcher.matching_patterns(hay), present);
            prop_assert_eq!(matcher.first_match_per_pattern(hay), firsts);
            many.extend(stepped.iter().map(|m| (i, *m)));
        }
        prop_assert_eq!(matcher.find_many(&hays), many);
        let counts: Vec<usize> = hays.iter().map(|h| matcher.count(h)).collect();
        prop_assert_eq!(matcher.count_many(&hays), counts);
        let found: Vec<bool> = hays.iter().map(|h| matcher.find(h).is_some()).collect();
        prop_assert_eq!(matcher.is_match_many(&hays), found);
    }
}

#[test]
fn count_by_pattern_into_sums_inputs() {
    let m = Matcher::new(&["a", "b"], &Options::default()).unwrap();
    let mut counts = [0usize; 2];
    m.count_by_pattern_into(b"aab", &mut counts);
    m.count_by_pattern_into(b"bb", &mut counts);
    assert_eq!(counts, [2, 3]);
}

#[test]
#[should_panic(expected = "counts has 1 entries, the matcher 2 patterns")]
fn count_by_pattern_into_refuses_a_short_array() {
    let m = Matcher::new(&["a", "b"], &Options::default()).unwrap();
    m.count_by_pattern_into(b"ab", &mut [0usize; 1]);
}
