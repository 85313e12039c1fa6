//! Random well-formed trees -> `format_file` -> parse: the text reads back as the same tree
//! and formats to itself. Then the same text with its tokens respaced at random and comments
//! inserted between them goes through all the checks of `check`.

use proptest::collection::vec;
use proptest::prelude::*;

use tpt::ast::*;
use tpt::format::{format_file, format_source};
use tpt::lexer::lex;
use tpt::parse::parse;
use tpt::span::Span;

const NAMES: [&str; 8] = ["a", "b", "x", "y", "K", "gate", "w_1", "p2"];

fn ident() -> impl Strategy<Value = Ident> {
    prop::sample::select(NAMES.to_vec()).prop_map(|name| Ident { name: name.to_string(), span: Span::default() })
}

fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::default())
}

fn paren(inner: Expr) -> Expr {
    e(ExprKind::Paren(Box::new(inner)))
}

/// Wrap an operand in a `Paren` node where the parser would need one, so that the generated
/// tree is one the parser can produce.
fn operand(op: BinOp, x: Expr, is_rhs: bool) -> Expr {
    let ExprKind::Binary { op: inner, .. } = x.kind else {
        return x;
    };
    let needed = inner.precedence() < op.precedence()
        || (inner.precedence() == op.precedence() && (is_rhs || op.is_comparison()));
    if needed {
        paren(x)
    } else {
        x
    }
}

fn binop() -> impl Strategy<Value = BinOp> {
    use BinOp::*;
    prop::sample::select(vec![
        Mul, Div, Rem, Add, Sub, Lt, Le, Gt, Ge, Eq, Ne, And, Or, BitAnd, BitOr, BitXor, Shl, Shr,
    ])
}

fn pattern(expr: BoxedStrategy<Expr>) -> impl Strategy<Value = Pattern> {
    // `|` separates a pattern's values: a value whose operator binds looser than `^` is
    // parenthesized, as the parser requires.
    let value = expr.prop_map(|x| match x.kind {
        ExprKind::Binary { op, .. } if op.precedence() < BinOp::BitXor.precedence() => paren(x),
        _ => x,
    });
    prop_oneof![
        1 => Just(Pattern::Wildcard(Span::default())),
        3 => vec(value, 1..3).prop_map(Pattern::Values),
    ]
}

fn arm<B>((pattern, body): (Pattern, B)) -> MatchArm<B> {
    MatchArm { pattern, body, span: Span::default() }
}

fn expr() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![(0i64..300).prop_map(|v| e(ExprKind::Int(v))), ident().prop_map(|n| e(ExprKind::Name(n))),];
    leaf.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            4 => (binop(), inner.clone(), inner.clone()).prop_map(|(op, l, r)| e(ExprKind::Binary {
                op,
                lhs: Box::new(operand(op, l, false)),
                rhs: Box::new(operand(op, r, true)),
            })),
            1 => (prop::sample::select(vec![UnOp::Neg, UnOp::Not, UnOp::BitNot]), inner.clone()).prop_map(|(op, x)| {
                let x = if matches!(x.kind, ExprKind::Binary { .. }) { paren(x) } else { x };
                e(ExprKind::Unary { op, operand: Box::new(x) })
            }),
            1 => inner.clone().prop_map(paren),
            1 => (ident(), vec(inner.clone(), 1..3))
                .prop_map(|(base, indices)| e(ExprKind::Index { base, indices })),
            1 => (ident(), vec(inner.clone(), 0..3)).prop_map(|(func, args)| e(ExprKind::Call { func, args })),
            1 => (vec((inner.clone(), inner.clone()), 1..3), inner.clone()).prop_map(|(branches, o)| {
                e(ExprKind::If { branches, otherwise: Box::new(o) })
            }),
            1 => (inner.clone(), vec((pattern(inner.clone()), inner.clone()), 0..4)).prop_map(|(s, arms)| {
                let arms = arms.into_iter().map(arm).collect();
                e(ExprKind::Match { scrutinee: Box::new(s), arms })
            }),
        ]
    })
    .boxed()
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        4 => expr().prop_map(ValueKind::Expr),
        1 => Just(ValueKind::Hole),
    ];
    let value = |kind| Value { kind, span: Span::default() };
    leaf.prop_map(value).prop_recursive(3, 60, 30, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..30).prop_map(move |items| value(ValueKind::List(items))),
            (inner, expr()).prop_map(move |(v, n)| value(ValueKind::Repeat(Box::new(v), n))),
        ]
    })
}

fn place() -> impl Strategy<Value = Place> {
    (ident(), vec(expr(), 0..3)).prop_map(|(name, indices)| Place { name, indices, span: Span::default() })
}

fn stmt_of(kind: StmtKind) -> Stmt {
    Stmt { kind, span: Span::default() }
}

fn block(stmts: Vec<Stmt>) -> Block {
    Block { stmts, span: Span::default() }
}

fn example_item() -> impl Strategy<Value = ExampleItem> {
    let entry = (place(), value()).prop_map(|(target, value)| ExampleEntry {
        target,
        value,
        approximate: false,
        tolerance: None,
        span: Span::default(),
    });
    let leaf = vec(entry, 0..4)
        .prop_map(|entries| ExampleItemKind::Example(Example { entries, span: Span::default() }))
        .prop_map(|kind| ExampleItem { kind, span: Span::default() });
    leaf.prop_recursive(2, 12, 3, |inner| {
        // Blocks of example items are never empty: an empty block is a program loop.
        let body = vec(inner, 1..3).prop_map(|stmts| Block { stmts, span: Span::default() }).boxed();
        prop_oneof![
            (ident(), expr(), expr(), body.clone()).prop_map(|(var, start, end, body)| ExampleItemKind::For {
                var,
                start,
                end,
                body
            }),
            (vec((expr(), body.clone()), 1..3), prop::option::of(body))
                .prop_map(|(branches, otherwise)| ExampleItemKind::If { branches, otherwise }),
        ]
        .prop_map(|kind| ExampleItem { kind, span: Span::default() })
    })
}

