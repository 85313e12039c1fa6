//! Runtime `if` and `match` -> one selector node and mixtures: each branch the selector can
//! take is lowered with its writes recorded, then every element a branch assigned is merged
//! by the selector, and each branch's `observe`s bind only when that branch is taken.

use std::collections::BTreeMap;

use super::compute::Computed;
use super::{Failed, Lowerer, Lowering, PathCondition, Slot};
use crate::graph::*;
use tpt_core::eval::{arm_position, eval, eval_error_diagnostic, Env, EvalError};
use tpt_core::program::*;
use tpt_source::span::Span;

impl Lowerer<'_> {
    pub(super) fn if_stmt(
        &mut self,
        branches: &[(Expr, Vec<Stmt>)],
        otherwise: Option<&[Stmt]>,
        span: Span,
    ) -> Lowering<()> {
        // Leading constant conditions are decided now; the rest form one runtime selector.
        let mut first_runtime = branches.len();
        for (position, (condition, block)) in branches.iter().enumerate() {
            if !condition.is_constant() {
                first_runtime = position;
                break;
            }
            let mut env = tpt_core::eval::ConstEnv { loop_vars: &self.loop_vars, fn_args: &[] };
            match eval(self.program, condition, &mut env) {
                Ok(0) => continue,
                Ok(_) => return self.block(block),
                Err(error) => {
                    let diagnostic = eval_error_diagnostic(self.program, &error, "");
                    let diagnostic = self.in_loop(diagnostic);
                    return self.fail(diagnostic);
                }
            }
        }
        if first_runtime == branches.len() {
            return match otherwise {
                Some(block) => self.block(block),
                None => Ok(()),
            };
        }
        let rest = &branches[first_runtime..];
        let conditions: Vec<&Expr> = rest.iter().map(|(c, _)| c).collect();
        let evaluate = |program: &Program, env: &mut dyn Env| -> Result<i64, EvalError> {
            for (position, condition) in conditions.iter().enumerate() {
                if eval(program, condition, env)? != 0 {
                    return Ok(position as i64);
                }
            }
            Ok(conditions.len() as i64)
        };
        let mut bodies: Vec<Option<&[Stmt]>> = rest.iter().map(|(_, b)| Some(b.as_slice())).collect();
        bodies.push(otherwise);
        let span_of_conditions = conditions.iter().map(|c| c.span).reduce(Span::to).unwrap_or(span);
        let computed = self.selector(&conditions, span_of_conditions, &evaluate)?;
        self.branches(computed, &bodies, span)
    }

    pub(super) fn match_stmt(&mut self, scrutinee: &Expr, arms: &[Arm<Vec<Stmt>>], span: Span) -> Lowering<()> {
        let evaluate = |program: &Program, env: &mut dyn Env| -> Result<i64, EvalError> {
            let value = eval(program, scrutinee, env)?;
            Ok(arm_position(program, arms, value, env)? as i64)
        };
        let mut bodies: Vec<Option<&[Stmt]>> = arms.iter().map(|a| Some(a.body.as_slice())).collect();
        bodies.push(None);
        let computed = self.selector(&[scrutinee], scrutinee.span, &evaluate)?;
        self.branches(computed, &bodies, span)
    }

    /// Lower the branches a selector chooses between and merge what they assign.
    fn branches(&mut self, computed: Computed, bodies: &[Option<&[Stmt]>], span: Span) -> Lowering<()> {
        let tabulated = match computed {
            Computed::Known(position) => {
                return match bodies.get(position as usize).copied().flatten() {
                    Some(block) => self.block(block),
                    None => Ok(()),
                }
            }
            Computed::Table(t) => t,
        };
        // Only branches the selector can reach are lowered; renumber them densely.
        let reachable: Vec<usize> = tabulated.reachable().into_iter().map(|r| r as usize).collect();
        // Each enclosing branch is taken for some operand values, but together they can
        // exclude every value of these operands (`if p != q { if p == 0 { if q == 0 { .. }}}`):
        // then this statement never runs.
        if reachable.is_empty() {
            return Ok(());
        }
        if reachable.len() == 1 {
            return match bodies.get(reachable[0]).copied().flatten() {
                Some(block) => self.block(block),
                None => Ok(()),
            };
        }
        let table: Vec<u32> = tabulated
            .filled(reachable[0] as i64)
            .map(|r| reachable.binary_search(&(r as usize)).unwrap_or(0) as u32)
            .collect();
        let selector = self.table_node(tabulated.operands, table, span)?;

        let undo_base = self.undo.len();
        let observe_base = self.observes.len();
        let mut writes: Vec<BTreeMap<(ArrayId, usize), Slot>> = Vec::new();
        let mut observed: Vec<Vec<(NodeId, Span, Target)>> = Vec::new();
        let mut result = Ok(());
        self.branch_depth += 1;
        for (position, &branch) in reachable.iter().enumerate() {
            if let Some(block) = bodies.get(branch).copied().flatten() {
                self.path.push(PathCondition { selector, branch: position as u32 });
                if self.block(block).is_err() {
                    result = Err(Failed);
                }
                self.path.pop();
            }
            let mut written = BTreeMap::new();
            for &(array, flat, _) in &self.undo[undo_base..] {
                written.insert((array, flat), self.slots[array][flat]);
            }
            while self.undo.len() > undo_base {
                if let Some((array, flat, old)) = self.undo.pop() {
                    self.slots[array][flat] = old;
                }
            }
            writes.push(written);
            observed.push(self.observes.split_off(observe_base));
        }
        self.branch_depth -= 1;
        result?;
        self.merge(selector, &writes, span)?;
        let always = self.const_node(1, span)?;
        for (branch, list) in observed.into_iter().enumerate() {
            for (node, observe_span, target) in list {
                // The observation only binds when this branch is taken.
                let choices = (0..reachable.len()).map(|b| if b == branch { node } else { always }).collect();
                let guarded = self.mix_node(selector, choices, observe_span)?;
                self.observes.push((guarded, observe_span, target));
            }
        }
        Ok(())
    }

    fn merge(&mut self, selector: NodeId, writes: &[BTreeMap<(ArrayId, usize), Slot>], span: Span) -> Lowering<()> {
        let mut touched: Vec<(ArrayId, usize)> = writes.iter().flat_map(|w| w.keys().copied()).collect();
        touched.sort_unstable();
        touched.dedup();
        for (array, flat) in touched {
            let before = self.slots[array][flat];
            let after: Vec<Slot> = writes.iter().map(|w| w.get(&(array, flat)).copied().unwrap_or(before)).collect();
            let merged = if after.iter().all(|s| *s == after[0]) {
                after[0]
            } else if after.iter().all(|s| matches!(s, Slot::Assigned(_))) {
                let choices = after
                    .iter()
                    .map(|s| match s {
                        Slot::Assigned(node) => *node,
                        _ => 0,
                    })
                    .collect();
                Slot::Assigned(self.mix_node(selector, choices, span)?)
            } else if after.contains(&Slot::Poisoned) {
                Slot::Poisoned
            } else {
                Slot::Partial(span)
            };
            if merged != before {
                self.write(array, flat, merged);
            }
        }
        Ok(())
    }
}
