//! `exhaustive`: enumerates every assignment of the params in odometer order (the last param
//! varies fastest), counting each one's violated observations with the integer one-hot
//! evaluator (`tape/onehot.rs`). Each step covers a chunk, so that the run loop can honour
//! `--timeout` and interrupts between chunks. An assignment that violates no observation
//! becomes the candidate at once, for the run loop to verify (a rejection there is an
//! internal error that ends the run); when the enumeration wraps around, the space is covered
//! and the step reports `Exhausted`: no assignment satisfies the examples, and the bundled SAT
//! solver names examples that cannot hold together. Spaces larger than `limit` assignments
//! are refused before the run starts.
//!
//! When the problem optimizes (`minimize`, `--max-violations`) the enumeration goes on to the
//! end, keeping the assignment with the fewest failing examples (within the allowance) and
//! then the lowest objective, the first in odometer order among equals; covering the space is
//! the proof that it is best.

use serde::{Deserialize, Serialize};

use super::{BackendInfo, ExactBackend, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome};
use crate::{Capabilities, Cegis, Reals};
use tpt_graph::graph::Graph;
use tpt_source::diagnostics::{Setting, Text};

struct Exhaustive {
    chunk: u64,
    domains: Vec<u32>,
    /// The next assignment to evaluate.
    next: Vec<u32>,
    candidate: Vec<u32>,
    /// Violations and loss of `candidate`.
    score: (usize, f64),
    exhausted: bool,
    conflict: Option<Vec<usize>>,
    /// When optimizing: failing examples and objective of the best assignment so far (which
    /// is then `candidate`).
    optimum: Option<(usize, i64)>,
    optimizing: bool,
}

/// Move `x` to the next assignment in odometer order; false when it wrapped back to zero.
fn advance(x: &mut [u32], domains: &[u32]) -> bool {
    for (digit, &domain) in x.iter_mut().zip(domains).rev() {
        *digit += 1;
        if *digit < domain {
            return true;
        }
        *digit = 0;
    }
    false
}

/// How often, in assignments, a chunk polls for a timeout or an interrupt: often enough that a
/// slow forward pass cannot delay the stop by much, rarely enough that polling costs nothing.
const POLL_EVERY: u64 = 64;

impl ExactBackend for Exhaustive {
    fn start(&mut self, problem: &mut Problem, _rng: &mut Rng) {
        self.domains = problem.domains.clone();
        self.next = vec![0; self.domains.len()];
        self.candidate = vec![0; self.domains.len()];
        self.score = (usize::MAX, f64::INFINITY);
        self.exhausted = false;
        self.optimum = None;
        self.optimizing = problem.optimizing();
    }

    fn step(&mut self, problem: &mut Problem, _rng: &mut Rng) -> StepOutcome {
        if self.exhausted {
            return if self.optimum.is_some() { StepOutcome::Finished } else { StepOutcome::Exhausted };
        }
        if problem.optimizing() {
            return self.optimize(problem);
        }
        for n in 0..self.chunk {
            if n % POLL_EVERY == POLL_EVERY - 1 && problem.should_stop() {
                break;
            }
            // The float loss only ranks candidates that tie or beat the best so far.
            let (loss, violations) = problem.check_unless_worse(&self.next, self.score.0);
            let hit = violations == 0;
            if hit || (violations, loss) < self.score {
                self.candidate.copy_from_slice(&self.next);
                self.score = (violations, loss);
            }
            if !advance(&mut self.next, &self.domains) {
                self.exhausted = true;
                if !hit {
                    self.conflict = super::sat_engine::conflicting_examples(problem.graph, problem.stop_condition());
                }
                return StepOutcome::Exhausted;
            }
            if hit {
                break;
            }
        }
        StepOutcome::Continue
    }

    fn answer(&self) -> (&[u32], Option<&[usize]>) {
        (&self.candidate, self.conflict.as_deref())
    }

    fn settled(&self) -> bool {
        !self.optimizing || self.exhausted
    }

    fn proven_optimal(&self) -> bool {
        self.exhausted
    }
}

