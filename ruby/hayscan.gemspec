# frozen_string_literal: true

require_relative "lib/hayscan/version"

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

  spec.files = ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] +
               Dir[File.join(__dir__, "lib/**/*.rb")].map { |f| f.delete_prefix("#{__dir__}/") } +
               Dir[File.join(__dir__, "examples/*.rb")].map { |f| f.delete_prefix("#{__dir__}/") }
  spec.require_paths = ["lib"]

  # The native library is built by cargo (`cargo build --release -p hayscan-ffi`) and found
  # through HAYSCAN_LIB, the source tree, or the system library path; see docs/ruby.md.
  spec.requirements << "libhayscan (ABI version 1), built from crates/hayscan-ffi"
  spec.add_runtime_dependency "ffi", "~> 1.15"
  spec.add_development_dependency "minitest", "~> 5.15"
  spec.metadata["rubygems_mfa_required"] = "true"
end
