#!/usr/bin/env bash
# Runs bench/ruby/bench.rb: hayscan vs Regexp.union + scan vs gsub(hash), per-call and
# per-match costs. QUICK=1 for a short run. Writes the report to bench/ruby/results.md
# (or $BENCH_OUT) as well as to stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_ruby_prerequisites
ensure_debian_packages wamerican
ensure_library

ruby -I "$RUBY_DIR/lib" "$REPO_DIR/bench/ruby/bench.rb" "$@"
