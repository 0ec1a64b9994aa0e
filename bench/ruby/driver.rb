# frozen_string_literal: true

# Ruby driver of the cross-host benchmark (bench/README.md): hayscan through the ffi gem
# against what Ruby users otherwise write — Regexp.union + scan, gsub(hash) — on the data
# of bench/corpus/generate.py, printing one JSON object per measurement in the common
# schema.
#
#   ruby -I ruby/lib driver.rb --data DIR [--reps 3] [--calls 1000000] [--budget 0.25]
#   ruby -I ruby/lib driver.rb --data DIR --memory hayscan:dense-10000
#   ruby -I ruby/lib driver.rb --data DIR --workload answers   (that workload alone)
#
# Slow contenders run on a prefix of the corpus sized so one run takes about --budget
# seconds ("capped": true in the row); their per-byte cost does not depend on the length.

require "json"

SET_SIZES = [10, 1000, 10_000, 100_000].freeze

OPT = { "data" => "bench/data/quick", "reps" => "3", "calls" => "1000000", "budget" => "0.25",
        "memory" => nil, "min-rep-ms" => "20", "workload" => nil }
args = ARGV.dup
until args.empty?
  flag = args.shift
  key = flag.delete_prefix("--")
  unless flag.start_with?("--") && OPT.key?(key) && !args.empty?
    warn "usage: ruby driver.rb --data DIR [--reps N] [--calls N] [--budget S] [--memory IMPL:SET] [--workload answers]"
    exit 2
  end
  OPT[key] = args.shift
end
DIR = OPT["data"]
REPS = [OPT["reps"].to_i, 1].max
BUDGET = OPT["budget"].to_f
MIN_REP = OPT["min-rep-ms"].to_i / 1000.0

def clock
  Process.clock_gettime(Process::CLOCK_MONOTONIC)
end

def emit(row)
  row = { schema: "hayscan-bench/1", host: "ruby" }.merge(row)
  row[:status] ||= "ok"
  puts JSON.generate(row)
  $stdout.flush
end

def stats(times, bytes: nil, calls: nil)
  sorted = times.sort
  n = sorted.size
  median = n.odd? ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  s = { reps: n, times_s: times, median_s: median, min_s: sorted.first, max_s: sorted.last }
  s[:mbps] = bytes / median / 1e6 if bytes && median.positive?
  s[:ns_per_call] = median * 1e9 / calls if calls
  s
end

