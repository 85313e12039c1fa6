//! `tpt backends`: every back end with its hyperparameters: their types, ranges and defaults.

use tpt::solve::{registry, BackendInfo, REAL_STAGE};

use super::EXIT_OK;
use tpt::pipeline::DEFAULT_BACKEND;

pub fn main() -> u8 {
    // The real-param stage is listed last: its `real-*` keys go with any back end that is
    // not exact, on a sketch with real params.
    let stage: [&BackendInfo; 1] = [&REAL_STAGE];
    for info in registry().into_iter().chain(stage) {
        let default = if info.name == DEFAULT_BACKEND { " (default)" } else { "" };
        outln!("{}{default}\n    {}", info.name, info.summary);
        if let Some(substitute) = info.for_reals {
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
