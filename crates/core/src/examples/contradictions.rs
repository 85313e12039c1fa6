//! Expanded examples -> the pairs that contradict each other (the same inputs, different
//! observed outputs) and how many examples every program must fail because of them; as
//! errors, or, when the search may give examples up (`--max-violations`), as warnings.

use std::collections::HashMap;

use crate::program::{ArrayId, ExampleData, Program, RealValue};
use tpt_source::diagnostics::{plural, Diagnostic, Setting, Text};
use tpt_syntax::ast::DeclKind;

/// How many pairs are shown as diagnostics; a note says when there are more.
const SHOWN: usize = 10;

/// How many branches the search for the largest agreeing subset of one group may take before
/// it gives up on that group (a group of hundreds of partly observed, pairwise different
/// examples; never met in practice). A group given up on counts as needing one example given
/// up, which keeps the count a lower bound: the search then decides.
const CLIQUE_BUDGET: u64 = 200_000;

/// The most distinct observations in one group that are compared pairwise (the comparisons
/// are a square table); a group with more counts as needing one example given up, as above.
const CLIQUE_VERTICES: usize = 1024;

/// Two examples with the same inputs that observe different values of one output element.
#[derive(Clone, Debug)]
struct Pair {
    /// The earlier example and the later one (indices into `Program::examples`).
    first: usize,
    second: usize,
    array: ArrayId,
    flat: usize,
    /// The two observed values, as text.
    first_value: String,
    second_value: String,
}

/// The examples that contradict each other. A program computes one output for one input, so
/// of each group of examples with equal inputs it can satisfy at most a subset that agrees.
#[derive(Clone, Debug, Default)]
pub struct Contradictions {
    /// Each example that contradicts an earlier one, with the first earlier one it contradicts.
    pairs: Vec<Pair>,
    /// How many examples every program fails: over the groups of examples with equal inputs,
    /// the group's size less its largest subset that agrees.
    pub needed: usize,
}

/// The output values an example observes, element by element (an integer as itself, a real
/// by the bits of its value and tolerance), so that equal observations are found by hashing.
type Observations = Vec<Option<(u64, u64)>>;

/// The examples with one set of input values, as their distinct observations.
#[derive(Default)]
struct Group {
    vertex_of: HashMap<Observations, usize>,
    /// Each distinct observation: its first example and how many examples observe it, in
    /// the order of their first examples.
    vertices: Vec<(usize, usize)>,
    /// Whether two of its examples contradict each other.
    clashes: bool,
}

/// The examples of `program` that contradict each other.
pub fn contradictions(program: &Program) -> Contradictions {
    let inputs: Vec<ArrayId> =
        program.arrays.iter().enumerate().filter(|(_, a)| a.kind == DeclKind::Input).map(|(id, _)| id).collect();
    let outputs: Vec<ArrayId> =
        program.arrays.iter().enumerate().filter(|(_, a)| a.kind == DeclKind::Output).map(|(id, _)| id).collect();
    // The examples seen so far, by their input values (reals by their bits), in order of
    // their first example so that everything below is deterministic.
    type Inputs = Vec<Option<Vec<Option<u64>>>>;
    let mut group_of: HashMap<Inputs, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut pairs = Vec::new();
    for (index, example) in program.examples.iter().enumerate() {
        let key: Inputs = inputs
            .iter()
            .map(|&id| match &example.values[id] {
                Some(values) => Some(values.iter().map(|v| v.map(u64::from)).collect()),
                None => example
                    .reals
                    .get(id)
                    .cloned()
                    .flatten()
                    .map(|values| values.iter().map(|v| v.map(|v| v.value.to_bits())).collect()),
            })
            .collect();
        let group = *group_of.entry(key).or_insert_with(|| {
            groups.push(Group::default());
            groups.len() - 1
        });
        let group = &mut groups[group];
        // The first earlier example it contradicts is enough to name; it is the first example
        // of its observation, so only those are compared (copies of a row cost nothing).
        let clash = group.vertices.iter().find_map(|&(other, _)| {
            clash(program, &outputs, &program.examples[other], example).map(|clash| (other, clash))
        });
        let observations = observations(program, &outputs, example);
        match group.vertex_of.get(&observations) {
            Some(&vertex) => group.vertices[vertex].1 += 1,
            None => {
                group.vertex_of.insert(observations, group.vertices.len());
                group.vertices.push((index, 1));
            }
        }
        if let Some((first, (array, flat, first_value, second_value))) = clash {
            pairs.push(Pair { first, second: index, array, flat, first_value, second_value });
            group.clashes = true;
        }
    }
    // Only the groups with a contradiction need anything given up.
    let needed = groups.iter().filter(|group| group.clashes).map(|group| given_up_in(program, &outputs, group)).sum();
    Contradictions { pairs, needed }
}

