//! A verified program + the compiled sketch -> whether the examples pin its behaviour down:
//! another program that satisfies every example but behaves differently on some input (the
//! input, and both programs' outputs on it), or a proof that none exists; and, for
//! `tpt synth --all N`, up to N programs with pairwise different behaviour. The question is the
//! miter of `encode::miter`, solved by CaDiCaL within a conflict budget of its own. Every
//! program it proposes must pass the interpreter on every example, and every input it names
//! must make the interpreter's outputs of the two programs differ; anything else is an internal
//! error, never reported as an answer.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use tpt_core::interp::{run_example, Failure, Outcome, ParamValues};
use tpt_core::program::{ArrayId, ExampleData, Program};
use tpt_core::verify::{Verified, Verifier};
use tpt_graph::graph::{Graph, Target};
use tpt_solve::cdcl::{Answer, Cdcl};
use tpt_solve::encode::miter::Miter;
use tpt_solve::StopCondition;
use tpt_source::span::Span;
use tpt_syntax::ast::DeclKind;

/// The conflicts CaDiCaL may spend on each solve of the check by default: a fraction of a
/// second on the shipped programs (about 20,000 to 40,000 conflicts a second).
pub const DEFAULT_CONFLICTS: u32 = 10_000;

/// The check is skipped on sketches where one block of the miter could exceed this many
/// literals (about 100 MB of clauses): the free input makes every table over inputs appear in
/// full, where the examples' encoding folds it to the rows of the given inputs.
pub const MAX_BLOCK_LITERALS: u64 = 20_000_000;

/// How to check whether the examples pin the behaviour down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistinguishConfig {
    /// Conflicts CaDiCaL may spend on each solve: one per program listed, and one more to
    /// tell whether the list is complete.
    pub conflicts: u32,
    /// How many programs to list, the found one included: 1 asks only whether another
    /// behaviour exists (the default check), N > 1 is `tpt synth --all N`.
    pub programs: usize,
}

impl Default for DistinguishConfig {
    fn default() -> Self {
        DistinguishConfig { conflicts: DEFAULT_CONFLICTS, programs: 1 }
    }
}

/// How the check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The solver proved that no program fits the examples and behaves differently from every
    /// program listed: the list is complete.
    Complete,
    /// As many programs were listed as asked for, and another behaviour exists.
    MoreExist,
    /// A solve ran out of its conflict budget.
    OutOfBudget,
    /// The run was interrupted, or its `--timeout` passed.
    Interrupted,
    /// The miter would be too large (`MAX_BLOCK_LITERALS`); nothing was solved.
    TooLarge,
    /// The sketch has real params or values, which the miter (of finite domains) cannot hold.
    Reals,
    /// The solver proposed a program or an input the interpreter does not confirm.
    InternalError,
}

/// An input on which two programs that both satisfy every example behave differently, as the
/// interpreter computed it.
#[derive(Clone, Debug)]
pub struct DistinguishingInput {
    /// The input values (every input array in full; no observations).
    pub example: ExampleData,
    /// The found program's run on it.
    pub found: Outcome,
    /// The other program's run on it.
    pub other: Outcome,
    /// The other program's params (one value per graph param), so that the input can be run
    /// again (`restore_input`).
    pub other_assignment: Vec<u32>,
    /// The output elements the examples observe, where the two runs are compared.
    pub observed: Vec<(ArrayId, usize)>,
}

impl DistinguishingInput {
    /// The observed output elements whose values differ.
    pub fn differing(&self) -> Vec<(ArrayId, usize)> {
        self.observed
            .iter()
            .copied()
            .filter(|&(array, flat)| output(&self.found, array, flat) != output(&self.other, array, flat))
            .collect()
    }
}

/// What the check found.
#[derive(Clone, Debug)]
pub struct Distinction {
    pub ending: Ending,
    /// The first other program's input that distinguishes it from the found one.
    pub input: Option<DistinguishingInput>,
    /// The programs listed after the found one (only with `programs` > 1), each verified and
    /// each behaving differently from every program before it.
    pub others: Vec<Verified>,
    /// With `Ending::InternalError`: what disagreed.
    pub internal_error: Option<String>,
    /// The conflict budget of each solve.
    pub conflicts: u32,
    /// The found program gives examples up (`--max-violations`): the other programs fit the
    /// examples it satisfies, not every example.
    pub examples_given_up: bool,
}

impl Distinction {
    /// True when the examples pin the behaviour down: proven, no other behaviour exists.
    pub fn pinned_down(&self) -> bool {
        self.ending == Ending::Complete && self.others.is_empty()
    }

    fn ended(ending: Ending, conflicts: u32, found: &Verified) -> Distinction {
        Distinction {
            ending,
            input: None,
            others: Vec::new(),
            internal_error: None,
            conflicts,
            examples_given_up: !found.violated().is_empty(),
        }
    }
}

