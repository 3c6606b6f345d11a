//! Builds the sample campaign with the real binary and compares the
//! workbooks and the figures of every page with the records, which this
//! test reads on its own with serde_yaml rather than through the tool's
//! loader.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx, open_workbook};
use scraper::{ElementRef, Html, Selector};
use serde_yaml::Value;
use walkdir::WalkDir;

/// Build date for the sample: after every approval, so follow-up warnings are stable.
const AS_OF: &str = "2020-03-10";

/// The nine Attachment 2 columns, in the form's order.
const HEADERS: [&str; 9] = [
    "高校",
    "医务人员姓名",
    "所属医院",
    "援助医院",
    "家庭人数",
    "老年人数",
    "未成年人数",
    "志愿服务团队人数",
    "服务内容",
];

/// One family as the sample's YAML states it.
#[derive(Debug)]
struct ExpectedFamily {
    id: String,
    university: String,
    worker: String,
    hospital: String,
    aided_hospital: String,
    size: u64,
    elderly: u64,
    minors: u64,
    team_members: u64,
    needs: Vec<u64>,
    approved: bool,
    team: String,
    gender: String,
    in_hubei: u64,
    elderly_health: Option<String>,
    grades: Vec<String>,
    deployment: Option<String>,
    approval_date: Option<String>,
    approval_signer: Option<String>,
    approval_opinion: Option<String>,
    /// Visit dates as written, `YYYY-MM-DD`.
    visits: Vec<String>,
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_sample(out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shoulashou"))
        // English messages whatever the locale of the machine running the tests.
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .current_dir(repository())
        .args(["build", "--as-of", AS_OF, "--out"])
        .arg(out)
        .output()
        .expect("the shoulashou binary runs")
}

fn is_skipped(path: &Path) -> bool {
    path.components().any(|part| {
        let name = part.as_os_str().to_string_lossy();
        name.starts_with('.') || name.starts_with('_')
    })
}

fn yaml_files() -> Vec<PathBuf> {
    let records = repository().join("records");
    WalkDir::new(&records)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.expect("sample records are readable").into_path())
        .filter(|path| !is_skipped(path.strip_prefix(&records).unwrap()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect()
}

fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn text(value: &Value, path: &str) -> String {
    let found = path.split('.').fold(value, |value, key| &value[key]);
    match found {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        other => panic!("{path} is not text: {other:?}"),
    }
}

fn optional_text(value: &Value, path: &str) -> Option<String> {
    let found = path.split('.').fold(value, |value, key| &value[key]);
    (!found.is_null()).then(|| text(value, path))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().expect("a list of text").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn number(value: &Value, path: &str) -> u64 {
    let found = path.split('.').fold(value, |value, key| &value[key]);
    found
        .as_u64()
        .unwrap_or_else(|| panic!("{path} is not a number: {found:?}"))
}

/// Reads every family of the sample, with the member count of its team.
fn expected_families() -> Vec<ExpectedFamily> {
    let files = yaml_files();
    let mut team_members: HashMap<(String, String), u64> = HashMap::new();
    for path in files
        .iter()
        .filter(|path| path.parent().unwrap().ends_with("teams"))
    {
        let team = read_yaml(path);
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        team_members.insert((text(&team, "university"), id), number(&team, "members"));
    }
    let mut families: Vec<ExpectedFamily> = files
        .iter()
        .filter(|path| !path.parent().unwrap().ends_with("teams"))
        .map(|path| {
            let record = read_yaml(path);
            let university = text(&record, "university");
            let team = text(&record, "team");
            ExpectedFamily {
                id: path.file_stem().unwrap().to_string_lossy().into_owned(),
                team_members: team_members[&(university.clone(), team)],
                university,
                worker: text(&record, "worker.name"),
                hospital: text(&record, "worker.hospital"),
                aided_hospital: text(&record, "worker.aided_hospital"),
                size: number(&record, "family.size"),
                elderly: number(&record, "family.elderly"),
                minors: number(&record, "family.minors"),
                needs: record["needs"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_u64().unwrap())
                    .collect(),
                approved: !record["approval"].is_null(),
                team: text(&record, "team"),
                gender: text(&record, "worker.gender"),
                in_hubei: number(&record, "family.in_hubei"),
                elderly_health: record["family"]["elderly_health"]
                    .as_str()
                    .map(str::to_owned),
                grades: strings(&record["family"]["grades"]),
                deployment: record["worker"]["deployment"].as_str().map(str::to_owned),
                approval_date: optional_text(&record, "approval.date"),
                approval_signer: optional_text(&record, "approval.signer"),
                approval_opinion: optional_text(&record, "approval.opinion"),
                visits: record["visits"]
                    .as_sequence()
                    .map(|visits| visits.iter().map(|visit| text(visit, "date")).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    families.sort_by(|left, right| left.id.cmp(&right.id));
    families
}

/// Returns the number of teams and the sum of their members for each university.
fn expected_teams() -> HashMap<String, (u64, u64)> {
    let mut teams: HashMap<String, (u64, u64)> = HashMap::new();
    for path in yaml_files()
        .iter()
        .filter(|path| path.parent().unwrap().ends_with("teams"))
    {
        let team = read_yaml(path);
        let entry = teams.entry(text(&team, "university")).or_default();
        entry.0 += 1;
        entry.1 += number(&team, "members");
    }
    teams
}

/// Universities in report order: the campaign's list, then the others by name.
fn university_order(families: &[ExpectedFamily]) -> Vec<(String, String)> {
    let campaign = read_yaml(&repository().join("campaign.yaml"));
    let mut order: Vec<(String, String)> = campaign["universities"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|entry| {
            let name = text(entry, "name");
            let folder = entry["folder"]
                .as_str()
                .map_or_else(|| name.clone(), str::to_owned);
            (name, folder)
        })
        .collect();
    let mut others: Vec<String> = families
        .iter()
        .map(|family| family.university.clone())
        .filter(|name| !order.iter().any(|(listed, _)| listed == name))
        .collect();
    others.sort();
    others.dedup();
    order.extend(others.into_iter().map(|name| (name.clone(), name)));
    order
}

fn expected_row(family: &ExpectedFamily) -> Vec<Data> {
    let codes: Vec<String> = family.needs.iter().map(u64::to_string).collect();
    vec![
        Data::String(family.university.clone()),
        Data::String(family.worker.clone()),
        Data::String(family.hospital.clone()),
        Data::String(family.aided_hospital.clone()),
        Data::Float(family.size as f64),
        Data::Float(family.elderly as f64),
        Data::Float(family.minors as f64),
        Data::Float(family.team_members as f64),
        Data::String(codes.join("、")),
    ]
}

/// Reads a workbook's table: the header row and the family rows up to the first blank row.
fn read_table(path: &Path) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut workbook: Xlsx<_> =
        open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = workbook.worksheet_range("信息汇总表").unwrap();
    let mut rows = range.rows();
    let title = rows.next().unwrap();
    assert_eq!(
        title[0],
        Data::String("与抗疫一线医务人员家庭手拉手专项志愿服务信息汇总表".to_owned())
    );
    let header: Vec<String> = rows
        .next()
        .unwrap()
        .iter()
        .map(|cell| cell.to_string())
        .collect();
    let body: Vec<Vec<Data>> = rows
        .take_while(|row| row.iter().any(|cell| *cell != Data::Empty))
        .map(|row| row[..9].iter().map(normalize).collect())
        .collect();
    (header, body)
}

fn normalize(cell: &Data) -> Data {
    match cell {
        Data::Int(number) => Data::Float(*number as f64),
        other => other.clone(),
    }
}

#[test]
fn sample_builds_with_warnings_only() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let output = build_sample(&site);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error["), "{stderr}");
    assert!(
        stderr.contains("warning[W002]"),
        "a team with one family: {stderr}"
    );
    assert!(
        stderr.contains("warning[W006]"),
        "an overdue visit: {stderr}"
    );
    assert!(stderr.contains("0 errors and"), "{stderr}");
    assert!(site.join("index.html").is_file());
}

#[test]
fn sample_covers_the_programme() {
    let families = expected_families();
    let universities = university_order(&families);
    assert!(families.len() >= 15, "{} families", families.len());
    assert!(universities.len() >= 7);
    for code in 1..=5 {
        assert!(
            families.iter().any(|family| family.needs.contains(&code)),
            "code {code} unused"
        );
    }
}

#[test]
fn workbooks_match_records_row_for_row() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(build_sample(&site).status.code(), Some(0));
    let families = expected_families();
    let mut province_rows = Vec::new();

    for (university, folder) in university_order(&families) {
        let own: Vec<&ExpectedFamily> = families
            .iter()
            .filter(|f| f.university == university)
            .collect();
        let expected: Vec<Vec<Data>> = own.iter().map(|family| expected_row(family)).collect();
        let path = site
            .join(&folder)
            .join(format!("附件2-信息汇总表-{university}.xlsx"));
        let (header, rows) = read_table(&path);
        assert_eq!(header, HEADERS, "{}", path.display());
        assert_eq!(rows, expected, "{}", path.display());
        province_rows.extend(expected);
    }

    let (header, rows) = read_table(&site.join("附件2-信息汇总表-全省.xlsx"));
    assert_eq!(header, HEADERS);
    assert_eq!(rows.len(), families.len());
    assert_eq!(rows, province_rows);
    let column_total = |index: usize| -> f64 {
        rows.iter()
            .map(|row| {
                if let Data::Float(value) = row[index] {
                    value
                } else {
                    0.0
                }
            })
            .sum()
    };
    assert_eq!(
        column_total(4),
        families.iter().map(|f| f.size as f64).sum::<f64>()
    );
    assert_eq!(
        column_total(5),
        families.iter().map(|f| f.elderly as f64).sum::<f64>()
    );
    assert_eq!(
        column_total(6),
        families.iter().map(|f| f.minors as f64).sum::<f64>()
    );
}

fn cell_text(cell: ElementRef) -> String {
    cell.text().collect::<String>().trim().to_owned()
}

/// Reads the overview table into a map from university to (header, cell text).
fn overview_rows(page: &Html) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let header_cells = Selector::parse("table.overview thead th").unwrap();
    let rows = Selector::parse("table.overview tbody tr").unwrap();
    let cells = Selector::parse("th, td").unwrap();
    let link = Selector::parse("th a").unwrap();
    let headers: Vec<String> = page.select(&header_cells).map(cell_text).collect();
    let body = page
        .select(&rows)
        .map(|row| {
            let name = row
                .select(&link)
                .next()
                .map(cell_text)
                .expect("university name links to its page");
            (name, row.select(&cells).map(cell_text).collect())
        })
        .collect();
    (headers, body)
}

#[test]
fn overview_matches_records() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(build_sample(&site).status.code(), Some(0));
    let families = expected_families();
    let order = university_order(&families);
    let page = Html::parse_document(&std::fs::read_to_string(site.join("index.html")).unwrap());
    let (headers, rows) = overview_rows(&page);

    let names: Vec<&str> = rows.iter().map(|(name, _)| name.as_str()).collect();
    let expected_names: Vec<&str> = order.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, expected_names);
    let column = |label: &str| {
        headers
            .iter()
            .position(|h| h == label)
            .unwrap_or_else(|| panic!("no column {label}"))
    };

    let teams = expected_teams();
    for (name, cells) in &rows {
        let (team_count, volunteers) = teams.get(name).copied().unwrap_or_default();
        assert_eq!(cells[column("团队数")], team_count.to_string(), "{name}");
        assert_eq!(
            cells[column("志愿者人数")],
            volunteers.to_string(),
            "{name}"
        );
        let own: Vec<&ExpectedFamily> = families.iter().filter(|f| &f.university == name).collect();
        let sum = |field: fn(&ExpectedFamily) -> u64| {
            own.iter().map(|f| field(f)).sum::<u64>().to_string()
        };
        assert_eq!(cells[column("家庭数")], own.len().to_string(), "{name}");
        assert_eq!(cells[column("老年人数")], sum(|f| f.elderly), "{name}");
        assert_eq!(cells[column("未成年人数")], sum(|f| f.minors), "{name}");
        assert_eq!(
            cells[column("已审批")],
            own.iter().filter(|f| f.approved).count().to_string(),
            "{name}"
        );
        for code in 1..=5u64 {
            let header = headers
                .iter()
                .position(|h| h.starts_with(&code.to_string()))
                .unwrap();
            let count = own.iter().filter(|f| f.needs.contains(&code)).count();
            assert_eq!(cells[header], count.to_string(), "{name} code {code}");
        }
    }
}

#[test]
fn university_pages_show_attachment_2() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(build_sample(&site).status.code(), Some(0));
    let families = expected_families();
    let header_cells = Selector::parse("table.attachment-2 thead th").unwrap();
    let rows = Selector::parse("table.attachment-2 tbody tr").unwrap();
    let cells = Selector::parse("th, td").unwrap();

    for (university, folder) in university_order(&families) {
        let path = site.join(&folder).join("index.html");
        let page = Html::parse_document(&std::fs::read_to_string(&path).unwrap());
        let headers: Vec<String> = page.select(&header_cells).map(cell_text).collect();
        assert_eq!(headers, HEADERS, "{}", path.display());
        let shown: Vec<Vec<String>> = page
            .select(&rows)
            .map(|row| row.select(&cells).map(cell_text).collect())
            .filter(|row: &Vec<String>| row.len() == 9)
            .collect();
        let expected: Vec<Vec<String>> = families
            .iter()
            .filter(|family| family.university == university)
            .map(|family| {
                let codes: Vec<String> = family.needs.iter().map(u64::to_string).collect();
                vec![
                    family.university.clone(),
                    family.worker.clone(),
                    family.hospital.clone(),
                    family.aided_hospital.clone(),
                    family.size.to_string(),
                    family.elderly.to_string(),
                    family.minors.to_string(),
                    family.team_members.to_string(),
                    codes.join("、"),
                ]
            })
            .collect();
        assert_eq!(shown, expected, "{}", path.display());
    }
}

#[test]
fn pages_hide_phones_and_addresses() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(build_sample(&site).status.code(), Some(0));
    let mut private = Vec::new();
    for path in yaml_files() {
        let record = read_yaml(&path);
        for key in ["family.phone", "family.address", "leader.phone"] {
            let (section, field) = key.split_once('.').unwrap();
            if let Some(value) = record[section][field].as_str() {
                private.push(value.to_owned());
            }
        }
    }
    assert!(private.len() >= 20, "the sample has phones and addresses");
    for entry in WalkDir::new(&site) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|ext| ext == "html") {
            let page = std::fs::read_to_string(&path).unwrap();
            for value in &private {
                assert!(
                    !page.contains(value.as_str()),
                    "{} shows {value}",
                    path.display()
                );
            }
        }
    }
}

