//! The commands: `check` validates and prints diagnostics, `build` also
//! renders the site and workbooks into a staging folder and swaps it in.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::cli::{
    Arguments, BuildArguments, CheckArguments, ColorChoice, Command, CommonArguments,
    ExplainArguments, Format, ImportArguments,
};
use crate::diagnostic::{ALL_CHECKS, Diagnostic};
use crate::emit::{self, Style};
use crate::error::Error;
use crate::explain;
use crate::import;
use crate::lang::Lang;
use crate::load::{self, LoadOptions, Loaded, RecordCache};
use crate::output::{
    self, Committed, Memo, MemoEntry, OutputWatch, Sink, Staging, Untouched, Written,
};
use crate::progress::{Progress, Step};
use crate::render::{self, RenderOptions, Rendered, ViewHashes};
use crate::scaffold;
use crate::schema;
use crate::stored::TextStore;
use crate::summary::{Summary, UniversityReport};
use crate::workbook::{self, ProvinceRows};

/// Exit status: the records are valid (warnings allowed) and any output was written.
pub const EXIT_OK: u8 = 0;
/// Exit status: at least one record is invalid.
pub const EXIT_INVALID: u8 = 1;
/// Exit status: bad usage, or a file could not be read or written.
pub const EXIT_FAILURE: u8 = 2;

/// Output settings of a command: quiet or not, the language, colour or not.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    pub quiet: bool,
    pub style: Style,
}

/// Outcome of one build that ran to the end.
#[derive(Debug)]
pub(crate) struct Built {
    /// [`EXIT_OK`] when the site was replaced, else the status `build` exits with.
    pub status: u8,
    /// The diagnostics, their count line and why nothing was written, as
    /// uncoloured text; empty when the site was replaced.
    pub report: String,
}

/// Runs one command and returns its exit status.
pub fn run(arguments: Arguments) -> u8 {
    let environment = |name: &str| std::env::var(name).ok();
    let lang = arguments
        .lang
        .unwrap_or_else(|| Lang::from_locale(environment));
    let color = use_color(
        arguments.color,
        environment("NO_COLOR"),
        std::io::stderr().is_terminal(),
    );
    let printer = Printer {
        quiet: arguments.quiet,
        style: Style { lang, color },
    };
    let result = match &arguments.command {
        Command::Check(check) => run_check(check, printer),
        Command::Build(build) => run_build(build, printer),
        Command::Explain(explain) => run_explain(explain, lang),
        Command::New(new) => scaffold::run(new, lang, arguments.quiet).map(|()| EXIT_OK),
        Command::Schema(schema) => schema::run(schema).map(|_| EXIT_OK),
        Command::Import(import) => run_import(import, printer),
        Command::Serve(serve) => crate::serve::run_serve(serve, printer),
    };
    match result {
        Ok(status) => status,
        Err(error) => {
            let label = if lang == Lang::Zh { "错误" } else { "error" };
            eprintln!("{label}: {error}");
            EXIT_FAILURE
        }
    }
}

/// Decides whether to colour diagnostics: `auto` colours a terminal unless
/// `NO_COLOR` is set to anything but the empty string.
fn use_color(choice: ColorChoice, no_color: Option<String>, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && no_color.is_none_or(|value| value.is_empty()),
    }
}

fn run_explain(arguments: &ExplainArguments, lang: Lang) -> Result<u8, Error> {
    match explain::lookup(&arguments.code) {
        Some((check, explanation)) => {
            print!("{}", explain::render_explanation(&check, explanation, lang));
            Ok(EXIT_OK)
        }
        None => {
            let codes: Vec<&str> = ALL_CHECKS.iter().map(|check| check.code).collect();
            Err(Error::Usage(format!(
                "`{}` is not a check code; the codes are {}",
                arguments.code,
                codes.join(", ")
            )))
        }
    }
}

fn run_import(arguments: &ImportArguments, printer: Printer) -> Result<u8, Error> {
    let options = import::ImportOptions {
        workbook: arguments.workbook.clone(),
        university: arguments.university.trim().to_owned(),
        records: arguments.records.clone(),
        lang: printer.style.lang,
    };
    let report = import::import(&options)?;
    let warning = if printer.style.lang == Lang::Zh {
        "警告"
    } else {
        "warning"
    };
    for message in &report.warnings {
        eprintln!("{warning}: {}", message.get(printer.style.lang));
    }
    // The paths written are the command's data, so scripts can `git add` them.
    for path in &report.written {
        println!("{}", path.display());
    }
    if !printer.quiet {
        eprintln!("{}", import::summary_line(&report, &options));
    }
    Ok(EXIT_OK)
}

