//! Layout documents -> text. The formatter describes each construct as a [`Doc`] that says
//! where lines may break; [`render`] picks, group by group, the one-line form when it fits in
//! the page width and the broken form otherwise (after Wadler's "prettier printer").
//!
//! Terms: a *group* has a flat form (one line of text, or none when the construct can never
//! sit on one line) and a broken form (a document with its own hard line breaks). A *fill*
//! packs items onto lines greedily, breaking only before an item that would overflow. A
//! *suffix* is a trailing comment: it takes no width and is printed at the end of its line.

/// Indentation step of the canonical layout.
pub const INDENT: usize = 4;

/// A layout document.
#[derive(Clone, Debug)]
pub enum Doc {
    /// Literal text; it contains a newline only when it is a verbatim block comment.
    Text(String),
    /// A line break followed by the current indentation.
    Hard,
    /// An empty line: always followed by a `Hard` that starts the next line.
    Blank,
    /// The contents with the indentation one step deeper (for the line breaks inside it).
    Indent(Box<Doc>),
    Concat(Vec<Doc>),
    Group(Box<Group>),
    /// Items separated by a space or a line break, whichever keeps each line in the width.
    Fill(Vec<Doc>),
    /// A trailing comment, printed (after two spaces) at the end of the line it ends up on.
    Suffix(String),
}

#[derive(Clone, Debug)]
pub struct Group {
    pub flat: Option<String>,
    pub broken: Doc,
}

impl Default for Doc {
    fn default() -> Self {
        Doc::Concat(Vec::new())
    }
}

pub fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

/// Concatenate, merging neighbouring texts so that plain expressions stay one `Text`.
pub fn cat(parts: impl IntoIterator<Item = Doc>) -> Doc {
    let mut out: Vec<Doc> = Vec::new();
    for part in parts {
        match (out.last_mut(), part) {
            (Some(Doc::Text(last)), Doc::Text(next)) => last.push_str(&next),
            (_, Doc::Concat(inner)) => out.extend(inner),
            (_, part) => out.push(part),
        }
    }
    if out.len() == 1 {
        out.pop().unwrap_or_default()
    } else {
        Doc::Concat(out)
    }
}

pub fn indent(doc: Doc) -> Doc {
    Doc::Indent(Box::new(doc))
}

/// A group; without a flat form it is simply its broken form.
pub fn group(flat: Option<String>, broken: Doc) -> Doc {
    match flat {
        Some(_) => Doc::Group(Box::new(Group { flat, broken })),
        None => broken,
    }
}

impl Doc {
    /// The one-line text of this document, or `None` if it must span several lines.
    pub fn flat(&self) -> Option<String> {
        let mut out = String::new();
        self.write_flat(&mut out).then_some(out)
    }

