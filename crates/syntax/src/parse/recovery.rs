//! Which syntax errors follow from an earlier one, and what the parser skipped.
//!
//! After a syntax error the parser resumes at the first token that can go on, which may stand
//! in the middle of the bad line: `let x = 1;` fails at `x`, and `x = 1;` would then parse as
//! an assignment. Until the parser is back in step, at a token that begins an item or a
//! statement at the start of a line or after a `;` or `}`, further errors are consequences of
//! the first and are not reported, and what parsed meanwhile is left out of the tree.

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

/// Where the parser gave up and where it is back in step.
pub(super) struct Resync<'a> {
    tokens: &'a [(usize, Token, usize)],
    source: &'a str,
    /// Errors before this position follow from an earlier one.
    quiet_until: usize,
    /// From an error to where the parser is back in step: what parsed there is left out.
    quiet: Vec<(usize, usize)>,
    broken: Vec<Broken>,
}

impl<'a> Resync<'a> {
    pub(super) fn new(tokens: &'a [(usize, Token, usize)], source: &'a str) -> Self {
        Resync { tokens, source, quiet_until: 0, quiet: Vec::new(), broken: Vec::new() }
    }

    /// Whether an error at `at` follows from an earlier one.
    pub(super) fn follows_earlier(&self, at: usize) -> bool {
        at < self.quiet_until
    }

    /// The parser failed at `at` and skipped `span` (what it had read of the item or
    /// statement, and the tokens it dropped).
    pub(super) fn skipped(&mut self, span: Span, at: usize) {
        let in_step = self.back_in_step(at);
        if in_step > at {
            self.quiet.push((at, in_step));
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
        self.quiet.iter().any(|&(from, to)| (from..to).contains(&position))
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

    /// The name declared by the text that begins at `start`, when it begins as a declaration.
    fn declared_at(&self, start: usize) -> Option<Ident> {
        let first = self.tokens.partition_point(|token| token.0 < start);
        match self.tokens.get(first..first + 2)? {
            [(_, keyword, _), (name_start, Token::Ident(name), name_end)] if declares(keyword) => {
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
