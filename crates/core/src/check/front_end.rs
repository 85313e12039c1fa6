//! The front end on a file's text: the parser, which recovers from syntax errors, then the
//! checker on what parsed, so that one run reports every independent error of both, in the
//! order of the text and at most [`MAX_ERRORS`] of them.

use super::{check_report, CheckOptions, Checked, SymbolTable};
use crate::program::Program;
use tpt_source::diagnostics::Diagnostic;
pub use tpt_syntax::parse::MAX_ERRORS;
use tpt_syntax::parse::{not_shown, parse_recovering, Parsed};

/// What the parser and the checker made of a file's text.
#[derive(Debug)]
pub struct FrontEnd {
    /// What parsed, bad items and statements left out; `None` when parsing could not go on.
    pub parsed: Option<Parsed>,
    /// The checked program, when there is no error at all.
    pub program: Option<Program>,
    /// The names declared and used in what parsed (empty when nothing did).
    pub symbols: SymbolTable,
    pub warnings: Vec<Diagnostic>,
    /// The syntax errors and the checker's, in the order of the text, capped.
    pub errors: Vec<Diagnostic>,
}

impl FrontEnd {
    /// The parsed file and the checked program, or the errors.
    pub fn into_result(self) -> Result<(Parsed, Checked), Vec<Diagnostic>> {
        match (self.parsed, self.program) {
            (Some(parsed), Some(program)) if self.errors.is_empty() => {
                Ok((parsed, Checked { program, symbols: self.symbols, warnings: self.warnings }))
            }
            _ => Err(self.errors),
        }
    }
}

/// Parse and check a file's text. The checker runs on the items that parsed, also after
/// syntax errors; a program comes out only when there is no error.
pub fn check_text(source: &str, options: &CheckOptions) -> FrontEnd {
    let recovered = parse_recovering(source, options.limits.max_depth);
    let Some(parsed) = recovered.parsed else {
        return FrontEnd {
            parsed: None,
            program: None,
            symbols: SymbolTable::default(),
            warnings: Vec::new(),
            errors: capped(recovered.errors, recovered.not_shown),
        };
    };
    let report = check_report(&parsed.file, options);
    let syntax_errors = !recovered.errors.is_empty();
    let errors = capped(merge_in_text_order(recovered.errors, report.errors), recovered.not_shown);
    FrontEnd {
        parsed: Some(parsed),
        program: report.program.filter(|_| !syntax_errors),
        symbols: report.symbols,
        warnings: report.warnings,
        errors,
    }
}

/// The syntax errors (in the order of the text) merged into the checker's by where they
/// point; the checker's keep their order among themselves, and an error that points nowhere
/// (a `--set` naming no constant) stays where the checker put it.
pub fn merge_in_text_order(syntax: Vec<Diagnostic>, checker: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let position = |d: &Diagnostic| d.primary_span().map(|s| s.start);
    let mut merged = Vec::with_capacity(syntax.len() + checker.len());
    let mut syntax = syntax.into_iter().peekable();
    for error in checker {
        if let Some(at) = position(&error) {
            while let Some(before) = syntax.next_if(|s| position(s).is_some_and(|p| p <= at)) {
                merged.push(before);
            }
        }
        merged.push(error);
    }
    merged.extend(syntax);
    merged
}

/// At most [`MAX_ERRORS`] errors, and one that counts the rest (with `more`, the syntax errors
/// counted but not worded).
fn capped(mut errors: Vec<Diagnostic>, more: usize) -> Vec<Diagnostic> {
    let rest = errors.len().saturating_sub(MAX_ERRORS) + more;
    errors.truncate(MAX_ERRORS);
    if rest > 0 {
        errors.push(not_shown(rest));
    }
    errors
}
