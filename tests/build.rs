//! The output folder: a build replaces it as a whole, but only when it was
//! written by the last build and nothing was added to it since.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use std::fs;

use common::{AS_OF, Fixture, WANG};

const BUILD: &[&str] = &["build", "--as-of", AS_OF];

fn snapshot(run: &common::Run) -> Vec<(String, Vec<u8>)> {
    let site = run.path("site");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&site)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.expect("site is readable"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let name = entry
                .path()
                .strip_prefix(&site)
                .unwrap()
                .display()
                .to_string();
            (name, fs::read(entry.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn rebuild_replaces_own_site() {
    let first = Fixture::base().run(BUILD);
    assert_eq!(first.status, 0, "{}", first.stderr);

    let second = first.again(BUILD);
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert!(second.path("site/index.html").is_file());
}

#[test]
fn rebuild_keeps_file_added_by_hand() {
    let first = Fixture::base().run(BUILD);
    assert_eq!(first.status, 0, "{}", first.stderr);
    fs::write(first.path("site/notes.txt"), "会议记录").unwrap();
    let before = snapshot(&first);

    let second = first.again(BUILD);
    assert_eq!(second.status, 2, "{}", second.stderr);
    assert!(second.stderr.contains("notes.txt"), "{}", second.stderr);
    assert!(second.stderr.contains("--force"), "{}", second.stderr);
    assert_eq!(snapshot(&second), before);
}

#[test]
fn force_replaces_site_with_added_file() {
    let first = Fixture::base().run(BUILD);
    fs::write(first.path("site/notes.txt"), "会议记录").unwrap();

    let forced = first.again(&["build", "--as-of", AS_OF, "--force"]);
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    assert!(!forced.path("site/notes.txt").exists());
}

#[test]
fn refuses_folder_not_written_by_tool() {
    let run = Fixture::base().file("site/report.docx", "draft").run(BUILD);

    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("did not write"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(run.path("site/report.docx")).unwrap(),
        "draft"
    );
}

#[test]
fn failed_build_leaves_previous_site() {
    let first = Fixture::base().run(BUILD);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let before = snapshot(&first);
    let wang = first.path(WANG);
    let text = fs::read_to_string(&wang)
        .unwrap()
        .replace("  gender: 女", "  gender: 未知");
    fs::write(&wang, text).unwrap();

    let second = first.again(BUILD);
    assert_eq!(second.status, 1, "{}", second.stderr);
    assert_eq!(snapshot(&second), before);
    let leftovers: Vec<String> = fs::read_dir(second.dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("staging") || name.contains("previous"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
