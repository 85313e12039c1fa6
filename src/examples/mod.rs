//! Example items (resolved by the checker) and data files -> [`ExampleData`]. Both kinds of
//! example are brought to one [`ValueTree`] per entry, checked by one set of shape, domain and
//! hole rules with the same messages, and assembled into examples by the same code; only how a
//! message points at the value differs (a span of the sketch, or a path in the data file).

pub mod json;

use std::collections::{HashMap, HashSet};

use crate::ast::DeclKind;
use crate::diagnostics::{plural, Diagnostic};
use crate::eval::constant_real;
use crate::eval::{constant_value, index_out_of_range, values_label};
use crate::limits::Limits;
use crate::program::{ArrayId, ArrayInfo, ExampleData, Expr, Program, RealValue};
use crate::span::Span;

use json::{DataFile, JsonPath};

/// Where a value was written: a span of the sketch, or a path in a data file.
#[derive(Clone, Debug)]
pub enum At {
    Sketch(Span),
    Json(JsonPath),
}

/// A value as written, before it is checked against the shape and domain it must have.
#[derive(Clone, Debug)]
pub struct ValueTree {
    pub kind: ValueKind,
    pub at: At,
}

#[derive(Clone, Debug)]
pub enum ValueKind {
    /// A constant expression of the sketch, evaluated in each iteration of the loops around it.
    Expr(Expr),
    /// An integer of a data file.
    Int(i64),
    /// A number of a data file that is not an integer (`0.5`, `1e-3`).
    Real(f64),
    List(Vec<ValueTree>),
    /// `[v; n]`.
    Repeat(Box<ValueTree>, Expr),
    /// `bits(v, n)`: the n binary digits of v, most significant first.
    Bits(Expr, Expr),
    /// `_` in the sketch, `null` in a data file: an unobserved output element, or an unbound
    /// param element.
    Hole,
    /// What is not a value at all (a string of a data file): the words that say what it is.
    Other(String),
}

/// How messages point at values: into the sketch, or into a data file with its name and the
/// path of the value in every message.
#[derive(Clone, Copy)]
pub enum Origin<'a> {
    Sketch,
    Data(&'a DataFile<'a>),
}

impl Origin<'_> {
    /// An error about the value at `at`.
    pub fn error(&self, at: &At, message: impl Into<String>, label: impl Into<String>) -> Diagnostic {
        match (self, at) {
            (Origin::Data(data), At::Json(path)) => data.error(path, message.into(), label),
            (_, At::Sketch(span)) => Diagnostic::error(message).with_label(*span, label),
            (Origin::Sketch, At::Json(_)) => Diagnostic::error(message),
        }
    }

    /// How a hole is spelled here.
    fn hole(&self) -> &'static str {
        match self {
            Origin::Sketch => "_",
            Origin::Data(_) => "null",
        }
    }
}

/// Element values from value trees: shapes, domains and holes checked, problems recorded.
pub struct Values<'a> {
    pub program: &'a Program,
    pub origin: Origin<'a>,
    /// The values of the loop variables around the value (sketch examples inside loops).
    pub loop_values: &'a [i64],
    pub errors: &'a mut Vec<Diagnostic>,
}

/// A real value that is not a finite number: the error for it.
fn not_finite(origin: Origin, at: &At, name: &str, value: f64) -> Diagnostic {
    origin.error(at, format!("the value of `{name}` is not a finite number"), format!("this is {value}")).with_help(
        "reals are finite 64-bit floats: an infinite or undefined value (a division by zero) cannot be given or observed",
    )
}

