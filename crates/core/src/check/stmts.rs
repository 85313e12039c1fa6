//! Statements -> checked statements: assignment targets, loops (their variables get slots),
//! conditions and `match` arms, `observe`, and the terms of the
//! objective (`minimize`).

use super::Checker;
use crate::program::*;
use tpt_source::diagnostics::Diagnostic;
use tpt_syntax::ast::{self, DeclKind};

impl Checker<'_> {
    pub(super) fn block(&mut self, block: &ast::Block) -> Option<Vec<Stmt>> {
        let mut stmts = Vec::new();
        let mut ok = true;
        for stmt in &block.stmts {
            match self.stmt(stmt) {
                Some(s) => stmts.push(s),
                None => ok = false,
            }
        }
        ok.then_some(stmts)
    }

    pub(super) fn stmt(&mut self, stmt: &ast::Stmt) -> Option<Stmt> {
        let span = stmt.span;
        let kind = match &stmt.kind {
            ast::StmtKind::Assign { target, value } => {
                let value = self.expr(value);
                let (array, indices) = self.element(&target.name, &target.indices, target.span)?;
                let info = &self.program.arrays[array];
                if !matches!(info.kind, DeclKind::Var | DeclKind::Output) {
                    let (kind, help) = match info.kind {
                        DeclKind::Param => ("param", "params are found by synthesis; assign to a `var` or `output`"),
                        _ => ("input", "inputs are given by each example; copy the input into a `var` to change it"),
                    };
                    let article = if kind == "input" { "an" } else { "a" };
                    let declared = info.span;
                    self.error(
                        Diagnostic::error(format!("cannot assign to {kind} `{}`", target.name.name))
                            .with_label(target.span, format!("`{}` is {article} {kind}", target.name.name))
                            .with_secondary(declared, "declared here")
                            .with_help(help),
                    );
                    return None;
                }
                let mut value = value?;
                if info.real {
                    super::exprs::promote(&self.program, &mut value);
                } else if value.is_real(&self.program) {
                    let name = info.name.clone();
                    let domain = info.domain;
                    let declared = info.name_span;
                    self.error(
                        Diagnostic::error(format!("a real cannot be stored in `{name}`, which takes values 0..{domain}"))
                            .with_label(value.span, "a real")
                            .with_secondary(declared, format!("`{name}` takes values 0..{domain}"))
                            .with_help(format!(
                                "convert it with `round(x, {domain})` (the nearest integer, kept within 0..{domain}), or declare `{name}` as `real`"
                            )),
                    );
                    return None;
                }
                StmtKind::Assign { array, indices, value, target_span: target.span }
            }
            ast::StmtKind::For { var, start, end, body } => {
                let start = self.constant_expr(start, "a loop bound");
                let end = self.constant_expr(end, "a loop bound");
                let slot = self.enter_loop(var, span, body.span);
                self.program.loop_depth = self.program.loop_depth.max(slot + 1);
                let body = self.block(body);
                self.leave_loop();
                StmtKind::For {
                    slot,
                    var_name: var.name.clone(),
                    var_span: var.span,
                    start: start?,
                    end: end?,
                    body: body?,
                }
            }
            ast::StmtKind::If { branches, otherwise } => {
                let mut resolved = Vec::new();
                let mut ok = true;
                let outer = self.runtime_branch;
                for (condition, block) in branches {
                    let condition_span = condition.span;
                    let checked = self.expr(condition).and_then(|c| self.condition(c));
                    // A branch after a runtime condition is taken at run time too.
                    if checked.as_ref().is_some_and(|c| !c.is_constant()) && self.runtime_branch == outer {
                        self.runtime_branch = Some(condition_span);
                    }
                    match (checked, self.block(block)) {
                        (Some(c), Some(b)) => resolved.push((c, b)),
                        _ => ok = false,
                    }
                }
                let otherwise = otherwise.as_ref().map(|block| self.block(block));
                self.runtime_branch = outer;
                let otherwise = match otherwise {
                    Some(block) => Some(block?),
                    None => None,
                };
                if !ok {
                    return None;
                }
                StmtKind::If { branches: resolved, otherwise }
            }
            ast::StmtKind::Match { scrutinee, arms } => {
                let scrutinee_span = scrutinee.span;
                let scrutinee = self.expr(scrutinee).and_then(|s| {
                    self.integer(
                        s,
                        "a `match` scrutinee is an integer",
                        "round the real first: `match round(x, 4) { .. }`",
                    )
                });
                let outer = self.runtime_branch;
                if scrutinee.as_ref().is_some_and(|s| !s.is_constant()) && outer.is_none() {
                    self.runtime_branch = Some(scrutinee_span);
                }
                let arms = self.arms(arms, |checker, block| checker.block(block));
                self.runtime_branch = outer;
                StmtKind::Match { scrutinee: scrutinee?, arms: arms? }
            }
            ast::StmtKind::Observe(expr) => {
                let expr = self.expr(expr)?;
                StmtKind::Observe(self.integer(
                    expr,
                    "`observe` takes a condition, an integer",
                    "compare the real: `observe x > 0.5;`",
                )?)
            }
            ast::StmtKind::Minimize(expr) => StmtKind::Minimize(self.objective_term(expr, span)?),
        };
        Some(Stmt { kind, span, origin: Origin { item: self.current_item, iteration: None } })
    }
}

impl Checker<'_> {
    /// The expression of `minimize e;`: the objective is one number for the whole program, so
    /// the term may read params and constants but nothing that differs between examples, and
    /// it may not stand in a branch taken at run time.
    fn objective_term(&mut self, expr: &ast::Expr, span: tpt_source::span::Span) -> Option<Expr> {
        let checked = self.expr(expr)?;
        let checked = self.integer(
            checked,
            "`minimize` takes an integer",
            "the objective counts over the finite-domain params: `minimize gate[g] != 4;`",
        )?;
        if let Some(condition) = self.runtime_branch {
            self.error(
                Diagnostic::error("`minimize` cannot stand inside a branch taken at run time")
                    .with_label(span, "this term of the objective")
                    .with_secondary(condition, "this condition is decided at run time")
                    .with_help("the objective is one number for the whole program: write the condition into the term, as in `minimize c && e;`"),
            );
            return None;
        }
        let mut read = None;
        checked.walk(&mut |e| {
            if let ExprKind::Elem { array, .. } = &e.kind {
                let info = &self.program.arrays[*array];
                if read.is_none() && (info.kind != DeclKind::Param || info.real) {
                    read = Some((*array, e.span));
                }
            }
        });
        if let Some((array, at)) = read {
            let info = &self.program.arrays[array];
            let (name, declared) = (info.name.clone(), info.name_span);
            if info.kind == DeclKind::Param {
                // The objective is optimized by the exact back ends, which know finite domains
                // only; a cost over a continuous value has no smallest program to prove.
                self.error(
                    Diagnostic::error("`minimize` may only read integer params and constants")
                        .with_label(at, format!("`{name}` is a real param"))
                        .with_secondary(declared, "declared here")
                        .with_help("the objective counts over the finite-domain params; constrain the real with `observe` instead"),
                );
                return None;
            }
            let kind = match info.kind {
                DeclKind::Input => "an input",
                DeclKind::Output => "an output",
                _ => "a var",
            };
            self.error(
                Diagnostic::error("`minimize` may only read params and constants")
                    .with_label(at, format!("`{name}` is {kind}, which differs between examples"))
                    .with_secondary(declared, "declared here")
                    .with_help("the objective is one number for the whole program, computed from the params alone"),
            );
            return None;
        }
        Some(checked)
    }
}
