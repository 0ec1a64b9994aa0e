#!/usr/bin/env bash
# `make test-install-c`: installs the `make dist` artifact the way a C user does and builds
# the docs' complete C programs (extracted from docs/c-api.md and README.md, not copies)
# against it.
#  1. DESTDIR staging with PREFIX=/usr/local: the file layout, symlinks, SONAME, hayscan.pc
#     (prefix, version from Cargo.toml), then `make uninstall` leaves nothing behind.
#  2. PREFIX=<temp> (LIBDIR=<temp>/lib64, the override): in a fresh directory outside the
#     repository, cargo/rustc/rustup off PATH and HAYSCAN_LIB unset, compile with
#     gcc -Wall -Wextra -Werror $(pkg-config --cflags --libs hayscan) and run it with
#     LD_LIBRARY_PATH, with an rpath from pkg-config, and linked statically with
#     pkg-config --static; each must print what the doc says.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d /tmp/hayscan-install-c.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test-install-c: FAIL: $*" >&2; exit 1; }
version="$(python3 -c 'import re,sys; t=open(sys.argv[1]).read(); s=re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[|\Z)", t, re.M|re.S).group(1); print(re.search(r"^version\s*=\s*\"([^\"]+)\"", s, re.M).group(1))' "$root/Cargo.toml")"

# 1. staged install
stage="$tmp/stage"
make -s -C "$root" install PREFIX=/usr/local DESTDIR="$stage" >/dev/null
l="$stage/usr/local/lib"
for f in include/hayscan.h lib/libhayscan.so.$version lib/libhayscan.a lib/pkgconfig/hayscan.pc; do
    [ -f "$stage/usr/local/$f" ] || fail "staged install lacks $f"
done
[ "$(readlink "$l/libhayscan.so.0")" = "libhayscan.so.$version" ] || fail "libhayscan.so.0 -> $(readlink "$l/libhayscan.so.0")"
[ "$(readlink "$l/libhayscan.so")" = libhayscan.so.0 ] || fail "libhayscan.so -> $(readlink "$l/libhayscan.so")"
soname="$(readelf -d "$l/libhayscan.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[ "$soname" = libhayscan.so.0 ] || fail "SONAME is '$soname', want libhayscan.so.0"
cmp -s "$root/crates/hayscan-ffi/include/hayscan.h" "$stage/usr/local/include/hayscan.h" || fail "installed header differs from the generated one"
pc="$l/pkgconfig/hayscan.pc"
grep -qx 'prefix=/usr/local' "$pc" || fail "hayscan.pc prefix: $(grep prefix= "$pc")"
[ "$(PKG_CONFIG_PATH="$l/pkgconfig" PKG_CONFIG_LIBDIR=/nonexistent pkg-config --modversion hayscan)" = "$version" ] || fail "pkg-config --modversion is not $version"
[ "$(PKG_CONFIG_PATH="$l/pkgconfig" PKG_CONFIG_LIBDIR=/nonexistent pkg-config --cflags --libs hayscan | sed 's/ *$//')" = "-I/usr/local/include -L/usr/local/lib -lhayscan" ] \
    || fail "pkg-config --cflags --libs: $(PKG_CONFIG_PATH="$l/pkgconfig" pkg-config --cflags --libs hayscan)"
make -s -C "$root" uninstall PREFIX=/usr/local DESTDIR="$stage" >/dev/null
left="$(find "$stage" -type f -o -type l)"
[ -z "$left" ] || fail "uninstall left: $left"
echo "test-install-c: staged install (DESTDIR, PREFIX=/usr/local): layout, symlinks, SONAME $soname, hayscan.pc $version; uninstall removes it"

# 2. a real prefix, used from a fresh directory without cargo
prefix="$tmp/prefix"
make -s -C "$root" install PREFIX="$prefix" LIBDIR="$prefix/lib64" >/dev/null
[ -f "$prefix/lib64/libhayscan.a" ] && [ ! -e "$prefix/lib" ] || fail "LIBDIR=$prefix/lib64 not honoured"
app="$tmp/app"
mkdir "$app"
python3 "$root/crates/hayscan-ffi/tests/c/doc_example.py" --extract "$root/docs/c-api.md" "$app" capi
python3 "$root/crates/hayscan-ffi/tests/c/doc_example.py" --extract "$root/README.md" "$app" readme
[ -f "$app/capi1.c" ] && [ -f "$app/capi1.out" ] && [ -f "$app/readme1.c" ] || fail "no example extracted from docs/c-api.md or README.md"

. "$root/scripts/lib/cargo-free-path.sh"
clean_path="$(cargo_free_path "$tmp/bin")"
if PATH="$clean_path" command -v cargo >/dev/null || PATH="$clean_path" command -v rustc >/dev/null; then
    fail "could not take cargo off PATH"
fi

cd "$app"
run() { env -u HAYSCAN_LIB PATH="$clean_path" PKG_CONFIG_PATH="$prefix/lib64/pkgconfig" "$@"; }
n=0
for src in capi*.c readme*.c; do
    ex="${src%.c}"
    want="$(cat "$ex.out")"
    # as docs/c-api.md says: shared library, found through LD_LIBRARY_PATH
    run sh -c 'gcc -Wall -Wextra -Werror "$1" -o "$2" $(pkg-config --cflags --libs hayscan)' _ "$src" "$ex"
    if run ./"$ex" >/dev/null 2>&1; then fail "$ex runs without LD_LIBRARY_PATH (it should not find a library outside the prefix)"; fi
    [ "$(run env LD_LIBRARY_PATH="$prefix/lib64" ./"$ex")" = "$want" ] || fail "$ex (LD_LIBRARY_PATH) prints something else"
    readelf -d "$ex" | grep -q 'NEEDED.*\[libhayscan.so.0\]' || fail "$ex does not need libhayscan.so.0"
    # shared library, rpath from pkg-config's libdir
    run sh -c 'gcc -Wall -Wextra -Werror "$1" -o "$2" $(pkg-config --cflags --libs hayscan) -Wl,-rpath,$(pkg-config --variable=libdir hayscan)' _ "$src" "$ex-rpath"
    [ "$(run ./"$ex-rpath")" = "$want" ] || fail "$ex-rpath prints something else"
    # libhayscan.a with the system libraries of Libs.private
    run sh -c 'gcc -Wall -Wextra -Werror "$1" -o "$2" $(pkg-config --cflags hayscan) $(pkg-config --static --libs hayscan | sed "s/-lhayscan /-l:libhayscan.a /")' _ "$src" "$ex-static"
    if readelf -d "$ex-static" | grep -q 'NEEDED.*libhayscan'; then fail "$ex-static still needs libhayscan.so"; fi
    [ "$(run ./"$ex-static")" = "$want" ] || fail "$ex-static prints something else"
    n=$((n + 1))
done
echo "test-install-c: $n C programs of docs/c-api.md and README.md built outside the repo without cargo via pkg-config: shared (LD_LIBRARY_PATH, rpath) and static, output as documented"
