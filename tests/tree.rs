//! Compares the fast parser with serde_yaml and `SourceMap`: the value must
//! equal `serde_yaml::from_str`, and every key path, present or absent, must
//! resolve to the same place. Runs over the sample campaign, the fixtures,
//! a generated campaign and generated documents with tricky scalars.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_yaml::Value;
use shoulashou::diagnostic::Part;
use shoulashou::generate::{GenerateOptions, generate};
use shoulashou::locate::SourceMap;
use shoulashou::tree;

/// Checks `source` and returns whether the fast parser handled it.
fn check_equivalent(source: &str) -> bool {
    let Some(tree) = tree::parse(source) else {
        return false;
    };
    let expected: Value = match serde_yaml::from_str(source) {
        Ok(value) => value,
        Err(error) => panic!("serde_yaml rejects what the fast parser read ({error}): {source:?}"),
    };
    assert_eq!(tree.value, expected, "{source:?}");
    // `Value`'s equality takes 0.0 for -0.0, and its debug form does not.
    assert_eq!(format!("{:?}", tree.value), format!("{expected:?}"));

    let map = SourceMap::build(source);
    let paths = tree.spans.key_paths();
    let lookup = tree.spans.lookup(paths.len() * 2);
    let absent = paths.iter().map(|path| format!("{path}.absent"));
    for path in paths.iter().cloned().chain(absent) {
        for part in [Part::Key, Part::Value] {
            let expected = map.resolve(&path, part);
            assert_eq!(
                lookup.resolve(&path, part),
                expected,
                "{path} in {source:?}"
            );
            assert_eq!(tree.spans.resolve(&path, part), expected, "{path}");
        }
        assert_eq!(
            tree.spans.written(source, &path),
            map.written(source, &path),
            "{path}"
        );
    }
    true
}

fn yaml_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        let is_yaml = entry
            .path()
            .extension()
            .is_some_and(|extension| extension == "yaml" || extension == "yml");
        if entry.file_type().is_file() && is_yaml {
            files.push(entry.into_path());
        }
    }
    files.sort();
    files
}

/// Checks every YAML file under `root` and returns how many the fast
/// parser handled, out of how many serde_yaml parses.
fn check_folder(root: &Path) -> (usize, usize) {
    let mut handled = 0;
    let mut parsed = 0;
    for file in yaml_files(root) {
        let source = fs::read_to_string(&file).unwrap();
        let source = source.strip_prefix('\u{feff}').unwrap_or(&source);
        handled += usize::from(check_equivalent(source));
        parsed += usize::from(serde_yaml::from_str::<Value>(source).is_ok());
    }
    (handled, parsed)
}

#[test]
fn sample_campaign_matches() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (handled, parsed) = check_folder(&root.join("records"));
    assert!(parsed > 0);
    assert_eq!(handled, parsed);
    check_equivalent(&fs::read_to_string(root.join("campaign.yaml")).unwrap());
}

#[test]
fn fixtures_match() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let (handled, parsed) = check_folder(&root);
    assert!(parsed > 0);
    assert_eq!(handled, parsed);
}

#[test]
fn generated_campaign_matches() {
    let dir = tempfile::tempdir().unwrap();
    let options = GenerateOptions {
        families: 400,
        seed: 11,
        out: dir.path().to_path_buf(),
        errors: 40,
    };
    generate(&options).unwrap();
    let (handled, parsed) = check_folder(dir.path());
    assert!(parsed > 400);
    assert_eq!(handled, parsed);
}

/// Plain scalars in the forms that serde_yaml reads as null, bool, integer,
/// float or text.
fn plain_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "~",
            "null",
            "Null",
            "NULL",
            "true",
            "False",
            "TRUE",
            "yes",
            "no",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            "nan",
            "inf",
            "0",
            "-0",
            "+0",
            "00",
            "007",
            "-007",
            "0.",
            "1e999",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "2020-02-18",
            "+8613800001234",
        ])
        .prop_map(str::to_owned),
        "[+-]?(0x|0o|0b)?[0-9a-fA-F]{1,24}",
        "[+-]?[0-9]{0,4}\\.?[0-9]{0,4}([eE][+-]?[0-9]{1,3})?",
        "[a-zA-Z\u{4e00}-\u{4e2f}][a-zA-Z0-9\u{4e00}-\u{4e2f}._ -]{0,12}[a-z0-9\u{4e00}-\u{4e2f}]",
    ]
}

