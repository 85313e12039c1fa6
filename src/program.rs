//! The checked program: the AST with every name resolved, every constant declaration,
//! dimension and domain evaluated, every `fn` tabulated and every example expanded into
//! concrete data. Structure is otherwise kept (loops are not unrolled yet), so that the
//! interpreter, the lowering and the printer can all walk it.

use crate::ast::{BinOp, DeclKind, UnOp};
use crate::diagnostics::SourceId;
use crate::span::Span;

pub type ConstId = usize;
pub type FnId = usize;
pub type ArrayId = usize;

/// A `const` after evaluation (and `--set` overrides).
#[derive(Clone, Debug)]
pub struct ConstInfo {
    pub name: String,
    pub value: i64,
    pub span: Span,
    pub overridden: bool,
}

/// A `fn`, with its value for every combination of arguments.
#[derive(Clone, Debug)]
pub struct FnInfo {
    pub name: String,
    pub params: Vec<(String, u32)>,
    pub result_domain: u32,
    pub body: Expr,
    /// Results in mixed radix, first parameter most significant.
    pub table: Vec<u32>,
    pub span: Span,
    pub name_span: Span,
}

impl FnInfo {
    /// Position in `table` of a combination of arguments already known to be in range.
    pub fn table_index(&self, args: &[i64]) -> usize {
        let mut index = 0usize;
        for ((_, domain), &arg) in self.params.iter().zip(args) {
            index = index * (*domain as usize) + arg as usize;
        }
        index
    }
}

/// A declared `param`, `input`, `output` or `var`; a scalar has no dimensions.
#[derive(Clone, Debug)]
pub struct ArrayInfo {
    pub name: String,
    pub kind: DeclKind,
    pub dims: Vec<usize>,
    /// The finite domain `0..domain`; 1 (and meaningless) for a real array.
    pub domain: u32,
    /// Declared `real`: every element is a real number instead of a value of `0..domain`.
    pub real: bool,
    /// For params: the bound value of each element (`None` where unbound, e.g. `_`).
    pub binding: Option<Vec<Option<u32>>>,
    /// For real params: the bound value of each element (`None` where unbound).
    pub real_binding: Option<Vec<Option<f64>>>,
    pub span: Span,
    pub name_span: Span,
}

impl ArrayInfo {
    pub fn len(&self) -> usize {
        self.dims.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row-major flat position of an in-range multi-index.
    pub fn flat_index(&self, indices: &[i64]) -> Option<usize> {
        if indices.len() != self.dims.len() {
            return None;
        }
        let mut flat = 0usize;
        for (&index, &dim) in indices.iter().zip(&self.dims) {
            if index < 0 || index as usize >= dim {
                return None;
            }
            flat = flat * dim + index as usize;
        }
        Some(flat)
    }

    /// The multi-index of a flat position.
    pub fn unflatten(&self, mut flat: usize) -> Vec<usize> {
        let mut indices = vec![0; self.dims.len()];
        for (slot, &dim) in indices.iter_mut().zip(&self.dims).rev() {
            *slot = flat % dim;
            flat /= dim;
        }
        indices
    }

    /// `0..4`, or `real`: the values an element takes, for messages.
    pub fn domain_text(&self) -> String {
        if self.real {
            "real".to_string()
        } else {
            format!("0..{}", self.domain)
        }
    }

    /// Whether an element is bound in the declaration.
    pub fn is_bound(&self, flat: usize) -> bool {
        match (&self.binding, &self.real_binding) {
            (Some(values), _) => values.get(flat).is_some_and(Option::is_some),
            (_, Some(values)) => values.get(flat).is_some_and(Option::is_some),
            _ => false,
        }
    }

    /// `p[2][0]` for a flat position (or `p` for a scalar).
    pub fn element_name(&self, flat: usize) -> String {
        let mut name = self.name.clone();
        for index in self.unflatten(flat) {
            name.push_str(&format!("[{index}]"));
        }
        name
    }
}

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

/// Equality compares the code, not where it came from or its number.
impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        self.kind == other.kind
    }
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

/// Equality compares the code, not where it came from.
impl PartialEq for Stmt {
    fn eq(&self, other: &Stmt) -> bool {
        self.kind == other.kind
    }
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

/// A real value of an example: an input's value, or an output's observed value and how far
/// the computed value may be from it (the tolerance; 0 for inputs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RealValue {
    pub value: f64,
    pub tolerance: f64,
}

impl RealValue {
    /// Whether a computed value matches this observation: within the tolerance (a value that
    /// is not a number never does).
    pub fn matches(&self, actual: f64) -> bool {
        (actual - self.value).abs() <= self.tolerance
    }
}

