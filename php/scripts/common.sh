# Sourced by php/scripts/*.sh: locate the repo, install or name the Debian prerequisites,
# and make sure libhayscan is built. Not executable on its own.

php_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$php_dir")"

# require_packages <package>...: checks each prerequisite; installs the missing ones with
# apt-get when running as root, otherwise prints exactly what to install and exits.
require_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        case "$pkg" in
            php-cli) command -v php >/dev/null 2>&1 || missing+=(php-cli) ;;
            phpunit) command -v phpunit >/dev/null 2>&1 || missing+=(phpunit) ;;
            php-opcache)
                if ! command -v php >/dev/null 2>&1 ||
                    ! php -d opcache.enable_cli=1 -r 'exit(function_exists("opcache_get_status") ? 0 : 1);' >/dev/null 2>&1; then
                    missing+=(php-opcache)
                fi ;;
            wamerican) [ -r /usr/share/dict/words ] || missing+=(wamerican) ;;
            php-fpm) compgen -G '/usr/sbin/php-fpm*' >/dev/null || missing+=(php-fpm) ;;
            *) echo "common.sh: unknown prerequisite $pkg" >&2; return 1 ;;
        esac
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "Installing Debian packages: ${missing[*]}" >&2
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
        else
            echo "Missing prerequisites. Install them with:" >&2
            echo "    sudo apt-get install -y ${missing[*]}" >&2
            exit 1
        fi
    fi
    # PHP's FFI extension ships with php-common on Debian but may be switched off.
    if [[ " $* " == *" php-cli "* ]] && ! php -r 'exit(extension_loaded("ffi") ? 0 : 1);'; then
        echo "PHP's FFI extension is not loaded: enable it with 'sudo phpenmod ffi' (or extension=ffi in php.ini)." >&2
        exit 1
    fi
}

# require_library: exports HAYSCAN_LIB (default <repo>/target/release/libhayscan.so) and
# builds the default library with cargo when it is missing or older than the Rust sources.
require_library() {
    if [ -n "${HAYSCAN_LIB:-}" ]; then
        if [ ! -e "$HAYSCAN_LIB" ]; then
            echo "HAYSCAN_LIB=$HAYSCAN_LIB does not exist" >&2
            exit 1
        fi
        export HAYSCAN_LIB
        return
    fi
    local lib="$repo/target/release/libhayscan.so"
    local stale=""
    if [ -e "$lib" ]; then
        stale="$(find "$repo/crates" \( -name '*.rs' -o -name Cargo.toml \) -newer "$lib" -print -quit 2>/dev/null || true)"
    fi
    if [ ! -e "$lib" ] || [ -n "$stale" ]; then
        if ! command -v cargo >/dev/null 2>&1; then
            echo "libhayscan is ${stale:+out of date}${stale:-missing} at $lib and cargo is not installed:" >&2
            echo "install the Rust toolchain (https://rustup.rs) or set HAYSCAN_LIB to a built libhayscan.so" >&2
            exit 1
        fi
        echo "Building libhayscan (cargo build --release -p hayscan-ffi)..." >&2
        (cd "$repo" && cargo build --release -p hayscan-ffi >&2)
    fi
    export HAYSCAN_LIB="$lib"
}
