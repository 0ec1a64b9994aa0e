#!/usr/bin/env python3
"""Flattens tests/vectors/*.json into a line format the C vector runner reads without a
JSON parser. Byte strings become lowercase hex ("-" when empty). One record per line:

    case <name as hex>
    opt <syntax 0|1> <match_kind 0|1|2> <case_insensitive 0|1> <max_line_len> <ascii_classes 0|1> <whole_words 0|1>
    pat <hex>                                (one per pattern, in order)
    hay <hex>
    error <CODE> <pattern_index or -1>       (building must fail)
    matches <n> <p s e>...                   (expected whole-buffer matches)
    captures <n> (<groups> (<s> <e> | - -)...)...   (per match: its groups, group 0 first;
                                             "- -" for a group that took no part)
    names <n> (<groups> (<hex> | ~)...)...   (per pattern: its group names; ~ = no name)
    replace <n> <hex>...                     (replacements)
    routput <hex> | rerror <CODE>
    stream <n> <size>...                     (one line per chunking)
    smatches <n> <p s e>...                  (expected stream matches)
    lines <n>                                (expected count_lines)
    end
"""
import base64, glob, json, os, sys

SYNTAX = {"literal": 0, "regex": 1}
KIND = {"leftmost_first": 0, "leftmost_longest": 1, "overlapping": 2}


def raw(v):
    if isinstance(v, str):
        return v.encode("utf-8")
    return base64.b64decode(v["base64"])


def hx(v):
    return raw(v).hex() or "-"


def triples(ms):
    return " ".join(f"{p} {s} {e}" for p, s, e in ms)


def spans(groups):
    return " ".join([str(len(groups))] + ["- -" if g is None else f"{g[0]} {g[1]}" for g in groups])


def names(groups):
    return " ".join([str(len(groups))] + ["~" if g is None else g.encode().hex() for g in groups])


def main(vector_dir):
    out = []
    for path in sorted(glob.glob(os.path.join(vector_dir, "*.json"))):
        for case in json.load(open(path, encoding="utf-8"))["cases"]:
            if "c" in case.get("skip", {}):
                continue
            o = case.get("options", {})
            out.append("case " + case["name"].encode().hex())
            out.append("opt %d %d %d %d %d %d" % (SYNTAX[o.get("syntax", "literal")], KIND[o.get("match_kind", "leftmost_first")],
                                                 int(o.get("case_insensitive", False)), o.get("max_line_len", 1 << 20),
                                                 int(o.get("ascii_classes", False)), int(o.get("whole_words", False))))
            for p in case["patterns"]:
                out.append("pat " + hx(p))
            out.append("hay " + hx(case["haystack"]))
            ex = case["expect"]
            if "error" in ex:
                out.append("error %s %d" % (ex["error"]["code"], ex["error"].get("pattern_index", -1)))
            if "matches" in ex:
                out.append("matches %d %s" % (len(ex["matches"]), triples(ex["matches"])))
            if "captures" in ex:
                out.append("captures %d %s" % (len(ex["captures"]), " ".join(spans(c) for c in ex["captures"])))
            if "group_names" in ex:
                out.append("names %d %s" % (len(ex["group_names"]), " ".join(names(n) for n in ex["group_names"])))
            if "replace" in ex:
                r = ex["replace"]
                out.append("replace %d %s" % (len(r["with"]), " ".join(hx(w) for w in r["with"])))
                out.append("rerror " + r["error"]["code"] if "error" in r else "routput " + hx(r["output"]))
            if "stream" in ex:
                st = ex["stream"]
                for sizes in st["chunks"]:
                    out.append("stream %d %s" % (len(sizes), " ".join(map(str, sizes))))
                sm = st.get("matches", ex.get("matches"))
                out.append("smatches %d %s" % (len(sm), triples(sm)))
            if "lines" in ex:
                out.append("lines %d" % ex["lines"])
            out.append("end")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
