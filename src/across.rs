//! Rules that compare records with each other and with the campaign: team
//! references, the same worker twice, page names that collide, team sizes
//! and unlisted universities. Each runs in linear time over hash maps.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::campaign::Campaign;
use crate::diagnostic::{self as checks, Diagnostic, Text};
use crate::record::{Family, Team, team_key};
use crate::summary::folder_of;

/// Links of records that failed to decode. The cross-record checks use them
/// so that one broken file does not cause false reports on its neighbours.
#[derive(Debug, Default)]
pub struct InvalidRecords {
    /// `(university, team)` named by families that are otherwise invalid.
    pub team_references: Vec<(String, String)>,
    /// Matching keys of team files that exist but are invalid.
    pub team_ids: HashSet<String>,
}

/// Runs every check that compares records with each other and with the campaign.
pub fn check(
    families: &[Family],
    teams: &[Team],
    invalid: &InvalidRecords,
    campaign: &Campaign,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let team_index = index_teams(teams, &mut diagnostics);
    team_references(families, &team_index, invalid, &mut diagnostics);
    duplicate_workers(families, &mut diagnostics);
    family_collisions(families, campaign, &mut diagnostics);
    team_sizes(families, teams, invalid, &mut diagnostics);
    unknown_universities(families, teams, campaign, &mut diagnostics);
    diagnostics
}

/// Teams by their matching key (see `team_key`).
type TeamIndex<'a> = HashMap<String, Vec<&'a Team>>;

fn index_teams<'a>(teams: &'a [Team], diagnostics: &mut Vec<Diagnostic>) -> TeamIndex<'a> {
    let mut by_id: TeamIndex<'a> = HashMap::new();
    let mut seen: HashMap<(&str, String), &Path> = HashMap::new();
    for team in teams {
        let key = (team.university.as_str(), team_key(&team.source.id));
        if let Some(first) = seen.get(&key) {
            let (id, university, first) = (&team.source.id, &team.university, first.display());
            let message = Text::new(
                format!("{university}的团队编号 `{id}` 已被 {first} 使用"),
                format!("team id `{id}` of {university} is also used by {first}"),
            );
            let hint = Text::new(
                "给其中一个团队文件改名；同一高校的团队编号不能相同（不区分大小写）",
                "rename one of the two team files; team ids must differ within a university, ignoring case",
            );
            let diagnostic = Diagnostic::new(
                checks::OUTPUT_COLLISION,
                &team.source.path,
                "",
                message,
                hint,
            );
            diagnostics.push(diagnostic);
            continue;
        }
        seen.insert(key, &team.source.path);
        by_id
            .entry(team_key(&team.source.id))
            .or_default()
            .push(team);
    }
    by_id
}

fn team_references(
    families: &[Family],
    teams: &TeamIndex,
    invalid: &InvalidRecords,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let linked = families
        .iter()
        .filter(|f| !invalid.team_ids.contains(&team_key(&f.team)));
    for family in linked {
        let candidates = teams
            .get(&team_key(&family.team))
            .map_or(&[][..], Vec::as_slice);
        if candidates
            .iter()
            .any(|team| team.university == family.university)
        {
            continue;
        }
        let (team, university) = (&family.team, &family.university);
        let (check, message, hint) = match candidates.first() {
            Some(other) => (
                checks::TEAM_OF_OTHER_UNIVERSITY,
                Text::new(
                    format!(
                        "团队 `{team}` 属于{}，但这户家庭登记在{university}",
                        other.university
                    ),
                    format!(
                        "team `{team}` belongs to {}, but this family is registered with {university}",
                        other.university
                    ),
                ),
                Text::new(
                    format!("改为{university}自己的团队"),
                    format!("choose a team of {university}"),
                ),
            ),
            None => (
                checks::UNKNOWN_TEAM,
                Text::new(
                    format!("{university}没有编号为 `{team}` 的团队"),
                    format!("no team of {university} has the id `{team}`"),
                ),
                Text::new(
                    "写本校一个团队的编号，即 `teams` 文件夹中团队文件的文件名（不含 .yaml）",
                    "write the id (file name without .yaml) of a team of the same university",
                ),
            ),
        };
        diagnostics.push(Diagnostic::new(
            check,
            &family.source.path,
            "team",
            message,
            hint,
        ));
    }
}

