//! Parsing one file with serde_yaml. A syntax error becomes a diagnostic
//! that points at the mistake itself, such as the second of two equal keys,
//! a full-width colon or the quote that is never closed, rather than where
//! the parser gave up. A file that parses only because such a slip turned a
//! key into text is rejected the same way, so no key is lost silently.

use memchr::{memchr, memchr2_iter, memchr3_iter, memmem, memrchr};
use std::path::Path;

use serde_yaml::Value;

#[cfg(debug_assertions)]
use crate::diagnostic::Part;
use crate::diagnostic::{self as checks, Diagnostic, Position, Text};
use crate::form;
use crate::locate::{ScalarSpan, SourceMap};
#[cfg(debug_assertions)]
use crate::tree::Tree;
use crate::tree::{self, Spans};

/// A parsed document, with the places of its nodes when the fast parser read it.
#[derive(Debug)]
pub struct Parsed {
    pub value: Value,
    /// `None` when the file was read by serde_yaml, whose places are then
    /// found by parsing the file again with [`SourceMap`].
    pub spans: Option<Spans>,
}

/// Parses a YAML document, or returns the syntax error as a diagnostic.
/// Most files are read by [`tree::parse`]; the rest, including every file
/// with a syntax error, by serde_yaml.
pub fn parse(path: &Path, source: &str) -> Result<Parsed, Box<Diagnostic>> {
    let scan = Prescan::run(source);
    if let Some(offset) = scan.too_deep {
        let position = position_of_offset(source, offset);
        let message = Text::new(
            format!("文件中的列表或键值块嵌套超过 {MAX_NESTING} 层"),
            format!("the file nests lists or blocks more than {MAX_NESTING} levels deep"),
        );
        let hint = Text::new(
            "一条记录只有几层嵌套：请检查是否有一连串的 `[` 或 `{`",
            "a record is at most a few levels deep: check for runs of `[` or `{`",
        );
        let diagnostic = Diagnostic::new(checks::FILE_TOO_LARGE, path, "", message, hint);
        return Err(Box::new(diagnostic.at(position, position)));
    }
    if let Some((first, last)) = scan.conflict {
        return Err(Box::new(merge_conflict(path, first, last)));
    }
    let parsed = match tree::parse(source) {
        Some(tree) => {
            #[cfg(debug_assertions)]
            cross_check(source, &tree);
            Parsed {
                value: tree.value,
                spans: Some(tree.spans),
            }
        }
        None => Parsed {
            value: serde_yaml::from_str(source)
                .map_err(|error| Box::new(explain(path, source, &error)))?,
            spans: None,
        },
    };
    match slip_in_parsed(path, source, &scan) {
        Some(slip) => Err(Box::new(slip)),
        None => Ok(parsed),
    }
}

/// Checks, in debug builds only, that the fast parser returned what
/// serde_yaml and [`SourceMap`] return, so that every test that loads a
/// record also tests the fast parser.
#[cfg(debug_assertions)]
fn cross_check(source: &str, tree: &Tree) {
    let expected: Result<Value, _> = serde_yaml::from_str(source);
    assert_eq!(
        expected.as_ref().ok(),
        Some(&tree.value),
        "the fast parser disagrees with serde_yaml on {source:?}"
    );
    let map = SourceMap::build(source);
    let paths = tree.spans.key_paths();
    let lookup = tree.spans.lookup(paths.len() * 2);
    // A path below each node is absent, so it tests the climb to a parent.
    let absent = paths.iter().map(|path| format!("{path}.absent"));
    for key_path in paths.iter().cloned().chain(absent) {
        for part in [Part::Key, Part::Value] {
            assert_eq!(
                lookup.resolve(&key_path, part),
                map.resolve(&key_path, part),
                "the fast parser places `{key_path}` elsewhere than SourceMap in {source:?}"
            );
        }
    }
}

/// Deepest bracket nesting accepted. The YAML parser slows down with the
/// square of the depth, so deeper files are rejected before parsing.
const MAX_NESTING: usize = 64;

/// Findings of one pass over the bytes of a source before it is parsed.
/// Every character looked for is ASCII except `：` and U+3000, and no byte
/// of a multi-byte UTF-8 character is ASCII, so bytes can be scanned.
#[derive(Debug, Default)]
struct Prescan {
    /// Byte offset where flow brackets (`[`, `{`) first nest deeper than
    /// allowed. Quotes are not tracked, so brackets inside text count too,
    /// which only matters for text with more than 64 unclosed brackets.
    too_deep: Option<usize>,
    /// First and last line of the merge-conflict markers left in the file.
    conflict: Option<(usize, usize)>,
    /// Whether a line has an odd number of unescaped `"` or of `'`, as the
    /// first line of a quoted text that goes on to the next line does.
    odd_quotes: bool,
    /// Whether the source contains a full-width colon or space, which every
    /// slip but a TAB involves.
    full_width: bool,
}

