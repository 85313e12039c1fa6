//! Value trees + the arrays they give -> element values: one set of shape, domain and hole
//! checks (integers and reals) with the same messages for sketch and data file.

use super::{recorded, At, Origin, ValueKind, ValueTree};
use crate::eval::{constant_real, constant_value, values_label};
use crate::program::{ArrayInfo, Expr, Program, RealValue};
use tpt_source::diagnostics::{plural, Diagnostic};

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
    pub(super) fn evaluate_real(&mut self, expr: &Expr) -> Option<f64> {
        recorded(constant_real(self.program, expr, self.loop_values), self.errors)
    }

    pub(super) fn evaluate(&mut self, expr: &Expr) -> Option<i64> {
        if expr.is_real(self.program) {
            self.errors.push(
                Diagnostic::error("expected an integer, and this is a real")
                    .with_label(expr.span, "a real")
                    .with_help("lengths, indices and the values of finite domains are integers"),
            );
            return None;
        }
        recorded(constant_value(self.program, expr, self.loop_values), self.errors)
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
            ValueKind::Expr(_) | ValueKind::Int(_) | ValueKind::Real(_) | ValueKind::BigInt(_) | ValueKind::Bool(_) => {
                "a single value".to_string()
            }
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
                    self.errors.push(self.outside_domain(at, array, value));
                    return false;
                }
                out.push(Some(value as u32));
                true
            }
            (ValueKind::BigInt(text), None) => {
                self.errors.push(
                    origin
                        .error(
                            at,
                            format!("{text} is out of range for `{name}`"),
                            format!("`{name}` takes values 0..{domain}"),
                        )
                        .with_secondary(array.name_span, "declared here"),
                );
                false
            }
            // A boolean of a data file (a Python bool) is a bit where the domain is `bool`.
            (&ValueKind::Bool(flag), None) if domain == 2 => {
                out.push(Some(u32::from(flag)));
                true
            }
            (ValueKind::Bool(_), None) => {
                self.errors.push(
                    origin
                        .error(at, format!("expected an integer for `{name}`, found a boolean"), "a boolean")
                        .with_secondary(array.name_span, "declared here")
                        .with_help(format!(
                            "`true` and `false` stand for 1 and 0 in arrays of domain 2 (`bool`); `{name}` takes values 0..{domain}"
                        )),
                );
                false
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
            (
                ValueKind::Expr(_)
                | ValueKind::Int(_)
                | ValueKind::Real(_)
                | ValueKind::BigInt(_)
                | ValueKind::Bool(_)
                | ValueKind::Other(_),
                Some((&n, _)),
            ) => {
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
                self.flatten_list(at, array, n, items, out, |values, item, out| {
                    values.flatten(item, rest, array, holes_allowed, out)
                })
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
                        self.errors.push(self.outside_domain(at, array, bit));
                        return false;
                    }
                    out.push(Some(bit as u32));
                }
                true
            }
            (ValueKind::Repeat(item, count), Some((&n, rest))) => {
                self.flatten_repeat(at, array, n, count, out, |values, out| {
                    values.flatten(item, rest, array, holes_allowed, out)
                })
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
            (ValueKind::BigInt(text), None) => push(self, text.parse().unwrap_or(f64::NAN)),
            (ValueKind::List(items), Some((&n, rest))) => {
                self.flatten_list(at, array, n, items, out, |values, item, out| {
                    values.flatten_real(item, rest, array, holes_allowed, tolerance, out)
                })
            }
            (ValueKind::Repeat(item, count), Some((&n, rest))) => {
                self.flatten_repeat(at, array, n, count, out, |values, out| {
                    values.flatten_real(item, rest, array, holes_allowed, tolerance, out)
                })
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
        let not_a_number = match &tree.kind {
            ValueKind::Bool(_) => Some("a boolean".to_string()),
            ValueKind::Other(what) => Some(what.clone()),
            _ => None,
        };
        match (not_a_number, shape.split_first()) {
            (Some(what), None) => {
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

    /// A list of `n` items for one dimension of `array` (integer or real: `flatten_item`
    /// flattens one item into the dimensions below); false, with the error recorded, when the
    /// length is wrong or an item does not fit.
    fn flatten_list<T>(
        &mut self,
        at: &At,
        array: &ArrayInfo,
        n: usize,
        items: &[ValueTree],
        out: &mut Vec<T>,
        mut flatten_item: impl FnMut(&mut Self, &ValueTree, &mut Vec<T>) -> bool,
    ) -> bool {
        if items.len() != n {
            self.errors.push(self.wrong_length(at, array, n, items.len() as i64));
            return false;
        }
        items.iter().all(|item| flatten_item(self, item, out))
    }

    /// `[v; count]` for a dimension of `n` elements: `v` flattened once by `flatten_item`, then
    /// its values copied `n - 1` more times.
    fn flatten_repeat<T: Clone>(
        &mut self,
        at: &At,
        array: &ArrayInfo,
        n: usize,
        count: &Expr,
        out: &mut Vec<T>,
        flatten_item: impl FnOnce(&mut Self, &mut Vec<T>) -> bool,
    ) -> bool {
        let Some(count) = self.evaluate(count) else { return false };
        if count != n as i64 {
            self.errors.push(self.wrong_length(at, array, n, count));
            return false;
        }
        let start = out.len();
        if !flatten_item(self, out) {
            return false;
        }
        let one: Vec<T> = out[start..].to_vec();
        for _ in 1..n {
            out.extend_from_slice(&one);
        }
        true
    }

    fn outside_domain(&self, at: &At, array: &ArrayInfo, value: i64) -> Diagnostic {
        let (name, domain) = (&array.name, array.domain);
        self.origin
            .error(
                at,
                format!("{value} is outside the domain of `{name}`"),
                format!("`{name}` takes values 0..{domain}"),
            )
            .with_secondary(array.name_span, "declared here")
    }

    fn wrong_length(&self, at: &At, array: &ArrayInfo, n: usize, found: i64) -> Diagnostic {
        let name = &array.name;
        self.origin
            .error(at, format!("expected {n} values for `{name}`, found {found}"), values_label(found))
            .with_secondary(array.name_span, "declared here")
            .with_help(format!("this dimension of `{name}` has {n} elements"))
    }
}
