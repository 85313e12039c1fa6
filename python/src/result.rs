//! A search's `Synthesis` -> the Python `tpt.Result`: status, params, printed program,
//! statistics, diagnostics, the cost and the examples given up, whether the examples pin the
//! behaviour down (with the distinguishing input), the programs `Sketch.synth_all` lists,
//! `run(inputs)`, the found program on a new input through the exact interpreter, and
//! pickling: the sources, the options and the result saved as data, compiled again and
//! checked again by the interpreter when unpickled.

use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde::{Deserialize, Serialize};

use tpt_driver::pipeline::{compile, Compiled};
use tpt_driver::result::{
    conflict_json, describe_status, failure_diagnostics, input_values, output_values, PrintForm, SavedSynthesis,
    Synthesis,
};
use tpt_driver::{inputs_example, run_example, ArrayInfo, CheckOptions, DeclKind, Status};
use tpt_source::diagnostics::{SourceId, SourceMap};

use crate::convert;
use crate::errors::{self, RunError, SketchError};

/// The name messages give the inputs passed to `Result.run`.
const INPUT_NAME: &str = "input";

/// What a search produced.
#[pyclass(frozen, name = "Result", module = "tpt")]
pub struct SynthResult {
    /// The options the sketch was compiled with, to compile it again when unpickled.
    options: CheckOptions,
    synthesis: Synthesis,
    /// Made by `Sketch.synth_all`, which lists the programs and says whether the list is
    /// complete (`programs` and `complete` are `None` otherwise).
    listing: bool,
}

impl SynthResult {
    pub fn new(options: CheckOptions, synthesis: Synthesis) -> Self {
        SynthResult { options, synthesis, listing: false }
    }

    /// The result of `Sketch.synth_all`.
    pub fn listing(options: CheckOptions, synthesis: Synthesis) -> Self {
        SynthResult { options, synthesis, listing: true }
    }

    /// The sketch the result was found for.
    fn compiled(&self) -> &Compiled {
        self.synthesis.compiled()
    }
}

/// What a pickled `Result` holds: enough to compile the sketch again and check the result
/// again.
#[derive(Serialize, Deserialize)]
struct PickledResult {
    sources: SourceMap,
    main: SourceId,
    data: Option<SourceId>,
    options: CheckOptions,
    synthesis: SavedSynthesis,
    listing: bool,
}

/// Unpickle a `Result` (what `Result.__reduce__` names): the sketch compiled again from the
/// saved sources and options, and the result checked again against it.
#[pyfunction]
pub fn _restore_result(py: Python<'_>, state: &[u8]) -> PyResult<SynthResult> {
    let refuse = |reason: String| PyValueError::new_err(format!("cannot unpickle a tpt.Result: {reason}"));
    let pickled: PickledResult = serde_json::from_slice(state).map_err(|e| refuse(e.to_string()))?;
    let PickledResult { sources, main, data, options, synthesis, listing } = pickled;
    let restored = py.detach(|| {
        let compiled =
            compile(&sources, main, data, &options).map_err(|_| "the saved sketch does not compile".to_string())?;
        Synthesis::restore(synthesis, &Arc::new(compiled)).map_err(|error| error.to_string())
    });
    let synthesis = restored.map_err(refuse)?;
    Ok(SynthResult { options, synthesis, listing })
}

/// Arrays by name with their values (row-major, `None` where unassigned), each an int or a
/// numpy array as `Result.run` gives outputs.
fn arrays_dict<'py>(py: Python<'py>, arrays: &[(&ArrayInfo, &[Option<i64>])]) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (array, values) in arrays {
        dict.set_item(&array.name, convert::output_value(py, values, &array.dims)?)?;
    }
    Ok(dict)
}

