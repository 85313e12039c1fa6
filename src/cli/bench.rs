//! `tpt bench FILE... --backends a,b --runs N --set NAME=v1,v2`: success rate, steps and time
//! of independent runs for every file x back end x setting. Every row is written as soon as
//! it is finished, so an interrupted sweep keeps what it measured. `--shard I/N` runs one
//! slice of the sweep (see `shard.rs`); `--from-csv` reads rows back, or merges shards' runs.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use tpt::diagnostics::{plural, Diagnostic};
use tpt::limits::{Failure, Stop};
use tpt::pipeline::{unknown_backend, Compiled, Search};
use tpt::solve::{backend, restart_seed};

use super::output::{check_output_path, write_output, OutputFormats};
use super::runs::{status_text, RunRecord, RunsWriter};
use super::shard::{merge_runs, parse_shard, Shard};
use super::sweep::{check_sweep, parse_sweeps, read_files, search_config, SweepArgs};
use super::synth::{interrupt_flag, SearchArgs};
use super::table::{markdown_header, read_csv, row_text, CsvFile, CsvWriter, Row};
use super::{InputArgs, Reporter, EXIT_OK, EXIT_USER_ERROR};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The .tpt files.
    #[arg(required_unless_present = "from_csv")]
    pub files: Vec<PathBuf>,
    /// Run nothing: read the rows of earlier `--csv` files (to draw `--plot` again; repeat
    /// the flag to combine several sweeps), or the runs of `--runs-csv` files (the shards of a
    /// sweep), merged into one row per file, back end and setting.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["files", "shard"])]
    pub from_csv: Vec<PathBuf>,
    /// Run only the I-th of N disjoint slices of the sweep (its runs numbered file x setting x
    /// back end x run, the I-th of every N); the shards' `--runs-csv` files merge with
    /// `--from-csv` into the whole sweep's rows.
    #[arg(long, value_name = "I/N", value_parser = parse_shard, requires = "runs_csv")]
    pub shard: Option<Shard>,
    /// Also write one line per run to this CSV file (seed, status, steps, time), from which
    /// `--from-csv` rebuilds the rows exactly.
    #[arg(long, value_name = "FILE.csv")]
    pub runs_csv: Option<PathBuf>,
    /// Several back ends, comma separated (one back end: `--backend`; not both).
    #[arg(long = "backends", value_name = "NAME,..", value_delimiter = ',', conflicts_with = "backend")]
    pub backends: Vec<String>,
    /// Independent runs per file, back end and setting.
    #[arg(long, default_value_t = 10, value_parser = parse_runs)]
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
    #[command(flatten)]
    pub input: InputArgs,
}

impl BenchArgs {
    /// What the sweep reads of them.
    fn sweep(&self) -> SweepArgs<'_> {
        SweepArgs { files: &self.files, input: &self.input, search: &self.search }
    }
}

/// `--runs N`: at least one, or a row would measure nothing.
fn parse_runs(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("a row needs at least one run".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("expected a positive integer, found `{text}`")),
    }
}

