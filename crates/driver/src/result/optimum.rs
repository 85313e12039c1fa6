//! A found program's standing as an optimum -> words: its cost and whether it is proven
//! optimal, the examples given up under `--max-violations` (a warning at each), and the JSON
//! fields for both.

use crate::compiled::Compiled;
use crate::print::GivenUp;
use tpt_core::interp::run_example;
use tpt_core::program::Program;
use tpt_core::verify::Verified;
use tpt_solve::SolveReport;
use tpt_source::diagnostics::{plural, Diagnostic, Setting, Text};

/// `cost 5 (optimal)`, `cost 6 (best found, not proven optimal)`, and the examples given up
/// with `--max-violations`; `None` when there is nothing to say (no objective, no allowance).
pub fn summary_words(report: &SolveReport) -> Option<String> {
    let verified = report.verified()?;
    let standing = if report.optimal() { "optimal" } else { "best found, not proven optimal" };
    let mut parts = Vec::new();
    if report.max_violations > 0 {
        let fewest = if report.optimal() { "fewest possible" } else { "not proven fewest" };
        parts.push(format!("{} given up ({fewest})", plural(verified.violated().len(), "example")));
    }
    if let Some(cost) = verified.cost() {
        parts.push(format!("cost {cost} ({standing})"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `"optimal"` in the JSON: whether a found result is proven best, `None` when the search did
/// not optimize (no objective and no allowance) or found nothing.
pub fn optimal(program: &Program, report: &SolveReport) -> Option<bool> {
    let optimizing = program.has_objective() || report.max_violations > 0;
    (report.verified().is_some() && optimizing).then_some(report.optimal())
}

/// A warning at each example the program fails, which `--max-violations` allowed.
pub fn given_up(program: &Program, verified: &Verified, max_steps: u64) -> Vec<Diagnostic> {
    verified
        .violated()
        .iter()
        .filter_map(|&index| program.examples.get(index))
        .map(|example| {
            let failures = run_example(program, verified.values(), example, max_steps).failures.len();
            let verb = if failures == 1 { "fails" } else { "fail" };
            Diagnostic::warning(format!("the program does not satisfy {}", example.label))
                .with_label_in(
                    example.source,
                    example.span,
                    format!("given up: {} {verb} here", plural(failures, "observation")),
                    true,
                )
                .with_note(
                    Text::from(Setting::MaxViolations.mention())
                        + " allows examples to fail; check this one's expected values",
                )
        })
        .collect()
}

/// A note when the printed program still holds examples given up, which it cannot comment out
/// (a loop gives them with examples the program satisfies, or a data file does): the
/// `tpt run --max-violations` that accepts it. `None` when every example given up is
/// commented out (or none is).
pub fn given_up_kept(compiled: &Compiled, given_up: GivenUp) -> Option<Diagnostic> {
    let program = &compiled.program;
    let in_loops = given_up.kept(program, &compiled.parsed.file.items);
    let from_data: Vec<usize> =
        given_up.examples.iter().copied().filter(|&i| program.examples[i].source != given_up.source).collect();
    let count = in_loops.len() + from_data.len();
    if count == 0 {
        return None;
    }
    let labels = |list: &[usize]| -> String {
        let labels: Vec<&str> = list.iter().map(|&i| program.examples[i].label.as_str()).collect();
        labels.join(", ")
    };
    let mut whys = Vec::new();
    if !in_loops.is_empty() {
        whys.push(format!("{}, in a loop with examples the program satisfies", labels(&in_loops)));
    }
    if !from_data.is_empty() {
        whys.push(format!("{}, in the data file", labels(&from_data)));
    }
    let data = from_data.first().map(|&i| compiled.sources.name(program.examples[i].source).to_string());
    Some(
        Diagnostic::note(
            Text::from(Setting::RunPrinted { data: None }.mention())
                + format!(
                    " of the printed program still checks {} given up ({}); ",
                    plural(count, "example"),
                    whys.join("; ")
                )
                + Setting::RunPrinted { data }.given(count)
                + " accepts it",
        )
        .with_help("an example item whose examples are all given up is commented out in the printed program; a loop that also gives examples the program satisfies, and a data file, stay as they are"),
    )
}

/// The error of a proof that every program fails more examples than allowed.
pub fn too_many_violations(allowed: usize) -> Diagnostic {
    Diagnostic::error(format!(
        "every assignment of the params fails more than {} (the whole search space was covered)",
        plural(allowed, "example")
    ))
    .with_help(
        Text::from("allow more with ") + Setting::MaxViolations.mention() + ", or check the examples and the sketch",
    )
}
