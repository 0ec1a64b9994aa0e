#!/usr/bin/env bash
# Builds the composer package (`make composer-package`): a staged copy of php/ with the
# library `make dist` built (build/dist: stripped, SONAME libhayscan.so.0, glibc 2.17) and
# the PHP FFI header in lib/, zipped for a composer `artifact` repository.
#   php/scripts/package.sh [OUT_DIR]   (default build/composer)
# Writes OUT_DIR/stage/hayscan (usable as a `path` repository) and
# OUT_DIR/artifacts/hayscan-hayscan-<version>.zip. Nothing binary is committed: lib/ exists
# only in the staged copy.
set -euo pipefail
php_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$php_dir")"
out="${1:-$repo/build/composer}"
dist="$repo/build/dist"

for f in "$dist/lib/libhayscan.so.0" "$dist/include/hayscan_php.h"; do
    if [ ! -e "$f" ]; then
        echo "package.sh: $f is missing: run \`make dist\` first" >&2
        exit 1
    fi
done
version="$(php -r 'echo json_decode(file_get_contents($argv[1]), true)["version"];' "$php_dir/composer.json")"

stage="$out/stage/hayscan"
rm -rf "$stage"
mkdir -p "$stage/lib" "$stage/scripts" "$out/artifacts"
cp -r "$php_dir/src" "$php_dir/bin" "$stage/"
cp "$php_dir/composer.json" "$php_dir/autoload.php" "$php_dir/preload.php" "$php_dir/README.md" \
    "$php_dir/LICENSE-MIT" "$php_dir/LICENSE-APACHE" "$stage/"
cp "$php_dir/scripts/build-library.sh" "$stage/scripts/"
# -L: the file itself, not the SONAME symlink.
cp -L "$dist/lib/libhayscan.so.0" "$stage/lib/libhayscan.so.0"
cp "$dist/include/hayscan_php.h" "$stage/lib/hayscan_php.h"

zip_file="$out/artifacts/hayscan-hayscan-$version.zip"
rm -f "$zip_file"
# -X: no extra attributes; sorted names and a fixed mtime keep the archive reproducible.
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -type f -o -type l | LC_ALL=C sort | sed 's|^\./||' | zip -q -X -@ "$zip_file")
echo "composer package: $zip_file ($(stat -c %s "$zip_file") bytes; library $(stat -c %s "$stage/lib/libhayscan.so.0") bytes)"
