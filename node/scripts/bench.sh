#!/usr/bin/env bash
# Runs the Node benchmark (bench/node/bench.js) against a release build of the addon.
# QUICK=1 runs a short version (smaller corpus, fewer repetitions).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_node_modules
build_addon release --features test-exports
node --expose-gc ../bench/node/bench.js "$@"
