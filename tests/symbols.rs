//! The checker's symbol table and its errors on files with mistakes: on every shipped
//! program each name written resolves to its declaration; a file with errors keeps its table;
//! an error in a declaration is not reported again at its uses.

use std::path::Path;

use tpt::check::{check_report, check_text, CheckOptions, SymbolKind, SymbolTable};
use tpt::lexer::{lex, Token};
use tpt::parse::parse;

/// Names that resolve to no declaration: the built-in functions.
const BUILT_IN: [&str; 6] = ["bits", "from_bits", "abs", "min", "max", "round"];

fn shipped_programs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
    let mut programs: Vec<(String, String)> = std::fs::read_dir(&root)
        .expect("programs/ exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tpt"))
        .map(|path| (path.display().to_string(), std::fs::read_to_string(&path).expect("readable")))
        .collect();
    programs.sort();
    programs
}

fn symbols_of(source: &str) -> SymbolTable {
    let parsed = parse(source, 256).expect("parses");
    let report = check_report(&parsed.file, &CheckOptions::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors.first().map(|e| &e.message));
    report.symbols
}

#[test]
fn every_name_in_the_shipped_programs_resolves_to_its_declaration() {
    let programs = shipped_programs();
    assert!(programs.len() >= 20, "only {} programs", programs.len());
    for (path, source) in &programs {
        let symbols = symbols_of(source);
        for (start, token, end) in lex(source).tokens {
            let Token::Ident(name) = token else { continue };
            if BUILT_IN.contains(&name.as_str()) {
                continue;
            }
            let id = symbols.at(start).unwrap_or_else(|| panic!("{path}: `{name}` at {start} resolves to nothing"));
            let declaration = symbols.declaration(id);
            assert_eq!(declaration.name, name, "{path}: `{name}` at {start}");
            let is_declaration = declaration.span.start == start && declaration.span.end == end;
            assert!(
                is_declaration || (declaration.scope.start <= start && end <= declaration.scope.end),
                "{path}: `{name}` at {start} is outside the scope of its declaration"
            );
        }
        for declaration in &symbols.declarations {
            assert!(declaration.checked, "{path}: `{}`", declaration.name);
        }
    }
}

#[test]
fn loop_variables_and_fn_parameters_are_scoped() {
    let source = "const N = 2;\nfn f(a: 2, i: 2) -> 2 { (a + i) % 2 }\ninput x[N]: 2;\noutput y[N]: 2;\n\
                  for i in 0..N { y[i] = f(x[i], i); }\nfor i in 0..N { example { x = [i, 0]; } }\n";
    let symbols = symbols_of(source);
    let kinds: Vec<(&str, SymbolKind)> = symbols.declarations.iter().map(|d| (d.name.as_str(), d.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("N", SymbolKind::Const),
            ("a", SymbolKind::FnParam),
            ("i", SymbolKind::FnParam),
            ("f", SymbolKind::Fn),
            ("x", SymbolKind::Input),
            ("y", SymbolKind::Output),
            ("i", SymbolKind::LoopVar),
            ("i", SymbolKind::LoopVar),
        ]
    );
    // Each `i` names the declaration whose scope it stands in.
    let uses_of = |id| symbols.uses_of(id).count();
    assert_eq!((uses_of(2), uses_of(6), uses_of(7)), (1, 3, 1));
    let x = symbols.top_level("x").expect("declared");
    assert_eq!(symbols.declaration(x).dims, Some(vec![2]));
    assert_eq!(symbols.declaration(symbols.top_level("N").expect("declared")).value, Some(2));
    assert_eq!(uses_of(x), 2, "read in the loop and written in the example");
}

#[test]
fn a_file_with_errors_keeps_its_symbol_table() {
    let report =
        check_text("input x: 2;\noutput y: 2;\ny = x + q;\nexample { x = 3; y = 1; }\n", &CheckOptions::default());
    assert_eq!(report.errors.len(), 2, "the unknown name and the value outside its domain");
    assert!(report.program.is_none());
    let x = report.symbols.top_level("x").expect("declared");
    assert_eq!(report.symbols.uses_of(x).count(), 2);
}

#[test]
fn a_declaration_with_an_error_is_not_reported_at_its_uses() {
    // A domain that does not check, and a declaration the parser skipped (no `;`).
    for source in ["input x: 0;\noutput y: 2;\ny = x;\ny = x + 1;\n", "input x: 2\noutput y: 2;\ny = x;\ny = x + 1;\n"]
    {
        let report = check_text(source, &CheckOptions::default());
        let messages: Vec<String> = report.errors.iter().map(|e| e.message.to_string()).collect();
        assert_eq!(messages.len(), 1, "{source}: {messages:?}");
    }
}

#[test]
fn syntax_errors_and_checker_errors_come_in_the_order_of_the_text() {
    let source = "input x: 2;\noutput y: 2;\ny = q;\nconst K = 3 +;\ny = r;\nexample { x = 1; y = 3; }\n";
    let report = check_text(source, &CheckOptions::default());
    let messages: Vec<String> = report.errors.iter().map(|e| e.message.to_string()).collect();
    assert_eq!(messages, ["cannot find `q`", "unexpected `;`", "cannot find `r`", "3 is outside the domain of `y`"]);
}