impl Prescan {
    /// Scans `source` with a few searches for rare bytes rather than a match
    /// on every byte, because most lines of a record contain no bracket,
    /// quote or marker, and Chinese text is most of its bytes.
    fn run(source: &str) -> Prescan {
        let bytes = source.as_bytes();
        let mut scan = Prescan {
            full_width: memmem::find(bytes, "：".as_bytes()).is_some()
                || memmem::find(bytes, "\u{3000}".as_bytes()).is_some(),
            ..Prescan::default()
        };
        // Depth can pass the limit only in a file with more opening
        // brackets than the limit, so most files skip the walk.
        if memchr2_iter(b'[', b'{', bytes).nth(MAX_NESTING).is_some() {
            let mut depth: usize = 0;
            for (index, &byte) in bytes.iter().enumerate() {
                match byte {
                    b'[' | b'{' => {
                        depth += 1;
                        if depth > MAX_NESTING {
                            scan.too_deep = Some(index);
                            return scan;
                        }
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
        }

        // One search visits every line break and quote. Quotes are counted
        // per line, and each line's first byte is checked for a conflict marker.
        let mut number = 1;
        let mut line_start = 0;
        let (mut double, mut single) = (0usize, 0usize);
        for index in memchr3_iter(b'\n', b'"', b'\'', bytes) {
            match bytes[index] {
                b'\n' => {
                    scan.odd_quotes |= double % 2 == 1 || single % 2 == 1;
                    (double, single) = (0, 0);
                    scan.mark_conflict(&source[line_start..index], number);
                    number += 1;
                    line_start = index + 1;
                }
                b'"' => {
                    let backslashes = bytes[line_start..index]
                        .iter()
                        .rev()
                        .take_while(|&&byte| byte == b'\\')
                        .count();
                    if backslashes % 2 == 0 {
                        double += 1;
                    }
                }
                _ => single += 1,
            }
        }
        scan.odd_quotes |= double % 2 == 1 || single % 2 == 1;
        scan.mark_conflict(&source[line_start..], number);
        scan
    }

    /// Records line `number` as part of a merge conflict when `line` is a
    /// conflict marker.
    fn mark_conflict(&mut self, line: &str, number: usize) {
        if matches!(line.as_bytes().first(), Some(b'<' | b'|' | b'=' | b'>'))
            && is_conflict_marker(line)
        {
            let first = self.conflict.map_or(number, |(first, _)| first);
            self.conflict = Some((first, number));
        }
    }
}

/// Returns the line and column of the character at byte `offset`.
fn position_of_offset(source: &str, offset: usize) -> Position {
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    Position { line, column }
}

/// Conflict markers that git writes into a file it could not merge, each at
/// the start of a line: ours, the common base (with `merge.conflictStyle
/// diff3`), the divider and theirs.
const CONFLICT_MARKERS: [&str; 4] = ["<<<<<<<", "|||||||", "=======", ">>>>>>>"];

/// Describes leftover merge-conflict markers on lines `first` to `last`.
/// They are looked for before parsing because the YAML parser would report
/// them as some unrelated error, or, between two versions of a block, as a
/// duplicate key.
fn merge_conflict(path: &Path, first: usize, last: usize) -> Diagnostic {
    let (lines_zh, lines_en) = if first == last {
        (format!("第 {first} 行"), format!("on line {first}"))
    } else {
        (
            format!("第 {first} 至 {last} 行"),
            format!("on lines {first} to {last}"),
        )
    };
    let message = Text::new(
        format!("{lines_zh}是没有解决的 git 合并冲突：文件里同时留着两个版本和冲突标记"),
        format!(
            "unresolved git merge conflict {lines_en}: the file still holds both versions and the conflict markers"
        ),
    );
    let hint = Text::new(
        "`<<<<<<<` 与 `=======` 之间是一个版本，`=======` 与 `>>>>>>>` 之间是另一个版本：保留正确的那个版本，删掉另一个版本和这三行标记",
        "the lines between `<<<<<<<` and `=======` are one version and those between `=======` and `>>>>>>>` the other: keep the right one, then delete the other and the three marker lines",
    );
    let start = Position {
        line: first,
        column: 1,
    };
    let end = Position {
        line: first,
        column: 8,
    };
    Diagnostic::new(checks::YAML_SYNTAX, path, "", message, hint).at(start, end)
}

fn is_conflict_marker(line: &str) -> bool {
    let line = line.trim_end();
    CONFLICT_MARKERS.iter().any(|marker| {
        line.strip_prefix(marker)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}

fn explain(path: &Path, source: &str, error: &serde_yaml::Error) -> Diagnostic {
    let reported = error
        .location()
        .map_or(Position { line: 1, column: 1 }, |location| Position {
            line: location.line(),
            column: location.column(),
        });
    // The parser stops at the error, so the map contains what came before it.
    let map = SourceMap::build(source);
    let text = error.to_string();
    if let Some(diagnostic) = duplicate_key(path, &map) {
        return diagnostic;
    }
    if let Some(diagnostic) = unclosed(path, source, &map, &text, reported) {
        return diagnostic;
    }
    if let Some(diagnostic) = slip_before(path, source, &map, reported.line) {
        return diagnostic;
    }
    let reason = text.split(" at line ").next().unwrap_or(&text);
    let message = Text::new(
        format!("文件不是有效的 YAML：{reason}"),
        format!("the file is not valid YAML: {reason}"),
    );
    let hint = Text::new(
        "每行写成 `键: 值`，冒号后面要有一个空格；下一级的键用空格（不要用 Tab）缩进",
        "each line is `key: value` with a space after the colon, and nested keys are indented with spaces",
    );
    Diagnostic::new(checks::YAML_SYNTAX, path, "", message, hint).at(reported, reported)
}

fn duplicate_key(path: &Path, map: &SourceMap) -> Option<Diagnostic> {
    let duplicate = map.duplicates().first()?;
    let (key, first) = (&duplicate.key_path, duplicate.first.line);
    let name = named(key);
    let message = Text::new(
        format!("{}写了两次，第一次在第 {first} 行", name.zh),
        format!("{} is written twice; the first is on line {first}", name.en),
    );
    let hint = Text::new(
        "保留其中一行，删除另一行；git 合并后常会留下这样的重复",
        "keep one of the two lines and delete the other; a git merge often leaves such a copy",
    );
    let (start, end) = duplicate.second;
    let diagnostic = Diagnostic::new(
        checks::YAML_SYNTAX,
        path,
        duplicate.key_path.clone(),
        message,
        hint,
    );
    Some(diagnostic.at_key().at(start, end))
}

/// Contexts of serde_yaml errors whose position is where a quote or flow
/// bracket was opened. The error text ends with the context, such as
/// `while scanning a quoted scalar at line 3 column 11`.
const OPENING_CONTEXTS: [&str; 3] = [
    "while scanning a quoted scalar",
    "while parsing a flow sequence",
    "while parsing a flow mapping",
];

/// Explains a quote or bracket that is never closed. The parser notices
/// only lines later, at the end of the file or where the swallowed text
/// stops making sense, so the diagnostic points back at the opening
/// character: from the error's context when serde_yaml gives one, else from
/// the last scalar read, when it is quoted and runs over several lines.
fn unclosed(
    path: &Path,
    source: &str,
    map: &SourceMap,
    error: &str,
    reported: Position,
) -> Option<Diagnostic> {
    let from_context = OPENING_CONTEXTS
        .iter()
        .find_map(|context| context_position(error, context));
    let (opening, swallowed_to) = match from_context.or_else(|| quote_error(map)) {
        Some(opening) => (opening, reported.line),
        None => {
            let lines: Vec<&str> = source.lines().collect();
            let quoted = map
                .multiline_quoted()
                .filter(|quoted| quoted.start.line <= reported.line)
                .filter(|quoted| swallows_keys(&lines, quoted))
                .last()?;
            (quoted.start, quoted.end.line)
        }
    };
    let line = source.lines().nth(opening.line.checked_sub(1)?)?;
    let opener = line.chars().nth(opening.column.checked_sub(1)?)?;
    if matches!(opener, '[' | '{') && closes_on_line(line, opening.column) {
        return None;
    }
    if !matches!(opener, '"' | '\'' | '[' | '{') {
        return None;
    }
    let key_path = line_key_path(map, opening.line, line).map(labelled_path);
    let last_line = source.lines().count();
    Some(unclosed_diagnostic(
        path,
        key_path.as_deref(),
        opener,
        opening,
        (swallowed_to <= last_line).then_some(swallowed_to),
    ))
}

fn unclosed_diagnostic(
    path: &Path,
    key_path: Option<&str>,
    opener: char,
    opening: Position,
    swallowed_to: Option<usize>,
) -> Diagnostic {
    let closer = match opener {
        '[' => ']',
        '{' => '}',
        quote => quote,
    };
    let name = key_path.map_or_else(|| Text::new("这个值", "the value"), named);
    let (until_zh, until_en) = match swallowed_to {
        Some(line) => (format!("直到第 {line} 行"), format!("up to line {line}")),
        None => (
            "直到文件末尾".to_owned(),
            "up to the end of the file".to_owned(),
        ),
    };
    let (message, hint) = if matches!(opener, '[' | '{') {
        (
            Text::new(
                format!(
                    "这里开始的 `{opener}` 没有对应的 `{closer}`：{}把后面{until_zh}的内容都当成了自己的一部分",
                    name.zh
                ),
                format!(
                    "the `{opener}` opened here is never closed, so {} takes in the lines after it, {until_en}",
                    name.en
                ),
            ),
            Text::new(
                format!("在这一行的末尾补上 `{closer}`"),
                format!("add the closing `{closer}` at the end of this line"),
            ),
        )
    } else {
        (
            Text::new(
                format!(
                    "这里开始的引号 `{opener}` 没有闭合：{}把后面{until_zh}的内容都当成了自己的值",
                    name.zh
                ),
                format!(
                    "the quote `{opener}` opened here is never closed, so {} takes in the lines after it, {until_en}",
                    name.en
                ),
            ),
            Text::new(
                format!(
                    "在这个值的末尾补上 `{closer}`；值里没有 `#` 或 `: ` 时，也可以删掉开头的 `{opener}`"
                ),
                format!(
                    "add the closing `{closer}` at the end of the value, or delete the opening `{opener}` when the value holds no `#` or `: `"
                ),
            ),
        )
    };
    let end = Position {
        line: opening.line,
        column: opening.column + 1,
    };
    let diagnostic = Diagnostic::new(
        checks::YAML_SYNTAX,
        path,
        key_path.unwrap_or_default(),
        message,
        hint,
    );
    diagnostic.at(opening, end)
}

/// Returns the opening quote that saphyr-parser, which is stricter than
/// serde_yaml about the indentation of quoted text running over several
/// lines, stopped at.
fn quote_error(map: &SourceMap) -> Option<Position> {
    let (position, reason) = map.error()?;
    reason.contains("quoted scalar").then_some(position)
}

/// Returns the position after `context` in a serde_yaml error text, such as
/// line 3 column 11 from `..., while scanning a quoted scalar at line 3 column 11`.
fn context_position(error: &str, context: &str) -> Option<Position> {
    let (_, after) = error.rsplit_once(context)?;
    let after = after.trim_start().strip_prefix("at line ")?;
    let (line, after) = after.split_once(" column ")?;
    let column: String = after.chars().take_while(char::is_ascii_digit).collect();
    Some(Position {
        line: line.parse().ok()?,
        column: column.parse().ok()?,
    })
}

/// Returns whether the flow bracket at the 1-based `column` is closed later
/// on the same line, skipping brackets inside quotes.
fn closes_on_line(line: &str, column: usize) -> bool {
    let mut depth = 0usize;
    let mut quote = None;
    for character in line.chars().skip(column - 1) {
        match (quote, character) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(character),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return true;
                }
            }
            (None, '#') => return false,
            _ => {}
        }
    }
    false
}

/// Kind of character that a Chinese input method typed in place of YAML's
/// half-width space, colon or indentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlipKind {
    /// A TAB in the indentation, which YAML forbids.
    Tab,
    /// Full-width spaces (U+3000) as indentation, which YAML reads as text.
    IdeographicIndent,
    /// A full-width space between the key and its colon.
    SpaceBeforeColon,
    /// A full-width colon `：` (U+FF1A) after the key.
    FullWidthColon,
    /// A full-width space after the colon in place of a half-width one.
    SpaceAfterColon,
}

/// One slip found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slip {
    kind: SlipKind,
    /// The key written at the start of the line, if any.
    key: Option<String>,
    /// Indentation in columns, counting a TAB as two and a full-width space as one.
    indent: usize,
    /// 1-based columns of the offending characters, `end` exclusive.
    start: usize,
    end: usize,
    /// The key and value as they should be written, such as `size: 4`.
    fixed: String,
}

