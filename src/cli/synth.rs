//! `tpt synth FILE`: find the params, print the synthesized program, report on the params.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use tpt::diagnostics::{plural, Diagnostic};
use tpt::distinguish::{DistinguishConfig, Ending, DEFAULT_CONFLICTS};
use tpt::limits::Stop;
use tpt::pipeline::{Search, SearchConfig, DEFAULT_BACKEND, DEFAULT_MAX_STEPS};
use tpt::result::PrintForm;
use tpt::solve::{CegisMode, Progress, Status};
use tpt::tape::LossKind;

use super::output::{check_output_path, write_output, OutputFormats};
use super::{load_and_compile_allowing, CompileArgs, Reporter, EXIT_FAILED, EXIT_OK, EXIT_USER_ERROR};

pub const EXIT_IMPOSSIBLE: u8 = 3;
/// What shells and cargo exit with after SIGINT (128 + 2); SIGTERM gives 143.
pub const EXIT_INTERRUPTED: u8 = 130;
/// A bug in tpt was detected (the exit code of a Rust panic, so that scripts treat both alike).
pub const EXIT_INTERNAL_ERROR: u8 = 101;

/// The formats `--trace` writes, by extension.
const TRACE_FORMATS: &[&str] = &["svg", "csv"];

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
    /// Write the program (`.tpt`; with `--json` the result, `.json`) to this file instead of
    /// stdout, whole and through symbolic links, when one is found: a run that finds none
    /// leaves the file as it was, and its output goes to stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the optimization trajectory: `.svg` (loss and a heatmap of the params over the
    /// steps) or `.csv`.
    #[arg(long, value_name = "FILE.svg|FILE.csv")]
    pub trace: Option<PathBuf>,
    /// Skip the check, made after a program is found, of whether the examples pin its
    /// behaviour down (another program that fits every example but gives other outputs on
    /// some input).
    #[arg(long, conflicts_with = "all")]
    pub no_distinguish: bool,
    /// Print up to N programs that fit every example and behave differently from each other
    /// (on some input, pairwise), each verified, and say whether the list is complete.
    #[arg(long, value_name = "N", value_parser = parse_all)]
    pub all: Option<usize>,
    /// Conflicts the exact solver may spend on each solve of that check (and of `--all`).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONFLICTS)]
    pub distinguish_conflicts: u32,
}

fn parse_all(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("`--all` lists at least one program".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("expected a positive integer, found `{text}`")),
    }
}

/// How to search: shared by `synth` and `bench`.
#[derive(Args, Debug, Clone)]
pub struct SearchArgs {
    /// The back end (see `tpt backends`).
    #[arg(long, default_value = DEFAULT_BACKEND)]
    pub backend: String,
    /// A back end hyperparameter: `--opt beta=0.2` (repeatable; `tpt backends` lists each
    /// back end's options with their types, ranges and defaults).
    #[arg(long = "opt", value_name = "KEY=VALUE", value_parser = parse_opt)]
    pub opts: Vec<(String, String)>,
    /// Steps per restart.
    #[arg(long, default_value_t = DEFAULT_MAX_STEPS)]
    pub max_steps: u64,
    /// Wall-clock limit in seconds: `synth` counts it from its start, compilation included
    /// (a timeout while compiling ends like one while searching, exit 1); `bench` gives it to
    /// each run.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Independent restarts, run in parallel; the verified one with the lowest index wins (the
    /// restarts, steps and evaluations reported are those up to it).
    #[arg(long, default_value_t = 1, value_parser = parse_restarts)]
    pub restarts: usize,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Loss on observed elements: cross entropy or squared error.
    #[arg(long, default_value = "ce", value_parser = ["ce", "mse"])]
    pub loss: String,
    /// Allow up to N examples to fail (noisy examples). Exact back ends find a program that
    /// fails the fewest (at most N) and prove that none fails fewer; the others stop at N or
    /// fewer. Each example given up is reported as a warning, and commented out in the printed
    /// program where it stands alone (otherwise `tpt run --max-violations N` accepts it).
    /// Examples with the same inputs and different outputs are then warnings, not errors,
    /// unless they need more than N.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_violations: usize,
    /// Counterexample-guided synthesis: search on the first example, and each time a
    /// candidate holds on the examples searched, add the examples it fails (`first`: the
    /// first of them; `all`: every one, the default of the back ends that improve a
    /// candidate) and go on from it. With `sat` this is its `--opt cegis=true` (one
    /// counterexample at a time); the other exact back ends refuse it.
    #[arg(long, value_name = "ADD", num_args = 0..=1, require_equals = true, default_missing_value = "default", value_parser = cegis_values())]
    pub cegis: Option<String>,
}

