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
    pub domain: u32,
    /// For params: the bound value of each element (`None` where unbound, e.g. `_`).
    pub binding: Option<Vec<Option<u32>>>,
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

    /// `p[2][0]` for a flat position (or `p` for a scalar).
    pub fn element_name(&self, flat: usize) -> String {
        let mut name = self.name.clone();
        for index in self.unflatten(flat) {
            name.push_str(&format!("[{index}]"));
        }
        name
    }
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i64),
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
}

impl Expr {
    /// The direct sub-expressions evaluated at run time: indices, arguments, operands,
    /// conditions, scrutinees and arm bodies (not `match` patterns, which are constants).
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Int(_) | ExprKind::Const(_) | ExprKind::LoopVar(_) | ExprKind::FnArg(_) => Vec::new(),
            ExprKind::Elem { indices, .. } => indices.iter().collect(),
            ExprKind::Call { args, .. } => args.iter().collect(),
            ExprKind::Unary { operand, .. } => vec![operand],
            ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            ExprKind::If { branches, otherwise } => {
                branches.iter().flat_map(|(c, v)| [c, v]).chain([&**otherwise]).collect()
            }
            ExprKind::Match { scrutinee, arms } => {
                std::iter::once(&**scrutinee).chain(arms.iter().map(|a| &a.body)).collect()
            }
        }
    }

    /// True when the expression reads no array element: its value is known at compile time
    /// once the loop variables are.
    pub fn is_constant(&self) -> bool {
        match &self.kind {
            ExprKind::Int(_) | ExprKind::Const(_) | ExprKind::LoopVar(_) | ExprKind::FnArg(_) => true,
            ExprKind::Elem { .. } => false,
            ExprKind::Call { args, .. } => args.iter().all(Expr::is_constant),
            ExprKind::Unary { operand, .. } => operand.is_constant(),
            ExprKind::Binary { lhs, rhs, .. } => lhs.is_constant() && rhs.is_constant(),
            ExprKind::If { branches, otherwise } => {
                branches.iter().all(|(c, v)| c.is_constant() && v.is_constant()) && otherwise.is_constant()
            }
            ExprKind::Match { scrutinee, arms } => {
                scrutinee.is_constant() && arms.iter().all(|arm| arm.body.is_constant())
            }
        }
    }

    /// The first array element this expression reads, if any.
    pub fn first_runtime_read(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Elem { .. } => Some(self),
            ExprKind::Int(_) | ExprKind::Const(_) | ExprKind::LoopVar(_) | ExprKind::FnArg(_) => None,
            ExprKind::Call { args, .. } => args.iter().find_map(Expr::first_runtime_read),
            ExprKind::Unary { operand, .. } => operand.first_runtime_read(),
            ExprKind::Binary { lhs, rhs, .. } => lhs.first_runtime_read().or_else(|| rhs.first_runtime_read()),
            ExprKind::If { branches, otherwise } => branches
                .iter()
                .find_map(|(c, v)| c.first_runtime_read().or_else(|| v.first_runtime_read()))
                .or_else(|| otherwise.first_runtime_read()),
            ExprKind::Match { scrutinee, arms } => {
                scrutinee.first_runtime_read().or_else(|| arms.iter().find_map(|arm| arm.body.first_runtime_read()))
            }
        }
    }
}

/// One arm of a `match`: `patterns` is `None` for `_`.
#[derive(Clone, Debug)]
pub struct Arm<B> {
    pub patterns: Option<Vec<Expr>>,
    pub body: B,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Assign { array: ArrayId, indices: Vec<Expr>, value: Expr, target_span: Span },
    For { slot: usize, var_name: String, var_span: Span, start: Expr, end: Expr, body: Vec<Stmt> },
    If { branches: Vec<(Expr, Vec<Stmt>)>, otherwise: Option<Vec<Stmt>> },
    Match { scrutinee: Expr, arms: Vec<Arm<Vec<Stmt>>> },
    Observe(Expr),
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
}

impl Program {
    pub fn params(&self) -> impl Iterator<Item = (ArrayId, &ArrayInfo)> {
        self.arrays.iter().enumerate().filter(|(_, a)| a.kind == DeclKind::Param)
    }

    pub fn array_named(&self, name: &str) -> Option<ArrayId> {
        self.arrays.iter().position(|a| a.name == name)
    }

    /// Number of unknown param elements and log2 of the size of their search space.
    pub fn search_space(&self) -> (usize, f64) {
        let mut unknowns = 0;
        let mut bits = 0.0;
        for (_, array) in self.params() {
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

/// Source-like text of a checked expression, with loop variables replaced by their values
/// (used to name operands in messages: `wires[in1[2]]`).
pub fn expr_text(program: &Program, expr: &Expr, loop_values: &[i64]) -> String {
    let mut out = String::new();
    write_expr(program, expr, loop_values, 0, &mut out);
    out
}

fn write_expr(program: &Program, expr: &Expr, loop_values: &[i64], outer: u8, out: &mut String) {
    match &expr.kind {
        ExprKind::Int(v) => out.push_str(&v.to_string()),
        ExprKind::Const(id) => out.push_str(&program.consts[*id].name),
        ExprKind::LoopVar(slot) => out.push_str(&loop_values.get(*slot).copied().unwrap_or(0).to_string()),
        ExprKind::FnArg(i) => out.push_str(&format!("arg{i}")),
        ExprKind::Elem { array, indices } => {
            out.push_str(&program.arrays[*array].name);
            for index in indices {
                out.push('[');
                write_expr(program, index, loop_values, 0, out);
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
                write_expr(program, arg, loop_values, 0, out);
            }
            out.push(')');
        }
        ExprKind::Unary { op, operand } => {
            out.push_str(op.symbol());
            write_expr(program, operand, loop_values, 6, out);
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let precedence = op.precedence();
            if precedence < outer {
                out.push('(');
            }
            write_expr(program, lhs, loop_values, precedence, out);
            out.push_str(&format!(" {} ", op.symbol()));
            write_expr(program, rhs, loop_values, precedence + 1, out);
            if precedence < outer {
                out.push(')');
            }
        }
        ExprKind::If { .. } | ExprKind::Match { .. } => {
            out.push_str(if matches!(expr.kind, ExprKind::If { .. }) { "if .." } else { "match .." })
        }
    }
}
