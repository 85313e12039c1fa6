//! The printer's calls and identities: a call whose params pick a function's arm prints as that
//! arm when exact; identities that hold for every value fold; `from_bits` prints as written.

use super::*;

const APPLY: &str = "\
const N = 4;
fn apply(op: 5, a: N, b: N) -> N {
    match op { 0 => a & b, 1 => a | b, 2 => a ^ b, 3 => (a + b) % N, 4 => 0 }
}
param op[2]: 5;
input x[2]: N;
output y: N;
var v[4]: N;
v[0] = x[0];
v[1] = x[1];
for i in 0..2 { v[i + 2] = apply(op[i], v[i + 1], v[i]); }
y = v[3];
example { x = [1, 2]; y = 3; }
";

#[test]
fn a_call_whose_params_pick_an_arm_prints_as_the_arm() {
    let text = printed(APPLY, &[("op", &[3, 2])]);
    assert_eq!(body(&text), "v[0] = x[0];\nv[1] = x[1];\nv[2] = (v[1] + v[0]) % N;\nv[3] = v[2] ^ v[1];\ny = v[3];");
    // Nothing else calls `apply`, so it goes.
    assert!(!text.contains("fn apply"), "{text}");
    // An arm that is a constant leaves a constant, and `0 | v[1]` is `v[1]`: the rest is a
    // copy, and the copies go.
    assert_eq!(body(&printed(APPLY, &[("op", &[4, 1])])), "y = x[1];");
}

#[test]
fn the_sketch_form_keeps_calls_as_written() {
    let compiled = compiled(APPLY, &[]);
    let params = values(&compiled, &[("op", &[3, 2])]);
    let text = print_sketch(APPLY, &compiled.parsed, &compiled.program, &params, &Notes::default());
    assert!(text.contains("v[i + 2] = apply(op[i], v[i + 1], v[i]);"), "{text}");
    assert!(text.contains("param op[2]: 5 = [3, 2];"), "{text}");
}

#[test]
fn a_call_stays_where_inlining_would_not_be_exact() {
    // `x[0] + 1` can be 4, outside `a`'s domain: the call is never made with it (the `if`
    // guards it), but the inlined `(x[0] + 1 + x[1]) % N` would be computed for it too.
    let source = "\
const N = 4;
fn apply(op: 2, a: N, b: N) -> N { match op { 0 => a & b, 1 => (a + b) % N } }
param op: 2;
input x[2]: N;
output y: N;
y = 0;
if x[0] < 3 { y = apply(op, x[0] + 1, x[1]); }
example { x = [1, 2]; }
";
    let text = printed(source, &[("op", &[1])]);
    assert_eq!(body(&text), "y = 0;\nif x[0] < 3 { y = apply(op, x[0] + 1, x[1]); }");
    assert!(text.contains("fn apply"), "{text}");
}

#[test]
fn a_call_that_no_param_decides_stays_and_so_does_its_function() {
    let source = "\
fn pick(c: 2, a: 4) -> 4 { if c == 1 { a } else { 3 - a } }
param c: 2;
input s: 2;
input x: 4;
output y: 4;
output z: 4;
y = pick(c, x);
z = pick(s, x);
example { s = 0; x = 1; }
";
    let text = printed(source, &[("c", &[0])]);
    assert_eq!(body(&text), "y = 3 - x;\nz = pick(s, x);");
    assert!(text.contains("fn pick"), "{text}");
}

