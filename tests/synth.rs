//! `tpt synth` end to end: every program is synthesized with the default options (back end,
//! seed, step budget) and its printed output passes `tpt run`; the programs the paper's methods
//! cannot solve fail honestly under them; every gradient back end solves a small sketch; the
//! exact back ends find programs and prove impossibility.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("synth");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir.join(name)
}

/// Synthesize, then check the printed program with `tpt run`.
fn synth_and_run(file: &str, extra: &[&str]) -> String {
    let out = scratch(&format!("{}-{}.tpt", file.replace('/', "_"), extra.join("_").replace(['=', ' '], "")));
    let out_text = out.to_string_lossy().into_owned();
    let mut args = vec!["synth", file, "-o", &out_text];
    args.extend_from_slice(extra);
    let result = tpt(&args);
    assert_eq!(result.status.code(), Some(0), "synth {file} {extra:?} failed:\n{}", text(&result.stderr));
    let printed = std::fs::read_to_string(&out).expect("the output file is written");
    let run = tpt(&["run", &out_text]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "the printed program of {file} fails `tpt run`:\n{printed}\n{}",
        text(&run.stderr)
    );
    printed
}

/// Every shipped program: `tpt synth FILE` with no options (default back end, seed and step
/// budget) solves each of them.
const SOLVED_BY_DEFAULT: &[&str] = &[
    "programs/parity_chain.tpt",
    "programs/circuit_nand.tpt",
    "programs/circuit_swap.tpt",
    "programs/circuit_shift.tpt",
    "programs/circuit_adder.tpt",
    "programs/circuit_2bit_adder.tpt",
    "programs/circuit_2bit_adder_16.tpt",
    "programs/dnf.tpt",
    "programs/fsm_div3.tpt",
    "programs/grid_walk.tpt",
    "programs/minmax_network.tpt",
    "programs/sbox_involution.tpt",
    "programs/sorting_network.tpt",
    "programs/turing_invert.tpt",
];

/// Programs the paper's methods cannot solve (its table 2 leaves the controlled shift and the
/// adders empty); our reproduction of its best method, gradsearch-plus, does not solve them
/// either (docs/backends.md), and must fail honestly.
const NOT_SOLVED_BY_THE_PAPERS_METHODS: &[&str] = &[
    "programs/circuit_shift.tpt",
    "programs/circuit_adder.tpt",
    "programs/circuit_2bit_adder.tpt",
    "programs/circuit_2bit_adder_16.tpt",
];

#[test]
fn every_program_is_listed() {
    let mut listed: Vec<&str> = SOLVED_BY_DEFAULT.to_vec();
    listed.sort_unstable();
    let mut found: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("programs"))
        .expect("programs/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tpt"))
        .map(|p| format!("programs/{}", p.file_name().unwrap_or_default().to_string_lossy()))
        .collect();
    found.sort_unstable();
    assert_eq!(listed, found, "list every program in SOLVED_BY_DEFAULT");
}

#[test]
fn the_default_back_end_solves_every_program_and_the_output_runs() {
    for file in SOLVED_BY_DEFAULT {
        synth_and_run(file, &[]);
    }
}

#[test]
fn the_papers_best_method_solves_what_the_paper_solved() {
    for file in
        ["programs/parity_chain.tpt", "programs/circuit_nand.tpt", "programs/circuit_swap.tpt", "programs/dnf.tpt"]
    {
        synth_and_run(file, &["--backend", "gradsearch-plus", "--seed", "1", "--restarts", "2"]);
    }
}

#[test]
fn the_sketch_form_also_runs() {
    let printed = synth_and_run("programs/circuit_nand.tpt", &["--print", "sketch", "--seed", "3"]);
    assert!(printed.contains("param gate[G]: 5 = ["), "{printed}");
}