/// Finds a slip on one line: a TAB or full-width spaces as indentation, or
/// a full-width colon or space right after a key. Keys are looked for in
/// lowercase only, as every key of the format is written.
fn find_slip(line: &str) -> Option<Slip> {
    if !may_hold_slip(line) {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let indentation = Indentation::scan(&chars);
    let mut index = indentation.width;
    if chars.get(index).is_none_or(|c| *c == '#') {
        return None;
    }

    let key_start = index;
    while chars.get(index).is_some_and(|c| is_key_character(*c)) {
        index += 1;
    }
    let key: String = chars[key_start..index].iter().collect();
    let key = key
        .starts_with(|c: char| c.is_ascii_lowercase())
        .then_some(key);
    let slip = |kind, start: usize, end: usize, fixed: String| Slip {
        kind,
        key: key.clone(),
        indent: indentation.columns,
        start: start + 1,
        end: end + 1,
        fixed,
    };
    if let Some(tab) = indentation.tab {
        return Some(slip(SlipKind::Tab, tab, tab + 1, String::new()));
    }

    let name = key.clone()?;
    let gap_start = index;
    while matches!(chars.get(index), Some(' ' | '\u{3000}')) {
        index += 1;
    }
    let colon = index;
    let after = chars.get(colon + 1).copied();
    let is_key = match chars.get(colon) {
        Some('：') => true,
        Some(':') => matches!(after, None | Some(' ' | '\t' | '\u{3000}')),
        _ => false,
    };
    if !is_key {
        return None;
    }

    let fixed = fixed_line(&name, &chars[colon + 1..]);
    if let Some((start, end)) = indentation.full_width {
        return Some(slip(SlipKind::IdeographicIndent, start, end, fixed));
    }
    if let Some(offset) = chars[gap_start..colon]
        .iter()
        .position(|c| *c == '\u{3000}')
    {
        let start = gap_start + offset;
        let end = start + run_length(&chars[start..colon]);
        return Some(slip(SlipKind::SpaceBeforeColon, start, end, fixed));
    }
    if chars[colon] == '：' {
        return Some(slip(SlipKind::FullWidthColon, colon, colon + 1, fixed));
    }
    if after == Some('\u{3000}') {
        let end = colon + 1 + run_length(&chars[colon + 1..]);
        return Some(slip(SlipKind::SpaceAfterColon, colon + 1, end, fixed));
    }
    None
}

/// Returns whether `line` may hold a slip: its indentation has a TAB, or a
/// key, which starts with a lowercase ASCII letter, follows the indentation.
/// Skips the lines of text that make up most of a record without splitting
/// them into characters; the indentation rules are those of [`Indentation`].
fn may_hold_slip(line: &str) -> bool {
    let mut characters = line.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\t' => return true,
            ' ' | '\u{3000}' => {}
            '-' if characters.peek() == Some(&' ') => {}
            other => return other.is_ascii_lowercase(),
        }
    }
    false
}

