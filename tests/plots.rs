//! The SVG plots of `tpt bench --plot` and `tpt synth --trace`: their structure (titles,
//! axis labels, elements) as snapshots, and the properties a reader relies on, checked
//! directly: integer axes read as integers, nothing is drawn past the edge, categories are
//! not joined by lines, every param of a trace is named.

mod cli;

use cli::{scratch_in, text, tpt_as_given as tpt};

use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    scratch_in("plots", name)
}

/// One element of an SVG: its tag, its attributes and (for `text` and `title`) its text.
struct Element {
    tag: String,
    attributes: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<f64> {
        self.attributes.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.parse().ok())
    }

    fn points(&self) -> Vec<(f64, f64)> {
        let points = self.attributes.iter().find(|(k, _)| k == "points").map_or("", |(_, v)| v.as_str());
        points
            .split_whitespace()
            .filter_map(|pair| pair.split_once(',').and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?))))
            .collect()
    }
}

/// The elements of an SVG in document order (plotters writes one simple element per tag).
fn elements(svg: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with('/') {
            continue;
        }
        let end = rest.find('>').expect("a closed tag");
        let inside = rest[..end].trim_end_matches('/');
        let (tag, mut attributes_text) = inside.split_once(' ').unwrap_or((inside, ""));
        let mut attributes = Vec::new();
        while let Some((name, value)) = attributes_text.split_once("=\"") {
            let (value, after) = value.split_once('"').expect("a quoted value");
            attributes.push((name.trim().to_string(), value.to_string()));
            attributes_text = after;
        }
        let body = &rest[end + 1..];
        let text = if tag == "text" || tag == "title" { body[..body.find('<').unwrap_or(0)].trim() } else { "" };
        out.push(Element { tag: tag.to_string(), attributes, text: text.replace("&amp;", "&") });
        rest = body;
    }
    out
}

/// The structure of an SVG without its coordinates: one line per text (with its text) and
/// one per run of other elements of one kind, with a count.
fn outline(svg: &str) -> String {
    let mut lines: Vec<(String, usize)> = Vec::new();
    for element in elements(svg) {
        let line =
            if element.text.is_empty() { element.tag.clone() } else { format!("{} {:?}", element.tag, element.text) };
        match lines.last_mut() {
            Some((last, count)) if *last == line && element.text.is_empty() => *count += 1,
            _ => lines.push((line, 1)),
        }
    }
    lines
        .iter()
        .map(|(line, count)| if *count > 1 { format!("{line} x{count}\n") } else { format!("{line}\n") })
        .collect()
}

fn svg_width(svg: &str) -> f64 {
    elements(svg)[0].attribute("width").expect("the svg has a width")
}

/// Every text lies inside the canvas (an estimate: 0.6 em per character).
fn assert_no_text_past_the_edge(svg: &str) {
    let width = svg_width(svg);
    let height = elements(svg)[0].attribute("height").expect("the svg has a height");
    for element in elements(svg).iter().filter(|e| e.tag == "text") {
        let size = element.attribute("font-size").expect("font-size");
        let half = 0.3 * size * element.text.chars().count() as f64;
        // The axis descriptions at the left are turned a quarter: they run along y.
        if element.attributes.iter().any(|(k, _)| k == "transform") {
            let (x, y) = (element.attribute("x").expect("x"), element.attribute("y").expect("y"));
            assert!(
                x >= 0.0 && x + size <= width && y - half >= 0.0 && y + half <= height,
                "{:?} reaches past the edge",
                element.text
            );
            continue;
        }
        let x = element.attribute("x").expect("x");
        let anchor = element.attributes.iter().find(|(k, _)| k == "text-anchor").map_or("start", |(_, v)| v.as_str());
        let (left, right) = match anchor {
            "middle" => (x - half, x + half),
            "end" => (x - 2.0 * half, x),
            _ => (x, x + 2.0 * half),
        };
        assert!(
            left >= 0.0 && right <= width,
            "{:?} reaches past the edge: {left:.0}..{right:.0} of {width}",
            element.text
        );
    }
}

fn texts(svg: &str) -> Vec<String> {
    elements(svg).into_iter().filter(|e| e.tag == "text").map(|e| e.text).collect()
}

fn bench_plot(csv: &str, name: &str) -> String {
    let plot = scratch(name);
    let result = tpt(&["bench", "--from-csv", csv, "--json", "--plot", &plot.to_string_lossy()]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    std::fs::read_to_string(&plot).expect("plot written")
}

#[test]
fn a_sweep_plot_has_integer_ticks_on_a_log_axis_markers_and_a_title() {
    let svg = bench_plot("tests/bench/sweep.csv", "sweep.svg");
    insta::assert_snapshot!("sweep_plot_outline", outline(&svg));
    let texts = texts(&svg);
    // K doubles from 4 to 256: one tick per value, evenly spaced, read as integers.
    for k in ["4", "8", "16", "32", "64", "128", "256"] {
        assert_eq!(texts.iter().filter(|t| *t == k).count(), 2, "K = {k} under both charts: {texts:?}");
    }
    assert!(texts.iter().any(|t| t == "K (log scale)"));
    let x_ticks: Vec<f64> = elements(&svg)
        .iter()
        .filter(|e| e.tag == "text" && ["4", "8", "16", "32"].contains(&e.text.as_str()))
        .take(4)
        .map(|e| e.attribute("x").expect("x"))
        .collect();
    let gaps: Vec<f64> = x_ticks.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().all(|g| (g - gaps[0]).abs() <= 1.0), "evenly spaced: {x_ticks:?}");
    assert!(!texts.iter().any(|t| t.ends_with(".0")), "no 4.0 or 100.0 on an integer axis: {texts:?}");
    assert!(texts.iter().any(|t| t == "1,000"), "steps read as counts: {texts:?}");
    assert!(texts.iter().any(|t| t == "parity_chain.tpt"), "the title names the file: {texts:?}");
    assert!(texts.iter().any(|t| t == "back ends: ste, bop, gradsearch-ra; 20 runs per point"), "{texts:?}");
    assert!(svg.contains("<title>success rate and steps against K · parity_chain.tpt · back ends:"));
    assert_no_text_past_the_edge(&svg);
    // A marker on every point (7 settings x 3 back ends in the rate chart), so that lines on
    // top of each other (three back ends at 100%) stay visible.
    let markers = elements(&svg).iter().filter(|e| e.tag == "polyline" && e.points().len() <= 17).count();
    let steps_points = 7 * 3 - 2; // ste solved nothing at K = 128 and 256
    assert!(markers >= 7 * 3 + steps_points, "{markers} markers");
}

