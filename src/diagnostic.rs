//! Problems found in records, as data: every check yields `Diagnostic`s that
//! carry a stable code, the file, the key path and, once resolved, the line
//! and column of the value. Printing them lives in `report_text`.

use std::path::PathBuf;

use serde::Serialize;

pub use crate::lang::Text;

/// Whether a problem stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One check of the record format, with its stable code and short name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Check {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One sentence saying what the check rejects, for `docs/record-format.md`.
    pub summary: &'static str,
}

macro_rules! checks {
    ($($ident:ident = $code:literal $name:literal $severity:ident $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $ident: Check = Check {
                code: $code,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
            };
        )*
        /// Every check, in code order.
        pub const ALL_CHECKS: &[Check] = &[$($ident),*];
    };
}

checks! {
    YAML_SYNTAX = "E001" "yaml-syntax" Error "The file is not valid YAML.";
    WRONG_TYPE = "E002" "wrong-type" Error "A value has the wrong type, such as text where a number belongs.";
    UNKNOWN_KEY = "E003" "unknown-key" Error "A key that the record format does not have (often a typo).";
    MISSING_KEY = "E004" "missing-key" Error "A required key is absent or left blank.";
    INVALID_GENDER = "E005" "invalid-gender" Error "`worker.gender` is neither 男 nor 女.";
    COUNT_OUT_OF_RANGE = "E006" "count-out-of-range" Error "A count is negative, or `family.size` or `members` is below 1.";
    COUNTS_EXCEED_SIZE = "E007" "counts-exceed-size" Error "`in_hubei + elderly + minors` is larger than the household `size`.";
    GRADES_MISMATCH = "E008" "grades-mismatch" Error "`grades` does not have exactly one entry per minor.";
    MISSING_ELDERLY_HEALTH = "E009" "missing-elderly-health" Error "`elderly_health` is missing although `elderly` is above 0.";
    NO_NEEDS = "E010" "no-needs" Error "`needs` lists no service code.";
    INVALID_NEED_CODE = "E011" "invalid-need-code" Error "A service code in `needs` is outside 1 to 5.";
    MISSING_NEEDS_SUMMARY = "E012" "missing-needs-summary" Error "Code 5 (其他) is chosen without a `needs_summary`.";
    TUTORING_WITHOUT_MINORS = "E013" "tutoring-without-minors" Error "Code 1 (子女学习辅导) is chosen for a family with no minors.";
    INVALID_PHONE = "E014" "invalid-phone" Error "A phone is neither a Chinese mobile nor a landline number.";
    UNKNOWN_TEAM = "E015" "unknown-team" Error "`team` names no team file of that id.";
    TEAM_OF_OTHER_UNIVERSITY = "E016" "team-of-other-university" Error "`team` names a team that belongs to another university.";
    DUPLICATE_WORKER = "E017" "duplicate-worker" Error "The same medical worker (name and hospital) is registered in two files.";
    OUTPUT_COLLISION = "E018" "output-collision" Error "Two records would be written to the same output file.";
    UNTRAINED_VOLUNTEER = "E019" "untrained-volunteer" Error "A roster member has not passed basic training (合格).";
    INVALID_DATE = "E020" "invalid-date" Error "A date is not a real day written as YYYY-MM-DD.";
    INVALID_CHOICE = "E021" "invalid-choice" Error "A value is not one of the choices the form allows.";
    ROSTER_SIZE_MISMATCH = "E022" "roster-size-mismatch" Error "A team's `roster` length differs from `members`.";
    UNREADABLE_FILE = "E023" "unreadable-file" Error "A file or folder could not be read, or is not UTF-8 text.";
    UNUSABLE_NAME = "E024" "unusable-name" Error "A name that becomes an output file or folder cannot be one on every system.";
    FILE_TOO_LARGE = "E025" "file-too-large" Error "A record file is larger than 1 MiB, or nested deeper than a record can be.";
    TEXT_TOO_LONG = "E026" "text-too-long" Error "A text that goes into the workbook is longer than the 32,767 characters an Excel cell can contain.";
    UNKNOWN_UNIVERSITY = "W001" "unknown-university" Warning "A university that the campaign file does not list.";
    TEAM_SIZE = "W002" "team-size" Warning "A team serves fewer than 2 or more than 3 families.";
    HEALTH_WITHOUT_ELDERLY = "W003" "health-without-elderly" Warning "Code 3 (健康咨询与在线问诊) is chosen for a family with no elderly.";
    OFFLINE_WITHOUT_ARRANGEMENT = "W004" "offline-without-arrangement" Warning "Code 4 (生活帮扶) is chosen without an `offline` arrangement.";
    NOT_APPROVED = "W005" "not-approved" Warning "The family has no approval from the university League committee yet.";
    VISIT_OVERDUE = "W006" "visit-overdue" Warning "The last visit (or the approval) is older than the visit interval.";
    FULL_WIDTH = "W007" "full-width-characters" Warning "A value holds full-width digits, letters or spaces typed with a Chinese input method.";
    FUTURE_DATE = "W008" "future-date" Warning "An approval or visit is dated after the build date.";
}