/// The leading blanks of a line, up to its key or text, including `- `
/// list markers.
struct Indentation {
    /// Number of characters.
    width: usize,
    /// Columns, counting a TAB as two and a full-width space as one.
    columns: usize,
    /// Index of the first TAB.
    tab: Option<usize>,
    /// Indices of the first run of full-width spaces, end exclusive.
    full_width: Option<(usize, usize)>,
}

impl Indentation {
    fn scan(chars: &[char]) -> Indentation {
        let mut found = Indentation {
            width: 0,
            columns: 0,
            tab: None,
            full_width: None,
        };
        while let Some(&character) = chars.get(found.width) {
            let index = found.width;
            match character {
                ' ' => found.columns += 1,
                '\t' => {
                    found.tab.get_or_insert(index);
                    found.columns += 2;
                }
                '\u{3000}' => {
                    let run = found.full_width.get_or_insert((index, index));
                    if run.1 == index {
                        run.1 = index + 1;
                    }
                    found.columns += 1;
                }
                '-' if chars.get(index + 1) == Some(&' ') => found.columns += 1,
                _ => break,
            }
            found.width += 1;
        }
        found
    }
}

fn is_key_character(character: char) -> bool {
    character.is_ascii_lowercase() || character.is_ascii_digit() || character == '_'
}

/// Returns how many full-width spaces `chars` starts with.
fn run_length(chars: &[char]) -> usize {
    chars.iter().take_while(|c| **c == '\u{3000}').count()
}

