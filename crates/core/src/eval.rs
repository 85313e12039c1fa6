//! Expression -> integer. The one evaluator of checked expressions, used for constants, for
//! tabulating `fn`s and runtime expressions, and by the exact interpreter. Where array elements
//! come from is the caller's business, through [`Env`].

use crate::program::{round_into, Arm, ArrayId, ArrayInfo, Builtin, Expr, ExprKind, FnId, Program, RealOp};
use tpt_source::diagnostics::Diagnostic;
use tpt_source::span::Span;
use tpt_syntax::ast::{BinOp, UnOp};

/// Why an expression has no value.
#[derive(Clone, Debug, PartialEq)]
pub enum EvalError {
    DivisionByZero {
        span: Span,
    },
    Overflow {
        span: Span,
    },
    /// A `fn` argument outside the parameter's domain.
    FnArgument {
        span: Span,
        func: FnId,
        arg: usize,
        value: i64,
    },
    /// No arm of a `match` expression matches the value.
    NoMatchingArm {
        span: Span,
        value: i64,
    },
    IndexOutOfRange {
        span: Span,
        array: ArrayId,
        dim: usize,
        index: i64,
    },
    /// An array element read where only constants are allowed.
    NotConstant {
        span: Span,
    },
    /// An element read before any value was assigned to it.
    Unassigned {
        span: Span,
        array: ArrayId,
        flat: usize,
    },
    /// A value assigned to an element outside the element's domain.
    OutOfDomain {
        span: Span,
        array: ArrayId,
        value: i64,
    },
    /// The run took more steps than the unroll limit allows.
    TooManySteps {
        span: Span,
    },
    /// A shift by a negative number of bits.
    NegativeShift {
        span: Span,
        amount: i64,
    },
    /// An operation on reals whose result is not a finite number (it overflowed).
    NotFinite {
        span: Span,
        value: f64,
    },
    /// `round(x, D)` with `D` below 1.
    RoundDomain {
        span: Span,
        domain: i64,
    },
}

impl EvalError {
    pub fn span(&self) -> Span {
        match self {
            EvalError::DivisionByZero { span }
            | EvalError::Overflow { span }
            | EvalError::FnArgument { span, .. }
            | EvalError::NoMatchingArm { span, .. }
            | EvalError::IndexOutOfRange { span, .. }
            | EvalError::NotConstant { span }
            | EvalError::Unassigned { span, .. }
            | EvalError::OutOfDomain { span, .. }
            | EvalError::TooManySteps { span }
            | EvalError::NegativeShift { span, .. }
            | EvalError::NotFinite { span, .. }
            | EvalError::RoundDomain { span, .. } => *span,
        }
    }

    /// A one-line description for messages.
    pub fn describe(&self, program: &Program) -> String {
        match self {
            EvalError::DivisionByZero { .. } => "division by zero".to_string(),
            EvalError::Overflow { .. } => "integer overflow".to_string(),
            EvalError::FnArgument { func, arg, value, .. } => {
                let f = &program.fns[*func];
                let (name, domain) = &f.params[*arg];
                format!("argument `{name}` of `{}` is {value}, outside its domain 0..{domain}", f.name)
            }
            EvalError::NoMatchingArm { value, .. } => format!("no arm of the `match` matches {value}"),
            EvalError::IndexOutOfRange { array, dim, index, .. } => {
                let a = &program.arrays[*array];
                let which = if a.dims.len() > 1 { format!("dimension {} of ", dim + 1) } else { String::new() };
                format!("index {index} is out of range for {which}`{}` (0..{})", a.name, a.dims[*dim])
            }
            EvalError::NotConstant { .. } => "not a constant".to_string(),
            EvalError::Unassigned { array, flat, .. } => {
                format!("`{}` is read before it is assigned", program.arrays[*array].element_name(*flat))
            }
            EvalError::OutOfDomain { array, value, .. } => {
                let a = &program.arrays[*array];
                format!("{value} is outside the domain of `{}` (0..{})", a.name, a.domain)
            }
            EvalError::TooManySteps { .. } => "the run takes more steps than the unroll limit".to_string(),
            EvalError::NegativeShift { amount, .. } => format!("shift by a negative number of bits ({amount})"),
            EvalError::NotFinite { value, .. } => format!("a real value is not a finite number ({value})"),
            EvalError::RoundDomain { domain, .. } => format!("`round(x, D)` into a domain of size {domain}"),
        }
    }
}

