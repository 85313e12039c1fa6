//! `tpt bench FILE... --backends a,b --runs N --set NAME=v1,v2`: success rate, steps and time
//! of independent runs for every file x back end x setting. Every row is written as soon as
//! it is finished, so an interrupted sweep keeps what it measured.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use tpt::check::CheckOptions;
use tpt::diagnostics::{plural, Diagnostic, SourceId};
use tpt::pipeline::{compile, unknown_backend, Compiled, Search, SearchConfig};
use tpt::solve::{backend, restart_seed, Status};

use super::synth::{interrupt_flag, writable_directory, write_output, SearchArgs};
use super::table::{markdown_header, read_csv, row_text, CsvWriter, Row};
use super::{LimitArgs, Reporter, EXIT_OK, EXIT_USER_ERROR};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The .tpt files.
    #[arg(required_unless_present = "from_csv")]
    pub files: Vec<PathBuf>,
    /// Run nothing: read the rows of earlier `--csv` files (to draw `--plot` again; repeat
    /// the flag to combine several sweeps).
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub from_csv: Vec<PathBuf>,
    /// Several back ends, comma separated (one back end: `--backend`; not both).
    #[arg(long = "backends", value_name = "NAME,..", value_delimiter = ',', conflicts_with = "backend")]
    pub backends: Vec<String>,
    /// Independent runs per file, back end and setting.
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
    /// Sweep a constant: `--set K=4,8,16` (repeatable for different constants: the product of
    /// all is swept).
    #[arg(long = "set", value_name = "NAME=V1,V2,..")]
    pub sweeps: Vec<String>,
    /// Runs in parallel (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print one JSON object per row instead of a markdown table.
    #[arg(long)]
    pub json: bool,
    /// Also write the rows to this CSV file (times in seconds, full precision).
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// Draw success rate (and mean steps) against the swept setting, one line per back end.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub search: SearchArgs,
    /// Read more examples from a JSON file.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Colour in diagnostics: auto (when stderr is a terminal), always or never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
    #[command(flatten)]
    pub limits: LimitArgs,
}

fn parse_sweeps(sweeps: &[String]) -> Result<Vec<Vec<(String, i64)>>, Diagnostic> {
    let mut settings: Vec<Vec<(String, i64)>> = vec![Vec::new()];
    let mut names: Vec<&str> = Vec::new();
    for sweep in sweeps {
        let (name, values) = sweep
            .split_once('=')
            .ok_or_else(|| Diagnostic::error(format!("`--set {sweep}`: expected NAME=V1,V2,..")))?;
        let name = name.trim();
        // Two flags for one constant would each override the other in every setting.
        if names.contains(&name) {
            return Err(Diagnostic::error(format!("`--set {name}=..` is given twice"))
                .with_help(format!("give all the values in one flag: `--set {name}=V1,V2,..`")));
        }
        names.push(name);
        let values: Result<Vec<i64>, _> = values.split(',').map(|v| v.trim().parse::<i64>()).collect();
        let values = values.map_err(|_| Diagnostic::error(format!("`--set {sweep}`: the values must be integers")))?;
        settings = settings
            .into_iter()
            .flat_map(|setting| {
                values.iter().map(move |&v| {
                    let mut next = setting.clone();
                    next.push((name.to_string(), v));
                    next
                })
            })
            .collect();
    }
    Ok(settings)
}

/// An error unless `path` names a file with the extension of its format (`--plot` writes SVG,
/// `--csv` CSV) in a directory that exists; checked before the sweep, not after it.
fn check_output(flag: &str, path: &Path, extension: &str) -> Result<(), Diagnostic> {
    let shown = path.display();
    if path.is_dir() {
        return Err(Diagnostic::error(format!("`{flag} {shown}`: `{shown}` is a directory"))
            .with_help(format!("name a `.{extension}` file")));
    }
    if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension)) {
        return Err(Diagnostic::error(format!("`{flag} {shown}`: the file name must end in `.{extension}`"))
            .with_help(format!("`{flag}` writes {}", extension.to_uppercase())));
    }
    writable_directory(path)
}

