#!/usr/bin/env python3
"""Checks the packaging metadata of every hayscan package (run by `make test`).

- One version: the workspace version in Cargo.toml is the source; ruby/lib/hayscan/version.rb,
  php/composer.json, node/package.json (its optionalDependencies too), node/package-lock.json
  and every node/npm/<platform>/package.json must carry the same one.
- Licences: LICENSE-MIT and LICENSE-APACHE (MIT OR Apache-2.0) at the root and, byte for byte
  the same, in every package directory; every manifest declares that licence.
- A README.md in every package directory.
- No placeholder URL (example.invalid) in any tracked file.

Exit status 0 when all hold; otherwise each problem is printed and the status is 1.
"""

import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LICENCES = ("LICENSE-MIT", "LICENSE-APACHE")
SPDX = "MIT OR Apache-2.0"


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def workspace_version():
    text = read("Cargo.toml")
    section = re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if not section:
        sys.exit("check-packaging: no [workspace.package] in Cargo.toml")
    m = re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
    if not m:
        sys.exit("check-packaging: no version in [workspace.package] of Cargo.toml")
    return m.group(1)


def npm_platform_dirs():
    return sorted(os.path.relpath(d, ROOT) for d in glob.glob(os.path.join(ROOT, "node/npm/*/")))


def package_dirs():
    return [".", "crates/hayscan", "crates/hayscan-ffi", "ruby", "php", "node"] + npm_platform_dirs()


def versions_found():
    """(file, what, version) for every place a release version is written."""
    found = []
    m = re.search(r'VERSION\s*=\s*"([^"]+)"', read("ruby/lib/hayscan/version.rb"))
    found.append(("ruby/lib/hayscan/version.rb", "Hayscan::VERSION", m.group(1) if m else None))
    composer = json.loads(read("php/composer.json"))
    found.append(("php/composer.json", "version", composer.get("version")))
    pkg = json.loads(read("node/package.json"))
    found.append(("node/package.json", "version", pkg.get("version")))
    for name, spec in sorted(pkg.get("optionalDependencies", {}).items()):
        found.append(("node/package.json", f"optionalDependencies[{name}]", spec))
    lock = json.loads(read("node/package-lock.json"))
    found.append(("node/package-lock.json", "version", lock.get("version")))
    found.append(("node/package-lock.json", 'packages[""].version', lock.get("packages", {}).get("", {}).get("version")))
    for d in npm_platform_dirs():
        sub = json.loads(read(f"{d}/package.json"))
        found.append((f"{d}/package.json", "version", sub.get("version")))
    return found


def licences_declared():
    """(file, declared licence) for every manifest."""
    out = []
    cargo = read("Cargo.toml")
    m = re.search(r'^license\s*=\s*"([^"]+)"', cargo, re.M)
    out.append(("Cargo.toml", m.group(1) if m else None))
    gemspec = read("ruby/hayscan.gemspec")
    m = re.search(r"spec\.licenses\s*=\s*\[([^\]]*)\]", gemspec)
    gem = " OR ".join(re.findall(r'"([^"]+)"', m.group(1))) if m else None
    out.append(("ruby/hayscan.gemspec", gem))
    out.append(("php/composer.json", json.loads(read("php/composer.json")).get("license")))
    out.append(("node/package.json", json.loads(read("node/package.json")).get("license")))
    for d in npm_platform_dirs():
        out.append((f"{d}/package.json", json.loads(read(f"{d}/package.json")).get("license")))
    return out


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [f for f in out.decode().split("\0") if f]


def main():
    problems = []
    version = workspace_version()
    for path, what, found in versions_found():
        if found != version:
            problems.append(f"{path}: {what} is {found!r}, expected {version!r} (the version of "
                            "[workspace.package] in Cargo.toml)")

    for path, declared in licences_declared():
        if declared != SPDX:
            problems.append(f"{path}: licence is {declared!r}, expected {SPDX!r}")

    reference = {name: read(name) for name in LICENCES if os.path.exists(os.path.join(ROOT, name))}
    for name in LICENCES:
        if name not in reference:
            problems.append(f"{name} is missing at the repository root")
    for d in package_dirs():
        for name in LICENCES:
            path = os.path.normpath(os.path.join(d, name))
            if not os.path.isfile(os.path.join(ROOT, path)):
                problems.append(f"{path} is missing (copy it from the root)")
            elif name in reference and read(path) != reference[name]:
                problems.append(f"{path} differs from the root {name} (copy it from the root)")
        readme = os.path.normpath(os.path.join(d, "README.md"))
        if not os.path.isfile(os.path.join(ROOT, readme)):
            problems.append(f"{readme} is missing: every package has a README")

    me = os.path.relpath(__file__, ROOT)
    placeholder = "example" + ".invalid"
    for f in tracked_files():
        if f == me or not os.path.isfile(os.path.join(ROOT, f)):
            continue
        try:
            text = read(f)
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if placeholder in line:
                problems.append(f"{f}:{n}: placeholder URL: {line.strip()}")

    if problems:
        print("check-packaging: %d problem(s):" % len(problems), file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"check-packaging: version {version} everywhere; licences, READMEs and URLs of "
          f"{len(package_dirs())} packages in order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
