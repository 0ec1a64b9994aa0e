# frozen_string_literal: true

# Builds libhayscan with cargo when the source gem (the `ruby` platform gem) is installed:
# `gem install` runs this file, then `make` and `make install` on the Makefile it writes.
# The Rust sources of the library (crates/hayscan and crates/hayscan-ffi, with the workspace
# manifest and Cargo.lock) are in ./rust; their crates.io dependencies are fetched by cargo
# (or taken from its cache: set CARGO_NET_OFFLINE=true to build offline). The library is
# built with the `dist` profile (release, stripped) and copied to
# lib/hayscan/native/libhayscan.so.0, the first place the gem looks (lib/hayscan/native.rb).

require "rbconfig"
require "shellwords"
require_relative "../../lib/hayscan/version"

here = __dir__
rust = File.join(here, "rust")
abort "hayscan: #{rust} is missing: this is not the hayscan source gem" unless File.exist?(File.join(rust, "Cargo.toml"))

cargo = ENV.fetch("CARGO", "cargo")
found = ENV.fetch("PATH", "").split(File::PATH_SEPARATOR).any? { |dir| File.executable?(File.join(dir, cargo)) } ||
        File.executable?(cargo)
unless found
  abort <<~MSG
    hayscan: cargo was not found on PATH, and this gem (the source gem) builds libhayscan with it.
    Install Rust (https://rustup.rs), or install the platform gem for your system
    (hayscan-#{Hayscan::VERSION}-x86_64-linux.gem), or build libhayscan yourself and set HAYSCAN_LIB.
  MSG
end

host_os = RbConfig::CONFIG["host_os"]
built, soname = if host_os.match?(/darwin/)
                  ["libhayscan.dylib", "libhayscan.0.dylib"]
                else
                  ["libhayscan.so", "libhayscan.so.0"]
                end
link = host_os.match?(/darwin|mswin|mingw/) ? "" : " -- -C link-arg=-Wl,-soname,#{soname}"
dest = File.expand_path("../../lib/hayscan/native", here)
target = File.join(here, "target")

File.write(File.join(here, "Makefile"), <<~MAKE)
  # Written by extconf.rb: builds libhayscan with cargo (see extconf.rb).
  all:
  \tcd #{rust.shellescape} && CARGO_TARGET_DIR=#{target.shellescape} #{cargo.shellescape} rustc --profile dist -p hayscan-ffi --lib#{link}
  \tmkdir -p #{dest.shellescape}
  \tcp #{File.join(target, "dist", built).shellescape} #{File.join(dest, soname).shellescape}
  \trm -rf #{target.shellescape}

  install: all

  clean:

  .PHONY: all install clean
MAKE
