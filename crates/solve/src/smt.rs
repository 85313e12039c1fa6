//! `smt`: the exact back end through an external SMT solver. The graph's constraint model
//! (`encode`) is written as SMT-LIB 2 (params as bit-vectors, or bounded integers with
//! `--opt ints=1`; every other value defined from them), `z3` (or else `cvc5`) found on PATH
//! solves it, and the model's values become the candidate; `unsat` proves that no program
//! fits the examples, and the bundled SAT solver then names examples that cannot hold
//! together.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{BackendInfo, ExactBackend, Kind, OptionInfo, Options, Problem, Rng, Solver, StepOutcome};
use crate::encode::{smt2, smt2_optimize, smt_name, Model, SmtSort};
use tpt_graph::graph::Graph;

/// The solvers tried, in order, with the arguments that make them read an SMT-LIB file.
const SOLVERS: [(&str, &[&str]); 2] = [("z3", &["-smt2"]), ("cvc5", &["--lang", "smt2"])];

/// The first solver found on PATH.
pub fn find_solver() -> Option<(PathBuf, &'static [&'static str])> {
    let path = std::env::var_os("PATH")?;
    for (name, args) in SOLVERS {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some((candidate, args));
            }
        }
    }
    None
}

#[derive(Default)]
struct Smt {
    candidate: Vec<u32>,
    sort: SmtSort,
    conflict: Option<Vec<usize>>,
}

/// What the solver answered.
enum Answer {
    Sat(Vec<(String, i64)>),
    Unsat,
    Unknown,
}

impl ExactBackend for Smt {
    fn start(&mut self, problem: &mut Problem, _: &mut Rng) {
        self.candidate = vec![0; problem.num_params()];
    }

    fn step(&mut self, problem: &mut Problem, _: &mut Rng) -> StepOutcome {
        let model = Model::build(problem.graph);
        let optimizing = problem.optimizing();
        let text = match optimizing {
            true => smt2_optimize(&model, self.sort, problem.max_violations(), !problem.graph.objective.is_empty()),
            false => smt2(&model, self.sort),
        };
        let Some((solver, args)) = find_solver() else { return StepOutcome::Finished };
        // Only z3 has an optimizer (`minimize`).
        if optimizing && solver.file_stem().is_none_or(|name| name != "z3") {
            return StepOutcome::Finished;
        }
        match run_solver(&solver, args, &text, problem) {
            Answer::Unsat => {
                if problem.max_violations() == 0 {
                    self.conflict = super::sat::conflicting_examples(problem.graph, problem.stop_condition());
                }
                StepOutcome::Exhausted
            }
            Answer::Unknown => StepOutcome::Continue,
            Answer::Sat(values) => {
                for (slot, &var) in self.candidate.iter_mut().zip(&model.params) {
                    let name = smt_name(&model, var);
                    if let Some((_, value)) = values.iter().find(|(n, _)| *n == name) {
                        *slot = u32::try_from(*value).unwrap_or(0);
                    }
                }
                StepOutcome::Finished
            }
        }
    }

    fn answer(&self) -> (&[u32], Option<&[usize]>) {
        (&self.candidate, self.conflict.as_deref())
    }

    /// z3's optimizer answers `sat` with an optimum: it is stopped (no answer) otherwise.
    fn proven_optimal(&self) -> bool {
        true
    }
}

/// Run the solver on the text, killing it when the run must stop.
fn run_solver(solver: &std::path::Path, args: &[&str], text: &str, problem: &Problem) -> Answer {
    let Ok(mut file) = tempfile::Builder::new().suffix(".smt2").tempfile() else { return Answer::Unknown };
    if file.write_all(text.as_bytes()).is_err() || file.flush().is_err() {
        return Answer::Unknown;
    }
    let child = Command::new(solver)
        .args(args)
        .arg(file.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return Answer::Unknown };
    let Some(mut stdout) = child.stdout.take() else { return Answer::Unknown };
    let reader = std::thread::spawn(move || {
        let mut output = String::new();
        let _ = stdout.read_to_string(&mut output);
        output
    });
    let stop = problem.stop_condition();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if stop.reached() => {
                let _ = child.kill();
                let _ = child.wait();
                return Answer::Unknown;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => return Answer::Unknown,
        }
    }
    let output = reader.join().unwrap_or_default();
    parse_answer(&output)
}

