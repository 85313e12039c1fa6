//! `temp-softmax` and `temp-softmax-reg`: FMGD with an annealed temperature (the paper's
//! "temperated softmax" baselines). Every param is `softmax(z / T)` of free logits `z`, with `T`
//! moving from `t-start` to `t-end` over `anneal` steps (geometrically, or linearly with
//! `linear=1`) and then staying at `t-end`, so that the relaxation hardens toward one-hot as
//! the search goes on. The `-reg` variant adds the one-hot penalty of `relax.rs`. Defaults and
//! the measurements behind them: docs/backends.md.

use super::relax::{Relaxation, Schedule, Settings};
use super::{always_admissible, option, BackendInfo, OptionInfo, Options, Solver};

// Each a `const` of its own: `OptionInfo` is not `Copy`, but a named constant can be used
// (and updated with `..`) any number of times.
pub(super) const T_START: OptionInfo =
    OptionInfo { key: "t-start", default: 1.0, help: "temperature at the first step" };
pub(super) const T_END: OptionInfo = OptionInfo { key: "t-end", default: 0.1, help: "temperature after annealing" };
pub(super) const ANNEAL: OptionInfo =
    OptionInfo { key: "anneal", default: 1000.0, help: "steps over which the temperature moves from t-start to t-end" };
pub(super) const LINEAR: OptionInfo =
    OptionInfo { key: "linear", default: 0.0, help: "1: anneal linearly; 0: geometrically" };

const TEMP_OPTIONS: &[OptionInfo] = &[
    OptionInfo { key: "lr", default: 1.0, help: "Adam learning rate on the logits" },
    OptionInfo { key: "init", default: 0.1, help: "standard deviation of the initial logits" },
    T_START,
    T_END,
    ANNEAL,
    LINEAR,
];

const TEMP_REG_OPTIONS: &[OptionInfo] = &[
    OptionInfo { key: "lr", default: 1.0, help: "Adam learning rate on the logits" },
    OptionInfo { key: "init", default: 0.1, help: "standard deviation of the initial logits" },
    T_START,
    T_END,
    ANNEAL,
    LINEAR,
    OptionInfo { key: "reg", default: 0.03, help: "weight of the one-hot penalty reg * sum p(1 - p) per param" },
];

/// The temperature schedule from the options a back end declares.
pub(super) fn schedule(options: &Options) -> Schedule {
    Schedule {
        start: option(options, "t-start"),
        end: option(options, "t-end"),
        steps: option(options, "anneal"),
        linear: option(options, "linear") != 0.0,
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(Relaxation::new(Settings {
        rate: option(options, "lr"),
        init: option(options, "init").max(0.0),
        // Absent (0) for `temp-softmax`.
        penalty: option(options, "reg"),
        temperature: schedule(options),
        gumbel: false,
    }))
}

pub static BACKENDS: [BackendInfo; 2] = [
    BackendInfo {
        name: "temp-softmax",
        summary: "continuous relaxation with an annealed softmax temperature",
        options: TEMP_OPTIONS,
        make,
        admissible: always_admissible,
    },
    BackendInfo {
        name: "temp-softmax-reg",
        summary: "annealed-temperature relaxation plus the one-hot penalty reg * sum p(1 - p)",
        options: TEMP_REG_OPTIONS,
        make,
        admissible: always_admissible,
    },
];
