//! Tokens -> AST. Drives the lalrpop parser over the logos tokens and turns every lexer and
//! parser failure into a [`Diagnostic`]; this module (with its `recovery`) is the only one
//! that knows lalrpop's types.
//! The parser recovers from syntax errors (lalrpop's `!`): a bad item, or a bad statement in a
//! block, is skipped and parsing goes on, so that one run reports every independent error
//! (`parse/recovery.rs` says which errors are consequences of an earlier one).

mod recovery;

use lalrpop_util::{lalrpop_mod, ParseError};

pub(crate) use recovery::Resync;

use crate::ast::{Expr, ExprKind, File};
use crate::lexer::{lex, Comment, LexError, LexErrorKind, Token};
use tpt_source::diagnostics::{Diagnostic, Setting, Text};
use tpt_source::span::Span;

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

/// A file parsed past its syntax errors.
#[derive(Clone, Debug)]
pub struct Recovered {
    /// What parsed, bad items and statements left out (`file.broken` lists them); `None` when
    /// parsing could not go on (nesting deeper than the limit).
    pub parsed: Option<Parsed>,
    /// The syntax errors (the lexer's among them), in the order of the text, at most
    /// [`MAX_ERRORS`]; errors that only follow from an earlier one are left out.
    pub errors: Vec<Diagnostic>,
    /// How many more syntax errors there are.
    pub not_shown: usize,
}

/// How many errors of a file are reported; the rest are counted in one more error
/// ([`not_shown`]), so that garbage cannot print millions of lines.
pub const MAX_ERRORS: usize = 50;

/// The error that counts the errors past [`MAX_ERRORS`].
pub fn not_shown(count: usize) -> Diagnostic {
    let errors = if count == 1 { "error" } else { "errors" };
    Diagnostic::error(format!("{count} more {errors} not shown"))
        .with_note(format!("only the first {MAX_ERRORS} errors of a file are shown"))
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
        return Err(ParseError::User { error: SyntaxError::TooDeep { span: expr.span, limit: max_depth } });
    }
    Ok(expr)
}

/// Lex the source and check its bracket nesting: the tokens the parser may run on.
fn lex_for_parsing(source: &str, max_depth: u32) -> Result<crate::lexer::Lexed, Vec<Diagnostic>> {
    let lexed = lex(source);
    if !lexed.errors.is_empty() {
        return Err(lexed.errors.iter().map(|e| lex_diagnostic(e, source)).collect());
    }
    if let Some(diagnostic) = check_bracket_depth(&lexed.tokens, max_depth) {
        return Err(vec![diagnostic]);
    }
    Ok(lexed)
}

/// Parse a whole file, all of it or nothing: a file with a syntax error gives every syntax
/// error (the formatter and the printer want no less than the whole file). `max_depth` bounds
/// the nesting of brackets, blocks and expressions.
pub fn parse(source: &str, max_depth: u32) -> Result<Parsed, Vec<Diagnostic>> {
    let mut recovered = parse_recovering(source, max_depth);
    match recovered.parsed {
        Some(parsed) if recovered.errors.is_empty() => Ok(parsed),
        _ => {
            if recovered.not_shown > 0 {
                recovered.errors.push(not_shown(recovered.not_shown));
            }
            Err(recovered.errors)
        }
    }
}

/// Parse a whole file past its syntax errors: the items that parsed, and every syntax error.
pub fn parse_recovering(source: &str, max_depth: u32) -> Recovered {
    let lexed = lex(source);
    // Only the first errors are worded (the words of one look at the tokens before it).
    let mut errors: Vec<Diagnostic> = lexed.errors.iter().take(MAX_ERRORS).map(|e| lex_diagnostic(e, source)).collect();
    let mut not_shown = lexed.errors.len().saturating_sub(MAX_ERRORS);
    // The parser reads an invalid token where the lexer failed, and recovers there as from a
    // syntax error (which the lexer's error stands for).
    let tokens = recovery::with_invalid_tokens(lexed.tokens, &lexed.errors);
    if let Some(diagnostic) = check_bracket_depth(&tokens, max_depth) {
        errors.push(diagnostic);
        return in_text_order(None, errors, not_shown);
    }
    let mut resync = Resync::new(&tokens, source);
    // The tokens stay available after parsing: the messages look at the tokens around a
    // failure (the one before it, unclosed brackets).
    let input = tokens.iter().cloned().map(Ok::<_, SyntaxError>);
    let result = grammar::FileParser::new().parse(max_depth, &mut resync, input);
    let (reported, more) = resync.take_reported();
    errors.extend(reported.into_iter().map(|error| parse_diagnostic(error, source, &tokens)));
    not_shown += more;
    let parsed = match result {
        Ok(mut file) => {
            file.broken = resync.leave_out_cascades(&mut file.items);
            Some(Parsed { file, comments: lexed.comments })
        }
        Err(error) => {
            // Only an expression nested too deep stops the parser (it recovers from the rest).
            if !is_invalid_token(&error) {
                errors.push(parse_diagnostic(error, source, &tokens));
            }
            None
        }
    };
    if parsed.is_none() && errors.is_empty() {
        errors.push(Diagnostic::error("the file could not be parsed"));
    }
    in_text_order(parsed, errors, not_shown)
}

