//! The command line's words for the settings a diagnostic mentions: its flags
//! (`--max-unroll N`, `--opt key=value`, `--set K=..`) and commands (`tpt run`).

use tpt::diagnostics::{Mention, Setting, Value, Wording};

/// The command line's spelling of settings, with which it renders every diagnostic.
pub struct CommandLine;

impl Wording for CommandLine {
    fn mention(&self, mention: &Mention) -> String {
        let value = mention.value.as_ref().map(Value::text);
        let spaced = value.map(|value| format!(" {value}")).unwrap_or_default();
        let words = match &mention.setting {
            Setting::Cegis => format!("--cegis{}", value.map(|mode| format!("={mode}")).unwrap_or_default()),
            Setting::BackendOption { key } => match value {
                Some(value) => format!("--opt {key}={value}"),
                None => format!("--opt {key}"),
            },
            Setting::Set { name } => format!("--set {name}={}", value.unwrap_or("..")),
            Setting::SynthAll => format!("tpt synth --all{spaced}"),
            Setting::RunPrinted { data } => {
                let data = data.as_ref().map(|data| format!(" --data {data}")).unwrap_or_default();
                let allowance = value.map(|count| format!(" --max-violations {count}")).unwrap_or_default();
                format!("tpt run{data}{allowance}")
            }
            setting => format!("--{}{spaced}", flag(setting)),
        };
        format!("`{words}`")
    }
}

/// The flag of a setting that is a flag and its value.
fn flag(setting: &Setting) -> &'static str {
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
        Setting::MaxSteps => "max-steps",
        Setting::Restarts => "restarts",
        Setting::Timeout => "timeout",
        Setting::MaxViolations => "max-violations",
        Setting::Backend => "backend",
        Setting::DistinguishConflicts => "distinguish-conflicts",
        Setting::NoDistinguish => "no-distinguish",
        Setting::All => "all",
        Setting::Cegis
        | Setting::BackendOption { .. }
        | Setting::Set { .. }
        | Setting::SynthAll
        | Setting::RunPrinted { .. } => unreachable!("spelled in `mention`"),
    }
}
