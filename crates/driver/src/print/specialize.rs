//! Checked program + param values -> specialized statements (checked code again): the
//! partial evaluation at the heart of `--print program`.
//!
//! Params are folded to their values in *structural* positions only: the conditions of `if`
//! and the scrutinees of `match` (statements and expressions), and indices (`wires[in1[g]]`
//! becomes `wires[2]`). There any maximal sub-expression that reads params and nothing else
//! becomes a literal, and a condition or scrutinee that is then known selects its branch,
//! which replaces the construct. In *value* positions a param read stays a reference to the
//! bound param (`c[i] = p[i - 1];`): it reads like the sketch and stays correct.
//!
//! A `for` loop is specialized once per iteration, with its variable known for folding but
//! kept symbolic in the result. When every iteration gives the same code the loop is kept
//! with that body; when folding made the iterations differ, it is unrolled, each iteration
//! with the variable replaced by its value. An `observe` that the params alone decide is
//! dropped when it holds (it says nothing about the specialized program) and kept when not.

use tpt_core::eval::{element_position, eval, eval_const, matching_arm, Env, EvalError};
use tpt_core::interp::ParamValues;
use tpt_core::program::{Arm, ArrayId, Expr, ExprKind, Origin, Program, Stmt, StmtKind};
use tpt_syntax::ast::DeclKind;

use super::calls;
use super::simplify::{self, eval_closed, int, literal, reads_element, unsupported, Result};

/// The most statements one unrolled loop may produce. Past it the loop is printed as
/// written (unfolded), which stays correct: a program that large is not read anyway.
pub const MAX_UNROLLED: usize = 4096;

pub struct Specializer<'p> {
    program: &'p Program,
    values: &'p ParamValues,
    /// The value of every enclosing loop's variable, by slot.
    loops: Vec<i64>,
}

/// The evaluation environment of folding: loop variables and params, nothing else.
struct ParamEnv<'a> {
    values: &'a ParamValues,
    loops: &'a [i64],
}

impl Env for ParamEnv<'_> {
    fn loop_var(&self, slot: usize) -> i64 {
        self.loops.get(slot).copied().unwrap_or(0)
    }

    fn fn_arg(&self, _: usize) -> i64 {
        0
    }

    fn element(&mut self, program: &Program, expr: &Expr) -> std::result::Result<i64, EvalError> {
        let (array, flat) = self.param_element(program, expr)?;
        let value = self.values.get(array).and_then(|v| v.get(flat)).map(|&v| v as i64);
        value.ok_or(EvalError::NotConstant { span: expr.span })
    }

    fn real_element(&mut self, program: &Program, expr: &Expr) -> std::result::Result<f64, EvalError> {
        let (array, flat) = self.param_element(program, expr)?;
        let value = self.values.reals.get(array).and_then(|v| v.get(flat)).copied();
        value.ok_or(EvalError::NotConstant { span: expr.span })
    }
}

impl ParamEnv<'_> {
    /// The array and flat position of the param element `expr` reads; anything but a param
    /// element is not constant when folding.
    fn param_element(&mut self, program: &Program, expr: &Expr) -> std::result::Result<(ArrayId, usize), EvalError> {
        let not_constant = EvalError::NotConstant { span: expr.span };
        let ExprKind::Elem { array, indices } = &expr.kind else {
            return Err(not_constant);
        };
        if program.arrays[*array].kind != DeclKind::Param {
            return Err(not_constant);
        }
        Ok((*array, element_position(program, *array, indices, self)?))
    }
}

/// What an expression reads: (params, anything else: inputs, vars, outputs).
fn reads(program: &Program, e: &Expr) -> (bool, bool) {
    let (mut params, mut others) = (false, false);
    e.walk(&mut |e| {
        if let ExprKind::Elem { array, .. } = &e.kind {
            match program.arrays[*array].kind {
                DeclKind::Param => params = true,
                _ => others = true,
            }
        }
    });
    (params, others)
}

/// How a loop came out.
pub enum Loop {
    /// No iterations, or none that leaves any code.
    Empty,
    Kept(Box<Stmt>),
    /// The code of each iteration (with the variable's value), the variable replaced by it.
    Unrolled(Vec<(i64, Vec<Stmt>)>),
}

