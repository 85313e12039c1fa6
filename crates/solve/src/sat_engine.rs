//! What `sat`, its optimization (`optimize.rs`) and `auto` share: the CDCL engines (CaDiCaL
//! and batsat behind one trait), the counterexample-guided loop over the model's examples,
//! and the explanation of a proof of impossibility (the examples that cannot all hold
//! together). A module of its own so that `sat` and `optimize` use it without using each
//! other.

use batsat::{lbool, Lit, SolverInterface, SolverOpts, Var};

use super::cdcl::{Answer, Cdcl};
use super::{Problem, StopCondition};
use crate::encode::{Cnf, Model};
use tpt_graph::graph::Graph;

/// The run's stop condition, polled by batsat.
struct Stop<'a>(StopCondition<'a>);

impl batsat::Callbacks for Stop<'_> {
    fn stop(&self) -> bool {
        self.0.reached()
    }
}

/// A SAT solver that takes clauses (DIMACS literals) between solves and solves under
/// assumptions.
pub(super) trait Engine {
    fn add_clause(&mut self, clause: &[i32]);
    /// Solve under assumptions; with `conflicts`, give up (`Stopped`) after that many
    /// conflicts where the solver supports a limit.
    fn solve(&mut self, assumptions: &[i32], conflicts: Option<u32>) -> Answer;
    /// The value of a literal in the last model.
    fn holds(&self, literal: i32) -> bool;
}

impl Engine for Cdcl<'_> {
    fn add_clause(&mut self, clause: &[i32]) {
        Cdcl::add_clause(self, clause);
    }

    fn solve(&mut self, assumptions: &[i32], conflicts: Option<u32>) -> Answer {
        Cdcl::solve(self, assumptions, conflicts)
    }

    fn holds(&self, literal: i32) -> bool {
        // CaDiCaL leaves out variables the formula does not constrain; any value does.
        Cdcl::holds(self, literal)
    }
}

pub(super) struct Batsat<'a> {
    solver: batsat::Solver<Stop<'a>>,
    vars: Vec<Var>,
    /// False when adding a clause already proved the formula unsatisfiable.
    consistent: bool,
}

impl<'a> Batsat<'a> {
    pub(super) fn new(stop: StopCondition<'a>, seed: f64) -> Self {
        let options = SolverOpts { random_seed: seed, ..SolverOpts::default() };
        Batsat { solver: batsat::Solver::new(options, Stop(stop)), vars: Vec::new(), consistent: true }
    }

    fn lit(&mut self, literal: i32) -> Lit {
        let index = (literal.unsigned_abs() - 1) as usize;
        while self.vars.len() <= index {
            let var = self.solver.new_var_default();
            self.vars.push(var);
        }
        Lit::new(self.vars[index], literal > 0)
    }
}

impl Engine for Batsat<'_> {
    fn add_clause(&mut self, clause: &[i32]) {
        let mut lits: Vec<Lit> = clause.iter().map(|&l| self.lit(l)).collect();
        if self.consistent && !self.solver.add_clause_reuse(&mut lits) {
            self.consistent = false;
        }
    }

    fn solve(&mut self, assumptions: &[i32], _conflicts: Option<u32>) -> Answer {
        if !self.consistent {
            return Answer::Unsat;
        }
        let assumptions: Vec<Lit> = assumptions.iter().map(|&l| self.lit(l)).collect();
        let result = self.solver.solve_limited(&assumptions);
        if result == lbool::FALSE {
            Answer::Unsat
        } else if result == lbool::TRUE {
            Answer::Sat
        } else {
            Answer::Stopped
        }
    }

    fn holds(&self, literal: i32) -> bool {
        let index = (literal.unsigned_abs() - 1) as usize;
        match self.vars.get(index) {
            Some(&var) => self.solver.value_lit(Lit::new(var, literal > 0)) == lbool::TRUE,
            None => literal < 0,
        }
    }
}

