//! Logits -> relaxed params and their gradient: the pieces the continuous-relaxation back
//! ends (`fmgd`, `temp-softmax`, `gumbel`, `neural`) share. A param of domain `d` is relaxed
//! to a point of the simplex, `p = softmax((z + noise) / T)` of free logits `z`; the loss is
//! the tape's loss at `p`, optionally plus a penalty pushing every `p` toward one-hot; the
//! logits are trained with Adam.
//!
//! The one-hot penalty is the Gini impurity, `weight * sum_j p_j (1 - p_j)` per param: it is
//! zero exactly at the vertices of the simplex and largest at its centre, like the entropy,
//! but its gradient `weight * (1 - 2 p_j)` stays bounded near the vertices, where the
//! entropy's `-ln p_j - 1` diverges and would swamp the loss's own gradient.

use rand::RngExt;

use super::{argmax_random, Problem, Rng, Solver, StepOutcome};

/// Adam (Kingma and Ba) over one flat vector of free variables, with buffers allocated once.
pub(super) struct Adam {
    rate: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    /// beta1^t and beta2^t, for the bias correction.
    power1: f64,
    power2: f64,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const ADAM_EPSILON: f64 = 1e-8;

impl Adam {
    pub(super) fn new(rate: f64) -> Self {
        Adam { rate, m: Vec::new(), v: Vec::new(), power1: 1.0, power2: 1.0 }
    }

    /// Forget the moments and size them for `n` variables (allocates; call from `start`).
    pub(super) fn reset(&mut self, n: usize) {
        self.m = vec![0.0; n];
        self.v = vec![0.0; n];
        self.power1 = 1.0;
        self.power2 = 1.0;
    }

    /// One descent step of `x` along the gradient `grad`.
    pub(super) fn step(&mut self, x: &mut [f64], grad: &[f64]) {
        self.power1 *= BETA1;
        self.power2 *= BETA2;
        let (c1, c2) = (1.0 - self.power1, 1.0 - self.power2);
        for (((x, &g), m), v) in x.iter_mut().zip(grad).zip(&mut self.m).zip(&mut self.v) {
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            *x -= self.rate * (*m / c1) / ((*v / c2).sqrt() + ADAM_EPSILON);
        }
    }
}

/// A standard normal sample (Box-Muller; rand's distributions crate is not a dependency).
pub(super) fn normal(rng: &mut Rng) -> f64 {
    // `1 - u` lies in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A standard Gumbel sample.
pub(super) fn gumbel(rng: &mut Rng) -> f64 {
    // Keep u inside (0, 1) so that both logarithms are finite.
    let u = rng.random::<f64>().clamp(1e-12, 1.0 - 1e-12);
    -(-u.ln()).ln()
}

/// `p = softmax((logits + noise) / t)` for every param's segment (`noise` empty: none).
pub(super) fn softmax(offsets: &[(usize, usize)], logits: &[f64], noise: &[f64], t: f64, p: &mut [f64]) {
    for &(offset, domain) in offsets {
        let range = offset..offset + domain;
        let shifted = |j: usize| (logits[j] + noise.get(j).copied().unwrap_or(0.0)) / t;
        // Subtracting the largest exponent keeps every exp() in (0, 1].
        let top = range.clone().map(shifted).fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for j in range.clone() {
            p[j] = (shifted(j) - top).exp();
            total += p[j];
        }
        for value in &mut p[range] {
            *value /= total;
        }
    }
}

/// The chain rule through the softmax with temperature:
/// `dL/dz_j = p_j (g_j - sum_k p_k g_k) / t`, where `g = dL/dp`.
pub(super) fn softmax_backward(offsets: &[(usize, usize)], p: &[f64], grad_p: &[f64], t: f64, grad_z: &mut [f64]) {
    for &(offset, domain) in offsets {
        let range = offset..offset + domain;
        let mean: f64 = range.clone().map(|j| p[j] * grad_p[j]).sum();
        for j in range {
            grad_z[j] = p[j] * (grad_p[j] - mean) / t;
        }
    }
}

/// Add the one-hot penalty `weight * sum_j p_j (1 - p_j)` to the gradient `grad_p`; returns
/// its value.
pub(super) fn add_penalty(p: &[f64], weight: f64, grad_p: &mut [f64]) -> f64 {
    if weight == 0.0 {
        return 0.0;
    }
    let mut value = 0.0;
    for (&p, g) in p.iter().zip(grad_p) {
        value += weight * p * (1.0 - p);
        *g += weight * (1.0 - 2.0 * p);
    }
    value
}

/// The argmax of every param's segment of `scores`, ties broken at random.
pub(super) fn argmax_each(offsets: &[(usize, usize)], scores: &[f64], rng: &mut Rng, x: &mut [u32]) {
    for (slot, &(offset, domain)) in x.iter_mut().zip(offsets) {
        *slot = argmax_random(&scores[offset..offset + domain], rng) as u32;
    }
}

/// A temperature that moves from `start` to `end` over `steps` steps, then stays at `end`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Schedule {
    pub start: f64,
    pub end: f64,
    pub steps: f64,
    /// Linear interpolation instead of geometric.
    pub linear: bool,
}

impl Schedule {
    pub(super) const CONSTANT: Schedule = Schedule { start: 1.0, end: 1.0, steps: 0.0, linear: false };

