//! The data each template receives, built from the summary with private
//! values already masked. Every `href` is relative to the site root, and
//! templates prefix it with `root` (`""` or `"../"`).

use std::ffi::OsStr;
use std::hash::Hash as _;

use serde::Serialize;
use tera::{Context, Value};

use super::chart::{self, BarChart, StatusChart};
use super::{RenderOptions, encode_path_segment};
use crate::campaign::Campaign;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::mask::{mask_address, mask_phone};
use crate::record::{Approval, Family, NEED_CODES, Visit, Worker, need_label};
use crate::summary::{
    DeadlineStatus, FamilyReport, Figures, Summary, TeamReport, UniversityReport,
};
use crate::workbook::{PROVINCE_WORKBOOK, university_workbook_name};

/// The campaign settings a page shows. The university list is left out: it
/// is in the summary already, and serializing it into every one of many
/// thousands of family pages would cost more than the page itself.
#[derive(Hash, Serialize)]
struct CampaignView<'a> {
    title: &'a str,
    issuer: &'a str,
    deadline: Date,
    visit_interval_days: u32,
}

impl<'a> CampaignView<'a> {
    fn new(campaign: &'a Campaign) -> CampaignView<'a> {
        CampaignView {
            title: &campaign.title,
            issuer: &campaign.issuer,
            deadline: campaign.deadline,
            visit_interval_days: campaign.visit_interval_days,
        }
    }
}

/// Values every page receives.
#[derive(Hash, Serialize)]
pub(super) struct Common<'a> {
    campaign: CampaignView<'a>,
    as_of: Date,
    masked: bool,
    /// Link prefix from the page to the site root.
    root: &'static str,
    need_codes: Vec<NeedCode>,
}

#[derive(Hash, Serialize)]
struct NeedCode {
    code: u8,
    label: &'static str,
}

/// Data of `province.html`.
#[derive(Serialize)]
pub(super) struct ProvincePage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    universities: Vec<UniversityView<'a>>,
    totals: &'a Figures,
    workbook_href: String,
    /// Families per service code.
    chart: BarChart,
    /// Families per university.
    university_chart: BarChart,
    /// Universities per deadline status.
    status_chart: StatusChart,
    /// The universities of each deadline status, the status chart in words.
    status_groups: Vec<StatusGroup<'a>>,
    status_href: &'static str,
    /// Warnings of every university plus those about other files.
    open_warnings: usize,
}

/// Data of `status.html`: every open warning, grouped by university.
#[derive(Hash, Serialize)]
pub(super) struct StatusPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    universities: Vec<UniversityWarnings<'a>>,
    /// Warnings about files that are no record, such as `campaign.yaml`.
    other_warnings: Vec<WarningView<'a>>,
    total: usize,
}

/// One university on the status page.
#[derive(Hash, Serialize)]
struct UniversityWarnings<'a> {
    university: UniversityView<'a>,
    warnings: &'a [WarningView<'a>],
}

/// The universities with one deadline status.
#[derive(Serialize)]
struct StatusGroup<'a> {
    status: DeadlineStatus,
    label: &'static str,
    universities: Vec<&'a str>,
}

/// Data of `university.html`.
#[derive(Hash, Serialize)]
pub(super) struct UniversityPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    university: UniversityView<'a>,
    families: Vec<FamilyRow<'a>>,
    teams: &'a [TeamView<'a>],
    warnings: &'a [WarningView<'a>],
}

/// The views that the family pages of one university share, built once for
/// all of them.
#[derive(Hash, Serialize)]
pub(super) struct FamilyShared<'a> {
    common: Common<'a>,
    university: UniversityView<'a>,
    /// The view of each of the university's teams, in the order of its teams.
    teams: &'a [TeamView<'a>],
}

/// The template context that the family pages of one university share,
/// converted to Tera values once. Each page then converts only its own form,
/// and takes the shared values by cloning them, which copies a reference.
pub(super) struct FamilyContext {
    /// The `Common` variables and `university`.
    shared: Context,
    /// The value of each of the university's teams, in the order of its teams.
    teams: Vec<Value>,
    /// The `family.needs` entry of each service code in [`NEED_CODES`] order,
    /// first as not chosen, then as chosen.
    needs: Vec<[Value; 2]>,
}

