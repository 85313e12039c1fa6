//! One line per run of a sweep (`tpt bench --runs-csv`): the record, its CSV columns, and
//! its writing and reading. Both the shards (which merge runs into rows) and the tables
//! (which read either kind of CSV file) use it, so neither uses the other for it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use tpt::diagnostics::Diagnostic;
use tpt::solve::Status;

use super::io_reason;

/// One run of a sweep, as `--runs-csv` writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub file: String,
    pub backend: String,
    /// The swept settings as `K=4 N=2`.
    pub set: String,
    /// The cell's position in the sweep (file x setting x back end, from 0).
    pub cell: usize,
    /// The run's index in its cell, and the number of runs the sweep gives each cell.
    pub run: usize,
    pub runs: usize,
    pub seed: u64,
    /// How the run ended, as `synth --json` spells it (`found`, `step-budget`, ...).
    pub status: String,
    pub steps: u64,
    pub seconds: f64,
}

impl RunRecord {
    pub fn cell_key(&self) -> (&str, &str, &str) {
        (&self.file, &self.backend, &self.set)
    }
}

/// The CSV columns of `--runs-csv`, in order.
pub const RUN_COLUMNS: [&str; 10] =
    ["file", "backend", "set", "cell", "run", "runs", "seed", "status", "steps", "seconds"];

/// How a status is spelled in a run record.
pub fn status_text(status: Status) -> String {
    serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Every status a run record may hold.
fn known_statuses() -> Vec<String> {
    [
        Status::Found,
        Status::StepBudget,
        Status::Timeout,
        Status::Interrupted,
        Status::GaveUp,
        Status::Impossible,
        Status::InternalError,
    ]
    .map(status_text)
    .to_vec()
}

/// Writes run records to a CSV file as their rows finish, so that an interrupted shard keeps
/// them.
pub struct RunsWriter {
    writer: csv::Writer<std::fs::File>,
    path: String,
}

impl RunsWriter {
    pub fn create(path: &Path) -> Result<Self, Diagnostic> {
        let name = path.display().to_string();
        let file = super::output::create_streamed(path)?;
        let mut writer =
            RunsWriter { writer: csv::WriterBuilder::new().has_headers(false).from_writer(file), path: name };
        writer.write(RUN_COLUMNS)?;
        Ok(writer)
    }

    pub fn push(&mut self, records: &[RunRecord]) -> Result<(), Diagnostic> {
        records.iter().try_for_each(|record| self.write(record))
    }

    fn write(&mut self, record: impl Serialize) -> Result<(), Diagnostic> {
        let fail = |e: &dyn std::fmt::Display| Diagnostic::error(format!("cannot write `{}`: {e}", self.path));
        self.writer.serialize(record).map_err(|e| fail(&e))?;
        self.writer.flush().map_err(|e| fail(&io_reason(&e)))
    }
}

/// The records of a `--runs-csv` file whose text is `bytes` (the header already recognized).
pub fn read_runs(name: &str, bytes: &[u8]) -> Result<Vec<RunRecord>, Diagnostic> {
    let not_a_run = |line: u64| {
        Diagnostic::error(format!("{name}: line {line} is not a run written by `tpt bench --runs-csv`"))
            .with_help(format!("the columns are: {}", RUN_COLUMNS.join(",")))
    };
    let statuses = known_statuses();
    let mut reader = csv::Reader::from_reader(bytes);
    let mut records = Vec::new();
    for (index, record) in reader.deserialize::<RunRecord>().enumerate() {
        let line = index as u64 + 2;
        let record = record.map_err(|e| not_a_run(e.position().map_or(line, |p| p.line())))?;
        let settings_read = record
            .set
            .split_whitespace()
            .all(|part| part.split_once('=').is_some_and(|(_, value)| value.parse::<i64>().is_ok()));
        let valid = settings_read
            && record.run < record.runs
            && statuses.contains(&record.status)
            && record.seconds.is_finite()
            && record.seconds >= 0.0;
        if !valid {
            return Err(not_a_run(line));
        }
        records.push(record);
    }
    Ok(records)
}
