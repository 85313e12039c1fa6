//! Expanded examples -> their values: `ExampleData`, one example's input values and
//! observed outputs, integers and reals (`RealValue`, with its tolerance).

use super::ArrayId;
use tpt_source::diagnostics::SourceId;
use tpt_source::span::Span;

/// A real value of an example: an input's value, or an output's observed value and how far
/// the computed value may be from it (the tolerance; 0 for inputs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RealValue {
    pub value: f64,
    pub tolerance: f64,
}

impl RealValue {
    /// Whether a computed value matches this observation: within the tolerance (a value that
    /// is not a number never does).
    pub fn matches(&self, actual: f64) -> bool {
        (actual - self.value).abs() <= self.tolerance
    }
}

/// One example: the values of the inputs and the observed values of the outputs.
#[derive(Clone, Debug)]
pub struct ExampleData {
    /// Where the example was written: an `example` block, or an entry of a data file.
    pub source: SourceId,
    pub span: Span,
    /// How to name the example in messages: `example 3` or `d.json: examples[2]`.
    pub label: String,
    /// Indexed by [`ArrayId`]: for inputs every element is `Some`; for outputs `None`
    /// marks an unobserved element; arrays the example does not mention are `None`.
    pub values: Vec<Option<Vec<Option<u32>>>>,
    /// The same for real arrays (`values` has `None` there).
    pub reals: Vec<Option<Vec<Option<RealValue>>>>,
    /// Indexed by [`ArrayId`]: the span (in `source`) of the entry that gave the array.
    pub entry_spans: Vec<Option<Span>>,
}

impl ExampleData {
    /// The value of an input element (inputs are always given in full).
    pub fn input(&self, array: ArrayId, flat: usize) -> u32 {
        self.values[array].as_ref().and_then(|values| values.get(flat).copied().flatten()).unwrap_or(0)
    }

    /// The observed value of an output element, if the example observes it.
    pub fn observed(&self, array: ArrayId, flat: usize) -> Option<u32> {
        self.values[array].as_ref().and_then(|values| values.get(flat).copied().flatten())
    }

    /// The value of a real input element.
    pub fn real_input(&self, array: ArrayId, flat: usize) -> f64 {
        self.real_observed(array, flat).map_or(0.0, |v| v.value)
    }

    /// The observed value of a real output element, if the example observes it.
    pub fn real_observed(&self, array: ArrayId, flat: usize) -> Option<RealValue> {
        self.reals.get(array)?.as_ref().and_then(|values| values.get(flat).copied().flatten())
    }
}
