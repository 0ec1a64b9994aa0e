#!/usr/bin/env bash
# Makes sure the given Debian packages are installed: installs the missing ones with
# apt-get when run as root, otherwise says exactly what to install and fails.
# Usage: scripts/ensure-debian-packages.sh pkg...
set -euo pipefail
missing=()
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
else
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
