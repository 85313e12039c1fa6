//! Are the examples enough? After a program is found, `tpt synth` asks for another program
//! that fits every example but behaves differently on some input; `--all N` lists up to N
//! programs with pairwise different behaviour. Checked on small sketches whose answers are
//! known: the distinguishing input really distinguishes (both printed programs run with
//! `tpt run --input` give the outputs reported), examples that pin the behaviour down give
//! `null`, a table with two free entries of three values has exactly nine behaviours.

mod cli;

use cli::{scratch_in, text, tpt};

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde_json::Value;
use support::{compile_text, computed_example, random_inputs, random_params, small_limits, Dice, Generator, Shape};
use tpt::ast::DeclKind;
use tpt::distinguish::{distinguish, DistinguishConfig, Ending};
use tpt::graph::Target;
use tpt::interp::{run_example, Failure};
use tpt::program::{ExampleData, Program};
use tpt::verify::Verifier;

fn scratch(name: &str) -> PathBuf {
    scratch_in("distinguish", name)
}

/// `tpt synth` with `--json`: the parsed object, after checking the exit code.
fn synth_json(args: &[&str]) -> Value {
    let mut all = vec!["synth"];
    all.extend_from_slice(args);
    all.push("--json");
    let result = tpt(&all);
    assert_eq!(result.status.code(), Some(0), "{args:?}:\n{}", text(&result.stderr));
    serde_json::from_slice(&result.stdout).expect("JSON on stdout")
}

/// The programs `--all` printed, each under its `// program i of n` line, as separate files.
fn listed_programs(stdout: &str, name: &str) -> Vec<PathBuf> {
    let parts: Vec<&str> = stdout.split("// program ").filter(|p| !p.trim().is_empty()).collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let path = scratch(&format!("{name}-{i}.tpt"));
            std::fs::write(&path, format!("// program {part}")).expect("write a listed program");
            path
        })
        .collect()
}

/// `tpt run FILE --input x=VALUE`: the line it prints.
fn run_on(file: &Path, input: &str) -> String {
    let result = tpt(&["run", &file.to_string_lossy(), "--input", input]);
    assert_eq!(result.status.code(), Some(0), "run {} {input}:\n{}", file.display(), text(&result.stderr));
    text(&result.stdout).trim().to_string()
}

#[test]
fn the_distinguishing_input_really_distinguishes_the_two_programs() {
    let file = "tests/distinguish/offset.tpt";
    let json = synth_json(&[file, "--backend", "sat", "--all", "2"]);
    assert_eq!(json["distinguish_check"], "distinguished");
    let found = &json["distinguishing_input"];
    let x = found["inputs"]["x"].as_u64().expect("x is a number");
    // q matters only for x >= 2; the two programs are q = 0 and q = 1, which give
    // (x + 1) % 4 and (x + 2) % 4 there.
    assert!(x >= 2, "{found}");
    let (y, other_y) = (found["outputs"]["y"].as_u64(), found["other_outputs"]["y"].as_u64());
    assert_ne!(y, other_y);
    assert_eq!(found["differing"], serde_json::json!(["y"]));
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["complete"], true, "q has two values: two behaviours, and no others");
    // Both printed programs, run on that input, give the two outputs reported.
    let listed = tpt(&["synth", file, "--backend", "sat", "--all", "2"]);
    assert_eq!(listed.status.code(), Some(0));
    let programs = listed_programs(&text(&listed.stdout), "offset");
    assert_eq!(programs.len(), 2);
    let input = format!("x={x}");
    let first = run_on(&programs[0], &input);
    let second = run_on(&programs[1], &input);
    assert_eq!(first, format!("input (x = {x}): y = {}", y.unwrap_or(99)));
    assert_eq!(second, format!("input (x = {x}): y = {}", other_y.unwrap_or(99)));
}

