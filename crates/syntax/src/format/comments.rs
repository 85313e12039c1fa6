//! Comments and blank lines of the source -> where they go in a formatted sequence.
//!
//! Terms: a *sequence* is a run of lines inside a *region* of the source: the items of the
//! file, the statements of a block, the entries of an example, the arms of a statement
//! `match`. Each comment of a region becomes exactly one of:
//! - a *suffix* of the line before it, when no line break separates it from that line's code
//!   (or from the region's opening brace);
//! - a *leading line* of its own, before the next element or, after the last, before the
//!   region's closing brace;
//! - a *hoisted line* before the element it sits inside of, when it is inside an element but in
//!   no nested region (in an expression, say), since such a place has no line of its own.
//!
//! Each rule only looks at where a comment is relative to line breaks and elements, and the
//! formatter puts the comment back in a place where the same rule picks the same role: that is
//! what makes formatting idempotent.

use crate::lexer::Comment;
use tpt_source::span::Span;

use super::doc::{cat, text, Doc};

/// The source text and its comments, with a record of which comments have been placed.
pub struct Trivia<'a> {
    source: &'a str,
    /// Sorted by start, so that a region's comments are found by binary search.
    comments: Vec<&'a Comment>,
    used: Vec<bool>,
}

impl<'a> Trivia<'a> {
    pub fn new(source: &'a str, comments: &'a [Comment]) -> Self {
        let mut comments: Vec<&Comment> = comments.iter().collect();
        comments.sort_by_key(|c| c.span.start);
        let used = vec![false; comments.len()];
        Trivia { source, comments, used }
    }

    pub fn source_len(&self) -> usize {
        self.source.len()
    }

    /// Mark as placed, and return in order, the unplaced comments starting in `lo..hi`.
    pub fn take(&mut self, lo: usize, hi: usize) -> Vec<&'a Comment> {
        let first = self.comments.partition_point(|c| c.span.start < lo);
        let mut taken = Vec::new();
        for i in first..self.comments.len() {
            if self.comments[i].span.start >= hi {
                break;
            }
            if !self.used[i] {
                self.used[i] = true;
                taken.push(self.comments[i]);
            }
        }
        taken
    }

    pub fn byte(&self, pos: usize) -> Option<u8> {
        self.source.as_bytes().get(pos).copied()
    }

    /// The source text in `lo..hi` ("" outside it).
    pub fn between(&self, lo: usize, hi: usize) -> &'a str {
        self.source.get(lo..hi).unwrap_or("")
    }

    fn same_line(&self, lo: usize, hi: usize) -> bool {
        !self.between(lo, hi).contains('\n')
    }

    /// Whether the source has an empty line between `lo` and `hi` (which holds no comment).
    pub fn blank_between(&self, lo: usize, hi: usize) -> bool {
        self.between(lo, hi).matches('\n').nth(1).is_some()
    }

    /// The start of the first token at or after `pos`, skipping white space and comments; the
    /// formatter uses it to find the `{` that opens an example or a statement `match`.
    pub fn next_token(&self, mut pos: usize) -> usize {
        let bytes = self.source.as_bytes();
        while pos < bytes.len() {
            if bytes[pos].is_ascii_whitespace() {
                pos += 1;
                continue;
            }
            let i = self.comments.partition_point(|c| c.span.start < pos);
            match self.comments.get(i) {
                Some(c) if c.span.start == pos && c.span.end > pos => pos = c.span.end,
                _ => return pos,
            }
        }
        pos
    }
}

/// Where a sequence sits in the source: its comments are those starting in `lo..hi`. With
/// a `brace`, comments after it on its line trail the brace, and those before it (between
/// the blocks of an `if` chain) lead the sequence.
#[derive(Clone, Copy, Debug)]
pub struct Region {
    pub lo: usize,
    pub brace: Option<usize>,
    pub hi: usize,
}

/// One output line (or several, for an element that breaks) of a sequence.
#[derive(Debug, Default)]
pub struct Line {
    pub blank_before: bool,
    pub doc: Doc,
}

/// What a comment with no line break before it would trail.
#[derive(Clone, Copy, PartialEq)]
enum Attach {
    Nothing,
    Brace,
    LastLine,
}

/// A sequence being assembled: suffixes of the opening brace, then the lines.
pub struct Seq {
    pub open: Vec<Doc>,
    pub lines: Vec<Line>,
    /// Whether any comment was placed here; such a sequence never goes on one line.
    pub commented: bool,
    prev_end: usize,
    attach: Attach,
    /// An empty line goes before the next line, whatever the source has there.
    blank_next: bool,
}

impl Seq {
    /// A sequence for formatting without source: no comments, no cursor.
    pub fn plain() -> Self {
        Seq {
            open: Vec::new(),
            lines: Vec::new(),
            commented: false,
            prev_end: 0,
            attach: Attach::Nothing,
            blank_next: false,
        }
    }