/// What `example` observes of the outputs.
fn observations(program: &Program, outputs: &[ArrayId], example: &ExampleData) -> Observations {
    outputs
        .iter()
        .flat_map(|&id| (0..program.arrays[id].len()).map(move |flat| (id, flat)))
        .map(|(id, flat)| match example.observed(id, flat) {
            Some(value) => Some((u64::from(value), 0)),
            None => example.real_observed(id, flat).map(|v| (v.value.to_bits(), v.tolerance.to_bits())),
        })
        .collect()
}

/// The first output element that examples `a` and `b` observe differently: the array, the
/// element and the two values as text. Real observations contradict each other when no value
/// lies within both tolerances.
fn clash(
    program: &Program,
    outputs: &[ArrayId],
    a: &ExampleData,
    b: &ExampleData,
) -> Option<(ArrayId, usize, String, String)> {
    outputs.iter().find_map(|&id| {
        (0..program.arrays[id].len()).find_map(|flat| match (a.observed(id, flat), b.observed(id, flat)) {
            (Some(x), Some(y)) if x != y => Some((id, flat, x.to_string(), y.to_string())),
            _ => match (a.real_observed(id, flat), b.real_observed(id, flat)) {
                (Some(x), Some(y)) if (x.value - y.value).abs() > x.tolerance + y.tolerance => {
                    Some((id, flat, real_text(x), real_text(y)))
                }
                _ => None,
            },
        })
    })
}

/// How many examples of `group` (examples with equal inputs, some of which contradict each
/// other) every program fails: the group's size less the largest subset that agrees. A
/// subset agrees when its examples agree pairwise
/// (equal integers agree as a set; so do real tolerance intervals that meet pairwise, since
/// intervals that meet pairwise share a point), so that subset is the heaviest clique of the
/// group's distinct observations, weighted by how often each occurs.
fn given_up_in(program: &Program, outputs: &[ArrayId], group: &Group) -> usize {
    let mut vertices = group.vertices.clone();
    let size: usize = vertices.iter().map(|&(_, count)| count).sum();
    let heaviest = vertices.iter().map(|&(_, count)| count).max().unwrap_or(0);
    // Integer observations of the same elements agree only when equal: the largest subset
    // that agrees is the commonest observation (the usual case, and the one of large data).
    let observes = |index: usize| -> Vec<bool> {
        let example = &program.examples[index];
        outputs
            .iter()
            .flat_map(|&id| (0..program.arrays[id].len()).map(move |flat| (id, flat)))
            .map(|(id, flat)| example.observed(id, flat).is_some())
            .collect()
    };
    let no_reals = vertices.iter().all(|&(index, _)| {
        let example = &program.examples[index];
        outputs.iter().all(|&id| (0..program.arrays[id].len()).all(|flat| example.real_observed(id, flat).is_none()))
    });
    let pattern = observes(vertices[0].0);
    if no_reals && vertices.iter().all(|&(index, _)| observes(index) == pattern) {
        return size - heaviest;
    }
    if vertices.len() > CLIQUE_VERTICES {
        // Too many partly observed, different examples to compare pairwise: some contradict
        // each other, so at least one fails.
        return 1;
    }
    // The heaviest first, so that a good clique is found early and prunes the rest.
    vertices.sort_by_key(|&(index, count)| (std::cmp::Reverse(count), index));
    let weights: Vec<usize> = vertices.iter().map(|&(_, count)| count).collect();
    let agree: Vec<Vec<bool>> = vertices
        .iter()
        .map(|&(a, _)| {
            vertices
                .iter()
                .map(|&(b, _)| clash(program, outputs, &program.examples[a], &program.examples[b]).is_none())
                .collect()
        })
        .collect();
    let mut search = Clique { weights: &weights, agree: &agree, best: 0, branches: 0 };
    let all: Vec<usize> = (0..vertices.len()).collect();
    search.extend(&all, 0);
    if search.branches > CLIQUE_BUDGET {
        // Not all of the group agrees (that clique is found first), so at least one fails.
        return 1;
    }
    size - search.best
}