/// `sat` followed by `((name value) ..)`, or `unsat`.
fn parse_answer(output: &str) -> Answer {
    let mut lines = output.lines().map(str::trim).filter(|l| !l.is_empty());
    match lines.next() {
        Some("unsat") => Answer::Unsat,
        Some("sat") => {
            let rest: String = lines.collect::<Vec<_>>().join(" ");
            Answer::Sat(parse_values(&rest))
        }
        _ => Answer::Unknown,
    }
}

/// Pairs `(name value)` of a `get-value` answer; names may be `|quoted|`.
fn parse_values(text: &str) -> Vec<(String, i64)> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == '(' || c == ')' {
            tokens.push(c.to_string());
            chars.next();
        } else if c.is_whitespace() {
            chars.next();
        } else if c == '|' {
            let mut token = String::from("|");
            chars.next();
            for d in chars.by_ref() {
                token.push(d);
                if d == '|' {
                    break;
                }
            }
            tokens.push(token);
        } else {
            let mut token = String::new();
            while let Some(&d) = chars.peek() {
                if d == '(' || d == ')' || d.is_whitespace() {
                    break;
                }
                token.push(d);
                chars.next();
            }
            tokens.push(token);
        }
    }
    let mut pairs = Vec::new();
    let mut i = 0;
    while i + 3 < tokens.len() {
        if tokens[i] == "(" && tokens[i + 1] != "(" {
            // `(name 12)`, `(name #b0101)`, `(name #x1f)` or `(name (_ bv5 3))`.
            let simple = (tokens[i + 3] == ")").then(|| literal_value(&tokens[i + 2])).flatten();
            let indexed = (i + 7 < tokens.len()
                && tokens[i + 2] == "("
                && tokens[i + 3] == "_"
                && tokens[i + 6] == ")"
                && tokens[i + 7] == ")")
                .then(|| tokens[i + 4].strip_prefix("bv").and_then(|v| v.parse::<i64>().ok()))
                .flatten();
            if let Some(value) = simple {
                pairs.push((tokens[i + 1].clone(), value));
                i += 4;
                continue;
            }
            if let Some(value) = indexed {
                pairs.push((tokens[i + 1].clone(), value));
                i += 8;
                continue;
            }
        }
        i += 1;
    }
    pairs
}

/// An integer or bit-vector literal (`12`, `#b0101`, `#x1f`).
fn literal_value(token: &str) -> Option<i64> {
    if let Some(bits) = token.strip_prefix("#b") {
        i64::from_str_radix(bits, 2).ok()
    } else if let Some(hex) = token.strip_prefix("#x") {
        i64::from_str_radix(hex, 16).ok()
    } else {
        token.parse::<i64>().ok()
    }
}

fn make(options: &Options) -> Box<dyn Solver> {
    let sort = if options.decode::<SmtParams>().ints { SmtSort::Int } else { SmtSort::BitVec };
    Box::new(Smt { sort, ..Smt::default() })
}

fn admissible(_: &Graph, _: &Options) -> Result<(), String> {
    match find_solver() {
        Some(_) => Ok(()),
        None => {
            Err("the `smt` back end needs `z3` or `cvc5` on PATH; install one, e.g. `apt-get install z3`".to_string())
        }
    }
}

const OPTIONS: &[OptionInfo] = &[OptionInfo {
    key: "ints",
    kind: Kind::Bool,
    help: "encode values as bounded integers instead of bit-vectors (slower on the circuits)",
}];

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtParams {
    ints: bool,
}

pub static BACKEND: BackendInfo = BackendInfo {
    name: "smt",
    summary: "exact: SMT-LIB with bit-vector params, solved by z3 (or cvc5) on PATH; proves impossibility",
    options: OPTIONS,
    defaults: || Options::of(&SmtParams::default()),
    make,
    admissible,
    for_reals: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_and_plain_values() {
        let Answer::Sat(values) = parse_answer("sat\n((|gate[0]| 3)\n (|in1[1]| 0) (x 12))\n") else {
            panic!("expected sat");
        };
        assert_eq!(values, vec![("|gate[0]|".to_string(), 3), ("|in1[1]|".to_string(), 0), ("x".to_string(), 12)]);
        let Answer::Sat(values) = parse_answer("sat\n((|gate[0]| #b011) (|in1[1]| #x1f) (y (_ bv5 3)) (z 2))\n") else {
            panic!("expected sat");
        };
        let expected = [("|gate[0]|", 3), ("|in1[1]|", 31), ("y", 5), ("z", 2)];
        assert_eq!(values, expected.map(|(n, v)| (n.to_string(), v)).to_vec());
        assert!(matches!(parse_answer("unsat\n"), Answer::Unsat));
        assert!(matches!(parse_answer("timeout\n"), Answer::Unknown));
    }
}
