//! Specialized statements + the file they came from -> the printed program, as a list of
//! top-level entries for `format_printed`: a syntax tree with the source's comments, formatted
//! once.
//!
//! The file's items are printed in their order. Consts, params (bound to their values),
//! inputs, outputs, functions still called, vars still used and examples keep their syntax and
//! their comments (the comments on the lines above an item and after it on its last line); a
//! const set with `--set` prints its value, so that the program stands alone. Each program
//! statement is replaced by the code it became, printed without comments, unless it came out
//! unchanged, in which case it keeps its syntax and comments. The file's header and trailing
//! comments are always kept.
//!
//! Blank lines: where the file had one between two printed items, and around each iteration
//! of an unrolled top-level loop that left more than one statement.

use std::collections::{HashMap, HashSet};

use tpt_core::interp::ParamValues;
use tpt_core::program::{ArrayId, ExprKind, FnId, Origin, Program, Stmt};
use tpt_source::span::Span;
use tpt_syntax::ast::{self, DeclKind, Item};
use tpt_syntax::format::Printed;
use tpt_syntax::lexer::Comment;

use super::given_up::ExampleItem;
use super::simplify::{unsupported, Result};
use super::syntax::Syntax;
use super::{item_span, real_value_tree, value_tree};

/// Every array and function the specialized code uses.
#[derive(Default)]
struct Uses {
    arrays: HashSet<ArrayId>,
    fns: HashSet<FnId>,
}

impl Uses {
    fn of(stmts: &[Stmt]) -> Uses {
        let mut uses = Uses::default();
        for stmt in stmts {
            uses.stmt(stmt);
        }
        uses
    }

    fn stmt(&mut self, s: &Stmt) {
        if let tpt_core::program::StmtKind::Assign { array, .. } = &s.kind {
            self.arrays.insert(*array);
        }
        s.walk_exprs(&mut |e| match &e.kind {
            ExprKind::Elem { array, .. } => {
                self.arrays.insert(*array);
            }
            ExprKind::Call { func, .. } => {
                self.fns.insert(*func);
            }
            _ => {}
        });
    }

