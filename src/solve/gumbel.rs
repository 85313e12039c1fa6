//! `gumbel`: the Gumbel-softmax relaxation (Jang et al. 2017; Maddison et al. 2017), one of
//! the paper's baselines. At every step each param is `softmax((z + g) / T)` with fresh
//! standard Gumbel noise `g` and the temperature `T` annealed as in `temp-softmax`; Adam
//! descends the loss at that noisy point. The candidate is the noise-free argmax of the
//! logits (the mode of the distribution the logits define). Defaults and the measurements
//! behind them: docs/backends.md.

use super::relax::{Relaxation, Settings};
use super::temp_softmax::{schedule, ANNEAL, LINEAR, T_END, T_START};
use super::{always_admissible, option, BackendInfo, OptionInfo, Options, Solver};

const GUMBEL_OPTIONS: &[OptionInfo] = &[
    OptionInfo { key: "lr", default: 0.03, help: "Adam learning rate on the logits" },
    OptionInfo { key: "init", default: 0.1, help: "standard deviation of the initial logits" },
    OptionInfo { default: 1.0, ..T_START },
    OptionInfo { default: 0.3, ..T_END },
    OptionInfo { default: 1000.0, ..ANNEAL },
    LINEAR,
];

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(Relaxation::new(Settings {
        rate: option(options, "lr"),
        init: option(options, "init").max(0.0),
        penalty: 0.0,
        temperature: schedule(options),
        gumbel: true,
    }))
}

pub static BACKENDS: [BackendInfo; 1] = [BackendInfo {
    name: "gumbel",
    summary: "Gumbel-softmax: fresh Gumbel noise on the logits every step, annealed temperature",
    options: GUMBEL_OPTIONS,
    make,
    admissible: always_admissible,
}];
