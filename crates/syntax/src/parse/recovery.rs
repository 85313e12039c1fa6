//! Which syntax errors follow from an earlier one, and what the parser skipped.
//!
//! After a syntax error the parser resumes at the first token that can go on, which may stand
//! in the middle of the bad line: `let x = 1;` fails at `x`, and `x = 1;` would then parse as
//! an assignment. Until the parser is back in step, at a token that begins an item or a
//! statement at the start of a line or after a `;` or `}`, further errors are consequences of
//! the first and are not reported, and what parsed meanwhile is left out of the tree. So is
//! the `}` that closes a block the parser gave up in the middle of: when an item fails inside
//! a loop, the parser goes on at the top level, where that `}` closes nothing.

use lalrpop_util::{ErrorRecovery, ParseError};

use super::{error_position, is_invalid_token, SyntaxError, MAX_ERRORS};
use crate::ast::{Block, Broken, Ident, Item, Stmt, StmtKind};
use crate::lexer::{LexError, Token};
use tpt_source::span::Span;

/// The tokens with an invalid token where the lexer found an error, in the order of the text.
pub(super) fn with_invalid_tokens(
    mut tokens: Vec<(usize, Token, usize)>,
    errors: &[LexError],
) -> Vec<(usize, Token, usize)> {
    if !errors.is_empty() {
        tokens.extend(errors.iter().map(|error| (error.span.start, Token::Invalid, error.span.end)));
        tokens.sort_by_key(|token| token.0);
    }
    tokens
}

/// Where the parser gave up and where it is back in step; the grammar's actions tell it of
/// every error the parser recovered from.
pub struct Resync<'a> {
    tokens: &'a [(usize, Token, usize)],
    source: &'a str,
    /// Errors before this position follow from an earlier one.
    quiet_until: usize,
    /// From an error to where the parser is back in step: what parsed there is left out.
    quiet: Vec<(usize, usize)>,
    /// Braces opened in skipped text and not closed there: an error at a `}` closes one.
    skipped_open: usize,
    broken: Vec<Broken>,
    /// The first errors to report, and how many more there are.
    reported: Vec<ParseError<usize, Token, SyntaxError>>,
    not_shown: usize,
}

impl<'a> Resync<'a> {
    pub(super) fn new(tokens: &'a [(usize, Token, usize)], source: &'a str) -> Self {
        Resync {
            tokens,
            source,
            quiet_until: 0,
            quiet: Vec::new(),
            skipped_open: 0,
            broken: Vec::new(),
            reported: Vec::new(),
            not_shown: 0,
        }
    }

    /// The parser recovered from an error, skipping `span` (what it had read of the item or
    /// statement, and the tokens it dropped).
    pub fn recovered(&mut self, span: Span, recovery: ErrorRecovery<usize, Token, SyntaxError>) {
        let at = error_position(&recovery.error, self.source);
        let reported = !self.follows_earlier(at) && !is_invalid_token(&recovery.error);
        self.skipped(span, at);
        if reported {
            if self.reported.len() < MAX_ERRORS {
                self.reported.push(recovery.error);
            } else {
                self.not_shown += 1;
            }
        }
    }

    /// The errors to report (the first of them), and how many more there are.
    pub(super) fn take_reported(&mut self) -> (Vec<ParseError<usize, Token, SyntaxError>>, usize) {
        (std::mem::take(&mut self.reported), std::mem::take(&mut self.not_shown))
    }

    /// Whether an error at `at` follows from an earlier one.
    fn follows_earlier(&self, at: usize) -> bool {
        let closes_skipped = self.skipped_open > 0 && matches!(self.token_at(at), Some(Token::RBrace));
        at < self.quiet_until || closes_skipped
    }

    fn token_at(&self, at: usize) -> Option<&Token> {
        let index = self.tokens.partition_point(|token| token.0 < at);
        self.tokens.get(index).filter(|token| token.0 == at).map(|token| &token.1)
    }

