# frozen_string_literal: true

# Matching lines of a file (grep -c's answer): Matcher#count_file_lines vs rg and grep.
#
#   nice ruby -I ruby/lib bench/ruby/lines.rb [FILE] [--reps 5] [PATTERNS.txt...]
#
# FILE defaults to /tmp/hayscan-bench-english-100mb.txt, made (if missing) by repeating
# bench/data/full/english.txt to 100 MiB; PATTERNS default to bench/data/full/patterns/
# dense-1000.txt and sparse-1000.txt (one literal a line). Contenders, interleaved in one
# process, order rotated each round: count_file_lines on 1 and 2 threads, `rg --no-config
# -F -c -f PATS FILE` and `LC_ALL=C grep -F -c -f PATS FILE` (child processes; their CPU
# is the children's, from Process.times). Every answer must equal rg's. Not part of any test.

require "hayscan"

ROOT = File.expand_path("../..", __dir__)
file = "/tmp/hayscan-bench-english-100mb.txt"
reps = 5
pattern_files = []
args = ARGV.dup
until args.empty?
  arg = args.shift
  if arg == "--reps" then reps = [Integer(args.shift), 1].max
  elsif arg.end_with?(".txt") && arg.include?("patterns") then pattern_files << arg
  else file = arg
  end
end
pattern_files = %w[dense-1000 sparse-1000].map { |s| File.join(ROOT, "bench/data/full/patterns/#{s}.txt") } if pattern_files.empty?
unless File.file?(file)
  english = File.binread(File.join(ROOT, "bench/data/full/english.txt"))
  File.open(file, "wb") do |f|
    left = 100 << 20
    while left.positive?
      f.write(english.byteslice(0, left))
      left -= english.bytesize
    end
  end
end

# [wall seconds, CPU seconds of this process and its waited children, result]
def timed
  cpu = -> { Process.times.then { |t| t.utime + t.stime + t.cutime + t.cstime } }
  c0 = cpu.call
  t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  result = yield
  [Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0, cpu.call - c0, result]
end

# The count a child prints; rg prints nothing (and exits 1) when no line matches.
def child(*cmd)
  out = IO.popen({ "LC_ALL" => "C" }, cmd, &:read).strip
  out.empty? ? 0 : Integer(out)
end

def median(xs)
  s = xs.sort
  s.size.odd? ? s[s.size / 2] : (s[s.size / 2 - 1] + s[s.size / 2]) / 2.0
end

mb = File.size(file) / 1e6
puts format("%s: %.1f MB, %d rounds, order rotated; %s", file, mb, reps, `uptime`.strip)
pattern_files.each do |pats|
  patterns = File.read(pats).split("\n").reject(&:empty?)
  m = Hayscan::Matcher.new(patterns)
  contenders = {
    "count_file_lines" => -> { m.count_file_lines(file) },
    "count_file_lines(2)" => -> { m.count_file_lines(file, threads: 2) },
    "rg -F -c" => -> { child("rg", "--no-config", "-F", "-c", "-f", pats, file) },
    "grep -F -c" => -> { child("grep", "-F", "-c", "-f", pats, file) }
  }
  want = contenders.fetch("rg -F -c").call
  times = contenders.keys.to_h { |name| [name, { wall: [], cpu: [] }] }
  reps.times do |round|
    contenders.keys.rotate(round).each do |name|
      wall, cpu, got = timed(&contenders[name])
      abort "#{name}: #{got} lines, rg says #{want}" unless got == want
      times[name][:wall] << wall
      times[name][:cpu] << cpu
    end
  end
  puts format("\n%s (%d patterns): %d matching lines, every contender equal to rg", File.basename(pats), patterns.size, want)
  puts format("%-20s %10s %10s %10s %10s %10s", "contender", "best ms", "median ms", "best CPU", "med CPU", "med MB/s")
  times.each do |name, t|
    puts format("%-20s %10.0f %10.0f %10.0f %10.0f %10.0f", name, 1e3 * t[:wall].min, 1e3 * median(t[:wall]),
                1e3 * t[:cpu].min, 1e3 * median(t[:cpu]), mb / median(t[:wall]))
  end
  m.close
end
