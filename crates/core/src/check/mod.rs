//! AST -> checked program. Resolves names, evaluates constants (after `--set` overrides),
//! dimensions and domains, tabulates every `fn` by enumeration, checks what can be checked
//! without unrolling, and hands example items, resolved, to `examples` for expansion into
//! concrete data. Collects every error it can instead of stopping at the first.
//!
//! The work is split by what is checked: declarations (`decls`), expressions and names
//! (`exprs`), statements (`stmts`) and example items (`examples`); the names declared and
//! used are recorded in the symbol table (`symbols`), the checker's product beside the
//! program, also when there are errors. `front_end` runs the parser (which recovers from
//! syntax errors) and the checker on a file's text and reports the errors of both.

mod decls;
mod examples;
mod exprs;
mod front_end;
mod stmts;
mod symbols;

pub use front_end::{check_text, merge_in_text_order, FrontEnd, MAX_ERRORS};
pub use symbols::{Declaration, DeclarationId, SymbolDomain, SymbolKind, SymbolTable, Use};

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
    pub symbols: SymbolTable,
    pub warnings: Vec<Diagnostic>,
}

/// What the checker made of a file, errors or not.
#[derive(Debug)]
pub struct CheckReport {
    /// The checked program, when there is no error.
    pub program: Option<Program>,
    /// Every declaration and every resolved use, also when there are errors.
    pub symbols: SymbolTable,
    pub warnings: Vec<Diagnostic>,
    /// Every independent error: an error in a declaration is not reported again at its uses.
    pub errors: Vec<Diagnostic>,
}

/// Check a parsed file. On failure, the diagnostics hold at least one error.
pub fn check(file: &ast::File, options: &CheckOptions) -> Result<Checked, Vec<Diagnostic>> {
    let report = check_report(file, options);
    match report.program {
        Some(program) => Ok(Checked { program, symbols: report.symbols, warnings: report.warnings }),
        None => Err(report.errors),
    }
}

/// Check a parsed file, its items in order. The names that text the parser skipped declares
/// (`file.broken`) count as declared with an error, so their uses are not reported.
pub fn check_report(file: &ast::File, options: &CheckOptions) -> CheckReport {
    let mut checker = Checker::new(file, options);
    let mut broken = file.broken.iter().filter_map(|b| b.declares.as_ref()).peekable();
    for (id, item) in file.items.iter().enumerate() {
        while let Some(name) = broken.next_if(|name| name.span.start < item.span().start) {
            checker.declare_broken(name);
        }
        checker.current_item = id;
        checker.current_item_span = item.span();
        checker.item(item);
    }
    broken.for_each(|name| checker.declare_broken(name));
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
    /// What the checker learnt of the names: their declarations and uses.
    symbols: SymbolTable,
    /// The declarations of the top-level names in `names`, of the loop variables in
    /// `loop_vars` and of the parameters in `fn_params`.
    top_level_ids: HashMap<String, DeclarationId>,
    loop_var_ids: Vec<DeclarationId>,
    fn_param_ids: Vec<DeclarationId>,
    /// Names declared by text the parser skipped: a good declaration may take them again.
    broken_names: HashSet<String>,
    /// Where the file ends: the scope of a top-level name runs from its declaration to here.
    file_end: usize,
    /// The span of the file item being checked.
    current_item_span: Span,
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
        for broken in &file.broken {
            if let Some(name) = &broken.declares {
                all_declarations.entry(name.name.clone()).or_insert(name.span);
            }
        }
        Checker {
            program: Program { tolerance: options.tolerance, ..Program::default() },
            names: HashMap::new(),
            symbols: SymbolTable::default(),
            top_level_ids: HashMap::new(),
            loop_var_ids: Vec::new(),
            fn_param_ids: Vec::new(),
            broken_names: HashSet::new(),
            file_end: file.span.end,
            current_item_span: Span::default(),
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

    fn finish(mut self) -> CheckReport {
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
        self.symbols.finish();
        let program = self.errors.is_empty().then(|| {
            self.program.number_exprs();
            self.program
        });
        CheckReport { program, symbols: self.symbols, warnings: self.warnings, errors: dedup(self.errors) }
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

    /// Declare a top-level name (`kind` says what it is declared as, `symbol` what it became:
    /// `Poisoned` when its declaration has an error).
    fn declare(&mut self, name: &ast::Ident, kind: SymbolKind, symbol: Symbol) {
        let program = &self.program;
        let (domain, dims, value) = match symbol {
            Symbol::Const(id) => (None, None, Some(program.consts[id].value)),
            Symbol::Fn(id) => (Some(SymbolDomain::Finite(program.fns[id].result_domain)), None, None),
            Symbol::Array(id) => {
                let array = &program.arrays[id];
                let domain = if array.real { SymbolDomain::Real } else { SymbolDomain::Finite(array.domain) };
                (Some(domain), Some(array.dims.clone()), None)
            }
            Symbol::Poisoned => (None, None, None),
        };
        let id = self.symbols.declare(Declaration {
            name: name.name.clone(),
            kind,
            span: name.span,
            declaration_span: self.current_item_span,
            scope: Span::new(self.current_item_span.start, self.file_end),
            domain,
            dims,
            value,
            checked: !matches!(symbol, Symbol::Poisoned),
        });
        if self.broken_names.remove(&name.name) {
            self.names.remove(&name.name);
        }
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
        self.top_level_ids.insert(name.name.clone(), id);
    }

    /// A name declared by text the parser skipped: declared with an error, so that its uses
    /// are not reported.
    fn declare_broken(&mut self, name: &ast::Ident) {
        if !self.names.contains_key(&name.name) {
            self.names.insert(name.name.clone(), (Symbol::Poisoned, name.span));
            self.broken_names.insert(name.name.clone());
        }
    }

    /// A loop variable comes into scope for `body` (its slot is returned).
    fn enter_loop(&mut self, var: &ast::Ident, loop_span: Span, body: Span) -> usize {
        let slot = self.loop_vars.len();
        self.loop_vars.push((var.name.clone(), slot));
        let id = self.symbols.declare(Declaration {
            name: var.name.clone(),
            kind: SymbolKind::LoopVar,
            span: var.span,
            declaration_span: loop_span,
            scope: body,
            domain: None,
            dims: None,
            value: None,
            checked: true,
        });
        self.loop_var_ids.push(id);
        slot
    }

    fn leave_loop(&mut self) {
        self.loop_vars.pop();
        self.loop_var_ids.pop();
    }

    /// Record the use of a name as it is resolved: the innermost loop variable, else a
    /// parameter of the `fn` being checked, else a top-level name.
    fn record_use(&mut self, ident: &ast::Ident) {
        let declaration = if let Some(slot) = self.loop_vars.iter().rposition(|(n, _)| *n == ident.name) {
            self.loop_var_ids.get(slot).copied()
        } else if let Some(position) =
            self.fn_params.as_ref().and_then(|params| params.iter().position(|(n, _)| *n == ident.name))
        {
            self.fn_param_ids.get(position).copied()
        } else if self.names.contains_key(&ident.name) {
            self.top_level_ids.get(&ident.name).copied()
        } else {
            None
        };
        if let Some(declaration) = declaration {
            self.symbols.used(ident.span, declaration);
        }
    }
}

/// Drop repeated diagnostics (the same message at the same place), keeping the first.
pub fn dedup(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    diagnostics.into_iter().filter(|d| seen.insert((d.message.clone(), d.primary_span()))).collect()
}