/// Returns `key: value` as it should be written, shortening a long value.
fn fixed_line(key: &str, rest: &[char]) -> String {
    let rest: String = rest.iter().collect();
    let value = rest.trim_matches([' ', '\t', '\u{3000}']);
    match value.chars().count() {
        0 => format!("{key}:"),
        1..=20 => format!("{key}: {value}"),
        _ => format!("{key}: …"),
    }
}

/// Finds the slip nearest above the line where the parser failed, skipping
/// the text of block and quoted scalars read before the error.
fn slip_before(
    path: &Path,
    source: &str,
    map: &SourceMap,
    error_line: usize,
) -> Option<Diagnostic> {
    let lines: Vec<&str> = source.lines().take(error_line).collect();
    lines.iter().enumerate().rev().find_map(|(index, line)| {
        let number = index + 1;
        if map.is_text_line(number) {
            return None;
        }
        let slip = find_slip(line)?;
        Some(slip_diagnostic(path, map, number, &slip))
    })
}

/// Finds a slip in a file that parsed: an unclosed quote that swallowed
/// `key: value` lines, or a slip on a line holding unquoted text, where a
/// key may have become part of a value or an odd key of its own.
fn slip_in_parsed(path: &Path, source: &str, scan: &Prescan) -> Option<Diagnostic> {
    // A quote left open starts on a line with an odd number of quotes, and a
    // slip is a line that `find_slip` flags. A file with neither, which is
    // almost every record, needs no second parse.
    if !scan.odd_quotes && !scan.full_width {
        return None;
    }
    let open_quote = scan.odd_quotes;
    // Every slip but a TAB involves `：` or U+3000, so only the lines around
    // those characters are split into characters.
    let slip = scan.full_width
        && full_width_lines(source)
            .any(|line| find_slip(line).is_some_and(|slip| slip.kind != SlipKind::Tab));
    if !open_quote && !slip {
        return None;
    }
    let lines: Vec<&str> = source.lines().collect();
    let map = SourceMap::build(source);
    let swallowing = map
        .multiline_quoted()
        .find(|quoted| swallows_keys(&lines, quoted))
        .map(|quoted| (quoted.start, Some(quoted.end.line)));
    let swallowing = swallowing.or_else(|| {
        let opening = quote_error(&map)?;
        is_key_line(lines.get(opening.line)?).then_some((opening, None))
    });
    if let Some((opening, swallowed_to)) = swallowing {
        let line = lines.get(opening.line - 1)?;
        let opener = line.chars().nth(opening.column - 1)?;
        let key_path = line_key_path(&map, opening.line, line).map(labelled_path);
        return Some(unclosed_diagnostic(
            path,
            key_path.as_deref(),
            opener,
            opening,
            swallowed_to,
        ));
    }
    // NOTE: saphyr-parser rejects a few files that serde_yaml reads, and
    // lines after the point where it stopped are not marked plain, so a slip
    // there is not found.
    lines.iter().enumerate().find_map(|(index, line)| {
        let number = index + 1;
        let slip = find_slip(line).filter(|slip| slip.kind != SlipKind::Tab)?;
        map.is_plain_line(number)
            .then(|| slip_diagnostic(path, &map, number, &slip))
    })
}

/// Returns each line of `source` that contains `：` or U+3000, without the
/// line break, found by searching for the two characters rather than
/// splitting every line. A line can be returned more than once.
fn full_width_lines(source: &str) -> impl Iterator<Item = &str> {
    let bytes = source.as_bytes();
    let colons = memmem::find_iter(bytes, "：".as_bytes());
    let spaces = memmem::find_iter(bytes, "\u{3000}".as_bytes());
    colons.chain(spaces).map(move |index| {
        let start = memrchr(b'\n', &bytes[..index]).map_or(0, |newline| newline + 1);
        let end = memchr(b'\n', &bytes[index..]).map_or(bytes.len(), |length| index + length);
        let line = &source[start..end];
        // `lines` drops a carriage return before a line break too.
        match end < bytes.len() {
            true => line.strip_suffix('\r').unwrap_or(line),
            false => line,
        }
    })
}

/// Returns whether a line contains an odd number of unescaped double quotes
/// or of single quotes, as the first line of a quoted text that goes on to
/// the next line does. [`Prescan`] finds the same in one pass over a file;
/// this line-by-line form is the reference that tests compare it with.
#[cfg(test)]
fn has_odd_quotes(line: &str) -> bool {
    let mut double = 0;
    let mut escaped = false;
    for character in line.chars() {
        if character == '"' && !escaped {
            double += 1;
        }
        escaped = character == '\\' && !escaped;
    }
    let single = line.chars().filter(|&c| c == '\'').count();
    double % 2 == 1 || single % 2 == 1
}

/// Returns whether a quoted scalar takes in lines that read as keys, which
/// means that its quote was left open rather than the text written over
/// several lines on purpose.
fn swallows_keys(lines: &[&str], quoted: &ScalarSpan) -> bool {
    (quoted.start.line + 1..=quoted.end.line)
        .filter_map(|number| lines.get(number - 1))
        .any(|line| find_slip(line).is_some() || is_key_line(line))
}

/// Returns whether a line reads as `key: value` or `key:`.
fn is_key_line(line: &str) -> bool {
    let body = line.trim_start();
    let body = body.strip_prefix("- ").unwrap_or(body);
    let key_end = body
        .find(|c: char| !is_key_character(c))
        .unwrap_or(body.len());
    let rest = &body[key_end..];
    key_end > 0 && (rest == ":" || rest.starts_with(": "))
}

