//! What a back end can do, declared with it in the registry (`BackendInfo::capabilities`), so
//! that the pipeline, `tpt backends` and the Python package read it instead of building the
//! back end to ask it, or looking for an option by name.

/// A back end's capabilities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// It answers (a program, or a proof that none exists) instead of improving a candidate:
    /// `--max-steps` does not bound it the same way, and a run it did not finish has no
    /// candidate to report.
    pub exact: bool,
    /// It proves optima: with `minimize` or `--max-violations` its answer is the best one.
    pub optimizes: bool,
    /// What runs on a program with real params.
    pub reals: Reals,
    /// How it runs counterexample-guided (`--cegis`).
    pub cegis: Cegis,
}

impl Capabilities {
    /// A back end that improves a candidate: beside the real-param stage on reals, in the
    /// executor's counterexample rounds with `--cegis`, proving nothing.
    pub const SEARCH: Capabilities =
        Capabilities { exact: false, optimizes: false, reals: Reals::Stage, cegis: Cegis::Rounds };
}

/// What runs on a program with real params.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reals {
    /// The back end, beside the real-param stage (Adam on the reals).
    Stage,
    /// The back end of this name runs in its place (`auto`: its gradient half).
    Substitute(&'static str),
    /// Refused: the exact encodings are of finite domains.
    Refused,
}

/// How a back end runs counterexample-guided (`--cegis`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cegis {
    /// In the run loop's rounds: it searches on the examples its candidates failed, and goes
    /// on from its candidate when more join.
    Rounds,
    /// By a counterexample-guided search of its own, which its `cegis` option turns on
    /// (`--cegis` sets it).
    Own,
    /// Not at all.
    Unsupported,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{backend, registry};

    /// What the registry declares is what the back ends are: an exact back end is built
    /// exact, one with its own counterexample loop has the `cegis` option that turns it on,
    /// and a substitute on reals is a back end that runs beside the real-param stage.
    #[test]
    fn declared_capabilities_agree_with_the_back_ends() {
        for info in registry() {
            let built = (info.make)(&(info.defaults)());
            assert_eq!(built.is_exact(), info.capabilities.exact, "{}", info.name);
            let has_option = info.options.iter().any(|option| option.key == "cegis");
            assert_eq!(info.capabilities.cegis == Cegis::Own, has_option, "{}", info.name);
            if !info.capabilities.exact {
                assert_eq!(info.capabilities.cegis, Cegis::Rounds, "{}", info.name);
                assert_eq!(info.capabilities.reals, Reals::Stage, "{}", info.name);
            }
            if let Reals::Substitute(name) = info.capabilities.reals {
                let substitute = backend(name).unwrap_or_else(|| panic!("{}: no back end `{name}`", info.name));
                assert_eq!(substitute.capabilities.reals, Reals::Stage, "{}", info.name);
                assert_eq!(info.substitute_for_reals().map(|b| b.name), Some(name));
            }
        }
        assert_eq!(backend("auto").and_then(|b| b.substitute_for_reals()).map(|b| b.name), Some("gradsearch-la"));
    }
}
