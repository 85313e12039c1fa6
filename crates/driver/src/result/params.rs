//! A verified assignment -> what the examples say about each synthesized param: its value,
//! params no observation can depend on, params any value of which works (marked in the printed
//! program), and values the examples do not pin down.

use tpt_core::interp::ParamValues;
use tpt_core::program::{ArrayId, Program};
use tpt_core::verify::Verified;
use tpt_graph::graph::Graph;
use tpt_graph::tape::Tape;
use tpt_source::diagnostics::Diagnostic;

/// The budget of forward passes for the sensitivity analysis of a found program.
const ANALYSIS_EVALUATIONS: usize = 50_000;

/// What the examples say about each synthesized param element (graph param) at a verified
/// assignment. Indices are graph param indices.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamAnalysis {
    /// Params from which no observation can be reached in the graph: no example can depend
    /// on them, whatever the other params are.
    pub unreachable: Vec<usize>,
    /// Params for which every value works, each changed alone with the others as found,
    /// confirmed by the interpreter (the unreachable ones included).
    pub any_value: Vec<usize>,
    /// Params some (not all) other values of which also satisfy every example.
    pub alternatives: Vec<(usize, Vec<u32>)>,
    /// Evaluations the sensitivity analysis would have needed, when it was skipped.
    pub skipped: Option<usize>,
}

impl ParamAnalysis {
    /// `(param name, comment)` for the printed program: each param with elements any value
    /// of which works gets a comment naming them (see docs/language.md).
    pub fn marks(&self, program: &Program, graph: &Graph) -> Vec<(String, String)> {
        let mut by_array: Vec<Vec<&str>> = vec![Vec::new(); program.arrays.len()];
        for &index in &self.any_value {
            let slot = &graph.params[index];
            by_array[slot.array].push(&slot.name);
        }
        let mut jointly = vec![true; program.arrays.len()];
        for &index in self.any_value.iter().filter(|i| !self.unreachable.contains(i)) {
            jointly[graph.params[index].array] = false;
        }
        let mut marks = Vec::new();
        for (array, names) in by_array.iter().enumerate() {
            let info = &program.arrays[array];
            // Unreachable elements are free together; the others were each tried alone.
            let each = if jointly[array] { "" } else { " (one at a time)" };
            let comment = match names.as_slice() {
                [] => continue,
                [one] => format!("any value works for {one}"),
                all if all.len() == info.len() => format!("any value works for every element of {}{each}", info.name),
                several => format!("any value works for each of {}{each}", several.join(", ")),
            };
            marks.push((info.name.clone(), comment));
        }
        marks
    }
}

/// Which synthesized params the examples pin down at a verified assignment: graph
/// reachability for params no observation can depend on, then each other value of each param
/// tried alone (skipped when that would take too many evaluations), with the interpreter
/// confirming every param said to take any value.
pub fn analyse_params(
    program: &Program,
    graph: &Graph,
    tape: &Tape,
    verified: &Verified,
    max_steps: u64,
) -> ParamAnalysis {
    let assignment = verified.assignment();
    let reals = verified.reals();
    let live = graph.live_nodes();
    let mut analysis = ParamAnalysis {
        unreachable: (0..graph.params.len()).filter(|&i| !live[graph.params[i].node]).collect(),
        ..ParamAnalysis::default()
    };
    let cost: usize = graph.params.iter().map(|p| p.domain as usize - 1).sum();
    let mut any_value: Vec<usize> = Vec::new();
    if cost > ANALYSIS_EVALUATIONS {
        analysis.skipped = Some(cost);
        any_value.clone_from(&analysis.unreachable);
    } else {
        let mut tape = tape.clone();
        tape.set_real_params(reals);
        tape.set_exact(true);
        let offsets = tape.param_offsets().to_vec();
        let mut theta = vec![0.0; tape.theta_len()];
        let mut candidate = assignment.to_vec();
        for (index, slot) in graph.params.iter().enumerate() {
            let mut also = Vec::new();
            for value in 0..slot.domain {
                if value == assignment[index] {
                    continue;
                }
                candidate[index] = value;
                tpt_solve::one_hot(&offsets, &candidate, &mut theta);
                tape.forward(&theta, &[]);
                if tape.violations() == 0 {
                    also.push(value);
                }
            }
            candidate[index] = assignment[index];
            if also.len() as u32 + 1 == slot.domain {
                any_value.push(index);
            } else if !also.is_empty() {
                analysis.alternatives.push((index, also));
            }
        }
    }
    // "Any value works" is printed as a fact, so the interpreter confirms it (within the same
    // budget; a param it does not reach is not marked).
    let verifier = tpt_core::verify::Verifier::new(program, &graph.layout, max_steps);
    let mut candidate = assignment.to_vec();
    let mut budget = ANALYSIS_EVALUATIONS;
    analysis.any_value = any_value
        .into_iter()
        .filter(|&index| {
            let others = graph.params[index].domain as usize - 1;
            if others > budget {
                return false;
            }
            budget -= others;
            let holds = (0..graph.params[index].domain).filter(|&v| v != assignment[index]).all(|value| {
                candidate[index] = value;
                verifier.check_with_reals(&candidate, reals).is_some()
            });
            candidate[index] = assignment[index];
            holds
        })
        .collect();
    analysis
}

