//! Chunk invariance of streams (property tests against the whole-buffer scan), bounded
//! memory, and stop/finish semantics.

use std::ops::ControlFlow;
use std::sync::Arc;

use hayscan::{Error, Match, MatchKind, Matcher, Options, Stream, Syntax};
use proptest::prelude::*;

mod common;
use common::{run_stream, split};

fn kind() -> impl Strategy<Value = MatchKind> {
    prop_oneof![
        Just(MatchKind::LeftmostFirst),
        Just(MatchKind::LeftmostLongest),
        Just(MatchKind::Overlapping)
    ]
}

/// Bytes from a small alphabet (so matches are dense) that also contains the two halves
/// of "é"/"É" and an invalid byte, so splits land inside characters.
fn text(max: usize) -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop_oneof![
        Just(b"a".to_vec()),
        Just(b"b".to_vec()),
        Just(b"A".to_vec()),
        Just("é".as_bytes().to_vec()),
        Just("É".as_bytes().to_vec()),
        Just(vec![0xC3]),
        Just(vec![0xFF]),
        Just(vec![0]),
    ];
    prop::collection::vec(pieces, 0..max).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn literal_streams_are_chunk_invariant(
        patterns in prop::collection::vec(text(5), 0..6),
        hay in text(40),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
        match_kind in kind(),
        case_insensitive in any::<bool>(),
    ) {
        let opts = Options { match_kind, case_insensitive, ..Options::default() };
        let matcher = Arc::new(Matcher::new(&patterns, &opts).unwrap());
        let whole: Vec<Match> = matcher.find_iter(&hay).collect();
        let chunks = split(&hay, &cuts);
        prop_assert_eq!(&run_stream(&matcher, &chunks), &whole, "random split {:?}", chunks);
        let bytes: Vec<&[u8]> = hay.chunks(1).collect();
        prop_assert_eq!(&run_stream(&matcher, &bytes), &whole, "1-byte chunks");
    }

    #[test]
    fn regex_streams_match_each_line_scanned_alone(
        lines in prop::collection::vec("[ab \\n]{0,12}", 0..5),
        cuts in prop::collection::vec(any::<usize>(), 0..10),
    ) {
        let hay = lines.concat().into_bytes();
        let patterns = ["a+b", "^b", "a$", "b*"];
        let matcher = Arc::new(Matcher::new(&patterns, &Options::regex()).unwrap());
        // Expected: each line (text between newlines; a final newline ends the last line)
        // scanned as a whole haystack, offsets shifted to the line start.
        let mut want = Vec::new();
        let mut start = 0;
        while start < hay.len() {
            let end = hay[start..].iter().position(|&b| b == b'\n').map_or(hay.len(), |i| start + i);
            want.extend(matcher.find_iter(&hay[start..end]).map(|m| Match { start: m.start + start, end: m.end + start, ..m }));
            start = end + 1;
        }
        prop_assert_eq!(run_stream(&matcher, &split(&hay, &cuts)), want.clone());
        let bytes: Vec<&[u8]> = hay.chunks(1).collect();
        prop_assert_eq!(run_stream(&matcher, &bytes), want);
    }
}

#[test]
fn literal_stream_memory_is_bounded_by_the_longest_pattern() {
    let patterns = ["needle", "haystack-needle-long-pattern", "ÉTÉ"];
    for match_kind in [
        MatchKind::LeftmostFirst,
        MatchKind::LeftmostLongest,
        MatchKind::Overlapping,
    ] {
        for case_insensitive in [false, true] {
            let opts = Options {
                match_kind,
                case_insensitive,
                ..Options::default()
            };
            let matcher = Arc::new(Matcher::new(&patterns, &opts).unwrap());
            let longest = matcher.max_pattern_len();
            let mut stream = Stream::new(Arc::clone(&matcher));
            let chunk = "hay é needle straw haystack-needle-lon ".repeat(100);
            let mut found = 0usize;
            // 16 MiB in total; the stream must not keep more than a pattern's worth.
            for _ in 0..(16 << 20) / chunk.len() {
                stream
                    .feed(chunk.as_bytes(), |_| {
                        found += 1;
                        ControlFlow::Continue(())
                    })
                    .unwrap();
                assert!(
                    stream.buffered() < longest + 3,
                    "{} bytes retained",
                    stream.buffered()
                );
            }
            assert!(found > 0);
        }
    }
}

