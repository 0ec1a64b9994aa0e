<?php

// hayscan vs what PHP users would otherwise write, in one run on the same data:
// - finding keywords: preg_match_all with a preg_quote'd alternation, and a pure-PHP
//   Aho-Corasick automaton (overlapping matches);
// - replacing keywords: strtr with an array (leftmost-longest, like hayscan's replaceAll
//   with match_kind leftmost_longest);
// - per-call overhead: isMatch on a 100-byte string vs str_contains / preg_match;
// - per-match cost of callbacks, generators and Hit objects;
// - building the matcher.
//
// The corpus is English-like and deterministic: words of /usr/share/dict/words (Debian
// package wamerican) drawn with Zipf-like frequencies by a seeded PRNG. Keyword sets are
// the N most frequent words ("dense": many matches) and the same words with a suffix that
// never occurs ("sparse": no matches, raw scanning speed). Every contender's result is
// checked against hayscan's before its time is reported.
//
// Usage: php bench/php/bench.php [--out FILE]     (QUICK=1 for a short run)
// Output: Markdown on stdout (and in FILE).

declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/autoload.php';
require __DIR__ . '/DriverAhoCorasick.php';

use Hayscan\Library;
use Hayscan\Matcher;

ini_set('pcre.backtrack_limit', '100000000');

$quick = getenv('QUICK') === '1';
$outFile = null;
for ($i = 1; $i < $argc; $i++) {
    if ($argv[$i] === '--out' && isset($argv[$i + 1])) {
        $outFile = $argv[++$i];
    }
}
$corpusBytes = $quick ? 1 << 20 : 8 << 20;
$repeat = $quick ? 1 : 3;
// Slow contenders are measured on a prefix of the corpus sized to take about this long.
$budgetSeconds = $quick ? 0.3 : 2.0;

// ---------------------------------------------------------------------------------------
// Data

$dictFile = '/usr/share/dict/words';
if (!is_readable($dictFile)) {
    fwrite(STDERR, "$dictFile is missing: apt-get install wamerican\n");
    exit(1);
}
$dict = array_values(array_unique(array_filter(
    array_map('trim', file($dictFile) ?: []),
    static fn (string $w): bool => $w !== '' && !str_contains($w, "'"),
)));
mt_srand(20240601);
shuffle($dict); // rank order: $dict[0] is the most frequent word
$logN = log(count($dict));
$parts = [];
$size = 0;
while ($size < $corpusBytes) {
    // P(rank r) ~ 1/r: rank = floor(exp(u * ln N)).
    $word = $dict[(int) floor(exp(mt_rand() / mt_getrandmax() * $logN)) - 1];
    $sep = match (mt_rand(0, 11)) {
        0 => ".\n",
        1 => ', ',
        default => ' ',
    };
    $parts[] = $word . $sep;
    $size += strlen($word) + strlen($sep);
}
$corpus = substr(implode('', $parts), 0, $corpusBytes);
unset($parts);
$mb = strlen($corpus) / 1e6;

/** @return list<string> */
$dense = static fn (int $n): array => array_slice($dict, 0, $n);
$sparse = static fn (int $n): array => array_map(static fn (string $w): string => $w . 'qzx', array_slice($dict, 0, $n));

// ---------------------------------------------------------------------------------------
// Measuring

/** Best wall time of $repeat runs, in seconds, and the last result. */
$time = static function (callable $fn) use ($repeat): array {
    $best = INF;
    $result = null;
    for ($i = 0; $i < $repeat; $i++) {
        $t = hrtime(true);
        $result = $fn();
        $best = min($best, (hrtime(true) - $t) / 1e9);
    }
    return [$best, $result];
};

/**
 * Throughput of $fn($text) in MB/s: on the whole corpus, or on a prefix (cut at a word
 * boundary) when a trial on 256 KB predicts more than the time budget.
 *
 * @return array{mbps: float, bytes: int, result: mixed}|array{error: string}
 */
$throughput = static function (callable $fn, string $text) use ($time, $budgetSeconds): array {
    $errors = [];
    set_error_handler(static function (int $no, string $msg) use (&$errors): bool {
        $errors[] = $msg;
        return true;
    });
    try {
        $trialText = substr($text, 0, min(strlen($text), 256 * 1024));
        $t = hrtime(true);
        $trial = $fn($trialText);
        $trialSeconds = (hrtime(true) - $t) / 1e9;
        if ($trial === false || $trial === null) {
            return ['error' => $errors[0] ?? preg_last_error_msg()];
        }
        $len = strlen($text);
        $predicted = $trialSeconds * $len / strlen($trialText);
        if ($predicted > $budgetSeconds) {
            $len = max(strlen($trialText), (int) ($len * $budgetSeconds / $predicted));
            $len = (int) strrpos(substr($text, 0, $len), ' ') + 1;
        }
        $input = substr($text, 0, $len);
        [$seconds, $result] = $time(static fn () => $fn($input));
        if ($result === false || $result === null) {
            return ['error' => $errors[0] ?? preg_last_error_msg()];
        }
        return ['mbps' => $len / 1e6 / $seconds, 'bytes' => $len, 'result' => $result];
    } finally {
        restore_error_handler();
    }
};

