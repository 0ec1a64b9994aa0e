# frozen_string_literal: true

# hayscan: find many patterns in text at once — thousands of keywords or regexes — with a
# Rust core (libhayscan, loaded through the ffi gem). See docs/ruby.md.
#
#   require "hayscan"
#   m = Hayscan::Matcher.new(%w[apple banana])
#   m.scan("an apple and a banana") { |hit| puts "#{hit.text} at #{hit.start}" }

require_relative "hayscan/version"
require_relative "hayscan/native"
require_relative "hayscan/errors"
require_relative "hayscan/match"
require_relative "hayscan/captures"
require_relative "hayscan/callbacks"
require_relative "hayscan/offsets"
require_relative "hayscan/file_job"
require_relative "hayscan/matcher_files"
require_relative "hayscan/matcher"
require_relative "hayscan/stream"

module Hayscan
  # Version of the loaded libhayscan (e.g. "0.1.0").
  def self.library_version
    Native.hayscan_version
  end

  # Path libhayscan was loaded from.
  def self.library_path
    Native::LIBRARY_PATH
  end

  # Native objects (matchers, streams, iterators, result buffers) currently alive in
  # libhayscan, process-wide. Tests use it to prove nothing leaks.
  def self.live_objects
    Native.hayscan_live_objects
  end

  # Native handler registrations (one per Stream that has handlers: the collector its
  # handlers are served from) not yet released by libhayscan, process-wide.
  def self.live_handlers
    Callbacks::Registrations.live
  end
end
