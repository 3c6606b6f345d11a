//! Property tests over the project's campaign generator: for any seed and
//! size, a campaign without injected errors has no errors and builds, and
//! every injected error is reported at its file and key.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;
use serde_json::Value;
use shoulashou::generate::{GenerateOptions, InjectedError, generate};

/// Few cases, because each one writes a campaign and runs the binary. The
/// seeds still differ on every run of the suite.
const CASES: u32 = 16;

fn run(dir: &Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shoulashou"))
        // English messages whatever the locale of the machine running the tests.
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .current_dir(dir)
        .args(arguments)
        .output()
        .expect("the shoulashou binary runs")
}

fn generated(families: usize, seed: u64, errors: usize) -> (tempfile::TempDir, Vec<InjectedError>) {
    let dir = tempfile::tempdir().unwrap();
    let options = GenerateOptions {
        families,
        seed,
        out: dir.path().to_path_buf(),
        errors,
    };
    let injected = generate(&options).expect("the generator writes into a new folder");
    (dir, injected)
}

/// Returns the `(file, key_path)` of every error in the JSON report of `check`.
fn reported_errors(dir: &Path) -> (Option<i32>, BTreeSet<(String, String)>) {
    let output = run(dir, &["check", "--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not the JSON report ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let errors = report["diagnostics"]
        .as_array()
        .expect("the report lists diagnostics")
        .iter()
        .filter(|diagnostic| diagnostic["severity"] == "error")
        .map(|diagnostic| {
            (
                diagnostic["file"].as_str().unwrap().to_owned(),
                diagnostic["key_path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (output.status.code(), errors)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn clean_campaign_builds(families in 1usize..=40, seed in any::<u64>()) {
        let (dir, injected) = generated(families, seed, 0);
        prop_assert!(injected.is_empty());

        let (status, errors) = reported_errors(dir.path());
        prop_assert!(errors.is_empty(), "seed {seed}, {families} families: {errors:?}");
        prop_assert_eq!(status, Some(0));

        let output = run(dir.path(), &["build"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        prop_assert_eq!(output.status.code(), Some(0), "seed {}: {}", seed, stderr);
        prop_assert!(!stderr.contains("panicked"), "{}", stderr);
        prop_assert!(dir.path().join("site/index.html").is_file());
        prop_assert!(dir.path().join("site/附件2-信息汇总表-全省.xlsx").is_file());
    }

    #[test]
    fn injected_errors_are_reported(
        families in 1usize..=40,
        seed in any::<u64>(),
        wanted in 1usize..=12,
    ) {
        let (dir, injected) = generated(families, seed, wanted);
        prop_assert_eq!(injected.len(), wanted.min(families));

        let (status, reported) = reported_errors(dir.path());
        prop_assert_eq!(status, Some(1), "seed {}", seed);
        for error in &injected {
            // A diagnostic may point inside the injected key, at one list item.
            let inside = format!("{}.", error.key_path);
            let found = reported.iter().any(|(file, key_path)| {
                *file == error.file && (*key_path == error.key_path || key_path.starts_with(&inside))
            });
            prop_assert!(
                found,
                "seed {seed}, {families} families: {} at {} ({}) not reported; reported: {reported:?}",
                error.file,
                error.key_path,
                error.description
            );
        }
        let files: BTreeSet<&String> = reported.iter().map(|(file, _)| file).collect();
        let injected_files: BTreeSet<&String> = injected.iter().map(|error| &error.file).collect();
        prop_assert_eq!(files, injected_files, "seed {}: errors only in the files given one", seed);
    }
}
