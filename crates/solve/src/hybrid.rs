//! Discrete back end + real params -> a hybrid search. On a sketch with real params, the run
//! loop runs the real-param stage ([`RealParams`]) beside any back end that is not exact, as a
//! stage of every step (not a wrapper around the back end): the back end moves the discrete
//! params by its own rule while the real params follow Adam on the same loss. The schedule is
//! interleaved: every step of the search is one step of the back end (its forward and
//! backward passes see the current reals) followed by `real-steps` Adam steps on the reals
//! at the back end's new point (its one-hot candidate, or its distributions for the
//! relaxations). Comparisons and rounding of reals are relaxed with a sigmoid whose
//! temperature anneals geometrically from `real-t-start` to `real-t-end` over `real-anneal`
//! steps; the run loop counts violations (and the interpreter verifies) exactly.
//!
//! The options of this stage are `--opt real-*` keys, accepted with every back end
//! (docs/backends.md, "Real params", has the measurements behind the defaults).

use serde::{Deserialize, Serialize};

use super::levenberg;
use super::options::{resolve_options, OptionError};
use super::relax::{normal, Adam, Schedule};
use super::{always_admissible, one_hot, BackendInfo, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome};
use crate::{Capabilities, Cegis, Reals};

/// The options of the real-param stage.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RealStage {
    /// Adam's learning rate on the reals.
    pub real_lr: f64,
    /// Adam steps on the reals after each step of the back end.
    pub real_steps: u64,
    /// Standard deviation of the reals' random start (around 0).
    pub real_init: f64,
    /// Temperature of the relaxed comparisons at the first step.
    pub real_t_start: f64,
    /// Temperature after annealing.
    pub real_t_end: f64,
    /// Steps over which the temperature anneals (geometrically).
    pub real_anneal: u64,
    /// Levenberg-Marquardt iterations of a polish of the reals (0: no polish).
    pub real_polish: u64,
}

impl Default for RealStage {
    fn default() -> Self {
        RealStage {
            real_lr: 0.05,
            real_steps: 4,
            real_init: 1.0,
            real_t_start: 1.0,
            real_t_end: 0.01,
            real_anneal: 2000,
            real_polish: 10,
        }
    }
}

const REAL_OPTIONS: &[OptionInfo] = &[
    OptionInfo { key: "real-lr", kind: Kind::above(0.0), help: "Adam learning rate on the real params" },
    OptionInfo {
        key: "real-steps",
        kind: Kind::Integer { min: 1, max: 1_000_000 },
        help: "Adam steps on the real params after each step of the back end",
    },
    OptionInfo {
        key: "real-init",
        kind: Kind::at_least(0.0),
        help: "standard deviation of the real params' random start (around 0)",
    },
    OptionInfo {
        key: "real-t-start",
        kind: Kind::above(0.0),
        help: "temperature of the relaxed comparisons and rounding of reals at the first step",
    },
    OptionInfo { key: "real-t-end", kind: Kind::above(0.0), help: "temperature after annealing" },
    OptionInfo {
        key: "real-anneal",
        kind: Kind::integer_from(0),
        help: "steps over which the temperature anneals geometrically (0: `real-t-end` throughout)",
    },
    OptionInfo {
        key: "real-polish",
        kind: Kind::Integer { min: 0, max: 1_000 },
        help: "Levenberg-Marquardt iterations on the reals at a candidate that satisfies every observation but the real ones (0: none)",
    },
];

/// The stage's options as a registry entry, so that they are checked, listed and documented
/// like a back end's (it is not a back end: `make` gives nothing of use on its own).
pub static REAL_STAGE: BackendInfo = BackendInfo {
    name: "real-params",
    summary: "the real-param stage: Adam on real params beside any back end that is not exact (keys `real-*`)",
    options: REAL_OPTIONS,
    defaults: || Options::of(&RealStage::default()),
    make: |_| Box::new(NoSolver),
    admissible: always_admissible,
    capabilities: Capabilities { exact: false, optimizes: false, reals: Reals::Stage, cegis: Cegis::Unsupported },
};

/// The prefix of the stage's keys.
pub const PREFIX: &str = "real-";

/// The `real-*` options given with `--opt`, checked, over the stage's defaults.
pub fn resolve_real_stage(given: &[(String, String)]) -> Result<RealStage, OptionError> {
    let options = resolve_options(&REAL_STAGE, given).map_err(|mut error| {
        error.message.replace_first("back end `real-params` has no option", "the real-param stage has no option");
        error
    })?;
    Ok(options.decode())
}

/// What `REAL_STAGE.make` gives: a solver with no params and nothing to do.
struct NoSolver;

impl Solver for NoSolver {
    fn start(&mut self, _: &mut Problem, _: &mut Rng) {}

    fn step(&mut self, _: &mut Problem, _: &mut Rng) -> StepOutcome {
        StepOutcome::Finished
    }

    fn candidate(&self) -> &[u32] {
        &[]
    }
}

/// The real-param stage of one restart: Adam on the real params (and their polish) after
/// every step of the back end, at the back end's new point.
pub struct RealParams {
    stage: RealStage,
    temperature: Schedule,
    adam: Adam,
    reals: Vec<f64>,
    /// The back end's point: its distributions, or its one-hot candidate.
    theta: Vec<f64>,
    /// The discrete gradient of the real steps' passes (not used).
    scratch: Vec<f64>,
    grad: Vec<f64>,
    steps: u64,
    /// The candidate of the last polish and the step it was made at.
    polished: Vec<u32>,
    polished_step: u64,
    residuals: Vec<f64>,
}

