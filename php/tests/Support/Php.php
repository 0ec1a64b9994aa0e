<?php

declare(strict_types=1);

namespace Hayscan\Tests\Support;

/** Runs PHP in a child process, for what cannot be tested in-process (ini, env, SAPIs). */
final class Php
{
    /**
     * Runs $code (PHP source without the opening tag) after the package autoloader, with
     * extra `-d` settings and environment variables (null unsets one).
     *
     * @param array<string, string> $ini
     * @param array<string, ?string> $env
     * @param list<string> $phpArgs
     * @return array{int, string, string} exit code, stdout, stderr
     */
    public static function run(string $code, array $ini = [], array $env = [], array $phpArgs = []): array
    {
        $base = tempnam(sys_get_temp_dir(), 'hayscan-test-');
        $script = $base . '.php';
        file_put_contents($script, "<?php\ndeclare(strict_types=1);\nrequire " . var_export(dirname(__DIR__, 2) . '/autoload.php', true) . ";\n" . $code);
        try {
            $cmd = [PHP_BINARY, ...$phpArgs];
            foreach ($ini as $key => $value) {
                $cmd[] = '-d';
                $cmd[] = "$key=$value";
            }
            $cmd[] = $script;
            return self::exec($cmd, $env);
        } finally {
            @unlink($script);
            @unlink($base);
        }
    }

    /**
     * @param list<string> $cmd
     * @param array<string, ?string> $env
     * @return array{int, string, string}
     */
    public static function exec(array $cmd, array $env = []): array
    {
        $environment = getenv();
        foreach ($env as $key => $value) {
            if ($value === null) {
                unset($environment[$key]);
            } else {
                $environment[$key] = $value;
            }
        }
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $environment);
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot start ' . implode(' ', $cmd));
        }
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($proc), (string) $out, (string) $err];
    }
}