    /// Whether the var of this name is used.
    fn holds(&self, program: &Program, name: &str) -> bool {
        program.array_named(name).is_some_and(|id| self.arrays.contains(&id))
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

pub struct Emitter<'a> {
    source: &'a str,
    file: &'a ast::File,
    program: &'a Program,
    values: &'a ParamValues,
    /// Sorted by position.
    comments: &'a [Comment],
    notes: &'a super::Notes<'a>,
}

impl<'a> Emitter<'a> {
    pub fn new(
        source: &'a str,
        file: &'a ast::File,
        comments: &'a [Comment],
        program: &'a Program,
        values: &'a ParamValues,
        notes: &'a super::Notes<'a>,
    ) -> Self {
        Emitter { source, file, program, values, comments, notes }
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

    /// The printed program's entries. `stmts` are the top-level specialized statements, each
    /// with the origin of the item it replaces.
    pub fn emit(&self, stmts: &[Stmt]) -> Result<Vec<Printed>> {
        let items = &self.file.items;
        let mut code: Vec<Vec<&Stmt>> = vec![Vec::new(); items.len()];
        let mut paragraphs: HashMap<Origin, usize> = HashMap::new();
        for s in stmts {
            match code.get_mut(s.origin.item) {
                Some(list) => list.push(s),
                None => return unsupported("a statement of no item"),
            }
            *paragraphs.entry(s.origin).or_default() += 1;
        }
        let uses = Uses::of(stmts);
        let fns = self.kept_fns(&uses);
        let given_up = self.notes.given_up.plan(self.program, items);
        let mut body = self.program.body.iter();
        let mut entries = Vec::new();
        let first = items.first().map_or(self.source.len(), |i| item_span(i).start);
        let header_end = self.comments.iter().filter(|c| c.span.end <= first).map(|c| c.span.end).next_back();
        let mut boundary = header_end.unwrap_or(0);
        for (i, item) in items.iter().enumerate() {
            let span = item_span(item);
            let lead = if i == 0 { span.start } else { self.lead_start(boundary, span.start) };
            let trail = self.trail_end(span.end);
            let blank_before = self.blank_between(boundary, lead);
            boundary = trail.max(span.end);
            let skipped = Printed::Skipped { span: Span::new(lead, trail.max(span.end)), blank_before };
            let kept = match item {
                Item::Const(c) => Printed::Source { item: Item::Const(self.const_decl(c)), note: None },
                Item::Fn(f) if fns.contains(&f.name.name) => Printed::Source { item: item.clone(), note: None },
                Item::Fn(_) => skipped,
                Item::Decl(d) => match d.kind {
                    DeclKind::Param => {
                        let note =
                            self.notes.marks.iter().find(|(name, _)| *name == d.name.name).map(|(_, c)| c.clone());
                        Printed::Source { item: Item::Decl(self.param_decl(d)?), note }
                    }
                    DeclKind::Input | DeclKind::Output => Printed::Source { item: item.clone(), note: None },
                    DeclKind::Var if uses.holds(self.program, &d.name.name) => {
                        Printed::Source { item: item.clone(), note: None }
                    }
                    DeclKind::Var => skipped,
                },
                Item::Examples(_) => match &given_up[i] {
                    ExampleItem::Kept => Printed::Source { item: item.clone(), note: None },
                    ExampleItem::Noted(note) => Printed::Source { item: item.clone(), note: Some(note.clone()) },
                    ExampleItem::CommentedOut(note) => Printed::CommentedOut { span, note: note.clone() },
                },
                Item::Stmt(_) => {
                    let Some(original) = body.next() else {
                        return unsupported("more statements than the checked program has");
                    };
                    // A statement that came out unchanged keeps its syntax and comments.
                    if let [only] = code[i].as_slice() {
                        if **only == *original {
                            entries.push(Printed::Source { item: item.clone(), note: None });
                            continue;
                        }
                    }
                    entries.push(skipped);
                    self.statements(&code[i], &paragraphs, &mut entries)?;
                    continue;
                }
            };
            entries.push(kept);
        }
        Ok(entries)
    }

    /// Generated statements, with blank lines around unrolled iterations of several lines.
    fn statements(&self, code: &[&Stmt], paragraphs: &HashMap<Origin, usize>, out: &mut Vec<Printed>) -> Result<()> {
        let apart = |origin: Origin| origin.iteration.is_some() && paragraphs.get(&origin).copied().unwrap_or(0) > 1;
        let mut syntax = Syntax::new(self.program);
        let mut previous: Option<Origin> = None;
        for s in code {
            let item = Item::Stmt(syntax.stmt(s)?);
            let blank_before = match previous {
                // An unrolled block of several lines also stands apart from its neighbours.
                None => apart(s.origin),
                Some(p) => p != s.origin && (apart(p) || apart(s.origin)),
            };
            out.push(Printed::Generated { item, blank_before });
            previous = Some(s.origin);
        }
        if previous.is_some_and(apart) {
            out.push(Printed::Blank);
        }
        Ok(())
    }

    /// `const N = 5;`, with the value of a `--set` override in place of the expression.
    fn const_decl(&self, c: &ast::ConstDecl) -> ast::ConstDecl {
        match self.program.consts.iter().find(|info| info.name == c.name.name) {
            Some(info) if info.overridden => ast::ConstDecl { value: super::literal(info.value), ..c.clone() },
            _ => c.clone(),
        }
    }

    /// `param gate[G]: 5 = [0, 3];`: the declaration as written, bound to the values.
    fn param_decl(&self, d: &ast::Decl) -> Result<ast::Decl> {
        let Some(id) = self.program.array_named(&d.name.name) else {
            return unsupported("a param the checked program does not have");
        };
        let info = &self.program.arrays[id];
        if info.real {
            return match self.values.reals.get(id) {
                Some(values) if values.len() == info.len() => {
                    Ok(ast::Decl { init: Some(real_value_tree(values, &info.dims)), ..d.clone() })
                }
                _ => unsupported("param values of the wrong shape"),
            };
        }
        match self.values.get(id) {
            Some(values) if values.len() == info.len() => {
                Ok(ast::Decl { init: Some(value_tree(values, &info.dims, &d.dims)), ..d.clone() })
            }
            _ => unsupported("param values of the wrong shape"),
        }
    }

    /// The functions still called: by specialized code, or by a kept item (consts,
    /// declarations and examples may call functions too), or by another kept function.
    fn kept_fns(&self, uses: &Uses) -> HashSet<String> {
        let program_stmts: HashSet<usize> = self.program.body.iter().map(|s| s.origin.item).collect();
        let mut kept: HashSet<String> = uses.fns.iter().map(|&f| self.program.fns[f].name.clone()).collect();
        // Functions are declared before use, so one pass from the end sees every caller first.
        for (i, item) in self.file.items.iter().enumerate().rev() {
            let calls = match item {
                Item::Fn(f) => kept.contains(&f.name.name),
                Item::Decl(d) if d.kind == DeclKind::Var => uses.holds(self.program, &d.name.name),
                Item::Stmt(_) => !program_stmts.contains(&i),
                Item::Const(_) | Item::Decl(_) | Item::Examples(_) => true,
            };
            if calls {
                calls_in_item(item, &mut kept);
            }
        }
        kept
    }
}
