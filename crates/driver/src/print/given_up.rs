//! The examples a program gives up under `--max-violations` -> what the printed program does
//! with the items that hold them, so that `tpt run` of it passes (docs/language.md, "What
//! synthesis prints"). An example item (an `example` block, or a constant loop or `if` of them)
//! all of whose examples are given up is commented out under a note; one that also gives
//! examples the program satisfies cannot lose one of them alone, so it stays, under a note
//! naming the examples given up (their labels name the loop's values) and the
//! `tpt run --max-violations` that accepts the program.

use std::collections::HashSet;

use tpt_core::program::Program;
use tpt_source::diagnostics::SourceId;
use tpt_syntax::ast::Item;

use super::emit::item_span;

/// What the printed program does with one example item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExampleItem {
    /// Printed as it is.
    Kept,
    /// Printed as comments, under this note: every example it gives is given up.
    CommentedOut(String),
    /// Printed under this note: some of its examples are given up, others not.
    Noted(String),
}

/// The examples a program gives up, and where the printed program's examples come from.
#[derive(Clone, Copy, Debug, Default)]
pub struct GivenUp<'a> {
    /// Indices into the program's examples.
    pub examples: &'a [usize],
    /// The source of the sketch's own examples (the others come from a data file and are not
    /// printed).
    pub source: SourceId,
}

/// The sketch's examples an item gives: how many, and which of them are given up.
#[derive(Clone, Debug, Default)]
struct ItemExamples {
    count: usize,
    given_up: Vec<usize>,
}

impl ItemExamples {
    /// Some of its examples are given up, and some are not: it cannot be commented out.
    fn mixed(&self) -> bool {
        !self.given_up.is_empty() && self.given_up.len() < self.count
    }
}

impl GivenUp<'_> {
    /// For each item of `items`, the sketch's examples it gives (an example belongs to the item
    /// whose span holds its `example` block).
    fn by_item(&self, program: &Program, items: &[Item]) -> Vec<ItemExamples> {
        let spans: Vec<_> = items.iter().map(item_span).collect();
        let given_up: HashSet<usize> = self.examples.iter().copied().collect();
        let mut by_item = vec![ItemExamples::default(); items.len()];
        for (index, example) in program.examples.iter().enumerate() {
            if example.source != self.source {
                continue;
            }
            // Items are in source order: the last one starting at or before the example.
            let Some(item) = spans.partition_point(|span| span.start <= example.span.start).checked_sub(1) else {
                continue;
            };
            if example.span.end > spans[item].end {
                continue;
            }
            by_item[item].count += 1;
            if given_up.contains(&index) {
                by_item[item].given_up.push(index);
            }
        }
        by_item
    }

    /// The examples given up that the printed program keeps: those of items it cannot comment
    /// out (their loops give other examples too). Those of a data file are not counted.
    pub fn kept(&self, program: &Program, items: &[Item]) -> Vec<usize> {
        if self.examples.is_empty() {
            return Vec::new();
        }
        let by_item = self.by_item(program, items);
        by_item.iter().filter(|examples| examples.mixed()).flat_map(|examples| examples.given_up.clone()).collect()
    }

    /// What the printed program does with each item of `items` (`Kept` for all but example
    /// items that give examples given up).
    pub fn plan(&self, program: &Program, items: &[Item]) -> Vec<ExampleItem> {
        if self.examples.is_empty() {
            return vec![ExampleItem::Kept; items.len()];
        }
        let by_item = self.by_item(program, items);
        let allowance: usize = by_item.iter().filter(|examples| examples.mixed()).map(|e| e.given_up.len()).sum();
        let plan = |(item, examples): (&Item, &ItemExamples)| {
            if !matches!(item, Item::Examples(_)) || examples.given_up.is_empty() {
                return ExampleItem::Kept;
            }
            if !examples.mixed() {
                let what = if examples.count == 1 { "this example" } else { "every example here" };
                return ExampleItem::CommentedOut(format!("given up under --max-violations: the program fails {what}"));
            }
            let labels: Vec<&str> = examples.given_up.iter().map(|&i| program.examples[i].label.as_str()).collect();
            ExampleItem::Noted(format!(
                "given up under --max-violations but kept, as this loop gives other examples too: the program fails {}; `tpt run --max-violations {allowance}` accepts it",
                labels.join(", ")
            ))
        };
        items.iter().zip(&by_item).map(plan).collect()
    }
}
