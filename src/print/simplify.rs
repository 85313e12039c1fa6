//! Residual code -> the same, simplified: the constructors every pass builds residual code
//! with, which fold what became known (`3 + 1`, `x && 0`, an `if` on a literal) and
//! substitute a loop variable's value. They only use rewrites that give the same value in
//! every state: every expression of a checked program is pure and evaluates without error,
//! so `a && 0` is `0` and `a == a` is `1`.

use crate::ast::{BinOp, UnOp};
use crate::program::{ArrayId, FnId, Program};

use super::residual::{eval_closed, reads_element, uses_loop, Arm, SKind, E, S};

/// True when every value the expression can take is 0 or 1.
pub fn is_bool(program: &Program, e: &E) -> bool {
    match e {
        E::Int(v) => *v == 0 || *v == 1,
        E::Const(id) => matches!(program.consts[*id].value, 0 | 1),
        E::Loop(_) => false,
        E::Elem(array, _) => program.arrays[*array].domain <= 2,
        E::Call(func, _) => program.fns[*func].result_domain <= 2,
        E::Unary(op, _) => *op == UnOp::Not,
        E::Binary(op, _, _) => op.precedence() <= BinOp::Lt.precedence(),
        E::If(branches, otherwise) => branches.iter().all(|(_, v)| is_bool(program, v)) && is_bool(program, otherwise),
        E::Match(_, arms) => arms.iter().all(|a| is_bool(program, &a.body)),
    }
}

/// Evaluate a node whose operands are all literals; `None` when it fails (the node then
/// stays as written) or when the value has no literal (`i64::MIN`).
fn fold_literal(program: &Program, e: &E) -> Option<E> {
    let value = eval_closed(program, e, &[])?;
    (value != i64::MIN).then_some(E::Int(value))
}

pub fn unary(program: &Program, op: UnOp, a: E) -> E {
    let node = E::Unary(op, Box::new(a));
    let E::Unary(_, a) = &node else { return node };
    match (op, &**a) {
        (_, E::Int(_)) => fold_literal(program, &node).unwrap_or(node),
        (UnOp::Not, E::Unary(UnOp::Not, inner)) if is_bool(program, inner) => (**inner).clone(),
        (UnOp::Neg, E::Unary(UnOp::Neg, inner)) => (**inner).clone(),
        _ => node,
    }
}

pub fn binary(program: &Program, op: BinOp, a: E, b: E) -> E {
    if let (E::Int(_), E::Int(_)) = (&a, &b) {
        let node = E::Binary(op, Box::new(a), Box::new(b));
        return fold_literal(program, &node).unwrap_or(node);
    }
    let boolean = |e: &E| is_bool(program, e);
    let same = a == b;
    let simpler = match (op, &a, &b) {
        (BinOp::And, E::Int(0), _) | (BinOp::And, _, E::Int(0)) => Some(E::Int(0)),
        (BinOp::And, E::Int(_), x) | (BinOp::And, x, E::Int(_)) if boolean(x) => Some(x.clone()),
        (BinOp::Or, E::Int(v), _) | (BinOp::Or, _, E::Int(v)) if *v != 0 => Some(E::Int(1)),
        (BinOp::Or, E::Int(_), x) | (BinOp::Or, x, E::Int(_)) if boolean(x) => Some(x.clone()),
        (BinOp::And | BinOp::Or, x, _) if same && boolean(x) => Some(x.clone()),
        (BinOp::Eq | BinOp::Le | BinOp::Ge, _, _) if same => Some(E::Int(1)),
        (BinOp::Ne | BinOp::Lt | BinOp::Gt | BinOp::Sub, _, _) if same => Some(E::Int(0)),
        _ => None,
    };
    simpler.unwrap_or_else(|| E::Binary(op, Box::new(a), Box::new(b)))
}

pub fn call(program: &Program, func: FnId, args: Vec<E>) -> E {
    let node = E::Call(func, args);
    let E::Call(_, args) = &node else { return node };
    if args.iter().all(|a| matches!(a, E::Int(_))) {
        return fold_literal(program, &node).unwrap_or(node);
    }
    node
}

