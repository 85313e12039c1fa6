//! `tpt backends`: every back end with its hyperparameters: their types, ranges and defaults;
//! `--json`: the same, with what each back end can do, as one JSON object.

use clap::Args;
use serde_json::{json, Value};

use tpt::solve::{registry, BackendInfo, Reals, REAL_STAGE};

use super::EXIT_OK;
use tpt::pipeline::DEFAULT_BACKEND;

#[derive(Args, Debug)]
pub struct BackendsArgs {
    /// Print one JSON object: `{"backends": [..], "real_stage": {..}}`, each back end with its
    /// options (key, kind, default, help) and what it can do (`default`, `exact`, `reals`,
    /// `for_reals`, the back end that runs in its place on a program with reals).
    #[arg(long)]
    pub json: bool,
}

pub fn main(args: BackendsArgs) -> u8 {
    if args.json {
        outln!("{:#}", backends_json());
        return EXIT_OK;
    }
    // The real-param stage is listed last: its `real-*` keys go with any back end that is
    // not exact, on a sketch with real params.
    let stage: [&BackendInfo; 1] = [&REAL_STAGE];
    for info in registry().into_iter().chain(stage) {
        let default = if info.name == DEFAULT_BACKEND { " (default)" } else { "" };
        outln!("{}{default}\n    {}", info.name, info.summary);
        if let Some(substitute) = info.substitute_for_reals() {
            outln!("    on a program with reals, `{}` runs in its place", substitute.name);
        }
        let defaults = (info.defaults)();
        let rows: Vec<(String, String, &str)> = info
            .options
            .iter()
            .map(|option| {
                let value = defaults.get(option.key).map_or_else(String::new, |v| option.kind.text(v));
                (format!("--opt {}={value}", option.key), option.kind.describe(), option.help)
            })
            .collect();
        let setting = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let kind = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
        for (option, range, help) in &rows {
            outln!("    {option:setting$}  {range:kind$}  {help}");
        }
        outln!();
    }
    EXIT_OK
}

/// Every back end, then the real-param stage, as JSON.
fn backends_json() -> Value {
    let backends: Vec<Value> = registry()
        .into_iter()
        .map(|info| {
            let exact = info.capabilities.exact;
            // On a program with reals: another back end in its place, refused (the exact ones
            // encode finite domains), or this one beside the real-param stage.
            let reals = match info.capabilities.reals {
                Reals::Substitute(_) => "substitute",
                Reals::Refused => "refused",
                Reals::Stage => "stage",
            };
            json!({
                "name": info.name,
                "summary": info.summary,
                "default": info.name == DEFAULT_BACKEND,
                "exact": exact,
                "reals": reals,
                "for_reals": info.substitute_for_reals().map(|substitute| substitute.name),
                "options": options_json(info),
            })
        })
        .collect();
    json!({
        "backends": backends,
        "real_stage": {"name": REAL_STAGE.name, "summary": REAL_STAGE.summary, "options": options_json(&REAL_STAGE)},
    })
}

/// A back end's options: key, kind (the values it takes, in words), default and help.
fn options_json(info: &BackendInfo) -> Value {
    let defaults = (info.defaults)();
    let options: Vec<Value> = info
        .options
        .iter()
        .map(|option| {
            json!({
                "key": option.key,
                "kind": option.kind.describe(),
                "default": defaults.get(option.key),
                "help": option.help,
            })
        })
        .collect();
    Value::Array(options)
}
