//! Checked program -> differentiable graph. Unrolls loops, resolves constant conditions,
//! tabulates every runtime expression over its distinct operands, turns runtime `if`,
//! `match` and indexing into mixtures, and checks what only unrolling can reveal (index
//! ranges, reads before assignment, values outside a domain), naming the combination of
//! operand values at fault. Every node keeps the span of the syntax that caused it.
//!
//! This module unrolls statements and tracks what each element holds; `compute` tabulates
//! runtime expressions and indexing (with `index_range` explaining an index that can fall out
//! of range), `branches` lowers runtime `if` and `match` into mixtures, `observe` records what
//! the examples fix, `objective` the terms of `minimize`. Nodes are added through [`GraphBuilder`], which shares equal nodes and
//! keeps the node limit.

mod branches;
mod compute;
mod index_range;
mod objective;
mod observe;
mod reals;

use crate::graph::*;
use tpt_core::check::dedup;
use tpt_core::eval::{element_position, eval, eval_error_diagnostic};
use tpt_core::limits::{enum_total_error, Failure, Limits, Stop, Stopped, Tally};
use tpt_core::program::DeclKind;
use tpt_core::program::*;
use tpt_core::verify::ParamElement;
use tpt_source::diagnostics::{Diagnostic, Setting, Text};
use tpt_source::span::Span;

use compute::Selected;

#[derive(Debug)]
pub struct Lowered {
    pub graph: Graph,
    pub warnings: Vec<Diagnostic>,
}

/// The warning of a program whose examples observe nothing and that has no `observe`: a
/// search has nothing to fit (a run on a given input, `tpt run --input`, needs nothing
/// observed, and leaves it out).
pub const NOTHING_OBSERVED: &str = "nothing is observed";

/// Lower a checked program. On failure the diagnostics hold at least one error, unless `stop`
/// ended the lowering first.
pub fn lower(program: &Program, limits: &Limits, stop: &Stop) -> Result<Lowered, Failure> {
    let mut lowerer = Lowerer::new(program, limits, stop);
    lowerer.params();
    let _ = lowerer.block(&program.body);
    if !lowerer.aborted {
        lowerer.outputs();
    }
    lowerer.finish()
}

/// The combinations of the `fn` tables the checker made (within the limit).
fn fn_tables(program: &Program) -> Tally {
    let mut tally = Tally::default();
    for f in &program.fns {
        tally.add(f.table.len() as u64, f.name_span, u64::MAX);
    }
    tally
}

/// What an element of a var or output holds at a point of the unrolled program.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    Unassigned,
    Assigned(NodeId),
    /// Assigned on some paths only; the span is the construct that left it so.
    Partial(Span),
    /// The statement that should have assigned it failed, with an error already reported:
    /// reading it fails silently, so that one mistake is not reported again at every use.
    Poisoned,
}

/// Lowering stops at the first error of a statement; the error is already recorded.
struct Failed;

type Lowering<T> = Result<T, Failed>;

/// Inside a runtime branch: the selector's value is `branch` there.
#[derive(Clone, Copy, Debug)]
struct PathCondition {
    selector: NodeId,
    branch: u32,
}

struct Lowerer<'p> {
    program: &'p Program,
    limits: &'p Limits,
    stop: &'p Stop,
    /// Set when `stop` fired: lowering ends without an error of its own.
    stopped: Option<Stopped>,
    /// The operand combinations enumerated so far (the `fn` tables first), against
    /// `--max-enum-total`.
    combinations: Tally,
    graph: GraphBuilder,
    param_nodes: Vec<Vec<NodeId>>,
    input_nodes: Vec<Vec<Option<NodeId>>>,
    slots: Vec<Vec<Slot>>,
    /// Old slot values of writes made inside runtime branches, to undo between branches.
    undo: Vec<(ArrayId, usize, Slot)>,
    branch_depth: usize,
    loop_vars: Vec<i64>,
    loop_spans: Vec<Span>,
    /// The names of the loop variables of the loops being unrolled, for messages.
    loop_names: Vec<String>,
    /// Observations made by statements (`observe`, and the finite checks of reals), with
    /// their targets.
    observes: Vec<(NodeId, Span, Target)>,
    /// The computed reals the statement being lowered uses (see `reals`).
    real_roots: Vec<NodeId>,
    /// The runtime branches being lowered, outermost first.
    path: Vec<PathCondition>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    aborted: bool,
}

