//! Maps key paths (`family.phone`, `needs.1`) to their places in a YAML
//! source, so that checks running after parsing can point at the exact
//! line and column. Built only for files that have diagnostics.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

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
            let Ok((event, span)) = event else { break };
            match event {
                Event::Scalar(text, ..) => map.scalar(&mut stack, text.into_owned(), span),
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
