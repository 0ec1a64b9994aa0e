#!/usr/bin/env bash
# Runs every benchmark side by side and regenerates docs/benchmarks.md and its plots.
#
#   bench/run.sh            full run: 32 MiB English-like corpus, 5 repetitions (~30 min here)
#   QUICK=1 bench/run.sh    4 MiB corpus, 3 repetitions, fewer calls (under 5 minutes)
#
# Steps: Debian prerequisites (installed when run as root, else listed), release builds
# (libhayscan.so, the Rust driver, the Node addon), the data (bench/corpus/generate.py,
# cached in bench/data/<mode>), one driver per host writing JSON lines to
# bench/out/results/<mode>/, peak-memory runs (one process per configuration), then
# bench/report/generate.py. A driver that fails leaves a row saying so in the report.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ "${QUICK:-0}" = "1" ]; then
    MODE=quick
    ENGLISH_BYTES=$((4 << 20)) LOG_BYTES=$((2 << 20)) REPS=3 CALLS=200000 BUDGET=0.2 MIN_REP_MS=20
else
    MODE=full
    ENGLISH_BYTES=$((32 << 20)) LOG_BYTES=$((16 << 20)) REPS=5 CALLS=1000000 BUDGET=1.0 MIN_REP_MS=50
fi
DATA="bench/data/$MODE"
OUT="bench/out/results/$MODE"
BIN="bench/out/bin"
LIB="$ROOT/target/release/libhayscan.so"
export HAYSCAN_LIB="$LIB"
START=$(date +%s)

say() { printf '\n== %s (%ds)\n' "$*" $(($(date +%s) - START)); }

# ---- prerequisites -----------------------------------------------------------------------
say "prerequisites"
PACKAGES=(gcc python3 python3-venv wamerican libhyperscan-dev php-cli ruby ruby-ffi time)
missing=()
if command -v dpkg-query >/dev/null; then
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
fi
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends "${missing[@]}" ||
            { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; }
    else
        echo "missing Debian packages (the sides needing them will report 'unavailable'):" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
    fi
fi
for tool in cargo node npm; do
    command -v "$tool" >/dev/null || echo "warning: $tool not found; its side will report 'unavailable'" >&2
done

# ---- builds ------------------------------------------------------------------------------
say "release builds (cargo)"
mkdir -p "$BIN" bench/out/lib "$OUT"
cargo build --release -q -p hayscan-ffi -p hayscan-bench
NODE_ADDON=""
if command -v node >/dev/null; then
    if [ ! -d node/node_modules/ahocorasick ] || [ ! -d node/node_modules/modern-ahocorasick ]; then
        (cd node && npm ci --no-audit --no-fund) || echo "warning: npm ci in node/ failed" >&2
    fi
    # The addon the benchmark loads (via NAPI_RS_NATIVE_LIBRARY_PATH), built from this tree
    # without test-only exports and kept apart from node/'s own build.
    if cargo build --release -q -p hayscan-node; then
        cp target/release/libhayscan_node.so bench/out/lib/hayscan.node
        NODE_ADDON="$ROOT/bench/out/lib/hayscan.node"
    else
        echo "warning: the Node addon did not build" >&2
    fi
fi
CFLAGS=(-std=c99 -O2 -Wall -Wextra)
gcc "${CFLAGS[@]}" -I crates/hayscan-ffi/include bench/c/hayscan_driver.c -o "$BIN/hayscan_driver" \
    -L target/release -lhayscan -Wl,-rpath,"$ROOT/target/release"
HYPERSCAN_BUILD_ERROR=""
gcc "${CFLAGS[@]}" bench/c/hyperscan_driver.c -o "$BIN/hyperscan_driver" -lhs 2>"$OUT/hyperscan-build.log" ||
    HYPERSCAN_BUILD_ERROR="$(head -c 300 "$OUT/hyperscan-build.log" | tr '\n"' ' .')"

# ---- data --------------------------------------------------------------------------------
say "data ($MODE)"
python3 bench/corpus/generate.py "$DATA" --english-bytes "$ENGLISH_BYTES" --log-bytes "$LOG_BYTES"