fn stmt() -> impl Strategy<Value = Stmt> {
    let leaf = prop_oneof![
        3 => (place(), expr()).prop_map(|(target, value)| StmtKind::Assign { target, value }),
        1 => expr().prop_map(StmtKind::Observe),
    ];
    leaf.prop_map(stmt_of).prop_recursive(3, 24, 4, |inner| {
        let body = vec(inner, 0..3).prop_map(block).boxed();
        prop_oneof![
            (ident(), expr(), expr(), body.clone())
                .prop_map(|(var, start, end, body)| { StmtKind::For { var, start, end, body } }),
            (vec((expr(), body.clone()), 1..3), prop::option::of(body.clone()))
                .prop_map(|(branches, otherwise)| StmtKind::If { branches, otherwise }),
            (expr(), vec((pattern(expr()), body), 0..3)).prop_map(|(scrutinee, arms)| {
                StmtKind::Match { scrutinee, arms: arms.into_iter().map(arm).collect() }
            }),
        ]
        .prop_map(stmt_of)
    })
}

fn domain() -> impl Strategy<Value = Domain> {
    prop_oneof![
        1 => Just(Domain::Bool(Span::default())),
        3 => expr().prop_map(Domain::Size),
    ]
}

fn item() -> impl Strategy<Value = Item> {
    let param = (ident(), domain()).prop_map(|(name, domain)| FnParam { name, domain, span: Span::default() });
    let kind = prop::sample::select(vec![DeclKind::Param, DeclKind::Input, DeclKind::Output, DeclKind::Var]);
    prop_oneof![
        1 => (ident(), expr()).prop_map(|(name, value)| Item::Const(ConstDecl {
            name,
            value,
            span: Span::default(),
        })),
        1 => (ident(), vec(param, 0..3), domain(), expr()).prop_map(|(name, params, result, body)| {
            Item::Fn(FnDecl {
                name,
                params,
                result,
                body,
                span: Span::default(),
            })
        }),
        2 => (kind, ident(), vec(expr(), 0..3), domain(), prop::option::of(value())).prop_map(
            |(kind, name, dims, domain, init)| Item::Decl(Decl {
                kind,
                kind_span: Span::default(),
                name,
                dims,
                domain,
                init,
                span: Span::default(),
            })
        ),
        3 => stmt().prop_map(Item::Stmt),
        1 => example_item().prop_map(Item::Examples),
    ]
}

fn file() -> impl Strategy<Value = File> {
    vec(item(), 0..8).prop_map(|items| File { items, span: Span::default(), broken: Vec::new() })
}

/// What goes between two tokens of the respaced text; `n` numbers the comments.
fn separator(choice: u8, n: usize) -> String {
    match choice {
        0 => String::new(),
        1 => "\n".to_string(),
        2 => "\n\n".to_string(),
        3 => "\n  \t\n   ".to_string(),
        4 => format!(" /* c{n} */ "),
        5 => format!(" // c{n}\n"),
        6 => format!("\n// c{n}\n"),
        7 => format!(" /*c{n}\n   multi-line */"),
        _ => " ".to_string(),
    }
}

fn is_word(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `text` with the gaps between its tokens replaced by the chosen separators.
fn respace(text: &str, choices: &[u8]) -> String {
    let tokens = lex(text).tokens;
    let mut out = String::new();
    let mut prev = "";
    for (i, (start, _, end)) in tokens.iter().enumerate() {
        let token = &text[*start..*end];
        let choice = choices.get(i).copied().unwrap_or(8);
        // Two words side by side would lex as one.
        let choice = if choice == 0 && is_word(prev) && is_word(token) { 8 } else { choice };
        out.push_str(&separator(choice, i));
        out.push_str(token);
        prev = token;
    }
    out.push_str(&separator(choices.last().copied().unwrap_or(8), tokens.len()));
    out
}

fn strip(file: &File) -> String {
    super::strip_spans(&format!("{file:#?}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn format_file_round_trips(file in file()) {
        let text = format_file(&file);
        let parsed = parse(&text, 256).map_err(|e| TestCaseError::fail(format!("{}\n{text}", e[0].message)))?;
        prop_assert_eq!(strip(&parsed.file), strip(&file), "{}", text);
        prop_assert_eq!(format_file(&parsed.file), text.clone());
        // With no comments and the blank lines `format_file` chose, the source formatter agrees.
        prop_assert_eq!(format_source(&text, &parsed), text);
    }

    #[test]
    fn respaced_and_commented_text_formats_canonically(
        (text, choices) in file().prop_flat_map(|f| {
            let text = format_file(&f);
            let n = lex(&text).tokens.len() + 1;
            (Just(text), vec(0u8..16, n))
        })
    ) {
        let source = respace(&text, &choices);
        if let Err(e) = parse(&source, 256) {
            return Err(TestCaseError::fail(format!("respacing broke the text: {}\n{source}", e[0].message)));
        }
        super::check("respaced", &source).map_err(|e| TestCaseError::fail(format!("{e}\n--- source\n{source}")))?;
    }
}
