//! The abstract syntax tree: what the parser builds from tokens. Every node carries the byte
//! span of the text it came from; nothing here is resolved or checked yet.

use tpt_source::span::Span;

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole `.tpt` file: a sequence of top-level items.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    pub span: Span,
    /// What the parser skipped after syntax errors, from which it recovered
    /// (`parse::parse_recovering`); empty in a file without syntax errors.
    pub broken: Vec<Broken>,
}

/// Text the parser skipped over after a syntax error: a bad item or statement, left out of
/// the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Broken {
    pub span: Span,
    /// The name the skipped text declares, when it begins as a declaration does
    /// (`param p[..`): the checker takes it as declared with an error, so that its uses are
    /// not reported again.
    pub declares: Option<Ident>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Const(ConstDecl),
    Fn(FnDecl),
    Decl(Decl),
    /// A statement of the program, run once per example.
    Stmt(Stmt),
    /// Examples: one `example` block, or a constant loop or `if` around examples only.
    Examples(ExampleItem),
}

impl Item {
    /// Every expression in the item, each sub-expression included (pre-order): in
    /// declarations, bindings, bodies, statements and example values.
    pub fn walk_exprs(&self, visit: &mut dyn FnMut(&Expr)) {
        fn domain(d: &Domain, visit: &mut dyn FnMut(&Expr)) {
            if let Domain::Size(e) = d {
                e.walk(visit);
            }
        }
        match self {
            Item::Const(c) => c.value.walk(visit),
            Item::Fn(f) => {
                f.params.iter().for_each(|p| domain(&p.domain, visit));
                domain(&f.result, visit);
                f.body.walk(visit);
            }
            Item::Decl(d) => {
                d.dims.iter().for_each(|e| e.walk(visit));
                domain(&d.domain, visit);
                if let Some(init) = &d.init {
                    init.walk_exprs(visit);
                }
            }
            Item::Stmt(s) => s.walk_exprs(visit),
            Item::Examples(e) => e.walk_exprs(visit),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Item::Const(c) => c.span,
            Item::Fn(f) => f.span,
            Item::Decl(d) => d.span,
            Item::Stmt(s) => s.span,
            Item::Examples(e) => e.span,
        }
    }
}

/// `const N = e;`
#[derive(Clone, Debug, PartialEq)]
pub struct ConstDecl {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// A domain as written in a declaration: `D` (a constant expression), `bool` (= 2) or
/// `real` (a real number rather than a finite domain).
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    Size(Expr),
    Bool(Span),
    Real(Span),
}

impl Domain {
    pub fn span(&self) -> Span {
        match self {
            Domain::Size(e) => e.span,
            Domain::Bool(span) | Domain::Real(span) => *span,
        }
    }
}

/// A real literal: its value, and its text as written (the formatter keeps the spelling).
#[derive(Clone, Debug, PartialEq)]
pub struct RealLit {
    pub value: f64,
    pub text: String,
}

impl RealLit {
    /// The literal of a value, written as the shortest decimal that reads back as the same
    /// number, with a point or an exponent so that it reads as a real (`1.0`, `0.25`, `1e-7`).
    /// The value must be finite and not negative (a negative number is a negated literal).
    pub fn of(value: f64) -> RealLit {
        RealLit { value, text: format!("{value:?}") }
    }
}

/// `fn f(a: D1, b: D2) -> D { e }`
#[derive(Clone, Debug, PartialEq)]
pub struct FnDecl {
    pub name: Ident,
    pub params: Vec<FnParam>,
    pub result: Domain,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnParam {
    pub name: Ident,
    pub domain: Domain,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeclKind {
    Param,
    Input,
    Output,
    Var,
}

impl DeclKind {
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Param => "param",
            DeclKind::Input => "input",
            DeclKind::Output => "output",
            DeclKind::Var => "var",
        }
    }
}

/// `param p[d1][d2]: D = value;` (and likewise `input`, `output`, `var`).
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub kind: DeclKind,
    pub kind_span: Span,
    pub name: Ident,
    pub dims: Vec<Expr>,
    pub domain: Domain,
    /// The binding after `=`; only a `param` may have one (the checker enforces it).
    pub init: Option<Value>,
    pub span: Span,
}

/// A constant value as written in an example, a `param` binding or a data file:
/// an expression, a list `[v, ..]`, a repeat `[v; n]` or a hole `_` (unobserved).
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Expr(Expr),
    List(Vec<Value>),
    Repeat(Box<Value>, Expr),
    Hole,
}

