//! Names that become output paths: each university's folder and each
//! family's page. They must be valid file names on Windows, macOS and Linux
//! and must not collide, or one output would overwrite another.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use crate::campaign::Campaign;
use crate::diagnostic::{self as checks, Diagnostic, Text};
use crate::record::{Family, Team};
use crate::summary::folder_of;

/// Names that Windows reserves for devices, in any case and with any extension.
const DEVICE_NAMES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Characters that Windows does not allow in file names, plus the slashes.
const FORBIDDEN: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// Family ids that would overwrite a page the site writes itself.
const RESERVED_IDS: &[&str] = &["index"];

/// Returns why `name` cannot be a file or folder name, or `None` when it can.
pub fn unusable_reason(name: &str) -> Option<Text> {
    if name.trim().is_empty() {
        return Some(Text::new("名称是空的", "it is empty"));
    }
    if name == "." || name == ".." {
        return Some(Text::new(
            format!("`{name}` 表示文件夹本身或上一级文件夹"),
            format!("`{name}` means a folder itself or its parent"),
        ));
    }
    if let Some(character) = name
        .chars()
        .find(|c| FORBIDDEN.contains(c) || c.is_control())
    {
        let shown = character.escape_default();
        return Some(Text::new(
            format!("其中有 `{shown}`"),
            format!("it contains `{shown}`"),
        ));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some(Text::new(
            "以点或空格结尾，Windows 会把它去掉",
            "it ends with a dot or a space, which Windows drops",
        ));
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    if DEVICE_NAMES
        .iter()
        .any(|device| device.eq_ignore_ascii_case(stem))
    {
        return Some(Text::new(
            format!("`{stem}` 是 Windows 的设备名"),
            format!("`{stem}` is a device name on Windows"),
        ));
    }
    None
}

/// Checks the folder of every university and the page name of every family.
pub fn check(
    families: &[Arc<Family>],
    teams: &[Arc<Team>],
    campaign: &Campaign,
    campaign_file: Option<&Path>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let records: Vec<(&str, &Path)> = families
        .iter()
        .map(|family| (&*family.university, family.source.path.as_ref()))
        .chain(
            teams
                .iter()
                .map(|team| (&*team.university, team.source.path.as_ref())),
        )
        .collect();
    let places = university_places(&records, campaign, campaign_file);
    let mut taken: HashMap<String, &str> = HashMap::new();
    for place in &places {
        let folder = folder_of(campaign, place.university);
        let report = |check, message: Text, hint: Text| {
            let file = place.file?;
            Some(Diagnostic::new(
                check,
                file,
                place.key_path.clone(),
                message,
                hint,
            ))
        };
        let university = place.university;
        if let Some(reason) = unusable_reason(&folder) {
            let (message, hint) = unusable_folder(university, &folder, &reason, campaign);
            diagnostics.extend(report(checks::UNUSABLE_NAME, message, hint));
            continue;
        }
        match taken.get(&folder.to_lowercase()) {
            Some(first) => {
                let message = Text::new(
                    format!("{university}和{first}会写入同一个文件夹 `{folder}`"),
                    format!(
                        "{university} and {first} would both be written to the folder `{folder}`"
                    ),
                );
                let hint = Text::new(
                    "在 campaign.yaml 中给每所高校一个不同的 `folder:`（不区分大小写）",
                    "give each university its own `folder:` in campaign.yaml; folder names must differ ignoring case",
                );
                diagnostics.extend(report(checks::OUTPUT_COLLISION, message, hint));
            }
            None => {
                taken.insert(folder.to_lowercase(), university);
            }
        }
    }
    for family in families {
        if let Some(message) = unusable_id(&family.source.id) {
            let hint = Text::new(
                "给文件改名，例如 wang-family.yaml",
                "rename the file, for example to wang-family.yaml",
            );
            diagnostics.push(Diagnostic::new(
                checks::UNUSABLE_NAME,
                &*family.source.path,
                "",
                message,
                hint,
            ));
        }
    }
    diagnostics
}

/// Describes a university whose folder name cannot be used. A university
/// missing from the campaign list is most likely a misspelt name, so the fix
/// offered is the name, not a `folder:` entry.
fn unusable_folder(
    university: &str,
    folder: &str,
    reason: &Text,
    campaign: &Campaign,
) -> (Text, Text) {
    if campaign.university(university).is_none() {
        let listed: Vec<&str> = campaign
            .universities
            .iter()
            .map(|entry| entry.name.as_str())
            .collect();
        let message = Text::new(
            format!(
                "高校“{university}”不在活动设置的名单中，也不能用作文件夹名：{}",
                reason.zh
            ),
            format!(
                "the university {university} is not in the campaign's list, and cannot name a folder: {}",
                reason.en
            ),
        );
        let hint = Text::new(
            format!("`university` 写名单中的高校全称：{}", listed.join("、")),
            format!(
                "write the full name of a listed university in `university`: {}",
                listed.join(", ")
            ),
        );
        return (message, hint);
    }
    let message = Text::new(
        format!("{university}不能写入文件夹 `{folder}`：{}", reason.zh),
        format!(
            "{university} cannot be written to the folder `{folder}`: {}",
            reason.en
        ),
    );
    let hint = Text::new(
        "在 campaign.yaml 中给这所高校写一个由字母、数字和连字符组成的 `folder:`",
        "give the university a `folder:` of letters, digits and hyphens in campaign.yaml",
    );
    (message, hint)
}

fn unusable_id(id: &str) -> Option<Text> {
    if RESERVED_IDS
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(id))
    {
        return Some(Text::new(
            format!("文件名 `{id}` 是保留的：它的网页会覆盖本校的汇总页"),
            format!("the file name `{id}` is reserved: its page would replace the university page"),
        ));
    }
    let reason = unusable_reason(id)?;
    Some(Text::new(
        format!("文件名 `{id}` 不能用作家庭网页的文件名：{}", reason.zh),
        format!(
            "the file name `{id}` cannot be used for the family's page: {}",
            reason.en
        ),
    ))
}

