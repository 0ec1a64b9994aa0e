#!/usr/bin/env python3
"""Writes docs/benchmarks.md (and its PNG plots) from the JSON lines of one bench/run.sh run.

Usage: generate.py --results bench/out/results/<mode> --out docs/benchmarks.md --plots docs

Every number in the document comes from the rows in --results (schema: bench/README.md);
nothing is typed in by hand. Rows whose status is not "ok" are shown as such, never dropped.
"""

import argparse
import glob
import json
import os
import statistics
import sys

SIZES = [10, 1000, 10000, 100000]
HOST_TITLES = {"rust": "Rust core", "c": "C", "php": "PHP", "ruby": "Ruby", "node": "Node.js"}


# ---- loading ------------------------------------------------------------------------------

def load(results):
    rows = []
    for path in sorted(glob.glob(os.path.join(results, "*.jsonl"))):
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    rows.append({"host": os.path.basename(path), "workload": "driver", "impl": "driver",
                                 "status": "error", "reason": f"{path}:{n}: not JSON ({e})"})
    machine = {}
    mpath = os.path.join(results, "machine.json")
    if os.path.exists(mpath):
        machine = json.load(open(mpath))
    def run_info(name):
        path = os.path.join(results, name)
        return json.load(open(path)) if os.path.exists(path) else {}
    runs = {name: run_info(f"{name}-run.json") for name in ("rulesets", "literals", "files")}
    return rows, machine, runs


class Rows:
    def __init__(self, rows):
        self.rows = rows

    def find(self, **want):
        """All rows whose fields equal `want` (None in `want` = field absent or anything)."""
        out = []
        for r in self.rows:
            if all(r.get(k) == v for k, v in want.items() if v is not None):
                out.append(r)
        return out

    def one(self, **want):
        found = self.find(**want)
        return found[0] if found else None


# ---- formatting ---------------------------------------------------------------------------

def fmt_rate(v):
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    if v >= 0.01:
        return f"{v:.3f}"
    return f"{v:.1e}"


def fmt_ratio(v):
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:,.0f}x"
    if v >= 10:
        return f"{v:.0f}x"
    return f"{v:.1f}x"


def fmt_time(s):
    if s is None:
        return "—"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def spread(r):
    """(max - min) / median, as a percentage string."""
    if not r or not r.get("median_s") or r.get("reps", 0) < 2:
        return ""
    return f" ±{50 * (r['max_s'] - r['min_s']) / r['median_s']:.0f}%"


def cell(r, with_spread=False):
    """A throughput cell: MB/s, or the status of a row that did not measure."""
    if r is None:
        return "—"
    if r.get("status") != "ok":
        return f"*{r.get('status')}*"
    v = fmt_rate(r.get("mbps"))
    if r.get("capped"):
        v += " ‡"
    if "grows as input^" in (r.get("note") or ""):
        v += " §"
    return v + (spread(r) if with_spread else "")


def mbps(r):
    return r.get("mbps") if r and r.get("status") == "ok" else None


def ratio(a, b):
    return a / b if a and b else None


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    for row in rows:
        out.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(out)


def kib(v):
    if v is None:
        return "—"
    mb = v / 1024
    return f"{mb:,.1f} MB" if mb >= 1 else f"{v:,} KB"


def nbytes(v):
    if v is None:
        return "—"
    for unit, div in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if v >= div:
            return f"{v / div:,.1f} {unit}"
    return f"{v} B"


# ---- per-host knowledge --------------------------------------------------------------------

# For each host: the hayscan APIs shown (label, api, input) and the alternatives (impl, api, label).
HOSTS = {
    "php": {
        "count": ("count()", "count", None),
        "objects": ("findAll()", "findAll", None),
        "apis": [("count()", "count", None), ("findAll()", "findAll", None), ("scan(fn)", "scan(callback)", None)],
        "alternatives": [("preg_match_all", None, "preg_match_all"), ("php-aho-corasick", "search", "pure-PHP AC search"),
                         ("php-aho-corasick", "count", "pure-PHP AC count")],
        "replace_alt": ("strtr", "strtr(array)"),
        "regex_alt": "preg_match_all",
        "is_match": [("baseline", "empty closure"), ("hayscan", "isMatch()"), ("preg_match_all", "preg_match(alternation)"),
                     ("str_contains", "str_contains loop")],
        "memory_alt": "preg_match_all",
    },
    "ruby": {
        "count": ("count", "count", None),
        "objects": ("find_all", "find_all", None),
        "apis": [("count", "count", None), ("find_all", "find_all", None), ("scan { }", "scan { }", None)],
        "alternatives": [("Regexp.union#scan", None, "Regexp.union + scan")],
        "replace_alt": ("gsub(hash)", "gsub(Regexp.union, hash)"),
        "regex_alt": "Regexp.union#scan",
        "is_match": [("baseline", "empty lambda"), ("hayscan", "match?"), ("Regexp.union#scan", "Regexp#match?"),
                     ("include?", "any? { include? }")],
        "memory_alt": "Regexp.union#scan",
    },
    "node": {
        "count": ("count(Buffer)", "count", "buffer"),
        "objects": ("findAll(string)", "findAll", "string"),
        "apis": [("count(string)", "count", "string"), ("count(Buffer)", "count", "buffer"),
                 ("findAll(string)", "findAll", "string"), ("findAll(Buffer)", "findAll", "buffer"),
                 ("scan(string, fn)", "scan(callback)", "string"), ("scan(Buffer, fn)", "scan(callback)", "buffer")],
        "alternatives": [("RegExp", None, "RegExp exec loop"), ("ahocorasick", None, "ahocorasick (npm) search"),
                         ("modern-ahocorasick/fast", "search(leftmost-first)", "modern-ahocorasick/fast search"),
                         ("modern-ahocorasick/fast", "count", "modern-ahocorasick/fast count")],
        "replace_alt": ("RegExp", "String#replace(alternation, fn)"),
        "regex_alt": "RegExp",
        "is_match": [("baseline", "empty function", None), ("hayscan", "isMatch(string)", "string"), ("hayscan", "isMatch(Buffer)", "buffer"),
                     ("RegExp", "RegExp#test", None), ("modern-ahocorasick/fast", "match()", None),
                     ("includes", "words.some(includes)", None)],
        "memory_alt": "RegExp",
    },
}


def host_rows(R, host, workload, set_, impl, api=None, input_=None, semantics=None):
    return R.one(host=host, workload=workload, set=set_, impl=impl, api=api, input=input_, semantics=semantics)


COUNT_APIS = ("count", "hayscan_matcher_count")


def returns_matches(r):
    """True for an API that hands every match to the caller (not just a count)."""
    return r.get("api") not in COUNT_APIS


def floor_row(R, host, set_):
    """The host's object floor for a set (drivers' `floor` rows), or None."""
    f = R.one(host=host, workload="scan", set=set_, impl="floor")
    return f if f and f.get("status") == "ok" and f.get("matches") else None


def best_alternative(R, host, workload, set_, matches_only=False):
    """The fastest non-hayscan row of a host for a workload and set; with matches_only,
    among the APIs that return the matches (as hayscan's findAll does)."""
    best = None
    for r in R.find(host=host, workload=workload, set=set_):
        if r.get("impl") in ("hayscan", "driver", "floor") or r.get("status") != "ok" or not r.get("mbps"):
            continue
        if matches_only and not returns_matches(r):
            continue
        if best is None or r["mbps"] > best["mbps"]:
            best = r
    return best


# Core reference runs adjacent to each host's driver (bench/run.sh `core_ref`).
REF_PHASES = {"c": ("before-c", "before-php"), "php": ("before-php", "before-ruby"),
              "ruby": ("before-ruby", "before-node"), "node": ("before-node", "end")}


# The core build each host runs: PHP and Ruby call libhayscan.so (as the C driver does);
# Node's addon and the Rust driver link the core statically. The same source, but two
# machine-code layouts, which on this machine differ by up to ~15% in wall-clock time at
# an identical instruction count (callgrind): each host is compared with its own build.
REF_HOST = {"c": "rust", "php": "c", "ruby": "c", "node": "rust"}


def tax(R, host, set_, r):
    """Boundary tax of a host's count row: 1 - core time / host time, both the best of their
    repetitions (interference on a shared machine only ever slows a run down), the core
    taken from the reference runs right before and after the host's driver."""
    if not r or r.get("status") != "ok" or not r.get("min_s"):
        return None
    ref_host = REF_HOST.get(host, "rust")
    refs = [x["min_s"] for ph in REF_PHASES.get(host, ()) for x in R.find(host=ref_host, workload="core-ref", set=set_, phase=ph)
            if x.get("status") == "ok" and x.get("min_s")]
    if not refs:
        c = core_count(R, set_)
        refs = [c["min_s"]] if c and c.get("min_s") else []
    return 1 - min(refs) / r["min_s"] if refs else None


def core_count(R, set_, workload="scan"):
    return R.one(host="rust", workload=workload, set=set_, impl="hayscan", api="count", semantics="leftmost-first")


# ---- sections ------------------------------------------------------------------------------

