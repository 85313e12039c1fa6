//! Graph -> flat forward/backward program. The graph's live nodes are compiled once into a
//! list of operations over one preallocated buffer of values and one of adjoints, batched
//! over examples; `forward` and `backward` then run without allocating. Nodes that do not
//! depend on an input are computed once and shared by all examples.
//!
//! Reverse mode is one backward sweep over the topological order, pruned to nodes that both
//! depend on a param and reach an observation. Real-valued nodes have their kernels, their
//! loss and their modes of evaluation in `real`.

mod onehot;
mod real;
mod tables;

use crate::graph::{Graph, NodeKind};
use tpt_core::limits::Limits;
use tpt_source::diagnostics::{Diagnostic, Setting, Text};

pub use onehot::OneHot;

/// The loss on each observed element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LossKind {
    /// `-ln((p[observed] + epsilon) / (1 + epsilon))`: 0 when the observed value is certain.
    #[default]
    CrossEntropy,
    /// `sum_z (p[z] - onehot(observed)[z])^2`.
    SquaredError,
}

#[derive(Clone, Debug)]
enum Op {
    /// Copy the param's distribution from `theta[offset..offset + domain]`.
    Param {
        theta: usize,
    },
    Input {
        input: usize,
    },
    Const {
        value: u32,
    },
    Table {
        operands: Vec<usize>,
        table: Vec<u32>,
    },
    Mix {
        selector: usize,
        choices: Vec<usize>,
    },
    /// A real node, or a node computed from reals (see `real`).
    Real(real::Kernel),
}

/// One node's place in the buffers.
#[derive(Clone, Copy, Debug)]
struct Layout {
    offset: usize,
    /// Distance between examples: the domain for batched nodes, 0 for shared ones.
    stride: usize,
    domain: usize,
    needs_grad: bool,
}

#[derive(Clone, Debug)]
struct Check {
    node: usize,
    /// `[example]`: observed value, or `u32::MAX` when unobserved.
    expected: Vec<u32>,
}

/// The compiled forward/backward program of a graph.
#[derive(Clone, Debug)]
pub struct Tape {
    ops: Vec<(usize, Op)>,
    layout: Vec<Layout>,
    values: Vec<f64>,
    adjoints: Vec<f64>,
    checks: Vec<Check>,
    input_values: Vec<u32>,
    num_inputs: usize,
    examples: usize,
    /// Per param: offset into theta and domain.
    param_offsets: Vec<(usize, usize)>,
    theta_len: usize,
    loss_kind: LossKind,
    epsilon: f64,
    example_loss: Vec<f64>,
    /// Scratch for the table kernels, sized for the widest table.
    scratch: Vec<usize>,
    /// Per param: the positions in `ops` of the live nodes that depend on it (its cone), in
    /// order; `None` when all cones together would be too large to keep.
    param_cones: Option<std::sync::Arc<Vec<Vec<u32>>>>,
    /// The real params, inputs and observations, and the mode of evaluation of reals.
    real: real::Reals,
    /// Per graph node: its position in `ops` (`u32::MAX` when not live).
    op_position: Vec<u32>,
}

/// The most cone entries kept for all params together (16 MiB).
const CONE_BUDGET: usize = 1 << 22;

/// Each param's cone as positions in `ops`, from the graph's reachability.
fn param_cones(graph: &Graph, ops: &[(usize, Op)]) -> Option<Vec<Vec<u32>>> {
    let mut position = vec![u32::MAX; graph.len()];
    for (index, (node, _)) in ops.iter().enumerate() {
        position[*node] = index as u32;
    }
    let mut total = 0usize;
    let mut cones = Vec::with_capacity(graph.params.len());
    for param in &graph.params {
        // Nodes outside the tape (not live) are left out; node order is op order.
        let cone: Vec<u32> =
            graph.cone(param.node).into_iter().map(|n| position[n]).filter(|&p| p != u32::MAX).collect();
        total += cone.len();
        if total > CONE_BUDGET {
            return None;
        }
        cones.push(cone);
    }
    Some(cones)
}

impl Tape {
    /// Compile a graph. Fails, before allocating, when the buffers would exceed the limit.
    pub fn new(graph: &Graph, limits: &Limits) -> Result<Tape, Diagnostic> {
        check_memory(graph, limits)?;
        Ok(Tape::compile(graph))
    }