/// Returns the key path of the key written at the start of line `number`
/// (after a `- ` list marker), or `None` when the line starts with no key.
fn line_key_path(map: &SourceMap, number: usize, line: &str) -> Option<String> {
    let body = line.trim_start();
    let body = body.strip_prefix("- ").unwrap_or(body);
    let indent = line.chars().count() - body.chars().count();
    let key_end = body
        .find(|c: char| !is_key_character(c))
        .unwrap_or(body.len());
    let key = &body[..key_end];
    if key.is_empty() || !body[key_end..].trim_start().starts_with(':') {
        return None;
    }
    Some(map.key_path_of_line(number, indent, key))
}

fn slip_diagnostic(path: &Path, map: &SourceMap, number: usize, slip: &Slip) -> Diagnostic {
    let key_path = slip
        .key
        .as_deref()
        .map(|key| labelled_path(map.key_path_of_line(number, slip.indent, key)));
    let name = key_path.as_deref().map(named);
    let (message, hint) = match slip.kind {
        SlipKind::Tab => tab_text(name.as_ref()),
        kind => {
            let name = name.unwrap_or_else(|| Text::new("这一行的键", "the key on this line"));
            full_width_text(kind, &name, key_path.as_deref(), &slip.fixed)
        }
    };
    let start = Position {
        line: number,
        column: slip.start,
    };
    let end = Position {
        line: number,
        column: slip.end,
    };
    let diagnostic = Diagnostic::new(
        checks::YAML_SYNTAX,
        path,
        key_path.unwrap_or_default(),
        message,
        hint,
    );
    diagnostic.at(start, end)
}

fn tab_text(name: Option<&Text>) -> (Text, Text) {
    let message = match name {
        Some(name) => Text::new(
            format!(
                "{}这一行用 Tab（制表符）缩进，YAML 不允许用 Tab 缩进",
                name.zh
            ),
            format!(
                "the line of {} is indented with a TAB, which YAML does not allow",
                name.en
            ),
        ),
        None => Text::new(
            "这一行用 Tab（制表符）缩进，YAML 不允许用 Tab 缩进",
            "this line is indented with a TAB, which YAML does not allow",
        ),
    };
    let hint = Text::new(
        "删掉 Tab，改用空格缩进，每深一级多两个空格；编辑器可以设置成按 Tab 键时插入空格",
        "delete the TAB and indent with spaces, two more for each level; editors can be set to insert spaces for the Tab key",
    );
    (message, hint)
}

fn full_width_text(
    kind: SlipKind,
    name: &Text,
    key_path: Option<&str>,
    fixed: &str,
) -> (Text, Text) {
    let half_width_zh = "（把输入法切换到半角）";
    let half_width_en = " (switch the input method to 半角)";
    match kind {
        SlipKind::IdeographicIndent => {
            let parent = key_path
                .and_then(|path| path.rsplit_once('.'))
                .map(|(parent, _)| parent);
            let (outside_zh, outside_en) = match parent {
                Some(parent) => (
                    format!("，这一行会脱离 `{parent}`"),
                    format!(", so the line would fall outside `{parent}`"),
                ),
                None => (String::new(), String::new()),
            };
            (
                Text::new(
                    format!(
                        "{}用全角空格缩进，YAML 不把全角空格当作缩进{outside_zh}",
                        name.zh
                    ),
                    format!(
                        "{} is indented with full-width spaces (全角空格, U+3000), which YAML does not count as indentation{outside_en}",
                        name.en
                    ),
                ),
                Text::new(
                    format!("删掉全角空格，改用半角空格缩进，与同一级的键对齐{half_width_zh}"),
                    format!(
                        "delete the full-width spaces and indent with half-width spaces, in line with the other keys of its level{half_width_en}"
                    ),
                ),
            )
        }
        SlipKind::SpaceBeforeColon => (
            Text::new(
                format!(
                    "{}和冒号之间有全角空格，YAML 会把它当成键名的一部分",
                    name.zh
                ),
                format!(
                    "a full-width space (全角空格, U+3000) stands between {} and its colon, so YAML takes it as part of the key",
                    name.en
                ),
            ),
            Text::new(
                format!("删掉这个全角空格，写成 `{fixed}`{half_width_zh}"),
                format!("delete the full-width space and write `{fixed}`{half_width_en}"),
            ),
        ),
        SlipKind::FullWidthColon => (
            Text::new(
                format!("{}后面是全角冒号 `：`，YAML 认不出这是一个键", name.zh),
                format!(
                    "{} is followed by a full-width colon `：`, so YAML does not read it as a key",
                    name.en
                ),
            ),
            Text::new(
                format!("把 `：` 改成半角冒号和一个空格 `: `，写成 `{fixed}`{half_width_zh}"),
                format!(
                    "replace `：` with a half-width colon and a space, `: `, as in `{fixed}`{half_width_en}"
                ),
            ),
        ),
        SlipKind::SpaceAfterColon | SlipKind::Tab => (
            Text::new(
                format!("{}的冒号后面是全角空格，YAML 认不出这是一个键", name.zh),
                format!(
                    "the colon after {} is followed by a full-width space (全角空格, U+3000), so YAML does not read it as a key",
                    name.en
                ),
            ),
            Text::new(
                format!("把全角空格换成半角空格，在冒号后输入 `: `，写成 `{fixed}`{half_width_zh}"),
                format!(
                    "replace the full-width space with a half-width one, typing `: ` after the key, as in `{fixed}`{half_width_en}"
                ),
            ),
        ),
    }
}

