//! `local-search`: gradient-free discrete local search, the method GradSearch approximates.
//! Each step evaluates the exact loss of every Hamming-1 neighbour of the current assignment
//! (one forward pass each) and moves to the best one, scored by violated observations and then
//! by loss, ties broken at random; like algorithm 1 of the paper (and GSAT) it moves even when
//! the best neighbour is no better. With probability `epsilon` it makes a uniformly random
//! Hamming-1 move instead. A step costs `sum (domain - 1)` forward passes where GradSearch's
//! costs one forward and one backward pass. Defaults and measurements: docs/backends.md.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::{
    always_admissible, random_assignment, BackendInfo, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome,
};
use crate::Capabilities;

struct LocalSearch {
    epsilon: f64,
    offsets: Vec<(usize, usize)>,
    /// Params with more than one value: the only ones a move can change.
    movable: Vec<usize>,
    x: Vec<u32>,
}

/// `a` scores better than `b`: fewer violations, then a lower loss (beyond rounding noise,
/// since at a one-hot point the loss is a sum of per-observation terms in varying order).
fn better(a: (usize, f64), b: (usize, f64)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1 - 1e-9 * b.1.abs().max(1.0))
}

fn tied(a: (usize, f64), b: (usize, f64)) -> bool {
    !better(a, b) && !better(b, a)
}

impl LocalSearch {
    /// The best Hamming-1 neighbour (param, value), ties broken uniformly at random.
    fn best_neighbour(&mut self, problem: &mut Problem, rng: &mut Rng) -> Option<(usize, u32)> {
        let mut best: Option<(usize, u32, (usize, f64))> = None;
        let mut ties = 0u32;
        problem.violations_at(&self.x);
        for &i in &self.movable {
            let current = self.x[i];
            for value in 0..self.offsets[i].1 as u32 {
                if value == current {
                    continue;
                }
                // The integer evaluator rules out moves with more violations than the best so
                // far; only the others need the float loss (the same choices, fewer passes).
                let violations = problem.violations_after_move(i, value);
                if best.is_some_and(|(_, _, b)| violations > b.0) {
                    continue;
                }
                self.x[i] = value;
                let (loss, _) = problem.check(&self.x);
                let score = (violations, loss);
                match best {
                    Some((_, _, b)) if better(b, score) => {}
                    Some((_, _, b)) if tied(b, score) => {
                        // Reservoir sampling: each of the tied moves is kept with equal chance.
                        ties += 1;
                        if rng.random_range(0..=ties) == 0 {
                            best = Some((i, value, score));
                        }
                    }
                    _ => {
                        best = Some((i, value, score));
                        ties = 0;
                    }
                }
            }
            self.x[i] = current;
        }
        best.map(|(i, value, _)| (i, value))
    }
}

impl Solver for LocalSearch {
    fn start(&mut self, problem: &mut Problem, rng: &mut Rng) {
        self.offsets = problem.offsets().to_vec();
        self.movable = (0..self.offsets.len()).filter(|&i| self.offsets[i].1 > 1).collect();
        self.x = random_assignment(&problem.domains, rng);
    }

    /// The search keeps no state beyond the point and the params' shapes, which do not
    /// depend on the examples: it goes on from `assignment`.
    fn resume(&mut self, problem: &mut Problem, rng: &mut Rng, assignment: &[u32]) {
        if self.x.len() != assignment.len() {
            self.start(problem, rng);
        }
        self.x.copy_from_slice(assignment);
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        if self.movable.is_empty() {
            return StepOutcome::Finished;
        }
        if self.epsilon > 0.0 && rng.random_bool(self.epsilon) {
            let i = self.movable[rng.random_range(0..self.movable.len())];
            let domain = self.offsets[i].1 as u32;
            self.x[i] = (self.x[i] + rng.random_range(1..domain)) % domain;
            return StepOutcome::Continue;
        }
        if let Some((i, value)) = self.best_neighbour(problem, rng) {
            self.x[i] = value;
        }
        StepOutcome::Continue
    }

    fn candidate(&self) -> &[u32] {
        &self.x
    }
}

const OPTIONS: &[OptionInfo] = &[OptionInfo {
    key: "epsilon",
    kind: Kind::PROBABILITY,
    help: "probability of a random Hamming-1 move instead of the best one",
}];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LocalSearchParams {
    epsilon: f64,
}

impl Default for LocalSearchParams {
    fn default() -> Self {
        LocalSearchParams { epsilon: 0.05 }
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    let params: LocalSearchParams = options.decode();
    Box::new(LocalSearch { epsilon: params.epsilon, offsets: Vec::new(), movable: Vec::new(), x: Vec::new() })
}

pub static BACKENDS: [BackendInfo; 1] = [BackendInfo {
    name: "local-search",
    summary: "gradient-free local search: the exactly best Hamming-1 move each step, with random moves",
    options: OPTIONS,
    defaults: || Options::of(&LocalSearchParams::default()),
    make,
    admissible: always_admissible,
    capabilities: Capabilities::SEARCH,
}];
