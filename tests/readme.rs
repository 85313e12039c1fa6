//! The README's set-up agrees with Cargo.toml: the minimum Rust version it states is the
//! declared `rust-version`, and it says how to install `tpt` (with the locked versions) and
//! what building needs.

use std::path::Path;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect("readable")
}

#[test]
fn the_readme_states_the_declared_rust_version_and_how_to_install() {
    let manifest = read("Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("rust-version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("Cargo.toml declares rust-version");
    assert_eq!(version, env!("CARGO_PKG_RUST_VERSION"));
    let readme = read("README.md");
    assert!(readme.contains(&format!("{version} or newer")), "README.md must state Rust {version}");
    assert!(readme.contains("cargo install --locked --path ."), "README.md must say how to put tpt on PATH");
    // Without `--locked`, `cargo install` ignores Cargo.lock and resolves newer crates than
    // the tests ran with.
    assert!(!readme.contains("cargo install --path"), "README.md must install with `--locked`");
    assert!(readme.contains("C++ compiler"), "README.md must say that building needs a C++ compiler");
    assert!(!readme.contains("built-in"), "the SAT solvers are bundled CaDiCaL and batsat, not built in");
}
