//! Solver report -> what the user is told: a [`Synthesis`] with its status, the verified
//! params or the best unverified candidate, the diagnostics on each synthesized param (its
//! value, params no observation can depend on, params any value of which works, values the
//! examples do not pin down), the observations a failed candidate violates, the examples that
//! a proof of impossibility found cannot hold together, the printed program and the JSON form.

use crate::ast::DeclKind;
use crate::diagnostics::{line_column, plural, Diagnostic, SourceMap};
use crate::graph::Graph;
use crate::interp::{run_example, Failure, Outcome, ParamValues};
use crate::pipeline::Compiled;
use crate::program::{ArrayId, ExampleData, Program};
use crate::solve::{Candidate, SolveReport, Status, TracePoint};
use crate::tape::Tape;
use crate::verify::{param_values, Verified};

use std::sync::OnceLock;

/// What a search produced.
#[derive(Clone, Debug)]
pub struct Synthesis {
    /// The back end that ran.
    pub backend: &'static str,
    pub seed: u64,
    report: SolveReport,
    /// What the examples say about each param of a found program, computed on first use.
    analysis: OnceLock<ParamAnalysis>,
}

/// Which form of the program to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrintForm {
    /// Specialized to the params: folded, unrolled where that reads better, dead code removed.
    Program,
    /// The original text with only the param declarations bound.
    Sketch,
}

impl Synthesis {
    pub fn new(backend: &'static str, seed: u64, report: SolveReport) -> Self {
        Synthesis { backend, seed, report, analysis: OnceLock::new() }
    }

    /// For a found program: which params no observation can depend on, which take any value,
    /// which others would also do.
    pub fn analysis(&self, compiled: &Compiled) -> Option<&ParamAnalysis> {
        let verified = self.report.verified.as_ref()?;
        let (program, graph) = (&compiled.program, &compiled.graph);
        Some(self.analysis.get_or_init(|| match Tape::new(graph, &compiled.limits) {
            Ok(tape) => analyse_params(program, graph, &tape, verified.assignment(), compiled.limits.max_unroll),
            Err(_) => ParamAnalysis::default(),
        }))
    }

    /// The comments the printed program puts above params that any value satisfies.
    fn marks(&self, compiled: &Compiled) -> Vec<(String, String)> {
        self.analysis(compiled).map(|a| a.marks(&compiled.program, &compiled.graph)).unwrap_or_default()
    }

    pub fn status(&self) -> Status {
        self.report.status
    }

    /// The params the interpreter confirmed on every example (present exactly when found).
    pub fn verified(&self) -> Option<&Verified> {
        self.report.verified.as_ref()
    }

    /// The best candidate of a search that found nothing, when the back end has one to show
    /// (exact back ends do not).
    pub fn best_candidate(&self) -> Option<&Candidate> {
        self.report.best.as_ref()
    }

    /// Steps of the restart that produced the result.
    pub fn steps(&self) -> u64 {
        self.report.steps
    }

    pub fn seconds(&self) -> f64 {
        self.report.seconds
    }

    pub fn report(&self) -> &SolveReport {
        &self.report
    }

    pub fn trace(&self) -> &[TracePoint] {
        &self.report.trace
    }

    /// Every param's values: verified, or those of the best candidate; `None` when there is
    /// neither.
    pub fn values(&self, compiled: &Compiled) -> Option<ParamValues> {
        match (&self.report.verified, &self.report.best) {
            (Some(verified), _) => Some(verified.values().clone()),
            (None, Some(best)) => Some(param_values(&compiled.program, &compiled.graph, &best.assignment)),
            (None, None) => None,
        }
    }

