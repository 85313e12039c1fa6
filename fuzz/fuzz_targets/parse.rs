//! Parser: any bytes give an AST or diagnostics, never a panic; parsed files format and
//! re-parse.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = tpt::pipeline::decode(data) else { return };
    if let Ok(parsed) = tpt::parse::parse(&text, 64) {
        let formatted = tpt::format::format_source(&text, &parsed);
        assert!(tpt::parse::parse(&formatted, 64).is_ok(), "formatted text parses");
    }
});
