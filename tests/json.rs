//! The JSON document of `check --format json`: its exact fields, as
//! docs/json-output.md describes them, and its form when the check fails.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use serde_json::Value;

use common::{AS_OF, Fixture, WANG};

/// Returns the keys of a JSON object in sorted order.
fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

/// Returns the names in the first column of the table under `heading`.
fn documented_fields(heading: &str) -> Vec<String> {
    let guide = include_str!("../docs/json-output.md");
    let section = guide
        .split(heading)
        .nth(1)
        .expect("the heading is in the guide");
    let mut fields: Vec<String> = section
        .lines()
        .skip_while(|line| !line.starts_with("| field"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            line.split('`')
                .nth(1)
                .expect("a field in backticks")
                .to_owned()
        })
        .collect();
    fields.sort();
    fields
}

#[test]
fn json_fields_match_documentation() {
    let run = Fixture::base()
        .replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"")
        .check();
    let document: Value = serde_json::from_str(&run.stdout).unwrap();

    assert_eq!(keys(&document), documented_fields("## Document"));
    assert_eq!(
        keys(&document["diagnostics"][0]),
        documented_fields("## Diagnostic")
    );
}

#[test]
fn json_describes_one_diagnostic() {
    let run = Fixture::base()
        .replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"")
        .check();
    let document: Value = serde_json::from_str(&run.stdout).unwrap();

    assert_eq!(run.status, 1);
    assert_eq!(document["version"], 1);
    assert_eq!(document["errors"], 1);
    assert_eq!(document["warnings"], 0);
    assert_eq!(document["failure"], Value::Null);
    let diagnostic = &document["diagnostics"][0];
    assert_eq!(diagnostic["code"], "E014");
    assert_eq!(diagnostic["name"], "invalid-phone");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["file"], WANG);
    assert_eq!(diagnostic["line"], 12);
    assert_eq!(diagnostic["column"], 10);
    assert_eq!(diagnostic["end_line"], 12);
    assert_eq!(diagnostic["end_column"], 21);
    assert_eq!(diagnostic["key_path"], "family.phone");
}

#[test]
fn json_message_follows_language() {
    let fixture =
        Fixture::base().replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"");
    let chinese = fixture.run(&[
        "check", "--as-of", AS_OF, "--format", "json", "--lang", "zh",
    ]);
    let document: Value = serde_json::from_str(&chinese.stdout).unwrap();

    let message = document["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("既不是手机号也不是固定电话"), "{message}");
}

#[test]
fn json_reports_failure_to_run() {
    let run = Fixture::empty().run(&["check", "--format", "json", "--records", "missing"]);
    let document: Value = serde_json::from_str(&run.stdout).unwrap();

    assert_eq!(run.status, 2);
    assert_eq!(document["diagnostics"], Value::Array(Vec::new()));
    let failure = document["failure"].as_str().unwrap();
    assert!(failure.contains("missing"), "{failure}");
}