    /// What to tell the user beside the program: the synthesized params and what the examples
    /// leave open; or why nothing was found and what the best candidate violates.
    pub fn diagnostics(&self, compiled: &Compiled) -> Vec<Diagnostic> {
        let (program, graph) = (&compiled.program, &compiled.graph);
        let max_steps = compiled.limits.max_unroll;
        if let (Some(verified), Some(analysis)) = (&self.report.verified, self.analysis(compiled)) {
            return param_diagnostics(program, graph, verified.assignment(), analysis);
        }
        match (self.report.status, &self.report.best) {
            (Status::Impossible, _) => vec![match self.report.conflict.as_deref() {
                Some(conflict) if !conflict.is_empty() => conflict_diagnostic(program, conflict),
                _ => Diagnostic::error(
                    "no assignment of the params satisfies every example (the whole search space was covered)",
                ),
            }],
            (Status::InternalError, best) => {
                let detail =
                    self.report.internal_error.as_deref().unwrap_or("the graph and the exact interpreter disagree");
                let mut diagnostics = vec![Diagnostic::error(format!(
                    "internal error: {detail}; this is a bug in tpt; please report it with the program"
                ))
                .with_help("no result is given: the search relies on the graph and the interpreter agreeing")];
                if let Some(best) = best {
                    let values = param_values(program, graph, &best.assignment);
                    diagnostics.extend(violated_observations(program, &values, max_steps));
                }
                diagnostics
            }
            (status, Some(best)) => {
                let mut diagnostics = vec![Diagnostic::warning(format!(
                    "no program found ({}); the best candidate violates {}",
                    describe_status(status),
                    plural(best.violations, "observation")
                ))];
                let values = param_values(program, graph, &best.assignment);
                diagnostics.extend(violated_observations(program, &values, max_steps));
                diagnostics
            }
            (status, None) => vec![Diagnostic::warning(format!(
                "no program found ({}); the {} back end stopped before it answered, so there is no candidate to show",
                describe_status(status),
                self.backend
            ))],
        }
    }

    /// The program as source: for a found result, the synthesized program; for the best
    /// candidate of a search that found nothing, the same form under a first line saying
    /// that it is not a solution; `None` when there is no candidate.
    pub fn printed(&self, compiled: &Compiled, form: PrintForm) -> Option<String> {
        let values = self.values(compiled)?;
        let marks = self.marks(compiled);
        let print = |values: &ParamValues| match form {
            PrintForm::Program => {
                crate::print::print_program(compiled.source(), &compiled.parsed, &compiled.program, values, &marks)
            }
            PrintForm::Sketch => {
                crate::print::print_sketch(compiled.source(), &compiled.parsed, &compiled.program, values, &marks)
            }
        };
        if self.report.status == Status::InternalError {
            return None;
        }
        let text = print(&values);
        match (&self.report.verified, &self.report.best) {
            (Some(_), _) => Some(text),
            (None, Some(best)) => Some(format!(
                "// NOT A SOLUTION: the best candidate of a search that found none ({}); it violates {}.\n{text}",
                describe_status(self.report.status),
                plural(best.violations, "observation")
            )),
            (None, None) => None,
        }
    }

    /// The machine-readable result: status, statistics and the params (`null` without a
    /// candidate).
    pub fn json(&self, compiled: &Compiled) -> serde_json::Value {
        let report = &self.report;
        let params = self.values(compiled).filter(|_| report.status != Status::InternalError).map(|values| {
            compiled
                .program
                .params()
                .map(|(id, array)| (array.name.clone(), serde_json::json!(values[id])))
                .collect::<serde_json::Map<_, _>>()
        });
        let violations = match (&report.verified, &report.best) {
            (Some(_), _) => Some(0),
            (None, Some(best)) => Some(best.violations),
            (None, None) => None,
        };
        serde_json::json!({
            "status": report.status,
            "backend": self.backend,
            "seed": self.seed,
            "steps": report.steps,
            "total_steps": report.total_steps,
            "restart": report.restart,
            "restarts_run": report.restarts_run,
            "seconds": report.seconds,
            "evaluations": report.evaluations,
            "violations": violations,
            "params": params,
            "conflicting_examples": report.conflict.as_ref().map(|c| conflict_json(&compiled.program, &compiled.sources, c)),
        })
    }

    /// One line: how the search ended, by which back end, with which seed, how long it took.
    pub fn summary(&self, file: &str) -> String {
        let report = &self.report;
        format!(
            "{file}: {} by {} (seed {}) in {}, restart {} of {}, {}",
            describe_status(report.status),
            self.backend,
            self.seed,
            plural(report.steps, "step"),
            report.restart + 1,
            report.restarts_run,
            duration_text(report.seconds)
        )
    }
}

/// A duration in a unit that fits it: `420 µs`, `1.23 ms`, `12.3 s`.
pub fn duration_text(seconds: f64) -> String {
    let (value, unit) = if seconds < 0.9995e-3 {
        (seconds * 1e6, "µs")
    } else if seconds < 0.9995 {
        (seconds * 1e3, "ms")
    } else {
        (seconds, "s")
    };
    let decimals = if value < 9.995 {
        2
    } else if value < 99.95 {
        1
    } else {
        0
    };
    format!("{value:.decimals$} {unit}")
}

