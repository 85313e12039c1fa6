//! The external SMT solver of the `smt` back end: which program it is (`--opt solver`, or `z3`
//! and else `cvc5` on PATH), whether it can be started at all (before any search, so that a
//! solver that cannot is a user error naming its path), one run of it on an SMT-LIB file, and
//! its answer. Every answer but a stop is final: `sat` with the params' values, `unsat`,
//! `unknown` with the solver's reason, or a failure (a crash, an error, output that is no
//! answer) described in words.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::StopCondition;
use tpt_source::diagnostics::{Setting, Text};

/// The solvers tried on PATH by default, in order.
const DEFAULTS: [&str; 2] = ["z3", "cvc5"];

/// The value of `--opt solver` that means the first of `DEFAULTS` on PATH.
pub const AUTO: &str = "auto";

/// An SMT solver to run: where it is and how it reads an SMT-LIB file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolverCommand {
    pub path: PathBuf,
    /// cvc4 and cvc5 (told apart by the file name) take `--lang smt2` and have no optimizer;
    /// any other solver is run as z3 is, with `-smt2`.
    pub cvc: bool,
}

impl SolverCommand {
    fn of(path: PathBuf) -> SolverCommand {
        let cvc = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("cvc"));
        SolverCommand { path, cvc }
    }

    /// Its file name, for messages: `z3`.
    pub fn name(&self) -> String {
        self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }

    /// Whether it has an optimizer (`minimize` goals): z3 has, cvc5 has not.
    pub fn optimizes(&self) -> bool {
        !self.cvc
    }

    fn args(&self) -> &'static [&'static str] {
        if self.cvc {
            &["--lang", "smt2"]
        } else {
            &["-smt2"]
        }
    }

    fn version_arg(&self) -> &'static str {
        if self.cvc {
            "--version"
        } else {
            "-version"
        }
    }
}

/// The first file called `name` in a directory of PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}

/// The solver `choice` names: `auto` (z3, else cvc5, on PATH), a path (with a `/`), or a name
/// looked up on PATH. The error says what is missing.
pub fn resolve(choice: &str) -> Result<SolverCommand, Text> {
    let solver_option = || Setting::BackendOption { key: "solver".to_string() };
    if choice == AUTO {
        return DEFAULTS.iter().find_map(|name| on_path(name)).map(SolverCommand::of).ok_or_else(|| {
            Text::from("the `smt` back end needs `z3` or `cvc5` on PATH; install one (`apt-get install z3`), or name one with ")
                + solver_option().placeholder("PATH")
        });
    }
    let chosen = || Text::from(solver_option().given(choice));
    if choice.contains(std::path::MAIN_SEPARATOR) || choice.contains('/') {
        let path = PathBuf::from(choice);
        return match path.is_file() {
            true => Ok(SolverCommand::of(path)),
            false if path.exists() => Err(chosen() + format!(": `{choice}` is not a file")),
            false => Err(chosen() + format!(": there is no file `{choice}`")),
        };
    }
    on_path(choice)
        .map(SolverCommand::of)
        .ok_or_else(|| chosen() + format!(": there is no `{choice}` on PATH; give its path"))
}

/// Resolve the solver and start it once (asking for its version), so that one that cannot be
/// started (not executable, not a program) is refused before the search, naming its path.
pub fn check_startable(choice: &str) -> Result<SolverCommand, Text> {
    let solver = resolve(choice)?;
    let started = Command::new(&solver.path)
        .arg(solver.version_arg())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match started {
        Ok(mut child) => {
            // Started is all that is asked; it need not finish.
            let _ = child.kill();
            let _ = child.wait();
            Ok(solver)
        }
        Err(error) => Err(cannot_start(&solver.path, &error).into()),
    }
}

fn cannot_start(path: &Path, error: &std::io::Error) -> String {
    let reason = match error.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied (is it executable?)".to_string(),
        std::io::ErrorKind::NotFound => "not found (a script whose interpreter is missing?)".to_string(),
        _ => error.to_string(),
    };
    format!("the SMT solver `{}` cannot be started: {reason}", path.display())
}

/// What a run of the solver came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// `sat`, with the `get-value` pairs (name, value).
    Sat(Vec<(String, i64)>),
    Unsat,
    /// `unknown`, with the reason the solver gave (`get-info :reason-unknown`), if any.
    Unknown(Option<String>),
    /// No answer: a crash, an error, or output that is none of the above (in words).
    Failed(String),
    /// The run was stopped (deadline or interrupt) before the solver answered.
    Stopped,
}

/// Run the solver on `text`, killing it when `stop` is reached.
pub fn run(solver: &SolverCommand, text: &str, stop: StopCondition) -> Answer {
    let name = solver.name();
    let file = tempfile::Builder::new().suffix(".smt2").tempfile();
    let mut file = match file {
        Ok(file) => file,
        Err(error) => return Answer::Failed(format!("the SMT-LIB file for `{name}` cannot be written: {error}")),
    };
    if let Err(error) = file.write_all(text.as_bytes()).and_then(|()| file.flush()) {
        return Answer::Failed(format!("the SMT-LIB file for `{name}` cannot be written: {error}"));
    }
    let child = Command::new(&solver.path)
        .args(solver.args())
        .arg(file.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => return Answer::Failed(cannot_start(&solver.path, &error)),
    };
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut output = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut output);
            }
            output
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if stop.reached() => {
                let _ = child.kill();
                let _ = child.wait();
                return Answer::Stopped;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(error) => return Answer::Failed(format!("`{name}` could not be waited for: {error}")),
        }
    };
    let (stdout, stderr) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
    match parse_answer(&stdout) {
        Some(answer) => answer,
        None => Answer::Failed(failure(&name, status, &stdout, &stderr)),
    }
}

