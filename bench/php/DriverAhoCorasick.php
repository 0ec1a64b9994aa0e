<?php

// The pure-PHP Aho-Corasick of the benchmark driver (bench/php/driver.php): what a PHP
// project without a native library writes or pulls from Packagist. A byte trie in nested
// arrays, failure links computed breadth-first, and per state the number of patterns that
// end there or at any state on its failure chain; count() reports every occurrence,
// overlapping ones included (like hayscan's overlapping match kind and Hyperscan).

declare(strict_types=1);

final class DriverAhoCorasick
{
    /** @var list<array<string, int>> goto function: state => byte => state */
    private array $goto = [[]];
    /** @var list<int> failure link of each state */
    private array $fail = [0];
    /** @var list<int> occurrences reported on entering each state */
    private array $hits = [0];

    /** @param list<string> $patterns non-empty strings */
    public function __construct(array $patterns)
    {
        foreach ($patterns as $pattern) {
            $state = 0;
            foreach (str_split($pattern) as $byte) {
                if (!isset($this->goto[$state][$byte])) {
                    $this->goto[$state][$byte] = count($this->goto);
                    $this->goto[] = [];
                    $this->fail[] = 0;
                    $this->hits[] = 0;
                }
                $state = $this->goto[$state][$byte];
            }
            $this->hits[$state]++;
        }
        $queue = array_values($this->goto[0]);
        for ($i = 0; $i < count($queue); $i++) {
            $from = $queue[$i];
            foreach ($this->goto[$from] as $byte => $to) {
                $queue[] = $to;
                $f = $this->fail[$from];
                while ($f !== 0 && !isset($this->goto[$f][$byte])) {
                    $f = $this->fail[$f];
                }
                $link = $this->goto[$f][$byte] ?? 0;
                $this->fail[$to] = $link === $to ? 0 : $link;
                $this->hits[$to] += $this->hits[$this->fail[$to]];
            }
        }
    }

    /** Number of occurrences of all patterns in $text, overlapping ones included. */
    public function count(string $text): int
    {
        $goto = $this->goto;
        $fail = $this->fail;
        $hits = $this->hits;
        $state = 0;
        $found = 0;
        $n = strlen($text);
        for ($i = 0; $i < $n; $i++) {
            $byte = $text[$i];
            while ($state !== 0 && !isset($goto[$state][$byte])) {
                $state = $fail[$state];
            }
            $state = $goto[$state][$byte] ?? 0;
            $found += $hits[$state];
        }
        return $found;
    }
}
