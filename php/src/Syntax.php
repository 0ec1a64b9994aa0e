<?php

declare(strict_types=1);

namespace Hayscan;

/** How patterns are read: the `syntax` option of {@see Matcher}. */
enum Syntax: string
{
    /** Patterns are literal byte strings (Aho-Corasick). The default. */
    case Literal = 'literal';
    /** Patterns are regular expressions (Rust `regex` syntax, must be UTF-8). */
    case Regex = 'regex';
}
