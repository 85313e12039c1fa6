//! Source text -> checked program -> graph: the front end in one call, for the CLI and tests.

use crate::check::{check, CheckOptions};
use crate::data::load_examples;
use crate::diagnostics::{Diagnostic, SourceId, SourceMap};
use crate::graph::Graph;
use crate::lower::lower;
use crate::parse::{parse, Parsed};
use crate::program::Program;
use crate::span::Span;

/// A program compiled as far as the graph.
#[derive(Debug)]
pub struct Compiled {
    pub parsed: Parsed,
    pub program: Program,
    pub graph: Graph,
    pub warnings: Vec<Diagnostic>,
}

/// Decode a file's bytes; invalid UTF-8 is reported at the first bad byte.
pub fn decode(bytes: &[u8]) -> Result<String, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(error) => {
            let at = error.valid_up_to();
            Err(Diagnostic::error("the file is not valid UTF-8 text")
                .with_label(Span::new(at, at + 1), format!("invalid byte 0x{:02x} at offset {at}", bytes[at]))
                .with_help("tpt reads UTF-8 source files"))
        }
    }
}

/// Parse, check and lower the program in `sources` (id `main`), with examples from the data
/// file `data` (if any) appended to the file's own.
pub fn compile(
    sources: &SourceMap,
    main: SourceId,
    data: Option<SourceId>,
    options: &CheckOptions,
) -> Result<Compiled, Vec<Diagnostic>> {
    let parsed = parse(sources.text(main), options.limits.max_depth)?;
    let checked = check(&parsed.file, options)?;
    let mut program = checked.program;
    let mut warnings = checked.warnings;
    if let Some(data) = data {
        let examples = load_examples(&program, sources.text(data), data, sources.name(data), &options.limits)?;
        program.examples.extend(examples);
    }
    let lowered = lower(&program, &options.limits)?;
    warnings.extend(lowered.warnings);
    Ok(Compiled { parsed, program, graph: lowered.graph, warnings })
}
