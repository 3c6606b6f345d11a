//! Builds the sample campaign with the real binary and compares the
//! workbooks and the overview page with the records, which this test reads
//! on its own with serde_yaml rather than through the tool's loader.

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
