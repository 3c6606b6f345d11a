//! Tests of the rendered site, built from a small hand-made summary.

use std::fs;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};

use super::*;
use crate::campaign::Campaign;
use crate::date::Date;
use crate::diagnostic::{self, Diagnostic, Position};
use crate::record::{Approval, Family, Household, Leader, Source, Team, Visit, Worker};

const WANG_PHONE: &str = "13812345678";
const WANG_ADDRESS: &str = "郑州市金水区文化路100号3单元";
const LI_PHONE: &str = "0371-60001234";
const LEADER_PHONE: &str = "13900001111";
/// A family id that needs percent-encoding in a link.
const ODD_ID: &str = "li #2 %";

fn date(text: &str) -> Date {
    Date::parse(text).expect("test dates are valid")
}

fn source(path: &str) -> Source {
    let path = PathBuf::from(path);
    let id = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default()
        .to_owned();
    Source {
        path: path.into(),
        id: id.into(),
    }
}

fn family(path: &str, university: &str, name: &str, phone: &str, needs: Vec<u8>) -> Family {
    Family {
        source: source(path),
        university: university.into(),
        worker: Worker {
            name: name.into(),
            gender: "女".into(),
            hospital: "郑州大学第一附属医院".into(),
            aided_hospital: "武汉某医院".into(),
            deployment: Some("援鄂".into()),
        },
        household: Household {
            size: 4,
            in_hubei: 1,
            address: WANG_ADDRESS.into(),
            phone: phone.into(),
            elderly: 2,
            elderly_health: Some("高血压".into()),
            minors: 1,
            grades: vec!["小学三年级".into()].into(),
        },
        needs: needs.into(),
        needs_summary: Some("孩子需要**数学**辅导".into()),
        team: "team-01".into(),
        plan: "每周两次线上辅导 <script>alert(1)</script> [坏链接](javascript:alert(2))".into(),
        offline: None,
        approval: None,
        visits: Box::default(),
        page_text: None,
    }
}

fn team(path: &str, university: &str) -> Team {
    Team {
        source: source(path),
        university: university.to_owned(),
        name: "医学院第一服务队".to_owned(),
        kind: "青年志愿者服务队".to_owned(),
        leader: Leader {
            name: "李某".to_owned(),
            phone: LEADER_PHONE.to_owned(),
        },
        members: 5,
        roster: Vec::new(),
    }
}

/// Records of two universities: 郑州大学 (folder `zzu`) with two families and
/// one team, and a university missing from the campaign list, whose folder
/// name contains a space.
struct Fixture {
    campaign: Campaign,
    families: Vec<std::sync::Arc<Family>>,
    teams: Vec<std::sync::Arc<Team>>,
    diagnostics: Vec<Diagnostic>,
}

impl Fixture {
    fn new() -> Fixture {
        let campaign = Campaign::default();
        let mut wang = family(
            "records/zzu/wang.yaml",
            "郑州大学",
            "王<b>某</b>",
            WANG_PHONE,
            vec![1, 2],
        );
        wang.approval = Some(Approval {
            opinion: "同意".into(),
            signer: "张某".into(),
            date: date("2020-02-17"),
        });
        wang.visits = vec![Visit {
            date: date("2020-02-24"),
            mode: "线上".into(),
            note: Some("<img src=x onerror=alert(3)> 状态良好".into()),
        }]
        .into();
        wang.offline = Some("由校团委批准，戴口罩".into());
        let li_path = format!("records/zzu/{ODD_ID}.yaml");
        let li = family(&li_path, "郑州大学", "李某", LI_PHONE, vec![3, 4]);
        let other = family(
            "records/test/zhao.yaml",
            "测试 大学",
            "赵某",
            "13700000000",
            vec![2],
        );

        let warning = Diagnostic::new(
            diagnostic::NOT_APPROVED,
            &li_path,
            "approval",
            crate::diagnostic::Text::new("家庭尚未经高校团委审批", "no approval yet"),
            crate::diagnostic::Text::new("填写 `approval`", "fill in `approval`"),
        )
        .at(
            Position { line: 3, column: 1 },
            Position { line: 3, column: 9 },
        );

        Fixture {
            campaign,
            families: vec![wang.into(), li.into(), other.into()],
            teams: vec![std::sync::Arc::new(team(
                "records/zzu/teams/team-01.yaml",
                "郑州大学",
            ))],
            diagnostics: vec![warning],
        }
    }

