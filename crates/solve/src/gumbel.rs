//! `gumbel`: the Gumbel-softmax relaxation (Jang et al. 2017; Maddison et al. 2017), one of
//! the paper's baselines. At every step each param is `softmax((z + g) / T)` with fresh
//! standard Gumbel noise `g` and the temperature `T` annealed as in `temp-softmax`; Adam
//! descends the loss at that noisy point. The candidate is the noise-free argmax of the
//! logits (the mode of the distribution the logits define). Defaults and the measurements
//! behind them: docs/backends.md.

use super::temp_softmax::{TempParams, TEMP_OPTIONS};
use super::{always_admissible, BackendInfo, Options, Solver};
use crate::Capabilities;

/// `temp-softmax`'s options with a smaller learning rate and a warmer end: the noise needs both.
fn defaults() -> TempParams {
    TempParams { lr: 0.03, t_end: 0.3, ..TempParams::default() }
}

fn make(options: &Options) -> Box<dyn Solver> {
    Box::new(options.decode::<TempParams>().relaxation(true))
}

pub static BACKENDS: [BackendInfo; 1] = [BackendInfo {
    name: "gumbel",
    summary: "Gumbel-softmax: fresh Gumbel noise on the logits every step, annealed temperature",
    options: TEMP_OPTIONS,
    defaults: || Options::of(&defaults()),
    make,
    admissible: always_admissible,
    capabilities: Capabilities::SEARCH,
}];