fn duplicate_workers(families: &[Family], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<(&str, &str), &Path> = HashMap::new();
    for family in families {
        let key = (family.worker.name.trim(), family.worker.hospital.trim());
        let Some(first) = seen.get(&key) else {
            seen.insert(key, &family.source.path);
            continue;
        };
        let ((name, hospital), first) = (key, first.display());
        let message = Text::new(
            format!("{hospital}的{name}已经登记在 {first}"),
            format!("{name} of {hospital} is already registered in {first}"),
        );
        let hint = Text::new(
            "每户家庭只保留一个文件，删除或合并另一个",
            "keep one file per family and delete or merge the other",
        );
        let diagnostic = Diagnostic::new(
            checks::DUPLICATE_WORKER,
            &family.source.path,
            "worker.name",
            message,
            hint,
        );
        diagnostics.push(diagnostic);
    }
}

fn family_collisions(families: &[Family], campaign: &Campaign, diagnostics: &mut Vec<Diagnostic>) {
    let mut pages: HashMap<(String, String), &Path> = HashMap::new();
    for family in families {
        let folder = folder_of(campaign, &family.university).to_lowercase();
        let key = (folder, family.source.id.to_lowercase());
        let Some(first) = pages.get(&key) else {
            pages.insert(key, &family.source.path);
            continue;
        };
        let page = format!("{}/{}.html", key.0, family.source.id);
        let first = first.display();
        let message = Text::new(
            format!("这户家庭的网页 {page} 会覆盖 {first} 的网页"),
            format!("this family's page {page} would overwrite the page of {first}"),
        );
        let hint = Text::new(
            "给其中一个文件改名；同一高校的文件名不能相同（不区分大小写）",
            "rename one of the two files; names must differ within a university, ignoring case",
        );
        diagnostics.push(Diagnostic::new(
            checks::OUTPUT_COLLISION,
            &family.source.path,
            "",
            message,
            hint,
        ));
    }
}

fn team_sizes(
    families: &[Family],
    teams: &[Team],
    invalid: &InvalidRecords,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut served: HashMap<(&str, String), usize> = HashMap::new();
    let valid = families
        .iter()
        .map(|family| (family.university.as_str(), team_key(&family.team)));
    let broken = invalid
        .team_references
        .iter()
        .map(|(university, team)| (university.as_str(), team_key(team)));
    for reference in valid.chain(broken) {
        *served.entry(reference).or_default() += 1;
    }
    for team in teams {
        let key = (team.university.as_str(), team_key(&team.source.id));
        let count = served.get(&key).copied().unwrap_or(0);
        if (2..=3).contains(&count) {
            continue;
        }
        let families = if count == 1 { "family" } else { "families" };
        let message = Text::new(
            format!(
                "团队 {} 服务 {count} 户家庭；一个服务队应对接 2—3 户家庭",
                team.name
            ),
            format!(
                "team {} serves {count} {families}; one team serves 2 to 3 families",
                team.name
            ),
        );
        let hint = Text::new(
            "为这个团队结对 2 或 3 户家庭，或者拆分、合并团队",
            "pair the team with 2 or 3 families, or split or merge teams",
        );
        diagnostics.push(Diagnostic::new(
            checks::TEAM_SIZE,
            &team.source.path,
            "",
            message,
            hint,
        ));
    }
}

fn unknown_universities(
    families: &[Family],
    teams: &[Team],
    campaign: &Campaign,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let records = families
        .iter()
        .map(|family| (&family.university, &family.source.path))
        .chain(
            teams
                .iter()
                .map(|team| (&team.university, &team.source.path)),
        );
    for (university, path) in records {
        if campaign.university(university).is_some() {
            continue;
        }
        let message = Text::new(
            format!("{university}不在活动设置的高校名单中"),
            format!("{university} is not in the campaign's list of universities"),
        );
        let hint = Text::new(
            "核对高校全称，或者在 campaign.yaml 的 `universities:` 中加上这所高校",
            "check the spelling, or add the university under `universities:` in campaign.yaml",
        );
        diagnostics.push(Diagnostic::new(
            checks::UNKNOWN_UNIVERSITY,
            path,
            "university",
            message,
            hint,
        ));
    }
}
