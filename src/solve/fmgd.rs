//! `fmgd` and `fmgd-reg`: TerpreT's forward-mode gradient descent (Gaunt et al. 2016, the
//! paper's first two baselines). Every param is the softmax of free logits; Adam descends the
//! loss at that relaxed point; the candidate is the argmax of each param. `fmgd-reg` adds the
//! one-hot penalty of `relax.rs` (the Gini impurity, weighted by `reg`). Defaults and the
//! measurements behind them: docs/backends.md.

use super::relax::{Relaxation, Schedule, Settings};
use super::{always_admissible, option, BackendInfo, OptionInfo, Options, Solver};

const RATE: OptionInfo = OptionInfo { key: "lr", default: 1.0, help: "Adam learning rate on the logits" };
const INIT: OptionInfo = OptionInfo { key: "init", default: 0.1, help: "standard deviation of the initial logits" };
const REG: OptionInfo =
    OptionInfo { key: "reg", default: 0.03, help: "weight of the one-hot penalty reg * sum p(1 - p) per param" };

const FMGD_OPTIONS: &[OptionInfo] = &[RATE, INIT];
const FMGD_REG_OPTIONS: &[OptionInfo] = &[RATE, INIT, REG];

/// Settings shared by both: temperature 1 throughout, no noise; `reg` is 0 when not given.
fn settings(options: &Options) -> Settings {
    Settings {
        rate: option(options, "lr"),
        init: option(options, "init").max(0.0),
        penalty: option(options, "reg"),
        temperature: Schedule::CONSTANT,
        gumbel: false,
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(Relaxation::new(settings(options)))
}

pub static BACKENDS: [BackendInfo; 2] = [
    BackendInfo {
        name: "fmgd",
        summary: "continuous relaxation (TerpreT's FMGD): Adam on the softmax logits of every param",
        options: FMGD_OPTIONS,
        make,
        admissible: always_admissible,
    },
    BackendInfo {
        name: "fmgd-reg",
        summary: "FMGD plus a penalty reg * sum p(1 - p) pushing every param toward one-hot",
        options: FMGD_REG_OPTIONS,
        make,
        admissible: always_admissible,
    },
];