/// Where loop variables, `fn` arguments and array elements get their values.
pub trait Env {
    fn loop_var(&self, slot: usize) -> i64;
    fn fn_arg(&self, index: usize) -> i64;
    /// The value of the element `expr` (an `ExprKind::Elem`) reads.
    fn element(&mut self, program: &Program, expr: &Expr) -> Result<i64, EvalError>;
    /// The value of the element of a real array that `expr` (an `ExprKind::Elem`) reads.
    fn real_element(&mut self, _: &Program, expr: &Expr) -> Result<f64, EvalError> {
        Err(EvalError::NotConstant { span: expr.span })
    }
    /// The value of an integer that is computed from reals (a comparison of reals or
    /// `round(x, D)`), when the environment already knows it; `None`: evaluate it. (Tabulation
    /// enumerates such values like operands.)
    fn known_from_reals(&mut self, _: &Expr) -> Option<i64> {
        None
    }
}

/// An environment for constant expressions: loop variables only.
pub struct ConstEnv<'a> {
    pub loop_vars: &'a [i64],
    pub fn_args: &'a [i64],
}

impl Env for ConstEnv<'_> {
    fn loop_var(&self, slot: usize) -> i64 {
        self.loop_vars.get(slot).copied().unwrap_or(0)
    }

    fn fn_arg(&self, index: usize) -> i64 {
        self.fn_args.get(index).copied().unwrap_or(0)
    }

    fn element(&mut self, _: &Program, expr: &Expr) -> Result<i64, EvalError> {
        Err(EvalError::NotConstant { span: expr.span })
    }
}

/// The value of a constant expression, integer or real, as a real (an example value or a
/// binding of a real array, a tolerance), worded like `constant_value`'s errors.
pub fn constant_real(program: &Program, expr: &Expr, loop_vars: &[i64]) -> Result<f64, Diagnostic> {
    if !expr.is_real(program) {
        return constant_value(program, expr, loop_vars).map(|v| v as f64);
    }
    eval_real(program, expr, &mut ConstEnv { loop_vars, fn_args: &[] }).map_err(|error| {
        let mut diagnostic = eval_error_diagnostic(program, &error, "");
        diagnostic.message.append(" in a constant expression");
        diagnostic
    })
}

/// Evaluate a constant expression with the given loop variable values.
pub fn eval_const(program: &Program, expr: &Expr, loop_vars: &[i64]) -> Result<i64, EvalError> {
    eval(program, expr, &mut ConstEnv { loop_vars, fn_args: &[] })
}

/// The value of a constant expression, or the error that evaluating it raised, worded for a
/// constant expression (these are evaluated when the program is checked).
pub fn constant_value(program: &Program, expr: &Expr, loop_vars: &[i64]) -> Result<i64, Diagnostic> {
    eval_const(program, expr, loop_vars).map_err(|error| {
        let mut diagnostic = eval_error_diagnostic(program, &error, "");
        diagnostic.message.append(" in a constant expression");
        if let EvalError::DivisionByZero { .. } = error {
            diagnostic.help = vec!["constant expressions are evaluated when the program is checked".into()];
        }
        diagnostic
    })
}

/// Evaluate the indices of an element read and return the flat position, checking ranges.
pub fn element_position(
    program: &Program,
    array: ArrayId,
    indices: &[Expr],
    env: &mut dyn Env,
) -> Result<usize, EvalError> {
    let info = &program.arrays[array];
    let mut flat = 0usize;
    for (dim, (index_expr, &size)) in indices.iter().zip(&info.dims).enumerate() {
        let index = eval(program, index_expr, env)?;
        if index < 0 || index as usize >= size {
            return Err(EvalError::IndexOutOfRange { span: index_expr.span, array, dim, index });
        }
        flat = flat * size + index as usize;
    }
    Ok(flat)
}

fn truth(value: i64) -> bool {
    value != 0
}