/// The advice note of a synth's stderr, without the summary line.
fn advice_of(stderr: &str) -> String {
    stderr
        .split("note: ")
        .find(|part| part.starts_with("another program"))
        .map(|part| part.lines().filter(|l| !l.contains("found by sat")).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

#[test]
fn the_advice_names_the_input_and_both_outputs_at_the_input_declaration() {
    let result = tpt(&["synth", "tests/distinguish/offset.tpt", "--backend", "sat"]);
    assert_eq!(result.status.code(), Some(0));
    let stderr = text(&result.stderr);
    let advice = advice_of(&stderr);
    insta::assert_snapshot!("distinguish_offset_advice", advice);
}

/// Programs told apart by an `observe` alone: on the input named, one of the two printed
/// programs fails the `observe` (`tpt run` exits 1) and the other satisfies it.
#[test]
fn an_observe_that_holds_for_one_program_only_distinguishes_them() {
    let file = "tests/distinguish/observe.tpt";
    let json = synth_json(&[file, "--backend", "sat", "--all", "5"]);
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["complete"], true);
    let x = json["distinguishing_input"]["inputs"]["x"].as_u64().expect("x is a number");
    let listed = tpt(&["synth", file, "--backend", "sat", "--all", "5"]);
    let programs = listed_programs(&text(&listed.stdout), "observe");
    let codes: Vec<Option<i32>> = programs
        .iter()
        .map(|p| tpt(&["run", &p.to_string_lossy(), "--input", &format!("x={x}")]).status.code())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(sorted, [Some(0), Some(1)], "one passes, one fails the `observe` on x = {x}");
    let result = tpt(&["synth", file, "--backend", "sat"]);
    let stderr = text(&result.stderr);
    let advice = advice_of(&stderr);
    insta::assert_snapshot!("distinguish_observe_advice", advice);
}

#[test]
fn examples_that_pin_the_behaviour_down_give_null() {
    for (file, backend) in
        [("tests/distinguish/lookup_full.tpt", "sat"), ("programs/circuit_nand.tpt", "gradsearch-la")]
    {
        let json = synth_json(&[file, "--backend", backend, "--seed", "1"]);
        assert_eq!(json["distinguish_check"], "pinned_down", "{file}");
        assert!(json["distinguishing_input"].is_null(), "{file}");
        assert!(json.get("programs").is_none(), "only --all lists programs");
        let result = tpt(&["synth", file, "--backend", backend, "--seed", "1"]);
        let stderr = text(&result.stderr);
        assert!(stderr.contains("note: the examples pin the behaviour down"), "{stderr}");
        assert!(!stderr.contains("another program"), "{stderr}");
    }
}

/// With `--max-violations` the other programs are held to the examples the found one
/// satisfies: the example given up is left out of the miter. `noisy_table.tpt` gives entry 0
/// of its table twice with different values, so no program fits every example (held to all of
/// them, the miter would have no model and the check would call the behaviour pinned down);
/// the found program keeps one of the two and entries 2 and 3 stay free: 16 behaviours.
#[test]
fn with_max_violations_the_other_programs_fit_the_examples_kept() {
    let file = "tests/distinguish/noisy_table.tpt";
    for backend in ["sat", "exhaustive"] {
        let json = synth_json(&[file, "--backend", backend, "--max-violations", "1", "--all", "20"]);
        assert_eq!(json["violated_examples"].as_array().map(Vec::len), Some(1), "{backend}");
        assert_eq!(json["distinguish_check"], "distinguished", "{backend}");
        let x = json["distinguishing_input"]["inputs"]["x"].as_u64().expect("an input");
        assert!(x % 4 >= 2, "{backend}: x = {x} reads a free entry");
        assert_eq!(json["programs"].as_array().map(Vec::len), Some(16), "{backend}");
        assert_eq!(json["complete"], true, "{backend}");
        let result = tpt(&["synth", file, "--backend", backend, "--max-violations", "1"]);
        let stderr = text(&result.stderr);
        assert!(stderr.contains("another program also fits every example this one satisfies"), "{stderr}");
    }
}

#[test]
fn no_distinguish_turns_the_check_off() {
    let json = synth_json(&["tests/distinguish/offset.tpt", "--backend", "sat", "--no-distinguish"]);
    assert_eq!(json["distinguish_check"], "off");
    assert!(json["distinguishing_input"].is_null());
    let result = tpt(&["synth", "tests/distinguish/offset.tpt", "--backend", "sat", "--no-distinguish"]);
    assert_eq!(result.status.code(), Some(0));
    let stderr = text(&result.stderr);
    assert!(!stderr.contains("another program") && !stderr.contains("pin the behaviour"), "{stderr}");
    // `--all` needs the check.
    let both = tpt(&["synth", "tests/distinguish/offset.tpt", "--no-distinguish", "--all", "2"]);
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
    let zero = tpt(&["synth", "tests/distinguish/offset.tpt", "--all", "0"]);
    assert_eq!(zero.status.code(), Some(2), "{}", text(&zero.stderr));
}

/// The outputs of a program on every input 0..4 of `x`: its behaviour.
fn behaviour(file: &Path) -> Vec<String> {
    (0..4).map(|x| run_on(file, &format!("x={x}"))).collect()
}

#[test]
fn all_lists_every_behaviour_and_says_the_list_is_complete() {
    // f[2] and f[3] are free (3 values each), `spare` matters nowhere: 9 behaviours.
    let file = "tests/distinguish/lookup.tpt";
    let result = tpt(&["synth", file, "--backend", "sat", "--all", "20"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    let programs = listed_programs(&stdout, "lookup");
    assert_eq!(programs.len(), 9);
    let behaviours: BTreeSet<Vec<String>> = programs.iter().map(|p| behaviour(p)).collect();
    assert_eq!(behaviours.len(), 9, "the listed programs behave pairwise differently");
    for b in &behaviours {
        assert_eq!(&b[..2], ["input (x = 0): y = 2", "input (x = 1): y = 0"], "every one fits the examples");
    }
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("note: 9 programs with pairwise different behaviour fit every example; the list is complete"),
        "{stderr}"
    );
    let json = synth_json(&[file, "--backend", "sat", "--all", "20"]);
    assert_eq!(json["complete"], true);
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(9));
    // Asking for fewer lists that many and says that more exist.
    let json = synth_json(&[file, "--backend", "sat", "--all", "4"]);
    assert_eq!(json["complete"], false);
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(4));
    let fewer = tpt(&["synth", file, "--backend", "sat", "--all", "4"]);
    assert!(text(&fewer.stderr)
        .contains("note: 4 programs with pairwise different behaviour fit every example; more exist"));
    // The same bytes on every run, and from a gradient back end the same count.
    let again = tpt(&["synth", file, "--backend", "sat", "--all", "20"]);
    assert_eq!(text(&again.stdout), stdout);
    let json = synth_json(&[file, "--all", "20", "--seed", "3"]);
    assert_eq!(json["programs"].as_array().map(Vec::len), Some(9));
    assert_eq!(json["complete"], true);
}

