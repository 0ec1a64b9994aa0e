#!/usr/bin/env python3
"""Extracts the `regex` of every rule in gitleaks' default config, one per line.

gitleaks' rules are not committed here: this script reads them from a checkout of
gitleaks/gitleaks (the search tool's `fetch` brings one) at the commit named below, and
prints the rules in file order. A rule's regex is written as gitleaks' Go RE2 reads it;
hayscan reads the same text with `ascii_classes` (RE2's `\\w \\d \\s \\b` are ASCII).

    bench/rulesets/gitleaks.py GIT_DIR > gitleaks.regex          # default: COMMIT
    bench/rulesets/gitleaks.py GIT_DIR --commit HEAD --ids       # rule ids beside regexes

A regex holding a newline (none at COMMIT) would break the one-per-line format: the
script refuses it rather than write a different pattern.
"""
import argparse
import subprocess
import sys
import tomllib

# The commit of gitleaks/gitleaks whose config/gitleaks.toml the benchmark reads.
COMMIT = "b58d3f102cf3a2c84cb7f923d05c25c9b1aed84b"


def rules(git_dir, commit):
    text = subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"{commit}:config/gitleaks.toml"],
        check=True, capture_output=True, text=True).stdout
    for rule in tomllib.loads(text)["rules"]:
        if "regex" in rule:
            yield rule["id"], rule["regex"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("git_dir", help="git directory of a gitleaks/gitleaks checkout")
    ap.add_argument("--commit", default=COMMIT)
    ap.add_argument("--ids", action="store_true", help="print 'id<TAB>regex'")
    args = ap.parse_args()
    n = 0
    for rule_id, regex in rules(args.git_dir, args.commit):
        if "\n" in regex:
            sys.exit(f"rule {rule_id}: regex holds a newline; cannot write one per line")
        print(f"{rule_id}\t{regex}" if args.ids else regex)
        n += 1
    print(f"gitleaks.py: {n} rules from {args.commit}", file=sys.stderr)


if __name__ == "__main__":
    main()
