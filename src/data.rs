//! JSON data file -> examples. `{"examples": [{"x0": 0, "y": [0, 0, null]}, ..]}`: one object
//! per example, inputs given in full, `null` for an unobserved output element. Every problem
//! is reported with the file name and the JSON path of the offending value.

use serde_json::Value;

use crate::ast::DeclKind;
use crate::diagnostics::{Diagnostic, SourceId};
use crate::limits::Limits;
use crate::program::{ArrayInfo, ExampleData, Program};
use crate::span::Span;

/// Read the examples of a data file for `program`.
pub fn load_examples(
    program: &Program,
    text: &str,
    source: SourceId,
    file_name: &str,
    limits: &Limits,
) -> Result<Vec<ExampleData>, Vec<Diagnostic>> {
    let root: Value = serde_json::from_str(text).map_err(|error| {
        let offset = byte_offset(text, error.line(), error.column());
        vec![Diagnostic::error(format!("{file_name} is not valid JSON"))
            .with_label_in(source, Span::new(offset, (offset + 1).min(text.len()).max(offset)), error.to_string(), true)
            .with_help("the data file holds `{\"examples\": [{\"input\": value, ..}, ..]}`")]
    })?;
    let shape_help = "the data file holds `{\"examples\": [{\"input\": value, ..}, ..]}`";
    let whole = Span::new(0, text.len().min(1));
    let Some(list) = root.get("examples").and_then(Value::as_array) else {
        return Err(vec![Diagnostic::error(format!("{file_name}: no `examples` list at the top level"))
            .with_label_in(source, whole, "expected an object with an `examples` array", true)
            .with_help(shape_help)]);
    };
    if list.len() as u64 + program.examples.len() as u64 > limits.max_examples {
        return Err(vec![Diagnostic::error(format!("{file_name}: too many examples ({})", list.len()))
            .with_help(format!("the limit is {}; raise it with `--max-examples N`", limits.max_examples))]);
    }
    let mut errors = Vec::new();
    let mut examples = Vec::new();
    for (position, entry) in list.iter().enumerate() {
        let path = format!("examples[{position}]");
        match example(program, entry, &path, file_name) {
            Ok(mut data) => {
                data.source = source;
                data.span = whole;
                data.entry_spans = vec![Some(whole); program.arrays.len()];
                data.label = format!("{file_name}: {path}");
                examples.push(data);
            }
            Err(mut found) => errors.append(&mut found),
        }
        if errors.len() > 50 {
            break;
        }
    }
    if errors.is_empty() {
        Ok(examples)
    } else {
        Err(errors)
    }
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn example(program: &Program, entry: &Value, path: &str, file: &str) -> Result<ExampleData, Vec<Diagnostic>> {
    let error = |at: &str, message: String| Diagnostic::error(format!("{file}: {at}: {message}"));
    let Some(object) = entry.as_object() else {
        return Err(vec![error(path, "expected an object of inputs and outputs".to_string())]);
    };
    let mut data = ExampleData {
        source: 0,
        span: Span::default(),
        label: String::new(),
        values: vec![None; program.arrays.len()],
        entry_spans: vec![None; program.arrays.len()],
    };
    let mut errors = Vec::new();
    for (name, value) in object {
        let at = format!("{path}.{name}");
        let Some(id) = program.array_named(name) else {
            let known: Vec<&str> = program
                .arrays
                .iter()
                .filter(|a| matches!(a.kind, DeclKind::Input | DeclKind::Output))
                .map(|a| a.name.as_str())
                .collect();
            errors.push(
                error(&at, format!("`{name}` is not an input or output of the program"))
                    .with_help(format!("the inputs and outputs are: {}", known.join(", "))),
            );
            continue;
        };
        let info = &program.arrays[id];
        if !matches!(info.kind, DeclKind::Input | DeclKind::Output) {
            errors.push(error(&at, format!("`{name}` is a {}; examples give inputs and outputs", info.kind.keyword())));
            continue;
        }
        let mut flat = Vec::with_capacity(info.len());
        match flatten(value, info, &info.dims, &at, &mut flat) {
            Ok(()) => data.values[id] = Some(flat),
            Err(message) => errors.push(Diagnostic::error(format!("{file}: {message}"))),
        }
    }
    for (id, info) in program.arrays.iter().enumerate() {
        if info.kind == DeclKind::Input && data.values[id].is_none() {
            errors.push(
                error(path, format!("input `{}` is missing", info.name))
                    .with_help("every example gives every input in full"),
            );
        }
    }
    if errors.is_empty() {
        Ok(data)
    } else {
        Err(errors)
    }
}

/// Flatten a nested JSON array of the declared shape; the error names the JSON path.
fn flatten(value: &Value, info: &ArrayInfo, shape: &[usize], at: &str, out: &mut Vec<Option<u32>>) -> Result<(), String> {
    match shape.split_first() {
        None => match value {
            Value::Null if info.kind == DeclKind::Output => {
                out.push(None);
                Ok(())
            }
            Value::Null => Err(format!("{at}: inputs cannot be null; every input element needs a value")),
            Value::Number(n) => match n.as_i64() {
                Some(v) if v >= 0 && v < info.domain as i64 => {
                    out.push(Some(v as u32));
                    Ok(())
                }
                Some(v) => Err(format!("{at}: {v} is outside the domain of `{}` (0..{})", info.name, info.domain)),
                None => Err(format!("{at}: {n} is not an integer")),
            },
            Value::Array(_) => Err(format!("{at}: expected a single value for an element of `{}`, found a list", info.name)),
            other => Err(format!("{at}: expected an integer, found {}", kind_of(other))),
        },
        Some((&n, rest)) => match value {
            Value::Array(items) if items.len() == n => {
                for (i, item) in items.iter().enumerate() {
                    flatten(item, info, rest, &format!("{at}[{i}]"), out)?;
                }
                Ok(())
            }
            Value::Array(items) => Err(format!("{at}: expected {n} values for `{}`, found {}", info.name, items.len())),
            Value::Null if info.kind == DeclKind::Output => {
                out.extend(std::iter::repeat_n(None, shape.iter().product()));
                Ok(())
            }
            other => Err(format!("{at}: expected a list of {n} values for `{}`, found {}", info.name, kind_of(other))),
        },
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
