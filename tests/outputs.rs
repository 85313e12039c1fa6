//! The files the commands write: `synth -o` gets a found program only (a run that ends without
//! one leaves the file as it was), writes go through symbolic links, an output path that cannot
//! be written gives the system's reason in the same words in every command, and an extension
//! that names another format than the one a flag writes is refused before any work.

mod cli;

use cli::{scratch_in, text, tpt};

use std::path::{Path, PathBuf};

/// A fresh scratch directory for one test.
fn fresh_dir(test: &str) -> PathBuf {
    let dir = scratch_in("outputs", test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

const OLD: &str = "// what was here before\n";

#[test]
fn a_run_that_ends_without_a_program_leaves_the_output_file_as_it_was() {
    let dir = fresh_dir("untouched");
    let impossible = "tests/impossible/one_gate_xor.tpt";
    let hard = "programs/circuit_adder.tpt";
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        // Proven impossible: nothing to print.
        (vec!["synth", impossible, "--backend", "sat"], 3, ""),
        (vec!["synth", impossible, "--backend", "sat", "--json"], 3, "\"status\": \"impossible\""),
        // Not found within the budget: the best candidate goes to stdout instead.
        (vec!["synth", hard, "--backend", "gradsearch-plus", "--max-steps", "50"], 1, "// NOT A SOLUTION"),
        // Out of time before the first step.
        (vec!["synth", hard, "--backend", "fmgd", "--timeout", "0"], 1, ""),
    ];
    for (index, (args, code, stdout)) in cases.into_iter().enumerate() {
        let extension = if args.contains(&"--json") { "json" } else { "tpt" };
        let existing = dir.join(format!("existing{index}.{extension}"));
        std::fs::write(&existing, OLD).expect("write");
        let missing = dir.join(format!("missing{index}.{extension}"));
        for path in [&existing, &missing] {
            let result = tpt(&[&args[..], &["-o", &arg(path)]].concat());
            assert_eq!(result.status.code(), Some(code), "{args:?}: {}", text(&result.stderr));
            let shown = text(&result.stdout);
            assert!(shown.contains(stdout), "{args:?}: stdout {shown}");
            let stderr = text(&result.stderr);
            assert!(stderr.contains(&format!("`-o {}` is not written: no program was found", arg(path))), "{stderr}");
        }
        assert_eq!(std::fs::read_to_string(&existing).expect("still there"), OLD, "{args:?}");
        assert!(!missing.exists(), "{args:?}: no file is created");
    }
    // A found program is written.
    let out = dir.join("found.tpt");
    std::fs::write(&out, OLD).expect("write");
    let result = tpt(&["synth", "programs/circuit_nand.tpt", "-o", &arg(&out)]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert!(std::fs::read_to_string(&out).expect("written").contains("param gate"));
    assert!(result.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn writes_go_through_symbolic_links() {
    use std::os::unix::fs::symlink;
    let dir = fresh_dir("links");
    let real = dir.join("real.tpt");
    let link = dir.join("link.tpt");
    std::fs::write(&real, "input x: 2;\noutput   y: 2;\ny = x;\n").expect("write");
    symlink("real.tpt", &link).expect("symlink");
    let is_link = |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());

    let result = tpt(&["fmt", "--write", &arg(&link)]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert!(is_link(&link), "fmt --write keeps the link");
    assert_eq!(std::fs::read_to_string(&real).expect("read"), "input x: 2;\noutput y: 2;\ny = x;\n");

    let result = tpt(&["synth", "programs/circuit_nand.tpt", "-o", &arg(&link)]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert!(is_link(&link), "synth -o keeps the link");
    assert!(std::fs::read_to_string(&real).expect("read").contains("param gate"));

    // A chain of links, one relative to a directory of its own, ends at the file written.
    std::fs::create_dir_all(dir.join("sub")).expect("directory");
    let inner = dir.join("sub").join("inner.cnf");
    let outer = dir.join("outer.cnf");
    symlink("../emitted.cnf", &inner).expect("symlink");
    symlink("sub/inner.cnf", &outer).expect("symlink");
    let result = tpt(&["emit", "cnf", "programs/circuit_nand.tpt", "-o", &arg(&outer)]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert!(is_link(&outer) && is_link(&inner), "emit -o keeps both links");
    // The link pointed at no file yet: the write creates it.
    assert!(std::fs::read_to_string(dir.join("emitted.cnf")).expect("created").starts_with("c "));

    let plot = dir.join("plot.svg");
    symlink("drawn.svg", &plot).expect("symlink");
    let csv = dir.join("rows.csv");
    symlink("written.csv", &csv).expect("symlink");
    let result = tpt(&["bench", "--from-csv", "tests/bench/sweep.csv", "--plot", &arg(&plot), "--csv", &arg(&csv)]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert!(is_link(&plot) && is_link(&csv), "bench keeps the links");
    assert!(std::fs::read_to_string(dir.join("drawn.svg")).expect("drawn").contains("<svg"));
    assert!(std::fs::read_to_string(dir.join("written.csv")).expect("written").starts_with("file,"));
}

/// Each command with an output flag, writing to `path` (whose extension is what it writes):
/// none of them gets to its work.
fn writing_to(path: &str) -> Vec<Vec<String>> {
    // Were the search to start, the timeout would end it with another exit code.
    let long =
        ["programs/circuit_2bit_adder_16.tpt", "--backend", "fmgd", "--max-steps", "100000000", "--timeout", "20"];
    let with = |args: &[&str], extension: &str| -> Vec<String> {
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("{path}.{extension}"));
        args
    };
    vec![
        with(&[&["synth"], &long[..], &["-o"]].concat(), "tpt"),
        with(&[&["synth"], &long[..], &["--json", "-o"]].concat(), "json"),
        with(&[&["synth"], &long[..], &["--trace"]].concat(), "svg"),
        with(&["emit", "smt2", "programs/circuit_nand.tpt", "-o"], "smt2"),
        with(&["emit", "cnf", "programs/circuit_nand.tpt", "-o"], "cnf"),
        with(&[&["bench"], &long[..], &["--runs", "100", "--csv"]].concat(), "csv"),
        with(&[&["bench"], &long[..], &["--runs", "100", "--plot"]].concat(), "svg"),
        with(&[&["bench"], &long[..], &["--runs", "100", "--runs-csv"]].concat(), "csv"),
    ]
}

/// The error every command in `writing_to(path)` gives, with the file's name in it replaced
/// by `FILE`; they must all be the same.
fn one_error_for(path: &str) -> String {
    let mut errors = Vec::new();
    for args in writing_to(path) {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let result = tpt(&refs);
        assert_eq!(result.status.code(), Some(2), "{args:?}: {}", text(&result.stderr));
        assert!(result.stdout.is_empty(), "{args:?}: nothing ran");
        let file = args.last().expect("a path");
        errors.push((args.clone(), text(&result.stderr).replace(file.as_str(), "FILE")));
    }
    for (args, error) in &errors {
        assert_eq!(error, &errors[0].1, "{args:?}");
    }
    errors.remove(0).1
}

#[test]
fn a_missing_directory_is_named_alike_in_every_command() {
    let error = one_error_for("no/such/directory/out");
    assert_eq!(error, "error: cannot write `FILE`: the directory `no/such/directory` does not exist\n");
    // A file where a directory should be.
    let error = one_error_for("README.md/out");
    assert_eq!(error, "error: cannot write `FILE`: `README.md` is not a directory\n");
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_written_gives_the_systems_reason_alike_in_every_command() {
    // `/proc` takes no new files (the system says there is no such file or directory, even for
    // root), and without root `/proc/version` cannot be opened for writing.
    let error = one_error_for("/proc/out");
    assert_eq!(error, "error: cannot write `FILE`: cannot create a file in `/proc` (no such file or directory)\n");
    let result = tpt(&["synth", "programs/circuit_nand.tpt", "-o", "/proc/version"]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    let reason = match std::fs::OpenOptions::new().write(true).open("/proc/version") {
        Err(_) => "permission denied",
        Ok(_) => "cannot create a file in `/proc` (no such file or directory)",
    };
    assert!(stderr.starts_with(&format!("error: cannot write `/proc/version`: {reason}\n")), "{stderr}");
    assert!(!stderr.contains(", restart "), "the search must not have run: {stderr}");
}

#[test]
fn an_extension_that_names_another_format_is_refused_before_any_work() {
    // The input file does not exist: the output's error comes before it is read.
    let cases: &[(&[&str], &str)] = &[
        (&["synth", "no/such.tpt", "-o", "out.svg"], "`-o out.svg`: `-o` does not write `.svg` files"),
        (&["synth", "no/such.tpt", "--json", "-o", "out.tpt"], "`-o out.tpt`: `-o` does not write `.tpt` files"),
        (&["emit", "cnf", "no/such.tpt", "-o", "x.smt2"], "`-o x.smt2`: `-o` does not write `.smt2` files"),
        (&["emit", "smt2", "no/such.tpt", "-o", "x.cnf"], "`-o x.cnf`: `-o` does not write `.cnf` files"),
        (
            &["synth", "no/such.tpt", "--trace", "trace.png"],
            "`--trace trace.png`: `--trace` does not write `.png` files",
        ),
        (&["bench", "no/such.tpt", "--plot", "rows.png"], "`--plot rows.png`: `--plot` does not write `.png` files"),
    ];
    for (args, expected) in cases {
        let result = tpt(args);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        let stderr = text(&result.stderr);
        assert!(stderr.starts_with(&format!("error: {expected}\n")), "{args:?}: {stderr}");
    }
    // The extensions of the format written, in any case; a name without one gets the format.
    let dir = fresh_dir("extensions");
    for (args, name) in [
        (&["synth", "programs/circuit_nand.tpt", "-o"][..], "OUT.TPT"),
        (&["synth", "programs/circuit_nand.tpt", "--json", "-o"][..], "out.json"),
        (&["synth", "programs/circuit_nand.tpt", "-o"][..], "no-extension"),
        (&["emit", "cnf", "programs/circuit_nand.tpt", "-o"][..], "x.dimacs"),
        (&["emit", "smt2", "programs/circuit_nand.tpt", "-o"][..], "x.smt"),
    ] {
        let path = dir.join(name);
        let result = tpt(&[args, &[&arg(&path)]].concat());
        assert_eq!(result.status.code(), Some(0), "{args:?} {name}: {}", text(&result.stderr));
        assert!(path.exists(), "{args:?} {name}");
    }
    let json = std::fs::read_to_string(dir.join("out.json")).expect("written");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["status"], "found");
}
