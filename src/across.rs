//! Rules that compare records with each other and with the campaign: team
//! references, the same worker twice, page names that collide, team sizes
//! and unlisted universities. Each runs in linear time over hash maps.

use std::borrow::Cow;

use foldhash::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::campaign::Campaign;
use crate::diagnostic::{self as checks, Check, Diagnostic, Text};
use crate::record::{Family, Team, team_key_of};
use crate::summary::folder_of;

/// Links of records that failed to decode. The cross-record checks use them
/// so that one broken file does not cause false reports on its neighbours.
#[derive(Debug, Default)]
pub struct InvalidRecords {
    /// `(university, team)` named by families that are otherwise invalid.
    pub team_references: Vec<(String, String)>,
    /// Matching keys of team files that exist but are invalid.
    pub team_ids: foldhash::HashSet<String>,
}

/// Runs every check that compares records with each other and with the campaign.
pub fn check(
    families: &[Arc<Family>],
    teams: &[Arc<Team>],
    invalid: &InvalidRecords,
    campaign: &Campaign,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let team_index = index_teams(teams, &mut diagnostics);
    // The rules are independent of each other, so they run side by side;
    // their diagnostics are joined in a fixed order.
    let collect = |rule: &(dyn Fn(&mut Vec<Diagnostic>) + Sync)| {
        let mut found = Vec::new();
        rule(&mut found);
        found
    };
    let (((references, sizes), duplicates), (collisions, unknown)) = rayon::join(
        || {
            rayon::join(
                || team_links(families, teams, &team_index, invalid, campaign),
                || collect(&|found| duplicate_workers(families, found)),
            )
        },
        || {
            rayon::join(
                || collect(&|found| family_collisions(families, campaign, found)),
                || collect(&|found| unknown_universities(families, teams, campaign, found)),
            )
        },
    );
    for found in [references, duplicates, collisions, sizes, unknown] {
        diagnostics.extend(found);
    }
    diagnostics
}

/// The teams of every university by their matching key (see `team_key`),
/// in the order of `teams`. A team whose university has another team of
/// the same key is left out.
struct TeamIndex<'a> {
    by_id: HashMap<Cow<'a, str>, Vec<&'a Team>>,
}

fn index_teams<'a>(teams: &'a [Arc<Team>], diagnostics: &mut Vec<Diagnostic>) -> TeamIndex<'a> {
    let mut by_id: HashMap<Cow<str>, Vec<&Team>> =
        HashMap::with_capacity_and_hasher(teams.len(), Default::default());
    let mut seen: HashMap<(&str, Cow<str>), &Path> =
        HashMap::with_capacity_and_hasher(teams.len(), Default::default());
    for team in teams {
        let key = (team.university.as_str(), team_key_of(&team.source.id));
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
                &*team.source.path,
                "",
                message,
                hint,
            );
            diagnostics.push(diagnostic);
            continue;
        }
        by_id.entry(key.1.clone()).or_default().push(team);
        seen.insert(key, &team.source.path);
    }
    TeamIndex { by_id }
}

/// A university and the matching key of a team id.
type TeamPlace<'a> = (&'a str, Cow<'a, str>);