def section_machine(machine, R):
    lines = ["## Machine and run", ""]
    if not machine:
        return lines + ["(machine.json missing)", ""]
    p = machine.get("params", {})
    versions = {r["impl"]: r for r in R.find(workload="version")}
    hs = versions.get("hyperscan", {}).get("version") if versions.get("hyperscan") else None
    items = [
        ("CPU", f"{machine.get('cpu')} — {machine.get('cores')} logical cores (shared with other jobs); SIMD: {', '.join(machine.get('simd', []))}"),
        ("OS / kernel", f"{machine.get('os')} / Linux {machine.get('kernel')}; {machine.get('memory_gb')} GB RAM"),
        ("Load average", f"{' '.join(machine.get('load_before', []))} before, {' '.join(machine.get('load_after', []))} after"),
        ("Toolchain", f"{machine.get('rustc')}; {machine.get('gcc')}"),
        ("Hosts", f"{machine.get('php')}; {machine.get('ruby')}; Node {machine.get('node')}"
                  + (f" (V8 {versions['node'].get('v8')})" if versions.get("node") else "")),
        ("Hyperscan", f"{hs or 'not run'} (Debian libhyperscan-dev {machine.get('hyperscan')})"),
        ("Run", f"mode `{machine.get('mode')}`, commit {machine.get('commit')}"
                + (f" (crates/hayscan at {machine.get('core_commit')}"
                   + (" **plus uncommitted changes**" if machine.get("core_dirty") else "") + ")"
                   if machine.get("core_commit") else "")
                + f", {machine.get('started')}; "
                f"{p.get('reps')} repetitions per measurement (median shown), repetitions of at least "
                f"{p.get('min_rep_ms')} ms, {p.get('calls'):,} calls for per-call tests, "
                f"slow contenders capped at about {p.get('budget_s')} s per run"),
    ]
    if versions.get("php"):
        v = versions["php"]
        items.append(("PHP details", f"PCRE {v.get('pcre')}, pcre.jit {'on' if v.get('pcre_jit') else 'off'}, "
                                     f"opcache.enable_cli {'on' if v.get('opcache_cli') else 'off'} (defaults)"))
    if versions.get("ruby"):
        v = versions["ruby"]
        items.append(("Ruby details", f"ffi gem {v.get('ffi')}, YJIT {'on' if v.get('yjit') else 'off'} (default)"))
    if versions.get("node"):
        v = versions["node"]
        items.append(("npm packages", f"ahocorasick {v.get('ahocorasick')}, modern-ahocorasick {v.get('modern-ahocorasick')}"))
    lines += [table(["", ""], items), ""]
    return lines


def section_data(machine, R):
    p = machine.get("params", {})
    lines = ["## Data", ""]
    eng = p.get("english_bytes")
    log = p.get("log_bytes")
    lines.append(
        f"Generated by `bench/corpus/generate.py` (seeded, deterministic) from Debian's `wamerican` word list: "
        f"an English-like corpus of {nbytes(eng)} (dictionary words drawn with Zipf frequencies, sentences, "
        f"commas) and a log-like corpus of {nbytes(log)} (timestamps, services, users, IPs, request ids; about 2% "
        f"of the lines carry a secret: AWS keys, GitHub/GitLab/Slack/Stripe/npm tokens, JWTs, private key "
        f"headers, passwords in URLs...). Keyword sets: the N most frequent words (**dense**: they occur all "
        f"over the text) and the same words with a suffix that never occurs (**sparse**: no match, raw scanning "
        f"speed; the automaton still walks every prefix). `bench/corpus/secrets.regex`: "
        f"{(R.one(host='rust', workload='build', set='secrets') or {}).get('patterns', '?')} secret-detecting "
        f"regexes in the style of gitleaks/trufflehog rules.")
    lines.append("")
    rows = []
    for s in SIZES:
        d = R.one(host="rust", workload="scan", set=f"dense-{s}", api="count", semantics="leftmost-first")
        o = R.one(host="rust", workload="scan", set=f"dense-{s}", api="count", semantics="overlapping")
        b = R.one(host="rust", workload="build", set=f"dense-{s}")
        rows.append([f"{s:,}", f"{d['matches']:,}" if d else "—", f"{o['matches']:,}" if o else "—",
                     nbytes(b.get("automaton_bytes")) if b else "—"])
    lines += [table(["keywords", "dense matches (leftmost-first)", "dense matches (overlapping)", "hayscan automaton"], rows), ""]
    return lines


def section_rust(R):
    lines = ["## Rust core: the ceiling", "",
             "The core's own API on the same data; every binding's boundary tax is measured against "
             "`count`. The raw `aho-corasick` automatons show what the core's automaton choice costs "
             "(hayscan uses the DFA up to 12 KB of patterns, the contiguous NFA above).", ""]
    header = ["set", "count", "scan(closure)", "find_iter().collect()", "overlapping count",
              "aho-corasick noncontiguous NFA", "contiguous NFA", "DFA"]
    rows = []
    for d in ("sparse", "dense"):
        for s in SIZES:
            st = f"{d}-{s}"
            g = lambda api, sem="leftmost-first": R.one(host="rust", workload="scan", set=st, api=api, semantics=sem)
            e = lambda impl: R.one(host="rust", workload="engine", set=st, impl=impl)
            rows.append([st, cell(g("count"), True), cell(g("scan(closure)")), cell(g("find_iter().collect()")),
                         cell(g("count", "overlapping")), cell(e("aho-corasick/noncontiguous-nfa")),
                         cell(e("aho-corasick/contiguous-nfa")), cell(e("aho-corasick/dfa"))])
    lines += [table(header, rows), "", "MB/s; ± is the spread (max − min) / 2 of the repetitions relative to the median.", ""]
    return lines


def section_c(R):
    lines = ["## C: hayscan through its C ABI, and Hyperscan", "",
             "Hyperscan reports every match of every pattern (its only mode), which for literal sets is "
             "hayscan's `overlapping` kind: compare those two columns for equal work (same match counts). "
             "hayscan's default `leftmost-first` finds fewer, non-overlapping matches.", ""]
    header = ["set", "hayscan count (leftmost-first)", "hayscan callback", "hayscan pull iterator", "hayscan overlapping count",
              "Hyperscan hs_scan", "matches hayscan ovl. / Hyperscan", "hayscan ovl. / Hyperscan"]
    rows = []
    for d in ("sparse", "dense"):
        for s in SIZES:
            st = f"{d}-{s}"
            g = lambda api, sem="leftmost-first": R.one(host="c", workload="scan", set=st, impl="hayscan", api=api, semantics=sem)
            ovl = g("hayscan_matcher_count", "overlapping")
            hs = R.one(host="c", workload="scan", set=st, impl="hyperscan")
            same = ""
            if ovl and hs and ovl.get("status") == "ok" and hs.get("status") == "ok":
                same = f"{ovl.get('matches'):,} / {hs.get('matches'):,}"
            rows.append([st, cell(g("hayscan_matcher_count"), True), cell(g("hayscan_matcher_scan(callback)")),
                         cell(g("hayscan_iter_next(256)")), cell(ovl, True), cell(hs, True), same,
                         fmt_ratio(ratio(mbps(ovl), mbps(hs)))])
    lines += [table(header, rows), ""]
    return lines


def section_host(R, host):
    h = HOSTS[host]
    title = HOST_TITLES[host]
    lines = [f"## {title}", ""]
    driver = R.one(host=host, workload="driver")
    if driver:
        lines += [f"**The {title} driver did not complete: {driver.get('status')}: {driver.get('reason')}**", ""]
    for r in R.find(host=host, status="unavailable"):
        lines += [f"- {r.get('impl')}: *unavailable*: {r.get('reason')}"]
    header = ["set", "matches"] + [f"hayscan {label}" for label, _, _ in h["apis"]] + [label for _, _, label in h["alternatives"]]
    header += [f"{h['objects'][0]} / best alt. returning matches", f"{h['count'][0]} / best alt.", "tax vs core"]
    rows = []
    for d in ("sparse", "dense"):
        for s in SIZES:
            st = f"{d}-{s}"
            matches = None
            cells = []
            for label, api, inp in h["apis"]:
                r = host_rows(R, host, "scan", st, "hayscan", api, inp, "leftmost-first")
                if r and r.get("matches") is not None:
                    matches = r["matches"]
                cells.append(cell(r, label == h["count"][0]))
            for impl, api, _ in h["alternatives"]:
                cands = [r for r in R.find(host=host, workload="scan", set=st, impl=impl) if api is None or r.get("api") == api]
                cells.append(cell(cands[0] if cands else None))
            best = best_alternative(R, host, "scan", st)
            best_m = best_alternative(R, host, "scan", st, matches_only=True)
            obj = host_rows(R, host, "scan", st, "hayscan", h["objects"][1], h["objects"][2], "leftmost-first")
            cnt = host_rows(R, host, "scan", st, "hayscan", h["count"][1], h["count"][2], "leftmost-first")
            t = tax(R, host, st, cnt)
            rows.append([st, f"{matches:,}" if matches is not None else "—"] + cells +
                        [fmt_ratio(ratio(mbps(obj), mbps(best_m))), fmt_ratio(ratio(mbps(cnt), mbps(best))),
                         f"{100 * t:+.1f}%" if t is not None else "—"])
    lines += [table(header, rows), ""]
    lines.append(f"MB/s of the {'UTF-8 ' if host == 'node' else ''}corpus; ‡ = measured on a prefix of the corpus "
                 f"(a slow contender capped to about one budget per run); § = its cost grows faster than the input "
                 f"(measured from two trials), so it is slower still on the whole corpus than on that prefix. "
                 f"Alternatives' semantics: " + alternatives_semantics(host) +
                 f" \"best alt.\" is the fastest alternative on that row (\"returning matches\": among the APIs that "
                 f"hand over every match, as {h['objects'][0]} does; otherwise whatever its API, counts included). "
                 f"\"tax vs core\" compares {h['count'][0]} with the Rust core's `count` on the same set, best "
                 f"repetition against best repetition of the core runs just before and after this driver "
                 f"(see [Boundary tax](#boundary-tax-per-call-and-per-match-overhead)).")
    lines.append("")
    return lines


