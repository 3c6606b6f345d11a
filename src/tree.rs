//! Parses a YAML source once with saphyr-parser into the same
//! `serde_yaml::Value` that `serde_yaml::from_str` returns, recording in the
//! same pass where each node is written. A key path resolves to the same
//! place as with [`SourceMap::resolve`](crate::locate::SourceMap::resolve),
//! so a file with diagnostics need not be parsed a second time.
//!
//! Only the YAML that records use is handled. Anything else, such as a
//! syntax error, an anchor, a tag, a duplicate key or a second document,
//! returns `None`, and the caller parses the file with serde_yaml instead.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_yaml::mapping::Entry;
use serde_yaml::{Mapping, Number, Value};

use crate::diagnostic::{Part, Position};
use crate::locate::join;
use crate::subset;

/// Nesting depth at which parsing gives up. [`SourceMap`] records no
/// places below the same depth, and records are at most four levels deep.
///
/// [`SourceMap`]: crate::locate::SourceMap
const MAX_DEPTH: usize = 16;

/// A parsed document with the places of its nodes.
#[derive(Debug)]
pub struct Tree {
    pub value: Value,
    pub spans: Spans,
}

/// Source places of every node of a document, in document order.
#[derive(Debug, Default)]
pub struct Spans {
    nodes: Vec<Node>,
    /// Text of every mapping key, one after another; nodes refer to ranges of it.
    keys: String,
}

/// One key-value pair, list item or the root.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Index of the parent node; the root has none.
    parent: Option<u32>,
    segment: Segment,
    /// Span of the key, for the value of a mapping entry.
    key: Option<Range>,
    value: Range,
}

/// The last part of a node's key path.
#[derive(Debug, Clone, Copy)]
enum Segment {
    Root,
    /// Byte range of the key's text in [`Spans::keys`].
    Key(u32, u32),
    /// Position in a list, from 0.
    Index(u32),
}

/// A start and an end position in the source, stored in 32 bits each.
#[derive(Debug, Clone, Copy)]
struct Range {
    start: (u32, u32),
    end: (u32, u32),
}

impl Range {
    fn from_span(span: Span) -> Option<Range> {
        let point = |line: usize, column: usize| -> Option<(u32, u32)> {
            Some((
                u32::try_from(line.max(1)).ok()?,
                u32::try_from(column + 1).ok()?,
            ))
        };
        Some(Range {
            start: point(span.start.line(), span.start.col())?,
            end: point(span.end.line(), span.end.col())?,
        })
    }

    fn positions(self) -> (Position, Position) {
        let position = |(line, column): (u32, u32)| Position {
            line: line as usize,
            column: column as usize,
        };
        (position(self.start), position(self.end))
    }
}

/// A mapping or sequence being read, with its node index.
enum Open {
    Mapping {
        node: u32,
        mapping: Mapping,
        /// The key read last, whose value comes next, with its node data.
        key: Option<(Value, Segment, Range)>,
    },
    Sequence {
        node: u32,
        items: Vec<Value>,
    },
}

/// Parses `source`, or returns `None` when the fast path cannot promise the
/// same value as `serde_yaml::from_str::<Value>`. Most records are read by
/// [`subset::parse`], which reads only the YAML that records are usually
/// written in. Any other file goes through saphyr-parser.
pub fn parse(source: &str) -> Option<Tree> {
    let mut builder = Builder::default();
    let quick = subset::parse(source, &mut builder).and_then(|()| builder.finish());
    #[cfg(debug_assertions)]
    if let Some(tree) = &quick {
        let full = parse_events(source);
        assert_eq!(
            full.as_ref()
                .map(|full| format!("{:?}", (&full.value, &full.spans))),
            Some(format!("{:?}", (&tree.value, &tree.spans))),
            "the line parser disagrees with saphyr-parser on {source:?}"
        );
    }
    quick.or_else(|| parse_events(source))
}

