//! `minimize` statements -> the graph's objective: each term, tabulated over the params it
//! reads, becomes a table node (its values shifted to start at 0) plus a constant offset.

use super::compute::Computed;
use super::{Lowerer, Lowering};
use crate::graph::ObjectiveTerm;
use tpt_core::eval::{eval, Env};
use tpt_core::program::*;
use tpt_source::diagnostics::{Diagnostic, Setting, Text};

impl Lowerer<'_> {
    pub(super) fn minimize(&mut self, expr: &Expr) -> Lowering<()> {
        let evaluate = |program: &Program, env: &mut dyn Env| eval(program, expr, env);
        let (offset, term) = match self.compute(&[expr], expr.span, &evaluate)? {
            Computed::Known(value) => (value, None),
            Computed::Table(t) => {
                // Outside runtime branches every combination is reachable.
                let values: Vec<i64> = t.filled(0).collect();
                let low = values.iter().copied().min().unwrap_or(0);
                let high = values.iter().copied().max().unwrap_or(0);
                let range = i128::from(high) - i128::from(low);
                if range >= i128::from(self.limits.max_domain) {
                    let diagnostic = Diagnostic::error("this term of the objective takes too many different values")
                        .with_label(expr.span, format!("its values range from {low} to {high}"))
                        .with_help(
                            Text::from(format!("a term may span at most {} values (", self.limits.max_domain))
                                + Setting::MaxDomain.mention()
                                + "); scale it down, or raise the limit",
                        );
                    let diagnostic = self.in_loop(diagnostic);
                    return self.fail(diagnostic);
                }
                let table = values.iter().map(|&v| (v - low) as u32).collect();
                let node = self.table_node(t.operands, table, expr.span)?;
                (low, Some(node))
            }
        };
        let graph = self.graph.graph_mut();
        let total = graph.objective_offset.checked_add(offset);
        let Some(total) = total else {
            let diagnostic =
                Diagnostic::error("the objective overflows a 64-bit integer").with_label(expr.span, "adding this term");
            return self.fail(diagnostic);
        };
        graph.objective_offset = total;
        if let Some(node) = term {
            // A table that came out constant is a constant node: its value is part of the offset.
            match self.graph.node(node).kind {
                crate::graph::NodeKind::Const { value } => {
                    let graph = self.graph.graph_mut();
                    graph.objective_offset = graph.objective_offset.saturating_add(i64::from(value));
                }
                _ => self.graph.graph_mut().objective.push(ObjectiveTerm { node, offset, span: expr.span }),
            }
        }
        Ok(())
    }
}
