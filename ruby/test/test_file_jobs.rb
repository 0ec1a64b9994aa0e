# frozen_string_literal: true

require_relative "test_helper"
require "base64"
require "tmpdir"
require "fileutils"
require "timeout"
require "pathname"

# Matcher#scan_file on a library job (the file read and scanned on a worker thread, the
# block on the calling thread), #replace_file and count(text, threads:): the same answers
# as the in-memory and Stream paths, every way out of the block frees the job, errors
# are Ruby's own.
class TestFileJobs < Minitest::Test
  VECTORS = Dir[File.join(HayscanTestHelpers::REPO, "tests", "vectors", "*.json")].sort

  def setup
    @live = [Hayscan.live_objects, Hayscan.live_handlers]
    @threads = Thread.list.size
    @dir = Dir.mktmpdir("hayscan-jobs")
    @path = File.join(@dir, "in.txt")
  end

  def teardown
    FileUtils.remove_entry(@dir)
    super
    assert_equal @live, [Hayscan.live_objects, Hayscan.live_handlers], "native objects or handlers leaked"
    assert_equal @threads, Thread.list.size, "a pump thread outlived its scan"
  end

  def bytes(value)
    value.is_a?(Hash) ? Base64.strict_decode64(value.fetch("base64")) : value.b
  end

  def options(opts)
    (opts || {}).to_h { |k, v| [k.to_sym, %w[syntax match_kind].include?(k) ? v.to_sym : v] }
  end

  # What the Stream path (scan_file before jobs; still used for pipes with such sets) gives.
  def streamed(m, path)
    out = []
    m.send(:scan_file_streamed, path) { |x| out << x }
    out
  end

  def test_every_vector_gives_the_stream_path_answers_count_file_and_count_threads
    checked = 0
    VECTORS.each do |file|
      JSON.parse(File.read(file)).fetch("cases").each do |c|
        next if c["expect"].key?("error")

        hay = bytes(c.fetch("haystack"))
        File.binwrite(@path, hay)
        m = Hayscan::Matcher.new(c.fetch("patterns").map { |p| bytes(p) }, **options(c["options"]))
        begin
          name = "#{File.basename(file)}: #{c['name']}"
          want = streamed(m, @path)
          got = []
          assert_equal want.size, m.scan_file(@path) { |x| got << x }, name
          assert_equal want, got, name
          assert_equal want.map(&:text), got.map(&:text), name
          assert_equal want, m.scan_file(@path).to_a, "#{name} (Enumerator)"
          assert_equal want.size, m.count_file(@path), name
          if m.syntax == :literal
            assert_equal tuples(m.find_all(hay)), tuples(got), name
            [0, 1, 2, 3].each { |t| assert_equal m.count(hay), m.count(hay, threads: t), "#{name} threads #{t}" }
            if m.match_kind != :overlapping && (rep = c.dig("expect", "replace")) && !rep.key?("error")
              with = rep.fetch("with").map { |w| bytes(w) }
              out = File.join(@dir, "out.txt")
              assert_equal want.size, m.replace_file(@path, out, with), name
              assert_equal m.replace_all(hay, with).b, File.binread(out), name
            end
          end
          checked += 1
        ensure
          m.close
        end
      end
    end
    assert_operator checked, :>=, 60
  end

  # Regex and case-insensitive sets: the text is read back from the file, across batches
  # (4,096 matches each) and for matches whose batch spans more than TEXT_SPAN.
  def test_text_read_back_for_sets_whose_text_is_not_the_pattern
    text = "Alpha beta=12 GAMMA\n" * 30_000
    File.binwrite(@path, text)
    [Hayscan::Matcher.new(%w[alpha gamma], case_insensitive: true),
     Hayscan::Matcher.regex(['\w+=\d+', "GAM+A"])].each do |m|
      want = streamed(m, @path)
      assert_operator want.size, :>, 3 * Hayscan::FileJob::BATCH
      got = m.scan_file(@path).to_a
      assert_equal want, got
      assert got.all? { |x| x.text.encoding == Encoding::BINARY && x.text.frozen? }
      m.close
    end
    sparse = "#{'x' * (Hayscan::MatcherFiles::TEXT_SPAN + 10)}Needle"
    File.binwrite(@path, "nEEdle#{sparse}")
    m = Hayscan::Matcher.new(["needle"], case_insensitive: true)
    assert_equal %w[nEEdle Needle], m.scan_file(@path).map(&:text)
    m.close
  end

  def test_case_sensitive_literal_texts_are_the_patterns
    File.binwrite(@path, "caf\u00e9 tea caf\u00e9".b)
    m = Hayscan::Matcher.new(["caf\u00e9", "tea"])
    got = m.scan_file(@path).to_a
    assert_equal [["caf\u00e9".b, 0, 5], ["tea".b, 6, 9], ["caf\u00e9".b, 10, 15]], got.map { |x| [x.text, x.start, x.end] }
    assert_equal streamed(m, @path), got
    m.close
  end

  def test_errors_are_rubys_own_and_free_everything
    m = Hayscan::Matcher.new(["a"])
    r = Hayscan::Matcher.regex(["a+"])
    [m, r].each do |x|
      assert_raises(Errno::ENOENT) { x.scan_file(File.join(@dir, "missing")) { flunk } }
      assert_raises(Errno::EISDIR) { x.scan_file(@dir) { flunk } } # fails at the worker's first read
      assert_raises(Errno::EISDIR) { x.scan_file(@dir).to_a }
      assert_raises(ArgumentError) { x.scan_file("a\0b") { nil } }
      assert_raises(TypeError) { x.scan_file(nil) { nil } }
      assert_equal 0, x.scan_file("/dev/null") { flunk }
    end
    # Opened, then the first read fails (EIO): the worker's error, reported as Ruby's own.
    if File.exist?("/proc/self/mem")
      assert_raises(Errno::EIO) { m.scan_file("/proc/self/mem") { flunk } }
      assert_raises(Errno::EIO) { r.scan_file("/proc/self/mem") { flunk } }
      assert_raises(Errno::EIO) { m.count_file("/proc/self/mem") }
    end
    assert_equal [["EACCES"] * 3, 2], unreadable_as_nobody { |path| [m, r].each { |x| x.scan_file(path) { nil } } }
    m.close
    r.close
    File.binwrite(@path, "a")
    assert_raises(Hayscan::ClosedError) { m.scan_file(@path) { nil } }
    assert_raises(Hayscan::ClosedError) { m.replace_file(@path, "#{@path}.out", "b") }
    assert_raises(Hayscan::ClosedError) { m.count("a" * 100_000, threads: 2) }
  end

  # Runs the block on an unreadable file, as nobody when this is root (root reads any
  # file), in a forked child; returns [the Errno names raised by the block, by
  # scan_file on a job and by the Stream path, the child's live objects (its 2 matchers)].
  def unreadable_as_nobody
    File.chmod(0o755, @dir)
    File.binwrite(@path, "a")
    File.chmod(0o000, @path)
    reader, writer = IO.pipe
    pid = fork do
      reader.close
      Process::Sys.setuid(65_534) if Process.uid.zero?
      base = Hayscan.live_objects
      m = Hayscan::Matcher.new(["a"])
      r = Hayscan::Matcher.regex(["a"], case_insensitive: true)
      names = [-> { yield @path }, -> { m.scan_file(@path) { nil } }, -> { r.send(:scan_file_streamed, @path) { nil } }].map do |call|
        call.call
        "none"
      rescue SystemCallError => e
        e.class.name.split("::").last
      end
      writer.write(JSON.generate([names, Hayscan.live_objects - base]))
      m.close
      r.close
      writer.close
      exit!(0)
    end
    writer.close
    out = reader.read
    Process.wait(pid)
    JSON.parse(out)
  end

  def test_a_file_removed_during_the_scan_is_read_to_its_end
    File.binwrite(@path, "ab " * 300_000)
    m = Hayscan::Matcher.new(["ab"])
    n = m.scan_file(@path) { |_| File.unlink(@path) if File.exist?(@path) }
    assert_equal 300_000, n # the open file stays readable (POSIX), so the scan completes
    m.close
  end

  def test_fifos_are_read_once_with_either_kind_of_set
    [Hayscan::Matcher.new(["ab"]), Hayscan::Matcher.regex(["a+b"])].each do |m|
      fifo = File.join(@dir, "fifo-#{m.syntax}")
      File.mkfifo(fifo)
      # Lines: a regex stream cuts lines longer than max_line_len into frames.
      writer = Thread.new { File.open(fifo, "wb") { |f| 50.times { f.write("ab\n" * 10_000) } } }
      got = m.scan_file(fifo).map(&:byte_start)
      writer.join
      assert_equal 500_000, got.size, m.inspect
      assert_equal Array.new(500_000) { |i| 3 * i }, got, m.inspect
      m.close
    end
  end

  def test_break_throw_and_raise_free_the_job
    File.binwrite(@path, "ab " * 200_000)
    m = Hayscan::Matcher.new(["ab"])
    seen = 0
    assert_equal :stopped, (m.scan_file(@path) { (seen += 1) == 5000 and break :stopped })
    assert_equal 5000, seen
    assert_equal :out, catch(:done) { m.scan_file(@path) { throw :done, :out } }
    error = assert_raises(RuntimeError) { m.scan_file(@path) { raise "boom" } }
    assert_equal "boom", error.message
    assert_equal [0, 3, 6], m.scan_file(@path).first(3).map(&:byte_start)
    100.times { m.scan_file(@path) { break } }
    m.close
  end

  def test_thread_kill_and_timeout_free_the_job
    File.binwrite(@path, "ab " * 2_000_000)
    m = Hayscan::Matcher.new(["ab"])
    20.times do |i|
      started = Queue.new
      t = Thread.new do
        m.scan_file(@path) do |x|
          started << true if x.byte_start.zero?
          sleep 0.0001 if i.even? # odd: killed while the block or the pop runs flat out
        end
      end
      started.pop
      t.kill
      t.join
    end
    5.times do
      assert_raises(Timeout::Error) { Timeout.timeout(0.02) { m.scan_file(@path) { sleep 0.001 } } }
    end
    m.close
  end

  # scan_file defers interrupts only around starting and freeing its job: a caller's own
  # Thread.handle_interrupt still decides for the block and the waits.
  def test_the_callers_interrupt_handling_is_kept
    File.binwrite(@path, "ab " * 100_000)
    m = Hayscan::Matcher.new(["ab"])
    me = Thread.current
    seen = 0
    error = assert_raises(RuntimeError) do
      Thread.handle_interrupt(RuntimeError => :never) do
        m.scan_file(@path) do
          seen += 1
          Thread.new { me.raise("deferred") }.join if seen == 1
        end
      end
    end
    assert_equal ["deferred", 100_000], [error.message, seen]
    m.close
  end

  # A pipe whose writer is silent: the worker waits in read(2), which cancelling cannot
  # interrupt. A kill ends the block at once (the thread waits in SizedQueue#pop), but
  # freeing the job waits for that read: the thread ends once the writer writes or
  # closes, and frees everything. (Not asserted: that it is still waiting before.)
  def test_kill_while_a_pipe_is_silent_completes_when_the_writer_closes
    fifo = File.join(@dir, "fifo")
    File.mkfifo(fifo)
    m = Hayscan::Matcher.new(["ab"])
    writer = File.open(fifo, File::RDWR) # holds the pipe open: the reader's open does not wait
    seen = Queue.new
    t = Thread.new { m.scan_file(fifo) { |x| seen << x.byte_start } }
    writer.write("ab " * 5000) # one full batch (4,096 matches) is delivered, the rest waits
    writer.flush
    assert_equal 0, seen.pop
    Thread.pass until seen.size == Hayscan::FileJob::BATCH - 1
    t.kill
    t.join(0.1) # usually still freeing its job, which waits for the pipe's read
    writer.close
    t.join
    refute t.alive?
    assert_equal 1, Hayscan.live_objects - @live[0], "only the matcher is left"
    m.close
  end

  # An Enumerator stepped with `next` and dropped never runs its fiber's `ensure`: the
  # FileJob's finalizer cancels and frees the job. In a subprocess, since it relies on GC.
  def test_abandoned_external_enumerators_are_freed_by_the_gc
    code = <<~RUBY
      path = #{@path.inspect}
      File.binwrite(path, "ab " * 200_000)
      m = Hayscan::Matcher.new(["ab"])
      threads = Thread.list.size
      def step(m, path)
        e = m.scan_file(path)
        [e.next.byte_start, e.next.byte_start]
      end
      firsts = Array.new(5) { step(m, path) }
      live = [Hayscan.live_objects, Thread.list.size - threads]
      200.times do
        GC.start
        break if Hayscan.live_objects == 1 && Thread.list.size == threads
        sleep 0.02
      end
      m.close
      p [firsts.uniq, live, [Hayscan.live_objects, Thread.list.size - threads]]
    RUBY
    out, status = ruby_subprocess("require 'hayscan'\n#{code}")
    assert status.success?, out
    assert_equal "[[[0, 3]], [6, 5], [0, 0]]\n", out
  end

  def test_a_matcher_closed_during_the_scan_lets_it_finish
    File.binwrite(@path, "ab " * 100_000)
    m = Hayscan::Matcher.new(["ab"])
    n = m.scan_file(@path) { |x| m.close if x.byte_start.zero? }
    assert_equal 100_000, n
    assert m.closed?
  end

  def test_two_threads_scan_files_with_the_same_answers
    File.binwrite(@path, "x ab " * 200_000)
    m = Hayscan::Matcher.new(["ab"])
    want = streamed(m, @path).map(&:byte_start)
    got = Array.new(3) { Thread.new { m.scan_file(@path).map(&:byte_start) } }.map(&:value)
    assert_equal [want] * 3, got
    m.close
  end

  def test_count_threads_argument
    m = Hayscan::Matcher.new(%w[ab b])
    text = "xab b " * 100_000
    assert_equal m.count(text), m.count(text, threads: 2)
    assert_equal m.count("ab"), m.count("ab", threads: 0)
    [-1, "2", 1.5, :two].each do |bad|
      assert_raises(Hayscan::InvalidArgumentError, bad.inspect) { m.count(text, threads: bad) }
    end
    r = Hayscan::Matcher.regex(["a+b"])
    assert_equal r.count(text), r.count(text, threads: 2) # counted on one thread
    r.close
    m.close
  end

  def test_count_file_threads_gives_the_one_thread_count
    lines = (0...1000).map { |i| ("ab " * (i % 40)) + (i % 3 == 0 ? "\n" : "the needle\n") }.join
    File.binwrite(@path, lines * 60) # about 4 MB: 2 or more segments
    sets = [Hayscan::Matcher.regex(["^ab", "needle$", "^$", "b a"]),
            Hayscan::Matcher.new(["needle", "b a", "e\nt"], match_kind: :overlapping),
            Hayscan::Matcher.new(["needle", "b a"])]
    sets.each do |m|
      one = m.count_file(@path)
      assert_operator one, :>, 0
      [0, 2, 3, 8].each { |t| assert_equal one, m.count_file(@path, threads: t), "#{m.inspect} threads #{t}" }
      assert_raises(Errno::ENOENT) { m.count_file("#{@path}.missing", threads: 2) }
      assert_raises(Hayscan::InvalidArgumentError) { m.count_file(@path, threads: -1) }
      m.close
    end
  end

  def test_replace_file
    text = "a cat, a dog, cat\n" * 40_000
    File.binwrite(@path, text)
    out = File.join(@dir, "out.txt")
    m = Hayscan::Matcher.new(%w[cat dog])
    assert_equal 120_000, m.replace_file(@path, out, %w[CAT DOG])
    assert_equal m.replace_all(text, %w[CAT DOG]).b, File.binread(out)
    assert_equal 120_000, m.replace_file(Pathname.new(@path), Pathname.new(out), "*")
    assert_equal m.replace_all(text, "*").b, File.binread(out)
    missing = File.join(@dir, "missing")
    assert_raises(Errno::ENOENT) { m.replace_file(missing, "#{out}2", "*") }
    refute File.exist?("#{out}2"), "a missing input creates no output"
    assert_raises(Errno::ENOENT) { m.replace_file(@path, File.join(@dir, "no", "dir"), "*") }
    assert_raises(Errno::EISDIR) { m.replace_file(@path, @dir, "*") }
    assert_raises(Errno::EISDIR) { m.replace_file(@dir, out, "*") }
    assert_raises(Hayscan::InvalidArgumentError) { m.replace_file(@path, @path, "*") }
    assert_raises(Hayscan::InvalidArgumentError) { m.replace_file(@path, out, %w[a b c]) }
    assert_raises(TypeError) { m.replace_file(@path, out, 5) }
    o = Hayscan::Matcher.new(%w[cat], match_kind: :overlapping)
    assert_raises(Hayscan::UnsupportedError) { o.replace_file(@path, out, "*") }
    o.close
    m.close
  end

  # Every long call lets other Ruby threads run: a ticker thread advances during it. While
  # a native call holds the GVL no Ruby thread can run (a native call is never preempted),
  # and each call here is one long native call (18 MB, one match at the end). Retried,
  # in case the OS did not schedule the ticker during one call.
  def test_every_long_call_releases_the_gvl
    hay = "#{'haystack ' * 2_000_000}needle"
    File.binwrite(@path, hay)
    out = File.join(@dir, "out.txt")
    m = Hayscan::Matcher.new(%w[needle])
    calls = {
      match?: -> { m.match?(hay.sub("needle", "nEEdle")) }, find: -> { m.find(hay) }, count: -> { m.count(hay) },
      count_threads: -> { m.count(hay, threads: 2) }, count_by_pattern: -> { m.count_by_pattern(hay) },
      matching_patterns: -> { m.matching_patterns(hay) },
      first_match_per_pattern: -> { m.first_match_per_pattern(hay) }, find_all: -> { m.find_all(hay) },
      find_all_columns: -> { m.find_all_columns(hay) }, scan: -> { m.scan(hay) { nil } },
      replace_all: -> { m.replace_all(hay, "x") }, replace: -> { m.replace(hay) { "x" } },
      match_many?: -> { m.match_many?([hay]) }, count_many: -> { m.count_many([hay]) },
      find_many: -> { m.find_many([hay]) }, count_file: -> { m.count_file(@path) },
      count_lines: -> { m.count_lines(hay) }, count_file_lines: -> { m.count_file_lines(@path) },
      count_file_lines_threads: -> { m.count_file_lines(@path, threads: 2) },
      scan_file: -> { m.scan_file(@path) { nil } }, replace_file: -> { m.replace_file(@path, out, "x") }
    }
    ticks = 0
    stop = false
    ticker = Thread.new do
      until stop
        ticks += 1
        Thread.pass
      end
    end
    Thread.pass until ticks.positive?
    held = calls.reject do |_name, call|
      20.times.any? do
        before = ticks
        call.call
        ticks > before
      end
    end
    stop = true
    ticker.join
    assert_empty held.keys, "these calls held the GVL for their whole run"
    m.close
  end
end
