//! Optimization: a graph with an objective (`minimize`) or an allowance of failing examples
//! (`--max-violations`) -> the best params. The exact search (`sat`, and `auto`'s solver
//! half) solves the one-hot CNF under bounds: first the fewest failing examples, counted over
//! the negated example selectors, then the lowest objective, each bound tightened until the
//! solver proves that nothing better exists. The gradient back ends get `descend`, which
//! improves the objective of a program they found while its examples keep holding.

use super::cdcl::Answer;
use super::sat_engine::{Cegis, Engine, Outcome};
use super::Problem;
use crate::encode::cardinality::{count_bound, objective_base, objective_bound};
use crate::encode::{Cnf, Model};

/// What the exact optimization ended with.
pub(super) enum Optimum {
    /// The best params found (graph order), and whether they are proven best.
    Found { params: Vec<u32>, proven: bool },
    /// No params fail at most the allowed number of examples.
    Impossible,
    /// Stopped before any params were found.
    Stopped,
    /// The solver's model meets a bound on the objective that the graph says it does not: the
    /// encoding and the graph disagree (a bug in tpt), described, at the model's params.
    Disagreement { params: Vec<u32>, detail: String },
}

/// What `Optimum::Disagreement` says of a model under the bound "cost <= `bound`" whose cost
/// by the graph is `found`.
fn disagreement(params: Vec<u32>, bound: i64, found: i64) -> Optimum {
    let detail = format!("the objective's CNF bound and the graph disagree: a model under the bound `cost <= {bound}` has cost {found} by the graph");
    Optimum::Disagreement { params, detail }
}

/// The params of the engine's last model.
fn params_of(model: &Model, cnf: &Cnf, engine: &dyn Engine) -> Vec<u32> {
    model
        .params
        .iter()
        .map(|&var| {
            let values = &model.vars[var].values;
            let chosen = cnf.literals[var].iter().position(|&l| engine.holds(l));
            chosen.map_or(values[0], |position| values[position])
        })
        .collect()
}

/// Lexicographic optimization with one engine: the fewest failing examples (at most the
/// problem's allowance), then the lowest objective among programs failing that many. Every
/// bound is a set of assumptions on the same formula, so the solver keeps what it learnt.
/// With `cegis` and no allowance, the formula holds only the examples that models failed
/// (`optimize_cegis`); an allowance counts failing examples over all of them, so it keeps
/// every example in the formula. Without an allowance, `incumbent` (params that satisfy every
/// example, found by another search) takes the place of the first solve: the bounds start
/// below its objective.
pub(super) fn optimize(
    model: &Model,
    engine: &mut dyn Engine,
    problem: &mut Problem,
    cegis: bool,
    incumbent: Option<&[u32]>,
) -> Optimum {
    let incumbent = incumbent.filter(|_| problem.max_violations() == 0);
    if cegis && problem.max_violations() == 0 {
        return optimize_cegis(model, engine, problem, incumbent);
    }
    let allowance = problem.max_violations();
    let mut cnf = if allowance > 0 { Cnf::with_selectors(model) } else { Cnf::from_model(model) };
    // A selector that is false switches its example's observations off: the example may fail.
    let dropped: Vec<i32> = cnf.selectors.iter().map(|&s| -s).collect();
    let violations = count_bound(&mut cnf, &dropped, allowance);
    let given = cnf.clauses.len();
    for clause in &cnf.clauses {
        engine.add_clause(clause);
    }
    // The fewest failing examples: a model with k selectors off fails at most those k, and a
    // program that fails f examples gives a model with f selectors off, so the least k with a
    // model is the least number of failing examples.
    let mut fixed = Vec::new();
    let mut first = None;
    if let Some(params) = incumbent {
        fixed = violations.assume(0).unwrap_or_default();
        first = Some(params.to_vec());
    }
    for k in (0..=allowance).filter(|_| first.is_none()) {
        let assumptions = violations.assume(k as i64).unwrap_or_default();
        match engine.solve(&assumptions, None) {
            Answer::Stopped => return Optimum::Stopped,
            Answer::Unsat => continue,
            Answer::Sat => {
                fixed = assumptions;
                first = Some(params_of(model, &cnf, engine));
                break;
            }
        }
    }
    let Some(mut best) = first else { return Optimum::Impossible };
    if problem.graph.objective.is_empty() {
        return Optimum::Found { params: best, proven: true };
    }
    // Then the objective, tightened below the best so far until no model is left.
    let base = problem.graph.objective_offset + objective_base(model);
    let mut cost = problem.graph.objective_at(&best);
    let objective = objective_bound(&mut cnf, model, cost - base);
    for clause in &cnf.clauses[given..] {
        engine.add_clause(clause);
    }
    loop {
        let Some(bound) = objective.assume(cost - 1 - base) else {
            return Optimum::Found { params: best, proven: true };
        };
        let assumptions: Vec<i32> = fixed.iter().chain(&bound).copied().collect();
        match engine.solve(&assumptions, None) {
            Answer::Unsat => return Optimum::Found { params: best, proven: true },
            Answer::Stopped => return Optimum::Found { params: best, proven: false },
            Answer::Sat => {
                let params = params_of(model, &cnf, engine);
                let found = problem.graph.objective_at(&params);
                if found >= cost {
                    // The bound holds in the model, so this cannot happen unless the encoding
                    // and the graph disagree.
                    return disagreement(params, cost - 1, found);
                }
                cost = found;
                best = params;
            }
        }
    }
}

