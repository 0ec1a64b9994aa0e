#!/usr/bin/env python3
"""A source-code corpus: the Python standard library sources Debian installs, concatenated.

Reads every `*.py` under ROOT (default: the newest /usr/lib/python3.N, Debian's
libpython3.N-stdlib) in a fixed order, the files sorted by the SHA-256 of their relative
path (so any machine with the same package version writes the same bytes, and a prefix
samples the whole library rather than its first modules in alphabetical order),
concatenates them and cuts at the last newline at or before --bytes. The files are left as they are: some hold
non-ASCII text (UTF-8 letters in docstrings and tests), which matters for Unicode `\\b`.

    bench/corpus/source.py bench/data/quick/source.txt --bytes 2097152
    bench/corpus/source.py OUT --bytes N [--root /usr/lib/python3.11]

Writes OUT and OUT.json (root, package version, files read, bytes, non-ASCII bytes,
sha256). Rewrites nothing when OUT.json already describes the same input and size.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import subprocess
import sys


def default_root():
    roots = [p for p in glob.glob("/usr/lib/python3.*") if re.fullmatch(r"/usr/lib/python3\.\d+", p)
             and os.path.exists(os.path.join(p, "os.py"))]
    if not roots:
        sys.exit("source.py: no /usr/lib/python3.N with os.py (install Debian's libpython3-stdlib)")
    return max(roots, key=lambda p: int(p.rsplit(".", 1)[1]))


def package_version(root):
    """The Debian package owning ROOT/os.py and its version, or None."""
    try:
        owner = subprocess.run(["dpkg-query", "-S", os.path.join(root, "os.py")], capture_output=True,
                               text=True, timeout=20).stdout.split(":")[0].strip()
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", owner], capture_output=True,
                                 text=True, timeout=20).stdout.strip()
        return f"{owner} {version}" if owner else None
    except (OSError, subprocess.SubprocessError):
        return None


def sources(root):
    rel = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.endswith("-packages")]
        rel += [os.path.relpath(os.path.join(dirpath, f), root) for f in filenames if f.endswith(".py")]
    return sorted(rel, key=lambda p: hashlib.sha256(p.encode()).hexdigest())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--bytes", type=int, required=True)
    ap.add_argument("--root", default=None)
    args = ap.parse_args()
    root = args.root or default_root()
    files = sources(root)
    want = {"root": root, "package": package_version(root), "files_available": len(files),
            "limit_bytes": args.bytes, "script": hashlib.sha256(open(__file__, "rb").read()).hexdigest()[:16]}
    meta_path = args.out + ".json"
    if os.path.exists(args.out) and os.path.exists(meta_path):
        try:
            old = json.load(open(meta_path))
            if all(old.get(k) == v for k, v in want.items()) and os.path.getsize(args.out) == old.get("bytes"):
                print(f"source.py: {args.out} up to date ({old['bytes']:,} bytes, {old['files_read']} files)")
                return
        except ValueError:
            pass
    parts, total, read = [], 0, 0
    for rel in files:
        with open(os.path.join(root, rel), "rb") as f:
            data = f.read()
        if data and not data.endswith(b"\n"):
            data += b"\n"
        parts.append(data)
        total += len(data)
        read += 1
        if total >= args.bytes:
            break
    blob = b"".join(parts)
    if len(blob) > args.bytes:
        cut = blob.rfind(b"\n", 0, args.bytes)
        blob = blob[:cut + 1] if cut >= 0 else blob[:args.bytes]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(blob)
    meta = dict(want, files_read=read, bytes=len(blob), non_ascii_bytes=sum(b >= 0x80 for b in blob),
                lines=blob.count(b"\n"), sha256=hashlib.sha256(blob).hexdigest(),
                first=files[0] if files else None, last=files[read - 1] if read else None)
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=2)
    if read == len(files) and total < args.bytes:
        print(f"source.py: warning: only {len(blob):,} bytes of sources under {root}", file=sys.stderr)
    print(f"source.py: {args.out}: {len(blob):,} bytes from {read} of {len(files)} files under {root}, "
          f"{meta['non_ascii_bytes']:,} non-ASCII bytes")


if __name__ == "__main__":
    main()