#[test]
fn unsolved_programs_fail_honestly_with_the_best_candidate() {
    for file in NOT_SOLVED_BY_THE_PAPERS_METHODS {
        let out = scratch(&format!("best-{}", file.replace('/', "_")));
        let out_text = out.to_string_lossy().into_owned();
        let result =
            tpt(&["synth", file, "--backend", "gradsearch-plus", "--max-steps", "300", "--seed", "1", "-o", &out_text]);
        assert_eq!(result.status.code(), Some(1), "{file}: {}", text(&result.stderr));
        let stderr = text(&result.stderr);
        assert!(stderr.contains("no program found (step budget exhausted)"), "{stderr}");
        assert!(stderr.contains(" observations") || stderr.contains(" 1 observation"), "{stderr}");
        assert!(stderr.contains("example"), "the violated observations are reported at the examples: {stderr}");
        // The best candidate is printed and is a complete, checkable program.
        let check = tpt(&["check", &out_text]);
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
        let run = tpt(&["run", &out_text]);
        assert_eq!(run.status.code(), Some(1), "the best candidate is not a solution");
    }
}

#[test]
fn gradsearch_ra_solves_the_parity_chain_at_64_every_time() {
    for seed in 0..10 {
        let seed = seed.to_string();
        synth_and_run("programs/parity_chain.tpt", &["--backend", "gradsearch-ra", "--set", "K=64", "--seed", &seed]);
    }
}

#[test]
fn every_gradient_back_end_solves_a_small_parity_chain() {
    for backend in ["gradsearch", "gradsearch-ra", "gradsearch-plus", "gradsearch-la", "bop", "ste"] {
        for seed in ["0", "1", "2"] {
            synth_and_run("programs/parity_chain.tpt", &["--backend", backend, "--set", "K=8", "--seed", seed]);
        }
    }
}

#[test]
fn the_sat_back_end_solves_every_circuit() {
    for file in SOLVED_BY_DEFAULT.iter().filter(|f| f.starts_with("programs/circuit_")) {
        synth_and_run(file, &["--backend", "sat"]);
    }
}

const IMPOSSIBLE: &str = "// Two gates cannot compute XOR from AND and OR alone.
input x[2]: bool;
param g[2]: 2;
output y: bool;
var w[2]: bool;
w[0] = x[0];
w[1] = x[1];
for i in 0..2 { w[0] = if g[i] == 0 { w[0] && w[1] } else { w[0] || w[1] }; }
y = w[0];
for a in 0..2 { for b in 0..2 { example { x = [a, b]; y = (a + b) % 2; } } }
";

#[test]
fn exact_back_ends_prove_impossibility() {
    let file = scratch("impossible.tpt");
    std::fs::write(&file, IMPOSSIBLE).expect("write");
    let file = file.to_string_lossy().into_owned();
    let result = tpt(&["synth", &file, "--backend", "sat"]);
    assert_eq!(result.status.code(), Some(3), "{}", text(&result.stderr));
    assert!(text(&result.stderr).contains("no assignment of the params satisfies every example"));
    if !z3_available("exact_back_ends_prove_impossibility (smt part)") {
        return;
    }
    let result = tpt(&["synth", &file, "--backend", "smt"]);
    assert_eq!(result.status.code(), Some(3), "{}", text(&result.stderr));
}

/// True when z3 is on PATH. Outside CI a missing z3 skips the test loudly; in CI it fails.
fn z3_available(test: &str) -> bool {
    let found = Command::new("z3").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "{test}: z3 is required in CI (.ci/run installs it)");
        eprintln!("SKIPPED {test}: z3 is not installed (apt-get install z3)");
    }
    found
}

#[test]
fn the_smt_back_end_solves_small_circuits() {
    if !z3_available("the_smt_back_end_solves_small_circuits") {
        return;
    }
    for file in ["programs/circuit_nand.tpt", "programs/circuit_swap.tpt", "programs/parity_chain.tpt"] {
        synth_and_run(file, &["--backend", "smt"]);
    }
    // Values of several widths (zero-extended into wider mixtures), and the integer sort.
    for file in ["programs/fsm_div3.tpt", "programs/dnf.tpt"] {
        synth_and_run(file, &["--backend", "smt"]);
        synth_and_run(file, &["--backend", "smt", "--opt", "ints=1"]);
    }
}