pub fn main(args: BenchArgs) -> u8 {
    let reporter = Reporter::new(&args.input.color);
    let outputs = args
        .plot
        .iter()
        .map(|p| ("--plot", p, &["svg"]))
        .chain(args.csv.iter().map(|p| ("--csv", p, &["csv"])))
        .chain(args.runs_csv.iter().map(|p| ("--runs-csv", p, &["csv"])));
    for (flag, path, extensions) in outputs {
        if let Err(d) = check_output_path(flag, path, &OutputFormats::by_extension(flag, extensions)) {
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
    let files = match read_files(&args.sweep()) {
        Ok(files) => files,
        Err(code) => return code,
    };
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    // The cell of file f, setting s and back end b is number (f * settings + s) * backends + b.
    let cell_of = |f: usize, s: usize, b: usize| (f * settings.len() + s) * backends.len() + b;
    // So is a file that does not compile under a setting, or a back end's settings it refuses.
    let has_runs = |f: usize, s: usize, b: usize| !shard.runs(cell_of(f, s, b), args.runs).is_empty();
    // Ctrl-C from here on, compilation included, ends the sweep with the rows finished.
    let interrupt = interrupt_flag();
    let stop = Stop { deadline: None, interrupt: Some(Arc::clone(&interrupt)) };
    if !check_sweep(&args.sweep(), &files, &settings, &backends, has_runs, &stop) {
        if interrupt.load(Ordering::Relaxed) {
            eprintln!("interrupted while compiling");
            return super::synth::interrupted_exit_code();
        }
        return EXIT_USER_ERROR;
    }
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
    let mut runs_csv = match args.runs_csv.as_deref().map(RunsWriter::create).transpose() {
        Ok(csv) => csv,
        Err(d) => {
            reporter.emit(&[d]);
            return EXIT_USER_ERROR;
        }
    };
    let cells = args.files.len() * settings.len() * backends.len();
    let total: usize = (0..cells).map(|cell| shard.runs(cell, args.runs).len()).sum();
    let total = total as u64;
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
    'sweep: for (f, file) in files.iter().enumerate() {
        for (s, setting) in settings.iter().enumerate() {
            // A shard compiles only the settings it has runs of.
            if (0..backends.len()).all(|b| !has_runs(f, s, b)) {
                continue;
            }
            let compiled = match file.compile(&args.sweep(), setting, &stop) {
                Ok(c) => Arc::new(c),
                Err(Failure::Errors(diagnostics)) => {
                    file.reporter.emit(&diagnostics);
                    failed = true;
                    continue;
                }
                // Ctrl-C while compiling: the sweep ends as after a run.
                Err(Failure::Stopped(_)) => break 'sweep,
            };
            for (b, name) in backends.iter().enumerate() {
                if interrupt.load(Ordering::Relaxed) {
                    break 'sweep;
                }
                let cell = Cell { file: &file.path, setting, backend: name, index: cell_of(f, s, b) };
                let runs = shard.runs(cell.index, args.runs);
                if runs.is_empty() {
                    continue;
                }
                progress.set_message(format!("{} {name}", file.path.display()));
                let records = pool.install(|| measure(&compiled, &cell, &runs, &args, &interrupt, &progress));
                let records = match records {
                    Ok(records) => records,
                    Err(d) => {
                        reporter.emit(&[d]);
                        failed = true;
                        continue;
                    }
                };
                if interrupt.load(Ordering::Relaxed) {
                    break 'sweep;
                }
                let row = Row::from_runs(&records);
                outln!("{}", row_text(&row, args.json));
                if let Some(Err(d)) = csv.as_mut().map(|csv| csv.push(&row)) {
                    reporter.emit(&[d]);
                    failed = true;
                }
                if let Some(Err(d)) = runs_csv.as_mut().map(|csv| csv.push(&records)) {
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

/// One cell of the sweep: a file, a setting of its swept constants and a back end.
struct Cell<'a> {
    file: &'a Path,
    setting: &'a [(String, i64)],
    backend: &'a str,
    /// Its position in the sweep.
    index: usize,
}

/// Run the given runs of a cell (run `r` with the seed `restart_seed(seed, r)`); the records
/// in the order of their index.
fn measure(
    compiled: &Arc<Compiled>,
    cell: &Cell,
    runs: &[usize],
    args: &BenchArgs,
    interrupt: &Arc<AtomicBool>,
    progress: &ProgressBar,
) -> Result<Vec<RunRecord>, Diagnostic> {
    let search = Search::new(compiled, &search_config(&args.sweep(), cell.backend, interrupt)?)?;
    // A row says how its runs searched: `--cegis` changes the method, so it is in the label.
    let method = match args.search.cegis.as_deref() {
        None => cell.backend.to_string(),
        Some("default") => format!("{} --cegis", cell.backend),
        Some(mode) => format!("{} --cegis={mode}", cell.backend),
    };
    let set: Vec<String> = cell.setting.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let records = Mutex::new(Vec::new());
    runs.par_iter().for_each(|&run| {
        if interrupt.load(Ordering::Relaxed) {
            return;
        }
        let seed = restart_seed(args.search.seed, run);
        let synthesis = search.run_with_seed(seed);
        progress.inc(1);
        let record = RunRecord {
            file: cell.file.display().to_string(),
            backend: method.clone(),
            set: set.join(" "),
            cell: cell.index,
            run,
            runs: args.runs,
            seed,
            status: status_text(synthesis.status()),
            steps: synthesis.steps(),
            seconds: synthesis.seconds(),
        };
        if let Ok(mut list) = records.lock() {
            list.push(record);
        }
    });
    let mut records = records.into_inner().unwrap_or_default();
    records.sort_by_key(|r| r.run);
    Ok(records)
}

/// Rows read back from `--csv` files, or merged from the runs of `--runs-csv` files: printed
/// like a sweep, drawn with `--plot`, and written together to `--csv` (to combine several
/// sweeps in one file) and, for runs, to `--runs-csv`.
fn replot(args: &BenchArgs, reporter: &Reporter) -> u8 {
    let mut rows = Vec::new();
    let mut runs: Vec<(String, Vec<RunRecord>)> = Vec::new();
    for path in &args.from_csv {
        match read_csv(path) {
            Ok(CsvFile::Rows(more)) => rows.extend(more),
            Ok(CsvFile::Runs(more)) => runs.push((path.display().to_string(), more)),
            Err(d) => {
                reporter.emit(&[d]);
                return EXIT_USER_ERROR;
            }
        }
    }
    // Rows are summaries and runs are what they summarize; together they would count twice.
    if !rows.is_empty() && !runs.is_empty() || args.runs_csv.is_some() && runs.is_empty() {
        let diagnostic = if runs.is_empty() {
            Diagnostic::error("`--runs-csv` needs runs to write, and the `--from-csv` files hold rows")
                .with_help("runs come from files that `tpt bench --runs-csv` wrote")
        } else {
            Diagnostic::error("the `--from-csv` files mix rows (of `--csv`) and runs (of `--runs-csv`)")
                .with_help("give the rows of a sweep or the runs of its shards, not both")
        };
        reporter.emit(&[diagnostic]);
        return EXIT_USER_ERROR;
    }
    let mut merged = Vec::new();
    if !runs.is_empty() {
        match merge_runs(runs) {
            Ok(result) => {
                reporter.emit(&result.warnings);
                rows = result.rows;
                merged = result.runs;
            }
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
    let runs_written = args.runs_csv.as_deref().map(|path| RunsWriter::create(path)?.push(&merged));
    let drawn = args.plot.as_deref().map(|path| draw(path, &rows));
    let errors: Vec<Diagnostic> =
        written.into_iter().chain(runs_written).chain(drawn).filter_map(Result::err).collect();
    reporter.emit(&errors);
    if errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_USER_ERROR
    }
}
