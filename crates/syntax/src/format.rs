//! Parsed source (AST and comments) or a bare AST -> canonical source text: `tpt fmt`.
//!
//! The layout is rustfmt-like: 4-space indentation, one item or statement per line, spaces
//! around binary operators, and constructs that fit in [`WIDTH`] columns on one line. Each
//! construct is described as a layout document (module `doc`); comments are placed by the
//! rules of module `comments`. Formatting changes no token except optional commas (a trailing
//! comma in a broken list or expression `match`, none after a statement `match` arm), so the
//! text parses back to the same tree.

mod comments;
mod doc;
mod expr;

use crate::ast::{
    Block, ConstDecl, Decl, Domain, Example, ExampleEntry, ExampleItem, ExampleItemKind, Expr, File, FnDecl, Item,
    MatchArm, Place, Stmt, StmtKind, Value,
};
use crate::lexer::Comment;
use crate::parse::Parsed;
use tpt_source::span::Span;

use comments::{Region, Seq, Trivia};
use doc::{cat, group, indent, render, text, Doc};
use expr::{expr_doc, indexed, pattern_doc, value_doc};

/// Page width of the canonical layout.
pub const WIDTH: usize = 100;

/// Canonical text of a parsed file, keeping every comment. `source` is the text `parsed`
/// came from; its spans locate the comments and the blank lines worth keeping.
pub fn format_source(source: &str, parsed: &Parsed) -> String {
    let mut builder = Builder { trivia: Some(Trivia::new(source, &parsed.comments)) };
    let doc = builder.file(&parsed.file);
    finish(render(&doc, WIDTH))
}

/// One top-level entry of a printed program (a synthesized program built from its sketch).
#[derive(Clone, Debug)]
pub enum Printed {
    /// An item of the source, possibly changed but keeping its span: the comments around it
    /// print with it, and `note` (a comment of the printer's) on the line above it.
    Source { item: Item, note: Option<String> },
    /// A generated item, printed without comments after an empty line when `blank_before`.
    Generated { item: Item, blank_before: bool },
    /// Source text that is not printed (`span`): its comments are dropped, and an empty line
    /// before it (`blank_before`) goes before the next line printed instead.
    Skipped { span: Span, blank_before: bool },
    /// An empty line before the next line printed.
    Blank,
    /// Source text (`span`, an item) printed as comments, line by line, under `note` (a
    /// comment of the printer's); comments on the lines above it print as usual.
    CommentedOut { span: Span, note: String },
}

/// Canonical text of a printed program: `entries` in order, with the comments of the source
/// that come before, between and after them. One pass of the formatter; nothing is parsed.
pub fn format_printed(source: &str, comments: &[Comment], entries: &[Printed]) -> String {
    let mut builder = Builder { trivia: Some(Trivia::new(source, comments)) };
    let doc = builder.printed(entries);
    finish(render(&doc, WIDTH))
}

/// Canonical text of a file built without source (a synthesized program, say). Spans are
/// ignored; blank lines separate groups of items of different kinds.
pub fn format_file(file: &File) -> String {
    let doc = Builder { trivia: None }.file(file);
    finish(render(&doc, WIDTH))
}

/// An expression as it would print at the start of a line.
pub fn format_expr(expr: &Expr) -> String {
    render(&expr_doc(expr), WIDTH)
}

/// A value (example entry or parameter binding) as it would print at the start of a line.
pub fn format_value(value: &Value) -> String {
    render(&value_doc(value), WIDTH)
}

/// Source text as line comments, `// ` before each line (trailing spaces dropped).
fn commented_out(source: &str) -> Doc {
    let mut parts = Vec::new();
    for (i, line) in source.lines().enumerate() {
        if i > 0 {
            parts.push(Doc::Hard);
        }
        parts.push(text(format!("// {line}").trim_end().to_string()));
    }
    cat(parts)
}

/// Exactly one final newline; an empty file stays empty.
fn finish(mut out: String) -> String {
    let trimmed = out.trim_end_matches('\n').len();
    out.truncate(trimmed);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// A braced body in both layouts: `{ a = 1; }` if it may sit on one line, and broken.
struct Braced {
    flat: Option<String>,
    broken: Doc,
}

/// Builds the layout document of a file; with `trivia`, it places the source's comments.
struct Builder<'a> {
    trivia: Option<Trivia<'a>>,
}

