//! tpt's front door: source text -> compiled program ([`pipeline::compile`]) -> a search for
//! its params ([`pipeline::synthesize`]) -> what the user is told ([`result::Synthesis`]): the
//! printed program ([`print`](mod@print)), the diagnostics and the JSON, and whether the
//! examples pin the behaviour down ([`distinguish`]).

pub mod compiled;
pub mod distinguish;
pub mod pipeline;
pub mod print;
pub mod result;

// What front-door users (the command, the Python package) need of the layers below, so that
// they depend on this crate alone: the settings of a compilation and of a search, the back
// ends with their options and capabilities, how a search ended, the examples and inputs given
// as values, and the interpreter that runs a found program on them.
pub use tpt_core::check::CheckOptions;
pub use tpt_core::examples::json::{data_file_text, inputs_example};
pub use tpt_core::interp::run_example;
pub use tpt_core::program::{ArrayInfo, DeclKind};
pub use tpt_graph::tape::LossKind;
pub use tpt_solve::{backend, registry, BackendInfo, CegisMode, Kind, OptionInfo, Status};
