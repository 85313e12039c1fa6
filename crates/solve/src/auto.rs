//! `auto`: graph -> params by the gradient search and a CDCL solver side by side. The
//! gradient half is `gradsearch-la` (its defaults, `--max-steps` steps); the exact half is
//! CaDiCaL on the model's CNF (`sat`'s encoding, every example at once), solved in one go.
//! They run on two threads and share a clock of work: `conflicts-per-step` solver conflicts
//! count as one gradient step.
//!
//! - With `phases=true` the solve pauses at 8,192 conflicts and each doubling after, and takes
//!   the gradient's best candidate as of a quarter of the solver's clock as its preferred
//!   decision phases (CaDiCaL's `phase`), waiting if the gradient has not got that far. Off by
//!   default: each pause re-enters CaDiCaL's solve, which restarts its search schedules, and
//!   that alone made the 16-example adder take 1.78 million conflicts instead of 131,000
//!   (docs/backends.md).
//! - The gradient takes its first `head-start` steps alone, and the solver starts after them:
//!   its conflict c is at step `head-start + c / conflicts-per-step` of the clock, and a program
//!   the gradient finds in the head start needs no CNF and no second thread.
//! - Every 1,000 steps the gradient removes from its moves the param values ruled out by the
//!   unit clauses the solver learnt up to a quarter of the gradient's clock, waiting if the
//!   solver has not got that far.
//! - The answer is the one found first on the shared clock (the gradient's on a tie): a
//!   gradient solution at step n wins unless the solver finds a model within n - `head-start`
//!   times `conflicts-per-step` conflicts (the solver is stopped there); a solver model after
//!   c conflicts wins once the gradient has taken `head-start` + c / `conflicts-per-step`
//!   steps without a solution (or spent its budget). A proof of impossibility ends the run at once.
//! - A problem with an objective (`minimize`) races as above for a first program on the
//!   examples alone; the descent lowers its objective, and `sat`'s optimization then proves
//!   bounds below it (its first solve replaced by that program) with the rest of the budget.
//!   With an allowance of failing examples (`--max-violations`) the solver optimizes alone: a
//!   gradient solution fails no example, which says nothing about the fewest.
//!
//! Everything the halves tell each other, and which answer wins, is thus decided by counts of
//! work, never by which thread is faster: the printed program depends only on the input and
//! the seed. Waiting is the price: the half that is ahead on the clock waits for the other
//! when it needs what the other has not computed yet.
//!
//! `--max-steps` is the budget of both halves on the shared clock: the gradient takes that
//! many steps, the solver that many times `conflicts-per-step` conflicts (also when it
//! optimizes), and the run ends "not found within budget" when both are spent. Given
//! the budget (`--max-steps`) and the time, `auto` finds a program when one exists and proves
//! impossibility when none does. The steps it reports are the clock's when the answer was
//! decided (stopped by `--timeout` or an interrupt: the step both halves had reached), and the
//! evaluations those of the gradient up to that step (up to its head start for a proof of
//! impossibility, which does not wait for the gradient) and of what the main thread did after
//! the race. A half that is ahead of the decision when it hears of it has done work past it, by
//! as much as the report took to arrive: that work depends on thread timing and is not counted.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::cdcl::{Cdcl, Watch};
use super::gradsearch::GradSearch;
use super::sat_engine::{conflict_of, Cegis, Outcome};
use super::{
    always_admissible, BackendInfo, ExactBackend, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome,
    StopCondition,
};
use crate::encode::{Cnf, Model};
use crate::{Capabilities, Reals};

/// Conflicts before the first phase exchange; the exchanges then come at each doubling.
const FIRST_EXCHANGE: u64 = 8192;
/// What one half takes from the other is as of this fraction of its own clock, so that it
/// waits only when the other is this many times slower than the clock's rate.
const LAG: u64 = 4;
/// Gradient steps between two looks at the solver's learnt units.
const UNITS_EVERY: u64 = 1000;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct AutoParams {
    conflicts_per_step: f64,
    /// Gradient steps taken before the solver starts: a program the gradient finds within
    /// them needs no CNF and no second thread (docs/backends.md has the measurements).
    head_start: u64,
    phases: bool,
    units: bool,
    cegis: bool,
}

