# Shared by ruby/scripts/*.sh (sourced, not run): locates the repository, makes sure the
# Debian packages the gem needs are installed, and that libhayscan is built.

RUBY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$RUBY_DIR/.." && pwd)"
DEFAULT_LIB="${CARGO_TARGET_DIR:-$REPO_DIR/target}/release/libhayscan.so"
export HAYSCAN_LIB="${HAYSCAN_LIB:-$DEFAULT_LIB}"

# ensure_debian_packages pkg...: installs the missing ones when root, otherwise prints
# exactly what to install and fails.
ensure_debian_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends "${missing[@]}" ||
            { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; }
    else
        echo "missing Debian packages: ${missing[*]}" >&2
        echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

# ensure_ruby_prerequisites: ruby, the ffi gem and minitest, from Debian packages.
ensure_ruby_prerequisites() {
    if command -v dpkg-query >/dev/null; then
        ensure_debian_packages ruby ruby-ffi ruby-minitest
    fi
    if ! ruby -e 'require "ffi"; require "minitest"' 2>/dev/null; then
        echo "ruby with the ffi and minitest gems is needed: sudo apt-get install -y ruby ruby-ffi ruby-minitest" >&2
        exit 1
    fi
}

# ensure_library: builds libhayscan with cargo when $HAYSCAN_LIB does not exist yet.
ensure_library() {
    [ -f "$HAYSCAN_LIB" ] && return 0
    if [ "$HAYSCAN_LIB" != "$DEFAULT_LIB" ]; then
        echo "HAYSCAN_LIB=$HAYSCAN_LIB does not exist" >&2
        exit 1
    fi
    if ! command -v cargo >/dev/null; then
        echo "libhayscan is not built and cargo is not installed: install the Rust toolchain (https://rustup.rs)" >&2
        exit 1
    fi
    echo "building libhayscan: cargo build --release -p hayscan-ffi"
    (cd "$REPO_DIR" && cargo build --release -p hayscan-ffi)
}
