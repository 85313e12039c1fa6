//! Generated programs -> the exact encodings and back ends, held to the exact interpreter.
//! An exact back end's "impossible" rests on the encoding alone (the interpreter can only
//! confirm a success), so the encoding must agree with the interpreter in both directions:
//! - the CNF with the params fixed by solver assumptions is satisfiable exactly when the
//!   interpreter accepts those params on every example, and, with one example's selector
//!   assumed, exactly when it accepts them on that example;
//! - the SMT-LIB text with the params fixed is `sat` for z3 exactly when the interpreter
//!   accepts them (a smaller sample: each program costs a z3 process);
//! - on small search spaces `sat`, `smt` and `exhaustive` agree on found / impossible, every
//!   "found" passes the interpreter, and every proof of impossibility names examples that
//!   are impossible together (by enumeration) and each needed (dropping one makes the rest
//!   satisfiable);
//! - with an objective (`minimize`) and with `--max-violations 1`, the exact back ends agree
//!   with exhaustive enumeration on the optimum (the fewest failing examples, then the lowest
//!   objective) and call it proven, and the interpreter confirms each answer and its cost.
//!
//! The programs come from the generator shared with `robustness.rs`, in a small shape; their
//! examples are computed by the interpreter from random params, and in about half of the
//! programs one observed value is then changed, so that many have no solution.

mod support;

use std::sync::atomic::AtomicBool;

use support::{compile_text, computed_outputs, example_block, random_inputs, random_params, small_limits};
use support::{Dice, Generator, Shape};
use tpt::encode::{smt2, smt_name, Cnf, Model, SmtSort};
use tpt::interp::{run_example, verify, ParamValues};
use tpt::pipeline::Compiled;
use tpt::solve::{backend, resolve_options, solve, RunOptions, SolveReport, Status, Verify};
use tpt::verify::{param_values, Verifier};

/// Programs generated per test (the checker rejects some of them; see the floors).
const PROGRAMS: u64 = 5000;

/// Small programs: up to 3 param arrays (at most 10 elements) of domain 2 or 3, 2 inputs,
/// 2 vars, 2 outputs, and 2 to 4 statements of up to 3 levels after the first assignments.
const SHAPE: Shape = Shape { arrays: [3, 2, 2, 2], domain_spread: 2, statements: 3, objective: false };

/// Param assignments checked per program: the one the examples were computed from, and
/// random ones.
const ROUNDS: usize = 12;

/// A generated program with examples that the checker accepted.
struct Case {
    seed: u64,
    /// The program without its examples.
    text: String,
    /// One `example { .. }` block per example.
    examples: Vec<String>,
    compiled: Compiled,
    /// The params the examples were computed from.
    chosen: ParamValues,
}

impl Case {
    fn source(&self) -> String {
        self.text.clone() + &self.examples.concat()
    }

    /// log2 of the number of assignments of the params.
    fn space_bits(&self) -> f64 {
        self.compiled.graph.params.iter().map(|p| f64::from(p.domain).log2()).sum()
    }
}

/// The case of a seed, or `None` when the checker rejects the program (or its examples, for
/// a reason of its own such as an output assigned on some paths only).
fn case(seed: u64) -> Option<Case> {
    let text = Generator::with_shape(seed, SHAPE).program();
    let compiled = compile_text(&text).ok()?;
    let program = &compiled.program;
    let mut dice = Dice(seed.rotate_left(29) | 1);
    let chosen = random_params(program, &mut dice);
    let count = 2 + dice.below(3) as usize;
    let perturbed = dice.chance(50).then(|| dice.below(count as u64) as usize);
    let mut examples = Vec::new();
    for index in 0..count {
        let example = random_inputs(program, &mut dice);
        let mut outputs = computed_outputs(program, &chosen, &example).unwrap_or_else(|e| panic!("{e}:\n{text}"));
        if perturbed == Some(index) {
            perturb(program, &mut outputs, &mut dice);
        }
        examples.push(example_block(program, &example, &outputs));
    }
    let compiled = compile_text(&(text.clone() + &examples.concat())).ok()?;
    Some(Case { seed, text, examples, compiled, chosen })
}

