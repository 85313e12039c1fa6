//! Lowering: any checked program gives a graph or diagnostics, and its tape is built; bound
//! programs run in the interpreter.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use tpt::diagnostics::SourceMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = tpt::pipeline::decode(data) else { return };
    let mut sources = SourceMap::new();
    let main = sources.add("fuzz.tpt", text);
    let options = common::options();
    let Ok(compiled) = tpt::pipeline::compile(&sources, main, None, &options) else { return };
    let _ = tpt::tape::Tape::new(&compiled.graph, &options.limits);
    if let Ok(params) = tpt::interp::bound_params(&compiled.program) {
        for example in &compiled.program.examples {
            let _ = tpt::interp::run_example(&compiled.program, &params, example, options.limits.max_unroll);
        }
    }
});
