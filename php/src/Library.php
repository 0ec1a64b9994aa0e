<?php

declare(strict_types=1);

namespace Hayscan;

use FFI;
use FFI\CData;
use FFI\CType;

/**
 * Finds and loads the native library (libhayscan) once per process through PHP's FFI
 * extension, and prepares it for opcache preloading.
 *
 * Where things are looked up, first match wins:
 * - library: {@see configure()}, the composer package's `lib/libhayscan.so.0`, env `HAYSCAN_LIB`,
 *            `<repo>/target/release/libhayscan.so`, the system's `libhayscan.so.0`;
 * - header:  {@see configure()}, env `HAYSCAN_HEADER`, the package's `lib/hayscan_php.h`,
 *            `<repo>/crates/hayscan-ffi/include/hayscan_php.h`,
 *            `hayscan_php.h` next to the library or in `../include/` from it.
 *
 * With `ffi.enable=preload` (the php.ini default outside the CLI) FFI may only be used from
 * preloaded code: preload `php/preload.php` and the library is taken from the `HAYSCAN` FFI
 * scope at request time (see docs/php.md).
 */
final class Library
{
    /** `HAYSCAN_ABI_VERSION` this package is written for; a library with another is refused. */
    public const ABI_VERSION = 3;
    /** `HAYSCAN_OPTIONS_VERSION` (3: whole_words, max_repetition, max_regex_states) */
    public const OPTIONS_VERSION = 3;
    /** `HAYSCAN_NO_PATTERN`: the pattern of a first-match-per-pattern entry whose pattern does not match */
    public const NO_PATTERN = 4294967295;
    /** `HAYSCAN_SYNTAX_LITERAL` */
    public const SYNTAX_LITERAL = 0;
    /** `HAYSCAN_SYNTAX_REGEX` */
    public const SYNTAX_REGEX = 1;
    /** `HAYSCAN_MATCH_LEFTMOST_FIRST` */
    public const MATCH_LEFTMOST_FIRST = 0;
    /** `HAYSCAN_MATCH_LEFTMOST_LONGEST` */
    public const MATCH_LEFTMOST_LONGEST = 1;
    /** `HAYSCAN_MATCH_OVERLAPPING` */
    public const MATCH_OVERLAPPING = 2;
    /** `HAYSCAN_JOB_COUNT`: a job that only counts */
    public const JOB_COUNT = 0;
    /** `HAYSCAN_JOB_CALLBACK`: a job's batches go to a callback on its worker thread (never used by PHP) */
    public const JOB_CALLBACK = 1;
    /** `HAYSCAN_JOB_COLLECT`: a job's batches are queued for the caller to drain ({@see Job}) */
    public const JOB_COLLECT = 2;
    /** `HAYSCAN_JOB_OPTIONS_VERSION` */
    public const JOB_OPTIONS_VERSION = 1;

    /** Name of the FFI scope the preload header declares. */
    public const SCOPE = 'HAYSCAN';

    private static ?FFI $ffi = null;
    /** 'preload' (FFI::scope) or 'cdef' */
    private static string $via = '';
    private static ?string $configuredLibrary = null;
    private static ?string $configuredHeader = null;
    /** @var array<string, CType> */
    private static array $types = [];

    private function __construct()
    {
    }

    /**
     * Chooses the library and/or header explicitly (instead of the environment). Call it
     * before the first Matcher is built; once loaded, the library cannot be swapped.
     */
    public static function configure(?string $library = null, ?string $header = null): void
    {
        if (self::$ffi !== null) {
            throw new LibraryException('hayscan is already loaded from ' . self::libraryPath() . ': call Library::configure() before the first Matcher is built');
        }
        self::$configuredLibrary = $library;
        self::$configuredHeader = $header;
    }

    /**
     * The process-wide FFI instance (one per process in the CLI, one per request from the
     * preloaded scope under FPM). Never destroyed before shutdown: destroying an FFI made
     * by FFI::cdef unloads the library.
     *
     * @internal
     */
    public static function ffi(): FFI
    {
        return self::$ffi ??= self::load();
    }

    /** How the library was loaded in this request: 'preload' (FFI scope) or 'cdef'; '' if not yet. */
    public static function loadedVia(): string
    {
        return self::$via;
    }

    /** The library version, e.g. "0.1.0". */
    public static function version(): string
    {
        return self::ffi()->hayscan_version();
    }

    /** The ABI version of the loaded library (always {@see ABI_VERSION}: others are refused). */
    public static function abiVersion(): int
    {
        return self::ffi()->hayscan_abi_version();
    }