/// The values of `--cegis=ADD`; `default` (what `--cegis` alone means) is not listed.
fn cegis_values() -> clap::builder::PossibleValuesParser {
    use clap::builder::PossibleValue;
    clap::builder::PossibleValuesParser::new([
        PossibleValue::new("first"),
        PossibleValue::new("all"),
        PossibleValue::new("default").hide(true),
    ])
}

fn parse_restarts(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("a run needs at least one restart".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("expected a positive integer, found `{text}`")),
    }
}

/// `KEY=VALUE`; the value's text is parsed by the type the back end declares for the key.
fn parse_opt(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.trim().to_string(), value.trim().to_string())),
        _ => Err(format!("expected KEY=VALUE, found `{text}`")),
    }
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

    /// The search settings these arguments give (the timeout is checked by `timeout`).
    pub fn config(&self) -> SearchConfig {
        SearchConfig {
            backend: self.backend.clone(),
            options: self.opts.clone(),
            max_steps: self.max_steps,
            timeout: self.timeout().ok().flatten(),
            restarts: self.restarts,
            seed: self.seed,
            loss: self.loss_kind(),
            max_violations: self.max_violations,
            cegis: self.cegis.as_deref().and_then(CegisMode::parse),
            ..SearchConfig::default()
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

/// The number of the last SIGINT or SIGTERM received (0: none), for the exit code.
static LAST_SIGNAL: std::sync::OnceLock<Arc<AtomicUsize>> = std::sync::OnceLock::new();

/// Install SIGINT/SIGTERM handlers that set the returned flag.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let last = LAST_SIGNAL.get_or_init(|| Arc::new(AtomicUsize::new(0)));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register_usize(signal, Arc::clone(last), signal as usize);
        let _ = signal_hook::flag::register(signal, Arc::clone(&flag));
    }
    flag
}

/// The exit code after an interrupt: 128 + the signal's number, as shells report it (130
/// after SIGINT, 143 after SIGTERM).
pub fn interrupted_exit_code() -> u8 {
    match LAST_SIGNAL.get().map_or(0, |last| last.load(Ordering::Relaxed)) {
        signal @ 1..=127 => 128 + signal as u8,
        _ => EXIT_INTERRUPTED,
    }
}

