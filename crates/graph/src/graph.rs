//! The differentiable graph: a DAG (petgraph) whose nodes each hold a distribution over a
//! finite domain for every example. Built by `lower`, read by the autodiff tape, the exact
//! encoders and `tpt graph`. Node ids are insertion order, which is a topological order.
//!
//! Terms: a *table* node computes `out[z] = sum over operand values v with f(v) = z of
//! prod_i p_i[v_i]` (the mean-field lift of a runtime expression); a *mix* node computes
//! `out = sum_k P(selector = k) * choice_k` (a runtime `if`, `match` or index).
//!
//! Real-valued nodes hold one number per example instead of a distribution: real params,
//! inputs and constants, arithmetic on them, the expectation of a finite node (an integer
//! promoted to a real), and real mixtures. A comparison of reals and `round(x, D)` turn reals
//! into distributions again; `Finite` checks that reals are numbers (see `lower`).

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, Reversed, Walker};

use tpt_core::program::BinOp;
use tpt_core::program::{ArrayId, RealOp};
use tpt_core::verify::ParamLayout;
use tpt_source::span::Span;

pub type NodeId = usize;

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// An unknown param element: `params[param]`.
    Param {
        param: usize,
    },
    /// An input element, one-hot from each example: `inputs[input]`.
    Input {
        input: usize,
    },
    Const {
        value: u32,
    },
    /// `table` is indexed in mixed radix over the operand domains, first operand most
    /// significant.
    Table {
        operands: Vec<NodeId>,
        table: Vec<u32>,
    },
    /// `choices[k]` is the value when the selector is `k`; `choices.len()` equals the
    /// selector's domain.
    Mix {
        selector: NodeId,
        choices: Vec<NodeId>,
    },
    /// An unknown real param element: `real_params[param]`.
    RealParam {
        param: usize,
    },
    /// A real input element, from each example: `real_inputs[input]`.
    RealInput {
        input: usize,
    },
    RealConst {
        value: f64,
    },
    /// The value `table[v]` of a finite expression, for each combination `v` of the operands'
    /// values (mixed radix, first operand most significant): its expectation on
    /// distributions.
    RealTable {
        operands: Vec<NodeId>,
        table: Vec<f64>,
    },
    /// Arithmetic on real nodes.
    Real {
        op: RealOp,
        operands: Vec<NodeId>,
    },
    /// `choices[k]` (real nodes) when the selector is `k`: the weighted sum on distributions.
    RealMix {
        selector: NodeId,
        choices: Vec<NodeId>,
    },
    /// A comparison of two real nodes: a distribution over 0 and 1 (a sigmoid of the
    /// difference while relaxed).
    Compare {
        op: BinOp,
        lhs: NodeId,
        rhs: NodeId,
    },
    /// `round(x, domain)` of a real node: a distribution over `0..domain`.
    Round {
        operand: NodeId,
    },
    /// 1 when every operand (real nodes) is a finite number, else 0: what the interpreter
    /// requires of every real it computes.
    Finite {
        operands: Vec<NodeId>,
    },
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// The node's values are `0..domain`; 1 for a real node (one number).
    pub domain: u32,
    /// The source syntax this node came from.
    pub span: Span,
    /// True when the node depends on an input, so differs between examples.
    pub batched: bool,
}

impl Node {
    /// The nodes this node reads, in operand order.
    pub fn operands(&self) -> Vec<NodeId> {
        match &self.kind {
            NodeKind::Param { .. }
            | NodeKind::Input { .. }
            | NodeKind::Const { .. }
            | NodeKind::RealParam { .. }
            | NodeKind::RealInput { .. }
            | NodeKind::RealConst { .. } => Vec::new(),
            NodeKind::Table { operands, .. }
            | NodeKind::RealTable { operands, .. }
            | NodeKind::Real { operands, .. }
            | NodeKind::Finite { operands } => operands.clone(),
            NodeKind::Mix { selector, choices } | NodeKind::RealMix { selector, choices } => {
                let mut all = vec![*selector];
                all.extend(choices);
                all
            }
            NodeKind::Compare { lhs, rhs, .. } => vec![*lhs, *rhs],
            NodeKind::Round { operand } => vec![*operand],
        }
    }

    /// Whether the node holds a real number rather than a distribution over its domain.
    pub fn is_real(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::RealParam { .. }
                | NodeKind::RealInput { .. }
                | NodeKind::RealConst { .. }
                | NodeKind::RealTable { .. }
                | NodeKind::Real { .. }
                | NodeKind::RealMix { .. }
        )
    }
}

