//! Checked code -> the same, simplified: the constructors every printer pass builds code
//! with, which fold what became known (`3 + 1`, `x && 0`, an `if` on a literal) and
//! substitute a loop variable's value, and the questions the passes ask of expressions. They
//! only use rewrites that give the same value in every state: every expression of a checked
//! program is pure and evaluates without error, so `a && 0` is `0` and `a == a` is `1`.

use tpt_core::eval::{eval, ConstEnv};
use tpt_core::program::{Arm, ArrayId, Expr, ExprKind, FnId, Origin, Program, Stmt, StmtKind};
use tpt_syntax::ast::{BinOp, UnOp};

/// Why a program could not be specialized; the printer then falls back to the sketch form.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported(pub String);

pub type Result<T> = std::result::Result<T, Unsupported>;

pub fn unsupported<T>(what: impl Into<String>) -> Result<T> {
    Err(Unsupported(what.into()))
}

// ---------------------------------------------------------------- questions

pub fn int(value: i64) -> Expr {
    Expr::synthetic(ExprKind::Int(value))
}

/// The value of a literal.
pub fn literal(e: &Expr) -> Option<i64> {
    match e.kind {
        ExprKind::Int(v) => Some(v),
        _ => None,
    }
}

pub fn reads_element(e: &Expr) -> bool {
    e.first_runtime_read().is_some()
}

pub fn uses_loop(e: &Expr, slot: usize) -> bool {
    e.any(&|x| matches!(x.kind, ExprKind::LoopVar(s) if s == slot))
}

/// True when the value is known once the consts are: no element read, no loop variable.
pub fn is_closed(e: &Expr) -> bool {
    !e.any(&|x| matches!(x.kind, ExprKind::Elem { .. } | ExprKind::LoopVar(_)))
}

/// Nodes in the tree.
pub fn size(e: &Expr) -> usize {
    let mut count = 0;
    e.walk(&mut |_| count += 1);
    count
}

/// The value of an expression that reads no element (consts by their values, loop variables
/// from `loops`); `None` when it reads one, uses an unknown loop variable, or fails.
pub fn eval_closed(program: &Program, e: &Expr, loops: &[Option<i64>]) -> Option<i64> {
    let open = e.any(&|x| match x.kind {
        ExprKind::Elem { .. } | ExprKind::FnArg(_) => true,
        ExprKind::LoopVar(slot) => loops.get(slot).copied().flatten().is_none(),
        _ => false,
    });
    if open {
        return None;
    }
    let loop_vars: Vec<i64> = loops.iter().map(|v| v.unwrap_or(0)).collect();
    eval(program, e, &mut ConstEnv { loop_vars: &loop_vars, fn_args: &[] }).ok()
}

/// The flat position of an element whose indices are all literals.
pub fn literal_flat(program: &Program, array: ArrayId, indices: &[Expr]) -> Option<usize> {
    let values: Option<Vec<i64>> = indices.iter().map(literal).collect();
    program.arrays[array].flat_index(&values?)
}

/// Every element read in the tree, indices first, in evaluation order.
pub fn visit_elems<'a>(e: &'a Expr, f: &mut dyn FnMut(ArrayId, &'a [Expr])) {
    for child in e.children() {
        visit_elems(child, f);
    }
    if let ExprKind::Elem { array, indices } = &e.kind {
        f(*array, indices);
    }
}

/// Whether statements hold an `observe` that reads no element and can never hold: the
/// lowering rejects one outside runtime branches, so the printer must not produce it.
pub fn has_hopeless_observe(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match &s.kind {
        StmtKind::Observe(e) => !reads_element(e) && literal(e) != Some(1),
        _ => s.blocks().iter().any(|b| has_hopeless_observe(b)),
    })
}