/// A status in words.
pub fn describe_status(status: Status) -> &'static str {
    match status {
        Status::Found => "found",
        Status::StepBudget => "step budget exhausted",
        Status::Timeout => "timed out",
        Status::Interrupted => "interrupted",
        Status::GaveUp => "the back end gave up",
        Status::Impossible => "proven impossible",
        Status::InternalError => "internal error",
    }
}

/// The budget of forward passes for the sensitivity analysis of a found program.
const ANALYSIS_EVALUATIONS: usize = 50_000;

/// What the examples say about each synthesized param element (graph param) at a verified
/// assignment. Indices are graph param indices.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamAnalysis {
    /// Params from which no observation can be reached in the graph: no example can depend
    /// on them, whatever the other params are.
    pub unreachable: Vec<usize>,
    /// Params for which every value works, each changed alone with the others as found,
    /// confirmed by the interpreter (the unreachable ones included).
    pub any_value: Vec<usize>,
    /// Params some (not all) other values of which also satisfy every example.
    pub alternatives: Vec<(usize, Vec<u32>)>,
    /// Evaluations the sensitivity analysis would have needed, when it was skipped.
    pub skipped: Option<usize>,
}

impl ParamAnalysis {
    /// `(param name, comment)` for the printed program: each param with elements any value
    /// of which works gets a comment naming them (see docs/language.md).
    pub fn marks(&self, program: &Program, graph: &Graph) -> Vec<(String, String)> {
        let mut by_array: Vec<Vec<&str>> = vec![Vec::new(); program.arrays.len()];
        for &index in &self.any_value {
            let slot = &graph.params[index];
            by_array[slot.array].push(&slot.name);
        }
        let mut jointly = vec![true; program.arrays.len()];
        for &index in self.any_value.iter().filter(|i| !self.unreachable.contains(i)) {
            jointly[graph.params[index].array] = false;
        }
        let mut marks = Vec::new();
        for (array, names) in by_array.iter().enumerate() {
            let info = &program.arrays[array];
            // Unreachable elements are free together; the others were each tried alone.
            let each = if jointly[array] { "" } else { " (one at a time)" };
            let comment = match names.as_slice() {
                [] => continue,
                [one] => format!("any value works for {one}"),
                all if all.len() == info.len() => format!("any value works for every element of {}{each}", info.name),
                several => format!("any value works for each of {}{each}", several.join(", ")),
            };
            marks.push((info.name.clone(), comment));
        }
        marks
    }
}

/// Which synthesized params the examples pin down at a verified assignment: graph
/// reachability for params no observation can depend on, then each other value of each param
/// tried alone (skipped when that would take too many evaluations), with the interpreter
/// confirming every param said to take any value.
pub fn analyse_params(
    program: &Program,
    graph: &Graph,
    tape: &Tape,
    assignment: &[u32],
    max_steps: u64,
) -> ParamAnalysis {
    let live = graph.live_nodes();
    let mut analysis = ParamAnalysis {
        unreachable: (0..graph.params.len()).filter(|&i| !live[graph.params[i].node]).collect(),
        ..ParamAnalysis::default()
    };
    let cost: usize = graph.params.iter().map(|p| p.domain as usize - 1).sum();
    let mut any_value: Vec<usize> = Vec::new();
    if cost > ANALYSIS_EVALUATIONS {
        analysis.skipped = Some(cost);
        any_value.clone_from(&analysis.unreachable);
    } else {
        let mut tape = tape.clone();
        let offsets = tape.param_offsets().to_vec();
        let mut theta = vec![0.0; tape.theta_len()];
        let mut candidate = assignment.to_vec();
        for (index, slot) in graph.params.iter().enumerate() {
            let mut also = Vec::new();
            for value in 0..slot.domain {
                if value == assignment[index] {
                    continue;
                }
                candidate[index] = value;
                crate::solve::one_hot(&offsets, &candidate, &mut theta);
                tape.forward(&theta, &[]);
                if tape.violations() == 0 {
                    also.push(value);
                }
            }
            candidate[index] = assignment[index];
            if also.len() as u32 + 1 == slot.domain {
                any_value.push(index);
            } else if !also.is_empty() {
                analysis.alternatives.push((index, also));
            }
        }
    }
    // "Any value works" is printed as a fact, so the interpreter confirms it (within the same
    // budget; a param it does not reach is not marked).
    let verifier = crate::verify::Verifier::new(program, graph, max_steps);
    let mut candidate = assignment.to_vec();
    let mut budget = ANALYSIS_EVALUATIONS;
    analysis.any_value = any_value
        .into_iter()
        .filter(|&index| {
            let others = graph.params[index].domain as usize - 1;
            if others > budget {
                return false;
            }
            budget -= others;
            let holds = (0..graph.params[index].domain).filter(|&v| v != assignment[index]).all(|value| {
                candidate[index] = value;
                verifier.check(&candidate).is_some()
            });
            candidate[index] = assignment[index];
            holds
        })
        .collect();
    analysis
}

