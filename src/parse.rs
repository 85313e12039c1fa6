//! Tokens -> AST. Drives the lalrpop parser over the logos tokens and turns every lexer and
//! parser failure into a [`Diagnostic`]; this is the only module that knows lalrpop's types.

use lalrpop_util::{lalrpop_mod, ParseError};

use crate::ast::{Expr, ExprKind, File};
use crate::diagnostics::Diagnostic;
use crate::lexer::{lex, Comment, LexError, LexErrorKind, Token};
use crate::span::Span;

lalrpop_mod!(
    #[allow(clippy::all, unused_parens, dead_code)]
    grammar,
    "/tpt.rs"
);

/// Failures raised from inside the parser: bad tokens and over-deep nesting.
#[derive(Clone, Debug, PartialEq)]
pub enum SyntaxError {
    Lex(LexError),
    TooDeep { span: Span, limit: u32 },
}

/// A parsed file with the comments the parser skipped (for the formatter).
#[derive(Clone, Debug)]
pub struct Parsed {
    pub file: File,
    pub comments: Vec<Comment>,
}

/// Build an expression node; used by the grammar's actions. Fails when the tree gets deeper
/// than `max_depth`, so that no later recursive pass can overflow the stack.
pub fn node(
    max_depth: u32,
    kind: ExprKind,
    start: usize,
    end: usize,
) -> Result<Expr, ParseError<usize, Token, SyntaxError>> {
    let expr = Expr::new(kind, Span::new(start, end));
    if expr.depth > max_depth {
        return Err(ParseError::User {
            error: SyntaxError::TooDeep {
                span: expr.span,
                limit: max_depth,
            },
        });
    }
    Ok(expr)
}

/// Parse a whole file. `max_depth` bounds the nesting of brackets, blocks and expressions.
pub fn parse(source: &str, max_depth: u32) -> Result<Parsed, Vec<Diagnostic>> {
    let lexed = lex(source);
    if !lexed.errors.is_empty() {
        return Err(lexed.errors.iter().map(lex_diagnostic).collect());
    }
    if let Some(diagnostic) = check_bracket_depth(&lexed.tokens, max_depth) {
        return Err(vec![diagnostic]);
    }
    let tokens = lexed.tokens.into_iter().map(Ok::<_, SyntaxError>);
    match grammar::FileParser::new().parse(max_depth, tokens) {
        Ok(file) => Ok(Parsed {
            file,
            comments: lexed.comments,
        }),
        Err(error) => Err(vec![parse_diagnostic(error, source.len())]),
    }
}

/// Parse a single expression (used for `--set` values and `--input` values).
pub fn parse_expr(source: &str, max_depth: u32) -> Result<Expr, Vec<Diagnostic>> {
    let lexed = lex(source);
    if !lexed.errors.is_empty() {
        return Err(lexed.errors.iter().map(lex_diagnostic).collect());
    }
    if let Some(diagnostic) = check_bracket_depth(&lexed.tokens, max_depth) {
        return Err(vec![diagnostic]);
    }
    let tokens = lexed.tokens.into_iter().map(Ok::<_, SyntaxError>);
    grammar::ExprParser::new()
        .parse(max_depth, tokens)
        .map_err(|error| vec![parse_diagnostic(error, source.len())])
}

fn nesting_help(limit: u32) -> String {
    format!("the nesting limit is {limit}; raise it with `--max-depth N` if this is intended")
}

