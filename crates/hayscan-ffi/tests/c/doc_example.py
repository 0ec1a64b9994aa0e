#!/usr/bin/env python3
"""Keeps docs/c-api.md honest: extracts each complete example (every C block with `main`),
compiles it against the header and library, runs it (under valgrind when available) and
compares the output with the block that follows it ("prints").
Usage: doc_example.py <doc> <include dir> <lib dir> <build dir>"""
import os, re, shutil, subprocess, sys

doc, include, lib, build = sys.argv[1:5]
text = open(doc, encoding="utf-8").read()
blocks = re.findall(r"```(\w*)\n(.*?)```", text, re.S)
examples = [i for i, (lang, body) in enumerate(blocks) if lang == "c" and "int main" in body]
if not examples:
    sys.exit(f"{doc}: no complete example (a C block with main) found")
valgrind = ["valgrind", "-q", "--leak-check=full", "--error-exitcode=1"] if shutil.which("valgrind") else []
for n, idx in enumerate(examples, 1):
    source, expected = blocks[idx][1], blocks[idx + 1][1]
    src = os.path.join(build, f"doc_example{n}.c")
    exe = os.path.join(build, f"doc_example{n}")
    open(src, "w").write(source)
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-I", include, src, "-o", exe,
                    "-L" + lib, "-lhayscan", "-Wl,-rpath," + lib], check=True)
    got = subprocess.run(valgrind + [exe], check=True, capture_output=True, text=True).stdout
    if got != expected:
        sys.exit(f"{doc}: example {n} prints\n{got}\nbut the doc says\n{expected}")
print(f"{doc}: {len(examples)} examples compile with -pedantic -Werror and print what the doc says")
