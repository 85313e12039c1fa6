//! The library's front door. `compile`: source text -> checked program -> graph.
//! `synthesize`: compiled program + search settings -> a [`Synthesis`] (the back end's run,
//! every candidate held to the exact interpreter). The command line, the benchmarks, the
//! tests and the fuzzers all go through these two calls.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use crate::check::{check, CheckOptions};
use crate::diagnostics::{Diagnostic, SourceId, SourceMap};
use crate::examples::contradictions;
use crate::examples::json::load_examples;
use crate::graph::Graph;
use crate::limits::Limits;
use crate::lower::lower;
use crate::parse::{parse, Parsed};
use crate::program::Program;
use crate::result::Synthesis;
use crate::solve::{
    backend, registry, resolve_options, solve, suggest_backend, BackendInfo, Options, Progress, RunOptions,
};
use crate::span::Span;
use crate::tape::{LossKind, Tape};
use crate::verify::Verifier;

/// A program compiled as far as the graph.
#[derive(Debug)]
pub struct Compiled {
    /// The texts of the program and of its data file, if any (the printer keeps the program's
    /// comments and spelling; messages about examples point into either).
    pub sources: SourceMap,
    /// Which of `sources` is the program.
    pub main: SourceId,
    pub parsed: Parsed,
    pub program: Program,
    pub graph: Graph,
    pub warnings: Vec<Diagnostic>,
    /// The bounds it was compiled under; the search and the verifier keep to them too.
    pub limits: Limits,
}

impl Compiled {
    /// The program's source text.
    pub fn source(&self) -> &str {
        self.sources.text(self.main)
    }
}

/// Decode a file's bytes; invalid UTF-8 is reported at the first bad byte.
pub fn decode(bytes: &[u8]) -> Result<String, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(error) => {
            let at = error.valid_up_to();
            Err(Diagnostic::error("the file is not valid UTF-8 text")
                .with_label(Span::new(at, at + 1), format!("invalid byte 0x{:02x} at offset {at}", bytes[at]))
                .with_help("tpt reads UTF-8 source files"))
        }
    }
}

/// Parse, check and lower the program in `sources` (id `main`), with examples from the data
/// file `data` (if any) appended to the file's own.
pub fn compile(
    sources: &SourceMap,
    main: SourceId,
    data: Option<SourceId>,
    options: &CheckOptions,
) -> Result<Compiled, Vec<Diagnostic>> {
    let source = sources.text(main);
    let parsed = parse(source, options.limits.max_depth)?;
    let checked = check(&parsed.file, options)?;
    let mut program = checked.program;
    let mut warnings = checked.warnings;
    if let Some(data) = data {
        let examples = load_examples(&program, sources.text(data), data, sources.name(data), &options.limits)?;
        program.examples.extend(examples);
    }
    let contradictions = contradictions(&program);
    if !contradictions.is_empty() {
        return Err(contradictions);
    }
    let lowered = lower(&program, &options.limits)?;
    warnings.extend(lowered.warnings);
    Ok(Compiled {
        sources: sources.clone(),
        main,
        parsed,
        program,
        graph: lowered.graph,
        warnings,
        limits: options.limits.clone(),
    })
}

/// How to search for the params.
#[derive(Clone, Debug)]
pub struct SearchConfig {
    /// The back end's name (see `tpt backends`).
    pub backend: String,
    /// Hyperparameters, `--opt key=value` (the text of each value, read by the option's type).
    pub options: Vec<(String, String)>,
    /// Steps per restart (gradient and local back ends; exact ones are bounded by time).
    pub max_steps: u64,
    /// Wall-clock limit for the whole run.
    pub timeout: Option<Duration>,
    /// Independent restarts, run in parallel; the verified one with the lowest index wins.
    pub restarts: usize,
    /// The seed of every random choice.
    pub seed: u64,
    pub loss: LossKind,
    /// Record the trajectory of the search.
    pub trace: bool,
    /// Set from outside (a signal handler) to stop the search promptly.
    pub interrupt: Arc<AtomicBool>,
    /// Live counters for a progress display.
    pub progress: Option<Arc<Progress>>,
    /// How many examples a result may fail (`--max-violations`; 0: every example must hold).
    pub max_violations: usize,
}

