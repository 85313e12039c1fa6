//! tpt's core: AST -> checked program ([`check`], [`program`]), with its examples
//! ([`examples`]); the one evaluator of checked expressions ([`eval`]), the exact interpreter
//! ([`interp`]) and the verifier whose verdict alone makes a result found ([`verify`]); the
//! resource bounds every stage keeps to ([`limits`]). Nothing here knows the graph or the search.

pub mod check;
pub mod eval;
pub mod examples;
pub mod interp;
pub mod limits;
pub mod program;
pub mod verify;
