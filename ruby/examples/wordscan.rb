# frozen_string_literal: true

# A tour of the hayscan gem on real data: a dictionary word list and a real text.
#
#   ruby -I ruby/lib ruby/examples/wordscan.rb [WORDS_FILE] [TEXT_FILE]
#
# Defaults: /usr/share/dict/words (Debian package wamerican) and the GNU GPL v3 text
# that every Debian system ships in /usr/share/common-licenses/GPL-3.

require "hayscan"

words_file = ARGV[0] || "/usr/share/dict/words"
text_file = ARGV[1] || "/usr/share/common-licenses/GPL-3"
text = File.read(text_file, encoding: Encoding::UTF_8)

# 1. A big literal set: every dictionary word of 9 letters or more, as whole words.
words = File.readlines(words_file, chomp: true).select { |w| w.match?(/\A[a-z]{9,}\z/) }.uniq
puts "== #{words.size} dictionary words (9+ letters) over #{text_file} (#{text.bytesize} bytes)"
dictionary = Hayscan::Matcher.new(words, match_kind: :leftmost_longest, case_insensitive: true)
puts "matcher: #{dictionary.inspect}, #{dictionary.memory_usage / 1024} KiB"
puts "count: #{dictionary.count(text)} matches"

# The block sees each match; `break` stops the scan (nothing is left running in Rust).
dictionary.scan(text) do |m|
  puts format("  first matches: %-16s pattern #%-6d chars %d...%d", m.text, m.pattern, m.start, m.end)
  break if m.start > 400
end

top = dictionary.find_all(text).map { |m| m.text.downcase }.tally.max_by(5) { |_, n| n }
puts "most frequent: #{top.map { |w, n| "#{w} x#{n}" }.join(', ')}"

# 2. Replacement: from a list (one per pattern) and with a block.
licence_words = %w[copyright license warranty software]
redactor = Hayscan::Matcher.new(licence_words, case_insensitive: true)
first_line = text.lines.find { |l| redactor.match?(l) }
puts "\n== replace"
puts "  original:      #{first_line.strip}"
puts "  replace_all:   #{redactor.replace_all(first_line, licence_words.map { |w| "[#{w.upcase}]" }).strip}"
seen = []
out = redactor.replace(first_line) do |m|
  seen << m.text
  "*" * m.text.length
end
puts "  replace block: #{out.strip}   (block saw #{seen.inspect})"

# 3. A stream: read the file in 4 KiB chunks; handlers see matches with absolute offsets.
puts "\n== stream over #{text_file} in 4096-byte chunks"
stream_words = %w[freedom source code patent]
per_word = Hash.new(0)
topics = Hayscan::Matcher.new(stream_words)
topics.stream do |stream|
  stream.on(patterns: [0]) do |m|
    puts "  'freedom' at byte #{m.byte_start}: ...#{text.byteslice(m.byte_start - 20, 45).tr("\n", ' ')}..." if per_word[0].zero?
    per_word[0] += 1
  end
  stream.on { |m| per_word[m.pattern] += 1 unless m.pattern.zero? }
  File.open(text_file, "rb") do |f|
    while (chunk = f.read(4096))
      stream << chunk
    end
  end
end
puts "  counts: #{stream_words.each_with_index.map { |w, i| "#{w}=#{per_word[i]}" }.join(' ')}"

# 4. Regexes: secret-looking tokens in a log; `throw` leaves the scan at the first hit.
log = <<~LOG
  2024-05-01 user=alice action=login ok
  2024-05-01 user=bob password=hunter2 action=login
  2024-05-02 deploy key=AKIAIOSFODNN7EXAMPLE region=eu-west-1
LOG
# ascii_classes: `\S`, `\w`, `\b` as in PCRE (the form rulesets are written in).
secrets = Hayscan::Matcher.regex(['password=(?P<secret>\S+)', '\b(?P<secret>AKIA[0-9A-Z]{16})\b'], ascii_classes: true)
puts "\n== regex secrets"
secrets.scan(log) { |m| puts "  pattern #{m.pattern} on line #{log[0...m.start].count("\n") + 1}: #{m.text}" }
first = catch(:found) { secrets.scan(log) { |m| throw :found, m.text } }
puts "  first secret (throw/catch): #{first}"
puts "  redacted:\n#{secrets.replace(log) { |m| "<#{%w[password key][m.pattern]} redacted>" }.gsub(/^/, '    ')}"
# Capture groups, computed only when asked for: here for each match of the scan.
secrets.scan(log, captures: true) do |c|
  puts "  pattern #{c.pattern}: secret #{c[:secret].inspect} at characters #{c.offset(:secret).inspect}"
end
kept = secrets.replace(log, captures: true) { |c| "#{c[0][0, c.begin(:secret) - c.begin(0)]}<redacted>" }
puts "  only the secret group redacted:\n#{kept.gsub(/^/, '    ')}"

# 5. Errors carry a code, and the index of a bad pattern.
begin
  Hayscan::Matcher.regex(["ok", "broken("])
rescue Hayscan::InvalidPatternError => e
  puts "\n== errors\n  #{e.class} (#{e.code}), pattern_index=#{e.pattern_index}:"
  puts e.message.gsub(/^/, "    ")
end

[dictionary, redactor, topics, secrets].each(&:close)
puts "\nlive native objects after close: #{Hayscan.live_objects}"
