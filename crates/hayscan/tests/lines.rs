//! `count_lines` (grep -c's answer) against oracles that do not share its skipping:
//! - literal sets without whole words: each line searched alone by regex-automata's meta
//!   engine over the escaped patterns (another engine, no line skipping);
//! - whole words: each line searched alone by the matcher itself (whose whole-word
//!   search `words.rs` checks against a naive definition);
//! - regex sets: the distinct lines of a regex stream's matches over the whole input.
//!
//! Every match kind, case folding, patterns holding `\n`, empty patterns, whole-buffer and
//! through a [`LineCounter`] fed random splits, and files (one thread and several).

use std::sync::Arc;

use hayscan::{LineCounter, MatchKind, Matcher, Options, Syntax, LONG_LINE};
use proptest::prelude::*;
use regex_automata::meta::Regex;

mod common;
use common::{run_stream, split};

fn lines(hay: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = hay.split(|&b| b == b'\n').collect();
    if out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

fn counted(hay: &[u8], chunks: &[&[u8]], matcher: &Arc<Matcher>) -> usize {
    assert_eq!(chunks.concat(), hay);
    let mut counter = LineCounter::new(Arc::clone(matcher));
    for chunk in chunks {
        counter.feed(chunk);
    }
    counter.finish()
}

/// Lines in which a regex stream over the whole input finds a match.
fn stream_lines(matcher: &Arc<Matcher>, hay: &[u8]) -> usize {
    let mut lines: Vec<usize> = run_stream(matcher, &[hay])
        .iter()
        .map(|m| hay[..m.start].iter().filter(|&&b| b == b'\n').count())
        .collect();
    lines.dedup();
    lines.len()
}

fn kind() -> impl Strategy<Value = MatchKind> {
    prop_oneof![
        Just(MatchKind::LeftmostFirst),
        Just(MatchKind::LeftmostLongest),
        Just(MatchKind::Overlapping)
    ]
}

fn text(max: usize) -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&'static [u8]> = vec![
        b"a",
        b"b",
        b"B",
        b" ",
        b"\n",
        b"\n",
        b"\r",
        "é".as_bytes(),
        "É".as_bytes(),
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn literal_lines_equal_each_line_searched_alone(
        patterns in prop::collection::vec(text(4), 1..6),
        hay in text(60),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
        match_kind in kind(),
        case_insensitive in any::<bool>(),
        whole_words in any::<bool>(),
        ascii_classes in any::<bool>(),
    ) {
        let whole_words = whole_words && patterns.iter().all(|p| !p.is_empty());
        let opts = Options { match_kind, case_insensitive, whole_words, ascii_classes, ..Options::default() };
        let matcher = Arc::new(Matcher::new(&patterns, &opts).unwrap());
        let want = if whole_words {
            lines(&hay).iter().filter(|l| matcher.is_match(l)).count()
        } else {
            let escaped: Vec<String> = patterns
                .iter()
                .map(|p| {
                    let e = regex_syntax::escape(std::str::from_utf8(p).unwrap());
                    if case_insensitive { format!("(?i:{e})") } else { e }
                })
                .collect();
            let oracle = Regex::new_many(&escaped).unwrap();
            lines(&hay).iter().filter(|l| oracle.is_match(**l)).count()
        };
        prop_assert_eq!(matcher.count_lines(&hay), want, "whole buffer");
        prop_assert_eq!(counted(&hay, &split(&hay, &cuts), &matcher), want, "random split");
        let bytes: Vec<&[u8]> = hay.chunks(1).collect();
        prop_assert_eq!(counted(&hay, &bytes, &matcher), want, "1-byte chunks");
    }

    #[test]
    fn regex_lines_equal_the_lines_of_a_stream(
        patterns in prop::collection::vec(prop::sample::select(vec![
            "a", "b+", "^a", "a$", "^$", "^", "ab|ba", r"\bb", "(?i)é", "a\\s*b", "[^a]", "x",
        ]), 1..4),
        hay in text(60),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
        max_line_len in prop_oneof![Just(3usize), Just(7), Just(1 << 20)],
    ) {
        let opts = Options { syntax: Syntax::Regex, max_line_len, ..Options::default() };
        let matcher = Arc::new(Matcher::new(&patterns, &opts).unwrap());
        let want = stream_lines(&matcher, &hay);
        prop_assert_eq!(matcher.count_lines(&hay), want, "whole buffer");
        prop_assert_eq!(counted(&hay, &split(&hay, &cuts), &matcher), want, "random split");
        let bytes: Vec<&[u8]> = hay.chunks(1).collect();
        prop_assert_eq!(counted(&hay, &bytes, &matcher), want, "1-byte chunks");
    }
}

