# frozen_string_literal: true

require_relative "lib/hayscan/version"

# Three gems come from this gemspec (ruby/scripts/package.sh builds the first two):
# - HAYSCAN_GEM=platform: the x86_64-linux gem, carrying the shipped libhayscan (`make dist`)
#   as lib/hayscan/native/libhayscan.so.0;
# - HAYSCAN_GEM=source: the `ruby` platform gem, carrying the Rust sources (ext/hayscan/rust)
#   and ext/hayscan/extconf.rb, which builds the library with cargo at install time;
# - unset: the Ruby files only (the library then comes from HAYSCAN_LIB or the system).
kind = ENV.fetch("HAYSCAN_GEM", "")
unless ["", "platform", "source"].include?(kind)
  raise ArgumentError, "HAYSCAN_GEM must be platform, source or unset, got #{kind.inspect}"
end

Gem::Specification.new do |spec|
  spec.name = "hayscan"
  spec.version = Hayscan::VERSION
  spec.summary = "Find thousands of keywords or regexes in text at once (Rust core over the ffi gem)"
  spec.description = <<~DESC
    Ruby binding of hayscan: multi-pattern literal (Aho-Corasick) and regex matching,
    replacement and streaming, with a Rust core loaded through the ffi gem. Blocks are the
    callbacks; break, next, return, throw and raise work in every block.
  DESC
  spec.authors = ["hayscan contributors"]
  spec.licenses = ["MIT", "Apache-2.0"]
  spec.required_ruby_version = ">= 3.1"

  files = lambda do |*globs|
    Dir[*globs.map { |g| File.join(__dir__, g) }].select { |f| File.file?(f) }.map { |f| f.delete_prefix("#{__dir__}/") }
  end
  spec.files = ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] + files.call("lib/**/*.rb", "examples/*.rb")
  spec.require_paths = ["lib"]

  case kind
  when "platform"
    native = files.call("lib/hayscan/native/libhayscan.so.0")
    raise "HAYSCAN_GEM=platform: lib/hayscan/native/libhayscan.so.0 is missing (see ruby/scripts/package.sh)" if native.empty?

    spec.platform = "x86_64-linux"
    spec.files += native
  when "source"
    rust = files.call("ext/hayscan/rust/**/*")
    raise "HAYSCAN_GEM=source: ext/hayscan/rust is missing (see ruby/scripts/package.sh)" if rust.empty?

    spec.files += files.call("ext/hayscan/extconf.rb") + rust
    spec.extensions = ["ext/hayscan/extconf.rb"]
    spec.requirements << "cargo (Rust 1.85 or later) to build libhayscan at install time"
  else
    # Found through HAYSCAN_LIB, the source tree, or the system library path; see docs/ruby.md.
    spec.requirements << "libhayscan (ABI version 2), built from crates/hayscan-ffi"
  end
  spec.add_runtime_dependency "ffi", "~> 1.15"
  spec.add_development_dependency "minitest", "~> 5.15"
  spec.metadata["rubygems_mfa_required"] = "true"
end
