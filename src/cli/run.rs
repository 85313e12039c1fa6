//! `tpt run FILE`: run a program whose params are all bound, exactly, on every example (or
//! on one new input given with `--input`); with `--max-violations N` it passes when at most N
//! examples fail, as `synth --max-violations N` allowed them to.

use clap::Args;

use tpt::ast::DeclKind;
use tpt::diagnostics::{agreeing, plural, Diagnostic, Severity};
use tpt::interp::{bound_params, run_example, Outcome};
use tpt::program::{ExampleData, Program};
use tpt::result::failure_diagnostics;

use super::{load_and_compile_quietly, CompileArgs, Reporter, EXIT_FAILED, EXIT_OK, EXIT_USER_ERROR};

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub compile: CompileArgs,
    /// Run on this input instead of the examples: `--input x=[0,1,1]` (repeatable; values
    /// are integers, reals or nested lists).
    #[arg(long = "input", value_name = "NAME=VALUE")]
    pub inputs: Vec<String>,
    /// Pass when at most N examples fail, as `synth --max-violations N` allows (each one that
    /// fails is then a warning). Examples with the same inputs and different outputs are then
    /// warnings, not errors, unless they need more than N given up.
    #[arg(long, value_name = "N", default_value_t = 0, conflicts_with = "inputs")]
    pub max_violations: usize,
}