impl Values<'_> {
    /// The value of a constant expression, integer or real, as a real.
    fn evaluate_real(&mut self, expr: &Expr) -> Option<f64> {
        match constant_real(self.program, expr, self.loop_values) {
            Ok(value) => Some(value),
            Err(diagnostic) => {
                self.errors.push(diagnostic);
                None
            }
        }
    }

    fn evaluate(&mut self, expr: &Expr) -> Option<i64> {
        if expr.is_real(self.program) {
            self.errors.push(
                Diagnostic::error("expected an integer, and this is a real")
                    .with_label(expr.span, "a real")
                    .with_help("lengths, indices and the values of finite domains are integers"),
            );
            return None;
        }
        match constant_value(self.program, expr, self.loop_values) {
            Ok(value) => Some(value),
            Err(diagnostic) => {
                self.errors.push(diagnostic);
                None
            }
        }
    }

    /// Flatten `tree` (of the given shape: the dimensions of `array` it covers) into `out`;
    /// false when it does not fit, with the error recorded. Holes become `None` where
    /// `holes_allowed`.
    pub fn flatten(
        &mut self,
        tree: &ValueTree,
        shape: &[usize],
        array: &ArrayInfo,
        holes_allowed: bool,
        out: &mut Vec<Option<u32>>,
    ) -> bool {
        let (name, domain) = (array.name.as_str(), array.domain);
        let origin = self.origin;
        let at = &tree.at;
        let kind_text = |kind: &ValueKind| match kind {
            ValueKind::Expr(_) | ValueKind::Int(_) | ValueKind::Real(_) => "a single value".to_string(),
            ValueKind::List(_) | ValueKind::Repeat(..) | ValueKind::Bits(..) => "a list".to_string(),
            ValueKind::Hole => format!("`{}`", origin.hole()),
            ValueKind::Other(what) => what.clone(),
        };
        match (&tree.kind, shape.split_first()) {
            (ValueKind::Hole, _) if holes_allowed => {
                out.extend(std::iter::repeat_n(None, shape.iter().product()));
                true
            }
            (ValueKind::Hole, _) => {
                let hole = origin.hole();
                self.errors.push(
                    origin
                        .error(at, format!("`{hole}` cannot stand for a value of `{name}`"), "a hole")
                        .with_secondary(array.name_span, "declared here")
                        .with_help(format!(
                            "`{hole}` marks unobserved output elements and unbound param elements; inputs are given in full"
                        )),
                );
                false
            }
            (ValueKind::Real(value), None) => {
                self.errors.push(
                    origin
                        .error(
                            at,
                            format!("expected an integer for `{name}`, found {value:?}, which is not an integer"),
                            format!("{value:?}, which is not an integer"),
                        )
                        .with_secondary(array.name_span, "declared here"),
                );
                false
            }
            (ValueKind::Expr(expr), None) if expr.is_real(self.program) => {
                self.errors.push(
                    origin
                        .error(at, format!("`{name}` takes values 0..{domain}, and this is a real"), "a real")
                        .with_secondary(array.name_span, "declared here")
                        .with_help(format!("give an integer in 0..{domain}, or declare `{name}` as `real`")),
                );
                false
            }
            (ValueKind::Expr(_) | ValueKind::Int(_), None) => {
                let value = match &tree.kind {
                    ValueKind::Expr(expr) => match self.evaluate(expr) {
                        Some(value) => value,
                        None => return false,
                    },
                    ValueKind::Int(value) => *value,
                    _ => return false,
                };
                if value < 0 || value >= domain as i64 {
                    self.errors.push(
                        origin
                            .error(
                                at,
                                format!("{value} is outside the domain of `{name}`"),
                                format!("`{name}` takes values 0..{domain}"),
                            )
                            .with_secondary(array.name_span, "declared here"),
                    );
                    return false;
                }
                out.push(Some(value as u32));
                true
            }
            (ValueKind::Other(what), None) => {
                self.errors.push(
                    origin
                        .error(at, format!("expected an integer for `{name}`, found {what}"), what.clone())
                        .with_secondary(array.name_span, "declared here"),
                );
                false
            }
            (ValueKind::List(_) | ValueKind::Repeat(..) | ValueKind::Bits(..), None) => {
                self.errors.push(
                    origin
                        .error(at, format!("expected a single value for `{name}`, found a list"), "a list")
                        .with_secondary(array.name_span, "declared here"),
                );
                false
            }
            (ValueKind::Expr(_) | ValueKind::Int(_) | ValueKind::Real(_) | ValueKind::Other(_), Some((&n, _))) => {
                let found = kind_text(&tree.kind);
                self.errors.push(
                    origin
                        .error(at, format!("expected a list of {n} values for `{name}`, found {found}"), found)
                        .with_secondary(array.name_span, "declared here")
                        .with_help(format!("write `[v, ..]` with {n} items, or `[v; {n}]`")),
                );
                false
            }
            (ValueKind::List(items), Some((&n, rest))) => {
                if items.len() != n {
                    self.errors.push(self.wrong_length(at, array, n, items.len() as i64));
                    return false;
                }
                items.iter().all(|item| self.flatten(item, rest, array, holes_allowed, out))
            }
            (ValueKind::Bits(number, count), Some((&n, rest))) => {
                let (Some(number), Some(count)) = (self.evaluate(number), self.evaluate(count)) else {
                    return false;
                };
                if !rest.is_empty() {
                    self.errors.push(
                        origin
                            .error(
                                at,
                                format!("expected a list of lists for `{name}`, found a list of bits"),
                                "a list of bits",
                            )
                            .with_secondary(array.name_span, "declared here")
                            .with_help(format!("`bits(v, n)` gives one row: write `[bits(..), ..]` for the {n} rows")),
                    );
                    return false;
                }
                if count != n as i64 {
                    self.errors.push(self.wrong_length(at, array, n, count));
                    return false;
                }
                // `n` is a dimension, so the bits are produced only once it is known to fit.
                let fits = number >= 0 && (count >= 63 || number < 1i64 << count);
                if !fits {
                    let needed = if number < 0 {
                        "a negative number has no bits".to_string()
                    } else {
                        format!("it needs {}", plural(64 - number.leading_zeros(), "bit"))
                    };
                    self.errors.push(
                        origin
                            .error(at, format!("{number} does not fit in {}", plural(count, "bit")), needed)
                            .with_secondary(array.name_span, "declared here")
                            .with_help(if count < 63 {
                                format!("`bits(v, {count})` takes a number v in 0..{}", 1i64 << count)
                            } else {
                                format!("`bits(v, {count})` takes a number v of at least 0")
                            }),
                    );
                    return false;
                }
                for position in (0..count).rev() {
                    let bit = (number >> position) & 1;
                    if bit >= domain as i64 {
                        self.errors.push(
                            origin
                                .error(
                                    at,
                                    format!("{bit} is outside the domain of `{name}`"),
                                    format!("`{name}` takes values 0..{domain}"),
                                )
                                .with_secondary(array.name_span, "declared here"),
                        );
                        return false;
                    }
                    out.push(Some(bit as u32));
                }
                true
            }
            (ValueKind::Repeat(item, count), Some((&n, rest))) => {
                let Some(count) = self.evaluate(count) else { return false };
                if count != n as i64 {
                    self.errors.push(self.wrong_length(at, array, n, count));
                    return false;
                }
                let start = out.len();
                if !self.flatten(item, rest, array, holes_allowed, out) {
                    return false;
                }
                let one: Vec<Option<u32>> = out[start..].to_vec();
                for _ in 1..n {
                    out.extend_from_slice(&one);
                }
                true
            }
        }
    }

    /// Flatten `tree` for a real array (see `flatten`): every element a finite real, integers
    /// promoted, each observation with `tolerance` (which must be finite and not negative).
    pub fn flatten_real(
        &mut self,
        tree: &ValueTree,
        shape: &[usize],
        array: &ArrayInfo,
        holes_allowed: bool,
        tolerance: f64,
        out: &mut Vec<Option<RealValue>>,
    ) -> bool {
        let name = array.name.as_str();
        let origin = self.origin;
        let at = &tree.at;
        let mut push = |values: &mut Self, value: f64| -> bool {
            if !value.is_finite() {
                values
                    .errors
                    .push(not_finite(origin, at, name, value).with_secondary(array.name_span, "declared here"));
                return false;
            }
            out.push(Some(RealValue { value, tolerance }));
            true
        };
        match (&tree.kind, shape.split_first()) {
            (ValueKind::Expr(expr), None) => match self.evaluate_real(expr) {
                Some(value) => push(self, value),
                None => false,
            },
            (ValueKind::Int(value), None) => push(self, *value as f64),
            (ValueKind::Real(value), None) => push(self, *value),
            (ValueKind::List(items), Some((&n, rest))) => {
                if items.len() != n {
                    self.errors.push(self.wrong_length(at, array, n, items.len() as i64));
                    return false;
                }
                items.iter().all(|item| self.flatten_real(item, rest, array, holes_allowed, tolerance, out))
            }
            (ValueKind::Repeat(item, count), Some((&n, rest))) => {
                let Some(count) = self.evaluate(count) else { return false };
                if count != n as i64 {
                    self.errors.push(self.wrong_length(at, array, n, count));
                    return false;
                }
                let start = out.len();
                if !self.flatten_real(item, rest, array, holes_allowed, tolerance, out) {
                    return false;
                }
                let one: Vec<Option<RealValue>> = out[start..].to_vec();
                for _ in 1..n {
                    out.extend_from_slice(&one);
                }
                true
            }
            (ValueKind::Bits(..), _) => {
                self.errors.push(
                    origin
                        .error(at, format!("`{name}` is real, and `bits(v, n)` gives a list of bits"), "a list of bits")
                        .with_secondary(array.name_span, "declared here"),
                );
                false
            }
            // Holes, other values and shape mistakes are the same as for finite domains.
            _ => {
                let mut ignored = Vec::new();
                let fits = self.flatten_shape_only(tree, shape, array, holes_allowed, &mut ignored);
                if fits {
                    out.extend(ignored.into_iter().map(|_| None));
                }
                fits
            }
        }
    }

    /// The shape checks of `flatten` for values that are holes or not values at all: the
    /// holes (as `None`), or the error.
    fn flatten_shape_only(
        &mut self,
        tree: &ValueTree,
        shape: &[usize],
        array: &ArrayInfo,
        holes_allowed: bool,
        out: &mut Vec<Option<u32>>,
    ) -> bool {
        match (&tree.kind, shape.split_first()) {
            (ValueKind::Other(what), None) => {
                let name = &array.name;
                self.errors.push(
                    self.origin
                        .error(&tree.at, format!("expected a number for `{name}`, found {what}"), what.clone())
                        .with_secondary(array.name_span, "declared here"),
                );
                false
            }
            _ => self.flatten(tree, shape, array, holes_allowed, out),
        }
    }

    fn wrong_length(&self, at: &At, array: &ArrayInfo, n: usize, found: i64) -> Diagnostic {
        let name = &array.name;
        self.origin
            .error(at, format!("expected {n} values for `{name}`, found {found}"), values_label(found))
            .with_secondary(array.name_span, "declared here")
            .with_help(format!("this dimension of `{name}` has {n} elements"))
    }
}

