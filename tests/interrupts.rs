//! Stopping: `--timeout` (exit 1) and SIGINT/SIGTERM (exit 130/143) end compilation and every
//! kind of back end promptly; gradient and local back ends show their best candidate,
//! labelled as not a solution, exact ones show none; `auto` reports the steps its clock
//! reached; an interrupted `synth -o` leaves the file as it was; an interrupted `bench` keeps
//! its finished rows.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tpt"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["--color", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tpt binary starts")
}

/// Wait for the child, killing it (and failing) if it does not stop within `limit`.
fn finish(mut child: Child, limit: Duration) -> (Option<i32>, String, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stdout = String::new();
            let mut stderr = String::new();
            let _ = child.stdout.take().map(|mut s| s.read_to_string(&mut stdout));
            let _ = child.stderr.take().map(|mut s| s.read_to_string(&mut stderr));
            return (status.code(), stdout, stderr);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("tpt did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()), "kill -{name} works");
}

const HARD: &str = "programs/circuit_2bit_adder_16.tpt";

#[test]
fn timeouts_stop_every_kind_of_back_end_with_the_best_candidate() {
    for backend in ["gradsearch-plus", "fmgd", "local-search", "sat"] {
        let child = spawn(&["synth", HARD, "--backend", backend, "--max-steps", "1000000000", "--timeout", "0.5"]);
        let (code, stdout, stderr) = finish(child, Duration::from_secs(60));
        assert_eq!(code, Some(1), "{backend}: {stderr}");
        assert!(stderr.contains("timed out"), "{backend}: {stderr}");
        if backend != "sat" {
            // Gradient and local back ends have a candidate to show, labelled as what it is.
            assert!(stdout.contains("param gate"), "{backend}: the best candidate is printed:\n{stdout}");
            assert!(stdout.starts_with("// NOT A SOLUTION"), "{backend}: the candidate is labelled:\n{stdout}");
            assert!(stderr.contains("violates"), "{backend}: {stderr}");
        } else {
            // An exact back end that did not answer has nothing to show.
            assert_eq!(stdout, "", "{backend}: no candidate is invented");
            assert!(!stderr.contains("violates"), "{backend}: {stderr}");
        }
    }
}

/// `auto` stopped in its race reports the step of its shared clock that both halves had
/// reached, not the one step of the run loop that the race is (it said "in 1 step" beside
/// thousands of evaluations). Half a second is many times what its 16-step head start needs,
/// after which both halves are past step 16.
#[test]
fn auto_stopped_by_a_timeout_reports_the_clock_it_reached() {
    let args = ["synth", "programs/circuit_mux4.tpt", "--max-steps", "1000000000", "--timeout", "0.5"];
    let (code, stdout, stderr) = finish(spawn(&[&args[..], &["--json"]].concat()), Duration::from_secs(60));
    assert_eq!(code, Some(1), "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(value["status"], "timeout", "{value}");
    let steps = value["steps"].as_u64().expect("steps");
    assert!(steps > 16, "{steps} steps");
    assert!(value["evaluations"].as_u64().is_some_and(|e| e >= steps), "every step evaluates: {value}");
    let (_, _, stderr) = finish(spawn(&args), Duration::from_secs(60));
    assert!(stderr.contains("timed out by auto") && !stderr.contains(" in 1 step,"), "{stderr}");
}

#[test]
fn timeouts_stop_the_enumeration_and_the_external_solver() {
    let child = spawn(&["synth", HARD, "--backend", "exhaustive", "--opt", "limit=1e30", "--timeout", "0.5"]);
    let (code, _, stderr) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(1), "exhaustive: {stderr}");
    assert!(stderr.contains("timed out"), "exhaustive: {stderr}");
    let z3 = Command::new("z3").arg("--version").output().is_ok_and(|o| o.status.success());
    if !z3 {
        assert!(std::env::var_os("CI").is_none(), "z3 is required in CI (.ci/run installs it)");
        eprintln!("SKIPPED the smt part of timeouts_stop_the_enumeration_and_the_external_solver: z3 is not installed");
        return;
    }
    let child = spawn(&["synth", HARD, "--backend", "smt", "--timeout", "0.5"]);
    let (code, _, stderr) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(1), "smt: {stderr}");
    assert!(stderr.contains("timed out"), "smt: {stderr}");
}

