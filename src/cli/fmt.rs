//! `tpt fmt FILE...`: print the canonical formatting of a file (comments kept); `--write`
//! rewrites each file, `--check` only reports which are not formatted. `-` is standard input.
//! The exit code is the worst of the files': 0 formatted, 1 not formatted (`--check`), 2 an
//! error.

use std::path::{Path, PathBuf};

use clap::Args;

use tpt::diagnostics::Diagnostic;
use tpt::format::format_source;
use tpt::parse::parse;

use super::output::write_output;
use super::{display_name, is_stdin, stdin_at_most_once, Reporter, EXIT_FAILED, EXIT_OK, EXIT_USER_ERROR};

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// The .tpt files (`-`: standard input). Several need `--write` or `--check`.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Rewrite each file in place (through a temporary file and a rename).
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Print nothing but the names of the files that are not canonically formatted; exit 1
    /// when there is one.
    #[arg(long)]
    pub check: bool,
    /// Maximum nesting of brackets, blocks and expressions (at most 10000).
    #[arg(long, value_name = "N", default_value_t = tpt::limits::Limits::default().max_depth, value_parser = super::parse_max_depth)]
    pub max_depth: u32,
    /// Colour in diagnostics: auto, always or never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
}

pub fn main(args: FmtArgs) -> u8 {
    if let Err(d) = usage(&args) {
        Reporter::new(&args.color).emit(&[d]);
        return EXIT_USER_ERROR;
    }
    args.files.iter().map(|file| format_one(&args, file)).max().unwrap_or(EXIT_OK)
}

/// Mistakes in the arguments, found before any file is read.
fn usage(args: &FmtArgs) -> Result<(), Diagnostic> {
    stdin_at_most_once(&args.files)?;
    if args.write && args.files.iter().any(|f| is_stdin(f)) {
        return Err(Diagnostic::error("`--write` cannot rewrite `-` (standard input)")
            .with_help("without `--write`, the formatted text goes to stdout"));
    }
    if args.files.len() > 1 && !args.write && !args.check {
        return Err(Diagnostic::error("formatting several files needs `--write` or `--check`")
            .with_help("`--write` rewrites each file; `--check` lists those that are not formatted"));
    }
    Ok(())
}

fn format_one(args: &FmtArgs, file: &Path) -> u8 {
    let mut reporter = Reporter::new(&args.color);
    let id = match reporter.load(file) {
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
        eprintln!("{}: not formatted (run `tpt fmt --write`)", display_name(file));
        return EXIT_FAILED;
    }
    if args.write && formatted == source {
        return EXIT_OK;
    }
    match write_output(args.write.then_some(file), &formatted) {
        Ok(()) => EXIT_OK,
        Err(d) => {
            reporter.emit(&[d]);
            EXIT_USER_ERROR
        }
    }
}