/// Checks the team each family names, and the number of families each team
/// serves, in one pass over the families. Returns the diagnostics of the
/// references, then those of the team sizes.
fn team_links(
    families: &[Arc<Family>],
    teams: &[Arc<Team>],
    index: &TeamIndex,
    invalid: &InvalidRecords,
    campaign: &Campaign,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    // The number of families of each team's university that name its key.
    let mut served: HashMap<TeamPlace, u32> =
        HashMap::with_capacity_and_hasher(teams.len(), Default::default());
    for team in teams {
        served.insert(team_place(team), 0);
    }
    let mut references = Vec::new();
    // Only needed for the hint of an unknown team, so made when one is found.
    let mut ids_by_university: Option<HashMap<&str, Vec<&str>>> = None;
    for family in families {
        let university = &*family.university;
        let key = team_key_of(&family.team);
        if invalid.team_ids.contains(key.as_ref()) {
            // The family still counts for a team of its university.
            if let Some(count) = served.get_mut(&(university, key)) {
                *count += 1;
            }
            continue;
        }
        if let Some(count) = served.get_mut(&(university, key.clone())) {
            *count += 1;
            continue;
        }
        let candidates = index.by_id.get(key.as_ref()).map_or(&[][..], Vec::as_slice);
        let (check, message, hint) = match candidates.first() {
            Some(other) => other_university(&family.team, university, &other.university, campaign),
            None => {
                let ids = ids_by_university.get_or_insert_with(|| team_ids_by_university(index));
                unknown_team(&family.team, university, ids.get(university))
            }
        };
        references.push(Diagnostic::new(
            check,
            &*family.source.path,
            "team",
            message,
            hint,
        ));
    }
    // Families that failed to decode count, under the id `?`, so that one
    // broken file does not make its team look too small.
    for (university, team) in &invalid.team_references {
        if let Some(count) = served.get_mut(&(university.as_str(), team_key_of(team))) {
            *count += 1;
        }
    }
    let sizes = team_sizes(families, teams, invalid, &served);
    (references, sizes)
}

/// Returns the ids of each university's teams, sorted.
fn team_ids_by_university<'a>(teams: &TeamIndex<'a>) -> HashMap<&'a str, Vec<&'a str>> {
    let mut ids_by_university: HashMap<&str, Vec<&str>> = HashMap::default();
    for team in teams.by_id.values().flatten() {
        ids_by_university
            .entry(&team.university)
            .or_default()
            .push(&team.source.id);
    }
    for ids in ids_by_university.values_mut() {
        ids.sort_unstable();
    }
    ids_by_university
}

fn other_university(
    team: &str,
    university: &str,
    owner: &str,
    campaign: &Campaign,
) -> (Check, Text, Text) {
    let check = checks::TEAM_OF_OTHER_UNIVERSITY;
    if campaign.university(university).is_none() {
        // An unlisted university beside a team of a listed one is most likely
        // a misspelt name, so the fix is the name rather than the team.
        let message = Text::new(
            format!("团队 `{team}` 属于{owner}，而这户家庭的高校“{university}”不在名单中"),
            format!(
                "team `{team}` belongs to {owner}, and this family's university {university} is not in the campaign's list"
            ),
        );
        let hint = Text::new(
            format!("如果这户家庭属于{owner}，把 `university` 改为 {owner}"),
            format!("if the family belongs to {owner}, write `university: {owner}`"),
        );
        return (check, message, hint);
    }
    let message = Text::new(
        format!("团队 `{team}` 属于{owner}，但这户家庭登记在{university}"),
        format!(
            "team `{team}` belongs to {owner}, but this family is registered with {university}"
        ),
    );
    let hint = Text::new(
        format!("改为{university}自己的团队"),
        format!("choose a team of {university}"),
    );
    (check, message, hint)
}

fn unknown_team(team: &str, university: &str, ids: Option<&Vec<&str>>) -> (Check, Text, Text) {
    let message = Text::new(
        format!("{university}没有编号为 `{team}` 的团队"),
        format!("no team of {university} has the id `{team}`"),
    );
    let hint = match ids {
        Some(ids) => Text::new(
            format!(
                "写本校一个团队的编号（`teams` 文件夹中团队文件的文件名，不含 .yaml）：{}",
                ids.join("、")
            ),
            format!(
                "write the id (file name without .yaml) of a team of the same university: {}",
                ids.join(", ")
            ),
        ),
        None => Text::new(
            format!("{university}还没有团队：先在 `teams` 文件夹中建立团队文件，再写它的编号"),
            format!(
                "{university} has no team yet: create a team file in a `teams` folder, then write its id"
            ),
        ),
    };
    (checks::UNKNOWN_TEAM, message, hint)
}

