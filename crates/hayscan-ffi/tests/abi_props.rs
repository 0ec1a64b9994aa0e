//! Property test of the C ABI on stable: generated literal and regex sets, options,
//! haystacks and split points, driven through the `hayscan_*` exports and checked by the
//! oracles of `oracle/mod.rs` (a naive literal matcher for every match kind, per-pattern
//! regex searches; scan = pull = count/find/is_match; streams over random splits;
//! replacement rebuilt from matches; live objects back to zero). The cargo-fuzz target in
//! `fuzz/` runs the same oracles on fuzzer-made cases.
//!
//! One test function per binary: `hayscan_live_objects()` is process-wide, so no other
//! test may create handles while a case is checked.

mod oracle;

use oracle::{Case, LITERAL_TOKENS, REGEX_PIECES, REGEX_TEXT};
use proptest::prelude::*;

/// A match kind: the three valid ones, and now and then an unknown value.
fn match_kind() -> impl Strategy<Value = u32> {
    prop_oneof![10 => 0u32..3, 1 => Just(3u32)]
}

fn literal_case() -> impl Strategy<Value = Case> {
    let token = 0..LITERAL_TOKENS.len();
    // Short patterns over a tiny alphabet: "a"/"A"/"é" heavy so matches are dense.
    let dense = prop_oneof![4 => 0usize..3, 2 => 7usize..9, 1 => token.clone()];
    (
        prop::collection::vec(prop::collection::vec(dense.clone(), 0..4), 0..6),
        prop::collection::vec(dense, 0..40),
        match_kind(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(any::<usize>(), 0..8),
        (
            1usize..6,
            any::<usize>(),
            prop::collection::vec(any::<usize>(), 0..3),
        ),
        (any::<bool>(), any::<bool>(), prop::bool::weighted(0.1)),
    )
        .prop_map(
            |(
                patterns,
                haystack,
                match_kind,
                case_insensitive,
                packed,
                cuts,
                (batch, stop_at, filter),
                (whole_words, ascii_classes, keep_empty),
            )| Case {
                // Whole words refuse empty patterns: mostly give them a token, so most
                // whole-word sets build; sometimes keep them, to check the refusal.
                patterns: if whole_words && !keep_empty {
                    patterns
                        .into_iter()
                        .map(|p| if p.is_empty() { vec![0] } else { p })
                        .collect()
                } else {
                    patterns
                },
                regex: false,
                match_kind,
                case_insensitive,
                ascii_classes,
                whole_words,
                packed,
                haystack,
                cuts,
                batch,
                stop_at,
                max_line_len: 0,
                filter,
            },
        )
}

fn regex_case() -> impl Strategy<Value = Case> {
    // The invalid piece `(` (the last) is rare, so most sets build.
    let piece = prop_oneof![30 => 0..REGEX_PIECES.len() - 1, 1 => Just(REGEX_PIECES.len() - 1)];
    (
        prop::collection::vec(prop::collection::vec(piece, 1..5), 0..5),
        prop::collection::vec(0..REGEX_TEXT.len(), 0..30),
        prop_oneof![12 => Just(0u32), 1 => match_kind()],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(any::<usize>(), 0..8),
        (
            1usize..6,
            any::<usize>(),
            prop_oneof![Just(0usize), 1usize..8],
        ),
        prop::collection::vec(any::<usize>(), 0..3),
    )
        .prop_map(
            |(
                patterns,
                haystack,
                match_kind,
                case_insensitive,
                ascii_classes,
                packed,
                cuts,
                (batch, stop_at, max_line_len),
                filter,
            )| Case {
                regex: true,
                match_kind,
                case_insensitive,
                ascii_classes,
                whole_words: false,
                packed,
                patterns,
                haystack,
                cuts,
                batch,
                stop_at,
                max_line_len,
                filter,
            },
        )
}

proptest! {
    // About 10 s of a debug build on this 2-core machine.
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn c_abi_agrees_with_the_oracles(case in prop_oneof![3 => literal_case(), 1 => regex_case()]) {
        oracle::check(&case).map_err(TestCaseError::fail)?;
    }
}
