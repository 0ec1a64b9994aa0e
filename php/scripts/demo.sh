#!/usr/bin/env bash
# Runs the PHP example: dictionary words (/usr/share/dict/words) found in the GPL text,
# with callbacks printing what they see.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_packages php-cli wamerican
require_library

exec php "$php_dir/examples/demo.php" "$@"
