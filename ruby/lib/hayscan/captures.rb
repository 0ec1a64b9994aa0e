# frozen_string_literal: true

module Hayscan
  # The capture groups of one regex match, as `MatchData` has them: group 0 is the whole
  # match, groups are numbered from 1 in the order of their opening parenthesis, and named
  # groups (`(?P<key>...)` or `(?<key>...)`) can also be read by name. A group that took no
  # part in the match is nil. Offsets come in characters (`begin`/`end`/`offset`, as
  # `MatchData`) and in bytes (`byte_begin`/`byte_end`/`byteoffset`).
  #
  #   m = Hayscan::Matcher.regex(['(?P<key>\w+)=(\d+)?'])
  #   caps = m.captures("héllo=42", m.find("héllo=42"))
  #   caps[0]          #=> "héllo=42"
  #   caps[:key]       #=> "héllo"
  #   caps[2]          #=> "42"
  #   caps.begin(2)    #=> 6
  #   caps.byte_begin(2) #=> 7
  #
  # Made by Matcher#captures, or by `scan`/`find_all`/`find`/`replace` with
  # `captures: true`. Like MatchData, it keeps (a frozen copy-on-write duplicate of) the
  # scanned String; group texts are sliced from it when first read.
  class Captures
    # The Hayscan::Match these are the groups of.
    attr_reader :match

    # `hay`: the frozen haystack; `match`: the Hayscan::Match (its `start` is the character
    # offset of byte `match.byte_start`); `spans`: [start, end] byte pairs or nil, group 0
    # first; `names`: the pattern's group names by index (nil for unnamed groups).
    def initialize(hay, match, spans, names)
      @hay = hay
      @match = match
      @spans = spans
      @names = names
      @texts = Array.new(spans.size)
      @bytes_are_chars = hay.encoding == Offsets::BINARY || hay.ascii_only?
    end

    # Index of the pattern that matched.
    def pattern
      @match.pattern
    end

    # Number of groups, group 0 included (as MatchData#size).
    def size
      @spans.size
    end
    alias length size

    # The text of a group, or nil when it took no part in the match or (for an Integer)
    # does not exist. `caps[1]`, `caps[-1]`, `caps[:name]`, `caps["name"]`; like
    # MatchData, a name the pattern does not have raises IndexError, and `caps[1, 2]` /
    # `caps[1..]` return Arrays.
    def [](*args)
      return to_a[*args] unless args.size == 1

      key = args[0]
      case key
      when Integer
        key += @spans.size if key.negative?
        key.negative? ? nil : text(key)
      when String, Symbol then text(name_index(key))
      else to_a[key]
      end
    end

    # Character offset where group `n` (an index or a name) starts, or nil.
    def begin(n)
      b = byte_begin(n)
      b && char_offset(b)
    end

    # Character offset where group `n` ends, or nil.
    def end(n)
      b = byte_end(n)
      b && char_offset(b)
    end

    # [begin(n), end(n)], as MatchData#offset.
    def offset(n)
      [self.begin(n), self.end(n)]
    end

    # Byte offset where group `n` starts, or nil.
    def byte_begin(n)
      span(n)&.first
    end

    # Byte offset where group `n` ends, or nil.
    def byte_end(n)
      span(n)&.last
    end

    # [byte_begin(n), byte_end(n)], as MatchData#byteoffset.
    def byteoffset(n)
      s = span(n)
      s ? s.dup : [nil, nil]
    end

    # Names of the named groups, in group order (as MatchData#names).
    def names
      @names.compact
    end

    # Every group's text, group 0 first (as MatchData#to_a).
    def to_a
      Array.new(@spans.size) { |i| text(i) }
    end

    # The texts of groups 1 and after (as MatchData#captures).
    def captures
      Array.new(@spans.size - 1) { |i| text(i + 1) }
    end

    # { name => text } for the named groups (symbolize_names: true for Symbol keys).
    def named_captures(symbolize_names: false)
      @names.each_with_index.with_object({}) do |(name, i), h|
        next unless name

        h[symbolize_names ? name.to_sym : name] = text(i)
      end
    end

    # Texts of the groups at the given indexes or names.
    def values_at(*keys)
      keys.flat_map { |k| k.is_a?(Range) ? to_a.values_at(k) : [self[k]] }
    end

    # The text before and after the whole match.
    def pre_match
      @hay.byteslice(0, @spans[0][0])
    end

    def post_match
      @hay.byteslice(@spans[0][1], @hay.bytesize - @spans[0][1])
    end

    # The matched text (group 0).
    def to_s
      text(0)
    end

    # The scanned String (frozen).
    def string
      @hay
    end

    # Pattern matching: `case caps in [key, value]` (groups 1 and after) and
    # `case caps in {key:}` (named groups).
    def deconstruct
      captures
    end

    def deconstruct_keys(_keys)
      named_captures(symbolize_names: true)
    end

    def ==(other)
      other.is_a?(Captures) && @match == other.match && to_a == other.to_a &&
        spans == other.spans && names == other.names
    end
    alias eql? ==

    def hash
      [Captures, @match, @spans].hash
    end

    def inspect
      groups = (1...@spans.size).map { |i| " #{@names[i] || i}:#{text(i).inspect}" }
      "#<Hayscan::Captures pattern=#{pattern} #{text(0).inspect}#{groups.join}>"
    end

    protected

    # Byte spans, for ==.
    attr_reader :spans

    private

    def span(n)
      i = n.is_a?(Integer) ? n : name_index(n)
      raise IndexError, "index #{n} out of groups" if i.negative? || i >= @spans.size

      @spans[i]
    end

    def text(i)
      s = @spans[i]
      return nil unless s

      @texts[i] ||= @hay.byteslice(s[0], s[1] - s[0]).freeze
    end

    def name_index(name)
      key = case name
            when String then name
            when Symbol then name.name
            else raise TypeError, "no implicit conversion of #{name.class} into Integer"
            end
      i = @names.rindex(key)
      raise IndexError, "undefined group name reference: #{key}" unless i

      i
    end

    # Groups lie inside the match, so characters are counted from the match's start.
    def char_offset(byte)
      return byte if @bytes_are_chars

      from = @spans[0][0]
      if byte >= from
        @match.start + @hay.byteslice(from, byte - from).length
      else
        @match.start - @hay.byteslice(byte, from - byte).length
      end
    end
  end
end
