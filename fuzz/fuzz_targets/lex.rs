//! Lexer: any bytes (decoded lossily) are cut into tokens without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lexed = tpt::lexer::lex(&text);
    for (start, _, end) in &lexed.tokens {
        assert!(start <= end && *end <= text.len());
    }
});