#[pymethods]
impl SynthResult {
    /// `"found"` (the exact interpreter confirmed the params on every example),
    /// `"not_found"` (the budget or the time ran out, or the back end gave up),
    /// `"impossible"` (an exact back end proved that no params satisfy the examples) or
    /// `"interrupted"`.
    #[getter]
    fn status(&self) -> &'static str {
        match self.synthesis.status() {
            Status::Found => "found",
            Status::Impossible => "impossible",
            Status::Interrupted => "interrupted",
            Status::StepBudget | Status::Timeout | Status::GaveUp | Status::InternalError => "not_found",
        }
    }

    /// How the search ended, in words (`"step budget exhausted"`, `"timed out"`, ...).
    #[getter]
    fn reason(&self) -> &'static str {
        describe_status(self.synthesis.status())
    }

    /// The back end that ran, and its seed.
    #[getter]
    fn backend(&self) -> &'static str {
        self.synthesis.backend
    }

    #[getter]
    fn seed(&self) -> u64 {
        self.synthesis.seed
    }

    /// Steps of the restart that produced the result.
    #[getter]
    fn steps(&self) -> u64 {
        self.synthesis.steps()
    }

    /// Wall-clock time of the search, in seconds.
    #[getter]
    fn seconds(&self) -> f64 {
        self.synthesis.seconds()
    }

    /// Every param's value (an int, or a numpy array of the param's shape): the verified ones
    /// when found, else the best candidate's; `None` when there is no candidate (an exact back
    /// end that did not answer).
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(values) = self.synthesis.values() else { return Ok(None) };
        let dict = PyDict::new(py);
        for (id, array) in self.compiled().program.params() {
            if array.real {
                dict.set_item(&array.name, convert::real_array_value(py, &values.reals[id], &array.dims)?)?;
                continue;
            }
            let values: Vec<i64> = values[id].iter().map(|&v| i64::from(v)).collect();
            dict.set_item(&array.name, convert::array_value(py, &values, &array.dims)?)?;
        }
        Ok(Some(dict))
    }

    /// The synthesized program as source (specialized to the params); a candidate that is not
    /// a solution is printed under a first line `// NOT A SOLUTION: ...`; `None` without a
    /// candidate.
    #[getter]
    fn program(&self) -> Option<String> {
        self.synthesis.printed(PrintForm::Program)
    }

    /// The original sketch with the param declarations bound (like `tpt synth --print sketch`).
    #[getter]
    fn sketch(&self) -> Option<String> {
        self.synthesis.printed(PrintForm::Sketch)
    }

    /// What the command line prints beside the program: the warnings about the program that
    /// was searched (with the examples given to `synth`), the synthesized params and what the
    /// examples leave open; or why nothing was found and what the best candidate violates.
    #[getter]
    fn diagnostics(&self) -> Vec<errors::Diagnostic> {
        let mut diagnostics = self.compiled().warnings.clone();
        diagnostics.extend(self.synthesis.diagnostics());
        errors::convert(&diagnostics, &self.compiled().sources)
    }

    /// With `synth(cegis=...)`: the examples the search ended on (indices, in the order they
    /// joined) and its rounds, as `{"examples": [...], "rounds": n}`; `None` without it (and
    /// for `sat`, whose counterexample-guided search is its own).
    #[getter]
    fn cegis<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(summary) = &self.synthesis.report().cegis else { return Ok(None) };
        let dict = PyDict::new(py);
        dict.set_item("examples", summary.examples.clone())?;
        dict.set_item("rounds", summary.rounds)?;
        Ok(Some(dict))
    }

    /// One line: how the search ended, by which back end, with which seed, how long it took.
    #[getter]
    fn summary(&self) -> String {
        self.synthesis.summary(self.compiled().sources.name(self.compiled().main))
    }

    /// The objective's value (the sum of the sketch's `minimize` terms) of the found program,
    /// computed by the exact interpreter; `None` when the sketch has no objective or nothing
    /// was found (`"cost"` of `tpt synth --json`).
    #[getter]
    fn cost(&self) -> Option<i64> {
        self.synthesis.cost()
    }

    /// Whether the found program is proven best: the lowest cost, and with `max_violations`
    /// the fewest examples given up (an exact back end's proof; a gradient back end's result
    /// is the best it found, `False`). `None` when the search did not optimize (no objective
    /// and `max_violations=0`) or nothing was found (`"optimal"` of `--json`).
    #[getter]
    fn optimal(&self) -> Option<bool> {
        self.synthesis.optimal()
    }

    /// The examples the found program fails, which `max_violations` allowed: a list of dicts
    /// with the example's `label`, `file`, `line` and `column`; empty when every example holds,
    /// `None` when nothing was found (`"violated_examples"` of `--json`).
    #[getter]
    fn violated_examples<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let (program, sources) = (&self.compiled().program, &self.compiled().sources);
        self.synthesis
            .violated_examples()
            .map(|v| convert::from_json(py, &conflict_json(program, sources, v)))
            .transpose()
    }

    /// How the check of whether the examples pin the behaviour down ended: `"pinned_down"`
    /// (proven: every program that fits them behaves alike on every input), `"distinguished"`
    /// (another program fits and behaves differently; see `distinguishing_input`),
    /// `"out_of_budget"`, `"interrupted"`, `"too_large"`, `"reals"` (not checked for sketches
    /// with reals), `"internal_error"`, or `"off"` (`distinguish=False`); `None` when nothing
    /// was found (`"distinguish_check"` of `--json`).
    #[getter]
    fn distinguish_check(&self) -> Option<&'static str> {
        self.synthesis.distinguish_check()
    }

    /// An input on which another program that fits every example (every example the found
    /// one satisfies, with `max_violations`) behaves differently, as the exact interpreter ran
    /// both: a dict with `inputs` (name -> int or numpy array), `outputs` (the found program's
    /// outputs there), `other_outputs` (the other program's) and `differing` (the observed
    /// output elements that differ, as `y` or `y[1]`); `None` when the check found none
    /// (`"distinguishing_input"` of `--json`).
    #[getter]
    fn distinguishing_input<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(input) = self.synthesis.distinguishing_input() else { return Ok(None) };
        let program = &self.compiled().program;
        let inputs = input_values(program, input);
        let inputs: Vec<(&ArrayInfo, &[Option<i64>])> = inputs.iter().map(|(a, v)| (*a, v.as_slice())).collect();
        let differing: Vec<String> =
            input.differing().iter().map(|&(array, flat)| program.arrays[array].element_name(flat)).collect();
        let dict = PyDict::new(py);
        dict.set_item("inputs", arrays_dict(py, &inputs)?)?;
        dict.set_item("outputs", arrays_dict(py, &output_values(program, &input.found))?)?;
        dict.set_item("other_outputs", arrays_dict(py, &output_values(program, &input.other))?)?;
        dict.set_item("differing", differing)?;
        Ok(Some(dict))
    }

    /// From `Sketch.synth_all`: the programs listed, each a `Result` (status `"found"`, its
    /// params, program and `run`), the found one first, each behaving differently from every
    /// one before it on some input; empty when nothing was found. `None` from `synth`.
    #[getter]
    fn programs(&self) -> Option<Vec<SynthResult>> {
        self.listing.then(|| {
            let listed = self.synthesis.listed();
            listed.into_iter().map(|synthesis| SynthResult::new(self.options.clone(), synthesis)).collect()
        })
    }

    /// From `Sketch.synth_all`: whether `programs` holds every behaviour there is (proven:
    /// no other program fits the examples and behaves differently from each one listed).
    /// `None` from `synth`.
    #[getter]
    fn complete(&self) -> Option<bool> {
        self.listing.then(|| self.synthesis.complete())
    }

    /// Run the found program on new inputs (name -> int, list or numpy array; every input in
    /// full) with the exact interpreter. Returns every output: an int or a numpy array, `None`
    /// (or masked elements) where the program leaves it unassigned. Raises `ValueError` when
    /// nothing was found, `SketchError` for wrong inputs, and `RunError` when an `observe`
    /// fails or a value leaves its domain.
    fn run<'py>(&self, py: Python<'py>, inputs: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let Some(verified) = self.synthesis.verified() else {
            return Err(PyValueError::new_err(format!(
                "there is no program to run: nothing was found ({})",
                describe_status(self.synthesis.status())
            )));
        };
        let Ok(inputs) = inputs.cast::<PyDict>() else {
            return Err(PyTypeError::new_err(format!(
                "inputs: give a dict of input names and values, not a value of type `{}`",
                inputs.get_type().name()?
            )));
        };
        let inputs = convert::object(inputs, "inputs", 0)?;
        let (program, sources) = (&self.compiled().program, &self.compiled().sources);
        let example = inputs_example(program, &inputs, INPUT_NAME)
            .map_err(|diagnostics| errors::raise::<SketchError>(py, &diagnostics, sources))?;
        let max_steps = self.compiled().limits.max_unroll;
        let outcome = py.detach(|| run_example(program, verified.values(), &example, max_steps));
        let outputs = PyDict::new(py);
        for (id, array) in program.arrays.iter().enumerate() {
            if array.kind == DeclKind::Output && array.real {
                let values: Vec<f64> = outcome.real_outputs[id].iter().map(|v| v.unwrap_or(f64::NAN)).collect();
                outputs.set_item(&array.name, convert::real_array_value(py, &values, &array.dims)?)?;
            } else if array.kind == DeclKind::Output {
                outputs.set_item(&array.name, convert::output_value(py, &outcome.outputs[id], &array.dims)?)?;
            }
        }
        if !outcome.passed() {
            let diagnostics = failure_diagnostics(program, &example, &outcome);
            let error = errors::raise::<RunError>(py, &diagnostics, sources);
            error.value(py).setattr("outputs", &outputs)?;
            return Err(error);
        }
        Ok(outputs)
    }

    /// Pickling: the sketch's sources and options and the result as data; unpickling compiles
    /// the sketch again and checks the params again with the exact interpreter.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let pickled = PickledResult {
            sources: self.compiled().sources.clone(),
            main: self.compiled().main,
            data: self.compiled().data,
            options: self.options.clone(),
            synthesis: self.synthesis.save(),
            listing: self.listing,
        };
        let state = serde_json::to_vec(&pickled).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let restore = py.import("tpt")?.getattr("_restore_result")?;
        Ok((restore, (PyBytes::new(py, &state),)))
    }

    fn __repr__(&self) -> String {
        format!(
            "<tpt.Result {} by {} (seed {}) in {} steps>",
            self.status(),
            self.synthesis.backend,
            self.synthesis.seed,
            self.synthesis.steps()
        )
    }
}
