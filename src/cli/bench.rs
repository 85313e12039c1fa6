//! `tpt bench FILE... --backend a,b --runs N --set NAME=v1,v2`: success rate, steps and time
//! of independent runs for every file x back end x setting. Every row is written as soon as
//! it is finished, so an interrupted sweep keeps what it measured.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use tpt::check::CheckOptions;
use tpt::diagnostics::Diagnostic;
use tpt::pipeline::{compile, unknown_backend, Compiled, Search, SearchConfig};
use tpt::solve::{backend, restart_seed, Status};

use super::synth::{interrupt_flag, writable_directory, write_output, SearchArgs};
use super::{io_reason, LimitArgs, Reporter, EXIT_OK, EXIT_USER_ERROR};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The .tpt files.
    #[arg(required_unless_present = "from_csv")]
    pub files: Vec<PathBuf>,
    /// Run nothing: read the rows of earlier `--csv` files (to draw `--plot` again; repeat
    /// the flag to combine several sweeps).
    #[arg(long, value_name = "FILE")]
    pub from_csv: Vec<PathBuf>,
    /// Back ends, comma separated (default: the default back end).
    #[arg(long = "backends", alias = "backend", value_delimiter = ',')]
    pub backends: Vec<String>,
    /// Independent runs per file, back end and setting.
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
    /// Sweep a constant: `--set K=4,8,16` (repeatable: the product of all is swept).
    #[arg(long = "set", value_name = "NAME=V1,V2,..")]
    pub sweeps: Vec<String>,
    /// Runs in parallel (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print one JSON object per row instead of a markdown table.
    #[arg(long)]
    pub json: bool,
    /// Also write the rows to this CSV file.
    #[arg(long, value_name = "FILE")]
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

/// One measured row.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Row {
    pub file: String,
    pub backend: String,
    pub set: serde_json::Map<String, serde_json::Value>,
    pub runs: usize,
    pub solved: usize,
    /// Mean steps of the successful runs.
    pub mean_steps: Option<f64>,
    /// Median and mean wall time of the successful runs, in seconds.
    pub median_seconds: Option<f64>,
    pub mean_seconds: Option<f64>,
    /// Mean wall time of all runs, successful or not.
    pub mean_seconds_all: f64,
    pub impossible: usize,
}

fn parse_sweeps(sweeps: &[String]) -> Result<Vec<Vec<(String, i64)>>, Diagnostic> {
    let mut settings: Vec<Vec<(String, i64)>> = vec![Vec::new()];
    for sweep in sweeps {
        let (name, values) = sweep
            .split_once('=')
            .ok_or_else(|| Diagnostic::error(format!("`--set {sweep}`: expected NAME=V1,V2,..")))?;
        let values: Result<Vec<i64>, _> = values.split(',').map(|v| v.trim().parse::<i64>()).collect();
        let values = values.map_err(|_| Diagnostic::error(format!("`--set {sweep}`: the values must be integers")))?;
        settings = settings
            .into_iter()
            .flat_map(|setting| {
                values.iter().map(move |&v| {
                    let mut next = setting.clone();
                    next.push((name.trim().to_string(), v));
                    next
                })
            })
            .collect();
    }
    Ok(settings)
}

