# frozen_string_literal: true

# Loading the library (missing, wrong, mismatched ABI), panics, and the GC safety net
# (FFI::AutoPointer finalizers). Each scenario runs in a fresh Ruby process.

require_relative "test_helper"
require "tmpdir"
require "fileutils"

class TestLoading < Minitest::Test
  # The gem's Ruby files copied outside the repository (so the source tree's cargo build is
  # not a candidate), with the real library as the bundled one when `bundled`. Yields the
  # copy's lib directory and a directory holding another copy of the library, named
  # libhayscan.so.0 as the system loader would find it.
  def with_gem_copy(bundled:)
    Dir.mktmpdir do |dir|
      FileUtils.cp_r(LIB_DIR, File.join(dir, "lib"))
      FileUtils.rm_rf(File.join(dir, "lib/hayscan/native"))
      if bundled
        FileUtils.mkdir_p(File.join(dir, "lib/hayscan/native"))
        FileUtils.cp(Hayscan.library_path, File.join(dir, "lib/hayscan/native/libhayscan.so.0"))
      end
      other = File.join(dir, "other")
      FileUtils.mkdir_p(other)
      FileUtils.cp(Hayscan.library_path, File.join(other, "libhayscan.so.0"))
      yield File.join(dir, "lib"), other
    end
  end

  def load_from(lib, env)
    env = { "HAYSCAN_LIB" => nil, "LD_LIBRARY_PATH" => nil }.merge(env)
    Open3.capture2e(env, RbConfig.ruby, "-I", lib, "-e", <<~RUBY)
      begin
        require "hayscan"
        puts "loaded \#{Hayscan.library_path} \#{Hayscan::Matcher.new(%w[b]).count("abba")}"
      rescue LoadError => e
        puts e.class
        puts e.message
        exit 3
      end
    RUBY
  end

  def test_the_bundled_library_comes_first
    with_gem_copy(bundled: true) do |lib, other|
      out, status = load_from(lib, "HAYSCAN_LIB" => File.join(other, "libhayscan.so.0"), "LD_LIBRARY_PATH" => other)
      assert status.success?, out
      assert_equal "loaded #{File.join(lib, 'hayscan/native/libhayscan.so.0')} 2", out.strip
    end
  end

  def test_hayscan_lib_comes_before_the_system_library
    with_gem_copy(bundled: false) do |lib, other|
      mine = File.join(File.dirname(other), "mine.so")
      FileUtils.cp(Hayscan.library_path, mine)
      out, status = load_from(lib, "HAYSCAN_LIB" => mine, "LD_LIBRARY_PATH" => other)
      assert status.success?, out
      assert_equal "loaded #{mine} 2", out.strip
    end
  end

  def test_the_system_library_comes_last
    with_gem_copy(bundled: false) do |lib, other|
      # HAYSCAN_LIB names a missing file: the search goes on to the loader.
      out, status = load_from(lib, "HAYSCAN_LIB" => "/nonexistent/libhayscan.so", "LD_LIBRARY_PATH" => other)
      assert status.success?, out
      assert_equal "loaded libhayscan.so.0 2", out.strip
    end
  end

  def test_a_source_checkout_uses_its_cargo_build
    in_tree = File.join(REPO, "target/release/libhayscan.so")
    skip "no cargo build at #{in_tree}" unless File.exist?(in_tree)
    out, status = load_from(LIB_DIR, {})
    assert status.success?, out
    assert_equal "loaded #{in_tree} 2", out.strip
  end

  def test_missing_library_is_explained_at_require
    system = `ldconfig -p 2>/dev/null`
    skip "a libhayscan.so.0 is installed system-wide" if system.include?("libhayscan.so.0")
    with_gem_copy(bundled: false) do |lib, _other|
      out, status = load_from(lib, "HAYSCAN_LIB" => "/nonexistent/libhayscan.so")
      assert_equal 3, status.exitstatus, out
      assert_match(/^Hayscan::LibraryError$/, out)
      lines = out.lines.map(&:strip)
      tried = lines[(lines.index("Tried, in order:") + 1)..].first(3)
      assert_equal "bundled: #{File.join(lib, 'hayscan/native/libhayscan.so.0')} (no such file)", tried[0]
      assert_equal "HAYSCAN_LIB: /nonexistent/libhayscan.so (no such file)", tried[1]
      assert_match(/\Asystem: libhayscan\.so\.0 \(.*libhayscan\.so\.0.*\)\z/, tried[2])
      assert_match(/cargo build --release -p hayscan-ffi/, out)
      assert_match(/platform gem/, out)
    end
  end

  def test_a_library_that_is_not_hayscan
    libc = Dir["/lib/*/libc.so.6", "/lib64/libc.so.6", "/usr/lib/*/libc.so.6"].first
    skip "no libc.so.6 found to stand in for a foreign library" unless libc
    out, status = ruby_subprocess(<<~RUBY, env: { "HAYSCAN_LIB" => libc })
      begin
        require "hayscan"
      rescue Hayscan::LibraryError => e
        puts e.message
        exit 3
      end
    RUBY
    assert_equal 3, status.exitstatus, out
    assert_match(/is not libhayscan/, out)
  end

  def test_abi_mismatch_is_refused_at_require
    cc = ENV.fetch("CC", "cc")
    Dir.mktmpdir do |dir|
      src = File.join(dir, "fake.c")
      lib = File.join(dir, "libhayscan.so")
      File.write(src, "unsigned int hayscan_abi_version(void) { return 999; }\n")
      _, built = Open3.capture2e(cc, "-shared", "-fPIC", "-o", lib, src)
      skip "no C compiler (#{cc}) to build a library with another ABI version" unless built.success?
      out, status = ruby_subprocess(<<~RUBY, env: { "HAYSCAN_LIB" => lib })
        begin
          require "hayscan"
        rescue Hayscan::LibraryError => e
          puts e.message
          exit 3
        end
      RUBY
      assert_equal 3, status.exitstatus, out
      assert_match(/speaks ABI version 999, but this gem needs version #{Hayscan::ABI_VERSION}\./, out)
    end
  end

  def test_library_from_hayscan_lib
    out, status = ruby_subprocess('require "hayscan"; puts Hayscan.library_path',
                                  env: { "HAYSCAN_LIB" => Hayscan.library_path })
    assert status.success?, out
    assert_equal Hayscan.library_path, out.strip
  end

  def test_panics_become_exceptions
    # In a subprocess: Rust's panic hook prints the panic to stderr.
    out, status = ruby_subprocess(<<~RUBY)
      require "hayscan"
      raise "no panic expected" unless Hayscan::Native.hayscan_debug_panic(0).zero?
      status = Hayscan::Native.hayscan_debug_panic(1)
      err = Hayscan::Status.error_for(status)
      puts [status, err.class, err.code, err.message].inspect
      puts Hayscan::Matcher.new(%w[a]).count("aaa")
    RUBY
    assert status.success?, out
    status_code, klass, code, message = eval(out.lines[-2]) # rubocop:disable Security/Eval -- our own output
    assert_equal [7, Hayscan::PanicError, :panic], [status_code, klass, code]
    assert_match(/panicked/, message)
    assert_equal "3", out.lines[-1].strip, "the process keeps working after a panic"
  end

  def test_garbage_collected_handles_are_freed_by_their_finalizers
    out, status = ruby_subprocess(<<~RUBY)
      require "hayscan"
      base = [Hayscan.live_objects, Hayscan.live_handlers]
      def leave_garbage
        GC.disable # so that the peak below counts them all
        200.times do
          m = Hayscan::Matcher.new(%w[a b])
          s = m.stream
          s.on { |x| x }
          s << "a"
          e = m.scan("aaaa")
          e.next # an Enumerator abandoned mid-scan holds a native iterator
        end
        nil
      end
      leave_garbage
      peak = [Hayscan.live_objects, Hayscan.live_handlers]
      GC.enable
      5.times do
        GC.start(full_mark: true, immediate_sweep: true)
        Array.new(1000) { Object.new } # give deferred finalizers a chance to run
      end
      after = [Hayscan.live_objects, Hayscan.live_handlers]
      p [base, peak, after]
      p Hayscan::Callbacks::Registrations.unknown_releases
    RUBY
    assert status.success?, out
    refute_match(/\[BUG\]|Segmentation/, out)
    lines = out.lines
    base, peak, after = eval(lines[-2]) # rubocop:disable Security/Eval -- our own output
    assert_equal [base[0] + 600, base[1] + 200], peak
    assert_operator after[0], :<, base[0] + 100, "finalizers freed the native objects"
    assert_operator after[1], :<, base[1] + 40, "stream finalizers released the handlers"
    assert_equal "0", lines[-1].strip, "no handler released twice"
  end

  def test_objects_left_open_at_exit_do_not_crash
    out, status = ruby_subprocess(<<~RUBY)
      require "hayscan"
      $keep = Array.new(20) do
        m = Hayscan::Matcher.new(%w[x])
        s = m.stream
        s.on { nil }
        [m, s, m.scan("xxx").tap(&:next)]
      end
      puts :ok
    RUBY
    assert status.success?, out
    assert_equal "ok", out.strip
  end
end