/// One entry of an example: `y[3] = [0, 1];` in the sketch, `"y": [..]` in a data file.
#[derive(Clone, Debug)]
pub struct Entry {
    pub array: ArrayId,
    /// Leading indices (sketch entries only): the entry gives that sub-array.
    pub indices: Vec<Expr>,
    pub value: ValueTree,
    /// The tolerance written after `+-` (a constant expression), for a real output.
    pub tolerance: Option<Expr>,
    /// The whole entry, in the example's source.
    pub span: Span,
}

/// An example being assembled from its entries.
pub struct Assembly {
    pub data: ExampleData,
    /// Arrays whose entries failed: they are not reported as missing as well.
    pub failed: HashSet<ArrayId>,
}

impl Assembly {
    pub fn new(program: &Program, data_source: usize, span: Span, label: String) -> Assembly {
        let data = ExampleData {
            source: data_source,
            span,
            label,
            values: vec![None; program.arrays.len()],
            reals: vec![None; program.arrays.len()],
            entry_spans: vec![None; program.arrays.len()],
        };
        Assembly { data, failed: HashSet::new() }
    }

    /// Store one entry's values; on failure the error is recorded and the array marked.
    /// `tolerance` is that of real observations that give none.
    pub fn fill(&mut self, values: &mut Values, entry: &Entry, tolerance: f64) {
        if !self.try_fill(values, entry, tolerance) {
            self.failed.insert(entry.array);
        }
    }

