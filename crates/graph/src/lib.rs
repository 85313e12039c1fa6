//! tpt's graph: checked program -> differentiable graph ([`lower`], [`graph`]) -> the batched
//! forward/backward program over it ([`tape`]). Nothing here knows the AST or the search.

pub mod graph;
pub mod lower;
pub mod tape;

#[cfg(test)]
mod testing;