/// Give one observed output element another value of its domain.
fn perturb(program: &tpt::program::Program, outputs: &mut [Vec<Option<i64>>], dice: &mut Dice) {
    let observed: Vec<(usize, usize)> = outputs
        .iter()
        .enumerate()
        .flat_map(|(array, values)| (0..values.len()).filter(move |&f| values[f].is_some()).map(move |f| (array, f)))
        .collect();
    if observed.is_empty() {
        return;
    }
    let (array, flat) = *dice.pick(&observed);
    let domain = i64::from(program.arrays[array].domain);
    if let Some(value) = &mut outputs[array][flat] {
        *value = (*value + 1 + dice.below(domain as u64 - 1) as i64) % domain;
    }
}

/// Every case of the first `PROGRAMS` seeds that the checker accepts.
fn cases() -> impl Iterator<Item = Case> {
    (0..PROGRAMS).filter_map(|i| case(0x5EED_0000 + i))
}

/// The params of round `round`: the chosen ones first, then random ones.
fn round_params(case: &Case, round: usize, dice: &mut Dice) -> ParamValues {
    if round == 0 {
        case.chosen.clone()
    } else {
        random_params(&case.compiled.program, dice)
    }
}

/// For each model param, the CNF literal that fixes it to its value in `params`.
fn param_literals(case: &Case, model: &Model, cnf: &Cnf, params: &ParamValues) -> Vec<i32> {
    let graph = &case.compiled.graph;
    graph
        .params
        .iter()
        .zip(&model.params)
        .map(|(slot, &var)| {
            let value = params[slot.array][slot.flat];
            let position = model.vars[var].values.iter().position(|&v| v == value).expect("a param takes every value");
            cnf.literals[var][position]
        })
        .collect()
}

fn load(cnf: &Cnf) -> cadical::Solver {
    let mut solver = cadical::Solver::new();
    for clause in &cnf.clauses {
        solver.add_clause(clause.iter().copied());
    }
    solver
}

#[test]
fn the_cnf_agrees_with_the_interpreter_on_fixed_params() {
    let max_run = small_limits().max_unroll;
    let (mut accepted, mut accepting, mut rejecting) = (0, 0, 0);
    for case in cases() {
        accepted += 1;
        let (program, graph) = (&case.compiled.program, &case.compiled.graph);
        let model = Model::build(graph);
        let guarded = Cnf::with_selectors(&model);
        let plain = Cnf::from_model(&model);
        let (mut guarded_solver, mut plain_solver) = (load(&guarded), load(&plain));
        let mut dice = Dice(case.seed ^ 0xD1CE);
        for round in 0..ROUNDS {
            let params = round_params(&case, round, &mut dice);
            let every = verify(program, &params, max_run);
            if every {
                accepting += 1;
            } else {
                rejecting += 1;
            }
            let fixed = param_literals(&case, &model, &guarded, &params);
            let all: Vec<i32> = fixed.iter().chain(&guarded.selectors).copied().collect();
            let sat = guarded_solver.solve_with(all);
            assert_eq!(sat, Some(every), "CNF with selectors, params {params:?}, on\n{}", case.source());
            let fixed_plain = param_literals(&case, &model, &plain, &params);
            let sat = plain_solver.solve_with(fixed_plain);
            assert_eq!(sat, Some(every), "plain CNF, params {params:?}, on\n{}", case.source());
            for (e, example) in program.examples.iter().enumerate() {
                let passes = run_example(program, &params, example, max_run).passed();
                let one: Vec<i32> = fixed.iter().copied().chain([guarded.selectors[e]]).collect();
                let sat = guarded_solver.solve_with(one);
                assert_eq!(sat, Some(passes), "CNF, example {} alone, params {params:?}, on\n{}", e + 1, case.source());
            }
        }
    }
    eprintln!("{accepted} of {PROGRAMS} programs accepted; {accepting} assignments accepted, {rejecting} rejected");
    // Floors, so that a generator that stops producing valid programs cannot pass unnoticed
    // (the numbers seen when the test was written are in docs/testing.md).
    assert!(accepted >= 1500, "only {accepted} of {PROGRAMS} generated programs were accepted");
    assert!(accepting >= 1500 && rejecting >= 10_000, "accepted {accepting}, rejected {rejecting} assignments");
}

