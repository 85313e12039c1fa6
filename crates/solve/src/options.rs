//! `--opt KEY=VALUE` texts -> a back end's typed parameters. Each back end declares its
//! options (key, type with its range or allowed names, help) and keeps them in a `Params`
//! struct with serde derives whose `Default` holds the defaults. A given value's text is
//! parsed by the declared type and checked against the range here, once, before any search
//! starts; the back end then decodes its struct from the checked values.
//!
//! Nothing is silently replaced: an unknown key, a value of the wrong type, a value out of
//! range and a key given twice are each an error that names what is accepted.

use std::ops::Bound;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::BackendInfo;
use tpt_source::diagnostics::{closest, Diagnostic, Setting, Text};

/// The values an option takes.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A finite real number within the bounds.
    Number { low: Bound<f64>, high: Bound<f64> },
    /// A whole number in `min..=max` (`1e6` is accepted for a million).
    Integer { min: i64, max: i64 },
    /// `true` or `false` (`1` and `0` are accepted too).
    Bool,
    /// One of these names.
    Choice(&'static [&'static str]),
    /// Any text that is not empty (a path, say), described in these words.
    Text(&'static str),
}

impl Kind {
    /// A number in `[min, max]`.
    pub const fn between(min: f64, max: f64) -> Kind {
        Kind::Number { low: Bound::Included(min), high: Bound::Included(max) }
    }

    /// A number `>= min`.
    pub const fn at_least(min: f64) -> Kind {
        Kind::Number { low: Bound::Included(min), high: Bound::Unbounded }
    }

    /// A number `> min`.
    pub const fn above(min: f64) -> Kind {
        Kind::Number { low: Bound::Excluded(min), high: Bound::Unbounded }
    }

    /// A probability: a number in `[0, 1]`.
    pub const PROBABILITY: Kind = Kind::between(0.0, 1.0);

    /// An integer `>= min`.
    pub const fn integer_from(min: i64) -> Kind {
        Kind::Integer { min, max: i64::MAX }
    }

    /// Parse a value's text as this kind; the error says what the kind accepts.
    pub fn parse(&self, text: &str) -> Result<Value, ValueError> {
        let text = text.trim();
        let refuse = || ValueError { expected: self.describe_with_article() };
        match *self {
            Kind::Number { low, high } => {
                let value: f64 = text.parse().map_err(|_| refuse())?;
                if !value.is_finite() || !within(value, low, high) {
                    return Err(refuse());
                }
                serde_json::Number::from_f64(value).map(Value::Number).ok_or_else(refuse)
            }
            Kind::Integer { min, max } => {
                let value = match text.parse::<i64>() {
                    Ok(value) => value,
                    // `1e6` is a whole number written as a float; `1.5` is not one.
                    Err(_) => match text.parse::<f64>() {
                        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e18 => f as i64,
                        _ => return Err(refuse()),
                    },
                };
                if value < min || value > max {
                    return Err(refuse());
                }
                Ok(Value::from(value))
            }
            Kind::Bool => match text {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(refuse()),
            },
            Kind::Choice(names) => match names.iter().find(|&&name| name == text) {
                Some(name) => Ok(Value::String(name.to_string())),
                None => Err(refuse()),
            },
            Kind::Text(_) if text.is_empty() => Err(refuse()),
            Kind::Text(_) => Ok(Value::String(text.to_string())),
        }
    }

    /// `number in [0, 1]`, `integer >= 1`, `true or false`, `one of a, b, c`.
    pub fn describe(&self) -> String {
        match *self {
            Kind::Number { low, high } => match (low, high) {
                (Bound::Unbounded, Bound::Unbounded) => "number".to_string(),
                (low, Bound::Unbounded) => format!("number {}", one_sided(low, ">=", ">")),
                (Bound::Unbounded, high) => format!("number {}", one_sided(high, "<=", "<")),
                (low, high) => {
                    format!("number in {}{}, {}{}", open(low, '[', '('), end(low), end(high), open(high, ']', ')'))
                }
            },
            Kind::Integer { min, max } if max == i64::MAX => format!("integer >= {min}"),
            Kind::Integer { min, max } => format!("integer in [{min}, {max}]"),
            Kind::Bool => "true or false".to_string(),
            Kind::Choice(names) => format!("one of {}", names.join(", ")),
            Kind::Text(words) => words.to_string(),
        }
    }

    fn describe_with_article(&self) -> String {
        match self {
            Kind::Number { .. } => format!("a {}", self.describe()),
            Kind::Integer { .. } => format!("an {}", self.describe()),
            Kind::Bool | Kind::Choice(_) | Kind::Text(_) => self.describe(),
        }
    }

