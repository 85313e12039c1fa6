//! Mutated programs, generated programs, mutated data files and random bytes -> the front end,
//! which must answer every input with a result or diagnostics: never a panic, never a hang.
//! The mutation seeds are every program in `programs/` (sketches and bound ones) and every
//! broken program in `tests/errors/`; the mutations delete, duplicate and swap tokens or byte
//! ranges, insert punctuation and keywords, and replace numbers with zero or huge values.
//! Limits are set small so that a mutation that multiplies a loop bound is refused quickly
//! instead of run. Generated programs also check that what the lowering accepts runs without
//! run-time errors and that the graph agrees with the interpreter (see below).

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRng, TestRunner};

mod support;

use support::{compile_text, computed_example, random_inputs, random_params, small_limits, Dice, Generator};
use tpt::check::CheckOptions;
use tpt::diagnostics::{render_to_string, Neutral, SourceMap};
use tpt::interp::{bound_params, run_example};
use tpt::limits::Limits;
use tpt::pipeline::{compile, decode};

/// How long one mutated program may take through the whole front end.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Every seed program's bytes.
fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["programs", "programs/bound", "tests/errors"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("seed directory")
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "tpt"))
            .collect();
        paths.sort();
        files.extend(paths.into_iter().map(|p| std::fs::read(p).expect("readable seed")));
    }
    files
}

/// Run the whole front end on `bytes`: decode, parse, check, lower, render the diagnostics,
/// and for a program whose params are all bound, run every example.
fn front_end(bytes: &[u8]) {
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            let mut sources = SourceMap::new();
            sources.add("mutant.tpt", String::from_utf8_lossy(bytes).into_owned());
            // The decode error points at a byte offset of the raw bytes; the renderer must
            // cope with it in the lossy text as well.
            let _ = render_to_string(&[diagnostic], &sources, &Neutral);
            return;
        }
    };
    let mut sources = SourceMap::new();
    let main = sources.add("mutant.tpt", text);
    let limits = small_limits();
    let options = CheckOptions { limits: limits.clone(), ..CheckOptions::default() };
    match compile(&sources, main, None, &options) {
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "a failed compile must say why");
            let _ = render_to_string(&diagnostics, &sources, &Neutral);
        }
        Ok(compiled) => {
            let _ = render_to_string(&compiled.warnings, &sources, &Neutral);
            if let Ok(params) = bound_params(&compiled.program) {
                for example in &compiled.program.examples {
                    let outcome = run_example(&compiled.program, &params, example, limits.max_unroll);
                    let diagnostics = tpt::result::failure_diagnostics(&compiled.program, example, &outcome);
                    let _ = render_to_string(&diagnostics, &sources, &Neutral);
                }
            }
        }
    }
}

/// `front_end` on another thread, failing if it takes longer than [`TIMEOUT`]. A panic on
/// that thread is returned as the failure, with the input that caused it.
fn front_end_in_time(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let (done, finished) = mpsc::channel();
    let input = bytes.clone();
    let worker = std::thread::Builder::new()
        // The CLI runs the front end on a large stack too; the depth limit keeps the
        // recursion far below this.
        .stack_size(64 << 20)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| front_end(&input));
            let _ = done.send(outcome.is_ok());
        })
        .expect("a worker thread");
    match finished.recv_timeout(TIMEOUT) {
        Ok(true) => {
            let _ = worker.join();
            Ok(())
        }
        Ok(false) => Err(TestCaseError::fail(format!("panic on input {:?}", String::from_utf8_lossy(&bytes)))),
        Err(_) => Err(TestCaseError::fail(format!(
            "no answer within {TIMEOUT:?} on input {:?}",
            String::from_utf8_lossy(&bytes)
        ))),
    }
}

