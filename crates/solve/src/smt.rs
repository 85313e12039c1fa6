//! `smt`: the exact back end through an external SMT solver. The graph's constraint model
//! (`encode`) is written as SMT-LIB 2 (params as bit-vectors, or bounded integers with
//! `--opt ints=1`; every other value defined from them), the solver (`--opt solver`: `z3`, or
//! else `cvc5`, on PATH by default) solves it, and the model's values become the candidate;
//! `unsat` proves that no program fits the examples, and the bundled SAT solver then names
//! examples that cannot hold together. Any other answer ends the search: `unknown` (with the
//! solver's reason) or a run that gave no answer is the back end giving up, said in words.

mod process;

use serde::{Deserialize, Serialize};

use super::{BackendInfo, ExactBackend, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome};
use crate::encode::{smt2, smt2_optimize, smt_name, Model, SmtSort};
use crate::{Capabilities, Cegis, Reals};
use process::{Answer, SolverCommand};
use tpt_graph::graph::Graph;
use tpt_source::diagnostics::{Setting, Text};

#[derive(Default)]
struct Smt {
    candidate: Vec<u32>,
    sort: SmtSort,
    /// `--opt solver`: `auto` or a path or name.
    solver: String,
    conflict: Option<Vec<usize>>,
    /// Whether the solver answered `sat`: only then is the candidate its model (and, when
    /// optimizing, an optimum).
    answered: bool,
    /// Why the back end gave up, when it did.
    gave_up: Option<String>,
}

impl Smt {
    /// End the search without an answer, saying why.
    fn give_up(&mut self, reason: String) -> StepOutcome {
        self.gave_up = Some(reason);
        StepOutcome::Finished
    }
}

impl ExactBackend for Smt {
    fn start(&mut self, problem: &mut Problem, _: &mut Rng) {
        self.candidate = vec![0; problem.num_params()];
        self.answered = false;
        self.gave_up = None;
    }

    fn step(&mut self, problem: &mut Problem, _: &mut Rng) -> StepOutcome {
        let solver = match process::resolve(&self.solver) {
            Ok(solver) => solver,
            // Admission resolved it before the search; this is a solver gone since.
            Err(_) => return self.give_up(format!("the solver `{}` is no longer there", self.solver)),
        };
        let optimizing = problem.optimizing();
        if optimizing && !solver.optimizes() {
            // A reason of the run, which names no setting: it is read where settings are
            // spelled differently (the command line, Python).
            return self.give_up(format!(
                "`{}` has no optimizer, which `minimize` and examples allowed to fail need; name z3 with the back end's option `solver`",
                solver.name()
            ));
        }
        let model = Model::build(problem.graph);
        let mut text = match optimizing {
            true => smt2_optimize(&model, self.sort, problem.max_violations(), !problem.graph.objective.is_empty()),
            false => smt2(&model, self.sort),
        };
        // Why, should the answer be `unknown` (after `sat` the solver answers it or ignores it).
        text.push_str("(get-info :reason-unknown)\n");
        match process::run(&solver, &text, problem.stop_condition()) {
            Answer::Unsat => {
                if problem.max_violations() == 0 {
                    self.conflict = super::sat_engine::conflicting_examples(problem.graph, problem.stop_condition());
                }
                StepOutcome::Exhausted
            }
            // The run loop sees the deadline or the interrupt and stops.
            Answer::Stopped => StepOutcome::Continue,
            Answer::Unknown(reason) => self.give_up(match reason {
                Some(reason) => format!("`{}` answered `unknown` (its reason: {reason})", solver.name()),
                None => format!("`{}` answered `unknown` and gave no reason", solver.name()),
            }),
            Answer::Failed(reason) => self.give_up(reason),
            Answer::Sat(values) => self.take_model(&solver, &model, &values),
        }
    }

    fn answer(&self) -> (&[u32], Option<&[usize]>) {
        (&self.candidate, self.conflict.as_deref())
    }

    /// z3's optimizer answers `sat` with an optimum; without an answer nothing is proven.
    fn proven_optimal(&self) -> bool {
        self.answered
    }

    fn gave_up(&self) -> Option<String> {
        self.gave_up.clone()
    }
}

impl Smt {
    /// The params' values in a `sat` answer; one the answer lacks, or that is no value of the
    /// param, makes it no answer.
    fn take_model(&mut self, solver: &SolverCommand, model: &Model, values: &[(String, i64)]) -> StepOutcome {
        for (slot, &var) in self.candidate.iter_mut().zip(&model.params) {
            let name = smt_name(model, var);
            let value = values.iter().find(|(n, _)| *n == name).map(|&(_, v)| v);
            match value.and_then(|v| u32::try_from(v).ok()).filter(|v| model.vars[var].values.contains(v)) {
                Some(value) => *slot = value,
                None => {
                    return self.give_up(format!(
                        "`{}` answered `sat` but gave no value of `{}`",
                        solver.name(),
                        model.vars[var].name
                    ))
                }
            }
        }
        self.answered = true;
        StepOutcome::Finished
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    let params = options.decode::<SmtParams>();
    let sort = if params.ints { SmtSort::Int } else { SmtSort::BitVec };
    Box::new(Smt { sort, solver: params.solver, ..Smt::default() })
}

/// The solver must exist and start, and have an optimizer if the sketch has an objective.
fn admissible(graph: &Graph, options: &Options) -> Result<(), Text> {
    let solver = process::check_startable(&options.decode::<SmtParams>().solver)?;
    if !graph.objective.is_empty() && !solver.optimizes() {
        return Err(Text::from(format!(
            "`{}` has no optimizer, which `minimize` needs; name z3 with ",
            solver.path.display()
        )) + Setting::BackendOption { key: "solver".to_string() }.placeholder("PATH"));
    }
    Ok(())
}

const OPTIONS: &[OptionInfo] = &[
    OptionInfo {
        key: "ints",
        kind: Kind::Bool,
        help: "encode values as bounded integers instead of bit-vectors (slower on the circuits)",
    },
    OptionInfo {
        key: "solver",
        kind: Kind::Text("auto, a path, or a name on PATH"),
        help: "the SMT solver: `auto` is z3, else cvc5, on PATH; a file name starting with `cvc` is run as cvc5, any other as z3",
    },
];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtParams {
    ints: bool,
    solver: String,
}

impl Default for SmtParams {
    fn default() -> Self {
        SmtParams { ints: false, solver: process::AUTO.to_string() }
    }
}

pub static BACKEND: BackendInfo = BackendInfo {
    name: "smt",
    summary: "exact: SMT-LIB with bit-vector params, solved by z3 (or cvc5) on PATH or named by `solver`; proves impossibility",
    options: OPTIONS,
    defaults: || Options::of(&SmtParams::default()),
    make,
    admissible,
    capabilities: Capabilities { exact: true, optimizes: true, reals: Reals::Refused, cegis: Cegis::Unsupported },
};
