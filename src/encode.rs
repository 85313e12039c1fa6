//! Graph -> finite-domain constraint model, for the exact back ends. Every live node gets,
//! per example, either a value known at compile time (inputs and constants propagated) or a
//! finite-domain variable over the values it can take; tables, mixtures and observations
//! become constraints between them. The model is then written as CNF (one-hot literals) or
//! as SMT-LIB (bit-vectors or bounded integers).

pub mod cardinality;
pub mod miter;

use std::fmt::Write as _;

use crate::graph::{Graph, NodeKind};

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
    /// their sum plus the graph's `objective_offset`.
    pub objective: Vec<Term>,
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
        let mut model = Model { num_examples: graph.num_examples, ..Model::default() };
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

// ---------------------------------------------------------------------- CNF

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

// ---------------------------------------------------------------------- SMT-LIB

/// The SMT-LIB 2 name of a model variable: `|gate[0]|` for params, `n12_e3` for nodes.
pub fn smt_name(model: &Model, var: VarId) -> String {
    let name = &model.vars[var].name;
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.clone()
    } else {
        format!("|{name}|")
    }
}

/// How the SMT-LIB text represents finite-domain values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SmtSort {
    /// Bit-vectors just wide enough for each variable's values: the solver bit-blasts them to
    /// SAT, which measured 1.2 to 1.6x faster than integers on the circuits and turned the
    /// 16-example 2-bit adder from over 300 s into about 30 s with z3 (docs/backends.md).
    #[default]
    BitVec,
    /// Bounded integers (linear integer arithmetic).
    Int,
}

/// Writes one model in one sort.
struct SmtWriter<'a> {
    model: &'a Model,
    sort: SmtSort,
    /// For z3's optimizer: the number of examples that may fail (each example's observations
    /// then hold under a selector of its own), and whether to minimize the objective.
    goal: Option<(usize, bool)>,
}

impl SmtWriter<'_> {
    /// Bits of a variable's bit-vector: enough for its largest value.
    fn width(&self, var: VarId) -> u32 {
        let largest = self.model.vars[var].values.last().copied().unwrap_or(0);
        (u32::BITS - largest.leading_zeros()).max(1)
    }

    fn sort_of(&self, var: VarId) -> String {
        match self.sort {
            SmtSort::Int => "Int".to_string(),
            SmtSort::BitVec => format!("(_ BitVec {})", self.width(var)),
        }
    }

    /// A literal of `var`'s sort.
    fn literal(&self, value: u32, var: VarId) -> String {
        match self.sort {
            SmtSort::Int => value.to_string(),
            SmtSort::BitVec => format!("(_ bv{value} {})", self.width(var)),
        }
    }

    /// `term` as a value of `target`'s sort.
    fn term_as(&self, term: Term, target: VarId) -> String {
        match term {
            Term::Known(value) => self.literal(value, target),
            Term::Var(var) => {
                let name = smt_name(self.model, var);
                let (have, want) = (self.width(var), self.width(target));
                match self.sort {
                    SmtSort::BitVec if have < want => format!("((_ zero_extend {}) {name})", want - have),
                    SmtSort::BitVec if have > want => format!("((_ extract {} 0) {name})", want - 1),
                    _ => name,
                }
            }
        }
    }

    fn equals(&self, var: VarId, value: u32) -> String {
        format!("(= {} {})", smt_name(self.model, var), self.literal(value, var))
    }

    /// The constraint that a param takes one of its values.
    fn membership(&self, var: VarId) -> String {
        let values = &self.model.vars[var].values;
        let name = smt_name(self.model, var);
        let contiguous = values.windows(2).all(|w| w[1] == w[0] + 1);
        let le = match self.sort {
            SmtSort::Int => "<=",
            SmtSort::BitVec => "bvule",
        };
        match values[..] {
            [] => "false".to_string(),
            [only] => self.equals(var, only),
            // Bit-vectors are unsigned: no lower bound needed from zero.
            [0, .., last] if contiguous && self.sort == SmtSort::BitVec => {
                format!("({le} {name} {})", self.literal(last, var))
            }
            [first, .., last] if contiguous => {
                format!("(and ({le} {} {name}) ({le} {name} {}))", self.literal(first, var), self.literal(last, var))
            }
            _ => {
                let options: Vec<String> = values.iter().map(|&v| self.equals(var, v)).collect();
                format!("(or {})", options.join(" "))
            }
        }
    }

    /// An `ite` term giving a table's result: combinations grouped by result value, the most
    /// frequent result last (the default branch).
    fn table_term(&self, target: VarId, operands: &[VarId], results: &[u32]) -> String {
        let model = self.model;
        let sizes: Vec<usize> = operands.iter().map(|&o| model.vars[o].values.len()).collect();
        let mut groups: Vec<(u32, Vec<String>)> = Vec::new();
        let mut position = vec![0usize; operands.len()];
        for &result in results {
            let parts: Vec<String> =
                operands.iter().zip(&position).map(|(&o, &p)| self.equals(o, model.vars[o].values[p])).collect();
            let condition = if parts.len() == 1 { parts[0].clone() } else { format!("(and {})", parts.join(" ")) };
            match groups.iter_mut().find(|(r, _)| *r == result) {
                Some((_, list)) => list.push(condition),
                None => groups.push((result, vec![condition])),
            }
            for (p, &size) in position.iter_mut().zip(&sizes).rev() {
                *p += 1;
                if *p < size {
                    break;
                }
                *p = 0;
            }
        }
        groups.sort_by_key(|(_, list)| list.len());
        let Some((default, _)) = groups.pop() else { return self.literal(0, target) };
        let mut text = self.literal(default, target);
        for (result, conditions) in groups.iter().rev() {
            let condition =
                if conditions.len() == 1 { conditions[0].clone() } else { format!("(or {})", conditions.join(" ")) };
            text = format!("(ite {condition} {} {text})", self.literal(*result, target));
        }
        text
    }

    fn mix_term(&self, target: VarId, selector: VarId, choices: &[(u32, Term)]) -> String {
        let mut text = choices.last().map_or_else(|| self.literal(0, target), |&(_, t)| self.term_as(t, target));
        for &(k, t) in choices.iter().rev().skip(1) {
            text = format!("(ite {} {} {text})", self.equals(selector, k), self.term_as(t, target));
        }
        text
    }

    fn write(&self) -> String {
        let model = self.model;
        let mut out = String::new();
        let kind = match self.sort {
            SmtSort::Int => "bounded integers",
            SmtSort::BitVec => "bit-vectors",
        };
        let _ = writeln!(out, "; generated by tpt: params are {kind} shared by all examples");
        // No `set-logic`: z3 and cvc5 then pick their strategy themselves, which measured faster
        // on the circuit tasks than declaring QF_LIA or QF_BV.
        let _ = writeln!(out, "(set-option :produce-models true)");
        for &param in &model.params {
            let _ = writeln!(out, "(declare-fun {} () {})", smt_name(model, param), self.sort_of(param));
            let _ = writeln!(out, "(assert {})", self.membership(param));
        }
        let mut definitions: Vec<Option<String>> = vec![None; model.vars.len()];
        let mut facts = Vec::new();
        let allowance = self.goal.map_or(0, |(n, _)| n);
        let guarded = |example: usize, fact: String| match allowance {
            0 => fact,
            _ => format!("(=> selected_{example} {fact})"),
        };
        for constraint in &model.constraints {
            match constraint {
                Constraint::False { example } => facts.push(guarded(*example, "false".to_string())),
                Constraint::Fix { var, value, example } => facts.push(guarded(*example, self.equals(*var, *value))),
                Constraint::Table { out: target, operands, results } => {
                    definitions[*target] = Some(self.table_term(*target, operands, results));
                }
                Constraint::Mix { out: target, selector, choices } => {
                    definitions[*target] = Some(self.mix_term(*target, *selector, choices));
                }
            }
        }
        // Variables are created in topological order, so definitions can be emitted in order.
        for (var, definition) in definitions.iter().enumerate() {
            if let Some(definition) = definition {
                let _ = writeln!(out, "(define-fun {} () {} {definition})", smt_name(model, var), self.sort_of(var));
            }
        }
        if allowance > 0 {
            for example in 0..model.num_examples {
                let _ = writeln!(out, "(declare-fun selected_{example} () Bool)");
            }
        }
        for fact in facts {
            let _ = writeln!(out, "(assert {fact})");
        }
        if let Some((allowance, objective)) = self.goal {
            self.write_goal(&mut out, allowance, objective);
        }
        let _ = writeln!(out, "(check-sat)");
        let params: Vec<String> = model.params.iter().map(|&p| smt_name(model, p)).collect();
        if !params.is_empty() {
            let _ = writeln!(out, "(get-value ({}))", params.join(" "));
        }
        out
    }
}

