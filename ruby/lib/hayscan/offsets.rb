# frozen_string_literal: true

module Hayscan
  # Rust reports byte offsets; Ruby users index strings by character. These two helpers
  # turn (pattern, byte_start, byte_end) into Hayscan::Match objects with both.
  module Offsets
    BINARY = Encoding::BINARY
    UTF_8 = Encoding::UTF_8
    CONTINUATION_BYTES = "\x80-\xBF".b.freeze # String#count set of UTF-8 continuation bytes

    # hayscan compares bytes, which is only meaningful for text in an ASCII-compatible
    # encoding (UTF-8, binary, ISO-8859-*, ...): in UTF-16/UTF-32 an ASCII pattern's bytes
    # never line up with the text's. Refuse such text as Ruby's Regexp does, instead of
    # silently finding nothing. Returns `text`.
    def self.ascii_compatible!(text)
      return text if text.encoding.ascii_compatible?

      raise Encoding::CompatibilityError,
            "incompatible encoding: hayscan matches ASCII-compatible text, got a #{text.encoding} " \
            "string (convert it with text.encode(\"UTF-8\"), or use text.b to match its raw bytes)"
    end

    # The one match of `find`: its text is sliced now, so nothing keeps the haystack.
    def self.single(hay, pattern, byte_start, byte_end)
      text = hay.byteslice(byte_start, byte_end - byte_start).freeze
      return Match.new(pattern, byte_start, byte_end, byte_start, byte_end, text) if
        hay.encoding == BINARY || hay.ascii_only?

      start = hay.byteslice(0, byte_start).length
      Match.new(pattern, start, start + text.length, byte_start, byte_end, text)
    end

    # Matches of one haystack String. Character offsets are what `String#[]` uses
    # (`hay.byteslice(0, b).length`), computed incrementally from the previous match, so a
    # whole scan costs O(haystack) however many matches it has. ASCII-only and binary
    # haystacks skip the conversion (characters are bytes).
    class Haystack
      # `index`: false when the caller knows CharIndex.for(hay) is false.
      def initialize(hay, index = nil)
        @hay = hay
        @bytes_are_chars = nil # decided at the first match: most scans of ASCII text pay nothing
        @index = index # a CharIndex, false for none, nil until CharIndex::AFTER conversions
        @conversions = 0
        @utf8 = hay.encoding == UTF_8
        @byte = 0 # an offset known to be a character boundary ...
        @char = 0 # ... and its character offset
      end

      # `hay` must be frozen: matches keep it to slice their text on demand.
      def match(pattern, byte_start, byte_end)
        if @bytes_are_chars.nil?
          @bytes_are_chars = @hay.encoding == BINARY || @hay.ascii_only?
        end
        return Match.new(pattern, byte_start, byte_end, byte_start, byte_end, nil, @hay) if @bytes_are_chars

        start = char_at(byte_start)
        Match.new(pattern, start, byte_start == byte_end ? start : char_at(byte_end),
                  byte_start, byte_end, nil, @hay)
      end

      # The character offset of byte offset `byte`; cheapest when called in text order.
      def char_at(byte)
        return @index.char_at(byte) if @index

        # The index reads the whole text once: worth it only for a scan that goes on (a
        # block that breaks after a few matches pays for the bytes up to them only).
        if @index.nil? && (@conversions += 1) > CharIndex::AFTER
          @index = CharIndex.for(@hay)
          return @index.char_at(byte) if @index
        end

        char = if byte >= @byte
                 @char + @hay.byteslice(@byte, byte - @byte).length
               else # overlapping matches: starts may go back a little
                 @char - @hay.byteslice(byte, @byte - byte).length
               end
        # Only move the anchor to a character boundary, so that a match inside a character
        # (a binary pattern in UTF-8 text) cannot shift the offsets of the matches after it.
        @byte, @char = byte, char if boundary?(byte)
        char
      end

      private

      def boundary?(byte)
        return true unless @utf8

        b = @hay.getbyte(byte)
        b.nil? || (b & 0xC0) != 0x80
      end
    end

    # Character offsets of a long valid UTF-8 String with few non-ASCII characters (most
    # text in Latin scripts): the positions of its continuation bytes, found once, turn a
    # byte offset into a character offset with no slicing (characters before a boundary
    # = bytes before it - continuation bytes before it). Queries in text order cost O(1).
    class CharIndex
      MIN_BYTES = 4096 # below this, slicing from match to match is as cheap
      SPARSE = 16 # at most one continuation byte in SPARSE bytes, else no index
      AFTER = 64 # a Haystack builds its index after this many offsets converted by slicing
      CONTINUATION = /[\x80-\xBF]/n

      # An index of `hay` (frozen), or false where it would not pay or not be exact.
      def self.for(hay)
        return false unless hay.encoding == UTF_8 && hay.bytesize >= MIN_BYTES && hay.valid_encoding?

        bin = hay.b
        return false if bin.count(CONTINUATION_BYTES) * SPARSE > bin.bytesize

        positions = []
        at = 0
        while (at = bin.index(CONTINUATION, at))
          positions << at
          at += 1
        end
        new(hay, positions)
      end

      def initialize(hay, positions)
        @hay = hay
        @positions = positions # ascending
        @at = 0 # positions[0...@at] are the continuation bytes before the last query
      end

      # Converts byte offsets to character offsets in place. Offsets between the same two
      # continuation bytes shift by the same amount: one subtraction each.
      def convert!(offsets)
        positions = @positions
        lo = hi = -1 # offsets in lo < b < hi have `shift` continuation bytes before them
        shift = 0
        i = 0
        n = offsets.size
        while i < n
          b = offsets[i]
          if b > lo && b < hi
            offsets[i] = b - shift
          else
            offsets[i] = char_at(b)
            shift = @at
            lo = shift.positive? ? positions[shift - 1] : -1
            hi = positions[shift] || @hay.bytesize + 1 # past the last one: every later offset
          end
          i += 1
        end
        offsets
      end

      def char_at(byte)
        positions = @positions
        at = @at
        n = positions.size
        at += 1 while at < n && positions[at] < byte
        at -= 1 while at.positive? && positions[at - 1] >= byte
        @at = at
        return byte - at unless at < n && positions[at] == byte

        # Inside a character (a byte pattern matched part of it): count its bytes before
        # `byte` as String#length does, from the character's first byte.
        lead = byte - 1
        lead -= 1 while (@hay.getbyte(lead) & 0xC0) == 0x80
        char_at(lead) + @hay.byteslice(lead, byte - lead).length
      end
    end

    # Converts the byte offsets of matches (`starts[i]...ends[i]`, in scan order) in
    # `hay` (frozen) to character offsets, in place, as Haystack#match would. Binary and
    # ASCII-only text needs nothing.
    def self.to_chars!(hay, starts, ends)
      return if starts.empty? || hay.encoding == BINARY || hay.ascii_only?

      if (index = CharIndex.for(hay))
        index.convert!(starts)
        index.convert!(ends)
        return
      end

      source = Haystack.new(hay, false)
      i = 0
      n = starts.size
      while i < n
        b = starts[i]
        e = ends[i]
        c = source.char_at(b)
        starts[i] = c
        ends[i] = b == e ? c : source.char_at(e)
        i += 1
      end
    end

    # Matches of a stream. A stream has no single String: it keeps references to the
    # chunks fed (no copies) that a match can still lie in — `keep` bytes before the
    # newest chunk, which is what the core itself retains (the longest pattern for literal
    # sets, a line of at most max_line_len bytes for regex sets). Characters of UTF-8
    # chunks are counted by lead bytes, so a character split across two chunks counts
    # once; in other chunks every byte is a character.
    class Window
      # Chunks up to COALESCE bytes are copied into a buffer of at most OWNED_MAX bytes
      # instead of being kept one by one, so feeding a byte at a time stays cheap.
      COALESCE = 4096
      OWNED_MAX = 65_536
      Segment = Struct.new(:byte, :char, :string, :encoding, :utf8, :owned)

      def initialize(keep)
        @keep = keep
        @segments = []
        @bytes = 0
        @chars = 0
      end

      attr_reader :bytes

      # Adds a chunk; returns what `pop` needs to undo it.
      def push(chunk)
        utf8 = chunk.encoding == UTF_8 && !chunk.ascii_only?
        small = chunk.bytesize <= COALESCE
        last = @segments.last
        undo = [@bytes, @chars, nil]
        if small && last&.owned && last.utf8 == utf8 && last.encoding == chunk.encoding &&
           last.string.bytesize < OWNED_MAX
          undo[2] = last.string.bytesize
          last.string << chunk.b
        else
          @segments << Segment.new(@bytes, @chars, small ? chunk.b : chunk, chunk.encoding, utf8, small)
        end
        @bytes += chunk.bytesize
        @chars += Window.chars(chunk, chunk.bytesize, utf8)
        undo
      end

      # Undoes the last push (the native feed refused the chunk).
      def pop(undo)
        @bytes, @chars, owned_size = undo
        if owned_size
          @segments.last.string.slice!(owned_size..)
        else
          @segments.pop
        end
      end

      # Drops chunks no future match can reach.
      def trim
        horizon = @bytes - @keep
        @segments.shift while @segments.size > 1 && @segments[1].byte <= horizon
      end

      def match(pattern, byte_start, byte_end)
        seg = @segments[segment_index(byte_start)]
        offset = byte_start - seg.byte
        length = byte_end - byte_start
        # The common case: the match lies in one chunk.
        return slow_match(pattern, byte_start, byte_end) if offset + length > seg.string.bytesize

        text = seg.string.byteslice(offset, length)
        text.force_encoding(seg.encoding) if seg.owned
        text.freeze
        if seg.utf8
          start = seg.char + Window.chars(seg.string, offset, true)
          Match.new(pattern, start, start + Window.chars(text, length, true), byte_start, byte_end, text)
        else
          start = seg.char + offset
          Match.new(pattern, start, start + length, byte_start, byte_end, text)
        end
      end

      def self.chars(string, length, utf8)
        return length unless utf8

        # Non-continuation bytes of the first `length` bytes.
        prefix = string.byteslice(0, length).force_encoding(BINARY)
        length - prefix.count(CONTINUATION_BYTES)
      end

      private

      def segment_index(byte)
        i = @segments.size - 1 # most matches lie in the newest chunk
        i -= 1 while i.positive? && @segments[i].byte > byte
        seg = @segments[i]
        return i if seg && seg.byte <= byte && byte <= seg.byte + seg.string.bytesize

        raise Error.new("hayscan: stream match at byte #{byte} is outside the retained " \
                        "input (#{@segments.first&.byte}...#{@bytes}); please report this bug",
                        code: :internal)
      end

      def slow_match(pattern, byte_start, byte_end)
        Match.new(pattern, char_at(byte_start), char_at(byte_end), byte_start, byte_end,
                  slice(byte_start, byte_end))
      end

      def char_at(byte)
        seg = @segments[segment_index(byte)]
        return seg.char + (byte - seg.byte) unless seg.utf8

        seg.char + Window.chars(seg.string, byte - seg.byte, true)
      end

      def slice(byte_start, byte_end)
        i = segment_index(byte_start)
        seg = @segments[i]
        text = seg.string.byteslice(byte_start - seg.byte, byte_end - byte_start)
        encoding = seg.encoding
        return text.force_encoding(encoding).freeze if seg.byte + seg.string.bytesize >= byte_end

        # A match spanning chunks: join the parts, in the first chunk's encoding.
        text = text.b
        while seg.byte + seg.string.bytesize < byte_end
          i += 1
          seg = @segments[i]
          text << seg.string.byteslice(0, byte_end - seg.byte).b
        end
        text.force_encoding(encoding)
        text.freeze
      end
    end
  end
end
