//! The whole pipeline on a tiny budget: compile, search a few steps, verify, report and print.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::atomic::AtomicBool;

use libfuzzer_sys::fuzz_target;
use tpt::diagnostics::SourceMap;
use tpt::solve::{backend, resolve_options, solve, RunOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = tpt::pipeline::decode(data) else { return };
    let mut sources = SourceMap::new();
    let main = sources.add("fuzz.tpt", text.clone());
    let options = common::options();
    let Ok(compiled) = tpt::pipeline::compile(&sources, main, None, &options) else { return };
    let Ok(tape) = tpt::tape::Tape::new(&compiled.graph, &options.limits) else { return };
    let interrupt = AtomicBool::new(false);
    // The default back end: gradsearch-la, whose lookahead runs the integer one-hot evaluator.
    let Some(info) = backend("gradsearch-la") else { return };
    let Ok(backend_options) = resolve_options(info, &[]) else { return };
    let run = RunOptions {
        backend: info,
        options: backend_options,
        max_steps: 20,
        timeout: None,
        restarts: 1,
        seed: 0,
        interrupt: &interrupt,
        trace: false,
        progress: None,
    };
    let (program, graph) = (&compiled.program, &compiled.graph);
    let verify = |a: &[u32]| tpt::result::verifies(program, graph, a, options.limits.max_unroll);
    let report = solve(graph, &tape, &run, &verify);
    let values = tpt::result::param_values(program, graph, &report.assignment);
    let _ = tpt::result::violated_observations(program, &values, options.limits.max_unroll);
    let printed = tpt::print::print_sketch(&text, &compiled.parsed.file, program, &values);
    assert!(tpt::parse::parse(&printed, 64).is_ok(), "the printed program parses");
});
