//! Graph -> param values. The solver trait every back end implements, the problem interface
//! through which back ends see the graph, the registry of back ends with their
//! hyperparameters, and the run loop that owns stopping (steps, time, interrupts, success).
//!
//! Success is decided here, never by a solver: a candidate counts only when the one-hot
//! forward pass violates no observation *and* the exact verifier (supplied by the caller)
//! confirms it on every example. A candidate the graph accepts and the verifier rejects is an
//! internal error that ends the run.

mod auto;
mod capabilities;
pub mod cdcl;
mod cegis;
pub mod encode;
mod exhaustive;
mod fmgd;
mod gradsearch;
mod gumbel;
mod hybrid;
mod levenberg;
mod local_search;
mod neural;
mod optimize;
mod options;
mod outcome;
mod relax;
mod restart;
mod run;
mod sat;
mod sat_engine;
mod smt;
mod temp_softmax;
#[cfg(test)]
mod testing;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rand::RngExt;

use tpt_graph::graph::Graph;
pub use tpt_graph::tape::one_hot;
use tpt_graph::tape::{OneHot, Tape};
use tpt_source::diagnostics::Text;

pub use capabilities::{Capabilities, Cegis, Reals};
pub use hybrid::{resolve_real_stage, RealStage, PREFIX as REAL_PREFIX, REAL_STAGE};
pub use options::{resolve_options, Kind, OptionError, OptionInfo, Options, ValueError};
pub use outcome::{
    Candidate, CegisSummary, InconsistentOutcome, Optimality, Outcome, OutcomeParts, SolveReport, Status, TracePoint,
    Work,
};
pub use restart::{restart_seed, CegisMode, Progress, RunOptions, Verify};
pub use run::solve;

/// The random number generator every back end uses; seeded from `--seed`.
pub type Rng = rand_chacha::ChaCha8Rng;

/// What a back end sees of the program: the params' domains, the graph, and the loss.
pub struct Problem<'a> {
    pub graph: &'a Graph,
    tape: Tape,
    /// Domain of every param, in graph order.
    pub domains: Vec<u32>,
    theta: Vec<f64>,
    /// The integer evaluator for one-hot points, built on first use.
    one_hot: Option<OneHot>,
    deadline: Option<Instant>,
    stop: &'a AtomicBool,
    evaluations: u64,
    /// The real params' current values (graph order); empty without real params.
    reals: Vec<f64>,
    /// The graph has real nodes: discrete points are evaluated by the float pass in exact
    /// mode rather than by the integer evaluator (which knows no reals).
    has_reals: bool,
    /// The point of the last `violations_at`, for `violations_after_move` with reals.
    point: Vec<u32>,
    /// The run's step budget per restart (`--max-steps`), for back ends that run a search of
    /// their own inside one step (`auto`).
    step_budget: u64,
    /// How many examples a result may fail (`--max-violations`).
    max_violations: usize,
}

impl<'a> Problem<'a> {
    pub fn new(graph: &'a Graph, tape: Tape, deadline: Option<Instant>, stop: &'a AtomicBool) -> Self {
        let domains = graph.params.iter().map(|p| p.domain).collect();
        let theta = vec![0.0; tape.theta_len()];
        let reals = vec![0.0; tape.num_real_params()];
        let has_reals = graph.has_reals();
        Problem {
            graph,
            tape,
            domains,
            theta,
            one_hot: None,
            deadline,
            stop,
            evaluations: 0,
            reals,
            has_reals,
            point: Vec::new(),
            step_budget: u64::MAX,
            max_violations: 0,
        }
    }

    pub fn set_max_violations(&mut self, n: usize) {
        self.max_violations = n;
    }

    /// How many examples a result may fail (`--max-violations`; 0: every example must hold).
    pub fn max_violations(&self) -> usize {
        self.max_violations
    }

    /// Whether the search optimizes: there is an objective, or some examples may fail (the
    /// fewest failing examples are wanted, then the lowest objective).
    pub fn optimizing(&self) -> bool {
        !self.graph.objective.is_empty() || self.max_violations > 0
    }

