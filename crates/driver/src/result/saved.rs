//! A [`Synthesis`] saved as data and restored against the program it was found for (what the
//! Python package's `Result` pickles). Nothing saved is taken on trust: the params of a found
//! program, and of every other program listed, are checked again by the interpreter
//! (`Verifier::recheck`), and a distinguishing input is run again on both programs.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::Synthesis;
use crate::compiled::Compiled;
use crate::distinguish::{restore_input, Distinction, Ending, InputError};
use tpt_core::verify::{Verified, Verifier};
use tpt_solve::{
    backend, Candidate, CegisSummary, Optimality, Outcome, OutcomeParts, SolveReport, Status, TracePoint, Work,
};
use tpt_source::diagnostics::Diagnostic;

/// Why a saved result is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestoreError {
    #[error("no back end is named `{0}`")]
    NoBackend(String),
    #[error("the saved params do not match the program's params")]
    ParamsDiffer,
    #[error("the saved params do not satisfy the program's examples")]
    NotSatisfied,
    /// Parts that disagree with the saved status (`Outcome::try_from`).
    #[error(transparent)]
    Inconsistent(#[from] tpt_solve::InconsistentOutcome),
    #[error("a saved check of the examples needs a found program")]
    CheckWithoutProgram,
    /// A saved distinguishing input that the interpreter does not confirm.
    #[error(transparent)]
    Input(#[from] InputError),
}

/// A search's result as data: the report, with verified params as their values.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedSynthesis {
    backend: String,
    seed: u64,
    status: Status,
    /// The found program's params: one value per graph param, one per real graph param.
    found: Option<SavedParams>,
    best: Option<Candidate>,
    steps: u64,
    total_steps: u64,
    restart: usize,
    restarts_run: usize,
    seconds: f64,
    evaluations: u64,
    trace: Vec<TracePoint>,
    conflict: Option<Vec<usize>>,
    internal_error: Option<String>,
    /// Why the back end gave up, when it said.
    #[serde(default)]
    gave_up: Option<String>,
    optimal: bool,
    max_violations: usize,
    cegis: Option<CegisSummary>,
    distinction: Option<SavedDistinction>,
    asked: usize,
    notes: Vec<Diagnostic>,
}

/// Verified params as data.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SavedParams {
    assignment: Vec<u32>,
    reals: Vec<f64>,
}

impl SavedParams {
    fn of(verified: &Verified) -> Self {
        SavedParams { assignment: verified.assignment().to_vec(), reals: verified.reals().to_vec() }
    }

    fn check(&self, verifier: &Verifier) -> Result<Verified, RestoreError> {
        verifier.recheck(&self.assignment, &self.reals).ok_or(RestoreError::NotSatisfied)
    }
}

/// The check of whether the examples pin the behaviour down, as data.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SavedDistinction {
    ending: Ending,
    input: Option<SavedInput>,
    others: Vec<SavedParams>,
    internal_error: Option<String>,
    conflicts: u32,
    examples_given_up: bool,
}

/// A distinguishing input as data.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SavedInput {
    /// Its arrays' values, by array id (`ExampleData::values`).
    arrays: Vec<Option<Vec<Option<u32>>>>,
    /// The other program's params.
    other: Vec<u32>,
}

impl Synthesis {
    /// This result as data, for `restore`.
    pub fn save(&self) -> SavedSynthesis {
        let report = &self.report;
        let distinction = self.distinction.as_ref().map(|d| SavedDistinction {
            ending: d.ending,
            input: d.input.as_ref().map(|input| SavedInput {
                arrays: input.example.values.clone(),
                other: input.other_assignment.clone(),
            }),
            others: d.others.iter().map(SavedParams::of).collect(),
            internal_error: d.internal_error.clone(),
            conflicts: d.conflicts,
            examples_given_up: d.examples_given_up,
        });
        SavedSynthesis {
            backend: self.backend.to_string(),
            seed: self.seed,
            status: report.status(),
            found: report.verified().map(SavedParams::of),
            best: report.best().cloned(),
            steps: report.work.steps,
            total_steps: report.work.total_steps,
            restart: report.work.restart,
            restarts_run: report.work.restarts_run,
            seconds: report.work.seconds,
            evaluations: report.work.evaluations,
            trace: report.trace.clone(),
            conflict: report.outcome.conflict().map(<[usize]>::to_vec),
            internal_error: report.outcome.internal_error().map(str::to_string),
            gave_up: report.outcome.gave_up().map(str::to_string),
            optimal: report.optimal(),
            max_violations: report.max_violations,
            cegis: report.cegis.clone(),
            distinction,
            asked: self.asked,
            notes: self.notes.clone(),
        }
    }

