//! A found program's standing as an optimum -> words: its cost and whether it is proven
//! optimal, the examples given up under `--max-violations` (a warning at each), and the JSON
//! fields for both.

use tpt_core::interp::run_example;
use tpt_core::program::Program;
use tpt_core::verify::Verified;
use tpt_solve::SolveReport;
use tpt_source::diagnostics::{plural, Diagnostic};

/// `cost 5 (optimal)`, `cost 6 (best found, not proven optimal)`, and the examples given up
/// with `--max-violations`; `None` when there is nothing to say (no objective, no allowance).
pub fn summary_words(report: &SolveReport) -> Option<String> {
    let verified = report.verified.as_ref()?;
    let standing = if report.optimal { "optimal" } else { "best found, not proven optimal" };
    let mut parts = Vec::new();
    if report.max_violations > 0 {
        let fewest = if report.optimal { "fewest possible" } else { "not proven fewest" };
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
    (report.verified.is_some() && optimizing).then_some(report.optimal)
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
                .with_note("`--max-violations` allows examples to fail; check this one's expected values")
        })
        .collect()
}

/// The error of a proof that every program fails more examples than allowed.
pub fn too_many_violations(allowed: usize) -> Diagnostic {
    Diagnostic::error(format!(
        "every assignment of the params fails more than {} (the whole search space was covered)",
        plural(allowed, "example")
    ))
    .with_help("allow more with `--max-violations`, or check the examples and the sketch")
}
