<?php

// PHP file scanning (issue 13): scanFile() throughput and replaceFile() peak memory.
//
//   php bench/php/files.php scan FILE PATTERNS [--reps 5]
//       scanFile($path, $callback) counting hits, MB/s, CPU and wall time, best and median.
//       Contenders, interleaved in one process and rotated each round:
//         scanFile   Matcher::scanFile as it is now
//         sync-old   the synchronous scanFile of before the job API, as it was: hayscan_matcher_scan_file
//                    calling PHP back from the scanning Rust frame (Matcher::pushScan), two Hits a match
//         sync-push  the same with one Hit a match
//         countFile  no callbacks: the native scan alone, for reference
//       Every contender's hit count is checked against countFile's.
//   php -d memory_limit=16M bench/php/files.php replace FILE PATTERNS OUT
//       replaceFile(FILE, OUT, '<x>') once; prints PHP's peak memory and the process RSS peak.
//
// Patterns: one per line (bench/data/patterns/*.txt); the file is read by the library.

declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/autoload.php';

use Hayscan\Hit;
use Hayscan\Matcher;

/** @return list<string> */
function patterns(string $file): array
{
    $lines = file($file, FILE_IGNORE_NEW_LINES) ?: [];
    return array_values(array_filter($lines, static fn (string $l): bool => $l !== ''));
}

/** @return array{float, float} wall and CPU seconds of $run */
function timed(callable $run, mixed &$result): array
{
    $r0 = getrusage();
    $t0 = hrtime(true);
    $result = $run();
    $wall = (hrtime(true) - $t0) / 1e9;
    $r1 = getrusage();
    $cpu = ($r1['ru_utime.tv_sec'] - $r0['ru_utime.tv_sec']) + ($r1['ru_utime.tv_usec'] - $r0['ru_utime.tv_usec']) / 1e6
        + ($r1['ru_stime.tv_sec'] - $r0['ru_stime.tv_sec']) + ($r1['ru_stime.tv_usec'] - $r0['ru_stime.tv_usec']) / 1e6;
    return [$wall, $cpu];
}

/** @param list<float> $xs */
function median(array $xs): float
{
    sort($xs);
    $n = count($xs);
    return $n % 2 ? $xs[intdiv($n, 2)] : ($xs[$n / 2 - 1] + $xs[$n / 2]) / 2;
}

$mode = $argv[1] ?? '';
$file = $argv[2] ?? '';
$patternFile = $argv[3] ?? '';
if (!in_array($mode, ['scan', 'replace'], true) || !is_file($file) || !is_file($patternFile)) {
    fwrite(STDERR, "usage: php files.php scan FILE PATTERNS [--reps N] | replace FILE PATTERNS OUT\n");
    exit(2);
}
$m = new Matcher(patterns($patternFile));

if ($mode === 'replace') {
    $out = $argv[4] ?? '';
    $t0 = hrtime(true);
    $n = $m->replaceFile($file, $out, '<x>');
    $wall = (hrtime(true) - $t0) / 1e9;
    preg_match('/^VmHWM:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $hwm);
    printf("replaceFile: %d replacements, input %.1f MB, output %.1f MB, %.2f s wall; memory_limit %s, "
        . "PHP peak memory %.2f MB (memory_get_peak_usage), process peak RSS %.1f MB\n",
        $n, filesize($file) / 1e6, filesize($out) / 1e6, $wall, ini_get('memory_limit'),
        memory_get_peak_usage() / 1e6, ((int) ($hwm[1] ?? 0)) / 1e3);
    $m->close();
    exit(0);
}

$reps = 5;
for ($i = 4; $i < $argc; $i++) {
    if ($argv[$i] === '--reps' && isset($argv[$i + 1])) {
        $reps = max(1, (int) $argv[++$i]);
    }
}
$bytes = filesize($file);
$pushScan = \Closure::bind(static fn (\Closure $deliver, string $text, \Closure $call): int => Matcher::pushScan($deliver, $text, $call), null, Matcher::class);
$handle = $m->nativeHandle();
$contenders = [
    'scanFile' => static function () use ($m, $file): int {
        $hits = 0;
        $m->scanFile($file, static function (Hit $h) use (&$hits): void {
            $hits++;
        });
        return $hits;
    },
    'sync-old' => static function () use ($pushScan, $handle, $file, $m): int {
        // Exactly the old Matcher::scanFile: a second Hit with the pattern's text per match.
        $hits = 0;
        $texts = (new \ReflectionProperty(Matcher::class, 'texts'))->getValue($m);
        $callback = static function (Hit $h) use (&$hits): void {
            $hits++;
        };
        $pushScan(
            static fn (Hit $hit): mixed => $callback(new Hit($hit->pattern, $hit->start, $hit->end, $texts[$hit->pattern] ?? null)),
            '',
            static fn ($trampoline, $report): int => \Hayscan\Library::ffi()->hayscan_matcher_scan_file($handle, $file, strlen($file), $trampoline, null, $report),
        );
        return $hits;
    },
    'sync-push' => static function () use ($pushScan, $handle, $file): int {
        $hits = 0;
        $pushScan(
            static function (Hit $h) use (&$hits): void {
                $hits++;
            },
            '',
            static fn ($trampoline, $report): int => \Hayscan\Library::ffi()->hayscan_matcher_scan_file($handle, $file, strlen($file), $trampoline, null, $report),
        );
        return $hits;
    },
    'countFile' => static fn (): int => $m->countFile($file),
];
$expected = $m->countFile($file);
$times = array_fill_keys(array_keys($contenders), ['wall' => [], 'cpu' => []]);
$names = array_keys($contenders);
for ($round = 0; $round < $reps; $round++) {
    $order = array_merge(array_slice($names, $round % count($names)), array_slice($names, 0, $round % count($names)));
    foreach ($order as $name) {
        [$wall, $cpu] = timed($contenders[$name], $hits);
        if ($hits !== $expected) {
            fwrite(STDERR, "$name found $hits matches, countFile $expected\n");
            exit(1);
        }
        $times[$name]['wall'][] = $wall;
        $times[$name]['cpu'][] = $cpu;
    }
}
printf("%s: %.1f MB, %s, %d patterns, %d matches, %d rounds (order rotated)\n", basename($file), $bytes / 1e6, basename($patternFile), count(patterns($patternFile)), $expected, $reps);
printf("%-10s %10s %10s %10s %10s %12s\n", 'contender', 'best MB/s', 'med MB/s', 'best wall', 'med CPU', 'CPU/wall');
foreach ($times as $name => $t) {
    printf("%-10s %10.1f %10.1f %9.3fs %9.3fs %12.2f\n", $name, $bytes / 1e6 / min($t['wall']), $bytes / 1e6 / median($t['wall']),
        min($t['wall']), median($t['cpu']), median($t['cpu']) / median($t['wall']));
}
$m->close();