/// One example: the values of the inputs and the observed values of the outputs.
#[derive(Clone, Debug)]
pub struct ExampleData {
    /// Where the example was written: an `example` block, or an entry of a data file.
    pub source: SourceId,
    pub span: Span,
    /// How to name the example in messages: `example 3` or `d.json: examples[2]`.
    pub label: String,
    /// Indexed by [`ArrayId`]: for inputs every element is `Some`; for outputs `None`
    /// marks an unobserved element; arrays the example does not mention are `None`.
    pub values: Vec<Option<Vec<Option<u32>>>>,
    /// The same for real arrays (`values` has `None` there).
    pub reals: Vec<Option<Vec<Option<RealValue>>>>,
    /// Indexed by [`ArrayId`]: the span (in `source`) of the entry that gave the array.
    pub entry_spans: Vec<Option<Span>>,
}

impl ExampleData {
    /// The value of an input element (inputs are always given in full).
    pub fn input(&self, array: ArrayId, flat: usize) -> u32 {
        self.values[array].as_ref().and_then(|values| values.get(flat).copied().flatten()).unwrap_or(0)
    }

    /// The observed value of an output element, if the example observes it.
    pub fn observed(&self, array: ArrayId, flat: usize) -> Option<u32> {
        self.values[array].as_ref().and_then(|values| values.get(flat).copied().flatten())
    }

    /// The value of a real input element.
    pub fn real_input(&self, array: ArrayId, flat: usize) -> f64 {
        self.real_observed(array, flat).map_or(0.0, |v| v.value)
    }

    /// The observed value of a real output element, if the example observes it.
    pub fn real_observed(&self, array: ArrayId, flat: usize) -> Option<RealValue> {
        self.reals.get(array)?.as_ref().and_then(|values| values.get(flat).copied().flatten())
    }
}

/// A checked program, ready to be interpreted or lowered.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub consts: Vec<ConstInfo>,
    pub fns: Vec<FnInfo>,
    pub arrays: Vec<ArrayInfo>,
    pub body: Vec<Stmt>,
    pub examples: Vec<ExampleData>,
    /// The deepest nesting of `for` loops in `body`.
    pub loop_depth: usize,
    /// The tolerance of real observations that give none (`--tolerance`), for examples read
    /// after checking (data files).
    pub tolerance: f64,
}

impl Program {
    /// Give every expression of the body a distinct [`ExprId`].
    pub fn number_exprs(&mut self) {
        let mut next = 0u32;
        for stmt in &mut self.body {
            stmt.walk_exprs_mut(&mut |expr| {
                expr.id = ExprId(next);
                next += 1;
            });
        }
    }

    /// Whether the program has an objective (a `minimize` statement anywhere).
    pub fn has_objective(&self) -> bool {
        fn any(stmts: &[Stmt]) -> bool {
            stmts.iter().any(|s| matches!(s.kind, StmtKind::Minimize(_)) || s.blocks().into_iter().any(|b| any(b)))
        }
        any(&self.body)
    }

    pub fn params(&self) -> impl Iterator<Item = (ArrayId, &ArrayInfo)> {
        self.arrays.iter().enumerate().filter(|(_, a)| a.kind == DeclKind::Param)
    }

    pub fn array_named(&self, name: &str) -> Option<ArrayId> {
        self.arrays.iter().position(|a| a.name == name)
    }

    /// Number of unknown param elements of finite domains and log2 of the size of their search
    /// space (real params are counted by [`Program::real_unknowns`]).
    pub fn search_space(&self) -> (usize, f64) {
        let mut unknowns = 0;
        let mut bits = 0.0;
        for (_, array) in self.params().filter(|(_, a)| !a.real) {
            let unbound = match &array.binding {
                None => array.len(),
                Some(values) => values.iter().filter(|v| v.is_none()).count(),
            };
            unknowns += unbound;
            bits += unbound as f64 * (array.domain as f64).log2();
        }
        (unknowns, bits)
    }
}

impl Program {
    /// Number of unknown real param elements.
    pub fn real_unknowns(&self) -> usize {
        self.params()
            .filter(|(_, a)| a.real)
            .map(|(_, a)| match &a.real_binding {
                None => a.len(),
                Some(values) => values.iter().filter(|v| v.is_none()).count(),
            })
            .sum()
    }
}

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
            for index in indices {
                out.push('[');
                write_expr(program, index, loop_var, 0, out);
                out.push(']');
            }
        }
        ExprKind::Call { func, args } => {
            out.push_str(&program.fns[*func].name);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(program, arg, loop_var, 0, out);
            }
            out.push(')');
        }
        ExprKind::Unary { op, operand } => {
            out.push_str(op.symbol());
            write_expr(program, operand, loop_var, UnOp::PRECEDENCE, out);
        }
        ExprKind::Binary { op, lhs, rhs } => write_binary(program, *op, lhs, rhs, loop_var, outer, out),
        ExprKind::FromBits { elements } => {
            out.push_str("from_bits(");
            if let Some(ExprKind::Elem { array, indices }) = elements.first().map(|e| &e.kind) {
                out.push_str(&program.arrays[*array].name);
                for index in indices.iter().take(indices.len().saturating_sub(1)) {
                    out.push('[');
                    write_expr(program, index, loop_var, 0, out);
                    out.push(']');
                }
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
