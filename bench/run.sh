#!/usr/bin/env bash
# Runs every benchmark side by side and regenerates docs/benchmarks.md and its plots.
#
#   bench/run.sh            full run: 32 MiB English-like corpus, 5 repetitions (~30 min here)
#   QUICK=1 bench/run.sh    4 MiB corpus, 3 repetitions, fewer calls (under 6 minutes)
#   bench/run.sh --only rulesets     only the real-ruleset section (also: SECTIONS=rulesets;
#                                    `--only literals`, `--only files`, or several, comma-separated); the report is
#                                    still written from every section's latest rows
#   bench/run.sh --verify   rerun measurements of the ruleset section whose spread exceeds
#                           10% (also: VERIFY=1)
#
# The ruleset section reads gitleaks/gitleaks and mazen160/secrets-patterns-db from git
# directories: GITLEAKS_GIT_DIR and SPDB_GIT_DIR, by default bench/data/repos/*.git (cloned
# bare, without blobs, when missing; only the scripts in bench/rulesets/ are committed).
#
# Steps: Debian prerequisites (installed when run as root, else listed), release builds
# (libhayscan.so, the Rust driver, the Node addon), the data (bench/corpus/generate.py,
# cached in bench/data/<mode>), one driver per host writing JSON lines to
# bench/out/results/<mode>/, peak-memory runs (one process per configuration), then
# bench/report/generate.py. A driver that fails leaves a row saying so in the report.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECTIONS="${SECTIONS:-hosts,literals,files,rulesets}"
VERIFY="${VERIFY:-0}"
while [ $# -gt 0 ]; do
    case "$1" in
        --only) SECTIONS="${2:?--only needs hosts, literals, files or rulesets (comma-separated)}"; shift 2 ;;
        --verify) VERIFY=1; shift ;;
        *) echo "usage: bench/run.sh [--only hosts|literals|files|rulesets[,...]] [--verify]" >&2; exit 2 ;;
    esac
done
section() { [[ ",$SECTIONS," == *",$1,"* ]]; }

if [ "${QUICK:-0}" = "1" ]; then
    MODE=quick
    ENGLISH_BYTES=$((4 << 20)) LOG_BYTES=$((2 << 20)) REPS=3 CALLS=200000 BUDGET=0.2 MIN_REP_MS=20
    SOURCE_BYTES=$((2 << 20))
else
    MODE=full
    ENGLISH_BYTES=$((32 << 20)) LOG_BYTES=$((16 << 20)) REPS=5 CALLS=1000000 BUDGET=1.0 MIN_REP_MS=50
    SOURCE_BYTES=$((10 << 20))
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
PACKAGES=(gcc git python3 python3-venv python3-yaml wamerican libhyperscan-dev php-cli ruby ruby-ffi time ripgrep)
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
# The Rust driver links Hyperscan itself (feature `hyperscan`) when libhs links here.
BENCH_FEATURES=()
if printf '#include <hs/hs.h>\nint main(void) { return hs_valid_platform(); }\n' |
    gcc -x c - -o /dev/null -lhs 2>/dev/null; then
    BENCH_FEATURES=(--features hayscan-bench/hyperscan)
else
    echo "warning: libhs does not link (libhyperscan-dev missing?): the ruleset section runs without Hyperscan" >&2
fi
cargo build --release -q -p hayscan-ffi -p hayscan-bench "${BENCH_FEATURES[@]}"
NODE_ADDON=""
if section hosts && command -v node >/dev/null; then
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
if section rulesets; then
    python3 bench/corpus/source.py "$DATA/source.txt" --bytes "$SOURCE_BYTES"
    # Rulesets: extracted from git directories at the commits the scripts pin.
    RULES=bench/data/rulesets
    mkdir -p "$RULES" bench/data/repos
    git_dir() { # git_dir VAR URL NAME MIRROR: a git directory holding the repository, cloned if missing
        local dir="${!1:-bench/data/repos/$3.git}"
        # A copy brought by the workplace's fetch tool, when there is one.
        [ -n "${!1:-}" ] || [ -d "$dir" ] || [ ! -d "/work/.mirror/$4/repo" ] || dir="/work/.mirror/$4/repo"
        if [ ! -d "$dir" ]; then
            git clone -q --bare --filter=blob:none "$2" "$dir" 2>"$OUT/clone-$3.log" ||
                echo "warning: cannot clone $2 (see $OUT/clone-$3.log): its ruleset reports 'unavailable'" >&2
        fi
        echo "$dir"
    }
    GITLEAKS_DIR="$(git_dir GITLEAKS_GIT_DIR https://github.com/gitleaks/gitleaks gitleaks gitleaks+gitleaks)"
    SPDB_DIR="$(git_dir SPDB_GIT_DIR https://github.com/mazen160/secrets-patterns-db secrets-patterns-db mazen160+secrets-patterns-db)"
    rm -f "$RULES/gitleaks.regex" "$RULES/secrets-patterns-db.regex" "$RULES/secrets-2k.regex"
    python3 bench/rulesets/gitleaks.py "$GITLEAKS_DIR" >"$RULES/gitleaks.regex.tmp" &&
        mv "$RULES/gitleaks.regex.tmp" "$RULES/gitleaks.regex" || echo "warning: gitleaks rules not extracted" >&2
    python3 bench/rulesets/secrets_patterns_db.py "$SPDB_DIR" >"$RULES/secrets-patterns-db.regex.tmp" &&
        mv "$RULES/secrets-patterns-db.regex.tmp" "$RULES/secrets-patterns-db.regex" ||
        echo "warning: secrets-patterns-db rules not extracted" >&2
    # ~2,000 secret rules: the database has 1,610, so gitleaks' and the bench's own 109 join it.
    if [ -f "$RULES/secrets-patterns-db.regex" ] && [ -f "$RULES/gitleaks.regex" ]; then
        python3 bench/rulesets/combine.py "$RULES/secrets-2k.regex" "$RULES/secrets-patterns-db.regex" \
            "$RULES/gitleaks.regex" bench/corpus/secrets.regex
    fi
