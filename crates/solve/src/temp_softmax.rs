//! `temp-softmax` and `temp-softmax-reg`: FMGD with an annealed temperature (the paper's
//! "temperated softmax" baselines). Every param is `softmax(z / T)` of free logits `z`, with `T`
//! moving from `t-start` to `t-end` over `anneal` steps (geometrically, or linearly with
//! `linear=true`) and then staying at `t-end`, so that the relaxation hardens toward one-hot as
//! the search goes on. The `-reg` variant adds the one-hot penalty of `relax.rs`. Defaults and
//! the measurements behind them: docs/backends.md.

use serde::{Deserialize, Serialize};

use super::fmgd::{INIT, RATE, REG};
use super::relax::{Relaxation, Schedule, Settings};
use super::{always_admissible, BackendInfo, Kind, OptionInfo, Options, Solver};
use crate::Capabilities;

pub(super) const T_START: OptionInfo =
    OptionInfo { key: "t-start", kind: Kind::above(0.0), help: "temperature at the first step" };
pub(super) const T_END: OptionInfo =
    OptionInfo { key: "t-end", kind: Kind::above(0.0), help: "temperature after annealing" };
pub(super) const ANNEAL: OptionInfo = OptionInfo {
    key: "anneal",
    kind: Kind::integer_from(0),
    help: "steps over which the temperature moves from t-start to t-end (0: t-end from the start)",
};
pub(super) const LINEAR: OptionInfo =
    OptionInfo { key: "linear", kind: Kind::Bool, help: "anneal linearly (false: geometrically)" };

pub(super) const TEMP_OPTIONS: &[OptionInfo] = &[RATE, INIT, T_START, T_END, ANNEAL, LINEAR];
const TEMP_REG_OPTIONS: &[OptionInfo] = &[RATE, INIT, T_START, T_END, ANNEAL, LINEAR, REG];

/// The options of `temp-softmax` (and, with other defaults, `gumbel`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct TempParams {
    pub lr: f64,
    pub init: f64,
    pub t_start: f64,
    pub t_end: f64,
    pub anneal: u64,
    pub linear: bool,
}

impl Default for TempParams {
    fn default() -> Self {
        TempParams { lr: 1.0, init: 0.1, t_start: 1.0, t_end: 0.1, anneal: 1000, linear: false }
    }
}

impl TempParams {
    fn schedule(&self) -> Schedule {
        Schedule { start: self.t_start, end: self.t_end, steps: self.anneal as f64, linear: self.linear }
    }

    /// The relaxation these options describe, with Gumbel noise or without.
    pub(super) fn relaxation(&self, gumbel: bool) -> Relaxation {
        Relaxation::new(Settings { rate: self.lr, init: self.init, penalty: 0.0, temperature: self.schedule(), gumbel })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct TempRegParams {
    lr: f64,
    init: f64,
    t_start: f64,
    t_end: f64,
    anneal: u64,
    linear: bool,
    reg: f64,
}

impl Default for TempRegParams {
    fn default() -> Self {
        let t = TempParams::default();
        TempRegParams {
            lr: t.lr,
            init: t.init,
            t_start: t.t_start,
            t_end: t.t_end,
            anneal: t.anneal,
            linear: t.linear,
            reg: 0.03,
        }
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(options.decode::<TempParams>().relaxation(false))
}

fn make_reg(options: &Options) -> Box<dyn Solver> {
    let p: TempRegParams = options.decode();
    let schedule = Schedule { start: p.t_start, end: p.t_end, steps: p.anneal as f64, linear: p.linear };
    Box::new(Relaxation::new(Settings {
        rate: p.lr,
        init: p.init,
        penalty: p.reg,
        temperature: schedule,
        gumbel: false,
    }))
}

pub static BACKENDS: [BackendInfo; 2] = [
    BackendInfo {
        name: "temp-softmax",
        summary: "continuous relaxation with an annealed softmax temperature",
        options: TEMP_OPTIONS,
        defaults: || Options::of(&TempParams::default()),
        make,
        admissible: always_admissible,
        capabilities: Capabilities::SEARCH,
    },
    BackendInfo {
        name: "temp-softmax-reg",
        summary: "annealed-temperature relaxation plus the one-hot penalty reg * sum p(1 - p)",
        options: TEMP_REG_OPTIONS,
        defaults: || Options::of(&TempRegParams::default()),
        make: make_reg,
        admissible: always_admissible,
        capabilities: Capabilities::SEARCH,
    },
];