impl Default for AutoParams {
    fn default() -> Self {
        AutoParams { conflicts_per_step: 2.0, head_start: 16, phases: false, units: true, cegis: false }
    }
}

struct Auto {
    params: AutoParams,
    candidate: Vec<u32>,
    conflict: Option<Vec<usize>>,
    /// Each param literal of the CNF and the (param, value) it asserts when it holds.
    param_literals: HashMap<i32, (usize, u32)>,
    /// `sat`, which answers a problem that optimizes, and the watch that counts its conflicts.
    exact: Option<(Box<dyn Solver>, Arc<Watch>)>,
    /// The shared clock when the answer was decided, in gradient steps.
    clock: Option<u64>,
    /// The gradient steps taken before the solver started (its conflict c is at step
    /// `head + c / conflicts-per-step` of the clock).
    head: u64,
    /// `--max-steps`: the clock's end.
    steps_budget: u64,
}

/// What the two halves share.
struct Shared {
    watch: Arc<Watch>,
    /// Gradient steps taken; `u64::MAX` once the gradient has stopped (budget spent, or a
    /// solution found).
    steps: AtomicU64,
    /// The gradient's best candidate each time it improved: (step, candidate).
    bests: Mutex<Vec<(u64, Vec<u32>)>>,
    /// Set when the solver has sent its report.
    solver_finished: AtomicBool,
}

/// The solver's answer and the conflicts it took.
struct Report {
    outcome: Outcome,
    conflicts: u64,
    /// With `Outcome::Impossible`: the conflicting examples.
    conflict: Option<Vec<usize>>,
}

/// The gradient half's search and where it stands.
struct Gradient {
    search: GradSearch,
    steps: u64,
    /// The fewest violations so far, and the candidate with them.
    best: usize,
    best_candidate: Vec<u32>,
    /// The budget is spent or the search has nothing more to try.
    done: bool,
}

impl Gradient {
    fn start(problem: &mut Problem, rng: &mut Rng) -> Self {
        let mut search = GradSearch::lookahead_search();
        search.start(problem, rng);
        let best_candidate = search.candidate().to_vec();
        Gradient { search, steps: 0, best: usize::MAX, best_candidate, done: problem.step_budget() == 0 }
    }

    /// One step; true when the candidate satisfies every example.
    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> bool {
        let outcome = self.search.step(problem, rng);
        self.steps += 1;
        let violations = problem.violations_at(self.search.candidate());
        if violations < self.best {
            self.best = violations;
            self.best_candidate.clear();
            self.best_candidate.extend_from_slice(self.search.candidate());
        }
        self.done |= outcome != StepOutcome::Continue || self.steps >= problem.step_budget();
        violations == 0
    }
}

/// The problem's evaluation count after each of the gradient's steps from `first` on. A solver
/// model decides the race at a step of the clock that the gradient may have passed by the time
/// the report arrives; the evaluations counted are those up to that step. The steps the
/// solver's clock has passed can be forgotten: a model it finds now comes at a later step.
struct EvaluationLog {
    first: u64,
    counts: VecDeque<u64>,
}

impl EvaluationLog {
    fn new(step: u64, count: u64) -> Self {
        EvaluationLog { first: step, counts: VecDeque::from([count]) }
    }

    /// The count after the step following the last one logged.
    fn record(&mut self, count: u64) {
        self.counts.push_back(count);
    }

    /// Forget the steps before `step`, keeping the last one logged.
    fn forget_before(&mut self, step: u64) {
        while self.first < step && self.counts.len() > 1 {
            self.counts.pop_front();
            self.first += 1;
        }
    }

