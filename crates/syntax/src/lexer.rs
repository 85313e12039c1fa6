//! Source text -> tokens. The logos lexer plus the adapter that feeds lalrpop
//! `(start, Token, end)` triples and keeps comments aside for the formatter.

use std::fmt;

use logos::Logos;

pub use crate::ast::RealLit;
use tpt_source::span::Span;

/// What went wrong while cutting the source into tokens.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum LexErrorKind {
    #[default]
    UnexpectedCharacter,
    IntegerTooLarge,
    /// A real literal whose value does not fit in a 64-bit float (it would be infinite).
    RealTooLarge,
    /// A nonzero real literal so small that it would be read as 0.
    RealTooSmall,
    UnterminatedComment,
}

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(error = LexErrorKind)]
pub enum Token {
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LineComment,
    #[regex(r"/\*([^*]|\*+[^*/])*\*+/")]
    BlockComment,
    #[token("/*")]
    UnterminatedComment,

    #[token("const")]
    Const,
    #[token("fn")]
    Fn,
    #[token("param")]
    Param,
    #[token("input")]
    Input,
    #[token("output")]
    Output,
    #[token("var")]
    Var,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("match")]
    Match,
    #[token("observe")]
    Observe,
    #[token("minimize")]
    Minimize,
    #[token("example")]
    Example,
    #[token("bool")]
    Bool,
    #[token("real")]
    Real,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice().to_string(), priority = 1)]
    Ident(String),
    #[token("_", priority = 3)]
    Underscore,
    #[regex(r"[0-9]+", parse_int)]
    Int(i64),
    /// `0.5`, `2e-3`, `1.5E+2`: a digit on both sides of the point, or an exponent.
    #[regex(r"[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+", parse_real)]
    RealLit(RealLit),

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token("=")]
    Assign,
    #[token("=>")]
    FatArrow,
    #[token("->")]
    Arrow,
    #[token("..")]
    DotDot,
    #[token("|")]
    Pipe,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("!")]
    Bang,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("&")]
    Amp,
    #[token("^")]
    Caret,
    #[token("~")]
    Tilde,
    /// `~=`: an example entry observed within a tolerance.
    #[token("~=")]
    Approx,
    /// `+-` after `~=`: the tolerance of the entry. Elsewhere `+-` stays two tokens (`a +-b` is
    /// `a + -b`); `lex` makes the one token from the two only inside a `~=` entry.
    PlusMinus,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    /// Stands in the parser's input where the lexer found an error (never produced by logos):
    /// no rule takes it, so the parser recovers there as from a syntax error.
    Invalid,
}

fn parse_int(lex: &mut logos::Lexer<Token>) -> Result<i64, LexErrorKind> {
    lex.slice().parse::<i64>().map_err(|_| LexErrorKind::IntegerTooLarge)
}

/// A real literal must be a finite number, and one written with a nonzero digit must not
/// read as 0 (so that `1e-400` is an error rather than silently zero).
fn parse_real(lex: &mut logos::Lexer<Token>) -> Result<RealLit, LexErrorKind> {
    let text = lex.slice();
    let value: f64 = text.parse().map_err(|_| LexErrorKind::UnexpectedCharacter)?;
    if !value.is_finite() {
        return Err(LexErrorKind::RealTooLarge);
    }
    let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
    if value == 0.0 && mantissa.chars().any(|c| ('1'..='9').contains(&c)) {
        return Err(LexErrorKind::RealTooSmall);
    }
    Ok(RealLit { value, text: text.to_string() })
}

