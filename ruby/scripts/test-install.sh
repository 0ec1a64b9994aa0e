#!/usr/bin/env bash
# Install test of the packed gems (`make test-install-ruby`, part of `make test`):
# `gem install --local` the platform gem into an empty GEM_HOME, then run a smoke program
# in a fresh directory outside the repository with cargo, rustc and rustup off PATH and
# HAYSCAN_LIB unset: it must load the library bundled in the gem.
# With SOURCE=1 it installs the source gem instead, which builds libhayscan with cargo
# (offline, from cargo's cache) at install time; that takes minutes, so it is not in `make test`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_ruby_prerequisites
gems="$REPO_DIR/build/gems"
"$RUBY_DIR/scripts/package.sh" "$gems"
version="$(ruby -I"$RUBY_DIR/lib" -r hayscan/version -e 'print Hayscan::VERSION')"
if [ "${SOURCE:-0}" = 1 ]; then gem_file="$gems/hayscan-$version.gem"; else gem_file="$gems/hayscan-$version-x86_64-linux.gem"; fi

tmp="$(mktemp -d /tmp/hayscan-gem-test.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/gems" "$tmp/app" "$tmp/bin"

# A PATH without cargo, rustc or rustup: every PATH entry that holds one of them is dropped
# and the tools the smoke program needs (ruby, gem) are linked into a directory of their own.
. "$REPO_DIR/scripts/lib/cargo-free-path.sh"
clean_path="$(cargo_free_path "$tmp/bin" ruby gem)"
if PATH="$clean_path" command -v cargo >/dev/null || PATH="$clean_path" command -v rustc >/dev/null; then
    echo "test-install: could not take cargo off PATH" >&2; exit 1
fi

# The ffi gem is a dependency: it comes from the system (Debian's ruby-ffi), so the install
# is --local and the system gem directories (not the user's) stay on GEM_PATH after the
# empty GEM_HOME. (`--install-dir DIR` would resolve dependencies in DIR alone, where ffi
# is not; GEM_HOME installs into the same empty directory and sees the system's ffi.)
system_gems="$(ruby -e 'print((Gem.path - [Gem.user_dir]).join(":"))')"
install_path="$clean_path"
[ "${SOURCE:-0}" = 1 ] && install_path="$PATH" # the source gem needs cargo to install
echo "ruby: gem install --local $(basename "$gem_file") into $tmp/gems"
(cd "$tmp/app" && env -u HAYSCAN_LIB PATH="$install_path" GEM_HOME="$tmp/gems" GEM_PATH="$tmp/gems:$system_gems" \
    CARGO_NET_OFFLINE=true gem install --local --no-document "$gem_file")

cat > "$tmp/app/smoke.rb" <<'RUBY'
require "hayscan"
spec = Gem.loaded_specs.fetch("hayscan")
abort "hayscan loaded from #{spec.full_gem_path}, not from #{ENV['GEM_HOME']}" unless spec.full_gem_path.start_with?(ENV["GEM_HOME"])
bundled = File.join(spec.full_gem_path, "lib/hayscan/native/libhayscan.so.0")
abort "library loaded from #{Hayscan.library_path}, not the gem's #{bundled}" unless Hayscan.library_path == bundled
m = Hayscan::Matcher.new(%w[fox dog])
hits = m.find_all("the quick fox jumps over the lazy dog").map { |h| [h.pattern, h.start, h.end, h.text] }
abort "wrong matches: #{hits.inspect}" unless hits == [[0, 10, 13, "fox"], [1, 34, 37, "dog"]]
seen = []
m.stream { |s| s.on { |h| seen << h.text }; s << "a fo" << "x and a d" << "og" }
abort "wrong stream matches: #{seen.inspect}" unless seen == %w[fox dog]
replaced = m.replace("fox dog") { |h| h.text.upcase }
abort "wrong replacement: #{replaced.inspect}" unless replaced == "FOX DOG"
m.close
abort "leaked native objects: #{Hayscan.live_objects}" unless Hayscan.live_objects.zero?
puts "ok #{spec.full_name} #{Hayscan.library_version} from #{Hayscan.library_path}"
RUBY
(cd "$tmp/app" && env -u HAYSCAN_LIB -u RUBYLIB -u RUBYOPT PATH="$clean_path" GEM_HOME="$tmp/gems" \
    GEM_PATH="$tmp/gems:$system_gems" ruby smoke.rb)
