//! What the commands say in words: the same message for a missing file in every command,
//! counts with nouns that agree ("1 step", "2 steps"), the `graph --summary` on stdout, one
//! spelling of an option across commands.

mod cli;

use cli::{text, tpt_as_given as tpt};

#[test]
fn a_missing_file_reads_the_same_in_every_command() {
    let commands: [&[&str]; 10] = [
        &["check", "no/such.tpt"],
        &["run", "no/such.tpt"],
        &["synth", "no/such.tpt"],
        &["emit", "smt2", "no/such.tpt"],
        &["emit", "cnf", "no/such.tpt"],
        &["fmt", "no/such.tpt"],
        &["fmt", "--check", "no/such.tpt"],
        &["graph", "no/such.tpt"],
        &["bench", "no/such.tpt", "--runs", "1"],
        &["bench", "programs/circuit_nand.tpt", "no/such.tpt", "--runs", "1"],
    ];
    let mut messages = Vec::new();
    for args in commands {
        let mut args = args.to_vec();
        args.extend(["--color", "never"]);
        let result = tpt(&args);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        // Nothing on stdout: `bench` reads every file before it prints its table's header.
        assert_eq!(text(&result.stdout), "", "{args:?}");
        messages.push((args, text(&result.stderr)));
    }
    for (args, message) in &messages {
        assert_eq!(message, &messages[0].1, "{args:?}");
    }
    insta::assert_snapshot!("missing_file", messages[0].1);
    // Files named by flags read the same.
    for args in [
        vec!["synth", "programs/circuit_nand.tpt", "--data", "no/such.json", "--color", "never"],
        vec!["bench", "--from-csv", "no/such.csv", "--color", "never"],
    ] {
        let result = tpt(&args);
        assert_eq!(result.status.code(), Some(2));
        let name = args[args.len() - 3];
        assert_eq!(text(&result.stderr), messages[0].1.replace("no/such.tpt", name), "{args:?}");
    }
}

#[test]
fn counts_agree_with_their_nouns() {
    let check = tpt(&["check", "programs/parity_chain.tpt"]);
    let stdout = text(&check.stdout);
    assert!(stdout.contains("1 param declaration, 7 unknown elements"), "{stdout}");
    assert!(stdout.contains(", 1 example, "), "{stdout}");
    let synth = tpt(&["synth", "programs/circuit_nand.tpt", "--seed", "1", "--color", "never"]);
    let stderr = text(&synth.stderr);
    assert!(stderr.contains(" in 1 step, restart 1 of 1, "), "{stderr}");
    let failed = tpt(&[
        "synth",
        "programs/circuit_adder.tpt",
        "--backend",
        "gradsearch-plus",
        "--max-steps",
        "200",
        "--seed",
        "3",
        "--color",
        "never",
    ]);
    let stderr = text(&failed.stderr);
    assert!(stderr.contains(" in 200 steps, "), "{stderr}");
    let graph = tpt(&["graph", "programs/parity_chain.tpt", "--summary"]);
    assert!(text(&graph.stdout).contains(", 1 input, 0 constants,"), "{}", text(&graph.stdout));
    assert!(text(&graph.stdout).ends_with(", 1 example\n"), "{}", text(&graph.stdout));
    for output in [&check, &synth, &failed, &graph] {
        let all = text(&output.stdout) + &text(&output.stderr);
        assert!(!all.contains("(s)") && !all.contains("(es)"), "{all}");
    }
}

#[test]
fn graph_summary_goes_to_stdout_when_it_is_all_that_is_asked_for() {
    let summary = tpt(&["graph", "programs/circuit_nand.tpt", "--summary"]);
    assert_eq!(summary.status.code(), Some(0));
    assert_eq!(text(&summary.stderr), "");
    insta::assert_snapshot!("graph_summary", text(&summary.stdout));
    // With the DOT text on stdout, the summary goes to stderr and stdout stays a graph.
    let dot = tpt(&["graph", "programs/circuit_nand.tpt"]);
    assert_eq!(dot.status.code(), Some(0));
    assert!(text(&dot.stdout).starts_with("digraph {"), "{}", text(&dot.stdout));
    assert_eq!(text(&dot.stderr), text(&summary.stdout));
}