/// One university's figures and links.
#[derive(Hash, Serialize)]
pub(super) struct UniversityView<'a> {
    name: &'a str,
    folder: &'a str,
    listed: bool,
    deadline: Date,
    deadline_status: DeadlineStatus,
    /// 已按时, 进行中 or 逾期.
    deadline_label: &'static str,
    figures: &'a Figures,
    page_href: String,
    workbook_href: String,
    /// `id` of the university's section on the status page.
    anchor: String,
}

/// One family as listed on its university's page.
#[derive(Hash, Serialize)]
struct FamilyRow<'a> {
    id: &'a str,
    href: String,
    worker_name: &'a str,
    hospital: &'a str,
    aided_hospital: &'a str,
    size: u32,
    elderly: u32,
    minors: u32,
    team_members: u32,
    /// Service codes as written in Attachment 2, such as `1、2`.
    needs: String,
    approval_date: Option<Date>,
    approval_signer: Option<&'a str>,
    last_visit: Option<Date>,
    visit_count: usize,
    last_contact: Option<Date>,
    days_since_contact: Option<i64>,
    overdue: bool,
    warnings: u32,
}

/// One team, with its leader's phone masked as the options ask.
#[derive(Hash, Serialize)]
pub(super) struct TeamView<'a> {
    id: &'a str,
    /// `id` of the team's row on its university page.
    anchor: String,
    name: &'a str,
    kind: &'a str,
    leader_name: &'a str,
    leader_phone: String,
    members: u32,
    families: Vec<ServedFamily<'a>>,
    within_rule: bool,
}

#[derive(Hash, Serialize)]
struct ServedFamily<'a> {
    id: &'a str,
    worker_name: &'a str,
    href: String,
}

#[derive(Hash, Serialize)]
pub(super) struct WarningView<'a> {
    code: &'static str,
    name: &'static str,
    message: &'a str,
    hint: &'a str,
    /// `file:line`.
    location: String,
    /// Link to the family page when the warning is about a family file, or
    /// to the team's row when it is about a team file.
    href: Option<String>,
}

/// The Attachment 1 form of one family. [`family_context`] fills `team` and
/// `needs` with the Tera values that [`FamilyContext`] shares. Tera 2.4's
/// `Value::try_from_serializable` takes such a value over as a clone, which
/// copies a reference, instead of converting it again.
#[derive(Serialize)]
struct FamilyForm<'a, Team, Needs> {
    id: &'a str,
    worker: &'a Worker,
    household: HouseholdView<'a>,
    needs: Needs,
    needs_summary: Option<&'a str>,
    plan: &'a str,
    offline: Option<&'a str>,
    team: Option<Team>,
    approval: Option<&'a Approval>,
    /// The approval date as the form prints it, such as `2020年2月17日`.
    approval_date: Option<String>,
    visits: &'a [Visit],
    last_contact: Option<Date>,
    days_since_contact: Option<i64>,
    overdue: bool,
}

/// The `family` block with address and phone masked as the options ask.
#[derive(Serialize)]
struct HouseholdView<'a> {
    size: u32,
    in_hubei: u32,
    address: String,
    phone: String,
    elderly: u32,
    elderly_health: Option<&'a str>,
    minors: u32,
    grades: &'a [String],
}

#[derive(Serialize)]
struct NeedChoice {
    code: u8,
    label: &'static str,
    chosen: bool,
}

/// Builds the data of the province overview.
pub(super) fn province_page<'a>(summary: &'a Summary, options: &RenderOptions) -> ProvincePage<'a> {
    ProvincePage {
        common: common(summary, options, ""),
        universities: summary.universities.iter().map(university_view).collect(),
        totals: &summary.totals,
        workbook_href: encode_path_segment(PROVINCE_WORKBOOK),
        chart: need_chart(&summary.totals),
        university_chart: university_chart(summary),
        status_chart: status_chart(summary),
        status_groups: status_groups(summary),
        status_href: STATUS_PAGE,
        open_warnings: summary.totals.warnings as usize + summary.other_warnings.len(),
    }
}

/// File name of the status page at the site root.
pub(super) const STATUS_PAGE: &str = "status.html";

/// Builds the data of the status page from the warning views of each
/// university, in the summary's order.
pub(super) fn status_page<'a>(
    summary: &'a Summary,
    options: &RenderOptions,
    warnings: &[&'a [WarningView<'a>]],
) -> StatusPage<'a> {
    let universities: Vec<UniversityWarnings> = summary
        .universities
        .iter()
        .zip(warnings)
        .map(|(university, warnings)| UniversityWarnings {
            university: university_view(university),
            warnings,
        })
        .collect();
    let other_warnings = warning_views(&summary.other_warnings, &Links::default());
    let total = universities
        .iter()
        .map(|entry| entry.warnings.len())
        .sum::<usize>()
        + other_warnings.len();

    StatusPage {
        common: common(summary, options, ""),
        universities,
        other_warnings,
        total,
    }
}