/// A run that gave no answer, in words: how it ended and the first thing it printed.
fn failure(name: &str, status: std::process::ExitStatus, stdout: &str, stderr: &str) -> String {
    let ended = match status.code() {
        Some(0) => "exited".to_string(),
        Some(code) => format!("exited with status {code}"),
        None => "was killed by a signal".to_string(),
    };
    let printed = stdout.lines().chain(stderr.lines()).map(str::trim).find(|l| !l.is_empty());
    match printed {
        Some(line) => {
            let line: String = line.chars().take(200).collect();
            format!("`{name}` {ended} without an answer; it printed `{line}`")
        }
        None => format!("`{name}` {ended} without an answer, printing nothing"),
    }
}

/// The answer in a solver's output: `sat` followed by the `get-value` pairs, `unsat`, or
/// `unknown` followed (after an error for the values it has not) by the `get-info` reason;
/// `None` for anything else.
pub fn parse_answer(output: &str) -> Option<Answer> {
    let output = output.trim_start();
    let first = output.lines().next()?.trim();
    let rest = &output[output.find('\n').map_or(output.len(), |at| at + 1)..];
    match first {
        "unsat" => Some(Answer::Unsat),
        "sat" => Some(Answer::Sat(parse_values(first_group(rest)))),
        "unknown" => Some(Answer::Unknown(reason_unknown(rest))),
        _ => None,
    }
}

/// The first balanced parenthesized group of `text` (the `get-value` answer), or "".
fn first_group(text: &str) -> &str {
    let Some(start) = text.find('(') else { return "" };
    let (mut depth, mut quoted) = (0usize, false);
    for (at, c) in text[start..].char_indices() {
        match c {
            '|' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return &text[start..=start + at];
                }
            }
            _ => {}
        }
    }
    &text[start..]
}

/// `(:reason-unknown "timeout")` (z3) or `(:reason-unknown incomplete)` (cvc5): the reason.
fn reason_unknown(text: &str) -> Option<String> {
    let at = text.find(":reason-unknown")?;
    let reason = text[at + ":reason-unknown".len()..].trim_start();
    let reason = reason.split(')').next()?.trim().trim_matches('"').trim();
    (!reason.is_empty()).then(|| reason.to_string())
}

/// Pairs `(name value)` of a `get-value` answer; names may be `|quoted|`.
fn parse_values(text: &str) -> Vec<(String, i64)> {
    let tokens = tokens(text);
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

/// Parentheses, `|quoted names|` and other words.
fn tokens(text: &str) -> Vec<String> {
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
    tokens
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_and_plain_values() {
        let Some(Answer::Sat(values)) = parse_answer("sat\n((|gate[0]| 3)\n (|in1[1]| 0) (x 12))\n") else {
            panic!("expected sat");
        };
        assert_eq!(values, vec![("|gate[0]|".to_string(), 3), ("|in1[1]|".to_string(), 0), ("x".to_string(), 12)]);
        let Some(Answer::Sat(values)) = parse_answer("sat\n((|gate[0]| #b011) (|in1[1]| #x1f) (y (_ bv5 3)) (z 2))\n")
        else {
            panic!("expected sat");
        };
        let expected = [("|gate[0]|", 3), ("|in1[1]|", 31), ("y", 5), ("z", 2)];
        assert_eq!(values, expected.map(|(n, v)| (n.to_string(), v)).to_vec());
        assert_eq!(parse_answer("unsat\n"), Some(Answer::Unsat));
        assert_eq!(parse_answer("timeout\n"), None);
        assert_eq!(parse_answer(""), None);
    }

    /// Only the `get-value` answer gives values: what follows it (z3's objectives, a
    /// `get-info` answer or an error about it) does not.
    #[test]
    fn values_come_from_the_get_value_answer_only() {
        let output = "sat\n((p #x3)\n (q #x7))\n(error \"line 9 column 1: 5\")\n(:reason-unknown \"unknown\")\n";
        assert_eq!(parse_answer(output), Some(Answer::Sat(vec![("p".to_string(), 3), ("q".to_string(), 7)])));
    }

    #[test]
    fn unknown_comes_with_the_solvers_reason() {
        let z3 = "unknown\n(error \"line 625 column 308: model is not available\")\n(:reason-unknown \"timeout\")\n";
        assert_eq!(parse_answer(z3), Some(Answer::Unknown(Some("timeout".to_string()))));
        let cvc5 = "unknown\n(:reason-unknown incomplete)\n";
        assert_eq!(parse_answer(cvc5), Some(Answer::Unknown(Some("incomplete".to_string()))));
        assert_eq!(parse_answer("unknown\n"), Some(Answer::Unknown(None)));
    }

    #[test]
    fn a_solver_is_named_by_a_path_a_name_on_path_or_auto() {
        let missing = resolve("/no/such/dir/z3").expect_err("missing");
        let solver = Setting::BackendOption { key: "solver".to_string() };
        assert_eq!(missing, Text::from(solver.given("/no/such/dir/z3")) + ": there is no file `/no/such/dir/z3`");
        let not_on_path = resolve("no-such-solver-anywhere").expect_err("not on PATH");
        assert!(not_on_path.contains("there is no `no-such-solver-anywhere` on PATH"), "{not_on_path}");
        let directory = resolve("/").expect_err("a directory");
        assert!(directory.contains("is not a file"), "{directory}");
        assert!(SolverCommand::of(PathBuf::from("/opt/cvc5-1.0/bin/cvc5")).cvc);
        assert!(SolverCommand::of(PathBuf::from("/usr/bin/z3")).optimizes());
    }
}