def alternatives_semantics(host):
    return {
        "php": "`preg_match_all` with a `preg_quote`d alternation and `PREG_OFFSET_CAPTURE` (leftmost-first, like "
               "hayscan; PCRE2 refuses alternations above a few thousand words: *error* rows); the pure-PHP "
               "Aho-Corasick (`bench/php/DriverAhoCorasick.php`) finds (`search`: `[id, offset]` pairs) or counts "
               "every occurrence, overlapping ones included.",
        "ruby": "`text.scan(Regexp.union(words))` (leftmost-first, like hayscan).",
        "node": "a global `RegExp` alternation driven by `exec` (leftmost-first, objects with offsets); `ahocorasick` "
                "`search()` (every occurrence, grouped by end); `modern-ahocorasick/fast` `search()` "
                "(leftmost-first objects) and `count()` (every occurrence), both grapheme-aware.",
    }[host]


def section_regex(R):
    lines = ["## Secret-detecting regexes over the log corpus", ""]
    rows = []
    core = R.one(host="rust", workload="regex", api="count")
    for host, impl, api, inp, label in [
        ("rust", "hayscan", "count", None, "Rust core `count`"),
        ("rust", "hayscan", "find_iter().collect()", None, "Rust core `find_iter().collect()`"),
        ("c", "hayscan", "hayscan_matcher_count", None, "C ABI `hayscan_matcher_count`"),
        ("c", "hayscan", "hayscan_iter_next(256)", None, "C ABI pull iterator"),
        ("c", "hyperscan", "hs_scan", None, "Hyperscan `hs_scan` (every match end)"),
        ("php", "hayscan", "count", None, "PHP hayscan `count()`"),
        ("php", "hayscan", "findAll", None, "PHP hayscan `findAll()`"),
        ("php", "preg_match_all", None, None, "PHP `preg_match_all` alternation"),
        ("ruby", "hayscan", "count", None, "Ruby hayscan `count`"),
        ("ruby", "hayscan", "find_all", None, "Ruby hayscan `find_all`"),
        ("ruby", "Regexp.union#scan", None, None, "Ruby `scan(union of regexes)`"),
        ("node", "hayscan", "count", "buffer", "Node hayscan `count(Buffer)`"),
        ("node", "hayscan", "count", "string", "Node hayscan `count(string)`"),
        ("node", "hayscan", "findAll", "string", "Node hayscan `findAll(string)`"),
        ("node", "RegExp", None, None, "Node `RegExp` alternation, `exec` loop"),
    ]:
        r = R.one(host=host, workload="regex", impl=impl, api=api, input=inp)
        rows.append([label, cell(r, True), f"{r['matches']:,}" if r and r.get("matches") is not None else "—",
                     fmt_ratio(ratio(mbps(r), mbps(core))) if host != "rust" else "1.0x",
                     (r or {}).get("note") or (r or {}).get("reason") or ""])
    lines += [table(["side", "MB/s", "matches", "vs Rust core", "note"], rows), ""]
    lines.append("hayscan counts leftmost-first, non-overlapping matches with Unicode `\\b`; the PCRE, Onigmo and "
                 "V8 alternations are leftmost-first with ASCII `\\b` (a few more matches next to non-ASCII "
                 "letters); Hyperscan reports every end offset of every pattern (many more). Regexes Hyperscan "
                 "accepts only without start-of-match tracking, or not at all:")
    lines.append("")
    for r in R.find(host="c", workload="regex", impl="hyperscan", api="hs_compile"):
        lines.append(f"- `{r.get('pattern')}`: {r.get('status')}: {r.get('reason')}")
    if not R.find(host="c", workload="regex", impl="hyperscan", api="hs_compile"):
        lines.append("- none")
    lines.append("")
    return lines


def section_replace(R):
    lines = ["## Replacing keywords (leftmost-longest, pattern i → `<i>`)", ""]
    header = ["set", "Rust core", "C ABI", "PHP hayscan", "PHP strtr", "Ruby hayscan", "Ruby gsub(hash)",
              "Node hayscan (string)", "Node String#replace", "PHP ratio", "Ruby ratio", "Node ratio"]
    rows = []
    for s in SIZES:
        st = f"dense-{s}"
        g = lambda host, impl: R.one(host=host, workload="replace", set=st, impl=impl)
        cells = [g("rust", "hayscan"), g("c", "hayscan"), g("php", "hayscan"), g("php", "strtr"), g("ruby", "hayscan"),
                 g("ruby", "gsub(hash)"), g("node", "hayscan"), g("node", "RegExp")]
        rows.append([st] + [cell(c) for c in cells] + [
            fmt_ratio(ratio(mbps(cells[2]), mbps(cells[3]))), fmt_ratio(ratio(mbps(cells[4]), mbps(cells[5]))),
            fmt_ratio(ratio(mbps(cells[6]), mbps(cells[7])))])
    lines += [table(header, rows), ""]
    checks = [r for r in R.find(workload="replace") if "same_result_as_hayscan" in r]
    if checks:
        lines.append("Where the alternative ran on the whole corpus its output was compared with hayscan's: " +
                     ", ".join(f"{r['host']} {r['set']}: {'identical' if r['same_result_as_hayscan'] else '**different**'}"
                               for r in checks) + ".")
        lines.append("")
    return lines


def section_overheads(R):
    lines = ["## Boundary tax, per-call and per-match overhead", ""]
    # Boundary tax on large inputs: host count vs core count, every set.
    header = ["set", "Rust core count", "C ABI", "PHP", "Ruby", "Node (Buffer)", "Node (string)"]
    rows = []
    taxes = {k: [] for k in header[2:]}
    for d in ("sparse", "dense"):
        for s in SIZES:
            st = f"{d}-{s}"
            core = core_count(R, st)
            row = [st, cell(core, True)]
            for label, host, impl, api, inp in [
                ("C ABI", "c", "hayscan", "hayscan_matcher_count", None), ("PHP", "php", "hayscan", "count", None),
                ("Ruby", "ruby", "hayscan", "count", None), ("Node (Buffer)", "node", "hayscan", "count", "buffer"),
                ("Node (string)", "node", "hayscan", "count", "string")]:
                r = R.one(host=host, workload="scan", set=st, impl=impl, api=api, input=inp, semantics="leftmost-first")
                t = tax(R, host, st, r)
                if t is not None:
                    taxes[label].append(t)
                row.append(f"{cell(r)} ({100 * t:+.1f}%)" if t is not None else cell(r))
            rows.append(row)
    rows.append(["**median tax**", ""] + [f"**{100 * statistics.median(v):+.1f}%**" if v else "—" for v in taxes.values()])
    lines.append("Boundary tax = 1 − host throughput / Rust core throughput, for the same `count` call on the "
                 "whole corpus (one native call, no per-match work in the host): what crossing the boundary costs "
                 "on large inputs. The machine is shared, and interference only ever slows a run down, so each "
                 "side's best repetition is compared, the core's taken from `count` runs right before and after "
                 "that host's driver (`core-ref` rows): through `libhayscan.so` for PHP and Ruby (which call that "
                 "library), through the statically linked Rust driver for Node and the C ABI row (the two builds "
                 "run the same instructions but their wall-clock times differ by up to ~15% here). The Rust core "
                 "column shows the main run's median. A few percent either way is noise; the median over the "
                 "eight sets is the figure to read.")
    lines += ["", table(header, rows), ""]

    # Per-call.
    header = ["side", "ns per call", "MB/s", "calls", "inputs that match"]
    rows = []
    core = R.one(host="rust", workload="is_match")
    entries = [("rust", "hayscan", None, None, "Rust core `is_match`"), ("c", "hayscan", None, None, "C ABI `hayscan_matcher_is_match`"),
               ("c", "hyperscan", None, None, "Hyperscan `hs_scan` (stop at first match)")]
    for host in ("php", "ruby", "node"):
        for spec in HOSTS[host]["is_match"]:
            impl, label = spec[0], spec[1]
            inp = spec[2] if len(spec) > 2 else None
            prefix = "hayscan " if impl == "hayscan" else ("loop baseline: " if impl == "baseline" else "")
            entries.append((host, impl, inp, None, f"{HOST_TITLES[host]} {prefix}`{label}`"))
    for host, impl, inp, _, label in entries:
        r = R.one(host=host, workload="is_match", impl=impl, input=inp)
        if r is None or r.get("status") != "ok":
            rows.append([label, cell(r), "", "", ""])
            continue
        over = ""
        loop = R.one(host=host, workload="is_match", impl="baseline")
        if core and impl == "hayscan" and host != "rust":
            loop_ns = loop["ns_per_call"] if loop and loop.get("status") == "ok" and host != "c" else 0
            over = f" (+{r['ns_per_call'] - loop_ns - core['ns_per_call']:.0f})"
        rows.append([label, f"{r['ns_per_call']:,.0f}{over}", fmt_rate(r.get("mbps")), f"{r.get('calls'):,}",
                     f"{r.get('matches'):,}"])
    lines.append("**Per call**: `isMatch` on ~100-byte snippets of the corpus (half contain one of the 10 most frequent "
                 "words), called from a loop in the host that calls a closure per input (the *baseline* row: the "
                 "same loop with an empty closure). In parentheses, hayscan's overhead per call beyond the "
                 "baseline loop and the Rust core's own `is_match`: the cost of crossing the boundary.")
    lines += ["", table(header, rows), ""]

    # Per-match.
    header = ["host", "set", "API", "ns per match beyond `count`", "MB/s"]
    rows = []
    specs = [("c", "hayscan_matcher_scan(callback)", None, "C callback"), ("c", "hayscan_iter_next(256)", None, "C pull iterator")]
    for host in ("php", "ruby", "node"):
        for label, api, inp in HOSTS[host]["apis"]:
            if api != "count":
                specs.append((host, api, inp, f"{HOST_TITLES[host]} {label}"))
    for st in ("dense-1000", "dense-10000"):
        for host, api, inp, label in specs:
            base_api = {"c": "hayscan_matcher_count"}.get(host, "count")
            base_inp = inp if host == "node" else None
            base = R.one(host=host, workload="scan", set=st, impl="hayscan", api=base_api, input=base_inp, semantics="leftmost-first")
            r = R.one(host=host, workload="scan", set=st, impl="hayscan", api=api, input=inp, semantics="leftmost-first")
            if not (mbps(r) and mbps(base) and r.get("matches")):
                continue
            per = (r["median_s"] - base["median_s"]) * 1e9 / r["matches"]
            rows.append([HOST_TITLES[host], st, label, f"{per:,.0f}", fmt_rate(r["mbps"])])
        for host in ("php", "node"):
            f = floor_row(R, host, st)
            if f:
                rows.append([HOST_TITLES[host], st, f"{f['api']}, no search (the floor)",
                             f"{f['median_s'] * 1e9 / f['matches']:,.0f}", "—"])
    lines.append("**Per match**: the time an API spends beyond `count` on the same input, divided by the number of "
                 "matches: creating the host's match objects, crossing the boundary per match (callbacks) or per "
                 "batch (pull iterators). The *floor* rows time the host alone, without hayscan: creating and keeping "
                 "one match object per match from offsets it already has. No binding can return every match as an "
                 "object faster than count + floor.")
    lines += ["", table(header, rows), ""]
    return lines