/// The errors sorted by where they point (stable: those at one place keep their order), the
/// first [`MAX_ERRORS`] of them.
fn in_text_order(parsed: Option<Parsed>, mut errors: Vec<Diagnostic>, mut not_shown: usize) -> Recovered {
    errors.sort_by_key(|d| d.primary_span().map_or(usize::MAX, |s| s.start));
    if errors.len() > MAX_ERRORS {
        not_shown += errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
    }
    Recovered { parsed, errors, not_shown }
}

/// Where the parser failed: the token it could not take, or the end of the file.
fn error_position(error: &ParseError<usize, Token, SyntaxError>, source: &str) -> usize {
    match error {
        ParseError::UnrecognizedToken { token, .. } | ParseError::ExtraToken { token } => token.0,
        ParseError::UnrecognizedEof { .. } => source.len(),
        ParseError::InvalidToken { location } => *location,
        ParseError::User { error: SyntaxError::TooDeep { span, .. } } => span.start,
        ParseError::User { error: SyntaxError::Lex(error) } => error.span.start,
    }
}

/// A failure at a token the lexer already reported.
fn is_invalid_token(error: &ParseError<usize, Token, SyntaxError>) -> bool {
    matches!(error, ParseError::UnrecognizedToken { token: (_, Token::Invalid, _), .. })
}

/// Parse a single expression (used for `--set` values and `--input` values).
pub fn parse_expr(source: &str, max_depth: u32) -> Result<Expr, Vec<Diagnostic>> {
    let lexed = lex_for_parsing(source, max_depth)?;
    let tokens = lexed.tokens.iter().cloned().map(Ok::<_, SyntaxError>);
    // An expression holds no statements, so the parser recovers from nothing here.
    grammar::ExprParser::new()
        .parse(max_depth, &mut Resync::new(&lexed.tokens, source), tokens)
        .map_err(|error| vec![parse_diagnostic(error, source, &lexed.tokens)])
}

fn nesting_help(limit: u32) -> Text {
    Text::from(format!("the nesting limit is {limit}; raise it with "))
        + Setting::MaxDepth.placeholder("N")
        + " if this is intended"
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

fn lex_diagnostic(error: &LexError, source: &str) -> Diagnostic {
    match error.kind {
        LexErrorKind::UnexpectedCharacter => {
            // Control characters are shown escaped, so that the message stays readable.
            let text: String = source
                .get(error.span.range())
                .unwrap_or_default()
                .chars()
                .map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() })
                .collect();
            let what = if text.chars().count() == 1 { "character" } else { "characters" };
            let diagnostic = Diagnostic::error(format!("unexpected {what} `{text}`"))
                .with_label(error.span, "not part of the language");
            match lookalike(&text) {
                Some(ascii) => diagnostic.with_help(format!("write `{ascii}` instead of `{text}`")),
                None => diagnostic.with_help(
                    "tokens are identifiers, non-negative integers and reals, keywords and the operators of the language",
                ),
            }
        }
        LexErrorKind::IntegerTooLarge => Diagnostic::error("integer literal too large")
            .with_label(error.span, "does not fit in a 64-bit signed integer")
            .with_help("integers are signed 64-bit: the largest literal is 9223372036854775807"),
        LexErrorKind::RealTooLarge => Diagnostic::error("real literal too large")
            .with_label(error.span, "does not fit in a 64-bit float")
            .with_help("reals are 64-bit floats: the largest is about 1.8e308"),
        LexErrorKind::RealTooSmall => Diagnostic::error("real literal too small")
            .with_label(error.span, "this would be read as 0")
            .with_help("reals are 64-bit floats: the smallest positive one is about 4.9e-324; write 0.0 for zero"),
        LexErrorKind::UnterminatedComment => Diagnostic::error("unterminated block comment")
            .with_label(Span::new(error.span.start, error.span.start + 2), "this comment is never closed")
            .with_help("close it with `*/`"),
    }
}

