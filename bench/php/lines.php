<?php

// Matching lines of a file (grep -c's answer): Matcher::countFileLines vs rg and grep.
//
//   nice php bench/php/lines.php [FILE] [--reps 5] [PATTERNS...]
//
// FILE defaults to /tmp/hayscan-bench-english-100mb.txt, made (if missing) by repeating
// bench/data/full/english.txt to 100 MiB; PATTERNS default to bench/data/full/patterns/
// dense-1000.txt and sparse-1000.txt (one literal a line). Contenders, interleaved in one
// process, order rotated each round: countFileLines on 1 and 2 threads, `rg --no-config
// -F -c -f PATS FILE` and `LC_ALL=C grep -F -c -f PATS FILE` (child processes; their CPU
// is the children's rusage). Every answer must equal rg's. Not part of any test.

declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/autoload.php';

use Hayscan\Matcher;

$root = dirname(__DIR__, 2);
$file = '/tmp/hayscan-bench-english-100mb.txt';
$reps = 5;
$patternFiles = [];
for ($i = 1; $i < $argc; $i++) {
    if ($argv[$i] === '--reps') {
        $reps = max(1, (int) ($argv[++$i] ?? 5));
    } elseif (str_ends_with($argv[$i], '.txt') && str_contains($argv[$i], 'patterns')) {
        $patternFiles[] = $argv[$i];
    } else {
        $file = $argv[$i];
    }
}
$patternFiles = $patternFiles ?: ["$root/bench/data/full/patterns/dense-1000.txt", "$root/bench/data/full/patterns/sparse-1000.txt"];
if (!is_file($file)) {
    $english = (string) file_get_contents("$root/bench/data/full/english.txt");
    $out = fopen($file, 'w');
    for ($left = 100 << 20; $left > 0; $left -= strlen($english)) {
        fwrite($out, substr($english, 0, $left));
    }
    fclose($out);
}

/** @return array{float, float, int} wall seconds, CPU seconds (self and children), result */
function timed(\Closure $run): array
{
    $cpu = static function (): float {
        $t = 0.0;
        foreach ([0, 1] as $who) {
            $r = getrusage($who);
            $t += $r['ru_utime.tv_sec'] + $r['ru_stime.tv_sec'] + ($r['ru_utime.tv_usec'] + $r['ru_stime.tv_usec']) / 1e6;
        }
        return $t;
    };
    $c0 = $cpu();
    $t0 = hrtime(true);
    $result = $run();
    return [(hrtime(true) - $t0) / 1e9, $cpu() - $c0, $result];
}

/** @param list<string> $cmd */
function child(array $cmd): int
{
    $p = proc_open($cmd, [1 => ['pipe', 'w']], $pipes, null, ['LC_ALL' => 'C', 'PATH' => getenv('PATH')]);
    $out = stream_get_contents($pipes[1]);
    fclose($pipes[1]);
    proc_close($p);
    return (int) trim((string) $out);
}

/** @param list<float> $xs */
function median(array $xs): float
{
    sort($xs);
    $n = count($xs);
    return $n % 2 ? $xs[intdiv($n, 2)] : ($xs[$n / 2 - 1] + $xs[$n / 2]) / 2;
}

$mb = filesize($file) / 1e6;
printf("%s: %.1f MB, %d rounds, order rotated; %s\n", $file, $mb, $reps, trim((string) shell_exec('uptime')));
foreach ($patternFiles as $pats) {
    $patterns = array_values(array_filter(file($pats, FILE_IGNORE_NEW_LINES) ?: [], static fn (string $l): bool => $l !== ''));
    $m = new Matcher($patterns);
    $contenders = [
        'countFileLines' => static fn (): int => $m->countFileLines($file),
        'countFileLines(2)' => static fn (): int => $m->countFileLines($file, 2),
        'rg -F -c' => static fn (): int => child(['rg', '--no-config', '-F', '-c', '-f', $pats, $file]),
        'grep -F -c' => static fn (): int => child(['grep', '-F', '-c', '-f', $pats, $file]),
    ];
    $names = array_keys($contenders);
    $want = $contenders['rg -F -c']();
    $times = array_fill_keys($names, ['wall' => [], 'cpu' => []]);
    for ($round = 0; $round < $reps; $round++) {
        $k = $round % count($names);
        foreach ([...array_slice($names, $k), ...array_slice($names, 0, $k)] as $name) {
            [$wall, $cpu, $got] = timed($contenders[$name]);
            if ($got !== $want) {
                fwrite(STDERR, "$name: $got lines, rg says $want\n");
                exit(1);
            }
            $times[$name]['wall'][] = $wall;
            $times[$name]['cpu'][] = $cpu;
        }
    }
    printf("\n%s (%d patterns): %d matching lines, every contender equal to rg\n", basename($pats), count($patterns), $want);
    printf("%-18s %10s %10s %10s %10s %10s\n", 'contender', 'best ms', 'median ms', 'best CPU', 'med CPU', 'med MB/s');
    foreach ($times as $name => $t) {
        printf("%-18s %10.0f %10.0f %10.0f %10.0f %10.0f\n", $name, 1e3 * min($t['wall']), 1e3 * median($t['wall']),
            1e3 * min($t['cpu']), 1e3 * median($t['cpu']), $mb / median($t['wall']));
    }
    $m->close();
}
