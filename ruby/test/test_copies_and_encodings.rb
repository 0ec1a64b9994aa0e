# frozen_string_literal: true

require_relative "test_helper"

# Issue 15 items 10, 11 and 17: copies of native-backed objects, haystacks in encodings
# that are not ASCII-compatible, and what `find` returns on overlapping sets.
class TestCopiesAndEncodings < Minitest::Test
  # --- item 10: dup / clone -------------------------------------------------------------

  def test_matcher_dup_and_clone_are_refused_open_and_closed
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[hay])
      [false, true].each do |closed|
        m.close if closed
        %i[dup clone].each do |copy|
          err = assert_raises(TypeError, "#{copy} of a #{closed ? 'closed' : 'open'} matcher") { m.public_send(copy) }
          assert_match(/can't copy Hayscan::Matcher/, err.message)
        end
      end
      assert m.closed?
      assert_raises(Hayscan::ClosedError) { m.count("hay") }
    end
  end

  def test_the_original_matcher_keeps_working_after_a_refused_copy
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[hay])
      assert_raises(TypeError) { m.dup }
      assert_raises(TypeError) { m.clone(freeze: true) }
      GC.start
      assert_equal 2, m.count("hay hay")
      m.close
    end
  end

  def test_stream_dup_and_clone_are_refused_open_and_closed
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[hay])
      s = m.stream
      seen = []
      s.on { |x| seen << x.byte_start }
      [false, true].each do |closed|
        s.close if closed
        %i[dup clone].each do |copy|
          err = assert_raises(TypeError, "#{copy} of a #{closed ? 'closed' : 'open'} stream") { s.public_send(copy) }
          assert_match(/can't copy Hayscan::Stream/, err.message)
        end
        next if closed

        s << "hay "
        s.finish
        assert_equal [0], seen
      end
      assert_raises(Hayscan::ClosedError) { s.feed("hay") }
      m.close
    end
  end

  # --- item 11: haystacks in encodings that are not ASCII-compatible --------------------

  WIDE = %w[UTF-16LE UTF-16BE UTF-32LE UTF-32BE UTF-16 UTF-32].freeze

  def each_wide_haystack
    WIDE.each do |name|
      enc = Encoding.find(name)
      text = name.start_with?("UTF-16", "UTF-32") && enc.dummy? ? "\uFEFFhay".encode(enc) : "hay".encode(enc)
      # What Ruby's own Regexp does with such a string:
      assert_raises(Encoding::CompatibilityError) { /hay/ =~ text }
      yield text
    end
  end

  def test_every_haystack_method_refuses_wide_encodings
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[hay])
      hit = m.find("hay")
      calls = {
        match?: ->(t) { m.match?(t) },
        find: ->(t) { m.find(t) },
        count: ->(t) { m.count(t) },
        find_all: ->(t) { m.find_all(t) },
        scan_block: ->(t) { m.scan(t) { nil } },
        scan_enum: ->(t) { m.scan(t) },
        each_match: ->(t) { m.each_match(t) { nil } },
        each_match_enum: ->(t) { m.each_match(t) },
        replace_all: ->(t) { m.replace_all(t, "x") },
        replace_block: ->(t) { m.replace(t) { "x" } },
        replace_enum: ->(t) { m.replace(t) },
        captures: ->(t) { m.captures(t, hit) }
      }
      each_wide_haystack do |text|
        calls.each do |name, call|
          err = assert_raises(Encoding::CompatibilityError, "#{name} on #{text.encoding}") { call.(text) }
          assert_includes err.message, text.encoding.to_s
        end
        s = m.stream
        s.on { nil }
        assert_raises(Encoding::CompatibilityError) { s.feed(text) }
        assert_raises(Encoding::CompatibilityError) { s << text }
        assert_equal 0, s.position, "a refused chunk is not part of the input"
        refute s.finished?
        assert_equal 1, s.feed("hay ") + s.finish
        s.close
      end
      # Empty wide strings too, as Regexp does.
      assert_raises(Encoding::CompatibilityError) { m.count("".encode("UTF-16LE")) }
      m.close
    end
  end

  def test_binary_and_ascii_compatible_encodings_keep_working
    m = matcher(["hay", "h\u00e9".encode("ISO-8859-1").b])
    assert_equal 1, m.count("hay".b)
    assert_equal 1, m.count("hay".encode("US-ASCII"))
    assert_equal 1, m.count("hay".encode("Windows-1252"))
    assert_equal 1, m.count("h\u00e9".encode("ISO-8859-1"))
    wide = matcher(["h\0a\0".b])
    assert_equal 1, wide.count("hay".encode("UTF-16LE").b), "the raw bytes of a wide string are binary text"
    assert_equal 1, m.count("hay".encode("UTF-16LE").encode("UTF-8"))
  end

  # --- item 17: find on overlapping sets ------------------------------------------------

  def test_overlapping_find_returns_the_match_that_ends_first
    m = matcher(%w[abcd b], match_kind: :overlapping)
    hit = m.find("abcd")
    assert_equal [1, 1, 2], [hit.pattern, hit.byte_start, hit.byte_end], "not the leftmost (abcd)"
    assert_equal m.find_all("abcd").first, hit
  end

  def test_overlapping_find_on_a_tie_of_end_offsets
    # Ending at the same offset: the longer (leftmost-starting) match is reported first,
    # whatever the pattern ids; for the same span, the lowest pattern id.
    assert_equal 1, matcher(%w[bc abc], match_kind: :overlapping).find("abc").pattern
    assert_equal 0, matcher(%w[abc bc], match_kind: :overlapping).find("abc").pattern
    assert_equal 1, matcher(%w[c abc bc], match_kind: :overlapping).find("abc").pattern
    assert_equal 0, matcher(%w[ab ab], match_kind: :overlapping).find("ab").pattern
    %w[bc abc].permutation.each do |ps|
      m = matcher(ps, match_kind: :overlapping)
      assert_equal m.find_all("abc").first, m.find("abc")
    end
  end
end
