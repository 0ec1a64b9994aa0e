<?php

// Served by php-fpm in FpmTest: ?kind= chooses how this request dies (or "live" to report
// the worker's native object count). Every kind builds native objects first.

declare(strict_types=1);

require dirname(__DIR__, 2) . '/autoload.php';

use Hayscan\Hit;
use Hayscan\Library;
use Hayscan\Matcher;

$kind = (string) ($_GET['kind'] ?? 'live');
if ($kind === 'live') {
    gc_collect_cycles();
    preg_match('/^VmRSS:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $rss);
    echo 'live=', Library::liveObjects(), ' pid=', getmypid(), ' via=', Library::loadedVia(), ' rss=', $rss[1] ?? -1;
    return;
}

$m = isset($_GET['big']) ? new Matcher(['a', 'b', ...array_map(static fn (int $i): string => "kw$i", range(1, 5000))]) : new Matcher(['a', 'b']);
$other = Matcher::regex(['\d+']);
$iter = $other->matches('1 2 3');
$iter->current();                           // a native iterator held by a suspended generator
$hog = static function (): never {
    $keep = [];
    while (true) {
        $keep[] = str_repeat('x', 1 << 20);
    }
};
$spin = static function (): never {
    while (true) {
        hash('sha256', 'spin');
    }
};
switch ($kind) {
    case 'exit-scan':
        $m->scan('a b a', static function (Hit $h): void {
            exit(0);
        });
        break;
    case 'die-replace':
        $m->replaceWith('a b a', static function (Hit $h): string {
            die('died');
        });
        break;
    case 'memory-scan':
        $m->scan('a b a', static fn () => $hog());
        break;
    case 'time-replace':
        set_time_limit(1);
        $m->replaceWith('a b a', static fn () => $spin());
        break;
    case 'memory-outside':
        $hog();
        break;
    case 'exit-nested':
        $m->scan('a', static function () use ($m, $other): void {
            $other->replaceWith('1', static function () use ($m): string {
                $m->scan('b', static function (): void {
                    exit(0);
                });
                return '';
            });
        });
        break;
    case 'exit-fiber':
        $fiber = new Fiber(static function () use ($m): void {
            $m->scan('a', static function (): void {
                exit(0);
            });
        });
        $fiber->start();
        break;
    case 'exit-stream':
        $stream = $m->stream();
        $stream->on(static function (Hit $h): void {
            exit(0);
        });
        $stream->feed('x a b a b ');
        break;
    case 'memory-stream':
        $stream = $m->stream();
        $stream->on(static fn () => $hog());
        $stream->feed('x a b a b ');
        break;
    case 'exit-scanfile':                   // not a fatal error any more: no native frame is below the callback
        $m->scanFile(__FILE__, static function (Hit $h): void {
            exit(0);
        });
        break;
    case 'memory-scanfile':
        $m->scanFile(__FILE__, static fn () => $hog());
        break;
    case 'exit-background':
        $m->scanInBackground(str_repeat('a b ', 100000), static function (Hit $h): void {
            exit(0);
        });
        break;
    case 'ok':
        echo count($m->findAll('a b')), ' ', $m->replaceAll('ab', 'x');
        break;
}
echo 'not reached for the fatal kinds';
