//! The examples a program gives up under `--max-violations` -> what the printed program does
//! with the items that hold them, so that `tpt run` of it passes (docs/language.md, "What
//! synthesis prints"). An example item (an `example` block, or a constant loop or `if` of them)
//! all of whose examples are given up is commented out under a note; one that also gives
//! examples the program satisfies cannot lose one of them alone, so it stays, under a note
//! naming the examples given up (their labels name the loop's values) and the
//! `tpt run --max-violations` that accepts the program.

use crate::ast::Item;
use crate::diagnostics::SourceId;
use crate::program::{ExampleData, Program};

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

impl GivenUp<'_> {
    /// The sketch's examples that `item` gives, by index, and whether each is given up.
    fn of_item(&self, program: &Program, item: &Item) -> Vec<(usize, bool)> {
        let span = item_span(item);
        let within = |example: &ExampleData| {
            example.source == self.source && example.span.start >= span.start && example.span.end <= span.end
        };
        program
            .examples
            .iter()
            .enumerate()
            .filter(|(_, example)| within(example))
            .map(|(index, _)| (index, self.examples.contains(&index)))
            .collect()
    }

    /// The examples given up that the printed program keeps: those of items it cannot comment
    /// out (their loops give other examples too). Those of a data file are not counted.
    pub fn kept(&self, program: &Program, items: &[Item]) -> Vec<usize> {
        let mut kept = Vec::new();
        for item in items.iter().filter(|item| matches!(item, Item::Examples(_))) {
            let examples = self.of_item(program, item);
            if examples.iter().any(|&(_, given_up)| !given_up) {
                kept.extend(examples.iter().filter(|&&(_, given_up)| given_up).map(|&(index, _)| index));
            }
        }
        kept
    }

    /// What the printed program does with the example item `item` of `items`.
    pub fn item(&self, program: &Program, items: &[Item], item: &Item) -> ExampleItem {
        if self.examples.is_empty() {
            return ExampleItem::Kept;
        }
        let examples = self.of_item(program, item);
        let given_up: Vec<usize> = examples.iter().filter(|&&(_, up)| up).map(|&(index, _)| index).collect();
        if given_up.is_empty() {
            return ExampleItem::Kept;
        }
        if given_up.len() == examples.len() {
            let what = if examples.len() == 1 { "this example" } else { "every example here" };
            return ExampleItem::CommentedOut(format!("given up under --max-violations: the program fails {what}"));
        }
        let labels: Vec<&str> = given_up.iter().map(|&index| program.examples[index].label.as_str()).collect();
        let allowance = self.kept(program, items).len();
        ExampleItem::Noted(format!(
            "given up under --max-violations but kept, as this loop gives other examples too: the program fails {}; `tpt run --max-violations {allowance}` accepts it",
            labels.join(", ")
        ))
    }
}
