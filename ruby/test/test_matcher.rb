# frozen_string_literal: true

# Every public Matcher and Match method, options, argument errors and use after close.

require_relative "test_helper"

class TestMatcher < Minitest::Test
  TEXT = "the quick brown fox jumps over the lazy dog"

  def test_new_with_defaults
    m = matcher(%w[fox dog])
    assert_equal :literal, m.syntax
    assert_equal :leftmost_first, m.match_kind
    refute m.case_insensitive?
    assert_equal 2, m.pattern_count
    assert_operator m.memory_usage, :>, 0
    assert_match(/2 patterns literal leftmost_first/, m.inspect)
  end

  def test_options_are_used
    m = matcher(%w[sam samwise], match_kind: :leftmost_longest, case_insensitive: true)
    assert_equal [[1, 0, 7]], tuples(m.find_all("SAMWISE"))
    assert m.case_insensitive?
    o = matcher(%w[aa], match_kind: "overlapping")
    assert_equal 3, o.count("aaaa")
  end

  def test_regex_constructor
    m = Hayscan::Matcher.regex(['\d+', "[a-z]+@example\\.com"], case_insensitive: true)
    (@to_close ||= []) << m
    assert_equal :regex, m.syntax
    assert_equal %w[42 BOB@EXAMPLE.COM], m.find_all("x42 BOB@EXAMPLE.COM").map(&:text)
  end

  def test_match_find_count
    m = matcher(%w[fox dog cat])
    assert m.match?(TEXT)
    refute m.match?("nothing here")
    assert_equal 2, m.count(TEXT)
    hit = m.find(TEXT)
    assert_equal Hayscan::Match.new(0, 16, 19, 16, 19, "fox"), hit
    assert_nil m.find("no animals")
    assert_equal 0, m.count("")
  end

  def test_find_all_and_scan_agree
    m = matcher(%w[the o])
    all = m.find_all(TEXT)
    assert_equal %w[the o o o the o], all.map(&:text)
    seen = []
    assert_equal all.size, m.scan(TEXT) { |x| seen << x }
    assert_equal all, seen
  end

  def test_scan_without_block_is_a_sized_enumerator
    m = matcher(%w[o])
    e = m.scan(TEXT)
    assert_kind_of Enumerator, e
    assert_equal 4, e.size
    assert_equal [12, 17, 26, 41], e.map(&:start)
    assert_equal 12, e.next.start
    assert_equal 17, e.next.start
    assert_equal [26, 41], [e.next.start, e.next.start]
    assert_raises(StopIteration) { e.next } # run to the end: the native iterator is freed
    assert_equal [[0, 12], [1, 17]], m.each_match(TEXT).with_index.first(2).map { |x, i| [i, x.start] }
    assert_equal 4, m.each_match(TEXT).size
  end

  def test_each_match_returns_the_matcher
    m = matcher(%w[o])
    n = 0
    assert_same m, m.each_match(TEXT) { n += 1 }
    assert_equal 4, n
  end

  def test_scan_of_many_matches_crosses_batches
    m = matcher(%w[ab])
    hay = "ab" * 5000
    n = 0
    last = -2
    m.scan(hay) do |x|
      assert_equal last + 2, x.byte_start
      last = x.byte_start
      n += 1
    end
    assert_equal 5000, n
    assert_equal 5000, m.find_all(hay).size
  end

  def test_replace_all_with_one_or_many
    m = matcher(%w[cat dog])
    assert_equal "pet and pet", m.replace_all("cat and dog", "pet")
    assert_equal "kitten and puppy", m.replace_all("cat and dog", %w[kitten puppy])
    assert_equal "kitten and puppy", m.replace_all("cat and dog", %w[kitten puppy].freeze)
    assert_equal " and ", m.replace_all("cat and dog", "")
    assert_raises(Hayscan::InvalidArgumentError) { m.replace_all("cat", %w[a b c]) }
    assert_raises(TypeError) { m.replace_all("cat", 1) }
    assert_raises(TypeError) { m.replace_all("cat", ["a", 2]) }
  end

  def test_replace_all_keeps_encoding_and_binary
    m = matcher(["\0"])
    out = m.replace_all("a\0b".b, "<NUL>")
    assert_equal "a<NUL>b", out
    assert_equal Encoding::BINARY, out.encoding
    u = matcher(["é"])
    out = u.replace_all("été", "e")
    assert_equal "ete", out
    assert_equal Encoding::UTF_8, out.encoding
  end

  def test_replace_with_block
    m = matcher(%w[cat dog])
    seen = []
    out = m.replace("a cat, a dog, a cow") do |x|
      seen << x.text
      x.text.upcase
    end
    assert_equal "a CAT, a DOG, a cow", out
    assert_equal %w[cat dog], seen
    assert_equal "a , a , a cow", m.replace("a cat, a dog, a cow") { nil }
    assert_equal "a 1, a 2, a cow", m.replace("a cat, a dog, a cow") { |x| x.pattern + 1 }
  end

  def test_replace_without_block_is_an_enumerator
    m = matcher(%w[cat dog])
    e = m.replace("cat dog")
    assert_kind_of Enumerator, e
    assert_equal %w[cat dog], e.map(&:text)
  end

  def test_replace_of_many_matches
    m = matcher(%w[a])
    hay = "ab" * 3000
    assert_equal "Xb" * 3000, m.replace(hay) { "X" }
  end

  def test_replace_with_overlapping_is_unsupported
    m = matcher(%w[a], match_kind: :overlapping)
    assert_raises(Hayscan::UnsupportedError) { m.replace("aaa") { "b" } }
    assert_raises(Hayscan::UnsupportedError) { m.replace_all("aaa", "b") }
  end

  def test_empty_pattern_list_never_matches
    m = matcher([])
    assert_equal 0, m.pattern_count
    refute m.match?("anything")
    assert_equal [], m.find_all("anything")
  end

  def test_match_value_object
    m = matcher(%w[fox])
    a = m.find("a fox")
    b = m.find("a fox")
    assert_equal a, b
    assert a.eql?(b)
    assert_equal a.hash, b.hash
    assert_equal 1, [a, b].uniq.size
    assert_equal({ pattern: 0, start: 2, end: 5, byte_start: 2, byte_end: 5, text: "fox" }, a.to_h)
    assert_equal 2...5, a.range
    assert_equal 2...5, a.byte_range
    assert a.text.frozen?
    refute_equal a, m.find("the fox")
    refute_equal a, "fox"
    case a
    in { pattern: 0, text: }
      assert_equal "fox", text
    end
    assert_match(/pattern=0 2...5/, a.inspect)
  end

  def test_match_offsets_in_characters_and_bytes
    m = matcher(%w[東京 😀 b])
    hay = "a😀b東京c😀"
    hits = m.find_all(hay)
    assert_equal [[1, 1, 2, 1, 5], [2, 2, 3, 5, 6], [0, 3, 5, 6, 12], [1, 6, 7, 13, 17]],
                 hits.map { |x| [x.pattern, x.start, x.end, x.byte_start, x.byte_end] }
    hits.each { |x| assert_equal hay[x.range], x.text }
  end

  def test_invalid_options
    assert_raises(ArgumentError) { Hayscan::Matcher.new(%w[a], syntax: :glob) }
    assert_raises(ArgumentError) { Hayscan::Matcher.new(%w[a], match_kind: :shortest) }
    assert_raises(Hayscan::InvalidArgumentError) { Hayscan::Matcher.new(%w[a], max_line_len: -1) }
    err = assert_raises(Hayscan::InvalidArgumentError) { Hayscan::Matcher.new(%w[a], max_line_len: 0) }
    assert_equal 1, err.status
    assert_equal :invalid_argument, err.code
    assert_raises(TypeError) { Hayscan::Matcher.new(["a", :b]) }
    assert_raises(TypeError) { Hayscan::Matcher.new(42) }
  end

  def test_invalid_pattern_error
    err = assert_raises(Hayscan::InvalidPatternError) { Hayscan::Matcher.regex(["ok", "a(b", "c"]) }
    assert_equal 1, err.pattern_index
    assert_equal 2, err.status
    assert_equal :invalid_pattern, err.code
    assert_kind_of Hayscan::Error, err
    assert_kind_of StandardError, err
    refute_empty err.message
  end

  def test_unsupported_combination
    err = assert_raises(Hayscan::UnsupportedError) { Hayscan::Matcher.regex(%w[a], match_kind: :overlapping) }
    assert_equal :unsupported, err.code
  end

  def test_a_pattern_beyond_the_engine_limits_is_named
    # Unicode \w is hundreds of byte ranges: 1,000 of them exceed the NFA size limit.
    ["(a{1000}){1000}", '[\w-]{50,1000}'].each do |big|
      err = assert_raises(Hayscan::InvalidPatternError, big) { Hayscan::Matcher.regex(["ok", big, "fine"]) }
      assert_equal 1, err.pattern_index, big
      assert_equal :invalid_pattern, err.code
      assert_equal 2, err.status
      assert_match(/index 1/, err.message)
    end
    # The same rule with ASCII classes is small enough.
    m = matcher(['[\w-]{50,1000}'], syntax: :regex, ascii_classes: true)
    assert_equal [[0, 1, 61]], tuples(m.find_all(" #{'a-' * 30} "))
  end

  def test_text_must_be_a_string
    m = matcher(%w[a])
    %i[match? find count find_all scan each_match].each do |meth|
      assert_raises(TypeError, meth) { m.public_send(meth, nil) { nil } }
    end
    assert_raises(TypeError) { m.replace_all(:a, "b") }
    assert_raises(TypeError) { m.replace(12) { "b" } }
  end

  def test_to_str_objects_are_accepted
    path = Object.new
    def path.to_str = "a fox"
    m = matcher([path])
    assert_equal 1, m.count(path)
  end

  def test_close_is_idempotent_and_use_after_close_raises
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[a])
      e = m.scan("banana")
      e.next
      s = m.stream
      m.close
      m.close
      assert m.closed?
      assert_match(/closed/, m.inspect)
      # Created before close: still work (they keep the compiled patterns alive).
      assert_equal 3, e.next.start
      assert_equal 5, e.next.start
      assert_raises(StopIteration) { e.next } # the scan finished: its iterator is freed
      s.on { nil }
      assert_equal 3, (s.feed("aaa") + s.finish)
      s.close
      # Everything else raises ClosedError, never crashes.
      calls = {
        match?: -> { m.match?("a") }, find: -> { m.find("a") }, count: -> { m.count("a") },
        find_all: -> { m.find_all("a") }, scan: -> { m.scan("a") { nil } },
        each_match: -> { m.each_match("a") { nil } }, replace_all: -> { m.replace_all("a", "b") },
        replace: -> { m.replace("a") { "b" } }, stream: -> { m.stream },
        memory_usage: -> { m.memory_usage }, big_count: -> { m.count("a" * 100_000) }
      }
      calls.each do |name, call|
        err = assert_raises(Hayscan::ClosedError, name) { call.call }
        assert_equal :closed, err.code
      end
      assert_raises(Hayscan::ClosedError) { m.scan("a").to_a }
    end
  end

  def test_close_inside_a_block_lets_the_running_call_finish
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[a])
      n = m.scan("aaaa") do
        m.close
      end
      assert_equal 4, n
      assert m.closed?
    end
  end

  def test_close_inside_replace_block
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[a])
      out = m.replace("aaa") do
        m.close
        "b"
      end
      assert_equal "bbb", out
    end
  end

  def test_hundred_thousand_patterns_built_from_one_packed_string
    words = Array.new(100_000) { |i| "w#{i.to_s(36)}z" }
    m = nil
    assert_no_leaks do
      m = Hayscan::Matcher.new(words)
      assert_equal 100_000, m.pattern_count
      hay = "xx #{words[0]} #{words[99_999]} #{words[54_321]}"
      assert_equal [0, 99_999, 54_321], m.find_all(hay).map(&:pattern)
      m.close
    end
    regex = Hayscan::Matcher.regex(Array.new(1000) { |i| "id#{i}:[0-9]+" })
    assert_equal [999], regex.find_all("id999:12").map(&:pattern)
    regex.close
  end

  def test_version_and_library
    assert_equal Hayscan::VERSION, Hayscan.library_version
    assert File.exist?(Hayscan.library_path) || Hayscan.library_path == "hayscan"
    assert_equal Hayscan::ABI_VERSION, Hayscan::Native.hayscan_abi_version
  end
end
