//! Checked program + param values + one example -> outputs and failed observations. The exact
//! discrete interpreter: plain integers, no distributions. It is the verifier of every answer
//! a solver proposes, so it walks the checked program itself rather than the lowered graph.

use std::ops::{Index, IndexMut};

use crate::eval::{arm_position, element_position, eval, eval_real, Env, EvalError};
use crate::program::{ArrayId, ExampleData, Expr, ExprKind, Program, RealValue, Stmt, StmtKind};
use tpt_source::span::Span;
use tpt_syntax::ast::DeclKind;

/// The value of every param element. Indexing by [`ArrayId`] gives the values of a param of
/// a finite domain (empty for other arrays); `reals` holds those of real params.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamValues {
    pub ints: Vec<Vec<u32>>,
    /// Indexed by [`ArrayId`]: the values of real params (empty for other arrays).
    pub reals: Vec<Vec<f64>>,
}

impl ParamValues {
    /// No values yet, for a program of `arrays` arrays.
    pub fn new(arrays: usize) -> ParamValues {
        ParamValues { ints: vec![Vec::new(); arrays], reals: vec![Vec::new(); arrays] }
    }

    /// Number of arrays.
    pub fn len(&self) -> usize {
        self.ints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ints.is_empty()
    }

    pub fn get(&self, array: ArrayId) -> Option<&Vec<u32>> {
        self.ints.get(array)
    }
}

/// The values of finite params, indexed by array (no real params).
impl From<Vec<Vec<u32>>> for ParamValues {
    fn from(ints: Vec<Vec<u32>>) -> ParamValues {
        let reals = vec![Vec::new(); ints.len()];
        ParamValues { ints, reals }
    }
}

impl FromIterator<Vec<u32>> for ParamValues {
    fn from_iter<I: IntoIterator<Item = Vec<u32>>>(iter: I) -> ParamValues {
        iter.into_iter().collect::<Vec<_>>().into()
    }
}

impl Index<ArrayId> for ParamValues {
    type Output = Vec<u32>;
    fn index(&self, array: ArrayId) -> &Vec<u32> {
        &self.ints[array]
    }
}

impl IndexMut<ArrayId> for ParamValues {
    fn index_mut(&mut self, array: ArrayId) -> &mut Vec<u32> {
        &mut self.ints[array]
    }
}

/// Param values from the bindings in the declarations; `Err` lists the unbound elements.
pub fn bound_params(program: &Program) -> Result<ParamValues, Vec<(ArrayId, usize)>> {
    let mut values = ParamValues::new(program.arrays.len());
    let mut unbound = Vec::new();
    for (id, array) in program.params() {
        if array.real {
            match &array.real_binding {
                None => unbound.extend((0..array.len()).map(|flat| (id, flat))),
                Some(binding) => {
                    for (flat, value) in binding.iter().enumerate() {
                        if value.is_none() {
                            unbound.push((id, flat));
                        }
                        values.reals[id].push(value.unwrap_or(0.0));
                    }
                }
            }
            continue;
        }
        match &array.binding {
            None => unbound.extend((0..array.len()).map(|flat| (id, flat))),
            Some(binding) => {
                for (flat, value) in binding.iter().enumerate() {
                    match value {
                        Some(v) => values[id].push(*v),
                        None => {
                            unbound.push((id, flat));
                            values[id].push(0);
                        }
                    }
                }
            }
        }
    }
    if unbound.is_empty() {
        Ok(values)
    } else {
        Err(unbound)
    }
}

/// One observation that does not hold.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// An observed output element has another value (or none).
    Output { array: ArrayId, flat: usize, expected: u32, actual: Option<i64> },
    /// An observed real output element is not within the tolerance of the observed value.
    RealOutput { array: ArrayId, flat: usize, expected: RealValue, actual: Option<f64> },
    /// An `observe` whose expression is not 1.
    Observe { span: Span, actual: i64 },
    /// The program could not run to the end.
    Error(EvalError),
}

/// What one example run produced.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Final values of every output array, indexed by [`ArrayId`] (empty for non-outputs
    /// and for real outputs).
    pub outputs: Vec<Vec<Option<i64>>>,
    /// The same for real outputs.
    pub real_outputs: Vec<Vec<Option<f64>>>,
    pub failures: Vec<Failure>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

struct State<'a> {
    params: &'a ParamValues,
    inputs: Option<&'a ExampleData>,
    /// Current values of vars and outputs, indexed by [`ArrayId`].
    values: Vec<Vec<Option<i64>>>,
    /// The same for real vars and outputs.
    reals: Vec<Vec<Option<f64>>>,
    loop_vars: Vec<i64>,
    failures: Vec<Failure>,
    steps: u64,
    max_steps: u64,
}

