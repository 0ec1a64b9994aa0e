# frozen_string_literal: true

# Stream: handlers, pattern filters, ids, feeding, finishing, release counting, offsets
# across chunks, and chunk invariance against whole-string scans.

require_relative "test_helper"

class TestStream < Minitest::Test
  def setup
    @m = matcher(%w[needle hay stack])
  end

  def test_on_feed_finish
    assert_no_leaks do
      s = @m.stream
      seen = []
      id = s.on { |x| seen << x }
      assert_kind_of Integer, id
      assert_operator id, :>, 0
      delivered = s.feed("a hay") + s.feed("stack with a nee") + s.feed("dle") + s.finish
      assert_equal 3, delivered
      assert_equal [[1, 2, 5], [2, 5, 10], [0, 18, 24]], tuples(seen)
      assert_equal %w[hay stack needle], seen.map(&:text)
      assert s.finished?
      assert_equal 24, s.position
      s.close
    end
  end

  def test_shovel_returns_the_stream
    assert_no_leaks do
      s = @m.stream
      n = 0
      s.on { n += 1 }
      assert_same s, (s << "hay" << "stack hay")
      s.finish
      assert_equal 3, n
      s.close
    end
  end

  def test_pattern_filters_and_registration_order
    assert_no_leaks do
      s = @m.stream
      log = []
      s.on(patterns: [0]) { |x| log << [:needles, x.text] }
      s.on(patterns: 1) { |x| log << [:hay, x.text] }
      s.on { |x| log << [:all, x.text] }
      s.on(patterns: [0, 2, 2]) { |x| log << [:needle_or_stack, x.text] }
      s << "hay needle stack"
      s.finish
      assert_equal [[:hay, "hay"], [:all, "hay"],
                    [:needles, "needle"], [:all, "needle"], [:needle_or_stack, "needle"],
                    [:all, "stack"], [:needle_or_stack, "stack"]], log
      s.close
    end
  end

  def test_invalid_registrations
    assert_no_leaks do
      s = @m.stream
      assert_raises(ArgumentError) { s.on }
      assert_raises(Hayscan::InvalidArgumentError) { s.on(patterns: [3]) { nil } }
      assert_raises(Hayscan::InvalidArgumentError) { s.on(patterns: [-1]) { nil } }
      assert_raises(TypeError) { s.on(patterns: ["hay"]) { nil } }
      # Also from inside a handler, where the C ABI does not check (see docs/ruby.md).
      errors = []
      s.on do
        s.on(patterns: [99]) { nil }
      rescue Hayscan::InvalidArgumentError => e
        errors << e
      end
      s << "hay and more"
      s.finish
      assert_equal 1, errors.size
      assert_equal 1, s.handler_count
      s.close
    end
  end

  def test_off
    assert_no_leaks do
      s = @m.stream
      a = []
      b = []
      ida = s.on { |x| a << x.text }
      idb = s.on { |x| b << x.text }
      refute_equal ida, idb
      s << "hay hay       " # both certain: 6 more bytes (the longest pattern) arrived
      s.off(ida)
      s << "stack      "
      s.finish
      assert_equal %w[hay hay], a
      assert_equal %w[hay hay stack], b
      assert_raises(Hayscan::InvalidArgumentError) { s.off(ida) }
      assert_raises(Hayscan::InvalidArgumentError) { s.off(12_345) }
      assert_raises(Hayscan::InvalidArgumentError) { s.off(-1) }
      assert_raises(TypeError) { s.off("1") }
      s.off(idb)
      assert_equal 0, s.handler_count
      s.close
    end
  end

  # A stream makes one native registration (the collector every handler is served from,
  # see Hayscan::Callbacks), at its first #on; hayscan_stream_free releases it.
  def test_handler_release_counting
    base = Hayscan.live_handlers
    assert_no_leaks do
      s = @m.stream
      assert_equal base, Hayscan.live_handlers, "no registration before the first handler"
      ids = Array.new(5) { s.on { nil } }
      assert_equal [base + 1, 5], [Hayscan.live_handlers, s.handler_count]
      s.off(ids[0])
      assert_equal [base + 1, 4], [Hayscan.live_handlers, s.handler_count]
      s.on(patterns: [0]) do |_|
        s.off(ids[1])
        nil
      end
      s << "needle and more"
      assert_equal [base + 1, 4], [Hayscan.live_handlers, s.handler_count], "a handler removed from a handler"
      s.close
      assert_equal [base, 0], [Hayscan.live_handlers, s.handler_count], "close releases the registration"
      s.close
      assert_equal base, Hayscan.live_handlers
      @m.stream.close # a stream without handlers registers nothing
      assert_equal base, Hayscan.live_handlers
    end
    assert_equal 0, Hayscan::Callbacks::Registrations.unknown_releases
  end

  def test_a_handler_removing_itself_is_not_called_again
    assert_no_leaks do
      s = @m.stream
      calls = 0
      id = s.on do
        calls += 1
        s.off(id)
      end
      hay = "hay hay hay  "
      assert_equal @m.count(hay), s.feed(hay) + s.finish, "every match counts, with or without handlers"
      assert_equal [1, 0], [calls, s.handler_count]
      assert_raises(Hayscan::InvalidArgumentError) { s.off(id) }
      s.close
    end
  end

  def test_finish_twice_and_feed_after_finish
    assert_no_leaks do
      s = @m.stream
      s.finish
      err = assert_raises(Hayscan::StreamFinishedError) { s.finish }
      assert_equal :stream_finished, err.code
      assert_raises(Hayscan::StreamFinishedError) { s.feed("hay") }
      assert_equal 0, s.position, "a refused chunk is not counted"
      s.close
    end
  end

  def test_use_after_close
    assert_no_leaks do
      s = @m.stream
      id = s.on { nil }
      s.close
      s.close
      assert s.closed?
      assert_raises(Hayscan::ClosedError) { s.feed("x") }
      assert_raises(Hayscan::ClosedError) { s << "x" }
      assert_raises(Hayscan::ClosedError) { s.finish }
      assert_raises(Hayscan::ClosedError) { s.on { nil } }
      assert_raises(Hayscan::ClosedError) { s.off(id) }
      assert_match(/closed/, s.inspect)
    end
  end

  def test_block_form_finishes_and_closes
    assert_no_leaks do
      seen = []
      kept = nil
      value = @m.stream do |s|
        kept = s
        s.on { |x| seen << x.text }
        s << "hay"
        :done
      end
      assert_equal :done, value
      assert_equal %w[hay], seen, "finish delivered the pending match"
      assert kept.closed?
      assert_raises(ZeroDivisionError) { @m.stream { |s| kept = s; 1 / 0 } }
      assert kept.closed?
    end
  end

  def test_feed_needs_a_string
    assert_no_leaks do
      s = @m.stream
      assert_raises(TypeError) { s.feed(nil) }
      assert_raises(TypeError) { s.feed(12) }
      s.close
    end
  end

  def test_empty_chunks_and_binary_chunks
    assert_no_leaks do
      m = Hayscan::Matcher.new(["\0\x01".b])
      s = m.stream
      got = []
      s.on { |x| got << x }
      ["", "\0".b, "", "\x01\x02\0".b, "\x01".b, ""].each { |c| s << c }
      s.finish
      assert_equal [[0, 0, 2], [0, 3, 5]], tuples(got)
      assert_equal ["\0\x01".b] * 2, got.map(&:text)
      assert_equal [0, 3], got.map(&:start)
      s.close
      m.close
    end
  end

  def test_character_offsets_across_chunks_split_inside_characters
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[été 東京], case_insensitive: true)
      hay = "Un ÉTÉ à 東京, un été"
      whole = m.find_all(hay)
      s = m.stream
      got = []
      s.on { |x| got << x }
      hay.b.each_char.each_slice(2) { |c| s << c.join.force_encoding(Encoding::UTF_8) }
      s.finish
      assert_equal whole, got
      got.each { |x| assert_equal hay[x.range], x.text }
      s.close
      m.close
    end
  end

  def test_regex_stream_is_line_by_line
    assert_no_leaks do
      m = Hayscan::Matcher.regex(['^ERROR .*$', 'AKIA[0-9A-Z]{16}'])
      s = m.stream
      got = []
      s.on { |x| got << x.text }
      "INFO ok\nERROR disk full\nkey AKIAIOSFODNN7EXAMPLE\nERROR net".each_char { |c| s << c }
      s.finish
      assert_equal ["ERROR disk full", "AKIAIOSFODNN7EXAMPLE", "ERROR net"], got
      s.close
      m.close
    end
  end

  def test_regex_stream_with_small_max_line_len
    assert_no_leaks do
      m = Hayscan::Matcher.regex(%w[abc], max_line_len: 4)
      s = m.stream
      got = []
      s.on { |x| got << [x.byte_start, x.text] }
      s << "xxabcx\nab" << "c"
      s.finish
      assert_equal [[7, "abc"]], got
      s.close
      m.close
    end
  end

  # Chunk invariance as seen from Ruby: random splits give the matches of one whole
  # scan, with the same texts and character offsets.
  def test_random_splits_match_whole_scans
    rng = Random.new(20_240_601)
    words = %w[he she his hers é été été! 東 東京 a ab abc]
    kinds = %i[leftmost_first leftmost_longest overlapping]
    assert_no_leaks do
      kinds.each do |kind|
        [false, true].each do |ci|
          m = Hayscan::Matcher.new(words, match_kind: kind, case_insensitive: ci)
          20.times do
            hay = Array.new(rng.rand(1..40)) { words.sample(random: rng) }.join(["", " ", "x"].sample(random: rng))
            hay = hay.upcase if ci && rng.rand < 0.5
            whole = m.find_all(hay)
            s = m.stream
            got = []
            s.on { |x| got << x }
            bytes = hay.b
            at = 0
            while at < bytes.bytesize
              n = rng.rand(0..7)
              s << bytes.byteslice(at, n).force_encoding(Encoding::UTF_8)
              at += n
            end
            s.finish
            s.close
            assert_equal whole, got, "#{kind} ci=#{ci} #{hay.inspect}"
          end
          m.close
        end
      end
    end
  end

  def test_refused_chunks_leave_no_trace_in_offsets_and_texts
    assert_no_leaks do
      hay = "hay stack needle haystack needles hay"
      whole = @m.find_all(hay)
      s = @m.stream
      got = []
      busy = 0
      s.on do |x|
        got << x
        begin
          s.feed("needle") # refused (BusyError): must not count as input
        rescue Hayscan::BusyError
          busy += 1
        end
      end
      hay.scan(/.{1,3}/m) { |c| s << c } # small chunks share one retained buffer
      s.finish
      assert_equal whole, got
      assert_equal whole.size, busy
      assert_equal hay.bytesize, s.position
      s.close
    end
  end

  def test_mixed_chunk_sizes_and_encodings
    assert_no_leaks do
      m = Hayscan::Matcher.new(%w[été needle], case_insensitive: true)
      hay = "#{'x' * 5000}ÉTÉ#{'y' * 3}needle été#{'z' * 10_000}NEEDLE"
      whole = m.find_all(hay)
      rng = Random.new(3)
      s = m.stream
      got = []
      s.on { |x| got << x }
      bytes = hay.b
      at = 0
      while at < bytes.bytesize
        n = [1, 2, 7, 4096, 6000].sample(random: rng)
        chunk = bytes.byteslice(at, n)
        chunk.force_encoding(Encoding::UTF_8) if rng.rand < 0.7 # binary and UTF-8 chunks mixed
        s << chunk
        at += n
      end
      s.finish
      assert_equal tuples(whole), tuples(got)
      assert_equal whole.map { |x| x.text.b }, got.map { |x| x.text.b }
      s.close
      m.close
    end
  end

  def test_large_chunks_are_not_retained
    assert_no_leaks do
      s = @m.stream
      hits = 0
      s.on { hits += 1 }
      big = "#{'x' * 1_000_000}needle"
      10.times { s << big }
      s.finish
      assert_equal 10, hits
      window = s.instance_variable_get(:@window).instance_variable_get(:@segments)
      assert_operator window.size, :<=, 2, "only the chunks a match can still reach are kept"
      s.close
    end
  end
end
