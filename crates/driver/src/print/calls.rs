//! A call + the values its arguments have -> the arm of the function body they select,
//! inlined: `apply(op[0], v[1], v[0])` with `op[0] = 3` and the body
//! `match op { .., 3 => (a + b) % N }` becomes `(v[1] + v[0]) % N`.
//!
//! A call is inlined only when it is exact and worth it:
//! - some argument is known (it reads params and nothing else, or it is a constant without
//!   loop variables) and, put into the condition of an `if` or the scrutinee of a `match` in
//!   the body, decides it. Elsewhere an argument stays as the caller wrote it (a param stays a
//!   reference to the param, as in the specializer's value positions);
//! - every argument that remains in the inlined code can only take values of its parameter's
//!   domain, by the declared domains of what it reads ([`value_range`]). The body was
//!   tabulated without error on every such value, and the call's result is the body's value,
//!   so the inlined code computes the call's value in every state, and fails in none. (A call
//!   with an argument outside the domain is an error, which no checked program reaches; the
//!   inlined code, evaluated by the checker over all operand values, must not differ there.)
//! - the inlined code stays small.

use tpt_core::program::{Builtin, Expr, ExprKind, FnId, Program};
use tpt_syntax::ast::{BinOp, UnOp};

use super::simplify::{self, int, literal, map_children, size};

/// The largest inlined expression (in nodes).
const MAX_NODES: usize = 48;

/// The code a call becomes when inlining is exact and decides a branch, else `None`.
/// `known` holds each argument's value when it is known; `args` are the arguments as they
/// print.
pub fn inline(program: &Program, func: FnId, known: &[Option<i64>], args: &[Expr]) -> Option<Expr> {
    let info = &program.fns[func];
    if known.iter().all(Option::is_none) || known.len() != info.params.len() || args.len() != known.len() {
        return None;
    }
    for (value, (_, domain)) in known.iter().zip(&info.params) {
        if value.is_some_and(|v| v < 0 || v >= *domain as i64) {
            return None;
        }
    }
    let literals: Vec<Option<Expr>> = known.iter().map(|v| v.map(int)).collect();
    let mut decisions = 0;
    let decided = decide(program, info.body.clone(), &literals, &mut decisions);
    if decisions == 0 {
        return None;
    }
    // Every argument left in the code must stay in its parameter's domain.
    let mut used = vec![false; args.len()];
    decided.walk(&mut |e| {
        if let ExprKind::FnArg(i) = e.kind {
            if let Some(slot) = used.get_mut(i) {
                *slot = true;
            }
        }
    });
    for ((arg, (_, domain)), used) in args.iter().zip(&info.params).zip(used) {
        let fits = value_range(program, arg).is_some_and(|(lo, hi)| lo >= 0 && hi < *domain as i64);
        if used && !fits {
            return None;
        }
    }
    let arguments: Vec<Option<Expr>> = args.iter().map(|a| Some(a.clone())).collect();
    let inlined = substitute(program, decided, &arguments);
    (size(&inlined) <= MAX_NODES).then_some(inlined)
}

/// The body with every `if` and `match` that the known arguments decide replaced by the
/// branch they select, counting the decisions. Like the specializer's structural positions,
/// only conditions and scrutinees see the known values: elsewhere an argument stays an
/// argument, to print as the caller wrote it (a param stays a reference to the param).
fn decide(program: &Program, e: Expr, literals: &[Option<Expr>], decisions: &mut usize) -> Expr {
    let known = |condition: &Expr| literal(&substitute(program, condition.clone(), literals));
    match e.kind {
        ExprKind::If { branches, otherwise } => {
            let mut kept = Vec::new();
            let mut chosen = *otherwise;
            for (condition, value) in branches {
                match known(&condition) {
                    Some(0) => *decisions += 1,
                    Some(_) => {
                        *decisions += 1;
                        chosen = value;
                        break;
                    }
                    None => kept.push((
                        decide(program, condition, literals, decisions),
                        decide(program, value, literals, decisions),
                    )),
                }
            }
            let otherwise = decide(program, chosen, literals, decisions);
            simplify::if_expr(kept, otherwise)
        }
        ExprKind::Match { scrutinee, arms } => {
            if let Some(value) = known(&scrutinee) {
                if let Some(Some(position)) = simplify::chosen_arm(program, &arms, value) {
                    *decisions += 1;
                    let body = arms.into_iter().nth(position).map_or(int(0), |arm| arm.body);
                    return decide(program, body, literals, decisions);
                }
            }
            let e = Expr::synthetic(ExprKind::Match { scrutinee, arms });
            map_children(program, e, &mut |child| decide(program, child, literals, decisions))
        }
        kind => map_children(program, Expr { kind, ..e }, &mut |child| decide(program, child, literals, decisions)),
    }
}

/// `e` with each function argument `i` replaced by `values[i]` where that is given, simplified
/// on the way up.
fn substitute(program: &Program, e: Expr, values: &[Option<Expr>]) -> Expr {
    if let ExprKind::FnArg(i) = e.kind {
        return values.get(i).cloned().flatten().unwrap_or(e);
    }
    map_children(program, e, &mut |child| substitute(program, child, values))
}

