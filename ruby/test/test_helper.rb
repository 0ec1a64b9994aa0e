# frozen_string_literal: true

# Shared setup for the minitest suite: loads the gem from ruby/lib (libhayscan from
# HAYSCAN_LIB or target/release) and provides leak and subprocess helpers.

$LOAD_PATH.unshift File.expand_path("../lib", __dir__)
require "minitest/autorun"
require "json"
require "open3"
require "rbconfig"
require "hayscan"

module HayscanTestHelpers
  REPO = File.expand_path("../..", __dir__)
  LIB_DIR = File.expand_path("../lib", __dir__)

  # Asserts that the block leaves as many live native objects and registered handlers
  # as it found. Tests close everything they create, so no finalizer changes the counts
  # in between (tests that rely on GC run in a subprocess: see #ruby_subprocess).
  def assert_no_leaks(message = nil)
    before = [Hayscan.live_objects, Hayscan.live_handlers]
    result = yield
    after = [Hayscan.live_objects, Hayscan.live_handlers]
    assert_equal before, after, message || "native objects / handlers leaked (live objects, live handlers)"
    assert_equal 0, Hayscan::Callbacks::Registrations.unknown_releases, "a handler was released twice"
    result
  end

  def matcher(patterns, **opts)
    m = Hayscan::Matcher.new(patterns, **opts)
    (@to_close ||= []) << m
    m
  end

  def teardown
    (@to_close || []).each(&:close)
    super
  end

  # Runs Ruby code in a fresh process with the gem on the load path; returns
  # [stdout + stderr, Process::Status].
  def ruby_subprocess(code, env: {})
    Open3.capture2e(env, RbConfig.ruby, "-I", LIB_DIR, "-e", code)
  end

  def tuples(matches)
    matches.map { |m| [m.pattern, m.byte_start, m.byte_end] }
  end
end

module Minitest
  class Test
    include HayscanTestHelpers
  end
end