impl<'p> Specializer<'p> {
    pub fn new(program: &'p Program, values: &'p ParamValues) -> Self {
        Specializer { program, values, loops: vec![0; program.loop_depth] }
    }

    /// The top-level statements, each with its origin: the item of the statement it came
    /// from, and the iteration when it came from an unrolled top-level loop.
    pub fn top_level(&mut self) -> Result<Vec<Stmt>> {
        let program = self.program;
        let mut out = Vec::new();
        for stmt in &program.body {
            let item = stmt.origin.item;
            let mut placed = |stmts: Vec<Stmt>, iteration: Option<i64>| {
                out.extend(stmts.into_iter().map(|s| Stmt { origin: Origin { item, iteration }, ..s }));
            };
            if let StmtKind::For { .. } = stmt.kind {
                match self.for_loop(stmt)? {
                    Loop::Unrolled(iterations) => {
                        for (value, code) in iterations {
                            placed(code, Some(value));
                        }
                    }
                    Loop::Kept(s) => placed(vec![*s], None),
                    Loop::Empty => {}
                }
                continue;
            }
            let mut stmts = Vec::new();
            self.stmt(stmt, &mut stmts)?;
            placed(stmts, None);
        }
        Ok(out)
    }

    fn env(&self) -> ParamEnv<'_> {
        ParamEnv { values: self.values, loops: &self.loops }
    }

    /// The value of an expression that reads params at most; `None` when evaluation fails,
    /// which only happens on a path these params never take (the checker saw to the rest).
    fn eval(&self, e: &Expr) -> Option<i64> {
        eval(self.program, e, &mut self.env()).ok().filter(|&v| v != i64::MIN)
    }

    /// A structural position: folded when it reads params and nothing else.
    fn index(&self, e: &Expr) -> Result<Expr> {
        self.expr(e, true)
    }

    /// A condition or scrutinee: folded when it reads nothing but params and constants.
    fn cond(&self, e: &Expr) -> Result<Expr> {
        if !reads(self.program, e).1 {
            if let Some(v) = self.eval(e) {
                return Ok(int(v));
            }
        }
        self.expr(e, true)
    }

    fn expr(&self, e: &Expr, structural: bool) -> Result<Expr> {
        let p = self.program;
        // A real is never folded into a literal: the printed program keeps the reference to
        // the bound real param (a comparison of reals, an integer, may be folded).
        if structural && !e.is_real(p) && reads(p, e) == (true, false) {
            if let Some(v) = self.eval(e) {
                return Ok(int(v));
            }
        }
        let sub = |x: &Expr| self.expr(x, structural);
        let kind = match &e.kind {
            ExprKind::FnArg(_) => return unsupported("a function parameter outside its function"),
            ExprKind::Int(_) | ExprKind::Real(_) | ExprKind::Const(_) | ExprKind::LoopVar(_) => e.kind.clone(),
            ExprKind::ToReal(inner) => ExprKind::ToReal(Box::new(sub(inner)?)),
            ExprKind::RealOp { op, args } => {
                ExprKind::RealOp { op: *op, args: args.iter().map(sub).collect::<Result<_>>()? }
            }
            ExprKind::Builtin { func, args } => {
                ExprKind::Builtin { func: *func, args: args.iter().map(sub).collect::<Result<_>>()? }
            }
            ExprKind::RealCompare { op, lhs, rhs } => {
                ExprKind::RealCompare { op: *op, lhs: Box::new(sub(lhs)?), rhs: Box::new(sub(rhs)?) }
            }
            ExprKind::Round { operand, domain } => {
                ExprKind::Round { operand: Box::new(sub(operand)?), domain: domain.clone() }
            }
            ExprKind::Elem { array, indices } => {
                ExprKind::Elem { array: *array, indices: indices.iter().map(|i| self.index(i)).collect::<Result<_>>()? }
            }
            ExprKind::FromBits { elements } => {
                ExprKind::FromBits { elements: elements.iter().map(sub).collect::<Result<_>>()? }
            }
            ExprKind::Call { func, args } => {
                let specialized: Vec<Expr> = args.iter().map(sub).collect::<Result<_>>()?;
                let known: Vec<Option<i64>> = args.iter().map(|a| self.known_argument(a)).collect();
                if let Some(inlined) = calls::inline(p, *func, &known, &specialized) {
                    return Ok(inlined);
                }
                return Ok(simplify::call(p, *func, specialized));
            }
            ExprKind::Unary { op, operand } => return Ok(simplify::unary(p, *op, sub(operand)?)),
            ExprKind::Binary { op, lhs, rhs } => return Ok(simplify::binary(p, *op, sub(lhs)?, sub(rhs)?)),
            ExprKind::If { branches, otherwise } => {
                let mut kept = Vec::new();
                let mut chosen = &**otherwise;
                for (c, v) in branches {
                    let c = self.cond(c)?;
                    match literal(&c) {
                        Some(0) => {}
                        Some(_) => {
                            chosen = v;
                            break;
                        }
                        None => kept.push((c, sub(v)?)),
                    }
                }
                return Ok(simplify::if_expr(kept, sub(chosen)?));
            }
            ExprKind::Match { scrutinee, arms } => {
                let scrutinee = self.cond(scrutinee)?;
                if let Some(value) = literal(&scrutinee) {
                    if let Some(arm) = self.pick(arms, value)? {
                        return sub(&arm.body);
                    }
                }
                let arms = arms
                    .iter()
                    .map(|a| Ok(Arm { patterns: a.patterns.clone(), body: sub(&a.body)?, span: a.span }))
                    .collect::<Result<_>>()?;
                ExprKind::Match { scrutinee: Box::new(scrutinee), arms }
            }
        };
        Ok(Expr::synthetic(kind))
    }

    /// The value of a call's argument that may decide a branch of the function: one that
    /// reads params and nothing else at runtime, or a constant that does not change from one
    /// loop iteration to the next (so that inlining does not by itself unroll a loop).
    fn known_argument(&self, arg: &Expr) -> Option<i64> {
        match reads(self.program, arg) {
            (_, true) => None,
            (false, false) if arg.uses_loop_var() => None,
            _ => self.eval(arg),
        }
    }

    /// The arm a known scrutinee selects (patterns may use the loop variables).
    fn pick<'a, B>(&self, arms: &'a [Arm<B>], value: i64) -> Result<Option<&'a Arm<B>>> {
        match matching_arm(self.program, arms, value, &mut self.env()) {
            Ok(arm) => Ok(arm),
            Err(_) => unsupported("a `match` pattern that does not evaluate"),
        }
    }

    fn block(&mut self, stmts: &[Stmt]) -> Result<Vec<Stmt>> {
        let mut out = Vec::new();
        for stmt in stmts {
            self.stmt(stmt, &mut out)?;
        }
        Ok(out)
    }

    fn stmt(&mut self, stmt: &Stmt, out: &mut Vec<Stmt>) -> Result<()> {
        match &stmt.kind {
            StmtKind::Assign { array, indices, value, .. } => {
                let indices = indices.iter().map(|i| self.index(i)).collect::<Result<_>>()?;
                let value = self.expr(value, false)?;
                out.extend(simplify::assign(*array, indices, value));
            }
            StmtKind::For { .. } => match self.for_loop(stmt)? {
                Loop::Empty => {}
                Loop::Kept(s) => out.push(*s),
                Loop::Unrolled(iterations) => out.extend(iterations.into_iter().flat_map(|(_, code)| code)),
            },
            StmtKind::If { branches, otherwise } => {
                let mut kept = Vec::new();
                let mut chosen = otherwise.as_deref();
                for (c, block) in branches {
                    let c = self.cond(c)?;
                    match literal(&c) {
                        Some(0) => {}
                        Some(_) => {
                            chosen = Some(block);
                            break;
                        }
                        None => kept.push((c, self.block(block)?)),
                    }
                }
                let otherwise = chosen.map(|b| self.block(b)).transpose()?;
                out.extend(simplify::if_stmt(kept, otherwise));
            }
            StmtKind::Match { scrutinee, arms } => {
                let scrutinee = self.cond(scrutinee)?;
                if let Some(value) = literal(&scrutinee) {
                    if let Some(arm) = self.pick(arms, value)? {
                        let body = self.block(&arm.body)?;
                        out.extend(body);
                    }
                    return Ok(());
                }
                let arms = arms
                    .iter()
                    .map(|a| Ok(Arm { patterns: a.patterns.clone(), body: self.block(&a.body)?, span: a.span }))
                    .collect::<Result<_>>()?;
                out.extend(simplify::match_stmt(self.program, scrutinee, arms));
            }
            // The program form has every param bound, so its objective is a number (reported
            // with the result); the sketch form keeps `minimize` as written.
            StmtKind::Minimize(_) => {}
            StmtKind::Observe(e) => {
                let p = self.program;
                let known = if reads(p, e).1 { None } else { self.eval(e) };
                if known == Some(1) {
                    return Ok(());
                }
                let folded = self.expr(e, false)?;
                let loops: Vec<Option<i64>> = self.loops.iter().copied().map(Some).collect();
                match known.or_else(|| eval_closed(p, &folded, &loops)) {
                    Some(1) => {}
                    // It fails in every example. The lowering rejects an `observe` that reads
                    // no element and can never hold, so it is printed as written unless
                    // folding left it a read.
                    Some(_) => {
                        let failing = if reads_element(&folded) { folded } else { e.clone() };
                        if !reads_element(&failing) {
                            return unsupported("an `observe` that can never hold");
                        }
                        out.push(Stmt::synthetic(StmtKind::Observe(failing), Origin::default()));
                    }
                    None => out.extend(simplify::observe(folded)),
                }
            }
        }
        Ok(())
    }

    /// Specialize every iteration; keep the loop if they agree, else unroll it.
    pub fn for_loop(&mut self, stmt: &Stmt) -> Result<Loop> {
        let StmtKind::For { slot, var_name, start, end, body, .. } = &stmt.kind else {
            return unsupported("not a loop");
        };
        let slot = *slot;
        let bound = |e: &Expr, loops: &[i64]| eval_const(self.program, e, loops).ok();
        let (Some(lo), Some(hi)) = (bound(start, &self.loops), bound(end, &self.loops)) else {
            return unsupported("loop bounds that do not evaluate");
        };
        if slot >= self.loops.len() {
            return unsupported("a loop nested deeper than the program's loops");
        }
        if hi <= lo {
            return Ok(Loop::Empty);
        }
        // Iterations that give the same code as the first are not stored: only the first,
        // and every iteration from the first that differs on.
        let mut first: Option<Vec<Stmt>> = None;
        let mut same_as_first = 0usize;
        let mut different: Vec<(i64, Vec<Stmt>)> = Vec::new();
        let mut unrolled_size = 0usize;
        for value in lo..hi {
            self.loops[slot] = value;
            let code = self.block(body)?;
            match &first {
                None => {
                    unrolled_size = code.iter().map(Stmt::count).sum();
                    first = Some(code);
                    same_as_first = 1;
                }
                Some(f) if different.is_empty() && code == *f => {
                    same_as_first += 1;
                    unrolled_size += f.iter().map(Stmt::count).sum::<usize>();
                }
                Some(_) => {
                    unrolled_size += code.iter().map(Stmt::count).sum::<usize>();
                    different.push((value, code));
                }
            }
            if !different.is_empty() && unrolled_size > MAX_UNROLLED {
                return Ok(Loop::Kept(Box::new(stmt.clone())));
            }
        }
        let first = first.unwrap_or_default();
        if different.is_empty() {
            if first.is_empty() {
                return Ok(Loop::Empty);
            }
            let kind = StmtKind::For {
                slot,
                var_name: var_name.clone(),
                var_span: Default::default(),
                start: self.index(start)?,
                end: self.index(end)?,
                body: first,
            };
            return Ok(Loop::Kept(Box::new(Stmt::synthetic(kind, Origin::default()))));
        }
        let p = self.program;
        let substituted = |code: &[Stmt], value: i64| -> (i64, Vec<Stmt>) {
            (value, code.iter().flat_map(|s| simplify::subst_stmt(p, s, slot, value)).collect())
        };
        let mut iterations: Vec<(i64, Vec<Stmt>)> =
            (lo..lo + same_as_first as i64).map(|value| substituted(&first, value)).collect();
        iterations.extend(different.iter().map(|(value, code)| substituted(code, *value)));
        Ok(Loop::Unrolled(iterations))
    }
}
