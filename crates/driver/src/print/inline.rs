//! Specialized statements -> the same with single-use temporaries substituted into their use:
//! `arg1 = wires[0]; arg2 = wires[1]; wires[3] = arg1 != arg2;` becomes
//! `wires[3] = wires[0] != wires[1];`.
//!
//! A definition `t = e;` (with literal indices) is substituted into the one statement `u`
//! that reads its value when all of these hold, which makes the substitution exact:
//! - `u` comes later in the same statement sequence, and reads `t` exactly once, in the
//!   part it evaluates first (the value and indices of an assignment, the conditions of an
//!   `if`, a scrutinee), and nowhere else; expressions are pure and never fail in a checked
//!   program, so moving `e` there changes no value, even under a lazy `&&`;
//! - no statement in between reads `t`, writes `t`, or writes an element `e` reads;
//! - the value dies at `u`: `u` overwrites `t`, or a later statement of the sequence does
//!   before anything reads it, or nothing reads it afterwards (a `var` at top level, or a
//!   `var` that is read nowhere else in the whole program);
//! - the result stays small (few nodes, few operand combinations for the checker).
//!
//! A `var` is a temporary only when *every* assignment to it can be substituted, so that the
//! var disappears; half-inlined state (such as the wires of a circuit) reads worse than
//! none. An assignment to an output is substituted on its own, and only into the assignment
//! that overwrites it (`y = 0; y = y || a;` becomes `y = a;` when `a` is 0 or 1).

use std::collections::HashSet;

use tpt_core::program::{ArrayId, Expr, ExprKind, Program, Stmt, StmtKind};
use tpt_syntax::ast::DeclKind;

use super::simplify::{self, has_hopeless_observe, int, literal_flat, size, visit_elems};

/// The largest expression (in nodes) that substitution may build.
const MAX_NODES: usize = 64;
/// The most operand combinations the checker may have to enumerate for a built expression.
const MAX_COMBINATIONS: u64 = 1 << 12;
/// Programs with more statements than this are left alone: the search is quadratic.
const MAX_STATEMENTS: usize = 5_000;

/// An element access: `Some(flat)` for literal indices, `None` for any element of the array.
type Access = (ArrayId, Option<usize>);

fn overlaps(a: Access, b: Access) -> bool {
    a.0 == b.0 && (a.1.is_none() || b.1.is_none() || a.1 == b.1)
}

fn access(program: &Program, array: ArrayId, indices: &[Expr]) -> Access {
    (array, literal_flat(program, array, indices))
}

/// Every element `e` reads.
fn expr_reads(program: &Program, e: &Expr, out: &mut Vec<Access>) {
    visit_elems(e, &mut |array, indices| out.push(access(program, array, indices)));
}

/// Every element a statement (with nested ones) reads.
fn stmt_reads(program: &Program, s: &Stmt, out: &mut Vec<Access>) {
    for e in s.exprs() {
        expr_reads(program, e, out);
    }
    for block in s.blocks() {
        for inner in block {
            stmt_reads(program, inner, out);
        }
    }
}

/// Every element a statement (with nested ones) may write.
fn stmt_writes(program: &Program, s: &Stmt, out: &mut Vec<Access>) {
    if let StmtKind::Assign { array, indices, .. } = &s.kind {
        out.push(access(program, *array, indices));
    }
    for block in s.blocks() {
        for inner in block {
            stmt_writes(program, inner, out);
        }
    }
}

fn reads_of(program: &Program, s: &Stmt) -> Vec<Access> {
    let mut out = Vec::new();
    stmt_reads(program, s, &mut out);
    out
}

fn writes_of(program: &Program, s: &Stmt) -> Vec<Access> {
    let mut out = Vec::new();
    stmt_writes(program, s, &mut out);
    out
}

/// Substitute every single-use temporary.
pub fn inline_temporaries(program: &Program, stmts: &mut Vec<Stmt>) {
    if stmts.iter().map(Stmt::count).sum::<usize>() > MAX_STATEMENTS {
        return;
    }
    // Vars first: an output accumulated through a temporary (`y = y || term;`) can only be
    // folded into one assignment once the temporary is gone.
    for (id, array) in program.arrays.iter().enumerate() {
        if array.kind == DeclKind::Var {
            let mut work = stmts.clone();
            if inline_all(program, &mut work, id) {
                *stmts = work;
            }
        }
    }
    for (id, array) in program.arrays.iter().enumerate() {
        if array.kind == DeclKind::Output {
            inline_overwritten(program, stmts, id);
        }
    }
}

/// Substitute every assignment to `var`, first to last; false (with `stmts` spoiled) when
/// one cannot be.
fn inline_all(program: &Program, stmts: &mut Vec<Stmt>, var: ArrayId) -> bool {
    // A failure ends the attempt, so nothing is ever skipped here.
    let mut skip = HashSet::new();
    loop {
        let reads = global_reads(program, stmts, var);
        match first_definition(program, stmts, 0, var, true, reads, &mut skip) {
            None => return true,
            Some(false) => return false,
            Some(true) => {}
        }
    }
}

/// Substitute the assignments to `output` that are overwritten later; the others stay.
fn inline_overwritten(program: &Program, stmts: &mut Vec<Stmt>, output: ArrayId) {
    let mut skip = HashSet::new();
    while first_definition(program, stmts, 0, output, true, 0, &mut skip).is_some() {}
}

/// Reads of any element of `array` in the whole program.
fn global_reads(program: &Program, stmts: &[Stmt], array: ArrayId) -> usize {
    stmts.iter().flat_map(|s| reads_of(program, s)).filter(|a| a.0 == array).count()
}

