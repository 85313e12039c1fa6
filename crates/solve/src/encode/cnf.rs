//! Finite-domain model -> CNF: one-hot literals for every variable's values, exactly-one
//! constraints, a clause per table row and mixture choice, observations as unit clauses (or
//! guarded by per-example selectors), built whole or part by part, and the DIMACS text.

use std::fmt::Write as _;

use super::{Constraint, Model, Term, VarId};

/// A CNF formula over variables 1..=num_vars (DIMACS numbering; negative = negated).
#[derive(Clone, Debug, Default)]
pub struct Cnf {
    pub num_vars: u32,
    pub clauses: Vec<Vec<i32>>,
    /// For each model variable, the literal of each of its values.
    pub literals: Vec<Vec<i32>>,
    /// With [`Cnf::with_selectors`], one literal per example that switches its observations
    /// on: the formula with every selector assumed true is the synthesis problem, and the
    /// selectors among the failed assumptions of an unsatisfiable solve name examples that
    /// cannot all hold together. Empty otherwise.
    pub selectors: Vec<i32>,
}

impl Cnf {
    /// One-hot encoding: a literal per (variable, value), with exactly-one constraints;
    /// two-valued variables use one boolean and its negation. Observations are unit clauses.
    pub fn from_model(model: &Model) -> Cnf {
        Cnf::encode(model, false)
    }

    /// The same encoding with each example's observations conditioned on its selector
    /// literal (`selector -> observation`). Every other clause defines a value from the values
    /// it depends on, so with all selectors false any param assignment satisfies the formula.
    pub fn with_selectors(model: &Model) -> Cnf {
        Cnf::encode(model, true)
    }

    fn encode(model: &Model, selectors: bool) -> Cnf {
        let mut cnf = Cnf::start(model, selectors);
        for var in 0..model.vars.len() {
            cnf.allocate(model, var);
            cnf.exactly_one(var);
        }
        for constraint in &model.constraints {
            cnf.constraint(model, constraint);
        }
        cnf
    }

    /// An empty formula with selectors (when asked for) and no variables yet.
    fn start(model: &Model, selectors: bool) -> Cnf {
        let mut cnf = Cnf::default();
        if selectors {
            cnf.selectors = (1..=model.num_examples as i32).collect();
            cnf.num_vars = model.num_examples as u32;
        }
        cnf
    }

    /// The literals of every model variable (and the selectors, when asked for), without any
    /// clause: `add_part` then adds the clauses of the shared values and of one example at a
    /// time, so that a formula can grow with the examples it needs (counterexample-guided
    /// synthesis). Numbering is stable: literals never change as parts are added.
    pub fn allocate_all(model: &Model, selectors: bool) -> Cnf {
        let mut cnf = Cnf::start(model, selectors);
        for var in 0..model.vars.len() {
            cnf.allocate(model, var);
        }
        cnf
    }

    /// Give literals to the model's variables added since the formula was allocated (a model
    /// that grows run by run, as the miter's does), numbered after every literal so far.
    pub fn allocate_new(&mut self, model: &Model) {
        for var in self.literals.len()..model.vars.len() {
            self.allocate(model, var);
        }
    }

    /// Add the clauses of one part of the model: the values shared by every example
    /// (`None`), or the computation and observations of one example. Returns the index of
    /// the first clause added.
    pub fn add_part(&mut self, model: &Model, part: Option<usize>) -> usize {
        let first = self.clauses.len();
        for (var, fd) in model.vars.iter().enumerate() {
            if fd.example == part {
                self.exactly_one(var);
            }
        }
        for constraint in &model.constraints {
            if model.owner(constraint) == part {
                self.constraint(model, constraint);
            }
        }
        first
    }

    /// Give variable `var` its literals: one boolean for two values, else one per value.
    fn allocate(&mut self, model: &Model, var: VarId) {
        let n = model.vars[var].values.len();
        if n == 2 {
            self.num_vars += 1;
            let x = self.num_vars as i32;
            self.literals.push(vec![-x, x]);
            return;
        }
        let first = self.num_vars as i32 + 1;
        self.num_vars += n as u32;
        self.literals.push((0..n as i32).map(|i| first + i).collect());
    }

