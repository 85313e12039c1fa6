//! The library's front door. `compile`: source text -> checked program -> graph.
//! `synthesize`: compiled program + search settings -> a [`Synthesis`] (the back end's run,
//! every candidate held to the exact interpreter). The command line, the benchmarks, the
//! tests and the fuzzers all go through these two calls.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::compiled::Compiled;
use crate::distinguish::{distinguish, DistinguishConfig};
use crate::result::Synthesis;
use tpt_core::check::{check_text, CheckOptions};
use tpt_core::examples::contradictions;
use tpt_core::examples::json::load_examples;
use tpt_core::limits::{Failure, Stop, Stopped};
use tpt_core::program::Program;
use tpt_core::verify::Verifier;
use tpt_graph::lower::lower;
use tpt_graph::tape::{LossKind, Tape};
use tpt_solve::{
    backend, registry, resolve_options, resolve_real_stage, solve, suggest_backend, BackendInfo, Cegis, CegisMode,
    Options, Progress, RealStage, Reals, RunOptions, REAL_PREFIX,
};
use tpt_source::diagnostics::{Diagnostic, Setting, SourceId, SourceMap, Text};
use tpt_source::span::Span;

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
    compile_until(sources, main, data, options, &Stop::default()).map_err(|failure| match failure {
        Failure::Errors(errors) => errors,
        // Not reached: the default `Stop` never fires.
        Failure::Stopped(stopped) => vec![stopped_error(stopped)],
    })
}

/// The error of a compilation stopped from outside, for callers that have no other way to
/// report it.
fn stopped_error(stopped: Stopped) -> Diagnostic {
    match stopped {
        Stopped::Timeout => Diagnostic::error("the time ran out while compiling the program"),
        Stopped::Interrupted => Diagnostic::error("compilation was interrupted"),
    }
}

/// `compile`, given up when `stop` fires (its deadline passes, or its interrupt flag is
/// raised): the long stages (lowering above all) look at it as they go.
pub fn compile_until(
    sources: &SourceMap,
    main: SourceId,
    data: Option<SourceId>,
    options: &CheckOptions,
    stop: &Stop,
) -> Result<Compiled, Failure> {
    let source = sources.text(main);
    // Every syntax error and every checker error at once; nothing is lowered after an error.
    let (parsed, checked) = check_text(source, options).into_result()?;
    let mut program = checked.program;
    let mut warnings = checked.warnings;
    if let Some(data) = data {
        let examples = load_examples(&program, sources.text(data), data, sources.name(data), &options.limits)?;
        program.examples.extend(examples);
    }
    let contradictions = contradictions(&program);
    if !contradictions.is_empty() {
        // Without failing examples allowed each pair is an error; with them, the pairs are
        // warnings unless they alone need more examples given up than allowed.
        if options.max_violations == 0 {
            return Err(Failure::Errors(contradictions.errors(&program)));
        }
        if let Some(error) = contradictions.too_many(&program, options.max_violations) {
            return Err(Failure::Errors(vec![error]));
        }
        warnings.extend(contradictions.warnings(&program));
    }
    stop.check().map_err(Failure::Stopped)?;
    let lowered = lower(&program, &options.limits, stop)?;
    warnings.extend(lowered.warnings);
    if lowered.graph.has_reals() {
        let tape = Tape::new(&lowered.graph, &options.limits).map_err(|d| Failure::Errors(vec![d]))?;
        let errors = non_finite_reals(&program, &lowered.graph, tape, options.limits.max_unroll);
        if !errors.is_empty() {
            return Err(Failure::Errors(errors));
        }
    }
    Ok(Compiled {
        sources: sources.clone(),
        main,
        data,
        parsed,
        program,
        graph: lowered.graph,
        warnings,
        contradictions,
        limits: options.limits.clone(),
    })
}

