#!/usr/bin/env python3
r"""Spells out the ASCII meaning of `\w \d \s \b \B` in regex rules, one rule per line.

    bench/rulesets/ascii_spelled.py RULES > ORACLE_RULES

The output is what hayscan's `ascii_classes` means, written with POSIX classes and
`(?-u:\b)`, for the independent oracle of `crates/hayscan/examples/check_ruleset.rs`
(which must not share hayscan's own rewriting): `\w` becomes `[[:word:]]` (`[:word:]`
inside a bracket), `\W` `[[:^word:]]`, the same for `\d` (digit) and `\s` (space),
and `\b`/`\B` outside brackets `(?-u:\b)`/`(?-u:\B)`.
"""
import sys

PERL = {'w': 'word', 'd': 'digit', 's': 'space'}
def conv(p):
    out=[];i=0;depth=0
    while i<len(p):
        c=p[i]
        if c=='\\' and i+1<len(p):
            n=p[i+1]
            if n.lower() in PERL:
                name=PERL[n.lower()]; neg='^' if n.isupper() else ''
                out.append(f'[:{neg}{name}:]' if depth else f'[[:{neg}{name}:]]')
            elif n in 'bB' and not depth: out.append('(?-u:\\%s)'%n)
            else: out.append(p[i:i+2])
            i+=2; continue
        if c=='[':
            if depth and p[i:i+2]=='[:':
                j=p.index(':]',i); out.append(p[i:j+2]); i=j+2; continue
            depth+=1; out.append(c); i+=1
            if p[i:i+1]=='^': out.append('^'); i+=1
            if p[i:i+1]==']': out.append(']'); i+=1
            continue
        if c==']' and depth: depth-=1
        out.append(c); i+=1
    return ''.join(out)
for line in open(sys.argv[1], encoding='utf-8').read().splitlines():
    print(conv(line))