/// Returns a hash of the data of the status page, made from `sections`, the
/// hash of each university's section as [`status_section_hash`] returns it,
/// in the summary's order.
pub(super) fn status_page_hash(
    templates: u128,
    summary: &Summary,
    options: &RenderOptions,
    sections: &[u128],
) -> u128 {
    let other_warnings = warning_views(&summary.other_warnings, &Links::default());
    let total = summary
        .universities
        .iter()
        .map(|university| university.warnings.len())
        .sum::<usize>()
        + other_warnings.len();
    let mut hasher = crate::digest::Digest::new();
    templates.hash(&mut hasher);
    common(summary, options, "").hash(&mut hasher);
    sections.hash(&mut hasher);
    other_warnings.hash(&mut hasher);
    total.hash(&mut hasher);
    hasher.finish128()
}

/// Returns a hash of one university's section of the status page, given the
/// views of its warnings.
pub(super) fn status_section_hash(university: &UniversityReport, warnings: &[WarningView]) -> u128 {
    let section = UniversityWarnings {
        university: university_view(university),
        warnings,
    };
    let mut hasher = crate::digest::Digest::new();
    section.hash(&mut hasher);
    hasher.finish128()
}

/// Returns a hash of everything that the views of `university`'s page, of
/// what its family pages share and of its section of the status page are
/// made from, or `None` when a family has no hash of its record. While it
/// stays the same, so do the hashes of those views.
pub(super) fn university_input_hash(
    templates: u128,
    summary: &Summary,
    university: &UniversityReport,
    options: &RenderOptions,
) -> Option<u128> {
    let mut hasher = crate::digest::Digest::new();
    templates.hash(&mut hasher);
    let campaign = summary.campaign;
    campaign.title.hash(&mut hasher);
    campaign.issuer.hash(&mut hasher);
    campaign.deadline.hash(&mut hasher);
    campaign.visit_interval_days.hash(&mut hasher);
    summary.as_of.hash(&mut hasher);
    options.masked.hash(&mut hasher);

    university.name.hash(&mut hasher);
    university.folder.hash(&mut hasher);
    university.listed.hash(&mut hasher);
    university.deadline.hash(&mut hasher);
    university.deadline_status.hash(&mut hasher);
    university.figures.hash(&mut hasher);

    university.families.len().hash(&mut hasher);
    for report in &university.families {
        // The digest covers the whole record, its id and so its page too.
        report.digest?.hash(&mut hasher);
        report.team_members.hash(&mut hasher);
        report.last_contact.hash(&mut hasher);
        report.days_since_contact.hash(&mut hasher);
        report.overdue.hash(&mut hasher);
        report.warnings.hash(&mut hasher);
    }

    university.teams.len().hash(&mut hasher);
    for report in &university.teams {
        report.team.hash(&mut hasher);
        report.families.hash(&mut hasher);
        report.within_rule.hash(&mut hasher);
    }

    university.warnings.len().hash(&mut hasher);
    for warning in &university.warnings {
        warning.check.hash(&mut hasher);
        warning.file.as_os_str().hash(&mut hasher);
        warning.start.line.hash(&mut hasher);
        warning.message.zh.hash(&mut hasher);
        warning.hint.zh.hash(&mut hasher);
    }
    Some(hasher.finish128())
}

/// Builds the data of one university's page, with the views of its teams
/// and warnings, which the family pages and the status page share.
pub(super) fn university_page<'a>(
    summary: &'a Summary,
    university: &'a UniversityReport,
    options: &RenderOptions,
    teams: &'a [TeamView<'a>],
    warnings: &'a [WarningView<'a>],
) -> UniversityPage<'a> {
    let folder = encode_path_segment(&university.folder);
    UniversityPage {
        common: common(summary, options, "../"),
        university: university_view(university),
        families: university
            .families
            .iter()
            .map(|report| family_row(&folder, report))
            .collect(),
        teams,
        warnings,
    }
}

/// Builds the view of each of a university's teams, in the order of its teams.
pub(super) fn team_views<'a>(
    university: &'a UniversityReport,
    options: &RenderOptions,
) -> Vec<TeamView<'a>> {
    let folder = encode_path_segment(&university.folder);
    university
        .teams
        .iter()
        .map(|team| team_view(team, university, &folder, options.masked))
        .collect()
}

