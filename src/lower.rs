//! Checked program -> differentiable graph. Unrolls loops, resolves constant conditions,
//! tabulates every runtime expression over its distinct operands, turns runtime `if`,
//! `match` and indexing into mixtures, and checks what only unrolling can reveal (index
//! ranges, reads before assignment, values outside a domain), naming the combination of
//! operand values at fault. Every node keeps the span of the syntax that caused it.

use std::collections::{BTreeMap, HashMap};

use crate::ast::DeclKind;
use crate::check::dedup;
use crate::diagnostics::Diagnostic;
use crate::eval::{arm_position, element_position, eval, Env, EvalError};
use crate::eval::{eval_error_diagnostic, index_out_of_range};
use crate::graph::*;
use crate::limits::Limits;
use crate::program::*;
use crate::span::Span;

/// The graph and the warnings found while lowering.
#[derive(Debug)]
pub struct Lowered {
    pub graph: Graph,
    pub warnings: Vec<Diagnostic>,
}

/// Lower a checked program. On failure the diagnostics hold at least one error.
pub fn lower(program: &Program, limits: &Limits) -> Result<Lowered, Vec<Diagnostic>> {
    let mut lowerer = Lowerer::new(program, limits);
    lowerer.params();
    let _ = lowerer.block(&program.body);
    if !lowerer.aborted {
        lowerer.outputs();
    }
    lowerer.finish()
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

/// A runtime computation: known at compile time, or tabulated over its operands.
enum Computed {
    Known(i64),
    Table(Tabulated),
}

/// How a computation is evaluated for one combination of operand values.
type Evaluate<'a> = &'a dyn Fn(&Program, &mut dyn Env) -> Result<i64, EvalError>;

/// Lowering stops at the first error of a statement; the error is already recorded.
struct Failed;

type Lowering<T> = Result<T, Failed>;

#[derive(Clone, PartialEq, Eq, Hash)]
enum NodeKey {
    Const(u32),
    Table(Vec<NodeId>, Vec<u32>),
    Mix(NodeId, Vec<NodeId>),
}

/// The distinct operands of one runtime computation.
#[derive(Default)]
struct Operands {
    nodes: Vec<NodeId>,
    names: Vec<String>,
    /// Where each operand is read in the source (once per occurrence).
    spans: Vec<Vec<Span>>,
    /// Operand position of each element-read expression.
    by_expr: HashMap<ExprId, usize>,
}

/// A computation tabulated over its operands.
struct Tabulated {
    operands: Vec<NodeId>,
    names: Vec<String>,
    /// The value for each combination; `None` where the enclosing runtime branches cannot
    /// be taken with these operand values, so the value never matters.
    results: Vec<Option<i64>>,
}

impl Tabulated {
    /// The results with unreachable combinations given `fill`.
    fn filled(&self, fill: i64) -> impl Iterator<Item = i64> + '_ {
        self.results.iter().map(move |r| r.unwrap_or(fill))
    }

    /// The distinct reachable results, sorted.
    fn reachable(&self) -> Vec<i64> {
        let mut values: Vec<i64> = self.results.iter().flatten().copied().collect();
        values.sort_unstable();
        values.dedup();
        values
    }
}

/// Inside a runtime branch: the selector's value is `branch` there.
#[derive(Clone, Copy, Debug)]
struct PathCondition {
    selector: NodeId,
    branch: u32,
}

struct Lowerer<'p> {
    program: &'p Program,
    limits: &'p Limits,
    graph: Graph,
    cache: HashMap<NodeKey, NodeId>,
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
    observes: Vec<(NodeId, Span)>,
    /// The runtime branches being lowered, outermost first.
    path: Vec<PathCondition>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    aborted: bool,
}

struct EnumEnv<'a> {
    loop_vars: &'a [i64],
    by_expr: &'a HashMap<ExprId, usize>,
    values: &'a [i64],
}

impl Env for EnumEnv<'_> {
    fn loop_var(&self, slot: usize) -> i64 {
        self.loop_vars.get(slot).copied().unwrap_or(0)
    }

    fn fn_arg(&self, _: usize) -> i64 {
        0
    }

    fn element(&mut self, _: &Program, expr: &Expr) -> Result<i64, EvalError> {
        match self.by_expr.get(&expr.id) {
            Some(&position) => Ok(self.values[position]),
            None => Err(EvalError::NotConstant { span: expr.span }),
        }
    }
}