pub fn main(args: BenchArgs) -> u8 {
    let mut reporter = Reporter::new(&args.color);
    if !args.from_csv.is_empty() {
        return replot(&args, &reporter);
    }
    // Output paths are checked before the sweep, not after it.
    for path in args.plot.iter().chain(&args.csv) {
        if let Err(d) = writable_directory(path) {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
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
        if backend(name).is_none() {
            reporter.emit(&[unknown_backend(name)]);
            return EXIT_USER_ERROR;
        }
    }
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build() {
        Ok(pool) => pool,
        Err(e) => {
            reporter.emit(&[Diagnostic::error(format!("cannot start {jobs} worker threads: {e}"))]);
            return EXIT_USER_ERROR;
        }
    };
    let mut csv = match &args.csv {
        None => None,
        Some(path) => match std::fs::File::create(path) {
            Ok(mut file) => {
                let _ = writeln!(
                    file,
                    "file,backend,set,runs,solved,mean_steps,median_seconds,mean_seconds,mean_seconds_all,impossible"
                );
                Some(file)
            }
            Err(e) => {
                reporter.emit(&[Diagnostic::error(format!("cannot write `{}`: {}", path.display(), io_reason(&e)))]);
                return EXIT_USER_ERROR;
            }
        },
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
        outln!("| file | backend | set | runs | solved | rate | mean steps | median s | mean s |");
        outln!("|---|---|---|---|---|---|---|---|---|");
    }
    let mut rows = Vec::new();
    let mut failed = false;
    'sweep: for file in &args.files {
        for setting in &settings {
            let compiled = match compile_file(file, setting, &args, &mut reporter) {
                Ok(c) => c,
                Err(()) => {
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
                write_row(&row, args.json, csv.as_mut());
                rows.push(row);
            }
        }
    }
    progress.finish_and_clear();
    if let Some(path) = &args.plot {
        if let Err(d) =
            super::plot::bench_plot(&rows).map_err(Diagnostic::error).and_then(|svg| write_output(Some(path), &svg))
        {
            reporter.emit(&[d]);
            failed = true;
        }
    }
    if interrupt.load(Ordering::Relaxed) {
        eprintln!("interrupted: {} finished row(s) kept", rows.len());
        return super::synth::interrupted_exit_code();
    }
    if failed {
        EXIT_USER_ERROR
    } else {
        EXIT_OK
    }
}

fn compile_file(
    file: &std::path::Path,
    setting: &[(String, i64)],
    args: &BenchArgs,
    reporter: &mut Reporter,
) -> Result<Compiled, ()> {
    let main = reporter.load(file).map_err(|d| reporter.emit(&[d]))?;
    let data = match &args.data {
        None => None,
        Some(path) => Some(reporter.load(path).map_err(|d| reporter.emit(&[d]))?),
    };
    let options = CheckOptions { overrides: setting.to_vec(), limits: args.limits.limits() };
    compile(&reporter.sources, main, data, &options).map_err(|d| reporter.emit(&d))
}

fn measure(
    compiled: &Compiled,
    file: &std::path::Path,
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

fn set_text(row: &Row) -> String {
    let parts: Vec<String> = row.set.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.join(" ")
}

fn write_row(row: &Row, json: bool, csv: Option<&mut std::fs::File>) {
    let number = |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
    if json {
        if let Ok(text) = serde_json::to_string(row) {
            outln!("{text}");
        }
    } else {
        outln!(
            "| {} | {} | {} | {} | {} | {:.0}% | {} | {} | {} |",
            row.file,
            row.backend,
            set_text(row),
            row.runs,
            row.solved,
            100.0 * row.solved as f64 / row.runs.max(1) as f64,
            number(row.mean_steps, 1),
            number(row.median_seconds, 3),
            number(row.mean_seconds, 3)
        );
    }
    if let Some(file) = csv {
        let _ = writeln!(
            file,
            "{},{},{},{},{},{},{},{},{:.4},{}",
            row.file,
            row.backend,
            set_text(row),
            row.runs,
            row.solved,
            number(row.mean_steps, 2),
            number(row.median_seconds, 4),
            number(row.mean_seconds, 4),
            row.mean_seconds_all,
            row.impossible
        );
        let _ = file.flush();
    }
}

/// Rows read back from a `--csv` file, drawn with `--plot` and printed like a sweep.
fn replot(args: &BenchArgs, reporter: &Reporter) -> u8 {
    let mut rows = Vec::new();
    for path in &args.from_csv {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                reporter.emit(&[Diagnostic::error(format!("cannot read `{}`: {}", path.display(), io_reason(&e)))]);
                return EXIT_USER_ERROR;
            }
        };
        for (number, line) in text.lines().enumerate().skip(1) {
            match parse_csv_row(line) {
                Some(row) => rows.push(row),
                None => {
                    reporter.emit(&[Diagnostic::error(format!(
                        "{}: line {} is not a row written by `tpt bench --csv`",
                        path.display(),
                        number + 1
                    ))]);
                    return EXIT_USER_ERROR;
                }
            }
        }
    }
    if !args.json {
        outln!("| file | backend | set | runs | solved | rate | mean steps | median s | mean s |");
        outln!("|---|---|---|---|---|---|---|---|---|");
    }
    for row in &rows {
        write_row(row, args.json, None);
    }
    if let Some(plot) = &args.plot {
        if let Err(d) =
            super::plot::bench_plot(&rows).map_err(Diagnostic::error).and_then(|svg| write_output(Some(plot), &svg))
        {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    }
    EXIT_OK
}

/// One line of the CSV that `write_row` writes.
fn parse_csv_row(line: &str) -> Option<Row> {
    let fields: Vec<&str> = line.split(',').collect();
    let [file, backend, set, runs, solved, mean_steps, median_seconds, mean_seconds, mean_seconds_all, impossible] =
        fields[..]
    else {
        return None;
    };
    let optional = |text: &str| if text == "-" { Some(None) } else { text.parse::<f64>().ok().map(Some) };
    let mut overrides = serde_json::Map::new();
    for part in set.split_whitespace() {
        let (name, value) = part.split_once('=')?;
        overrides.insert(name.to_string(), serde_json::json!(value.parse::<i64>().ok()?));
    }
    Some(Row {
        file: file.to_string(),
        backend: backend.to_string(),
        set: overrides,
        runs: runs.parse().ok()?,
        solved: solved.parse().ok()?,
        mean_steps: optional(mean_steps)?,
        median_seconds: optional(median_seconds)?,
        mean_seconds: optional(mean_seconds)?,
        mean_seconds_all: mean_seconds_all.parse().ok()?,
        impossible: impossible.parse().ok()?,
    })
}