/// An unknown param element the solver chooses.
#[derive(Clone, Debug)]
pub struct ParamSlot {
    pub array: ArrayId,
    pub flat: usize,
    /// `p[3]`
    pub name: String,
    pub domain: u32,
    pub node: NodeId,
    /// The param's declaration.
    pub span: Span,
}

/// An unknown real param element the solver chooses.
#[derive(Clone, Debug)]
pub struct RealParamSlot {
    pub array: ArrayId,
    pub flat: usize,
    /// `r[3]`
    pub name: String,
    pub node: NodeId,
    /// The param's declaration.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct InputSlot {
    pub array: ArrayId,
    pub flat: usize,
    pub node: NodeId,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// An output element observed by some example.
    Output { array: ArrayId, flat: usize },
    /// An `observe` statement (expected to be 1 in every example).
    Observe,
    /// The reals a statement computes are finite numbers (expected to be 1 where the
    /// statement runs): the interpreter stops at a division by zero or an overflow.
    Finite,
}

/// A real output element that the examples observe within a tolerance.
#[derive(Clone, Debug)]
pub struct RealObservation {
    pub node: NodeId,
    pub array: ArrayId,
    pub flat: usize,
    /// The output's declaration.
    pub span: Span,
    /// The observed value and its tolerance in each example (`None`: not observed there).
    pub expected: Vec<Option<tpt_core::program::RealValue>>,
}

/// A node whose value the examples fix.
#[derive(Clone, Debug)]
pub struct Observation {
    pub node: NodeId,
    pub target: Target,
    /// The output's declaration or the `observe` expression.
    pub span: Span,
    /// The expected value in each example (`None`: not observed there).
    pub expected: Vec<Option<u32>>,
}

/// One term of the objective (`minimize e;` in one loop iteration): the value of `node`
/// plus `offset` (table nodes hold values from 0, so a term's smallest value is the offset).
/// The node depends on params only, so it is the same in every example.
#[derive(Clone, Debug)]
pub struct ObjectiveTerm {
    pub node: NodeId,
    pub offset: i64,
    /// The `minimize` expression.
    pub span: Span,
}

/// The lowered program.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub dag: DiGraph<Node, usize>,
    pub params: Vec<ParamSlot>,
    pub inputs: Vec<InputSlot>,
    /// Row-major `[example][input]`: the value of every input node in every example.
    pub input_values: Vec<u32>,
    pub observations: Vec<Observation>,
    /// The real params, real inputs and their values (`[example][input]`), and the real
    /// observations; all empty in a program without reals.
    pub real_params: Vec<RealParamSlot>,
    /// The array element of each param and real param, in the same order: how the verifier
    /// reads a solver's assignment back into the program's arrays.
    pub layout: ParamLayout,
    pub real_inputs: Vec<InputSlot>,
    pub real_input_values: Vec<f64>,
    pub real_observations: Vec<RealObservation>,
    /// The divisors of real divisions that every example evaluates (outside runtime
    /// branches), with their spans: one that is 0 in an example whatever the params is an
    /// error of the program (see `pipeline`).
    pub real_divisors: Vec<(NodeId, Span)>,
    pub num_examples: usize,
    /// Statements and loop iterations executed while unrolling.
    pub unrolled_statements: u64,
    /// The terms of the objective that depend on params (empty: nothing to minimize).
    pub objective: Vec<ObjectiveTerm>,
    /// The sum of the objective's constant terms and of every term's offset.
    pub objective_offset: i64,
}

impl Graph {
    pub fn len(&self) -> usize {
        self.dag.node_count()
    }

    pub fn is_empty(&self) -> bool {
        self.dag.node_count() == 0
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.dag[NodeIndex::new(id)]
    }