    fn summary(&self) -> Summary<'_> {
        Summary::build(
            &self.campaign,
            &self.families,
            &self.teams,
            &self.diagnostics,
            date("2020-02-28"),
        )
    }
}

fn options(masked: bool, templates_dir: Option<&Path>) -> RenderOptions {
    RenderOptions {
        masked,
        templates_dir: templates_dir.map(Path::to_path_buf),
    }
}

/// Renders the fixture into a fresh folder and returns it with the files written.
fn render(options: &RenderOptions) -> (tempfile::TempDir, Vec<PathBuf>) {
    let fixture = Fixture::new();
    let out = tempfile::tempdir().expect("temporary folder");
    let written = render_site(&fixture.summary(), options, out.path()).expect("site renders");
    let paths = written
        .iter()
        .map(|written| out.path().join(&written.file))
        .collect();
    (out, paths)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).expect("page was written")
}

fn select<'a>(document: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(selector).expect("valid selector");
    document.select(&selector).collect()
}

fn text(element: &scraper::ElementRef) -> String {
    element.text().collect::<String>().trim().to_owned()
}

#[test]
fn writes_one_page_per_family_and_university() {
    let (out, written) = render(&options(true, None));
    let relative: Vec<PathBuf> = written
        .iter()
        .map(|path| {
            path.strip_prefix(out.path())
                .expect("under out")
                .to_path_buf()
        })
        .collect();
    let names: Vec<&str> = relative.iter().filter_map(|path| path.to_str()).collect();
    assert_eq!(names[0], "index.html");
    assert!(names.contains(&"zzu/index.html"), "{names:?}");
    assert!(names.contains(&"zzu/wang.html"), "{names:?}");
    assert!(names.contains(&"zzu/li #2 %.html"), "{names:?}");
    assert!(names.contains(&"测试 大学/index.html"), "{names:?}");
    assert!(names.contains(&"测试 大学/zhao.html"), "{names:?}");
    for path in &written {
        assert!(path.is_file(), "{}", path.display());
    }
}

#[test]
fn every_page_has_the_required_head() {
    let (_out, written) = render(&options(true, None));
    for path in &written {
        let html = read(path);
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"zh-CN\">"),
            "{}",
            path.display()
        );
        let document = Html::parse_document(&html);
        assert!(
            document.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            document.errors
        );
        assert_eq!(select(&document, "meta[charset=utf-8]").len(), 1);
        assert_eq!(select(&document, "meta[name=viewport]").len(), 1);
        let robots = select(&document, "meta[name=robots]");
        assert_eq!(robots[0].attr("content"), Some("noindex, nofollow"));
        assert_eq!(
            select(&document, "th:not([scope])").len(),
            0,
            "{}",
            path.display()
        );
    }
}

