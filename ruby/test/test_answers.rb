# frozen_string_literal: true

# Answers without a Match per match (count_by_pattern, matching_patterns,
# first_match_per_pattern, find_all_columns), the calls over many inputs (match_many?,
# count_many, find_many) and the options of issues 14/15 (whole_words, max_repetition,
# max_regex_states).

require_relative "test_helper"

class TestAnswers < Minitest::Test
  TEXT = "Ünïcode fox, then dog; the fox — again a fox and a cat"

  def setup
    @live = [Hayscan.live_objects, Hayscan.live_handlers]
  end

  def teardown
    super
    assert_equal @live, [Hayscan.live_objects, Hayscan.live_handlers], "native objects or handlers leaked"
  end

  def animals(**opts)
    matcher(%w[fox dog cat owl], **opts)
  end

  # ---- per-pattern answers ---------------------------------------------------------

  def test_count_by_pattern_counts_each_pattern_in_the_matchers_kind
    m = animals
    assert_equal [3, 1, 1, 0], m.count_by_pattern(TEXT)
    assert_equal m.count(TEXT), m.count_by_pattern(TEXT).sum
    assert_equal [0, 0, 0, 0], m.count_by_pattern("")
    o = matcher(%w[aa a], match_kind: :overlapping)
    assert_equal [2, 3], o.count_by_pattern("aaa")
    lf = matcher(%w[aa a])
    assert_equal [1, 1], lf.count_by_pattern("aaa")
  end

  def test_matching_patterns_are_sorted_and_distinct
    m = animals
    assert_equal [0, 1, 2], m.matching_patterns(TEXT)
    assert_equal [2, 0], [m.matching_patterns("cat")[0], m.matching_patterns("fox fox")[0]]
    assert_equal [], m.matching_patterns("nothing here")
    r = matcher(['\d+', '[a-z]+'], syntax: :regex)
    assert_equal [0, 1], r.matching_patterns("abc 12 de")
  end

  def test_first_match_per_pattern_gives_matches_in_characters_or_nil
    m = animals
    firsts = m.first_match_per_pattern(TEXT)
    assert_equal 4, firsts.size
    assert_nil firsts[3]
    all = m.find_all(TEXT)
    assert_equal [0, 1, 2].map { |p| all.find { |x| x.pattern == p } }, firsts[0, 3]
    fox = firsts[0]
    assert_equal "fox", TEXT[fox.start...fox.end]
    assert_operator fox.byte_start, :>, fox.start # after two two-byte characters
    # Binary text: offsets are bytes.
    bin = m.first_match_per_pattern(TEXT.b)
    assert_equal [fox.byte_start, fox.byte_end], [bin[0].start, bin[0].end]
    assert_equal Encoding::BINARY, bin[0].text.encoding
    assert_equal [nil, nil, nil, nil], m.first_match_per_pattern("")
  end

  def test_answers_keep_what_they_saw_when_the_caller_changes_the_string
    m = animals
    text = +"a fox and a dog"
    firsts = m.first_match_per_pattern(text)
    many = m.find_many([text])
    text.replace("x" * text.size)
    assert_equal "fox", firsts[0].text
    assert_equal %w[fox dog], many[0].map(&:text)
  end

  def test_a_matcher_without_patterns_answers_empty
    m = matcher([])
    assert_equal [], m.count_by_pattern("abc")
    assert_equal [], m.matching_patterns("abc")
    assert_equal [], m.first_match_per_pattern("abc")
    assert_equal [[], [], []], m.find_all_columns("abc")
    assert_equal [false, false], m.match_many?(%w[a b])
  end

  # ---- columnar find_all -----------------------------------------------------------

  def test_find_all_columns_is_find_all_without_match_objects
    m = animals
    all = m.find_all(TEXT)
    patterns, starts, ends = m.find_all_columns(TEXT)
    assert_equal all.map(&:pattern), patterns
    assert_equal all.map(&:start), starts
    assert_equal all.map(&:end), ends
    starts.zip(ends, patterns).each { |s, e, p| assert_equal %w[fox dog cat owl][p], TEXT[s...e] }
    assert_equal [all.map(&:pattern), all.map(&:byte_start), all.map(&:byte_end)],
                 m.find_all_columns(TEXT, bytes: true)
    assert_equal [all.map(&:pattern), all.map(&:byte_start), all.map(&:byte_end)],
                 m.find_all_columns(TEXT.b)
    assert_equal [[], [], []], m.find_all_columns("")
  end

  def test_find_all_columns_over_many_batches_and_overlapping_matches
    o = matcher(%w[é éé], match_kind: :overlapping)
    text = "é" * 5000 # > one batch of matches, multibyte, starts going back
    all = o.find_all(text)
    assert_operator all.size, :>, Hayscan::Matcher::MAX_BATCH
    assert_equal [all.map(&:pattern), all.map(&:start), all.map(&:end)], o.find_all_columns(text)
    big = "fox é #{'dog ' * 40_000}" # > NOGVL_BYTES
    m = animals
    all = m.find_all(big)
    assert_equal [all.map(&:pattern), all.map(&:start), all.map(&:end)], m.find_all_columns(big)
  end

  def test_character_offsets_of_long_texts_sparse_and_dense_in_non_ascii
    patterns = ["fox", "é", "\xA9".b, "\x82\xAC".b, "€ x"] # two match inside a character
    m = matcher(patterns)
    sparse = (+"").tap { |t| 400.times { |i| t << "fox #{(i % 10).zero? ? 'é €x € x' : 'plain x'} dog and more words " } }
    dense = "Лиса fox é € x " * 500
    [sparse, dense].each do |text|
      assert_operator text.bytesize, :>, Hayscan::Offsets::CharIndex::MIN_BYTES
      all = m.find_all(text)
      assert_operator all.size, :>, 500
      want_starts = all.map { |x| text.byteslice(0, x.byte_start).length }
      want_ends = all.map { |x| text.byteslice(0, x.byte_end).length }
      assert_equal want_starts, all.map(&:start)
      assert_equal want_ends, all.map(&:end)
      assert_equal [all.map(&:pattern), want_starts, want_ends], m.find_all_columns(text)
      assert_equal [all], m.find_many([text])
      assert_equal patterns.each_index.map { |p| all.find { |x| x.pattern == p } }, m.first_match_per_pattern(text)
    end
    assert Hayscan::Offsets::CharIndex.for(sparse.dup.freeze)
    refute Hayscan::Offsets::CharIndex.for(dense.dup.freeze)
  end

  # ---- many inputs -----------------------------------------------------------------

  def test_many_forms_answer_per_input
    m = animals
    inputs = [TEXT, "", "no pets", "cat".b, "le chat é dog".encode("ISO-8859-1"), "\xFF\xFEowl".b]
    assert_equal [true, false, false, true, true, true], m.match_many?(inputs)
    assert_equal [5, 0, 0, 1, 1, 1], m.count_many(inputs)
    assert_equal [true, true], m.match_many?(["\xFFfox".b, "é fox"]) # bytes of mixed encodings
    found = m.find_many(inputs)
    assert_equal inputs.map { |t| m.find_all(t) }, found
    assert_equal "dog", found[4][0].text
    assert_equal Encoding::ISO_8859_1, found[4][0].text.encoding
    assert_equal 10, found[4][0].start # ISO-8859-1: one byte per character
  end

  def test_empty_input_lists
    m = animals
    assert_equal [], m.match_many?([])
    assert_equal [], m.count_many([])
    assert_equal [], m.find_many([])
  end

  def test_find_many_over_several_batches_and_large_inputs
    m = animals
    dense = "fox dog " * 3000 # 6,000 matches: the batch grows across calls
    big = "é cat #{'x' * 70_000} owl" # over NOGVL_BYTES in total: no GVL
    inputs = [dense, "", big, dense, "x"]
    found = m.find_many(inputs)
    assert_equal inputs.map { |t| m.find_all(t) }, found
    assert_equal [6000, 0, 2, 6000, 0], m.count_many(inputs)
    assert_equal [true, false, true, true, false], m.match_many?(inputs)
    assert_equal 2, found[2][0].start # characters
    assert_equal 3, found[2][0].byte_start
  end

  def test_many_forms_accept_an_object_that_converts_to_an_array
    m = animals
    list = Object.new
    def list.to_ary = ["a fox", "none"]
    assert_equal [true, false], m.match_many?(list)
    assert_equal [1, 0], m.count_many(list)
  end

  # ---- bad input -------------------------------------------------------------------

  def test_wrong_types_raise_type_error
    m = animals
    %i[count_by_pattern matching_patterns first_match_per_pattern find_all_columns].each do |meth|
      err = assert_raises(TypeError, meth) { m.public_send(meth, 42) }
      assert_match(/expected a String, got Integer/, err.message)
      assert_raises(TypeError, meth) { m.public_send(meth, nil) }
    end
    %i[match_many? count_many find_many].each do |meth|
      err = assert_raises(TypeError, meth) { m.public_send(meth, "a fox") }
      assert_match(/inputs must be an Array of Strings, got String/, err.message)
      assert_raises(TypeError, meth) { m.public_send(meth, nil) }
      assert_raises(TypeError, meth) { m.public_send(meth, { "a" => "fox" }) }
      err = assert_raises(TypeError, meth) { m.public_send(meth, ["fox", :dog, "cat"]) }
      assert_match(/input 1 is a Symbol, not a String/, err.message)
      assert_raises(TypeError, meth) { m.public_send(meth, ["fox", nil]) }
    end
  end

  def test_text_that_is_not_ascii_compatible_is_refused
    m = animals
    utf16 = "fox".encode("UTF-16LE")
    assert_raises(Encoding::CompatibilityError) { m.count_by_pattern(utf16) }
    assert_raises(Encoding::CompatibilityError) { m.find_all_columns(utf16) }
    assert_raises(Encoding::CompatibilityError) { m.count_many(["fox", utf16]) }
    assert_raises(Encoding::CompatibilityError) { m.find_many([utf16]) }
  end

  def test_closed_matcher_raises_closed_error
    m = Hayscan::Matcher.new(%w[fox])
    m.close
    %i[count_by_pattern matching_patterns first_match_per_pattern find_all_columns].each do |meth|
      assert_raises(Hayscan::ClosedError, meth) { m.public_send(meth, "fox") }
    end
    %i[match_many? count_many find_many].each do |meth|
      assert_raises(Hayscan::ClosedError, meth) { m.public_send(meth, ["fox"]) }
      assert_raises(Hayscan::ClosedError, "#{meth} of []") { m.public_send(meth, []) }
      assert_raises(Hayscan::ClosedError, "#{meth} of large") { m.public_send(meth, ["x" * 70_000]) }
    end
  end

  def test_no_block_is_called
    m = animals
    calls = 0
    blk = proc { calls += 1 }
    m.count_by_pattern(TEXT, &blk)
    m.find_all_columns(TEXT, &blk)
    m.find_many([TEXT], &blk)
    assert_equal 0, calls
    assert_equal 0, Hayscan.live_handlers
  end

  def test_large_answer_calls_release_the_gvl
    m = matcher(%w[needle])
    hay = "#{'haystack ' * 2_000_000}needle" # 18 MB: one call takes milliseconds
    ticks = 0
    stop = false
    ticker = Thread.new do
      until stop
        ticks += 1
        Thread.pass
      end
    end
    Thread.pass until ticks.positive?
    { count_by_pattern: [hay, [1]], matching_patterns: [hay, [0]],
      count_many: [[hay], [1]], match_many?: [[hay], [true]] }.each do |meth, (arg, want)|
      progressed = 20.times.any? do
        before = ticks
        assert_equal want, m.public_send(meth, arg)
        ticks > before
      end
      assert progressed, "no other thread ran during 20 large #{meth} calls"
    end
  ensure
    stop = true
    ticker&.join
  end

  def test_close_while_other_threads_ask
    m = Hayscan::Matcher.new(%w[fox dog])
    inputs = ["fox dog " * 2000, "", "a fox"] # 4,001 matches: several find_many batches
    want = inputs.map { |t| m.find_all(t) }
    counts = m.count_by_pattern(inputs[0])
    outcomes = Queue.new
    threads = Array.new(4) do
      Thread.new do
        20.times do
          assert_equal want, m.find_many(inputs)
          assert_equal counts, m.count_by_pattern(inputs[0])
          assert_equal [true, false, true], m.match_many?(inputs)
        end
        outcomes << :finished
      rescue Hayscan::ClosedError
        outcomes << :closed
      end
    end
    Thread.pass
    m.close
    threads.each(&:join)
    assert_equal 4, outcomes.size
    assert m.closed?
  end

  # ---- options ---------------------------------------------------------------------

  def test_whole_words
    w = matcher(%w[fox cat], whole_words: true)
    assert w.whole_words?
    refute animals.whole_words?
    assert_match(/whole_words/, w.inspect)
    text = "fox foxes cat_ cat. é_fox éfox fox"
    assert_equal [[0, 0, 3], [1, 15, 18], [0, 33, 36]], tuples(w.find_all(text))
    assert_equal [2, 1], w.count_by_pattern(text)
    assert_equal [3, 0], w.count_many([text, "foxes"])
    # Unicode word characters by default; ASCII ones with ascii_classes.
    a = matcher(%w[fox], whole_words: true, ascii_classes: true)
    assert_equal [[0, 2, 5]], tuples(a.find_all("éfox"))
    assert_equal [], tuples(matcher(%w[fox], whole_words: true).find_all("éfox"))
  end

  def test_whole_words_in_a_stream_across_chunks
    w = matcher(%w[fox], whole_words: true)
    got = []
    w.stream do |s|
      s.on { |x| got << x.byte_start }
      %w[fo x\  fo xes\  f ox].each { |c| s << c }
    end
    assert_equal [0, 10], got
    # The character after a candidate arrives a byte at a time: "é" is a word character
    # (no match), "€" is not (a match, delivered once the character is complete).
    [[["fox", "\xC3".b, "\xA9".b, " fox"], [[6, "fox"]]],
     [["fox", "\xE2".b, "", "\x82".b, "\xAC".b, " x"], [[0, "fox"]]]].each do |chunks, want|
      got = []
      w.stream do |s|
        s.on { |x| got << [x.byte_start, x.text.b] }
        chunks.each { |c| s << c }
      end
      assert_equal want, got, chunks.inspect
    end
  end

  def test_whole_words_refuses_empty_patterns_and_regexes
    err = assert_raises(Hayscan::InvalidPatternError) { Hayscan::Matcher.new(["fox", ""], whole_words: true) }
    assert_equal 1, err.pattern_index
    assert_raises(Hayscan::UnsupportedError) { Hayscan::Matcher.regex(%w[fox], whole_words: true) }
    m = Hayscan::Matcher.regex(%w[fox], whole_words: false) # false is fine
    m.close
  end

  def test_regex_engine_limits
    m = matcher(%w[a], syntax: :regex)
    assert_equal 1000, m.max_repetition
    assert_equal 10_000, m.max_regex_states
    assert_equal 1, matcher(['x{1000}'], syntax: :regex).count("x" * 1000)
    err = assert_raises(Hayscan::InvalidPatternError) { Hayscan::Matcher.regex(%w[a x{1001}]) }
    assert_equal 1, err.pattern_index
    err = assert_raises(Hayscan::InvalidPatternError) { Hayscan::Matcher.regex(%w[a b x{6}], max_repetition: 5) }
    assert_equal 2, err.pattern_index
    assert_match(/max_repetition/, err.message)
    ok = matcher(['x{2000}'], syntax: :regex, max_repetition: 2000, max_regex_states: 100_000)
    assert_equal [2000, 100_000], [ok.max_repetition, ok.max_regex_states]
    err = assert_raises(Hayscan::InvalidPatternError) { Hayscan::Matcher.regex(['a', '[a-z]{50}'], max_regex_states: 10) }
    assert_equal 1, err.pattern_index
    assert_match(/max_regex_states/, err.message)
  end

  def test_bad_engine_limits_raise_invalid_argument
    [-1, 1.5, "10", 1 << 32].each do |bad|
      err = assert_raises(Hayscan::InvalidArgumentError, bad.inspect) { Hayscan::Matcher.regex(%w[a], max_repetition: bad) }
      assert_match(/max_repetition must be an Integer/, err.message)
    end
    [-1, 2.0, :x, 1 << 64].each do |bad|
      assert_raises(Hayscan::InvalidArgumentError, bad.inspect) { Hayscan::Matcher.regex(%w[a], max_regex_states: bad) }
    end
    assert_raises(ArgumentError) { Hayscan::Matcher.new(%w[a], whole_word: true) } # unknown keyword
  end
end
