//! `tpt fmt` and `tpt check` on several files and on standard input (`-`): every file is
//! handled, and the exit code is the worst of the files' (0 ok, 1 not formatted, 2 an error).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn tpt(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tpt"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["--color", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tpt binary starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("tpt output")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str, contents: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("several_files");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path.to_string_lossy().into_owned()
}

const UGLY: &str = "input x:2;output y:2;\ny=x;example{x=0;y=0;}\n";
const PRETTY: &str = "input x: 2;\noutput y: 2;\ny = x;\nexample { x = 0; y = 0; }\n";
const BROKEN: &str = "input x: 2;\noutput y: 2;\ny = x +;\n";

fn shipped_programs() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("programs"))
        .expect("programs/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tpt"))
        .map(|p| format!("programs/{}", p.file_name().unwrap_or_default().to_string_lossy()))
        .collect();
    files.sort();
    files
}

#[test]
fn fmt_check_takes_every_shipped_program_at_once() {
    let files = shipped_programs();
    let mut args = vec!["fmt", "--check"];
    args.extend(files.iter().map(String::as_str));
    let result = tpt(&args, "");
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
}

#[test]
fn fmt_check_names_each_unformatted_file_and_exits_with_the_worst() {
    let ugly = scratch("ugly.tpt", UGLY);
    let pretty = scratch("pretty.tpt", PRETTY);
    let result = tpt(&["fmt", "--check", &pretty, &ugly], "");
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(stderr.contains(&format!("{ugly}: not formatted")) && !stderr.contains("pretty.tpt"), "{stderr}");
    // A file that cannot be read is worse than one that is not formatted; both are reported.
    let result = tpt(&["fmt", "--check", &ugly, "no-such-file.tpt", &pretty], "");
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("ugly.tpt: not formatted") && stderr.contains("cannot read `no-such-file.tpt`"),
        "{stderr}"
    );
}

#[test]
fn fmt_write_rewrites_every_file() {
    let first = scratch("first.tpt", UGLY);
    let second = scratch("second.tpt", UGLY);
    let result = tpt(&["fmt", "--write", &first, &second], "");
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    for file in [&first, &second] {
        assert_eq!(std::fs::read_to_string(file).expect("read"), PRETTY, "{file}");
    }
}

#[test]
fn fmt_reads_standard_input() {
    let result = tpt(&["fmt", "-"], UGLY);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert_eq!(text(&result.stdout), PRETTY);
    let result = tpt(&["fmt", "--check", "-"], UGLY);
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stderr).contains("<stdin>: not formatted"), "{}", text(&result.stderr));
    let result = tpt(&["fmt", "--check", "-"], PRETTY);
    assert_eq!(result.status.code(), Some(0));
    // A syntax error on standard input points into it.
    let result = tpt(&["fmt", "-"], BROKEN);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("<stdin>:3:"), "{}", text(&result.stderr));
}

#[test]
fn fmt_refuses_arguments_it_cannot_honour() {
    let ugly = scratch("refused.tpt", UGLY);
    for (args, expected) in [
        (vec!["fmt", &ugly, &ugly], "formatting several files needs `--write` or `--check`"),
        (vec!["fmt", "--write", "-"], "`--write` cannot rewrite `-`"),
        (vec!["fmt", "--check", "-", "-"], "given more than once"),
    ] {
        let result = tpt(&args, UGLY);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        assert!(text(&result.stderr).contains(expected), "{args:?}: {}", text(&result.stderr));
    }
    assert_eq!(std::fs::read_to_string(&ugly).expect("read"), UGLY, "nothing was written");
}

#[test]
fn check_takes_several_files_and_standard_input() {
    let pretty = scratch("checked.tpt", PRETTY);
    let broken = scratch("broken.tpt", BROKEN);
    let result = tpt(&["check", "programs/dnf.tpt", "-", &pretty], UGLY);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    let summaries: Vec<&str> = stdout.lines().collect();
    assert_eq!(summaries.len(), 3, "{stdout}");
    assert!(summaries[0].starts_with("programs/dnf.tpt: ok:"), "{stdout}");
    assert!(summaries[1].starts_with("<stdin>: ok:"), "{stdout}");
    assert!(summaries[2].starts_with(&format!("{pretty}: ok:")), "{stdout}");
    // The broken file is reported and makes the exit code 2; the others are still checked.
    let result = tpt(&["check", &broken, &pretty], "");
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("broken.tpt:3:"), "{}", text(&result.stderr));
    assert!(text(&result.stdout).contains("checked.tpt: ok:"), "{}", text(&result.stdout));
}
