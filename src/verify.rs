//! Solver assignment -> `Verified` param values, or nothing. The only way to obtain a
//! [`Verified`] value is the exact interpreter's verdict on every example, so a result that
//! holds one was confirmed by the interpreter: the type carries the invariant that "found"
//! means checked. With `--max-violations N` a verified assignment may fail up to N examples;
//! which ones it fails is the interpreter's verdict too, and so is the objective's value.

use crate::graph::Graph;
use crate::interp::{objective, run_example, ParamValues};
use crate::program::Program;

/// Param values that the exact interpreter confirmed on every example of the program they
/// were checked against. The fields are private and the only constructor is
/// [`Verifier::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    assignment: Vec<u32>,
    values: ParamValues,
    /// The examples (indices, ascending) the interpreter found failing: at most the
    /// verifier's allowance, and none without `--max-violations`.
    violated: Vec<usize>,
    /// The objective (the sum of the `minimize` terms), when the program has one.
    cost: Option<i64>,
}

impl Verified {
    /// One value per graph param, in graph order (what the solver proposed).
    pub fn assignment(&self) -> &[u32] {
        &self.assignment
    }

    /// Every param's values, bound ones included, indexed by array id.
    pub fn values(&self) -> &ParamValues {
        &self.values
    }

    /// The examples the program fails (within the allowance of `--max-violations`).
    pub fn violated(&self) -> &[usize] {
        &self.violated
    }

    /// The objective's value, computed by the interpreter, when the program has one.
    pub fn cost(&self) -> Option<i64> {
        self.cost
    }
}

/// The exact check of a solver's assignment against a program's examples.
#[derive(Clone, Copy)]
pub struct Verifier<'a> {
    program: &'a Program,
    graph: &'a Graph,
    max_steps: u64,
    /// How many examples a verified assignment may fail (`--max-violations`).
    max_violations: usize,
}

impl<'a> Verifier<'a> {
    /// `max_steps` bounds the statements one example may execute (the unroll limit).
    pub fn new(program: &'a Program, graph: &'a Graph, max_steps: u64) -> Self {
        Verifier { program, graph, max_steps, max_violations: 0 }
    }

    /// Accept assignments that fail up to `n` examples (`--max-violations n`).
    pub fn with_max_violations(self, n: usize) -> Self {
        Verifier { max_violations: n, ..self }
    }

    /// The assignment as verified param values, when the interpreter accepts it on every
    /// example (or fails at most the allowed number of them).
    pub fn check(&self, assignment: &[u32]) -> Option<Verified> {
        let values = param_values(self.program, self.graph, assignment);
        let mut violated = Vec::new();
        for (index, example) in self.program.examples.iter().enumerate() {
            if !run_example(self.program, &values, example, self.max_steps).passed() {
                violated.push(index);
                if violated.len() > self.max_violations {
                    return None;
                }
            }
        }
        let cost = match self.program.has_objective() {
            true => Some(objective(self.program, &values, self.max_steps).ok()?),
            false => None,
        };
        Some(Verified { assignment: assignment.to_vec(), values, violated, cost })
    }

    pub fn max_violations(&self) -> usize {
        self.max_violations
    }

    pub fn program(&self) -> &'a Program {
        self.program
    }

    pub fn graph(&self) -> &'a Graph {
        self.graph
    }

    pub fn max_steps(&self) -> u64 {
        self.max_steps
    }
}

/// Every param's values: bound elements from the declarations, the others from the solver's
/// assignment (one value per graph param).
pub fn param_values(program: &Program, graph: &Graph, assignment: &[u32]) -> ParamValues {
    let mut values: ParamValues = vec![Vec::new(); program.arrays.len()];
    for (id, array) in program.params() {
        values[id] = match &array.binding {
            Some(binding) => binding.iter().map(|v| v.unwrap_or(0)).collect(),
            None => vec![0; array.len()],
        };
    }
    for (slot, &value) in graph.params.iter().zip(assignment) {
        values[slot.array][slot.flat] = value;
    }
    values
}
