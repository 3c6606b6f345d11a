//! Maps key paths (`family.phone`, `needs.1`) to their places in a YAML
//! source, so that checks running after parsing can point at the exact
//! line and column. Built only for files that have diagnostics.

use std::collections::{BTreeSet, HashMap};

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diagnostic::{Part, Position};

/// The places of one key-value pair: the key (absent for list items) and the value.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub key: Option<(Position, Position)>,
    pub value: (Position, Position),
}

/// Every key path of a document with its place.
#[derive(Debug, Default)]
pub struct SourceMap {
    places: HashMap<String, Place>,
    duplicates: Vec<Duplicate>,
    /// Lines holding part of an unquoted (plain) key or value.
    plain_lines: BTreeSet<usize>,
    /// Lines of text of a block scalar (`|`, `>`) and the lines after the
    /// first of a quoted scalar. They are text, not structure, so a colon or
    /// a leading space there means nothing.
    text_lines: BTreeSet<usize>,
    /// Every key read, with its path, in source order.
    keys: Vec<(Position, String)>,
    /// Quoted scalars that run over more than one line.
    quoted: Vec<ScalarSpan>,
    /// Position of the syntax error that stopped saphyr-parser, with its reason.
    error: Option<(Position, String)>,
}

/// The place and quoting style of one scalar.
#[derive(Debug, Clone, Copy)]
pub struct ScalarSpan {
    pub style: ScalarStyle,
    pub start: Position,
    pub end: Position,
}

/// A key written twice in one mapping.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub key_path: String,
    pub first: Position,
    pub second: (Position, Position),
}

/// Nesting depth below which keys are recorded. Records are at most four
/// levels deep; the cap keeps a hostile file of deep brackets linear.
const MAX_DEPTH: usize = 16;

enum Frame {
    Mapping {
        path: String,
        key: Option<(String, Span)>,
        /// Keys met so far, with where each was first written.
        seen: HashMap<String, Position>,
    },
    Sequence {
        path: String,
        index: usize,
    },
    /// A mapping or sequence used as a key, which the record format never has.
    Ignored,
}

impl SourceMap {
    /// Parses `source` and records the place of every key and value it can reach.
    /// A syntax error ends the walk; the places found before it are kept.
    pub fn build(source: &str) -> SourceMap {
        let mut map = SourceMap::default();
        let mut stack: Vec<Frame> = Vec::new();
        for event in Parser::new_from_str(source) {
            let (event, span) = match event {
                Ok(event) => event,
                Err(error) => {
                    let mark = error.marker();
                    let position = Position {
                        line: mark.line().max(1),
                        column: mark.col() + 1,
                    };
                    map.error = Some((position, error.info().to_owned()));
                    break;
                }
            };
            match event {
                Event::Scalar(text, style, ..) => {
                    map.note_lines(style, span);
                    map.scalar(&mut stack, text.into_owned(), span);
                }
                Event::Alias(_) => map.scalar(&mut stack, String::new(), span),
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let mapping = matches!(event, Event::MappingStart(..));
                    map.open(&mut stack, mapping, span);
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        map
    }

    /// Returns the position of the key or value at `key_path`. An absent path
    /// falls back to the key of its nearest recorded ancestor, then to line 1.
    pub fn resolve(&self, key_path: &str, part: Part) -> (Position, Position) {
        let mut path = key_path;
        let mut exact = true;
        loop {
            if let Some(place) = self.places.get(path) {
                return match (part, place.key) {
                    (Part::Key, Some(key)) => key,
                    (Part::Value, Some(key)) if !exact => key,
                    _ => place.value,
                };
            }
            match path.rfind('.') {
                Some(dot) => path = &path[..dot],
                None if !path.is_empty() => path = "",
                None => break,
            }
            exact = false;
        }
        let start = Position { line: 1, column: 1 };
        (start, start)
    }

    /// Returns the keys written twice in one mapping, in source order.
    pub fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }

    /// Returns the value at `key_path` exactly as written in `source`, when it
    /// is on one line.
    pub fn written(&self, source: &str, key_path: &str) -> Option<String> {
        let (start, end) = self.places.get(key_path)?.value;
        written_between(source, start, end)
    }

    /// Returns where saphyr-parser stopped on a syntax error, and its reason.
    /// It notices some mistakes where serde_yaml does not, and reports an
    /// unclosed quote at the quote itself.
    pub fn error(&self) -> Option<(Position, &str)> {
        self.error
            .as_ref()
            .map(|(position, reason)| (*position, reason.as_str()))
    }

    /// Returns whether part of an unquoted key or value is on `line`.
    pub fn is_plain_line(&self, line: usize) -> bool {
        self.plain_lines.contains(&line)
    }

    /// Returns whether `line` continues a block or quoted scalar begun above it.
    pub fn is_text_line(&self, line: usize) -> bool {
        self.text_lines.contains(&line)
    }

    /// Returns the quoted scalars that run over more than one line, in source order.
    pub fn multiline_quoted(&self) -> impl Iterator<Item = ScalarSpan> + '_ {
        self.quoted.iter().copied()
    }