#[test]
fn lines_are_counted_as_grep_counts_them() {
    let m = Matcher::new(&["ab", "cd"], &Options::default()).unwrap();
    assert_eq!(m.count_lines(b""), 0);
    assert_eq!(m.count_lines(b"ab"), 1, "a last line without \\n");
    assert_eq!(m.count_lines(b"ab ab cd\n"), 1, "three matches, one line");
    assert_eq!(m.count_lines(b"ab\n\ncd\nxx\n"), 2);
    assert_eq!(m.count_lines(b"a\nb c\nd"), 0, "matches never cross lines");
    assert_eq!(m.count_lines(b"ab\r\n"), 1);
    // An empty pattern matches in every line, empty lines too.
    let empty = Matcher::new(&["zz", ""], &Options::default()).unwrap();
    assert_eq!(empty.count_lines(b"a\n\nb"), 3);
    assert_eq!(empty.count_lines(b"a\n\nb\n"), 3);
    assert_eq!(empty.count_lines(b""), 0);
    // A pattern holding \n never counts; the line it starts in is still searched.
    let nl = Matcher::new(&["b\nc", "b"], &Options::default()).unwrap();
    assert_eq!(nl.count_lines(b"ab\ncd\n"), 1);
    let only = Matcher::new(&["b\nc"], &Options::default()).unwrap();
    assert_eq!(only.count_lines(b"ab\ncd\n"), 0);
    // Regex sets: `^`/`$` anchor at line edges, as in a stream.
    let re = Matcher::new(&["^b", "x$"], &Options::regex()).unwrap();
    assert_eq!(re.count_lines(b"a\nbc\nax\nxa"), 2);
}

#[test]
fn long_literal_lines_keep_bounded_memory_and_the_answer() {
    let m = Arc::new(Matcher::new(&["needle"], &Options::default()).unwrap());
    let mut line = vec![b'x'; LONG_LINE * 2 + 5];
    let tail = line.len() - 6;
    line[tail..].copy_from_slice(b"needle");
    let mut hay = line.clone();
    hay.extend_from_slice(b"\nno\nneedle\n");
    hay.extend_from_slice(&vec![b'y'; LONG_LINE + 3]);
    hay.extend_from_slice(b"\nn");
    let want = 2;
    assert_eq!(m.count_lines(&hay), want);
    for size in [4096, 1 << 20, 3 << 20] {
        let chunks: Vec<&[u8]> = hay.chunks(size).collect();
        assert_eq!(counted(&hay, &chunks, &m), want, "chunks of {size}");
    }
    // A match split across the stream's chunks of a long line.
    let cut = tail + 3;
    assert_eq!(counted(&hay, &[&hay[..cut], &hay[cut..]], &m), want);
}

#[test]
fn files_on_one_and_several_threads() {
    let dir = std::env::temp_dir().join(format!("hayscan-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lines.txt");
    let mut text = Vec::new();
    let mut i = 0u32;
    while text.len() < (3 << 20) + 77 {
        let line = match i % 5 {
            0 => "an apple a day\n".to_string(),
            1 => format!("line {i} without\n"),
            2 => "apples and pears and apple\n".to_string(),
            3 => "\n".to_string(),
            _ => format!("{i} pear\n"),
        };
        text.extend_from_slice(line.as_bytes());
        i += 1;
    }
    text.extend_from_slice(b"last pear");
    std::fs::write(&path, &text).unwrap();
    for opts in [
        Options::default(),
        Options {
            match_kind: MatchKind::Overlapping,
            ..Options::default()
        },
        Options {
            whole_words: true,
            ..Options::default()
        },
        Options::regex(),
    ] {
        let m = Arc::new(Matcher::new(&["apple", "pear"], &opts).unwrap());
        let want = lines(&text).iter().filter(|l| m.is_match(l)).count();
        assert_eq!(m.count_lines(&text), want, "{opts:?}");
        assert_eq!(m.count_file_lines(&path).unwrap(), want, "{opts:?}");
        for threads in [1, 2, 3] {
            assert_eq!(m.count_file_lines_parallel(&path, threads).unwrap(), want);
        }
    }
    let m = Arc::new(Matcher::new(&["apple"], &Options::default()).unwrap());
    let missing = dir.join("missing.txt");
    let err = m.count_file_lines(&missing).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    let err = m.count_file_lines_parallel(&missing, 2).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(m.count_file_lines(&dir).is_err(), "a directory");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sources_count_lines_and_stop_when_cancelled() {
    use hayscan::{Error, Source};
    use std::sync::atomic::AtomicBool;
    let dir = std::env::temp_dir().join(format!("hayscan-lines-src-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text: Vec<u8> = b"an apple\nno\napples, apples\n".repeat(100_000);
    let path = dir.join("src.txt");
    std::fs::write(&path, &text).unwrap();
    let m = Arc::new(Matcher::new(&["apple"], &Options::default()).unwrap());
    let want = m.count_lines(&text);
    assert_eq!(want, 200_000);
    let go = AtomicBool::new(false);
    let stop = AtomicBool::new(true);
    for source in [Source::bytes(text.clone()), Source::File(path.clone())] {
        for threads in [1, 2] {
            let done = m.count_lines_source(&source, threads, &go).unwrap();
            assert_eq!((done.matches, done.cancelled), (want, false));
            let cancelled = m.count_lines_source(&source, threads, &stop).unwrap();
            assert_eq!((cancelled.matches, cancelled.cancelled), (0, true));
        }
    }
    let missing = dir.join("missing.txt");
    match m.count_lines_source(&Source::File(missing.clone()), 1, &go) {
        Err(Error::Io {
            os_code, message, ..
        }) => {
            assert_eq!(os_code, Some(2));
            assert!(message.contains("missing.txt"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
