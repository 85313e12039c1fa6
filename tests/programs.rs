//! Golden runs of the shipped programs: every sketch in `programs/` checks, every bound
//! program in `programs/bound/` runs and passes its examples, and a bound program with one
//! param element changed (to a value that breaks it) fails with exit 1 and names the example.
//! The `tpt check` summaries and a few `tpt run` outputs are insta snapshots.

use std::path::{Path, PathBuf};
use std::process::Command;

use tpt::check::CheckOptions;
use tpt::diagnostics::SourceMap;
use tpt::interp::{bound_params, run_example, verify, ParamValues};
use tpt::pipeline::{compile, Compiled};
use tpt::print::{print_sketch, Notes};

/// The `.tpt` files directly in `dir` (relative to the crate root), sorted.
fn programs_in(dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(root.join(dir))
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tpt"))
        .map(|path| format!("{dir}/{}", path.file_name().expect("a name").to_string_lossy()))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no programs in {dir}");
    files
}

/// Run `tpt` in `dir` with colour off: (exit code, stdout, stderr).
fn tpt(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tpt"))
        .args(args)
        .args(["--color", "never"])
        .current_dir(dir)
        .output()
        .expect("the tpt binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn compile_file(path: &str) -> (String, Compiled) {
    let source = std::fs::read_to_string(root().join(path)).expect("readable program");
    let mut sources = SourceMap::new();
    let main = sources.add(path, source.clone());
    let compiled = compile(&sources, main, None, &CheckOptions::default())
        .unwrap_or_else(|d| panic!("{path} does not compile: {d:?}"));
    (source, compiled)
}

#[test]
fn every_sketch_checks() {
    let mut summaries = String::new();
    for path in programs_in("programs").into_iter().chain(programs_in("programs/bound")) {
        let (code, stdout, stderr) = tpt(root(), &["check", &path]);
        assert_eq!(code, 0, "`tpt check {path}` failed:\n{stderr}");
        summaries.push_str(&stdout);
    }
    insta::assert_snapshot!("check_summaries", summaries);
}

#[test]
fn every_bound_program_runs() {
    for path in programs_in("programs/bound") {
        let (code, stdout, stderr) = tpt(root(), &["run", &path]);
        assert_eq!(code, 0, "`tpt run {path}` failed:\n{stdout}{stderr}");
        assert!(stdout.contains(" examples pass") || stdout.contains(" example passes"), "{path}: {stdout}");
    }
}

#[test]
fn run_outputs() {
    for name in ["circuit_nand", "grid_walk", "turing_invert"] {
        let path = format!("programs/bound/{name}.tpt");
        let (code, stdout, stderr) = tpt(root(), &["run", &path]);
        let text = format!("$ tpt run {path}\n--- stdout\n{stdout}--- stderr\n{stderr}--- exit code: {code}\n");
        insta::assert_snapshot!(format!("run_{name}"), text);
    }
}

#[test]
fn run_on_a_new_input_says_what_it_computed() {
    // Nothing is expected of a new input, so no `ok`: the line gives the input and the outputs.
    let mut text = String::new();
    for (path, input) in [
        ("programs/bound/circuit_nand.tpt", "x=[1,0]"),
        ("programs/bound/fsm_div3.tpt", "s=[1,1,0,0,0]"),
        ("programs/bound/turing_invert.tpt", "tape0=[1,0,1,0,0]"),
    ] {
        let (code, stdout, stderr) = tpt(root(), &["run", path, "--input", input]);
        assert!(!stdout.contains(": ok:"), "{path}: {stdout}");
        text.push_str(&format!(
            "$ tpt run {path} --input {input}\n--- stdout\n{stdout}--- stderr\n{stderr}--- exit code: {code}\n"
        ));
    }
    let (code, stdout, _) = tpt(root(), &["run", "programs/bound/parity_chain.tpt"]);
    assert_eq!(code, 0);
    text.push_str(&format!("$ tpt run programs/bound/parity_chain.tpt\n--- stdout\n{stdout}"));
    insta::assert_snapshot!("run_new_inputs", text);
}

/// The first single-element change of the bound params that makes some example fail, with
/// the label of the first failing example.
fn breaking_change(compiled: &Compiled) -> Option<(ParamValues, String)> {
    let program = &compiled.program;
    let correct = bound_params(program).expect("every param is bound");
    let max_steps = tpt::limits::Limits::default().max_unroll;
    for (id, array) in program.params() {
        for flat in 0..array.len() {
            for value in 0..array.domain {
                if value == correct[id][flat] {
                    continue;
                }
                let mut values = correct.clone();
                values[id][flat] = value;
                if verify(program, &values, max_steps) {
                    continue;
                }
                let failing = program
                    .examples
                    .iter()
                    .find(|example| !run_example(program, &values, example, max_steps).passed())
                    .expect("some example fails");
                return Some((values, failing.label.clone()));
            }
        }
    }
    None
}

#[test]
fn a_wrong_binding_fails_and_names_the_example() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for path in programs_in("programs/bound") {
        let (source, compiled) = compile_file(&path);
        let (values, label) =
            breaking_change(&compiled).unwrap_or_else(|| panic!("{path}: no single param change breaks the program"));
        let wrong = print_sketch(&source, &compiled.parsed, &compiled.program, &values, &Notes::default());
        let name: PathBuf = Path::new(&path).file_name().expect("a name").into();
        std::fs::write(dir.path().join(&name), &wrong).expect("writable temporary file");
        let name = name.to_string_lossy().into_owned();
        let (code, stdout, stderr) = tpt(dir.path(), &["run", &name]);
        assert_eq!(code, 1, "{path} with a wrong binding: exit {code}\n{stdout}{stderr}");
        assert!(
            stderr.contains(&format!("{label}:")),
            "{path} with a wrong binding: the diagnostics do not name `{label}`:\n{stderr}"
        );
        if name == "circuit_nand.tpt" {
            let text = format!("$ tpt run {name}\n--- stdout\n{stdout}--- stderr\n{stderr}--- exit code: {code}\n");
            insta::assert_snapshot!("run_wrong_binding_circuit_nand", text);
        }
    }
}

