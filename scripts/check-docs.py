#!/usr/bin/env python3
"""`make test-docs`: every fenced code block of README.md, docs/*.md and the host READMEs.

A block in c, php, ruby, js/javascript, ts or json is a complete program by default and is
run against the built library (HAYSCAN_LIB, the PHP/Ruby/Node packages of this checkout):
  c     gcc -std=c99 -Wall -Wextra -pedantic -Werror against the header and target/release,
        run under valgrind when available
  php   php -d ffi.enable=1 with php/autoload.php prepended (what Composer's autoloader does)
  ruby  ruby -I ruby/lib
  js    node (an ES module when it uses import/export), `hayscan` resolving to node/
  ts    TypeScript's compiler type-checks it (--strict, the package's own .d.ts) and the
        emitted JavaScript is run with node
  rust  as rustdoc does: wrapped in `fn main` unless it has one, compiled with rustc against
        the release build of the hayscan crate (its rlib, from cargo's build messages), run
  json  parsed
If the next block is marked `<!-- output -->`, the program's stdout must equal it.
`<!-- fragment -->` on the line before the fence: only parsed/compiled (php -l, ruby -c,
node --check, gcc -fsyntax-only with hayscan.h, at file scope or else inside a function).
`<!-- skip: reason -->`: not checked. Blocks in other languages (sh, ini, none) are
shell transcripts, configuration or output samples: counted as skipped, by language.
Programs run in a temporary directory holding `big.log` and `app.log`
(the files the stream examples read)
and node_modules/hayscan -> node/. Marker comments may be stacked on the lines right above the fence.
Usage: check-docs.py [file.md ...]   (default: every doc above)"""
import glob, json, os, re, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = os.path.join(ROOT, "crates/hayscan-ffi/include")
LIBDIR = os.path.join(ROOT, "target/release")
RUNNABLE = {"c", "php", "ruby", "js", "javascript", "ts", "json", "rust"}
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")


def blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    i, out = 0, []
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, lang = m.group(1), m.group(2).lower()
        j = i + 1
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            j += 1
        if j == len(lines):
            sys.exit(f"{path}:{i + 1}: unclosed code fence")
        body = "\n".join(l[len(indent):] if l.startswith(indent) else l for l in lines[i + 1:j]) + "\n"
        markers, k = [], i - 1
        while k >= 0 and re.match(r"^\s*<!--.*-->\s*$", lines[k]):
            markers.append(lines[k].strip()[4:-3].strip())
            k -= 1
        out.append({"line": i + 1, "lang": lang, "body": body, "markers": markers})
        i = j + 1
    return out


def marker(block, name):
    for m in block["markers"]:
        if m == name or m.startswith(name + ":"):
            return m
    return None


def run(cmd, cwd, env=None, stdin=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, input=stdin)
    return p.returncode, p.stdout, p.stderr


class Checker:
    def __init__(self, work):
        self.work = work
        self.env = dict(os.environ)
        self.env.setdefault("HAYSCAN_LIB", os.path.join(LIBDIR, "libhayscan.so"))
        self.valgrind = ["valgrind", "-q", "--leak-check=full", "--error-exitcode=1"] if shutil.which("valgrind") else []
        nm = os.path.join(work, "node_modules")
        os.makedirs(nm)
        os.symlink(os.path.join(ROOT, "node"), os.path.join(nm, "hayscan"))
        self.n = 0
        # the input files the docs' examples read
        with open(os.path.join(work, "big.log"), "w") as f:
            f.write("GET /apple?key=AKIAABCDEFGHIJKLMNOP banana cherry\n" * 2000)
        with open(os.path.join(work, "app.log"), "w") as f:
            f.write("INFO start\nWARN disk 91%\nERROR disk full\nWARN retry\n" * 50)

    def file(self, name, text):
        self.n += 1
        path = os.path.join(self.work, f"b{self.n}_{name}")
        open(path, "w", encoding="utf-8").write(text)
        return path

    # each returns (rc, stdout, stderr)
    def c(self, body, fragment):
        if not fragment:
            src = self.file("doc.c", body)
            exe = src[:-2]
            rc, o, e = run(["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-I", INCLUDE, src, "-o", exe,
                            "-L" + LIBDIR, "-lhayscan", "-Wl,-rpath," + LIBDIR], self.work)
            if rc:
                return rc, o, e
            return run(self.valgrind + [exe], self.work, self.env)
        flags = ["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-Wno-unused", "-fsyntax-only", "-I", INCLUDE]
        pre = "#include <stdint.h>\n#include <stddef.h>\n#include <stdio.h>\n#include \"hayscan.h\"\n"
        rc, o, e = run(flags + [self.file("frag.c", pre + body)], self.work)
        if rc:
            rc2, o2, e2 = run(flags + [self.file("frag_fn.c", pre + "void doc_fragment(void) {\n" + body + "}\n")], self.work)
            if rc2 == 0:
                return 0, "", ""
        return rc, o, e

    def php(self, body, fragment):
        if fragment:
            src = body if body.lstrip().startswith("<?php") else "<?php\n" + body
            return run(["php", "-l", self.file("frag.php", src)], self.work)
        return run(["php", "-d", "ffi.enable=1", "-d", "auto_prepend_file=" + os.path.join(ROOT, "php/autoload.php"),
                    self.file("doc.php", body)], self.work, self.env)

    def ruby(self, body, fragment):
        if fragment:
            return run(["ruby", "-wc", self.file("frag.rb", body)], self.work)
        # no -w: the docs' `expr #=> value` lines are expressions in void context on purpose
        return run(["ruby", "-I", os.path.join(ROOT, "ruby/lib"), self.file("doc.rb", body)], self.work, self.env)

    def js(self, body, fragment):
        esm = re.search(r"^\s*(import|export)\s", body, re.M) is not None
        src = self.file("doc.mjs" if esm else "doc.cjs", body)
        if fragment:
            return run(["node", "--check", src], self.work)
        return run(["node", src], self.work, self.env)

    def ts(self, body, fragment):
        src = self.file("doc.mts", body)
        tsc = os.path.join(ROOT, "node/node_modules/.bin/tsc")
        if not os.path.exists(tsc):
            return 1, "", "TypeScript is not installed in node/node_modules (node/scripts/test.sh runs npm ci)"
        rc, o, e = run([tsc, "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext",
                        "--types", "node", "--typeRoots", os.path.join(ROOT, "node/node_modules/@types"),
                        "--skipLibCheck", "--outDir", self.work, src], self.work)
        if rc or fragment:
            return rc, o, e
        return run(["node", src[:-4] + ".mjs"], self.work, self.env)

    def rust(self, body, fragment):
        if not hasattr(self, "rlib"):
            p = subprocess.run(["cargo", "build", "-q", "--release", "-p", "hayscan-ffi", "--message-format=json"],
                               cwd=ROOT, capture_output=True, text=True)
            self.rlib = None
            for line in p.stdout.splitlines():
                d = json.loads(line)
                if d.get("reason") == "compiler-artifact" and d["target"]["name"] == "hayscan" and d["target"]["kind"] == ["lib"]:
                    self.rlib = next(f for f in d["filenames"] if f.endswith(".rlib"))
        if not self.rlib:
            return 1, "", "no rlib of the hayscan crate in cargo's build messages"
        src = body if re.search(r"^\s*fn main\s*\(", body, re.M) else "fn main() {\n" + body + "}\n"
        path = self.file("doc.rs", src)
        exe = path[:-3]
        rc, o, e = run(["rustc", "--edition", "2021", "-O", "--crate-type", "bin", "-D", "warnings",
                        "--extern", "hayscan=" + self.rlib, "-L", "dependency=" + os.path.dirname(self.rlib),
                        path, "-o", exe] + (["--emit", "metadata"] if fragment else []), ROOT)
        if rc or fragment:
            return rc, o, e
        return run([exe], self.work, self.env)

    def json(self, body, fragment):
        try:
            json.loads(body)
            return 0, "", ""
        except ValueError as err:
            return 1, "", str(err)


