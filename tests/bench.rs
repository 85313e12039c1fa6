//! `tpt bench` and `synth --trace`: the documented keys and counts, and well-formed trace
//! files.

mod cli;

use cli::{scratch_in, text, tpt_as_given as tpt};

use std::path::{Path, PathBuf};
use std::process::Output;

fn scratch(name: &str) -> PathBuf {
    scratch_in("bench", name)
}

#[test]
fn bench_json_rows_have_the_documented_keys_and_counts() {
    let csv = scratch("rows.csv");
    let plot = scratch("rows.svg");
    let (csv_arg, plot_arg) = (csv.to_string_lossy().into_owned(), plot.to_string_lossy().into_owned());
    let result = tpt(&[
        "bench",
        "programs/parity_chain.tpt",
        "--backends",
        "gradsearch,bop",
        "--runs",
        "3",
        "--set",
        "K=4,8",
        "--json",
        "--csv",
        &csv_arg,
        "--plot",
        &plot_arg,
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let rows: Vec<serde_json::Value> =
        text(&result.stdout).lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    assert_eq!(rows.len(), 4, "2 back ends x 2 settings");
    for row in &rows {
        for key in ["file", "backend", "set", "runs", "solved", "mean_steps", "median_seconds", "mean_seconds"] {
            assert!(row.get(key).is_some(), "missing {key}: {row}");
        }
        assert_eq!(row["runs"], 3);
        assert!(row["solved"].as_u64().is_some_and(|s| s <= 3));
        assert!(row["set"]["K"].is_number());
    }
    let backends: Vec<&str> = rows.iter().filter_map(|r| r["backend"].as_str()).collect();
    assert_eq!(backends, ["gradsearch", "bop", "gradsearch", "bop"]);
    let csv_text = std::fs::read_to_string(&csv).expect("csv written");
    assert_eq!(csv_text.lines().count(), 5, "a header and a row each:\n{csv_text}");
    assert!(csv_text.starts_with("file,backend,set,runs,solved,"));
    let svg = std::fs::read_to_string(&plot).expect("plot written");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));

    // The CSV reads back into the same rows (to draw the plot again without rerunning).
    let replot = scratch("replot.svg");
    let again = tpt(&["bench", "--from-csv", &csv_arg, "--json", "--plot", &replot.to_string_lossy()]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    let reread: Vec<serde_json::Value> =
        text(&again.stdout).lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    assert_eq!(reread.len(), rows.len());
    for (first, second) in rows.iter().zip(&reread) {
        for key in ["file", "backend", "set", "runs", "solved"] {
            assert_eq!(first[key], second[key], "{key}");
        }
    }
    assert!(std::fs::read_to_string(&replot).expect("replot written").starts_with("<svg"));
}

#[test]
fn bench_from_csv_rejects_a_file_it_did_not_write() {
    let header = "file,backend,set,runs,solved,mean_steps,median_seconds,mean_seconds,mean_seconds_all,impossible";
    for (contents, line) in [
        ("file,backend\nnot,a,row\n".to_string(), 1),
        (format!("{header}\nnot,a,row\n"), 2),
        (format!("{header}\nf.tpt,sat,,3,1,1,0.1,0.1,0.1,0\nf.tpt,sat,K=x,3,1,1,0.1,0.1,0.1,0\n"), 3),
        (format!("{header}\nf.tpt,sat,,3,4,1,0.1,0.1,0.1,0\n"), 2),
    ] {
        let broken = scratch("broken.csv");
        std::fs::write(&broken, &contents).expect("write");
        let result = tpt(&["bench", "--from-csv", &broken.to_string_lossy()]);
        assert_eq!(result.status.code(), Some(2), "{contents}");
        let stderr = text(&result.stderr);
        assert!(
            stderr.contains(&format!("line {line} is not a row written by `tpt bench --csv`")),
            "{contents}: {stderr}"
        );
        assert!(text(&result.stdout).is_empty(), "nothing printed before the error");
    }
    let missing = tpt(&["bench", "--from-csv", "no/such/rows.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read `no/such/rows.csv`"), "{}", text(&missing.stderr));
}

#[test]
fn bench_markdown_table_by_default() {
    // Without a swept constant the plot has one point per file.
    let plot = scratch("files.svg");
    let result = tpt(&[
        "bench",
        "programs/circuit_nand.tpt",
        "programs/parity_chain.tpt",
        "--backends",
        "gradsearch-plus",
        "--runs",
        "2",
        "--plot",
        &plot.to_string_lossy(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    assert!(stdout.starts_with("| file | backend | set | runs | solved | impossible | rate |"), "{stdout}");
    assert!(stdout.contains("| programs/circuit_nand.tpt | gradsearch-plus |  | 2 | 2 | 0 | 100% |"), "{stdout}");
    let svg = std::fs::read_to_string(&plot).expect("plot written");
    assert!(svg.contains("circuit_nand") && svg.contains("parity_chain"), "files on the x axis");
}

#[test]
fn traces_are_written_as_svg_and_csv() {
    let svg = scratch("trace.svg");
    let csv = scratch("trace.csv");
    for path in [&svg, &csv] {
        let arg = path.to_string_lossy().into_owned();
        let result = tpt(&[
            "synth",
            "programs/parity_chain.tpt",
            "--set",
            "K=16",
            "--seed",
            "2",
            "--backend",
            "gradsearch-ra",
            "--trace",
            &arg,
            "--json",
        ]);
        assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    }
    let svg_text = std::fs::read_to_string(&svg).expect("svg trace");
    assert!(svg_text.starts_with("<svg") && svg_text.contains("p[14]") && svg_text.trim_end().ends_with("</svg>"));
    let csv_text = std::fs::read_to_string(&csv).expect("csv trace");
    let mut lines = csv_text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header[..3], ["step", "loss", "violations"]);
    assert_eq!(header.len(), 3 + 15, "one column per param");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert_eq!(rows.last().map(|r| r[2]), Some("0"), "the last step is the solution");
    for row in &rows {
        let loss: f64 = row[1].parse().expect("a number");
        assert!(loss >= 0.0 && !row[1].starts_with('-'), "a loss is never negative: {row:?}");
    }
    assert_eq!(rows.last().map(|r| r[1]), Some("0"), "a solution costs exactly 0");
}

#[test]
fn bench_refuses_unwritable_outputs_before_the_sweep() {
    for (flag, name) in [("--plot", "rows.svg"), ("--csv", "rows.csv")] {
        let result = tpt(&[
            "bench",
            "programs/circuit_2bit_adder_16.tpt",
            "--backends",
            "fmgd",
            "--runs",
            "100",
            "--max-steps",
            "100000000",
            flag,
            &format!("no/such/directory/{name}"),
        ]);
        assert_eq!(result.status.code(), Some(2), "{flag}");
        let stderr = text(&result.stderr);
        assert!(stderr.contains("the directory `no/such/directory` does not exist"), "{flag}: {stderr}");
        assert!(text(&result.stdout).is_empty(), "{flag}: no rows were run");
    }
}

/// A sweep that would take minutes if it started: the errors below must come first.
fn long_sweep<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "bench",
        "programs/circuit_2bit_adder_16.tpt",
        "--backends",
        "fmgd",
        "--runs",
        "100",
        "--max-steps",
        "100000000",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn bench_output_paths_need_the_extension_of_their_format() {
    let dir = scratch("a_directory.svg");
    std::fs::create_dir_all(&dir).expect("directory");
    let dir = dir.to_string_lossy().into_owned();
    let cases = [
        (vec!["--plot", "rows.png"], "`--plot rows.png`: `--plot` does not write `.png` files"),
        (vec!["--plot", "rows"], "`--plot rows`: the file name has no extension"),
        (vec!["--csv", "rows.svg"], "`--csv rows.svg`: `--csv` does not write `.svg` files"),
        (vec!["--plot", dir.as_str()], "is a directory"),
    ];
    for (extra, message) in cases {
        let result = tpt(&long_sweep(&extra));
        assert_eq!(result.status.code(), Some(2), "{extra:?}");
        let stderr = text(&result.stderr);
        assert!(stderr.contains(message), "{extra:?}: {stderr}");
        assert!(text(&result.stdout).is_empty(), "{extra:?}: no rows were run");
    }
    // The same holds when the rows come from a CSV file.
    let result = tpt(&["bench", "--from-csv", "tests/bench/sweep.csv", "--plot", "rows.pdf"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("`--plot` does not write `.pdf` files"));
}

#[test]
fn bench_backend_and_backends_do_not_combine() {
    let result = tpt(&long_sweep(&["--backend", "sat"]));
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("cannot be used with") && stderr.contains("'--backend <BACKEND>'"), "{stderr}");
    // `--backend` names one back end; a list is a mistake that points at `--backends`.
    let result = tpt(&["bench", "programs/circuit_nand.tpt", "--backend", "sat,bop", "--runs", "1"]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("`--backends sat,bop`"), "{stderr}");
    // One back end with `--backend` is measured alone.
    let result = tpt(&["bench", "programs/circuit_nand.tpt", "--backend", "sat", "--runs", "1", "--json"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let rows: Vec<serde_json::Value> =
        text(&result.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["backend"], "sat");
}

#[test]
fn bench_set_twice_for_one_constant_is_an_error() {
    let result = tpt(&long_sweep(&["--set", "G=2", "--set", "G=3"]));
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("`--set G=..` is given twice"), "{stderr}");
    assert!(stderr.contains("`--set G=V1,V2,..`"), "{stderr}");
    assert!(text(&result.stdout).is_empty());
}

/// Every file is compiled under every setting, and its search made ready with every back
/// end, before the first run: a mistake in the last cell stops the sweep before the first
/// row, each mistake is reported once and points into its own file.
#[test]
fn bench_checks_every_file_under_every_setting_before_the_sweep() {
    let broken = scratch("out_of_domain.tpt");
    std::fs::write(&broken, "const W = 2;\ninput x: 2;\noutput y: 2;\ny = x + W;\nexample { x = 1; y = 1; }\n")
        .expect("write");
    let broken = broken.to_string_lossy().into_owned();
    let cases: Vec<(Vec<&str>, Vec<String>)> = vec![
        // The second file has no constant `W`: said once, for both settings, naming the file.
        (
            vec!["programs/circuit_nand.tpt", "programs/parity_chain.tpt", "--set", "W=2,3"],
            vec!["error: programs/parity_chain.tpt: `--set W=..` names no constant of this program\n".to_string()],
        ),
        // The second file does not compile: the message points into it, not into the first.
        (vec!["programs/circuit_nand.tpt", &broken], vec![format!("{broken}:4:5")]),
        // Only the last setting does not compile.
        (vec![&broken, "--set", "W=0,5"], vec!["5 when `x` = 0".to_string()]),
        // A back end refuses the second file.
        (
            vec!["programs/circuit_nand.tpt", "programs/hybrid_shapes.tpt", "--backends", "fmgd,sat"],
            vec!["the exact back end `sat` works on finite domains".to_string()],
        ),
    ];
    for (args, expected) in cases {
        let result = tpt(&[&["bench"], &args[..], &["--runs", "1", "--color", "never"]].concat());
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&result.stdout), "", "{args:?}: nothing ran");
        let stderr = text(&result.stderr);
        for part in &expected {
            assert!(stderr.contains(part.as_str()), "{args:?}: {stderr}");
        }
        assert_eq!(stderr.matches("error:").count(), 1, "{args:?}: {stderr}");
    }
    let result = tpt(&["bench", "programs/circuit_nand.tpt", "--runs", "0"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("a row needs at least one run"), "{}", text(&result.stderr));
    assert_eq!(text(&result.stdout), "");
}

#[test]
fn bench_reports_proven_impossible_runs_in_their_own_column() {
    let result = tpt(&["bench", "tests/bench/impossible.tpt", "--backends", "sat,exhaustive", "--runs", "2"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    assert!(stdout.contains("| tests/bench/impossible.tpt | sat |  | 2 | 0 | 2 | 0% | - | - | - |"), "{stdout}");
    assert!(stdout.contains("| tests/bench/impossible.tpt | exhaustive |  | 2 | 0 | 2 | 0% | - | - | - |"), "{stdout}");
}

#[test]
fn bench_table_gives_times_in_units_that_fit() {
    // Fixed rows, so that the table is the same on every machine.
    let result =
        tpt(&["bench", "--from-csv", "tests/bench/sweep.csv", "--from-csv", "tests/bench/files_old_format.csv"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    insta::assert_snapshot!("bench_table_from_csv", stdout);
    assert!(!stdout.contains("0.000"), "no time reads 0.000: {stdout}");
}

#[test]
fn a_file_name_with_a_comma_survives_the_csv_round_trip() {
    let program = scratch("nand, copy \"one\".tpt");
    std::fs::copy("programs/circuit_nand.tpt", &program).expect("copy");
    let program = program.to_string_lossy().into_owned();
    let csv = scratch("comma rows.csv");
    let csv = csv.to_string_lossy().into_owned();
    let result = tpt(&[
        "bench",
        &program,
        "--backends",
        "sat,gradsearch-la",
        "--runs",
        "2",
        "--set",
        "W=2",
        "--csv",
        &csv,
        "--json",
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let again = tpt(&["bench", "--from-csv", &csv, "--json"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    let rows = |output: &Output| -> Vec<serde_json::Value> {
        text(&output.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect()
    };
    let (first, second) = (rows(&result), rows(&again));
    assert_eq!(first.len(), 2);
    // Every field, times included, reads back as written.
    assert_eq!(first, second);
    assert_eq!(second[0]["file"], program.as_str());
    // Rows read back can be written again, to combine sweeps in one file.
    let combined = scratch("combined.csv");
    let combined_arg = combined.to_string_lossy().into_owned();
    let result = tpt(&["bench", "--from-csv", &csv, "--from-csv", &csv, "--csv", &combined_arg, "--json"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let written = std::fs::read_to_string(&combined).expect("combined written");
    assert_eq!(written.lines().count(), 5, "a header and 2 x 2 rows:\n{written}");
}

/// The records of a `--runs-csv` file without their times (which differ from run to run).
fn runs_without_times(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("runs written");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(header.iter().next_back(), Some("seconds"), "{text}");
    reader
        .records()
        .map(|record| {
            let record = record.expect("a record");
            record.iter().take(header.len() - 1).collect::<Vec<_>>().join(",")
        })
        .collect()
}

/// JSON rows without their times.
fn rows_without_times(output: &Output) -> Vec<serde_json::Value> {
    text(&output.stdout)
        .lines()
        .map(|line| {
            let mut row: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
            let object = row.as_object_mut().expect("an object");
            object.retain(|key, _| !key.contains("seconds"));
            row
        })
        .collect()
}

#[test]
fn shards_merged_equal_the_whole_sweep_row_for_row() {
    // Two files, two back ends, two settings; 3 runs per cell, so that with 5 shards some
    // cells have no run in some shards; a small step budget, so that some runs fail.
    let copy = scratch("chain copy.tpt");
    std::fs::copy("programs/parity_chain.tpt", &copy).expect("copy");
    let copy = copy.to_string_lossy().into_owned();
    let sweep = |extra: &[&str]| {
        let mut args = vec![
            "bench",
            "programs/parity_chain.tpt",
            &copy,
            "--backends",
            "gradsearch,bop",
            "--runs",
            "3",
            "--set",
            "K=6,10",
            "--seed",
            "7",
            "--max-steps",
            "40",
            "--json",
        ];
        args.extend_from_slice(extra);
        tpt(&args)
    };
    let whole_csv = scratch("whole_runs.csv");
    let whole = sweep(&["--runs-csv", &whole_csv.to_string_lossy()]);
    assert_eq!(whole.status.code(), Some(0), "{}", text(&whole.stderr));
    let whole_runs = runs_without_times(&whole_csv);
    assert_eq!(whole_runs.len(), 2 * 2 * 2 * 3, "every run of the sweep");
    for shards in [2, 5] {
        let mut files = Vec::new();
        for index in 1..=shards {
            let file = scratch(&format!("shard-{index}-of-{shards}.csv"));
            let shard = format!("{index}/{shards}");
            let result = sweep(&["--shard", &shard, "--runs-csv", &file.to_string_lossy()]);
            assert_eq!(result.status.code(), Some(0), "{shard}: {}", text(&result.stderr));
            files.push(file.to_string_lossy().into_owned());
        }
        // Every run is in exactly one shard.
        let mut union: Vec<String> = files.iter().flat_map(|f| runs_without_times(Path::new(f))).collect();
        assert_eq!(union.len(), whole_runs.len(), "{shards} shards");
        union.sort();
        let mut sorted = whole_runs.clone();
        sorted.sort();
        assert_eq!(union, sorted, "{shards} shards hold the sweep's runs, seeds included");
        // Merged (files given in reverse order), the rows and runs are the sweep's, in its order.
        let merged_csv = scratch(&format!("merged-{shards}.csv"));
        let mut args = vec!["bench", "--json", "--from-csv"];
        args.extend(files.iter().rev().map(String::as_str));
        let merged_arg = merged_csv.to_string_lossy().into_owned();
        args.extend(["--runs-csv", &merged_arg]);
        let merged = tpt(&args);
        assert_eq!(merged.status.code(), Some(0), "{}", text(&merged.stderr));
        assert!(text(&merged.stderr).is_empty(), "no warning: {}", text(&merged.stderr));
        assert_eq!(rows_without_times(&merged), rows_without_times(&whole), "{shards} shards");
        assert_eq!(runs_without_times(&merged_csv), whole_runs, "{shards} shards, run for run");
    }
}

#[test]
fn merging_shards_refuses_overlaps_and_warns_about_missing_runs() {
    let shard = |index: usize, name: &str| {
        let file = scratch(name);
        let arg = file.to_string_lossy().into_owned();
        let spec = format!("{index}/2");
        let result = tpt(&[
            "bench",
            "programs/circuit_nand.tpt",
            "--backends",
            "gradsearch-la",
            "--runs",
            "4",
            "--shard",
            &spec,
            "--runs-csv",
            &arg,
        ]);
        assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
        arg
    };
    let (first, second) = (shard(1, "overlap-1.csv"), shard(2, "overlap-2.csv"));
    // The same file twice: every run of it twice.
    let result = tpt(&["bench", "--from-csv", &first, &second, &first]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("run 0 of programs/circuit_nand.tpt gradsearch-la (seed"), "{stderr}");
    assert!(stderr.contains(&format!("is in `{first}`, which is given twice")), "{stderr}");
    assert!(text(&result.stdout).is_empty());
    // One shard alone: its rows, with a warning that runs are missing.
    let result = tpt(&["bench", "--from-csv", &first, "--json"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("warning: programs/circuit_nand.tpt gradsearch-la: 2 of the 4 runs the sweep asked for"),
        "{stderr}"
    );
    assert_eq!(rows_without_times(&result)[0]["runs"], 2);
    // Rows and runs do not mix, and rows have no runs to write.
    let rows = scratch("rows-for-mixing.csv");
    let rows_arg = rows.to_string_lossy().into_owned();
    let result = tpt(&["bench", "--from-csv", &first, &second, "--csv", &rows_arg]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let mixed = tpt(&["bench", "--from-csv", &rows_arg, &first]);
    assert_eq!(mixed.status.code(), Some(2));
    assert!(
        text(&mixed.stderr).contains("mix rows (of `--csv`) and runs (of `--runs-csv`)"),
        "{}",
        text(&mixed.stderr)
    );
    let runs_out = scratch("no-runs.csv");
    let result = tpt(&["bench", "--from-csv", &rows_arg, "--runs-csv", &runs_out.to_string_lossy()]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("`--runs-csv` needs runs to write"), "{}", text(&result.stderr));
}

#[test]
fn shard_arguments_are_checked() {
    for (args, message) in [
        (vec!["--shard", "0/3", "--runs-csv", "r.csv"], "expected I/N with 1 <= I <= N"),
        (vec!["--shard", "4/3", "--runs-csv", "r.csv"], "expected I/N with 1 <= I <= N"),
        (vec!["--shard", "1/3"], "--runs-csv <FILE.csv>"),
        (vec!["--runs-csv", "runs.svg"], "`--runs-csv runs.svg`: `--runs-csv` does not write `.svg` files"),
    ] {
        let result = tpt(&long_sweep(&args));
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        let stderr = text(&result.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(text(&result.stdout).is_empty(), "{args:?}: nothing ran");
    }
    // A broken runs file is refused with its line.
    let header = "file,backend,set,cell,run,runs,seed,status,steps,seconds";
    for (contents, line) in [
        (format!("{header}\nf.tpt,sat,,0,0,2,1,found,1,0.1\nf.tpt,sat,,0,1,2,1,lost,1,0.1\n"), 3),
        (format!("{header}\nf.tpt,sat,,0,2,2,1,found,1,0.1\n"), 2),
        (format!("{header}\nf.tpt,sat,K=x,0,0,2,1,found,1,0.1\n"), 2),
    ] {
        let broken = scratch("broken-runs.csv");
        std::fs::write(&broken, &contents).expect("write");
        let result = tpt(&["bench", "--from-csv", &broken.to_string_lossy()]);
        assert_eq!(result.status.code(), Some(2), "{contents}");
        let stderr = text(&result.stderr);
        assert!(stderr.contains(&format!("line {line} is not a run written by `tpt bench --runs-csv`")), "{stderr}");
    }
}

#[test]
fn the_cluster_recipes_use_flags_that_bench_has() {
    let help = text(&tpt(&["bench", "--help"]).stdout);
    let mut checked = 0;
    for doc in ["docs/cluster.md", "docs/sweep.sbatch"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
        let contents = std::fs::read_to_string(path).expect("readable").replace("\\\n", " ");
        for line in contents.lines().filter(|l| l.contains("tpt bench ")) {
            let command = &line[line.find("tpt bench ").expect("found")..];
            for flag in command.split_whitespace().filter(|w| w.starts_with("--")) {
                let flag = flag.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
                assert!(help.contains(&format!("{flag} ")), "{doc}: `{flag}` is not a flag of bench: {line}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "the recipes were read ({checked} flags)");
}

#[test]
fn bench_rows_say_when_the_search_was_counterexample_guided() {
    let backend_of = |extra: &[&str]| {
        let mut args =
            vec!["bench", "programs/circuit_nand.tpt", "--backend", "gradsearch-la", "--runs", "2", "--json"];
        args.extend_from_slice(extra);
        let result = tpt(&args);
        assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
        let row: serde_json::Value = serde_json::from_str(text(&result.stdout).trim()).expect("one JSON row");
        row["backend"].as_str().expect("a backend").to_string()
    };
    assert_eq!(backend_of(&[]), "gradsearch-la");
    assert_eq!(backend_of(&["--cegis"]), "gradsearch-la --cegis");
    assert_eq!(backend_of(&["--cegis=first"]), "gradsearch-la --cegis=first");
}
