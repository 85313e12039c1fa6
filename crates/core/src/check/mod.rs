//! AST -> checked program. Resolves names, evaluates constants (after `--set` overrides),
//! dimensions and domains, tabulates every `fn` by enumeration, checks what can be checked
//! without unrolling, and hands example items, resolved, to `examples` for expansion into
//! concrete data. Collects every error it can instead of stopping at the first.
//!
//! The work is split by what is checked: declarations (`decls`), expressions and names
//! (`exprs`), statements (`stmts`) and example items (`examples`).

mod decls;
mod examples;
mod exprs;
mod stmts;

use std::collections::{HashMap, HashSet};

use crate::limits::{Limits, Tally};
use crate::program::*;
use tpt_source::diagnostics::{closest, Diagnostic, Setting, Text};
use tpt_source::span::Span;
use tpt_syntax::ast;

/// What the checker needs besides the AST.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CheckOptions {
    /// `--set NAME=VALUE` overrides of `const` declarations.
    pub overrides: Vec<(String, i64)>,
    pub limits: Limits,
    /// How far a computed real output may be from its observed value, where the example does
    /// not say (`--tolerance`).
    pub tolerance: f64,
    /// How many examples the search will allow to fail (`synth --max-violations`). With 0,
    /// examples that contradict each other are an error; with more they are warnings, and an
    /// error only when they alone need more examples given up than this.
    pub max_violations: usize,
}

/// The tolerance of a real observation that does not give its own (docs/language.md says why).
pub const DEFAULT_TOLERANCE: f64 = 1e-3;

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            overrides: Vec::new(),
            limits: Limits::default(),
            tolerance: DEFAULT_TOLERANCE,
            max_violations: 0,
        }
    }
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
    for (id, item) in file.items.iter().enumerate() {
        checker.current_item = id;
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
    /// The values the examples expanded so far hold, against `--max-example-values`.
    example_values: Tally,
    /// The combinations the `fn` tables enumerate, against `--max-enum-total`.
    fn_combinations: Tally,
    /// The elements of the arrays declared so far, against `--max-elements`, and the largest
    /// of them (its name, span and elements).
    declared_elements: u64,
    largest_array: Option<(String, Span, u64)>,
    /// The tolerance of real observations that give none.
    tolerance: f64,
    /// The file item being checked.
    current_item: ItemId,
    /// Inside a runtime `if` or `match`: the condition or scrutinee that decides it.
    runtime_branch: Option<Span>,
}

impl<'a> Checker<'a> {
    fn new(file: &ast::File, options: &'a CheckOptions) -> Self {
        let mut all_declarations = HashMap::new();
        for item in &file.items {
            let name = match item {
                ast::Item::Const(c) => &c.name,
                ast::Item::Fn(f) => &f.name,
                ast::Item::Decl(d) => &d.name,
                ast::Item::Stmt(_) | ast::Item::Examples(_) => continue,
            };
            all_declarations.entry(name.name.clone()).or_insert(name.span);
        }
        Checker {
            program: Program { tolerance: options.tolerance, ..Program::default() },
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
            example_values: Tally::default(),
            fn_combinations: Tally::default(),
            declared_elements: 0,
            largest_array: None,
            tolerance: options.tolerance,
            current_item: 0,
            runtime_branch: None,
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
                let setting = Setting::Set { name: name.to_string() }.placeholder("..");
                Diagnostic::error(Text::from(setting) + " names no constant of this program").with_help(listed)
            })
            .collect();
        self.errors.extend(unknown_errors);
        self.examples_before_declarations();
        if self.errors.is_empty() {
            self.program.number_exprs();
            Ok(Checked { program: self.program, warnings: self.warnings })
        } else {
            Err(dedup(self.errors))
        }
    }

    fn item(&mut self, item: &ast::Item) {
        match item {
            ast::Item::Const(c) => self.const_decl(c),
            ast::Item::Fn(f) => self.fn_decl(f),
            ast::Item::Decl(d) => self.decl(d),
            ast::Item::Stmt(s) => {
                if let Some(stmt) = self.stmt(s) {
                    self.program.body.push(stmt);
                }
            }
            ast::Item::Examples(e) => self.example_item(e),
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
}

/// Drop repeated diagnostics (the same message at the same place), keeping the first.
pub fn dedup(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    diagnostics.into_iter().filter(|d| seen.insert((d.message.clone(), d.primary_span()))).collect()
}