$alternation = static fn (array $words): string => '/' . implode('|', array_map(static fn (string $w): string => preg_quote($w, '/'), $words)) . '/';

$fmtRate = static function (array $r) use ($corpus): string {
    if (isset($r['error'])) {
        return 'fails: ' . str_replace('|', '\|', $r['error']);
    }
    $rate = $r['mbps'] >= 100 ? sprintf('%.0f', $r['mbps']) : ($r['mbps'] >= 1 ? sprintf('%.1f', $r['mbps']) : sprintf('%.2f', $r['mbps']));
    $note = $r['bytes'] < strlen($corpus) ? sprintf(' (on %.2f MB)', $r['bytes'] / 1e6) : '';
    return "$rate MB/s$note";
};
$ratio = static fn (array $a, array $b): string => isset($a['error']) || isset($b['error']) ? '—' : sprintf('%.1fx', $a['mbps'] / $b['mbps']);

$out = [];
$say = static function (string $line = '') use (&$out): void {
    $out[] = $line;
    echo $line, "\n";
};

// ---------------------------------------------------------------------------------------

$cpu = 'unknown CPU';
foreach (@file('/proc/cpuinfo') ?: [] as $line) {
    if (str_starts_with($line, 'model name')) {
        $cpu = trim(explode(':', $line, 2)[1]);
        break;
    }
}
$say('## PHP benchmark');
$say();
$load = static fn (): string => implode(' ', array_slice(explode(' ', (string) @file_get_contents('/proc/loadavg')), 0, 3));
$say(sprintf(
    'hayscan %s, PHP %s (opcache.enable_cli=%s, pcre.jit=%s), %s (%d CPUs; load average %s at start), single thread. '
    . 'Corpus: %.1f MB of English-like text (%s dictionary words, Zipf-like frequencies, seeded). Best of %d run(s)%s.',
    Library::version(), PHP_VERSION, ini_get('opcache.enable_cli') ?: '0', ini_get('pcre.jit'), $cpu,
    (int) trim((string) shell_exec('nproc 2>/dev/null')), $load(), $mb,
    number_format(count($dict)), $repeat, $quick ? ', QUICK=1' : '',
));
$say();

// Find: dense and sparse keyword sets.
$say('### Finding keywords (leftmost-first): hayscan vs `preg_match_all` with an alternation');
$say();
$say('Dense = the N most frequent words (many matches); sparse = the same words + "qzx" (no matches). '
    . '`count()` makes no objects; `findAll()` returns a `Hit` per match, like `preg_match_all` returns its match array. '
    . 'Every result was checked against hayscan\'s (same matches, same order).');
