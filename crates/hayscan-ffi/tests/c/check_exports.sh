#!/usr/bin/env bash
# Checks the cdylib's dynamic symbol table: every exported symbol is `hayscan_*`, and the
# exported functions are exactly the functions the header declares (no drift either way).
# Usage: check_exports.sh <libhayscan.so> <hayscan.h>
set -euo pipefail
lib=$1 header=$2
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u)
foreign=$(grep -v '^hayscan_' <<<"$exported" || true)
if [ -n "$foreign" ]; then
    echo "check_exports: $lib exports symbols outside the hayscan_ prefix:" >&2
    echo "$foreign" >&2
    exit 1
fi
# Function declarations in the header: a name followed by " (" at the start of a line.
declared=$(grep -oE '^hayscan_[a-z0-9_]+ \(' "$header" | sed 's/ ($//' | sort -u)
if [ "$declared" != "$exported" ]; then
    echo "check_exports: header and library disagree:" >&2
    diff <(echo "$declared") <(echo "$exported") >&2 || true
    exit 1
fi
echo "check_exports: $(wc -l <<<"$exported") symbols, all hayscan_*, all declared in the header"
