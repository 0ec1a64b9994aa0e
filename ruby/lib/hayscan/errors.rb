# frozen_string_literal: true

module Hayscan
  # Base class of every hayscan failure. `status` is the C ABI's hayscan_status_t value
  # (nil for failures detected in Ruby, such as ClosedError); `code` is its name as a
  # Symbol (:invalid_pattern, :invalid_argument, :unsupported, :build_failed,
  # :stream_finished, :busy, :panic, :closed).
  class Error < StandardError
    CODE = :unknown
    attr_reader :status, :code

    def initialize(message = nil, status: nil, code: nil)
      super(message)
      @status = status
      @code = code || self.class::CODE
    end
  end

  # An argument hayscan rejected (a wrong replacement count, a pattern id out of range,
  # a zero max_line_len, ...).
  class InvalidArgumentError < Error
    CODE = :invalid_argument
  end

  # A pattern did not compile; `pattern_index` is its index in the list given to
  # Matcher.new.
  class InvalidPatternError < Error
    CODE = :invalid_pattern
    attr_reader :pattern_index

    def initialize(message = nil, pattern_index: nil, **kw)
      super(message, **kw)
      @pattern_index = pattern_index
    end
  end

  # A combination hayscan does not provide (regex with overlapping matches, replacing
  # with an overlapping matcher, ...).
  class UnsupportedError < Error
    CODE = :unsupported
  end

  # The pattern set as a whole could not be compiled (e.g. an engine size limit).
  class BuildError < Error
    CODE = :build_failed
  end

  # The stream was finished (by Stream#finish, or because a handler raised or jumped out).
  class StreamFinishedError < Error
    CODE = :stream_finished
  end

  # A stream was fed or finished from inside one of its own handlers.
  class BusyError < Error
    CODE = :busy
  end

  # libhayscan panicked (a bug in hayscan). The process is fine; the message says where.
  class PanicError < Error
    CODE = :panic
  end

  # Reading a file failed (no such file, a directory, a read error midway); the message
  # has the operating system's reason.
  class FileError < Error
    CODE = :io
  end

  # A Matcher or Stream was used after #close.
  class ClosedError < Error
    CODE = :closed
  end

  # Turns a non-zero hayscan_status_t into the matching exception, reading the thread's
  # last-error detail (call it right after the failing native call, on the same thread).
  module Status
    OK = 0
    FILE = 8
    ERRORS = {
      1 => InvalidArgumentError,
      2 => InvalidPatternError,
      3 => UnsupportedError,
      4 => BuildError,
      5 => StreamFinishedError,
      6 => BusyError,
      7 => PanicError,
      8 => FileError
    }.freeze

    def self.error_for(status)
      klass = ERRORS.fetch(status, Error)
      message = Native.hayscan_last_error_message.dup.force_encoding(Encoding::UTF_8).scrub
      message = "hayscan status #{status}" if message.empty?
      if klass == InvalidPatternError
        index = Native.hayscan_last_error_pattern_index
        klass.new(message, status: status, pattern_index: index.negative? ? nil : index)
      else
        klass.new(message, status: status)
      end
    end

    def self.check!(status)
      raise error_for(status) unless status == OK
    end
  end
end
