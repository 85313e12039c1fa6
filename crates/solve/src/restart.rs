//! What the restarts of a run share, and what a restart is made of, whether it searches on
//! every example (`run.rs`) or counterexample-guided (`cegis.rs`): the run's settings, why a
//! restart stops, its result and the exact check that alone makes a candidate found, the
//! objective's descent after a success. A module of its own so that the two loops use it
//! without using each other.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::hybrid::RealStage;
use super::outcome::{CegisSummary, Status, TracePoint};
use super::{BackendInfo, Options, Problem};
use tpt_core::verify::Verified;
use tpt_graph::graph::Graph;

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

/// Which of the examples a candidate fails join the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CegisMode {
    /// The failing example with the lowest index (one counterexample a round, as `sat` does).
    First,
    /// Every failing example.
    All,
    /// The back end's own choice (`--cegis` without a value): `sat` adds one counterexample
    /// at a time, the back ends that improve a candidate add every failing example, which
    /// measured better for `gradsearch-la` on the circuit tasks (BENCHMARKS.md).
    Default,
}

impl CegisMode {
    /// The mode a `--cegis` value names (`first`, `all`, `default`).
    pub fn parse(text: &str) -> Option<CegisMode> {
        match text {
            "first" => Some(CegisMode::First),
            "all" => Some(CegisMode::All),
            "default" => Some(CegisMode::Default),
            _ => None,
        }
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