/// Evaluate an expression. `&&`, `||`, `if` and `match` evaluate only what they need.
pub fn eval(program: &Program, expr: &Expr, env: &mut dyn Env) -> Result<i64, EvalError> {
    let span = expr.span;
    match &expr.kind {
        ExprKind::Int(value) => Ok(*value),
        ExprKind::Const(id) => Ok(program.consts[*id].value),
        ExprKind::LoopVar(slot) => Ok(env.loop_var(*slot)),
        ExprKind::FnArg(index) => Ok(env.fn_arg(*index)),
        ExprKind::Elem { .. } => env.element(program, expr),
        ExprKind::Call { func, args } => {
            let info = &program.fns[*func];
            let mut values = Vec::with_capacity(args.len());
            for (position, arg) in args.iter().enumerate() {
                let value = eval(program, arg, env)?;
                let domain = info.params.get(position).map_or(0, |p| p.1);
                if value < 0 || value >= domain as i64 {
                    return Err(EvalError::FnArgument { span: arg.span, func: *func, arg: position, value });
                }
                values.push(value);
            }
            match info.table.get(info.table_index(&values)) {
                Some(&result) => Ok(result as i64),
                // A fn still being tabulated (its own body calls it) has no table yet.
                None => Err(EvalError::NotConstant { span }),
            }
        }
        ExprKind::Unary { op, operand } => {
            let value = eval(program, operand, env)?;
            match op {
                UnOp::Neg => value.checked_neg().ok_or(EvalError::Overflow { span }),
                UnOp::Not => Ok((!truth(value)) as i64),
                UnOp::BitNot => Ok(!value),
            }
        }
        ExprKind::Binary { op, lhs, rhs } => eval_binary(program, *op, lhs, rhs, span, env),
        ExprKind::If { branches, otherwise } => {
            for (condition, value) in branches {
                if truth(eval(program, condition, env)?) {
                    return eval(program, value, env);
                }
            }
            eval(program, otherwise, env)
        }
        ExprKind::Match { scrutinee, arms } => {
            let value = eval(program, scrutinee, env)?;
            match matching_arm(program, arms, value, env)? {
                Some(arm) => eval(program, &arm.body, env),
                None => Err(EvalError::NoMatchingArm { span: scrutinee.span, value }),
            }
        }
        // The elements are bits (the checker allows only arrays of domain 2 or less), so this
        // is the binary number they spell, most significant first.
        ExprKind::FromBits { elements } => elements.iter().try_fold(0i64, |number, element| {
            let bit = eval(program, element, env)?;
            number.checked_mul(2).and_then(|n| n.checked_add(bit)).ok_or(EvalError::Overflow { span })
        }),
        ExprKind::Builtin { func, args } => {
            let a = eval(program, &args[0], env)?;
            match func {
                Builtin::Abs => a.checked_abs().ok_or(EvalError::Overflow { span }),
                Builtin::Min => Ok(a.min(eval(program, &args[1], env)?)),
                Builtin::Max => Ok(a.max(eval(program, &args[1], env)?)),
            }
        }
        ExprKind::RealCompare { op, lhs, rhs } => {
            if let Some(known) = env.known_from_reals(expr) {
                return Ok(known);
            }
            let (a, b) = (eval_real(program, lhs, env)?, eval_real(program, rhs, env)?);
            Ok(compare_reals(*op, a, b) as i64)
        }
        ExprKind::Round { operand, domain } => {
            if let Some(known) = env.known_from_reals(expr) {
                return Ok(known);
            }
            let size = eval(program, domain, env)?;
            if size < 1 {
                return Err(EvalError::RoundDomain { span: domain.span, domain: size });
            }
            Ok(round_into(eval_real(program, operand, env)?, size))
        }
        // Reals are evaluated by `eval_real`; the checker never puts one where an integer is
        // read.
        ExprKind::Real(_) | ExprKind::ToReal(_) | ExprKind::RealOp { .. } => Err(EvalError::NotConstant { span }),
    }
}

/// A comparison of two reals, as IEEE 754 compares them.
pub fn compare_reals(op: BinOp, a: f64, b: f64) -> bool {
    match op {
        BinOp::Lt => a < b,
        BinOp::Le => a <= b,
        BinOp::Gt => a > b,
        BinOp::Ge => a >= b,
        BinOp::Eq => a == b,
        _ => a != b,
    }
}

