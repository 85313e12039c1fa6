//! A search trajectory -> SVG (loss over the steps, and a heatmap of the params) or CSV; and
//! the check, before the search, that the back end has a trajectory at all.

use std::path::Path;

use plotters::prelude::*;

use tpt::diagnostics::{plural, Diagnostic};
use tpt::graph::Graph;
use tpt::pipeline::Search;
use tpt::solve::{Status, TracePoint};

use super::super::output::write_output;
use super::{
    chart, draw_marker, draw_title, escape, failure, file_names, finish, integer_text, nice_step, Axis, Mesh, COLOURS,
};

/// What the title of a trace says about the run.
pub struct TraceRun<'a> {
    pub file: &'a Path,
    /// The constants set with `--set`.
    pub settings: &'a [(String, i64)],
    pub backend: &'a str,
    pub seed: u64,
    pub status: Status,
    pub steps: u64,
}

impl TraceRun<'_> {
    fn title(&self) -> Vec<String> {
        let name = file_names(&[&self.file.display().to_string()]).remove(0);
        let settings: Vec<String> = self.settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let settings = if settings.is_empty() { String::new() } else { format!(" ({})", settings.join(", ")) };
        let steps = plural(integer_text(self.steps as f64), "step");
        let outcome = match self.status {
            Status::Found => format!("found in {steps}"),
            Status::StepBudget => format!("not found: the step budget ran out after {steps}"),
            Status::Timeout => format!("not found: timed out after {steps}"),
            Status::Interrupted => format!("not found: interrupted after {steps}"),
            Status::GaveUp => format!("not found: the back end gave up after {steps}"),
            Status::Impossible => "proven impossible".to_string(),
            Status::InternalError => "internal error".to_string(),
        };
        vec![format!("{name}{settings} with {}, seed {}", self.backend, self.seed), outcome]
    }
}

/// An error unless the back end has a trajectory to trace. The exact back ends (`sat`, `smt`,
/// `exhaustive`, and `auto` for its solver half) are not bounded by steps: they take one step,
/// or enumerate in an order that says nothing, so a trace of them would be a flat line; they
/// are refused before the search.
pub fn check_traceable(search: &Search) -> Result<(), Diagnostic> {
    if !search.is_exact() {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "`--trace`: the `{}` back end has no trajectory to trace (it is exact, or has an exact half: it covers the search space instead of improving a candidate step by step)",
        search.backend().name
    ))
    .with_help("trace a back end that searches step by step, e.g. `--backend gradsearch-la` (the gradient half of the default `auto`)"))
}

/// Write the trajectory to `path`: CSV for a `.csv` file, otherwise an SVG plot.
pub fn write_trace(path: &Path, trace: &[TracePoint], graph: &Graph, run: &TraceRun) -> Result<(), Diagnostic> {
    let names: Vec<String> = graph.params.iter().map(|p| p.name.clone()).collect();
    let domains: Vec<u32> = graph.params.iter().map(|p| p.domain).collect();
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        write_output(Some(path), &trace_csv(trace, &names))
    } else {
        let svg = trace_plot(trace, &names, &domains, run).map_err(Diagnostic::error)?;
        write_output(Some(path), &svg)
    }
}

