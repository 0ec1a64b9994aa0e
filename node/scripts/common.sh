# Shared by the node/scripts/*.sh entry points (sourced, not run).
# Installs the npm devDependencies when node_modules is missing or older than the lockfile,
# using only local tools (npx resolves @napi-rs/cli from node_modules).

NODE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$NODE_DIR"

for tool in node npm cargo; do
  if ! command -v "$tool" > /dev/null; then
    echo "error: '$tool' is required (Rust toolchain, Node >= 20 and npm)" >&2
    exit 1
  fi
done

ensure_node_modules() {
  local stamp=node_modules/.hayscan-lock-sha256
  local want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "==> npm ci (node_modules missing or stale)"
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
  fi
}

# Builds the addon; $1 = release|debug, further args go to `napi build`.
# The generated loader and types are written to $2 (a directory).
build_addon() {
  local profile="$1" out="$2"
  shift 2
  local args=(build --platform --js native.js --dts native.d.ts --output-dir "$out")
  if [[ "$profile" == release ]]; then
    args+=(--release --strip)
  fi
  echo "==> napi ${args[*]} $*"
  npx --no-install napi "${args[@]}" "$@"
}