/// A division of reals by zero (or an overflow) that happens in an example whatever the
/// params is an error of the program or its examples, as an integer division by zero is: one
/// error per statement, in the first example where it happens, worded by the interpreter.
fn non_finite_reals(
    program: &Program,
    graph: &tpt_graph::graph::Graph,
    mut tape: Tape,
    max_steps: u64,
) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for (divisor, example) in tape.divisors_zero_regardless(graph) {
        let span = graph.real_divisors[divisor].1;
        if !reported.insert(span) {
            continue;
        }
        let data = &program.examples[example];
        let mut diagnostic = Diagnostic::error(format!("{}: division by zero, whatever the params", data.label))
            .with_label(span, "this is 0")
            .with_help("guard the division, e.g. `if d != 0.0 { x / d } else { 0.0 }`");
        if !data.span.is_empty() {
            diagnostic = diagnostic.with_label_in(data.source, data.span, "in this example", false);
        }
        errors.push(diagnostic);
    }
    if !errors.is_empty() {
        return errors;
    }
    let values = tpt_core::verify::param_values(program, &graph.layout, &vec![0; graph.params.len()]);
    for (observation, example) in tape.finite_checks_failing_regardless(graph) {
        let span = graph.observations[observation].span;
        if !reported.insert(span) {
            continue;
        }
        let data = &program.examples[example];
        let outcome = tpt_core::interp::run_example(program, &values, data, max_steps);
        let error = outcome.failures.iter().find_map(|failure| match failure {
            tpt_core::interp::Failure::Error(
                error
                @ (tpt_core::eval::EvalError::DivisionByZero { .. } | tpt_core::eval::EvalError::NotFinite { .. }),
            ) => Some(error.clone()),
            _ => None,
        });
        let mut diagnostic = match error {
            Some(error) => tpt_core::eval::eval_error_diagnostic(program, &error, ""),
            None => Diagnostic::error("a real value is not a finite number")
                .with_label(span, "in this statement")
                .with_help("guard the operation, e.g. `if d != 0.0 { x / d } else { 0.0 }`"),
        };
        if !data.span.is_empty() {
            diagnostic = diagnostic.with_label_in(data.source, data.span, "in this example", false);
        }
        diagnostic.message.prepend(&format!("{}: ", data.label));
        diagnostic.message.append(", whatever the params");
        errors.push(diagnostic);
    }
    errors
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
    /// After a program is found, check whether the examples pin its behaviour down (and, with
    /// `programs` > 1, list programs that behave differently): `None` turns the check off.
    pub distinguish: Option<DistinguishConfig>,
    /// Counterexample-guided synthesis (`--cegis`): search on the examples the candidates
    /// fail, starting from one, instead of on all of them. `None`: off. With `sat` it is the
    /// back end's own `cegis=true`.
    pub cegis: Option<CegisMode>,
}

/// The back end used when none is named (docs/backends.md says why).
pub const DEFAULT_BACKEND: &str = "auto";

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
            distinguish: Some(DistinguishConfig::default()),
            cegis: None,
        }
    }
}

/// A search made ready to run: the back end found and its options resolved, the program
/// admitted by it, the forward/backward tape built. One `Search` runs many times (with
/// different seeds) without building anything again.
pub struct Search {
    compiled: Arc<Compiled>,
    config: SearchConfig,
    backend: &'static BackendInfo,
    options: Options,
    /// The options of the real-param stage (`--opt real-*`).
    real_stage: RealStage,
    tape: Tape,
    /// Why another back end runs in place of the one named (`Reals::Substitute`).
    substitution: Option<Diagnostic>,
}

impl Search {
    /// Everything that can be wrong with the settings is reported here, before any search.
    pub fn new(compiled: &Arc<Compiled>, config: &SearchConfig) -> Result<Self, Diagnostic> {
        let named = backend(&config.backend).ok_or_else(|| unknown_backend(&config.backend))?;
        // `real-*` keys belong to the real-param stage, which runs beside any back end.
        type Keys = Vec<(String, String)>;
        let (real_keys, mut backend_keys): (Keys, Keys) =
            config.options.iter().cloned().partition(|(key, _)| key.starts_with(REAL_PREFIX));
        let (backend, substitution) = substitute_for_reals(compiled, named, &backend_keys)?;
        if let Some(mode) = config.cegis {
            cegis_admissible(backend, &mut backend_keys, mode, config.max_violations)?;
        }
        let options = resolve_options(backend, &backend_keys).map_err(Diagnostic::from)?;
        let real_stage = resolve_real_stage(&real_keys).map_err(Diagnostic::from)?;
        if let Some(refusal) = refuse_reals(compiled, backend) {
            return Err(refusal);
        }
        (backend.admissible)(&compiled.graph, &options).map_err(Diagnostic::error)?;
        // The program was compiled allowing more failing examples than this search does.
        if let Some(error) = compiled.contradictions.too_many(&compiled.program, config.max_violations) {
            return Err(error);
        }
        let mut tape = Tape::new(&compiled.graph, &compiled.limits)?;
        tape.set_loss(config.loss, 1e-6);
        Ok(Search {
            compiled: Arc::clone(compiled),
            config: config.clone(),
            backend,
            options,
            real_stage,
            tape,
            substitution,
        })
    }