impl SmtWriter<'_> {
    /// The objectives of z3's optimizer, in order (z3 optimizes them lexicographically): the
    /// number of examples switched off (at most `allowance`), then the objective's terms.
    fn write_goal(&self, out: &mut String, allowance: usize, objective: bool) {
        if allowance > 0 {
            let mut dropped = Vec::new();
            for example in 0..self.model.num_examples {
                dropped.push(format!("(ite selected_{example} 0 1)"));
            }
            let sum = if dropped.is_empty() { "0".to_string() } else { format!("(+ 0 {})", dropped.join(" ")) };
            let _ = writeln!(out, "(assert (<= {sum} {allowance}))");
            let _ = writeln!(out, "(minimize {sum})");
        }
        if objective {
            let terms: Vec<String> = self
                .model
                .objective
                .iter()
                .filter_map(|term| match *term {
                    Term::Known(_) => None,
                    Term::Var(var) => Some(match self.sort {
                        SmtSort::Int => smt_name(self.model, var),
                        SmtSort::BitVec => format!("(bv2nat {})", smt_name(self.model, var)),
                    }),
                })
                .collect();
            let _ = writeln!(out, "(minimize (+ 0 {}))", terms.join(" "));
        }
    }
}

/// The model as `smt2` writes it, with z3's optimization goals (`minimize`) before the
/// `check-sat`: the fewest examples switched off (at most `allowance`), then, with `objective`,
/// the objective less its constant part.
pub fn smt2_optimize(model: &Model, sort: SmtSort, allowance: usize, objective: bool) -> String {
    SmtWriter { model, sort, goal: Some((allowance, objective)) }.write()
}

/// The model in SMT-LIB 2: params as declared constants of `sort` shared by all examples,
/// every other value defined (`define-fun`) as an `ite` term over the values it depends on, so
/// that the solver sees only the params as unknowns; observations asserted.
pub fn smt2(model: &Model, sort: SmtSort) -> String {
    SmtWriter { model, sort, goal: None }.write()
}
