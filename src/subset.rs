//! Reads, line by line, the part of YAML that records are usually written
//! in, and hands the same events with the same places to a [`Builder`] as
//! saphyr-parser would. That part has a mapping at the root, block
//! mappings and block lists below it, and keys made of ASCII letters,
//! digits, `_` and `-`. Its values are plain or quoted text on one line,
//! `|` or `|-` blocks of text, and lists in brackets on one line.
//!
//! Anything else returns `None` and the caller parses the file with
//! saphyr-parser, so this module only needs to be right about what it
//! accepts. In debug builds [`tree::parse`](crate::tree::parse) compares
//! every document it accepts with saphyr-parser's reading.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

use crate::tree::Builder;

/// Deepest nesting of blocks this reader follows before it leaves the file
/// to saphyr-parser. Records are at most four levels deep.
const MAX_DEPTH: usize = 16;

/// Reads `source` into `builder`, or returns `None` when `source` uses YAML
/// outside the part this module reads. The builder is then half filled and
/// must be dropped.
pub(crate) fn parse(source: &str, builder: &mut Builder) -> Option<()> {
    if !plain_bytes(source.as_bytes()) {
        return None;
    }
    let mut reader = Reader {
        source,
        builder,
        offset: 0,
        number: 0,
        next: None,
    };
    reader.advance()?;
    let first = reader.next?;
    if first.indent != 0 {
        return None;
    }
    reader.mapping(first, 0, 0)?;
    match reader.next {
        None => Some(()),
        Some(_) => None,
    }
}

/// Returns whether `bytes` contains only characters that this reader treats as
/// text: no TAB, carriage return or other control character, no byte-order
/// mark or non-character, no line or paragraph separator. YAML parsers
/// differ on those, so files that contain them go to the full parser.
fn plain_bytes(bytes: &[u8]) -> bool {
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match byte {
            b'\n' => {}
            0..0x20 | 0x7f => return false,
            // C1 control characters, U+0080 to U+009F.
            0xc2 if matches!(bytes.get(index + 1), Some(0x80..=0x9f)) => return false,
            // U+2028 and U+2029.
            0xe2 if bytes.get(index + 1) == Some(&0x80)
                && matches!(bytes.get(index + 2), Some(0xa8 | 0xa9)) =>
            {
                return false;
            }
            // U+FEFF, U+FFFE and U+FFFF.
            0xef if matches!(
                (bytes.get(index + 1), bytes.get(index + 2)),
                (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
            ) =>
            {
                return false;
            }
            _ => {}
        }
        index += 1;
    }
    true
}

/// A line that contains more than spaces and a comment.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Line number, from 1.
    number: usize,
    /// Number of spaces before its first character.
    indent: usize,
    /// The line after its indentation, without the line break.
    text: &'a str,
}

struct Reader<'s, 'b> {
    source: &'s str,
    builder: &'b mut Builder,
    /// Byte offset of the line after [`Reader::next`].
    offset: usize,
    /// Number of the last line read, from 1.
    number: usize,
    /// The next line that contains content, or `None` at the end.
    next: Option<Line<'s>>,
}

