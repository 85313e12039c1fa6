//! Checked expressions -> source-like text for messages (`wires[in1[2]]`), with loop
//! variables by value or by name.

use super::{Builtin, Expr, ExprKind, Program, RealOp};
use tpt_syntax::ast::{BinOp, UnOp};

/// Source-like text of a checked expression, with loop variables replaced by their values
/// (used to name operands in messages: `wires[in1[2]]`).
pub fn expr_text(program: &Program, expr: &Expr, loop_values: &[i64]) -> String {
    let mut out = String::new();
    let value = |slot: usize| loop_values.get(slot).copied().unwrap_or(0).to_string();
    write_expr(program, expr, &value, 0, &mut out);
    out
}

/// Source-like text of a checked expression with loop variables by name (`wires[in1[g]]`):
/// an expression as written, for messages that point at it.
pub fn expr_text_named(program: &Program, expr: &Expr, loop_names: &[String]) -> String {
    let mut out = String::new();
    let name = |slot: usize| loop_names.get(slot).cloned().unwrap_or_else(|| "i".to_string());
    write_expr(program, expr, &name, 0, &mut out);
    out
}

fn write_expr(program: &Program, expr: &Expr, loop_var: &dyn Fn(usize) -> String, outer: u8, out: &mut String) {
    match &expr.kind {
        ExprKind::Int(v) => out.push_str(&v.to_string()),
        ExprKind::Real(v) => out.push_str(&format!("{v:?}")),
        ExprKind::ToReal(inner) => write_expr(program, inner, loop_var, outer, out),
        ExprKind::RealOp { op, args } => match (op.binary(), args.as_slice()) {
            (Some(binary), [lhs, rhs]) => write_binary(program, binary, lhs, rhs, loop_var, outer, out),
            (None, [operand]) if *op == RealOp::Neg => {
                out.push('-');
                write_expr(program, operand, loop_var, UnOp::PRECEDENCE, out);
            }
            _ => {
                let name = match op {
                    RealOp::Abs => "abs",
                    RealOp::Min => "min",
                    _ => "max",
                };
                write_call(program, name, args, loop_var, out);
            }
        },
        ExprKind::Builtin { func, args } => write_call(program, func.name(), args, loop_var, out),
        ExprKind::RealCompare { op, lhs, rhs } => write_binary(program, *op, lhs, rhs, loop_var, outer, out),
        ExprKind::Round { operand, domain } => {
            write_call(program, Builtin::ROUND, &[(**operand).clone(), (**domain).clone()], loop_var, out)
        }
        ExprKind::Const(id) => out.push_str(&program.consts[*id].name),
        ExprKind::LoopVar(slot) => out.push_str(&loop_var(*slot)),
        ExprKind::FnArg(i) => out.push_str(&format!("arg{i}")),
        ExprKind::Elem { array, indices } => {
            out.push_str(&program.arrays[*array].name);
            write_indices(program, indices, loop_var, out);
        }
        ExprKind::Call { func, args } => write_call(program, &program.fns[*func].name, args, loop_var, out),
        ExprKind::Unary { op, operand } => {
            out.push_str(op.symbol());
            write_expr(program, operand, loop_var, UnOp::PRECEDENCE, out);
        }
        ExprKind::Binary { op, lhs, rhs } => write_binary(program, *op, lhs, rhs, loop_var, outer, out),
        ExprKind::FromBits { elements } => {
            out.push_str("from_bits(");
            if let Some(ExprKind::Elem { array, indices }) = elements.first().map(|e| &e.kind) {
                out.push_str(&program.arrays[*array].name);
                write_indices(program, &indices[..indices.len().saturating_sub(1)], loop_var, out);
            }
            out.push(')');
        }
        ExprKind::If { .. } | ExprKind::Match { .. } => {
            out.push_str(if matches!(expr.kind, ExprKind::If { .. }) { "if .." } else { "match .." })
        }
    }
}

fn write_binary(
    program: &Program,
    op: BinOp,
    lhs: &Expr,
    rhs: &Expr,
    loop_var: &dyn Fn(usize) -> String,
    outer: u8,
    out: &mut String,
) {
    let precedence = op.precedence();
    if precedence < outer {
        out.push('(');
    }
    // Comparisons do not chain: a comparison on either side needs parentheses.
    let left = if op.is_comparison() { precedence + 1 } else { precedence };
    write_expr(program, lhs, loop_var, left, out);
    out.push_str(&format!(" {} ", op.symbol()));
    write_expr(program, rhs, loop_var, precedence + 1, out);
    if precedence < outer {
        out.push(')');
    }
}

fn write_call(program: &Program, name: &str, args: &[Expr], loop_var: &dyn Fn(usize) -> String, out: &mut String) {
    out.push_str(name);
    out.push('(');
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(program, arg, loop_var, 0, out);
    }
    out.push(')');
}

fn write_indices(program: &Program, indices: &[Expr], loop_var: &dyn Fn(usize) -> String, out: &mut String) {
    for index in indices {
        out.push('[');
        write_expr(program, index, loop_var, 0, out);
        out.push(']');
    }
}
