//! Expanded examples -> the pairs that contradict each other (the same inputs, different
//! observed outputs), as errors.

use std::collections::HashMap;

use crate::ast::DeclKind;
use crate::diagnostics::Diagnostic;
use crate::program::{ArrayId, Program, RealValue};

/// Pairs of examples that give the same inputs and observe different values of an output
/// element: a program computes one output for one input, so no params satisfy both. One
/// error per pair (the first few pairs), pointing at both examples.
pub fn contradictions(program: &Program) -> Vec<Diagnostic> {
    const SHOWN: usize = 10;
    let inputs: Vec<ArrayId> =
        program.arrays.iter().enumerate().filter(|(_, a)| a.kind == DeclKind::Input).map(|(id, _)| id).collect();
    let outputs: Vec<ArrayId> =
        program.arrays.iter().enumerate().filter(|(_, a)| a.kind == DeclKind::Output).map(|(id, _)| id).collect();
    // The examples seen so far, by their input values (reals by their bits).
    type Inputs = Vec<Option<Vec<Option<u64>>>>;
    let mut first_with: HashMap<Inputs, Vec<usize>> = HashMap::new();
    let mut errors = Vec::new();
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
        let earlier = first_with.entry(key).or_default();
        // The first earlier example it contradicts is enough to name. Real observations
        // contradict each other when no value lies within both tolerances.
        let clash = earlier.iter().find_map(|&other| {
            let first = &program.examples[other];
            outputs.iter().find_map(|&id| {
                let len = program.arrays[id].len();
                (0..len).find_map(|flat| match (first.observed(id, flat), example.observed(id, flat)) {
                    (Some(a), Some(b)) if a != b => Some((other, id, flat, a.to_string(), b.to_string())),
                    _ => match (first.real_observed(id, flat), example.real_observed(id, flat)) {
                        (Some(a), Some(b)) if (a.value - b.value).abs() > a.tolerance + b.tolerance => {
                            Some((other, id, flat, real_text(a), real_text(b)))
                        }
                        _ => None,
                    },
                })
            })
        });
        earlier.push(index);
        let Some((other, array, flat, a, b)) = clash else { continue };
        if errors.len() == SHOWN {
            errors.push(Diagnostic::note("further examples that contradict each other are not shown"));
            break;
        }
        let first = &program.examples[other];
        let element = program.arrays[array].element_name(flat);
        errors.push(
            Diagnostic::error(format!("{} and {} give the same inputs but observe different outputs", first.label, example.label))
                .with_label_in(first.source, first.entry_spans[array].unwrap_or(first.span), format!("`{element}` is {a} here"), true)
                .with_label_in(example.source, example.entry_spans[array].unwrap_or(example.span), format!("and {b} here"), true)
                .with_help("a program computes one output for one input, so no params can satisfy both; correct or remove one of them"),
        );
    }
    errors
}

/// `2.5`, or `2.5 +- 0.1` with a tolerance.
fn real_text(value: RealValue) -> String {
    if value.tolerance > 0.0 {
        format!("{} +- {}", value.value, value.tolerance)
    } else {
        value.value.to_string()
    }
}
