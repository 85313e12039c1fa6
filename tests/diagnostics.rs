//! Every broken program in `tests/errors/` -> the rendered diagnostics of `tpt check`, as an
//! insta snapshot per program. Each program holds one mistake (a few hold several, to show
//! that every error is collected); its first line says which. Next to a program:
//! `NAME.json` is passed as `--data`, and `NAME.args` holds extra command-line arguments.
//!
//! The binary runs from the crate root on a relative path, so the paths in the output (and
//! so the snapshots) do not depend on where the repository is checked out.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one `tpt check` may take; every limit fires long before this.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The broken programs, by file stem, in a stable order.
fn broken_programs(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("tests/errors"))
        .expect("tests/errors exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tpt"))
        .map(|path| path.file_stem().expect("a file name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The arguments of `tpt check` for one broken program, relative to the crate root.
fn arguments(root: &Path, name: &str) -> Vec<String> {
    let program = format!("tests/errors/{name}.tpt");
    let mut args = vec!["check".to_string(), "--color".to_string(), "never".to_string(), program];
    let data = format!("tests/errors/{name}.json");
    if root.join(&data).exists() {
        args.push("--data".to_string());
        args.push(data);
    }
    let extra = root.join(format!("tests/errors/{name}.args"));
    if let Ok(text) = std::fs::read_to_string(extra) {
        args.extend(text.split_whitespace().map(str::to_string));
    }
    args
}

/// Run `tpt` and return (exit code, stdout, stderr); a run over the timeout is killed and
/// fails the test.
fn run_tpt(root: &Path, args: &[String]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tpt"))
        .args(args)
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tpt binary starts");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("waiting on tpt").is_some() {
            break;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("`tpt {}` did not finish within {TIMEOUT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = child.wait_with_output().expect("tpt output");
    let code = output.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn broken_programs_are_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let names = broken_programs(root);
    assert!(names.len() >= 30, "only {} broken programs in tests/errors", names.len());
    let mut wrong_exit = Vec::new();
    for name in &names {
        let args = arguments(root, name);
        let (code, stdout, stderr) = run_tpt(root, &args);
        if code != 2 {
            wrong_exit.push(format!("{name}: exit {code}\n{stderr}"));
        }
        let mut text = format!("$ tpt {}\n", args.join(" "));
        if !stdout.is_empty() {
            text.push_str(&format!("--- stdout\n{stdout}"));
        }
        text.push_str(&format!("--- stderr\n{stderr}--- exit code: {code}\n"));
        let source: PathBuf = ["tests", "errors", &format!("{name}.tpt")].iter().collect();
        insta::with_settings!({ input_file => source, omit_expression => true }, {
            insta::assert_snapshot!(name.as_str(), text);
        });
    }
    assert!(wrong_exit.is_empty(), "broken programs must exit with 2:\n{}", wrong_exit.join("\n"));
}