#[test]
fn province_overview_shows_figures_and_totals() {
    let (out, _) = render(&options(true, None));
    let document = Html::parse_document(&read(&out.path().join("index.html")));

    let rows = select(&document, "table.overview tbody tr");
    let zzu = &rows[0];
    let cells: Vec<String> = zzu
        .select(&Selector::parse("th, td").expect("valid"))
        .map(|c| text(&c))
        .collect();
    assert_eq!(cells[0], "郑州大学");
    assert_eq!(cells[1], "2", "families");
    assert_eq!(cells[4], "1", "teams");
    assert_eq!(cells[5], "5", "volunteers");
    assert_eq!(
        &cells[6..11],
        ["1", "1", "1", "1", "0"],
        "families per need code"
    );
    assert_eq!(cells[11], "1", "approved");
    assert_eq!(cells[12], "1", "warnings");
    assert_eq!(cells[13], "2020-02-18");
    assert_eq!(cells[14], "逾期");

    let unlisted = text(&rows[rows.len() - 1]);
    assert!(unlisted.contains("测试 大学"), "{unlisted}");
    assert!(unlisted.contains("不在活动名单中"), "{unlisted}");

    let totals: Vec<String> = select(
        &document,
        "table.overview tfoot th, table.overview tfoot td",
    )
    .iter()
    .map(text)
    .collect();
    assert_eq!(totals[0], "合计");
    assert_eq!(totals[1], "3", "families in total");
    assert_eq!(totals[7], "2", "families with code 2 in total");
}

#[test]
fn province_overview_links_universities_and_workbook() {
    let (out, _) = render(&options(true, None));
    let document = Html::parse_document(&read(&out.path().join("index.html")));
    let hrefs: Vec<&str> = select(&document, "a")
        .iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert!(hrefs.contains(&"zzu/index.html"), "{hrefs:?}");
    assert!(
        hrefs.contains(&"%E6%B5%8B%E8%AF%95%20%E5%A4%A7%E5%AD%A6/index.html"),
        "{hrefs:?}"
    );
    let workbook = encode_path_segment(crate::workbook::PROVINCE_WORKBOOK);
    assert!(hrefs.contains(&workbook.as_str()), "{hrefs:?}");
}

#[test]
fn need_chart_is_inline_svg_with_text() {
    let (out, _) = render(&options(true, None));
    let html = read(&out.path().join("index.html"));
    let document = Html::parse_document(&html);
    let bars = select(&document, "figure#needs-chart svg rect");
    assert_eq!(bars.len(), 5);
    let widths: Vec<&str> = bars.iter().filter_map(|bar| bar.attr("width")).collect();
    assert_eq!(widths, ["185", "370", "185", "185", "0"]);
    let description = text(&select(&document, "figure#needs-chart desc")[0]);
    assert!(description.contains("心理援助 2 户"), "{description}");
    assert!(!html.contains("<script"), "no JavaScript on the page");
}

#[test]
fn university_page_has_attachment_two_table() {
    let (out, _) = render(&options(true, None));
    let document = Html::parse_document(&read(&out.path().join("zzu/index.html")));
    let headers: Vec<String> = select(&document, "table.attachment-2 thead th")
        .iter()
        .map(text)
        .collect();
    assert_eq!(headers, crate::workbook::HEADERS);

    let first_row: Vec<String> = select(&document, "table.attachment-2 tbody tr")[0]
        .select(&Selector::parse("th, td").expect("valid"))
        .map(|cell| text(&cell))
        .collect();
    assert_eq!(first_row[1], "李某");
    assert_eq!(first_row[7], "5", "team members");
    assert_eq!(first_row[8], "3、4");

    let note = text(&select(&document, "p.note")[0]);
    assert_eq!(
        note,
        "备注：服务内容填数字，1：子女学习辅导 2：心理援助 3：健康咨询与在线问诊 4：生活帮扶 5：其他"
    );
}

#[test]
fn university_page_links_families_with_encoded_names() {
    let (out, _) = render(&options(true, None));
    let document = Html::parse_document(&read(&out.path().join("zzu/index.html")));
    let hrefs: Vec<&str> = select(&document, "table.attachment-2 a")
        .iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert_eq!(hrefs, ["../zzu/li%20%232%20%25.html", "../zzu/wang.html"]);
    assert!(
        out.path()
            .join("zzu")
            .join(format!("{ODD_ID}.html"))
            .is_file()
    );
}