#[test]
fn a_check_out_of_budget_says_so() {
    // The full adder's second program is as hard to find as the first, and proving that none
    // behaves differently is harder still: 10 conflicts are not enough.
    let file = "programs/circuit_adder.tpt";
    let json = synth_json(&[file, "--backend", "sat", "--distinguish-conflicts", "10"]);
    assert_eq!(json["status"], "found");
    assert_eq!(json["distinguish_check"], "out_of_budget");
    assert!(json["distinguishing_input"].is_null());
    let result = tpt(&["synth", file, "--backend", "sat", "--distinguish-conflicts", "10"]);
    assert_eq!(result.status.code(), Some(0));
    assert!(
        text(&result.stderr).contains("note: the check for another program that fits every example ran out of its budget (10 conflicts per solve)"),
        "{}",
        text(&result.stderr)
    );
}

/// Examples on every input the program reads, each observing every observation the check
/// compares, leave no input for another behaviour: pinned down without solving (a budget of
/// one conflict is enough, where the miter of the parity circuit needs more than 10,000).
/// Observations missing on one input leave room, and examples given up do not count.
#[test]
fn examples_on_every_input_pin_the_behaviour_down_at_once() {
    for file in ["tests/distinguish/parity_full.tpt", "tests/distinguish/lookup_full.tpt"] {
        let json = synth_json(&[file, "--backend", "sat", "--distinguish-conflicts", "1"]);
        assert_eq!(json["distinguish_check"], "pinned_down", "{file}");
        let json = synth_json(&[file, "--backend", "sat", "--distinguish-conflicts", "1", "--all", "5"]);
        assert_eq!((json["programs"].as_array().map(Vec::len), &json["complete"]), (Some(1), &Value::Bool(true)));
    }
    let two_outputs = "param f[4]: 3;\nparam g[4]: 3;\ninput x: 4;\noutput y[2]: 3;\ny[0] = f[x];\ny[1] = g[x];\n\
        example { x = 0; y = [2, 1]; }\nexample { x = 1; y = [0, 1]; }\nexample { x = 2; y = [1, 0]; }\n";
    // Every input given, but y[1] is not observed on x = 3: g[3] is free.
    let partial = scratch("every_input_partly_observed.tpt");
    std::fs::write(&partial, format!("{two_outputs}example {{ x = 3; y[0] = 1; }}\n")).expect("written");
    let json = synth_json(&[&partial.to_string_lossy(), "--backend", "sat"]);
    assert_eq!(json["distinguish_check"], "distinguished");
    assert_eq!(json["distinguishing_input"]["inputs"]["x"], 3);
    // The two elements observed on x = 3 by two examples: nothing is free.
    let combined = scratch("every_input_observed_by_two.tpt");
    let examples = "example { x = 3; y[0] = 1; }\nexample { x = 3; y[1] = 2; }\n";
    std::fs::write(&combined, format!("{two_outputs}{examples}")).expect("written");
    let json = synth_json(&[&combined.to_string_lossy(), "--backend", "sat", "--distinguish-conflicts", "1"]);
    assert_eq!(json["distinguish_check"], "pinned_down");
    // Given up, the example for x = 3 covers nothing: the `observe` makes every program fail
    // it, and the other programs may give y = 0 or y = 1 there.
    let noisy = scratch("every_input_one_given_up.tpt");
    let source = "param f[4]: 3;\ninput x: 4;\noutput y: 3;\ny = f[x];\nobserve f[3] != 2;\n\
        example { x = 0; y = 2; }\nexample { x = 1; y = 0; }\nexample { x = 2; y = 1; }\nexample { x = 3; y = 2; }\n";
    std::fs::write(&noisy, source).expect("written");
    let json = synth_json(&[&noisy.to_string_lossy(), "--backend", "sat", "--max-violations", "1"]);
    assert_eq!(json["violated_examples"][0]["label"], "example 4", "{json}");
    assert_eq!(json["distinguish_check"], "distinguished", "{json}");
    assert_eq!(json["distinguishing_input"]["inputs"]["x"], 3);
}

