# frozen_string_literal: true

# hayscan vs what Ruby users would otherwise write, on the same data in one run:
#   - Regexp.union(words) + String#scan, and String#gsub(regexp, hash), against
#     Matcher#count / #scan / #find_all / #replace_all, for 10, 1,000 and 10,000 keywords
#     over a multi-MB English-like text;
#   - per-call overhead of Matcher#match? on a 100-byte string vs String#include? and
#     Regexp#match?;
#   - the cost per match of a block (scan: pull iterator; replace and stream: callbacks).
#
# Deterministic: words from /usr/share/dict/words (Debian wamerican), a seeded PRNG.
# Ruby's regexes get slow with big alternations, so a slow side runs on a prefix of the
# text, grown until a run takes long enough to time; the table notes the size used.
# Every pair of sides is checked to produce the same result on the same input.
#
#   ruby -I ruby/lib bench/ruby/bench.rb        (QUICK=1 for a short run)

require "hayscan"
require "etc"

QUICK = ENV["QUICK"] == "1"
CORPUS_MB = QUICK ? 1 : 8
MIN_TIME = QUICK ? 0.05 : 0.4 # seconds a measurement must last
SLOW_BUDGET = QUICK ? 0.5 : 3.0 # seconds a slow side may spend per measurement
WORDS_FILE = ENV.fetch("WORDS", "/usr/share/dict/words")
OUT = ENV.fetch("BENCH_OUT", File.expand_path("../out/ruby.md", __dir__))

def now = Process.clock_gettime(Process::CLOCK_MONOTONIC)

# Best of 3 trials, each running the block until MIN_TIME / 3 has passed: the minimum is
# the least disturbed by other processes. Returns [seconds per run, result].
def measure
  result = yield # warm-up, and the result to cross-check
  best = Float::INFINITY
  3.times do
    runs = 0
    start = now
    loop do
      yield
      runs += 1
      elapsed = now - start
      if elapsed >= MIN_TIME / 3
        best = [best, elapsed / runs].min
        break
      end
    end
  end
  [best, result]
end

# For sides that may be very slow: times the block on growing prefixes of `text` until one
# run takes at least MIN_TIME / 4, the whole text is used, or the next doubling would
# exceed SLOW_BUDGET. Returns [MB/s, bytes used, result on that prefix].
def measure_prefix(text)
  size = [16 * 1024, text.bytesize].min
  loop do
    prefix = text.byteslice(0, size)
    t0 = now
    result = yield prefix
    elapsed = now - t0
    done = elapsed >= MIN_TIME / 4 || size == text.bytesize || elapsed * 2.2 > SLOW_BUDGET
    if done
      if elapsed < MIN_TIME # fast enough to repeat: best of 3, like `measure`
        2.times do
          t0 = now
          yield prefix
          elapsed = [elapsed, now - t0].min
        end
      end
      return [size / elapsed / 1e6, size, result, prefix]
    end

    size = [size * 2, text.bytesize].min
  end
end

def mbps(bytes, seconds) = bytes / seconds / 1e6
def fmt_rate(x) = x >= 100 ? format("%.0f", x) : format("%.3g", x)
def fmt_size(bytes) = bytes >= 1_000_000 ? format("%.1f MB", bytes / 1e6) : format("%d KB", bytes / 1000)

dictionary = File.readlines(WORDS_FILE, chomp: true).grep(/\A[a-z]{3,}\z/).uniq.sort
rng = Random.new(20_240_601)
vocabulary = dictionary.sample(20_000, random: rng)
sentences = []
bytes = 0
while bytes < CORPUS_MB * 1_000_000
  s = Array.new(rng.rand(6..18)) { vocabulary.sample(random: rng) }.join(" ").capitalize << ".\n"
  sentences << s
  bytes += s.bytesize
end
text = sentences.join.freeze
keyword_sets = [10, 1_000, 10_000].to_h { |n| [n, vocabulary.sample(n, random: rng)] }

