//! Specialized statements -> the same without the assignments whose values never reach an
//! output or an `observe`.
//!
//! Liveness is computed per array element over the program as it runs: kept loops are
//! walked iteration by iteration (their bounds are known), so a statement inside a loop is
//! kept when it is live in any iteration. Writes whose index is not a literal (a runtime
//! index, or a kept loop's variable in an outer loop) may hit several elements: they keep
//! every candidate live and kill none. A runtime `if` or `match` joins its paths. Every
//! output element is live at the end of the program.
//!
//! A statement kept for one iteration runs, and reads, in all of them; so the walk repeats,
//! adding the reads of every kept statement, until the set of kept statements is stable.
//! Statements are known by their position in a pre-order walk of the tree.

use tpt_core::program::{ArrayId, Expr, Program, Stmt, StmtKind};
use tpt_syntax::ast::{DeclKind, UnOp};

use super::simplify::{eval_closed, int, unary, unsupported, visit_elems, Result};

/// The live elements of every var and output, indexed by array.
#[derive(Clone)]
struct Live(Vec<Vec<bool>>);

impl Live {
    fn empty(program: &Program) -> Live {
        Live(
            program
                .arrays
                .iter()
                .map(|a| match a.kind {
                    DeclKind::Var | DeclKind::Output => vec![false; a.len()],
                    DeclKind::Param | DeclKind::Input => Vec::new(),
                })
                .collect(),
        )
    }

    fn at_end(program: &Program) -> Live {
        let mut live = Live::empty(program);
        for (id, array) in program.arrays.iter().enumerate() {
            if array.kind == DeclKind::Output {
                live.0[id].fill(true);
            }
        }
        live
    }

    fn get(&self, array: ArrayId, flat: usize) -> bool {
        self.0[array].get(flat).copied().unwrap_or(false)
    }

    fn set(&mut self, array: ArrayId, flat: usize, value: bool) {
        if let Some(slot) = self.0[array].get_mut(flat) {
            *slot = value;
        }
    }

    fn union(&mut self, other: &Live) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a |= *b;
            }
        }
    }
}

/// The elements an element access may reach, and whether it reaches exactly one.
pub fn candidates(program: &Program, array: ArrayId, indices: &[Expr], loops: &[Option<i64>]) -> (Vec<usize>, bool) {
    let info = &program.arrays[array];
    let mut flats = vec![0usize];
    let mut exact = true;
    for (index, &dim) in indices.iter().zip(&info.dims) {
        let values: Vec<usize> = match eval_closed(program, index, loops) {
            Some(v) if v >= 0 && (v as usize) < dim => vec![v as usize],
            // Out of range never happens in a checked program; reaching nothing is then right.
            Some(_) => Vec::new(),
            None => {
                exact = false;
                (0..dim).collect()
            }
        };
        flats = flats.iter().flat_map(|f| values.iter().map(move |v| f * dim + v)).collect();
    }
    (flats, exact)
}

struct Pass<'p> {
    program: &'p Program,
    kept: Vec<bool>,
    changed: bool,
    loops: Vec<Option<i64>>,
}

/// Remove dead code.
pub fn remove_dead(program: &Program, stmts: Vec<Stmt>) -> Result<Vec<Stmt>> {
    let total: usize = stmts.iter().map(Stmt::count).sum();
    let mut pass = Pass { program, kept: vec![false; total], changed: true, loops: vec![None; program.loop_depth] };
    while pass.changed {
        pass.changed = false;
        let mut live = Live::at_end(program);
        pass.block(&stmts, 0, &mut live)?;
    }
    let mut next = 0;
    Ok(prune(program, stmts, &pass.kept, &mut next))
}

/// The pre-order positions of the statements of a block that starts at `first`.
fn positions(stmts: &[Stmt], first: usize) -> Vec<usize> {
    let mut at = first;
    stmts
        .iter()
        .map(|s| {
            let here = at;
            at += s.count();
            here
        })
        .collect()
}

fn prune(program: &Program, stmts: Vec<Stmt>, kept: &[bool], next: &mut usize) -> Vec<Stmt> {
    let mut out = Vec::new();
    for mut s in stmts {
        let here = *next;
        *next += 1;
        let keep = kept.get(here).copied().unwrap_or(true);
        for block in s.blocks_mut() {
            *block = prune(program, std::mem::take(block), kept, next);
        }
        if keep {
            out.push(tidy(program, s));
        }
    }
    out
}

