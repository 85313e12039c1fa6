//! Gradients of the tape against finite differences, and its loss and violation counts.

use super::*;
use crate::testing::graph_of;

/// The tape of a program given as text (also for the one-hot evaluator's tests).
pub(super) fn tape_for(source: &str) -> Tape {
    Tape::new(&graph_of(source), &Limits::default()).expect("fits")
}

/// A relaxed (non-one-hot) point: positive, normalised distributions.
fn relaxed_theta(tape: &Tape, seed: u64) -> Vec<f64> {
    let mut state = seed;
    let mut theta = vec![0.0; tape.theta_len()];
    for &(offset, domain) in tape.param_offsets() {
        let mut total = 0.0;
        for slot in &mut theta[offset..offset + domain] {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            *slot = 0.2 + ((state >> 33) as f64 / (1u64 << 31) as f64);
            total += *slot;
        }
        for slot in &mut theta[offset..offset + domain] {
            *slot /= total;
        }
    }
    theta
}

fn check_gradient(source: &str, loss: LossKind) {
    let mut tape = tape_for(source);
    tape.set_loss(loss, 1e-6);
    let weights: Vec<f64> = (0..tape.num_examples()).map(|e| 1.0 + e as f64 * 0.5).collect();
    for seed in 1..4 {
        let theta = relaxed_theta(&tape, seed);
        tape.forward(&theta, &weights);
        let mut grad = vec![0.0; theta.len()];
        tape.backward(&weights, &mut grad);
        for i in 0..theta.len() {
            let h = 1e-6;
            let mut plus = theta.clone();
            plus[i] += h;
            let mut minus = theta.clone();
            minus[i] -= h;
            let numeric = (tape.forward(&plus, &weights) - tape.forward(&minus, &weights)) / (2.0 * h);
            let tolerance = 1e-5 * (1.0 + numeric.abs());
            assert!((numeric - grad[i]).abs() < tolerance, "theta[{i}]: analytic {} numeric {numeric}", grad[i]);
        }
    }
}

pub(super) const CIRCUIT: &str = "const W = 3; const G = 2;
    input x[W]: 2; param gate[G]: 5; param in1[G]: W; param in2[G]: W; param out[G]: W;
    output y[2]: 2; var wires[W]: 2;
    for w in 0..W { wires[w] = x[w]; }
    for g in 0..G {
        wires[out[g]] = match gate[g] {
            0 => wires[in1[g]] && wires[in2[g]], 1 => wires[in1[g]] || wires[in2[g]],
            2 => (wires[in1[g]] + wires[in2[g]]) % 2, 3 => !wires[in1[g]], _ => wires[in1[g]] };
    }
    y[0] = wires[0]; y[1] = wires[1];
    for a in 0..2 { for b in 0..2 { example { x = [a, b, 0]; y = [1 - a * b, a]; } } }";

const BRANCHES: &str = "input x: 3; param p: 3; param q[2]: 2; output y: 4; var t: 4;
    t = 0;
    if p == x { t = q[0] + 1; } else if p > x { t = 3; } else { t = q[1]; }
    match q[0] { 0 => { y = t; } _ => { y = (t + p) % 4; } }
    observe q[0] != q[1] || p == 2;
    for v in 0..3 { example { x = v; y = (v + 1) % 4; } }";

#[test]
fn gradients_match_finite_differences_on_a_circuit() {
    check_gradient(CIRCUIT, LossKind::CrossEntropy);
    check_gradient(CIRCUIT, LossKind::SquaredError);
}

#[test]
fn gradients_match_finite_differences_through_branches_and_observe() {
    check_gradient(BRANCHES, LossKind::CrossEntropy);
    check_gradient(BRANCHES, LossKind::SquaredError);
}

#[test]
fn one_hot_forward_counts_violations_exactly() {
    let mut tape = tape_for(CIRCUIT);
    // gate 0 = AND(w0, w1) -> w0; gate 1 = NOT w0 -> w0: y0 = nand, but y1 = w1 = b, not a.
    let assignment = [0u32, 3, 0, 0, 1, 1, 0, 0];
    let mut theta = vec![0.0; tape.theta_len()];
    for (&(offset, _), &value) in tape.param_offsets().to_vec().iter().zip(&assignment) {
        theta[offset + value as usize] = 1.0;
    }
    let loss = tape.forward(&theta, &[]);
    assert_eq!(tape.violations(), 2);
    assert!(loss > 10.0);
}

#[test]
fn the_loss_of_a_solution_is_exactly_zero_and_never_negative() {
    // p = 1 is the solution; p = 0 violates both examples.
    let mut tape = tape_for(
        "input x: 2; param p: 2; output y: 2; y = (x + p) % 2;
        example { x = 0; y = 1; } example { x = 1; y = 0; }",
    );
    for kind in [LossKind::CrossEntropy, LossKind::SquaredError] {
        tape.set_loss(kind, 1e-6);
        for (value, violated) in [(1usize, false), (0, true)] {
            let mut theta = vec![0.0; tape.theta_len()];
            theta[tape.param_offsets()[0].0 + value] = 1.0;
            let loss = tape.forward(&theta, &[]);
            assert!(loss.is_sign_positive(), "{kind:?}, p = {value}: loss {loss}");
            if violated {
                assert!(loss > 1.0, "{kind:?}: {loss}");
            } else {
                assert_eq!(loss.to_bits(), 0.0f64.to_bits(), "{kind:?}: a solution costs exactly +0, not {loss}");
            }
        }
        // A relaxed point never goes below zero either.
        let theta = relaxed_theta(&tape, 7);
        assert!(tape.forward(&theta, &[]) > 0.0);
    }
}
