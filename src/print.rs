//! Synthesis result (sketch + param values) -> `.tpt` source, in one of two forms:
//! `print_program` specializes the program to the values (params folded where they decide
//! the structure, loops unrolled where that makes iterations differ, dead code removed,
//! single-use temporaries inlined); `print_sketch` keeps the original text and only rewrites
//! the param declarations with their values.
//!
//! The passes of `print_program`, each in its own module: `specialize` (partial evaluation
//! into `residual` code), `dead` (liveness), `inline` (temporaries), `emit` (source text,
//! with `syntax` turning residual code back into AST).

mod dead;
mod emit;
mod inline;
mod residual;
mod simplify;
mod specialize;
mod syntax;
#[cfg(test)]
mod tests;

use crate::ast::{self, DeclKind};
use crate::check::{check, CheckOptions};
use crate::interp::{bound_params, run_example, ParamValues};
use crate::limits::Limits;
use crate::lower::lower;
use crate::parse::parse;
use crate::program::{ExampleData, Program};
use crate::result::format_values;

pub use residual::Unsupported;

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

/// The original source with every param declaration bound to its value, and every const set
/// with `--set` given its new value (so that the text runs on its own, like the program form).
pub fn print_sketch(source: &str, file: &ast::File, program: &Program, values: &ParamValues) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for item in &file.items {
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
        // Values that do not fit the program (a caller's mistake) leave the declaration as is.
        let Some(values) = values.get(id) else {
            continue;
        };
        let info = &program.arrays[id];
        let head_end = decl.domain.span().end;
        let head = &source[decl.span.start..head_end];
        let dim_texts: Vec<String> = decl.dims.iter().map(|d| source[d.span.range()].to_string()).collect();
        let value = value_text(values, &info.dims, &dim_texts);
        edits.push((decl.span.start, decl.span.end, format!("{head} = {value};")));
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

/// The printed text with a comment on the line above each named param's declaration:
/// `marks` holds (param name, comment text), e.g. `("in2", "any value works for in2[1]")`.
/// Used for the params any value of which works (docs/language.md, "What synthesis prints").
pub fn mark_params(text: &str, marks: &[(String, String)]) -> String {
    if marks.is_empty() {
        return text.to_string();
    }
    let Ok(parsed) = parse(text, Limits::default().max_depth) else {
        return text.to_string();
    };
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for item in &parsed.file.items {
        let ast::Item::Decl(decl) = item else {
            continue;
        };
        let Some((_, comment)) = marks.iter().find(|(name, _)| decl.kind == DeclKind::Param && *name == decl.name.name)
        else {
            continue;
        };
        // Above the line the declaration starts on, indented like it.
        let line_start = text[..decl.span.start].rfind('\n').map_or(0, |at| at + 1);
        let indent: String = text[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        inserts.push((line_start, format!("{indent}// {comment}\n")));
    }
    let mut out = String::with_capacity(text.len() + inserts.iter().map(|(_, t)| t.len()).sum::<usize>());
    let mut at = 0;
    for (position, insert) in inserts {
        out.push_str(&text[at..position]);
        out.push_str(&insert);
        at = position;
    }
    out.push_str(&text[at..]);
    out
}

/// The program specialized to the param values, as canonical source (see docs/language.md,
/// "What synthesis prints"). Should specialization meet a construct it cannot handle, or
/// its result not check or not behave like the sketch on the examples (which would be a
/// bug), the sketch form is printed instead: it is correct by construction.
pub fn print_program(source: &str, file: &ast::File, program: &Program, values: &ParamValues) -> String {
    match specialize_program(source, file, program, values) {
        Ok(text) if reproduces(&text, program, values).is_ok() => text,
        _ => print_sketch(source, file, program, values),
    }
}

/// The specialized program, without the fallback of [`print_program`] (for tests).
pub fn specialize_program(
    source: &str,
    file: &ast::File,
    program: &Program,
    values: &ParamValues,
) -> Result<String, Unsupported> {
    // The checker puts every top-level statement that holds no example into the body, in
    // order; `body_items[k]` is the file item of `program.body[k]`.
    let body_items: Vec<usize> = file
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| matches!(item, ast::Item::Stmt(s) if !emit::holds_examples(s)))
        .map(|(i, _)| i)
        .collect();
    if body_items.len() != program.body.len() || values.len() != program.arrays.len() {
        return residual::unsupported("a program that does not match its file or values");
    }
    let stmts = specialize::Specializer::new(program, values).top_level(&body_items)?;
    let mut stmts = dead::remove_dead(program, stmts)?;
    inline::inline_temporaries(program, &mut stmts);
    let stmts = dead::remove_dead(program, stmts)?;
    emit::Emitter::new(source, file, program, values).emit(&stmts, &body_items)
}

/// Generous bounds for checking a printed program: the sketch it came from already passed
/// the user's own, and the printed program is no larger.
fn printed_limits() -> Limits {
    let defaults = Limits::default();
    Limits {
        max_depth: defaults.max_depth,
        max_unroll: u64::MAX,
        max_enum: u64::MAX,
        max_elements: u64::MAX,
        max_domain: u64::MAX,
        max_examples: u64::MAX,
        max_nodes: u64::MAX,
        max_memory_mib: u64::MAX,
    }
}

/// Check a printed program and compare it with the sketch on the sketch's examples.
pub fn reproduces(text: &str, program: &Program, values: &ParamValues) -> Result<(), String> {
    let limits = printed_limits();
    let parsed = parse(text, limits.max_depth).map_err(|d| format!("does not parse: {}", d[0].message))?;
    let options = CheckOptions { overrides: Vec::new(), limits: limits.clone() };
    let printed = check(&parsed.file, &options).map_err(|d| format!("does not check: {}", d[0].message))?.program;
    lower(&printed, &limits).map_err(|d| format!("does not lower: {}", d[0].message))?;
    let printed_values = bound_params(&printed).map_err(|_| "has unbound params".to_string())?;
    same_behaviour(program, values, &printed, &printed_values)
}

/// Whether two programs with the same inputs and outputs compute the same outputs and the
/// same number of failed observations on every example of `a` (the examples are matched to
/// `b` by input and output names).
pub fn same_behaviour(a: &Program, a_values: &ParamValues, b: &Program, b_values: &ParamValues) -> Result<(), String> {
    let max_steps = u64::MAX;
    for example in &a.examples {
        let translated = translate_example(example, a, b)?;
        let ran_a = run_example(a, a_values, example, max_steps);
        let ran_b = run_example(b, b_values, &translated, max_steps);
        for (id, array) in a.arrays.iter().enumerate() {
            if array.kind != DeclKind::Output {
                continue;
            }
            let other = b.array_named(&array.name).ok_or(format!("no output `{}`", array.name))?;
            if ran_a.outputs[id] != ran_b.outputs[other] {
                return Err(format!(
                    "{}: `{}` is {:?} instead of {:?}",
                    example.label, array.name, ran_b.outputs[other], ran_a.outputs[id]
                ));
            }
        }
        if ran_a.failures.len() != ran_b.failures.len() {
            return Err(format!(
                "{}: {} failure(s) instead of {}: {:?}",
                example.label,
                ran_b.failures.len(),
                ran_a.failures.len(),
                ran_b.failures
            ));
        }
    }
    Ok(())
}

/// An example of `from` as an example of `to`, by the names of the inputs and outputs.
fn translate_example(example: &ExampleData, from: &Program, to: &Program) -> Result<ExampleData, String> {
    let mut values = vec![None; to.arrays.len()];
    let mut entry_spans = vec![None; to.arrays.len()];
    for (id, array) in to.arrays.iter().enumerate() {
        if !matches!(array.kind, DeclKind::Input | DeclKind::Output) {
            continue;
        }
        let Some(source) = from.array_named(&array.name) else {
            return Err(format!("`{}` is not in the original program", array.name));
        };
        values[id] = example.values[source].clone();
        entry_spans[id] = example.entry_spans[source];
    }
    Ok(ExampleData { values, entry_spans, ..example.clone() })
}