/// `--all N` grows the check one program at a time, so its size bound counts the programs
/// found, not the N asked for: a table of nine behaviours lists all nine with any N.
#[test]
fn all_with_a_large_n_lists_what_there_is() {
    let json = synth_json(&["tests/distinguish/lookup.tpt", "--backend", "sat", "--all", "1000000"]);
    assert_eq!(json["distinguish_check"], "distinguished");
    assert_eq!((json["programs"].as_array().map(Vec::len), &json["complete"]), (Some(9), &Value::Bool(true)));
}

#[test]
fn results_without_a_program_have_no_check() {
    let result = tpt(&["synth", "tests/impossible/one_gate_xor.tpt", "--backend", "sat", "--json"]);
    assert_eq!(result.status.code(), Some(3));
    let json: Value = serde_json::from_slice(&result.stdout).expect("JSON");
    assert!(json["distinguish_check"].is_null());
    assert!(json["distinguishing_input"].is_null());
}

/// Every input of `program`'s declared domains, when there are at most `limit`.
fn every_input(program: &Program, limit: usize) -> Option<Vec<ExampleData>> {
    let elements: Vec<(usize, usize, u32)> = program
        .arrays
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == DeclKind::Input)
        .flat_map(|(id, a)| (0..a.len()).map(move |flat| (id, flat, a.domain)))
        .collect();
    let count = elements.iter().try_fold(1usize, |n, &(_, _, d)| n.checked_mul(d as usize).filter(|&n| n <= limit))?;
    let template = random_inputs(program, &mut Dice(1));
    let mut all = Vec::with_capacity(count);
    for mut index in 0..count {
        let mut example = template.clone();
        for &(array, flat, domain) in &elements {
            if let Some(values) = example.values[array].as_mut() {
                values[flat] = Some((index % domain as usize) as u32);
            }
            index /= domain as usize;
        }
        all.push(example);
    }
    Some(all)
}

/// What the check compares, on every input: the observed output elements when every
/// `observe` holds, `None` when one fails (an input no example could give).
type Behaviour = Vec<Option<Vec<Option<i64>>>>;