/// One team as the sample's YAML states it.
#[derive(Debug)]
struct ExpectedTeam {
    id: String,
    university: String,
    name: String,
    kind: String,
    leader: String,
    leader_phone: String,
    members: u64,
}

fn expected_team_records() -> Vec<ExpectedTeam> {
    let mut teams: Vec<ExpectedTeam> = yaml_files()
        .iter()
        .filter(|path| path.parent().unwrap().ends_with("teams"))
        .map(|path| {
            let team = read_yaml(path);
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            ExpectedTeam {
                name: optional_text(&team, "name").unwrap_or_else(|| id.clone()),
                id,
                university: text(&team, "university"),
                kind: text(&team, "kind"),
                leader: text(&team, "leader.name"),
                leader_phone: text(&team, "leader.phone"),
                members: number(&team, "members"),
            }
        })
        .collect();
    teams.sort_by(|left, right| left.id.cmp(&right.id));
    teams
}

/// Returns the days from 0000-03-01 to a `YYYY-MM-DD` date, so that two
/// results subtract to the days between two dates.
fn day_number(date: &str) -> i64 {
    let parts: Vec<i64> = date.split('-').map(|part| part.parse().unwrap()).collect();
    let (year, month, day) = (parts[0], parts[1], parts[2]);
    let (year, month) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    365 * year + year / 4 - year / 100 + year / 400 + (153 * month + 2) / 5 + day - 1
}