impl Builder<'_> {
    fn file(&mut self, file: &File) -> Doc {
        let hi = self.trivia.as_ref().map_or(0, Trivia::source_len);
        let region = Region { lo: 0, brace: None, hi };
        let mut seq = self.sequence(&file.items, region, |_, i| item_span(i), Self::item, blank_between_kinds);
        // Every comment starts inside the file, so none is left; should a malformed `Parsed`
        // have one anyway, it goes at the end rather than being lost.
        if let Some(trivia) = self.trivia.as_mut() {
            for comment in trivia.take(0, usize::MAX) {
                seq.plain_element(false, text(comment.text.clone()));
            }
        }
        body_lines(seq)
    }

    fn printed(&mut self, entries: &[Printed]) -> Doc {
        let Some(trivia) = self.trivia.as_mut() else {
            return Doc::default();
        };
        let hi = trivia.source_len();
        let mut seq = Seq::start(trivia, Region { lo: 0, brace: None, hi });
        for entry in entries {
            match entry {
                Printed::Source { item, note } => {
                    let span = item_span(item);
                    if let Some(trivia) = self.trivia.as_mut() {
                        seq.gap(trivia, span.start);
                        if let Some(note) = note {
                            seq.note(trivia, span.start, text(format!("// {note}")));
                        }
                    }
                    let doc = self.item(item);
                    if let Some(trivia) = self.trivia.as_mut() {
                        let hoisted = trivia.take(span.start, span.end);
                        seq.element(trivia, span, hoisted, doc);
                    }
                }
                Printed::Generated { item, blank_before } => {
                    seq.generated_element(*blank_before, Builder { trivia: None }.item(item));
                }
                Printed::Skipped { span, blank_before } => {
                    if let Some(trivia) = self.trivia.as_mut() {
                        seq.gap(trivia, span.start);
                        seq.skip(trivia, span.end, *blank_before);
                    }
                }
                Printed::Blank => seq.blank_next(),
                Printed::CommentedOut { span, note } => {
                    if let Some(trivia) = self.trivia.as_mut() {
                        seq.gap(trivia, span.start);
                        seq.note(trivia, span.start, text(format!("// {note}")));
                        // The comments inside are part of the text commented out.
                        let _inside = trivia.take(span.start, span.end);
                        let lines = commented_out(trivia.between(span.start, span.end));
                        seq.element(trivia, *span, Vec::new(), lines);
                    }
                }
            }
        }
        if let Some(trivia) = self.trivia.as_mut() {
            seq.gap(trivia, hi);
        }
        body_lines(seq)
    }

    /// Lay out `items` (of a region) as lines, with the comments of the region.
    fn sequence<T>(
        &mut self,
        items: &[T],
        region: Region,
        span: impl Fn(&Self, &T) -> Span,
        mut build: impl FnMut(&mut Self, &T) -> Doc,
        plain_blank: impl Fn(&T, &T) -> bool,
    ) -> Seq {
        let Some(trivia) = self.trivia.as_mut() else {
            let mut seq = Seq::plain();
            for (i, item) in items.iter().enumerate() {
                let blank = i > 0 && plain_blank(&items[i - 1], item);
                let doc = build(self, item);
                seq.plain_element(blank, doc);
            }
            return seq;
        };
        let mut seq = Seq::start(trivia, region);
        // `trivia` is borrowed afresh around each element: building one places the comments
        // of the regions nested in it.
        for item in items {
            let span = span(self, item);
            if let Some(trivia) = self.trivia.as_mut() {
                seq.gap(trivia, span.start);
            }
            let doc = build(self, item);
            if let Some(trivia) = self.trivia.as_mut() {
                let hoisted = trivia.take(span.start, span.end);
                seq.element(trivia, span, hoisted, doc);
            }
        }
        if let Some(trivia) = self.trivia.as_mut() {
            seq.gap(trivia, region.hi);
        }
        seq
    }

    /// Where the `{` after `pos` is, skipping comments (0 without source: it is unused then).
    fn brace_after(&self, pos: usize) -> usize {
        self.trivia.as_ref().map_or(0, |t| t.next_token(pos))
    }

    fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Const(c) => const_doc(c),
            Item::Fn(f) => self.fn_decl(f),
            Item::Decl(d) => decl_doc(d),
            Item::Stmt(s) => self.stmt(s),
            Item::Examples(e) => self.example_item(e),
        }
    }

    /// `fn f(a: 2) -> 2 { body }`, or with the body on its own line when that does not fit
    /// or comments sit in the braces.
    fn fn_decl(&mut self, f: &FnDecl) -> Doc {
        let mut head = vec![text(format!("fn {}(", f.name.name))];
        for (i, p) in f.params.iter().enumerate() {
            if i > 0 {
                head.push(text(", "));
            }
            head.extend([text(format!("{}: ", p.name.name)), domain_doc(&p.domain)]);
        }
        head.extend([text(") -> "), domain_doc(&f.result), text(" ")]);
        let brace = self.brace_after(f.result.span().end);
        let region = region(brace, brace, f.span.end);
        let body = std::slice::from_ref(&f.body);
        let seq = self.sequence(body, region, |_, e| e.span, |_, e| expr_doc(e), |_, _| false);
        with_body(cat(head), braced(seq, true))
    }

    fn stmt(&mut self, stmt: &Stmt) -> Doc {
        match &stmt.kind {
            StmtKind::Assign { target, value } => cat([place_doc(target), text(" = "), expr_doc(value), text(";")]),
            StmtKind::Observe(e) => cat([text("observe "), expr_doc(e), text(";")]),
            StmtKind::Minimize(e) => cat([text("minimize "), expr_doc(e), text(";")]),
            StmtKind::For { var, start, end, body } => {
                let body = self.block(body, body.span.start);
                with_body(for_head(&var.name, start, end), body)
            }
            StmtKind::If { branches, otherwise } => self.if_chain(branches, otherwise.as_ref(), Self::block),
            StmtKind::Match { scrutinee, arms } => self.match_stmt(stmt.span, scrutinee, arms),
        }
    }

    /// Examples, and the loops and `if`s around them (always broken over lines).
    fn example_item(&mut self, item: &ExampleItem) -> Doc {
        match &item.kind {
            ExampleItemKind::Example(example) => self.example(example),
            ExampleItemKind::For { var, start, end, body } => {
                let body = self.example_block(body, body.span.start);
                with_body(for_head(&var.name, start, end), body)
            }
            ExampleItemKind::If { branches, otherwise } => {
                self.if_chain(branches, otherwise.as_ref(), Self::example_block)
            }
        }
    }

    fn example_block(&mut self, block: &Block<ExampleItem>, lo: usize) -> Braced {
        let region = region(lo, block.span.start, block.span.end);
        let seq = self.sequence(&block.stmts, region, |_, i| example_item_span(i), Self::example_item, |_, _| false);
        braced(seq, false)
    }

    /// A block; one line when it holds one assignment or `observe` and no comment.
    fn block(&mut self, block: &Block, lo: usize) -> Braced {
        let region = region(lo, block.span.start, block.span.end);
        let seq = self.sequence(&block.stmts, region, |_, s| stmt_span(s), Self::stmt, |_, _| false);
        let simple = match block.stmts.as_slice() {
            [] => true,
            [only] => matches!(only.kind, StmtKind::Assign { .. } | StmtKind::Observe(_) | StmtKind::Minimize(_)),
            _ => false,
        };
        braced(seq, simple)
    }

    /// An `if` chain: on one line when every block may be and it fits, else every block broken
    /// with `} else if c {` on the closing lines.
    fn if_chain<S>(
        &mut self,
        branches: &[(Expr, Block<S>)],
        otherwise: Option<&Block<S>>,
        block: fn(&mut Self, &Block<S>, usize) -> Braced,
    ) -> Doc {
        let mut flat = Some(String::new());
        let mut broken = Vec::new();
        // Comments between one block and the next `{` belong to the next block's region, so
        // that they stay in order.
        let mut lo = branches.first().map_or(0, |(_, b)| b.span.start);
        for (i, (cond, body_block)) in branches.iter().enumerate() {
            let keyword = if i == 0 { "if " } else { " else if " };
            let head = cat([text(keyword), expr_doc(cond), text(" ")]);
            let body = block(self, body_block, lo);
            lo = body_block.span.end;
            flat = join_flat(flat, &head, &body);
            broken.extend([head, body.broken]);
        }
        if let Some(otherwise) = otherwise {
            let head = text(" else ");
            let body = block(self, otherwise, lo);
            flat = join_flat(flat, &head, &body);
            broken.extend([head, body.broken]);
        }
        group(flat, cat(broken))
    }

    /// A statement `match`: each arm on its own line(s), no commas.
    fn match_stmt(&mut self, span: Span, scrutinee: &Expr, arms: &[MatchArm<Block>]) -> Doc {
        let brace = self.brace_after(scrutinee.span.end);
        let region = region(brace, brace, span.end);
        let seq = self.sequence(arms, region, Self::arm_span, Self::stmt_arm, |_, _| false);
        let body = braced(seq, false);
        cat([text("match "), expr_doc(scrutinee), text(" "), body.broken])
    }

    fn stmt_arm(&mut self, arm: &MatchArm<Block>) -> Doc {
        let body = self.block(&arm.body, arm.body.span.start);
        let mut parts = vec![with_body(cat([pattern_doc(&arm.pattern), text(" => ")]), body)];
        // A comment between the block and the arm's comma trails the arm: hoisting it before
        // the arm would put it ahead of the comments inside the block.
        let end = self.arm_span(arm).end;
        if let Some(trivia) = self.trivia.as_mut() {
            let after = trivia.take(arm.body.span.end, end);
            parts.extend(after.into_iter().map(|c| Doc::Suffix(c.text.clone())));
        }
        cat(parts)
    }

    /// The span of an arm up to its block or comma. The parser's span of an arm without a
    /// comma runs on to the next token, over any comments in between.
    fn arm_span(&self, arm: &MatchArm<Block>) -> Span {
        let mut end = arm.body.span.end;
        if let Some(trivia) = &self.trivia {
            let next = trivia.next_token(end);
            if next < arm.span.end && trivia.byte(next) == Some(b',') {
                end = next + 1;
            }
        }
        Span::new(arm.span.start, end)
    }

    /// `example { x = 0; y = [0; K]; }` on one line when it fits and has no comment.
    fn example(&mut self, example: &Example) -> Doc {
        let keyword_end = example.span.start + "example".len();
        let brace = self.brace_after(keyword_end);
        let region = region(brace, brace, example.span.end);
        let seq = self.sequence(&example.entries, region, |_, e| e.span, |_, e| entry_doc(e), |_, _| false);
        with_body(text("example "), braced(seq, true))
    }
}

