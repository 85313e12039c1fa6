//! Diagnostics are data worded at the edge: the library mentions settings as typed facts and
//! the command line spells them as its flags (the Python package spells them as its keyword
//! arguments: `python/tests/test_tpt.py`). A tidy check keeps flag spellings out of the
//! library's strings.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `tpt` with these arguments: (exit code, stderr).
fn tpt(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tpt"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the tpt binary starts");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The three diagnostics that `python/tests/test_tpt.py` words for Python, as the command
/// line words them: a limit of compilation, the step budget and an override of a constant.
#[test]
fn the_command_line_words_settings_as_its_flags() {
    let (code, stderr) = tpt(&["check", "--color", "never", "tests/errors/unroll_over_limit.tpt"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("raise the limit with `--max-unroll N`"), "{stderr}");

    let (code, stderr) = tpt(&[
        "synth",
        "--color",
        "never",
        "tests/wording/no_solution.tpt",
        "--backend",
        "gradsearch-la",
        "--max-steps",
        "5",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("raise `--max-steps` (each restart's budget; with `auto` also its solver's conflicts) or `--restarts` to search longer"),
        "{stderr}"
    );

    let (code, stderr) = tpt(&["check", "--color", "never", "tests/errors/set_unknown_constant.tpt", "--set", "M=3"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("error: `--set M=..` names no constant of this program"), "{stderr}");

    let (code, stderr) = tpt(&["synth", "--color", "never", "tests/wording/no_solution.tpt", "--opt", "head-start=x"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("error: `--opt head-start=x`: `head-start`"), "{stderr}");
}

/// The string literals of a Rust source, without comments (`//` and `/* */`), character
/// literals or lifetimes; raw strings included.
fn string_literals(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut literals = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let rest = &chars[at..];
        if rest.starts_with(&['/', '/']) {
            at += rest.iter().position(|&c| c == '\n').unwrap_or(rest.len());
        } else if rest.starts_with(&['/', '*']) {
            at += 2 + rest[2..].windows(2).position(|w| w == ['*', '/']).map_or(rest.len(), |end| end + 2);
        } else if rest[0] == '\'' {
            // A character literal ('"', '\'') or a lifetime ('a): skip past the literal only.
            at += match rest {
                ['\'', '\\', _, '\'', ..] => 4,
                ['\'', _, '\'', ..] => 3,
                _ => 1,
            };
        } else if rest[0] == 'r' && (rest.get(1) == Some(&'"') || rest.get(1) == Some(&'#')) {
            let hashes = rest[1..].iter().take_while(|&&c| c == '#').count();
            if rest.get(1 + hashes) != Some(&'"') {
                at += 1;
                continue;
            }
            let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body = 2 + hashes;
            let end = rest[body..].windows(close.len()).position(|w| w == close).unwrap_or(rest.len() - body);
            literals.push(rest[body..body + end].iter().collect());
            at += body + end + close.len();
        } else if rest[0] == '"' {
            let mut end = 1;
            while end < rest.len() && rest[end] != '"' {
                end += if rest[end] == '\\' { 2 } else { 1 };
            }
            literals.push(rest[1..end.min(rest.len())].iter().collect());
            at += end + 1;
        } else {
            at += 1;
        }
    }
    literals
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// No string of a library crate spells a command-line flag (`` `--max-unroll N` ``): a message
/// mentions a `Setting`, which the command line and Python word each in their own terms.
#[test]
fn no_library_string_spells_a_flag() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("crates"), &mut files);
    assert!(files.len() > 50, "the crates' sources are found: {}", files.len());
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a readable source");
        for literal in string_literals(&source) {
            let spelled = literal
                .match_indices("`--")
                .any(|(at, _)| literal[at + 3..].starts_with(|c: char| c.is_ascii_lowercase()));
            if spelled {
                found.push(format!("{}: {literal:?}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "strings that spell a flag (mention a `Setting` instead):\n{}", found.join("\n"));
}

#[test]
fn the_tidy_check_reads_strings_and_skips_comments() {
    let source = r##"
        // a comment with "`--max-steps`" in it
        /* and "`--timeout`" here */
        let lifetime: &'a str = "one `--max-unroll N`";
        let quote = '"'; let escaped = "a \" b";
        let raw = r#"raw "`--set`""#;
    "##;
    assert_eq!(string_literals(source), ["one `--max-unroll N`", "a \\\" b", "raw \"`--set`\""]);
}
