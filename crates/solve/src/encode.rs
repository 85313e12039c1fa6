//! Graph -> finite-domain constraint model, for the exact back ends. Every live node gets,
//! per example, either a value known at compile time (inputs and constants propagated) or a
//! finite-domain variable over the values it can take; tables, mixtures and observations
//! become constraints between them. The model is then written as CNF (one-hot literals,
//! `cnf`) or as SMT-LIB (bit-vectors or bounded integers, `smtlib`).

pub mod cardinality;
mod cnf;
pub mod miter;
mod smtlib;

use tpt_graph::graph::{Graph, NodeKind};

pub use cnf::Cnf;
pub use smtlib::{smt2, smt2_optimize, smt_name, SmtSort};

pub type VarId = usize;

/// A node's value in one example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Known(u32),
    Var(VarId),
}

/// A variable over the sorted list of values it can take.
#[derive(Clone, Debug)]
pub struct FdVar {
    pub values: Vec<u32>,
    pub name: String,
    /// The example whose computation the variable belongs to; `None` for params and values
    /// shared by every example.
    pub example: Option<usize>,
}

#[derive(Clone, Debug)]
pub enum Constraint {
    /// `out = f(operands)`: `results[c]` is the value for combination `c` of the operands'
    /// values, in mixed radix over their `values` lists (first operand most significant).
    Table { out: VarId, operands: Vec<VarId>, results: Vec<u32> },
    /// `out = choices[k].1` when the selector's value is `choices[k].0`.
    Mix { out: VarId, selector: VarId, choices: Vec<(u32, Term)> },
    /// The variable must take this value: an observation of example `example`.
    Fix { var: VarId, value: u32, example: usize },
    /// Unsatisfiable: an observation of example `example` contradicts a value known at
    /// compile time.
    False { example: usize },
}

/// The constraint model of a graph.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub vars: Vec<FdVar>,
    pub constraints: Vec<Constraint>,
    /// The variable of each graph param (params are never known).
    pub params: Vec<VarId>,
    /// The number of examples (observation constraints name theirs).
    pub num_examples: usize,
    /// The value of each term of the graph's objective (in graph order); the objective is
    /// their sum plus `objective_offset`.
    pub objective: Vec<Term>,
    /// The graph's `objective_offset`: the constant part of the objective.
    pub objective_offset: i64,
}

impl Model {
    /// The possible values of a term.
    pub fn values(&self, term: Term) -> Vec<u32> {
        match term {
            Term::Known(v) => vec![v],
            Term::Var(var) => self.vars[var].values.clone(),
        }
    }

    fn new_var(&mut self, mut values: Vec<u32>, name: String, example: Option<usize>) -> Term {
        values.sort_unstable();
        values.dedup();
        if values.len() == 1 {
            return Term::Known(values[0]);
        }
        self.vars.push(FdVar { values, name, example });
        Term::Var(self.vars.len() - 1)
    }

    /// Build the model of a graph.
    pub fn build(graph: &Graph) -> Model {
        Model::build_with_terms(graph).0
    }

    /// Build the model of a graph, with the term of every live node in every example:
    /// `terms[node]` has one entry per example, or one shared by all of them (params and
    /// nodes that depend on no input), and is empty for dead nodes.
    pub fn build_with_terms(graph: &Graph) -> (Model, Vec<Vec<Term>>) {
        let mut model =
            Model { num_examples: graph.num_examples, objective_offset: graph.objective_offset, ..Model::default() };
        let live = graph.live_nodes();
        let examples = graph.num_examples.max(1);
        let mut terms: Vec<Vec<Term>> = vec![Vec::new(); graph.len()];
        for (id, node) in graph.nodes() {
            if let NodeKind::Param { param } = node.kind {
                let name = graph.params[param].name.clone();
                let term = model.new_var((0..node.domain).collect(), name, None);
                if let Term::Var(var) = term {
                    model.params.push(var);
                } else {
                    // A param of domain 1 has one value: still give it a variable slot.
                    model.vars.push(FdVar { values: vec![0], name: graph.params[param].name.clone(), example: None });
                    model.params.push(model.vars.len() - 1);
                }
                terms[id] = vec![term];
            }
        }
        for (id, node) in graph.nodes() {
            if !live[id] || matches!(node.kind, NodeKind::Param { .. }) {
                continue;
            }
            let runs = if node.batched { examples } else { 1 };
            let mut per_example = Vec::with_capacity(runs);
            for example in 0..runs {
                let owner = node.batched.then_some(example);
                let at = |operand: usize| {
                    let list = &terms[operand];
                    list[if list.len() == 1 { 0 } else { example }]
                };
                let term = match &node.kind {
                    NodeKind::Input { input } => Term::Known(graph.input_value(example, *input)),
                    _ => model.compute(graph, id, owner, &at),
                };
                per_example.push(term);
            }
            terms[id] = per_example;
        }
        // The objective's nodes depend on params alone: one term each.
        model.objective =
            graph.objective.iter().map(|t| terms[t.node].first().copied().unwrap_or(Term::Known(0))).collect();
        for observation in &graph.observations {
            for (example, expected) in observation.expected.iter().enumerate() {
                let Some(expected) = *expected else { continue };
                let list = &terms[observation.node];
                match list[if list.len() == 1 { 0 } else { example }] {
                    Term::Known(v) if v == expected => {}
                    Term::Known(_) => model.constraints.push(Constraint::False { example }),
                    Term::Var(var) if model.vars[var].values.contains(&expected) => {
                        model.constraints.push(Constraint::Fix { var, value: expected, example })
                    }
                    Term::Var(_) => model.constraints.push(Constraint::False { example }),
                }
            }
        }
        (model, terms)
    }