    /// All nodes in topological order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.dag.node_indices().map(|i| (i.index(), &self.dag[i]))
    }

    /// Add a node; its operands must already exist, which keeps ids topological.
    pub fn add(&mut self, node: Node) -> NodeId {
        let operands = node.operands();
        let id = self.dag.add_node(node);
        for (position, operand) in operands.into_iter().enumerate() {
            self.dag.add_edge(NodeIndex::new(operand), id, position);
        }
        id.index()
    }

    /// The value of input `input` in example `example`.
    pub fn input_value(&self, example: usize, input: usize) -> u32 {
        self.input_values[example * self.inputs.len() + input]
    }

    /// The value of real input `input` in example `example`.
    pub fn real_input_value(&self, example: usize, input: usize) -> f64 {
        self.real_input_values[example * self.real_inputs.len() + input]
    }

    /// The same graph over some of its examples only (`examples`: indices, in the order the
    /// restricted graph numbers them): every input value and expected value of the others is
    /// left out, so a tape of it spends nothing on them. Counterexample-guided synthesis
    /// (`solve::cegis`) searches on such a graph.
    pub fn restricted(&self, examples: &[usize]) -> Graph {
        let inputs = self.inputs.len();
        let real_inputs = self.real_inputs.len();
        let mut graph = self.clone();
        graph.num_examples = examples.len();
        graph.input_values =
            examples.iter().flat_map(|&e| self.input_values[e * inputs..(e + 1) * inputs].iter().copied()).collect();
        graph.real_input_values = examples
            .iter()
            .flat_map(|&e| self.real_input_values[e * real_inputs..(e + 1) * real_inputs].iter().copied())
            .collect();
        for observation in &mut graph.observations {
            observation.expected = examples.iter().map(|&e| observation.expected[e]).collect();
        }
        for observation in &mut graph.real_observations {
            observation.expected = examples.iter().map(|&e| observation.expected[e]).collect();
        }
        graph
    }

    /// Whether the graph has real nodes (real params, inputs, vars or outputs in use).
    pub fn has_reals(&self) -> bool {
        self.nodes().any(|(_, node)| node.is_real())
    }

    /// Nodes from which an observation or a term of the objective is reachable; the others
    /// cannot affect the result.
    pub fn live_nodes(&self) -> Vec<bool> {
        let observed = self.observations.iter().map(|o| o.node);
        let real_observed = self.real_observations.iter().map(|o| o.node);
        self.reachable(observed.chain(real_observed).chain(self.objective.iter().map(|t| t.node)), true)
    }

    /// The objective of an assignment (one value per param): the terms' nodes evaluated at
    /// that point. The nodes depend on finite-domain params alone, so no example is needed.
    pub fn objective_at(&self, assignment: &[u32]) -> i64 {
        let mut memo: HashMap<NodeId, u32> = HashMap::new();
        let terms: i64 = self.objective.iter().map(|t| i64::from(self.value_at(t.node, assignment, &mut memo))).sum();
        self.objective_offset + terms
    }

    /// The value of a node that depends on params and constants only, at an assignment.
    fn value_at(&self, node: NodeId, assignment: &[u32], memo: &mut HashMap<NodeId, u32>) -> u32 {
        if let Some(&value) = memo.get(&node) {
            return value;
        }
        let value = match &self.node(node).kind {
            NodeKind::Param { param } => assignment.get(*param).copied().unwrap_or(0),
            NodeKind::Const { value } => *value,
            NodeKind::Table { operands, table } => {
                let mut index = 0usize;
                for &operand in operands {
                    let domain = self.node(operand).domain as usize;
                    index = index * domain + self.value_at(operand, assignment, memo) as usize;
                }
                table.get(index).copied().unwrap_or(0)
            }
            NodeKind::Mix { selector, choices } => {
                let k = self.value_at(*selector, assignment, memo) as usize;
                match choices.get(k) {
                    Some(&choice) => self.value_at(choice, assignment, memo),
                    None => 0,
                }
            }
            // Not reached from the objective, whose terms read neither inputs nor real params
            // (the checker refuses both).
            _ => 0,
        };
        memo.insert(node, value);
        value
    }

    /// Nodes reachable from a param: those whose value depends on some param.
    pub fn param_dependents(&self) -> Vec<bool> {
        self.reachable(self.params.iter().map(|p| p.node).chain(self.real_params.iter().map(|p| p.node)), false)
    }

    /// The nodes that read `node`, directly or not, and `node` itself (its forward cone), in
    /// topological order.
    pub fn cone(&self, node: NodeId) -> Vec<NodeId> {
        let mut cone: Vec<NodeId> =
            Dfs::new(&self.dag, NodeIndex::new(node)).iter(&self.dag).map(|n| n.index()).collect();
        cone.sort_unstable();
        cone
    }

    /// The nodes reachable from `starts` along the edges (operand to reader), or against
    /// them (`backwards`: reader to operand).
    fn reachable(&self, starts: impl Iterator<Item = NodeId>, backwards: bool) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let reversed = Reversed(&self.dag);
        let mut dfs = Dfs::empty(&self.dag);
        for start in starts {
            if seen[start] {
                continue;
            }
            dfs.move_to(NodeIndex::new(start));
            if backwards {
                while let Some(node) = dfs.next(reversed) {
                    seen[node.index()] = true;
                }
            } else {
                while let Some(node) = dfs.next(&self.dag) {
                    seen[node.index()] = true;
                }
            }
        }
        seen
    }

    /// Counts of nodes by kind: params, inputs, constants, tables, mixes (real nodes are
    /// counted with their finite counterparts: comparisons, rounding and finiteness checks as
    /// tables).
    pub fn census(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for (_, node) in self.nodes() {
            let slot = match node.kind {
                NodeKind::Param { .. } | NodeKind::RealParam { .. } => 0,
                NodeKind::Input { .. } | NodeKind::RealInput { .. } => 1,
                NodeKind::Const { .. } | NodeKind::RealConst { .. } => 2,
                NodeKind::Table { .. }
                | NodeKind::RealTable { .. }
                | NodeKind::Real { .. }
                | NodeKind::Compare { .. }
                | NodeKind::Round { .. }
                | NodeKind::Finite { .. } => 3,
                NodeKind::Mix { .. } | NodeKind::RealMix { .. } => 4,
            };
            counts[slot] += 1;
        }
        counts
    }
}

