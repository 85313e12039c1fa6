//! An example's entries -> its `ExampleData`: each entry's values stored at their place, then
//! the inputs it leaves out reported.

use std::collections::HashSet;

use super::{At, Origin, ValueTree, Values};
use crate::eval::index_out_of_range;
use crate::program::{ArrayId, ExampleData, Expr, Program};
use tpt_source::diagnostics::Diagnostic;
use tpt_source::span::Span;
use tpt_syntax::ast::DeclKind;

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
