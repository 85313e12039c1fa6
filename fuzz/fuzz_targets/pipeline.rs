//! The whole pipeline on a tiny budget: compile, search a few steps, verify, report and print.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use tpt::diagnostics::SourceMap;
use tpt::distinguish::DistinguishConfig;
use tpt::pipeline::{synthesize, SearchConfig};
use tpt::result::PrintForm;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = tpt::pipeline::decode(data) else { return };
    let mut sources = SourceMap::new();
    let main = sources.add("fuzz.tpt", text.clone());
    let options = common::options();
    let Ok(compiled) = tpt::pipeline::compile(&sources, main, None, &options) else { return };
    let compiled = std::sync::Arc::new(compiled);
    // The default back end (auto: the gradient's lookahead runs the integer one-hot evaluator,
    // CaDiCaL the CNF), with a small conflict budget for the distinguishing check: at its
    // default of 10,000 conflicts per solve a 100-step chain took seconds per input.
    let distinguish = Some(DistinguishConfig { conflicts: 200, ..DistinguishConfig::default() });
    let config = SearchConfig { max_steps: 20, distinguish, ..SearchConfig::default() };
    let Ok(synthesis) = synthesize(&compiled, &config) else { return };
    let _ = synthesis.diagnostics();
    let _ = synthesis.json(PrintForm::Program);
    for form in [PrintForm::Program, PrintForm::Sketch] {
        if let Some(printed) = synthesis.printed(form) {
            assert!(tpt::parse::parse(&printed, 64).is_ok(), "the printed program parses");
        }
    }
});