# ---- machine -----------------------------------------------------------------------------
say "machine info"
version() { "$@" 2>/dev/null | head -1 || true; }
python3 - "$OUT/machine.json" <<EOF
import json, os, platform, subprocess, sys
def first(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
    except Exception as e:
        return None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
json.dump({
    "mode": "$MODE",
    "cpu": cpu,
    "cores": os.cpu_count(),
    "simd": [f for f in ("sse4_2", "avx2", "avx512f", "avx512bw", "avx512vbmi") if f in flags],
    "kernel": platform.release(),
    "os": first(["sh", "-c", ". /etc/os-release && echo \$PRETTY_NAME"]),
    "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    "rustc": first(["rustc", "--version"]),
    "gcc": first(["gcc", "--version"]),
    "php": first(["php", "--version"]),
    "ruby": first(["ruby", "--version"]),
    "node": first(["node", "--version"]),
    "hyperscan": first(["sh", "-c", "dpkg-query -W -f='\${Version}' libhyperscan-dev"]),
    "commit": first(["git", "rev-parse", "--short", "HEAD"]),
    "load_before": open("/proc/loadavg").read().split()[:3],
    "started": first(["date", "-u", "+%Y-%m-%d %H:%M UTC"]),
    "params": {"english_bytes": $ENGLISH_BYTES, "log_bytes": $LOG_BYTES, "reps": $REPS, "calls": $CALLS,
               "budget_s": $BUDGET, "min_rep_ms": $MIN_REP_MS},
}, open(sys.argv[1], "w"), indent=2)
EOF

# ---- drivers -----------------------------------------------------------------------------
# run_driver HOST TIMEOUT CMD...: JSON lines to $OUT/HOST.jsonl; on failure a row that says so.
run_driver() {
    local host="$1" limit="$2" row_host="${1%%-*}"
    shift 2
    say "driver: $host"
    local status=0
    timeout "$limit" "$@" >"$OUT/$host.jsonl" 2>"$OUT/$host.log" || status=$?
    if [ "$status" -ne 0 ]; then
        local why
        why="$(tail -c 400 "$OUT/$host.log" | tr '\n"\\' '  /')"
        [ "$status" -eq 124 ] && why="timed out after $limit; $why"
        printf '{"schema":"hayscan-bench/1","host":"%s","workload":"driver","impl":"%s","status":"error","reason":"exit status %s: %s"}\n' \
            "$row_host" "$host driver" "$status" "$why" >>"$OUT/$host.jsonl"
        echo "  $host driver failed (status $status), see $OUT/$host.log" >&2
    fi
    echo "  $(wc -l <"$OUT/$host.jsonl") rows"
}
unavailable() { # unavailable HOST REASON
    printf '{"schema":"hayscan-bench/1","host":"%s","workload":"driver","impl":"%s","status":"unavailable","reason":"%s"}\n' \
        "${1%%-*}" "$1 driver" "$2" >"$OUT/$1.jsonl"
    echo "  $1: unavailable: $2"
}

COMMON=(--data "$DATA" --reps "$REPS" --calls "$CALLS")
HOSTS=(--budget "$BUDGET" --min-rep-ms "$MIN_REP_MS")
LONG=$([ "$MODE" = quick ] && echo 240s || echo 3600s)

# core_ref LABEL: the core's `count` on every literal set, right before each host's driver
# (and once at the end), so each boundary tax compares runs minutes apart: through the Rust
# driver (the reference for Node, whose addon links the core statically) and through
# libhayscan.so (the reference for PHP and Ruby, which call that same machine code).
core_ref() {
    target/release/hayscan-bench --data "$DATA" --reps "$REPS" --core-ref "$1" >>"$OUT/core-ref.jsonl" 2>>"$OUT/core-ref.log" ||
        echo "  warning: core reference run $1 failed" >&2
    "$BIN/hayscan_driver" --data "$DATA" --reps "$REPS" --min-rep-ms "$MIN_REP_MS" --core-ref "$1" \
        >>"$OUT/core-ref.jsonl" 2>>"$OUT/core-ref.log" || echo "  warning: C core reference run $1 failed" >&2
}
: >"$OUT/core-ref.jsonl"

run_driver rust "$LONG" target/release/hayscan-bench "${COMMON[@]}"
core_ref before-c
run_driver c-hayscan "$LONG" "$BIN/hayscan_driver" "${COMMON[@]}" --min-rep-ms "$MIN_REP_MS"
if [ -z "$HYPERSCAN_BUILD_ERROR" ]; then
    run_driver c-hyperscan "$LONG" "$BIN/hyperscan_driver" "${COMMON[@]}" --min-rep-ms "$MIN_REP_MS"
else
    unavailable c-hyperscan "does not build (libhyperscan-dev missing?): $HYPERSCAN_BUILD_ERROR"
fi
core_ref before-php
if command -v php >/dev/null; then
    run_driver php "$LONG" php -d memory_limit=-1 -d ffi.enable=1 bench/php/driver.php "${COMMON[@]}" "${HOSTS[@]}"
else
    unavailable php "php is not installed"
fi
core_ref before-ruby
if command -v ruby >/dev/null; then
    run_driver ruby "$LONG" ruby -I ruby/lib bench/ruby/driver.rb "${COMMON[@]}" "${HOSTS[@]}"
else
    unavailable ruby "ruby is not installed"
fi
core_ref before-node
if [ -n "$NODE_ADDON" ]; then
    NAPI_RS_NATIVE_LIBRARY_PATH="$NODE_ADDON" run_driver node "$LONG" node --expose-gc bench/node/driver.mjs "${COMMON[@]}" "${HOSTS[@]}"
else
    unavailable node "node or the napi addon is not available"
fi

core_ref end

# ---- peak memory: one process per configuration ------------------------------------------
say "peak memory"
MEM="$OUT/memory.jsonl"
: >"$MEM"
memory_run() { # memory_run HOST CMD...
    local host="$1"
    shift
    timeout 300s "$@" >>"$MEM" 2>>"$OUT/memory.log" ||
        printf '{"schema":"hayscan-bench/1","host":"%s","workload":"memory","impl":"driver","status":"error","reason":"%s"}\n' \
            "$host" "memory run failed: $*" >>"$MEM"
}
for set in dense-1000 dense-100000 secrets; do
    memory_run rust target/release/hayscan-bench --data "$DATA" --memory "$set"
    memory_run c "$BIN/hayscan_driver" --data "$DATA" --memory "$set"
    [ -z "$HYPERSCAN_BUILD_ERROR" ] && memory_run c "$BIN/hyperscan_driver" --data "$DATA" --memory "$set"
    if command -v php >/dev/null; then
        memory_run php php -d memory_limit=-1 bench/php/driver.php --data "$DATA" --memory "hayscan:$set"
        memory_run php php -d memory_limit=-1 bench/php/driver.php --data "$DATA" --memory "preg_match_all:$set"
    fi
    if command -v ruby >/dev/null; then
        memory_run ruby ruby -I ruby/lib bench/ruby/driver.rb --data "$DATA" --memory "hayscan:$set"
        memory_run ruby ruby -I ruby/lib bench/ruby/driver.rb --data "$DATA" --memory "Regexp.union#scan:$set"
    fi
    if [ -n "$NODE_ADDON" ]; then
        NAPI_RS_NATIVE_LIBRARY_PATH="$NODE_ADDON" memory_run node node bench/node/driver.mjs --data "$DATA" --memory "hayscan:$set"
        memory_run node node bench/node/driver.mjs --data "$DATA" --memory "RegExp:$set"
    fi
done
echo "  $(wc -l <"$MEM") rows"

# ---- report ------------------------------------------------------------------------------
say "report"
python3 - "$OUT/machine.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["load_after"] = open("/proc/loadavg").read().split()[:3]
json.dump(m, open(sys.argv[1], "w"), indent=2)
EOF
PY=python3
VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import matplotlib" 2>/dev/null; then
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check matplotlib; } >"$OUT/venv.log" 2>&1 ||
        echo "warning: matplotlib could not be installed into $VENV (see $OUT/venv.log): no plots" >&2
fi
"$VENV/bin/python" -c "import matplotlib" 2>/dev/null && PY="$VENV/bin/python"
"$PY" bench/report/generate.py --results "$OUT" --out docs/benchmarks.md --plots docs
say "done: docs/benchmarks.md"