ANSWER_TASKS = [
    ("count_by_pattern", "Per-pattern counts", "The count of each keyword"),
    ("matching_patterns", "Which patterns occur", "The sorted distinct ids: tag a document with its keywords"),
    ("whole_words", "Whole words", "Keywords as words only; the host's `\\b` alternation and hayscan's own regex route beside it"),
    ("find_all_columnar", "Columnar find-all", "Every match into arrays instead of one object per match"),
    ("is_match_many", "Many small inputs in one call", "A blocklist against each ~100-byte snippet; time per input"),
]


def section_answers(R):
    """The `answers` workload (issue 14): each side of each task, fastest first, with its
    speed against the best alternative that is not hayscan (and, for whole words, against
    hayscan's regex route)."""
    rows = R.find(workload="answers")
    if not rows:
        return []
    out = ["## Answers without a per-match object", "",
           "Jobs that need a summary of the matches, not the matches: each task in each host against what a user "
           "of that host writes today, same data, same run. *vs best alternative* is how many times faster than the "
           "fastest side that is not hayscan (a regex alternation, a count filled from matches); for whole words, "
           "*vs regex route* compares with hayscan's own regex set `\\b(?:w1|w2|…)\\b` with the same word characters.", ""]
    hosts = [h for h in ("rust", "c", "php", "ruby", "node") if any(r.get("host") == h for r in rows)]
    for task, title, what in ANSWER_TASKS:
        trs = [r for r in rows if r.get("task") == task]
        if not trs:
            continue
        out += [f"### {title}", "", f"{what}.", ""]
        body = []
        for host in hosts:
            for st in sorted({r.get("set") for r in trs if r.get("host") == host}, key=str):
                grp = [r for r in trs if r.get("host") == host and r.get("set") == st]
                ok = [r for r in grp if r.get("status") == "ok" and r.get("median_s")]
                alts = [r for r in ok if r.get("impl") != "hayscan"]
                best_alt = min(alts, key=lambda r: r["median_s"]) if alts else None
                for r in sorted(grp, key=lambda r: r.get("median_s") or float("inf")):
                    side = f"{r.get('impl')}: {r.get('api', '')}" + (f" ({r['word_chars']})" if r.get("word_chars") else "")
                    if r.get("status") != "ok":
                        body.append([HOST_TITLES.get(host, host), st, side, f"*{r.get('status')}*", "", ""])
                        continue
                    per = r["median_s"] * 1e9 / r["calls"] if r.get("calls") else None
                    t = f"{per:,.0f} ns/input" if per else fmt_time(r["median_s"])
                    vs_alt = fmt_ratio(best_alt["median_s"] / r["median_s"]) if best_alt and r.get("impl") == "hayscan" else ""
                    vs_route = ""
                    if task == "whole_words" and r.get("impl") == "hayscan" and "regex" not in r.get("api", ""):
                        route = [x for x in ok if x.get("impl") == "hayscan" and "regex" in x.get("api", "")
                                 and x.get("word_chars") == r.get("word_chars")]
                        if route:
                            vs_route = fmt_ratio(route[0]["median_s"] / r["median_s"])
                    body.append([HOST_TITLES.get(host, host), st, side, t + spread(r), vs_alt, vs_route])
        header = ["host", "set", "side", "median", "vs best alternative"]
        if task == "whole_words":
            header.append("vs regex route")
        else:
            body = [b[:5] for b in body]
        out += [table(header, body), ""]
    return out


LITERAL_SIDES = ["hayscan overlapping", "hayscan leftmost-first", "aho-corasick overlapping",
                 "aho-corasick leftmost-first", "Hyperscan", "Hyperscan SOM"]


def cpu_cell(r):
    """Median CPU time of a row, its spread, and *noisy* when over the row's threshold."""
    if not r:
        return "—"
    if r.get("status") != "ok":
        return f"*{r.get('status')}*"
    out = fmt_time(r["cpu_median_s"])
    if r.get("noisy"):
        return out + " *noisy*"
    if r.get("cpu_median_s") and r.get("cpu_max_s") is not None:
        out += f" ±{50 * (r['cpu_max_s'] - r['cpu_min_s']) / r['cpu_median_s']:.0f}%"
    return out


def cpu_ratio(a, b):
    """How many times faster `a` is than `b` by median CPU time."""
    if not a or not b or a.get("status") != "ok" or b.get("status") != "ok" or not a.get("cpu_median_s"):
        return "—"
    v = b["cpu_median_s"] / a["cpu_median_s"]
    return f"{v:.2f}x" if v < 10 else fmt_ratio(v)


def section_literals(R, run):
    """Literal sets against Hyperscan and the raw crate, every side in one process,
    interleaved (hayscan-bench --literals): the comparison issue 12 asked to be redone."""
    rows = R.find(host="rust", workload="literals")
    if not rows:
        return []
    out = ["## Literal sets against Hyperscan (interleaved, CPU time)", "",
           "Every side in one process, the order rotated each repetition, CPU time per pass over the English text "
           "(median; ± half the spread; *noisy* when the spread of CPU times exceeds 10%, after the reruns of "
           "`--verify`). Hyperscan compiles the same literals with `hs_compile_lit_multi`; it reports every match "
           "end, like hayscan's overlapping kind, so *overlapping vs Hyperscan* compares the same work (*SOM*: "
           "Hyperscan also computing start offsets, which hayscan always reports). Leftmost-first is shown beside "
           "it: fewer matches, different work."]
    out += run_line(run, "literals")
    header = ["set"] + LITERAL_SIDES + ["overlapping vs Hyperscan", "vs Hyperscan SOM", "leftmost-first vs Hyperscan",
                                        "overlapping vs raw crate"]
    body = []
    for d in ("sparse", "dense"):
        for n in SIZES:
            st = f"{d}-{n}"
            side = {name: R.one(host="rust", workload="literals", set=st, impl=name) for name in LITERAL_SIDES}
            if not any(side.values()):
                continue
            body.append([st] + [cpu_cell(side[name]) for name in LITERAL_SIDES] + [
                cpu_ratio(side["hayscan overlapping"], side["Hyperscan"]),
                cpu_ratio(side["hayscan overlapping"], side["Hyperscan SOM"]),
                cpu_ratio(side["hayscan leftmost-first"], side["Hyperscan"]),
                cpu_ratio(side["hayscan overlapping"], side["aho-corasick overlapping"])])
    out += [table(header, body), ""]
    return out


def run_line(run, section):
    """The run a section's rows come from (when it ran on its own), then a blank line."""
    if not run:
        return [""]
    return ["", f"Run: commit `{run.get('commit')}`, started {run.get('started')}, load before "
                f"{' '.join(run.get('load_before', []))}; `bench/run.sh --only {section}` reruns this section.", ""]


