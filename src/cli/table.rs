//! Rows of `tpt bench` -> a markdown table, JSON lines or CSV; and CSV written by `--csv` ->
//! rows again (for `--from-csv`, which tells the runs of `--runs-csv` apart by their header).
//! The CSV goes through the `csv` crate, so that a file name with a comma or a quote survives
//! the round trip.

use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use tpt::diagnostics::Diagnostic;

use super::io_reason;
use super::runs::{read_runs, RunRecord, RUN_COLUMNS};

/// One measured row: a file, a back end and a setting of the swept constants.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub file: String,
    pub backend: String,
    pub set: serde_json::Map<String, serde_json::Value>,
    pub runs: usize,
    pub solved: usize,
    /// Mean steps of the successful runs.
    pub mean_steps: Option<f64>,
    /// Median and mean wall time of the successful runs, in seconds.
    pub median_seconds: Option<f64>,
    pub mean_seconds: Option<f64>,
    /// Mean wall time of all runs, successful or not.
    pub mean_seconds_all: f64,
    /// Runs that proved that no assignment satisfies the examples (exact back ends).
    pub impossible: usize,
}

impl Row {
    /// The row of one cell from its runs (all of the same file, back end and setting), in the
    /// order of their index: the sweep and the merge of its shards both build rows here, so
    /// the two agree exactly.
    pub fn from_runs(runs: &[RunRecord]) -> Row {
        let first = runs.first();
        let solved: Vec<&RunRecord> = runs.iter().filter(|r| r.status == "found").collect();
        let mean = |values: &[f64]| (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
        let steps: Vec<f64> = solved.iter().map(|r| r.steps as f64).collect();
        let mut seconds: Vec<f64> = solved.iter().map(|r| r.seconds).collect();
        let mean_seconds = mean(&seconds);
        seconds.sort_by(f64::total_cmp);
        let all_seconds: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
        Row {
            file: first.map(|r| r.file.clone()).unwrap_or_default(),
            backend: first.map(|r| r.backend.clone()).unwrap_or_default(),
            set: first.and_then(|r| parse_set(&r.set)).unwrap_or_default(),
            runs: runs.len(),
            solved: solved.len(),
            mean_steps: mean(&steps),
            median_seconds: median(&seconds),
            mean_seconds,
            mean_seconds_all: mean(&all_seconds).unwrap_or(0.0),
            impossible: runs.iter().filter(|r| r.status == "impossible").count(),
        }
    }

    /// The swept settings as `K=4 N=2`.
    pub fn set_text(&self) -> String {
        let parts: Vec<String> = self.set.iter().map(|(k, v)| format!("{k}={v}")).collect();
        parts.join(" ")
    }

    /// Percentage of the runs that found a verified program.
    pub fn success_rate(&self) -> f64 {
        100.0 * self.solved as f64 / self.runs.max(1) as f64
    }
}

/// The middle value of sorted values (the mean of the two middle ones for an even count).
fn median(sorted: &[f64]) -> Option<f64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// `K=4 N=2` -> the settings; `None` when a part is not `NAME=INTEGER`.
pub fn parse_set(text: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut set = serde_json::Map::new();
    for part in text.split_whitespace() {
        let (key, value) = part.split_once('=')?;
        set.insert(key.to_string(), serde_json::json!(value.parse::<i64>().ok()?));
    }
    Some(set)
}

/// The header of the markdown table.
pub fn markdown_header() -> String {
    "| file | backend | set | runs | solved | impossible | rate | mean steps | median time | mean time |\n\
     |---|---|---|---|---|---|---|---|---|---|"
        .to_string()
}

/// One line of the markdown table, or one JSON object.
pub fn row_text(row: &Row, json: bool) -> String {
    if json {
        return serde_json::to_string(row).unwrap_or_default();
    }
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
    // A `|` in a file name would end the cell.
    format!(
        "| {} | {} | {} | {} | {} | {} | {:.0}% | {} | {} | {} |",
        row.file.replace('|', "\\|"),
        row.backend,
        row.set_text(),
        row.runs,
        row.solved,
        row.impossible,
        row.success_rate(),
        or_dash(row.mean_steps.map(|s| format!("{s:.1}"))),
        or_dash(row.median_seconds.map(duration_text)),
        or_dash(row.mean_seconds.map(duration_text))
    )
}

pub use tpt::result::duration_text;

/// The CSV columns, in order.
const COLUMNS: [&str; 10] = [
    "file",
    "backend",
    "set",
    "runs",
    "solved",
    "mean_steps",
    "median_seconds",
    "mean_seconds",
    "mean_seconds_all",
    "impossible",
];

/// A row as the CSV file holds it: the settings as text, a missing value as an empty field.
#[derive(Serialize, Deserialize)]
struct CsvRow {
    file: String,
    backend: String,
    set: String,
    runs: usize,
    solved: usize,
    #[serde(deserialize_with = "missing_or_number")]
    mean_steps: Option<f64>,
    #[serde(deserialize_with = "missing_or_number")]
    median_seconds: Option<f64>,
    #[serde(deserialize_with = "missing_or_number")]
    mean_seconds: Option<f64>,
    mean_seconds_all: f64,
    impossible: usize,
}

/// An empty field (or `-`, as files of earlier versions wrote) is a missing value.
fn missing_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let text = String::deserialize(deserializer)?;
    match text.trim() {
        "" | "-" => Ok(None),
        number => number.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Writes rows to a CSV file as they are measured, so that an interrupted sweep keeps them.
pub struct CsvWriter {
    writer: csv::Writer<std::fs::File>,
    path: String,
}

impl CsvWriter {
    pub fn create(path: &Path) -> Result<Self, Diagnostic> {
        let name = path.display().to_string();
        let file = super::output::create_streamed(path)?;
        let mut writer =
            CsvWriter { writer: csv::WriterBuilder::new().has_headers(false).from_writer(file), path: name };
        writer.write(COLUMNS)?;
        Ok(writer)
    }

    pub fn push(&mut self, row: &Row) -> Result<(), Diagnostic> {
        let record = CsvRow {
            file: row.file.clone(),
            backend: row.backend.clone(),
            set: row.set_text(),
            runs: row.runs,
            solved: row.solved,
            mean_steps: row.mean_steps,
            median_seconds: row.median_seconds,
            mean_seconds: row.mean_seconds,
            mean_seconds_all: row.mean_seconds_all,
            impossible: row.impossible,
        };
        self.write(record)
    }

    fn write(&mut self, record: impl Serialize) -> Result<(), Diagnostic> {
        let fail = |e: &dyn std::fmt::Display| Diagnostic::error(format!("cannot write `{}`: {e}", self.path));
        self.writer.serialize(record).map_err(|e| fail(&e))?;
        self.writer.flush().map_err(|e| fail(&io_reason(&e)))
    }
}

/// What a CSV file of `tpt bench` holds: rows (`--csv`) or runs (`--runs-csv`).
pub enum CsvFile {
    Rows(Vec<Row>),
    Runs(Vec<RunRecord>),
}

/// The rows or runs of a file that `--csv` or `--runs-csv` wrote, told apart by the header.
pub fn read_csv(path: &Path) -> Result<CsvFile, Diagnostic> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::error(format!("cannot read `{name}`: {}", io_reason(&e))))?;
    let not_a_row = |line: u64| {
        Diagnostic::error(format!("{name}: line {line} is not a row written by `tpt bench --csv`"))
            .with_help(format!("the columns are: {}", COLUMNS.join(",")))
            .with_help(format!("or, for the runs that `--runs-csv` writes: {}", RUN_COLUMNS.join(",")))
    };
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(str::to_string).collect(),
        Err(_) => return Err(not_a_row(1)),
    };
    if header.iter().eq(RUN_COLUMNS) {
        return read_runs(&name, &bytes).map(CsvFile::Runs);
    }
    if !header.iter().eq(COLUMNS) {
        return Err(not_a_row(1));
    }
    let mut rows = Vec::new();
    for (index, record) in reader.deserialize::<CsvRow>().enumerate() {
        let line = |e: &csv::Error| e.position().map_or(index as u64 + 2, |p| p.line());
        let record = record.map_err(|e| not_a_row(line(&e)))?;
        let line = index as u64 + 2;
        let set = parse_set(&record.set).ok_or_else(|| not_a_row(line))?;
        if record.solved + record.impossible > record.runs {
            return Err(not_a_row(line));
        }
        rows.push(Row {
            file: record.file,
            backend: record.backend,
            set,
            runs: record.runs,
            solved: record.solved,
            mean_steps: record.mean_steps,
            median_seconds: record.median_seconds,
            mean_seconds: record.mean_seconds,
            mean_seconds_all: record.mean_seconds_all,
            impossible: record.impossible,
        });
    }
    Ok(CsvFile::Rows(rows))
}

#[cfg(test)]
mod tests {
    use super::duration_text;

    #[test]
    fn durations_get_a_unit_that_fits() {
        let cases = [
            (0.0, "0.00 µs"),
            (4.2e-7, "0.42 µs"),
            (4.2e-5, "42.0 µs"),
            (4.2e-4, "420 µs"),
            (0.000_999_9, "1.00 ms"),
            (0.001_234, "1.23 ms"),
            (0.0123, "12.3 ms"),
            (0.123, "123 ms"),
            (0.999_96, "1.00 s"),
            (12.34, "12.3 s"),
            (300.0, "300 s"),
        ];
        for (seconds, text) in cases {
            assert_eq!(duration_text(seconds), text, "{seconds}");
        }
    }
}