impl Env for State<'_> {
    fn loop_var(&self, slot: usize) -> i64 {
        self.loop_vars.get(slot).copied().unwrap_or(0)
    }

    fn fn_arg(&self, _: usize) -> i64 {
        0
    }

    fn element(&mut self, program: &Program, expr: &Expr) -> Result<i64, EvalError> {
        let ExprKind::Elem { array, indices } = &expr.kind else {
            return Err(EvalError::NotConstant { span: expr.span });
        };
        let flat = element_position(program, *array, indices, self)?;
        let value = match program.arrays[*array].kind {
            DeclKind::Param => self.params[*array].get(flat).map(|&v| v as i64),
            DeclKind::Input => self.inputs.map(|example| example.input(*array, flat) as i64),
            DeclKind::Var | DeclKind::Output => self.values[*array].get(flat).copied().flatten(),
        };
        value.ok_or(EvalError::Unassigned { span: expr.span, array: *array, flat })
    }

    fn real_element(&mut self, program: &Program, expr: &Expr) -> Result<f64, EvalError> {
        let ExprKind::Elem { array, indices } = &expr.kind else {
            return Err(EvalError::NotConstant { span: expr.span });
        };
        let flat = element_position(program, *array, indices, self)?;
        let value = match program.arrays[*array].kind {
            DeclKind::Param => self.params.reals[*array].get(flat).copied(),
            DeclKind::Input => self.inputs.map(|example| example.real_input(*array, flat)),
            DeclKind::Var | DeclKind::Output => self.reals[*array].get(flat).copied().flatten(),
        };
        value.ok_or(EvalError::Unassigned { span: expr.span, array: *array, flat })
    }
}

/// Run the program on one example (or on the given inputs only, when `example` holds no
/// observations) and compare with what it observes.
pub fn run_example(program: &Program, params: &ParamValues, example: &ExampleData, max_steps: u64) -> Outcome {
    fn slots<T: Clone>(program: &Program, real: bool) -> Vec<Vec<Option<T>>> {
        program
            .arrays
            .iter()
            .map(|a| match a.kind {
                DeclKind::Var | DeclKind::Output if a.real == real => vec![None; a.len()],
                _ => Vec::new(),
            })
            .collect()
    }
    let mut state = State {
        params,
        inputs: Some(example),
        values: slots(program, false),
        reals: slots(program, true),
        loop_vars: vec![0; program.loop_depth],
        failures: Vec::new(),
        steps: 0,
        max_steps,
    };
    if let Err(error) = run_block(program, &program.body, &mut state) {
        state.failures.push(Failure::Error(error));
    }
    let mut outputs = vec![Vec::new(); program.arrays.len()];
    let mut real_outputs = vec![Vec::new(); program.arrays.len()];
    for (id, array) in program.arrays.iter().enumerate() {
        if array.kind != DeclKind::Output {
            continue;
        }
        if array.real {
            for flat in 0..array.len() {
                if let Some(expected) = example.real_observed(id, flat) {
                    let actual = state.reals[id][flat];
                    if !actual.is_some_and(|a| expected.matches(a)) {
                        state.failures.push(Failure::RealOutput { array: id, flat, expected, actual });
                    }
                }
            }
            real_outputs[id] = std::mem::take(&mut state.reals[id]);
            continue;
        }
        for flat in 0..array.len() {
            if let Some(expected) = example.observed(id, flat) {
                let actual = state.values[id][flat];
                if actual != Some(expected as i64) {
                    state.failures.push(Failure::Output { array: id, flat, expected, actual });
                }
            }
        }
        outputs[id] = std::mem::take(&mut state.values[id]);
    }
    Outcome { outputs, real_outputs, failures: state.failures }
}

/// Run every example; true when all pass.
pub fn verify(program: &Program, params: &ParamValues, max_steps: u64) -> bool {
    program.examples.iter().all(|example| run_example(program, params, example, max_steps).passed())
}

fn run_block(program: &Program, stmts: &[Stmt], state: &mut State) -> Result<(), EvalError> {
    for stmt in stmts {
        run_stmt(program, stmt, state)?;
    }
    Ok(())
}

