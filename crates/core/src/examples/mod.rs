//! Example items (resolved by the checker) and data files -> [`ExampleData`](crate::program::ExampleData). Both kinds of
//! example are brought to one [`ValueTree`] per entry, checked by one set of shape, domain and
//! hole rules with the same messages, and assembled into examples by the same code; only how a
//! message points at the value differs (a span of the sketch, or a path in the data file).

mod assembly;
mod contradictions;
mod expansion;
pub mod json;
mod tree;
mod values;

pub use assembly::{missing_input, Assembly, Entry};
pub use contradictions::{contradictions, Contradictions};
pub use expansion::{ExampleSource, Expansion};
pub use tree::{At, Origin, ValueKind, ValueTree};
pub use values::Values;

use tpt_source::diagnostics::Diagnostic;

/// The value of an evaluation, or `None` with its error recorded in `errors`.
fn recorded<T>(result: Result<T, Diagnostic>, errors: &mut Vec<Diagnostic>) -> Option<T> {
    result.map_err(|diagnostic| errors.push(diagnostic)).ok()
}
