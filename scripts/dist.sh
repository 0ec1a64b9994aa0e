#!/usr/bin/env bash
# Builds the one native library every package ships (`make dist`): cargo profile `dist`
# (the release build without debug info, stripped), SONAME libhayscan.so.0, and linked with
# cargo-zigbuild against glibc $HAYSCAN_GLIBC (default 2.17) so it loads on old distributions.
# zig and cargo-zigbuild come from PyPI (`ziglang`, `cargo-zigbuild`) into build/zigenv.
# HAYSCAN_ZIG=0 builds with the host's linker instead (the glibc floor is then the build
# machine's; scripts/check-dist-lib.sh reports it).
#
# Output (default build/dist, or $1):
#   lib/libhayscan.so.<version>  + libhayscan.so.0 -> it + libhayscan.so -> libhayscan.so.0
#   lib/libhayscan.a
#   include/hayscan.h include/hayscan_php.h
#   BUILD-INFO (version, target, glibc floor asked for)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One build at a time: install tests of several packages call `make dist` in the same tree.
if [[ -z "${HAYSCAN_DIST_LOCKED:-}" ]]; then
    mkdir -p "$root/build"
    HAYSCAN_DIST_LOCKED=1 exec flock "$root/build/.dist.lock" "$0" "$@"
fi
out="${1:-$root/build/dist}"
glibc="${HAYSCAN_GLIBC:-2.17}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
triple=x86_64-unknown-linux-gnu
version="$(python3 - "$root/Cargo.toml" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
section = re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S).group(1)
print(re.search(r'^version\s*=\s*"([^"]+)"', section, re.M).group(1))
EOF
)"
if [[ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]]; then
    echo "dist.sh: builds the x86_64 Linux library; on $(uname -s)-$(uname -m) use cargo build --release -p hayscan-ffi" >&2
    exit 1
fi

soname=(-C link-arg=-Wl,-soname,libhayscan.so.0)
if [[ "${HAYSCAN_ZIG:-1}" != 0 ]]; then
    venv="$root/build/zigenv"
    if [[ ! -x "$venv/bin/cargo-zigbuild" ]]; then
        echo "dist.sh: installing ziglang and cargo-zigbuild from PyPI into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q "ziglang==0.17.1" "cargo-zigbuild==0.24.1"
    fi
    echo "dist.sh: cargo-zigbuild, profile dist, $triple against glibc $glibc"
    PATH="$venv/bin:$PATH" cargo-zigbuild rustc -q --profile dist -p hayscan-ffi --lib \
        --target "$triple.$glibc" -- "${soname[@]}"
    built="$target_dir/$triple/dist"
    floor="$glibc"
else
    echo "dist.sh: cargo (host linker), profile dist; glibc floor: the build machine's"
    cargo rustc -q --profile dist -p hayscan-ffi --lib --target "$triple" -- "${soname[@]}"
    built="$target_dir/$triple/dist"
    floor=host
fi

rm -rf "$out"
mkdir -p "$out/lib" "$out/include"
install -m 0755 "$built/libhayscan.so" "$out/lib/libhayscan.so.$version"
ln -s "libhayscan.so.$version" "$out/lib/libhayscan.so.0"
ln -s libhayscan.so.0 "$out/lib/libhayscan.so"
install -m 0644 "$built/libhayscan.a" "$out/lib/libhayscan.a"
install -m 0644 "$root/crates/hayscan-ffi/include/hayscan.h" "$root/crates/hayscan-ffi/include/hayscan_php.h" "$out/include/"
printf 'version=%s\ntarget=%s\nglibc=%s\n' "$version" "$triple" "$floor" > "$out/BUILD-INFO"
echo "dist.sh: $out/lib/libhayscan.so.$version ($(du -k "$out/lib/libhayscan.so.$version" | cut -f1) KiB), libhayscan.a ($(du -k "$out/lib/libhayscan.a" | cut -f1) KiB)"