fn run_check(arguments: &CheckArguments, printer: Printer) -> Result<u8, Error> {
    let loaded = match arguments
        .common
        .load_options()
        .and_then(|options| load::load(&options))
    {
        Ok(loaded) => loaded,
        Err(error) if arguments.format == Format::Json => {
            // Programs reading stdout get a document whatever happened.
            print_json(&emit::json_failure(&error.to_string()));
            eprintln!("error: {error}");
            return Ok(EXIT_FAILURE);
        }
        Err(error) => return Err(error),
    };
    if arguments.format == Format::Json {
        let lang = printer.style.lang;
        print_json(&emit::json_report(
            &loaded.diagnostics,
            loaded.records_read,
            lang,
        ));
    } else {
        print_diagnostics(&loaded, printer, None);
    }
    let status = status_of(&loaded, &arguments.common);
    leave_to_exit(loaded);
    Ok(status)
}

/// Leaves `records` for the operating system to free when the process
/// exits, because `check` and `build` exit right after. Dropping 100,000
/// families one by one took about a tenth of a second on one core.
fn leave_to_exit<T>(records: T) {
    std::mem::forget(records);
}

fn print_json(report: &emit::JsonReport) {
    // Serializing plain structs of strings and numbers cannot fail.
    let json = serde_json::to_string_pretty(report).expect("diagnostics serialize to JSON");
    println!("{json}");
}

fn run_build(arguments: &BuildArguments, printer: Printer) -> Result<u8, Error> {
    build_site(arguments, printer, None).map(|built| built.status)
}

/// State that a series of builds into one output folder, such as those of
/// `serve`, keeps from one build to the next.
#[derive(Debug, Default)]
pub struct Session {
    memo: Memo,
    /// Notices changes that other programs make to the output and spare
    /// folders; started by the first build.
    watch: Option<OutputWatch>,
    /// The rows of the province workbook of the last build that made one.
    province_rows: ProvinceRows,
    /// The hashes of the last build's university views.
    views: ViewHashes,
    records: RecordCache,
    /// Fingerprints of the diagnostics of the last build, which the next
    /// build does not print again unless they are errors.
    reported: Option<Fingerprints>,
}

impl Session {
    /// Gives the next build a scan of the records folder, as
    /// [`RecordCache::use_listing`] does.
    pub fn use_listing(&mut self, listing: Option<load::Listing>) {
        self.records.use_listing(listing);
    }

    /// Checks the spare folder of `out` against its marker, once a build of
    /// this session wrote the output folder but none wrote the spare
    /// folder, and records it in the memo. Without this, the next build
    /// lists the spare folder itself. A folder that cannot be checked is
    /// left to that build.
    pub fn prepare_spare(&mut self, out: &Path) {
        if !self.memo.lacks_spare() {
            return;
        }
        let Some(watch) = self.watch.as_mut() else {
            return;
        };
        let (Ok(Some(verified)), Ok(resolved)) =
            (output::verify_spare(out), output::resolve_output(out))
        else {
            return;
        };
        let spare = output::spare_folder(&resolved);
        watch.adopt(&spare, verified.folders.iter().map(String::as_str));
        self.memo.adopt_spare(verified);
    }

    /// Returns which of the output folder `out` and its spare folder still
    /// contain what the memo records, because nothing else changed them
    /// since this session's builds wrote them.
    fn trusted(&mut self, out: &Path) -> Untouched {
        let Ok(out) = output::resolve_output(out) else {
            return Untouched::default();
        };
        if self.watch.is_none() {
            self.watch = OutputWatch::new();
        }
        let Some(watch) = self.watch.as_mut() else {
            return Untouched::default();
        };
        let untouched = watch.before_build(&out, &output::spare_folder(&out));
        self.memo.still_describes(&out, untouched)
    }
}

