//! The data each template receives, built from the summary with private
//! values already masked. Every `href` is relative to the site root, and
//! templates prefix it with `root` (`""` or `"../"`).

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::{RenderOptions, encode_path_segment};
use crate::campaign::Campaign;
use crate::date::Date;
use crate::mask::{mask_address, mask_phone};
use crate::record::{Approval, NEED_CODES, Visit, Worker, need_label};
use crate::summary::{
    DeadlineStatus, FamilyReport, Figures, Summary, TeamReport, UniversityReport,
};
use crate::workbook::{PROVINCE_WORKBOOK, university_workbook_name};

/// Values every page receives.
#[derive(Serialize)]
struct Common<'a> {
    campaign: &'a Campaign,
    as_of: Date,
    masked: bool,
    /// Link prefix from the page to the site root.
    root: &'static str,
    need_codes: Vec<NeedCode>,
}

#[derive(Serialize)]
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
    chart: NeedChart,
}

/// Data of `university.html`.
#[derive(Serialize)]
pub(super) struct UniversityPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    university: UniversityView<'a>,
    families: Vec<FamilyRow<'a>>,
    teams: Vec<TeamView<'a>>,
    warnings: Vec<WarningView<'a>>,
}

/// Data of `family.html`.
#[derive(Serialize)]
pub(super) struct FamilyPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    university: UniversityView<'a>,
    family: FamilyForm<'a>,
}

/// One university's figures and links.
#[derive(Serialize)]
struct UniversityView<'a> {
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
}

/// One family as listed on its university's page.
#[derive(Serialize)]
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
    last_contact: Option<Date>,
    days_since_contact: Option<i64>,
    overdue: bool,
    warnings: u32,
}

/// One team, with its leader's phone masked as the options ask.
#[derive(Serialize)]
struct TeamView<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'a str,
    leader_name: &'a str,
    leader_phone: String,
    members: u32,
    families: Vec<ServedFamily<'a>>,
    within_rule: bool,
}

#[derive(Serialize)]
struct ServedFamily<'a> {
    id: &'a str,
    worker_name: &'a str,
    href: String,
}

#[derive(Serialize)]
struct WarningView<'a> {
    code: &'static str,
    name: &'static str,
    message: &'a str,
    hint: &'a str,
    /// `file:line`.
    location: String,
    /// Link to the family page when the warning is about a family file.
    href: Option<String>,
}

/// The Attachment 1 form of one family.
#[derive(Serialize)]
struct FamilyForm<'a> {
    id: &'a str,
    worker: &'a Worker,
    household: HouseholdView<'a>,
    needs: Vec<NeedChoice>,
    needs_summary: Option<&'a str>,
    plan: &'a str,
    offline: Option<&'a str>,
    team: Option<TeamView<'a>>,
    approval: Option<&'a Approval>,
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

/// A horizontal bar chart of families per service code, laid out in SVG units.
#[derive(Serialize)]
struct NeedChart {
    width: u32,
    height: u32,
    /// Right edge of the code labels.
    label_end: u32,
    bar_start: u32,
    bar_height: u32,
    bars: Vec<NeedBar>,
    /// The figures as one sentence, the chart's text alternative.
    description: String,
}

#[derive(Serialize)]
struct NeedBar {
    code: u8,
    label: &'static str,
    count: u32,
    y: u32,
    text_y: u32,
    width: u32,
    value_x: u32,
}

const CHART_WIDTH: u32 = 640;
const CHART_LABEL_END: u32 = 200;
const CHART_BAR_START: u32 = 210;
const CHART_BAR_MAX: u32 = 370;
const CHART_ROW: u32 = 32;
const CHART_BAR_HEIGHT: u32 = 22;

/// Builds the data of the province overview.
pub(super) fn province_page<'a>(summary: &'a Summary, options: &RenderOptions) -> ProvincePage<'a> {
    ProvincePage {
        common: common(summary, options, ""),
        universities: summary.universities.iter().map(university_view).collect(),
        totals: &summary.totals,
        workbook_href: encode_path_segment(PROVINCE_WORKBOOK),
        chart: need_chart(&summary.totals),
    }
}

