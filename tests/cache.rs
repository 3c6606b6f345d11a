//! The record cache of `serve`: a load that reuses the records decoded by
//! the last one gives exactly what a fresh load gives, after edits, removals
//! and a change of build date.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use std::fs;
use std::path::Path;
use std::sync::Arc;

use common::{AS_OF, Fixture, LI, WANG};
use shoulashou::date::Date;
use shoulashou::load::{self, LoadOptions, Loaded, RecordCache};
use shoulashou::progress::Progress;
use shoulashou::render::{self, RenderOptions};
use shoulashou::stored::TextStore;
use shoulashou::summary::Summary;

fn options(dir: &Path, as_of: &str) -> LoadOptions {
    LoadOptions {
        records: dir.join("records"),
        campaign: Some(dir.join("campaign.yaml")),
        as_of: Date::parse(as_of),
        keep_text: true,
        store: None,
    }
}

/// Returns what a load found, in a form two loads can be compared by.
fn outcome(loaded: &Loaded) -> (Vec<String>, Vec<String>, usize) {
    let diagnostics = loaded
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {} {:?} {:?} {}",
                d.check.code,
                d.file.display(),
                d.start,
                d.end,
                d.message.en
            )
        })
        .collect();
    let families = loaded
        .families
        .iter()
        .map(|family| format!("{} {}", family.source.id, family.plan))
        .collect();
    (diagnostics, families, loaded.records_read)
}

/// Loads with the cache and without, asserts both agree, and returns the
/// cached load.
fn load_both(dir: &Path, as_of: &str, cache: &mut RecordCache) -> Loaded {
    let cached =
        load::load_cached(&options(dir, as_of), Some(cache), &Progress::disabled()).unwrap();
    let fresh = load::load(&options(dir, as_of)).unwrap();
    assert_eq!(outcome(&cached), outcome(&fresh));
    cached
}

/// Rewrites `path` with `from` replaced by `to`, with a modification time
/// clearly after the last load, as an editor's save has.
fn edit(dir: &Path, path: &str, from: &str, to: &str) {
    let full = dir.join(path);
    let text = fs::read_to_string(&full).unwrap();
    assert!(text.contains(from), "`{from}` is in {path}");
    fs::write(&full, text.replacen(from, to, 1)).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(&full)
        .and_then(|file| file.set_modified(later))
        .unwrap();
}

#[test]
fn stored_text_reads_back_as_held_text() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    let dir = run.dir.path();
    let held = load::load(&options(dir, AS_OF)).unwrap();
    let Some(store) = TextStore::new() else {
        return;
    };
    let stored = LoadOptions {
        store: Some(store),
        ..options(dir, AS_OF)
    };
    let stored = load::load(&stored).unwrap();
    assert_eq!(stored.families.len(), held.families.len());
    for (stored, held) in stored.families.iter().zip(&held.families) {
        assert!(stored.page_text.is_some());
        assert!(held.page_text.is_none());
        assert!(stored.plan.is_empty());
        assert!(stored.household.address.is_empty());
        let restored = stored.restored().unwrap();
        assert_eq!(format!("{restored:?}"), format!("{held:?}"));
    }

    // The pages rendered from either are the same, byte for byte.
    let site = |loaded: &Loaded| {
        let summary = Summary::build(
            &loaded.campaign,
            &loaded.families,
            &loaded.teams,
            &loaded.diagnostics,
            loaded.as_of,
        );
        let out = tempfile::tempdir().unwrap();
        // Unmasked, so that the whole address and phone are compared too.
        let options = RenderOptions {
            masked: false,
            templates_dir: None,
        };
        render::render_site(&summary, &options, out.path()).unwrap();
        let mut pages: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(out.path())
            .into_iter()
            .map(Result::unwrap)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let name = entry.path().strip_prefix(out.path()).unwrap();
                (name.display().to_string(), fs::read(entry.path()).unwrap())
            })
            .collect();
        pages.sort();
        pages
    };
    let pages = site(&held);
    assert!(pages.iter().any(|(name, _)| name.ends_with("wang.html")));
    assert_eq!(site(&stored), pages);
}

#[test]
fn cached_load_reuses_unchanged_records() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    let dir = run.dir.path();
    let mut cache = RecordCache::default();
    let first = load_both(dir, AS_OF, &mut cache);

    edit(dir, WANG, "每周两次线上辅导数学", "每周三次线上辅导数学");
    let second = load_both(dir, AS_OF, &mut cache);
    let same = |id: &str| {
        let find = |loaded: &Loaded| {
            let family = loaded
                .families
                .iter()
                .find(|family| &*family.source.id == id);
            Arc::clone(family.expect("the family is loaded"))
        };
        Arc::ptr_eq(&find(&first), &find(&second))
    };
    assert!(same("li"), "an unchanged record is taken from the cache");
    assert!(!same("wang"), "the edited record is decoded again");
}

#[test]
fn cached_load_sees_errors_and_removals() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    let dir = run.dir.path();
    let mut cache = RecordCache::default();
    load_both(dir, AS_OF, &mut cache);

    edit(dir, WANG, "gender: 女", "gender: 未知");
    let broken = load_both(dir, AS_OF, &mut cache);
    assert!(broken.error_count() > 0);

    edit(dir, WANG, "gender: 未知", "gender: 女");
    fs::remove_file(dir.join(LI)).unwrap();
    let removed = load_both(dir, AS_OF, &mut cache);
    assert_eq!(removed.error_count(), 0);
    assert!(
        removed
            .families
            .iter()
            .all(|family| &*family.source.id != "li")
    );
}

