//! `sat`: graph -> constraint model (`encode`) -> one-hot CNF -> param values from a model of
//! the CNF, or a proof that none exist together with the examples that cannot all hold. The
//! CNF is solved by CaDiCaL (bundled by the `cadical` crate) or, with `--opt engine=batsat`, by
//! batsat (a pure-Rust CDCL solver). One solver answers, never a race between two, so that a
//! seed always prints the same program (docs/backends.md has the measurements).
//!
//! When the CNF is unsatisfiable, a second CNF guards each example's observations by a
//! selector literal and is solved with every selector assumed true: the selectors among the
//! failed assumptions name examples that cannot hold together, and deletion-based
//! minimization shrinks that set while the run's time allows. The other exact back ends use
//! the same explanation (`conflicting_examples`) after their own proofs.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::cdcl::{Cdcl, Watch};
use super::optimize::Optimum;
use super::sat_engine::{conflict_of, Batsat, Cegis, Engine, Outcome};
use super::{BackendInfo, ExactBackend, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome, StopCondition};
use crate::encode::Model;
use crate::{Capabilities, Reals};
use tpt_graph::graph::Graph;
use tpt_source::diagnostics::Text;

#[derive(Default)]
struct Sat {
    candidate: Vec<u32>,
    /// When optimizing: the candidate is the answer (false while an incumbent is held back
    /// after the run had to stop), and whether it is proven best.
    settled: bool,
    proven: bool,
    engine: EngineChoice,
    /// Counterexample-guided: start from one example and add those the models fail.
    cegis: bool,
    /// CaDiCaL's configuration (ignored by batsat).
    config: Config,
    conflict: Option<Vec<usize>>,
    /// Counts CaDiCaL's conflicts and stops it at a budget over the whole run (`auto` sets it
    /// from `--max-steps`); `None`: until the answer or the deadline.
    watch: Option<Arc<Watch>>,
    /// When optimizing without an allowance: params that satisfy every example, found by
    /// another search (`auto`'s), from which the bounds start.
    incumbent: Option<Vec<u32>>,
    /// The optimization's encoding and the graph disagreed (see `Solver::internal_error`).
    internal_error: Option<String>,
}

/// CaDiCaL's named sets of options: `default`; `plain` (no inprocessing); `sat` (tuned for
/// satisfiable formulas: stable mode only); `unsat` (tuned for proofs: no stable mode, no local
/// search).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Config {
    #[default]
    Default,
    Plain,
    Sat,
    Unsat,
}

impl Config {
    pub(super) fn name(self) -> &'static str {
        match self {
            Config::Default => "default",
            Config::Plain => "plain",
            Config::Sat => "sat",
            Config::Unsat => "unsat",
        }
    }
}

/// Which SAT solver answers: one, never a race between two, so that a seed always gives the
/// same program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum EngineChoice {
    #[default]
    Cadical,
    Batsat,
}

impl ExactBackend for Sat {
    fn start(&mut self, problem: &mut Problem, _: &mut Rng) {
        self.candidate = vec![0; problem.num_params()];
        self.conflict = None;
        self.settled = true;
        self.proven = false;
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        let model = Model::build(problem.graph);
        let stop = problem.stop_condition();
        if problem.optimizing() {
            return self.optimize(model, problem, rng);
        }
        if let Some(example) = model.contradicted_example() {
            self.conflict = Some(vec![example]);
            return StepOutcome::Exhausted;
        }
        let mut engine = self.new_engine(stop, rng);
        let engine: &mut dyn Engine = &mut *engine;
        let mut cegis = Cegis::new(model, engine, !self.cegis);
        match cegis.search(engine, problem, None) {
            Outcome::Found(values) => {
                self.candidate = values;
                StepOutcome::Finished
            }
            Outcome::Impossible => {
                // Impossible for the examples in the formula, so for all of them: the
                // explanation is looked for among those.
                self.conflict = conflict_of(&cegis.model, Some(&cegis.active), stop);
                StepOutcome::Exhausted
            }
            Outcome::Stopped => self.stopped(stop),
        }
    }

    fn answer(&self) -> (&[u32], Option<&[usize]>) {
        (&self.candidate, self.conflict.as_deref())
    }

    fn settled(&self) -> bool {
        self.settled
    }

    fn proven_optimal(&self) -> bool {
        self.proven
    }

    fn internal_error(&self) -> Option<String> {
        self.internal_error.clone()
    }
}

