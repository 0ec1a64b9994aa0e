#!/usr/bin/env bash
# Runs the cargo-fuzz target `abi` for $1 seconds (fuzz/README.md). Needs rustup's nightly
# toolchain; installs cargo-fuzz from crates.io when it is missing.
set -euo pipefail
seconds=${1:-600}
cd "$(dirname "$0")/../fuzz"
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: the nightly toolchain is missing; install it with: rustup toolchain install nightly" >&2
  exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo +nightly install --locked cargo-fuzz
fi
# The fuzzer adds every new input to its corpus directory: run on a scratch copy of the
# committed seeds so the work tree stays clean (FUZZ_CORPUS=DIR keeps a corpus of your own).
corpus="${FUZZ_CORPUS:-}"
if [ -z "$corpus" ]; then
  corpus="$(mktemp -d)"
  trap 'rm -rf "$corpus"' EXIT
  cp corpus/abi/* "$corpus/"
fi
cargo +nightly fuzz run abi "$corpus" -- -max_total_time="$seconds" -max_len=512