impl Exhaustive {
    /// One chunk of the enumeration of an optimizing problem.
    fn optimize(&mut self, problem: &mut Problem) -> StepOutcome {
        let allowance = problem.max_violations();
        for n in 0..self.chunk {
            if n % POLL_EVERY == POLL_EVERY - 1 && problem.should_stop() {
                break;
            }
            let failing = match problem.violations_at(&self.next) {
                0 => 0,
                _ if allowance > 0 => problem.failing_examples(&self.next).len(),
                _ => usize::MAX,
            };
            if failing <= allowance {
                let score = (failing, problem.graph.objective_at(&self.next));
                if self.optimum.is_none_or(|best| score < best) {
                    self.optimum = Some(score);
                    self.candidate.copy_from_slice(&self.next);
                }
            }
            if !advance(&mut self.next, &self.domains) {
                self.exhausted = true;
                if self.optimum.is_some() {
                    return StepOutcome::Finished;
                }
                if allowance == 0 {
                    self.conflict = super::sat_engine::conflicting_examples(problem.graph, problem.stop_condition());
                }
                return StepOutcome::Exhausted;
            }
        }
        StepOutcome::Continue
    }
}

/// The number of assignments of the graph's params, or None when it exceeds `u128`.
fn space_size(graph: &Graph) -> Option<u128> {
    graph.params.iter().try_fold(1u128, |size, p| size.checked_mul(p.domain as u128))
}

fn admissible(graph: &Graph, options: &Options) -> Result<(), Text> {
    let limit = options.decode::<ExhaustiveParams>().limit;
    let bits: f64 = graph.params.iter().map(|p| (p.domain as f64).log2()).sum();
    let size = space_size(graph);
    if size.is_some_and(|s| (s as f64) <= limit) {
        return Ok(());
    }
    let size = size.map_or_else(|| "more than 2^128".to_string(), |s| s.to_string());
    Err(Text::from(format!(
        "the search space has {size} assignments (about 2^{bits:.1}), more than the limit of {limit} \
         that `exhaustive` enumerates; raise it with "
    )) + Setting::BackendOption { key: "limit".to_string() }.placeholder("N")
        + " or choose another back end")
}

const OPTIONS: &[OptionInfo] = &[
    OptionInfo {
        key: "limit",
        // A number rather than an integer, so that spaces beyond 2^63 can be allowed (1e30).
        kind: Kind::at_least(0.0),
        help: "largest number of assignments the back end agrees to enumerate",
    },
    OptionInfo {
        key: "chunk",
        kind: Kind::integer_from(1),
        help: "assignments evaluated per step (between checks of the time limit)",
    },
];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExhaustiveParams {
    limit: f64,
    chunk: u64,
}

impl Default for ExhaustiveParams {
    fn default() -> Self {
        ExhaustiveParams { limit: 1e8, chunk: 1000 }
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(Exhaustive {
        chunk: options.decode::<ExhaustiveParams>().chunk,
        domains: Vec::new(),
        next: Vec::new(),
        candidate: Vec::new(),
        score: (usize::MAX, f64::INFINITY),
        exhausted: false,
        conflict: None,
        optimum: None,
        optimizing: false,
    })
}

pub static BACKENDS: [BackendInfo; 1] = [BackendInfo {
    name: "exhaustive",
    summary: "enumerates every assignment: finds a solution or proves there is none (small spaces only)",
    options: OPTIONS,
    defaults: || Options::of(&ExhaustiveParams::default()),
    make,
    admissible,
    capabilities: Capabilities { exact: true, optimizes: true, reals: Reals::Refused, cegis: Cegis::Unsupported },
}];

#[cfg(test)]
mod tests {
    use super::advance;

    #[test]
    fn odometer_visits_every_assignment_once() {
        let domains = [2, 3, 1, 2];
        let mut x = [0; 4];
        let mut seen = std::collections::BTreeSet::new();
        loop {
            assert!(seen.insert(x), "{x:?} visited twice");
            if !advance(&mut x, &domains) {
                break;
            }
        }
        assert_eq!(seen.len(), 12);
        assert_eq!(x, [0; 4]);
        assert!(!advance(&mut [], &[]), "the empty assignment is the whole space");
    }
}