    /// A value of this kind as it would be written after `--opt KEY=`.
    pub fn text(&self, value: &Value) -> String {
        match value {
            Value::Number(n) => match (self, n.as_i64()) {
                (Kind::Integer { .. }, Some(i)) => i.to_string(),
                _ => n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string()),
            },
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

fn within(value: f64, low: Bound<f64>, high: Bound<f64>) -> bool {
    let above_low = match low {
        Bound::Included(l) => value >= l,
        Bound::Excluded(l) => value > l,
        Bound::Unbounded => true,
    };
    let below_high = match high {
        Bound::Included(h) => value <= h,
        Bound::Excluded(h) => value < h,
        Bound::Unbounded => true,
    };
    above_low && below_high
}

fn one_sided(bound: Bound<f64>, closed: &str, strict: &str) -> String {
    match bound {
        Bound::Included(b) => format!("{closed} {b}"),
        Bound::Excluded(b) => format!("{strict} {b}"),
        Bound::Unbounded => String::new(),
    }
}

fn open(bound: Bound<f64>, closed: char, strict: char) -> char {
    if matches!(bound, Bound::Excluded(_)) {
        strict
    } else {
        closed
    }
}

fn end(bound: Bound<f64>) -> String {
    match bound {
        Bound::Included(b) | Bound::Excluded(b) => b.to_string(),
        Bound::Unbounded => String::new(),
    }
}

/// A hyperparameter a back end accepts. Its default is in the back end's `Params` struct.
#[derive(Clone, Copy, Debug)]
pub struct OptionInfo {
    pub key: &'static str,
    pub kind: Kind,
    pub help: &'static str,
}

/// The options of one run: every declared key with a checked value (the default, or the one
/// given with `--opt`). A back end decodes its `Params` struct from them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options(Map<String, Value>);

impl Options {
    /// The options a `Params` value holds (used for a back end's defaults).
    pub fn of<P: Serialize>(params: &P) -> Options {
        match serde_json::to_value(params) {
            Ok(Value::Object(map)) => Options(map),
            _ => Options::default(),
        }
    }

    /// The back end's `Params` struct. The values were checked against the declared options,
    /// and a unit test decodes every back end's defaults and range ends, so this cannot fail
    /// unless a back end's declarations and struct disagree.
    pub fn decode<P: DeserializeOwned>(&self) -> P {
        match serde_json::from_value(Value::Object(self.0.clone())) {
            Ok(params) => params,
            Err(error) => panic!("this is a bug in tpt: the declared options do not decode: {error}"),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// A value's text that its option's kind does not accept: what the kind takes, in words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be {expected}")]
pub struct ValueError {
    /// `a number in [0, 1]`, `true or false`, ..
    pub expected: String,
}

/// A `--opt` the back end does not accept, and how to fix it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}{}", help.as_ref().map(|help| format!("; {help}")).unwrap_or_default())]
pub struct OptionError {
    pub message: Text,
    pub help: Option<Text>,
}

impl From<OptionError> for Diagnostic {
    fn from(error: OptionError) -> Diagnostic {
        let diagnostic = Diagnostic::error(error.message);
        match error.help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }
}

/// The back end's options with the given `--opt` values (key, text) in place of the defaults.
pub fn resolve_options(info: &BackendInfo, given: &[(String, String)]) -> Result<Options, OptionError> {
    let mut options = (info.defaults)();
    let keys: Vec<&str> = info.options.iter().map(|o| o.key).collect();
    for (index, (key, text)) in given.iter().enumerate() {
        let Some(option) = info.options.iter().find(|o| o.key == key) else {
            let message = if keys.is_empty() {
                format!("back end `{}` takes no options, but `{key}` was given", info.name)
            } else {
                format!("back end `{}` has no option `{key}`", info.name)
            };
            let list = format!("its options are: {}", keys.join(", "));
            let help = match closest(key, &keys) {
                Some(best) => format!("did you mean `{best}`? {list}"),
                None => list,
            };
            return Err(OptionError { message: message.into(), help: (!keys.is_empty()).then(|| help.into()) });
        };
        if let Some((_, first)) = given[..index].iter().find(|(k, _)| k == key) {
            return Err(OptionError {
                message: Text::from(Setting::BackendOption { key: key.clone() }.mention())
                    + format!(" is given twice (`{key}={first}` and `{key}={text}`)"),
                help: Some("give each option once".into()),
            });
        }
        let value = option.kind.parse(text).map_err(|reason| {
            let help = match option.kind {
                Kind::Choice(names) => closest(&text.trim().to_lowercase(), names)
                    .map(|best| format!("did you mean `{key}={best}`?").into()),
                _ => None,
            };
            let setting = Setting::BackendOption { key: key.clone() }.given(text.trim());
            OptionError { message: Text::from(setting) + format!(": `{key}` {reason}"), help }
        })?;
        options.0.insert(key.clone(), value);
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    #[test]
    fn kinds_parse_what_they_describe() {
        let unit = Kind::PROBABILITY;
        assert_eq!(unit.parse("0.25"), Ok(Value::from(0.25)));
        assert_eq!(unit.parse("2"), Err(ValueError { expected: "a number in [0, 1]".to_string() }));
        assert_eq!(unit.parse("nan"), Err(ValueError { expected: "a number in [0, 1]".to_string() }));
        assert_eq!(Kind::above(0.0).parse("0"), Err(ValueError { expected: "a number > 0".to_string() }));
        let count = Kind::Integer { min: 0, max: 1_000_000 };
        assert_eq!(count.parse("16"), Ok(Value::from(16)));
        assert_eq!(count.parse("1e6"), Ok(Value::from(1_000_000)));
        assert_eq!(count.parse("1.5"), Err(ValueError { expected: "an integer in [0, 1000000]".to_string() }));
        assert_eq!(count.parse("-5"), Err(ValueError { expected: "an integer in [0, 1000000]".to_string() }));
        assert_eq!(Kind::Bool.parse("1"), Ok(Value::Bool(true)));
        assert_eq!(Kind::Bool.parse("yes"), Err(ValueError { expected: "true or false".to_string() }));
        let engines = Kind::Choice(&["portfolio", "cadical"]);
        assert_eq!(engines.parse("cadical"), Ok(Value::from("cadical")));
        assert_eq!(engines.parse("3"), Err(ValueError { expected: "one of portfolio, cadical".to_string() }));
        let path = Kind::Text("a path");
        assert_eq!(path.parse(" /opt/z3 "), Ok(Value::from("/opt/z3")));
        assert_eq!(path.parse(" "), Err(ValueError { expected: "a path".to_string() }));
    }

    /// Every back end declares exactly the keys of its `Params` struct, each default is a
    /// value of its declared kind, and the back end decodes its defaults and the ends of
    /// every range (every name of a choice).
    #[test]
    fn every_back_end_declares_its_params_and_decodes_their_range() {
        for info in registry() {
            let defaults = (info.defaults)();
            let declared: Vec<&str> = info.options.iter().map(|o| o.key).collect();
            let mut keys: Vec<&str> = defaults.keys().collect();
            let mut sorted = declared.clone();
            keys.sort_unstable();
            sorted.sort_unstable();
            assert_eq!(keys, sorted, "{}: declared options and Params fields differ", info.name);
            drop((info.make)(&defaults));
            for option in info.options {
                let default = defaults.get(option.key).expect("a default");
                let text = option.kind.text(default);
                assert_eq!(
                    option.kind.parse(&text).as_ref(),
                    Ok(default),
                    "{} {}: default {text}",
                    info.name,
                    option.key
                );
                let extremes: Vec<String> = match option.kind {
                    Kind::Number { low, high } => [low, high]
                        .into_iter()
                        .filter_map(|b| match b {
                            Bound::Included(v) => Some(v.to_string()),
                            Bound::Excluded(v) => Some((v + 1e-6).to_string()),
                            Bound::Unbounded => None,
                        })
                        .collect(),
                    Kind::Integer { min, max } => vec![min.to_string(), max.to_string()],
                    Kind::Bool => vec!["true".into(), "false".into()],
                    Kind::Choice(names) => names.iter().map(|n| n.to_string()).collect(),
                    // Any text decodes; whether it names something is the back end's check.
                    Kind::Text(_) => vec!["text".into()],
                };
                for value in extremes {
                    let given = [(option.key.to_string(), value.clone())];
                    let options = resolve_options(info, &given)
                        .unwrap_or_else(|e| panic!("{} {}={value}: {e}", info.name, option.key));
                    drop((info.make)(&options));
                }
            }
        }
    }

    #[test]
    fn mistakes_name_what_is_accepted() {
        let info = crate::backend("gradsearch-la").expect("gradsearch-la");
        let given = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let error = resolve_options(info, &given(&[("lookahed", "8")])).expect_err("unknown key");
        assert_eq!(error.message, "back end `gradsearch-la` has no option `lookahed`");
        assert!(error.help.as_ref().is_some_and(|h| h.starts_with("did you mean `lookahead`?")), "{error}");
        let error = resolve_options(info, &given(&[("beta", "0.2"), ("beta", "0.3")])).expect_err("twice");
        assert!(error.message.contains("given twice"), "{error}");
        let options = resolve_options(info, &given(&[("lookahead", "4")])).expect("valid");
        assert_eq!(options.get("lookahead"), Some(&Value::from(4)));
        assert_eq!(options.get("beta"), (info.defaults)().get("beta"));
    }
}
