//! Printing diagnostics: the compiler-style text form for people (severity
//! and code, message, `path:line:column`, the source line with carets, and
//! a hint) and a JSON document for editors and CI.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lang::Lang;

/// Columns a tab advances to in a snippet.
const TAB_WIDTH: usize = 4;

/// Widest part of a source line shown in a snippet, in display columns.
const MAX_SNIPPET_WIDTH: usize = 120;

/// A file's text with the byte offset of each line, so that printing many
/// diagnostics of one file does not rescan it for every one.
#[derive(Debug, Default)]
pub struct SourceLines {
    text: String,
    /// Byte offset in `text` where each kept line starts.
    line_starts: Vec<usize>,
    /// Line number of each kept line, or `None` when every line is kept.
    numbers: Option<Vec<usize>>,
}

/// The line that [`render_text_with`] split into cells last, kept by its
/// caller because diagnostics come sorted by line and many can fall on one
/// line. Each chunk of printed diagnostics keeps its own and drops it when
/// done, so that no split line outlives the printing.
#[derive(Default)]
pub struct LineCache {
    last: Option<(Arc<SourceLines>, usize, Arc<LineCells>)>,
}

impl LineCache {
    /// Returns line `number` of `source` split into display cells.
    fn cells(&mut self, source: &Arc<SourceLines>, number: usize) -> Option<Arc<LineCells>> {
        if let Some((cached, line, cells)) = &self.last
            && *line == number
            && Arc::ptr_eq(cached, source)
        {
            return Some(Arc::clone(cells));
        }
        let cells = Arc::new(LineCells::new(source.line(number)?));
        self.last = Some((Arc::clone(source), number, Arc::clone(&cells)));
        Some(cells)
    }
}

impl SourceLines {
    /// Indexes the lines of `text`.
    pub fn new(text: String) -> SourceLines {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(index, _)| index + 1));
        SourceLines {
            text,
            line_starts,
            numbers: None,
        }
    }

    /// Keeps only some lines of a source, given with their 1-based numbers in
    /// ascending order and without line endings. Other lines are unknown.
    pub fn from_lines(lines: Vec<(usize, String)>) -> SourceLines {
        let mut text = String::with_capacity(lines.iter().map(|(_, line)| line.len() + 1).sum());
        let mut line_starts = Vec::with_capacity(lines.len());
        let mut numbers = Vec::with_capacity(lines.len());
        for (number, line) in lines {
            if !line_starts.is_empty() {
                text.push('\n');
            }
            line_starts.push(text.len());
            numbers.push(number);
            text.push_str(&line);
        }
        SourceLines {
            text,
            line_starts,
            numbers: Some(numbers),
        }
    }

    /// Returns line `number` (1-based) without its line ending.
    pub fn line(&self, number: usize) -> Option<&str> {
        let index = match &self.numbers {
            None => number.checked_sub(1)?,
            Some(numbers) => numbers.binary_search(&number).ok()?,
        };
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        let line = self.text.get(start..end.max(start))?;
        Some(line.trim_end_matches('\r'))
    }
}

/// Output settings of diagnostics: the language, and whether to colour them.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub lang: Lang,
    pub color: bool,
}