    /// The tape of `graph`, a restriction of this tape's graph to some of its examples
    /// (`Graph::restricted`), with this tape's loss. Its buffers are no larger than this
    /// tape's, so the memory limit this tape was built under holds for it too.
    pub fn restricted(&self, graph: &Graph) -> Tape {
        let mut tape = Tape::compile(graph);
        tape.set_loss(self.loss_kind, self.epsilon);
        tape
    }

    fn compile(graph: &Graph) -> Tape {
        let n = graph.len();
        // Live nodes reach an observation; grad nodes also depend on a param.
        let live = graph.live_nodes();
        let depends_on_param = graph.param_dependents();
        let examples = graph.num_examples.max(1);
        let mut layout = Vec::with_capacity(n);
        let mut offset = 0usize;
        for (id, node) in graph.nodes() {
            let domain = node.domain as usize;
            let (stride, size) = if !live[id] {
                (0, 0)
            } else if node.batched {
                (domain, domain * examples)
            } else {
                (0, domain)
            };
            layout.push(Layout { offset, stride, domain, needs_grad: live[id] && depends_on_param[id] });
            offset += size;
        }
        let mut param_offsets = Vec::with_capacity(graph.params.len());
        let mut theta_len = 0;
        for param in &graph.params {
            param_offsets.push((theta_len, param.domain as usize));
            theta_len += param.domain as usize;
        }
        let mut ops = Vec::new();
        let mut widest = 1;
        for (id, node) in graph.nodes() {
            if !live[id] {
                continue;
            }
            if let Some(kernel) = real::Kernel::of(&node.kind) {
                ops.push((id, Op::Real(kernel)));
                continue;
            }
            let op = match &node.kind {
                NodeKind::Param { param } => Op::Param { theta: param_offsets[*param].0 },
                NodeKind::Input { input } => Op::Input { input: *input },
                NodeKind::Const { value } => Op::Const { value: *value },
                NodeKind::Table { operands, table } => {
                    widest = widest.max(operands.len() + 1);
                    Op::Table { operands: operands.clone(), table: table.clone() }
                }
                NodeKind::Mix { selector, choices } => Op::Mix { selector: *selector, choices: choices.clone() },
                // Every other node has a kernel of `real`.
                _ => continue,
            };
            ops.push((id, op));
        }
        let checks = graph
            .observations
            .iter()
            .map(|o| Check { node: o.node, expected: o.expected.iter().map(|e| e.unwrap_or(u32::MAX)).collect() })
            .collect();
        let param_cones = param_cones(graph, &ops).map(std::sync::Arc::new);
        let mut op_position = vec![u32::MAX; graph.len()];
        for (index, (node, _)) in ops.iter().enumerate() {
            op_position[*node] = index as u32;
        }
        Tape {
            real: real::Reals::new(graph),
            param_cones,
            op_position,
            ops,
            layout,
            values: vec![0.0; offset],
            adjoints: vec![0.0; offset],
            checks,
            input_values: graph.input_values.clone(),
            num_inputs: graph.inputs.len(),
            examples: graph.num_examples,
            param_offsets,
            theta_len,
            loss_kind: LossKind::CrossEntropy,
            epsilon: 1e-6,
            example_loss: vec![0.0; graph.num_examples],
            scratch: vec![0; widest],
        }
    }

    pub fn set_loss(&mut self, kind: LossKind, epsilon: f64) {
        self.loss_kind = kind;
        self.epsilon = epsilon;
    }

    /// Length of the flat parameter vector: every param's distribution, concatenated.
    pub fn theta_len(&self) -> usize {
        self.theta_len
    }

    /// Per param, the positions of the tape's operations that depend on it (see `param_cones`).
    fn cones(&self) -> Option<&[Vec<u32>]> {
        self.param_cones.as_deref().map(Vec::as_slice)
    }

    /// Offset into theta and domain of each param.
    pub fn param_offsets(&self) -> &[(usize, usize)] {
        &self.param_offsets
    }

    pub fn num_examples(&self) -> usize {
        self.examples
    }

    /// The loss of each example after the last `forward`.
    pub fn example_loss(&self) -> &[f64] {
        &self.example_loss
    }

    fn slice(&self, node: usize, example: usize) -> std::ops::Range<usize> {
        let l = self.layout[node];
        let start = l.offset + example * l.stride;
        start..start + l.domain
    }

