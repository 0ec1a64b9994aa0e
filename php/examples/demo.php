<?php

// hayscan from PHP, on real data: the words of /usr/share/dict/words found in the text of
// the GNU GPL v3 (/usr/share/common-licenses/GPL-3 on Debian). Run: php/scripts/demo.sh
// (or `php php/examples/demo.php [WORDS] [TEXT]` once libhayscan is built).

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';

use Hayscan\Hit;
use Hayscan\InvalidPatternException;
use Hayscan\Library;
use Hayscan\Matcher;
use Hayscan\MatchKind;

$wordsFile = $argv[1] ?? '/usr/share/dict/words';
$textFile = $argv[2] ?? '/usr/share/common-licenses/GPL-3';
foreach ([$wordsFile, $textFile] as $file) {
    if (!is_readable($file)) {
        fwrite(STDERR, "cannot read $file (Debian: apt-get install wamerican base-files)\n");
        exit(1);
    }
}
$text = (string) file_get_contents($textFile);

/** Line and column (1-based, bytes) of a byte offset, for printing. */
$where = static function (int $offset) use ($text): string {
    $before = substr($text, 0, $offset);
    $line = substr_count($before, "\n") + 1;
    $column = $offset - (int) strrpos("\n" . $before, "\n") + 1;
    return sprintf('%d:%d', $line, $column);
};

printf("hayscan %s (ABI %d) via PHP %s FFI, library %s\n\n", Library::version(), Library::abiVersion(), PHP_VERSION, Library::libraryPath());

// 1. Tens of thousands of keywords, one pass.
$words = array_values(array_filter(
    array_map('trim', file($wordsFile) ?: []),
    static fn (string $w): bool => strlen($w) >= 9 && !str_contains($w, "'"),
));
$t = hrtime(true);
$dict = new Matcher($words, ['match_kind' => MatchKind::LeftmostLongest, 'case_insensitive' => true]);
printf("1. Built a matcher of %s dictionary words (9+ letters) in %.1f ms (%s KiB of automaton).\n",
    number_format(count($words)), (hrtime(true) - $t) / 1e6, number_format(intdiv($dict->memoryUsage(), 1024)));
printf("   %s: %s bytes, %d matches. The scan callback sees the first ones:\n", $textFile, number_format(strlen($text)), $dict->count($text));
$perWord = [];
$shown = 0;
$dict->scan($text, static function (Hit $hit) use ($words, $where, &$perWord, &$shown): void {
    $perWord[$words[$hit->pattern]] = ($perWord[$words[$hit->pattern]] ?? 0) + 1;
    if ($shown++ < 6) {
        printf("   - pattern #%d %-16s at bytes [%d, %d) line:col %s, text %s\n",
            $hit->pattern, json_encode($words[$hit->pattern]), $hit->start, $hit->end, $where($hit->start), json_encode($hit->text));
    }
});
arsort($perWord);
echo '   Most frequent: ';
echo implode(', ', array_map(static fn (string $w, int $n): string => "$w ×$n", array_keys(array_slice($perWord, 0, 6)), array_slice($perWord, 0, 6))), "\n\n";

// 2. Redaction with a callback that chooses each replacement.
$redact = new Matcher(['copyright', 'license', 'warranty', 'software'], ['case_insensitive' => true]);
$paragraph = substr($text, (int) strpos($text, '  THERE IS NO WARRANTY'), 330);
echo "2. replaceWith() on the warranty clause; the callback picks each replacement:\n";
$n = 0;
$redacted = $redact->replaceWith($paragraph, static function (Hit $hit) use (&$n): string {
    $n++;
    echo "   callback: pattern $hit->pattern matched " . json_encode($hit->text) . " at byte $hit->start\n";
    return '[' . str_repeat('█', strlen((string) $hit->text)) . ']';
});
echo "   Result ($n replacements):\n", preg_replace('/^/m', '   | ', $redacted), "\n\n";

// 3. Regexes, pulled lazily with a generator; break stops the native iterator at once.
$secrets = Matcher::regex(['https?://[^\s>]+', '[A-Za-z0-9.]+@[a-z0-9.]+\.[a-z]+', '\b(?:19|20)\d\d\b']);
echo "3. Regexes (URL, e-mail, year) through matches(), stopping after 6:\n";
foreach ($secrets->matches($text) as $i => $hit) {
    printf("   - #%d regex %d at %s: %s\n", $i, $hit->pattern, $where($hit->start), $hit->text);
    if ($i === 5) {
        break;
    }
}
try {
    Matcher::regex(['ok', 'bad[']);
} catch (InvalidPatternException $e) {
    printf("   An invalid regex is reported with its index: pattern %d (%s)\n\n", $e->getPatternIndex(), strtok($e->getMessage(), "\n"));
}

// 4. A stream over the file read in small chunks: matches across chunk edges included.
$stream = $dict->stream();
$fromStream = 0;
$chosen = array_keys(array_intersect($words, ['copyright', 'infringement', 'warranties', 'modification']));
$stream->on(static function (Hit $hit) use (&$fromStream): void {
    $fromStream++;
});
$printer = $stream->on(static function (Hit $hit) use ($words, $text, $where): void {
    printf("   - %-14s at %s (byte %d, checked against the file: %s)\n", $words[$hit->pattern], $where($hit->start), $hit->start,
        strcasecmp(substr($text, $hit->start, $hit->end - $hit->start), $words[$hit->pattern]) === 0 ? 'yes' : 'NO');
}, $chosen);
printf("4. Streaming %s in 1000-byte chunks; a handler registered for pattern ids %s (%s) prints its first matches:\n",
    $textFile, implode(', ', $chosen), implode(', ', array_map(static fn (int $id): string => $words[$id], $chosen)));
$fh = fopen($textFile, 'rb');
$chunks = 0;
$stopPrinting = false;
while (($chunk = fread($fh, 1000)) !== false && $chunk !== '') {
    $stream->feed($chunk);
    $chunks++;
    if ($chunks === 6 && !$stopPrinting) {
        $stopPrinting = true;
        echo "   (... printing stops here; the counting handler keeps going)\n";
        $stream->off($printer);
    }
}
fclose($fh);
$stream->finish();
$stream->close();
printf("   %d chunks, %d matches from the stream = %d from one whole-text count(): %s\n\n", $chunks, $fromStream, $dict->count($text), $fromStream === $dict->count($text) ? 'same' : 'DIFFERENT');

// 5. An exception thrown in a callback stops the scan and reaches the caller unchanged.
echo "5. A callback that throws on its third match:\n";
$seen = 0;
try {
    $dict->scan($text, static function (Hit $hit) use (&$seen): void {
        echo "   callback sees match at byte $hit->start: $hit->text\n";
        if (++$seen === 3) {
            throw new RuntimeException("stop at byte $hit->start");
        }
    });
} catch (RuntimeException $e) {
    echo '   caught after the scan returned: ', $e->getMessage(), "\n";
}

$dict->close();
$redact->close();
$secrets->close();
printf("\nNative objects still alive: %d\n", Library::liveObjects());
