//! The table kernels of the tape: a table node's forward pass (every combination of its
//! operands' values adds its probability to the value it maps to) and its backward pass, with
//! loops for one to three operands and a recursion beyond.

use super::{Layout, Tape};

impl Tape {
    /// Where each operand's values start for `example`, in the reused scratch buffer.
    pub(super) fn operand_starts(&mut self, operands: &[usize], example: usize) -> Vec<usize> {
        let mut starts = std::mem::take(&mut self.scratch);
        for (slot, &operand) in starts.iter_mut().zip(operands) {
            let l = self.layout[operand];
            *slot = l.offset + example * l.stride;
        }
        starts
    }

    pub(super) fn table_forward(
        &mut self,
        operands: &[usize],
        table: &[u32],
        out: std::ops::Range<usize>,
        example: usize,
    ) {
        self.values[out.clone()].fill(0.0);
        let starts = self.operand_starts(operands, example);
        // Tables of one and two operands (most of them) get loops without recursion.
        match operands {
            [a] => {
                let da = self.layout[*a].domain;
                for (v, &z) in table.iter().enumerate().take(da) {
                    let p = self.values[starts[0] + v];
                    self.values[out.start + z as usize] += p;
                }
            }
            [a, b] => {
                let (da, db) = (self.layout[*a].domain, self.layout[*b].domain);
                for u in 0..da {
                    let p = self.values[starts[0] + u];
                    if p == 0.0 {
                        continue;
                    }
                    for v in 0..db {
                        let q = self.values[starts[1] + v];
                        self.values[out.start + table[u * db + v] as usize] += p * q;
                    }
                }
            }
            [a, b, c] => {
                let (da, db, dc) = (self.layout[*a].domain, self.layout[*b].domain, self.layout[*c].domain);
                for u in 0..da {
                    let p = self.values[starts[0] + u];
                    if p == 0.0 {
                        continue;
                    }
                    for v in 0..db {
                        let pq = p * self.values[starts[1] + v];
                        if pq == 0.0 {
                            continue;
                        }
                        let row = (u * db + v) * dc;
                        for w in 0..dc {
                            let r = self.values[starts[2] + w];
                            self.values[out.start + table[row + w] as usize] += pq * r;
                        }
                    }
                }
            }
            _ => table_forward_rec(&mut self.values, &self.layout, operands, &starts, table, out.start, 0, 1.0, 0),
        }
        self.scratch = starts;
    }

    pub(super) fn table_backward(
        &mut self,
        operands: &[usize],
        table: &[u32],
        at: std::ops::Range<usize>,
        example: usize,
    ) {
        let starts = self.operand_starts(operands, example);
        match operands {
            [a] => {
                if self.layout[*a].needs_grad {
                    for (v, &z) in table.iter().enumerate().take(self.layout[*a].domain) {
                        self.adjoints[starts[0] + v] += self.adjoints[at.start + z as usize];
                    }
                }
                self.scratch = starts;
                return;
            }
            [a, b] => {
                let (la, lb) = (self.layout[*a], self.layout[*b]);
                for u in 0..la.domain {
                    let p = self.values[starts[0] + u];
                    let mut sum = 0.0;
                    for v in 0..lb.domain {
                        let g = self.adjoints[at.start + table[u * lb.domain + v] as usize];
                        sum += g * self.values[starts[1] + v];
                        if lb.needs_grad {
                            self.adjoints[starts[1] + v] += p * g;
                        }
                    }
                    if la.needs_grad {
                        self.adjoints[starts[0] + u] += sum;
                    }
                }
                self.scratch = starts;
                return;
            }
            [a, b, c] => {
                let (la, lb, lc) = (self.layout[*a], self.layout[*b], self.layout[*c]);
                for u in 0..la.domain {
                    let p = self.values[starts[0] + u];
                    let mut sum_u = 0.0;
                    for v in 0..lb.domain {
                        let q = self.values[starts[1] + v];
                        let row = (u * lb.domain + v) * lc.domain;
                        let mut sum_v = 0.0;
                        for w in 0..lc.domain {
                            let g = self.adjoints[at.start + table[row + w] as usize];
                            sum_v += g * self.values[starts[2] + w];
                            if lc.needs_grad {
                                self.adjoints[starts[2] + w] += p * q * g;
                            }
                        }
                        if lb.needs_grad {
                            self.adjoints[starts[1] + v] += p * sum_v;
                        }
                        sum_u += q * sum_v;
                    }
                    if la.needs_grad {
                        self.adjoints[starts[0] + u] += sum_u;
                    }
                }
                self.scratch = starts;
                return;
            }
            _ => {}
        }
        // The adjoint of the value each combination maps to, unscaled (1 * prefix is prefix).
        let out = at.start;
        let leaf = |adjoints: &[f64], index: usize| adjoints[out + table[index] as usize];
        TableOperands { layout: &self.layout, operands, starts: &starts }.backward(
            &self.values,
            &mut self.adjoints,
            &leaf,
            1.0,
            0,
            1.0,
            0,
        );
        self.scratch = starts;
    }
}

/// Add every combination's probability to the output value it maps to; combinations with a
/// zero factor are skipped (on one-hot inputs only one combination is visited).
#[allow(clippy::too_many_arguments)]
fn table_forward_rec(
    values: &mut [f64],
    layout: &[Layout],
    operands: &[usize],
    starts: &[usize],
    table: &[u32],
    out: usize,
    depth: usize,
    product: f64,
    index: usize,
) {
    if depth == operands.len() {
        values[out + table[index] as usize] += product;
        return;
    }
    let domain = layout[operands[depth]].domain;
    for v in 0..domain {
        let p = values[starts[depth] + v];
        if p != 0.0 {
            table_forward_rec(values, layout, operands, starts, table, out, depth + 1, product * p, index * domain + v);
        }
    }
}

/// A table node's operands in one example: their layouts and where their probabilities start.
pub(super) struct TableOperands<'a> {
    pub(super) layout: &'a [Layout],
    pub(super) operands: &'a [usize],
    pub(super) starts: &'a [usize],
}

impl TableOperands<'_> {
    /// The backward pass of the expectation over the operands' distributions of what each
    /// combination `c` of their values carries, `leaf(adjoints, index of c)`: the adjoint of the
    /// value an integer table maps `c` to, or a real table's entry. Returns the sum over
    /// completions of the operands from `depth` on of `leaf(c) * prod_{j >= depth} p_j[c_j]`,
    /// and adds `scale * prefix * (that sum with c_depth = v)` to the adjoint of operand
    /// `depth` at `v`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn backward(
        &self,
        values: &[f64],
        adjoints: &mut [f64],
        leaf: &impl Fn(&[f64], usize) -> f64,
        scale: f64,
        depth: usize,
        prefix: f64,
        index: usize,
    ) -> f64 {
        if depth == self.operands.len() {
            return leaf(adjoints, index);
        }
        let operand = self.layout[self.operands[depth]];
        let mut total = 0.0;
        for v in 0..operand.domain {
            let p = values[self.starts[depth] + v];
            let sum = self.backward(values, adjoints, leaf, scale, depth + 1, prefix * p, index * operand.domain + v);
            if operand.needs_grad {
                adjoints[self.starts[depth] + v] += scale * prefix * sum;
            }
            total += p * sum;
        }
        total
    }
}