    fn at(&self, step: u64) -> Option<u64> {
        let index = usize::try_from(step.checked_sub(self.first)?).ok()?;
        self.counts.get(index).copied()
    }
}

/// Sleep briefly while waiting for the other half.
fn pause() {
    std::thread::sleep(Duration::from_micros(200));
}

impl ExactBackend for Auto {
    fn start(&mut self, problem: &mut Problem, rng: &mut Rng) {
        self.candidate = vec![0; problem.num_params()];
        self.conflict = None;
        self.clock = None;
        self.head = 0;
        self.steps_budget = problem.step_budget();
        // With an allowance of failing examples the solver optimizes alone, on its whole
        // budget: a gradient solution would fail none, which says nothing about the fewest.
        if problem.max_violations() > 0 {
            self.exact = Some(self.start_exact(problem, rng, 0, None));
        }
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        if self.exact.is_some() {
            return self.optimize(problem, rng);
        }
        let outcome = self.race(problem, rng);
        if !problem.optimizing() || outcome != StepOutcome::Finished {
            return outcome;
        }
        // A first program, from the race: the descent lowers its objective, and `sat`'s
        // optimization proves the bounds below it with the rest of the budget.
        let first = super::optimize::descend(problem, &self.candidate, 0);
        let clock = self.clock.unwrap_or(0);
        let spent = self.conflicts_by(clock).ceil() as u64;
        self.exact = Some(self.start_exact(problem, rng, spent, Some(first)));
        self.optimize(problem, rng)
    }

    fn answer(&self) -> (&[u32], Option<&[usize]>) {
        match &self.exact {
            Some((exact, _)) => (exact.candidate(), self.conflict.as_deref()),
            None => (&self.candidate, self.conflict.as_deref()),
        }
    }

    fn reports_candidates(&self) -> bool {
        self.exact.is_none()
    }

    fn settled(&self) -> bool {
        self.exact.as_ref().is_none_or(|(exact, _)| exact.settled())
    }

    fn proven_optimal(&self) -> bool {
        self.exact.as_ref().is_some_and(|(exact, _)| exact.proven_optimal())
    }

    fn work_steps(&self) -> Option<u64> {
        // CaDiCaL notices its conflict budget at its next poll, a few conflicts late.
        self.clock.map(|clock| clock.min(self.steps_budget))
    }

    fn internal_error(&self) -> Option<String> {
        self.exact.as_ref().and_then(|(exact, _)| exact.internal_error())
    }
}

impl Auto {
    /// The gradient search and the solver side by side, on the examples alone (no objective):
    /// the first program on the shared clock, or a proof that none exists.
    fn race(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        let mut gradient = Gradient::start(problem, rng);
        // The head start: the gradient alone for its first steps (at most half the budget, so
        // that the solver always has a share of the clock).
        self.head = self.params.head_start.min(problem.step_budget() / 2);
        while gradient.steps < self.head && !gradient.done {
            if problem.should_stop() {
                self.clock = Some(gradient.steps);
                return StepOutcome::Continue;
            }
            if gradient.step(problem, rng) {
                self.candidate = gradient.best_candidate.clone();
                self.clock = Some(gradient.steps);
                return StepOutcome::Finished;
            }
        }
        self.head = gradient.steps;
        self.candidate = gradient.best_candidate.clone();
        let model = Model::build(problem.graph);
        if let Some(example) = model.contradicted_example() {
            self.conflict = Some(vec![example]);
            return StepOutcome::Exhausted;
        }
        // The solver numbers the CNF's literals the same way (`Cnf::allocate_all`).
        let cnf = Cnf::allocate_all(&model, false);
        self.param_literals = model
            .params
            .iter()
            .enumerate()
            .flat_map(|(param, &var)| {
                let values = &model.vars[var].values;
                cnf.literals[var].iter().zip(values).map(move |(&lit, &value)| (lit, (param, value)))
            })
            .collect();
        let watch = Watch::default();
        if let Some(conflicts) = self.conflict_budget(problem) {
            watch.stop_at_conflicts.store(conflicts, Ordering::SeqCst);
        }
        let shared = Shared {
            watch: Arc::new(watch),
            steps: AtomicU64::new(if gradient.done { u64::MAX } else { gradient.steps }),
            bests: Mutex::new(vec![(gradient.steps, gradient.best_candidate.clone())]),
            solver_finished: AtomicBool::new(false),
        };
        let mut solver_problem = problem.fork();
        let (to_gradient, reports) = mpsc::channel::<Report>();
        let params = self.params.clone();
        let stop = problem.stop_condition();
        let head = self.head;
        std::thread::scope(|scope| {
            let shared = &shared;
            let solver_params = params.clone();
            scope.spawn(move || {
                solver_half(model, &mut solver_problem, stop, shared, &solver_params, head, to_gradient)
            });
            let result = self.gradient_half(problem, rng, gradient, &params, shared, &reports);
            // Whatever the solver is doing no longer matters.
            shared.watch.cancel.store(true, Ordering::SeqCst);
            result
        })
    }

