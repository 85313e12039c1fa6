//! Expressions, patterns and values -> layout documents. Expressions break only at an `if` or
//! `match` that does not fit its line; values break only at a list that does not.

use crate::ast::{BinOp, Expr, ExprKind, Ident, MatchArm, Pattern, Value, ValueKind};

use super::doc::{cat, group, indent, text, Doc};

pub fn indexed(name: &Ident, indices: &[Expr]) -> Doc {
    let mut parts = vec![text(name.name.clone())];
    for index in indices {
        parts.extend([text("["), expr_doc(index), text("]")]);
    }
    cat(parts)
}

pub fn pattern_doc(pattern: &Pattern) -> Doc {
    match pattern {
        Pattern::Wildcard(_) => text("_"),
        Pattern::Values(values) => {
            // `|` separates the values, so a value built by code whose operator binds looser
            // than `^` goes in parentheses (parsed ones have their `Paren` node).
            let value = |v: &Expr| {
                let loose =
                    matches!(v.kind, ExprKind::Binary { op, .. } if op.precedence() < BinOp::BitXor.precedence());
                operand_doc(v, loose)
            };
            cat(separated(values.iter().map(value), " | "))
        }
    }
}

fn separated(docs: impl Iterator<Item = Doc>, separator: &str) -> Vec<Doc> {
    let mut parts = Vec::new();
    for (i, doc) in docs.enumerate() {
        if i > 0 {
            parts.push(text(separator));
        }
        parts.push(doc);
    }
    parts
}

/// An expression, with parentheses where the tree has `Paren` nodes and, for trees built by
/// code, wherever precedence or associativity needs them to read back the same.
pub fn expr_doc(e: &Expr) -> Doc {
    match &e.kind {
        ExprKind::Int(v) => text(v.to_string()),
        ExprKind::Real(real) => text(real.text.clone()),
        ExprKind::Name(id) => text(id.name.clone()),
        ExprKind::Index { base, indices } => indexed(base, indices),
        ExprKind::Call { func, args } => {
            cat([text(format!("{}(", func.name)), cat(separated(args.iter().map(expr_doc), ", ")), text(")")])
        }
        ExprKind::Unary { op, operand } => {
            let needs = matches!(operand.kind, ExprKind::Binary { .. });
            cat([text(op.symbol()), operand_doc(operand, needs)])
        }
        ExprKind::Binary { op, lhs, rhs } => cat([
            operand_doc(lhs, needs_parens(*op, lhs, false)),
            text(format!(" {} ", op.symbol())),
            operand_doc(rhs, needs_parens(*op, rhs, true)),
        ]),
        ExprKind::Paren(inner) => cat([text("("), expr_doc(inner), text(")")]),
        ExprKind::If { branches, otherwise } => if_expr_doc(branches, otherwise),
        ExprKind::Match { scrutinee, arms } => match_expr_doc(scrutinee, arms),
    }
}

fn operand_doc(e: &Expr, parens: bool) -> Doc {
    if parens {
        cat([text("("), expr_doc(e), text(")")])
    } else {
        expr_doc(e)
    }
}

/// Whether an unparenthesized binary operand of `op` needs parentheses: all operators are
/// left-associative and comparisons do not chain.
fn needs_parens(op: BinOp, operand: &Expr, is_rhs: bool) -> bool {
    let ExprKind::Binary { op: inner, .. } = operand.kind else {
        return false;
    };
    match inner.precedence().cmp(&op.precedence()) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Equal => is_rhs || op.is_comparison(),
        std::cmp::Ordering::Greater => false,
    }
}

/// `if c { a } else { b }` on one line if it fits, else one branch value per line.
fn if_expr_doc(branches: &[(Expr, Expr)], otherwise: &Expr) -> Doc {
    let mut heads: Vec<Doc> = Vec::new();
    for (i, (cond, _)) in branches.iter().enumerate() {
        let keyword = if i == 0 { "if " } else { "} else if " };
        heads.push(cat([text(keyword), expr_doc(cond), text(" {")]));
    }
    heads.push(text("} else {"));
    let values: Vec<Doc> = branches.iter().map(|(_, v)| v).chain([otherwise]).map(expr_doc).collect();
    let flat = heads
        .iter()
        .zip(&values)
        .map(|(head, value)| Some(format!("{} {} ", head.flat()?, value.flat()?)))
        .collect::<Option<String>>()
        .map(|s| s + "}");
    let mut broken = Vec::new();
    for (head, value) in heads.into_iter().zip(values) {
        broken.extend([head, indent(cat([Doc::Hard, value])), Doc::Hard]);
    }
    broken.push(text("}"));
    group(flat, cat(broken))
}

/// `match e { 0 => a, _ => b }` on one line if it fits, else one arm per line with commas.
fn match_expr_doc(scrutinee: &Expr, arms: &[MatchArm<Expr>]) -> Doc {
    let head = cat([text("match "), expr_doc(scrutinee), text(" {")]);
    if arms.is_empty() {
        return cat([head, text("}")]);
    }
    let arms: Vec<Doc> =
        arms.iter().map(|arm| cat([pattern_doc(&arm.pattern), text(" => "), expr_doc(&arm.body)])).collect();
    let flat_arms: Option<Vec<String>> = arms.iter().map(Doc::flat).collect();
    let flat = head.flat().zip(flat_arms).map(|(h, a)| format!("{h} {} }}", a.join(", ")));
    let lines = arms.into_iter().map(|arm| cat([Doc::Hard, arm, text(",")]));
    group(flat, cat([head, indent(cat(lines)), Doc::Hard, text("}")]))
}

/// A value. A list that does not fit is broken after `[`: scalars fill the lines, while
/// nested lists go one per line.
pub fn value_doc(v: &Value) -> Doc {
    match &v.kind {
        ValueKind::Expr(e) => expr_doc(e),
        ValueKind::Hole => text("_"),
        ValueKind::Repeat(item, count) => cat([text("["), value_doc(item), text("; "), expr_doc(count), text("]")]),
        ValueKind::List(items) => list_doc(items),
    }
}

fn list_doc(items: &[Value]) -> Doc {
    if items.is_empty() {
        return text("[]");
    }
    let docs: Vec<Doc> = items.iter().map(value_doc).collect();
    let flat_items: Option<Vec<String>> = docs.iter().map(Doc::flat).collect();
    let flat = flat_items.map(|f| format!("[{}]", f.join(", ")));
    let scalars = items.iter().all(|v| matches!(v.kind, ValueKind::Expr(_) | ValueKind::Hole));
    let with_commas = docs.into_iter().map(|d| cat([d, text(",")]));
    let body = if scalars {
        cat([Doc::Hard, Doc::Fill(with_commas.collect())])
    } else {
        cat(with_commas.map(|d| cat([Doc::Hard, d])))
    };
    group(flat, cat([text("["), indent(body), Doc::Hard, text("]")]))
}
