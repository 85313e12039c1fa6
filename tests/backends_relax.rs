//! The relaxation baselines and the gradient-free references (`fmgd`, `fmgd-reg`,
//! `temp-softmax`, `temp-softmax-reg`, `gumbel`, `neural`, `local-search`, `exhaustive`) ->
//! solved sketches, checked by the exact interpreter. Seeds are fixed, so every outcome is
//! reproducible; each assertion could fail if a back end regressed.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tpt::check::CheckOptions;
use tpt::diagnostics::{render_to_string, Neutral, SourceMap};
use tpt::limits::Limits;
use tpt::pipeline::{compile, synthesize, Compiled, SearchConfig};
use tpt::result::Synthesis;
use tpt::solve::{Progress, Status};
use tpt::verify::Verifier;

const RELAXATIONS: [&str; 6] = ["fmgd", "fmgd-reg", "temp-softmax", "temp-softmax-reg", "gumbel", "neural"];

fn compile_text(name: &str, text: &str, overrides: &[(&str, i64)]) -> Arc<Compiled> {
    let mut sources = SourceMap::new();
    let main = sources.add(name, text);
    let options = CheckOptions {
        overrides: overrides.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..CheckOptions::default()
    };
    let compiled = compile(&sources, main, None, &options)
        .unwrap_or_else(|d| panic!("{name}:\n{}", render_to_string(&d, &sources, &Neutral)));
    Arc::new(compiled)
}

fn compile_program(file: &str, overrides: &[(&str, i64)]) -> Arc<Compiled> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    compile_text(file, &text, overrides)
}

/// How to run a back end in a test.
struct Run<'a> {
    backend: &'a str,
    opts: &'a [(&'a str, f64)],
    seed: u64,
    max_steps: u64,
    restarts: usize,
    timeout: Option<Duration>,
}

impl<'a> Run<'a> {
    fn new(backend: &'a str, seed: u64, max_steps: u64) -> Self {
        Run { backend, opts: &[], seed, max_steps, restarts: 1, timeout: None }
    }
}

fn run(compiled: &Arc<Compiled>, spec: &Run) -> Synthesis {
    let progress = Arc::new(Progress::default());
    let config = SearchConfig {
        backend: spec.backend.to_string(),
        options: spec.opts.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        max_steps: spec.max_steps,
        timeout: spec.timeout,
        restarts: spec.restarts,
        seed: spec.seed,
        progress: Some(Arc::clone(&progress)),
        ..SearchConfig::default()
    };
    let synthesis = synthesize(compiled, &config).unwrap_or_else(|d| panic!("{}: {}", spec.backend, d.message));
    // The live counters a progress display reads agree with the report, which leaves out the
    // restarts of higher index than the winner (they stop wherever they were when it won).
    let (live, reported) = (progress.steps.load(Ordering::Relaxed), synthesis.report().work.total_steps);
    if spec.restarts == 1 {
        assert_eq!(live, reported, "{}", spec.backend);
    } else {
        assert!(live >= reported, "{}: {live} steps shown, {reported} reported", spec.backend);
    }
    if synthesis.status() == Status::Found {
        assert_eq!(progress.best_violations.load(Ordering::Relaxed), 0, "{}", spec.backend);
    }
    synthesis
}

/// Run and assert that a verified program was found.
fn assert_solves(compiled: &Arc<Compiled>, what: &str, spec: &Run) {
    let report = run(compiled, spec);
    assert_eq!(report.status(), Status::Found, "{} on {what} (seed {}): {report:?}", spec.backend, spec.seed);
    // Checked again here, independently of the search's own verification.
    let verified = report.verified().expect("a found result holds verified params");
    let verifier = Verifier::new(&compiled.program, &compiled.graph.layout, Limits::default().max_unroll);
    assert!(
        verifier.check(verified.assignment()).is_some(),
        "{} on {what}: the reported assignment does not verify",
        spec.backend
    );
}

#[test]
fn every_backend_solves_the_parity_chain_at_k4() {
    let compiled = compile_program("parity_chain.tpt", &[("K", 4)]);
    for name in RELAXATIONS.iter().chain(&["local-search", "exhaustive"]) {
        for seed in 0..5 {
            assert_solves(&compiled, "parity_chain K=4", &Run::new(name, seed, 5_000));
        }
    }
}

#[test]
fn gumbel_and_local_search_solve_the_parity_chain_at_k8() {
    // The two that solve K = 8 on every one of the 50 seeds measured in docs/backends.md.
    let compiled = compile_program("parity_chain.tpt", &[("K", 8)]);
    for name in ["gumbel", "local-search"] {
        for seed in 0..5 {
            assert_solves(&compiled, "parity_chain K=8", &Run::new(name, seed, 5_000));
        }
    }
}

#[test]
fn relaxations_solve_grid_walk_with_restarts() {
    // Each relaxation solves grid_walk in about three runs of four (docs/backends.md); four
    // restarts make a failure under a fixed seed unlikely, and the seed makes it reproducible.
    let compiled = compile_program("grid_walk.tpt", &[]);
    for name in RELAXATIONS {
        assert_solves(&compiled, "grid_walk", &Run { restarts: 4, ..Run::new(name, 1, 3_000) });
    }
}