/// Diagnostics on the synthesized params of a verified assignment: the value of each, a
/// warning for params no observation can depend on, a note for params any value of which
/// works at the found values, and a note for params that another value would also satisfy.
pub fn param_diagnostics(
    program: &Program,
    graph: &Graph,
    values: &ParamValues,
    analysis: &ParamAnalysis,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut synthesized: Vec<ArrayId> = graph.params.iter().map(|p| p.array).collect();
    synthesized.dedup();
    let mut real: Vec<ArrayId> = graph.real_params.iter().map(|p| p.array).collect();
    real.dedup();
    for &array in synthesized.iter().chain(&real) {
        let info = &program.arrays[array];
        let value = if info.real {
            crate::print::real_value_text(&values.reals[array], &info.dims)
        } else {
            crate::print::value_text(&values[array], &info.dims, &dims_text(&info.dims))
        };
        diagnostics.push(
            Diagnostic::note(format!("synthesized `{}`", info.name))
                .with_label(info.span, format!("{} = {value}", info.name)),
        );
    }
    if let Some(cost) = analysis.skipped {
        diagnostics.push(Diagnostic::note(format!(
            "skipped checking which params the examples pin down: it needs {cost} evaluations"
        )));
    }
    let names_by_array = |indices: &mut dyn Iterator<Item = usize>| {
        let mut lists: Vec<Vec<String>> = vec![Vec::new(); program.arrays.len()];
        for index in indices {
            let slot = &graph.params[index];
            lists[slot.array].push(slot.name.clone());
        }
        lists
    };
    let unreachable = names_by_array(&mut analysis.unreachable.iter().copied());
    let free = names_by_array(&mut analysis.any_value.iter().copied().filter(|i| !analysis.unreachable.contains(i)));
    let mut alternatives: Vec<Vec<String>> = vec![Vec::new(); program.arrays.len()];
    for (index, also) in &analysis.alternatives {
        let slot = &graph.params[*index];
        let list: Vec<String> = also.iter().map(u32::to_string).collect();
        alternatives[slot.array].push(format!("`{}` could also be {}", slot.name, list.join(" or ")));
    }
    for &array in &synthesized {
        let info = &program.arrays[array];
        if !unreachable[array].is_empty() {
            diagnostics.push(
                Diagnostic::warning(format!("no observation depends on {}", shorten(&unreachable[array])))
                    .with_label(
                        info.span,
                        "no observed output or `observe` can be reached from it, whatever the other params are",
                    )
                    .with_help("the param may be unused, or only feed values that no example observes"),
            );
        }
        if !free[array].is_empty() {
            diagnostics.push(
                Diagnostic::note(format!("any value works for {}", shorten(&free[array])))
                    .with_label(info.span, "with the other params as found, every value of it satisfies every example")
                    .with_help("the printed program marks it with a comment"),
            );
        }
        if !alternatives[array].is_empty() {
            diagnostics.push(
                Diagnostic::note(format!("the examples do not pin down `{}`", info.name))
                    .with_label(info.span, shorten(&alternatives[array]))
                    .with_help("other programs also satisfy every example; add examples to tell them apart"),
            );
        }
    }
    diagnostics
}

fn dims_text(dims: &[usize]) -> Vec<String> {
    dims.iter().map(usize::to_string).collect()
}

pub(super) fn shorten(items: &[String]) -> String {
    const SHOWN: usize = 6;
    let mut shown: Vec<String> =
        items.iter().take(SHOWN).map(|s| if s.starts_with('`') { s.clone() } else { format!("`{s}`") }).collect();
    if items.len() > SHOWN {
        shown.push(format!("and {} more", items.len() - SHOWN));
    }
    shown.join(", ")
}
