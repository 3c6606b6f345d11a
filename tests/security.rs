//! Security guarantees, checked against the real binary. The output folder
//! never replaces the inputs, and output names and links stay inside the site.
//! Record text never runs as markup or formulas. Private values stay out of
//! masked pages and all workbooks. Hostile YAML ends in a diagnostic.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx, open_workbook};
use scraper::{Html, Selector};
use walkdir::WalkDir;

use common::{AS_OF, CAMPAIGN, Fixture, LI, Run, SUN, WANG, ZHANG, ZHAO};

const BUILD: &[&str] = &["build", "--as-of", AS_OF];

/// The sheet name of every Attachment 2 workbook.
const SHEET: &str = "信息汇总表";

/// A hostile file must be rejected well within this time. It only catches
/// runaway parsing, so it is far above what these runs take.
const HOSTILE_TIME_LIMIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------
// Helpers

/// Returns every file under `dir`, sorted, as (path relative to `dir`, bytes).
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.expect("the folder is readable"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap();
            let relative = relative.display().to_string();
            (relative, fs::read(entry.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Returns the text of every part of the site: each HTML page and each
/// member of each workbook, unzipped, named `book.xlsx!xl/worksheets/sheet1.xml`.
fn site_texts(site: &Path) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for (name, bytes) in files_under(site) {
        if name.ends_with(".xlsx") {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
                .unwrap_or_else(|error| panic!("{name} is not a zip archive: {error}"));
            for index in 0..archive.len() {
                let mut member = archive.by_index(index).unwrap();
                let part = format!("{name}!{}", member.name().unwrap());
                let mut text = String::new();
                member
                    .read_to_string(&mut text)
                    .unwrap_or_else(|error| panic!("{part} is not text: {error}"));
                texts.push((part, text));
            }
        } else {
            let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
            texts.push((name, text));
        }
    }
    texts
}

/// Returns the first Chinese mobile number in `text`: `1[3-9]` and nine more digits.
fn find_mobile(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(10)).find_map(|start| {
        let candidate = &bytes[start..start + 11];
        let shaped = candidate[0] == b'1'
            && (b'3'..=b'9').contains(&candidate[1])
            && candidate.iter().all(u8::is_ascii_digit);
        shaped.then(|| &text[start..start + 11])
    })
}

/// Returns the first landline number in `text`: `0`, two or three more digits
/// of area code, an optional hyphen, then seven or eight digits.
fn find_landline(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let digits_at = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    };
    for start in 0..bytes.len() {
        if bytes[start] != b'0' {
            continue;
        }
        for area in [3, 4] {
            if digits_at(start) < area {
                continue;
            }
            let mut number = start + area;
            if bytes.get(number) == Some(&b'-') {
                number += 1;
            }
            if digits_at(number) >= 7 {
                return Some(&text[start..number + 7]);
            }
        }
    }
    None
}

/// Returns the value of every `key:` line of a fixture file, unquoted.
fn values_of(fixture: &Fixture, path: &str, key: &str) -> Vec<String> {
    fixture
        .text(path)
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix(key))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .collect()
}

/// Decodes `%XX` escapes of a URL path into text.
fn percent_decode(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
            decoded.push(u8::from_str_radix(hex, 16).expect("a %XX escape has two hex digits"));
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).expect("a decoded link is UTF-8")
}

/// Returns the pages of a site with their parsed HTML.
fn pages(site: &Path) -> Vec<(PathBuf, Html)> {
    WalkDir::new(site)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "html"))
        .map(|path| {
            let html = Html::parse_document(&fs::read_to_string(&path).unwrap());
            (path, html)
        })
        .collect()
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn workbooks(site: &Path) -> Vec<PathBuf> {
    WalkDir::new(site)
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "xlsx"))
        .collect()
}

