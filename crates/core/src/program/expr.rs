//! Checked expressions -> their visitor: `Expr` and its kinds (real operations, built-in
//! functions, `match` arms), walked through `children`, `walk` and `find`.

use super::{ArrayId, ConstId, FnId, Program};
use tpt_source::span::Span;
use tpt_syntax::ast::{BinOp, UnOp};

/// Identifies an expression of a checked program: the checker numbers every expression of
/// the body once (see [`Program::number_exprs`]), so that later stages can key tables by
/// expression without holding references into the tree. Expressions built later (by the
/// printer) carry [`ExprId::NONE`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(pub u32);

impl ExprId {
    pub const NONE: ExprId = ExprId(u32::MAX);
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    pub id: ExprId,
}

/// An operation on reals: the arithmetic operators and the built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RealOp {
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Abs,
    Min,
    Max,
}

impl RealOp {
    /// Number of operands.
    pub fn arity(self) -> usize {
        match self {
            RealOp::Neg | RealOp::Abs => 1,
            _ => 2,
        }
    }

    /// The operator of a binary arithmetic operation on reals.
    pub fn of_binary(op: BinOp) -> Option<RealOp> {
        Some(match op {
            BinOp::Add => RealOp::Add,
            BinOp::Sub => RealOp::Sub,
            BinOp::Mul => RealOp::Mul,
            BinOp::Div => RealOp::Div,
            _ => return None,
        })
    }

    /// The same operation written as a binary operator, if it is one.
    pub fn binary(self) -> Option<BinOp> {
        Some(match self {
            RealOp::Add => BinOp::Add,
            RealOp::Sub => BinOp::Sub,
            RealOp::Mul => BinOp::Mul,
            RealOp::Div => BinOp::Div,
            _ => return None,
        })
    }

    /// The operation on two (or one) numbers, as IEEE 754 double precision computes it.
    pub fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            RealOp::Neg => -a,
            RealOp::Add => a + b,
            RealOp::Sub => a - b,
            RealOp::Mul => a * b,
            RealOp::Div => a / b,
            RealOp::Abs => a.abs(),
            RealOp::Min => a.min(b),
            RealOp::Max => a.max(b),
        }
    }
}

/// The built-in functions of numbers: `abs(a)`, `min(a, b)`, `max(a, b)`, on integers or
/// reals, and `round(x, D)`, from a real to a finite domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Abs,
    Min,
    Max,
}

impl Builtin {
    pub const ROUND: &'static str = "round";

    pub fn named(name: &str) -> Option<Builtin> {
        Some(match name {
            "abs" => Builtin::Abs,
            "min" => Builtin::Min,
            "max" => Builtin::Max,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Abs => "abs",
            Builtin::Min => "min",
            Builtin::Max => "max",
        }
    }

    pub fn arity(self) -> usize {
        self.real_op().arity()
    }

    /// The operation on reals.
    pub fn real_op(self) -> RealOp {
        match self {
            Builtin::Abs => RealOp::Abs,
            Builtin::Min => RealOp::Min,
            Builtin::Max => RealOp::Max,
        }
    }
}

/// `round(x, D)` of a real: the nearest integer (halves away from zero), kept within `0..D`
/// (below 0 it is 0, above `D - 1` it is `D - 1`). The argument must be finite.
pub fn round_into(x: f64, domain: i64) -> i64 {
    let top = (domain - 1).max(0) as f64;
    x.round().clamp(0.0, top) as i64
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Int(i64),
    /// A real literal.
    Real(f64),
    Const(ConstId),
    /// A `for` variable, by nesting slot (0 = outermost loop).
    LoopVar(usize),
    /// A parameter of the enclosing `fn`.
    FnArg(usize),
    /// An element of an array (no indices for a scalar).
    Elem {
        array: ArrayId,
        indices: Vec<Expr>,
    },
    Call {
        func: FnId,
        args: Vec<Expr>,
    },
    Unary {
        op: UnOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    If {
        branches: Vec<(Expr, Expr)>,
        otherwise: Box<Expr>,
    },
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<Arm<Expr>>,
    },
    /// `from_bits(a)`: the number whose binary digits, most significant first, are the
    /// elements read (the whole of a one-dimensional array, or a row of a larger one; each
    /// element read is an `Elem` of the same array with the row's indices and its position).
    FromBits {
        elements: Vec<Expr>,
    },
    /// An integer where a real is expected: the checker wraps every integer operand of a real
    /// operation, comparison, conditional or assignment in one (the promotion of integers).
    ToReal(Box<Expr>),
    /// Arithmetic on reals (operands are real).
    RealOp {
        op: RealOp,
        args: Vec<Expr>,
    },
    /// A comparison of two reals: 0 or 1.
    RealCompare {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `round(x, D)`: a real rounded into `0..D` (`D` a constant expression).
    Round {
        operand: Box<Expr>,
        domain: Box<Expr>,
    },
    /// `abs`, `min` and `max` of integers.
    Builtin {
        func: Builtin,
        args: Vec<Expr>,
    },
}

impl Expr {
    /// An expression without a source position or number (built after checking).
    pub fn synthetic(kind: ExprKind) -> Expr {
        Expr { kind, span: Span::default(), id: ExprId::NONE }
    }

    /// An expression at a source position, not yet numbered.
    pub fn at(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span, id: ExprId::NONE }
    }

    /// The direct sub-expressions, in evaluation order: indices, arguments, operands,
    /// conditions and values, the scrutinee, then each arm's patterns and body.
    pub fn children(&self) -> impl Iterator<Item = &Expr> {
        // The four shapes children come in: a list, up to two boxed operands (the second
        // after the branches), condition-value pairs and arms.
        type Parts<'e> = (&'e [Expr], [Option<&'e Expr>; 2], &'e [(Expr, Expr)], &'e [Arm<Expr>]);
        let (list, boxes, branches, arms): Parts = match &self.kind {
            ExprKind::Int(_) | ExprKind::Real(_) | ExprKind::Const(_) | ExprKind::LoopVar(_) | ExprKind::FnArg(_) => {
                (&[], [None, None], &[], &[])
            }
            ExprKind::Elem { indices, .. } => (indices, [None, None], &[], &[]),
            ExprKind::Call { args, .. } | ExprKind::RealOp { args, .. } | ExprKind::Builtin { args, .. } => {
                (args, [None, None], &[], &[])
            }
            ExprKind::FromBits { elements } => (elements, [None, None], &[], &[]),
            ExprKind::ToReal(operand) => (&[], [Some(operand), None], &[], &[]),
            ExprKind::RealCompare { lhs, rhs, .. } => (&[], [Some(lhs), Some(rhs)], &[], &[]),
            ExprKind::Round { operand, domain } => (&[], [Some(operand), Some(domain)], &[], &[]),
            ExprKind::Unary { operand, .. } => (&[], [Some(operand), None], &[], &[]),
            ExprKind::Binary { lhs, rhs, .. } => (&[], [Some(lhs), Some(rhs)], &[], &[]),
            ExprKind::If { branches, otherwise } => (&[], [None, Some(otherwise)], branches, &[]),
            ExprKind::Match { scrutinee, arms } => (&[], [Some(scrutinee), None], &[], arms),
        };
        let [first, last] = boxes;
        list.iter()
            .chain(first)
            .chain(branches.iter().flat_map(|(c, v)| [c, v]))
            .chain(last)
            .chain(arms.iter().flat_map(|arm| arm.patterns.iter().flatten().chain(std::iter::once(&arm.body))))
    }

    /// The direct sub-expressions, mutably, in the order of [`Expr::children`].
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            ExprKind::Int(_) | ExprKind::Real(_) | ExprKind::Const(_) | ExprKind::LoopVar(_) | ExprKind::FnArg(_) => {
                Vec::new()
            }
            ExprKind::Elem { indices: list, .. }
            | ExprKind::Call { args: list, .. }
            | ExprKind::RealOp { args: list, .. }
            | ExprKind::Builtin { args: list, .. }
            | ExprKind::FromBits { elements: list } => list.iter_mut().collect(),
            ExprKind::Unary { operand, .. } | ExprKind::ToReal(operand) => vec![&mut **operand],
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::RealCompare { lhs, rhs, .. } => vec![&mut **lhs, &mut **rhs],
            ExprKind::Round { operand, domain } => vec![&mut **operand, &mut **domain],
            ExprKind::If { branches, otherwise } => {
                branches.iter_mut().flat_map(|(c, v)| [c, v]).chain(std::iter::once(&mut **otherwise)).collect()
            }
            ExprKind::Match { scrutinee, arms } => std::iter::once(&mut **scrutinee)
                .chain(
                    arms.iter_mut()
                        .flat_map(|arm| arm.patterns.iter_mut().flatten().chain(std::iter::once(&mut arm.body))),
                )
                .collect(),
        }
    }