    /// `sat`, started on the conflicts left of the budget after `spent` (and from `incumbent`),
    /// its conflicts counted from the clock's step now.
    fn start_exact(
        &mut self,
        problem: &mut Problem,
        rng: &mut Rng,
        spent: u64,
        incumbent: Option<Vec<u32>>,
    ) -> (Box<dyn Solver>, Arc<Watch>) {
        let watch = Arc::new(Watch::default());
        if let Some(budget) = self.conflict_budget(problem) {
            watch.stop_at_conflicts.store(budget.saturating_sub(spent), Ordering::SeqCst);
        }
        let mut exact = super::sat::watched(watch.clone(), incumbent);
        exact.start(problem, rng);
        (exact, watch)
    }

    /// `sat`'s optimization, on its own budget; the clock goes on by its conflicts.
    fn optimize(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        let started = self.clock.unwrap_or(self.head);
        let Some((exact, watch)) = self.exact.as_mut() else { return StepOutcome::Continue };
        let outcome = exact.step(problem, rng);
        if outcome == StepOutcome::Exhausted {
            self.conflict = exact.conflict();
        }
        let conflicts = watch.conflicts.load(Ordering::SeqCst);
        self.clock = Some(started + (conflicts as f64 / self.params.conflicts_per_step).ceil() as u64);
        outcome
    }

    /// The solver's share of `--max-steps`: the conflicts that fit between the head start and
    /// the end of the budget on the shared clock. `None` when the steps are unbounded.
    fn conflict_budget(&self, problem: &Problem) -> Option<u64> {
        let steps = problem.step_budget();
        (steps != u64::MAX).then(|| self.conflicts_by(steps).ceil().min(u64::MAX as f64) as u64)
    }

    /// The step on the shared clock at which the solver had spent `conflicts` (an answer the
    /// solver found without a conflict is at the step after the head start).
    fn clock_of(&self, conflicts: u64) -> u64 {
        self.head + ((conflicts as f64 / self.params.conflicts_per_step).ceil() as u64).max(1)
    }

    /// The solver's conflicts by step `steps` of the clock.
    fn conflicts_by(&self, steps: u64) -> f64 {
        steps.saturating_sub(self.head) as f64 * self.params.conflicts_per_step
    }

    /// The step of the clock the solver has passed after `conflicts` conflicts.
    fn solver_clock(&self, conflicts: u64) -> u64 {
        self.head + (conflicts as f64 / self.params.conflicts_per_step).floor() as u64
    }

    /// The gradient's first step with `conflicts_by(step) >= conflicts`: where a solver model
    /// after `conflicts` conflicts wins (the gradient's loop checks that before each step).
    fn first_step_by(&self, conflicts: u64) -> u64 {
        let conflicts = conflicts as f64;
        let mut step = self.head + (conflicts / self.params.conflicts_per_step).ceil() as u64;
        while step > self.head && self.conflicts_by(step - 1) >= conflicts {
            step -= 1;
        }
        while self.conflicts_by(step) < conflicts {
            step += 1;
        }
        step
    }