    fn try_fill(&mut self, values: &mut Values, entry: &Entry, tolerance: f64) -> bool {
        let info = &values.program.arrays[entry.array];
        let mut offset = 0usize;
        for (dim, index) in entry.indices.iter().enumerate() {
            let Some(value) = values.evaluate(index) else { return false };
            if value < 0 || value as usize >= info.dims[dim] {
                values.errors.push(index_out_of_range(info, dim, value, index.span));
                return false;
            }
            offset = offset * info.dims[dim] + value as usize;
        }
        let shape = &info.dims[entry.indices.len()..];
        let block: usize = shape.iter().product();
        offset *= block;
        if info.real {
            let tolerance = match &entry.tolerance {
                None => tolerance,
                Some(expr) => {
                    let Some(t) = values.evaluate_real(expr) else { return false };
                    if !(t.is_finite() && t >= 0.0) {
                        values.errors.push(
                            Diagnostic::error(format!("a tolerance of {t}"))
                                .with_label(expr.span, format!("this is {t}"))
                                .with_help("a tolerance is how far a computed value may be from the observed one: a finite number of at least 0"),
                        );
                        return false;
                    }
                    t
                }
            };
            let mut flat = Vec::with_capacity(block);
            if !values.flatten_real(&entry.value, shape, info, info.kind == DeclKind::Output, tolerance, &mut flat) {
                return false;
            }
            let slot = self.data.reals[entry.array].get_or_insert_with(|| vec![None; info.len()]);
            slot[offset..offset + block].copy_from_slice(&flat);
            self.data.entry_spans[entry.array] = Some(entry.span);
            return true;
        }
        let mut flat = Vec::with_capacity(block);
        if !values.flatten(&entry.value, shape, info, info.kind == DeclKind::Output, &mut flat) {
            return false;
        }
        let slot = self.data.values[entry.array].get_or_insert_with(|| vec![None; info.len()]);
        slot[offset..offset + block].copy_from_slice(&flat);
        self.data.entry_spans[entry.array] = Some(entry.span);
        true
    }

