//! `tpt fmt` on every `.tpt` file of the crate: the formatted text parses back to the same
//! tree, formatting it again changes nothing, and every comment survives in order. The
//! samples in `tests/fmt/` are also snapshotted, and `random` checks generated programs.

#[path = "fmt/random.rs"]
mod random;

use std::fs;
use std::path::{Path, PathBuf};

use tpt::format::{format_file, format_source};
use tpt::limits::Limits;
use tpt::parse::parse;

fn max_depth() -> u32 {
    Limits::default().max_depth
}

/// Every `*.tpt` file under `dir`, recursively, in a stable order.
fn tpt_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(tpt_files(&path));
        } else if path.extension().is_some_and(|e| e == "tpt") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Debug text of a tree with every span (`start..end`) replaced by `_`.
pub fn strip_spans(debug: &str) -> String {
    let bytes = debug.as_bytes();
    let digits_from = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut out = String::with_capacity(debug.len());
    let mut i = 0;
    while i < bytes.len() {
        let word_before = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let start_end = digits_from(i);
        if !word_before && start_end > i && debug[start_end..].starts_with("..") {
            let end_end = digits_from(start_end + 2);
            if end_end > start_end + 2 {
                out.push('_');
                i = end_end;
                continue;
            }
        }
        // Debug text of a tree is ASCII apart from names and comments, which are copied whole.
        let next = debug[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&debug[i..i + next]);
        i += next;
    }
    out
}

fn same_tree(label: &str, what: &str, a: &tpt::ast::File, b: &tpt::ast::File) -> Result<(), String> {
    let (a, b) = (strip_spans(&format!("{a:#?}")), strip_spans(&format!("{b:#?}")));
    if a == b {
        return Ok(());
    }
    let line = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
    Err(format!("{label}: {what} changes the tree near line {line} of its Debug text"))
}

/// The comments of `source`, in order, must all appear in `out`, in order.
fn comments_in_order(label: &str, comments: &[tpt::lexer::Comment], out: &str) -> Result<(), String> {
    let mut from = 0;
    for comment in comments {
        match out[from..].find(&comment.text) {
            Some(at) => from += at + comment.text.len(),
            None => return Err(format!("{label}: comment {:?} lost or out of order", comment.text)),
        }
    }
    Ok(())
}

fn layout_is_clean(label: &str, out: &str) -> Result<(), String> {
    if !out.is_empty() && (!out.ends_with('\n') || out.ends_with("\n\n")) {
        return Err(format!("{label}: output must end with exactly one newline"));
    }
    // Lines inside verbatim block comments are not ours to trim, so only check the others.
    if let Some(line) = out.lines().find(|l| l.ends_with([' ', '\t']) && !l.contains("/*")) {
        return Err(format!("{label}: trailing white space on {line:?}"));
    }
    Ok(())
}

/// Properties 1-4 of the formatter for one source; sources that do not parse are skipped.
pub fn check(label: &str, source: &str) -> Result<(), String> {
    let Ok(parsed) = parse(source, max_depth()) else {
        return Ok(());
    };
    let once = format_source(source, &parsed);
    let reparsed = parse(&once, max_depth())
        .map_err(|e| format!("{label}: formatted text does not parse: {}\n{once}", e[0].message))?;
    same_tree(label, "format_source", &parsed.file, &reparsed.file)?;
    let twice = format_source(&once, &reparsed);
    if twice != once {
        return Err(format!("{label}: not idempotent\n--- once\n{once}--- twice\n{twice}"));
    }
    comments_in_order(label, &parsed.comments, &once)?;
    layout_is_clean(label, &once)?;

    let plain = format_file(&parsed.file);
    let plain_parsed = parse(&plain, max_depth())
        .map_err(|e| format!("{label}: format_file text does not parse: {}\n{plain}", e[0].message))?;
    same_tree(label, "format_file", &parsed.file, &plain_parsed.file)?;
    if format_file(&plain_parsed.file) != plain {
        return Err(format!("{label}: format_file is not idempotent\n{plain}"));
    }
    layout_is_clean(label, &plain)
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_program_formats_canonically() {
    let root = crate_dir();
    let files: Vec<PathBuf> = ["programs", "tests"].iter().flat_map(|d| tpt_files(&root.join(d))).collect();
    assert!(!files.is_empty(), "the samples in tests/fmt should at least be found");
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let label = path.strip_prefix(&root).unwrap_or(path).display().to_string();
            let source = fs::read_to_string(path).ok()?;
            check(&label, &source).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn sample_snapshots() {
    let dir = crate_dir().join("tests").join("fmt");
    let samples = tpt_files(&dir);
    assert!(samples.len() >= 8, "expected the formatter samples in tests/fmt");
    for path in samples {
        let source = fs::read_to_string(&path).expect("a sample is readable");
        let parsed = parse(&source, max_depth()).expect("every sample parses");
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        insta::assert_snapshot!(name, format_source(&source, &parsed));
    }
}

/// Small sources with comments and spacing in awkward places.
#[test]
fn awkward_snippets_format_canonically() {
    let snippets = [
        "example /* before the brace */ { x = 1; }",
        "match x /* a */ { /* b */ 0 => { y = 1; } /* c */ , /* d */ _ => {} /* e */ }",
        "if a { x = 1; }\n// after an if without else\ny = 2;",
        "if a { x = 1; } /* one */ else /* two */ if b /* three */ { x = 2; } // four\n",
        "fn f(a: 2) -> 2 /* before the body */ { /* in */ a /* after */ }",
        "x = 1; /* a\n  b */ y = 2; /* c */ /* d */ // e\n",
        "const A = 1;\r\n// crlf comment\r\n\r\nconst B = 2; // trailing\r\n",
        "// ünïcödé comment\nexample { x = [1, 2, 3]; } /* ∀ */\n",
        "\tfor i in 0..2\t{\n\t\tx[i] = i;\t// tab\n\t}\n",
        "example { x = [1, // one\n 2]; }",
        "for i in 0..2 { }  // empty\nfor i in 0..2 { /* only */ }\n",
        "param p[2]: 2 = [ /* first */ 0, 1 /* last */ ];",
        "/* no newline at the end */",
        "x = 1;\n\n\n\n// far below\n\n\n",
        "observe a == b; /* x */ /* y */\n/* z */ observe c;",
    ];
    let failures: Vec<String> =
        snippets.iter().enumerate().filter_map(|(i, s)| check(&format!("snippet {i}"), s).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for s in snippets {
        assert!(parse(s, max_depth()).is_ok(), "snippet should parse: {s}");
    }
}