    /// Returns the key path of a line that contains `key` indented by `indent`
    /// columns, such as a line the parser could not read as a key. The parent
    /// is the nearest key above the line that is indented less, or the list
    /// item that starts at the same column.
    pub fn key_path_of_line(&self, line: usize, indent: usize, key: &str) -> String {
        // Keys are noted as soon as they are read, so a key whose block the
        // parser failed in still counts as a parent.
        let keys = self
            .keys
            .iter()
            .filter(|(start, _)| start.column <= indent)
            .map(|(start, path)| (*start, path));
        let items = self
            .places
            .iter()
            .filter(|(path, place)| {
                place.key.is_none()
                    && place.value.0.column <= indent + 1
                    && path.ends_with(|c: char| c.is_ascii_digit())
            })
            .map(|(path, place)| (place.value.0, path));
        let parent = keys
            .chain(items)
            .filter(|(start, _)| start.line < line)
            .max_by_key(|(start, _)| *start)
            .map_or("", |(_, path)| path.as_str());
        join(parent, key)
    }

    fn note_lines(&mut self, style: ScalarStyle, span: Span) {
        let (start, end) = positions(span);
        // A block scalar ends at the start of the line after its text.
        let last = if end.column == 1 && end.line > start.line {
            end.line - 1
        } else {
            end.line
        };
        // A block scalar's span starts at its first line of text and is empty
        // when it has none. A quoted scalar's span starts at the quote, on the
        // line of its key.
        match style {
            ScalarStyle::Plain => self.plain_lines.extend(start.line..=last),
            ScalarStyle::Literal | ScalarStyle::Folded if start != end => {
                self.text_lines.extend(start.line..=last);
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {}
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                self.text_lines.extend(start.line + 1..=last);
                if last > start.line {
                    self.quoted.push(ScalarSpan { style, start, end });
                }
            }
        }
    }

    fn scalar(&mut self, stack: &mut [Frame], text: String, span: Span) {
        match stack.last_mut() {
            Some(Frame::Mapping {
                key: key @ None,
                path,
                seen,
            }) => {
                match seen.get(&text) {
                    Some(first) => self.duplicates.push(Duplicate {
                        key_path: join(path, &text),
                        first: *first,
                        second: positions(span),
                    }),
                    None => {
                        seen.insert(text.clone(), positions(span).0);
                    }
                }
                self.keys.push((positions(span).0, join(path, &text)));
                *key = Some((text, span));
            }
            _ => {
                self.value(stack, span);
            }
        }
    }

    fn open(&mut self, stack: &mut Vec<Frame>, mapping: bool, span: Span) {
        if stack.len() >= MAX_DEPTH
            || matches!(
                stack.last(),
                Some(Frame::Mapping { key: None, .. }) | Some(Frame::Ignored)
            )
        {
            stack.push(Frame::Ignored);
            return;
        }
        let path = self.value(stack, span);
        stack.push(if mapping {
            Frame::Mapping {
                path,
                key: None,
                seen: HashMap::new(),
            }
        } else {
            Frame::Sequence { path, index: 0 }
        });
    }

    /// Records a value at the current path, advances the parent and returns the path.
    fn value(&mut self, stack: &mut [Frame], span: Span) -> String {
        let (path, key) = match stack.last_mut() {
            None => (String::new(), None),
            Some(Frame::Mapping { path, key, .. }) => {
                let (name, key_span) = key.take().unwrap_or_default();
                (join(path, &name), Some(positions(key_span)))
            }
            Some(Frame::Sequence { path, index }) => {
                *index += 1;
                (join(path, &(*index - 1).to_string()), None)
            }
            Some(Frame::Ignored) => return String::new(),
        };
        let place = Place {
            key,
            value: positions(span),
        };
        self.places.entry(path.clone()).or_insert(place);
        path
    }
}