    pub fn backend(&self) -> &'static BackendInfo {
        self.backend
    }

    /// The program it searches on.
    pub fn compiled(&self) -> &Arc<Compiled> {
        &self.compiled
    }

    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    /// Whether the back end is exact (answers at once, bounded by time only; no trajectory).
    pub fn is_exact(&self) -> bool {
        self.backend.capabilities.exact
    }

    /// Run the search with the configured seed.
    pub fn run(&self) -> Synthesis {
        self.run_with_seed(self.config.seed)
    }

    /// Run the search with another seed (a benchmark's independent runs).
    pub fn run_with_seed(&self, seed: u64) -> Synthesis {
        let compiled = &*self.compiled;
        let verifier = Verifier::new(&compiled.program, &compiled.graph.layout, compiled.limits.max_unroll)
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
            real_stage: Some(self.real_stage.clone()),
            // The run loop leaves an exact back end to itself: `sat` runs its own
            // counterexample-guided search (`cegis_admissible` set its option).
            cegis: self.config.cegis,
        };
        let started = Instant::now();
        let report =
            solve(&compiled.graph, &self.tape, &run, &|assignment, reals| verifier.check_with_reals(assignment, reals));
        let distinction = match (&self.config.distinguish, report.verified()) {
            (Some(config), Some(found)) => {
                // The check keeps to the run's `--timeout`, counted from the start of the search.
                let deadline = self.config.timeout.map(|t| started + t);
                Some((
                    distinguish(&compiled.graph, &verifier, found, config, &self.config.interrupt, deadline),
                    config.programs,
                ))
            }
            _ => None,
        };
        let mut synthesis = Synthesis::new(Arc::clone(&self.compiled), self.backend.name, seed, report);
        if let Some(note) = &self.substitution {
            synthesis = synthesis.with_note(note.clone());
        }
        match distinction {
            Some((distinction, asked)) => synthesis.with_distinction(distinction, asked),
            None => synthesis,
        }
    }

    /// The tape, for analyses of a result (which params matter).
    pub fn tape(&self) -> &Tape {
        &self.tape
    }
}

/// Whether `--cegis` works with the back end and the other settings. Every back end that
/// improves a candidate runs counterexample-guided in the run loop (`solve::cegis`); an exact
/// back end with a counterexample-guided search of its own (a `cegis` option: `sat`, and
/// `auto`'s solver half) has `--cegis` turn it on (added to `keys`); the other exact back ends
/// have none. An allowance of failing examples (`--max-violations`) counts failures over every
/// example, which a search on some of them cannot, so the two are refused together.
fn cegis_admissible(
    backend: &BackendInfo,
    keys: &mut Vec<(String, String)>,
    mode: CegisMode,
    max_violations: usize,
) -> Result<(), Diagnostic> {
    if max_violations > 0 {
        let message =
            Text::from(Setting::Cegis.mention()) + " and " + Setting::MaxViolations.mention() + " do not combine";
        return Err(Diagnostic::error(message)
            .with_help("a counterexample-guided search adds the examples a candidate fails, so it cannot tell which examples may fail; drop one of the two"));
    }
    let name = backend.name;
    match backend.capabilities.cegis {
        Cegis::Rounds => Ok(()),
        Cegis::Unsupported => Err(Diagnostic::error(
            Text::from(Setting::Cegis.mention()) + format!(" does not work with the exact back end `{name}`"),
        )
            .with_help("counterexample-guided synthesis runs with `sat`, `auto` and every back end that improves a candidate (`gradsearch-la`, `local-search`, `fmgd`, ..)")),
        // Such a search adds one counterexample at a time, which is what `first` asks for.
        Cegis::Own => {
            if keys.iter().any(|(key, value)| key == "cegis" && value != "true") {
                return Err(Diagnostic::error(
                    Text::from(Setting::Cegis.mention())
                        + format!(" turns on `{name}`'s `cegis` option, which ")
                        + Setting::BackendOption { key: "cegis".to_string() }.given(false)
                        + " turns off",
                )
                .with_help("drop one of the two"));
            }
            if mode == CegisMode::All {
                return Err(Diagnostic::error(
                    Text::from(format!("`{name}` adds one counterexample at a time; "))
                        + Setting::Cegis.given("all")
                        + " is for the back ends that improve a candidate",
                )
                .with_help(
                    Text::from("use ")
                        + Setting::Cegis.mention()
                        + " (or "
                        + Setting::Cegis.given("first")
                        + format!(") with `{name}`"),
                ));
            }
            if !keys.iter().any(|(key, _)| key == "cegis") {
                keys.push(("cegis".to_string(), "true".to_string()));
            }
            Ok(())
        }
    }
}

