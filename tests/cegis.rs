//! Counterexample-guided synthesis (`--cegis`) for the back ends that improve a candidate:
//! it finds verified programs, adds the examples a candidate fails and nothing else, keeps the
//! seed's determinism, combines with `minimize`, and is refused (exit 2) where it cannot work.

mod cli;

use cli::{scratch_in, text, tpt};

use std::process::Output;

const HELD_OUT: &str = "tests/cegis/held_out.tpt";

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("valid JSON:\n{}", text(&output.stderr)))
}

/// The examples a run searched on, from its JSON.
fn examples(value: &serde_json::Value) -> Vec<u64> {
    value["cegis"]["examples"].as_array().expect("a `cegis` object").iter().filter_map(|e| e.as_u64()).collect()
}

#[test]
fn cegis_finds_a_verified_program_on_a_circuit_task() {
    for (file, backend) in [
        ("programs/circuit_subtractor.tpt", "gradsearch-la"),
        ("programs/circuit_adder.tpt", "local-search"),
        ("programs/circuit_nand.tpt", "gradsearch-plus"),
        // A relaxation, which starts afresh each round (`Solver::resume`'s default).
        (HELD_OUT, "fmgd"),
        // Real params: the real-param stage resumes beside the back end.
        ("programs/piecewise_linear.tpt", "gradsearch-la"),
    ] {
        let out = scratch_in("cegis", &format!("{backend}.tpt"));
        let out_text = out.to_string_lossy().into_owned();
        // Seed 1: a seed the measurements of BENCHMARKS.md found the subtractor with.
        let args = ["synth", file, "--backend", backend, "--cegis", "--seed", "1", "--json", "--no-distinguish"];
        let result = tpt(&args);
        assert_eq!(result.status.code(), Some(0), "{file} {backend}:\n{}", text(&result.stderr));
        let value = json(&result);
        assert_eq!(value["status"], "found");
        let searched = examples(&value);
        assert_eq!(searched.first(), Some(&0), "the search starts on the first example");
        let rounds = value["cegis"]["rounds"].as_u64().expect("rounds");
        assert!((1..=searched.len() as u64).contains(&rounds), "at least one example added a round");
        // The printed program runs on every example (the interpreter's check, again).
        let printed =
            tpt(&["synth", file, "--backend", backend, "--cegis", "--seed", "1", "--no-distinguish", "-o", &out_text]);
        assert_eq!(printed.status.code(), Some(0), "{}", text(&printed.stderr));
        let run = tpt(&["run", &out_text]);
        assert_eq!(run.status.code(), Some(0), "{file} {backend}: {}", text(&run.stderr));
    }
}

/// `gradsearch-la` on the held-out sketch with a `--cegis` flag and a seed, as JSON.
fn held_out(flag: &str, seed: &str) -> Output {
    tpt(&["synth", HELD_OUT, "--backend", "gradsearch-la", flag, "--json", "--seed", seed, "--no-distinguish"])
}

/// The first example holds whatever the param is, so most starts end their first round at a
/// param the second example refutes: that example joins and the search goes on to the answer.
#[test]
fn a_held_out_example_the_candidate_fails_joins_the_search() {
    let mut refuted = 0;
    for seed in 0..12 {
        let seed = seed.to_string();
        let result = held_out("--cegis=first", &seed);
        assert_eq!(result.status.code(), Some(0), "seed {seed}: {}", text(&result.stderr));
        let value = json(&result);
        assert_eq!(value["params"]["p"], 5, "seed {seed}");
        let searched = examples(&value);
        assert!(searched == [0] || searched == [0, 1], "seed {seed}: one counterexample at a time: {searched:?}");
        refuted += usize::from(searched == [0, 1]);
    }
    assert!(refuted >= 6, "a start at p = 5 has chance 1/8; {refuted} of 12 runs were refuted");
    // `--cegis=all` adds every failing example at once: p != 5 fails both others (3p = 7 mod 8
    // only at p = 5).
    let mut both = 0;
    for seed in 0..12 {
        let seed = seed.to_string();
        let result = held_out("--cegis=all", &seed);
        assert_eq!(result.status.code(), Some(0), "seed {seed}: {}", text(&result.stderr));
        let value = json(&result);
        assert_eq!(value["params"]["p"], 5, "seed {seed}");
        let searched = examples(&value);
        assert!(searched == [0] || searched == [0, 1, 2], "seed {seed}: {searched:?}");
        both += usize::from(searched == [0, 1, 2]);
    }
    assert!(both >= 6, "{both} of 12 runs added both failing examples");
    // `--cegis` alone is `--cegis=all` for the back ends that improve a candidate.
    for seed in ["0", "1", "2"] {
        let plain = held_out("--cegis", seed);
        let all = held_out("--cegis=all", seed);
        assert_eq!(json(&plain)["cegis"], json(&all)["cegis"], "seed {seed}");
    }
}