/// The operator meant by a typographic character that documents and editors produce.
fn lookalike(text: &str) -> Option<&'static str> {
    Some(match text {
        "≤" => "<=",
        "≥" => ">=",
        "≠" => "!=",
        "→" => "->",
        "⇒" => "=>",
        "−" | "–" => "-",
        "×" => "*",
        "÷" => "/",
        "∧" => "&&",
        "∨" => "||",
        "¬" => "!",
        "⊕" => "^",
        "≪" => "<<",
        "≫" => ">>",
        "…" => "..",
        _ => return None,
    })
}

fn parse_diagnostic(
    error: ParseError<usize, Token, SyntaxError>,
    source: &str,
    tokens: &[(usize, Token, usize)],
) -> Diagnostic {
    match error {
        ParseError::UnrecognizedToken { token: (start, token, end), expected } => {
            let span = Span::new(start, end);
            if let Some(diagnostic) = misplaced_example(&token, span, &expected) {
                return diagnostic;
            }
            let expected_text = describe_expected(&expected);
            let before = &tokens[..tokens.iter().take_while(|t| t.2 <= start).count()];
            let previous = before.last();
            let mut diagnostic = Diagnostic::error(format!("unexpected {}", token.describe()));
            // A `;` missing at the end of a line is reported where it is missing, not at the
            // first token of the next line.
            let wants_semicolon = expected.iter().any(|e| e.trim_matches('"') == ";") && token != Token::Semi;
            match previous {
                Some((p_start, _, p_end)) if wants_semicolon && source[*p_end..start].contains('\n') => {
                    diagnostic = diagnostic
                        .with_label(Span::new(*p_start, *p_end), format!("expected {expected_text} after this"))
                        .with_secondary(span, format!("found {}", token.describe()));
                }
                _ => diagnostic = diagnostic.with_label(span, format!("expected {expected_text}")),
            }
            let open = unclosed_bracket(before).map(|t| t.1);
            if let Some(help) = help_for(&token, &expected, previous.map(|p| &p.1), open.as_ref()) {
                diagnostic = diagnostic.with_help(help);
            }
            diagnostic
        }
        ParseError::UnrecognizedEof { location, expected } => {
            // The file ends after its last token (comments and blanks aside): point there.
            let (span, what) = match tokens.last() {
                Some((start, _, end)) => (Span::new(*start, *end), " after this"),
                None => (Span::new(location.min(source.len()), location.min(source.len())), ""),
            };
            let mut diagnostic = Diagnostic::error("unexpected end of file")
                .with_label(span, format!("expected {}{what}", describe_expected(&expected)));
            if let Some((start, token, end)) = unclosed_bracket(tokens) {
                diagnostic = diagnostic
                    .with_secondary(Span::new(start, end), format!("this {} is never closed", token.describe()))
                    .with_help(format!("close it with {}", closing(&token)));
            }
            diagnostic
        }
        ParseError::ExtraToken { token: (start, token, end) } => {
            Diagnostic::error(format!("unexpected {}", token.describe()))
                .with_label(Span::new(start, end), "nothing may follow here")
        }
        ParseError::InvalidToken { location } => {
            Diagnostic::error("invalid token").with_label(Span::new(location, location), "here")
        }
        ParseError::User { error } => match error {
            SyntaxError::Lex(lex_error) => lex_diagnostic(&lex_error, source),
            SyntaxError::TooDeep { span, limit } => {
                Diagnostic::error(format!("expression nested more than {limit} deep"))
                    .with_label(span, "this expression is too deeply nested")
                    .with_help(nesting_help(limit) + ", or compute the expression in parts through `var`s")
            }
        },
    }
}