    /// A solver model after `conflicts` conflicts won with the gradient at `steps`: count the
    /// gradient's evaluations up to the step at which it won (or all of them, when the
    /// gradient stopped before that step).
    fn count_up_to_model(&self, problem: &mut Problem, log: &EvaluationLog, conflicts: u64, steps: u64) {
        if let Some(count) = log.at(self.first_step_by(conflicts).min(steps)) {
            problem.uncount_evaluations_after(count);
        }
    }

    /// The race stopped by `--timeout` or an interrupt: the clock is at the step both halves
    /// have reached. A half that has no more to do (the gradient done, the solver with a model
    /// or its budget spent) holds it back no longer.
    fn stopped(&mut self, gradient: &Gradient, shared: &Shared, solver_settled: bool) -> StepOutcome {
        let solver = self.solver_clock(shared.watch.conflicts.load(Ordering::SeqCst));
        self.clock = Some(match (gradient.done, solver_settled) {
            (true, false) => solver,
            (false, true) => gradient.steps,
            _ => gradient.steps.min(solver),
        });
        StepOutcome::Continue
    }

    /// The gradient half; decides the answer.
    fn gradient_half(
        &mut self,
        problem: &mut Problem,
        rng: &mut Rng,
        mut gradient: Gradient,
        params: &AutoParams,
        shared: &Shared,
        reports: &mpsc::Receiver<Report>,
    ) -> StepOutcome {
        let budget = problem.step_budget();
        // The evaluations a proof of impossibility counts: it ends the race whichever step the
        // gradient has reached, so only the head start is sure to be behind it.
        let head_count = problem.evaluations();
        let mut log = EvaluationLog::new(gradient.steps, head_count);
        let mut solver_model: Option<(Vec<u32>, u64)> = None;
        // The solver stopped at its share of the budget without an answer.
        let mut solver_spent = false;
        let mut units_applied = 0usize;
        loop {
            let (steps, gradient_done) = (gradient.steps, gradient.done);
            if problem.should_stop() {
                return self.stopped(&gradient, shared, solver_model.is_some() || solver_spent);
            }
            if solver_model.is_none() && !solver_spent {
                let report = if gradient_done { reports.recv().ok() } else { reports.try_recv().ok() };
                if let Some(report) = report {
                    match report.outcome {
                        Outcome::Impossible => {
                            self.conflict = report.conflict;
                            self.clock = Some(self.clock_of(report.conflicts));
                            problem.uncount_evaluations_after(head_count);
                            return StepOutcome::Exhausted;
                        }
                        Outcome::Found(values) => solver_model = Some((values, report.conflicts)),
                        Outcome::Stopped if problem.should_stop() => {
                            return self.stopped(&gradient, shared, solver_model.is_some() || solver_spent)
                        }
                        // Stopped with time left: the solver spent its share of the budget;
                        // the gradient goes on to spend its own.
                        Outcome::Stopped => solver_spent = true,
                    }
                } else if gradient_done {
                    // The solver thread ended without a report.
                    return self.stopped(&gradient, shared, solver_model.is_some() || solver_spent);
                }
            }
            if solver_spent && gradient_done {
                self.clock = Some(budget);
                return StepOutcome::BudgetSpent;
            }
            // A solver model found after c conflicts wins once the gradient has taken
            // `head + c / rate` steps without a solution.
            if let Some((values, conflicts)) = &solver_model {
                if gradient_done || self.conflicts_by(steps) >= *conflicts as f64 {
                    self.candidate.clone_from(values);
                    self.clock = Some(self.clock_of(*conflicts));
                    self.count_up_to_model(problem, &log, *conflicts, steps);
                    return StepOutcome::Finished;
                }
            }
            // A gradient that is done only waits for the solver's report (above).
            if gradient_done {
                continue;
            }
            if params.units && steps.is_multiple_of(UNITS_EVERY) && steps > 0 {
                let upto = self.conflicts_by(steps) as u64 / LAG;
                while shared.watch.conflicts.load(Ordering::SeqCst) < upto
                    && !shared.solver_finished.load(Ordering::SeqCst)
                {
                    if problem.should_stop() {
                        return self.stopped(&gradient, shared, solver_model.is_some() || solver_spent);
                    }
                    pause();
                }
                let units: Vec<(u64, i32)> = shared.watch.units.lock().map(|u| u.clone()).unwrap_or_default();
                let fresh: Vec<i32> =
                    units.iter().skip(units_applied).take_while(|&&(at, _)| at <= upto).map(|&(_, l)| l).collect();
                units_applied += fresh.len();
                for lit in fresh {
                    for (param, value) in self.banned_by(problem, lit) {
                        gradient.search.ban(param, value);
                    }
                }
            }
            let best = gradient.best;
            let found = gradient.step(problem, rng);
            log.record(problem.evaluations());
            // Margin of one step for the rounding of the clock's arithmetic.
            let solver_clock = self.solver_clock(shared.watch.conflicts.load(Ordering::SeqCst));
            log.forget_before(solver_clock.saturating_sub(1));
            if gradient.best < best {
                self.candidate.clone_from(&gradient.best_candidate);
                if let Ok(mut bests) = shared.bests.lock() {
                    bests.push((gradient.steps, self.candidate.clone()));
                }
            }
            if found {
                shared.steps.store(u64::MAX, Ordering::SeqCst);
                return self.gradient_found(problem, gradient.steps, &log, shared, &mut solver_model, reports);
            }
            // `Gradient::step` marks the gradient done once its budget is spent.
            shared.steps.store(if gradient.done { u64::MAX } else { gradient.steps }, Ordering::SeqCst);
        }
    }

