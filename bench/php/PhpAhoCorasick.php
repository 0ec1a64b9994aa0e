<?php

// A straightforward pure-PHP Aho-Corasick automaton (what a PHP project without hayscan
// would write or pull from Packagist): a trie in nested arrays with failure links,
// reporting every (overlapping) occurrence. Used as a baseline by bench.php only.

declare(strict_types=1);

final class PhpAhoCorasick
{
    /** @var list<array<string, int>> state => byte => next state */
    private array $next = [[]];
    /** @var list<int> */
    private array $fail = [0];
    /** @var list<int> patterns ending at a state, its failure chain included */
    private array $out = [0];

    /** @param list<string> $patterns non-empty, distinct */
    public function __construct(array $patterns)
    {
        foreach ($patterns as $pattern) {
            $state = 0;
            for ($i = 0, $n = strlen($pattern); $i < $n; $i++) {
                $c = $pattern[$i];
                if (!isset($this->next[$state][$c])) {
                    $this->next[] = [];
                    $this->fail[] = 0;
                    $this->out[] = 0;
                    $this->next[$state][$c] = count($this->next) - 1;
                }
                $state = $this->next[$state][$c];
            }
            $this->out[$state]++;
        }
        $queue = array_values($this->next[0]);
        for ($head = 0; $head < count($queue); $head++) {
            $r = $queue[$head];
            foreach ($this->next[$r] as $c => $s) {
                $queue[] = $s;
                $f = $this->fail[$r];
                while ($f !== 0 && !isset($this->next[$f][$c])) {
                    $f = $this->fail[$f];
                }
                $target = $this->next[$f][$c] ?? 0;
                $this->fail[$s] = $target === $s ? 0 : $target;
                $this->out[$s] += $this->out[$this->fail[$s]];
            }
        }
    }

    /** Number of occurrences of all patterns, overlapping ones included. */
    public function count(string $text): int
    {
        $state = 0;
        $found = 0;
        $next = $this->next;
        $fail = $this->fail;
        $out = $this->out;
        for ($i = 0, $n = strlen($text); $i < $n; $i++) {
            $c = $text[$i];
            while ($state !== 0 && !isset($next[$state][$c])) {
                $state = $fail[$state];
            }
            $state = $next[$state][$c] ?? 0;
            $found += $out[$state];
        }
        return $found;
    }
}
