//! Unit tests of the formatter on small sources and on trees built by code.

use super::*;
use crate::ast::{BinOp, ExprKind, Ident, UnOp};
use crate::parse::parse;

fn fmt(source: &str) -> String {
    match parse(source, 256) {
        Ok(parsed) => format_source(source, &parsed),
        Err(errors) => panic!("does not parse: {:?}\n{source}", errors[0].message),
    }
}

fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::default())
}

fn name(n: &str) -> Expr {
    e(ExprKind::Name(Ident { name: n.to_string(), span: Span::default() }))
}

fn bin(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    e(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) })
}

#[test]
fn the_first_example_is_already_canonical() {
    let source = "const K = 8;\n\nfn xor(a: 2, b: 2) -> 2 { (a + b) % 2 }\n\ninput x0: 2;\nparam p[K - 1]: 2;\n\nc[0] = x0;\nfor i in 1..K { c[i] = p[i - 1]; }\nfor i in 0..K {\n    y[i] = xor(c[i], c[(i + 1) % K]);\n    y[i] = 1;\n}\n\nexample { x0 = 0; y = [0; K]; }\n";
    assert_eq!(fmt(source), source);
}

#[test]
fn spacing_is_normalized() {
    assert_eq!(fmt("x=-a*(b+c)%2;observe !x;"), "x = -a * (b + c) % 2;\nobserve !x;\n");
}

#[test]
fn if_chains_close_on_the_else_line() {
    let out = fmt("if a { x = 1; y = 2; } else if b { x = 2; } else { x = 3; }");
    assert_eq!(out, "if a {\n    x = 1;\n    y = 2;\n} else if b {\n    x = 2;\n} else {\n    x = 3;\n}\n");
    assert_eq!(fmt("if a {x=1;} else {x=2;}"), "if a { x = 1; } else { x = 2; }\n");
}

#[test]
fn statement_match_arms_go_one_per_line() {
    let out = fmt("match t { 0 | 1 => { y = 0; }, _ => { y = 1; z = 2; } }");
    assert_eq!(out, "match t {\n    0 | 1 => { y = 0; }\n    _ => {\n        y = 1;\n        z = 2;\n    }\n}\n");
}

#[test]
fn trailing_and_leading_comments_stay() {
    let source = "// head\nx = 1; // one\n\n/* two */\ny = a + /* inner */ b;\n// end\n";
    assert_eq!(fmt(source), "// head\nx = 1;  // one\n\n/* two */\n/* inner */\ny = a + b;\n// end\n");
}

#[test]
fn comments_keep_a_block_broken() {
    let out = fmt("for i in 0..K { // why\n c[i] = 1; }");
    assert_eq!(out, "for i in 0..K {  // why\n    c[i] = 1;\n}\n");
}

#[test]
fn comments_between_if_blocks_move_into_the_next_block() {
    let out = fmt("if a { x = 1; } // one\nelse { x = 2; }");
    assert_eq!(out, "if a {\n    x = 1;\n} else {\n    // one\n    x = 2;\n}\n");
    assert_eq!(fmt(&out), out);
}

#[test]
fn long_lists_fill_lines() {
    let values: Vec<String> = (0..60).map(|i| (i % 4).to_string()).collect();
    let out = fmt(&format!("param p[60]: 4 = [{}];", values.join(",")));
    assert!(out.starts_with("param p[60]: 4 = [\n    0, 1, 2, 3,"), "{out}");
    assert!(out.ends_with(",\n];\n"), "{out}");
    assert!(out.lines().all(|l| l.len() <= WIDTH), "{out}");
}

#[test]
fn nested_lists_break_one_inner_list_per_line() {
    let row = format!("[{}]", vec!["1"; 20].join(", "));
    let out = fmt(&format!("example {{ t = [{row}, {row}, {row}]; }}"));
    let expected = format!("example {{\n    t = [\n        {row},\n        {row},\n        {row},\n    ];\n}}\n");
    assert_eq!(out, expected);
}

#[test]
fn long_expression_matches_break_one_arm_per_line() {
    let arms: Vec<String> = (0..12).map(|i| format!("{i} => value_{i}")).collect();
    let out = fmt(&format!("x = match t {{ {} }};", arms.join(", ")));
    assert!(out.starts_with("x = match t {\n    0 => value_0,\n"), "{out}");
    assert!(out.ends_with("    11 => value_11,\n};\n"), "{out}");
}