    /// The gradient found a solution at step `steps`: it wins unless the solver finds a model
    /// by that step of the clock (the solver is stopped there).
    fn gradient_found(
        &mut self,
        problem: &mut Problem,
        steps: u64,
        log: &EvaluationLog,
        shared: &Shared,
        solver_model: &mut Option<(Vec<u32>, u64)>,
        reports: &mpsc::Receiver<Report>,
    ) -> StepOutcome {
        let deadline = self.conflicts_by(steps).ceil() as u64;
        shared.watch.stop_at_conflicts.fetch_min(deadline, Ordering::SeqCst);
        self.clock = Some(steps);
        if solver_model.is_none() {
            if let Ok(report) = reports.recv() {
                if let Outcome::Found(values) = report.outcome {
                    *solver_model = Some((values, report.conflicts));
                }
            }
        }
        if let Some((values, conflicts)) = solver_model.take() {
            if (conflicts as f64) < self.conflicts_by(steps) {
                self.candidate = values;
                self.clock = Some(self.clock_of(conflicts));
                self.count_up_to_model(problem, log, conflicts, steps);
            }
        }
        StepOutcome::Finished
    }

    /// The param values a learnt unit clause rules out: every other value when it says a
    /// param takes one value, that value when it says a param does not.
    fn banned_by(&self, problem: &Problem, lit: i32) -> Vec<(usize, u32)> {
        if let Some(&(param, value)) = self.param_literals.get(&lit) {
            return (0..problem.domains[param]).filter(|&v| v != value).map(|v| (param, v)).collect();
        }
        self.param_literals.get(&-lit).copied().into_iter().collect()
    }
}

