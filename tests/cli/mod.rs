//! Shared by the tests that run the `tpt` binary: a run and its output as text, and scratch
//! files under cargo's temporary directory for the test target.
// Each test file uses part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `tpt ARGS --color never` from the repository root.
pub fn tpt(args: &[&str]) -> Output {
    tpt_as_given(&[args, &["--color", "never"]].concat())
}

/// `tpt ARGS` from the repository root, for commands and messages where the colour flag does
/// not belong.
pub fn tpt_as_given(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tpt"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the tpt binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A path for a scratch file `name` in the directory `test` of the test target's temporary
/// directory (created).
pub fn scratch_in(test: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir.join(name)
}
