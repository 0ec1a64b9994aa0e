#!/usr/bin/env bash
# Builds the two gems (`make gem`) into ${1:-build/gems}:
#   hayscan-<version>-x86_64-linux.gem  the platform gem: Ruby files + build/dist's
#                                       libhayscan.so.0 (`make dist`: stripped, glibc 2.17)
#   hayscan-<version>.gem               the source gem: Ruby files + the Rust sources of the
#                                       library + ext/hayscan/extconf.rb (cargo at install)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="${1:-$REPO_DIR/build/gems}"
dist_lib="$REPO_DIR/build/dist/lib/libhayscan.so.0"
[ -e "$dist_lib" ] || "$REPO_DIR/scripts/dist.sh"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

stage() { # stage DIR: the files every gem carries
    mkdir -p "$1"
    cp -r "$RUBY_DIR/hayscan.gemspec" "$RUBY_DIR/README.md" "$RUBY_DIR/LICENSE-MIT" "$RUBY_DIR/LICENSE-APACHE" \
        "$RUBY_DIR/lib" "$RUBY_DIR/examples" "$1/"
    rm -rf "$1/lib/hayscan/native" # a library copied into the source tree by hand is not shipped
}

# Platform gem: the shipped library, under the name the loader looks for first.
stage "$tmp/platform"
mkdir -p "$tmp/platform/lib/hayscan/native"
install -m 0755 "$(readlink -f "$dist_lib")" "$tmp/platform/lib/hayscan/native/libhayscan.so.0"
(cd "$tmp/platform" && HAYSCAN_GEM=platform gem build -q hayscan.gemspec -o "$out/platform.gem" >/dev/null)

# Source gem: the two crates the library is built from (tracked files only, without their
# tests, examples and generated headers), a workspace manifest listing just them, Cargo.lock.
stage "$tmp/source"
mkdir -p "$tmp/source/ext/hayscan/rust"
cp "$RUBY_DIR/ext/hayscan/extconf.rb" "$tmp/source/ext/hayscan/"
rust="$tmp/source/ext/hayscan/rust"
sed -e 's|^members = .*|members = ["crates/hayscan", "crates/hayscan-ffi"]|' "$REPO_DIR/Cargo.toml" > "$rust/Cargo.toml"
grep -q '^members = \["crates/hayscan", "crates/hayscan-ffi"\]$' "$rust/Cargo.toml" ||
    { echo "package.sh: cannot rewrite the workspace members of Cargo.toml" >&2; exit 1; }
cp "$REPO_DIR/Cargo.lock" "$REPO_DIR/LICENSE-MIT" "$REPO_DIR/LICENSE-APACHE" "$rust/"
(cd "$REPO_DIR" && git ls-files -- crates/hayscan/Cargo.toml crates/hayscan/src crates/hayscan-ffi/Cargo.toml crates/hayscan-ffi/src) |
    while read -r f; do mkdir -p "$rust/$(dirname "$f")"; cp "$REPO_DIR/$f" "$rust/$f"; done
(cd "$tmp/source" && HAYSCAN_GEM=source gem build -q hayscan.gemspec -o "$out/source.gem" >/dev/null)

version="$(ruby -I"$RUBY_DIR/lib" -r hayscan/version -e 'print Hayscan::VERSION')"
mv "$out/platform.gem" "$out/hayscan-$version-x86_64-linux.gem"
mv "$out/source.gem" "$out/hayscan-$version.gem"
for g in "$out/hayscan-$version-x86_64-linux.gem" "$out/hayscan-$version.gem"; do
    echo "ruby: $g ($(du -k "$g" | cut -f1) KiB)"
done
