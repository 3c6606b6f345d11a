//! The output folder: a build replaces it as a whole, but only when it was
//! written by the last build and nothing was added to it since.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use std::fs;

use scraper::{Html, Selector};

use common::{AS_OF, Fixture, WANG};

const BUILD: &[&str] = &["build", "--as-of", AS_OF];

fn snapshot(run: &common::Run) -> Vec<(String, Vec<u8>)> {
    snapshot_of(&run.path("site"))
}

/// Returns every file below `site`, by path relative to it, with its bytes.
fn snapshot_of(site: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(site)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.expect("site is readable"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let name = entry
                .path()
                .strip_prefix(site)
                .unwrap()
                .display()
                .to_string();
            (name, fs::read(entry.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Returns the lines of a build's stderr other than its diagnostics, their
/// count line and the closing `wrote` line.
fn stray_lines(stderr: &str) -> Vec<&str> {
    let diagnostic = |line: &str| {
        line.is_empty()
            || line.starts_with([' ', '|', '='])
            || line.starts_with("warning")
            || line.starts_with("error")
            || line.chars().next().is_some_and(|c| c.is_ascii_digit())
    };
    stderr
        .lines()
        .filter(|line| !diagnostic(line) && !line.starts_with("wrote "))
        .collect()
}

#[test]
fn build_prints_no_stray_lines() {
    let built = Fixture::base().run(BUILD);
    assert_eq!(built.status, 0, "{}", built.stderr);
    assert_eq!(stray_lines(&built.stderr), Vec::<&str>::new());
}

/// Returns the text of each Markdown cell of a family page: its needs, plan,
/// offline arrangement and visit notes.
fn markdown_cells(run: &common::Run, page: &str) -> Vec<String> {
    let html = Html::parse_document(&fs::read_to_string(run.path(page)).unwrap());
    let cell = Selector::parse("td.markdown").unwrap();
    html.select(&cell)
        .map(|cell| cell.text().collect::<String>().trim().to_owned())
        .collect()
}

#[test]
fn family_page_shows_plan_kept_out_of_memory() {
    // A build keeps each plan in a temporary file until its page is
    // rendered.
    let built = Fixture::base().run(BUILD);
    assert_eq!(built.status, 0, "{}", built.stderr);
    let cells = markdown_cells(&built, "site/zzu/wang.html");
    let plan = "每周两次线上辅导数学，每周一次电话问候老人。".to_owned();
    assert!(cells.contains(&plan), "{cells:?}");
}

#[test]
fn missing_temporary_folder_is_named_with_fix() {
    let missing = std::env::temp_dir().join("shoulashou-no-such-folder");
    let built = Fixture::base().run_with_env(BUILD, &[("TMPDIR", missing.to_str().unwrap())]);
    assert_eq!(built.status, 2, "{}", built.stderr);
    let error = built
        .stderr
        .lines()
        .find(|line| line.starts_with("error"))
        .expect("an error line");
    assert!(error.contains(&missing.display().to_string()), "{error}");
    assert!(error.contains("set TMPDIR"), "{error}");
    // The failed build leaves no site behind.
    assert!(!built.exists("site"));
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

/// Returns the inode number and modification time of `relative` in the run's folder.
fn identity(run: &common::Run, relative: &str) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt as _;
    let metadata = fs::metadata(run.path(relative)).unwrap();
    (metadata.ino(), metadata.modified().unwrap())
}

#[test]
fn unchanged_rebuild_reuses_files() {
    let first = Fixture::base().run(BUILD);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let page = "site/zzu/wang.html";
    // A file written in the same clock tick as the marker is written again
    // to be safe, so the page is dated clearly before the marker.
    let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    fs::File::options()
        .write(true)
        .open(first.path(page))
        .and_then(|file| file.set_modified(earlier))
        .unwrap();
    let before = identity(&first, page);
    let contents = snapshot(&first);

    // The second build fills a new spare folder; the third reuses the
    // folder of the first, whose files are all still right.
    let second = first.again(BUILD);
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert!(second.path(".site.previous/.shoulashou-site").is_file());
    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);

    assert_eq!(identity(&third, page), before);
    assert_eq!(snapshot(&third), contents);
}

#[test]
fn rebuild_rewrites_changed_page_in_place() {
    let first = Fixture::base().run(BUILD);
    let second = first.again(BUILD);
    let page = "site/zzu/wang.html";
    let (inode, _) = identity(&second, page);
    let (spare_inode, _) = identity(&second, ".site.previous/zzu/wang.html");
    fs::write(
        second.path(WANG),
        fs::read_to_string(second.path(WANG))
            .unwrap()
            .replace("name: 王某某", "name: 王某"),
    )
    .unwrap();

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    let text = fs::read_to_string(third.path(page)).unwrap();
    assert!(text.contains("王某"), "{text}");
    assert!(!text.contains("王某某"), "{text}");
    // The page was written over the spare copy's file, not into a new one.
    assert_eq!(identity(&third, page).0, spare_inode);
    assert_eq!(identity(&third, ".site.previous/zzu/wang.html").0, inode);
}

#[test]
fn rebuild_restores_page_edited_by_hand() {
    let first = Fixture::base().run(BUILD);
    let original = fs::read(first.path("site/index.html")).unwrap();
    let second = first.again(BUILD);
    // Builds stamp files with the file system's coarse clock, so the edit
    // waits to get a later modification time than the marker's.
    std::thread::sleep(std::time::Duration::from_millis(50));
    // Same length, different bytes: only the modification time shows the edit.
    let edited: Vec<u8> = original
        .iter()
        .map(|&byte| if byte == b'a' { b'b' } else { byte })
        .collect();
    fs::write(second.path("site/index.html"), &edited).unwrap();

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    let fourth = third.again(BUILD);
    assert_eq!(fourth.status, 0, "{}", fourth.stderr);
    assert_eq!(fs::read(fourth.path("site/index.html")).unwrap(), original);
}

#[test]
fn rebuild_drops_pages_of_removed_record() {
    let first = Fixture::base().run(BUILD);
    let second = first.again(BUILD);
    assert!(second.exists("site/zzu/li.html"));
    fs::remove_file(second.path(common::LI)).unwrap();

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    assert!(!third.exists("site/zzu/li.html"));
    let listing = fs::read_to_string(third.path("site/.shoulashou-site")).unwrap();
    assert!(!listing.contains("zzu/li.html"), "{listing}");
}

#[test]
fn spare_folder_without_marker_is_rewritten() {
    let first = Fixture::base().run(BUILD);
    let second = first.again(BUILD);
    // A build that stopped half way leaves the spare folder without its
    // marker, holding stray and damaged files.
    fs::remove_file(second.path(".site.previous/.shoulashou-site")).unwrap();
    fs::write(second.path(".site.previous/zzu/wang.html"), "damaged").unwrap();
    fs::write(second.path(".site.previous/stray.html"), "stray").unwrap();
    let expected = snapshot(&second);

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    assert_eq!(snapshot(&third), expected);
}

#[test]
fn file_added_to_spare_is_not_published() {
    let first = Fixture::base().run(BUILD);
    let second = first.again(BUILD);
    fs::write(second.path(".site.previous/added.txt"), "hello").unwrap();

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    assert!(!third.exists("site/added.txt"));
    let fourth = third.again(BUILD);
    assert_eq!(fourth.status, 0, "{}", fourth.stderr);
}

#[test]
fn marker_paths_outside_spare_are_ignored() {
    let first = Fixture::base().run(BUILD);
    let second = first.again(BUILD);
    fs::write(second.path("victim.txt"), "keep me").unwrap();
    let marker = second.path(".site.previous/.shoulashou-site");
    let mut listing = fs::read_to_string(&marker).unwrap();
    listing.push_str("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 7 ../victim.txt\n");
    fs::write(&marker, listing).unwrap();

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    assert_eq!(
        fs::read_to_string(third.path("victim.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn link_in_spare_is_not_written_through() {
    let first = Fixture::base().run(BUILD);
    let second = first.again(BUILD);
    fs::write(second.path("victim.txt"), "keep me").unwrap();
    let link = second.path(".site.previous/status.html");
    fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(second.path("victim.txt"), &link).unwrap();

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    assert_eq!(
        fs::read_to_string(third.path("victim.txt")).unwrap(),
        "keep me"
    );
    let status = fs::symlink_metadata(third.path("site/status.html")).unwrap();
    assert!(status.is_file(), "the status page is a file of its own");
}

#[test]
fn out_linked_to_folder_builds_into_it() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    fs::create_dir(run.path("www")).unwrap();
    std::os::unix::fs::symlink(run.path("www"), run.path("linksite")).unwrap();

    let built = run.again(&["build", "--as-of", AS_OF, "--out", "linksite/"]);
    assert_eq!(built.status, 0, "{}", built.stderr);
    assert!(built.path("www/index.html").is_file());
    let link = fs::symlink_metadata(built.path("linksite")).unwrap();
    assert!(link.is_symlink(), "the link still points at the site");
    let again = built.again(&["build", "--as-of", AS_OF, "--out", "linksite"]);
    assert_eq!(again.status, 0, "{}", again.stderr);
}

#[test]
fn force_never_replaces_a_file() {
    let run = Fixture::base()
        .file("afile", "precious")
        .run(&["build", "--as-of", AS_OF, "--force", "--out", "afile"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(run.path("afile")).unwrap(), "precious");
}

#[test]
fn masked_build_drops_unmasked_spare() {
    let unmasked = &["build", "--as-of", AS_OF, "--unmasked"];
    let first = Fixture::base().run(unmasked);
    let second = first.again(unmasked);
    assert!(second.exists(".site.previous/index.html"));

    let masked = second.again(BUILD);
    assert_eq!(masked.status, 0, "{}", masked.stderr);
    assert!(
        !masked.exists(".site.previous"),
        "the unmasked site is not kept as the spare folder"
    );
}

/// Returns the base campaign with one more family whose file name contains
/// U+FFFD, the character a name that is not UTF-8 turns into when read lossily.
#[cfg(unix)]
fn with_replacement_character() -> Fixture {
    let base = Fixture::base();
    let text = base
        .text(WANG)
        .replace("  name: 王某某", "  name: 王某乙")
        .replace("  hospital: ", "  hospital: 另一");
    base.file("records/zzu/wang\u{FFFD}.yaml", &text)
}

/// Returns `relative` inside the run's folder with the bytes of `name` as
/// its last part, a name that is not UTF-8.
#[cfg(unix)]
fn raw_path(run: &common::Run, relative: &str, name: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt as _;
    run.path(relative).join(std::ffi::OsStr::from_bytes(name))
}

#[cfg(unix)]
#[test]
fn refuses_site_file_with_lossy_name() {
    let first = with_replacement_character().run(BUILD);
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert!(first.exists("site/zzu/wang\u{FFFD}.html"));
    fs::write(raw_path(&first, "site/zzu", b"wang\xff.html"), "planted").unwrap();

    let second = first.again(BUILD);
    assert_eq!(second.status, 2, "{}", second.stderr);
    assert!(second.stderr.contains("--force"), "{}", second.stderr);
}

#[cfg(unix)]
#[test]
fn spare_file_with_lossy_name_is_deleted() {
    let first = with_replacement_character().run(BUILD);
    let second = first.again(BUILD);
    assert_eq!(second.status, 0, "{}", second.stderr);
    let page = second.path(".site.previous/zzu/wang\u{FFFD}.html");
    let planted = raw_path(&second, ".site.previous/zzu", b"wang\x80.html");
    fs::copy(&page, &planted).unwrap();
    fs::write(&page, "edited by hand").unwrap();

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    let published = fs::read_to_string(third.path("site/zzu/wang\u{FFFD}.html")).unwrap();
    assert!(published.contains("王某乙"), "{published}");
    assert!(!raw_path(&third, "site/zzu", b"wang\x80.html").exists());
}

#[test]
fn empty_folder_in_spare_is_not_published() {
    let first = Fixture::base().run(BUILD);
    let second = first.again(BUILD);
    fs::create_dir_all(second.path(".site.previous/empty/inner")).unwrap();
    fs::create_dir(second.path(".site.previous/zzu/empty")).unwrap();

    let third = second.again(BUILD);
    assert_eq!(third.status, 0, "{}", third.stderr);
    assert!(!third.exists("site/empty"));
    assert!(!third.exists("site/zzu/empty"));
    assert!(third.exists("site/zzu/index.html"));
}

/// Returns whether `unshare -r -m` can make a user and mount namespace, in
/// which a test can mount a tmpfs without root. Prints why a test is
/// skipped when it cannot.
fn mount_namespace_available() -> bool {
    let available = std::process::Command::new("unshare")
        .args(["-r", "-m", "true"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        eprintln!("skipped: `unshare -r -m` cannot make a mount namespace here");
    }
    available
}

/// Runs a build of `fixture` with TMPDIR on a tmpfs of `size` (such as
/// `256k`), mounted in a new user and mount namespace so that no root is
/// needed. Returns `None` where such namespaces are not available.
fn build_with_small_tmpdir(fixture: &Fixture, size: &str) -> Option<common::Run> {
    if !mount_namespace_available() {
        return None;
    }
    let mount = format!(
        "mkdir -p tmp && mount -t tmpfs -o size={size} tmpfs tmp && TMPDIR=\"$PWD/tmp\" exec \"$@\""
    );
    let wrapper = ["unshare", "-r", "-m", "sh", "-c", mount.as_str(), "sh"];
    Some(fixture.run_wrapped(&wrapper, BUILD))
}

#[test]
fn plan_larger_than_full_tmpdir_still_builds() {
    // The plan does not fit in the temporary folder. The text store must
    // keep it in memory and leave the room that the workbooks need there.
    let line = "  每周两次线上辅导数学，每周一次电话问候老人。\n";
    let plan = format!("plan: |\n{}", line.repeat(600_000 / line.len()));
    let fixture = Fixture::base().replace(
        WANG,
        "plan: |\n  每周两次线上辅导数学，每周一次电话问候老人。\n",
        &plan,
    );
    let Some(built) = build_with_small_tmpdir(&fixture, "256k") else {
        return;
    };
    assert_eq!(built.status, 0, "{}", built.stderr);
    let cells = markdown_cells(&built, "site/zzu/wang.html");
    let plan_cell = cells
        .iter()
        .find(|cell| cell.starts_with("每周两次"))
        .expect("the plan's cell");
    assert_eq!(plan_cell.matches("问候老人").count(), 600_000 / line.len());
}

/// A date at which every family of the base campaign is overdue for a
/// visit, so that the status page lists a warning for each.
const OVERDUE: &str = "2020-06-01";

/// Asserts that each line of the site's marker gives the size and the
/// content hash of the file it names.
fn assert_marker_matches_files(run: &common::Run) {
    let listing = fs::read_to_string(run.path("site/.shoulashou-site")).unwrap();
    let lines: Vec<&str> = listing
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect();
    assert!(!lines.is_empty(), "the marker lists no files:\n{listing}");
    for line in lines {
        let mut fields = line.splitn(3, ' ');
        let (hash, size, file) = (
            fields.next().unwrap(),
            fields.next().unwrap(),
            fields.next().expect("a marker line has three fields"),
        );
        let bytes = fs::read(run.path("site").join(file)).unwrap();
        // The marker writes the 128-bit xxh3 hash one nibble a letter, from
        // `a` for 0 to `p` for 15, most significant first.
        let content_hash = xxhash_rust::xxh3::xxh3_128(&bytes);
        let letters: String = (0..32)
            .rev()
            .map(|nibble| char::from(b'a' + (content_hash >> (4 * nibble) & 0xf) as u8))
            .collect();
        assert_eq!(size, bytes.len().to_string(), "size of {file}");
        assert_eq!(hash, letters, "hash of {file}");
    }
}

/// Returns the built-in status page template with `missing`, an attribute
/// that warnings lack, read in every row of the warnings table but the first.
fn status_template_failing_in_warnings() -> String {
    let row = r#"<td><abbr title="{{ warning.name }}">{{ warning.code }}</abbr></td>"#;
    let failing = r#"<td><abbr title="{{ warning.name }}">{{ warning.code }}{% if not loop.first %}{{ warning.missing }}{% endif %}</abbr></td>"#;
    let template = include_str!("../src/templates/status.html");
    assert!(template.contains(row), "the status template has the row");
    template.replace(row, failing)
}

#[test]
fn status_render_failure_keeps_site() {
    let build = ["build", "--as-of", OVERDUE];
    let first = Fixture::base().run(&build);
    assert_eq!(first.status, 0, "{}", first.stderr);
    // The second build leaves the first site as the spare folder, so the
    // failing build below writes into files that already exist.
    let second = first.again(&build);
    assert_eq!(second.status, 0, "{}", second.stderr);
    let before = snapshot(&second);
    fs::create_dir(second.path("templates")).unwrap();
    fs::write(
        second.path("templates/status.html"),
        status_template_failing_in_warnings(),
    )
    .unwrap();

    let failed = second.again(&build);
    assert_eq!(failed.status, 2, "{}", failed.stderr);
    assert!(
        failed.stderr.contains("template `status.html` failed"),
        "{}",
        failed.stderr
    );
    assert!(failed.stderr.contains("`missing`"), "{}", failed.stderr);
    assert_eq!(snapshot(&failed), before);

    fs::remove_dir_all(failed.path("templates")).unwrap();
    let fixed = failed.again(&build);
    assert_eq!(fixed.status, 0, "{}", fixed.stderr);
    assert_eq!(snapshot(&fixed), before);
    assert_marker_matches_files(&fixed);
}

#[test]
fn repeated_builds_stamp_status_page() {
    // The status page grows and shrinks with the overdue families, and each
    // build writes it over the copy that the build before the last left.
    let dates = [AS_OF, OVERDUE, AS_OF, OVERDUE, OVERDUE, AS_OF];
    let mut run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    for date in dates {
        run = run.again(&["build", "--as-of", date]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert_marker_matches_files(&run);

        let fresh = Fixture::base().run(&["build", "--as-of", date]);
        assert_eq!(fresh.status, 0, "{}", fresh.stderr);
        let status = fs::read(run.path("site/status.html")).unwrap();
        let fresh_status = fs::read(fresh.path("site/status.html")).unwrap();
        assert!(status == fresh_status, "status page as of {date}");
    }
}

#[test]
fn full_disk_at_status_page_keeps_site() {
    if !mount_namespace_available() {
        return;
    }
    // The output folder's parent is a tmpfs of 1 MiB. The first build fits
    // in it. The second renders a status page of about 2 MB, which fills the
    // tmpfs, and the third goes back to the built-in template.
    let script = r#"set -e
mkdir disk
mount -t tmpfs -o size=1m tmpfs disk
"$1" build --as-of 2020-03-01 --out disk/site 2>/dev/null
cp -a disk/site before
set +e
"$1" build --as-of 2020-03-01 --out disk/site --templates large
status=$?
cp -a disk/site after
"$1" build --as-of 2020-03-01 --out disk/site 2>/dev/null && cp -a disk/site recovered
exit $status"#;
    let large =
        "{% for i in range(end=40000) %}<p>{{ i }}: a line to fill the disk</p>\n{% endfor %}";
    let fixture = Fixture::base().file("large/status.html", large);
    let wrapper = ["unshare", "-r", "-m", "sh", "-c", script, "sh"];

    let run = fixture.run_wrapped(&wrapper, &[]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(".site.previous/status.html"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("os error 28"), "{}", run.stderr);
    let before = snapshot_of(&run.path("before"));
    assert!(!before.is_empty(), "the first build wrote a site");
    assert_eq!(snapshot_of(&run.path("after")), before);
    assert_eq!(snapshot_of(&run.path("recovered")), before);
}

#[test]
fn full_tmpdir_fails_workbook_with_fix() {
    // A hospital name of 9,000 characters makes a workbook row of about
    // 27 KB, which rust_xlsxwriter cannot write to a 16 KiB temporary
    // folder. It panics there, and the build must report an error instead.
    let hospital = format!("  hospital: {}\n", "医".repeat(9_000));
    let fixture = Fixture::base().replace(WANG, "  hospital: 郑州大学第一附属医院\n", &hospital);
    let Some(built) = build_with_small_tmpdir(&fixture, "16k") else {
        return;
    };
    assert_eq!(built.status, 2, "{}", built.stderr);
    assert!(!built.stderr.contains("panicked"), "{}", built.stderr);
    assert!(
        built.stderr.contains("could not be written"),
        "{}",
        built.stderr
    );
    assert!(
        built.stderr.contains("No space left on device"),
        "{}",
        built.stderr
    );
    assert!(built.stderr.contains("set TMPDIR"), "{}", built.stderr);
    assert!(
        !built.exists("site"),
        "a failed first build publishes no site"
    );
}
