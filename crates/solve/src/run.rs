//! The run loop: independent restarts (in parallel), each stepping one back end until the
//! candidate is verified, the step budget or the time runs out, or the user interrupts.
//! Results are deterministic for a seed: the verified restart with the lowest index wins,
//! and restarts with higher indices stop as soon as a lower one has won. A candidate that the
//! graph says violates nothing but the exact interpreter rejects is a bug in tpt (the lowering
//! or an encoding disagrees with the interpreter): it stops every restart and the run ends
//! with `Status::InternalError`, never with a result built on it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rayon::prelude::*;

use super::cegis::CegisMode;
use super::hybrid::{Hybrid, RealStage};
use super::outcome::{Candidate, CegisSummary, Optimality, Outcome, SolveReport, Status, TracePoint, Work};
use super::{BackendInfo, Options, Problem, Rng, StepOutcome};
use tpt_core::verify::Verified;
use tpt_graph::graph::Graph;
use tpt_graph::tape::Tape;

/// The exact check of a candidate (its discrete params and the values of its real params) on
/// every example: only what it returns counts as found.
pub type Verify<'a> = dyn Fn(&[u32], &[f64]) -> Option<Verified> + Sync + 'a;

/// How to run a back end.
pub struct RunOptions<'a> {
    pub backend: &'static BackendInfo,
    pub options: Options,
    pub max_steps: u64,
    pub timeout: Option<Duration>,
    pub restarts: usize,
    pub seed: u64,
    /// Set by SIGINT/SIGTERM: stop promptly and report the best candidate.
    pub interrupt: &'a AtomicBool,
    /// Record a trace point after every step (of restart 0, or the winning restart).
    pub trace: bool,
    /// Counters to update as the run goes (for a progress display); `None`: no updates.
    pub progress: Option<&'a Progress>,
    /// How many examples a result may fail (`--max-violations`; 0: none).
    pub max_violations: usize,
    /// On a graph with real params, the options of the real-param stage that runs beside
    /// the back end (`solve::hybrid`); `None`: the back end alone (the reals stay at 0).
    pub real_stage: Option<RealStage>,
    /// Counterexample-guided synthesis (`solve::cegis`) for a back end that is not exact:
    /// each restart searches on the examples its candidates failed, not on all of them.
    /// `None`: every example from the start.
    pub cegis: Option<CegisMode>,
}

/// Live counters of a run, summed over its restarts, that another thread may read.
#[derive(Debug)]
pub struct Progress {
    pub steps: AtomicU64,
    /// Fewest violated observations of any candidate so far (`usize::MAX` before the first).
    pub best_violations: AtomicUsize,
}

impl Default for Progress {
    fn default() -> Self {
        Progress { steps: AtomicU64::new(0), best_violations: AtomicUsize::new(usize::MAX) }
    }
}

pub(super) struct RestartResult {
    pub(super) status: Status,
    pub(super) verified: Option<Verified>,
    /// Whether the back end's candidates are approximations worth reporting (not exact).
    pub(super) reports_candidates: bool,
    pub(super) assignment: Vec<u32>,
    pub(super) reals: Vec<f64>,
    pub(super) violations: usize,
    pub(super) loss: f64,
    pub(super) steps: u64,
    pub(super) evaluations: u64,
    pub(super) trace: Vec<TracePoint>,
    pub(super) conflict: Option<Vec<usize>>,
    pub(super) internal_error: Option<String>,
    pub(super) gave_up: Option<String>,
    pub(super) optimal: bool,
    /// Whether the search optimized (an objective, or an allowance of failing examples).
    pub(super) optimizing: bool,
    pub(super) cegis: Option<CegisSummary>,
}

impl RestartResult {
    /// A restart before its first step: nothing found, no candidate checked yet.
    pub(super) fn before_search(reports_candidates: bool, assignment: Vec<u32>, reals: Vec<f64>) -> Self {
        RestartResult {
            status: Status::StepBudget,
            verified: None,
            reports_candidates,
            assignment,
            reals,
            violations: usize::MAX,
            loss: f64::INFINITY,
            steps: 0,
            evaluations: 0,
            trace: Vec::new(),
            conflict: None,
            internal_error: None,
            gave_up: None,
            optimal: false,
            optimizing: false,
            cegis: None,
        }
    }