#[test]
fn json_output_has_the_documented_keys() {
    let result = tpt(&["synth", "programs/circuit_nand.tpt", "--json", "--seed", "4", "--restarts", "2"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let value: serde_json::Value = serde_json::from_slice(&result.stdout).expect("valid JSON");
    for key in [
        "status",
        "backend",
        "seed",
        "steps",
        "total_steps",
        "restart",
        "restarts_run",
        "seconds",
        "violations",
        "params",
    ] {
        assert!(value.get(key).is_some(), "missing key {key}: {value}");
    }
    assert_eq!(value["status"], "found");
    assert_eq!(value["params"]["gate"].as_array().map(Vec::len), Some(2));
}

#[test]
fn results_are_deterministic_for_a_seed() {
    let first = tpt(&["synth", "programs/dnf.tpt", "--seed", "7", "--restarts", "3", "--json"]);
    let second = tpt(&["synth", "programs/dnf.tpt", "--seed", "7", "--restarts", "3", "--json"]);
    let params = |o: &Output| serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json")["params"].clone();
    assert_eq!(params(&first), params(&second));
}

#[test]
fn unknown_back_ends_and_options_are_user_errors() {
    let result = tpt(&["synth", "programs/parity_chain.tpt", "--backend", "magic"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("the back ends are:"));
    let result = tpt(&["synth", "programs/parity_chain.tpt", "--opt", "nope=1"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("has no option `nope`"));
}

#[test]
fn param_diagnostics_report_values_and_underdetermined_params() {
    let result = tpt(&["synth", "programs/circuit_nand.tpt", "--seed", "1"]);
    let stderr = text(&result.stderr);
    assert!(stderr.contains("synthesized `gate`"), "{stderr}");
    // NOT ignores its second operand, so some `in2` is never pinned down.
    assert!(stderr.contains("no observation depends on") || stderr.contains("do not pin down"), "{stderr}");
}

/// The stderr of a run with the time in the summary line replaced (it varies).
fn stable_stderr(output: &Output) -> String {
    text(&output.stderr)
        .lines()
        .map(|line| match line.rfind(", ") {
            Some(at) if line.contains(", restart ") => format!("{}, <time>", &line[..at]),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn snapshots_of_printed_programs_and_param_diagnostics() {
    for (file, seed) in
        [("programs/circuit_nand.tpt", "1"), ("programs/dnf.tpt", "1"), ("programs/sbox_involution.tpt", "1")]
    {
        let result = tpt(&["synth", file, "--seed", seed]);
        assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
        let name = Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        insta::assert_snapshot!(format!("synth_{name}_program"), text(&result.stdout));
        insta::assert_snapshot!(format!("synth_{name}_diagnostics"), stable_stderr(&result));
    }
}

#[test]
fn snapshot_of_an_honest_failure() {
    let result = tpt(&[
        "synth",
        "programs/circuit_adder.tpt",
        "--backend",
        "gradsearch-plus",
        "--max-steps",
        "200",
        "--seed",
        "3",
    ]);
    assert_eq!(result.status.code(), Some(1));
    insta::assert_snapshot!("synth_adder_failure_diagnostics", stable_stderr(&result));
}

/// An output path in a missing directory is refused before the search runs (a long run must
/// not end unable to write its result); `-o` is written whole, by rename.
#[test]
fn unwritable_output_paths_are_refused_before_the_search() {
    for flag in ["-o", "--trace"] {
        // A hard program with a long budget: reaching the search would take seconds.
        let result = tpt(&[
            "synth",
            "programs/circuit_2bit_adder_16.tpt",
            "--backend",
            "fmgd",
            "--max-steps",
            "100000000",
            flag,
            "no/such/directory/out.svg",
        ]);
        assert_eq!(result.status.code(), Some(2), "{flag}");
        let stderr = text(&result.stderr);
        assert!(
            stderr
                .contains("cannot write `no/such/directory/out.svg`: the directory `no/such/directory` does not exist"),
            "{flag}: {stderr}"
        );
        assert!(!stderr.contains(", restart "), "{flag}: the search must not have run: {stderr}");
    }
    let out = scratch("written-whole.tpt");
    std::fs::write(&out, "old contents").expect("write");
    let result = tpt(&["synth", "programs/circuit_nand.tpt", "-o", &out.to_string_lossy()]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let written = std::fs::read_to_string(&out).expect("output");
    assert!(written.contains("param gate") && !written.contains("old contents"), "{written}");
}
