//! Examples that contradict each other (the same inputs, different outputs) under
//! `--max-violations`: without the flag an error at both examples; with it a warning, the
//! search giving up the fewest examples (exact back ends) or at most N (gradient ones), and
//! an error saying how many would be needed when the contradictions alone need more than N.

mod cli;

use cli::{text, tpt};

use std::process::{Command, Output};

use tpt::check::CheckOptions;
use tpt::diagnostics::SourceMap;
use tpt::pipeline::{compile, Search, SearchConfig};

const DUPLICATE: &str = "tests/noisy/mislabelled_duplicate.tpt";
const THREE: &str = "tests/noisy/three_copies.tpt";
const TWO_PAIRS: &str = "tests/noisy/two_pairs.tpt";
const SYMMETRIC: &str = "tests/noisy/symmetric_pair.tpt";

const CONTRADICTION: &str = "example 4 and example 5 give the same inputs but observe different outputs";

fn z3_available() -> bool {
    Command::new("z3").arg("-version").output().is_ok_and(|o| o.status.success())
}

fn exact_backends() -> Vec<&'static str> {
    let mut backends = vec!["sat", "exhaustive", "auto"];
    if z3_available() {
        backends.push("smt");
    }
    backends
}

/// `tpt synth ARGS --json`, parsed.
fn synth_json(args: &[&str]) -> (Output, serde_json::Value) {
    let out = tpt(&[&["synth"][..], args, &["--json"]].concat());
    let value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("JSON from {args:?}:\n{}", text(&out.stderr)));
    (out, value)
}

/// The labels of the examples a result gave up.
fn violated(value: &serde_json::Value) -> Vec<String> {
    let list = value["violated_examples"].as_array().expect("a list of violated examples");
    list.iter().map(|e| e["label"].as_str().expect("a label").to_string()).collect()
}

#[test]
fn without_the_flag_a_contradicting_pair_is_an_error() {
    for args in [
        vec!["check", DUPLICATE],
        vec!["synth", DUPLICATE, "--backend", "sat"],
        vec!["synth", DUPLICATE, "--backend", "sat", "--max-violations", "0"],
        vec!["run", DUPLICATE],
        vec!["emit", "cnf", DUPLICATE],
    ] {
        let out = tpt(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&format!("error: {CONTRADICTION}")), "{args:?}: {stderr}");
        assert!(stderr.contains("mislabelled_duplicate.tpt:17:18"), "{args:?}: {stderr}");
        assert!(stderr.contains("correct or remove one of them"), "{args:?}: {stderr}");
    }
}

#[test]
fn max_violations_gives_the_mislabelled_copy_up() {
    for backend in exact_backends() {
        let (out, value) = synth_json(&[DUPLICATE, "--backend", backend, "--max-violations", "1"]);
        assert_eq!(out.status.code(), Some(0), "{backend}: {}", text(&out.stderr));
        assert_eq!(value["status"], "found", "{backend}");
        assert_eq!((value["params"]["p"].as_i64(), value["params"]["q"].as_i64()), (Some(3), Some(5)), "{backend}");
        assert_eq!(violated(&value), ["example 5"], "{backend}");
        let list = value["violated_examples"].as_array().expect("a list");
        assert_eq!((list[0]["line"].as_i64(), list[0]["column"].as_i64()), (Some(18), Some(1)), "{backend}");
        assert_eq!(value["optimal"], true, "{backend}: fewest examples given up, proven");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(&format!("warning: {CONTRADICTION}")), "{backend}: {stderr}");
        assert!(!stderr.contains("error:"), "{backend}: {stderr}");
        assert!(stderr.contains("1 example given up (fewest possible)"), "{backend}: {stderr}");
    }
}

