<?php

// PHP driver of the cross-host benchmark (bench/README.md): hayscan through PHP FFI against
// what PHP users otherwise write — preg_match_all with an alternation, strtr, a pure-PHP
// Aho-Corasick — on the data of bench/corpus/generate.py, printing one JSON object per
// measurement in the common schema.
//
//   php driver.php --data DIR [--reps 3] [--calls 1000000] [--budget 0.25]
//   php driver.php --data DIR --memory hayscan:dense-10000     (one configuration, peak RSS)
//   php driver.php --data DIR --workload answers               (that workload alone)
//
// Slow contenders run on a prefix of the corpus sized so one run takes about --budget
// seconds ("capped": true in the row); their per-byte cost does not depend on the length.

declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/autoload.php';
require __DIR__ . '/DriverAhoCorasick.php';

use Hayscan\Hit;
use Hayscan\Library;
use Hayscan\Matcher;

ini_set('pcre.backtrack_limit', '1000000000');
ini_set('pcre.recursion_limit', '1000000000');

const SET_SIZES = [10, 1000, 10000, 100000];
/** Smallest prefix a capped measurement runs on. */
const TRIAL_BYTES = 4096;

$opt = ['data' => 'bench/data/quick', 'reps' => '3', 'calls' => '1000000', 'budget' => '0.25', 'memory' => null,
    'min-rep-ms' => '20', 'workload' => null];
for ($i = 1; $i < $argc; $i++) {
    $flag = substr($argv[$i], 2);
    if (!str_starts_with($argv[$i], '--') || !array_key_exists($flag, $opt) || !isset($argv[$i + 1])) {
        fwrite(STDERR, "usage: php driver.php --data DIR [--reps N] [--calls N] [--budget S] [--memory IMPL:SET] [--workload answers]\n");
        exit(2);
    }
    $opt[$flag] = $argv[++$i];
}
$dir = $opt['data'];
$reps = max(1, (int) $opt['reps']);
$budget = (float) $opt['budget'];
$minRep = (int) $opt['min-rep-ms'] / 1000;

// ---- output ------------------------------------------------------------------------------

