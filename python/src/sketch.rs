//! `tpt.compile(source)` -> a `Sketch`; `Sketch.synth(...)` and `Sketch.synth_all(n, ...)` ->
//! a `Result`, the search run on a thread of its own while the calling thread, without the
//! GIL, watches for Ctrl-C.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use pyo3::exceptions::{PyKeyboardInterrupt, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString, PyTuple};
use pyo3::IntoPyObjectExt;

use tpt_driver::distinguish::{DistinguishConfig, DEFAULT_CONFLICTS};
use tpt_driver::pipeline::{
    compile as compile_sources, Compiled, Search, SearchConfig, DEFAULT_BACKEND, DEFAULT_MAX_STEPS,
};
use tpt_driver::{data_file_text, CegisMode, CheckOptions, DeclKind, LossKind, Status};
use tpt_source::diagnostics::SourceMap;

use crate::convert;
use crate::errors::{self, InternalError, SketchError};
use crate::result::SynthResult;

/// The name diagnostics give a sketch compiled without a `path`.
const DEFAULT_PATH: &str = "<sketch>";
/// The name diagnostics give the examples passed to `synth`.
const EXAMPLES_NAME: &str = "<examples>";

/// A compiled sketch: checked, its examples expanded, lowered to the graph the back ends search.
#[pyclass(frozen, module = "tpt")]
pub struct Sketch {
    compiled: Arc<Compiled>,
    options: CheckOptions,
}

/// Compile a sketch from its source text. With `max_violations` > 0 (the default of the
/// sketch's searches), examples that contradict each other are warnings rather than errors,
/// unless they alone need more examples given up.
#[pyfunction]
#[pyo3(signature = (source, *, set = None, path = None, max_violations = 0))]
pub fn compile(
    py: Python<'_>,
    source: &str,
    set: Option<&Bound<'_, PyDict>>,
    path: Option<String>,
    max_violations: usize,
) -> PyResult<Sketch> {
    let mut overrides = Vec::new();
    for (name, value) in set.into_iter().flat_map(|dict| dict.iter()) {
        let name: String = name.extract().map_err(|_| PyTypeError::new_err("set: the keys are constant names"))?;
        if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
            return Err(PyTypeError::new_err(format!(
                "set[{name:?}]: a constant is an integer, not a value of type `{}`",
                value.get_type().name()?
            )));
        }
        overrides.push((name, value.extract::<i64>()?));
    }
    let options = CheckOptions { overrides, max_violations, ..CheckOptions::default() };
    let mut sources = SourceMap::new();
    let main = sources.add(path.unwrap_or_else(|| DEFAULT_PATH.to_string()), source);
    let compiled = py
        .detach(|| compile_sources(&sources, main, None, &options))
        .map_err(|diagnostics| errors::raise::<SketchError>(py, &diagnostics, &sources))?;
    Ok(Sketch { compiled: Arc::new(compiled), options })
}

/// The settings `synth` and `synth_all` share, as given.
struct Settings<'a, 'py> {
    backend: String,
    seed: u64,
    max_steps: u64,
    timeout: Option<f64>,
    restarts: usize,
    options: Option<&'a Bound<'py, PyDict>>,
    loss: &'a str,
    max_violations: usize,
    /// Whether to check that the examples pin the behaviour down, and how many programs to
    /// list (1 for `synth`); `None` turns the check off.
    distinguish: Option<usize>,
    distinguish_conflicts: u32,
    /// `cegis` as given: `None`, `False`, `True`, `"first"` or `"all"`.
    cegis: Option<&'a Bound<'py, PyAny>>,
}

/// The mode `cegis=` names: off (`None`, `False`), the back end's choice (`True`, as `--cegis`
/// alone), or `"first"` / `"all"` (as `--cegis=first|all`).
fn cegis_mode(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<CegisMode>> {
    let Some(value) = value.filter(|v| !v.is_none()) else { return Ok(None) };
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(flag.is_true().then_some(CegisMode::Default));
    }
    let text = value.cast::<PyString>().map(|t| t.to_string()).unwrap_or_default();
    match text.as_str() {
        "first" => Ok(Some(CegisMode::First)),
        "all" => Ok(Some(CegisMode::All)),
        _ => Err(PyValueError::new_err(format!(
            "cegis: give True, False, \"first\" or \"all\", not {}",
            value.repr().map(|r| r.to_string()).unwrap_or_default()
        ))),
    }
}

