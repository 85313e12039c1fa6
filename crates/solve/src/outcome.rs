//! How a run ended, as a type: each ending carries exactly its data (a found program its
//! verified params, a proof of impossibility its conflicting examples, a run out of budget or
//! time its best candidate), so that a report whose status and fields disagree cannot be
//! built. Beside it, the work the run did (`Work`), its trace and its counterexample rounds.

use tpt_core::verify::Verified;

/// How a run ended, in one word (the CLI's exit code, the JSON's `status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A candidate was verified on every example.
    Found,
    /// The step budget ran out.
    StepBudget,
    /// The time ran out.
    Timeout,
    /// The user interrupted the run.
    Interrupted,
    /// The back end stopped without a verified candidate.
    GaveUp,
    /// An exact back end covered the whole space: no assignment satisfies the examples.
    Impossible,
    /// The graph and the exact interpreter disagree on a candidate: a bug in tpt.
    InternalError,
}

/// One point of an optimization trajectory.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct TracePoint {
    pub step: u64,
    /// Loss of the discrete candidate after the step.
    pub loss: f64,
    pub violations: usize,
    pub candidate: Vec<u32>,
    /// The probability each param gives its candidate value (relaxed back ends only).
    pub confidence: Option<Vec<f32>>,
}

/// A discrete candidate that was not verified, with how far it is from satisfying the
/// examples.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Candidate {
    /// One value per graph param.
    pub assignment: Vec<u32>,
    /// One value per real graph param.
    pub reals: Vec<f64>,
    /// Observations it violates (by the one-hot evaluation of the graph).
    pub violations: usize,
    pub loss: f64,
}

/// What counterexample-guided synthesis searched on, in the restart that produced a result.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CegisSummary {
    /// The examples the search ended on (indices into the program's examples), in the order
    /// they joined: the first one, then the counterexamples.
    pub examples: Vec<usize>,
    /// Searches on a set of examples: 1 + the number of times counterexamples were added.
    pub rounds: usize,
}

/// Whether a found program is proven best.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimality {
    /// The search did not optimize: no objective and no allowance of failing examples.
    NotAsked,
    /// No assignment fails fewer examples, and none failing as few has a lower objective.
    Proven,
    /// The best found, not proven best (a search that improves a candidate, or an exact one
    /// stopped before its proof).
    Unproven,
}

impl Optimality {
    /// The optimality of a program found by a search that optimizes (`optimizing`) and proved
    /// its optimum or not (`proven`).
    pub fn of(optimizing: bool, proven: bool) -> Optimality {
        match (optimizing, proven) {
            (false, _) => Optimality::NotAsked,
            (true, true) => Optimality::Proven,
            (true, false) => Optimality::Unproven,
        }
    }
}

/// How a run ended, with exactly the data of that ending.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The interpreter confirmed the program on every example (or on all but the allowed).
    Found { verified: Verified, optimality: Optimality },
    /// No assignment satisfies the examples; `conflict`: examples (indices, ascending) that
    /// cannot all hold together, when the back end found such a set. It is minimal (no member
    /// can be left out) unless the run's time ran out while it was being shrunk.
    Impossible { conflict: Option<Vec<usize>> },
    /// `--max-steps` spent; the best candidate seen, for back ends whose candidates mean
    /// something before they finish (exact back ends have none).
    BudgetSpent { best: Option<Candidate> },
    /// `--timeout` reached, with the best candidate seen.
    TimedOut { best: Option<Candidate> },
    /// The user interrupted the run, with the best candidate seen.
    Interrupted { best: Option<Candidate> },
    /// The back end stopped without a verified candidate; `reason`: why, when it says.
    GaveUp { best: Option<Candidate>, reason: Option<String> },
    /// The graph and the exact interpreter (or an encoding) disagree at `candidate`: a bug in
    /// tpt, described by `what`.
    InternalError { candidate: Candidate, what: String },
}

impl Outcome {
    pub fn status(&self) -> Status {
        match self {
            Outcome::Found { .. } => Status::Found,
            Outcome::Impossible { .. } => Status::Impossible,
            Outcome::BudgetSpent { .. } => Status::StepBudget,
            Outcome::TimedOut { .. } => Status::Timeout,
            Outcome::Interrupted { .. } => Status::Interrupted,
            Outcome::GaveUp { .. } => Status::GaveUp,
            Outcome::InternalError { .. } => Status::InternalError,
        }
    }

    /// The ending without a program of `status` (not `Found`, `Impossible` or
    /// `InternalError`, whose data is of another kind) with the best candidate seen.
    pub fn unfound(status: Status, best: Option<Candidate>) -> Outcome {
        match status {
            Status::Timeout => Outcome::TimedOut { best },
            Status::Interrupted => Outcome::Interrupted { best },
            Status::GaveUp => Outcome::GaveUp { best, reason: None },
            _ => Outcome::BudgetSpent { best },
        }
    }

    /// The verified params of a found program.
    pub fn verified(&self) -> Option<&Verified> {
        match self {
            Outcome::Found { verified, .. } => Some(verified),
            _ => None,
        }
    }

    /// The best candidate of a run that found nothing (the candidate of an internal error).
    pub fn best(&self) -> Option<&Candidate> {
        match self {
            Outcome::BudgetSpent { best }
            | Outcome::TimedOut { best }
            | Outcome::Interrupted { best }
            | Outcome::GaveUp { best, .. } => best.as_ref(),
            Outcome::InternalError { candidate, .. } => Some(candidate),
            Outcome::Found { .. } | Outcome::Impossible { .. } => None,
        }
    }

    /// The conflicting examples of a proof of impossibility, when it names them.
    pub fn conflict(&self) -> Option<&[usize]> {
        match self {
            Outcome::Impossible { conflict } => conflict.as_deref(),
            _ => None,
        }
    }

