//! Solver assignment -> `Verified` param values, or nothing. The only way to obtain a
//! [`Verified`] value is the exact interpreter's verdict on every example, so a result that
//! holds one was confirmed by the interpreter: the type carries the invariant that "found"
//! means checked. With `--max-violations N` a verified assignment may fail up to N examples;
//! which ones it fails is the interpreter's verdict too, and so is the objective's value.
//! Real params are verified at the shortest decimals that still satisfy the examples (no more
//! of them failing than at the solver's values), so that the printed program holds exactly
//! the values that were checked.

use crate::interp::{objective, run_example, ParamValues};
use crate::program::{ArrayId, Program};

/// Param values that the exact interpreter confirmed on every example of the program they
/// were checked against. The fields are private and the only constructors are
/// [`Verifier::check_with_reals`] and [`Verifier::recheck`], both the interpreter's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    assignment: Vec<u32>,
    reals: Vec<f64>,
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

    /// One value per real graph param, in graph order: the solver's values, shortened to the
    /// fewest decimal digits with which every example still passes.
    pub fn reals(&self) -> &[f64] {
        &self.reals
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

/// Which param element each value of a solver's assignment is: the search numbers the
/// params that are not bound (the graph's params, in graph order), the verifier reads them
/// back into the program's arrays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParamLayout {
    /// One entry per value of an assignment of finite params.
    pub discrete: Vec<ParamElement>,
    /// One entry per real value.
    pub real: Vec<ParamElement>,
}

/// An element of a param array: the array and the element's row-major index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamElement {
    pub array: ArrayId,
    pub flat: usize,
}

/// The exact check of a solver's assignment against a program's examples.
#[derive(Clone, Copy)]
pub struct Verifier<'a> {
    program: &'a Program,
    layout: &'a ParamLayout,
    max_steps: u64,
    /// How many examples a verified assignment may fail (`--max-violations`).
    max_violations: usize,
}

impl<'a> Verifier<'a> {
    /// `max_steps` bounds the statements one example may execute (the unroll limit).
    pub fn new(program: &'a Program, layout: &'a ParamLayout, max_steps: u64) -> Self {
        Verifier { program, layout, max_steps, max_violations: 0 }
    }

    /// Accept assignments that fail up to `n` examples (`--max-violations n`).
    pub fn with_max_violations(self, n: usize) -> Self {
        Verifier { max_violations: n, ..self }
    }

    /// The assignment as verified param values, when the interpreter accepts it on every
    /// example (or fails at most the allowed number of them; real params, if any, at their
    /// bound values or 0).
    pub fn check(&self, assignment: &[u32]) -> Option<Verified> {
        self.check_with_reals(assignment, &[])
    }

    /// The assignment and the real params' values (one per real graph param) as verified
    /// param values, when the interpreter accepts them on every example (or fails at most the
    /// allowed number). The real values are then shortened: each is rounded to the fewest
    /// significant digits with which no more examples fail than at the values as given (all
    /// of them to a common number first, then each on its own), so that printed as decimals
    /// they reproduce the examples exactly as checked.
    pub fn check_with_reals(&self, assignment: &[u32], reals: &[f64]) -> Option<Verified> {
        let allowed = self.failing(&param_values_with_reals(self.program, self.layout, assignment, reals))?.len();
        let reals = self.shortest(assignment, reals, allowed);
        self.recheck(assignment, &reals)
    }

    /// Values verified before (`Verified::assignment` and `reals`, saved and restored) checked
    /// again as they are, without shortening the reals: the same `Verified`, when the
    /// interpreter still accepts them.
    pub fn recheck(&self, assignment: &[u32], reals: &[f64]) -> Option<Verified> {
        let values = param_values_with_reals(self.program, self.layout, assignment, reals);
        let violated = self.failing(&values)?;
        let cost = match self.program.has_objective() {
            true => Some(objective(self.program, &values, self.max_steps).ok()?),
            false => None,
        };
        Some(Verified { assignment: assignment.to_vec(), reals: reals.to_vec(), values, violated, cost })
    }

    pub fn max_violations(&self) -> usize {
        self.max_violations
    }

