//! Runs every case of `tests/vectors/*.json` against the core (format: tests/vectors/README.md).

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use hayscan::{Error, LineCounter, Match, MatchKind, Matcher, Options, Stream, Syntax};
use serde_json::Value;

fn bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Object(o) => base64::engine::general_purpose::STANDARD
            .decode(o["base64"].as_str().expect("base64 string"))
            .expect("valid base64"),
        other => panic!("not a byte string: {other}"),
    }
}

fn options(v: Option<&Value>) -> Options {
    let mut o = Options::default();
    let Some(v) = v else { return o };
    if let Some(s) = v.get("syntax") {
        o.syntax = match s.as_str().unwrap() {
            "literal" => Syntax::Literal,
            "regex" => Syntax::Regex,
            other => panic!("unknown syntax {other}"),
        };
    }
    if let Some(k) = v.get("match_kind") {
        o.match_kind = match k.as_str().unwrap() {
            "leftmost_first" => MatchKind::LeftmostFirst,
            "leftmost_longest" => MatchKind::LeftmostLongest,
            "overlapping" => MatchKind::Overlapping,
            other => panic!("unknown match kind {other}"),
        };
    }
    if let Some(ci) = v.get("case_insensitive") {
        o.case_insensitive = ci.as_bool().unwrap();
    }
    if let Some(a) = v.get("ascii_classes") {
        o.ascii_classes = a.as_bool().unwrap();
    }
    if let Some(w) = v.get("whole_words") {
        o.whole_words = w.as_bool().unwrap();
    }
    if let Some(n) = v.get("max_line_len") {
        o.max_line_len = n.as_u64().unwrap() as usize;
    }
    o
}

fn matches(v: &Value) -> Vec<Match> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| Match {
            pattern: t[0].as_u64().unwrap() as u32,
            start: t[1].as_u64().unwrap() as usize,
            end: t[2].as_u64().unwrap() as usize,
        })
        .collect()
}

fn error_code(e: &Error) -> &'static str {
    match e {
        Error::InvalidPattern { .. } => "INVALID_PATTERN",
        Error::InvalidArgument(_) => "INVALID_ARGUMENT",
        Error::Unsupported(_) => "UNSUPPORTED",
        Error::Build(_) => "BUILD",
        Error::StreamFinished => "STREAM_FINISHED",
        Error::Io { .. } => "IO",
        Error::Panicked(_) => "PANIC",
    }
}

fn check_error(name: &str, got: &Error, want: &Value) {
    assert_eq!(
        error_code(got),
        want["code"].as_str().unwrap(),
        "{name}: {got}"
    );
    if let Some(idx) = want.get("pattern_index") {
        match got {
            Error::InvalidPattern { index, .. } => {
                assert_eq!(*index as u64, idx.as_u64().unwrap(), "{name}")
            }
            other => panic!("{name}: expected an invalid pattern, got {other}"),
        }
    }
}

/// Splits `hay` into chunks whose sizes cycle through `sizes`.
fn chunked<'a>(hay: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    assert!(
        sizes.iter().any(|&s| s > 0),
        "chunk sizes must not all be 0"
    );
    let mut out = Vec::new();
    let mut at = 0;
    for &size in sizes.iter().cycle() {
        if at >= hay.len() {
            break;
        }
        let end = (at + size).min(hay.len());
        out.push(&hay[at..end]);
        at = end;
    }
    out
}

/// The answers without a per-match object, each derived from the expected matches
/// (tests/vectors/README.md): per-pattern counts, which patterns occur, the first match of
/// each, and the `_many` forms over `[hay, "", hay]`.
fn check_answers(name: &str, matcher: &Matcher, hay: &[u8], want: &[Match]) {
    let n = matcher.pattern_count();
    let mut counts = vec![0usize; n];
    let mut firsts = vec![None; n];
    for m in want {
        counts[m.pattern as usize] += 1;
        firsts[m.pattern as usize].get_or_insert(*m);
    }
    let present: Vec<u32> = (0..n as u32).filter(|&p| counts[p as usize] > 0).collect();
    assert_eq!(
        matcher.count_by_pattern(hay),
        counts,
        "{name}: count_by_pattern"
    );
    assert_eq!(
        matcher.matching_patterns(hay),
        present,
        "{name}: matching_patterns"
    );
    assert_eq!(
        matcher.first_match_per_pattern(hay),
        firsts,
        "{name}: first_match_per_pattern"
    );
    let empty: &[u8] = b"";
    let inputs = [hay, empty, hay];
    let on_empty: Vec<Match> = matcher.find_iter(empty).collect();
    assert_eq!(
        matcher.count_many(&inputs),
        [want.len(), on_empty.len(), want.len()],
        "{name}: count_many"
    );
    assert_eq!(
        matcher.is_match_many(&inputs),
        [!want.is_empty(), !on_empty.is_empty(), !want.is_empty()],
        "{name}: is_match_many"
    );
    let many: Vec<(usize, Match)> = want
        .iter()
        .map(|m| (0, *m))
        .chain(on_empty.iter().map(|m| (1, *m)))
        .chain(want.iter().map(|m| (2, *m)))
        .collect();
    assert_eq!(matcher.find_many(&inputs), many, "{name}: find_many");
}