    /// The term of node `id` (a constant, table or mixture; not a param or an input) computed
    /// in the run `owner` (an example, or `None` for values shared by every example) from its
    /// operands' terms, adding its variable and constraint when it is not known. The encoding
    /// of an example with known inputs and of a run whose inputs are variables (the miter of
    /// `encode::miter`) both go through here.
    pub fn compute(&mut self, graph: &Graph, id: usize, owner: Option<usize>, operand: &dyn Fn(usize) -> Term) -> Term {
        match &graph.node(id).kind {
            NodeKind::Param { .. } | NodeKind::Input { .. } => operand(id),
            NodeKind::Const { value } => Term::Known(*value),
            NodeKind::Table { operands, table } => {
                let operand_terms: Vec<Term> = operands.iter().map(|&o| operand(o)).collect();
                let domains: Vec<u32> = operands.iter().map(|&o| graph.node(o).domain).collect();
                self.table(id, owner, &operand_terms, &domains, table)
            }
            NodeKind::Mix { selector, choices } => {
                let selector = operand(*selector);
                let choices: Vec<Term> = choices.iter().map(|&c| operand(c)).collect();
                self.mix(id, owner, selector, &choices)
            }
            // The exact encodings are of finite domains: a graph with reals is refused before
            // it gets here (`pipeline::refuse_reals`).
            _ => Term::Known(0),
        }
    }

    /// A variable over `values` (a known value when there is only one) for run `example`.
    pub fn variable(&mut self, values: Vec<u32>, name: String, example: Option<usize>) -> Term {
        self.new_var(values, name, example)
    }

    /// The name of node `node`'s variable in `example` (`None`: shared by every example).
    fn node_name(node: usize, example: Option<usize>) -> String {
        match example {
            Some(example) => format!("n{node}_e{example}"),
            None => format!("n{node}"),
        }
    }

    fn table(
        &mut self,
        node: usize,
        example: Option<usize>,
        operands: &[Term],
        domains: &[u32],
        table: &[u32],
    ) -> Term {
        // Enumerate the combinations the operands can take; known operands are fixed.
        let choices: Vec<Vec<u32>> = operands.iter().map(|&t| self.values(t)).collect();
        let vars: Vec<VarId> =
            operands.iter().filter_map(|t| if let Term::Var(v) = t { Some(*v) } else { None }).collect();
        let count: usize = choices.iter().map(Vec::len).product();
        let mut position = vec![0usize; choices.len()];
        let mut results = Vec::with_capacity(count);
        for _ in 0..count {
            let mut index = 0usize;
            for ((options, &p), &domain) in choices.iter().zip(&position).zip(domains) {
                index = index * domain as usize + options[p] as usize;
            }
            results.push(table[index]);
            for (p, options) in position.iter_mut().zip(&choices).rev() {
                *p += 1;
                if *p < options.len() {
                    break;
                }
                *p = 0;
            }
        }
        let out = self.new_var(results.clone(), Model::node_name(node, example), example);
        if let Term::Var(out) = out {
            self.constraints.push(Constraint::Table { out, operands: vars, results });
        }
        out
    }

    fn mix(&mut self, node: usize, example: Option<usize>, selector: Term, choices: &[Term]) -> Term {
        match selector {
            Term::Known(k) => choices.get(k as usize).copied().unwrap_or(Term::Known(0)),
            Term::Var(selector) => {
                let reachable: Vec<(u32, Term)> = self.vars[selector]
                    .values
                    .iter()
                    .filter_map(|&k| choices.get(k as usize).map(|&t| (k, t)))
                    .collect();
                let values: Vec<u32> = reachable.iter().flat_map(|&(_, t)| self.values(t)).collect();
                let out = self.new_var(values, Model::node_name(node, example), example);
                if let Term::Var(out) = out {
                    self.constraints.push(Constraint::Mix { out, selector, choices: reachable });
                }
                out
            }
        }
    }

    /// The example a constraint belongs to (`None`: shared by every example).
    pub fn owner(&self, constraint: &Constraint) -> Option<usize> {
        match constraint {
            Constraint::Table { out, .. } | Constraint::Mix { out, .. } => self.vars[*out].example,
            Constraint::Fix { example, .. } | Constraint::False { example } => Some(*example),
        }
    }

    /// True when an observation contradicts known values: no assignment can satisfy it.
    pub fn trivially_false(&self) -> bool {
        self.contradicted_example().is_some()
    }

    /// The first example one of whose observations contradicts values known at compile time:
    /// that example alone cannot hold, whatever the params.
    pub fn contradicted_example(&self) -> Option<usize> {
        self.constraints.iter().find_map(|c| match c {
            Constraint::False { example } => Some(*example),
            _ => None,
        })
    }
}
