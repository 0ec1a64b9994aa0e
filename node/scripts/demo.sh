#!/usr/bin/env bash
# Builds the addon if needed and runs the example in node/examples/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_node_modules
if ! compgen -G "hayscan.*.node" > /dev/null; then
  build_addon release .
fi
node examples/keywords.js "$@"
node examples/quickstart.mjs
