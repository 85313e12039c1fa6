//! Graph + the params of found programs -> a miter: the CNF of a second program that satisfies
//! every example (but those the found program gives up under `--max-violations`) and behaves
//! differently from each found program on some input. The second program's params are the
//! model's param variables, constrained by the examples as in the `sat` back end's encoding;
//! each found program adds a block of its own: one input assignment left free (each input
//! element a variable over its declared domain), the second program and the found one (its
//! params known, so most of its values fold to constants) computed on it,
//! and a clause that some observation differs between the two.
//!
//! Behaviour is what the examples can observe: the value of every output element some example
//! observes, and whether each `observe` holds. An input on which neither program satisfies every
//! `observe` is no input an example could give, so a block also asks that at least one of the two
//! programs satisfies all of them there.

use super::{Cnf, Model, Term, VarId};
use tpt_graph::graph::{Graph, NodeKind, Target};

/// The free input of one block and the two programs' values on it.
struct Block {
    /// One term per graph input slot: a variable over the input's domain, or a known value for
    /// an input no observation reads (it is reported as 0).
    inputs: Vec<Term>,
}

/// The miter's model and CNF, grown one block per found program.
pub struct Miter {
    pub model: Model,
    pub cnf: Cnf,
    /// The term of every live node in every example (`Model::build_with_terms`).
    terms: Vec<Vec<Term>>,
    live: Vec<bool>,
    blocks: Vec<Block>,
}

impl Miter {
    /// The second program constrained by every example but those in `given_up` (indices of
    /// examples the found program fails under `--max-violations`; empty otherwise), with no
    /// block yet. The second program then fits what the found one fits: an example given up is
    /// a label the user doubts, and holding the second program to it would make it differ from
    /// the found one on that example's input, which is no news.
    pub fn new(graph: &Graph, given_up: &[usize]) -> Miter {
        let (model, terms) = Model::build_with_terms(graph);
        let cnf = match given_up {
            [] => Cnf::from_model(&model),
            _ => {
                // Each example's observations hold under its selector; the selectors of the
                // examples kept are asserted, those of the ones given up are left free.
                let mut cnf = Cnf::with_selectors(&model);
                let kept: Vec<i32> = (0..cnf.selectors.len())
                    .filter(|example| !given_up.contains(example))
                    .map(|example| cnf.selectors[example])
                    .collect();
                cnf.clauses.extend(kept.into_iter().map(|selector| vec![selector]));
                cnf
            }
        };
        Miter { model, cnf, terms, live: graph.live_nodes(), blocks: Vec::new() }
    }

    /// An upper bound on the literals one block adds: the clauses of every live table and
    /// mixture of two runs over a free input, none folded. The examples' part is about the
    /// size of the `sat` back end's formula.
    pub fn block_literals(graph: &Graph) -> u64 {
        let live = graph.live_nodes();
        let mut literals = 0u64;
        for (id, node) in graph.nodes() {
            if !live[id] {
                continue;
            }
            let size = match &node.kind {
                NodeKind::Table { operands, table } => table.len() as u64 * (operands.len() as u64 + 1),
                NodeKind::Mix { choices, .. } => choices.iter().map(|&c| u64::from(graph.node(c).domain) * 3).sum(),
                NodeKind::Param { .. } | NodeKind::Input { .. } | NodeKind::Const { .. } => u64::from(node.domain),
                // A graph with reals never reaches the miter (`Ending::Reals`).
                _ => 0,
            };
            literals = literals.saturating_add(size.saturating_mul(2));
        }
        literals
    }

    /// The number of blocks so far.
    pub fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// Add a block for the program with params `fixed` (one value per graph param): the second
    /// program must behave differently from it on this block's free input. Returns the index
    /// of the first clause added; the clauses before it are unchanged.
    pub fn add_block(&mut self, graph: &Graph, fixed: &[u32]) -> usize {
        let first = self.cnf.clauses.len();
        // Each block's variables carry a run number of their own, after the examples'.
        let run = self.model.num_examples + self.blocks.len();
        let mut inputs = Vec::with_capacity(graph.inputs.len());
        for (index, slot) in graph.inputs.iter().enumerate() {
            let domain = graph.node(slot.node).domain;
            inputs.push(if self.live[slot.node] {
                self.model.variable((0..domain).collect(), format!("input{index}_r{run}"), Some(run))
            } else {
                Term::Known(0)
            });
        }
        let second = self.run(graph, &inputs, None, run);
        let found = self.run(graph, &inputs, Some(fixed), run);
        self.cnf.allocate_new(&self.model);
        self.cnf.add_part(&self.model, Some(run));
        self.differ(graph, &found, &second);
        self.blocks.push(Block { inputs });
        first
    }