/// Evaluate a real expression. Every operation's result must be a finite number: a division
/// by zero and an overflow are errors, so that no infinity or NaN is ever computed.
pub fn eval_real(program: &Program, expr: &Expr, env: &mut dyn Env) -> Result<f64, EvalError> {
    let span = expr.span;
    match &expr.kind {
        ExprKind::Real(value) => Ok(*value),
        ExprKind::ToReal(inner) => Ok(eval(program, inner, env)? as f64),
        ExprKind::Elem { .. } => env.real_element(program, expr),
        ExprKind::RealOp { op, args } => {
            let a = eval_real(program, &args[0], env)?;
            let b = match args.get(1) {
                Some(arg) => eval_real(program, arg, env)?,
                None => 0.0,
            };
            if *op == RealOp::Div && b == 0.0 {
                return Err(EvalError::DivisionByZero { span: args[1].span });
            }
            let value = op.apply(a, b);
            if value.is_finite() {
                Ok(value)
            } else {
                Err(EvalError::NotFinite { span, value })
            }
        }
        ExprKind::If { branches, otherwise } => {
            for (condition, value) in branches {
                if truth(eval(program, condition, env)?) {
                    return eval_real(program, value, env);
                }
            }
            eval_real(program, otherwise, env)
        }
        ExprKind::Match { scrutinee, arms } => {
            let value = eval(program, scrutinee, env)?;
            match matching_arm(program, arms, value, env)? {
                Some(arm) => eval_real(program, &arm.body, env),
                None => Err(EvalError::NoMatchingArm { span: scrutinee.span, value }),
            }
        }
        // An integer where a real is read is wrapped in `ToReal` by the checker.
        _ => Err(EvalError::NotConstant { span }),
    }
}

/// The first arm whose pattern matches `value` (patterns are constant expressions).
pub fn matching_arm<'a, B>(
    program: &Program,
    arms: &'a [Arm<B>],
    value: i64,
    env: &mut dyn Env,
) -> Result<Option<&'a Arm<B>>, EvalError> {
    for arm in arms {
        match &arm.patterns {
            None => return Ok(Some(arm)),
            Some(patterns) => {
                for pattern in patterns {
                    if eval(program, pattern, env)? == value {
                        return Ok(Some(arm));
                    }
                }
            }
        }
    }
    Ok(None)
}

/// The position of the first arm matching `value`, or `arms.len()` when none does.
pub fn arm_position<B>(program: &Program, arms: &[Arm<B>], value: i64, env: &mut dyn Env) -> Result<usize, EvalError> {
    let arm = matching_arm(program, arms, value, env)?;
    Ok(arm.map_or(arms.len(), |found| arms.iter().position(|a| std::ptr::eq(a, found)).unwrap_or(arms.len())))
}

fn eval_binary(
    program: &Program,
    op: BinOp,
    lhs: &Expr,
    rhs: &Expr,
    span: Span,
    env: &mut dyn Env,
) -> Result<i64, EvalError> {
    let a = eval(program, lhs, env)?;
    // Logic is lazy: the right side is only evaluated when it decides the result.
    match op {
        BinOp::And if !truth(a) => return Ok(0),
        BinOp::Or if truth(a) => return Ok(1),
        _ => {}
    }
    let b = eval(program, rhs, env)?;
    let overflow = EvalError::Overflow { span };
    let result = match op {
        BinOp::Add => a.checked_add(b).ok_or(overflow)?,
        BinOp::Sub => a.checked_sub(b).ok_or(overflow)?,
        BinOp::Mul => a.checked_mul(b).ok_or(overflow)?,
        BinOp::Div | BinOp::Rem if b == 0 => return Err(EvalError::DivisionByZero { span: rhs.span }),
        BinOp::Div => a.checked_div_euclid(b).ok_or(overflow)?,
        BinOp::Rem => a.checked_rem_euclid(b).ok_or(overflow)?,
        BinOp::Lt => (a < b) as i64,
        BinOp::Le => (a <= b) as i64,
        BinOp::Gt => (a > b) as i64,
        BinOp::Ge => (a >= b) as i64,
        BinOp::Eq => (a == b) as i64,
        BinOp::Ne => (a != b) as i64,
        BinOp::And | BinOp::Or => truth(b) as i64,
        BinOp::BitAnd => a & b,
        BinOp::BitOr => a | b,
        BinOp::BitXor => a ^ b,
        BinOp::Shl | BinOp::Shr if b < 0 => return Err(EvalError::NegativeShift { span: rhs.span, amount: b }),
        BinOp::Shl => shift_left(a, b).ok_or(overflow)?,
        BinOp::Shr => shift_right(a, b),
    };
    Ok(result)
}

