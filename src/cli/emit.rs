//! `tpt emit smt2|cnf FILE`: the discrete synthesis problem as SMT-LIB 2 (bit-vector or
//! bounded integer params) or as DIMACS CNF (one-hot literals), for external solvers. The
//! SMT-LIB encoding takes the `smt` back end's options, spelt as for `synth`: `--opt ints=1`.
//! A file is the problem `synth` solves or it is not written: reals are refused (the
//! encodings are of finite domains), and an objective (`minimize`, `--max-violations`) is
//! written as z3's optimization goals in SMT-LIB and refused in DIMACS, which has no objective.

use clap::{Args, ValueEnum};

use tpt::diagnostics::{plural, Diagnostic};
use tpt::encode::{smt2, smt2_optimize, Cnf, Model, SmtSort};
use tpt::pipeline::{reals_refusal, Compiled};
use tpt::solve::{backend, resolve_options};

use super::output::{check_output_path, write_output, OutputFormats};
use super::{load_and_compile_allowing, CompileArgs, Reporter, EXIT_OK, EXIT_USER_ERROR};

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
    /// Allow up to N examples to fail, as `synth --max-violations N` does (SMT-LIB only): each
    /// example's observations hold under a selector of its own, and z3's optimizer minimizes
    /// the examples switched off (at most N), then the objective. Examples with the same
    /// inputs and different outputs are then warnings, not errors, unless they need more.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_violations: usize,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Smt2 => "smt2",
            Format::Cnf => "cnf",
        }
    }
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
    if given.iter().any(|(key, _)| key == "solver") {
        return Err(Diagnostic::error(
            "`emit` writes the encoding; `solver` is the `smt` back end's choice of who solves it",
        )
        .with_help("run the solver on the file yourself, or `tpt synth --backend smt --opt solver=PATH`"));
    }
    let smt = backend("smt").ok_or_else(|| Diagnostic::error("the `smt` back end is missing"))?;
    let options = resolve_options(smt, &given).map_err(Diagnostic::from)?;
    let ints = options.get("ints").and_then(serde_json::Value::as_bool).unwrap_or(false);
    Ok(if ints { SmtSort::Int } else { SmtSort::BitVec })
}

/// Why the program cannot be written in this format without changing its meaning: reals
/// (in either), an objective or examples allowed to fail (in DIMACS, which has no objective).
fn refusal(compiled: &Compiled, args: &EmitArgs) -> Option<Diagnostic> {
    let format = args.format.name();
    let reals = reals_refusal(
        compiled,
        &format!("`tpt emit {format}` writes finite domains, and this program has reals"),
        "the encodings are of finite domains only (docs/backends.md, \"Real params\"); `tpt synth` searches this program with `gradsearch-la`, which the default `auto` runs on reals",
    );
    if reals.is_some() || matches!(args.format, Format::Smt2) {
        return reals;
    }
    if let Some(term) = compiled.graph.objective.first() {
        return Some(
            Diagnostic::error("`tpt emit cnf` cannot write the objective: DIMACS CNF has none")
                .with_label(term.span, "a term of the objective")
                .with_help("`tpt emit smt2` writes it as z3's `minimize` goal; without the `minimize` statements the CNF is the problem of any program that fits the examples"),
        );
    }
    (args.max_violations > 0).then(|| {
        Diagnostic::error(format!(
            "`tpt emit cnf` cannot let {} fail: DIMACS CNF has no objective to count the fewest with",
            plural(args.max_violations, "example")
        ))
        .with_help("`tpt emit smt2 --max-violations N` writes the examples given up as z3's `minimize` goal")
    })
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
    let compiled = match load_and_compile_allowing(
        &args.compile,
        args.max_violations,
        &tpt::limits::Stop::default(),
        &mut reporter,
    ) {
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
    if let Some(d) = refusal(&compiled, &args) {
        reporter.emit(&[d]);
        return EXIT_USER_ERROR;
    }
    let model = Model::build(&compiled.graph);
    let objective = !compiled.graph.objective.is_empty();
    let text = match args.format {
        Format::Smt2 if objective || args.max_violations > 0 => {
            smt2_optimize(&model, sort, args.max_violations, objective)
        }
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