#[test]
fn emit_takes_the_smt_back_ends_options_by_the_same_names() {
    let option = tpt(&["emit", "smt2", "programs/circuit_nand.tpt", "--opt", "ints=1"]);
    let alias = tpt(&["emit", "smt2", "programs/circuit_nand.tpt", "--ints"]);
    let bit_vectors = tpt(&["emit", "smt2", "programs/circuit_nand.tpt", "--opt", "ints=0"]);
    assert_eq!(option.status.code(), Some(0), "{}", text(&option.stderr));
    assert_eq!(option.stdout, alias.stdout, "`--ints` is `--opt ints=1`");
    assert!(text(&option.stdout).contains("() Int)"));
    assert!(text(&bit_vectors.stdout).contains("() (_ BitVec 3))"));
    // The names are checked like `synth --backend smt --opt ..` checks them.
    let misspelt = tpt(&["emit", "smt2", "programs/circuit_nand.tpt", "--opt", "int=1", "--color", "never"]);
    assert_eq!(misspelt.status.code(), Some(2));
    assert!(text(&misspelt.stderr).contains("`int`"), "{}", text(&misspelt.stderr));
    let cnf = tpt(&["emit", "cnf", "programs/circuit_nand.tpt", "--opt", "ints=1", "--color", "never"]);
    assert_eq!(cnf.status.code(), Some(2));
    assert!(text(&cnf.stderr).contains("`emit cnf` takes no options"), "{}", text(&cnf.stderr));
    // `--ints` is not advertised; `--opt` is.
    let help = text(&tpt(&["emit", "--help"]).stdout);
    assert!(help.contains("--opt <KEY=VALUE>") && !help.contains("--ints"), "{help}");
}

#[test]
fn the_tools_errors_begin_like_claps() {
    let clap = tpt(&["synth", "programs/circuit_nand.tpt", "--no-such-flag"]);
    let own = tpt(&["synth", "programs/circuit_nand.tpt", "--backend", "no-such", "--color", "never"]);
    let source = tpt(&["check", "tests/errors/fn_wrong_arity.tpt", "--color", "never"]);
    for output in [&clap, &own, &source] {
        assert_eq!(output.status.code(), Some(2));
        assert!(text(&output.stderr).starts_with("error: "), "{}", text(&output.stderr));
    }
    // Warnings and notes follow suit.
    let synth = tpt(&["synth", "programs/circuit_nand.tpt", "--seed", "1", "--color", "never"]);
    let stderr = text(&synth.stderr);
    assert!(stderr.starts_with("note: synthesized `gate`"), "{stderr}");
    assert!(!stderr.contains("Advice:") && !stderr.contains("Warning:"), "{stderr}");
}

#[test]
fn a_new_input_that_fails_an_observe_is_not_pointed_at_in_the_program() {
    // The input was given on the command line, so the message names `--input` and points only
    // at the `observe` (before, a label "in this example" pointed at unrelated program text).
    let program = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("observe_guard.tpt");
    std::fs::write(
        &program,
        "input x: 4;\nparam p: 2 = 1;\noutput y: 5;\ny = x + p;\nobserve x != 3;\nexample { x = 1; y = 2; }\n",
    )
    .expect("write");
    let path = program.to_string_lossy().into_owned();
    let result = tpt(&["run", &path, "--input", "x=3", "--color", "never"]);
    assert_eq!(result.status.code(), Some(1));
    assert_eq!(text(&result.stdout), "input (x = 3): FAILED: y = 4\n");
    let stderr = text(&result.stderr);
    assert!(stderr.starts_with("error: --input: an `observe` does not hold\n"), "{stderr}");
    assert!(stderr.contains("this is 0, not 1") && !stderr.contains("in this example"), "{stderr}");
    // A name that is not an input says which names are.
    let result = tpt(&["run", &path, "--input", "y=3", "--color", "never"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("`--input y=..`: `y` is not an input of the program"));
}

#[test]
fn run_on_a_given_input_takes_each_input_once_and_needs_no_examples() {
    let program = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no_examples.tpt");
    std::fs::write(&program, "input x: 4;\ninput z: 2;\noutput y: 5;\ny = x + z;\n").expect("write");
    let path = program.to_string_lossy().into_owned();
    // A program without examples observes nothing, which does not matter when it is run on a
    // given input: no warning.
    let result = tpt(&["run", &path, "--input", "x=3", "--input", "z=1", "--color", "never"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert_eq!(text(&result.stdout), "input (x = 3, z = 1): y = 4\n");
    assert_eq!(text(&result.stderr), "", "no warning");
    // The warning stays where it means something: a search, and a run on the examples.
    for args in [vec!["check", &path], vec!["run", &path]] {
        let result = tpt(&[&args[..], &["--color", "never"]].concat());
        assert!(text(&result.stderr).contains("warning: nothing is observed"), "{args:?}");
    }
    // An input given twice is an error, as an option given twice is (the second value would
    // silently replace the first).
    let result = tpt(&["run", &path, "--input", "x=3", "--input", "z=1", "--input", "x=0", "--color", "never"]);
    assert_eq!(result.status.code(), Some(2));
    assert_eq!(text(&result.stdout), "");
    assert_eq!(
        text(&result.stderr),
        "error: `--input x` is given twice (`x=3` and `x=0`)\n   Help: give each input once\n"
    );
    // An integer beyond 64 bits is out of range, quoted as written (not "not an integer").
    let result = tpt(&["run", &path, "--input", "x=99999999999999999999999", "--input", "z=1", "--color", "never"]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(stderr.starts_with("error: --input x: 99999999999999999999999 is out of range for `x`\n"), "{stderr}");
    assert!(stderr.contains("`x` takes values 0..4"), "{stderr}");
}
