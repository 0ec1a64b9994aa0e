#!/usr/bin/env bash
# Builds the addon (incrementally) and runs the examples in node/examples/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_node_modules
build_addon release --features test-exports
node examples/keywords.js "$@"
node examples/quickstart.mjs