/// What makes two nodes the same: the same constant, or the same table or mixture over the
/// same operands.
#[derive(Clone, PartialEq, Eq, Hash)]
enum NodeKey {
    Const(u32),
    Table(Vec<NodeId>, Vec<u32>),
    Mix(NodeId, Vec<NodeId>),
    /// Reals by their bits.
    RealConst(u64),
    RealTable(Vec<NodeId>, Vec<u64>),
    Real(RealOp, Vec<NodeId>),
    RealMix(NodeId, Vec<NodeId>),
    Compare(BinOp, NodeId, NodeId),
    Round(NodeId, u32),
    Finite(Vec<NodeId>),
}

/// The graph has reached its node limit; nothing was added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeLimit;

/// Builds a graph. Nodes are hash-consed (a constant, table or mixture that already exists is
/// reused), tables and mixtures are simplified as they are added (a constant table is a
/// constant, an identity table is its operand, a mixture of one choice is that choice), and
/// the number of nodes stays within a limit.
pub struct GraphBuilder {
    graph: Graph,
    cache: HashMap<NodeKey, NodeId>,
    max_nodes: u64,
}

impl GraphBuilder {
    pub fn new(num_examples: usize, max_nodes: u64) -> Self {
        GraphBuilder { graph: Graph { num_examples, ..Graph::default() }, cache: HashMap::new(), max_nodes }
    }

    /// The graph so far.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The graph's lists of params, inputs and observations, which the builder does not keep.
    pub fn graph_mut(&mut self) -> &mut Graph {
        &mut self.graph
    }

    pub fn finish(self) -> Graph {
        self.graph
    }

    pub fn node(&self, id: NodeId) -> &Node {
        self.graph.node(id)
    }

    fn add(&mut self, key: Option<NodeKey>, node: Node) -> Result<NodeId, NodeLimit> {
        if let Some(&id) = key.as_ref().and_then(|k| self.cache.get(k)) {
            return Ok(id);
        }
        if self.graph.len() as u64 >= self.max_nodes {
            return Err(NodeLimit);
        }
        let id = self.graph.add(node);
        if let Some(key) = key {
            self.cache.insert(key, id);
        }
        Ok(id)
    }

    /// A node of its own (a param or an input element), never shared.
    pub fn unique(&mut self, node: Node) -> Result<NodeId, NodeLimit> {
        self.add(None, node)
    }

    pub fn constant(&mut self, value: u32, span: Span) -> Result<NodeId, NodeLimit> {
        let node = Node { kind: NodeKind::Const { value }, domain: value + 1, span, batched: false };
        self.add(Some(NodeKey::Const(value)), node)
    }

