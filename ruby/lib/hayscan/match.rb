# frozen_string_literal: true

module Hayscan
  # One match: which pattern matched (its index in the list given to Matcher.new) and
  # where. `start`/`end` are character offsets, like MatchData#begin/#end, so
  # `text[m.start...m.end] == m.text`; `byte_start`/`byte_end` are byte offsets, like
  # String#byteslice. In a stream the offsets count from the first byte ever fed.
  # Two matches are equal when all their fields are. Like MatchData, a match from a
  # scan refers to (a frozen copy-on-write duplicate of) the scanned String until its
  # text is first read.
  class Match
    attr_reader :pattern, :start, :end, :byte_start, :byte_end

    def initialize(pattern, start, end_, byte_start, byte_end, text, haystack = nil)
      @pattern = pattern
      @start = start
      @end = end_
      @byte_start = byte_start
      @byte_end = byte_end
      @text = text
      @haystack = haystack
    end

    # The matched bytes, in the haystack's encoding (frozen).
    def text
      @text ||= begin
        t = @haystack.byteslice(@byte_start, @byte_end - @byte_start).freeze
        @haystack = nil
        t
      end
    end

    # Character range, for `text[m.range]`.
    def range
      @start...@end
    end

    # Byte range, for `text.byteslice(m.byte_range)`.
    def byte_range
      @byte_start...@byte_end
    end

    def to_h
      { pattern: @pattern, start: @start, end: @end,
        byte_start: @byte_start, byte_end: @byte_end, text: text }
    end

    # Pattern matching: `case m in {pattern: 0, text:} ...`
    def deconstruct_keys(_keys)
      to_h
    end

    def ==(other)
      other.is_a?(Match) && @pattern == other.pattern && @byte_start == other.byte_start &&
        @byte_end == other.byte_end && @start == other.start && @end == other.end &&
        text == other.text
    end

    def eql?(other)
      other.is_a?(Match) && self == other && text.eql?(other.text)
    end

    def hash
      [Match, @pattern, @byte_start, @byte_end, @start, @end, text].hash
    end

    def inspect
      "#<Hayscan::Match pattern=#{@pattern} #{@start}...#{@end} " \
        "(bytes #{@byte_start}...#{@byte_end}) #{text.inspect}>"
    end
    alias to_s inspect
  end
end
