//! tpt's front door: source text -> compiled program ([`pipeline::compile`]) -> a search for
//! its params ([`pipeline::synthesize`]) -> what the user is told ([`result::Synthesis`]): the
//! printed program ([`print`](mod@print)), the diagnostics and the JSON, and whether the
//! examples pin the behaviour down ([`distinguish`]).

pub mod compiled;
pub mod distinguish;
pub mod pipeline;
pub mod print;
pub mod result;
