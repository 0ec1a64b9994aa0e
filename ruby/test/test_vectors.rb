# frozen_string_literal: true

# Runs every case of tests/vectors/*.json (the conformance cases every binding runs)
# through the public Ruby API: one minitest test per case.

require_relative "test_helper"
require "base64"
require "tmpdir"

class TestVectors < Minitest::Test
  VECTOR_DIR = File.join(HayscanTestHelpers::REPO, "tests", "vectors")
  FILES = Dir[File.join(VECTOR_DIR, "*.json")].sort
  ERROR_CLASSES = {
    "INVALID_PATTERN" => Hayscan::InvalidPatternError,
    "INVALID_ARGUMENT" => Hayscan::InvalidArgumentError,
    "UNSUPPORTED" => Hayscan::UnsupportedError,
    "BUILD" => Hayscan::BuildError,
    "STREAM_FINISHED" => Hayscan::StreamFinishedError
  }.freeze

  def self.bytes(value)
    case value
    when String then value.dup.force_encoding(Encoding::UTF_8)
    when Hash then Base64.strict_decode64(value.fetch("base64")) # ASCII-8BIT
    else raise ArgumentError, "not a byte string: #{value.inspect}"
    end
  end

  def self.options(opts)
    return {} unless opts

    opts.to_h do |k, v|
      case k
      when "syntax", "match_kind" then [k.to_sym, v.to_sym]
      when "case_insensitive", "ascii_classes", "whole_words", "max_line_len" then [k.to_sym, v]
      else raise ArgumentError, "unknown vector option #{k}"
      end
    end
  end

  CASES = FILES.flat_map do |file|
    JSON.parse(File.read(file)).fetch("cases").map { |c| [File.basename(file, ".json"), c] }
  end

  def test_vector_files_are_all_run
    assert_operator FILES.size, :>=, 3
    assert_operator CASES.size, :>=, 60
  end

  CASES.each_with_index do |(file, c), i|
    define_method("test_#{file}_#{format('%03d', i)}_#{c['name'].gsub(/[^a-z0-9]+/i, '_')}") do
      run_case(c)
    end
  end

  private

  def run_case(c)
    name = c.fetch("name")
    patterns = c.fetch("patterns").map { |p| self.class.bytes(p) }
    opts = self.class.options(c["options"])
    hay = self.class.bytes(c.fetch("haystack"))
    expect = c.fetch("expect")
    checks = 0

    if (want = expect["error"])
      err = assert_raises(ERROR_CLASSES.fetch(want.fetch("code")), name) { Hayscan::Matcher.new(patterns, **opts) }
      assert_kind_of Hayscan::Error, err
      refute_empty err.message
      assert_equal want["pattern_index"], err.pattern_index, name if want.key?("pattern_index")
      return
    end

    assert_no_leaks(name) do
      m = Hayscan::Matcher.new(patterns, **opts)
      begin
        if (want = expect["matches"])
          check_matches(name, m, hay, want)
          check_matches("#{name} (binary haystack)", m, hay.b, want) unless hay.encoding == Encoding::BINARY
          checks += 1
        end
        if (want = expect["captures"])
          check_captures(name, m, hay, expect.fetch("matches"), want)
          check_captures("#{name} (binary haystack)", m, hay.b, expect.fetch("matches"), want) unless hay.encoding == Encoding::BINARY
          checks += 1
        end
        if (want = expect["group_names"])
          assert_equal want.size, m.pattern_count, "#{name}: one group_names list per pattern"
          want.each_with_index do |names, i|
            assert_equal names, m.group_names(i), "#{name}: group_names(#{i})"
          end
          checks += 1
        end
        if (rep = expect["replace"])
          check_replace(name, m, hay, rep, patterns.size)
          checks += 1
        end
        if (st = expect["stream"])
          check_stream(name, m, hay, st.fetch("chunks"), st["matches"] || expect.fetch("matches"))
          checks += 1
        end
        if (want = expect["lines"])
          check_lines(name, m, hay, want)
          checks += 1
        end
      ensure
        m.close
      end
    end
    assert_operator checks, :>, 0, "#{name}: case checks nothing"
  end

  def check_matches(name, m, hay, want)
    found = m.find_all(hay)
    assert_equal want, tuples(found), "#{name}: find_all"
    assert_equal want.size, m.count(hay), "#{name}: count"
    assert_equal !want.empty?, m.match?(hay), "#{name}: match?"
    first = m.find(hay)
    if want.empty?
      assert_nil first, "#{name}: find"
    else
      assert_equal want.first, [first.pattern, first.byte_start, first.byte_end], "#{name}: find"
      assert_equal found.first, first, "#{name}: find == find_all.first"
    end

    check_answers(name, m, hay, want, found)

    scanned = []
    assert_equal want.size, m.scan(hay) { |x| scanned << x }, "#{name}: scan returns the count"
    assert_equal found, scanned, "#{name}: scan"
    assert_equal found, m.scan(hay).to_a, "#{name}: scan enumerator"
    assert_equal want.size, m.scan(hay).size, "#{name}: enumerator size"
    each = []
    assert_same m, m.each_match(hay) { |x| each << x }, "#{name}: each_match returns the matcher"
    assert_equal found, each, "#{name}: each_match"

    found.each do |x|
      assert_equal hay.byteslice(x.byte_start, x.byte_end - x.byte_start), x.text, "#{name}: text"
      assert_equal hay.encoding, x.text.encoding, "#{name}: text encoding"
      if hay.encoding == Encoding::BINARY
        assert_equal [x.byte_start, x.byte_end], [x.start, x.end], "#{name}: binary offsets"
      elsif hay.valid_encoding?
        assert_equal hay.byteslice(0, x.byte_start).length, x.start, "#{name}: start in characters"
        assert_equal hay.byteslice(0, x.byte_end).length, x.end, "#{name}: end in characters"
        assert_equal hay[x.start...x.end], x.text, "#{name}: hay[start...end] == text"
      end
    end
  end

  # The answers without a match object per match, against the case's matches (`want`,
  # byte tuples) and the Match objects find_all gave (`found`): per-pattern counts,
  # sorted distinct ids, first match per pattern, the columnar find_all, and the _many
  # forms over [hay, "", hay] (what "" gives is find_all's answer for it).
  def check_answers(name, m, hay, want, found)
    counts = Array.new(m.pattern_count, 0)
    want.each { |pattern, _, _| counts[pattern] += 1 }
    assert_equal counts, m.count_by_pattern(hay), "#{name}: count_by_pattern"
    assert_equal want.map(&:first).uniq.sort, m.matching_patterns(hay), "#{name}: matching_patterns"
    firsts = Array.new(m.pattern_count)
    found.each { |x| firsts[x.pattern] ||= x }
    assert_equal firsts, m.first_match_per_pattern(hay), "#{name}: first_match_per_pattern"
    assert_equal [found.map(&:pattern), found.map(&:start), found.map(&:end)], m.find_all_columns(hay),
                 "#{name}: find_all_columns"
    assert_equal want.empty? ? [[], [], []] : want.transpose, m.find_all_columns(hay, bytes: true),
                 "#{name}: find_all_columns(bytes: true)"

    empty = hay.byteslice(0, 0)
    in_empty = m.find_all(empty)
    inputs = [hay, empty, hay]
    assert_equal [want.size, in_empty.size, want.size], m.count_many(inputs), "#{name}: count_many"
    assert_equal [!want.empty?, !in_empty.empty?, !want.empty?], m.match_many?(inputs), "#{name}: match_many?"
    assert_equal [found, in_empty, found], m.find_many(inputs), "#{name}: find_many"
  end

  # Asks for the groups of each match found, by Matcher#captures and by the scans with
  # `captures: true`; `want` has one list of [start, end] byte spans (or nil) per match.
  def check_captures(name, m, hay, matches, want)
    assert_equal matches.size, want.size, "#{name}: one captures entry per match"
    spans = ->(caps) { Array.new(caps.size) { |g| caps.byte_begin(g) && caps.byteoffset(g) } }
    found = m.find_all(hay)
    assert_equal matches, tuples(found), "#{name}: find_all before captures"
    found.zip(want).each_with_index do |(x, groups), i|
      caps = m.captures(hay, x)
      assert_equal groups, spans.call(caps), "#{name}: captures of match #{i}"
      assert_same x, caps.match, "#{name}: captures.match"
      groups.each_with_index do |g, gi|
        if g.nil?
          assert_nil caps[gi], "#{name}: match #{i} group #{gi} took no part"
          assert_nil caps.begin(gi), "#{name}: match #{i} group #{gi} begin"
          next
        end
        text = hay.byteslice(g[0], g[1] - g[0])
        assert_equal text, caps[gi], "#{name}: match #{i} group #{gi} text"
        assert_equal hay.encoding, caps[gi].encoding, "#{name}: group text encoding"
        next unless hay.valid_encoding?

        assert_equal hay.byteslice(0, g[0]).length, caps.begin(gi), "#{name}: match #{i} group #{gi} begin in characters"
        assert_equal hay.byteslice(0, g[1]).length, caps.end(gi), "#{name}: match #{i} group #{gi} end in characters"
      end
    end
    scanned = m.scan(hay, captures: true).map { |c| spans.call(c) }
    assert_equal want, scanned, "#{name}: scan(captures: true)"
    assert_equal want, m.find_all(hay, captures: true).map { |c| spans.call(c) }, "#{name}: find_all(captures: true)"
    first = m.find(hay, captures: true)
    assert_equal want.first, first && spans.call(first), "#{name}: find(captures: true)"
    seen = []
    m.replace(hay, captures: true) { |c| seen << spans.call(c) }
    assert_equal want, seen, "#{name}: replace(captures: true)"
  end

  def check_replace(name, m, hay, rep, pattern_count)
    with = rep.fetch("with").map { |w| self.class.bytes(w) }
    pick = ->(x) { with.size == 1 ? with[0] : with.fetch(x.pattern, "") }
    if (want = rep["error"])
      klass = ERROR_CLASSES.fetch(want.fetch("code"))
      assert_raises(klass, "#{name}: replace_all") { m.replace_all(hay, with) }
      # A block always supplies one replacement per match, so a count error cannot occur.
      if with.size == 1 || with.size == pattern_count
        assert_raises(klass, "#{name}: replace") { m.replace(hay) { |x| pick.call(x) } }
      end
    else
      out = self.class.bytes(rep.fetch("output"))
      got = m.replace_all(hay, with)
      assert_equal out.b, got.b, "#{name}: replace_all"
      assert_equal hay.encoding, got.encoding, "#{name}: replace_all keeps the encoding"
      got = m.replace(hay) { |x| pick.call(x) }
      assert_equal out.b, got.b, "#{name}: replace"
      assert_equal hay.encoding, got.encoding, "#{name}: replace keeps the encoding"
    end
  end

  # count_lines of the haystack (as given and binary), and count_file_lines of a file
  # holding it, on the calling thread and split between one and two native threads.
  def check_lines(name, m, hay, want)
    assert_equal want, m.count_lines(hay), "#{name}: count_lines"
    assert_equal want, m.count_lines(hay.b), "#{name}: count_lines (binary haystack)"
    Dir.mktmpdir("hayscan-vectors") do |dir|
      path = File.join(dir, "haystack.txt")
      File.binwrite(path, hay)
      assert_equal want, m.count_file_lines(path), "#{name}: count_file_lines"
      [1, 2].each do |t|
        assert_equal want, m.count_file_lines(path, threads: t), "#{name}: count_file_lines(threads: #{t})"
      end
    end
  end

  def check_stream(name, m, hay, chunkings, want)
    chunkings.each do |sizes|
      got = []
      m.stream do |s|
        s.on { |x| got << x }
        chunks(hay, sizes).each { |c| s << c }
      end
      assert_equal want, tuples(got), "#{name}: stream with chunk sizes #{sizes}"
      got.each do |x|
        assert_equal hay.byteslice(x.byte_start, x.byte_end - x.byte_start).b, x.text.b,
                     "#{name}: stream text (#{sizes})"
        next unless hay.encoding == Encoding::UTF_8 && hay.valid_encoding?

        assert_equal hay.byteslice(0, x.byte_start).length, x.start, "#{name}: stream start in characters"
        assert_equal hay.byteslice(0, x.byte_end).length, x.end, "#{name}: stream end in characters"
      end
    end
  end

  # Splits `hay` into chunks whose byte sizes cycle through `sizes` (0 feeds an empty chunk).
  def chunks(hay, sizes)
    out = []
    at = 0
    sizes.cycle do |size|
      break if at >= hay.bytesize

      out << hay.byteslice(at, size)
      at += size
    end
    out
  end
end
