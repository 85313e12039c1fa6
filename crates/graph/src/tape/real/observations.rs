//! Real observations at the tape's last forward pass -> their loss per example, their
//! violations, their residuals and the adjoints that seed the backward pass; and the
//! finiteness checks and divisors of reals that fail whatever the params.

use crate::graph::Graph;
use crate::tape::Tape;

/// (index, example) pairs.
type Pairs = Vec<(usize, usize)>;

/// The loss of a real observation whose value is not a finite number.
const POISONED_LOSS: f64 = 1e30;

/// The smallest scale of the loss of a real observation (for a tolerance of 0).
const LEAST_SCALE: f64 = 1e-9;

impl Tape {
    /// Add each example's loss on the real observations to `example_loss`.
    pub(in crate::tape) fn add_real_loss(&mut self) {
        for check in &self.real.checks {
            for (example, expected) in check.expected.iter().enumerate() {
                let Some(expected) = expected else { continue };
                let v = self.values[self.slice(check.node, example).start];
                self.example_loss[example] += if v.is_finite() {
                    let scaled = (v - expected.value) / expected.tolerance.max(LEAST_SCALE);
                    scaled * scaled
                } else {
                    POISONED_LOSS
                };
            }
        }
    }

    /// The real observations whose value is not within the tolerance (or not a number).
    pub(in crate::tape) fn real_violations(&self) -> usize {
        let mut count = 0;
        self.for_each_real_violation(|_| count += 1);
        count
    }

    /// Add each example's violated real observations to `counts` (one entry per example).
    pub(in crate::tape) fn count_real_violations(&self, counts: &mut [usize]) {
        self.for_each_real_violation(|example| counts[example] += 1);
    }

    /// Call `violated(example)` for each (real observation, example) pair whose value is not
    /// within the tolerance (or not a number).
    fn for_each_real_violation(&self, mut violated: impl FnMut(usize)) {
        for check in &self.real.checks {
            for (example, expected) in check.expected.iter().enumerate() {
                if let Some(expected) = expected {
                    if !expected.matches(self.values[self.slice(check.node, example).start]) {
                        violated(example);
                    }
                }
            }
        }
    }

    /// After a forward pass: the residual of every real observation in every example that
    /// observes it, `(v - e) / t` (as in the loss; NaN when the value is not a number), in a
    /// fixed order. The observation holds when its residual is at most 1 in size.
    pub fn real_residuals(&self, out: &mut Vec<f64>) {
        out.clear();
        for check in &self.real.checks {
            for (example, expected) in check.expected.iter().enumerate() {
                if let Some(expected) = expected {
                    let v = self.values[self.slice(check.node, example).start];
                    out.push(if v.is_finite() {
                        (v - expected.value) / expected.tolerance.max(LEAST_SCALE)
                    } else {
                        f64::NAN
                    });
                }
            }
        }
    }

    /// The finiteness checks of reals (`Target::Finite` observations) that fail whatever the
    /// params, as (observation index, example) pairs: those whose node depends on no param
    /// and is 0 in an example. Evaluated exactly at an arbitrary point, which such a node
    /// does not depend on.
    pub fn finite_checks_failing_regardless(&mut self, graph: &Graph) -> Vec<(usize, usize)> {
        self.failing_regardless(graph).0
    }

    /// The real divisors of `graph.real_divisors` (by index) that are 0 in an example
    /// whatever the params, as (divisor index, example) pairs.
    pub fn divisors_zero_regardless(&mut self, graph: &Graph) -> Vec<(usize, usize)> {
        self.failing_regardless(graph).1
    }

    /// Both lists: (failing finiteness checks, zero divisors).
    fn failing_regardless(&mut self, graph: &Graph) -> (Pairs, Pairs) {
        let dependents = graph.param_dependents();
        let fixed: Vec<usize> = (0..graph.observations.len())
            .filter(|&o| {
                let observation = &graph.observations[o];
                observation.target == crate::graph::Target::Finite && !dependents[observation.node]
            })
            .collect();
        // A divisor that is not live has no value in the tape (nothing observed reads it).
        let divisors: Vec<usize> = (0..graph.real_divisors.len())
            .filter(|&d| {
                let node = graph.real_divisors[d].0;
                !dependents[node] && self.op_position[node] != u32::MAX
            })
            .collect();
        if fixed.is_empty() && divisors.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let mut theta = vec![0.0; self.theta_len()];
        for &(offset, _) in self.param_offsets() {
            theta[offset] = 1.0;
        }
        self.set_exact(true);
        self.forward(&theta, &[]);
        self.set_exact(false);
        let mut failing = Vec::new();
        for o in fixed {
            let node = graph.observations[o].node;
            for example in 0..graph.num_examples {
                let values = &self.values[self.slice(node, example)];
                if values.get(1).copied().unwrap_or(0.0) < 0.5 {
                    failing.push((o, example));
                }
            }
        }
        let mut zero = Vec::new();
        for d in divisors {
            let node = graph.real_divisors[d].0;
            for example in 0..graph.num_examples {
                if self.values[self.slice(node, example).start] == 0.0 {
                    zero.push((d, example));
                }
            }
        }
        (failing, zero)
    }

    pub(in crate::tape) fn seed_real_adjoints(&mut self, weights: &[f64]) {
        self.real.grad.fill(0.0);
        for check in &self.real.checks {
            if !self.layout[check.node].needs_grad {
                continue;
            }
            for (example, expected) in check.expected.iter().enumerate() {
                let Some(expected) = expected else { continue };
                let at = self.slice(check.node, example).start;
                let v = self.values[at];
                if !v.is_finite() {
                    continue;
                }
                let scale = expected.tolerance.max(LEAST_SCALE);
                let weight = weights.get(example).copied().unwrap_or(1.0);
                self.adjoints[at] += weight * 2.0 * (v - expected.value) / (scale * scale);
            }
        }
    }
}
