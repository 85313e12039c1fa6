//! `--print program` on every shipped sketch: specialized with the values of its bound
//! solution (`programs/bound/`), the printed program checks, passes every example, is
//! canonical (`tpt fmt` changes nothing) and keeps no `if`, `match` or index that the params
//! alone decide; the printed programs are snapshotted. With random param values, right or
//! wrong, every printed program computes what the sketch computes on every example input.

#[path = "print/sketches.rs"]
mod sketches;

use std::fs;
use std::path::{Path, PathBuf};

use tpt::check::CheckOptions;
use tpt::diagnostics::SourceMap;
use tpt::format::format_source;
use tpt::interp::{bound_params, verify, ParamValues};
use tpt::parse::parse;
use tpt::pipeline::{compile, Compiled};
use tpt::print::{print_program, print_sketch, reproduces, specialize_program, Notes, Unsupported};
use tpt::program::{Expr, ExprKind, Program, Stmt, StmtKind};

use sketches::Random;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped sketches with a bound solution in `programs/bound/` (an impossible sketch has
/// none; `tests/synth.rs` proves those impossible).
fn sketches() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("programs"))
        .expect("programs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tpt"))
        .filter(|p| p.file_name().is_some_and(|name| root().join("programs/bound").join(name).exists()))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the shipped sketches with bound solutions: {files:?}");
    files
}

fn name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn compile_text(label: &str, text: &str, overrides: &[(String, i64)]) -> Result<Compiled, String> {
    let mut sources = SourceMap::new();
    let id = sources.add(label, text);
    let options = CheckOptions { overrides: overrides.to_vec(), ..CheckOptions::default() };
    compile(&sources, id, None, &options).map_err(|d| {
        let messages: Vec<String> = d.iter().map(|d| d.message.to_string()).collect();
        format!("{label} does not compile: {}\n{text}", messages.join("; "))
    })
}

fn compile_file(path: &Path) -> (String, Compiled) {
    let text = fs::read_to_string(path).expect("read");
    let compiled = compile_text(&path.display().to_string(), &text, &[]).unwrap_or_else(|e| panic!("{e}"));
    (text, compiled)
}

/// The bound solution's values, by param name, for the sketch's arrays.
fn bound_values(sketch: &Program, bound: &Program) -> ParamValues {
    let values = bound_params(bound).expect("every param of a bound program is bound");
    let mut sketch_values: ParamValues = sketch
        .arrays
        .iter()
        .map(|a| bound.array_named(&a.name).map(|id| values[id].clone()).unwrap_or_default())
        .collect();
    sketch_values.reals = sketch
        .arrays
        .iter()
        .map(|a| bound.array_named(&a.name).map(|id| values.reals[id].clone()).unwrap_or_default())
        .collect();
    sketch_values
}

/// Expressions in structural positions (conditions, scrutinees, indices) that read params
/// and nothing else: the params decide them, so the printer should have folded them.
fn param_decided(program: &Program, stmts: &[Stmt], found: &mut Vec<String>) {
    fn reads(program: &Program, e: &Expr, params: &mut bool, others: &mut bool) {
        if let ExprKind::Elem { array, .. } = &e.kind {
            if program.arrays[*array].kind == tpt::ast::DeclKind::Param {
                *params = true;
            } else {
                *others = true;
            }
        }
        for child in e.children() {
            reads(program, child, params, others);
        }
    }
    fn decided(program: &Program, e: &Expr, found: &mut Vec<String>) {
        let (mut params, mut others) = (false, false);
        reads(program, e, &mut params, &mut others);
        if params && !others {
            found.push(tpt::program::expr_text(program, e, &[]));
        }
    }
    fn structural(program: &Program, e: &Expr, found: &mut Vec<String>) {
        match &e.kind {
            ExprKind::Elem { indices, .. } => indices.iter().for_each(|i| decided(program, i, found)),
            ExprKind::If { branches, .. } => branches.iter().for_each(|(c, _)| decided(program, c, found)),
            ExprKind::Match { scrutinee, .. } => decided(program, scrutinee, found),
            _ => {}
        }
        for child in e.children() {
            structural(program, child, found);
        }
    }
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Assign { indices, value, .. } => {
                indices.iter().for_each(|i| decided(program, i, found));
                indices.iter().chain([value]).for_each(|e| structural(program, e, found));
            }
            StmtKind::Observe(e) => structural(program, e, found),
            // The printed program leaves the objective out.
            StmtKind::Minimize(_) => {}
            StmtKind::For { body, .. } => param_decided(program, body, found),
            StmtKind::If { branches, otherwise } => {
                for (c, block) in branches {
                    decided(program, c, found);
                    structural(program, c, found);
                    param_decided(program, block, found);
                }
                param_decided(program, otherwise.as_deref().unwrap_or_default(), found);
            }
            StmtKind::Match { scrutinee, arms } => {
                decided(program, scrutinee, found);
                structural(program, scrutinee, found);
                arms.iter().for_each(|a| param_decided(program, &a.body, found));
            }
        }
    }
}

/// The sketch specialized to its bound solution.
fn printed_bound(sketch: &Path) -> (String, Compiled, ParamValues) {
    let (source, compiled) = compile_file(sketch);
    let (_, bound) = compile_file(&root().join("programs/bound").join(sketch.file_name().expect("file name")));
    let values = bound_values(&compiled.program, &bound.program);
    let text = specialize_program(&source, &compiled.parsed, &compiled.program, &values)
        .unwrap_or_else(|e| panic!("{}: {e:?}", sketch.display()));
    (text, compiled, values)
}

