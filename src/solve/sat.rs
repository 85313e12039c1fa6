//! `sat`: graph -> constraint model (`encode`) -> one-hot CNF -> param values from a model of
//! the CNF, or a proof that none exist together with the examples that cannot all hold. The
//! CNF is solved by CaDiCaL (bundled by the `cadical` crate) or, with `--opt engine=batsat`, by
//! batsat (a pure-Rust CDCL solver). One solver answers, never a race between two, so that a
//! seed always prints the same program (docs/backends.md has the measurements).
//!
//! When the CNF is unsatisfiable, a second CNF guards each example's observations by a
//! selector literal and is solved with every selector assumed true: the selectors among the
//! failed assumptions name examples that cannot hold together, and deletion-based
//! minimization shrinks that set while the run's time allows. The other exact back ends use
//! the same explanation (`conflicting_examples`) after their own proofs.

use batsat::{lbool, Lit, SolverInterface, SolverOpts, Var};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::{BackendInfo, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome, StopCondition};
use crate::encode::{Cnf, Model};
use crate::graph::Graph;

/// The run's stop condition, polled by the SAT solvers.
struct Stop<'a>(StopCondition<'a>);

impl batsat::Callbacks for Stop<'_> {
    fn stop(&self) -> bool {
        self.0.reached()
    }
}

impl cadical::Callbacks for Stop<'_> {
    fn terminate(&mut self) -> bool {
        self.0.reached()
    }
}

/// What a solve under assumptions answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Sat,
    Unsat,
    /// Stopped by the deadline or an interrupt.
    Stopped,
}

/// A SAT solver loaded with one CNF, solved incrementally under assumptions (DIMACS literals).
trait Engine {
    fn solve(&mut self, assumptions: &[i32]) -> Answer;
    /// The value of a literal in the last model.
    fn holds(&self, literal: i32) -> bool;
}

struct Cadical<'a>(cadical::Solver<Stop<'a>>);

impl<'a> Cadical<'a> {
    fn new(cnf: &Cnf, stop: StopCondition<'a>) -> Self {
        let mut solver: cadical::Solver<Stop> = cadical::Solver::new();
        solver.set_callbacks(Some(Stop(stop)));
        for clause in &cnf.clauses {
            solver.add_clause(clause.iter().copied());
        }
        Cadical(solver)
    }
}

impl Engine for Cadical<'_> {
    fn solve(&mut self, assumptions: &[i32]) -> Answer {
        match self.0.solve_with(assumptions.iter().copied()) {
            Some(true) => Answer::Sat,
            Some(false) => Answer::Unsat,
            None => Answer::Stopped,
        }
    }

    fn holds(&self, literal: i32) -> bool {
        // CaDiCaL leaves out variables the formula does not constrain; any value does.
        self.0.value(literal).unwrap_or(literal < 0)
    }
}

struct Batsat<'a> {
    solver: batsat::Solver<Stop<'a>>,
    vars: Vec<Var>,
    /// False when adding a clause already proved the formula unsatisfiable.
    consistent: bool,
}

impl<'a> Batsat<'a> {
    fn new(cnf: &Cnf, stop: StopCondition<'a>, seed: f64) -> Self {
        let options = SolverOpts { random_seed: seed, ..SolverOpts::default() };
        let mut solver = batsat::Solver::new(options, Stop(stop));
        let vars: Vec<Var> = (0..cnf.num_vars).map(|_| solver.new_var_default()).collect();
        let mut engine = Batsat { solver, vars, consistent: true };
        for clause in &cnf.clauses {
            let mut lits: Vec<Lit> = clause.iter().map(|&l| engine.lit(l)).collect();
            if !engine.solver.add_clause_reuse(&mut lits) {
                engine.consistent = false;
                break;
            }
        }
        engine
    }

    fn lit(&self, literal: i32) -> Lit {
        Lit::new(self.vars[(literal.unsigned_abs() - 1) as usize], literal > 0)
    }
}

impl Engine for Batsat<'_> {
    fn solve(&mut self, assumptions: &[i32]) -> Answer {
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
        self.solver.value_lit(self.lit(literal)) == lbool::TRUE
    }
}