pub fn main(args: BenchArgs) -> u8 {
    let mut reporter = Reporter::new(&args.color);
    let outputs = args.plot.iter().map(|p| ("--plot", p, "svg")).chain(args.csv.iter().map(|p| ("--csv", p, "csv")));
    for (flag, path, extension) in outputs {
        if let Err(d) = check_output(flag, path, extension) {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    }
    if !args.from_csv.is_empty() {
        return replot(&args, &reporter);
    }
    let settings = match parse_sweeps(&args.sweeps) {
        Ok(s) => s,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    let backends: Vec<String> =
        if args.backends.is_empty() { vec![args.search.backend.clone()] } else { args.backends.clone() };
    for name in &backends {
        if backend(name).is_some() {
            continue;
        }
        let diagnostic = if args.backends.is_empty() && name.contains(',') {
            Diagnostic::error(format!("`--backend {name}`: `--backend` names one back end"))
                .with_help(format!("for several, use `--backends {name}`"))
        } else {
            unknown_backend(name)
        };
        reporter.emit(&[diagnostic]);
        return EXIT_USER_ERROR;
    }
    // Every file is read before the first run: a missing one stops the sweep before it starts.
    let mut sources: Vec<SourceId> = Vec::new();
    for path in &args.files {
        match reporter.load(path) {
            Ok(id) => sources.push(id),
            Err(d) => {
                reporter.emit(&[d]);
                return EXIT_USER_ERROR;
            }
        }
    }
    let data = match args.data.as_deref().map(|path| reporter.load(path)).transpose() {
        Ok(data) => data,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build() {
        Ok(pool) => pool,
        Err(e) => {
            reporter.emit(&[Diagnostic::error(format!("cannot start {jobs} worker threads: {e}"))]);
            return EXIT_USER_ERROR;
        }
    };
    let mut csv = match args.csv.as_deref().map(CsvWriter::create).transpose() {
        Ok(csv) => csv,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    let interrupt = interrupt_flag();
    let total = (args.files.len() * backends.len() * settings.len() * args.runs) as u64;
    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} runs {elapsed_precise} {msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    if !args.json {
        outln!("{}", markdown_header());
    }
    let mut rows = Vec::new();
    let mut failed = false;
    'sweep: for (file, &main) in args.files.iter().zip(&sources) {
        for setting in &settings {
            let options = CheckOptions { overrides: setting.clone(), limits: args.limits.limits() };
            let compiled = match compile(&reporter.sources, main, data, &options) {
                Ok(c) => c,
                Err(diagnostics) => {
                    reporter.emit(&diagnostics);
                    failed = true;
                    continue;
                }
            };
            for name in &backends {
                if interrupt.load(Ordering::Relaxed) {
                    break 'sweep;
                }
                progress.set_message(format!("{} {name}", file.display()));
                let row = pool.install(|| measure(&compiled, file, setting, name, &args, &interrupt, &progress));
                let row = match row {
                    Ok(row) => row,
                    Err(d) => {
                        reporter.emit(&[d]);
                        failed = true;
                        continue;
                    }
                };
                if interrupt.load(Ordering::Relaxed) {
                    break 'sweep;
                }
                outln!("{}", row_text(&row, args.json));
                if let Some(Err(d)) = csv.as_mut().map(|csv| csv.push(&row)) {
                    reporter.emit(&[d]);
                    failed = true;
                }
                rows.push(row);
            }
        }
    }
    progress.finish_and_clear();
    if let Some(path) = &args.plot {
        if let Err(d) = draw(path, &rows) {
            reporter.emit(&[d]);
            failed = true;
        }
    }
    if interrupt.load(Ordering::Relaxed) {
        eprintln!("interrupted: {} kept", plural(rows.len(), "finished row"));
        return super::synth::interrupted_exit_code();
    }
    if failed {
        EXIT_USER_ERROR
    } else {
        EXIT_OK
    }
}

fn draw(path: &Path, rows: &[Row]) -> Result<(), Diagnostic> {
    let svg = super::plot::bench_plot(rows).map_err(Diagnostic::error)?;
    write_output(Some(path), &svg)
}

fn measure(
    compiled: &Compiled,
    file: &Path,
    setting: &[(String, i64)],
    name: &str,
    args: &BenchArgs,
    interrupt: &Arc<AtomicBool>,
    progress: &ProgressBar,
) -> Result<Row, Diagnostic> {
    let config = SearchConfig {
        backend: name.to_string(),
        timeout: args.search.timeout()?,
        interrupt: Arc::clone(interrupt),
        ..args.search.config()
    };
    let search = Search::new(compiled, &config)?;
    let outcomes = Mutex::new(Vec::new());
    (0..args.runs).into_par_iter().for_each(|run| {
        if interrupt.load(Ordering::Relaxed) {
            return;
        }
        let synthesis = search.run_with_seed(restart_seed(args.search.seed, run));
        progress.inc(1);
        if let Ok(mut list) = outcomes.lock() {
            list.push((synthesis.status(), synthesis.steps(), synthesis.seconds()));
        }
    });
    let outcomes = outcomes.into_inner().unwrap_or_default();
    let solved: Vec<&(Status, u64, f64)> = outcomes.iter().filter(|o| o.0 == Status::Found).collect();
    let mut seconds: Vec<f64> = solved.iter().map(|o| o.2).collect();
    seconds.sort_by(f64::total_cmp);
    let mean = |values: &[f64]| (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
    let steps: Vec<f64> = solved.iter().map(|o| o.1 as f64).collect();
    let all_seconds: Vec<f64> = outcomes.iter().map(|o| o.2).collect();
    Ok(Row {
        file: file.display().to_string(),
        backend: name.to_string(),
        set: setting.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect(),
        runs: outcomes.len(),
        solved: solved.len(),
        mean_steps: mean(&steps),
        median_seconds: median(&seconds),
        mean_seconds: mean(&seconds),
        mean_seconds_all: mean(&all_seconds).unwrap_or(0.0),
        impossible: outcomes.iter().filter(|o| o.0 == Status::Impossible).count(),
    })
}

fn median(sorted: &[f64]) -> Option<f64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Rows read back from `--csv` files: printed like a sweep, drawn with `--plot`, and written
/// together to `--csv` (to combine several sweeps in one file).
fn replot(args: &BenchArgs, reporter: &Reporter) -> u8 {
    let mut rows = Vec::new();
    for path in &args.from_csv {
        match read_csv(path) {
            Ok(more) => rows.extend(more),
            Err(d) => {
                reporter.emit(&[d]);
                return EXIT_USER_ERROR;
            }
        }
    }
    if !args.json {
        outln!("{}", markdown_header());
    }
    for row in &rows {
        outln!("{}", row_text(row, args.json));
    }
    let written = args.csv.as_deref().map(|path| {
        let mut csv = CsvWriter::create(path)?;
        rows.iter().try_for_each(|row| csv.push(row))
    });
    let drawn = args.plot.as_deref().map(|path| draw(path, &rows));
    let errors: Vec<Diagnostic> = written.into_iter().chain(drawn).filter_map(Result::err).collect();
    reporter.emit(&errors);
    if errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_USER_ERROR
    }
}
