# frozen_string_literal: true

require_relative "test_helper"
require "pathname"
require "tmpdir"
require "fileutils"

# Matcher#count_file and #scan_file: a file by path, read in chunks by the library without
# the GVL (scan_file on a job: see test_file_jobs.rb), the same matches as a scan of the
# file's bytes, and Ruby's own errors for files that cannot be read.
class TestFiles < Minitest::Test
  def setup
    @live = [Hayscan.live_objects, Hayscan.live_handlers]
    @dir = Dir.mktmpdir("hayscan-files")
    @path = File.join(@dir, "text.log")
  end

  def teardown
    FileUtils.remove_entry(@dir)
    super
    assert_equal @live, [Hayscan.live_objects, Hayscan.live_handlers], "native objects or handlers leaked"
  end

  def test_file_matches_equal_the_matches_of_its_bytes
    text = "a needle, b NEEDLE; \u00e9 ".b * 40_000 # straddles the 256 KiB chunks
    File.binwrite(@path, text)
    [{}, { case_insensitive: true }, { match_kind: :overlapping }].each do |opts|
      m = Hayscan::Matcher.new(["needle", "dle, b", "\u00e9"], **opts)
      assert_equal m.count(text), m.count_file(@path), opts.inspect
      assert_equal m.count(text), m.count_file(Pathname.new(@path))
      want = m.find_all(text).map { |x| [x.pattern, x.byte_start, x.byte_end] }
      got = []
      n = m.scan_file(@path) { |x| got << [x.pattern, x.byte_start, x.byte_end] }
      assert_equal want, got, opts.inspect
      assert_equal want.size, n
      assert_equal want.size, m.scan_file(@path).count
      m.close
    end
  end

  def test_break_and_raise_stop_the_reading
    File.binwrite(@path, "ab " * 200_000)
    m = Hayscan::Matcher.new(["ab"])
    seen = 0
    result = m.scan_file(@path) do
      seen += 1
      break :stopped if seen == 3
    end
    assert_equal [:stopped, 3], [result, seen]
    error = assert_raises(RuntimeError) { m.scan_file(@path) { raise "boom" } }
    assert_equal "boom", error.message
    assert_equal 3, m.scan_file(@path).first(3).size
  ensure
    m&.close
  end

  def test_errors_are_rubys_own
    m = Hayscan::Matcher.new(["a"])
    assert_raises(Errno::ENOENT) { m.count_file(File.join(@dir, "missing")) }
    assert_raises(Errno::ENOENT) { m.scan_file(File.join(@dir, "missing")) { nil } }
    assert_raises(Errno::EISDIR) { m.count_file(@dir) }
    assert_raises(ArgumentError) { m.count_file("a\0b") }
    assert_raises(ArgumentError) { m.count_file("") }
    assert_raises(TypeError) { m.count_file(42) }
    assert_equal 0, m.count_file("/dev/null")
    m.close
    File.binwrite(@path, "a")
    assert_raises(Hayscan::ClosedError) { m.count_file(@path) }
    assert_raises(Hayscan::ClosedError) { m.scan_file(@path) { nil } }
  end

  def test_threads_count_files_in_parallel_with_the_same_answers
    File.binwrite(@path, "x a " * 500_000)
    m = Hayscan::Matcher.new(["a"])
    counts = Array.new(4) { Thread.new { m.count_file(@path) } }.map(&:value)
    assert_equal [500_000] * 4, counts
    m.close
  end
end
