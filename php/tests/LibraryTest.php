<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\Library;
use Hayscan\LibraryException;
use Hayscan\PanicException;
use Hayscan\Status;
use Hayscan\Tests\Support\Php;
use PHPUnit\Framework\TestCase;

/** Loading, the header contract, version checks and the messages for broken setups. */
final class LibraryTest extends TestCase
{
    private static function includeDir(): string
    {
        return dirname(__DIR__, 2) . '/crates/hayscan-ffi/include';
    }

    /** hayscan_php.h has no #defines, so the PHP constants mirror hayscan.h's: compare them. */
    public function testConstantsMatchTheCHeader(): void
    {
        $header = (string) file_get_contents(self::includeDir() . '/hayscan.h');
        preg_match_all('/^#define HAYSCAN_(\w+) \(\(uint32_t\) (\d+)\)$/m', $header, $defines, PREG_SET_ORDER);
        self::assertNotEmpty($defines, 'no #define found in hayscan.h');
        $php = (new \ReflectionClass(Library::class))->getConstants();
        unset($php['SCOPE'], $php['SYSTEM_LIBRARY']);
        $fromHeader = [];
        foreach ($defines as [, $name, $value]) {
            $fromHeader[$name] = (int) $value;
        }
        ksort($php);
        ksort($fromHeader);
        self::assertSame($fromHeader, $php, 'Hayscan\Library constants differ from hayscan.h');
    }

    public function testStatusCodesMatchTheHeaderAndTheFfiEnum(): void
    {
        $header = (string) file_get_contents(self::includeDir() . '/hayscan.h');
        preg_match_all('/^\s*HAYSCAN_STATUS_(\w+) = (\d+),$/m', $header, $values, PREG_SET_ORDER);
        self::assertGreaterThanOrEqual(8, count($values));
        $fromHeader = [];
        $ffi = Library::ffi();
        foreach ($values as [, $name, $value]) {
            $fromHeader[$name] = (int) $value;
            self::assertSame((int) $value, $ffi->{"HAYSCAN_STATUS_$name"}, "FFI enum HAYSCAN_STATUS_$name");
        }
        $php = array_filter((new \ReflectionClass(Status::class))->getConstants(), static fn (int $v): bool => $v >= 0);
        ksort($php);
        ksort($fromHeader);
        self::assertSame($fromHeader, $php, 'Hayscan\Status differs from hayscan_status_t');
        foreach ($fromHeader as $name => $value) {
            self::assertSame($name, Status::name($value));
        }
        self::assertSame('CLOSED', Status::name(Status::CLOSED));
        self::assertSame('UNKNOWN(99)', Status::name(99));
    }

    /** The php header is what FFI::cdef parses: no preprocessor lines, same declarations. */
    public function testPhpHeaderIsPreprocessorFreeAndDeclaresWhatTheCHeaderDoes(): void
    {
        $php = (string) file_get_contents(self::includeDir() . '/hayscan_php.h');
        $c = (string) file_get_contents(self::includeDir() . '/hayscan.h');
        self::assertDoesNotMatchRegularExpression('/^\s*#/m', $php);
        self::assertSame(self::functions($c), self::functions($php));
        self::assertSame(Library::headerPath(), realpath(Library::headerPath()) ?: Library::headerPath());
    }

    /**
     * Every function the library exports is used by the PHP package (a wrapper that lags
     * behind the library is how bindings rot), except those listed here with a reason.
     */
    public function testEveryLibraryFunctionIsUsedByThePackage(): void
    {
        $unused = [
            'hayscan_matcher_new' => 'patterns go through hayscan_matcher_new_packed: one string + one length array',
            'hayscan_debug_panic' => 'test-only export, exercised by testPanicBecomesPanicException',
            'hayscan_matcher_scan_file' => 'scanFile drains a file job (hayscan_matcher_start_file_job) instead, so no native frame is below a PHP callback',
        ];
        $source = '';
        foreach (glob(dirname(__DIR__) . '/src/*.php') ?: [] as $file) {
            $source .= file_get_contents($file);
        }
        $functions = self::functions((string) file_get_contents(self::includeDir() . '/hayscan_php.h'));
        self::assertGreaterThan(20, count($functions));
        foreach ($functions as $function) {
            $used = preg_match('/\b' . preg_quote($function, '/') . '\b/', $source) === 1;
            if (isset($unused[$function])) {
                self::assertFalse($used, "$function is used now: remove it from the exclusion list");
            } else {
                self::assertTrue($used, "$function is exported by the library but not used by php/src");
            }
        }
    }

