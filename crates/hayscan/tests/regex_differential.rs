//! Differential property test of the regex engine: a set searched by hayscan (one literal
//! pass over factors, windowed confirmation, residual joint automata) must report exactly
//! what plain per-pattern searches report under the documented set semantics: leftmost
//! start first, lowest pattern id on a tie, non-overlapping, an empty match neither ending
//! where the previous match ended nor splitting a UTF-8 sequence. The oracle is written
//! here, from regex-automata's single-pattern `meta::Regex`, independently of the engine.
//!
//! Patterns are drawn from pieces that put them in every strategy: inner and case-
//! insensitive keywords with lazy prefixes (windowed, bounded), unbounded repetitions
//! without `\n` (line windows), `\s` and `(?s:.)` with `+` (residual), no literal at all
//! (residual), empty matches, look-around, long leads of a narrow class before a keyword
//! (anchored from the run before a hit), class runs without a literal (run windows).

use hayscan::{Match, Matcher, Options};
use proptest::prelude::*;
use regex_automata::{meta, util::syntax, Anchored, Input};

/// A piece as hayscan reads it, and as the oracle reads it in ASCII mode (the oracle gets
/// the ASCII classes spelled out, so it does not share hayscan's rewriting).
const PIECES: &[(&str, &str)] = &[
    ("key", "key"),
    ("tok", "tok"),
    ("(?i)key", "(?i)key"),
    ("ghp_", "ghp_"),
    ("[a-z]{0,3}?", "[a-z]{0,3}?"),
    (r"\w{0,4}?", "[0-9A-Za-z_]{0,4}?"),
    (r"\w+", "[0-9A-Za-z_]+"),
    (r"\d{2}", "[0-9]{2}"),
    (r"\s", r"[\t\n\x0B\x0C\r ]"),
    (r"\s*", r"[\t\n\x0B\x0C\r ]*"),
    ("=", "="),
    ("[= ]{1,2}", "[= ]{1,2}"),
    ("(?:=|: )", "(?:=|: )"),
    ("([a-z0-9]{2,4})", "([a-z0-9]{2,4})"),
    ("(?P<v>[0-9a-f]+)", "(?P<v>[0-9a-f]+)"),
    ("x*", "x*"),
    ("(?:ab|a)", "(?:ab|a)"),
    ("é", "é"),
    (".", "."),
    ("(?s:.)", "(?s:.)"),
    (r"\b", r"(?-u:\b)"),
    (r"\B", r"(?-u:\B)"),
    ("$", "$"),
    ("(?m:^)", "(?m:^)"),
    ("[^ ]{1,3}", "[^ ]{1,3}"),
    // Long leads of a narrow class (anchored from the start of the run before a hit).
    ("[a-z_]{0,8}?", "[a-z_]{0,8}?"),
    (r"[\w.-]{0,12}?", "[0-9A-Za-z_.-]{0,12}?"),
    // Class runs without a literal (windows around runs).
    ("[0-9a-f]{20,22}", "[0-9a-f]{20,22}"),
    (r"\d{10}[0-9-]{10}", "[0-9]{10}[0-9-]{10}"),
];

fn pattern() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..PIECES.len(), 1..6)
}

fn text() -> impl Strategy<Value = Vec<u8>> {
    let unit = prop::sample::select(vec![
        "key",
        "KEY",
        "tok",
        "ghp_",
        "=",
        ": ",
        " ",
        "\n",
        "ab",
        "x",
        "é",
        "1",
        "2f",
        "_",
        "\t",
        "deadbeef",
        "0123456",
        "-",
        "key_",
        "0123456789abcdef",
    ]);
    let bytes = prop::collection::vec(unit, 0..30).prop_map(|v| v.concat().into_bytes());
    // Now and then an invalid byte.
    (bytes, any::<u8>()).prop_map(|(mut b, r)| {
        if r % 8 == 0 && !b.is_empty() {
            let at = r as usize % b.len();
            b.insert(at, 0x89);
        }
        b
    })
}

struct Oracle {
    regexes: Vec<meta::Regex>,
}

impl Oracle {
    fn new(patterns: &[String]) -> Oracle {
        let regexes = patterns
            .iter()
            .map(|p| {
                meta::Regex::builder()
                    .configure(meta::Config::new().utf8_empty(false))
                    .syntax(syntax::Config::new())
                    .build(p)
                    .expect("oracle pattern")
            })
            .collect();
        Oracle { regexes }
    }

    fn find_iter(&self, hay: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut last_end = None;
        while pos <= hay.len() {
            let best = self
                .regexes
                .iter()
                .enumerate()
                .filter_map(|(id, re)| {
                    re.search(&Input::new(hay).span(pos..hay.len()))
                        .map(|m| (m.start(), id, m.end()))
                })
                .min();
            let Some((start, id, end)) = best else { break };
            let splits = hay.get(end).is_some_and(|b| (0x80..=0xBF).contains(b));
            if start == end && (Some(end) == last_end || splits) {
                pos = end + 1;
                continue;
            }
            out.push(Match {
                pattern: id as u32,
                start,
                end,
            });
            pos = end;
            last_end = Some(end);
        }
        out
    }