#[test]
fn a_gradient_back_end_fails_at_most_the_allowed_examples() {
    for seed in ["0", "1"] {
        let args = [DUPLICATE, "--backend", "gradsearch-la", "--max-violations", "1", "--seed", seed];
        let (out, value) = synth_json(&args);
        assert_eq!(out.status.code(), Some(0), "seed {seed}: {}", text(&out.stderr));
        assert_eq!(value["status"], "found", "seed {seed}");
        // The contradiction makes every program fail one of the copies, so exactly one.
        assert_eq!(violated(&value).len(), 1, "seed {seed}");
        assert_eq!(value["optimal"], false, "seed {seed}: a gradient back end proves nothing");
    }
}

#[test]
fn of_three_copies_the_odd_one_is_given_up() {
    for backend in exact_backends() {
        let (out, value) = synth_json(&[THREE, "--backend", backend, "--max-violations", "1"]);
        assert_eq!(out.status.code(), Some(0), "{backend}: {}", text(&out.stderr));
        assert_eq!((value["params"]["p"].as_i64(), value["params"]["q"].as_i64()), (Some(3), Some(5)), "{backend}");
        assert_eq!(violated(&value), ["example 5"], "{backend}");
    }
}

#[test]
fn contradictions_that_need_more_than_allowed_are_an_error() {
    let out = tpt(&["synth", TWO_PAIRS, "--backend", "sat", "--max-violations", "1"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "error: the examples that contradict each other need 2 examples given up, and at most 1 example may fail"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("`--max-violations 2`"), "{stderr}");
    assert!(text(&out.stdout).is_empty(), "no search ran");
    // The same count is required of the gradient back ends, before any search.
    let out = tpt(&["synth", TWO_PAIRS, "--max-violations", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    // Two allowed are enough: one of each pair, the mislabelled ones.
    let (out, value) = synth_json(&[TWO_PAIRS, "--backend", "sat", "--max-violations", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(violated(&value), ["example 5", "example 7"]);
}

#[test]
fn the_copy_given_up_of_a_symmetric_pair_is_the_same_every_run() {
    let (_, first) = synth_json(&[SYMMETRIC, "--backend", "sat", "--max-violations", "1"]);
    let given_up = violated(&first);
    assert!(given_up == ["example 2"] || given_up == ["example 3"], "{given_up:?}");
    for _ in 0..3 {
        let (_, again) = synth_json(&[SYMMETRIC, "--backend", "sat", "--max-violations", "1"]);
        assert_eq!(violated(&again), given_up);
        assert_eq!(again["params"], first["params"]);
    }
}

#[test]
fn the_contradiction_warning() {
    let out = tpt(&["synth", DUPLICATE, "--backend", "sat", "--max-violations", "1"]);
    let stderr = text(&out.stderr);
    // The warnings of compilation, before the result's own (whose summary has a time).
    let end = stderr.find("warning: the program does not satisfy").expect("the example given up is reported");
    insta::assert_snapshot!("noisy_duplicates_warning", &stderr[..end]);
}

#[test]
fn the_error_when_contradictions_need_more_than_allowed() {
    let out = tpt(&["synth", TWO_PAIRS, "--backend", "sat", "--max-violations", "1"]);
    insta::assert_snapshot!("noisy_duplicates_too_many", text(&out.stderr));
}

#[test]
fn bench_allows_the_contradictions_its_flag_allows() {
    let out = tpt(&["bench", DUPLICATE, "--backends", "sat", "--runs", "1", "--max-violations", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = tpt(&["bench", DUPLICATE, "--backends", "sat", "--runs", "1"]);
    assert!(text(&out.stderr).contains(&format!("error: {CONTRADICTION}")), "{}", text(&out.stderr));
}

/// The library: a program compiled allowing failing examples is still refused by a search
/// that allows fewer than its contradictions need.
#[test]
fn a_search_allowing_fewer_failures_than_compiled_for_is_refused() {
    let mut sources = SourceMap::new();
    let main = sources.add(DUPLICATE, std::fs::read_to_string(DUPLICATE).expect("the program"));
    let options = CheckOptions { max_violations: 1, ..CheckOptions::default() };
    let compiled =
        std::sync::Arc::new(compile(&sources, main, None, &options).expect("compiles with one failure allowed"));
    assert_eq!(compiled.contradictions.needed, 1);
    let strict = SearchConfig { backend: "sat".to_string(), max_violations: 0, ..SearchConfig::default() };
    let Err(error) = Search::new(&compiled, &strict) else { panic!("a search allowing no failure is refused") };
    assert!(error.message.contains("need 1 example given up, and no example may fail"), "{}", error.message);
    let lenient = SearchConfig { backend: "sat".to_string(), max_violations: 1, ..SearchConfig::default() };
    let synthesis = Search::new(&compiled, &lenient).expect("allowed").run();
    assert_eq!(synthesis.status(), tpt::solve::Status::Found);
}

/// Examples that observe different elements agree where neither contradicts the other, so
/// the count is of the largest subset that agrees pairwise, not of equal observations.
#[test]
fn partly_observed_copies_are_counted_by_the_largest_subset_that_agrees() {
    const PARTLY: &str = "tests/noisy/partly_observed.tpt";
    let out = tpt(&["synth", PARTLY, "--backend", "sat", "--max-violations", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("need 2 examples given up"), "{}", text(&out.stderr));
    let (out, value) = synth_json(&[PARTLY, "--backend", "sat", "--max-violations", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(violated(&value).len(), 2);
    assert_eq!(value["optimal"], true);
}

/// How many examples compiling counts as given up, for a sketch with these examples.
fn needed(declarations: &str, examples: &str) -> usize {
    let mut sources = SourceMap::new();
    let main = sources.add("t.tpt", format!("{declarations}\n{examples}"));
    let options = CheckOptions { max_violations: 100, ..CheckOptions::default() };
    let compiled = compile(&sources, main, None, &options).unwrap_or_else(|d| panic!("{:?}", d[0].message));
    compiled.contradictions.needed
}

/// Real observations agree when their tolerance intervals meet; a set of them agrees when
/// they meet pairwise.
#[test]
fn real_observations_are_counted_by_their_tolerances() {
    let sketch = "param c: real;\ninput x: 2;\noutput y: real;\ny = c;";
    let observed =
        |values: &[&str]| values.iter().map(|v| format!("example {{ x = 0; y ~= {v}; }}\n")).collect::<String>();
    assert_eq!(needed(sketch, &observed(&["1.0 +- 0.1", "1.15 +- 0.1"])), 0);
    assert_eq!(needed(sketch, &observed(&["1.0 +- 0.1", "1.15 +- 0.1", "3.0 +- 0.1"])), 1);
    // 1.3 meets 1.15 but not 1.0: two of the three agree at most.
    assert_eq!(needed(sketch, &observed(&["1.0 +- 0.1", "1.15 +- 0.1", "1.3 +- 0.1"])), 1);
    assert_eq!(needed(sketch, &observed(&["1.0 +- 0.1", "1.15 +- 0.1", "1.3 +- 0.1", "1.5 +- 0.1"])), 2);
}

/// The count adds up over the groups of equal inputs and takes each group's commonest
/// observation as the one kept.
#[test]
fn the_count_is_the_fewest_examples_any_program_fails() {
    let sketch = "param t[4]: 4;\ninput x: 4;\noutput y: 4;\ny = t[x];";
    let rows = |rows: &[(u32, u32)]| {
        rows.iter().map(|(x, y)| format!("example {{ x = {x}; y = {y}; }}\n")).collect::<String>()
    };
    assert_eq!(needed(sketch, &rows(&[(0, 1), (0, 1), (1, 2)])), 0);
    assert_eq!(needed(sketch, &rows(&[(0, 1), (0, 2), (0, 2), (0, 3), (0, 2)])), 2);
    assert_eq!(needed(sketch, &rows(&[(0, 1), (1, 2), (0, 2), (1, 3), (2, 0), (1, 3)])), 2);
}
