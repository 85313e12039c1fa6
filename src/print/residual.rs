//! Residual code: the checked program's statements and expressions after partial evaluation,
//! as a small tree that can be compared, simplified and substituted into, and finally turned
//! back into syntax (`ast`). Names are still resolved ids; loop variables of loops that are
//! kept stay symbolic (`E::Loop`), those of unrolled loops are replaced by their values.
//! The constructors that simplify as they build are in `simplify`.

use crate::ast::{BinOp, UnOp};
use crate::eval::{eval, ConstEnv};
use crate::program::{self, ArrayId, ConstId, FnId, Program};
use crate::span::Span;

/// Why a program could not be specialized; the printer then falls back to the sketch form.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported(pub String);

pub type Result<T> = std::result::Result<T, Unsupported>;

pub fn unsupported<T>(what: impl Into<String>) -> Result<T> {
    Err(Unsupported(what.into()))
}

#[derive(Clone, Debug, PartialEq)]
pub enum E {
    Int(i64),
    Const(ConstId),
    /// The variable of an enclosing kept loop, by nesting slot.
    Loop(usize),
    Elem(ArrayId, Vec<E>),
    Call(FnId, Vec<E>),
    Unary(UnOp, Box<E>),
    Binary(BinOp, Box<E>, Box<E>),
    If(Vec<(E, E)>, Box<E>),
    Match(Box<E>, Vec<Arm<E>>),
}

/// One arm of a residual `match`: `patterns` is `None` for `_`.
#[derive(Clone, Debug, PartialEq)]
pub struct Arm<B> {
    pub patterns: Option<Vec<E>>,
    pub body: B,
}

/// Where a top-level statement came from: the file item it replaces, and its paragraph (one
/// iteration of an unrolled top-level loop, or the whole item otherwise). Blank lines go
/// between paragraphs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tag {
    pub item: usize,
    pub para: usize,
    /// Whether the paragraph is one iteration of an unrolled loop.
    pub iteration: bool,
}

/// A residual statement. `id` numbers statements for dead code removal and `tag` places
/// top-level ones; neither takes part in equality, which compares code only.
#[derive(Clone, Debug)]
pub struct S {
    pub id: usize,
    pub tag: Tag,
    pub kind: SKind,
}

impl PartialEq for S {
    fn eq(&self, other: &S) -> bool {
        self.kind == other.kind
    }
}