    /// Another problem over the same graph, tape, deadline and interrupt flag, with buffers of
    /// its own (for a second thread).
    pub fn fork(&self) -> Problem<'a> {
        let mut problem = Problem::new(self.graph, self.tape.clone(), self.deadline, self.stop);
        problem.step_budget = self.step_budget;
        problem.max_violations = self.max_violations;
        problem.reals.clone_from(&self.reals);
        problem
    }

    pub fn set_step_budget(&mut self, steps: u64) {
        self.step_budget = steps;
    }

    pub fn step_budget(&self) -> u64 {
        self.step_budget
    }

    /// Number of real params.
    pub fn num_reals(&self) -> usize {
        self.reals.len()
    }

    /// The real params' current values, which every loss and check uses.
    pub fn reals(&self) -> &[f64] {
        &self.reals
    }

    pub fn set_reals(&mut self, values: &[f64]) {
        self.reals.copy_from_slice(values);
        self.tape.set_real_params(values);
    }

    /// The gradient of the last `loss` with a gradient, with respect to the real params.
    pub fn real_gradient(&self) -> &[f64] {
        self.tape.real_gradient()
    }

    /// The real observations' residuals (see `Tape::real_residuals`) at a discrete assignment
    /// with the given reals, evaluated exactly, into `out`; returns the number of other
    /// observations violated there. The problem's own reals are left as they were.
    pub fn real_residuals_at(&mut self, assignment: &[u32], reals: &[f64], out: &mut Vec<f64>) -> usize {
        let mut theta = std::mem::take(&mut self.theta);
        one_hot(self.tape.param_offsets(), assignment, &mut theta);
        self.evaluations += 1;
        self.tape.set_real_params(reals);
        self.tape.set_exact(true);
        self.tape.forward(&theta, &[]);
        self.tape.set_exact(false);
        self.tape.set_real_params(&self.reals);
        self.theta = theta;
        self.tape.real_residuals(out);
        self.tape.finite_violations()
    }

    /// The temperature of relaxed comparisons and rounding of reals in `loss`.
    pub fn set_temperature(&mut self, temperature: f64) {
        self.tape.set_temperature(temperature);
    }

    pub fn num_params(&self) -> usize {
        self.domains.len()
    }

    pub fn num_examples(&self) -> usize {
        self.tape.num_examples()
    }

    /// Offset into theta and domain of every param.
    pub fn offsets(&self) -> &[(usize, usize)] {
        self.tape.param_offsets()
    }

    pub fn theta_len(&self) -> usize {
        self.tape.theta_len()
    }

    /// Forward passes run so far.
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// Count only the first `count` evaluations (`count` at most `evaluations()`): `auto`'s
    /// gradient half may run past the step at which the race was decided, by as many steps as
    /// the other thread's report took to arrive, and what it did there is not counted.
    pub(crate) fn uncount_evaluations_after(&mut self, count: u64) {
        self.evaluations = self.evaluations.min(count);
    }

    /// Loss at the relaxed point `theta` (every param's distribution, concatenated), and its
    /// gradient when `grad` is given. Example `e` is weighted by `weights[e]` (empty: all 1).
    pub fn loss(&mut self, theta: &[f64], weights: &[f64], grad: Option<&mut [f64]>) -> f64 {
        self.evaluations += 1;
        self.tape.set_exact(false);
        let loss = self.tape.forward(theta, weights);
        if let Some(grad) = grad {
            self.tape.backward(weights, grad);
        }
        loss
    }

    /// Loss (and gradient) at a discrete assignment.
    pub fn loss_at(&mut self, assignment: &[u32], weights: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let mut theta = std::mem::take(&mut self.theta);
        one_hot(self.tape.param_offsets(), assignment, &mut theta);
        let loss = self.loss(&theta, weights, grad);
        self.theta = theta;
        loss
    }

    /// Loss and gradient at a discrete assignment, from the integer evaluation of the point
    /// and the one-hot backward pass (`Tape::loss_and_gradient_at`): the numbers of
    /// `loss_at`, at a fraction of its cost. With reals (which the integer evaluation does not
    /// know) it is `loss_at`, with the comparisons of reals relaxed.
    pub fn loss_and_gradient_at(&mut self, assignment: &[u32], weights: &[f64], grad: &mut [f64]) -> f64 {
        if self.has_reals {
            return self.loss_at(assignment, weights, Some(grad));
        }
        self.violations_at(assignment);
        let Some(one_hot) = self.one_hot.as_ref() else { return self.loss_at(assignment, weights, Some(grad)) };
        self.tape.loss_and_gradient_at(one_hot, weights, grad)
    }

    /// Loss and number of violated observations of a discrete assignment (with the current
    /// reals, evaluated exactly).
    pub fn check(&mut self, assignment: &[u32]) -> (f64, usize) {
        let mut theta = std::mem::take(&mut self.theta);
        one_hot(self.tape.param_offsets(), assignment, &mut theta);
        self.evaluations += 1;
        self.tape.set_exact(true);
        let loss = self.tape.forward(&theta, &[]);
        self.tape.set_exact(false);
        self.theta = theta;
        (loss, self.tape.violations())
    }

    /// Like `check`, but the float loss is computed only when the assignment violates at most
    /// `bound` observations (by integer evaluation first); otherwise it is infinite, for a
    /// candidate that cannot rank among the best anyway.
    pub fn check_unless_worse(&mut self, assignment: &[u32], bound: usize) -> (f64, usize) {
        let violations = self.violations_at(assignment);
        if violations <= bound {
            (self.check(assignment).0, violations)
        } else {
            (f64::INFINITY, violations)
        }
    }

    /// Violated observations at a discrete assignment, by exact integer evaluation (no loss;
    /// cheaper than `check`). Also the starting point of `violations_after_move`.
    pub fn violations_at(&mut self, assignment: &[u32]) -> usize {
        if self.has_reals {
            self.point.clear();
            self.point.extend_from_slice(assignment);
            return self.check(assignment).1;
        }
        self.evaluations += 1;
        let tape = &self.tape;
        self.one_hot.get_or_insert_with(|| OneHot::new(tape)).set(assignment)
    }

    /// The examples an assignment fails (violates at least one observation of), by exact
    /// integer evaluation: the counterexamples of counterexample-guided synthesis.
    pub fn failing_examples(&mut self, assignment: &[u32]) -> Vec<usize> {
        self.violations_at(assignment);
        // With reals the point was evaluated by the float pass in exact mode, at the current
        // real values; the integer evaluator has not seen it.
        let counts = match self.has_reals {
            true => self.tape.violations_by_example(),
            false => self.one_hot.as_ref().map(OneHot::violations_by_example).unwrap_or_default(),
        };
        counts.iter().enumerate().filter(|&(_, &count)| count > 0).map(|(example, _)| example).collect()
    }

    /// Violated observations after moving `param` to `value` from the last `violations_at`
    /// point, re-evaluating only what depends on that param.
    pub fn violations_after_move(&mut self, param: usize, value: u32) -> usize {
        if self.has_reals {
            let mut moved = std::mem::take(&mut self.point);
            let old = std::mem::replace(&mut moved[param], value);
            let violations = self.check(&moved).1;
            moved[param] = old;
            self.point = moved;
            return violations;
        }
        self.evaluations += 1;
        let tape = &self.tape;
        self.one_hot.get_or_insert_with(|| OneHot::new(tape)).violations_with(param, value)
    }

    /// Loss of each example after the last evaluation.
    pub fn example_loss(&self) -> &[f64] {
        self.tape.example_loss()
    }

    /// True when the run has been interrupted or has run out of time; long-running back ends
    /// (exact ones) poll this.
    pub fn should_stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// What `should_stop` watches, for solvers that poll from inside another library.
    pub fn stop_condition(&self) -> StopCondition<'a> {
        StopCondition { flag: self.stop, deadline: self.deadline }
    }
}

