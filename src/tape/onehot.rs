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

use super::{Op, Tape};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tape::tests::tape_for;

    fn float_violations(tape: &mut Tape, assignment: &[u32]) -> usize {
        let mut theta = vec![0.0; tape.theta_len()];
        crate::solve::one_hot(tape.param_offsets(), assignment, &mut theta);
        tape.forward(&theta, &[]);
        tape.violations()
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