impl<'s> Reader<'s, '_> {
    /// Reads the next line with content into [`Reader::next`], skipping
    /// empty lines and comments. Returns `None` on a document marker or a
    /// directive.
    fn advance(&mut self) -> Option<()> {
        self.next = None;
        while self.offset < self.source.len() {
            let line = self.take_line();
            let text = line.trim_start_matches(' ');
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let indent = line.len() - text.len();
            if indent == 0
                && (text.starts_with("---") || text.starts_with("...") || text.starts_with('%'))
            {
                return None;
            }
            self.next = Some(Line {
                number: self.number,
                indent,
                text,
            });
            break;
        }
        Some(())
    }

    /// Returns the next raw line, without its line break, and moves past it.
    fn take_line(&mut self) -> &'s str {
        let rest = &self.source[self.offset..];
        let length = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        self.offset += (length + 1).min(rest.len());
        self.number += 1;
        &rest[..length]
    }

    fn emit(&mut self, event: Event<'s>, start: (usize, usize), end: (usize, usize)) -> Option<()> {
        let span = Span::new(
            Marker::new(0, start.0, start.1),
            Marker::new(0, end.0, end.1),
        );
        self.builder.event(event, span)
    }

    fn emit_scalar(
        &mut self,
        text: Cow<'s, str>,
        style: ScalarStyle,
        start: (usize, usize),
        end: (usize, usize),
    ) -> Option<()> {
        self.emit(Event::Scalar(text, style, 0, None), start, end)
    }

    /// Reads a block mapping whose keys start in column `indent` (counted in
    /// characters). `first` is its first line, which the reader has just
    /// passed. For a mapping inside a list, `first` starts after the dash.
    fn mapping(&mut self, first: Line<'s>, indent: usize, depth: usize) -> Option<()> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let place = (first.number, indent);
        self.emit(Event::MappingStart(0, None), place, place)?;
        let mut line = first;
        loop {
            let text = line.text;
            let key_length = key_length(text)?;
            let number = line.number;
            self.emit_scalar(
                Cow::Borrowed(&text[..key_length]),
                ScalarStyle::Plain,
                (number, indent),
                (number, indent + key_length),
            )?;
            let colon = indent + key_length;
            let after = &text[key_length + 1..];
            let value = after.trim_start_matches(' ');
            let column = colon + 1 + (after.len() - value.len());
            if let Some(header) = value.strip_prefix('|') {
                self.literal(header, indent)?;
            } else {
                self.advance()?;
                if value.is_empty() || value.starts_with('#') {
                    self.nested(indent, (number, colon), depth)?;
                } else {
                    self.inline(value, (number, column), indent)?;
                }
            }
            match self.next {
                Some(next) if next.indent == indent && !is_entry(next.text) => line = next,
                Some(next) if next.indent > indent => return None,
                _ => break,
            }
        }
        self.emit(Event::MappingEnd, NOWHERE, NOWHERE)
    }

    /// Reads the value of a key with nothing after its colon: a mapping or
    /// list on the lines below, or else an empty value placed at the colon.
    fn nested(&mut self, indent: usize, colon: (usize, usize), depth: usize) -> Option<()> {
        match self.next {
            Some(next) if next.indent > indent => {
                if is_entry(next.text) {
                    self.list(next, false, depth + 1)
                } else {
                    self.mapping(next, next.indent, depth + 1)
                }
            }
            Some(next) if next.indent == indent && is_entry(next.text) => {
                self.list(next, true, depth + 1)
            }
            _ => self.emit_scalar(Cow::Borrowed(""), ScalarStyle::Plain, colon, colon),
        }
    }

    /// Reads a block list whose dashes are in the column of `first`. The
    /// dashes of an `indentless` list are in the column of its key.
    fn list(&mut self, first: Line<'s>, indentless: bool, depth: usize) -> Option<()> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let dash = first.indent;
        // The column of a line's item. The dash and spaces before it are ASCII.
        let item_column = |text: &str| dash + text.len() - text[1..].trim_start_matches(' ').len();
        // saphyr-parser places an indentless list at its first item.
        let place = (
            first.number,
            if indentless {
                item_column(first.text)
            } else {
                dash
            },
        );
        self.emit(Event::SequenceStart(0, None), place, place)?;
        let mut line = first;
        loop {
            let item = line.text[1..].trim_start_matches(' ');
            let column = item_column(line.text);
            if item.is_empty() || item.starts_with(['#', '-', '|', '>']) {
                return None;
            }
            if key_length(item).is_some() {
                let entry = Line {
                    number: line.number,
                    indent: column,
                    text: item,
                };
                self.mapping(entry, column, depth + 1)?;
            } else {
                self.advance()?;
                self.inline(item, (line.number, column), dash)?;
            }
            match self.next {
                Some(next) if next.indent == dash && is_entry(next.text) => line = next,
                Some(next) if next.indent > dash => return None,
                Some(next) if next.indent == dash && !indentless => return None,
                _ => break,
            }
        }
        self.emit(Event::SequenceEnd, NOWHERE, NOWHERE)
    }

    /// Reads a value written on the line of its key or dash, starting at
    /// `start`. The lines below must not continue it, so the next line may
    /// not be indented deeper than `indent`.
    fn inline(&mut self, value: &'s str, start: (usize, usize), indent: usize) -> Option<()> {
        if self.next.is_some_and(|next| next.indent > indent) {
            return None;
        }
        let (number, column) = start;
        match value.as_bytes()[0] {
            b'"' | b'\'' => {
                let (text, style, length) = quoted(value)?;
                after_value(&value[length..])?;
                // saphyr-parser ends quoted text at the end of its line,
                // after any spaces and comment.
                let end = column + width(value);
                self.emit_scalar(text, style, start, (number, end))
            }
            b'[' => self.flow_list(value, start),
            _ => {
                let text = plain_text(value)?;
                let end = (number, column + width(text));
                self.emit_scalar(Cow::Borrowed(text), ScalarStyle::Plain, start, end)
            }
        }
    }

    /// Reads a list in brackets that closes on its line, such as `[1, 3]`,
    /// whose items are plain or quoted text.
    fn flow_list(&mut self, value: &'s str, start: (usize, usize)) -> Option<()> {
        let (number, column) = start;
        let inside = &value[1..];
        let mut rest = inside.trim_start_matches(' ');
        let mut at = column + 1 + (inside.len() - rest.len());
        self.emit(Event::SequenceStart(0, None), start, (number, at))?;
        if let Some(after) = rest.strip_prefix(']') {
            rest = after;
        } else {
            loop {
                let (text, style, length) = if rest.starts_with(['"', '\'']) {
                    quoted(rest)?
                } else {
                    let length = rest.find([',', ']']).unwrap_or(rest.len());
                    let item = rest[..length].trim_end_matches(' ');
                    if !is_flow_plain(item) {
                        return None;
                    }
                    (Cow::Borrowed(item), ScalarStyle::Plain, item.len())
                };
                let after = &rest[length..];
                let separator = after.trim_start_matches(' ');
                let spaces = after.len() - separator.len();
                let end = at + width(&rest[..length]);
                // saphyr-parser ends quoted text after the spaces that
                // follow it.
                let shown = match style {
                    ScalarStyle::Plain => end,
                    _ => end + spaces,
                };
                self.emit_scalar(text, style, (number, at), (number, shown))?;
                at = end + spaces;
                let after_separator = separator.get(1..)?;
                match separator.as_bytes().first()? {
                    b']' => {
                        rest = after_separator;
                        break;
                    }
                    b',' => {}
                    _ => return None,
                }
                rest = after_separator.trim_start_matches(' ');
                at += 1 + (after_separator.len() - rest.len());
                if rest.is_empty() || rest.starts_with([']', ',']) {
                    return None;
                }
            }
        }
        after_value(rest)?;
        self.emit(Event::SequenceEnd, NOWHERE, NOWHERE)
    }

    /// Reads a `|` or `|-` block of text under a key in column `indent`.
    /// `header` is what follows the `|` on the key's line, which the reader
    /// has not passed yet.
    fn literal(&mut self, header: &str, indent: usize) -> Option<()> {
        let (strip, comment) = match header.strip_prefix('-') {
            Some(comment) => (true, comment),
            None => (false, header),
        };
        after_value(comment)?;

        let source = self.source;
        let mut number = self.number;
        let mut offset = self.offset;
        let mut block_indent = None;
        let mut start = NOWHERE;
        let mut leading = 0;
        let mut content = String::new();
        let mut breaks = 0;

        let end = loop {
            if offset >= source.len() {
                break (number + 1, 0);
            }
            let rest = &source[offset..];
            let length = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
            let line = &rest[..length];
            let text = line.trim_start_matches(' ');
            let spaces = line.len() - text.len();
            match block_indent {
                _ if text.is_empty() && length == rest.len() => return None,
                None if text.is_empty() => {
                    if spaces > 0 {
                        return None;
                    }
                    leading += 1;
                }
                Some(block) if text.is_empty() => {
                    if spaces > block {
                        return None;
                    }
                    breaks += 1;
                }
                None => {
                    if spaces <= indent {
                        return None;
                    }
                    block_indent = Some(spaces);
                    start = (number + 1, spaces);
                    content.push_str(text);
                }
                Some(block) if spaces < block => {
                    if spaces > indent || text.starts_with('#') {
                        return None;
                    }
                    break (number + 1, spaces);
                }
                Some(block) => {
                    for _ in 0..=breaks {
                        content.push('\n');
                    }
                    breaks = 0;
                    content.push_str(&line[block..]);
                }
            }
            number += 1;
            if length == rest.len() {
                // The last line of the source, without a line break.
                offset = source.len();
                break (number, width(line));
            }
            offset += length + 1;
        };
        block_indent?;

        let mut text = "\n".repeat(leading);
        text.push_str(&content);
        if !strip {
            text.push('\n');
        }

        self.offset = offset;
        self.number = number;
        self.advance()?;
        self.emit_scalar(Cow::Owned(text), ScalarStyle::Literal, start, end)
    }
}

