//! Runs the real binary on campaigns from the project's generator: a few
//! hundred valid families must build, and every error put in on purpose
//! must be reported at its file and key.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use shoulashou::generate::{GenerateOptions, generate};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shoulashou"))
        // English messages whatever the locale of the machine running the tests.
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the shoulashou binary runs")
}

fn generated(families: usize, errors: usize) -> (tempfile::TempDir, Vec<(String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let options = GenerateOptions {
        families,
        seed: 7,
        out: dir.path().to_path_buf(),
        errors,
    };
    let injected = generate(&options).unwrap();
    let pairs = injected
        .into_iter()
        .map(|error| (error.file, error.key_path))
        .collect();
    (dir, pairs)
}

#[test]
fn generated_campaign_builds_without_errors() {
    let (dir, injected) = generated(300, 0);
    assert!(injected.is_empty());

    let output = run(dir.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 errors and"), "{stderr}");
    assert!(
        stderr.contains("in 4"),
        "300 families and their teams: {stderr}"
    );
    assert!(dir.path().join("site/index.html").is_file());
    assert!(dir.path().join("site/附件2-信息汇总表-全省.xlsx").is_file());
}

#[test]
fn generated_errors_are_each_reported() {
    let (dir, injected) = generated(300, 20);
    assert_eq!(injected.len(), 20);

    let output = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let reported: BTreeSet<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["key_path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (file, key_path) in &injected {
        // A diagnostic may point inside the injected key, at one list item.
        let found = reported.iter().any(|(reported_file, reported_key)| {
            reported_file == file
                && (reported_key == key_path || reported_key.starts_with(&format!("{key_path}.")))
        });
        assert!(
            found,
            "{file} {key_path} not reported; reported: {reported:?}"
        );
    }
    let files: BTreeSet<&String> = reported.iter().map(|(file, _)| file).collect();
    let injected_files: BTreeSet<&String> = injected.iter().map(|(file, _)| file).collect();
    assert_eq!(files, injected_files, "errors only in the files given one");
}
