//! Checks a regex ruleset on real text against an independent oracle: one
//! `regex_automata::meta::Regex` per rule, merged by the documented set semantics (leftmost
//! start, lowest id on a tie, non-overlapping, the empty-match rule). The windowed engine
//! must report exactly the same matches.
//!
//! ```text
//! cargo run --release -p hayscan --example check_ruleset -- RULES TEXT [ORACLE_RULES]
//! ```
//!
//! With `ORACLE_RULES`, hayscan runs `RULES` with `ascii_classes` and the oracle runs
//! `ORACLE_RULES`, the same rules with their ASCII classes spelled out
//! (`bench/rulesets/ascii_spelled.py` writes them), so the oracle shares none of hayscan's
//! rewriting. Exits 1 on the first difference.

use hayscan::{Matcher, Options};
use regex_automata::{meta, Input};

fn lines(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .map(String::from)
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rules, text, rest @ ..] = &args[..] else {
        eprintln!("usage: check_ruleset RULES TEXT [ORACLE_RULES]");
        std::process::exit(2);
    };
    let rules = lines(rules);
    let hay = std::fs::read(text).expect("text");
    let opts = Options {
        ascii_classes: !rest.is_empty(),
        ..Options::regex()
    };
    let oracle_rules = rest.first().map_or_else(|| rules.clone(), |p| lines(p));
    assert_eq!(oracle_rules.len(), rules.len(), "one oracle rule per rule");
    let matcher = Matcher::new(&rules, &opts).expect("the ruleset builds");
    let oracle: Vec<meta::Regex> = oracle_rules
        .iter()
        .map(|p| {
            meta::Regex::builder()
                .configure(meta::Config::new().utf8_empty(false))
                .build(p)
                .unwrap_or_else(|e| panic!("oracle rule {p}: {e}"))
        })
        .collect();
    let got: Vec<(u32, usize, usize)> = matcher
        .find_iter(&hay)
        .map(|m| (m.pattern, m.start, m.end))
        .collect();
    // Each rule's next match, recomputed only once the search has passed its start.
    let mut next: Vec<Option<Option<(usize, usize)>>> = vec![None; oracle.len()];
    let (mut pos, mut last_end, mut want) = (0, None, Vec::new());
    while pos <= hay.len() {
        let mut best: Option<(usize, usize, usize)> = None;
        for (id, re) in oracle.iter().enumerate() {
            let stale = match next[id] {
                None => true,
                Some(found) => found.is_some_and(|(s, _)| s < pos),
            };
            if stale {
                let m = re.search(&Input::new(&hay).span(pos..hay.len()));
                next[id] = Some(m.map(|m| (m.start(), m.end())));
            }
            if let Some(Some((s, e))) = next[id] {
                if best.is_none_or(|b| (s, id) < (b.0, b.1)) {
                    best = Some((s, id, e));
                }
            }
        }
        let Some((start, id, end)) = best else { break };
        let splits = hay.get(end).is_some_and(|b| (0x80..=0xBF).contains(b));
        if start == end && (Some(end) == last_end || splits) {
            pos = end + 1;
            continue;
        }
        want.push((id as u32, start, end));
        pos = end;
        last_end = Some(end);
    }
    println!(
        "{} rules, {} bytes: hayscan {} matches, oracle {} matches",
        rules.len(),
        hay.len(),
        got.len(),
        want.len()
    );
    if let Some(k) = (0..got.len().max(want.len())).find(|&k| got.get(k) != want.get(k)) {
        println!(
            "first difference at match {k}: hayscan {:?}, oracle {:?}",
            got.get(k),
            want.get(k)
        );
        std::process::exit(1);
    }
    println!("identical");
}