/// Parses `source` with saphyr-parser.
pub(crate) fn parse_events(source: &str) -> Option<Tree> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(source) {
        let (event, span) = event.ok()?;
        builder.event(event, span)?;
    }
    builder.finish()
}

/// A [`Tree`] being built from parser events.
#[derive(Default)]
pub(crate) struct Builder {
    spans: Spans,
    stack: Vec<Open>,
    root: Option<Value>,
    documents: usize,
}

impl Builder {
    /// Takes the next event, or returns `None` when the document contains
    /// something the fast path does not handle.
    pub(crate) fn event(&mut self, event: Event<'_>, span: Span) -> Option<()> {
        let Builder {
            spans,
            stack,
            root,
            documents,
        } = self;
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                *documents += 1;
                if *documents > 1 {
                    return None;
                }
            }
            Event::Alias(_) => return None,
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                if let Some(Open::Mapping {
                    key: key @ None, ..
                }) = stack.last_mut()
                {
                    // A plain `<<` is a merge key, which serde_yaml keeps
                    // as text but other YAML tools expand.
                    if style == ScalarStyle::Plain && text == "<<" {
                        return None;
                    }
                    let start = u32::try_from(spans.keys.len()).ok()?;
                    spans.keys.push_str(&text);
                    let end = u32::try_from(spans.keys.len()).ok()?;
                    let value = resolve_scalar(text, style)?;
                    *key = Some((value, Segment::Key(start, end), Range::from_span(span)?));
                    return Some(());
                }
                let value = resolve_scalar(text, style)?;
                spans.push(stack, span)?;
                attach(stack, root, value)?;
            }
            Event::MappingStart(anchor, ref tag) | Event::SequenceStart(anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= MAX_DEPTH {
                    return None;
                }
                // A mapping or sequence used as a key.
                if let Some(Open::Mapping { key: None, .. }) = stack.last() {
                    return None;
                }
                let node = spans.push(stack, span)?;
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Open::Mapping {
                        node,
                        mapping: Mapping::new(),
                        key: None,
                    }
                } else {
                    Open::Sequence {
                        node,
                        items: Vec::new(),
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let value = match stack.pop()? {
                    Open::Mapping { mapping, .. } => Value::Mapping(mapping),
                    Open::Sequence { items, .. } => Value::Sequence(items),
                };
                attach(stack, root, value)?;
            }
        }
        Some(())
    }

    /// Returns the document, or `None` when a mapping or sequence is still open.
    pub(crate) fn finish(self) -> Option<Tree> {
        if !self.stack.is_empty() {
            return None;
        }
        Some(Tree {
            value: self.root.unwrap_or(Value::Null),
            spans: self.spans,
        })
    }
}

/// Adds a finished value to the mapping or sequence that contains it, or
/// makes it the root. Returns `None` on a key that the mapping already has.
fn attach(stack: &mut [Open], root: &mut Option<Value>, value: Value) -> Option<()> {
    match stack.last_mut() {
        None => *root = Some(value),
        Some(Open::Sequence { items, .. }) => items.push(value),
        Some(Open::Mapping { mapping, key, .. }) => {
            let (key, _, _) = key.take()?;
            // serde_yaml rejects a key that equals an earlier one as a value,
            // such as `1` and `0x1`.
            match mapping.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(_) => return None,
            }
        }
    }
    Some(())
}

impl Spans {
    /// Records the node whose value starts at `span`, under the innermost
    /// open mapping or sequence, and returns its index.
    fn push(&mut self, stack: &mut [Open], span: Span) -> Option<u32> {
        let index = u32::try_from(self.nodes.len()).ok()?;
        let value = Range::from_span(span)?;
        let node = match stack.last_mut() {
            None => Node {
                parent: None,
                segment: Segment::Root,
                key: None,
                value,
            },
            Some(Open::Mapping { node, key, .. }) => {
                let (_, segment, key_range) = key.as_ref()?;
                Node {
                    parent: Some(*node),
                    segment: *segment,
                    key: Some(*key_range),
                    value,
                }
            }
            Some(Open::Sequence { node, items }) => Node {
                parent: Some(*node),
                segment: Segment::Index(u32::try_from(items.len()).ok()?),
                key: None,
                value,
            },
        };
        self.nodes.push(node);
        Some(index)
    }

