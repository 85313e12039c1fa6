//! Subcommands and what they share: loading sources, rendering diagnostics, exit codes.

/// `println!` that ignores a closed stdout (`tpt graph | head` must not panic).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that ignores a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod backends;
mod bench;
mod check;
mod emit;
mod fmt;
mod graph;
mod output;
mod plot;
mod run;
mod runs;
mod shard;
mod sweep;
mod synth;
mod table;
mod wording;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use tpt::check::CheckOptions;
use tpt::diagnostics::{render, Diagnostic, SourceId, SourceMap};
use tpt::limits::{Failure, Limits, Stop, Stopped};
use tpt::pipeline::{compile_until, decode, Compiled};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USER_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(name = "tpt", version, about = "Synthesize the unknown params of a .tpt program sketch from examples")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a program and print a summary of its search space.
    Check(check::CheckArgs),
    /// Run a program with every param bound, on its examples or on given inputs.
    Run(run::RunArgs),
    /// Find the params of a sketch and print the synthesized program.
    Synth(synth::SynthArgs),
    /// Write the synthesis problem for an external solver: SMT-LIB 2 or DIMACS CNF.
    Emit(emit::EmitArgs),
    /// Print the canonical formatting of a file (`--write` rewrites it).
    Fmt(fmt::FmtArgs),
    /// Print the lowered graph in DOT, with a node-count summary on stderr (`--summary`: only
    /// the summary, on stdout).
    Graph(graph::GraphArgs),
    /// List the back ends with their hyperparameters and defaults.
    Backends(backends::BackendsArgs),
    /// Measure success rate, steps and time over many runs, files, back ends and settings.
    Bench(bench::BenchArgs),
}

/// Options every command that compiles a program takes.
#[derive(Args, Debug, Clone)]
pub struct CompileArgs {
    /// The .tpt file (`-`: standard input).
    pub file: PathBuf,
    #[command(flatten)]
    pub with: ProgramArgs,
}

/// How to read and report on a program, besides which file it is (shared by the commands that
/// take one file and by `check`, which takes several).
#[derive(Args, Debug, Clone)]
pub struct ProgramArgs {
    /// Override a constant: `--set K=64` (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_override)]
    pub overrides: Vec<(String, i64)>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// What every command that compiles a program takes besides the program and its constants
/// (`bench` sweeps constants, so it takes these alone).
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Read more examples from a JSON file: {"examples": [{"x": 0, "y": [1, 0]}, ..]}.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Colour in diagnostics: auto (when stderr is a terminal), always or never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
    /// How far a computed real output may be from its observed value, where an example does
    /// not give its own tolerance (`y ~= 2.5 +- 0.01;`).
    #[arg(long, value_name = "T", default_value_t = tpt::check::DEFAULT_TOLERANCE, value_parser = parse_tolerance)]
    pub tolerance: f64,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// A tolerance: a finite number of at least 0.
pub fn parse_tolerance(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        Ok(value) => Err(format!("{value} is not a tolerance: give a finite number of at least 0")),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

/// The resource bounds, each with the flag that raises it.
#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Maximum nesting of brackets, blocks and expressions (at most 10000).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth, value_parser = parse_max_depth)]
    pub max_depth: u32,
    /// Maximum statements and loop iterations executed while unrolling.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_unroll)]
    pub max_unroll: u64,
    /// Maximum operand combinations enumerated for one runtime expression.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_enum)]
    pub max_enum: u64,
    /// Maximum operand combinations enumerated for all runtime expressions and `fn`s together
    /// (the entries of all the tables compilation builds).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_enum_total)]
    pub max_enum_total: u64,
    /// Maximum elements of all declared arrays together.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_elements)]
    pub max_elements: u64,
    /// Maximum size of one domain.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_domain)]
    pub max_domain: u64,
    /// Maximum number of examples.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_examples)]
    pub max_examples: u64,
    /// Maximum values held for all examples together: the elements of the arrays the
    /// sketch's examples give, and each observation (an observed output element or an
    /// `observe`) once per example.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_example_values)]
    pub max_example_values: u64,
    /// Maximum nodes of the lowered graph.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_nodes)]
    pub max_nodes: u64,
    /// Maximum memory of the batched forward/backward buffers, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_memory_mib)]
    pub max_memory: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_depth: self.max_depth,
            max_unroll: self.max_unroll,
            max_enum: self.max_enum,
            max_enum_total: self.max_enum_total,
            max_elements: self.max_elements,
            max_domain: self.max_domain,
            max_examples: self.max_examples,
            max_example_values: self.max_example_values,
            max_nodes: self.max_nodes,
            max_memory_mib: self.max_memory,
        }
    }
}

