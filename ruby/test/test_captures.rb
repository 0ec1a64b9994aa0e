# frozen_string_literal: true

# Regex options and capture groups: ascii_classes, Matcher#captures and Hayscan::Captures
# (read like MatchData), group_names, `captures: true` on scans and replace, and every way
# to ask for groups wrongly (literal matcher, forged or foreign match, closed matcher,
# wrong types), with character and byte offsets in multibyte and broken text.

require_relative "test_helper"

class TestCaptures < Minitest::Test
  KV = '(?P<key>[a-z]+)=(\d+)?;'

  def spans(caps)
    Array.new(caps.size) { |g| caps.byte_begin(g) && caps.byteoffset(g) }
  end

  def test_ascii_classes_option
    uni = matcher(['\w+'], syntax: :regex)
    ascii = matcher(['\w+'], syntax: :regex, ascii_classes: true)
    refute uni.ascii_classes?
    assert ascii.ascii_classes?
    assert_equal %w[héllo], uni.find_all("héllo").map(&:text)
    assert_equal %w[h llo], ascii.find_all("héllo").map(&:text)
    assert_match(/ascii_classes/, ascii.inspect)
    refute_match(/ascii_classes/, uni.inspect)
    assert_equal [[0, 5, 6]], tuples(matcher(['\d'], syntax: :regex, ascii_classes: true).find_all("٣٣x4")) # ٣ is 2 bytes
    assert_equal [[0, 6, 9]], tuples(matcher(['\bfoo\b'], syntax: :regex).find_all("éfoo foo"))
    assert_equal [[0, 2, 5], [0, 6, 9]],
                 tuples(matcher(['\bfoo\b'], syntax: :regex, ascii_classes: "yes").find_all("éfoo foo"))
    refute matcher(['\w'], syntax: :regex, ascii_classes: nil).ascii_classes?
    # Literal sets ignore it: "\w" is two bytes.
    assert_equal [[0, 1, 3]], tuples(matcher(['\w'], ascii_classes: true).find_all('a\w'))
    # Regex.new takes it too.
    r = Hayscan::Matcher.regex(['\s'], ascii_classes: true)
    (@to_close ||= []) << r
    assert_equal 0, r.count("\u00a0")
  end

  def test_captures_read_like_match_data
    m = matcher([KV], syntax: :regex)
    text = "ab=12; c=;"
    hits = m.find_all(text)
    caps = m.captures(text, hits[0])
    assert_kind_of Hayscan::Captures, caps
    assert_same hits[0], caps.match
    assert_equal 0, caps.pattern
    assert_equal 3, caps.size
    assert_equal 3, caps.length
    assert_equal "ab=12;", caps[0]
    assert_equal "ab", caps[1]
    assert_equal "ab", caps[:key]
    assert_equal "ab", caps["key"]
    assert_equal "12", caps[2]
    assert_equal "12", caps[-1]
    assert_equal "ab", caps[-2]
    assert_nil caps[3]
    assert_nil caps[-4]
    assert_equal %w[ab 12], caps[1..]
    assert_equal %w[ab=12; ab], caps[0, 2]
    assert_equal %w[ab=12; ab 12], caps.to_a
    assert_equal %w[ab 12], caps.captures
    assert_equal %w[key], caps.names
    assert_equal({ "key" => "ab" }, caps.named_captures)
    assert_equal({ key: "ab" }, caps.named_captures(symbolize_names: true))
    assert_equal ["12", "ab", nil], caps.values_at(2, :key, 5)
    assert_equal "ab=12;", caps.to_s
    assert_equal "", caps.pre_match
    assert_equal " c=;", caps.post_match
    assert_equal text, caps.string
    assert caps.string.frozen?
    assert caps[1].frozen?
    assert_equal [0, 6], caps.offset(0)
    assert_equal [3, 5], caps.offset(2)
    assert_equal 3, caps.begin(2)
    assert_equal 5, caps.end(2)
    assert_equal 0, caps.begin(:key)
    assert_equal 2, caps.end("key")
    assert_equal [0, 2], caps.byteoffset(:key)
    assert_equal 3, caps.byte_begin(2)
    assert_equal 5, caps.byte_end(2)
    assert_match(/pattern=0 "ab=12;" key:"ab" 2:"12"/, caps.inspect)

    # A group that took no part in the match.
    none = m.captures(text, hits[1])
    assert_equal ["c=;", "c", nil], none.to_a
    assert_nil none[2]
    assert_nil none.begin(2)
    assert_nil none.end(2)
    assert_nil none.byte_begin(2)
    assert_equal [nil, nil], none.offset(2)
    assert_equal [nil, nil], none.byteoffset(2)
    assert_equal "ab=12; ", none.pre_match
    assert_equal "", none.post_match
    assert_match(/2:nil/, none.inspect)

    # Pattern matching, as with MatchData.
    case caps
    in [key, value]
      assert_equal %w[ab 12], [key, value]
    end
    case caps
    in { key: }
      assert_equal "ab", key
    end

    # Value equality: the same groups of the same match.
    again = m.captures(text, m.find(text))
    assert_equal caps, again
    assert caps.eql?(again)
    assert_equal caps.hash, again.hash
    refute_equal caps, none
    refute_equal caps, caps.to_a
  end

  def test_unknown_groups_raise_index_error_like_match_data
    m = matcher([KV], syntax: :regex)
    caps = m.find("x=1;", captures: true)
    err = assert_raises(IndexError) { caps[:nope] }
    assert_match(/undefined group name reference: nope/, err.message)
    assert_raises(IndexError) { caps["2"] } # groups without a name have no name "2"
    assert_raises(IndexError) { caps.begin(3) }
    assert_raises(IndexError) { caps.end(-1) }
    assert_raises(IndexError) { caps.byte_begin(:nope) }
    assert_raises(IndexError) { caps.offset(99) }
    assert_raises(TypeError) { caps.begin(1.5) }
    assert_nil caps[99]
  end

  def test_group_names
    m = matcher(['(?P<key>\w+)=(\d+)', "plain", '(?<a>x)(?<b>y)?'], syntax: :regex)
    assert_equal [nil, "key", nil], m.group_names(0)
    assert_equal [nil], m.group_names(1)
    assert_equal [nil, "a", "b"], m.group_names(2)
    names = m.group_names(0)
    assert names.frozen?
    assert names[1].frozen?
    assert_equal Encoding::UTF_8, names[1].encoding
    assert_same names, m.group_names(0), "cached: the matcher never changes"
    assert_equal [nil, "ключ"], matcher(["(?P<ключ>.)"], syntax: :regex).group_names(0)

    assert_raises(Hayscan::InvalidArgumentError) { m.group_names(3) }
    assert_raises(Hayscan::InvalidArgumentError) { m.group_names(-1) }
    assert_raises(Hayscan::InvalidArgumentError) { m.group_names(1 << 40) }
    assert_raises(TypeError) { m.group_names("0") }
    assert_raises(TypeError) { m.group_names(nil) }
  end

  def test_literal_matchers_have_no_groups
    m = matcher(%w[ab cd])
    hit = m.find("xabx")
    err = assert_raises(Hayscan::UnsupportedError) { m.captures("xabx", hit) }
    assert_equal :unsupported, err.code
    assert_raises(Hayscan::UnsupportedError) { m.group_names(0) }
    # With captures: true, before any scanning: the answer does not depend on the text.
    [-> { m.scan("no match", captures: true) { nil } },
     -> { m.scan("xabx", captures: true).to_a },
     -> { m.each_match("", captures: true) { nil } },
     -> { m.find_all("no match", captures: true) },
     -> { m.find("no match", captures: true) },
     -> { m.replace("no match", captures: true) { "" } }].each_with_index do |call, i|
      assert_raises(Hayscan::UnsupportedError, "call #{i}") { call.call }
    end
    # captures: false (the default) is unaffected.
    assert_equal 1, m.find_all("xabx", captures: false).size
  end

  def test_a_match_that_is_not_from_this_text_is_refused
    m = matcher([KV, '(x)'], syntax: :regex)
    text = "ab=12; c=;"
    hit = m.find(text)
    forged = [
      Hayscan::Match.new(0, 1, 4, 1, 4, "b=1"),          # no `;`: not a match at all
      Hayscan::Match.new(0, 0, 6, 0, 6, "ab=12;"),       # right pattern, but the text is "AB=12;"
      Hayscan::Match.new(1, 0, 6, 0, 6, "ab=12;"),       # another pattern's span
      Hayscan::Match.new(7, 0, 6, 0, 6, "ab=12;"),       # no pattern 7
      Hayscan::Match.new(0, 0, 60, 0, 60, "?"),          # beyond the text
      Hayscan::Match.new(0, 5, 2, 5, 2, "?")             # end before start
    ]
    forged.each_with_index do |f, i|
      hay = i == 1 ? "AB=12; c=;" : text
      err = assert_raises(Hayscan::InvalidArgumentError, "forged #{i}") { m.captures(hay, f) }
      assert_equal :invalid_argument, err.code
      refute_empty err.message
    end
    assert_raises(Hayscan::InvalidArgumentError) { m.captures("nothing here", hit) }
    # Offsets no hayscan_match_t can hold are refused in Ruby, with the same error.
    [[-1, 0, 6], [0, -1, 6], [0, 0, 1 << 64], [1 << 32, 0, 6], ["0", 0, 6], [0, 0.0, 6]].each do |p, s, e|
      bad = Hayscan::Match.new(p, s, e, s, e, "x")
      assert_raises(Hayscan::InvalidArgumentError, [p, s, e].inspect) { m.captures(text, bad) }
    end
    # The right match in the same text — or in an equal String — works.
    assert_equal "ab", m.captures(text, hit)[:key]
    assert_equal "ab", m.captures(text.dup, hit)[:key]
  end

  def test_wrong_argument_types
    m = matcher([KV], syntax: :regex)
    hit = m.find("a=1;")
    assert_raises(TypeError) { m.captures(nil, hit) }
    assert_raises(TypeError) { m.captures(42, hit) }
    assert_raises(TypeError) { m.captures("a=1;", nil) }
    assert_raises(TypeError) { m.captures("a=1;", [0, 0, 4]) }
    assert_raises(TypeError) { m.captures("a=1;", { pattern: 0, byte_start: 0, byte_end: 4 }) }
    assert_raises(TypeError) { m.captures("a=1;", m.captures("a=1;", hit)) }
    assert_raises(ArgumentError) { m.captures("a=1;") }
    assert_raises(TypeError) { m.scan(nil, captures: true) { nil } }
    to_str = Object.new
    def to_str.to_str = "a=1;"
    assert_equal "a", m.captures(to_str, hit)[:key]
  end

  def test_closed_matcher
    assert_no_leaks do
      m = Hayscan::Matcher.regex([KV])
      text = "ab=12;"
      hit = m.find(text)
      caps = m.captures(text, hit)
      m.close
      calls = {
        captures: -> { m.captures(text, hit) }, group_names: -> { m.group_names(0) },
        scan: -> { m.scan(text, captures: true) { nil } }, find_all: -> { m.find_all(text, captures: true) },
        find: -> { m.find(text, captures: true) }, replace: -> { m.replace(text, captures: true) { "" } },
        each_match: -> { m.each_match(text, captures: true) { nil } },
        enumerator: -> { m.scan(text, captures: true).to_a }
      }
      calls.each do |name, call|
        err = assert_raises(Hayscan::ClosedError, name) { call.call }
        assert_equal :closed, err.code
      end
      # Groups read before close hold no native object: they stay readable.
      assert_equal "ab", caps[:key]
      assert_equal [3, 5], caps.offset(2)
    end
  end

  def test_close_inside_a_captures_scan_lets_it_finish
    assert_no_leaks do
      m = Hayscan::Matcher.regex(['(\d)'])
      seen = []
      n = m.scan("1 2 3", captures: true) do |caps|
        m.close
        seen << caps[1]
      end
      assert_equal 3, n
      assert_equal %w[1 2 3], seen
      assert m.closed?
    end
    assert_no_leaks do
      m = Hayscan::Matcher.regex(['(\d)'])
      out = m.replace("1 2 3", captures: true) do |caps|
        m.close
        "<#{caps[1]}>"
      end
      assert_equal "<1> <2> <3>", out
      assert_raises(Hayscan::ClosedError) { m.group_names(0) }
    end
  end

  def test_scans_with_captures
    m = matcher(['(?P<user>\w+)@(?P<host>[\w.]+)', 'id=(\d+)'], syntax: :regex)
    text = "mail bob@example.com id=42 and ann@test.org"
    plain = m.find_all(text)
    all = m.find_all(text, captures: true)
    assert(all.all?(Hayscan::Captures))
    assert_equal plain, all.map(&:match)
    assert_equal [%w[bob example.com], %w[42], %w[ann test.org]], all.map(&:captures)

    seen = []
    assert_equal 3, m.scan(text, captures: true) { |c| seen << c }
    assert_equal all, seen
    e = m.scan(text, captures: true)
    assert_kind_of Enumerator, e
    assert_equal 3, e.size
    assert_equal "bob", e.next[:user]
    assert_equal "42", e.next[1]
    assert_equal({ "user" => "ann", "host" => "test.org" }, e.next.named_captures)
    assert_raises(StopIteration) { e.next }
    assert_same m, m.each_match(text, captures: true) { nil }
    assert_equal %w[bob 42 ann], m.each_match(text, captures: true).map { |c| c[1] }
    assert_equal "example.com", m.find(text, captures: true)[:host]
    assert_nil m.find("nothing", captures: true)
    # Plain scans are unchanged: Match objects, no groups computed.
    assert(m.scan(text).all?(Hayscan::Match))

    out = m.replace(text, captures: true) { |c| c.pattern.zero? ? "#{c[:user]}@***" : "id=#{'*' * c[1].size}" }
    assert_equal "mail bob@*** id=** and ann@***", out
    assert_equal %w[bob 42 ann], m.replace(text, captures: true).map { |c| c[1] }
  end

  def test_every_block_exit_from_a_captures_scan_leaves_nothing_behind
    assert_no_leaks do
      m = Hayscan::Matcher.regex(['(\d+)'])
      text = (1..200).map(&:to_s).join(" ")
      assert_equal "1", m.scan(text, captures: true) { |c| break c[1] }
      assert_equal "7", catch(:found) { m.scan(text, captures: true) { |c| throw :found, c[1] if c[1] == "7" } }
      assert_raises(ZeroDivisionError) { m.scan(text, captures: true) { 1 / 0 } }
      assert_equal "x", m.replace(text, captures: true) { break "x" }
      assert_raises(KeyError) { m.replace(text, captures: true) { |c| {}.fetch(c[1]) } }
      # The matcher is not held by any of them: close frees it now.
      m.close
    end
  end

  def test_multibyte_offsets_are_characters_and_bytes
    m = matcher(['(?P<k>\w+)=(?P<v>[^;]+);'], syntax: :regex)
    text = "clé=été; 東京=😀🍰; x=y;"
    all = m.find_all(text, captures: true)
    assert_equal [%w[clé été], %w[東京 😀🍰], %w[x y]], all.map(&:captures)
    all.each do |caps|
      caps.size.times do |g|
        assert_equal text[caps.begin(g)...caps.end(g)], caps[g], "characters of group #{g}"
        assert_equal text.byteslice(caps.byte_begin(g), caps.byte_end(g) - caps.byte_begin(g)), caps[g]
        assert_equal text.byteslice(0, caps.byte_begin(g)).length, caps.begin(g)
      end
    end
    tokyo = all[1]
    assert_equal [9, 11], tokyo.offset(:k)
    assert_equal [12, 18], tokyo.byteoffset(:k)
    assert_equal [12, 14], tokyo.offset(:v)
    assert_equal [19, 27], tokyo.byteoffset(:v)
    assert_equal "clé=été; ", tokyo.pre_match
    assert_equal " x=y;", tokyo.post_match
    # Matcher#captures on a Match from find_all agrees with captures: true.
    assert_equal all, m.find_all(text).map { |x| m.captures(text, x) }
    # A binary copy of the text: offsets are bytes, texts binary.
    bin = m.find_all(text.b, captures: true)[1]
    assert_equal [12, 18], bin.offset(:k)
    assert_equal "東京".b, bin[:k]
    assert_equal Encoding::BINARY, bin[:k].encoding
  end

  def test_non_utf8_text
    m = matcher(['(?P<k>[a-z]+)=(\d+)'], syntax: :regex)
    broken = "\xFFkey=12\xFE é z=3".dup.force_encoding(Encoding::UTF_8)
    refute broken.valid_encoding?
    all = m.find_all(broken, captures: true)
    assert_equal [[[1, 7], [1, 4], [5, 7]], [[12, 15], [12, 13], [14, 15]]], all.map { |c| spans(c) }
    assert_equal %w[key 12], all[0].captures
    assert_equal Encoding::UTF_8, all[0][:k].encoding
    all.each do |caps|
      caps.size.times do |g|
        # Ruby's own count of the broken string: each invalid byte is one character.
        assert_equal broken.byteslice(0, caps.byte_begin(g)).length, caps.begin(g)
        assert_equal broken.byteslice(0, caps.byte_end(g)).length, caps.end(g)
      end
    end
    bin = "\xFFkey=12\x00z=3".b
    caps = m.find_all(bin, captures: true)
    assert_equal [%w[key 12], %w[z 3]], caps.map(&:captures)
    assert_equal [[1, 4], [8, 9]], caps.map { |c| c.offset(1) }
    latin1 = "\xE9t\xE9 k=9".dup.force_encoding(Encoding::ISO_8859_1)
    c = m.find(latin1, captures: true)
    assert_equal [4, 5], c.offset(:k)
    assert_equal Encoding::ISO_8859_1, c[:k].encoding
  end

  def test_a_pattern_with_more_groups_than_the_scratch_buffer
    n = Hayscan::Native::Scratch::SPANS + 8
    m = matcher(["#{'(.)' * n}(?P<last>!)?"], syntax: :regex)
    text = "#{'x' * n}!"
    caps = m.find(text, captures: true)
    assert_equal n + 2, caps.size
    assert_equal ["x"] * n + ["!"], caps.captures
    assert_equal "!", caps[:last]
    assert_equal [n, n + 1], caps.byteoffset(n + 1)
    assert_equal n + 2, m.group_names(0).size
    assert_equal "last", m.group_names(0).last
  end

  def test_captures_of_a_large_haystack_and_from_threads
    m = matcher(['key_(?P<id>\d{4})'], syntax: :regex)
    text = "#{'filler ' * 20_000}key_1234 #{'más ' * 20_000}key_9876"
    want = [["1234", 140_000], ["9876", 140_000 + 9 + 80_000]] # characters: "más " is 4
    got = m.find_all(text, captures: true).map { |c| [c[:id], c.begin(:id) - 4] }
    assert_equal want, got
    threads = Array.new(4) do
      Thread.new { Array.new(5) { m.find_all(text, captures: true).map { |c| [c[:id], c.begin(:id) - 4] } } }
    end
    threads.each { |t| t.value.each { |r| assert_equal want, r } }
  end

  def test_no_leaks_and_gc_stress
    assert_no_leaks do
      m = Hayscan::Matcher.regex(['(?P<a>\w)(\d)?'])
      text = "a1 b c3 " * 2
      GC.stress = true
      begin
        caps = m.find_all(text, captures: true)
        again = m.scan(text).map { |x| m.captures(text, x) }
      ensure
        GC.stress = false
      end
      assert_equal caps, again
      assert_equal 6, caps.size
      m.close
    end
  end
end