/// The lines of a top-level sequence: its body without the line break it starts with.
fn body_lines(seq: Seq) -> Doc {
    let (_, body) = seq.body();
    match body {
        Doc::Concat(mut parts) if matches!(parts.first(), Some(Doc::Hard)) => {
            parts.remove(0);
            cat(parts)
        }
        Doc::Hard => Doc::default(),
        other => other,
    }
}

/// The region of a braced body whose `{` is at `brace` and whose construct ends at `end`
/// (just after the `}`), with comments from `lo` on.
fn region(lo: usize, brace: usize, end: usize) -> Region {
    Region { lo: lo.min(brace), brace: Some(brace), hi: end.saturating_sub(1) }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Stmt(s) => stmt_span(s),
        Item::Examples(e) => example_item_span(e),
        other => other.span(),
    }
}

/// The span of a statement up to its last token. The parser's span of an `if` without `else`
/// runs on to the next token, over any comments in between.
fn stmt_span(stmt: &Stmt) -> Span {
    match &stmt.kind {
        StmtKind::If { branches, otherwise } => if_span(stmt.span, branches, otherwise.as_ref()),
        _ => stmt.span,
    }
}

fn example_item_span(item: &ExampleItem) -> Span {
    match &item.kind {
        ExampleItemKind::If { branches, otherwise } => if_span(item.span, branches, otherwise.as_ref()),
        _ => item.span,
    }
}