#[test]
fn university_page_flags_team_and_warning() {
    let (out, _) = render(&options(true, None));
    let document = Html::parse_document(&read(&out.path().join("zzu/index.html")));

    let team_cells: Vec<String> = select(&document, "table.teams tbody td")
        .iter()
        .map(text)
        .collect();
    assert_eq!(team_cells[2], "139****1111");
    assert_eq!(team_cells[5], "符合", "two families is within the rule");

    let warning_links = select(&document, "table.warnings a");
    assert_eq!(warning_links.len(), 1);
    assert_eq!(
        warning_links[0].attr("href"),
        Some("../zzu/li%20%232%20%25.html")
    );
    assert_eq!(
        text(&warning_links[0]),
        format!("records/zzu/{ODD_ID}.yaml:3")
    );
}

#[test]
fn team_outside_rule_is_flagged() {
    let (out, _) = render(&options(true, None));
    let html = read(&out.path().join("测试 大学/index.html"));
    assert!(
        html.contains("尚无团队记录"),
        "the unlisted university has no team"
    );

    let mut fixture = Fixture::new();
    fixture.families.truncate(1);
    let out = tempfile::tempdir().expect("temporary folder");
    render_site(&fixture.summary(), &options(true, None), out.path()).expect("site renders");
    let document = Html::parse_document(&read(&out.path().join("zzu/index.html")));
    let flag = text(&select(&document, "table.teams .flag")[0]);
    assert_eq!(flag, "服务 1 户，不符合");
}

#[test]
fn family_page_is_attachment_one_form() {
    let (out, _) = render(&options(true, None));
    let html = read(&out.path().join("zzu/wang.html"));
    let document = Html::parse_document(&html);
    let labels: Vec<String> = select(&document, "table.form th[scope=row]")
        .iter()
        .map(text)
        .collect();
    for label in [
        "医务人员所属医院",
        "医务人员姓名",
        "性别",
        "家庭援鄂人数",
        "家庭地址",
        "家庭联系方式",
        "家中老年人数",
        "健康状况",
        "未成年子女数",
        "就读年级",
        "援助医院（含在本院抗疫一线）",
        "需要帮扶内容（可多选）",
        "帮扶需求简述",
        "志愿者团队负责人姓名",
        "联系方式",
        "志愿者团队成员人数",
        "“一家一策”简介",
        "高校团委意见",
    ] {
        assert!(labels.iter().any(|found| found == label), "missing {label}");
    }

    let needs = select(&document, "ul.needs li");
    assert_eq!(needs.len(), 5);
    let chosen: Vec<String> = select(&document, "ul.needs li.chosen")
        .iter()
        .map(text)
        .collect();
    assert_eq!(chosen.len(), 2);
    assert!(chosen[0].contains("子女学习辅导"), "{chosen:?}");
    assert!(html.contains("负责人签名（盖章）：张某"), "{html}");
    assert!(
        html.contains("2020年2月17日"),
        "approval date as the form writes it"
    );
    assert!(
        html.contains("<strong>数学</strong>"),
        "needs_summary is Markdown"
    );

    let visit_cells: Vec<String> = select(&document, "table.visits td")
        .iter()
        .map(text)
        .collect();
    assert_eq!(visit_cells[0], "2020-02-24");
    assert_eq!(visit_cells[1], "线上");

    let back: Vec<&str> = select(&document, "a")
        .iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert!(back.contains(&"../zzu/index.html"), "{back:?}");
}

#[test]
fn record_text_is_escaped() {
    let (out, _) = render(&options(true, None));
    let html = read(&out.path().join("zzu/wang.html"));
    assert!(
        html.contains("王&lt;b&gt;某&lt;&#x2F;b&gt;") || html.contains("王&lt;b&gt;某&lt;/b&gt;")
    );
    assert!(!html.contains("<b>某"), "worker name is text");
    assert!(
        !html.contains("<script>alert(1)"),
        "raw HTML in the plan is text"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !html.contains("javascript:"),
        "a javascript link is dropped"
    );
    assert!(
        !html.contains("<img src=x"),
        "raw HTML in a visit note is text"
    );
}

