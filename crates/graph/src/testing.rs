//! Sketches for the unit tests: source text -> checked program -> graph.

use tpt_core::check::{check, CheckOptions};
use tpt_core::limits::{Limits, Stop};

use crate::graph::Graph;
use crate::lower::lower;

/// The graph of a sketch that must parse, check and lower.
pub(crate) fn graph_of(source: &str) -> Graph {
    let parsed = tpt_syntax::parse::parse(source, Limits::default().max_depth).expect("parses");
    let checked = check(&parsed.file, &CheckOptions::default()).expect("checks");
    lower(&checked.program, &Limits::default(), &Stop::default()).expect("lowers").graph
}