#[test]
fn sigterm_and_sigint_stop_synthesis_with_the_best_candidate() {
    for (name, code, backend) in [("TERM", 143, "gradsearch-plus"), ("INT", 130, "gradsearch-ra"), ("INT", 130, "sat")]
    {
        let child = spawn(&["synth", HARD, "--backend", backend, "--max-steps", "1000000000"]);
        std::thread::sleep(Duration::from_millis(700));
        signal(&child, name);
        let (exit, stdout, stderr) = finish(child, Duration::from_secs(30));
        assert_eq!(exit, Some(code), "{backend} after SIG{name}: {stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        if backend != "sat" {
            assert!(stdout.contains("param gate"), "the best candidate is printed:\n{stdout}");
            assert!(stdout.starts_with("// NOT A SOLUTION"), "the candidate is labelled:\n{stdout}");
        } else {
            assert_eq!(stdout, "", "{backend}: no candidate is invented");
        }
    }
}

#[test]
fn an_interrupted_bench_keeps_its_finished_rows() {
    let child = spawn(&[
        "bench",
        "programs/parity_chain.tpt",
        HARD,
        "--backends",
        "gradsearch-ra",
        "--runs",
        "2",
        "--max-steps",
        "1000000000",
        "--jobs",
        "1",
    ]);
    std::thread::sleep(Duration::from_millis(1500));
    signal(&child, "INT");
    let (code, stdout, stderr) = finish(child, Duration::from_secs(30));
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stdout.contains("| programs/parity_chain.tpt | gradsearch-ra |"), "the finished row is kept:\n{stdout}");
    assert!(!stdout.contains("circuit_2bit_adder_16"), "the unfinished row is not reported:\n{stdout}");
    assert!(stderr.contains("interrupted"), "{stderr}");
}

#[test]
fn an_interrupted_synthesis_leaves_its_output_file_as_it_was() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("interrupts");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let out = dir.join("kept.tpt");
    std::fs::write(&out, "// kept\n").expect("write");
    let out_arg = out.to_string_lossy().into_owned();
    let child = spawn(&["synth", HARD, "--backend", "gradsearch-ra", "--max-steps", "1000000000", "-o", &out_arg]);
    std::thread::sleep(Duration::from_millis(700));
    signal(&child, "INT");
    let (exit, stdout, stderr) = finish(child, Duration::from_secs(30));
    assert_eq!(exit, Some(130), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), "// kept\n");
    // The best candidate is not lost: it goes to stdout, as without `-o`.
    assert!(stdout.starts_with("// NOT A SOLUTION"), "{stdout}");
    assert!(stderr.contains("is not written: no program was found"), "{stderr}");
}

/// Compiles for seconds within every default limit (nearly two million statements to unroll).
const LONG_COMPILATION: &str = "tests/interrupts/long_compilation.tpt";

/// Regression: `--timeout` started with the search, so `synth --timeout 1` on a sketch that
/// took seconds to compile ran for all of them. The deadline now counts from the start of the
/// command and compilation looks at it: a timeout there ends as a search's does (exit 1),
/// saying that the program was still compiling.
#[test]
fn a_timeout_while_compiling_ends_like_a_search_timeout() {
    let child = spawn(&["synth", LONG_COMPILATION, "--timeout", "0.05"]);
    let (code, stdout, stderr) = finish(child, Duration::from_secs(120));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("timed out while compiling"), "{stderr}");
    assert!(stderr.contains("raise `--timeout`"), "{stderr}");
    assert_eq!(stdout, "", "nothing was searched, so nothing is printed");
}

/// Regression: the signal handlers were installed after compilation, so Ctrl-C while
/// compiling killed the process (no exit code, no message). It now stops compilation and
/// ends as an interrupted search does.
#[test]
fn ctrl_c_while_compiling_is_an_interruption() {
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        let child = spawn(&["synth", LONG_COMPILATION]);
        std::thread::sleep(Duration::from_millis(300));
        signal(&child, name);
        let (exit, stdout, stderr) = finish(child, Duration::from_secs(120));
        assert_eq!(exit, Some(code), "after SIG{name}: {stderr}");
        assert!(stderr.contains("interrupted while compiling"), "{stderr}");
        assert_eq!(stdout, "");
    }
}
