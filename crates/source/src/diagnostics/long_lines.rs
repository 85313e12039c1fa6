//! A source text and the offsets a diagnostic points at -> the same text with every long line
//! cut down to windows around those offsets, joined by `...` (as rustc does), and the map from
//! offsets in the original to offsets in the cut text. An error in a 40 KB line then shows a
//! few dozen characters around its label instead of the whole line. Only the insides of lines
//! are cut, so line numbers stay the same.

/// Lines longer than this many characters are cut.
const MAX_LINE_CHARS: usize = 140;
/// Characters kept on each side of a label's start and end in a cut line.
const CONTEXT_CHARS: usize = 40;
/// What stands for the characters cut out.
const ELLIPSIS: &str = "...";

/// The line separators ariadne splits on (`\r\n` is two of them here, which splits no line
/// that ariadne keeps whole).
const SEPARATORS: [char; 7] = ['\r', '\n', '\x0B', '\x0C', '\u{0085}', '\u{2028}', '\u{2029}'];

/// A text with its long lines cut.
pub struct CutText {
    pub text: String,
    /// The kept pieces, in order: (start, end) in the original and the start in `text`.
    pieces: Vec<(usize, usize, usize)>,
    /// Whether any line was cut (otherwise `text` is the original).
    pub cut: bool,
}

impl CutText {
    /// Cut the long lines of `text`, keeping the characters around each of `points` (byte
    /// offsets on character boundaries: the starts and ends of the labels).
    pub fn new(text: &str, points: &[usize]) -> CutText {
        let mut cut = CutText { text: String::with_capacity(text.len().min(1 << 16)), pieces: Vec::new(), cut: false };
        let mut start = 0;
        for line in text.split_inclusive(SEPARATORS) {
            let end = start + line.len();
            let content_end =
                if line.ends_with(SEPARATORS) { end - line.chars().next_back().map_or(0, char::len_utf8) } else { end };
            let content = &text[start..content_end];
            if content.len() > MAX_LINE_CHARS && content.chars().count() > MAX_LINE_CHARS {
                let here: Vec<usize> = points.iter().copied().filter(|&p| p >= start && p <= content_end).collect();
                cut.push_cut_line(content, start, &here);
                cut.push(text, content_end, end);
            } else {
                cut.push(text, start, end);
            }
            start = end;
        }
        cut
    }

    /// Keep `original[start..end]` as it is.
    fn push(&mut self, original: &str, start: usize, end: usize) {
        if start == end {
            return;
        }
        match self.pieces.last_mut() {
            // Extend the last piece when the two are contiguous in both texts.
            Some(last) if last.1 == start && last.2 + (last.1 - last.0) == self.text.len() => last.1 = end,
            _ => self.pieces.push((start, end, self.text.len())),
        }
        self.text.push_str(&original[start..end]);
    }

