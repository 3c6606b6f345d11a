//! Figures per university and for the province, computed once from the
//! valid records; both the HTML pages and the workbooks read from here.

use foldhash::{HashMap, HashSet};
use std::borrow::Cow;
use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::campaign::Campaign;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Severity};
use crate::record::{Family, Team, team_key_of};

/// Everything the outputs show, in report order.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub campaign: &'a Campaign,
    pub as_of: Date,
    pub universities: Vec<UniversityReport<'a>>,
    pub totals: Figures,
    /// Warnings about files that are no family or team record, such as
    /// `campaign.yaml`, sorted by file and line.
    pub other_warnings: Vec<&'a Diagnostic>,
}

/// Counts shown in one row of the province overview.
#[derive(Debug, Clone, Default, Hash, Serialize)]
pub struct Figures {
    pub families: u32,
    pub elderly: u32,
    pub minors: u32,
    pub teams: u32,
    pub volunteers: u32,
    /// Families per service code; index 0 is code 1.
    pub needs: [u32; 5],
    pub approved: u32,
    pub warnings: u32,
}

/// Whether a university's Attachment 2 was complete by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeadlineStatus {
    /// Every family approved on or before the deadline.
    Met,
    /// Not complete yet, and the deadline has not passed as of the build date.
    Pending,
    /// Not complete by the deadline.
    Missed,
}

/// One university: its figures, families, teams and warnings.
#[derive(Debug, Serialize)]
pub struct UniversityReport<'a> {
    pub name: String,
    /// Output folder name under the site root.
    pub folder: String,
    /// Whether the campaign file lists this university.
    pub listed: bool,
    pub deadline: Date,
    pub deadline_status: DeadlineStatus,
    pub figures: Figures,
    /// Families sorted by id.
    pub families: Vec<FamilyReport<'a>>,
    /// Teams sorted by id.
    pub teams: Vec<TeamReport<'a>>,
    /// Warnings about this university's records, sorted by file and line.
    pub warnings: Vec<&'a Diagnostic>,
}

/// One family with what the reports derive from it.
#[derive(Debug, Serialize)]
pub struct FamilyReport<'a> {
    pub family: &'a Family,
    /// File name of the family's Attachment 1 page inside the university folder.
    pub page: String,
    pub team: Option<&'a Team>,
    /// The index of `team` among its university's teams.
    #[serde(skip)]
    pub team_index: Option<usize>,
    /// Team member count, written in 志愿服务团队人数.
    pub team_members: u32,
    pub last_contact: Option<Date>,
    /// Days from the last contact to the build date.
    pub days_since_contact: Option<i64>,
    pub overdue: bool,
    pub warnings: u32,
    /// A hash of the whole family record, when the load computed one.
    #[serde(skip)]
    pub digest: Option<u128>,
}

/// One team and the families it serves.
#[derive(Debug, Serialize)]
pub struct TeamReport<'a> {
    pub team: &'a Team,
    /// Ids of the families it serves, sorted.
    pub families: Vec<&'a str>,
    /// Whether it serves 2 or 3 families, as the programme requires.
    pub within_rule: bool,
}

