//! JSON data file -> examples. `{"examples": [{"x0": 0, "y": [0, 0, null]}, ..]}`: one object
//! per example, inputs given in full, `null` for an unobserved output element. Each value
//! becomes a [`ValueTree`] checked like the sketch's own examples; every problem is reported
//! with the file name and the JSON path of the offending value, and points at that value in the
//! file.

use std::fmt;

use serde_json::Value;

use super::{Assembly, At, Entry, Origin, ValueKind, ValueTree, Values};
use crate::limits::Limits;
use crate::program::{ExampleData, Program};
use tpt_source::diagnostics::{closest, Diagnostic, Setting, SourceId, Text};
use tpt_source::span::Span;
use tpt_syntax::ast::DeclKind;

const SHAPE_HELP: &str = "the data file holds `{\"examples\": [{\"input\": value, ..}, ..]}`";

/// Read the examples of a data file for `program`.
pub fn load_examples(
    program: &Program,
    text: &str,
    source: SourceId,
    file_name: &str,
    limits: &Limits,
) -> Result<Vec<ExampleData>, Vec<Diagnostic>> {
    let root: Value = serde_json::from_str(text).map_err(|error| {
        // serde_json counts columns in bytes; the span is moved onto a character boundary.
        let offset = char_span(text, byte_offset(text, error.line(), error.column())).start;
        // serde_json ends its messages with the position, which the label already shows.
        let message = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&position).unwrap_or(&message).to_string();
        let mut diagnostic = Diagnostic::error(format!("{file_name} is not valid JSON")).with_label_in(
            source,
            char_span(text, offset),
            message,
            true,
        );
        // serde_json reports a trailing comma as a missing value at the closing bracket.
        let before = text[..offset].trim_end();
        if before.ends_with(',') && matches!(text[offset..].chars().next(), Some(']' | '}')) {
            diagnostic = diagnostic
                .with_label_in(source, char_span(text, before.len() - 1), "a comma after the last item", false)
                .with_help("JSON allows no comma after the last item of a list or an object");
        }
        vec![diagnostic.with_help(SHAPE_HELP)]
    })?;
    let data = DataFile { text, source, file_name };
    // serde_json keeps the last of two equal keys, which would drop a value without a word.
    let duplicates = duplicate_keys(&data);
    if !duplicates.is_empty() {
        return Err(duplicates);
    }
    if let Some(root) = root.as_object() {
        let unknown: Vec<Diagnostic> =
            root.keys().filter(|key| *key != "examples").map(|key| data.unknown_top_level_key(key)).collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
    }
    let Some(list) = root.get("examples").and_then(Value::as_array) else {
        let root_span = data.span(&JsonPath::default());
        return Err(vec![Diagnostic::error(format!("{file_name}: no `examples` list at the top level"))
            .with_label_in(source, root_span, "expected an object with an `examples` array", true)
            .with_help(SHAPE_HELP)]);
    };
    let list_path = JsonPath::default().key("examples");
    if list.len() as u64 + program.examples.len() as u64 > limits.max_examples {
        return Err(vec![data
            .error(&list_path, format!("too many examples ({})", list.len()), "this list")
            .with_help(
                Text::from(format!("the limit is {}; raise it with ", limits.max_examples))
                    + Setting::MaxExamples.placeholder("N"),
            )]);
    }
    let mut errors = Vec::new();
    let mut examples = Vec::new();
    // Found in one pass: looking each one up by its path would take time quadratic in the
    // size of the file.
    let spans = example_spans(text).unwrap_or_default();
    let whole = char_span(text, 0);
    for (position, entry) in list.iter().enumerate() {
        let path = list_path.index(position);
        let (span, entries) = spans.get(position).map_or((whole, &[][..]), |(s, e)| (*s, &e[..]));
        let before = errors.len();
        let mut found = example(program, entry, &path, &data, span, &mut errors);
        if errors.len() == before {
            // Every array points at its entry, or at the example when it has none.
            found.entry_spans = program
                .arrays
                .iter()
                .map(|array| Some(entries.iter().find(|(n, _)| *n == array.name).map_or(span, |e| e.1)))
                .collect();
            examples.push(found);
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

/// The text of a data file holding `examples` (each an object of inputs and outputs), one
/// example per line, so that a message about example `i` points at line `i + 1`. Examples
/// given as values rather than as a file (the Python package's) go through this text and
/// [`load_examples`], and so get the same checks and messages as a `--data` file.
pub fn data_file_text(examples: &[Value]) -> String {
    let lines: Vec<String> = examples.iter().map(Value::to_string).collect();
    format!("{{\"examples\": [{}]}}\n", lines.join(",\n"))
}

/// One example made of the inputs in `inputs` (name -> value, as in a data file) and no
/// observations, to run a program on a new input. `name` says where the values came from
/// (`--input`): messages read `--input x: ...`, and the example is labelled `name`. The
/// values were not written in any file, so messages point only into the program: the labels
/// that would point into the JSON text built here become notes, and the example's span is
/// empty (messages about it carry no "in this example" label).
pub fn inputs_example(
    program: &Program,
    inputs: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<ExampleData, Vec<Diagnostic>> {
    inputs_example_text(program, &Value::Object(inputs.clone()).to_string(), name)
}

/// `inputs_example` from the JSON text of the object of inputs (`{"x": 3}`), so that messages
/// quote its numbers as written (an integer beyond 64 bits, which a JSON value holds as the
/// nearest float).
pub fn inputs_example_text(program: &Program, object: &str, name: &str) -> Result<ExampleData, Vec<Diagnostic>> {
    let inputs: serde_json::Map<String, Value> = serde_json::from_str(object)
        .map_err(|e| vec![Diagnostic::error(format!("{name}: the inputs are not a JSON object: {e}"))])?;
    for key in inputs.keys() {
        if !matches!(program.array_named(key).map(|id| program.arrays[id].kind), Some(DeclKind::Input)) {
            let known: Vec<String> =
                program.arrays.iter().filter(|a| a.kind == DeclKind::Input).map(|a| format!("`{}`", a.name)).collect();
            let help = match known.len() {
                0 => "the program has no inputs".to_string(),
                _ => format!("the inputs are: {}", known.join(", ")),
            };
            return Err(vec![
                Diagnostic::error(format!("{name}: `{key}` is not an input of the program")).with_help(help)
            ]);
        }
    }
    let text = format!("{{\"examples\": [{object}]}}");
    let reword = |mut diagnostic: Diagnostic| {
        diagnostic.message.replace_first(&format!("{name}: examples[0]."), &format!("{name} "));
        diagnostic.message.replace_first(&format!("{name}: examples[0]: "), &format!("{name}: "));
        let (into_json, into_program): (Vec<_>, Vec<_>) = diagnostic.labels.drain(..).partition(|label| label.primary);
        diagnostic.labels = into_program;
        diagnostic.notes.extend(into_json.into_iter().map(|label| label.message));
        diagnostic
    };
    let mut examples = load_examples(program, &text, 0, name, &Limits::default())
        .map_err(|diagnostics| diagnostics.into_iter().map(reword).collect::<Vec<_>>())?;
    let mut example = examples.remove(0);
    example.label = name.to_string();
    example.span = Span::new(0, 0);
    example.entry_spans = vec![None; program.arrays.len()];
    Ok(example)
}

/// Every key given twice in one object of the data file: an error at the second, pointing
/// at the first too.
fn duplicate_keys(data: &DataFile) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let bytes = data.text.as_bytes();
    find_duplicate_keys(data, bytes, skip_blank(bytes, 0), &JsonPath::default(), &mut errors);
    errors
}

/// `duplicate_keys` in the value at `at` (whose path is `path`) and the values inside it. The
/// text is valid JSON, nested at most 128 levels (serde_json's bound), so this recursion is
/// shallow.
fn find_duplicate_keys(data: &DataFile, bytes: &[u8], at: usize, path: &JsonPath, errors: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(String, Span)> = Vec::new();
    let mut position = 0;
    let _ = members(bytes, at, &mut |member| {
        let inner = match member.key {
            Some(key) => {
                let name = serde_json::from_str::<String>(&data.text[key.range()]).unwrap_or_default();
                if let Some((_, first)) = seen.iter().find(|(seen_name, _)| *seen_name == name) {
                    let place = if path.0.is_empty() { String::new() } else { format!("{path}: ") };
                    errors.push(
                        Diagnostic::error(format!("{}: {place}the key `{name}` is given twice", data.file_name))
                            .with_label_in(data.source, key, "given again here", true)
                            .with_label_in(data.source, *first, "first given here", false)
                            .with_help("a JSON reader keeps one of the two values; give each key once"),
                    );
                }
                seen.push((name.clone(), key));
                path.key(&name)
            }
            None => path.index(position),
        };
        position += 1;
        if errors.len() <= 50 {
            find_duplicate_keys(data, bytes, member.value.start, &inner, errors);
        }
    });
}

/// One step into a JSON value: a member of an object or an element of a list.
#[derive(Clone, Debug)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Where a value sits in the data file, as `examples[1].y[0]`.
#[derive(Clone, Debug, Default)]
pub struct JsonPath(Vec<Step>);

impl JsonPath {
    fn key(&self, name: &str) -> JsonPath {
        let mut steps = self.0.clone();
        steps.push(Step::Key(name.to_string()));
        JsonPath(steps)
    }

    fn index(&self, position: usize) -> JsonPath {
        let mut steps = self.0.clone();
        steps.push(Step::Index(position));
        JsonPath(steps)
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(name) if position == 0 => write!(f, "{name}")?,
                Step::Key(name) => write!(f, ".{name}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// The data file being read, for building diagnostics that point into it.
pub struct DataFile<'a> {
    text: &'a str,
    source: SourceId,
    file_name: &'a str,
}

impl DataFile<'_> {
    /// The span of the value at `path` (the whole file if it cannot be found).
    fn span(&self, path: &JsonPath) -> Span {
        locate(self.text, &path.0).unwrap_or_else(|| char_span(self.text, 0))
    }

    /// The text of the value at `path`, as written.
    fn literal(&self, path: &JsonPath) -> Option<String> {
        locate(self.text, &path.0).map(|span| self.text[span.range()].to_string())
    }

    /// "file: path: message", pointing at the key of the member at `path`.
    fn key_error(&self, path: &JsonPath, message: impl fmt::Display, label: impl Into<Text>) -> Diagnostic {
        let span = locate_key(self.text, &path.0).unwrap_or_else(|| self.span(path));
        Diagnostic::error(format!("{}: {path}: {message}", self.file_name)).with_label_in(
            self.source,
            span,
            label,
            true,
        )
    }

    /// The error for a key of the top-level object other than `examples`.
    fn unknown_top_level_key(&self, key: &str) -> Diagnostic {
        let span = locate_key(self.text, &[Step::Key(key.to_string())]).unwrap_or_else(|| char_span(self.text, 0));
        let help = match closest(key, &["examples"]) {
            Some(meant) => format!("did you mean `{meant}`? {SHAPE_HELP}"),
            None => SHAPE_HELP.to_string(),
        };
        Diagnostic::error(format!("{}: `{key}` is not a key of a data file", self.file_name))
            .with_label_in(self.source, span, "unknown key", true)
            .with_help(help)
    }

    /// "file: path: message", pointing at the value at `path`.
    pub fn error(&self, path: &JsonPath, message: impl fmt::Display, label: impl Into<Text>) -> Diagnostic {
        Diagnostic::error(format!("{}: {path}: {message}", self.file_name)).with_label_in(
            self.source,
            self.span(path),
            label,
            true,
        )
    }
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// The span of the one character at `offset` (empty at the end of the text), so that a label
/// never splits a multi-byte character.
fn char_span(text: &str, offset: usize) -> Span {
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let end = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
    Span::new(start, end)
}

/// One example of the file (assembled even when it has errors, which are recorded).
fn example(
    program: &Program,
    entry: &Value,
    path: &JsonPath,
    data: &DataFile,
    span: Span,
    errors: &mut Vec<Diagnostic>,
) -> ExampleData {
    let mut assembly = Assembly::new(program, data.source, span, format!("{}: {path}", data.file_name));
    let Some(object) = entry.as_object() else {
        errors.push(data.error(
            path,
            format!("expected an object of inputs and outputs, found {}", kind_of(entry)),
            "this example",
        ));
        return assembly.data;
    };
    let origin = Origin::Data(data);
    for (name, value) in object {
        let at = path.key(name);
        let Some(id) = program.array_named(name) else {
            let known: Vec<String> = program
                .arrays
                .iter()
                .filter(|a| matches!(a.kind, DeclKind::Input | DeclKind::Output))
                .map(|a| format!("`{}` ({})", a.name, a.kind.keyword()))
                .collect();
            errors.push(
                data.key_error(&at, format!("`{name}` is not an input or output of the program"), "not declared")
                    .with_help(format!("the inputs and outputs are: {}", known.join(", "))),
            );
            continue;
        };
        let info = &program.arrays[id];
        if !matches!(info.kind, DeclKind::Input | DeclKind::Output) {
            let kind = info.kind.keyword();
            errors.push(
                data.key_error(
                    &at,
                    format!("`{name}` is a {kind}; examples give inputs and outputs"),
                    format!("a {kind}"),
                )
                .with_secondary(info.name_span, format!("`{name}` is declared here")),
            );
            assembly.failed.insert(id);
            continue;
        }
        let entry = Entry { array: id, indices: Vec::new(), value: value_tree(value, at, data), tolerance: None, span };
        let mut values = Values { program, origin, loop_values: &[], errors };
        assembly.fill(&mut values, &entry, program.tolerance);
    }
    assembly.finish(program, origin, &At::Json(path.clone()), errors)
}

/// A JSON value as a value tree: integers, lists, `null` holes, booleans, and anything else as
/// what it is.
fn value_tree(value: &Value, at: JsonPath, data: &DataFile) -> ValueTree {
    /// Whole numbers from here on do not fit in 64 bits.
    const BEYOND_64_BITS: f64 = 9_223_372_036_854_775_808.0;
    let kind = match value {
        Value::Null => ValueKind::Hole,
        Value::Bool(flag) => ValueKind::Bool(*flag),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(v), _) => ValueKind::Int(v),
            // serde_json reads an integer beyond 64 bits as the nearest float; the message
            // quotes it as written.
            (None, Some(v)) if v.fract() == 0.0 && v.abs() >= BEYOND_64_BITS => {
                ValueKind::BigInt(data.literal(&at).unwrap_or_else(|| n.to_string()))
            }
            (None, Some(v)) => ValueKind::Real(v),
            (None, None) => ValueKind::Other(format!("{n}, which is not a number tpt reads")),
        },
        Value::Array(items) => {
            ValueKind::List(items.iter().enumerate().map(|(i, item)| value_tree(item, at.index(i), data)).collect())
        }
        other => ValueKind::Other(kind_of(other).to_string()),
    };
    ValueTree { kind, at: At::Json(at) }
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

// ---------------------------------------------------------------------- locating values

// serde_json's values carry no positions, so the spans of values are found by walking the
// text again. The text is known to be valid JSON (serde_json parsed it), and serde_json
// bounds its nesting (128 levels), so this walk is neither fooled nor deep.

/// One member of a JSON list or object: the key's span (objects only) and the value's span.
struct Member {
    key: Option<Span>,
    value: Span,
}

/// The span of the value at `path` in the JSON `text`.
fn locate(text: &str, path: &[Step]) -> Option<Span> {
    locate_member(text, path, false)
}

/// The span of the key of the member at `path` (which ends with a key) in the JSON `text`.
fn locate_key(text: &str, path: &[Step]) -> Option<Span> {
    locate_member(text, path, true)
}

fn locate_member(text: &str, path: &[Step], key_of_last: bool) -> Option<Span> {
    let bytes = text.as_bytes();
    let mut at = skip_blank(bytes, 0);
    let mut key_span = None;
    for (depth, step) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        let mut position = 0;
        let mut found = None;
        members(bytes, at, &mut |member| {
            let hit = match (step, member.key) {
                (Step::Index(wanted), None) => position == *wanted,
                (Step::Key(wanted), Some(key)) => key_is(text, key, wanted),
                _ => false,
            };
            if hit && found.is_none() {
                found = Some(member.value.start);
                if last && key_of_last {
                    key_span = member.key;
                }
            }
            position += 1;
        })?;
        at = found?;
    }
    if key_of_last {
        return key_span;
    }
    Some(Span::new(at, value_end(bytes, at)?))
}

/// Where one example of a data file is: its own span, and each member's name and value span.
type ExampleSpans = (Span, Vec<(String, Span)>);

/// For each example of the `examples` list, in one pass: its span and its members' spans.
fn example_spans(text: &str) -> Option<Vec<ExampleSpans>> {
    let bytes = text.as_bytes();
    let list = locate(text, &[Step::Key("examples".to_string())])?;
    let mut examples = Vec::new();
    members(bytes, list.start, &mut |example| {
        let mut entries = Vec::new();
        let _ = members(bytes, example.value.start, &mut |member| {
            if let Some(key) = member.key {
                if let Ok(name) = serde_json::from_str::<String>(&text[key.range()]) {
                    entries.push((name, member.value));
                }
            }
        });
        examples.push((example.value, entries));
    })?;
    Some(examples)
}

fn key_is(text: &str, key: Span, wanted: &str) -> bool {
    serde_json::from_str::<String>(&text[key.range()]).is_ok_and(|k| k == wanted)
}

/// Walk the list or object starting at `at`, calling `visit` for each member; returns the
/// end of the list or object, or None when no list or object starts there.
fn members(bytes: &[u8], at: usize, visit: &mut dyn FnMut(Member)) -> Option<usize> {
    let close = match bytes.get(at)? {
        b'[' => b']',
        b'{' => b'}',
        _ => return None,
    };
    let mut at = skip_blank(bytes, at + 1);
    if bytes.get(at) == Some(&close) {
        return Some(at + 1);
    }
    loop {
        let mut key = None;
        if close == b'}' {
            let end = value_end(bytes, at)?;
            key = Some(Span::new(at, end));
            at = skip_blank(bytes, end);
            if bytes.get(at) != Some(&b':') {
                return None;
            }
            at = skip_blank(bytes, at + 1);
        }
        let end = value_end(bytes, at)?;
        visit(Member { key, value: Span::new(at, end) });
        at = skip_blank(bytes, end);
        match *bytes.get(at)? {
            b',' => at = skip_blank(bytes, at + 1),
            c if c == close => return Some(at + 1),
            _ => return None,
        }
    }
}

fn skip_blank(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The end of the JSON value starting at `at`.
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => {
            let mut i = at + 1;
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
        }
        b'[' | b'{' => members(bytes, at, &mut |_| {}),
        _ => {
            // A number or a literal: up to the next delimiter.
            let mut i = at;
            while i < bytes.len() && !matches!(bytes[i], b',' | b']' | b'}' | b':' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            (i > at).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_values_by_path() {
        let text = r#"{"examples": [ {"x": [0, 1], "y": "a\"]"}, {"y": null, "x": [[1], 22]} ]}"#;
        let find = |path: &[Step]| locate(text, path).map(|s| &text[s.range()]);
        let examples = Step::Key("examples".into());
        assert_eq!(find(&[examples.clone(), Step::Index(0), Step::Key("y".into())]), Some(r#""a\"]""#));
        assert_eq!(find(&[examples.clone(), Step::Index(1), Step::Key("x".into()), Step::Index(1)]), Some("22"));
        assert_eq!(find(&[examples.clone(), Step::Index(1), Step::Key("x".into())]), Some("[[1], 22]"));
        assert_eq!(find(&[examples.clone(), Step::Index(2)]), None);
        assert_eq!(find(&[]), Some(text));
        let key = locate_key(text, &[examples, Step::Index(1), Step::Key("x".into())]).map(|s| &text[s.range()]);
        assert_eq!(key, Some(r#""x""#));
    }
}
