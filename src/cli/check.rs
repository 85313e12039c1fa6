//! `tpt check FILE...`: compile each file and summarise it; the exit code is the worst of the
//! files'.

use std::path::PathBuf;

use clap::Args;

use tpt::diagnostics::plural;

use super::{
    display_name, load_and_compile, stdin_at_most_once, CompileArgs, ProgramArgs, Reporter, EXIT_OK, EXIT_USER_ERROR,
};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The .tpt files (`-`: standard input); `--set` and `--data` apply to each.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub with: ProgramArgs,
}

pub fn main(args: CheckArgs) -> u8 {
    if let Err(d) = stdin_at_most_once(&args.files) {
        Reporter::new(&args.with.input.color).emit(&[d]);
        return EXIT_USER_ERROR;
    }
    let mut worst = EXIT_OK;
    for file in &args.files {
        let compile = CompileArgs { file: file.clone(), with: args.with.clone() };
        worst = worst.max(check_one(&compile));
    }
    worst
}

fn check_one(args: &CompileArgs) -> u8 {
    let mut reporter = Reporter::new(&args.with.input.color);
    let compiled = match load_and_compile(args, &mut reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let bytes = match tpt::tape::check_memory(&compiled.graph, &args.with.input.limits.limits()) {
        Ok(bytes) => bytes,
        Err(diagnostic) => {
            reporter.emit(&[diagnostic]);
            return EXIT_USER_ERROR;
        }
    };
    let program = &compiled.program;
    let (unknowns, bits) = program.search_space();
    let declared = program.params().count();
    // Real params are counted apart: the search space is that of the finite elements.
    let reals = match program.real_unknowns() {
        0 => String::new(),
        n => format!(", {}", plural(n, "unknown real")),
    };
    outln!(
        "{}: ok: {}, {}{reals}, search space 2^{bits:.1}, {}, {}, {}, {} of buffers",
        display_name(&args.file),
        plural(declared, "param declaration"),
        plural(unknowns, "unknown element"),
        plural(program.examples.len(), "example"),
        plural(compiled.graph.unrolled_statements, "unrolled statement"),
        plural(compiled.graph.len(), "graph node"),
        human_bytes(bytes)
    );
    EXIT_OK
}

/// `512 B`, `12.5 KiB`, `3.0 MiB`.
fn human_bytes(bytes: u128) -> String {
    match bytes {
        b if b < 1 << 10 => format!("{b} B"),
        b if b < 1 << 20 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
    }
}
