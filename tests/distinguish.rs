//! Are the examples enough? After a program is found, `tpt synth` asks for another program
//! that fits every example but behaves differently on some input; `--all N` lists up to N
//! programs with pairwise different behaviour. Checked on small sketches whose answers are
//! known: the distinguishing input really distinguishes (both printed programs run with
//! `tpt run --input` give the outputs reported), examples that pin the behaviour down give
//! `null`, a table with two free entries of three values has exactly nine behaviours.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn tpt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tpt"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["--color", "never"])
        .output()
        .expect("the tpt binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("distinguish");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir.join(name)
}

/// `tpt synth` with `--json`: the parsed object, after checking the exit code.
fn synth_json(args: &[&str]) -> Value {
    let mut all = vec!["synth"];
    all.extend_from_slice(args);
    all.push("--json");
    let result = tpt(&all);
    assert_eq!(result.status.code(), Some(0), "{args:?}:\n{}", text(&result.stderr));
    serde_json::from_slice(&result.stdout).expect("JSON on stdout")
}

/// The programs `--all` printed, each under its `// program i of n` line, as separate files.
fn listed_programs(stdout: &str, name: &str) -> Vec<PathBuf> {
    let parts: Vec<&str> = stdout.split("// program ").filter(|p| !p.trim().is_empty()).collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let path = scratch(&format!("{name}-{i}.tpt"));
            std::fs::write(&path, format!("// program {part}")).expect("write a listed program");
            path
        })
        .collect()
}

/// `tpt run FILE --input x=VALUE`: the line it prints.
fn run_on(file: &Path, input: &str) -> String {
    let result = tpt(&["run", &file.to_string_lossy(), "--input", input]);
    assert_eq!(result.status.code(), Some(0), "run {} {input}:\n{}", file.display(), text(&result.stderr));
    text(&result.stdout).trim().to_string()
}

#[test]
fn the_distinguishing_input_really_distinguishes_the_two_programs() {
    let file = "tests/distinguish/offset.tpt";
    let json = synth_json(&[file, "--backend", "sat", "--all", "2"]);
    assert_eq!(json["distinguish_check"], "distinguished");
    let found = &json["distinguishing_input"];
    let x = found["inputs"]["x"].as_u64().expect("x is a number");
    // q matters only for x >= 2; the two programs are q = 0 and q = 1, which give
    // (x + 1) % 4 and (x + 2) % 4 there.
    assert!(x >= 2, "{found}");
    let (y, other_y) = (found["outputs"]["y"].as_u64(), found["other_outputs"]["y"].as_u64());
    assert_ne!(y, other_y);
    assert_eq!(found["differing"], serde_json::json!(["y"]));
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["complete"], true, "q has two values: two behaviours, and no others");
    // Both printed programs, run on that input, give the two outputs reported.
    let listed = tpt(&["synth", file, "--backend", "sat", "--all", "2"]);
    assert_eq!(listed.status.code(), Some(0));
    let programs = listed_programs(&text(&listed.stdout), "offset");
    assert_eq!(programs.len(), 2);
    let input = format!("x={x}");
    let first = run_on(&programs[0], &input);
    let second = run_on(&programs[1], &input);
    assert_eq!(first, format!("input (x = {x}): y = {}", y.unwrap_or(99)));
    assert_eq!(second, format!("input (x = {x}): y = {}", other_y.unwrap_or(99)));
}