impl<'p> Lowerer<'p> {
    fn new(program: &'p Program, limits: &'p Limits) -> Self {
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
            graph: Graph { num_examples: program.examples.len(), ..Graph::default() },
            cache: HashMap::new(),
            param_nodes: vec![Vec::new(); program.arrays.len()],
            input_nodes,
            slots,
            undo: Vec::new(),
            branch_depth: 0,
            loop_vars: vec![0; program.loop_depth],
            loop_spans: Vec::new(),
            loop_names: Vec::new(),
            observes: Vec::new(),
            path: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            aborted: false,
        }
    }

    fn finish(mut self) -> Result<Lowered, Vec<Diagnostic>> {
        if !self.errors.is_empty() {
            return Err(dedup(self.errors));
        }
        let inputs = self.graph.inputs.clone();
        let mut values = Vec::with_capacity(inputs.len() * self.program.examples.len());
        for example in &self.program.examples {
            values.extend(inputs.iter().map(|slot| example.input(slot.array, slot.flat)));
        }
        self.graph.input_values = values;
        if self.graph.observations.is_empty() {
            self.warnings.push(
                Diagnostic::warning("nothing is observed")
                    .with_help("give output values in `example` blocks, or constrain the program with `observe`"),
            );
        }
        Ok(Lowered { graph: self.graph, warnings: self.warnings })
    }

    fn fail<T>(&mut self, diagnostic: Diagnostic) -> Lowering<T> {
        self.errors.push(diagnostic);
        if self.errors.len() > 100 {
            self.aborted = true;
        }
        Err(Failed)
    }

    // ------------------------------------------------------------------ nodes

    fn add(&mut self, key: Option<NodeKey>, node: Node) -> Lowering<NodeId> {
        if let Some(&id) = key.as_ref().and_then(|k| self.cache.get(k)) {
            return Ok(id);
        }
        if self.graph.len() as u64 >= self.limits.max_nodes {
            let span = self.loop_spans.first().copied().unwrap_or(node.span);
            self.aborted = true;
            return self.fail(
                Diagnostic::error(format!("the program lowers to more than {} graph nodes", self.limits.max_nodes))
                    .with_label(span, "while lowering this")
                    .with_help("raise the limit with `--max-nodes N` if this is intended"),
            );
        }
        let id = self.graph.add(node);
        if let Some(key) = key {
            self.cache.insert(key, id);
        }
        Ok(id)
    }

    fn const_node(&mut self, value: u32, span: Span) -> Lowering<NodeId> {
        let node = Node { kind: NodeKind::Const { value }, domain: value + 1, span, batched: false };
        self.add(Some(NodeKey::Const(value)), node)
    }

    /// A table node over `operands`, simplified when it is constant or a plain copy.
    fn table_node(&mut self, operands: Vec<NodeId>, table: Vec<u32>, span: Span) -> Lowering<NodeId> {
        let first = table.first().copied().unwrap_or(0);
        if table.iter().all(|&v| v == first) {
            return self.const_node(first, span);
        }
        if operands.len() == 1
            && self.graph.node(operands[0]).domain as usize == table.len()
            && table.iter().enumerate().all(|(i, &v)| i as u32 == v)
        {
            return Ok(operands[0]);
        }
        let domain = table.iter().copied().max().unwrap_or(0) + 1;
        let batched = operands.iter().any(|&o| self.graph.node(o).batched);
        let key = NodeKey::Table(operands.clone(), table.clone());
        let node = Node { kind: NodeKind::Table { operands, table }, domain, span, batched };
        self.add(Some(key), node)
    }

    fn mix_node(&mut self, selector: NodeId, choices: Vec<NodeId>, span: Span) -> Lowering<NodeId> {
        if choices.iter().all(|&c| c == choices[0]) {
            return Ok(choices[0]);
        }
        let domain = choices.iter().map(|&c| self.graph.node(c).domain).max().unwrap_or(1);
        let batched = self.graph.node(selector).batched || choices.iter().any(|&c| self.graph.node(c).batched);
        let key = NodeKey::Mix(selector, choices.clone());
        let node = Node { kind: NodeKind::Mix { selector, choices }, domain, span, batched };
        self.add(Some(key), node)
    }

    fn params(&mut self) {
        for (id, array) in self.program.params() {
            let mut nodes = Vec::with_capacity(array.len());
            for flat in 0..array.len() {
                let bound = array.binding.as_ref().and_then(|b| b[flat]);
                let node = match bound {
                    Some(value) => self.const_node(value, array.span),
                    None => {
                        let param = self.graph.params.len();
                        let node = Node {
                            kind: NodeKind::Param { param },
                            domain: array.domain,
                            span: array.span,
                            batched: false,
                        };
                        let result = self.add(None, node);
                        if let Ok(node) = result {
                            self.graph.params.push(ParamSlot {
                                array: id,
                                flat,
                                name: array.element_name(flat),
                                domain: array.domain,
                                node,
                                span: array.span,
                            });
                        }
                        result
                    }
                };
                match node {
                    Ok(node) => nodes.push(node),
                    Err(Failed) => return,
                }
            }
            self.param_nodes[id] = nodes;
        }
    }

    // ------------------------------------------------------------------ reads

    fn element_value(&mut self, array: ArrayId, flat: usize, span: Span) -> Lowering<NodeId> {
        let info = &self.program.arrays[array];
        match info.kind {
            DeclKind::Param => Ok(self.param_nodes[array][flat]),
            DeclKind::Input => {
                if let Some(node) = self.input_nodes[array][flat] {
                    return Ok(node);
                }
                let input = self.graph.inputs.len();
                let node =
                    Node { kind: NodeKind::Input { input }, domain: info.domain, span: info.span, batched: true };
                let id = self.add(None, node)?;
                self.graph.inputs.push(InputSlot { array, flat, node: id });
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

    /// Which element an index list selects: a constant position, or a selector node whose
    /// value `s` selects the flat position `positions[s]`.
    fn index_selector(&mut self, array: ArrayId, indices: &[Expr], span: Span) -> Lowering<Selected> {
        let position = |program: &Program, env: &mut dyn Env| {
            element_position(program, array, indices, env).map(|flat| flat as i64)
        };
        let roots: Vec<&Expr> = indices.iter().collect();
        let tabulated = match self.compute(&roots, span, &position)? {
            Computed::Known(flat) => return Ok(Selected::Known(flat as usize)),
            Computed::Table(t) => t,
        };
        // Renumber the reachable positions densely so the mixture has no dead choices.
        let positions: Vec<usize> = tabulated.reachable().into_iter().map(|r| r as usize).collect();
        if positions.is_empty() {
            return Ok(Selected::Unreachable);
        }
        let table: Vec<u32> = tabulated
            .filled(positions[0] as i64)
            .map(|r| positions.binary_search(&(r as usize)).unwrap_or(0) as u32)
            .collect();
        if positions.len() == 1 {
            return Ok(Selected::Known(positions[0]));
        }
        let selector = self.table_node(tabulated.operands, table, span)?;
        Ok(Selected::Runtime { selector, positions })
    }

    /// The node for an element read with runtime indices: a mixture over the elements the
    /// indices can select.
    fn runtime_read(&mut self, array: ArrayId, indices: &[Expr], span: Span) -> Lowering<NodeId> {
        match self.index_selector(array, indices, span)? {
            Selected::Known(flat) => self.element_value(array, flat, span),
            // The read never happens, so its value does not matter.
            Selected::Unreachable => self.const_node(0, span),
            Selected::Runtime { selector, positions } => {
                let mut choices = Vec::with_capacity(positions.len());
                for flat in positions {
                    choices.push(self.element_value(array, flat, span)?);
                }
                self.mix_node(selector, choices, span)
            }
        }
    }

    /// Find the distinct operands of `expr`: element reads, with runtime-indexed reads
    /// lowered to mixtures first.
    fn collect_operands(&mut self, expr: &Expr, operands: &mut Operands) -> Lowering<()> {
        if let ExprKind::Elem { array, indices } = &expr.kind {
            let node = if indices.iter().all(Expr::is_constant) {
                let flat = self.constant_position(*array, indices)?;
                self.element_value(*array, flat, expr.span)?
            } else {
                self.runtime_read(*array, indices, expr.span)?
            };
            let position = match operands.nodes.iter().position(|&n| n == node) {
                Some(position) => position,
                None => {
                    operands.nodes.push(node);
                    operands.names.push(expr_text(self.program, expr, &self.loop_vars));
                    operands.spans.push(Vec::new());
                    operands.nodes.len() - 1
                }
            };
            operands.by_expr.insert(expr.id, position);
            operands.spans[position].push(expr.span);
            return Ok(());
        }
        for child in expr.children() {
            self.collect_operands(child, operands)?;
        }
        Ok(())
    }

    /// The flat position of constant indices (evaluated with the current loop variables).
    fn constant_position(&mut self, array: ArrayId, indices: &[Expr]) -> Lowering<usize> {
        let mut env = crate::eval::ConstEnv { loop_vars: &self.loop_vars, fn_args: &[] };
        match element_position(self.program, array, indices, &mut env) {
            Ok(flat) => Ok(flat),
            Err(EvalError::IndexOutOfRange { span, array, dim, index }) => {
                let diagnostic = index_out_of_range(&self.program.arrays[array], dim, index, span);
                self.fail(self.in_loop(diagnostic))
            }
            Err(error) => {
                let diagnostic = eval_error_diagnostic(self.program, &error, "");
                self.fail(diagnostic)
            }
        }
    }

    /// Add the current loop variable values to a diagnostic raised inside loops.
    fn in_loop(&self, diagnostic: Diagnostic) -> Diagnostic {
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

    /// Evaluate a runtime computation for every combination of its operands' values.
    fn compute(&mut self, roots: &[&Expr], span: Span, evaluate: Evaluate) -> Lowering<Computed> {
        let mut operands = Operands::default();
        for root in roots {
            self.collect_operands(root, &mut operands)?;
        }
        let domains: Vec<u32> = operands.nodes.iter().map(|&n| self.graph.node(n).domain).collect();
        let combinations = domains.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d as u64));
        let Some(combinations) = combinations.filter(|&n| n <= self.limits.max_enum) else {
            const SHOWN: usize = 8;
            let mut listed: Vec<String> = operands
                .names
                .iter()
                .zip(&domains)
                .take(SHOWN)
                .map(|(name, d)| format!("`{name}` ({d} values)"))
                .collect();
            if operands.names.len() > SHOWN {
                listed.push(format!("and {} more", operands.names.len() - SHOWN));
            }
            let count = combinations.map_or("more than 2^64".to_string(), |n| n.to_string());
            return self.fail(
                Diagnostic::error("this expression has too many combinations of operand values to enumerate")
                    .with_label(
                        span,
                        format!("{count} combinations of its {} runtime operands", operands.names.len()),
                    )
                    .with_note(format!("operands: {}", listed.join(", ")))
                    .with_help(format!(
                        "the limit is {} combinations; split the expression into smaller ones, or raise it with `--max-enum N`",
                        self.limits.max_enum
                    )),
            );
        };
        let mut values = vec![0i64; domains.len()];
        let mut results = Vec::with_capacity(combinations as usize);
        let filters = self.path_filters(&operands.nodes);
        for _ in 0..combinations {
            // Combinations the enclosing branches exclude never run: their value does not
            // matter, and neither do errors they would raise.
            if !filters.iter().all(|f| f.allows(&values)) {
                results.push(None);
                advance(&mut values, &domains);
                continue;
            }
            let mut env = EnumEnv { loop_vars: &self.loop_vars, by_expr: &operands.by_expr, values: &values };
            match evaluate(self.program, &mut env) {
                Ok(result) => results.push(Some(result)),
                Err(error) => {
                    // Name only the operands inside the failing sub-expression: the others
                    // did not cause the error. With none inside it, all of them are named.
                    let at = error.span();
                    let inside = |spans: &Vec<Span>| spans.iter().any(|s| s.start >= at.start && s.end <= at.end);
                    let mut relevant: Vec<usize> = (0..values.len()).filter(|&p| inside(&operands.spans[p])).collect();
                    if relevant.is_empty() {
                        relevant = (0..values.len()).collect();
                    }
                    let names: Vec<String> = relevant.iter().map(|&p| operands.names[p].clone()).collect();
                    let picked: Vec<i64> = relevant.iter().map(|&p| values[p]).collect();
                    let when = describe_combination(&names, &picked);
                    let diagnostic = eval_error_diagnostic(self.program, &error, &when);
                    let diagnostic = self.in_loop(diagnostic);
                    return self.fail(diagnostic);
                }
            }
            advance(&mut values, &domains);
        }
        if operands.nodes.is_empty() {
            return Ok(Computed::Known(results[0].unwrap_or(0)));
        }
        Ok(Computed::Table(Tabulated { operands: operands.nodes, results, names: operands.names }))
    }

    /// For each enclosing runtime branch whose selector can be decided from some of these
    /// operands, the operand value combinations under which the branch is taken.
    fn path_filters(&self, operands: &[NodeId]) -> Vec<PathFilter> {
        let mut filters = Vec::new();
        for condition in &self.path {
            if let Some(position) = operands.iter().position(|&o| o == condition.selector) {
                filters.push(PathFilter::Direct { position, branch: condition.branch as i64 });
                continue;
            }
            let NodeKind::Table { operands: selector_operands, table } = &self.graph.node(condition.selector).kind
            else {
                continue;
            };
            let shared: Vec<Option<usize>> =
                selector_operands.iter().map(|s| operands.iter().position(|o| o == s)).collect();
            if shared.iter().all(Option::is_none) {
                continue;
            }
            // Project the selector's table onto the shared operands.
            let domains: Vec<u32> = selector_operands.iter().map(|&o| self.graph.node(o).domain).collect();
            let mut values = vec![0i64; domains.len()];
            let mut allowed = std::collections::HashSet::new();
            for &result in table {
                if result == condition.branch {
                    let key: Vec<(usize, i64)> =
                        shared.iter().zip(&values).filter_map(|(s, &v)| s.map(|p| (p, v))).collect();
                    allowed.insert(key);
                }
                advance(&mut values, &domains);
            }
            let positions: Vec<usize> = shared.iter().flatten().copied().collect();
            filters.push(PathFilter::Projected { positions, allowed });
        }
        filters
    }

    /// A runtime value that must lie in `0..domain` (an assignment to `array`).
    fn value_in_domain(&mut self, expr: &Expr, array: ArrayId) -> Lowering<NodeId> {
        let info = &self.program.arrays[array];
        let domain = info.domain as i64;
        let evaluate = |program: &Program, env: &mut dyn Env| eval(program, expr, env);
        let bad = |value: i64| value < 0 || value >= domain;
        match self.compute(&[expr], expr.span, &evaluate)? {
            Computed::Known(value) if bad(value) => {
                let diagnostic = Diagnostic::error(format!("{value} is outside the domain of `{}`", info.name))
                    .with_label(expr.span, format!("this is {value}"))
                    .with_secondary(info.name_span, format!("`{}` takes values 0..{domain}", info.name));
                let diagnostic = self.in_loop(diagnostic);
                self.fail(diagnostic)
            }
            Computed::Known(value) => self.const_node(value as u32, expr.span),
            Computed::Table(t) => {
                if let Some(position) = t.results.iter().position(|v| v.is_some_and(bad)) {
                    let value = t.results[position].unwrap_or(0);
                    let when = describe_combination(&t.names, &combination(&t, &self.graph, position));
                    let diagnostic =
                        Diagnostic::error(format!("this value can be {value}, outside the domain of `{}`", info.name))
                            .with_label(expr.span, format!("{value} when {when}"))
                            .with_secondary(info.name_span, format!("`{}` takes values 0..{domain}", info.name))
                            .with_help(
                                "widen the domain of the target, or keep the value in range (for example with `%`)",
                            );
                    let diagnostic = self.in_loop(diagnostic);
                    return self.fail(diagnostic);
                }
                let table = t.filled(0).map(|v| v as u32).collect();
                self.table_node(t.operands, table, expr.span)
            }
        }
    }

    /// A selector over `count` branches; `Known` when the branch is decided at compile time.
    fn selector(&mut self, roots: &[&Expr], span: Span, evaluate: Evaluate) -> Lowering<Computed> {
        self.compute(roots, span, evaluate)
    }

    // ------------------------------------------------------------------ statements

    fn tick(&mut self, span: Span, amount: u64) -> Lowering<()> {
        self.graph.unrolled_statements = self.graph.unrolled_statements.saturating_add(amount);
        if self.graph.unrolled_statements <= self.limits.max_unroll {
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
            .with_help("reduce the loop bounds, or raise the limit with `--max-unroll N`"),
        )
    }

    fn block(&mut self, stmts: &[Stmt]) -> Lowering<()> {
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
        let result = match &stmt.kind {
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
        };
        if result.is_err() && !self.aborted {
            self.poison(stmt);
        }
        result
    }

    /// After a statement failed, mark what it would have assigned, so that later reads do
    /// not report the same mistake again as "read before it is assigned".
    fn poison(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Assign { array, indices, .. } => {
                let mut env = crate::eval::ConstEnv { loop_vars: &self.loop_vars, fn_args: &[] };
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
            StmtKind::Observe(_) => {}
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

    fn write(&mut self, array: ArrayId, flat: usize, slot: Slot) {
        if self.branch_depth > 0 {
            self.undo.push((array, flat, self.slots[array][flat]));
        }
        self.slots[array][flat] = slot;
    }

    fn assign(&mut self, array: ArrayId, indices: &[Expr], value: &Expr, target: Span, span: Span) -> Lowering<()> {
        let node = self.value_in_domain(value, array)?;
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
        let mut env = crate::eval::ConstEnv { loop_vars: &self.loop_vars, fn_args: &[] };
        let bounds = (eval(self.program, start, &mut env), eval(self.program, end, &mut env));
        let (start, end) = match bounds {
            (Ok(s), Ok(e)) => (s, e),
            (Err(error), _) | (_, Err(error)) => {
                let mut diagnostic = eval_error_diagnostic(self.program, &error, "");
                diagnostic.message = format!("{} in a loop bound", diagnostic.message);
                let diagnostic = self.in_loop(diagnostic);
                return self.fail(diagnostic);
            }
        };
        let trips = end.saturating_sub(start).max(0) as u64;
        // Refuse a loop that cannot fit in the budget before running any of it.
        let remaining = self.limits.max_unroll.saturating_sub(self.graph.unrolled_statements);
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

    fn if_stmt(&mut self, branches: &[(Expr, Vec<Stmt>)], otherwise: Option<&[Stmt]>, span: Span) -> Lowering<()> {
        // Leading constant conditions are decided now; the rest form one runtime selector.
        let mut first_runtime = branches.len();
        for (position, (condition, block)) in branches.iter().enumerate() {
            if !condition.is_constant() {
                first_runtime = position;
                break;
            }
            let mut env = crate::eval::ConstEnv { loop_vars: &self.loop_vars, fn_args: &[] };
            match eval(self.program, condition, &mut env) {
                Ok(0) => continue,
                Ok(_) => return self.block(block),
                Err(error) => {
                    let diagnostic = eval_error_diagnostic(self.program, &error, "");
                    let diagnostic = self.in_loop(diagnostic);
                    return self.fail(diagnostic);
                }
            }
        }
        if first_runtime == branches.len() {
            return match otherwise {
                Some(block) => self.block(block),
                None => Ok(()),
            };
        }
        let rest = &branches[first_runtime..];
        let conditions: Vec<&Expr> = rest.iter().map(|(c, _)| c).collect();
        let evaluate = |program: &Program, env: &mut dyn Env| -> Result<i64, EvalError> {
            for (position, condition) in conditions.iter().enumerate() {
                if eval(program, condition, env)? != 0 {
                    return Ok(position as i64);
                }
            }
            Ok(conditions.len() as i64)
        };
        let mut bodies: Vec<Option<&[Stmt]>> = rest.iter().map(|(_, b)| Some(b.as_slice())).collect();
        bodies.push(otherwise);
        let span_of_conditions = conditions.iter().map(|c| c.span).reduce(Span::to).unwrap_or(span);
        let computed = self.selector(&conditions, span_of_conditions, &evaluate)?;
        self.branches(computed, &bodies, span)
    }

    fn match_stmt(&mut self, scrutinee: &Expr, arms: &[Arm<Vec<Stmt>>], span: Span) -> Lowering<()> {
        let evaluate = |program: &Program, env: &mut dyn Env| -> Result<i64, EvalError> {
            let value = eval(program, scrutinee, env)?;
            Ok(arm_position(program, arms, value, env)? as i64)
        };
        let mut bodies: Vec<Option<&[Stmt]>> = arms.iter().map(|a| Some(a.body.as_slice())).collect();
        bodies.push(None);
        let computed = self.selector(&[scrutinee], scrutinee.span, &evaluate)?;
        self.branches(computed, &bodies, span)
    }

    /// Lower the branches a selector chooses between and merge what they assign.
    fn branches(&mut self, computed: Computed, bodies: &[Option<&[Stmt]>], span: Span) -> Lowering<()> {
        let tabulated = match computed {
            Computed::Known(position) => {
                return match bodies.get(position as usize).copied().flatten() {
                    Some(block) => self.block(block),
                    None => Ok(()),
                }
            }
            Computed::Table(t) => t,
        };
        // Only branches the selector can reach are lowered; renumber them densely.
        let reachable: Vec<usize> = tabulated.reachable().into_iter().map(|r| r as usize).collect();
        // Each enclosing branch is taken for some operand values, but together they can
        // exclude every value of these operands (`if p != q { if p == 0 { if q == 0 { .. }}}`):
        // then this statement never runs.
        if reachable.is_empty() {
            return Ok(());
        }
        if reachable.len() == 1 {
            return match bodies.get(reachable[0]).copied().flatten() {
                Some(block) => self.block(block),
                None => Ok(()),
            };
        }
        let table: Vec<u32> = tabulated
            .filled(reachable[0] as i64)
            .map(|r| reachable.binary_search(&(r as usize)).unwrap_or(0) as u32)
            .collect();
        let selector = self.table_node(tabulated.operands, table, span)?;

        let undo_base = self.undo.len();
        let observe_base = self.observes.len();
        let mut writes: Vec<BTreeMap<(ArrayId, usize), Slot>> = Vec::new();
        let mut observed: Vec<Vec<(NodeId, Span)>> = Vec::new();
        let mut result = Ok(());
        self.branch_depth += 1;
        for (position, &branch) in reachable.iter().enumerate() {
            if let Some(block) = bodies.get(branch).copied().flatten() {
                self.path.push(PathCondition { selector, branch: position as u32 });
                if self.block(block).is_err() {
                    result = Err(Failed);
                }
                self.path.pop();
            }
            let mut written = BTreeMap::new();
            for &(array, flat, _) in &self.undo[undo_base..] {
                written.insert((array, flat), self.slots[array][flat]);
            }
            while self.undo.len() > undo_base {
                if let Some((array, flat, old)) = self.undo.pop() {
                    self.slots[array][flat] = old;
                }
            }
            writes.push(written);
            observed.push(self.observes.split_off(observe_base));
        }
        self.branch_depth -= 1;
        result?;
        self.merge(selector, &writes, span)?;
        let always = self.const_node(1, span)?;
        for (branch, list) in observed.into_iter().enumerate() {
            for (node, observe_span) in list {
                // The observation only binds when this branch is taken.
                let choices = (0..reachable.len()).map(|b| if b == branch { node } else { always }).collect();
                let guarded = self.mix_node(selector, choices, observe_span)?;
                self.observes.push((guarded, observe_span));
            }
        }
        Ok(())
    }

    fn merge(&mut self, selector: NodeId, writes: &[BTreeMap<(ArrayId, usize), Slot>], span: Span) -> Lowering<()> {
        let mut touched: Vec<(ArrayId, usize)> = writes.iter().flat_map(|w| w.keys().copied()).collect();
        touched.sort_unstable();
        touched.dedup();
        for (array, flat) in touched {
            let before = self.slots[array][flat];
            let after: Vec<Slot> = writes.iter().map(|w| w.get(&(array, flat)).copied().unwrap_or(before)).collect();
            let merged = if after.iter().all(|s| *s == after[0]) {
                after[0]
            } else if after.iter().all(|s| matches!(s, Slot::Assigned(_))) {
                let choices = after
                    .iter()
                    .map(|s| match s {
                        Slot::Assigned(node) => *node,
                        _ => 0,
                    })
                    .collect();
                Slot::Assigned(self.mix_node(selector, choices, span)?)
            } else if after.contains(&Slot::Poisoned) {
                Slot::Poisoned
            } else {
                Slot::Partial(span)
            };
            if merged != before {
                self.write(array, flat, merged);
            }
        }
        Ok(())
    }

    fn observe(&mut self, expr: &Expr) -> Lowering<()> {
        let evaluate = |program: &Program, env: &mut dyn Env| Ok(i64::from(eval(program, expr, env)? == 1));
        match self.compute(&[expr], expr.span, &evaluate)? {
            Computed::Known(1) => Ok(()),
            Computed::Known(_) if self.branch_depth == 0 => {
                let diagnostic = Diagnostic::error("this `observe` can never hold")
                    .with_label(expr.span, "this is never 1")
                    .with_help("`observe e;` requires `e` to be 1 in every example");
                let diagnostic = self.in_loop(diagnostic);
                self.fail(diagnostic)
            }
            Computed::Known(_) => {
                let never = self.const_node(0, expr.span)?;
                self.observes.push((never, expr.span));
                Ok(())
            }
            // Outside runtime branches, an `observe` of inputs and unbound params that no value
            // of theirs satisfies fails in every example, like a constant one. (Inside a branch
            // it only says that the branch must not be taken. Other operands are left alone:
            // the domain of a computed node can be narrower than its declaration, and one that
            // depends on bound params should fail at `tpt run`, naming the example.)
            Computed::Table(t)
                if self.branch_depth == 0
                    && t.results.iter().all(|r| *r != Some(1))
                    && t.operands.iter().all(|&o| {
                        matches!(self.graph.node(o).kind, NodeKind::Input { .. } | NodeKind::Param { .. })
                    }) =>
            {
                let names: Vec<String> = t.names.iter().map(|n| format!("`{n}`")).collect();
                let diagnostic = Diagnostic::error("this `observe` can never hold")
                    .with_label(expr.span, format!("this is 1 for no value of {}", names.join(", ")))
                    .with_help("`observe e;` requires `e` to be 1 in every example");
                let diagnostic = self.in_loop(diagnostic);
                self.fail(diagnostic)
            }
            Computed::Table(t) => {
                let table = t.filled(1).map(|v| v as u32).collect();
                let node = self.table_node(t.operands, table, expr.span)?;
                self.observes.push((node, expr.span));
                Ok(())
            }
        }
    }

    /// Record the observations: every observed output element and every `observe`.
    fn outputs(&mut self) {
        let examples = &self.program.examples;
        for (array, info) in self.program.arrays.iter().enumerate() {
            if info.kind != DeclKind::Output {
                continue;
            }
            for flat in 0..info.len() {
                let expected: Vec<Option<u32>> = examples.iter().map(|e| e.observed(array, flat)).collect();
                let Some(first) = expected.iter().position(Option::is_some) else { continue };
                let example = &examples[first];
                let at = example.entry_spans[array].unwrap_or(example.span);
                let name = info.element_name(flat);
                let node = match self.slots[array][flat] {
                    Slot::Assigned(node) => node,
                    // The failed assignment is already reported.
                    Slot::Poisoned => continue,
                    Slot::Unassigned => {
                        let diagnostic = Diagnostic::error(format!("output `{name}` is observed but never assigned"))
                            .with_label_in(example.source, at, format!("{} observes `{name}`", example.label), true)
                            .with_secondary(info.name_span, "declared here")
                            .with_help(format!("assign `{name}` in the program"));
                        let _ = self.fail::<()>(diagnostic);
                        continue;
                    }
                    Slot::Partial(partial) => {
                        let diagnostic = Diagnostic::error(format!("output `{name}` may be unassigned at the end"))
                            .with_label(partial, "assigned on some paths of this only")
                            .with_label_in(example.source, at, format!("{} observes `{name}`", example.label), false)
                            .with_help(format!("assign `{name}` on every path"));
                        let _ = self.fail::<()>(diagnostic);
                        continue;
                    }
                };
                self.graph.observations.push(Observation {
                    node,
                    target: Target::Output { array, flat },
                    span: info.name_span,
                    expected,
                });
            }
        }
        let count = examples.len();
        for (node, span) in std::mem::take(&mut self.observes) {
            self.graph.observations.push(Observation {
                node,
                target: Target::Observe,
                span,
                expected: vec![Some(1); count],
            });
        }
    }
}

/// A restriction of a computation's operand values to those an enclosing branch allows.
enum PathFilter {
    /// The branch's selector is itself operand `position`.
    Direct { position: usize, branch: i64 },
    /// The selector is a table over some of the operands (at `positions`): the allowed
    /// projections of operand values onto them.
    Projected { positions: Vec<usize>, allowed: std::collections::HashSet<Vec<(usize, i64)>> },
}

impl PathFilter {
    fn allows(&self, values: &[i64]) -> bool {
        match self {
            PathFilter::Direct { position, branch } => values[*position] == *branch,
            PathFilter::Projected { positions, allowed } => {
                let key: Vec<(usize, i64)> = positions.iter().map(|&p| (p, values[p])).collect();
                allowed.contains(&key)
            }
        }
    }
}

/// What an index list selects.
enum Selected {
    Known(usize),
    Runtime {
        selector: NodeId,
        positions: Vec<usize>,
    },
    /// No combination of operand values that the enclosing branches allow reaches the
    /// indexing: it is dead code.
    Unreachable,
}

/// Step a mixed-radix counter (last position fastest).
fn advance(values: &mut [i64], domains: &[u32]) {
    for (value, &domain) in values.iter_mut().zip(domains).rev() {
        *value += 1;
        if *value < domain as i64 {
            return;
        }
        *value = 0;
    }
}

/// The operand values of combination number `position`.
fn combination(tabulated: &Tabulated, graph: &Graph, mut position: usize) -> Vec<i64> {
    let mut values = vec![0i64; tabulated.operands.len()];
    for (value, &node) in values.iter_mut().zip(&tabulated.operands).rev() {
        let domain = graph.node(node).domain as usize;
        *value = (position % domain) as i64;
        position /= domain;
    }
    values
}

/// "`p[0]` = 1 and `x` = 0"
fn describe_combination(names: &[String], values: &[i64]) -> String {
    let parts: Vec<String> = names.iter().zip(values).map(|(n, v)| format!("`{n}` = {v}")).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        _ => {
            let (last, rest) = parts.split_last().unwrap_or((&parts[0], &[]));
            format!("{} and {last}", rest.join(", "))
        }
    }
}
