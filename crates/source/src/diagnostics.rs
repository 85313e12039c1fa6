//! Diagnostics -> rendered text. Every stage reports problems as [`Diagnostic`] values that
//! point at source spans; this is the only module that knows ariadne. Their texts mention
//! settings as data ([`Text`], [`Setting`]), which the renderer words with the [`Wording`]
//! its caller gives: the library never spells a command-line flag.

use std::io::{self, Write};

use ariadne::{Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind};

use crate::span::Span;

mod long_lines;
mod text;
use long_lines::CutText;
pub use text::{Mention, Neutral, Piece, Setting, Text, Value, Wording};

/// Which source file a label points into: the `.tpt` file is 0, a `--data` file is 1, ...
pub type SourceId = usize;

/// The texts that diagnostics may point into, by [`SourceId`].
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SourceMap {
    files: Vec<(String, String)>,
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Register a file; returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        self.files.push((name.into(), text.into()));
        self.files.len() - 1
    }

    pub fn name(&self, id: SourceId) -> &str {
        &self.files[id].0
    }

    pub fn text(&self, id: SourceId) -> &str {
        &self.files[id].1
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Label {
    pub source: SourceId,
    pub span: Span,
    pub message: Text,
    pub primary: bool,
}

/// One problem or remark, with the places in the source it concerns.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: Text,
    pub labels: Vec<Label>,
    pub notes: Vec<Text>,
    pub help: Vec<Text>,
}

impl Diagnostic {
    pub fn new(severity: Severity, message: impl Into<Text>) -> Self {
        Diagnostic { severity, message: message.into(), labels: Vec::new(), notes: Vec::new(), help: Vec::new() }
    }

    pub fn error(message: impl Into<Text>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<Text>) -> Self {
        Self::new(Severity::Warning, message)
    }

    pub fn note(message: impl Into<Text>) -> Self {
        Self::new(Severity::Note, message)
    }

    /// The main place, in the `.tpt` file.
    pub fn with_label(self, span: Span, message: impl Into<Text>) -> Self {
        self.with_label_in(0, span, message, true)
    }

    /// A further place that explains the main one, in the `.tpt` file.
    pub fn with_secondary(self, span: Span, message: impl Into<Text>) -> Self {
        self.with_label_in(0, span, message, false)
    }

    pub fn with_label_in(mut self, source: SourceId, span: Span, message: impl Into<Text>, primary: bool) -> Self {
        self.labels.push(Label { source, span, message: message.into(), primary });
        self
    }

