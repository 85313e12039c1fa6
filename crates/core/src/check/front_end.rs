//! The front end on a file's text: the parser, which recovers from syntax errors, then the
//! checker on what parsed, so that one run reports every independent error of both, in the
//! order of the text and at most [`MAX_ERRORS`] of them.

use super::{check_report, CheckOptions, Checked, SymbolTable};
use crate::program::Program;
use tpt_source::diagnostics::{plural, Diagnostic};
use tpt_syntax::parse::{parse_recovering, Parsed};

/// How many errors of a file are reported; the rest are counted in one more error, so that
/// garbage cannot print millions of lines.
pub const MAX_ERRORS: usize = 50;

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
            errors: capped(recovered.errors),
        };
    };
    let report = check_report(&parsed.file, options);
    let syntax_errors = !recovered.errors.is_empty();
    let errors = capped(merge_in_text_order(recovered.errors, report.errors));
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

/// At most [`MAX_ERRORS`] errors, and one that counts the rest.
fn capped(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if errors.len() > MAX_ERRORS {
        let rest = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(
            Diagnostic::error(format!("{} not shown", plural(rest, "more error")))
                .with_note(format!("only the first {MAX_ERRORS} errors of a file are shown")),
        );
    }
    errors
}
