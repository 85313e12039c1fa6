//! Bench rows -> SVG: success rate and mean steps against a swept setting, or success rate
//! and median time per file.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use tpt::diagnostics::plural;

use super::super::table::Row;
use super::{
    chart, distinct, draw_marker, draw_title, failure, file_names, finish, integer_text, marker_outline,
    power_of_ten_count, power_of_ten_seconds, wrap, Area, Axis, Mesh, COLOURS,
};

/// Width of the legend column to the right of the charts.
const LEGEND_WIDTH: u32 = 190;

/// The title of a bench plot: what is drawn, then the files, back ends and runs.
fn bench_title(rows: &[Row], what: &str, width: u32) -> Vec<String> {
    let files = file_names(&distinct(rows.iter().map(|r| r.file.as_str())));
    let backends: Vec<String> =
        distinct(rows.iter().map(|r| r.backend.as_str())).iter().map(|b| b.to_string()).collect();
    let (fewest, most) = rows.iter().fold((usize::MAX, 0), |(lo, hi), r| (lo.min(r.runs), hi.max(r.runs)));
    let per_point = if fewest == most {
        format!("{} per point", plural(most, "run"))
    } else {
        format!("{fewest} to {most} runs per point")
    };
    let characters = (width as f64 / 8.3) as usize;
    let mut lines = vec![what.to_string()];
    lines.extend(wrap("", &files, characters));
    let label = if backends.len() == 1 { "back end:" } else { "back ends:" };
    let mut last = wrap(label, &backends, characters);
    if let Some(line) = last.last_mut() {
        line.push_str(&format!("; {per_point}"));
    }
    lines.extend(last);
    lines
}

/// The legend, in a column of its own so that it never hides a point.
fn draw_legend(area: &Area, entries: &[(String, usize)]) -> Result<(), String> {
    let (_, height) = area.dim_in_pixel();
    let top = (height as i32 / 2 - 11 * entries.len() as i32).max(10);
    for (index, (label, series)) in entries.iter().enumerate() {
        let colour = COLOURS[series % COLOURS.len()];
        let y = top + 22 * index as i32;
        area.draw(&(EmptyElement::at((22, y)) + PathElement::new(vec![(-14, 0), (14, 0)], colour.stroke_width(2))))
            .map_err(failure)?;
        area.draw(&(EmptyElement::at((22, y)) + PathElement::new(marker_outline(*series), colour.stroke_width(2))))
            .map_err(failure)?;
        let style = ("sans-serif", 13).into_font().into_text_style(area).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(label.clone(), (44, y), style)).map_err(failure)?;
    }
    Ok(())
}

/// Success rate and mean steps against the swept constant (one line per back end, file and
/// other setting); without a swept constant, success rate and time per file.
pub fn bench_plot(rows: &[Row]) -> Result<String, String> {
    if rows.is_empty() {
        return Err("there are no rows to draw".to_string());
    }
    let mut svg = String::new();
    let title = match swept_constant(rows) {
        Some(name) => draw_sweep(&mut svg, rows, &name)?,
        None => draw_files(&mut svg, rows)?,
    };
    Ok(finish(svg, &title, ""))
}

/// The constant on the x axis: the one that takes the most values (at least two), if every
/// row sets it.
fn swept_constant(rows: &[Row]) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for name in rows[0].set.keys() {
        let values: Option<Vec<i64>> = rows.iter().map(|r| r.set.get(name).and_then(|v| v.as_i64())).collect();
        let Some(mut values) = values else { continue };
        values.sort_unstable();
        values.dedup();
        if values.len() >= 2 && best.as_ref().is_none_or(|(count, _)| values.len() > *count) {
            best = Some((values.len(), name.clone()));
        }
    }
    best.map(|(_, name)| name)
}

/// Rows grouped into the lines of a chart: by back end, and by file and the other settings
/// when those vary.
fn series_of(rows: &[Row], label: impl Fn(&Row) -> String) -> Vec<(String, Vec<&Row>)> {
    let mut series: Vec<(String, Vec<&Row>)> = Vec::new();
    for row in rows {
        let key = label(row);
        match series.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(row),
            None => series.push((key, vec![row])),
        }
    }
    series
}

