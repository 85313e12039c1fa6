//! Solver report -> what the user is told: a [`Synthesis`] with its status, the verified
//! params or the best unverified candidate, the diagnostics on each synthesized param (its
//! value, params no observation can depend on, params any value of which works, values the
//! examples do not pin down), the observations a failed candidate violates, the examples that
//! a proof of impossibility found cannot hold together, the printed program and the JSON form.

mod distinguish;
mod failures;
mod optimum;
mod params;
mod saved;

use crate::compiled::Compiled;
use crate::distinguish::Distinction;
use crate::print::{GivenUp, Notes};
use tpt_core::interp::ParamValues;
use tpt_core::verify::{param_values_with_reals, Verified};
use tpt_graph::tape::Tape;
use tpt_solve::{Candidate, SolveReport, Status, TracePoint};
use tpt_source::diagnostics::{plural, Diagnostic, Setting, Text};

pub use distinguish::{distinction_diagnostics, input_text, input_values, output_values};
pub use failures::{conflict_diagnostic, conflict_json, failure_diagnostics, violated_observations};
pub use params::{analyse_params, param_diagnostics, ParamAnalysis};
pub use saved::{RestoreError, SavedSynthesis};

use std::sync::{Arc, OnceLock};

/// What a search produced.
#[derive(Clone, Debug)]
pub struct Synthesis {
    /// The program it was found for, which every rendering reads.
    compiled: Arc<Compiled>,
    /// The back end that ran.
    pub backend: &'static str,
    pub seed: u64,
    report: SolveReport,
    /// What the examples say about each param of a found program, computed on first use.
    analysis: OnceLock<ParamAnalysis>,
    /// Whether the examples pin the found program's behaviour down (`None`: not checked).
    distinction: Option<Distinction>,
    /// How many programs the check was asked to list (`tpt synth --all N`; 1 otherwise).
    asked: usize,
    /// Said before everything else about the result (which back end ran, and why).
    notes: Vec<Diagnostic>,
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
    pub fn new(compiled: Arc<Compiled>, backend: &'static str, seed: u64, report: SolveReport) -> Self {
        Synthesis {
            compiled,
            backend,
            seed,
            report,
            analysis: OnceLock::new(),
            distinction: None,
            asked: 1,
            notes: Vec::new(),
        }
    }

    /// Say `note` before everything else about the result.
    pub fn with_note(mut self, note: Diagnostic) -> Self {
        self.notes.push(note);
        self
    }

    /// For a found program: which params no observation can depend on, which take any value,
    /// which others would also do.
    pub fn analysis(&self) -> Option<&ParamAnalysis> {
        let verified = self.report.verified()?;
        let (program, graph) = (&self.compiled.program, &self.compiled.graph);
        Some(self.analysis.get_or_init(|| match Tape::new(graph, &self.compiled.limits) {
            Ok(tape) => analyse_params(program, graph, &tape, verified, self.compiled.limits.max_unroll),
            Err(_) => ParamAnalysis::default(),
        }))
    }

    /// The comments the printed program puts above params that any value satisfies.
    fn marks(&self) -> Vec<(String, String)> {
        self.analysis().map(|a| a.marks(&self.compiled.program, &self.compiled.graph)).unwrap_or_default()
    }

    /// The result with the check of whether the examples pin its behaviour down, asked to
    /// list `asked` programs.
    pub fn with_distinction(mut self, distinction: Distinction, asked: usize) -> Self {
        self.distinction = Some(distinction);
        self.asked = asked.max(1);
        self
    }

    /// The check of whether the examples pin the behaviour down, when it ran.
    pub fn distinction(&self) -> Option<&Distinction> {
        self.distinction.as_ref()
    }

    /// The program it was found for.
    pub fn compiled(&self) -> &Arc<Compiled> {
        &self.compiled
    }

    pub fn status(&self) -> Status {
        self.report.status()
    }

