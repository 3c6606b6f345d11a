//! Printing diagnostics: the compiler-style text form for people (severity
//! and code, message, `path:line:column`, the source line with carets, and
//! a hint) and a JSON document for editors and CI.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use crate::diagnostic::{Diagnostic, Severity};

/// Columns a tab advances to in a snippet.
const TAB_WIDTH: usize = 4;

/// Renders one diagnostic with the offending source line when it is known.
pub fn render_text(diagnostic: &Diagnostic, sources: &HashMap<PathBuf, String>) -> String {
    let severity = match diagnostic.check.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut text = format!(
        "{severity}[{}]: {}\n",
        diagnostic.check.code, diagnostic.message
    );
    let start = diagnostic.start;
    let line = sources
        .get(&diagnostic.file)
        .and_then(|source| source.lines().nth(start.line.saturating_sub(1)));
    // The gutter is as wide as the line number, so `-->`, `|` and `=` line up.
    let number = start.line.to_string();
    let gutter = " ".repeat(if line.is_some() { number.len() } else { 1 });
    let file = diagnostic.file.display();
    let _ = writeln!(text, "{gutter}--> {file}:{}:{}", start.line, start.column);

    if let Some(line) = line {
        let end_column = if diagnostic.end.line == start.line {
            diagnostic.end.column
        } else {
            usize::MAX
        };
        let (display_line, offset, width) =
            underline(line.trim_end_matches('\r'), start.column, end_column);
        let _ = writeln!(text, "{gutter} |");
        let _ = writeln!(text, "{number} | {display_line}");
        let _ = writeln!(
            text,
            "{gutter} | {}{}",
            " ".repeat(offset),
            "^".repeat(width.max(1))
        );
    }
    let _ = writeln!(text, "{gutter} = help: {}", diagnostic.hint);
    text
}

/// Expands tabs in `line` and returns it with the display offset and width of
/// the characters from `start` up to (not including) `end`, both 1-based.
/// CJK characters are two columns wide.
pub fn underline(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let mut display_line = String::new();
    let mut column = 0;
    let (mut offset, mut width) = (None, 0);
    for (index, character) in line.chars().enumerate() {
        let position = index + 1;
        if position == start {
            offset = Some(column);
        }
        let advance = if character == '\t' {
            TAB_WIDTH - column % TAB_WIDTH
        } else {
            character.width().unwrap_or(0)
        };
        if character == '\t' {
            display_line.push_str(&" ".repeat(advance));
        } else {
            display_line.push(character);
        }
        if position >= start && position < end {
            width += advance;
        }
        column += advance;
    }
    (display_line, offset.unwrap_or(column), width)
}

/// Returns the closing line: the number of errors and warnings in how many records.
pub fn count_line(errors: usize, warnings: usize, records: usize) -> String {
    let plural = |count: usize, word: &str| {
        if count == 1 {
            format!("1 {word}")
        } else {
            format!("{count} {word}s")
        }
    };
    format!(
        "{} and {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(records, "record")
    )
}

/// The JSON document that `check --format json` writes.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub records: usize,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// One diagnostic in the JSON document.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub key_path: &'a str,
    pub message: &'a str,
    pub hint: &'a str,
}

/// Builds the JSON document for a list of diagnostics.
pub fn json_report(diagnostics: &[Diagnostic], records: usize) -> JsonReport<'_> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    JsonReport {
        records,
        errors,
        warnings: diagnostics.len() - errors,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.check.code,
                name: d.check.name,
                severity: d.check.severity,
                file: d.file.display().to_string(),
                line: d.start.line,
                column: d.start.column,
                end_line: d.end.line,
                end_column: d.end.column,
                key_path: &d.key_path,
                message: &d.message,
                hint: &d.hint,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underline_counts_cjk_twice() {
        let (display_line, offset, width) = underline("name: 王某", 7, 9);
        assert_eq!(display_line, "name: 王某");
        assert_eq!((offset, width), (6, 4));
    }

    #[test]
    fn underline_expands_tabs() {
        let (display_line, offset, width) = underline("\tsize: 4", 8, 9);
        assert_eq!(display_line, "    size: 4");
        assert_eq!((offset, width), (10, 1));
    }

    #[test]
    fn count_line_uses_singular() {
        assert_eq!(count_line(1, 0, 1), "1 error and 0 warnings in 1 record");
    }
}
