//! Synthesis result (sketch + param values) -> `.tpt` source, in one of two forms:
//! `print_program` specializes the program to the values (params folded where they decide
//! the structure, loops unrolled where that makes iterations differ, dead code removed,
//! single-use temporaries inlined); `print_sketch` keeps the original text and only rewrites
//! the param declarations with their values.
//!
//! The passes of `print_program` work on the checked program's own code, each in its own
//! module: `specialize` (partial evaluation, with `calls` inlining the arm of a function that
//! the arguments select), `dead` (liveness), `inline` (temporaries), with `simplify` building
//! the code they produce; `emit` turns the result into the printed
//! program's syntax tree (`syntax` for the generated statements), which the formatter prints
//! once with the source's comments.

mod calls;
mod dead;
mod emit;
mod given_up;
mod inline;
mod simplify;
mod specialize;
mod syntax;

#[cfg(test)]
mod tests;

use tpt_core::check::{check, CheckOptions};
use tpt_core::interp::{bound_params, run_example, ParamValues};
use tpt_core::limits::Limits;
use tpt_core::program::{ExampleData, Program};
use tpt_graph::lower::lower;
use tpt_source::span::Span;
use tpt_syntax::ast::{self, DeclKind, Item};
use tpt_syntax::format::{format_printed, Printed};
use tpt_syntax::parse::{parse, Parsed};

pub use given_up::GivenUp;
pub use simplify::Unsupported;

