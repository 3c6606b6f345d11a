//! Parsing one file with serde_yaml. A syntax error becomes a diagnostic
//! that points at the mistake itself, such as the second of two equal keys
//! or a full-width colon, rather than where the parser gave up.

use std::path::Path;

use serde_yaml::Value;

use crate::diagnostic::{self as checks, Diagnostic, Position, Text};
use crate::locate::SourceMap;

/// Parses a YAML document, or returns the syntax error as a diagnostic.
pub fn parse(path: &Path, source: &str) -> Result<Value, Box<Diagnostic>> {
    if let Some(position) = too_deep(source) {
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
    serde_yaml::from_str(source).map_err(|error| Box::new(explain(path, source, &error)))
}

/// Deepest bracket nesting accepted. The YAML parser slows down with the
/// square of the depth, so deeper files are rejected before parsing.
const MAX_NESTING: usize = 64;

/// Returns where flow brackets (`[`, `{`) first nest deeper than allowed.
/// Quotes are not tracked, so brackets inside text count too, which only
/// matters for text with more than 64 unclosed brackets.
fn too_deep(source: &str) -> Option<Position> {
    let mut depth: usize = 0;
    let (mut line, mut column) = (1, 0);
    for character in source.chars() {
        column += 1;
        match character {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
        if depth > MAX_NESTING {
            return Some(Position { line, column });
        }
    }
    None
}

fn explain(path: &Path, source: &str, error: &serde_yaml::Error) -> Diagnostic {
    let reported = error
        .location()
        .map_or(Position { line: 1, column: 1 }, |location| Position {
            line: location.line(),
            column: location.column(),
        });
    if let Some(diagnostic) = duplicate_key(path, source) {
        return diagnostic;
    }
    if let Some(diagnostic) = full_width_colon(path, source, reported.line) {
        return diagnostic;
    }
    let text = error.to_string();
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

fn duplicate_key(path: &Path, source: &str) -> Option<Diagnostic> {
    let map = SourceMap::build(source);
    let duplicate = map.duplicates().first()?;
    let (key, first) = (&duplicate.key_path, duplicate.first.line);
    let message = Text::new(
        format!("键 `{key}` 写了两次，第一次在第 {first} 行"),
        format!("the key `{key}` is written twice; the first is on line {first}"),
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

/// Finds a line at or before `error_line` where a key is followed by `：`
/// (U+FF1A) instead of `:`, which YAML reads as part of a text value.
fn full_width_colon(path: &Path, source: &str, error_line: usize) -> Option<Diagnostic> {
    let lines: Vec<&str> = source.lines().take(error_line).collect();
    let (index, line, column) = lines.iter().enumerate().rev().find_map(|(index, line)| {
        let column = key_with_full_width_colon(line)?;
        Some((index, *line, column))
    })?;
    let key = line.trim_start().trim_start_matches("- ");
    let key = key.split('：').next().unwrap_or(key).trim();
    let message = Text::new(
        format!("键 `{key}` 后面是全角冒号 `：`"),
        format!("the key `{key}` is followed by a full-width colon `：`"),
    );
    let hint = Text::new(
        "把 `：` 改成半角冒号加一个空格 `: `（把输入法切换到半角）",
        "replace `：` with a half-width colon and a space, `: ` (switch the input method to 半角)",
    );
    let start = Position {
        line: index + 1,
        column,
    };
    let end = Position {
        line: index + 1,
        column: column + 1,
    };
    Some(Diagnostic::new(checks::YAML_SYNTAX, path, "", message, hint).at(start, end))
}

/// Returns the 1-based column of `：` when the line is `key：value`.
fn key_with_full_width_colon(line: &str) -> Option<usize> {
    let body = line.trim_start();
    let body = body.strip_prefix("- ").unwrap_or(body);
    let (key, _) = body.split_once('：')?;
    let is_key = !key.is_empty()
        && !key.contains(':')
        && key
            .trim_end()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_key {
        return None;
    }
    let byte_offset = line.find('：')?;
    Some(line[..byte_offset].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn keeps_parser_position_otherwise() {
        let found = diagnose("a: [1, 2\nb: 3\n");
        assert_eq!(found.start.line, 2);
        assert!(
            !found.message.en.contains("at line"),
            "{}",
            found.message.en
        );
    }
}