    /// The parser failed at `at` and skipped `span`.
    fn skipped(&mut self, span: Span, at: usize) {
        // The braces the skipped text leaves open, or the one it closes (the error's token
        // itself is dropped when it is a `}` that closes nothing).
        let end = span.end.max(at + 1);
        let skipped = &self.tokens[self.tokens.partition_point(|t| t.0 < span.start)..];
        let mut open = self.skipped_open as i64;
        for (_, token, _) in skipped.iter().take_while(|t| t.0 < end) {
            match token {
                Token::LBrace => open += 1,
                Token::RBrace => open -= 1,
                _ => {}
            }
        }
        self.skipped_open = open.max(0) as usize;
        let in_step = self.back_in_step(at);
        if in_step > at {
            // Errors come in the order of the text: a stretch that overlaps the last joins it,
            // so that the stretches stay sorted and apart.
            match self.quiet.last_mut() {
                Some(last) if at <= last.1 => last.1 = last.1.max(in_step),
                _ => self.quiet.push((at, in_step)),
            }
        }
        self.quiet_until = self.quiet_until.max(in_step);
        let declares = self.declared_at(span.start);
        self.broken.push(Broken { span, declares });
    }

    /// Leave out the items and statements that begin where the parser was not yet back in
    /// step after an error; the text skipped, in the order of the text.
    pub(super) fn leave_out_cascades(mut self, items: &mut Vec<Item>) -> Vec<Broken> {
        if !self.quiet.is_empty() {
            let mut left_out = Vec::new();
            items.retain(|item| {
                let keep = !self.is_quiet(item.span().start);
                if !keep {
                    let declares = match item {
                        Item::Const(c) => Some(c.name.clone()),
                        Item::Fn(f) => Some(f.name.clone()),
                        Item::Decl(d) => Some(d.name.clone()),
                        Item::Stmt(_) | Item::Examples(_) => None,
                    };
                    left_out.push(Broken { span: item.span(), declares });
                }
                keep
            });
            for item in items.iter_mut() {
                if let Item::Stmt(stmt) = item {
                    self.in_stmt(stmt, &mut left_out);
                }
            }
            self.broken.extend(left_out);
        }
        self.broken.sort_by_key(|broken| broken.span.start);
        self.broken
    }

    fn is_quiet(&self, position: usize) -> bool {
        let after = self.quiet.partition_point(|&(from, _)| from <= position);
        after > 0 && position < self.quiet[after - 1].1
    }

    fn in_stmt(&self, stmt: &mut Stmt, left_out: &mut Vec<Broken>) {
        let blocks: Vec<&mut Block> = match &mut stmt.kind {
            StmtKind::For { body, .. } => vec![body],
            StmtKind::If { branches, otherwise } => {
                branches.iter_mut().map(|(_, block)| block).chain(otherwise.as_mut()).collect()
            }
            StmtKind::Match { arms, .. } => arms.iter_mut().map(|arm| &mut arm.body).collect(),
            StmtKind::Assign { .. } | StmtKind::Observe(_) | StmtKind::Minimize(_) => Vec::new(),
        };
        for block in blocks {
            block.stmts.retain(|stmt| {
                let keep = !self.is_quiet(stmt.span.start);
                if !keep {
                    left_out.push(Broken { span: stmt.span, declares: None });
                }
                keep
            });
            for stmt in &mut block.stmts {
                self.in_stmt(stmt, left_out);
            }
        }
    }

    /// The first token at or after `at` that begins an item or statement at the start of a
    /// line or after a `;` or `}` (the end of the text if none does).
    fn back_in_step(&self, at: usize) -> usize {
        let first = self.tokens.partition_point(|token| token.0 < at);
        for index in first..self.tokens.len() {
            let (start, token, _) = &self.tokens[index];
            if !begins_item(token) {
                continue;
            }
            let after_break = match index.checked_sub(1).map(|i| &self.tokens[i]) {
                None | Some((_, Token::Semi | Token::RBrace, _)) => true,
                Some((_, _, end)) => self.source.get(*end..*start).is_some_and(|gap| gap.contains('\n')),
            };
            if after_break {
                return *start;
            }
        }
        usize::MAX
    }

    /// The name declared by the text that begins at `start`, when it begins as a declaration
    /// does, or with two identifiers: no statement does, so the first is taken for a keyword
    /// of another language (`let t = x;`, `int t;`) and the second for the name it declares.
    fn declared_at(&self, start: usize) -> Option<Ident> {
        let first = self.tokens.partition_point(|token| token.0 < start);
        match self.tokens.get(first..first + 2)? {
            [(_, keyword, _), (name_start, Token::Ident(name), name_end)]
                if declares(keyword) || matches!(keyword, Token::Ident(_)) =>
            {
                Some(Ident { name: name.clone(), span: Span::new(*name_start, *name_end) })
            }
            _ => None,
        }
    }
}

