//! Checks of the built sample site as a whole: every page is valid HTML
//! for the W3C Nu validator, two builds are byte-identical, and the status
//! page lists exactly the warnings of `check --format json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{ElementRef, Html, Selector};
use serde::Deserialize;
use walkdir::WalkDir;

/// Build date for the sample, the same as the campaign file's `as_of`.
const AS_OF: &str = "2020-03-10";

/// Where `.ci/run` installs vnu.jar, relative to the repository.
const INSTALLED_VNU_JAR: &str = ".ci/node/node_modules/vnu-jar/build/dist/vnu.jar";

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the repository with Chinese messages, as the pages show them.
fn shoulashou(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shoulashou"))
        .current_dir(repository())
        .args(arguments)
        .args(["--lang", "zh"])
        .env("NO_COLOR", "1")
        .output()
        .expect("the shoulashou binary runs")
}

/// Builds the sample campaign into `out`, which must not exist yet.
fn build_sample(out: &Path) {
    let out_text = out.to_str().expect("temporary paths are UTF-8");
    let output = shoulashou(&["build", "--as-of", AS_OF, "--out", out_text]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Returns every file under `root`, relative to it, with its bytes.
fn files_under(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    WalkDir::new(root)
        .into_iter()
        .map(|entry| entry.expect("the site is readable"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(root)
                .expect("walkdir yields paths under its root")
                .to_path_buf();
            let bytes = std::fs::read(entry.path()).expect("a site file is readable");
            (relative, bytes)
        })
        .collect()
}

#[test]
fn two_builds_are_byte_identical() {
    let temporary = tempfile::tempdir().unwrap();
    let first = temporary.path().join("first");
    let second = temporary.path().join("second");
    build_sample(&first);
    build_sample(&second);

    let first_files = files_under(&first);
    let second_files = files_under(&second);
    let first_names: Vec<&PathBuf> = first_files.keys().collect();
    let second_names: Vec<&PathBuf> = second_files.keys().collect();
    assert_eq!(first_names, second_names);
    assert!(
        first_names
            .iter()
            .any(|name| name.extension().is_some_and(|ext| ext == "xlsx")),
        "the comparison covers the workbooks"
    );
    for (name, bytes) in &first_files {
        assert!(
            *bytes == second_files[name],
            "{} differs between two builds",
            name.display()
        );
    }
}

/// One diagnostic of `check --format json`.
#[derive(Debug, Deserialize)]
struct JsonDiagnostic {
    code: String,
    severity: String,
    file: String,
    line: usize,
    message: String,
    hint: String,
}

#[derive(Debug, Deserialize)]
struct JsonReport {
    diagnostics: Vec<JsonDiagnostic>,
}

/// One row of a warnings table on the status page.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ShownWarning {
    code: String,
    location: String,
    message: String,
    hint: String,
}

fn select<'a>(element: ElementRef<'a>, selector: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(selector).expect("a valid selector");
    element.select(&selector).collect()
}

fn text(element: ElementRef) -> String {
    element.text().collect::<String>().trim().to_owned()
}

#[test]
fn status_page_lists_every_warning() {
    let output = shoulashou(&["check", "--as-of", AS_OF, "--format", "json"]);
    let report: JsonReport = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let mut expected: Vec<ShownWarning> = report
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == "warning")
        .map(|diagnostic| ShownWarning {
            code: diagnostic.code.clone(),
            location: format!("{}:{}", diagnostic.file, diagnostic.line),
            message: diagnostic.message.clone(),
            hint: diagnostic.hint.clone(),
        })
        .collect();
    expected.sort();
    assert!(!expected.is_empty(), "the sample has warnings");

    let temporary = tempfile::tempdir().unwrap();
    let site = temporary.path().join("site");
    build_sample(&site);
    let page = Html::parse_document(&std::fs::read_to_string(site.join("status.html")).unwrap());
    let mut shown: Vec<ShownWarning> = select(page.root_element(), "table.warnings tbody tr")
        .into_iter()
        .map(|row| {
            let cells = select(row, "td");
            // The problem cell is the message, a line break, then the hint.
            let problem: Vec<&str> = cells[1].text().map(str::trim).collect();
            ShownWarning {
                code: text(cells[0]),
                location: text(cells[2]),
                message: problem[0].to_owned(),
                hint: problem.get(1).copied().unwrap_or_default().to_owned(),
            }
        })
        .collect();
    shown.sort();
    assert_eq!(shown, expected);
}