#[test]
fn without_cegis_the_result_has_no_cegis_key() {
    let result = tpt(&["synth", HELD_OUT, "--json", "--no-distinguish"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert!(json(&result).get("cegis").is_none());
}

/// Same seed, same output, byte for byte (the program, and the JSON without its timing).
#[test]
fn cegis_is_deterministic_for_a_seed() {
    let args = [
        "synth",
        "programs/circuit_adder.tpt",
        "--backend",
        "gradsearch-la",
        "--cegis",
        "--seed",
        "5",
        "--restarts",
        "3",
        "--no-distinguish",
        "--max-steps",
        "3000",
    ];
    let (first, second) = (tpt(&args), tpt(&args));
    assert_eq!(first.stdout, second.stdout);
    let with_json = [&args[..], &["--json"]].concat();
    let strip = |o: &Output| {
        let mut value = json(o);
        // The time depends on the machine; everything else must not (restarts that stop once
        // a lower one has won are not counted in `total_steps` and `evaluations`).
        if let Some(object) = value.as_object_mut() {
            object.remove("seconds");
        }
        value
    };
    let (a, b) = (strip(&tpt(&with_json)), strip(&tpt(&with_json)));
    assert_eq!(a, b);
    assert!(a.get("cegis").is_some());
}

/// The step budget covers every round together: a run never takes more steps than it.
#[test]
fn the_step_budget_counts_every_round() {
    let result = tpt(&[
        "synth",
        "programs/circuit_2bit_adder_16.tpt",
        "--backend",
        "gradsearch-la",
        "--cegis",
        "--max-steps",
        "40",
        "--json",
        "--no-distinguish",
    ]);
    let value = json(&result);
    assert_eq!(result.status.code(), Some(1), "{}", text(&result.stderr));
    assert_eq!(value["status"], "step-budget");
    assert_eq!(value["steps"], 40);
    // The best candidate is reported with its violations on every example.
    assert!(value["violations"].as_u64().is_some_and(|v| v > 0));
}

/// A found program is still descended on the objective, over every example.
#[test]
fn cegis_combines_with_minimize() {
    let result = tpt(&[
        "synth",
        "tests/optimize/two_gate_and.tpt",
        "--backend",
        "gradsearch-la",
        "--cegis",
        "--seed",
        "3",
        "--json",
        "--no-distinguish",
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let value = json(&result);
    assert_eq!(value["cost"], 1, "a second AND gate can always become a copy of w[0]");
    assert!(value.get("cegis").is_some());
}

#[test]
fn cegis_with_sat_is_its_own_counterexample_guided_search() {
    let result = tpt(&["synth", "programs/circuit_adder.tpt", "--backend", "sat", "--cegis"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let result = tpt(&["synth", "tests/impossible/one_gate_xor.tpt", "--backend", "sat", "--cegis"]);
    assert_eq!(result.status.code(), Some(3), "{}", text(&result.stderr));
}

/// With `auto` (the default) `--cegis` is its solver half's own counterexample-guided search,
/// as with `sat`: it finds programs and proves impossibility.
#[test]
fn cegis_with_auto_turns_on_its_solver_halfs_search() {
    for file in ["programs/circuit_adder.tpt", HELD_OUT] {
        let result = tpt(&["synth", file, "--cegis", "--no-distinguish"]);
        assert_eq!(result.status.code(), Some(0), "{file}: {}", text(&result.stderr));
        assert!(text(&result.stderr).contains("found by auto"), "{}", text(&result.stderr));
    }
    let result = tpt(&["synth", "tests/impossible/one_gate_xor.tpt", "--cegis"]);
    assert_eq!(result.status.code(), Some(3), "{}", text(&result.stderr));
    // The same as naming the option.
    let flag = tpt(&["synth", "programs/circuit_adder.tpt", "--cegis", "--seed", "4"]);
    let option = tpt(&["synth", "programs/circuit_adder.tpt", "--opt", "cegis=true", "--seed", "4"]);
    assert_eq!(flag.stdout, option.stdout);
}

#[test]
fn cegis_is_refused_where_it_cannot_work() {
    let cases: &[(&[&str], &str)] = &[
        (&["--cegis", "--max-violations", "1"], "`--cegis` and `--max-violations` do not combine"),
        (&["--cegis", "--backend", "exhaustive"], "`--cegis` does not work with the exact back end `exhaustive`"),
        (&["--cegis", "--backend", "smt"], "`--cegis` does not work with the exact back end `smt`"),
        (&["--cegis=all"], "`auto` adds one counterexample at a time"),
        (&["--cegis", "--opt", "cegis=false"], "`auto`'s `cegis` option, which `--opt cegis=false` turns off"),
        (&["--cegis=all", "--backend", "sat"], "`sat` adds one counterexample at a time"),
        (&["--cegis", "--backend", "sat", "--opt", "cegis=false"], "which `--opt cegis=false` turns off"),
        (&["--cegis=some"], "invalid value 'some'"),
    ];
    let help = tpt(&["synth", "--help"]);
    assert!(text(&help.stdout).contains("[possible values: first, all]"), "{}", text(&help.stdout));
    for (extra, message) in cases {
        let result = tpt(&[&["synth", "programs/circuit_nand.tpt"], *extra].concat());
        assert_eq!(result.status.code(), Some(2), "{extra:?}: {}", text(&result.stderr));
        assert!(text(&result.stderr).contains(message), "{extra:?}: {}", text(&result.stderr));
    }
}