impl<'p> Lowerer<'p> {
    fn new(program: &'p Program, limits: &'p Limits, stop: &'p Stop) -> Self {
        let slots = program
            .arrays
            .iter()
            .map(|a| match a.kind {
                DeclKind::Var | DeclKind::Output => vec![Slot::Unassigned; a.len()],
                _ => Vec::new(),
            })
            .collect();
        let input_nodes = program
            .arrays
            .iter()
            .map(|a| if a.kind == DeclKind::Input { vec![None; a.len()] } else { Vec::new() })
            .collect();
        Lowerer {
            program,
            limits,
            stop,
            stopped: None,
            combinations: fn_tables(program),
            graph: GraphBuilder::new(program.examples.len(), limits.max_nodes),
            param_nodes: vec![Vec::new(); program.arrays.len()],
            input_nodes,
            slots,
            undo: Vec::new(),
            branch_depth: 0,
            loop_vars: vec![0; program.loop_depth],
            loop_spans: Vec::new(),
            loop_names: Vec::new(),
            observes: Vec::new(),
            real_roots: Vec::new(),
            path: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            aborted: false,
        }
    }

    fn finish(mut self) -> Result<Lowered, Failure> {
        if let Some(stopped) = self.stopped {
            return Err(Failure::Stopped(stopped));
        }
        if !self.errors.is_empty() {
            return Err(Failure::Errors(dedup(self.errors)));
        }
        let mut graph = self.graph.finish();
        let mut values = Vec::with_capacity(graph.inputs.len() * self.program.examples.len());
        for example in &self.program.examples {
            values.extend(graph.inputs.iter().map(|slot| example.input(slot.array, slot.flat)));
        }
        graph.input_values = values;
        let mut reals = Vec::with_capacity(graph.real_inputs.len() * self.program.examples.len());
        for example in &self.program.examples {
            reals.extend(graph.real_inputs.iter().map(|slot| example.real_input(slot.array, slot.flat)));
        }
        graph.real_input_values = reals;
        if graph.observations.is_empty() && graph.real_observations.is_empty() {
            self.warnings.push(
                Diagnostic::warning(NOTHING_OBSERVED)
                    .with_help("give output values in `example` blocks, or constrain the program with `observe`"),
            );
        }
        Ok(Lowered { graph, warnings: self.warnings })
    }

    /// Count `combinations` about to be enumerated for the expression at `span`, against
    /// `--max-enum-total`: past it, lowering ends with an error at the costliest expression.
    pub(super) fn spend(&mut self, combinations: u64, span: Span) -> Lowering<()> {
        if self.combinations.add(combinations, span, self.limits.max_enum_total) {
            return Ok(());
        }
        self.aborted = true;
        let diagnostic = enum_total_error(&self.combinations, span, self.limits.max_enum_total);
        let diagnostic = self.in_loop(diagnostic);
        self.fail(diagnostic)
    }

    /// End the lowering, without an error of its own, when `stop` says so.
    pub(super) fn poll_stop(&mut self) -> Lowering<()> {
        match self.stop.check() {
            Ok(()) => Ok(()),
            Err(stopped) => {
                self.stopped = Some(stopped);
                self.aborted = true;
                Err(Failed)
            }
        }
    }

    pub(super) fn fail<T>(&mut self, diagnostic: Diagnostic) -> Lowering<T> {
        self.errors.push(diagnostic);
        if self.errors.len() > 100 {
            self.aborted = true;
        }
        Err(Failed)
    }

    // ------------------------------------------------------------------ nodes

    /// A node from the builder, or the error of a program over the node limit.
    fn built(&mut self, result: Result<NodeId, NodeLimit>, span: Span) -> Lowering<NodeId> {
        match result {
            Ok(id) => Ok(id),
            Err(NodeLimit) => {
                let span = self.loop_spans.first().copied().unwrap_or(span);
                self.aborted = true;
                self.fail(
                    Diagnostic::error(format!("the program lowers to more than {} graph nodes", self.limits.max_nodes))
                        .with_label(span, "while lowering this")
                        .with_help(
                            Text::from("raise the limit with ")
                                + Setting::MaxNodes.placeholder("N")
                                + " if this is intended",
                        ),
                )
            }
        }
    }