# Which job a side of the files section does: every match, or matching lines (-c).
LINE_SIDES = ("count_file_lines", "count_file_lines_parallel (2 threads)", "rg -F -c -f", "grep -F -c -f")


def section_files(R, run):
    """A large file counted by path, in memory on 1 and 2 threads, its matching lines, and
    by rg and grep (hayscan-bench --files)."""
    rows = R.find(host="rust", workload="files")
    if not rows:
        return []
    out = ["## Files and threads", "",
           "One file of English text counted by path (`count_file`: 256 KiB reads, memory bounded), the same bytes "
           "counted in memory on one thread (`count`) and on two (`count_parallel`), its matching lines "
           "(`count_file_lines`, grep -c's answer, on one thread and on two), and the command-line tools on the "
           "same file and patterns, interleaved. Two jobs: counting every match (`count_file`, `count`, "
           "`rg --count-matches`) and counting the lines that hold a match (`count_file_lines`, `rg -c`, `grep -c`, "
           "which stop at a line's first match); *vs rg* compares each side with rg doing the same job. "
           "CPU time includes the tools' (child processes)."]
    out += run_line(run, "files")
    header = ["set", "side", "job", "result", "wall median", "CPU median", "MB/s (wall)", "vs rg, same job (wall)"]
    body = []
    for st in sorted({r.get("set") for r in rows}, key=str):
        grp = [r for r in rows if r.get("set") == st]
        ok = {r.get("api"): r for r in grp if r.get("status") == "ok"}
        for r in grp:
            if r.get("status") != "ok":
                body.append([st, r.get("api", ""), "", "", f"*{r.get('status')}*", "", "", ""])
                continue
            lines = r.get("api") in LINE_SIDES
            rg = ok.get("rg -F -c -f" if lines else "rg -F --count-matches -f")
            vs = "—"
            if rg is not None and rg is not r:
                vs = fmt_ratio(rg["median_s"] / r["median_s"])
                if rg.get("result") != r.get("result"):
                    vs += " (**results differ**)"
            body.append([st, r.get("api", ""), "lines" if lines else "matches", f"{r.get('result', 0):,}",
                         fmt_time(r["median_s"]) + spread(r), fmt_time(r["cpu_median_s"]),
                         fmt_rate(r.get("mbps")), vs])
    out += [table(header, body), "",
            "*vs rg* above 1 means the side is that many times faster than rg doing the same job.", ""]
    return out


def section_build(R):
    lines = ["## Building the matcher", ""]
    header = ["set", "Rust core", "C ABI", "Hyperscan", "PHP hayscan", "PCRE compile", "pure-PHP AC", "Ruby hayscan",
              "Regexp.union", "Node hayscan", "RegExp (+first exec)", "modern-ahocorasick/fast", "ahocorasick (npm)"]
    rows = []
    for st in [f"dense-{s}" for s in SIZES] + ["secrets"]:
        def t(host, impl):
            r = R.one(host=host, workload="build", set=st, impl=impl)
            if r is None:
                return "—"
            if r.get("status") != "ok":
                return f"*{r.get('status')}*"
            return fmt_time(r.get("median_s"))
        rows.append([st, t("rust", "hayscan"), t("c", "hayscan"), t("c", "hyperscan"), t("php", "hayscan"),
                     t("php", "preg_match_all"), t("php", "php-aho-corasick"), t("ruby", "hayscan"),
                     t("ruby", "Regexp.union#scan"), t("node", "hayscan"), t("node", "RegExp"),
                     t("node", "modern-ahocorasick/fast"), t("node", "ahocorasick")])
    lines += [table(header, rows), ""]
    errors = [r for r in R.find(workload="build") if r.get("status") not in ("ok", None)]
    for r in errors:
        lines.append(f"- {HOST_TITLES.get(r['host'], r['host'])} {r.get('impl')} {r.get('set')}: *{r.get('status')}*: {r.get('reason')}")
    if errors:
        lines.append("")
    return lines


def section_memory(R):
    lines = ["## Peak memory", "",
             "One process per configuration: load the corpus, build the matcher, scan once (alternatives scan a "
             "prefix); peak RSS (`VmHWM`) minus the peak before building. Includes each runtime's allocator "
             "behaviour (PHP and V8 reserve memory in large chunks).", ""]
    header = ["host", "side", "set", "peak RSS − before", "peak RSS", "automaton (own report)"]
    rows = []
    for r in R.find(workload="memory"):
        if r.get("status") != "ok":
            rows.append([HOST_TITLES.get(r["host"], r["host"]), r.get("impl"), r.get("set", ""), f"*{r.get('status')}*",
                         (r.get("reason") or "")[:120], ""])
            continue
        impl = r.get("impl")
        rows.append([HOST_TITLES.get(r["host"], r["host"]), impl, r.get("set"),
                     kib(r["peak_rss_kb"] - r["base_rss_kb"]), kib(r["peak_rss_kb"]),
                     nbytes(r.get("automaton_bytes"))])
    lines += [table(header, rows), ""]
    return lines


def section_summary(R):
    lines = ["## Summary", ""]
    header = ["host", "1,000 dense keywords: hayscan match objects / best alternative returning matches",
              "hayscan count / best alternative (any API)", "1,000 sparse keywords: hayscan / best alternative",
              "median boundary tax (large inputs)", "per-call overhead beyond the core"]
    rows = []
    core_call = R.one(host="rust", workload="is_match")
    for host in ("php", "ruby", "node"):
        h = HOSTS[host]
        obj = host_rows(R, host, "scan", "dense-1000", "hayscan", h["objects"][1], h["objects"][2], "leftmost-first")
        cnt = host_rows(R, host, "scan", "dense-1000", "hayscan", h["count"][1], h["count"][2], "leftmost-first")
        best = best_alternative(R, host, "scan", "dense-1000")
        best_m = best_alternative(R, host, "scan", "dense-1000", matches_only=True)
        sp = host_rows(R, host, "scan", "sparse-1000", "hayscan", h["objects"][1], h["objects"][2], "leftmost-first")
        best_sp = best_alternative(R, host, "scan", "sparse-1000", matches_only=True)
        taxes = []
        for d in ("sparse", "dense"):
            for s in SIZES:
                c = host_rows(R, host, "scan", f"{d}-{s}", "hayscan", h["count"][1], h["count"][2], "leftmost-first")
                t = tax(R, host, f"{d}-{s}", c)
                if t is not None:
                    taxes.append(t)
        call = R.one(host=host, workload="is_match", impl="hayscan", input=h["count"][2])
        loop = R.one(host=host, workload="is_match", impl="baseline")
        over = None
        if call and core_call and call.get("status") == "ok":
            over = call["ns_per_call"] - core_call["ns_per_call"] - (loop["ns_per_call"] if loop and loop.get("status") == "ok" else 0)
        rows.append([
            HOST_TITLES[host],
            f"{fmt_rate(mbps(obj))} vs {fmt_rate(mbps(best_m))} MB/s ({(best_m or {}).get('impl', '—')} {(best_m or {}).get('api', '')}): "
            f"**{fmt_ratio(ratio(mbps(obj), mbps(best_m)))}**",
            f"{fmt_rate(mbps(cnt))} vs {fmt_rate(mbps(best))} MB/s ({(best or {}).get('impl', '—')} {(best or {}).get('api', '')}): "
            f"**{fmt_ratio(ratio(mbps(cnt), mbps(best)))}**",
            f"{fmt_rate(mbps(sp))} vs {fmt_rate(mbps(best_sp))} MB/s: **{fmt_ratio(ratio(mbps(sp), mbps(best_sp)))}**",
            f"{100 * statistics.median(taxes):+.1f}%" if taxes else "—",
            f"{over:,.0f} ns" if over is not None else "—",
        ])
    c = R.one(host="c", workload="scan", set="dense-1000", impl="hayscan", api="hayscan_matcher_count", semantics="overlapping")
    hs = R.one(host="c", workload="scan", set="dense-1000", impl="hyperscan")
    lines += [table(header, rows), ""]
    if c and hs:
        lines.append(f"Against Hyperscan (C, 1,000 dense keywords, every occurrence): hayscan {fmt_rate(mbps(c))} MB/s, "
                     f"Hyperscan {fmt_rate(mbps(hs))} MB/s ({fmt_ratio(ratio(mbps(c), mbps(hs)))}); the full comparison "
                     f"is in [C](#c-hayscan-through-its-c-abi-and-hyperscan).")
        lines.append("")
    # Shortfalls against the targets of issue 6, computed.
    short = []
    for host in ("php", "ruby", "node"):
        h = HOSTS[host]
        for d in ("dense", "sparse"):
            for (label, api, inp), only in [(h["objects"], True), (h["count"], False)]:
                r = host_rows(R, host, "scan", f"{d}-1000", "hayscan", api, inp, "leftmost-first")
                best = best_alternative(R, host, "scan", f"{d}-1000", matches_only=only)
                q = ratio(mbps(r), mbps(best))
                if q is not None and q < 10:
                    why = ""
                    f = floor_row(R, host, f"{d}-1000") if only else None
                    cnt = host_rows(R, host, "scan", f"{d}-1000", "hayscan", h["count"][1], h["count"][2], "leftmost-first")
                    if f and mbps(cnt):
                        # The best any binding could do: the core's count plus the host's floor.
                        bound = r["bytes"] / (cnt["median_s"] + f["median_s"]) / 1e6
                        why = (f". Why: keeping one match object per match costs {HOST_TITLES[host]} itself "
                               f"{f['median_s'] * 1e9 / f['matches']:,.0f} ns without any search (floor row), "
                               f"{fmt_time(f['median_s'])} for these {f['matches']:,} matches; with count "
                               f"({fmt_time(cnt['median_s'])}) that caps any binding at {fmt_rate(bound)} MB/s "
                               f"= {fmt_ratio(ratio(bound, mbps(best)))} the alternative")
                    core = core_count(R, f"{d}-1000")
                    if not only and mbps(core) and ratio(mbps(core), mbps(best)) < 10:
                        hs = R.one(host="c", workload="scan", set=f"{d}-1000", impl="hyperscan")
                        hs_note = (f"; Hyperscan, the fastest C matcher, runs it at {fmt_rate(mbps(hs))} MB/s "
                                   f"(= {fmt_ratio(ratio(mbps(hs), mbps(best)))}), so no library would reach 10x "
                                   f"here" if mbps(hs) and ratio(mbps(hs), mbps(best)) < 10 else "")
                        why = (f". Why: the Rust core's own count, with no boundary at all, runs this set at "
                               f"{fmt_rate(mbps(core))} MB/s = {fmt_ratio(ratio(mbps(core), mbps(best)))} the "
                               f"alternative: the gap is the core's speed on text dense with matches, not the "
                               f"binding{hs_note}")
                    short.append(f"{HOST_TITLES[host]}, {d}-1000, hayscan {label}: {fmt_ratio(q)} the best alternative "
                                 f"({best['impl']} {best.get('api', '')}, {fmt_rate(best['mbps'])} MB/s){why}")
        taxes = [(st, tax(R, host, st, host_rows(R, host, "scan", st, "hayscan", h["count"][1], h["count"][2], "leftmost-first")))
                 for st in [f"{d}-{n}" for d in ("sparse", "dense") for n in SIZES]]
        taxes = [(st, t) for st, t in taxes if t is not None]
        if taxes and statistics.median(t for _, t in taxes) >= 0.05:
            short.append(f"{HOST_TITLES[host]}: median boundary tax {100 * statistics.median(t for _, t in taxes):+.1f}% "
                         f"({h['count'][0]})")
    node_str = [(st, tax(R, "node", st, host_rows(R, "node", "scan", st, "hayscan", "count", "string", "leftmost-first")))
                for st in [f"{d}-{n}" for d in ("sparse", "dense") for n in SIZES]]
    node_str = [t for _, t in node_str if t is not None]
    if node_str and statistics.median(node_str) >= 0.05:
        short.append(f"Node.js with string input: median boundary tax {100 * statistics.median(node_str):+.1f}% "
                     f"(the UTF-16 → UTF-8 copy of each string: on sparse sets the core scans faster than V8 "
                     f"encodes a string, so the copy dominates; Buffer input has no copy, see its column)")
    lines.append("Targets (issue 6): hayscan ≥ 10x each host's best alternative at 1,000 keywords, boundary tax < 5%. "
                 "Computed from this run, below target:")
    lines.append("")
    lines += [f"- {s}" for s in short] or ["- none"]
    lines.append("")
    return lines