/// Validates the records and, when they are valid, renders the site into a
/// staging folder and swaps it in for `arguments.out`. Diagnostics are
/// printed on stderr as they are by `build`. With a session, only the pages
/// and workbooks whose data changed since its last build are rendered.
pub(crate) fn build_site(
    arguments: &BuildArguments,
    printer: Printer,
    session: Option<&mut Session>,
) -> Result<Built, Error> {
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let progress = Arc::new(Progress::new(
        terminal && !printer.quiet,
        printer.style.lang,
    ));
    // A single build reads every record before rendering the first page,
    // so it keeps the text that only family pages show in a temporary file
    // meanwhile. A series of
    // builds keeps them in memory, as it takes unchanged records over from
    // one build to the next.
    let options = LoadOptions {
        keep_text: true,
        store: session.is_none().then(TextStore::new).flatten(),
        ..arguments.common.load_options()?
    };
    let templates_dir = arguments.templates_dir()?;
    let mut protected = vec![options.records.as_path()];
    protected.extend(templates_dir.as_deref());
    protected.extend(options.campaign.as_deref());
    output::ensure_outside(&arguments.out, &protected)?;
    let from_command_line = session.is_none();
    let mut session = session;
    let cache = session.as_deref_mut().map(|session| &mut session.records);
    let loaded = load::load_cached(&options, cache, &progress)?;
    progress.clear();
    // A single build returns what loading freed before it renders. A series
    // of builds keeps that memory for its next load.
    if session.is_none() {
        crate::memory::release_free_memory();
    }
    // A series of builds prints a diagnostic again only when it is an error
    // or was not found by the last build, so that a rebuild's output shows
    // what changed instead of every warning of the campaign.
    let fingerprints = session
        .as_ref()
        .map(|_| diagnostic_fingerprints(&loaded.diagnostics));
    let reported = session
        .as_deref_mut()
        .and_then(|session| session.reported.take());
    // With `--deny-warnings` every warning stops the build as an error
    // does, so each is printed again.
    let earlier = reported
        .as_ref()
        .zip(fingerprints.as_deref())
        .filter(|_| !arguments.common.deny_warnings);
    if let Some(session) = session.as_deref_mut() {
        session.reported = fingerprints
            .as_deref()
            .map(|found| found.iter().copied().collect());
    }
    let status = status_of(&loaded, &arguments.common);
    if status != EXIT_OK {
        print_diagnostics(&loaded, printer, earlier);
        let stopped = match printer.style.lang {
            Lang::Zh => "错误：因为上面的错误，没有生成任何文件",
            Lang::En => "error: the build stopped because of the errors above; nothing was written",
        };
        eprintln!("{stopped}");
        let plain = Printer {
            quiet: false,
            style: Style {
                color: false,
                ..printer.style
            },
        };
        let report = format!("{}{stopped}\n", diagnostics_text(&loaded, plain));
        return Ok(Built { status, report });
    }

    // Which of the output and spare folders still contain what the
    // session's builds left there, so that they need not be listed.
    let trusted = match session.as_deref_mut() {
        Some(session) => session.trusted(&arguments.out),
        None => Untouched::default(),
    };
    let written = write_site(
        arguments,
        templates_dir,
        &loaded,
        || print_diagnostics(&loaded, printer, earlier),
        trusted,
        &progress,
        session.as_deref(),
    );
    let (outputs, committed) = match written {
        Ok(written) => written,
        Err(error) => {
            if let Some(watch) = session.and_then(|session| session.watch.as_mut()) {
                watch.failed();
            }
            return Err(error);
        }
    };
    let Outputs {
        pages,
        workbooks,
        written,
        changed,
        province_rows,
        views,
    } = outputs;
    if let Some(session) = session {
        session.views = views;
        if let Some(rows) = province_rows {
            session.province_rows = rows;
        }
        if let Some(watch) = session.watch.as_mut() {
            match output::resolve_output(&arguments.out) {
                Ok(out) => watch.committed(&out, folders_of(&written)),
                Err(_) => watch.failed(),
            }
        }
        session.memo.record(written, &committed);
    }
    if !printer.quiet {
        let (out, seconds) = (arguments.out.display(), started.elapsed().as_secs_f64());
        let changed = changed.map(|count| match printer.style.lang {
            Lang::Zh => format!("；其中 {count} 个有变化"),
            Lang::En => format!("; {count} changed"),
        });
        let changed = changed.unwrap_or_default();
        match printer.style.lang {
            Lang::Zh => eprintln!(
                "已生成 {pages} 个网页和 {workbooks} 个工作簿，保存在 {out}，用时 {seconds:.2} 秒{changed}"
            ),
            Lang::En => eprintln!(
                "wrote {pages} pages and {workbooks} workbooks to {out} in {seconds:.2} s{changed}"
            ),
        }
    }
    if from_command_line {
        leave_to_exit(loaded);
    }
    Ok(Built {
        status: EXIT_OK,
        report: String::new(),
    })
}