/// `if` expression: branches with a literal condition are resolved.
pub fn if_expr(branches: Vec<(E, E)>, otherwise: E) -> E {
    let mut kept = Vec::new();
    let mut otherwise = otherwise;
    for (c, v) in branches {
        match c {
            E::Int(0) => {}
            E::Int(_) => {
                otherwise = v;
                break;
            }
            c => kept.push((c, v)),
        }
    }
    if kept.is_empty() {
        otherwise
    } else {
        E::If(kept, Box::new(otherwise))
    }
}

/// `match` expression: with a literal scrutinee and decidable patterns, the chosen arm.
pub fn match_expr(program: &Program, scrutinee: E, arms: Vec<Arm<E>>) -> E {
    if let E::Int(value) = scrutinee {
        if let Some(Some(position)) = chosen_arm(program, &arms, value) {
            return arms.into_iter().nth(position).map_or(E::Int(0), |a| a.body);
        }
    }
    E::Match(Box::new(scrutinee), arms)
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
fn rebuild(program: &Program, e: E) -> E {
    match e {
        E::Unary(op, a) => unary(program, op, *a),
        E::Binary(op, a, b) => binary(program, op, *a, *b),
        E::Call(func, args) => call(program, func, args),
        E::If(branches, otherwise) => if_expr(branches, *otherwise),
        E::Match(scrutinee, arms) => match_expr(program, *scrutinee, arms),
        other => other,
    }
}

/// Apply `f` to every direct child, then rebuild the node.
pub fn map_children(program: &Program, e: E, f: &mut dyn FnMut(E) -> E) -> E {
    let node = match e {
        E::Int(_) | E::Const(_) | E::Loop(_) => return e,
        E::Elem(array, indices) => return E::Elem(array, indices.into_iter().map(&mut *f).collect()),
        E::Call(func, args) => E::Call(func, args.into_iter().map(&mut *f).collect()),
        E::Unary(op, a) => E::Unary(op, Box::new(f(*a))),
        E::Binary(op, a, b) => {
            let a = f(*a);
            E::Binary(op, Box::new(a), Box::new(f(*b)))
        }
        E::If(branches, otherwise) => {
            let branches = branches.into_iter().map(|(c, v)| (f(c), f(v))).collect();
            E::If(branches, Box::new(f(*otherwise)))
        }
        E::Match(scrutinee, arms) => {
            let scrutinee = f(*scrutinee);
            let arms = arms
                .into_iter()
                .map(|a| Arm { patterns: a.patterns.map(|ps| ps.into_iter().map(&mut *f).collect()), body: f(a.body) })
                .collect();
            E::Match(Box::new(scrutinee), arms)
        }
    };
    rebuild(program, node)
}

/// Replace the variable of loop `slot` by `value`. A constant sub-expression that used the
/// variable becomes its value (`(i + 1) % K` becomes `4`); constants alone keep their names.
pub fn subst(program: &Program, e: E, slot: usize, value: i64) -> E {
    if !uses_loop(&e, slot) {
        return e;
    }
    if let E::Loop(_) = e {
        return E::Int(value);
    }
    let e = map_children(program, e, &mut |c| subst(program, c, slot, value));
    if e.is_closed() && !matches!(e, E::Int(_)) {
        return fold_literal(program, &e).unwrap_or(e);
    }
    e
}

/// Replace the variable of loop `slot` by `value`, simplifying nothing.
fn subst_raw(e: &E, slot: usize, value: i64) -> E {
    match e {
        E::Loop(s) if *s == slot => E::Int(value),
        E::Int(_) | E::Const(_) | E::Loop(_) => e.clone(),
        E::Elem(array, indices) => E::Elem(*array, indices.iter().map(|i| subst_raw(i, slot, value)).collect()),
        E::Call(func, args) => E::Call(*func, args.iter().map(|a| subst_raw(a, slot, value)).collect()),
        E::Unary(op, a) => E::Unary(*op, Box::new(subst_raw(a, slot, value))),
        E::Binary(op, a, b) => E::Binary(*op, Box::new(subst_raw(a, slot, value)), Box::new(subst_raw(b, slot, value))),
        E::If(branches, otherwise) => E::If(
            branches.iter().map(|(c, v)| (subst_raw(c, slot, value), subst_raw(v, slot, value))).collect(),
            Box::new(subst_raw(otherwise, slot, value)),
        ),
        E::Match(scrutinee, arms) => E::Match(
            Box::new(subst_raw(scrutinee, slot, value)),
            arms.iter()
                .map(|a| Arm {
                    patterns: a.patterns.as_ref().map(|ps| ps.iter().map(|p| subst_raw(p, slot, value)).collect()),
                    body: subst_raw(&a.body, slot, value),
                })
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------- simplifying statements

/// An assignment, or nothing when it assigns an element its own value.
pub fn assign(array: ArrayId, indices: Vec<E>, value: E) -> Option<S> {
    if let E::Elem(a, i) = &value {
        if *a == array && *i == indices {
            return None;
        }
    }
    Some(S::new(SKind::Assign { array, indices, value }))
}

/// An `observe`, or nothing when it always holds.
pub fn observe(e: E) -> Option<S> {
    (e != E::Int(1)).then(|| S::new(SKind::Observe(e)))
}

/// An `if` statement: branches with a literal condition are resolved, and an `if` left with
/// no runtime branch is replaced by the statements of the branch taken.
pub fn if_stmt(branches: Vec<(E, Vec<S>)>, otherwise: Option<Vec<S>>) -> Vec<S> {
    let mut kept = Vec::new();
    let mut otherwise = otherwise;
    for (c, block) in branches {
        match c {
            E::Int(0) => {}
            E::Int(_) => {
                otherwise = Some(block);
                break;
            }
            c => kept.push((c, block)),
        }
    }
    if kept.is_empty() {
        otherwise.unwrap_or_default()
    } else {
        vec![S::new(SKind::If { branches: kept, otherwise })]
    }
}

/// A `match` statement, replaced by the chosen arm's statements when that is known.
pub fn match_stmt(program: &Program, scrutinee: E, arms: Vec<Arm<Vec<S>>>) -> Vec<S> {
    if let E::Int(value) = scrutinee {
        if let Some(chosen) = chosen_arm(program, &arms, value) {
            return chosen.and_then(|p| arms.into_iter().nth(p)).map(|a| a.body).unwrap_or_default();
        }
    }
    vec![S::new(SKind::Match { scrutinee, arms })]
}

/// A statement rebuilt after its expressions changed, re-applying the statement rules.
pub fn resimplify(program: &Program, s: S) -> Vec<S> {
    let S { id, tag, kind } = s;
    let rebuilt = match kind {
        SKind::Assign { array, indices, value } => assign(array, indices, value).into_iter().collect(),
        SKind::Observe(e) => observe(e).into_iter().collect(),
        SKind::If { branches, otherwise } => if_stmt(branches, otherwise),
        SKind::Match { scrutinee, arms } => match_stmt(program, scrutinee, arms),
        kind @ SKind::For { .. } => vec![S::new(kind)],
    };
    rebuilt.into_iter().map(|s| S { id, tag, ..s }).collect()
}

/// Replace loop `slot`'s variable by `value` in a statement (one iteration of an unrolled
/// loop); statements that become decidable are resolved.
pub fn subst_stmt(program: &Program, s: &S, slot: usize, value: i64) -> Vec<S> {
    let sub = |e: &E| subst(program, e.clone(), slot, value);
    let block = |b: &[S]| b.iter().flat_map(|s| subst_stmt(program, s, slot, value)).collect::<Vec<S>>();
    let kind = match &s.kind {
        SKind::Assign { array, indices, value } => {
            SKind::Assign { array: *array, indices: indices.iter().map(sub).collect(), value: sub(value) }
        }
        SKind::Observe(e) => {
            // A failing `observe` must go on reading an element (see `has_hopeless_observe`).
            let substituted = sub(e);
            if reads_element(&substituted) || substituted == E::Int(1) {
                SKind::Observe(substituted)
            } else {
                SKind::Observe(subst_raw(e, slot, value))
            }
        }
        SKind::For { slot: inner, name, start, end, body } => {
            SKind::For { slot: *inner, name: name.clone(), start: sub(start), end: sub(end), body: block(body) }
        }
        SKind::If { branches, otherwise } => SKind::If {
            branches: branches.iter().map(|(c, b)| (sub(c), block(b))).collect(),
            otherwise: otherwise.as_deref().map(block),
        },
        SKind::Match { scrutinee, arms } => SKind::Match {
            scrutinee: sub(scrutinee),
            arms: arms
                .iter()
                .map(|a| Arm {
                    patterns: a.patterns.as_ref().map(|ps| ps.iter().map(sub).collect()),
                    body: block(&a.body),
                })
                .collect(),
        },
    };
    resimplify(program, S { id: s.id, tag: s.tag, kind })
}
