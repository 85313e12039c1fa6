//! Checked code -> AST nodes (without spans: printed without comments), for the printed
//! program. Names come back from the program's tables; loop variables of kept loops get their
//! names back from their loops.

use tpt_core::program::{Arm, Builtin, Expr, ExprKind, Program, RealOp, Stmt, StmtKind};
use tpt_source::span::Span;
use tpt_syntax::ast::{self, UnOp};

use super::simplify::{unsupported, Result};

/// The array (`a`) or row (`m[i]`, an element read missing its last index) whose elements,
/// in order, `elements` reads, if they are exactly that.
fn whole_row(program: &Program, elements: &[Expr]) -> Option<Expr> {
    let ExprKind::Elem { array, indices } = &elements.first()?.kind else { return None };
    let (_, prefix) = indices.split_last()?;
    let length = *program.arrays[*array].dims.last()?;
    let in_order = elements.len() == length
        && elements.iter().enumerate().all(|(position, e)| match &e.kind {
            ExprKind::Elem { array: a, indices } => {
                a == array
                    && indices.split_last().is_some_and(|(last, rest)| {
                        rest == prefix && matches!(last.kind, ExprKind::Int(v) if v == position as i64)
                    })
            }
            _ => false,
        });
    in_order.then(|| Expr::synthetic(ExprKind::Elem { array: *array, indices: prefix.to_vec() }))
}