/// One edit of a program's text.
#[derive(Clone, Debug)]
enum Mutation {
    /// Delete the token at this (relative) position.
    DeleteToken(usize),
    /// Repeat the token at this position right after itself.
    DuplicateToken(usize),
    /// Swap two tokens.
    SwapTokens(usize, usize),
    /// Delete a byte range: start position and length.
    DeleteBytes(usize, usize),
    /// Copy a byte range to another place.
    DuplicateBytes(usize, usize, usize),
    /// Insert a snippet before the token at this position.
    Insert(usize, &'static str),
    /// Replace the integer at this position (among the integers) with another.
    ReplaceNumber(usize, &'static str),
}

const SNIPPETS: &[&str] = &[
    ";", "{", "}", "(", ")", "[", "]", ",", ":", "=", "=>", "->", "..", "|", "_", "+", "-", "*", "/", "%", "!", "<",
    "==", "&&", "||", "&", "^", "~", "<<", ">>", "const", "fn", "param", "input", "output", "var", "for", "in", "if",
    "else", "match", "observe", "example", "bool", "x", "0", "1", "/*", "//", "\"", "$", "é", "\u{0}",
];

const NUMBERS: &[&str] =
    &["0", "1", "2", "255", "65536", "1000000", "4294967296", "9223372036854775807", "99999999999999999999"];

fn mutation() -> impl Strategy<Value = Mutation> {
    let position = any::<usize>();
    prop_oneof![
        position.prop_map(Mutation::DeleteToken),
        position.prop_map(Mutation::DuplicateToken),
        (position, any::<usize>()).prop_map(|(a, b)| Mutation::SwapTokens(a, b)),
        (position, 1usize..40).prop_map(|(a, n)| Mutation::DeleteBytes(a, n)),
        (position, 1usize..40, any::<usize>()).prop_map(|(a, n, to)| Mutation::DuplicateBytes(a, n, to)),
        (position, prop::sample::select(SNIPPETS)).prop_map(|(a, s)| Mutation::Insert(a, s)),
        (position, prop::sample::select(NUMBERS)).prop_map(|(a, s)| Mutation::ReplaceNumber(a, s)),
    ]
}

/// Token byte ranges of `text` (bad characters are left out; the lexer reports them).
fn token_ranges(text: &[u8]) -> Vec<(usize, usize)> {
    let text = String::from_utf8_lossy(text);
    tpt::lexer::lex(&text).tokens.iter().map(|(start, _, end)| (*start, *end)).collect()
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    // The lossy copy used for lexing has the same offsets as long as the bytes are UTF-8,
    // which holds until a byte-range edit splits a character; offsets are clamped anyway.
    let tokens = token_ranges(bytes);
    let clamp = |at: usize, bytes: &Vec<u8>| at.min(bytes.len());
    let pick = |i: usize| (!tokens.is_empty()).then(|| tokens[i % tokens.len()]);
    match *mutation {
        Mutation::DeleteToken(i) => {
            if let Some((s, e)) = pick(i) {
                let (s, e) = (clamp(s, bytes), clamp(e, bytes));
                bytes.drain(s..e);
            }
        }
        Mutation::DuplicateToken(i) => {
            if let Some((s, e)) = pick(i) {
                let (s, e) = (clamp(s, bytes), clamp(e, bytes));
                let copy: Vec<u8> = bytes[s..e].to_vec();
                bytes.splice(e..e, std::iter::once(b' ').chain(copy));
            }
        }
        Mutation::SwapTokens(i, j) => {
            if let (Some(a), Some(b)) = (pick(i), pick(j)) {
                let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
                if first.1 <= second.0 && second.1 <= bytes.len() {
                    let one = bytes[first.0..first.1].to_vec();
                    let two = bytes[second.0..second.1].to_vec();
                    bytes.splice(second.0..second.1, one);
                    bytes.splice(first.0..first.1, two);
                }
            }
        }
        Mutation::DeleteBytes(at, n) => {
            if !bytes.is_empty() {
                let s = at % bytes.len();
                let e = clamp(s + n, bytes);
                bytes.drain(s..e);
            }
        }
        Mutation::DuplicateBytes(at, n, to) => {
            if !bytes.is_empty() {
                let s = at % bytes.len();
                let e = clamp(s + n, bytes);
                let copy: Vec<u8> = bytes[s..e].to_vec();
                let to = to % (bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
        }
        Mutation::Insert(i, snippet) => {
            let at = pick(i).map_or(0, |(s, _)| clamp(s, bytes));
            let text = format!(" {snippet} ");
            bytes.splice(at..at, text.into_bytes());
        }
        Mutation::ReplaceNumber(i, number) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let numbers: Vec<(usize, usize)> = tpt::lexer::lex(&text)
                .tokens
                .iter()
                .filter(|(_, t, _)| matches!(t, tpt::lexer::Token::Int(_)))
                .map(|(s, _, e)| (*s, *e))
                .collect();
            if !numbers.is_empty() {
                let (s, e) = numbers[i % numbers.len()];
                if e <= bytes.len() {
                    bytes.splice(s..e, number.bytes());
                }
            }
        }
    }
}

/// A runner with a fixed seed, so that the suite is the same on every run; set
/// `TPT_ROBUSTNESS_RANDOM=1` to explore new inputs instead (and `PROPTEST_CASES` for more).
fn runner(cases: u32) -> TestRunner {
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { Config::default().cases } else { cases };
    let config = Config { cases, ..config };
    if std::env::var_os("TPT_ROBUSTNESS_RANDOM").is_some() {
        TestRunner::new(config)
    } else {
        let rng = TestRng::deterministic_rng(config.rng_algorithm);
        TestRunner::new_with_rng(config, rng)
    }
}

fn run(cases: u32, strategy: impl Strategy<Value = Vec<u8>>) {
    let mut runner = runner(cases);
    if let Err(error) = runner.run(&strategy, front_end_in_time) {
        panic!("{error}");
    }
}

#[test]
fn the_seed_programs_themselves_pass_through() {
    for seed in seeds() {
        front_end_in_time(seed).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn mutated_programs_never_panic_or_hang() {
    let seeds = seeds();
    let count = seeds.len();
    let strategy = (0..count, prop::collection::vec(mutation(), 1..6)).prop_map(move |(which, mutations)| {
        let mut bytes = seeds[which].clone();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        bytes
    });
    run(1500, strategy);
}

#[test]
fn random_bytes_never_panic() {
    // Bytes drawn mostly from the language's own characters, so that some get past the lexer.
    let alphabet: Vec<u8> = b"abcxyz_019 \n\t{}()[];:,=<>!|&+-*/%.$\"#\xc3\xa9\xff".to_vec();
    let from_alphabet = prop::collection::vec(prop::sample::select(alphabet), 0..200);
    run(1000, from_alphabet);
    run(500, prop::collection::vec(any::<u8>(), 0..200));
}

#[test]
fn random_bytes_through_decode_and_parse() {
    let strategy = prop::collection::vec(any::<u8>(), 0..300);
    let mut runner = runner(2000);
    let result = runner.run(&strategy, |bytes| {
        let outcome = std::panic::catch_unwind(|| {
            let text = match decode(&bytes) {
                Ok(text) => text,
                Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
            };
            let _ = tpt::parse::parse(&text, 48);
            let _ = tpt::parse::parse_expr(&text, 48);
        });
        prop_assert!(outcome.is_ok(), "panic on {:?}", String::from_utf8_lossy(&bytes));
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

/// Regression: nested runtime branches whose conditions together exclude every operand value
/// (`p != q`, `p == 0`, `q == 0`) made lowering index an empty list of reachable branches.
/// The program is valid: the innermost code is dead and is skipped.
#[test]
fn jointly_impossible_branches_are_dead_code() {
    let source = "param p: 2; param q: 2; param a[2]: 2; output y: 2; var w[2]: 2;\n\
                  y = 0; w[0] = 0; w[1] = 0;\n\
                  if p != q { if p == 0 { if q == 0 {\n\
                      if p + q == 0 { y = 1; }\n\
                      y = a[p + q]; w[p + q] = 1;\n\
                  } } }\n\
                  example { y = 0; }\n";
    let mut sources = SourceMap::new();
    let main = sources.add("dead.tpt", source);
    let compiled = compile(&sources, main, None, &CheckOptions::default());
    assert!(compiled.is_ok(), "{}", render_to_string(&compiled.err().unwrap_or_default(), &sources, &Neutral));
}

/// Regression (found by the `pipeline` fuzz target): an example above the declaration of an
/// output made lowering read past the example's values. Such an example leaves the output
/// unobserved; one above an input's declaration is missing that input (an error, in
/// tests/errors/example_before_input.tpt).
#[test]
fn examples_above_later_declarations() {
    let source = "input a: 2; output y: 2; example { a = 1; y = 1; }\n\
                  output z: 2; y = a; z = 1 - a;\n\
                  example { a = 0; y = 0; z = 1; }\n";
    let mut sources = SourceMap::new();
    let main = sources.add("late.tpt", source);
    let compiled = compile(&sources, main, None, &CheckOptions::default());
    let compiled = compiled.unwrap_or_else(|d| panic!("{}", render_to_string(&d, &sources, &Neutral)));
    let z = compiled.program.array_named("z").expect("z is declared");
    let observed: Vec<Option<u32>> = compiled.program.examples.iter().map(|e| e.observed(z, 0)).collect();
    assert_eq!(observed, [None, Some(1)], "the first example does not observe z");
    front_end(source.as_bytes());
}

/// The first error of compiling `source` with the default limits.
fn first_error(source: &str) -> String {
    let mut sources = SourceMap::new();
    let main = sources.add("big.tpt", source);
    match compile(&sources, main, None, &CheckOptions::default()) {
        Ok(_) => panic!("compiles:\n{source}"),
        Err(errors) => render_to_string(&errors[..1], &sources, &Neutral),
    }
}

/// Regression: every table stayed under `--max-enum` and every array under the old
/// per-array limit, but nothing bounded their total: the sketch of 50 sums over 1000 values
/// took 417 MB, and with 1000 of them lowering passed 3.9 GB. Each total is now counted
/// before the allocation it guards and refused with the figure at the costliest place: the
/// tables (runtime expressions, `fn`s, runtime writes, and the selector tables projected
/// inside runtime branches), the elements of all arrays, the values of the examples and the
/// observations times the examples.
#[test]
fn totals_are_bounded_before_they_are_allocated() {
    let sums = |n: usize| {
        format!(
            "const N = {n};\ninput x[N]: 1000; param p[N]: 1000; output y[N]: 1000;\n\
             for i in 0..N {{ y[i] = (x[i] + p[i]) % 1000; }}\nexample {{ x = [1; N]; y = [2; N]; }}\n"
        )
    };
    for n in [50, 1000] {
        let error = first_error(&sums(n));
        assert!(error.contains("enumerates more than 8388608 operand combinations"), "{error}");
        assert!(error.contains("9000000 combinations here, in 9 tables"), "{error}");
        assert!(error.contains("<max_enum_total N>"), "{error}");
    }
    let fns: String = (0..20).map(|i| format!("fn f{i}(a: 1000, b: 1000) -> 1000 {{ (a + b) % 1000 }}\n")).collect();
    let error = first_error(&format!("{fns}input x: 2; output y: 2; y = x; example {{ x = 1; y = 1; }}\n"));
    assert!(error.contains("enumerates more than 8388608"), "{error}");
    // One write through a runtime index is a table per element it can reach.
    let writes = "input x: 2048; output y: 2; var v[2048]: 2;\nfor i in 0..2048 { v[i] = 0; }\n\
                  for k in 0..4 { v[(x + k) % 2048] = 1; }\ny = v[0];\nexample { x = 1; y = 0; }\n";
    let error = first_error(writes);
    assert!(error.contains("enumerates more than 8388608"), "{error}");
    // Each computation inside a runtime branch projects the branch's selector table again.
    let projections = "input x[2]: 1024; param p: 2; output y: 2; var v: 2;\nv = 0;\n\
                       if (x[0] * x[1]) % 3 == 0 { for i in 0..10 { v = (v + p + x[0] + i) % 2; } }\n\
                       y = v;\nexample { x = [1, 2]; y = 0; }\n";
    let error = first_error(projections);
    assert!(error.contains("enumerates more than 8388608"), "{error}");
    let arrays: String = (0..3).map(|i| format!("var v{i}[600000]: 2;\n")).collect();
    let error = first_error(&format!("input x: 2; output y: 2;\n{arrays}y = x; example {{ x = 1; y = 1; }}\n"));
    assert!(error.contains("the arrays declared up to `v1` have more than 1048576 elements together"), "{error}");
    let examples = "input x[1000000]: 2; output y: 2;\ny = x[0];\n\
                    for e in 0..2000 { example { x = [1; 1000000]; y = 1; } }\n";
    let error = first_error(examples);
    assert!(error.contains("the examples hold more than 16777216 values"), "{error}");
    assert!(error.contains("17000017 values here, in 17 examples"), "{error}");
    // Constant computations build no table: `--max-unroll` bounds them, not the total.
    let constants = "input x: 2; output y: 2; var v[8]: 4;\n\
                     for i in 0..5000 { v[i % 8] = (i * 3) % 4; if i % 2 == 0 { v[0] = 1; } }\n\
                     y = x;\nexample { x = 1; y = 1; }\n";
    let mut sources = SourceMap::new();
    let main = sources.add("constants.tpt", constants);
    let limits = Limits { max_enum_total: 1000, ..Limits::default() };
    let compiled = compile(&sources, main, None, &CheckOptions { limits, ..CheckOptions::default() });
    assert!(compiled.is_ok(), "{}", render_to_string(&compiled.err().unwrap_or_default(), &sources, &Neutral));
    let observations = "input x: 8; param p: 8; output y: 8;\ny = (x + p) % 8;\n\
                        for i in 0..20000 { observe (x + p + i) % 8 != 7 || x == 0; }\n\
                        for e in 0..1000 { example { x = e % 8; y = (e + 1) % 8; } }\n";
    let error = first_error(observations);
    assert!(error.contains("the observations of 1000 examples hold more than 16777216 values"), "{error}");
}

/// Run the `tpt` binary from the crate root; the exit code (`None`: killed by a signal).
fn tpt_exit(args: &[&str]) -> (Option<i32>, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tpt"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["--color", "never"])
        .output()
        .expect("the tpt binary runs");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Regression: `check --max-depth 100000000` on deep nesting overflowed the stack (exit
/// 134). The flag now stops at the deepest nesting the recursive passes can follow, and
/// nesting that deep passes every stage of every command.
#[test]
fn the_deepest_nesting_allowed_fits_the_stack() {
    let ceiling = tpt::limits::MAX_DEPTH_CEILING.to_string();
    let beyond = (tpt::limits::MAX_DEPTH_CEILING + 1).to_string();
    for command in ["check", "fmt", "run"] {
        let (code, stderr) = tpt_exit(&[command, "programs/bound/circuit_nand.tpt", "--max-depth", &beyond]);
        assert_eq!(code, Some(2), "{command}: {stderr}");
        assert!(stderr.contains("the deepest nesting tpt can follow"), "{command}: {stderr}");
    }
    let deep = 9_990;
    let kinds = [
        ("parentheses", format!("y = {}x{};", "(".repeat(deep), ")".repeat(deep))),
        ("an operator chain", format!("y = (x{}) % 2;", " + x".repeat(deep))),
        ("blocks", format!("{}y = x;{}", "if 1 == 1 { ".repeat(deep), " }".repeat(deep))),
    ];
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (kind, body) in kinds {
        let path = dir.path().join("deep.tpt");
        std::fs::write(&path, format!("input x: 2;\noutput y: 2;\n{body}\nexample {{ x = 1; y = 1; }}\n"))
            .expect("the file is written");
        let path = path.to_string_lossy().into_owned();
        for command in [&["check"][..], &["fmt"], &["synth", "--backend", "gradsearch-la", "--print", "sketch"]] {
            let (code, stderr) = tpt_exit(&[command, &[&path[..], "--max-depth", &ceiling]].concat());
            assert_eq!(code, Some(0), "{} on {kind} {deep} deep: {stderr}", command[0]);
        }
    }
}

// ------------------------------------------------------------------ generated programs

// Mutations mostly produce programs the parser or the checker rejects. The generator below
// writes well-formed programs over params, inputs, vars and outputs with runtime `if`s,
// `match`es, runtime indices and `observe`s, which reach the lowering and its checks. For an
// accepted program two properties must hold, for any param values and inputs:
// 1. the interpreter never fails at run time: every error the language defines (division by
//    zero, index out of range, a value outside a domain, a read before assignment) is a
//    compile-time error, so an accepted program has none;
// 2. the graph agrees with the interpreter: on one-hot params it violates exactly the
//    observations the interpreter finds violated.
// The generator is in `support/mod.rs`, shared with `differential.rs`.

/// The interpreter's failures on every example of the program; a run-time error is a bug.
fn interpreter_failures(
    program: &tpt::program::Program,
    params: &tpt::interp::ParamValues,
    text: &str,
) -> Result<usize, TestCaseError> {
    let mut failures = 0;
    for example in &program.examples {
        let outcome = run_example(program, params, example, small_limits().max_unroll);
        if let Some(tpt::interp::Failure::Error(error)) =
            outcome.failures.iter().find(|f| matches!(f, tpt::interp::Failure::Error(_)))
        {
            return Err(TestCaseError::fail(format!(
                "an accepted program fails at run time ({}) with params {params:?}:\n{text}",
                error.describe(program)
            )));
        }
        failures += outcome.failures.len();
    }
    Ok(failures)
}

fn generated_program_case(seed: u64) -> Result<(), TestCaseError> {
    let mut generator = Generator::new(seed);
    let text = generator.program();
    let Ok(compiled) = compile_text(&text) else { return Ok(()) };
    let program = &compiled.program;
    let mut dice = Dice(seed.rotate_left(17) | 1);
    // Examples: random inputs, with the outputs the interpreter computes for params `chosen`.
    let chosen = random_params(program, &mut dice);
    let mut with_examples = text.clone();
    for _ in 0..3 {
        let example = random_inputs(program, &mut dice);
        let block = computed_example(program, &chosen, &example)
            .map_err(|error| TestCaseError::fail(format!("{error}:\n{text}")))?;
        with_examples.push_str(&block);
    }
    let compiled = match compile_text(&with_examples) {
        Ok(compiled) => compiled,
        // Observing an output that only some paths assign is an error of its own (rule 7).
        Err(rendered)
            if rendered.lines().filter(|l| l.starts_with("error:")).count()
                == rendered.matches("may be unassigned at the end").count() =>
        {
            return Ok(())
        }
        Err(rendered) => {
            return Err(TestCaseError::fail(format!(
                "examples computed by the interpreter are rejected:\n{rendered}\n{with_examples}"
            )))
        }
    };
    let program = &compiled.program;
    let graph = &compiled.graph;
    let Ok(mut tape) = tpt::tape::Tape::new(graph, &small_limits()) else { return Ok(()) };
    let mut theta = vec![0.0; tape.theta_len()];
    let mut integer = tpt::tape::OneHot::new(&tape);
    let mut previous: Option<Vec<u32>> = None;
    for round in 0..6 {
        let params = if round == 0 { chosen.clone() } else { random_params(program, &mut dice) };
        let assignment: Vec<u32> = graph.params.iter().map(|slot| params[slot.array][slot.flat]).collect();
        tpt::solve::one_hot(tape.param_offsets(), &assignment, &mut theta);
        tape.forward(&theta, &[]);
        let expected = interpreter_failures(program, &params, &with_examples)?;
        prop_assert_eq!(
            tape.violations(),
            expected,
            "the graph and the interpreter disagree with params {:?} on\n{}",
            params,
            with_examples
        );
        // The integer evaluator agrees, from scratch and as a single-param move from the
        // previous point.
        prop_assert_eq!(integer.set(&assignment), expected, "integer evaluation on\n{}", with_examples);
        if let Some(from) = previous.take() {
            if let Some(param) = (0..from.len()).find(|&p| from[p] != assignment[p]) {
                let mut moved = from.clone();
                moved[param] = assignment[param];
                tpt::solve::one_hot(tape.param_offsets(), &moved, &mut theta);
                tape.forward(&theta, &[]);
                integer.set(&from);
                prop_assert_eq!(
                    integer.violations_with(param, assignment[param]),
                    tape.violations(),
                    "a move of param {} on\n{}",
                    param,
                    with_examples
                );
            }
        }
        previous = Some(assignment);
    }
    Ok(())
}

/// The generator writes every construct the language has for finite domains, and the checker
/// accepts programs with each: `minimize`, `bits(..)` in examples, `from_bits`, and the bitwise
/// operators. (Reals and `~=` are left to the fuzz seeds: the properties here are about
/// finite-domain agreement.)
#[test]
fn the_generator_writes_every_construct() {
    let constructs = ["minimize", "bits(", "from_bits(", " & ", " | ", " ^ ", " << ", " >> ", "~"];
    let mut accepted = vec![0; constructs.len()];
    for seed in 1..1000u64 {
        let mut generator = Generator::new(seed);
        let text = generator.program();
        let Ok(compiled) = compile_text(&text) else { continue };
        let mut dice = Dice(seed | 1);
        let params = random_params(&compiled.program, &mut dice);
        let example = random_inputs(&compiled.program, &mut dice);
        let Ok(block) = computed_example(&compiled.program, &params, &example) else { continue };
        let whole = text + &block;
        if compile_text(&whole).is_err() {
            continue;
        }
        for (count, construct) in accepted.iter_mut().zip(constructs) {
            *count += usize::from(whole.contains(construct));
        }
    }
    let counts: Vec<String> = accepted.iter().zip(constructs).map(|(n, c)| format!("`{c}`: {n}")).collect();
    assert!(accepted.iter().all(|&n| n >= 10), "accepted programs with each: {}", counts.join(", "));
}

#[test]
fn generated_programs_run_as_checked() {
    let mut runner = runner(3000);
    if let Err(error) = runner.run(&any::<u64>(), generated_program_case) {
        panic!("{error}");
    }
}

/// Mutated and random data files through the data loader of a program with scalar and array
/// inputs and outputs: never a panic, and every error points inside the data file.
#[test]
fn mutated_data_files_never_panic() {
    let program = "input x[3]: bool; input n: 4; output y[2][2]: 4; output z: 2;\n\
                   y[0][0] = n; y[0][1] = x[0]; y[1][0] = x[1]; y[1][1] = x[2]; z = 1;\n";
    let mut sources = SourceMap::new();
    let main = sources.add("data.tpt", program);
    let compiled = compile(&sources, main, None, &CheckOptions::default()).expect("the program compiles");
    let seed = r#"{"examples": [{"x": [0, 1, 1], "n": 3, "y": [[3, 0], [1, null]], "z": 1},
 {"x": [1, 1, 1], "n": 0, "y": null, "é": "\"]}"}]}"#
        .as_bytes()
        .to_vec();
    let pieces: Vec<&'static str> =
        vec!["{", "}", "[", "]", ",", ":", "\"", "\\", "null", "-1", "1e9", "2.5", "\"x\"", "é", " "];
    let mutated = (prop::collection::vec((any::<usize>(), 0usize..4, prop::sample::select(pieces)), 1..6)).prop_map(
        move |edits| {
            let mut bytes = seed.clone();
            for (at, delete, piece) in edits {
                let at = at % (bytes.len() + 1);
                let end = (at + delete).min(bytes.len());
                bytes.splice(at..end, piece.bytes());
            }
            bytes
        },
    );
    let mut runner = runner(3000);
    let result = runner.run(&mutated, |bytes: Vec<u8>| {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let outcome = std::panic::catch_unwind(|| {
            let mut sources = SourceMap::new();
            sources.add("data.tpt", program);
            let data = sources.add("data.json", text.clone());
            let loaded =
                tpt::examples::json::load_examples(&compiled.program, &text, data, "data.json", &Limits::default());
            if let Err(diagnostics) = loaded {
                for diagnostic in &diagnostics {
                    for label in diagnostic.labels.iter().filter(|l| l.source == data) {
                        assert!(label.span.end <= text.len(), "a label outside the data file");
                    }
                }
                let _ = render_to_string(&diagnostics, &sources, &Neutral);
            }
        });
        prop_assert!(outcome.is_ok(), "panic on data file {:?}", text);
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
