//! Exact evaluation of the tape at one-hot points, with plain integers instead of
//! distributions, and incremental re-evaluation of a single-param move.
//!
//! At a one-hot point every node of the graph is one-hot too, so a table node is one lookup
//! and a mixture node one copy; the float forward pass computes the same values at the cost of
//! the tables' full products. A move of one param only changes the nodes downstream of it (its
//! cone, found from the graph's reachability when the tape is built), so `violations_with`
//! re-evaluates just those, counts the change in violated observations, and restores them;
//! when the cones were too many to keep (huge graphs with many params), each move scans the
//! ops after the param's first reader instead. This is what makes exact lookahead (`gradsearch-la`) and
//! enumeration (`exhaustive`) cheap.

use super::{LossKind, Op, Tape};

/// "No value": a mixture whose selector picks no choice (the float pass gives all-zero mass).
const NONE: u32 = u32::MAX;

#[derive(Clone, Debug)]
enum Instr {
    Param { param: usize },
    Input { input: usize },
    Const { value: u32 },
    Table { operands: Vec<(usize, u32)>, table: Vec<u32> },
    Mix { selector: usize, choices: Vec<usize> },
}

/// The integer evaluator of one tape.
#[derive(Clone, Debug)]
pub struct OneHot {
    /// In the tape's topological order; operands are instruction indices.
    instrs: Vec<Instr>,
    /// `[instr * examples + example]`.
    values: Vec<u32>,
    examples: usize,
    input_values: Vec<u32>,
    num_inputs: usize,
    /// Per instruction: the observations on it, as (check index).
    checks_at: Vec<Vec<usize>>,
    /// Per check: its instruction and `[example]` expected values (`NONE` = unobserved).
    checks: Vec<(usize, Vec<u32>)>,
    /// Per param: the instructions downstream of it, in order (when within the budget).
    cones: Option<Vec<Vec<u32>>>,
    /// Per param: its first reader (for the scan when cones are not cached).
    first_reader: Vec<usize>,
    assignment: Vec<u32>,
    violations: usize,
    /// Scratch: saved values of a cone, and dirty flags for the scan.
    undo: Vec<u32>,
    dirty: Vec<bool>,
    scan: Vec<u32>,
}

impl OneHot {
    pub fn new(tape: &Tape) -> OneHot {
        let mut slot_of = vec![usize::MAX; tape.layout.len()];
        for (index, (node, _)) in tape.ops.iter().enumerate() {
            slot_of[*node] = index;
        }
        let param_of_theta: std::collections::HashMap<usize, usize> =
            tape.param_offsets.iter().enumerate().map(|(param, &(offset, _))| (offset, param)).collect();
        let instrs: Vec<Instr> = tape
            .ops
            .iter()
            .map(|(_, op)| match op {
                Op::Param { theta } => Instr::Param { param: param_of_theta[theta] },
                Op::Input { input } => Instr::Input { input: *input },
                Op::Const { value } => Instr::Const { value: *value },
                Op::Table { operands, table } => Instr::Table {
                    operands: operands.iter().map(|&o| (slot_of[o], tape.layout[o].domain as u32)).collect(),
                    table: table.clone(),
                },
                Op::Mix { selector, choices } => {
                    Instr::Mix { selector: slot_of[*selector], choices: choices.iter().map(|&c| slot_of[c]).collect() }
                }
                // Tapes with reals are evaluated by the float pass in exact mode instead.
                Op::Real(_) => Instr::Const { value: NONE },
            })
            .collect();
        let mut checks_at = vec![Vec::new(); instrs.len()];
        let checks: Vec<(usize, Vec<u32>)> = tape
            .checks
            .iter()
            .enumerate()
            .map(|(index, check)| {
                let slot = slot_of[check.node];
                checks_at[slot].push(index);
                (slot, check.expected.clone())
            })
            .collect();
        let params = tape.param_offsets.len();
        let mut first_reader = vec![instrs.len(); params];
        for (index, instr) in instrs.iter().enumerate() {
            if let Instr::Param { param } = instr {
                first_reader[*param] = first_reader[*param].min(index);
            }
        }
        let cones = tape.cones().map(<[Vec<u32>]>::to_vec);
        let examples = tape.examples.max(1);
        OneHot {
            values: vec![0; instrs.len() * examples],
            dirty: vec![false; instrs.len()],
            instrs,
            examples,
            input_values: tape.input_values.clone(),
            num_inputs: tape.num_inputs,
            checks_at,
            checks,
            cones,
            first_reader,
            assignment: vec![0; params],
            violations: 0,
            undo: Vec::new(),
            scan: Vec::new(),
        }
    }