fn draw_sweep(svg: &mut String, rows: &[Row], name: &str) -> Result<String, String> {
    let value = |row: &Row| row.set.get(name).and_then(|v| v.as_i64()).unwrap_or(0) as f64;
    let mut values: Vec<f64> = rows.iter().map(value).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    // A setting that (at least) doubles from one value to the next, like K = 4, 8, .., 1024,
    // is drawn on a log axis, so that its values are evenly spaced.
    let doubling = values[0] > 0.0
        && values.len() >= 3
        && values[values.len() - 1] / values[0] >= 8.0
        && values.windows(2).all(|w| w[1] / w[0] >= 1.9);
    let position = move |v: f64| if doubling { v.log2() } else { v };
    let (low, high) = (position(values[0]), position(values[values.len() - 1]));
    let pad = 0.05 * (high - low);
    // A tick at every swept value, unless there are too many for their labels.
    let ticks: Vec<f64> = if values.len() <= 16 || doubling {
        values.iter().step_by(values.len().div_ceil(16)).map(|&v| position(v)).collect()
    } else {
        Axis::integers(low, high, "").ticks
    };
    let x_axis = || Axis {
        range: (low - pad)..(high + pad),
        ticks: ticks.clone(),
        label: Box::new(move |p| integer_text(if doubling { p.exp2().round() } else { p.round() })),
        description: if doubling { format!("{name} (log scale)") } else { name.to_string() },
    };
    let files = distinct(rows.iter().map(|r| r.file.as_str()));
    let names = file_names(&files);
    let series = series_of(rows, |row| {
        let mut label = row.backend.clone();
        if files.len() > 1 {
            let index = files.iter().position(|f| *f == row.file).unwrap_or(0);
            label.push_str(&format!(" {}", names[index]));
        }
        for (key, v) in row.set.iter().filter(|(key, _)| key.as_str() != name) {
            label.push_str(&format!(" {key}={v}"));
        }
        label
    });
    let steps: Vec<f64> = rows.iter().filter_map(|r| r.mean_steps).map(|s| s.max(1.0).log10()).collect();
    let (steps_low, steps_high) = steps.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    let (steps_low, steps_high) = if steps.is_empty() { (0.0, 1.0) } else { (steps_low, steps_high) };

    let width = 900 + LEGEND_WIDTH;
    let title = bench_title(rows, &format!("success rate and steps against {name}"), width);
    let root = SVGBackend::with_string(svg, (width, 940)).into_drawing_area();
    root.fill(&WHITE).map_err(failure)?;
    let body = draw_title(&root, &title)?;
    let (charts, legend) = body.split_horizontally(width - LEGEND_WIDTH);
    let (top, bottom) = charts.split_vertically(charts.dim_in_pixel().1 / 2);
    let mut rate_chart =
        chart(&top, "runs that found a verified program", &x_axis(), &Axis::percent("solved"), 70, Mesh::Both)?;
    let steps_axis = Axis::powers_of_ten(steps_low, steps_high, "mean steps (log scale)", power_of_ten_count);
    let mut steps_chart = chart(&bottom, "mean steps of the successful runs", &x_axis(), &steps_axis, 70, Mesh::Both)?;
    let mut legend_entries = Vec::new();
    for (index, (label, members)) in series.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        let mut points: Vec<(f64, f64, Option<f64>)> =
            members.iter().map(|r| (position(value(r)), r.success_rate(), r.mean_steps)).collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        rate_chart
            .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
            .map_err(failure)?;
        for point in &points {
            draw_marker(&mut rate_chart, (point.0, point.1), index, colour)?;
        }
        // A back end that solved nothing at some setting has no steps there: the line breaks.
        for run in points.split(|p| p.2.is_none()) {
            let run: Vec<(f64, f64)> = run.iter().filter_map(|p| p.2.map(|s| (p.0, s.max(1.0).log10()))).collect();
            steps_chart.draw_series(LineSeries::new(run.iter().copied(), colour.stroke_width(2))).map_err(failure)?;
            for &point in &run {
                draw_marker(&mut steps_chart, point, index, colour)?;
            }
        }
        legend_entries.push((label.clone(), index));
    }
    draw_legend(&legend, &legend_entries)?;
    root.present().map_err(failure)?;
    Ok(title.join(" · "))
}

