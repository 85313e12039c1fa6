//! Runtime expressions and indexing -> table nodes: the distinct operands of an expression,
//! its value for every combination of their values (skipping combinations the enclosing
//! runtime branches exclude), and the errors a combination raises, named by its values.

use std::collections::HashMap;

use super::index_range::Culprit;
use super::{Lowerer, Lowering};
use crate::graph::*;
use tpt_core::eval::{element_position, eval, eval_error_diagnostic, index_out_of_range, Env, EvalError};
use tpt_core::program::*;
use tpt_source::diagnostics::{Diagnostic, Setting, Text};
use tpt_source::span::Span;

/// A runtime computation: known at compile time, or tabulated over its operands.
pub(super) enum Computed {
    Known(i64),
    Table(Tabulated),
}

/// How a computation is evaluated for one combination of operand values.
pub(super) type Evaluate<'a> = &'a dyn Fn(&Program, &mut dyn Env) -> Result<i64, EvalError>;

/// The distinct operands of one runtime computation.
#[derive(Default)]
struct Operands {
    nodes: Vec<NodeId>,
    names: Vec<String>,
    /// Where each operand is read in the source (once per occurrence).
    spans: Vec<Vec<Span>>,
    /// Operand position of each element-read expression.
    by_expr: HashMap<ExprId, usize>,
}

/// A computation tabulated over its operands.
pub(super) struct Tabulated {
    pub(super) operands: Vec<NodeId>,
    pub(super) names: Vec<String>,
    /// The value for each combination; `None` where the enclosing runtime branches cannot
    /// be taken with these operand values, so the value never matters.
    pub(super) results: Vec<Option<i64>>,
}

impl Tabulated {
    /// The results with unreachable combinations given `fill`.
    pub(super) fn filled(&self, fill: i64) -> impl Iterator<Item = i64> + '_ {
        self.results.iter().map(move |r| r.unwrap_or(fill))
    }

    /// The distinct reachable results, sorted.
    pub(super) fn reachable(&self) -> Vec<i64> {
        let mut values: Vec<i64> = self.results.iter().flatten().copied().collect();
        values.sort_unstable();
        values.dedup();
        values
    }
}

struct EnumEnv<'a> {
    loop_vars: &'a [i64],
    by_expr: &'a HashMap<ExprId, usize>,
    values: &'a [i64],
}

impl Env for EnumEnv<'_> {
    fn loop_var(&self, slot: usize) -> i64 {
        self.loop_vars.get(slot).copied().unwrap_or(0)
    }

    fn fn_arg(&self, _: usize) -> i64 {
        0
    }

    fn element(&mut self, _: &Program, expr: &Expr) -> Result<i64, EvalError> {
        match self.by_expr.get(&expr.id) {
            Some(&position) => Ok(self.values[position]),
            None => Err(EvalError::NotConstant { span: expr.span }),
        }
    }

    fn known_from_reals(&mut self, expr: &Expr) -> Option<i64> {
        self.by_expr.get(&expr.id).map(|&position| self.values[position])
    }
}

