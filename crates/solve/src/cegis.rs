//! One restart of a back end that is not exact, run counterexample-guided (as Sketch and ABC's
//! exact synthesis do, and `sat --opt cegis=true`): the back end searches on a graph restricted
//! to a few examples (`Graph::restricted`, whose tape computes nothing for the others); when
//! its candidate violates no observation of those, the candidate is evaluated exactly on every
//! example, and the examples it fails join the search, which goes on from that candidate
//! (`Solver::resume`). Only a candidate that fails no example goes to the exact interpreter,
//! whose verdict alone makes it found.
//!
//! Steps of every round count against the one step budget; time, interrupts and the other
//! restarts' success stop a round as they stop a plain restart.

use std::sync::atomic::Ordering;

use rand::SeedableRng;

use super::hybrid::RealParams;
use super::outcome::{CegisSummary, Status, TracePoint};
use super::restart::{
    confidence, descend_objective, restart_seed, stop_reason, CegisMode, RestartResult, RunOptions, Shared,
};
use super::{Problem, Rng, Solver, StepOutcome, Verify};
use tpt_graph::graph::Graph;
use tpt_graph::tape::Tape;

/// The example the search starts on: the first, as `sat`'s counterexample-guided search does.
fn initial_examples(graph: &Graph) -> Vec<usize> {
    (0..graph.num_examples.min(1)).collect()
}

