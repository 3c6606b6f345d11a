//! `new`: the files it writes, where it refuses to write, and what `check`
//! and the JSON Schema report on a file that has not been filled in yet.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use serde_json::Value;

use common::{AS_OF, Fixture};

const FAMILY: &str = "records/zzu/wang-family.yaml";
const TEAM: &str = "records/zzu/teams/team-01.yaml";

/// Key paths that `check` reports as blank in a new family file with `university` filled in.
const FAMILY_BLANKS: &[&str] = &[
    "worker.name",
    "worker.gender",
    "worker.hospital",
    "worker.aided_hospital",
    "family.size",
    "family.in_hubei",
    "family.address",
    "family.phone",
    "family.elderly",
    "family.minors",
    "needs",
    "team",
    "plan",
];

const TEAM_BLANKS: &[&str] = &[
    "university",
    "kind",
    "leader.name",
    "leader.phone",
    "members",
];

fn read(run: &common::Run, path: &str) -> String {
    std::fs::read_to_string(run.path(path)).expect("new wrote the file")
}

/// Returns `(code, key path)` of every diagnostic of `check`, in order.
fn checked(run: common::Run) -> Vec<(String, String)> {
    let run = run.again(&["check", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    run.diagnostics()
        .into_iter()
        .map(|diagnostic| (diagnostic.code, diagnostic.key_path))
        .collect()
}

fn blanks(paths: &[&str]) -> Vec<(String, String)> {
    paths
        .iter()
        .map(|path| ("E004".to_owned(), (*path).to_owned()))
        .collect()
}

#[test]
fn new_family_fails_only_on_blanks() {
    let run = Fixture::empty().run(&["new", "family", "--university", "郑州大学", FAMILY]);
    assert_eq!(run.status, 0, "{}", run.stderr);

    assert_eq!(checked(run), blanks(FAMILY_BLANKS));
}

#[test]
fn new_family_without_university() {
    let run = Fixture::empty().run(&["new", "family", FAMILY]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = read(&run, FAMILY);
    assert!(text.contains("\nuniversity:  "), "{text}");

    let mut expected = blanks(&["university"]);
    expected.extend(blanks(FAMILY_BLANKS));
    assert_eq!(checked(run), expected);
}

#[test]
fn new_team_fails_only_on_blanks() {
    let run = Fixture::empty().run(&["new", "team", TEAM]);
    assert_eq!(run.status, 0, "{}", run.stderr);

    assert_eq!(checked(run), blanks(TEAM_BLANKS));
}

#[test]
fn new_family_lists_keys_labels_and_choices() {
    let run = Fixture::empty().run(&["new", "family", "--university", "郑州大学", FAMILY]);
    let text = read(&run, FAMILY);
    let lines: Vec<&str> = text.lines().collect();

    assert_eq!(
        lines[0],
        "# yaml-language-server: $schema=../../schemas/family.schema.json"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("university: 郑州大学  # 高校：必填")),
        "{text}"
    );
    assert!(
        lines.contains(&"  gender:          # 性别：必填，男 或 女"),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("  deployment:") && line.ends_with("援鄂、省内 或 本院")),
        "{text}"
    );
    assert!(
        lines.iter().any(|line| line.starts_with("  # - date:")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("  #   mode:") && line.ends_with("线上 或 线下")),
        "{text}"
    );
}

#[test]
fn new_team_points_at_team_schema() {
    let run = Fixture::empty().run(&["new", "team", TEAM]);
    let text = read(&run, TEAM);

    let first = text.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "# yaml-language-server: $schema=../../../schemas/team.schema.json"
    );
    assert!(
        text.contains("# 基础培训：必填，合格、未合格 或 未参加"),
        "{text}"
    );
}

#[test]
fn new_quotes_university_with_colon() {
    let run = Fixture::empty().run(&["new", "family", "--university", "某大学: 东校区", FAMILY]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = read(&run, FAMILY);

    let record: serde_yaml::Mapping = serde_yaml::from_str(&text).expect("the file is YAML");
    assert_eq!(
        record.get("university").and_then(|value| value.as_str()),
        Some("某大学: 东校区")
    );
}

#[test]
fn new_never_replaces_a_file() {
    let run = Fixture::empty()
        .file(FAMILY, "university: 河南大学\n")
        .run(&["new", "family", FAMILY]);

    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(read(&run, FAMILY), "university: 河南大学\n");
}

#[test]
fn new_team_outside_teams_is_rejected() {
    let run = Fixture::empty().run(&["new", "team", "records/zzu/team-01.yaml"]);

    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("`teams`"), "{}", run.stderr);
    assert!(!run.exists("records"));
}

#[test]
fn new_family_inside_teams_is_rejected() {
    let run = Fixture::empty().run(&["new", "family", TEAM]);

    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("read as a team"), "{}", run.stderr);
    assert!(!run.exists("records"));
}

#[test]
fn new_rejects_other_extensions() {
    let run = Fixture::empty().run(&["new", "family", "records/zzu/wang.txt"]);

    assert_eq!(run.status, 2);
    assert!(run.stderr.contains(".yaml"), "{}", run.stderr);
    assert!(!run.exists("records"));
}

/// The schema flags the same keys as `check` in a new file: each blank
/// required value, at its JSON pointer.
#[test]
fn schema_flags_same_blanks_as_check() {
    for (kind, path, expected) in [
        ("family", FAMILY, FAMILY_BLANKS),
        ("team", TEAM, TEAM_BLANKS),
    ] {
        let run = Fixture::empty().run(&["new", kind, "--university", "郑州大学", path]);
        let run = run.again(&["schema", "--out", "schemas"]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let schema_path = run.path(&format!("schemas/{kind}.schema.json"));
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(schema_path).expect("the schema was written"),
        )
        .expect("the schema is JSON");
        let instance: Value = serde_yaml::from_str(&read(&run, path)).expect("the file is YAML");

        let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
        let mut flagged: Vec<String> = validator
            .iter_errors(&instance)
            .map(|error| {
                error
                    .instance_path()
                    .to_string()
                    .trim_start_matches('/')
                    .replace('/', ".")
            })
            .collect();
        flagged.sort();
        flagged.dedup();
        let mut expected: Vec<String> = expected
            .iter()
            .filter(|path| **path != "university")
            .map(|path| (*path).to_owned())
            .collect();
        expected.sort();
        assert_eq!(flagged, expected, "{kind}");
    }
}