/// A branch-and-bound search for the heaviest set of pairwise agreeing vertices.
struct Clique<'a> {
    weights: &'a [usize],
    agree: &'a [Vec<bool>],
    best: usize,
    branches: u64,
}

impl Clique<'_> {
    /// Extend a clique of weight `weight` by vertices of `candidates` (each agreeing with the
    /// whole clique).
    fn extend(&mut self, candidates: &[usize], weight: usize) {
        self.branches += 1;
        self.best = self.best.max(weight);
        if self.branches > CLIQUE_BUDGET {
            return;
        }
        let mut rest: usize = candidates.iter().map(|&v| self.weights[v]).sum();
        for (i, &vertex) in candidates.iter().enumerate() {
            if weight + rest <= self.best {
                return;
            }
            rest -= self.weights[vertex];
            let next: Vec<usize> = candidates[i + 1..].iter().copied().filter(|&u| self.agree[vertex][u]).collect();
            self.extend(&next, weight + self.weights[vertex]);
        }
    }
}

impl Contradictions {
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The pairs as errors, for a run where every example must hold: no params can satisfy
    /// both examples of a pair. One error per pair (the first few), pointing at both examples.
    pub fn errors(&self, program: &Program) -> Vec<Diagnostic> {
        self.each(program, |diagnostic| {
            Diagnostic::error(diagnostic).with_help(
                "a program computes one output for one input, so no params can satisfy both; correct or remove one of them",
            )
        })
    }

    /// The pairs as warnings, for a search that may give examples up, enough of them for the
    /// pairs: the search gives up at least one example of each pair.
    pub fn warnings(&self, program: &Program) -> Vec<Diagnostic> {
        self.each(program, |diagnostic| {
            Diagnostic::warning(diagnostic)
                .with_help("a program computes one output for one input, so at least one of them will be given up")
        })
    }

    /// The error for a search that may give up only `allowed` examples when the
    /// contradictions alone need more, or `None` when they need no more.
    pub fn too_many(&self, program: &Program, allowed: usize) -> Option<Diagnostic> {
        if self.needed <= allowed {
            return None;
        }
        let mut error = Diagnostic::error(format!(
            "the examples that contradict each other need {} given up, and {} may fail",
            plural(self.needed, "example"),
            if allowed == 0 { "no example".to_string() } else { format!("at most {}", plural(allowed, "example")) }
        ));
        for pair in self.pairs.iter().take(SHOWN) {
            let (first, second) = (&program.examples[pair.first], &program.examples[pair.second]);
            error = error.with_label_in(
                second.source,
                second.span,
                format!("this gives the inputs of {} but observes different outputs", first.label),
                true,
            );
        }
        Some(error.with_help(
            Text::from(format!(
                "a program computes one output for one input, so of the examples with the same inputs only those that agree can hold; correct the examples, or allow {} to fail (",
                self.needed
            )) + Setting::MaxViolations.given(self.needed)
                + ")",
        ))
    }

    /// One diagnostic per pair (the first `SHOWN`, then a note), made by `make` from its
    /// message, labelled at both examples.
    fn each(&self, program: &Program, make: impl Fn(String) -> Diagnostic) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for pair in &self.pairs {
            if diagnostics.len() == SHOWN {
                diagnostics.push(Diagnostic::note("further examples that contradict each other are not shown"));
                break;
            }
            let (first, second) = (&program.examples[pair.first], &program.examples[pair.second]);
            let element = program.arrays[pair.array].element_name(pair.flat);
            let message =
                format!("{} and {} give the same inputs but observe different outputs", first.label, second.label);
            diagnostics.push(
                make(message)
                    .with_label_in(
                        first.source,
                        first.entry_spans[pair.array].unwrap_or(first.span),
                        format!("`{element}` is {} here", pair.first_value),
                        true,
                    )
                    .with_label_in(
                        second.source,
                        second.entry_spans[pair.array].unwrap_or(second.span),
                        format!("and {} here", pair.second_value),
                        true,
                    ),
            );
        }
        diagnostics
    }
}

/// `2.5`, or `2.5 +- 0.1` with a tolerance.
fn real_text(value: RealValue) -> String {
    if value.tolerance > 0.0 {
        format!("{} +- {}", value.value, value.tolerance)
    } else {
        value.value.to_string()
    }
}
