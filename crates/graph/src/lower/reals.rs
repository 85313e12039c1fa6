//! Real expressions -> real nodes. A real expression is lowered operation by operation (it
//! cannot be tabulated: reals have no finite domain): literals, real params and inputs,
//! elements (a real mixture over the elements a runtime index can select), arithmetic, and
//! conditionals whose arms are real (a real mixture over the arms the condition can select,
//! each arm lowered with the condition as its path, like the branches of an `if`). An integer
//! promoted to a real is tabulated over its operands, as any runtime expression, and becomes
//! its expectation. A comparison of reals or `round(x, D)` inside an integer expression is an
//! operand of the expression's table, like an element read.
//!
//! The interpreter stops at a real division by zero or an overflow. So that the graph never
//! accepts what the interpreter rejects, every statement records the computed reals it uses
//! (the values it assigns, and the operands of its comparisons and roundings), and a
//! `Finite` check of them becomes an observation that binds where the statement runs. The
//! graph makes a non-finite value propagate through every later real operation (see the
//! tape), so checking these roots covers every operation of the statement.

use super::compute::Computed;
use super::{Lowerer, Lowering, PathCondition};
use crate::graph::{NodeId, NodeKind, Target};
use tpt_core::eval::{arm_position, eval, eval_const, Env, EvalError};
use tpt_core::program::*;
use tpt_source::diagnostics::{Diagnostic, Setting, Text};
use tpt_source::span::Span;