    /// The example, after reporting the inputs it leaves out (every example gives every
    /// input in full).
    pub fn finish(self, program: &Program, origin: Origin, at: &At, errors: &mut Vec<Diagnostic>) -> ExampleData {
        for (id, array) in program.arrays.iter().enumerate() {
            if array.kind != DeclKind::Input || self.failed.contains(&id) {
                continue;
            }
            let missing = if array.real {
                match &self.data.reals.get(id) {
                    Some(None) => Some(array.name.clone()),
                    Some(Some(values)) => values.iter().position(Option::is_none).map(|flat| array.element_name(flat)),
                    None => None,
                }
            } else {
                match &self.data.values.get(id) {
                    Some(None) => Some(array.name.clone()),
                    Some(Some(values)) => values.iter().position(Option::is_none).map(|flat| array.element_name(flat)),
                    None => None,
                }
            };
            if let Some(missing) = missing {
                errors.push(
                    missing_input(origin, at, &missing, array.name_span, "declared here")
                        .with_help("every example gives every input in full"),
                );
            }
        }
        self.data
    }
}

/// "this example does not give input `x`", at the example and the input's declaration.
pub fn missing_input(origin: Origin, at: &At, missing: &str, declared: Span, declared_note: &str) -> Diagnostic {
    origin
        .error(at, format!("this example does not give input `{missing}`"), format!("`{missing}` is missing"))
        .with_secondary(declared, declared_note)
}