/// An interrupt flag and a deadline.
#[derive(Clone, Copy)]
pub struct StopCondition<'a> {
    flag: &'a AtomicBool,
    deadline: Option<Instant>,
}

impl<'a> StopCondition<'a> {
    /// Stop when `flag` is set or `deadline` has passed.
    pub fn new(flag: &'a AtomicBool, deadline: Option<Instant>) -> Self {
        StopCondition { flag, deadline }
    }

    pub fn reached(&self) -> bool {
        self.flag.load(Ordering::Relaxed) || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// The index of the largest of `values`, ties broken uniformly at random (appendix A of the
/// paper: without random tie-breaking greedy search cycles).
pub fn argmax_random<R: rand::Rng + ?Sized>(values: &[f64], rng: &mut R) -> usize {
    let best = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let tied = values.iter().filter(|&&v| v >= best).count().max(1);
    let mut pick = rng.random_range(0..tied);
    for (i, &v) in values.iter().enumerate() {
        if v >= best {
            if pick == 0 {
                return i;
            }
            pick -= 1;
        }
    }
    0
}

/// A uniformly random assignment.
pub fn random_assignment<R: rand::Rng + ?Sized>(domains: &[u32], rng: &mut R) -> Vec<u32> {
    domains.iter().map(|&d| rng.random_range(0..d)).collect()
}

/// What a step of a back end ended in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// Keep going.
    Continue,
    /// The whole search space was covered: no assignment satisfies the examples.
    Exhausted,
    /// The back end proposes its candidate and has nothing more to try.
    Finished,
    /// An exact back end spent the work it was given in place of `--max-steps` (`auto`'s
    /// solver half counts conflicts) without an answer.
    BudgetSpent,
}

/// A back end. The run loop calls `start` once per restart, then `step` until it stops the
/// run; after every step it checks `candidate`.
pub trait Solver: Send {
    fn start(&mut self, problem: &mut Problem, rng: &mut Rng);
    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome;
    /// Go on from `assignment` (the candidate so far) on another problem over the same params
    /// and more examples: counterexample-guided synthesis (`cegis`) calls it after adding the
    /// examples a candidate failed. By default, a fresh `start` (the assignment is dropped).
    fn resume(&mut self, problem: &mut Problem, rng: &mut Rng, assignment: &[u32]) {
        let _ = assignment;
        self.start(problem, rng);
    }
    /// The current discrete candidate: one value per param.
    fn candidate(&self) -> &[u32];
    /// Each param's current distribution, for traces (discrete back ends give one-hot).
    fn soft_values(&self) -> Option<&[f64]> {
        None
    }
    /// After a step returned `Exhausted`: examples (indices) that cannot all hold together,
    /// when the back end found such a set.
    fn conflict(&self) -> Option<Vec<usize>> {
        None
    }
    /// Whether the back end is exact: it answers at once (a model, or a proof that none
    /// exists) instead of improving a candidate, so `--max-steps` does not apply (it is
    /// bounded by time only) and a run it did not finish has no candidate to report.
    fn is_exact(&self) -> bool {
        false
    }
    /// Whether a candidate that was not verified is worth reporting as the best found (by
    /// default, for back ends that are not exact).
    fn reports_candidates(&self) -> bool {
        !self.is_exact()
    }
    /// Whether the candidate is the back end's answer. An exact back end that optimizes holds
    /// a candidate back while it looks for a better one: the run loop verifies it only once
    /// it is settled, or when the run must stop (then it is the best found, not proven best).
    fn settled(&self) -> bool {
        true
    }
    /// When the problem optimizes (`Problem::optimizing`): whether the candidate is proven
    /// best, that is no assignment fails fewer examples, and none failing as few has a lower
    /// objective.
    fn proven_optimal(&self) -> bool {
        false
    }
    /// The steps to report for the run, where the back end counts its work itself (`auto`'s
    /// clock); `None`: the run loop's count of calls to `step`.
    fn work_steps(&self) -> Option<u64> {
        None
    }
    /// After a step returned `Finished` without a candidate that holds: why the back end gave
    /// up, in words (`smt`: the solver answered `unknown`, or gave no answer), when it says.
    fn gave_up(&self) -> Option<String> {
        None
    }