/// Returns the nearest key path of the format for a key found by its
/// indentation: a line indented too far sits under a text value, such as
/// `family.elderly_health.minors`, and is taken for the sibling
/// `family.minors`. A path that matches no key of the format is kept.
fn labelled_path(key_path: String) -> String {
    let mut segments: Vec<&str> = key_path.split('.').collect();
    while segments.len() > 1 {
        let candidate = segments.join(".");
        if form::label_at(&candidate).is_some() {
            return candidate;
        }
        segments.remove(segments.len() - 2);
    }
    match form::label_at(segments[0]) {
        Some(_) => segments[0].to_owned(),
        None => key_path,
    }
}

/// Returns a key path with its form label for messages, such as
/// `family.size`（家庭人数）, or the path alone when it has no label.
fn named(key_path: &str) -> Text {
    match form::label_at(key_path) {
        Some(label) => Text::new(
            format!("`{key_path}`（{label}）"),
            format!("`{key_path}` ({label})"),
        ),
        None => Text::new(format!("`{key_path}`"), format!("`{key_path}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan as one match on every byte, which [`Prescan::run`] must agree with.
    fn prescan_bytewise(source: &str) -> Prescan {
        let bytes = source.as_bytes();
        let mut scan = Prescan::default();
        let mut depth: usize = 0;
        let mut line = 1;
        let mut line_start = 0;
        // Quote counts of the current line, as `has_odd_quotes` counts them.
        let (mut double, mut single, mut escaped) = (0usize, 0usize, false);
        for (index, &byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' => {
                    scan.odd_quotes |= double % 2 == 1 || single % 2 == 1;
                    (double, single, escaped) = (0, 0, false);
                    line += 1;
                    line_start = index + 1;
                    continue;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        scan.too_deep = Some(index);
                        return scan;
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'"' if !escaped => double += 1,
                // Two single quotes inside single-quoted text stand for one,
                // so the count stays even for a text that closes on its line.
                b'\'' => single += 1,
                0xE3 | 0xEF => {
                    let rest = &bytes[index..];
                    scan.full_width |= rest.starts_with("：".as_bytes())
                        || rest.starts_with("\u{3000}".as_bytes());
                }
                b'<' | b'|' | b'=' | b'>' if index == line_start => {
                    let text = &source[index..];
                    let text = text.split('\n').next().unwrap_or(text);
                    if is_conflict_marker(text) {
                        let first = scan.conflict.map_or(line, |(first, _)| first);
                        scan.conflict = Some((first, line));
                    }
                }
                _ => {}
            }
            escaped = byte == b'\\' && !escaped;
        }
        scan.odd_quotes |= double % 2 == 1 || single % 2 == 1;
        scan
    }

    proptest::proptest! {
        #[test]
        fn full_width_lines_match_filter(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["\n", "\r\n", "\r", "：", "\u{3000}", "a", "中", " "]),
                0..60,
            )
        ) {
            let source = parts.concat();
            let mut found: Vec<&str> = full_width_lines(&source).collect();
            found.sort_unstable();
            found.dedup();
            let mut expected: Vec<&str> = source
                .lines()
                .filter(|line| line.contains(['：', '\u{3000}']))
                .collect();
            expected.sort_unstable();
            expected.dedup();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn prescan_matches_bytewise_scan(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<<<<<<< ours", "=======", ">>>>>>> theirs", "||||||| base", "<<<", "\n",
                    "\r\n", "[", "{", "]", "}", "\"", "'", "\\", "：", "\u{3000}", "、",
                    "a", " ", "中", "key: ",
                ]),
                0..120,
            )
        ) {
            let source = parts.concat();
            let fast = Prescan::run(&source);
            let bytewise = prescan_bytewise(&source);
            proptest::prop_assert_eq!(fast.too_deep, bytewise.too_deep);
            if bytewise.too_deep.is_none() {
                proptest::prop_assert_eq!(fast.conflict, bytewise.conflict);
                proptest::prop_assert_eq!(fast.odd_quotes, bytewise.odd_quotes);
                proptest::prop_assert_eq!(fast.full_width, bytewise.full_width);
            }
        }
    }

    #[test]
    fn prescan_finds_deep_nesting() {
        let source = format!("a: {}", "[".repeat(MAX_NESTING + 1));
        assert_eq!(Prescan::run(&source).too_deep, Some(3 + MAX_NESTING));
    }

    fn diagnose(source: &str) -> Diagnostic {
        *parse(Path::new("x.yaml"), source).unwrap_err()
    }

    #[test]
    fn points_at_second_duplicate_key() {
        let found = diagnose("team: a\nplan: b\nteam: c\n");
        assert_eq!((found.start.line, found.start.column), (3, 1));
        assert!(
            found.message.en.contains("first is on line 1"),
            "{}",
            found.message.en
        );
    }

    #[test]
    fn points_at_full_width_colon() {
        let found = diagnose("family:\n  size：4\n  in_hubei: 1\n");
        assert_eq!((found.start.line, found.start.column), (2, 7));
        assert!(found.hint.en.contains("`: `"), "{}", found.hint.en);
    }

    #[test]
    fn points_at_unclosed_bracket() {
        let found = diagnose("a: [1, 2\nb: 3\n");
        assert_eq!((found.start.line, found.start.column), (1, 4));
        assert!(
            found.message.en.contains("never closed"),
            "{}",
            found.message.en
        );
    }

    #[test]
    fn keeps_parser_position_otherwise() {
        let found = diagnose("a: 1\nb: c: d\n");
        assert_eq!((found.start.line, found.start.column), (2, 5));
        assert!(
            !found.message.en.contains("at line"),
            "{}",
            found.message.en
        );
    }

    #[test]
    fn points_at_first_conflict_marker() {
        let source = "team: a\n<<<<<<< HEAD\nplan: b\n=======\nplan: c\n>>>>>>> other\n";
        let found = diagnose(source);
        assert_eq!((found.start.line, found.start.column), (2, 1));
        assert_eq!(found.end.column, 8);
        assert!(
            found.message.en.contains("lines 2 to 6"),
            "{}",
            found.message.en
        );
    }

    #[test]
    fn ignores_marker_like_text_inside_block() {
        let source = "plan: |\n  标题\n  =======\nteam: a\n";
        assert!(parse(Path::new("x.yaml"), source).is_ok());
    }

    #[test]
    fn finds_slips_of_each_kind() {
        let cases = [
            ("  size：4", SlipKind::FullWidthColon, 7),
            ("  size:\u{3000}4", SlipKind::SpaceAfterColon, 8),
            ("  size\u{3000}: 4", SlipKind::SpaceBeforeColon, 7),
            ("\u{3000}\u{3000}size: 4", SlipKind::IdeographicIndent, 1),
            ("\tsize: 4", SlipKind::Tab, 1),
            (
                "  - \u{3000}date: 2020-02-24",
                SlipKind::IdeographicIndent,
                5,
            ),
            (
                "  - date\u{3000}: 2020-02-24",
                SlipKind::SpaceBeforeColon,
                9,
            ),
        ];
        for (line, kind, column) in cases {
            let slip = find_slip(line).unwrap_or_else(|| panic!("no slip in {line:?}"));
            assert_eq!(slip.kind, kind, "{line:?}");
            assert_eq!(slip.start, column, "{line:?}");
        }
    }

    #[test]
    fn finds_no_slip_in_ordinary_lines() {
        for line in [
            "  size: 4",
            "  address: 郑州市某路1号：东门",
            "\u{3000}\u{3000}每周二晚上辅导",
            "  - 小学三年级",
            "# note：comment",
            "",
        ] {
            assert_eq!(find_slip(line), None, "{line:?}");
        }
    }

    #[test]
    fn rejects_full_width_colon_read_as_text() {
        // YAML reads the second line as more of the first value.
        let found = diagnose("family:\n  elderly_health: 高血压\n    minors：1\n");
        assert_eq!((found.start.line, found.start.column), (3, 11));
        // Indented under a text value, the key is taken for its sibling.
        assert_eq!(found.key_path, "family.minors");
    }

    #[test]
    fn rejects_quote_that_swallows_keys() {
        let source = "worker:\n  hospital: \"某医院\n    gender: 女\"\nteam: a\n";
        let found = diagnose(source);
        assert_eq!((found.start.line, found.start.column), (2, 13));
        assert_eq!(found.key_path, "worker.hospital");
    }

    #[test]
    fn accepts_quoted_text_over_several_lines() {
        let source = "plan: \"每周二、四晚\n  线上辅导\"\nteam: a\n";
        assert!(parse(Path::new("x.yaml"), source).is_ok());
    }
}

