#!/usr/bin/env bash
# Boundary tax in instructions (valgrind --tool=callgrind), immune to the noise of a shared
# machine: for each host, the instructions one `count` call on the whole quick corpus costs
# (a script run with 1 + CALLS calls minus the same script with 1 call, divided by CALLS:
# the first call's one-time costs, JIT compilation and first allocations, cancel out),
# against the instructions of the core's own `Matcher::count` on the same input.
#
#   bench/callgrind-tax.sh [SET...]      default: sparse-10 dense-1000 (about 5 minutes)
#   CALLS=5 bench/callgrind-tax.sh ...   calls measured per host (default 5)
#
# A whole Node process executes millions of instructions of its own that vary from run to
# run (JIT, GC); Node gets 10x the calls to rise above that, and on sparse sets, where one
# count costs only ~4M instructions, the Buffer figure is still only good to a few percent.
#
# Needs the quick data (QUICK=1 bench/run.sh, or bench/corpus/generate.py), valgrind, and
# the builds bench/run.sh makes. Prints a Markdown table; not part of `make bench`.
set -euo pipefail
CALLS="${CALLS:-5}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA="$ROOT/bench/data/quick"
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || SETS=(sparse-10 dense-1000)
export HAYSCAN_LIB="$ROOT/target/release/libhayscan.so"
export NAPI_RS_NATIVE_LIBRARY_PATH="$ROOT/bench/out/lib/hayscan.node"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cat >"$TMP/t.php" <<EOF
<?php
require '$ROOT/php/autoload.php';
\$t = file_get_contents('$DATA/english.txt');
\$m = new Hayscan\Matcher(array_values(array_filter(explode("\n", file_get_contents("$DATA/patterns/{\$argv[1]}.txt")))));
for (\$i = 0; \$i < (int) \$argv[2]; \$i++) { \$m->count(\$t); }
EOF
cat >"$TMP/t.rb" <<EOF
require "hayscan"
t = File.read("$DATA/english.txt", encoding: "UTF-8").freeze
m = Hayscan::Matcher.new(File.read("$DATA/patterns/#{ARGV[0]}.txt").split("\n").reject(&:empty?))
ARGV[1].to_i.times { m.count(t) }
EOF
cat >"$TMP/t.js" <<EOF
const { Matcher } = require('$ROOT/node')
const fs = require('fs')
// node t.js (buffer|string) SET COUNT
const t = process.argv[2] === 'buffer' ? fs.readFileSync('$DATA/english.txt') : fs.readFileSync('$DATA/english.txt', 'utf8')
const m = new Matcher(fs.readFileSync('$DATA/patterns/' + process.argv[3] + '.txt', 'utf8').split('\n').filter(Boolean))
for (let i = 0; i < Number(process.argv[4]); i++) m.count(t)
EOF

# ir CMD...: total instructions of a run.
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$TMP/cg" "$@" >/dev/null 2>&1
    callgrind_annotate "$TMP/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}
# per_call SET CMD...: instructions of one count call (CMD takes SET COUNT at its end).
per_call() {
    local set="$1"
    shift
    local a b
    a=$(ir "$@" "$set" 1)
    b=$(ir "$@" "$set" $((1 + CALLS)))
    echo $(((b - a) / CALLS))
}
# core SET: inclusive instructions of hayscan::matcher::Matcher::count in the Rust driver.
core() {
    valgrind --tool=callgrind --callgrind-out-file="$TMP/core" target/release/hayscan-bench --data "$DATA" --memory "$1" >/dev/null 2>&1
    callgrind_annotate --inclusive=yes "$TMP/core" 2>/dev/null |
        awk '/hayscan::matcher::Matcher::count \[/ && !done {gsub(",", "", $1); print $1; done = 1}'
}

echo "| set | core \`Matcher::count\` | PHP \`count()\` | Ruby \`count\` | Node \`count(Buffer)\` | Node \`count(string)\` |"
echo "|---|---:|---:|---:|---:|---:|"
for set in "${SETS[@]}"; do
    c=$(core "$set")
    cell() { python3 -c "import sys; v, c = int(sys.argv[1]), int(sys.argv[2]); print(f'{v:,} ({100 * (v - c) / c:+.1f}%)')" "$1" "$c"; }
    php_ir=$(per_call "$set" php "$TMP/t.php")
    rb_ir=$(per_call "$set" ruby -I ruby/lib "$TMP/t.rb")
    # Node: 10x the calls, to rise above the process's own run-to-run variation.
    nb=$(CALLS=$((10 * CALLS)) per_call "$set" node "$TMP/t.js" buffer)
    ns=$(CALLS=$((10 * CALLS)) per_call "$set" node "$TMP/t.js" string)
    printf '| %s | %s | %s | %s | %s | %s |\n' "$set" "$(python3 -c "print(f'{$c:,}')")" "$(cell "$php_ir")" "$(cell "$rb_ir")" \
        "$(cell "$nb")" "$(cell "$ns")"
done