#[test]
fn masked_site_never_contains_private_values() {
    let (out, written) = render(&options(true, None));
    let private = [
        WANG_PHONE,
        LI_PHONE,
        "60001234",
        LEADER_PHONE,
        WANG_ADDRESS,
        "文化路100号",
    ];
    for path in &written {
        let html = read(path);
        for value in private {
            assert!(!html.contains(value), "{value} in {}", path.display());
        }
    }
    let family = read(&out.path().join("zzu/wang.html"));
    assert!(family.contains("138****5678"));
    assert!(family.contains("郑州市金水区****"));
    let li = read(&out.path().join(format!("zzu/{ODD_ID}.html")));
    assert!(li.contains("0371-****1234"));
}

#[test]
fn unmasked_site_shows_private_values() {
    let (out, _) = render(&options(false, None));
    let family = read(&out.path().join("zzu/wang.html"));
    assert!(family.contains(WANG_PHONE));
    assert!(family.contains(WANG_ADDRESS));
    assert!(family.contains(LEADER_PHONE));
}

#[test]
fn rendering_is_deterministic() {
    let (first, first_files) = render(&options(true, None));
    let (second, second_files) = render(&options(true, None));
    assert_eq!(first_files.len(), second_files.len());
    for (left, right) in first_files.iter().zip(&second_files) {
        let relative = left.strip_prefix(first.path()).expect("under out");
        assert_eq!(
            relative,
            right.strip_prefix(second.path()).expect("under out")
        );
        assert_eq!(
            fs::read(left).ok(),
            fs::read(right).ok(),
            "{}",
            relative.display()
        );
    }
}

#[test]
fn override_replaces_built_in_template() {
    let templates = tempfile::tempdir().expect("temporary folder");
    let source = "{% extends \"base.html\" %}{% block content %}自定义 {{ family.worker.name | safe }} \
                  {{ family.household.phone }}{% endblock content %}";
    fs::write(templates.path().join("family.html"), source).expect("write override");

    let (out, _) = render(&options(true, Some(templates.path())));
    let html = read(&out.path().join("zzu/wang.html"));
    assert!(html.contains("自定义"), "{html}");
    assert!(
        !html.contains("<b>某"),
        "`safe` does not unescape record text"
    );
    assert!(html.contains("138****5678"));
    assert!(!html.contains(WANG_PHONE));
    let province = read(&out.path().join("index.html"));
    assert!(
        province.contains("各高校情况"),
        "other templates stay built in"
    );
}

#[test]
fn every_template_escapes_whatever_its_name() {
    let mut tera = new_tera();
    tera.add_raw_template(
        "x.txt",
        "{{ value }}|{{ value | safe }}|{{ value | markdown }}",
    )
    .expect("template parses");
    let mut context = Context::new();
    context.insert("value", "<i>a</i>");
    let output = tera.render("x.txt", &context).expect("template renders");
    assert_eq!(
        output,
        "&lt;i&gt;a&lt;/i&gt;|&lt;i&gt;a&lt;/i&gt;|<p>&lt;i&gt;a&lt;/i&gt;</p>\n"
    );

    tera.add_raw_template("list.txt", "{{ items | join(sep=\"、\") }}")
        .expect("template parses");
    context.insert("items", &["<b>", "&"]);
    let output = tera.render("list.txt", &context).expect("template renders");
    assert_eq!(output, "&lt;b&gt;、&amp;");
}

#[test]
fn markdown_filter_renders_none_as_nothing() {
    let mut tera = new_tera();
    tera.add_raw_template("page.html", "[{{ value | markdown }}]")
        .expect("template parses");
    let mut context = Context::new();
    context.insert("value", &None::<String>);
    let output = tera
        .render("page.html", &context)
        .expect("template renders");
    assert_eq!(output, "[]");
}

