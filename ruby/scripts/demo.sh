#!/usr/bin/env bash
# Runs ruby/examples/wordscan.rb: the Debian word list (wamerican) over a real text.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_ruby_prerequisites
ensure_debian_packages wamerican
ensure_library

ruby -I "$RUBY_DIR/lib" "$RUBY_DIR/examples/wordscan.rb" "$@"
