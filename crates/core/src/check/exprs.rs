//! Expressions -> checked expressions: names resolved (with did-you-mean and "declared
//! later" hints), element reads checked against their arrays, operators (integer or real)
//! checked, constant expressions evaluated. Calls and the built-in functions are in `calls`.

mod calls;

pub(super) use calls::{BITS, FROM_BITS};

use super::{Checker, Symbol};
use crate::eval::{constant_value, eval_const, index_out_of_range};
use crate::program::*;
use tpt_source::diagnostics::Diagnostic;
use tpt_source::diagnostics::{agreeing, closest, plural};
use tpt_source::span::Span;
use tpt_syntax::ast;

impl Checker<'_> {
    /// Evaluate a resolved constant expression, reporting failures.
    pub(super) fn evaluate(&mut self, expr: &Expr, loop_vars: &[i64]) -> Option<i64> {
        match constant_value(&self.program, expr, loop_vars) {
            Ok(value) => Some(value),
            Err(diagnostic) => {
                self.error(diagnostic);
                None
            }
        }
    }

    /// Resolve an expression that must be constant (it may use loop variables) and an
    /// integer.
    pub(super) fn constant_expr(&mut self, expr: &ast::Expr, what: &str) -> Option<Expr> {
        let resolved = self.constant_number(expr, what)?;
        self.integer(resolved, &format!("{what} is an integer"), "")
    }

    /// Resolve a constant expression that may be an integer or a real (an example value, a
    /// param binding, a tolerance).
    pub(super) fn constant_number(&mut self, expr: &ast::Expr, what: &str) -> Option<Expr> {
        let resolved = self.expr(expr)?;
        if let Some(read) = resolved.first_runtime_read() {
            let span = read.span;
            self.error(
                Diagnostic::error(format!("{what} must be a constant expression"))
                    .with_label(span, "this is a runtime value")
                    .with_help("constant expressions use integer literals, `const` names, loop variables and `fn` calls on those"),
            );
            return None;
        }
        Some(resolved)
    }

    pub(super) fn unknown_name(&mut self, ident: &ast::Ident) {
        let diagnostic = self.unknown_name_diagnostic(ident);
        self.error(diagnostic);
    }

    /// "cannot find `x`", with the later declaration or a close name when there is one.
    pub(super) fn unknown_name_diagnostic(&self, ident: &ast::Ident) -> Diagnostic {
        let diagnostic =
            Diagnostic::error(format!("cannot find `{}`", ident.name)).with_label(ident.span, "not declared");
        if self.errors.len() >= super::MAX_ERRORS {
            // Past the errors that are shown, no hint is looked for: a file of thousands of
            // unknown names would spend its time comparing each with every name.
            return diagnostic;
        }
        if self.current_fn.as_ref() == Some(&ident.name) {
            // The function's name is declared after its body, since its table is built from it.
            return diagnostic.with_help(
                "a `fn` cannot call itself: its body may use only its parameters, constants and earlier functions",
            );
        }
        if let Some(&later) = self.all_declarations.get(&ident.name) {
            if later.start > ident.span.start {
                return diagnostic
                    .with_secondary(later, "declared here, after its use")
                    .with_help("names must be declared before they are used; move the declaration up");
            }
        }
        let mut candidates: Vec<&str> = self.names.keys().map(String::as_str).collect();
        candidates.extend(self.loop_vars.iter().map(|(n, _)| n.as_str()));
        if let Some(params) = &self.fn_params {
            candidates.extend(params.iter().map(|(n, _)| n.as_str()));
        }
        match closest(&ident.name, &candidates) {
            Some(best) => diagnostic.with_help(format!("a name that exists: `{best}`")),
            None => diagnostic,
        }
    }

    /// Resolve a name used as a value (not indexed, not called).
    pub(super) fn name(&mut self, ident: &ast::Ident, span: Span) -> Option<Expr> {
        self.record_use(ident);
        if let Some((_, slot)) = self.loop_vars.iter().rev().find(|(n, _)| *n == ident.name) {
            return Some(Expr::at(ExprKind::LoopVar(*slot), span));
        }
        if let Some(params) = &self.fn_params {
            if let Some(position) = params.iter().position(|(n, _)| *n == ident.name) {
                return Some(Expr::at(ExprKind::FnArg(position), span));
            }
        }
        let Some(&(symbol, declared)) = self.names.get(&ident.name) else {
            self.unknown_name(ident);
            return None;
        };
        match symbol {
            Symbol::Poisoned => None,
            Symbol::Const(id) => Some(Expr::at(ExprKind::Const(id), span)),
            Symbol::Array(id) => {
                let array = &self.program.arrays[id];
                if array.dims.is_empty() {
                    return Some(Expr::at(ExprKind::Elem { array: id, indices: Vec::new() }, span));
                }
                let dims = array.dims.len();
                self.error(
                    Diagnostic::error(format!(
                        "`{}` is an array and needs {dims} {} here",
                        ident.name,
                        agreeing(dims, "index", "indices")
                    ))
                    .with_label(span, "a whole array is not a value")
                    .with_secondary(declared, "declared here")
                    .with_help(format!(
                        "select one element, e.g. `{}{}`",
                        ident.name,
                        "[0]".repeat(dims)
                    )),
                );
                None
            }
            Symbol::Fn(_) => {
                self.error(
                    Diagnostic::error(format!("`{}` is a function, not a value", ident.name))
                        .with_label(span, "call it with arguments")
                        .with_secondary(declared, "declared here"),
                );
                None
            }
        }
    }

    pub(super) fn exprs(&mut self, exprs: &[ast::Expr]) -> Option<Vec<Expr>> {
        let resolved: Vec<Option<Expr>> = exprs.iter().map(|e| self.expr(e)).collect();
        resolved.into_iter().collect()
    }

    /// Resolve an array element read or write target.
    pub(super) fn element(
        &mut self,
        base: &ast::Ident,
        indices: &[ast::Expr],
        span: Span,
    ) -> Option<(ArrayId, Vec<Expr>)> {
        let resolved = self.exprs(indices);
        self.record_use(base);
        if self.loop_vars.iter().any(|(n, _)| *n == base.name)
            || self.fn_params.as_ref().is_some_and(|p| p.iter().any(|(n, _)| *n == base.name))
        {
            self.error(
                Diagnostic::error(format!("`{}` cannot be indexed", base.name))
                    .with_label(span, "only arrays can be indexed"),
            );
            return None;
        }
        let Some(&(symbol, declared)) = self.names.get(&base.name) else {
            self.unknown_name(base);
            return None;
        };
        if let Symbol::Poisoned = symbol {
            return None;
        }
        let Symbol::Array(id) = symbol else {
            self.error(
                Diagnostic::error(format!("`{}` cannot be indexed", base.name))
                    .with_label(span, "only arrays can be indexed")
                    .with_secondary(declared, "declared here"),
            );
            return None;
        };
        let resolved = self.integers(resolved?, "an index is an integer", "")?;
        let array = &self.program.arrays[id];
        if resolved.len() != array.dims.len() {
            let message = match array.dims.len() {
                0 => format!("`{}` is a scalar and cannot be indexed", base.name),
                n => format!("`{}` has {} but {}", base.name, plural(n, "dimension"), indices_given(resolved.len())),
            };
            let dims = array.dims.len();
            let help = match dims {
                0 => format!("`{}` holds one value: write `{}`", base.name, base.name),
                _ => format!("give one index per dimension: `{}{}`", base.name, "[..]".repeat(dims)),
            };
            self.error(
                Diagnostic::error(message)
                    .with_label(span, "wrong number of indices")
                    .with_secondary(declared, "declared here")
                    .with_help(help),
            );
            return None;
        }
        self.check_constant_indices(id, &resolved);
        Some((id, resolved))
    }

    /// Indices that are constant without loop variables are checked right away; others are
    /// checked for every iteration when the program is unrolled.
    pub(super) fn check_constant_indices(&mut self, array: ArrayId, indices: &[Expr]) {
        for (dim, index) in indices.iter().enumerate() {
            if !index.is_constant() || index.uses_loop_var() {
                continue;
            }
            let Ok(value) = eval_const(&self.program, index, &[]) else {
                continue;
            };
            let info = &self.program.arrays[array];
            let size = info.dims[dim];
            if value < 0 || value as usize >= size {
                let diagnostic = index_out_of_range(info, dim, value, index.span);
                self.error(diagnostic);
            }
        }
    }

    pub(super) fn expr(&mut self, expr: &ast::Expr) -> Option<Expr> {
        let span = expr.span;
        let kind = match &expr.kind {
            ast::ExprKind::Int(value) => ExprKind::Int(*value),
            ast::ExprKind::Real(real) => ExprKind::Real(real.value),
            ast::ExprKind::Name(ident) => return self.name(ident, span),
            ast::ExprKind::Paren(inner) => return self.expr(inner).map(|e| Expr::at(e.kind, span)),
            ast::ExprKind::Index { base, indices } => {
                let (array, indices) = self.element(base, indices, span)?;
                ExprKind::Elem { array, indices }
            }
            ast::ExprKind::Call { func, args } => return self.call(func, args, span),
            ast::ExprKind::Unary { op, operand } => {
                let operand = self.expr(operand)?;
                match (op, operand.is_real(&self.program)) {
                    (ast::UnOp::Neg, true) => ExprKind::RealOp { op: RealOp::Neg, args: vec![operand] },
                    (_, true) => {
                        let what = format!("`{}` takes an integer", op.symbol());
                        let help = if *op == ast::UnOp::Not {
                            "compare the real instead: `!(x > 0.5)` is `x <= 0.5`"
                        } else {
                            ""
                        };
                        self.integer(operand, &what, help)?;
                        return None;
                    }
                    (_, false) => ExprKind::Unary { op: *op, operand: Box::new(operand) },
                }
            }
            ast::ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = (self.expr(lhs), self.expr(rhs));
                return self.binary(*op, l?, r?, span);
            }
            ast::ExprKind::If { branches, otherwise } => {
                let mut resolved = Vec::new();
                let mut ok = true;
                for (condition, value) in branches {
                    let condition = self.expr(condition).and_then(|c| self.condition(c));
                    match (condition, self.expr(value)) {
                        (Some(c), Some(v)) => resolved.push((c, v)),
                        _ => ok = false,
                    }
                }
                let otherwise = self.expr(otherwise);
                if !ok {
                    return None;
                }
                let mut otherwise = otherwise?;
                // One real arm makes the conditional real: the integer arms are promoted.
                let program = &self.program;
                if otherwise.is_real(program) || resolved.iter().any(|(_, v)| v.is_real(program)) {
                    for (_, value) in &mut resolved {
                        promote(program, value);
                    }
                    promote(program, &mut otherwise);
                }
                ExprKind::If { branches: resolved, otherwise: Box::new(otherwise) }
            }
            ast::ExprKind::Match { scrutinee, arms } => {
                let scrutinee = self.expr(scrutinee).and_then(|s| {
                    self.integer(
                        s,
                        "a `match` scrutinee is an integer",
                        "round the real first: `match round(x, 4) { .. }`",
                    )
                });
                let arms = self.arms(arms, |checker, body| checker.expr(body));
                let mut arms = arms?;
                let program = &self.program;
                if arms.iter().any(|arm| arm.body.is_real(program)) {
                    for arm in &mut arms {
                        promote(program, &mut arm.body);
                    }
                }
                ExprKind::Match { scrutinee: Box::new(scrutinee?), arms }
            }
        };
        Some(Expr::at(kind, span))
    }

    /// A binary operation: on integers as written; with a real operand, the arithmetic and the
    /// comparisons of reals (the integer operand promoted), and an error for the rest.
    fn binary(&mut self, op: ast::BinOp, lhs: Expr, rhs: Expr, span: Span) -> Option<Expr> {
        let program = &self.program;
        if !lhs.is_real(program) && !rhs.is_real(program) {
            return Some(Expr::at(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span));
        }
        let (mut lhs, mut rhs) = (lhs, rhs);
        promote(program, &mut lhs);
        promote(program, &mut rhs);
        if let Some(real) = RealOp::of_binary(op) {
            return Some(Expr::at(ExprKind::RealOp { op: real, args: vec![lhs, rhs] }, span));
        }
        if op.is_comparison() {
            return Some(Expr::at(ExprKind::RealCompare { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span));
        }
        let real = if matches!(lhs.kind, ExprKind::ToReal(_)) { rhs } else { lhs };
        let (what, help) = match op {
            ast::BinOp::And | ast::BinOp::Or => (
                format!("`{}` takes conditions, which are integers", op.symbol()),
                "compare the real instead: `x > 0.5`",
            ),
            ast::BinOp::Rem => ("`%` takes integers".to_string(), "round the real first: `round(x, 10) % 2`"),
            _ => (format!("`{}` takes integers", op.symbol()), "round the real first with `round(x, D)`"),
        };
        self.integer(real, &what, help)?;
        None
    }

    /// A condition of `if`, `&&`, `||`: an integer.
    pub(super) fn condition(&mut self, condition: Expr) -> Option<Expr> {
        self.integer(condition, "a condition is an integer", "compare the real instead: `x > 0.5`")
    }

    /// `expr` where an integer is required: an error pointing at it when it is a real.
    /// `what` says what requires it ("an index is an integer").
    pub(super) fn integer(&mut self, expr: Expr, what: &str, help: &str) -> Option<Expr> {
        if !expr.is_real(&self.program) {
            return Some(expr);
        }
        let help =
            if help.is_empty() { "a real becomes an integer with `round(x, D)`, which rounds into 0..D" } else { help };
        self.error(
            Diagnostic::error(format!("{what}, and this is a real")).with_label(expr.span, "a real").with_help(help),
        );
        None
    }

    /// Every expression of a list an integer (see `integer`).
    pub(super) fn integers(&mut self, exprs: Vec<Expr>, what: &str, help: &str) -> Option<Vec<Expr>> {
        let checked: Vec<Option<Expr>> = exprs.into_iter().map(|e| self.integer(e, what, help)).collect();
        checked.into_iter().collect()
    }

    pub(super) fn arms<A, B>(
        &mut self,
        arms: &[ast::MatchArm<A>],
        mut body: impl FnMut(&mut Self, &A) -> Option<B>,
    ) -> Option<Vec<Arm<B>>> {
        let mut resolved = Vec::new();
        let mut ok = true;
        for arm in arms {
            let patterns = match &arm.pattern {
                ast::Pattern::Wildcard(_) => Some(None),
                ast::Pattern::Values(values) => {
                    let list: Option<Vec<Expr>> = values
                        .iter()
                        .map(|v| self.constant_expr(v, "a `match` pattern"))
                        .collect::<Vec<_>>()
                        .into_iter()
                        .collect();
                    list.map(Some)
                }
            };
            let body = body(self, &arm.body);
            match (patterns, body) {
                (Some(patterns), Some(body)) => resolved.push(Arm { patterns, body, span: arm.span }),
                _ => ok = false,
            }
        }
        ok.then_some(resolved)
    }
}

/// Make an integer expression a real one (see [`ExprKind::ToReal`]); a real stays as it is.
pub(super) fn promote(program: &Program, expr: &mut Expr) {
    if expr.is_real(program) {
        return;
    }
    let span = expr.span;
    let inner = std::mem::replace(expr, Expr::at(ExprKind::Int(0), span));
    *expr = Expr::at(ExprKind::ToReal(Box::new(inner)), span);
}

/// `1 index is given`, `2 indices are given`.
pub(super) fn indices_given(count: usize) -> String {
    format!("{count} {} given", agreeing(count, "index is", "indices are"))
}