fn run_case(case: &Value) -> usize {
    let name = case["name"].as_str().unwrap();
    let patterns: Vec<Vec<u8>> = case["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(bytes)
        .collect();
    let opts = options(case.get("options"));
    let hay = bytes(&case["haystack"]);
    let expect = &case["expect"];
    let built = Matcher::new(&patterns, &opts);
    if let Some(want) = expect.get("error") {
        let err = built.expect_err(name);
        check_error(name, &err, want);
        return 1;
    }
    let matcher = Arc::new(built.unwrap_or_else(|e| panic!("{name}: {e}")));
    let mut checks = 0;
    if let Some(want) = expect.get("matches") {
        let want = matches(want);
        let got: Vec<Match> = matcher.find_iter(&hay).collect();
        assert_eq!(got, want, "{name}: find_iter");
        assert_eq!(matcher.count(&hay), want.len(), "{name}: count");
        assert_eq!(matcher.find(&hay), want.first().copied(), "{name}: find");
        assert_eq!(matcher.is_match(&hay), !want.is_empty(), "{name}: is_match");
        let mut scanned = Vec::new();
        let report = matcher.scan(&hay, |m| {
            scanned.push(m);
            ControlFlow::Continue(())
        });
        assert_eq!(scanned, want, "{name}: scan");
        assert_eq!(
            (report.matches, report.stopped),
            (want.len(), false),
            "{name}: scan report"
        );
        let mut cursor = matcher.cursor();
        let pulled: Vec<Match> =
            std::iter::from_fn(|| matcher.next_match(&hay, &mut cursor)).collect();
        assert_eq!(pulled, want, "{name}: cursor");
        check_answers(name, &matcher, &hay, &want);
        if let Some(caps) = expect.get("captures") {
            let caps = caps.as_array().unwrap();
            assert_eq!(
                caps.len(),
                want.len(),
                "{name}: one captures entry per match"
            );
            for (m, groups) in want.iter().zip(caps) {
                let got = matcher
                    .captures(&hay, m)
                    .unwrap_or_else(|| panic!("{name}: no captures for {m:?}"));
                let spans: Vec<Option<(usize, usize)>> = groups
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| {
                        g.as_array().map(|p| {
                            (
                                p[0].as_u64().unwrap() as usize,
                                p[1].as_u64().unwrap() as usize,
                            )
                        })
                    })
                    .collect();
                assert_eq!(got.pattern, m.pattern, "{name}: captures pattern");
                assert_eq!(got.spans, spans, "{name}: captures of {m:?}");
            }
        }
        checks += 1;
    }
    if let Some(names) = expect.get("group_names") {
        for (pid, want) in names.as_array().unwrap().iter().enumerate() {
            let want: Vec<Option<&str>> =
                want.as_array().unwrap().iter().map(Value::as_str).collect();
            let got = matcher.group_names(pid as u32).expect("regex set");
            assert_eq!(got, want, "{name}: group names of pattern {pid}");
        }
        checks += 1;
    }
    if let Some(rep) = expect.get("replace") {
        let with: Vec<Vec<u8>> = rep["with"].as_array().unwrap().iter().map(bytes).collect();
        let got = matcher.replace_all(&hay, &with);
        let via_callback = matcher.replace_with(&hay, |m, dst| {
            let idx = if with.len() == 1 {
                0
            } else {
                m.pattern as usize
            };
            dst.extend_from_slice(with.get(idx).map_or(&b""[..], |v| v));
            ControlFlow::Continue(())
        });
        match rep.get("error") {
            Some(want) => {
                check_error(name, &got.expect_err(name), want);
                if with.len() == 1 || with.len() == matcher.pattern_count() {
                    check_error(name, &via_callback.expect_err(name), want);
                }
            }
            None => {
                let want = bytes(&rep["output"]);
                assert_eq!(
                    got.unwrap_or_else(|e| panic!("{name}: {e}")),
                    want,
                    "{name}: replace_all"
                );
                assert_eq!(via_callback.unwrap().0, want, "{name}: replace_with");
            }
        }
        checks += 1;
    }
    if let Some(st) = expect.get("stream") {
        let want = matches(
            st.get("matches")
                .or(expect.get("matches"))
                .expect("stream expectation"),
        );
        for sizes in st["chunks"].as_array().unwrap() {
            let sizes: Vec<usize> = sizes
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_u64().unwrap() as usize)
                .collect();
            let mut stream = Stream::new(Arc::clone(&matcher));
            let mut got = Vec::new();
            for chunk in chunked(&hay, &sizes) {
                stream
                    .feed(chunk, |m| {
                        got.push(m);
                        ControlFlow::Continue(())
                    })
                    .unwrap();
            }
            stream
                .finish(|m| {
                    got.push(m);
                    ControlFlow::Continue(())
                })
                .unwrap();
            assert_eq!(got, want, "{name}: stream with chunk sizes {sizes:?}");
        }
        checks += 1;
    }
    if let Some(want) = expect.get("lines") {
        let want = want.as_u64().unwrap() as usize;
        assert_eq!(matcher.count_lines(&hay), want, "{name}: count_lines");
        for size in [1, 2, 3, 7] {
            let mut counter = LineCounter::new(Arc::clone(&matcher));
            for chunk in hay.chunks(size) {
                counter.feed(chunk);
            }
            assert_eq!(
                counter.finish(),
                want,
                "{name}: LineCounter, chunks of {size}"
            );
        }
        checks += 1;
    }
    assert!(checks > 0, "{name}: case checks nothing");
    checks
}

#[test]
fn all_vectors_pass() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut cases = 0;
    for f in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            run_case(case);
            cases += 1;
        }
    }
    assert!(cases >= 60, "only {cases} vectors");
}