    /// One long line (without its separator), which starts at byte `offset` of the original.
    fn push_cut_line(&mut self, content: &str, offset: usize, points: &[usize]) {
        self.cut = true;
        // Byte offset of every character, and of the end.
        let bytes: Vec<usize> = content.char_indices().map(|(at, _)| at).chain([content.len()]).collect();
        let chars = bytes.len() - 1;
        let char_of = |point: usize| bytes.partition_point(|&b| b < point - offset);
        let mut windows: Vec<(usize, usize)> = points
            .iter()
            .map(|&p| char_of(p))
            .map(|c| (c.saturating_sub(CONTEXT_CHARS), (c + CONTEXT_CHARS).min(chars)))
            .collect();
        if windows.is_empty() {
            windows.push((0, 2 * CONTEXT_CHARS));
        }
        windows.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (lo, hi) in windows {
            match merged.last_mut() {
                // Joining costs no more than an ellipsis between them.
                Some(last) if lo <= last.1 + ELLIPSIS.len() => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        let mut previous_end = 0;
        for &(lo, hi) in &merged {
            if lo > previous_end {
                self.text.push_str(ELLIPSIS);
            }
            self.pieces.push((offset + bytes[lo], offset + bytes[hi], self.text.len()));
            self.text.push_str(&content[bytes[lo]..bytes[hi]]);
            previous_end = hi;
        }
        if previous_end < chars {
            self.text.push_str(ELLIPSIS);
        }
    }

    /// Where byte `offset` of the original is in the cut text (an offset that was cut out
    /// goes to the end of the piece before it).
    pub fn map(&self, offset: usize) -> usize {
        let index = self.pieces.partition_point(|p| p.0 <= offset);
        match index.checked_sub(1).map(|i| self.pieces[i]) {
            Some((start, end, at)) => at + offset.min(end) - start,
            None => 0,
        }
    }
}

/// The 1-based column of byte `offset` of `text`, in characters, as ariadne counts it.
pub fn column(text: &str, offset: usize) -> usize {
    let line_start =
        text[..offset].rfind(SEPARATORS).map_or(0, |at| at + text[at..].chars().next().map_or(1, char::len_utf8));
    text[line_start..offset].chars().count() + 1
}

/// Put the right column into the location ariadne printed for a source from its cut text:
/// the first ` NAME:LINE:COLUMN ` after `from` in `rendered` gets `column`. Returns where the
/// search for the next source's location may start.
pub fn fix_location(rendered: &mut String, from: usize, name: &str, column: usize) -> usize {
    let needle = format!(" {name}:");
    let mut search = from;
    while let Some(found) = rendered[search..].find(&needle) {
        let at = search + found + needle.len();
        let rest = &rendered[at..];
        let line_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if line_digits > 0 && rest[line_digits..].starts_with(':') {
            let column_start = at + line_digits + 1;
            let column_digits = rendered[column_start..].bytes().take_while(u8::is_ascii_digit).count();
            if column_digits > 0 && rendered[column_start + column_digits..].starts_with(' ') {
                rendered.replace_range(column_start..column_start + column_digits, &column.to_string());
                return column_start;
            }
        }
        search = at;
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept_and_map_to_themselves() {
        let text = "short line\nanother one\r\nlast";
        let cut = CutText::new(text, &[3, 14]);
        assert!(!cut.cut);
        assert_eq!(cut.text, text);
        for offset in 0..=text.len() {
            assert_eq!(cut.map(offset), offset);
        }
    }

    #[test]
    fn a_long_line_keeps_a_window_around_each_point() {
        let long = format!("{}é{}TARGET{}", "a".repeat(1000), "b".repeat(999), "c".repeat(1000));
        let text = format!("first\n{long}\nlast\n");
        let target = text.find("TARGET").expect("target");
        let cut = CutText::new(&text, &[target, target + 6]);
        assert!(cut.cut);
        assert!(cut.text.len() < 200, "{}", cut.text);
        assert_eq!(cut.text.lines().count(), text.lines().count(), "line numbers stay the same");
        let (start, end) = (cut.map(target), cut.map(target + 6));
        assert_eq!(&cut.text[start..end], "TARGET");
        assert!(cut.text.contains("\n...") && cut.text.contains("...\nlast\n"), "{}", cut.text);
        assert_eq!(cut.map(0), 0);
        assert_eq!(&cut.text[cut.map(text.find("last").expect("last"))..], "last\n");
    }

    #[test]
    fn points_far_apart_on_one_line_get_windows_of_their_own() {
        let text = format!("{}A{}B{}", "x".repeat(500), "y".repeat(5000), "z".repeat(500));
        let (a, b) = (text.find('A').expect("A"), text.find('B').expect("B"));
        let cut = CutText::new(&text, &[a, b]);
        assert_eq!(&cut.text[cut.map(a)..cut.map(a) + 1], "A");
        assert_eq!(&cut.text[cut.map(b)..cut.map(b) + 1], "B");
        assert_eq!(cut.text.matches(ELLIPSIS).count(), 3, "{}", cut.text);
    }

    #[test]
    fn columns_count_characters() {
        let text = "ab\nçé=x";
        assert_eq!(column(text, 0), 1);
        assert_eq!(column(text, 3), 1);
        assert_eq!(column(text, text.find('=').expect("=")), 3);
    }
}
