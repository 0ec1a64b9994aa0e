#!/usr/bin/env bash
# Builds the Node addon, checks that the generated loader and types are fresh, and runs the
# test suite (node --test). PROFILE=debug builds without optimizations (default: release).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

profile="${PROFILE:-release}"
ensure_node_modules

# The build writes the generated files into a scratch directory, so the committed ones can
# be compared with what this source produces. The test-only panic export is compiled in; it
# is absent from the generated types and loader, which are therefore the published ones.
build_addon "$profile" --features test-exports

stale=0
for f in native.js native.d.ts; do
  if ! cmp -s "$GEN_DIR/$f" "$f"; then
    echo "error: $f is stale; regenerate it with 'npm run build' (in node/) and commit it:" >&2
    diff -u "$f" "$GEN_DIR/$f" | head -40 >&2 || true
    stale=1
  fi
done
if [[ "$stale" == 1 ]]; then
  exit 1
fi
echo "==> generated native.js and native.d.ts are fresh"

echo "==> node --test"
node --test test/*.test.js