/// A `--max-depth`: at most what the stack of the recursive passes can take.
pub fn parse_max_depth(text: &str) -> Result<u32, String> {
    let ceiling = tpt::limits::MAX_DEPTH_CEILING;
    match text.trim().parse::<u64>() {
        Ok(depth) if depth <= u64::from(ceiling) => Ok(depth as u32),
        Ok(depth) => Err(format!("{depth} is more than {ceiling}, the deepest nesting tpt can follow")),
        Err(_) => Err(format!("expected a non-negative integer, found `{text}`")),
    }
}

pub fn parse_override(text: &str) -> Result<(String, i64), String> {
    let (name, value) = text.split_once('=').ok_or_else(|| format!("expected NAME=VALUE, found `{text}`"))?;
    let value: i64 =
        value.trim().parse().map_err(|_| format!("the value of `{name}` must be an integer, found `{value}`"))?;
    Ok((name.trim().to_string(), value))
}

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check::main(args),
        Command::Run(args) => run::main(args),
        Command::Synth(args) => synth::main(args),
        Command::Emit(args) => emit::main(args),
        Command::Fmt(args) => fmt::main(args),
        Command::Graph(args) => graph::main(args),
        Command::Backends(args) => backends::main(args),
        Command::Bench(args) => bench::main(args),
    }
}

/// Where diagnostics go, and whether they are coloured.
pub struct Reporter {
    pub sources: SourceMap,
    pub color: bool,
}

impl Reporter {
    pub fn new(color: &str) -> Self {
        let color = match color {
            "always" => true,
            "never" => false,
            _ => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        Reporter { sources: SourceMap::new(), color }
    }

    /// Print diagnostics to stderr.
    pub fn emit(&self, diagnostics: &[Diagnostic]) {
        let stderr = std::io::stderr();
        let mut lock = stderr.lock();
        let _ = render(diagnostics, &self.sources, &wording::CommandLine, self.color, &mut lock);
        let _ = lock.flush();
    }

    /// Read a file (`-`: standard input) into the source map, or report why it cannot be read.
    pub fn load(&mut self, path: &Path) -> Result<SourceId, Diagnostic> {
        let name = display_name(path);
        let read = if is_stdin(path) {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map(|_| bytes)
        } else {
            std::fs::read(path)
        };
        let bytes = read.map_err(|error| Diagnostic::error(format!("cannot read `{name}`: {}", io_reason(&error))))?;
        match decode(&bytes) {
            Ok(text) => Ok(self.sources.add(name, text)),
            Err(diagnostic) => {
                // Keep a readable copy so that the diagnostic can show where the bad byte is.
                let id = self.sources.add(name.clone(), String::from_utf8_lossy(&bytes).into_owned());
                let mut diagnostic = diagnostic;
                for label in &mut diagnostic.labels {
                    label.source = id;
                    let text = self.sources.text(id);
                    label.span = clamp_to_char(text, label.span.start);
                }
                diagnostic.message.prepend(&format!("{name}: "));
                Err(diagnostic)
            }
        }
    }
}

/// Whether a file argument means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How a file argument is named in messages: `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// An error when `-` (standard input, which can be read once) is given more than once.
pub fn stdin_at_most_once(files: &[PathBuf]) -> Result<(), Diagnostic> {
    if files.iter().filter(|f| is_stdin(f)).count() > 1 {
        return Err(Diagnostic::error("`-` (standard input) is given more than once; it can be read only once"));
    }
    Ok(())
}

fn clamp_to_char(text: &str, at: usize) -> tpt::span::Span {
    // The lossy copy replaces bad bytes, so offsets after them shift; find a char boundary.
    let mut start = at.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + 1).min(text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    tpt::span::Span::new(start, end)
}

/// Why a file could not be read or written, as the system says it, in the words of the other
/// messages: `permission denied`, `read-only file system`.
pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => os_reason(error),
    }
}

