//! The library's diagnostics -> Python: `tpt.Diagnostic` values and the exceptions that carry
//! them (`SketchError`, `RunError`, `InternalError`), whose message is the rendered text; every
//! text is worded with [`PythonWording`], which names settings as keyword arguments.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::PyTypeInfo;

use tpt_source::diagnostics::{render_to_string, Severity, SourceMap};

use crate::wording::PythonWording;

create_exception!(
    tpt,
    SketchError,
    PyException,
    "A sketch, its settings or its examples are wrong. The message is the rendered diagnostics \
     (laid out as the command line prints them, settings named as this package's keyword \
     arguments); `diagnostics` holds them one by one."
);
create_exception!(
    tpt,
    RunError,
    SketchError,
    "The program failed on the given input: an `observe` does not hold, or a value left its \
     domain. `outputs` holds what it computed."
);
create_exception!(
    tpt,
    InternalError,
    PyRuntimeError,
    "A bug in tpt: the lowered graph accepted a candidate that the exact interpreter rejects. \
     No result is given; please report it with the program."
);

/// One problem or remark, with where it points.
#[pyclass(frozen, get_all, module = "tpt")]
#[derive(Clone)]
pub struct Diagnostic {
    /// `"error"`, `"warning"` or `"note"`.
    pub severity: String,
    pub message: String,
    /// The file the main label points into (the sketch's `path`, or `<examples>`), if any.
    pub file: Option<String>,
    /// 1-based line and column (in characters) of the main label, if any.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// What to do about it, if the diagnostic says.
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// The whole diagnostic laid out as the command line prints it (without colour), its
    /// settings named as this package's keyword arguments.
    pub rendered: String,
}

#[pymethods]
impl Diagnostic {
    fn __str__(&self) -> String {
        self.rendered.clone()
    }

    fn __repr__(&self) -> String {
        let place = match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(column)) => format!(" at {file}:{line}:{column}"),
            _ => String::new(),
        };
        format!("<tpt.Diagnostic {}{place}: {:?}>", self.severity, self.message)
    }
}

/// The Python form of each of `diagnostics`, whose labels point into `sources`.
pub fn convert(diagnostics: &[tpt_source::diagnostics::Diagnostic], sources: &SourceMap) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let location = diagnostic.location(sources);
            Diagnostic {
                severity: match diagnostic.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "note",
                }
                .to_string(),
                message: diagnostic.message.worded(&PythonWording),
                file: location.as_ref().map(|l| l.file.clone()),
                line: location.as_ref().map(|l| l.line),
                column: location.as_ref().map(|l| l.column),
                help: (!diagnostic.help.is_empty()).then(|| {
                    diagnostic.help.iter().map(|help| help.worded(&PythonWording)).collect::<Vec<_>>().join("\n")
                }),
                notes: diagnostic.notes.iter().map(|note| note.worded(&PythonWording)).collect(),
                rendered: render_to_string(std::slice::from_ref(diagnostic), sources, &PythonWording),
            }
        })
        .collect()
}

/// An exception of type `E` whose message is the rendered `diagnostics` and whose
/// `diagnostics` attribute holds them.
pub fn raise<E: PyTypeInfo>(
    py: Python<'_>,
    diagnostics: &[tpt_source::diagnostics::Diagnostic],
    sources: &SourceMap,
) -> PyErr {
    let rendered = render_to_string(diagnostics, sources, &PythonWording);
    let error = PyErr::from_type(E::type_object(py), rendered.trim_end().to_string());
    // Setting an attribute on a fresh exception instance cannot fail.
    let _ = error.value(py).setattr("diagnostics", convert(diagnostics, sources));
    error
}
