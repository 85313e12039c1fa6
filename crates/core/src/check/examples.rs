//! Example items -> resolved example sources, expanded by `crate::examples`. Names are
//! resolved once per item (not once per loop iteration); loops and conditions around examples
//! must be constant.

use std::collections::HashSet;

use super::Checker;
use crate::examples::{missing_input, At, Entry, ExampleSource, Expansion, Origin, ValueKind, ValueTree};
use tpt_source::diagnostics::{agreeing, plural, Diagnostic};
use tpt_syntax::ast::{self, DeclKind};

impl Checker<'_> {
    /// Resolve an example item and expand it into the program's examples.
    pub(super) fn example_item(&mut self, item: &ast::ExampleItem) {
        let Some(source) = self.example_source(item) else { return };
        let count = self.program.examples.len();
        let values = std::mem::take(&mut self.example_values);
        let mut expansion =
            Expansion::new(&self.program, self.limits, count, self.example_work, values, self.tolerance);
        expansion.expand(&source);
        let Expansion { work, values, errors, examples, .. } = expansion;
        self.example_work = work;
        self.example_values = values;
        self.errors.extend(errors);
        self.program.examples.extend(examples);
    }

    fn example_source(&mut self, item: &ast::ExampleItem) -> Option<ExampleSource> {
        match &item.kind {
            ast::ExampleItemKind::Example(example) => Some(self.example(example)),
            ast::ExampleItemKind::For { var, start, end, body } => {
                let start = self.constant_expr(start, "a loop bound");
                let end = self.constant_expr(end, "a loop bound");
                let slot = self.enter_loop(var, item.span, body.span);
                let body = self.example_block(body);
                self.leave_loop();
                Some(ExampleSource::For {
                    slot,
                    name: var.name.clone(),
                    start: start?,
                    end: end?,
                    body: body?,
                    span: item.span,
                })
            }
            ast::ExampleItemKind::If { branches, otherwise } => {
                let mut resolved = Vec::new();
                for (condition, block) in branches {
                    let condition = self.constant_expr(condition, "a condition around examples");
                    let block = self.example_block(block);
                    resolved.push((condition?, block?));
                }
                let otherwise = match otherwise {
                    Some(block) => Some(self.example_block(block)?),
                    None => None,
                };
                Some(ExampleSource::If { branches: resolved, otherwise })
            }
        }
    }

    fn example_block(&mut self, block: &ast::Block<ast::ExampleItem>) -> Option<Vec<ExampleSource>> {
        let resolved: Vec<Option<ExampleSource>> = block.stmts.iter().map(|item| self.example_source(item)).collect();
        resolved.into_iter().collect()
    }

    fn example(&mut self, example: &ast::Example) -> ExampleSource {
        let mut entries = Vec::new();
        // Arrays whose entries already failed: saying that they are missing too would only
        // repeat the error.
        let mut failed = Vec::new();
        let mut failed_names = HashSet::new();
        for entry in &example.entries {
            match self.example_entry(entry) {
                Some(resolved) => entries.push(resolved),
                None => {
                    failed_names.insert(entry.target.name.name.clone());
                }
            }
        }
        for (id, array) in self.program.arrays.iter().enumerate() {
            if failed_names.contains(&array.name) {
                failed.push(id);
            }
        }
        ExampleSource::Example { entries, failed, span: example.span }
    }

    fn example_entry(&mut self, entry: &ast::ExampleEntry) -> Option<Entry> {
        let target = &entry.target;
        let indices = self.exprs(&target.indices);
        let value = self.value_tree(&entry.value);
        let tolerance = entry.tolerance.as_ref().map(|t| self.constant_number(t, "a tolerance"));
        self.record_use(&target.name);
        let Some(&(symbol, declared)) = self.names.get(&target.name.name) else {
            let mut diagnostic = self.unknown_name_diagnostic(&target.name);
            if diagnostic.help.is_empty() {
                diagnostic = diagnostic.with_help(self.inputs_and_outputs());
            }
            self.error(diagnostic);
            return None;
        };
        if let super::Symbol::Poisoned = symbol {
            return None;
        }
        let super::Symbol::Array(array) = symbol else {
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
        if entry.approximate && !info.real {
            self.error(
                Diagnostic::error(format!(
                    "`~=` observes a real within a tolerance, and `{}` takes values 0..{}",
                    info.name, info.domain
                ))
                .with_label(target.span, "not a real output")
                .with_secondary(declared, "declared here")
                .with_help("give the value with `=`"),
            );
            return None;
        }
        if entry.approximate && info.kind == DeclKind::Input {
            self.error(
                Diagnostic::error(format!(
                    "`~=` observes an output within a tolerance, and `{}` is an input",
                    info.name
                ))
                .with_label(target.span, "an input")
                .with_secondary(declared, "declared here")
                .with_help("give an input's value with `=`"),
            );
            return None;
        }
        let tolerance = match tolerance {
            Some(t) => Some(t?),
            None => None,
        };
        if indices.len() > info.dims.len() {
            self.error(
                Diagnostic::error(format!(
                    "`{}` has {} but {}",
                    info.name,
                    plural(info.dims.len(), "dimension"),
                    super::exprs::indices_given(indices.len())
                ))
                .with_label(target.span, "too many indices"),
            );
            return None;
        }
        Some(Entry { array, indices, value: value?, tolerance, span: entry.span })
    }

    /// A value of the sketch (an example entry or a param binding) as a value tree.
    pub(super) fn value_tree(&mut self, value: &ast::Value) -> Option<ValueTree> {
        let kind = match &value.kind {
            // `bits(v, n)`: the list of the n bits of v.
            ast::ValueKind::Expr(ast::Expr { kind: ast::ExprKind::Call { func, args }, span, .. })
                if func.name == super::exprs::BITS =>
            {
                let [number, count] = args.as_slice() else {
                    self.error(
                        Diagnostic::error(format!(
                            "`bits` takes 2 arguments but {} {} given",
                            args.len(),
                            agreeing(args.len(), "was", "were")
                        ))
                        .with_label(*span, "wrong number of arguments")
                        .with_help("`bits(v, n)` is the list of the n bits of v, most significant first"),
                    );
                    return None;
                };
                let number = self.constant_expr(number, "the number of `bits(v, n)`");
                let count = self.constant_expr(count, "the length of `bits(v, n)`");
                ValueKind::Bits(number?, count?)
            }
            ast::ValueKind::Expr(expr) => ValueKind::Expr(self.constant_number(expr, "an example value")?),
            ast::ValueKind::List(items) => {
                let items: Vec<Option<ValueTree>> = items.iter().map(|v| self.value_tree(v)).collect();
                ValueKind::List(items.into_iter().collect::<Option<_>>()?)
            }
            ast::ValueKind::Repeat(item, count) => {
                let item = self.value_tree(item);
                let count = self.constant_expr(count, "a repeat count");
                ValueKind::Repeat(Box::new(item?), count?)
            }
            ast::ValueKind::Hole => ValueKind::Hole,
        };
        Some(ValueTree { kind, at: At::Sketch(value.span) })
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

    /// An example sees the arrays declared above it; inputs and outputs declared below it are
    /// still part of the program, so the example leaves such outputs unobserved and is
    /// missing such inputs (an error: every example gives every input).
    pub(super) fn examples_before_declarations(&mut self) {
        let count = self.program.arrays.len();
        let mut missing_inputs = Vec::new();
        for example in &mut self.program.examples {
            let known = example.values.len();
            example.values.resize(count, None);
            example.reals.resize(count, None);
            example.entry_spans.resize(count, None);
            for array in self.program.arrays.iter().skip(known) {
                if array.kind == DeclKind::Input {
                    missing_inputs.push(
                        missing_input(
                            Origin::Sketch,
                            &At::Sketch(example.span),
                            &array.name,
                            array.name_span,
                            "declared here, below the example",
                        )
                        .with_help("every example gives every input in full; declare the inputs above the examples"),
                    );
                }
            }
        }
        self.errors.extend(missing_inputs);
    }
}