/// Prints the diagnostics with `print`, prepares the spare folder, writes
/// every page and workbook into it and swaps it in for the output folder.
/// Returns what was written and the marker left in the output folder.
fn write_site(
    arguments: &BuildArguments,
    templates_dir: Option<PathBuf>,
    loaded: &Loaded,
    print: impl FnOnce() + Send,
    trusted: Untouched,
    progress: &Arc<Progress>,
    session: Option<&Session>,
) -> Result<(Outputs, Committed), Error> {
    // Printing the diagnostics, computing the summary and preparing the
    // spare folder are independent, so they run side by side. The printing
    // ends before the progress bar can show again, and before an error of
    // the spare folder is reported, so that lines never interleave.
    let (summary, staging) = std::thread::scope(|scope| {
        let printing = scope.spawn(print);
        let prepared = rayon::join(
            || {
                Summary::with_digests(
                    &loaded.campaign,
                    &loaded.families,
                    &loaded.family_digests,
                    &loaded.teams,
                    &loaded.diagnostics,
                    loaded.as_of,
                )
            },
            || Staging::create(&arguments.out, arguments.force, trusted),
        );
        let _ = printing.join();
        prepared
    });
    let render_options = RenderOptions {
        masked: !arguments.unmasked,
        templates_dir,
    };
    let staging = staging?
        .with_progress(Arc::clone(progress))
        .unmasked(arguments.unmasked);
    let memo = session.map(|session| &session.memo);
    let staging = match memo {
        Some(memo) => staging.written_by(memo),
        None => staging,
    };
    progress.start(Step::Write, output_count(&summary));
    let empty = ProvinceRows::default();
    let province_rows = session.map_or(&empty, |session| &session.province_rows);
    let no_views = ViewHashes::default();
    let views = session.map_or(&no_views, |session| &session.views);
    let outputs = write_outputs(
        &summary,
        &render_options,
        &staging,
        memo,
        province_rows,
        views,
    );
    progress.clear();
    if session.is_none() {
        leave_to_exit(summary);
        crate::memory::release_free_memory();
    }
    match outputs {
        Ok(outputs) => {
            let empty = Memo::default();
            let committed = staging.commit(&outputs.written, memo.unwrap_or(&empty))?;
            Ok((outputs, committed))
        }
        Err(error) => {
            staging.discard();
            Err(error)
        }
    }
}

/// Returns every folder below the site that contains one of `written`,
/// each once, with `/` separators.
fn folders_of(written: &[Written]) -> Vec<&str> {
    let mut folders: foldhash::HashSet<&str> = foldhash::HashSet::default();
    for file in written {
        let mut path = file.file.as_str();
        while let Some((folder, _)) = path.rsplit_once('/') {
            if !folders.insert(folder) {
                break;
            }
            path = folder;
        }
    }
    folders.into_iter().collect()
}

/// Returns how many files a build writes: the overview, the status page and
/// the province workbook, a page and a workbook per university, and a page
/// per family.
fn output_count(summary: &Summary) -> usize {
    let universities = &summary.universities;
    let families: usize = universities
        .iter()
        .map(|report| report.families.len())
        .sum();
    3 + 2 * universities.len() + families
}

/// Counts and records of the files one build wrote.
struct Outputs {
    pages: usize,
    workbooks: usize,
    /// The pages in page order, then the workbooks.
    written: Vec<Written>,
    /// How many files were rendered because their data changed, when the
    /// build had a memo.
    changed: Option<usize>,
    /// The rows of the province workbook, when it was made anew.
    province_rows: Option<ProvinceRows>,
    /// The hashes of the university views, for the next build.
    views: ViewHashes,
}

