//! The rules of the programme: checks on one family or team after decoding,
//! and checks across records (team references, duplicates, team sizes).
//! Cross-record checks use hash maps, so they run in linear time.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::campaign::Campaign;
use crate::date::Date;
use crate::diagnostic::{self as checks, Check, Diagnostic};
use crate::record::{Family, Team, team_key};
use crate::summary::folder_of;

/// Checks one family on its own.
pub fn family(family: &Family, campaign: &Campaign, as_of: Date) -> Vec<Diagnostic> {
    let mut found = Found {
        file: &family.source.path,
        diagnostics: Vec::new(),
    };
    let household = &family.household;
    if household.size == 0 {
        found.push(
            checks::COUNT_OUT_OF_RANGE,
            "family.size",
            "`family.size` (家庭人数) is 0".to_owned(),
            "a family has at least 1 person",
        );
    }
    let counted =
        u64::from(household.in_hubei) + u64::from(household.elderly) + u64::from(household.minors);
    if counted > u64::from(household.size) {
        let message = format!(
            "家庭援鄂人数 {} + 家中老年人数 {} + 未成年子女数 {} = {counted} is more than 家庭人数 {}",
            household.in_hubei, household.elderly, household.minors, household.size
        );
        found.push(
            checks::COUNTS_EXCEED_SIZE,
            "family.size",
            message,
            "correct `size` or one of `in_hubei`, `elderly`, `minors`",
        );
    }
    if household.grades.len() != household.minors as usize {
        let message = format!(
            "`family.grades` (就读年级) has {} entries but `family.minors` (未成年子女数) is {}",
            household.grades.len(),
            household.minors
        );
        let hint = if household.minors == 0 {
            "write `grades: []`".to_owned()
        } else {
            format!("list one grade per minor, {} in all", household.minors)
        };
        found.push(checks::GRADES_MISMATCH, "family.grades", message, hint);
    }
    if household.elderly > 0 && household.elderly_health.is_none() {
        let message = format!(
            "`family.elderly_health` (健康状况) is missing although `family.elderly` is {}",
            household.elderly
        );
        found.push(
            checks::MISSING_ELDERLY_HEALTH,
            "family.elderly_health",
            message,
            "describe the elderly's health, for example 高血压 or 良好",
        );
    }
    needs(&mut found, family);
    phone(&mut found, "family.phone", "家庭联系方式", &household.phone);
    follow_up(&mut found, family, campaign, as_of);
    future_dates(&mut found, family, as_of);
    found.diagnostics
}

fn needs(found: &mut Found, family: &Family) {
    let household = &family.household;
    if family.needs.is_empty() {
        found.push(
            checks::NO_NEEDS,
            "needs",
            "`needs` (需要帮扶内容) lists no service code".to_owned(),
            "list at least one code, for example needs: [1, 2]",
        );
    }
    if family.needs.contains(&5) && family.needs_summary.is_none() {
        found.push(
            checks::MISSING_NEEDS_SUMMARY,
            "needs",
            "code 5 (其他) needs a `needs_summary` (帮扶需求简述)".to_owned(),
            "add `needs_summary:` describing what the family needs",
        );
    }
    if family.needs.contains(&1) && household.minors == 0 {
        found.push(
            checks::TUTORING_WITHOUT_MINORS,
            "needs",
            "code 1 (子女学习辅导) is chosen but `family.minors` (未成年子女数) is 0".to_owned(),
            "remove code 1, or record the children in `minors` and `grades`",
        );
    }
    if family.needs.contains(&3) && household.elderly == 0 {
        found.push(
            checks::HEALTH_WITHOUT_ELDERLY,
            "needs",
            "code 3 (健康咨询与在线问诊) is chosen but `family.elderly` (家中老年人数) is 0"
                .to_owned(),
            "check `elderly`, or remove code 3 if no elderly person needs it",
        );
    }
    if family.needs.contains(&4) && family.offline.is_none() {
        found.push(checks::OFFLINE_WITHOUT_ARRANGEMENT, "needs", "code 4 (生活帮扶) is offline help but `offline` says nothing of how it is approved and protected".to_owned(), "add `offline:` naming who approved it and the protection used");
    }
}

fn future_dates(found: &mut Found, family: &Family, as_of: Date) {
    let approval = family
        .approval
        .iter()
        .map(|approval| ("approval.date".to_owned(), approval.date));
    let visits = family
        .visits
        .iter()
        .enumerate()
        .map(|(index, visit)| (format!("visits.{index}.date"), visit.date));
    for (path, date) in approval.chain(visits).filter(|(_, date)| *date > as_of) {
        let message = format!("`{path}` is {date}, after the build date {as_of}");
        let hint = "correct the year or day, or record the visit once it has taken place";
        found.push(checks::FUTURE_DATE, &path, message, hint);
    }
}