    /// Returns the position of the key or value at `key_path`. An absent path
    /// falls back to the key of its nearest recorded ancestor, then to line 1,
    /// exactly as [`SourceMap::resolve`](crate::locate::SourceMap::resolve).
    pub fn resolve(&self, key_path: &str, part: Part) -> (Position, Position) {
        self.lookup(1).resolve(key_path, part)
    }

    /// Prepares about `count` lookups of key paths. Each lookup scans every
    /// node, so for more than a few the key paths are indexed once instead.
    pub fn lookup(&self, count: usize) -> Lookup<'_> {
        let index = (count > MAX_SCANNED_LOOKUPS).then(|| {
            let mut index = HashMap::with_capacity(self.nodes.len());
            for (node, path) in self.key_paths().into_iter().enumerate() {
                index.entry(path).or_insert(node);
            }
            index
        });
        Lookup { spans: self, index }
    }

    /// Returns the value at `key_path` exactly as written in `source`, when
    /// it is on one line, as [`SourceMap::written`](crate::locate::SourceMap::written).
    pub fn written(&self, source: &str, key_path: &str) -> Option<String> {
        let (start, end) = self.scan(key_path)?.value.positions();
        crate::locate::written_between(source, start, end)
    }

    /// Returns the key path of every node, in document order, for tests
    /// that compare places with `SourceMap`.
    pub fn key_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let parent = node
                .parent
                .map_or("", |parent| paths[parent as usize].as_str());
            let path = match node.segment {
                Segment::Root => String::new(),
                Segment::Key(start, end) => join(parent, &self.keys[start as usize..end as usize]),
                Segment::Index(index) => join(parent, &index.to_string()),
            };
            paths.push(path);
        }
        paths
    }

    /// Returns the first node, in document order, whose key path is `path`.
    /// Paths are joined with dots, so a key that contains a dot can give two
    /// nodes the same path. The first one wins, as in `SourceMap`.
    fn scan(&self, path: &str) -> Option<&Node> {
        // For each node, the length of the prefix of `path` that its own
        // path equals, or `None` when its path is not a prefix of `path`.
        // Parents come before their children, so one pass fills it in.
        let mut matched: Vec<Option<usize>> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let length = match (node.parent, node.segment) {
                (None, _) | (_, Segment::Root) => Some(0),
                (Some(parent), segment) => {
                    matched[parent as usize].and_then(|before| self.extend(path, before, segment))
                }
            };
            if length == Some(path.len()) {
                return Some(node);
            }
            matched.push(length);
        }
        None
    }

    /// Returns the length of `path[..before]` joined with `segment`, when
    /// that is also a prefix of `path`.
    fn extend(&self, path: &str, before: usize, segment: Segment) -> Option<usize> {
        let rest = &path[before..];
        let rest = if before == 0 {
            rest
        } else {
            rest.strip_prefix('.')?
        };
        let consumed = match segment {
            Segment::Root => 0,
            Segment::Key(start, end) => {
                let key = &self.keys[start as usize..end as usize];
                rest.starts_with(key).then_some(key.len())?
            }
            Segment::Index(index) => {
                let digits = index.to_string();
                rest.starts_with(&digits).then_some(digits.len())?
            }
        };
        Some(path.len() - rest.len() + consumed)
    }
}

/// Lookups of places by key path; see [`Spans::lookup`].
pub struct Lookup<'a> {
    spans: &'a Spans,
    /// Node index of every key path, built when many lookups are expected.
    index: Option<HashMap<String, usize>>,
}