def main():
    files = sys.argv[1:] or (["README.md"] + sorted(glob.glob("docs/*.md")) +
                             [f for f in ("php/README.md", "ruby/README.md", "node/README.md") if os.path.exists(os.path.join(ROOT, f))])
    failures, totals = [], {"run": 0, "parsed": 0, "skipped": 0}
    with tempfile.TemporaryDirectory(prefix="hayscan-docs.") as work:
        checker = Checker(work)
        for rel in files:
            path = os.path.join(ROOT, rel)
            bs = blocks(path)
            counts = {"run": 0, "parsed": 0, "skipped": 0}
            skipped_langs = {}
            for idx, b in enumerate(bs):
                lang = {"javascript": "js"}.get(b["lang"], b["lang"])
                where = f"{rel}:{b['line']}"
                if marker(b, "output"):
                    prev = bs[idx - 1] if idx else None
                    if not prev or prev["lang"] not in RUNNABLE or marker(prev, "fragment") or marker(prev, "skip"):
                        failures.append(f"{where}: an <!-- output --> block that follows no program")
                    continue  # compared with its program's output
                skip = marker(b, "skip")
                if skip or lang not in RUNNABLE:
                    counts["skipped"] += 1
                    reason = skip or f"language {lang or 'none'}"
                    skipped_langs[reason] = skipped_langs.get(reason, 0) + 1
                    if skip == "skip" or skip == "skip:":
                        failures.append(f"{where}: <!-- skip --> needs a reason")
                    continue
                fragment = marker(b, "fragment") is not None or lang == "json"
                rc, out, err = getattr(checker, lang)(b["body"], fragment)
                if rc:
                    failures.append(f"{where} ({lang}{' fragment' if fragment else ''}) fails (exit {rc}):\n{(out + err).strip()}")
                    continue
                if not fragment and err.strip() and lang in ("ruby", "php", "js", "ts"):
                    failures.append(f"{where} ({lang}) writes to stderr:\n{err.strip()}")
                    continue
                nxt = bs[idx + 1] if idx + 1 < len(bs) else None
                if not fragment and nxt and marker(nxt, "output"):
                    if out != nxt["body"]:
                        failures.append(f"{where} ({lang}) prints\n{out}but the <!-- output --> block at line {nxt['line']} says\n{nxt['body']}")
                        continue
                counts["parsed" if fragment else "run"] += 1
            for k in totals:
                totals[k] += counts[k]
            detail = ", ".join(f"{n} {r}" for r, n in sorted(skipped_langs.items()))
            print(f"check-docs: {rel}: {counts['run']} run, {counts['parsed']} parsed, {counts['skipped']} skipped"
                  + (f" ({detail})" if detail else ""))
    print(f"check-docs: total {totals['run']} run, {totals['parsed']} parsed, {totals['skipped']} skipped")
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        sys.exit(f"check-docs: {len(failures)} block(s) fail")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
