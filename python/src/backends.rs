//! The registry of back ends -> `tpt.backends()`: each back end with its options, their
//! kinds (types and ranges) and defaults.

use pyo3::prelude::*;
use pyo3::types::PyAny;
use serde_json::Value;

use tpt_driver::pipeline::DEFAULT_BACKEND;
use tpt_driver::registry;

/// A back end's hyperparameter, as `Sketch.synth(options={key: value})` takes it.
#[pyclass(frozen, get_all, module = "tpt")]
pub struct BackendOption {
    pub key: String,
    /// The values it takes, in words: `number in [0, 1]`, `integer >= 1`, `true or false`,
    /// `one of a, b`.
    pub kind: String,
    pub help: String,
    /// Its default: an int, a float, a bool or a string.
    pub default: Py<PyAny>,
}

#[pymethods]
impl BackendOption {
    fn __repr__(&self) -> String {
        format!("<tpt.BackendOption {} ({})>", self.key, self.kind)
    }
}

/// A back end (`Sketch.synth(backend=name)`).
#[pyclass(frozen, get_all, module = "tpt")]
pub struct Backend {
    pub name: String,
    pub summary: String,
    /// Exact back ends answer at once (a program, or a proof that none exists) and are bounded
    /// by time, not steps.
    pub exact: bool,
    /// Whether `synth` uses it when none is named.
    pub default: bool,
    pub options: Vec<Py<BackendOption>>,
}

#[pymethods]
impl Backend {
    fn __repr__(&self) -> String {
        format!("<tpt.Backend {}>", self.name)
    }
}

fn python_value(py: Python<'_>, value: Option<&Value>) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Some(Value::Bool(flag)) => flag.into_pyobject(py)?.to_owned().into_any().unbind(),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(int) => int.into_pyobject(py)?.into_any().unbind(),
            None => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any().unbind(),
        },
        Some(Value::String(text)) => text.into_pyobject(py)?.into_any().unbind(),
        _ => py.None(),
    })
}

/// Every back end, in the order `tpt backends` lists them.
#[pyfunction]
pub fn backends(py: Python<'_>) -> PyResult<Vec<Backend>> {
    registry()
        .into_iter()
        .map(|info| {
            let defaults = (info.defaults)();
            let options = info
                .options
                .iter()
                .map(|option| {
                    let default = python_value(py, defaults.get(option.key))?;
                    Py::new(
                        py,
                        BackendOption {
                            key: option.key.to_string(),
                            kind: option.kind.describe(),
                            help: option.help.to_string(),
                            default,
                        },
                    )
                })
                .collect::<PyResult<Vec<_>>>()?;
            Ok(Backend {
                name: info.name.to_string(),
                summary: info.summary.to_string(),
                exact: info.capabilities.exact,
                default: info.name == DEFAULT_BACKEND,
                options,
            })
        })
        .collect()
}