# ---- real rulesets (bench/rust/src/rulesets.rs) ---------------------------------------------

RULESETS = [("gitleaks", "ascii"), ("secrets-109", "unicode"), ("secrets-109", "ascii"), ("secrets-2k", "ascii")]
RULESET_TITLES = {"gitleaks": "gitleaks default rules", "secrets-109": "the 109 bench regexes",
                  "secrets-2k": "~2,000 secret rules"}


def pct(v):
    return f"{100 * v:.0f}%" if v is not None else "—"


def compact_indices(v, limit=12):
    v = list(v or [])
    if not v:
        return "none"
    shown = ", ".join(f"#{i}" for i in v[:limit])
    return shown + (f" and {len(v) - limit} more" if len(v) > limit else "")


def rs_one(R, workload, name, classes, impl, corpus=None):
    return R.one(host="rust", workload=workload, set=name, classes=classes, impl=impl, corpus=corpus)


def rs_time(r, threshold):
    """Build cell: median (best) ±spread, flagged when noisy."""
    if r is None:
        return "—"
    if r.get("status") != "ok":
        return f"*{r.get('status')}*"
    flag = " ⚠" if r.get("noisy") else ""
    return f"{fmt_time(r['median_s'])} (best {fmt_time(r['min_s'])}) ±{pct(r.get('spread'))}{flag}"


def rs_rate(r):
    if r is None:
        return "—"
    if r.get("status") != "ok":
        return f"*{r.get('status')}*"
    flag = " ⚠" if r.get("noisy") else ""
    return f"{fmt_rate(r.get('best_mbps'))} / {fmt_rate(r.get('mbps'))} ±{pct(r.get('spread'))}{flag}"


def rs_ratio(h, s):
    if not (h and s and h.get("status") == "ok" and s.get("status") == "ok"):
        return "—"
    return f"**{fmt_ratio(s['min_s'] / h['min_s'])}** / {fmt_ratio(s['median_s'] / h['median_s'])}"


def rs_memory(R, name, classes, impl):
    r = R.one(host="rust", workload="ruleset-memory", set=name, classes=classes, impl=impl)
    if r is None:
        return "—"
    if r.get("status") != "ok":
        return f"*{r.get('status')}*"
    return kib(r["peak_rss_kb"] - r["base_rss_kb"])


