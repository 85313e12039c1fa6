//! The real-valued nodes of the tape: their forward and backward kernels, the loss and the
//! violations of real observations, and the two modes of evaluation.
//!
//! A real node holds one number per example (its slice of the value buffer has length 1).
//! The tape evaluates in one of two modes:
//!
//! - **relaxed** (for gradients): a comparison of reals is a sigmoid of the difference at
//!   temperature `T`, `P(a > b) = 1 / (1 + exp(-(a - b) / T))` (`<` and `<=` mirror it, `==`
//!   is `exp(-((a - b) / T)^2)`, `!=` one minus that), and `round(x, D)` gives value `k` the
//!   probability `sigma((x - k + 1/2) / T) - sigma((x - k - 1/2) / T)` (the end values take
//!   what lies beyond them), so gradients reach the reals through the branches they decide.
//! - **exact** (for counting violations at a discrete point): comparisons and rounding are the
//!   interpreter's, a real mixture takes the selected choice, and the arithmetic is the same
//!   IEEE 754 operations in the same order, so that at a one-hot point the values are exactly
//!   the interpreter's.
//!
//! In both modes a value that is not a finite number is *poisoned* (NaN): an operation on a
//! poisoned operand, a division by zero and an overflow give NaN; a comparison or rounding of
//! NaN gives no mass to any value (like a mixture whose selector picks nothing); a `Finite`
//! node is 0 when an operand is poisoned. This mirrors the interpreter, which stops at such
//! an operation, so that the graph never accepts what the interpreter rejects.
//!
//! The loss of a real observation observed as `e` within tolerance `t` is the squared error
//! scaled by the tolerance, `((v - e) / t)^2` (with `t` taken as 1e-9 when it is 0): it exceeds 1
//! exactly when `|v - e| > t`, which is when the interpreter counts the observation violated.
//! A poisoned value costs `POISONED_LOSS`, with no gradient. The loss, the violations and the
//! residuals of real observations are in `observations`.

mod observations;

use super::tables::TableOperands;
use super::Tape;
use crate::graph::{Graph, NodeKind};
use tpt_core::eval::compare_reals;
use tpt_core::program::BinOp;
use tpt_core::program::{round_into, RealOp, RealValue};

/// One real operation of the tape; operands are node ids.
#[derive(Clone, Debug)]
pub(super) enum Kernel {
    Param { param: usize },
    Input { input: usize },
    Const { value: f64 },
    Table { operands: Vec<usize>, table: Vec<f64> },
    Op { op: RealOp, operands: Vec<usize> },
    Mix { selector: usize, choices: Vec<usize> },
    Compare { op: BinOp, lhs: usize, rhs: usize },
    Round { operand: usize },
    Finite { operands: Vec<usize> },
}

impl Kernel {
    /// The kernel of a real node, or of a node computed from reals; `None` for the others.
    pub(super) fn of(kind: &NodeKind) -> Option<Kernel> {
        Some(match kind {
            NodeKind::RealParam { param } => Kernel::Param { param: *param },
            NodeKind::RealInput { input } => Kernel::Input { input: *input },
            NodeKind::RealConst { value } => Kernel::Const { value: *value },
            NodeKind::RealTable { operands, table } => {
                Kernel::Table { operands: operands.clone(), table: table.clone() }
            }
            NodeKind::Real { op, operands } => Kernel::Op { op: *op, operands: operands.clone() },
            NodeKind::RealMix { selector, choices } => Kernel::Mix { selector: *selector, choices: choices.clone() },
            NodeKind::Compare { op, lhs, rhs } => Kernel::Compare { op: *op, lhs: *lhs, rhs: *rhs },
            NodeKind::Round { operand } => Kernel::Round { operand: *operand },
            NodeKind::Finite { operands } => Kernel::Finite { operands: operands.clone() },
            _ => return None,
        })
    }
}

/// A real observation: its node and, per example, the observed value and tolerance.
#[derive(Clone, Debug)]
struct Check {
    node: usize,
    expected: Vec<Option<RealValue>>,
}