/// True when z3 is on PATH. Outside CI a missing z3 skips the test loudly; in CI it fails.
fn z3_available(test: &str) -> bool {
    let found = std::process::Command::new("z3").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "{test}: z3 is required in CI (.ci/run installs it)");
        eprintln!("SKIPPED {test}: z3 is not installed (apt-get install z3)");
    }
    found
}

/// A literal of a param's sort, as the SMT-LIB writer declares it.
fn smt_literal(sort: SmtSort, domain: u32, value: u32) -> String {
    match sort {
        SmtSort::Int => value.to_string(),
        SmtSort::BitVec => {
            let largest = domain - 1;
            let width = (u32::BITS - largest.leading_zeros()).max(1);
            format!("(_ bv{value} {width})")
        }
    }
}

#[test]
fn the_smt_encoding_agrees_with_z3_and_the_interpreter() {
    if !z3_available("the_smt_encoding_agrees_with_z3_and_the_interpreter") {
        return;
    }
    let max_run = small_limits().max_unroll;
    let (mut programs, mut queries, mut unsat) = (0, 0, 0);
    // Every sixteenth accepted program, alternately in bit-vectors and integers.
    for case in cases().step_by(16) {
        let (program, graph) = (&case.compiled.program, &case.compiled.graph);
        let model = Model::build(graph);
        let sort = if programs % 2 == 0 { SmtSort::BitVec } else { SmtSort::Int };
        let text = smt2(&model, sort);
        let body = &text[..text.find("(check-sat)").expect("the text checks satisfiability")];
        let mut script = body.to_string();
        let mut expected = Vec::new();
        let mut dice = Dice(case.seed ^ 0x5A7);
        for round in 0..ROUNDS {
            let params = round_params(&case, round, &mut dice);
            script.push_str("(push 1)\n");
            for (slot, &var) in graph.params.iter().zip(&model.params) {
                let value = smt_literal(sort, slot.domain, params[slot.array][slot.flat]);
                script.push_str(&format!("(assert (= {} {value}))\n", smt_name(&model, var)));
            }
            script.push_str("(check-sat)\n(pop 1)\n");
            expected.push((verify(program, &params, max_run), params));
        }
        let file = tempfile::Builder::new().suffix(".smt2").tempfile().expect("a temporary file");
        std::fs::write(file.path(), &script).expect("write the script");
        let output = std::process::Command::new("z3").arg("-smt2").arg(file.path()).output().expect("z3 runs");
        let answers: Vec<String> = String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect();
        assert_eq!(answers.len(), expected.len(), "z3 answered {answers:?} to\n{script}");
        for (answer, (every, params)) in answers.iter().zip(&expected) {
            let want = if *every { "sat" } else { "unsat" };
            assert_eq!(answer, want, "{sort:?}, params {params:?}, on\n{}", case.source());
            unsat += usize::from(!every);
        }
        programs += 1;
        queries += expected.len();
    }
    eprintln!("{programs} programs, {queries} queries to z3, {unsat} of them unsat");
    assert!(programs >= 100 && unsat >= queries / 4, "{programs} programs, {unsat} of {queries} unsat");
}

/// Run an exact back end with its defaults on a case.
fn run(compiled: &Compiled, name: &str) -> SolveReport {
    run_with_options(compiled, name, &[])
}

/// Run a back end with some options given (`--opt key=value`) on a case.
fn run_with_options(compiled: &Compiled, name: &str, given: &[(&str, &str)]) -> SolveReport {
    run_allowing(compiled, name, given, 0)
}

/// Run a back end with options on a case whose results may fail up to `max_violations`
/// examples.
fn run_allowing(compiled: &Compiled, name: &str, given: &[(&str, &str)], max_violations: usize) -> SolveReport {
    let verifier = Verifier::new(&compiled.program, &compiled.graph.layout, small_limits().max_unroll)
        .with_max_violations(max_violations);
    run_with(compiled, name, given, 1, max_violations, &|assignment: &[u32], _: &[f64]| verifier.check(assignment))
}