fn declares(token: &Token) -> bool {
    matches!(token, Token::Const | Token::Fn | Token::Param | Token::Input | Token::Output | Token::Var)
}

fn begins_item(token: &Token) -> bool {
    declares(token)
        || matches!(
            token,
            Token::For | Token::If | Token::Match | Token::Observe | Token::Minimize | Token::Example | Token::Ident(_)
        )
}

#[cfg(test)]
mod tests {
    use crate::ast::Item;
    use crate::parse::{parse, parse_recovering, Recovered, MAX_ERRORS};

    fn recovered(source: &str) -> Recovered {
        parse_recovering(source, 256)
    }

    fn messages(recovered: &Recovered) -> Vec<String> {
        recovered.errors.iter().map(|e| e.message.to_string()).collect()
    }

    #[test]
    fn an_error_in_the_middle_of_a_block_skips_one_statement() {
        let source = "for i in 0..2 {\n    y[i] = x[i] ^ ;\n    z[i] = 1;\n    w[i] = 2 +;\n}\nobserve y[0] == 1;\n";
        let recovered = recovered(source);
        assert_eq!(messages(&recovered), ["unexpected `;`", "unexpected `;`"]);
        let file = &recovered.parsed.expect("parsed").file;
        assert_eq!(file.items.len(), 2, "the loop and the observation");
        let Item::Stmt(stmt) = &file.items[0] else { panic!("a statement") };
        let crate::ast::StmtKind::For { body, .. } = &stmt.kind else { panic!("a loop") };
        assert_eq!(body.stmts.len(), 1, "the good statement is kept");
        assert_eq!(file.broken.len(), 2);
    }

    #[test]
    fn a_missing_semicolon_is_one_error_and_its_declaration_is_broken() {
        let recovered = recovered("input x: 2\noutput y: 2;\ny = x;\n");
        assert_eq!(messages(&recovered), ["unexpected keyword `output`"]);
        let file = &recovered.parsed.expect("parsed").file;
        assert_eq!(file.items.len(), 2, "the output and the statement");
        let declares: Vec<&str> =
            file.broken.iter().filter_map(|b| b.declares.as_ref()).map(|n| n.name.as_str()).collect();
        assert_eq!(declares, ["x"]);
    }

    #[test]
    fn an_unclosed_brace_at_the_end_is_one_error() {
        let source = "input x: 2;\nfor i in 0..2 {\n    y[i] = x;\n";
        let recovered = recovered(source);
        assert_eq!(messages(&recovered), ["unexpected end of file"]);
        assert!(recovered.errors[0].labels.iter().any(|l| l.message.contains("never closed")));
        assert_eq!(recovered.parsed.expect("parsed").file.items.len(), 1, "the input");
    }

    #[test]
    fn what_follows_from_an_error_is_not_reported() {
        // `t = x;` would parse after `let`, and the `}` closes the loop the parser gave up in.
        let recovered = recovered("let t = x;\ny = t;\nfor i in 0..2 {\n    y[i] = 0;\n    example { x = 1; }\n}\n");
        assert_eq!(messages(&recovered), ["unexpected identifier `t`", "an example cannot stand inside program code"]);
        let file = &recovered.parsed.expect("parsed").file;
        assert_eq!(file.broken[0].declares.as_ref().map(|n| n.name.as_str()), Some("t"));
        assert!(!file.items.iter().any(|item| item.span().start == 4), "`t = x;` is left out");
    }

    #[test]
    fn independent_errors_are_all_reported_in_the_order_of_the_text() {
        let source = "const A = 1\nconst B = ≤;\nparam p: 2;\nobserve p == ;\nconst C = 2;\n";
        let errors = parse(source, 256).expect_err("syntax errors");
        let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        assert_eq!(messages, ["unexpected keyword `const`", "unexpected character `≤`", "unexpected `;`"]);
    }

    #[test]
    fn errors_past_the_limit_are_counted() {
        let recovered = recovered(&"x = ;\n".repeat(MAX_ERRORS + 30));
        assert_eq!(recovered.errors.len(), MAX_ERRORS);
        assert_eq!(recovered.not_shown, 30);
        let errors = parse(&"x = ;\n".repeat(MAX_ERRORS + 30), 256).expect_err("syntax errors");
        assert_eq!(errors.last().map(|e| e.message.to_string()), Some("30 more errors not shown".to_string()));
    }
}
