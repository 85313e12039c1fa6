//! `tpt synth FILE`: find the params, print the synthesized program, report on the params.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use tpt::diagnostics::{plural, Diagnostic};
use tpt::print::{print_program, print_sketch};
use tpt::result::{param_diagnostics, param_values, verifies, violated_observations};
use tpt::solve::{backend, registry, resolve_options, solve, Progress, RunOptions, Status};
use tpt::tape::{LossKind, Tape};

use super::{io_reason, load_and_compile, CompileArgs, Reporter, EXIT_FAILED, EXIT_OK, EXIT_USER_ERROR};

pub const EXIT_IMPOSSIBLE: u8 = 3;

/// The back end used when `--backend` is not given (see docs/backends.md for why).
pub const DEFAULT_BACKEND: &str = "gradsearch-la";

#[derive(Args, Debug)]
pub struct SynthArgs {
    #[command(flatten)]
    pub compile: CompileArgs,
    #[command(flatten)]
    pub search: SearchArgs,
    /// What to print: the specialized program, or the original sketch with params bound.
    #[arg(long, default_value = "program", value_parser = ["program", "sketch"])]
    pub print: String,
    /// Print a JSON object instead of the program.
    #[arg(long)]
    pub json: bool,
    /// Write the output to this file (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the optimization trajectory: `.svg` (loss and a heatmap of the params over the
    /// steps) or `.csv`.
    #[arg(long, value_name = "FILE.svg|FILE.csv")]
    pub trace: Option<PathBuf>,
}

/// How to search: shared by `synth` and `bench`.
#[derive(Args, Debug, Clone)]
pub struct SearchArgs {
    /// The back end (see `tpt backends`).
    #[arg(long, default_value = DEFAULT_BACKEND)]
    pub backend: String,
    /// A back end hyperparameter: `--opt beta=0.2` (repeatable).
    #[arg(long = "opt", value_name = "KEY=VALUE", value_parser = parse_opt)]
    pub opts: Vec<(String, f64)>,
    /// Steps per restart.
    #[arg(long, default_value_t = 100_000)]
    pub max_steps: u64,
    /// Wall-clock limit in seconds for the whole run.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Independent restarts, run in parallel; the verified one with the lowest index wins.
    #[arg(long, default_value_t = 1)]
    pub restarts: usize,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Loss on observed elements: cross entropy or squared error.
    #[arg(long, default_value = "ce", value_parser = ["ce", "mse"])]
    pub loss: String,
}

fn parse_opt(text: &str) -> Result<(String, f64), String> {
    let (key, value) = text.split_once('=').ok_or_else(|| format!("expected KEY=VALUE, found `{text}`"))?;
    let value: f64 =
        value.trim().parse().map_err(|_| format!("the value of `{key}` must be a number, found `{value}`"))?;
    if !value.is_finite() {
        return Err(format!("the value of `{key}` must be finite"));
    }
    Ok((key.trim().to_string(), value))
}

impl SearchArgs {
    pub fn timeout(&self) -> Result<Option<Duration>, Diagnostic> {
        match self.timeout {
            None => Ok(None),
            Some(t) if t.is_finite() && t >= 0.0 => Ok(Some(Duration::from_secs_f64(t.min(1e9)))),
            Some(t) => {
                Err(Diagnostic::error(format!("`--timeout {t}`: the timeout must be a non-negative number of seconds")))
            }
        }
    }

    pub fn loss_kind(&self) -> LossKind {
        if self.loss == "mse" {
            LossKind::SquaredError
        } else {
            LossKind::CrossEntropy
        }
    }
}

/// Install SIGINT/SIGTERM handlers that set the returned flag.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(signal, Arc::clone(&flag));
    }
    flag
}

pub fn unknown_backend(name: &str) -> Diagnostic {
    let names: Vec<&str> = registry().iter().map(|b| b.name).collect();
    Diagnostic::error(format!("no back end named `{name}`"))
        .with_help(format!("the back ends are: {}", names.join(", ")))
}

