//! Whole-word literal sets against a naive oracle: every occurrence of every pattern (the
//! same set without `whole_words`, overlapping), filtered by a word test built on another
//! engine's `\w` (regex-automata's), then the leftmost selection written out by hand.
//! Random sets over a small alphabet with non-ASCII neighbours and invalid bytes, every
//! match kind, whole-buffer and streamed over random splits; and, for sets of word
//! characters, the regex route `\b(?:p0|p1|…)\b`, which must agree with leftmost-first.

use std::ops::ControlFlow;
use std::sync::Arc;

use hayscan::{Error, Match, MatchKind, Matcher, Options, Stream, Syntax};
use proptest::prelude::*;
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};

mod common;
use common::{run_stream, split};

/// `\w` as regex-automata defines it (Unicode), asked of the one character at `at`.
fn unicode_word_at(word: &Regex, hay: &[u8], at: usize) -> bool {
    let input = Input::new(hay).range(at..).anchored(Anchored::Yes);
    word.find(input).is_some()
}

/// True if the character ending at `at` is a word character.
fn word_before(word: &Regex, ascii: bool, hay: &[u8], at: usize) -> bool {
    if at == 0 {
        return false;
    }
    if ascii {
        let b = hay[at - 1];
        return b.is_ascii_alphanumeric() || b == b'_';
    }
    // Try each start up to 4 bytes back: the character ending exactly at `at`.
    (at.saturating_sub(4)..at).any(|s| {
        let input = Input::new(hay).range(s..at).anchored(Anchored::Yes);
        word.find(input).is_some_and(|m| m.end() == at)
            && std::str::from_utf8(&hay[s..at]).is_ok_and(|t| t.chars().count() == 1)
    })
}

fn word_after(word: &Regex, ascii: bool, hay: &[u8], at: usize) -> bool {
    if at >= hay.len() {
        return false;
    }
    if ascii {
        let b = hay[at];
        return b.is_ascii_alphanumeric() || b == b'_';
    }
    unicode_word_at(word, hay, at)
}

fn oracle(patterns: &[Vec<u8>], opts: &Options, hay: &[u8]) -> Vec<Match> {
    let word = Regex::new(r"\w").unwrap();
    let all = Matcher::new(
        patterns,
        &Options {
            match_kind: MatchKind::Overlapping,
            whole_words: false,
            ..opts.clone()
        },
    )
    .unwrap();
    let ascii = opts.ascii_classes;
    let accepted: Vec<Match> = all
        .find_iter(hay)
        .filter(|m| {
            !word_before(&word, ascii, hay, m.start) && !word_after(&word, ascii, hay, m.end)
        })
        .collect();
    if opts.match_kind == MatchKind::Overlapping {
        return accepted;
    }
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let at_start = |m: &&Match| m.start >= pos;
        let Some(start) = accepted.iter().filter(at_start).map(|m| m.start).min() else {
            return out;
        };
        let here = accepted.iter().filter(|m| m.start == start);
        let best = match opts.match_kind {
            MatchKind::LeftmostLongest => here
                .min_by_key(|m| (std::cmp::Reverse(m.end), m.pattern))
                .unwrap(),
            _ => here.min_by_key(|m| m.pattern).unwrap(),
        };
        out.push(*best);
        pos = best.end;
    }
}

fn kind() -> impl Strategy<Value = MatchKind> {
    prop_oneof![
        Just(MatchKind::LeftmostFirst),
        Just(MatchKind::LeftmostLongest),
        Just(MatchKind::Overlapping)
    ]
}

/// Pieces: word bytes, a space, `_`, a non-ASCII letter (é, É), a combining mark (a word
/// character in Unicode only), an em dash (never a word character), a lone lead byte and
/// an invalid byte.
fn text(max: usize, hostile: bool) -> impl Strategy<Value = Vec<u8>> {
    let mut pieces: Vec<&'static [u8]> = vec![
        b"a",
        b"b",
        b"B",
        b" ",
        b"_",
        "é".as_bytes(),
        "É".as_bytes(),
        "\u{301}".as_bytes(),
        "\u{2014}".as_bytes(),
    ];
    if hostile {
        pieces.extend([&b"\xC3"[..], b"\xFF"]);
    }
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|v| v.concat())
}