    /// Evaluate every instruction at `assignment`; returns the number of violated
    /// (observation, example) pairs, the count `Tape::violations` gives at the same point.
    pub fn set(&mut self, assignment: &[u32]) -> usize {
        self.assignment.copy_from_slice(assignment);
        for index in 0..self.instrs.len() {
            self.eval(index);
        }
        self.violations = (0..self.checks.len()).map(|c| self.check_violations(c)).sum();
        self.violations
    }

    /// Violations after moving `param` to `value` from the point of the last `set`; the
    /// evaluator is left at that point.
    pub fn violations_with(&mut self, param: usize, value: u32) -> usize {
        if self.assignment[param] == value {
            return self.violations;
        }
        let cone = match &mut self.cones {
            Some(cones) => std::mem::take(&mut cones[param]),
            None => self.scan_cone(param),
        };
        let e = self.examples;
        self.undo.clear();
        for &index in &cone {
            let at = index as usize * e;
            self.undo.extend_from_slice(&self.values[at..at + e]);
        }
        let before: usize = self.cone_check_violations(&cone);
        let old = std::mem::replace(&mut self.assignment[param], value);
        for &index in &cone {
            self.eval(index as usize);
        }
        let after: usize = self.cone_check_violations(&cone);
        self.assignment[param] = old;
        for (k, &index) in cone.iter().enumerate() {
            let at = index as usize * e;
            self.values[at..at + e].copy_from_slice(&self.undo[k * e..(k + 1) * e]);
        }
        match &mut self.cones {
            Some(cones) => cones[param] = cone,
            None => self.scan = cone,
        }
        self.violations - before + after
    }

    /// Violated observations of each example at the point of the last `set`.
    pub fn violations_by_example(&self) -> Vec<usize> {
        let mut counts = vec![0; self.examples];
        for (index, expected) in &self.checks {
            let values = &self.values[index * self.examples..(index + 1) * self.examples];
            for (example, (&want, &got)) in expected.iter().zip(values).enumerate() {
                if want != NONE && want != got {
                    counts[example] += 1;
                }
            }
        }
        counts
    }

    fn cone_check_violations(&self, cone: &[u32]) -> usize {
        cone.iter().flat_map(|&index| &self.checks_at[index as usize]).map(|&c| self.check_violations(c)).sum()
    }

    fn check_violations(&self, check: usize) -> usize {
        let (index, expected) = &self.checks[check];
        let values = &self.values[index * self.examples..(index + 1) * self.examples];
        expected.iter().zip(values).filter(|&(&want, &got)| want != NONE && want != got).count()
    }

    /// The instructions downstream of `param`, by one scan from its first reader.
    fn scan_cone(&mut self, param: usize) -> Vec<u32> {
        let mut cone = std::mem::take(&mut self.scan);
        cone.clear();
        let start = self.first_reader[param];
        for index in start..self.instrs.len() {
            let dirty = match &self.instrs[index] {
                Instr::Param { param: p } => *p == param,
                Instr::Input { .. } | Instr::Const { .. } => false,
                Instr::Table { operands, .. } => operands.iter().any(|&(o, _)| o >= start && self.dirty[o]),
                Instr::Mix { selector, choices } => {
                    (*selector >= start && self.dirty[*selector])
                        || choices.iter().any(|&c| c >= start && self.dirty[c])
                }
            };
            self.dirty[index] = dirty;
            if dirty {
                cone.push(index as u32);
            }
        }
        for index in start..self.instrs.len() {
            self.dirty[index] = false;
        }
        cone
    }

    fn eval(&mut self, index: usize) {
        let e = self.examples;
        let at = index * e;
        match &self.instrs[index] {
            Instr::Param { param } => self.values[at..at + e].fill(self.assignment[*param]),
            Instr::Input { input } => {
                for example in 0..e {
                    self.values[at + example] =
                        self.input_values.get(example * self.num_inputs + input).copied().unwrap_or(NONE);
                }
            }
            Instr::Const { value } => self.values[at..at + e].fill(*value),
            Instr::Table { operands, table } => {
                for example in 0..e {
                    let mut row = 0usize;
                    let mut missing = false;
                    for &(operand, domain) in operands {
                        let v = self.values[operand * e + example];
                        if v >= domain {
                            missing = true;
                            break;
                        }
                        row = row * domain as usize + v as usize;
                    }
                    self.values[at + example] = if missing { NONE } else { table[row] };
                }
            }
            Instr::Mix { selector, choices } => {
                for example in 0..e {
                    let k = self.values[selector * e + example] as usize;
                    self.values[at + example] = match choices.get(k) {
                        Some(&choice) => self.values[choice * e + example],
                        None => NONE,
                    };
                }
            }
        }
    }
}

