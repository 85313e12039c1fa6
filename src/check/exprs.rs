//! Expressions -> checked expressions: names resolved (with did-you-mean and "declared
//! later" hints), element reads checked against their arrays, calls against their `fn`s,
//! constant expressions evaluated.

use super::{Checker, Symbol};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::{agreeing, closest, plural};
use crate::eval::{constant_value, eval_const, index_out_of_range};
use crate::program::*;
use crate::span::Span;

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

    pub(super) fn call(&mut self, func: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Expr> {
        // A `fn` the program declares keeps its name's meaning; the built-in functions of
        // numbers are the names no `fn` takes.
        let declared = self.names.contains_key(&func.name);
        if !declared {
            if let Some(builtin) = Builtin::named(&func.name) {
                return self.builtin(builtin, func, args, span);
            }
            if func.name == Builtin::ROUND {
                return self.round(func, args, span);
            }
        }
        match func.name.as_str() {
            FROM_BITS => return self.number_of_bits(args, span),
            BITS => {
                self.error(
                    Diagnostic::error("`bits(v, n)` is a list, not a number")
                        .with_label(span, "the n bits of v, as a list")
                        .with_help("`bits(v, n)` gives the whole value of an array in an example or a param binding (`x = bits(5, 4);`); in an expression, bit `i` (0 the least significant) of `v` is `v >> i & 1`"),
                );
                return None;
            }
            _ => {}
        }
        let resolved = self.exprs(args);
        let Some(&(symbol, declared)) = self.names.get(&func.name) else {
            self.unknown_name(func);
            return None;
        };
        if let Symbol::Poisoned = symbol {
            return None;
        }
        let Symbol::Fn(id) = symbol else {
            self.error(
                Diagnostic::error(format!("`{}` is not a function", func.name))
                    .with_label(func.span, "called here")
                    .with_secondary(declared, "declared here"),
            );
            return None;
        };
        let arity = self.program.fns[id].params.len();
        if args.len() != arity {
            self.error(
                Diagnostic::error(format!(
                    "`{}` takes {} but {} {} given",
                    func.name,
                    plural(arity, "argument"),
                    args.len(),
                    agreeing(args.len(), "was", "were")
                ))
                .with_label(span, "wrong number of arguments")
                .with_secondary(self.program.fns[id].name_span, "declared here"),
            );
            return None;
        }
        let resolved = self.integers(
            resolved?,
            &format!("the arguments of `{}` are integers", func.name),
            "a `fn` takes values of finite domains; round the real first with `round(x, D)`",
        )?;
        Some(Expr::at(ExprKind::Call { func: id, args: resolved }, span))
    }

    /// `abs(a)`, `min(a, b)`, `max(a, b)`: on integers, or on reals when an argument is real.
    fn builtin(&mut self, builtin: Builtin, func: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Expr> {
        let resolved = self.exprs(args);
        if args.len() != builtin.arity() {
            self.error(
                Diagnostic::error(format!(
                    "`{}` takes {} but {} {} given",
                    func.name,
                    plural(builtin.arity(), "argument"),
                    args.len(),
                    agreeing(args.len(), "was", "were")
                ))
                .with_label(span, "wrong number of arguments"),
            );
            return None;
        }
        let mut args = resolved?;
        let program = &self.program;
        if args.iter().any(|a| a.is_real(program)) {
            args.iter_mut().for_each(|a| promote(program, a));
            return Some(Expr::at(ExprKind::RealOp { op: builtin.real_op(), args }, span));
        }
        Some(Expr::at(ExprKind::Builtin { func: builtin, args }, span))
    }

    /// `round(x, D)`: a real rounded to the nearest integer and kept within `0..D`.
    fn round(&mut self, func: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Expr> {
        let usage =
            "`round(x, D)` rounds the real x to the nearest integer (halves away from zero) and keeps it within 0..D";
        let [value, domain] = args else {
            self.error(
                Diagnostic::error(format!(
                    "`{}` takes 2 arguments but {} {} given",
                    func.name,
                    args.len(),
                    agreeing(args.len(), "was", "were")
                ))
                .with_label(span, "wrong number of arguments")
                .with_help(usage),
            );
            return None;
        };
        let value = self.expr(value);
        let domain = self.constant_expr(domain, "the domain of `round(x, D)`");
        let mut value = value?;
        promote(&self.program, &mut value);
        let domain = domain?;
        if !domain.uses_loop_var() {
            let size = self.evaluate(&domain, &[])?;
            if size < 1 || size as u64 > self.limits.max_domain {
                self.error(
                    Diagnostic::error(format!("`round(x, D)` into a domain of size {size}"))
                        .with_label(domain.span, format!("this is {size}"))
                        .with_help(format!("D must be between 1 and {} (`--max-domain`)", self.limits.max_domain)),
                );
                return None;
            }
        }
        Some(Expr::at(ExprKind::Round { operand: Box::new(value), domain: Box::new(domain) }, span))
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

/// The built-in functions: `bits(v, n)` (a list value, see `check::examples`) and
/// `from_bits(a)` (an expression).
pub(super) const BITS: &str = "bits";
pub(super) const FROM_BITS: &str = "from_bits";

/// The most elements `from_bits` reads: the number must fit in a signed 64-bit integer.
const MAX_BITS: usize = 63;

impl Checker<'_> {
    /// `from_bits(a)` or `from_bits(m[i])`: the elements of a one-dimensional array of bits,
    /// or of a row of a larger one, read as one binary number, most significant first.
    fn number_of_bits(&mut self, args: &[ast::Expr], span: Span) -> Option<Expr> {
        let usage = "`from_bits(a)` takes an array of bits (or a row `m[i]` of a larger one) and gives the number they spell, most significant bit first";
        let [arg] = args else {
            self.error(
                Diagnostic::error(format!(
                    "`from_bits` takes 1 argument but {} {} given",
                    args.len(),
                    agreeing(args.len(), "was", "were")
                ))
                .with_label(span, "wrong number of arguments")
                .with_help(usage),
            );
            return None;
        };
        let (base, indices) = match &arg.kind {
            ast::ExprKind::Name(name) => (name, &[][..]),
            ast::ExprKind::Index { base, indices } => (base, indices.as_slice()),
            _ => {
                self.error(
                    Diagnostic::error("`from_bits` needs an array")
                        .with_label(arg.span, "not an array")
                        .with_help(usage),
                );
                return None;
            }
        };
        let array = match self.names.get(&base.name) {
            _ if self.loop_vars.iter().any(|(n, _)| *n == base.name)
                || self.fn_params.as_ref().is_some_and(|p| p.iter().any(|(n, _)| *n == base.name)) =>
            {
                None
            }
            Some(&(Symbol::Array(id), _)) => Some(id),
            Some(&(Symbol::Poisoned, _)) => return None,
            Some(_) => None,
            None => {
                self.unknown_name(base);
                return None;
            }
        };
        let Some(array) = array else {
            self.error(
                Diagnostic::error(format!("`from_bits` needs an array, and `{}` is not one", base.name))
                    .with_label(arg.span, "not an array")
                    .with_help(usage),
            );
            return None;
        };
        let resolved = self.exprs(indices)?;
        let info = &self.program.arrays[array];
        let (name, dims, domain, declared) = (info.name.clone(), info.dims.clone(), info.domain, info.name_span);
        if dims.len() != resolved.len() + 1 {
            let (message, help) = match dims.len() {
                0 => (format!("`from_bits` needs an array, and `{name}` is a scalar"), usage.to_string()),
                n => {
                    let wanted = n - 1;
                    (
                        format!(
                            "`from_bits` reads a row of `{name}`, which has {}: it needs {wanted} {} but {}",
                            plural(n, "dimension"),
                            agreeing(wanted, "index", "indices"),
                            indices_given(resolved.len())
                        ),
                        format!("give every index but the last: `from_bits({name}{})`", "[..]".repeat(wanted)),
                    )
                }
            };
            self.error(
                Diagnostic::error(message)
                    .with_label(arg.span, "not a row of bits")
                    .with_secondary(declared, "declared here")
                    .with_help(help),
            );
            return None;
        }
        if domain > 2 || self.program.arrays[array].real {
            let domain = self.program.arrays[array].domain_text().replace("0..", "values 0..");
            let domain = if domain == "real" { "real values".to_string() } else { domain };
            self.error(
                Diagnostic::error(format!("`from_bits` reads bits, and `{name}` takes {domain}"))
                    .with_label(arg.span, "not an array of bits")
                    .with_secondary(declared, "declared here")
                    .with_help(format!("{usage}; declare `{name}` with domain `bool`")),
            );
            return None;
        }
        let length = dims[dims.len() - 1];
        if length > MAX_BITS {
            self.error(
                Diagnostic::error(format!("`from_bits` of {length} bits does not fit in a 64-bit integer"))
                    .with_label(arg.span, format!("{length} bits"))
                    .with_secondary(declared, "declared here")
                    .with_help(format!("numbers are signed 64-bit: `from_bits` reads at most {MAX_BITS} bits")),
            );
            return None;
        }
        self.check_constant_indices(array, &resolved);
        let elements = (0..length)
            .map(|position| {
                let mut indices = resolved.clone();
                indices.push(Expr::at(ExprKind::Int(position as i64), arg.span));
                Expr::at(ExprKind::Elem { array, indices }, arg.span)
            })
            .collect();
        Some(Expr::at(ExprKind::FromBits { elements }, span))
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
