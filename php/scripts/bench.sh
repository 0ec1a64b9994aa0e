#!/usr/bin/env bash
# Runs the PHP benchmark (bench/php/bench.php): hayscan vs preg_match_all alternations vs
# strtr, per-call and per-callback overhead. QUICK=1 for a short run. Prints Markdown.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_packages php-cli wamerican
require_library

exec php -d memory_limit=4G "$repo/bench/php/bench.php" "$@"
