//! Matcher API behaviour not covered by the shared vectors: callbacks that stop,
//! replacement stop semantics, threads, error messages.

use std::ops::ControlFlow;
use std::sync::Arc;

use hayscan::{Error, MatchKind, Matcher, Options};

#[test]
fn scan_stops_when_the_callback_breaks() {
    let m = Matcher::new(&["a"], &Options::default()).unwrap();
    let mut seen = 0;
    let report = m.scan(b"aaaaa", |_| {
        seen += 1;
        if seen == 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!((report.matches, report.stopped), (3, true));
}

#[test]
fn replace_with_stop_keeps_the_rest_unchanged() {
    let m = Matcher::new(&["x"], &Options::default()).unwrap();
    let mut n = 0;
    let (out, report) = m
        .replace_with(b"1x2x3x4", |_, dst| {
            n += 1;
            dst.extend_from_slice(b"<written>");
            if n == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(out, b"1<written>2x3x4");
    assert_eq!((report.matches, report.stopped), (2, true));
}

#[test]
fn replace_with_can_write_anything_including_nothing() {
    let m = Matcher::new(&["cat", "dog"], &Options::default()).unwrap();
    let (out, _) = m
        .replace_with(b"cat dog", |mt, dst| {
            if mt.pattern == 0 {
                dst.extend_from_slice(b"\0\xff");
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(out, b"\0\xff ");
}

#[test]
fn matcher_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Matcher>();
    let words: Vec<String> = (0..1000).map(|i| format!("w{i}x")).collect();
    let m = Arc::new(Matcher::new(&words, &Options::default()).unwrap());
    let hay: String = (0..1000).rev().map(|i| format!("w{i}x ")).collect();
    let want: Vec<_> = m.find_iter(hay.as_bytes()).collect();
    assert_eq!(want.len(), 1000);
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (m, hay) = (Arc::clone(&m), hay.clone());
            std::thread::spawn(move || m.find_iter(hay.as_bytes()).collect::<Vec<_>>())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), want);
    }
}

#[test]
fn errors_name_what_is_wrong() {
    let e = Matcher::new(&["ok", "(unclosed"], &Options::regex()).unwrap_err();
    let Error::InvalidPattern { index, message } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*index, 1);
    assert!(message.contains("unclosed"), "{message}");
    assert!(e.to_string().starts_with("invalid pattern at index 1"));

    let opts = Options {
        match_kind: MatchKind::Overlapping,
        ..Options::regex()
    };
    let e = Matcher::new(&["a"], &opts).unwrap_err();
    assert!(
        matches!(&e, Error::Unsupported(m) if m.contains("overlapping") && m.contains("regex")),
        "{e}"
    );

    let m = Matcher::new(&["a", "b"], &Options::default()).unwrap();
    let e = m.replace_all(b"ab", &["1", "2", "3"]).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidArgument(m) if m.contains("got 3")),
        "{e}"
    );
}

#[test]
fn introspection() {
    let m = Matcher::new(&["abc", "de"], &Options::default()).unwrap();
    assert_eq!(m.pattern_count(), 2);
    assert_eq!(m.max_pattern_len(), 3);
    assert!(m.memory_usage() > 0);
    let r = Matcher::new(&["a+", "b"], &Options::regex()).unwrap();
    assert!(r.memory_usage() > 0);
}

#[test]
fn hundred_thousand_patterns() {
    let words: Vec<String> = (0..100_000).map(|i| format!("kw{i:06}")).collect();
    let m = Matcher::new(&words, &Options::default()).unwrap();
    assert_eq!(m.pattern_count(), 100_000);
    let found: Vec<_> = m.find_iter(b"xx kw099999 kw000000 kw05").collect();
    assert_eq!(
        found.iter().map(|m| m.pattern).collect::<Vec<_>>(),
        [99_999, 0]
    );
}

