//! Real-valued params, inputs and outputs end to end: the exact back ends refuse them, a
//! synthesis with reals is deterministic for a seed and its printed program runs, observations
//! hold within the tolerance (`--tolerance`, `+- t`), `round(x, D)` and the promotion of
//! integers evaluate as documented, and a division of reals by zero is an error with a span.

mod cli;

use cli::{text, tpt};

use std::path::{Path, PathBuf};
use std::process::Output;

/// A file of its own for a test's program.
fn write(name: &str, source: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reals");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, source).expect("writable scratch file");
    path.to_string_lossy().into_owned()
}

const HYBRID_PROGRAMS: [&str; 3] =
    ["programs/hybrid_shapes.tpt", "programs/piecewise_linear.tpt", "programs/symbolic_regression.tpt"];

#[test]
fn exact_back_ends_refuse_real_params_and_point_at_one() {
    for backend in ["sat", "exhaustive"] {
        let out = tpt(&["synth", "programs/piecewise_linear.tpt", "--backend", backend]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{backend}:\n{stderr}");
        assert!(stderr.contains(&format!("the exact back end `{backend}` works on finite domains")), "{stderr}");
        assert!(stderr.contains("piecewise_linear.tpt:5:1") && stderr.contains("`a` is a real param"), "{stderr}");
        assert!(out.stdout.is_empty(), "{backend}: nothing is printed");
    }
}

/// `auto` (the default) runs its gradient half alone on a program with reals, says so with a
/// note pointing at a real param, and refuses options given for its solver half.
#[test]
fn auto_runs_its_gradient_half_alone_on_reals() {
    let file = "programs/piecewise_linear.tpt";
    for args in [&["synth", file][..], &["synth", file, "--backend", "auto"][..]] {
        let out = tpt(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("note: `auto` ran its gradient half, `gradsearch-la`, alone"), "{stderr}");
        assert!(stderr.contains("piecewise_linear.tpt:5:1") && stderr.contains("`a` is a real param"), "{stderr}");
        assert!(stderr.contains("found by gradsearch-la"), "{stderr}");
        // The same program as naming `gradsearch-la`.
        let named = tpt(&["synth", file, "--backend", "gradsearch-la"]);
        assert_eq!(out.stdout, named.stdout);
    }
    let out = tpt(&["synth", file, "--opt", "conflicts-per-step=4"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`--opt conflicts-per-step` is an option of `auto`, which runs `gradsearch-la` alone"),
        "{stderr}"
    );
    // The real-param stage's own options still apply.
    let out = tpt(&["synth", file, "--opt", "real-steps=2", "--max-steps", "50"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out.stderr));
}

#[test]
fn synthesis_with_reals_is_deterministic_for_a_seed() {
    for file in HYBRID_PROGRAMS {
        for seed in ["0", "3"] {
            let args = ["synth", file, "--seed", seed];
            let (first, second) = (tpt(&args), tpt(&args));
            assert_eq!(first.status.code(), Some(0), "{file}:\n{}", text(&first.stderr));
            assert_eq!(text(&first.stdout), text(&second.stdout), "{file} seed {seed}");
            // The JSON too, but for the time taken.
            let json = |out: Output| -> String {
                text(&out.stdout).lines().filter(|l| !l.contains("\"seconds\"")).collect::<Vec<_>>().join("\n")
            };
            let args = ["synth", file, "--seed", seed, "--json"];
            assert_eq!(json(tpt(&args)), json(tpt(&args)), "{file} seed {seed}");
        }
    }
}

#[test]
fn fmgd_also_runs_the_real_stage() {
    // The relaxation moves the discrete params by its own rule, with Adam on the reals.
    let out = tpt(&["synth", "programs/symbolic_regression.tpt", "--backend", "fmgd", "--max-steps", "3000"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("fmgd"), "{}", text(&out.stderr));
}

#[test]
fn observations_hold_within_the_tolerance() {
    let program = "param a: real = 2.0;\ninput x: real;\noutput y: real;\ny = a * x;\n\
                   example { x = 1.25; y ~= 2.5004; }\nexample { x = 1.0; y ~= 2.2 +- 0.25; }\n";
    let path = write("tolerance.tpt", program);
    // The default tolerance (1e-3) covers the first, the written one the second.
    let out = tpt(&["run", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // A tighter default fails the first; the second keeps its own.
    let out = tpt(&["run", &path, "--tolerance", "1e-4"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("example 1: `y` is 2.5, expected 2.5004 within 0.0001"), "{stderr}");
    assert!(!stderr.contains("example 2"), "{stderr}");
    for bad in ["-1", "nan", "inf", "x"] {
        let out = tpt(&["run", &path, "--tolerance", bad]);
        assert_eq!(out.status.code(), Some(2), "--tolerance {bad}");
    }
}

#[test]
fn round_and_promotion_evaluate_as_documented() {
    let program = "input x: real;\nvar n: 4;\noutput k: 4;\noutput z: real;\n\
                   n = round(x * 2.0, 4);\nk = n;\nz = n + 1 + min(x, 0) + abs(-1) / 4.0;\n";
    let path = write("round.tpt", program);
    for (x, k, z) in [("1.3", "3", "4.25"), ("0.2", "0", "1.25"), ("-7.5", "0", "-6.25"), ("1.25", "3", "4.25")] {
        let out = tpt(&["run", &path, "--input", &format!("x={x}")]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        // 2.6 rounds to 3; 0.4 to 0; -15 is kept at 0; 2.5 rounds away from zero (and is kept at 3).
        assert_eq!(text(&out.stdout), format!("input (x = {x}): k = {k}; z = {z}\n"));
    }
}

#[test]
fn a_division_of_reals_by_zero_is_an_error_with_a_span() {
    // Fixed in an example whatever the params: a compile error, like an integer division.
    let program = "param a: real;\ninput x: real;\noutput y: real;\ny = a / x;\n\
                   example { x = 1.0; y ~= 2.0; }\nexample { x = 0.0; y ~= 0.0; }\n";
    let path = write("divide.tpt", program);
    for command in ["check", "synth"] {
        let out = tpt(&[command, &path]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}:\n{stderr}");
        assert!(stderr.contains("example 2: division by zero, whatever the params"), "{stderr}");
        assert!(stderr.contains("divide.tpt:4:9"), "{stderr}");
    }
    // On an input given to `tpt run`: the run stops there, an error of the input.
    let program = "param a: real = 1.0;\ninput x: real;\noutput y: real;\ny = a / x;\n";
    let path = write("divide_input.tpt", program);
    let out = tpt(&["run", &path, "--input", "x=0.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("division by zero"), "{}", text(&out.stderr));
    // Where the divisor is a param, it is no error: the search keeps away from zero (from
    // some starts Adam drifts towards a = -inf, where y tends to 0; seed 2 starts well).
    let program = "param a: real;\ninput x: real;\noutput y: real;\ny = x / a;\n\
                   example { x = 1.0; y ~= 0.5; }\nexample { x = 3.0; y ~= 1.5; }\n";
    let path = write("divide_by_param.tpt", program);
    let out = tpt(&["synth", &path, "--seed", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("param a: real = 2.0;"), "{}", text(&out.stdout));
}

#[test]
fn printed_reals_reproduce_the_observations() {
    // Values with no short decimal: the printed digits must still pass within the tolerance.
    let program = "param a: real;\nparam b: real;\ninput x: real;\noutput y: real;\ny = a * x + b;\n\
                   example { x = 0.0; y ~= 0.333333 +- 1e-6; }\nexample { x = 3.0; y ~= 2.4285714 +- 1e-6; }\n";
    let path = write("precision.tpt", program);
    let printed = write("precision_out.tpt", "");
    let out = tpt(&["synth", &path, "-o", &printed]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = tpt(&["run", &printed]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let source = std::fs::read_to_string(&printed).expect("printed program");
    let b = source.lines().find(|l| l.starts_with("param b")).expect("b is printed");
    // 0.333333 within 1e-6 needs six digits, and no more than the verifier kept.
    assert!(b.starts_with("param b: real = 0.33333"), "{b}");
}

/// With real params and `--max-violations`, the examples a candidate fails are counted by the
/// float pass at the current reals (the integer evaluator knows no reals): a gradient back end
/// gives the mislabelled example up and finds the line, and the check of whether the examples
/// are enough is skipped for the reals. The objective may not read a real param.
#[test]
fn max_violations_with_real_params_gives_the_mislabelled_example_up() {
    let file = write(
        "noisy_mixed.tpt",
        "param a: real;\nparam b: real;\nparam s: 4;\ninput x: 4;\noutput y: real;\noutput z: 4;\n\
         y = a * x + b;\nz = s;\n\
         example { x = 0; y ~= 1.0; z = 1; }\nexample { x = 1; y ~= 3.0; z = 1; }\n\
         example { x = 2; y ~= 5.0; z = 2; }\nexample { x = 3; y ~= 7.0; z = 1; }\n",
    );
    for backend in ["gradsearch-la", "fmgd"] {
        let out = tpt(&["synth", &file, "--backend", backend, "--max-violations", "1", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{backend}:\n{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        assert_eq!(json["params"]["a"], 2.0, "{backend}");
        assert_eq!(json["params"]["b"], 1.0, "{backend}");
        assert_eq!(json["params"]["s"], 1, "{backend}");
        let given_up = json["violated_examples"].as_array().expect("a list");
        assert_eq!(given_up.len(), 1, "{backend}");
        assert_eq!(given_up[0]["label"], "example 3", "{backend}");
        assert_eq!(json["distinguish_check"], "reals", "{backend}");
    }
    let objective = write(
        "minimize_real.tpt",
        "param a: real;\nparam s: 4;\ninput x: 4;\noutput y: real;\ny = a * x + s;\nminimize a > 1.0;\n\
         example { x = 1; y ~= 3.0; }\n",
    );
    let out = tpt(&["check", &objective]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`minimize` may only read integer params and constants"), "{stderr}");
}

/// `--all N` on a sketch with reals: the check of whether the examples are enough is of finite
/// domains, so it is skipped, and the list of programs says that it was skipped and why (not
/// that it was interrupted).
#[test]
fn all_on_reals_says_the_search_for_more_was_skipped() {
    let file = "programs/piecewise_linear.tpt";
    let out = tpt(&["synth", file, "--all", "3"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let listed = "note: 1 program fits every example; the search for more was skipped, as its encoding is of finite domains and the sketch has reals";
    assert!(stderr.contains(listed), "{stderr}");
    assert!(!stderr.contains("interrupted"), "{stderr}");
    let out = tpt(&["synth", file, "--all", "3", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["distinguish_check"], "reals");
    assert_eq!((json["programs"].as_array().map(Vec::len), &json["complete"]), (Some(1), &serde_json::json!(false)));
}