/// The circuit programs of TerpreT's model (those with a wire count `W`; the Boolean-chain
/// model has none) give their examples with `bits(v, W)`, so a wider circuit (more scratch
/// wires) is one `--set` away: the examples keep their inputs on the first wires and
/// the rest at 0. (Their examples used to be lists of W values, which `--set W=..` broke.)
#[test]
fn circuit_examples_follow_the_width() {
    let with_wires = |path: &String| {
        path.contains("circuit_")
            && std::fs::read_to_string(root().join(path)).is_ok_and(|source| source.contains("\nconst W = "))
    };
    let circuits: Vec<String> = programs_in("programs").into_iter().filter(with_wires).collect();
    assert!(circuits.len() >= 10, "{circuits:?}");
    for path in circuits {
        let (code, stdout, stderr) = tpt(root(), &["check", &path, "--set", "W=7"]);
        assert_eq!(code, 0, "`tpt check {path} --set W=7` failed:\n{stdout}{stderr}");
        let source = std::fs::read_to_string(root().join(&path)).expect("readable program");
        let mut sources = SourceMap::new();
        let main = sources.add(&path, source);
        let wide = CheckOptions { overrides: vec![("W".to_string(), 7)], ..CheckOptions::default() };
        let wide = compile(&sources, main, None, &wide).expect("compiles with W = 7").program;
        let narrow = compile_file(&path).1.program;
        let x = narrow.array_named("x").expect("an input `x`");
        let width = narrow.arrays[x].len();
        assert_eq!(wide.examples.len(), narrow.examples.len(), "{path}");
        for (wide, narrow) in wide.examples.iter().zip(&narrow.examples) {
            let (wide, narrow) = (wide.values[x].as_ref().expect("x"), narrow.values[x].as_ref().expect("x"));
            assert_eq!(wide.len(), 7, "{path}");
            assert_eq!(&wide[..width], &narrow[..], "{path}: the inputs stay on the first wires");
            assert!(wide[width..].iter().all(|v| *v == Some(0)), "{path}: the added wires start at 0");
        }
    }
}