/// The place a university's name is written: its campaign entry, or its
/// first record. `file` is `None` for the built-in defaults, which are valid.
struct Place<'a> {
    university: &'a str,
    file: Option<&'a Path>,
    key_path: String,
}

fn university_places<'a>(
    records: &[(&'a str, &'a Path)],
    campaign: &'a Campaign,
    campaign_file: Option<&'a Path>,
) -> Vec<Place<'a>> {
    let mut places = Vec::new();
    for (index, entry) in campaign.universities.iter().enumerate() {
        let key = if entry.folder.is_some() {
            "folder"
        } else {
            "name"
        };
        let key_path = format!("universities.{index}.{key}");
        places.push(Place {
            university: &entry.name,
            file: campaign_file,
            key_path,
        });
    }
    let mut seen: HashSet<&str> = places.iter().map(|place| place.university).collect();
    for &(university, file) in records {
        if seen.insert(university) {
            let key_path = "university".to_owned();
            places.push(Place {
                university,
                file: Some(file),
                key_path,
            });
        }
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_chinese_and_spaces() {
        for name in ["郑州大学", "wang family", "li #2 %", "zzu"] {
            assert_eq!(unusable_reason(name), None, "{name}");
        }
    }

    #[test]
    fn rejects_paths_and_device_names() {
        for name in [
            "",
            "..",
            "a/b",
            "a\\b",
            "con",
            "NUL.txt",
            "lpt1",
            "a:b",
            "end.",
            "tab\there",
        ] {
            assert!(unusable_reason(name).is_some(), "{name}");
        }
    }

    #[test]
    fn reserves_index_id() {
        assert!(unusable_id("Index").is_some());
        assert!(unusable_id("wang-family").is_none());
    }
}