/// The optimization trajectory: loss per step on top, and below it every param's value over
/// the steps as a heatmap (for relaxed back ends, the probability of the current value), one
/// row per param, each row named on the axis or, where rows are too thin, on hover.
fn trace_plot(trace: &[TracePoint], names: &[String], domains: &[u32], run: &TraceRun) -> Result<String, String> {
    if trace.is_empty() {
        return Err("the run took no steps, so there is no trajectory to draw".to_string());
    }
    let steps = trace.len();
    // At most 1,000 columns: longer runs are sampled evenly.
    let columns = steps.min(1000);
    let sample = |c: usize| &trace[c * steps / columns];
    let params = names.len().max(1);
    // Rows of 3 to 14 pixels, about 700 pixels in all; a label needs 10.
    let row_height = (700 / params).clamp(3, 14) as u32;
    let label_every = if row_height >= 10 { 1 } else { 10usize.div_ceil(row_height as usize) };
    let name_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(4) as u32;
    let y_label_area = (name_width * 7 + 30).max(70);
    let title = run.title();
    let map_height = row_height * params as u32 + 110;
    let height = 70 + 260 + map_height;
    let last_step = trace.last().map_or(1, |p| p.step).max(1) as f64;

    let mut svg = String::new();
    let mut hover = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failure)?;
        let body = draw_title(&root, &title)?;
        let (top, bottom) = body.split_vertically(260);
        let max_loss = trace.iter().map(|p| p.loss).filter(|l| l.is_finite()).fold(0.0, f64::max);
        let step_axis = |description: &str| {
            let mut axis = Axis::integers(0.0, last_step, description);
            // A little room on both sides for the markers of a short run.
            axis.range = (-0.02 * last_step)..(1.02 * last_step);
            axis
        };
        let loss_axis = loss_axis(max_loss);
        let mut loss_chart = chart(
            &top,
            "loss of the candidate after each step",
            &step_axis("step"),
            &loss_axis,
            y_label_area,
            Mesh::Both,
        )?;
        loss_chart
            .draw_series(LineSeries::new(
                trace.iter().filter(|p| p.loss.is_finite()).map(|p| (p.step as f64, p.loss)),
                COLOURS[0].stroke_width(if steps > 300 { 1 } else { 2 }),
            ))
            .map_err(failure)?;
        // A short run gets a marker per step, so that a run of one step still shows its point.
        if steps <= 60 {
            for point in trace.iter().filter(|p| p.loss.is_finite()) {
                draw_marker(&mut loss_chart, (point.step as f64, point.loss), 0, COLOURS[0])?;
            }
        }
        // Param 0 is the top row.
        let row_of = |param: usize| (params - param - 1) as f64;
        let labelled: Vec<usize> = (0..names.len()).filter(|p| p % label_every == 0).collect();
        let map_names = names.to_vec();
        let param_axis = Axis {
            range: 0.0..params as f64,
            ticks: labelled.iter().map(|&p| row_of(p) + 0.5).collect(),
            label: Box::new(move |y| {
                let param = params as f64 - 0.5 - y;
                map_names.get(param.round().max(0.0) as usize).cloned().unwrap_or_default()
            }),
            description: if label_every == 1 {
                "param".into()
            } else {
                format!("param (every {label_every}th named; hover for the rest)")
            },
        };
        let what = match (&trace[0].confidence, domains.iter().all(|&d| d == 2)) {
            (Some(_), _) => "probability of each param's current value (dark = 1)",
            (None, true) => "each param's value (dark = 1)",
            (None, false) => "each param's value (dark = the highest value of its domain)",
        };
        let mut map = chart(&bottom, what, &step_axis("step"), &param_axis, y_label_area, Mesh::None)?;
        let width = last_step / columns as f64;
        let shade = |point: &TracePoint, param: usize| -> u8 {
            let value = point.candidate.get(param).copied().unwrap_or(0);
            let level = match &point.confidence {
                Some(confidence) => confidence.get(param).copied().unwrap_or(0.0) as f64,
                None => value as f64 / (domains.get(param).copied().unwrap_or(2).max(2) - 1) as f64,
            };
            (255.0 * level.clamp(0.0, 1.0)) as u8
        };
        // One rectangle per run of equal shades in a row keeps the SVG small.
        for (param, name) in names.iter().enumerate() {
            let y = row_of(param);
            let mut run_start = 0;
            while run_start < columns {
                let level = shade(sample(run_start), param);
                let mut run_end = run_start + 1;
                while run_end < columns && shade(sample(run_end), param) == level {
                    run_end += 1;
                }
                if level > 0 {
                    let x0 = sample(run_start).step as f64 - width;
                    let x1 = sample(run_end - 1).step as f64;
                    let light = 255 - level;
                    let colour = RGBColor(light, light, 255u8.saturating_sub(level / 4));
                    map.draw_series(std::iter::once(Rectangle::new([(x0, y), (x1, y + 1.0)], colour.filled())))
                        .map_err(failure)?;
                }
                run_start = run_end;
            }
            // An invisible rectangle over the row names it on hover.
            let (left, top) = map.backend_coord(&(0.0, y + 1.0));
            let (right, bottom) = map.backend_coord(&(last_step, y));
            let last = trace.last().and_then(|p| p.candidate.get(param)).copied().unwrap_or(0);
            hover.push_str(&format!(
                "<rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\"><title>{} (last value {last})</title></rect>\n",
                (right - left).max(1),
                (bottom - top).max(1),
                escape(name)
            ));
        }
        root.present().map_err(failure)?;
    }
    Ok(finish(svg, &title.join(" · "), &hover))
}

/// The loss axis: round ticks, integers once the ticks are a whole number apart.
fn loss_axis(max_loss: f64) -> Axis {
    let high = if max_loss > 0.0 { max_loss * 1.05 } else { 1.0 };
    let step = nice_step(high, 8);
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize };
    let ticks = (0..).map(|i| i as f64 * step).take_while(|&t| t <= high).collect();
    Axis {
        range: (-0.04 * high)..high,
        ticks,
        label: Box::new(move |v| if decimals == 0 { integer_text(v.round()) } else { format!("{v:.decimals$}") }),
        description: "loss".into(),
    }
}

/// The trajectory as CSV: step, loss, violations, then every param's value.
fn trace_csv(trace: &[TracePoint], names: &[String]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = ["step", "loss", "violations"].into_iter().map(str::to_string).chain(names.iter().cloned());
    let _ = writer.write_record(header);
    for point in trace {
        let fields = [point.step.to_string(), point.loss.to_string(), point.violations.to_string()]
            .into_iter()
            .chain(point.candidate.iter().map(u32::to_string));
        let _ = writer.write_record(fields);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
