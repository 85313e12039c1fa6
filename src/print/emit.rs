//! Residual statements + the file they came from -> the printed program's source text.
//!
//! The file's items are printed in their order. Consts, params (bound to their values),
//! inputs, outputs, functions still called, vars still used and examples keep their source
//! text and their comments (the comments on the lines above an item and after it on its last
//! line); a const set with `--set` prints its value, so that the program stands alone. Each
//! program statement is replaced by the residual code it became, printed from the AST by
//! `format_file` without comments, unless it came out unchanged, in which case its source
//! text (and comments) are kept. The file's header comment is always kept. The assembled
//! text then goes through `format_source`, so the result is canonical.
//!
//! Blank lines: where the file had one between two printed items, and around each iteration
//! of an unrolled top-level loop that left more than one statement.

use std::collections::{HashMap, HashSet};

use crate::ast::{self, DeclKind, Item};
use crate::format::{format_file, format_source};
use crate::interp::ParamValues;
use crate::lexer::{lex, Comment};
use crate::parse::parse;
use crate::program::{self, ArrayId, FnId, Program};
use crate::span::Span;

use super::residual::{stmt_from_checked, unsupported, Result, SKind, Tag, E, S};
use super::syntax::Syntax;
use super::value_text;

/// The span of an item up to its last token (the parser's span of an `if` without `else`
/// may run on to the next token).
fn item_span(item: &Item) -> Span {
    match item {
        Item::Stmt(ast::Stmt { kind: ast::StmtKind::If { branches, otherwise }, span }) => {
            let last = otherwise.as_ref().or(branches.last().map(|(_, b)| b));
            Span::new(span.start, last.map_or(span.end, |b| b.span.end.min(span.end)))
        }
        other => other.span(),
    }
}

/// Every array and function residual code uses.
#[derive(Default)]
struct Uses {
    arrays: HashSet<ArrayId>,
    fns: HashSet<FnId>,
}

impl Uses {
    fn expr(&mut self, e: &E) {
        match e {
            E::Elem(array, _) => {
                self.arrays.insert(*array);
            }
            E::Call(func, _) => {
                self.fns.insert(*func);
            }
            _ => {}
        }
        for child in e.children() {
            self.expr(child);
        }
    }

    /// Whether the var of this name is used.
    fn holds(&self, program: &Program, name: &str) -> bool {
        program.array_named(name).is_some_and(|id| self.arrays.contains(&id))
    }

    fn stmts(&mut self, stmts: &[S]) {
        for s in stmts {
            if let SKind::Assign { array, .. } = &s.kind {
                self.arrays.insert(*array);
            }
            for e in s.kind.head() {
                self.expr(e);
            }
            if let SKind::Match { arms, .. } = &s.kind {
                for pattern in arms.iter().flat_map(|a| a.patterns.iter().flatten()) {
                    self.expr(pattern);
                }
            }
            for block in s.kind.blocks() {
                self.stmts(block);
            }
        }
    }
}

/// The names of the functions an item calls (any call, in any expression it holds).
fn calls_in_item(item: &Item, out: &mut HashSet<String>) {
    item.walk_exprs(&mut |e| {
        if let ast::ExprKind::Call { func, .. } = &e.kind {
            out.insert(func.name.clone());
        }
    });
}

/// What every item needs to know about the residual code.
struct Context {
    uses: Uses,
    /// Names of the functions still called.
    fns: HashSet<String>,
    /// Statements in each paragraph.
    paragraphs: HashMap<usize, usize>,
}

/// Where an item is: its comments above (`lead..span.start`) and after it (`span.end..trail`).
#[derive(Clone, Copy)]
struct Place {
    lead: usize,
    span: Span,
    trail: usize,
}

/// One printed piece: an item or a generated statement, and whether a blank line precedes it.
struct Piece {
    blank: bool,
    text: String,
}

pub struct Emitter<'a> {
    source: &'a str,
    file: &'a ast::File,
    program: &'a Program,
    values: &'a ParamValues,
    comments: Vec<Comment>,
}

impl<'a> Emitter<'a> {
    pub fn new(source: &'a str, file: &'a ast::File, program: &'a Program, values: &'a ParamValues) -> Self {
        let mut comments = lex(source).comments;
        comments.sort_by_key(|c| c.span.start);
        Emitter { source, file, program, values, comments }
    }