impl OneHot {
    /// The value of tape operation `op` in `example` at the point of the last `set`
    /// (`NONE` when a mixture selects no choice).
    fn value(&self, op: usize, example: usize) -> u32 {
        self.values[op * self.examples + example]
    }
}

impl Tape {
    /// The loss and its gradient at the one-hot point where `at` was last `set`, the same
    /// numbers `forward` and `backward` give there, without the float forward pass and with
    /// a cheaper backward pass: every operand is one-hot, so a table sends each input value
    /// the adjoint of the one row it selects (a lookup per input value instead of a sum over
    /// every combination), and a mixture passes adjoints to its selected choice only. The
    /// sums are the float pass's with its zero terms left out, so the results agree to the
    /// bit. Used by the gradient back ends without smoothing (`gradsearch`, `gradsearch-ra`).
    pub fn loss_and_gradient_at(&mut self, at: &OneHot, weights: &[f64], grad: &mut [f64]) -> f64 {
        let loss = self.one_hot_loss(at, weights);
        self.adjoints.fill(0.0);
        grad.fill(0.0);
        self.one_hot_seed(at, weights);
        let ops = std::mem::take(&mut self.ops);
        let position = std::mem::take(&mut self.op_position);
        for (op, (node, kind)) in ops.iter().enumerate().rev() {
            let layout = self.layout[*node];
            if !layout.needs_grad {
                continue;
            }
            let runs = if layout.stride == 0 { 1 } else { self.examples };
            for example in 0..runs {
                let out = layout.offset + example * layout.stride;
                match kind {
                    Op::Param { theta } => {
                        for z in 0..layout.domain {
                            grad[theta + z] += self.adjoints[out + z];
                        }
                    }
                    Op::Input { .. } | Op::Const { .. } => {}
                    Op::Table { operands, table } => {
                        self.table_backward_one_hot(at, &position, operands, table, out, example);
                    }
                    // A tape with reals never comes here (`Problem::loss_and_gradient_at` takes
                    // the float passes for it): the integer evaluation knows no reals.
                    Op::Real(_) => {}
                    Op::Mix { selector, choices } => {
                        let selected = at.value(position[*selector] as usize, example) as usize;
                        let selector_layout = self.layout[*selector];
                        let selector_at = selector_layout.offset + example * selector_layout.stride;
                        for (k, &choice) in choices.iter().enumerate() {
                            let l = self.layout[choice];
                            let from = l.offset + example * l.stride;
                            if k == selected && l.needs_grad {
                                for z in 0..l.domain {
                                    self.adjoints[from + z] += self.adjoints[out + z];
                                }
                            }
                            if selector_layout.needs_grad {
                                let value = at.value(position[choice] as usize, example) as usize;
                                if value < l.domain {
                                    self.adjoints[selector_at + k] += self.adjoints[out + value];
                                }
                            }
                        }
                    }
                }
            }
            let _ = op;
        }
        self.ops = ops;
        self.op_position = position;
        loss
    }

    /// A table's backward pass at a one-hot point: operand `j`'s adjoint at `u` gains the
    /// output's adjoint at the row with `u` in place `j` and the other operands' values.
    fn table_backward_one_hot(
        &mut self,
        at: &OneHot,
        position: &[u32],
        operands: &[usize],
        table: &[u32],
        out: usize,
        example: usize,
    ) {
        let mut values = std::mem::take(&mut self.scratch);
        for (slot, &o) in values.iter_mut().zip(operands) {
            *slot = at.value(position[o] as usize, example) as usize;
        }
        let n = operands.len();
        // Strides of the operands in the table's mixed radix (first operand most significant)
        // and the row of the point; a value out of its domain (no value) gives no row.
        let mut missing = 0;
        let mut row = 0usize;
        for (i, &o) in operands.iter().enumerate() {
            let domain = self.layout[o].domain;
            if values[i] >= domain {
                missing += 1;
                values[i] = 0;
            }
            row = row * domain + values[i];
        }
        let mut stride = 1usize;
        for j in (0..n).rev() {
            let operand = operands[j];
            let l = self.layout[operand];
            let own_missing =
                usize::from(values[j] == 0 && at.value(position[operand] as usize, example) as usize >= l.domain);
            // Another operand with no value (all-zero mass) zeroes every product.
            if l.needs_grad && missing == own_missing {
                let start = l.offset + example * l.stride;
                let base = row - values[j] * stride;
                for u in 0..l.domain {
                    self.adjoints[start + u] += self.adjoints[out + table[base + u * stride] as usize];
                }
            }
            stride *= l.domain;
        }
        self.scratch = values;
    }

