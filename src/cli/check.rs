//! `tpt check FILE`: compile and summarise.

use clap::Args;

use tpt::diagnostics::plural;

use super::{load_and_compile, CompileArgs, Reporter, EXIT_OK};

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub compile: CompileArgs,
}

pub fn main(args: CheckArgs) -> u8 {
    let mut reporter = Reporter::new(&args.compile.color);
    let compiled = match load_and_compile(&args.compile, &mut reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let bytes = match tpt::tape::check_memory(&compiled.graph, &args.compile.limits.limits()) {
        Ok(bytes) => bytes,
        Err(diagnostic) => {
            reporter.emit(&[diagnostic]);
            return super::EXIT_USER_ERROR;
        }
    };
    let program = &compiled.program;
    let (unknowns, bits) = program.search_space();
    let declared = program.params().count();
    outln!(
        "{}: ok: {}, {}, search space 2^{bits:.1}, {}, {}, {}, {} of buffers",
        args.compile.file.display(),
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
