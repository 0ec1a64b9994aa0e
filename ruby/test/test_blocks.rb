# frozen_string_literal: true

# The boundary rules: break, next, return, throw/catch and raise in every block that
# hayscan runs (scan, each_match, replace, stream handlers) keep their Ruby meaning, leave
# nothing locked or leaked, and never jump across a Rust frame.

require_relative "test_helper"

class TestBlocks < Minitest::Test
  HAY = "one two three two one"

  def setup
    @m = matcher(%w[one two three])
  end

  # --- scan / each_match: blocks run between pulls from the native iterator -----------

  def test_break_in_scan_and_each_match
    assert_no_leaks do
      assert_equal "one", @m.scan(HAY) { |x| break x.text }
      assert_equal :stopped, @m.each_match(HAY) { |x| break :stopped if x.text == "three" }
      assert_equal 5, @m.scan(HAY) { nil }, "the matcher works after a break"
    end
  end

  def test_next_in_scan
    assert_no_leaks do
      seen = []
      n = @m.scan(HAY) do |x|
        next if x.pattern == 1

        seen << x.text
      end
      assert_equal 5, n
      assert_equal %w[one three one], seen
    end
  end

  def first_two(matcher)
    matcher.scan(HAY) { |x| return x.text if x.text == "two" }
    :not_found
  end

  def test_return_from_a_method_that_called_scan
    assert_no_leaks do
      assert_equal "two", first_two(@m)
      assert_equal "two", first_two(@m)
    end
  end

  def test_throw_out_of_scan
    assert_no_leaks do
      got = catch(:found) do
        @m.each_match(HAY) { |x| throw :found, x.byte_start if x.pattern == 2 }
        :no
      end
      assert_equal 8, got
    end
  end

  def test_raise_in_scan_reaches_the_caller_unchanged
    assert_no_leaks do
      error = RuntimeError.new("from the block")
      raised = assert_raises(RuntimeError) { @m.scan(HAY) { raise error } }
      assert_same error, raised
      assert_equal 5, @m.count(HAY)
    end
  end

  def test_ten_thousand_scans_that_break_on_the_first_match_leak_nothing
    hay = "#{HAY} " * 50
    assert_no_leaks do
      10_000.times do |i|
        got = @m.scan(hay) { |x| break x.pattern }
        assert_equal 0, got if i.zero?
      end
    end
  end

  def test_external_enumerator_runs_to_the_end_and_frees
    assert_no_leaks do
      e = @m.scan(HAY)
      assert_equal %w[one two], [e.next.text, e.next.text]
      assert_equal %w[three two one], Array.new(3) { e.next.text }
      assert_raises(StopIteration) { e.next }
    end
  end

  def test_scan_inside_scan_on_the_same_matcher
    assert_no_leaks do
      pairs = []
      @m.scan(HAY) do |outer|
        @m.scan(outer.text) { |inner| pairs << [outer.byte_start, inner.text] }
      end
      assert_equal [[0, "one"], [4, "two"], [8, "three"], [14, "two"], [18, "one"]], pairs
    end
  end

  def test_block_may_change_the_scanned_string
    assert_no_leaks do
      hay = +"one two one"
      seen = []
      @m.scan(hay) do |x|
        seen << x.text
        hay.replace("x" * 100_000) # reallocates the caller's buffer; the scan reads a frozen copy
      end
      assert_equal %w[one two one], seen
    end
  end

  # --- replace: the block runs on the caller's fiber while Rust waits -------------------

  def test_break_in_replace
    assert_no_leaks do
      assert_equal :early, @m.replace(HAY) { |x| x.pattern == 1 ? (break :early) : "X" }
      assert_equal "X X X X X", @m.replace(HAY) { "X" }
    end
  end

  def test_next_in_replace_supplies_the_replacement
    assert_no_leaks do
      assert_equal "1 two 3 two 1", @m.replace(HAY) { |x| next x.text if x.pattern == 1; x.pattern + 1 }
    end
  end

  def redact_until_three(matcher)
    matcher.replace(HAY) { |x| return "returned at #{x.byte_start}" if x.pattern == 2; "*" }
  end

  def test_return_from_a_method_that_called_replace
    assert_no_leaks do
      assert_equal "returned at 8", redact_until_three(@m)
    end
  end

  def test_throw_out_of_replace
    assert_no_leaks do
      got = catch(:stop) { @m.replace(HAY) { |x| throw :stop, x.text if x.pattern == 1; "" } }
      assert_equal "two", got
    end
  end

  def test_raise_in_replace_is_reraised_after_the_native_call
    assert_no_leaks do
      error = KeyError.new("no replacement")
      calls = 0
      raised = assert_raises(KeyError) do
        @m.replace(HAY) do
          calls += 1
          raise error if calls == 2

          "x"
        end
      end
      assert_same error, raised
      assert_equal 2, calls, "the native call stopped at the failing match"
      assert_match(/test_blocks/, raised.backtrace.first)
    end
  end

  def test_replace_inside_replace_and_scan_inside_replace
    assert_no_leaks do
      out = @m.replace(HAY) do |x|
        inner = @m.replace(x.text) { |y| y.text.upcase }
        "#{inner}#{@m.count(HAY)}"
      end
      assert_equal "ONE5 TWO5 THREE5 TWO5 ONE5", out
    end
  end

  def test_replacement_to_s_raising
    bad = Object.new
    def bad.to_s = raise(ArgumentError, "cannot render")
    assert_no_leaks do
      assert_raises(ArgumentError) { @m.replace(HAY) { bad } }
    end
  end

  def test_exceptions_non_standard_error_too
    assert_no_leaks do
      assert_raises(Interrupt) { @m.replace(HAY) { raise Interrupt } }
      assert_raises(SystemExit) { @m.replace(HAY) { exit 3 } }
      assert_equal 5, @m.count(HAY)
    end
  end

  # --- stream handlers ------------------------------------------------------------------

  def with_stream
    assert_no_leaks do
      s = @m.stream
      begin
        yield s
      ensure
        s.close
      end
    end
  end

  def test_next_in_handler
    with_stream do |s|
      seen = []
      s.on do |x|
        next if x.pattern.zero?

        seen << x.text
      end
      s << HAY
      s.finish
      assert_equal %w[two three two], seen
    end
  end

  def test_raise_in_handler_stops_the_stream_and_is_reraised
    with_stream do |s|
      error = IOError.new("handler failed")
      calls = 0
      s.on do
        calls += 1
        raise error if calls == 2
      end
      raised = assert_raises(IOError) { s.feed(HAY) }
      assert_same error, raised
      assert_equal 2, calls
      assert s.finished?
      assert_raises(Hayscan::StreamFinishedError) { s.feed("more") }
      assert_raises(Hayscan::StreamFinishedError) { s.finish }
    end
  end

  def test_raise_in_handler_during_finish
    with_stream do |s|
      s.on { raise "late" }
      assert_equal 0, s.feed("one") # pending: a longer pattern could still match here
      assert_raises(RuntimeError) { s.finish }
      assert s.finished?
    end
  end

  def test_throw_out_of_handler
    with_stream do |s|
      s.on { |x| throw :secret, x.text if x.pattern == 2 }
      got = catch(:secret) do
        s.feed(HAY)
        :none
      end
      assert_equal "three", got
      assert s.finished?
    end
  end

  def feed_until_two(stream)
    stream.on { |x| return x.byte_start if x.pattern == 1 }
    stream.feed(HAY)
    :none
  end

  def test_return_from_the_method_that_registered_and_fed
    with_stream do |s|
      assert_equal 4, feed_until_two(s)
      assert s.finished?
    end
  end

  def test_break_in_handler_is_a_local_jump_error
    with_stream do |s|
      s.on { break }
      # As for any block whose method (here Stream#on) has returned: LocalJumpError,
      # raised from feed after the native call returned, and the stream is stopped.
      assert_raises(LocalJumpError) { s.feed(HAY) }
      assert s.finished?
    end
  end

  def test_handlers_can_use_the_matcher_and_other_streams
    with_stream do |s|
      other = @m.stream
      inner = []
      other.on { |y| inner << y.text }
      s.on do |x|
        other << x.text
        assert_equal 5, @m.find_all(HAY).size
        @m.replace(x.text) { "r" }
      end
      s << HAY
      s.finish
      other.finish
      other.close
      assert_equal %w[one two three two one], inner
    end
  end

  def test_feeding_a_stream_from_its_own_handler_is_busy
    with_stream do |s|
      errors = []
      s.on do
        s.feed("one")
      rescue Hayscan::BusyError => e
        errors << e
      end
      assert_equal 1, s.feed("two and more") # "two" is certain once 5 more bytes arrived
      assert_equal 1, errors.size
      assert_equal :busy, errors[0].code
      refute s.finished?
      assert_equal 2, s.feed(" one three") + s.finish
    end
  end

  def test_unhandled_busy_error_stops_the_stream
    with_stream do |s|
      s.on { s.finish }
      assert_raises(Hayscan::BusyError) { s.feed(HAY) }
      assert s.finished?
    end
  end

  def test_on_and_off_inside_handlers
    with_stream do |s|
      log = []
      late = nil
      first = s.on do |x|
        log << [:first, x.text]
        late ||= s.on { |y| log << [:late, y.text] }
        s.off(first) if x.pattern == 1
      end
      s << HAY
      s.finish
      # `late` sees matches from the one after its registration on; `first` is not
      # called again after it unregistered itself.
      assert_equal [[:first, "one"], [:first, "two"], [:late, "two"], [:late, "three"],
                    [:late, "two"], [:late, "one"]], log
      assert_equal 1, s.handler_count
    end
  end

  def test_close_inside_a_handler
    assert_no_leaks do
      s = @m.stream
      seen = []
      s.on do |x|
        seen << x.text
        s.close
      end
      s.on { |x| seen << "second #{x.text}" }
      assert_equal 1, s.feed(HAY), "no handler runs after close"
      assert_equal %w[one], seen
      assert s.closed?
      assert_raises(Hayscan::ClosedError) { s.feed("one") }
    end
  end

  def test_gc_stress_around_registration_and_feeding
    assert_no_leaks do
      seen = []
      GC.start
      GC.stress = true
      begin
        s = @m.stream
        3.times { |i| s.on(patterns: [i]) { |x| seen << [i, x.byte_start] } }
        s.on { |x| seen << [:all, x.pattern] }
        s << "one tw" << "o three "
        s.finish
        out = @m.replace("one two") { |x| x.pattern.to_s }
        s.close
      ensure
        GC.stress = false
      end
      assert_equal "0 1", out
      assert_equal [[0, 0], [:all, 0], [1, 4], [:all, 1], [2, 8], [:all, 2]], seen
    end
  end

  # --- asynchronous exits: Thread#raise (Timeout) and Thread#kill while a block runs ---

  def test_timeout_in_a_replace_block_and_a_handler
    require "timeout"
    assert_no_leaks do
      assert_raises(Timeout::Error) { Timeout.timeout(0.05) { @m.replace(HAY) { sleep } } }
      s = @m.stream
      s.on { sleep }
      assert_raises(Timeout::Error) { Timeout.timeout(0.05) { s.feed(HAY) } }
      assert s.finished?
      s.close
      assert_equal "X X X X X", @m.replace(HAY) { "X" }
    end
  end

  def test_killing_a_thread_whose_block_is_running
    assert_no_leaks do
      entered = Queue.new
      s = @m.stream
      s.on do
        entered << true
        sleep
      end
      threads = [
        Thread.new { @m.replace(HAY) { entered << true; sleep } },
        Thread.new { s.feed(HAY) },
        Thread.new { @m.scan(HAY) { entered << true; sleep } }
      ]
      3.times { entered.pop }
      threads.each(&:kill).each(&:join)
      assert s.finished?, "the killed handler stopped the stream"
      s.close
      assert_equal 5, @m.count(HAY)
    end
  end

  # --- the trampoline's own safety net ---------------------------------------------------

  def test_collector_called_outside_a_feed_stops_instead_of_raising_into_rust
    # A real native -> Ruby crossing through the FFI::Function, outside Callbacks.collect,
    # where there is no buffer to collect into: the error is kept and the callback answers
    # ERROR (non-zero: stop) instead of raising into its caller.
    Thread.new do
      m = FFI::MemoryPointer.new(:char, Hayscan::Native::MATCH_SIZE)
      result = Hayscan::Callbacks::COLLECTOR.call(FFI::Pointer.new(1), m)
      assert_equal Hayscan::Callbacks::ERROR, result
      assert_kind_of Hayscan::Error, Thread.current[Hayscan::Callbacks::ERROR_KEY]
      assert_match(/outside Stream#feed/, Thread.current[Hayscan::Callbacks::ERROR_KEY].message)
    end.join
  end
end