/// Bracket nesting is checked on the tokens, before parsing, so that a file of thousands of
/// nested brackets is rejected without building anything.
fn check_bracket_depth(tokens: &[(usize, Token, usize)], max_depth: u32) -> Option<Diagnostic> {
    let mut depth: u32 = 0;
    for (start, token, end) in tokens {
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => {
                depth += 1;
                if depth > max_depth {
                    return Some(
                        Diagnostic::error(format!("brackets nested more than {max_depth} deep"))
                            .with_label(Span::new(*start, *end), "this bracket is too deeply nested")
                            .with_help(nesting_help(max_depth)),
                    );
                }
            }
            Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn lex_diagnostic(error: &LexError) -> Diagnostic {
    match error.kind {
        LexErrorKind::UnexpectedCharacter => {
            Diagnostic::error("unexpected character").with_label(error.span, "not part of the language")
                .with_help("tokens are identifiers, non-negative integers, keywords and the operators of the language")
        }
        LexErrorKind::IntegerTooLarge => Diagnostic::error("integer literal too large")
            .with_label(error.span, "does not fit in a 64-bit signed integer"),
        LexErrorKind::UnterminatedComment => Diagnostic::error("unterminated block comment")
            .with_label(Span::new(error.span.start, error.span.start + 2), "this comment is never closed")
            .with_help("close it with `*/`"),
    }
}

fn parse_diagnostic(error: ParseError<usize, Token, SyntaxError>, source_len: usize) -> Diagnostic {
    match error {
        ParseError::UnrecognizedToken {
            token: (start, token, end),
            expected,
        } => {
            let span = Span::new(start, end);
            let mut diagnostic = Diagnostic::error(format!("unexpected {}", token.describe()))
                .with_label(span, format!("expected {}", describe_expected(&expected)));
            if let Some(help) = help_for(&token, &expected) {
                diagnostic = diagnostic.with_help(help);
            }
            diagnostic
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let at = location.min(source_len);
            let span = Span::new(at.saturating_sub(1).min(at), at);
            Diagnostic::error("unexpected end of file")
                .with_label(span, format!("expected {}", describe_expected(&expected)))
        }
        ParseError::ExtraToken {
            token: (start, token, end),
        } => Diagnostic::error(format!("unexpected {}", token.describe()))
            .with_label(Span::new(start, end), "nothing may follow here"),
        ParseError::InvalidToken { location } => Diagnostic::error("invalid token")
            .with_label(Span::new(location, location), "here"),
        ParseError::User { error } => match error {
            SyntaxError::Lex(lex_error) => lex_diagnostic(&lex_error),
            SyntaxError::TooDeep { span, limit } => {
                Diagnostic::error(format!("expression nested more than {limit} deep"))
                    .with_label(span, "this expression is too deeply nested")
                    .with_help(nesting_help(limit))
            }
        },
    }
}

/// Terminal names as lalrpop reports them (`"\";\""`) turned into words.
fn terminal_word(terminal: &str) -> String {
    let name = terminal.trim_matches('"');
    match name {
        "identifier" => "identifier".to_string(),
        "integer" => "integer".to_string(),
        _ if name.chars().all(|c| c.is_ascii_alphabetic()) => format!("`{name}`"),
        _ => format!("`{name}`"),
    }
}

/// Tokens that can start an expression; when all of them are expected we say "an expression".
const EXPRESSION_STARTS: [&str; 7] = ["identifier", "integer", "(", "-", "!", "if", "match"];

fn describe_expected(expected: &[String]) -> String {
    let names: Vec<&str> = expected.iter().map(|t| t.trim_matches('"')).collect();
    let mut words: Vec<String> = Vec::new();
    let expression = EXPRESSION_STARTS.iter().all(|t| names.contains(t));
    if expression {
        words.push("an expression".to_string());
    }
    for name in &names {
        if expression && EXPRESSION_STARTS.contains(name) {
            continue;
        }
        words.push(terminal_word(name));
    }
    // Keep messages short: binary operators after an expression are summarised.
    const OPERATORS: [&str; 13] = ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "&&", "||"];
    if OPERATORS.iter().filter(|op| names.contains(op)).count() >= 8 {
        words.retain(|w| !OPERATORS.iter().any(|op| *w == format!("`{op}`")));
        words.push("an operator".to_string());
    }
    match words.len() {
        0 => "nothing more".to_string(),
        1 => words.remove(0),
        _ => {
            let last = words.pop().unwrap_or_default();
            format!("{} or {}", words.join(", "), last)
        }
    }
}

fn help_for(token: &Token, expected: &[String]) -> Option<String> {
    let expects = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
    if expects(";") && !matches!(token, Token::Semi) {
        return Some("statements and declarations end with `;`".to_string());
    }
    if let Token::Ident(name) = token {
        const KEYWORDS: [&str; 8] = ["let", "while", "return", "elif", "loop", "function", "def", "int"];
        if KEYWORDS.contains(&name.as_str()) {
            return Some(format!("`{name}` is not a keyword of this language; see docs/language.md"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_first_example() {
        let source = "const K = 8;\nfn xor(a: 2, b: 2) -> 2 { (a + b) % 2 }\ninput x0: 2;\nparam p[K - 1]: 2;\noutput y[K]: 2;\nvar c[K]: 2;\nc[0] = x0;\nfor i in 1..K { c[i] = p[i - 1]; }\nfor i in 0..K { y[i] = xor(c[i], c[(i + 1) % K]); }\nexample { x0 = 0; y = [0; K]; }\n";
        let parsed = parse(source, 256).expect("parses");
        assert_eq!(parsed.file.items.len(), 10);
    }

    #[test]
    fn deep_parentheses_are_an_error_not_a_crash() {
        let source = format!("const A = {}1{};", "(".repeat(20_000), ")".repeat(20_000));
        let errors = parse(&source, 256).unwrap_err();
        assert!(errors[0].message.contains("nested"));
    }

    #[test]
    fn long_operator_chains_are_an_error_not_a_crash() {
        let source = format!("const A = 1{};", " + 1".repeat(100_000));
        let errors = parse(&source, 256).unwrap_err();
        assert!(errors[0].message.contains("nested"), "{}", errors[0].message);
    }

    #[test]
    fn else_if_chains_and_match() {
        let source = "if a { x = 1; } else if b { x = 2; } else { x = 3; }\nmatch t { 0 | 1 => { y = 0; } _ => { y = 1; } }\nz = match t { 0 => 1, _ => if a { 2 } else { 3 } };";
        let parsed = parse(source, 256).expect("parses");
        assert_eq!(parsed.file.items.len(), 3);
    }

    #[test]
    fn missing_semicolon_names_the_expected_token() {
        let errors = parse("const A = 1\nconst B = 2;", 256).unwrap_err();
        let label = &errors[0].labels[0].message;
        assert!(label.contains("`;`"), "{label}");
    }
}
