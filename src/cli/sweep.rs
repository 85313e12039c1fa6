//! What `tpt bench` sweeps, read and checked before the first run: the settings of `--set
//! NAME=V1,V2,..`, the files (each with the data file, in sources of its own so that its
//! messages point into it), and every file compiled under every setting and made ready to
//! search with every back end, so that a mistake anywhere stops the sweep before it starts.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use tpt::check::CheckOptions;
use tpt::diagnostics::{Diagnostic, SourceId};
use tpt::limits::{Failure, Stop};
use tpt::pipeline::{compile_until, Compiled, Search, SearchConfig};

use super::synth::SearchArgs;
use super::{InputArgs, Reporter, EXIT_USER_ERROR};

/// What a sweep reads of `tpt bench`'s arguments: its files, how to read them, and how to
/// search.
pub struct SweepArgs<'a> {
    pub files: &'a [PathBuf],
    pub input: &'a InputArgs,
    pub search: &'a SearchArgs,
}

/// The settings of `--set NAME=V1,V2,..` flags: every combination of their values.
pub fn parse_sweeps(sweeps: &[String]) -> Result<Vec<Vec<(String, i64)>>, Diagnostic> {
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

/// One file of a sweep: its sources (the file first, then the data file) and where its
/// messages go.
pub struct SweptFile {
    pub path: PathBuf,
    pub reporter: Reporter,
    pub data: Option<SourceId>,
}

impl SweptFile {
    /// The file compiled under one setting of the swept constants, until `stop` fires.
    pub fn compile(&self, args: &SweepArgs, setting: &[(String, i64)], stop: &Stop) -> Result<Compiled, Failure> {
        let options = CheckOptions {
            overrides: setting.to_vec(),
            limits: args.input.limits.limits(),
            tolerance: args.input.tolerance,
            max_violations: args.search.max_violations,
        };
        compile_until(&self.reporter.sources, 0, self.data, &options, stop)
    }
}

/// Read every file of the sweep, and the data file once; the first that cannot be read is
/// reported (`Err`: the exit code).
pub fn read_files(args: &SweepArgs) -> Result<Vec<SweptFile>, u8> {
    let mut files = Vec::new();
    for path in args.files {
        let mut reporter = Reporter::new(&args.input.color);
        if let Err(d) = reporter.load(path) {
            reporter.emit(&[d]);
            return Err(EXIT_USER_ERROR);
        }
        files.push(SweptFile { path: path.clone(), reporter, data: None });
    }
    if let Some(path) = &args.input.data {
        // Read once (it may be standard input), and added to every file's sources.
        let mut reporter = Reporter::new(&args.input.color);
        let id = reporter.load(path).map_err(|d| {
            reporter.emit(&[d]);
            EXIT_USER_ERROR
        })?;
        let (name, text) = (reporter.sources.name(id), reporter.sources.text(id));
        for file in &mut files {
            file.data = Some(file.reporter.sources.add(name, text));
        }
    }
    Ok(files)
}

/// The search settings of one back end's runs.
pub fn search_config(args: &SweepArgs, backend: &str, interrupt: &Arc<AtomicBool>) -> Result<SearchConfig, Diagnostic> {
    Ok(SearchConfig {
        backend: backend.to_string(),
        timeout: args.search.timeout()?,
        interrupt: Arc::clone(interrupt),
        // A benchmark measures the search; it reports nothing of the examples' check.
        distinguish: None,
        ..args.search.config()
    })
}

/// Compile every file under every setting, and make its search ready with every back end,
/// where `runs(file, setting, backend)` says the sweep (or its shard) has runs; report every
/// mistake, each once. False when there was one.
pub fn check_sweep(
    args: &SweepArgs,
    files: &[SweptFile],
    settings: &[Vec<(String, i64)>],
    backends: &[String],
    runs: impl Fn(usize, usize, usize) -> bool,
    stop: &Stop,
) -> bool {
    let interrupt = Arc::new(AtomicBool::new(false));
    let mut clean = true;
    for (f, file) in files.iter().enumerate() {
        let mut reported: Vec<Diagnostic> = Vec::new();
        let mut report = |diagnostics: Vec<Diagnostic>| {
            for mut diagnostic in diagnostics {
                // Without a label it would not say which file it is about.
                if diagnostic.labels.is_empty() {
                    diagnostic.message.prepend(&format!("{}: ", file.path.display()));
                }
                if !reported.contains(&diagnostic) {
                    file.reporter.emit(std::slice::from_ref(&diagnostic));
                    reported.push(diagnostic);
                }
            }
        };
        for (s, setting) in settings.iter().enumerate() {
            if (0..backends.len()).all(|b| !runs(f, s, b)) {
                continue;
            }
            let compiled = match file.compile(args, setting, stop) {
                Ok(compiled) => std::sync::Arc::new(compiled),
                Err(Failure::Errors(diagnostics)) => {
                    report(diagnostics);
                    continue;
                }
                // Ctrl-C while compiling: the caller sees its flag and ends the sweep.
                Err(Failure::Stopped(_)) => return false,
            };
            for (b, backend) in backends.iter().enumerate() {
                let ready = search_config(args, backend, &interrupt).and_then(|config| Search::new(&compiled, &config));
                if let (true, Err(d)) = (runs(f, s, b), ready) {
                    report(vec![d]);
                }
            }
        }
        clean &= reported.is_empty();
    }
    clean
}