    /// A disagreement the back end met between its encoding and the graph (a bug in tpt): the
    /// run ends as an internal error with this description, never with a result.
    fn internal_error(&self) -> Option<String> {
        None
    }
}

/// An exact back end: it answers at once, with a model or a proof that none exists, instead of
/// improving a candidate. It is a `Solver` through the impl below, which reports its answer.
pub trait ExactBackend: Send {
    fn start(&mut self, problem: &mut Problem, rng: &mut Rng);
    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome;
    /// The model's values (after a step returned `Finished`), and after `Exhausted` the
    /// examples that cannot all hold together, when the back end found such a set.
    fn answer(&self) -> (&[u32], Option<&[usize]>);
    /// Whether an unverified candidate is worth reporting (by default not: an exact back end
    /// that did not finish has no candidate).
    fn reports_candidates(&self) -> bool {
        false
    }
    /// Whether the answer is settled (see `Solver::settled`): an exact back end that
    /// optimizes holds a candidate back while it looks for a better one.
    fn settled(&self) -> bool {
        true
    }
    /// Whether the answer is proven best (see `Solver::proven_optimal`).
    fn proven_optimal(&self) -> bool {
        false
    }
    /// See `Solver::work_steps`.
    fn work_steps(&self) -> Option<u64> {
        None
    }
    /// See `Solver::gave_up`.
    fn gave_up(&self) -> Option<String> {
        None
    }

