//! The `tpt` command line: parses arguments, calls the library, renders diagnostics and
//! chooses the exit code. Exit codes: 0 found / ok, 1 not found or a failing example,
//! 2 user error, 3 proven impossible.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // Deeply nested input is bounded by `--max-depth`, but the recursive passes still get a
    // generous stack so that the bound, not the platform, decides.
    let worker = std::thread::Builder::new().stack_size(256 << 20).spawn(move || cli::run(args));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            eprintln!("error: internal failure (this is a bug in tpt; please report it with the input file)");
            ExitCode::from(101)
        }
    }
}
