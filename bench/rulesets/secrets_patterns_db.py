#!/usr/bin/env python3
"""Extracts the regexes of mazen160/secrets-patterns-db's `db/rules-stable.yml`, one per line.

The database is not committed here: this script reads it from a checkout of
mazen160/secrets-patterns-db (the search tool's `fetch` brings one; `git clone --bare`
does too) at the commit named below, and prints the rules in file order. The rules come
from gitleaks, trufflehog, nuclei and others, written for Go RE2 or Python `re`; hayscan
reads them with `ascii_classes` (`\\w \\d \\s \\b` ASCII, as RE2 and Hyperscan read them).

    bench/rulesets/secrets_patterns_db.py GIT_DIR > spdb.regex          # default: COMMIT
    bench/rulesets/secrets_patterns_db.py GIT_DIR --commit HEAD --ids   # names beside regexes

Needs PyYAML (Debian: python3-yaml). A regex holding a newline (none at COMMIT) would
break the one-per-line format: the script refuses it rather than write a different pattern.
"""
import argparse
import subprocess
import sys

# The commit of mazen160/secrets-patterns-db whose db/rules-stable.yml the benchmark reads.
COMMIT = "24984df1a3f78475132ed183cebce4452b601161"
PATH = "db/rules-stable.yml"


def rules(git_dir, commit):
    try:
        import yaml
    except ImportError:
        sys.exit("secrets_patterns_db.py: needs PyYAML (Debian: apt-get install python3-yaml)")
    text = subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{PATH}"],
                          check=True, capture_output=True, text=True).stdout
    for entry in yaml.safe_load(text)["patterns"]:
        p = entry["pattern"]
        yield p["name"], str(p["regex"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("git_dir", help="git directory of a mazen160/secrets-patterns-db checkout")
    ap.add_argument("--commit", default=COMMIT)
    ap.add_argument("--ids", action="store_true", help="print 'name<TAB>regex'")
    args = ap.parse_args()
    n = 0
    for name, regex in rules(args.git_dir, args.commit):
        if "\n" in regex:
            sys.exit(f"rule {name!r}: regex holds a newline; cannot write one per line")
        print(f"{name}\t{regex}" if args.ids else regex)
        n += 1
    print(f"secrets_patterns_db.py: {n} rules from {PATH} at {args.commit}", file=sys.stderr)


if __name__ == "__main__":
    main()
