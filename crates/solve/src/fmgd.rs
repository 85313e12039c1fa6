//! `fmgd` and `fmgd-reg`: TerpreT's forward-mode gradient descent (Gaunt et al. 2016, the
//! paper's first two baselines). Every param is the softmax of free logits; Adam descends the
//! loss at that relaxed point; the candidate is the argmax of each param. `fmgd-reg` adds the
//! one-hot penalty of `relax.rs` (the Gini impurity, weighted by `reg`). Defaults and the
//! measurements behind them: docs/backends.md.

use serde::{Deserialize, Serialize};

use super::relax::{Relaxation, Schedule, Settings};
use super::{always_admissible, BackendInfo, Kind, OptionInfo, Options, Solver};
use crate::Capabilities;

pub(super) const RATE: OptionInfo =
    OptionInfo { key: "lr", kind: Kind::above(0.0), help: "Adam learning rate on the logits" };
pub(super) const INIT: OptionInfo =
    OptionInfo { key: "init", kind: Kind::at_least(0.0), help: "standard deviation of the initial logits" };
pub(super) const REG: OptionInfo = OptionInfo {
    key: "reg",
    kind: Kind::at_least(0.0),
    help: "weight of the one-hot penalty reg * sum p(1 - p) per param",
};

const FMGD_OPTIONS: &[OptionInfo] = &[RATE, INIT];
const FMGD_REG_OPTIONS: &[OptionInfo] = &[RATE, INIT, REG];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FmgdParams {
    lr: f64,
    init: f64,
}

impl Default for FmgdParams {
    fn default() -> Self {
        FmgdParams { lr: 1.0, init: 0.1 }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FmgdRegParams {
    lr: f64,
    init: f64,
    reg: f64,
}

impl Default for FmgdRegParams {
    fn default() -> Self {
        FmgdRegParams { lr: 1.0, init: 0.1, reg: 0.03 }
    }
}

/// Temperature 1 throughout, no noise.
fn settings(rate: f64, init: f64, penalty: f64) -> Settings {
    Settings { rate, init, penalty, temperature: Schedule::CONSTANT, gumbel: false }
}

fn make(options: &Options) -> Box<dyn Solver> {
    let p: FmgdParams = options.decode();
    Box::new(Relaxation::new(settings(p.lr, p.init, 0.0)))
}

fn make_reg(options: &Options) -> Box<dyn Solver> {
    let p: FmgdRegParams = options.decode();
    Box::new(Relaxation::new(settings(p.lr, p.init, p.reg)))
}

pub static BACKENDS: [BackendInfo; 2] = [
    BackendInfo {
        name: "fmgd",
        summary: "continuous relaxation (TerpreT's FMGD): Adam on the softmax logits of every param",
        options: FMGD_OPTIONS,
        defaults: || Options::of(&FmgdParams::default()),
        make,
        admissible: always_admissible,
        capabilities: Capabilities::SEARCH,
    },
    BackendInfo {
        name: "fmgd-reg",
        summary: "FMGD plus a penalty reg * sum p(1 - p) pushing every param toward one-hot",
        options: FMGD_REG_OPTIONS,
        defaults: || Options::of(&FmgdRegParams::default()),
        make: make_reg,
        admissible: always_admissible,
        capabilities: Capabilities::SEARCH,
    },
];
