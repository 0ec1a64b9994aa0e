# frozen_string_literal: true

# Ruby threads and hayscan's calls without the GVL (issue 13): two Ruby threads, each
# running Matcher#scan_file with a block on its own 100 MB file, against the same two
# scans one after the other; and count(text, threads: 2) against count(text) on 100 MB
# in memory; and, for reference, scan_file as it was before jobs (a Stream fed from Ruby,
# the GVL held during each feed). Contenders are interleaved in one process, their order rotated each round;
# wall and CPU time (the process's, all threads) are reported, best and median.
#
#   ruby -I ruby/lib bench/ruby/threads.rb [--data /work/bench/data] [--rounds 5] [--mb 100]
#                                          [--sets 'dense-1000,regex:\b[a-z]{12,}\b']
#
# The 100 MB files are bench/corpus's english.txt repeated, written to /tmp once
# (generate the corpus with `python3 bench/corpus/generate.py /work/bench/data
# --english-bytes 4194304 --log-bytes 1048576` if it is missing). The scan_file pair runs
# once per set: a patterns/ file name, or `regex:` and one regex. The block's Ruby work per
# match is serialised by the GVL, so the matches' density decides what two threads can
# gain: dense-1000 has a match every 12 bytes of this corpus, the regex about one per
# 180 bytes with a slower scan. count uses the first set.

require "hayscan"
require "json"

OPT = { "data" => "/work/bench/data", "rounds" => "5", "mb" => "100", "sets" => 'dense-1000,regex:\b[a-z]{12,}\b' }
args = ARGV.dup
until args.empty?
  key = args.shift.delete_prefix("--")
  abort "usage: threads.rb [--data DIR] [--rounds N] [--mb N] [--sets SET,SET...]" unless OPT.key?(key) && !args.empty?
  OPT[key] = args.shift
end
ROUNDS = Integer(OPT["rounds"])
BYTES = Integer(OPT["mb"]) << 20

def clock(id = Process::CLOCK_MONOTONIC)
  Process.clock_gettime(id)
end

# A file of BYTES bytes: the corpus repeated, `name` in /tmp (kept between runs).
def corpus_file(name)
  path = "/tmp/hayscan-ruby-bench-#{name}-#{BYTES >> 20}mb.txt"
  return path if File.exist?(path) && File.size(path) == BYTES

  base = File.binread(File.join(OPT["data"], "english.txt"))
  File.open("#{path}.tmp", "wb") do |f|
    left = BYTES
    while left.positive?
      piece = left >= base.bytesize ? base : base.byteslice(0, left)
      f.write(piece)
      left -= piece.bytesize
    end
  end
  File.rename("#{path}.tmp", path)
  path
end

SETS = OPT["sets"].split(/,(?![^{]*})/) # commas inside {m,n} belong to the regex
matchers = SETS.to_h do |set|
  if set.start_with?("regex:")
    [set, Hayscan::Matcher.regex([set.delete_prefix("regex:")])]
  else
    patterns = File.read(File.join(OPT["data"], "patterns", "#{set}.txt")).split("\n").reject(&:empty?)
    [set, Hayscan::Matcher.new(patterns)]
  end
end
files = [corpus_file("a"), corpus_file("b")]

# The work of one thread: a scan_file whose block does a little Ruby work per match.
scan = lambda do |m, path|
  n = 0
  len = 0
  m.scan_file(path) do |hit|
    n += 1
    len += hit.byte_end - hit.byte_start
  end
  [n, len]
end

text = File.binread(files[0]).freeze
counter = matchers.fetch(SETS.first)
contenders = {}
PAIRS = []
SETS.each do |set|
  m = matchers[set]
  seq = "scan_file x2, sequential (#{set})"
  par = "scan_file x2, two threads (#{set})"
  contenders[seq] = -> { files.map { |f| scan.call(m, f) } }
  contenders[par] = -> { files.map { |f| Thread.new { scan.call(m, f) } }.map(&:value) }
  PAIRS << [seq, par]
end
# Before jobs: scan_file fed a Stream from Ruby, with the GVL held during each feed.
before = matchers.fetch(SETS.first)
old_scan = lambda do |path|
  n = 0
  len = 0
  before.send(:scan_file_streamed, path) do |hit|
    n += 1
    len += hit.byte_end - hit.byte_start
  end
  [n, len]
end
contenders["before jobs: Stream-fed scan_file x2, sequential (#{SETS.first})"] = -> { files.map { |f| old_scan.call(f) } }
contenders["before jobs: Stream-fed scan_file x2, two threads (#{SETS.first})"] = lambda do
  files.map { |f| Thread.new { old_scan.call(f) } }.map(&:value)
end
PAIRS << contenders.keys.last(2)
contenders["count, 1 thread (#{SETS.first})"] = -> { counter.count(text) }
contenders["count, threads: 2 (#{SETS.first})"] = -> { counter.count(text, threads: 2) }
PAIRS << contenders.keys.last(2)
answers = {}
times = Hash.new { |h, k| h[k] = [] }
load_before = File.read("/proc/loadavg").split.first
ROUNDS.times do |round|
  contenders.keys.rotate(round).each do |name|
    GC.start
    wall = clock
    cpu = clock(Process::CLOCK_PROCESS_CPUTIME_ID)
    answer = contenders[name].call
    times[name] << [clock - wall, clock(Process::CLOCK_PROCESS_CPUTIME_ID) - cpu]
    answers[name] ||= answer
    abort "#{name}: answer changed (#{answer.inspect} vs #{answers[name].inspect})" unless answers[name] == answer
  end
end
PAIRS.each do |one, two|
  abort "#{two} gave another answer than #{one}" unless answers[one] == answers[two]
end

def median(xs)
  s = xs.sort
  s.size.odd? ? s[s.size / 2] : (s[s.size / 2 - 1] + s[s.size / 2]) / 2
end

summary = contenders.keys.to_h do |name|
  walls = times[name].map(&:first)
  cpus = times[name].map(&:last)
  [name, { wall_best_s: walls.min, wall_median_s: median(walls), cpu_best_s: cpus.min, cpu_median_s: median(cpus) }]
end
puts "ruby #{RUBY_VERSION}, ffi #{FFI::VERSION}, libhayscan #{Hayscan.library_version}, #{`nproc`.strip} CPUs, " \
     "load average #{load_before} at the start, #{File.read('/proc/loadavg').split.first} at the end; " \
     "#{ROUNDS} rounds; two #{BYTES >> 20} MB files (english.txt repeated); matches per file: " +
     SETS.map { |set| "#{set} #{answers[PAIRS[SETS.index(set)][0]].first.first}" }.join(", ")
puts
puts "| contender | wall best (s) | wall median (s) | CPU best (s) | CPU median (s) |"
puts "|---|---:|---:|---:|---:|"
summary.each do |name, s|
  puts format("| %s | %.3f | %.3f | %.3f | %.3f |", name, s[:wall_best_s], s[:wall_median_s], s[:cpu_best_s], s[:cpu_median_s])
end
puts
PAIRS.each do |one, two|
  a = summary[one]
  b = summary[two]
  puts format("%s vs %s: %.2fx (best), %.2fx (median)", two, one, a[:wall_best_s] / b[:wall_best_s],
              a[:wall_median_s] / b[:wall_median_s])
end
puts JSON.generate(schema: "hayscan-bench/1", host: "ruby", workload: "threads", summary: summary)
matchers.each_value(&:close)
