//! Every shipped program (`programs/**/*.tpt`) -> a parse with the default nesting limit. Fails
//! with each failing file's diagnostics, so a syntax change that breaks an example is caught
//! before the checker and interpreter exist to run it.

use std::fs;
use std::path::{Path, PathBuf};

/// The `.tpt` files under `dir`, recursively, in a stable order.
fn tpt_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(tpt_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "tpt") {
            files.push(path);
        }
    }
    files
}

/// 1-based line and column of a byte offset, for readable failure messages.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

#[test]
fn every_program_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = tpt_files(&root.join("programs"));
    assert!(!files.is_empty(), "no .tpt files found under programs/");

    let mut failures = Vec::new();
    for path in &files {
        let source = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        if let Err(diagnostics) = tpt::parse::parse(&source, 256) {
            let name = path.strip_prefix(root).unwrap_or(path).display().to_string();
            for diagnostic in diagnostics {
                let mut text = format!("{name}: {}", diagnostic.message);
                for label in &diagnostic.labels {
                    let (line, column) = line_col(&source, label.span.start);
                    text.push_str(&format!("\n    at {line}:{column}: {}", label.message));
                }
                for help in &diagnostic.help {
                    text.push_str(&format!("\n    help: {help}"));
                }
                failures.push(text);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs do not parse:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