    pub(super) fn const_node(&mut self, value: u32, span: Span) -> Lowering<NodeId> {
        let result = self.graph.constant(value, span);
        self.built(result, span)
    }

    pub(super) fn table_node(&mut self, operands: Vec<NodeId>, table: Vec<u32>, span: Span) -> Lowering<NodeId> {
        let result = self.graph.table(operands, table, span);
        self.built(result, span)
    }

    pub(super) fn mix_node(&mut self, selector: NodeId, choices: Vec<NodeId>, span: Span) -> Lowering<NodeId> {
        let result = self.graph.mix(selector, choices, span);
        self.built(result, span)
    }

    fn params(&mut self) {
        for (id, array) in self.program.params() {
            let mut nodes = Vec::with_capacity(array.len());
            for flat in 0..array.len() {
                match self.param_element(id, array, flat) {
                    Ok(node) => nodes.push(node),
                    Err(Failed) => return,
                }
            }
            self.param_nodes[id] = nodes;
        }
    }

    /// The node of one element of a param: a constant where the declaration binds it, else a
    /// new unknown (of a finite domain, or real) registered in the graph's param slots.
    fn param_element(&mut self, id: ArrayId, array: &ArrayInfo, flat: usize) -> Lowering<NodeId> {
        let span = array.span;
        if array.real {
            if let Some(value) = array.real_binding.as_ref().and_then(|b| b[flat]) {
                return self.real_const_node(value, span);
            }
        } else if let Some(value) = array.binding.as_ref().and_then(|b| b[flat]) {
            return self.const_node(value, span);
        }
        let (kind, domain) = if array.real {
            (NodeKind::RealParam { param: self.graph.graph().real_params.len() }, 1)
        } else {
            (NodeKind::Param { param: self.graph.graph().params.len() }, array.domain)
        };
        let result = self.graph.unique(Node { kind, domain, span, batched: false });
        let node = self.built(result, span)?;
        let name = array.element_name(flat);
        if array.real {
            self.graph.graph_mut().real_params.push(RealParamSlot { array: id, flat, name, node, span });
            self.graph.graph_mut().layout.real.push(ParamElement { array: id, flat });
        } else {
            self.graph.graph_mut().params.push(ParamSlot { array: id, flat, name, domain, node, span });
            self.graph.graph_mut().layout.discrete.push(ParamElement { array: id, flat });
        }
        Ok(node)
    }

    // ------------------------------------------------------------------ reads

    pub(super) fn element_value(&mut self, array: ArrayId, flat: usize, span: Span) -> Lowering<NodeId> {
        let info = &self.program.arrays[array];
        match info.kind {
            DeclKind::Param => Ok(self.param_nodes[array][flat]),
            DeclKind::Input if info.real => {
                if let Some(node) = self.input_nodes[array][flat] {
                    return Ok(node);
                }
                let input = self.graph.graph().real_inputs.len();
                let node = Node { kind: NodeKind::RealInput { input }, domain: 1, span: info.span, batched: true };
                let result = self.graph.unique(node);
                let id = self.built(result, info.span)?;
                self.graph.graph_mut().real_inputs.push(InputSlot { array, flat, node: id });
                self.input_nodes[array][flat] = Some(id);
                Ok(id)
            }
            DeclKind::Input => {
                if let Some(node) = self.input_nodes[array][flat] {
                    return Ok(node);
                }
                let input = self.graph.graph().inputs.len();
                let node =
                    Node { kind: NodeKind::Input { input }, domain: info.domain, span: info.span, batched: true };
                let result = self.graph.unique(node);
                let id = self.built(result, info.span)?;
                self.graph.graph_mut().inputs.push(InputSlot { array, flat, node: id });
                self.input_nodes[array][flat] = Some(id);
                Ok(id)
            }
            DeclKind::Var | DeclKind::Output => match self.slots[array][flat] {
                Slot::Assigned(node) => Ok(node),
                Slot::Unassigned => {
                    let name = info.element_name(flat);
                    let declared = info.name_span;
                    self.fail(
                        Diagnostic::error(format!("`{name}` is read before it is assigned"))
                            .with_label(span, "read here")
                            .with_secondary(declared, "declared here")
                            .with_help(format!("assign `{name}` before this point")),
                    )
                }
                Slot::Poisoned => Err(Failed),
                Slot::Partial(partial) => {
                    let name = info.element_name(flat);
                    self.fail(
                        Diagnostic::error(format!("`{name}` may be unassigned here"))
                            .with_label(span, "read here")
                            .with_secondary(partial, "assigned on some paths of this only")
                            .with_help(format!("assign `{name}` on every path, or before the `if`")),
                    )
                }
            },
        }
    }