/// A candidate that stays the same is polished again after this many steps (Adam has moved
/// the reals since).
const POLISH_AGAIN: u64 = 50;

/// The polish stops once every real observation is within this fraction of its tolerance,
/// which leaves room for the printed values' shorter decimals.
const POLISH_TARGET: f64 = 1e-3;

impl RealParams {
    pub fn new(stage: &RealStage) -> RealParams {
        RealParams {
            stage: stage.clone(),
            temperature: Schedule {
                start: stage.real_t_start,
                end: stage.real_t_end,
                steps: stage.real_anneal as f64,
                linear: false,
            },
            adam: Adam::new(stage.real_lr),
            reals: Vec::new(),
            theta: Vec::new(),
            scratch: Vec::new(),
            grad: Vec::new(),
            steps: 0,
            polished: Vec::new(),
            polished_step: 0,
            residuals: Vec::new(),
        }
    }

    /// Levenberg-Marquardt on the reals at the back end's candidate, evaluated exactly, when
    /// the candidate violates no observation but the real ones; the reals move only when that
    /// lowers the squared residuals.
    fn polish(&mut self, problem: &mut Problem, search: &dyn Solver) {
        let candidate = search.candidate().to_vec();
        let due = candidate != self.polished || self.steps >= self.polished_step + POLISH_AGAIN;
        if self.stage.real_polish == 0 || !due {
            return;
        }
        self.polished_step = self.steps;
        let mut x = self.reals.clone();
        let start = problem.real_residuals_at(&candidate, &x, &mut self.residuals);
        self.polished = candidate;
        if start > 0 || self.residuals.is_empty() {
            return;
        }
        let candidate = &self.polished;
        let mut residuals = |point: &[f64], out: &mut Vec<f64>| problem.real_residuals_at(candidate, point, out) == 0;
        let before: f64 = self.residuals.iter().map(|r| r * r).sum();
        let after = levenberg::minimize(&mut residuals, &mut x, self.stage.real_polish as usize, POLISH_TARGET);
        if after < before || !before.is_finite() && after.is_finite() {
            self.reals.copy_from_slice(&x);
            problem.set_reals(&self.reals);
        }
    }

    /// One Adam step on the reals at the back end's current point.
    fn real_step(&mut self, problem: &mut Problem, search: &dyn Solver) {
        match search.soft_values() {
            Some(soft) if soft.len() == self.theta.len() => self.theta.copy_from_slice(soft),
            _ => one_hot(problem.offsets(), search.candidate(), &mut self.theta),
        }
        problem.loss(&self.theta, &[], Some(&mut self.scratch));
        self.grad.copy_from_slice(problem.real_gradient());
        // A value that is not a number somewhere gives no direction.
        for g in &mut self.grad {
            if !g.is_finite() {
                *g = 0.0;
            }
        }
        self.adam.step(&mut self.reals, &self.grad);
        problem.set_reals(&self.reals);
    }
}

impl RealParams {
    /// The reals' random start, drawn before the back end's `start` draws.
    pub fn start(&mut self, problem: &mut Problem, rng: &mut Rng) {
        let n = problem.num_reals();
        self.reals = (0..n).map(|_| self.stage.real_init * normal(rng)).collect();
        self.grad = vec![0.0; n];
        self.theta = vec![0.0; problem.theta_len()];
        self.scratch = vec![0.0; problem.theta_len()];
        self.adam.reset(n);
        self.steps = 0;
        self.polished.clear();
        self.polished_step = 0;
        problem.set_reals(&self.reals);
        problem.set_temperature(self.temperature.at(0));
    }

    /// Before the back end resumes on more examples (`cegis`): the reals keep their values;
    /// Adam's moments and the temperature's schedule start again, since the loss now has more
    /// examples (with them going on, `programs/hybrid_shapes.tpt` was found in 1 of 5 seeds,
    /// with the restart in 3 of 5, against 5 of 5 without `--cegis`: a fit to a few examples
    /// is a poor start for the reals). The polish is due at once: its last candidate was
    /// fitted to fewer examples. Returns whether the stage had to start afresh (another
    /// number of reals), after which the back end starts afresh too.
    pub fn resume(&mut self, problem: &mut Problem, rng: &mut Rng) -> bool {
        let fresh = self.reals.len() != problem.num_reals();
        if fresh {
            self.start(problem, rng);
        }
        self.polished.clear();
        self.adam.reset(self.reals.len());
        self.steps = 0;
        problem.set_reals(&self.reals);
        problem.set_temperature(self.temperature.at(self.steps));
        fresh
    }

    /// Before the back end's step: the temperature of the relaxed comparisons.
    pub fn before_step(&self, problem: &mut Problem) {
        problem.set_temperature(self.temperature.at(self.steps));
    }

    /// After the back end's step (which ended in `outcome`): the Adam steps and the polish at
    /// its new point. A back end with no discrete param to move leaves the search to the
    /// reals: its `Finished` is read as `Continue`.
    pub fn after_step(&mut self, problem: &mut Problem, search: &dyn Solver, outcome: StepOutcome) -> StepOutcome {
        for _ in 0..self.stage.real_steps {
            self.real_step(problem, search);
        }
        self.polish(problem, search);
        self.steps += 1;
        match outcome {
            StepOutcome::Finished if !self.reals.is_empty() => StepOutcome::Continue,
            other => other,
        }
    }
}
