//! Declarations -> program tables: constants (with `--set` overrides), domains, array
//! dimensions and param bindings, and every `fn` tabulated over all its arguments.

use std::collections::HashMap;

use super::{Checker, Declaration, Symbol, SymbolDomain, SymbolKind};
use crate::eval::{eval, eval_error_diagnostic, ConstEnv};
use crate::examples::{Origin, Values};
use crate::limits::enum_total_error;
use crate::program::*;
use tpt_source::diagnostics::{Diagnostic, Setting, Text};
use tpt_source::span::Span;
use tpt_syntax::ast::{self, DeclKind};

impl Checker<'_> {
    pub(super) fn const_decl(&mut self, decl: &ast::ConstDecl) {
        let resolved = self.constant_expr(&decl.value, "a `const` value");
        let (value, overridden) = match self.overrides.get(&decl.name.name) {
            Some(&value) => (Some(value), true),
            None => (resolved.and_then(|e| self.evaluate(&e, &[])), false),
        };
        if let Some(value) = value {
            let id = self.program.consts.len();
            self.program.consts.push(ConstInfo { name: decl.name.name.clone(), value, span: decl.span, overridden });
            self.declare(&decl.name, SymbolKind::Const, Symbol::Const(id));
        } else {
            self.declare(&decl.name, SymbolKind::Const, Symbol::Poisoned);
        }
    }

    /// A domain size, checked to be at least 1 and within the limit (a `fn`'s: finite).
    pub(super) fn domain(&mut self, domain: &ast::Domain) -> Option<u32> {
        let expr = match domain {
            ast::Domain::Bool(_) => return Some(2),
            ast::Domain::Real(span) => {
                self.error(
                    Diagnostic::error("a `fn` works on finite domains, not on reals")
                        .with_label(*span, "a real")
                        .with_help("every `fn` is checked on every combination of its arguments; compute with reals in the program itself"),
                );
                return None;
            }
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
                    .with_help(
                        Text::from(format!("the limit is {}; raise it with ", self.limits.max_domain))
                            + Setting::MaxDomain.placeholder("N")
                            + " if this is intended",
                    ),
            );
            return None;
        }
        Some(size as u32)
    }

    pub(super) fn fn_decl(&mut self, decl: &ast::FnDecl) {
        if [super::exprs::BITS, super::exprs::FROM_BITS].contains(&decl.name.name.as_str()) {
            self.error(
                Diagnostic::error(format!("`{}` is a built-in function", decl.name.name))
                    .with_label(decl.name.span, "a function of this name is built in")
                    .with_help("give this function another name"),
            );
            self.declare(&decl.name, SymbolKind::Fn, Symbol::Poisoned);
            return;
        }
        let mut params = Vec::new();
        let mut param_ids = Vec::new();
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
                Some(size) => {
                    params.push((param.name.name.clone(), size));
                    param_ids.push(self.symbols.declare(Declaration {
                        name: param.name.name.clone(),
                        kind: SymbolKind::FnParam,
                        span: param.name.span,
                        declaration_span: param.span,
                        scope: decl.body.span,
                        domain: Some(SymbolDomain::Finite(size)),
                        dims: None,
                        value: None,
                        checked: true,
                    }));
                }
                None => ok = false,
            }
        }
        let result = self.domain(&decl.result);
        self.fn_params = Some(params.clone());
        self.fn_param_ids = param_ids;
        self.current_fn = Some(decl.name.name.clone());
        let body = self.expr(&decl.body);
        self.fn_params = None;
        self.fn_param_ids = Vec::new();
        self.current_fn = None;
        let (Some(result_domain), Some(body), true) = (result, body, ok) else {
            self.declare(&decl.name, SymbolKind::Fn, Symbol::Poisoned);
            return;
        };
        if let Some(read) = body.first_runtime_read() {
            let span = read.span;
            self.error(
                Diagnostic::error("a function body may only use its parameters and constants")
                    .with_label(span, "this reads an array element")
                    .with_help("pass the value in as a parameter"),
            );
            self.declare(&decl.name, SymbolKind::Fn, Symbol::Poisoned);
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
            self.declare(&decl.name, SymbolKind::Fn, Symbol::Fn(id));
        } else {
            self.declare(&decl.name, SymbolKind::Fn, Symbol::Poisoned);
        }
    }

    /// Evaluate a fn body on every combination of arguments.
    pub(super) fn tabulate(&mut self, info: &FnInfo, decl: &ast::FnDecl) -> Option<Vec<u32>> {
        let combinations = info
            .params
            .iter()
            .try_fold(1u64, |acc, (_, d)| acc.checked_mul(*d as u64))
            .filter(|&n| n <= self.limits.max_enum);
        let Some(combinations) = combinations else {
            self.error(
                Diagnostic::error(format!("`{}` has too many argument combinations to check", info.name))
                    .with_label(decl.name.span, "every combination of arguments is enumerated")
                    .with_help(
                        Text::from(format!("the limit is {} combinations; raise it with ", self.limits.max_enum))
                            + Setting::MaxEnum.placeholder("N"),
                    ),
            );
            return None;
        };
        let limit = self.limits.max_enum_total;
        if !self.fn_combinations.add(combinations, decl.name.span, limit) {
            let diagnostic = enum_total_error(&self.fn_combinations, decl.name.span, limit);
            self.error(diagnostic);
            return None;
        }
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

    /// Count the `elements` of a declaration against `--max-elements`, with the arrays declared
    /// above it; more than that is an error (`None` once the total was reported).
    fn count_elements(&mut self, decl: &ast::Decl, elements: Option<u64>) -> Result<(), Option<Diagnostic>> {
        let limit = self.limits.max_elements;
        if self.declared_elements > limit {
            return Err(None);
        }
        let span = decl.dims.iter().map(|d| d.span).reduce(Span::to).unwrap_or(decl.name.span);
        let help = Text::from(format!("the limit is {limit} elements for all arrays together; raise it with "))
            + Setting::MaxElements.placeholder("N");
        let Some(n) = elements.filter(|&n| n <= limit) else {
            let label = match elements {
                Some(n) => format!("{n} elements"),
                None => "more elements than can be counted".to_string(),
            };
            return Err(Some(
                Diagnostic::error(format!("`{}` has too many elements", decl.name.name))
                    .with_label(span, label)
                    .with_help(help),
            ));
        };
        let total = self.declared_elements + n;
        self.declared_elements = total;
        if total > limit {
            let mut diagnostic = Diagnostic::error(format!(
                "the arrays declared up to `{}` have more than {limit} elements together",
                decl.name.name
            ))
            .with_label(span, format!("{n} elements, {total} with the arrays declared above"));
            // The largest array above, when it is at least as large as this one.
            if let Some((name, at, most)) = self.largest_array.as_ref().filter(|(_, _, most)| *most >= n) {
                diagnostic = diagnostic.with_secondary(*at, format!("the largest of them, `{name}`, has {most}"));
            }
            return Err(Some(diagnostic.with_help(help)));
        }
        if self.largest_array.as_ref().is_none_or(|(_, _, most)| n > *most) {
            self.largest_array = Some((decl.name.name.clone(), span, n));
        }
        Ok(())
    }

    pub(super) fn decl(&mut self, decl: &ast::Decl) {
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
        let real = matches!(decl.domain, ast::Domain::Real(_));
        let domain = if real { Some(1) } else { self.domain(&decl.domain) };
        let (Some(domain), true) = (domain, ok) else {
            self.declare(&decl.name, symbol_kind(decl.kind), Symbol::Poisoned);
            return;
        };
        let elements = dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d as u64));
        if let Err(error) = self.count_elements(decl, elements) {
            // Past the total (reported once), the later declarations are left out silently.
            if let Some(error) = error {
                self.error(error);
            }
            self.declare(&decl.name, symbol_kind(decl.kind), Symbol::Poisoned);
            return;
        }
        let mut info = ArrayInfo {
            name: decl.name.name.clone(),
            kind: decl.kind,
            dims,
            domain,
            real,
            binding: None,
            real_binding: None,
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
                let mut checked = Values {
                    program: &self.program,
                    origin: Origin::Sketch,
                    loop_values: &[],
                    errors: &mut self.errors,
                };
                if info.real {
                    let mut reals = Vec::with_capacity(info.len());
                    if checked.flatten_real(&tree, &info.dims, &info, true, 0.0, &mut reals) {
                        info.real_binding = Some(reals.into_iter().map(|v| v.map(|v| v.value)).collect());
                    }
                } else if checked.flatten(&tree, &info.dims, &info, true, &mut values) {
                    info.binding = Some(values);
                }
            }
        }
        let id = self.program.arrays.len();
        self.program.arrays.push(info);
        self.declare(&decl.name, symbol_kind(decl.kind), Symbol::Array(id));
    }
}

/// The kind of a declaration of an array in the symbol table.
fn symbol_kind(kind: DeclKind) -> SymbolKind {
    match kind {
        DeclKind::Param => SymbolKind::Param,
        DeclKind::Input => SymbolKind::Input,
        DeclKind::Output => SymbolKind::Output,
        DeclKind::Var => SymbolKind::Var,
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
