#!/usr/bin/env bash
# `composer run-script build-library`: the fallback when the package has no bundled library
# (a source checkout of the hayscan repository, used through a composer `path` repository).
# Builds libhayscan with cargo from the checkout, offline (it fetches nothing: `cargo fetch`
# first if cargo's cache lacks the dependencies), and puts it and the PHP FFI header into
# php/lib/, where Hayscan\Library looks first.
set -euo pipefail
php_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$php_dir")"
if [ ! -f "$repo/crates/hayscan-ffi/Cargo.toml" ]; then
    echo "build-library: $repo is not a hayscan source checkout (no crates/hayscan-ffi): this copy of the package" >&2
    echo "cannot build the library. Use the composer package that bundles it, set HAYSCAN_LIB, or install libhayscan.so.0." >&2
    exit 1
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "build-library: cargo is not on PATH: install the Rust toolchain (https://rustup.rs)" >&2
    exit 1
fi
(cd "$repo" && cargo build --release --offline -p hayscan-ffi)
mkdir -p "$php_dir/lib"
cp "$repo/target/release/libhayscan.so" "$php_dir/lib/libhayscan.so.0.tmp"
mv "$php_dir/lib/libhayscan.so.0.tmp" "$php_dir/lib/libhayscan.so.0"
cp "$repo/crates/hayscan-ffi/include/hayscan_php.h" "$php_dir/lib/hayscan_php.h"
echo "build-library: $php_dir/lib/libhayscan.so.0 and hayscan_php.h"