/// Shrink `core`, selector literals whose conjunction the engine has just proved
/// unsatisfiable (it is the last solve's failed assumptions), by deletion: each member is
/// dropped in turn, and stays out when the rest is still unsatisfiable (the rest then shrinks
/// to that solve's failed assumptions). When it finishes, every member is needed: dropping
/// any one makes the rest satisfiable. When the run must stop first, the set so far is
/// returned; it is still proven unsatisfiable.
fn shrink(engine: &mut Cadical, mut core: Vec<i32>, stop: StopCondition) -> Vec<i32> {
    // `core[..needed]` are members already shown to be needed.
    let mut needed = 0;
    while needed < core.len() && !stop.reached() {
        let mut rest = core.clone();
        rest.remove(needed);
        match engine.solve(&rest) {
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
fn failed_among(engine: &Cadical, assumptions: Vec<i32>) -> Vec<i32> {
    let failed: Vec<i32> = assumptions.iter().copied().filter(|&s| engine.0.failed(s)).collect();
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

/// What one solve of the synthesis problem found.
enum Outcome {
    /// The value of each param (model order).
    Found(Vec<u32>),
    Impossible,
    Stopped,
}

/// Solve the model's CNF (`Cnf::from_model`, without selectors) on the engine: a model gives
/// the params. The synthesis problem itself is solved without selectors because assumptions
/// change CaDiCaL's search: with every selector assumed it took a quarter longer on the
/// 16-example 2-bit adder (docs/backends.md).
fn solve_model(model: &Model, cnf: &Cnf, engine: &mut dyn Engine) -> Outcome {
    match engine.solve(&[]) {
        Answer::Stopped => Outcome::Stopped,
        Answer::Unsat => Outcome::Impossible,
        Answer::Sat => Outcome::Found(
            model
                .params
                .iter()
                .map(|&var| {
                    let values = &model.vars[var].values;
                    let chosen = cnf.literals[var].iter().position(|&l| engine.holds(l));
                    chosen.map_or(values[0], |position| values[position])
                })
                .collect(),
        ),
    }
}

/// After a proof that no params satisfy the model's examples: a small set of examples
/// (indices, ascending) that cannot all hold together, found with CaDiCaL on the model's CNF
/// with selectors and shrunk while the run's time allows. An example contradicted at compile
/// time is such a set on its own. `None` when the run had to stop before the first answer, or
/// when the solver finds the examples satisfiable after all (a disagreement between exact
/// methods, which the differential tests guard against).
fn conflict_of(model: &Model, stop: StopCondition) -> Option<Vec<usize>> {
    if let Some(example) = model.contradicted_example() {
        return Some(vec![example]);
    }
    let cnf = Cnf::with_selectors(model);
    let mut engine = Cadical::new(&cnf, stop);
    match engine.solve(&cnf.selectors) {
        Answer::Unsat => {
            let failed = failed_among(&engine, cnf.selectors.clone());
            let core = examples_of(&cnf, &shrink(&mut engine, failed, stop));
            (!core.is_empty()).then_some(core)
        }
        Answer::Sat | Answer::Stopped => None,
    }
}

/// `conflict_of` the graph's model, for the other exact back ends once they have proved
/// impossibility in their own way.
pub fn conflicting_examples(graph: &Graph, stop: StopCondition) -> Option<Vec<usize>> {
    conflict_of(&Model::build(graph), stop)
}

#[derive(Default)]
struct Sat {
    candidate: Vec<u32>,
    engine: EngineChoice,
    conflict: Option<Vec<usize>>,
}

/// Which SAT solver answers: one, never a race between two, so that a seed always gives the
/// same program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum EngineChoice {
    #[default]
    Cadical,
    Batsat,
}

impl Solver for Sat {
    fn start(&mut self, problem: &mut Problem, _: &mut Rng) {
        self.candidate = vec![0; problem.num_params()];
        self.conflict = None;
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        let model = Model::build(problem.graph);
        let stop = problem.stop_condition();
        let outcome = if model.trivially_false() {
            Outcome::Impossible
        } else {
            let cnf = Cnf::from_model(&model);
            if self.engine == EngineChoice::Batsat {
                let seed = rng.random_range(1.0..1e6);
                solve_model(&model, &cnf, &mut Batsat::new(&cnf, stop, seed))
            } else {
                solve_model(&model, &cnf, &mut Cadical::new(&cnf, stop))
            }
        };
        match outcome {
            Outcome::Found(values) => {
                self.candidate = values;
                StepOutcome::Finished
            }
            Outcome::Impossible => {
                self.conflict = conflict_of(&model, stop);
                StepOutcome::Exhausted
            }
            // Stopped by the deadline or an interrupt: the run loop reports it.
            Outcome::Stopped => StepOutcome::Continue,
        }
    }

    fn candidate(&self) -> &[u32] {
        &self.candidate
    }

    fn conflict(&self) -> Option<Vec<usize>> {
        self.conflict.clone()
    }

    fn is_exact(&self) -> bool {
        true
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(Sat { engine: options.decode::<SatParams>().engine, ..Sat::default() })
}

fn admissible(_: &Graph, _: &Options) -> Result<(), String> {
    Ok(())
}

const OPTIONS: &[OptionInfo] = &[OptionInfo {
    key: "engine",
    kind: Kind::Choice(&["cadical", "batsat"]),
    help: "the SAT solver: CaDiCaL, or batsat (pure Rust)",
}];

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SatParams {
    engine: EngineChoice,
}

pub static BACKEND: BackendInfo = BackendInfo {
    name: "sat",
    summary: "exact: one-hot CNF solved by the bundled CaDiCaL; proves impossibility and names conflicting examples",
    options: OPTIONS,
    defaults: || Options::of(&SatParams::default()),
    make,
    admissible,
};
