# frozen_string_literal: true

require_relative "test_helper"
require "pathname"
require "tmpdir"
require "fileutils"

# Matcher#count_lines and #count_file_lines: the number of lines in which a pattern
# matches (grep -c's answer), in memory and from a file read by the library without the
# GVL, on one native thread or split between several; checked against a per-line
# reference computed in Ruby, with count_file's errors.
class TestLines < Minitest::Test
  def setup
    @live = [Hayscan.live_objects, Hayscan.live_handlers]
    @dir = Dir.mktmpdir("hayscan-lines")
    @path = File.join(@dir, "text.log")
  end

  def teardown
    FileUtils.remove_entry(@dir)
    super
    assert_equal @live, [Hayscan.live_objects, Hayscan.live_handlers], "native objects or handlers leaked"
  end

  # The lines of `text` as grep sees them: split at "\n", the "\n" not part of its line,
  # no line after a final "\n".
  def lines_of(text)
    text.each_line.map { |l| l.delete_suffix("\n") }
  end

  # count_lines of `text` and count_file_lines of a file holding it, on the calling
  # thread and on 1, 2 and 0 (the available cores) native threads.
  def all_counts(m, text)
    File.binwrite(@path, text)
    [m.count_lines(text), m.count_file_lines(@path), m.count_file_lines(Pathname.new(@path)),
     *[1, 2, 0].map { |t| m.count_file_lines(@path, threads: t) }]
  end

  def test_a_line_counts_once_whatever_its_matches
    m = matcher(%w[ab cd])
    text = "ab ab cd cd\nxx\ncd\n"
    assert_equal [2] * 6, all_counts(m, text)
    assert_equal 5, m.count(text), "count gives the matches, count_lines the lines"
    %i[leftmost_longest overlapping].each do |kind|
      assert_equal [2] * 6, all_counts(matcher(%w[ab cd b], match_kind: kind), text), kind.inspect
    end
  end

  def test_the_last_line_and_empty_lines
    m = matcher(%w[x])
    assert_equal [1] * 6, all_counts(m, "a\nx")
    assert_equal [1] * 6, all_counts(m, "a\nx\n")
    assert_equal [0] * 6, all_counts(m, "")
    assert_equal [0] * 6, all_counts(m, "a\nb\n")
    empty = matcher(["q", ""])
    assert_equal [4] * 6, all_counts(empty, "a\n\n\nb\n"), "an empty pattern counts every line, empty ones too"
    assert_equal [3] * 6, all_counts(empty, "\n\n\n")
    assert_equal [1] * 6, all_counts(empty, "a\n"), "no line after the final newline"
    assert_equal [0] * 6, all_counts(empty, "")
  end

  def test_crlf_keeps_the_carriage_return_in_its_line
    text = "ab\r\n\r\nb\ncab\r\n"
    assert_equal [2] * 6, all_counts(matcher(["b\r"]), text)
    assert_equal [1] * 6, all_counts(Hayscan::Matcher.regex(["b$"]).tap { |r| (@to_close ||= []) << r }, text),
                 "$ is the line's end, after its \\r"
    assert_equal [3] * 6, all_counts(matcher(["\r"]), text)
  end

  def test_a_pattern_holding_a_newline_never_counts_a_line
    assert_equal [0] * 6, all_counts(matcher(["b\nc"]), "ab\ncd\n")
    assert_equal [1] * 6, all_counts(matcher(["b\nc", "d"]), "ab\ncd\n")
  end

  def test_whole_words_check_the_lines_edges
    m = matcher(%w[cat dog], whole_words: true)
    text = "cats\na cat\ncat_\ncat\ndog-\nhotdog\n"
    assert_equal [3] * 6, all_counts(m, text)
    assert_equal 3, lines_of(text).count { |l| l.match?(/\b(cat|dog)\b/) }
    assert_equal [1] * 6, all_counts(m, "cat\ndogs")
  end

  def test_regex_anchors_are_the_lines_edges
    r = Hayscan::Matcher.regex(["^ab", "needle$", "^$"])
    (@to_close ||= []) << r
    text = "ab x\nx ab\nthe needle\nneedle x\n\nabc needle\n"
    want = lines_of(text).count { |l| l.match?(/\Aab|needle\z|\A\z/) }
    assert_equal 4, want
    assert_equal [want] * 6, all_counts(r, text)
    assert_equal [0] * 6, all_counts(Hayscan::Matcher.regex(["a\nb"]).tap { |x| @to_close << x }, "a\nb\n")
  end

  def test_case_insensitive_sets
    m = matcher(%w[error], case_insensitive: true)
    assert_equal [3] * 6, all_counts(m, "ERROR x\nok\nan Error\nerror error\n")
  end

  # About 3 MiB of lines: several segments on two threads, each cut at a line start.
  def test_a_3_mib_file_on_one_and_two_threads_equals_the_in_memory_answer
    rng = Random.new(11)
    words = %w[alpha beta gamma needle haystack ERROR warn é]
    text = Array.new(100_000) { Array.new(rng.rand(0..12)) { words.sample(random: rng) }.join(" ") }.join("\n")
    text << "\n"
    assert_operator text.bytesize, :>, 3 << 20
    sets = {
      literal: [matcher(%w[needle ERROR]), ->(l) { l.include?("needle") || l.include?("ERROR") }],
      overlapping: [matcher(%w[needle dle], match_kind: :overlapping), ->(l) { l.include?("dle") }],
      whole_words: [matcher(%w[beta], whole_words: true), ->(l) { l.split(" ").include?("beta") }],
      case_insensitive: [matcher(%w[error], case_insensitive: true), ->(l) { l.include?("ERROR") }],
      regex: [Hayscan::Matcher.regex(["^alpha", "é$"]), ->(l) { l.start_with?("alpha") || l.end_with?("é") }]
    }
    (@to_close ||= []) << sets[:regex][0]
    lines = lines_of(text)
    sets.each do |name, (m, line_matches)|
      want = lines.count(&line_matches)
      assert_operator want, :>, 1000, name.inspect
      assert_operator want, :<, lines.size, name.inspect
      assert_equal [want] * 6, all_counts(m, text), name.inspect
      assert_equal want, m.count_lines(text.b), "#{name} (binary)"
    end
  end

  def test_two_ruby_threads_count_at_once_with_the_right_answers
    texts = ["a needle\nno\n" * 150_000, "x\nneedle needle\nneedle\ny\n" * 100_000]
    paths = texts.each_with_index.map do |t, i|
      path = File.join(@dir, "in#{i}.txt")
      File.binwrite(path, t)
      path
    end
    m = matcher(%w[needle])
    want = [150_000, 200_000]
    assert_no_leaks do
      got = Array.new(2) do |i|
        Thread.new do
          Array.new(5) do
            [m.count_file_lines(paths[i]), m.count_file_lines(paths[i], threads: 2), m.count_lines(texts[i])]
          end
        end
      end.map(&:value)
      got.each_with_index { |runs, i| assert_equal [[want[i]] * 3] * 5, runs, "thread #{i}" }
    end
  end

  def test_pipes_are_counted_as_files
    fifo = File.join(@dir, "fifo")
    File.mkfifo(fifo)
    m = matcher(%w[b])
    writer = Thread.new { File.open(fifo, "wb") { |f| f.write("ab\nc\nb\n" * 1000) } }
    assert_equal 2000, m.count_file_lines(fifo, threads: 2)
    writer.join
    assert_equal 0, m.count_file_lines("/dev/null")
  end

  def test_errors_are_count_files
    m = Hayscan::Matcher.new(%w[a])
    missing = File.join(@dir, "missing")
    [nil, 2].each do |t|
      assert_raises(Errno::ENOENT) { m.count_file_lines(missing, threads: t) }
      assert_raises(Errno::EISDIR) { m.count_file_lines(@dir, threads: t) }
      assert_raises(ArgumentError) { m.count_file_lines("a\0b", threads: t) }
      assert_raises(ArgumentError) { m.count_file_lines("", threads: t) }
      [42, nil, :path, ["a"]].each do |bad|
        assert_raises(TypeError, bad.inspect) { m.count_file_lines(bad, threads: t) }
      end
    end
    if File.exist?("/proc/self/mem")
      assert_raises(Errno::EIO) { m.count_file_lines("/proc/self/mem") }
    end
    File.binwrite(@path, "a\n")
    [-1, "2", 1.5, :two].each do |bad|
      assert_raises(Hayscan::InvalidArgumentError, bad.inspect) { m.count_file_lines(@path, threads: bad) }
    end
    [42, nil, :a, ["a"]].each do |bad|
      assert_raises(TypeError, bad.inspect) { m.count_lines(bad) }
    end
    assert_raises(Encoding::CompatibilityError) { m.count_lines("a".encode("UTF-16LE")) }
    assert_equal 1, m.count_lines(Struct.new(:to_str).new("a\n")), "anything with to_str is a String"
    m.close
    assert_raises(Hayscan::ClosedError) { m.count_lines("a\n") }
    assert_raises(Hayscan::ClosedError) { m.count_lines("a\n" * 100_000) } # the GVL-releasing path
    assert_raises(Hayscan::ClosedError) { m.count_file_lines(@path) }
    assert_raises(Hayscan::ClosedError) { m.count_file_lines(@path, threads: 2) }
  end

  def test_a_matcher_closed_while_another_thread_counts
    File.binwrite(@path, "a needle\n" * 400_000)
    m = Hayscan::Matcher.new(%w[needle])
    outcomes = Queue.new
    threads = Array.new(2) do
      Thread.new do
        20.times { assert_equal 400_000, m.count_file_lines(@path, threads: 2) }
        outcomes << :finished
      rescue Hayscan::ClosedError
        outcomes << :closed
      end
    end
    Thread.pass
    m.close
    threads.each(&:join)
    assert_equal 2, outcomes.size
    assert m.closed?
  end
end