    /// At least one and at most one of `var`'s literals (nothing for a boolean).
    fn exactly_one(&mut self, var: VarId) {
        let lits = &self.literals[var];
        if lits.len() == 2 && lits[0] == -lits[1] {
            return;
        }
        let lits = lits.clone();
        self.clauses.push(lits.clone());
        self.at_most_one(&lits);
    }

    fn lit(&self, model: &Model, var: VarId, value: u32) -> Option<i32> {
        let position = model.vars[var].values.binary_search(&value).ok()?;
        Some(self.literals[var][position])
    }

    fn at_most_one(&mut self, lits: &[i32]) {
        if lits.len() <= 6 {
            for (i, &a) in lits.iter().enumerate() {
                for &b in &lits[i + 1..] {
                    self.clauses.push(vec![-a, -b]);
                }
            }
            return;
        }
        // Sequential counter: s_i means "one of the first i+1 literals is true".
        let mut previous = lits[0];
        for &lit in &lits[1..] {
            self.num_vars += 1;
            let s = self.num_vars as i32;
            self.clauses.push(vec![-previous, s]);
            self.clauses.push(vec![-lit, s]);
            self.clauses.push(vec![-previous, -lit]);
            previous = s;
        }
    }

    /// The clause of an observation of `example`, guarded by its selector when there are
    /// selectors.
    fn observation(&mut self, example: usize, literal: Option<i32>) {
        let mut clause: Vec<i32> = self.selectors.get(example).map(|&s| -s).into_iter().collect();
        clause.extend(literal);
        self.clauses.push(clause);
    }

    fn constraint(&mut self, model: &Model, constraint: &Constraint) {
        match constraint {
            Constraint::False { example } => self.observation(*example, None),
            Constraint::Fix { var, value, example } => {
                let literal = self.lit(model, *var, *value);
                self.observation(*example, literal);
            }
            Constraint::Table { out, operands, results } => {
                let sizes: Vec<usize> = operands.iter().map(|&o| model.vars[o].values.len()).collect();
                let mut position = vec![0usize; operands.len()];
                for &result in results {
                    let mut clause: Vec<i32> =
                        operands.iter().zip(&position).map(|(&o, &p)| -self.literals[o][p]).collect();
                    if let Some(l) = self.lit(model, *out, result) {
                        clause.push(l);
                    }
                    self.clauses.push(clause);
                    for (p, &size) in position.iter_mut().zip(&sizes).rev() {
                        *p += 1;
                        if *p < size {
                            break;
                        }
                        *p = 0;
                    }
                }
            }
            Constraint::Mix { out, selector, choices } => {
                for &(k, term) in choices {
                    let Some(chosen) = self.lit(model, *selector, k) else { continue };
                    match term {
                        Term::Known(value) => {
                            let mut clause = vec![-chosen];
                            clause.extend(self.lit(model, *out, value));
                            self.clauses.push(clause);
                        }
                        Term::Var(choice) => {
                            for (position, &value) in model.vars[choice].values.iter().enumerate() {
                                let mut clause = vec![-chosen, -self.literals[choice][position]];
                                clause.extend(self.lit(model, *out, value));
                                self.clauses.push(clause);
                            }
                        }
                    }
                }
            }
        }
    }

    /// The formula in DIMACS format, with a comment naming each param's literals.
    pub fn dimacs(&self, model: &Model) -> String {
        let mut out = String::new();
        for &var in &model.params {
            let lits: Vec<String> = self.literals[var].iter().map(i32::to_string).collect();
            let _ = writeln!(
                out,
                "c param {} values {} literals {}",
                model.vars[var].name,
                model.vars[var].values.iter().map(u32::to_string).collect::<Vec<_>>().join(" "),
                lits.join(" ")
            );
        }
        let _ = writeln!(out, "p cnf {} {}", self.num_vars, self.clauses.len());
        for clause in &self.clauses {
            for lit in clause {
                let _ = write!(out, "{lit} ");
            }
            out.push_str("0\n");
        }
        out
    }
}