/// The value of an output element in a run.
fn output(outcome: &Outcome, array: ArrayId, flat: usize) -> Option<i64> {
    outcome.outputs.get(array).and_then(|values| values.get(flat).copied().flatten())
}

/// The `observe`s that failed in a run, in the order they ran.
fn failed_observes(outcome: &Outcome) -> Vec<Span> {
    outcome
        .failures
        .iter()
        .filter_map(|f| if let Failure::Observe { span, .. } = f { Some(*span) } else { None })
        .collect()
}

/// Run the check for the found program `found`. `deadline` is the run's (`--timeout`);
/// `interrupt` stops it too.
pub fn distinguish(
    graph: &Graph,
    verifier: &Verifier,
    found: &Verified,
    config: &DistinguishConfig,
    interrupt: &AtomicBool,
    deadline: Option<Instant>,
) -> Distinction {
    let program = verifier.program();
    let conflicts = config.conflicts;
    if graph.has_reals() {
        return Distinction::ended(Ending::Reals, conflicts, found);
    }
    // Examples on every input leave no input for another behaviour: no miter to solve.
    if examples_cover_every_input(graph, found.violated()) {
        return Distinction::ended(Ending::Complete, conflicts, found);
    }
    // One block per program listed, each added once a program is found (the size of the
    // behaviours there are, not of the N asked for).
    let block_literals = Miter::block_literals(graph);
    if block_literals > MAX_BLOCK_LITERALS {
        return Distinction::ended(Ending::TooLarge, conflicts, found);
    }
    let stop = StopCondition::new(interrupt, deadline);
    let mut miter = Miter::new(graph, found.violated());
    let mut engine = Cdcl::new(stop);
    let mut given = 0;
    let mut listed: Vec<Verified> = vec![found.clone()];
    miter.add_block(graph, found.assignment());
    // The search starts from the found program's params: a program that behaves differently
    // usually differs from it in a few params only, and the found one already satisfies
    // every example.
    for literal in miter.param_literals(found.assignment()) {
        engine.phase(literal);
    }
    let mut distinction = Distinction::ended(Ending::Complete, conflicts, found);
    loop {
        for clause in &miter.cnf.clauses[given..] {
            engine.add_clause(clause);
        }
        given = miter.cnf.clauses.len();
        match engine.solve(&[], Some(conflicts)) {
            Answer::Unsat => return distinction,
            Answer::Stopped => {
                distinction.ending = if stop.reached() { Ending::Interrupted } else { Ending::OutOfBudget };
                return distinction;
            }
            Answer::Sat => {}
        }
        let holds = |literal: i32| engine.holds(literal);
        let assignment = miter.params(&holds);
        let Some(other) = verifier.check(&assignment) else {
            return internal_error(
                distinction,
                "the miter proposed a program that the interpreter rejects on an example",
            );
        };
        // Every program listed so far must behave differently from the new one on the input of
        // its block, by the interpreter's account.
        for (block, earlier) in listed.iter().enumerate() {
            let example = input_example(program, graph, &miter.inputs(block, &holds));
            match confirm(program, graph, verifier.max_steps(), example, earlier.values(), &other) {
                Ok(input) => {
                    if distinction.input.is_none() {
                        distinction.input = Some(input);
                    }
                }
                Err(detail) => return internal_error(distinction, &detail.to_string()),
            }
        }
        if listed.len() >= config.programs {
            distinction.ending = Ending::MoreExist;
            return distinction;
        }
        if block_literals.saturating_mul(miter.blocks() as u64 + 1) > MAX_BLOCK_LITERALS {
            // Listed, but no search for more: its block would make the formula too large.
            distinction.others.push(other);
            distinction.ending = Ending::TooLarge;
            return distinction;
        }
        miter.add_block(graph, other.assignment());
        distinction.others.push(other.clone());
        listed.push(other);
    }
}

/// Whether the examples the found program keeps (all but `given_up`) give every input the
/// program can read, each input with every observation (output element or `observe`) that
/// the check compares observed by one of them. Then a program that fits them behaves like
/// the found one on every input, and the behaviour is pinned down. Input elements that reach
/// no observation are left out: the miter, too, never lets them differ. With observations
/// that only some examples of an input make, every observation must be made on every input.
fn examples_cover_every_input(graph: &Graph, given_up: &[usize]) -> bool {
    let live = graph.live_nodes();
    let slots: Vec<usize> = (0..graph.inputs.len()).filter(|&i| live[graph.inputs[i].node]).collect();
    let inputs =
        slots.iter().try_fold(1u64, |count, &i| count.checked_mul(u64::from(graph.node(graph.inputs[i].node).domain)));
    let given_up: HashSet<usize> = given_up.iter().copied().collect();
    let kept: Vec<usize> = (0..graph.num_examples).filter(|e| !given_up.contains(e)).collect();
    // Fewer examples than inputs cannot cover them (and the count may not even fit).
    let Some(inputs) = inputs.filter(|&count| count <= kept.len() as u64) else { return false };
    let mut by_input: HashMap<Vec<u32>, Vec<usize>> = HashMap::new();
    for &example in &kept {
        let input: Vec<u32> = slots.iter().map(|&i| graph.input_value(example, i)).collect();
        by_input.entry(input).or_default().push(example);
    }
    by_input.len() as u64 == inputs
        && graph.observations.iter().all(|observation| {
            by_input.values().all(|examples| examples.iter().any(|&e| observation.expected[e].is_some()))
        })
}