lines = []
say = ->(line = "") { puts line; lines << line }
say.call "## Ruby benchmark (bench/ruby/bench.rb#{' QUICK=1' if QUICK})"
say.call
loadavg = -> { File.exist?("/proc/loadavg") ? File.read("/proc/loadavg").split.first : "n/a" }
say.call "ruby #{RUBY_VERSION}, ffi #{FFI::VERSION}, libhayscan #{Hayscan.library_version}, " \
         "#{Etc.nprocessors} CPUs (load average #{loadavg.call} at the start), single thread. Corpus: #{fmt_size(text.bytesize)} of English-like " \
         "text from #{WORDS_FILE} (#{vocabulary.size}-word vocabulary, seeded). Keywords are " \
         "vocabulary words, so matches are dense (they also match inside longer words)."
say.call

# --- throughput ------------------------------------------------------------------------
say.call "### Throughput: find every keyword (MB/s, higher is better)"
say.call
say.call "| keywords | matches | hayscan count | hayscan scan { } | hayscan find_all | Regexp.union + scan | ratio scan { } / union | hayscan replace_all | gsub(hash) | ratio replace_all / gsub |"
say.call "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
build_rows = []
keyword_sets.each do |n, words|
  build_hayscan, m = measure { Hayscan::Matcher.new(words) }
  build_union, re = measure { Regexp.union(words) }
  build_rows << [n, build_hayscan, build_union]
  replacements = words.map(&:upcase)
  table = words.zip(replacements).to_h

  t_count, total = measure { m.count(text) }
  t_scan, visited = measure { m.scan(text) { |_| nil } }
  t_all, all = measure { m.find_all(text).size }
  raise "scan/find_all disagree" unless visited == total && all == total

  union_rate, union_bytes, union_count, prefix = measure_prefix(text) { |p| p.scan(re).size }
  raise "Regexp.union found #{union_count}, hayscan #{m.count(prefix)}" unless union_count == m.count(prefix)

  t_rep, = measure { m.replace_all(text, replacements) }
  gsub_rate, gsub_bytes, gsub_out, gprefix = measure_prefix(text) { |p| p.gsub(re, table) }
  raise "gsub(hash) and replace_all differ" unless gsub_out == m.replace_all(gprefix, replacements)

  scan_rate = mbps(text.bytesize, t_scan)
  rep_rate = mbps(text.bytesize, t_rep)
  union_note = union_bytes < text.bytesize ? " (on #{fmt_size(union_bytes)})" : ""
  gsub_note = gsub_bytes < text.bytesize ? " (on #{fmt_size(gsub_bytes)})" : ""
  say.call "| #{n} | #{total} | #{fmt_rate(mbps(text.bytesize, t_count))} | #{fmt_rate(scan_rate)} | " \
           "#{fmt_rate(mbps(text.bytesize, t_all))} | #{fmt_rate(union_rate)}#{union_note} | " \
           "#{format('%.1f', scan_rate / union_rate)}x | #{fmt_rate(rep_rate)} | " \
           "#{fmt_rate(gsub_rate)}#{gsub_note} | #{format('%.1f', rep_rate / gsub_rate)}x |"
  m.close
end
say.call
say.call "The Ruby regex sides run on the prefix shown when the whole text would take too long; " \
         "their rate on a prefix is what they would sustain (their cost grows with the input)."
say.call "`scan { }`, `find_all` and `replace_all` results are checked equal to `scan(union).size` " \
         "and `gsub(union, hash)` on the same input."
say.call

say.call "### Building the pattern set (ms)"
say.call
say.call "| keywords | Hayscan::Matcher.new | Regexp.union |"
say.call "|---:|---:|---:|"
build_rows.each { |n, h, u| say.call format("| %d | %.1f | %.1f |", n, h * 1e3, u * 1e3) }
t_big, big = measure { Hayscan::Matcher.new(dictionary) }
say.call format("| %d (all the dictionary's lowercase words; hayscan only) | %.1f | — |", big.pattern_count, t_big * 1e3)
big.close
say.call

