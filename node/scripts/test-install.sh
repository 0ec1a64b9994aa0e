#!/usr/bin/env bash
# `make test-install-node`: packs the two packages a Linux x64 glibc user installs, `hayscan`
# and `@hayscan/linux-x64-gnu` (whose prepack builds the release addon without test exports,
# against glibc 2.17), checks the tarballs (README and licences, no test export, the glibc
# floor by objdump -T), installs both into an empty project in a temporary directory outside
# the repository with npm --offline, with cargo, rustc and rustup off PATH and HAYSCAN_LIB
# unset, and runs a smoke program there (CommonJS, ESM, and a TypeScript check with the tsc
# of node/node_modules).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_node_modules
max_glibc="${HAYSCAN_GLIBC:-2.17}"

tmp="$(mktemp -d /tmp/hayscan-node-install.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

echo "==> npm pack npm/linux-x64-gnu (prepack builds the addon)"
platform_tgz="$(cd npm/linux-x64-gnu && npm pack --silent --pack-destination "$tmp" | tail -1)"
echo "==> npm pack (hayscan)"
main_tgz="$(npm pack --silent --pack-destination "$tmp" | tail -1)"

fail() { echo "test-install-node: $*" >&2; exit 1; }
list() { tar tzf "$tmp/$1" | sed 's|^package/||' | sort; }
for f in package.json README.md LICENSE-MIT LICENSE-APACHE lib/index.js lib/binding.js lib/platform.js lib/index.mjs lib/index.d.ts native.d.ts; do
  list "$main_tgz" | grep -qx "$f" || fail "$f is not in $main_tgz"
done
list "$main_tgz" | grep -E '\.node$|^(src|test|scripts|npm|examples)/|\.rs$|Cargo' && fail "$main_tgz carries files it should not (above)"
for f in package.json README.md LICENSE-MIT LICENSE-APACHE hayscan.linux-x64-gnu.node; do
  list "$platform_tgz" | grep -qx "$f" || fail "$f is not in $platform_tgz"
done

mkdir "$tmp/x"
tar xzf "$tmp/$platform_tgz" -C "$tmp/x"
addon="$tmp/x/package/hayscan.linux-x64-gnu.node"
if grep -q __panicForTest "$addon"; then fail "the packed addon has the test export __panicForTest"; fi
floor="$(objdump -T "$addon" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)"
[[ -n "$floor" ]] || fail "objdump -T found no GLIBC symbol versions in the addon"
if [[ "$(printf '%s\n%s\n' "$floor" "$max_glibc" | sort -V | tail -1)" != "$max_glibc" ]]; then
  fail "the addon needs GLIBC_$floor, newer than $max_glibc"
fi

# PATH without cargo/rustc/rustup: node and npm by symlink, plus the system directories
# (checked below to hold none of them).
mkdir "$tmp/bin"
for tool in node npm; do ln -s "$(command -v "$tool")" "$tmp/bin/$tool"; done
clean_path="$tmp/bin:/usr/bin:/bin"
for tool in cargo rustc rustup; do
  if PATH="$clean_path" command -v "$tool" > /dev/null; then fail "$tool is on the clean PATH"; fi
done

project="$tmp/consumer"
mkdir "$project"
echo '{"name":"consumer","version":"1.0.0","private":true}' > "$project/package.json"
cd "$project"
run() { env -u HAYSCAN_LIB -u NAPI_RS_NATIVE_LIBRARY_PATH PATH="$clean_path" HOME="$HOME" "$@"; }
echo "==> npm install --offline $main_tgz $platform_tgz (in $project)"
run npm install --offline --no-audit --no-fund "$tmp/$main_tgz" "$tmp/$platform_tgz" > "$tmp/npm-install.log" 2>&1 \
  || { cat "$tmp/npm-install.log" >&2; fail "npm install failed"; }
[[ -f node_modules/@hayscan/linux-x64-gnu/hayscan.linux-x64-gnu.node ]] || fail "the platform package is not installed"
optional="$(run node -p "Object.keys(require('./node_modules/hayscan/package.json').optionalDependencies || {}).length")"
[[ "$optional" == 7 ]] || fail "the installed hayscan declares $optional optional platform packages, not 7"

cat > smoke.js <<'JS'
const assert = require('node:assert/strict')
const { Matcher, HayscanError } = require('hayscan')
const m = new Matcher(['needle', 'hay', '😀'])
assert.deepEqual(m.findAll('hay 😀 needle'), [
  { pattern: 1, start: 0, end: 3, text: 'hay' },
  { pattern: 2, start: 4, end: 6, text: '😀' },
  { pattern: 0, start: 7, end: 13, text: 'needle' },
])
assert.equal(m.count(Buffer.from('needle needle')), 2)
assert.equal(m.replaceAll('a hay b', ['N', 'H', 'E']), 'a H b')
assert.throws(() => Matcher.regex(['(']), (e) => e instanceof HayscanError && e.code === 'INVALID_PATTERN' && e.patternIndex === 0)
m.close()
assert.throws(() => m.count('x'), (e) => e.code === 'CLOSED')
assert.match(require.resolve('hayscan'), /node_modules\/hayscan\/lib\/index\.js$/)
console.log('smoke ok')
JS
cat > smoke.mjs <<'JS'
import assert from 'node:assert/strict'
import hayscan, { Matcher } from 'hayscan'
assert.equal(hayscan.Matcher, Matcher)
assert.deepEqual(Matcher.regex(['[0-9]+']).findAll('a12b3').map((x) => x.text), ['12', '3'])
console.log('esm ok')
JS
run node smoke.js
run node smoke.mjs

tsc="$NODE_DIR/node_modules/typescript/bin/tsc"
if [[ -f "$tsc" ]]; then
  cat > usage.ts <<'TS'
import { Matcher, HayscanError, type TextMatch, type Match } from 'hayscan'
const m: Matcher = new Matcher(['a', 'b'], { matchKind: 'leftmost-longest' })
const t: TextMatch[] = m.findAll('ab')
const b: Match[] = m.findAll(Buffer.from('ab'))
try { Matcher.regex(['(']) } catch (e) { if (e instanceof HayscanError) { const c: string = e.code; void c } }
// @ts-expect-error: numbers are not haystacks
m.count(42)
void t; void b
TS
  run node "$tsc" --noEmit --strict --module node16 --moduleResolution node16 \
    --typeRoots "$NODE_DIR/node_modules/@types" --types node usage.ts
  echo "tsc ok"
else
  echo "typescript is not in node/node_modules: type check skipped"
fi

echo "test-install-node: ok: $main_tgz $(du -k "$tmp/$main_tgz" | cut -f1) KiB, $platform_tgz $(du -k "$tmp/$platform_tgz" | cut -f1) KiB (addon $(du -k "$addon" | cut -f1) KiB), glibc floor GLIBC_$floor (<= $max_glibc)"