$say();
$say('| keywords | matches (dense) | hayscan count() | hayscan findAll() | preg_match_all | findAll / preg | sparse: hayscan count() | sparse: preg_match_all | sparse ratio |');
$say('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
foreach ([10, 1_000, 10_000] as $n) {
    $words = $dense($n);
    $m = new Matcher($words);
    $count = $throughput(static fn (string $t) => $m->count($t), $corpus);
    $all = $throughput(static fn (string $t) => count($m->findAll($t)), $corpus);
    $regex = $alternation($words);
    $preg = $throughput(static function (string $t) use ($regex, $m) {
        $n = preg_match_all($regex, $t, $found, PREG_OFFSET_CAPTURE);
        if ($n === false) {
            return false;
        }
        // Check: the same matches as hayscan, in the same order.
        $hits = $m->findAll($t);
        if ($n !== count($hits) || array_column($found[0], 1) !== array_map(static fn ($h) => $h->start, $hits)) {
            throw new LogicException('preg_match_all and hayscan disagree');
        }
        return $n;
    }, $corpus);
    if (!isset($preg['error'])) {
        // The timing above includes the check: time preg alone on the same input.
        $input = substr($corpus, 0, $preg['bytes']);
        [$seconds] = $time(static fn () => preg_match_all($regex, $input, $found));
        $preg['mbps'] = $preg['bytes'] / 1e6 / $seconds;
    }
    $s = new Matcher($sparse($n));
    $sparseRegex = $alternation($sparse($n));
    $sCount = $throughput(static fn (string $t) => $s->count($t), $corpus);
    $sPreg = $throughput(static fn (string $t) => preg_match_all($sparseRegex, $t), $corpus);
    if (isset($sCount['result'], $sPreg['result']) && $sPreg['result'] !== 0) {
        throw new LogicException('sparse set matched');
    }
    $say(sprintf('| %s | %s | %s | %s | %s | %s | %s | %s | %s |', number_format($n), number_format($m->count($corpus)),
        $fmtRate($count), $fmtRate($all), $fmtRate($preg), $ratio($all, $preg), $fmtRate($sCount), $fmtRate($sPreg), $ratio($sCount, $sPreg)));
    $m->close();
    $s->close();
}
$say();

// Overlapping: a pure-PHP Aho-Corasick.
$say('### Every occurrence (overlapping): hayscan vs a pure-PHP Aho-Corasick');
$say();
$say('Dense keyword sets; both count every occurrence of every keyword (checked equal). The PHP automaton (bench/php/DriverAhoCorasick.php) is the classic trie + failure links in arrays.');
$say();
$say('| keywords | occurrences | hayscan count() (overlapping) | pure-PHP Aho-Corasick | hayscan / PHP | PHP automaton build | hayscan build |');
$say('|---:|---:|---:|---:|---:|---:|---:|');
foreach ([10, 1_000, 10_000] as $n) {
    $words = $dense($n);
    [$hayBuild, $m] = $time(static fn () => new Matcher($words, ['match_kind' => 'overlapping']));
    [$phpBuild, $ac] = $time(static fn () => new DriverAhoCorasick($words));
    $hay = $throughput(static fn (string $t) => $m->count($t), $corpus);
    $php = $throughput(static function (string $t) use ($ac, $m) {
        $c = $ac->count($t);
        return $c === $m->count($t) ? $c : throw new LogicException('pure-PHP Aho-Corasick and hayscan disagree');
    }, $corpus);
    if (!isset($php['error'])) {
        $input = substr($corpus, 0, $php['bytes']);
        [$seconds] = $time(static fn () => $ac->count($input));
        $php['mbps'] = $php['bytes'] / 1e6 / $seconds;
    }
    $say(sprintf('| %s | %s | %s | %s | %s | %.1f ms | %.1f ms |', number_format($n), number_format($m->count($corpus)),
        $fmtRate($hay), $fmtRate($php), $ratio($hay, $php), $phpBuild * 1e3, $hayBuild * 1e3));
    $m->close();
}
$say();

// Replace: strtr.
$say('### Replacing keywords: hayscan `replaceAll()` (leftmost-longest) vs `strtr($text, $map)`');
$say();
$say('Each keyword is replaced by its upper-case form; both outputs were checked to be identical.');
$say();
$say('| keywords | hayscan replaceAll() | strtr | hayscan / strtr | hayscan replaceWith() (PHP callback per match) |');
$say('|---:|---:|---:|---:|---:|');
foreach ([10, 1_000, 10_000] as $n) {
    $words = $dense($n);
    $upper = array_map('strtoupper', $words);
    $map = array_combine($words, $upper);
    $m = new Matcher($words, ['match_kind' => 'leftmost_longest']);
    $hay = $throughput(static fn (string $t) => $m->replaceAll($t, $upper), $corpus);
    $strtr = $throughput(static function (string $t) use ($map, $m, $upper) {
        $r = strtr($t, $map);
        return $r === $m->replaceAll($t, $upper) ? $r : throw new LogicException('strtr and hayscan disagree');
    }, $corpus);
    if (!isset($strtr['error'])) {
        $input = substr($corpus, 0, $strtr['bytes']);
        [$seconds] = $time(static fn () => strtr($input, $map));
        $strtr['mbps'] = $strtr['bytes'] / 1e6 / $seconds;
    }
    $with = $throughput(static fn (string $t) => $m->replaceWith($t, static fn ($h) => $upper[$h->pattern]), $corpus);
    $say(sprintf('| %s | %s | %s | %s | %s |', number_format($n), $fmtRate($hay), $fmtRate($strtr), $ratio($hay, $strtr), $fmtRate($with)));
    $m->close();
}
$say();

// Per-call overhead.
$calls = $quick ? 20_000 : 200_000;
$say(sprintf('### Per-call overhead: a 100-byte string without a match, %s calls', number_format($calls)));
$say();
$say('| keywords | hayscan isMatch() | str_contains (loop over keywords) | preg_match (alternation) |');
$say('|---:|---:|---:|---:|');
$small = substr(str_repeat('lorem ipsum dolor sit amet consectetur adipiscing elit ', 3), 0, 100);
foreach ([1, 10] as $n) {
    $words = $sparse($n);
    $m = new Matcher($words);
    $regex = $alternation($words);
    [$tHay] = $time(static function () use ($m, $small, $calls) {
        for ($i = 0; $i < $calls; $i++) {
            $m->isMatch($small);
        }
    });
    [$tContains] = $time(static function () use ($words, $small, $calls) {
        for ($i = 0; $i < $calls; $i++) {
            foreach ($words as $w) {
                if (str_contains($small, $w)) {
                    break;
                }
            }
        }
    });
    [$tPreg] = $time(static function () use ($regex, $small, $calls) {
        for ($i = 0; $i < $calls; $i++) {
            preg_match($regex, $small);
        }
    });
    $say(sprintf('| %d | %.0f ns | %.0f ns | %.0f ns |', $n, $tHay / $calls * 1e9, $tContains / $calls * 1e9, $tPreg / $calls * 1e9));
    $m->close();
}
$say();

// Per-match cost: differences of timings, so take the best of more runs.
$repeatPerMatch = $quick ? 1 : 5;
$timeBest = static function (callable $fn) use ($repeatPerMatch): array {
    $best = INF;
    for ($i = 0; $i < $repeatPerMatch; $i++) {
        $t = hrtime(true);
        $fn();
        $best = min($best, (hrtime(true) - $t) / 1e9);
    }
    return [$best];
};
$n = 1_000;
$m = new Matcher($dense($n));
$matches = $m->count($corpus);
[$tCount] = $timeBest(static fn () => $m->count($corpus));
$perMatch = static fn (float $t): string => sprintf('%.0f ns', max(0.0, $t - $tCount) / $matches * 1e9);
[$tScan] = $timeBest(static fn () => $m->scan($corpus, static function ($h): void {
}));
[$tAll] = $timeBest(static fn () => count($m->findAll($corpus)));
[$tGen] = $timeBest(static function () use ($m, $corpus) {
    $k = 0;
    foreach ($m->matches($corpus) as $h) {
        $k++;
    }
    return $k;
});
[$tWith] = $timeBest(static fn () => $m->replaceWith($corpus, static fn ($h) => ''));
$regex = $alternation($dense($n));
$input = substr($corpus, 0, 1 << 18);
[$tPregAll] = $timeBest(static fn () => preg_match_all($regex, $input, $found, PREG_OFFSET_CAPTURE));
[$tPregCb] = $timeBest(static fn () => preg_replace_callback($regex, static fn ($x) => '', $input));
$pregMatches = (int) preg_match_all($regex, $input);
$say(sprintf('### Per-match cost (%s dense keywords, %s matches in %.1f MB; cost above `count()`, which makes no PHP values)', number_format($n), number_format($matches), $mb));
$say();
$say('| how matches reach PHP | per match |');
$say('|---|---:|');
$say('| `count()` (baseline: ' . sprintf('%.0f ns per match in total', $tCount / $matches * 1e9) . ') | 0 ns |');
$say('| `scan()` with an empty callback (C → PHP call + `Hit`) | ' . $perMatch($tScan) . ' |');
$say('| `findAll()` (pulled in batches of ' . Matcher::BATCH . ', `Hit` objects) | ' . $perMatch($tAll) . ' |');
$say('| `matches()` generator (batches of ' . Matcher::BATCH . ', `Hit` objects) | ' . $perMatch($tGen) . ' |');
$say('| `replaceWith()` returning \'\' | ' . $perMatch($tWith) . ' |');
$say(sprintf('| for scale: `preg_match_all` with PREG_OFFSET_CAPTURE, total per match (on %d KB) | %.0f ns |', strlen($input) >> 10, $tPregAll / max(1, $pregMatches) * 1e9));
$say(sprintf('| for scale: `preg_replace_callback`, total per match (on %d KB) | %.0f ns |', strlen($input) >> 10, $tPregCb / max(1, $pregMatches) * 1e9));
$say();
$m->close();

// Build time.
$say('### Building a matcher');
$say();
$say('| keywords | new Matcher() | automaton memory |');
$say('|---:|---:|---:|');
foreach ([10, 1_000, 10_000, 100_000] as $n) {
    // Beyond the dictionary's size, suffixed copies of its words make up the count.
    $words = $dense(min($n, count($dict)));
    for ($k = 0; count($words) < $n; $k++) {
        $words[] = $dict[$k] . 'qzx';
    }
    [$t, $built] = $time(static fn () => new Matcher($words));
    $say(sprintf('| %s | %.1f ms | %s KiB |', number_format(count($words)), $t * 1e3, number_format(intdiv($built->memoryUsage(), 1024))));
    $built->close();
}
$say();

$say('Load average at the end: ' . $load() . '. Timings on a shared machine vary by ±30%; ratios measured in the same run are steadier.');
$say();

if ($outFile !== null) {
    file_put_contents($outFile, implode("\n", $out) . "\n");
    fwrite(STDERR, "wrote $outFile\n");
}