    pub fn with_note(mut self, note: impl Into<Text>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<Text>) -> Self {
        self.help.push(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The span of the main label, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.iter().find(|l| l.primary).or(self.labels.first()).map(|l| l.span)
    }
}

/// Where a diagnostic points: its main label's file and the 1-based line and column (in
/// characters) where that label starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Diagnostic {
    /// The place of the main label, `None` for a diagnostic without one.
    pub fn location(&self, sources: &SourceMap) -> Option<Location> {
        let label = self.labels.iter().find(|l| l.primary).or(self.labels.first())?;
        let (_, text) = sources.files.get(label.source)?;
        let (line, column) = line_column(text, label.span.start);
        Some(Location { file: sources.name(label.source).to_string(), line, column })
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// A list of diagnostics that a stage collects before giving up; an `Err` of a stage is a
/// non-empty list with at least one error.
pub type Diagnostics = Vec<Diagnostic>;

/// True if any of the diagnostics is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// The closest of `candidates` to a mistyped `name`, if it is close enough to be a likely typo
/// (for a "did you mean" help). The distance is the optimal string alignment distance:
/// insertions, deletions, substitutions and swaps of two adjacent characters each cost 1,
/// since a swap (`wirse` for `wires`) is a common typo.
pub fn closest<'n>(name: &str, candidates: &[&'n str]) -> Option<&'n str> {
    // Names of one or two letters have too many neighbours to guess from.
    let length = name.chars().count();
    let limit = (length / 3).min(3);
    // Very long names are not typed by hand, and comparing them costs their length squared.
    if limit == 0 || length > 64 {
        return None;
    }
    candidates
        .iter()
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (strsim::osa_distance(name, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Render diagnostics as text, their settings spelled by `wording`. `color` should be on only
/// when writing to a terminal.
pub fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    wording: &dyn Wording,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    for diagnostic in diagnostics {
        render_one(&diagnostic.worded(wording), sources, color, out)?;
    }
    Ok(())
}

/// Render diagnostics to a string without colour (for tests and JSON output).
pub fn render_to_string(diagnostics: &[Diagnostic], sources: &SourceMap, wording: &dyn Wording) -> String {
    let mut buffer = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render(diagnostics, sources, wording, false, &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

/// A diagnostic's texts in words.
struct Worded<'d> {
    severity: Severity,
    message: String,
    labels: Vec<(&'d Label, String)>,
    notes: Vec<String>,
    help: Vec<String>,
}

impl Diagnostic {
    fn worded(&self, wording: &dyn Wording) -> Worded<'_> {
        Worded {
            severity: self.severity,
            message: self.message.worded(wording),
            labels: self.labels.iter().map(|label| (label, label.message.worded(wording))).collect(),
            notes: self.notes.iter().map(|note| note.worded(wording)).collect(),
            help: self.help.iter().map(|help| help.worded(wording)).collect(),
        }
    }
}

fn render_one(diagnostic: &Worded, sources: &SourceMap, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
        Severity::Note => ReportKind::Advice,
    };
    // Labels pointing outside their source (which should not happen) are dropped rather
    // than allowed to crash the renderer.
    let mut labels: Vec<&(&Label, String)> = diagnostic
        .labels
        .iter()
        .filter(|(l, _)| {
            l.source < sources.files.len() && l.span.start <= l.span.end && l.span.end <= sources.text(l.source).len()
        })
        .collect();
    let Some(&(main, _)) = labels.iter().find(|(l, _)| l.primary).or(labels.first()).copied() else {
        return render_plain(diagnostic, color, out);
    };
    // ariadne starts a new snippet whenever a label comes before the previous one, so
    // labels are given in source order, those in the main label's file first (a data file
    // error shows the data file before the program's declaration).
    labels.sort_by_key(|(l, _)| (l.source != main.source, l.source, l.span.start));
    // ariadne slices the text at the spans, so a span that splits a character (a byte offset
    // into a multi-byte character) is widened to whole characters.
    let spans: Vec<Span> = labels.iter().map(|(l, _)| whole_characters(sources.text(l.source), l.span)).collect();
    let main_span = whole_characters(sources.text(main.source), main.span);
    // Long lines are cut around the labels; the spans are moved into the cut texts.
    let mut cut: Vec<Option<CutText>> = (0..sources.files.len()).map(|_| None).collect();
    for (id, slot) in cut.iter_mut().enumerate() {
        let points: Vec<usize> = labels
            .iter()
            .zip(&spans)
            .filter(|((l, _), _)| l.source == id)
            .flat_map(|(_, s)| [s.start, s.end])
            .collect();
        if !points.is_empty() {
            *slot = Some(CutText::new(sources.text(id), &points)).filter(|c| c.cut);
        }
    }
    let moved = |source: SourceId, span: Span| match &cut[source] {
        Some(c) => Span::new(c.map(span.start), c.map(span.end)),
        None => span,
    };
    let name = |id: SourceId| sources.name(id).to_string();
    let config = Config::default().with_color(color).with_index_type(IndexType::Byte);
    let mut report = Report::build(kind, (name(main.source), moved(main.source, main_span).range()))
        .with_config(config)
        .with_message(&diagnostic.message);
    for ((label, message), &span) in labels.iter().zip(&spans) {
        let mut ariadne_label = AriadneLabel::new((name(label.source), moved(label.source, span).range()));
        if !message.is_empty() {
            ariadne_label = ariadne_label.with_message(message);
        }
        let colour = match (label.primary, diagnostic.severity) {
            (false, _) => Color::Blue,
            (true, Severity::Error) => Color::Red,
            (true, Severity::Warning) => Color::Yellow,
            (true, Severity::Note) => Color::Cyan,
        };
        ariadne_label = ariadne_label.with_color(colour);
        report = report.with_label(ariadne_label);
    }
    for help in &diagnostic.help {
        report = report.with_help(help);
    }
    for note in &diagnostic.notes {
        report = report.with_note(note);
    }
    let texts = sources
        .files
        .iter()
        .zip(&cut)
        .map(|((name, text), cut)| (name.clone(), cut.as_ref().map_or_else(|| text.clone(), |c| c.text.clone())));
    let mut buffer = Vec::new();
    report.finish().write(ariadne::sources(texts), &mut buffer)?;
    let buffer = lowercase_header(buffer, kind);
    if cut.iter().all(Option::is_none) {
        return out.write_all(&buffer);
    }
    let mut rendered = String::from_utf8_lossy(&buffer).into_owned();
    // ariadne prints the column of each snippet's first place from the text it was given;
    // for a cut text that is the column in the cut line, so the original's is put back. The
    // snippets come in the order of the labels' sources, after the message's line.
    let mut from = rendered.find('\n').unwrap_or(0);
    let mut seen: Vec<SourceId> = Vec::new();
    for ((label, _), span) in labels.iter().zip(&spans) {
        if seen.contains(&label.source) {
            continue;
        }
        seen.push(label.source);
        let at = if label.source == main.source { main_span.start } else { span.start };
        if cut[label.source].is_some() {
            let column = long_lines::column(sources.text(label.source), at);
            from = long_lines::fix_location(&mut rendered, from, sources.name(label.source), column);
        }
    }
    out.write_all(rendered.as_bytes())
}

/// The report with its first word as the other messages of the command line write it
/// (`error:`, like clap and rustc) instead of ariadne's `Error:`.
fn lowercase_header(report: Vec<u8>, kind: ReportKind) -> Vec<u8> {
    let (from, to): (&[u8], &[u8]) = match kind {
        ReportKind::Error => (b"Error:", b"error:"),
        ReportKind::Warning => (b"Warning:", b"warning:"),
        _ => (b"Advice:", b"note:"),
    };
    match report.windows(from.len()).position(|window| window == from) {
        Some(at) => [&report[..at], to, &report[at + from.len()..]].concat(),
        None => report,
    }
}

/// The smallest span of whole characters that covers `span` (which lies within `text`).
fn whole_characters(text: &str, span: Span) -> Span {
    let mut start = span.start;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

fn render_plain(diagnostic: &Worded, color: bool, out: &mut dyn Write) -> io::Result<()> {
    // The same layout as ariadne's reports, for diagnostics that point at no source.
    let (word, code) = match diagnostic.severity {
        Severity::Error => ("error", "31"),
        Severity::Warning => ("warning", "33"),
        Severity::Note => ("note", "36"),
    };
    if color {
        writeln!(out, "\x1b[{code}m{word}:\x1b[0m {}", diagnostic.message)?;
    } else {
        writeln!(out, "{word}: {}", diagnostic.message)?;
    }
    for help in &diagnostic.help {
        writeln!(out, "   Help: {help}")?;
    }
    for note in &diagnostic.notes {
        writeln!(out, "   Note: {note}")?;
    }
    Ok(())
}

/// A count and its noun, the noun in the number that agrees with the count: `1 step`,
/// `2 steps`, `0 steps`. For nouns without a plain `s` plural, see [`agreeing`].
pub fn plural(count: impl std::fmt::Display, noun: &str) -> String {
    let count = count.to_string();
    let s = if count == "1" { "" } else { "s" };
    format!("{count} {noun}{s}")
}

/// The word that agrees with `count`: `one` for 1, `many` otherwise (`index`/`indices`,
/// `was`/`were`).
pub fn agreeing<'a>(count: impl std::fmt::Display, one: &'a str, many: &'a str) -> &'a str {
    if count.to_string() == "1" {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of a 40 KB source that holds an error is cut to a window around the label; the
    /// underline sits under the labelled text and the location gives the original column.
    #[test]
    fn long_lines_are_cut_around_the_label() {
        let before = "é".repeat(20_000);
        let after = "ü".repeat(20_000);
        let text = format!("first line\n/* {before} */ y = (x + zzz) % 2; /* {after} */\nlast line\n");
        let mut sources = SourceMap::new();
        sources.add("long.tpt", text.clone());
        let at = text.find("zzz").expect("zzz");
        let diagnostic = Diagnostic::error("cannot find `zzz`").with_label(Span::new(at, at + 3), "not declared");
        let rendered = render_to_string(&[diagnostic], &sources, &Neutral);
        assert!(rendered.len() < 2_000, "{} bytes:\n{rendered}", rendered.len());
        let column = text[..at].chars().count() - "first line\n".len() + 1;
        assert!(rendered.contains(&format!("[ long.tpt:2:{column} ]")), "{rendered}");
        let lines: Vec<&str> = rendered.lines().collect();
        let source_line = lines.iter().position(|l| l.contains("(x + zzz)")).expect("the source line is shown");
        let underline = lines[source_line + 1];
        let shown = lines[source_line];
        let target = shown.char_indices().position(|(i, _)| shown[i..].starts_with("zzz")).expect("zzz");
        let mark = underline.chars().position(|c| c == '─').expect("an underline");
        assert_eq!(mark, target, "the underline is under `zzz`:\n{rendered}");
    }

    #[test]
    fn short_lines_render_as_before() {
        let text = "input x: 2;\ny = zzz;\n";
        let mut sources = SourceMap::new();
        sources.add("short.tpt", text);
        let at = text.find("zzz").expect("zzz");
        let diagnostic = Diagnostic::error("cannot find `zzz`").with_label(Span::new(at, at + 3), "not declared");
        let rendered = render_to_string(&[diagnostic], &sources, &Neutral);
        assert!(rendered.contains("[ short.tpt:2:5 ]") && rendered.contains(" 2 │ y = zzz;"), "{rendered}");
    }

    #[test]
    fn closest_suggests_likely_typos_only() {
        assert_eq!(closest("wirse", &["wires", "gates"]), Some("wires"));
        assert_eq!(closest("lookahed", &["lookahead", "beta"]), Some("lookahead"));
        assert_eq!(closest("ab", &["ac"]), None, "too short to guess");
        assert_eq!(closest("epsilon", &["beta"]), None);
    }
}