/// Run a back end with the given options, `restarts` restarts and the given verifier.
fn run_with(
    compiled: &Compiled,
    name: &str,
    given: &[(&str, &str)],
    restarts: usize,
    max_violations: usize,
    verifier: &Verify,
) -> SolveReport {
    let info = backend(name).expect("a registered back end");
    let given: Vec<(String, String)> = given.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let options = resolve_options(info, &given).expect("valid options");
    let graph = &compiled.graph;
    let tape = tpt::tape::Tape::new(graph, &small_limits()).expect("a tape within the limits");
    let interrupt = AtomicBool::new(false);
    let run = RunOptions {
        backend: info,
        options,
        max_steps: 1_000_000,
        timeout: None,
        restarts,
        seed: 0,
        interrupt: &interrupt,
        trace: false,
        progress: None,
        max_violations,
        real_stage: None,
        cegis: None,
    };
    solve(graph, &tape, &run, verifier)
}

/// The case's program with only the given examples.
fn with_examples(case: &Case, keep: &[usize]) -> Compiled {
    let text = case.text.clone() + &keep.iter().map(|&e| case.examples[e].as_str()).collect::<String>();
    compile_text(&text).unwrap_or_else(|e| panic!("a subset of accepted examples is rejected:\n{e}\n{text}"))
}

#[test]
fn exact_back_ends_agree_and_explain_impossibility() {
    let smt = z3_available("exact_back_ends_agree_and_explain_impossibility (smt part)");
    let (mut found, mut impossible, mut cores, mut smt_runs) = (0, 0, 0, 0);
    // Every fourth accepted program with at most 2^16 assignments.
    for case in cases().filter(|c| c.space_bits() <= 16.0).step_by(4) {
        let (program, graph) = (&case.compiled.program, &case.compiled.graph);
        let exhaustive = run(&case.compiled, "exhaustive");
        let sat = run(&case.compiled, "sat");
        let cegis = run_with_options(&case.compiled, "sat", &[("cegis", "true")]);
        let auto = run(&case.compiled, "auto");
        let auto_cegis = run_with_options(&case.compiled, "auto", &[("cegis", "true")]);
        let mut reports = vec![
            ("exhaustive", exhaustive),
            ("sat", sat),
            ("sat, cegis=true", cegis),
            ("auto", auto),
            ("auto, cegis=true", auto_cegis),
        ];
        // z3 costs a process per run: every fourth of these.
        if smt && (found + impossible) % 4 == 0 {
            reports.push(("smt", run(&case.compiled, "smt")));
            smt_runs += 1;
        }
        let status = reports[0].1.status();
        assert!(matches!(status, Status::Found | Status::Impossible), "exhaustive: {status:?} on\n{}", case.source());
        for (name, report) in &reports {
            assert_eq!(report.status(), status, "{name} disagrees with exhaustive on\n{}", case.source());
            if report.status() == Status::Found {
                let verified = report.verified().expect("a found result holds verified params");
                let values = param_values(program, &graph.layout, verified.assignment());
                assert!(
                    verify(program, &values, small_limits().max_unroll),
                    "{name}'s answer fails on\n{}",
                    case.source()
                );
            }
        }
        if status == Status::Found {
            found += 1;
            continue;
        }
        impossible += 1;
        // Every exact back end names a minimal impossible set; those that prove impossibility
        // on every example at once name the same set (one SAT solver shrinks it,
        // deterministically), counterexample-guided `sat` one among the examples it needed.
        let conflict = reports[1]
            .1
            .outcome
            .conflict()
            .map(<[usize]>::to_vec)
            .unwrap_or_else(|| panic!("sat names no examples on\n{}", case.source()));
        let mut checked: Vec<Vec<usize>> = Vec::new();
        for (name, report) in &reports {
            let named = report
                .outcome
                .conflict()
                .map(<[usize]>::to_vec)
                .unwrap_or_else(|| panic!("{name} names no examples on\n{}", case.source()));
            if !name.contains("cegis") {
                assert_eq!(named, conflict, "{name}'s conflict on\n{}", case.source());
            }
            if checked.contains(&named) {
                continue;
            }
            assert_minimal_conflict(&case, &named, name);
            checked.push(named);
        }
        cores += 1;
    }
    eprintln!("{found} found and {impossible} impossible by every exact back end ({smt_runs} with smt too)");
    assert!(found >= 100 && impossible >= 200 && cores == impossible, "{found} found, {impossible} impossible");
}