/// Writes every page and workbook into `staging`. With the memo of the last
/// build, files whose data is unchanged are taken over instead of rendered.
/// Pages and workbooks are written at the same time, so that the long
/// province workbook, which is compressed on one core, overlaps the pages.
fn write_outputs(
    summary: &Summary,
    options: &RenderOptions,
    staging: &Staging,
    memo: Option<&Memo>,
    province_rows: &ProvinceRows,
    views: &ViewHashes,
) -> Result<Outputs, Error> {
    let (pages, workbooks) = rayon::join(
        || match memo {
            Some(memo) => render::render_site_with(summary, options, staging, memo, views),
            None => render::render_site(summary, options, staging).map(|written| Rendered {
                written,
                rendered: 0,
                views: ViewHashes::default(),
            }),
        },
        || write_workbooks(summary, staging, memo, province_rows),
    );
    let Rendered {
        mut written,
        rendered,
        views,
    } = pages?;
    let workbooks = workbooks?;
    let changed = memo.map(|_| {
        let workbooks_changed = workbooks.iter().filter(|book| book.changed).count();
        rendered + workbooks_changed
    });
    let pages = written.len();
    let count = workbooks.len();
    let mut made_from = None;
    for book in workbooks {
        written.push(book.written);
        made_from = made_from.or(book.province_rows);
    }
    Ok(Outputs {
        pages,
        workbooks: count,
        written,
        changed,
        province_rows: made_from,
        views,
    })
}

/// One workbook of a build.
struct Workbook {
    written: Written,
    /// Whether it was made anew rather than taken over.
    changed: bool,
    /// The rows of the province workbook, when it was made anew.
    province_rows: Option<ProvinceRows>,
}

/// Writes the province workbook and one workbook per university. With a
/// memo, the province workbook takes over the rows of `province_rows` that
/// are unchanged, and the rows it was made from are returned with it.
fn write_workbooks(
    summary: &Summary,
    staging: &Staging,
    memo: Option<&Memo>,
    province_rows: &ProvinceRows,
) -> Result<Vec<Workbook>, Error> {
    let root = staging.root();
    let digests: Vec<u128> = summary
        .universities
        .par_iter()
        .map(workbook::rows_digest)
        .collect();

    // `None` stands for the province workbook, so that it is one more task
    // among the university workbooks, each given with its index.
    let tasks: Vec<Option<(usize, &UniversityReport)>> = std::iter::once(None)
        .chain(summary.universities.iter().enumerate().map(Some))
        .collect();
    tasks
        .par_iter()
        .map(|task| {
            let file = match task {
                None => workbook::PROVINCE_WORKBOOK.to_owned(),
                Some((_, report)) => {
                    let name = workbook::university_workbook_name(&report.name);
                    let folder = render::checked_file_name(root, &report.folder)?;
                    format!("{folder}/{name}")
                }
            };
            let hash = memo.map(|_| match task {
                None => workbook::province_fingerprint(summary, &digests),
                Some((index, report)) => {
                    workbook::university_fingerprint(report, summary.campaign, digests[*index])
                }
            });
            let entry = memo.and_then(|memo| memo.entry(&file));
            let spare = entry.and_then(MemoEntry::spare);
            let kept = match entry
                .zip(hash)
                .and_then(|(entry, hash)| entry.unchanged(hash))
            {
                Some(stamp) if staging.keep(&file, stamp, spare)? => Some(stamp),
                _ => None,
            };
            let mut rows = None;
            let stamp = match kept {
                Some(stamp) => stamp,
                None => {
                    let path = root.join(&file);
                    let bytes = match task {
                        // Only a session builds again, so a build without
                        // one streams the rows and keeps none.
                        None if memo.is_none() => workbook::province_workbook(summary, &path)?,
                        None => {
                            let (bytes, made_from) = workbook::province_workbook_with(
                                summary,
                                &path,
                                &digests,
                                province_rows,
                            )?;
                            rows = Some(made_from);
                            bytes
                        }
                        Some((_, report)) => {
                            workbook::university_workbook(report, summary.campaign, &path)?
                        }
                    };
                    staging.put(&file, &bytes, spare)?
                }
            };
            Ok(Workbook {
                written: Written {
                    file,
                    data: hash,
                    stamp,
                },
                changed: kept.is_none(),
                province_rows: rows,
            })
        })
        .collect()
}

