//! The hot loop: one forward+backward pass of the batched tape, and whole GradSearch steps
//! (gradient, scoring, move, exact check of the candidate), on the parity chain at K=256
//! and on the full-adder circuit (back ends 0, 1, 2 = gradsearch-ra, gradsearch-plus,
//! gradsearch-la). Run with `cargo bench --bench hot_loop`.

use std::sync::atomic::AtomicBool;

use tpt::check::CheckOptions;
use tpt::diagnostics::SourceMap;
use tpt::pipeline::{compile, Compiled};
use tpt::solve::{backend, resolve_options, solve, RunOptions};
use tpt::tape::{OneHot, Tape};

fn main() {
    divan::main();
}

fn load(file: &str, overrides: &[(&str, i64)]) -> Compiled {
    let path = format!("{}/programs/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("shipped program");
    let mut sources = SourceMap::new();
    let main = sources.add(path, text);
    let options = CheckOptions {
        overrides: overrides.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..CheckOptions::default()
    };
    compile(&sources, main, None, &options).expect("compiles")
}

fn programs() -> Vec<(&'static str, Compiled)> {
    vec![
        ("parity_chain K=256", load("parity_chain.tpt", &[("K", 256)])),
        ("circuit_adder", load("circuit_adder.tpt", &[])),
    ]
}

/// One forward and one backward pass at a relaxed point.
#[divan::bench(args = ["parity_chain K=256", "circuit_adder"])]
fn forward_backward(bencher: divan::Bencher, name: &str) {
    let compiled = programs().into_iter().find(|(n, _)| *n == name).map(|(_, c)| c).expect("program");
    let mut tape = Tape::new(&compiled.graph, &Default::default()).expect("fits");
    let mut theta = vec![0.0; tape.theta_len()];
    for &(offset, domain) in tape.param_offsets() {
        for slot in &mut theta[offset..offset + domain] {
            *slot = 1.0 / domain as f64;
        }
    }
    let mut grad = vec![0.0; tape.theta_len()];
    bencher.bench_local(|| {
        let loss = tape.forward(&theta, &[]);
        tape.backward(&[], &mut grad);
        divan::black_box(loss)
    });
}

/// The one-hot limit of a gradient step: the integer evaluation of a one-hot point (one
/// lookup per node and example) and the one-hot backward pass (a lookup per input value),
/// which give the loss and gradient `gradsearch` and `gradsearch-ra` use.
#[divan::bench(args = ["parity_chain K=256", "circuit_adder"])]
fn one_hot_forward_backward(bencher: divan::Bencher, name: &str) {
    let compiled = programs().into_iter().find(|(n, _)| *n == name).map(|(_, c)| c).expect("program");
    let mut tape = Tape::new(&compiled.graph, &Default::default()).expect("fits");
    let mut at = OneHot::new(&tape);
    let x: Vec<u32> = tape.param_offsets().iter().map(|&(_, d)| (d as u32) / 2).collect();
    let mut grad = vec![0.0; tape.theta_len()];
    bencher.bench_local(|| {
        at.set(&x);
        divan::black_box(tape.loss_and_gradient_at(&at, &[], &mut grad))
    });
}

/// 1,000 whole steps of a back end (the candidate is never accepted, so every step runs).
#[divan::bench(args = ["parity_chain K=256", "circuit_adder"], consts = [0, 1, 2])]
fn thousand_steps<const BACKEND: usize>(bencher: divan::Bencher, name: &str) {
    let compiled = programs().into_iter().find(|(n, _)| *n == name).map(|(_, c)| c).expect("program");
    let tape = Tape::new(&compiled.graph, &Default::default()).expect("fits");
    let info = backend(["gradsearch-ra", "gradsearch-plus", "gradsearch-la"][BACKEND]).expect("registered");
    let options = resolve_options(info, &[]).expect("defaults");
    let interrupt = AtomicBool::new(false);
    let never = |_: &[u32], _: &[f64]| None;
    bencher.bench_local(|| {
        let run = RunOptions {
            backend: info,
            options: options.clone(),
            max_steps: 1000,
            timeout: None,
            restarts: 1,
            seed: 1,
            interrupt: &interrupt,
            trace: false,
            progress: None,
            max_violations: 0,
            real_stage: None,
            cegis: None,
        };
        divan::black_box(solve(&compiled.graph, &tape, &run, &never))
    });
}