/// Returns each university's deadline and the visit interval, from campaign.yaml.
fn campaign_dates() -> (HashMap<String, String>, i64) {
    let campaign = read_yaml(&repository().join("campaign.yaml"));
    let default = text(&campaign, "deadline");
    let mut deadlines: HashMap<String, String> = HashMap::new();
    for entry in campaign["universities"].as_sequence().unwrap() {
        let deadline = optional_text(entry, "deadline").unwrap_or_else(|| default.clone());
        deadlines.insert(text(entry, "name"), deadline);
    }
    for family in expected_families() {
        deadlines
            .entry(family.university)
            .or_insert_with(|| default.clone());
    }
    (deadlines, number(&campaign, "visit_interval_days") as i64)
}

/// Returns 已按时, 进行中 or 逾期: met when every family was approved by the
/// deadline, else pending until the deadline has passed.
fn deadline_label(families: &[&ExpectedFamily], deadline: &str) -> &'static str {
    let complete = !families.is_empty()
        && families.iter().all(|family| {
            family
                .approval_date
                .as_deref()
                .is_some_and(|date| day_number(date) <= day_number(deadline))
        });
    if complete {
        "已按时"
    } else if day_number(AS_OF) <= day_number(deadline) {
        "进行中"
    } else {
        "逾期"
    }
}