/// The place given to events whose place is never kept.
const NOWHERE: (usize, usize) = (0, 0);

/// Returns whether `text` starts a list item.
fn is_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Maximum key length, in characters, that saphyr-parser 0.3.4 accepts in a
/// block mapping. Its scanner rejects a key whose `:` comes more than this
/// many characters after the key's start, and YAML 1.2 sets the same limit
/// for implicit keys.
const MAX_KEY_LENGTH: usize = 1024;

/// Returns the length of the key at the start of `text`, when `text` is a
/// key line such as `size: 4` or `visits:`. Keys start with an ASCII letter
/// or `_`, then go on with ASCII letters, digits, `_` and `-`, and are at
/// most [`MAX_KEY_LENGTH`] long.
fn key_length(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() && bytes[0] != b'_' {
        return None;
    }
    let length = bytes
        .iter()
        .position(|&byte| !(byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-')))?;
    match bytes.get(length + 1) {
        _ if bytes[length] != b':' || length > MAX_KEY_LENGTH => None,
        None | Some(b' ') => Some(length),
        Some(_) => None,
    }
}

/// Checks what follows a value on its line: `Some(false)` for nothing but
/// spaces, `Some(true)` for a comment after a space, `None` for anything else.
fn after_value(rest: &str) -> Option<bool> {
    let trailing = rest.trim_start_matches(' ');
    if trailing.is_empty() {
        Some(false)
    } else if trailing.starts_with('#') && trailing.len() < rest.len() {
        Some(true)
    } else {
        None
    }
}

/// Reads quoted text that closes on its line and returns its value, style
/// and length in bytes with the quotes. Double-quoted text with a backslash
/// is left to the full parser.
fn quoted(value: &str) -> Option<(Cow<'_, str>, ScalarStyle, usize)> {
    let inside = &value[1..];
    if value.starts_with('"') {
        let close = inside.find(['"', '\\'])?;
        if inside.as_bytes()[close] == b'\\' {
            return None;
        }
        return Some((
            Cow::Borrowed(&inside[..close]),
            ScalarStyle::DoubleQuoted,
            close + 2,
        ));
    }
    let mut text: Option<String> = None;
    let mut from = 0;
    loop {
        let close = from + inside[from..].find('\'')?;
        if inside.as_bytes().get(close + 1) == Some(&b'\'') {
            // Two quotes are one quote in the text.
            text.get_or_insert_with(String::new)
                .push_str(&inside[from..=close]);
            from = close + 2;
            continue;
        }
        let value = match text {
            Some(mut text) => {
                text.push_str(&inside[from..close]);
                Cow::Owned(text)
            }
            None => Cow::Borrowed(&inside[..close]),
        };
        return Some((value, ScalarStyle::SingleQuoted, close + 2));
    }
}

/// Characters that may not start plain text, since each has a meaning of
/// its own in YAML.
const INDICATORS: &[char] = &[
    '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
];

/// Returns the text of a plain value that runs to the end of its line or to
/// a comment, or `None` when YAML would read it otherwise.
fn plain_text(value: &str) -> Option<&str> {
    if value.starts_with(INDICATORS) || value == "-" || value.starts_with("- ") {
        return None;
    }
    let end = value.find(" #").unwrap_or(value.len());
    let text = value[..end].trim_end_matches(' ');
    if text.contains(": ") || text.ends_with(':') {
        return None;
    }
    Some(text)
}

/// Returns whether `item` is plain text that a list in brackets reads as is.
/// An item ending in a space and `-`, such as `1 -` in `[1 -]`, is not,
/// because saphyr-parser 0.3.4 fails on a `-` between a space and `,` or
/// `]`. serde_yaml reads such an item as text.
fn is_flow_plain(item: &str) -> bool {
    !item.is_empty()
        && !item.starts_with(INDICATORS)
        && !item.starts_with("- ")
        && item != "-"
        && !item.ends_with(" -")
        && !item.contains([':', '#', '[', ']', '{', '}', '"', '\''])
}

/// Returns the number of characters in `text`, which is its width in
/// saphyr-parser's columns.
fn width(text: &str) -> usize {
    text.bytes().filter(|&byte| byte & 0xc0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Builder, parse_events};
    use proptest::prelude::*;

    /// Reads `source` with this module, or `None` where it declines.
    fn quick(source: &str) -> Option<String> {
        let mut builder = Builder::default();
        parse(source, &mut builder)?;
        let tree = builder.finish()?;
        Some(format!("{:?}", (&tree.value, &tree.spans)))
    }

    /// Asserts that this module reads `source` as saphyr-parser does, or
    /// declines it.
    fn agrees(source: &str) -> bool {
        let Some(quick) = quick(source) else {
            return false;
        };
        let full = parse_events(source).map(|tree| format!("{:?}", (&tree.value, &tree.spans)));
        if full.as_ref() != Some(&quick) {
            let full = full.unwrap_or_default();
            // Show where the two readings part, which the long
            // descriptions would otherwise hide.
            let same = quick
                .chars()
                .zip(full.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let around = |text: &str| -> String {
                text.chars()
                    .skip(same.saturating_sub(120))
                    .take(180)
                    .collect()
            };
            panic!(
                "{source:?}\nline parser: …{}\nsaphyr:      …{}",
                around(&quick),
                around(&full)
            );
        }
        true
    }

    #[test]
    fn reads_a_record() {
        let source = "# 家庭\nuniversity: 郑州大学\nworker:\n  name: 张三\n  phone: \"13800000000\"  # 手机\nfamily:\n  grades: [初中一年级, '小学''二年级' ]\nneeds: []\nempty:\nplan: |\n  第一行\n\n  **第二行**: 好\napproval:\n  date: 2020-02-17\nvisits:\n  - date: 2020-02-22\n    note: |-\n      已完成\n  -   date: 2020-02-23\nroster:\n- name: 甲\n  skills: [a]\n- 乙\nlast: x # y\n";
        assert!(agrees(source));
    }

    #[test]
    fn declines_other_yaml() {
        for source in [
            "",
            "# only a comment\n",
            "- a\n",
            "a: &x 1\n",
            "a: \"x\\ty\"\n",
            "a: {b: 1}\n",
            "a: >\n  x\n",
            "a: |+\n  x\n",
            "a: |2\n  x\n",
            "a: b\n  c\n",
            "a: \"x\n  y\"\n",
            "a: [1,\n  2]\n",
            "a: [1,]\n",
            "a: [1 -]\n",
            "a: [初中 -, 小学]\n",
            "a: [x  -,y]\n",
            "a: [x - ]\n",
            "a\tb: 1\n",
            "a: 1\r\n",
            "\u{feff}a: 1\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "a: b: c\n",
            "名字: 张三\n",
            "a: 1\n  b: 2\n",
            "a:\n  - x\n  y: 1\n",
            "a: |\n  x\n # c\nb: 1\n",
            "a: |\n    \n  x\n",
        ] {
            assert!(!agrees(source), "{source:?}");
        }
    }

    #[test]
    fn declines_keys_longer_than_the_limit() {
        let longest = "k".repeat(MAX_KEY_LENGTH);
        let too_long = "k".repeat(MAX_KEY_LENGTH + 1);
        assert!(agrees(&format!("a: 1\n{longest}: 1\n")));
        assert!(!agrees(&format!("a: 1\n{too_long}: 1\n")));
        assert!(!agrees(&format!("{too_long}: 1\n")));
        assert!(!agrees(&format!("a:\n  - {too_long}: 1\n")));
        assert!(!agrees(&format!("a:\n  b: 1\n  {too_long}:\n")));
    }

    /// Pieces of record-like YAML, a few of them outside what this module
    /// reads, so that generated documents test both acceptance and places.
    fn scalar() -> impl Strategy<Value = String> {
        let usual = prop::sample::select(vec![
            "张三",
            "1",
            "-3",
            "0x1f",
            "true",
            "null",
            "~",
            "2020-02-17",
            "a b",
            "a:b",
            "\"138\"",
            "'x''y'",
            "\"\"",
            "''",
            "x #c",
            "\"q\" # c",
            "'q'  ",
            "[1, 2]",
            "[ 初中 ,小学 ]",
            "[]",
            "[ ]",
            "[\"a\" , 'b' ]",
            "[a b]",
            "中文：全角",
            "1.5",
            ".inf",
            "007",
            "x  # c",
        ]);
        let odd = prop::sample::select(vec![
            "-",
            "- x",
            "{a: 1}",
            "*x",
            "&a b",
            "!t x",
            "|x",
            ">",
            "a: b",
            "x:",
            "#",
            "  # c",
            "\"a\\\"b\"",
            "@x",
            "%x",
            "[a,]",
            "[a",
            "'x",
            "\"x",
            "[a]x",
            "\"x\"y",
            "[a -]",
            "[a -, b]",
        ]);
        prop_oneof![30 => usual, 1 => odd].prop_map(str::to_owned)
    }

    fn key() -> impl Strategy<Value = String> {
        let usual = prop::sample::select(vec!["a", "b", "name", "plan", "size", "_k", "k-1", "c2"]);
        let odd = prop::sample::select(vec!["true", "null", "1", "名字", "a b", "a:", "\"q\""]);
        prop_oneof![30 => usual, 1 => odd].prop_map(str::to_owned)
    }

    /// Generates the lines of a `|` block, some blank or oddly indented.
    fn literal_lines() -> impl Strategy<Value = Vec<(usize, String)>> {
        let line = prop_oneof![
            12 => prop::sample::select(vec!["第一行", "x: y", "# 不是注释", "- 项", "**粗体**"])
                .prop_map(|text| (0, text.to_owned())),
            3 => Just((0, String::new())),
            1 => (0usize..4, prop::sample::select(vec!["", "缩进"]))
                .prop_map(|(spaces, text)| (spaces, text.to_owned())),
        ];
        prop::collection::vec(line, 1..5)
    }

    #[derive(Debug, Clone)]
    enum Piece {
        Scalar(String),
        Literal(String, Vec<(usize, String)>),
        Mapping(Vec<(String, Piece)>),
        List(Vec<Piece>, bool),
    }

    fn piece() -> impl Strategy<Value = Piece> {
        let header = prop::sample::select(vec![
            "|", "|-", "|  # c", "|- #c", "|", "|-", "|", "|-", "|", "|-", "|+", "|#",
        ]);
        let leaf = prop_oneof![
            6 => scalar().prop_map(Piece::Scalar),
            1 => (header, literal_lines())
                .prop_map(|(header, lines)| Piece::Literal(header.to_owned(), lines)),
        ];
        leaf.prop_recursive(3, 12, 4, |inner| {
            prop_oneof![
                prop::collection::vec((key(), inner.clone()), 1..4).prop_map(Piece::Mapping),
                (prop::collection::vec(inner, 1..3), any::<bool>())
                    .prop_map(|(items, indentless)| Piece::List(items, indentless)),
            ]
        })
    }

    /// Writes `entries` as a block mapping indented by `indent` spaces.
    fn write_mapping(out: &mut String, entries: &[(String, Piece)], indent: usize, first: bool) {
        for (index, (key, value)) in entries.iter().enumerate() {
            if index > 0 || !first {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(key);
            out.push(':');
            write_value(out, value, indent);
        }
    }

    fn write_value(out: &mut String, value: &Piece, indent: usize) {
        match value {
            Piece::Scalar(text) => {
                out.push(' ');
                out.push_str(text);
                out.push('\n');
            }
            Piece::Literal(header, lines) => {
                out.push(' ');
                out.push_str(header);
                out.push('\n');
                for (spaces, text) in lines {
                    if text.is_empty() {
                        out.push_str(&" ".repeat(*spaces));
                    } else {
                        out.push_str(&" ".repeat(indent + 1 + spaces));
                        out.push_str(text);
                    }
                    out.push('\n');
                }
            }
            Piece::Mapping(entries) => {
                out.push('\n');
                write_mapping(out, entries, indent + 2, false);
            }
            Piece::List(items, indentless) => {
                out.push('\n');
                let dash = if *indentless { indent } else { indent + 2 };
                for item in items {
                    out.push_str(&" ".repeat(dash));
                    out.push('-');
                    match item {
                        Piece::Mapping(entries) => {
                            out.push(' ');
                            write_mapping(out, entries, dash + 2, true);
                        }
                        other => write_value(out, other, dash),
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn agrees_with_saphyr_or_declines(
            entries in prop::collection::vec((key(), piece()), 1..5),
            comment in any::<bool>(),
            no_final_break in any::<bool>(),
        ) {
            let mut source = String::new();
            if comment {
                source.push_str("# 注释\n\n");
            }
            write_mapping(&mut source, &entries, 0, false);
            if no_final_break {
                source.pop();
            }
            agrees(&source);
        }
    }
}
