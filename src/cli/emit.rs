//! `tpt emit smt2|cnf FILE`: the discrete synthesis problem as SMT-LIB 2 (bit-vector or
//! bounded integer params) or as DIMACS CNF (one-hot literals), for external solvers.

use clap::{Args, ValueEnum};

use tpt::encode::{smt2, Cnf, Model, SmtSort};

use super::synth::write_output;
use super::{load_and_compile, CompileArgs, Reporter, EXIT_OK, EXIT_USER_ERROR};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// SMT-LIB 2: params as bit-vectors (or integers, `--ints`), each example's computation
    /// as definitions.
    Smt2,
    /// DIMACS CNF: one literal per (value, variable), exactly-one constraints.
    Cnf,
}

#[derive(Args, Debug)]
pub struct EmitArgs {
    /// The encoding.
    #[arg(value_enum)]
    pub format: Format,
    #[command(flatten)]
    pub compile: CompileArgs,
    /// Write to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// SMT-LIB with bounded integers instead of bit-vectors.
    #[arg(long)]
    pub ints: bool,
}

pub fn main(args: EmitArgs) -> u8 {
    let mut reporter = Reporter::new(&args.compile.color);
    let compiled = match load_and_compile(&args.compile, &mut reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let model = Model::build(&compiled.graph);
    let text = match args.format {
        Format::Smt2 => smt2(&model, if args.ints { SmtSort::Int } else { SmtSort::BitVec }),
        Format::Cnf => Cnf::from_model(&model).dimacs(&model),
    };
    match write_output(args.output.as_deref(), &text) {
        Ok(()) => EXIT_OK,
        Err(d) => {
            reporter.emit(&[d]);
            EXIT_USER_ERROR
        }
    }
}