    /// The term of every live node on the given inputs, with the model's param variables
    /// (`fixed` = `None`: the second program) or known params. Dead nodes get `Known(0)`.
    fn run(&mut self, graph: &Graph, inputs: &[Term], fixed: Option<&[u32]>, run: usize) -> Vec<Term> {
        let mut terms = vec![Term::Known(0); graph.len()];
        for (id, node) in graph.nodes() {
            if !self.live[id] {
                continue;
            }
            terms[id] = match (&node.kind, fixed) {
                (NodeKind::Param { param }, Some(fixed)) => Term::Known(fixed.get(*param).copied().unwrap_or(0)),
                (NodeKind::Input { input }, _) => inputs[*input],
                // Values that depend on no input are those of the examples' encoding.
                (_, None) if !node.batched => self.terms[id][0],
                _ => self.model.compute(graph, id, Some(run), &|operand| terms[operand]),
            };
        }
        terms
    }

    /// A fresh CNF variable.
    fn fresh(&mut self) -> i32 {
        self.cnf.num_vars += 1;
        self.cnf.num_vars as i32
    }

    /// The literal that says `var` takes `value`, if it can.
    fn literal(&self, var: VarId, value: u32) -> Option<i32> {
        let position = self.model.vars[var].values.binary_search(&value).ok()?;
        Some(self.cnf.literals[var][position])
    }

    /// Clauses saying that some observation differs between the two runs, and that one of
    /// them satisfies every `observe`.
    fn differ(&mut self, graph: &Graph, found: &[Term], second: &[Term]) {
        let mut any = Vec::new();
        for observation in &graph.observations {
            let (a, b) = (found[observation.node], second[observation.node]);
            let differs = self.fresh();
            let mut clauses: Vec<Vec<i32>> = Vec::new();
            match (a, b) {
                (Term::Known(x), Term::Known(y)) => {
                    if x == y {
                        clauses.push(vec![-differs]);
                    }
                }
                (Term::Known(x), Term::Var(v)) | (Term::Var(v), Term::Known(x)) => {
                    if let Some(l) = self.literal(v, x) {
                        clauses.push(vec![-differs, -l]);
                    }
                }
                (Term::Var(u), Term::Var(v)) => {
                    for &value in &self.model.vars[u].values {
                        if let (Some(lu), Some(lv)) = (self.literal(u, value), self.literal(v, value)) {
                            clauses.push(vec![-differs, -lu, -lv]);
                        }
                    }
                }
            }
            self.cnf.clauses.extend(clauses);
            any.push(differs);
        }
        self.cnf.clauses.push(any);
        let observes: Vec<usize> =
            graph.observations.iter().filter(|o| o.target == Target::Observe).map(|o| o.node).collect();
        if observes.is_empty() {
            return;
        }
        let mut either = Vec::new();
        for terms in [found, second] {
            let holds = self.fresh();
            for &node in &observes {
                match terms[node] {
                    Term::Known(1) => {}
                    Term::Known(_) => self.cnf.clauses.push(vec![-holds]),
                    Term::Var(v) => {
                        let clause = match self.literal(v, 1) {
                            Some(l) => vec![-holds, l],
                            None => vec![-holds],
                        };
                        self.cnf.clauses.push(clause);
                    }
                }
            }
            either.push(holds);
        }
        self.cnf.clauses.push(either);
    }

    /// The value of a term in a model of the CNF (`holds` says whether a literal is true).
    fn value(&self, term: Term, holds: &dyn Fn(i32) -> bool) -> u32 {
        match term {
            Term::Known(value) => value,
            Term::Var(var) => {
                let values = &self.model.vars[var].values;
                let chosen = self.cnf.literals[var].iter().position(|&l| holds(l));
                chosen.map_or(values[0], |position| values[position])
            }
        }
    }

    /// The literals that give the second program's params the values `params` (graph order).
    pub fn param_literals(&self, params: &[u32]) -> Vec<i32> {
        self.model.params.iter().zip(params).filter_map(|(&var, &value)| self.literal(var, value)).collect()
    }

    /// The second program's params (graph order) in a model of the CNF.
    pub fn params(&self, holds: &dyn Fn(i32) -> bool) -> Vec<u32> {
        self.model.params.iter().map(|&var| self.value(Term::Var(var), holds)).collect()
    }

    /// The free input of block `block` in a model of the CNF: one value per graph input slot.
    pub fn inputs(&self, block: usize, holds: &dyn Fn(i32) -> bool) -> Vec<u32> {
        self.blocks[block].inputs.iter().map(|&term| self.value(term, holds)).collect()
    }
}