    /// Add the current loop variable values to a diagnostic raised inside loops.
    pub(super) fn in_loop(&self, diagnostic: Diagnostic) -> Diagnostic {
        if self.loop_spans.is_empty() {
            return diagnostic;
        }
        let values: Vec<String> = self
            .loop_names
            .iter()
            .zip(&self.loop_vars)
            .take(self.loop_spans.len())
            .map(|(name, value)| format!("`{name}` = {value}"))
            .collect();
        diagnostic.with_note(format!("in the loop iteration where {}", values.join(", ")))
    }

    // ------------------------------------------------------------------ statements

    fn tick(&mut self, span: Span, amount: u64) -> Lowering<()> {
        let graph = self.graph.graph_mut();
        let before = graph.unrolled_statements;
        graph.unrolled_statements = graph.unrolled_statements.saturating_add(amount);
        // The clock is read now and then, not at every statement.
        if before / 1024 != graph.unrolled_statements / 1024 {
            self.poll_stop()?;
        }
        if self.graph.graph().unrolled_statements <= self.limits.max_unroll {
            return Ok(());
        }
        self.aborted = true;
        let outermost = self.loop_spans.first().copied().unwrap_or(span);
        self.fail(
            Diagnostic::error(format!(
                "unrolling this program takes more than {} statements and loop iterations",
                self.limits.max_unroll
            ))
            .with_label(outermost, "this loop unrolls too far")
            .with_help(
                Text::from("reduce the loop bounds, or raise the limit with ") + Setting::MaxUnroll.placeholder("N"),
            ),
        )
    }

    pub(super) fn block(&mut self, stmts: &[Stmt]) -> Lowering<()> {
        for stmt in stmts {
            if self.aborted {
                return Err(Failed);
            }
            // An error in one statement does not stop the others from being checked.
            let _ = self.stmt(stmt);
        }
        if self.aborted {
            return Err(Failed);
        }
        Ok(())
    }

    fn stmt(&mut self, stmt: &Stmt) -> Lowering<()> {
        self.tick(stmt.span, 1)?;
        let outer_roots = std::mem::take(&mut self.real_roots);
        let result = self.stmt_kind(stmt);
        let roots = std::mem::replace(&mut self.real_roots, outer_roots);
        let result = match result {
            Ok(()) => self.check_finite(roots, stmt.span),
            failed => failed,
        };
        if result.is_err() && !self.aborted {
            self.poison(stmt);
        }
        result
    }

    fn stmt_kind(&mut self, stmt: &Stmt) -> Lowering<()> {
        match &stmt.kind {
            StmtKind::Assign { array, indices, value, target_span } => {
                self.assign(*array, indices, value, *target_span, stmt.span)
            }
            StmtKind::For { slot, start, end, body, var_name, .. } => {
                self.loop_names.push(var_name.clone());
                let result = self.for_loop(*slot, start, end, body, stmt.span);
                self.loop_names.pop();
                result
            }
            StmtKind::If { branches, otherwise } => self.if_stmt(branches, otherwise.as_deref(), stmt.span),
            StmtKind::Match { scrutinee, arms } => self.match_stmt(scrutinee, arms, stmt.span),
            StmtKind::Observe(expr) => self.observe(expr),
            StmtKind::Minimize(expr) => self.minimize(expr),
        }
    }

