<?php

// The page PreloadTest requests from `php -S` with opcache preloading and
// ffi.enable=preload, and also runs in the CLI to compare: it exercises the whole API as
// user code (not preloaded, so it may not call FFI itself) and prints the results as JSON.

declare(strict_types=1);

use Hayscan\ClosedException;
use Hayscan\Hit;
use Hayscan\InvalidPatternException;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\Stream;

if (!class_exists(Matcher::class, false)) {
    // Not preloaded (the CLI comparison run, or a misconfigured server).
    require dirname(__DIR__, 2) . '/autoload.php';
}

header('Content-Type: application/json');

$env = [
    'sapi' => PHP_SAPI,
    'ffi_enable' => ini_get('ffi.enable'),
];
try {
    FFI::cdef('int abs(int);');
    $env['cdef_restricted'] = false;
} catch (FFI\Exception $e) {
    $env['cdef_restricted'] = str_contains($e->getMessage(), 'ffi.enable');
}
$status = function_exists('opcache_get_status') ? opcache_get_status(false) : false;
$env['preloaded'] = is_array($status) ? array_values(array_filter(
    $status['preload_statistics']['classes'] ?? [],
    static fn (string $c): bool => str_starts_with($c, 'Hayscan\\'),
)) : [];

$row = static fn (?Hit $h): ?array => $h === null ? null : [$h->pattern, $h->start, $h->end, $h->text];
$r = [];
try {
    $live = Library::liveObjects();
    $m = new Matcher(['fox', 'dog', 'the'], ['case_insensitive' => true]);
    $text = 'The quick brown fox jumps over the lazy dog';
    $r['isMatch'] = $m->isMatch($text);
    $r['find'] = $row($m->find($text));
    $r['findAll'] = array_map($row, $m->findAll($text));
    $r['count'] = $m->count($text);
    $seen = [];
    $r['scan'] = $m->scan($text, static function (Hit $h) use (&$seen) {
        $seen[] = $h->text;
        return count($seen) < 3 ? null : false;
    });
    $r['scanned'] = $seen;
    $thrown = new RuntimeException('from a callback');
    try {
        $m->scan($text, static function () use ($thrown): void {
            throw $thrown;
        });
    } catch (RuntimeException $caught) {
        $r['rethrown'] = $caught === $thrown;
    }
    $r['matches'] = [];
    foreach ($m->matches($text) as $i => $hit) {
        $r['matches'][] = $row($hit);
        if ($i === 1) {
            break;
        }
    }
    $r['replaceAll'] = $m->replaceAll($text, ['cat', 'bird', 'a']);
    $r['replaceAllOne'] = $m->replaceAll($text, '_');
    $r['replaceWith'] = $m->replaceWith($text, static fn (Hit $h): string => strrev((string) $h->text));

    $stream = $m->stream();
    $got = [];
    $id = $stream->on(static function (Hit $h) use (&$got): void {
        $got[] = [$h->pattern, $h->start, $h->end];
    });
    $stream->on(static function (Hit $h) use (&$got): void {
        $got[] = 'dog';
    }, [1]);
    foreach (str_split($text, 5) as $chunk) {
        $stream->feed($chunk);
    }
    $stream->finish();
    $stream->off($id);
    $stream->close();
    $r['stream'] = $got;
    $r['released'] = Stream::releaseStats();

    try {
        Matcher::regex(['\w+', '[z-a]']);
    } catch (InvalidPatternException $e) {
        $r['invalidPattern'] = $e->getPatternIndex();
    }
    $secrets = Matcher::regex(['AKIA[0-9A-Z]{16}', '\b\d{3}-\d{2}-\d{4}\b']);
    $r['regex'] = array_map($row, $secrets->findAll("key=AKIAABCDEFGHIJKLMNOP ssn 123-45-6789\0"));
    $kv = Matcher::regex(['(?P<key>\w+)=(?P<value>\w+)?;'], ['ascii_classes' => true]);
    $kvText = 'é=1; ab=; cd=2;';
    $r['captures'] = array_map(static fn ($h) => $kv->captures($kvText, $h)->toArray(), $kv->findAll($kvText));
    $r['groupNames'] = $kv->groupNames(0);
    $kv->close();
    $m->close();
    try {
        $m->isMatch('x');
    } catch (ClosedException $e) {
        $r['closed'] = $e->getMessage();
    }
    unset($m, $secrets, $stream);
    $r['leaked'] = Library::liveObjects() - $live;
    $env['via'] = Library::loadedVia();
} catch (Hayscan\Exception $e) {
    $r['error'] = get_class($e) . ': ' . $e->getMessage();
}

echo json_encode(['env' => $env, 'results' => $r], JSON_PRETTY_PRINT | JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
