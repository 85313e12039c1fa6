//! The run loop: independent restarts (in parallel), each stepping one back end until the
//! candidate is verified, the step budget or the time runs out, or the user interrupts.
//! Results are deterministic for a seed: the verified restart with the lowest index wins,
//! and restarts with higher indices stop as soon as a lower one has won. A candidate that the
//! graph says violates nothing but the exact interpreter rejects is a bug in tpt (the lowering
//! or an encoding disagrees with the interpreter): it stops every restart and the run ends
//! with `Status::InternalError`, never with a result built on it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rand::SeedableRng;
use rayon::prelude::*;

use super::hybrid::RealParams;
use super::outcome::{Candidate, Optimality, Outcome, SolveReport, Status, TracePoint, Work};
use super::restart::{
    confidence, descend_objective, restart_seed, stop_reason, RestartResult, RunOptions, Shared, Verify,
};
use super::{Problem, Rng, StepOutcome};
use tpt_graph::graph::Graph;
use tpt_graph::tape::Tape;

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
    // On real params, the real-param stage runs after every step of the back end.
    let mut reals = options.real_stage.as_ref().filter(|_| problem.num_reals() > 0).map(RealParams::new);
    if let Some(mode) = options.cegis.filter(|_| !solver.is_exact()) {
        return super::cegis::run_restart(graph, tape, options, index, shared, verify, solver, reals, mode);
    }
    if let Some(reals) = &mut reals {
        reals.start(&mut problem, &mut rng);
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
        if let Some(reals) = &reals {
            reals.before_step(&mut problem);
        }
        let outcome = solver.step(&mut problem, &mut rng);
        let outcome = match &mut reals {
            Some(reals) => reals.after_step(&mut problem, solver.as_ref(), outcome),
            None => outcome,
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::graph_of;
    use crate::{always_admissible, BackendInfo, Capabilities, Cegis, Options, Reals, Solver};
    use std::sync::atomic::AtomicBool;
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