#[test]
fn the_advice_names_the_input_and_both_outputs_at_the_input_declaration() {
    let result = tpt(&["synth", "tests/distinguish/offset.tpt", "--backend", "sat"]);
    assert_eq!(result.status.code(), Some(0));
    let stderr = text(&result.stderr);
    let advice: String = stderr
        .split("note: ")
        .find(|part| part.starts_with("another program"))
        .map(|part| part.lines().filter(|l| !l.contains("found by sat")).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default();
    insta::assert_snapshot!("distinguish_offset_advice", advice);
}

#[test]
fn examples_that_pin_the_behaviour_down_give_null() {
    for (file, backend) in
        [("tests/distinguish/lookup_full.tpt", "sat"), ("programs/circuit_nand.tpt", "gradsearch-la")]
    {
        let json = synth_json(&[file, "--backend", backend, "--seed", "1"]);
        assert_eq!(json["distinguish_check"], "pinned_down", "{file}");
        assert!(json["distinguishing_input"].is_null(), "{file}");
        assert!(json.get("programs").is_none(), "only --all lists programs");
        let result = tpt(&["synth", file, "--backend", backend, "--seed", "1"]);
        let stderr = text(&result.stderr);
        assert!(stderr.contains("note: the examples pin the behaviour down"), "{stderr}");
        assert!(!stderr.contains("another program"), "{stderr}");
    }
}

#[test]
fn no_distinguish_turns_the_check_off() {
    let json = synth_json(&["tests/distinguish/offset.tpt", "--backend", "sat", "--no-distinguish"]);
    assert_eq!(json["distinguish_check"], "off");
    assert!(json["distinguishing_input"].is_null());
    let result = tpt(&["synth", "tests/distinguish/offset.tpt", "--backend", "sat", "--no-distinguish"]);
    assert_eq!(result.status.code(), Some(0));
    let stderr = text(&result.stderr);
    assert!(!stderr.contains("another program") && !stderr.contains("pin the behaviour"), "{stderr}");
    // `--all` needs the check.
    let both = tpt(&["synth", "tests/distinguish/offset.tpt", "--no-distinguish", "--all", "2"]);
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
    let zero = tpt(&["synth", "tests/distinguish/offset.tpt", "--all", "0"]);
    assert_eq!(zero.status.code(), Some(2), "{}", text(&zero.stderr));
}

/// The outputs of a program on every input 0..4 of `x`: its behaviour.
fn behaviour(file: &Path) -> Vec<String> {
    (0..4).map(|x| run_on(file, &format!("x={x}"))).collect()
}

#[test]
fn all_lists_every_behaviour_and_says_the_list_is_complete() {
    // f[2] and f[3] are free (3 values each), `spare` matters nowhere: 9 behaviours.
    let file = "tests/distinguish/lookup.tpt";
    let result = tpt(&["synth", file, "--backend", "sat", "--all", "20"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    let programs = listed_programs(&stdout, "lookup");
    assert_eq!(programs.len(), 9);
    let behaviours: BTreeSet<Vec<String>> = programs.iter().map(|p| behaviour(p)).collect();
    assert_eq!(behaviours.len(), 9, "the listed programs behave pairwise differently");
    for b in &behaviours {
        assert_eq!(&b[..2], ["input (x = 0): y = 2", "input (x = 1): y = 0"], "every one fits the examples");
    }
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("note: 9 programs with pairwise different behaviour fit every example; the list is complete"),
        "{stderr}"
    );
    let json = synth_json(&[file, "--backend", "sat", "--all", "20"]);
    assert_eq!(json["complete"], true);
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(9));
    // Asking for fewer lists that many and says that more exist.
    let json = synth_json(&[file, "--backend", "sat", "--all", "4"]);
    assert_eq!(json["complete"], false);
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(4));
    let fewer = tpt(&["synth", file, "--backend", "sat", "--all", "4"]);
    assert!(text(&fewer.stderr)
        .contains("note: 4 programs with pairwise different behaviour fit every example; more exist"));
    // The same bytes on every run, and from a gradient back end the same count.
    let again = tpt(&["synth", file, "--backend", "sat", "--all", "20"]);
    assert_eq!(text(&again.stdout), stdout);
    let json = synth_json(&[file, "--all", "20", "--seed", "3"]);
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(9));
    assert_eq!(json["complete"], true);
}

#[test]
fn a_check_out_of_budget_says_so() {
    // The full adder's second program is as hard to find as the first, and proving that none
    // behaves differently is harder still: 10 conflicts are not enough.
    let file = "programs/circuit_adder.tpt";
    let json = synth_json(&[file, "--backend", "sat", "--distinguish-conflicts", "10"]);
    assert_eq!(json["status"], "found");
    assert_eq!(json["distinguish_check"], "out_of_budget");
    assert!(json["distinguishing_input"].is_null());
    let result = tpt(&["synth", file, "--backend", "sat", "--distinguish-conflicts", "10"]);
    assert_eq!(result.status.code(), Some(0));
    assert!(
        text(&result.stderr).contains("note: the check for another program that fits every example ran out of its budget (10 conflicts per solve)"),
        "{}",
        text(&result.stderr)
    );
}

#[test]
fn results_without_a_program_have_no_check() {
    let result = tpt(&["synth", "tests/impossible/one_gate_xor.tpt", "--backend", "sat", "--json"]);
    assert_eq!(result.status.code(), Some(3));
    let json: Value = serde_json::from_slice(&result.stdout).expect("JSON");
    assert!(json["distinguish_check"].is_null());
    assert!(json["distinguishing_input"].is_null());
}
