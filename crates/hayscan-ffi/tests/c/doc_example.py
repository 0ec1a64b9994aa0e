#!/usr/bin/env python3
"""Keeps docs/c-api.md honest: extracts each complete example (every C block with `main`),
compiles it against the header and library, runs it (under valgrind when available) and
compares the output with the block that follows it ("prints").
Usage: doc_example.py <doc> <include dir> <lib dir> <build dir>
       doc_example.py --extract <doc> <dir> [name]   writes <name><N>.c and <name><N>.out (name: example)
       (scripts/test-install-c.sh builds them against an installed prefix)."""
import os, re, shutil, subprocess, sys


def examples(doc):
    text = open(doc, encoding="utf-8").read()
    blocks = re.findall(r"```(\w*)\n(.*?)```", text, re.S)
    found = [(blocks[i][1], blocks[i + 1][1]) for i, (lang, body) in enumerate(blocks)
             if lang == "c" and "int main" in body]
    if not found:
        sys.exit(f"{doc}: no complete example (a C block with main) found")
    return found


if sys.argv[1] == "--extract":
    doc, out = sys.argv[2:4]
    name = sys.argv[4] if len(sys.argv) > 4 else "example"
    for n, (source, expected) in enumerate(examples(doc), 1):
        open(os.path.join(out, f"{name}{n}.c"), "w").write(source)
        open(os.path.join(out, f"{name}{n}.out"), "w").write(expected)
    sys.exit(0)

doc, include, lib, build = sys.argv[1:5]
valgrind = ["valgrind", "-q", "--leak-check=full", "--error-exitcode=1"] if shutil.which("valgrind") else []
found = examples(doc)
for n, (source, expected) in enumerate(found, 1):
    src = os.path.join(build, f"doc_example{n}.c")
    exe = os.path.join(build, f"doc_example{n}")
    open(src, "w").write(source)
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-I", include, src, "-o", exe,
                    "-L" + lib, "-lhayscan", "-Wl,-rpath," + lib], check=True)
    got = subprocess.run(valgrind + [exe], check=True, capture_output=True, text=True).stdout
    if got != expected:
        sys.exit(f"{doc}: example {n} prints\n{got}\nbut the doc says\n{expected}")
print(f"{doc}: {len(found)} examples compile with -pedantic -Werror and print what the doc says")
