//! Test harness: describes a campaign folder in memory (the valid base under
//! `tests/fixtures/base` plus edits), writes it to a fresh temporary folder,
//! runs the real `shoulashou` binary there and parses what it prints.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::process::Command;

use serde::Deserialize;
use tempfile::TempDir;

/// The build date passed as `--as-of`, so follow-up warnings never depend on today.
pub const AS_OF: &str = "2020-03-01";

/// The campaign file of the base: it lists 郑州大学 (folder `zzu`) and 河南大学 (folder `henu`).
pub const CAMPAIGN: &str = "campaign.yaml";
/// Base family of 郑州大学 with one minor, one elderly person and needs 1, 2, 3.
pub const WANG: &str = "records/zzu/wang.yaml";
/// Base family of 郑州大学 with a landline, no elderly, no minors and need 2.
pub const LI: &str = "records/zzu/li.yaml";
/// Base family of 郑州大学 with needs 3, 4, 5, a `needs_summary` and an `offline` arrangement.
pub const ZHANG: &str = "records/zzu/zhang.yaml";
/// Base team of 郑州大学 with a roster of two that serves WANG, LI and ZHANG.
pub const ZZU_TEAM: &str = "records/zzu/teams/zzu-01.yaml";
/// Base family of 河南大学 with two minors.
pub const ZHAO: &str = "records/henu/zhao.yaml";
/// Base family of 河南大学 with one minor and no `deployment`.
pub const SUN: &str = "records/henu/sun.yaml";
/// Base team of 河南大学 without a roster that serves ZHAO and SUN.
pub const HENU_TEAM: &str = "records/henu/teams/henu-01.yaml";

/// Number of record files in the base (families and teams).
pub const BASE_RECORDS: usize = 7;

const BASE: &[(&str, &str)] = &[
    (CAMPAIGN, include_str!("../fixtures/base/campaign.yaml")),
    (WANG, include_str!("../fixtures/base/records/zzu/wang.yaml")),
    (LI, include_str!("../fixtures/base/records/zzu/li.yaml")),
    (
        ZHANG,
        include_str!("../fixtures/base/records/zzu/zhang.yaml"),
    ),
    (
        ZZU_TEAM,
        include_str!("../fixtures/base/records/zzu/teams/zzu-01.yaml"),
    ),
    (
        ZHAO,
        include_str!("../fixtures/base/records/henu/zhao.yaml"),
    ),
    (SUN, include_str!("../fixtures/base/records/henu/sun.yaml")),
    (
        HENU_TEAM,
        include_str!("../fixtures/base/records/henu/teams/henu-01.yaml"),
    ),
];

/// A campaign folder held in memory, file path (relative to the folder) to contents.
/// Every run writes it to a new temporary folder, so one fixture can run many times.
#[derive(Debug, Clone, Default)]
pub struct Fixture {
    files: BTreeMap<String, Vec<u8>>,
}

impl Fixture {
    /// Returns a folder with no files at all.
    pub fn empty() -> Fixture {
        Fixture::default()
    }

    /// Returns the valid base campaign: no errors and no warnings as of [`AS_OF`].
    pub fn base() -> Fixture {
        let files = BASE
            .iter()
            .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()));
        Fixture {
            files: files.collect(),
        }
    }

    /// Adds a text file, or replaces the whole file when it exists.
    pub fn file(self, path: &str, text: &str) -> Fixture {
        self.bytes(path, text.as_bytes())
    }

    /// Adds a file with raw contents, for text that is not UTF-8.
    pub fn bytes(mut self, path: &str, contents: &[u8]) -> Fixture {
        self.files.insert(path.to_owned(), contents.to_vec());
        self
    }

    /// Replaces the only occurrence of `from` in the file at `path` with `to`.
    /// Panics when `from` occurs zero or several times, so an edit never hits
    /// the wrong line silently after the base changes.
    pub fn replace(mut self, path: &str, from: &str, to: &str) -> Fixture {
        let text = self.text(path);
        let occurrences = text.matches(from).count();
        assert_eq!(
            occurrences, 1,
            "`{from}` occurs {occurrences} times in {path}, expected once"
        );
        let edited = text.replacen(from, to, 1);
        self.files.insert(path.to_owned(), edited.into_bytes());
        self
    }

    /// Deletes the only line of the file at `path` that equals `line`, without its newline.
    pub fn remove_line(self, path: &str, line: &str) -> Fixture {
        let text = self.text(path);
        let matching = text.lines().filter(|candidate| *candidate == line).count();
        assert_eq!(
            matching, 1,
            "the line `{line}` occurs {matching} times in {path}, expected once"
        );
        let remaining: Vec<&str> = text
            .lines()
            .filter(|candidate| *candidate != line)
            .collect();
        let edited = remaining.join("\n") + "\n";
        self.file(path, &edited)
    }

    /// Deletes a file.
    pub fn remove(mut self, path: &str) -> Fixture {
        let removed = self.files.remove(path);
        assert!(removed.is_some(), "{path} is not in the fixture");
        self
    }

    /// Moves a file to another path, keeping its contents.
    pub fn rename(mut self, from: &str, to: &str) -> Fixture {
        let contents = self.files.remove(from);
        let contents = contents.unwrap_or_else(|| panic!("{from} is not in the fixture"));
        self.files.insert(to.to_owned(), contents);
        self
    }

    /// Returns the text of one file, for building a new file from a base one.
    pub fn text(&self, path: &str) -> String {
        let contents = self
            .files
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not in the fixture"));
        String::from_utf8(contents.clone()).unwrap_or_else(|_| panic!("{path} is not UTF-8"))
    }

    /// Runs `check --format json` as of [`AS_OF`].
    pub fn check(&self) -> Run {
        self.check_as_of(AS_OF)
    }

    /// Runs `check --format json` as of the given date.
    pub fn check_as_of(&self, as_of: &str) -> Run {
        self.run(&["check", "--as-of", as_of, "--format", "json"])
    }

    /// Runs `check` as of [`AS_OF`] with text diagnostics on stderr.
    pub fn check_text(&self) -> Run {
        self.run(&["check", "--as-of", AS_OF])
    }

    /// Writes the files into a new temporary folder and runs the binary there
    /// with exactly `arguments`.
    pub fn run(&self, arguments: &[&str]) -> Run {
        self.run_with_env(arguments, &[])
    }

    /// Like [`Fixture::run`], with `env` added to the binary's environment.
    pub fn run_with_env(&self, arguments: &[&str], env: &[(&str, &str)]) -> Run {
        let dir = self.written();
        Run::in_folder(dir, arguments, env)
    }

    /// Like [`Fixture::run`], with the binary started by `wrapper`: the
    /// binary's path and `arguments` are appended to the wrapper's
    /// command line.
    pub fn run_wrapped(&self, wrapper: &[&str], arguments: &[&str]) -> Run {
        let binary = env!("CARGO_BIN_EXE_shoulashou");
        let mut command_line = wrapper.to_vec();
        command_line.push(binary);
        command_line.extend_from_slice(arguments);
        let dir = self.written();
        Run::in_folder_with(dir, &command_line, &[])
    }

    /// Writes the files into a new temporary folder.
    fn written(&self) -> TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder can be created");
        for (path, contents) in &self.files {
            let full = dir.path().join(path);
            let parent = full
                .parent()
                .expect("a fixture path names a file inside the folder");
            fs::create_dir_all(parent).expect("fixture folders can be created");
            fs::write(&full, contents).expect("fixture files can be written");
        }
        dir
    }
}