#[test]
fn regex_stream_memory_is_bounded_by_max_line_len() {
    let opts = Options {
        syntax: Syntax::Regex,
        max_line_len: 1000,
        ..Options::default()
    };
    let matcher = Arc::new(Matcher::new(&["x+"], &opts).unwrap());
    let mut stream = Stream::new(matcher);
    let chunk = vec![b'x'; 777]; // one endless line
    let mut found = 0;
    for _ in 0..10_000 {
        stream
            .feed(&chunk, |_| {
                found += 1;
                ControlFlow::Continue(())
            })
            .unwrap();
        // At most one full frame waits for the byte after it (a `\n` would end the line).
        assert!(stream.buffered() <= 1000);
    }
    // One match per full frame; the last one waits for the byte after it.
    assert_eq!(found, (777 * 10_000 - 1) / 1000, "one match per full frame");
}

#[test]
fn stopping_finishes_the_stream() {
    let matcher = Arc::new(Matcher::new(&["a"], &Options::default()).unwrap());
    let mut stream = Stream::new(matcher);
    let mut seen = 0;
    let report = stream
        .feed(b"aaaa", |_| {
            seen += 1;
            if seen == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!((report.matches, report.stopped, seen), (2, true, 2));
    assert!(stream.is_finished());
    assert_eq!(
        stream.feed(b"a", |_| ControlFlow::Continue(())),
        Err(Error::StreamFinished)
    );
    assert_eq!(
        stream.finish(|_| ControlFlow::Continue(())),
        Err(Error::StreamFinished)
    );
}

#[test]
fn finish_twice_fails_and_positions_are_absolute() {
    let matcher = Arc::new(Matcher::new(&["b"], &Options::default()).unwrap());
    let mut stream = Stream::new(matcher);
    let mut got = Vec::new();
    for chunk in [&b"aab"[..], b"", b"ab", b"b"] {
        stream
            .feed(chunk, |m| {
                got.push(m.start);
                ControlFlow::Continue(())
            })
            .unwrap();
    }
    assert_eq!(stream.position(), 6);
    stream.finish(|_| ControlFlow::Continue(())).unwrap();
    assert_eq!(got, [2, 4, 5]);
    assert_eq!(
        stream.finish(|_| ControlFlow::Continue(())),
        Err(Error::StreamFinished)
    );
}

/// The semantics spelled out naively: at the resume position, the leftmost start wins; at
/// that start the first listed (leftmost-first) or longest (leftmost-longest) pattern wins;
/// an empty match may not end where the previous match ended.
// `pos` changes only right before leaving the inner loop for the next search.
#[allow(clippy::mut_range_bound)]
fn naive_leftmost(patterns: &[Vec<u8>], hay: &[u8], longest: bool) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    let mut pos = 0;
    let mut last_end = None;
    'search: while pos <= hay.len() {
        for start in pos..=hay.len() {
            let mut best: Option<(usize, usize)> = None;
            for (i, p) in patterns.iter().enumerate() {
                if hay[start..].starts_with(p) {
                    best = match best {
                        None => Some((i, p.len())),
                        Some((_, len)) if longest && p.len() > len => Some((i, p.len())),
                        keep => keep,
                    };
                }
            }
            if let Some((i, len)) = best {
                if len == 0 && last_end == Some(start) {
                    pos += 1;
                    continue 'search;
                }
                out.push(Match {
                    pattern: i as u32,
                    start,
                    end: start + len,
                });
                pos = start + len;
                last_end = Some(pos);
                continue 'search;
            }
        }
        break;
    }
    out
}

fn naive_overlapping(patterns: &[Vec<u8>], hay: &[u8]) -> Vec<Match> {
    let mut out = Vec::new();
    for start in 0..=hay.len() {
        for (i, p) in patterns.iter().enumerate() {
            if hay[start..].starts_with(p) {
                out.push(Match {
                    pattern: i as u32,
                    start,
                    end: start + p.len(),
                });
            }
        }
    }
    out.sort_by_key(|m| (m.end, m.start, m.pattern));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn whole_buffer_scans_follow_the_documented_semantics(
        patterns in prop::collection::vec(text(4), 0..6),
        hay in text(30),
        match_kind in kind(),
    ) {
        let opts = Options { match_kind, ..Options::default() };
        let matcher = Matcher::new(&patterns, &opts).unwrap();
        let mut got: Vec<Match> = matcher.find_iter(&hay).collect();
        let want = match match_kind {
            MatchKind::LeftmostFirst => naive_leftmost(&patterns, &hay, false),
            MatchKind::LeftmostLongest => naive_leftmost(&patterns, &hay, true),
            MatchKind::Overlapping => {
                got.sort_by_key(|m| (m.end, m.start, m.pattern));
                naive_overlapping(&patterns, &hay)
            }
        };
        prop_assert_eq!(got, want);
    }
}
