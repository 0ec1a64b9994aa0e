# frozen_string_literal: true

module Hayscan
  # One file scanned by a libhayscan job: the library reads and scans it on a worker
  # thread of its own, with no Ruby involved, and queues the matches in batches. Matcher
  # #scan_file drains them and runs its block on the calling thread.
  #
  # Why a second Ruby thread (the pump): taking a batch (hayscan_job_next_batch) waits for
  # the worker, so it must release the GVL, and a native call made through ffi's
  # `blocking: true` cannot be interrupted: a Thread#kill, Timeout or Thread#raise aimed at
  # a thread waiting in it takes effect only when the call returns, which for a file with
  # few matches (or a pipe whose writer is silent) may be the end of the input. So the
  # pump makes those waiting calls and hands each batch over through a SizedQueue; the
  # calling thread waits in SizedQueue#pop, which any interrupt ends at once. Leaving the
  # block in any way (end, break, raise, throw, kill, Timeout) runs #close: it cancels the
  # job (the worker stops at its next 256 KiB of input or its next match), closes the
  # queue (the pump stops), waits for the pump and frees the job, so when #each returns
  # or raises nothing of the scan is left.
  #
  # The block never runs on a native frame (see Hayscan::Callbacks): it runs on the
  # calling thread, between SizedQueue#pop calls.
  class FileJob
    private_class_method :new
    BATCH = 4096 # matches per batch (the C ABI's default)
    QUEUED = 2 # batches the pump may hold ready beyond the library's own queue of 4
    MATCH_SIZE = Native::MATCH_SIZE

    # Scans the file at `path` (a frozen binary String) with `handle` (a native matcher,
    # passed straight to the start call, so a closed matcher passes NULL) and yields each
    # batch of matches (packed hayscan_match_t, a binary String) on the calling thread.
    # Returns [status, result]: Status::OK and the number of matches the job found, or a
    # failure status and its Hayscan::Error (a file error is left to the caller to turn
    # into Ruby's own Errno error). A failure to start is [status, nil]: the caller reads
    # the error on this thread. The job is started and closed with interrupts deferred,
    # so an interrupt can neither leave it unfreed nor land between those calls; the
    # block and the waits for batches run with interrupts as the caller has them.
    def self.scan(handle, path)
      job = nil
      begin
        # Started with interrupts deferred, so none lands between the start and `job =`;
        # the drain (block and waits) runs under the caller's own interrupt handling.
        status = Thread.handle_interrupt(Object => :never) do
          opts = Native::JobOptions.new
          Status.check!(Native.hayscan_job_options_init(opts))
          opts[:batch] = BATCH
          out = FFI::MemoryPointer.new(:pointer)
          started = Native.hayscan_matcher_start_file_job(handle, path, path.bytesize, opts, out)
          job = adopt(out.read_pointer) if started == Status::OK
          started
        end
        return [status, nil] unless job

        job.drain { |batch| yield batch }
      ensure
        Thread.handle_interrupt(Object => :never) { job&.close }
      end
    end

    # The FileJob of a started native job; frees the job if that fails.
    def self.adopt(ptr)
      new(ptr)
    rescue Exception # rubocop:disable Lint/RescueException -- free what cannot be handed over
      Native.hayscan_job_free(ptr)
      raise
    end

    def initialize(job)
      @job = job
      @queue = SizedQueue.new(QUEUED)
      @pump = FileJob.spawn_pump(job, @queue)
      ObjectSpace.define_finalizer(self, FileJob.reaper(job, @queue, @pump))
    end

    # The pump thread. Made here, in a class method, so that its block holds no reference
    # to the FileJob: an abandoned FileJob can be collected while its pump waits.
    def self.spawn_pump(job, queue)
      pump = Thread.new { FileJob.pump(job, queue) }
      pump.report_on_exception = false
      pump.name = "hayscan-file-job"
      pump
    end

    # The finalizer of a FileJob collected without #close: the fiber of an Enumerator
    # stepped with `next` and dropped before its end never runs its `ensure`. It cancels
    # the job and frees it from a thread of its own (a finalizer must not wait for the
    # pump).
    def self.reaper(job, queue, pump)
      proc do
        Native.hayscan_job_cancel(job)
        queue.close
        Thread.new do
          begin
            pump.join
          rescue StandardError
            nil
          end
          Native.hayscan_job_free(job)
        end
      rescue ThreadError
        nil # the process is exiting: it ends the job with it
      end
    end

    # The pump's body: takes batches without the GVL until the scan ends or the queue is
    # closed, then the job's outcome. Returns [status, matches or the error].
    def self.pump(job, queue)
      buf = FFI::MemoryPointer.new(:char, BATCH * MATCH_SIZE, false)
      len = FFI::MemoryPointer.new(:size_t)
      loop do
        status = Native.hayscan_job_next_batch(job, buf, BATCH, len)
        return [status, Status.error_for(status)] unless status == Status::OK

        n = len.read(:size_t)
        break if n.zero?

        queue.push(buf.get_bytes(0, n * MATCH_SIZE))
      end
      outcome = Native::JobOutcome.new
      status = Native.hayscan_job_wait(job, outcome)
      # The error's message is this thread's (the library keeps it per thread): read it here.
      [status, status == Status::OK ? outcome[:matches] : Status.error_for(status)]
    rescue ClosedQueueError
      [Status::OK, nil] # the consumer left early
    ensure
      queue.close
    end

    # Yields each batch on this thread until the pump has delivered the last; returns
    # the pump's [status, result].
    def drain
      while (batch = @queue.pop)
        yield batch
      end
      @pump.value
    end

    # Cancels the scan, stops the pump and frees the job. Idempotent.
    def close
      job = @job
      return unless job

      @job = nil
      ObjectSpace.undefine_finalizer(self)
      Native.hayscan_job_cancel(job)
      @queue.close
      begin
        @pump.join
      rescue StandardError
        nil # the pump failed; the scan's own outcome (or the block's exception) is what counts
      end
      Native.hayscan_job_free(job)
    end
  end
end