    /**
     * Number of native objects (matchers, streams, iterators, buffers) alive right now.
     * Useful in tests to prove nothing leaks.
     */
    public static function liveObjects(): int
    {
        return self::ffi()->hayscan_live_objects();
    }

    /**
     * How deeply callbacks may nest: a scan()/replaceWith()/feed()/finish() called from a
     * callback of such a call, and so on, counts one level per call in progress. The call
     * that would go past the limit throws {@see CallbackDepthException} before it starts.
     * Default {@see Callbacks::DEFAULT_MAX_DEPTH} (1000); applies to the whole request.
     */
    public static function maxCallbackDepth(): int
    {
        return Callbacks::maxDepth();
    }

    /**
     * Sets {@see maxCallbackDepth()} (1 to 1,000, the native library's own nesting limit)
     * for the rest of the request.
     *
     * @throws InvalidArgumentException below 1 or above 1,000
     */
    public static function setMaxCallbackDepth(int $depth): void
    {
        Callbacks::setMaxDepth($depth);
    }

    /** Where the composer package carries the library and header (php/lib, filled by php/scripts/package.sh). */
    public static function bundledDir(): string
    {
        return dirname(__DIR__) . '/lib';
    }

    /** The system library's name, found by the dynamic loader (ldconfig, LD_LIBRARY_PATH). */
    private const SYSTEM_LIBRARY = 'libhayscan.so.0';

    /**
     * Path of the library that is (or would be) loaded with FFI::cdef: the first of
     * {@see libraryCandidates()} that exists; a `HAYSCAN_LIB` that does not exist is
     * chosen anyway (and reported missing), so a typo never loads another library.
     */
    public static function libraryPath(): string
    {
        if (self::$configuredLibrary !== null) {
            return self::$configuredLibrary;
        }
        $env = getenv('HAYSCAN_LIB');
        foreach (self::libraryCandidates() as $candidate) {
            // An explicit HAYSCAN_LIB is used (or reported missing), never skipped.
            if (!str_contains($candidate, '/') || is_file($candidate) || $candidate === $env) {
                return $candidate;
            }
        }
        return self::SYSTEM_LIBRARY;
    }

    /**
     * Where the library is looked for, in order: {@see configure()} (alone, when given),
     * the library bundled in the composer package, env `HAYSCAN_LIB`, the source checkout's
     * `target/release` (`composer run-script build-library` or cargo put it there), then
     * the system's `libhayscan.so.0` (by name, for the dynamic loader).
     *
     * @return list<string>
     */
    public static function libraryCandidates(): array
    {
        if (self::$configuredLibrary !== null) {
            return [self::$configuredLibrary];
        }
        $candidates = [self::bundledDir() . '/' . self::SYSTEM_LIBRARY];
        $env = getenv('HAYSCAN_LIB');
        if (is_string($env) && $env !== '') {
            $candidates[] = $env;
        }
        $name = match (PHP_OS_FAMILY) {
            'Darwin' => 'libhayscan.dylib',
            'Windows' => 'hayscan.dll',
            default => 'libhayscan.so',
        };
        $candidates[] = dirname(__DIR__, 2) . '/target/release/' . $name;
        $candidates[] = self::SYSTEM_LIBRARY;
        return $candidates;
    }

    /** Path of the preprocessor-free header (hayscan_php.h) that is (or would be) used. */
    public static function headerPath(): string
    {
        $candidates = self::headerCandidates();
        foreach ($candidates as $candidate) {
            if (is_file($candidate)) {
                return $candidate;
            }
        }
        return $candidates[0];
    }

    /**
     * Where the header is looked for, in order: {@see configure()} or env `HAYSCAN_HEADER`
     * (alone, when given), the one bundled in the composer package, the source checkout's,
     * then next to the library and in `../include/` from it.
     *
     * @return list<string>
     */
    public static function headerCandidates(): array
    {
        if (self::$configuredHeader !== null) {
            return [self::$configuredHeader];
        }
        $env = getenv('HAYSCAN_HEADER');
        if (is_string($env) && $env !== '') {
            return [$env];
        }
        $candidates = [
            self::bundledDir() . '/hayscan_php.h',
            dirname(__DIR__, 2) . '/crates/hayscan-ffi/include/hayscan_php.h',
        ];
        $library = self::libraryPath();
        if (str_contains($library, '/')) {
            $candidates[] = dirname($library) . '/hayscan_php.h';
            $candidates[] = dirname($library) . '/../include/hayscan_php.h';
        }
        return $candidates;
    }