#[test]
fn cached_load_follows_build_date() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    let dir = run.dir.path();
    let mut cache = RecordCache::default();
    let early = load_both(dir, AS_OF, &mut cache);
    assert_eq!(early.warning_count(), 0);

    // Two months later every family is overdue for a visit.
    let late = load_both(dir, "2020-05-01", &mut cache);
    assert!(late.warning_count() >= 5, "{}", late.warning_count());
}

/// Lists every regular file under `folder` with its size and modification
/// time, in no particular order, as `serve`'s scan does.
fn scan(folder: &Path, files: &mut Vec<(std::path::PathBuf, load::FileStamp)>) {
    for entry in fs::read_dir(folder).unwrap() {
        let entry = entry.unwrap();
        let metadata = entry.metadata().unwrap();
        if metadata.is_dir() {
            scan(&entry.path(), files);
        } else {
            files.push((entry.path(), (metadata.len(), metadata.modified().ok())));
        }
    }
}

#[test]
fn listed_load_matches_walked_load() {
    // Files a walk skips: hidden and underscore folders, and other extensions.
    let wang = Fixture::base().text(WANG);
    let run = Fixture::base()
        .file("records/_drafts/wang.yaml", &wang)
        .file("records/zzu/.backup/wang.yaml", &wang)
        .file("records/zzu/notes.txt", "not a record")
        .file("records/henu/upper.YML", &wang)
        .run(&["check", "--as-of", AS_OF]);
    let dir = run.dir.path();
    let mut files = Vec::new();
    scan(&dir.join("records"), &mut files);
    files.reverse();

    let mut cache = RecordCache::default();
    cache.use_listing(Some(load::Listing {
        records: dir.join("records"),
        files: files.clone(),
    }));
    let listed = load_both(dir, AS_OF, &mut cache);
    assert_eq!(listed.records_read, common::BASE_RECORDS + 1);

    // The load reads the listing, not the folder: a file left out is not read.
    let li = dir.join(LI);
    files.retain(|(path, _)| *path != li);
    cache.use_listing(Some(load::Listing {
        records: dir.join("records"),
        files: files.clone(),
    }));
    let options = options(dir, AS_OF);
    let partial = load::load_cached(&options, Some(&mut cache), &Progress::disabled()).unwrap();
    assert_eq!(partial.records_read, common::BASE_RECORDS);

    // A listing of another folder is ignored, and a listing serves one load.
    cache.use_listing(Some(load::Listing {
        records: dir.join("elsewhere"),
        files: Vec::new(),
    }));
    let walked = load_both(dir, AS_OF, &mut cache);
    assert_eq!(walked.records_read, common::BASE_RECORDS + 1);

    // A load that stops at a broken campaign file uses the listing up as well.
    cache.use_listing(Some(load::Listing {
        records: dir.join("records"),
        files,
    }));
    let campaign = dir.join("campaign.yaml");
    let good = fs::read_to_string(&campaign).unwrap();
    fs::write(&campaign, "title: [").unwrap();
    let broken = load::load_cached(&options, Some(&mut cache), &Progress::disabled()).unwrap();
    assert_eq!(broken.records_read, 0);
    fs::write(&campaign, good).unwrap();
    let after = load_both(dir, AS_OF, &mut cache);
    assert_eq!(after.records_read, common::BASE_RECORDS + 1);
}

/// Returns a listing of the records folder in byte order of the paths, as
/// `serve` hands its scans over.
fn sorted_listing(dir: &Path) -> load::Listing {
    let mut files = Vec::new();
    scan(&dir.join("records"), &mut files);
    files.sort_by(|left, right| left.0.as_os_str().cmp(right.0.as_os_str()));
    load::Listing {
        records: dir.join("records"),
        files,
    }
}

#[test]
fn repeated_listing_takes_new_stamps() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    let dir = run.dir.path();
    let mut cache = RecordCache::default();
    cache.use_listing(Some(sorted_listing(dir)));
    load_both(dir, AS_OF, &mut cache);

    // The second listing names the same paths, so the load reuses the files
    // picked from the first, but it must read the stamps of the second.
    edit(dir, WANG, "每周两次线上辅导数学", "每周三次线上辅导数学");
    cache.use_listing(Some(sorted_listing(dir)));
    let second = load_both(dir, AS_OF, &mut cache);
    let wang = second
        .families
        .iter()
        .find(|family| &*family.source.id == "wang")
        .expect("the family is loaded");
    assert!(wang.plan.contains("每周三次"), "{}", wang.plan);
}

#[test]
fn listing_of_missing_folder_is_rejected() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    let dir = run.dir.path();
    fs::remove_dir_all(dir.join("records")).unwrap();
    let mut cache = RecordCache::default();
    cache.use_listing(Some(load::Listing {
        records: dir.join("records"),
        files: Vec::new(),
    }));

    let options = options(dir, AS_OF);
    let error = load::load_cached(&options, Some(&mut cache), &Progress::disabled()).unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
}
