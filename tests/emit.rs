//! `tpt emit smt2|cnf`: the encodings accepted by their solvers, and a file written only when
//! it is the problem `synth` solves: reals refused with a span at the first real param, the
//! objective of `minimize` and of `--max-violations` written as z3's goals in SMT-LIB and
//! refused in DIMACS, which has none.

mod cli;

use cli::{scratch_in, text, tpt, tpt_as_given};

use std::path::PathBuf;
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    scratch_in("emit", name)
}

/// z3's answer to an SMT-LIB file, with the optimization goals' values (`get-objectives`);
/// `None` (the test skips loudly, or fails in CI) when z3 is not installed.
fn z3_on(smt: &str, test: &str) -> Option<String> {
    let file = scratch(&format!("{test}.smt2"));
    std::fs::write(&file, format!("{smt}(get-objectives)\n")).expect("written");
    let Ok(output) = Command::new("z3").arg(&file).output() else {
        assert!(std::env::var_os("CI").is_none(), "{test}: z3 is required in CI (.ci/run installs it)");
        eprintln!("SKIPPED {test}: z3 is not installed (apt-get install z3)");
        return None;
    };
    Some(text(&output.stdout))
}

#[test]
fn emitted_cnf_is_dimacs_with_the_params_named() {
    let result = tpt_as_given(&["emit", "cnf", "programs/circuit_nand.tpt"]);
    assert_eq!(result.status.code(), Some(0));
    let cnf = text(&result.stdout);
    assert!(cnf.contains("c param gate[0] values 0 1 2 3 4 literals"), "{cnf}");
    let header = cnf.lines().find(|l| l.starts_with("p cnf ")).expect("a DIMACS header");
    let clauses: usize = header.split_whitespace().nth(3).and_then(|n| n.parse().ok()).expect("clause count");
    assert_eq!(cnf.lines().filter(|l| l.ends_with(" 0") || *l == "0").count(), clauses);
}

#[test]
fn emitted_smt2_is_solved_by_z3() {
    // Both sorts: bit-vectors (the default) and bounded integers (`--opt ints=1`, the option's
    // name for `synth --backend smt` too; `--ints` is kept as a hidden alias).
    for (index, (flags, declaration)) in [
        (vec![], "(declare-fun |gate[0]| () (_ BitVec 3))"),
        (vec!["--opt", "ints=1"], "(declare-fun |gate[0]| () Int)"),
        (vec!["--ints"], "(declare-fun |gate[0]| () Int)"),
    ]
    .into_iter()
    .enumerate()
    {
        let file = scratch(&format!("nand{index}.smt2"));
        let file_arg = file.to_string_lossy().into_owned();
        let mut args = vec!["emit", "smt2", "programs/circuit_nand.tpt", "-o", &file_arg];
        args.extend(flags);
        let result = tpt_as_given(&args);
        assert_eq!(result.status.code(), Some(0));
        let smt = std::fs::read_to_string(&file).expect("written");
        assert!(smt.contains(declaration) && smt.contains("(check-sat)"), "{smt}");
        let Ok(output) = Command::new("z3").arg(&file).output() else {
            assert!(std::env::var_os("CI").is_none(), "z3 is required in CI (.ci/run installs it)");
            eprintln!("SKIPPED emitted_smt2_is_solved_by_z3: z3 is not installed");
            return;
        };
        let answer = text(&output.stdout);
        assert_eq!(answer.lines().next(), Some("sat"), "{answer}");
        assert!(answer.contains("|gate[0]|"), "the params' values come back: {answer}");
    }
}

#[test]
fn reals_are_refused_with_a_span_at_the_first_real_param() {
    for format in ["smt2", "cnf"] {
        let out = tpt(&["emit", format, "programs/hybrid_shapes.tpt"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
        assert!(stderr.contains(&format!("`tpt emit {format}` writes finite domains, and this program has reals")));
        assert!(stderr.contains("hybrid_shapes.tpt:5:1") && stderr.contains("`cx` is a real param"), "{stderr}");
        assert!(out.stdout.is_empty(), "{format}: no file with an `(assert false)` per example");
    }
}

#[test]
fn smt2_carries_the_objective_and_z3_answers_the_optimum() {
    let out = tpt(&["emit", "smt2", "tests/optimize/two_gate_and.tpt"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let smt = text(&out.stdout);
    // The cost of the program: the gates that are not copies (`minimize gate[g] != 2;`).
    let goal = smt.lines().find(|l| l.starts_with("(minimize ")).expect("the objective as z3's goal");
    assert!(goal.starts_with("(minimize (+ 0 (bv2nat "), "{goal}");
    let Some(answer) = z3_on(&smt, "smt2_carries_the_objective") else { return };
    assert!(answer.starts_with("sat\n"), "{answer}");
    // One AND gate, the other slot a copy: cost 1, as `synth` proves.
    let objectives = &answer[answer.find("(objectives").expect("the goal's value")..];
    assert!(objectives.trim_end().ends_with(" 1)\n)"), "{objectives}");
}

#[test]
fn smt2_with_max_violations_gives_the_mislabelled_example_up() {
    let strict = tpt(&["emit", "smt2", "programs/noisy_affine.tpt"]);
    let allowing = tpt(&["emit", "smt2", "programs/noisy_affine.tpt", "--max-violations", "1"]);
    assert_eq!(allowing.status.code(), Some(0), "{}", text(&allowing.stderr));
    let smt = text(&allowing.stdout);
    assert!(smt.contains("(minimize (+ 0 (ite selected_0 0 1)"), "the examples switched off are the goal");
    let Some(answer) = z3_on(&text(&strict.stdout), "smt2_without_max_violations") else { return };
    assert!(answer.starts_with("unsat"), "{answer}");
    let answer = z3_on(&smt, "smt2_with_max_violations").unwrap_or_default();
    assert!(answer.starts_with("sat\n"), "{answer}");
    assert!(answer.contains("(p #x3)") && answer.contains("(q #x7)"), "the intended map: {answer}");
    assert!(answer.contains(") 1)\n"), "one example given up: {answer}");
}

#[test]
fn cnf_refuses_an_objective_and_examples_allowed_to_fail() {
    let out = tpt(&["emit", "cnf", "tests/optimize/two_gate_and.tpt"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`tpt emit cnf` cannot write the objective: DIMACS CNF has none"), "{stderr}");
    assert!(stderr.contains("two_gate_and.tpt:11:26"), "at the `minimize` term: {stderr}");
    assert!(out.stdout.is_empty());
    let out = tpt(&["emit", "cnf", "tests/noisy/mislabelled_duplicate.tpt", "--max-violations", "1"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`tpt emit cnf` cannot let 1 example fail"), "{stderr}");
    assert!(stderr.contains("`tpt emit smt2 --max-violations N`"), "{stderr}");
    assert!(out.stdout.is_empty());
}