impl Token {
    /// How the token is named in "expected ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(name) => format!("identifier `{name}`"),
            Token::Int(value) => format!("integer `{value}`"),
            Token::RealLit(real) => format!("real `{}`", real.text),
            Token::LineComment | Token::BlockComment => "comment".to_string(),
            Token::UnterminatedComment => "unterminated comment".to_string(),
            Token::Invalid => "invalid token".to_string(),
            other => match other.keyword_or_symbol() {
                Some(text) if text.chars().all(|c| c.is_ascii_alphabetic()) => {
                    format!("keyword `{text}`")
                }
                Some(text) => format!("`{text}`"),
                None => "token".to_string(),
            },
        }
    }

    /// The fixed text of a keyword or punctuation token.
    pub fn keyword_or_symbol(&self) -> Option<&'static str> {
        Some(match self {
            Token::Const => "const",
            Token::Fn => "fn",
            Token::Param => "param",
            Token::Input => "input",
            Token::Output => "output",
            Token::Var => "var",
            Token::For => "for",
            Token::In => "in",
            Token::If => "if",
            Token::Else => "else",
            Token::Match => "match",
            Token::Observe => "observe",
            Token::Minimize => "minimize",
            Token::Example => "example",
            Token::Bool => "bool",
            Token::Real => "real",
            Token::Underscore => "_",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::Comma => ",",
            Token::Semi => ";",
            Token::Colon => ":",
            Token::Assign => "=",
            Token::FatArrow => "=>",
            Token::Arrow => "->",
            Token::DotDot => "..",
            Token::Pipe => "|",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Percent => "%",
            Token::Bang => "!",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::Gt => ">",
            Token::Ge => ">=",
            Token::EqEq => "==",
            Token::NotEq => "!=",
            Token::AndAnd => "&&",
            Token::OrOr => "||",
            Token::Amp => "&",
            Token::Caret => "^",
            Token::Tilde => "~",
            Token::Approx => "~=",
            Token::PlusMinus => "+-",
            Token::Shl => "<<",
            Token::Shr => ">>",
            _ => return None,
        })
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A lexing failure with the bytes it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    pub kind: LexErrorKind,
    pub span: Span,
}

/// A comment kept aside for the formatter.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// The tokens of a file, with comments separated out.
pub struct Lexed {
    pub tokens: Vec<(usize, Token, usize)>,
    pub comments: Vec<Comment>,
    pub errors: Vec<LexError>,
}

/// The UTF-8 byte-order mark some editors write at the start of a file.
pub const BYTE_ORDER_MARK: char = '\u{feff}';