/// Bounds on the values an expression of the program's code can take, from the declared
/// domains of the elements it reads (every stored value lies in its domain) and of the
/// functions it calls; `None` when no bound is known (a loop variable, an operation whose
/// bounds are not worked out here, or an overflow).
pub fn value_range(program: &Program, e: &Expr) -> Option<(i64, i64)> {
    use BinOp::*;
    let range = |x: &Expr| value_range(program, x);
    let domain = |size: u32| (0, size as i64 - 1);
    Some(match &e.kind {
        ExprKind::Int(v) => (*v, *v),
        ExprKind::Const(id) => (program.consts[*id].value, program.consts[*id].value),
        ExprKind::Elem { array, .. } if program.arrays[*array].real => return None,
        ExprKind::Elem { array, .. } => domain(program.arrays[*array].domain),
        // Reals have no finite bounds; what is computed from them does.
        ExprKind::Real(_) | ExprKind::ToReal(_) | ExprKind::RealOp { .. } => return None,
        ExprKind::RealCompare { .. } => (0, 1),
        ExprKind::Round { domain: size, .. } => (0, super::simplify::eval_closed(program, size, &[])? - 1),
        ExprKind::Builtin { func, args } => {
            let (a_lo, a_hi) = range(&args[0])?;
            match func {
                Builtin::Abs if a_lo >= 0 => (a_lo, a_hi),
                Builtin::Abs if a_hi <= 0 => (a_hi.checked_neg()?, a_lo.checked_neg()?),
                Builtin::Abs => (0, a_hi.max(a_lo.checked_neg()?)),
                Builtin::Min | Builtin::Max => {
                    let (b_lo, b_hi) = range(&args[1])?;
                    if *func == Builtin::Min {
                        (a_lo.min(b_lo), a_hi.min(b_hi))
                    } else {
                        (a_lo.max(b_lo), a_hi.max(b_hi))
                    }
                }
            }
        }
        ExprKind::Call { func, .. } => domain(program.fns[*func].result_domain),
        // At most 63 elements (the checker's limit), so the largest number fits.
        ExprKind::FromBits { elements } if elements.len() < 64 => (0, ((1u64 << elements.len()) - 1) as i64),
        ExprKind::FromBits { .. } => return None,
        ExprKind::LoopVar(_) | ExprKind::FnArg(_) => return None,
        ExprKind::Unary { op: UnOp::Not, .. } => (0, 1),
        ExprKind::Unary { op: UnOp::Neg, operand } => {
            let (lo, hi) = range(operand)?;
            (hi.checked_neg()?, lo.checked_neg()?)
        }
        ExprKind::Unary { op: UnOp::BitNot, operand } => {
            let (lo, hi) = range(operand)?;
            (!hi, !lo)
        }
        ExprKind::Binary { op, .. } if op.precedence() <= Lt.precedence() => (0, 1),
        ExprKind::Binary { op, lhs, rhs } => {
            let ((a_lo, a_hi), (b_lo, b_hi)) = (range(lhs)?, range(rhs)?);
            let non_negative = a_lo >= 0 && b_lo >= 0;
            match op {
                Add => (a_lo.checked_add(b_lo)?, a_hi.checked_add(b_hi)?),
                Sub => (a_lo.checked_sub(b_hi)?, a_hi.checked_sub(b_lo)?),
                Mul => {
                    let corners = [
                        a_lo.checked_mul(b_lo)?,
                        a_lo.checked_mul(b_hi)?,
                        a_hi.checked_mul(b_lo)?,
                        a_hi.checked_mul(b_hi)?,
                    ];
                    (*corners.iter().min()?, *corners.iter().max()?)
                }
                // Euclidean: `0 <= a % b < |b|`, and `a % b == a` for `0 <= a < b`.
                Rem if b_lo > 0 && a_lo >= 0 => (0, a_hi.min(b_hi - 1)),
                Rem if b_lo > 0 => (0, b_hi - 1),
                Div if b_lo > 0 && a_lo >= 0 => (a_lo / b_hi, a_hi / b_lo),
                BitAnd if non_negative => (0, a_hi.min(b_hi)),
                BitAnd if a_lo >= 0 => (0, a_hi),
                BitAnd if b_lo >= 0 => (0, b_hi),
                BitOr | BitXor if non_negative => (0, all_ones(a_hi.max(b_hi))),
                Shr if non_negative => (a_lo >> b_hi.min(63), a_hi >> b_lo.min(63)),
                _ => return None,
            }
        }
        ExprKind::If { branches, otherwise } => {
            let mut bounds = range(otherwise)?;
            for (_, value) in branches {
                bounds = union(bounds, range(value)?);
            }
            bounds
        }
        ExprKind::Match { arms, .. } => {
            let mut bounds: Option<(i64, i64)> = None;
            for arm in arms {
                let arm = range(&arm.body)?;
                bounds = Some(bounds.map_or(arm, |b| union(b, arm)));
            }
            bounds?
        }
    })
}

fn union(a: (i64, i64), b: (i64, i64)) -> (i64, i64) {
    (a.0.min(b.0), a.1.max(b.1))
}

/// The smallest `2^k - 1` at least `n` (for `n >= 0`): a bound on `a | b` and `a ^ b`.
fn all_ones(n: i64) -> i64 {
    if n <= 0 {
        return 0;
    }
    let bits = 64 - n.leading_zeros();
    if bits >= 63 {
        i64::MAX
    } else {
        (1i64 << bits) - 1
    }
}
