# frozen_string_literal: true

module Hayscan
  # How user blocks are run for the native calls that call back into Ruby (stream handlers,
  # `replace`), so that no Ruby exception, `break`, `throw` or `return` ever jumps across a
  # Rust frame.
  #
  # The native call runs on a fiber of its own. The FFI::Function Rust calls (a
  # "trampoline") does nothing but Fiber.yield the callback's arguments back to the
  # caller's fiber, where `drive` runs the user's block — on a stack with no Rust frame
  # below it. The block's answer (0: continue, non-zero: stop) is handed back to Rust by
  # resuming the fiber. If the block raises or jumps out (break/throw/return), `drive`'s
  # ensure clause resumes the fiber with STOP until the native call has returned, so Rust
  # unwinds its own frames normally; only then does the exception or jump continue on
  # the caller's fiber — with the original exception object and backtrace, never lost.
  #
  # The trampolines are constants: they stay referenced for the life of the process, so
  # GC can never free a closure Rust may still call. Their user_data is an Integer token,
  # never a pointer to a Ruby object.
  module Callbacks
    DONE = Object.new.freeze
    # Stop values returned to Rust. CONTINUE and STOP come from `drive`; ERROR from a
    # trampoline that caught an exception on the native call's own fiber.
    CONTINUE = 0
    STOP = 1
    ERROR = 2
    ERROR_KEY = :__hayscan_callback_error # fiber-local: each driven fiber has its own

    # The trampolines run on the native call's fiber, inside Rust's call. Anything raised
    # there (an asynchronous Thread#raise landing on this fiber, a FiberError if one were
    # ever called outside `drive`) is kept and turned into ERROR, which stops the native
    # loop; `drive` re-raises it after the native call returns.
    def self.failed(error)
      Thread.current[ERROR_KEY] ||= error
      ERROR
    end

    ON_MATCH = FFI::Function.new(:int32, %i[pointer pointer]) do |user_data, match|
      Fiber.yield(user_data, match, nil)
    rescue Exception => e # rubocop:disable Lint/RescueException -- nothing may reach Rust
      failed(e)
    end

    ON_REPLACE = FFI::Function.new(:int32, %i[pointer pointer pointer]) do |user_data, match, dst|
      Fiber.yield(user_data, match, dst)
    rescue Exception => e # rubocop:disable Lint/RescueException -- nothing may reach Rust
      failed(e)
    end

    # Stream handler release: Rust calls it exactly once per registration (on off, on
    # stream free, or after the running handler returns). It only updates bookkeeping.
    ON_RELEASE = FFI::Function.new(:void, [:pointer]) do |user_data|
      Registrations.release(user_data.address)
    rescue Exception # rubocop:disable Lint/RescueException -- nothing may reach Rust
      nil
    end

    # A fiber that runs native calls, one job at a time, kept in a per-thread pool: fiber
    # creation costs more than the switches. `idle` is true while it waits for a job, and
    # false while a native call is in progress (possibly suspended in a trampoline). The
    # result is handed over in `result`/`error`, not through Fiber.yield, so that an idle
    # driver holds no reference to the last job, its haystack or its result.
    Driver = Struct.new(:fiber, :idle, :result, :error)
    POOL_KEY = :__hayscan_drivers
    POOL_MAX = 4

    def self.new_driver
      driver = Driver.new(nil, true)
      driver.fiber = Fiber.new(blocking: true) do |job|
        loop do
          driver.idle = false
          Thread.current[ERROR_KEY] = nil
          driver.result = job.call
          job = nil
          driver.error = Thread.current[ERROR_KEY]
          Thread.current[ERROR_KEY] = nil
          driver.idle = true
          job = Fiber.yield(DONE)
        end
      end
      driver
    end

    # Runs `native` (a Proc making one native call that may call a trampoline, and doing
    # any cleanup of what it returns) on a driver fiber. Each callback is yielded to the
    # block as [user_data pointer, match pointer, replacement pointer or nil]; the block
    # returns CONTINUE or STOP. Returns what `native` returned.
    def self.drive(native)
      pool = Thread.current.thread_variable_get(POOL_KEY) ||
             Thread.current.thread_variable_set(POOL_KEY, [])
      driver = pool.pop || new_driver
      event = driver.fiber.resume(native)
      event = driver.fiber.resume(yield(event)) until event.equal?(DONE)
      result = driver.result
      error = driver.error
      driver.result = driver.error = nil
      raise error if error

      result
    ensure
      if driver
        settle(driver)
        driver.result = driver.error = nil
        pool.push(driver) if driver.idle && driver.fiber.alive? && pool.size < POOL_MAX
      end
    end

    # If the caller's block raised or jumped out while Rust waits in a callback, answer
    # STOP to every pending callback until the native call has returned, so Rust unwinds
    # its own frames. An error on the driver fiber now must not replace the exception or
    # jump already in flight (the fiber is then dead and not reused).
    def self.settle(driver)
      driver.fiber.resume(STOP) while driver.fiber.alive? && !driver.idle
    rescue Exception # rubocop:disable Lint/RescueException -- the original exit wins
      nil
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
