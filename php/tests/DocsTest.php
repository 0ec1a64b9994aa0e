<?php

declare(strict_types=1);

namespace Hayscan\Tests;

use Hayscan\Tests\Support\Php;
use PHPUnit\Framework\TestCase;

/**
 * Keeps docs/php.md honest: every complete example (a ```php block followed by "prints"
 * and/or an `<!-- output -->` marker, then its output block) runs in a child process and must print exactly that.
 */
final class DocsTest extends TestCase
{
    private static function doc(): string
    {
        return dirname(__DIR__, 2) . '/docs/php.md';
    }

    /** @return iterable<string, array{string, string}> */
    public static function examples(): iterable
    {
        $text = (string) file_get_contents(self::doc());
        // Fenced blocks in order: language, body, and the text between it and the next block.
        preg_match_all('/^```(\w*)\n(.*?)^```\n/ms', $text, $blocks, PREG_SET_ORDER | PREG_OFFSET_CAPTURE);
        foreach ($blocks as $i => [[$whole, $at], [$lang], [$code]]) {
            $next = $blocks[$i + 1] ?? null;
            if ($lang !== 'php' || $next === null) {
                continue;
            }
            $between = substr($text, $at + strlen($whole), $next[0][1] - $at - strlen($whole));
            // "prints", or scripts/check-docs.py's <!-- output --> marker, or both.
            $words = trim((string) preg_replace('/<!--.*?-->/s', '', $between));
            $marked = str_contains($between, '<!-- output -->');
            if (($words === 'prints' || ($words === '' && $marked)) && $next[1][0] === '') {
                $line = substr_count($text, "\n", 0, $at) + 1;
                yield "docs/php.md line $line" => [$code, $next[2][0]];
            }
        }
    }

    public function testTheDocHasRunnableExamples(): void
    {
        self::assertNotEmpty(iterator_to_array(self::examples()), 'no ```php block followed by "prints" or <!-- output --> in docs/php.md');
    }

    /** @dataProvider examples */
    public function testExamplePrintsWhatTheDocSays(string $code, string $output): void
    {
        // Php::run supplies the opening tag, strict_types and the autoloader.
        $code = (string) preg_replace('/\A<\?php\s*(declare\(strict_types=1\);\s*)?/', '', $code);
        [$status, $out, $err] = Php::run($code . "\nif (Hayscan\\Library::liveObjects() !== 0) { fwrite(STDERR, 'leaked native objects'); exit(1); }\n");
        self::assertSame('', $err);
        self::assertSame(0, $status, $out);
        self::assertSame($output, $out);
    }
}