/// Drop what removing statements left empty where that changes nothing: an empty `else`,
/// empty trailing branches of an `if` and arms of a `match` (conditions and scrutinees have
/// no effects); `if c {} else { .. }` becomes `if !c { .. }`.
fn tidy(program: &Program, mut s: Stmt) -> Stmt {
    match &mut s.kind {
        StmtKind::If { branches, otherwise } => {
            if otherwise.as_ref().is_some_and(Vec::is_empty) {
                *otherwise = None;
            }
            while otherwise.is_none() && branches.len() > 1 && branches.last().is_some_and(|(_, b)| b.is_empty()) {
                branches.pop();
            }
            if let ([(condition, block)], Some(_)) = (branches.as_mut_slice(), otherwise.as_ref()) {
                if block.is_empty() {
                    let negated = unary(program, UnOp::Not, std::mem::replace(condition, int(0)));
                    *condition = negated;
                    *block = otherwise.take().unwrap_or_default();
                }
            }
        }
        StmtKind::Match { arms, .. } => {
            while arms.len() > 1 && arms.last().is_some_and(|a| a.body.is_empty()) {
                arms.pop();
            }
        }
        _ => {}
    }
    s
}

impl Pass<'_> {
    fn keep(&mut self, id: usize) {
        if !self.kept[id] {
            self.kept[id] = true;
            self.changed = true;
        }
    }

    /// Make live everything `e` may read.
    fn reads(&self, e: &Expr, live: &mut Live) {
        visit_elems(e, &mut |array, indices| {
            let (flats, _) = candidates(self.program, array, indices, &self.loops);
            for flat in flats {
                live.set(array, flat, true);
            }
        });
    }

    /// Walk a block whose first statement has pre-order position `first`, last to first.
    fn block(&mut self, stmts: &[Stmt], first: usize, live: &mut Live) -> Result<()> {
        for (s, id) in stmts.iter().zip(positions(stmts, first)).rev() {
            self.stmt(s, id, live)?;
        }
        Ok(())
    }

    /// Whether any statement directly in the blocks of the statement at `id` is kept.
    fn any_kept(&self, s: &Stmt, id: usize) -> bool {
        let mut first = id + 1;
        for block in s.blocks() {
            if positions(block, first).iter().any(|&p| self.kept[p]) {
                return true;
            }
            first += block.iter().map(Stmt::count).sum::<usize>();
        }
        false
    }

    fn stmt(&mut self, s: &Stmt, id: usize, live: &mut Live) -> Result<()> {
        match &s.kind {
            StmtKind::Assign { array, indices, value, .. } => {
                let (targets, exact) = candidates(self.program, *array, indices, &self.loops);
                if targets.iter().any(|&f| live.get(*array, f)) {
                    self.keep(id);
                }
                if self.kept[id] {
                    if exact {
                        for &f in &targets {
                            live.set(*array, f, false);
                        }
                    }
                    self.reads(value, live);
                    for index in indices {
                        self.reads(index, live);
                    }
                }
            }
            StmtKind::Observe(e) => {
                self.keep(id);
                self.reads(e, live);
            }
            // The printed program has its params bound: there is nothing left to minimize.
            StmtKind::Minimize(_) => {}
            StmtKind::For { slot, start, end, body, .. } => {
                let bounds =
                    (eval_closed(self.program, start, &self.loops), eval_closed(self.program, end, &self.loops));
                let (Some(lo), Some(hi)) = bounds else {
                    return unsupported("loop bounds that do not evaluate");
                };
                if *slot >= self.loops.len() {
                    return unsupported("a loop nested deeper than the program's loops");
                }
                for value in (lo..hi).rev() {
                    self.loops[*slot] = Some(value);
                    self.block(body, id + 1, live)?;
                }
                self.loops[*slot] = None;
                if self.any_kept(s, id) {
                    self.keep(id);
                }
            }
            StmtKind::If { .. } | StmtKind::Match { .. } => {
                let after = live.clone();
                // Without an `else` (or a `_` arm) there is a path through no branch at all.
                let complete = match &s.kind {
                    StmtKind::If { otherwise, .. } => otherwise.is_some(),
                    StmtKind::Match { arms, .. } => arms.iter().any(|a| a.patterns.is_none()),
                    _ => false,
                };
                let mut joined = if complete { Live::empty(self.program) } else { after.clone() };
                let mut first = id + 1;
                for block in s.blocks() {
                    let mut path = after.clone();
                    self.block(block, first, &mut path)?;
                    joined.union(&path);
                    first += block.iter().map(Stmt::count).sum::<usize>();
                }
                *live = joined;
                if self.any_kept(s, id) {
                    self.keep(id);
                }
                if self.kept[id] {
                    for e in s.exprs() {
                        self.reads(e, live);
                    }
                }
            }
        }
        Ok(())
    }
}