/// Shrink `core`, selector literals whose conjunction the engine has just proved
/// unsatisfiable (it is the last solve's failed assumptions), by deletion: each member is
/// dropped in turn, and stays out when the rest is still unsatisfiable (the rest then shrinks
/// to that solve's failed assumptions). When it finishes, every member is needed: dropping
/// any one makes the rest satisfiable. When the run must stop first, the set so far is
/// returned; it is still proven unsatisfiable.
fn shrink(engine: &mut Cdcl, mut core: Vec<i32>, stop: StopCondition) -> Vec<i32> {
    // `core[..needed]` are members already shown to be needed.
    let mut needed = 0;
    while needed < core.len() && !stop.reached() {
        let mut rest = core.clone();
        rest.remove(needed);
        match engine.solve(&rest, None) {
            Answer::Unsat => {
                // Members found needed before stay needed in any subset, so the failed
                // assumptions keep them.
                core = failed_among(engine, rest);
            }
            Answer::Sat => needed += 1,
            Answer::Stopped => break,
        }
    }
    core
}

/// The assumptions of the last (unsatisfiable) solve that its proof used; all of them if the
/// engine names none (the proof then needs no assumption, which the encoding rules out).
fn failed_among(engine: &Cdcl, assumptions: Vec<i32>) -> Vec<i32> {
    let failed: Vec<i32> = assumptions.iter().copied().filter(|&s| engine.failed(s)).collect();
    if failed.is_empty() {
        assumptions
    } else {
        failed
    }
}

/// The examples (indices) of the selectors in `core`.
fn examples_of(cnf: &Cnf, core: &[i32]) -> Vec<usize> {
    let mut examples: Vec<usize> = core.iter().filter_map(|s| cnf.selectors.iter().position(|x| x == s)).collect();
    examples.sort_unstable();
    examples
}

/// What a search for the params found.
pub(super) enum Outcome {
    /// The value of each param (model order); the graph violates no observation with them.
    Found(Vec<u32>),
    /// No params satisfy the examples in `Cegis::active`, so none satisfy them all.
    Impossible,
    Stopped,
}

/// Counterexample-guided synthesis (as in Sketch and ABC's exact synthesis) over the model's
/// CNF: the solver starts with the clauses of the shared values and of one example; each model
/// it finds is evaluated exactly on every example (the integer one-hot evaluator, which the run
/// loop's interpreter check confirms), and the first example it fails joins the formula, until
/// a model fails none. The formula grows with the examples it needs, not with all of them. An
/// unsatisfiable formula over some examples proves that no params satisfy all of them. With
/// `all` every example is in the formula from the start (the plain synthesis problem).
pub(super) struct Cegis {
    pub model: Model,
    cnf: Cnf,
    /// The examples in the formula, in the order they joined.
    pub active: Vec<usize>,
    in_formula: Vec<bool>,
    /// Clauses of `cnf` already given to the engine.
    given: usize,
}

impl Cegis {
    pub fn new(model: Model, engine: &mut dyn Engine, all: bool) -> Cegis {
        let cnf = Cnf::allocate_all(&model, false);
        let examples = model.num_examples;
        let mut cegis = Cegis { cnf, active: Vec::new(), in_formula: vec![false; examples], given: 0, model };
        cegis.cnf.add_part(&cegis.model, None);
        let first: Vec<usize> = if all { (0..examples).collect() } else { (0..examples.min(1)).collect() };
        for example in first {
            cegis.add_example(example);
        }
        cegis.flush(engine);
        cegis
    }

    fn add_example(&mut self, example: usize) {
        self.cnf.add_part(&self.model, Some(example));
        self.in_formula[example] = true;
        self.active.push(example);
    }

    /// Add clauses over the formula's literals (built by `extend` on the formula, such as the
    /// optimizer's bounds), and give them to the engine.
    pub fn extend<T>(&mut self, engine: &mut dyn Engine, extend: impl FnOnce(&mut Cnf, &Model) -> T) -> T {
        let result = extend(&mut self.cnf, &self.model);
        self.flush(engine);
        result
    }

    fn flush(&mut self, engine: &mut dyn Engine) {
        for clause in &self.cnf.clauses[self.given..] {
            engine.add_clause(clause);
        }
        self.given = self.cnf.clauses.len();
    }

