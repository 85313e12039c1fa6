//! Why nothing (trustworthy) was found -> diagnostics: the observations a candidate violates,
//! example by example, and the examples a proof of impossibility found cannot hold together
//! (also as JSON).

use tpt_core::interp::{run_example, Failure, Outcome, ParamValues};
use tpt_core::program::{ArrayId, ExampleData, Program};
use tpt_source::diagnostics::{line_column, Diagnostic, SourceMap};
use tpt_syntax::ast::DeclKind;

use super::params::shorten;

/// Run every example with the given param values; the diagnostics of the failing ones.
pub fn violated_observations(program: &Program, values: &ParamValues, max_steps: u64) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for example in &program.examples {
        let outcome = run_example(program, values, example, max_steps);
        diagnostics.extend(failure_diagnostics(program, example, &outcome));
        if diagnostics.len() > 40 {
            diagnostics.push(Diagnostic::note("further violated observations are not shown"));
            break;
        }
    }
    diagnostics
}

/// The diagnostics of one example's failing observations: one per output array (listing
/// its wrong elements), at the example and the output's declaration, and one per failing
/// `observe` or run-time error.
pub fn failure_diagnostics(program: &Program, example: &ExampleData, outcome: &Outcome) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut by_array: Vec<(ArrayId, Vec<String>)> = Vec::new();
    for failure in &outcome.failures {
        match failure {
            Failure::Output { array, flat, expected, actual } => {
                let name = program.arrays[*array].element_name(*flat);
                let actual = actual.map_or("unassigned".to_string(), |v| v.to_string());
                let text = format!("`{name}` is {actual}, expected {expected}");
                match by_array.iter_mut().find(|(a, _)| a == array) {
                    Some((_, list)) => list.push(text),
                    None => by_array.push((*array, vec![text])),
                }
            }
            Failure::RealOutput { array, flat, expected, actual } => {
                let name = program.arrays[*array].element_name(*flat);
                let actual = actual.map_or("unassigned".to_string(), |v| format!("{v:?}"));
                let text =
                    format!("`{name}` is {actual}, expected {:?} within {:?}", expected.value, expected.tolerance);
                match by_array.iter_mut().find(|(a, _)| a == array) {
                    Some((_, list)) => list.push(text),
                    None => by_array.push((*array, vec![text])),
                }
            }
            Failure::Observe { span, actual } => diagnostics.push(in_example(
                Diagnostic::error(format!("{}: an `observe` does not hold", example.label))
                    .with_label(*span, format!("this is {actual}, not 1")),
                example,
            )),
            Failure::Error(error) => {
                let mut diagnostic = in_example(tpt_core::eval::eval_error_diagnostic(program, error, ""), example);
                diagnostic.message.prepend(&format!("{}: ", example.label));
                diagnostics.push(diagnostic);
            }
        }
    }
    for (array, wrong) in by_array {
        let info = &program.arrays[array];
        debug_assert_eq!(info.kind, DeclKind::Output);
        let at = example.entry_spans[array].unwrap_or(example.span);
        let message = if wrong.len() == 1 {
            format!("{}: {}", example.label, wrong[0])
        } else {
            format!("{}: {} elements of `{}` differ from the example", example.label, wrong.len(), info.name)
        };
        let mut diagnostic = Diagnostic::error(message)
            .with_label_in(example.source, at, "the expected values", true)
            .with_secondary(info.name_span, "the output");
        if wrong.len() > 1 {
            diagnostic = diagnostic.with_note(shorten(&wrong));
        }
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// A label on the example a diagnostic is about; none for an example that was not written in
/// any file (a new input to run on has an empty span).
fn in_example(diagnostic: Diagnostic, example: &ExampleData) -> Diagnostic {
    if example.span.is_empty() {
        diagnostic
    } else {
        diagnostic.with_label_in(example.source, example.span, "in this example", false)
    }
}

/// The diagnostic of a proof of impossibility that found `conflict` (indices of examples) to
/// be unsatisfiable together: one error with a label on each of those examples. Examples
/// written once inside a loop share a span and so share a label.
pub fn conflict_diagnostic(program: &Program, conflict: &[usize]) -> Diagnostic {
    let examples: Vec<&ExampleData> = conflict.iter().filter_map(|&e| program.examples.get(e)).collect();
    let message = match examples[..] {
        [one] => format!("no program satisfies {}", one.label),
        _ => format!("no program satisfies these {} examples together", examples.len()),
    };
    let mut places: Vec<(usize, tpt_source::span::Span, Vec<&str>)> = Vec::new();
    for example in &examples {
        match places.iter_mut().find(|(source, span, _)| *source == example.source && *span == example.span) {
            Some((_, _, labels)) => labels.push(&example.label),
            None => places.push((example.source, example.span, vec![&example.label])),
        }
    }
    let mut diagnostic = Diagnostic::error(message);
    for (source, span, labels) in places {
        diagnostic = diagnostic.with_label_in(source, span, shorten_labels(&labels), true);
    }
    let covered = "the whole search space was covered: no assignment of the params satisfies every example";
    let help = if examples.len() == 1 {
        "whatever the params, the program cannot produce what this example expects; check its values"
    } else {
        "no one program fits all of them; check their expected values, or widen the sketch"
    };
    diagnostic.with_note(covered).with_help(help)
}

/// `example 1, example 3`, or the first few and how many more.
fn shorten_labels(labels: &[&str]) -> String {
    const SHOWN: usize = 4;
    let mut text = labels.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    if labels.len() > SHOWN {
        text.push_str(&format!(" and {} more", labels.len() - SHOWN));
    }
    text
}

/// The examples of a conflict for `--json`: each one's label, file, and 1-based line and
/// column (in characters) of its start.
pub fn conflict_json(program: &Program, sources: &SourceMap, conflict: &[usize]) -> serde_json::Value {
    let entries = conflict
        .iter()
        .filter_map(|&e| program.examples.get(e))
        .map(|example| {
            let (line, column) = line_column(sources.text(example.source), example.span.start);
            serde_json::json!({
                "label": example.label,
                "file": sources.name(example.source),
                "line": line,
                "column": column,
            })
        })
        .collect();
    serde_json::Value::Array(entries)
}