    /// The loss at the one-hot point, by example into `example_loss`, as `forward` computes it.
    fn one_hot_loss(&mut self, at: &OneHot, weights: &[f64]) -> f64 {
        self.example_loss.fill(0.0);
        let ln_one_plus_epsilon = (1.0 + self.epsilon).ln();
        for check in &self.checks {
            let op = self.op_position[check.node] as usize;
            let domain = self.layout[check.node].domain;
            for (example, &expected) in check.expected.iter().enumerate() {
                if expected == u32::MAX {
                    continue;
                }
                let value = at.value(op, example);
                self.example_loss[example] += match self.loss_kind {
                    LossKind::CrossEntropy => {
                        // The float pass's formula, so that the two agree to the bit.
                        let p: f64 = if value == expected { 1.0 } else { 0.0 };
                        (ln_one_plus_epsilon - (p + self.epsilon).ln()).max(0.0)
                    }
                    LossKind::SquaredError => (0..domain)
                        .map(|z| {
                            let p = if z as u32 == value { 1.0 } else { 0.0 };
                            let target = if z as u32 == expected { 1.0 } else { 0.0 };
                            (p - target) * (p - target)
                        })
                        .sum::<f64>(),
                };
            }
        }
        self.example_loss.iter().enumerate().map(|(e, &l)| l * weights.get(e).copied().unwrap_or(1.0)).sum()
    }