/// Pairs of examples that give the same inputs and observe different values of an output
/// element: a program computes one output for one input, so no params satisfy both. One
/// error per pair (the first few pairs), pointing at both examples.
pub fn contradictions(program: &Program) -> Vec<Diagnostic> {
    const SHOWN: usize = 10;
    let inputs: Vec<ArrayId> =
        program.arrays.iter().enumerate().filter(|(_, a)| a.kind == DeclKind::Input).map(|(id, _)| id).collect();
    let outputs: Vec<ArrayId> =
        program.arrays.iter().enumerate().filter(|(_, a)| a.kind == DeclKind::Output).map(|(id, _)| id).collect();
    // The examples seen so far, by their input values (reals by their bits).
    type Inputs = Vec<Option<Vec<Option<u64>>>>;
    let mut first_with: HashMap<Inputs, Vec<usize>> = HashMap::new();
    let mut errors = Vec::new();
    for (index, example) in program.examples.iter().enumerate() {
        let key: Inputs = inputs
            .iter()
            .map(|&id| match &example.values[id] {
                Some(values) => Some(values.iter().map(|v| v.map(u64::from)).collect()),
                None => example
                    .reals
                    .get(id)
                    .cloned()
                    .flatten()
                    .map(|values| values.iter().map(|v| v.map(|v| v.value.to_bits())).collect()),
            })
            .collect();
        let earlier = first_with.entry(key).or_default();
        // The first earlier example it contradicts is enough to name. Real observations
        // contradict each other when no value lies within both tolerances.
        let clash = earlier.iter().find_map(|&other| {
            let first = &program.examples[other];
            outputs.iter().find_map(|&id| {
                let len = program.arrays[id].len();
                (0..len).find_map(|flat| match (first.observed(id, flat), example.observed(id, flat)) {
                    (Some(a), Some(b)) if a != b => Some((other, id, flat, a.to_string(), b.to_string())),
                    _ => match (first.real_observed(id, flat), example.real_observed(id, flat)) {
                        (Some(a), Some(b)) if (a.value - b.value).abs() > a.tolerance + b.tolerance => {
                            Some((other, id, flat, real_text(a), real_text(b)))
                        }
                        _ => None,
                    },
                })
            })
        });
        earlier.push(index);
        let Some((other, array, flat, a, b)) = clash else { continue };
        if errors.len() == SHOWN {
            errors.push(Diagnostic::note("further examples that contradict each other are not shown"));
            break;
        }
        let first = &program.examples[other];
        let element = program.arrays[array].element_name(flat);
        errors.push(
            Diagnostic::error(format!("{} and {} give the same inputs but observe different outputs", first.label, example.label))
                .with_label_in(first.source, first.entry_spans[array].unwrap_or(first.span), format!("`{element}` is {a} here"), true)
                .with_label_in(example.source, example.entry_spans[array].unwrap_or(example.span), format!("and {b} here"), true)
                .with_help("a program computes one output for one input, so no params can satisfy both; correct or remove one of them"),
        );
    }
    errors
}

/// `2.5`, or `2.5 +- 0.1` with a tolerance.
fn real_text(value: RealValue) -> String {
    if value.tolerance > 0.0 {
        format!("{} +- {}", value.value, value.tolerance)
    } else {
        value.value.to_string()
    }
}

/// The examples of the sketch, resolved: loops and conditions around `example` blocks whose
/// entries name arrays by id and hold constant expressions.
#[derive(Clone, Debug)]
pub enum ExampleSource {
    Example {
        entries: Vec<Entry>,
        /// Arrays whose entries did not resolve (already reported).
        failed: Vec<ArrayId>,
        span: Span,
    },
    For {
        /// The loop variable's slot and name.
        slot: usize,
        name: String,
        start: Expr,
        end: Expr,
        body: Vec<ExampleSource>,
        span: Span,
    },
    If {
        branches: Vec<(Expr, Vec<ExampleSource>)>,
        otherwise: Option<Vec<ExampleSource>>,
    },
}

