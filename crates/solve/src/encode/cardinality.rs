//! Objective terms and counts of literals -> CNF bounds, for the exact back ends' optimization.
//! A term of the objective becomes weighted "at least" literals over its variable's one-hot
//! literals; sums of weighted literals get rustsat's generalized totalizer, counts of literals
//! its totalizer, and an upper bound is then a list of assumptions, so that one solver proves
//! every bound in turn. rustsat's encoders iterate hash maps; its `fxhash` feature (a hasher
//! without a random seed) makes the clauses a function of the model, so that the same sketch
//! gives the solver the same formula, and the same optimum, on every run.

use rustsat::encodings::card::{BoundUpper as CardBound, Totalizer};
use rustsat::encodings::pb::{BoundUpper as PbBound, GeneralizedTotalizer};
use rustsat::instances::{BasicVarManager, Cnf as Clauses, ManageVars};
use rustsat::types::{Lit, Var};

use super::{Cnf, Model, Term};

/// An upper bound on a sum of weighted literals, built into a formula: `assume(b)` gives the
/// assumptions that make the sum at most `b`.
pub enum Bound {
    Weighted(GeneralizedTotalizer),
    Count(Totalizer),
    /// No literal at all: the sum is always 0.
    Empty,
}

impl Bound {
    /// Literals (DIMACS) to assume for "the sum is at most `bound`"; `None` for a negative
    /// bound, which no assignment meets.
    pub fn assume(&self, bound: i64) -> Option<Vec<i32>> {
        let bound = usize::try_from(bound).ok()?;
        let lits = match self {
            Bound::Weighted(encoding) => encoding.enforce_ub(bound).ok()?,
            Bound::Count(encoding) => encoding.enforce_ub(bound).ok()?,
            Bound::Empty => Vec::new(),
        };
        Some(lits.into_iter().map(Lit::to_ipasir).collect())
    }
}

fn lit(dimacs: i32) -> Lit {
    Lit::from_ipasir(dimacs).expect("a DIMACS literal is never 0")
}

/// Run an encoder on fresh variables after the formula's, and add its clauses to the formula.
fn extend(cnf: &mut Cnf, encode: impl FnOnce(&mut Clauses, &mut dyn ManageVars)) {
    let mut vars = BasicVarManager::from_next_free(Var::new(cnf.num_vars));
    let mut clauses = Clauses::new();
    encode(&mut clauses, &mut vars);
    cnf.num_vars = cnf.num_vars.max(vars.n_used());
    for clause in clauses.iter() {
        cnf.clauses.push(clause.iter().map(|&l| l.to_ipasir()).collect());
    }
}

/// The model's objective, less its constant part, as weighted literals added to the formula:
/// for a term whose variable takes the values `v0 < v1 < ..`, a literal `t_j` implied by every
/// value from `v_j` up, with weight `v_j - v_(j-1)`. Their weighted sum is at least the terms'
/// sum in every model (the solver may set a `t_j` it need not), and equal to it in some, so a
/// bound on it is a bound on the objective. Returns the encoding of "the sum is at most b" for
/// every `b` up to `largest`.
pub fn objective_bound(cnf: &mut Cnf, model: &Model, largest: i64) -> Bound {
    let mut weighted: Vec<(Lit, usize)> = Vec::new();
    for term in &model.objective {
        let Term::Var(var) = *term else { continue };
        let values = &model.vars[var].values;
        for j in 1..values.len() {
            cnf.num_vars += 1;
            let at_least = cnf.num_vars as i32;
            for position in j..values.len() {
                cnf.clauses.push(vec![-cnf.literals[var][position], at_least]);
            }
            weighted.push((lit(at_least), (values[j] - values[j - 1]) as usize));
        }
    }
    if weighted.is_empty() {
        return Bound::Empty;
    }
    let mut encoding: GeneralizedTotalizer = weighted.into_iter().collect();
    let largest = usize::try_from(largest.max(0)).unwrap_or(0);
    extend(cnf, |clauses, vars| {
        encoding.encode_ub(0..=largest, clauses, vars).expect("the clauses fit in memory");
    });
    Bound::Weighted(encoding)
}

/// "At most `b` of these literals are true", for every `b` up to `largest`.
pub fn count_bound(cnf: &mut Cnf, literals: &[i32], largest: usize) -> Bound {
    if literals.is_empty() {
        return Bound::Empty;
    }
    let mut encoding: Totalizer = literals.iter().map(|&l| lit(l)).collect();
    extend(cnf, |clauses, vars| {
        encoding.encode_ub(0..=largest, clauses, vars).expect("the clauses fit in memory");
    });
    Bound::Count(encoding)
}

/// The part of the objective's terms that `objective_bound` leaves out: each term's smallest
/// value (and the value of a term known at compile time). The objective is the graph's
/// `objective_offset`, plus this, plus the weighted sum.
pub fn objective_base(model: &Model) -> i64 {
    model
        .objective
        .iter()
        .map(|term| match *term {
            Term::Known(value) => i64::from(value),
            Term::Var(var) => model.vars[var].values.first().map_or(0, |&v| i64::from(v)),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::graph_of;

    /// The bounds' clauses are a function of the model alone. rustsat's generalized totalizer
    /// orders its leaves by iterating a hash map: with a randomly seeded hasher (rustsat
    /// without its `fxhash` feature) every run built another formula, and the solver found
    /// another of the optimal programs.
    #[test]
    fn the_same_model_gives_the_same_clauses() {
        let source = "param p[12]: 4;\ninput x: 2;\noutput y: 2;\ny = (p[0] + p[11] + x) % 2;\n\
                      for i in 0..12 { minimize p[i]; }\nexample { x = 0; y = 1; }\nexample { x = 1; y = 0; }\n";
        let model = Model::build(&graph_of(source));
        let encode = || {
            let mut cnf = Cnf::with_selectors(&model);
            let dropped: Vec<i32> = cnf.selectors.iter().map(|&s| -s).collect();
            let count = count_bound(&mut cnf, &dropped, 1);
            let objective = objective_bound(&mut cnf, &model, 36);
            let assumptions = (0..=36).map(|b| objective.assume(b)).chain([count.assume(1)]).collect::<Vec<_>>();
            (cnf.clauses, assumptions)
        };
        let first = encode();
        for _ in 0..4 {
            assert!(encode() == first, "another formula from the same model");
        }
    }
}
