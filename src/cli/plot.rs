//! SVG plots: success rate and steps against a swept setting (`bench --plot`), and an
//! optimization trajectory (`synth --trace`).

use std::path::Path;

use plotters::prelude::*;

use super::bench::Row;

/// Twelve distinguishable colours (one per back end of table 1).
const COLOURS: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
    RGBColor(255, 215, 0),
];

fn failure(e: impl std::fmt::Display) -> String {
    format!("cannot draw the plot: {e}")
}

/// Success rate and mean steps against the first swept constant, one line per back end (and
/// file, when several are benchmarked).
pub fn bench_plot(rows: &[Row]) -> Result<String, String> {
    let mut svg = String::new();
    draw_bench(&mut svg, rows)?;
    Ok(svg)
}

fn draw_bench(svg: &mut String, rows: &[Row]) -> Result<(), String> {
    let setting = |row: &Row| row.set.values().next().and_then(|v| v.as_f64());
    let x_name = rows.first().and_then(|r| r.set.keys().next().cloned()).unwrap_or_else(|| "setting".into());
    let xs: Vec<f64> = rows.iter().filter_map(setting).collect();
    if xs.is_empty() {
        return files_plot(svg, rows);
    }
    let (x_min, x_max) = xs.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    let log_x = x_min > 0.0 && x_max / x_min >= 8.0;
    let transform = |x: f64| if log_x { x.log2() } else { x };
    let (lo, hi) = (transform(x_min), transform(x_max).max(transform(x_min) + 1.0));
    // One line per back end: (x, success %, mean steps) points.
    type Points = Vec<(f64, f64, Option<f64>)>;
    let mut series: Vec<(String, Points)> = Vec::new();
    for row in rows {
        let Some(x) = setting(row) else { continue };
        let label = if rows.iter().any(|r| r.file != row.file) {
            format!("{} {}", row.backend, row.file)
        } else {
            row.backend.clone()
        };
        let rate = 100.0 * row.solved as f64 / row.runs.max(1) as f64;
        let point = (transform(x), rate, row.mean_steps);
        match series.iter_mut().find(|(l, _)| *l == label) {
            Some((_, points)) => points.push(point),
            None => series.push((label, vec![point])),
        }
    }
    let max_steps = rows.iter().filter_map(|r| r.mean_steps).fold(1.0, f64::max);
    let root = SVGBackend::with_string(svg, (900, 900)).into_drawing_area();
    root.fill(&WHITE).map_err(failure)?;
    let (top, bottom) = root.split_vertically(450);
    let x_label = if log_x { format!("log2 {x_name}") } else { x_name.clone() };
    let mut rate_chart = ChartBuilder::on(&top)
        .caption("success rate", ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(lo..hi, 0.0..105.0)
        .map_err(failure)?;
    rate_chart.configure_mesh().x_desc(x_label.clone()).y_desc("% solved").draw().map_err(failure)?;
    let mut steps_chart = ChartBuilder::on(&bottom)
        .caption("mean steps of successful runs (log10)", ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(lo..hi, 0.0..(max_steps.log10() + 0.5))
        .map_err(failure)?;
    steps_chart.configure_mesh().x_desc(x_label).y_desc("log10 steps").draw().map_err(failure)?;
    for (index, (label, points)) in series.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        rate_chart
            .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
            .map_err(failure)?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
        steps_chart
            .draw_series(LineSeries::new(
                points.iter().filter_map(|p| p.2.map(|s| (p.0, s.max(1.0).log10()))),
                colour.stroke_width(2),
            ))
            .map_err(failure)?;
    }
    rate_chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(failure)?;
    root.present().map_err(failure)
}

/// Without a swept constant: success rate and median seconds per file (one point on the x
/// axis per file, in the order benchmarked), one line per back end.
fn files_plot(svg: &mut String, rows: &[Row]) -> Result<(), String> {
    let mut files: Vec<&str> = Vec::new();
    for row in rows {
        if !files.contains(&row.file.as_str()) {
            files.push(&row.file);
        }
    }
    if files.is_empty() {
        return Err("there are no rows to draw".to_string());
    }
    // Median seconds on a log scale, floored at 0.1 ms so that instant answers stay visible.
    let floor = 1e-4_f64;
    let seconds = |row: &Row| row.median_seconds.map(|s| s.max(floor).log10());
    let (min_log, max_log) = rows
        .iter()
        .filter_map(seconds)
        .fold((floor.log10(), floor.log10() + 1.0), |(lo, hi), s| (lo.min(s), hi.max(s)));
    type Points = Vec<(usize, f64, Option<f64>)>;
    let mut series: Vec<(String, Points)> = Vec::new();
    for row in rows {
        let Some(x) = files.iter().position(|f| *f == row.file) else { continue };
        let point = (x, 100.0 * row.solved as f64 / row.runs.max(1) as f64, seconds(row));
        match series.iter_mut().find(|(label, _)| *label == row.backend) {
            Some((_, points)) => points.push(point),
            None => series.push((row.backend.clone(), vec![point])),
        }
    }
    let names: Vec<String> = files
        .iter()
        .map(|f| Path::new(f).file_stem().map_or_else(|| f.to_string(), |s| s.to_string_lossy().into_owned()))
        .collect();
    // A segmented range is inclusive of its end: one segment per file.
    let x_range = (0..files.len() - 1).into_segmented();
    let label_file = |x: &SegmentValue<usize>| match x {
        SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let width = (300 + 150 * files.len()).max(900) as u32;
    let root = SVGBackend::with_string(svg, (width, 900)).into_drawing_area();
    root.fill(&WHITE).map_err(failure)?;
    let (top, bottom) = root.split_vertically(450);
    let mut rate_chart = ChartBuilder::on(&top)
        .caption("success rate", ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(x_range.clone(), 0.0..105.0)
        .map_err(failure)?;
    rate_chart.configure_mesh().x_label_formatter(&label_file).y_desc("% solved").draw().map_err(failure)?;
    let mut time_chart = ChartBuilder::on(&bottom)
        .caption("median seconds of successful runs (log10)", ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(x_range, (min_log - 0.25)..(max_log + 0.25))
        .map_err(failure)?;
    time_chart.configure_mesh().x_label_formatter(&label_file).y_desc("log10 seconds").draw().map_err(failure)?;
    for (index, (label, points)) in series.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        let at = |x: usize| SegmentValue::CenterOf(x);
        rate_chart
            .draw_series(LineSeries::new(points.iter().map(|p| (at(p.0), p.1)), colour.stroke_width(2)))
            .map_err(failure)?;
        rate_chart
            .draw_series(points.iter().map(|p| Circle::new((at(p.0), p.1), 4, colour.filled())))
            .map_err(failure)?;
        time_chart
            .draw_series(points.iter().filter_map(|p| p.2.map(|s| Circle::new((at(p.0), s), 5, colour.filled()))))
            .map_err(failure)?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
    }
    // Times grow with the task, so the lower right of the time chart is the emptiest corner.
    time_chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(failure)?;
    root.present().map_err(failure)
}

/// The optimization trajectory: loss per step on top, and below it every param's value over
/// the steps as a heatmap (for relaxed back ends, the probability of the current value).
pub fn trace_plot(trace: &[tpt::solve::TracePoint], names: &[String], domains: &[u32]) -> Result<String, String> {
    let mut svg = String::new();
    draw_trace(&mut svg, trace, names, domains)?;
    Ok(svg)
}

fn draw_trace(
    svg: &mut String,
    trace: &[tpt::solve::TracePoint],
    names: &[String],
    domains: &[u32],
) -> Result<(), String> {
    if trace.is_empty() {
        return Err("the run took no steps, so there is no trajectory to draw".to_string());
    }
    let steps = trace.len();
    // At most 1,000 columns: longer runs are sampled evenly.
    let columns = steps.min(1000);
    let sample = |c: usize| &trace[c * steps / columns];
    let params = names.len().max(1);
    let height = (300 + params.min(400) * 4).max(500) as u32;
    let root = SVGBackend::with_string(svg, (1000, height)).into_drawing_area();
    root.fill(&WHITE).map_err(failure)?;
    let (top, bottom) = root.split_vertically(260);
    let max_loss = trace.iter().map(|p| p.loss).fold(1e-9, f64::max);
    let last_step = trace.last().map_or(1, |p| p.step) as f64;
    let mut loss_chart = ChartBuilder::on(&top)
        .caption("loss of the discrete candidate", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..last_step, 0.0..max_loss * 1.05)
        .map_err(failure)?;
    loss_chart.configure_mesh().x_desc("step").y_desc("loss").draw().map_err(failure)?;
    loss_chart
        .draw_series(LineSeries::new(trace.iter().map(|p| (p.step as f64, p.loss)), COLOURS[0].stroke_width(1)))
        .map_err(failure)?;
    let mut map = ChartBuilder::on(&bottom)
        .caption("param values over steps (dark = high value or confidence)", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..last_step, 0.0..params as f64)
        .map_err(failure)?;
    map.configure_mesh()
        .x_desc("step")
        .y_desc("param")
        .disable_mesh()
        .y_label_formatter(&|y| names.get(*y as usize).cloned().unwrap_or_default())
        .draw()
        .map_err(failure)?;
    let width = last_step / columns as f64;
    let shade = |point: &tpt::solve::TracePoint, param: usize| -> u8 {
        let value = point.candidate.get(param).copied().unwrap_or(0);
        let level = match &point.confidence {
            Some(confidence) => confidence.get(param).copied().unwrap_or(0.0) as f64,
            None => value as f64 / (domains.get(param).copied().unwrap_or(2).max(2) - 1) as f64,
        };
        (255.0 * level.clamp(0.0, 1.0)) as u8
    };
    // One rectangle per run of equal shades in a row keeps the SVG small.
    for param in 0..names.len() {
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
                map.draw_series(std::iter::once(Rectangle::new(
                    [(x0, param as f64), (x1, param as f64 + 1.0)],
                    colour.filled(),
                )))
                .map_err(failure)?;
            }
            run_start = run_end;
        }
    }
    root.present().map_err(failure)
}

/// The trajectory as CSV: step, loss, violations, then every param's value.
pub fn trace_csv(trace: &[tpt::solve::TracePoint], names: &[String]) -> String {
    let mut out = String::from("step,loss,violations");
    for name in names {
        out.push(',');
        out.push_str(name);
    }
    out.push('\n');
    for point in trace {
        out.push_str(&format!("{},{},{}", point.step, point.loss, point.violations));
        for value in &point.candidate {
            out.push_str(&format!(",{value}"));
        }
        out.push('\n');
    }
    out
}