/// `[0, [1, 2]]`-style text of an array's values.
pub fn format_values(values: &[u32], dims: &[usize]) -> String {
    match dims.split_first() {
        None => values.first().map_or("0".to_string(), |v| v.to_string()),
        Some((_, rest)) => {
            let block: usize = rest.iter().product::<usize>().max(1);
            let parts: Vec<String> = values.chunks(block).map(|c| format_values(c, rest)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// The span of an item up to its last token (the parser's span of an `if` without `else`
/// may run on to the next token).
fn item_span(item: &Item) -> Span {
    match item {
        Item::Stmt(ast::Stmt { kind: ast::StmtKind::If { branches, otherwise }, span }) => {
            let last = otherwise.as_ref().or(branches.last().map(|(_, b)| b));
            Span::new(span.start, last.map_or(span.end, |b| b.span.end.min(span.end)))
        }
        other => other.span(),
    }
}

/// An integer literal as syntax (`-3` is a negation).
fn literal(value: i64) -> ast::Expr {
    let int = |v: i64| ast::Expr::new(ast::ExprKind::Int(v), Span::default());
    if value < 0 {
        let kind = ast::ExprKind::Unary { op: ast::UnOp::Neg, operand: Box::new(int(value.unsigned_abs() as i64)) };
        ast::Expr::new(kind, Span::default())
    } else {
        int(value)
    }
}

/// The param values as syntax: nested lists, with `[v; n]` where every element is the same
/// (reusing the declaration's dimensions, so the binding survives the same `--set`).
fn value_tree(values: &[u32], dims: &[usize], dim_exprs: &[ast::Expr]) -> ast::Value {
    let value = |kind| ast::Value { kind, span: Span::default() };
    if let Some(&first) = values.first() {
        if !dims.is_empty() && values.iter().all(|&v| v == first) && dim_exprs.len() == dims.len() {
            let mut tree = value(ast::ValueKind::Expr(literal(first as i64)));
            for dim in dim_exprs.iter().rev() {
                tree = value(ast::ValueKind::Repeat(Box::new(tree), dim.clone()));
            }
            return tree;
        }
    }
    list_tree(values, dims)
}

/// Nested lists of literals, as `format_values` writes them.
fn list_tree(values: &[u32], dims: &[usize]) -> ast::Value {
    let value = |kind| ast::Value { kind, span: Span::default() };
    match dims.split_first() {
        None => value(ast::ValueKind::Expr(literal(values.first().copied().unwrap_or(0) as i64))),
        Some((_, rest)) => {
            let block: usize = rest.iter().product::<usize>().max(1);
            value(ast::ValueKind::List(values.chunks(block).map(|chunk| list_tree(chunk, rest)).collect()))
        }
    }
}

/// The param values as a `.tpt` value: nested lists, with `[v; n]` where every element is
/// the same (reusing the dimension's source text, so the text survives the same `--set`).
pub fn value_text(values: &[u32], dims: &[usize], dim_texts: &[String]) -> String {
    if let Some(&first) = values.first() {
        if !dims.is_empty() && values.iter().all(|&v| v == first) {
            let mut text = first.to_string();
            for dim in dim_texts.iter().rev() {
                text = format!("[{text}; {dim}]");
            }
            return text;
        }
    }
    format_values(values, dims)
}

/// The text of a real: the shortest decimal that reads back as the same number, with a point
/// or an exponent (`1.0`, `-0.25`, `1e-7`).
pub fn real_text(value: f64) -> String {
    format!("{value:?}")
}

/// `[0.5, [1.0, 2.5]]`-style text of a real array's values.
pub fn real_value_text(values: &[f64], dims: &[usize]) -> String {
    match dims.split_first() {
        None => values.first().map_or("0.0".to_string(), |&v| real_text(v)),
        Some((_, rest)) => {
            let block: usize = rest.iter().product::<usize>().max(1);
            let parts: Vec<String> = values.chunks(block).map(|c| real_value_text(c, rest)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// A real literal as syntax (a negative one is a negation).
fn real_literal(value: f64) -> ast::Expr {
    let real = |v: f64| ast::Expr::new(ast::ExprKind::Real(ast::RealLit::of(v)), Span::default());
    if value.is_sign_negative() {
        let kind = ast::ExprKind::Unary { op: ast::UnOp::Neg, operand: Box::new(real(-value)) };
        ast::Expr::new(kind, Span::default())
    } else {
        real(value)
    }
}

/// A real param's values as syntax: nested lists of literals.
fn real_value_tree(values: &[f64], dims: &[usize]) -> ast::Value {
    let value = |kind| ast::Value { kind, span: Span::default() };
    match dims.split_first() {
        None => value(ast::ValueKind::Expr(real_literal(values.first().copied().unwrap_or(0.0)))),
        Some((_, rest)) => {
            let block: usize = rest.iter().product::<usize>().max(1);
            value(ast::ValueKind::List(values.chunks(block).map(|chunk| real_value_tree(chunk, rest)).collect()))
        }
    }
}

/// A comment to print above a param's declaration: the param's name and the comment's text
/// (without `//`). Synthesis marks params that any value satisfies this way.
pub type Mark = (String, String);

/// What synthesis says in the printed program besides the values: comments above params that
/// any value satisfies, and the examples given up under `--max-violations` (commented out, or
/// noted where they cannot be).
#[derive(Clone, Copy, Debug, Default)]
pub struct Notes<'a> {
    pub marks: &'a [Mark],
    pub given_up: GivenUp<'a>,
}

/// The original source with every param declaration bound to its value (under its mark, if
/// it has one), every const set with `--set` given its new value (so that the text runs on
/// its own, like the program form), and the examples given up commented out or noted as the
/// program form does.
pub fn print_sketch(source: &str, parsed: &Parsed, program: &Program, values: &ParamValues, notes: &Notes) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let items = &parsed.file.items;
    let given_up = notes.given_up.plan(program, items);
    for (item, given_up) in items.iter().zip(given_up) {
        if let ast::Item::Examples(_) = item {
            let span = item_span(item);
            let indent = indentation(source, span.start);
            match given_up {
                given_up::ExampleItem::Kept => {}
                given_up::ExampleItem::Noted(note) => {
                    edits.push((span.start, span.start, format!("// {note}\n{indent}")))
                }
                given_up::ExampleItem::CommentedOut(note) => {
                    let text = source[span.range()].lines().map(|line| format!("// {line}").trim_end().to_string());
                    let text: Vec<String> = text.collect();
                    edits.push((span.start, span.end, format!("// {note}\n{indent}{}", text.join("\n"))));
                }
            }
            continue;
        }
        if let ast::Item::Const(c) = item {
            if let Some(info) = program.consts.iter().find(|info| info.name == c.name.name && info.overridden) {
                edits.push((c.span.start, c.span.end, format!("const {} = {};", c.name.name, info.value)));
            }
            continue;
        }
        let ast::Item::Decl(decl) = item else {
            continue;
        };
        if decl.kind != DeclKind::Param {
            continue;
        }
        let Some(id) = program.array_named(&decl.name.name) else {
            continue;
        };
        let info = &program.arrays[id];
        // Values that do not fit the program (a caller's mistake) leave the declaration as is.
        let value = if info.real {
            match values.reals.get(id) {
                Some(reals) => real_value_text(reals, &info.dims),
                None => continue,
            }
        } else {
            let Some(values) = values.get(id) else {
                continue;
            };
            let dim_texts: Vec<String> = decl.dims.iter().map(|d| source[d.span.range()].to_string()).collect();
            value_text(values, &info.dims, &dim_texts)
        };
        let head_end = decl.domain.span().end;
        let head = &source[decl.span.start..head_end];
        let mark = match notes.marks.iter().find(|(name, _)| *name == decl.name.name) {
            // On the line above, indented like the declaration.
            Some((_, comment)) => format!("// {comment}\n{}", indentation(source, decl.span.start)),
            None => String::new(),
        };
        edits.push((decl.span.start, decl.span.end, format!("{mark}{head} = {value};")));
    }
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for (start, end, text) in edits {
        out.push_str(&source[at..start]);
        out.push_str(&text);
        at = end;
    }
    out.push_str(&source[at..]);
    out
}

/// The spaces and tabs that begin the line holding `at`.
fn indentation(source: &str, at: usize) -> String {
    let line_start = source[..at].rfind('\n').map_or(0, |at| at + 1);
    source[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect()
}

/// The program specialized to the param values, as canonical source (see docs/language.md,
/// "What synthesis prints"). Should specialization meet a construct it cannot handle, or
/// its result not check or not behave like the sketch on the examples (which would be a
/// bug), the sketch form is printed instead: it is correct by construction.
pub fn print_program(source: &str, parsed: &Parsed, program: &Program, values: &ParamValues, notes: &Notes) -> String {
    let printed = specialized_entries(source, parsed, program, values, notes)
        .ok()
        .filter(|entries| behaves_the_same(entries, program, values).is_ok());
    match printed {
        Some(entries) => format_printed(source, &parsed.comments, &entries),
        None => print_sketch(source, parsed, program, values, notes),
    }
}

/// The specialized program, without the fallback of [`print_program`] (for tests).
pub fn specialize_program(
    source: &str,
    parsed: &Parsed,
    program: &Program,
    values: &ParamValues,
) -> Result<String, Unsupported> {
    let entries = specialized_entries(source, parsed, program, values, &Notes::default())?;
    Ok(format_printed(source, &parsed.comments, &entries))
}

/// The printed program's entries: the sketch specialized, dead code removed, temporaries
/// inlined, and the result laid out item by item.
fn specialized_entries(
    source: &str,
    parsed: &Parsed,
    program: &Program,
    values: &ParamValues,
    notes: &Notes,
) -> Result<Vec<Printed>, Unsupported> {
    if values.len() != program.arrays.len() || program.body.iter().any(|s| s.origin.item >= parsed.file.items.len()) {
        return simplify::unsupported("a program that does not match its file or values");
    }
    let stmts = specialize::Specializer::new(program, values).top_level()?;
    let mut stmts = dead::remove_dead(program, stmts)?;
    inline::inline_temporaries(program, &mut stmts);
    let stmts = dead::remove_dead(program, stmts)?;
    let mut comments = parsed.comments.clone();
    comments.sort_by_key(|c| c.span.start);
    emit::Emitter::new(source, &parsed.file, &comments, program, values, notes).emit(&stmts)
}

/// How a printed program fails to behave like the sketch it was printed from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("does not parse: {0}")]
    DoesNotParse(String),
    #[error("does not check: {0}")]
    DoesNotCheck(String),
    #[error("does not lower: {0}")]
    DoesNotLower(String),
    #[error("lowering stopped")]
    LoweringStopped,
    #[error("has unbound params")]
    UnboundParams,
    #[error("no output `{0}`")]
    MissingOutput(String),
    #[error("`{0}` is not in the original program")]
    NotInTheSketch(String),
    /// An output's values (as the interpreter's `Debug` gives them) on an example.
    #[error("{example}: `{array}` is {printed} instead of {sketch}")]
    OutputDiffers { example: String, array: String, printed: String, sketch: String },
    #[error("{example}: {printed} failure(s) instead of {sketch}: {failures}")]
    FailuresDiffer { example: String, printed: usize, sketch: usize, failures: String },
}

/// Check the printed program (its syntax tree: nothing is parsed) and compare it with the
/// sketch on the sketch's examples.
fn behaves_the_same(entries: &[Printed], program: &Program, values: &ParamValues) -> Result<(), Mismatch> {
    let items = entries
        .iter()
        .filter_map(|entry| match entry {
            Printed::Source { item, .. } | Printed::Generated { item, .. } => Some(item.clone()),
            Printed::Skipped { .. } | Printed::Blank | Printed::CommentedOut { .. } => None,
        })
        .collect();
    checked_behaviour(&ast::File { items, span: Span::default(), broken: Vec::new() }, program, values)
}

/// Generous bounds for checking a printed program: the sketch it came from already passed
/// the user's own, and the printed program is no larger.
fn printed_limits() -> Limits {
    let defaults = Limits::default();
    Limits {
        max_depth: defaults.max_depth,
        max_unroll: u64::MAX,
        max_enum: u64::MAX,
        max_enum_total: u64::MAX,
        max_elements: u64::MAX,
        max_domain: u64::MAX,
        max_examples: u64::MAX,
        max_example_values: u64::MAX,
        max_nodes: u64::MAX,
        max_memory_mib: u64::MAX,
    }
}

/// Parse and check a printed program and compare it with the sketch on the sketch's examples
/// (for tests of the printed text).
pub fn reproduces(text: &str, program: &Program, values: &ParamValues) -> Result<(), Mismatch> {
    let parsed =
        parse(text, printed_limits().max_depth).map_err(|d| Mismatch::DoesNotParse(d[0].message.to_string()))?;
    checked_behaviour(&parsed.file, program, values)
}

/// Check (and lower) a printed program and compare it with the sketch on its examples.
fn checked_behaviour(file: &ast::File, program: &Program, values: &ParamValues) -> Result<(), Mismatch> {
    let limits = printed_limits();
    let options = CheckOptions { overrides: Vec::new(), limits: limits.clone(), ..CheckOptions::default() };
    let printed = check(file, &options).map_err(|d| Mismatch::DoesNotCheck(d[0].message.to_string()))?.program;
    lower(&printed, &limits, &Default::default()).map_err(|failure| match failure {
        tpt_core::limits::Failure::Errors(d) => Mismatch::DoesNotLower(d[0].message.to_string()),
        tpt_core::limits::Failure::Stopped(_) => Mismatch::LoweringStopped,
    })?;
    let printed_values = bound_params(&printed).map_err(|_| Mismatch::UnboundParams)?;
    same_behaviour(program, values, &printed, &printed_values)
}

/// Whether two programs with the same inputs and outputs compute the same outputs and the
/// same number of failed observations on every example of `a` (the examples are matched to
/// `b` by input and output names).
pub fn same_behaviour(
    a: &Program,
    a_values: &ParamValues,
    b: &Program,
    b_values: &ParamValues,
) -> Result<(), Mismatch> {
    let max_steps = u64::MAX;
    for example in &a.examples {
        let translated = translate_example(example, a, b)?;
        let ran_a = run_example(a, a_values, example, max_steps);
        let ran_b = run_example(b, b_values, &translated, max_steps);
        for (id, array) in a.arrays.iter().enumerate() {
            if array.kind != DeclKind::Output {
                continue;
            }
            let other = b.array_named(&array.name).ok_or_else(|| Mismatch::MissingOutput(array.name.clone()))?;
            if ran_a.outputs[id] != ran_b.outputs[other] {
                return Err(Mismatch::OutputDiffers {
                    example: example.label.clone(),
                    array: array.name.clone(),
                    printed: format!("{:?}", ran_b.outputs[other]),
                    sketch: format!("{:?}", ran_a.outputs[id]),
                });
            }
            if ran_a.real_outputs[id] != ran_b.real_outputs[other] {
                return Err(Mismatch::OutputDiffers {
                    example: example.label.clone(),
                    array: array.name.clone(),
                    printed: format!("{:?}", ran_b.real_outputs[other]),
                    sketch: format!("{:?}", ran_a.real_outputs[id]),
                });
            }
        }
        if ran_a.failures.len() != ran_b.failures.len() {
            return Err(Mismatch::FailuresDiffer {
                example: example.label.clone(),
                printed: ran_b.failures.len(),
                sketch: ran_a.failures.len(),
                failures: format!("{:?}", ran_b.failures),
            });
        }
    }
    Ok(())
}

/// An example of `from` as an example of `to`, by the names of the inputs and outputs.
fn translate_example(example: &ExampleData, from: &Program, to: &Program) -> Result<ExampleData, Mismatch> {
    let mut values = vec![None; to.arrays.len()];
    let mut reals = vec![None; to.arrays.len()];
    let mut entry_spans = vec![None; to.arrays.len()];
    for (id, array) in to.arrays.iter().enumerate() {
        if !matches!(array.kind, DeclKind::Input | DeclKind::Output) {
            continue;
        }
        let Some(source) = from.array_named(&array.name) else {
            return Err(Mismatch::NotInTheSketch(array.name.clone()));
        };
        values[id] = example.values[source].clone();
        reals[id] = example.reals.get(source).cloned().flatten();
        entry_spans[id] = example.entry_spans[source];
    }
    Ok(ExampleData { values, reals, entry_spans, ..example.clone() })
}