    public function testOneFfiInstancePerProcess(): void
    {
        self::assertSame(Library::ffi(), Library::ffi());
        self::assertSame('cdef', Library::loadedVia());
        self::assertSame(Library::ABI_VERSION, Library::abiVersion());
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Library::version());
        $this->expectException(LibraryException::class);
        $this->expectExceptionMessage('already loaded');
        Library::configure('/elsewhere/libhayscan.so');
    }

    /**
     * A Rust panic becomes HAYSCAN_STATUS_PANIC and then PanicException; the process lives on.
     * Run in a child process because Rust's panic hook writes the panic to stderr.
     */
    public function testPanicBecomesPanicException(): void
    {
        [$code, $out, $err] = Php::run(<<<'PHP'
            $ffi = Hayscan\Library::ffi();
            echo $ffi->hayscan_debug_panic(0), "\n";
            $status = $ffi->hayscan_debug_panic(1);
            $e = Hayscan\Library::fail($status);
            echo $status, "\n", get_class($e), "\n", $e->getCode(), "\n", $e->getMessage(), "\n";
            echo (new Hayscan\Matcher(['a']))->count('aa'), "\n";
            PHP);
        self::assertSame(0, $code, $err);
        $lines = explode("\n", $out);
        self::assertSame([(string) Status::OK, (string) Status::PANIC, PanicException::class, (string) Status::PANIC], array_slice($lines, 0, 4), $out);
        self::assertStringContainsString('panicked', $lines[4]);
        self::assertSame('2', $lines[5], 'the library keeps working after a panic');
    }

    public function testAbiCheckMessage(): void
    {
        Library::checkAbi(Library::ABI_VERSION, 'x');
        $this->expectException(LibraryException::class);
        $this->expectExceptionMessage('the library /x/lib.so has hayscan ABI version 1, but this PHP package needs ABI version ' . Library::ABI_VERSION);
        Library::checkAbi(1, 'the library /x/lib.so');
    }

    /** @return iterable<string, array{array<string, string>, array<string, ?string>, list<string>, list<string>}> */
    public static function brokenSetups(): iterable
    {
        yield 'library missing' => [[], ['HAYSCAN_LIB' => '/nonexistent/libhayscan.so'], [],
            ['the hayscan library was not found at /nonexistent/libhayscan.so', 'cargo build --release -p hayscan-ffi', 'HAYSCAN_LIB']];
        yield 'header missing' => [[], ['HAYSCAN_HEADER' => '/nonexistent/hayscan_php.h'], [],
            ["cannot read hayscan's FFI header /nonexistent/hayscan_php.h", 'HAYSCAN_HEADER']];
        yield 'FFI disabled' => [['ffi.enable' => '0'], [], [],
            ['FFI extension is disabled (ffi.enable=0)', 'ffi.enable=1', 'opcache.preload']];
        yield 'FFI extension not loaded' => [[], [], ['-n'],
            ["PHP's FFI extension is not loaded", 'extension=ffi']];
    }

    /**
     * @dataProvider brokenSetups
     * @param array<string, string> $ini
     * @param array<string, ?string> $env
     * @param list<string> $phpArgs
     * @param list<string> $messages
     */
    public function testBrokenSetupsSayWhatToDo(array $ini, array $env, array $phpArgs, array $messages): void
    {
        [$code, $out, $err] = Php::run(<<<'PHP'
            try {
                new Hayscan\Matcher(['a']);
                echo "loaded\n";
            } catch (Hayscan\LibraryException $e) {
                echo get_class($e), ' ', $e->getCode(), ': ', $e->getMessage(), "\n";
            }
            PHP, $ini, $env, $phpArgs);
        self::assertSame(0, $code, $err);
        self::assertStringStartsWith('Hayscan\LibraryException ' . Status::LIBRARY . ': ', $out, $err);
        foreach ($messages as $message) {
            self::assertStringContainsString($message, $out);
        }
    }

    public function testPreloadModeStillWorksInTheCli(): void
    {
        [$code, $out, $err] = Php::run('echo (new Hayscan\Matcher(["b"]))->count("abcb"), " ", Hayscan\Library::loadedVia();', ['ffi.enable' => 'preload']);
        self::assertSame(0, $code, $err);
        self::assertSame('2 cdef', $out);
    }

    public function testConfigureChoosesTheLibrary(): void
    {
        $lib = var_export(Library::libraryPath(), true);
        [$code, $out, $err] = Php::run(
            "Hayscan\\Library::configure($lib); echo Hayscan\\Library::libraryPath() === $lib ? 'same ' : 'other ', (new Hayscan\\Matcher(['a']))->count('aa');",
            [],
            ['HAYSCAN_LIB' => '/nonexistent/libhayscan.so'],
        );
        self::assertSame(0, $code, $err);
        self::assertSame('same 2', $out);
    }

    /** @return iterable<string, array{string, list<string>}> */
    public static function foreignLibraries(): iterable
    {
        yield 'another ABI version' => ['uint32_t hayscan_abi_version(void) { return 999; }',
            ['has hayscan ABI version 999, but this PHP package needs ABI version ' . Library::ABI_VERSION, 'cargo build --release -p hayscan-ffi']];
        yield 'right ABI, missing functions' => ['uint32_t hayscan_abi_version(void) { return ' . Library::ABI_VERSION . '; }',
            ['does not fit the library', 'Failed resolving C function']];
    }

    /**
     * A library built from other sources is refused with a clear message (a stub library
     * compiled here stands in for it).
     *
     * @dataProvider foreignLibraries
     * @param list<string> $messages
     */
    public function testForeignLibrariesAreRefused(string $source, array $messages): void
    {
        $cc = trim((string) shell_exec('command -v cc 2>/dev/null'));
        if ($cc === '') {
            self::markTestSkipped('no C compiler (cc) to build a stub library; the message itself is covered by testAbiCheckMessage');
        }
        $dir = sys_get_temp_dir() . '/hayscan-stub-' . getmypid();
        @mkdir($dir);
        file_put_contents("$dir/stub.c", "#include <stdint.h>\n$source\n");
        [$code, , $err] = Php::exec([$cc, '-shared', '-fPIC', '-o', "$dir/libstub.so", "$dir/stub.c"]);
        self::assertSame(0, $code, $err);
        try {
            [$code, $out, $err] = Php::run(<<<'PHP'
                try {
                    new Hayscan\Matcher(['a']);
                    echo "loaded\n";
                } catch (Hayscan\LibraryException $e) {
                    echo $e->getMessage(), "\n";
                }
                PHP, [], ['HAYSCAN_LIB' => "$dir/libstub.so"]);
            self::assertSame(0, $code, $err);
            foreach ($messages as $message) {
                self::assertStringContainsString($message, $out);
            }
        } finally {
            @unlink("$dir/stub.c");
            @unlink("$dir/libstub.so");
            @rmdir($dir);
        }
    }

    public function testPreloadHeaderCarriesScopeAndAbsoluteLibraryPath(): void
    {
        $text = Library::preloadHeader();
        $lines = explode("\n", $text, 3);
        self::assertSame('#define FFI_SCOPE "HAYSCAN"', $lines[0]);
        self::assertSame('#define FFI_LIB "' . realpath(Library::libraryPath()) . '"', $lines[1]);
        self::assertSame((string) file_get_contents(Library::headerPath()), $lines[2]);
        $file = Library::writePreloadHeader();
        try {
            self::assertSame($text, file_get_contents($file));
            self::assertSame($file, Library::writePreloadHeader(), 'same content, same file');
            self::assertStringStartsWith(sys_get_temp_dir() . '/hayscan-', $file);
        } finally {
            unlink($file);
        }
        try {
            Library::preloadHeader('/nonexistent/libhayscan.so');
            self::fail('expected LibraryException');
        } catch (LibraryException $e) {
            self::assertStringContainsString('not found at /nonexistent/libhayscan.so', $e->getMessage());
        }
    }

    /** @return list<string> */
    private static function functions(string $header): array
    {
        preg_match_all('/^(hayscan_\w+) \(/m', $header, $m);
        $names = array_unique($m[1]);
        sort($names);
        return $names;
    }

    public function testTheLookupOrderIsBundledThenEnvThenSourceTreeThenSystem(): void
    {
        [$code, $out, $err] = Php::run('echo json_encode(Hayscan\Library::libraryCandidates());', [], ['HAYSCAN_LIB' => '/x/libhayscan.so']);
        self::assertSame(0, $code, $err);
        $php = dirname(__DIR__);
        self::assertSame([$php . '/lib/libhayscan.so.0', '/x/libhayscan.so', dirname($php) . '/target/release/libhayscan.so', 'libhayscan.so.0'], json_decode($out, true));
    }

    public function testWithoutAnyLibraryTheSystemOneIsTriedAndTheErrorListsEveryPlace(): void
    {
        // A copy of the package outside the repository, with no bundled library: nothing
        // but the system's libhayscan.so.0 is left, and there is none on this machine.
        $dir = sys_get_temp_dir() . '/hayscan-lookup-' . getmypid();
        mkdir($dir . '/src', 0777, true);
        try {
            foreach (glob(dirname(__DIR__) . '/src/*.php') ?: [] as $file) {
                copy($file, $dir . '/src/' . basename($file));
            }
            copy(dirname(__DIR__) . '/autoload.php', $dir . '/autoload.php');
            $script = "require '$dir/autoload.php'; try { new Hayscan\\Matcher(['a']); } catch (Hayscan\\LibraryException \$e) { fwrite(STDERR, \$e->getMessage()); exit(3); }";
            [$code, , $err] = Php::exec([PHP_BINARY, '-d', 'ffi.enable=1', '-r', $script], ['HAYSCAN_LIB' => null, 'HAYSCAN_HEADER' => null]);
            self::assertSame(3, $code, $err);
            self::assertStringContainsString('the hayscan library was not found at libhayscan.so.0', $err);
            self::assertStringContainsString("Tried: $dir/lib/libhayscan.so.0, " . dirname($dir) . '/target/release/libhayscan.so, libhayscan.so.0', $err);
            self::assertStringContainsString('composer run-script build-library', $err);
        } finally {
            array_map('unlink', glob("$dir/src/*.php") ?: []);
            @unlink("$dir/autoload.php");
            @rmdir("$dir/src");
            @rmdir($dir);
        }
    }
}
