#!/usr/bin/env bash
# Runs the Ruby gem's minitest suite (ruby/test) against $HAYSCAN_LIB (default:
# target/release/libhayscan.so, built with cargo if missing) and checks that the gem builds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_ruby_prerequisites
ensure_library

cd "$RUBY_DIR"
echo "ruby: minitest suite against $HAYSCAN_LIB"
# RUST_BACKTRACE=0: the panic test's subprocess would otherwise print a Rust backtrace.
RUST_BACKTRACE=0 ruby -w -Itest -e 'Dir["test/test_*.rb"].sort.each { |f| require_relative f }' -- "$@"

echo "ruby: gem build"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r hayscan.gemspec README.md LICENSE-MIT LICENSE-APACHE lib examples "$tmp/"
(cd "$tmp" && gem build hayscan.gemspec >/dev/null && ls hayscan-*.gem)
