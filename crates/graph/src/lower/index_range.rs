//! A runtime index that can fall outside its array -> the diagnostic that says which: the
//! index expression as written, the operand values that take it out of range and, for an
//! operand computed from params and inputs (a `var` set from a param, say), values of those
//! that give it; each param involved is labelled at its declaration with its domain, since a
//! domain larger than the array is the usual cause.

use std::collections::{BTreeSet, HashMap};

use super::Lowerer;
use crate::graph::{Graph, NodeId, NodeKind};
use tpt_core::eval::EvalError;
use tpt_core::program::{expr_text_named, ArrayId, Expr, ExprKind};
use tpt_source::diagnostics::Diagnostic;

/// The most combinations of param and input values tried to explain a computed operand.
const MAX_TRIED: u64 = 1 << 12;
/// The largest cone of graph nodes searched for such an explanation.
const MAX_CONE: usize = 2_000;

/// One operand of the failing computation: its name, node and value.
pub(super) struct Culprit<'a> {
    pub(super) name: &'a str,
    pub(super) node: NodeId,
    pub(super) value: i64,
}

impl Lowerer<'_> {
    /// The diagnostic of `error`, an index out of range, met while evaluating `roots` with the
    /// operand values of `culprits` (those read inside the index expression).
    pub(super) fn index_range_diagnostic(
        &self,
        roots: &[&Expr],
        error: &EvalError,
        culprits: &[Culprit],
    ) -> Diagnostic {
        let &EvalError::IndexOutOfRange { span, array, dim, index } = error else {
            return Diagnostic::error(error.describe(self.program));
        };
        let program = self.program;
        let info = &program.arrays[array];
        let size = info.dims[dim];
        let which = if info.dims.len() > 1 { format!("dimension {} of ", dim + 1) } else { String::new() };
        let index_expr = roots.iter().find_map(|root| root.find(&|e| e.span == span));
        let text = index_expr.map_or_else(|| index.to_string(), |e| expr_text_named(program, e, &self.loop_names));
        let graph = self.graph.graph();
        // The params behind the value, by array, in the order they are named.
        let mut params: BTreeSet<ArrayId> = BTreeSet::new();
        let mut parts = Vec::new();
        for culprit in culprits {
            let mut part = format!("`{}` = {}", culprit.name, culprit.value);
            match &graph.node(culprit.node).kind {
                NodeKind::Param { param } => {
                    params.insert(graph.params[*param].array);
                }
                NodeKind::Table { .. } | NodeKind::Mix { .. } => {
                    if let Some(leaves) = leaves_giving(graph, culprit.node, culprit.value) {
                        let named: Vec<String> = leaves
                            .iter()
                            .map(|&(leaf, value)| format!("`{}` = {value}", self.leaf_name(leaf)))
                            .collect();
                        if !named.is_empty() {
                            part.push_str(&format!(" (as it is when {})", and_list(&named)));
                        }
                        for (leaf, _) in leaves {
                            if let NodeKind::Param { param } = graph.node(leaf).kind {
                                params.insert(graph.params[param].array);
                            }
                        }
                    }
                }
                _ => {}
            }
            parts.push(part);
        }
        let when = if parts.is_empty() { String::new() } else { format!(" when {}", and_list(&parts)) };
        let mut diagnostic = Diagnostic::error(format!(
            "the index `{text}` can be {index}, out of range for {which}`{}` (0..{size})",
            info.name
        ))
        .with_label(span, format!("{index}{when}"));
        for &param in &params {
            let declared = &program.arrays[param];
            diagnostic = diagnostic
                .with_secondary(declared.name_span, format!("`{}` takes values 0..{}", declared.name, declared.domain));
        }
        // An index that is one param element: its domain is the thing to fix.
        let direct = index_expr.and_then(|e| match &e.kind {
            ExprKind::Elem { array: read, .. } if params.contains(read) => Some(&program.arrays[*read]),
            _ => None,
        });
        let help = match direct {
            Some(param) if param.domain as usize > size && index >= 0 => format!(
                "`{}` has {} elements: declare `{}` with domain {size}, or keep the index in range (for example with `%`)",
                info.name,
                size,
                param.name
            ),
            _ => "keep the index in range (for example with `%`), or make the array larger".to_string(),
        };
        self.in_loop(diagnostic.with_help(help))
    }

    /// `in1[2]` for a param node, `x[0]` for an input node.
    fn leaf_name(&self, leaf: NodeId) -> String {
        let graph = self.graph.graph();
        match graph.node(leaf).kind {
            NodeKind::Param { param } => graph.params[param].name.clone(),
            NodeKind::Input { input } => {
                let slot = &graph.inputs[input];
                self.program.arrays[slot.array].element_name(slot.flat)
            }
            _ => String::new(),
        }
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(parts: &[String]) -> String {
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    }
}

