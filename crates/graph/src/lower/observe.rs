//! Observations: every `observe` (guarded by the branches around it) and every output
//! element an example observes become the graph's observations.

use super::compute::Computed;
use super::{Lowerer, Lowering, Slot};
use crate::graph::*;
use tpt_core::eval::{eval, Env};
use tpt_core::limits::Tally;
use tpt_core::program::DeclKind;
use tpt_core::program::*;
use tpt_source::diagnostics::{plural, Diagnostic};
use tpt_source::span::Span;

impl Lowerer<'_> {
    pub(super) fn observe(&mut self, expr: &Expr) -> Lowering<()> {
        let evaluate = |program: &Program, env: &mut dyn Env| Ok(i64::from(eval(program, expr, env)? == 1));
        match self.compute(&[expr], expr.span, &evaluate)? {
            Computed::Known(1) => Ok(()),
            Computed::Known(_) if self.branch_depth == 0 => {
                let diagnostic = Diagnostic::error("this `observe` can never hold")
                    .with_label(expr.span, "this is never 1")
                    .with_help("`observe e;` requires `e` to be 1 in every example");
                let diagnostic = self.in_loop(diagnostic);
                self.fail(diagnostic)
            }
            Computed::Known(_) => {
                let never = self.const_node(0, expr.span)?;
                self.observes.push((never, expr.span, Target::Observe));
                Ok(())
            }
            // Outside runtime branches, an `observe` of inputs and unbound params that no value
            // of theirs satisfies fails in every example, like a constant one. (Inside a branch
            // it only says that the branch must not be taken. Other operands are left alone:
            // the domain of a computed node can be narrower than its declaration, and one that
            // depends on bound params should fail at `tpt run`, naming the example.)
            Computed::Table(t)
                if self.branch_depth == 0
                    && t.results.iter().all(|r| *r != Some(1))
                    && t.operands.iter().all(|&o| {
                        matches!(self.graph.node(o).kind, NodeKind::Input { .. } | NodeKind::Param { .. })
                    }) =>
            {
                let names: Vec<String> = t.names.iter().map(|n| format!("`{n}`")).collect();
                let diagnostic = Diagnostic::error("this `observe` can never hold")
                    .with_label(expr.span, format!("this is 1 for no value of {}", names.join(", ")))
                    .with_help("`observe e;` requires `e` to be 1 in every example");
                let diagnostic = self.in_loop(diagnostic);
                self.fail(diagnostic)
            }
            Computed::Table(t) => {
                let table = t.filled(1).map(|v| v as u32).collect();
                let node = self.table_node(t.operands, table, expr.span)?;
                self.observes.push((node, expr.span, Target::Observe));
                Ok(())
            }
        }
    }

    /// Count an observation, which holds a value per example, against `--max-example-values`
    /// (at `span`, the output's declaration or the `observe`).
    fn count_observation(&mut self, values: &mut Tally, span: Span) -> Lowering<()> {
        let limit = self.limits.max_example_values;
        if values.add(self.program.examples.len() as u64, span, limit) {
            return Ok(());
        }
        self.aborted = true;
        let examples = plural(self.program.examples.len(), "example");
        let diagnostic = values
            .over_limit(span, format!("the observations of {examples} hold more than {limit} values"), "value", "observations")
            .with_note("each observed output element and each `observe` holds a value per example")
            .with_help(format!(
                "the limit is {limit} values for all observations together; use fewer examples or observe fewer elements, or raise it with `--max-example-values N`"
            ));
        self.fail(diagnostic)
    }

    /// Record the observations: every observed output element and every `observe`.
    pub(super) fn outputs(&mut self) {
        let examples = &self.program.examples;
        let mut values = Tally::default();
        for (array, info) in self.program.arrays.iter().enumerate() {
            if info.kind != DeclKind::Output {
                continue;
            }
            for flat in 0..info.len() {
                // The values are gathered only for an element that some example observes.
                let first = match info.real {
                    true => examples.iter().position(|e| e.real_observed(array, flat).is_some()),
                    false => examples.iter().position(|e| e.observed(array, flat).is_some()),
                };
                let Some(first) = first else { continue };
                if self.count_observation(&mut values, info.name_span).is_err() {
                    return;
                }
                let example = &examples[first];
                let at = example.entry_spans[array].unwrap_or(example.span);
                let name = info.element_name(flat);
                let node = match self.slots[array][flat] {
                    Slot::Assigned(node) => node,
                    // The failed assignment is already reported.
                    Slot::Poisoned => continue,
                    Slot::Unassigned => {
                        let diagnostic = Diagnostic::error(format!("output `{name}` is observed but never assigned"))
                            .with_label_in(example.source, at, format!("{} observes `{name}`", example.label), true)
                            .with_secondary(info.name_span, "declared here")
                            .with_help(format!("assign `{name}` in the program"));
                        let _ = self.fail::<()>(diagnostic);
                        continue;
                    }
                    Slot::Partial(partial) => {
                        let diagnostic = Diagnostic::error(format!("output `{name}` may be unassigned at the end"))
                            .with_label(partial, "assigned on some paths of this only")
                            .with_label_in(example.source, at, format!("{} observes `{name}`", example.label), false)
                            .with_help(format!("assign `{name}` on every path"));
                        let _ = self.fail::<()>(diagnostic);
                        continue;
                    }
                };
                if info.real {
                    let expected = examples.iter().map(|e| e.real_observed(array, flat)).collect();
                    self.graph.graph_mut().real_observations.push(RealObservation {
                        node,
                        array,
                        flat,
                        span: info.name_span,
                        expected,
                    });
                    continue;
                }
                let expected = examples.iter().map(|e| e.observed(array, flat)).collect();
                self.graph.graph_mut().observations.push(Observation {
                    node,
                    target: Target::Output { array, flat },
                    span: info.name_span,
                    expected,
                });
            }
        }
        let count = examples.len();
        for (node, span, target) in std::mem::take(&mut self.observes) {
            if self.count_observation(&mut values, span).is_err() {
                return;
            }
            self.graph.graph_mut().observations.push(Observation {
                node,
                target,
                span,
                expected: vec![Some(1); count],
            });
        }
    }
}
