# frozen_string_literal: true

# The C ABI of libhayscan (crates/hayscan-ffi/include/hayscan.h) as seen from Ruby:
# library lookup, the ABI check, structs and one attach_function per export. Nothing
# here is public API; Hayscan::Matcher and Hayscan::Stream are built on it.

require "ffi"

module Hayscan
  # Raised at require time when libhayscan cannot be loaded or is not the ABI this gem
  # was written for. A ::LoadError, so `rescue LoadError` around an optional require works.
  class LibraryError < ::LoadError; end

  # The ABI version this gem speaks (HAYSCAN_ABI_VERSION in hayscan.h).
  ABI_VERSION = 3

  module Native
    extend FFI::Library

    # The library a platform gem (or a source gem, built at install time by
    # ext/hayscan/extconf.rb) carries: lib/hayscan/native/libhayscan.so.0.
    BUNDLED_DIR = File.expand_path("native", __dir__)
    SONAME = FFI::Platform.mac? ? "libhayscan.0.dylib" : "libhayscan.#{FFI::Platform::LIBSUFFIX}.0"

    # Where libhayscan is looked for, in order: the library bundled in the gem, then
    # $HAYSCAN_LIB, then the cargo build of the source tree this gem sits in (a checkout of
    # the repository), then the system library (libhayscan.so.0 through the dynamic
    # loader: LD_LIBRARY_PATH, ldconfig's cache, /usr/lib...). Each entry is [label, path
    # or loader name, nil for an unset HAYSCAN_LIB]; a path that does not exist is skipped (and listed in the error).
    def self.candidates(env = ENV)
      list = [["bundled", File.join(BUNDLED_DIR, SONAME)]]
      lib = env["HAYSCAN_LIB"]
      list << ["HAYSCAN_LIB", lib && !lib.empty? ? lib : nil]
      in_tree = File.expand_path("../../../target/release/libhayscan.#{FFI::Platform::LIBSUFFIX}", __dir__)
      list << ["source tree", in_tree] if File.exist?(File.expand_path("../../../Cargo.toml", __dir__))
      list << ["system", SONAME]
      list
    end

    def self.load_library(env = ENV)
      tried = []
      candidates(env).each do |label, path|
        if path.nil?
          tried << "#{label}: not set"
          next
        end
        if path.include?("/") && !File.exist?(path)
          tried << "#{label}: #{path} (no such file)"
          next
        end
        begin
          ffi_lib(path)
          return path
        rescue ::LoadError => e
          tried << "#{label}: #{path} (#{e.message.lines.first.strip})"
        end
      end
      raise LibraryError, <<~MSG
        hayscan: cannot load the native library libhayscan.
        Tried, in order:
          #{tried.join("\n  ")}
        Install the platform gem (hayscan-#{VERSION}-x86_64-linux.gem), or the source gem with cargo
        on PATH, or build it from the repository root with `cargo build --release -p hayscan-ffi`
        and point HAYSCAN_LIB at the libhayscan.#{FFI::Platform::LIBSUFFIX} it builds.
      MSG
    end

    LIBRARY_PATH = load_library

    # struct hayscan_match { uint32_t pattern; size_t start; size_t end; }
    class MatchStruct < FFI::Struct
      layout :pattern, :uint32, :start, :size_t, :end, :size_t
    end

    # struct hayscan_options (versioned: always filled by hayscan_options_init first).
    class Options < FFI::Struct
      layout :version, :uint32,
             :syntax, :uint32,
             :match_kind, :uint32,
             :case_insensitive, :uint32,
             :max_line_len, :size_t,
             :ascii_classes, :uint32,
             :whole_words, :uint32,
             :max_repetition, :uint32,
             :max_regex_states, :size_t
    end

    # HAYSCAN_OPTIONS_VERSION: the layout above. hayscan_options_init writes the whole
    # struct of the library's version, so the two must agree (checked at load time).
    OPTIONS_VERSION = 3

    # struct hayscan_span { size_t start; size_t end; }: one capture group, in bytes;
    # a group that took no part in the match has start = end = SIZE_MAX.
    class SpanStruct < FFI::Struct
      layout :start, :size_t, :end, :size_t
    end
    SPAN_SIZE = SpanStruct.size
    NO_SPAN = (1 << (8 * FFI.type_size(:size_t))) - 1 # SIZE_MAX

    # struct hayscan_input_match { size_t input; hayscan_match_t m; } (find_many); the
    # nested match is laid out flat, which gives the C offsets (m is size_t-aligned).
    class InputMatchStruct < FFI::Struct
      layout :input, :size_t, :pattern, :uint32, :start, :size_t, :end, :size_t
    end
    INPUT_MATCH_SIZE = InputMatchStruct.size
    # hayscan_matcher_first_match_per_pattern's pattern of a pattern that does not match.
    NO_PATTERN = (1 << 32) - 1

    # struct hayscan_scan_report
    class ScanReport < FFI::Struct
      layout :matches, :size_t, :stopped, :uint32, :stop_value, :int32
    end

    # `Array#pack`/`String#unpack` template for one hayscan_match_t, derived from the
    # struct layout so a different ABI (padding, 32-bit size_t) is read correctly. 'J' is
    # the native pointer-sized unsigned integer, which is size_t on every platform Ruby runs.
    MATCH_SIZE = MatchStruct.size
    MATCH_TEMPLATE = begin
      start_off = MatchStruct.offset_of(:start)
      end_off = MatchStruct.offset_of(:end)
      word = FFI.type_size(:size_t)
      unless word == [0].pack("J").bytesize && end_off == start_off + word
        raise LibraryError, "hayscan: unexpected hayscan_match_t layout on this platform"
      end
      tail = MATCH_SIZE - (end_off + word)
      "L#{"x#{start_off - 4}" if start_off > 4}JJ#{"x#{tail}" if tail.positive?}"
    end

    # An unpack template reading `fields` ([[name, directive], ...], in layout order) of
    # one `struct` and skipping the rest of it, padding included.
    def self.template(struct, fields)
      at = 0
      out = +""
      fields.each do |name, directive|
        off = struct.offset_of(name)
        out << "x#{off - at}" if off > at
        out << directive
        at = off + [0].pack(directive).bytesize
      end
      out << "x#{struct.size - at}" if struct.size > at
      out.freeze
    end

    # One column of a hayscan_match_t each (the columnar find_all): unpacking a batch
    # with one of these repeated gives that field of every match, as one Array.
    COLUMN_TEMPLATES = {
      pattern: template(MatchStruct, [[:pattern, "L"]]),
      start: template(MatchStruct, [[:start, "J"]]),
      end: template(MatchStruct, [[:end, "J"]])
    }.freeze
    # [input, pattern, start, end] of one hayscan_input_match_t.
    INPUT_MATCH_TEMPLATE = template(InputMatchStruct, [[:input, "J"], [:pattern, "L"], [:start, "J"], [:end, "J"]])

    # Reads the hayscan_match_t at `ptr` as [pattern, start, end] (cheaper than a Struct).
    START_OFFSET = MatchStruct.offset_of(:start)
    END_OFFSET = MatchStruct.offset_of(:end)
    # Writes [pattern, start, end] as a hayscan_match_t at `ptr` (for hayscan_matcher_captures).
    if FFI.type_size(:size_t) == 8
      def self.read_match(ptr)
        [ptr.get_uint32(0), ptr.get_uint64(START_OFFSET), ptr.get_uint64(END_OFFSET)]
      end

      def self.write_match(ptr, pattern, byte_start, byte_end)
        ptr.put_uint32(0, pattern)
        ptr.put_uint64(START_OFFSET, byte_start)
        ptr.put_uint64(END_OFFSET, byte_end)
      end
    else
      def self.read_match(ptr)
        [ptr.get_uint32(0), ptr.get_uint32(START_OFFSET), ptr.get_uint32(END_OFFSET)]
      end

      def self.write_match(ptr, pattern, byte_start, byte_end)
        ptr.put_uint32(0, pattern)
        ptr.put_uint32(START_OFFSET, byte_start)
        ptr.put_uint32(END_OFFSET, byte_end)
      end
    end

    # Native memory for out-parameters and iterator batches, one block per fiber (each
    # thread has its own fibers), so a call allocates nothing. Every slot is read right
    # after the native call that filled it, before any user code runs on that fiber (no
    # user block runs during a native call: see Hayscan::Callbacks).
    class Scratch
      BATCH = 1024 # matches per iterator batch, at most
      SPANS = 32 # capture groups read in one call; patterns with more get their own buffer
      KEY = :__hayscan_scratch

      attr_reader :out_ptr, :out_len, :flag, :match, :report, :batch, :spans

      def self.get
        Thread.current[KEY] ||= new
      end

      def initialize
        @memory = FFI::MemoryPointer.new(:char, 64 + BATCH * MATCH_SIZE + SPANS * SPAN_SIZE, false)
        @out_ptr = @memory.slice(0, 8)
        @out_len = @memory.slice(8, 8)
        @flag = @memory.slice(16, 8)
        @match = @memory.slice(24, 40) # a hayscan_match_t or a hayscan_scan_report_t
        @report = ScanReport.new(@match)
        @batch = @memory.slice(64, BATCH * MATCH_SIZE)
        @spans = @memory.slice(64 + BATCH * MATCH_SIZE, SPANS * SPAN_SIZE)
      end
    end

    callback :on_match, %i[pointer pointer], :int32
    callback :on_replace, %i[pointer pointer pointer], :int32
    callback :release, [:pointer], :void

    # Diagnostics
    begin
      attach_function :hayscan_abi_version, [], :uint32
    rescue FFI::NotFoundError
      raise LibraryError, "hayscan: #{LIBRARY_PATH} is not libhayscan (no hayscan_abi_version symbol)"
    end

    abi = hayscan_abi_version
    unless abi == ABI_VERSION
      raise LibraryError, <<~MSG
        hayscan: #{LIBRARY_PATH} speaks ABI version #{abi}, but this gem needs version #{ABI_VERSION}.
        Rebuild the library from the same checkout as the gem
        (`cargo build --release -p hayscan-ffi`) or set HAYSCAN_LIB to a matching build.
      MSG
    end

    # Every other export. A library with the right ABI version lacks none of them; if one
    # is missing anyway, say so instead of failing later with NoMethodError.
    def self.attach_function(name, *rest)
      super
    rescue FFI::NotFoundError => e
      raise LibraryError, "hayscan: #{LIBRARY_PATH} lacks #{name} (#{e.message}); " \
                          "rebuild it with `cargo build --release -p hayscan-ffi`"
    end

    attach_function :hayscan_version, [], :string
    attach_function :hayscan_live_objects, [], :size_t
    attach_function :hayscan_last_error_message, [], :string
    attach_function :hayscan_last_error_pattern_index, [], :int64
    attach_function :hayscan_debug_panic, [:int32], :int32


    # Matchers. `hay`/`data` are Ruby Strings passed as :pointer: ffi hands Rust the
    # string's own buffer (RSTRING_PTR), no copy, with the length passed separately.
    attach_function :hayscan_options_init, [Options.by_ref], :int32
    # hayscan_options_init writes the whole struct of the library's options version: a
    # library whose struct is larger than Options would write past it. Ask once, into
    # room to spare, before any Options is filled.
    begin
      probe = FFI::MemoryPointer.new(:char, Options.size + 256)
      hayscan_options_init(Options.new(probe))
      got = probe.get_uint32(0)
      unless got == OPTIONS_VERSION
        raise LibraryError, "hayscan: #{LIBRARY_PATH} has options version #{got}, this gem needs " \
                            "#{OPTIONS_VERSION}; rebuild it with `cargo build --release -p hayscan-ffi`"
      end
    end
    attach_function :hayscan_matcher_new_packed,
                    %i[pointer size_t pointer size_t pointer pointer], :int32, blocking: true
    attach_function :hayscan_matcher_free, [:pointer], :void
    attach_function :hayscan_matcher_pattern_count, %i[pointer pointer], :int32
    attach_function :hayscan_matcher_memory_usage, %i[pointer pointer], :int32

    # Capture groups of one reported match (regex matchers), and the groups' names.
    # Bounded work (the match's own span and its context), so they keep the GVL.
    attach_function :hayscan_matcher_captures,
                    %i[pointer pointer size_t pointer pointer size_t pointer], :int32
    attach_function :hayscan_matcher_group_count, %i[pointer uint32 pointer], :int32
    attach_function :hayscan_matcher_group_name, %i[pointer uint32 size_t pointer pointer], :int32

    # Short calls keep the GVL (releasing it costs more than a small scan); the *_nogvl
    # twins release it and are used for large haystacks. No Ruby code runs during them.
    { hayscan_matcher_is_match: %i[pointer pointer size_t pointer],
      hayscan_matcher_find: %i[pointer pointer size_t pointer pointer],
      hayscan_matcher_count: %i[pointer pointer size_t pointer],
      hayscan_matcher_count_lines: %i[pointer pointer size_t pointer],
      hayscan_matcher_replace_all: %i[pointer pointer size_t pointer size_t pointer pointer],
      hayscan_iter_next: %i[pointer pointer size_t pointer],
      # Answers without a match object per match, and the calls over many inputs.
      hayscan_matcher_count_by_pattern: %i[pointer pointer size_t pointer size_t],
      hayscan_matcher_matching_patterns: %i[pointer pointer size_t pointer size_t pointer],
      hayscan_matcher_first_match_per_pattern: %i[pointer pointer size_t pointer size_t],
      hayscan_matcher_is_match_many: %i[pointer pointer size_t pointer],
      hayscan_matcher_count_many: %i[pointer pointer size_t pointer],
      hayscan_matcher_find_many: %i[pointer pointer size_t pointer pointer size_t pointer] }.each do |name, args|
      attach_function name, args, :int32
      attach_function :"#{name}_nogvl", name, args, :int32, blocking: true
    end

    # A file read by the library: as long as the file, so always without the GVL.
    attach_function :hayscan_matcher_count_file, %i[pointer pointer size_t pointer], :int32,
                    blocking: true
    attach_function :hayscan_matcher_count_file_parallel, %i[pointer pointer size_t size_t pointer], :int32,
                    blocking: true
    attach_function :hayscan_matcher_count_file_lines, %i[pointer pointer size_t pointer], :int32,
                    blocking: true
    attach_function :hayscan_matcher_count_file_lines_parallel, %i[pointer pointer size_t size_t pointer], :int32,
                    blocking: true

    # count on several threads: the GVL twin for short inputs (counted on the calling
    # thread anyway), the _nogvl one from 64 KiB.
    attach_function :hayscan_matcher_count_parallel, %i[pointer pointer size_t size_t pointer], :int32
    attach_function :hayscan_matcher_count_parallel_nogvl, :hayscan_matcher_count_parallel,
                    %i[pointer pointer size_t size_t pointer], :int32, blocking: true
    # A file copied with its matches replaced: as long as the file, so without the GVL.
    attach_function :hayscan_matcher_replace_file,
                    %i[pointer pointer size_t pointer size_t pointer size_t pointer], :int32, blocking: true

    # Jobs: a file scanned on a worker thread of the library, its matches drained in
    # batches (Hayscan::FileJob). next_batch, wait and free wait for that thread, so
    # they release the GVL; start and cancel return at once.
    # struct hayscan_job_options (versioned: filled by hayscan_job_options_init).
    class JobOptions < FFI::Struct
      layout :version, :uint32,
             :delivery, :uint32,
             :batch, :size_t,
             :max_queued, :size_t,
             :on_batch, :pointer,
             :release, :pointer,
             :user_data, :pointer
    end
    JOB_OPTIONS_VERSION = 1
    JOB_COLLECT = 2

    # struct hayscan_job_outcome
    class JobOutcome < FFI::Struct
      layout :matches, :size_t, :stopped, :uint32, :cancelled, :uint32
    end

    attach_function :hayscan_job_options_init, [JobOptions.by_ref], :int32
    attach_function :hayscan_matcher_start_file_job, %i[pointer pointer size_t pointer pointer], :int32
    attach_function :hayscan_job_cancel, [:pointer], :int32
    attach_function :hayscan_job_next_batch, %i[pointer pointer size_t pointer], :int32, blocking: true
    attach_function :hayscan_job_wait, [:pointer, JobOutcome.by_ref], :int32, blocking: true
    attach_function :hayscan_job_free, [:pointer], :void, blocking: true

    # Calls that run Ruby callbacks keep the GVL: the callbacks need it.
    attach_function :hayscan_matcher_replace_with,
                    %i[pointer pointer size_t on_replace pointer pointer pointer pointer], :int32
    attach_function :hayscan_replacement_write, %i[pointer pointer size_t], :int32
    attach_function :hayscan_bytes_free, %i[pointer size_t], :void

    # Pull iterators
    attach_function :hayscan_iter_new, %i[pointer pointer size_t pointer], :int32
    attach_function :hayscan_iter_free, [:pointer], :void

    # Streams
    attach_function :hayscan_stream_new, %i[pointer pointer], :int32
    attach_function :hayscan_stream_on,
                    %i[pointer on_match pointer release pointer size_t pointer], :int32
    attach_function :hayscan_stream_off, %i[pointer uint64], :int32
    attach_function :hayscan_stream_feed, %i[pointer pointer size_t pointer], :int32
    attach_function :hayscan_stream_finish, %i[pointer pointer], :int32
    attach_function :hayscan_stream_free, [:pointer], :void

  end
end
