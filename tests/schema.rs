//! The JSON Schemas printed by `schema`, compared with `check` through an
//! independent validator (the `jsonschema` crate). Both accept the valid
//! sample and base, and both reject every fixture that breaks a rule a
//! schema can express. Fixtures breaking the other rules are pinned as
//! accepted by the schema and rejected by `check`.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use std::path::Path;

use serde_json::Value;

use common::{CAMPAIGN, Fixture, HENU_TEAM, LI, WANG, ZHAO, ZZU_TEAM};

/// Runs `schema KIND` and parses what it prints.
fn schema(kind: &str) -> Value {
    let run = Fixture::empty().run(&["schema", kind]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("schema prints JSON")
}

/// The three validators, compiled from the printed schemas.
struct Validators {
    family: jsonschema::Validator,
    team: jsonschema::Validator,
    campaign: jsonschema::Validator,
}

impl Validators {
    fn new() -> Validators {
        let compile =
            |kind: &str| jsonschema::validator_for(&schema(kind)).expect("the schema compiles");
        Validators {
            family: compile("family"),
            team: compile("team"),
            campaign: compile("campaign"),
        }
    }

    /// Returns the validator for the file at `path`, chosen as `check`
    /// chooses the format: the campaign file, a team in `teams`, else a family.
    fn for_path(&self, path: &str) -> &jsonschema::Validator {
        let parent = Path::new(path).parent().and_then(Path::file_name);
        if path.ends_with(CAMPAIGN) {
            &self.campaign
        } else if parent.is_some_and(|name| name == "teams") {
            &self.team
        } else {
            &self.family
        }
    }

    /// Returns the schema's errors for the YAML `text` of the file at `path`.
    fn errors(&self, path: &str, text: &str) -> Vec<String> {
        let instance: Value = serde_yaml::from_str(text)
            .unwrap_or_else(|error| panic!("{path} is not YAML that maps to JSON: {error}"));
        self.for_path(path)
            .iter_errors(&instance)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect()
    }
}

/// Returns the error codes `check` reports for the file at `path`.
fn check_errors(fixture: &Fixture, path: &str) -> Vec<String> {
    let run = fixture.check();
    run.diagnostics()
        .into_iter()
        .filter(|diagnostic| diagnostic.severity == "error" && diagnostic.file == path)
        .map(|diagnostic| format!("{} {}", diagnostic.code, diagnostic.key_path))
        .collect()
}

/// Fixtures that break one rule a schema expresses: unknown and missing
/// keys, types, choices, patterns and minimums. Each is the base with one edit.
fn schema_rules() -> Vec<(&'static str, &'static str, Fixture)> {
    let base = Fixture::base;
    vec![
        (
            "unknown top-level key",
            WANG,
            base().replace(WANG, "team: zzu-01\n", "team: zzu-01\ncolour: red\n"),
        ),
        (
            "unknown nested key",
            WANG,
            base().replace(WANG, "  hospital:", "  hospitl:"),
        ),
        ("missing key", LI, base().remove_line(LI, "team: zzu-01")),
        (
            "blank required text",
            WANG,
            base().replace(WANG, "university: 郑州大学", "university:"),
        ),
        (
            "blank required block",
            WANG,
            base().replace(
                WANG,
                "approval:\n  opinion: 同意\n  signer: 赵某\n  date: 2020-02-17\n",
                "approval:\n  opinion: 同意\n  signer:\n  date: 2020-02-17\n",
            ),
        ),
        (
            "count written as a word",
            WANG,
            base().replace(WANG, "  size: 4", "  size: 四"),
        ),
        (
            "negative count",
            WANG,
            base().replace(WANG, "  in_hubei: 1", "  in_hubei: -1"),
        ),
        (
            "household size 0",
            WANG,
            base().replace(WANG, "  size: 4", "  size: 0"),
        ),
        (
            "gender not 男 or 女",
            WANG,
            base().replace(WANG, "  gender: 女", "  gender: 女性"),
        ),
        (
            "unknown deployment",
            WANG,
            base().replace(WANG, "  deployment: 援鄂", "  deployment: 湖北"),
        ),
        (
            "no needs",
            WANG,
            base().replace(WANG, "needs: [1, 2, 3]", "needs: []"),
        ),
        (
            "need code 6",
            WANG,
            base().replace(WANG, "needs: [1, 2, 3]", "needs: [1, 2, 6]"),
        ),
        (
            "needs not a list",
            WANG,
            base().replace(WANG, "needs: [1, 2, 3]", "needs: 1"),
        ),
        (
            "mobile too short",
            WANG,
            base().replace(WANG, "\"13800000000\"", "\"1380000000\""),
        ),
        (
            "phone with a letter",
            WANG,
            base().replace(WANG, "\"13800000000\"", "\"1380000000a\""),
        ),
        (
            "date with slashes",
            WANG,
            base().replace(WANG, "  date: 2020-02-17", "  date: 2020/02/17"),
        ),
        (
            "unknown visit mode",
            WANG,
            base().replace(WANG, "    mode: 线上", "    mode: 电话"),
        ),
        (
            "grade written as a number",
            WANG,
            base().replace(WANG, "  grades: [小学三年级]", "  grades: [3]"),
        ),
        (
            "approval not a block",
            WANG,
            base().replace(
                WANG,
                "approval:\n  opinion: 同意\n  signer: 赵某\n  date: 2020-02-17\n",
                "approval: 同意\n",
            ),
        ),
        (
            "unknown team kind",
            ZZU_TEAM,
            base().replace(ZZU_TEAM, "kind: 青年志愿者服务队", "kind: 志愿队"),
        ),
        (
            "team without members",
            HENU_TEAM,
            base().replace(HENU_TEAM, "members: 6", "members: 0"),
        ),
        (
            "unknown training",
            ZZU_TEAM,
            base().replace(
                ZZU_TEAM,
                "  - name: 孙某\n    training: 合格",
                "  - name: 孙某\n    training: 良好",
            ),
        ),
        (
            "leader phone too long",
            ZZU_TEAM,
            base().replace(ZZU_TEAM, "\"13900000000\"", "\"139000000001\""),
        ),
        (
            "unknown key in roster item",
            ZZU_TEAM,
            base().replace(ZZU_TEAM, "    skills: [初中数学]", "    skill: [初中数学]"),
        ),
        (
            "members as a word",
            ZZU_TEAM,
            base().replace(ZZU_TEAM, "members: 2", "members: 两"),
        ),
        (
            "campaign date without zero padding",
            CAMPAIGN,
            base().replace(CAMPAIGN, "deadline: 2020-02-20", "deadline: 2020-2-20"),
        ),
        (
            "campaign deadline blank",
            CAMPAIGN,
            base().replace(CAMPAIGN, "deadline: 2020-02-20", "deadline:"),
        ),
        (
            "negative visit interval",
            CAMPAIGN,
            base().replace(
                CAMPAIGN,
                "visit_interval_days: 14",
                "visit_interval_days: -1",
            ),
        ),
        (
            "unknown campaign key",
            CAMPAIGN,
            base().replace(CAMPAIGN, "issuer:", "publisher:"),
        ),
        (
            "unknown key in university item",
            CAMPAIGN,
            base().replace(CAMPAIGN, "    folder: zzu", "    dir: zzu"),
        ),
    ]
}

/// Fixtures that break a rule only `check` enforces, because it compares
/// keys with each other, records with each other or dates with the calendar.
fn check_only_rules() -> Vec<(&'static str, &'static str, Fixture)> {
    let base = Fixture::base;
    vec![
        (
            "counts exceed household size",
            WANG,
            base().replace(WANG, "  size: 4", "  size: 2"),
        ),
        (
            "one grade per minor",
            ZHAO,
            base().replace(ZHAO, "  minors: 2", "  minors: 3"),
        ),
        (
            "elderly health missing",
            WANG,
            base().remove_line(WANG, "  elderly_health: 高血压"),
        ),
        (
            "day that does not exist",
            WANG,
            base().replace(WANG, "  date: 2020-02-17", "  date: 2020-02-30"),
        ),
        (
            "unknown team",
            WANG,
            base().replace(WANG, "team: zzu-01", "team: zzu-99"),
        ),
        (
            "untrained volunteer",
            ZZU_TEAM,
            base().replace(
                ZZU_TEAM,
                "  - name: 孙某\n    training: 合格",
                "  - name: 孙某\n    training: 未参加",
            ),
        ),
    ]
}

#[test]
fn schema_and_check_reject_each_fixture() {
    let validators = Validators::new();
    for (name, path, fixture) in schema_rules() {
        let errors = check_errors(&fixture, path);
        assert!(
            !errors.is_empty(),
            "{name}: check reports no error in {path}"
        );
        let rejected = validators.errors(path, &fixture.text(path));
        assert!(
            !rejected.is_empty(),
            "{name}: the schema accepts {path}, but check reports {errors:?}"
        );
    }
}

#[test]
fn schema_accepts_rules_only_check_has() {
    let validators = Validators::new();
    for (name, path, fixture) in check_only_rules() {
        let errors = check_errors(&fixture, path);
        assert!(
            !errors.is_empty(),
            "{name}: check reports no error in {path}"
        );
        let rejected = validators.errors(path, &fixture.text(path));
        assert!(
            rejected.is_empty(),
            "{name}: the schema now rejects {path} ({rejected:?}); move it to schema_rules"
        );
    }
}

#[test]
fn schema_accepts_base_campaign() {
    let validators = Validators::new();
    let base = Fixture::base();
    for path in [CAMPAIGN, WANG, LI, ZHAO, ZZU_TEAM, HENU_TEAM] {
        let errors = validators.errors(path, &base.text(path));
        assert!(errors.is_empty(), "{path}: {errors:#?}");
    }
}

#[test]
fn schema_and_check_accept_sample() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixture = Fixture::empty();
    let mut paths = vec!["campaign.yaml".to_owned()];
    for entry in walkdir::WalkDir::new(root.join("records")) {
        let entry = entry.expect("the sample records can be listed");
        let is_yaml = entry.path().extension().is_some_and(|ext| ext == "yaml");
        if entry.file_type().is_file() && is_yaml {
            let relative = entry.path().strip_prefix(root).expect("under the root");
            paths.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    assert!(paths.len() > 10, "the sample has records: {paths:?}");

    let validators = Validators::new();
    for path in &paths {
        let text = std::fs::read_to_string(root.join(path)).expect("sample files are UTF-8");
        let errors = validators.errors(path, &text);
        assert!(errors.is_empty(), "{path}: {errors:#?}");
        fixture = fixture.file(path, &text);
    }

    let run = fixture.run(&["check", "--format", "json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.report().errors, 0);
}

#[test]
fn every_object_forbids_unknown_keys() {
    fn walk(value: &Value, at: &str) {
        match value {
            Value::Object(map) => {
                if map.contains_key("properties") {
                    assert_eq!(
                        map.get("additionalProperties"),
                        Some(&Value::Bool(false)),
                        "{at}"
                    );
                }
                for (key, inner) in map {
                    walk(inner, &format!("{at}/{key}"));
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, at)),
            _ => {}
        }
    }
    for kind in ["family", "team", "campaign"] {
        walk(&schema(kind), kind);
    }
}

#[test]
fn family_schema_has_labels_choices_and_patterns() {
    let family = schema("family");
    assert_eq!(
        family["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );

    let worker = &family["properties"]["worker"];
    assert_eq!(worker["title"], "医务人员");
    assert_eq!(worker["properties"]["gender"]["title"], "性别");
    assert_eq!(
        worker["properties"]["gender"]["enum"],
        serde_json::json!(["男", "女"])
    );
    assert_eq!(
        worker["required"],
        serde_json::json!(["name", "gender", "hospital", "aided_hospital"])
    );

    let household = &family["properties"]["family"]["properties"];
    assert_eq!(household["size"]["minimum"], 1);
    assert_eq!(household["elderly"]["minimum"], 0);
    let phone = household["phone"]["anyOf"][0]["pattern"]
        .as_str()
        .expect("the phone has a pattern");
    assert!(phone.contains("1[0-9]{10}"), "{phone}");
    assert!(phone.contains("0[0-9]{2,3}-?[0-9]{7,8}"), "{phone}");

    assert_eq!(
        family["properties"]["needs"]["items"]["enum"],
        serde_json::json!([1, 2, 3, 4, 5])
    );
    assert_eq!(
        family["properties"]["visits"]["items"]["properties"]["date"]["pattern"],
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    );
}

#[test]
fn default_kind_is_family() {
    let run = Fixture::empty().run(&["schema"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let printed: Value = serde_json::from_str(&run.stdout).expect("schema prints JSON");
    assert_eq!(printed, schema("family"));
}

#[test]
fn out_writes_all_three_schemas() {
    let run = Fixture::empty().run(&["schema", "--out", "schemas"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    for kind in ["family", "team", "campaign"] {
        let path = run.path(&format!("schemas/{kind}.schema.json"));
        let text = std::fs::read_to_string(&path).expect("the schema file was written");
        let written: Value = serde_json::from_str(&text).expect("the file is JSON");
        assert_eq!(written, schema(kind), "{kind}");
    }
}

#[test]
fn out_with_a_kind_is_a_usage_error() {
    let run = Fixture::empty().run(&["schema", "team", "--out", "schemas"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(!run.exists("schemas"));
}
