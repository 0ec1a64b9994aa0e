//! Patterns to `Hir`, once per pattern, with hayscan's syntax options.
//!
//! Every strategy of the regex engine works on the parsed `Hir` (factor extraction, length
//! bounds, the automata themselves are built from it), so a pattern is parsed exactly once
//! and its syntax error carries its index.
//!
//! `ascii_classes` gives `\w \d \s` and `\b \B` their ASCII meaning, as in RE2 (Go),
//! PCRE and Hyperscan, for rulesets written for those engines. regex-syntax has no switch
//! for "ASCII Perl classes, Unicode everything else", so it is done in two places: Perl
//! classes are rewritten in the AST to the equivalent POSIX classes (`\w` becomes
//! `[[:word:]]`, `\W` becomes `[^[:word:]]`: in Unicode mode the negation covers every
//! non-word character, not only ASCII bytes, so UTF-8 mode stays valid), and word-boundary
//! assertions are swapped for their ASCII forms in the `Hir`. Case-insensitivity and
//! everything else stay Unicode-aware.

use regex_syntax::ast::{self, Ast, ClassAsciiKind, ClassPerlKind, ClassSet, ClassSetItem};
use regex_syntax::hir::{self, Hir, HirKind, Look};

use super::factors::{class_bytes, ByteSet};
use crate::Error;

/// How patterns are parsed (the `Options` that concern syntax).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SyntaxOptions {
    pub case_insensitive: bool,
    pub ascii_classes: bool,
}

/// Parses pattern `index`.
pub(crate) fn parse(index: usize, pattern: &[u8], opts: SyntaxOptions) -> Result<Hir, Error> {
    let invalid = |message: String| Error::InvalidPattern { index, message };
    let text = std::str::from_utf8(pattern)
        .map_err(|e| invalid(format!("regex pattern is not valid UTF-8: {e}")))?;
    let mut tree = ast::parse::ParserBuilder::new()
        .build()
        .parse(text)
        .map_err(|e| invalid(e.to_string()))?;
    if opts.ascii_classes {
        ascii_perl_classes(&mut tree);
    }
    let hir = hir::translate::TranslatorBuilder::new()
        .case_insensitive(opts.case_insensitive)
        .build()
        .translate(text, &tree)
        .map_err(|e| invalid(e.to_string()))?;
    Ok(if opts.ascii_classes {
        ascii_word_boundaries(hir)
    } else {
        hir
    })
}

/// Rewrites `\d \s \w` (and their negations) to the POSIX classes of the same ASCII sets.
fn ascii_perl_classes(node: &mut Ast) {
    match node {
        Ast::ClassPerl(perl) => {
            let item = ClassSetItem::Ascii(ascii_of(perl));
            *node = Ast::class_bracketed(ast::ClassBracketed {
                span: perl.span,
                negated: false,
                kind: ClassSet::Item(item),
            });
        }
        Ast::ClassBracketed(class) => ascii_class_set(&mut class.kind),
        Ast::Repetition(rep) => ascii_perl_classes(&mut rep.ast),
        Ast::Group(group) => ascii_perl_classes(&mut group.ast),
        Ast::Alternation(alt) => alt.asts.iter_mut().for_each(ascii_perl_classes),
        Ast::Concat(cat) => cat.asts.iter_mut().for_each(ascii_perl_classes),
        Ast::Empty(_)
        | Ast::Flags(_)
        | Ast::Literal(_)
        | Ast::Dot(_)
        | Ast::Assertion(_)
        | Ast::ClassUnicode(_) => {}
    }
}

fn ascii_class_set(set: &mut ClassSet) {
    match set {
        ClassSet::Item(item) => ascii_class_item(item),
        ClassSet::BinaryOp(op) => {
            ascii_class_set(&mut op.lhs);
            ascii_class_set(&mut op.rhs);
        }
    }
}

fn ascii_class_item(item: &mut ClassSetItem) {
    match item {
        ClassSetItem::Perl(perl) => *item = ClassSetItem::Ascii(ascii_of(perl)),
        ClassSetItem::Bracketed(class) => ascii_class_set(&mut class.kind),
        ClassSetItem::Union(union) => union.items.iter_mut().for_each(ascii_class_item),
        ClassSetItem::Empty(_)
        | ClassSetItem::Literal(_)
        | ClassSetItem::Range(_)
        | ClassSetItem::Ascii(_)
        | ClassSetItem::Unicode(_) => {}
    }
}