    fn captures(&self, hay: &[u8], m: &Match) -> Vec<Option<(usize, usize)>> {
        let re = &self.regexes[m.pattern as usize];
        let mut caps = re.create_captures();
        let input = Input::new(hay)
            .span(m.start..hay.len())
            .anchored(Anchored::Yes);
        re.search_captures(&input, &mut caps);
        (0..caps.group_len())
            .map(|g| caps.get_group(g).map(|s| (s.start, s.end)))
            .collect()
    }
}

/// Literal patterns enough to pass 64 distinct factors, so that the set's factor pass is
/// the gram filter (`regex/grams.rs`) rather than Aho-Corasick: substrings of hex runs the
/// text holds, some `(?i)`, some after `\b`, so they match and compete with the random
/// patterns.
fn fillers() -> Vec<String> {
    let hex = "0123456789abcdefdeadbeef";
    let mut out = Vec::new();
    for len in 2..=9 {
        for at in (0..=hex.len() - len).step_by(2) {
            let lit = &hex[at..at + len];
            out.push(match out.len() % 3 {
                0 => lit.to_string(),
                1 => format!("(?i){lit}"),
                _ => format!(r"\b{lit}"),
            });
        }
    }
    out
}

fn check(ids: &[Vec<usize>], hay: &[u8], ascii: bool) -> Result<(), TestCaseError> {
    check_with(ids, &[], hay, ascii)
}

/// `extra` patterns follow the generated ones (they get the higher ids).
fn check_with(
    ids: &[Vec<usize>],
    extra: &[String],
    hay: &[u8],
    ascii: bool,
) -> Result<(), TestCaseError> {
    // A group name may appear once per pattern: later copies of the named piece are unnamed.
    let spell = |p: &Vec<usize>, oracle: bool| -> String {
        let mut named = false;
        p.iter()
            .map(|&i| {
                let (ours, theirs) = PIECES[i];
                let piece = if oracle && ascii { theirs } else { ours };
                if piece.contains("?P<") {
                    if named {
                        return "([0-9a-f]+)";
                    }
                    named = true;
                }
                piece
            })
            .collect()
    };
    let mut ours: Vec<String> = ids.iter().map(|p| spell(p, false)).collect();
    let mut theirs: Vec<String> = ids.iter().map(|p| spell(p, true)).collect();
    ours.extend_from_slice(extra);
    theirs.extend(extra.iter().map(|e| e.replace(r"\b", r"(?-u:\b)")));
    let opts = Options {
        ascii_classes: ascii,
        ..Options::regex()
    };
    let matcher = match Matcher::new(&ours, &opts) {
        Ok(m) => m,
        // Several Unicode `\w{0,12}?` in one pattern can exceed the documented state limit.
        Err(hayscan::Error::InvalidPattern { message, .. })
            if message.contains("max_regex_states") =>
        {
            return Err(TestCaseError::reject("over the state limit"));
        }
        Err(e) => panic!("hayscan builds every generated set: {e:?}"),
    };
    let oracle = Oracle::new(&theirs);
    let want = oracle.find_iter(hay);
    let got: Vec<Match> = matcher.find_iter(hay).collect();
    prop_assert_eq!(&got, &want, "patterns {:?}", ours);
    prop_assert_eq!(matcher.is_match(hay), !want.is_empty());
    for m in &got {
        let caps = matcher
            .captures(hay, m)
            .expect("groups of a reported match");
        prop_assert_eq!(caps.spans, oracle.captures(hay, m), "groups of {:?}", m);
    }
    Ok(())
}

proptest! {
    // About a minute of a debug build on this 2-core machine, both tests together.
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn regex_sets_match_per_pattern_searches(
        ids in prop::collection::vec(pattern(), 1..7),
        hay in text(),
        ascii in any::<bool>(),
    ) {
        check(&ids, &hay, ascii)?;
    }

    /// Longer haystacks: many factor hits per pattern, several lines.
    #[test]
    fn regex_sets_match_per_pattern_searches_on_long_text(
        ids in prop::collection::vec(pattern(), 1..12),
        hay in prop::collection::vec(text(), 1..12).prop_map(|v| v.concat()),
    ) {
        check(&ids, &hay, true)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Sets with more than 64 distinct factors: the gram filter finds the factors.
    #[test]
    fn large_sets_match_per_pattern_searches(
        ids in prop::collection::vec(pattern(), 1..5),
        hay in prop::collection::vec(text(), 1..6).prop_map(|v| v.concat()),
    ) {
        check_with(&ids, &fillers(), &hay, true)?;
    }
}