impl Value {
    /// Every expression in the value (repeat counts included), each sub-expression included.
    pub fn walk_exprs(&self, visit: &mut dyn FnMut(&Expr)) {
        match &self.kind {
            ValueKind::Expr(e) => e.walk(visit),
            ValueKind::List(items) => items.iter().for_each(|v| v.walk_exprs(visit)),
            ValueKind::Repeat(item, count) => {
                item.walk_exprs(visit);
                count.walk(visit);
            }
            ValueKind::Hole => {}
        }
    }
}

/// A braced sequence: of statements in program code, of example items around examples.
#[derive(Clone, Debug, PartialEq)]
pub struct Block<S = Stmt> {
    pub stmts: Vec<S>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

/// The target of an assignment or an example entry: `name` or `name[i][j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub name: Ident,
    pub indices: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `place = value;`
    Assign { target: Place, value: Expr },
    /// `for var in start..end { body }`
    For { var: Ident, start: Expr, end: Expr, body: Block },
    /// `if c { .. } else if c2 { .. } else { .. }`
    If { branches: Vec<(Expr, Block)>, otherwise: Option<Block> },
    /// `match e { 0 => { .. } 1 | 2 => { .. } _ => { .. } }`
    Match { scrutinee: Expr, arms: Vec<MatchArm<Block>> },
    /// `observe e;`
    Observe(Expr),
    /// `minimize e;`: a term of the objective (lower is better).
    Minimize(Expr),
}

impl Stmt {
    /// Every expression in the statement and the statements nested in it (pre-order).
    pub fn walk_exprs(&self, visit: &mut dyn FnMut(&Expr)) {
        match &self.kind {
            StmtKind::Assign { target, value } => {
                target.indices.iter().for_each(|e| e.walk(visit));
                value.walk(visit);
            }
            StmtKind::For { start, end, body, .. } => {
                start.walk(visit);
                end.walk(visit);
                body.stmts.iter().for_each(|s| s.walk_exprs(visit));
            }
            StmtKind::If { branches, otherwise } => {
                for (condition, block) in branches {
                    condition.walk(visit);
                    block.stmts.iter().for_each(|s| s.walk_exprs(visit));
                }
                otherwise.iter().flat_map(|b| &b.stmts).for_each(|s| s.walk_exprs(visit));
            }
            StmtKind::Match { scrutinee, arms } => {
                scrutinee.walk(visit);
                for arm in arms {
                    arm.pattern.walk_exprs(visit);
                    arm.body.stmts.iter().for_each(|s| s.walk_exprs(visit));
                }
            }
            StmtKind::Observe(e) | StmtKind::Minimize(e) => e.walk(visit),
        }
    }
}

impl ExampleItem {
    /// Every expression in the item: bounds, conditions, entry indices and values.
    pub fn walk_exprs(&self, visit: &mut dyn FnMut(&Expr)) {
        match &self.kind {
            ExampleItemKind::Example(example) => {
                for entry in &example.entries {
                    entry.target.indices.iter().for_each(|e| e.walk(visit));
                    entry.value.walk_exprs(visit);
                    entry.tolerance.iter().for_each(|e| e.walk(visit));
                }
            }
            ExampleItemKind::For { start, end, body, .. } => {
                start.walk(visit);
                end.walk(visit);
                body.stmts.iter().for_each(|i| i.walk_exprs(visit));
            }
            ExampleItemKind::If { branches, otherwise } => {
                for (condition, block) in branches {
                    condition.walk(visit);
                    block.stmts.iter().for_each(|i| i.walk_exprs(visit));
                }
                otherwise.iter().flat_map(|b| &b.stmts).for_each(|i| i.walk_exprs(visit));
            }
        }
    }
}

/// An item that gives examples: examples stand at the top level, alone or inside constant
/// loops and `if`s that hold nothing else (a truth table written as loops).
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleItem {
    pub kind: ExampleItemKind,
    pub span: Span,
}

// A file has few example items, so the size of the loop variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum ExampleItemKind {
    /// `example { name = v; .. }`
    Example(Example),
    /// `for var in start..end { examples }`
    For { var: Ident, start: Expr, end: Expr, body: Block<ExampleItem> },
    /// `if c { examples } else { examples }`
    If { branches: Vec<(Expr, Block<ExampleItem>)>, otherwise: Option<Block<ExampleItem>> },
}

/// One arm of a `match`; `B` is a block for the statement form and an expression for the
/// expression form.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchArm<B> {
    pub pattern: Pattern,
    pub body: B,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// One or more constant values, `0 | 1`.
    Values(Vec<Expr>),
    /// `_`
    Wildcard(Span),
}