/// True when every value the expression can take is 0 or 1.
pub fn is_bool(program: &Program, e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(v) => *v == 0 || *v == 1,
        ExprKind::Const(id) => matches!(program.consts[*id].value, 0 | 1),
        ExprKind::LoopVar(_) | ExprKind::FnArg(_) => false,
        ExprKind::Elem { array, .. } => program.arrays[*array].domain <= 2,
        ExprKind::Call { func, .. } => program.fns[*func].result_domain <= 2,
        ExprKind::Unary { op, .. } => *op == UnOp::Not,
        // `a & b` is 0 or 1 when either side is (its other bits are 0); `|` and `^` when both are.
        ExprKind::Binary { op: BinOp::BitAnd, lhs, rhs } => is_bool(program, lhs) || is_bool(program, rhs),
        ExprKind::Binary { op: BinOp::BitOr | BinOp::BitXor, lhs, rhs } => {
            is_bool(program, lhs) && is_bool(program, rhs)
        }
        ExprKind::Binary { op, .. } => op.precedence() <= BinOp::Lt.precedence(),
        ExprKind::If { branches, otherwise } => {
            branches.iter().all(|(_, v)| is_bool(program, v)) && is_bool(program, otherwise)
        }
        ExprKind::Match { arms, .. } => arms.iter().all(|a| is_bool(program, &a.body)),
        ExprKind::FromBits { elements } => elements.len() <= 1,
        ExprKind::RealCompare { .. } => true,
        ExprKind::Round { domain, .. } => eval_closed(program, domain, &[]).is_some_and(|d| d <= 2),
        ExprKind::Builtin { func: tpt_core::program::Builtin::Abs, .. } => false,
        ExprKind::Builtin { args, .. } => args.iter().all(|a| is_bool(program, a)),
        ExprKind::Real(_) | ExprKind::ToReal(_) | ExprKind::RealOp { .. } => false,
    }
}

// ---------------------------------------------------------------- expressions

/// Evaluate a node whose operands are all literals; `None` when it fails (the node then
/// stays as written) or when the value has no literal (`i64::MIN`).
fn fold_literal(program: &Program, e: &Expr) -> Option<Expr> {
    let value = eval_closed(program, e, &[])?;
    (value != i64::MIN).then(|| int(value))
}

pub fn unary(program: &Program, op: UnOp, a: Expr) -> Expr {
    let node = Expr::synthetic(ExprKind::Unary { op, operand: Box::new(a) });
    let ExprKind::Unary { operand, .. } = &node.kind else { return node };
    match (op, &operand.kind) {
        (_, ExprKind::Int(_)) => fold_literal(program, &node).unwrap_or(node),
        (UnOp::Not, ExprKind::Unary { op: UnOp::Not, operand: inner }) if is_bool(program, inner) => (**inner).clone(),
        (UnOp::Neg, ExprKind::Unary { op: UnOp::Neg, operand: inner }) => (**inner).clone(),
        (UnOp::BitNot, ExprKind::Unary { op: UnOp::BitNot, operand: inner }) => (**inner).clone(),
        _ => node,
    }
}

pub fn binary(program: &Program, op: BinOp, a: Expr, b: Expr) -> Expr {
    if let (Some(_), Some(_)) = (literal(&a), literal(&b)) {
        let node = Expr::synthetic(ExprKind::Binary { op, lhs: Box::new(a), rhs: Box::new(b) });
        return fold_literal(program, &node).unwrap_or(node);
    }
    identity(program, op, &a, &b)
        .unwrap_or_else(|| Expr::synthetic(ExprKind::Binary { op, lhs: Box::new(a), rhs: Box::new(b) }))
}

/// `a op b` without the operation, when an identity gives it for every value of `a` and `b`
/// (`a + 0`, `x && 1` with `x` 0 or 1, `a ^ a`). Operands are pure and, in a checked program,
/// evaluate without error, so dropping one (`a * 0`) changes no value.
fn identity(program: &Program, op: BinOp, a: &Expr, b: &Expr) -> Option<Expr> {
    use BinOp::*;
    let boolean = |e: &Expr| is_bool(program, e);
    let same = a == b;
    let simpler = match (op, literal(a), literal(b)) {
        (And, Some(0), _) | (And, _, Some(0)) => int(0),
        (And, Some(_), _) if boolean(b) => b.clone(),
        (And, _, Some(_)) if boolean(a) => a.clone(),
        (Or, Some(v), _) | (Or, _, Some(v)) if v != 0 => int(1),
        (Or, Some(_), _) if boolean(b) => b.clone(),
        (Or, _, Some(_)) if boolean(a) => a.clone(),
        (And | Or, _, _) if same && boolean(a) => a.clone(),
        (Eq | Le | Ge, _, _) if same => int(1),
        (Ne | Lt | Gt | Sub | BitXor, _, _) if same => int(0),
        (BitAnd | BitOr, _, _) if same => a.clone(),
        // Arithmetic and bitwise identities.
        (Add | BitOr | BitXor, Some(0), _) => b.clone(),
        (Add | Sub | BitOr | BitXor | Shl | Shr, _, Some(0)) => a.clone(),
        (Sub, Some(0), _) => unary(program, UnOp::Neg, b.clone()),
        (Mul, Some(1), _) => b.clone(),
        (Mul | Div, _, Some(1)) => a.clone(),
        (Mul | BitAnd, Some(0), _) | (Mul | BitAnd, _, Some(0)) | (Rem, _, Some(1 | -1)) => int(0),
        (Shl | Shr, Some(0), _) => int(0),
        (BitAnd, Some(-1), _) => b.clone(),
        (BitAnd, _, Some(-1)) => a.clone(),
        (BitAnd, Some(1), _) if boolean(b) => b.clone(),
        (BitAnd, _, Some(1)) if boolean(a) => a.clone(),
        _ => return None,
    };
    Some(simpler)
}