    /// Run the forward pass with the params' distributions in `theta`; returns the loss,
    /// with example `e` weighted by `weights[e]` (all 1 when `weights` is empty).
    pub fn forward(&mut self, theta: &[f64], weights: &[f64]) -> f64 {
        let ops = std::mem::take(&mut self.ops);
        for (node, op) in &ops {
            let layout = self.layout[*node];
            let runs = if layout.stride == 0 { 1 } else { self.examples };
            for example in 0..runs {
                let out = self.slice(*node, example);
                match op {
                    Op::Param { theta: at } => {
                        self.values[out].copy_from_slice(&theta[*at..*at + layout.domain]);
                    }
                    Op::Input { input } => {
                        let value = self.input_values[example * self.num_inputs + input] as usize;
                        let target = &mut self.values[out.clone()];
                        target.fill(0.0);
                        target[value] = 1.0;
                    }
                    Op::Const { value } => {
                        let target = &mut self.values[out];
                        target.fill(0.0);
                        target[*value as usize] = 1.0;
                    }
                    Op::Table { operands, table } => self.table_forward(operands, table, out, example),
                    Op::Real(kernel) => self.real_forward(kernel, out, example),
                    Op::Mix { selector, choices } => {
                        self.values[out.clone()].fill(0.0);
                        let selector_at = self.slice(*selector, example);
                        for (k, &choice) in choices.iter().enumerate() {
                            let weight = self.values[selector_at.start + k];
                            if weight == 0.0 {
                                continue;
                            }
                            let from = self.slice(choice, example);
                            for (z, source) in from.enumerate() {
                                self.values[out.start + z] += weight * self.values[source];
                            }
                        }
                    }
                }
            }
        }
        self.ops = ops;
        self.loss(weights)
    }

    fn loss(&mut self, weights: &[f64]) -> f64 {
        self.example_loss.fill(0.0);
        let ln_one_plus_epsilon = (1.0 + self.epsilon).ln();
        for check in &self.checks {
            for (example, &expected) in check.expected.iter().enumerate() {
                if expected == u32::MAX {
                    continue;
                }
                let values = &self.values[self.slice(check.node, example)];
                self.example_loss[example] += match self.loss_kind {
                    LossKind::CrossEntropy => {
                        // -ln((p + epsilon) / (1 + epsilon)): epsilon keeps the loss finite at
                        // p = 0, and the division makes a certain observation cost exactly 0
                        // rather than -ln(1 + epsilon) < 0, so that a loss is never negative.
                        // The gradient is that of -ln(p + epsilon). A probability a rounding
                        // error put above 1 counts as 1.
                        // One logarithm per observation (ln(1 + epsilon) is a constant of the
                        // loop); at p = 1 the two logarithms are the same number.
                        let p = values.get(expected as usize).copied().unwrap_or(0.0).min(1.0);
                        (ln_one_plus_epsilon - (p + self.epsilon).ln()).max(0.0)
                    }
                    LossKind::SquaredError => values
                        .iter()
                        .enumerate()
                        .map(|(z, &p)| {
                            let target = if z == expected as usize { 1.0 } else { 0.0 };
                            (p - target) * (p - target)
                        })
                        .sum::<f64>(),
                };
            }
        }
        self.add_real_loss();
        self.example_loss.iter().enumerate().map(|(e, &l)| l * weights.get(e).copied().unwrap_or(1.0)).sum()
    }

    /// Number of (observation, example) pairs whose observed value has probability below
    /// one half; after a forward pass on one-hot params, the number of violated observations.
    pub fn violations(&self) -> usize {
        self.finite_violations() + self.real_violations()
    }

    /// Violated observations of values of finite domains (outputs, `observe`, the finiteness
    /// of reals), leaving out the real observations.
    pub fn finite_violations(&self) -> usize {
        let mut count = 0;
        self.for_each_finite_violation(|_| count += 1);
        count
    }

    /// Call `violated(example)` for each (observation of a finite domain, example) pair whose
    /// observed value has probability below one half.
    fn for_each_finite_violation(&self, mut violated: impl FnMut(usize)) {
        for check in &self.checks {
            for (example, &expected) in check.expected.iter().enumerate() {
                if expected == u32::MAX {
                    continue;
                }
                let values = &self.values[self.slice(check.node, example)];
                if values.get(expected as usize).copied().unwrap_or(0.0) < 0.5 {
                    violated(example);
                }
            }
        }
    }

    /// After a forward pass on one-hot params: the violated observations of each example,
    /// those of reals included (the float counterpart of `OneHot::violations_by_example`).
    pub fn violations_by_example(&self) -> Vec<usize> {
        let mut counts = vec![0; self.examples];
        self.for_each_finite_violation(|example| counts[example] += 1);
        self.count_real_violations(&mut counts);
        counts
    }

