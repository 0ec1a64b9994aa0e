# frozen_string_literal: true

module Hayscan
  # Push scanning of input that arrives in chunks: register handlers with #on, then
  # #feed chunks and #finish. Handlers see every match with absolute offsets (counted
  # from the first byte fed), exactly as one scan of the whole input would report them
  # for literal patterns, however the input is split; regex streams scan line by line.
  # A Stream belongs to one thread at a time. Create one with Matcher#stream.
  #
  #   stream = matcher.stream
  #   stream.on { |m| puts m.text }
  #   File.open(path, "rb") { |f| stream << f.read(65_536) until f.eof? }
  #   stream.finish
  #   stream.close
  class Stream
    COLLECTOR = Callbacks::COLLECTOR
    ON_RELEASE = Callbacks::ON_RELEASE
    MATCH_TEMPLATES = Matcher::MATCH_TEMPLATES
    # Frees the native stream (and releases its handlers) when the Stream is garbage
    # collected without #close. A class method: the finalizer holds no reference to the
    # Stream, its handler blocks or anything they capture.
    class Handle < FFI::AutoPointer
      def self.release(ptr)
        Native.hayscan_stream_free(ptr)
      end
    end

    # Use Matcher#stream.
    def initialize(matcher, longest_pattern, max_line_len)
      out = FFI::MemoryPointer.new(:pointer)
      matcher.new_native_stream(out)
      @handle = Handle.new(out.read_pointer)
      @matcher = matcher
      @handlers = {} # id => [pattern filter (Hash) or nil, block], in registration order
      @next_id = 0
      @collecting = false # the native collector is registered (at the first #on)
      @dispatching = false # handlers are running (feeding the stream from one is refused)
      @finished = false
      # Bytes before the newest chunk a match may still start in (see Offsets::Window);
      # +4 covers a UTF-8 character the core holds back while case folding.
      keep = matcher.syntax == :regex ? max_line_len : longest_pattern + 4
      @window = Offsets::Window.new(keep)
    end

    attr_reader :matcher

    # Registers a handler for the matches of the given pattern ids (all patterns when
    # nil) and returns its id. Handlers run in registration order, on the thread and
    # stack of the #feed/#finish call that found the match, after the native call has
    # returned: no native frame is below them (see Hayscan::Callbacks), so `next`,
    # `break`, `throw`, `return`, `raise`, Thread#kill and Timeout all leave cleanly.
    # `next` skips to the next match; anything that leaves a handler otherwise stops the
    # stream (it is finished: the rest of the chunk's matches are not delivered) and
    # continues from the #feed/#finish call. A handler may call #on, #off and #close, and
    # use any Matcher; feeding this stream from its own handler raises BusyError. A
    # handler added from inside a handler sees matches from the next one on.
    def on(patterns: nil, &block)
      raise ArgumentError, "Stream#on needs a block" unless block

      raise closed_error unless @handle

      ids = pattern_ids(patterns)
      register_collector unless @collecting
      id = (@next_id += 1)
      @handlers[id] = [ids&.to_h { |i| [i, true] }, block]
      id
    end

    # Unregisters handler `id`: it is not called again, even for the rest of a chunk
    # being fed. Raises InvalidArgumentError for an id that is not registered.
    def off(id)
      raise TypeError, "handler id must be an Integer" unless id.is_a?(Integer)
      raise closed_error unless @handle
      raise InvalidArgumentError, "no handler with id #{id} on this stream" unless @handlers.delete(id)

      nil
    end

    # Number of registered handlers.
    def handler_count
      @handlers.size
    end

    # Feeds the next chunk (a String; its bytes are read in place, not copied) and runs
    # the handlers for every match that is now certain. Returns the number of matches
    # delivered by this call.
    def feed(chunk)
      s = String.try_convert(chunk)
      raise TypeError, "expected a String chunk, got #{chunk.class}" unless s

      Offsets.ascii_compatible!(s)
      chunk = s.frozen? ? s : s.dup.freeze # a handler may change the caller's String
      raise closed_error unless @handle

      refuse_reentry!

      len = chunk.bytesize
      undo = @window.push(chunk)
      begin
        run(undo) { |report| Native.hayscan_stream_feed(@handle, chunk, len, report) }
      ensure
        @window.trim
      end
    end

    # Same as #feed, returning the stream: `stream << a << b`.
    def <<(chunk)
      feed(chunk)
      self
    end

    # Ends the input: runs the handlers for the matches still pending and finishes the
    # stream (later #feed/#finish raise StreamFinishedError). Returns the number of
    # matches delivered by this call. Handlers stay registered until #close.
    def finish
      raise closed_error unless @handle

      refuse_reentry!
      delivered = run(nil) { |report| Native.hayscan_stream_finish(@handle, report) }
      @finished = true
      delivered
    end

    # True after #finish, or after a handler raised or jumped out.
    def finished?
      @finished
    end

    # Total bytes fed so far.
    def position
      @window.bytes
    end

    # Frees the native stream and releases every handler. Idempotent. Called from
    # inside a handler, it frees the native stream at once (no native call is running
    # then) and no further handler runs.
    def close
      handle = @handle
      @handle = nil
      @handlers.clear
      handle&.free
      nil
    end

    def closed?
      @handle.nil?
    end

    # A Stream owns one native stream and its position in the input: a copy would share
    # both (feeding one would feed the other). Create another with Matcher#stream.
    def initialize_copy(_other)
      raise TypeError, "can't copy #{self.class}: it owns a native stream; create another with Matcher#stream"
    end

    def inspect
      "#<#{self.class} #{@handlers.size} handlers #{position} bytes#{' finished' if @finished}" \
        "#{' closed' if closed?}>"
    end

    private

    # As in Matcher: native calls receive `@handle` itself (nil, so NULL, once closed,
    # even by another thread or a handler meanwhile), and a failure on a closed stream is
    # reported as ClosedError.
    def error_for(status)
      return closed_error if @handle.nil?

      Status.error_for(status)
    end

    def closed_error
      ClosedError.new("#{self.class} is closed")
    end

    def pattern_ids(patterns)
      return nil if patterns.nil?

      ids = Array(patterns)
      count = @matcher.pattern_count
      ids.each do |id|
        raise TypeError, "pattern ids must be Integers, got #{id.inspect}" unless id.is_a?(Integer)
        # Checked here too: the C ABI skips this check when called from inside a handler.
        unless id >= 0 && id < count
          raise InvalidArgumentError, "pattern id #{id} out of range (matcher has #{count} patterns)"
        end
      end
      ids
    end

    # The stream's one native registration: Callbacks::COLLECTOR, for every pattern,
    # released by hayscan_stream_free.
    def register_collector
      token = Callbacks::Registrations.register
      out = FFI::MemoryPointer.new(:uint64)
      status = Native.hayscan_stream_on(@handle, COLLECTOR, FFI::Pointer.new(token), ON_RELEASE, nil, 0, out)
      unless status == Status::OK
        Callbacks::Registrations.forget(token)
        raise error_for(status)
      end
      @collecting = true
    end

    # Feeding or finishing a stream from its own handler, or after a handler stopped it,
    # is refused as the C ABI would refuse it.
    def refuse_reentry!
      if @dispatching
        raise BusyError.new("this stream is running one of its handlers: it cannot be fed or finished from it",
                            status: 6)
      end
      return unless @finished

      raise StreamFinishedError.new("the stream is finished (by #finish, or a handler that raised or jumped out)",
                                    status: 5)
    end

    # One native feed/finish (in Callbacks.collect: its matches are copied, no handler
    # runs inside it), then the handlers over those matches, here, with no native frame
    # below. Returns the number of matches the native call found.
    def run(undo)
      completed = false
      outcome, found = Callbacks.collect do
        report = Native::Scratch.get.report
        status = yield report
        status == Status::OK ? report[:matches] : error_for(status)
      end
      if outcome.is_a?(Error)
        completed = true
        @window.pop(undo) if undo # the chunk was refused: it is not part of the input
        @finished = true if outcome.is_a?(StreamFinishedError)
        raise outcome
      end
      delivered = dispatch(found, outcome)
      completed = true
      delivered
    ensure
      # A handler raised or jumped out (or the thread was killed or interrupted): the
      # stream is finished, as the C ABI finishes a stream whose handler stopped it.
      @finished = true unless completed
    end

    # Runs the handlers over `found` (packed matches, `count` of them); returns the number
    # of matches delivered: all of them, or up to the one whose handler closed the stream.
    def dispatch(found, count)
      return count if found.empty? || @handlers.empty?

      n = found.bytesize / Native::MATCH_SIZE
      fields = found.unpack(MATCH_TEMPLATES[n])
      @dispatching = true
      begin
        i = 0
        while i < fields.size
          return i / 3 if closed? # closed by a handler: nothing more to deliver

          pattern = fields[i]
          hit = nil
          @handlers.keys.each do |id| # a snapshot: handlers added now see the next match
            entry = @handlers[id]
            next unless entry # removed by an earlier handler for this match
            next if entry[0] && !entry[0].key?(pattern)

            hit ||= @window.match(pattern, fields[i + 1], fields[i + 2])
            entry[1].call(hit)
            break if closed?
          end
          i += 3
        end
        count
      ensure
        @dispatching = false
      end
    end
  end
end