#[test]
fn unparsable_override_names_template() {
    let templates = tempfile::tempdir().expect("temporary folder");
    fs::write(templates.path().join("university.html"), "{% if %}").expect("write override");
    let fixture = Fixture::new();
    let out = tempfile::tempdir().expect("temporary folder");
    let options = options(true, Some(templates.path()));
    let error = render_site(&fixture.summary(), &options, out.path()).expect_err("parse fails");
    match error {
        Error::Template { name, message } => {
            assert_eq!(name, "university.html");
            assert!(message.contains("could not be parsed"), "{message}");
        }
        other => panic!("unexpected error {other}"),
    }
}

#[test]
fn unreadable_override_names_template() {
    let templates = tempfile::tempdir().expect("temporary folder");
    // A folder where the file should be cannot be read as text.
    fs::create_dir(templates.path().join("province.html")).expect("create folder");
    let fixture = Fixture::new();
    let out = tempfile::tempdir().expect("temporary folder");
    let options = options(true, Some(templates.path()));
    let error = render_site(&fixture.summary(), &options, out.path()).expect_err("read fails");
    match error {
        Error::Template { name, message } => {
            assert_eq!(name, "province.html");
            assert!(message.contains("could not read"), "{message}");
        }
        other => panic!("unexpected error {other}"),
    }
}

#[test]
fn render_error_names_template_and_family() {
    let templates = tempfile::tempdir().expect("temporary folder");
    fs::write(
        templates.path().join("family.html"),
        "{{ family.no_such_key }}",
    )
    .expect("write override");
    let fixture = Fixture::new();
    let out = tempfile::tempdir().expect("temporary folder");
    let options = options(true, Some(templates.path()));
    let error = render_site(&fixture.summary(), &options, out.path()).expect_err("render fails");
    let text = error.to_string();
    assert!(text.contains("family.html"), "{text}");
    assert!(text.contains("family `li #2 %`"), "{text}");
}

#[test]
fn folder_name_cannot_leave_site() {
    let mut fixture = Fixture::new();
    fixture.campaign.universities[0].folder = Some("../escape".to_owned());
    let out = tempfile::tempdir().expect("temporary folder");
    let result = render_site(&fixture.summary(), &options(true, None), out.path());
    assert!(matches!(result, Err(Error::Io { .. })), "{result:?}");
}

#[test]
fn path_segment_encoding() {
    assert_eq!(encode_path_segment("zzu"), "zzu");
    assert_eq!(
        encode_path_segment("wang-family_2.html"),
        "wang-family_2.html"
    );
    assert_eq!(encode_path_segment("a b#c%d?e"), "a%20b%23c%25d%3Fe");
    assert_eq!(encode_path_segment("../x"), "..%2Fx");
    assert_eq!(
        encode_path_segment("郑州大学"),
        "%E9%83%91%E5%B7%9E%E5%A4%A7%E5%AD%A6"
    );
    assert_eq!(encode_path_segment(""), "");
}

/// Returns a warning of `check` about line 1 of `path`.
fn warning_about(check: diagnostic::Check, path: &str) -> Diagnostic {
    Diagnostic::new(
        check,
        path,
        "",
        crate::diagnostic::Text::new("测试警告", "test warning"),
        crate::diagnostic::Text::new("测试提示", "test hint"),
    )
    .at(
        Position { line: 1, column: 1 },
        Position { line: 1, column: 2 },
    )
}

#[test]
fn team_warning_links_to_team_row() {
    let mut fixture = Fixture::new();
    let team_path = "records/zzu/teams/team-01.yaml";
    fixture
        .diagnostics
        .push(warning_about(diagnostic::TEAM_SIZE, team_path));
    let out = tempfile::tempdir().expect("temporary folder");
    render_site(&fixture.summary(), &options(true, None), out.path()).expect("site renders");
    let document = Html::parse_document(&read(&out.path().join("zzu/index.html")));

    let hrefs: Vec<&str> = select(&document, "table.warnings a")
        .iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert!(
        hrefs.contains(&"../zzu/index.html#team-team-01"),
        "{hrefs:?}"
    );
    assert_eq!(select(&document, "table.teams tr#team-team-01").len(), 1);
}