    /// The gradient of the last forward's loss with respect to theta, written into `grad`.
    pub fn backward(&mut self, weights: &[f64], grad: &mut [f64]) {
        self.adjoints.fill(0.0);
        grad.fill(0.0);
        self.seed_adjoints(weights);
        let ops = std::mem::take(&mut self.ops);
        for (node, op) in ops.iter().rev() {
            let layout = self.layout[*node];
            if !layout.needs_grad {
                continue;
            }
            let runs = if layout.stride == 0 { 1 } else { self.examples };
            for example in 0..runs {
                let at = self.slice(*node, example);
                match op {
                    Op::Param { theta } => {
                        for (z, index) in at.enumerate() {
                            grad[theta + z] += self.adjoints[index];
                        }
                    }
                    Op::Input { .. } | Op::Const { .. } => {}
                    Op::Table { operands, table } => self.table_backward(operands, table, at, example),
                    Op::Mix { selector, choices } => self.mix_backward(*selector, choices, at, example),
                    Op::Real(kernel) => self.real_backward(kernel, at, example),
                }
            }
        }
        self.ops = ops;
    }

    fn seed_adjoints(&mut self, weights: &[f64]) {
        self.seed_real_adjoints(weights);
        for check in &self.checks {
            for (example, &expected) in check.expected.iter().enumerate() {
                if expected == u32::MAX || !self.layout[check.node].needs_grad {
                    continue;
                }
                let weight = weights.get(example).copied().unwrap_or(1.0);
                let at = self.slice(check.node, example);
                match self.loss_kind {
                    LossKind::CrossEntropy => {
                        let index = at.start + expected as usize;
                        if index < at.end {
                            self.adjoints[index] -= weight / (self.values[index] + self.epsilon);
                        }
                    }
                    LossKind::SquaredError => {
                        for (z, index) in at.enumerate() {
                            let target = if z == expected as usize { 1.0 } else { 0.0 };
                            self.adjoints[index] += weight * 2.0 * (self.values[index] - target);
                        }
                    }
                }
            }
        }
    }

    fn mix_backward(&mut self, selector: usize, choices: &[usize], at: std::ops::Range<usize>, example: usize) {
        let selector_at = self.slice(selector, example);
        let selector_grad = self.layout[selector].needs_grad;
        for (k, &choice) in choices.iter().enumerate() {
            let from = self.slice(choice, example);
            let weight = self.values[selector_at.start + k];
            let choice_grad = self.layout[choice].needs_grad;
            let mut dot = 0.0;
            for (z, source) in from.enumerate() {
                let adjoint = self.adjoints[at.start + z];
                dot += adjoint * self.values[source];
                if choice_grad {
                    self.adjoints[source] += weight * adjoint;
                }
            }
            if selector_grad {
                self.adjoints[selector_at.start + k] += dot;
            }
        }
    }
}

/// Bytes of the value and adjoint buffers a tape of this graph needs.
pub fn buffer_bytes(graph: &Graph) -> u128 {
    let examples = graph.num_examples.max(1) as u128;
    let live = graph.live_nodes();
    graph
        .nodes()
        .filter(|(id, _)| live[*id])
        .map(|(_, node)| node.domain as u128 * if node.batched { examples } else { 1 } * 16)
        .sum()
}

/// Refuse, before allocating, a tape whose buffers would exceed `--max-memory`.
pub fn check_memory(graph: &Graph, limits: &Limits) -> Result<u128, Diagnostic> {
    let bytes = buffer_bytes(graph);
    let limit = limits.max_memory_mib as u128 * (1 << 20);
    if bytes > limit {
        return Err(Diagnostic::error(format!(
            "the forward/backward buffers need {} MiB, more than the limit of {} MiB",
            bytes.div_ceil(1 << 20),
            limits.max_memory_mib
        ))
        .with_help(
            Text::from("use fewer examples or smaller domains, or raise the limit with ")
                + Setting::MaxMemory.placeholder("MIB"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;

/// Write the one-hot encoding of `assignment` into `theta` (laid out by `param_offsets`).
pub fn one_hot(offsets: &[(usize, usize)], assignment: &[u32], theta: &mut [f64]) {
    theta.fill(0.0);
    for (&(offset, _), &value) in offsets.iter().zip(assignment) {
        theta[offset + value as usize] = 1.0;
    }
}