fn duplicate_workers(families: &[Arc<Family>], diagnostics: &mut Vec<Diagnostic>) {
    let keys = families
        .iter()
        .map(|family| (family.worker.name.trim(), family.worker.hospital.trim()));
    if all_distinct(keys) {
        return;
    }
    let mut seen: HashMap<(&str, &str), &Path> =
        HashMap::with_capacity_and_hasher(families.len(), Default::default());
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
            &*family.source.path,
            "worker.name",
            message,
            hint,
        );
        diagnostics.push(diagnostic);
    }
}

fn family_collisions(
    families: &[Arc<Family>],
    campaign: &Campaign,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Universities are few, so each one's folder is looked up once.
    let mut folders: HashMap<&str, String> = HashMap::default();
    for family in families {
        folders
            .entry(&family.university)
            .or_insert_with(|| folder_of(campaign, &family.university).to_lowercase());
    }
    let keys = families.iter().map(|family| {
        let folder = folders[&*family.university].as_str();
        (folder, lowercase(&family.source.id))
    });
    if all_distinct(keys) {
        return;
    }
    let mut pages: HashMap<(&str, Cow<str>), &Path> =
        HashMap::with_capacity_and_hasher(families.len(), Default::default());
    for family in families {
        let folder = folders[&*family.university].as_str();
        let key = (folder, lowercase(&family.source.id));
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
            &*family.source.path,
            "",
            message,
            hint,
        ));
    }
}

/// Returns the university and the matching key of a team.
fn team_place(team: &Team) -> TeamPlace<'_> {
    (team.university.as_str(), team_key_of(&team.source.id))
}

/// Reports each team that does not serve 2 or 3 families, given how many
/// each serves, with the ids of the families it serves.
fn team_sizes(
    families: &[Arc<Family>],
    teams: &[Arc<Team>],
    invalid: &InvalidRecords,
    served: &HashMap<TeamPlace, u32>,
) -> Vec<Diagnostic> {
    let outside = |team: &&Arc<Team>| {
        let count = served.get(&team_place(team)).copied().unwrap_or(0);
        !(2..=3).contains(&count)
    };
    if !teams.iter().any(|team| outside(&team)) {
        return Vec::new();
    }
    // The ids are listed only for teams outside the rule, which are few.
    let mut ids: HashMap<TeamPlace, Vec<&str>> = teams
        .iter()
        .filter(outside)
        .map(|team| (team_place(team), Vec::new()))
        .collect();
    let valid = families.iter().map(|family| {
        let key = (&*family.university, team_key_of(&family.team));
        (key, &*family.source.id)
    });
    let broken = invalid
        .team_references
        .iter()
        .map(|(university, team)| ((university.as_str(), team_key_of(team)), "?"));
    for (key, family) in valid.chain(broken) {
        if let Some(listed) = ids.get_mut(&key) {
            listed.push(family);
        }
    }
    let mut diagnostics = Vec::new();
    for team in teams.iter().filter(outside) {
        let ids = ids.get(&team_place(team)).map_or(&[][..], Vec::as_slice);
        let count = ids.len();
        let families = if count == 1 { "family" } else { "families" };
        let (id, name) = (&team.source.id, &team.name);
        let (listed_zh, listed_en) = if ids.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!("（{}）", ids.join("、")),
                format!(" ({})", ids.join(", ")),
            )
        };
        let message = Text::new(
            format!(
                "团队 {id}（{name}）服务 {count} 户家庭{listed_zh}；一个服务队应对接 2—3 户家庭"
            ),
            format!(
                "team {id} ({name}) serves {count} {families}{listed_en}; one team serves 2 to 3 families"
            ),
        );
        let hint = Text::new(
            "为这个团队结对 2 或 3 户家庭，或者拆分、合并团队",
            "pair the team with 2 or 3 families, or split or merge teams",
        );
        diagnostics.push(Diagnostic::new(
            checks::TEAM_SIZE,
            &*team.source.path,
            "",
            message,
            hint,
        ));
    }
    diagnostics
}