    /// Start a sequence, placing the comments that come before its opening brace.
    pub fn start(trivia: &mut Trivia, region: Region) -> Self {
        let mut seq = Seq::plain();
        seq.prev_end = region.lo;
        if let Some(brace) = region.brace {
            seq.gap(trivia, brace);
            seq.prev_end = seq.prev_end.max(brace + 1);
            // Comments that trail the brace in the source would print before the ones that
            // precede it, so when there are both they all become leading lines.
            if seq.lines.is_empty() {
                seq.attach = Attach::Brace;
            } else {
                seq.attach = Attach::Nothing;
            }
        }
        seq
    }

    /// Place the comments between the previous element and `upto`.
    pub fn gap(&mut self, trivia: &mut Trivia, upto: usize) {
        for comment in trivia.take(self.prev_end, upto) {
            self.place(trivia, comment);
        }
    }

    fn place(&mut self, trivia: &Trivia, comment: &Comment) {
        self.commented = true;
        let suffix = Doc::Suffix(comment.text.clone());
        let same_line = trivia.same_line(self.prev_end, comment.span.start);
        match (same_line, self.attach, self.lines.last_mut()) {
            (true, Attach::Brace, _) => self.open.push(suffix),
            (true, Attach::LastLine, Some(line)) => {
                line.doc = cat([std::mem::take(&mut line.doc), suffix]);
            }
            _ => {
                let blank_before = !self.lines.is_empty()
                    && (std::mem::take(&mut self.blank_next)
                        || trivia.blank_between(self.prev_end, comment.span.start));
                self.lines.push(Line { blank_before, doc: text(comment.text.clone()) });
                self.attach = Attach::LastLine;
            }
        }
        self.prev_end = comment.span.end;
    }

    /// Add an element at `span`, built as `doc`, after the comments `hoisted` out of it.
    pub fn element(&mut self, trivia: &Trivia, span: Span, hoisted: Vec<&Comment>, doc: Doc) {
        let mut blank_before = !self.lines.is_empty()
            && (std::mem::take(&mut self.blank_next) || trivia.blank_between(self.prev_end, span.start));
        for comment in hoisted {
            self.commented = true;
            self.lines.push(Line { blank_before, doc: text(comment.text.clone()) });
            blank_before = false;
        }
        self.lines.push(Line { blank_before, doc });
        self.attach = Attach::LastLine;
        self.prev_end = span.end;
    }

    /// Add an element when formatting without source.
    pub fn plain_element(&mut self, blank_before: bool, doc: Doc) {
        let blank_before = (blank_before || std::mem::take(&mut self.blank_next)) && !self.lines.is_empty();
        self.lines.push(Line { blank_before, doc });
    }

    /// Move past source text that is not printed (`..end`), dropping the comments in it; an
    /// empty line before it (`blank_before`) goes before the next line instead.
    pub fn skip(&mut self, trivia: &mut Trivia, end: usize, blank_before: bool) {
        let _dropped = trivia.take(self.prev_end, end);
        self.prev_end = self.prev_end.max(end);
        self.attach = Attach::Nothing;
        self.blank_next |= blank_before;
    }

    /// A line of the formatter's own just before the element at `upto` (after the comments
    /// that lead it), taking the empty line that would have gone before the element.
    pub fn note(&mut self, trivia: &Trivia, upto: usize, doc: Doc) {
        let blank_before = !self.lines.is_empty()
            && (std::mem::take(&mut self.blank_next) || trivia.blank_between(self.prev_end, upto));
        self.lines.push(Line { blank_before, doc });
        self.attach = Attach::Nothing;
        self.prev_end = self.prev_end.max(upto);
    }

    /// An empty line before the next line, whatever the source has there.
    pub fn blank_next(&mut self) {
        self.blank_next = true;
    }

    /// Add an element that has no place in the source (no comments go with it).
    pub fn generated_element(&mut self, blank_before: bool, doc: Doc) {
        self.plain_element(blank_before, doc);
        self.attach = Attach::Nothing;
    }

    /// The lines, each preceded by its line break (and empty line), for a braced body.
    pub fn body(self) -> (Vec<Doc>, Doc) {
        let mut parts = Vec::new();
        for line in self.lines {
            if line.blank_before {
                parts.push(Doc::Blank);
            }
            parts.push(Doc::Hard);
            parts.push(line.doc);
        }
        (self.open, cat(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(source: &str, text: &str) -> Comment {
        let start = source.find(text).unwrap_or(0);
        Comment { span: Span::new(start, start + text.len()), text: text.to_string() }
    }

    #[test]
    fn next_token_skips_comments() {
        let source = "example /* a */ // b\n {";
        let comments = [comment(source, "/* a */"), comment(source, "// b")];
        let trivia = Trivia::new(source, &comments);
        assert_eq!(trivia.next_token(7), source.len() - 1);
    }

    #[test]
    fn take_returns_each_comment_once() {
        let source = "/* a */ x /* b */";
        let comments = [comment(source, "/* a */"), comment(source, "/* b */")];
        let mut trivia = Trivia::new(source, &comments);
        assert_eq!(trivia.take(0, 100).len(), 2);
        assert!(trivia.take(0, 100).is_empty());
    }
}
