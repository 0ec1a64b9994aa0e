# frozen_string_literal: true

# The fault matrix (issue 15): every kind of block the gem runs for a native call — a scan
# block, an Enumerator, a stream handler, a replace block — left in every way Ruby has
# (raise, break, next, throw, Timeout, Thread#kill, exit), closing its owner, re-entering
# the matcher and nesting deeply; each cell asserts the outcome and that no native object
# or handler registration is left. Cells covered elsewhere are not repeated here:
# return from a block and GC.stress (test_blocks.rb), Enumerator#next abandoned mid-scan
# and freed by GC (test_loading.rb), threads sharing a matcher (test_threads.rb).

require_relative "test_helper"
require "timeout"

class TestFaults < Minitest::Test
  HAY = "one two three two one"
  PATTERNS = %w[one two three].freeze
  MATCHES = 5
  KINDS = %i[scan enumerator handler replace].freeze

  def setup
    @m = Hayscan::Matcher.new(PATTERNS)
  end

  def teardown
    @m.close
    super
  end

  # Runs `m` over HAY as `kind`, calling the block for each match, and returns what the
  # call returns (a count, the replaced String, the stream's delivered count).
  def run_kind(kind, m, hay = HAY, &block)
    case kind
    when :scan then m.scan(hay, &block)
    when :enumerator then m.scan(hay).each(&block)
    when :handler then m.stream { |s| s.on(&block); s << hay }
    when :replace then m.replace(hay) { |x| block.call(x).to_s }
    end
  end

  def each_kind
    KINDS.each { |kind| assert_no_leaks("#{kind}: leaked") { yield kind } }
  end

  def test_raise
    each_kind do |kind|
      calls = 0
      err = assert_raises(KeyError, kind.to_s) { run_kind(kind, @m) { calls += 1; raise KeyError, "mine" } }
      assert_equal ["mine", 1], [err.message, calls], kind.to_s
    end
  end

  def test_break
    each_kind do |kind|
      calls = 0
      assert_equal :broke, run_kind(kind, @m) { calls += 1; break :broke if calls == 2 }, kind.to_s
      assert_equal 2, calls, kind.to_s
    end
  end

  def test_next
    each_kind do |kind|
      calls = 0
      result = run_kind(kind, @m) { |x| calls += 1; next "<#{x.text}>" if x.pattern.zero? }
      assert_equal MATCHES, calls, kind.to_s
      assert_equal "<one>    <one>", result if kind == :replace
    end
  end

  def test_throw
    each_kind do |kind|
      assert_equal 42, catch(:out) { run_kind(kind, @m) { |x| throw :out, 42 if x.pattern == 2 } }, kind.to_s
    end
  end

  def test_timeout
    each_kind do |kind|
      assert_raises(Timeout::Error, kind.to_s) { Timeout.timeout(0.05) { run_kind(kind, @m) { sleep } } }
      assert_equal MATCHES, @m.count(HAY)
    end
  end

  def test_thread_kill
    each_kind do |kind|
      entered = Queue.new
      t = Thread.new { run_kind(kind, @m) { entered << true; sleep } }
      entered.pop
      t.kill
      t.join
      refute t.alive?
      assert_equal MATCHES, @m.count(HAY)
    end
  end

  def test_exit_in_a_subprocess
    KINDS.each do |kind|
      out, status = ruby_subprocess(<<~RUBY)
        require "hayscan"
        m = Hayscan::Matcher.new(#{PATTERNS.inspect})
        at_exit { puts "live \#{Hayscan.live_objects}" }
        #{kind_source(kind)} { exit 7 }
      RUBY
      assert_equal 7, status.exitstatus, "#{kind}: #{out}"
      refute_match(/\[BUG\]|Segmentation|panicked/, out)
      assert_match(/^live \d+$/, out, kind.to_s)
    end
  end

  def kind_source(kind)
    { scan: "m.scan(#{HAY.inspect})", enumerator: "m.scan(#{HAY.inspect}).each",
      handler: "m.stream { |s| s.on { exit 7 }; s << #{HAY.inspect} }; nil.then",
      replace: "m.replace(#{HAY.inspect})" }.fetch(kind)
  end

  def test_closing_the_owner_inside_the_block
    each_kind do |kind|
      m = Hayscan::Matcher.new(PATTERNS)
      calls = 0
      if kind == :handler
        # The owner of a handler is its stream: closed, it delivers nothing more.
        s = m.stream
        s.on { calls += 1; s.close }
        assert_equal 1, s.feed(HAY)
        assert s.closed?
      else
        # A matcher closed by the block lets the running call finish.
        result = run_kind(kind, m) { |x| calls += 1; m.close; x.text.upcase }
        assert_equal "ONE TWO THREE TWO ONE", result if kind == :replace
        assert_equal MATCHES, calls, kind.to_s
      end
      m.close
      assert_raises(Hayscan::ClosedError) { m.count(HAY) }
    end
  end

  def test_re_entering_the_matcher
    each_kind do |kind|
      inner = []
      result = run_kind(kind, @m) do |x|
        inner << [@m.count(x.text), @m.find_all(HAY).size, @m.replace(x.text) { "*" }]
        @m.scan(HAY) { |y| break y.text }
      end
      assert_equal [[1, MATCHES, "*"]] * MATCHES, inner, kind.to_s
      assert_equal "one one one one one", result if kind == :replace
    end
    # A stream fed from its own handler refuses; the stream keeps working.
    assert_no_leaks do
      s = @m.stream
      busy = 0
      s.on do
        s.feed("one")
      rescue Hayscan::BusyError
        busy += 1
      end
      s << HAY
      s.finish
      assert_equal MATCHES, busy
      s.close
    end
  end

  def test_deep_nesting
    depth = 150
    each_kind do |kind|
      reached = 0
      descend = lambda do |level|
        reached = level if level > reached
        return if level == depth

        run_kind(kind, @m) { descend.call(level + 1); break }
      end
      descend.call(1)
      assert_equal depth, reached, kind.to_s
    end
  end

  # --- issue 15 item 8: Thread#kill at any point of a feed or a replace -----------------

  def test_kills_during_feed_and_replace_leave_nothing
    out, status = ruby_subprocess(<<~RUBY, env: { "MALLOC_ARENA_MAX" => "2" })
      require "hayscan"
      def rss_kib = File.read("/proc/self/status")[/^VmRSS:\\s+(\\d+)/, 1].to_i
      m = Hayscan::Matcher.new(%w[a b])
      hay = "ab" * 500_000 # 1 MB, 1 M matches: a kill lands inside a native call often
      base = Hayscan.live_objects
      streams = []
      kill_all = lambda do
        50.times do |i|
          s = m.stream
          s.on { |x| x }
          streams << s
          started = Queue.new
          t = Thread.new { started << true; loop { s.feed(hay) } }
          started.pop
          sleep 0.001 * (i % 5)
          t.kill
          t.join
        end
        50.times do |i|
          started = Queue.new
          t = Thread.new { started << true; loop { m.replace(hay) { "x" } } }
          started.pop
          sleep 0.001 * (i % 5)
          t.kill
          t.join
        end
        streams.each(&:close)
        streams.clear
        3.times { GC.start }
      end
      kill_all.call # warms the heaps up
      rss = rss_kib
      kill_all.call
      p [base, Hayscan.live_objects, Hayscan.live_handlers, rss_kib - rss]
    RUBY
    assert status.success?, out
    base, live, handlers, grown = eval(out.lines.last) # rubocop:disable Security/Eval -- our own output
    assert_equal [base, 0], [live, handlers], "every stream freed, every registration released"
    # A coarse bound on the second round of 100 kills, on warm heaps: each round makes
    # millions of Ruby objects of garbage, so RSS moves by tens of MiB with the load of the
    # machine. The leak itself (a native stream or replace output per kill) is what
    # live objects count above.
    assert_operator grown, :<, 256 * 1024, "RSS grew by #{grown} KiB"
  end

  # --- issue 15 item 9: an external Enumerator over a stream handler, abandoned ---------

  def test_an_abandoned_enumerator_over_a_handler_does_not_pin_its_stream
    assert_no_leaks do
      streams = Array.new(200) do
        s = @m.stream
        e = Enumerator.new do |y|
          s.on { |x| y << x }
          s.feed(HAY)
        end
        assert_equal "one", e.next.text
        s
      end
      streams.each(&:close) # each frees at once: no native call is suspended in a handler
    end
    out, status = ruby_subprocess(<<~RUBY)
      require "hayscan"
      m = Hayscan::Matcher.new(%w[one two])
      base = [Hayscan.live_objects, Hayscan.live_handlers]
      def leave(m) = 200.times { s = m.stream; e = Enumerator.new { |y| s.on { |x| y << x }; s << "one two" }; e.next }
      leave(m)
      5.times { GC.start(full_mark: true, immediate_sweep: true); Array.new(1000) { Object.new } }
      p [base, [Hayscan.live_objects, Hayscan.live_handlers]]
    RUBY
    assert status.success?, out
    base, after = eval(out.lines.last) # rubocop:disable Security/Eval -- our own output
    assert_operator after[0], :<, base[0] + 20, "GC of the enumerators and streams freed the native streams"
    assert_operator after[1], :<, base[1] + 20
  end
end