impl Lookup<'_> {
    /// Returns the position of the key or value at `key_path`, as
    /// [`Spans::resolve`] does.
    pub fn resolve(&self, key_path: &str, part: Part) -> (Position, Position) {
        let mut path = key_path;
        let mut exact = true;
        loop {
            if let Some(node) = self.find(path) {
                let range = match (part, node.key) {
                    (Part::Key, Some(key)) => key,
                    (Part::Value, Some(key)) if !exact => key,
                    _ => node.value,
                };
                return range.positions();
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

    fn find(&self, path: &str) -> Option<&Node> {
        match &self.index {
            Some(index) => index.get(path).map(|&node| &self.spans.nodes[node]),
            None => self.spans.scan(path),
        }
    }
}

/// Maximum number of lookups that scan the nodes instead of indexing their
/// key paths.
/// A file usually has one or two diagnostics, and a scan costs less than
/// building a string for every node.
const MAX_SCANNED_LOOKUPS: usize = 4;

/// Returns the value of a scalar as serde_yaml 0.9 reads it, or `None` for
/// an integer that serde_yaml rejects because it needs 128 bits.
fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(text.into_owned()));
    }
    plain_scalar(&text)
}

/// Reads a plain scalar by the rules of serde_yaml 0.9 (`de.rs`,
/// `visit_untagged_scalar`): null, then bool, then an integer that fits in
/// 64 bits, then a float, else text.
fn plain_scalar(text: &str) -> Option<Value> {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Some(Value::Null);
    }
    match text {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }

    // Most scalars are text, and every number starts with one of these.
    let could_be_number = text
        .bytes()
        .next()
        .is_some_and(|byte| byte.is_ascii_digit() || matches!(byte, b'+' | b'-' | b'.'));
    if !could_be_number {
        return Some(Value::String(text.to_owned()));
    }

    if let Some(unsigned) = unsigned_integer(text, u64::from_str_radix) {
        return Some(Value::Number(Number::from(unsigned)));
    }
    if let Some(negative) = negative_integer(text, i64::from_str_radix) {
        return Some(Value::Number(Number::from(negative)));
    }
    // serde_yaml reads these as 128-bit integers, which `Value` cannot hold,
    // so `from_str` fails on them.
    if unsigned_integer(text, u128::from_str_radix).is_some()
        || negative_integer(text, i128::from_str_radix).is_some()
    {
        return None;
    }
    if !leading_zero_digits(text)
        && let Some(float) = float(text)
    {
        return Some(Value::Number(Number::from(float)));
    }
    Some(Value::String(text.to_owned()))
}

/// Radix prefixes of integers, each after an optional sign.
const RADIX_PREFIXES: [(&str, u32); 3] = [("0x", 16), ("0o", 8), ("0b", 2)];

/// Reads a non-negative integer with an optional `+` and radix prefix. The
/// digits after a prefix may not start with a sign, and decimal digits
/// with a leading zero are text.
fn unsigned_integer<T, E>(text: &str, parse: fn(&str, u32) -> Result<T, E>) -> Option<T> {
    let body = text.strip_prefix('+').unwrap_or(text);
    for (prefix, radix) in RADIX_PREFIXES {
        if let Some(digits) = body.strip_prefix(prefix) {
            if digits.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(number) = parse(digits, radix) {
                return Some(number);
            }
        }
    }
    if body.starts_with(['+', '-']) || leading_zero_digits(text) {
        return None;
    }
    parse(body, 10).ok()
}

/// Reads an integer that `unsigned_integer` did not, which in practice
/// means a negative one such as `-12` or `-0x1f`.
fn negative_integer<T, E>(text: &str, parse: fn(&str, u32) -> Result<T, E>) -> Option<T> {
    if let Some(after_minus) = text.strip_prefix('-') {
        for (prefix, radix) in RADIX_PREFIXES {
            if let Some(digits) = after_minus.strip_prefix(prefix)
                && let Ok(number) = parse(&format!("-{digits}"), radix)
            {
                return Some(number);
            }
        }
    }
    if leading_zero_digits(text) {
        return None;
    }
    parse(text, 10).ok()
}

