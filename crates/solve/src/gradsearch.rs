//! The GradSearch family (section 2 of the paper): discrete local search over Hamming-1
//! moves, scored by the first-order Taylor estimate of the loss change. For a categorical
//! param at value `x` with gradient `g`, moving to `j` is estimated to change the loss by
//! `g[j] - g[x]` (section 2.3; for two values this is the binary rule `(1 - 2w) dL/dw`).
//!
//! - `gradsearch`: algorithm 1, take the best-scored move each step.
//! - `gradsearch-ra`: score moves from a running average (beta) of the gradient (section 3.1).
//! - `gradsearch-plus`: running average, epsilon-greedy random moves, one-hot smoothing so that
//!   unselected branches get gradient, and up-weighting of stalled examples (section 3.2).
//! - `bop`: every param whose best move's estimated decrease (from a running average with rate
//!   gamma) exceeds the threshold tau moves at once (section 2.5); for categorical params the
//!   best-scored value is taken, which for binary params is Bop's flip rule.
//! - `ste`: the same with threshold 0 (section 2.5: STE is Bop with a zero threshold).

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::{
    always_admissible, random_assignment, BackendInfo, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome,
};
use crate::Capabilities;

/// How the family member behaves; every field is an `--opt` key.
#[derive(Clone, Debug)]
struct Settings {
    /// Weight of the newest gradient in the running average (1 = no averaging).
    beta: f64,
    /// Probability of a random move instead of the greedy one.
    epsilon: f64,
    /// Probability mass given to each unselected value in the forward pass.
    smooth: f64,
    /// Steps without a new best loss before an example is up-weighted (0 = never).
    patience: f64,
    /// Factor by which a stalled example's weight grows.
    boost: f64,
    /// Accept every param's move whose estimated decrease exceeds this (None: best move only).
    threshold: Option<f64>,
    /// Evaluate this many of the best-scored moves exactly and take the best of them
    /// (0: take the best-scored move, as the paper does).
    lookahead: usize,
    /// How moves are ranked: by the Taylor score, or at random (which measures what the
    /// gradient adds to the exact lookahead).
    rank: Rank,
}

/// How the family ranks the Hamming-1 moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Rank {
    /// By the first-order Taylor estimate of the loss change (the paper's rule).
    #[default]
    Taylor,
    /// Uniformly at random, without computing a gradient: with a lookahead, a random
    /// shortlist of moves evaluated exactly (local search on a sampled neighbourhood).
    Random,
}

impl Settings {
    fn family(p: &FamilyParams) -> Self {
        Settings {
            beta: p.beta,
            epsilon: p.epsilon,
            smooth: p.smooth,
            patience: p.patience as f64,
            boost: p.boost,
            threshold: None,
            lookahead: p.lookahead,
            rank: p.rank,
        }
    }

    /// Bop and STE: the family's other features off.
    fn thresholded(p: &ThresholdParams) -> Self {
        Settings {
            beta: p.beta,
            epsilon: 0.0,
            smooth: 0.0,
            patience: 0.0,
            boost: 1.0,
            threshold: Some(p.tau),
            lookahead: 0,
            rank: Rank::Taylor,
        }
    }
}

pub(super) struct GradSearch {
    settings: Settings,
    /// `[theta index]`: values no move may go to (proven impossible by `auto`'s solver).
    banned: Vec<bool>,
    /// Each param's (offset, domain) in theta, copied from the problem once per restart.
    offsets: Vec<(usize, usize)>,
    /// Params with more than one value (the ones a random move can change).
    movable: Vec<usize>,
    /// Scratch list of stalled examples, reused across steps.
    stalled: Vec<usize>,
    /// Scratch list of scored moves (param, value, score) for the lookahead.
    moves: Vec<(usize, u32, f64)>,
    x: Vec<u32>,
    theta: Vec<f64>,
    grad: Vec<f64>,
    average: Vec<f64>,
    weights: Vec<f64>,
    started: bool,
    best_loss: f64,
    since_best: f64,
}

impl GradSearch {
    fn new(settings: Settings) -> Self {
        GradSearch {
            settings,
            banned: Vec::new(),
            offsets: Vec::new(),
            movable: Vec::new(),
            stalled: Vec::new(),
            moves: Vec::new(),
            x: Vec::new(),
            theta: Vec::new(),
            grad: Vec::new(),
            average: Vec::new(),
            weights: Vec::new(),
            started: false,
            best_loss: f64::INFINITY,
            since_best: 0.0,
        }
    }