/// The system's own words for an error: `Read-only file system (os error 30)` ->
/// `read-only file system`.
pub fn os_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" (os error ") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_string(),
    }
}

/// Load and compile the program named by `args`; on failure the diagnostics are printed
/// and the exit code is returned.
pub fn load_and_compile(args: &CompileArgs, reporter: &mut Reporter) -> Result<Compiled, u8> {
    load_and_compile_allowing(args, 0, &Stop::default(), reporter)
}

/// `load_and_compile` for a search that allows `max_violations` examples to fail
/// (`synth --max-violations`): examples that contradict each other are then warnings, not
/// errors, as long as they need no more examples given up than that. Compilation gives up
/// when `stop` fires: past its deadline it ends as a search out of time (exit 1), on an
/// interrupt as an interrupted search.
pub fn load_and_compile_allowing(
    args: &CompileArgs,
    max_violations: usize,
    stop: &Stop,
    reporter: &mut Reporter,
) -> Result<Compiled, u8> {
    let compiled = load_and_compile_quietly(args, max_violations, stop, reporter)?;
    reporter.emit(&compiled.warnings);
    Ok(compiled)
}

/// `load_and_compile_allowing` that prints the errors but leaves the warnings to the caller.
pub fn load_and_compile_quietly(
    args: &CompileArgs,
    max_violations: usize,
    stop: &Stop,
    reporter: &mut Reporter,
) -> Result<Compiled, u8> {
    let main = reporter.load(&args.file).map_err(|d| {
        reporter.emit(&[d]);
        EXIT_USER_ERROR
    })?;
    let data = match &args.with.input.data {
        None => None,
        Some(path) => Some(reporter.load(path).map_err(|d| {
            reporter.emit(&[d]);
            EXIT_USER_ERROR
        })?),
    };
    let options = CheckOptions {
        overrides: args.with.overrides.clone(),
        limits: args.with.input.limits.limits(),
        tolerance: args.with.input.tolerance,
        max_violations,
    };
    match compile_until(&reporter.sources, main, data, &options, stop) {
        Ok(compiled) => Ok(compiled),
        Err(Failure::Errors(diagnostics)) => {
            reporter.emit(&diagnostics);
            Err(EXIT_USER_ERROR)
        }
        Err(Failure::Stopped(stopped)) => Err(stopped_while_compiling(stopped, &display_name(&args.file), reporter)),
    }
}

/// Report a compilation stopped from outside, as a search stopped the same way is reported,
/// and give its exit code.
fn stopped_while_compiling(stopped: Stopped, file: &str, reporter: &Reporter) -> u8 {
    match stopped {
        Stopped::Timeout => {
            reporter.emit(&[Diagnostic::note("the time ran out while the program was still compiling, before any search")
                .with_help("raise `--timeout`, which counts from the start, compilation included (`tpt check` compiles the program alone)")]);
            eprintln!("{file}: timed out while compiling");
            EXIT_FAILED
        }
        Stopped::Interrupted => {
            eprintln!("{file}: interrupted while compiling");
            synth::interrupted_exit_code()
        }
    }
}