/// Builds the view of each of a university's warnings, in its order.
pub(super) fn university_warnings<'a>(university: &'a UniversityReport) -> Vec<WarningView<'a>> {
    warning_views(&university.warnings, &warning_links(university))
}

/// Links by the bytes of a record file's path, which are the same in the
/// record and in its diagnostics.
type Links<'a> = foldhash::HashMap<&'a OsStr, String>;

/// Returns, for each record file of a university that has warnings, the link
/// that its warnings point to: the family page, or the team's row on the
/// university page. Links are relative to the site root.
fn warning_links<'a>(university: &'a UniversityReport) -> Links<'a> {
    let warned: foldhash::HashSet<&OsStr> = university
        .warnings
        .iter()
        .map(|warning| warning.file.as_os_str())
        .collect();
    let folder = encode_path_segment(&university.folder);
    let families = university
        .families
        .iter()
        .map(|report| (report.family.source.path.as_os_str(), report))
        .filter(|(path, _)| warned.contains(path))
        .map(|(path, report)| (path, family_href(&folder, report)));
    let teams = university
        .teams
        .iter()
        .map(|report| (report.team.source.path.as_os_str(), report))
        .filter(|(path, _)| warned.contains(path))
        .map(|(path, report)| {
            let anchor = team_anchor(&report.team.source.id);
            (path, format!("{folder}/index.html#{anchor}"))
        });
    families.chain(teams).collect()
}

fn warning_views<'a>(warnings: &[&'a Diagnostic], links: &Links) -> Vec<WarningView<'a>> {
    warnings
        .iter()
        .map(|warning| WarningView {
            code: warning.check.code,
            name: warning.check.name,
            message: &warning.message.zh,
            hint: &warning.hint.zh,
            location: format!("{}:{}", warning.file.display(), warning.start.line),
            href: links.get(warning.file.as_os_str()).cloned(),
        })
        .collect()
}

/// Returns the `id` of a team's row. The id is percent-encoded so that it
/// has no spaces, and a link's fragment matches it without decoding.
fn team_anchor(team_id: &str) -> String {
    format!("team-{}", encode_path_segment(team_id))
}

/// Returns a hash of the data of one family's page that needs no page to be
/// built: `shared` is the data hash of the university's [`FamilyShared`],
/// which contains every view a family page takes from outside its family. The
/// family's own part is hashed from the record and the figures the summary
/// derived from it, the same values [`family_context`] reads.
pub(super) fn family_page_hash(shared: u128, report: &FamilyReport) -> u128 {
    let mut hasher = crate::digest::Digest::with_capacity(128);
    shared.hash(&mut hasher);
    match report.digest {
        Some(digest) => digest.hash(&mut hasher),
        None => report.family.hash(&mut hasher),
    }
    report.page.hash(&mut hasher);
    report.team_index.hash(&mut hasher);
    report.team_members.hash(&mut hasher);
    report.last_contact.hash(&mut hasher);
    report.days_since_contact.hash(&mut hasher);
    report.overdue.hash(&mut hasher);
    report.warnings.hash(&mut hasher);
    hasher.finish128()
}

/// Builds what the family pages of `university` share, given the views of
/// its teams.
pub(super) fn family_shared<'a>(
    summary: &'a Summary,
    university: &'a UniversityReport,
    options: &RenderOptions,
    teams: &'a [TeamView<'a>],
) -> FamilyShared<'a> {
    FamilyShared {
        common: common(summary, options, "../"),
        university: university_view(university),
        teams,
    }
}

impl FamilyShared<'_> {
    /// Converts the values that every family page of the university shows
    /// into Tera values.
    pub(super) fn context(&self) -> Result<FamilyContext, tera::Error> {
        /// The variables of `family.html` other than `family`.
        #[derive(Serialize)]
        struct SharedVariables<'a> {
            #[serde(flatten)]
            common: &'a Common<'a>,
            university: &'a UniversityView<'a>,
        }

        let shared = Context::from_serialize(&SharedVariables {
            common: &self.common,
            university: &self.university,
        })?;
        let teams = self
            .teams
            .iter()
            .map(Value::try_from_serializable)
            .collect::<Result<_, _>>()?;
        let needs = NEED_CODES
            .iter()
            .map(|&code| {
                let choice = |chosen| {
                    Value::try_from_serializable(&NeedChoice {
                        code,
                        label: need_label(code),
                        chosen,
                    })
                };
                Ok([choice(false)?, choice(true)?])
            })
            .collect::<Result<_, tera::Error>>()?;
        Ok(FamilyContext {
            shared,
            teams,
            needs,
        })
    }
}

