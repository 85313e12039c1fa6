//! A program compiled as far as the graph: what a search runs on and what its results are
//! told against. Its own module so that the pipeline, which makes it, and the results, which
//! read it, both use it without using each other.

use tpt_core::examples::Contradictions;
use tpt_core::limits::Limits;
use tpt_core::program::Program;
use tpt_graph::graph::Graph;
use tpt_source::diagnostics::{Diagnostic, SourceId, SourceMap};
use tpt_syntax::parse::Parsed;

/// A program compiled as far as the graph.
#[derive(Debug)]
pub struct Compiled {
    /// The texts of the program and of its data file, if any (the printer keeps the program's
    /// comments and spelling; messages about examples point into either).
    pub sources: SourceMap,
    /// Which of `sources` is the program.
    pub main: SourceId,
    /// Which of `sources` is the data file, if any.
    pub data: Option<SourceId>,
    pub parsed: Parsed,
    pub program: Program,
    pub graph: Graph,
    pub warnings: Vec<Diagnostic>,
    /// Examples that contradict each other, which compilation allowed because the search may
    /// give examples up (`CheckOptions::max_violations`); a search that allows fewer failing
    /// examples than they need is refused.
    pub contradictions: Contradictions,
    /// The bounds it was compiled under; the search and the verifier keep to them too.
    pub limits: Limits,
}

impl Compiled {
    /// The program's source text.
    pub fn source(&self) -> &str {
        self.sources.text(self.main)
    }

    /// The warnings that concern running the program on an input given apart from its
    /// examples (`tpt run --input`): all but the one that the examples observe nothing, which
    /// is about a search.
    pub fn warnings_for_given_inputs(&self) -> Vec<Diagnostic> {
        self.warnings.iter().filter(|w| w.message != tpt_graph::lower::NOTHING_OBSERVED).cloned().collect()
    }
}