def section_rulesets(R, run):
    lines = ["## Real rulesets: hayscan vs Hyperscan", ""]
    meta = R.one(host="rust", workload="ruleset-meta")
    if not meta and not R.find(host="rust", workload="ruleset-build"):
        return lines + ["(no ruleset rows: run `bench/run.sh --only rulesets`)", ""]
    threshold = (meta or {}).get("noisy_threshold", 0.1)
    src = (run or {}).get("source_corpus") or {}
    rs = (run or {}).get("rulesets") or {}
    gl, spdb, two_k = rs.get("gitleaks") or {}, rs.get("secrets-patterns-db") or {}, rs.get("secrets-2k") or {}
    parts = ", ".join(f"{p['new']:,} of {p['lines']:,} from `{p['file']}`" for p in two_k.get("parts", []))
    load = f"{' '.join((run or {}).get('load_before', []))} before, {' '.join((run or {}).get('load_after', []))} after"
    core = (run or {}).get("core_commit")
    lines += [
        "Real secret-scanning rulesets over real text, both engines **in one process** (`hayscan-bench --rulesets`, "
        "built with the `hyperscan` feature): for every ruleset, each pattern is first compiled alone by each engine; "
        "a pattern either side cannot compile is listed below with its index and error, and both sides then run the "
        "same rules, the intersection. Contenders are interleaved, the order rotated every repetition; each "
        "repetition records wall-clock and process CPU time. Cells give best / median ±spread, spread = (max − min) / "
        f"median; ⚠ marks a spread above {pct(threshold)} (a noisy row on this shared machine"
        + ("; `--verify` reran such measurements up to "
           f"{(meta or {}).get('max_verify')} times and kept the steadiest, every attempt is in the JSON row)"
           if (meta or {}).get("verify") else "; `bench/run.sh --verify` reruns them)") + ".",
        "",
        table(["", ""], [
            ("Run", f"mode `{(run or {}).get('mode')}`, commit {(run or {}).get('commit')}, crates/hayscan at "
                    f"{core}{' **plus uncommitted changes**' if (run or {}).get('core_dirty') else ''}"
                    f"{' (tree ' + run['core_tree'] + ')' if (run or {}).get('core_dirty') and run.get('core_tree') else ''}, "
                    f"{(run or {}).get('started')}; {(meta or {}).get('reps')} repetitions (builds over 2 s: at most 3), "
                    f"repetitions of at least {(meta or {}).get('min_rep_ms'):g} ms" if meta else "—"),
            ("Load average", load),
            ("Hyperscan", f"{(meta or {}).get('version')} (`hs_compile_multi`, block mode, HS_FLAG_MULTILINE; "
                          "HS_FLAG_SOM_LEFTMOST per pattern where it compiles)"),
            ("Source corpus", f"{nbytes(src.get('bytes'))}: {src.get('files_read')} of the {src.get('files_available')} "
                              f"`*.py` files under `{src.get('root')}` ({src.get('package')}), concatenated in the "
                              f"order of the SHA-256 of their paths (`bench/corpus/source.py`); "
                              f"{src.get('non_ascii_bytes', 0):,} non-ASCII bytes" if src else "—"),
            ("Log corpus", f"{nbytes((run or {}).get('log_bytes'))}: `log.txt` of `bench/corpus/generate.py`"),
            ("gitleaks", f"{gl.get('regexes')} regexes of `{gl.get('path')}` at gitleaks/gitleaks "
                         f"{(gl.get('commit') or '')[:12]} (`bench/rulesets/gitleaks.py`); Go RE2 syntax, run with "
                         "`ascii_classes`" if gl else "—"),
            ("secrets-109", "`bench/corpus/secrets.regex`, run both ways: Unicode classes (hayscan's default) and "
                            "`ascii_classes`"),
            ("secrets-2k", f"{two_k.get('total', '?'):,} regexes: mazen160/secrets-patterns-db has "
                           f"{spdb.get('regexes', '?')} (`{spdb.get('path')}` at {(spdb.get('commit') or '')[:12]}, "
                           "`bench/rulesets/secrets_patterns_db.py`), fewer than 2,000, so gitleaks' rules and the "
                           f"109 join it, exact duplicates dropped ({parts}); run with `ascii_classes`"
                           if two_k else "—"),
        ]),
        "",
    ]
    header = ["ruleset", "corpus", "rules: total · hayscan builds · Hyperscan compiles · both run (Hyperscan without SOM)",
              "build hayscan", "build Hyperscan", "hayscan MB/s", "Hyperscan MB/s", "CPU s per scan hayscan / Hyperscan (median)",
              "speed hayscan ÷ Hyperscan (best / median)", "peak memory hayscan / Hyperscan", "matches hayscan / Hyperscan"]
    rows = []
    for name, classes in RULESETS:
        bh = rs_one(R, "ruleset-build", name, classes, "hayscan")
        bs = rs_one(R, "ruleset-build", name, classes, "hyperscan")
        label = f"{name} ({classes})"
        if bh is None and bs is None:
            continue
        info = next((r for r in (bh, bs) if r and r.get("patterns_total") is not None), None)
        if info:
            total = info["patterns_total"]
            hay_ok = total - len(info.get("hayscan_dropped") or [])
            hs_ok = total - len(info.get("hyperscan_dropped") or [])
            rules = (f"{total:,} · {hay_ok:,} · {hs_ok:,} · **{info['patterns']:,}** "
                     f"({len(info.get('hyperscan_no_som') or []):,})")
        else:
            rules = (bh or bs or {}).get("reason", "—")
        mem = f"{rs_memory(R, name, classes, 'hayscan')} / {rs_memory(R, name, classes, 'hyperscan')}"
        for corpus in ("source", "log"):
            h = rs_one(R, "ruleset", name, classes, "hayscan", corpus)
            s = rs_one(R, "ruleset", name, classes, "hyperscan", corpus)
            cpu = (f"{fmt_time((h or {}).get('cpu_median_s'))} / {fmt_time((s or {}).get('cpu_median_s'))}")
            counts = (f"{h['matches']:,}" if h and h.get("matches") is not None else "—") + " / " + \
                     (f"{s['matches']:,}" if s and s.get("matches") is not None else "—")
            rows.append([label, corpus, rules, rs_time(bh, threshold), rs_time(bs, threshold), rs_rate(h), rs_rate(s),
                         cpu, rs_ratio(h, s), mem, counts])
    lines += [table(header, rows), ""]
    lines += [
        "Build: `Matcher::new` against `hs_compile_multi` of the same rules (median, best, spread). MB/s: bytes of "
        "the corpus per second of `Matcher::count` against `hs_scan` with a callback that counts. The speed ratio is "
        "Hyperscan's time over hayscan's, from the best repetitions (interference only ever slows a run down) and from "
        "the medians; above 1x hayscan is faster. Peak memory: `ru_maxrss` growth of a process that only builds the "
        "rules and counts once over both corpora (one process per side and ruleset).",
        "",
        "**The counts differ by design**: hayscan counts leftmost-first, non-overlapping matches, each within a line; "
        "Hyperscan calls back at every end offset of every pattern (with SOM, each with its leftmost start), so "
        "`[a-z0-9]{32}` reports many matches on a 40-character token, and without SOM it still reports every end. "
        "Hyperscan's `$` gets HS_FLAG_MULTILINE to mean end of line, as in hayscan, but a class such as `\\s` can "
        "still match a newline in Hyperscan, never in hayscan's line-by-line scan. Hyperscan's Unicode mode "
        "(HS_FLAG_UTF8 | HS_FLAG_UCP) rejects `\\b`, which nearly every secret rule uses, so there is no Unicode "
        "Hyperscan to compare with: the `secrets-109 (unicode)` rows set hayscan's Unicode classes against "
        "Hyperscan's ASCII ones (the same Hyperscan database as the ASCII rows), and the ASCII rows are like for like.",
        "",
    ]
    # Targets of issue 10, computed.
    def ratio_best(name, classes, corpus):
        h = rs_one(R, "ruleset", name, classes, "hayscan", corpus)
        s = rs_one(R, "ruleset", name, classes, "hyperscan", corpus)
        if h and s and h.get("status") == "ok" and s.get("status") == "ok":
            return s["min_s"] / h["min_s"], s["median_s"] / h["median_s"]
        return None

    def build_s(name, classes):
        b = rs_one(R, "ruleset-build", name, classes, "hayscan")
        return b.get("median_s") if b and b.get("status") == "ok" else None

    def verdict(ok):
        return "**met**" if ok else "**not met**"

    targets = []
    b = build_s("gitleaks", "ascii")
    if b is not None:
        targets.append(f"gitleaks: build < 1 s: {fmt_time(b)} — {verdict(b < 1)}")
    q = ratio_best("gitleaks", "ascii", "source")
    if q:
        targets.append(f"gitleaks: count over source code ≥ 2x Hyperscan: {fmt_ratio(q[0])} best, {fmt_ratio(q[1])} median — "
                       f"{verdict(q[0] >= 2 and q[1] >= 2)}")
    for classes in ("ascii", "unicode"):
        for corpus in ("source", "log"):
            q = ratio_best("secrets-109", classes, corpus)
            if q:
                targets.append(f"secrets-109 ({classes}) over {corpus}: ≥ 1.5x Hyperscan: {fmt_ratio(q[0])} best, "
                               f"{fmt_ratio(q[1])} median — {verdict(q[0] >= 1.5 and q[1] >= 1.5)}")
    b = build_s("secrets-2k", "ascii")
    if b is not None:
        targets.append(f"secrets-2k: build < 3 s: {fmt_time(b)} — {verdict(b < 3)}")
    for corpus in ("source", "log"):
        q = ratio_best("secrets-2k", "ascii", corpus)
        if q:
            targets.append(f"secrets-2k over {corpus}: scan ≥ Hyperscan: {fmt_ratio(q[0])} best, {fmt_ratio(q[1])} median — "
                           f"{verdict(q[0] >= 1 and q[1] >= 1)}")
    lines += ["Targets (issue 10), computed from this run (best and median must both reach a speed target):", ""]
    lines += [f"- {t}" for t in targets] or ["- no rows"]
    lines.append("")
    noisy = [r for r in R.find(host="rust") if str(r.get("workload", "")).startswith("ruleset") and r.get("noisy")]
    if noisy:
        lines.append(f"Noisy rows (spread above {pct(threshold)}): " + "; ".join(
            f"{r['set']} ({r['classes']}) {r['workload'].replace('ruleset-build', 'build').replace('ruleset', 'scan')} "
            f"{r.get('corpus') or ''} {r['impl']} ±{pct(r.get('spread'))}".replace("  ", " ") for r in noisy) + ".")
        lines.append("")
    # Drops, per ruleset.
    lines += ["Patterns left out (a pattern either side cannot compile is run by neither):", ""]
    for name, classes in RULESETS:
        drops = R.find(host="rust", workload="ruleset-drop", set=name, classes=classes)
        info = rs_one(R, "ruleset-build", name, classes, "hayscan") or rs_one(R, "ruleset-build", name, classes, "hyperscan")
        if info is None and not drops:
            continue
        hay = [r for r in drops if r["impl"] == "hayscan"]
        hs_fail = [r for r in drops if r["impl"] == "hyperscan" and r["status"] != "partial"]
        no_som = [r["index"] for r in drops if r["impl"] == "hyperscan" and r["status"] == "partial"]
        lines.append(f"- **{name} ({classes})**: hayscan cannot build {len(hay)}"
                     + (": " + "; ".join(f"#{r['index']} `{r['pattern'][:80]}`: {r['reason'][:160]}" for r in hay) if hay else "")
                     + f". Hyperscan cannot compile {len(hs_fail)}"
                     + (": " + "; ".join(f"#{r['index']} `{r['pattern'][:60]}`: {r['reason'][:100]}" for r in hs_fail[:8])
                        + (f"; and {len(hs_fail) - 8} more (JSON rows)" if len(hs_fail) > 8 else "") if hs_fail else "")
                     + f". Hyperscan compiles {len(no_som)} only without SOM (mostly \"Pattern is too large\" with "
                       f"HS_FLAG_SOM_LEFTMOST: bounded repeats such as `[\\w.-]{{0,50}}`): {compact_indices(no_som)}.")
    lines.append("")
    problems = [r for r in R.find(host="rust") if r.get("workload") in ("ruleset", "ruleset-build", "ruleset-memory")
                and r.get("status") not in ("ok", None)]
    for r in problems:
        lines.append(f"- {r.get('set')} ({r.get('classes')}) {r['workload']} {r.get('impl')}: *{r.get('status')}*: {r.get('reason')}")
    if problems:
        lines.append("")
    return lines