/// The solver half: one CaDiCaL instance, one solve, interrupted only for phase exchanges.
fn solver_half(
    model: Model,
    problem: &mut Problem,
    stop: StopCondition,
    shared: &Shared,
    params: &AutoParams,
    head: u64,
    reports: mpsc::Sender<Report>,
) {
    let mut engine = Cdcl::new(stop);
    engine.watch(shared.watch.clone());
    let mut cegis = Cegis::new(model, &mut engine, !params.cegis);
    let mut exchange = FIRST_EXCHANGE;
    let mut phased: Vec<i32> = Vec::new();
    let outcome = loop {
        let done = shared.watch.conflicts.load(Ordering::SeqCst);
        let limit = params.phases.then(|| u32::try_from(exchange.saturating_sub(done)).unwrap_or(u32::MAX).max(1));
        let outcome = cegis.search(&mut engine, problem, limit);
        let conflicts = shared.watch.conflicts.load(Ordering::SeqCst);
        let interrupted = stop.reached()
            || shared.watch.cancel.load(Ordering::SeqCst)
            || conflicts >= shared.watch.stop_at_conflicts.load(Ordering::SeqCst);
        if !matches!(outcome, Outcome::Stopped) || interrupted || !params.phases {
            break outcome;
        }
        // A phase exchange: the gradient's best as of a quarter of this clock.
        let step = (head + (exchange as f64 / params.conflicts_per_step) as u64) / LAG;
        while shared.steps.load(Ordering::SeqCst) < step {
            if stop.reached() || shared.watch.cancel.load(Ordering::SeqCst) {
                break;
            }
            pause();
        }
        let chosen = shared
            .bests
            .lock()
            .ok()
            .and_then(|bests| bests.iter().take_while(|(at, _)| *at <= step).last().map(|(_, c)| c.clone()));
        if let Some(values) = chosen {
            for lit in phased.drain(..) {
                engine.unphase(lit);
            }
            for (param, &chosen) in values.iter().enumerate() {
                for value in 0..problem.domains[param] {
                    let Some(lit) = cegis.param_literal(param, value) else { continue };
                    let preferred = if value == chosen { lit } else { -lit };
                    if !phased.contains(&preferred.abs()) {
                        engine.phase(preferred);
                        phased.push(preferred.abs());
                    }
                }
            }
        }
        exchange = exchange.saturating_mul(2);
    };
    let conflicts = shared.watch.conflicts.load(Ordering::SeqCst);
    let conflict = match outcome {
        Outcome::Impossible => conflict_of(&cegis.model, Some(&cegis.active), stop),
        _ => None,
    };
    shared.solver_finished.store(true, Ordering::SeqCst);
    let _ = reports.send(Report { outcome, conflicts, conflict });
}

const OPTIONS: &[OptionInfo] = &[
    OptionInfo {
        key: "conflicts-per-step",
        kind: Kind::above(0.0),
        help: "solver conflicts that count as one gradient step on the clock the two halves share",
    },
    OptionInfo {
        key: "head-start",
        kind: Kind::integer_from(0),
        help: "gradient steps before the solver starts (at most half of the step budget)",
    },
    OptionInfo {
        key: "phases",
        kind: Kind::Bool,
        help: "the gradient search's best candidate becomes the solver's preferred decision phases",
    },
    OptionInfo {
        key: "units",
        kind: Kind::Bool,
        help: "values the solver's learnt units rule out are removed from the gradient search's moves",
    },
    OptionInfo {
        key: "cegis",
        kind: Kind::Bool,
        help: "the solver half is counterexample-guided: its formula starts with one example and adds those its models fail",
    },
];

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(Auto {
        params: options.decode(),
        candidate: Vec::new(),
        conflict: None,
        param_literals: HashMap::new(),
        exact: None,
        clock: None,
        head: 0,
        steps_budget: u64::MAX,
    })
}

pub static BACKEND: BackendInfo = BackendInfo {
    name: "auto",
    summary: "gradsearch-la and CaDiCaL side by side on one clock of work; finds programs, proves impossibility and minimize optima",
    options: OPTIONS,
    defaults: || Options::of(&AutoParams::default()),
    make,
    admissible: always_admissible,
    capabilities: Capabilities { exact: true, optimizes: true, reals: Reals::Substitute("gradsearch-la"), cegis: crate::Cegis::Own },
};