/// Ten thousand regexes of secret-rule shape build (no joint automaton outgrows its
/// limits: the set is partitioned) and each finds its own planted secret.
#[test]
fn ten_thousand_regexes_build_and_find_their_matches() {
    let mut patterns: Vec<String> = (0..9_700)
        .map(|i| format!(r"\bsk{i:04}_[A-Za-z0-9]{{24}}\b"))
        .collect();
    // Rules with no literal at all go to the residual group, 16 to an automaton.
    patterns.extend((0..300).map(|i| format!(r"\b[A-Z]{{2}}{}[0-9]{{{}}}\b", i % 10, 8 + i / 10)));
    let opts = hayscan::Options {
        ascii_classes: true,
        ..hayscan::Options::regex()
    };
    let m = hayscan::Matcher::new(&patterns, &opts).expect("10,000 regexes build");
    assert_eq!(m.pattern_count(), 10_000);
    let hay =
        b"x sk0042_abcdefghijklmnopqrstuvwx y sk9699_ABCDEFGHIJKLMNOPQRSTUVWX AB3123456789012 z";
    let got: Vec<(u32, usize, usize)> = m
        .find_iter(hay)
        .map(|m| (m.pattern, m.start, m.end))
        .collect();
    // AB3 + 12 digits: the rule with 12 digits and a 3 is i = 43 (i % 10 == 3, 8 + i / 10 == 12).
    assert_eq!(got, [(42, 2, 33), (9_699, 36, 67), (9_700 + 43, 68, 83)]);
}

/// Huge counted repetitions are refused at build, with the pattern's index, and the limits
/// are options: raised, the same pattern builds and matches.
#[test]
fn repetition_limits_name_the_pattern_and_can_be_raised() {
    let err = Matcher::new(&["ok", "[ab]{10000}"], &Options::regex()).unwrap_err();
    match &err {
        Error::InvalidPattern { index, message } => {
            assert_eq!(*index, 1);
            assert!(message.contains("max_repetition"), "{message}");
        }
        other => panic!("expected InvalidPattern, got {other:?}"),
    }
    let err = Matcher::new(&["(?:[ab]{1000}){10}"], &Options::regex()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidPattern { index: 0, message } if message.contains("max_regex_states")),
        "{err:?}"
    );
    let raised = Options {
        max_repetition: 2_000,
        ..Options::regex()
    };
    let m = Matcher::new(&["x[ab]{2000}"], &raised).expect("builds with a raised limit");
    let hay = format!("x{}", "ab".repeat(1_000));
    assert_eq!(m.count(hay.as_bytes()), 1);
    let tight = Options {
        max_regex_states: 100,
        ..Options::regex()
    };
    assert!(matches!(
        Matcher::new(&["abc", "[a-z]{200}"], &tight),
        Err(Error::InvalidPattern { index: 1, .. })
    ));
}

/// An overlapping count of a large haystack walks the set's DFA four ways (see `walk`: the
/// DFA shows in `memory_usage` once built) and gives the overlapping search's count, with
/// and without ASCII case folding; a small haystack is not walked.
#[test]
fn overlapping_counts_of_large_haystacks_walk_and_agree() {
    let words = [
        "the", "he", "e t", "then", "hen", "a", "at", "tea", "eat", "ate", "ten", "net", "n",
    ];
    let mut hay = Vec::new();
    let mut seed = 1u64;
    while hay.len() < (2 << 20) + 3 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        hay.extend_from_slice(words[(seed >> 59) as usize % words.len()].as_bytes());
        hay.push(if seed & 1 == 0 { b' ' } else { b'T' });
    }
    for case_insensitive in [false, true] {
        let opts = Options {
            match_kind: MatchKind::Overlapping,
            case_insensitive,
            ..Options::default()
        };
        let m = Matcher::new(&words, &opts).unwrap();
        let before = m.memory_usage();
        assert_eq!(m.count(&hay[..1000]), m.find_iter(&hay[..1000]).count());
        assert_eq!(m.memory_usage(), before, "a small haystack is not walked");
        let want = m.find_iter(&hay).count();
        assert_eq!(m.count(&hay), want);
        assert!(m.memory_usage() > before, "the walking DFA was built");
        assert_eq!(m.count_parallel(&hay, 2), want);
    }
}