def plot_rulesets(R, outdir, plt):
    labels, hay, hs, hay_b, hs_b = [], [], [], [], []
    for name, classes in RULESETS:
        for corpus in ("source", "log"):
            h = rs_one(R, "ruleset", name, classes, "hayscan", corpus)
            s = rs_one(R, "ruleset", name, classes, "hyperscan", corpus)
            if not (h and h.get("status") == "ok"):
                continue
            labels.append(f"{name}\n({classes})\n{corpus}")
            hay.append(h.get("best_mbps") or 0)
            hs.append((s or {}).get("best_mbps") or 0 if s and s.get("status") == "ok" else 0)
    builds = []
    for name, classes in RULESETS:
        bh = rs_one(R, "ruleset-build", name, classes, "hayscan")
        bs = rs_one(R, "ruleset-build", name, classes, "hyperscan")
        if bh and bh.get("status") == "ok":
            builds.append((f"{name}\n({classes})", bh["median_s"], bs["median_s"] if bs and bs.get("status") == "ok" else 0))
    if not labels:
        return None
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": [2.2, 1]})
    xs = range(len(labels))
    w = 0.38
    ax1.bar([x - w / 2 for x in xs], hay, w, label="hayscan Matcher::count")
    ax1.bar([x + w / 2 for x in xs], hs, w, label="Hyperscan hs_scan (every match end)")
    ax1.set_xticks(list(xs))
    ax1.set_xticklabels(labels, fontsize=7)
    ax1.set_ylabel("MB/s (best repetition)")
    ax1.set_title("Scanning, same rules both sides")
    ax1.legend(fontsize=8)
    ax1.grid(True, axis="y", alpha=0.3)
    bx = range(len(builds))
    ax2.bar([x - w / 2 for x in bx], [b[1] for b in builds], w, label="hayscan Matcher::new")
    ax2.bar([x + w / 2 for x in bx], [b[2] for b in builds], w, label="Hyperscan hs_compile_multi")
    ax2.set_xticks(list(bx))
    ax2.set_xticklabels([b[0] for b in builds], fontsize=7)
    ax2.set_yscale("log")
    ax2.set_ylabel("seconds (median, log scale)")
    ax2.set_title("Building")
    ax2.legend(fontsize=8)
    ax2.grid(True, axis="y", which="both", alpha=0.3)
    fig.suptitle("Real rulesets: hayscan vs Hyperscan")
    fig.tight_layout()
    path = os.path.join(outdir, "benchmarks-rulesets.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return ("Real rulesets: hayscan vs Hyperscan", os.path.basename(path))


# ---- plots ---------------------------------------------------------------------------------

def plots(R, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        return [], f"matplotlib is not available ({e}): no plots"
    made = []

    def series(host, impl, api=None, inp=None, semantics=None, workload="scan"):
        out = {}
        for d in ("sparse", "dense"):
            xs, ys = [], []
            for s in SIZES:
                rows = [r for r in R.find(host=host, workload=workload, set=f"{d}-{s}", impl=impl, input=inp, semantics=semantics)
                        if api is None or r.get("api") == api]
                r = rows[0] if rows else None
                if mbps(r):
                    xs.append(s)
                    ys.append(r["mbps"])
            out[d] = (xs, ys)
        return out

    def draw(name, title, lines_spec):
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
        for ax, d in zip(axes, ("sparse", "dense")):
            for label, data, style in lines_spec:
                xs, ys = data[d]
                if xs:
                    ax.plot(xs, ys, style, label=label, linewidth=1.6, markersize=5)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xticks(SIZES)
            ax.set_xticklabels([f"{s:,}" for s in SIZES])
            ax.set_xlabel("keywords")
            ax.set_title(f"{d} matches")
            ax.grid(True, which="both", alpha=0.3)
        axes[0].set_ylabel("MB/s (log scale)")
        axes[1].legend(fontsize=8, loc="best")
        fig.suptitle(title)
        fig.tight_layout()
        path = os.path.join(outdir, f"benchmarks-{name}.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        made.append((title, os.path.basename(path)))

    core = series("rust", "hayscan", "count", semantics="leftmost-first")
    draw("c", "C: hayscan (C ABI) vs Hyperscan", [
        ("Rust core count", core, "k--"),
        ("hayscan count (leftmost-first)", series("c", "hayscan", "hayscan_matcher_count", semantics="leftmost-first"), "o-"),
        ("hayscan count (overlapping)", series("c", "hayscan", "hayscan_matcher_count", semantics="overlapping"), "s-"),
        ("Hyperscan (every match)", series("c", "hyperscan"), "^-"),
    ])
    draw("php", "PHP: hayscan vs preg_match_all and a pure-PHP Aho-Corasick", [
        ("Rust core count", core, "k--"),
        ("hayscan count()", series("php", "hayscan", "count", semantics="leftmost-first"), "o-"),
        ("hayscan findAll()", series("php", "hayscan", "findAll", semantics="leftmost-first"), "s-"),
        ("preg_match_all alternation", series("php", "preg_match_all"), "^-"),
        ("pure-PHP Aho-Corasick", series("php", "php-aho-corasick"), "v-"),
    ])
    draw("ruby", "Ruby: hayscan vs Regexp.union + scan", [
        ("Rust core count", core, "k--"),
        ("hayscan count", series("ruby", "hayscan", "count", semantics="leftmost-first"), "o-"),
        ("hayscan find_all", series("ruby", "hayscan", "find_all", semantics="leftmost-first"), "s-"),
        ("Regexp.union + scan", series("ruby", "Regexp.union#scan"), "^-"),
    ])
    draw("node", "Node.js: hayscan vs RegExp and pure-JS Aho-Corasick", [
        ("Rust core count", core, "k--"),
        ("hayscan count(Buffer)", series("node", "hayscan", "count", "buffer", "leftmost-first"), "o-"),
        ("hayscan count(string)", series("node", "hayscan", "count", "string", "leftmost-first"), "o:"),
        ("hayscan findAll(string)", series("node", "hayscan", "findAll", "string", "leftmost-first"), "s-"),
        ("RegExp alternation", series("node", "RegExp"), "^-"),
        ("ahocorasick (npm)", series("node", "ahocorasick"), "v-"),
        ("modern-ahocorasick/fast count", series("node", "modern-ahocorasick/fast", "count"), "d-"),
    ])
    rs = plot_rulesets(R, outdir, plt)
    if rs:
        made.append(rs)
    return made, None


# ---- main ----------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--plots", required=True)
    args = ap.parse_args()
    rows, machine, runs = load(args.results)
    rs_run = runs["rulesets"]
    if not rows:
        sys.exit(f"no results in {args.results}")
    R = Rows(rows)
    made, plot_error = plots(R, args.plots)
    rel = os.path.relpath(args.plots, os.path.dirname(os.path.abspath(args.out)) or ".")

    doc = ["# hayscan benchmarks", "",
           "<!-- Generated by bench/run.sh (bench/report/generate.py) from the JSON lines of one run: do not edit. -->", "",
           "hayscan against what each host's users would otherwise write, and against Hyperscan, on the same data "
           "in the same run. Every number below comes from that run; how it was measured is in "
           "[bench/README.md](../bench/README.md).", ""]
    doc += section_summary(R)
    doc += ["## Plots", ""]
    if plot_error:
        doc += [f"*{plot_error}*", ""]
    for title, name in made:
        doc += [f"![{title}]({os.path.join(rel, name) if rel != '.' else name})", ""]
    doc += section_machine(machine, R)
    doc += section_data(machine, R)
    doc += section_rust(R)
    doc += section_literals(R, runs["literals"])
    doc += section_files(R, runs["files"])
    doc += section_c(R)
    for host in ("php", "ruby", "node"):
        doc += section_host(R, host)
    doc += section_regex(R)
    doc += section_replace(R)
    doc += section_overheads(R)
    doc += section_answers(R)
    doc += section_build(R)
    doc += section_memory(R)
    doc += section_rulesets(R, rs_run)
    # The ruleset section lists its own left-out patterns and failed rows.
    problems = [r for r in rows if r.get("status") not in ("ok", None) and r.get("workload") not in ("memory",)
                and not str(r.get("workload", "")).startswith("ruleset")]
    doc += ["## Rows that did not measure", "",
            "Every side that failed, could not load or was skipped, with its reason (never silently dropped):", ""]
    doc += [f"- {HOST_TITLES.get(r.get('host'), r.get('host'))} / {r.get('workload')} / {r.get('impl')} / "
            f"{r.get('set', '')} {r.get('api', '')}: *{r.get('status')}*: {r.get('reason', '')}" for r in problems] or ["- none"]
    doc += ["", "## Reproduce", "",
            "```sh",
            "make bench            # or: bench/run.sh             (full run, 32 MiB corpus)",
            "QUICK=1 bench/run.sh  # 4 MiB corpus, 3 repetitions, under 6 minutes",
            "bench/run.sh --only rulesets --verify   # only the real-ruleset section, noisy rows rerun",
            "```", "",
            "`bench/run.sh` installs the Debian packages it needs when run as root (libhyperscan-dev, php-cli, ruby, "
            "ruby-ffi, wamerican, python3-venv), builds `libhayscan.so`, the Rust driver and the Node addon in "
            "release mode, generates the data into `bench/data/`, runs every driver (JSON lines in "
            "`bench/out/results/`), and writes this page and its plots (matplotlib in `bench/.venv`).", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(doc))
    print(f"wrote {args.out} ({len(rows)} rows){'' if made else '; ' + (plot_error or '')}")


if __name__ == "__main__":
    main()