    /// Hold `candidate` (with the real params' `reals`), at which the graph says nothing fails
    /// that may not, and let the exact interpreter decide: `Found` with its verdict, or
    /// `InternalError` when it rejects what the graph accepts (a bug in tpt: the lowering and
    /// the interpreter must agree at every one-hot point).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn accept(
        &mut self,
        candidate: &[u32],
        reals: &[f64],
        loss: f64,
        steps: u64,
        verify: &Verify,
        backend: &str,
        index: usize,
    ) -> Status {
        self.assignment.clear();
        self.assignment.extend_from_slice(candidate);
        self.reals.clear();
        self.reals.extend_from_slice(reals);
        self.violations = 0;
        self.loss = loss;
        self.steps = steps;
        if let Some(verified) = verify(candidate, reals) {
            self.verified = Some(verified);
            return Status::Found;
        }
        self.internal_error = Some(format!(
            "the lowered graph violates no observation at a candidate of `{backend}` (step {steps}, restart {}) \
             that the exact interpreter rejects",
            index + 1
        ));
        Status::InternalError
    }
}

/// Why restart `index` must stop before its next step, if it must: an interrupt, the
/// deadline, a restart of lower index that won (or one that met an internal error), or, when
/// `budget` applies, `--max-steps` spent.
pub(super) fn stop_reason(
    options: &RunOptions,
    shared: &Shared,
    index: usize,
    steps: u64,
    budget: bool,
) -> Option<Status> {
    if options.interrupt.load(Ordering::Relaxed) {
        Some(Status::Interrupted)
    } else if shared.deadline.is_some_and(|d| Instant::now() >= d) {
        Some(Status::Timeout)
    } else if shared.winner.load(Ordering::SeqCst) < index || shared.broken.load(Ordering::SeqCst) {
        Some(Status::GaveUp)
    } else if budget && steps >= options.max_steps {
        Some(Status::StepBudget)
    } else {
        None
    }
}

