# frozen_string_literal: true

module Hayscan
  # A compiled set of patterns (literal strings or regexes). Immutable and thread-safe:
  # share one Matcher between any number of threads. Pattern ids in matches are indexes
  # into the list given to `new`.
  #
  #   m = Hayscan::Matcher.new(%w[fox dog])
  #   m.find_all("the fox and the dog").map(&:text) #=> ["fox", "dog"]
  class Matcher
    include MatcherFiles # count_file, count_file_lines, scan_file, replace_file

    SYNTAXES = { literal: 0, regex: 1 }.freeze
    MATCH_KINDS = { leftmost_first: 0, leftmost_longest: 1, overlapping: 2 }.freeze

    # Haystacks of at least this many bytes are scanned with the GVL released, so other
    # Ruby threads run meanwhile; below it, releasing the GVL costs more than the scan.
    NOGVL_BYTES = 64 * 1024
    # The pull iterator's batch grows from FIRST_BATCH matches (cheap when a block breaks
    # early) to MAX_BATCH (one native call per MAX_BATCH matches on dense text).
    FIRST_BATCH = 16
    MAX_BATCH = Native::Scratch::BATCH
    # Strings up to this size may be stored inline in a movable object slot (23 bytes on
    # Ruby 3.1, up to 640 bytes with Ruby 3.2's variable-width allocation).
    INLINE_MAX = 1024
    MATCH_TEMPLATES = Hash.new { |h, n| h[n] = (Native::MATCH_TEMPLATE * n).freeze }

    # Frees the native matcher when the Matcher is garbage collected without #close.
    # A class method, so the finalizer holds no reference to the Matcher itself.
    class Handle < FFI::AutoPointer
      def self.release(ptr)
        Native.hayscan_matcher_free(ptr)
      end
    end

    # Frees a pull iterator left behind by an Enumerator that was never run to its end.
    class IterHandle < FFI::AutoPointer
      def self.release(ptr)
        Native.hayscan_iter_free(ptr)
      end
    end

    # A matcher of regular expressions (Rust `regex` syntax): `Matcher.regex(%w[\d+ [a-z]+@\w+])`.
    def self.regex(patterns, **options)
      new(patterns, **options, syntax: :regex)
    end

    attr_reader :syntax, :match_kind, :pattern_count, :max_repetition, :max_regex_states

    # patterns: Strings (any encoding; literal patterns are matched as bytes, regex
    # patterns must be valid UTF-8).
    # syntax: :literal (Aho-Corasick) or :regex.
    # match_kind: :leftmost_first (like a regex alternation), :leftmost_longest (like
    #   PHP's strtr, literal only) or :overlapping (every occurrence, literal only).
    # case_insensitive: Unicode-aware case folding, in both syntaxes.
    # ascii_classes: regex `\w \d \s \b \B` in their ASCII forms, as in RE2, PCRE and
    #   Hyperscan (default: Unicode, as in Rust's regex). For literal sets it only
    #   changes whole_words: the word characters become `[0-9A-Za-z_]`.
    # whole_words: literal sets only: a match counts only if the characters before and
    #   after it are not word characters (Unicode `\w`), like `\b` on both sides of a
    #   regex; a rejected candidate never hides an accepted one. Empty patterns are then
    #   refused (InvalidPatternError), and so is syntax: :regex (UnsupportedError: write `\b`).
    # max_line_len: regex streams scan line by line; longer lines are cut into frames
    #   of this many bytes (default 1 MiB).
    # max_repetition: largest counted repetition (`x{n}`) a regex may have (default
    #   1,000); a pattern over it raises InvalidPatternError with its pattern_index.
    # max_regex_states: most automaton states one regex may need (default 10,000); a
    #   pattern needing more raises InvalidPatternError with its pattern_index.
    def initialize(patterns, syntax: :literal, match_kind: :leftmost_first,
                   case_insensitive: false, ascii_classes: false, whole_words: false,
                   max_line_len: nil, max_repetition: nil, max_regex_states: nil)
      @syntax = option(SYNTAXES, :syntax, syntax)
      @match_kind = option(MATCH_KINDS, :match_kind, match_kind)
      @case_insensitive = case_insensitive ? true : false
      @ascii_classes = ascii_classes ? true : false
      @whole_words = whole_words ? true : false
      data, lens, @longest_pattern = pack_patterns(patterns)
      @pattern_count = lens.size
      @packed_patterns = [data.freeze, lens.freeze] # for #pattern_texts

      opts = Native::Options.new
      Status.check!(Native.hayscan_options_init(opts))
      opts[:syntax] = SYNTAXES.fetch(@syntax)
      opts[:match_kind] = MATCH_KINDS.fetch(@match_kind)
      opts[:case_insensitive] = @case_insensitive ? 1 : 0
      opts[:ascii_classes] = @ascii_classes ? 1 : 0
      opts[:whole_words] = @whole_words ? 1 : 0
      unless max_line_len.nil?
        unless max_line_len.is_a?(Integer) && max_line_len >= 0
          raise InvalidArgumentError, "max_line_len must be a positive Integer, got #{max_line_len.inspect}"
        end

        opts[:max_line_len] = max_line_len
      end
      @max_line_len = opts[:max_line_len]
      opts[:max_repetition] = limit(:max_repetition, max_repetition, PATTERN_MAX) unless max_repetition.nil?
      opts[:max_regex_states] = limit(:max_regex_states, max_regex_states, SIZE_MAX) unless max_regex_states.nil?
      @max_repetition = opts[:max_repetition]
      @max_regex_states = opts[:max_regex_states]

      out = FFI::MemoryPointer.new(:pointer)
      Status.check!(Native.hayscan_matcher_new_packed(data, data.bytesize, lens.pack("J*"),
                                                      lens.size, opts, out))
      @handle = Handle.new(out.read_pointer)
      @lock = Mutex.new # guards #close against calls running without the GVL
      @unlocked_calls = 0
      @group_names = {} # pattern id => frozen Array of names (the matcher never changes)
    end

    def case_insensitive?
      @case_insensitive
    end

    def ascii_classes?
      @ascii_classes
    end

    def whole_words?
      @whole_words
    end

    # True if any pattern matches `text`.
    def match?(text)
      text = haystack(text)
      found = Native::Scratch.get.flag
      len = text.bytesize
      if len < NOGVL_BYTES
        check(Native.hayscan_matcher_is_match(@handle, text, len, found))
      else
        without_gvl(text) { |ptr, hay| Native.hayscan_matcher_is_match_nogvl(ptr, hay, hay.bytesize, found) }
      end
      found.get_uint32(0) == 1
    end

    # The first match (leftmost), or nil. With `captures: true`, its Hayscan::Captures.
    def find(text, captures: false)
      text = haystack(text)
      if captures
        captures_needed!
        text = borrowable(text) # the groups are read from the String the match came from
      end
      scratch = Native::Scratch.get
      m = scratch.match
      found = scratch.flag
      len = text.bytesize
      if len < NOGVL_BYTES
        check(Native.hayscan_matcher_find(@handle, text, len, m, found))
      else
        without_gvl(text) { |ptr, hay| Native.hayscan_matcher_find_nogvl(ptr, hay, hay.bytesize, m, found) }
      end
      return nil unless found.get_uint32(0) == 1

      pattern, byte_start, byte_end = Native.read_match(m)
      match = Offsets.single(text, pattern, byte_start, byte_end)
      return match unless captures

      groups_of(nil, text, len, text, match)
    end

    # Number of matches in `text`. With `threads: n`, the text is split between up to n
    # native threads (0: the available cores, at most 8), with the GVL released from
    # 64 KiB; the answer is the same. Sets that cannot be split (regex sets, whole words,
    # empty patterns, non-ASCII case folding) and short texts are counted on one thread.
    def count(text, threads: nil)
      text = haystack(text)
      out = Native::Scratch.get.out_len
      len = text.bytesize
      if threads.nil?
        if len < NOGVL_BYTES
          check(Native.hayscan_matcher_count(@handle, text, len, out))
        else
          without_gvl(text) { |ptr, hay| Native.hayscan_matcher_count_nogvl(ptr, hay, hay.bytesize, out) }
        end
      else
        n = limit(:threads, threads, SIZE_MAX)
        if len < NOGVL_BYTES
          check(Native.hayscan_matcher_count_parallel(@handle, text, len, n, out))
        else
          without_gvl(text) do |ptr, hay|
            Native.hayscan_matcher_count_parallel_nogvl(ptr, hay, hay.bytesize, n, out)
          end
        end
      end
      out.read(:size_t)
    end

    # The number of lines of `text` in which a pattern matches (grep -c's answer; #count
    # counts matches). Lines are `text` split at "\n" (a final line without one counts;
    # "\r" stays in its line), each searched alone: regex `^`/`$` anchor at its edges,
    # whole words at its ends; a set with an empty pattern counts every line. Every match
    # kind gives the same answer. The GVL is released from 64 KiB, as for #count.
    def count_lines(text)
      text = haystack(text)
      out = Native::Scratch.get.out_len
      len = text.bytesize
      if len < NOGVL_BYTES
        check(Native.hayscan_matcher_count_lines(@handle, text, len, out))
      else
        without_gvl(text) { |ptr, hay| Native.hayscan_matcher_count_lines_nogvl(ptr, hay, hay.bytesize, out) }
      end
      out.read(:size_t)
    end

    # The number of matches of each pattern: an Array of pattern_count Integers, indexed
    # by pattern id (`m.count_by_pattern(t).sum == m.count(t)`). No Match is built.
    def count_by_pattern(text)
      text = haystack(text)
      n = @pattern_count
      counts = FFI::MemoryPointer.new(:size_t, [n, 1].max, false)
      len = text.bytesize
      if len < NOGVL_BYTES
        check(Native.hayscan_matcher_count_by_pattern(@handle, text, len, counts, n))
      else
        without_gvl(text) do |ptr, hay|
          Native.hayscan_matcher_count_by_pattern_nogvl(ptr, hay, hay.bytesize, counts, n)
        end
      end
      counts.public_send(GET_SIZE_T, 0, n)
    end

    # The ids of the patterns that match `text`, ascending and distinct (what
    # `find_all(text).map(&:pattern).uniq.sort` gives). The scan stops once every
    # pattern has been seen.
    def matching_patterns(text)
      text = haystack(text)
      n = @pattern_count
      ids = FFI::MemoryPointer.new(:uint32, [n, 1].max, false)
      found = Native::Scratch.get.out_len
      len = text.bytesize
      if len < NOGVL_BYTES
        check(Native.hayscan_matcher_matching_patterns(@handle, text, len, ids, n, found))
      else
        without_gvl(text) do |ptr, hay|
          Native.hayscan_matcher_matching_patterns_nogvl(ptr, hay, hay.bytesize, ids, n, found)
        end
      end
      ids.get_bytes(0, found.read(:size_t) * 4).unpack("L*")
    end

    # The first match of each pattern: an Array of pattern_count entries, indexed by
    # pattern id, each a Hayscan::Match (offsets as in #find_all) or nil for a pattern
    # that does not match. The scan stops once every pattern has been seen.
    def first_match_per_pattern(text)
      hay = borrowable(haystack(text)) # the matches slice their text from it on demand
      n = @pattern_count
      firsts = FFI::MemoryPointer.new(Native::MatchStruct, [n, 1].max, false)
      len = hay.bytesize
      if len < NOGVL_BYTES
        check(Native.hayscan_matcher_first_match_per_pattern(@handle, hay, len, firsts, n))
      else
        without_gvl(hay) do |ptr, h|
          Native.hayscan_matcher_first_match_per_pattern_nogvl(ptr, h, h.bytesize, firsts, n)
        end
      end
      fields = firsts.get_bytes(0, n * Native::MATCH_SIZE).unpack(MATCH_TEMPLATES[n])
      found = []
      n.times { |i| found << i unless fields[3 * i] == Native::NO_PATTERN }
      # Character offsets are counted forward from match to match: convert in text order.
      found.sort_by! { |i| fields[3 * i + 1] }
      source = Offsets::Haystack.new(hay)
      out = Array.new(n)
      found.each { |i| out[i] = source.match(fields[3 * i], fields[3 * i + 1], fields[3 * i + 2]) }
      out
    end

    # Every match as three parallel Arrays of Integers, `[patterns, starts, ends]`
    # (match i is pattern `patterns[i]` at `starts[i]...ends[i]`), in #find_all's order
    # and offsets (characters; bytes for binary or ASCII-only text): the columnar form
    # for bulk consumers, with no Hayscan::Match per match.
    # With `bytes: true`, the offsets are byte offsets whatever the text.
    def find_all_columns(text, bytes: false)
      hay = borrowable(haystack(text))
      mem = pinned(hay)
      scratch = Native::Scratch.get
      len = hay.bytesize
      check(Native.hayscan_iter_new(@handle, mem, len, scratch.out_ptr))
      iter = IterHandle.new(scratch.out_ptr.read_pointer)
      patterns = []
      starts = []
      ends = []
      begin
        nogvl = len >= NOGVL_BYTES
        buf = scratch.batch
        n_ptr = scratch.out_len
        loop do
          status = if nogvl
                     Native.hayscan_iter_next_nogvl(iter, buf, MAX_BATCH, n_ptr)
                   else
                     Native.hayscan_iter_next(iter, buf, MAX_BATCH, n_ptr)
                   end
          Status.check!(status)
          n = n_ptr.read(:size_t)
          break if n.zero?

          batch = buf.get_bytes(0, n * Native::MATCH_SIZE)
          templates = COLUMN_BATCH_TEMPLATES[n]
          patterns.concat(batch.unpack(templates[0]))
          starts.concat(batch.unpack(templates[1]))
          ends.concat(batch.unpack(templates[2]))
        end
      ensure
        iter.free
      end
      Offsets.to_chars!(hay, starts, ends) unless bytes
      [patterns, starts, ends]
    end

    # For each String of `inputs` (an Array), whether any pattern matches it: an Array
    # of true/false, one per input, from one native call (Strings only; an empty list
    # gives []).
    def match_many?(inputs)
      table, n, total = input_table(inputs)
      found = FFI::MemoryPointer.new(:uint8, [n, 1].max, false)
      many_call(:hayscan_matcher_is_match_many, total, table, n, found)
      found.get_array_of_uint8(0, n).map!(&:positive?)
    end

    # The number of matches in each String of `inputs` (an Array): an Array of Integers,
    # one per input, from one native call.
    def count_many(inputs)
      table, n, total = input_table(inputs)
      counts = FFI::MemoryPointer.new(:size_t, [n, 1].max, false)
      many_call(:hayscan_matcher_count_many, total, table, n, counts)
      counts.public_send(GET_SIZE_T, 0, n)
    end

    # Every match of each String of `inputs` (an Array): an Array with one Array of
    # Hayscan::Match per input (`find_many(list)[i] == find_all(list[i])`; an input with
    # no match gets []). Offsets are relative to their own input, as #find_all gives them.
    def find_many(inputs)
      table, n, total, strings = input_table(inputs)
      # Matches slice their text on demand from Strings no caller can change.
      strings = strings.map { |str| str.frozen? ? str : str.dup.freeze }
      out = Array.new(n) { [] }
      cursor = FFI::MemoryPointer.new(:size_t, 2) # hayscan_many_cursor_t, zeroed
      n_ptr = FFI::MemoryPointer.new(:size_t)
      cap = MAX_BATCH
      sources = []
      input = -1
      source = nil
      # Registered for the whole call, as a call without the GVL: a #close from another
      # thread between two batches lets this call finish, and frees the matcher after it.
      ptr = enter_unlocked
      begin
        loop do
          # A call that ends inside an input searches it again up to where the previous one
          # stopped: growing the batch keeps that extra work below the work of one pass.
          buf = FFI::MemoryPointer.new(Native::InputMatchStruct, cap, false)
          status = if total < NOGVL_BYTES
                     Native.hayscan_matcher_find_many(ptr, table, n, cursor, buf, cap, n_ptr)
                   else
                     Native.hayscan_matcher_find_many_nogvl(ptr, table, n, cursor, buf, cap, n_ptr)
                   end
          Status.check!(status)
          got = n_ptr.read(:size_t)
          fields = buf.get_bytes(0, got * Native::INPUT_MATCH_SIZE).unpack(INPUT_MATCH_TEMPLATES[got])
          i = 0
          while i < fields.size
            if fields[i] != input
              input = fields[i]
              source = sources[input] ||= Offsets::Haystack.new(strings[input])
            end
            out[input] << source.match(fields[i + 1], fields[i + 2], fields[i + 3])
            i += 4
          end
          break if cursor.get(:size_t, 0) >= n

          cap *= 2 if got == cap
        end
      ensure
        leave_unlocked
      end
      out
    end

    # Every match, as an Array of Hayscan::Match (of Hayscan::Captures with
    # `captures: true`).
    def find_all(text, captures: false)
      all = []
      each_pulled(text, MAX_BATCH, captures) { |m| all << m }
      all
    end

    # Yields each match to the block, in order, and returns the number of matches
    # visited. `break`, `next`, `return`, `throw` and `raise` in the block behave as
    # in any Ruby iterator: the block runs between native calls, never inside one.
    # Without a block, returns an Enumerator (whose size is the match count).
    # With `captures: true` (regex matchers), yields each match's Hayscan::Captures
    # instead; groups are computed for no match otherwise.
    def scan(text, captures: false, &block)
      return enum_for(__method__, haystack(text), captures: captures) { count(text) } unless block

      each_pulled(text, FIRST_BATCH, captures, &block)
    end

    # Like #scan, but returns the matcher, as `each` methods do.
    def each_match(text, captures: false, &block)
      return enum_for(__method__, haystack(text), captures: captures) { count(text) } unless block

      each_pulled(text, FIRST_BATCH, captures, &block)
      self
    end

    # The capture groups of `match` — a Hayscan::Match this matcher found in `text` —
    # as a Hayscan::Captures. Only regex matchers have groups: a literal matcher raises
    # UnsupportedError, and a match its pattern does not make in `text` (forged, from
    # another String) raises InvalidArgumentError. Groups are computed only by this
    # call, for this match.
    def captures(text, match)
      text = haystack(text)
      raise TypeError, "expected a Hayscan::Match, got #{match.class}" unless match.is_a?(Match)

      hay = borrowable(text) # read and sliced from one String no other thread can change
      groups_of(nil, hay, hay.bytesize, hay, match)
    end

    # The names of pattern `pattern`'s groups, by group index: nil for group 0 and for
    # unnamed groups (`Matcher.regex(['(?P<key>\w+)=(\d+)']).group_names(0)` is
    # `[nil, "key", nil]`). Its size is the pattern's group count, group 0 included.
    def group_names(pattern)
      raise TypeError, "pattern must be an Integer, got #{pattern.class}" unless pattern.is_a?(Integer)
      raise closed_error if @handle.nil?
      unless pattern.between?(0, PATTERN_MAX)
        raise InvalidArgumentError, "pattern id #{pattern} out of range (#{@pattern_count} patterns)"
      end

      @group_names[pattern] ||= read_group_names(nil, pattern)
    end

    # Replaces every match. `replacements` is one String for every pattern, or an Array
    # with one String per pattern (indexed by pattern id). The result has the encoding
    # of `text`.
    def replace_all(text, replacements)
      text = haystack(text)
      list = replacement_list(replacements)
      table = replacement_table(list)
      scratch = Native::Scratch.get
      out_ptr = scratch.out_ptr
      out_len = scratch.out_len
      len = text.bytesize
      n = list.size
      if len < NOGVL_BYTES
        check(Native.hayscan_matcher_replace_all(@handle, text, len, table, n, out_ptr, out_len))
      else
        without_gvl(text) do |ptr, hay|
          Native.hayscan_matcher_replace_all_nogvl(ptr, hay, hay.bytesize, table, list.size, out_ptr, out_len)
        end
      end
      take_bytes(out_ptr, out_len).force_encoding(text.encoding)
    end

    # Replaces each match with what the block returns for it (converted with #to_s).
    # The matches are pulled as in #scan and the result is built in Ruby, so the block
    # runs with no native frame below it: `break`/`throw`/`return`, an exception,
    # Thread#kill and Timeout leave `replace` as from any iterator. Without a
    # block, returns an Enumerator over the matches (like String#gsub). With
    # `captures: true` (regex matchers), the block gets each match's Hayscan::Captures.
    def replace(text, captures: false, &block)
      return enum_for(:each_match, haystack(text), captures: captures) { count(text) } unless block

      text = borrowable(haystack(text))
      if @match_kind == :overlapping # the C ABI's refusal and message
        replace_all(String.new, Array.new(@pattern_count, ""))
        raise UnsupportedError, "replace needs non-overlapping matches"
      end

      out = String.new(capacity: text.bytesize, encoding: Encoding::BINARY)
      at = 0
      each_pulled(text, FIRST_BATCH, captures) do |hit|
        byte_start, byte_end = captures ? [hit.byte_begin(0), hit.byte_end(0)] : [hit.byte_start, hit.byte_end]
        out << text.byteslice(at, byte_start - at).force_encoding(Encoding::BINARY) if byte_start > at
        replacement = yield(hit).to_s
        out << (replacement.ascii_only? ? replacement : replacement.b)
        at = byte_end
      end
      out << text.byteslice(at, text.bytesize - at).force_encoding(Encoding::BINARY) if at < text.bytesize
      out.force_encoding(text.encoding)
    end

    # A new Stream over this matcher. With a block, yields it, finishes it when the
    # block returns, closes it in any case, and returns the block's value.
    def stream
      s = Stream.new(self, @longest_pattern, @max_line_len)
      return s unless block_given?

      begin
        value = yield s
        s.finish unless s.finished?
        value
      ensure
        s.close
      end
    end

    # Heap bytes used by the compiled automaton.
    def memory_usage
      out = FFI::MemoryPointer.new(:size_t)
      check(Native.hayscan_matcher_memory_usage(@handle, out))
      out.read(:size_t)
    end

    # Frees the native matcher now (the GC would eventually). Idempotent. Streams and
    # enumerators created earlier keep working; new calls raise ClosedError. Calls
    # running on other threads finish first.
    def close
      @lock.synchronize do
        @closing ||= @handle
        @handle = nil
        free_if_idle
      end
      nil
    end

    def closed?
      @handle.nil?
    end

    # A Matcher owns one native matcher: a copy would share it (and its #close). It is
    # immutable and thread-safe, so share the Matcher itself instead of copying it.
    def initialize_copy(_other)
      raise TypeError, "can't copy #{self.class}: it owns a native matcher; share this one " \
                       "(it is immutable and thread-safe) or build a new one"
    end

    def inspect
      state = closed? ? " closed" : ""
      "#<#{self.class} #{@pattern_count} patterns #{@syntax} #{@match_kind}" \
        "#{" case_insensitive" if @case_insensitive}#{" ascii_classes" if @ascii_classes}" \
        "#{" whole_words" if @whole_words}#{state}>"
    end

    # Creates a native stream over this matcher (for Stream.new).
    def new_native_stream(out)
      check(Native.hayscan_stream_new(@handle, out))
    end

    private

    # Native calls that keep the GVL receive `@handle` itself as an argument, never a
    # copy taken earlier: ffi reads the pointer in C and calls Rust without running Ruby
    # code in between, so no other thread's #close can run between the check and the
    # use. A closed matcher passes nil (NULL), which the C ABI rejects; that failure is
    # reported as ClosedError.
    def check(status)
      raise error_for(status) unless status == Status::OK
    end

    def error_for(status)
      return closed_error if @handle.nil?

      Status.error_for(status)
    end

    def closed_error
      ClosedError.new("#{self.class} is closed")
    end

    # Byte offsets a hayscan_match_t can hold: a forged Match with anything else is not a
    # match of this matcher in any text.
    SIZE_MAX = Native::NO_SPAN
    PATTERN_MAX = (1 << 32) - 1

    # An engine limit: an Integer the C field can hold.
    def limit(name, value, max)
      return value if value.is_a?(Integer) && value.between?(0, max)

      raise InvalidArgumentError, "#{name} must be an Integer from 0 to #{max}, got #{value.inspect}"
    end

    def option(table, name, value)
      key = value.respond_to?(:to_sym) ? value.to_sym : value
      return key if table.key?(key)

      raise ArgumentError, "#{name} must be one of #{table.keys.map(&:inspect).join(', ')}, got #{value.inspect}"
    end

    # One binary String holding every pattern back to back, and their byte lengths.
    def pack_patterns(patterns)
      unless patterns.respond_to?(:each)
        raise TypeError, "patterns must be an Array of Strings, got #{patterns.class}"
      end

      data = String.new(encoding: Encoding::BINARY)
      lens = []
      longest = 0
      patterns.each do |p|
        s = String.try_convert(p)
        raise TypeError, "pattern #{lens.size} is a #{p.class}, not a String" unless s

        data << (s.ascii_only? ? s : s.b)
        lens << s.bytesize
        longest = s.bytesize if s.bytesize > longest
      end
      [data, lens, longest]
    end

    def haystack(text)
      s = String.try_convert(text)
      raise TypeError, "expected a String, got #{text.class}" unless s

      Offsets.ascii_compatible!(s)
    end

    SIZE_T = FFI.type_size(:size_t)
    SIZE_T_ALL = "J*"
    PUT_SIZE_T = SIZE_T == 8 ? :put_array_of_uint64 : :put_array_of_uint32
    GET_SIZE_T = SIZE_T == 8 ? :get_array_of_uint64 : :get_array_of_uint32
    # Per batch size: the three column templates of #find_all_columns, and find_many's.
    COLUMN_BATCH_TEMPLATES = Hash.new do |h, n|
      h[n] = Native::COLUMN_TEMPLATES.values_at(:pattern, :start, :end).map { |t| (t * n).freeze }.freeze
    end
    INPUT_MATCH_TEMPLATES = Hash.new { |h, n| h[n] = (Native::INPUT_MATCH_TEMPLATE * n).freeze }
    PACK_TEMPLATES = Hash.new { |h, n| h[n] = ("a*" * n).freeze }

    # The inputs of a _many call as a native hayscan_bytes_t table: [table, count,
    # total bytes, the Strings]. The bytes are copied once into one native block the
    # table points into: a short String's bytes live in its object slot, which GC
    # compaction may move, so no String's own address is put in a struct. (This path is
    # per input, so it is written for speed: one C-level pass per step.)
    def input_table(inputs)
      list = Array.try_convert(inputs)
      raise TypeError, "inputs must be an Array of Strings, got #{inputs.class}" unless list

      list = list.map { |x| input_string(list, x) } unless list.all?(String)
      n = list.size
      # The bytes of every input, back to back (join refuses to mix some encodings; pack
      # takes bytes as they are, but is slower).
      bytes = begin
        list.join
      rescue Encoding::CompatibilityError
        list.pack(PACK_TEMPLATES[n])
      end
      pool = FFI::MemoryPointer.new(:char, bytes.bytesize + 1, false)
      pool.put_bytes(0, bytes)
      total = bytes.bytesize
      bytes.clear # freed now: a large join would otherwise wait for the GC (and bring it sooner)
      at = pool.address
      words = []
      checked = nil # the last encoding found ASCII-compatible
      list.each do |str|
        unless (enc = str.encoding).equal?(checked)
          Offsets.ascii_compatible!(str)
          checked = enc
        end
        len = str.bytesize
        words << at << len
        at += len
      end
      table = FFI::MemoryPointer.new(:size_t, [2 * n, 1].max, false)
      table.public_send(PUT_SIZE_T, 0, words)
      # The table holds the pool's addresses: it keeps the pool alive as long as itself.
      table.instance_variable_set(:@pool, pool)
      [table, n, total, list]
    end

    def input_string(list, x)
      String.try_convert(x) or
        raise TypeError, "input #{list.index { |y| y.equal?(x) }} is a #{x.class}, not a String"
    end

    # Runs a _many call: with the GVL when the inputs are small, else without it (its
    # _nogvl twin). The inputs are native memory, so no String needs protecting.
    def many_call(name, total, table, *args)
      if total < NOGVL_BYTES
        check(Native.public_send(name, @handle, table, *args))
      else
        ptr = enter_unlocked
        begin
          Status.check!(Native.public_send(:"#{name}_nogvl", ptr, table, *args))
        ensure
          leave_unlocked
        end
      end
    end

    def replacement_list(replacements)
      list = if (s = String.try_convert(replacements))
               [s]
             elsif (a = Array.try_convert(replacements))
               a
             else
               raise TypeError, "replacements must be a String or an Array of Strings, got #{replacements.class}"
             end
      list.each_with_index.map do |r, i|
        String.try_convert(r) or raise TypeError, "replacement #{i} is a #{r.class}, not a String"
      end
    end

    # The C ABI takes the replacements as an array of (pointer, length) structs. Ruby
    # cannot put a String's own address in a struct safely (GC compaction may move a
    # short String's bytes), so the replacements — small, unlike the haystack — are
    # copied once into one native buffer that the table points into (and keeps alive).
    def replacement_table(list)
      pool = FFI::MemoryPointer.new(:char, list.sum(&:bytesize) + 1)
      table = FFI::MemoryPointer.new(:pointer, 2 * [list.size, 1].max)
      at = 0
      list.each_with_index do |r, i|
        pool.put_bytes(at, r)
        table.put_pointer(2 * i * FFI::Pointer.size, pool + at)
        table.put_pointer((2 * i + 1) * FFI::Pointer.size, FFI::Pointer.new(r.bytesize))
        at += r.bytesize
      end
      table.instance_variable_set(:@pool, pool)
      table
    end

    # Runs a native call with the GVL released (other Ruby threads run meanwhile) on a
    # String no other thread can change: the caller's if frozen, else a frozen
    # copy-on-write duplicate. #close waits for such calls: the C ABI validates the
    # handle on entry, which here may run in parallel with another thread's #close.
    def without_gvl(text)
      hay = text.frozen? ? text : text.dup.freeze
      ptr = enter_unlocked
      begin
        Status.check!(yield(ptr, hay))
      ensure
        leave_unlocked
      end
    end

    def enter_unlocked
      @lock.synchronize do
        raise closed_error unless @handle

        @unlocked_calls += 1
        @handle
      end
    end

    def leave_unlocked
      @lock.synchronize do
        @unlocked_calls -= 1
        free_if_idle
      end
    end

    # Frees the handle #close let go of once no call without the GVL is using it.
    def free_if_idle
      return unless @closing && @unlocked_calls.zero?

      @closing.free
      @closing = nil
    end

    # Pulls matches in batches through a native iterator and yields them from Ruby, with
    # no native frame on the stack while the block runs. The iterator borrows the
    # haystack until it is freed (see #borrowable and #pinned). Returns the number of
    # matches yielded.
    def each_pulled(text, batch, captures = false)
      hay = borrowable(haystack(text))
      bytes = pinned(hay)
      scratch = Native::Scratch.get
      len = hay.bytesize
      out = scratch.out_ptr
      captures_needed! if captures
      check(Native.hayscan_iter_new(@handle, bytes, len, out))
      iter = IterHandle.new(scratch.out_ptr.read_pointer)
      groups = nil
      begin
        groups = groups_handle(captures)
        source = Offsets::Haystack.new(hay)
        nogvl = len >= NOGVL_BYTES
        visited = 0
        loop do
          # `scratch` is this fiber's: the block may run other hayscan calls on it, but
          # only after this batch has been read out of it.
          buf = scratch.batch
          n_ptr = scratch.out_len
          status = if nogvl
                     Native.hayscan_iter_next_nogvl(iter, buf, batch, n_ptr)
                   else
                     Native.hayscan_iter_next(iter, buf, batch, n_ptr)
                   end
          Status.check!(status)
          n = n_ptr.read(:size_t)
          break if n.zero?

          fields = buf.get_bytes(0, n * Native::MATCH_SIZE).unpack(MATCH_TEMPLATES[n])
          i = 0
          while i < fields.size
            hit = source.match(fields[i], fields[i + 1], fields[i + 2])
            hit = groups_of(groups, bytes, len, hay, hit) if groups
            yield hit
            i += 3
          end
          visited += n
          batch = [batch * 4, MAX_BATCH].min
        end
        visited
      ensure
        iter.free
        leave_unlocked if groups
      end
    end

    # Capture groups are only for regex matchers: say so before scanning, so the answer
    # does not depend on whether the text has a match.
    def captures_needed!
      return if @syntax == :regex

      raise UnsupportedError, "capture groups need a regex matcher (Matcher.regex); this one is #{@syntax}"
    end

    # The handle a scan or replace with `captures: true` reads groups with. It is
    # registered like a call without the GVL, so a #close from the block lets the running
    # scan finish (as without captures) and frees the matcher after it. The caller
    # calls #leave_unlocked when the scan ends.
    def groups_handle(captures)
      return nil unless captures

      enter_unlocked
    end

    # The Hayscan::Captures of `match`, read from `bytes` (the haystack, or its pinned
    # copy, `len` bytes); `hay` is the frozen String the groups are sliced from. `handle`
    # is a scan's registered handle (#groups_handle), or nil for @handle itself, passed
    # straight to the native call (see #check).
    def groups_of(handle, bytes, len, hay, match)
      pattern = match.pattern
      byte_start = match.byte_start
      byte_end = match.byte_end
      unless pattern.is_a?(Integer) && pattern.between?(0, PATTERN_MAX) &&
             byte_start.is_a?(Integer) && byte_start.between?(0, SIZE_MAX) &&
             byte_end.is_a?(Integer) && byte_end.between?(0, SIZE_MAX)
        raise InvalidArgumentError, "#{match.inspect} is not a match of this matcher in this text"
      end

      scratch = Native::Scratch.get
      m = scratch.match
      Native.write_match(m, pattern, byte_start, byte_end)
      buf = scratch.spans
      n_ptr = scratch.out_len
      check(Native.hayscan_matcher_captures(handle || @handle, bytes, len, m, buf, Native::Scratch::SPANS, n_ptr))
      n = n_ptr.read(:size_t)
      if n > Native::Scratch::SPANS # many groups: ask again with room for all of them
        buf = FFI::MemoryPointer.new(Native::SpanStruct, n, false)
        check(Native.hayscan_matcher_captures(handle || @handle, bytes, len, m, buf, n, n_ptr))
        n = n_ptr.read(:size_t)
      end
      words = buf.get_bytes(0, n * Native::SPAN_SIZE).unpack("J*")
      spans = Array.new(n) do |i|
        s = words[2 * i]
        s == SIZE_MAX ? nil : [s, words[2 * i + 1]].freeze
      end
      Captures.new(hay, match, spans.freeze, @group_names[pattern] ||= read_group_names(handle, pattern))
    end

    # The names of `pattern`'s groups, read through `handle` (or @handle when nil).
    def read_group_names(handle, pattern)
      scratch = Native::Scratch.get
      count = scratch.out_len
      check(Native.hayscan_matcher_group_count(handle || @handle, pattern, count))
      names = Array.new(count.read(:size_t)) do |group|
        check(Native.hayscan_matcher_group_name(handle || @handle, pattern, group, scratch.out_ptr, scratch.out_len))
        ptr = scratch.out_ptr.read_pointer
        len = scratch.out_len.read(:size_t)
        ptr.null? ? nil : ptr.read_bytes(len).force_encoding(Encoding::UTF_8).freeze
      end
      names.freeze
    end

    # A String Rust may borrow while Ruby code runs: the caller's String if frozen, else
    # a frozen duplicate. Ruby duplicates copy-on-write (no bytes are copied), and the
    # block may then change the caller's String without touching what Rust reads.
    def borrowable(text)
      text.frozen? ? text : text.dup.freeze
    end

    # The address Rust reads `text` at while Ruby code runs between native calls. Ruby
    # stores a short String's bytes inside its object slot, which GC compaction may move,
    # so short haystacks are copied to native memory (cheap at this size); longer ones
    # live in a malloc'd buffer that never moves and are passed as they are.
    def pinned(text)
      return text if text.bytesize > INLINE_MAX

      FFI::MemoryPointer.new(:char, text.bytesize + 1).put_bytes(0, text)
    end

    def take_bytes(out_ptr, out_len)
      ptr = out_ptr.read_pointer
      len = out_len.read(:size_t)
      begin
        len.zero? ? String.new : ptr.read_bytes(len)
      ensure
        Native.hayscan_bytes_free(ptr, len)
      end
    end
  end
end