impl Lowerer<'_> {
    /// Which element an index list selects: a constant position, or a selector node whose
    /// value `s` selects the flat position `positions[s]`.
    pub(super) fn index_selector(&mut self, array: ArrayId, indices: &[Expr], span: Span) -> Lowering<Selected> {
        let position = |program: &Program, env: &mut dyn Env| {
            element_position(program, array, indices, env).map(|flat| flat as i64)
        };
        let roots: Vec<&Expr> = indices.iter().collect();
        let tabulated = match self.compute(&roots, span, &position)? {
            Computed::Known(flat) => return Ok(Selected::Known(flat as usize)),
            Computed::Table(t) => t,
        };
        // Renumber the reachable positions densely so the mixture has no dead choices.
        let positions: Vec<usize> = tabulated.reachable().into_iter().map(|r| r as usize).collect();
        if positions.is_empty() {
            return Ok(Selected::Unreachable);
        }
        let table: Vec<u32> = tabulated
            .filled(positions[0] as i64)
            .map(|r| positions.binary_search(&(r as usize)).unwrap_or(0) as u32)
            .collect();
        if positions.len() == 1 {
            return Ok(Selected::Known(positions[0]));
        }
        let selector = self.table_node(tabulated.operands, table, span)?;
        Ok(Selected::Runtime { selector, positions })
    }

    /// The node for an element read with runtime indices: a mixture over the elements the
    /// indices can select.
    pub(super) fn runtime_read(&mut self, array: ArrayId, indices: &[Expr], span: Span) -> Lowering<NodeId> {
        match self.index_selector(array, indices, span)? {
            Selected::Known(flat) => self.element_value(array, flat, span),
            // The read never happens, so its value does not matter.
            Selected::Unreachable => self.const_node(0, span),
            Selected::Runtime { selector, positions } => {
                let mut choices = Vec::with_capacity(positions.len());
                for flat in positions {
                    choices.push(self.element_value(array, flat, span)?);
                }
                self.mix_node(selector, choices, span)
            }
        }
    }

    /// Find the distinct operands of `expr`: element reads, with runtime-indexed reads
    /// lowered to mixtures first.
    fn collect_operands(&mut self, expr: &Expr, operands: &mut Operands) -> Lowering<()> {
        let from_reals = matches!(expr.kind, ExprKind::RealCompare { .. } | ExprKind::Round { .. });
        if from_reals || matches!(expr.kind, ExprKind::Elem { .. }) {
            let node = match &expr.kind {
                ExprKind::Elem { array, indices } if indices.iter().all(Expr::is_constant) => {
                    let flat = self.constant_position(*array, indices)?;
                    self.element_value(*array, flat, expr.span)?
                }
                ExprKind::Elem { array, indices } => self.runtime_read(*array, indices, expr.span)?,
                // A value computed from reals is an operand like an element.
                _ => self.node_computed_from_reals(expr)?,
            };
            let position = match operands.nodes.iter().position(|&n| n == node) {
                Some(position) => position,
                None => {
                    operands.nodes.push(node);
                    operands.names.push(expr_text(self.program, expr, &self.loop_vars));
                    operands.spans.push(Vec::new());
                    operands.nodes.len() - 1
                }
            };
            operands.by_expr.insert(expr.id, position);
            operands.spans[position].push(expr.span);
            return Ok(());
        }
        for child in expr.children() {
            self.collect_operands(child, operands)?;
        }
        Ok(())
    }

    /// The flat position of constant indices (evaluated with the current loop variables).
    pub(super) fn constant_position(&mut self, array: ArrayId, indices: &[Expr]) -> Lowering<usize> {
        let mut env = tpt_core::eval::ConstEnv { loop_vars: &self.loop_vars, fn_args: &[] };
        match element_position(self.program, array, indices, &mut env) {
            Ok(flat) => Ok(flat),
            Err(EvalError::IndexOutOfRange { span, array, dim, index }) => {
                let diagnostic = index_out_of_range(&self.program.arrays[array], dim, index, span);
                self.fail(self.in_loop(diagnostic))
            }
            Err(error) => {
                let diagnostic = eval_error_diagnostic(self.program, &error, "");
                self.fail(diagnostic)
            }
        }
    }

    /// Evaluate a runtime computation for every combination of its operands' values.
    pub(super) fn compute(&mut self, roots: &[&Expr], span: Span, evaluate: Evaluate) -> Lowering<Computed> {
        let mut operands = Operands::default();
        for root in roots {
            self.collect_operands(root, &mut operands)?;
        }
        let domains: Vec<u32> = operands.nodes.iter().map(|&n| self.graph.node(n).domain).collect();
        let combinations = domains.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d as u64));
        let Some(combinations) = combinations.filter(|&n| n <= self.limits.max_enum) else {
            const SHOWN: usize = 8;
            let mut listed: Vec<String> = operands
                .names
                .iter()
                .zip(&domains)
                .take(SHOWN)
                .map(|(name, d)| format!("`{name}` ({d} values)"))
                .collect();
            if operands.names.len() > SHOWN {
                listed.push(format!("and {} more", operands.names.len() - SHOWN));
            }
            let count = combinations.map_or("more than 2^64".to_string(), |n| n.to_string());
            return self.fail(
                Diagnostic::error("this expression has too many combinations of operand values to enumerate")
                    .with_label(span, format!("{count} combinations of its {} runtime operands", operands.names.len()))
                    .with_note(format!("operands: {}", listed.join(", ")))
                    .with_help(
                        Text::from(format!(
                            "the limit is {} combinations; split the expression into smaller ones, or raise it with ",
                            self.limits.max_enum
                        )) + Setting::MaxEnum.placeholder("N"),
                    ),
            );
        };
        // A computation without operands is a constant, not a table: `--max-unroll` bounds it.
        if !operands.nodes.is_empty() {
            self.spend(combinations, span)?;
        }
        let mut values = vec![0i64; domains.len()];
        let mut results = Vec::with_capacity(combinations as usize);
        let filters = self.path_filters(&operands.nodes, span)?;
        for done in 0..combinations {
            // The clock is read now and then, not at every combination.
            if done % (1 << 16) == (1 << 16) - 1 {
                self.poll_stop()?;
            }
            // Combinations the enclosing branches exclude never run: their value does not
            // matter, and neither do errors they would raise.
            if !filters.iter().all(|f| f.allows(&values)) {
                results.push(None);
                advance(&mut values, &domains);
                continue;
            }
            let mut env = EnumEnv { loop_vars: &self.loop_vars, by_expr: &operands.by_expr, values: &values };
            match evaluate(self.program, &mut env) {
                Ok(result) => results.push(Some(result)),
                Err(error) => {
                    // Name only the operands inside the failing sub-expression: the others
                    // did not cause the error. With none inside it, all of them are named.
                    let at = error.span();
                    let inside = |spans: &Vec<Span>| spans.iter().any(|s| s.start >= at.start && s.end <= at.end);
                    let mut relevant: Vec<usize> = (0..values.len()).filter(|&p| inside(&operands.spans[p])).collect();
                    if relevant.is_empty() {
                        relevant = (0..values.len()).collect();
                    }
                    if let EvalError::IndexOutOfRange { .. } = error {
                        let culprits: Vec<Culprit> = relevant
                            .iter()
                            .map(|&p| Culprit { name: &operands.names[p], node: operands.nodes[p], value: values[p] })
                            .collect();
                        let diagnostic = self.index_range_diagnostic(roots, &error, &culprits);
                        return self.fail(diagnostic);
                    }
                    let names: Vec<String> = relevant.iter().map(|&p| operands.names[p].clone()).collect();
                    let picked: Vec<i64> = relevant.iter().map(|&p| values[p]).collect();
                    let when = describe_combination(&names, &picked);
                    let diagnostic = eval_error_diagnostic(self.program, &error, &when);
                    let diagnostic = self.in_loop(diagnostic);
                    return self.fail(diagnostic);
                }
            }
            advance(&mut values, &domains);
        }
        if operands.nodes.is_empty() {
            return Ok(Computed::Known(results[0].unwrap_or(0)));
        }
        Ok(Computed::Table(Tabulated { operands: operands.nodes, results, names: operands.names }))
    }

    /// For each enclosing runtime branch whose selector can be decided from some of these
    /// operands, the operand value combinations under which the branch is taken. Projecting a
    /// selector's table enumerates its combinations again, so it counts against
    /// `--max-enum-total`, as spent at `span`, the computation that needs it.
    fn path_filters(&mut self, operands: &[NodeId], span: Span) -> Lowering<Vec<PathFilter>> {
        let mut filters = Vec::new();
        for condition in self.path.clone() {
            if let Some(position) = operands.iter().position(|&o| o == condition.selector) {
                filters.push(PathFilter::Direct { position, branch: condition.branch as i64 });
                continue;
            }
            let NodeKind::Table { operands: selector_operands, table } = &self.graph.node(condition.selector).kind
            else {
                continue;
            };
            let shared: Vec<Option<usize>> =
                selector_operands.iter().map(|s| operands.iter().position(|o| o == s)).collect();
            if shared.iter().all(Option::is_none) {
                continue;
            }
            let size = table.len() as u64;
            self.spend(size, span)?;
            let NodeKind::Table { operands: selector_operands, table } = &self.graph.node(condition.selector).kind
            else {
                continue;
            };
            // Project the selector's table onto the shared operands.
            let domains: Vec<u32> = selector_operands.iter().map(|&o| self.graph.node(o).domain).collect();
            let mut values = vec![0i64; domains.len()];
            let mut allowed = std::collections::HashSet::new();
            for &result in table {
                if result == condition.branch {
                    let key: Vec<(usize, i64)> =
                        shared.iter().zip(&values).filter_map(|(s, &v)| s.map(|p| (p, v))).collect();
                    allowed.insert(key);
                }
                advance(&mut values, &domains);
            }
            let positions: Vec<usize> = shared.iter().flatten().copied().collect();
            filters.push(PathFilter::Projected { positions, allowed });
        }
        Ok(filters)
    }

    /// A runtime value that must lie in `0..domain` (an assignment to `array`).
    pub(super) fn value_in_domain(&mut self, expr: &Expr, array: ArrayId) -> Lowering<NodeId> {
        let info = &self.program.arrays[array];
        let domain = info.domain as i64;
        let evaluate = |program: &Program, env: &mut dyn Env| eval(program, expr, env);
        let bad = |value: i64| value < 0 || value >= domain;
        match self.compute(&[expr], expr.span, &evaluate)? {
            Computed::Known(value) if bad(value) => {
                let diagnostic = Diagnostic::error(format!("{value} is outside the domain of `{}`", info.name))
                    .with_label(expr.span, format!("this is {value}"))
                    .with_secondary(info.name_span, format!("`{}` takes values 0..{domain}", info.name));
                let diagnostic = self.in_loop(diagnostic);
                self.fail(diagnostic)
            }
            Computed::Known(value) => self.const_node(value as u32, expr.span),
            Computed::Table(t) => {
                if let Some(position) = t.results.iter().position(|v| v.is_some_and(bad)) {
                    let value = t.results[position].unwrap_or(0);
                    let when = describe_combination(&t.names, &combination(&t, self.graph.graph(), position));
                    let help = match complement_help(expr, value, domain) {
                        Some(help) => help,
                        None => "widen the domain of the target, or keep the value in range (for example with `%`)"
                            .to_string(),
                    };
                    let diagnostic =
                        Diagnostic::error(format!("this value can be {value}, outside the domain of `{}`", info.name))
                            .with_label(expr.span, format!("{value} when {when}"))
                            .with_secondary(info.name_span, format!("`{}` takes values 0..{domain}", info.name))
                            .with_help(help);
                    let diagnostic = self.in_loop(diagnostic);
                    return self.fail(diagnostic);
                }
                let table = t.filled(0).map(|v| v as u32).collect();
                self.table_node(t.operands, table, expr.span)
            }
        }
    }

    /// A selector over `count` branches; `Known` when the branch is decided at compile time.
    pub(super) fn selector(&mut self, roots: &[&Expr], span: Span, evaluate: Evaluate) -> Lowering<Computed> {
        self.compute(roots, span, evaluate)
    }
}