#[test]
fn a_plot_per_file_joins_no_files_with_a_line() {
    // Written by an earlier version: `-` for a missing value, times rounded to 0.1 ms.
    let svg = bench_plot("tests/bench/files_old_format.csv", "files.svg");
    insta::assert_snapshot!("files_plot_outline", outline(&svg));
    let texts = texts(&svg);
    for stem in ["circuit_nand", "circuit_swap", "circuit_adder"] {
        assert_eq!(texts.iter().filter(|t| *t == stem).count(), 2, "{stem} under both charts");
    }
    assert!(texts.iter().any(|t| t == "circuit_nand.tpt, circuit_swap.tpt, circuit_adder.tpt"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "back ends: fmgd, gradsearch-la, sat; 10 to 100 runs per point"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "100 µs") && texts.iter().any(|t| t == "100 ms"), "times with units: {texts:?}");
    assert_no_text_past_the_edge(&svg);
    // The chart area is about 880 pixels wide for three files: a line from one file to the
    // next would be well over 200 pixels long.
    let black_axis = |e: &&Element| e.attributes.iter().any(|(k, v)| k == "stroke" && v == "#000000");
    for line in elements(&svg).iter().filter(|e| e.tag == "polyline").filter(|e| !black_axis(e)) {
        let xs: Vec<f64> = line.points().iter().map(|p| p.0).collect();
        let span = xs.iter().cloned().fold(f64::MIN, f64::max) - xs.iter().cloned().fold(f64::MAX, f64::min);
        assert!(span < 150.0, "a line joins categories: {:?}", line.points());
    }
}

#[test]
fn a_trace_plot_names_the_run_and_every_param() {
    let path = scratch("trace.svg");
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
        &path.to_string_lossy(),
        "--json",
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let svg = std::fs::read_to_string(&path).expect("trace written");
    insta::assert_snapshot!("trace_plot_outline", outline(&svg));
    let texts = texts(&svg);
    assert!(texts.iter().any(|t| t == "parity_chain.tpt (K=16) with gradsearch-ra, seed 2"), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("found in ") && t.ends_with(" steps")), "{texts:?}");
    let titles: Vec<String> = elements(&svg).into_iter().filter(|e| e.tag == "title").map(|e| e.text).collect();
    for param in 0..15 {
        let name = format!("p[{param}]");
        assert!(texts.contains(&name), "{name} labelled on the axis");
        assert!(titles.iter().any(|t| t.starts_with(&format!("{name} (last value"))), "{name} on hover");
    }
    assert!(!texts.iter().any(|t| t.ends_with(".0")), "steps and losses as integers here: {texts:?}");
    assert_no_text_past_the_edge(&svg);
}

#[test]
fn a_long_trace_names_every_kth_param_and_the_rest_on_hover() {
    let path = scratch("trace_k256.svg");
    let result = tpt(&[
        "synth",
        "programs/parity_chain.tpt",
        "--set",
        "K=256",
        "--seed",
        "3",
        "--backend",
        "gradsearch-ra",
        "--trace",
        &path.to_string_lossy(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let svg = std::fs::read_to_string(&path).expect("trace written");
    let texts = texts(&svg);
    let named = (0..255).filter(|p| texts.contains(&format!("p[{p}]"))).count();
    assert!((32..255).contains(&named), "{named} params named on the axis");
    let hover = elements(&svg).iter().filter(|e| e.tag == "title" && e.text.starts_with("p[")).count();
    assert_eq!(hover, 255, "every param on hover");
    assert!(texts.iter().any(|t| t.contains("hover for the rest")));
    assert_no_text_past_the_edge(&svg);
}

#[test]
fn exact_back_ends_have_no_trace_and_say_so_before_the_search() {
    for backend in ["sat", "smt", "exhaustive"] {
        let path = scratch(&format!("trace_{backend}.svg"));
        let _ = std::fs::remove_file(&path);
        let result = tpt(&[
            "synth",
            "programs/parity_chain.tpt",
            "--backend",
            backend,
            "--trace",
            &path.to_string_lossy(),
            "--color",
            "never",
        ]);
        let stderr = text(&result.stderr);
        if backend == "smt" && stderr.contains("needs `z3` or `cvc5` on PATH") {
            assert!(std::env::var_os("CI").is_none(), "z3 is required in CI");
            continue;
        }
        assert_eq!(result.status.code(), Some(2), "{backend}: {stderr}");
        assert!(
            stderr.contains(&format!("`--trace`: the `{backend}` back end has no trajectory to trace")),
            "{backend}: {stderr}"
        );
        assert!(!stderr.contains("found by"), "{backend}: checked before the search: {stderr}");
        assert!(text(&result.stdout).is_empty() && !path.exists(), "{backend}: nothing written");
    }
}
