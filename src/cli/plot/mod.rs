//! SVG plots through plotters: what the bench plots (`bench.rs`) and the trace plot
//! (`trace.rs`) share: axes with their ticks where they belong, charts, hollow markers, titles,
//! and the document title and hover texts added to the SVG.

mod bench;
mod trace;

use std::path::Path;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use bench::bench_plot;
pub use trace::{check_traceable, write_trace, TraceRun};

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

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticked, Ticked>>;

/// A linear range with its ticks exactly where the axis asks for them (plotters would choose
/// its own, at fractions such as 2.5 on an integer axis).
struct Ticked {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        RangedCoordf64::from(self.range.clone()).map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // No light mesh lines between the ticks.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

fn failure(e: impl std::fmt::Display) -> String {
    format!("cannot draw the plot: {e}")
}

/// One axis: its range, where its ticks go and how they read.
struct Axis {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
    label: Box<dyn Fn(f64) -> String>,
    description: String,
}

impl Axis {
    /// Ticks at round integers (1, 2 or 5 times a power of ten apart) from `low` to `high`.
    fn integers(low: f64, high: f64, description: &str) -> Axis {
        let high = high.max(low + 1.0);
        let step = nice_step(high - low, 10).max(1.0);
        let first = (low / step).ceil() * step;
        let ticks = (0..).map(|i| first + i as f64 * step).take_while(|&t| t <= high + 1e-9).collect();
        Axis { range: low..high, ticks, label: Box::new(|v| integer_text(v.round())), description: description.into() }
    }

    /// A percentage from 0 to 100, with room for markers at both ends.
    fn percent(description: &str) -> Axis {
        Axis {
            range: -4.0..104.0,
            ticks: vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0],
            label: Box::new(|v| format!("{v:.0}%")),
            description: description.into(),
        }
    }

    /// A log10 axis holding `log_low..log_high`, ticks at powers of ten read by `label`.
    fn powers_of_ten(log_low: f64, log_high: f64, description: &str, label: fn(i32) -> String) -> Axis {
        let (low, high) = (log_low.floor(), log_high.ceil().max(log_low.floor() + 1.0));
        let ticks = (low as i32..=high as i32).map(f64::from).collect();
        let pad = 0.04 * (high - low);
        Axis {
            range: (low - pad)..(high + pad),
            ticks,
            label: Box::new(move |v| label(v.round() as i32)),
            description: description.into(),
        }
    }
}

/// The smallest of 1, 2 or 5 times a power of ten that cuts `span` into at most `count` parts.
fn nice_step(span: f64, count: usize) -> f64 {
    let magnitude = 10f64.powf((span / count as f64).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|f| f * magnitude)
        .find(|step| span / step <= count as f64)
        .unwrap_or(10.0 * magnitude)
}

/// An integer with thousands separated: `10,000`.
fn integer_text(value: f64) -> String {
    let digits = format!("{}", value.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// 10^power as a count: `1`, `100`, `10,000`.
fn power_of_ten_count(power: i32) -> String {
    integer_text(10f64.powi(power.max(0)))
}

/// 10^power seconds with a unit that fits: `100 µs`, `1 ms`, `10 s`.
fn power_of_ten_seconds(power: i32) -> String {
    let (unit, base) = match power {
        ..=-4 => ("µs", -6),
        -3..=-1 => ("ms", -3),
        _ => ("s", 0),
    };
    format!("{} {unit}", integer_text(10f64.powi(power - base)))
}

/// Which mesh lines a chart draws (always only at the ticks).
#[derive(Clone, Copy, PartialEq)]
enum Mesh {
    Both,
    /// Categories on the x axis: a line through each would look like it joined them.
    Horizontal,
    None,
}

/// A chart on `area` with the given axes.
fn chart<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    x: &Axis,
    y: &Axis,
    y_label_area: u32,
    mesh: Mesh,
) -> Result<Chart<'a, 'b>, String> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 17))
        .margin(8)
        .margin_right(28)
        .x_label_area_size(48)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(
            Ticked { range: x.range.clone(), ticks: x.ticks.clone() },
            Ticked { range: y.range.clone(), ticks: y.ticks.clone() },
        )
        .map_err(failure)?;
    let mut configure = chart.configure_mesh();
    if mesh != Mesh::Both {
        configure.disable_x_mesh();
    }
    if mesh == Mesh::None {
        configure.disable_y_mesh();
    }
    configure
        .x_desc(x.description.as_str())
        .y_desc(y.description.as_str())
        .x_label_formatter(&|v| (x.label)(*v))
        .y_label_formatter(&|v| (y.label)(*v))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(failure)?;
    Ok(chart)
}

