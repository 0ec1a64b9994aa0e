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
    ON_MATCH = Callbacks::ON_MATCH
    ON_RELEASE = Callbacks::ON_RELEASE
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
      @handlers = {} # token => block; the blocks live here, not in any global table
      @finished = false
      # Bytes before the newest chunk a match may still start in (see Offsets::Window);
      # +4 covers a UTF-8 character the core holds back while case folding.
      keep = matcher.syntax == :regex ? max_line_len : longest_pattern + 4
      @window = Offsets::Window.new(keep)
    end

    attr_reader :matcher

    # Registers a handler for the matches of the given pattern ids (all patterns when
    # nil) and returns its id. Handlers run in registration order, on the thread and
    # stack of the #feed/#finish call that found the match, with no native frame below
    # them (see Hayscan::Callbacks): `next` skips to the next match; an exception or a
    # `throw`/`return` out of a handler stops the stream (it is finished) and continues
    # from the #feed/#finish call once the native call has returned. A handler may call
    # #on, #off and #close, and use any Matcher; feeding this stream from its own
    # handler raises BusyError. A handler added from inside a handler sees matches from
    # the next one on.
    def on(patterns: nil, &block)
      raise ArgumentError, "Stream#on needs a block" unless block

      raise closed_error unless @handle

      ids = pattern_ids(patterns)
      id_buf = ids && FFI::MemoryPointer.new(:uint32, [ids.size, 1].max)
      id_buf&.put_array_of_uint32(0, ids)
      token = Callbacks::Registrations.register
      out = FFI::MemoryPointer.new(:uint64)
      user_data = FFI::Pointer.new(token)
      n = ids ? ids.size : 0
      status = Native.hayscan_stream_on(@handle, ON_MATCH, user_data, ON_RELEASE, id_buf, n, out)
      unless status == Status::OK
        Callbacks::Registrations.forget(token)
        raise error_for(status)
      end
      id = out.read_uint64
      @handlers[token] = [id, block]
      id
    end

    # Unregisters handler `id`: it is not called again, even for the rest of a chunk
    # being fed. Raises InvalidArgumentError for an id that is not registered.
    def off(id)
      raise TypeError, "handler id must be an Integer" unless id.is_a?(Integer)
      raise InvalidArgumentError, "no handler with id #{id} on this stream" if id.negative?

      status = Native.hayscan_stream_off(@handle, id)
      raise error_for(status) unless status == Status::OK

      @handlers.delete_if { |_, (hid, _)| hid == id }
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
    # inside a handler, the native stream is freed when the current #feed returns and
    # no further handler runs.
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

    # One native feed/finish on its own fiber (Callbacks.drive), dispatching each match
    # to its handler here, on the caller's stack. Returns the number of matches delivered.
    def run(undo)
      completed = false
      outcome = Callbacks.drive(lambda do
        report = Native::Scratch.get.report # the driver fiber's own
        status = yield report
        next error_for(status) unless status == Status::OK

        report[:matches]
      end) do |(user_data, match, _)|
        dispatch(user_data.address, match)
      end
      completed = true
      return outcome unless outcome.is_a?(Error)

      @window.pop(undo) if undo # the chunk was refused: it is not part of the input
      @finished = true if outcome.is_a?(StreamFinishedError)
      raise outcome
    ensure
      # A handler raised or jumped out, so Callbacks.drive answered STOP: Rust finished
      # the stream, as it does for any handler that stops it.
      @finished = true unless completed
    end

    def dispatch(token, match)
      return Callbacks::STOP if closed? # closed by a handler: nothing more to deliver

      entry = @handlers[token]
      return Callbacks::CONTINUE unless entry

      pattern, byte_start, byte_end = Native.read_match(match)
      entry[1].call(@window.match(pattern, byte_start, byte_end))
      Callbacks::CONTINUE
    end
  end
end