fn if_span<S>(span: Span, branches: &[(Expr, Block<S>)], otherwise: Option<&Block<S>>) -> Span {
    let last = otherwise.or(branches.last().map(|(_, b)| b));
    let end = last.map_or(span.end, |b| b.span.end.min(span.end));
    Span::new(span.start, end)
}

/// `for i in a..b `
fn for_head(var: &str, start: &Expr, end: &Expr) -> Doc {
    cat([text(format!("for {var} in ")), expr_doc(start), text(".."), expr_doc(end), text(" ")])
}

/// A braced body from its sequence; `may_be_flat` says whether one line is allowed at all.
fn braced(seq: Seq, may_be_flat: bool) -> Braced {
    let flat = if may_be_flat && !seq.commented {
        let lines: Option<Vec<String>> = seq.lines.iter().map(|l| l.doc.flat()).collect();
        lines.map(|lines| if lines.is_empty() { "{}".to_string() } else { format!("{{ {} }}", lines.join(" ")) })
    } else {
        None
    };
    if seq.lines.is_empty() && seq.open.is_empty() {
        return Braced { flat, broken: text("{}") };
    }
    let (open, body) = seq.body();
    let broken = cat([text("{"), cat(open), indent(body), Doc::Hard, text("}")]);
    Braced { flat, broken }
}