/// The search settings `synth` was given, checked.
fn search_config(settings: Settings<'_, '_>) -> PyResult<SearchConfig> {
    let Settings { backend, seed, max_steps, timeout, restarts, options, loss, .. } = settings;
    if restarts == 0 {
        return Err(PyValueError::new_err("restarts: a search needs at least one restart"));
    }
    let timeout = match timeout {
        None => None,
        Some(t) if t.is_finite() && t >= 0.0 => Some(Duration::from_secs_f64(t.min(1e9))),
        Some(t) => return Err(PyValueError::new_err(format!("timeout: {t} is not a non-negative number of seconds"))),
    };
    let loss = match loss {
        "ce" => LossKind::CrossEntropy,
        "mse" => LossKind::SquaredError,
        other => return Err(PyValueError::new_err(format!("loss: {other:?} is not \"ce\" or \"mse\""))),
    };
    let mut texts = Vec::new();
    for (key, value) in options.into_iter().flat_map(|dict| dict.iter()) {
        let key: String = key.extract().map_err(|_| PyTypeError::new_err("options: the keys are option names"))?;
        // The value's text is read by the type the back end declares for the option, as on
        // the command line.
        let text = if let Ok(flag) = value.cast::<PyBool>() {
            flag.is_true().to_string()
        } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
            value.str()?.to_string()
        } else if let Ok(text) = value.cast::<PyString>() {
            text.to_string()
        } else {
            return Err(PyTypeError::new_err(format!(
                "options[{key:?}]: give a number, a bool or a string, not a value of type `{}`",
                value.get_type().name()?
            )));
        };
        texts.push((key, text));
    }
    // The check of whether the examples pin the behaviour down runs by default, as on the
    // command line, with the same conflict budget.
    let distinguish =
        settings.distinguish.map(|programs| DistinguishConfig { conflicts: settings.distinguish_conflicts, programs });
    Ok(SearchConfig {
        backend,
        options: texts,
        max_steps,
        timeout,
        restarts,
        seed,
        loss,
        max_violations: settings.max_violations,
        distinguish,
        cegis: cegis_mode(settings.cegis)?,
        ..SearchConfig::default()
    })
}

#[pymethods]
impl Sketch {
    /// Search for the params. Returns a `Result`; raises `SketchError` for a wrong setting or
    /// wrong examples (before any search), `KeyboardInterrupt` on Ctrl-C (with the result so
    /// far as its `result` attribute) and `InternalError` for a bug in tpt.
    #[pyo3(signature = (
        *,
        backend = DEFAULT_BACKEND.to_string(),
        seed = 0,
        max_steps = DEFAULT_MAX_STEPS,
        timeout = None,
        restarts = 1,
        examples = None,
        options = None,
        loss = "ce",
        max_violations = None,
        distinguish = true,
        distinguish_conflicts = DEFAULT_CONFLICTS,
        cegis = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn synth(
        &self,
        py: Python<'_>,
        backend: String,
        seed: u64,
        max_steps: u64,
        timeout: Option<f64>,
        restarts: usize,
        examples: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
        loss: &str,
        max_violations: Option<usize>,
        distinguish: bool,
        distinguish_conflicts: u32,
        cegis: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SynthResult> {
        let settings = Settings {
            backend,
            seed,
            max_steps,
            timeout,
            restarts,
            options,
            loss,
            max_violations: max_violations.unwrap_or(self.options.max_violations),
            distinguish: distinguish.then_some(1),
            distinguish_conflicts,
            cegis,
        };
        self.search(py, settings, examples, SynthResult::new)
    }

    /// Search for the params, then list up to `n` programs that fit the examples and behave
    /// differently from each other (`tpt synth --all N`): the result's `programs` and whether
    /// the list is `complete`. The settings and errors are those of `synth`.
    #[pyo3(signature = (
        n,
        *,
        backend = DEFAULT_BACKEND.to_string(),
        seed = 0,
        max_steps = DEFAULT_MAX_STEPS,
        timeout = None,
        restarts = 1,
        examples = None,
        options = None,
        loss = "ce",
        max_violations = None,
        distinguish_conflicts = DEFAULT_CONFLICTS,
        cegis = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn synth_all(
        &self,
        py: Python<'_>,
        n: usize,
        backend: String,
        seed: u64,
        max_steps: u64,
        timeout: Option<f64>,
        restarts: usize,
        examples: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
        loss: &str,
        max_violations: Option<usize>,
        distinguish_conflicts: u32,
        cegis: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SynthResult> {
        if n == 0 {
            return Err(PyValueError::new_err("n: synth_all lists at least one program"));
        }
        let settings = Settings {
            backend,
            seed,
            max_steps,
            timeout,
            restarts,
            options,
            loss,
            max_violations: max_violations.unwrap_or(self.options.max_violations),
            distinguish: Some(n),
            distinguish_conflicts,
            cegis,
        };
        self.search(py, settings, examples, SynthResult::listing)
    }

    /// The name diagnostics give the sketch.
    #[getter]
    fn path(&self) -> String {
        self.compiled.sources.name(self.compiled.main).to_string()
    }

    /// The source text.
    #[getter]
    fn source(&self) -> String {
        self.compiled.source().to_string()
    }

    /// The warnings found while compiling (e.g. a param no example can depend on).
    #[getter]
    fn warnings(&self) -> Vec<errors::Diagnostic> {
        errors::convert(&self.compiled.warnings, &self.compiled.sources)
    }

    /// The params: name -> (shape, domain size); the shape is `()` for a single value, and the
    /// domain of a real param is `"real"`.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.declared(py, DeclKind::Param)
    }

    /// The inputs: name -> (shape, domain size, or `"real"`).
    #[getter]
    fn inputs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.declared(py, DeclKind::Input)
    }