    fn text(&self, lo: usize, hi: usize) -> Result<&'a str> {
        match self.source.get(lo..hi) {
            Some(text) => Ok(text),
            None => unsupported("spans that do not match the source"),
        }
    }

    /// The end of the comments that trail the text ending at `end` on its line.
    fn trail_end(&self, mut end: usize) -> usize {
        let after = end;
        for c in self.comments.iter().filter(|c| c.span.start >= after) {
            match self.source.get(end..c.span.start) {
                Some(gap) if !gap.contains('\n') && gap.trim().is_empty() => end = c.span.end,
                _ => break,
            }
        }
        end
    }

    /// The start of the comments between `from` and `start` (those on the lines above).
    fn lead_start(&self, from: usize, start: usize) -> usize {
        self.comments.iter().find(|c| c.span.start >= from && c.span.end <= start).map_or(start, |c| c.span.start)
    }

    fn blank_between(&self, lo: usize, hi: usize) -> bool {
        self.source.get(lo..hi).is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    /// The whole printed program. `stmts` are the top-level residual statements, tagged with
    /// their items; `body_items[k]` is the item of `program.body[k]`.
    pub fn emit(&self, stmts: &[S], body_items: &[usize]) -> Result<String> {
        let items = &self.file.items;
        let mut code: Vec<Vec<&S>> = vec![Vec::new(); items.len()];
        let mut paragraphs: HashMap<usize, usize> = HashMap::new();
        for s in stmts {
            match code.get_mut(s.tag.item) {
                Some(list) => list.push(s),
                None => return unsupported("a statement of no item"),
            }
            *paragraphs.entry(s.tag.para).or_default() += 1;
        }
        let mut uses = Uses::default();
        uses.stmts(stmts);
        let fns = self.kept_fns(&uses, body_items);
        let context = Context { uses, fns, paragraphs };

        let first = items.first().map_or(self.source.len(), |i| item_span(i).start);
        let header: Vec<&Comment> = self.comments.iter().filter(|c| c.span.end <= first).collect();
        let mut out = String::new();
        let mut boundary = 0;
        if let (Some(a), Some(b)) = (header.first(), header.last()) {
            out.push_str(self.text(a.span.start, b.span.end)?);
            boundary = b.span.end;
        }
        let mut pieces: Vec<Piece> = Vec::new();
        let mut pending_blank = false;
        let mut body = self.program.body.iter();
        for (i, item) in items.iter().enumerate() {
            let span = item_span(item);
            let lead = if i == 0 { span.start } else { self.lead_start(boundary, span.start) };
            let trail = self.trail_end(span.end);
            pending_blank |= self.blank_between(boundary, lead);
            boundary = trail.max(span.end);
            let original = match item {
                Item::Stmt(_) => match body.next() {
                    Some(original) => Some((original, code[i].as_slice())),
                    None => return unsupported("more statements than the checked program has"),
                },
                _ => None,
            };
            let place = Place { lead, span, trail };
            let (mut printed, blank_after) = self.item(item, place, original, &context)?;
            if let Some(first) = printed.first_mut() {
                first.blank |= pending_blank;
                pending_blank = false;
            }
            pending_blank |= blank_after;
            pieces.extend(printed);
        }
        for piece in pieces {
            if !out.is_empty() {
                out.push_str(if piece.blank { "\n\n" } else { "\n" });
            }
            out.push_str(&piece.text);
        }
        // Comments after the last item close the file.
        let trailer: Vec<&Comment> = self.comments.iter().filter(|c| c.span.start >= boundary).collect();
        if let (Some(a), Some(b)) = (trailer.first(), trailer.last()) {
            out.push_str(if self.blank_between(boundary, a.span.start) { "\n\n" } else { "\n" });
            out.push_str(self.text(a.span.start, b.span.end)?);
        }
        out.push('\n');
        match parse(&out, crate::limits::Limits::default().max_depth) {
            Ok(parsed) => Ok(format_source(&out, &parsed)),
            Err(_) => unsupported("printed text that does not parse"),
        }
    }

    /// What one item prints as (nothing when it is dropped), and whether a blank line should
    /// follow. `original` is the checked statement of a program statement, with its code.
    fn item(
        &self,
        item: &Item,
        place: Place,
        original: Option<(&program::Stmt, &[&S])>,
        context: &Context,
    ) -> Result<(Vec<Piece>, bool)> {
        let Place { lead, span, trail } = place;
        let piece = |text: String| Ok((vec![Piece { blank: false, text }], false));
        let verbatim = || piece(self.text(lead, trail)?.to_string());
        let around =
            |text: String| piece(format!("{}{text}{}", self.text(lead, span.start)?, self.text(span.end, trail)?));
        let dropped = Ok((Vec::new(), false));
        match (item, original) {
            (Item::Const(c), _) => around(self.const_text(c)?),
            (Item::Fn(f), _) if context.fns.contains(&f.name.name) => verbatim(),
            (Item::Fn(_), _) => dropped,
            (Item::Decl(d), _) => match d.kind {
                DeclKind::Param => around(self.param_text(d)?),
                DeclKind::Input | DeclKind::Output => verbatim(),
                DeclKind::Var if context.uses.holds(self.program, &d.name.name) => verbatim(),
                DeclKind::Var => dropped,
            },
            (Item::Examples(_), _) | (Item::Stmt(_), None) => verbatim(),
            (Item::Stmt(_), Some((original, code))) => {
                // A statement that came out unchanged keeps its text and comments.
                if let [only] = code {
                    if **only == stmt_from_checked(original)? {
                        return verbatim();
                    }
                }
                self.statements(code, &context.paragraphs)
            }
        }
    }

    /// Generated statements, with blank lines around unrolled iterations of several lines;
    /// the flag says whether the last one wants a blank line after it.
    fn statements(&self, code: &[&S], paragraphs: &HashMap<usize, usize>) -> Result<(Vec<Piece>, bool)> {
        let apart = |tag: Tag| tag.iteration && paragraphs.get(&tag.para).copied().unwrap_or(0) > 1;
        let mut syntax = Syntax::new(self.program);
        let mut pieces = Vec::new();
        let mut previous: Option<Tag> = None;
        for s in code {
            let stmt = syntax.stmt(s)?;
            let file = ast::File { items: vec![Item::Stmt(stmt)], span: Span::default() };
            let text = format_file(&file).trim_end().to_string();
            let blank = match previous {
                // An unrolled block of several lines also stands apart from its neighbours.
                None => apart(s.tag),
                Some(p) => p != s.tag && (apart(p) || apart(s.tag)),
            };
            pieces.push(Piece { blank, text });
            previous = Some(s.tag);
        }
        Ok((pieces, previous.is_some_and(apart)))
    }

    /// `const N = 5;`, with the value of a `--set` override in place of the expression.
    fn const_text(&self, c: &ast::ConstDecl) -> Result<String> {
        let span = c.span;
        match self.program.consts.iter().find(|info| info.name == c.name.name) {
            Some(info) if info.overridden => Ok(format!("const {} = {};", c.name.name, info.value)),
            _ => Ok(self.text(span.start, span.end)?.to_string()),
        }
    }

    /// `param gate[G]: 5 = [0, 3];`: the declaration as written, bound to the values.
    fn param_text(&self, d: &ast::Decl) -> Result<String> {
        let Some(id) = self.program.array_named(&d.name.name) else {
            return unsupported("a param the checked program does not have");
        };
        let info = &self.program.arrays[id];
        let values = match self.values.get(id) {
            Some(values) if values.len() == info.len() => values,
            _ => return unsupported("param values of the wrong shape"),
        };
        let head = self.text(d.span.start, d.domain.span().end)?;
        let dims = d
            .dims
            .iter()
            .map(|e| self.text(e.span.start, e.span.end).map(str::to_string))
            .collect::<Result<Vec<_>>>()?;
        Ok(format!("{head} = {};", value_text(values, &info.dims, &dims)))
    }

    /// The functions still called: by residual code, or by a kept item (consts, declarations
    /// and examples may call functions too), or by another kept function.
    fn kept_fns(&self, uses: &Uses, body_items: &[usize]) -> HashSet<String> {
        let program_stmts: HashSet<usize> = body_items.iter().copied().collect();
        let mut kept: HashSet<String> = uses.fns.iter().map(|&f| self.program.fns[f].name.clone()).collect();
        // Functions are declared before use, so one pass from the end sees every caller first.
        for (i, item) in self.file.items.iter().enumerate().rev() {
            let calls = match item {
                Item::Fn(f) => kept.contains(&f.name.name),
                Item::Decl(d) if d.kind == DeclKind::Var => uses.holds(self.program, &d.name.name),
                Item::Stmt(_) => !program_stmts.contains(&i),
                Item::Examples(_) => true,
                Item::Const(_) | Item::Decl(_) => true,
            };
            if calls {
                calls_in_item(item, &mut kept);
            }
        }
        kept
    }
}
