<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\Library;
use Hayscan\Tests\Support\Php;
use PHPUnit\Framework\TestCase;

/**
 * hayscan under opcache preloading with `ffi.enable=preload` (how FPM runs it): a real
 * `php -S` server on 127.0.0.1 serves tests/preload/index.php, which uses the whole API,
 * and its answers must equal the CLI's.
 *
 * Two ways to make the HAYSCAN FFI scope, both tested:
 * - `ffi.preload=<generated header>` (works as any user, and the only way when PHP starts
 *   as root, since then opcache.preload_user is required and rules out FFI::load);
 * - FFI::load() inside php/preload.php (needs a non-root PHP; as root the server runs as
 *   nobody through setpriv).
 */
final class PreloadTest extends TestCase
{
    private const PAGE_DIR = __DIR__ . '/preload';

    /** @var list<resource> */
    private array $servers = [];
    private string $tmp = '';

    protected function setUp(): void
    {
        [$code, $out] = Php::run('echo function_exists("opcache_get_status") ? "yes" : "no";', ['opcache.enable_cli' => '1']);
        self::assertSame([0, 'yes'], [$code, $out], 'opcache is not available: install php-opcache (Debian: apt-get install php-opcache)');
        $this->tmp = sys_get_temp_dir() . '/hayscan-preload-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->tmp, 0755);
    }

    protected function tearDown(): void
    {
        foreach ($this->servers as $server) {
            proc_terminate($server);
            proc_close($server);
        }
        foreach (glob($this->tmp . '/*') ?: [] as $file) {
            unlink($file);
        }
        @rmdir($this->tmp);
    }

    public function testFfiPreloadHeaderPlusOpcachePreload(): void
    {
        $header = $this->tmp . '/hayscan.h';
        [$code, , $err] = Php::exec([PHP_BINARY, dirname(__DIR__) . '/bin/hayscan-preload-header', $header]);
        self::assertSame(0, $code, $err);
        $ini = $this->preloadIni() + ['ffi.preload' => $header];
        if (self::isRoot()) {
            $ini['opcache.preload_user'] = (string) posix_getpwuid(posix_geteuid())['name'];
        }
        $this->assertServerMatchesCli($ini, []);
    }

    public function testFfiLoadInsideThePreloadScript(): void
    {
        $prefix = [];
        if (self::isRoot()) {
            // Root needs opcache.preload_user, which makes FFI::load fail by design: run as nobody.
            $setpriv = trim((string) shell_exec('command -v setpriv 2>/dev/null'));
            if ($setpriv === '') {
                self::markTestSkipped('running as root without setpriv: cannot start PHP as an unprivileged user (the ffi.preload route is tested)');
            }
            $prefix = [$setpriv, '--reuid=65534', '--regid=65534', '--clear-groups', '--'];
            [$code] = Php::exec([...$prefix, PHP_BINARY, '-r', 'exit(is_readable($argv[1]) && is_readable($argv[2]) && is_readable($argv[3]) ? 0 : 1);',
                dirname(__DIR__) . '/preload.php', Library::libraryPath(), Library::headerPath()]);
            if ($code !== 0) {
                self::markTestSkipped('running as root and the checkout is not readable by nobody: cannot start PHP as an unprivileged user (the ffi.preload route is tested)');
            }
            chmod($this->tmp, 0777);
        }
        $this->assertServerMatchesCli($this->preloadIni(), $prefix);
    }

    /** Without preloading, ffi.enable=preload makes FFI unusable in a web request: say so. */
    public function testNotPreloadedUnderFfiPreloadExplainsWhatToDo(): void
    {
        $port = $this->startServer(['ffi.enable' => 'preload'], []);
        $page = $this->request($port);
        self::assertSame('cli-server', $page['env']['sapi']);
        self::assertStringContainsString('Hayscan\LibraryException: ffi.enable=preload allows FFI only in the CLI and in preloaded code', $page['results']['error'] ?? '');
        self::assertStringContainsString('opcache.preload=' . dirname(__DIR__) . '/preload.php', $page['results']['error']);
    }

    /** @return array<string, string> */
    private function preloadIni(): array
    {
        return [
            'opcache.enable' => '1',
            'opcache.enable_cli' => '1',
            'opcache.preload' => dirname(__DIR__) . '/preload.php',
            'ffi.enable' => 'preload',
        ];
    }

    /**
     * @param array<string, string> $ini
     * @param list<string> $prefix
     */
    private function assertServerMatchesCli(array $ini, array $prefix): void
    {
        [$code, $out, $err] = Php::exec([PHP_BINARY, '-d', 'ffi.enable=1', self::PAGE_DIR . '/index.php']);
        self::assertSame(0, $code, $err);
        $cli = json_decode($out, true, 512, JSON_THROW_ON_ERROR);
        self::assertArrayNotHasKey('error', $cli['results'], $out);

        $port = $this->startServer($ini, $prefix);
        // Several requests: every request re-creates the FFI instance from the preloaded
        // scope and its own trampolines.
        for ($i = 0; $i < 3; $i++) {
            $web = $this->request($port);
            self::assertSame('cli-server', $web['env']['sapi']);
            self::assertSame('preload', $web['env']['ffi_enable']);
            self::assertTrue($web['env']['cdef_restricted'], 'FFI::cdef must be refused to page code: restricted mode is active');
            self::assertContains('Hayscan\Matcher', $web['env']['preloaded']);
            self::assertContains('Hayscan\Library', $web['env']['preloaded']);
            self::assertSame('preload', $web['env']['via'] ?? null, json_encode($web));
            self::assertSame($cli['results'], $web['results']);
        }
        self::assertSame(0, $cli['results']['leaked']);
        self::assertTrue($cli['results']['rethrown']);
    }

    /**
     * @param array<string, string> $ini
     * @param list<string> $prefix
     */
    private function startServer(array $ini, array $prefix): int
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        self::assertNotFalse($probe);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);

        $cmd = [...$prefix, PHP_BINARY];
        foreach ($ini as $key => $value) {
            $cmd[] = '-d';
            $cmd[] = "$key=$value";
        }
        array_push($cmd, '-S', "127.0.0.1:$port", '-t', self::PAGE_DIR);
        $log = $this->tmp . "/server-$port.log";
        $env = getenv();
        $env['TMPDIR'] = $this->tmp; // where php/preload.php writes its generated header
        $server = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'w'], 2 => ['file', $log, 'a']], $pipes, null, $env);
        self::assertIsResource($server);
        $this->servers[] = $server;
        // Readiness, not timing: poll until it accepts connections or exits.
        for ($i = 0; $i < 200; $i++) {
            $conn = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 1);
            if ($conn !== false) {
                fclose($conn);
                return $port;
            }
            if (!proc_get_status($server)['running']) {
                break;
            }
            usleep(50_000);
        }
        self::fail('php -S did not start: ' . implode(' ', $cmd) . "\n" . file_get_contents($log));
    }

    /** @return array<string, mixed> */
    private function request(int $port): array
    {
        $body = @file_get_contents("http://127.0.0.1:$port/index.php", false, stream_context_create(['http' => ['timeout' => 60, 'ignore_errors' => true]]));
        $logs = implode("\n", array_map('file_get_contents', glob($this->tmp . '/server-*.log') ?: []));
        self::assertIsString($body, "no answer from php -S\n$logs");
        try {
            return json_decode($body, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException) {
            self::fail("not JSON:\n$body\nserver log:\n$logs");
        }
    }

    private static function isRoot(): bool
    {
        return function_exists('posix_geteuid') && posix_geteuid() === 0;
    }
}