fn ascii_of(perl: &ast::ClassPerl) -> ast::ClassAscii {
    ast::ClassAscii {
        span: perl.span,
        kind: match perl.kind {
            ClassPerlKind::Digit => ClassAsciiKind::Digit,
            ClassPerlKind::Space => ClassAsciiKind::Space,
            ClassPerlKind::Word => ClassAsciiKind::Word,
        },
        negated: perl.negated,
    }
}

/// Swaps every Unicode word-boundary assertion for its ASCII form.
fn ascii_word_boundaries(node: Hir) -> Hir {
    match node.into_kind() {
        HirKind::Look(look) => Hir::look(match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordUnicodeNegate => Look::WordAsciiNegate,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            other => other,
        }),
        HirKind::Repetition(rep) => Hir::repetition(hir::Repetition {
            sub: Box::new(ascii_word_boundaries(*rep.sub)),
            ..rep
        }),
        HirKind::Capture(cap) => Hir::capture(hir::Capture {
            sub: Box::new(ascii_word_boundaries(*cap.sub)),
            ..cap
        }),
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(ascii_word_boundaries).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.into_iter().map(ascii_word_boundaries).collect())
        }
        kind @ (HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_)) => match kind {
            HirKind::Empty => Hir::empty(),
            HirKind::Literal(lit) => Hir::literal(lit.0),
            HirKind::Class(class) => Hir::class(class),
            _ => unreachable!("matched above"),
        },
    }
}

/// The same pattern with ASCII word boundaries: on text whose neighbourhood is all ASCII
/// it matches exactly what the pattern matches, and a lazy DFA can run it without
/// quitting at non-ASCII bytes (Unicode `\b` makes it give up there).
pub(crate) fn ascii_twin(hir: &Hir) -> Option<Hir> {
    has_unicode_word_look(hir).then(|| ascii_word_boundaries(hir.clone()))
}

fn has_unicode_word_look(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => matches!(
            look,
            Look::WordUnicode
                | Look::WordUnicodeNegate
                | Look::WordStartUnicode
                | Look::WordEndUnicode
                | Look::WordStartHalfUnicode
                | Look::WordEndHalfUnicode
        ),
        HirKind::Repetition(rep) => has_unicode_word_look(&rep.sub),
        HirKind::Capture(cap) => has_unicode_word_look(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().any(has_unicode_word_look)
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => false,
    }
}

/// True if `hir` has an unbounded repetition of something that can match `\n` (`\s*`,
/// `[\s\S]*?`, `(?s:.)+`): a search may then run to the end of the text.
pub(crate) fn has_unbounded_newline_repetition(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Literal(_) | HirKind::Class(_) => false,
        HirKind::Repetition(rep) => {
            (rep.max.is_none() && can_match_newline(&rep.sub))
                || has_unbounded_newline_repetition(&rep.sub)
        }
        HirKind::Capture(cap) => has_unbounded_newline_repetition(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().any(has_unbounded_newline_repetition)
        }
    }
}

/// True if `hir` has an unbounded repetition of something that can match `\n` and most
/// other bytes (`[\s\S]*?`, `(?s:.)+`, `[^x]*`), not only white space (`\s+`): an anchored
/// search from a point can then read to the end of the text. Through `\s+` it reads one
/// run of white space, which only hits a bounded distance before that run share, as they
/// share a run of `\S+` (accepted for anchored windows).
pub(crate) fn has_unbounded_wide_repetition(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Literal(_) | HirKind::Class(_) => false,
        HirKind::Repetition(rep) => {
            let wide = || {
                let bytes = bytes_of(&rep.sub);
                bytes.contains(b'\n') && (0u8..0x80).filter(|&b| bytes.contains(b)).count() > 32
            };
            (rep.max.is_none() && wide()) || has_unbounded_wide_repetition(&rep.sub)
        }
        HirKind::Capture(cap) => has_unbounded_wide_repetition(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().any(has_unbounded_wide_repetition)
        }
    }
}

