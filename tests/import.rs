//! `import` through the real binary: the sample campaign's own workbook read
//! back into records, a workbook saved by LibreOffice, and workbooks written
//! here with the quirks of sheets filled by hand in Excel or WPS.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_xlsxwriter::{Format, Workbook};
use serde_yaml::Value;
use walkdir::WalkDir;

use common::{Fixture, Run};

const FAILURE: i32 = 2;

/// The LibreOffice workbook: `hand-filled.fods` converted once with
/// `libreoffice --headless --convert-to xlsx`.
const LIBREOFFICE_XLSX: &[u8] = include_bytes!("fixtures/import/hand-filled.xlsx");

/// The nine Attachment 2 fields of one family, as a record states them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Summary {
    university: String,
    worker: String,
    hospital: String,
    aided_hospital: String,
    size: u64,
    elderly: u64,
    minors: u64,
    team_members: u64,
    needs: Vec<u64>,
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shoulashou(dir: &Path, arguments: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shoulashou"))
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .current_dir(dir)
        .args(arguments)
        .output()
        .expect("the shoulashou binary runs")
}

fn read_yaml(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|error| panic!("{path:?}: {error}"));
    serde_yaml::from_str(&text).unwrap_or_else(|error| panic!("{path:?}: {error}"))
}

fn text_at(value: &Value, path: &str) -> String {
    let found = path.split('.').fold(value, |value, key| &value[key]);
    found
        .as_str()
        .unwrap_or_else(|| panic!("`{path}` is not text: {found:?}"))
        .to_owned()
}

fn number_at(value: &Value, path: &str) -> u64 {
    let found = path.split('.').fold(value, |value, key| &value[key]);
    found
        .as_u64()
        .unwrap_or_else(|| panic!("`{path}` is not a whole number: {found:?}"))
}

fn needs_of(value: &Value) -> Vec<u64> {
    let list = value["needs"].as_sequence().expect("`needs` is a list");
    list.iter()
        .map(|code| code.as_u64().expect("a code is a number"))
        .collect()
}

/// Returns the team size that `import` writes into a comment of the record.
fn team_members_comment(path: &Path) -> u64 {
    let text = fs::read_to_string(path).expect("the record is readable");
    let prefix = "# 汇总表中的志愿服务团队人数：";
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("{path:?} has no `{prefix}` comment"));
    line.trim().parse().expect("the team size is a number")
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.expect("the folder is readable").into_path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// Reads the families of 郑州大学 in the sample, with their teams' sizes.
fn sample_summaries() -> Vec<Summary> {
    let folder = repository().join("records/zzu");
    let mut members = HashMap::new();
    for path in yaml_files(&folder.join("teams")) {
        let team = read_yaml(&path);
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        members.insert(id, number_at(&team, "members"));
    }
    let families = yaml_files(&folder).into_iter().filter(|path| {
        let name = path.file_name().unwrap().to_string_lossy();
        !name.starts_with('_') && !path.components().any(|part| part.as_os_str() == "teams")
    });
    let mut summaries: Vec<Summary> = families
        .map(|path| {
            let family = read_yaml(&path);
            let team = text_at(&family, "team");
            let mut summary = summary_of(&family);
            summary.team_members = members[&team];
            summary
        })
        .collect();
    summaries.sort();
    summaries
}

fn summary_of(family: &Value) -> Summary {
    Summary {
        university: text_at(family, "university"),
        worker: text_at(family, "worker.name"),
        hospital: text_at(family, "worker.hospital"),
        aided_hospital: text_at(family, "worker.aided_hospital"),
        size: number_at(family, "family.size"),
        elderly: number_at(family, "family.elderly"),
        minors: number_at(family, "family.minors"),
        team_members: 0,
        needs: needs_of(family),
    }
}

fn imported_summaries(dir: &Path) -> Vec<Summary> {
    let mut summaries: Vec<Summary> = yaml_files(dir)
        .into_iter()
        .map(|path| {
            let mut summary = summary_of(&read_yaml(&path));
            summary.team_members = team_members_comment(&path);
            summary
        })
        .collect();
    summaries.sort();
    summaries
}

