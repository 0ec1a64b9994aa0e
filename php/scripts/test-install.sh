#!/usr/bin/env bash
# Install test of the composer package (`make test-install-php`, part of `make test`):
# packs it (scripts/package.sh), then in fresh project directories outside the repository,
# with packagist disabled, network access off, cargo/rustc/rustup off PATH and HAYSCAN_LIB
# unset, runs `composer require hayscan/hayscan` from (1) an artifact repository holding the
# zip and (2) a path repository pointing at the staged package, and a smoke program through
# vendor/autoload.php that must load the library bundled in the package.
set -euo pipefail
php_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$php_dir")"
"$repo/scripts/ensure-debian-packages.sh" php-cli php-zip composer unzip >/dev/null
out="$repo/build/composer"
"$php_dir/scripts/package.sh" "$out"
version="$(php -r 'echo json_decode(file_get_contents($argv[1]), true)["version"];' "$php_dir/composer.json")"

tmp="$(mktemp -d /tmp/hayscan-composer-test.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/home" "$tmp/artifacts"
cp "$out/artifacts/hayscan-hayscan-$version.zip" "$tmp/artifacts/"

# A PATH without cargo, rustc or rustup: entries holding one are dropped, and the tools
# needed (php, composer, unzip) are linked into a directory of their own.
. "$repo/scripts/lib/cargo-free-path.sh"
clean_path="$(cargo_free_path "$tmp/bin" php composer unzip)"
if PATH="$clean_path" command -v cargo >/dev/null || PATH="$clean_path" command -v rustc >/dev/null; then
    echo "test-install-php: could not take cargo off PATH" >&2; exit 1
fi

cat > "$tmp/smoke.php" <<'PHP'
<?php
declare(strict_types=1);
require __DIR__ . '/vendor/autoload.php';

use Hayscan\Hit;
use Hayscan\Library;
use Hayscan\Matcher;

$fail = static function (string $why): never { fwrite(STDERR, "smoke: $why\n"); exit(1); };
$package = realpath(__DIR__ . '/vendor/hayscan/hayscan') ?: $fail('vendor/hayscan/hayscan is missing');
if (Library::libraryPath() !== __DIR__ . '/vendor/hayscan/hayscan/lib/libhayscan.so.0'
    && realpath(Library::libraryPath()) !== "$package/lib/libhayscan.so.0") {
    $fail('library chosen: ' . Library::libraryPath() . ", not the package's lib/libhayscan.so.0");
}
if (realpath(Library::headerPath()) !== "$package/lib/hayscan_php.h") {
    $fail('header chosen: ' . Library::headerPath());
}
$m = new Matcher(['fox', 'dog']);
$hits = array_map(static fn (Hit $h): array => [$h->pattern, $h->start, $h->end, $h->text], $m->findAll('the quick fox jumps over the lazy dog'));
$hits === [[0, 10, 13, 'fox'], [1, 34, 37, 'dog']] || $fail('wrong matches: ' . json_encode($hits));
$seen = [];
$s = $m->stream();
$s->on(static function (Hit $h) use (&$seen): void { $seen[] = [$h->pattern, $h->start, $h->end]; });
$s->feed('a fo');
$s->feed('x and a d');
$s->feed('og');
$s->finish();
$s->close();
$seen === [[0, 2, 5], [1, 12, 15]] || $fail('wrong stream matches: ' . json_encode($seen));
$out = $m->replaceWith('fox dog', static fn (Hit $h): string => strtoupper($h->text));
$out === 'FOX DOG' || $fail("wrong replacement: $out");
try {
    new Matcher(['a'], ['bogus' => 1]);
    $fail('an unknown option was accepted');
} catch (\InvalidArgumentException $e) {
    $e instanceof Hayscan\Exception || $fail('not a Hayscan\Exception: ' . $e::class);
}
$m->close();
Library::liveObjects() === 0 || $fail('leaked native objects: ' . Library::liveObjects());
echo 'ok hayscan ', Library::version(), ' from ', Library::libraryPath(), "\n";
PHP

run_project() { # <name> <repositories JSON>
    local app="$tmp/$1"
    mkdir -p "$app"
    printf '{\n    "repositories": [{"packagist.org": false}, %s],\n    "require": {}\n}\n' "$2" > "$app/composer.json"
    cp "$tmp/smoke.php" "$app/"
    echo "php: composer require hayscan/hayscan ($1 repository) in $app"
    (cd "$app" && env -u HAYSCAN_LIB -u HAYSCAN_HEADER PATH="$clean_path" COMPOSER_HOME="$tmp/home" \
        COMPOSER_CACHE_DIR="$tmp/home/cache" COMPOSER_DISABLE_NETWORK=1 COMPOSER_NO_INTERACTION=1 \
        composer require --no-progress "hayscan/hayscan:^${version%.*}")
    (cd "$app" && env -u HAYSCAN_LIB -u HAYSCAN_HEADER PATH="$clean_path" php -d ffi.enable=1 smoke.php)
}
run_project artifact "{\"type\": \"artifact\", \"url\": \"$tmp/artifacts\"}"
run_project path "{\"type\": \"path\", \"url\": \"$out/stage/hayscan\", \"options\": {\"symlink\": false}}"