/// The back end used when none is named (docs/backends.md says why).
pub const DEFAULT_BACKEND: &str = "gradsearch-la";

/// The default step budget per restart.
pub const DEFAULT_MAX_STEPS: u64 = 100_000;

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            backend: DEFAULT_BACKEND.to_string(),
            options: Vec::new(),
            max_steps: DEFAULT_MAX_STEPS,
            timeout: None,
            restarts: 1,
            seed: 0,
            loss: LossKind::CrossEntropy,
            trace: false,
            interrupt: Arc::new(AtomicBool::new(false)),
            progress: None,
            max_violations: 0,
        }
    }
}

/// A search made ready to run: the back end found and its options resolved, the program
/// admitted by it, the forward/backward tape built. One `Search` runs many times (with
/// different seeds) without building anything again.
pub struct Search<'c> {
    compiled: &'c Compiled,
    config: SearchConfig,
    backend: &'static BackendInfo,
    options: Options,
    tape: Tape,
}

impl<'c> Search<'c> {
    /// Everything that can be wrong with the settings is reported here, before any search.
    pub fn new(compiled: &'c Compiled, config: &SearchConfig) -> Result<Self, Diagnostic> {
        let backend = backend(&config.backend).ok_or_else(|| unknown_backend(&config.backend))?;
        let options = resolve_options(backend, &config.options).map_err(Diagnostic::from)?;
        (backend.admissible)(&compiled.graph, &options).map_err(Diagnostic::error)?;
        let mut tape = Tape::new(&compiled.graph, &compiled.limits)?;
        tape.set_loss(config.loss, 1e-6);
        Ok(Search { compiled, config: config.clone(), backend, options, tape })
    }

    pub fn backend(&self) -> &'static BackendInfo {
        self.backend
    }

    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    /// Whether the back end is exact (answers at once, bounded by time only; no trajectory).
    pub fn is_exact(&self) -> bool {
        (self.backend.make)(&self.options).is_exact()
    }

    /// Run the search with the configured seed.
    pub fn run(&self) -> Synthesis {
        self.run_with_seed(self.config.seed)
    }

    /// Run the search with another seed (a benchmark's independent runs).
    pub fn run_with_seed(&self, seed: u64) -> Synthesis {
        let compiled = self.compiled;
        let verifier = Verifier::new(&compiled.program, &compiled.graph, compiled.limits.max_unroll)
            .with_max_violations(self.config.max_violations);
        let run = RunOptions {
            backend: self.backend,
            options: self.options.clone(),
            max_steps: self.config.max_steps,
            timeout: self.config.timeout,
            restarts: self.config.restarts,
            seed,
            interrupt: &self.config.interrupt,
            trace: self.config.trace,
            progress: self.config.progress.as_deref(),
            max_violations: self.config.max_violations,
        };
        let report = solve(&compiled.graph, &self.tape, &run, &|assignment| verifier.check(assignment));
        Synthesis::new(self.backend.name, seed, report)
    }

    /// The tape, for analyses of a result (which params matter).
    pub fn tape(&self) -> &Tape {
        &self.tape
    }
}

/// Find the params of a compiled sketch: `Search::new(..)?.run()`.
pub fn synthesize(compiled: &Compiled, config: &SearchConfig) -> Result<Synthesis, Diagnostic> {
    Ok(Search::new(compiled, config)?.run())
}

/// The error for a back-end name that does not exist, with the likeliest meant one.
pub fn unknown_backend(name: &str) -> Diagnostic {
    let names: Vec<&str> = registry().iter().map(|b| b.name).collect();
    let list = format!("the back ends are: {}", names.join(", "));
    let help = match suggest_backend(name) {
        Some(best) => format!("did you mean `{best}`? {list}"),
        None => list,
    };
    Diagnostic::error(format!("no back end named `{name}`")).with_help(help)
}