fn follow_up(found: &mut Found, family: &Family, campaign: &Campaign, as_of: Date) {
    let Some(approval) = &family.approval else {
        found.push(
            checks::NOT_APPROVED,
            "university",
            "the family has no `approval` (高校团委意见) yet".to_owned(),
            "add `approval:` with `opinion`, `signer` and `date` once the League committee agrees",
        );
        return;
    };
    // Dates after the build date are reported by `future_dates` and would
    // otherwise hide that the family is overdue.
    let (last, path) = match family
        .visits
        .iter()
        .enumerate()
        .filter(|(_, visit)| visit.date <= as_of)
        .max_by_key(|(_, visit)| visit.date)
    {
        Some((index, visit)) => (visit.date, format!("visits.{index}.date")),
        None => (approval.date, "approval.date".to_owned()),
    };
    let days = as_of.days_since(last);
    if days > i64::from(campaign.visit_interval_days) {
        let message = format!(
            "the last follow-up was on {last}, {days} days before {as_of}; families are visited every {} days",
            campaign.visit_interval_days
        );
        found.push(
            checks::VISIT_OVERDUE,
            &path,
            message,
            "visit the family and add an entry under `visits:`",
        );
    }
}

/// Checks one team on its own.
pub fn team(team: &Team) -> Vec<Diagnostic> {
    let mut found = Found {
        file: &team.source.path,
        diagnostics: Vec::new(),
    };
    if team.members == 0 {
        found.push(
            checks::COUNT_OUT_OF_RANGE,
            "members",
            "`members` (志愿者团队成员人数) is 0".to_owned(),
            "a team has at least 1 member",
        );
    }
    if !team.roster.is_empty() && team.roster.len() != team.members as usize {
        let message = format!(
            "`roster` lists {} volunteers but `members` (志愿者团队成员人数) is {}",
            team.roster.len(),
            team.members
        );
        found.push(
            checks::ROSTER_SIZE_MISMATCH,
            "members",
            message,
            "make `members` equal the number of people in `roster`",
        );
    }
    for (index, member) in team.roster.iter().enumerate() {
        if member.training != "合格" {
            let message = format!(
                "volunteer {} has training `{}`; no one serves before passing basic training (合格)",
                member.name, member.training
            );
            found.push(
                checks::UNTRAINED_VOLUNTEER,
                &format!("roster.{index}.training"),
                message,
                "train the volunteer first, or take them off the roster",
            );
        }
    }
    phone(&mut found, "leader.phone", "联系方式", &team.leader.phone);
    found.diagnostics
}