    fn write_flat(&self, out: &mut String) -> bool {
        match self {
            Doc::Text(s) => {
                out.push_str(s);
                !s.contains('\n')
            }
            Doc::Hard | Doc::Blank | Doc::Suffix(_) => false,
            Doc::Indent(inner) => inner.write_flat(out),
            Doc::Concat(parts) => parts.iter().all(|p| p.write_flat(out)),
            Doc::Group(g) => match &g.flat {
                Some(flat) => {
                    out.push_str(flat);
                    true
                }
                None => false,
            },
            Doc::Fill(items) => items.iter().enumerate().all(|(i, item)| {
                if i > 0 {
                    out.push(' ');
                }
                item.write_flat(out)
            }),
        }
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Add the width of `doc` up to its first line break to `acc`; true when a break was reached.
/// Groups are measured in their broken form: what follows a group on its line may still
/// break at its own first opportunity, so only the text before that counts.
fn measure(doc: &Doc, acc: &mut usize) -> bool {
    match doc {
        Doc::Text(s) => match s.find('\n') {
            Some(i) => {
                *acc += width(&s[..i]);
                true
            }
            None => {
                *acc += width(s);
                false
            }
        },
        Doc::Hard | Doc::Blank => true,
        Doc::Indent(inner) => measure(inner, acc),
        Doc::Concat(parts) => parts.iter().any(|p| measure(p, acc)),
        Doc::Group(g) => measure(&g.broken, acc),
        Doc::Fill(items) => items.first().is_some_and(|first| measure(first, acc)),
        Doc::Suffix(_) => false,
    }
}

/// Work items of the renderer: a document, or a fill resumed at its `usize`-th item.
#[derive(Clone, Copy)]
enum Cmd<'a> {
    Doc(&'a Doc),
    Fill(&'a [Doc], usize),
}

struct Renderer {
    width: usize,
    out: String,
    col: usize,
    suffixes: Vec<String>,
}

/// Lay `doc` out in `width` columns.
pub fn render(doc: &Doc, width: usize) -> String {
    let mut r = Renderer { width, out: String::new(), col: 0, suffixes: Vec::new() };
    let mut stack: Vec<(usize, Cmd)> = vec![(0, Cmd::Doc(doc))];
    while let Some((indent, cmd)) = stack.pop() {
        match cmd {
            Cmd::Doc(doc) => r.doc(doc, indent, &mut stack),
            Cmd::Fill(items, i) => r.fill(items, i, indent, &mut stack),
        }
    }
    r.flush_suffixes();
    r.out
}

impl Renderer {
    fn doc<'a>(&mut self, doc: &'a Doc, indent: usize, stack: &mut Vec<(usize, Cmd<'a>)>) {
        match doc {
            Doc::Text(s) => self.write(s),
            Doc::Hard => self.newline(indent),
            Doc::Blank => {
                self.flush_suffixes();
                self.out.push('\n');
                self.col = 0;
            }
            Doc::Indent(inner) => stack.push((indent + INDENT, Cmd::Doc(inner))),
            Doc::Concat(parts) => stack.extend(parts.iter().rev().map(|p| (indent, Cmd::Doc(p)))),
            Doc::Group(g) => match &g.flat {
                Some(flat) if self.fits(width(flat), stack) => self.write(flat),
                _ => stack.push((indent, Cmd::Doc(&g.broken))),
            },
            Doc::Fill(items) => stack.push((indent, Cmd::Fill(items, 0))),
            Doc::Suffix(comment) => self.suffixes.push(comment.clone()),
        }
    }

    /// Place item `i` of a fill: on the current line if it fits there flat, else on a new line.
    fn fill<'a>(&mut self, items: &'a [Doc], i: usize, indent: usize, stack: &mut Vec<(usize, Cmd<'a>)>) {
        let Some(item) = items.get(i) else { return };
        stack.push((indent, Cmd::Fill(items, i + 1)));
        let flat = item.flat();
        if i > 0 {
            match &flat {
                Some(f) if self.fits(1 + width(f), stack) => {
                    self.write(" ");
                    self.write(f);
                    return;
                }
                _ => self.newline(indent),
            }
        }
        match flat {
            Some(f) if self.fits(width(&f), stack) => self.write(&f),
            _ => stack.push((indent, Cmd::Doc(item))),
        }
    }

    /// Whether `extra` more columns, plus whatever must follow on this line, fit the width.
    fn fits(&self, extra: usize, stack: &[(usize, Cmd)]) -> bool {
        let mut acc = self.col + extra;
        for (_, cmd) in stack.iter().rev() {
            if acc > self.width {
                return false;
            }
            let ended = match cmd {
                Cmd::Doc(doc) => measure(doc, &mut acc),
                // The next item of a fill may go to a new line, so the line can end here.
                Cmd::Fill(items, i) => *i < items.len(),
            };
            if ended {
                break;
            }
        }
        acc <= self.width
    }

    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.col = width(&s[i + 1..]),
            None => self.col += width(s),
        }
    }

    fn newline(&mut self, indent: usize) {
        self.flush_suffixes();
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.col = indent;
    }

    /// Trailing comments go after two spaces; several on one line are separated by one.
    fn flush_suffixes(&mut self) {
        for (i, comment) in std::mem::take(&mut self.suffixes).iter().enumerate() {
            let gap = if i == 0 { "  " } else { " " };
            self.write(gap);
            self.write(comment);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> Doc {
        let items: Vec<Doc> = (0..n).map(|i| text(format!("{i},"))).collect();
        let flat = format!("[{}]", (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(", "));
        group(Some(flat), cat([text("["), indent(cat([Doc::Hard, Doc::Fill(items)])), Doc::Hard, text("]")]))
    }

    #[test]
    fn a_group_is_flat_when_it_fits() {
        assert_eq!(render(&list(3), 100), "[0, 1, 2]");
    }

    #[test]
    fn a_fill_wraps_at_the_width() {
        let out = render(&cat([list(40), text(";")]), 30);
        assert!(out.lines().all(|l| l.len() <= 30), "{out}");
        assert!(out.starts_with("[\n    0, 1, 2,"), "{out}");
        assert!(out.ends_with("\n];"), "{out}");
    }

    #[test]
    fn text_after_a_group_counts_towards_its_line() {
        let doc = cat([list(3), text(" and some more text")]);
        assert!(render(&doc, 20).starts_with("[\n"));
    }

    #[test]
    fn suffixes_go_to_the_end_of_the_line() {
        let doc =
            cat([text("a;"), Doc::Suffix("// one".into()), Doc::Suffix("/* two */".into()), Doc::Hard, text("b;")]);
        assert_eq!(render(&doc, 100), "a;  // one /* two */\nb;");
    }
}