/// Up to three `minimize` statements over the case's params (an element, a comparison with a
/// value, a sum of two elements, or an element times 2 or 3), so that many assignments tie and
/// the optimum is not 0. The multiples give the objective's totalizer weights above 1, beside
/// the unit weights of the other terms.
fn objective(case: &Case, dice: &mut Dice) -> String {
    let program = &case.compiled.program;
    let elements: Vec<(String, u32)> = program
        .params()
        .flat_map(|(_, array)| {
            (0..array.len()).map(move |flat| {
                let mut index = String::new();
                let mut rest = flat;
                for (d, _) in array.dims.iter().enumerate() {
                    let stride: usize = array.dims[d + 1..].iter().product();
                    index.push_str(&format!("[{}]", rest / stride));
                    rest %= stride;
                }
                (format!("{}{index}", array.name), array.domain)
            })
        })
        .collect();
    let mut text = String::new();
    for _ in 0..1 + dice.below(3) {
        let (element, domain) = dice.pick(&elements).clone();
        text.push_str(&match dice.below(4) {
            0 => format!("minimize {element};\n"),
            1 => format!("minimize {element} != {};\n", dice.below(u64::from(domain))),
            2 => format!("minimize {element} * {};\n", 2 + dice.below(2)),
            _ => format!("minimize {element} + {};\n", dice.pick(&elements).0),
        });
    }
    text
}

#[test]
fn exact_back_ends_agree_on_optima() {
    let smt = z3_available("exact_back_ends_agree_on_optima (smt part)");
    let (mut optimized, mut positive, mut weighted, mut noisy, mut smt_runs) = (0, 0, 0, 0, 0);
    // Every eighth accepted program with at most 2^12 assignments.
    for case in cases().filter(|c| c.space_bits() <= 12.0).step_by(8) {
        let mut dice = Dice(case.seed.rotate_left(7) | 1);
        let text = case.text.clone() + &objective(&case, &mut dice) + &case.examples.concat();
        let Ok(compiled) = support::compile_text(&text) else { continue };
        for max_violations in [0, 1] {
            let exhaustive = run_allowing(&compiled, "exhaustive", &[], max_violations);
            let mut reports = vec![
                ("sat", run_allowing(&compiled, "sat", &[], max_violations)),
                ("sat, engine=batsat", run_allowing(&compiled, "sat", &[("engine", "batsat")], max_violations)),
                ("sat, cegis=true", run_allowing(&compiled, "sat", &[("cegis", "true")], max_violations)),
                ("auto", run_allowing(&compiled, "auto", &[], max_violations)),
            ];
            // The same run again gives the same optimum and the same counts of work.
            for (name, again) in [("sat", &[][..]), ("auto", &[]), ("sat, cegis=true", &[("cegis", "true")])] {
                let backend = name.split(',').next().unwrap_or(name);
                let again = run_allowing(&compiled, backend, again, max_violations);
                let first = reports.iter().find(|(n, _)| *n == name).map(|(_, r)| r).expect("a first run");
                let counts = |r: &SolveReport| {
                    (
                        r.verified().map(|v| v.assignment().to_vec()),
                        r.work.steps,
                        r.work.total_steps,
                        r.work.evaluations,
                    )
                };
                assert_eq!(counts(&again), counts(first), "{name}: another run, another answer on\n{text}");
            }
            if smt && optimized % 4 == 0 {
                reports.push(("smt", run_allowing(&compiled, "smt", &[], max_violations)));
                smt_runs += 1;
            }
            let status = exhaustive.status();
            assert!(matches!(status, Status::Found | Status::Impossible), "exhaustive: {status:?} on\n{text}");
            let answer = |report: &SolveReport| {
                report.verified().map(|verified| {
                    let values = param_values(&compiled.program, &compiled.graph.layout, verified.assignment());
                    let failing = (0..compiled.program.examples.len())
                        .filter(|&e| {
                            let outcome = run_example(
                                &compiled.program,
                                &values,
                                &compiled.program.examples[e],
                                small_limits().max_unroll,
                            );
                            !outcome.passed()
                        })
                        .count();
                    assert_eq!(failing, verified.violated().len(), "the verdict counts what fails on\n{text}");
                    (failing, verified.cost())
                })
            };
            let expected = answer(&exhaustive);
            assert!(exhaustive.status() != Status::Found || exhaustive.optimal(), "exhaustive proves its optimum");
            for (name, report) in &reports {
                assert_eq!(report.status(), status, "{name} disagrees with exhaustive on\n{text}");
                assert_eq!(answer(report), expected, "{name}'s optimum (failing, cost) on\n{text}");
                if status == Status::Found {
                    assert!(report.optimal(), "{name} proves its optimum on\n{text}");
                }
            }
            if status == Status::Found {
                optimized += 1;
                let above_0 = expected.is_some_and(|(_, cost)| cost.is_some_and(|c| c > 0));
                positive += usize::from(above_0);
                weighted += usize::from(above_0 && text.contains(" * "));
                noisy += usize::from(expected.is_some_and(|(failing, _)| failing > 0));
            }
        }
    }
    eprintln!(
        "{optimized} optima agreed ({positive} above 0, {weighted} of them with a weighted term; {noisy} giving up an \
         example; {smt_runs} with smt)"
    );
    assert!(
        optimized >= 100 && positive >= 30 && weighted >= 15 && noisy >= 20,
        "{optimized} optima, {positive} above 0, {weighted} weighted, {noisy} noisy"
    );
}

