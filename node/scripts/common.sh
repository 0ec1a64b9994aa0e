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

# Builds the addon ($1 = release|debug; further args go to `napi build`) and installs it in
# node/ by rename, so a process that has the previous build loaded keeps its copy. The
# scripts all build with the same features (`test-exports`, for test.sh's panic test), so
# they share one cargo build; `npm run build` makes the addon to publish, without it. The
# generated loader and types go to the scratch directory $GEN_DIR (removed at exit), for
# test.sh to compare with the committed ones.
build_addon() {
  local profile="$1"
  shift
  GEN_DIR="$(mktemp -d)"
  trap 'rm -rf "$GEN_DIR"' EXIT
  local args=(build --platform --js native.js --dts native.d.ts --output-dir "$GEN_DIR")
  if [[ "$profile" == release ]]; then
    args+=(--release --strip)
  fi
  echo "==> napi ${args[*]} $*"
  npx --no-install napi "${args[@]}" "$@"
  local built
  for built in "$GEN_DIR"/*.node; do
    cp "$built" ".$(basename "$built").tmp"
    mv -f ".$(basename "$built").tmp" "$(basename "$built")"
  done
}