/// Cut the whole source into tokens. Lexing never stops at the first error: every bad
/// character is reported, and the tokens around it are still produced. A byte-order mark at
/// the very start is skipped (spans stay offsets into `source`); anywhere else it is an
/// unexpected character.
pub fn lex(source: &str) -> Lexed {
    let mut lexer = Token::lexer(source);
    if source.starts_with(BYTE_ORDER_MARK) {
        lexer.bump(BYTE_ORDER_MARK.len_utf8());
    }
    let mut tokens = Vec::new();
    let mut comments = Vec::new();
    let mut errors: Vec<LexError> = Vec::new();
    // Inside an example entry written with `~=` (up to its `;`), `+` directly followed by `-`
    // is the tolerance `+-`.
    let mut approximate = false;
    while let Some(result) = lexer.next() {
        let span = Span::from(lexer.span());
        match result {
            Ok(Token::LineComment) | Ok(Token::BlockComment) => {
                comments.push(Comment { span, text: lexer.slice().to_string() })
            }
            Ok(Token::UnterminatedComment) => {
                errors.push(LexError {
                    kind: LexErrorKind::UnterminatedComment,
                    span: Span::new(span.start, source.len()),
                });
                break;
            }
            Ok(Token::Minus)
                if approximate && matches!(tokens.last(), Some((_, Token::Plus, end)) if *end == span.start) =>
            {
                if let Some(last) = tokens.last_mut() {
                    *last = (last.0, Token::PlusMinus, span.end);
                }
            }
            Ok(token) => {
                match token {
                    Token::Approx => approximate = true,
                    Token::Semi | Token::LBrace | Token::RBrace => approximate = false,
                    _ => {}
                }
                tokens.push((span.start, token, span.end))
            }
            Err(kind) => {
                // Merge runs of adjacent bad characters into one error.
                if let Some(last) = errors.last_mut() {
                    if last.kind == kind && last.span.end == span.start {
                        last.span.end = span.end;
                        continue;
                    }
                }
                errors.push(LexError { kind, span });
            }
        }
    }
    Lexed { tokens, comments, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_identifiers_and_underscore() {
        let lexed = lex("param p_1: bool; _ x_ 42");
        let kinds: Vec<Token> = lexed.tokens.into_iter().map(|t| t.1).collect();
        assert_eq!(
            kinds,
            vec![
                Token::Param,
                Token::Ident("p_1".into()),
                Token::Colon,
                Token::Bool,
                Token::Semi,
                Token::Underscore,
                Token::Ident("x_".into()),
                Token::Int(42)
            ]
        );
    }

    #[test]
    fn comments_are_kept_aside() {
        let lexed = lex("a // one\n/* two\n */ b");
        assert_eq!(lexed.tokens.len(), 2);
        assert_eq!(lexed.comments.len(), 2);
        assert_eq!(lexed.comments[1].text, "/* two\n */");
    }

    #[test]
    fn bitwise_operators_are_tokens_of_their_own() {
        let lexed = lex("a&b|c^~d<<1>>2&&e||f<=g>=h");
        let kinds: Vec<Token> = lexed.tokens.into_iter().map(|t| t.1).collect();
        let ident = |n: &str| Token::Ident(n.into());
        assert_eq!(
            kinds,
            vec![
                ident("a"),
                Token::Amp,
                ident("b"),
                Token::Pipe,
                ident("c"),
                Token::Caret,
                Token::Tilde,
                ident("d"),
                Token::Shl,
                Token::Int(1),
                Token::Shr,
                Token::Int(2),
                Token::AndAnd,
                ident("e"),
                Token::OrOr,
                ident("f"),
                Token::Le,
                ident("g"),
                Token::Ge,
                ident("h"),
            ]
        );
    }

    #[test]
    fn real_literals_and_ranges() {
        let lexed = lex("0.5 2e-3 1.5E+2 0..K 7 1e400 1e-400 0.0 0e5");
        let kinds: Vec<Token> = lexed.tokens.into_iter().map(|t| t.1).collect();
        let real = |v: f64, t: &str| Token::RealLit(RealLit { value: v, text: t.into() });
        assert_eq!(
            kinds,
            vec![
                real(0.5, "0.5"),
                real(2e-3, "2e-3"),
                real(150.0, "1.5E+2"),
                Token::Int(0),
                Token::DotDot,
                Token::Ident("K".into()),
                Token::Int(7),
                real(0.0, "0.0"),
                real(0.0, "0e5"),
            ]
        );
        let kinds: Vec<LexErrorKind> = lexed.errors.into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [LexErrorKind::RealTooLarge, LexErrorKind::RealTooSmall]);
    }

    #[test]
    fn plus_minus_is_one_token_only_in_an_approximate_entry() {
        let kinds = |source: &str| -> Vec<Token> { lex(source).tokens.into_iter().map(|t| t.1).collect() };
        assert!(kinds("y ~= 2.5 +- 0.1;").contains(&Token::PlusMinus));
        assert!(!kinds("y ~= 2.5 + - 0.1;").contains(&Token::PlusMinus));
        assert!(!kinds("y = a +-b; y ~= 1;").contains(&Token::PlusMinus));
        assert_eq!(kinds("x = a +-b;").iter().filter(|t| **t == Token::Plus || **t == Token::Minus).count(), 2);
    }

    #[test]
    fn errors_carry_spans() {
        let lexed = lex("a $$ b 99999999999999999999 /* open");
        assert_eq!(lexed.errors.len(), 3);
        assert_eq!(lexed.errors[0].span, Span::new(2, 4));
        assert_eq!(lexed.errors[1].kind, LexErrorKind::IntegerTooLarge);
        assert_eq!(lexed.errors[2].kind, LexErrorKind::UnterminatedComment);
    }
}