/// Every byte some match of `hir` can contain.
fn bytes_of(hir: &Hir) -> ByteSet {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => ByteSet::default(),
        HirKind::Literal(lit) => {
            let mut set = ByteSet::default();
            for &b in lit.0.iter() {
                set.insert_range(b, b);
            }
            set
        }
        HirKind::Class(c) => class_bytes(c),
        HirKind::Repetition(rep) => bytes_of(&rep.sub),
        HirKind::Capture(cap) => bytes_of(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs
            .iter()
            .fold(ByteSet::default(), |acc, s| acc.union(bytes_of(s))),
    }
}

/// True if some match of `hir` can contain the byte `\n`.
pub(crate) fn can_match_newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(lit) => lit.0.contains(&b'\n'),
        HirKind::Class(hir::Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(hir::Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Repetition(rep) => rep.max != Some(0) && can_match_newline(&rep.sub),
        HirKind::Capture(cap) => can_match_newline(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(can_match_newline),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(ascii: bool) -> SyntaxOptions {
        SyntaxOptions {
            case_insensitive: false,
            ascii_classes: ascii,
        }
    }

    fn matches(pattern: &str, ascii: bool, hay: &str) -> bool {
        let hir = parse(0, pattern.as_bytes(), opts(ascii)).unwrap();
        regex_automata::meta::Regex::builder()
            .build_from_hir(&hir)
            .unwrap()
            .is_match(hay)
    }

    #[test]
    fn ascii_classes_give_perl_classes_their_ascii_meaning() {
        for (pattern, hay, unicode, ascii) in [
            (r"^\w$", "é", true, false),
            (r"^\W$", "é", false, true),
            (r"^\d$", "٣", true, false),
            (r"^\D$", "٣", false, true),
            (r"^\s$", "\u{2003}", true, false),
            (r"^[\w.]+$", "aé", true, false),
            (r"^[^\w]$", "é", false, true),
            (r"^[\d&&[^5]]$", "٣", true, false),
            (r"x\b", "xé", false, true),
            (r"x\B", "xé", true, false),
            (r"^\w+$", "abc_9", true, true),
        ] {
            assert_eq!(
                matches(pattern, false, hay),
                unicode,
                "{pattern} on {hay:?}"
            );
            assert_eq!(
                matches(pattern, true, hay),
                ascii,
                "{pattern} (ascii) on {hay:?}"
            );
        }
    }

    #[test]
    fn errors_carry_the_index_and_the_parsers_message() {
        let Err(Error::InvalidPattern { index, message }) = parse(7, b"(a", opts(true)) else {
            panic!("expected an invalid pattern");
        };
        assert_eq!(index, 7);
        assert!(message.contains("unclosed group"), "{message}");
        assert!(matches!(
            parse(1, b"\xff", opts(false)),
            Err(Error::InvalidPattern { index: 1, .. })
        ));
    }

    #[test]
    fn newline_reachability() {
        let hir = |p: &str| parse(0, p.as_bytes(), opts(false)).unwrap();
        let nl = |p: &str| can_match_newline(&hir(p));
        assert!(nl(r"a\sb"));
        assert!(nl(r"(?s)a.b"));
        assert!(nl(r"[^x]"));
        assert!(!nl(r"a.b"));
        assert!(!nl(r"[a-z]+\b"));
        assert!(!nl(r"a(?:\n){0}"));
        let far = |p: &str| has_unbounded_newline_repetition(&hir(p));
        assert!(far(r"BEGIN[\s\S]*?END"));
        assert!(far(r"a(?:x|\s+)b"));
        assert!(!far(r"a\s{0,3}[a-z]+"));
        assert!(!far(r"curl.*x"));
        let wide = |p: &str| has_unbounded_wide_repetition(&hir(p));
        assert!(wide(r"BEGIN[\s\S]*?END"));
        assert!(wide(r"(?s)a.+"));
        assert!(wide(r"a[^x]*"));
        assert!(!wide(r"a(?:x|\s+)b"));
        assert!(!wide(r"data:\s+[a-z]+:\S+"));
        assert!(!wide(r"a\s{0,3}[a-z]+"));
        assert!(!wide(r"(?s)a.{0,200}b"));
    }
}
