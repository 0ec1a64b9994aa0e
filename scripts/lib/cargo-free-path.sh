# Sourced by the install tests: cargo_free_path BIN_DIR [TOOL...] prints a PATH without
# cargo, rustc or rustup (every entry holding one of them is dropped), BIN_DIR first, with
# each TOOL linked into BIN_DIR so it stays reachable even where it shared a directory
# with cargo.
cargo_free_path() {
    local bin="$1" d tool out
    shift
    mkdir -p "$bin"
    out="$bin"
    IFS=: read -r -a _entries <<< "$PATH"
    for d in "${_entries[@]}"; do
        [ -n "$d" ] || continue
        if [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ]; then continue; fi
        out="$out:$d"
    done
    for tool in "$@"; do ln -sf "$(command -v "$tool")" "$bin/$tool"; done
    printf '%s\n' "$out"
}