/// The advice for a negative value from an expression that uses `~`: it flips all 64 bits.
fn complement_help(expr: &Expr, value: i64, domain: i64) -> Option<String> {
    let complements = expr.any(&|e| matches!(e.kind, ExprKind::Unary { op: UnOp::BitNot, .. }));
    if value >= 0 || !complements {
        return None;
    }
    let mask = (domain.max(1) as u64).next_power_of_two() - 1;
    let below = if (mask as i64) < domain { String::new() } else { format!(", then keep the result below {domain}") };
    Some(format!("`~x` flips all 64 bits, so it is `-x - 1`: keep the bits of the domain with a mask, as in `~x & {mask}`{below}"))
}

/// A restriction of a computation's operand values to those an enclosing branch allows.
enum PathFilter {
    /// The branch's selector is itself operand `position`.
    Direct { position: usize, branch: i64 },
    /// The selector is a table over some of the operands (at `positions`): the allowed
    /// projections of operand values onto them.
    Projected { positions: Vec<usize>, allowed: std::collections::HashSet<Vec<(usize, i64)>> },
}

impl PathFilter {
    fn allows(&self, values: &[i64]) -> bool {
        match self {
            PathFilter::Direct { position, branch } => values[*position] == *branch,
            PathFilter::Projected { positions, allowed } => {
                let key: Vec<(usize, i64)> = positions.iter().map(|&p| (p, values[p])).collect();
                allowed.contains(&key)
            }
        }
    }
}