pub fn main(args: SynthArgs) -> u8 {
    let mut reporter = Reporter::new(&args.compile.color);
    let compiled = match load_and_compile(&args.compile, &mut reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let Some(info) = backend(&args.search.backend) else {
        reporter.emit(&[unknown_backend(&args.search.backend)]);
        return EXIT_USER_ERROR;
    };
    let options = match resolve_options(info, &args.search.opts) {
        Ok(options) => options,
        Err(message) => {
            reporter.emit(&[Diagnostic::error(message)]);
            return EXIT_USER_ERROR;
        }
    };
    if let Err(message) = (info.admissible)(&compiled.graph, &options) {
        reporter.emit(&[Diagnostic::error(message)]);
        return EXIT_USER_ERROR;
    }
    if let Some(Err(d)) = args.trace.as_ref().map(|_| super::plot::check_traceable(info, &options)) {
        reporter.emit(&[d]);
        return EXIT_USER_ERROR;
    }
    let timeout = match args.search.timeout() {
        Ok(t) => t,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    // Output paths are checked before the search, not after it.
    for path in args.output.iter().chain(&args.trace) {
        if let Err(d) = writable_directory(path) {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    }
    let mut tape = match Tape::new(&compiled.graph, &args.compile.limits.limits()) {
        Ok(tape) => tape,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    tape.set_loss(args.search.loss_kind(), 1e-6);
    let interrupt = interrupt_flag();
    let program = &compiled.program;
    let graph = &compiled.graph;
    let max_run = args.compile.limits.max_unroll;
    let run = RunOptions {
        backend: info,
        options,
        max_steps: args.search.max_steps,
        timeout,
        restarts: args.search.restarts,
        seed: args.search.seed,
        interrupt: &interrupt,
        trace: args.trace.is_some(),
        progress: None,
    };
    let verify = |assignment: &[u32]| verifies(program, graph, assignment, max_run);
    let report = if std::io::stderr().is_terminal() {
        with_progress(info.name, |progress| {
            solve(graph, &tape, &RunOptions { progress: Some(progress), ..run }, &verify)
        })
    } else {
        solve(graph, &tape, &run, &verify)
    };
    let values = param_values(program, graph, &report.assignment);
    let found = report.status == Status::Found;

    let mut diagnostics = Vec::new();
    if found {
        diagnostics.extend(param_diagnostics(program, graph, &tape, &report.assignment));
    } else if report.status != Status::Impossible {
        diagnostics.push(Diagnostic::warning(format!(
            "no program found ({}); the best candidate violates {}",
            describe_status(report.status),
            plural(report.violations, "observation")
        )));
        diagnostics.extend(violated_observations(program, &values, max_run));
    }
    let text = if args.json {
        let json = serde_json::json!({
            "status": report.status,
            "backend": info.name,
            "seed": args.search.seed,
            "steps": report.steps,
            "total_steps": report.total_steps,
            "restart": report.restart,
            "restarts_run": report.restarts_run,
            "seconds": report.seconds,
            "evaluations": report.evaluations,
            "violations": report.violations,
            "params": program.params().map(|(id, a)| (a.name.clone(), serde_json::json!(values[id]))).collect::<serde_json::Map<_, _>>(),
        });
        format!("{json:#}\n")
    } else if report.status == Status::Impossible {
        String::new()
    } else if args.print == "sketch" {
        print_sketch(reporter.sources.text(0), &compiled.parsed.file, program, &values)
    } else {
        print_program(reporter.sources.text(0), &compiled.parsed.file, program, &values)
    };
    reporter.emit(&diagnostics);
    if report.status == Status::Impossible {
        reporter.emit(&[Diagnostic::error(
            "no assignment of the params satisfies every example (the whole search space was covered)",
        )]);
    }
    eprintln!(
        "{}: {} by {} (seed {}) in {}, restart {} of {}, {}",
        args.compile.file.display(),
        if found { "found" } else { describe_status(report.status) },
        info.name,
        args.search.seed,
        plural(report.steps, "step"),
        report.restart + 1,
        report.restarts_run,
        super::table::duration_text(report.seconds)
    );
    // The result first: a trace that cannot be written must not lose it, and a result file
    // that cannot be written falls back to stdout.
    if let Err(d) = write_output(args.output.as_deref(), &text) {
        reporter.emit(&[d.with_help("the result follows on stdout instead")]);
        let _ = write_output(None, &text);
        return EXIT_USER_ERROR;
    }
    if let Some(path) = &args.trace {
        let run = super::plot::TraceRun {
            file: &args.compile.file,
            settings: &args.compile.overrides,
            backend: info.name,
            seed: args.search.seed,
            status: report.status,
            steps: report.steps,
        };
        if let Err(d) = super::plot::write_trace(path, &report.trace, graph, &run) {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    }
    match report.status {
        Status::Found => EXIT_OK,
        Status::Impossible => EXIT_IMPOSSIBLE,
        _ => EXIT_FAILED,
    }
}

fn describe_status(status: Status) -> &'static str {
    match status {
        Status::Found => "found",
        Status::StepBudget => "step budget exhausted",
        Status::Timeout => "timed out",
        Status::Interrupted => "interrupted",
        Status::GaveUp => "the back end gave up",
        Status::Impossible => "proven impossible",
    }
}

/// Write to a file through a temporary file and a rename, or to stdout.
/// Run `search` while a spinner on stderr shows its steps and the best candidate's violated
/// observations; the spinner is cleared before anything else is printed.
fn with_progress<T>(backend: &str, search: impl FnOnce(&Progress) -> T) -> T {
    let progress = Progress::default();
    let done = AtomicBool::new(false);
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                let steps = progress.steps.load(Ordering::Relaxed);
                let best = progress.best_violations.load(Ordering::Relaxed);
                let best = if best == usize::MAX {
                    String::new()
                } else {
                    format!(", best candidate violates {}", plural(best, "observation"))
                };
                bar.set_message(format!("{backend}: {}{best}", plural(steps, "step")));
                bar.tick();
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        let result = search(&progress);
        done.store(true, Ordering::Relaxed);
        result
    })
}

/// An error unless `path`'s directory exists, so that a long run does not end unable to write
/// its result.
pub fn writable_directory(path: &Path) -> Result<(), Diagnostic> {
    let dir = directory_of(path);
    if dir.is_dir() {
        Ok(())
    } else {
        Err(Diagnostic::error(format!(
            "cannot write `{}`: the directory `{}` does not exist",
            path.display(),
            dir.display()
        )))
    }
}

/// The directory a file is written in (`.` for a bare file name).
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

pub fn write_output(path: Option<&Path>, text: &str) -> Result<(), Diagnostic> {
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
        return Ok(());
    };
    let fail = |e: std::io::Error| Diagnostic::error(format!("cannot write `{}`: {}", path.display(), io_reason(&e)));
    let mut file = tempfile::NamedTempFile::new_in(directory_of(path)).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    // Temporary files are private; the result gets the target's permissions, or the usual
    // permissions of a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions =
            std::fs::metadata(path).map(|m| m.permissions()).unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        file.as_file().set_permissions(permissions).map_err(fail)?;
    }
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
