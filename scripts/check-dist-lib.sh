#!/usr/bin/env bash
# Checks the library `make dist` built (scripts/dist.sh): SONAME libhayscan.so.0, stripped (no
# .symtab, no .debug_* sections), exports exactly the header's functions, and its highest
# GLIBC symbol version is at most the floor dist.sh built for. Prints size and floor.
# Usage: check-dist-lib.sh [dist dir, default build/dist]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="${1:-$root/build/dist}"
lib="$dist/lib/libhayscan.so"
fail() { echo "check-dist-lib: $*" >&2; exit 1; }
[[ -f "$lib" ]] || fail "$lib not found: run make dist"
real="$(readlink -f "$lib")"

soname="$(readelf -d "$real" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
[[ "$soname" == libhayscan.so.0 ]] || fail "SONAME is '${soname:-none}', expected libhayscan.so.0"
[[ "$(readlink "$dist/lib/libhayscan.so.0")" == "$(basename "$real")" ]] || fail "libhayscan.so.0 does not link to $(basename "$real")"

sections="$(readelf -S -W "$real")"
if grep -qE '\.symtab|\.debug_' <<<"$sections"; then
    fail "$real is not stripped: $(grep -oE '\.symtab|\.debug_[a-z]+' <<<"$sections" | sort -u | tr '\n' ' ')"
fi

"$root/crates/hayscan-ffi/tests/c/check_exports.sh" "$real" "$dist/include/hayscan.h"

highest="$(objdump -T "$real" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)*' | sed 's/GLIBC_//' | sort -uV | tail -n1)"
want="$(sed -n 's/^glibc=//p' "$dist/BUILD-INFO")"
if [[ "$want" != host ]]; then
    top="$(printf '%s\n%s\n' "$highest" "$want" | sort -V | tail -n1)"
    [[ "$top" == "$want" ]] || fail "needs GLIBC_$highest, above the floor $want it was built for"
fi
size="$(stat -c %s "$real")"
echo "check-dist-lib: $(basename "$real"): SONAME $soname, stripped, $((size / 1024)) KiB, highest symbol GLIBC_$highest (built for: $want)"