pub fn main(args: RunArgs) -> u8 {
    let mut reporter = Reporter::new(&args.compile.with.input.color);
    let compiled = match load_and_compile_quietly(
        &args.compile,
        args.max_violations,
        &tpt::limits::Stop::default(),
        &mut reporter,
    ) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    // On a given input the program is run, not fitted: whether its examples observe anything
    // does not matter.
    if args.inputs.is_empty() {
        reporter.emit(&compiled.warnings);
    } else {
        reporter.emit(&compiled.warnings_for_given_inputs());
    }
    let program = &compiled.program;
    let params = match bound_params(program) {
        Ok(params) => params,
        Err(unbound) => {
            reporter.emit(&[unbound_diagnostic(program, &unbound)]);
            return EXIT_USER_ERROR;
        }
    };
    let max_steps = args.compile.with.input.limits.max_unroll;
    if !args.inputs.is_empty() {
        let example = match inputs_example(program, &args.inputs) {
            Ok(example) => example,
            Err(diagnostics) => {
                reporter.emit(&diagnostics);
                return EXIT_USER_ERROR;
            }
        };
        let outcome = run_example(program, &params, &example, max_steps);
        // Nothing is expected of a new input, so the line says what the program computed; only
        // an `observe` that fails makes it a failure.
        let status = if outcome.passed() { None } else { Some("FAILED") };
        print_outputs(&input_label(program, &example), status, program, &outcome);
        let diagnostics = failure_diagnostics(program, &example, &outcome);
        reporter.emit(&diagnostics);
        // A run that stops at an error (a division of reals by zero, which the compiler
        // cannot rule out for an input it has not seen) is an error of the input given.
        let stopped = outcome.failures.iter().any(|f| matches!(f, tpt::interp::Failure::Error(_)));
        return match (outcome.passed(), stopped) {
            (true, _) => EXIT_OK,
            (false, true) => EXIT_USER_ERROR,
            (false, false) => EXIT_FAILED,
        };
    }
    let outcomes: Vec<_> = program.examples.iter().map(|e| run_example(program, &params, e, max_steps)).collect();
    let failed = outcomes.iter().filter(|outcome| !outcome.passed()).count();
    let allowance = args.max_violations;
    // The failures `--max-violations` allows are warnings.
    let allowed = failed > 0 && failed <= allowance;
    for (example, outcome) in program.examples.iter().zip(&outcomes) {
        print_outputs(&example.label, Some(if outcome.passed() { "ok" } else { "FAILED" }), program, outcome);
        if !outcome.passed() {
            let mut diagnostics = failure_diagnostics(program, example, outcome);
            if allowed {
                for diagnostic in &mut diagnostics {
                    diagnostic.severity = Severity::Warning;
                    diagnostic.notes.push(format!("`--max-violations {allowance}` allows this example to fail").into());
                }
            }
            reporter.emit(&diagnostics);
        }
    }
    let total = program.examples.len();
    if failed == 0 {
        match total {
            0 => outln!("the program has no examples to run"),
            1 => outln!("the 1 example passes"),
            _ => outln!("all {total} examples pass"),
        }
        return EXIT_OK;
    }
    let fail = agreeing(failed, "fails", "fail");
    match allowance {
        0 => outln!("{failed} of {} {fail}", plural(total, "example")),
        _ if allowed => {
            outln!("{failed} of {} {fail}, which `--max-violations {allowance}` allows", plural(total, "example"))
        }
        _ => outln!("{failed} of {} {fail}, more than `--max-violations {allowance}` allows", plural(total, "example")),
    }
    if allowed {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

fn unbound_diagnostic(program: &Program, unbound: &[(usize, usize)]) -> Diagnostic {
    let mut names: Vec<String> = unbound.iter().take(12).map(|&(a, f)| program.arrays[a].element_name(f)).collect();
    if unbound.len() > names.len() {
        names.push(format!("and {} more", unbound.len() - names.len()));
    }
    let mut diagnostic = Diagnostic::error(format!("`tpt run` needs every param bound; unbound: {}", names.join(", ")));
    let mut seen = Vec::new();
    for &(array, _) in unbound {
        if !seen.contains(&array) {
            seen.push(array);
            diagnostic = diagnostic.with_label(program.arrays[array].span, "has no value");
        }
    }
    diagnostic.with_help("bind it in its declaration (`param p: 4 = 2;`), or find it with `tpt synth`")
}

/// One example from `--input name=value` arguments (values in JSON syntax).
fn inputs_example(program: &Program, inputs: &[String]) -> Result<ExampleData, Vec<Diagnostic>> {
    let mut given: Vec<(&str, &str)> = Vec::new();
    for input in inputs {
        let Some((name, value)) = input.split_once('=') else {
            return Err(vec![Diagnostic::error(format!("`--input {input}`: expected NAME=VALUE"))]);
        };
        let name = name.trim();
        match program.array_named(name).map(|id| program.arrays[id].kind) {
            Some(DeclKind::Input) => {}
            _ => {
                return Err(vec![Diagnostic::error(format!(
                    "`--input {name}=..`: `{name}` is not an input of the program"
                ))])
            }
        }
        // A second value would silently replace the first.
        if let Some((_, first)) = given.iter().find(|(seen, _)| *seen == name) {
            return Err(vec![Diagnostic::error(format!(
                "`--input {name}` is given twice (`{name}={first}` and `{name}={}`)",
                value.trim()
            ))
            .with_help("give each input once")]);
        }
        // One JSON value, so that it can stand in the object of inputs as written.
        if serde_json::from_str::<serde_json::Value>(value.trim()).is_err() {
            return Err(vec![Diagnostic::error(format!(
                "`--input {name}={value}`: the value must be a number or a list like [0, 1]"
            ))]);
        }
        given.push((name, value.trim()));
    }
    // The values as written, so that messages quote them so.
    let members: Vec<String> =
        given.iter().map(|(name, value)| format!("{}: {value}", serde_json::Value::from(*name))).collect();
    tpt::examples::json::inputs_example_text(program, &format!("{{{}}}", members.join(", ")), "--input")
}

fn format_array(values: &[Option<i64>], dims: &[usize]) -> String {
    let show = |v: &Option<i64>| v.map_or("_".to_string(), |v| v.to_string());
    match dims.split_first() {
        None => values.first().map_or("_".to_string(), show),
        Some((_, rest)) => {
            let block: usize = rest.iter().product();
            let parts: Vec<String> = values.chunks(block.max(1)).map(|c| format_array(c, rest)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

fn format_real_array(values: &[Option<f64>], dims: &[usize]) -> String {
    let show = |v: &Option<f64>| v.map_or("_".to_string(), tpt::print::real_text);
    match dims.split_first() {
        None => values.first().map_or("_".to_string(), show),
        Some((_, rest)) => {
            let block: usize = rest.iter().product();
            let parts: Vec<String> = values.chunks(block.max(1)).map(|c| format_real_array(c, rest)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// `input (x = [1, 0])`: the values given with `--input`.
fn input_label(program: &Program, example: &ExampleData) -> String {
    let mut parts = Vec::new();
    for (id, array) in program.arrays.iter().enumerate() {
        if let (DeclKind::Input, Some(Some(values))) = (array.kind, example.values.get(id)) {
            let values: Vec<Option<i64>> = values.iter().map(|v| v.map(i64::from)).collect();
            parts.push(format!("{} = {}", array.name, format_array(&values, &array.dims)));
        }
        if let (DeclKind::Input, Some(Some(values))) = (array.kind, example.reals.get(id)) {
            let values: Vec<Option<f64>> = values.iter().map(|v| v.map(|v| v.value)).collect();
            parts.push(format!("{} = {}", array.name, format_real_array(&values, &array.dims)));
        }
    }
    format!("input ({})", parts.join(", "))
}

/// One line per run: its label, `ok`/`FAILED` when something was checked, and the outputs.
fn print_outputs(label: &str, status: Option<&str>, program: &Program, outcome: &Outcome) {
    let mut parts = Vec::new();
    for (id, array) in program.arrays.iter().enumerate() {
        if array.kind == DeclKind::Output && array.real {
            parts.push(format!("{} = {}", array.name, format_real_array(&outcome.real_outputs[id], &array.dims)));
        } else if array.kind == DeclKind::Output {
            parts.push(format!("{} = {}", array.name, format_array(&outcome.outputs[id], &array.dims)));
        }
    }
    match status {
        Some(status) => outln!("{label}: {status}: {}", parts.join("; ")),
        None => outln!("{label}: {}", parts.join("; ")),
    }
}