fn nonempty(max: usize) -> impl Strategy<Value = Vec<u8>> {
    text(max, false).prop_filter("a word is not empty", |p| !p.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn whole_words_equal_the_naive_definition(
        patterns in prop::collection::vec(nonempty(4), 1..6),
        hay in text(40, true),
        cuts in prop::collection::vec(any::<usize>(), 0..10),
        match_kind in kind(),
        ascii_classes in any::<bool>(),
        case_insensitive in any::<bool>(),
    ) {
        let opts = Options { match_kind, ascii_classes, case_insensitive, whole_words: true, ..Options::default() };
        let matcher = Arc::new(Matcher::new(&patterns, &opts).unwrap());
        let want = oracle(&patterns, &opts, &hay);
        let got: Vec<Match> = matcher.find_iter(&hay).collect();
        prop_assert_eq!(&got, &want, "find_iter");
        prop_assert_eq!(matcher.count(&hay), want.len());
        prop_assert_eq!(matcher.is_match(&hay), !want.is_empty());
        let chunks = split(&hay, &cuts);
        prop_assert_eq!(&run_stream(&matcher, &chunks), &want, "random split {:?}", chunks);
        let bytes: Vec<&[u8]> = hay.chunks(1).collect();
        prop_assert_eq!(&run_stream(&matcher, &bytes), &want, "1-byte chunks");
    }

    #[test]
    fn whole_words_of_word_characters_equal_the_regex_route(
        patterns in prop::collection::vec("[abé]{1,3}", 1..6),
        hay in text(40, false),
        ascii_classes in any::<bool>(),
        case_insensitive in any::<bool>(),
    ) {
        let opts = Options { ascii_classes, case_insensitive, whole_words: true, ..Options::default() };
        let words = Matcher::new(&patterns, &opts).unwrap();
        let alternation = patterns.join("|");
        let regex = Matcher::new(
            &[format!(r"\b(?:{alternation})\b")],
            &Options { syntax: Syntax::Regex, ascii_classes, case_insensitive, ..Options::default() },
        ).unwrap();
        let got: Vec<(usize, usize)> = words.find_iter(&hay).map(|m| (m.start, m.end)).collect();
        let want: Vec<(usize, usize)> = regex.find_iter(&hay).map(|m| (m.start, m.end)).collect();
        // In ASCII mode `é` is not a word character but its bytes are in the pattern, so
        // `\b` next to it differs from "the neighbour is not a word character".
        if !ascii_classes || !patterns.iter().any(|p| !p.is_ascii()) {
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn empty_patterns_and_regex_syntax_are_refused() {
    let opts = Options {
        whole_words: true,
        ..Options::default()
    };
    match Matcher::new(&["a", "", "b"], &opts) {
        Err(Error::InvalidPattern { index: 1, message }) => {
            assert!(message.contains("whole word"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let regex = Options {
        syntax: Syntax::Regex,
        ..opts
    };
    assert!(matches!(
        Matcher::new(&["a"], &regex),
        Err(Error::Unsupported(_))
    ));
}

#[test]
fn whole_word_streams_keep_bounded_memory() {
    let opts = Options {
        whole_words: true,
        ..Options::default()
    };
    let matcher = Arc::new(Matcher::new(&["needle", "été"], &opts).unwrap());
    let mut stream = Stream::new(Arc::clone(&matcher));
    let chunk = "hay été needle needles _needle straw ".repeat(50);
    let mut found = 0usize;
    for _ in 0..2000 {
        stream
            .feed(chunk.as_bytes(), |_| {
                found += 1;
                ControlFlow::Continue(())
            })
            .unwrap();
        // The longest pattern, plus a character of context on each side.
        assert!(stream.buffered() <= 6 + 8, "{} bytes", stream.buffered());
    }
    stream.finish(|_| ControlFlow::Continue(())).unwrap();
    assert_eq!(found, 2000 * 50 * 2);
}