#[test]
fn long_fn_bodies_go_on_their_own_line() {
    let body = vec!["a"; 40].join(" + ");
    let out = fmt(&format!("fn f(a: 2) -> 100 {{ {body} }}"));
    assert_eq!(out, format!("fn f(a: 2) -> 100 {{\n    {body}\n}}\n"));
}

#[test]
fn code_built_trees_get_needed_parentheses() {
    let sum = bin(BinOp::Add, name("a"), name("b"));
    assert_eq!(format_expr(&bin(BinOp::Mul, sum.clone(), name("c"))), "(a + b) * c");
    assert_eq!(format_expr(&bin(BinOp::Sub, name("c"), sum.clone())), "c - (a + b)");
    assert_eq!(format_expr(&bin(BinOp::Add, sum.clone(), name("c"))), "a + b + c");
    let lt = bin(BinOp::Lt, name("a"), name("b"));
    assert_eq!(format_expr(&bin(BinOp::Eq, lt, name("c"))), "(a < b) == c");
    let neg = e(ExprKind::Unary { op: UnOp::Neg, operand: Box::new(sum) });
    assert_eq!(format_expr(&neg), "-(a + b)");
}

#[test]
fn format_file_separates_kinds_with_blank_lines() {
    let source = "const K = 2;\nconst L = 3;\nfn f(a: 2) -> 2 { a }\nfn g(a: 2) -> 2 { a }\ninput x: 2;\noutput y: 2;\ny = f(x);\nfor i in 0..2 { example { x = i; y = i; } }\nexample { x = 0; y = 0; }\n";
    let parsed = parse(source, 256).expect("parses");
    let out = format_file(&parsed.file);
    assert_eq!(
        out,
        "const K = 2;\nconst L = 3;\n\nfn f(a: 2) -> 2 { a }\n\nfn g(a: 2) -> 2 { a }\n\ninput x: 2;\noutput y: 2;\n\ny = f(x);\n\nfor i in 0..2 {\n    example { x = i; y = i; }\n}\nexample { x = 0; y = 0; }\n"
    );
}

#[test]
fn empty_input_gives_empty_output() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("  // only\n\n"), "// only\n");
}

#[test]
fn code_built_bitwise_trees_get_needed_parentheses() {
    use BinOp::*;
    let (a, b, c) = (name("a"), name("b"), name("c"));
    let or = bin(BitOr, a.clone(), b.clone());
    assert_eq!(format_expr(&bin(BitAnd, or.clone(), c.clone())), "(a | b) & c");
    assert_eq!(format_expr(&bin(BitOr, bin(BitAnd, a.clone(), b.clone()), c.clone())), "a & b | c");
    assert_eq!(format_expr(&bin(BitOr, bin(Eq, a.clone(), b.clone()), c.clone())), "(a == b) | c");
    assert_eq!(format_expr(&bin(Eq, bin(BitAnd, a.clone(), b.clone()), c.clone())), "a & b == c");
    assert_eq!(format_expr(&bin(Shl, bin(Add, a.clone(), b.clone()), c.clone())), "a + b << c");
    assert_eq!(format_expr(&bin(Add, bin(Shl, a.clone(), b.clone()), c.clone())), "(a << b) + c");
    assert_eq!(format_expr(&bin(BitXor, a.clone(), bin(BitXor, b.clone(), c.clone()))), "a ^ (b ^ c)");
    let not = e(ExprKind::Unary { op: UnOp::BitNot, operand: Box::new(bin(BitAnd, a.clone(), b.clone())) });
    assert_eq!(format_expr(&not), "~(a & b)");
    // `|` separates pattern values: a value with a looser operator is parenthesized.
    let arm = |pattern, body| crate::ast::MatchArm { pattern, body, span: Span::default() };
    let values = crate::ast::Pattern::Values(vec![or, bin(BitXor, a, b)]);
    let wildcard = crate::ast::Pattern::Wildcard(Span::default());
    let arms = vec![arm(values, e(ExprKind::Int(1))), arm(wildcard, e(ExprKind::Int(0)))];
    let matched = e(ExprKind::Match { scrutinee: Box::new(c), arms });
    assert_eq!(format_expr(&matched), "match c { (a | b) | a ^ b => 1, _ => 0 }");
}