#[test]
fn identities_fold_only_where_exact_for_every_value() {
    use tpt_core::program::{expr_text, Expr, ExprKind};
    use tpt_syntax::ast::{BinOp::*, UnOp};
    let compiled = compiled("input a: 8;\ninput b: bool;\noutput y: 8;\ny = a;\nexample { a = 1; b = 0; }\n", &[]);
    let p = &compiled.program;
    let elem = |name: &str| {
        let array = p.array_named(name).unwrap_or_else(|| panic!("no `{name}`"));
        Expr::synthetic(ExprKind::Elem { array, indices: Vec::new() })
    };
    let (a, b, int) = (elem("a"), elem("b"), crate::print::simplify::int);
    let cases = [
        (Add, a.clone(), int(0), "a"),
        (Add, int(0), a.clone(), "a"),
        (Sub, a.clone(), int(0), "a"),
        (Sub, int(0), a.clone(), "-a"),
        (Sub, a.clone(), a.clone(), "0"),
        (Mul, a.clone(), int(1), "a"),
        (Mul, int(0), a.clone(), "0"),
        (Div, a.clone(), int(1), "a"),
        (Rem, a.clone(), int(1), "0"),
        (BitAnd, a.clone(), int(0), "0"),
        (BitAnd, a.clone(), int(-1), "a"),
        (BitAnd, a.clone(), a.clone(), "a"),
        (BitOr, int(0), a.clone(), "a"),
        (BitXor, a.clone(), a.clone(), "0"),
        (Shl, a.clone(), int(0), "a"),
        (Shr, int(0), a.clone(), "0"),
        (And, b.clone(), int(1), "b"),
        (Or, int(0), b.clone(), "b"),
        (BitAnd, b.clone(), int(1), "b"),
        // Not identities for every value of `a` (0..8).
        (And, a.clone(), int(1), "a && 1"),
        (BitAnd, a.clone(), int(1), "a & 1"),
        (BitOr, a.clone(), int(1), "a | 1"),
        (Add, a.clone(), int(1), "a + 1"),
        (Div, int(0), a.clone(), "0 / a"),
        (Rem, a.clone(), int(2), "a % 2"),
        (Eq, b.clone(), int(1), "b == 1"),
    ];
    for (op, lhs, rhs, expected) in cases {
        let written = expr_text(
            p,
            &Expr::synthetic(ExprKind::Binary { op, lhs: Box::new(lhs.clone()), rhs: Box::new(rhs.clone()) }),
            &[],
        );
        assert_eq!(expr_text(p, &crate::print::simplify::binary(p, op, lhs, rhs), &[]), expected, "{written}");
    }
    let twice = |op: UnOp| {
        let inner = Expr::synthetic(ExprKind::Unary { op, operand: Box::new(a.clone()) });
        expr_text(p, &crate::print::simplify::unary(p, op, inner), &[])
    };
    assert_eq!(twice(UnOp::BitNot), "a");
    assert_eq!(twice(UnOp::Neg), "a");
    // `!!a` is 0 or 1, not `a`, when `a` can be 5.
    assert_eq!(twice(UnOp::Not), "!!a");
}

#[test]
fn from_bits_prints_as_written_with_its_row_folded() {
    let source = "\
param row: 2;
param flip: bool;
input m[2][3]: bool;
output y: 8;
if flip { y = 7 - from_bits(m[row]); } else { y = from_bits(m[row]); }
example { m = [[0, 1, 1], [1, 0, 0]]; }
";
    assert_eq!(body(&printed(source, &[("row", &[1]), ("flip", &[1])])), "y = 7 - from_bits(m[1]);");
    assert_eq!(body(&printed(source, &[("row", &[0]), ("flip", &[0])])), "y = from_bits(m[0]);");
}

#[test]
fn from_bits_of_inlined_temporaries_reads_what_they_held() {
    let source = "\
input x[3]: bool;
output y: 4;
output z: 8;
var t[2]: bool;
var u[3]: bool;
t[0] = x[1];
t[1] = x[2];
y = from_bits(t);
for i in 0..3 { u[i] = x[i]; }
z = from_bits(u);
example { x = [0, 1, 1]; }
";
    // `t` goes, and held only part of a row of `x`: its number is written out. The loop that
    // fills `u` is kept, and so is `u`.
    assert_eq!(body(&printed(source, &[])), "y = x[1] * 2 + x[2];\nfor i in 0..3 { u[i] = x[i]; }\nz = from_bits(u);");
}