fi

# ---- machine -----------------------------------------------------------------------------
say "machine info"
version() { "$@" 2>/dev/null | head -1 || true; }
# machine.json when the host drivers run; the ruleset section writes its own copy
# (rulesets-run.json), so a `--only rulesets` run leaves the hosts' run description alone.
RUN_FILES=()
section hosts && RUN_FILES+=("$OUT/machine.json")
section rulesets && RUN_FILES+=("$OUT/rulesets-run.json")
section files && RUN_FILES+=("$OUT/files-run.json")
section literals && RUN_FILES+=("$OUT/literals-run.json")
python3 - "$OUT/run-info.tmp" <<EOF
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
    "core_commit": first(["git", "log", "-1", "--format=%h", "--", "crates/hayscan"]),
    "core_dirty": bool(subprocess.run(["git", "status", "--porcelain", "--", "crates/hayscan"],
                                      capture_output=True, text=True).stdout.strip()),
    # Identifies a dirty crates/hayscan: SHA-256 of the diff against HEAD plus untracked files.
    "core_tree": (lambda h: [h.update(subprocess.run(["git", "diff", "HEAD", "--", "crates/hayscan"],
                                                     capture_output=True).stdout),
                             [h.update(open(f, "rb").read()) for f in sorted(subprocess.run(
                                 ["git", "ls-files", "--others", "--exclude-standard", "crates/hayscan"],
                                 capture_output=True, text=True).stdout.split())],
                             h.hexdigest()[:12]][-1])(__import__("hashlib").sha256()),
    "sections": "$SECTIONS",
    "verify": "$VERIFY" == "1",
    "source_bytes": $SOURCE_BYTES,
    "load_before": open("/proc/loadavg").read().split()[:3],
    "started": first(["date", "-u", "+%Y-%m-%d %H:%M UTC"]),
    "params": {"english_bytes": $ENGLISH_BYTES, "log_bytes": $LOG_BYTES, "reps": $REPS, "calls": $CALLS,
               "budget_s": $BUDGET, "min_rep_ms": $MIN_REP_MS},
}, open(sys.argv[1], "w"), indent=2)
EOF
for f in "${RUN_FILES[@]}"; do cp "$OUT/run-info.tmp" "$f"; done
rm -f "$OUT/run-info.tmp"

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
memory_run() { # memory_run FILE HOST CMD...: one process, its JSON line appended to FILE
    local file="$1" host="$2"
    shift 2
    timeout 300s "$@" >>"$file" 2>>"$OUT/memory.log" ||
        printf '{"schema":"hayscan-bench/1","host":"%s","workload":"%s","impl":"driver","status":"error","reason":"%s"}\n' \
            "$host" "${MEM_WORKLOAD:-memory}" "memory run failed: $*" >>"$file"
}

if section literals; then
# Literal sets against Hyperscan and the raw crate, interleaved in one process (CPU time;
# --verify reruns a set whose spread is over 10%).
LIT_VERIFY=()
[ "$VERIFY" = "1" ] && LIT_VERIFY=(--verify)
run_driver rust-literals "$LONG" target/release/hayscan-bench --literals --data "$DATA" --reps "$((REPS + 2))" \
    --min-rep-ms "$MIN_REP_MS" "${LIT_VERIFY[@]}"
fi

if section files; then
# One large file by path and in memory (1 and 2 threads), its matching lines, against rg
# and grep.
FILE_MB=$([ "$MODE" = quick ] && echo 32 || echo 100)
run_driver rust-files "$LONG" target/release/hayscan-bench --files --data "$DATA" --mb "$FILE_MB" \
    --reps "$REPS" --min-rep-ms "$MIN_REP_MS" --dir "$OUT"
rm -f "$OUT"/hayscan-bench-english-*mb.txt
fi

