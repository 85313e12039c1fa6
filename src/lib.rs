//! tpt: program synthesis from sketches over finite domains.
//!
//! A sketch is a small imperative program whose unknowns are `param`s, with input/output
//! examples. [`pipeline::compile`] takes its source text to a checked program and a
//! differentiable graph; [`pipeline::synthesize`] finds the params with a back end (gradient
//! search, relaxations, local search, or the exact `sat`/`smt`/`exhaustive`) and returns a
//! [`result::Synthesis`]. A result is "found" only when the exact interpreter confirmed the
//! params on every example ([`verify::Verified`] can be made in no other way); "impossible" is
//! an exact proof. The library does no I/O of its own: it takes text and returns values and
//! diagnostics ([`diagnostics::Diagnostic`], rendered with [`diagnostics::render`]); only the
//! `tpt` binary reads files, prints and exits.
//!
//! ```
//! use std::sync::Arc;
//!
//! use tpt::diagnostics::SourceMap;
//! use tpt::pipeline::{compile, synthesize, SearchConfig};
//! use tpt::result::PrintForm;
//! use tpt::solve::Status;
//!
//! // Which of AND, OR and XOR turns these inputs into these outputs?
//! let source = "
//!     param op: 3;
//!     input a: bool;
//!     input b: bool;
//!     output y: bool;
//!     y = match op { 0 => a && b, 1 => a || b, _ => a != b };
//!     example { a = 0; b = 1; y = 1; }
//!     example { a = 1; b = 1; y = 0; }
//! ";
//! let mut sources = SourceMap::new();
//! let main = sources.add("xor.tpt", source);
//! let compiled = Arc::new(compile(&sources, main, None, &Default::default()).expect("the sketch checks"));
//! let synthesis = synthesize(&compiled, &SearchConfig::default()).expect("valid settings");
//! assert_eq!(synthesis.status(), Status::Found);
//! let program = synthesis.printed(PrintForm::Program).expect("a program");
//! assert!(program.contains("param op: 3 = 2;"));
//! ```
//!
//! The modules follow the pipeline, one stage each (ARCHITECTURE.md maps them):
//! source -> [`lexer`] -> [`parse`] ([`ast`]) -> [`check`] ([`program`], [`examples`]) ->
//! [`lower`] ([`graph`]) -> [`tape`] -> [`solve`] -> [`verify`] ([`interp`]) -> [`result`]
//! ([`print`](mod@print), [`format`](mod@format), [`diagnostics`]).

// The library is layered in crates (ARCHITECTURE.md); this crate is the `tpt` command and a
// facade that keeps every stage at the path it has always had (`tpt::parse`, `tpt::solve`, ..)
// for the command, the integration tests, the benchmarks and the fuzz targets.
pub use tpt_core::{check, eval, examples, interp, limits, program, verify};
pub use tpt_driver::{distinguish, pipeline, print, result};
pub use tpt_graph::{graph, lower, tape};
pub use tpt_solve as solve;
pub use tpt_solve::encode;
pub use tpt_source::{diagnostics, span};
pub use tpt_syntax::{ast, format, lexer, parse};
