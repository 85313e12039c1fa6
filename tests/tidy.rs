//! What the crate boundaries cannot express, checked on the source text (as rust-analyzer's
//! `tidy` tests do): which files may name a dependency or do process I/O, and that no module
//! uses a module that uses it. ARCHITECTURE.md's "Invariants" name these tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The source roots checked: each crate's `src/` (the `tpt` package's holds the library facade
/// and the command), and the Python package's.
const ROOTS: [&str; 8] = [
    "crates/source/src",
    "crates/syntax/src",
    "crates/core/src",
    "crates/graph/src",
    "crates/solve/src",
    "crates/driver/src",
    "src",
    "python/src",
];

/// The library crates, which do no process I/O (ARCHITECTURE.md: "the library does no I/O").
const LIBRARY: [&str; 6] = [
    "crates/source/src",
    "crates/syntax/src",
    "crates/core/src",
    "crates/graph/src",
    "crates/solve/src",
    "crates/driver/src",
];

/// The one library file that still starts a process: the `smt` back end's external solver,
/// which is to move to the driver behind a trait of the back end's.
const PROCESS_IO_IN_LIBRARY: [&str; 1] = ["crates/solve/src/smt/process.rs"];

/// Modules known to use each other, to be taken apart (and then taken off this list, which
/// the test asks for as soon as one is gone).
const KNOWN_CIRCLES: [&str; 0] = [];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, as paths relative to the repository, sorted.
fn rust_files(dir: &str) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&root().join(dir), &mut found);
    let mut files: Vec<String> = found
        .iter()
        .map(|p| p.strip_prefix(root()).expect("under the root").to_string_lossy().replace('\\', "/"))
        .collect();
    files.sort();
    files
}

/// A file's code: without comment lines and without its `#[cfg(test)]` module (tests may read
/// files and use any module; they are not part of the layers).
fn code(file: &str) -> String {
    let text = std::fs::read_to_string(root().join(file)).expect("readable");
    let is_test_file = file.split('/').any(|part| part == "tests" || part == "tests.rs" || part == "testing.rs");
    let mut lines = Vec::new();
    let mut all = text.lines().peekable();
    while let Some(line) = all.next() {
        if is_test_file {
            break;
        }
        // An inline test module runs to the end of the file (a `mod tests;` is a test file).
        if line.trim_start() == "#[cfg(test)]" && all.peek().is_some_and(|next| next.contains('{')) {
            break;
        }
        if !line.trim_start().starts_with("//") {
            lines.push(line);
        }
    }
    lines.join("\n")
}

