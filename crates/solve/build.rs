//! Compiles `csrc/cadical_shim.cpp`, tpt's C interface over CaDiCaL's `Solver` (`src/cdcl.rs`),
//! against the public header `cadical.hpp` of the CaDiCaL sources that the `cadical` crate
//! compiles and links, after checking that they are the release the shim is written against.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The CaDiCaL release the shim is written against: the one the `cadical` crate pinned in
/// Cargo.toml (`=0.1.16`) bundles.
const CADICAL_VERSION: &str = "1.9.5";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=csrc/cadical_shim.cpp");
    let cadical = cadical_sources();
    let version_file = cadical.join("VERSION");
    let header_dir = cadical.join("src");
    println!("cargo:rerun-if-changed={}", version_file.display());
    println!("cargo:rerun-if-changed={}", header_dir.join("cadical.hpp").display());
    check_version(&version_file);
    // For the unit test that compares it with the version of the library linked in.
    println!("cargo:rustc-env=TPT_CADICAL_VERSION={CADICAL_VERSION}");
    cc::Build::new()
        .cpp(true)
        .std("c++17")
        // The `cadical` crate compiles the library with NTRACING, which leaves the members for
        // tracing API calls out of `Solver`: the shim must see the same class.
        .define("NTRACING", None)
        .include(&header_dir)
        .file("csrc/cadical_shim.cpp")
        .compile("tpt_cadical_shim");
}

/// Fails the build unless the CaDiCaL sources at hand are `CADICAL_VERSION`.
fn check_version(version_file: &Path) {
    let found = fs::read_to_string(version_file)
        .unwrap_or_else(|err| panic!("cannot read CaDiCaL's version from {}: {err}", version_file.display()));
    let found = found.trim();
    assert!(
        found == CADICAL_VERSION,
        "the `cadical` crate bundles CaDiCaL {found}, but csrc/cadical_shim.cpp is written against \
         CaDiCaL {CADICAL_VERSION}: pin the `cadical` crate in Cargo.toml to the release that \
         bundles CaDiCaL {CADICAL_VERSION}, or port the shim and its tests to {found} and update \
         CADICAL_VERSION in build.rs"
    );
}

/// The `cadical` directory (CaDiCaL's own tree: `VERSION`, `src/cadical.hpp`) of the `cadical`
/// package this package depends on, wherever cargo keeps it: the registry's cache, vendored
/// sources or a patched copy alike.
fn cadical_sources() -> PathBuf {
    let metadata = cargo_metadata();
    let packages = metadata["packages"].as_array().map(Vec::as_slice).unwrap_or_default();
    let own_name = env::var("CARGO_PKG_NAME").unwrap_or_default();
    let own_version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let own_id = packages
        .iter()
        .find(|package| package["name"] == own_name.as_str() && package["version"] == own_version.as_str())
        .map(|package| &package["id"])
        .unwrap_or_else(|| panic!("`cargo metadata` does not list {own_name} {own_version}"));
    let nodes = metadata["resolve"]["nodes"].as_array().map(Vec::as_slice).unwrap_or_default();
    let cadical_id = nodes
        .iter()
        .find(|node| &node["id"] == own_id)
        .and_then(|node| node["deps"].as_array())
        .and_then(|deps| deps.iter().find(|dep| dep["name"] == "cadical"))
        .map(|dep| &dep["pkg"])
        .unwrap_or_else(|| panic!("`cargo metadata` resolves no `cadical` dependency of {own_name}"));
    let manifest = packages
        .iter()
        .find(|package| &package["id"] == cadical_id)
        .and_then(|package| package["manifest_path"].as_str())
        .unwrap_or_else(|| panic!("`cargo metadata` gives no manifest path for {cadical_id}"));
    Path::new(manifest).with_file_name("cadical")
}

/// `cargo metadata` of the workspace, restricted to the packages of this build's platforms.
fn cargo_metadata() -> Value {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let mut platforms = Vec::new();
    for var in ["TARGET", "HOST"] {
        if let Ok(triple) = env::var(var) {
            if !platforms.contains(&triple) {
                platforms.push(triple);
            }
        }
    }
    let run = |offline: bool| -> Output {
        let mut command = Command::new(&cargo);
        command.args(["metadata", "--format-version", "1"]).current_dir(&manifest_dir);
        for triple in &platforms {
            command.args(["--filter-platform", triple]);
        }
        if offline {
            command.arg("--offline");
        }
        command.output().unwrap_or_else(|err| panic!("cannot run `cargo metadata`: {err}"))
    };
    // `cargo metadata` reads the manifest of every package in the lock file, dev-dependencies
    // included, which a first `cargo build` has not downloaded: then it may fetch them, as
    // `cargo fetch` would.
    let mut output = run(true);
    if !output.status.success() {
        output = run(false);
    }
    assert!(
        output.status.success(),
        "`cargo metadata` failed, so the CaDiCaL header of the `cadical` crate cannot be found (`cargo \
         fetch` downloads what it needs):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| panic!("cannot read `cargo metadata`: {err}"))
}