    /// The forward point: one-hot, or smoothed so that every value keeps some mass.
    fn fill_theta(&mut self, offsets: &[(usize, usize)]) {
        let smooth = self.settings.smooth;
        for (&(offset, domain), &value) in offsets.iter().zip(&self.x) {
            let others = smooth.min(1.0 / domain as f64);
            for j in 0..domain {
                self.theta[offset + j] = if j == value as usize { 1.0 - others * (domain - 1) as f64 } else { others };
            }
        }
    }

    /// The best move of one param: (value, estimated loss change); ties broken at random.
    fn best_move(&self, offset: usize, domain: usize, current: u32, rng: &mut Rng) -> Option<(u32, f64)> {
        let base = self.average[offset + current as usize];
        let mut best: Option<(u32, f64)> = None;
        let mut ties = 0;
        for j in 0..domain as u32 {
            if j == current {
                continue;
            }
            let score = self.average[offset + j as usize] - base;
            match best {
                Some((_, s)) if score > s => {}
                Some((_, s)) if score == s => {
                    ties += 1;
                    if rng.random_range(0..ties + 1) == 0 {
                        best = Some((j, score));
                    }
                }
                _ => {
                    best = Some((j, score));
                    ties = 0;
                }
            }
        }
        best
    }

    /// Up-weight a random example among the worst when the loss has stalled.
    fn reweight(&mut self, loss: f64, problem: &Problem, rng: &mut Rng) {
        if self.settings.patience <= 0.0 {
            return;
        }
        if loss < self.best_loss - 1e-9 {
            self.best_loss = loss;
            self.since_best = 0.0;
            return;
        }
        self.since_best += 1.0;
        if self.since_best < self.settings.patience {
            return;
        }
        self.since_best = 0.0;
        self.best_loss = f64::INFINITY;
        let losses = problem.example_loss();
        let worst = losses.iter().copied().fold(0.0, f64::max);
        if worst <= 0.0 {
            return;
        }
        self.stalled.clear();
        self.stalled.extend((0..losses.len()).filter(|&e| losses[e] >= 0.5 * worst));
        let pick = self.stalled[rng.random_range(0..self.stalled.len())];
        self.weights[pick] = (self.weights[pick] * self.settings.boost).min(1e4);
    }
}

impl Solver for GradSearch {
    fn start(&mut self, problem: &mut Problem, rng: &mut Rng) {
        self.offsets = problem.offsets().to_vec();
        self.movable = (0..self.offsets.len()).filter(|&i| self.offsets[i].1 > 1).collect();
        self.stalled = Vec::with_capacity(problem.num_examples());
        self.moves = Vec::with_capacity(self.offsets.iter().map(|&(_, d)| d.saturating_sub(1)).sum());
        self.x = random_assignment(&problem.domains, rng);
        self.banned = vec![false; problem.theta_len()];
        self.theta = vec![0.0; problem.theta_len()];
        self.grad = vec![0.0; problem.theta_len()];
        self.average = vec![0.0; problem.theta_len()];
        self.weights = vec![1.0; problem.num_examples()];
        self.started = false;
        self.best_loss = f64::INFINITY;
        self.since_best = 0.0;
    }

    /// Go on from `assignment` on a problem with more examples: the running average of the
    /// gradient and the banned values are about the params and carry over; the examples that
    /// stay keep their positions and their weights, and the new ones (appended) start at 1.
    fn resume(&mut self, problem: &mut Problem, rng: &mut Rng, assignment: &[u32]) {
        if self.x.len() != assignment.len() || self.theta.len() != problem.theta_len() {
            self.start(problem, rng);
        }
        self.x.copy_from_slice(assignment);
        self.weights.resize(problem.num_examples(), 1.0);
        self.stalled = Vec::with_capacity(problem.num_examples());
        self.best_loss = f64::INFINITY;
        self.since_best = 0.0;
    }

    fn step(&mut self, problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        if self.movable.is_empty() {
            return StepOutcome::Finished;
        }
        let offsets = std::mem::take(&mut self.offsets);
        let outcome = self.step_with(&offsets, problem, rng);
        self.offsets = offsets;
        outcome
    }

    fn candidate(&self) -> &[u32] {
        &self.x
    }
}

