//! Slips of a Chinese input method: full-width digits, letters and spaces
//! typed into short values such as names, hospitals and addresses.

use std::path::Path;

use crate::diagnostic::{self as checks, Diagnostic, Text};
use crate::record::{Family, Team};

/// Returns the first character of `text` that a Chinese input method typed in
/// place of an ASCII one: a full-width digit or letter, or the ideographic space.
pub fn full_width_char(text: &str) -> Option<char> {
    text.chars().find(|&character| {
        matches!(character, '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' | '\u{3000}')
    })
}

/// Warns about short values (names, hospitals, addresses, grades) holding
/// full-width characters. Markdown fields are prose and are not looked at.
pub fn full_width_values(file: &Path, values: &[(String, &str)]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (path, value) in values {
        if let Some(character) = full_width_char(value) {
            let (zh, en) = if character == '\u{3000}' {
                ("全角空格".to_owned(), "a full-width space".to_owned())
            } else {
                (
                    format!("全角字符 `{character}`"),
                    format!("the full-width character `{character}`"),
                )
            };
            let message = Text::new(
                format!("`{path}` `{value}` 中有{zh}，是中文输入法在全角状态下打出的"),
                format!("`{path}` `{value}` contains {en}, typed with a Chinese input method"),
            );
            let hint = Text::new(
                "把输入法切换到半角，重新输入这个字符",
                "switch the input method to half-width (半角) and retype it",
            );
            let diagnostic =
                Diagnostic::new(checks::FULL_WIDTH, file, path.as_str(), message, hint);
            diagnostics.push(diagnostic);
        }
    }
    diagnostics
}

/// Lists the short text values of a family with their key paths.
pub fn family_short_values(family: &Family) -> Vec<(String, &str)> {
    let worker = &family.worker;
    let household = &family.household;
    let mut values = vec![
        ("university".to_owned(), &*family.university),
        ("worker.name".to_owned(), &*worker.name),
        ("worker.hospital".to_owned(), &*worker.hospital),
        ("worker.aided_hospital".to_owned(), &*worker.aided_hospital),
        ("family.address".to_owned(), &*household.address),
        ("team".to_owned(), &*family.team),
    ];
    if let Some(health) = &household.elderly_health {
        values.push(("family.elderly_health".to_owned(), health));
    }
    for (index, grade) in household.grades.iter().enumerate() {
        values.push((format!("family.grades.{index}"), grade));
    }
    if let Some(approval) = &family.approval {
        values.push(("approval.signer".to_owned(), &*approval.signer));
    }
    values
}

/// Lists the short text values of a team with their key paths.
pub fn team_short_values(team: &Team) -> Vec<(String, &str)> {
    let mut values = vec![
        ("university".to_owned(), team.university.as_str()),
        ("name".to_owned(), team.name.as_str()),
        ("leader.name".to_owned(), team.leader.name.as_str()),
    ];
    for (index, member) in team.roster.iter().enumerate() {
        values.push((format!("roster.{index}.name"), member.name.as_str()));
    }
    values
}
