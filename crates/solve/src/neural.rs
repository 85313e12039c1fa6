//! `neural`: neural reparameterization (the paper's last relaxation baseline, after Hoyer et
//! al. 2019). The logits of every param are the output of a small network with one hidden
//! tanh layer, `z = W2 tanh(W1 r + b1) + b2`, applied to a fixed random input `r` drawn at the
//! start; each param is `softmax(z)` of its segment, and Adam trains the network's weights
//! instead of the logits. The network couples the params, so that one update moves them all
//! along the directions the hidden layer spans. The candidate is the argmax of the logits.
//! Defaults and the measurements behind them: docs/backends.md.

use serde::{Deserialize, Serialize};

use super::fmgd::INIT;
use super::relax::{argmax_each, normal, softmax, softmax_backward, Adam};
use super::{always_admissible, BackendInfo, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome};
use crate::Capabilities;

/// Where each block of weights lives in the one flat vector Adam trains.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    /// Width of the fixed input and of the hidden layer.
    hidden: usize,
    /// Number of logits (the length of theta).
    outputs: usize,
}

impl Shape {
    fn w1(&self) -> std::ops::Range<usize> {
        0..self.hidden * self.hidden
    }
    fn b1(&self) -> std::ops::Range<usize> {
        let at = self.hidden * self.hidden;
        at..at + self.hidden
    }
    fn w2(&self) -> std::ops::Range<usize> {
        let at = self.b1().end;
        at..at + self.outputs * self.hidden
    }
    fn b2(&self) -> std::ops::Range<usize> {
        let at = self.w2().end;
        at..at + self.outputs
    }
    fn len(&self) -> usize {
        self.b2().end
    }
}

struct Neural {
    init: f64,
    shape: Shape,
    offsets: Vec<(usize, usize)>,
    input: Vec<f64>,
    weights: Vec<f64>,
    grad_w: Vec<f64>,
    hidden: Vec<f64>,
    grad_h: Vec<f64>,
    logits: Vec<f64>,
    p: Vec<f64>,
    grad_p: Vec<f64>,
    grad_z: Vec<f64>,
    adam: Adam,
    x: Vec<u32>,
}

impl Neural {
    fn new(params: &NeuralParams) -> Self {
        let hidden = params.hidden;
        Neural {
            init: params.init,
            shape: Shape { hidden, outputs: 0 },
            offsets: Vec::new(),
            input: Vec::new(),
            weights: Vec::new(),
            grad_w: Vec::new(),
            hidden: Vec::new(),
            grad_h: Vec::new(),
            logits: Vec::new(),
            p: Vec::new(),
            grad_p: Vec::new(),
            grad_z: Vec::new(),
            adam: Adam::new(params.lr),
            x: Vec::new(),
        }
    }

    /// `hidden = tanh(W1 r + b1)`, `logits = W2 hidden + b2`, `p = softmax(logits)`.
    fn forward(&mut self) {
        let s = self.shape;
        let (w1, b1) = (&self.weights[s.w1()], &self.weights[s.b1()]);
        for (i, h) in self.hidden.iter_mut().enumerate() {
            let row = &w1[i * s.hidden..(i + 1) * s.hidden];
            *h = (b1[i] + row.iter().zip(&self.input).map(|(w, r)| w * r).sum::<f64>()).tanh();
        }
        let (w2, b2) = (&self.weights[s.w2()], &self.weights[s.b2()]);
        for (o, z) in self.logits.iter_mut().enumerate() {
            let row = &w2[o * s.hidden..(o + 1) * s.hidden];
            *z = b2[o] + row.iter().zip(&self.hidden).map(|(w, h)| w * h).sum::<f64>();
        }
        softmax(&self.offsets, &self.logits, &[], 1.0, &mut self.p);
    }

    /// Backpropagate `grad_z = dL/dlogits` into `grad_w`.
    fn backward(&mut self) {
        let s = self.shape;
        self.grad_h.fill(0.0);
        let (_, rest) = self.grad_w.split_at_mut(s.w2().start);
        let (gw2, gb2) = rest.split_at_mut(s.outputs * s.hidden);
        let w2 = &self.weights[s.w2()];
        for (o, &dz) in self.grad_z.iter().enumerate() {
            gb2[o] = dz;
            let row = o * s.hidden..(o + 1) * s.hidden;
            for ((g, &h), (dh, &w)) in
                gw2[row.clone()].iter_mut().zip(&self.hidden).zip(self.grad_h.iter_mut().zip(&w2[row]))
            {
                *g = dz * h;
                *dh += dz * w;
            }
        }
        let (gw1, rest) = self.grad_w.split_at_mut(s.b1().start);
        let gb1 = &mut rest[..s.hidden];
        for (i, (&dh, &h)) in self.grad_h.iter().zip(&self.hidden).enumerate() {
            // tanh' = 1 - tanh^2.
            let da = dh * (1.0 - h * h);
            gb1[i] = da;
            for (g, &r) in gw1[i * s.hidden..(i + 1) * s.hidden].iter_mut().zip(&self.input) {
                *g = da * r;
            }
        }
    }
}