fn unknown_universities(
    families: &[Arc<Family>],
    teams: &[Arc<Team>],
    campaign: &Campaign,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let records = families
        .iter()
        .map(|family| (&*family.university, &*family.source.path))
        .chain(
            teams
                .iter()
                .map(|team| (team.university.as_str(), &*team.source.path)),
        );
    let listed: foldhash::HashSet<&str> = campaign
        .universities
        .iter()
        .map(|entry| entry.name.as_str())
        .collect();
    for (university, path) in records {
        if listed.contains(university) {
            continue;
        }
        let message = Text::new(
            format!("{university}不在活动设置的高校名单中"),
            format!("{university} is not in the campaign's list of universities"),
        );
        let hint = match closest_university(university, campaign) {
            Some(listed) => Text::new(
                format!(
                    "是不是 {listed}？高校要写名单中的全称；确是另一所高校时，在 campaign.yaml 的 `universities:` 中加上它"
                ),
                format!(
                    "did you mean {listed}? Write the full name from the list, or add a new university under `universities:` in campaign.yaml"
                ),
            ),
            None => Text::new(
                "核对高校全称，或者在 campaign.yaml 的 `universities:` 中加上这所高校",
                "check the spelling, or add the university under `universities:` in campaign.yaml",
            ),
        };
        diagnostics.push(Diagnostic::new(
            checks::UNKNOWN_UNIVERSITY,
            path,
            "university",
            message,
            hint,
        ));
    }
}

/// Returns whether no two of `keys` are equal, as far as their hashes show:
/// it returns `false` when two hashes are equal, including the rare equal
/// hashes of different keys. A rule then compares the keys themselves, so
/// it keeps only hashes, not the keys, while it finds no repetition, as is
/// usual for a campaign.
fn all_distinct<K: std::hash::Hash>(keys: impl ExactSizeIterator<Item = K>) -> bool {
    use std::hash::BuildHasher as _;
    let state = foldhash::fast::FixedState::default();
    let mut hashes: foldhash::HashSet<u64> =
        foldhash::HashSet::with_capacity_and_hasher(keys.len(), Default::default());
    keys.into_iter()
        .all(|key| hashes.insert(state.hash_one(key)))
}

/// Returns `text` in lowercase, borrowing it when it has no uppercase letter
/// to change, as most record ids do.
fn lowercase(text: &str) -> Cow<'_, str> {
    if text
        .bytes()
        .all(|byte| byte.is_ascii() && !byte.is_ascii_uppercase())
    {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// Returns the listed university that `name` most likely means: one whose
/// name starts with its first character and contains all the others in order,
/// as an abbreviation such as 郑大 for 郑州大学 does, or one a single
/// character away.
fn closest_university<'a>(name: &str, campaign: &'a Campaign) -> Option<&'a str> {
    let abbreviates = |listed: &str| {
        let mut rest = listed.chars();
        name.chars()
            .all(|character| rest.any(|candidate| candidate == character))
    };
    let listed = campaign
        .universities
        .iter()
        .map(|entry| entry.name.as_str());
    let mut candidates: Vec<(usize, &str)> = listed
        .filter_map(|listed| {
            let distance = strsim::levenshtein(name, listed);
            (abbreviates(listed) || distance <= 1).then_some((distance, listed))
        })
        .collect();
    candidates.sort();
    candidates.first().map(|(_, listed)| *listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_listed_university_for_abbreviation() {
        let campaign = Campaign::default();
        assert_eq!(closest_university("郑大", &campaign), Some("郑州大学"));
        assert_eq!(
            closest_university("河南理工大", &campaign),
            Some("河南理工大学")
        );
        assert_eq!(closest_university("北京大学", &campaign), None);
    }
}