/// `a << b` is `a * 2^b`; `None` when that does not fit in 64 bits.
fn shift_left(a: i64, b: i64) -> Option<i64> {
    if a == 0 {
        return Some(0);
    }
    let bits = u32::try_from(b).ok().filter(|&b| b < 64)?;
    let shifted = a.checked_shl(bits)?;
    // `checked_shl` only refuses shifts of 64 bits or more: bits shifted out are checked here.
    (shifted >> bits == a).then_some(shifted)
}

/// `a >> b` is `a / 2^b` rounded down (Euclidean, like `/`): an arithmetic shift, with every
/// bit shifted out once `b` reaches 64.
fn shift_right(a: i64, b: i64) -> i64 {
    let bits = b.min(63) as u32;
    a >> bits
}

/// "1 value", "3 values": the label of a list of the wrong length.
pub fn values_label(count: i64) -> String {
    if count == 1 {
        "1 value".to_string()
    } else {
        format!("{count} values")
    }
}

/// The diagnostic for a constant index outside its dimension.
pub fn index_out_of_range(info: &ArrayInfo, dim: usize, value: i64, span: Span) -> Diagnostic {
    let size = info.dims[dim];
    let which = if info.dims.len() > 1 { format!("dimension {} of ", dim + 1) } else { String::new() };
    Diagnostic::error(format!("index {value} is out of range for `{}`", info.name))
        .with_label(span, format!("{which}`{}` has indices 0..{size}", info.name))
        .with_secondary(info.name_span, "declared here")
}

