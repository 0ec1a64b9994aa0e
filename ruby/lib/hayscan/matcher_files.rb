# frozen_string_literal: true

module Hayscan
  # Matcher's methods over files by path: #count_file, #count_file_lines, #scan_file and
  # #replace_file. The library opens and reads the file, so it never becomes a Ruby
  # String (memory stays bounded), and the reading and scanning run without the GVL:
  # threads scan files in parallel. Included in Matcher.
  module MatcherFiles
    # Bytes #scan_file reads from the file at once to give a batch's matches their text
    # (regex and case-insensitive sets); a batch spread wider reads each match alone.
    TEXT_SPAN = 8 << 20
    FILE_CHUNK = 256 << 10 # the Ruby-fed path of #scan_file (see there)

    # The number of matches in the file at +path+ (a String or Pathname), read by the
    # library in chunks: the file never becomes a Ruby String, so memory stays bounded,
    # and the GVL is released for the whole call (threads count files in parallel).
    # Literal sets give #count of the file's bytes; regex sets scan each line alone, as a
    # Stream does. A file that cannot be read raises the Errno error File.open would
    # (Errno::ENOENT, Errno::EISDIR, ...).
    #
    # With `threads: n`, a regular file is split into segments read and scanned by up to
    # n native threads (0: the available cores, at most 8), with the same answer: regex
    # sets at line starts (each line is scanned alone), overlapping literal sets with an
    # overlap of the longest pattern. Leftmost literal sets, pipes and files under 1 MiB
    # per thread are counted on one thread.
    def count_file(path, threads: nil)
      file_count(path, threads, :hayscan_matcher_count_file, :hayscan_matcher_count_file_parallel)
    end

    # The number of lines of the file at +path+ (String or Pathname) in which a pattern
    # matches: #count_lines of its bytes (grep -c's answer; #count_file counts matches),
    # read by the library in chunks with the GVL released, so memory stays bounded and
    # threads count files in parallel. Errors are #count_file's (Errno::ENOENT,
    # Errno::EISDIR, ..., TypeError, ClosedError). With `threads: n`, a regular file is
    # split at line starts between up to n native threads (0: the available cores, at
    # most 8), with the same answer in every kind; pipes and files under 1 MiB per thread
    # are counted on one thread.
    def count_file_lines(path, threads: nil)
      file_count(path, threads, :hayscan_matcher_count_file_lines, :hayscan_matcher_count_file_lines_parallel)
    end

    # Yields each match in the file at +path+ (String or Pathname), in order, as a
    # Stream of the file's bytes would (binary text, byte offsets absolute in the file;
    # regex sets line by line); returns the number of matches yielded. Without a block,
    # an Enumerator.
    #
    # The library reads and scans the file on a worker thread of its own (a job), with
    # no GVL; the block runs on the calling thread, on batches of up to 4,096 matches, so
    # the scan goes on while the block runs and other Ruby threads run too. `break`,
    # `raise`, `throw`, Thread#kill and Timeout stop the job and free it before
    # scan_file returns. A match's text is its pattern for case-sensitive literal sets;
    # otherwise it is read back from the file (which must not change meanwhile), and
    # pipes and devices, which cannot be read twice, are then read by Ruby and fed to a
    # Stream (with the GVL). Errors are count_file's, raised after the matches before
    # the failure have been yielded.
    def scan_file(path, &block)
      path = file_path(path)
      return enum_for(__method__, path) { count_file(path) } unless block

      texts = pattern_texts
      return scan_file_job(path, texts, nil, &block) if texts
      stat = File.stat(path)
      return scan_file_streamed(path, &block) unless stat.file? || stat.directory? # read once

      File.open(path, "rb") { |io| scan_file_job(path, nil, io, &block) }
    end

    # Writes the file at +in_path+ to +out_path+ (created or truncated) with every match
    # replaced, as #replace_all does (`replacements`: one String for every pattern, or
    # one per pattern id), reading and writing in chunks without the GVL; returns the
    # number of replacements. The matches are #scan_file's. Errors: Errno errors for
    # an input that cannot be read (then no output is created) or an output that cannot
    # be written, InvalidArgumentError for an output that is the input, UnsupportedError
    # for overlapping matchers. Not cancellable: a Thread#kill or Timeout takes effect
    # when the file is done.
    def replace_file(in_path, out_path, replacements)
      in_path = file_path(in_path)
      out_path = file_path(out_path)
      list = replacement_list(replacements)
      table = replacement_table(list)
      out = FFI::MemoryPointer.new(:size_t)
      handle = enter_unlocked
      begin
        status = Native.hayscan_matcher_replace_file(handle, in_path, in_path.bytesize, out_path,
                                                     out_path.bytesize, table, list.size, out)
        error = Status.error_for(status) unless status == Status::OK
      ensure
        leave_unlocked
      end
      if status == Status::FILE
        input_errno!(in_path)
        output_errno!(out_path)
      end
      raise error if error

      out.read(:size_t)
    end

    private

    # A count of the file at `path` by the library, without the GVL: the native function
    # `single`, or `parallel` with the thread count when `threads` is given.
    def file_count(path, threads, single, parallel)
      path = file_path(path)
      n = threads.nil? ? nil : limit(:threads, threads, Matcher::SIZE_MAX)
      out = FFI::MemoryPointer.new(:size_t)
      handle = enter_unlocked
      begin
        status = if n.nil?
                   Native.public_send(single, handle, path, path.bytesize, out)
                 else
                   Native.public_send(parallel, handle, path, path.bytesize, n, out)
                 end
        error = Status.error_for(status) unless status == Status::OK
      ensure
        leave_unlocked
      end
      raise file_error(path, error) if status == Status::FILE
      raise error if error

      out.read(:size_t)
    end

    def file_path(path)
      path = path.to_path if path.respond_to?(:to_path)
      s = String.try_convert(path)
      raise TypeError, "expected a path (String or Pathname), got #{path.class}" unless s
      raise ArgumentError, "path contains a null byte" if s.include?("\0")
      raise ArgumentError, "path is empty" if s.empty?

      s.b.freeze
    end

    # The library could not read the file: the Errno error Ruby's own open or read gives,
    # else `error` (the library's FileError, with the operating system's reason).
    def file_error(path, error)
      input_errno!(path)
      error
    end

    # Raises the Errno error Ruby gives for reading `path`, if any. A pipe or device is
    # not opened (that could wait for a writer, or take its bytes).
    def input_errno!(path)
      stat = File.stat(path)
      raise Errno::EISDIR, path if stat.directory?

      File.open(path, "rb") { |f| f.read(1) } if stat.file?
    end

    # Raises the Errno error Ruby gives for writing `path`, if any, without changing it.
    def output_errno!(path)
      raise Errno::EISDIR, path if File.directory?(path)

      dir = File.dirname(path)
      raise Errno::ENOENT, dir unless File.directory?(dir)

      if File.exist?(path)
        File.open(path, File::WRONLY | File::APPEND) { nil }
      else
        raise Errno::EACCES, path unless File.writable?(dir)
      end
    end

    # Each pattern's bytes (frozen, binary), by pattern id, when they are the text of
    # its every match (case-sensitive literal sets); else nil.
    def pattern_texts
      return nil unless @syntax == :literal && !@case_insensitive

      @pattern_texts ||= begin
        data, lens = @packed_patterns
        at = 0
        lens.map do |len|
          t = data.byteslice(at, len).freeze
          at += len
          t
        end.freeze
      end
    end

    # scan_file on a library job: `texts` gives each match's text by pattern, else it is
    # read from `io` (the file, opened by Ruby).
    def scan_file_job(path, texts, io)
      n = 0
      status, result = FileJob.scan(@handle, path) do |batch|
        count = batch.bytesize / Native::MATCH_SIZE
        fields = batch.unpack(Matcher::MATCH_TEMPLATES[count])
        bytes, base = io && batch_text(io, fields)
        i = 0
        while i < fields.size
          pattern = fields[i]
          s = fields[i + 1]
          e = fields[i + 2]
          text = if texts
                   texts[pattern]
                 elsif bytes
                   bytes.byteslice(s - base, e - s).freeze
                 else
                   (e > s ? io.pread(e - s, s) : String.new(encoding: Encoding::BINARY)).freeze
                 end
          n += 1
          yield Match.new(pattern, s, e, s, e, text)
          i += 3
        end
      end
      if result.nil? && status != Status::OK # refused before it started
        check(status)
      elsif status == Status::FILE
        raise file_error(path, result)
      elsif status != Status::OK
        raise result
      end
      n
    end

    # The bytes of `io` from the batch's first match start to its last match end, and
    # that start; nil when the span is too wide (each match is then read alone).
    def batch_text(io, fields)
      lo = fields[1]
      hi = 0
      i = 2
      while i < fields.size
        hi = fields[i] if fields[i] > hi
        i += 3
      end
      return nil if hi - lo > TEXT_SPAN
      return [String.new(encoding: Encoding::BINARY), lo] if hi == lo

      [io.pread(hi - lo, lo), lo]
    end

    # scan_file for a pipe or device with a set whose texts are not its patterns: read
    # here and fed to a Stream (with the GVL), since the file cannot be read twice.
    def scan_file_streamed(path)
      n = 0
      File.open(path, "rb") do |f|
        stream do |s|
          s.on do |m|
            n += 1
            yield m
          end
          s << String.new(encoding: Encoding::BINARY) # an empty file is still an input
          while (chunk = f.read(FILE_CHUNK))
            s << chunk
          end
        end
      end
      n
    end
  end
end
