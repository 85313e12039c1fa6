//! tpt: program synthesis from sketches over finite domains. The library does no I/O of its
//! own: it takes source text and returns values and diagnostics; only `main.rs` exits.

pub mod ast;
pub mod diagnostics;
pub mod format;
pub mod lexer;
pub mod limits;
pub mod parse;
pub mod span;