fn masked_phone_matches(shown: &str, phone: &str) -> bool {
    shown.contains("****")
        && shown.starts_with(&phone[..3])
        && shown.ends_with(&phone[phone.len() - 4..])
}

fn select_all<'a>(element: ElementRef<'a>, selector: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(selector).unwrap();
    element.select(&selector).collect()
}

fn build_into_temporary() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let output = build_sample(&site);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (out, site)
}

fn parse_page(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

#[test]
fn overview_totals_and_charts_match_records() {
    let (_out, site) = build_into_temporary();
    let families = expected_families();
    let order = university_order(&families);
    let (deadlines, _) = campaign_dates();
    let teams = expected_teams();
    let page = parse_page(&site.join("index.html"));
    let root = page.root_element();

    let totals: Vec<String> = select_all(root, "table.overview tfoot th, table.overview tfoot td")
        .into_iter()
        .map(cell_text)
        .collect();
    let sum =
        |field: fn(&ExpectedFamily) -> u64| families.iter().map(field).sum::<u64>().to_string();
    assert_eq!(totals[0], "合计");
    assert_eq!(totals[1], families.len().to_string(), "families");
    assert_eq!(totals[2], sum(|f| f.elderly), "elderly");
    assert_eq!(totals[3], sum(|f| f.minors), "minors");
    let team_total: u64 = teams.values().map(|(count, _)| count).sum();
    let volunteer_total: u64 = teams.values().map(|(_, members)| members).sum();
    assert_eq!(totals[4], team_total.to_string(), "teams");
    assert_eq!(totals[5], volunteer_total.to_string(), "volunteers");
    let need_counts: Vec<String> = (1..=5u64)
        .map(|code| {
            families
                .iter()
                .filter(|f| f.needs.contains(&code))
                .count()
                .to_string()
        })
        .collect();
    assert_eq!(totals[6..11], need_counts[..], "families per need code");
    let approved = families.iter().filter(|f| f.approved).count();
    assert_eq!(totals[11], approved.to_string(), "approved");

    let chart_values = |chart: &str| -> Vec<String> {
        select_all(root, &format!("#{chart} text.value"))
            .into_iter()
            .map(cell_text)
            .collect()
    };
    let chart_labels = |chart: &str| -> Vec<String> {
        select_all(root, &format!("#{chart} text.label"))
            .into_iter()
            .map(cell_text)
            .collect()
    };
    let names: Vec<String> = order.iter().map(|(name, _)| name.clone()).collect();
    let per_university: Vec<String> = order
        .iter()
        .map(|(name, _)| {
            families
                .iter()
                .filter(|f| &f.university == name)
                .count()
                .to_string()
        })
        .collect();
    assert_eq!(chart_labels("universities-chart"), names);
    assert_eq!(chart_values("universities-chart"), per_university);
    assert_eq!(chart_values("needs-chart"), need_counts);

    let labels: Vec<&str> = order
        .iter()
        .map(|(name, _)| {
            let own: Vec<&ExpectedFamily> =
                families.iter().filter(|f| &f.university == name).collect();
            deadline_label(&own, &deadlines[name])
        })
        .collect();
    let (_, rows) = overview_rows(&page);
    let shown: Vec<&str> = rows
        .iter()
        .map(|(_, cells)| cells[cells.len() - 1].as_str())
        .collect();
    assert_eq!(shown, labels, "完成情况 column");
    let segments: Vec<String> = ["已按时", "进行中", "逾期"]
        .iter()
        .map(|label| (label, labels.iter().filter(|shown| *shown == label).count()))
        .filter(|(_, count)| *count > 0)
        .map(|(label, count)| format!("{label} {count}"))
        .collect();
    assert_eq!(chart_values("deadline-chart"), segments);
    for chart in ["universities-chart", "needs-chart", "deadline-chart"] {
        assert_eq!(
            select_all(root, &format!("#{chart} svg title")).len(),
            1,
            "{chart}"
        );
        assert_eq!(
            select_all(root, &format!("#{chart} svg desc")).len(),
            1,
            "{chart}"
        );
    }
}

#[test]
fn university_pages_show_teams_and_follow_up() {
    let (_out, site) = build_into_temporary();
    let families = expected_families();
    let teams = expected_team_records();
    let (_, interval) = campaign_dates();

    for (university, folder) in university_order(&families) {
        let path = site.join(&folder).join("index.html");
        let page = parse_page(&path);
        let root = page.root_element();
        let own_teams: Vec<&ExpectedTeam> = teams
            .iter()
            .filter(|t| t.university == university)
            .collect();
        let rows = select_all(root, "table.teams tbody tr");
        assert_eq!(rows.len(), own_teams.len().max(1), "{}", path.display());
        for (row, team) in rows.iter().zip(&own_teams) {
            assert_eq!(row.attr("id"), Some(format!("team-{}", team.id).as_str()));
            let cells: Vec<String> = select_all(*row, "th, td")
                .into_iter()
                .map(cell_text)
                .collect();
            assert_eq!(cells[0], team.name);
            assert_eq!(cells[1], team.kind);
            assert_eq!(cells[2], team.leader);
            assert!(
                masked_phone_matches(&cells[3], &team.leader_phone),
                "{}",
                cells[3]
            );
            assert_eq!(cells[4], team.members.to_string());
            let served: Vec<&str> = families
                .iter()
                .filter(|f| f.university == university && f.team.eq_ignore_ascii_case(&team.id))
                .map(|f| f.worker.as_str())
                .collect();
            assert_eq!(cells[5], served.join("、"), "{} serves", team.id);
            let within_rule = (2..=3).contains(&served.len());
            let flag = if within_rule {
                "符合".to_owned()
            } else {
                format!("服务 {} 户，不符合", served.len())
            };
            assert_eq!(cells[6], flag, "{}", team.id);
        }

        let own: Vec<&ExpectedFamily> = families
            .iter()
            .filter(|f| f.university == university)
            .collect();
        let rows: Vec<Vec<String>> = select_all(root, "table.follow-up tbody tr")
            .into_iter()
            .map(|row| {
                select_all(row, "th, td")
                    .into_iter()
                    .map(cell_text)
                    .collect()
            })
            .collect();
        assert_eq!(rows.len(), own.len().max(1), "{}", path.display());
        for (cells, family) in rows.iter().zip(&own) {
            let last_visit = family.visits.iter().max().cloned();
            let last_contact = last_visit.clone().or(family.approval_date.clone());
            let days = last_contact
                .as_deref()
                .map(|date| day_number(AS_OF) - day_number(date));
            let overdue = family.approved && days.is_some_and(|days| days > interval);
            let expected = vec![
                family.worker.clone(),
                family
                    .approval_date
                    .as_ref()
                    .map_or("未审批".to_owned(), |date| format!("已审批 {date}")),
                family.approval_signer.clone().unwrap_or("—".to_owned()),
                family.visits.len().to_string(),
                last_visit.unwrap_or("—".to_owned()),
                last_contact.unwrap_or("—".to_owned()),
                days.map_or("—".to_owned(), |days| days.to_string()),
                if overdue {
                    "逾期"
                } else if family.approved {
                    "正常"
                } else {
                    "未开始服务"
                }
                .to_owned(),
            ];
            assert_eq!(cells, &expected, "{}", family.id);
        }
    }
}

/// Returns the form's cells by label: each row header with the cell after it.
fn form_fields(page: &Html) -> HashMap<String, String> {
    let mut fields = HashMap::new();
    for header in select_all(page.root_element(), "table.form th[scope=row]") {
        let value = header
            .next_siblings()
            .filter_map(ElementRef::wrap)
            .next()
            .map(cell_text)
            .expect("every label has a cell");
        fields.insert(cell_text(header), value);
    }
    fields
}

#[test]
fn family_pages_show_form_fields() {
    let (_out, site) = build_into_temporary();
    let families = expected_families();
    let teams = expected_team_records();
    let folders: HashMap<String, String> = university_order(&families).into_iter().collect();

    for family in &families {
        let path = site
            .join(&folders[&family.university])
            .join(format!("{}.html", family.id));
        let page = parse_page(&path);
        let fields = form_fields(&page);
        let record = read_yaml(
            &yaml_files()
                .into_iter()
                .find(|file| file.file_stem().unwrap().to_string_lossy() == family.id)
                .unwrap(),
        );
        let dash = |value: Option<String>| value.unwrap_or("—".to_owned());
        let context = path.display();

        assert_eq!(fields["医务人员所属医院"], family.hospital, "{context}");
        assert_eq!(fields["医务人员姓名"], family.worker, "{context}");
        assert_eq!(fields["性别"], family.gender, "{context}");
        assert_eq!(
            fields["家庭援鄂人数"],
            family.in_hubei.to_string(),
            "{context}"
        );
        let address = text(&record, "family.address");
        let first_three: String = address.chars().take(3).collect();
        assert!(fields["家庭地址"].starts_with(&first_three), "{context}");
        assert!(fields["家庭地址"].ends_with("****"), "{context}");
        assert!(
            masked_phone_matches(&fields["家庭联系方式"], &text(&record, "family.phone")),
            "{context}"
        );
        assert_eq!(
            fields["家中老年人数"],
            family.elderly.to_string(),
            "{context}"
        );
        assert_eq!(
            fields["健康状况"],
            dash(family.elderly_health.clone()),
            "{context}"
        );
        assert_eq!(
            fields["未成年子女数"],
            family.minors.to_string(),
            "{context}"
        );
        let grades = (!family.grades.is_empty()).then(|| family.grades.join("、"));
        assert_eq!(fields["就读年级"], dash(grades), "{context}");
        assert_eq!(
            fields["援助医院（含在本院抗疫一线）"], family.aided_hospital,
            "{context}"
        );

        let chosen: Vec<String> = select_all(page.root_element(), "ul.needs li.chosen")
            .into_iter()
            .map(|item| cell_text(item).split('、').next().unwrap().to_owned())
            .collect();
        let needs: Vec<String> = family.needs.iter().map(u64::to_string).collect();
        assert_eq!(chosen, needs, "{context}");

        let team = teams
            .iter()
            .find(|team| {
                team.university == family.university && team.id.eq_ignore_ascii_case(&family.team)
            })
            .expect("every family has a team");
        assert_eq!(fields["志愿者团队负责人姓名"], team.leader, "{context}");
        assert!(
            masked_phone_matches(&fields["联系方式"], &team.leader_phone),
            "{context}"
        );
        assert_eq!(
            fields["志愿者团队成员人数"],
            team.members.to_string(),
            "{context}"
        );

        let opinion = &fields["高校团委意见"];
        match (
            &family.approval_opinion,
            &family.approval_signer,
            &family.approval_date,
        ) {
            (Some(text), Some(signer), Some(date)) => {
                let parts: Vec<u32> = date.split('-').map(|part| part.parse().unwrap()).collect();
                assert!(opinion.starts_with(text.as_str()), "{context}: {opinion}");
                assert!(
                    opinion.contains(&format!("负责人签名（盖章）：{signer}")),
                    "{context}"
                );
                let written = format!("{}年{}月{}日", parts[0], parts[1], parts[2]);
                assert!(opinion.contains(&written), "{context}: {opinion}");
            }
            _ => assert!(opinion.starts_with("尚未审批"), "{context}: {opinion}"),
        }

        let extra = select_all(page.root_element(), "p.extra")
            .into_iter()
            .map(cell_text)
            .next()
            .expect("the fields outside the form");
        assert!(
            extra.contains(&format!("家庭人数：{} 人", family.size)),
            "{context}: {extra}"
        );
        let deployment = dash(family.deployment.clone());
        assert!(
            extra.contains(&format!("派出类别：{deployment}")),
            "{context}: {extra}"
        );

        let visit_dates: Vec<String> = select_all(page.root_element(), "table.visits td.date")
            .into_iter()
            .map(cell_text)
            .collect();
        assert_eq!(visit_dates, family.visits, "{context}");
    }
}