/// The tape's real state: the real params' current values and gradient, the real inputs,
/// the real observations, and the mode of evaluation.
#[derive(Clone, Debug, Default)]
pub(super) struct Reals {
    params: Vec<f64>,
    grad: Vec<f64>,
    /// `[example][input]`.
    inputs: Vec<f64>,
    num_inputs: usize,
    checks: Vec<Check>,
    exact: bool,
    temperature: f64,
}

impl Reals {
    pub(super) fn new(graph: &Graph) -> Reals {
        Reals {
            params: vec![0.0; graph.real_params.len()],
            grad: vec![0.0; graph.real_params.len()],
            inputs: graph.real_input_values.clone(),
            num_inputs: graph.real_inputs.len(),
            checks: graph
                .real_observations
                .iter()
                .map(|o| Check { node: o.node, expected: o.expected.clone() })
                .collect(),
            exact: false,
            temperature: 1.0,
        }
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The derivative of the sigmoid, from its value.
fn sigmoid_slope(s: f64) -> f64 {
    s * (1.0 - s)
}

/// The relaxed probability that a comparison holds, for the difference `d = a - b`, and its
/// derivative with respect to `d`.
fn soft_compare(op: BinOp, d: f64, t: f64) -> (f64, f64) {
    match op {
        BinOp::Gt | BinOp::Ge => {
            let s = sigmoid(d / t);
            (s, sigmoid_slope(s) / t)
        }
        BinOp::Lt | BinOp::Le => {
            let s = sigmoid(-d / t);
            (s, -sigmoid_slope(s) / t)
        }
        BinOp::Eq => {
            let e = (-(d / t) * (d / t)).exp();
            (e, -2.0 * d / (t * t) * e)
        }
        _ => {
            let e = (-(d / t) * (d / t)).exp();
            (1.0 - e, 2.0 * d / (t * t) * e)
        }
    }
}

/// The sigmoid of `(x - edge) / t` for the lower edge of value `k` of a rounding into `0..d`
/// (1 for the first value, whose range has no lower edge), with its slope in `x`.
fn edge(x: f64, k: i64, d: i64, t: f64) -> (f64, f64) {
    if k <= 0 {
        return (1.0, 0.0);
    }
    if k >= d {
        return (0.0, 0.0);
    }
    let s = sigmoid((x - (k as f64 - 0.5)) / t);
    (s, sigmoid_slope(s) / t)
}

impl Tape {
    /// The values of the real params (one per real graph param) for the next passes.
    pub fn set_real_params(&mut self, values: &[f64]) {
        let n = self.real.params.len().min(values.len());
        self.real.params[..n].copy_from_slice(&values[..n]);
    }

    /// The number of real params.
    pub fn num_real_params(&self) -> usize {
        self.real.params.len()
    }

    /// The gradient of the last backward pass's loss with respect to the real params.
    pub fn real_gradient(&self) -> &[f64] {
        &self.real.grad
    }

    /// Evaluate comparisons and rounding of reals exactly (as the interpreter does), or
    /// relaxed with the given temperature (see the module's documentation).
    pub fn set_exact(&mut self, exact: bool) {
        self.real.exact = exact;
    }

    /// The temperature of the relaxed comparisons and rounding (kept above 1e-12).
    pub fn set_temperature(&mut self, temperature: f64) {
        self.real.temperature = temperature.max(1e-12);
    }

    fn real_value(&self, node: usize, example: usize) -> f64 {
        self.values[self.slice(node, example).start]
    }

    pub(super) fn real_forward(&mut self, kernel: &Kernel, out: std::ops::Range<usize>, example: usize) {
        let exact = self.real.exact;
        let t = self.real.temperature;
        match kernel {
            Kernel::Param { param } => self.values[out.start] = self.real.params[*param],
            Kernel::Input { input } => {
                self.values[out.start] = self.real.inputs[example * self.real.num_inputs + input];
            }
            Kernel::Const { value } => self.values[out.start] = *value,
            Kernel::Table { operands, table } => {
                let starts: Vec<usize> = operands.iter().map(|&o| self.slice(o, example).start).collect();
                let (value, mass) = expectation(&self.values, &self.layout, operands, &starts, table, 0, 1.0, 0);
                // A poisoned operand has no mass: so is its expectation.
                self.values[out.start] = if mass == 0.0 { f64::NAN } else { value };
            }
            Kernel::Op { op, operands } => {
                let a = self.real_value(operands[0], example);
                let b = operands.get(1).map_or(0.0, |&o| self.real_value(o, example));
                self.values[out.start] = checked(*op, a, b);
            }
            Kernel::Mix { selector, choices } => {
                let weights = self.slice(*selector, example);
                let mut value = 0.0;
                let mut weight = 0.0;
                for (k, &choice) in choices.iter().enumerate() {
                    let w = self.values[weights.start + k];
                    let v = self.real_value(choice, example);
                    if exact {
                        // The selected choice, whatever the others hold.
                        if w > 0.5 {
                            value = v;
                            weight = 1.0;
                            break;
                        }
                    } else if w != 0.0 && v.is_finite() {
                        value += w * v;
                        weight += w;
                    }
                }
                self.values[out.start] = if weight == 0.0 { f64::NAN } else { value };
            }
            Kernel::Compare { op, lhs, rhs } => {
                let (a, b) = (self.real_value(*lhs, example), self.real_value(*rhs, example));
                let (no, yes) = if !a.is_finite() || !b.is_finite() {
                    (0.0, 0.0)
                } else if exact {
                    let holds = compare_reals(*op, a, b);
                    (f64::from(u8::from(!holds)), f64::from(u8::from(holds)))
                } else {
                    let (s, _) = soft_compare(*op, a - b, t);
                    (1.0 - s, s)
                };
                self.values[out.start] = no;
                self.values[out.start + 1] = yes;
            }
            Kernel::Round { operand } => {
                let x = self.real_value(*operand, example);
                let d = out.len() as i64;
                self.values[out.clone()].fill(0.0);
                if !x.is_finite() {
                    return;
                }
                if exact {
                    self.values[out.start + round_into(x, d) as usize] = 1.0;
                    return;
                }
                for k in 0..d {
                    let (lower, _) = edge(x, k, d, t);
                    let (upper, _) = edge(x, k + 1, d, t);
                    self.values[out.start + k as usize] = lower - upper;
                }
            }
            Kernel::Finite { operands } => {
                let finite = operands.iter().all(|&o| self.real_value(o, example).is_finite());
                self.values[out.start] = f64::from(u8::from(!finite));
                self.values[out.start + 1] = f64::from(u8::from(finite));
            }
        }
    }

    pub(super) fn real_backward(&mut self, kernel: &Kernel, at: std::ops::Range<usize>, example: usize) {
        let t = self.real.temperature;
        match kernel {
            Kernel::Param { param } => self.real.grad[*param] += self.adjoints[at.start],
            Kernel::Input { .. } | Kernel::Const { .. } | Kernel::Finite { .. } => {}
            Kernel::Table { operands, table } => {
                let g = self.adjoints[at.start];
                if g == 0.0 || !self.values[at.start].is_finite() {
                    return;
                }
                let starts: Vec<usize> = operands.iter().map(|&o| self.slice(o, example).start).collect();
                let leaf = |_: &[f64], index: usize| table[index];
                TableOperands { layout: &self.layout, operands, starts: &starts }.backward(
                    &self.values,
                    &mut self.adjoints,
                    &leaf,
                    g,
                    0,
                    1.0,
                    0,
                );
            }
            Kernel::Op { op, operands } => {
                let g = self.adjoints[at.start];
                if g == 0.0 || !self.values[at.start].is_finite() {
                    return;
                }
                let a = self.real_value(operands[0], example);
                let b = operands.get(1).map_or(0.0, |&o| self.real_value(o, example));
                let (da, db) = match op {
                    RealOp::Neg => (-1.0, 0.0),
                    RealOp::Add => (1.0, 1.0),
                    RealOp::Sub => (1.0, -1.0),
                    RealOp::Mul => (b, a),
                    RealOp::Div => (1.0 / b, -a / (b * b)),
                    RealOp::Abs => (a.signum() * f64::from(u8::from(a != 0.0)), 0.0),
                    RealOp::Min if a <= b => (1.0, 0.0),
                    RealOp::Max if a >= b => (1.0, 0.0),
                    RealOp::Min | RealOp::Max => (0.0, 1.0),
                };
                self.add_real_adjoint(operands[0], example, g * da);
                if let Some(&rhs) = operands.get(1) {
                    self.add_real_adjoint(rhs, example, g * db);
                }
            }
            Kernel::Mix { selector, choices } => {
                let g = self.adjoints[at.start];
                if g == 0.0 {
                    return;
                }
                let weights = self.slice(*selector, example);
                let selector_grad = self.layout[*selector].needs_grad;
                for (k, &choice) in choices.iter().enumerate() {
                    let v = self.real_value(choice, example);
                    if !v.is_finite() {
                        continue;
                    }
                    let w = self.values[weights.start + k];
                    if w != 0.0 {
                        self.add_real_adjoint(choice, example, w * g);
                    }
                    if selector_grad {
                        self.adjoints[weights.start + k] += v * g;
                    }
                }
            }
            Kernel::Compare { op, lhs, rhs } => {
                if self.real.exact {
                    return;
                }
                let (a, b) = (self.real_value(*lhs, example), self.real_value(*rhs, example));
                if !a.is_finite() || !b.is_finite() {
                    return;
                }
                let g = self.adjoints[at.start + 1] - self.adjoints[at.start];
                let (_, slope) = soft_compare(*op, a - b, t);
                self.add_real_adjoint(*lhs, example, g * slope);
                self.add_real_adjoint(*rhs, example, -g * slope);
            }
            Kernel::Round { operand } => {
                if self.real.exact {
                    return;
                }
                let x = self.real_value(*operand, example);
                if !x.is_finite() {
                    return;
                }
                let d = at.len() as i64;
                let mut g = 0.0;
                for k in 0..d {
                    let (_, lower) = edge(x, k, d, t);
                    let (_, upper) = edge(x, k + 1, d, t);
                    g += self.adjoints[at.start + k as usize] * (lower - upper);
                }
                self.add_real_adjoint(*operand, example, g);
            }
        }
    }

    /// Add to the adjoint of a real node (shared nodes have one slot for every example).
    fn add_real_adjoint(&mut self, node: usize, example: usize, amount: f64) {
        if self.layout[node].needs_grad && amount != 0.0 {
            let at = self.slice(node, example).start;
            self.adjoints[at] += amount;
        }
    }
}

/// An operation on reals, poisoned (NaN) when an operand is, when it divides by zero, or
/// when the result is not finite: the cases where the interpreter stops.
fn checked(op: RealOp, a: f64, b: f64) -> f64 {
    if !a.is_finite() || !b.is_finite() || (op == RealOp::Div && b == 0.0) {
        return f64::NAN;
    }
    let value = op.apply(a, b);
    if value.is_finite() {
        value
    } else {
        f64::NAN
    }
}

/// `(sum over combinations c of table[c] * prod_i p_i[c_i], sum of the products)` for the
/// operands from `depth` on; combinations with a zero factor are skipped, so that at a one-hot
/// point the value is exactly the table's entry.
#[allow(clippy::too_many_arguments)]
fn expectation(
    values: &[f64],
    layout: &[super::Layout],
    operands: &[usize],
    starts: &[usize],
    table: &[f64],
    depth: usize,
    product: f64,
    index: usize,
) -> (f64, f64) {
    if depth == operands.len() {
        return (product * table[index], product);
    }
    let domain = layout[operands[depth]].domain;
    let (mut value, mut mass) = (0.0, 0.0);
    for v in 0..domain {
        let p = values[starts[depth] + v];
        if p != 0.0 {
            let (part, weight) =
                expectation(values, layout, operands, starts, table, depth + 1, product * p, index * domain + v);
            value += part;
            mass += weight;
        }
    }
    (value, mass)
}