#[test]
fn status_page_lists_warnings_by_university() {
    let mut fixture = Fixture::new();
    fixture
        .diagnostics
        .push(warning_about(diagnostic::FULL_WIDTH, "campaign.yaml"));
    let out = tempfile::tempdir().expect("temporary folder");
    let written =
        render_site(&fixture.summary(), &options(true, None), out.path()).expect("site renders");
    assert!(written.iter().any(|written| written.file == "status.html"));
    let document = Html::parse_document(&read(&out.path().join("status.html")));

    let sections = select(&document, "section.university-warnings");
    assert_eq!(sections.len(), 2, "郑州大学 and the other files");
    let heading = text(&select(&document, "section.university-warnings h2")[0]);
    assert_eq!(heading, "郑州大学（1 条）");
    let links: Vec<&str> = select(&document, "section.university-warnings td a")
        .iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert_eq!(links, ["zzu/li%20%232%20%25.html"]);
    let other = text(&select(&document, "section#other-files, #other-files")[0]);
    assert!(other.contains("其他文件"), "{other}");
    let other_location = text(&select(&document, "section:last-of-type td.location")[0]);
    assert_eq!(other_location, "campaign.yaml:1");
}

#[test]
fn overview_links_status_page() {
    let (out, _) = render(&options(true, None));
    let document = Html::parse_document(&read(&out.path().join("index.html")));
    let hrefs: Vec<&str> = select(&document, "a")
        .iter()
        .filter_map(|a| a.attr("href"))
        .collect();
    assert!(hrefs.contains(&"status.html"), "{hrefs:?}");
}

#[test]
fn overview_charts_show_universities_and_deadlines() {
    let (out, _) = render(&options(true, None));
    let document = Html::parse_document(&read(&out.path().join("index.html")));

    let labels: Vec<String> = select(&document, "#universities-chart text.label")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        labels,
        [
            "郑州大学",
            "河南大学",
            "河南理工大学",
            "河南中医药大学",
            "新乡医学院",
            "测试 大学"
        ]
    );
    let values: Vec<String> = select(&document, "#universities-chart text.value")
        .iter()
        .map(text)
        .collect();
    assert_eq!(values, ["2", "0", "0", "0", "0", "1"]);

    let segments: Vec<String> = select(&document, "#deadline-chart text.value")
        .iter()
        .map(text)
        .collect();
    assert_eq!(segments, ["逾期 6"]);
    assert_eq!(select(&document, "#deadline-chart title").len(), 1);
    assert_eq!(select(&document, "#deadline-chart desc").len(), 1);
}

#[test]
fn family_context_matches_serialized_page() {
    let fixture = Fixture::new();
    let summary = fixture.summary();
    let mut with_team = 0;
    let mut without_team = 0;
    for masked in [true, false] {
        let options = options(masked, None);
        for university in &summary.universities {
            let teams = view::team_views(university, &options);
            let shared = view::family_shared(&summary, university, &options, &teams);
            let context = shared.context().expect("shared values convert");
            for report in &university.families {
                let fast = view::family_context(&context, report, &options)
                    .expect("family context builds");
                let plain = view::family_context_serialized(&shared, university, report, &options)
                    .expect("family page serializes");
                assert_eq!(fast, plain, "{}", report.family.source.id);
                match report.team {
                    Some(_) => with_team += 1,
                    None => without_team += 1,
                }
            }
        }
    }
    assert!(with_team > 0, "no family with a team was checked");
    assert!(without_team > 0, "no family without a team was checked");
}

#[test]
fn escape_writes_five_entities() {
    let mut tera = new_tera();
    tera.add_raw_template("page.html", "{{ value }}")
        .expect("template parses");
    let mut context = Context::new();
    context.insert("value", "a&b<c>d\"e'f 中文");
    let output = tera
        .render("page.html", &context)
        .expect("template renders");
    assert_eq!(output, "a&amp;b&lt;c&gt;d&quot;e&#39;f 中文");
}