/// The back end that runs for `named` on this program: its substitute (`Reals::Substitute`) when the
/// program has reals, with a note that says so (an error if options were given for the one
/// named, which do not apply to the substitute).
fn substitute_for_reals(
    compiled: &Compiled,
    named: &'static BackendInfo,
    keys: &[(String, String)],
) -> Result<(&'static BackendInfo, Option<Diagnostic>), Diagnostic> {
    let Some(substitute) = named.substitute_for_reals().filter(|_| compiled.graph.has_reals()) else {
        return Ok((named, None));
    };
    let (span, what) = first_real(compiled);
    if let Some((key, _)) = keys.first() {
        return Err(Diagnostic::error(
            Text::from(Setting::BackendOption { key: key.clone() }.mention())
                + format!(
                    " is an option of `{}`, which runs `{}` alone on a program with reals",
                    named.name, substitute.name
                ),
        )
        .with_label(span, what)
        .with_help(Text::from("name ") + Setting::Backend.given(substitute.name) + " to give it options"));
    }
    let note = Diagnostic::note(format!(
        "`{}` ran its gradient half, `{}`, alone, beside the real-param stage: its solver half encodes finite domains only",
        named.name, substitute.name
    ))
    .with_label(span, what);
    Ok((substitute, Some(note)))
}

/// Where the program's reals show: its first real param, or else the first real declaration
/// (with words for a label).
fn first_real(compiled: &Compiled) -> (Span, String) {
    let program = &compiled.program;
    match compiled.graph.real_params.first() {
        Some(param) => (param.span, format!("`{}` is a real param", program.arrays[param.array].name)),
        None => {
            let first = program.arrays.iter().find(|a| a.real).map(|a| (a.span, a.name.clone()));
            let (span, name) = first.unwrap_or_default();
            (span, format!("`{name}` is real"))
        }
    }
}

/// The error of an exact back end on a program with reals: the exact encodings are of finite
/// domains (docs/backends.md says why `smt` does not encode reals either). The error points
/// at the first real param, or else at the first real declaration the graph uses.
pub fn refuse_reals(compiled: &Compiled, backend: &BackendInfo) -> Option<Diagnostic> {
    if !compiled.graph.has_reals() || backend.capabilities.reals != Reals::Refused {
        return None;
    }
    reals_refusal(
        compiled,
        &format!("the exact back end `{}` works on finite domains, and this program has reals", backend.name),
        "the exact back ends (`sat`, `smt`, `exhaustive`) encode finite domains only; search with one that is not (`gradsearch-la`, `fmgd`, `local-search`, ..; the default `auto` runs `gradsearch-la` here), beside which the real params follow Adam",
    )
}

/// An error with `message` and `help` pointing at the first real param (or else the first
/// real declaration) when the program has reals, which the exact encodings (the back ends'
/// and `tpt emit`'s) cannot hold; `None` without reals.
pub fn reals_refusal(compiled: &Compiled, message: &str, help: &str) -> Option<Diagnostic> {
    if !compiled.graph.has_reals() {
        return None;
    }
    let (span, what) = first_real(compiled);
    Some(Diagnostic::error(message).with_label(span, what).with_help(help))
}

/// Find the params of a compiled sketch: `Search::new(..)?.run()`.
pub fn synthesize(compiled: &Arc<Compiled>, config: &SearchConfig) -> Result<Synthesis, Diagnostic> {
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