/// `head` followed by a braced body, on one line if it fits.
fn with_body(head: Doc, body: Braced) -> Doc {
    let flat = join_flat(Some(String::new()), &head, &body);
    group(flat, cat([head, body.broken]))
}

fn join_flat(acc: Option<String>, head: &Doc, body: &Braced) -> Option<String> {
    Some(acc? + &head.flat()? + body.flat.as_deref()?)
}

/// Without source, items of different kinds are separated by an empty line, and so are
/// functions from each other.
fn blank_between_kinds(a: &Item, b: &Item) -> bool {
    let (ka, kb) = (item_kind(a), item_kind(b));
    ka != kb || ka == ItemKind::Fn
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Const,
    Fn,
    Decl,
    Stmt,
    Example,
}

fn item_kind(item: &Item) -> ItemKind {
    match item {
        Item::Const(_) => ItemKind::Const,
        Item::Fn(_) => ItemKind::Fn,
        Item::Decl(_) => ItemKind::Decl,
        Item::Stmt(_) => ItemKind::Stmt,
        Item::Examples(_) => ItemKind::Example,
    }
}

fn const_doc(c: &ConstDecl) -> Doc {
    cat([text(format!("const {} = ", c.name.name)), expr_doc(&c.value), text(";")])
}

/// `param p[K - 1]: 2;`, `input x0: bool;`, `param g: 5 = 3;`
fn decl_doc(d: &Decl) -> Doc {
    let mut parts = vec![text(format!("{} {}", d.kind.keyword(), d.name.name))];
    for dim in &d.dims {
        parts.extend([text("["), expr_doc(dim), text("]")]);
    }
    parts.extend([text(": "), domain_doc(&d.domain)]);
    if let Some(init) = &d.init {
        parts.extend([text(" = "), value_doc(init)]);
    }
    parts.push(text(";"));
    cat(parts)
}

fn domain_doc(domain: &Domain) -> Doc {
    match domain {
        Domain::Size(e) => expr_doc(e),
        Domain::Bool(_) => text("bool"),
        Domain::Real(_) => text("real"),
    }
}

fn place_doc(place: &Place) -> Doc {
    indexed(&place.name, &place.indices)
}

fn entry_doc(entry: &ExampleEntry) -> Doc {
    let assign = if entry.approximate { " ~= " } else { " = " };
    let tolerance = match &entry.tolerance {
        Some(tolerance) => cat([text(" +- "), expr_doc(tolerance)]),
        None => text(""),
    };
    cat([place_doc(&entry.target), text(assign), value_doc(&entry.value), tolerance, text(";")])
}

#[cfg(test)]
mod tests;
