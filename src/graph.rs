//! The differentiable graph: a DAG (petgraph) whose nodes each hold a distribution over a
//! finite domain for every example. Built by `lower`, read by the autodiff tape, the exact
//! encoders and `tpt graph`. Node ids are insertion order, which is a topological order.
//!
//! Terms: a *table* node computes `out[z] = sum over operand values v with f(v) = z of
//! prod_i p_i[v_i]` (the mean-field lift of a runtime expression); a *mix* node computes
//! `out = sum_k P(selector = k) * choice_k` (a runtime `if`, `match` or index).

use petgraph::graph::{DiGraph, NodeIndex};

use crate::program::ArrayId;
use crate::span::Span;

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
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// The node's values are `0..domain`.
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
            NodeKind::Param { .. } | NodeKind::Input { .. } | NodeKind::Const { .. } => Vec::new(),
            NodeKind::Table { operands, .. } => operands.clone(),
            NodeKind::Mix { selector, choices } => {
                let mut all = vec![*selector];
                all.extend(choices);
                all
            }
        }
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

/// The lowered program.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub dag: DiGraph<Node, usize>,
    pub params: Vec<ParamSlot>,
    pub inputs: Vec<InputSlot>,
    /// Row-major `[example][input]`: the value of every input node in every example.
    pub input_values: Vec<u32>,
    pub observations: Vec<Observation>,
    pub num_examples: usize,
    /// Statements and loop iterations executed while unrolling.
    pub unrolled_statements: u64,
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

    /// Nodes from which an observation is reachable; the others cannot affect the loss.
    pub fn live_nodes(&self) -> Vec<bool> {
        let mut live = vec![false; self.len()];
        for observation in &self.observations {
            live[observation.node] = true;
        }
        for id in (0..self.len()).rev() {
            if live[id] {
                for operand in self.node(id).operands() {
                    live[operand] = true;
                }
            }
        }
        live
    }

    /// Counts of nodes by kind: params, inputs, constants, tables, mixes.
    pub fn census(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for (_, node) in self.nodes() {
            let slot = match node.kind {
                NodeKind::Param { .. } => 0,
                NodeKind::Input { .. } => 1,
                NodeKind::Const { .. } => 2,
                NodeKind::Table { .. } => 3,
                NodeKind::Mix { .. } => 4,
            };
            counts[slot] += 1;
        }
        counts
    }
}