function emit(array $row): void
{
    $row = ['schema' => 'hayscan-bench/1', 'host' => 'php'] + $row;
    $row['status'] ??= 'ok';
    echo json_encode($row, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
}

/** @param list<float> $times */
function stats(array $times, ?int $bytes = null, ?int $calls = null): array
{
    $sorted = $times;
    sort($sorted);
    $n = count($sorted);
    $median = $n % 2 ? $sorted[intdiv($n, 2)] : ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2;
    $s = ['reps' => $n, 'times_s' => $times, 'median_s' => $median, 'min_s' => $sorted[0], 'max_s' => $sorted[$n - 1]];
    if ($bytes !== null && $median > 0) {
        $s['mbps'] = $bytes / $median / 1e6;
    }
    if ($calls !== null) {
        $s['ns_per_call'] = $median * 1e9 / $calls;
    }
    return $s;
}

function vmKb(string $field): int
{
    $status = @file_get_contents('/proc/self/status') ?: '';
    return preg_match('/^' . preg_quote($field, '/') . '\s+(\d+)/m', $status, $m) ? (int) $m[1] : 0;
}

// ---- data --------------------------------------------------------------------------------

function load(string $dir, string $name): string
{
    $data = @file_get_contents("$dir/$name");
    if ($data === false) {
        fwrite(STDERR, "$dir/$name is missing: run bench/corpus/generate.py\n");
        exit(1);
    }
    return $data;
}

/** @return list<string> */
function patterns(string $dir, string $set): array
{
    return array_values(array_filter(explode("\n", load($dir, "patterns/$set.txt")), static fn (string $p): bool => $p !== ''));
}

/** The first ~$len bytes of $text, cut after a separator so no word is split. */
function prefix(string $text, int $len, string $sep): string
{
    if ($len >= strlen($text)) {
        return $text;
    }
    $cut = strrpos(substr($text, 0, $len), $sep);
    return substr($text, 0, $cut === false ? $len : $cut + 1);
}

// ---- measuring ---------------------------------------------------------------------------

/**
 * Times $fn($text): a warm-up run, then $reps repetitions of `inner` runs each (`inner`
 * chosen so a repetition lasts at least min-rep-ms). With $cappable, a trial on a 4 KB
 * prefix predicts the cost and, if the whole text would take more than the budget, the
 * measurement runs on a prefix sized to the budget. PHP warnings (e.g. PCRE compile
 * errors) and exceptions become an error.
 *
 * @return array{times: list<float>, inner: int, result: mixed, bytes: int, capped: bool}|array{error: string}
 */
function measure(callable $fn, string $text, bool $cappable, string $sep = ' '): array
{
    global $reps, $budget, $minRep;
    $warnings = [];
    set_error_handler(static function (int $no, string $msg) use (&$warnings): bool {
        $warnings[] = $msg;
        return true;
    });
    try {
        $input = $text;
        $capped = false;
        $growth = 1.0;
        if ($cappable) {
            $trial = prefix($text, TRIAL_BYTES, $sep);
            $t = hrtime(true);
            $r = $fn($trial);
            $dt = (hrtime(true) - $t) / 1e9;
            if ($r === false || $r === null || $warnings) {
                return ['error' => $warnings[0] ?? (preg_last_error() ? preg_last_error_msg() : 'failed')];
            }
            // Too slow to repeat even on the smallest prefix: the trial is the measurement.
            if ($dt > 2 * $budget) {
                return ['times' => [$dt], 'inner' => 1, 'result' => $r, 'bytes' => strlen($trial), 'capped' => true];
            }
            // A second trial on 8 KB gives how the cost grows with the input (some
            // contenders are superlinear): t(len) = t2 * (len / len2) ** growth.
            $trial2 = prefix($text, 2 * TRIAL_BYTES, $sep);
            $t = hrtime(true);
            $fn($trial2);
            $dt2 = (hrtime(true) - $t) / 1e9;
            $growth = max(1.0, min(3.0, log(max($dt2, 1e-9) / max($dt, 1e-9)) / log(strlen($trial2) / max(1, strlen($trial)))));
            $predicted = $dt2 * (strlen($text) / strlen($trial2)) ** $growth;
            if ($predicted > $budget) {
                $len = strlen($trial2) * ($budget / $dt2) ** (1 / $growth);
                $input = prefix($text, max(TRIAL_BYTES, (int) $len), $sep);
                $capped = true;
            }
        }
        $r = null;
        $t = hrtime(true);
        $result = $fn($input);
        $warm = (hrtime(true) - $t) / 1e9;
        if ($result === false || $result === null || $warnings) {
            return ['error' => $warnings[0] ?? (preg_last_error() ? preg_last_error_msg() : 'failed')];
        }
        // A contender whose cost grows faster than the input: the warm-up is the measurement.
        if ($cappable && $warm > 2 * $budget) {
            return ['times' => [$warm], 'inner' => 1, 'result' => $result, 'bytes' => strlen($input), 'capped' => $capped, 'growth' => $growth];
        }
        $inner = $warm >= $minRep ? 1 : (int) ($minRep / max($warm, 1e-7)) + 1;
        $times = [];
        for ($r = 0; $r < $reps; $r++) {
            $t = hrtime(true);
            for ($k = 0; $k < $inner; $k++) {
                // Drop the previous result first (freeing it is part of the cost of making
                // it), rather than holding two results while the next one is built.
                $result = null;
                $result = $fn($input);
            }
            $times[] = (hrtime(true) - $t) / 1e9 / $inner;
        }
        return ['times' => $times, 'inner' => $inner, 'result' => $result, 'bytes' => strlen($input), 'capped' => $capped, 'growth' => $growth];
    } catch (\Throwable $e) {
        return ['error' => get_class($e) . ': ' . $e->getMessage()];
    } finally {
        restore_error_handler();
    }
}

/** Emits $base plus the measurement, or an error row. $matches maps a result to a count. */
function report(array $base, array $m, ?callable $matches = null, array $extra = []): void
{
    if (isset($m['error'])) {
        emit($base + ['status' => 'error', 'reason' => $m['error']] + $extra);
        return;
    }
    $row = $base + ['bytes' => $m['bytes'], 'capped' => $m['capped'], 'inner' => $m['inner']];
    if (($m['growth'] ?? 1.0) > 1.3) {
        $row['note'] = sprintf('cost grows as input^%.1f: measured on a prefix, slower on longer input', $m['growth']);
    }
    if ($matches !== null) {
        $row['matches'] = $matches($m['result']);
    }
    emit($row + $extra + stats($m['times'], $m['bytes']));
}

/** Times a build: $reps runs (1 if a run takes more than a second). */
function timeBuild(callable $build): array
{
    global $reps;
    $times = [];
    $result = null;
    try {
        for ($r = 0; $r < $reps; $r++) {
            $result = null; // free the previous one outside the timed region
            gc_collect_cycles();
            $t = hrtime(true);
            $result = $build();
            $times[] = (hrtime(true) - $t) / 1e9;
            if (end($times) > 1.0) {
                break;
            }
        }
    } catch (\Throwable $e) {
        return ['error' => get_class($e) . ': ' . $e->getMessage()];
    }
    return ['times' => $times, 'result' => $result];
}

/** A preg alternation of literal words (leftmost-first, like hayscan's default). */
function alternation(array $words): string
{
    return "\x01" . implode('|', array_map(static fn (string $w): string => preg_quote($w, "\x01"), $words)) . "\x01";
}

/** A preg alternation of regexes, each in a non-capturing group. */
function regexAlternation(array $regexes): string
{
    return "\x01" . implode('|', array_map(static fn (string $r): string => "(?:$r)", $regexes)) . "\x01";
}

/** Words longest first: an alternation in this order matches leftmost-longest, like strtr. */
function longestFirst(array $words): array
{
    usort($words, static fn (string $a, string $b): int => strlen($b) <=> strlen($a) ?: strcmp($a, $b));
    return $words;
}

/**
 * The floor under any PHP API that returns every match as an object, measured without
 * hayscan: the time to create and keep one Hit per match, from offsets already in PHP
 * arrays (texts are the pattern strings, as findAll() gives for literal matchers). No
 * binding can hand over the matches faster than this; findAll() = count() + reading the
 * batches + this.
 *
 * @param list<Hit> $hits
 * @param list<string> $pats
 * @return callable(string): list<Hit>
 */
function objectFloor(array $hits, array $pats): callable
{
    $p = array_map(static fn (Hit $h): int => $h->pattern, $hits);
    $s = array_map(static fn (Hit $h): int => $h->start, $hits);
    $e = array_map(static fn (Hit $h): int => $h->end, $hits);
    return static function (string $unused) use ($p, $s, $e, $pats): array {
        $out = [];
        for ($i = 0, $n = count($p); $i < $n; $i++) {
            $pattern = $p[$i];
            $out[] = new Hit($pattern, $s[$i], $e[$i], $pats[$pattern]);
        }
        return $out;
    };
}

// ---- memory mode -------------------------------------------------------------------------

if ($opt['memory'] !== null) {
    [$impl, $set] = explode(':', $opt['memory'], 2) + [1 => ''];
    $regex = $set === 'secrets';
    $text = load($dir, $regex ? 'log.txt' : 'english.txt');
    $pats = patterns($dir, $set);
    $base = vmKb('VmHWM:');
    $row = ['workload' => 'memory', 'impl' => $impl, 'set' => $set, 'patterns' => count($pats),
        'corpus' => $regex ? 'log' : 'english'];
    set_error_handler(static function (int $no, string $msg): bool {
        throw new \ErrorException($msg);
    });
    try {
        switch ($impl) {
            case 'hayscan':
                $m = $regex ? Matcher::regex($pats) : new Matcher($pats);
                $row += ['api' => 'new Matcher + count', 'matches' => $m->count($text), 'bytes' => strlen($text),
                    'automaton_bytes' => $m->memoryUsage()];
                break;
            case 'preg_match_all':
                $re = $regex ? regexAlternation($pats) : alternation($pats);
                $input = prefix($text, 1 << 20, $regex ? "\n" : ' ');
                $n = preg_match_all($re, $input);
                if ($n === false) {
                    throw new \RuntimeException(preg_last_error_msg());
                }
                $row += ['api' => 'preg_match_all (count)', 'matches' => $n, 'bytes' => strlen($input), 'capped' => true];
                break;
            case 'php-aho-corasick':
                $ac = new DriverAhoCorasick($pats);
                $input = prefix($text, 256 << 10, ' ');
                $row += ['api' => 'new + count', 'matches' => $ac->count($input), 'bytes' => strlen($input), 'capped' => true];
                break;
            default:
                fwrite(STDERR, "unknown implementation $impl\n");
                exit(2);
        }
    } catch (\Throwable $e) {
        emit($row + ['status' => 'error', 'reason' => $e->getMessage()]);
        exit(0);
    }
    emit($row + ['base_rss_kb' => $base, 'peak_rss_kb' => vmKb('VmHWM:')]);
    exit(0);
}

// ---- the run -----------------------------------------------------------------------------

try {
    Library::ffi();
} catch (\Throwable $e) {
    emit(['workload' => 'scan', 'impl' => 'hayscan', 'status' => 'unavailable', 'reason' => $e->getMessage()]);
    $hayscanOk = false;
}
$hayscanOk ??= true;
emit(['workload' => 'version', 'impl' => 'php', 'version' => PHP_VERSION,
    'pcre' => PCRE_VERSION, 'pcre_jit' => (bool) ini_get('pcre.jit'), 'opcache_cli' => (bool) ini_get('opcache.enable_cli'),
    'hayscan' => $hayscanOk ? Library::version() : null]);

$english = load($dir, 'english.txt');
$log = load($dir, 'log.txt');

// ---- answers without a Hit per match (issue 14) ------------------------------------------

function answersWorkload(string $dir, string $english, bool $hayscanOk): void
{
    foreach ([1000, 10000] as $n) {
        $set = "dense-$n";
        $pats = patterns($dir, $set);
        $base = ['workload' => 'answers', 'set' => $set, 'patterns' => count($pats), 'corpus' => 'english'];
        $re = alternation($pats);
        $idOf = array_flip($pats);
        $m = $hayscanOk ? new Matcher($pats) : null;

        $t = $base + ['task' => 'count_by_pattern'];
        if ($m !== null) {
            report($t + ['impl' => 'hayscan', 'api' => 'countByPattern'],
                measure(static fn (string $x) => $m->countByPattern($x), $english, false), static fn ($r) => array_sum($r));
            report($t + ['impl' => 'hayscan', 'api' => 'findAll + array_count_values'],
                measure(static fn (string $x) => array_count_values(array_map(static fn (Hit $h): int => $h->pattern, $m->findAll($x))), $english, false),
                static fn ($r) => array_sum($r));
            report($t + ['impl' => 'hayscan', 'api' => 'findAllColumns + array_count_values'],
                measure(static fn (string $x) => array_count_values($m->findAllColumns($x)['pattern']), $english, false),
                static fn ($r) => array_sum($r));
        }
        report($t + ['impl' => 'preg_match_all', 'api' => 'preg_match_all(alternation) + array_count_values'],
            measure(static function (string $x) use ($re, $idOf) {
                if (preg_match_all($re, $x, $found) === false) {
                    return false;
                }
                $counts = [];
                foreach (array_count_values($found[0]) as $word => $c) {
                    $counts[$idOf[$word]] = $c;
                }
                return $counts;
            }, $english, true), static fn ($r) => array_sum($r));

        $t = $base + ['task' => 'matching_patterns'];
        if ($m !== null) {
            report($t + ['impl' => 'hayscan', 'api' => 'matchingPatterns'],
                measure(static fn (string $x) => $m->matchingPatterns($x), $english, false), static fn ($r) => count($r));
            report($t + ['impl' => 'hayscan', 'api' => 'findAll + array_unique + sort'],
                measure(static function (string $x) use ($m) {
                    $ids = array_values(array_unique(array_map(static fn (Hit $h): int => $h->pattern, $m->findAll($x))));
                    sort($ids);
                    return $ids;
                }, $english, false), static fn ($r) => count($r));
        }
        report($t + ['impl' => 'preg_match_all', 'api' => 'preg_match_all(alternation) + array_unique'],
            measure(static function (string $x) use ($re, $idOf) {
                if (preg_match_all($re, $x, $found) === false) {
                    return false;
                }
                $ids = [];
                foreach (array_unique($found[0]) as $word) {
                    $ids[] = $idOf[$word];
                }
                sort($ids);
                return $ids;
            }, $english, true), static fn ($r) => count($r));

        $t = $base + ['task' => 'whole_words'];
        $words = implode('|', array_map(static fn (string $w): string => preg_quote($w, "\x01"), $pats));
        if ($m !== null) {
            foreach ([true, false] as $ascii) {
                $w = new Matcher($pats, ['whole_words' => true, 'ascii_classes' => $ascii]);
                report($t + ['impl' => 'hayscan', 'api' => $ascii ? "new Matcher(whole_words, ascii_classes)->count" : 'new Matcher(whole_words)->count (Unicode \w)'],
                    measure(static fn (string $x) => $w->count($x), $english, false), static fn ($r) => $r);
                $w->close();
            }
            $api = 'Matcher::regex([\b(?:...)\b], ascii_classes)->count';
            try {
                $r = Matcher::regex(['\b(?:' . $words . ')\b'], ['ascii_classes' => true, 'max_regex_states' => PHP_INT_MAX]);
                report($t + ['impl' => 'hayscan', 'api' => $api], measure(static fn (string $x) => $r->count($x), $english, true), static fn ($c) => $c);
                $r->close();
            } catch (\Hayscan\Exception $e) {
                emit($t + ['impl' => 'hayscan', 'api' => $api, 'status' => 'error', 'reason' => substr($e->getMessage(), 0, 300)]);
            }
        }
        $bre = "\x01\\b(?:" . $words . ")\\b\x01";
        report($t + ['impl' => 'preg_match_all', 'api' => 'preg_match_all(\b(?:...)\b) (count)'],
            measure(static fn (string $x) => preg_match_all($bre, $x), $english, true), static fn ($r) => $r);

        $t = $base + ['task' => 'find_all_columnar'];
        if ($m !== null) {
            report($t + ['impl' => 'hayscan', 'api' => 'findAllColumns'],
                measure(static fn (string $x) => $m->findAllColumns($x), $english, false), static fn ($r) => count($r['pattern']));
            report($t + ['impl' => 'hayscan', 'api' => 'findAll'],
                measure(static fn (string $x) => $m->findAll($x), $english, false), static fn ($r) => count($r));
        }
        report($t + ['impl' => 'preg_match_all', 'api' => 'preg_match_all(alternation, PREG_OFFSET_CAPTURE) into columns'],
            measure(static function (string $x) use ($re, $idOf) {
                if (preg_match_all($re, $x, $found, PREG_OFFSET_CAPTURE) === false) {
                    return false;
                }
                $ids = [];
                $starts = [];
                $ends = [];
                foreach ($found[0] as [$word, $at]) {
                    $ids[] = $idOf[$word];
                    $starts[] = $at;
                    $ends[] = $at + strlen($word);
                }
                return ['pattern' => $ids, 'start' => $starts, 'end' => $ends];
            }, $english, true), static fn ($r) => count($r['pattern']));
        $m?->close();
    }

    // Many ~100-byte inputs in one call (small.txt, dense-10), in ns per input.
    $small = array_values(array_filter(explode("\n", load($dir, 'small.txt')), static fn (string $s): bool => $s !== ''));
    $joined = implode('', $small); // measure() reports bytes = the inputs' total
    $words = patterns($dir, 'dense-10');
    $re = alternation($words);
    $base = ['workload' => 'answers', 'task' => 'is_match_many', 'set' => 'dense-10', 'patterns' => count($words),
        'corpus' => 'small', 'inputs' => count($small)];
    $perInput = static function (array $row, array $r) use ($small): void {
        report($row, $r, static fn ($x) => count(array_filter($x)),
            isset($r['times']) ? ['ns_per_input' => stats($r['times'])['median_s'] * 1e9 / count($small)] : []);
    };
    if ($hayscanOk) {
        $m = new Matcher($words);
        $perInput($base + ['impl' => 'hayscan', 'api' => 'isMatchMany(list)'], measure(static fn (string $u) => $m->isMatchMany($small), $joined, false));
        $perInput($base + ['impl' => 'hayscan', 'api' => 'foreach isMatch'], measure(static function (string $u) use ($m, $small): array {
            $out = [];
            foreach ($small as $s) {
                $out[] = $m->isMatch($s);
            }
            return $out;
        }, $joined, false));
        $m->close();
    }
    $perInput($base + ['impl' => 'preg_match_all', 'api' => 'foreach preg_match(alternation)'], measure(static function (string $u) use ($re, $small): array {
        $out = [];
        foreach ($small as $s) {
            $out[] = preg_match($re, $s) === 1;
        }
        return $out;
    }, $joined, false));
    $perInput($base + ['impl' => 'str_contains', 'api' => 'foreach str_contains loop'], measure(static function (string $u) use ($words, $small): array {
        $out = [];
        foreach ($small as $s) {
            $hit = false;
            foreach ($words as $w) {
                if (str_contains($s, $w)) {
                    $hit = true;
                    break;
                }
            }
            $out[] = $hit;
        }
        return $out;
    }, $joined, false));
}

if ($opt['workload'] !== null) {
    if ($opt['workload'] !== 'answers') {
        fwrite(STDERR, "unknown workload {$opt['workload']} (known: answers)\n");
        exit(2);
    }
    answersWorkload($dir, $english, $hayscanOk);
    exit(0);
}

// Building.
foreach ([...array_map(static fn (int $n): string => "dense-$n", SET_SIZES), 'secrets'] as $set) {
    $pats = patterns($dir, $set);
    $regex = $set === 'secrets';
    $base = ['workload' => 'build', 'set' => $set, 'patterns' => count($pats)];
    if ($hayscanOk) {
        $b = timeBuild(static fn () => $regex ? Matcher::regex($pats) : new Matcher($pats));
        isset($b['error']) ? emit($base + ['impl' => 'hayscan', 'api' => 'new Matcher', 'status' => 'error', 'reason' => $b['error']])
            : emit($base + ['impl' => 'hayscan', 'api' => 'new Matcher', 'automaton_bytes' => $b['result']->memoryUsage()] + stats($b['times']));
    }
    // PCRE compiles on first use (and caches the compiled pattern): time that first use.
    $re = $regex ? regexAlternation($pats) : alternation($pats);
    $warn = null;
    set_error_handler(static function (int $no, string $msg) use (&$warn): bool {
        $warn = $msg;
        return true;
    });
    $t = hrtime(true);
    $ok = preg_match($re, '');
    $dt = (hrtime(true) - $t) / 1e9;
    restore_error_handler();
    $ok === false ? emit($base + ['impl' => 'preg_match_all', 'api' => 'first preg_match (compiles)', 'status' => 'error', 'reason' => $warn ?? preg_last_error_msg()])
        : emit($base + ['impl' => 'preg_match_all', 'api' => 'first preg_match (compiles)'] + stats([$dt]));
    if (!$regex) {
        $b = timeBuild(static fn () => new DriverAhoCorasick($pats));
        isset($b['error']) ? emit($base + ['impl' => 'php-aho-corasick', 'api' => 'new', 'status' => 'error', 'reason' => $b['error']])
            : emit($base + ['impl' => 'php-aho-corasick', 'api' => 'new'] + stats($b['times']));
    }
}

// Scanning literal sets.
foreach (['sparse', 'dense'] as $density) {
    foreach (SET_SIZES as $n) {
        $set = "$density-$n";
        $pats = patterns($dir, $set);
        $base = ['workload' => 'scan', 'set' => $set, 'patterns' => $n, 'corpus' => 'english'];
        if ($hayscanOk) {
            $m = new Matcher($pats);
            $lf = ['impl' => 'hayscan', 'semantics' => 'leftmost-first'];
            report($base + $lf + ['api' => 'count'], measure(static fn (string $t) => $m->count($t), $english, false), static fn ($r) => $r);
            report($base + $lf + ['api' => 'findAll'], measure(static fn (string $t) => $m->findAll($t), $english, false), static fn ($r) => count($r));
            if ($density === 'dense') {
                $floor = objectFloor($m->findAll($english), $pats);
                report($base + ['impl' => 'floor', 'api' => 'Hit objects alone', 'semantics' => 'leftmost-first'],
                    measure($floor, $english, false), static fn ($r) => count($r));
                unset($floor);
            }
            report($base + $lf + ['api' => 'scan(callback)'], measure(static function (string $t) use ($m): int {
                $seen = 0;
                $m->scan($t, static function (Hit $h) use (&$seen): void {
                    $seen++;
                });
                return $seen;
            }, $english, false), static fn ($r) => $r);
            $m->close();
            $o = new Matcher($pats, ['match_kind' => 'overlapping']);
            report($base + ['impl' => 'hayscan', 'semantics' => 'overlapping', 'api' => 'count'],
                measure(static fn (string $t) => $o->count($t), $english, false), static fn ($r) => $r);
            $o->close();
        }
        $re = alternation($pats);
        report($base + ['impl' => 'preg_match_all', 'api' => 'alternation, PREG_OFFSET_CAPTURE', 'semantics' => 'leftmost-first'],
            measure(static fn (string $t) => preg_match_all($re, $t, $found, PREG_OFFSET_CAPTURE), $english, true), static fn ($r) => $r);
        $ac = new DriverAhoCorasick($pats);
        report($base + ['impl' => 'php-aho-corasick', 'api' => 'count', 'semantics' => 'overlapping'],
            measure(static fn (string $t) => $ac->count($t), $english, true), static fn ($r) => $r);
        report($base + ['impl' => 'php-aho-corasick', 'api' => 'search', 'semantics' => 'overlapping'],
            measure(static fn (string $t) => $ac->search($t), $english, true), static fn ($r) => count($r));
        unset($ac);
    }
}

// Regexes over the log corpus.
$secrets = patterns($dir, 'secrets');
$base = ['workload' => 'regex', 'set' => 'secrets', 'patterns' => count($secrets), 'corpus' => 'log', 'semantics' => 'leftmost-first'];
if ($hayscanOk) {
    $m = Matcher::regex($secrets);
    report($base + ['impl' => 'hayscan', 'api' => 'count'], measure(static fn (string $t) => $m->count($t), $log, false), static fn ($r) => $r);
    report($base + ['impl' => 'hayscan', 'api' => 'findAll'], measure(static fn (string $t) => $m->findAll($t), $log, false), static fn ($r) => count($r));
    $m->close();
}
$re = regexAlternation($secrets);
report($base + ['impl' => 'preg_match_all', 'api' => 'alternation, PREG_OFFSET_CAPTURE'],
    measure(static fn (string $t) => preg_match_all($re, $t, $found, PREG_OFFSET_CAPTURE), $log, true, "\n"), static fn ($r) => $r);

// Replacing: leftmost-longest (strtr's rule); pattern i becomes "<i>".
foreach (SET_SIZES as $n) {
    $set = "dense-$n";
    $pats = patterns($dir, $set);
    $with = array_map(static fn (int $i): string => "<$i>", array_keys($pats));
    $base = ['workload' => 'replace', 'set' => $set, 'patterns' => $n, 'corpus' => 'english', 'semantics' => 'leftmost-longest'];
    $hayscanOut = null;
    if ($hayscanOk) {
        $m = new Matcher($pats, ['match_kind' => 'leftmost_longest']);
        $r = measure(static fn (string $t) => $m->replaceAll($t, $with), $english, false);
        $hayscanOut = $r['result'] ?? null;
        report($base + ['impl' => 'hayscan', 'api' => 'replaceAll(list)'], $r, null,
            isset($r['result']) ? ['result_bytes' => strlen($r['result']), 'matches' => $m->count($english)] : []);
        $m->close();
    }
    $map = array_combine($pats, $with);
    $r = measure(static fn (string $t) => strtr($t, $map), $english, true);
    $extra = isset($r['result']) ? ['result_bytes' => strlen($r['result'])] : [];
    if (isset($r['result']) && $hayscanOut !== null && !$r['capped']) {
        $extra['same_result_as_hayscan'] = $r['result'] === $hayscanOut;
    }
    report($base + ['impl' => 'strtr', 'api' => 'strtr(array)'], $r, null, $extra);
}

// One call per ~100-byte input.
$small = array_values(array_filter(explode("\n", load($dir, 'small.txt')), static fn (string $s): bool => $s !== ''));
$calls = (int) $opt['calls'];
$words = patterns($dir, 'dense-10');
$bytes = 0;
for ($i = 0; $i < $calls; $i++) {
    $bytes += strlen($small[$i % count($small)]);
}
$base = ['workload' => 'is_match', 'set' => 'dense-10', 'patterns' => count($words), 'corpus' => 'small', 'calls' => $calls, 'bytes' => $bytes];
// Slow sides make fewer calls (at least 1,000): about 4 budgets per repetition.
$loop = static function (callable $test) use ($small, $calls): array {
    global $reps, $budget;
    $n = count($small);
    $t = hrtime(true);
    for ($i = 0; $i < 1000; $i++) {
        $test($small[$i % $n]);
    }
    $perCall = (hrtime(true) - $t) / 1e9 / 1000;
    $count = min($calls, max(1000, (int) (4 * $budget / max($perCall, 1e-9))));
    $times = [];
    $hits = 0;
    for ($r = 0; $r < $reps; $r++) {
        $hits = 0;
        $t = hrtime(true);
        for ($i = 0; $i < $count; $i++) {
            $hits += $test($small[$i % $n]) ? 1 : 0;
        }
        $times[] = (hrtime(true) - $t) / 1e9;
    }
    $sideBytes = 0;
    for ($i = 0; $i < $count; $i++) {
        $sideBytes += strlen($small[$i % $n]);
    }
    return ['calls' => $count, 'bytes' => $sideBytes, 'capped' => $count < $calls, 'matches' => $hits] + stats($times, $sideBytes, $count);
};
// The loop itself: a closure call per input, whose cost every row below includes.
emit(['impl' => 'baseline', 'api' => 'empty closure'] + $loop(static fn (string $s): bool => $s === '') + $base);
if ($hayscanOk) {
    $m = new Matcher($words);
    emit(['impl' => 'hayscan', 'api' => 'isMatch'] + $loop(static fn (string $s): bool => $m->isMatch($s)) + $base);
}
$re = alternation($words);
emit(['impl' => 'preg_match_all', 'api' => 'preg_match(alternation)'] + $loop(static fn (string $s): bool => preg_match($re, $s) === 1) + $base);
emit(['impl' => 'str_contains', 'api' => 'str_contains loop'] + $loop(static function (string $s) use ($words): bool {
    foreach ($words as $w) {
        if (str_contains($s, $w)) {
            return true;
        }
    }
    return false;
}) + $base);

answersWorkload($dir, $english, $hayscanOk);