/// Returns whether `text` is a `0` followed by more digits, after an
/// optional sign. YAML 1.2 reads such digits as text, and serde_yaml agrees.
fn leading_zero_digits(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Reads a finite float, or one of YAML's `.inf`, `-.inf` and `.nan` forms.
fn float(text: &str) -> Option<f64> {
    let body = match text.strip_prefix('+') {
        Some(body) if body.starts_with(['+', '-']) => return None,
        Some(body) => body,
        None => text,
    };
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(f64::INFINITY);
    }
    if matches!(text, "-.inf" | "-.Inf" | "-.INF") {
        return Some(f64::NEG_INFINITY);
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN.copysign(1.0));
    }
    // Rust's parser also accepts `inf` and `nan`, which YAML does not, so
    // results that are not finite are text.
    body.parse::<f64>().ok().filter(|float| float.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::SourceMap;

    fn same_value(source: &str) {
        let expected: Value = serde_yaml::from_str(source).unwrap();
        let tree = parse(source).unwrap();
        assert_eq!(tree.value, expected, "{source:?}");
    }

    #[test]
    fn plain_scalars_match_serde_yaml() {
        for text in [
            "",
            "~",
            "null",
            "NULL",
            "nULL",
            "true",
            "True",
            "tRUE",
            "FALSE",
            "0",
            "-0",
            "+0",
            "007",
            "-007",
            "+007",
            "0x1F",
            "0x+1",
            "-0x1F",
            "+0x1F",
            "0o17",
            "-0o17",
            "0b101",
            "-0b101",
            "0xZZ",
            "18446744073709551615",
            "-9223372036854775808",
            "1.5",
            "-1.5",
            "+1.5",
            ".5",
            "1.",
            "1e3",
            "1E-3",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            "+.nan",
            "nan",
            "inf",
            "-inf",
            "1e999",
            "0.0",
            "-0.0",
            "00.5",
            "+-1",
            "++1",
            "--1",
            "1_000",
            "2020-02-18",
            "13800001234",
            "+8613800001234",
            "郑州",
            "0,5",
        ] {
            same_value(&format!("key: {text}\n"));
            same_value(&format!("- {text}\n"));
        }
    }

    #[test]
    fn wide_integers_are_not_handled() {
        let source = "key: 18446744073709551616\n";
        assert!(serde_yaml::from_str::<Value>(source).is_err());
        assert!(parse(source).is_none());
    }

    #[test]
    fn unusual_input_is_not_handled() {
        for source in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1\na: 2\n",
            "1: a\n0x1: b\n",
            "? [a]\n: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: [1\n",
            "<<: {a: 1}\n",
        ] {
            assert!(parse(source).is_none(), "{source:?}");
        }
    }

    #[test]
    fn empty_documents_are_null() {
        same_value("");
        same_value("# only a comment\n");
        same_value("---\n");
    }

    #[test]
    fn places_match_source_map() {
        let source = "university: 郑州大学\nfamily:\n  size: 4\n  phone: \"138\"\nneeds: [1, 7]\nvisits:\n  - date: 2020-02-18\n    note: |\n      第一行\n";
        let tree = parse(source).unwrap();
        let map = SourceMap::build(source);
        for path in [
            "",
            "university",
            "family",
            "family.size",
            "family.phone",
            "family.missing",
            "needs",
            "needs.1",
            "needs.2",
            "visits.0.date",
            "visits.0.note",
            "visits.1.date",
            "nothing",
            "visits.0.date.x",
        ] {
            for part in [Part::Key, Part::Value] {
                assert_eq!(
                    tree.spans.resolve(path, part),
                    map.resolve(path, part),
                    "{path} {part:?}"
                );
            }
        }
    }

    #[test]
    fn dotted_keys_resolve_to_the_first_match() {
        let source = "a.b: 1\na:\n  b: 2\n";
        let tree = parse(source).unwrap();
        let map = SourceMap::build(source);
        assert_eq!(
            tree.spans.resolve("a.b", Part::Value),
            map.resolve("a.b", Part::Value)
        );
    }
}
