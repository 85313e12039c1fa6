//! tpt's syntax: source text -> tokens ([`lexer`]) -> AST ([`parse`], [`ast`]), and the
//! formatter ([`format`](mod@format)) that lays an AST out again. Nothing here knows the
//! checked program, the graph or the search.

pub mod ast;
pub mod format;
pub mod lexer;
pub mod parse;
