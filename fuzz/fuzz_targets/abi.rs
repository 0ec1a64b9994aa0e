//! Fuzzes the C ABI: a fuzzer-made case (literal or regex set, options, haystack, split
//! points) is driven through the `hayscan_*` exports and checked by the oracles shared
//! with the stable property test (crates/hayscan-ffi/tests/oracle/mod.rs).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[path = "../../crates/hayscan-ffi/tests/oracle/mod.rs"]
mod oracle;

#[derive(Arbitrary, Debug)]
struct Input {
    regex: bool,
    kind: u8,
    case_insensitive: bool,
    ascii_classes: bool,
    whole_words: bool,
    packed: bool,
    patterns: Vec<Vec<u8>>,
    haystack: Vec<u8>,
    cuts: Vec<u16>,
    batch: u8,
    stop_at: u8,
    max_line_len: u8,
    filter: Vec<u8>,
}

fuzz_target!(|input: Input| {
    // Bounded sizes keep each case fast (the naive matcher is quadratic).
    let case = oracle::Case {
        regex: input.regex,
        // Mostly valid kinds, sometimes an unknown one (must be refused).
        match_kind: u32::from(input.kind % 7).min(3),
        case_insensitive: input.case_insensitive,
        ascii_classes: input.ascii_classes,
        whole_words: input.whole_words,
        packed: input.packed,
        patterns: input
            .patterns
            .iter()
            .take(8)
            .map(|p| p.iter().take(6).map(|&t| t as usize).collect())
            .collect(),
        haystack: input.haystack.iter().take(200).map(|&t| t as usize).collect(),
        cuts: input.cuts.iter().take(16).map(|&c| c as usize).collect(),
        batch: usize::from(input.batch % 9).max(1),
        stop_at: input.stop_at as usize,
        max_line_len: usize::from(input.max_line_len % 12),
        filter: input.filter.iter().take(4).map(|&f| f as usize).collect(),
    };
    if let Err(e) = oracle::check(&case) {
        panic!("{e}");
    }
});