/// Runs the checks that compare records with each other and with the campaign.
pub fn across(
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

/// Links of records that failed to decode. The cross-record checks use them
/// so that one broken file does not cause false reports on its neighbours.
#[derive(Debug, Default)]
pub struct InvalidRecords {
    /// `(university, team)` named by families that are otherwise invalid.
    pub team_references: Vec<(String, String)>,
    /// Ids of team files that exist but are invalid.
    pub team_ids: HashSet<String>,
}

/// Teams by their matching key (see `team_key`).
type TeamIndex<'a> = HashMap<String, Vec<&'a Team>>;

fn index_teams<'a>(teams: &'a [Team], diagnostics: &mut Vec<Diagnostic>) -> TeamIndex<'a> {
    let mut by_id: TeamIndex<'a> = HashMap::new();
    let mut seen: HashMap<(&str, String), &Path> = HashMap::new();
    for team in teams {
        let key = (team.university.as_str(), team_key(&team.source.id));
        if let Some(first) = seen.get(&key) {
            let message = format!(
                "team id `{}` of {} is also used by {}",
                team.source.id,
                team.university,
                first.display()
            );
            diagnostics.push(Diagnostic::new(checks::OUTPUT_COLLISION, &team.source.path, "", message, "rename one of the two team files; team ids must differ within a university, ignoring case"));
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
    for family in families
        .iter()
        .filter(|f| !invalid.team_ids.contains(&team_key(&f.team)))
    {
        let candidates = teams
            .get(&team_key(&family.team))
            .map_or(&[][..], Vec::as_slice);
        if candidates
            .iter()
            .any(|team| team.university == family.university)
        {
            continue;
        }
        let (check, message, hint) = match candidates.first() {
            Some(other) => (
                checks::TEAM_OF_OTHER_UNIVERSITY,
                format!(
                    "team `{}` belongs to {}, but this family is registered with {}",
                    family.team, other.university, family.university
                ),
                format!("choose a team of {}", family.university),
            ),
            None => (
                checks::UNKNOWN_TEAM,
                format!(
                    "no team of {} has the id `{}`",
                    family.university, family.team
                ),
                "write the id (file name without .yaml) of a team of the same university"
                    .to_owned(),
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
        match seen.get(&key) {
            Some(first) => {
                let message = format!(
                    "{} of {} is already registered in {}",
                    key.0,
                    key.1,
                    first.display()
                );
                diagnostics.push(Diagnostic::new(
                    checks::DUPLICATE_WORKER,
                    &family.source.path,
                    "worker.name",
                    message,
                    "keep one file per family and delete or merge the other",
                ));
            }
            None => {
                seen.insert(key, &family.source.path);
            }
        }
    }
}

fn family_collisions(families: &[Family], campaign: &Campaign, diagnostics: &mut Vec<Diagnostic>) {
    let mut pages: HashMap<(String, String), &Path> = HashMap::new();
    for family in families {
        let folder = folder_of(campaign, &family.university).to_lowercase();
        let key = (folder, family.source.id.to_lowercase());
        match pages.get(&key) {
            Some(first) => {
                let message = format!(
                    "this family's page {}/{}.html would overwrite the page of {}",
                    key.0,
                    family.source.id,
                    first.display()
                );
                diagnostics.push(Diagnostic::new(checks::OUTPUT_COLLISION, &family.source.path, "", message, "rename one of the two files; names must differ within a university, ignoring case"));
            }
            None => {
                pages.insert(key, &family.source.path);
            }
        }
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
        let count = served
            .get(&(team.university.as_str(), team_key(&team.source.id)))
            .copied()
            .unwrap_or(0);
        if !(2..=3).contains(&count) {
            let families = if count == 1 { "family" } else { "families" };
            let message = format!(
                "team {} serves {count} {families}; one team serves 2 to 3 families",
                team.name
            );
            diagnostics.push(Diagnostic::new(
                checks::TEAM_SIZE,
                &team.source.path,
                "",
                message,
                "pair the team with 2 or 3 families, or split or merge teams",
            ));
        }
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
        if campaign.university(university).is_none() {
            let message = format!("{university} is not in the campaign's list of universities");
            let hint =
                "check the spelling, or add the university under `universities:` in campaign.yaml";
            diagnostics.push(Diagnostic::new(
                checks::UNKNOWN_UNIVERSITY,
                path,
                "university",
                message,
                hint,
            ));
        }
    }
}

/// Returns whether `phone` is a Chinese mobile (11 digits starting with 1) or a
/// landline (area code 0xx or 0xxx, an optional hyphen, then 7 or 8 digits).
pub fn is_valid_phone(phone: &str) -> bool {
    let digits_only = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if phone.len() == 11 && phone.starts_with('1') && digits_only(phone) {
        return true;
    }
    let (area, number) = match phone.split_once('-') {
        Some(parts) => parts,
        None => return landline_without_hyphen(phone),
    };
    digits_only(area)
        && digits_only(number)
        && area.starts_with('0')
        && (3..=4).contains(&area.len())
        && (7..=8).contains(&number.len())
}

fn landline_without_hyphen(phone: &str) -> bool {
    // Area codes are 3 or 4 digits and numbers 7 or 8, so 10 to 12 digits in all.
    phone.starts_with('0')
        && (10..=12).contains(&phone.len())
        && phone.bytes().all(|b| b.is_ascii_digit())
}

fn phone(found: &mut Found, path: &str, label: &str, phone: &str) {
    if is_valid_phone(phone.trim()) {
        return;
    }
    let message = format!("`{path}` ({label}) `{phone}` is neither a mobile nor a landline number");
    found.push(checks::INVALID_PHONE, path, message, "write an 11-digit mobile such as \"13800001234\" or a landline such as \"0371-60001234\", in quotes");
}

struct Found<'a> {
    file: &'a Path,
    diagnostics: Vec<Diagnostic>,
}

impl Found<'_> {
    fn push(&mut self, check: Check, path: &str, message: String, hint: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(check, self.file, path, message, hint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepts_mobiles_and_landlines() {
        for phone in [
            "13800001234",
            "0371-60001234",
            "037160001234",
            "010-1234567",
            "0398-1234567",
        ] {
            assert!(is_valid_phone(phone), "{phone}");
        }
    }

    #[test]
    fn phone_rejects_other_shapes() {
        for phone in [
            "1380000123",
            "23800001234",
            "0371-600",
            "371-60001234",
            "03716-60001234",
            "1380000123a",
            "",
            "０371-60001234",
        ] {
            assert!(!is_valid_phone(phone), "{phone}");
        }
    }
}