impl<'a> Summary<'a> {
    /// Computes every figure from valid records and the warnings found in them.
    pub fn build(
        campaign: &'a Campaign,
        families: &'a [Arc<Family>],
        teams: &'a [Arc<Team>],
        diagnostics: &'a [Diagnostic],
        as_of: Date,
    ) -> Summary<'a> {
        Summary::with_digests(campaign, families, &[], teams, diagnostics, as_of)
    }

    /// Like [`Summary::build`], giving each family report the hash of its
    /// record in `digests`, at the family's index. A family past the end of
    /// `digests` gets none.
    pub fn with_digests(
        campaign: &'a Campaign,
        families: &'a [Arc<Family>],
        digests: &[u128],
        teams: &'a [Arc<Team>],
        diagnostics: &'a [Diagnostic],
        as_of: Date,
    ) -> Summary<'a> {
        // Records are grouped by university once, so each report reads only
        // its own records. The warnings are grouped by file meanwhile.
        let (mut records, warnings_by_file) = rayon::join(
            || {
                let mut records: HashMap<&str, Own> = HashMap::default();
                for (index, family) in families.iter().enumerate() {
                    let digest = digests.get(index).copied();
                    records
                        .entry(&family.university)
                        .or_default()
                        .families
                        .push((family, digest));
                }
                for team in teams {
                    records
                        .entry(&team.university)
                        .or_default()
                        .teams
                        .push(team);
                }
                records
            },
            || warnings_by_file(diagnostics),
        );
        // The listed universities come in the campaign's order, then the
        // others by name.
        let mut names: Vec<String> = campaign
            .universities
            .iter()
            .map(|u| u.name.clone())
            .collect();
        let listed: HashSet<&str> = names.iter().map(String::as_str).collect();
        let mut unlisted: Vec<String> = records
            .keys()
            .filter(|name| !listed.contains(*name))
            .map(|name| (*name).to_owned())
            .collect();
        unlisted.sort();
        names.extend(unlisted);
        let owned: Vec<(String, Own)> = names
            .into_iter()
            .map(|name| {
                let own = records.remove(name.as_str()).unwrap_or_default();
                (name, own)
            })
            .collect();
        // Universities are independent of each other, so their reports are
        // made on all cores. Collecting keeps the report order.
        let universities: Vec<UniversityReport<'a>> = owned
            .into_par_iter()
            .map(|(name, own)| university_report(name, campaign, own, &warnings_by_file, as_of))
            .collect();

        let mut totals = Figures::default();
        for university in &universities {
            totals.add(&university.figures);
        }
        let other_warnings = other_warnings(&warnings_by_file, &universities);
        Summary {
            campaign,
            as_of,
            universities,
            totals,
            other_warnings,
        }
    }
}

impl Figures {
    fn add(&mut self, other: &Figures) {
        self.families += other.families;
        self.elderly += other.elderly;
        self.minors += other.minors;
        self.teams += other.teams;
        self.volunteers += other.volunteers;
        for (total, count) in self.needs.iter_mut().zip(other.needs) {
            *total += count;
        }
        self.approved += other.approved;
        self.warnings += other.warnings;
    }
}

/// Returns the output folder of a university: the campaign's `folder`, else its name.
pub fn folder_of(campaign: &Campaign, university: &str) -> String {
    campaign
        .university(university)
        .and_then(|entry| entry.folder.clone())
        .unwrap_or_else(|| university.to_owned())
}

/// Warnings by the file they are about. Keyed by the path's bytes, which are
/// the same in a record and in its diagnostics, because hashing a `Path`
/// splits it into components first.
type WarningsByFile<'a> = HashMap<&'a OsStr, Vec<&'a Diagnostic>>;

fn warnings_by_file(diagnostics: &[Diagnostic]) -> WarningsByFile<'_> {
    let mut by_file: WarningsByFile = HashMap::default();
    for diagnostic in diagnostics
        .iter()
        .filter(|d| d.check.severity == Severity::Warning)
    {
        by_file
            .entry(diagnostic.file.as_os_str())
            .or_default()
            .push(diagnostic);
    }
    by_file
}

/// Returns the warnings whose file is neither a family nor a team record,
/// which no university's report lists. A university's report lists the
/// warnings of each of its records, so those are all the others.
fn other_warnings<'a>(
    warnings_by_file: &WarningsByFile<'a>,
    universities: &[UniversityReport],
) -> Vec<&'a Diagnostic> {
    let mut listed: HashSet<&OsStr> = HashSet::default();
    for university in universities {
        let mut last = None;
        for warning in &university.warnings {
            let file = warning.file.as_os_str();
            // A university's warnings are sorted by file.
            if last != Some(file) {
                listed.insert(file);
                last = Some(file);
            }
        }
    }
    let mut others: Vec<&Diagnostic> = warnings_by_file
        .iter()
        .filter(|(file, _)| !listed.contains(*file))
        .flat_map(|(_, warnings)| warnings.iter().copied())
        .collect();
    crate::diagnostic::sort_refs(&mut others);
    others
}

/// The records of one university.
#[derive(Default)]
struct Own<'a> {
    /// Each family with the hash of its record, when known.
    families: Vec<(&'a Family, Option<u128>)>,
    teams: Vec<&'a Team>,
}

