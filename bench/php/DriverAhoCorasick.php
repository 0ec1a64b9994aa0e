<?php

// The pure-PHP Aho-Corasick of the benchmarks (bench/php/driver.php, bench/php/bench.php):
// what a PHP project without a native library writes or pulls from Packagist. A byte trie in nested
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
    /** @var list<list<array{int, int}>> [pattern id, length] reported on entering each state */
    private array $out = [[]];

    /** @param list<string> $patterns non-empty strings */
    public function __construct(array $patterns)
    {
        foreach ($patterns as $id => $pattern) {
            $state = 0;
            foreach (str_split($pattern) as $byte) {
                if (!isset($this->goto[$state][$byte])) {
                    $this->goto[$state][$byte] = count($this->goto);
                    $this->goto[] = [];
                    $this->fail[] = 0;
                    $this->hits[] = 0;
                    $this->out[] = [];
                }
                $state = $this->goto[$state][$byte];
            }
            $this->hits[$state]++;
            $this->out[$state][] = [$id, strlen($pattern)];
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
                if ($this->out[$this->fail[$to]]) {
                    array_push($this->out[$to], ...$this->out[$this->fail[$to]]);
                }
            }
        }
    }

    /**
     * Every occurrence of every pattern in $text, overlapping ones included, ordered by end.
     *
     * @return list<array{int, int}> [pattern id, start offset]
     */
    public function search(string $text): array
    {
        $goto = $this->goto;
        $fail = $this->fail;
        $out = $this->out;
        $state = 0;
        $found = [];
        $n = strlen($text);
        for ($i = 0; $i < $n; $i++) {
            $byte = $text[$i];
            while ($state !== 0 && !isset($goto[$state][$byte])) {
                $state = $fail[$state];
            }
            $state = $goto[$state][$byte] ?? 0;
            foreach ($out[$state] as [$id, $len]) {
                $found[] = [$id, $i + 1 - $len];
            }
        }
        return $found;
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
