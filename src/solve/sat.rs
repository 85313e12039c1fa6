//! `sat`: the exact back end. The graph becomes a constraint model (`encode`), the model a
//! one-hot CNF, and the CNF is solved by batsat (a pure-Rust CDCL solver). A model gives
//! the params; unsatisfiability proves that no program fits the examples.

use batsat::{lbool, Callbacks, Lit, SolverInterface, SolverOpts, Var};
use rand::RngExt;

use super::{BackendInfo, OptionInfo, Options, Problem, Rng, Solver, StepOutcome, StopCondition};
use crate::encode::{Cnf, Model};
use crate::graph::Graph;

struct Stop<'a>(StopCondition<'a>);

impl Callbacks for Stop<'_> {
    fn stop(&self) -> bool {
        self.0.reached()
    }
}

#[derive(Default)]
struct Sat {
    candidate: Vec<u32>,
}

impl Solver for Sat {
    fn start(&mut self, problem: &mut Problem, _: &mut Rng) {
        self.candidate = vec![0; problem.num_params()];
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        let model = Model::build(problem.graph);
        if model.trivially_false() {
            return StepOutcome::Exhausted;
        }
        let cnf = Cnf::from_model(&model);
        let options = SolverOpts { random_seed: rng.random_range(1.0..1e6), ..SolverOpts::default() };
        let mut solver = batsat::Solver::new(options, Stop(problem.stop_condition()));
        let vars: Vec<Var> = (0..cnf.num_vars).map(|_| solver.new_var_default()).collect();
        let to_lit = |l: i32| Lit::new(vars[(l.unsigned_abs() - 1) as usize], l > 0);
        for clause in &cnf.clauses {
            let mut lits: Vec<Lit> = clause.iter().map(|&l| to_lit(l)).collect();
            if !solver.add_clause_reuse(&mut lits) {
                return StepOutcome::Exhausted;
            }
        }
        let result = solver.solve_limited(&[]);
        if result == lbool::FALSE {
            return StepOutcome::Exhausted;
        }
        if result != lbool::TRUE {
            // Stopped by the deadline or an interrupt: the run loop reports it.
            return StepOutcome::Continue;
        }
        for (slot, &var) in self.candidate.iter_mut().zip(&model.params) {
            let values = &model.vars[var].values;
            let chosen = cnf.literals[var].iter().position(|&l| solver.value_lit(to_lit(l)) == lbool::TRUE);
            *slot = chosen.map_or(values[0], |position| values[position]);
        }
        StepOutcome::Finished
    }

    fn candidate(&self) -> &[u32] {
        &self.candidate
    }

    fn uses_step_budget(&self) -> bool {
        false
    }
}

fn make(_: &Options) -> Box<dyn Solver> {
    Box::new(Sat::default())
}

fn admissible(_: &Graph, _: &Options) -> Result<(), String> {
    Ok(())
}

const OPTIONS: &[OptionInfo] = &[];

pub static BACKEND: BackendInfo = BackendInfo {
    name: "sat",
    summary: "exact: one-hot CNF solved by a built-in CDCL SAT solver; proves impossibility",
    options: OPTIONS,
    make,
    admissible,
};