/// The outline of marker `shape` (eight shapes, drawn hollow so that markers on top of each
/// other stay visible), in pixels around its centre.
fn marker_outline(shape: usize) -> Vec<(i32, i32)> {
    let polygon = |corners: usize, radius: f64, turn: f64| -> Vec<(i32, i32)> {
        (0..=corners)
            .map(|i| {
                let angle = turn + std::f64::consts::TAU * i as f64 / corners as f64;
                ((radius * angle.sin()).round() as i32, (-radius * angle.cos()).round() as i32)
            })
            .collect()
    };
    match shape % 8 {
        0 => polygon(16, 5.0, 0.0),
        1 => vec![(-4, -4), (4, -4), (4, 4), (-4, 4), (-4, -4)],
        2 => polygon(3, 6.5, 0.0),
        3 => polygon(4, 6.0, 0.0),
        4 => polygon(3, 6.5, std::f64::consts::PI),
        5 => vec![(-5, -5), (5, 5), (0, 0), (5, -5), (-5, 5)],
        6 => polygon(5, 6.0, 0.0),
        _ => vec![(-6, 0), (6, 0), (0, 0), (0, -6), (0, 6)],
    }
}

/// A hollow marker of `shape` at `at`.
fn draw_marker(chart: &mut Chart, at: (f64, f64), shape: usize, colour: RGBColor) -> Result<(), String> {
    let marker = EmptyElement::at(at) + PathElement::new(marker_outline(shape), colour.stroke_width(2));
    chart.draw_series(std::iter::once(marker)).map(|_| ()).map_err(failure)
}

/// Draw `lines` centred at the top of `area` (the first larger); returns the area below.
fn draw_title<'a>(area: &Area<'a>, lines: &[String]) -> Result<Area<'a>, String> {
    let (width, _) = area.dim_in_pixel();
    let mut y = 10;
    for (index, line) in lines.iter().enumerate() {
        let size = if index == 0 { 20 } else { 15 };
        let style = ("sans-serif", size).into_font().into_text_style(area).pos(Pos::new(HPos::Center, VPos::Top));
        area.draw(&Text::new(line.clone(), (width as i32 / 2, y), style)).map_err(failure)?;
        y += size + 6;
    }
    Ok(area.split_vertically(y + 4).1)
}

/// `items` joined by `, ` into lines of at most about `width` characters.
fn wrap(prefix: &str, items: &[String], width: usize) -> Vec<String> {
    let mut lines = vec![prefix.to_string()];
    for (index, item) in items.iter().enumerate() {
        let piece = if index + 1 < items.len() { format!("{item},") } else { item.clone() };
        let line = lines.last_mut().expect("one line at least");
        if line.chars().count() + 1 + piece.chars().count() > width && line.chars().count() > prefix.len() {
            lines.push(piece);
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&piece);
        }
    }
    lines
}

/// The files as the title names them: file names, or whole paths when two share a name.
fn file_names(files: &[&str]) -> Vec<String> {
    let name = |f: &str| Path::new(f).file_name().map_or_else(|| f.to_string(), |n| n.to_string_lossy().into_owned());
    let names: Vec<String> = files.iter().map(|f| name(f)).collect();
    let unique = names.iter().enumerate().all(|(i, n)| !names[..i].contains(n));
    if unique {
        names
    } else {
        files.iter().map(|f| f.to_string()).collect()
    }
}

/// The values in the order they first come, each once.
fn distinct<'r>(values: impl Iterator<Item = &'r str>) -> Vec<&'r str> {
    let mut out: Vec<&str> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// XML text with the five special characters escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// The SVG with a document title (shown by viewers and read by screen readers) and the
/// invisible hover rectangles on top of everything.
fn finish(svg: String, title: &str, hover: &str) -> String {
    let Some(open_end) = svg.find('>') else { return svg };
    let Some(close) = svg.rfind("</svg>") else { return svg };
    let mut out = String::with_capacity(svg.len() + hover.len() + title.len() + 64);
    out.push_str(&svg[..=open_end]);
    out.push_str(&format!("\n<title>{}</title>", escape(title)));
    out.push_str(&svg[open_end + 1..close]);
    if !hover.is_empty() {
        out.push_str("<g fill=\"#FFFFFF\" fill-opacity=\"0\">\n");
        out.push_str(hover);
        out.push_str("</g>\n");
    }
    out.push_str(&svg[close..]);
    out
}
