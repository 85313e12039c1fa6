//! Checked statements -> their visitor: `Stmt` with its origin item, the expressions it
//! evaluates and its nested blocks, walked through `walk_exprs`.

use super::{Arm, ArrayId, Expr};
use tpt_source::span::Span;

/// Which top-level item of the file a statement came from (an index into `ast::File::items`).
pub type ItemId = usize;

/// Where a statement came from: the file item it is part of, and, for a statement that the
/// printer unrolled out of a top-level loop, the value of the loop variable in its iteration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Origin {
    pub item: ItemId,
    pub iteration: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Assign {
        array: ArrayId,
        indices: Vec<Expr>,
        value: Expr,
        target_span: Span,
    },
    For {
        slot: usize,
        var_name: String,
        var_span: Span,
        start: Expr,
        end: Expr,
        body: Vec<Stmt>,
    },
    If {
        branches: Vec<(Expr, Vec<Stmt>)>,
        otherwise: Option<Vec<Stmt>>,
    },
    Match {
        scrutinee: Expr,
        arms: Vec<Arm<Vec<Stmt>>>,
    },
    Observe(Expr),
    /// `minimize e;`: a term of the objective, over params and constants only (the checker
    /// makes sure), never inside a runtime branch.
    Minimize(Expr),
}

/// Equality compares the code, not where it came from.
impl PartialEq for StmtKind {
    fn eq(&self, other: &StmtKind) -> bool {
        use StmtKind::*;
        match (self, other) {
            (Assign { array: a, indices: i, value: v, .. }, Assign { array: b, indices: j, value: w, .. }) => {
                a == b && i == j && v == w
            }
            (
                For { slot: a, var_name: n, start: s, end: e, body: x, .. },
                For { slot: b, var_name: m, start: t, end: f, body: y, .. },
            ) => a == b && n == m && s == t && e == f && x == y,
            (If { branches: a, otherwise: x }, If { branches: b, otherwise: y }) => a == b && x == y,
            (Match { scrutinee: a, arms: x }, Match { scrutinee: b, arms: y }) => a == b && x == y,
            (Observe(a), Observe(b)) | (Minimize(a), Minimize(b)) => a == b,
            _ => false,
        }
    }
}

impl Stmt {
    /// A statement built after checking (by the printer), from `origin`.
    pub fn synthetic(kind: StmtKind, origin: Origin) -> Stmt {
        Stmt { kind, span: Span::default(), origin }
    }

    /// The expressions the statement evaluates before any nested block runs: target indices
    /// and value, loop bounds, conditions, the scrutinee and the arms' patterns, the
    /// `observe`d expression.
    pub fn exprs(&self) -> Vec<&Expr> {
        match &self.kind {
            StmtKind::Assign { indices, value, .. } => indices.iter().chain([value]).collect(),
            StmtKind::For { start, end, .. } => vec![start, end],
            StmtKind::If { branches, .. } => branches.iter().map(|(c, _)| c).collect(),
            StmtKind::Match { scrutinee, arms } => {
                std::iter::once(scrutinee).chain(arms.iter().flat_map(|a| a.patterns.iter().flatten())).collect()
            }
            StmtKind::Observe(e) | StmtKind::Minimize(e) => vec![e],
        }
    }

    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            StmtKind::Assign { indices, value, .. } => indices.iter_mut().chain([value]).collect(),
            StmtKind::For { start, end, .. } => vec![start, end],
            StmtKind::If { branches, .. } => branches.iter_mut().map(|(c, _)| c).collect(),
            StmtKind::Match { scrutinee, arms } => std::iter::once(scrutinee)
                .chain(arms.iter_mut().flat_map(|a| a.patterns.iter_mut().flatten()))
                .collect(),
            StmtKind::Observe(e) | StmtKind::Minimize(e) => vec![e],
        }
    }

    /// The nested statement sequences, in source order.
    pub fn blocks(&self) -> Vec<&Vec<Stmt>> {
        match &self.kind {
            StmtKind::Assign { .. } | StmtKind::Observe(_) | StmtKind::Minimize(_) => Vec::new(),
            StmtKind::For { body, .. } => vec![body],
            StmtKind::If { branches, otherwise } => branches.iter().map(|(_, b)| b).chain(otherwise).collect(),
            StmtKind::Match { arms, .. } => arms.iter().map(|a| &a.body).collect(),
        }
    }

    pub fn blocks_mut(&mut self) -> Vec<&mut Vec<Stmt>> {
        match &mut self.kind {
            StmtKind::Assign { .. } | StmtKind::Observe(_) | StmtKind::Minimize(_) => Vec::new(),
            StmtKind::For { body, .. } => vec![body],
            StmtKind::If { branches, otherwise } => {
                branches.iter_mut().map(|(_, b)| b).chain(otherwise.iter_mut()).collect()
            }
            StmtKind::Match { arms, .. } => arms.iter_mut().map(|a| &mut a.body).collect(),
        }
    }

    /// Every expression of the statement and of the statements nested in it, each tree
    /// whole, in source order.
    pub fn walk_exprs<'a>(&'a self, visit: &mut dyn FnMut(&'a Expr)) {
        for expr in self.exprs() {
            expr.walk(visit);
        }
        for block in self.blocks() {
            for stmt in block {
                stmt.walk_exprs(visit);
            }
        }
    }

    pub fn walk_exprs_mut(&mut self, visit: &mut dyn FnMut(&mut Expr)) {
        for expr in self.exprs_mut() {
            expr.walk_mut(visit);
        }
        for block in self.blocks_mut() {
            for stmt in block {
                stmt.walk_exprs_mut(visit);
            }
        }
    }

    /// Number of statements in the tree, this one included.
    pub fn count(&self) -> usize {
        1 + self.blocks().iter().map(|b| b.iter().map(Stmt::count).sum::<usize>()).sum::<usize>()
    }
}
