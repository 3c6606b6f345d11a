//! Command-line behaviour around the diagnostics: colour, language choice
//! from the locale, and `explain`.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use std::process::Command;

use common::{AS_OF, Fixture, WANG};

fn broken_phone() -> Fixture {
    Fixture::base().replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"")
}

#[test]
fn color_always_paints_diagnostics() {
    let run = broken_phone().run(&["check", "--as-of", AS_OF, "--color", "always"]);

    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("\u{1b}[1;31merror[E014]\u{1b}[0m"),
        "{}",
        run.stderr
    );
}

#[test]
fn color_auto_stays_plain_off_terminal() {
    let run = broken_phone().run(&["check", "--as-of", AS_OF, "--color", "auto"]);

    assert_eq!(run.status, 1);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
}

#[test]
fn locale_picks_chinese_messages() {
    let fixture = broken_phone();
    let run = fixture.run(&["check", "--as-of", AS_OF]);
    assert!(run.stderr.starts_with("error[E014]"), "{}", run.stderr);

    // The harness sets LANG=en_US.UTF-8; a Chinese LC_ALL overrides it.
    let dir = run.dir.path().to_path_buf();
    let output = Command::new(env!("CARGO_BIN_EXE_shoulashou"))
        .args(["check", "--as-of", AS_OF, "--color", "never"])
        .current_dir(&dir)
        .env("LANG", "en_US.UTF-8")
        .env("LC_ALL", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("错误[E014]"), "{stderr}");
}

#[test]
fn explain_prints_examples_in_chosen_language() {
    let run = Fixture::empty().run(&["explain", "e014", "--lang", "zh"]);

    assert_eq!(run.status, 0);
    assert!(
        run.stdout.starts_with("E014 invalid-phone"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("错误示例"), "{}", run.stdout);
    assert!(run.stdout.contains("正确示例"), "{}", run.stdout);
}

#[test]
fn explain_rejects_unknown_code() {
    let run = Fixture::empty().run(&["explain", "E999"]);

    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("E999"), "{}", run.stderr);
    assert!(
        run.stderr.contains("E001"),
        "lists the codes: {}",
        run.stderr
    );
}

/// Runs `shoulashou ARGUMENTS` in `dir` with stdout and stderr on a pseudo
/// terminal made by util-linux `script`, so that stderr is a terminal.
/// Returns what the terminal showed, or `None` when `script` is missing.
fn run_on_terminal(dir: &std::path::Path, arguments: &str) -> Option<String> {
    let binary = env!("CARGO_BIN_EXE_shoulashou");
    let output = Command::new("script")
        .args(["-qec", &format!("{binary} {arguments}"), "/dev/null"])
        .current_dir(dir)
        .env("SHOULASHOU_PROGRESS_DELAY_MS", "0")
        .env("LANG", "en_US.UTF-8")
        .env("NO_COLOR", "1")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn build_shows_progress_on_terminal() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    let Some(shown) = run_on_terminal(run.dir.path(), &format!("build --as-of {AS_OF}")) else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    assert!(shown.contains("writing pages and workbooks ["), "{shown}");
    // The bar redraws at most 20 times a second, so not every count shows.
    assert!(shown.contains("/12 "), "the bar counts every file: {shown}");
    assert!(shown.contains("wrote 9 pages and 3 workbooks"), "{shown}");
}

#[test]
fn build_hides_progress_when_quiet_or_piped() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF]);
    if let Some(shown) = run_on_terminal(run.dir.path(), &format!("build --quiet --as-of {AS_OF}"))
    {
        assert!(!shown.contains("writing pages"), "{shown}");
    }
    let piped = Command::new(env!("CARGO_BIN_EXE_shoulashou"))
        .args(["build", "--as-of", AS_OF])
        .current_dir(run.dir.path())
        .env("SHOULASHOU_PROGRESS_DELAY_MS", "0")
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(stderr.contains("wrote "), "{stderr}");
    assert!(!stderr.contains("writing pages"), "{stderr}");
}