impl S {
    pub fn new(kind: SKind) -> S {
        S { id: 0, tag: Tag::default(), kind }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SKind {
    Assign { array: ArrayId, indices: Vec<E>, value: E },
    For { slot: usize, name: String, start: E, end: E, body: Vec<S> },
    If { branches: Vec<(E, Vec<S>)>, otherwise: Option<Vec<S>> },
    Match { scrutinee: E, arms: Vec<Arm<Vec<S>>> },
    Observe(E),
}

impl SKind {
    /// The nested statement sequences, in source order.
    pub fn blocks(&self) -> Vec<&Vec<S>> {
        match self {
            SKind::Assign { .. } | SKind::Observe(_) => Vec::new(),
            SKind::For { body, .. } => vec![body],
            SKind::If { branches, otherwise } => branches.iter().map(|(_, b)| b).chain(otherwise).collect(),
            SKind::Match { arms, .. } => arms.iter().map(|a| &a.body).collect(),
        }
    }

    pub fn blocks_mut(&mut self) -> Vec<&mut Vec<S>> {
        match self {
            SKind::Assign { .. } | SKind::Observe(_) => Vec::new(),
            SKind::For { body, .. } => vec![body],
            SKind::If { branches, otherwise } => {
                branches.iter_mut().map(|(_, b)| b).chain(otherwise.iter_mut()).collect()
            }
            SKind::Match { arms, .. } => arms.iter_mut().map(|a| &mut a.body).collect(),
        }
    }

    /// The expressions evaluated when the statement starts, before any nested block runs:
    /// target indices and value, the `observe`d expression, the conditions, the scrutinee.
    pub fn head(&self) -> Vec<&E> {
        match self {
            SKind::Assign { indices, value, .. } => indices.iter().chain([value]).collect(),
            SKind::Observe(e) => vec![e],
            SKind::For { start, end, .. } => vec![start, end],
            SKind::If { branches, .. } => branches.iter().map(|(c, _)| c).collect(),
            SKind::Match { scrutinee, .. } => vec![scrutinee],
        }
    }

    pub fn head_mut(&mut self) -> Vec<&mut E> {
        match self {
            SKind::Assign { indices, value, .. } => indices.iter_mut().chain([value]).collect(),
            SKind::Observe(e) => vec![e],
            SKind::For { start, end, .. } => vec![start, end],
            SKind::If { branches, .. } => branches.iter_mut().map(|(c, _)| c).collect(),
            SKind::Match { scrutinee, .. } => vec![scrutinee],
        }
    }
}

/// Number of statements in a tree, nested ones included.
pub fn count(stmts: &[S]) -> usize {
    stmts.iter().map(|s| 1 + s.kind.blocks().iter().map(|b| count(b)).sum::<usize>()).sum()
}

impl E {
    /// The direct sub-expressions (patterns included).
    pub fn children(&self) -> Vec<&E> {
        match self {
            E::Int(_) | E::Const(_) | E::Loop(_) => Vec::new(),
            E::Elem(_, xs) | E::Call(_, xs) => xs.iter().collect(),
            E::Unary(_, a) => vec![a],
            E::Binary(_, a, b) => vec![a, b],
            E::If(branches, otherwise) => branches.iter().flat_map(|(c, v)| [c, v]).chain([&**otherwise]).collect(),
            E::Match(scrutinee, arms) => std::iter::once(&**scrutinee)
                .chain(arms.iter().flat_map(|a| a.patterns.iter().flatten().chain([&a.body])))
                .collect(),
        }
    }

    /// Nodes in the tree.
    pub fn size(&self) -> usize {
        1 + self.children().iter().map(|c| c.size()).sum::<usize>()
    }

    /// True when the value is known once the consts are: no element reads, no loop variable.
    pub fn is_closed(&self) -> bool {
        match self {
            E::Elem(..) | E::Loop(_) => false,
            _ => self.children().iter().all(|c| c.is_closed()),
        }
    }

    /// Every element read in the tree, indices first, in evaluation order.
    pub fn visit_elems<'a>(&'a self, f: &mut dyn FnMut(ArrayId, &'a [E])) {
        for child in self.children() {
            child.visit_elems(f);
        }
        if let E::Elem(array, indices) = self {
            f(*array, indices);
        }
    }

    /// The flat position of an element whose indices are all literals.
    pub fn literal_flat(program: &Program, array: ArrayId, indices: &[E]) -> Option<usize> {
        let values: Option<Vec<i64>> =
            indices.iter().map(|i| if let E::Int(v) = i { Some(*v) } else { None }).collect();
        program.arrays[array].flat_index(&values?)
    }
}

/// The value of a closed expression (consts by their values, loop variables from `loops`).
pub fn eval_closed(program: &Program, e: &E, loops: &[Option<i64>]) -> Option<i64> {
    if !closed_under(e, loops) {
        return None;
    }
    let loop_vars: Vec<i64> = loops.iter().map(|v| v.unwrap_or(0)).collect();
    let checked = to_checked(e);
    eval(program, &checked, &mut ConstEnv { loop_vars: &loop_vars, fn_args: &[] }).ok()
}

fn closed_under(e: &E, loops: &[Option<i64>]) -> bool {
    match e {
        E::Elem(..) => false,
        E::Loop(slot) => loops.get(*slot).copied().flatten().is_some(),
        _ => e.children().iter().all(|c| closed_under(c, loops)),
    }
}

/// The checked form, for the evaluator (spans are not needed there).
fn to_checked(e: &E) -> program::Expr {
    use program::ExprKind as K;
    let boxed = |e: &E| Box::new(to_checked(e));
    let kind = match e {
        E::Int(v) => K::Int(*v),
        E::Const(id) => K::Const(*id),
        E::Loop(slot) => K::LoopVar(*slot),
        E::Elem(array, indices) => K::Elem { array: *array, indices: indices.iter().map(to_checked).collect() },
        E::Call(func, args) => K::Call { func: *func, args: args.iter().map(to_checked).collect() },
        E::Unary(op, a) => K::Unary { op: *op, operand: boxed(a) },
        E::Binary(op, a, b) => K::Binary { op: *op, lhs: boxed(a), rhs: boxed(b) },
        E::If(branches, otherwise) => K::If {
            branches: branches.iter().map(|(c, v)| (to_checked(c), to_checked(v))).collect(),
            otherwise: boxed(otherwise),
        },
        E::Match(scrutinee, arms) => K::Match {
            scrutinee: boxed(scrutinee),
            arms: arms
                .iter()
                .map(|a| program::Arm {
                    patterns: a.patterns.as_ref().map(|ps| ps.iter().map(to_checked).collect()),
                    body: to_checked(&a.body),
                    span: Span::default(),
                })
                .collect(),
        },
    };
    program::Expr::synthetic(kind)
}

/// A checked expression as it is, nothing folded.
pub fn from_checked(e: &program::Expr) -> Result<E> {
    use program::ExprKind as K;
    let all = |es: &[program::Expr]| es.iter().map(from_checked).collect::<Result<Vec<E>>>();
    Ok(match &e.kind {
        K::Int(v) => E::Int(*v),
        K::Const(id) => E::Const(*id),
        K::LoopVar(slot) => E::Loop(*slot),
        K::FnArg(_) => return unsupported("a function parameter outside its function"),
        K::Elem { array, indices } => E::Elem(*array, all(indices)?),
        K::Call { func, args } => E::Call(*func, all(args)?),
        K::Unary { op, operand } => E::Unary(*op, Box::new(from_checked(operand)?)),
        K::Binary { op, lhs, rhs } => E::Binary(*op, Box::new(from_checked(lhs)?), Box::new(from_checked(rhs)?)),
        K::If { branches, otherwise } => E::If(
            branches.iter().map(|(c, v)| Ok((from_checked(c)?, from_checked(v)?))).collect::<Result<_>>()?,
            Box::new(from_checked(otherwise)?),
        ),
        K::Match { scrutinee, arms } => E::Match(
            Box::new(from_checked(scrutinee)?),
            arms.iter()
                .map(|a| {
                    let patterns = a.patterns.as_ref().map(|ps| all(ps)).transpose()?;
                    Ok(Arm { patterns, body: from_checked(&a.body)? })
                })
                .collect::<Result<_>>()?,
        ),
    })
}

/// A checked statement as it is, nothing folded or unrolled.
pub fn stmt_from_checked(s: &program::Stmt) -> Result<S> {
    use program::StmtKind as K;
    let block = |b: &[program::Stmt]| b.iter().map(stmt_from_checked).collect::<Result<Vec<S>>>();
    let kind = match &s.kind {
        K::Assign { array, indices, value, .. } => SKind::Assign {
            array: *array,
            indices: indices.iter().map(from_checked).collect::<Result<_>>()?,
            value: from_checked(value)?,
        },
        K::For { slot, var_name, start, end, body, .. } => SKind::For {
            slot: *slot,
            name: var_name.clone(),
            start: from_checked(start)?,
            end: from_checked(end)?,
            body: block(body)?,
        },
        K::If { branches, otherwise } => SKind::If {
            branches: branches.iter().map(|(c, b)| Ok((from_checked(c)?, block(b)?))).collect::<Result<_>>()?,
            otherwise: otherwise.as_deref().map(block).transpose()?,
        },
        K::Match { scrutinee, arms } => SKind::Match {
            scrutinee: from_checked(scrutinee)?,
            arms: arms
                .iter()
                .map(|a| {
                    let patterns =
                        a.patterns.as_ref().map(|ps| ps.iter().map(from_checked).collect::<Result<_>>()).transpose()?;
                    Ok(Arm { patterns, body: block(&a.body)? })
                })
                .collect::<Result<_>>()?,
        },
        K::Observe(e) => SKind::Observe(from_checked(e)?),
    };
    Ok(S::new(kind))
}

/// Whether an expression reads any element.
pub fn reads_element(e: &E) -> bool {
    matches!(e, E::Elem(..)) || e.children().iter().any(|c| reads_element(c))
}

/// Whether statements hold an `observe` that reads no element and can never hold: the
/// lowering rejects one outside runtime branches, so the printer must not produce it.
pub fn has_hopeless_observe(stmts: &[S]) -> bool {
    stmts.iter().any(|s| match &s.kind {
        SKind::Observe(e) => !reads_element(e) && *e != E::Int(1),
        kind => kind.blocks().iter().any(|b| has_hopeless_observe(b)),
    })
}

pub fn uses_loop(e: &E, slot: usize) -> bool {
    match e {
        E::Loop(s) => *s == slot,
        _ => e.children().iter().any(|c| uses_loop(c, slot)),
    }
}
