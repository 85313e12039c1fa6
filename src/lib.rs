//! tpt: program synthesis from sketches over finite domains. The library does no I/O of its
//! own: it takes source text and returns values and diagnostics; only `main.rs` exits.

pub mod ast;
pub mod check;
pub mod diagnostics;
pub mod encode;
pub mod eval;
pub mod examples;
pub mod format;
pub mod graph;
pub mod interp;
pub mod lexer;
pub mod limits;
pub mod lower;
pub mod parse;
pub mod pipeline;
pub mod print;
pub mod program;
pub mod result;
pub mod solve;
pub mod span;
pub mod tape;
pub mod verify;