    /// A saved result for `compiled`, the program it was found for (compiled again from the
    /// same sources and options): an error when the saved params no longer satisfy the
    /// examples, or the saved data does not fit the program.
    pub fn restore(saved: SavedSynthesis, compiled: &Arc<Compiled>) -> Result<Synthesis, RestoreError> {
        let (program, graph) = (&compiled.program, &compiled.graph);
        let info = backend(&saved.backend).ok_or_else(|| RestoreError::NoBackend(saved.backend.clone()))?;
        let fits = |assignment: &[u32]| assignment.len() == graph.params.len();
        if !saved.best.as_ref().is_none_or(|best| fits(&best.assignment))
            || !saved.found.as_ref().is_none_or(|found| fits(&found.assignment))
        {
            return Err(RestoreError::ParamsDiffer);
        }
        let verifier =
            Verifier::new(program, &graph.layout, compiled.limits.max_unroll).with_max_violations(saved.max_violations);
        let verified = saved.found.as_ref().map(|found| found.check(&verifier)).transpose()?;
        let distinction = match (saved.distinction, &verified) {
            (None, _) => None,
            (Some(_), None) => return Err(RestoreError::CheckWithoutProgram),
            (Some(d), Some(found)) => Some(Distinction {
                ending: d.ending,
                input: d
                    .input
                    .map(|input| restore_input(graph, &verifier, found, input.arrays, &input.other))
                    .transpose()?,
                others: d.others.iter().map(|other| other.check(&verifier)).collect::<Result<_, _>>()?,
                internal_error: d.internal_error,
                conflicts: d.conflicts,
                examples_given_up: d.examples_given_up,
            }),
        };
        let optimizing = !graph.objective.is_empty() || saved.max_violations > 0;
        let outcome = Outcome::try_from(OutcomeParts {
            status: saved.status,
            verified,
            best: saved.best,
            conflict: saved.conflict,
            internal_error: saved.internal_error,
            gave_up: saved.gave_up,
            optimality: Optimality::of(optimizing, saved.optimal),
        })?;
        let work = Work {
            steps: saved.steps,
            total_steps: saved.total_steps,
            restart: saved.restart,
            restarts_run: saved.restarts_run,
            evaluations: saved.evaluations,
            seconds: saved.seconds,
        };
        let report =
            SolveReport { outcome, work, trace: saved.trace, cegis: saved.cegis, max_violations: saved.max_violations };
        Ok(Synthesis {
            compiled: Arc::clone(compiled),
            backend: info.name,
            seed: saved.seed,
            report,
            analysis: OnceLock::new(),
            distinction,
            asked: saved.asked.max(1),
            notes: saved.notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distinguish::DistinguishConfig;
    use crate::pipeline::{compile, synthesize, SearchConfig};
    use crate::result::PrintForm;
    use tpt_source::diagnostics::SourceMap;

    /// `p` is pinned by the examples, `q` matters only where no example looks.
    const OFFSET: &str = "param p: 4;\nparam q: 2;\ninput x: 4;\noutput y: 4;\n\
                          if x < 2 { y = (x + p) % 4; } else { y = (x + p + q) % 4; }\n\
                          example { x = 0; y = 1; }\nexample { x = 1; y = 2; }\n";

    fn compiled(text: &str) -> Arc<Compiled> {
        let mut sources = SourceMap::new();
        let main = sources.add("t.tpt", text);
        Arc::new(compile(&sources, main, None, &Default::default()).expect("compiles"))
    }

    /// Through JSON text, as the Python package pickles it.
    fn round_trip(synthesis: &Synthesis, compiled: &Arc<Compiled>) -> Result<Synthesis, RestoreError> {
        let text = serde_json::to_string(&synthesis.save()).expect("serializes");
        Synthesis::restore(serde_json::from_str(&text).expect("deserializes"), compiled)
    }

    #[test]
    fn a_restored_result_says_everything_the_saved_one_said() {
        let compiled = compiled(OFFSET);
        for programs in [1, 3] {
            let config = SearchConfig {
                backend: "sat".to_string(),
                distinguish: Some(DistinguishConfig { programs, ..Default::default() }),
                ..SearchConfig::default()
            };
            let synthesis = synthesize(&compiled, &config).expect("runs");
            assert!(synthesis.distinguishing_input().is_some());
            let restored = round_trip(&synthesis, &compiled).expect("restores");
            for form in [PrintForm::Program, PrintForm::Sketch] {
                assert_eq!(restored.json(form), synthesis.json(form), "{programs}");
                assert_eq!(restored.printed_all(form), synthesis.printed_all(form));
            }
            assert_eq!(restored.diagnostics(), synthesis.diagnostics());
            assert_eq!(restored.verified(), synthesis.verified());
            assert_eq!(restored.summary("t.tpt"), synthesis.summary("t.tpt"));
        }
        // Not found (no q fits both new examples): the best candidate and the trace come back
        // as they were.
        let compiled =
            super::tests::compiled(&format!("{OFFSET}example {{ x = 2; y = 0; }}\nexample {{ x = 3; y = 0; }}\n"));
        let config =
            SearchConfig { backend: "gradsearch".to_string(), max_steps: 5, trace: true, ..Default::default() };
        let synthesis = synthesize(&compiled, &config).expect("runs");
        assert!(synthesis.best_candidate().is_some() && !synthesis.trace().is_empty());
        let restored = round_trip(&synthesis, &compiled).expect("restores");
        assert_eq!(restored.best_candidate(), synthesis.best_candidate());
        assert_eq!(restored.trace().len(), synthesis.trace().len());
        assert_eq!(restored.json(PrintForm::Program), synthesis.json(PrintForm::Program));
    }

    #[test]
    fn saved_params_are_checked_again() {
        let compiled = compiled(OFFSET);
        let config = SearchConfig { backend: "sat".to_string(), ..SearchConfig::default() };
        let synthesis = synthesize(&compiled, &config).expect("runs");
        let mut saved = serde_json::to_value(synthesis.save()).expect("serializes");
        // p = 1 is the only value that fits; another is refused, not believed.
        saved["found"]["assignment"][0] = serde_json::json!(2);
        let saved: SavedSynthesis = serde_json::from_value(saved).expect("deserializes");
        let error = Synthesis::restore(saved, &compiled).expect_err("refused");
        assert_eq!(error, RestoreError::NotSatisfied);
        assert_eq!(error.to_string(), "the saved params do not satisfy the program's examples");
        // Against another program (fewer params), refused too.
        let other = super::tests::compiled("param p: 4;\noutput y: 4;\ny = p;\nexample { y = 1; }\n");
        let error = round_trip(&synthesis, &other).expect_err("refused");
        assert_eq!(error, RestoreError::ParamsDiffer);
        assert_eq!(error.to_string(), "the saved params do not match the program's params");
    }
}
