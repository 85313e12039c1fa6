//! Resource bounds that user input controls. Every bound fires before the large allocation or
//! long loop it guards, with an error naming the construct and the flag that raises it. Time
//! is bounded from outside: compilation gives up at a deadline or on an interrupt ([`Stop`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use tpt_source::diagnostics::{plural, Diagnostic, Setting, Text};
use tpt_source::span::Span;

/// The bounds applied while parsing, checking, unrolling and lowering a program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Maximum nesting of brackets, blocks and expression trees (`--max-depth`, at most
    /// [`MAX_DEPTH_CEILING`]).
    pub max_depth: u32,
    /// Maximum number of statements and loop iterations executed while unrolling (`--max-unroll`).
    pub max_unroll: u64,
    /// Maximum number of operand combinations enumerated for one runtime expression (`--max-enum`).
    pub max_enum: u64,
    /// Maximum number of operand combinations enumerated for all `fn`s and runtime expressions
    /// together (`--max-enum-total`): the size of the tables compilation builds.
    pub max_enum_total: u64,
    /// Maximum number of elements of all declared arrays together (`--max-elements`).
    pub max_elements: u64,
    /// Maximum size of one domain (`--max-domain`).
    pub max_domain: u64,
    /// Maximum number of examples (`--max-examples`).
    pub max_examples: u64,
    /// Maximum number of values held for all examples together (`--max-example-values`): the
    /// elements each example gives, and each observation once per example.
    pub max_example_values: u64,
    /// Maximum number of nodes of the lowered graph (`--max-nodes`).
    pub max_nodes: u64,
    /// Maximum bytes of the batched buffers of the forward/backward pass (`--max-memory`, in MiB).
    pub max_memory_mib: u64,
}

/// The largest `--max-depth` accepted: the recursive passes over a tree this deep fit in the
/// stack the command line gives them (256 MiB) with room to spare, on every kind of nesting.
pub const MAX_DEPTH_CEILING: u32 = 10_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_unroll: 2_000_000,
            max_enum: 1 << 20,
            max_enum_total: 1 << 23,
            max_elements: 1 << 20,
            max_domain: 1 << 16,
            max_examples: 100_000,
            max_example_values: 1 << 24,
            max_nodes: 2_000_000,
            max_memory_mib: 2048,
        }
    }
}

/// When compilation gives up before it finishes: at a deadline (`--timeout`, counted from the
/// start of the command), or when a flag set from outside (Ctrl-C) is raised. The default
/// never stops.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    pub deadline: Option<Instant>,
    pub interrupt: Option<Arc<AtomicBool>>,
}

/// Why compilation stopped before it finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// The deadline passed.
    Timeout,
    /// The interrupt flag was raised.
    Interrupted,
}

impl Stop {
    /// Whether to stop now (the interrupt first: it is the user's latest word).
    pub fn check(&self) -> Result<(), Stopped> {
        if self.interrupt.as_ref().is_some_and(|flag| flag.load(Ordering::Relaxed)) {
            return Err(Stopped::Interrupted);
        }
        if self.deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Err(Stopped::Timeout);
        }
        Ok(())
    }
}

/// Why compilation gave no program.
#[derive(Clone, Debug)]
pub enum Failure {
    /// The program or its examples are wrong: at least one error.
    Errors(Vec<Diagnostic>),
    /// Compilation was stopped from outside before it finished.
    Stopped(Stopped),
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(errors: Vec<Diagnostic>) -> Self {
        Failure::Errors(errors)
    }
}

/// Amounts counted against a total bound, with where in the source each was spent, so that
/// an error can point at the costliest place.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    total: u64,
    /// Per source span: the amount spent there and how many times.
    by_span: HashMap<Span, (u64, u64)>,
}

impl Tally {
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Count `amount` spent at `span`; whether the total is still within `limit`.
    pub fn add(&mut self, amount: u64, span: Span, limit: u64) -> bool {
        let (at, times) = self.by_span.entry(span).or_default();
        *at = at.saturating_add(amount);
        *times += 1;
        self.total = self.total.saturating_add(amount);
        self.total <= limit
    }

    /// The place that cost most, with its amount and how many times it was spent; of equal
    /// ones the first in the source, so that messages are the same on every run.
    pub fn costliest(&self) -> Option<(Span, u64, u64)> {
        self.by_span
            .iter()
            .max_by_key(|(span, (amount, _))| (*amount, std::cmp::Reverse(**span)))
            .map(|(span, (amount, times))| (*span, *amount, *times))
    }

    /// The error of a total over `limit`, at the costliest place (`what`: the noun counted,
    /// `made`: what holds them, plural), with a secondary label at `last`, where the total
    /// passed the limit, when that is elsewhere.
    pub fn over_limit(&self, last: Span, message: String, what: &str, made: &str) -> Diagnostic {
        let (costliest, amount, times) = self.costliest().unwrap_or((last, self.total, 1));
        let label = match times {
            1 => format!("{} here", plural(amount, what)),
            _ => format!("{} here, in {times} {made}", plural(amount, what)),
        };
        let diagnostic = Diagnostic::error(message).with_label(costliest, label);
        if costliest != last {
            return diagnostic.with_secondary(last, "the total passes the limit here");
        }
        diagnostic
    }
}

/// The error of a program whose tables would hold more than `--max-enum-total` entries.
pub fn enum_total_error(tally: &Tally, last: Span, limit: u64) -> Diagnostic {
    tally
        .over_limit(
            last,
            format!("compiling this program enumerates more than {limit} operand combinations"),
            "combination",
            "tables",
        )
        .with_note(format!(
            "each table of a runtime expression or a `fn` holds one entry per combination of its operands' values; {} so far",
            plural(tally.total(), "combination")
        ))
        .with_help(
            Text::from(format!(
                "the limit is {limit} for all tables together; use smaller domains or fewer runtime operands per expression, or raise it with "
            )) + Setting::MaxEnumTotal.placeholder("N"),
        )
}