/// Find the first assignment to `array` (in program order) whose pre-order position is not
/// in `skip`, and try to substitute it; a failed one is skipped from then on (positions before
/// it do not change when a later one is substituted). `None` when there is none left.
/// `first` is the position of `seq[0]`; `global_reads` counts the reads of `array` in the
/// whole program.
#[allow(clippy::too_many_arguments)]
fn first_definition(
    program: &Program,
    seq: &mut Vec<Stmt>,
    first: usize,
    array: ArrayId,
    top: bool,
    global_reads: usize,
    skip: &mut HashSet<usize>,
) -> Option<bool> {
    let mut position = first;
    for k in 0..seq.len() {
        if let StmtKind::Assign { array: a, .. } = seq[k].kind {
            if a == array && !skip.contains(&position) {
                let done = substitute(program, seq, k, top, global_reads);
                if !done {
                    skip.insert(position);
                }
                return Some(done);
            }
        }
        let mut inner = position + 1;
        for block in seq[k].blocks_mut() {
            let size: usize = block.iter().map(Stmt::count).sum();
            if let Some(done) = first_definition(program, block, inner, array, false, global_reads, skip) {
                return Some(done);
            }
            inner += size;
        }
        position += seq[k].count();
    }
    None
}

/// Try to substitute the assignment `seq[k]` into its one use; true when done.
fn substitute(program: &Program, seq: &mut Vec<Stmt>, k: usize, top: bool, global_reads: usize) -> bool {
    let StmtKind::Assign { array, indices, value, .. } = &seq[k].kind else {
        return false;
    };
    let (array, value) = (*array, value.clone());
    let Some(flat) = literal_flat(program, array, indices) else {
        return false;
    };
    let target: Access = (array, Some(flat));
    let is_var = program.arrays[array].kind == DeclKind::Var;
    let mut value_reads = Vec::new();
    expr_reads(program, &value, &mut value_reads);

    // Find the use.
    let mut j = k + 1;
    loop {
        let Some(s) = seq.get(j) else { return false };
        let reads = reads_of(program, s);
        if reads.iter().any(|&a| overlaps(a, target)) {
            break;
        }
        let writes = writes_of(program, s);
        if writes.iter().any(|&w| overlaps(w, target) || value_reads.iter().any(|&a| overlaps(w, a))) {
            return false;
        }
        j += 1;
    }
    // It must be read once, exactly, and first thing.
    let head_reads: Vec<Access> = {
        let mut out = Vec::new();
        for e in seq[j].exprs() {
            expr_reads(program, e, &mut out);
        }
        out
    };
    let all_reads = reads_of(program, &seq[j]);
    let hits = |list: &[Access]| list.iter().filter(|&&a| overlaps(a, target)).count();
    if hits(&head_reads) != 1 || hits(&all_reads) != 1 || !head_reads.contains(&target) {
        return false;
    }
    // The value must die at the use.
    let overwritten_by_use = matches!(&seq[j].kind, StmtKind::Assign { array: a, indices, .. }
        if *a == array && literal_flat(program, *a, indices) == Some(flat));
    // An output's assignment only merges into the next assignment to the same element
    // (`y = 0; y = y || a;`): moving it into a temporary would hide what the output holds.
    if !overwritten_by_use && (!is_var || !dies_after(program, seq, j, target, top, global_reads)) {
        return false;
    }
    // Substitute, and check the size of what was built.
    let mut used = seq[j].clone();
    for e in used.exprs_mut() {
        *e = replace(program, std::mem::replace(e, int(0)), target, &value);
    }
    if used.exprs().iter().any(|e| size(e) > MAX_NODES || combinations(program, e) > MAX_COMBINATIONS) {
        return false;
    }
    let rebuilt = simplify::resimplify(program, used);
    if has_hopeless_observe(&rebuilt) {
        return false;
    }
    seq.splice(j..=j, rebuilt);
    seq.remove(k);
    true
}

/// Whether the value of the var element `target` is dead after `seq[j]`.
fn dies_after(program: &Program, seq: &[Stmt], j: usize, target: Access, top: bool, global_reads: usize) -> bool {
    for s in &seq[j + 1..] {
        if reads_of(program, s).iter().any(|&a| overlaps(a, target)) {
            return false;
        }
        if let StmtKind::Assign { array, indices, .. } = &s.kind {
            if access(program, *array, indices) == target {
                return true;
            }
        }
    }
    // The end of the sequence: a var's value is never observed at the end of the program,
    // and inside a block it goes nowhere when the use was the var's only read anywhere.
    top || global_reads == 1
}

/// `e` with every read of `target` replaced by `value`, simplified on the way up.
fn replace(program: &Program, e: Expr, target: Access, value: &Expr) -> Expr {
    if let ExprKind::Elem { array, indices } = &e.kind {
        if access(program, *array, indices) == target {
            return value.clone();
        }
    }
    simplify::map_children(program, e, &mut |c| replace(program, c, target, value))
}

/// The product of the domains of the distinct elements an expression reads: what the
/// checker enumerates for it.
fn combinations(program: &Program, e: &Expr) -> u64 {
    let mut seen: Vec<&Expr> = Vec::new();
    e.walk(&mut |x| {
        if matches!(x.kind, ExprKind::Elem { .. }) && !seen.contains(&x) {
            seen.push(x);
        }
    });
    seen.iter()
        .map(|x| match &x.kind {
            ExprKind::Elem { array, .. } => program.arrays[*array].domain as u64,
            _ => 1,
        })
        .fold(1u64, |acc, d| acc.saturating_mul(d))
}