/// The lowest objective, counterexample-guided: the formula starts with the shared values
/// and one example, and every bound "cost <= k" is solved on the examples in it. A model is
/// evaluated exactly on every example (the integer one-hot evaluator, as `Cegis::search`
/// does; the run loop's interpreter check confirms the answer), and an example it fails joins
/// the formula, for this bound and every later one. A model that fails none is a program of
/// lower cost; a bound that is unsatisfiable on some of the examples is unsatisfiable on all
/// of them, which proves the best so far optimal. The examples a smaller circuit cannot meet
/// together are often few, so the proofs need a fraction of the formula.
fn optimize_cegis(model: &Model, engine: &mut dyn Engine, problem: &mut Problem, incumbent: Option<&[u32]>) -> Optimum {
    let mut cegis = Cegis::new(model.clone(), engine, false);
    minimize_with(&mut cegis, engine, problem, incumbent)
}

/// `optimize_cegis` on a formula that already holds some examples (`cegis.active` says which
/// ones the proofs needed), from `incumbent` when one is given.
fn minimize_with(
    cegis: &mut Cegis,
    engine: &mut dyn Engine,
    problem: &mut Problem,
    incumbent: Option<&[u32]>,
) -> Optimum {
    let model = &cegis.model;
    let base = problem.graph.objective_offset + objective_base(model);
    let first = match incumbent {
        Some(params) => Outcome::Found(params.to_vec()),
        None => cegis.search(engine, problem, None),
    };
    let mut best = match first {
        Outcome::Found(params) => params,
        Outcome::Impossible => return Optimum::Impossible,
        Outcome::Stopped => return Optimum::Stopped,
    };
    let mut cost = problem.graph.objective_at(&best);
    let objective = cegis.extend(engine, |cnf, model| objective_bound(cnf, model, cost - base));
    loop {
        let Some(bound) = objective.assume(cost - 1 - base) else {
            return Optimum::Found { params: best, proven: true };
        };
        match cegis.search_under(engine, problem, &bound, None) {
            Outcome::Impossible => return Optimum::Found { params: best, proven: true },
            Outcome::Stopped => return Optimum::Found { params: best, proven: false },
            Outcome::Found(params) => {
                let found = problem.graph.objective_at(&params);
                if found >= cost {
                    // As in `optimize`: the encoding and the graph disagree.
                    return disagreement(params, cost - 1, found);
                }
                cost = found;
                best = params;
            }
        }
    }
}