def vm_kb(field)
  File.read("/proc/self/status")[/^#{field}\s+(\d+)/, 1].to_i
rescue SystemCallError
  0
end

def load(name)
  File.read(File.join(DIR, name), encoding: "UTF-8")
rescue SystemCallError => e
  warn "#{e.message}: run bench/corpus/generate.py"
  exit 1
end

def patterns(set)
  load("patterns/#{set}.txt").split("\n").reject(&:empty?)
end

# The first ~len bytes of text, cut after a separator so no word (or line) is split.
def prefix(text, len, sep)
  return text if len >= text.bytesize

  head = text.byteslice(0, len)
  cut = head.rindex(sep)
  head = head[0..cut] if cut
  head.scrub
end

# Smallest prefix a capped measurement runs on.
TRIAL_BYTES = 4096

# Times the block on text: a warm-up run, then REPS repetitions of `inner` runs each
# (`inner` chosen so a repetition lasts at least MIN_REP). With cappable, a trial on a
# 4 KB prefix predicts the cost and, if the whole text would take more than BUDGET, the
# measurement runs on a prefix sized to the budget.
def measure(text, cappable: false, sep: " ")
  input = text
  capped = false
  growth = 1.0
  if cappable
    trial = prefix(text, TRIAL_BYTES, sep)
    t = clock
    result = yield trial
    spent = clock - t
    # Too slow to repeat even on the smallest prefix: the trial is the measurement.
    if spent > 2 * BUDGET
      return { times: [spent], inner: 1, result: result, bytes: trial.bytesize, capped: true }
    end
    # A second trial on 8 KB gives how the cost grows with the input (some contenders are
    # superlinear): t(len) = t2 * (len / len2) ** growth.
    trial2 = prefix(text, 2 * TRIAL_BYTES, sep)
    t = clock
    yield trial2
    spent2 = clock - t
    growth = (Math.log([spent2, 1e-9].max / [spent, 1e-9].max) / Math.log(trial2.bytesize.to_f / trial.bytesize)).clamp(1.0, 3.0)
    predicted = spent2 * (text.bytesize.to_f / trial2.bytesize)**growth
    if predicted > BUDGET
      len = trial2.bytesize * (BUDGET / spent2)**(1 / growth)
      input = prefix(text, [TRIAL_BYTES, len.to_i].max, sep)
      capped = true
    end
  end
  result = nil
  t = clock
  result = yield input
  warm = clock - t
  # A contender whose cost grows faster than the input: the warm-up is the measurement.
  if cappable && warm > 2 * BUDGET
    return { times: [warm], inner: 1, result: result, bytes: input.bytesize, capped: capped, growth: growth }
  end
  inner = warm >= MIN_REP ? 1 : (MIN_REP / [warm, 1e-7].max).to_i + 1
  times = Array.new(REPS) do
    t = clock
    inner.times do
      result = nil # never hold two results while the next is built
      result = yield input
    end
    (clock - t) / inner
  end
  { times: times, inner: inner, result: result, bytes: input.bytesize, capped: capped, growth: growth }
rescue StandardError, SystemStackError, NoMemoryError => e
  { error: "#{e.class}: #{e.message[0, 300]}" }
end

def report(base, m, extra = {})
  if m[:error]
    emit(base.merge(status: "error", reason: m[:error]).merge(extra))
    return
  end
  row = base.merge(bytes: m[:bytes], capped: m[:capped], inner: m[:inner])
  if m[:growth] && m[:growth] > 1.3
    row[:note] = format("cost grows as input^%.1f: measured on a prefix, slower on longer input", m[:growth])
  end
  row[:matches] = yield(m[:result]) if block_given?
  emit(row.merge(extra).merge(stats(m[:times], bytes: m[:bytes])))
end

def time_build
  times = []
  result = nil
  REPS.times do
    result = nil
    GC.start
    t = clock
    result = yield
    times << clock - t
    break if times.last > 1.0
  end
  { times: times, result: result }
rescue StandardError, SystemStackError, NoMemoryError => e
  { error: "#{e.class}: #{e.message[0, 300]}" }
end

def union(words)
  Regexp.union(words)
end

def regex_union(regexes)
  Regexp.new(regexes.map { |r| "(?:#{r})" }.join("|"))
end

# Longest first: an alternation in this order matches leftmost-longest (strtr's rule).
def longest_first(words)
  words.sort_by { |w| [-w.bytesize, w] }
end

begin
  require "hayscan"
  HAYSCAN = true
rescue LoadError => e
  HAYSCAN = false
  emit(workload: "scan", impl: "hayscan", status: "unavailable", reason: e.message.lines.first.strip)
end

# ---- memory mode -----------------------------------------------------------------------

if OPT["memory"]
  impl, set = OPT["memory"].split(":", 2)
  regex = set == "secrets"
  text = load(regex ? "log.txt" : "english.txt")
  pats = patterns(set)
  base = vm_kb("VmHWM:")
  row = { workload: "memory", impl: impl, set: set, patterns: pats.size, corpus: regex ? "log" : "english" }
  begin
    case impl
    when "hayscan"
      m = regex ? Hayscan::Matcher.regex(pats) : Hayscan::Matcher.new(pats)
      row.merge!(api: "Matcher.new + count", matches: m.count(text), bytes: text.bytesize,
                 automaton_bytes: m.memory_usage)
    when "Regexp.union#scan"
      re = regex ? regex_union(pats) : union(pats)
      input = prefix(text, 256 * 1024, regex ? "\n" : " ")
      n = 0
      input.scan(re) { n += 1 }
      row.merge!(api: "Regexp.union + scan", matches: n, bytes: input.bytesize, capped: true)
    else
      warn "unknown implementation #{impl}"
      exit 2
    end
  rescue StandardError, SystemStackError => e
    emit(row.merge(status: "error", reason: e.message[0, 300]))
    exit 0
  end
  emit(row.merge(base_rss_kb: base, peak_rss_kb: vm_kb("VmHWM:")))
  exit 0
end

# ---- the run ---------------------------------------------------------------------------

emit(workload: "version", impl: "ruby", version: RUBY_VERSION, ffi: (FFI::VERSION rescue nil),
     hayscan: HAYSCAN ? Hayscan::VERSION : nil, yjit: defined?(RubyVM::YJIT) && RubyVM::YJIT.enabled? ? true : false)

english = load("english.txt").freeze

# ---- answers without a Match per match (issue 14) --------------------------------------

# A list of inputs that measure() can time: its bytesize is the inputs' total.
class Inputs < Array
  def bytesize
    sum(&:bytesize)
  end
end

def answers_workload(english)
  [1000, 10_000].each do |n|
    set = "dense-#{n}"
    pats = patterns(set)
    base = { workload: "answers", set: set, patterns: pats.size, corpus: "english" }
    re = union(pats)
    id_of = pats.each_with_index.to_h
    m = HAYSCAN ? Hayscan::Matcher.new(pats) : nil

    t = base.merge(task: "count_by_pattern")
    if m
      report(t.merge(impl: "hayscan", api: "count_by_pattern"), measure(english) { |x| m.count_by_pattern(x) }, &:sum)
      report(t.merge(impl: "hayscan", api: "find_all + Array counts"),
             measure(english) do |x|
               counts = Array.new(pats.size, 0)
               m.find_all(x).each { |hit| counts[hit.pattern] += 1 }
               counts
             end, &:sum)
    end
    report(t.merge(impl: "Regexp.union#scan", api: "scan(Regexp.union).tally"),
           measure(english, cappable: true) { |x| x.scan(re).tally }) { |r| r.values.sum }

    t = base.merge(task: "matching_patterns")
    if m
      report(t.merge(impl: "hayscan", api: "matching_patterns"), measure(english) { |x| m.matching_patterns(x) }, &:size)
      report(t.merge(impl: "hayscan", api: "find_all.map(&:pattern).uniq.sort"),
             measure(english) { |x| m.find_all(x).map(&:pattern).uniq.sort }, &:size)
    end
    report(t.merge(impl: "Regexp.union#scan", api: "scan(Regexp.union).uniq"),
           measure(english, cappable: true) { |x| x.scan(re).uniq }, &:size)

    t = base.merge(task: "whole_words")
    if m
      w = Hayscan::Matcher.new(pats, whole_words: true)
      report(t.merge(impl: "hayscan", api: "Matcher.new(whole_words: true).count"), measure(english) { |x| w.count(x) }) { |r| r }
      w.close
      alternation = pats.map { |p| Regexp.escape(p) }.join("|")
      begin
        r = Hayscan::Matcher.regex(["\\b(?:#{alternation})\\b"], ascii_classes: true, max_regex_states: 1 << 40)
        report(t.merge(impl: "hayscan", api: "Matcher.regex(\\b(?:...)\\b, ascii_classes: true).count"),
               measure(english, cappable: true) { |x| r.count(x) }) { |c| c }
        r.close
      rescue Hayscan::Error => e
        emit(t.merge(impl: "hayscan", api: "Matcher.regex(\\b(?:...)\\b, ascii_classes: true).count",
                     status: "error", reason: e.message[0, 300]))
      end
    end
    bre = Regexp.new("\\b(?:#{re.source})\\b")
    report(t.merge(impl: "Regexp.union#scan", api: "scan(/\\b(?:...)\\b/).size"),
           measure(english, cappable: true) { |x| x.scan(bre).size }) { |c| c }

    t = base.merge(task: "find_all_columnar")
    if m
      report(t.merge(impl: "hayscan", api: "find_all_columns"), measure(english) { |x| m.find_all_columns(x) }) { |r| r[0].size }
      report(t.merge(impl: "hayscan", api: "find_all"), measure(english) { |x| m.find_all(x) }, &:size)
    end
    report(t.merge(impl: "Regexp.union#scan", api: "scan(Regexp.union) { $~ } into columns"),
           measure(english, cappable: true) do |x|
             ids = []
             starts = []
             ends = []
             x.scan(re) do
               md = Regexp.last_match
               ids << id_of[md[0]]
               starts << md.begin(0)
               ends << md.end(0)
             end
             [ids, starts, ends]
           end) { |r| r[0].size }
    m&.close
  end

  # Many ~100-byte inputs in one call (small.txt, dense-10), in ns per input.
  small = Inputs.new(load("small.txt").split("\n").reject(&:empty?))
  words = patterns("dense-10")
  re = union(words)
  base = { workload: "answers", task: "is_match_many", set: "dense-10", patterns: words.size,
           corpus: "small", inputs: small.size }
  per_input = lambda do |row, r|
    report(row, r, r[:times] ? { ns_per_input: stats(r[:times])[:median_s] * 1e9 / small.size } : {}) { |x| x.count(true) }
  end
  if HAYSCAN
    m = Hayscan::Matcher.new(words)
    per_input.call(base.merge(impl: "hayscan", api: "match_many?(list)"), measure(small) { |l| m.match_many?(l) })
    per_input.call(base.merge(impl: "hayscan", api: "list.map { match? }"), measure(small) { |l| l.map { |s| m.match?(s) } })
    m.close
  end
  per_input.call(base.merge(impl: "Regexp.union#scan", api: "list.map { Regexp#match? }"),
                 measure(small) { |l| l.map { |s| re.match?(s) } })
  per_input.call(base.merge(impl: "include?", api: "list.map { words.any? { include? } }"),
                 measure(small) { |l| l.map { |s| words.any? { |w| s.include?(w) } } })
end

case OPT["workload"]
when nil
  nil
when "answers"
  answers_workload(english)
  exit 0
else
  warn "unknown workload #{OPT["workload"]} (known: answers)"
  exit 2
end

log = load("log.txt").freeze

# Building.
(SET_SIZES.map { |n| "dense-#{n}" } + ["secrets"]).each do |set|
  pats = patterns(set)
  regex = set == "secrets"
  base = { workload: "build", set: set, patterns: pats.size }
  if HAYSCAN
    b = time_build { regex ? Hayscan::Matcher.regex(pats) : Hayscan::Matcher.new(pats) }
    if b[:error]
      emit(base.merge(impl: "hayscan", api: "Matcher.new", status: "error", reason: b[:error]))
    else
      emit(base.merge(impl: "hayscan", api: "Matcher.new", automaton_bytes: b[:result].memory_usage).merge(stats(b[:times])))
    end
  end
  b = time_build { regex ? regex_union(pats) : union(pats) }
  if b[:error]
    emit(base.merge(impl: "Regexp.union#scan", api: "Regexp.union", status: "error", reason: b[:error]))
  else
    emit(base.merge(impl: "Regexp.union#scan", api: "Regexp.union").merge(stats(b[:times])))
  end
end

# Scanning literal sets.
%w[sparse dense].each do |density|
  SET_SIZES.each do |n|
    set = "#{density}-#{n}"
    pats = patterns(set)
    base = { workload: "scan", set: set, patterns: n, corpus: "english" }
    if HAYSCAN
      m = Hayscan::Matcher.new(pats)
      lf = base.merge(impl: "hayscan", semantics: "leftmost-first")
      report(lf.merge(api: "count"), measure(english) { |t| m.count(t) }) { |r| r }
      report(lf.merge(api: "find_all"), measure(english) { |t| m.find_all(t) }, &:size)
      report(lf.merge(api: "scan { }"), measure(english) { |t| m.scan(t) { |_| nil } }) { |r| r }
      m.close
      o = Hayscan::Matcher.new(pats, match_kind: :overlapping)
      report(base.merge(impl: "hayscan", semantics: "overlapping", api: "count"), measure(english) { |t| o.count(t) }) { |r| r }
      o.close
    end
    re = union(pats)
    report(base.merge(impl: "Regexp.union#scan", api: "scan(Regexp.union)", semantics: "leftmost-first"),
           measure(english, cappable: true) { |t| t.scan(re) }, &:size)
  end
end

# Regexes over the log corpus.
secrets = patterns("secrets")
base = { workload: "regex", set: "secrets", patterns: secrets.size, corpus: "log", semantics: "leftmost-first" }
if HAYSCAN
  m = Hayscan::Matcher.regex(secrets)
  report(base.merge(impl: "hayscan", api: "count"), measure(log) { |t| m.count(t) }) { |r| r }
  report(base.merge(impl: "hayscan", api: "find_all"), measure(log) { |t| m.find_all(t) }, &:size)
  m.close
end
re = regex_union(secrets)
report(base.merge(impl: "Regexp.union#scan", api: "scan(union of regexes)"),
       measure(log, cappable: true, sep: "\n") { |t| t.scan(re) }, &:size)

# Replacing: leftmost-longest (a longest-first union); pattern i becomes "<i>".
SET_SIZES.each do |n|
  set = "dense-#{n}"
  pats = patterns(set)
  with = pats.each_index.map { |i| "<#{i}>" }
  base = { workload: "replace", set: set, patterns: n, corpus: "english", semantics: "leftmost-longest" }
  hayscan_out = nil
  if HAYSCAN
    m = Hayscan::Matcher.new(pats, match_kind: :leftmost_longest)
    r = measure(english) { |t| m.replace_all(t, with) }
    hayscan_out = r[:result]
    report(base.merge(impl: "hayscan", api: "replace_all(list)"), r,
           r[:result] ? { result_bytes: r[:result].bytesize, matches: m.count(english) } : {})
    m.close
  end
  hash = pats.zip(with).to_h
  re = Regexp.union(longest_first(pats))
  r = measure(english, cappable: true) { |t| t.gsub(re, hash) }
  extra = r[:result] ? { result_bytes: r[:result].bytesize } : {}
  extra[:same_result_as_hayscan] = r[:result] == hayscan_out if r[:result] && hayscan_out && !r[:capped]
  report(base.merge(impl: "gsub(hash)", api: "gsub(Regexp.union, hash)"), r, extra)
end

# One call per ~100-byte input.
small = load("small.txt").split("\n").reject(&:empty?)
calls = OPT["calls"].to_i
words = patterns("dense-10")
bytes = Array.new(calls) { |i| small[i % small.size].bytesize }.sum
base = { workload: "is_match", set: "dense-10", patterns: words.size, corpus: "small", calls: calls, bytes: bytes }
# Slow sides make fewer calls (at least 1,000): about 4 budgets per repetition.
loop_calls = lambda do |test|
  n = small.size
  t = clock
  1000.times { |i| test.call(small[i % n]) }
  count = [calls, [1000, (4 * BUDGET / ((clock - t) / 1000)).floor].max].min
  hits = 0
  times = Array.new(REPS) do
    hits = 0
    t = clock
    i = 0
    while i < count
      hits += 1 if test.call(small[i % n])
      i += 1
    end
    clock - t
  end
  [times, hits, count]
end
side_row = lambda do |times, hits, count|
  side_bytes = Array.new(count) { |i| small[i % small.size].bytesize }.sum
  { calls: count, bytes: side_bytes, capped: count < calls, matches: hits }.merge(stats(times, bytes: side_bytes, calls: count))
end
# The loop itself: a lambda call per input, whose cost every row below includes.
emit(base.merge(impl: "baseline", api: "empty lambda").merge(side_row.call(*loop_calls.call(->(s) { s.empty? }))))
if HAYSCAN
  m = Hayscan::Matcher.new(words)
  emit(base.merge(impl: "hayscan", api: "match?").merge(side_row.call(*loop_calls.call(->(s) { m.match?(s) }))))
end
re = union(words)
emit(base.merge(impl: "Regexp.union#scan", api: "Regexp#match?").merge(side_row.call(*loop_calls.call(->(s) { re.match?(s) }))))
emit(base.merge(impl: "include?", api: "words.any? { include? }")
         .merge(side_row.call(*loop_calls.call(->(s) { words.any? { |w| s.include?(w) } }))))

answers_workload(english)