/// What an index list selects.
pub(super) enum Selected {
    Known(usize),
    Runtime {
        selector: NodeId,
        positions: Vec<usize>,
    },
    /// No combination of operand values that the enclosing branches allow reaches the
    /// indexing: it is dead code.
    Unreachable,
}

/// Step a mixed-radix counter (last position fastest).
fn advance(values: &mut [i64], domains: &[u32]) {
    for (value, &domain) in values.iter_mut().zip(domains).rev() {
        *value += 1;
        if *value < domain as i64 {
            return;
        }
        *value = 0;
    }
}

/// The operand values of combination number `position`.
fn combination(tabulated: &Tabulated, graph: &Graph, mut position: usize) -> Vec<i64> {
    let mut values = vec![0i64; tabulated.operands.len()];
    for (value, &node) in values.iter_mut().zip(&tabulated.operands).rev() {
        let domain = graph.node(node).domain as usize;
        *value = (position % domain) as i64;
        position /= domain;
    }
    values
}

/// "`p[0]` = 1 and `x` = 0"
fn describe_combination(names: &[String], values: &[i64]) -> String {
    let parts: Vec<String> = names.iter().zip(values).map(|(n, v)| format!("`{n}` = {v}")).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        _ => {
            let (last, rest) = parts.split_last().unwrap_or((&parts[0], &[]));
            format!("{} and {last}", rest.join(", "))
        }
    }
}
