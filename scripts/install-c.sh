#!/usr/bin/env bash
# `make install` / `make uninstall` for C users: copies the `make dist` artifact (build/dist)
# into $DESTDIR$PREFIX and writes hayscan.pc for that prefix.
#   include/hayscan.h
#   $LIBDIR/libhayscan.so.<version>, libhayscan.so.0 -> it, libhayscan.so -> libhayscan.so.0
#   $LIBDIR/libhayscan.a
#   $LIBDIR/pkgconfig/hayscan.pc   (Libs.private: the static library's system libraries)
# Usage: install-c.sh install|uninstall   (env: PREFIX, LIBDIR, INCLUDEDIR, DESTDIR, DIST)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
action="${1:?usage: install-c.sh install|uninstall}"
prefix="${PREFIX:-/usr/local}"
libdir="${LIBDIR:-$prefix/lib}"
includedir="${INCLUDEDIR:-$prefix/include}"
destdir="${DESTDIR:-}"
dist="${DIST:-$root/build/dist}"
version="$(sed -n 's/^version=//p' "$dist/BUILD-INFO" 2>/dev/null || true)"
if [[ -z "$version" || ! -f "$dist/lib/libhayscan.so.$version" ]]; then
    echo "install-c.sh: no library in $dist (run make dist)" >&2
    exit 1
fi
# The system libraries Rust's std needs when libhayscan.a is linked statically, as
# `cargo rustc -p hayscan-ffi --lib -- --print native-static-libs` reports them for
# x86_64-unknown-linux-gnu, in its order (Rust 1.9x; the install test links statically with
# `pkg-config --static`, which fails if one is missing).
libs_private="-lc -lm -lrt -lpthread -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

case "$action" in
install)
    install -d "$destdir$includedir" "$destdir$libdir/pkgconfig"
    install -m 0644 "$dist/include/hayscan.h" "$destdir$includedir/hayscan.h"
    install -m 0755 "$dist/lib/libhayscan.so.$version" "$destdir$libdir/libhayscan.so.$version"
    ln -sfn "libhayscan.so.$version" "$destdir$libdir/libhayscan.so.0"
    ln -sfn libhayscan.so.0 "$destdir$libdir/libhayscan.so"
    install -m 0644 "$dist/lib/libhayscan.a" "$destdir$libdir/libhayscan.a"
    # prefix-relative paths when LIBDIR/INCLUDEDIR are under PREFIX, so the .pc can be relocated.
    pc_libdir="$libdir"; [[ "$libdir" == "$prefix"/* ]] && pc_libdir="\${prefix}${libdir#"$prefix"}"
    pc_includedir="$includedir"; [[ "$includedir" == "$prefix"/* ]] && pc_includedir="\${prefix}${includedir#"$prefix"}"
    cat > "$destdir$libdir/pkgconfig/hayscan.pc" <<PC
prefix=$prefix
libdir=$pc_libdir
includedir=$pc_includedir

Name: hayscan
Description: Multi-pattern literal and regex scanning (C API)
Version: $version
Libs: -L\${libdir} -lhayscan
Libs.private: $libs_private
Cflags: -I\${includedir}
PC
    chmod 0644 "$destdir$libdir/pkgconfig/hayscan.pc"
    echo "install-c.sh: installed hayscan $version into $destdir$prefix (lib: $destdir$libdir)"
    ;;
uninstall)
    rm -f "$destdir$includedir/hayscan.h" \
          "$destdir$libdir/libhayscan.so.$version" "$destdir$libdir/libhayscan.so.0" \
          "$destdir$libdir/libhayscan.so" "$destdir$libdir/libhayscan.a" \
          "$destdir$libdir/pkgconfig/hayscan.pc"
    rmdir "$destdir$libdir/pkgconfig" 2>/dev/null || true
    echo "install-c.sh: removed hayscan $version from $destdir$prefix"
    ;;
*)
    echo "install-c.sh: unknown action $action (install|uninstall)" >&2
    exit 1
    ;;
esac