    /// The temperature at step `step` (0-based). Temperatures are kept positive.
    pub(super) fn at(&self, step: u64) -> f64 {
        let (start, end) = (self.start.max(1e-3), self.end.max(1e-3));
        let f = if self.steps <= 0.0 { 1.0 } else { (step as f64 / self.steps).min(1.0) };
        if self.linear {
            start + (end - start) * f
        } else {
            start * (end / start).powf(f)
        }
    }
}

/// How a softmax relaxation behaves; each field is an `--opt` key of some back end.
#[derive(Clone, Copy, Debug)]
pub(super) struct Settings {
    pub rate: f64,
    /// Standard deviation of the initial logits.
    pub init: f64,
    /// Weight of the one-hot penalty (0: none).
    pub penalty: f64,
    pub temperature: Schedule,
    /// Add fresh Gumbel noise to the logits at every step (the Gumbel-softmax).
    pub gumbel: bool,
}

/// Gradient descent on the logits of a softmax relaxation: `fmgd` (constant temperature 1),
/// `temp-softmax` (annealed temperature) and `gumbel` (annealed temperature and noise), each
/// with or without the penalty.
pub(super) struct Relaxation {
    settings: Settings,
    offsets: Vec<(usize, usize)>,
    logits: Vec<f64>,
    noise: Vec<f64>,
    /// The point the loss is evaluated at (with noise, for the Gumbel-softmax).
    point: Vec<f64>,
    /// The noise-free distribution at the current logits, for traces.
    soft: Vec<f64>,
    grad_p: Vec<f64>,
    grad_z: Vec<f64>,
    adam: Adam,
    x: Vec<u32>,
    steps: u64,
}

impl Relaxation {
    pub(super) fn new(settings: Settings) -> Self {
        Relaxation {
            settings,
            offsets: Vec::new(),
            logits: Vec::new(),
            noise: Vec::new(),
            point: Vec::new(),
            soft: Vec::new(),
            grad_p: Vec::new(),
            grad_z: Vec::new(),
            adam: Adam::new(settings.rate),
            x: Vec::new(),
            steps: 0,
        }
    }
}

impl Solver for Relaxation {
    fn start(&mut self, problem: &mut Problem, rng: &mut Rng) {
        let n = problem.theta_len();
        self.offsets = problem.offsets().to_vec();
        self.logits = (0..n).map(|_| self.settings.init * normal(rng)).collect();
        self.noise = if self.settings.gumbel { vec![0.0; n] } else { Vec::new() };
        self.point = vec![0.0; n];
        self.soft = vec![0.0; n];
        self.grad_p = vec![0.0; n];
        self.grad_z = vec![0.0; n];
        self.adam.reset(n);
        self.x = vec![0; problem.num_params()];
        self.steps = 0;
        softmax(&self.offsets, &self.logits, &[], self.settings.temperature.at(0), &mut self.soft);
        argmax_each(&self.offsets, &self.logits, rng, &mut self.x);
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        let t = self.settings.temperature.at(self.steps);
        for g in &mut self.noise {
            *g = gumbel(rng);
        }
        softmax(&self.offsets, &self.logits, &self.noise, t, &mut self.point);
        problem.loss(&self.point, &[], Some(&mut self.grad_p));
        add_penalty(&self.point, self.settings.penalty, &mut self.grad_p);
        softmax_backward(&self.offsets, &self.point, &self.grad_p, t, &mut self.grad_z);
        self.adam.step(&mut self.logits, &self.grad_z);
        self.steps += 1;
        let next = self.settings.temperature.at(self.steps);
        softmax(&self.offsets, &self.logits, &[], next, &mut self.soft);
        // The argmax of the logits is the argmax of the distribution at any temperature.
        argmax_each(&self.offsets, &self.logits, rng, &mut self.x);
        StepOutcome::Continue
    }

    fn candidate(&self) -> &[u32] {
        &self.x
    }

    fn soft_values(&self) -> Option<&[f64]> {
        Some(&self.soft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analytic chain rule agrees with central differences of `L(p) = sum_j c_j p_j`
    /// plus the penalty, at a temperature other than 1.
    #[test]
    fn softmax_chain_rule_matches_finite_differences() {
        let offsets = [(0, 3), (3, 2)];
        let logits = [0.3, -1.2, 0.8, 0.1, 0.5];
        let c = [1.0, -2.0, 0.5, 3.0, -1.0];
        let (t, weight) = (0.7, 0.4);
        let loss = |z: &[f64]| {
            let mut p = [0.0; 5];
            softmax(&offsets, z, &[], t, &mut p);
            let mut scratch = [0.0; 5];
            p.iter().zip(&c).map(|(p, c)| p * c).sum::<f64>() + add_penalty(&p, weight, &mut scratch)
        };
        let mut p = [0.0; 5];
        softmax(&offsets, &logits, &[], t, &mut p);
        let mut grad_p = c;
        add_penalty(&p, weight, &mut grad_p);
        let mut grad_z = [0.0; 5];
        softmax_backward(&offsets, &p, &grad_p, t, &mut grad_z);
        for j in 0..5 {
            let (mut up, mut down) = (logits, logits);
            up[j] += 1e-6;
            down[j] -= 1e-6;
            let numeric = (loss(&up) - loss(&down)) / 2e-6;
            assert!((numeric - grad_z[j]).abs() < 1e-6, "logit {j}: numeric {numeric}, analytic {}", grad_z[j]);
        }
    }

    #[test]
    fn schedule_reaches_its_end_and_stays() {
        let s = Schedule { start: 2.0, end: 0.5, steps: 100.0, linear: false };
        assert!((s.at(0) - 2.0).abs() < 1e-12);
        assert!((s.at(50) - 1.0).abs() < 1e-12);
        assert!((s.at(100) - 0.5).abs() < 1e-12);
        assert!((s.at(1000) - 0.5).abs() < 1e-12);
        let l = Schedule { linear: true, ..s };
        assert!((l.at(50) - 1.25).abs() < 1e-12);
    }
}
