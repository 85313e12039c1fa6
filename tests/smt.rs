//! The `smt` back end's external solver, played by stub scripts written into a scratch
//! directory and named with `--opt solver=PATH` or found on PATH: every answer but `sat` and
//! `unsat` ends the search once (exit 1, the reason in words), and a solver that is missing or
//! cannot be started is a user error naming its path (exit 2), before any search.
#![cfg(unix)]

mod cli;

use cli::{scratch_in, text};

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SKETCH: &str = "programs/circuit_nand.tpt";

/// A stub solver `dir/z3` running `body` (a shell script) when given an SMT-LIB file; each
/// such run adds a line to `dir/runs`. Asked for its version (the check that it starts), it
/// only exits.
fn stub(dir: &str, body: &str, mode: u32) -> PathBuf {
    let dir = scratch_in("smt", dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let runs = dir.join("runs");
    let _ = std::fs::remove_file(&runs);
    let script =
        format!("#!/bin/sh\ncase \"$1\" in -version) exit 0 ;; esac\necho run >> '{}'\n{body}\n", runs.display());
    let path = dir.join("z3");
    std::fs::write(&path, script).expect("stub written");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("permissions");
    path
}

/// How many times the stub in `solver`'s directory was run on a file.
fn runs(solver: &Path) -> usize {
    let runs = solver.with_file_name("runs");
    std::fs::read_to_string(runs).map_or(0, |text| text.lines().count())
}

/// `tpt synth SKETCH --backend smt ARGS --json` with PATH set to `path` when given. The timeout
/// only keeps a broken build from hanging the test: every stub answers at once.
fn synth(args: &[&str], path: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tpt"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.args(["synth", SKETCH, "--backend", "smt", "--timeout", "20", "--json", "--color", "never"]);
    command.args(args);
    if let Some(dir) = path {
        command.env("PATH", format!("{}:/usr/bin:/bin", dir.display()));
    }
    command.output().expect("the tpt binary runs")
}

fn status(out: &Output) -> String {
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    value["status"].as_str().unwrap_or("no JSON").to_string()
}

#[test]
fn unknown_is_a_final_answer_with_the_solvers_reason() {
    let cases = [
        ("unknown", "echo unknown", "`z3` answered `unknown` and gave no reason"),
        (
            "unknown_reason",
            "echo unknown; echo '(error \"model is not available\")'; echo '(:reason-unknown \"timeout\")'",
            "`z3` answered `unknown` (its reason: timeout)",
        ),
    ];
    for (dir, body, words) in cases {
        let solver = stub(dir, body, 0o755);
        let out = synth(&["--opt", &format!("solver={}", solver.display())], None);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{dir}: {stderr}");
        assert_eq!(status(&out), "gave-up", "{dir}: {stderr}");
        assert!(stderr.contains(&format!("no program found: {words}")), "{dir}: {stderr}");
        assert_eq!(runs(&solver), 1, "{dir}: started once, not in a loop");
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(value["gave_up_reason"], words, "{dir}");
        assert!(value["params"].is_null(), "{dir}: no program is claimed");
    }
    // The same stub found on PATH as `z3`.
    let solver = stub("unknown_on_path", "echo unknown", 0o755);
    let out = synth(&[], solver.parent());
    assert_eq!((out.status.code(), status(&out)), (Some(1), "gave-up".to_string()), "{}", text(&out.stderr));
    assert_eq!(runs(&solver), 1);
}

#[test]
fn a_solver_that_crashes_or_prints_garbage_ends_the_search() {
    let cases = [
        (
            "crash",
            "echo 'Segmentation fault' >&2; exit 139",
            "`z3` exited with status 139 without an answer; it printed `Segmentation fault`",
        ),
        ("silent", "exit 1", "`z3` exited with status 1 without an answer, printing nothing"),
        ("garbage", "echo 'hello world'", "`z3` exited without an answer; it printed `hello world`"),
        ("no_values", "echo sat; echo '((x 1))'", "`z3` answered `sat` but gave no value of `gate[0]`"),
    ];
    for (dir, body, words) in cases {
        let solver = stub(dir, body, 0o755);
        let out = synth(&["--opt", &format!("solver={}", solver.display())], None);
        let stderr = text(&out.stderr);
        assert_eq!((out.status.code(), status(&out)), (Some(1), "gave-up".to_string()), "{dir}: {stderr}");
        assert!(stderr.contains(&format!("no program found: {words}")), "{dir}: {stderr}");
        assert_eq!(runs(&solver), 1, "{dir}: started once, not in a loop");
    }
}

#[test]
fn a_solver_that_cannot_be_started_is_a_user_error_naming_its_path() {
    // Not executable, named with the option and found on PATH.
    let solver = stub("not_executable", "echo sat", 0o644);
    let named = synth(&["--opt", &format!("solver={}", solver.display())], None);
    let on_path = synth(&[], solver.parent());
    for out in [named, on_path] {
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let words = format!("the SMT solver `{}` cannot be started: permission denied", solver.display());
        assert!(stderr.contains(&words), "{stderr}");
        assert!(out.stdout.is_empty(), "refused before the search");
    }
    // A script whose interpreter does not exist.
    let dir = scratch_in("smt", "no_interpreter");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let solver = dir.join("z3");
    std::fs::write(&solver, "#!/no/such/shell\necho sat\n").expect("written");
    std::fs::set_permissions(&solver, std::fs::Permissions::from_mode(0o755)).expect("permissions");
    let out = synth(&["--opt", &format!("solver={}", solver.display())], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&format!("`{}` cannot be started", solver.display())));
    // A path that does not exist, and a name that is not on PATH.
    let missing = dir.join("missing").join("z3");
    let out = synth(&["--opt", &format!("solver={}", missing.display())], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&format!("there is no file `{}`", missing.display())));
    let out = synth(&["--opt", "solver=no-such-solver"], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("there is no `no-such-solver` on PATH"), "{}", text(&out.stderr));
    // Neither z3 nor cvc5 on PATH.
    let empty = scratch_in("smt", "empty");
    std::fs::create_dir_all(&empty).expect("scratch directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tpt"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).env("PATH", &empty);
    let out = command.args(["synth", SKETCH, "--backend", "smt", "--color", "never"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("needs `z3` or `cvc5` on PATH"), "{}", text(&out.stderr));
}