    /// The outputs: name -> (shape, domain size, or `"real"`).
    #[getter]
    fn outputs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.declared(py, DeclKind::Output)
    }

    /// How many examples the sketch's searches allow to fail unless `synth` says otherwise
    /// (`compile(..., max_violations=N)`).
    #[getter]
    fn max_violations(&self) -> usize {
        self.options.max_violations
    }

    /// The number of examples the sketch itself gives.
    #[getter]
    fn num_examples(&self) -> usize {
        self.compiled.program.examples.len()
    }

    fn __repr__(&self) -> String {
        let (unknowns, bits) = self.compiled.program.search_space();
        format!("<tpt.Sketch {:?}: {unknowns} unknown param elements, 2^{bits:.1} candidates>", self.path())
    }
}

impl Sketch {
    /// Run a search with `settings` (and `examples` added to the sketch's own) and make its
    /// result with `make`. An interrupted search raises `KeyboardInterrupt` with the result
    /// attached.
    fn search(
        &self,
        py: Python<'_>,
        settings: Settings<'_, '_>,
        examples: Option<&Bound<'_, PyAny>>,
        make: fn(CheckOptions, tpt_driver::result::Synthesis) -> SynthResult,
    ) -> PyResult<SynthResult> {
        let mut config = search_config(settings)?;
        let (compiled, options) = match examples {
            // The examples added are compiled allowing as many failures as this search does.
            Some(examples) => {
                let options = CheckOptions { max_violations: config.max_violations, ..self.options.clone() };
                (Arc::new(self.with_examples(py, convert::examples(examples)?, &options)?), options)
            }
            None => (Arc::clone(&self.compiled), self.options.clone()),
        };
        let interrupt = Arc::new(AtomicBool::new(false));
        config.interrupt = Arc::clone(&interrupt);
        // Building the search (the tape) can take a while on a large graph, so it is done
        // without the GIL too.
        let (synthesis, signal) = py
            .detach(|| Search::new(&compiled, &config).map(|search| run_watching_signals(&search, &interrupt)))
            .map_err(|d| errors::raise::<SketchError>(py, &[d], &compiled.sources))?;
        if synthesis.status() == Status::InternalError {
            let diagnostics = synthesis.diagnostics();
            return Err(errors::raise::<InternalError>(py, &diagnostics, &compiled.sources));
        }
        let result = make(options, synthesis);
        match signal {
            None => Ok(result),
            Some(error) => {
                // The result so far (its best candidate, if the back end has one) rides on the
                // exception, so that a long search stopped by hand is not lost.
                if error.is_instance_of::<PyKeyboardInterrupt>(py) {
                    error.value(py).setattr("result", Py::new(py, result)?)?;
                }
                Err(error)
            }
        }
    }

    fn declared<'py>(&self, py: Python<'py>, kind: DeclKind) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for array in self.compiled.program.arrays.iter().filter(|a| a.kind == kind) {
            // A real array has no finite domain: it reads `"real"`, as it is declared.
            let domain = if array.real { "real".into_bound_py_any(py)? } else { array.domain.into_bound_py_any(py)? };
            dict.set_item(&array.name, (PyTuple::new(py, &array.dims)?, domain))?;
        }
        Ok(dict)
    }

    /// The sketch compiled again with `options` (those of a search, which may allow failing
    /// examples) and `examples` appended to its own, read as a data file named `<examples>`
    /// with one example per line (the same checks and messages as `--data`).
    fn with_examples(
        &self,
        py: Python<'_>,
        examples: Vec<serde_json::Value>,
        options: &CheckOptions,
    ) -> PyResult<Compiled> {
        let mut sources = SourceMap::new();
        let main = sources.add(self.compiled.sources.name(self.compiled.main), self.compiled.source());
        let data = sources.add(EXAMPLES_NAME, data_file_text(&examples));
        py.detach(|| compile_sources(&sources, main, Some(data), options))
            .map_err(|diagnostics| errors::raise::<SketchError>(py, &diagnostics, &sources))
    }
}

/// How often the waiting thread looks for a signal while the search runs.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Run the search on a thread of its own; this thread (the caller's, without the GIL) takes
/// the GIL every `SIGNAL_POLL` to run Python's signal handlers. When one raises (Ctrl-C's
/// `KeyboardInterrupt`), the search is told to stop and its result is returned with the error.
fn run_watching_signals(search: &Search, interrupt: &AtomicBool) -> (tpt_driver::result::Synthesis, Option<PyErr>) {
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::channel();
        let worker = scope.spawn(move || {
            let synthesis = search.run();
            let _ = done.send(());
            synthesis
        });
        let mut signal = None;
        while let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(SIGNAL_POLL) {
            if signal.is_none() {
                if let Err(error) = Python::attach(|py| py.check_signals()) {
                    interrupt.store(true, Ordering::Relaxed);
                    signal = Some(error);
                }
            }
        }
        match worker.join() {
            Ok(synthesis) => (synthesis, signal),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