fn university_report<'a>(
    name: String,
    campaign: &'a Campaign,
    own: Own<'a>,
    warnings_by_file: &WarningsByFile<'a>,
    as_of: Date,
) -> UniversityReport<'a> {
    let deadline = campaign.deadline_of(&name);
    let Own {
        families: mut own_families,
        teams: mut own_teams,
    } = own;
    own_teams.sort_by(|left, right| left.source.id.cmp(&right.source.id));
    let team_by_id: HashMap<Cow<str>, (usize, &Team)> = own_teams
        .iter()
        .enumerate()
        .map(|(index, team)| (team_key_of(&team.source.id), (index, *team)))
        .collect();
    own_families.sort_by(|(left, _), (right, _)| left.source.id.cmp(&right.source.id));
    let mut served_by_team: HashMap<Cow<str>, Vec<&'a str>> = HashMap::default();
    for (family, _) in &own_families {
        served_by_team
            .entry(team_key_of(&family.team))
            .or_default()
            .push(&*family.source.id);
    }

    let mut warnings: Vec<&Diagnostic> = Vec::new();
    let warnings_of = |path: &Path| {
        warnings_by_file
            .get(path.as_os_str())
            .map_or(&[][..], Vec::as_slice)
    };
    let family_reports: Vec<FamilyReport<'a>> = own_families
        .iter()
        .map(|&(family, digest)| {
            let team = team_by_id.get(&team_key_of(&family.team)).copied();
            let own_warnings = warnings_of(&family.source.path);
            warnings.extend_from_slice(own_warnings);
            family_report(family, digest, team, own_warnings, campaign, as_of)
        })
        .collect();

    let team_reports: Vec<TeamReport<'a>> = own_teams
        .iter()
        .map(|team| {
            warnings.extend_from_slice(warnings_of(&team.source.path));
            let mut served = served_by_team
                .get(&team_key_of(&team.source.id))
                .cloned()
                .unwrap_or_default();
            served.sort_unstable();
            let within_rule = (2..=3).contains(&served.len());
            TeamReport {
                team,
                families: served,
                within_rule,
            }
        })
        .collect();
    crate::diagnostic::sort_refs(&mut warnings);

    let figures = figures_of(&family_reports, &own_teams, warnings.len());
    let deadline_status = deadline_status(&family_reports, deadline, as_of);
    UniversityReport {
        folder: folder_of(campaign, &name),
        listed: campaign.university(&name).is_some(),
        name,
        deadline,
        deadline_status,
        figures,
        families: family_reports,
        teams: team_reports,
        warnings,
    }
}

fn family_report<'a>(
    family: &'a Family,
    digest: Option<u128>,
    team: Option<(usize, &'a Team)>,
    warnings: &[&Diagnostic],
    campaign: &Campaign,
    as_of: Date,
) -> FamilyReport<'a> {
    let last_contact = family.last_contact();
    let days_since_contact = last_contact.map(|date| as_of.days_since(date));
    let in_service = family.approval.is_some();
    let overdue = in_service
        && days_since_contact.is_some_and(|days| days > i64::from(campaign.visit_interval_days));
    let (team_index, team) = (team.map(|(index, _)| index), team.map(|(_, team)| team));
    FamilyReport {
        family,
        page: format!("{}.html", family.source.id),
        team,
        team_index,
        team_members: team.map_or(0, |team| team.members),
        last_contact,
        days_since_contact,
        overdue,
        warnings: warnings.len() as u32,
        digest,
    }
}

fn figures_of(families: &[FamilyReport], teams: &[&Team], warnings: usize) -> Figures {
    let mut figures = Figures {
        families: families.len() as u32,
        teams: teams.len() as u32,
        volunteers: teams.iter().map(|team| team.members).sum(),
        warnings: warnings as u32,
        ..Figures::default()
    };
    for report in families {
        let family = report.family;
        figures.elderly += family.household.elderly;
        figures.minors += family.household.minors;
        figures.approved += u32::from(family.approval.is_some());
        for &code in &family.needs {
            figures.needs[usize::from(code - 1)] += 1;
        }
    }
    figures
}

fn deadline_status(families: &[FamilyReport], deadline: Date, as_of: Date) -> DeadlineStatus {
    let complete = !families.is_empty()
        && families.iter().all(|report| {
            report
                .family
                .approval
                .as_ref()
                .is_some_and(|approval| approval.date <= deadline)
        });
    if complete {
        DeadlineStatus::Met
    } else if as_of <= deadline {
        DeadlineStatus::Pending
    } else {
        DeadlineStatus::Missed
    }
}