# --- per-call overhead ---------------------------------------------------------------
small = "#{vocabulary.first(12).join(' ')} #{'x' * 100}".byteslice(0, 100)
needle = small.split.last(2).first # present in `small`
ten = [needle] + keyword_sets[10].first(9)
m10 = Hayscan::Matcher.new(ten)
re10 = Regexp.union(ten)
miss = "z" * 100
say.call "### Per-call overhead on a 100-byte string (ns per call, lower is better)"
say.call
say.call "| call | hit | miss |"
say.call "|---|---:|---:|"
# Each call runs 1,000 times in a `while` loop; the empty loop is measured too.
def per_call_ns
  t, = measure do
    i = 0
    while i < 1000
      yield
      i += 1
    end
  end
  t / 1000 * 1e9
end
baseline = per_call_ns { nil }
rows = [
  ["hayscan `match?` (10 keywords)", per_call_ns { m10.match?(small) }, per_call_ns { m10.match?(miss) }],
  ["`String#include?` (1 keyword)", per_call_ns { small.include?(needle) }, per_call_ns { miss.include?(needle) }],
  ["`Regexp#match?` (union of the 10 keywords)", per_call_ns { re10.match?(small) }, per_call_ns { re10.match?(miss) }],
  ["hayscan `find` (10 keywords, builds a Match)", per_call_ns { m10.find(small) }, per_call_ns { m10.find(miss) }],
  ["hayscan `count` (10 keywords)", per_call_ns { m10.count(small) }, per_call_ns { m10.count(miss) }]
]
rows.each { |label, hit, miss_ns| say.call format("| %s | %.0f | %.0f |", label, hit, miss_ns) }
say.call
say.call format("Measured in a loop whose empty body costs %.0f ns per iteration. On a hit, hayscan " \
                "`match?` costs %.1fx `String#include?` (one keyword) and %.1fx `Regexp#match?`.",
                baseline, rows[0][1] / rows[1][1], rows[0][1] / rows[2][1])
m10.close
say.call

# --- per-match block cost -------------------------------------------------------------
dense_words = vocabulary.first(2_000)
dense = Hayscan::Matcher.new(dense_words)
dense_text = text.byteslice(0, QUICK ? 300_000 : 2_000_000)
re_dense = Regexp.union(dense_words)
say.call "### Cost per match of a block (dense matches, #{fmt_size(dense_text.bytesize)}, 2,000 keywords)"
say.call
t_count, n = measure { dense.count(dense_text) }
t_scan, = measure { dense.scan(dense_text) { |_| nil } }
t_all, = measure { dense.find_all(dense_text) }
t_text, = measure { dense.scan(dense_text) { |x| x.text } }
t_rep, = measure { dense.replace(dense_text) { |_| "*" } }
t_rep_all, = measure { dense.replace_all(dense_text, "*") }
t_stream, = measure do
  dense.stream do |s|
    s.on { |_| nil }
    s << dense_text
  end
end
t_rscan, rcount = measure { c = 0; dense_text.scan(re_dense) { c += 1 }; c }
raise "Regexp.union count differs" unless rcount == n

per = ->(t, base = t_count) { (t - base) / n * 1e9 }
say.call "#{n} matches; native `count` alone takes #{format('%.0f', t_count / n * 1e9)} ns per match. " \
         "Time per match beyond it:"
say.call
say.call "| operation | ns per match |"
say.call "|---|---:|"
say.call format("| `scan { }` (pull iterator, batches of up to 1,024 matches) | %.0f |", per.call(t_scan))
say.call format("| `scan { \\|m\\| m.text }` (+ a substring per match) | %.0f |", per.call(t_text))
say.call format("| `find_all` (array of Match) | %.0f |", per.call(t_all))
say.call format("| `replace { \"*\" }` (native callback per match, block on the caller's fiber) | %.0f |",
                per.call(t_rep, t_rep_all))
say.call format("| stream handler (native callback per match) | %.0f |", per.call(t_stream))
say.call format("| for scale: `String#scan(Regexp.union) { }` | %.0f (total per match) |", t_rscan / n * 1e9)
dense.close
say.call

say.call "Load average at the end: #{loadavg.call} (other processes share the CPUs: the numbers " \
         "are best-of-3 measurements)."
say.call

if OUT
  Dir.mkdir(File.dirname(OUT)) unless Dir.exist?(File.dirname(OUT))
  File.write(OUT, "#{lines.join("\n")}\n")
  puts "(written to #{OUT})"
end