/// The diagnostic of an evaluation error; `when` names the operand values at fault ("`x` = 3"),
/// or is empty when there are none. The message says what went wrong, the label says what the
/// marked sub-expression was, and the help says how such an error is usually fixed.
pub fn eval_error_diagnostic(program: &Program, error: &EvalError, when: &str) -> Diagnostic {
    let what = error.describe(program);
    let suffix = if when.is_empty() { String::new() } else { format!(" when {when}") };
    let (label, help) = match error {
        EvalError::DivisionByZero { .. } => (
            "this is 0".to_string(),
            Some("guard the division, e.g. `if d != 0 { x / d } else { 0 }`".to_string()),
        ),
        EvalError::Overflow { .. } => (
            "this overflows".to_string(),
            Some("integers are signed 64-bit: values lie between -2^63 and 2^63 - 1".to_string()),
        ),
        EvalError::FnArgument { func, arg, value, .. } => {
            let name = &program.fns[*func].params[*arg].0;
            (
                format!("this is {value}"),
                Some(format!("keep the argument in range (for example with `%`), or widen the domain of `{name}`")),
            )
        }
        EvalError::NoMatchingArm { value, .. } => (
            format!("this is {value}"),
            Some(format!(
                "a `match` expression needs a value for everything its scrutinee can be: add an arm for {value}, or a `_` arm"
            )),
        ),
        EvalError::IndexOutOfRange { index, .. } => (
            format!("this is {index}"),
            Some("keep the index in range (for example with `%`), or make the array larger".to_string()),
        ),
        EvalError::Unassigned { .. } => ("read here".to_string(), None),
        EvalError::NegativeShift { amount, .. } => (
            format!("this is {amount}"),
            Some("`a << b` and `a >> b` multiply and divide by 2^b: `b` must not be negative".to_string()),
        ),
        EvalError::OutOfDomain { value, .. } => (format!("this is {value}"), None),
        EvalError::NotFinite { value, .. } => (
            format!("this is {value}"),
            Some("reals are 64-bit floats: a result beyond about 1.8e308 (or an undefined one) is an error".to_string()),
        ),
        EvalError::RoundDomain { domain, .. } => {
            (format!("this is {domain}"), Some("`round(x, D)` rounds into 0..D, so D is at least 1".to_string()))
        }
        EvalError::NotConstant { .. } | EvalError::TooManySteps { .. } => (what.clone(), None),
    };
    let diagnostic = Diagnostic::error(format!("{what}{suffix}")).with_label(error.span(), format!("{label}{suffix}"));
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use tpt_syntax::parse::parse;

    /// The value of a constant expression, or the message of the error it raises.
    fn value(expr: &str) -> Result<i64, String> {
        let parsed = parse(&format!("const A = {expr};"), 256).map_err(|e| e[0].message.to_string())?;
        let checked = check(&parsed.file, &CheckOptions::default()).map_err(|e| e[0].message.to_string())?;
        Ok(checked.program.consts[0].value)
    }

    #[test]
    fn bitwise_operators_work_on_twos_complement() {
        assert_eq!(value("12 & 10"), Ok(8));
        assert_eq!(value("12 | 10"), Ok(14));
        assert_eq!(value("12 ^ 10"), Ok(6));
        assert_eq!(value("~0"), Ok(-1));
        assert_eq!(value("~5"), Ok(-6));
        assert_eq!(value("~5 & 15"), Ok(10));
        // Hacker's Delight: the lowest set bit, and the lowest set bit turned off.
        assert_eq!(value("12 & -12"), Ok(4));
        assert_eq!(value("12 & (12 - 1)"), Ok(8));
        assert_eq!(value("0 & (0 - 1)"), Ok(0));
        assert_eq!(value("-8 | 3"), Ok(-5));
    }

    #[test]
    fn bits_and_from_bits_are_inverses() {
        let source = "\
param p[4]: bool = bits(6, 4);
param q[2][3]: bool = [bits(5, 3), bits(2, 3)];
input row: 2;
output a: 16;
output b: 8;
a = from_bits(p);
b = from_bits(q[row]);
for r in 0..2 {
    example { row = r; }
}
";
        let parsed = parse(source, 256).unwrap_or_else(|e| panic!("{}", e[0].message));
        let program =
            check(&parsed.file, &CheckOptions::default()).unwrap_or_else(|e| panic!("{}", e[0].message)).program;
        let bound = |name: &str| program.arrays[program.array_named(name).expect("declared")].binding.clone();
        let bits = |values: &[u32]| Some(values.iter().map(|&v| Some(v)).collect::<Vec<_>>());
        assert_eq!(bound("p"), bits(&[0, 1, 1, 0]));
        assert_eq!(bound("q"), bits(&[1, 0, 1, 0, 1, 0]));
        let params = crate::interp::bound_params(&program).expect("bound");
        let outputs: Vec<(Option<i64>, Option<i64>)> = program
            .examples
            .iter()
            .map(|example| {
                let run = crate::interp::run_example(&program, &params, example, u64::MAX);
                let output = |name: &str| run.outputs[program.array_named(name).expect("declared")][0];
                (output("a"), output("b"))
            })
            .collect();
        assert_eq!(outputs, [(Some(6), Some(5)), (Some(6), Some(2))]);
    }

    #[test]
    fn shifts_multiply_and_divide_by_powers_of_two() {
        assert_eq!(value("3 << 4"), Ok(48));
        assert_eq!(value("48 >> 4"), Ok(3));
        assert_eq!(value("-7 >> 1"), Ok(-4));
        assert_eq!(value("-7 / 2"), value("-7 >> 1"));
        assert_eq!(value("5 >> 64"), Ok(0));
        assert_eq!(value("-5 >> 200"), Ok(-1));
        assert_eq!(value("0 << 100"), Ok(0));
        assert_eq!(value("-1 << 63"), Ok(i64::MIN));
        assert_eq!(value("1 << 62"), Ok(1 << 62));
        assert!(value("1 << 63").is_err_and(|m| m.contains("overflow")));
        assert!(value("3 << 62").is_err_and(|m| m.contains("overflow")));
        assert!(value("1 << 64").is_err_and(|m| m.contains("overflow")));
        assert!(value("1 << -1").is_err_and(|m| m.contains("negative")));
        assert!(value("8 >> -2").is_err_and(|m| m.contains("negative")));
    }
}
