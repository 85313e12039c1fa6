//! Python values <-> the library's values. Examples and inputs (ints, lists, `None`, numpy
//! arrays) -> JSON values, which the library checks exactly as it checks a `--data` file; an
//! array's values -> an int or a numpy array of the array's shape; the library's JSON values
//! (such as the examples a program gives up) -> Python values.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use pyo3::IntoPyObjectExt;
use serde_json::{Map, Value};

/// Deeper nesting than any array of a sketch; it also stops a list that contains itself.
const MAX_DEPTH: usize = 64;

/// A Python value as the JSON value a data file would hold: ints, lists (and tuples, and
/// anything with `tolist()`, such as numpy arrays, scalars and masked arrays, whose masked
/// elements become holes), `None` for a hole. Booleans, floats, strings and dicts become the
/// JSON values of the same kind, which the library's checks then refuse with the same words
/// as in a data file. `what` names the value in messages about what cannot be converted.
pub fn to_json(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    to_json_at(value, what, 0)
}

fn to_json_at(value: &Bound<'_, PyAny>, what: &str, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!("{what}: the value is nested more than {MAX_DEPTH} levels deep")));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if let Ok(int) = value.cast::<PyInt>() {
        return match int.extract::<i64>() {
            Ok(int) => Ok(Value::from(int)),
            Err(_) => Err(PyOverflowError::new_err(format!("{what}: the integer {int} is too large"))),
        };
    }
    if let Ok(float) = value.cast::<PyFloat>() {
        let float = float.value();
        return serde_json::Number::from_f64(float)
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("{what}: {float} is not an integer")));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Value::String(text.to_string()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return Ok(Value::Object(object(dict, what, depth)?));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items: PyResult<Vec<Value>> = value.try_iter()?.map(|item| to_json_at(&item?, what, depth + 1)).collect();
        return Ok(Value::Array(items?));
    }
    if value.hasattr("tolist")? {
        // numpy: `tolist()` gives Python ints, nested lists, and None for masked elements.
        return to_json_at(&value.call_method0("tolist")?, what, depth + 1);
    }
    Err(PyTypeError::new_err(format!(
        "{what}: cannot use a value of type `{}` (give ints, lists, None or numpy arrays)",
        value.get_type().name()?
    )))
}

/// A dict with string keys as a JSON object, its values converted.
pub fn object(dict: &Bound<'_, PyDict>, what: &str, depth: usize) -> PyResult<Map<String, Value>> {
    let mut map = Map::new();
    for (key, value) in dict.iter() {
        let Ok(key) = key.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "{what}: the keys are input and output names, not values of type `{}`",
                key.get_type().name()?
            )));
        };
        let key = key.to_string();
        let value = to_json_at(&value, &format!("{what}[{key:?}]"), depth + 1)?;
        map.insert(key, value);
    }
    Ok(map)
}

/// Examples given to `synth`: a list of dicts (one per example), or a dict of arrays whose
/// first axis indexes the examples (numpy arrays, or lists of the same length).
pub fn examples(value: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    if let Ok(columns) = value.cast::<PyDict>() {
        let mut names = Vec::new();
        let mut columns_json = Vec::new();
        for (key, column) in columns.iter() {
            let name: String = key.extract().map_err(|_| {
                PyTypeError::new_err("examples: the keys of a dict of examples are input and output names")
            })?;
            match to_json(&column, &format!("examples[{name:?}]"))? {
                Value::Array(items) => columns_json.push(items),
                _ => {
                    return Err(PyValueError::new_err(format!(
                        "examples[{name:?}]: a dict of examples holds one array per name whose first axis \
                         indexes the examples; this is a single value"
                    )))
                }
            }
            names.push(name);
        }
        let count = columns_json.first().map_or(0, Vec::len);
        if let Some(position) = columns_json.iter().position(|c| c.len() != count) {
            return Err(PyValueError::new_err(format!(
                "examples: {:?} gives {} examples and {:?} gives {count}; every array of a dict of examples \
                 has one entry per example",
                names[position],
                columns_json[position].len(),
                names[0]
            )));
        }
        let mut rows: Vec<Map<String, Value>> = vec![Map::new(); count];
        for (name, column) in names.iter().zip(columns_json) {
            for (row, value) in rows.iter_mut().zip(column) {
                row.insert(name.clone(), value);
            }
        }
        return Ok(rows.into_iter().map(Value::Object).collect());
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        // Each item should be a dict; anything else is refused by the library's checks, which
        // say what an example must be.
        return value
            .try_iter()?
            .enumerate()
            .map(|(index, item)| to_json(&item?, &format!("examples[{index}]")))
            .collect();
    }
    Err(PyTypeError::new_err(format!(
        "examples: give a list of dicts or a dict of arrays, not a value of type `{}`",
        value.get_type().name()?
    )))
}