/// Returns the text of `source` from `start` to `end`, when both are on one
/// line and the text is not empty.
pub(crate) fn written_between(source: &str, start: Position, end: Position) -> Option<String> {
    if start.line != end.line {
        return None;
    }
    let line = source.lines().nth(start.line - 1)?;
    let text: String = line
        .chars()
        .skip(start.column - 1)
        .take(end.column.saturating_sub(start.column))
        .collect();
    (!text.is_empty()).then_some(text)
}

/// Joins a parent key path and one segment with a dot.
pub fn join(parent: &str, segment: &str) -> String {
    if parent.is_empty() {
        segment.to_owned()
    } else {
        format!("{parent}.{segment}")
    }
}

fn positions(span: Span) -> (Position, Position) {
    let convert = |line: usize, col: usize| Position {
        line: line.max(1),
        column: col + 1,
    };
    (
        convert(span.start.line(), span.start.col()),
        convert(span.end.line(), span.end.col()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(source: &str, path: &str, part: Part) -> (usize, usize) {
        let (start, _) = SourceMap::build(source).resolve(path, part);
        (start.line, start.column)
    }

    #[test]
    fn finds_nested_values_and_keys() {
        let source = "university: 郑州大学\nfamily:\n  size: 4\n  phone: \"138\"\n";
        assert_eq!(place(source, "university", Part::Value), (1, 13));
        assert_eq!(place(source, "family.phone", Part::Value), (4, 10));
        assert_eq!(place(source, "family.phone", Part::Key), (4, 3));
    }

    #[test]
    fn finds_list_items() {
        let source = "needs: [1, 7]\nvisits:\n  - date: 2020-02-30\n    mode: 线上\n";
        assert_eq!(place(source, "needs.1", Part::Value), (1, 12));
        assert_eq!(place(source, "visits.0.date", Part::Value), (3, 11));
    }

    #[test]
    fn missing_key_falls_back_to_parent_key() {
        let source = "a: 1\nworker:\n  name: 王某\n";
        assert_eq!(place(source, "worker.gender", Part::Value), (2, 1));
        assert_eq!(place(source, "nothing", Part::Value), (1, 1));
    }

    #[test]
    fn positions_survive_crlf_and_block_scalars() {
        let source = "plan: |\r\n  第一行\r\n  第二行\r\nteam: t1\r\n";
        assert_eq!(place(source, "team", Part::Value), (4, 7));
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn returns_values_as_written() {
        let source = "family:\n  phone: +8613800001234\n  size: 0x10\n";
        let map = SourceMap::build(source);
        let written = map.written(source, "family.phone");
        assert_eq!(written.as_deref(), Some("+8613800001234"));
        assert_eq!(map.written(source, "family.size").as_deref(), Some("0x10"));
    }

    #[test]
    fn finds_parent_of_unreadable_line() {
        let source = "family:\n  size: 4\nvisits:\n  - date: 2020-02-24\n    mode: 线上\n";
        let map = SourceMap::build(source);
        assert_eq!(map.key_path_of_line(3, 2, "phone"), "family.phone");
        assert_eq!(map.key_path_of_line(6, 4, "note"), "visits.0.note");
        assert_eq!(map.key_path_of_line(6, 0, "team"), "team");
    }

    #[test]
    fn separates_text_lines_from_plain_lines() {
        let source = "plan: |\n  第一行\n  第二行\nteam: a\n";
        let map = SourceMap::build(source);
        assert!(map.is_plain_line(1));
        assert!(map.is_text_line(2));
        assert!(map.is_text_line(3));
        assert!(!map.is_text_line(4));
        assert!(map.is_plain_line(4));
    }
}

#[cfg(test)]
mod duplicate_tests {
    use super::*;

    #[test]
    fn finds_second_occurrence_of_key() {
        let source = "team: a\nfamily:\n  size: 4\n  size: 5\nteam: b\n";
        let map = SourceMap::build(source);
        let found: Vec<(&str, usize, usize)> = map
            .duplicates()
            .iter()
            .map(|d| (d.key_path.as_str(), d.first.line, d.second.0.line))
            .collect();
        assert_eq!(found, [("family.size", 3, 4), ("team", 1, 5)]);
    }
}