impl GradSearch {
    fn step_with(&mut self, offsets: &[(usize, usize)], problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        if self.settings.rank == Rank::Random && self.settings.threshold.is_none() {
            return self.random_step(offsets, problem, rng);
        }
        // At a one-hot point (no smoothing) the integer evaluation and the one-hot backward
        // pass give the same loss and gradient as the float passes, more cheaply.
        let loss = if self.settings.smooth > 0.0 {
            self.fill_theta(offsets);
            problem.loss(&self.theta, &self.weights, Some(&mut self.grad))
        } else {
            problem.loss_and_gradient_at(&self.x, &self.weights, &mut self.grad)
        };
        let beta = if self.started { self.settings.beta } else { 1.0 };
        self.started = true;
        for (a, g) in self.average.iter_mut().zip(&self.grad) {
            *a += beta * (g - *a);
        }
        self.reweight(loss, problem, rng);
        if let Some(tau) = self.settings.threshold {
            // Bop/STE: every param whose best move is estimated to lower the loss by more
            // than tau takes it.
            for (i, &(offset, domain)) in offsets.iter().enumerate() {
                if let Some((value, score)) = self.best_move(offset, domain, self.x[i], rng) {
                    if -score > tau {
                        self.x[i] = value;
                    }
                }
            }
            return StepOutcome::Continue;
        }
        if self.settings.epsilon > 0.0 && rng.random_bool(self.settings.epsilon) {
            self.random_move(offsets, rng);
            return StepOutcome::Continue;
        }
        if self.settings.lookahead > 0 {
            self.lookahead_move(offsets, problem, rng);
            return StepOutcome::Continue;
        }
        // Algorithm 1: the single best move over all params, ties broken at random.
        let mut best: Option<(usize, u32, f64)> = None;
        let mut ties = 0;
        for (i, &(offset, domain)) in offsets.iter().enumerate() {
            let Some((value, score)) = self.best_move(offset, domain, self.x[i], rng) else { continue };
            match best {
                Some((_, _, s)) if score > s => {}
                Some((_, _, s)) if score == s => {
                    ties += 1;
                    if rng.random_range(0..ties + 1) == 0 {
                        best = Some((i, value, score));
                    }
                }
                _ => {
                    best = Some((i, value, score));
                    ties = 0;
                }
            }
        }
        if let Some((i, value, _)) = best {
            self.x[i] = value;
        }
        StepOutcome::Continue
    }
}

impl GradSearch {
    /// `gradsearch-la` with its defaults, for `auto`.
    pub(super) fn lookahead_search() -> GradSearch {
        let defaults =
            FamilyParams { beta: 0.3, epsilon: 0.05, smooth: 0.01, lookahead: 16, ..FamilyParams::default() };
        GradSearch::new(Settings::family(&defaults))
    }

    /// No move goes to `value` of `param` any more (after `start`); a param with one value
    /// left takes it at once.
    pub(super) fn ban(&mut self, param: usize, value: u32) {
        let (offset, domain) = self.offsets[param];
        self.banned[offset + value as usize] = true;
        let allowed: Vec<u32> = (0..domain as u32).filter(|&v| !self.banned[offset + v as usize]).collect();
        if let [only] = allowed[..] {
            self.x[param] = only;
        }
    }

    /// A uniformly random Hamming-1 move to a value that is not banned (none when a few draws
    /// all hit banned values).
    fn random_move(&mut self, offsets: &[(usize, usize)], rng: &mut Rng) {
        for _ in 0..8 {
            let i = self.movable[rng.random_range(0..self.movable.len())];
            let (offset, domain) = offsets[i];
            let value = (self.x[i] + rng.random_range(1..domain as u32)) % domain as u32;
            if !self.banned[offset + value as usize] {
                self.x[i] = value;
                return;
            }
        }
    }