fn status_of(loaded: &Loaded, common: &CommonArguments) -> u8 {
    let blocking_warnings = common.deny_warnings && loaded.warning_count() > 0;
    if loaded
        .diagnostics
        .iter()
        .any(|d| d.check.code == crate::diagnostic::UNREADABLE_FILE.code)
    {
        EXIT_FAILURE
    } else if loaded.error_count() > 0 || blocking_warnings {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}

/// Fingerprints of diagnostics, to tell one build's diagnostics from the next's.
type Fingerprints = foldhash::HashSet<u128>;

/// Returns a fingerprint of each diagnostic, at the same index: a hash of
/// its check, file, key path, position and message.
fn diagnostic_fingerprints(diagnostics: &[Diagnostic]) -> Vec<u128> {
    diagnostics
        .par_iter()
        .map(|diagnostic| {
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            let mut text = |text: &[u8]| {
                hasher.update(&(text.len() as u64).to_le_bytes());
                hasher.update(text);
            };
            text(diagnostic.check.code.as_bytes());
            text(diagnostic.file.as_os_str().as_encoded_bytes());
            text(diagnostic.key_path.as_bytes());
            text(diagnostic.message.en.as_bytes());
            text(diagnostic.message.zh.as_bytes());
            let (start, end) = (diagnostic.start, diagnostic.end);
            for number in [start.line, start.column, end.line, end.column] {
                hasher.update(&(number as u64).to_le_bytes());
            }
            hasher.digest128()
        })
        .collect()
}

/// Prints the diagnostics and the count line on stderr. With the
/// fingerprints of the last build's diagnostics and of these, only errors
/// and diagnostics that the last build did not find are printed, followed
/// by a line with the number of warnings left out.
fn print_diagnostics(loaded: &Loaded, printer: Printer, earlier: Option<(&Fingerprints, &[u128])>) {
    let printed: Vec<&Diagnostic> = match earlier {
        None => loaded.diagnostics.iter().collect(),
        Some((reported, fingerprints)) => loaded
            .diagnostics
            .iter()
            .zip(fingerprints)
            .filter(|(diagnostic, fingerprint)| {
                diagnostic.is_error() || !reported.contains(*fingerprint)
            })
            .map(|(diagnostic, _)| diagnostic)
            .collect(),
    };
    // Written a window at a time, so that tens of thousands of warnings are
    // never held as one text. Stderr is locked only while a rendered window
    // is written. A rendering job that prints, such as a panic message, would
    // otherwise wait for the lock while this thread waits for the job.
    let stderr = std::io::stderr();
    for window in printed.chunks(PRINT_WINDOW) {
        let chunks = render_chunks(window, loaded, printer);
        let mut locked = stderr.lock();
        for chunk in chunks {
            let _ = locked.write_all(chunk.as_bytes());
        }
    }
    let mut stderr = stderr.lock();
    let left_out = loaded.diagnostics.len() - printed.len();
    if left_out > 0 {
        let line = match printer.style.lang {
            Lang::Zh => format!("上次生成时已显示的 {left_out} 条警告没有再次列出"),
            Lang::En if left_out == 1 => {
                "1 warning shown by the last build is not listed again".to_owned()
            }
            Lang::En => {
                format!("{left_out} warnings shown by the last build are not listed again")
            }
        };
        let _ = writeln!(stderr, "{line}");
    }
    let _ = stderr.write_all(count_text(loaded, printer).as_bytes());
}

/// Diagnostics rendered at a time by [`print_diagnostics`].
const PRINT_WINDOW: usize = 16 * DIAGNOSTIC_CHUNK;

/// Diagnostics rendered together on one core.
const DIAGNOSTIC_CHUNK: usize = 256;

/// Renders every diagnostic and, unless quiet with nothing to report, the count line.
fn diagnostics_text(loaded: &Loaded, printer: Printer) -> String {
    let all: Vec<&Diagnostic> = loaded.diagnostics.iter().collect();
    let mut text = render_chunks(&all, loaded, printer).concat();
    text.push_str(&count_text(loaded, printer));
    text
}

/// Renders `diagnostics` in chunks on all cores, returned in order. Each
/// chunk keeps the source line it split last, as diagnostics come sorted.
fn render_chunks(diagnostics: &[&Diagnostic], loaded: &Loaded, printer: Printer) -> Vec<String> {
    diagnostics
        .par_chunks(DIAGNOSTIC_CHUNK)
        .map(|chunk| {
            let mut text = String::new();
            let mut cache = emit::LineCache::default();
            for diagnostic in chunk {
                text.push_str(&emit::render_text_with(
                    diagnostic,
                    &loaded.sources,
                    printer.style,
                    &mut cache,
                ));
                text.push('\n');
            }
            text
        })
        .collect()
}

/// Returns the count line, unless quiet with nothing to report.
fn count_text(loaded: &Loaded, printer: Printer) -> String {
    if printer.quiet && loaded.diagnostics.is_empty() {
        return String::new();
    }
    let line = emit::count_line(
        loaded.error_count(),
        loaded.warning_count(),
        loaded.records_read,
        printer.style.lang,
    );
    format!("{line}\n")
}