    /// A table node over `operands`, simplified when it is constant or a plain copy.
    pub fn table(&mut self, operands: Vec<NodeId>, table: Vec<u32>, span: Span) -> Result<NodeId, NodeLimit> {
        let first = table.first().copied().unwrap_or(0);
        if table.iter().all(|&v| v == first) {
            return self.constant(first, span);
        }
        if operands.len() == 1
            && self.node(operands[0]).domain as usize == table.len()
            && table.iter().enumerate().all(|(i, &v)| i as u32 == v)
        {
            return Ok(operands[0]);
        }
        let domain = table.iter().copied().max().unwrap_or(0) + 1;
        let batched = operands.iter().any(|&o| self.node(o).batched);
        let key = NodeKey::Table(operands.clone(), table.clone());
        let node = Node { kind: NodeKind::Table { operands, table }, domain, span, batched };
        self.add(Some(key), node)
    }

    /// A mixture: `choices[k]` when the selector is `k`; a mixture of equal choices is that
    /// choice. A mixture of real nodes is a real mixture.
    pub fn mix(&mut self, selector: NodeId, choices: Vec<NodeId>, span: Span) -> Result<NodeId, NodeLimit> {
        if choices.iter().all(|&c| c == choices[0]) {
            return Ok(choices[0]);
        }
        if self.node(choices[0]).is_real() {
            let batched = self.node(selector).batched || choices.iter().any(|&c| self.node(c).batched);
            let key = NodeKey::RealMix(selector, choices.clone());
            let node = Node { kind: NodeKind::RealMix { selector, choices }, domain: 1, span, batched };
            return self.add(Some(key), node);
        }
        let domain = choices.iter().map(|&c| self.node(c).domain).max().unwrap_or(1);
        let batched = self.node(selector).batched || choices.iter().any(|&c| self.node(c).batched);
        let key = NodeKey::Mix(selector, choices.clone());
        let node = Node { kind: NodeKind::Mix { selector, choices }, domain, span, batched };
        self.add(Some(key), node)
    }

    fn batched(&self, operands: &[NodeId]) -> bool {
        operands.iter().any(|&o| self.node(o).batched)
    }

    pub fn real_constant(&mut self, value: f64, span: Span) -> Result<NodeId, NodeLimit> {
        let node = Node { kind: NodeKind::RealConst { value }, domain: 1, span, batched: false };
        self.add(Some(NodeKey::RealConst(value.to_bits())), node)
    }

    /// The value of a finite expression over `operands` as a real (a constant table is a
    /// constant).
    pub fn real_table(&mut self, operands: Vec<NodeId>, table: Vec<f64>, span: Span) -> Result<NodeId, NodeLimit> {
        let first = table.first().copied().unwrap_or(0.0);
        if table.iter().all(|&v| v.to_bits() == first.to_bits()) {
            return self.real_constant(first, span);
        }
        let key = NodeKey::RealTable(operands.clone(), table.iter().map(|v| v.to_bits()).collect());
        let batched = self.batched(&operands);
        let node = Node { kind: NodeKind::RealTable { operands, table }, domain: 1, span, batched };
        self.add(Some(key), node)
    }

    /// Arithmetic on real nodes.
    pub fn real(&mut self, op: RealOp, operands: Vec<NodeId>, span: Span) -> Result<NodeId, NodeLimit> {
        let key = NodeKey::Real(op, operands.clone());
        let batched = self.batched(&operands);
        let node = Node { kind: NodeKind::Real { op, operands }, domain: 1, span, batched };
        self.add(Some(key), node)
    }

    /// A comparison of two real nodes (0 or 1).
    pub fn compare(&mut self, op: BinOp, lhs: NodeId, rhs: NodeId, span: Span) -> Result<NodeId, NodeLimit> {
        let batched = self.batched(&[lhs, rhs]);
        let node = Node { kind: NodeKind::Compare { op, lhs, rhs }, domain: 2, span, batched };
        self.add(Some(NodeKey::Compare(op, lhs, rhs)), node)
    }

    /// `round(x, domain)` of a real node.
    pub fn round(&mut self, operand: NodeId, domain: u32, span: Span) -> Result<NodeId, NodeLimit> {
        let batched = self.batched(&[operand]);
        let node = Node { kind: NodeKind::Round { operand }, domain, span, batched };
        self.add(Some(NodeKey::Round(operand, domain)), node)
    }

    /// 1 when every operand is a finite number, else 0.
    pub fn finite(&mut self, operands: Vec<NodeId>, span: Span) -> Result<NodeId, NodeLimit> {
        let batched = self.batched(&operands);
        let key = NodeKey::Finite(operands.clone());
        let node = Node { kind: NodeKind::Finite { operands }, domain: 2, span, batched };
        self.add(Some(key), node)
    }
}