/// Builds the data of one university's page.
pub(super) fn university_page<'a>(
    summary: &'a Summary,
    university: &'a UniversityReport,
    options: &RenderOptions,
) -> UniversityPage<'a> {
    let folder = encode_path_segment(&university.folder);
    let page_of: HashMap<&Path, String> = university
        .families
        .iter()
        .map(|report| {
            (
                report.family.source.path.as_path(),
                family_href(&folder, report),
            )
        })
        .collect();

    UniversityPage {
        common: common(summary, options, "../"),
        university: university_view(university),
        families: university
            .families
            .iter()
            .map(|report| family_row(&folder, report))
            .collect(),
        teams: university
            .teams
            .iter()
            .map(|team| team_view(team, university, &folder, options.masked))
            .collect(),
        warnings: university
            .warnings
            .iter()
            .map(|warning| WarningView {
                code: warning.check.code,
                name: warning.check.name,
                message: &warning.message.zh,
                hint: &warning.hint.zh,
                location: format!("{}:{}", warning.file.display(), warning.start.line),
                href: page_of.get(warning.file.as_path()).cloned(),
            })
            .collect(),
    }
}

/// Builds the data of one family's Attachment 1 page.
pub(super) fn family_page<'a>(
    summary: &'a Summary,
    university: &'a UniversityReport,
    report: &'a FamilyReport,
    options: &RenderOptions,
) -> FamilyPage<'a> {
    let folder = encode_path_segment(&university.folder);
    let team = university
        .teams
        .iter()
        .find(|team| {
            report
                .team
                .is_some_and(|own| own.source.id == team.team.source.id)
        })
        .map(|team| team_view(team, university, &folder, options.masked));

    FamilyPage {
        common: common(summary, options, "../"),
        university: university_view(university),
        family: family_form(report, team, options.masked),
    }
}

fn common<'a>(summary: &'a Summary, options: &RenderOptions, root: &'static str) -> Common<'a> {
    Common {
        campaign: summary.campaign,
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
            university
                .families
                .iter()
                .find(|family| family.family.source.id == *id)
        })
        .map(|family| ServedFamily {
            id: &family.family.source.id,
            worker_name: &family.family.worker.name,
            href: family_href(encoded_folder, family),
        })
        .collect();
    TeamView {
        id: &team.source.id,
        name: &team.name,
        kind: &team.kind,
        leader_name: &team.leader.name,
        leader_phone: private(&team.leader.phone, masked, mask_phone),
        members: team.members,
        families,
        within_rule: report.within_rule,
    }
}

fn family_form<'a>(
    report: &'a FamilyReport,
    team: Option<TeamView<'a>>,
    masked: bool,
) -> FamilyForm<'a> {
    let family = report.family;
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
        needs: NEED_CODES
            .iter()
            .map(|&code| NeedChoice {
                code,
                label: need_label(code),
                chosen: family.needs.contains(&code),
            })
            .collect(),
        needs_summary: family.needs_summary.as_deref(),
        plan: &family.plan,
        offline: family.offline.as_deref(),
        team,
        approval: family.approval.as_ref(),
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

fn need_chart(totals: &Figures) -> NeedChart {
    let max = totals.needs.iter().copied().max().unwrap_or(0);
    let bars: Vec<NeedBar> = NEED_CODES
        .iter()
        .zip(totals.needs)
        .enumerate()
        .map(|(index, (&code, count))| {
            let y = CHART_ROW * index as u32 + (CHART_ROW - CHART_BAR_HEIGHT) / 2;
            let width = bar_width(count, max);
            NeedBar {
                code,
                label: need_label(code),
                count,
                y,
                text_y: y + CHART_BAR_HEIGHT - 6,
                width,
                value_x: CHART_BAR_START + width + 6,
            }
        })
        .collect();

    let description: Vec<String> = bars
        .iter()
        .map(|bar| format!("{} {} 户", bar.label, bar.count))
        .collect();
    NeedChart {
        width: CHART_WIDTH,
        height: CHART_ROW * NEED_CODES.len() as u32,
        label_end: CHART_LABEL_END,
        bar_start: CHART_BAR_START,
        bar_height: CHART_BAR_HEIGHT,
        bars,
        description: description.join("；"),
    }
}

/// Scales `count` to the longest bar; a non-zero count gets at least 2 units
/// so that it stays visible next to a much larger one.
fn bar_width(count: u32, max: u32) -> u32 {
    if count == 0 || max == 0 {
        return 0;
    }
    let scaled = u64::from(count) * u64::from(CHART_BAR_MAX) / u64::from(max);
    (scaled as u32).max(2)
}