    /// The params the interpreter confirmed on every example (present exactly when found).
    pub fn verified(&self) -> Option<&Verified> {
        self.report.verified()
    }

    /// The best candidate of a search that found nothing, when the back end has one to show
    /// (exact back ends do not).
    pub fn best_candidate(&self) -> Option<&Candidate> {
        self.report.best()
    }

    /// Steps of the restart that produced the result.
    pub fn steps(&self) -> u64 {
        self.report.work.steps
    }

    pub fn seconds(&self) -> f64 {
        self.report.work.seconds
    }

    pub fn report(&self) -> &SolveReport {
        &self.report
    }

    pub fn trace(&self) -> &[TracePoint] {
        &self.report.trace
    }

    /// Every param's values: verified, or those of the best candidate; `None` when there is
    /// neither.
    pub fn values(&self) -> Option<ParamValues> {
        match (self.report.verified(), self.report.best()) {
            (Some(verified), _) => Some(verified.values().clone()),
            (None, Some(best)) => Some(param_values_with_reals(
                &self.compiled.program,
                &self.compiled.graph.layout,
                &best.assignment,
                &best.reals,
            )),
            (None, None) => None,
        }
    }

    /// What to tell the user beside the program: the synthesized params and what the examples
    /// leave open; or why nothing was found and what the best candidate violates.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut diagnostics = self.notes.clone();
        diagnostics.extend(self.result_diagnostics());
        diagnostics
    }

    /// What the result says about the params and the examples.
    fn result_diagnostics(&self) -> Vec<Diagnostic> {
        let (program, graph) = (&self.compiled.program, &self.compiled.graph);
        let max_steps = self.compiled.limits.max_unroll;
        if let (Some(verified), Some(analysis)) = (self.report.verified(), self.analysis()) {
            let mut diagnostics = optimum::given_up(program, verified, max_steps);
            diagnostics.extend(optimum::given_up_kept(&self.compiled, self.given_up()));
            diagnostics.extend(param_diagnostics(program, graph, verified.values(), analysis));
            if let Some(distinction) = &self.distinction {
                diagnostics.extend(distinction_diagnostics(&self.compiled, distinction, self.asked));
            }
            return diagnostics;
        }
        match (self.report.status(), self.report.best()) {
            (Status::Impossible, _) if self.report.max_violations > 0 => {
                vec![optimum::too_many_violations(self.report.max_violations)]
            }
            (Status::Impossible, _) => vec![match self.report.outcome.conflict() {
                Some(conflict) if !conflict.is_empty() => conflict_diagnostic(program, conflict),
                _ => Diagnostic::error(
                    "no assignment of the params satisfies every example (the whole search space was covered)",
                ),
            }],
            (Status::InternalError, best) => {
                let detail =
                    self.report.outcome.internal_error().unwrap_or("the graph and the exact interpreter disagree");
                let mut diagnostics = vec![Diagnostic::error(format!(
                    "internal error: {detail}; this is a bug in tpt; please report it with the program"
                ))
                .with_help("no result is given: the search relies on the graph and the interpreter agreeing")];
                if let Some(best) = best {
                    let values = param_values_with_reals(program, &graph.layout, &best.assignment, &best.reals);
                    diagnostics.extend(violated_observations(program, &values, max_steps));
                }
                diagnostics
            }
            (status, Some(best)) => {
                let mut diagnostics = vec![with_longer_search_help(
                    Diagnostic::warning(format!(
                        "no program found ({}); the best candidate violates {}",
                        describe_status(status),
                        plural(best.violations, "observation")
                    )),
                    status,
                )];
                let values = param_values_with_reals(program, &graph.layout, &best.assignment, &best.reals);
                diagnostics.extend(violated_observations(program, &values, max_steps));
                diagnostics
            }
            (Status::GaveUp, None) if self.report.outcome.gave_up().is_some() => {
                let reason = self.report.outcome.gave_up().unwrap_or_default();
                vec![Diagnostic::warning(format!("no program found: {reason}")).with_note(format!(
                    "the {} back end gave up, so whether a program exists is unknown",
                    self.backend
                ))]
            }
            (status, None) => vec![with_longer_search_help(
                Diagnostic::warning(format!(
                    "no program found ({}); the {} back end stopped before it answered, so there is no candidate to show",
                    describe_status(status),
                    self.backend
                )),
                status,
            )],
        }
    }

    /// The program as source: for a found result, the synthesized program; for the best
    /// candidate of a search that found nothing, the same form under a first line saying
    /// that it is not a solution; `None` when there is no candidate.
    pub fn printed(&self, form: PrintForm) -> Option<String> {
        let values = self.values()?;
        let marks = self.marks();
        let notes = Notes { marks: &marks, given_up: self.given_up() };
        let print = |values: &ParamValues| match form {
            PrintForm::Program => crate::print::print_program(
                self.compiled.source(),
                &self.compiled.parsed,
                &self.compiled.program,
                values,
                &notes,
            ),
            PrintForm::Sketch => crate::print::print_sketch(
                self.compiled.source(),
                &self.compiled.parsed,
                &self.compiled.program,
                values,
                &notes,
            ),
        };
        if self.report.status() == Status::InternalError {
            return None;
        }
        let text = print(&values);
        match (self.report.verified(), self.report.best()) {
            (Some(_), _) => Some(text),
            (None, Some(best)) => Some(format!(
                "// NOT A SOLUTION: the best candidate of a search that found none ({}); it violates {}.\n{text}",
                describe_status(self.report.status()),
                plural(best.violations, "observation")
            )),
            (None, None) => None,
        }
    }

    /// The examples a found program gives up, for the printer.
    fn given_up<'s>(&'s self) -> GivenUp<'s> {
        let examples = self.violated_examples().unwrap_or_default();
        GivenUp { examples, source: self.compiled.main }
    }

    /// The objective's value of a found program (`"cost"` in the JSON); `None` without an
    /// objective or without a found program.
    pub fn cost(&self) -> Option<i64> {
        self.report.verified().and_then(Verified::cost)
    }

    /// Whether a found program is proven best (`"optimal"` in the JSON): the lowest cost, and
    /// with `--max-violations` the fewest examples given up; `None` when the search did not
    /// optimize (no objective and no allowance) or found nothing.
    pub fn optimal(&self) -> Option<bool> {
        optimum::optimal(&self.compiled.program, &self.report)
    }

    /// The examples a found program fails, which `--max-violations` allowed (indices into the
    /// program's examples; `"violated_examples"` in the JSON); `None` without a found program.
    pub fn violated_examples(&self) -> Option<&[usize]> {
        self.report.verified().map(Verified::violated)
    }

    /// The machine-readable result: status, statistics, the params (`null` without a
    /// candidate; a param without dimensions as a number, an array as the list of its
    /// elements in row-major order) and the printed program in `form` (what `printed` gives,
    /// `null` without a candidate).
    pub fn json(&self, form: PrintForm) -> serde_json::Value {
        let report = &self.report;
        let params = self.params_json();
        let violations = match (report.verified(), report.best()) {
            (Some(_), _) => Some(0),
            (None, Some(best)) => Some(best.violations),
            (None, None) => None,
        };
        let mut object = serde_json::json!({
            "status": report.status(),
            "backend": self.backend,
            "seed": self.seed,
            "steps": report.work.steps,
            "total_steps": report.work.total_steps,
            "restart": report.work.restart,
            "restarts_run": report.work.restarts_run,
            "seconds": report.work.seconds,
            "evaluations": report.work.evaluations,
            "violations": violations,
            "params": params,
            "program": self.printed(form),
            "conflicting_examples": report.outcome.conflict().map(|c| conflict_json(&self.compiled.program, &self.compiled.sources, c)),
            "cost": self.cost(),
            "optimal": self.optimal(),
            "violated_examples": self.violated_examples().map(|v| conflict_json(&self.compiled.program, &self.compiled.sources, v)),
        });
        if let Some(object) = object.as_object_mut() {
            if let Some(cegis) = &report.cegis {
                object.insert("cegis".to_string(), serde_json::json!(cegis));
            }
            if let Some(reason) = report.outcome.gave_up() {
                object.insert("gave_up_reason".to_string(), serde_json::json!(reason));
            }
            self.distinction_json(object);
        }
        object
    }

    /// The params by name (`null` without a candidate, or after an internal error).
    fn params_json(&self) -> serde_json::Value {
        let values = self.values().filter(|_| self.report.status() != Status::InternalError);
        match values {
            Some(values) => serde_json::Value::Object(
                self.compiled
                    .program
                    .params()
                    .map(|(id, array)| {
                        let value = match (array.real, array.dims.is_empty()) {
                            (true, true) => serde_json::json!(values.reals[id].first()),
                            (true, false) => serde_json::json!(values.reals[id]),
                            (false, true) => serde_json::json!(values[id].first()),
                            (false, false) => serde_json::json!(values[id]),
                        };
                        (array.name.clone(), value)
                    })
                    .collect(),
            ),
            None => serde_json::Value::Null,
        }
    }

    /// One line: how the search ended, by which back end, with which seed, how long it took.
    pub fn summary(&self, file: &str) -> String {
        let report = &self.report;
        let optimum = optimum::summary_words(report).map(|words| format!(", {words}")).unwrap_or_default();
        format!(
            "{file}: {} by {} (seed {}) in {}, restart {} of {}, {}{optimum}",
            describe_status(report.status()),
            self.backend,
            self.seed,
            plural(report.work.steps, "step"),
            report.work.restart + 1,
            report.work.restarts_run,
            duration_text(report.work.seconds)
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

/// Say how to search longer where the search stopped at its budget or its deadline.
fn with_longer_search_help(diagnostic: Diagnostic, status: Status) -> Diagnostic {
    match status {
        Status::StepBudget => diagnostic.with_help(
            Text::from("raise ")
                + Setting::MaxSteps.mention()
                + " (each restart's budget; with `auto` also its solver's conflicts) or "
                + Setting::Restarts.mention()
                + " to search longer",
        ),
        Status::Timeout => {
            diagnostic.with_help(Text::from("raise ") + Setting::Timeout.mention() + " to search longer")
        }
        _ => diagnostic,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{compile, synthesize, SearchConfig};
    use tpt_source::diagnostics::SourceMap;

    /// A result carries the program it was found for: the caller's handle can go, and every
    /// rendering still reads the program (no call takes it again).
    #[test]
    fn a_result_renders_without_the_callers_program() {
        let mut sources = SourceMap::new();
        let main = sources.add("t.tpt", "param p: 4;\noutput y: 4;\ny = p;\nexample { y = 3; }\n");
        let compiled = Arc::new(compile(&sources, main, None, &Default::default()).expect("compiles"));
        let config = SearchConfig { backend: "sat".to_string(), ..SearchConfig::default() };
        let synthesis = synthesize(&compiled, &config).expect("runs");
        drop(compiled);
        assert_eq!(synthesis.status(), Status::Found);
        assert!(synthesis.printed(PrintForm::Program).expect("a program").contains("param p: 4 = 3;"));
        assert_eq!(synthesis.json(PrintForm::Sketch)["params"]["p"], 3);
        assert_eq!(synthesis.values().expect("values")[0], vec![3]);
        assert!(synthesis.diagnostics().iter().all(|d| !d.is_error()));
        assert_eq!(synthesis.optimal(), None);
        assert_eq!(synthesis.compiled().program.params().count(), 1);
    }
}