/// The files under `roots` whose code names `word` (as a path segment) but are not allowed to.
fn named_outside(roots: &[&str], word: &str, allowed: impl Fn(&str) -> bool) -> Vec<String> {
    let names = |code: &str| {
        code.match_indices(word).any(|(at, _)| {
            let before = code[..at].chars().next_back();
            let after = code[at + word.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    };
    roots.iter().flat_map(|r| rust_files(r)).filter(|f| !allowed(f) && names(&code(f))).collect()
}

#[test]
fn only_the_parser_names_lalrpop() {
    let wrong = named_outside(&ROOTS, "lalrpop_util", |f| {
        f == "crates/syntax/src/parse.rs" || f.starts_with("crates/syntax/src/parse/")
    });
    assert!(
        wrong.is_empty(),
        "{wrong:?} name `lalrpop_util`: only `crates/syntax/src/parse.rs` (and its submodules under `parse/`) knows the parser generator's types; \
         turn its errors into `Diagnostic`s there and use those"
    );
}

#[test]
fn only_the_diagnostics_module_names_ariadne() {
    let wrong = named_outside(&ROOTS, "ariadne", |f| f.starts_with("crates/source/src/diagnostics"));
    assert!(
        wrong.is_empty(),
        "{wrong:?} name `ariadne`: only `crates/source/src/diagnostics*` renders diagnostics; build a \
         `Diagnostic` and render it with `tpt_source::diagnostics::render`"
    );
}

#[test]
fn only_the_command_knows_the_command_line() {
    let command = |f: &str| f.starts_with("src/cli/") || f == "src/main.rs" || PROCESS_IO_IN_LIBRARY.contains(&f);
    for word in ["clap", "std::process", "signal_hook", "indicatif"] {
        let wrong = named_outside(&ROOTS, word, command);
        assert!(
            wrong.is_empty(),
            "{wrong:?} name `{word}`: only `src/cli/` (and `src/main.rs`) knows the command line, exits and \
             signals; take what the library needs as a value (a setting, an interrupt flag) instead"
        );
    }
    let wrong = named_outside(&["src"], "std::fs", command);
    assert!(
        wrong.is_empty(),
        "{wrong:?} name `std::fs`: in the `tpt` package only `src/cli/` reads and writes files; the library \
         takes text and returns values"
    );
}

#[test]
fn the_library_does_no_process_io() {
    for word in ["std::process", "std::fs", "std::env", "tempfile"] {
        let wrong = named_outside(&LIBRARY, word, |f| PROCESS_IO_IN_LIBRARY.contains(&f));
        assert!(
            wrong.is_empty(),
            "{wrong:?} name `{word}`: the library crates do no process I/O (files, the environment, other \
             programs); take the text or the value as an argument, and leave reading it to `src/cli/` or the \
             Python package"
        );
    }
}

/// A module's path in its crate (`["result", "saved"]`) from its file's path under the root.
fn module_path(root: &str, file: &str) -> Vec<String> {
    let relative = file.strip_prefix(root).and_then(|f| f.strip_prefix('/')).expect("under the root");
    let mut parts: Vec<String> = relative.trim_end_matches(".rs").split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The modules a file's code refers to by `crate::` or `super::` paths (also in `use` groups),
/// each as the longest module of the crate the path goes through.
fn referenced_modules(code: &str, own: &[String], modules: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    for (at, _) in code.match_indices("crate::").chain(code.match_indices("super::")) {
        if code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        // The module the path starts from.
        let mut rest = &code[at..];
        let mut base: Vec<String> = if rest.starts_with("crate::") {
            rest = &rest["crate::".len()..];
            Vec::new()
        } else {
            own[..own.len().saturating_sub(1)].to_vec()
        };
        if code[at..].starts_with("super::") {
            rest = &rest["super::".len()..];
        }
        while let Some(next) = rest.strip_prefix("super::") {
            base.pop();
            rest = next;
        }
        // `a::b::c` or `{a::b, c}`: every first segment of a group.
        let heads: Vec<String> = match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                group.split(',').map(|p| p.trim().to_string()).collect()
            }
            None => vec![rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect()],
        };
        for head in heads {
            let mut module = base.clone();
            for segment in head.split("::").map(ident) {
                module.push(segment);
                if !modules.contains(&module) {
                    module.pop();
                    break;
                }
            }
            found.insert(module);
        }
    }
    found
}

#[test]
fn no_module_uses_a_module_that_uses_it() {
    let mut circles = Vec::new();
    for root in ROOTS {
        let files = rust_files(root);
        let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(root, f)).collect();
        let mut uses: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for file in &files {
            let own = module_path(root, file);
            for used in referenced_modules(&code(file), &own, &modules) {
                // A module and its parent or child: the parent declares the child, and a child
                // may use what its parent holds for all of them.
                if used.starts_with(&own) || own.starts_with(&used) {
                    continue;
                }
                uses.entry(own.clone()).or_default().insert(used);
            }
        }
        for (a, used) in &uses {
            for b in used.iter().filter(|b| a < *b) {
                if uses.get(b).is_some_and(|back| back.contains(a)) {
                    circles.push(format!("{root}: `{}` <-> `{}`", a.join("::"), b.join("::")));
                }
            }
        }
    }
    let gone: Vec<&&str> = KNOWN_CIRCLES.iter().filter(|known| !circles.iter().any(|c| c == *known)).collect();
    assert!(gone.is_empty(), "{gone:?} no longer use each other: take them off `KNOWN_CIRCLES` in tests/tidy.rs");
    circles.retain(|circle| !KNOWN_CIRCLES.contains(&circle.as_str()));
    assert!(
        circles.is_empty(),
        "modules that use each other:\n  {}\nmove what both need into a module of its own that both use (as \
         `tpt_driver::compiled` holds `Compiled` for the pipeline and the results), or pass it as a value",
        circles.join("\n  ")
    );
}

#[test]
fn the_python_package_goes_through_the_front_door() {
    let manifest = std::fs::read_to_string(root().join("python/Cargo.toml")).expect("readable");
    let dependencies = manifest.split("[dependencies]").nth(1).unwrap_or_default();
    let dependencies = dependencies.split("\n[").next().unwrap_or_default();
    let layers: Vec<&str> = dependencies
        .lines()
        .filter_map(|line| line.split('=').next().map(str::trim))
        .filter(|name| *name == "tpt" || name.starts_with("tpt-"))
        .filter(|name| !["tpt-driver", "tpt-source"].contains(name))
        .collect();
    assert!(
        layers.is_empty(),
        "python/Cargo.toml depends on {layers:?}: the Python package uses the front door, `tpt-driver` (and \
         `tpt-source` for diagnostics); re-export what it needs from `crates/driver/src/lib.rs` instead"
    );
}