    /**
     * The text of a header for FFI::load / `ffi.preload`: hayscan_php.h preceded by the
     * `FFI_SCOPE` and `FFI_LIB` directives, with the library's absolute path.
     */
    public static function preloadHeader(?string $library = null): string
    {
        $library ??= self::libraryPath();
        $absolute = realpath($library);
        if ($absolute === false) {
            throw new LibraryException(self::libraryMissing($library));
        }
        if (strpbrk($absolute, "\"\n\r\\") !== false) {
            throw new LibraryException("the library path $absolute cannot be written into an FFI_LIB directive (it contains a quote, backslash or newline)");
        }
        return '#define FFI_SCOPE "' . self::SCOPE . "\"\n"
            . '#define FFI_LIB "' . $absolute . "\"\n"
            . self::readHeader();
    }

    /**
     * Writes {@see preloadHeader()} to `$file` (default: a file in the temp directory named
     * after its content) unless it already holds exactly that, and returns the path.
     * `ffi.preload` needs this file before PHP starts: `bin/hayscan-preload-header` writes it.
     */
    public static function writePreloadHeader(?string $file = null, ?string $library = null): string
    {
        $text = self::preloadHeader($library);
        if ($file === null) {
            $uid = function_exists('posix_geteuid') ? posix_geteuid() : getmyuid();
            $file = sys_get_temp_dir() . '/hayscan-' . $uid . '-' . substr(hash('sha256', $text), 0, 16) . '.h';
        }
        if (is_file($file) && file_get_contents($file) === $text) {
            return $file;
        }
        // Write then rename, so a concurrently starting PHP never reads half a header.
        $tmp = $file . '.' . getmypid() . '.tmp';
        if (file_put_contents($tmp, $text) !== strlen($text) || !rename($tmp, $file)) {
            @unlink($tmp);
            throw new LibraryException("cannot write the preload header to $file");
        }
        return $file;
    }

    /**
     * For opcache.preload scripts (php/preload.php calls it): makes the `HAYSCAN` FFI scope
     * exist, by FFI::load of a generated header unless `ffi.preload` already declared it,
     * and checks the ABI version.
     */
    public static function preload(?string $library = null): void
    {
        if (!extension_loaded('ffi')) {
            throw new LibraryException(self::ffiMissing());
        }
        try {
            $ffi = FFI::scope(self::SCOPE);
        } catch (\FFI\Exception) {
            $header = self::writePreloadHeader(null, $library);
            try {
                FFI::load($header);
                $ffi = FFI::scope(self::SCOPE);
            } catch (\FFI\Exception $e) {
                throw new LibraryException(
                    "FFI::load($header) failed during preloading: {$e->getMessage()}. "
                    . 'When PHP starts as root, opcache.preload_user makes FFI::load unavailable: write the header with '
                    . '`php ' . dirname(__DIR__) . '/bin/hayscan-preload-header /path/to/hayscan.h` and set ffi.preload=/path/to/hayscan.h',
                    $e,
                );
            }
        }
        self::checkAbi((int) $ffi->hayscan_abi_version(), 'the preloaded FFI scope ' . self::SCOPE);
    }

    /**
     * Throws the exception matching a failed status, with the library's message.
     *
     * @internal
     */
    public static function fail(int $status): Exception
    {
        $ffi = self::ffi();
        $message = (string) $ffi->hayscan_last_error_message();
        return match ($status) {
            Status::INVALID_ARGUMENT => new InvalidArgumentException($message),
            Status::INVALID_PATTERN => new InvalidPatternException($message, (int) $ffi->hayscan_last_error_pattern_index()),
            Status::UNSUPPORTED => new UnsupportedException($message),
            Status::BUILD_FAILED => new BuildException($message),
            Status::STREAM_FINISHED => new StreamFinishedException($message),
            Status::BUSY => new StreamBusyException($message),
            Status::PANIC => new PanicException($message),
            Status::IO => new IoException($message),
            default => new PanicException("hayscan returned unknown status $status: $message"),
        };
    }

    /**
     * As fail(), and an IoException's message names $file (the path, or the files
     * involved) when the library's does not.
     *
     * @internal
     */
    public static function failFile(int $status, string $file): Exception
    {
        $e = self::fail($status);
        if ($e instanceof IoException && !str_contains($e->getMessage(), $file)) {
            return new IoException("$file: " . $e->getMessage());
        }
        return $e;
    }

    /**
     * A cached FFI\CType (parsing a type string costs about as much as the call it is for).
     *
     * @internal
     */
    public static function type(string $c): CType
    {
        return self::$types[$c] ??= self::ffi()->type($c);
    }