    /// After a statement failed, mark what it would have assigned, so that later reads do
    /// not report the same mistake again as "read before it is assigned".
    fn poison(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Assign { array, indices, .. } => {
                let mut env = tpt_core::eval::ConstEnv { loop_vars: &self.loop_vars, fn_args: &[] };
                let known = indices
                    .iter()
                    .all(Expr::is_constant)
                    .then(|| element_position(self.program, *array, indices, &mut env));
                match known {
                    Some(Ok(flat)) => self.write(*array, flat, Slot::Poisoned),
                    // The element is not known: elements with a value keep it, the others
                    // are poisoned.
                    _ => {
                        for flat in 0..self.slots[*array].len() {
                            if !matches!(self.slots[*array][flat], Slot::Assigned(_) | Slot::Poisoned) {
                                self.write(*array, flat, Slot::Poisoned);
                            }
                        }
                    }
                }
            }
            StmtKind::For { body, .. } => self.poison_all(body),
            StmtKind::If { branches, otherwise } => {
                for (_, block) in branches {
                    self.poison_all(block);
                }
                if let Some(block) = otherwise {
                    self.poison_all(block);
                }
            }
            StmtKind::Match { arms, .. } => {
                for arm in arms {
                    self.poison_all(&arm.body);
                }
            }
            StmtKind::Observe(_) | StmtKind::Minimize(_) => {}
        }
    }

    /// Poison the elements without a value of every array a block assigns.
    fn poison_all(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            match &stmt.kind {
                StmtKind::Assign { array, .. } => {
                    for flat in 0..self.slots[*array].len() {
                        if !matches!(self.slots[*array][flat], Slot::Assigned(_) | Slot::Poisoned) {
                            self.write(*array, flat, Slot::Poisoned);
                        }
                    }
                }
                _ => self.poison(stmt),
            }
        }
    }

    pub(super) fn write(&mut self, array: ArrayId, flat: usize, slot: Slot) {
        if self.branch_depth > 0 {
            self.undo.push((array, flat, self.slots[array][flat]));
        }
        self.slots[array][flat] = slot;
    }

    fn assign(&mut self, array: ArrayId, indices: &[Expr], value: &Expr, target: Span, span: Span) -> Lowering<()> {
        let node =
            if self.program.arrays[array].real { self.real_value(value)? } else { self.value_in_domain(value, array)? };
        if indices.iter().all(Expr::is_constant) {
            let flat = self.constant_position(array, indices)?;
            self.write(array, flat, Slot::Assigned(node));
            return Ok(());
        }
        match self.index_selector(array, indices, target)? {
            Selected::Known(flat) => self.write(array, flat, Slot::Assigned(node)),
            Selected::Unreachable => {}
            Selected::Runtime { selector, positions } => {
                let count = positions.len();
                // A table over the selector for each element it can pick.
                self.spend((count as u64).saturating_mul(count as u64), target)?;
                for (choice, flat) in positions.into_iter().enumerate() {
                    // Element `flat` takes the new value when the selector picks it.
                    let picked: Vec<u32> = (0..count).map(|s| u32::from(s == choice)).collect();
                    let chosen = self.table_node(vec![selector], picked, target)?;
                    let slot = match self.slots[array][flat] {
                        Slot::Assigned(old) => Slot::Assigned(self.mix_node(chosen, vec![old, node], span)?),
                        Slot::Unassigned | Slot::Partial(_) => Slot::Partial(span),
                        Slot::Poisoned => Slot::Poisoned,
                    };
                    self.write(array, flat, slot);
                }
            }
        }
        Ok(())
    }

    fn for_loop(&mut self, slot: usize, start: &Expr, end: &Expr, body: &[Stmt], span: Span) -> Lowering<()> {
        let mut env = tpt_core::eval::ConstEnv { loop_vars: &self.loop_vars, fn_args: &[] };
        let bounds = (eval(self.program, start, &mut env), eval(self.program, end, &mut env));
        let (start, end) = match bounds {
            (Ok(s), Ok(e)) => (s, e),
            (Err(error), _) | (_, Err(error)) => {
                let mut diagnostic = eval_error_diagnostic(self.program, &error, "");
                diagnostic.message.append(" in a loop bound");
                let diagnostic = self.in_loop(diagnostic);
                return self.fail(diagnostic);
            }
        };
        let trips = end.saturating_sub(start).max(0) as u64;
        // Refuse a loop that cannot fit in the budget before running any of it.
        let remaining = self.limits.max_unroll.saturating_sub(self.graph.graph().unrolled_statements);
        let per_trip = (body.len() as u64).max(1);
        if trips.saturating_mul(per_trip) > remaining {
            self.loop_spans.push(span);
            let result = self.tick(span, trips.saturating_mul(per_trip));
            self.loop_spans.pop();
            return result;
        }
        self.loop_spans.push(span);
        let mut result = Ok(());
        for value in start..end {
            self.loop_vars[slot] = value;
            if self.tick(span, 1).is_err() || self.block(body).is_err() {
                result = Err(Failed);
                if self.aborted {
                    break;
                }
            }
        }
        self.loop_spans.pop();
        result
    }
}
