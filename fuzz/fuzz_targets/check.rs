//! Checker: any parsed file gives a checked program or diagnostics.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = tpt::pipeline::decode(data) else { return };
    let Ok(parsed) = tpt::parse::parse(&text, 64) else { return };
    let _ = tpt::check::check(&parsed.file, &common::options());
});