/// A descent on the objective from a program that fails at most `allowance` examples: single
/// param moves, and (when every example must hold) pairs of moves where the second repairs
/// what the first broke, each taken when it lowers the objective without failing more
/// examples, until no move does. Deterministic: params and values are tried in order.
pub(super) fn descend(problem: &mut Problem, start: &[u32], allowance: usize) -> Vec<u32> {
    let graph = problem.graph;
    let domains = problem.domains.clone();
    let mut current = start.to_vec();
    let mut cost = graph.objective_at(&current);
    let mut failing = problem.failing_examples(&current).len();
    let fits = |problem: &mut Problem, assignment: &[u32], failing: usize| {
        let count = problem.failing_examples(assignment).len();
        (count <= allowance && count <= failing).then_some(count)
    };
    'improve: while !problem.should_stop() {
        for param in 0..domains.len() {
            let old = current[param];
            for value in 0..domains[param] {
                if value == old {
                    continue;
                }
                current[param] = value;
                let moved = graph.objective_at(&current);
                if moved >= cost {
                    continue;
                }
                if let Some(count) = fits(problem, &current, failing) {
                    cost = moved;
                    failing = count;
                    continue 'improve;
                }
                if allowance == 0 {
                    // A second move that repairs every example, and keeps the objective lower.
                    problem.violations_at(&current);
                    for other in 0..domains.len() {
                        if other == param {
                            continue;
                        }
                        let kept = current[other];
                        for repair in 0..domains[other] {
                            if repair == kept || problem.violations_after_move(other, repair) != 0 {
                                continue;
                            }
                            current[other] = repair;
                            let repaired = graph.objective_at(&current);
                            if repaired < cost {
                                cost = repaired;
                                continue 'improve;
                            }
                            current[other] = kept;
                        }
                    }
                }
            }
            current[param] = old;
        }
        break;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdcl::Cdcl;
    use crate::testing::graph_of;
    use std::sync::atomic::AtomicBool;
    use tpt_core::limits::Limits;
    use tpt_graph::tape::Tape;

    /// From an incumbent the bounds start below its objective: the optimum is proven without
    /// a first solve, and a solver stopped before any bound keeps the incumbent, unproven.
    #[test]
    fn an_incumbent_replaces_the_first_solve() {
        let source = "param a: 4;\nparam b: 4;\ninput x: 2;\noutput y: 4;\ny = (a + b + x) % 4;\nminimize a;\n\
                      example { x = 0; y = 3; }\nexample { x = 1; y = 0; }\n";
        let graph = graph_of(source);
        let tape = Tape::new(&graph, &Limits::default()).expect("fits");
        let stop = AtomicBool::new(false);
        let model = Model::build(&graph);
        for cegis in [false, true] {
            let mut problem = Problem::new(&graph, tape.clone(), None, &stop);
            let mut engine = Cdcl::new(problem.stop_condition());
            match optimize(&model, &mut engine, &mut problem, cegis, Some(&[3, 0])) {
                Optimum::Found { params, proven } => assert_eq!((params, proven), (vec![0, 3], true), "cegis {cegis}"),
                _ => panic!("a = 0, b = 3 satisfies every example"),
            }
            // A solver that stops at once: the incumbent is the answer, not proven best.
            let mut problem = Problem::new(&graph, tape.clone(), None, &stop);
            let mut engine = Cdcl::new(problem.stop_condition());
            let watch = std::sync::Arc::new(crate::cdcl::Watch::default());
            watch.stop_at_conflicts.store(0, std::sync::atomic::Ordering::Relaxed);
            engine.watch(watch);
            match optimize(&model, &mut engine, &mut problem, cegis, Some(&[3, 0])) {
                Optimum::Found { params, proven } => assert_eq!((params, proven), (vec![3, 0], false), "cegis {cegis}"),
                _ => panic!("the incumbent is kept"),
            }
        }
    }

    /// An encoding that disagrees with the graph (here the model of `minimize a` against the
    /// graph of `minimize 3 - a`) gives models under each bound that the graph says are no
    /// cheaper: a disagreement, which the run reports as an internal error. It was a result
    /// "not proven best", on which `sat` started its search again, forever.
    #[test]
    fn a_model_the_graph_prices_above_its_bound_is_a_disagreement() {
        let compile_with = |objective: &str| {
            let source = format!(
                "param a: 4;\ninput x: 2;\noutput y: 2;\ny = x;\nminimize {objective};\nexample {{ x = 0; y = 0; }}\n"
            );
            graph_of(&source)
        };
        let (encoded, priced) = (compile_with("a"), compile_with("3 - a"));
        let model = Model::build(&encoded);
        let tape = Tape::new(&priced, &Limits::default()).expect("fits");
        let stop = AtomicBool::new(false);
        for cegis in [false, true] {
            let mut problem = Problem::new(&priced, tape.clone(), None, &stop);
            let mut engine = Cdcl::new(problem.stop_condition());
            // From a = 0 (cost 3 by the graph), every bound `a <= c - 1` below a cost c >= 1
            // admits only values the graph prices at 4 - c or more.
            match optimize(&model, &mut engine, &mut problem, cegis, Some(&[0])) {
                Optimum::Disagreement { detail, .. } => assert!(detail.contains("disagree"), "{detail}"),
                _ => panic!("cegis {cegis}: the encoding and the graph disagree"),
            }
        }
    }

    #[test]
    fn counterexample_guided_bounds_are_proved_on_the_examples_they_need() {
        // Eight examples, each of which alone pins p = 3: the lower bound is proved on one.
        let source = "param p: 8;\ninput x: 8;\noutput y: 8;\ny = p;\nminimize p;\n\
                      for i in 0..8 { example { x = i; y = 3; } }\n";
        let graph = graph_of(source);
        let tape = Tape::new(&graph, &Limits::default()).expect("fits");
        let stop = AtomicBool::new(false);
        let mut problem = Problem::new(&graph, tape, None, &stop);
        let mut engine = Cdcl::new(problem.stop_condition());
        let mut cegis = Cegis::new(Model::build(&graph), &mut engine, false);
        match minimize_with(&mut cegis, &mut engine, &mut problem, None) {
            Optimum::Found { params, proven } => assert_eq!((params, proven), (vec![3], true)),
            _ => panic!("p = 3 satisfies every example"),
        }
        assert_eq!(cegis.active, vec![0], "the first example proves that p < 3 fails");
    }
}
