//! Case-insensitive literal sets fold by Unicode simple case folding, as regex sets do
//! (`(?i)`), for every pair of the same UTF-8 length: a differential test against the regex
//! set of the same literals, every match kind, and streams split inside characters.

use std::sync::Arc;

use hayscan::{Match, MatchKind, Matcher, Options, Syntax};
use proptest::prelude::*;

mod common;

fn literal(patterns: &[&str], kind: MatchKind) -> Matcher {
    let options = Options {
        match_kind: kind,
        case_insensitive: true,
        ..Options::default()
    };
    Matcher::new(patterns, &options).unwrap()
}

fn regex(patterns: &[&str]) -> Matcher {
    let options = Options {
        syntax: Syntax::Regex,
        case_insensitive: true,
        ..Options::default()
    };
    Matcher::new(patterns, &options).unwrap()
}

fn triples(found: impl IntoIterator<Item = Match>) -> Vec<(u32, usize, usize)> {
    found
        .into_iter()
        .map(|m| (m.pattern, m.start, m.end))
        .collect()
}

fn streamed(matcher: &Arc<Matcher>, chunks: &[&[u8]]) -> Vec<(u32, usize, usize)> {
    triples(common::run_stream(matcher, chunks))
}

/// Simple case folding pairs whose lowercase forms differ (so folding by lowercase alone
/// misses them) and ordinary pairs, each with offsets in the test.
#[test]
fn simple_folding_pairs_match_in_every_kind() {
    let pairs = [
        ("µ", "μ"), // MICRO SIGN / GREEK SMALL LETTER MU
        ("µ", "Μ"), // MICRO SIGN / GREEK CAPITAL LETTER MU
        ("ϐ", "β"), // GREEK BETA SYMBOL
        ("ϑ", "θ"), // GREEK THETA SYMBOL
        ("ϴ", "ϑ"), // GREEK CAPITAL THETA SYMBOL
        ("ς", "Σ"), // final sigma
        ("ǅ", "ǆ"), // titlecase DŽ
        ("ϰ", "κ"), // GREEK KAPPA SYMBOL
        ("ẛ", "ṡ"), // LATIN SMALL LETTER LONG S WITH DOT ABOVE
        ("ꭰ", "Ꭰ"), // Cherokee
        ("𐐨", "𐐀"), // Deseret (4 bytes)
    ];
    for kind in [
        MatchKind::LeftmostFirst,
        MatchKind::LeftmostLongest,
        MatchKind::Overlapping,
    ] {
        for (a, b) in pairs {
            for (pattern, text) in [(a, b), (b, a)] {
                let hay = format!("x{text}y{text}");
                let m = literal(&[pattern], kind);
                let len = text.len();
                let want = vec![(0, 1, 1 + len), (0, 2 + len, 2 + 2 * len)];
                assert_eq!(
                    triples(m.find_iter(hay.as_bytes())),
                    want,
                    "{pattern} in {hay} ({kind:?})"
                );
                // The regex set agrees.
                assert_eq!(triples(regex(&[pattern]).find_iter(hay.as_bytes())), want);
            }
        }
    }
}

/// Pairs whose UTF-8 lengths differ are not folded together by literal sets (regex sets
/// do fold them): the documented remaining difference.
#[test]
fn length_changing_pairs_stay_apart_in_literal_sets() {
    for (pattern, text) in [
        ("k", "\u{212A}"),
        ("s", "ſ"),
        ("ß", "ẞ"),
        ("å", "\u{212B}"),
        ("ω", "\u{2126}"),
    ] {
        for (p, t) in [(pattern, text), (text, pattern)] {
            assert_eq!(
                literal(&[p], MatchKind::LeftmostFirst).count(t.as_bytes()),
                0,
                "{p} / {t}"
            );
            assert_eq!(regex(&[p]).count(t.as_bytes()), 1, "{p} / {t}");
        }
    }
}

/// Same-length letters with simple case folding classes of 2-3 members, ASCII among them.
/// No member of a class with another UTF-8 length (Kelvin sign, long s) is included.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a", "A", "k", "K", "s", "S", "µ", "μ", "Μ", "ϐ", "β", "Β", "ϑ", "θ", "Θ", "ϴ", "σ", "ς",
        "Σ", "é", "É", "ǅ", "ǆ", "Ǆ", "ϰ", "κ", "x", "€",
    ])
}

fn word(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), min..=max).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn literal_set_agrees_with_regex_set(
        patterns in prop::collection::vec(word(1, 3), 1..5),
        hay in word(0, 14),
    ) {
        let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
        // Letters only: no regex metacharacters to escape.
        let lit = literal(&refs, MatchKind::LeftmostFirst);
        let re = regex(&refs);
        prop_assert_eq!(
            triples(lit.find_iter(hay.as_bytes())),
            triples(re.find_iter(hay.as_bytes()))
        );
        prop_assert_eq!(lit.is_match(hay.as_bytes()), re.is_match(hay.as_bytes()));
    }

    #[test]
    fn streams_split_inside_characters_agree(
        patterns in prop::collection::vec(word(1, 3), 1..5),
        hay in word(0, 14),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
        kind in prop_oneof![
            Just(MatchKind::LeftmostFirst),
            Just(MatchKind::LeftmostLongest),
            Just(MatchKind::Overlapping)
        ],
    ) {
        let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let m = Arc::new(literal(&refs, kind));
        let bytes = hay.as_bytes();
        let chunks = common::split(bytes, &cuts);
        prop_assert_eq!(streamed(&m, &chunks), triples(m.find_iter(bytes)));
    }
}