/// Text for quoted and block scalars, with CJK, punctuation that means
/// something in YAML, and full-width colons and spaces.
fn text() -> impl Strategy<Value = String> {
    "[a-z0-9\u{4e00}-\u{4e2f}#:,\\[\\]{} \u{3000}\u{ff1a}-]{0,16}"
}

/// Generates documents, mostly valid YAML, in the layouts records use.
fn document() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        "[a-z_]{1,8}",
        "[\u{4e00}-\u{4e2f}]{1,3}",
        "[0-9]{1,3}",
        "\"[a-z. ]{1,5}\"",
    ];
    let value = prop_oneof![
        plain_scalar().prop_map(|text| format!(" {text}")),
        (plain_scalar(), text()).prop_map(|(text, note)| format!(" {text} # {note}")),
        text().prop_map(|text| format!(" \"{}\"", text.replace('"', "\\\""))),
        text().prop_map(|text| format!(" \"{text}\\u4e2d\\t\\n\"")),
        text().prop_map(|text| format!(" '{}'", text.replace('\'', "''"))),
        (
            prop::sample::select(vec!["|", "|-", "|+", ">", ">-"]),
            text(),
            text()
        )
            .prop_map(|(style, first, second)| {
                format!(" {style}\n    {first}x\n\n    {second}y\n")
            }),
        prop::collection::vec(plain_scalar(), 0..4)
            .prop_map(|items| format!(" [{}]", items.join(", "))),
        (plain_scalar(), text())
            .prop_map(|(number, text)| format!(" {{a: {number}, b: \"{text}\"}}")),
        prop::collection::vec(plain_scalar(), 1..4).prop_map(|items| {
            let lines: Vec<String> = items.iter().map(|item| format!("  - {item}\n")).collect();
            format!("\n{}", lines.concat())
        }),
        (plain_scalar(), plain_scalar())
            .prop_map(|(first, second)| format!("\n  - x: {first}\n    y: {second}\n")),
        (plain_scalar(), text()).prop_map(|(first, note)| format!("\n  # {note}\n  z: {first}\n")),
        Just(String::new()),
    ];
    prop::collection::vec((key, value), 0..8).prop_map(|entries| {
        let mut source = String::new();
        for (key, value) in entries {
            source.push_str(&key);
            source.push(':');
            source.push_str(&value);
            if !source.ends_with('\n') {
                source.push('\n');
            }
        }
        source
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_documents_match(source in document()) {
        // A document the fast parser leaves to serde_yaml, such as one with
        // `[-]`, which saphyr-parser rejects, is not compared.
        check_equivalent(&source);
    }

    #[test]
    fn plain_scalars_match(text in plain_scalar()) {
        let source = format!("key: {text}\n");
        let handled = check_equivalent(&source);
        let parsed = serde_yaml::from_str::<Value>(&source).is_ok();
        // A value as records write it is left to serde_yaml only when
        // serde_yaml rejects it, as it does a 128-bit integer.
        prop_assert!(handled || !parsed, "{source:?}");
        // saphyr-parser rejects a few flow scalars that serde_yaml reads,
        // such as `[-]`, which then fall back to serde_yaml.
        check_equivalent(&format!("- {text}\n"));
        check_equivalent(&format!("[{text}]"));
    }
}

#[test]
fn generated_documents_mostly_parse() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    // Guards the test above against a generator whose documents all fail
    // to parse, which would leave nothing compared.
    let mut runner = TestRunner::deterministic();
    let strategy = document();
    let mut handled = 0;
    for _ in 0..200 {
        let source = strategy.new_tree(&mut runner).unwrap().current();
        handled += usize::from(check_equivalent(&source));
    }
    assert!(
        handled >= 100,
        "only {handled} of 200 documents were handled"
    );
}
