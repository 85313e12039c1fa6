//! The `tpt` Python module: Python values -> the library's front door (`compile`,
//! `synthesize`, the exact interpreter) -> Python objects. Everything the command line checks
//! is checked here by the same library code, with the same messages.

mod backends;
mod convert;
mod errors;
mod result;
mod sketch;
mod wording;

use pyo3::prelude::*;

/// Program synthesis from sketches over finite domains: `compile` a sketch, `synth` its
/// params, `run` the found program.
#[pymodule]
#[pyo3(name = "tpt")]
fn tpt_module(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add_function(wrap_pyfunction!(sketch::compile, module)?)?;
    module.add_function(wrap_pyfunction!(backends::backends, module)?)?;
    module.add_function(wrap_pyfunction!(result::_restore_result, module)?)?;
    module.add_class::<sketch::Sketch>()?;
    module.add_class::<result::SynthResult>()?;
    module.add_class::<errors::Diagnostic>()?;
    module.add_class::<backends::Backend>()?;
    module.add_class::<backends::BackendOption>()?;
    module.add("SketchError", py.get_type::<errors::SketchError>())?;
    module.add("RunError", py.get_type::<errors::RunError>())?;
    module.add("InternalError", py.get_type::<errors::InternalError>())?;
    module.add("DEFAULT_BACKEND", tpt_driver::pipeline::DEFAULT_BACKEND)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