/// The outcome of one run of the binary. The temporary folder lives as long as this value.
#[derive(Debug)]
pub struct Run {
    pub dir: TempDir,
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The JSON document of `check --format json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    pub records: usize,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// One diagnostic of the JSON document, with a 1-based `line` and `column`.
#[derive(Debug, Clone, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub name: String,
    pub severity: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub key_path: String,
    pub message: String,
    pub hint: String,
}

impl Run {
    /// Runs the binary again in the same folder, as a user would after editing it.
    pub fn again(self, arguments: &[&str]) -> Run {
        Run::in_folder(self.dir, arguments, &[])
    }

    /// Runs the binary with `arguments` in `dir`, with English messages
    /// unless a test passes `--lang zh`, and with no colour.
    fn in_folder(dir: TempDir, arguments: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command_line = vec![env!("CARGO_BIN_EXE_shoulashou")];
        command_line.extend_from_slice(arguments);
        Run::in_folder_with(dir, &command_line, env)
    }

    /// Runs `command_line`, a program and its arguments, in `dir` with the
    /// environment [`Run::in_folder`] describes.
    fn in_folder_with(dir: TempDir, command_line: &[&str], env: &[(&str, &str)]) -> Run {
        let output = Command::new(command_line[0])
            .args(&command_line[1..])
            .envs(env.iter().copied())
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("LANG", "en_US.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .expect("the shoulashou binary starts");
        Run {
            // A signal leaves no exit code, so -1 is used, which fails every status assertion.
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            dir,
        }
    }

    /// Returns the path of `relative` inside the run's folder.
    pub fn path(&self, relative: &str) -> std::path::PathBuf {
        self.dir.path().join(relative)
    }

    /// Parses stdout as the JSON report, showing both streams when it is not one.
    pub fn report(&self) -> Report {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| {
            panic!(
                "stdout is not the JSON report ({error})\n{}",
                self.streams()
            )
        })
    }

    /// Returns the diagnostics of the JSON report, in the order printed.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.report().diagnostics
    }

    /// Returns the codes of all diagnostics, in the order printed.
    pub fn codes(&self) -> Vec<String> {
        self.diagnostics()
            .into_iter()
            .map(|diagnostic| diagnostic.code)
            .collect()
    }

    /// Returns the only diagnostic, failing with the full list when there are more or none.
    pub fn single(&self) -> Diagnostic {
        let mut diagnostics = self.diagnostics();
        assert_eq!(
            diagnostics.len(),
            1,
            "expected exactly one diagnostic\n{}",
            list(&diagnostics)
        );
        diagnostics.remove(0)
    }

    /// Returns whether a path exists inside the run's folder.
    pub fn exists(&self, path: &str) -> bool {
        self.dir.path().join(path).exists()
    }

    /// Returns the names of the entries at the top of the run's folder, sorted.
    pub fn top_entries(&self) -> Vec<String> {
        let entries = fs::read_dir(self.dir.path()).expect("the run's folder can be listed");
        let mut names: Vec<String> = entries
            .map(|entry| {
                entry
                    .expect("a folder entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    fn streams(&self) -> String {
        format!(
            "status: {}\nstdout:\n{}\nstderr:\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

impl Diagnostic {
    /// Asserts the code, the file and the 1-based line and column, one assertion each.
    pub fn assert_at(&self, code: &str, file: &str, line: usize, column: usize) {
        assert_eq!(self.code, code, "code of {self:#?}");
        assert_eq!(self.file, file, "file of {self:#?}");
        assert_eq!(self.line, line, "line of {self:#?}");
        assert_eq!(self.column, column, "column of {self:#?}");
    }
}

fn list(diagnostics: &[Diagnostic]) -> String {
    let mut text = String::new();
    for diagnostic in diagnostics {
        let _ = writeln!(
            text,
            "{} {}:{}:{} {}",
            diagnostic.code,
            diagnostic.file,
            diagnostic.line,
            diagnostic.column,
            diagnostic.message
        );
    }
    text
}