/// Values of the params and inputs that `node` is computed from under which it is `value`,
/// found by trying their combinations (when there are few enough); `None` when there are too
/// many or none gives `value`.
fn leaves_giving(graph: &Graph, node: NodeId, value: i64) -> Option<Vec<(NodeId, u32)>> {
    // The cone of `node`, gathered without recursion (the graph may be deep).
    let mut cone: Vec<NodeId> = Vec::new();
    let mut seen: HashMap<NodeId, ()> = HashMap::new();
    let mut stack = vec![node];
    while let Some(id) = stack.pop() {
        if seen.insert(id, ()).is_some() {
            continue;
        }
        cone.push(id);
        if cone.len() > MAX_CONE {
            return None;
        }
        match &graph.node(id).kind {
            NodeKind::Table { operands, .. } => stack.extend(operands),
            NodeKind::Mix { selector, choices } => {
                stack.push(*selector);
                stack.extend(choices);
            }
            NodeKind::Param { .. } | NodeKind::Input { .. } | NodeKind::Const { .. } => {}
            // Values computed from reals are not explained by enumeration.
            _ => return None,
        }
    }
    // Node ids are a topological order: evaluating in increasing order sees operands first.
    cone.sort_unstable();
    let leaves: Vec<NodeId> = cone
        .iter()
        .copied()
        .filter(|&id| matches!(graph.node(id).kind, NodeKind::Param { .. } | NodeKind::Input { .. }))
        .collect();
    let domains: Vec<u32> = leaves.iter().map(|&id| graph.node(id).domain.max(1)).collect();
    let combinations = domains.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))?;
    if combinations > MAX_TRIED {
        return None;
    }
    let mut assignment = vec![0u32; leaves.len()];
    let mut values: HashMap<NodeId, u32> = HashMap::with_capacity(cone.len());
    for _ in 0..combinations {
        values.clear();
        for (&leaf, &v) in leaves.iter().zip(&assignment) {
            values.insert(leaf, v);
        }
        for &id in &cone {
            let v = match &graph.node(id).kind {
                NodeKind::Param { .. } | NodeKind::Input { .. } => continue,
                NodeKind::Const { value } => *value,
                NodeKind::Table { operands, table } => {
                    let mut position = 0usize;
                    for &operand in operands {
                        let domain = graph.node(operand).domain.max(1) as usize;
                        position = position * domain + values.get(&operand).copied().unwrap_or(0) as usize;
                    }
                    table.get(position).copied().unwrap_or(0)
                }
                NodeKind::Mix { selector, choices } => {
                    let chosen = values.get(selector).copied().unwrap_or(0) as usize;
                    choices.get(chosen).and_then(|c| values.get(c)).copied().unwrap_or(0)
                }
                _ => return None,
            };
            values.insert(id, v);
        }
        if values.get(&node).is_some_and(|&v| i64::from(v) == value) {
            return Some(leaves.iter().copied().zip(assignment.iter().copied()).collect());
        }
        for (slot, &domain) in assignment.iter_mut().zip(&domains).rev() {
            *slot += 1;
            if *slot < domain {
                break;
            }
            *slot = 0;
        }
    }
    None
}
