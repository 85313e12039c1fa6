//! `tpt emit smt2|cnf FILE`: the discrete synthesis problem as SMT-LIB 2 (bit-vector or
//! bounded integer params) or as DIMACS CNF (one-hot literals), for external solvers. The
//! SMT-LIB encoding takes the `smt` back end's options, spelt as for `synth`: `--opt ints=1`.

use clap::{Args, ValueEnum};

use tpt::diagnostics::Diagnostic;
use tpt::encode::{smt2, Cnf, Model, SmtSort};
use tpt::solve::{backend, resolve_options};

use super::output::{check_output_path, write_output, OutputFormats};
use super::{load_and_compile, CompileArgs, Reporter, EXIT_OK, EXIT_USER_ERROR};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// SMT-LIB 2: params as bit-vectors (or integers, `--opt ints=1`), each example's
    /// computation as definitions.
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
    /// Write to this file instead of stdout (`.smt2` or `.smt` for `smt2`, `.cnf` or `.dimacs`
    /// for `cnf`).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// An option of the `smt` back end's encoding (`tpt backends`): `--opt ints=1` encodes
    /// values as bounded integers instead of bit-vectors (repeatable).
    #[arg(long = "opt", value_name = "KEY=VALUE")]
    pub opts: Vec<String>,
    /// The same as `--opt ints=1` (kept for scripts that use it).
    #[arg(long, hide = true)]
    pub ints: bool,
}

/// The SMT-LIB sort of the params, from `--opt` checked against the `smt` back end's options
/// (so that `emit` and `synth --backend smt` take the same names).
fn smt_sort(args: &EmitArgs) -> Result<SmtSort, Diagnostic> {
    let mut given: Vec<(String, String)> = Vec::new();
    for text in &args.opts {
        let Some((key, value)) = text.split_once('=') else {
            return Err(Diagnostic::error(format!("`--opt {text}`: expected KEY=VALUE")));
        };
        given.push((key.trim().to_string(), value.trim().to_string()));
    }
    if args.ints {
        given.push(("ints".to_string(), "true".to_string()));
    }
    if matches!(args.format, Format::Cnf) {
        return match given.first() {
            None => Ok(SmtSort::BitVec),
            Some((key, _)) => Err(Diagnostic::error(format!("`emit cnf` takes no options, but `{key}` was given"))
                .with_help("the options are those of the SMT-LIB encoding: `tpt emit smt2 --opt ints=1`")),
        };
    }
    let smt = backend("smt").ok_or_else(|| Diagnostic::error("the `smt` back end is missing"))?;
    let options = resolve_options(smt, &given).map_err(Diagnostic::from)?;
    let ints = options.get("ints").and_then(serde_json::Value::as_bool).unwrap_or(false);
    Ok(if ints { SmtSort::Int } else { SmtSort::BitVec })
}

impl Format {
    /// The extensions of the files `-o` writes in this format.
    fn output_formats(self) -> OutputFormats {
        match self {
            Format::Smt2 => OutputFormats::chosen_by_command(
                &["smt2", "smt"],
                "`emit smt2` writes SMT-LIB 2 as .smt2 or .smt (`emit cnf`: DIMACS CNF as .cnf)",
            ),
            Format::Cnf => OutputFormats::chosen_by_command(
                &["cnf", "dimacs"],
                "`emit cnf` writes DIMACS CNF as .cnf or .dimacs (`emit smt2`: SMT-LIB 2 as .smt2)",
            ),
        }
    }
}

pub fn main(args: EmitArgs) -> u8 {
    let mut reporter = Reporter::new(&args.compile.with.input.color);
    // Before any work: a file that cannot be written, or that names another format.
    if let Some(Err(d)) =
        args.output.as_deref().map(|path| check_output_path("-o", path, &args.format.output_formats()))
    {
        reporter.emit(&[d]);
        return EXIT_USER_ERROR;
    }
    let compiled = match load_and_compile(&args.compile, &mut reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let sort = match smt_sort(&args) {
        Ok(sort) => sort,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    let model = Model::build(&compiled.graph);
    let text = match args.format {
        Format::Smt2 => smt2(&model, sort),
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