fn internal_error(mut distinction: Distinction, detail: &str) -> Distinction {
    distinction.ending = Ending::InternalError;
    distinction.internal_error = Some(detail.to_string());
    distinction.input = None;
    distinction
}

/// An example with the given input values (one per graph input slot; input elements the
/// program never reads are 0) and no observations.
fn input_example(program: &Program, graph: &Graph, values: &[u32]) -> ExampleData {
    let mut arrays: Vec<Option<Vec<Option<u32>>>> =
        program.arrays.iter().map(|a| (a.kind == DeclKind::Input).then(|| vec![Some(0); a.len()])).collect();
    for (slot, &value) in graph.inputs.iter().zip(values) {
        if let Some(Some(list)) = arrays.get_mut(slot.array) {
            list[slot.flat] = Some(value);
        }
    }
    example_of_inputs(program, arrays)
}

/// An example that gives the inputs `arrays` (indexed by array id) and observes nothing.
fn example_of_inputs(program: &Program, arrays: Vec<Option<Vec<Option<u32>>>>) -> ExampleData {
    ExampleData {
        source: 0,
        span: Span::default(),
        label: "the distinguishing input".to_string(),
        values: arrays,
        // The check runs on sketches without reals only.
        reals: vec![None; program.arrays.len()],
        entry_spans: vec![None; program.arrays.len()],
    }
}

/// Why a distinguishing input is not one: the miter's answer (an internal error) or a saved
/// input (refused) that the interpreter does not confirm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("the saved input does not match the program's arrays")]
    ArraysDiffer,
    #[error("the other program does not fit the examples")]
    OtherDoesNotFit,
    #[error("a program stopped with an error on the miter's distinguishing input")]
    StoppedWithError,
    #[error("neither program satisfies every `observe` on the miter's distinguishing input")]
    NeitherObserves,
    #[error("the two programs behave alike on the miter's distinguishing input")]
    BehaveAlike,
}

/// A distinguishing input saved as data (`DistinguishingInput::example`'s values and
/// `other_assignment`) run again on the found program and the other one, which the verifier
/// checks again; an error unless they fit the examples and behave differently there, as
/// `distinguish` confirmed them.
pub fn restore_input(
    graph: &Graph,
    verifier: &Verifier,
    found: &Verified,
    inputs: Vec<Option<Vec<Option<u32>>>>,
    other_assignment: &[u32],
) -> Result<DistinguishingInput, InputError> {
    let program = verifier.program();
    if inputs.len() != program.arrays.len() {
        return Err(InputError::ArraysDiffer);
    }
    let other = verifier.check(other_assignment).ok_or(InputError::OtherDoesNotFit)?;
    let example = example_of_inputs(program, inputs);
    confirm(program, graph, verifier.max_steps(), example, found.values(), &other)
}

/// Run both programs on `example` with the interpreter: they must run to the end, one of them
/// must satisfy every `observe`, and some observed output element or `observe` must differ.
fn confirm(
    program: &Program,
    graph: &Graph,
    max_steps: u64,
    example: ExampleData,
    found: &ParamValues,
    other: &Verified,
) -> Result<DistinguishingInput, InputError> {
    let a = run_example(program, found, &example, max_steps);
    let b = run_example(program, other.values(), &example, max_steps);
    if a.failures.iter().chain(&b.failures).any(|f| matches!(f, Failure::Error(_))) {
        return Err(InputError::StoppedWithError);
    }
    let (observes_a, observes_b) = (failed_observes(&a), failed_observes(&b));
    if !observes_a.is_empty() && !observes_b.is_empty() {
        return Err(InputError::NeitherObserves);
    }
    let observed: Vec<(ArrayId, usize)> = graph
        .observations
        .iter()
        .filter_map(|o| if let Target::Output { array, flat } = o.target { Some((array, flat)) } else { None })
        .collect();
    let input =
        DistinguishingInput { example, found: a, other: b, other_assignment: other.assignment().to_vec(), observed };
    if input.differing().is_empty() && observes_a == observes_b {
        return Err(InputError::BehaveAlike);
    }
    Ok(input)
}