/// Asserts that a build succeeded, showing stderr when it did not.
fn assert_built(run: &Run) {
    assert_eq!(run.status, 0, "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// The output folder never replaces the inputs

#[test]
fn out_overlapping_inputs_is_rejected() {
    let fixture = Fixture::base().file("templates/README.md", "local templates\n");
    let before = fixture.run(&["check", "--as-of", AS_OF]);
    let inputs = files_under(before.dir.path());
    for out in [
        "records",
        "records/zzu",
        "./records/../records",
        "missing/../records",
        "missing/deeper/../../records/zzu",
        "templates",
        // `..` would also be rejected, but a regression would then replace
        // the system's temporary folder, so the test stops at `.`.
        ".",
        "campaign.yaml",
        "missing/../campaign.yaml",
    ] {
        for force in [false, true] {
            let mut arguments = vec!["build", "--as-of", AS_OF, "--out", out];
            if force {
                arguments.push("--force");
            }
            let run = fixture.run(&arguments);
            assert_eq!(run.status, 2, "--out {out} (force {force}): {}", run.stderr);
            assert!(
                run.stderr.contains("overlaps"),
                "--out {out} (force {force}): {}",
                run.stderr
            );
            assert_eq!(
                files_under(run.dir.path()),
                inputs,
                "--out {out} (force {force}) changed the campaign folder"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn out_linked_to_records_is_rejected() {
    let first = Fixture::base().run(&["check", "--as-of", AS_OF]);
    std::os::unix::fs::symlink("records", first.path("site")).unwrap();
    let inputs = files_under(&first.path("records"));

    let run = first.again(&["build", "--as-of", AS_OF, "--force"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("overlaps"), "{}", run.stderr);
    assert_eq!(files_under(&run.path("records")), inputs);
}

#[test]
fn build_leaves_inputs_unchanged() {
    let fixture = Fixture::base()
        .file("templates/README.md", "local templates\n")
        .replace(WANG, "name: 王某某", "name: \"=1+1\"");
    let first = fixture.run(&["check", "--as-of", AS_OF]);
    let inputs = files_under(first.dir.path());

    let built = first.again(BUILD);
    assert_built(&built);
    let rebuilt = built.again(BUILD);
    assert_built(&rebuilt);
    // The site and its spare copy, the site before the last build, are outputs.
    let after: Vec<(String, Vec<u8>)> = files_under(rebuilt.dir.path())
        .into_iter()
        .filter(|(name, _)| !name.starts_with("site/") && !name.starts_with(".site.previous/"))
        .collect();
    assert_eq!(after, inputs);
}

// ---------------------------------------------------------------------------
// Output names and links

#[test]
fn rejects_windows_device_names() {
    for name in ["CON", "nul", "Com1", "LPT9.backup", "aux"] {
        let run = Fixture::base()
            .rename(LI, &format!("records/zzu/{name}.yaml"))
            .check();
        let codes = run.codes();
        assert!(
            codes.contains(&"E024".to_owned()),
            "{name}.yaml gives {codes:?}\n{}",
            run.stderr
        );
        assert_eq!(run.status, 1, "{name}.yaml");
    }
}

#[test]
fn rejects_unusable_campaign_folders() {
    let cases = [
        ("..", "E024"),
        (".", "E024"),
        ("a/b", "E024"),
        ("a\\\\b", "E024"),
        ("NUL", "E024"),
        ("x:y", "E024"),
        ("end.", "E024"),
        // Control characters are already rejected as text, before names are checked.
        ("x\\u0001y", "E002"),
    ];
    for (folder, code) in cases {
        let run = Fixture::base()
            .replace(CAMPAIGN, "folder: zzu", &format!("folder: \"{folder}\""))
            .check();
        let codes = run.codes();
        assert!(
            codes.contains(&code.to_owned()),
            "folder {folder} gives {codes:?}, expected {code}\n{}",
            run.stderr
        );
        assert_eq!(run.status, 1, "folder {folder}");
    }
}

#[test]
fn unusual_names_give_working_links() {
    let family = "王 家#1%20 100%";
    let folder = "郑 大#%";
    let run = Fixture::base()
        .replace(CAMPAIGN, "folder: zzu", &format!("folder: \"{folder}\""))
        .rename(WANG, &format!("records/zzu/{family}.yaml"))
        .rename(LI, "records/zzu/李家 ＃二.yaml")
        .run(BUILD);
    assert_built(&run);
    let site = run.path("site");
    let expected_page = site.join(folder).join(format!("{family}.html"));
    assert!(
        expected_page.is_file(),
        "{} is missing",
        expected_page.display()
    );

    let mut targets = BTreeSet::new();
    for (page, html) in pages(&site) {
        for link in html.select(&selector("a[href]")) {
            let href = link.value().attr("href").unwrap();
            if href.contains(':') || href.starts_with('#') {
                continue;
            }
            let path = href.split('#').next().unwrap();
            let decoded = percent_decode(path);
            let target = page.parent().unwrap().join(&decoded);
            assert!(
                target.exists(),
                "{} links to {href}, decoded {decoded}, which does not exist",
                page.display()
            );
            targets.insert(target.canonicalize().unwrap());
        }
    }
    assert!(
        targets.contains(&expected_page.canonicalize().unwrap()),
        "no link reaches {}; links: {targets:?}",
        expected_page.display()
    );
    assert!(
        targets.contains(&site.join(folder).join("index.html").canonicalize().unwrap()),
        "no link reaches the folder {folder}; links: {targets:?}"
    );
}

#[cfg(unix)]
#[test]
fn linked_records_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let base = Fixture::base();
    let stranger = base.text(WANG).replace("王某某", "外人");
    fs::write(outside.path().join("stranger.yaml"), &stranger).unwrap();
    fs::create_dir(outside.path().join("folder")).unwrap();
    fs::write(outside.path().join("folder/other.yaml"), &stranger).unwrap();

    let first = base.check();
    let records = first.report().records;
    std::os::unix::fs::symlink(
        outside.path().join("stranger.yaml"),
        first.path("records/zzu/stranger.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("folder"),
        first.path("records/zzu/linked"),
    )
    .unwrap();

    let run = first.again(&["check", "--as-of", AS_OF, "--format", "json"]);
    let report = run.report();
    assert_eq!(report.records, records, "{}", run.stdout);
    assert_eq!(report.errors, 0, "{}", run.stdout);
    let built = run.again(BUILD);
    assert_built(&built);
    for (name, text) in site_texts(&built.path("site")) {
        assert!(!text.contains("外人"), "{name} shows a linked record");
    }
}

// ---------------------------------------------------------------------------
// Record text is shown, never run

#[test]
fn markup_in_records_stays_text() {
    let clean = Fixture::base().run(BUILD);
    assert_built(&clean);
    let scripts_in_templates: usize = pages(&clean.path("site"))
        .iter()
        .map(|(_, html)| html.select(&selector("script")).count())
        .sum();

    let plan = "plan: |\n  <script>alert(1)</script>\n  <img src=x onerror=alert(2)>\n  \
        [a](javascript:alert(3)) [b](//evil.example/x) [c](JaVaScRiPt:alert(4))\n  \
        ![d](data:text/html,hi) <a href=\"javascript:alert(5)\">e</a>\n";
    let run = Fixture::base()
        .replace(WANG, "name: 王某某", "name: \"<script>alert(0)</script>\"")
        .replace(
            WANG,
            "plan: |\n  每周两次线上辅导数学，每周一次电话问候老人。\n",
            plan,
        )
        .run(BUILD);
    assert_built(&run);

    let site = run.path("site");
    let mut scripts = 0;
    for (page, html) in pages(&site) {
        scripts += html.select(&selector("script")).count();
        for element in html.select(&selector("*")) {
            for (name, value) in element.value().attrs() {
                let value = value.trim().to_ascii_lowercase();
                assert!(
                    !name.starts_with("on"),
                    "{} has an event attribute {name}",
                    page.display()
                );
                if name == "href" || name == "src" {
                    assert!(
                        !value.starts_with("javascript:")
                            && !value.starts_with("data:")
                            && !value.starts_with("//"),
                        "{} links to {value}",
                        page.display()
                    );
                }
            }
        }
    }
    assert_eq!(
        scripts, scripts_in_templates,
        "record text added script elements"
    );
    let family = fs::read_to_string(site.join("zzu/wang.html")).unwrap();
    let text: String = Html::parse_document(&family)
        .root_element()
        .text()
        .collect();
    assert!(
        text.contains("<script>alert(0)</script>"),
        "the name is shown as text"
    );
    assert!(
        text.contains("<img src=x onerror=alert(2)>"),
        "the plan is shown as text"
    );
}

#[test]
fn formula_like_names_stay_text_cells() {
    let names = ["=1+1", "@SUM(A1)", "+1", "-2+3", "=HYPERLINK(\"http://x\")"];
    let run = Fixture::base()
        .replace(WANG, "name: 王某某", "name: \"=1+1\"")
        .replace(LI, "name: 李某某", "name: \"@SUM(A1)\"")
        .replace(ZHANG, "name: 张某某", "name: \"+1\"")
        .replace(ZHAO, "name: 赵某某", "name: \"-2+3\"")
        .replace(
            SUN,
            "name: 孙某某",
            "name: \"=HYPERLINK(\\\"http://x\\\")\"",
        )
        .run(BUILD);
    assert_built(&run);

    let site = run.path("site");
    let province = site.join("附件2-信息汇总表-全省.xlsx");
    let mut workbook: Xlsx<_> = open_workbook(&province).unwrap();
    let sheet = workbook.worksheet_range(SHEET).unwrap();
    let cells: Vec<&Data> = sheet.cells().map(|(_, _, cell)| cell).collect();
    for name in names {
        assert!(
            cells.contains(&&Data::String(name.to_owned())),
            "{name} is not a text cell: {cells:?}"
        );
    }
    for book in workbooks(&site) {
        let mut workbook: Xlsx<_> = open_workbook(&book).unwrap();
        let formulas = workbook.worksheet_formula(SHEET).unwrap();
        let written: Vec<&String> = formulas
            .cells()
            .map(|(_, _, formula)| formula)
            .filter(|formula| !formula.is_empty())
            .collect();
        assert!(
            written.is_empty(),
            "{} has formulas {written:?}",
            book.display()
        );
    }
    for (name, text) in site_texts(&site) {
        if name.contains("!xl/worksheets/") {
            assert!(
                !text.contains("<f>") && !text.contains("<f "),
                "{name} contains a formula element"
            );
        }
    }
}

#[test]
fn overlong_cell_text_names_record() {
    let long_name = "王".repeat(40_000);
    let first = Fixture::base().run(BUILD);
    assert_built(&first);
    let site_before = files_under(&first.path("site"));
    let wang = first.path(WANG);
    let text = fs::read_to_string(&wang)
        .unwrap()
        .replace("name: 王某某", &format!("name: {long_name}"));
    fs::write(&wang, text).unwrap();

    let run = first.again(BUILD);
    // The check finds it as E026, so the build stops before writing anything.
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("E026"), "{}", run.stderr);
    assert!(run.stderr.contains("wang"), "{}", run.stderr);
    assert!(
        run.stderr.contains("32767") || run.stderr.contains("32,767"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(files_under(&run.path("site")), site_before);
}

#[test]
fn every_workbook_has_one_fixed_sheet() {
    let title = "手拉手[志愿]服务:*?/\\".repeat(12);
    let run = Fixture::base()
        .replace(
            CAMPAIGN,
            "title: 与抗疫一线医务人员家庭手拉手专项志愿服务",
            &format!("title: \"{}\"", title.replace('\\', "\\\\")),
        )
        .run(BUILD);
    assert_built(&run);
    let books = workbooks(&run.path("site"));
    assert_eq!(books.len(), 3, "{books:?}");
    for book in books {
        let workbook: Xlsx<_> = open_workbook(&book).unwrap();
        assert_eq!(
            workbook.sheet_names(),
            vec![SHEET.to_owned()],
            "{}",
            book.display()
        );
    }
}

// ---------------------------------------------------------------------------
// Private values

/// Builds `fixture` and asserts that no part of the site contains a phone
/// number or one of `addresses`.
fn assert_site_private(fixture: &Fixture, addresses: &[String]) {
    let run = fixture.run(BUILD);
    assert_built(&run);
    let texts = site_texts(&run.path("site"));
    assert!(
        texts
            .iter()
            .any(|(name, _)| name.ends_with(".xlsx!xl/worksheets/sheet1.xml")),
        "the workbooks were unzipped: {:?}",
        texts.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    for (name, text) in &texts {
        assert_eq!(find_mobile(text), None, "{name} contains a mobile number");
        assert_eq!(
            find_landline(text),
            None,
            "{name} contains a landline number"
        );
        for address in addresses {
            assert!(
                !text.contains(address.as_str()),
                "{name} contains {address}"
            );
        }
    }
}

fn base_addresses(fixture: &Fixture) -> Vec<String> {
    let families = [WANG, LI, ZHANG, ZHAO, SUN];
    let addresses: Vec<String> = families
        .iter()
        .flat_map(|path| values_of(fixture, path, "address:"))
        .collect();
    assert_eq!(addresses.len(), families.len());
    addresses
}

#[test]
fn masked_site_has_no_phone_or_address() {
    let fixture = Fixture::base();
    let addresses = base_addresses(&fixture);
    assert_site_private(&fixture, &addresses);
}

#[test]
fn sample_site_has_no_phone_or_address() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixture = Fixture::empty().file(
        CAMPAIGN,
        &fs::read_to_string(repository.join("campaign.yaml")).unwrap(),
    );
    let mut addresses = Vec::new();
    for entry in WalkDir::new(repository.join("records")) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|ext| ext != "yaml") {
            continue;
        }
        let relative = path.strip_prefix(repository).unwrap().display().to_string();
        fixture = fixture.file(&relative, &fs::read_to_string(&path).unwrap());
        addresses.extend(values_of(&fixture, &relative, "address:"));
    }
    assert!(
        addresses.len() >= 10,
        "the sample has addresses: {addresses:?}"
    );
    assert_site_private(&fixture, &addresses);
}

#[test]
fn unmasked_family_page_shows_phone() {
    let fixture = Fixture::base();
    let addresses = base_addresses(&fixture);
    let run = fixture.run(&["build", "--as-of", AS_OF, "--unmasked"]);
    assert_built(&run);

    let wang = fs::read_to_string(run.path("site/zzu/wang.html")).unwrap();
    assert_eq!(find_mobile(&wang), Some("13800000000"));
    assert!(wang.contains(&addresses[0]), "wang.html shows its address");
    let li = fs::read_to_string(run.path("site/zzu/li.html")).unwrap();
    assert!(find_landline(&li).is_some(), "li.html shows its landline");
    for (part, text) in site_texts(&run.path("site")) {
        if part.contains(".xlsx!") {
            assert_eq!(find_mobile(&text), None, "{part} contains a mobile number");
            assert_eq!(
                find_landline(&text),
                None,
                "{part} contains a landline number"
            );
            for address in &addresses {
                assert!(
                    !text.contains(address.as_str()),
                    "{part} contains {address}"
                );
            }
        }
    }
}

#[test]
fn phone_patterns_match_masked_forms_only() {
    assert_eq!(find_mobile("电话 13800000000。"), Some("13800000000"));
    assert_eq!(find_mobile("138****0000"), None);
    assert_eq!(find_mobile("12800000000"), None);
    assert_eq!(find_landline("0371-60000000"), Some("0371-6000000"));
    assert_eq!(find_landline("037860000000"), Some("0378600000"));
    assert_eq!(find_landline("0371-****0000"), None);
    assert_eq!(find_landline("2020-02-17"), None);
}

#[test]
fn every_page_asks_not_to_be_indexed() {
    let run = Fixture::base().run(BUILD);
    assert_built(&run);
    let pages = pages(&run.path("site"));
    // The overview, the status page, two university pages and five families.
    assert_eq!(pages.len(), 9);
    for (page, html) in pages {
        let robots: Vec<&str> = html
            .select(&selector("meta[name=robots]"))
            .filter_map(|meta| meta.value().attr("content"))
            .collect();
        assert_eq!(robots, vec!["noindex, nofollow"], "{}", page.display());
    }
}

// ---------------------------------------------------------------------------
// Hostile YAML

/// Runs `check` on a campaign whose WANG file was replaced by `write`, and
/// asserts error `code` about that file, exit status 1 (records invalid), no
/// panic and no runaway time.
fn assert_rejected(case: &str, code: &str, write: impl FnOnce(&Path)) {
    let first = Fixture::base().run(&["check", "--as-of", AS_OF]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    write(&first.path(WANG));

    let started = Instant::now();
    let run = first.again(&["check", "--as-of", AS_OF]);
    let elapsed = started.elapsed();
    assert_eq!(run.status, 1, "{case}: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{case}: {}", run.stderr);
    assert!(!run.stderr.contains('\0'), "{case} printed a raw NUL byte");
    assert!(
        run.stderr.contains(&format!("error[{code}]")),
        "{case}: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(WANG),
        "{case} names the file: {}",
        run.stderr
    );
    assert!(elapsed < HOSTILE_TIME_LIMIT, "{case} took {elapsed:?}");
}

#[test]
fn rejects_alias_bomb() {
    // Nine levels of nine references to a list of six strings: 6 * 9^9,
    // about 2.3 billion strings once every alias is expanded.
    let mut bomb = String::from("a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    let mut previous = 'a';
    for letter in 'b'..='j' {
        let references = vec![format!("*{previous}"); 9].join(", ");
        bomb.push_str(&format!("{letter}: &{letter} [{references}]\n"));
        previous = letter;
    }
    bomb.push_str("university: 郑州大学\n");
    assert_rejected("alias bomb", "E001", |path| fs::write(path, &bomb).unwrap());
}

#[test]
fn rejects_ten_thousand_levels() {
    let flow = format!("plan: {}x{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_rejected("flow nesting", "E025", |path| {
        fs::write(path, &flow).unwrap()
    });

    let mixed = format!("plan: {}x\n", "[{a: ".repeat(5_000));
    assert_rejected("unclosed mixed nesting", "E025", |path| {
        fs::write(path, &mixed).unwrap()
    });

    let block = format!("plan: \n{}x\n", "- ".repeat(10_000));
    assert_rejected("block sequence nesting", "E001", |path| {
        fs::write(path, &block).unwrap()
    });

    let keys = format!("plan:\n{}x\n", "? ".repeat(10_000));
    assert_rejected("complex key nesting", "E001", |path| {
        fs::write(path, &keys).unwrap()
    });
}

#[test]
fn rejects_hundred_megabyte_file() {
    assert_rejected("100 MB file", "E025", |path| {
        let mut file = std::io::BufWriter::new(fs::File::create(path).unwrap());
        file.write_all("university: 郑州大学\nplan: ".as_bytes())
            .unwrap();
        let mebibyte = [b'x'; 1 << 20];
        for _ in 0..100 {
            file.write_all(&mebibyte).unwrap();
        }
        file.write_all(b"\n").unwrap();
    });
}

#[test]
fn rejects_file_of_nul_bytes() {
    assert_rejected("NUL bytes", "E001", |path| {
        fs::write(path, vec![0u8; 4096]).unwrap()
    });
}

#[test]
fn rejects_empty_file() {
    assert_rejected("empty file", "E002", |path| fs::write(path, "").unwrap());
    assert_rejected("comment only", "E002", |path| {
        fs::write(path, "\n\n# only a comment\n").unwrap()
    });
}

#[test]
fn many_errors_on_one_line_print_quickly() {
    // 20,000 invalid service codes on one 40 KB line took about 130 s on a
    // debug build when each diagnostic split the whole line again.
    let codes = vec!["9"; 20_000].join(",");
    let needs = format!("needs: [{codes}]");
    let first = Fixture::base()
        .replace(WANG, "needs: [1, 2, 3]", &needs)
        .run(&["check", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(first.report().errors, 20_000, "{}", first.stderr);

    let started = Instant::now();
    let run = first.again(&["check", "--as-of", AS_OF]);
    let elapsed = started.elapsed();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(run.stderr.matches("error[E011]").count(), 20_000);
    assert!(elapsed < HOSTILE_TIME_LIMIT, "printing took {elapsed:?}");
}