impl Sat {
    /// A solver of the engine this back end is set to (batsat seeded from `rng`), stopping
    /// on `stop`.
    fn new_engine<'a>(&self, stop: StopCondition<'a>, rng: &mut Rng) -> Box<dyn Engine + 'a> {
        if self.engine == EngineChoice::Batsat {
            Box::new(Batsat::new(stop, rng.random_range(1.0..1e6)))
        } else {
            let mut solver = Cdcl::new(stop);
            solver.configure(self.config.name());
            if let Some(watch) = &self.watch {
                solver.watch(watch.clone());
            }
            Box::new(solver)
        }
    }

    /// The best params under an objective or an allowance of failing examples; with `cegis`
    /// and no allowance, each bound is proved on the examples its models fail.
    fn optimize(&mut self, model: Model, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        let stop = problem.stop_condition();
        if problem.max_violations() == 0 {
            if let Some(example) = model.contradicted_example() {
                self.conflict = Some(vec![example]);
                return StepOutcome::Exhausted;
            }
        }
        let mut engine = self.new_engine(stop, rng);
        let engine: &mut dyn Engine = &mut *engine;
        match super::optimize::optimize(&model, engine, problem, self.cegis, self.incumbent.as_deref()) {
            Optimum::Found { params, proven } => {
                self.candidate = params;
                self.proven = proven;
                self.settled = proven;
                if proven {
                    StepOutcome::Finished
                } else {
                    self.stopped(stop)
                }
            }
            Optimum::Impossible => {
                if problem.max_violations() == 0 {
                    self.conflict = conflict_of(&model, None, stop);
                }
                StepOutcome::Exhausted
            }
            Optimum::Stopped => self.stopped(stop),
            Optimum::Disagreement { params, detail } => {
                self.candidate = params;
                self.internal_error = Some(detail);
                StepOutcome::Finished
            }
        }
    }

    /// What a solve that stopped before its answer means: the deadline or an interrupt, which
    /// the run loop reports, or else the conflict budget spent.
    fn stopped(&self, stop: StopCondition) -> StepOutcome {
        if self.watch.is_some() && !stop.reached() {
            StepOutcome::BudgetSpent
        } else {
            StepOutcome::Continue
        }
    }
}

/// `sat` with its defaults on CaDiCaL, its conflicts counted by `watch` and stopped at its
/// `stop_at_conflicts`; when it optimizes without an allowance, from `incumbent` (params that
/// satisfy every example).
pub(super) fn watched(watch: Arc<Watch>, incumbent: Option<Vec<u32>>) -> Box<dyn Solver> {
    Box::new(Sat { watch: Some(watch), incumbent, ..Sat::default() })
}

fn make(options: &Options) -> Box<dyn Solver> {
    let params: SatParams = options.decode();
    Box::new(Sat { engine: params.engine, cegis: params.cegis, config: params.config, ..Sat::default() })
}

fn admissible(_: &Graph, _: &Options) -> Result<(), Text> {
    Ok(())
}

const OPTIONS: &[OptionInfo] = &[
    OptionInfo {
        key: "engine",
        kind: Kind::Choice(&["cadical", "batsat"]),
        help: "the SAT solver: CaDiCaL, or batsat (pure Rust)",
    },
    OptionInfo {
        key: "cegis",
        kind: Kind::Bool,
        help: "counterexample-guided: start from one example and add those the solver's models fail (false: every example at once)",
    },
    OptionInfo {
        key: "config",
        kind: Kind::Choice(&["default", "plain", "sat", "unsat"]),
        help: "CaDiCaL's configuration: default, plain (no inprocessing), sat (tuned to find models), unsat (tuned for proofs)",
    },
];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SatParams {
    engine: EngineChoice,
    cegis: bool,
    config: Config,
}

impl Default for SatParams {
    fn default() -> Self {
        SatParams { engine: EngineChoice::Cadical, cegis: false, config: Config::Default }
    }
}

pub static BACKEND: BackendInfo = BackendInfo {
    name: "sat",
    summary: "exact: one-hot CNF solved by the bundled CaDiCaL; proves impossibility and names conflicting examples",
    options: OPTIONS,
    defaults: || Options::of(&SatParams::default()),
    make,
    admissible,
    capabilities: Capabilities { exact: true, optimizes: true, reals: Reals::Refused, cegis: crate::Cegis::Own },
};
