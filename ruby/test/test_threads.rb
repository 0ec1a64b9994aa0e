# frozen_string_literal: true

# One Matcher shared by many Ruby threads; large haystacks are scanned with the GVL
# released.

require_relative "test_helper"

class TestThreads < Minitest::Test
  WORDS = %w[alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu].freeze

  def texts
    rng = Random.new(7)
    small = Array.new(40) { Array.new(rng.rand(1..60)) { WORDS.sample(random: rng) + %w[x y].sample(random: rng) }.join(" ") }
    # Large ones (> Matcher::NOGVL_BYTES) take the GVL-releasing path.
    large = Array.new(2) { |i| Array.new(12_000) { WORDS[(_1 * (i + 3)) % WORDS.size] }.join(i.even? ? " " : "é ") }
    small + large
  end

  def work(m, text)
    [m.find_all(text).map(&:to_h), m.count(text), m.match?(text), m.find(text)&.to_h,
     m.scan(text).count, m.replace_all(text, "*").hash, m.replace(text) { |x| x.pattern.to_s }.hash]
  end

  def test_eight_threads_sharing_one_matcher_match_sequential_results
    m = matcher(WORDS, match_kind: :leftmost_longest)
    inputs = texts
    assert_operator inputs.last.bytesize, :>, Hayscan::Matcher::NOGVL_BYTES
    expected = inputs.map { |t| work(m, t) }
    assert_no_leaks do
      results = Array.new(8) do |k|
        Thread.new { inputs.rotate(k * 5).map { |t| [t, work(m, t)] }.to_h }
      end.map(&:value)
      results.each do |by_text|
        inputs.each_with_index { |t, i| assert_equal expected[i], by_text.fetch(t) }
      end
    end
  end

  def test_streams_in_threads
    m = matcher(WORDS)
    text = texts[-2]
    want = m.find_all(text)
    assert_no_leaks do
      got = Array.new(8) do |k|
        Thread.new do
          s = m.stream
          out = []
          s.on { |x| out << x }
          text.b.each_char.each_slice(1000 + k * 37) { |c| s << c.join.force_encoding(text.encoding) }
          s.finish
          s.close
          out
        end
      end.map(&:value)
      got.each { |g| assert_equal want, g }
    end
  end

  def test_large_scans_release_the_gvl
    m = matcher(%w[needle])
    hay = "#{'haystack ' * 2_000_000}needle" # 18 MB: one count takes milliseconds
    ticks = 0
    stop = false
    ticker = Thread.new do
      until stop
        ticks += 1
        Thread.pass
      end
    end
    Thread.pass until ticks.positive?
    # While the GVL is held by a native call no other Ruby thread can run, so the ticker
    # advancing during one call proves the call released it. A call is long; retry in case
    # the OS did not schedule the ticker during one of them.
    progressed = 20.times.any? do
      before = ticks
      assert_equal 1, m.count(hay)
      ticks > before
    end
    stop = true
    ticker.join
    assert progressed, "no other thread ran during 20 large native scans"
  end

  def test_close_while_other_threads_scan
    assert_no_leaks do
      m = Hayscan::Matcher.new(WORDS)
      big = texts.last
      outcomes = Queue.new
      threads = Array.new(6) do
        Thread.new do
          50.times do
            m.count(big)
            m.find_all("alpha beta")
          end
          outcomes << :finished
        rescue Hayscan::ClosedError
          outcomes << :closed
        end
      end
      Thread.pass
      m.close
      threads.each(&:join)
      assert_equal 6, outcomes.size
      assert m.closed?
    end
  end
end
