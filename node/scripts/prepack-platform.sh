#!/usr/bin/env bash
# `prepack` of the platform packages npm/<abi>/ (run by `npm pack` there, $1 = abi).
# linux-x64-gnu (the one this build machine makes): always builds the addon afresh, release
# profile, without the `test-exports` feature (so no __panicForTest), linked by cargo-zigbuild
# against glibc $HAYSCAN_GLIBC (default 2.17; zig from build/zigenv, which `make dist` makes),
# stripped. Other abis: CI (.github/workflows/node-release.yml) builds hayscan.<abi>.node into
# the package directory first; this script then only checks that it is there.
# The licences and README are committed in each package directory (scripts/check-packaging.py).
set -euo pipefail
abi="$1"
node_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$node_dir/.." && pwd)"
pkg="$node_dir/npm/$abi"
addon="$pkg/hayscan.$abi.node"

if [[ "$abi" == linux-x64-gnu && "${HAYSCAN_PREBUILT:-0}" != 1 ]]; then
  glibc="${HAYSCAN_GLIBC:-2.17}"
  venv="$root/build/zigenv"
  if [[ ! -x "$venv/bin/cargo-zigbuild" ]]; then
    echo "prepack: $venv/bin/cargo-zigbuild is missing; run 'make dist' at the repository root first" >&2
    exit 1
  fi
  triple=x86_64-unknown-linux-gnu
  echo "prepack: cargo-zigbuild --release -p hayscan-node --target $triple.$glibc (no test exports)"
  # A target directory of its own: scripts/test.sh builds the test addon (with test-exports)
  # for the same triple and profile in target/, and must not overwrite this one mid-copy.
  target_dir="${HAYSCAN_NODE_PACK_TARGET_DIR:-$root/target/node-pack}"
  (cd "$root" && PATH="$venv/bin:$PATH" cargo-zigbuild build -q --release -p hayscan-node \
    --target "$triple.$glibc" --target-dir "$target_dir")
  built="$target_dir/$triple/release/libhayscan_node.so"
  strip --strip-unneeded -o "$addon.tmp" "$built"
  mv -f "$addon.tmp" "$addon"
fi
if [[ ! -f "$addon" ]]; then
  echo "prepack: $addon is missing: build it on $abi (see .github/workflows/node-release.yml)" >&2
  exit 1
fi
if grep -q __panicForTest "$addon"; then
  echo "prepack: $addon was built with the test-exports feature; rebuild it without" >&2
  exit 1
fi