/// Without a swept constant: per file (and setting), a bar for each back end's success rate
/// and a marker for its median time. The files are categories, not a sequence, so nothing
/// joins them.
fn draw_files(svg: &mut String, rows: &[Row]) -> Result<String, String> {
    let file_list = distinct(rows.iter().map(|r| r.file.as_str()));
    let stems: Vec<String> = file_list
        .iter()
        .map(|f| Path::new(f).file_stem().map_or_else(|| f.to_string(), |s| s.to_string_lossy().into_owned()))
        .collect();
    let category_of = |row: &Row| {
        let stem = &stems[file_list.iter().position(|f| *f == row.file).unwrap_or(0)];
        let set = row.set_text();
        if set.is_empty() {
            stem.clone()
        } else {
            format!("{stem} {set}")
        }
    };
    let categories: Vec<String> = {
        let all: Vec<String> = rows.iter().map(category_of).collect();
        distinct(all.iter().map(String::as_str)).iter().map(|c| c.to_string()).collect()
    };
    let backends = distinct(rows.iter().map(|r| r.backend.as_str()));
    let slot = 0.8 / backends.len() as f64;
    let x_of = |row: &Row| {
        let category = categories.iter().position(|c| *c == category_of(row)).unwrap_or(0);
        let backend = backends.iter().position(|b| *b == row.backend).unwrap_or(0);
        category as f64 + 0.1 + (backend as f64 + 0.5) * slot
    };
    // Times below a microsecond (or rounded to 0 by an older CSV) sit on the axis floor.
    let floor = 1e-6_f64;
    let seconds = |row: &Row| row.median_seconds.map(|s| s.max(floor).log10());
    let logs: Vec<f64> = rows.iter().filter_map(seconds).collect();
    let (log_low, log_high) = logs.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    let (log_low, log_high) = if logs.is_empty() { (-3.0, 0.0) } else { (log_low, log_high) };

    // Category i spans i..i + 1 and is named at its middle.
    let category_axis = || {
        let names = categories.clone();
        Axis {
            range: 0.0..categories.len() as f64,
            ticks: (0..categories.len()).map(|i| i as f64 + 0.5).collect(),
            label: Box::new(move |v| names.get(v.floor().max(0.0) as usize).cloned().unwrap_or_default()),
            description: String::new(),
        }
    };
    let width = (160 * categories.len() as u32 + 200).max(900) + LEGEND_WIDTH;
    let title = bench_title(rows, "success rate and median time per file", width);
    let root = SVGBackend::with_string(svg, (width, 940)).into_drawing_area();
    root.fill(&WHITE).map_err(failure)?;
    let body = draw_title(&root, &title)?;
    let (charts, legend) = body.split_horizontally(width - LEGEND_WIDTH);
    let (top, bottom) = charts.split_vertically(charts.dim_in_pixel().1 / 2);
    let mut rate_chart = chart(
        &top,
        "runs that found a verified program",
        &category_axis(),
        &Axis::percent("solved"),
        70,
        Mesh::Horizontal,
    )?;
    let time_axis = Axis::powers_of_ten(log_low, log_high, "median time (log scale)", power_of_ten_seconds);
    let mut time_chart =
        chart(&bottom, "median time of the successful runs", &category_axis(), &time_axis, 70, Mesh::Horizontal)?;
    for (index, backend) in backends.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        for row in rows.iter().filter(|r| r.backend == *backend) {
            let x = x_of(row);
            let corners = [(x - 0.42 * slot, 0.0), (x + 0.42 * slot, row.success_rate())];
            rate_chart.draw_series([Rectangle::new(corners, colour.mix(0.75).filled())]).map_err(failure)?;
            // A thick line at the top of the bar keeps a 0% bar visible.
            let top_edge = vec![(corners[0].0, corners[1].1), corners[1]];
            rate_chart.draw_series([PathElement::new(top_edge, colour.stroke_width(3))]).map_err(failure)?;
            if let Some(s) = seconds(row) {
                draw_marker(&mut time_chart, (x, s), index, colour)?;
            }
        }
    }
    let entries: Vec<(String, usize)> = backends.iter().enumerate().map(|(i, b)| (b.to_string(), i)).collect();
    draw_legend(&legend, &entries)?;
    root.present().map_err(failure)?;
    Ok(title.join(" · "))
}