/// The seed of restart `index`: a splitmix64 step, so nearby seeds give unrelated streams.
pub fn restart_seed(seed: u64, index: usize) -> u64 {
    let mut z = seed.wrapping_add((index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Run the back end on the graph. `verify` is the exact check of a candidate on every
/// example; only candidates it accepts are reported as found.
pub fn solve(graph: &Graph, tape: &Tape, options: &RunOptions, verify: &Verify) -> SolveReport {
    let started = Instant::now();
    let deadline = options.timeout.map(|t| started + t);
    let winner = AtomicUsize::new(usize::MAX);
    // Set by a restart that met an internal error: every other restart stops.
    let broken = AtomicBool::new(false);
    let restarts = options.restarts.max(1);
    let results: Mutex<Vec<(usize, RestartResult)>> = Mutex::new(Vec::new());
    (0..restarts).into_par_iter().for_each(|index| {
        if winner.load(Ordering::SeqCst) < index
            || options.interrupt.load(Ordering::Relaxed)
            || broken.load(Ordering::SeqCst)
        {
            return;
        }
        let shared = Shared { deadline, winner: &winner, broken: &broken };
        let result = run_restart(graph, tape, options, index, &shared, verify);
        if result.status == Status::Found {
            winner.fetch_min(index, Ordering::SeqCst);
        }
        if result.status == Status::InternalError {
            broken.store(true, Ordering::SeqCst);
        }
        if let Ok(mut list) = results.lock() {
            list.push((index, result));
        }
    });
    let mut list = results.into_inner().unwrap_or_default();
    list.sort_by_key(|(index, _)| *index);
    // Every restart of lower index than the winner ran to its end, whatever the timing; an
    // internal error is kept wherever it happened.
    let winner = winner.load(Ordering::SeqCst);
    list.retain(|(index, r)| *index <= winner || r.status == Status::InternalError);
    let restarts_run = list.len();
    // An internal error outranks everything: whatever else was found rests on the same graph.
    let chosen = list.iter().position(|(_, r)| r.status == Status::InternalError);
    let chosen = chosen.or_else(|| list.iter().position(|(_, r)| r.status == Status::Found)).or_else(|| {
        // No success: the best candidate, fewest violations then lowest loss.
        (0..list.len()).min_by(|&a, &b| {
            let (ra, rb) = (&list[a].1, &list[b].1);
            ra.violations.cmp(&rb.violations).then(ra.loss.total_cmp(&rb.loss))
        })
    });
    let total = list.iter().map(|(_, r)| r.steps).sum();
    let evaluations = list.iter().map(|(_, r)| r.evaluations).sum();
    let seconds = started.elapsed().as_secs_f64();
    let work =
        |steps: u64, restart: usize| Work { steps, total_steps: total, restart, restarts_run, evaluations, seconds };
    let Some(chosen) = chosen else {
        let status = if options.interrupt.load(Ordering::Relaxed) { Status::Interrupted } else { Status::Timeout };
        return SolveReport {
            outcome: Outcome::unfound(status, None),
            work: work(0, 0),
            trace: Vec::new(),
            cegis: None,
            max_violations: options.max_violations,
        };
    };
    let (restart, result) = list.swap_remove(chosen);
    let (status, conflict) = match result.status {
        Status::Found | Status::InternalError | Status::Impossible => (result.status, result.conflict),
        // Another restart's proof of impossibility holds for the whole run.
        _ => match list.iter().find(|(_, r)| r.status == Status::Impossible) {
            Some((_, proof)) => (Status::Impossible, proof.conflict.clone()),
            None => (result.status, None),
        },
    };
    let candidate = Candidate {
        assignment: result.assignment,
        reals: result.reals,
        violations: result.violations,
        loss: result.loss,
    };
    // A proof of impossibility has no candidate worth showing, whatever the back end; nor
    // has an exact back end that did not finish, nor a restart stopped before its first step.
    let shown = result.reports_candidates && candidate.violations != usize::MAX;
    let outcome = match (status, result.verified) {
        (Status::Found, Some(verified)) => {
            Outcome::Found { verified, optimality: Optimality::of(result.optimizing, result.optimal) }
        }
        (Status::Impossible, _) => Outcome::Impossible { conflict },
        // The candidate an internal error is about is shown whatever the back end.
        (Status::InternalError, _) => {
            Outcome::InternalError { candidate, what: result.internal_error.unwrap_or_default() }
        }
        (Status::GaveUp, _) => Outcome::GaveUp { best: shown.then_some(candidate), reason: result.gave_up },
        (status, _) => Outcome::unfound(status, shown.then_some(candidate)),
    };
    SolveReport {
        outcome,
        work: work(result.steps, restart),
        trace: result.trace,
        cegis: result.cegis,
        max_violations: options.max_violations,
    }
}

/// What the restarts of one run share.
pub(super) struct Shared<'a> {
    pub(super) deadline: Option<Instant>,
    /// The lowest index of a verified restart so far (`usize::MAX`: none).
    pub(super) winner: &'a AtomicUsize,
    /// Set when a restart met an internal error.
    pub(super) broken: &'a AtomicBool,
}

fn run_restart(
    graph: &Graph,
    tape: &Tape,
    options: &RunOptions,
    index: usize,
    shared: &Shared,
    verify: &Verify,
) -> RestartResult {
    let deadline = shared.deadline;
    let mut rng = Rng::seed_from_u64(restart_seed(options.seed, index));
    let mut problem = Problem::new(graph, tape.clone(), deadline, options.interrupt);
    problem.set_step_budget(options.max_steps);
    problem.set_max_violations(options.max_violations);
    let mut solver = (options.backend.make)(&options.options);
    if let Some(stage) = options.real_stage.as_ref().filter(|_| problem.num_reals() > 0) {
        solver = Box::new(Hybrid::new(solver, stage));
    }
    if let Some(mode) = options.cegis.filter(|_| !solver.is_exact()) {
        return super::cegis::run_restart(graph, tape, options, index, shared, verify, solver, mode);
    }
    solver.start(&mut problem, &mut rng);
    let budget = !solver.is_exact();
    let mut best = RestartResult::before_search(
        solver.reports_candidates(),
        solver.candidate().to_vec(),
        problem.reals().to_vec(),
    );
    // The last candidate checked; the buffer is reused so that the loop does not allocate per
    // step.
    let mut last_checked: Vec<u32> = Vec::with_capacity(best.assignment.len());
    let mut checked_any = false;
    let mut last = (f64::INFINITY, usize::MAX);
    let mut steps = 0u64;
    let status = loop {
        if let Some(status) = stop_reason(options, shared, index, steps, budget) {
            break status;
        }
        let outcome = solver.step(&mut problem, &mut rng);
        steps += 1;
        if let Some(progress) = options.progress {
            progress.steps.fetch_add(1, Ordering::Relaxed);
        }
        let candidate = solver.candidate();
        // Real params move at every step, so a candidate with reals is checked every time.
        if !checked_any || last_checked.as_slice() != candidate || problem.num_reals() > 0 {
            // The float loss only matters for a candidate that may be the best so far (or for
            // the trace).
            let bound = if options.trace { usize::MAX } else { best.violations };
            last = problem.check_unless_worse(candidate, bound);
            last_checked.clear();
            last_checked.extend_from_slice(candidate);
            checked_any = true;
        }
        let (loss, violations) = last;
        if options.trace && (index == 0 || options.restarts > 1) {
            best.trace.push(TracePoint {
                step: steps,
                loss,
                violations,
                candidate: candidate.to_vec(),
                confidence: solver.soft_values().map(|soft| confidence(&problem, soft, candidate)),
            });
        }
        let better = violations.cmp(&best.violations).then(loss.total_cmp(&best.loss)).is_lt();
        if better || best.violations == usize::MAX {
            best.violations = violations;
            if let Some(progress) = options.progress {
                progress.best_violations.fetch_min(violations, Ordering::Relaxed);
            }
            best.loss = loss;
            best.assignment.clear();
            best.assignment.extend_from_slice(candidate);
            best.reals.clear();
            best.reals.extend_from_slice(problem.reals());
            best.steps = steps;
        }
        if let Some(detail) = solver.internal_error() {
            best.internal_error = Some(format!("{detail} (`{}`, restart {})", options.backend.name, index + 1));
            break Status::InternalError;
        }
        // The graph says every observation holds (or, with `--max-violations`, that few enough
        // examples fail); only the exact interpreter decides. The two must agree at every
        // one-hot point, so a rejection here is a bug in tpt, and an exact back end must not
        // go on to call the space exhausted.
        let accepted = violations == 0
            || (options.max_violations > 0 && problem.failing_examples(candidate).len() <= options.max_violations);
        if accepted && solver.settled() {
            let status = best.accept(candidate, problem.reals(), loss, steps, verify, options.backend.name, index);
            best.optimal = status == Status::Found && problem.optimizing() && solver.proven_optimal();
            break status;
        }
        match outcome {
            StepOutcome::Continue => {}
            StepOutcome::Exhausted => {
                best.conflict = solver.conflict();
                break Status::Impossible;
            }
            StepOutcome::Finished => {
                best.gave_up = solver.gave_up();
                break Status::GaveUp;
            }
            StepOutcome::BudgetSpent => break Status::StepBudget,
        }
    };
    // An exact back end that optimizes and had to stop holds its best answer so far: it is
    // reported as found (not proven best) once the interpreter confirms it.
    let mut status = status;
    if matches!(status, Status::Timeout | Status::Interrupted | Status::StepBudget)
        && !solver.settled()
        && problem.optimizing()
    {
        let candidate = solver.candidate().to_vec();
        let failing = problem.failing_examples(&candidate).len();
        if failing <= options.max_violations {
            if let Some(verified) = verify(&candidate, problem.reals()) {
                best.assignment = candidate;
                best.violations = 0;
                best.verified = Some(verified);
                status = Status::Found;
            }
        }
    }
    if status == Status::Found && !solver.is_exact() {
        descend_objective(graph, &mut problem, &mut best, options.max_violations, verify);
    }
    if status != Status::Found {
        best.steps = steps;
    }
    if let Some(work) = solver.work_steps() {
        best.steps = work;
    }
    best.status = status;
    best.optimizing = problem.optimizing();
    best.evaluations = problem.evaluations();
    best
}

/// A back end that only improves a candidate found it without regard to the objective: a
/// descent on the objective that keeps the examples holding makes it smaller.
pub(super) fn descend_objective(
    graph: &Graph,
    problem: &mut Problem,
    best: &mut RestartResult,
    max_violations: usize,
    verify: &Verify,
) {
    if graph.objective.is_empty() {
        return;
    }
    if let Some(verified) = &best.verified {
        let improved = super::optimize::descend(problem, verified.assignment(), max_violations);
        if improved.as_slice() != verified.assignment() {
            // The reals stay where the search left them: the descent moves finite params
            // only, and the objective reads no real.
            if let Some(better) = verify(&improved, problem.reals()) {
                best.assignment = improved;
                best.verified = Some(better);
            }
        }
    }
}

pub(super) fn confidence(problem: &Problem, soft: &[f64], candidate: &[u32]) -> Vec<f32> {
    problem
        .offsets()
        .iter()
        .zip(candidate)
        .map(|(&(offset, _), &value)| soft.get(offset + value as usize).copied().unwrap_or(0.0) as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::graph_of;
    use crate::{always_admissible, Capabilities, Cegis, Reals, Solver};
    use tpt_core::limits::Limits;

    /// An exact back end whose encoding disagrees with the graph at its first step.
    struct Disagreeing(Vec<u32>);

    impl Solver for Disagreeing {
        fn start(&mut self, problem: &mut Problem, _: &mut Rng) {
            self.0 = vec![0; problem.num_params()];
        }
        fn step(&mut self, _: &mut Problem, _: &mut Rng) -> StepOutcome {
            StepOutcome::Continue
        }
        fn candidate(&self) -> &[u32] {
            &self.0
        }
        fn is_exact(&self) -> bool {
            true
        }
        fn settled(&self) -> bool {
            false
        }
        fn internal_error(&self) -> Option<String> {
            Some("the encoding and the graph disagree".to_string())
        }
    }

    static DISAGREEING: BackendInfo = BackendInfo {
        name: "disagreeing",
        summary: "",
        options: &[],
        defaults: Options::default,
        make: |_| Box::new(Disagreeing(Vec::new())),
        admissible: always_admissible,
        capabilities: Capabilities { exact: true, optimizes: false, reals: Reals::Refused, cegis: Cegis::Unsupported },
    };

    /// A back end that reports a disagreement ends the run as an internal error at once,
    /// whatever it would do next (an exact back end is not held to `--max-steps`: this one
    /// would step forever).
    #[test]
    fn a_disagreement_the_back_end_reports_is_an_internal_error() {
        let graph = graph_of("param p: 2;\ninput x: 2;\noutput y: 2;\ny = p;\nexample { x = 0; y = 1; }\n");
        let tape = Tape::new(&graph, &Limits::default()).expect("fits");
        let interrupt = AtomicBool::new(false);
        let options = RunOptions {
            backend: &DISAGREEING,
            options: Options::default(),
            max_steps: 10,
            timeout: None,
            restarts: 1,
            seed: 0,
            interrupt: &interrupt,
            trace: false,
            progress: None,
            max_violations: 0,
            real_stage: None,
            cegis: None,
        };
        let report = solve(&graph, &tape, &options, &|_: &[u32], _: &[f64]| None);
        assert_eq!((report.status(), report.work.steps), (Status::InternalError, 1));
        let detail = report.outcome.internal_error().unwrap_or_default();
        assert!(detail.starts_with("the encoding and the graph disagree (`disagreeing`, restart 1)"), "{detail}");
    }
}