    /// A step without a gradient (`rank=random`): the epsilon-greedy random move as usual,
    /// else `lookahead` moves drawn uniformly without replacement, evaluated exactly, and the
    /// one with the fewest violations taken (ties at random); with no lookahead, one random
    /// move.
    fn random_step(&mut self, offsets: &[(usize, usize)], problem: &mut Problem, rng: &mut Rng) -> StepOutcome {
        let k = self.settings.lookahead.max(1);
        if self.settings.lookahead == 0 || (self.settings.epsilon > 0.0 && rng.random_bool(self.settings.epsilon)) {
            self.random_move(offsets, rng);
            return StepOutcome::Continue;
        }
        self.moves.clear();
        for (i, &(offset, domain)) in offsets.iter().enumerate() {
            for j in 0..domain as u32 {
                if j != self.x[i] && !self.banned[offset + j as usize] {
                    self.moves.push((i, j, 0.0));
                }
            }
        }
        let k = k.min(self.moves.len());
        // A partial Fisher-Yates shuffle draws the shortlist.
        for m in 0..k {
            let pick = rng.random_range(m..self.moves.len());
            self.moves.swap(m, pick);
        }
        let mut best: Option<(usize, u32, usize)> = None;
        let mut ties = 0u32;
        problem.violations_at(&self.x);
        for m in 0..k {
            let (i, value, _) = self.moves[m];
            let violations = problem.violations_after_move(i, value);
            match best {
                Some((_, _, b)) if violations > b => {}
                Some((_, _, b)) if violations == b => {
                    ties += 1;
                    if rng.random_range(0..=ties) == 0 {
                        best = Some((i, value, violations));
                    }
                }
                _ => {
                    best = Some((i, value, violations));
                    ties = 0;
                }
            }
        }
        if let Some((i, value, _)) = best {
            self.x[i] = value;
        }
        StepOutcome::Continue
    }

    /// Score every move by the Taylor estimate, evaluate the `lookahead` best exactly (the
    /// integer evaluator re-runs only each move's cone) and take the best by violated observations, then loss; ties are
    /// broken at random. The gradient prunes the neighbourhood that exact local search
    /// would evaluate in full.
    fn lookahead_move(&mut self, offsets: &[(usize, usize)], problem: &mut Problem, rng: &mut Rng) {
        self.moves.clear();
        for (i, &(offset, domain)) in offsets.iter().enumerate() {
            let base = self.average[offset + self.x[i] as usize];
            for j in 0..domain as u32 {
                if j != self.x[i] && !self.banned[offset + j as usize] {
                    // A random tiebreak in the low bits keeps equal scores from favouring
                    // the first params.
                    let score = self.average[offset + j as usize] - base;
                    self.moves.push((i, j, score + rng.random_range(0.0..1e-9) * (1.0 + score.abs())));
                }
            }
        }
        let k = self.settings.lookahead.min(self.moves.len());
        if k == 0 {
            return;
        }
        if k < self.moves.len() {
            self.moves.select_nth_unstable_by(k - 1, |a, b| a.2.total_cmp(&b.2));
        }
        // At a one-hot point the loss only counts violations, so among moves with equally
        // few violations the Taylor score decides: it carries the running average's sense of
        // direction across plateaus (the parity chain's domain walls keep moving one way).
        let mut best: Option<(usize, u32, (usize, f64))> = None;
        problem.violations_at(&self.x);
        for m in 0..k {
            let (i, value, score) = self.moves[m];
            let violations = problem.violations_after_move(i, value);
            let key = (violations, score);
            if best.is_none_or(|(_, _, b)| key.0 < b.0 || (key.0 == b.0 && key.1 < b.1)) {
                best = Some((i, value, key));
            }
        }
        if let Some((i, value, _)) = best {
            self.x[i] = value;
        }
    }
}

/// The options of `gradsearch`, `gradsearch-ra`, `gradsearch-plus` and `gradsearch-la`; the
/// defaults are `gradsearch`'s (algorithm 1: the raw gradient, nothing else).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FamilyParams {
    beta: f64,
    epsilon: f64,
    smooth: f64,
    patience: u64,
    boost: f64,
    lookahead: usize,
    rank: Rank,
}

impl Default for FamilyParams {
    fn default() -> Self {
        FamilyParams { beta: 1.0, epsilon: 0.0, smooth: 0.0, patience: 0, boost: 2.0, lookahead: 0, rank: Rank::Taylor }
    }
}

/// The options of `bop` and `ste`; the defaults are Bop's.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ThresholdParams {
    beta: f64,
    tau: f64,
}

impl Default for ThresholdParams {
    fn default() -> Self {
        ThresholdParams { beta: 0.05, tau: 3e4 }
    }
}

/// The running average's weight: 0 would never update it.
const BETA_RANGE: Kind = Kind::Number { low: std::ops::Bound::Excluded(0.0), high: std::ops::Bound::Included(1.0) };

