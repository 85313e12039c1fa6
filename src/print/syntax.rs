//! Residual code -> AST nodes (without spans: the formatter ignores them), for printing with
//! `format_file`. Loop variables of kept loops get their names back from their loops.

use crate::ast::{self, UnOp};
use crate::program::Program;
use crate::span::Span;

use super::residual::{unsupported, Result, SKind, E, S};

/// Turns residual code into AST nodes (without spans: the formatter ignores them).
pub struct Syntax<'p> {
    pub program: &'p Program,
    /// The name of each kept loop's variable, by slot.
    loops: Vec<Option<String>>,
}

fn ident(name: &str) -> ast::Ident {
    ast::Ident { name: name.to_string(), span: Span::default() }
}

fn node(kind: ast::ExprKind) -> ast::Expr {
    ast::Expr::new(kind, Span::default())
}

fn pattern(patterns: Option<Vec<ast::Expr>>) -> ast::Pattern {
    match patterns {
        Some(values) => ast::Pattern::Values(values),
        None => ast::Pattern::Wildcard(Span::default()),
    }
}

impl<'p> Syntax<'p> {
    pub fn new(program: &'p Program) -> Self {
        Syntax { program, loops: vec![None; program.loop_depth] }
    }

    pub fn expr(&self, e: &E) -> Result<ast::Expr> {
        use ast::ExprKind as K;
        let p = self.program;
        let boxed = |e: &E| self.expr(e).map(Box::new);
        let all = |es: &[E]| es.iter().map(|e| self.expr(e)).collect::<Result<Vec<_>>>();
        Ok(node(match e {
            E::Int(v) if *v < 0 => {
                // Literals are non-negative; i64::MIN never reaches here (see `fold_literal`).
                K::Unary { op: UnOp::Neg, operand: Box::new(node(K::Int(v.checked_neg().unwrap_or(i64::MAX)))) }
            }
            E::Int(v) => K::Int(*v),
            E::Const(id) => K::Name(ident(&p.consts[*id].name)),
            E::Loop(slot) => match self.loops.get(*slot).cloned().flatten() {
                Some(name) => K::Name(ident(&name)),
                None => return unsupported("a loop variable outside its loop"),
            },
            E::Elem(array, indices) if indices.is_empty() => K::Name(ident(&p.arrays[*array].name)),
            E::Elem(array, indices) => K::Index { base: ident(&p.arrays[*array].name), indices: all(indices)? },
            E::Call(func, args) => K::Call { func: ident(&p.fns[*func].name), args: all(args)? },
            E::Unary(op, a) => K::Unary { op: *op, operand: boxed(a)? },
            E::Binary(op, a, b) => K::Binary { op: *op, lhs: boxed(a)?, rhs: boxed(b)? },
            E::If(branches, otherwise) => K::If {
                branches: branches.iter().map(|(c, v)| Ok((self.expr(c)?, self.expr(v)?))).collect::<Result<_>>()?,
                otherwise: boxed(otherwise)?,
            },
            E::Match(scrutinee, arms) => K::Match {
                scrutinee: boxed(scrutinee)?,
                arms: arms
                    .iter()
                    .map(|a| {
                        let patterns = a.patterns.as_deref().map(all).transpose()?;
                        Ok(ast::MatchArm {
                            pattern: pattern(patterns),
                            body: self.expr(&a.body)?,
                            span: Span::default(),
                        })
                    })
                    .collect::<Result<_>>()?,
            },
        }))
    }

    pub fn block(&mut self, stmts: &[S]) -> Result<ast::Block> {
        let stmts = stmts.iter().map(|s| self.stmt(s)).collect::<Result<_>>()?;
        Ok(ast::Block { stmts, span: Span::default() })
    }

    pub fn stmt(&mut self, s: &S) -> Result<ast::Stmt> {
        use ast::StmtKind as K;
        let p = self.program;
        let kind = match &s.kind {
            SKind::Assign { array, indices, value } => K::Assign {
                target: ast::Place {
                    name: ident(&p.arrays[*array].name),
                    indices: indices.iter().map(|i| self.expr(i)).collect::<Result<_>>()?,
                    span: Span::default(),
                },
                value: self.expr(value)?,
            },
            SKind::Observe(e) => K::Observe(self.expr(e)?),
            SKind::For { slot, name, start, end, body } => {
                let (start, end) = (self.expr(start)?, self.expr(end)?);
                let Some(entry) = self.loops.get_mut(*slot) else {
                    return unsupported("a loop nested deeper than the program's loops");
                };
                let outer = entry.replace(name.clone());
                let body = self.block(body);
                self.loops[*slot] = outer;
                K::For { var: ident(name), start, end, body: body? }
            }
            SKind::If { branches, otherwise } => K::If {
                branches: branches.iter().map(|(c, b)| Ok((self.expr(c)?, self.block(b)?))).collect::<Result<_>>()?,
                otherwise: otherwise.as_deref().map(|b| self.block(b)).transpose()?,
            },
            SKind::Match { scrutinee, arms } => K::Match {
                scrutinee: self.expr(scrutinee)?,
                arms: arms
                    .iter()
                    .map(|a| {
                        let patterns = a
                            .patterns
                            .as_ref()
                            .map(|ps| ps.iter().map(|e| self.expr(e)).collect::<Result<_>>())
                            .transpose()?;
                        Ok(ast::MatchArm {
                            pattern: pattern(patterns),
                            body: self.block(&a.body)?,
                            span: Span::default(),
                        })
                    })
                    .collect::<Result<_>>()?,
            },
        };
        Ok(ast::Stmt { kind, span: Span::default() })
    }
}