    /// The literal that says param `param` (graph order) takes `value`.
    pub fn param_literal(&self, param: usize, value: u32) -> Option<i32> {
        let var = self.model.params[param];
        let position = self.model.vars[var].values.binary_search(&value).ok()?;
        self.cnf.literals[var].get(position).copied()
    }

    /// The params of the engine's last model.
    fn params(&self, engine: &dyn Engine) -> Vec<u32> {
        self.model
            .params
            .iter()
            .map(|&var| {
                let values = &self.model.vars[var].values;
                let chosen = self.cnf.literals[var].iter().position(|&l| engine.holds(l));
                chosen.map_or(values[0], |position| values[position])
            })
            .collect()
    }

    /// Solve, adding counterexamples, until a model satisfies every example, the formula is
    /// unsatisfiable, or the solve stops (the run's stop condition, or `conflicts` conflicts
    /// in one solve; the state is kept, so calling again resumes).
    pub fn search(&mut self, engine: &mut dyn Engine, problem: &mut Problem, conflicts: Option<u32>) -> Outcome {
        self.search_under(engine, problem, &[], conflicts)
    }

    /// `search` under assumptions (the optimizer's bounds): `Impossible` then says that no
    /// params satisfy the examples in the formula together with the assumptions.
    pub fn search_under(
        &mut self,
        engine: &mut dyn Engine,
        problem: &mut Problem,
        assumptions: &[i32],
        conflicts: Option<u32>,
    ) -> Outcome {
        loop {
            match engine.solve(assumptions, conflicts) {
                Answer::Stopped => return Outcome::Stopped,
                Answer::Unsat => return Outcome::Impossible,
                Answer::Sat => {
                    let values = self.params(engine);
                    let failing = problem.failing_examples(&values);
                    let new: Vec<usize> = failing.into_iter().filter(|&e| !self.in_formula[e]).collect();
                    if new.is_empty() {
                        return Outcome::Found(values);
                    }
                    // One counterexample at a time, as Sketch and ABC do (adding every failing
                    // example at once measured slower still, docs/backends.md).
                    self.add_example(new[0]);
                    self.flush(engine);
                }
            }
        }
    }
}

/// After a proof that no params satisfy the model's examples (`among`: those of a subset, or
/// every one): a small set of examples (indices, ascending) that cannot all hold together,
/// found with CaDiCaL on the CNF of those examples with selectors, shrunk while the run's time
/// allows. An example contradicted at compile time is such a set on its own. `None` when the
/// run had to stop before the first answer, or when the solver finds the examples satisfiable
/// after all (a disagreement between exact methods, which the differential tests guard
/// against).
pub(super) fn conflict_of(model: &Model, among: Option<&[usize]>, stop: StopCondition) -> Option<Vec<usize>> {
    if let Some(example) = model.contradicted_example() {
        return Some(vec![example]);
    }
    let mut cnf = Cnf::allocate_all(model, true);
    cnf.add_part(model, None);
    let examples: Vec<usize> = match among {
        Some(list) => list.to_vec(),
        None => (0..model.num_examples).collect(),
    };
    for &example in &examples {
        cnf.add_part(model, Some(example));
    }
    let mut engine = Cdcl::new(stop);
    for clause in &cnf.clauses {
        engine.add_clause(clause);
    }
    let selectors: Vec<i32> = examples.iter().map(|&e| cnf.selectors[e]).collect();
    match engine.solve(&selectors, None) {
        Answer::Unsat => {
            let failed = failed_among(&engine, selectors);
            let core = examples_of(&cnf, &shrink(&mut engine, failed, stop));
            (!core.is_empty()).then_some(core)
        }
        Answer::Sat | Answer::Stopped => None,
    }
}

/// `conflict_of` the graph's model, for the other exact back ends once they have proved
/// impossibility in their own way.
pub fn conflicting_examples(graph: &Graph, stop: StopCondition) -> Option<Vec<usize>> {
    conflict_of(&Model::build(graph), None, stop)
}