impl Lowerer<'_> {
    /// The node of a real expression.
    pub(super) fn real_expr(&mut self, expr: &Expr) -> Lowering<NodeId> {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Real(value) => self.real_const_node(*value, span),
            ExprKind::ToReal(inner) => self.promoted(inner),
            ExprKind::Elem { array, indices } => {
                if indices.iter().all(Expr::is_constant) {
                    let flat = self.constant_position(*array, indices)?;
                    self.element_value(*array, flat, span)
                } else {
                    self.runtime_read(*array, indices, span)
                }
            }
            ExprKind::RealOp { op, args } => {
                let mut operands = Vec::with_capacity(args.len());
                for arg in args {
                    operands.push(self.real_expr(arg)?);
                }
                if *op == RealOp::Div && self.path.is_empty() {
                    self.graph.graph_mut().real_divisors.push((operands[1], args[1].span));
                }
                self.real_op_node(*op, operands, span)
            }
            ExprKind::If { branches, otherwise } => {
                let conditions: Vec<&Expr> = branches.iter().map(|(c, _)| c).collect();
                let evaluate = |program: &Program, env: &mut dyn Env| -> Result<i64, EvalError> {
                    for (position, condition) in conditions.iter().enumerate() {
                        if eval(program, condition, env)? != 0 {
                            return Ok(position as i64);
                        }
                    }
                    Ok(conditions.len() as i64)
                };
                let mut arms: Vec<&Expr> = branches.iter().map(|(_, v)| v).collect();
                arms.push(otherwise);
                let conditions_span = conditions.iter().map(|c| c.span).reduce(Span::to).unwrap_or(span);
                let computed = self.selector(&conditions, conditions_span, &evaluate)?;
                self.real_arms(computed, &arms, span)
            }
            ExprKind::Match { scrutinee, arms } => {
                let evaluate = |program: &Program, env: &mut dyn Env| -> Result<i64, EvalError> {
                    let value = eval(program, scrutinee, env)?;
                    match arm_position(program, arms, value, env)? {
                        position if position < arms.len() => Ok(position as i64),
                        _ => Err(EvalError::NoMatchingArm { span: scrutinee.span, value }),
                    }
                };
                let bodies: Vec<&Expr> = arms.iter().map(|a| &a.body).collect();
                let computed = self.selector(&[scrutinee], scrutinee.span, &evaluate)?;
                self.real_arms(computed, &bodies, span)
            }
            _ => self.fail(
                Diagnostic::error(
                    "internal error: an integer expression where a real is lowered; this is a bug in tpt",
                )
                .with_label(span, "this expression"),
            ),
        }
    }

    /// The value of an assignment to a real array: its node, recorded as a root to check.
    pub(super) fn real_value(&mut self, expr: &Expr) -> Lowering<NodeId> {
        let node = self.real_expr(expr)?;
        self.real_roots.push(node);
        Ok(node)
    }

    /// A comparison of reals or `round(x, D)` in an integer expression: its node, which the
    /// expression's table reads like an element.
    pub(super) fn node_computed_from_reals(&mut self, expr: &Expr) -> Lowering<NodeId> {
        match &expr.kind {
            ExprKind::RealCompare { op, lhs, rhs } => {
                let (lhs, rhs) = (self.real_expr(lhs)?, self.real_expr(rhs)?);
                self.real_roots.extend([lhs, rhs]);
                let result = self.graph.compare(*op, lhs, rhs, expr.span);
                self.built(result, expr.span)
            }
            ExprKind::Round { operand, domain } => {
                let node = self.real_expr(operand)?;
                self.real_roots.push(node);
                let size = match eval_const(self.program, domain, &self.loop_vars) {
                    Ok(size) if size >= 1 && size as u64 <= self.limits.max_domain => size as u32,
                    Ok(size) => {
                        let diagnostic = Diagnostic::error(format!("`round(x, D)` into a domain of size {size}"))
                            .with_label(domain.span, format!("this is {size}"))
                            .with_help(
                                Text::from(format!("D must be between 1 and {} (", self.limits.max_domain))
                                    + Setting::MaxDomain.mention()
                                    + ")",
                            );
                        let diagnostic = self.in_loop(diagnostic);
                        return self.fail(diagnostic);
                    }
                    Err(error) => {
                        let diagnostic = tpt_core::eval::eval_error_diagnostic(self.program, &error, "");
                        return self.fail(diagnostic);
                    }
                };
                let result = self.graph.round(node, size, expr.span);
                self.built(result, expr.span)
            }
            _ => self.fail(
                Diagnostic::error("internal error: not a value computed from reals").with_label(expr.span, "here"),
            ),
        }
    }

    /// An integer expression as a real: a constant, or its table's values as reals.
    fn promoted(&mut self, inner: &Expr) -> Lowering<NodeId> {
        let evaluate = |program: &Program, env: &mut dyn Env| eval(program, inner, env);
        match self.compute(&[inner], inner.span, &evaluate)? {
            Computed::Known(value) => self.real_const_node(value as f64, inner.span),
            Computed::Table(t) => {
                let table = t.filled(0).map(|v| v as f64).collect();
                let result = self.graph.real_table(t.operands, table, inner.span);
                self.built(result, inner.span)
            }
        }
    }

    /// The arms of a conditional whose value is real, merged by the selector.
    fn real_arms(&mut self, computed: Computed, arms: &[&Expr], span: Span) -> Lowering<NodeId> {
        let tabulated = match computed {
            Computed::Known(position) => {
                return match arms.get(position as usize) {
                    Some(arm) => self.real_expr(arm),
                    None => self.real_const_node(0.0, span),
                }
            }
            Computed::Table(t) => t,
        };
        let reachable: Vec<usize> = tabulated.reachable().into_iter().map(|r| r as usize).collect();
        match reachable.as_slice() {
            // The expression is never evaluated on any path the enclosing branches allow.
            [] => return self.real_const_node(0.0, span),
            [only] => return self.real_expr(arms[*only]),
            _ => {}
        }
        let table: Vec<u32> = tabulated
            .filled(reachable[0] as i64)
            .map(|r| reachable.binary_search(&(r as usize)).unwrap_or(0) as u32)
            .collect();
        let selector = self.table_node(tabulated.operands, table, span)?;
        let mut choices = Vec::with_capacity(reachable.len());
        for (position, &arm) in reachable.iter().enumerate() {
            self.path.push(PathCondition { selector, branch: position as u32 });
            let node = self.real_expr(arms[arm]);
            self.path.pop();
            choices.push(node?);
        }
        self.mix_node(selector, choices, span)
    }

    pub(super) fn real_const_node(&mut self, value: f64, span: Span) -> Lowering<NodeId> {
        let result = self.graph.real_constant(value, span);
        self.built(result, span)
    }

    /// Arithmetic on real nodes; on constants it is computed now, as the interpreter would
    /// (a division by zero or an overflow is left to run, and to fail, in every example).
    fn real_op_node(&mut self, op: RealOp, operands: Vec<NodeId>, span: Span) -> Lowering<NodeId> {
        let constant = |id: NodeId| match self.graph.node(id).kind {
            NodeKind::RealConst { value } => Some(value),
            _ => None,
        };
        let values: Option<Vec<f64>> = operands.iter().map(|&o| constant(o)).collect();
        if let Some(values) = values {
            let b = values.get(1).copied().unwrap_or(0.0);
            let value = op.apply(values[0], b);
            if value.is_finite() && !(op == RealOp::Div && b == 0.0) {
                return self.real_const_node(value, span);
            }
        }
        let result = self.graph.real(op, operands, span);
        self.built(result, span)
    }

    /// After a statement: the check that the computed reals it used are finite numbers, as an
    /// observation where the statement runs. Params, inputs, constants and promoted integers
    /// are always finite; only arithmetic and real mixtures need checking.
    pub(super) fn check_finite(&mut self, roots: Vec<NodeId>, span: Span) -> Lowering<()> {
        let mut checked: Vec<NodeId> = roots
            .into_iter()
            .filter(|&node| matches!(self.graph.node(node).kind, NodeKind::Real { .. } | NodeKind::RealMix { .. }))
            .collect();
        checked.sort_unstable();
        checked.dedup();
        if checked.is_empty() {
            return Ok(());
        }
        let result = self.graph.finite(checked, span);
        let node = self.built(result, span)?;
        self.observes.push((node, span, Target::Finite));
        Ok(())
    }
}