    /// The examples (indices, ascending) that fail under `values`, or `None` when more fail
    /// than the allowance.
    fn failing(&self, values: &ParamValues) -> Option<Vec<usize>> {
        let mut violated = Vec::new();
        for (index, example) in self.program.examples.iter().enumerate() {
            if !run_example(self.program, values, example, self.max_steps).passed() {
                violated.push(index);
                if violated.len() > self.max_violations {
                    return None;
                }
            }
        }
        Some(violated)
    }

    /// The real values with the fewest significant digits with which at most `allowed`
    /// examples fail (the values as given qualify).
    fn shortest(&self, assignment: &[u32], reals: &[f64], allowed: usize) -> Vec<f64> {
        if reals.is_empty() {
            return Vec::new();
        }
        let works = |candidate: &[f64]| {
            let values = param_values_with_reals(self.program, self.layout, assignment, candidate);
            self.failing(&values).is_some_and(|failing| failing.len() <= allowed)
        };
        let Some(common) = (1..MAX_DIGITS).find(|&digits| {
            let rounded: Vec<f64> = reals.iter().map(|&x| round_to_digits(x, digits)).collect();
            works(&rounded)
        }) else {
            return reals.to_vec();
        };
        let mut best: Vec<f64> = reals.iter().map(|&x| round_to_digits(x, common)).collect();
        for i in 0..best.len() {
            let kept = best[i];
            for digits in 1..common {
                best[i] = round_to_digits(reals[i], digits);
                if works(&best) {
                    break;
                }
                best[i] = kept;
            }
        }
        best
    }

    pub fn program(&self) -> &'a Program {
        self.program
    }

    pub fn layout(&self) -> &'a ParamLayout {
        self.layout
    }

    pub fn max_steps(&self) -> u64 {
        self.max_steps
    }
}

/// 17 significant digits identify every 64-bit float: beyond that nothing is shorter.
const MAX_DIGITS: usize = 17;

/// `x` rounded to `digits` significant decimal digits (the nearest such decimal).
pub fn round_to_digits(x: f64, digits: usize) -> f64 {
    let precision = digits.saturating_sub(1);
    format!("{x:.precision$e}").parse().unwrap_or(x)
}

/// Every param's values: bound elements from the declarations, the others from the solver's
/// assignment (one value per entry of the layout).
pub fn param_values(program: &Program, layout: &ParamLayout, assignment: &[u32]) -> ParamValues {
    param_values_with_reals(program, layout, assignment, &[])
}

/// Every param's values: bound elements from the declarations, the others from the solver's
/// assignment (one value per entry of the layout) and real values (one per real graph param; 0 where
/// `reals` is short).
pub fn param_values_with_reals(
    program: &Program,
    layout: &ParamLayout,
    assignment: &[u32],
    reals: &[f64],
) -> ParamValues {
    let mut values = ParamValues::new(program.arrays.len());
    for (id, array) in program.params() {
        if array.real {
            values.reals[id] = match &array.real_binding {
                Some(binding) => binding.iter().map(|v| v.unwrap_or(0.0)).collect(),
                None => vec![0.0; array.len()],
            };
            continue;
        }
        values[id] = match &array.binding {
            Some(binding) => binding.iter().map(|v| v.unwrap_or(0)).collect(),
            None => vec![0; array.len()],
        };
    }
    for (slot, &value) in layout.discrete.iter().zip(assignment) {
        values[slot.array][slot.flat] = value;
    }
    for (slot, &value) in layout.real.iter().zip(reals) {
        values.reals[slot.array][slot.flat] = value;
    }
    values
}

#[cfg(test)]
mod tests {
    use super::round_to_digits;

    #[test]
    fn rounding_to_significant_digits() {
        assert_eq!(round_to_digits(2.4999999, 2), 2.5);
        assert_eq!(round_to_digits(0.0012345, 3), 0.00123);
        assert_eq!(round_to_digits(-13.75, 3), -13.8);
        assert_eq!(round_to_digits(1234.5, 1), 1000.0);
        assert_eq!(round_to_digits(0.1 + 0.2, 17), 0.1 + 0.2);
    }
}
