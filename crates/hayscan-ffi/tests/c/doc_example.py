#!/usr/bin/env python3
"""Keeps docs/c-api.md honest: extracts its complete example (the C block with `main`),
compiles it against the header and library, runs it and compares the output with the
block that follows "prints". Usage: doc_example.py <doc> <include dir> <lib dir> <build dir>"""
import os, re, subprocess, sys

doc, include, lib, build = sys.argv[1:5]
text = open(doc, encoding="utf-8").read()
blocks = re.findall(r"```(\w*)\n(.*?)```", text, re.S)
idx = next(i for i, (lang, body) in enumerate(blocks) if lang == "c" and "int main" in body)
source, expected = blocks[idx][1], blocks[idx + 1][1]
src = os.path.join(build, "doc_example.c")
exe = os.path.join(build, "doc_example")
open(src, "w").write(source)
subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-I", include, src, "-o", exe,
                "-L" + lib, "-lhayscan", "-Wl,-rpath," + lib], check=True)
got = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
if got != expected:
    sys.exit(f"{doc}: the example prints\n{got}\nbut the doc says\n{expected}")
print(f"{doc}: example compiles with -pedantic -Werror and prints what the doc says")