const FAMILY_OPTIONS: &[OptionInfo] = &[
    OptionInfo { key: "beta", kind: BETA_RANGE, help: "weight of the newest gradient in the running average" },
    OptionInfo {
        key: "epsilon",
        kind: Kind::PROBABILITY,
        help: "probability of a random move instead of the greedy one",
    },
    OptionInfo {
        key: "smooth",
        kind: Kind::between(0.0, 0.5),
        help: "probability mass kept on each unselected value in the forward pass",
    },
    OptionInfo {
        key: "patience",
        kind: Kind::integer_from(0),
        help: "steps without a new best loss before a stalled example is up-weighted (0: never)",
    },
    OptionInfo { key: "boost", kind: Kind::at_least(1.0), help: "factor by which a stalled example's weight grows" },
    OptionInfo {
        key: "lookahead",
        kind: Kind::Integer { min: 0, max: 1_000_000 },
        help: "evaluate this many best-scored moves exactly and take the best (0: none)",
    },
    OptionInfo {
        key: "rank",
        kind: Kind::Choice(&["taylor", "random"]),
        help: "rank moves by the gradient's Taylor estimate, or at random without a gradient (a random shortlist for the lookahead)",
    },
];

const BOP_OPTIONS: &[OptionInfo] = &[
    OptionInfo { key: "beta", kind: BETA_RANGE, help: "adaptivity rate gamma of Bop's running average of the gradient" },
    OptionInfo { key: "tau", kind: Kind::at_least(0.0), help: "threshold: a param moves when its estimated loss decrease exceeds tau (the loss gradient of a violated observation is about 1e6)" },
];
const STE_OPTIONS: &[OptionInfo] = &[
    OptionInfo {
        key: "beta",
        kind: BETA_RANGE,
        help: "weight of the newest gradient in the running average (1: the raw gradient)",
    },
    OptionInfo {
        key: "tau",
        kind: Kind::at_least(0.0),
        help: "threshold: a param moves when its estimated loss decrease exceeds tau",
    },
];

fn make_family(options: &Options) -> Box<dyn Solver> {
    Box::new(GradSearch::new(Settings::family(&options.decode())))
}

fn make_thresholded(options: &Options) -> Box<dyn Solver> {
    Box::new(GradSearch::new(Settings::thresholded(&options.decode())))
}

pub static BACKENDS: [BackendInfo; 6] = [
        BackendInfo {
            name: "gradsearch",
            summary: "GradSearch (algorithm 1): the best Taylor-scored Hamming-1 move each step",
            options: FAMILY_OPTIONS,
            defaults: || Options::of(&FamilyParams::default()),
            make: make_family,
            admissible: always_admissible,
            capabilities: Capabilities::SEARCH,
        },
        BackendInfo {
            name: "gradsearch-ra",
            summary: "GradSearch scoring moves from a running average of the gradient (section 3.1)",
            options: FAMILY_OPTIONS,
            defaults: || Options::of(&FamilyParams { beta: 0.1, ..FamilyParams::default() }),
            make: make_family,
            admissible: always_admissible,
            capabilities: Capabilities::SEARCH,
        },
        BackendInfo {
            name: "gradsearch-plus",
            summary: "GradSearch+ (section 3.2): running average, random moves, smoothing, example re-weighting",
            options: FAMILY_OPTIONS,
            defaults: || Options::of(&FamilyParams { beta: 0.1, epsilon: 0.1, smooth: 0.01, patience: 50, ..FamilyParams::default() }),
            make: make_family,
            admissible: always_admissible,
            capabilities: Capabilities::SEARCH,
        },
        BackendInfo {
            name: "gradsearch-la",
            summary: "GradSearch with lookahead: the best-scored moves are evaluated exactly and the best taken",
            options: FAMILY_OPTIONS,
            defaults: || Options::of(&FamilyParams { beta: 0.3, epsilon: 0.05, smooth: 0.01, lookahead: 16, ..FamilyParams::default() }),
            make: make_family,
            admissible: always_admissible,
            capabilities: Capabilities::SEARCH,
        },
        BackendInfo {
            name: "bop",
            summary: "Bop generalized to categorical params: every param moves when its averaged estimate beats tau",
            options: BOP_OPTIONS,
            defaults: || Options::of(&ThresholdParams::default()),
            make: make_thresholded,
            admissible: always_admissible,
            capabilities: Capabilities::SEARCH,
        },
        BackendInfo {
            name: "ste",
            summary: "straight-through estimator (Bop with threshold 0): every param moves when its averaged estimate is a decrease",
            options: STE_OPTIONS,
            defaults: || Options::of(&ThresholdParams { beta: 0.005, tau: 0.0 }),
            make: make_thresholded,
            admissible: always_admissible,
            capabilities: Capabilities::SEARCH,
        },
];