pub fn main(args: SynthArgs) -> u8 {
    // `--timeout` and Ctrl-C cover the whole command, compilation included.
    let started = Instant::now();
    let mut reporter = Reporter::new(&args.compile.with.input.color);
    // Output paths are checked before any work, not after the search.
    let outputs = args
        .output
        .iter()
        .map(|p| ("-o", p, result_formats(args.json)))
        .chain(args.trace.iter().map(|p| ("--trace", p, OutputFormats::by_extension("--trace", TRACE_FORMATS))));
    for (flag, path, formats) in outputs {
        if let Err(d) = check_output_path(flag, path, &formats) {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    }
    let timeout = match args.search.timeout() {
        Ok(t) => t,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    let interrupt = interrupt_flag();
    let stop = Stop { deadline: timeout.and_then(|t| started.checked_add(t)), interrupt: Some(Arc::clone(&interrupt)) };
    let compiled = match load_and_compile_allowing(&args.compile, args.search.max_violations, &stop, &mut reporter) {
        Ok(compiled) => Arc::new(compiled),
        Err(code) => {
            // Stopped while compiling (out of time, or interrupted): no program, so `-o` is
            // left as it was, as after a search that found none.
            if let (Some(path), true) = (&args.output, code != EXIT_USER_ERROR) {
                reporter
                    .emit(&[Diagnostic::note(format!("`-o {}` is not written: no program was found", path.display()))]);
            }
            return code;
        }
    };
    let terminal = std::io::stderr().is_terminal();
    let config = SearchConfig {
        // What compilation left of the time.
        timeout: timeout.map(|t| t.saturating_sub(started.elapsed())),
        trace: args.trace.is_some(),
        interrupt,
        progress: terminal.then(|| Arc::new(Progress::default())),
        distinguish: (!args.no_distinguish)
            .then(|| DistinguishConfig { conflicts: args.distinguish_conflicts, programs: args.all.unwrap_or(1) }),
        ..args.search.config()
    };
    let search = match Search::new(&compiled, &config) {
        Ok(search) => search,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    if let Some(Err(d)) = args.trace.as_ref().map(|_| super::plot::check_traceable(&search)) {
        reporter.emit(&[d]);
        return EXIT_USER_ERROR;
    }
    let synthesis = match &config.progress {
        Some(progress) => with_progress(search.backend().name, progress, || search.run()),
        None => search.run(),
    };
    let form = if args.print == "sketch" { PrintForm::Sketch } else { PrintForm::Program };
    let text = if args.json {
        format!("{:#}\n", synthesis.json(form))
    } else if args.all.is_some() {
        synthesis.printed_all(form).unwrap_or_default()
    } else {
        synthesis.printed(form).unwrap_or_default()
    };
    reporter.emit(&synthesis.diagnostics());
    eprintln!("{}", synthesis.summary(&args.compile.file.display().to_string()));
    // `-o` gets a found program only: a run that ends without one leaves the file as it was,
    // and what it has to show (a best candidate, the JSON) goes to stdout.
    let found = synthesis.status() == Status::Found;
    if let (Some(path), false) = (&args.output, found) {
        let shown = if text.is_empty() { "" } else { "; the result follows on stdout" };
        reporter
            .emit(&[Diagnostic::note(format!("`-o {}` is not written: no program was found{shown}", path.display()))]);
    }
    // The result first: a trace that cannot be written must not lose it, and a result file
    // that cannot be written falls back to stdout.
    if let Err(d) = write_output(args.output.as_deref().filter(|_| found), &text) {
        reporter.emit(&[d.with_help("the result follows on stdout instead")]);
        let _ = write_output(None, &text);
        return EXIT_USER_ERROR;
    }
    if let Some(path) = &args.trace {
        let run = super::plot::TraceRun {
            file: &args.compile.file,
            settings: &args.compile.with.overrides,
            backend: synthesis.backend,
            seed: synthesis.seed,
            status: synthesis.status(),
            steps: synthesis.steps(),
        };
        if let Err(d) = super::plot::write_trace(path, synthesis.trace(), &compiled.graph, &run) {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    }
    if synthesis.distinction().is_some_and(|d| d.ending == Ending::InternalError) {
        return EXIT_INTERNAL_ERROR;
    }
    exit_code(synthesis.status())
}

/// What `-o` writes: the program as `.tpt`, or with `--json` the result as `.json`.
fn result_formats(json: bool) -> OutputFormats {
    if json {
        OutputFormats::chosen_by_command(&["json"], "with `--json`, `-o` writes the result as .json")
    } else {
        OutputFormats::chosen_by_command(
            &["tpt"],
            "`-o` writes the program as .tpt (with `--json`, the result as .json)",
        )
    }
}

/// The exit code of a search's status (README, "Exit codes").
pub fn exit_code(status: Status) -> u8 {
    match status {
        Status::Found => EXIT_OK,
        Status::Impossible => EXIT_IMPOSSIBLE,
        Status::Interrupted => interrupted_exit_code(),
        Status::InternalError => EXIT_INTERNAL_ERROR,
        Status::StepBudget | Status::Timeout | Status::GaveUp => EXIT_FAILED,
    }
}

/// Run `search` while a spinner on stderr shows its steps and the best candidate's violated
/// observations; the spinner is cleared before anything else is printed.
fn with_progress<T>(backend: &str, progress: &Progress, search: impl FnOnce() -> T) -> T {
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
        let result = search();
        done.store(true, Ordering::Relaxed);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_has_its_own_exit_code_and_asks_for_a_report() {
        assert_eq!(exit_code(Status::InternalError), 101);
        let codes: Vec<u8> = [Status::Found, Status::StepBudget, Status::Impossible].map(exit_code).to_vec();
        assert_eq!(codes, [EXIT_OK, EXIT_FAILED, EXIT_IMPOSSIBLE]);
        assert!(![EXIT_OK, EXIT_FAILED, EXIT_USER_ERROR, EXIT_IMPOSSIBLE].contains(&EXIT_INTERNAL_ERROR));
        // An internal error carries its candidate and what disagreed, and nothing else.
        let report = tpt::solve::SolveReport {
            outcome: tpt::solve::Outcome::InternalError {
                candidate: tpt::solve::Candidate { assignment: vec![0], reals: Vec::new(), violations: 0, loss: 0.0 },
                what: "the graph and the interpreter disagree".to_string(),
            },
            work: tpt::solve::Work {
                steps: 1,
                total_steps: 1,
                restart: 0,
                restarts_run: 1,
                evaluations: 1,
                seconds: 0.0,
            },
            trace: Vec::new(),
            cegis: None,
            max_violations: 0,
        };
        let mut sources = tpt::diagnostics::SourceMap::new();
        let main = sources.add("t.tpt", "param p: 2;\noutput y: 2;\ny = p;\nexample { y = 1; }\n");
        let compiled = tpt::pipeline::compile(&sources, main, None, &Default::default()).expect("compiles");
        let synthesis = tpt::result::Synthesis::new(Arc::new(compiled), "sat", 0, report);
        let diagnostics = synthesis.diagnostics();
        assert_eq!(
            diagnostics[0].message,
            "internal error: the graph and the interpreter disagree; this is a bug in tpt; please report it with \
             the program"
        );
        // No program and no params are given for a result the tool cannot trust.
        assert_eq!(synthesis.printed(PrintForm::Program), None);
        assert!(synthesis.json(PrintForm::Program)["params"].is_null());
        assert!(diagnostics[0].is_error());
    }
}