impl Solver for Neural {
    fn start(&mut self, problem: &mut Problem, rng: &mut Rng) {
        let n = problem.theta_len();
        self.shape.outputs = n;
        let s = self.shape;
        self.offsets = problem.offsets().to_vec();
        self.input = (0..s.hidden).map(|_| normal(rng)).collect();
        // W1 ~ N(0, 1/hidden) keeps the hidden pre-activations near unit scale; tanh of a
        // unit normal has a root mean square of about 0.63, so W2 ~ N(0, init^2 / (0.4 hidden))
        // gives initial logits of standard deviation about `init`, as in the other back ends.
        let w1_scale = 1.0 / (s.hidden as f64).sqrt();
        let w2_scale = self.init / (0.4 * s.hidden as f64).sqrt();
        self.weights = vec![0.0; s.len()];
        for w in &mut self.weights[s.w1()] {
            *w = w1_scale * normal(rng);
        }
        for w in &mut self.weights[s.w2()] {
            *w = w2_scale * normal(rng);
        }
        self.grad_w = vec![0.0; s.len()];
        self.hidden = vec![0.0; s.hidden];
        self.grad_h = vec![0.0; s.hidden];
        self.logits = vec![0.0; n];
        self.p = vec![0.0; n];
        self.grad_p = vec![0.0; n];
        self.grad_z = vec![0.0; n];
        self.adam.reset(s.len());
        self.x = vec![0; problem.num_params()];
        self.forward();
        argmax_each(&self.offsets, &self.logits, rng, &mut self.x);
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        problem.loss(&self.p, &[], Some(&mut self.grad_p));
        softmax_backward(&self.offsets, &self.p, &self.grad_p, 1.0, &mut self.grad_z);
        self.backward();
        self.adam.step(&mut self.weights, &self.grad_w);
        self.forward();
        argmax_each(&self.offsets, &self.logits, rng, &mut self.x);
        StepOutcome::Continue
    }

    fn candidate(&self) -> &[u32] {
        &self.x
    }

    fn soft_values(&self) -> Option<&[f64]> {
        Some(&self.p)
    }
}

const NEURAL_OPTIONS: &[OptionInfo] = &[
    OptionInfo { key: "lr", kind: Kind::above(0.0), help: "Adam learning rate on the network's weights" },
    INIT,
    OptionInfo {
        key: "hidden",
        kind: Kind::Integer { min: 1, max: 4096 },
        help: "width of the fixed random input and of the hidden tanh layer",
    },
];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NeuralParams {
    lr: f64,
    init: f64,
    hidden: usize,
}

impl Default for NeuralParams {
    fn default() -> Self {
        NeuralParams { lr: 0.01, init: 0.1, hidden: 32 }
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(Neural::new(&options.decode()))
}

pub static BACKENDS: [BackendInfo; 1] = [BackendInfo {
    name: "neural",
    summary: "neural reparameterization: a one-hidden-layer tanh network maps a fixed random input to all logits",
    options: NEURAL_OPTIONS,
    defaults: || Options::of(&NeuralParams::default()),
    make,
    admissible: always_admissible,
    capabilities: Capabilities::SEARCH,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Backpropagation through the network agrees with central differences of
    /// `L = sum_j c_j p_j`.
    #[test]
    fn network_gradient_matches_finite_differences() {
        let mut rng = Rng::seed_from_u64(7);
        let mut net = Neural::new(&NeuralParams { hidden: 3, init: 1.0, ..NeuralParams::default() });
        let s = Shape { hidden: 3, outputs: 5 };
        net.shape = s;
        net.offsets = vec![(0, 2), (2, 3)];
        net.input = (0..3).map(|_| normal(&mut rng)).collect();
        net.weights = (0..s.len()).map(|_| normal(&mut rng)).collect();
        net.grad_w = vec![0.0; s.len()];
        (net.hidden, net.grad_h) = (vec![0.0; 3], vec![0.0; 3]);
        (net.logits, net.p, net.grad_z) = (vec![0.0; 5], vec![0.0; 5], vec![0.0; 5]);
        let c = [0.5, -1.0, 2.0, 0.3, -0.7];
        let loss = |net: &mut Neural| {
            net.forward();
            net.p.iter().zip(&c).map(|(p, c)| p * c).sum::<f64>()
        };
        loss(&mut net);
        let p = net.p.clone();
        softmax_backward(&net.offsets, &p, &c, 1.0, &mut net.grad_z);
        net.backward();
        let analytic = net.grad_w.clone();
        for (k, &analytic) in analytic.iter().enumerate() {
            let keep = net.weights[k];
            net.weights[k] = keep + 1e-6;
            let up = loss(&mut net);
            net.weights[k] = keep - 1e-6;
            let down = loss(&mut net);
            net.weights[k] = keep;
            let numeric = (up - down) / 2e-6;
            assert!((numeric - analytic).abs() < 1e-6, "weight {k}: numeric {numeric}, analytic {analytic}");
        }
    }
}
