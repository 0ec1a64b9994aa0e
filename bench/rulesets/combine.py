#!/usr/bin/env python3
"""Concatenates regex files (one regex per line), dropping exact duplicates (first kept).

    bench/rulesets/combine.py OUT IN...

Writes OUT and OUT.json (each input's path, its line count, how many of its lines were
new, the total), so the report can say what a combined set is made of.
"""
import json
import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: combine.py OUT IN...")
    out, inputs = sys.argv[1], sys.argv[2:]
    seen, lines, parts = set(), [], []
    for path in inputs:
        with open(path, encoding="utf-8") as f:
            rows = [l.rstrip("\n") for l in f if l.strip()]
        new = [r for r in rows if r not in seen]
        seen.update(new)
        lines += new
        parts.append({"file": os.path.basename(path), "lines": len(rows), "new": len(new)})
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(l + "\n" for l in lines))
    with open(out + ".json", "w") as f:
        json.dump({"parts": parts, "total": len(lines)}, f, indent=2)
    print(f"combine.py: {out}: {len(lines)} regexes ("
          + ", ".join(f"{p['new']} of {p['lines']} from {p['file']}" for p in parts) + ")", file=sys.stderr)


if __name__ == "__main__":
    main()