/// Examples stand at the top level, alone or in constant loops and `if`s of examples only; an
/// `example` among program statements, or a statement among examples, gets its own message.
fn misplaced_example(token: &Token, span: Span, expected: &[String]) -> Option<Diagnostic> {
    let expects = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
    let help = "examples stand at the top level, or inside loops and `if`s that hold only examples (with constant bounds and conditions)";
    // Where the parser still wants the `;` that ends a statement or declaration, the `;` is
    // what is missing, not the example's place (the generic message says so).
    if matches!(token, Token::Example) && !expects("example") && !expects(";") {
        return Some(
            Diagnostic::error("an example cannot stand inside program code")
                .with_label(span, "this example")
                .with_help(help),
        );
    }
    if matches!(token, Token::Minimize) && !expects("minimize") && !expects("example") && expects("identifier") {
        return Some(
            Diagnostic::error("`minimize` cannot stand inside an example")
                .with_label(span, "a term of the objective among an example's entries")
                .with_help(
                    "write `minimize` among the program's statements: the objective is one for the whole program",
                ),
        );
    }
    let statement = matches!(token, Token::Ident(_) | Token::Observe | Token::Minimize | Token::Match);
    if statement && expects("example") && !expects("identifier") {
        return Some(
            Diagnostic::error("examples and program statements are mixed in one block")
                .with_label(span, "a program statement among examples")
                .with_help("put the examples in a loop of their own: the program runs once per example"),
        );
    }
    None
}

/// The innermost opening bracket that is still open at the end of the tokens.
fn unclosed_bracket(tokens: &[(usize, Token, usize)]) -> Option<(usize, Token, usize)> {
    let mut open: Vec<&(usize, Token, usize)> = Vec::new();
    for entry in tokens {
        match entry.1 {
            Token::LParen | Token::LBracket | Token::LBrace => open.push(entry),
            Token::RParen | Token::RBracket | Token::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    open.last().map(|&entry| entry.clone())
}

fn closing(open: &Token) -> &'static str {
    match open {
        Token::LParen => "`)`",
        Token::LBracket => "`]`",
        _ => "`}`",
    }
}

/// Terminal names as lalrpop reports them (`"\";\""`) turned into words.
fn terminal_word(terminal: &str) -> String {
    match terminal {
        "identifier" | "integer" | "real literal" => terminal.to_string(),
        _ => format!("`{terminal}`"),
    }
}

/// Tokens that can start an expression; when all of them are expected we say "an expression".
const EXPRESSION_STARTS: [&str; 9] = ["identifier", "integer", "real literal", "(", "-", "!", "~", "if", "match"];
/// Tokens that start a declaration, and a statement; summarised the same way.
const DECLARATION_STARTS: [&str; 6] = ["const", "fn", "param", "input", "output", "var"];
const STATEMENT_STARTS: [&str; 6] = ["for", "if", "match", "observe", "minimize", "identifier"];

fn describe_expected(expected: &[String]) -> String {
    let names: Vec<&str> = expected.iter().map(|t| t.trim_matches('"')).collect();
    let mut words: Vec<String> = Vec::new();
    // Lists of a dozen tokens are summarised by what they start.
    let mut summarised: Vec<&str> = Vec::new();
    for (group, word) in [
        (&EXPRESSION_STARTS[..], "an expression"),
        (&DECLARATION_STARTS[..], "a declaration"),
        (&STATEMENT_STARTS[..], "a statement"),
    ] {
        if group.iter().all(|t| names.contains(t)) {
            words.push(word.to_string());
            summarised.extend(group);
        }
    }
    // Where statements may stand at the top level, so may examples: "a statement" covers both.
    if summarised.contains(&"observe") {
        summarised.push("example");
    }
    for name in &names {
        if !summarised.contains(name) {
            words.push(terminal_word(name));
        }
    }
    // Keep messages short: binary operators after an expression are summarised.
    const OPERATORS: [&str; 18] =
        ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "&&", "||", "&", "|", "^", "<<", ">>"];
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

/// Words of other languages that people reach for, with what this language says instead.
fn foreign_keyword(name: &str) -> Option<&'static str> {
    Some(match name {
        "let" | "int" | "auto" => {
            "declare values at the top level with their domain (`var t: 4;`), then assign them (`t = x;`)"
        }
        "while" | "loop" => "loops are `for i in a..b { .. }` with constant bounds",
        "return" => "a `fn` body is a single expression, and its value is the result",
        "elif" | "elsif" => "write `else if`",
        "def" | "function" | "func" => "functions are declared `fn f(a: D) -> D { e }`",
        "true" | "false" => "truth values are the integers 1 and 0",
        _ => return None,
    })
}

