//! AST -> checked program. Resolves names, evaluates constants (after `--set` overrides),
//! dimensions and domains, tabulates every `fn` by enumeration, checks what can be checked
//! without unrolling, and expands `example` blocks into concrete data. Collects every error it
//! can instead of stopping at the first.

use std::collections::{HashMap, HashSet};

use crate::ast::{self, DeclKind};
use crate::diagnostics::{agreeing, plural, Diagnostic};
use crate::eval::{eval, eval_const, ConstEnv, EvalError};
use crate::limits::Limits;
use crate::program::*;
use crate::span::Span;

/// What the checker needs besides the AST.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// `--set NAME=VALUE` overrides of `const` declarations.
    pub overrides: Vec<(String, i64)>,
    pub limits: Limits,
}

/// A checked program and the warnings found on the way.
#[derive(Debug)]
pub struct Checked {
    pub program: Program,
    pub warnings: Vec<Diagnostic>,
}

/// Check a parsed file. On failure, the diagnostics hold at least one error.
pub fn check(file: &ast::File, options: &CheckOptions) -> Result<Checked, Vec<Diagnostic>> {
    let mut checker = Checker::new(file, options);
    for item in &file.items {
        checker.item(item);
    }
    checker.finish()
}

#[derive(Clone, Copy, Debug)]
enum Symbol {
    Const(ConstId),
    Fn(FnId),
    Array(ArrayId),
    /// A declaration that failed to check: uses of it are not reported again.
    Poisoned,
}

/// A resolved example value, evaluated once per iteration of the loops around the example.
enum ValueTree {
    Expr(Expr),
    List(Vec<ValueTree>, Span),
    Repeat(Box<ValueTree>, Expr, Span),
    Hole(Span),
}

impl ValueTree {
    fn span(&self) -> Span {
        match self {
            ValueTree::Expr(e) => e.span,
            ValueTree::List(_, span) | ValueTree::Repeat(_, _, span) | ValueTree::Hole(span) => *span,
        }
    }
}

struct ResolvedEntry {
    array: ArrayId,
    indices: Vec<Expr>,
    value: ValueTree,
    span: Span,
}

struct Checker<'a> {
    program: Program,
    names: HashMap<String, (Symbol, Span)>,
    /// Every top-level name in the file with its declaration, for "declared later" hints.
    all_declarations: HashMap<String, Span>,
    loop_vars: Vec<(String, usize)>,
    fn_params: Option<Vec<(String, u32)>>,
    /// The `fn` whose body is being resolved, to explain why it cannot call itself.
    current_fn: Option<String>,
    overrides: HashMap<String, i64>,
    limits: &'a Limits,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    example_work: u64,
}