/// Run restart `index` of `solver` counterexample-guided; see the module comment.
#[allow(clippy::too_many_arguments)]
pub(super) fn run_restart(
    graph: &Graph,
    tape: &Tape,
    options: &RunOptions,
    index: usize,
    shared: &Shared,
    verify: &Verify,
    mut solver: Box<dyn Solver>,
    mut reals: Option<RealParams>,
    mode: CegisMode,
) -> RestartResult {
    let deadline = shared.deadline;
    let mut rng = Rng::seed_from_u64(restart_seed(options.seed, index));
    // Every example: the exact check of the candidates that hold on the active ones, and the
    // objective's descent after a success.
    let mut full = Problem::new(graph, tape.clone(), deadline, options.interrupt);
    full.set_step_budget(options.max_steps);
    let mut active = initial_examples(graph);
    let mut best = RestartResult::before_search(solver.reports_candidates(), Vec::new(), Vec::new());
    let mut steps = 0u64;
    let mut rounds = 0usize;
    let mut evaluations = 0u64;
    // The last candidate whose violations were counted, and the count: reused, so that the
    // loop does not allocate per step.
    let mut last_checked: Vec<u32> = Vec::new();
    let mut last_violations: Option<usize>;
    let status = loop {
        let restricted = graph.restricted(&active);
        let mut problem = Problem::new(&restricted, tape.restricted(&restricted), deadline, options.interrupt);
        problem.set_step_budget(options.max_steps);
        if rounds == 0 {
            if let Some(reals) = &mut reals {
                reals.start(&mut problem, &mut rng);
            }
            solver.start(&mut problem, &mut rng);
        } else {
            let from = solver.candidate().to_vec();
            // Real params go on from where the last round left them.
            problem.set_reals(full.reals());
            if let Some(reals) = &mut reals {
                if reals.resume(&mut problem, &mut rng) {
                    solver.start(&mut problem, &mut rng);
                }
            }
            solver.resume(&mut problem, &mut rng, &from);
        }
        rounds += 1;
        // Counts on the last round's examples say nothing about this round's.
        last_violations = None;
        let outcome = loop {
            if let Some(status) = stop_reason(options, shared, index, steps, true) {
                break Err(status);
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
            let violations = match last_violations {
                Some(violations) if last_checked.as_slice() == candidate && problem.num_reals() == 0 => violations,
                _ => {
                    let violations = problem.violations_at(candidate);
                    last_checked.clear();
                    last_checked.extend_from_slice(candidate);
                    last_violations = Some(violations);
                    violations
                }
            };
            if options.trace && (index == 0 || options.restarts > 1) {
                // The trace follows the search on the examples it has: loss and violations
                // are those of the active examples.
                let (loss, violations) = problem.check(candidate);
                best.trace.push(TracePoint {
                    step: steps,
                    loss,
                    violations,
                    candidate: candidate.to_vec(),
                    confidence: solver.soft_values().map(|soft| confidence(&problem, soft, candidate)),
                });
            }
            if violations == 0 {
                break Ok(());
            }
            match outcome {
                StepOutcome::Continue => {}
                // No assignment satisfies the active examples, so none satisfies them all.
                StepOutcome::Exhausted => {
                    let conflict = solver.conflict().map(|c| {
                        let mut examples: Vec<usize> = c.iter().map(|&e| active[e]).collect();
                        examples.sort_unstable();
                        examples
                    });
                    best.conflict = conflict;
                    break Err(Status::Impossible);
                }
                StepOutcome::Finished => break Err(Status::GaveUp),
                StepOutcome::BudgetSpent => break Err(Status::StepBudget),
            }
        };
        evaluations += problem.evaluations();
        full.set_reals(problem.reals());
        let candidate = solver.candidate().to_vec();
        // Every round ends with its candidate checked on every example: the best of these
        // (fewest violated observations, then lowest loss) is the restart's best candidate.
        let (loss, violations) = full.check(&candidate);
        let better = violations.cmp(&best.violations).then(loss.total_cmp(&best.loss)).is_lt();
        if better || best.violations == usize::MAX {
            if let Some(progress) = options.progress {
                progress.best_violations.fetch_min(violations, Ordering::Relaxed);
            }
            best.violations = violations;
            best.loss = loss;
            best.assignment.clone_from(&candidate);
            best.reals = full.reals().to_vec();
            best.steps = steps;
        }
        if let Err(status) = outcome {
            break status;
        }
        let failing = full.failing_examples(&candidate);
        if failing.is_empty() {
            break best.accept(&candidate, full.reals(), loss, steps, verify, options.backend.name, index);
        }
        // The candidate holds on every active example, so the failing ones are new.
        match mode {
            CegisMode::First => active.push(failing[0]),
            CegisMode::All | CegisMode::Default => active.extend(failing),
        }
    };
    if status == Status::Found {
        descend_objective(graph, &mut full, &mut best, options.max_violations, verify);
    } else {
        best.steps = steps;
    }
    best.status = status;
    best.optimizing = full.optimizing();
    best.evaluations = evaluations + full.evaluations();
    best.cegis = Some(CegisSummary { examples: active, rounds });
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::graph_of;
    use std::sync::atomic::AtomicBool;
    use tpt_core::limits::Limits;

    /// A problem restricted to examples 2 and 0 (in that order) sees those two only, numbered
    /// as listed, and computes the same verdicts on them as the whole problem.
    #[test]
    fn a_restricted_problem_sees_only_its_examples_in_their_order() {
        let source = "param p: 8;\ninput x: 8;\noutput y: 8;\ny = (x * p) % 8;\n\
                      example { x = 0; y = 0; }\nexample { x = 1; y = 5; }\nexample { x = 3; y = 7; }\n";
        let graph = graph_of(source);
        let tape = Tape::new(&graph, &Limits::default()).expect("fits");
        let stop = AtomicBool::new(false);
        let mut whole = Problem::new(&graph, tape.clone(), None, &stop);
        let restricted = graph.restricted(&[2, 0]);
        let mut part = Problem::new(&restricted, tape.restricted(&restricted), None, &stop);
        assert_eq!(part.num_examples(), 2);
        // p = 1 fails examples 1 and 2; of the restricted two, the first (example 2).
        assert_eq!(whole.failing_examples(&[1]), vec![1, 2]);
        assert_eq!(part.failing_examples(&[1]), vec![0]);
        assert_eq!(part.check(&[1]).1, 1);
        // p = 5 holds everywhere; the loss of the restricted problem is that of its examples.
        assert_eq!(part.failing_examples(&[5]), Vec::<usize>::new());
        let mut grad = vec![0.0; part.theta_len()];
        let loss = part.loss_at(&[3], &[], Some(&mut grad));
        whole.loss_at(&[3], &[], None);
        let expected = whole.example_loss()[2] + whole.example_loss()[0];
        assert!((loss - expected).abs() < 1e-9, "{loss} vs {expected}");
    }
}