/// Turns checked code into AST nodes.
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

    fn exprs(&self, es: &[Expr]) -> Result<Vec<ast::Expr>> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    fn patterns<B>(&self, arm: &Arm<B>) -> Result<ast::Pattern> {
        Ok(pattern(arm.patterns.as_deref().map(|ps| self.exprs(ps)).transpose()?))
    }

    pub fn expr(&self, e: &Expr) -> Result<ast::Expr> {
        use ast::ExprKind as K;
        let p = self.program;
        let boxed = |e: &Expr| self.expr(e).map(Box::new);
        Ok(node(match &e.kind {
            ExprKind::Int(v) if *v < 0 => {
                // Literals are non-negative; i64::MIN never reaches here (folding skips it).
                K::Unary { op: UnOp::Neg, operand: Box::new(node(K::Int(v.checked_neg().unwrap_or(i64::MAX)))) }
            }
            ExprKind::Int(v) => K::Int(*v),
            ExprKind::Real(v) if *v < 0.0 || (*v == 0.0 && v.is_sign_negative()) => {
                K::Unary { op: UnOp::Neg, operand: Box::new(node(K::Real(ast::RealLit::of(-*v)))) }
            }
            ExprKind::Real(v) => K::Real(ast::RealLit::of(*v)),
            // The promotion of an integer is implicit in the syntax.
            ExprKind::ToReal(inner) => return self.expr(inner),
            ExprKind::RealOp { op, args } => match (op.binary(), args.as_slice()) {
                (Some(binary), [lhs, rhs]) => K::Binary { op: binary, lhs: boxed(lhs)?, rhs: boxed(rhs)? },
                (None, [operand]) if *op == RealOp::Neg => K::Unary { op: UnOp::Neg, operand: boxed(operand)? },
                _ => {
                    let name = match op {
                        RealOp::Abs => Builtin::Abs.name(),
                        RealOp::Min => Builtin::Min.name(),
                        _ => Builtin::Max.name(),
                    };
                    K::Call { func: ident(name), args: self.exprs(args)? }
                }
            },
            ExprKind::Builtin { func, args } => K::Call { func: ident(func.name()), args: self.exprs(args)? },
            ExprKind::RealCompare { op, lhs, rhs } => K::Binary { op: *op, lhs: boxed(lhs)?, rhs: boxed(rhs)? },
            ExprKind::Round { operand, domain } => {
                K::Call { func: ident(Builtin::ROUND), args: vec![self.expr(operand)?, self.expr(domain)?] }
            }
            ExprKind::Const(id) => K::Name(ident(&p.consts[*id].name)),
            ExprKind::LoopVar(slot) => match self.loops.get(*slot).cloned().flatten() {
                Some(name) => K::Name(ident(&name)),
                None => return unsupported("a loop variable outside its loop"),
            },
            ExprKind::FnArg(_) => return unsupported("a function parameter outside its function"),
            ExprKind::Elem { array, indices } if indices.is_empty() => K::Name(ident(&p.arrays[*array].name)),
            ExprKind::Elem { array, indices } => {
                K::Index { base: ident(&p.arrays[*array].name), indices: self.exprs(indices)? }
            }
            ExprKind::Call { func, args } => K::Call { func: ident(&p.fns[*func].name), args: self.exprs(args)? },
            ExprKind::FromBits { elements } => return self.bits_number_syntax(elements),
            ExprKind::Unary { op, operand } => K::Unary { op: *op, operand: boxed(operand)? },
            ExprKind::Binary { op, lhs, rhs } => K::Binary { op: *op, lhs: boxed(lhs)?, rhs: boxed(rhs)? },
            ExprKind::If { branches, otherwise } => K::If {
                branches: branches.iter().map(|(c, v)| Ok((self.expr(c)?, self.expr(v)?))).collect::<Result<_>>()?,
                otherwise: boxed(otherwise)?,
            },
            ExprKind::Match { scrutinee, arms } => K::Match {
                scrutinee: boxed(scrutinee)?,
                arms: arms
                    .iter()
                    .map(|a| {
                        Ok(ast::MatchArm {
                            pattern: self.patterns(a)?,
                            body: self.expr(&a.body)?,
                            span: Span::default(),
                        })
                    })
                    .collect::<Result<_>>()?,
            },
        }))
    }

    /// `from_bits(a)` or `from_bits(m[i])` when the elements are still a whole row of one
    /// array; otherwise (a printer pass replaced some of them) the number they spell, written
    /// out: `(e0 * 2 + e1) * 2 + e2`.
    fn bits_number_syntax(&self, elements: &[Expr]) -> Result<ast::Expr> {
        if let Some(row) = whole_row(self.program, elements) {
            return Ok(node(ast::ExprKind::Call { func: ident("from_bits"), args: vec![self.expr(&row)?] }));
        }
        let mut number: Option<ast::Expr> = None;
        for element in elements {
            let bit = self.expr(element)?;
            number = Some(match number {
                None => bit,
                Some(high) => {
                    let doubled = node(ast::ExprKind::Binary {
                        op: ast::BinOp::Mul,
                        lhs: Box::new(high),
                        rhs: Box::new(node(ast::ExprKind::Int(2))),
                    });
                    node(ast::ExprKind::Binary { op: ast::BinOp::Add, lhs: Box::new(doubled), rhs: Box::new(bit) })
                }
            });
        }
        Ok(number.unwrap_or_else(|| node(ast::ExprKind::Int(0))))
    }

    pub fn block(&mut self, stmts: &[Stmt]) -> Result<ast::Block> {
        let stmts = stmts.iter().map(|s| self.stmt(s)).collect::<Result<_>>()?;
        Ok(ast::Block { stmts, span: Span::default() })
    }

    pub fn stmt(&mut self, s: &Stmt) -> Result<ast::Stmt> {
        use ast::StmtKind as K;
        let p = self.program;
        let kind = match &s.kind {
            StmtKind::Assign { array, indices, value, .. } => K::Assign {
                target: ast::Place {
                    name: ident(&p.arrays[*array].name),
                    indices: self.exprs(indices)?,
                    span: Span::default(),
                },
                value: self.expr(value)?,
            },
            StmtKind::Observe(e) => K::Observe(self.expr(e)?),
            StmtKind::Minimize(e) => K::Minimize(self.expr(e)?),
            StmtKind::For { slot, var_name, start, end, body, .. } => {
                let (start, end) = (self.expr(start)?, self.expr(end)?);
                let Some(entry) = self.loops.get_mut(*slot) else {
                    return unsupported("a loop nested deeper than the program's loops");
                };
                let outer = entry.replace(var_name.clone());
                let body = self.block(body);
                self.loops[*slot] = outer;
                K::For { var: ident(var_name), start, end, body: body? }
            }
            StmtKind::If { branches, otherwise } => K::If {
                branches: branches.iter().map(|(c, b)| Ok((self.expr(c)?, self.block(b)?))).collect::<Result<_>>()?,
                otherwise: otherwise.as_deref().map(|b| self.block(b)).transpose()?,
            },
            StmtKind::Match { scrutinee, arms } => K::Match {
                scrutinee: self.expr(scrutinee)?,
                arms: arms
                    .iter()
                    .map(|a| {
                        Ok(ast::MatchArm {
                            pattern: self.patterns(a)?,
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