fn run_stmt(program: &Program, stmt: &Stmt, state: &mut State) -> Result<(), EvalError> {
    state.steps += 1;
    if state.steps > state.max_steps {
        // The lowering rejects programs over the unroll limit before they run; this is a guard.
        return Err(EvalError::TooManySteps { span: stmt.span });
    }
    match &stmt.kind {
        StmtKind::Assign { array, indices, value, .. } if program.arrays[*array].real => {
            let flat = element_position(program, *array, indices, state)?;
            let value = eval_real(program, value, state)?;
            state.reals[*array][flat] = Some(value);
        }
        StmtKind::Assign { array, indices, value, .. } => {
            let flat = element_position(program, *array, indices, state)?;
            let value = eval(program, value, state)?;
            let domain = program.arrays[*array].domain as i64;
            if value < 0 || value >= domain {
                return Err(EvalError::OutOfDomain { span: value_span(stmt), array: *array, value });
            }
            state.values[*array][flat] = Some(value);
        }
        StmtKind::For { slot, start, end, body, .. } => {
            let start = eval(program, start, state)?;
            let end = eval(program, end, state)?;
            for value in start..end {
                state.loop_vars[*slot] = value;
                run_block(program, body, state)?;
            }
        }
        StmtKind::If { branches, otherwise } => {
            for (condition, block) in branches {
                if eval(program, condition, state)? != 0 {
                    return run_block(program, block, state);
                }
            }
            if let Some(block) = otherwise {
                run_block(program, block, state)?;
            }
        }
        StmtKind::Match { scrutinee, arms } => {
            let value = eval(program, scrutinee, state)?;
            let position = arm_position(program, arms, value, state)?;
            if let Some(arm) = arms.get(position) {
                run_block(program, &arm.body, state)?;
            }
        }
        StmtKind::Observe(expr) => {
            let actual = eval(program, expr, state)?;
            if actual != 1 {
                state.failures.push(Failure::Observe { span: expr.span, actual });
            }
        }
        // The objective does not depend on the example: `objective` computes it once.
        StmtKind::Minimize(_) => {}
    }
    Ok(())
}

/// The objective of the program with these params: the sum of every `minimize` term, each
/// evaluated where it stands as the loops unroll (0 when there is none). The checker keeps
/// `minimize` out of runtime branches and its terms free of inputs and vars, so only loops and
/// constant conditions are followed here, and no example is needed.
pub fn objective(program: &Program, params: &ParamValues, max_steps: u64) -> Result<i64, EvalError> {
    let mut state = State {
        params,
        inputs: None,
        values: vec![Vec::new(); program.arrays.len()],
        reals: vec![Vec::new(); program.arrays.len()],
        loop_vars: vec![0; program.loop_depth],
        failures: Vec::new(),
        steps: 0,
        max_steps,
    };
    let mut total = 0i64;
    objective_block(program, &program.body, &mut state, &mut total)?;
    Ok(total)
}

fn objective_block(program: &Program, stmts: &[Stmt], state: &mut State, total: &mut i64) -> Result<(), EvalError> {
    for stmt in stmts {
        state.steps += 1;
        if state.steps > state.max_steps {
            return Err(EvalError::TooManySteps { span: stmt.span });
        }
        match &stmt.kind {
            StmtKind::Minimize(expr) => {
                let value = eval(program, expr, state)?;
                *total = total.checked_add(value).ok_or(EvalError::Overflow { span: expr.span })?;
            }
            StmtKind::For { slot, start, end, body, .. } => {
                let start = eval(program, start, state)?;
                let end = eval(program, end, state)?;
                for value in start..end {
                    state.loop_vars[*slot] = value;
                    objective_block(program, body, state, total)?;
                }
            }
            StmtKind::If { branches, otherwise } => {
                // A runtime condition decides blocks that hold no `minimize`.
                if !branches.iter().all(|(c, _)| c.is_constant()) {
                    continue;
                }
                let mut taken = otherwise.as_deref();
                for (condition, block) in branches {
                    if eval(program, condition, state)? != 0 {
                        taken = Some(block);
                        break;
                    }
                }
                if let Some(block) = taken {
                    objective_block(program, block, state, total)?;
                }
            }
            StmtKind::Match { scrutinee, arms } if scrutinee.is_constant() => {
                let value = eval(program, scrutinee, state)?;
                let position = arm_position(program, arms, value, state)?;
                if let Some(arm) = arms.get(position) {
                    objective_block(program, &arm.body, state, total)?;
                }
            }
            StmtKind::Match { .. } | StmtKind::Assign { .. } | StmtKind::Observe(_) => {}
        }
    }
    Ok(())
}

fn value_span(stmt: &Stmt) -> Span {
    match &stmt.kind {
        StmtKind::Assign { value, .. } => value.span,
        _ => stmt.span,
    }
}
