//! `tpt bench --shard I/N` and `--runs-csv`: a sweep's runs -> the I-th of N disjoint slices,
//! one CSV line per run; and the lines of several such files -> the sweep's rows again, each
//! cell's runs put back together (for `--from-csv`).
//!
//! A sweep is the cells file x setting x back end (in that order of nesting, numbered from 0)
//! times the runs of each cell; run `r` of a cell always has the seed `restart_seed(seed, r)`.
//! Run `r` of cell `c` is the sweep's run number `c * runs + r`, and shard `I` of `N` takes the
//! runs whose number is `I - 1` modulo `N`: the shards are disjoint, their union is the whole
//! sweep, and the runs of a heavy cell are spread over every shard. Rows are merged from the
//! runs themselves (not from partial means), so a merged row equals the unsharded sweep's row,
//! median included.

use std::collections::HashMap;

use tpt::diagnostics::{plural, Diagnostic};

use super::runs::RunRecord;
use super::table::Row;

/// The slice of a sweep that one invocation runs: shard `index + 1` of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole sweep.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// The runs of cell `cell` (of `runs` runs each) that belong to this shard.
    pub fn runs(&self, cell: usize, runs: usize) -> Vec<usize> {
        (0..runs).filter(|run| (cell * runs + run) % self.count == self.index).collect()
    }
}

/// `--shard I/N` with `1 <= I <= N`.
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let expected = || format!("expected I/N with 1 <= I <= N (the I-th of N shards), found `{text}`");
    let (index, count) = text.split_once('/').ok_or_else(expected)?;
    let index: usize = index.trim().parse().map_err(|_| expected())?;
    let count: usize = count.trim().parse().map_err(|_| expected())?;
    if index == 0 || index > count {
        return Err(expected());
    }
    Ok(Shard { index: index - 1, count })
}

/// What the runs of several files merge into.
pub struct Merged {
    /// One row per cell, in the sweep's order.
    pub rows: Vec<Row>,
    /// Every run, cell by cell, each cell's in the order of their index.
    pub runs: Vec<RunRecord>,
    /// About cells with fewer runs than their sweep asked for.
    pub warnings: Vec<Diagnostic>,
}

/// `file backend K=4`, the words that name a cell in messages.
fn cell_name(file: &str, backend: &str, set: &str) -> String {
    [file, backend, set].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// The rows of the runs read from several files (`(file name, records)`), one per cell: the
/// runs of a cell are gathered from every file, the rows come in the order of the sweep, and
/// the runs of a row in the order of their index. A run that two files both hold (the same
/// cell, index and seed) is an error: the files overlap. Cells with fewer runs than their
/// sweep gave them get a warning (a shard's file may be missing).
pub fn merge_runs(files: Vec<(String, Vec<RunRecord>)>) -> Result<Merged, Diagnostic> {
    // Cells by key, in order of first appearance; each with its runs and where each came from.
    let mut order: Vec<(String, String, String)> = Vec::new();
    let mut cells: HashMap<(String, String, String), Vec<(RunRecord, usize)>> = HashMap::new();
    for (file_index, (_, records)) in files.iter().enumerate() {
        for record in records {
            let key = (record.file.clone(), record.backend.clone(), record.set.clone());
            let runs = cells.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                Vec::new()
            });
            if let Some((_, first)) = runs.iter().find(|(r, _)| r.run == record.run && r.seed == record.seed) {
                let (file, backend, set) = record.cell_key();
                let cell = cell_name(file, backend, set);
                let (a, b) = (&files[*first].0, &files[file_index].0);
                let place =
                    if a == b { format!("in `{a}`, which is given twice") } else { format!("in both `{a}` and `{b}`") };
                return Err(Diagnostic::error(format!(
                    "run {} of {cell} (seed {}) is {place}",
                    record.run, record.seed
                ))
                .with_help("shards of one sweep are disjoint: give each shard's file once"));
            }
            runs.push((record.clone(), file_index));
        }
    }
    // The sweep's order: by the cell's position, then by first appearance (files of different
    // sweeps may both have a cell 0).
    let mut keyed: Vec<(usize, usize, (String, String, String))> = order
        .into_iter()
        .enumerate()
        .map(|(seen, key)| (cells[&key].iter().map(|(r, _)| r.cell).min().unwrap_or(0), seen, key))
        .collect();
    keyed.sort();
    let mut rows = Vec::new();
    let mut merged = Vec::new();
    let mut warnings = Vec::new();
    for (_, _, key) in keyed {
        let mut runs: Vec<RunRecord> = cells.remove(&key).unwrap_or_default().into_iter().map(|(r, _)| r).collect();
        runs.sort_by_key(|r| (r.run, r.seed));
        let mut indices: Vec<usize> = runs.iter().map(|r| r.run).collect();
        indices.dedup();
        let asked = runs.iter().map(|r| r.runs).max().unwrap_or(0);
        if indices.len() < asked {
            let cell = cell_name(&key.0, &key.1, &key.2);
            warnings.push(
                Diagnostic::warning(format!(
                    "{cell}: {} of the {} the sweep asked for",
                    indices.len(),
                    plural(asked, "run")
                ))
                .with_help("a shard's file may be missing, or a shard was interrupted"),
            );
        }
        rows.push(Row::from_runs(&runs));
        merged.extend(runs);
    }
    Ok(Merged { rows, runs: merged, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_disjoint_and_cover_the_sweep() {
        for count in 1..=7 {
            for (cells, runs) in [(1, 1), (3, 10), (5, 2), (4, 7)] {
                let mut seen = vec![0; cells * runs];
                for index in 0..count {
                    let shard = Shard { index, count };
                    for cell in 0..cells {
                        for run in shard.runs(cell, runs) {
                            seen[cell * runs + run] += 1;
                        }
                    }
                }
                assert!(seen.iter().all(|&n| n == 1), "{count} shards of {cells} x {runs}: {seen:?}");
            }
        }
        assert_eq!(Shard::WHOLE.runs(3, 4), [0, 1, 2, 3]);
    }

    #[test]
    fn shard_arguments_are_one_based() {
        assert_eq!(parse_shard("1/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(parse_shard("4/4"), Ok(Shard { index: 3, count: 4 }));
        for bad in ["0/4", "5/4", "1", "a/b", "1/0", "-1/3"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
