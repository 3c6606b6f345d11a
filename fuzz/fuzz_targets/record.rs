//! Fuzz target: loads arbitrary bytes as one family file and as one team
//! file through the library, as `shoulashou check` does, then prints every
//! diagnostic as text and JSON. Any panic is a bug: hostile input must end
//! in diagnostics.

#![no_main]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tempfile::TempDir;

use shoulashou::date::Date;
use shoulashou::diagnostic::Part;
use shoulashou::emit::{self, SourceLines, Style};
use shoulashou::lang::Lang;
use shoulashou::load::{self, LoadOptions};
use shoulashou::locate::SourceMap;

/// Family file and team file of one university, rewritten for every input.
const FAMILY: &str = "zzu/fuzz.yaml";
const TEAM: &str = "zzu/teams/fuzz.yaml";

/// Returns the records folder of this process. It is made once and reused,
/// because making a folder per input would cost more than checking the input.
fn records() -> &'static Path {
    static FOLDER: OnceLock<TempDir> = OnceLock::new();
    let folder = FOLDER.get_or_init(|| {
        let folder = tempfile::tempdir().expect("a temporary folder can be created");
        fs::create_dir_all(folder.path().join("zzu/teams")).expect("folders can be created");
        folder
    });
    folder.path()
}

fuzz_target!(|data: &[u8]| {
    let root = records();
    fs::write(root.join(FAMILY), data).expect("the family file can be written");
    fs::write(root.join(TEAM), data).expect("the team file can be written");

    let options = LoadOptions {
        records: root.to_path_buf(),
        campaign: None,
        as_of: Date::from_ymd(2020, 3, 1),
        keep_text: true,
    };
    let loaded = load::load(&options).expect("an existing records folder always loads");

    for diagnostic in &loaded.diagnostics {
        assert!(
            diagnostic.start.line >= 1,
            "line is 1-based: {diagnostic:?}"
        );
        assert!(
            diagnostic.start.column >= 1,
            "column is 1-based: {diagnostic:?}"
        );
        for lang in [Lang::Zh, Lang::En] {
            for color in [false, true] {
                let text = emit::render_text(diagnostic, &loaded.sources, Style { lang, color });
                assert!(!text.is_empty());
            }
        }
    }
    for lang in [Lang::Zh, Lang::En] {
        let report = emit::json_report(&loaded.diagnostics, loaded.records_read, lang);
        assert_json_serializes(&report);
    }

    resolve_every_key_path(root, &loaded.diagnostics);
});

/// Resolves the key and the value of every diagnostic's key path directly,
/// including those whose position the loader fixed from the parser, and
/// prints them against the file's lines.
fn resolve_every_key_path(root: &Path, diagnostics: &[shoulashou::diagnostic::Diagnostic]) {
    let Ok(source) = load::read_source(&root.join(FAMILY)) else {
        return;
    };
    let map = SourceMap::build(&source);
    let _ = map.duplicates();
    let mut sources: HashMap<PathBuf, SourceLines> = HashMap::new();
    sources.insert(root.join(FAMILY), SourceLines::new(source));
    for diagnostic in diagnostics {
        for part in [Part::Key, Part::Value] {
            let (start, end) = map.resolve(&diagnostic.key_path, part);
            assert!(start.line >= 1, "line is 1-based: {start:?}");
            assert!(start.column >= 1, "column is 1-based: {start:?}");
            let mut moved = diagnostic.clone();
            moved.file = root.join(FAMILY);
            moved = moved.at(start, end);
            let style = Style {
                lang: Lang::En,
                color: false,
            };
            let _ = emit::render_text(&moved, &sources, style);
        }
    }
}

fn assert_json_serializes(report: &emit::JsonReport<'_>) {
    let text = serde_json::to_string(report).expect("the JSON report serializes");
    assert!(text.starts_with('{'));
}
