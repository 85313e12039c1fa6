//! A search's `Synthesis` -> the Python `tpt.Result`: status, params, printed program,
//! statistics, diagnostics, and `run(inputs)`, the found program on a new input through the
//! exact interpreter.

use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use tpt::ast::DeclKind;
use tpt::examples::json::inputs_example;
use tpt::interp::run_example;
use tpt::pipeline::Compiled;
use tpt::result::{describe_status, failure_diagnostics, PrintForm, Synthesis};
use tpt::solve::Status;

use crate::convert;
use crate::errors::{self, RunError, SketchError};

/// The name messages give the inputs passed to `Result.run`.
const INPUT_NAME: &str = "input";

/// What a search produced.
#[pyclass(frozen, name = "Result", module = "tpt")]
pub struct SynthResult {
    compiled: Arc<Compiled>,
    synthesis: Synthesis,
}

impl SynthResult {
    pub fn new(compiled: Arc<Compiled>, synthesis: Synthesis) -> Self {
        SynthResult { compiled, synthesis }
    }
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
        let Some(values) = self.synthesis.values(&self.compiled) else { return Ok(None) };
        let dict = PyDict::new(py);
        for (id, array) in self.compiled.program.params() {
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
        self.synthesis.printed(&self.compiled, PrintForm::Program)
    }

    /// The original sketch with the param declarations bound (like `tpt synth --print sketch`).
    #[getter]
    fn sketch(&self) -> Option<String> {
        self.synthesis.printed(&self.compiled, PrintForm::Sketch)
    }

    /// What the command line prints beside the program: the warnings about the program that
    /// was searched (with the examples given to `synth`), the synthesized params and what the
    /// examples leave open; or why nothing was found and what the best candidate violates.
    #[getter]
    fn diagnostics(&self) -> Vec<errors::Diagnostic> {
        let mut diagnostics = self.compiled.warnings.clone();
        diagnostics.extend(self.synthesis.diagnostics(&self.compiled));
        errors::convert(&diagnostics, &self.compiled.sources)
    }

    /// One line: how the search ended, by which back end, with which seed, how long it took.
    #[getter]
    fn summary(&self) -> String {
        self.synthesis.summary(self.compiled.sources.name(self.compiled.main))
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
        let (program, sources) = (&self.compiled.program, &self.compiled.sources);
        let example = inputs_example(program, &inputs, INPUT_NAME)
            .map_err(|diagnostics| errors::raise::<SketchError>(py, &diagnostics, sources))?;
        let max_steps = self.compiled.limits.max_unroll;
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
