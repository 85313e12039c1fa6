//! Resolved example items -> examples: loops and conditions around `example` blocks run
//! iteration by iteration, each block assembled into an `ExampleData`.

use super::{recorded, Assembly, At, Entry, Origin, Values};
use crate::eval::constant_value;
use crate::limits::{Limits, Tally};
use crate::program::{ArrayId, ExampleData, Expr, Program};
use tpt_source::diagnostics::{Diagnostic, Setting, Text};
use tpt_source::span::Span;

/// The examples of the sketch, resolved: loops and conditions around `example` blocks whose
/// entries name arrays by id and hold constant expressions.
#[derive(Clone, Debug)]
pub enum ExampleSource {
    Example {
        entries: Vec<Entry>,
        /// Arrays whose entries did not resolve (already reported).
        failed: Vec<ArrayId>,
        span: Span,
    },
    For {
        /// The loop variable's slot and name.
        slot: usize,
        name: String,
        start: Expr,
        end: Expr,
        body: Vec<ExampleSource>,
        span: Span,
    },
    If {
        branches: Vec<(Expr, Vec<ExampleSource>)>,
        otherwise: Option<Vec<ExampleSource>>,
    },
}

/// Expands resolved example items into examples, iteration by iteration.
pub struct Expansion<'a> {
    pub program: &'a Program,
    pub limits: &'a Limits,
    /// Examples before these (for numbering) plus those expanded so far.
    pub count: usize,
    /// Loop iterations run so far, against the unroll limit.
    pub work: u64,
    /// The values the examples hold so far, against `--max-example-values`.
    pub values: Tally,
    pub errors: Vec<Diagnostic>,
    pub examples: Vec<ExampleData>,
    /// The tolerance of real observations that give none.
    pub tolerance: f64,
    loop_values: Vec<i64>,
    loop_names: Vec<(String, usize)>,
}

impl<'a> Expansion<'a> {
    pub fn new(
        program: &'a Program,
        limits: &'a Limits,
        count: usize,
        work: u64,
        values: Tally,
        tolerance: f64,
    ) -> Self {
        Expansion {
            program,
            limits,
            count,
            work,
            values,
            tolerance,
            errors: Vec::new(),
            examples: Vec::new(),
            loop_values: Vec::new(),
            loop_names: Vec::new(),
        }
    }

    fn value(&mut self, expr: &Expr) -> Option<i64> {
        recorded(constant_value(self.program, expr, &self.loop_values), &mut self.errors)
    }

    pub fn expand(&mut self, source: &ExampleSource) {
        match source {
            ExampleSource::Example { entries, failed, span } => self.example(entries, failed, *span),
            ExampleSource::For { slot, name, start, end, body, span } => {
                let (Some(start), Some(end)) = (self.value(start), self.value(end)) else { return };
                if self.loop_values.len() <= *slot {
                    self.loop_values.resize(slot + 1, 0);
                }
                self.loop_names.push((name.clone(), *slot));
                for value in start..end {
                    self.work += 1;
                    if self.work > self.limits.max_unroll {
                        self.errors.push(
                            Diagnostic::error("the loops around the examples run too many times")
                                .with_label(*span, "this loop")
                                .with_help(
                                    Text::from(format!(
                                        "the limit is {} iterations; raise it with ",
                                        self.limits.max_unroll
                                    )) + Setting::MaxUnroll.placeholder("N"),
                                ),
                        );
                        break;
                    }
                    self.loop_values[*slot] = value;
                    for inner in body {
                        self.expand(inner);
                    }
                    if self.errors.len() > 50 {
                        break;
                    }
                }
                self.loop_names.pop();
            }
            ExampleSource::If { branches, otherwise } => {
                for (condition, body) in branches {
                    let Some(value) = self.value(condition) else { return };
                    if value != 0 {
                        body.iter().for_each(|inner| self.expand(inner));
                        return;
                    }
                }
                otherwise.iter().flatten().for_each(|inner| self.expand(inner));
            }
        }
    }

    fn example(&mut self, entries: &[Entry], failed: &[ArrayId], span: Span) {
        let limit = self.limits.max_examples;
        if self.count as u64 >= limit {
            if self.count as u64 == limit {
                self.errors.push(
                    Diagnostic::error("too many examples")
                        .with_label(span, "this example is over the limit")
                        .with_help(
                            Text::from(format!("the limit is {limit}; raise it with "))
                                + Setting::MaxExamples.placeholder("N"),
                        ),
                );
            }
            return;
        }
        // Each array an example gives is stored whole: counted before it is.
        let mut given: Vec<ArrayId> = entries.iter().map(|e| e.array).collect();
        given.sort_unstable();
        given.dedup();
        let values: u64 = given.iter().map(|&a| self.program.arrays[a].len() as u64).sum();
        let limit = self.limits.max_example_values;
        // Past the limit (already reported) the examples are counted no more.
        if self.values.total() > limit {
            return;
        }
        if !self.values.add(values, span, limit) {
            let message = format!("the examples hold more than {limit} values");
            self.errors.push(
                self.values
                    .over_limit(span, message, "value", "examples")
                    .with_note(format!("{} gives an array in full for each entry", self.label()))
                    .with_help(
                        Text::from(format!(
                            "the limit is {limit} values for all examples together; use fewer or smaller examples, or raise it with "
                        )) + Setting::MaxExampleValues.placeholder("N"),
                    ),
            );
            return;
        }
        let mut assembly = Assembly::new(self.program, 0, span, self.label());
        assembly.failed.extend(failed);
        let before = self.errors.len();
        let mut values = Values {
            program: self.program,
            origin: Origin::Sketch,
            loop_values: &self.loop_values,
            errors: &mut self.errors,
        };
        for entry in entries {
            assembly.fill(&mut values, entry, self.tolerance);
        }
        let data = assembly.finish(self.program, Origin::Sketch, &At::Sketch(span), &mut self.errors);
        // An example with errors is not counted, so that the next one keeps its number.
        if self.errors.len() == before {
            self.examples.push(data);
            self.count += 1;
        }
    }

    /// `example 3`, or `example 3 (a = 1, b = 0)` for an example inside loops, so that a
    /// message about it says which iteration wrote it.
    fn label(&self) -> String {
        let number = self.count + 1;
        let values: Vec<String> = self
            .loop_names
            .iter()
            .map(|(name, slot)| format!("{name} = {}", self.loop_values.get(*slot).copied().unwrap_or(0)))
            .collect();
        if values.is_empty() {
            format!("example {number}")
        } else {
            format!("example {number} ({})", values.join(", "))
        }
    }
}
