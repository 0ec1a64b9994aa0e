# frozen_string_literal: true

# Strings at the boundary: binary with NUL bytes, UTF-8, invalid UTF-8, other encodings,
# passing without copies, and Strings changed while Rust reads them.

require_relative "test_helper"

class TestStrings < Minitest::Test
  def test_binary_haystack_and_patterns_with_nul
    m = matcher(["\0\x01".b, "a\0b".b])
    hay = "\0\0\x01\x02a\0b\xFF".b
    hits = m.find_all(hay)
    assert_equal [[0, 1, 3], [1, 4, 7]], tuples(hits)
    assert_equal [[1, 3], [4, 7]], hits.map { |x| [x.start, x.end] }, "binary: characters are bytes"
    assert_equal ["\0\x01".b, "a\0b".b], hits.map(&:text)
    assert(hits.all? { |x| x.text.encoding == Encoding::BINARY })
    assert_equal "\0<1>\x02<2>\xFF".b, m.replace(hay) { |x| "<#{x.pattern + 1}>" }
    assert_equal "\0-\x02-\xFF".b, m.replace_all(hay, "-")
  end

  def test_utf8_haystack_with_ascii_and_multibyte_patterns
    m = matcher(%w[naïve café 🍰 x])
    hay = "x naïve café 🍰 x"
    hits = m.find_all(hay)
    assert_equal %w[x naïve café 🍰 x], hits.map(&:text)
    hits.each do |x|
      assert_equal hay[x.range], x.text
      assert_equal hay.byteslice(x.byte_range), x.text
    end
    assert_equal [0, 2, 8, 13, 15], hits.map(&:start)
    assert_equal [0, 2, 9, 15, 20], hits.map(&:byte_start)
  end

  def test_invalid_utf8_never_crashes
    hay = "ok \xFF\xFE caf\xC3 café ok \xE2\x82".dup.force_encoding(Encoding::UTF_8)
    refute hay.valid_encoding?
    m = matcher(["ok", "café", "\xFF".b])
    hits = m.find_all(hay)
    assert_equal [[0, 0, 2], [2, 3, 4], [1, 11, 16], [0, 17, 19]], tuples(hits)
    hits.each do |x|
      assert_equal hay.byteslice(x.byte_range).b, x.text.b
      assert_equal hay.byteslice(0, x.byte_start).length, x.start
    end
    assert_equal 4, m.count(hay)
    assert m.match?(hay)
    assert_equal "OK \xFF\xFE caf\xC3 CAFÉ OK \xE2\x82".b, m.replace(hay) { |x| x.pattern == 2 ? x.text : x.text.upcase }.b
    assert_equal "- \xFE caf\xC3 - - \xE2\x82".b, m.replace_all(hay, ["-", "-", ""]).b

    r = Hayscan::Matcher.regex(['\w+'])
    assert_equal %w[ok caf café ok], r.find_all(hay).map { |x| x.text.b.force_encoding(Encoding::UTF_8) }
    r.close
    got = []
    m.stream do |s|
      s.on { |x| got << x }
      hay.b.each_char { |c| s << c.force_encoding(Encoding::UTF_8) }
    end
    assert_equal tuples(hits), tuples(got)
  end

  def test_other_encodings
    latin1 = "caf\xE9 ol\xE9".dup.force_encoding(Encoding::ISO_8859_1)
    m = matcher(["caf\xE9".dup.force_encoding(Encoding::ISO_8859_1), "ol\xE9".b])
    hits = m.find_all(latin1)
    assert_equal [[0, 0, 4], [1, 5, 8]], tuples(hits)
    assert_equal [0, 5], hits.map(&:start), "single-byte encoding: characters are bytes"
    assert_equal Encoding::ISO_8859_1, hits[0].text.encoding
    utf8 = matcher(["café"])
    assert_equal 0, utf8.count(latin1), "patterns are bytes: UTF-8 é is not Latin-1 é"

    utf16 = "ab".encode(Encoding::UTF_16LE)
    a = matcher(["a"])
    # Not ASCII-compatible: refused as Regexp refuses it (issue 15 item 11); its raw bytes
    # can still be scanned as binary text.
    assert_raises(Encoding::CompatibilityError) { a.find(utf16) }
    hit = a.find(utf16.b)
    assert_equal [0, 1], [hit.byte_start, hit.byte_end]
  end

  def test_a_match_inside_a_character_does_not_shift_later_offsets
    hay = "é a é a"
    m = matcher(["\xA9".b, "a"])
    hits = m.find_all(hay)
    assert_equal [[0, 1, 2], [1, 3, 4], [0, 6, 7], [1, 8, 9]], tuples(hits)
    hits.select { |x| x.pattern == 1 }.each do |x|
      assert_equal hay.byteslice(0, x.byte_start).length, x.start
      assert_equal "a", hay[x.start]
    end
  end

  def test_mixed_encodings_in_one_pattern_list
    m = matcher(["é", "\xE9".b, "plain"])
    assert_equal [[0, 0, 2], [2, 3, 8], [1, 9, 10]], tuples(m.find_all("é plain \xE9".b))
  end

  def test_empty_strings
    m = matcher([""])
    assert_equal [[0, 0, 0]], tuples(m.find_all(""))
    assert_equal "-", m.replace("") { "-" }
    assert_equal "", matcher(["a"]).replace_all("", "b")
  end

  def test_large_strings_are_passed_without_copy
    big = "#{'haystack ' * 1_200_000}needle" # 10.8 MB
    m = matcher(%w[needle])
    e = m.scan(big)
    GC.start
    GC.disable
    begin
      before = GC.stat(:malloc_increase_bytes)
      assert m.match?(big)
      assert_equal 1, m.count(big)
      assert_equal 1, m.find_all(big).size
      assert_equal 1, m.scan(big) { nil }
      assert_equal "needle", m.find(big).text
      assert_equal "needle", e.first.text
      grew = GC.stat(:malloc_increase_bytes) - before
      assert_operator grew, :<, big.bytesize / 10, "the haystack was copied (#{grew} bytes allocated)"
      # The measurement does see a copy:
      FFI::MemoryPointer.from_string(big)
      assert_operator GC.stat(:malloc_increase_bytes) - before, :>, big.bytesize
    ensure
      GC.enable
    end
  end

  def test_frozen_and_unfrozen_strings
    m = matcher(%w[a])
    frozen = "banana"
    assert frozen.frozen?
    assert_equal 3, m.scan(frozen) { nil }
    mutable = +"banana"
    seen = []
    m.scan(mutable) do |x|
      seen << x.byte_start
      mutable.upcase! # changes the caller's String; the scan reads what was passed
    end
    assert_equal [1, 3, 5], seen
    assert_equal "BANANA", mutable
    text = +"a a a"
    hit = m.find(text)
    text.replace("zzzzz")
    assert_equal "a", hit.text, "a Match keeps what was scanned, like MatchData"
  end

  def test_chunk_changed_by_a_handler
    m = matcher(%w[needle])
    chunk = +"a needle here and more text"
    got = []
    m.stream do |s|
      s.on do |x|
        got << x.text
        chunk.replace("x" * 1000)
      end
      s << chunk
    end
    assert_equal %w[needle], got
  end
end