/// Diagnostics on the synthesized params of a verified assignment: the value of each, a
/// warning for params no observation can depend on, a note for params any value of which
/// works at the found values, and a note for params that another value would also satisfy.
pub fn param_diagnostics(
    program: &Program,
    graph: &Graph,
    assignment: &[u32],
    analysis: &ParamAnalysis,
) -> Vec<Diagnostic> {
    let values = param_values(program, graph, assignment);
    let mut diagnostics = Vec::new();
    let mut synthesized: Vec<ArrayId> = graph.params.iter().map(|p| p.array).collect();
    synthesized.dedup();
    for &array in &synthesized {
        let info = &program.arrays[array];
        diagnostics.push(Diagnostic::note(format!("synthesized `{}`", info.name)).with_label(
            info.span,
            format!("{} = {}", info.name, crate::print::value_text(&values[array], &info.dims, &dims_text(&info.dims))),
        ));
    }
    if let Some(cost) = analysis.skipped {
        diagnostics.push(Diagnostic::note(format!(
            "skipped checking which params the examples pin down: it needs {cost} evaluations"
        )));
    }
    let names_by_array = |indices: &mut dyn Iterator<Item = usize>| {
        let mut lists: Vec<Vec<String>> = vec![Vec::new(); program.arrays.len()];
        for index in indices {
            let slot = &graph.params[index];
            lists[slot.array].push(slot.name.clone());
        }
        lists
    };
    let unreachable = names_by_array(&mut analysis.unreachable.iter().copied());
    let free = names_by_array(&mut analysis.any_value.iter().copied().filter(|i| !analysis.unreachable.contains(i)));
    let mut alternatives: Vec<Vec<String>> = vec![Vec::new(); program.arrays.len()];
    for (index, also) in &analysis.alternatives {
        let slot = &graph.params[*index];
        let list: Vec<String> = also.iter().map(u32::to_string).collect();
        alternatives[slot.array].push(format!("`{}` could also be {}", slot.name, list.join(" or ")));
    }
    for &array in &synthesized {
        let info = &program.arrays[array];
        if !unreachable[array].is_empty() {
            diagnostics.push(
                Diagnostic::warning(format!("no observation depends on {}", shorten(&unreachable[array])))
                    .with_label(
                        info.span,
                        "no observed output or `observe` can be reached from it, whatever the other params are",
                    )
                    .with_help("the param may be unused, or only feed values that no example observes"),
            );
        }
        if !free[array].is_empty() {
            diagnostics.push(
                Diagnostic::note(format!("any value works for {}", shorten(&free[array])))
                    .with_label(info.span, "with the other params as found, every value of it satisfies every example")
                    .with_help("the printed program marks it with a comment"),
            );
        }
        if !alternatives[array].is_empty() {
            diagnostics.push(
                Diagnostic::note(format!("the examples do not pin down `{}`", info.name))
                    .with_label(info.span, shorten(&alternatives[array]))
                    .with_help("other programs also satisfy every example; add examples to tell them apart"),
            );
        }
    }
    diagnostics
}

fn dims_text(dims: &[usize]) -> Vec<String> {
    dims.iter().map(usize::to_string).collect()
}

fn shorten(items: &[String]) -> String {
    const SHOWN: usize = 6;
    let mut shown: Vec<String> =
        items.iter().take(SHOWN).map(|s| if s.starts_with('`') { s.clone() } else { format!("`{s}`") }).collect();
    if items.len() > SHOWN {
        shown.push(format!("and {} more", items.len() - SHOWN));
    }
    shown.join(", ")
}

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
            Failure::Observe { span, actual } => diagnostics.push(in_example(
                Diagnostic::error(format!("{}: an `observe` does not hold", example.label))
                    .with_label(*span, format!("this is {actual}, not 1")),
                example,
            )),
            Failure::Error(error) => {
                let mut diagnostic = in_example(crate::eval::eval_error_diagnostic(program, error, ""), example);
                diagnostic.message = format!("{}: {}", example.label, diagnostic.message);
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
    let mut places: Vec<(usize, crate::span::Span, Vec<&str>)> = Vec::new();
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
