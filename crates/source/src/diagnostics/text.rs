//! The texts of a diagnostic as data: plain words and mentions of the settings a user can
//! change. The library says which setting it means ([`Setting`]); whoever shows the text to a
//! user spells it in their own terms through a [`Wording`]: the command line as its flags,
//! the Python package as its keyword arguments.

use serde::{Deserialize, Serialize};

/// A setting that a message may tell the user to change.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Setting {
    /// The nesting limit of brackets, blocks and expressions.
    MaxDepth,
    /// The limit of statements and loop iterations run while unrolling.
    MaxUnroll,
    /// The limit of operand combinations of one runtime expression.
    MaxEnum,
    /// The limit of operand combinations of all tables together.
    MaxEnumTotal,
    /// The limit of elements of all arrays together.
    MaxElements,
    /// The limit of one domain's size.
    MaxDomain,
    /// The limit of examples.
    MaxExamples,
    /// The limit of values held for all examples and observations together.
    MaxExampleValues,
    /// The limit of nodes of the lowered graph.
    MaxNodes,
    /// The limit of memory of the batched buffers, in MiB.
    MaxMemory,
    /// The step budget of each restart.
    MaxSteps,
    /// How many restarts a search runs.
    Restarts,
    /// The time a search may take, in seconds.
    Timeout,
    /// How many examples a program may fail.
    MaxViolations,
    /// Counterexample-guided search; its value, if any, is the mode (`first`, `all`).
    Cegis,
    /// A back end's option.
    BackendOption { key: String },
    /// An override of a program's constant.
    Set { name: String },
    /// The back end; its value is the back end's name.
    Backend,
    /// The conflict budget of the check of whether the examples pin the behaviour down.
    DistinguishConflicts,
    /// The check of whether the examples pin the behaviour down, turned off.
    NoDistinguish,
    /// How many programs that behave differently to list, after the search.
    All,
    /// A search that lists programs that behave differently, as a whole request.
    SynthAll,
    /// Running the printed program on its examples (with the data file it was searched
    /// with, if any); its value is how many examples it may fail.
    RunPrinted { data: Option<String> },
}

/// The value a mention gives its setting.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Value {
    /// A name for a value the user chooses: `N`, `PATH`, `MIB`, `..`.
    Placeholder(String),
    /// A value as the command line reads it: `3`, `false`, `first`, a path.
    Given(String),
}

/// A setting, with the value the text suggests for it if any.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Mention {
    pub setting: Setting,
    pub value: Option<Value>,
}

impl Setting {
    /// The setting, without a value.
    pub fn mention(self) -> Mention {
        Mention { setting: self, value: None }
    }

    /// The setting with a value the user chooses, named `name` (`N`, `PATH`).
    pub fn placeholder(self, name: &str) -> Mention {
        Mention { setting: self, value: Some(Value::Placeholder(name.to_string())) }
    }

    /// The setting with a given value.
    pub fn given(self, value: impl std::fmt::Display) -> Mention {
        Mention { setting: self, value: Some(Value::Given(value.to_string())) }
    }

    /// The name of the setting in the library's own terms (`max_unroll`), for [`Neutral`].
    fn neutral_name(&self) -> String {
        match self {
            Setting::MaxDepth => "max_depth".into(),
            Setting::MaxUnroll => "max_unroll".into(),
            Setting::MaxEnum => "max_enum".into(),
            Setting::MaxEnumTotal => "max_enum_total".into(),
            Setting::MaxElements => "max_elements".into(),
            Setting::MaxDomain => "max_domain".into(),
            Setting::MaxExamples => "max_examples".into(),
            Setting::MaxExampleValues => "max_example_values".into(),
            Setting::MaxNodes => "max_nodes".into(),
            Setting::MaxMemory => "max_memory".into(),
            Setting::MaxSteps => "max_steps".into(),
            Setting::Restarts => "restarts".into(),
            Setting::Timeout => "timeout".into(),
            Setting::MaxViolations => "max_violations".into(),
            Setting::Cegis => "cegis".into(),
            Setting::BackendOption { key } => format!("option {key}"),
            Setting::Set { name } => format!("set {name}"),
            Setting::Backend => "backend".into(),
            Setting::DistinguishConflicts => "distinguish_conflicts".into(),
            Setting::NoDistinguish => "no_distinguish".into(),
            Setting::All => "all".into(),
            Setting::SynthAll => "synth_all".into(),
            Setting::RunPrinted { data: None } => "run_printed".into(),
            Setting::RunPrinted { data: Some(data) } => format!("run_printed data {data}"),
        }
    }
}

impl Value {
    /// The value's text: the placeholder's name or the value as given.
    pub fn text(&self) -> &str {
        match self {
            Value::Placeholder(text) | Value::Given(text) => text,
        }
    }
}

/// How settings are spelled for one kind of user. The library never picks one: whoever
/// shows a diagnostic to a user renders it with theirs.
pub trait Wording {
    /// The words for `mention` in a sentence, with any quoting (backticks) they need.
    fn mention(&self, mention: &Mention) -> String;
}

/// Settings spelled by the library's own names (`<max_unroll N>`): for tests and debugging
/// only, never for a user, who gets the command line's or the Python package's wording.
pub struct Neutral;

impl Wording for Neutral {
    fn mention(&self, mention: &Mention) -> String {
        match &mention.value {
            Some(value) => format!("<{} {}>", mention.setting.neutral_name(), value.text()),
            None => format!("<{}>", mention.setting.neutral_name()),
        }
    }
}

/// One piece of a [`Text`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Piece {
    Plain(String),
    Mention(Mention),
}