/// Builds the template context of one family's Attachment 1 page: the
/// variables of `shared` plus `family`, the family's form.
pub(super) fn family_context(
    shared: &FamilyContext,
    report: &FamilyReport,
    options: &RenderOptions,
) -> Result<Context, tera::Error> {
    let team = report.team_index.and_then(|index| shared.teams.get(index));
    let needs: Vec<&Value> = NEED_CODES
        .iter()
        .zip(&shared.needs)
        .map(|(code, choices)| {
            let chosen = report.family.needs.contains(code);
            &choices[usize::from(chosen)]
        })
        .collect();
    let family = report.family.restored().map_err(|error| {
        tera::Error::message(format!(
            "could not read the family's text back from its temporary file: {error}"
        ))
    })?;
    let form = family_form(report, &family, options.masked, team, needs);

    let mut context = shared.shared.clone();
    context.insert_value("family", Value::try_from_serializable(&form)?);
    Ok(context)
}

/// Builds the context of one family's page the plain way, by serializing
/// every view whole for the page, to check [`family_context`] against.
#[cfg(test)]
pub(super) fn family_context_serialized(
    shared: &FamilyShared,
    university: &UniversityReport,
    report: &FamilyReport,
    options: &RenderOptions,
) -> Result<Context, tera::Error> {
    #[derive(Serialize)]
    struct FamilyPage<'a> {
        #[serde(flatten)]
        common: &'a Common<'a>,
        university: &'a UniversityView<'a>,
        family: FamilyForm<'a, &'a TeamView<'a>, Vec<NeedChoice>>,
    }

    // Found by id here, to check the index the summary gives the family.
    let team = report.team.and_then(|own| {
        let index = university
            .teams
            .binary_search_by(|team| team.team.source.id.cmp(&own.source.id))
            .ok()?;
        shared.teams.get(index)
    });
    let needs = NEED_CODES
        .iter()
        .map(|&code| NeedChoice {
            code,
            label: need_label(code),
            chosen: report.family.needs.contains(&code),
        })
        .collect();
    let family = report.family.restored().map_err(tera::Error::message)?;
    Context::from_serialize(&FamilyPage {
        common: &shared.common,
        university: &shared.university,
        family: family_form(report, &family, options.masked, team, needs),
    })
}

fn common<'a>(summary: &'a Summary, options: &RenderOptions, root: &'static str) -> Common<'a> {
    Common {
        campaign: CampaignView::new(summary.campaign),
        as_of: summary.as_of,
        masked: options.masked,
        root,
        need_codes: NEED_CODES
            .iter()
            .map(|&code| NeedCode {
                code,
                label: need_label(code),
            })
            .collect(),
    }
}

fn university_view<'a>(university: &'a UniversityReport) -> UniversityView<'a> {
    let folder = encode_path_segment(&university.folder);
    let workbook = encode_path_segment(&university_workbook_name(&university.name));
    UniversityView {
        name: &university.name,
        folder: &university.folder,
        listed: university.listed,
        deadline: university.deadline,
        deadline_status: university.deadline_status,
        deadline_label: deadline_label(university.deadline_status),
        figures: &university.figures,
        page_href: format!("{folder}/index.html"),
        workbook_href: format!("{folder}/{workbook}"),
        anchor: format!("university-{folder}"),
    }
}

fn deadline_label(status: DeadlineStatus) -> &'static str {
    match status {
        DeadlineStatus::Met => "已按时",
        DeadlineStatus::Pending => "进行中",
        DeadlineStatus::Missed => "逾期",
    }
}

fn family_href(encoded_folder: &str, report: &FamilyReport) -> String {
    format!("{encoded_folder}/{}", encode_path_segment(&report.page))
}

fn family_row<'a>(encoded_folder: &str, report: &'a FamilyReport) -> FamilyRow<'a> {
    let family = report.family;
    FamilyRow {
        id: &family.source.id,
        href: family_href(encoded_folder, report),
        worker_name: &family.worker.name,
        hospital: &family.worker.hospital,
        aided_hospital: &family.worker.aided_hospital,
        size: family.household.size,
        elderly: family.household.elderly,
        minors: family.household.minors,
        team_members: report.team_members,
        needs: needs_text(&family.needs),
        approval_date: family.approval.as_ref().map(|approval| approval.date),
        approval_signer: family.approval.as_ref().map(|approval| &*approval.signer),
        last_visit: family.visits.iter().map(|visit| visit.date).max(),
        visit_count: family.visits.len(),
        last_contact: report.last_contact,
        days_since_contact: report.days_since_contact,
        overdue: report.overdue,
        warnings: report.warnings,
    }
}

