//! Values as written -> one value tree: `ValueTree` (a sketch expression, or a number of a
//! data file), where it was written (`At`) and how messages point at it (`Origin`).

use super::json::{DataFile, JsonPath};
use crate::program::Expr;
use tpt_source::diagnostics::{Diagnostic, Text};
use tpt_source::span::Span;

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
    /// An integer of a data file beyond 64 bits, as written (`99999999999999999999999`).
    BigInt(String),
    /// `true` or `false` of a data file: 1 or 0 in an array of domain 2 (`bool`).
    Bool(bool),
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
    pub fn error(&self, at: &At, message: impl Into<Text>, label: impl Into<Text>) -> Diagnostic {
        match (self, at) {
            (Origin::Data(data), At::Json(path)) => data.error(path, message.into(), label),
            (_, At::Sketch(span)) => Diagnostic::error(message).with_label(*span, label),
            (Origin::Sketch, At::Json(_)) => Diagnostic::error(message),
        }
    }

    /// How a hole is spelled here.
    pub(super) fn hole(&self) -> &'static str {
        match self {
            Origin::Sketch => "_",
            Origin::Data(_) => "null",
        }
    }
}