/// Returns the check with the given code, such as `E012`.
pub fn check_by_code(code: &str) -> Option<Check> {
    ALL_CHECKS
        .iter()
        .copied()
        .find(|check| check.code.eq_ignore_ascii_case(code))
}

/// The part of a key-value pair that a diagnostic points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Key,
    Value,
}

/// A place in a file: 1-based line and column, columns counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One problem in one file.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub check: Check,
    pub file: PathBuf,
    /// Dotted key path inside the file, such as `family.phone` or `needs.1`; empty for the file.
    pub key_path: String,
    #[serde(skip)]
    pub part: Part,
    pub start: Position,
    pub end: Position,
    /// Description of the problem, naming the key and its label on the form.
    #[serde(skip)]
    pub message: Text,
    /// How to fix it.
    #[serde(skip)]
    pub hint: Text,
    /// Whether `start` and `end` have been filled in from the source.
    #[serde(skip)]
    pub located: bool,
}

impl Diagnostic {
    /// Creates a diagnostic about the value at `key_path`; its position is resolved later.
    pub fn new(
        check: Check,
        file: impl Into<PathBuf>,
        key_path: impl Into<String>,
        message: Text,
        hint: Text,
    ) -> Diagnostic {
        Diagnostic {
            check,
            file: file.into(),
            key_path: key_path.into(),
            part: Part::Value,
            start: Position::default(),
            end: Position::default(),
            message,
            hint,
            located: false,
        }
    }

    /// Points the diagnostic at the key of its key path instead of the value.
    pub fn at_key(mut self) -> Diagnostic {
        self.part = Part::Key;
        self
    }

    /// Fixes the position, for problems whose place the parser reported itself.
    pub fn at(mut self, start: Position, end: Position) -> Diagnostic {
        self.start = start;
        self.end = end;
        self.located = true;
        self
    }

    /// Returns whether this diagnostic stops the build.
    pub fn is_error(&self) -> bool {
        self.check.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, then line and column, then code, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|left, right| {
        (&left.file, left.start, left.check.code).cmp(&(&right.file, right.start, right.check.code))
    });
}

/// Sorts borrowed diagnostics the same way as [`sort`].
pub fn sort_refs(diagnostics: &mut [&Diagnostic]) {
    diagnostics.sort_by(|left, right| {
        (&left.file, left.start, left.check.code).cmp(&(&right.file, right.start, right.check.code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ordered() {
        let codes: Vec<&str> = ALL_CHECKS.iter().map(|check| check.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn record_format_guide_lists_every_check() {
        let guide = include_str!("../docs/record-format.md");
        for check in ALL_CHECKS {
            let row = format!("| {} | {} |", check.code, check.name);
            assert!(
                guide.contains(&row),
                "docs/record-format.md lacks the row of {}",
                check.code
            );
        }
    }
}
