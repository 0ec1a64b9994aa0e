# frozen_string_literal: true

module Hayscan
  # No user block ever runs with a Rust frame below it: Ruby implements break, throw,
  # return, raise and Thread#kill by unwinding the stack with longjmp, which must not cross
  # Rust frames. Everything pulls (see docs/ruby.md, "How blocks are run"):
  #
  # - scan, each_match, find_all, the Enumerators and replace read matches from a native
  #   iterator in batches, and run the block between native calls;
  # - a stream registers one native handler, COLLECTOR, which copies each match into a
  #   buffer and returns (no user code); the Stream runs its handlers over that buffer
  #   after hayscan_stream_feed/_finish has returned.
  #
  # The native calls that call COLLECTOR run inside `collect`, with asynchronous
  # interrupts (Thread#raise, Thread#kill, Timeout, signals' exceptions) deferred until the
  # call has returned, so none of them can land in COLLECTOR either.
  #
  # The FFI::Functions are constants: they stay referenced for the life of the process, so
  # GC can never free a closure Rust may still call. Their user_data is an Integer token,
  # never a pointer to a Ruby object.
  module Callbacks
    CONTINUE = 0
    # COLLECTOR's answer when it cannot collect (called outside `collect`, or it raised):
    # non-zero stops the native loop; `collect` re-raises what was kept.
    ERROR = 2
    ERROR_KEY = :__hayscan_callback_error # fiber-local, like COLLECT_KEY
    COLLECT_KEY = :__hayscan_collect
    MATCH_SIZE = Native::MATCH_SIZE

    def self.failed(error)
      Thread.current[ERROR_KEY] ||= error
      ERROR
    end

    COLLECTOR = FFI::Function.new(:int32, %i[pointer pointer]) do |_user_data, match|
      buffer = Thread.current[COLLECT_KEY]
      if buffer
        buffer << match.get_bytes(0, MATCH_SIZE)
        CONTINUE
      else
        failed(Error.new("hayscan: a stream handler was called outside Stream#feed/#finish"))
      end
    rescue Exception => e # rubocop:disable Lint/RescueException -- nothing may reach Rust
      failed(e)
    end

    # Stream handler release: Rust calls it exactly once per registration (on stream
    # free). It only updates bookkeeping.
    ON_RELEASE = FFI::Function.new(:void, [:pointer]) do |user_data|
      Registrations.release(user_data.address)
    rescue Exception # rubocop:disable Lint/RescueException -- nothing may reach Rust
      nil
    end

    # Runs the block (one native call that may call COLLECTOR) with asynchronous
    # interrupts deferred, and returns [the block's value, the matches COLLECTOR copied,
    # as packed hayscan_match_t]. An interrupt that arrived meanwhile is raised when the
    # call has returned, before the caller looks at the matches.
    def self.collect
      buffer = String.new(encoding: Encoding::BINARY)
      Thread.handle_interrupt(Object => :never) do
        outer = Thread.current[COLLECT_KEY]
        Thread.current[COLLECT_KEY] = buffer
        Thread.current[ERROR_KEY] = nil
        begin
          result = yield
        ensure
          error = Thread.current[ERROR_KEY]
          Thread.current[ERROR_KEY] = nil
          Thread.current[COLLECT_KEY] = outer
        end
        raise error if error

        [result, buffer]
      end
    end

    # Handler registrations awaiting their release, for tests and diagnostics. `release`
    # may run inside a GC finalizer, where taking a Mutex the same thread holds would
    # deadlock, so it only makes single Hash calls (atomic under the GVL); `register`
    # takes the lock to hand out unique tokens.
    module Registrations
      @live = {}
      @next_token = 0
      @unknown_releases = 0
      @lock = Mutex.new

      class << self
        attr_reader :unknown_releases

        def register
          token = @lock.synchronize { @next_token += 1 }
          @live[token] = true
          token
        end

        # The registration failed, so Rust will never release it.
        def forget(token)
          @live.delete(token)
        end

        def release(token)
          @unknown_releases += 1 unless @live.delete(token)
        end

        def live
          @live.size
        end
      end
    end
  end
end