#[test]
fn local_search_solves_small_circuits() {
    for file in ["circuit_nand.tpt", "circuit_swap.tpt"] {
        let compiled = compile_program(file, &[]);
        for seed in 0..3 {
            assert_solves(&compiled, file, &Run::new("local-search", seed, 5_000));
        }
    }
}

#[test]
fn exhaustive_solves_nand() {
    let compiled = compile_program("circuit_nand.tpt", &[]);
    assert_solves(&compiled, "circuit_nand", &Run::new("exhaustive", 0, 1));
}

/// A tiny sketch: one of four gates on two inputs, optionally negated (8 programs).
fn gate_sketch(examples: &str) -> String {
    format!(
        "param op: 4;\nparam neg: 2;\ninput x[2]: bool;\noutput y: bool;\nvar v: bool;\n\
         v = match op {{ 0 => x[0] && x[1], 1 => x[0] || x[1], 2 => x[0] != x[1], 3 => x[0] }};\n\
         y = v != neg;\n{examples}"
    )
}

/// The same semantics in Rust, to generate each binding's examples independently of tpt.
fn gate(op: u32, neg: u32, a: u32, b: u32) -> u32 {
    let v = match op {
        0 => a & b,
        1 => a | b,
        2 => a ^ b,
        _ => a,
    };
    v ^ neg
}

#[test]
fn exhaustive_recovers_every_binding_of_a_tiny_sketch() {
    for op in 0..4 {
        for neg in 0..2 {
            let mut examples = String::new();
            for a in 0..2 {
                for b in 0..2 {
                    examples.push_str(&format!("example {{ x = [{a}, {b}]; y = {}; }}\n", gate(op, neg, a, b)));
                }
            }
            let compiled = compile_text("gate.tpt", &gate_sketch(&examples), &[]);
            // Every input is an example, so a verified program computes the target's function.
            assert_solves(&compiled, &format!("gate op={op} neg={neg}"), &Run::new("exhaustive", 0, 1));
        }
    }
}

/// Three bits on a ring whose neighbours must all differ: an odd cycle, so impossible.
const ODD_CYCLE: &str = "param p[3]: 2;\noutput y[3]: bool;\n\
     for i in 0..3 { y[i] = p[i] != p[(i + 1) % 3]; }\nexample { y = [1, 1, 1]; }\n";

#[test]
fn exhaustive_proves_an_odd_cycle_impossible() {
    let compiled = compile_text("odd_cycle.tpt", ODD_CYCLE, &[]);
    let report = run(&compiled, &Run::new("exhaustive", 0, 1));
    assert_eq!(report.status(), Status::Impossible, "{report:?}");
    // A relaxation cannot prove anything: it runs out of steps.
    let report = run(&compiled, &Run::new("fmgd", 0, 200));
    assert_eq!(report.status(), Status::StepBudget, "{report:?}");
}

#[test]
fn exhaustive_honours_the_timeout() {
    // With x0 = 1 the only solution, all ones, is the last assignment in enumeration order:
    // 2^26 assignments take far longer than the timeout, even at the integer evaluator's
    // millions of assignments per second.
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/parity_chain.tpt"))
        .expect("parity_chain.tpt")
        .replace("example { x0 = 0;", "example { x0 = 1;");
    let compiled = compile_text("parity_chain_x1.tpt", &text, &[("K", 27)]);
    let report = run(&compiled, &Run { timeout: Some(Duration::from_millis(200)), ..Run::new("exhaustive", 0, 1) });
    assert_eq!(report.status(), Status::Timeout, "{report:?}");
    // Stopped by the deadline in the middle of the enumeration (each step evaluates `chunk`
    // = 1,000 assignments; the whole space is 2^26), not at its end.
    let whole = (1u64 << 26).div_ceil(1000);
    assert!(
        report.report().work.total_steps < whole,
        "{} steps: the enumeration ran to its end",
        report.report().work.total_steps
    );
}

fn tpt(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tpt")).args(args).output().expect("run tpt");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn cli_exits_3_when_exhaustive_proves_impossible() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("odd_cycle.tpt");
    std::fs::write(&path, ODD_CYCLE).expect("write sketch");
    let (code, stderr) =
        tpt(&["synth", path.to_str().expect("UTF-8 path"), "--backend", "exhaustive", "--color", "never"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("proven impossible"), "{stderr}");
}

#[test]
fn cli_refuses_a_space_beyond_the_limit_and_names_its_size() {
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/parity_chain.tpt");
    let file = program.to_str().expect("UTF-8 path");
    let (code, stderr) = tpt(&["synth", file, "--set", "K=30", "--backend", "exhaustive", "--color", "never"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("536870912") && stderr.contains("--opt limit="), "{stderr}");
    // The limit is inclusive: K = 8 has 128 assignments.
    let (code, stderr) = tpt(&["synth", file, "--backend", "exhaustive", "--opt", "limit=127", "--color", "never"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("has 128 assignments"), "{stderr}");
    let (code, stderr) = tpt(&["synth", file, "--backend", "exhaustive", "--opt", "limit=128", "--color", "never"]);
    assert_eq!(code, Some(0), "{stderr}");
}