    /**
     * A new C value of a cached type.
     *
     * @internal
     */
    public static function new(string $c): CData
    {
        return self::ffi()->new(self::$types[$c] ??= self::ffi()->type($c));
    }

    /**
     * Refuses a library whose ABI version differs from the one this package was written for.
     *
     * @internal
     */
    public static function checkAbi(int $found, string $what): void
    {
        if ($found !== self::ABI_VERSION) {
            throw new LibraryException(
                "$what has hayscan ABI version $found, but this PHP package needs ABI version " . self::ABI_VERSION
                . ': install the matching libhayscan (or rebuild it with `cargo build --release -p hayscan-ffi`) and restart PHP'
            );
        }
    }

    private static function load(): FFI
    {
        if (!extension_loaded('ffi')) {
            throw new LibraryException(self::ffiMissing());
        }
        $mode = strtolower(trim((string) ini_get('ffi.enable')));
        if (in_array($mode, ['0', '', 'off', 'false', 'no'], true)) {
            throw new LibraryException(
                'PHP\'s FFI extension is disabled (ffi.enable=' . ini_get('ffi.enable') . '). '
                . 'Set ffi.enable=1, or ffi.enable=preload and preload php/preload.php with opcache.preload (see docs/php.md)'
            );
        }
        try {
            $ffi = FFI::scope(self::SCOPE);
            self::checkAbi((int) $ffi->hayscan_abi_version(), 'the preloaded FFI scope ' . self::SCOPE . ' (' . self::libraryPath() . ')');
            self::$via = 'preload';
            return $ffi;
        } catch (\FFI\Exception $e) {
            if (str_contains($e->getMessage(), 'ffi.enable')) {
                throw new LibraryException(
                    'ffi.enable=preload allows FFI only in the CLI and in preloaded code, and hayscan is not preloaded here. '
                    . 'Set opcache.preload=' . dirname(__DIR__) . '/preload.php (with opcache.enable=1), or ffi.enable=1 (see docs/php.md)',
                    $e,
                );
            }
            // No preloaded scope: load the library ourselves.
        }

        $library = self::libraryPath();
        if (str_contains($library, '/') && !is_file($library)) {
            throw new LibraryException(self::libraryMissing($library));
        }
        try {
            // A one-function probe first: an older or newer library may lack symbols the
            // header declares, and "cannot resolve hayscan_x" would hide the real problem.
            $probe = FFI::cdef('uint32_t hayscan_abi_version(void);', $library);
        } catch (\FFI\Exception $e) {
            throw new LibraryException(
                $library === self::SYSTEM_LIBRARY && self::$configuredLibrary === null
                    ? self::libraryMissing($library) . " (the system library: {$e->getMessage()})"
                    : "cannot load the hayscan library $library: {$e->getMessage()}",
                $e,
            );
        }
        self::checkAbi((int) $probe->hayscan_abi_version(), "the library $library");
        $header = self::readHeader();
        try {
            $ffi = FFI::cdef($header, $library);
        } catch (\FFI\Exception $e) {
            throw new LibraryException("the header " . self::headerPath() . " does not fit the library $library: {$e->getMessage()}", $e);
        }
        unset($probe);
        self::$via = 'cdef';
        return $ffi;
    }

    private static function readHeader(): string
    {
        $path = self::headerPath();
        $text = is_file($path) ? file_get_contents($path) : false;
        if ($text === false) {
            throw new LibraryException(
                "cannot read hayscan's FFI header $path (tried: " . implode(', ', self::headerCandidates()) . '): set HAYSCAN_HEADER to the path of hayscan_php.h '
                . '(crates/hayscan-ffi/include/hayscan_php.h in the hayscan repository), or call Hayscan\\Library::configure()'
            );
        }
        return $text;
    }

    private static function libraryMissing(string $library): string
    {
        $tried = self::libraryCandidates();
        return "the hayscan library was not found at $library. Tried: " . implode(', ', $tried) . '. '
            . 'The composer package carries it in ' . self::bundledDir() . '; from a source checkout run '
            . '`composer run-script build-library` (or `cargo build --release -p hayscan-ffi`), '
            . 'or set HAYSCAN_LIB to the path of libhayscan.so, or install libhayscan.so.0 on the system';
    }

    private static function ffiMissing(): string
    {
        return 'PHP\'s FFI extension is not loaded: install it (Debian/Ubuntu: it ships with php-common; enable it with `phpenmod ffi`) '
            . 'or add extension=ffi to php.ini';
    }
}