#[test]
fn bound_solutions_print_as_valid_specialized_programs() {
    let mut failures = Vec::new();
    for sketch in sketches() {
        let label = name(&sketch);
        let (text, original, values) = printed_bound(&sketch);
        // The printer checks its output and falls back to the sketch form on a disagreement:
        // it must not need to.
        let source = fs::read_to_string(&sketch).expect("read");
        if print_program(&source, &original.parsed, &original.program, &values, &Notes::default()) != text {
            failures.push(format!("{label}: the printer fell back to the sketch form"));
        }
        let printed = match compile_text(&label, &text, &[]) {
            Ok(printed) => printed,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let params = bound_params(&printed.program).expect("the printed program binds every param");
        if !verify(&printed.program, &params, u64::MAX) {
            failures.push(format!("{label}: an example fails\n{text}"));
        }
        if let Err(e) = reproduces(&text, &original.program, &values) {
            failures.push(format!("{label}: {e}\n{text}"));
        }
        let parsed = parse(&text, 256).expect("parses");
        let formatted = format_source(&text, &parsed);
        if formatted != text {
            failures.push(format!("{label}: not canonical\n--- printed\n{text}--- formatted\n{formatted}"));
        }
        let mut decided = Vec::new();
        param_decided(&printed.program, &printed.program.body, &mut decided);
        if !decided.is_empty() {
            failures.push(format!("{label}: the params decide {decided:?}\n{text}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The bit-twiddling sketch's operations are a function whose first argument, a param,
/// selects one: the printed program shows the operations chosen, and no longer the function.
#[test]
fn the_chosen_operations_print_inlined() {
    let (text, _, _) = printed_bound(&root().join("programs/bits_clear_lowest.tpt"));
    assert!(text.contains("r[2] = (r[0] - r[1]) % N;\nr[3] = r[0] & r[2];\n"), "{text}");
    assert!(!text.contains("fn op") && !text.contains("op("), "{text}");
}

#[test]
fn printed_bound_solutions() {
    for sketch in sketches() {
        let (text, _, _) = printed_bound(&sketch);
        insta::assert_snapshot!(name(&sketch), text);
    }
}

fn random_values(program: &Program, random: &mut Random) -> ParamValues {
    let mut values: ParamValues = program
        .arrays
        .iter()
        .map(|a| match a.kind {
            tpt::ast::DeclKind::Param if !a.real => (0..a.len()).map(|_| random.below(a.domain)).collect(),
            _ => Vec::new(),
        })
        .collect();
    // Real params: hundredths between -10 and 10.
    values.reals = program
        .arrays
        .iter()
        .map(|a| match a.kind {
            tpt::ast::DeclKind::Param if a.real => {
                (0..a.len()).map(|_| f64::from(random.below(2001)) / 100.0 - 10.0).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    values
}

/// Print with random values. The specialized program must behave like the sketch. The only
/// construct specialization declines is an `observe` that reads nothing and can never hold,
/// in a branch the values take: the lowering rejects it outside runtime branches (the sketch
/// form with these values does not compile either), and `print_program` prints the sketch.
fn check_random(
    label: &str,
    source: &str,
    program: &Program,
    file: &tpt::parse::Parsed,
    random: &mut Random,
    runs: usize,
) {
    for run in 0..runs {
        let values = random_values(program, random);
        let printed = print_program(source, file, program, &values, &Notes::default());
        match specialize_program(source, file, program, &values) {
            Ok(text) => {
                if let Err(e) = reproduces(&text, program, &values) {
                    panic!("{label} (run {run}, {values:?}): the printed program {e}\n{text}");
                }
                assert_eq!(text, printed, "{label} (run {run}, {values:?}): fell back to the sketch form");
            }
            Err(Unsupported(why)) if why.contains("can never hold") => {
                assert_eq!(printed, print_sketch(source, file, program, &values, &Notes::default()));
            }
            Err(e) => panic!("{label} (run {run}, {values:?}): {e:?}"),
        }
    }
}

#[test]
fn random_params_print_programs_that_behave_like_the_sketch() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for sketch in sketches() {
        let (source, compiled) = compile_file(&sketch);
        check_random(&name(&sketch), &source, &compiled.program, &compiled.parsed, &mut random, 40);
    }
}

#[test]
fn overridden_constants_print_their_values() {
    let path = root().join("programs/parity_chain.tpt");
    let source = fs::read_to_string(&path).expect("read");
    let compiled = compile_text("parity_chain", &source, &[("K".to_string(), 12)]).expect("compiles");
    let mut random = Random(7);
    check_random("parity_chain K=12", &source, &compiled.program, &compiled.parsed, &mut random, 10);
    let values = random_values(&compiled.program, &mut random);
    let text = specialize_program(&source, &compiled.parsed, &compiled.program, &values).expect("prints");
    assert!(text.contains("const K = 12;"), "{text}");
}

#[test]
fn random_sketches_print_programs_that_behave_like_them() {
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let mut compiled_count = 0;
    // `TPT_PRINT_SKETCHES=10000` runs more of them (the default keeps the suite quick).
    let sketches: u64 = std::env::var("TPT_PRINT_SKETCHES").ok().and_then(|s| s.parse().ok()).unwrap_or(400);
    for seed in 0..sketches {
        let source = sketches::sketch(seed);
        let Ok(compiled) = compile_text("random", &source, &[]) else {
            continue;
        };
        compiled_count += 1;
        let label = format!("sketch {seed}:\n{source}");
        check_random(&label, &source, &compiled.program, &compiled.parsed, &mut random, 8);
    }
    // The generator is meant to produce programs that check; most of them must.
    assert!(compiled_count * 10 >= sketches * 9, "only {compiled_count} of {sketches} random sketches compile");
}