if section hosts; then
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
for set in dense-1000 dense-100000 secrets; do
    memory_run "$MEM" rust target/release/hayscan-bench --data "$DATA" --memory "$set"
    memory_run "$MEM" c "$BIN/hayscan_driver" --data "$DATA" --memory "$set"
    [ -z "$HYPERSCAN_BUILD_ERROR" ] && memory_run "$MEM" c "$BIN/hyperscan_driver" --data "$DATA" --memory "$set"
    if command -v php >/dev/null; then
        memory_run "$MEM" php php -d memory_limit=-1 bench/php/driver.php --data "$DATA" --memory "hayscan:$set"
        memory_run "$MEM" php php -d memory_limit=-1 bench/php/driver.php --data "$DATA" --memory "preg_match_all:$set"
    fi
    if command -v ruby >/dev/null; then
        memory_run "$MEM" ruby ruby -I ruby/lib bench/ruby/driver.rb --data "$DATA" --memory "hayscan:$set"
        memory_run "$MEM" ruby ruby -I ruby/lib bench/ruby/driver.rb --data "$DATA" --memory "Regexp.union#scan:$set"
    fi
    if [ -n "$NODE_ADDON" ]; then
        NAPI_RS_NATIVE_LIBRARY_PATH="$NODE_ADDON" memory_run "$MEM" node node bench/node/driver.mjs --data "$DATA" --memory "hayscan:$set"
        memory_run "$MEM" node node bench/node/driver.mjs --data "$DATA" --memory "RegExp:$set"
    fi
done
echo "  $(wc -l <"$MEM") rows"
fi # hosts

# ---- real rulesets: hayscan vs Hyperscan in one process ----------------------------------
if section rulesets; then
    RS_STATE="$OUT/rulesets"
    mkdir -p "$RS_STATE"
    RS_ARGS=(--rulesets "$RULES" --data "$DATA" --state "$RS_STATE")
    RS_VERIFY=()
    [ "$VERIFY" = "1" ] && RS_VERIFY=(--verify)
    run_driver rust-rulesets "$LONG" target/release/hayscan-bench "${RS_ARGS[@]}" --reps "$REPS" \
        --min-rep-ms "$MIN_REP_MS" "${RS_VERIFY[@]}"
    say "ruleset peak memory"
    RS_MEM="$OUT/rulesets-memory.jsonl"
    : >"$RS_MEM"
    for cfg in gitleaks:ascii secrets-109:unicode secrets-109:ascii secrets-2k:ascii; do
        for side in hayscan hyperscan; do
            MEM_WORKLOAD=ruleset-memory memory_run "$RS_MEM" rust target/release/hayscan-bench "${RS_ARGS[@]}" --ruleset-memory "$side:${cfg%%:*}:${cfg#*:}"
        done
    done
    echo "  $(wc -l <"$RS_MEM") rows"
    # What the section read, for the report: the corpora and where each ruleset came from.
    python3 - "$OUT/rulesets-run.json" "$DATA" "$RULES" <<'EOF'
import json, os, re, sys
run_file, data, rules = sys.argv[1:4]
m = json.load(open(run_file))
def maybe(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None
def lines(path):
    try:
        return sum(1 for l in open(path, encoding="utf-8") if l.strip())
    except OSError:
        return None
def pinned(script):
    t = open(os.path.join("bench/rulesets", script)).read()
    return re.search(r'^COMMIT = "([0-9a-f]+)"', t, re.M).group(1)
m["source_corpus"] = maybe(os.path.join(data, "source.txt.json"))
m["log_bytes"] = os.path.getsize(os.path.join(data, "log.txt"))
m["rulesets"] = {
    "gitleaks": {"repo": "gitleaks/gitleaks", "path": "config/gitleaks.toml", "commit": pinned("gitleaks.py"),
                 "regexes": lines(os.path.join(rules, "gitleaks.regex"))},
    "secrets-patterns-db": {"repo": "mazen160/secrets-patterns-db", "path": "db/rules-stable.yml",
                            "commit": pinned("secrets_patterns_db.py"),
                            "regexes": lines(os.path.join(rules, "secrets-patterns-db.regex"))},
    "secrets-109": {"path": "bench/corpus/secrets.regex", "regexes": lines("bench/corpus/secrets.regex")},
    "secrets-2k": maybe(os.path.join(rules, "secrets-2k.regex.json")),
}
json.dump(m, open(run_file, "w"), indent=2)
EOF
fi

# ---- report ------------------------------------------------------------------------------
say "report"
for f in "${RUN_FILES[@]}"; do
    python3 - "$f" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["load_after"] = open("/proc/loadavg").read().split()[:3]
json.dump(m, open(sys.argv[1], "w"), indent=2)
EOF
done
PY=python3
VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import matplotlib" 2>/dev/null; then
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check matplotlib; } >"$OUT/venv.log" 2>&1 ||
        echo "warning: matplotlib could not be installed into $VENV (see $OUT/venv.log): no plots" >&2
fi
"$VENV/bin/python" -c "import matplotlib" 2>/dev/null && PY="$VENV/bin/python"
"$PY" bench/report/generate.py --results "$OUT" --out docs/benchmarks.md --plots docs
say "done: docs/benchmarks.md"
