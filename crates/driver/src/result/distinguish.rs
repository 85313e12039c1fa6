//! The check of whether the examples pin the behaviour down (`distinguish`) -> what the
//! user is told: an advice naming the distinguishing input and both programs' outputs on it,
//! pointing at the input declarations; a note when the check could not answer; for
//! `tpt synth --all N`, the listed programs and whether the list is complete; and the JSON
//! fields `distinguish_check`, `distinguishing_input`, `programs` and `complete`.

use std::sync::Arc;

use serde_json::{json, Value};

use super::{PrintForm, Synthesis};
use crate::compiled::Compiled;
use crate::distinguish::{Distinction, DistinguishingInput, Ending};
use tpt_core::interp::Outcome;
use tpt_core::program::{ArrayInfo, Program};
use tpt_solve::{Optimality, Status};
use tpt_source::diagnostics::{plural, Diagnostic, Setting, Text};
use tpt_syntax::ast::DeclKind;

/// At most this many differing output elements are named in the advice.
const MAX_NAMED_ELEMENTS: usize = 8;

/// Values of an array as source text: `3`, `[1, 0]`, `[[1, 0], [0, 1]]`; `_` where missing.
fn array_text(values: &[Option<i64>], dims: &[usize]) -> String {
    let show = |v: &Option<i64>| v.map_or("_".to_string(), |v| v.to_string());
    match dims.split_first() {
        None => values.first().map_or("_".to_string(), show),
        Some((_, rest)) => {
            let block: usize = rest.iter().product();
            let parts: Vec<String> = values.chunks(block.max(1)).map(|c| array_text(c, rest)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// Values of an array as JSON, nested like the data files' values (`null` where missing).
fn array_json(values: &[Option<i64>], dims: &[usize]) -> Value {
    match dims.split_first() {
        None => values.first().copied().flatten().map_or(Value::Null, Value::from),
        Some((_, rest)) => {
            let block: usize = rest.iter().product();
            Value::Array(values.chunks(block.max(1)).map(|c| array_json(c, rest)).collect())
        }
    }
}

/// The input arrays of the program with their values in the distinguishing input (each array
/// in full, row-major; every value is present).
pub fn input_values<'p>(program: &'p Program, input: &DistinguishingInput) -> Vec<(&'p ArrayInfo, Vec<Option<i64>>)> {
    program
        .arrays
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == DeclKind::Input)
        .map(|(id, a)| {
            let values = (0..a.len()).map(|flat| Some(i64::from(input.example.input(id, flat)))).collect();
            (a, values)
        })
        .collect()
}

/// `x = 3, c = [1, 0]`: the distinguishing input as source text (it is also what
/// `tpt run --input` accepts, one `--input` per input).
pub fn input_text(program: &Program, input: &DistinguishingInput) -> String {
    let parts: Vec<String> = input_values(program, input)
        .iter()
        .map(|(a, values)| format!("{} = {}", a.name, array_text(values, &a.dims)))
        .collect();
    if parts.is_empty() {
        "the empty input".to_string()
    } else {
        parts.join(", ")
    }
}

/// `y = 1` or `y[0] = 1, y[2] = 0`: the differing observed elements in one run.
fn elements_text(program: &Program, input: &DistinguishingInput, run: &Outcome) -> String {
    let differing = input.differing();
    let mut parts: Vec<String> = differing
        .iter()
        .take(MAX_NAMED_ELEMENTS)
        .map(|&(array, flat)| {
            let value = run.outputs[array][flat].map_or("_".to_string(), |v| v.to_string());
            format!("{} = {value}", program.arrays[array].element_name(flat))
        })
        .collect();
    if differing.len() > MAX_NAMED_ELEMENTS {
        parts.push("..".to_string());
    }
    parts.join(", ")
}

/// The advice of a distinguishing input, pointing at the input declarations.
fn advice(program: &Program, input: &DistinguishingInput, fits: &str) -> Diagnostic {
    let at = input_text(program, input);
    let failed_observe = |run: &Outcome| {
        run.failures.iter().find_map(|f| {
            if let tpt_core::interp::Failure::Observe { span, .. } = f {
                Some(*span)
            } else {
                None
            }
        })
    };
    // Which program fails an `observe` there, with the span of the first one it fails.
    let observe = match (failed_observe(&input.found), failed_observe(&input.other)) {
        (Some(span), _) => {
            Some((span, "this one fails an `observe` that the other satisfies", "fails here for this one"))
        }
        (None, Some(span)) => Some((span, "it fails an `observe` that this one satisfies", "fails here for the other")),
        (None, None) => None,
    };
    let (message, observe) = match observe {
        Some((span, words, label)) if input.differing().is_empty() => {
            (format!("another program also {fits}, but on {at} {words}"), Some((span, label)))
        }
        _ => (
            format!(
                "another program also {fits} but gives {} on {at} where this one gives {}",
                elements_text(program, input, &input.other),
                elements_text(program, input, &input.found)
            ),
            None,
        ),
    };
    let mut diagnostic = Diagnostic::note(message);
    for (array, values) in input_values(program, input) {
        diagnostic =
            diagnostic.with_label(array.span, format!("{} = {}", array.name, array_text(&values, &array.dims)));
    }
    if let Some((span, label)) = observe {
        diagnostic = diagnostic.with_secondary(span, label);
    }
    diagnostic.with_help(
        Text::from(format!("add an example for {at}; "))
            + Setting::SynthAll.placeholder("N")
            + " lists up to N programs that behave differently",
    )
}

/// What the check says beside the program.
pub fn distinction_diagnostics(compiled: &Compiled, distinction: &Distinction, asked: usize) -> Vec<Diagnostic> {
    let program = &compiled.program;
    let budget = format!("{} per solve", plural(distinction.conflicts, "conflict"));
    let mut diagnostics = Vec::new();
    // With examples given up (`--max-violations`) the other programs are held to the examples
    // the found one satisfies.
    let fits = match distinction.examples_given_up {
        true => "fits every example this one satisfies",
        false => "fits every example",
    };
    if let Some(input) = &distinction.input {
        diagnostics.push(advice(program, input, fits));
    }
    let unknown = "whether the examples pin the behaviour down is unknown";
    match distinction.ending {
        Ending::Complete if distinction.others.is_empty() => diagnostics.push(Diagnostic::note(match distinction.examples_given_up {
            true => "the examples kept pin the behaviour down: every program that fits them gives the same observed outputs on every input",
            false => "the examples pin the behaviour down: every program that fits them gives the same observed outputs on every input",
        })),
        Ending::InternalError => diagnostics.push(
            Diagnostic::error(format!(
                "internal error: {}; this is a bug in tpt; please report it with the program",
                distinction.internal_error.as_deref().unwrap_or("the miter and the interpreter disagree")
            ))
            .with_help("the synthesized program is verified; only the check of whether the examples are enough failed"),
        ),
        Ending::OutOfBudget if distinction.input.is_none() => diagnostics.push(
            Diagnostic::note(format!("the check for another program that {fits} ran out of its budget ({budget}), so {unknown}"))
                .with_help(
                    Text::from(Setting::DistinguishConflicts.placeholder("N"))
                        + " gives it more; "
                        + Setting::NoDistinguish.mention()
                        + " turns it off",
                ),
        ),
        Ending::Interrupted if distinction.input.is_none() => diagnostics.push(Diagnostic::note(format!(
            "the check for another program that {fits} was interrupted, so {unknown}"
        ))),
        Ending::TooLarge if distinction.others.is_empty() => diagnostics.push(
            Diagnostic::note(format!(
                "the check for another program that {fits} was skipped: with the inputs left free its formula would exceed {} literals, so {unknown}",
                crate::distinguish::MAX_BLOCK_LITERALS
            ))
            .with_help(Text::from(Setting::NoDistinguish.mention()) + " turns it off"),
        ),
        Ending::Reals => diagnostics.push(Diagnostic::note(format!(
            "the check for another program that {fits} is of finite domains and was skipped for a sketch with reals, so {unknown}"
        ))),
        _ => {}
    }
    if asked > 1 && distinction.ending != Ending::InternalError {
        let count = distinction.others.len() + 1;
        let listed = if count == 1 {
            format!("1 program {fits}")
        } else {
            format!(
                "{count} programs with pairwise different behaviour fit every example{}",
                if distinction.examples_given_up { " the found one satisfies" } else { "" }
            )
        };
        let rest: Text = match distinction.ending {
            Ending::Complete => "; the list is complete: no other program behaves differently from all of them".into(),
            Ending::MoreExist => Text::from("; more exist (") + Setting::All.given(asked * 2) + " lists more)",
            Ending::OutOfBudget => {
                format!("; the search for more ran out of its budget ({budget}), so the list may be incomplete").into()
            }
            Ending::Reals => {
                "; the search for more was skipped, as its encoding is of finite domains and the sketch has reals".into()
            }
            Ending::TooLarge => format!(
                "; the search for more was skipped, as its formula would exceed {} literals, so the list may be incomplete",
                crate::distinguish::MAX_BLOCK_LITERALS
            )
            .into(),
            _ => "; the search for more was interrupted, so the list may be incomplete".into(),
        };
        diagnostics.push(Diagnostic::note(Text::from(listed) + rest));
    }
    diagnostics
}

/// `distinguish_check`: how the check ended, or why it did not run (`None` without a
/// program).
fn check_word(status: Status, distinction: Option<&Distinction>) -> Option<&'static str> {
    if status != Status::Found {
        return None;
    }
    let Some(distinction) = distinction else { return Some("off") };
    let word = match distinction.ending {
        Ending::InternalError => "internal_error",
        _ if distinction.input.is_some() => "distinguished",
        Ending::Complete => "pinned_down",
        Ending::MoreExist => "distinguished",
        Ending::OutOfBudget => "out_of_budget",
        Ending::Interrupted => "interrupted",
        Ending::TooLarge => "too_large",
        Ending::Reals => "reals",
    };
    Some(word)
}

/// The output arrays of the program with their values in a run (row-major; `None` where the
/// run left an element unassigned).
pub fn output_values<'p, 'r>(program: &'p Program, run: &'r Outcome) -> Vec<(&'p ArrayInfo, &'r [Option<i64>])> {
    program
        .arrays
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == DeclKind::Output)
        .map(|(id, a)| (a, run.outputs[id].as_slice()))
        .collect()
}