/// ANSI colours used on a terminal, as in compiler output.
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Style {
    fn paint(&self, color: &str, text: &str) -> String {
        if self.color {
            format!("{color}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

/// Renders one diagnostic with the offending source line when it is known.
pub fn render_text(
    diagnostic: &Diagnostic,
    sources: &HashMap<PathBuf, Arc<SourceLines>>,
    style: Style,
) -> String {
    render_text_with(diagnostic, sources, style, &mut LineCache::default())
}

/// Like [`render_text`], reusing the source line that `cache` split last.
pub fn render_text_with(
    diagnostic: &Diagnostic,
    sources: &HashMap<PathBuf, Arc<SourceLines>>,
    style: Style,
    cache: &mut LineCache,
) -> String {
    let (severity, color) = match (diagnostic.check.severity, style.lang) {
        (Severity::Error, Lang::Zh) => ("错误", RED),
        (Severity::Error, Lang::En) => ("error", RED),
        (Severity::Warning, Lang::Zh) => ("警告", YELLOW),
        (Severity::Warning, Lang::En) => ("warning", YELLOW),
    };
    let heading = style.paint(color, &format!("{severity}[{}]", diagnostic.check.code));
    let message = style.paint(BOLD, &printable(diagnostic.message.get(style.lang)));
    let mut text = format!("{heading}: {message}\n");
    let start = diagnostic.start;
    let line = sources
        .get(&diagnostic.file)
        .and_then(|source| cache.cells(source, start.line));
    // The gutter is as wide as the line number, so `-->`, `|` and `=` line up.
    let number = start.line.to_string();
    let gutter = " ".repeat(if line.is_some() { number.len() } else { 1 });
    let file = printable(&diagnostic.file.display().to_string());
    let arrow = style.paint(BLUE, "-->");
    let bar = style.paint(BLUE, "|");
    let _ = writeln!(
        text,
        "{gutter}{arrow} {file}:{}:{}",
        start.line, start.column
    );

    if let Some(line) = line {
        let end_column = if diagnostic.end.line == start.line {
            diagnostic.end.column
        } else {
            usize::MAX
        };
        let (display_line, offset, width) = underline_cells(&line, start.column, end_column);
        let carets = style.paint(color, &"^".repeat(width.max(1)));
        let _ = writeln!(text, "{gutter} {bar}");
        let _ = writeln!(text, "{} {bar} {display_line}", style.paint(BLUE, &number));
        let _ = writeln!(text, "{gutter} {bar} {}{carets}", " ".repeat(offset));
    }
    let help = match style.lang {
        Lang::Zh => "提示",
        Lang::En => "help",
    };
    let equals = style.paint(BLUE, "=");
    let help = style.paint(BOLD, help);
    let _ = writeln!(
        text,
        "{gutter} {equals} {help}: {}",
        printable(diagnostic.hint.get(style.lang))
    );
    text
}

/// Replaces control characters with `\u{..}` escapes, so that record text
/// cannot move the cursor, clear the screen or retitle the terminal.
pub fn printable(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_control() && character != '\n' {
            let _ = write!(output, "\\u{{{:x}}}", u32::from(character));
        } else {
            output.push(character);
        }
    }
    output
}

/// Expands tabs in `line` and returns it with the display offset and width of
/// the characters from `start` up to (not including) `end`, both 1-based.
/// CJK characters are two columns wide, control characters show as `�`, and
/// a long line is cut to a window around `start`.
pub fn underline(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    underline_cells(&LineCells::new(line), start, end)
}

/// The displayed pieces of one source line with their widths, and the
/// display column where each piece starts, so that a window of the line is
/// found without rescanning it. The pieces are kept in one string, so that a
/// line costs three allocations rather than one per character.
#[derive(Debug)]
pub struct LineCells {
    /// Every piece, one after the other.
    text: String,
    /// `bounds[i]..bounds[i + 1]` is the byte range of piece `i` in `text`.
    bounds: Vec<u32>,
    /// `starts[i]` is the display column of piece `i`. One more entry stores the line's width.
    starts: Vec<usize>,
}

impl LineCells {
    /// Splits a line into displayed pieces, tabs expanded and control
    /// characters shown as `�`.
    pub fn new(line: &str) -> LineCells {
        let mut column = 0;
        let count = line.chars().count();
        let mut text = String::with_capacity(line.len());
        let mut bounds = Vec::with_capacity(count + 1);
        let mut starts = Vec::with_capacity(count + 1);
        for character in line.chars() {
            bounds.push(text.len() as u32);
            starts.push(column);
            let advance = if character == '\t' {
                let advance = TAB_WIDTH - column % TAB_WIDTH;
                text.extend(std::iter::repeat_n(' ', advance));
                advance
            } else if character.is_control() {
                text.push('\u{fffd}');
                1
            } else {
                text.push(character);
                character.width().unwrap_or(0)
            };
            column += advance;
        }
        bounds.push(text.len() as u32);
        starts.push(column);
        LineCells {
            text,
            bounds,
            starts,
        }
    }

    /// Returns the number of pieces in the line.
    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Returns piece `index` and its display width.
    fn piece(&self, index: usize) -> (&str, usize) {
        let (start, end) = (self.bounds[index], self.bounds[index + 1]);
        let text = &self.text[start as usize..end as usize];
        (text, self.starts[index + 1] - self.starts[index])
    }
}

/// Shows the window of a line around cells `start..end` (1-based): the text,
/// the display offset of `start` in it and the width to underline. Costs the
/// width of the window, not of the line.
fn underline_cells(line: &LineCells, start: usize, end: usize) -> (String, usize, usize) {
    let count = line.len();
    let start_index = start.saturating_sub(1).min(count);
    let offset = line.starts[start_index];
    let context = MAX_SNIPPET_WIDTH / 3;
    // The first cell shown is the first one that starts after the context
    // before `start`, found by binary search on the start columns.
    let first = if offset <= context {
        0
    } else {
        line.starts[..count].partition_point(|&column| column < offset - context)
    };
    let mut display_line = String::new();
    let (mut column, mut shown_offset, mut width) = (0, None, 0);
    if first > 0 {
        display_line.push('…');
        column += 1;
    }
    for index in first..count {
        let (text, advance) = line.piece(index);
        if column + advance > MAX_SNIPPET_WIDTH {
            display_line.push('…');
            break;
        }
        let position = index + 1;
        if position == start {
            shown_offset = Some(column);
        }
        if position >= start && position < end {
            width += advance;
        }
        display_line.push_str(text);
        column += advance;
    }
    (display_line, shown_offset.unwrap_or(column), width)
}

/// Returns the closing line: the number of errors and warnings in how many records.
pub fn count_line(errors: usize, warnings: usize, records: usize, lang: Lang) -> String {
    if lang == Lang::Zh {
        return format!("共 {records} 条记录：{errors} 个错误，{warnings} 个警告");
    }
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

/// The JSON document that `check --format json` writes; its shape is
/// described in `docs/json-output.md`.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    /// Version of the document's shape, raised when a field changes meaning.
    pub version: u32,
    pub records: usize,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Reason the check could not run at all (exit status 2), else `null`.
    pub failure: Option<String>,
}

/// Version of the JSON document's shape.
pub const JSON_VERSION: u32 = 1;

/// Builds the JSON document of a check that could not run.
pub fn json_failure(message: &str) -> JsonReport<'static> {
    JsonReport {
        version: JSON_VERSION,
        records: 0,
        errors: 0,
        warnings: 0,
        diagnostics: Vec::new(),
        failure: Some(message.to_owned()),
    }
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

/// Builds the JSON document for a list of diagnostics, with messages in `lang`.
pub fn json_report(diagnostics: &[Diagnostic], records: usize, lang: Lang) -> JsonReport<'_> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    JsonReport {
        version: JSON_VERSION,
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
                message: d.message.get(lang),
                hint: d.hint.get(lang),
            })
            .collect(),
        failure: None,
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
    fn underline_cuts_long_lines_around_value() {
        let line = format!("{}x: 1", "[".repeat(500));
        let (display_line, offset, width) = underline(&line, 501, 502);
        assert!(display_line.starts_with('…'));
        assert!(display_line.chars().count() <= MAX_SNIPPET_WIDTH + 2);
        assert_eq!(display_line.chars().nth(offset), Some('x'));
        assert_eq!(width, 1);
    }

    #[test]
    fn underline_replaces_control_characters() {
        let (display_line, offset, _) = underline("a: \u{1b}[2J", 4, 5);
        assert_eq!(display_line, "a: \u{fffd}[2J");
        assert_eq!(offset, 3);
    }

    #[test]
    fn printable_escapes_terminal_sequences() {
        assert_eq!(printable("王\u{1b}[31m某\u{7}"), "王\\u{1b}[31m某\\u{7}");
    }

    #[test]
    fn source_lines_strip_line_endings() {
        let source = SourceLines::new("a: 1\r\nb: 2\nc: 3".to_owned());
        assert_eq!(source.line(1), Some("a: 1"));
        assert_eq!(source.line(2), Some("b: 2"));
        assert_eq!(source.line(3), Some("c: 3"));
        assert_eq!(source.line(4), None);
    }

    #[test]
    fn count_line_uses_singular() {
        assert_eq!(
            count_line(1, 0, 1, Lang::En),
            "1 error and 0 warnings in 1 record"
        );
        assert_eq!(
            count_line(1, 0, 1, Lang::Zh),
            "共 1 条记录：1 个错误，0 个警告"
        );
    }
}