fn behaviour_of(
    program: &Program,
    observed: &[(usize, usize)],
    params: &tpt::interp::ParamValues,
    inputs: &[ExampleData],
) -> Option<Behaviour> {
    let mut behaviour = Vec::with_capacity(inputs.len());
    for input in inputs {
        let outcome = run_example(program, params, input, small_limits().max_unroll);
        if outcome.failures.iter().any(|f| matches!(f, Failure::Error(_))) {
            return None;
        }
        let passes = outcome.failures.is_empty();
        behaviour.push(passes.then(|| observed.iter().map(|&(a, f)| outcome.outputs[a][f]).collect()));
    }
    Some(behaviour)
}

/// Generated programs with small param and input spaces: the number of behaviours among all
/// param assignments that fit the examples (by enumeration) is what `--all` lists, with the
/// list complete; the check says "pinned down" exactly when there is one.
#[test]
fn the_check_agrees_with_enumeration_on_generated_programs() {
    let shape = Shape { arrays: [3, 2, 2, 2], domain_spread: 2, statements: 3, objective: false };
    let interrupt = AtomicBool::new(false);
    let (mut cases, mut pinned, mut several) = (0, 0, 0);
    for seed in 0..10_000u64 {
        if cases >= 100 {
            break;
        }
        let text = Generator::with_shape(0xD157_0000 + seed, shape).program();
        let Ok(bare) = compile_text(&text) else { continue };
        let mut dice = Dice(seed.rotate_left(17) | 1);
        let chosen = random_params(&bare.program, &mut dice);
        let examples: Option<String> = (0..2 + dice.below(2))
            .map(|_| computed_example(&bare.program, &chosen, &random_inputs(&bare.program, &mut dice)).ok())
            .collect();
        let Some(compiled) = examples.and_then(|e| compile_text(&(text.clone() + &e)).ok()) else { continue };
        let (program, graph) = (&compiled.program, &compiled.graph);
        let space: f64 = graph.params.iter().map(|p| f64::from(p.domain).log2()).sum();
        let Some(inputs) = every_input(program, 64) else { continue };
        if space > 8.0 {
            continue;
        }
        let verifier = Verifier::new(program, &graph.layout, small_limits().max_unroll);
        let observed: Vec<(usize, usize)> = graph
            .observations
            .iter()
            .filter_map(|o| if let Target::Output { array, flat } = o.target { Some((array, flat)) } else { None })
            .collect();
        // Every assignment of the graph's params, in mixed radix.
        let domains: Vec<u32> = graph.params.iter().map(|p| p.domain).collect();
        let total: usize = domains.iter().map(|&d| d as usize).product();
        let mut behaviours = BTreeSet::new();
        let mut found = None;
        let mut runs_to_the_end = true;
        for mut index in 0..total {
            let assignment: Vec<u32> = domains
                .iter()
                .map(|&d| {
                    let v = (index % d as usize) as u32;
                    index /= d as usize;
                    v
                })
                .collect();
            let Some(verified) = verifier.check(&assignment) else { continue };
            match behaviour_of(program, &observed, verified.values(), &inputs) {
                Some(b) => behaviours.insert(b),
                None => {
                    runs_to_the_end = false;
                    break;
                }
            };
            found.get_or_insert(verified);
        }
        let Some(found) = found.filter(|_| runs_to_the_end) else { continue };
        cases += 1;
        let count = behaviours.len();
        let config = DistinguishConfig { conflicts: 1_000_000, programs: 1 };
        let check = distinguish(graph, &verifier, &found, &config, &interrupt, None);
        assert_ne!(check.ending, Ending::InternalError, "{:?}\n{}", check.internal_error, compiled.source());
        assert_eq!(check.pinned_down(), count == 1, "{count} behaviours:\n{}", compiled.source());
        if count == 1 {
            pinned += 1;
        } else {
            several += 1;
            assert!(check.input.is_some());
        }
        let config = DistinguishConfig { conflicts: 1_000_000, programs: count + 1 };
        let all = distinguish(graph, &verifier, &found, &config, &interrupt, None);
        assert_eq!(all.ending, Ending::Complete, "{}", compiled.source());
        assert_eq!(all.others.len() + 1, count, "{}", compiled.source());
    }
    // Floors, so that the test cannot pass by testing nothing.
    assert!(
        cases >= 100 && pinned >= 10 && several >= 10,
        "{cases} cases, {pinned} pinned down, {several} with several"
    );
}