/// Expands resolved example items into examples, iteration by iteration.
pub struct Expansion<'a> {
    pub program: &'a Program,
    pub limits: &'a Limits,
    /// Examples before these (for numbering) plus those expanded so far.
    pub count: usize,
    /// Loop iterations run so far, against the unroll limit.
    pub work: u64,
    pub errors: Vec<Diagnostic>,
    pub examples: Vec<ExampleData>,
    /// The tolerance of real observations that give none.
    pub tolerance: f64,
    loop_values: Vec<i64>,
    loop_names: Vec<(String, usize)>,
}

impl<'a> Expansion<'a> {
    pub fn new(program: &'a Program, limits: &'a Limits, count: usize, work: u64, tolerance: f64) -> Self {
        Expansion {
            program,
            limits,
            count,
            work,
            tolerance,
            errors: Vec::new(),
            examples: Vec::new(),
            loop_values: Vec::new(),
            loop_names: Vec::new(),
        }
    }

    fn value(&mut self, expr: &Expr) -> Option<i64> {
        match constant_value(self.program, expr, &self.loop_values) {
            Ok(value) => Some(value),
            Err(diagnostic) => {
                self.errors.push(diagnostic);
                None
            }
        }
    }

    pub fn expand(&mut self, source: &ExampleSource) {
        match source {
            ExampleSource::Example { entries, failed, span } => self.example(entries, failed, *span),
            ExampleSource::For { slot, name, start, end, body, span } => {
                let (Some(start), Some(end)) = (self.value(start), self.value(end)) else { return };
                if self.loop_values.len() <= *slot {
                    self.loop_values.resize(slot + 1, 0);
                }
                self.loop_names.push((name.clone(), *slot));
                for value in start..end {
                    self.work += 1;
                    if self.work > self.limits.max_unroll {
                        self.errors.push(
                            Diagnostic::error("the loops around the examples run too many times")
                                .with_label(*span, "this loop")
                                .with_help(format!(
                                    "the limit is {} iterations; raise it with `--max-unroll N`",
                                    self.limits.max_unroll
                                )),
                        );
                        break;
                    }
                    self.loop_values[*slot] = value;
                    for inner in body {
                        self.expand(inner);
                    }
                    if self.errors.len() > 50 {
                        break;
                    }
                }
                self.loop_names.pop();
            }
            ExampleSource::If { branches, otherwise } => {
                for (condition, body) in branches {
                    let Some(value) = self.value(condition) else { return };
                    if value != 0 {
                        body.iter().for_each(|inner| self.expand(inner));
                        return;
                    }
                }
                otherwise.iter().flatten().for_each(|inner| self.expand(inner));
            }
        }
    }

    fn example(&mut self, entries: &[Entry], failed: &[ArrayId], span: Span) {
        let limit = self.limits.max_examples;
        if self.count as u64 >= limit {
            if self.count as u64 == limit {
                self.errors.push(
                    Diagnostic::error("too many examples")
                        .with_label(span, "this example is over the limit")
                        .with_help(format!("the limit is {limit}; raise it with `--max-examples N`")),
                );
            }
            return;
        }
        let mut assembly = Assembly::new(self.program, 0, span, self.label());
        assembly.failed.extend(failed);
        let before = self.errors.len();
        let mut values = Values {
            program: self.program,
            origin: Origin::Sketch,
            loop_values: &self.loop_values,
            errors: &mut self.errors,
        };
        for entry in entries {
            assembly.fill(&mut values, entry, self.tolerance);
        }
        let data = assembly.finish(self.program, Origin::Sketch, &At::Sketch(span), &mut self.errors);
        // An example with errors is not counted, so that the next one keeps its number.
        if self.errors.len() == before {
            self.examples.push(data);
            self.count += 1;
        }
    }

    /// `example 3`, or `example 3 (a = 1, b = 0)` for an example inside loops, so that a
    /// message about it says which iteration wrote it.
    fn label(&self) -> String {
        let number = self.count + 1;
        let values: Vec<String> = self
            .loop_names
            .iter()
            .map(|(name, slot)| format!("{name} = {}", self.loop_values.get(*slot).copied().unwrap_or(0)))
            .collect();
        if values.is_empty() {
            format!("example {number}")
        } else {
            format!("example {number} ({})", values.join(", "))
        }
    }
}