#[test]
fn sample_workbook_round_trips() {
    let temp = tempfile::tempdir().unwrap();
    let site = temp.path().join("site");
    let site_arg = site.to_str().unwrap();
    let build = shoulashou(
        &repository(),
        &["build", "--as-of", "2020-03-10", "--out", site_arg],
    );
    assert_eq!(build.status.code(), Some(0), "{build:?}");

    let workbook = site.join("zzu/附件2-信息汇总表-郑州大学.xlsx");
    let imported = temp.path().join("imported");
    let import = shoulashou(
        temp.path(),
        &[
            "import",
            workbook.to_str().unwrap(),
            "--university",
            "郑州大学",
            "--records",
            imported.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&import.stderr);
    assert_eq!(import.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");

    let expected = sample_summaries();
    assert_eq!(
        expected.len(),
        5,
        "the sample has five families of 郑州大学"
    );
    assert_eq!(imported_summaries(&imported.join("郑州大学")), expected);
}

/// Lists the written paths that `import` prints on stdout.
fn written(run: &Run) -> Vec<String> {
    run.stdout.lines().map(str::to_owned).collect()
}

fn import_run(fixture: Fixture, workbook: &str, extra: &[&str]) -> Run {
    let mut arguments = vec!["import", workbook, "--university", "郑州大学"];
    arguments.extend_from_slice(extra);
    fixture.run(&arguments)
}

#[test]
fn libreoffice_workbook_imports() {
    let fixture = Fixture::empty().bytes("hand-filled.xlsx", LIBREOFFICE_XLSX);
    let run = import_run(fixture, "hand-filled.xlsx", &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        written(&run),
        [
            "records/郑州大学/family-001.yaml",
            "records/郑州大学/family-002.yaml",
            "records/郑州大学/family-003.yaml",
        ]
    );
    assert!(
        run.stderr
            .contains("warning: row 8 (赵某) belongs to 河南大学, not 郑州大学, skipped"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: row 9 has no 医务人员姓名 (`合计`), skipped"),
        "{}",
        run.stderr
    );

    let wang = read_yaml(&run.path("records/郑州大学/family-001.yaml"));
    assert_eq!(text_at(&wang, "university"), "郑州大学");
    assert_eq!(text_at(&wang, "worker.name"), "王某");
    assert_eq!(text_at(&wang, "worker.aided_hospital"), "武汉市某方舱医院");
    assert_eq!(number_at(&wang, "family.size"), 4);
    assert_eq!(number_at(&wang, "family.elderly"), 2);
    assert_eq!(needs_of(&wang), [1, 2]);
    assert_eq!(
        team_members_comment(&run.path("records/郑州大学/family-001.yaml")),
        5
    );

    // 李某's 高校 cell is covered by the merged cell above it.
    let li = read_yaml(&run.path("records/郑州大学/family-002.yaml"));
    assert_eq!(text_at(&li, "university"), "郑州大学");
    assert_eq!(needs_of(&li), [1, 2, 4]);

    let zhang = read_yaml(&run.path("records/郑州大学/family-003.yaml"));
    assert_eq!(number_at(&zhang, "family.size"), 5);
    assert_eq!(number_at(&zhang, "family.elderly"), 2, "full-width ２");
    assert_eq!(needs_of(&zhang), [3]);
}

#[test]
fn imported_records_fail_only_on_blanks() {
    let fixture = Fixture::empty().bytes("hand-filled.xlsx", LIBREOFFICE_XLSX);
    let run = import_run(fixture, "hand-filled.xlsx", &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);

    let check = run.again(&["check", "--as-of", "2020-03-01", "--format", "json"]);
    assert_eq!(check.status, 1, "{}", check.stderr);
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for diagnostic in check.diagnostics() {
        assert_eq!(diagnostic.code, "E004", "{diagnostic:?}");
        *found.entry(diagnostic.key_path).or_default() += 1;
    }
    let blank = [
        "family.address",
        "family.in_hubei",
        "family.phone",
        "plan",
        "team",
        "worker.gender",
    ];
    let expected: BTreeMap<String, usize> = blank.iter().map(|key| (key.to_string(), 3)).collect();
    assert_eq!(found, expected);
}

/// Writes a workbook shaped like one typed by hand in Excel. The title is
/// merged over row 1 above a blank row, and the header on row 3 has
/// spaced-out labels and an empty column C. The rows hold numbers typed as
/// text, every way of separating codes, a blank row, a row of another
/// university, the note and a line under the note.
fn excel_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sheet1").unwrap();
    let title = "与抗疫一线医务人员家庭手拉手专项志愿服务信息汇总表";
    sheet
        .merge_range(0, 0, 0, 9, title, &Format::new().set_bold())
        .unwrap();

    let headers = [
        "高  校",
        "医务人员姓    名",
        "",
        "所属医院",
        "援助医院",
        "家庭人数",
        "老年人数",
        "未成年人数",
        "志愿服务团队人数",
        "服务内容",
    ];
    for (column, header) in (0..).zip(headers) {
        sheet.write_string(2, column, header).unwrap();
    }

    let rows: [[&str; 10]; 6] = [
        [
            "郑州大学",
            "甲某",
            "",
            "一附院",
            "武汉某医院",
            "4",
            "1",
            "1",
            "5",
            "1、2",
        ],
        [
            "郑州大学",
            "乙某",
            "",
            "二附院",
            "本院",
            "3",
            "0",
            "1",
            "5",
            "1,2",
        ],
        ["", "", "", "", "", "", "", "", "", ""],
        [
            "郑州大学",
            "丙某",
            "",
            "三附院",
            "武汉某医院",
            " 5 ",
            "2",
            "1",
            "4",
            "1，2",
        ],
        [
            "河南大学",
            "丁某",
            "",
            "淮河医院",
            "武汉某医院",
            "3",
            "1",
            "1",
            "4",
            "1 2",
        ],
        [
            "",
            "戊某",
            "",
            "五附院",
            "武汉某医院",
            "2",
            "0",
            "1",
            "4",
            "1 2",
        ],
    ];
    for (row, cells) in (3..).zip(rows) {
        for (column, cell) in (0..).zip(cells) {
            if !cell.is_empty() {
                sheet.write_string(row, column, cell).unwrap();
            }
        }
    }

    let note = "备注：服务内容填数字，1：子女学习辅导 2：心理援助 3：健康咨询与在线问诊 4：生活帮扶 5：其他";
    sheet
        .merge_range(10, 0, 10, 9, note, &Format::new())
        .unwrap();
    sheet.write_string(11, 0, "己某").unwrap();
    sheet.write_string(11, 1, "不是表格的一部分").unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn excel_quirks_import() {
    let fixture = Fixture::empty().bytes("book.xlsx", &excel_workbook());
    let run = import_run(fixture, "book.xlsx", &["--records", "data"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        written(&run),
        [
            "data/郑州大学/family-001.yaml",
            "data/郑州大学/family-002.yaml",
            "data/郑州大学/family-003.yaml",
            "data/郑州大学/family-004.yaml",
        ]
    );
    assert!(
        run.stderr
            .contains("warning: row 8 (丁某) belongs to 河南大学, not 郑州大学, skipped"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("imported 4 families into data/郑州大学"),
        "{}",
        run.stderr
    );

    let names = ["甲某", "乙某", "丙某", "戊某"];
    for (index, name) in names.iter().enumerate() {
        let path = run.path(&format!("data/郑州大学/family-{:03}.yaml", index + 1));
        let family = read_yaml(&path);
        assert_eq!(text_at(&family, "worker.name"), *name);
        assert_eq!(text_at(&family, "university"), "郑州大学", "{name}");
        assert_eq!(needs_of(&family), [1, 2], "codes of {name}");
    }
    let third = read_yaml(&run.path("data/郑州大学/family-003.yaml"));
    assert_eq!(number_at(&third, "family.size"), 5, "text ` 5 `");
    assert_eq!(number_at(&third, "family.elderly"), 2);
}

#[test]
fn import_never_overwrites() {
    let custom = "# 手工写的记录\n";
    let fixture = Fixture::empty()
        .bytes("book.xlsx", &excel_workbook())
        .file("records/郑州大学/family-002.yaml", custom);
    let run = import_run(fixture, "book.xlsx", &[]);
    assert_eq!(run.status, FAILURE, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("import never overwrites a file, so nothing was written"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("records/郑州大学/family-002.yaml"),
        "{}",
        run.stderr
    );
    let kept = fs::read_to_string(run.path("records/郑州大学/family-002.yaml")).unwrap();
    assert_eq!(kept, custom);
    assert!(!run.exists("records/郑州大学/family-001.yaml"));
}

#[test]
fn second_import_writes_nothing() {
    let fixture = Fixture::empty().bytes("book.xlsx", &excel_workbook());
    let first = import_run(fixture, "book.xlsx", &[]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let before = fs::read(first.path("records/郑州大学/family-001.yaml")).unwrap();

    let second = first.again(&["import", "book.xlsx", "--university", "郑州大学"]);
    assert_eq!(second.status, FAILURE, "{}", second.stderr);
    let after = fs::read(second.path("records/郑州大学/family-001.yaml")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn unreadable_workbook_fails() {
    let fixture = Fixture::empty().file("book.xlsx", "not a workbook\n");
    let run = import_run(fixture, "book.xlsx", &[]);
    assert_eq!(run.status, FAILURE);
    assert!(
        run.stderr
            .starts_with("error: cannot read the workbook book.xlsx: "),
        "{}",
        run.stderr
    );
    assert!(!run.exists("records"));

    let missing = import_run(Fixture::empty(), "absent.xlsx", &["--lang", "zh"]);
    assert_eq!(missing.status, FAILURE);
    assert_eq!(
        missing.stderr,
        "错误: 无法读取工作簿 absent.xlsx：文件不存在。\
         请确认它是 Excel 或 WPS 保存的 .xlsx、.xls 或 .ods 文件\n"
    );
}

#[test]
fn workbook_without_header_fails() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(1, 0, "王某").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let run = import_run(
        Fixture::empty().bytes("book.xlsx", &bytes),
        "book.xlsx",
        &[],
    );
    assert_eq!(run.status, FAILURE);
    assert!(
        run.stderr
            .starts_with("error: no Attachment 2 header row in the first 20 rows of book.xlsx."),
        "{}",
        run.stderr
    );
    assert!(!run.exists("records"));
}