    /// What disagreed, in an internal error.
    pub fn internal_error(&self) -> Option<&str> {
        match self {
            Outcome::InternalError { what, .. } => Some(what),
            _ => None,
        }
    }

    /// Why the back end gave up, when it says.
    pub fn gave_up(&self) -> Option<&str> {
        match self {
            Outcome::GaveUp { reason, .. } => reason.as_deref(),
            _ => None,
        }
    }

    /// Whether a found program is proven best.
    pub fn optimality(&self) -> Option<Optimality> {
        match self {
            Outcome::Found { optimality, .. } => Some(*optimality),
            _ => None,
        }
    }
}

/// The work a run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Work {
    /// Steps taken by the restart that produced the result.
    pub steps: u64,
    /// Steps taken by the restarts counted in `restarts_run`, together.
    pub total_steps: u64,
    /// Index of the restart that produced the result.
    pub restart: usize,
    /// The restarts the result rests on: up to the verified one with the lowest index, or all
    /// that ran when none was verified. Restarts of higher index that ran beside it stopped
    /// wherever they were when it won, which depends on thread timing: they are not counted.
    pub restarts_run: usize,
    /// Forward passes of the restarts counted in `restarts_run`, together (local search spends
    /// many per step).
    pub evaluations: u64,
    pub seconds: f64,
}

/// The result of a run: how it ended, the work it did, and what it recorded on the way.
#[derive(Clone, Debug)]
pub struct SolveReport {
    pub outcome: Outcome,
    pub work: Work,
    /// A point per step of restart 0 (or of the winning restart), when asked for.
    pub trace: Vec<TracePoint>,
    /// With counterexample-guided synthesis: the examples the result's restart searched on.
    pub cegis: Option<CegisSummary>,
    /// How many examples a result was allowed to fail (`--max-violations`).
    pub max_violations: usize,
}

impl SolveReport {
    pub fn status(&self) -> Status {
        self.outcome.status()
    }

    pub fn verified(&self) -> Option<&Verified> {
        self.outcome.verified()
    }

    pub fn best(&self) -> Option<&Candidate> {
        self.outcome.best()
    }

    /// Whether a found program is proven best (false when nothing was found or the search did
    /// not optimize).
    pub fn optimal(&self) -> bool {
        self.outcome.optimality() == Some(Optimality::Proven)
    }
}

/// Parts of a result that do not make an `Outcome` (a saved result changed by hand).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InconsistentOutcome {
    #[error("a saved result holds params exactly when it was found")]
    FoundWithoutParams,
    #[error("a saved internal error needs its candidate and its description")]
    InternalErrorWithoutCandidate,
}

/// The parts of an ending as the JSON and saved results spell them.
pub struct OutcomeParts {
    pub status: Status,
    pub verified: Option<Verified>,
    pub best: Option<Candidate>,
    pub conflict: Option<Vec<usize>>,
    pub internal_error: Option<String>,
    pub gave_up: Option<String>,
    pub optimality: Optimality,
}

impl TryFrom<OutcomeParts> for Outcome {
    type Error = InconsistentOutcome;

    /// The ending the parts spell, when they agree with its status.
    fn try_from(parts: OutcomeParts) -> Result<Outcome, InconsistentOutcome> {
        let OutcomeParts { status, verified, best, conflict, internal_error, gave_up, optimality } = parts;
        if verified.is_some() != (status == Status::Found) {
            return Err(InconsistentOutcome::FoundWithoutParams);
        }
        Ok(match status {
            Status::Found => {
                Outcome::Found { verified: verified.ok_or(InconsistentOutcome::FoundWithoutParams)?, optimality }
            }
            Status::Impossible => Outcome::Impossible { conflict },
            Status::InternalError => match (best, internal_error) {
                (Some(candidate), Some(what)) => Outcome::InternalError { candidate, what },
                _ => return Err(InconsistentOutcome::InternalErrorWithoutCandidate),
            },
            Status::GaveUp => Outcome::GaveUp { best, reason: gave_up },
            other => Outcome::unfound(other, best),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(status: Status) -> OutcomeParts {
        OutcomeParts {
            status,
            verified: None,
            best: None,
            conflict: None,
            internal_error: None,
            gave_up: None,
            optimality: Optimality::NotAsked,
        }
    }

    /// Each ending carries its own data only: the parts of a result (as saved) that disagree
    /// with their status make no outcome, and a reason to give up or a conflict belongs to
    /// its ending alone.
    #[test]
    fn parts_that_disagree_with_their_status_make_no_outcome() {
        let found = Outcome::try_from(parts(Status::Found));
        assert_eq!(found.err(), Some(InconsistentOutcome::FoundWithoutParams));
        let internal = Outcome::try_from(parts(Status::InternalError));
        assert_eq!(internal.err(), Some(InconsistentOutcome::InternalErrorWithoutCandidate));
        let gave_up = Outcome::try_from(OutcomeParts { gave_up: Some("unknown".to_string()), ..parts(Status::GaveUp) })
            .expect("consistent");
        assert_eq!((gave_up.status(), gave_up.gave_up()), (Status::GaveUp, Some("unknown")));
        let timeout =
            Outcome::try_from(OutcomeParts { conflict: Some(vec![0]), ..parts(Status::Timeout) }).expect("consistent");
        assert_eq!((timeout.status(), timeout.conflict()), (Status::Timeout, None));
        for status in [Status::StepBudget, Status::Timeout, Status::Interrupted, Status::GaveUp, Status::Impossible] {
            let outcome = Outcome::try_from(parts(status)).expect("consistent");
            assert_eq!(outcome.status(), status);
            assert!(outcome.verified().is_none() && outcome.optimality().is_none());
        }
    }
}
