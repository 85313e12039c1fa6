//! `tpt check FILE`: compile and summarise.

use clap::Args;

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
    let program = &compiled.program;
    let (unknowns, bits) = program.search_space();
    let declared = program.params().count();
    outln!(
        "{}: ok: {declared} param declaration(s), {unknowns} unknown element(s), search space 2^{bits:.1}, {} example(s), {} unrolled statement(s), {} graph node(s)",
        args.compile.file.display(),
        program.examples.len(),
        compiled.graph.unrolled_statements,
        compiled.graph.len()
    );
    EXIT_OK
}