    /// The loss's adjoints on the observed nodes at the one-hot point (`seed_adjoints`).
    fn one_hot_seed(&mut self, at: &OneHot, weights: &[f64]) {
        for check in &self.checks {
            let layout = self.layout[check.node];
            if !layout.needs_grad {
                continue;
            }
            let op = self.op_position[check.node] as usize;
            for (example, &expected) in check.expected.iter().enumerate() {
                if expected == u32::MAX {
                    continue;
                }
                let weight = weights.get(example).copied().unwrap_or(1.0);
                let start = layout.offset + example * layout.stride;
                let value = at.value(op, example);
                match self.loss_kind {
                    LossKind::CrossEntropy => {
                        if (expected as usize) < layout.domain {
                            let p = if value == expected { 1.0 } else { 0.0 };
                            self.adjoints[start + expected as usize] -= weight / (p + self.epsilon);
                        }
                    }
                    LossKind::SquaredError => {
                        for z in 0..layout.domain {
                            let p = if z as u32 == value { 1.0 } else { 0.0 };
                            let target = if z as u32 == expected { 1.0 } else { 0.0 };
                            self.adjoints[start + z] += weight * 2.0 * (p - target);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tape::tests::tape_for;

    fn float_violations(tape: &mut Tape, assignment: &[u32]) -> usize {
        let mut theta = vec![0.0; tape.theta_len()];
        crate::tape::one_hot(tape.param_offsets(), assignment, &mut theta);
        tape.forward(&theta, &[]);
        tape.violations()
    }

    /// Violated observations of one example by the float forward pass.
    fn float_violations_of_example(tape: &mut Tape, assignment: &[u32], example: usize) -> usize {
        let mut theta = vec![0.0; tape.theta_len()];
        crate::tape::one_hot(tape.param_offsets(), assignment, &mut theta);
        tape.forward(&theta, &[]);
        tape.checks
            .iter()
            .filter(|check| {
                let expected = check.expected[example];
                expected != u32::MAX
                    && tape.values[tape.slice(check.node, example)].get(expected as usize).copied().unwrap_or(0.0) < 0.5
            })
            .count()
    }

    /// Every single-param move from a few random points, with cached cones and with the scan,
    /// against the float forward pass.
    fn agrees_with_the_float_pass(source: &str) {
        let mut tape = tape_for(source);
        let domains: Vec<u32> = tape.param_offsets().iter().map(|&(_, d)| d as u32).collect();
        let mut cached = OneHot::new(&tape);
        let mut scanning = OneHot::new(&tape);
        scanning.cones = None;
        let mut state = 7u64;
        let mut random = |bound: u32| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % bound as u64) as u32
        };
        for _ in 0..5 {
            let mut x: Vec<u32> = domains.iter().map(|&d| random(d)).collect();
            let base = float_violations(&mut tape, &x);
            assert_eq!(cached.set(&x), base);
            assert_eq!(scanning.set(&x), base);
            let by_example = cached.violations_by_example();
            assert_eq!(by_example.iter().sum::<usize>(), base);
            for (example, &count) in by_example.iter().enumerate() {
                assert_eq!(count, float_violations_of_example(&mut tape, &x, example), "example {example}");
            }
            for param in 0..x.len() {
                for value in 0..domains[param] {
                    let old = x[param];
                    x[param] = value;
                    let expected = float_violations(&mut tape, &x);
                    x[param] = old;
                    assert_eq!(cached.violations_with(param, value), expected, "param {param} = {value}");
                    assert_eq!(scanning.violations_with(param, value), expected, "param {param} = {value}");
                }
            }
        }
    }

    /// The one-hot loss and gradient equal the float passes' to the bit, at random points of
    /// programs with tables of one to three operands, mixtures, observations of several
    /// examples and both losses, with weights.
    fn one_hot_gradient_agrees_with_the_float_pass(source: &str) {
        let mut tape = tape_for(source);
        let domains: Vec<u32> = tape.param_offsets().iter().map(|&(_, d)| d as u32).collect();
        let mut at = OneHot::new(&tape);
        let weights: Vec<f64> = (0..tape.num_examples()).map(|e| 1.0 + e as f64 * 0.25).collect();
        let mut state = 11u64;
        for round in 0..40 {
            let x: Vec<u32> = domains
                .iter()
                .map(|&d| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((state >> 33) % d as u64) as u32
                })
                .collect();
            let kind = if round % 2 == 0 { LossKind::CrossEntropy } else { LossKind::SquaredError };
            tape.set_loss(kind, 1e-6);
            let mut theta = vec![0.0; tape.theta_len()];
            crate::tape::one_hot(tape.param_offsets(), &x, &mut theta);
            let float_loss = tape.forward(&theta, &weights);
            let mut float_grad = vec![0.0; theta.len()];
            tape.backward(&weights, &mut float_grad);
            let float_examples = tape.example_loss().to_vec();
            at.set(&x);
            let mut grad = vec![1.0; theta.len()];
            let loss = tape.loss_and_gradient_at(&at, &weights, &mut grad);
            assert_eq!(loss.to_bits(), float_loss.to_bits(), "{kind:?} at {x:?}");
            assert_eq!(tape.example_loss(), &float_examples[..], "{kind:?} at {x:?}");
            for (i, (a, b)) in grad.iter().zip(&float_grad).enumerate() {
                assert!(a == b, "{kind:?} at {x:?}: theta[{i}] one-hot {a} float {b}");
            }
        }
    }

    #[test]
    fn one_hot_gradients_agree_with_the_float_pass() {
        one_hot_gradient_agrees_with_the_float_pass(crate::tape::tests::CIRCUIT);
        one_hot_gradient_agrees_with_the_float_pass(
            "input x: 3; param p: 3; param q[2]: 2; param table[3][2]: 4; param r[3]: 3; output y: 4; var t: 4;
            t = table[x][q[1]];
            if p == x { t = q[0] + 1; } else if p > x { t = 3; }
            match q[0] { 0 => { y = t; } _ => { y = (t + p + r[0] * r[1] + r[2] * x) % 4; } }
            observe q[0] != q[1] || p == 2;
            for v in 0..3 { example { x = v; y = (v + 1) % 4; } }",
        );
    }

    #[test]
    fn circuit_moves_agree_with_the_float_pass() {
        agrees_with_the_float_pass(crate::tape::tests::CIRCUIT);
    }

    #[test]
    fn branches_observe_and_indexing_agree_with_the_float_pass() {
        agrees_with_the_float_pass(
            "input x: 3; param p: 3; param q[2]: 2; param table[3][2]: 4; output y: 4; var t: 4;
            t = table[x][q[1]];
            if p == x { t = q[0] + 1; } else if p > x { t = 3; }
            match q[0] { 0 => { y = t; } _ => { y = (t + p) % 4; } }
            observe q[0] != q[1] || p == 2;
            for v in 0..3 { example { x = v; y = (v + 1) % 4; } }",
        );
    }
}