/// The outputs of a run, nested like the data files' values.
fn outputs_json(program: &Program, run: &Outcome) -> Value {
    let map: serde_json::Map<String, Value> = output_values(program, run)
        .into_iter()
        .map(|(a, values)| (a.name.clone(), array_json(values, &a.dims)))
        .collect();
    Value::Object(map)
}

/// `distinguishing_input`: the inputs and both programs' outputs, `null` when there is none.
fn input_json(program: &Program, input: Option<&DistinguishingInput>) -> Value {
    let Some(input) = input else { return Value::Null };
    let inputs: serde_json::Map<String, Value> =
        input_values(program, input).iter().map(|(a, values)| (a.name.clone(), array_json(values, &a.dims))).collect();
    let differing: Vec<String> =
        input.differing().iter().map(|&(array, flat)| program.arrays[array].element_name(flat)).collect();
    json!({
        "inputs": inputs,
        "outputs": outputs_json(program, &input.found),
        "other_outputs": outputs_json(program, &input.other),
        "differing": differing,
    })
}

impl Synthesis {
    /// How the check of whether the examples pin the behaviour down ended (`"pinned_down"`,
    /// `"distinguished"`, `"out_of_budget"`, ...), `"off"` when it was not asked for, `None`
    /// without a found program: `"distinguish_check"` in the JSON.
    pub fn distinguish_check(&self) -> Option<&'static str> {
        check_word(self.report.status(), self.distinction.as_ref())
    }

    /// The input on which another program that fits the examples behaves differently from the
    /// found one (`"distinguishing_input"` in the JSON), when the check found one.
    pub fn distinguishing_input(&self) -> Option<&DistinguishingInput> {
        self.distinction.as_ref().and_then(|d| d.input.as_ref())
    }

    /// Whether the programs of [`Synthesis::listed`] are all the behaviours there are: the
    /// check proved that no other program fits the examples and behaves differently from each
    /// of them (`"complete"` in the JSON of `tpt synth --all`).
    pub fn complete(&self) -> bool {
        self.distinction.as_ref().is_some_and(|d| d.ending == Ending::Complete)
    }

    /// The JSON fields of the check, to merge into [`Synthesis::json`].
    pub(super) fn distinction_json(&self, object: &mut serde_json::Map<String, Value>) {
        object.insert("distinguish_check".to_string(), json!(self.distinguish_check()));
        object.insert(
            "distinguishing_input".to_string(),
            input_json(&self.compiled.program, self.distinguishing_input()),
        );
        if self.asked > 1 {
            let programs: Vec<Value> = self.listed().iter().map(|s| s.params_json()).collect();
            object.insert("programs".to_string(), Value::Array(programs));
            object.insert("complete".to_string(), json!(self.complete()));
        }
    }

    /// The programs of `tpt synth --all`: the found one, then each other one listed (none
    /// without a found program).
    pub fn listed(&self) -> Vec<Synthesis> {
        if self.report.verified().is_none() {
            return Vec::new();
        }
        let mut list = vec![self.clone()];
        for other in self.distinction.iter().flat_map(|d| &d.others) {
            let mut report = self.report.clone();
            let optimality = self.report.outcome.optimality().unwrap_or(Optimality::NotAsked);
            report.outcome = tpt_solve::Outcome::Found { verified: other.clone(), optimality };
            report.trace.clear();
            list.push(Synthesis::new(Arc::clone(&self.compiled), self.backend, self.seed, report));
        }
        list
    }

    /// The listed programs as one text: each printed program under a comment line that
    /// numbers it, so that each part runs on its own.
    pub fn printed_all(&self, form: PrintForm) -> Option<String> {
        let listed = self.listed();
        if listed.is_empty() {
            return self.printed(form);
        }
        let count = listed.len();
        let parts: Vec<String> = listed
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.printed(form).map(|text| format!("// program {} of {count}\n{text}", i + 1)))
            .collect();
        Some(parts.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{compile, synthesize, SearchConfig};
    use tpt_source::diagnostics::SourceMap;

    /// A check whose answer the interpreter does not confirm is an error, never an answer:
    /// no distinguishing input is given, in words or in JSON.
    #[test]
    fn an_unconfirmed_answer_is_an_internal_error() {
        let mut sources = SourceMap::new();
        let text = "param p: 2;\ninput x: 2;\noutput y: 2;\ny = p;\nexample { x = 0; y = 1; }\n";
        let main = sources.add("t.tpt", text);
        let compiled = std::sync::Arc::new(compile(&sources, main, None, &Default::default()).expect("compiles"));
        let config = SearchConfig { backend: "sat".to_string(), distinguish: None, ..SearchConfig::default() };
        let synthesis = synthesize(&compiled, &config).expect("runs");
        assert_eq!(synthesis.json(PrintForm::Program)["distinguish_check"], "off");
        let distinction = Distinction {
            ending: Ending::InternalError,
            input: None,
            others: Vec::new(),
            internal_error: Some("the two programs behave alike on the miter's distinguishing input".to_string()),
            conflicts: 10,
            examples_given_up: false,
        };
        let synthesis = synthesis.with_distinction(distinction, 1);
        let diagnostics = synthesis.diagnostics();
        let last = diagnostics.last().expect("diagnostics");
        assert!(last.is_error() && last.message.starts_with("internal error: the two programs behave alike"));
        let json = synthesis.json(PrintForm::Program);
        assert_eq!(json["distinguish_check"], "internal_error");
        assert!(json["distinguishing_input"].is_null());
    }
}
