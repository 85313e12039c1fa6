//! `sat`: the exact back end. The graph becomes a constraint model (`encode`), the model a
//! one-hot CNF, and the CNF is solved by CaDiCaL (bundled by the `cadical` crate) and batsat
//! (a pure-Rust CDCL solver) in parallel, the first answer winning; `--opt engine=cadical` or
//! `--opt engine=batsat` runs one alone. A model gives the params; unsatisfiability proves
//! that no program fits the examples.

use std::sync::atomic::{AtomicBool, Ordering};

use batsat::{lbool, Callbacks, Lit, SolverInterface, SolverOpts, Var};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::{BackendInfo, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome, StopCondition};
use crate::encode::{Cnf, Model};
use crate::graph::Graph;

/// The run's stop condition, plus the flag by which the first engine of a portfolio to
/// answer stops the other.
struct Stop<'a> {
    run: StopCondition<'a>,
    answered: &'a AtomicBool,
}

impl Stop<'_> {
    fn reached(&self) -> bool {
        self.run.reached() || self.answered.load(Ordering::Relaxed)
    }
}

impl Callbacks for Stop<'_> {
    fn stop(&self) -> bool {
        self.reached()
    }
}

impl cadical::Callbacks for Stop<'_> {
    fn terminate(&mut self) -> bool {
        self.reached()
    }
}

/// What a SAT engine answered.
enum Answer {
    /// The value of every CNF variable (index 0 is variable 1).
    Sat(Vec<bool>),
    Unsat,
    Stopped,
}

#[derive(Default)]
struct Sat {
    candidate: Vec<u32>,
    engine: Engine,
}

/// Which SAT solver runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Engine {
    /// Both in parallel; the first answer wins.
    #[default]
    Portfolio,
    Cadical,
    Batsat,
}

/// Run CaDiCaL and batsat side by side; the first definite answer stops the other. Neither
/// dominates: batsat is faster on small circuits, CaDiCaL on the hardest.
fn solve_with_portfolio(cnf: &Cnf, run: StopCondition, seed: f64) -> Answer {
    let answered = AtomicBool::new(false);
    let finish = |answer: Answer| {
        if !matches!(answer, Answer::Stopped) {
            answered.store(true, Ordering::Relaxed);
        }
        answer
    };
    let (first, second) = std::thread::scope(|scope| {
        let other = scope.spawn(|| finish(solve_with_batsat(cnf, Stop { run, answered: &answered }, seed)));
        let mine = finish(solve_with_cadical(cnf, Stop { run, answered: &answered }));
        (mine, other.join().unwrap_or(Answer::Stopped))
    });
    match (first, second) {
        (Answer::Stopped, other) => other,
        (answer, _) => answer,
    }
}

fn solve_with_cadical(cnf: &Cnf, stop: Stop) -> Answer {
    let mut solver: cadical::Solver<Stop> = cadical::Solver::new();
    solver.set_callbacks(Some(stop));
    for clause in &cnf.clauses {
        solver.add_clause(clause.iter().copied());
    }
    match solver.solve() {
        Some(true) => Answer::Sat((1..=cnf.num_vars as i32).map(|v| solver.value(v) == Some(true)).collect()),
        Some(false) => Answer::Unsat,
        None => Answer::Stopped,
    }
}

fn solve_with_batsat(cnf: &Cnf, stop: Stop, seed: f64) -> Answer {
    let options = SolverOpts { random_seed: seed, ..SolverOpts::default() };
    let mut solver = batsat::Solver::new(options, stop);
    let vars: Vec<Var> = (0..cnf.num_vars).map(|_| solver.new_var_default()).collect();
    let to_lit = |l: i32| Lit::new(vars[(l.unsigned_abs() - 1) as usize], l > 0);
    for clause in &cnf.clauses {
        let mut lits: Vec<Lit> = clause.iter().map(|&l| to_lit(l)).collect();
        if !solver.add_clause_reuse(&mut lits) {
            return Answer::Unsat;
        }
    }
    let result = solver.solve_limited(&[]);
    if result == lbool::FALSE {
        Answer::Unsat
    } else if result == lbool::TRUE {
        Answer::Sat(vars.iter().map(|&v| solver.value_var(v) == lbool::TRUE).collect())
    } else {
        Answer::Stopped
    }
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
        let run = problem.stop_condition();
        let seed = rng.random_range(1.0..1e6);
        let alone = AtomicBool::new(false);
        let answer = match self.engine {
            Engine::Cadical => solve_with_cadical(&cnf, Stop { run, answered: &alone }),
            Engine::Batsat => solve_with_batsat(&cnf, Stop { run, answered: &alone }, seed),
            Engine::Portfolio => solve_with_portfolio(&cnf, run, seed),
        };
        let values = match answer {
            Answer::Unsat => return StepOutcome::Exhausted,
            // Stopped by the deadline or an interrupt: the run loop reports it.
            Answer::Stopped => return StepOutcome::Continue,
            Answer::Sat(values) => values,
        };
        let holds = |l: i32| values.get((l.unsigned_abs() - 1) as usize).copied().unwrap_or(false) == (l > 0);
        for (slot, &var) in self.candidate.iter_mut().zip(&model.params) {
            let options = &model.vars[var].values;
            let chosen = cnf.literals[var].iter().position(|&l| holds(l));
            *slot = chosen.map_or(options[0], |position| options[position]);
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

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(Sat { candidate: Vec::new(), engine: options.decode::<SatParams>().engine })
}

fn admissible(_: &Graph, _: &Options) -> Result<(), String> {
    Ok(())
}

const OPTIONS: &[OptionInfo] = &[OptionInfo {
    key: "engine",
    kind: Kind::Choice(&["portfolio", "cadical", "batsat"]),
    help: "the SAT solver: CaDiCaL and batsat in parallel (the first answer wins), or one of them",
}];

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SatParams {
    engine: Engine,
}

pub static BACKEND: BackendInfo = BackendInfo {
    name: "sat",
    summary: "exact: one-hot CNF solved by bundled SAT solvers (CaDiCaL and batsat in parallel); proves impossibility",
    options: OPTIONS,
    defaults: || Options::of(&SatParams::default()),
    make,
    admissible,
};