impl<'a> Checker<'a> {
    fn new(file: &ast::File, options: &'a CheckOptions) -> Self {
        let mut all_declarations = HashMap::new();
        for item in &file.items {
            let name = match item {
                ast::Item::Const(c) => &c.name,
                ast::Item::Fn(f) => &f.name,
                ast::Item::Decl(d) => &d.name,
                ast::Item::Stmt(_) => continue,
            };
            all_declarations.entry(name.name.clone()).or_insert(name.span);
        }
        Checker {
            program: Program::default(),
            names: HashMap::new(),
            all_declarations,
            loop_vars: Vec::new(),
            fn_params: None,
            current_fn: None,
            overrides: options.overrides.iter().cloned().collect(),
            limits: &options.limits,
            errors: Vec::new(),
            warnings: Vec::new(),
            example_work: 0,
        }
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    fn finish(mut self) -> Result<Checked, Vec<Diagnostic>> {
        let declared: HashSet<&str> = self.program.consts.iter().map(|c| c.name.as_str()).collect();
        let mut unknown: Vec<&String> =
            self.overrides.keys().filter(|name| !declared.contains(name.as_str())).collect();
        unknown.sort();
        let consts: Vec<&str> = self.program.consts.iter().map(|c| c.name.as_str()).collect();
        let unknown_errors: Vec<Diagnostic> = unknown
            .into_iter()
            .map(|name| {
                let listed = if consts.is_empty() {
                    "this program declares no constants".to_string()
                } else if let Some(best) = closest(name, &consts) {
                    format!("a constant that exists: `{best}`")
                } else {
                    format!("the constants are: {}", consts.join(", "))
                };
                Diagnostic::error(format!("`--set {name}=..` names no constant of this program")).with_help(listed)
            })
            .collect();
        self.errors.extend(unknown_errors);
        self.examples_before_declarations();
        if self.errors.is_empty() {
            Ok(Checked { program: self.program, warnings: self.warnings })
        } else {
            Err(dedup(self.errors))
        }
    }

    // ------------------------------------------------------------------ declarations

    fn item(&mut self, item: &ast::Item) {
        match item {
            ast::Item::Const(c) => self.const_decl(c),
            ast::Item::Fn(f) => self.fn_decl(f),
            ast::Item::Decl(d) => self.decl(d),
            ast::Item::Stmt(s) => self.top_level_stmt(s),
        }
    }

    fn declare(&mut self, name: &ast::Ident, symbol: Symbol) {
        if let Some((_, earlier)) = self.names.get(&name.name) {
            let earlier = *earlier;
            self.error(
                Diagnostic::error(format!("`{}` is declared twice", name.name))
                    .with_label(name.span, "declared again here")
                    .with_secondary(earlier, "first declared here")
                    .with_help("constants, functions and arrays share one namespace; rename one of them"),
            );
            return;
        }
        self.names.insert(name.name.clone(), (symbol, name.span));
    }

    fn const_decl(&mut self, decl: &ast::ConstDecl) {
        let resolved = self.constant_expr(&decl.value, "a `const` value");
        let (value, overridden) = match self.overrides.get(&decl.name.name) {
            Some(&value) => (Some(value), true),
            None => (resolved.and_then(|e| self.evaluate(&e, &[])), false),
        };
        if let Some(value) = value {
            let id = self.program.consts.len();
            self.program.consts.push(ConstInfo { name: decl.name.name.clone(), value, span: decl.span, overridden });
            self.declare(&decl.name, Symbol::Const(id));
        } else {
            self.declare(&decl.name, Symbol::Poisoned);
        }
    }

    /// A domain size, checked to be at least 1 and within the limit.
    fn domain(&mut self, domain: &ast::Domain) -> Option<u32> {
        let expr = match domain {
            ast::Domain::Bool(_) => return Some(2),
            ast::Domain::Size(expr) => expr,
        };
        let resolved = self.constant_expr(expr, "a domain")?;
        let size = self.evaluate(&resolved, &[])?;
        if size < 1 {
            self.error(
                Diagnostic::error(format!("domain of size {size}"))
                    .with_label(expr.span, format!("this domain evaluates to {size}"))
                    .with_help("a domain `D` means the values 0..D and must hold at least one value"),
            );
            return None;
        }
        if size as u64 > self.limits.max_domain {
            self.error(
                Diagnostic::error(format!("domain of size {size} is larger than the limit"))
                    .with_label(expr.span, format!("{size} values"))
                    .with_help(format!(
                        "the limit is {}; raise it with `--max-domain N` if this is intended",
                        self.limits.max_domain
                    )),
            );
            return None;
        }
        Some(size as u32)
    }

    fn fn_decl(&mut self, decl: &ast::FnDecl) {
        let mut params = Vec::new();
        let mut ok = true;
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for param in &decl.params {
            if let Some(first) = seen.insert(&param.name.name, param.name.span) {
                self.error(
                    Diagnostic::error(format!("parameter `{}` is declared twice", param.name.name))
                        .with_label(param.name.span, "declared again here")
                        .with_secondary(first, "first declared here"),
                );
                ok = false;
            }
            match self.domain(&param.domain) {
                Some(size) => params.push((param.name.name.clone(), size)),
                None => ok = false,
            }
        }
        let result = self.domain(&decl.result);
        self.fn_params = Some(params.clone());
        self.current_fn = Some(decl.name.name.clone());
        let body = self.expr(&decl.body);
        self.fn_params = None;
        self.current_fn = None;
        let (Some(result_domain), Some(body), true) = (result, body, ok) else {
            self.declare(&decl.name, Symbol::Poisoned);
            return;
        };
        if let Some(read) = body.first_runtime_read() {
            let span = read.span;
            self.error(
                Diagnostic::error("a function body may only use its parameters and constants")
                    .with_label(span, "this reads an array element")
                    .with_help("pass the value in as a parameter"),
            );
            self.declare(&decl.name, Symbol::Poisoned);
            return;
        }
        let mut info = FnInfo {
            name: decl.name.name.clone(),
            params,
            result_domain,
            body,
            table: Vec::new(),
            span: decl.span,
            name_span: decl.name.span,
        };
        if let Some(table) = self.tabulate(&info, decl) {
            info.table = table;
            let id = self.program.fns.len();
            self.program.fns.push(info);
            self.declare(&decl.name, Symbol::Fn(id));
        } else {
            self.declare(&decl.name, Symbol::Poisoned);
        }
    }

    /// Evaluate a fn body on every combination of arguments.
    fn tabulate(&mut self, info: &FnInfo, decl: &ast::FnDecl) -> Option<Vec<u32>> {
        let combinations = info
            .params
            .iter()
            .try_fold(1u64, |acc, (_, d)| acc.checked_mul(*d as u64))
            .filter(|&n| n <= self.limits.max_enum);
        let Some(combinations) = combinations else {
            self.error(
                Diagnostic::error(format!("`{}` has too many argument combinations to check", info.name))
                    .with_label(decl.name.span, "every combination of arguments is enumerated")
                    .with_help(format!(
                        "the limit is {} combinations; raise it with `--max-enum N`",
                        self.limits.max_enum
                    )),
            );
            return None;
        };
        let mut table = Vec::with_capacity(combinations as usize);
        let mut args = vec![0i64; info.params.len()];
        for _ in 0..combinations {
            let describe = |args: &[i64]| -> String {
                let list: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                format!("{}({})", info.name, list.join(", "))
            };
            let result = eval(&self.program, &info.body, &mut ConstEnv { loop_vars: &[], fn_args: &args });
            match result {
                Ok(value) if value >= 0 && value < info.result_domain as i64 => table.push(value as u32),
                Ok(value) => {
                    let call = describe(&args);
                    self.error(
                        Diagnostic::error(format!(
                            "`{call}` is {value}, outside the result domain 0..{}",
                            info.result_domain
                        ))
                        .with_label(
                            decl.body.span,
                            format!("this is {value} when {}", describe_arguments(&info.params, &args)),
                        )
                        .with_secondary(decl.result.span(), "the declared result domain")
                        .with_help("widen the result domain, or keep the value in range (for example with `%`)"),
                    );
                    return None;
                }
                Err(error) => {
                    let call = describe(&args);
                    let diagnostic = eval_error_diagnostic(&self.program, &error, &format!("evaluating `{call}`"));
                    self.error(diagnostic);
                    return None;
                }
            }
            // Next combination in mixed radix, last argument fastest.
            for (arg, (_, domain)) in args.iter_mut().zip(&info.params).rev() {
                *arg += 1;
                if *arg < *domain as i64 {
                    break;
                }
                *arg = 0;
            }
        }
        Some(table)
    }

    fn decl(&mut self, decl: &ast::Decl) {
        let mut dims = Vec::new();
        let mut ok = true;
        for dim in &decl.dims {
            match self.constant_expr(dim, "an array dimension").and_then(|e| self.evaluate(&e, &[])) {
                Some(size) if size >= 1 => dims.push(size as usize),
                Some(size) => {
                    self.error(
                        Diagnostic::error(format!("array dimension of size {size}"))
                            .with_label(dim.span, format!("this dimension evaluates to {size}"))
                            .with_help("every dimension must be at least 1"),
                    );
                    ok = false;
                }
                None => ok = false,
            }
        }
        let domain = self.domain(&decl.domain);
        let (Some(domain), true) = (domain, ok) else {
            self.declare(&decl.name, Symbol::Poisoned);
            return;
        };
        let elements = dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d as u64));
        if elements.is_none_or(|n| n > self.limits.max_elements) {
            let span = decl.dims.iter().map(|d| d.span).reduce(Span::to).unwrap_or(decl.name.span);
            self.error(
                Diagnostic::error(format!("`{}` has too many elements", decl.name.name))
                    .with_label(
                        span,
                        match elements {
                            Some(n) => format!("{n} elements"),
                            None => "more elements than can be counted".to_string(),
                        },
                    )
                    .with_help(format!(
                        "the limit is {} elements per array; raise it with `--max-elements N`",
                        self.limits.max_elements
                    )),
            );
            self.declare(&decl.name, Symbol::Poisoned);
            return;
        }
        let mut info = ArrayInfo {
            name: decl.name.name.clone(),
            kind: decl.kind,
            dims,
            domain,
            binding: None,
            span: decl.span,
            name_span: decl.name.span,
        };
        if let Some(init) = &decl.init {
            if decl.kind != DeclKind::Param {
                self.error(
                    Diagnostic::error(format!("a `{}` cannot have a value in its declaration", decl.kind.keyword()))
                        .with_label(init.span, "only params are bound this way")
                        .with_help(match decl.kind {
                            DeclKind::Input | DeclKind::Output => "give inputs and outputs in `example` blocks",
                            _ => "assign the variable with a statement after its declaration",
                        }),
                );
            } else if let Some(tree) = self.value_tree(init) {
                let mut values = Vec::with_capacity(info.len());
                if self.flatten(&tree, &info.dims, info.domain, true, &[], &mut values, &info) {
                    info.binding = Some(values);
                }
            }
        }
        let id = self.program.arrays.len();
        self.program.arrays.push(info);
        self.declare(&decl.name, Symbol::Array(id));
    }

    // ------------------------------------------------------------------ expressions

    /// Evaluate a resolved constant expression, reporting failures.
    fn evaluate(&mut self, expr: &Expr, loop_vars: &[i64]) -> Option<i64> {
        match eval_const(&self.program, expr, loop_vars) {
            Ok(value) => Some(value),
            Err(error) => {
                let mut diagnostic = eval_error_diagnostic(&self.program, &error, "");
                diagnostic.message = format!("{} in a constant expression", diagnostic.message);
                if let EvalError::DivisionByZero { .. } = error {
                    diagnostic.help =
                        vec!["constant expressions are evaluated when the program is checked".to_string()];
                }
                self.error(diagnostic);
                None
            }
        }
    }

    /// Resolve an expression that must be constant (it may use loop variables).
    fn constant_expr(&mut self, expr: &ast::Expr, what: &str) -> Option<Expr> {
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

    fn unknown_name(&mut self, ident: &ast::Ident) {
        let diagnostic = self.unknown_name_diagnostic(ident);
        self.error(diagnostic);
    }

    /// "cannot find `x`", with the later declaration or a close name when there is one.
    fn unknown_name_diagnostic(&self, ident: &ast::Ident) -> Diagnostic {
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
    fn name(&mut self, ident: &ast::Ident, span: Span) -> Option<Expr> {
        if let Some((_, slot)) = self.loop_vars.iter().rev().find(|(n, _)| *n == ident.name) {
            return Some(Expr { kind: ExprKind::LoopVar(*slot), span });
        }
        if let Some(params) = &self.fn_params {
            if let Some(position) = params.iter().position(|(n, _)| *n == ident.name) {
                return Some(Expr { kind: ExprKind::FnArg(position), span });
            }
        }
        let Some(&(symbol, declared)) = self.names.get(&ident.name) else {
            self.unknown_name(ident);
            return None;
        };
        match symbol {
            Symbol::Poisoned => None,
            Symbol::Const(id) => Some(Expr { kind: ExprKind::Const(id), span }),
            Symbol::Array(id) => {
                let array = &self.program.arrays[id];
                if array.dims.is_empty() {
                    return Some(Expr { kind: ExprKind::Elem { array: id, indices: Vec::new() }, span });
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

    fn exprs(&mut self, exprs: &[ast::Expr]) -> Option<Vec<Expr>> {
        let resolved: Vec<Option<Expr>> = exprs.iter().map(|e| self.expr(e)).collect();
        resolved.into_iter().collect()
    }

    /// Resolve an array element read or write target.
    fn element(&mut self, base: &ast::Ident, indices: &[ast::Expr], span: Span) -> Option<(ArrayId, Vec<Expr>)> {
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
        let resolved = resolved?;
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
    fn check_constant_indices(&mut self, array: ArrayId, indices: &[Expr]) {
        for (dim, index) in indices.iter().enumerate() {
            if !index.is_constant() || uses_loop_var(index) {
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

    fn expr(&mut self, expr: &ast::Expr) -> Option<Expr> {
        let span = expr.span;
        let kind = match &expr.kind {
            ast::ExprKind::Int(value) => ExprKind::Int(*value),
            ast::ExprKind::Name(ident) => return self.name(ident, span),
            ast::ExprKind::Paren(inner) => return self.expr(inner).map(|e| Expr { kind: e.kind, span }),
            ast::ExprKind::Index { base, indices } => {
                let (array, indices) = self.element(base, indices, span)?;
                ExprKind::Elem { array, indices }
            }
            ast::ExprKind::Call { func, args } => return self.call(func, args, span),
            ast::ExprKind::Unary { op, operand } => ExprKind::Unary { op: *op, operand: Box::new(self.expr(operand)?) },
            ast::ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = (self.expr(lhs), self.expr(rhs));
                ExprKind::Binary { op: *op, lhs: Box::new(l?), rhs: Box::new(r?) }
            }
            ast::ExprKind::If { branches, otherwise } => {
                let mut resolved = Vec::new();
                let mut ok = true;
                for (condition, value) in branches {
                    match (self.expr(condition), self.expr(value)) {
                        (Some(c), Some(v)) => resolved.push((c, v)),
                        _ => ok = false,
                    }
                }
                let otherwise = self.expr(otherwise);
                if !ok {
                    return None;
                }
                ExprKind::If { branches: resolved, otherwise: Box::new(otherwise?) }
            }
            ast::ExprKind::Match { scrutinee, arms } => {
                let scrutinee = self.expr(scrutinee);
                let arms = self.arms(arms, |checker, body| checker.expr(body));
                ExprKind::Match { scrutinee: Box::new(scrutinee?), arms: arms? }
            }
        };
        Some(Expr { kind, span })
    }

    fn call(&mut self, func: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Expr> {
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
        Some(Expr { kind: ExprKind::Call { func: id, args: resolved? }, span })
    }

    fn arms<A, B>(
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

    // ------------------------------------------------------------------ statements

    fn top_level_stmt(&mut self, stmt: &ast::Stmt) {
        let examples = contains_example(stmt);
        if examples.is_none() {
            if let Some(resolved) = self.stmt(stmt) {
                self.program.body.push(resolved);
            }
            return;
        }
        if let Some(program_stmt) = first_program_stmt(stmt) {
            self.error(
                Diagnostic::error("examples and program statements are mixed in one block")
                    .with_label(program_stmt, "a program statement")
                    .with_secondary(examples.unwrap_or_default(), "an example")
                    .with_help("put the examples in a loop of their own: the program runs once per example"),
            );
            return;
        }
        let mut loop_values = Vec::new();
        self.examples_in(stmt, &mut loop_values);
    }

    fn block(&mut self, block: &ast::Block) -> Option<Vec<Stmt>> {
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

    fn stmt(&mut self, stmt: &ast::Stmt) -> Option<Stmt> {
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
                StmtKind::Assign { array, indices, value: value?, target_span: target.span }
            }
            ast::StmtKind::For { var, start, end, body } => {
                let start = self.constant_expr(start, "a loop bound");
                let end = self.constant_expr(end, "a loop bound");
                let slot = self.loop_vars.len();
                self.loop_vars.push((var.name.clone(), slot));
                self.program.loop_depth = self.program.loop_depth.max(slot + 1);
                let body = self.block(body);
                self.loop_vars.pop();
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
                for (condition, block) in branches {
                    match (self.expr(condition), self.block(block)) {
                        (Some(c), Some(b)) => resolved.push((c, b)),
                        _ => ok = false,
                    }
                }
                let otherwise = match otherwise {
                    Some(block) => Some(self.block(block)?),
                    None => None,
                };
                if !ok {
                    return None;
                }
                StmtKind::If { branches: resolved, otherwise }
            }
            ast::StmtKind::Match { scrutinee, arms } => {
                let scrutinee = self.expr(scrutinee);
                let arms = self.arms(arms, |checker, block| checker.block(block));
                StmtKind::Match { scrutinee: scrutinee?, arms: arms? }
            }
            ast::StmtKind::Observe(expr) => StmtKind::Observe(self.expr(expr)?),
            ast::StmtKind::Example(example) => {
                self.error(
                    Diagnostic::error("an example cannot stand inside program code")
                        .with_label(example.span, "this example")
                        .with_help("examples stand at the top level, or inside loops and `if`s that hold only examples and have constant bounds and conditions"),
                );
                return None;
            }
        };
        Some(Stmt { kind, span })
    }

    // ------------------------------------------------------------------ examples

    /// Expand the examples in a statement that holds only examples (and constant control).
    fn examples_in(&mut self, stmt: &ast::Stmt, loop_values: &mut Vec<i64>) {
        match &stmt.kind {
            ast::StmtKind::Example(example) => self.example(example, loop_values),
            ast::StmtKind::For { var, start, end, body } => {
                let bounds = (
                    self.constant_expr(start, "a loop bound").and_then(|e| self.evaluate(&e, loop_values)),
                    self.constant_expr(end, "a loop bound").and_then(|e| self.evaluate(&e, loop_values)),
                );
                let (Some(start), Some(end)) = bounds else { return };
                let slot = self.loop_vars.len();
                self.loop_vars.push((var.name.clone(), slot));
                loop_values.push(start);
                for value in start..end {
                    self.example_work += 1;
                    if self.example_work > self.limits.max_unroll {
                        self.error(
                            Diagnostic::error("the loops around the examples run too many times")
                                .with_label(stmt.span, "this loop")
                                .with_help(format!(
                                    "the limit is {} iterations; raise it with `--max-unroll N`",
                                    self.limits.max_unroll
                                )),
                        );
                        break;
                    }
                    loop_values[slot] = value;
                    for inner in &body.stmts {
                        self.examples_in(inner, loop_values);
                    }
                    if self.errors.len() > 50 {
                        break;
                    }
                }
                loop_values.pop();
                self.loop_vars.pop();
            }
            ast::StmtKind::If { branches, otherwise } => {
                for (condition, block) in branches {
                    let Some(value) = self
                        .constant_expr(condition, "a condition around examples")
                        .and_then(|e| self.evaluate(&e, loop_values))
                    else {
                        return;
                    };
                    if value != 0 {
                        for inner in &block.stmts {
                            self.examples_in(inner, loop_values);
                        }
                        return;
                    }
                }
                if let Some(block) = otherwise {
                    for inner in &block.stmts {
                        self.examples_in(inner, loop_values);
                    }
                }
            }
            ast::StmtKind::Match { scrutinee, .. } => {
                self.error(
                    Diagnostic::error("examples cannot stand inside a `match`")
                        .with_label(scrutinee.span, "use constant `if`s or loops around examples"),
                );
            }
            ast::StmtKind::Assign { .. } | ast::StmtKind::Observe(_) => {}
        }
    }

    fn value_tree(&mut self, value: &ast::Value) -> Option<ValueTree> {
        Some(match &value.kind {
            ast::ValueKind::Expr(expr) => ValueTree::Expr(self.constant_expr(expr, "an example value")?),
            ast::ValueKind::List(items) => {
                let items: Vec<Option<ValueTree>> = items.iter().map(|v| self.value_tree(v)).collect();
                ValueTree::List(items.into_iter().collect::<Option<_>>()?, value.span)
            }
            ast::ValueKind::Repeat(item, count) => {
                let item = self.value_tree(item);
                let count = self.constant_expr(count, "a repeat count");
                ValueTree::Repeat(Box::new(item?), count?, value.span)
            }
            ast::ValueKind::Hole => ValueTree::Hole(value.span),
        })
    }

    fn example(&mut self, example: &ast::Example, loop_values: &[i64]) {
        if self.program.examples.len() as u64 >= self.limits.max_examples {
            if self.program.examples.len() as u64 == self.limits.max_examples {
                self.error(
                    Diagnostic::error("too many examples")
                        .with_label(example.span, "this example is over the limit")
                        .with_help(format!(
                            "the limit is {}; raise it with `--max-examples N`",
                            self.limits.max_examples
                        )),
                );
            }
            return;
        }
        let mut entries = Vec::new();
        // Arrays whose entries already failed: saying that they are missing too would only
        // repeat the error.
        let mut failed: HashSet<String> = HashSet::new();
        for entry in &example.entries {
            match self.example_entry(entry) {
                Some(resolved) => entries.push(resolved),
                None => {
                    failed.insert(entry.target.name.name.clone());
                }
            }
        }
        let mut data = ExampleData {
            source: 0,
            span: example.span,
            label: self.example_label(loop_values),
            values: vec![None; self.program.arrays.len()],
            entry_spans: vec![None; self.program.arrays.len()],
        };
        let errors_before = self.errors.len();
        for entry in &entries {
            if !self.fill_entry(entry, loop_values, &mut data) {
                failed.insert(self.program.arrays[entry.array].name.clone());
            }
        }
        for (id, array) in self.program.arrays.iter().enumerate() {
            if array.kind != DeclKind::Input || failed.contains(&array.name) {
                continue;
            }
            let missing = match &data.values[id] {
                None => Some(array.name.clone()),
                Some(values) => values.iter().position(Option::is_none).map(|flat| array.element_name(flat)),
            };
            if let Some(missing) = missing {
                self.errors.push(
                    missing_input(example.span, &missing, array.name_span, "declared here")
                        .with_help("every example gives every input in full"),
                );
            }
        }
        if self.errors.len() == errors_before {
            self.program.examples.push(data);
        }
    }

    /// An example sees the arrays declared above it; inputs and outputs declared below it are
    /// still part of the program, so the example leaves such outputs unobserved and is
    /// missing such inputs (an error: every example gives every input).
    fn examples_before_declarations(&mut self) {
        let count = self.program.arrays.len();
        let mut missing_inputs = Vec::new();
        for example in &mut self.program.examples {
            let known = example.values.len();
            example.values.resize(count, None);
            example.entry_spans.resize(count, None);
            for array in self.program.arrays.iter().skip(known) {
                if array.kind == DeclKind::Input {
                    missing_inputs.push(
                        missing_input(example.span, &array.name, array.name_span, "declared here, below the example")
                            .with_help(
                                "every example gives every input in full; declare the inputs above the examples",
                            ),
                    );
                }
            }
        }
        self.errors.extend(missing_inputs);
    }

    /// `example 3`, or `example 3 (a = 1, b = 0)` for an example inside loops, so that a
    /// message about it says which iteration wrote it.
    fn example_label(&self, loop_values: &[i64]) -> String {
        let number = self.program.examples.len() + 1;
        let values: Vec<String> = self
            .loop_vars
            .iter()
            .map(|(name, slot)| format!("{name} = {}", loop_values.get(*slot).copied().unwrap_or(0)))
            .collect();
        if values.is_empty() {
            format!("example {number}")
        } else {
            format!("example {number} ({})", values.join(", "))
        }
    }

    fn example_entry(&mut self, entry: &ast::ExampleEntry) -> Option<ResolvedEntry> {
        let target = &entry.target;
        let indices = self.exprs(&target.indices);
        let value = self.value_tree(&entry.value);
        let Some(&(symbol, declared)) = self.names.get(&target.name.name) else {
            let mut diagnostic = self.unknown_name_diagnostic(&target.name);
            if diagnostic.help.is_empty() {
                diagnostic = diagnostic.with_help(self.inputs_and_outputs());
            }
            self.error(diagnostic);
            return None;
        };
        if let Symbol::Poisoned = symbol {
            return None;
        }
        let Symbol::Array(array) = symbol else {
            self.error(
                Diagnostic::error(format!("`{}` is not an input or an output", target.name.name))
                    .with_label(target.name.span, "examples give values to inputs and outputs")
                    .with_secondary(declared, "declared here"),
            );
            return None;
        };
        let info = &self.program.arrays[array];
        if !matches!(info.kind, DeclKind::Input | DeclKind::Output) {
            let kind = info.kind.keyword();
            self.error(
                Diagnostic::error(format!("`{}` is a {kind}; examples give inputs and outputs", target.name.name))
                    .with_label(target.name.span, format!("a {kind}"))
                    .with_secondary(declared, "declared here")
                    .with_help(if info.kind == DeclKind::Param {
                        "to fix a param, bind it in its declaration: `param p: D = v;`"
                    } else {
                        "vars are computed by the program"
                    }),
            );
            return None;
        }
        let indices = indices?;
        if indices.len() > info.dims.len() {
            self.error(
                Diagnostic::error(format!(
                    "`{}` has {} but {}",
                    info.name,
                    plural(info.dims.len(), "dimension"),
                    indices_given(indices.len())
                ))
                .with_label(target.span, "too many indices"),
            );
            return None;
        }
        Some(ResolvedEntry { array, indices, value: value?, span: entry.span })
    }

    /// "examples give values to: x (input), y (output)".
    fn inputs_and_outputs(&self) -> String {
        let names: Vec<String> = self
            .program
            .arrays
            .iter()
            .filter(|a| matches!(a.kind, DeclKind::Input | DeclKind::Output))
            .map(|a| format!("`{}` ({})", a.name, a.kind.keyword()))
            .collect();
        if names.is_empty() {
            "examples give values to inputs and outputs, and none is declared above this example".to_string()
        } else {
            format!("examples give values to inputs and outputs: {}", names.join(", "))
        }
    }

    /// Store one entry's values in `data`; false (with the error recorded) when it fails.
    fn fill_entry(&mut self, entry: &ResolvedEntry, loop_values: &[i64], data: &mut ExampleData) -> bool {
        let info = self.program.arrays[entry.array].clone();
        let mut offset = 0usize;
        for (dim, index) in entry.indices.iter().enumerate() {
            let Some(value) = self.evaluate(index, loop_values) else { return false };
            if value < 0 || value as usize >= info.dims[dim] {
                let diagnostic = index_out_of_range(&info, dim, value, index.span);
                self.error(diagnostic);
                return false;
            }
            offset = offset * info.dims[dim] + value as usize;
        }
        let shape = &info.dims[entry.indices.len()..];
        let block: usize = shape.iter().product();
        offset *= block;
        let mut values = Vec::with_capacity(block);
        let holes = info.kind == DeclKind::Output;
        if !self.flatten(&entry.value, shape, info.domain, holes, loop_values, &mut values, &info) {
            return false;
        }
        let slot = data.values[entry.array].get_or_insert_with(|| vec![None; info.len()]);
        slot[offset..offset + block].copy_from_slice(&values);
        data.entry_spans[entry.array] = Some(entry.span);
        true
    }

    /// Evaluate a value tree of the given shape into `out`, checking shape and domain.
    #[allow(clippy::too_many_arguments)]
    fn flatten(
        &mut self,
        tree: &ValueTree,
        shape: &[usize],
        domain: u32,
        holes_allowed: bool,
        loop_values: &[i64],
        out: &mut Vec<Option<u32>>,
        array: &ArrayInfo,
    ) -> bool {
        let name = array.name.as_str();
        let block: usize = shape.iter().product();
        match (tree, shape.split_first()) {
            (ValueTree::Hole(span), _) => {
                if !holes_allowed {
                    self.error(
                        Diagnostic::error(format!("`_` cannot stand for a value of `{name}`"))
                            .with_label(*span, "a hole")
                            .with_help("`_` marks unobserved output elements and unbound param elements; inputs are given in full"),
                    );
                    return false;
                }
                out.extend(std::iter::repeat_n(None, block));
                true
            }
            (ValueTree::Expr(expr), None) => {
                let Some(value) = self.evaluate(expr, loop_values) else { return false };
                if value < 0 || value >= domain as i64 {
                    self.error(
                        Diagnostic::error(format!("{value} is outside the domain of `{name}`"))
                            .with_label(expr.span, format!("`{name}` takes values 0..{domain}"))
                            .with_secondary(array.name_span, "declared here"),
                    );
                    return false;
                }
                out.push(Some(value as u32));
                true
            }
            (ValueTree::Expr(expr), Some((&n, _))) => {
                self.error(
                    Diagnostic::error(format!("expected a list of {n} values for `{name}`"))
                        .with_label(expr.span, "a single value")
                        .with_help(format!("write `[v, ..]` with {n} items, or `[v; {n}]`")),
                );
                false
            }
            (ValueTree::List(_, span) | ValueTree::Repeat(_, _, span), None) => {
                self.error(
                    Diagnostic::error(format!("expected a single value for `{name}`, found a list"))
                        .with_label(*span, "a list"),
                );
                false
            }
            (ValueTree::List(items, span), Some((&n, rest))) => {
                if items.len() != n {
                    self.error(
                        Diagnostic::error(format!("expected {n} values for `{name}`, found {}", items.len()))
                            .with_label(*span, values_label(items.len() as i64))
                            .with_help(format!("this dimension of `{name}` has {n} elements")),
                    );
                    return false;
                }
                items.iter().all(|item| self.flatten(item, rest, domain, holes_allowed, loop_values, out, array))
            }
            (ValueTree::Repeat(item, count, span), Some((&n, rest))) => {
                let Some(count) = self.evaluate(count, loop_values) else { return false };
                if count != n as i64 {
                    self.error(
                        Diagnostic::error(format!("expected {n} values for `{name}`, found {count}"))
                            .with_label(*span, values_label(count))
                            .with_help(format!("this dimension of `{name}` has {n} elements")),
                    );
                    return false;
                }
                let start = out.len();
                if !self.flatten(item, rest, domain, holes_allowed, loop_values, out, array) {
                    return false;
                }
                let one: Vec<Option<u32>> = out[start..].to_vec();
                for _ in 1..n {
                    out.extend_from_slice(&one);
                }
                let _ = item.span();
                true
            }
        }
    }
}

/// "`a` = 1 and `b` = 3": the arguments of a `fn` by name.
fn describe_arguments(params: &[(String, u32)], args: &[i64]) -> String {
    let parts: Vec<String> = params.iter().zip(args).map(|((name, _), value)| format!("`{name}` = {value}")).collect();
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    }
}

/// "1 value", "3 values": the label of a list of the wrong length.
pub fn values_label(count: i64) -> String {
    if count == 1 {
        "1 value".to_string()
    } else {
        format!("{count} values")
    }
}

/// The diagnostic for a constant index outside its dimension.
pub fn index_out_of_range(info: &ArrayInfo, dim: usize, value: i64, span: Span) -> Diagnostic {
    let size = info.dims[dim];
    let which = if info.dims.len() > 1 { format!("dimension {} of ", dim + 1) } else { String::new() };
    Diagnostic::error(format!("index {value} is out of range for `{}`", info.name))
        .with_label(span, format!("{which}`{}` has indices 0..{size}", info.name))
        .with_secondary(info.name_span, "declared here")
}

/// The diagnostic of an evaluation error; `when` names the operand values at fault ("`x` = 3"),
/// or is empty when there are none. The message says what went wrong, the label says what the
/// marked sub-expression was, and the help says how such an error is usually fixed.
pub fn eval_error_diagnostic(program: &Program, error: &EvalError, when: &str) -> Diagnostic {
    let what = error.describe(program);
    let suffix = if when.is_empty() { String::new() } else { format!(" when {when}") };
    let (label, help) = match error {
        EvalError::DivisionByZero { .. } => (
            "this is 0".to_string(),
            Some("guard the division, e.g. `if d != 0 { x / d } else { 0 }`".to_string()),
        ),
        EvalError::Overflow { .. } => (
            "this overflows".to_string(),
            Some("integers are signed 64-bit: values lie between -2^63 and 2^63 - 1".to_string()),
        ),
        EvalError::FnArgument { func, arg, value, .. } => {
            let name = &program.fns[*func].params[*arg].0;
            (
                format!("this is {value}"),
                Some(format!("keep the argument in range (for example with `%`), or widen the domain of `{name}`")),
            )
        }
        EvalError::NoMatchingArm { value, .. } => (
            format!("this is {value}"),
            Some(format!(
                "a `match` expression needs a value for everything its scrutinee can be: add an arm for {value}, or a `_` arm"
            )),
        ),
        EvalError::IndexOutOfRange { index, .. } => (
            format!("this is {index}"),
            Some("keep the index in range (for example with `%`), or make the array larger".to_string()),
        ),
        EvalError::Unassigned { .. } => ("read here".to_string(), None),
        EvalError::OutOfDomain { value, .. } => (format!("this is {value}"), None),
        EvalError::NotConstant { .. } | EvalError::TooManySteps { .. } => (what.clone(), None),
    };
    let diagnostic = Diagnostic::error(format!("{what}{suffix}")).with_label(error.span(), format!("{label}{suffix}"));
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

fn uses_loop_var(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::LoopVar(_) => true,
        ExprKind::Int(_) | ExprKind::Const(_) | ExprKind::FnArg(_) => false,
        ExprKind::Elem { indices, .. } => indices.iter().any(uses_loop_var),
        ExprKind::Call { args, .. } => args.iter().any(uses_loop_var),
        ExprKind::Unary { operand, .. } => uses_loop_var(operand),
        ExprKind::Binary { lhs, rhs, .. } => uses_loop_var(lhs) || uses_loop_var(rhs),
        ExprKind::If { branches, otherwise } => {
            branches.iter().any(|(c, v)| uses_loop_var(c) || uses_loop_var(v)) || uses_loop_var(otherwise)
        }
        ExprKind::Match { scrutinee, arms } => {
            uses_loop_var(scrutinee)
                || arms.iter().any(|arm| uses_loop_var(&arm.body) || arm.patterns.iter().flatten().any(uses_loop_var))
        }
    }
}

/// The span of the first `example` inside a statement, if any.
fn contains_example(stmt: &ast::Stmt) -> Option<Span> {
    match &stmt.kind {
        ast::StmtKind::Example(e) => Some(e.span),
        ast::StmtKind::For { body, .. } => body.stmts.iter().find_map(contains_example),
        ast::StmtKind::If { branches, otherwise } => branches
            .iter()
            .flat_map(|(_, b)| b.stmts.iter())
            .chain(otherwise.iter().flat_map(|b| b.stmts.iter()))
            .find_map(contains_example),
        ast::StmtKind::Match { arms, .. } => arms.iter().flat_map(|a| a.body.stmts.iter()).find_map(contains_example),
        ast::StmtKind::Assign { .. } | ast::StmtKind::Observe(_) => None,
    }
}

/// The span of the first assignment or `observe` inside a statement, if any.
fn first_program_stmt(stmt: &ast::Stmt) -> Option<Span> {
    match &stmt.kind {
        ast::StmtKind::Assign { .. } | ast::StmtKind::Observe(_) => Some(stmt.span),
        ast::StmtKind::Example(_) => None,
        ast::StmtKind::For { body, .. } => body.stmts.iter().find_map(first_program_stmt),
        ast::StmtKind::If { branches, otherwise } => branches
            .iter()
            .flat_map(|(_, b)| b.stmts.iter())
            .chain(otherwise.iter().flat_map(|b| b.stmts.iter()))
            .find_map(first_program_stmt),
        ast::StmtKind::Match { arms, .. } => arms.iter().flat_map(|a| a.body.stmts.iter()).find_map(first_program_stmt),
    }
}

/// The closest name by edit distance, if it is close enough to be a likely typo.
pub fn closest<'n>(name: &str, candidates: &[&'n str]) -> Option<&'n str> {
    // Names of one or two letters have too many neighbours to guess from.
    let length = name.chars().count();
    let limit = (length / 3).min(3);
    // Very long names are not typed by hand, and comparing them costs their length squared.
    if limit == 0 || length > 64 {
        return None;
    }
    candidates
        .iter()
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// adjacent characters each cost 1, since a swap (`wirse` for `wires`) is a common typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j] is the distance between a[..i] and b[..j].
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// Drop repeated diagnostics (the same message at the same place), keeping the first.
pub fn dedup(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    diagnostics.into_iter().filter(|d| seen.insert((d.message.clone(), d.primary_span()))).collect()
}

/// "this example does not give input `x`", at the example and the input's declaration.
fn missing_input(example: Span, missing: &str, declared: Span, declared_note: &str) -> Diagnostic {
    Diagnostic::error(format!("this example does not give input `{missing}`"))
        .with_label(example, format!("`{missing}` is missing"))
        .with_secondary(declared, declared_note)
}

/// `1 index is given`, `2 indices are given`.
fn indices_given(count: usize) -> String {
    format!("{count} {} given", agreeing(count, "index is", "indices are"))
}