/// The values of an array (row-major, `dims` its shape) as an int (no dims) or a numpy
/// array of int64.
pub fn array_value<'py>(py: Python<'py>, values: &[i64], dims: &[usize]) -> PyResult<Bound<'py, PyAny>> {
    if dims.is_empty() {
        return Ok(values.first().copied().unwrap_or(0).into_pyobject(py)?.into_any());
    }
    let numpy = py.import("numpy")?;
    let flat = numpy.call_method1("array", (values.to_vec(), "int64"))?;
    flat.call_method1("reshape", (PyTuple::new(py, dims)?,))
}

/// The values of a real array as a float (no dims) or a numpy array of float64 (an
/// unassigned real output element is NaN).
pub fn real_array_value<'py>(py: Python<'py>, values: &[f64], dims: &[usize]) -> PyResult<Bound<'py, PyAny>> {
    if dims.is_empty() {
        return Ok(values.first().copied().unwrap_or(f64::NAN).into_pyobject(py)?.into_any());
    }
    let numpy = py.import("numpy")?;
    let flat = numpy.call_method1("array", (values.to_vec(), "float64"))?;
    flat.call_method1("reshape", (PyTuple::new(py, dims)?,))
}

/// An output's values, some of which the program may leave unassigned: an int or `None` (no
/// dims), a numpy array, or a numpy masked array whose unassigned elements are masked.
pub fn output_value<'py>(py: Python<'py>, values: &[Option<i64>], dims: &[usize]) -> PyResult<Bound<'py, PyAny>> {
    if values.iter().all(Option::is_some) {
        let values: Vec<i64> = values.iter().map(|v| v.unwrap_or(0)).collect();
        return array_value(py, &values, dims);
    }
    if dims.is_empty() {
        return Ok(py.None().into_bound(py));
    }
    let data: Vec<i64> = values.iter().map(|v| v.unwrap_or(0)).collect();
    let mask: Vec<bool> = values.iter().map(Option::is_none).collect();
    let numpy = py.import("numpy")?;
    let shape = PyTuple::new(py, dims)?;
    let data = numpy.call_method1("array", (data, "int64"))?.call_method1("reshape", (&shape,))?;
    let mask = numpy.call_method1("array", (mask,))?.call_method1("reshape", (&shape,))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("mask", mask)?;
    numpy.getattr("ma")?.call_method("masked_array", (data,), Some(&kwargs))
}

/// A JSON value as the Python value `json.loads` would give: `None`, a bool, an int or a
/// float, a str, a list or a dict.
pub fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(flag) => flag.into_bound_py_any(py),
        Value::Number(number) => match (number.as_i64(), number.as_f64()) {
            (Some(int), _) => int.into_bound_py_any(py),
            (None, Some(float)) => float.into_bound_py_any(py),
            (None, None) => number.to_string().into_bound_py_any(py),
        },
        Value::String(text) => text.into_bound_py_any(py),
        Value::Array(items) => {
            let items: PyResult<Vec<Bound<'py, PyAny>>> = items.iter().map(|item| from_json(py, item)).collect();
            PyList::new(py, items?)?.into_bound_py_any(py)
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, from_json(py, item)?)?;
            }
            dict.into_bound_py_any(py)
        }
    }
}