    /// See `Solver::internal_error`.
    fn internal_error(&self) -> Option<String> {
        None
    }
}

impl<T: ExactBackend> Solver for T {
    fn start(&mut self, problem: &mut Problem, rng: &mut Rng) {
        ExactBackend::start(self, problem, rng);
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        ExactBackend::step(self, problem, rng)
    }

    fn candidate(&self) -> &[u32] {
        self.answer().0
    }

    fn conflict(&self) -> Option<Vec<usize>> {
        self.answer().1.map(<[usize]>::to_vec)
    }

    fn is_exact(&self) -> bool {
        true
    }

    fn reports_candidates(&self) -> bool {
        ExactBackend::reports_candidates(self)
    }

    fn settled(&self) -> bool {
        ExactBackend::settled(self)
    }

    fn proven_optimal(&self) -> bool {
        ExactBackend::proven_optimal(self)
    }

    fn work_steps(&self) -> Option<u64> {
        ExactBackend::work_steps(self)
    }

    fn gave_up(&self) -> Option<String> {
        ExactBackend::gave_up(self)
    }

    fn internal_error(&self) -> Option<String> {
        ExactBackend::internal_error(self)
    }
}

/// A back end in the registry.
pub struct BackendInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub options: &'static [OptionInfo],
    /// Every option's default: the back end's `Params::default()`, as options.
    pub defaults: fn() -> Options,
    pub make: fn(&Options) -> Box<dyn Solver>,
    /// Whether the back end can run on this graph at all (e.g. an enumeration that would be
    /// too large); checked before any restart starts, so that the user gets a clear error.
    pub admissible: fn(&Graph, &Options) -> Result<(), Text>,
    /// What it can do: exact, proves optima, on reals, counterexample-guided.
    pub capabilities: Capabilities,
}

impl BackendInfo {
    /// The back end that runs in this one's place on a program with reals
    /// (`Reals::Substitute`), when there is one.
    pub fn substitute_for_reals(&self) -> Option<&'static BackendInfo> {
        match self.capabilities.reals {
            Reals::Substitute(name) => backend(name),
            Reals::Stage | Reals::Refused => None,
        }
    }
}

/// For back ends that run on any graph.
pub fn always_admissible(_: &Graph, _: &Options) -> Result<(), Text> {
    Ok(())
}

/// Every back end, in the order `tpt backends` lists them.
pub fn registry() -> Vec<&'static BackendInfo> {
    gradsearch::BACKENDS
        .iter()
        .chain(&fmgd::BACKENDS)
        .chain(&temp_softmax::BACKENDS)
        .chain(&gumbel::BACKENDS)
        .chain(&neural::BACKENDS)
        .chain(&local_search::BACKENDS)
        .chain(&exhaustive::BACKENDS)
        .chain([&sat::BACKEND, &smt::BACKEND, &auto::BACKEND])
        .collect()
}

pub fn backend(name: &str) -> Option<&'static BackendInfo> {
    registry().into_iter().find(|b| b.name == name)
}

/// Well-known solver names and spellings, and the back end that covers each.
const BACKEND_ALIASES: &[(&str, &str)] = &[
    ("z3", "smt"),
    ("cvc5", "smt"),
    ("cvc4", "smt"),
    ("cadical", "sat"),
    ("batsat", "sat"),
    ("minisat", "sat"),
    ("kissat", "sat"),
    ("cdcl", "sat"),
    ("gradsearch+", "gradsearch-plus"),
    ("brute-force", "exhaustive"),
];

/// The back end a mistyped or unknown `--backend` name most likely means: the same name in
/// another case or with `_` for `-`, a well-known solver's back end, or the closest name.
pub fn suggest_backend(name: &str) -> Option<&'static str> {
    let names: Vec<&'static str> = registry().iter().map(|b| b.name).collect();
    let normalized = name.trim().to_lowercase().replace('_', "-");
    if let Some(&same) = names.iter().find(|&&n| n == normalized) {
        return Some(same);
    }
    if let Some(&(_, target)) = BACKEND_ALIASES.iter().find(|(alias, _)| *alias == normalized) {
        return Some(target);
    }
    tpt_source::diagnostics::closest(&normalized, &names)
}