#[cfg(test)]
mod prescan_tests {
    use proptest::prelude::*;

    use super::*;

    /// Returns where brackets first nest too deep, line by line and in
    /// characters, as the parser's pre-check did before it scanned bytes.
    fn too_deep_by_characters(source: &str) -> Option<Position> {
        let mut depth: usize = 0;
        for (number, line) in source.split('\n').enumerate() {
            for (column, character) in line.chars().enumerate() {
                match character {
                    '[' | '{' => depth += 1,
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => continue,
                }
                if depth > MAX_NESTING {
                    return Some(Position {
                        line: number + 1,
                        column: column + 1,
                    });
                }
            }
        }
        None
    }

    fn conflict_by_lines(source: &str) -> Option<(usize, usize)> {
        let markers: Vec<usize> = source
            .lines()
            .enumerate()
            .filter(|(_, line)| is_conflict_marker(line))
            .map(|(index, _)| index + 1)
            .collect();
        Some((*markers.first()?, *markers.last()?))
    }

    fn check_prescan(source: &str) {
        let scan = Prescan::run(source);
        let position = scan
            .too_deep
            .map(|offset| position_of_offset(source, offset));
        assert_eq!(position, too_deep_by_characters(source), "{source:?}");
        if scan.too_deep.is_some() {
            return;
        }
        assert_eq!(scan.conflict, conflict_by_lines(source), "{source:?}");
        let odd = source.lines().any(has_odd_quotes);
        assert_eq!(scan.odd_quotes, odd, "{source:?}");
        assert_eq!(
            scan.full_width,
            source.contains(['：', '\u{3000}']),
            "{source:?}"
        );
    }

    #[test]
    fn finds_conflict_markers_and_quotes() {
        check_prescan("a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> main\r\n");
        check_prescan("a: \"x\\\"\ny: 'it''s'\nz: '\n");
        check_prescan("=======x\n  <<<<<<<\n|||||||\n");
        check_prescan(&"[".repeat(70));
        check_prescan(&format!("a: 郑\n{}", "{".repeat(65)));
    }

    proptest! {
        #[test]
        fn byte_scan_matches_line_scan(
            source in "([\\[\\]{}\"'\\\\<|=> \\na郑：\u{3000}\r-]|<<<<<<<|=======){0,200}"
        ) {
            check_prescan(&source);
        }

        #[test]
        fn deep_brackets_match(depth in 60usize..70, prefix in "[a郑\n ]{0,8}") {
            check_prescan(&format!("{prefix}{}", "[".repeat(depth)));
        }
    }
}