/// `conflict` (named by back end `name`) holds examples that are impossible together, each of
/// them needed: without any one the rest has a solution.
fn assert_minimal_conflict(case: &Case, conflict: &[usize], name: &str) {
    let program = &case.compiled.program;
    assert!(!conflict.is_empty() && conflict.iter().all(|&e| e < program.examples.len()), "{name}: {conflict:?}");
    let together = run(&with_examples(case, conflict), "exhaustive");
    assert_eq!(
        together.status(),
        Status::Impossible,
        "{name}'s conflict {conflict:?} is satisfiable on\n{}",
        case.source()
    );
    for drop in 0..conflict.len() {
        let mut rest = conflict.to_vec();
        rest.remove(drop);
        let without = run(&with_examples(case, &rest), "exhaustive");
        assert_eq!(
            without.status(),
            Status::Found,
            "{name}'s conflict {conflict:?} is not minimal: without example {} it is still impossible, on\n{}",
            conflict[drop] + 1,
            case.source()
        );
    }
}

/// The graph and the interpreter must agree at every one-hot point; when they do not (here
/// simulated by a verifier that rejects everything), the run ends with an internal error at
/// the first candidate the graph accepts. Before, `exhaustive` went on and called the space
/// exhausted ("impossible"), and `sat` gave up.
#[test]
fn a_candidate_the_interpreter_rejects_is_an_internal_error() {
    let source = "param p[3]: 3; input x: 3; output y: 3;\n\
                  y = (x + p[0] + p[1] * p[2]) % 3;\n\
                  example { x = 0; y = 1; }\nexample { x = 2; y = 0; }\n";
    let compiled = compile_text(source).unwrap_or_else(|e| panic!("{e}"));
    let reject = |_: &[u32], _: &[f64]| None;
    for (name, restarts) in [("exhaustive", 1), ("sat", 1), ("local-search", 3), ("gradsearch-la", 2)] {
        let report = run_with(&compiled, name, &[], restarts, 0, &reject);
        assert_eq!(report.status(), Status::InternalError, "{name}");
        let detail = report.outcome.internal_error().unwrap_or_default();
        assert!(detail.contains("the exact interpreter rejects"), "{name}: {detail}");
        let candidate = report.best().expect("the candidate an internal error is about");
        assert_eq!(candidate.violations, 0, "{name}: the graph accepted the candidate");
        assert!(report.outcome.conflict().is_none(), "{name}");
    }
    // With the real verifier the same program is solved.
    assert_eq!(run(&compiled, "exhaustive").status(), Status::Found);
}