/// A message, label, note or help: plain words and mentions of settings. Built from a
/// `String` or `&str` (most texts mention no setting) and extended with `+`:
/// `Text::from("raise it with ") + Setting::MaxUnroll.placeholder("N")`. A user reads it
/// only through a [`Wording`]; its `Display` is [`Neutral`]'s, for tests and debugging.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub struct Text {
    pieces: Vec<Piece>,
}

/// A text as it is saved: a plain string when it mentions no setting (as every text was
/// saved before mentions existed), its pieces otherwise.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Stored {
    Plain(String),
    Pieces(Vec<Piece>),
}

impl From<Stored> for Text {
    fn from(stored: Stored) -> Self {
        match stored {
            Stored::Plain(text) => Text::from(text),
            Stored::Pieces(pieces) => Text { pieces },
        }
    }
}

impl From<Text> for Stored {
    fn from(text: Text) -> Self {
        match text.as_plain() {
            Some(plain) => Stored::Plain(plain.to_string()),
            None => Stored::Pieces(text.pieces),
        }
    }
}

impl Text {
    /// The text in words, its mentions spelled by `wording`.
    pub fn worded(&self, wording: &dyn Wording) -> String {
        let mut words = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Plain(text) => words.push_str(text),
                Piece::Mention(mention) => words.push_str(&wording.mention(mention)),
            }
        }
        words
    }

    /// The text when it mentions no setting.
    pub fn as_plain(&self) -> Option<&str> {
        match &self.pieces[..] {
            [] => Some(""),
            [Piece::Plain(text)] => Some(text),
            _ => None,
        }
    }

    /// The settings the text mentions.
    pub fn mentions(&self) -> impl Iterator<Item = &Mention> {
        self.pieces.iter().filter_map(|piece| match piece {
            Piece::Mention(mention) => Some(mention),
            Piece::Plain(_) => None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(|piece| matches!(piece, Piece::Plain(text) if text.is_empty()))
    }

    /// Put `words` before the text.
    pub fn prepend(&mut self, words: &str) {
        match self.pieces.first_mut() {
            Some(Piece::Plain(text)) => text.insert_str(0, words),
            _ => self.pieces.insert(0, Piece::Plain(words.to_string())),
        }
    }

    /// Put `words` after the text.
    pub fn append(&mut self, words: &str) {
        self.push(Piece::Plain(words.to_string()));
    }

    /// Whether the words (with [`Neutral`]'s mentions) contain `words`; for tests.
    pub fn contains(&self, words: &str) -> bool {
        self.worded(&Neutral).contains(words)
    }

    /// Whether the words (with [`Neutral`]'s mentions) start with `words`; for tests.
    pub fn starts_with(&self, words: &str) -> bool {
        self.worded(&Neutral).starts_with(words)
    }

    /// Replace the first occurrence of `from` in the text's words (not in a mention) by `to`.
    pub fn replace_first(&mut self, from: &str, to: &str) {
        for piece in &mut self.pieces {
            if let Piece::Plain(text) = piece {
                if text.contains(from) {
                    *text = text.replacen(from, to, 1);
                    return;
                }
            }
        }
    }

    fn push(&mut self, piece: Piece) {
        match (self.pieces.last_mut(), piece) {
            (Some(Piece::Plain(last)), Piece::Plain(text)) => last.push_str(&text),
            (_, Piece::Plain(text)) if text.is_empty() => {}
            (_, piece) => self.pieces.push(piece),
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        let mut result = Text::default();
        result.push(Piece::Plain(text));
        result
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text::from(text.to_string())
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Self {
        Text::from(text.clone())
    }
}

impl From<Mention> for Text {
    fn from(mention: Mention) -> Self {
        Text { pieces: vec![Piece::Mention(mention)] }
    }
}

impl<T: Into<Text>> std::ops::Add<T> for Text {
    type Output = Text;

    fn add(mut self, more: T) -> Text {
        for piece in more.into().pieces {
            self.push(piece);
        }
        self
    }
}

/// For tests and debugging only: mentions in [`Neutral`]'s words.
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(&Neutral))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_plain() == Some(other)
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_plain() == Some(*other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Flags;

    impl Wording for Flags {
        fn mention(&self, mention: &Mention) -> String {
            let value = mention.value.as_ref().map(|v| format!(" {}", v.text())).unwrap_or_default();
            format!("`--{:?}{value}`", mention.setting)
        }
    }

    #[test]
    fn a_text_is_worded_by_the_wording_it_is_given() {
        let text = Text::from("the limit is 7; raise it with ") + Setting::MaxUnroll.placeholder("N");
        assert_eq!(text.worded(&Flags), "the limit is 7; raise it with `--MaxUnroll N`");
        assert_eq!(text.worded(&Neutral), "the limit is 7; raise it with <max_unroll N>");
        assert_eq!(text.mentions().collect::<Vec<_>>(), [&Setting::MaxUnroll.placeholder("N")]);
        assert!(text.as_plain().is_none() && text != "the limit is 7; raise it with ");
    }

    #[test]
    fn plain_texts_stay_strings_when_saved() {
        let plain = Text::from("no setting here");
        assert_eq!(plain, "no setting here");
        assert_eq!(serde_json::to_string(&plain).expect("serializes"), "\"no setting here\"");
        let mut mixed = Text::from("see ") + Setting::Set { name: "K".into() }.placeholder("..");
        mixed.prepend("(");
        mixed.append(")");
        let saved = serde_json::to_string(&mixed).expect("serializes");
        assert_eq!(serde_json::from_str::<Text>(&saved).expect("deserializes"), mixed);
        assert_eq!(mixed.worded(&Neutral), "(see <set K ..>)");
    }
}