fn help_for(token: &Token, expected: &[String], previous: Option<&Token>, open: Option<&Token>) -> Option<String> {
    let expects = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
    if let Some(Token::Ident(name)) = previous {
        if let Some(advice) = foreign_keyword(name) {
            return Some(format!("`{name}` is not a keyword of this language; {advice}"));
        }
    }
    if let Token::Ident(name) = token {
        if let Some(advice) = foreign_keyword(name) {
            return Some(format!("`{name}` is not a keyword of this language; {advice}"));
        }
    }
    let comparison = matches!(token, Token::Lt | Token::Le | Token::Gt | Token::Ge | Token::EqEq | Token::NotEq);
    // After a pattern value the parser wants `=>` or `|`: an operator looser than `^` there
    // belongs to a value that needs parentheses.
    if (comparison || matches!(token, Token::AndAnd | Token::OrOr)) && expects("=>") {
        let symbol = token.keyword_or_symbol().unwrap_or_default();
        return Some(format!(
            "`|` separates the values of a `match` pattern, so a value that uses `{symbol}` goes in parentheses: `(a {symbol} b) =>`"
        ));
    }
    if comparison && !expects("<") {
        return Some("comparisons do not chain: write `a < b && b < c` instead of `a < b < c`".to_string());
    }
    let declaration =
        matches!(token, Token::Const | Token::Fn | Token::Param | Token::Input | Token::Output | Token::Var);
    if declaration && expects("}") && !expects(";") {
        return Some("declarations stand at the top level only; move this one out of the block".to_string());
    }
    if matches!(token, Token::Else) && !expects("else") {
        return Some("an `else` must directly follow the `}` of an `if` block".to_string());
    }
    let binary = matches!(
        previous,
        Some(
            Token::Plus
                | Token::Minus
                | Token::Star
                | Token::Slash
                | Token::Percent
                | Token::Lt
                | Token::Le
                | Token::Gt
                | Token::Ge
                | Token::EqEq
                | Token::NotEq
                | Token::AndAnd
                | Token::OrOr
                | Token::Amp
                | Token::Pipe
                | Token::Caret
                | Token::Shl
                | Token::Shr
        )
    );
    if binary && expects("integer") {
        let operator = previous.map(Token::describe).unwrap_or_default();
        return Some(format!("{operator} needs an expression on its right"));
    }
    let closer = matches!(token, Token::RBrace | Token::RParen | Token::RBracket);
    if closer && token.keyword_or_symbol().is_some_and(|t| !expects(t)) {
        match open {
            None => return Some(format!("this {} closes nothing: no bracket is open here", token.describe())),
            Some(open) if closing(open) != token.describe() => {
                return Some(format!(
                    "the innermost open bracket here is {}; close it with {} first",
                    open.describe(),
                    closing(open)
                ))
            }
            Some(_) => {}
        }
    }
    if expected.len() == 1 && expects("else") {
        return Some("a conditional expression needs an `else`: `if c { a } else { b }`".to_string());
    }
    if expects(";") && !matches!(token, Token::Semi) {
        return Some("statements and declarations end with `;`".to_string());
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
    fn examples_are_items_of_their_own() {
        let source = "for a in 0..2 { for b in 0..2 { example { x = [a, b]; } } }\nfor i in 0..2 { y[i] = 0; }\n\
                      if K > 1 { example { x = 1; } } else { example { x = 0; } }\nfor i in 0..0 {}\n";
        let parsed = parse(source, 256).expect("parses");
        let kinds: Vec<bool> = parsed.file.items.iter().map(|i| matches!(i, crate::ast::Item::Examples(_))).collect();
        assert_eq!(kinds, [true, false, true, false]);
    }

    #[test]
    fn misplaced_examples_are_explained() {
        let inside = parse("for i in 0..2 { y[i] = 0; example { x = 1; } }", 256).unwrap_err();
        assert_eq!(inside[0].message, "an example cannot stand inside program code");
        let in_match = parse("match t { 0 => { example { x = 1; } } }", 256).unwrap_err();
        assert_eq!(in_match[0].message, "an example cannot stand inside program code");
        let mixed = parse("for i in 0..2 { example { x = 1; } y[i] = 0; }", 256).unwrap_err();
        assert_eq!(mixed[0].message, "examples and program statements are mixed in one block");
    }

    /// The tree of a constant's value, written back with every binary node in parentheses.
    fn grouped(source: &str) -> String {
        fn write(e: &Expr) -> String {
            match &e.kind {
                ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", write(lhs), op.symbol(), write(rhs)),
                ExprKind::Unary { op, operand } => format!("{}{}", op.symbol(), write(operand)),
                ExprKind::Name(name) => name.name.clone(),
                ExprKind::Int(v) => v.to_string(),
                ExprKind::Paren(inner) => write(inner),
                other => format!("{other:?}"),
            }
        }
        let parsed = parse(&format!("const A = {source};"), 256).unwrap_or_else(|e| panic!("{}", e[0].message));
        match &parsed.file.items[0] {
            crate::ast::Item::Const(c) => write(&c.value),
            _ => unreachable!("a const"),
        }
    }

    #[test]
    fn bitwise_operators_bind_as_in_rust() {
        assert_eq!(grouped("a | b ^ c & d << 1 + 2"), "(a | (b ^ (c & (d << (1 + 2)))))");
        assert_eq!(grouped("x & 1 == 0"), "((x & 1) == 0)");
        assert_eq!(grouped("a == b | c && d"), "((a == (b | c)) && d)");
        assert_eq!(grouped("~x & -y >> 1"), "(~x & (-y >> 1))");
        assert_eq!(grouped("a << b << c"), "((a << b) << c)");
        assert_eq!(grouped("a * 2 << 1"), "((a * 2) << 1)");
        assert_eq!(grouped("!~x"), "!~x");
    }

    #[test]
    fn a_pipe_in_a_pattern_separates_values() {
        let parsed = parse("y = match x { 0 | 1 ^ 2 => a | b, (1 | 2) => c, _ => 0 };", 256).expect("parses");
        let crate::ast::Item::Stmt(stmt) = &parsed.file.items[0] else { panic!("a statement") };
        let crate::ast::StmtKind::Assign { value, .. } = &stmt.kind else { panic!("an assignment") };
        let ExprKind::Match { arms, .. } = &value.kind else { panic!("a match") };
        let counts: Vec<usize> = arms
            .iter()
            .map(|arm| match &arm.pattern {
                crate::ast::Pattern::Values(values) => values.len(),
                crate::ast::Pattern::Wildcard(_) => 0,
            })
            .collect();
        assert_eq!(counts, [2, 1, 0]);
        assert!(matches!(arms[0].body.kind, ExprKind::Binary { op: crate::ast::BinOp::BitOr, .. }));
    }

    #[test]
    fn a_comparison_in_a_pattern_asks_for_parentheses() {
        let errors = parse("y = match x { x == 1 => 0, _ => 1 };", 256).unwrap_err();
        let help: Vec<String> = errors[0].help.iter().map(ToString::to_string).collect();
        let help = help.join(" ");
        assert!(help.contains("`(a == b) =>`"), "{help}");
    }

    #[test]
    fn a_missing_semicolon_before_an_example_is_reported_as_such() {
        for source in
            ["y = x\nexample { x = 1; }", "input x: 2\nexample { x = 1; }", "observe x == 1 example { x = 1; }"]
        {
            let errors = parse(source, 256).unwrap_err();
            assert_eq!(errors[0].message, "unexpected keyword `example`", "{source}");
            let label = &errors[0].labels[0].message;
            assert!(label.contains("`;`"), "{source}: {label}");
        }
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_skipped() {
        let parsed = parse("\u{feff}const A = 1;\nconst B = C;", 256).expect("parses");
        let crate::ast::Item::Const(b) = &parsed.file.items[1] else { panic!("a const") };
        // Spans are offsets into the text as written, mark included.
        assert_eq!(b.value.span, Span::new(26, 27));
        let elsewhere = parse("const A = 1;\u{feff}", 256).unwrap_err();
        assert!(elsewhere[0].message.starts_with("unexpected character"), "{}", elsewhere[0].message);
    }

    #[test]
    fn missing_semicolon_names_the_expected_token() {
        let errors = parse("const A = 1\nconst B = 2;", 256).unwrap_err();
        let label = &errors[0].labels[0].message;
        assert!(label.contains("`;`"), "{label}");
    }
}