    /// Every expression of the tree, this one first (pre-order).
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Expr)) {
        visit(self);
        for child in self.children() {
            child.walk(visit);
        }
    }

    /// Every expression of the tree, mutably, children before their parent (post-order).
    pub fn walk_mut(&mut self, visit: &mut dyn FnMut(&mut Expr)) {
        for child in self.children_mut() {
            child.walk_mut(visit);
        }
        visit(self);
    }

    /// The first expression of the tree (pre-order) that satisfies `test`.
    pub fn find(&self, test: &dyn Fn(&Expr) -> bool) -> Option<&Expr> {
        if test(self) {
            return Some(self);
        }
        self.children().find_map(|child| child.find(test))
    }

    pub fn any(&self, test: &dyn Fn(&Expr) -> bool) -> bool {
        self.find(test).is_some()
    }

    /// True when the expression reads no array element: its value is known at compile time
    /// once the loop variables are.
    pub fn is_constant(&self) -> bool {
        self.first_runtime_read().is_none()
    }

    /// The first array element this expression reads, if any.
    pub fn first_runtime_read(&self) -> Option<&Expr> {
        self.find(&|e| matches!(e.kind, ExprKind::Elem { .. }))
    }

    /// True when the expression's value is a real number (the checker gives every expression
    /// one type: the operands of an operation on reals are reals, integers among them are
    /// wrapped in [`ExprKind::ToReal`]).
    pub fn is_real(&self, program: &Program) -> bool {
        match &self.kind {
            ExprKind::Real(_) | ExprKind::ToReal(_) | ExprKind::RealOp { .. } => true,
            ExprKind::Elem { array, .. } => program.arrays.get(*array).is_some_and(|a| a.real),
            ExprKind::If { otherwise, .. } => otherwise.is_real(program),
            ExprKind::Match { arms, .. } => arms.first().is_some_and(|arm| arm.body.is_real(program)),
            _ => false,
        }
    }

    /// True when a loop variable occurs in the expression.
    pub fn uses_loop_var(&self) -> bool {
        self.any(&|e| matches!(e.kind, ExprKind::LoopVar(_)))
    }
}

/// One arm of a `match`: `patterns` is `None` for `_`.
#[derive(Clone, Debug)]
pub struct Arm<B> {
    pub patterns: Option<Vec<Expr>>,
    pub body: B,
    pub span: Span,
}

/// Equality compares the code, not where it came from.
impl<B: PartialEq> PartialEq for Arm<B> {
    fn eq(&self, other: &Arm<B>) -> bool {
        self.patterns == other.patterns && self.body == other.body
    }
}
