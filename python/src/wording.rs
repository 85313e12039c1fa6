//! The Python package's words for the settings a diagnostic mentions: the keyword arguments of
//! `compile`, `Sketch.synth` and `Sketch.synth_all` (`max_steps=`, `options={"key": value}`,
//! `set={"K": ...}`). The limits of compilation are the command line's alone: the package
//! compiles with their defaults, and says so where a message suggests raising one.

use tpt_source::diagnostics::{Mention, Setting, Value, Wording};

/// The Python package's spelling of settings, with which it words every diagnostic.
pub struct PythonWording;

impl Wording for PythonWording {
    fn mention(&self, mention: &Mention) -> String {
        let value = mention.value.as_ref();
        let keyword = |name: &str| format!("`{name}={}`", value.map(python_value).unwrap_or_default());
        match &mention.setting {
            Setting::MaxSteps => keyword("max_steps"),
            Setting::Restarts => keyword("restarts"),
            Setting::Timeout => keyword("timeout"),
            Setting::MaxViolations => keyword("max_violations"),
            Setting::DistinguishConflicts => keyword("distinguish_conflicts"),
            Setting::NoDistinguish => "`distinguish=False`".to_string(),
            Setting::Backend => keyword("backend"),
            Setting::Cegis => format!("`cegis={}`", value.map_or_else(|| "True".to_string(), python_value)),
            Setting::BackendOption { key } => {
                format!("`options={{{key:?}: {}}}`", value.map_or_else(|| "...".to_string(), python_value))
            }
            Setting::Set { name } => {
                format!("`set={{{name:?}: {}}}`", value.map_or_else(|| "...".to_string(), python_value))
            }
            Setting::All => format!("`Sketch.synth_all({})`", value.map(python_value).unwrap_or_default()),
            Setting::SynthAll => format!("`Sketch.synth_all({})`", value.map(python_value).unwrap_or_default()),
            Setting::RunPrinted { data } => {
                let allowance =
                    value.map(|count| format!(", max_violations={}", python_value(count))).unwrap_or_default();
                let examples = if data.is_some() { " (with the examples given to `synth`)" } else { "" };
                format!("`tpt.compile(result.program{allowance})`{examples}")
            }
            limit => {
                let flag = limit_flag(limit);
                let value = value.map(|value| format!(" {}", value.text())).unwrap_or_default();
                format!("`--{flag}{value}` of the `tpt` command (this package compiles with the default limits)")
            }
        }
    }
}

/// A value as Python writes it: `True`, `3`, `"first"`; a placeholder as it is, `..` as `...`.
fn python_value(value: &Value) -> String {
    match value {
        Value::Placeholder(name) if name == ".." => "...".to_string(),
        Value::Placeholder(name) => name.clone(),
        Value::Given(text) => match text.as_str() {
            "true" => "True".to_string(),
            "false" => "False".to_string(),
            number if number.parse::<f64>().is_ok() => number.to_string(),
            text => format!("{text:?}"),
        },
    }
}

/// The command line's flag of a limit of compilation, which Python cannot set.
fn limit_flag(setting: &Setting) -> &'static str {
    match setting {
        Setting::MaxDepth => "max-depth",
        Setting::MaxUnroll => "max-unroll",
        Setting::MaxEnum => "max-enum",
        Setting::MaxEnumTotal => "max-enum-total",
        Setting::MaxElements => "max-elements",
        Setting::MaxDomain => "max-domain",
        Setting::MaxExamples => "max-examples",
        Setting::MaxExampleValues => "max-example-values",
        Setting::MaxNodes => "max-nodes",
        Setting::MaxMemory => "max-memory",
        other => unreachable!("{other:?} is a keyword argument"),
    }
}