impl Pattern {
    pub fn walk_exprs(&self, visit: &mut dyn FnMut(&Expr)) {
        if let Pattern::Values(values) = self {
            values.iter().for_each(|v| v.walk(visit));
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Pattern::Values(values) => values.iter().map(|v| v.span).reduce(Span::to).unwrap_or_default(),
            Pattern::Wildcard(span) => *span,
        }
    }
}

/// `example { x = 0; y = [0; K]; y[3] = 1; }`
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub entries: Vec<ExampleEntry>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExampleEntry {
    pub target: Place,
    pub value: Value,
    /// Written with `~=`: a real output observed within a tolerance.
    pub approximate: bool,
    /// The tolerance after `+-` (only with `~=`); without it the default tolerance applies.
    pub tolerance: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Nesting depth of this expression tree (1 for a leaf); the parser uses it to reject
    /// trees deep enough to overflow the stack of later recursive passes.
    pub depth: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    Not,
    /// `~`: bitwise complement (of the 64-bit two's-complement representation).
    BitNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    /// `&`, `|`, `^`: bitwise, on the 64-bit two's-complement representation.
    BitAnd,
    BitOr,
    BitXor,
    /// `<<`, `>>`: multiplication and floor division by a power of two.
    Shl,
    Shr,
}

impl UnOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Not => "!",
            UnOp::BitNot => "~",
        }
    }

    /// Binding strength of every unary operator: tighter than any binary one.
    pub const PRECEDENCE: u8 = 10;
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "&&",
            BinOp::Or => "||",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
        }
    }

    /// Binding strength: higher binds tighter. The order is Rust's: bitwise operators bind
    /// tighter than comparisons, so `x & 1 == 0` is `(x & 1) == 0`.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => 3,
            BinOp::BitOr => 4,
            BinOp::BitXor => 5,
            BinOp::BitAnd => 6,
            BinOp::Shl | BinOp::Shr => 7,
            BinOp::Add | BinOp::Sub => 8,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 9,
        }
    }

    /// True for the comparisons, which do not chain.
    pub fn is_comparison(self) -> bool {
        self.precedence() == BinOp::Lt.precedence()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Int(i64),
    /// A real literal (`0.5`, `2e-3`).
    Real(RealLit),
    Name(Ident),
    /// `a[i][j]`: the base is always a declared array name.
    Index {
        base: Ident,
        indices: Vec<Expr>,
    },
    Call {
        func: Ident,
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
    /// Parentheses are kept so that the formatter reproduces them.
    Paren(Box<Expr>),
    /// `if c { e } else if c2 { e2 } else { e3 }`
    If {
        branches: Vec<(Expr, Expr)>,
        otherwise: Box<Expr>,
    },
    /// `match e { 0 => a, 1 | 2 => b, _ => c }`
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<MatchArm<Expr>>,
    },
}

impl Expr {
    /// This expression and every sub-expression (pre-order).
    pub fn walk(&self, visit: &mut dyn FnMut(&Expr)) {
        visit(self);
        for child in self.kind.children() {
            child.walk(visit);
        }
    }

    /// Build a node, computing its depth from its children.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let child_depth = kind.children().map(|c| c.depth).max().unwrap_or(0);
        Expr { kind, span, depth: child_depth + 1 }
    }
}

impl ExprKind {
    /// The direct sub-expressions, in source order.
    pub fn children(&self) -> Box<dyn Iterator<Item = &Expr> + '_> {
        match self {
            ExprKind::Int(_) | ExprKind::Real(_) | ExprKind::Name(_) => Box::new(std::iter::empty()),
            ExprKind::Index { indices, .. } => Box::new(indices.iter()),
            ExprKind::Call { args, .. } => Box::new(args.iter()),
            ExprKind::Unary { operand, .. } => Box::new(std::iter::once(&**operand)),
            ExprKind::Binary { lhs, rhs, .. } => Box::new([&**lhs, &**rhs].into_iter()),
            ExprKind::Paren(inner) => Box::new(std::iter::once(&**inner)),
            ExprKind::If { branches, otherwise } => {
                Box::new(branches.iter().flat_map(|(c, v)| [c, v]).chain(std::iter::once(&**otherwise)))
            }
            ExprKind::Match { scrutinee, arms } => {
                Box::new(std::iter::once(&**scrutinee).chain(arms.iter().flat_map(|arm| {
                    let pattern: Box<dyn Iterator<Item = &Expr>> = match &arm.pattern {
                        Pattern::Values(values) => Box::new(values.iter()),
                        Pattern::Wildcard(_) => Box::new(std::iter::empty()),
                    };
                    pattern.chain(std::iter::once(&arm.body))
                })))
            }
        }
    }
}