#[test]
fn status_page_links_each_warning_to_its_record() {
    let temporary = tempfile::tempdir().unwrap();
    let site = temporary.path().join("site");
    build_sample(&site);
    let page = Html::parse_document(&std::fs::read_to_string(site.join("status.html")).unwrap());

    for link in select(page.root_element(), "table.warnings td.location a") {
        let href = link.attr("href").expect("a link has an href");
        let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
        let target = site.join(file);
        assert!(target.is_file(), "{href} points to no page");
        if !fragment.is_empty() {
            let html = std::fs::read_to_string(&target).unwrap();
            assert!(
                html.contains(&format!("id=\"{fragment}\"")),
                "{href} points to no element"
            );
        }
    }
    let location = |ending: &str| {
        select(page.root_element(), "table.warnings td.location a")
            .into_iter()
            .find(|link| text(*link).starts_with(ending))
            .and_then(|link| link.attr("href").map(str::to_owned))
    };
    assert_eq!(
        location("records/hpu/wu-family.yaml").as_deref(),
        Some("hpu/wu-family.html")
    );
    assert_eq!(
        location("records/htu/teams/team-01.yaml").as_deref(),
        Some("htu/index.html#team-team-01")
    );
}

/// Returns the path of vnu.jar: `VNU_JAR`, else the copy `.ci/run` installs.
fn vnu_jar() -> Option<PathBuf> {
    let from_environment = std::env::var_os("VNU_JAR").map(PathBuf::from);
    let installed = repository().join(INSTALLED_VNU_JAR);
    from_environment
        .into_iter()
        .chain([installed])
        .find(|path| path.is_file())
}

/// One message of the validator's JSON output.
#[derive(Debug, Deserialize)]
struct VnuMessage {
    #[serde(rename = "type")]
    kind: String,
    url: Option<String>,
    #[serde(rename = "lastLine")]
    last_line: Option<u64>,
    message: String,
}

#[derive(Debug, Deserialize)]
struct VnuReport {
    messages: Vec<VnuMessage>,
}

#[test]
fn every_page_passes_the_nu_validator() {
    // NOTE: without vnu.jar or java this test passes without checking
    // anything. .ci/run installs the jar and sets VNU_JAR, so CI checks.
    let Some(jar) = vnu_jar() else {
        eprintln!("vnu.jar not found: set VNU_JAR; the HTML was not validated");
        return;
    };
    let temporary = tempfile::tempdir().unwrap();
    let site = temporary.path().join("site");
    build_sample(&site);

    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--skip-non-html", "--also-check-svg", "--format", "json"])
        .arg(&site)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            eprintln!("java could not run ({error}); the HTML was not validated");
            return;
        }
    };
    // The validator writes its JSON report to stderr.
    let report: VnuReport = serde_json::from_slice(&output.stderr).unwrap_or_else(|error| {
        panic!(
            "the validator's output is not JSON ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let errors: Vec<String> = report
        .messages
        .iter()
        .filter(|message| message.kind == "error" || message.kind == "non-document-error")
        .map(|message| {
            format!(
                "{}:{}: {}",
                message.url.as_deref().unwrap_or("?"),
                message.last_line.unwrap_or(0),
                message.message
            )
        })
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let pages = WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "html"))
        .count();
    assert!(pages >= 20, "only {pages} pages were built");
}
