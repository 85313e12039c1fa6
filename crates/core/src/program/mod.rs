//! The checker's output -> the checked program: the AST with every name resolved, every
//! constant declaration, dimension and domain evaluated, every `fn` tabulated and every
//! example expanded into concrete data. Structure is otherwise kept (loops are not unrolled
//! yet), so that the interpreter, the lowering and the printer can all walk it.

mod examples;
mod expr;
mod stmt;
mod text;

pub use examples::{ExampleData, RealValue};
pub use expr::{round_into, Arm, Builtin, Expr, ExprId, ExprKind, RealOp};
pub use stmt::{ItemId, Origin, Stmt, StmtKind};
pub use text::{expr_text, expr_text_named};
// The operators and kinds of declaration are the language's own vocabulary, the same in the
// source and in the checked program; the stages after the checker name them from here.
pub use tpt_syntax::ast::{BinOp, DeclKind, UnOp};

/// Equality of expressions and statements compares the code (`kind`), not where it came
/// from (span, origin item) or its number.
macro_rules! eq_by_kind {
    ($($node:ty),*) => {
        $(impl PartialEq for $node {
            fn eq(&self, other: &$node) -> bool {
                self.kind == other.kind
            }
        })*
    };
}

eq_by_kind!(Expr, Stmt);

use tpt_source::span::Span;

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
