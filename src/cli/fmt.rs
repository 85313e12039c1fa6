//! `tpt fmt FILE`: print the canonical formatting of a file (comments kept); `--write`
//! rewrites the file, `--check` only reports whether it is formatted.

use std::path::PathBuf;

use clap::Args;

use tpt::format::format_source;
use tpt::parse::parse;

use super::synth::write_output;
use super::{Reporter, EXIT_FAILED, EXIT_OK, EXIT_USER_ERROR};

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// The .tpt file.
    pub file: PathBuf,
    /// Rewrite the file in place (through a temporary file and a rename).
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Print nothing; exit 1 when the file is not canonically formatted.
    #[arg(long)]
    pub check: bool,
    /// Maximum nesting of brackets, blocks and expressions.
    #[arg(long, value_name = "N", default_value_t = tpt::limits::Limits::default().max_depth)]
    pub max_depth: u32,
    /// Colour in diagnostics: auto, always or never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
}

pub fn main(args: FmtArgs) -> u8 {
    let mut reporter = Reporter::new(&args.color);
    let id = match reporter.load(&args.file) {
        Ok(id) => id,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    let source = reporter.sources.text(id).to_string();
    let parsed = match parse(&source, args.max_depth) {
        Ok(parsed) => parsed,
        Err(diagnostics) => {
            reporter.emit(&diagnostics);
            return EXIT_USER_ERROR;
        }
    };
    let formatted = format_source(&source, &parsed);
    if args.check {
        if formatted == source {
            return EXIT_OK;
        }
        eprintln!("{}: not formatted (run `tpt fmt --write`)", args.file.display());
        return EXIT_FAILED;
    }
    let target = args.write.then_some(args.file.as_path());
    if args.write && formatted == source {
        return EXIT_OK;
    }
    match write_output(target, &formatted) {
        Ok(()) => EXIT_OK,
        Err(d) => {
            reporter.emit(&[d]);
            EXIT_USER_ERROR
        }
    }
}