pub fn call(program: &Program, func: FnId, args: Vec<Expr>) -> Expr {
    let literal_args = args.iter().all(|a| literal(a).is_some());
    let node = Expr::synthetic(ExprKind::Call { func, args });
    if literal_args {
        return fold_literal(program, &node).unwrap_or(node);
    }
    node
}

/// `if` expression: branches with a literal condition are resolved.
pub fn if_expr(branches: Vec<(Expr, Expr)>, otherwise: Expr) -> Expr {
    let mut kept = Vec::new();
    let mut otherwise = otherwise;
    for (c, v) in branches {
        match literal(&c) {
            Some(0) => {}
            Some(_) => {
                otherwise = v;
                break;
            }
            None => kept.push((c, v)),
        }
    }
    if kept.is_empty() {
        otherwise
    } else {
        Expr::synthetic(ExprKind::If { branches: kept, otherwise: Box::new(otherwise) })
    }
}

/// `match` expression: with a literal scrutinee and decidable patterns, the chosen arm.
pub fn match_expr(program: &Program, scrutinee: Expr, arms: Vec<Arm<Expr>>) -> Expr {
    if let Some(value) = literal(&scrutinee) {
        if let Some(Some(position)) = chosen_arm(program, &arms, value) {
            return arms.into_iter().nth(position).map_or(int(0), |a| a.body);
        }
    }
    Expr::synthetic(ExprKind::Match { scrutinee: Box::new(scrutinee), arms })
}

/// The arm a literal scrutinee selects: `Some(None)` when no arm matches, `None` when a
/// pattern before the match cannot be evaluated yet (it uses a kept loop's variable).
pub fn chosen_arm<B>(program: &Program, arms: &[Arm<B>], value: i64) -> Option<Option<usize>> {
    for (position, arm) in arms.iter().enumerate() {
        let Some(patterns) = &arm.patterns else {
            return Some(Some(position));
        };
        for pattern in patterns {
            if eval_closed(program, pattern, &[])? == value {
                return Some(Some(position));
            }
        }
    }
    Some(None)
}

/// Rebuild a node from (possibly changed) children with the simplifying constructors.
fn rebuild(program: &Program, e: Expr) -> Expr {
    match e.kind {
        ExprKind::Unary { op, operand } => unary(program, op, *operand),
        ExprKind::Binary { op, lhs, rhs } => binary(program, op, *lhs, *rhs),
        ExprKind::Call { func, args } => call(program, func, args),
        ExprKind::If { branches, otherwise } => if_expr(branches, *otherwise),
        ExprKind::Match { scrutinee, arms } => match_expr(program, *scrutinee, arms),
        kind => Expr { kind, ..e },
    }
}

/// Apply `f` to every direct child, then rebuild the node (element reads are not folded).
pub fn map_children(program: &Program, mut e: Expr, f: &mut dyn FnMut(Expr) -> Expr) -> Expr {
    for child in e.children_mut() {
        let taken = std::mem::replace(child, int(0));
        *child = f(taken);
    }
    match e.kind {
        ExprKind::Elem { .. } => e,
        _ => rebuild(program, e),
    }
}

/// Replace the variable of loop `slot` by `value`. A constant sub-expression that used the
/// variable becomes its value (`(i + 1) % K` becomes `4`); constants alone keep their names.
pub fn subst(program: &Program, e: Expr, slot: usize, value: i64) -> Expr {
    if !uses_loop(&e, slot) {
        return e;
    }
    if let ExprKind::LoopVar(_) = e.kind {
        return int(value);
    }
    let e = map_children(program, e, &mut |c| subst(program, c, slot, value));
    if is_closed(&e) && literal(&e).is_none() {
        return fold_literal(program, &e).unwrap_or(e);
    }
    e
}

