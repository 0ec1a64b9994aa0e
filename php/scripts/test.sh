#!/usr/bin/env bash
# Runs hayscan's PHP test suite: PHPUnit (shared vectors, API, callback boundary rules,
# streams, library loading) including the opcache-preload tests that start `php -S` and
# the request-cleanup tests that start php-fpm.
# Extra arguments go to phpunit (e.g. --filter StreamTest).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_packages php-cli phpunit php-opcache php-fpm
require_library

cd "$php_dir"
echo "PHP $(php -r 'echo PHP_VERSION;'), $(phpunit --version | head -n1 | cut -d" " -f1,2), library $HAYSCAN_LIB" >&2
exec phpunit --configuration "$php_dir/phpunit.xml.dist" "$@"