/// Returns service codes as Attachment 2 prints them: numbers joined by `、`.
fn needs_text(needs: &[u8]) -> String {
    let codes: Vec<String> = needs.iter().map(u8::to_string).collect();
    codes.join("、")
}

fn team_view<'a>(
    report: &'a TeamReport,
    university: &'a UniversityReport,
    encoded_folder: &str,
    masked: bool,
) -> TeamView<'a> {
    let team = report.team;
    let families = report
        .families
        .iter()
        .filter_map(|id| {
            // A university's families are sorted by id.
            let families = &university.families;
            let index = families
                .binary_search_by(|family| (*family.family.source.id).cmp(id))
                .ok()?;
            families.get(index)
        })
        .map(|family| ServedFamily {
            id: &family.family.source.id,
            worker_name: &family.family.worker.name,
            href: family_href(encoded_folder, family),
        })
        .collect();
    TeamView {
        id: &team.source.id,
        anchor: team_anchor(&team.source.id),
        name: &team.name,
        kind: &team.kind,
        leader_name: &team.leader.name,
        leader_phone: private(&team.leader.phone, masked, mask_phone),
        members: team.members,
        families,
        within_rule: report.within_rule,
    }
}

/// Builds the form of `report`'s family from `family`, the family record
/// with all its text.
fn family_form<'a, Team, Needs>(
    report: &FamilyReport,
    family: &'a Family,
    masked: bool,
    team: Option<Team>,
    needs: Needs,
) -> FamilyForm<'a, Team, Needs> {
    let household = &family.household;
    FamilyForm {
        id: &family.source.id,
        worker: &family.worker,
        household: HouseholdView {
            size: household.size,
            in_hubei: household.in_hubei,
            address: private(&household.address, masked, mask_address),
            phone: private(&household.phone, masked, mask_phone),
            elderly: household.elderly,
            elderly_health: household.elderly_health.as_deref(),
            minors: household.minors,
            grades: &household.grades,
        },
        needs,
        needs_summary: family.needs_summary.as_deref(),
        plan: &family.plan,
        offline: family.offline.as_deref(),
        team,
        approval: family.approval.as_ref(),
        approval_date: family.approval.as_ref().map(|approval| {
            let (year, month, day) = approval.date.ymd();
            format!("{year}年{month}月{day}日")
        }),
        visits: &family.visits,
        last_contact: report.last_contact,
        days_since_contact: report.days_since_contact,
        overdue: report.overdue,
    }
}

/// Returns `value` masked with `mask` when `masked`, else whole.
fn private(value: &str, masked: bool, mask: fn(&str) -> String) -> String {
    if masked {
        mask(value)
    } else {
        value.to_owned()
    }
}

fn need_chart(totals: &Figures) -> BarChart {
    let items = NEED_CODES
        .iter()
        .zip(totals.needs)
        .map(|(&code, count)| (format!("{code} {}", need_label(code)), count))
        .collect();
    chart::bar_chart(items, "户")
}

fn university_chart(summary: &Summary) -> BarChart {
    let items = summary
        .universities
        .iter()
        .map(|university| (university.name.clone(), university.figures.families))
        .collect();
    chart::bar_chart(items, "户")
}

const STATUSES: [DeadlineStatus; 3] = [
    DeadlineStatus::Met,
    DeadlineStatus::Pending,
    DeadlineStatus::Missed,
];

fn status_chart(summary: &Summary) -> StatusChart {
    let counts = STATUSES.map(|status| {
        let count = summary
            .universities
            .iter()
            .filter(|university| university.deadline_status == status)
            .count();
        (status, deadline_label(status), count as u32)
    });
    chart::status_chart(counts)
}

fn status_groups<'a>(summary: &'a Summary) -> Vec<StatusGroup<'a>> {
    STATUSES
        .iter()
        .map(|&status| StatusGroup {
            status,
            label: deadline_label(status),
            universities: summary
                .universities
                .iter()
                .filter(|university| university.deadline_status == status)
                .map(|university| university.name.as_str())
                .collect(),
        })
        .collect()
}