/// Replace the variable of loop `slot` by `value`, simplifying nothing.
fn subst_raw(e: &Expr, slot: usize, value: i64) -> Expr {
    let mut e = e.clone();
    e.walk_mut(&mut |x| {
        if matches!(x.kind, ExprKind::LoopVar(s) if s == slot) {
            x.kind = ExprKind::Int(value);
        }
    });
    e
}

// ---------------------------------------------------------------- statements

fn stmt(kind: StmtKind) -> Stmt {
    Stmt::synthetic(kind, Origin::default())
}

/// An assignment, or nothing when it assigns an element its own value.
pub fn assign(array: ArrayId, indices: Vec<Expr>, value: Expr) -> Option<Stmt> {
    if let ExprKind::Elem { array: a, indices: i } = &value.kind {
        if *a == array && *i == indices {
            return None;
        }
    }
    Some(stmt(StmtKind::Assign { array, indices, value, target_span: Default::default() }))
}

/// An `observe`, or nothing when it always holds.
pub fn observe(e: Expr) -> Option<Stmt> {
    (literal(&e) != Some(1)).then(|| stmt(StmtKind::Observe(e)))
}

/// An `if` statement: branches with a literal condition are resolved, and an `if` left with
/// no runtime branch is replaced by the statements of the branch taken.
pub fn if_stmt(branches: Vec<(Expr, Vec<Stmt>)>, otherwise: Option<Vec<Stmt>>) -> Vec<Stmt> {
    let mut kept = Vec::new();
    let mut otherwise = otherwise;
    for (c, block) in branches {
        match literal(&c) {
            Some(0) => {}
            Some(_) => {
                otherwise = Some(block);
                break;
            }
            None => kept.push((c, block)),
        }
    }
    if kept.is_empty() {
        otherwise.unwrap_or_default()
    } else {
        vec![stmt(StmtKind::If { branches: kept, otherwise })]
    }
}

/// A `match` statement, replaced by the chosen arm's statements when that is known.
pub fn match_stmt(program: &Program, scrutinee: Expr, arms: Vec<Arm<Vec<Stmt>>>) -> Vec<Stmt> {
    if let Some(value) = literal(&scrutinee) {
        if let Some(chosen) = chosen_arm(program, &arms, value) {
            return chosen.and_then(|p| arms.into_iter().nth(p)).map(|a| a.body).unwrap_or_default();
        }
    }
    vec![stmt(StmtKind::Match { scrutinee, arms })]
}

/// A statement rebuilt after its expressions changed, re-applying the statement rules; the
/// results keep the statement's origin.
pub fn resimplify(program: &Program, s: Stmt) -> Vec<Stmt> {
    let Stmt { kind, origin, .. } = s;
    let rebuilt = match kind {
        StmtKind::Assign { array, indices, value, .. } => assign(array, indices, value).into_iter().collect(),
        StmtKind::Observe(e) => observe(e).into_iter().collect(),
        StmtKind::Minimize(_) => Vec::new(),
        StmtKind::If { branches, otherwise } => if_stmt(branches, otherwise),
        StmtKind::Match { scrutinee, arms } => match_stmt(program, scrutinee, arms),
        kind @ StmtKind::For { .. } => vec![stmt(kind)],
    };
    rebuilt.into_iter().map(|s| Stmt { origin, ..s }).collect()
}

/// Replace loop `slot`'s variable by `value` in a statement (one iteration of an unrolled
/// loop); statements that become decidable are resolved.
pub fn subst_stmt(program: &Program, s: &Stmt, slot: usize, value: i64) -> Vec<Stmt> {
    let mut s = s.clone();
    if let StmtKind::Observe(e) = &mut s.kind {
        // A failing `observe` must go on reading an element (see `has_hopeless_observe`).
        let substituted = subst(program, e.clone(), slot, value);
        *e = if reads_element(&substituted) || literal(&substituted) == Some(1) {
            substituted
        } else {
            subst_raw(e, slot, value)
        };
    } else {
        for e in s.exprs_mut() {
            let taken = std::mem::replace(e, int(0));
            *e = subst(program, taken, slot, value);
        }
    }
    for block in s.blocks_mut() {
        *block = block.iter().flat_map(|inner| subst_stmt(program, inner, slot, value)).collect();
    }
    resimplify(program, s)
}
