//! `tpt backends`: every back end with its hyperparameters and their defaults.

use tpt::solve::registry;

use super::EXIT_OK;
use tpt::pipeline::DEFAULT_BACKEND;

pub fn main() -> u8 {
    for info in registry() {
        let default = if info.name == DEFAULT_BACKEND { " (default)" } else { "" };
        outln!("{}{default}\n    {}", info.name, info.summary);
        for option in info.options {
            outln!("    --opt {}={}    {}", option.key, option.default, option.help);
        }
        outln!();
    }
    EXIT_OK
}
