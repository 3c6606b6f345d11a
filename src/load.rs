//! Finds the record files under the records folder, reads and decodes each
//! one on all cores, runs every check and resolves each diagnostic's line
//! and column. Nothing here writes a file.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs;
use std::hash::Hash as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use serde_yaml::Value;
use walkdir::{DirEntry, WalkDir};

use crate::across::{self, InvalidRecords};
use crate::campaign::Campaign;
use crate::check;
use crate::date::Date;
use crate::decode::Decoder;
use crate::diagnostic::{self as checks, Diagnostic, Position, Text};
use crate::digest::Digest;
use crate::emit::SourceLines;
use crate::error::Error;
use crate::form;
use crate::full_width;
use crate::locate::SourceMap;
use crate::names;
use crate::progress::{Progress, Step};
use crate::record::{Family, Source, Team, team_key};
use crate::stored::TextStore;
use crate::syntax;

/// Inputs of loading: the records folder, the campaign file and the build date.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub records: PathBuf,
    /// The campaign file, when one is used.
    pub campaign: Option<PathBuf>,
    /// Build date given on the command line; else the campaign's, else today.
    pub as_of: Option<Date>,
    /// Keep the whole text of each family for the pages. Without it, only
    /// what the checks across records read is kept, which is a fraction of
    /// the memory: plans alone are most of a campaign's text.
    pub keep_text: bool,
    /// With `keep_text`, the store that takes the text only each family's
    /// own page shows once its file is checked. Without one, that text
    /// stays in memory.
    pub store: Option<Arc<TextStore>>,
}

/// Valid records, the campaign and every problem found.
#[derive(Debug)]
pub struct Loaded {
    pub campaign: Campaign,
    /// Date the follow-up checks counted from.
    pub as_of: Date,
    /// Shared, so that collecting them copies no record and a
    /// [`RecordCache`] can hand them to the next load.
    pub families: Vec<Arc<Family>>,
    /// A hash of each family record, at the family's index, computed when
    /// the load had a [`RecordCache`]; empty otherwise.
    pub family_digests: Vec<u128>,
    /// Shared as the families are.
    pub teams: Vec<Arc<Team>>,
    /// Sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// Sources of the files that have diagnostics, for printing snippets.
    /// Shared with a [`RecordCache`], which keeps the lines of each file
    /// it decoded.
    pub sources: HashMap<PathBuf, Arc<SourceLines>>,
    /// Number of record files read.
    pub records_read: usize,
}

impl Loaded {
    /// Returns the number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Returns the number of warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

/// The kind of record a file holds, decided by the folder it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Family,
    Team,
}

enum Decoded {
    /// The family, with a hash of the whole record when one was asked for.
    Family(Arc<Family>, Option<u128>),
    Team(Arc<Team>),
    /// A record with errors, with what other records may refer to.
    Invalid(Option<Box<Partial>>),
}

/// The links of an invalid record to other records.
enum Partial {
    Family { university: String, team: String },
    Team { id: String },
}

/// Loads and checks every record. Fails only when the records folder or the
/// campaign file cannot be used at all; problems in records are diagnostics.
pub fn load(options: &LoadOptions) -> Result<Loaded, Error> {
    load_cached(options, None, &Progress::disabled())
}

/// The decoded record files of the last load, kept by `serve` between
/// rebuilds, so that a rebuild decodes only the files that changed. The
/// checks across records still run over every record on each load.
#[derive(Default)]
pub struct RecordCache {
    /// What every cached result depends on besides its own file.
    context: Option<CacheContext>,
    /// The record files of the last load with their results.
    last: Option<LastDecodes>,
    /// The last listing that record files were picked from, so that a
    /// listing of the same paths is not filtered and sorted again.
    picked: Option<Picked>,
    /// Every regular file under the records folder with its stamp, as a
    /// scan just before the next load found them. That load takes it in
    /// place of walking the folder and reading each file's metadata again.
    listing: Option<Listing>,
}

/// Record files in walk order, each with its kind, shared between a load
/// and the cache.
type RecordFiles = Arc<[(PathBuf, Kind)]>;

/// The record files of one load and the result of each, at the same index.
struct LastDecodes {
    files: RecordFiles,
    /// The stamp each file had when it was decoded, and the result. A file
    /// whose stamp was `None` is decoded again by the next load.
    results: Vec<(Option<FileStamp>, Arc<DecodedFile>)>,
}

/// The record files picked out of one listing.
struct Picked {
    /// The records folder that was listed.
    records: PathBuf,
    /// Every path of the listing, in its order.
    listed: Vec<PathBuf>,
    /// The index in `listed` of each record file, in walk order.
    order: Vec<usize>,
    files: RecordFiles,
}

/// Finds the result of the last load for a file of this load. When both
/// loads found the same files, as rebuilds usually do, it is at the same
/// index, and otherwise it is looked up by path.
struct PreviousResults<'a> {
    last: &'a LastDecodes,
    /// The index of each path in the last load, when its files differ.
    by_path: Option<foldhash::HashMap<&'a OsStr, usize>>,
}

impl<'a> PreviousResults<'a> {
    fn new(last: &'a LastDecodes, files: &RecordFiles) -> PreviousResults<'a> {
        let same = Arc::ptr_eq(&last.files, files) || same_paths(&last.files, files);
        let by_path = (!same).then(|| {
            last.files
                .iter()
                .enumerate()
                .map(|(index, (path, _))| (path.as_os_str(), index))
                .collect()
        });
        PreviousResults { last, by_path }
    }

    fn get(&self, index: usize, path: &Path) -> Option<&'a (Option<FileStamp>, Arc<DecodedFile>)> {
        let index = match &self.by_path {
            None => index,
            Some(by_path) => *by_path.get(path.as_os_str())?,
        };
        self.last.results.get(index)
    }
}

/// Returns whether two lists of record files name the same paths in the
/// same order. Paths are compared as bytes, which is cheaper than comparing
/// their components and exact for paths made by the same walk or scan.
fn same_paths(left: &[(PathBuf, Kind)], right: &[(PathBuf, Kind)]) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .all(|((left, _), (right, _))| left.as_os_str() == right.as_os_str())
}

/// Regular files found under a records folder, each with its stamp.
#[derive(Debug)]
pub struct Listing {
    pub records: PathBuf,
    pub files: Vec<(PathBuf, FileStamp)>,
}

impl RecordCache {
    /// Gives the next load the files of a complete scan of the records
    /// folder, one that met no unreadable folder. With `None`, the next load
    /// walks the folder itself. A load of another records folder ignores the
    /// listing, and the next load uses it up whether it succeeds or not.
    pub fn use_listing(&mut self, listing: Option<Listing>) {
        self.listing = listing;
    }
}

impl std::fmt::Debug for RecordCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RecordCache")
            .field(
                "files",
                &self.last.as_ref().map_or(0, |last| last.results.len()),
            )
            .finish()
    }
}

/// The inputs that the result of decoding a file depends on besides the
/// file itself: the campaign file's content, the build date and whether
/// whole records are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CacheContext {
    records: PathBuf,
    campaign: Option<u128>,
    as_of: Date,
    keep_text: bool,
}

/// The size and modification time of a record file, which tell whether it
/// changed since it was decoded; `serve` watches the same two.
pub type FileStamp = (u64, Option<SystemTime>);

fn file_stamp(path: &Path) -> Option<FileStamp> {
    let metadata = fs::metadata(path).ok()?;
    Some((metadata.len(), metadata.modified().ok()))
}

/// Like [`load`], reporting each file decoded to `progress` and, with a
/// cache, decoding only the files whose size or modification time changed
/// since the last load that used it.
pub fn load_cached(
    options: &LoadOptions,
    cache: Option<&mut RecordCache>,
    progress: &Progress,
) -> Result<Loaded, Error> {
    let mut cache = cache;
    // Taken first, so that a load that stops early uses it up too: a later
    // load must never take an older scan for a new one.
    let listing = cache
        .as_deref_mut()
        .and_then(|cache| cache.listing.take())
        .filter(|listing| listing.records == options.records);
    let mut diagnostics = Vec::new();
    let campaign = match &options.campaign {
        Some(path) => load_campaign(path, &mut diagnostics)?,
        None => Campaign::default(),
    };

    let as_of = options.as_of.or(campaign.as_of).unwrap_or_else(Date::today);
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Deadlines, the university list and the build date all come from the
        // campaign file, so checking records against a broken one would only
        // report problems that are not there.
        let sources = resolve_positions(&mut diagnostics, |_| None);
        return Ok(Loaded {
            campaign,
            as_of,
            families: Vec::new(),
            family_digests: Vec::new(),
            teams: Vec::new(),
            diagnostics,
            sources,
            records_read: 0,
        });
    }
    let (files, stamps) = match listing {
        Some(listing) => {
            // A scan of a folder that is gone lists no files, which must not
            // pass for an empty campaign.
            ensure_records_folder(&options.records)?;
            match cache.as_deref_mut() {
                Some(cache) => {
                    let (files, stamps) = pick_records(listing, &mut cache.picked);
                    (files, Some(stamps))
                }
                None => {
                    let (files, stamps, _) = records_of(listing);
                    (files.into(), Some(stamps))
                }
            }
        }
        None => {
            let (files, walk_problems) = find_records(&options.records)?;
            diagnostics.extend(walk_problems);
            (files.into(), None)
        }
    };
    let files: RecordFiles = files;
    progress.start(Step::Check, files.len());
    let context = CacheContext {
        records: options.records.clone(),
        campaign: options.campaign.as_deref().and_then(|path| {
            let bytes = fs::read(path).ok()?;
            Some(xxhash_rust::xxh3::xxh3_128(&bytes))
        }),
        as_of,
        keep_text: options.keep_text,
    };
    if let Some(cache) = cache.as_deref_mut()
        && cache.context.as_ref() != Some(&context)
    {
        cache.last = None;
        cache.context = Some(context);
    }
    // Stamps matter only to a cache, so a load without one reads none.
    let cached = cache.is_some();
    let last = cache.as_deref().and_then(|cache| cache.last.as_ref());
    let previous = last.map(|last| PreviousResults::new(last, &files));
    let decoded: Vec<(Option<FileStamp>, Arc<DecodedFile>)> = files
        .par_iter()
        .enumerate()
        .map(|(index, (path, kind))| {
            progress.advance();
            let stamp = match &stamps {
                Some(stamps) if cached => Some(stamps[index]),
                None if cached => file_stamp(path),
                _ => None,
            };
            if let Some((Some(earlier), file)) = previous
                .as_ref()
                .and_then(|previous| previous.get(index, path))
                && stamp.as_ref() == Some(earlier)
            {
                return (stamp, Arc::clone(file));
            }
            let file = decode_file(
                path,
                *kind,
                &campaign,
                as_of,
                options.keep_text,
                options.store.as_ref(),
                cached,
            );
            (stamp, Arc::new(file))
        })
        .collect();
    drop(previous);

    // Without a cache, each file's diagnostics are moved out of it rather
    // than copied: at 100,000 families with a third overdue, the copies and
    // the growing list took about 60 MB at the peak of a load.
    let mut decoded = decoded;
    let moved = (!cached).then(|| {
        let total = decoded.iter().map(|(_, file)| file.diagnostics.len()).sum();
        let mut moved = Vec::with_capacity(total);
        for (_, file) in &mut decoded {
            match Arc::get_mut(file) {
                Some(file) => moved.append(&mut file.diagnostics),
                None => moved.extend(file.diagnostics.iter().cloned()),
            }
        }
        moved
    });
    let decoded = decoded;

    // Copying the diagnostics of every file for a cache, which keeps them,
    // takes as long as collecting the records and checking them across
    // records, so the two run side by side.
    let (file_diagnostics, (collected, (across, names))) = rayon::join(
        || match moved {
            Some(moved) => moved,
            None => decoded
                .par_iter()
                .flat_map_iter(|(_, file)| file.diagnostics.iter().cloned())
                .collect::<Vec<Diagnostic>>(),
        },
        || {
            let collected = collect_records(&files, &decoded, cached);
            let Collected {
                families,
                teams,
                invalid,
                ..
            } = &collected;
            // The two sets of checks across records read the records only,
            // so they run side by side. Their diagnostics are joined in a
            // fixed order.
            let found = rayon::join(
                || across::check(families, teams, invalid, &campaign),
                || names::check(families, teams, &campaign, options.campaign.as_deref()),
            );
            (collected, found)
        },
    );
    let Collected {
        families,
        family_digests,
        teams,
        excerpts,
        ..
    } = collected;
    diagnostics.extend(file_diagnostics);
    diagnostics.extend(across);
    diagnostics.extend(names);

    let sources = resolve_positions(&mut diagnostics, |file| {
        excerpts
            .get(file.as_os_str())
            .map(|lines| Arc::clone(lines))
    });
    drop(excerpts);
    checks::sort(&mut diagnostics);
    let records_read = files.len();
    if let Some(cache) = cache {
        cache.last = Some(LastDecodes {
            files,
            results: decoded,
        });
    }
    Ok(Loaded {
        campaign,
        as_of,
        families,
        family_digests,
        teams,
        diagnostics,
        sources,
        records_read,
    })
}

/// The records that one load's files decoded to, in file order.
struct Collected<'a> {
    families: Vec<Arc<Family>>,
    /// A hash of each family record, at the family's index, or empty.
    family_digests: Vec<u128>,
    teams: Vec<Arc<Team>>,
    invalid: InvalidRecords,
    /// The source lines of each file whose diagnostics were located.
    excerpts: foldhash::HashMap<&'a OsStr, &'a Arc<SourceLines>>,
}

/// Collects the records of decoded files, in the order of `files`.
fn collect_records<'a>(
    files: &'a [(PathBuf, Kind)],
    decoded: &'a [(Option<FileStamp>, Arc<DecodedFile>)],
    digests: bool,
) -> Collected<'a> {
    let mut families = Vec::with_capacity(decoded.len());
    let mut family_digests = Vec::with_capacity(if digests { decoded.len() } else { 0 });
    let mut teams = Vec::new();
    let mut invalid = InvalidRecords::default();
    let mut excerpts = foldhash::HashMap::default();
    for ((path, _), (_, file)) in files.iter().zip(decoded) {
        if let Some(lines) = &file.lines {
            excerpts.insert(path.as_os_str(), lines);
        }
        match &file.record {
            Decoded::Family(family, digest) => {
                families.push(Arc::clone(family));
                family_digests.extend(*digest);
            }
            Decoded::Team(team) => teams.push(Arc::clone(team)),
            Decoded::Invalid(Some(partial)) => match partial.as_ref() {
                Partial::Family { university, team } => {
                    invalid
                        .team_references
                        .push((university.clone(), team.clone()));
                }
                Partial::Team { id } => {
                    invalid.team_ids.insert(id.clone());
                }
            },
            Decoded::Invalid(None) => {}
        }
    }
    // A hash must be at its family's index, so hashes are given only when
    // every family has one.
    if family_digests.len() != families.len() {
        family_digests.clear();
    }
    Collected {
        families,
        family_digests,
        teams,
        invalid,
        excerpts,
    }
}

fn load_campaign(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Result<Campaign, Error> {
    let source = match read_source(path) {
        Ok(source) => source,
        Err(problem) if path.exists() => {
            diagnostics.push(*problem);
            return Ok(Campaign::default());
        }
        Err(_) => {
            let message = format!("the campaign file {} does not exist", path.display());
            return Err(Error::Usage(message));
        }
    };
    let campaign = match syntax::parse(path, &source) {
        Ok(parsed) => {
            let mut decoder = Decoder::with_source(path, &source, parsed.spans.as_ref());
            let campaign = form::campaign(&mut decoder, &parsed.value);
            diagnostics.append(&mut decoder.diagnostics);
            campaign
        }
        Err(problem) => {
            diagnostics.push(*problem);
            None
        }
    };
    Ok(campaign.unwrap_or_default())
}

/// Record files with their kinds, and the problems met while looking for them.
type Found = (Vec<(PathBuf, Kind)>, Vec<Diagnostic>);

/// Picks the record files out of a listing as [`records_of`] does, reusing
/// the files picked from the last listing when it named the same paths in
/// the same order, as the scans of `serve` do between edits of records.
fn pick_records(listing: Listing, picked: &mut Option<Picked>) -> (RecordFiles, Vec<FileStamp>) {
    if let Some(last) = picked.as_ref()
        && last.records == listing.records
        && last.listed.len() == listing.files.len()
        && last
            .listed
            .iter()
            .zip(&listing.files)
            .all(|(left, (right, _))| left.as_os_str() == right.as_os_str())
    {
        let stamps = last
            .order
            .iter()
            .map(|&index| listing.files[index].1)
            .collect();
        return (Arc::clone(&last.files), stamps);
    }
    let listed: Vec<PathBuf> = listing.files.iter().map(|(path, _)| path.clone()).collect();
    let records = listing.records.clone();
    let (files, stamps, order) = records_of(listing);
    let files: RecordFiles = files.into();
    *picked = Some(Picked {
        records,
        listed,
        order,
        files: Arc::clone(&files),
    });
    (files, stamps)
}

/// Picks the record files out of a listing, as [`find_records`] would find
/// them, and returns them with their stamps in the same order, and the
/// index of each in the listing.
fn records_of(listing: Listing) -> (Vec<(PathBuf, Kind)>, Vec<FileStamp>, Vec<usize>) {
    let root = &listing.records;
    let mut found: Vec<(PathBuf, Kind, FileStamp, usize)> = listing
        .files
        .into_iter()
        .enumerate()
        .filter(|(_, (path, _))| {
            let Ok(relative) = path.strip_prefix(root) else {
                return false;
            };
            let hidden = relative
                .components()
                .any(|part| is_hidden_name(part.as_os_str()));
            !hidden && is_yaml(path)
        })
        .map(|(index, (path, stamp))| {
            let kind = kind_of(&path);
            (path, kind, stamp, index)
        })
        .collect();
    found.sort_by_cached_key(|(path, ..)| walk_order_key(path));
    let stamps = found.iter().map(|(_, _, stamp, _)| *stamp).collect();
    let order = found.iter().map(|(.., index)| *index).collect();
    let files = found
        .into_iter()
        .map(|(path, kind, ..)| (path, kind))
        .collect();
    (files, stamps, order)
}

/// Lists record files in a stable order, skipping names that start with `.` or `_`.
fn find_records(root: &Path) -> Result<Found, Error> {
    ensure_records_folder(root)?;
    // Each folder at the top, usually one per university, is listed on its
    // own core. Joining the lists in name order gives the order of one walk.
    let top = WalkDir::new(root)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry));
    let top: Vec<walkdir::Result<DirEntry>> = top.collect();
    let parts: Vec<Found> = top
        .into_par_iter()
        .map(|entry| match entry {
            Ok(entry) if entry.file_type().is_dir() => {
                // Sorted once at the end: walkdir's own sorting takes each
                // name apart from its path again for every comparison.
                let walker = WalkDir::new(entry.path()).into_iter();
                let entries = walker.filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry));
                let (mut files, problems) = list_records(entries, root);
                files.sort_by_cached_key(|(path, _)| walk_order_key(path));
                (files, problems)
            }
            other => list_records(std::iter::once(other), root),
        })
        .collect();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (part_files, part_problems) in parts {
        files.extend(part_files);
        problems.extend(part_problems);
    }
    Ok((files, problems))
}

fn ensure_records_folder(root: &Path) -> Result<(), Error> {
    if root.is_dir() {
        return Ok(());
    }
    let message = format!(
        "the records folder {} does not exist or is not a folder",
        root.display()
    );
    Err(Error::Usage(message))
}

/// Picks the record files out of walked entries, turning walk errors into
/// diagnostics.
fn list_records(entries: impl Iterator<Item = walkdir::Result<DirEntry>>, root: &Path) -> Found {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_yaml(entry.path()) => {
                files.push((entry.path().to_path_buf(), kind_of(entry.path())));
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let message = Text::new(
                    format!("无法读取 {}：{}", path.display(), io_reason(&error)),
                    format!("could not read {}: {}", path.display(), io_reason(&error)),
                );
                let hint = Text::new(
                    "检查这个文件或文件夹是否存在、是否有读取权限",
                    "check that the file or folder exists and that you may read it",
                );
                problems.push(
                    Diagnostic::new(checks::UNREADABLE_FILE, path, "", message, hint)
                        .at(line_one(), line_one()),
                );
            }
        }
    }
    (files, problems)
}

/// Returns the bytes of `path` with each separator made the lowest byte.
/// Sorting by them gives the order of a walk that visits the names of each
/// folder in byte order, so `a/z` sorts before `a-b`, as `a` comes before `a-b`.
pub(crate) fn walk_order_key(path: &Path) -> Vec<u8> {
    let separator = |byte: u8| byte.is_ascii() && std::path::is_separator(char::from(byte));
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|&byte| if separator(byte) { 0 } else { byte })
        .collect()
}

fn is_hidden(entry: &DirEntry) -> bool {
    is_hidden_name(entry.file_name())
}

/// Returns whether a file or folder of this name is skipped: its name
/// starts with `.` or `_`.
fn is_hidden_name(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with('_')
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml")
        })
}

fn kind_of(path: &Path) -> Kind {
    let parent = path.parent().and_then(Path::file_name);
    if parent.is_some_and(|name| name == "teams") {
        Kind::Team
    } else {
        Kind::Family
    }
}

/// Result of decoding one file: the record, its diagnostics and, when
/// they were located here, the source lines they point at.
struct DecodedFile {
    record: Decoded,
    /// Sorted by position when they were located here.
    diagnostics: Vec<Diagnostic>,
    lines: Option<Arc<SourceLines>>,
}

/// Decodes and checks one record file. With `digest`, a family gets a hash
/// of its whole record, from which a rebuild finds whether its page changed.
fn decode_file(
    path: &Path,
    kind: Kind,
    campaign: &Campaign,
    as_of: Date,
    keep_text: bool,
    store: Option<&Arc<TextStore>>,
    digest: bool,
) -> DecodedFile {
    let parsed = read_source(path)
        .and_then(|source| syntax::parse(path, &source).map(|parsed| (source, parsed)));
    let (text, parsed) = match parsed {
        Ok(parsed) => parsed,
        Err(problem) => {
            let links = match kind {
                Kind::Team => Some(Partial::Team {
                    id: team_key(&form::record_id(path)),
                }),
                Kind::Family => scan_family_links(path),
            };
            return DecodedFile {
                record: Decoded::Invalid(links.map(Box::new)),
                diagnostics: vec![*problem],
                lines: None,
            };
        }
    };
    let value = &parsed.value;
    let mut decoder = Decoder::with_source(path, &text, parsed.spans.as_ref());
    let source = Source {
        path: path.into(),
        id: form::record_id(path).into(),
    };
    let decoded = match kind {
        Kind::Family => form::family(&mut decoder, value, source).map(|family| {
            let follow_up_invalid = decoder.diagnostics.iter().any(|d| {
                d.is_error()
                    && (d.key_path.starts_with("approval") || d.key_path.starts_with("visits"))
            });
            let found = check::family(&family, campaign, as_of);
            // A broken approval or visit is already an error; guessing the
            // follow-up state from what is left would only add noise.
            decoder.diagnostics.extend(found.into_iter().filter(|d| {
                !follow_up_invalid
                    || (d.check != checks::NOT_APPROVED && d.check != checks::VISIT_OVERDUE)
            }));
            decoder.diagnostics.extend(full_width::full_width_values(
                path,
                &full_width::family_short_values(&family),
            ));
            let mut family = family;
            if !keep_text {
                family.drop_text();
            }
            let digest = digest.then(|| {
                let mut hasher = Digest::new();
                family.hash(&mut hasher);
                hasher.finish128()
            });
            // Stored after hashing, so that the hash covers the whole text.
            if keep_text && let Some(store) = store {
                family.store_page_text(store);
            }
            Decoded::Family(Arc::new(family), digest)
        }),
        Kind::Team => form::team(&mut decoder, value, source).map(|team| {
            decoder.diagnostics.extend(check::team(&team));
            decoder.diagnostics.extend(full_width::full_width_values(
                path,
                &full_width::team_short_values(&team),
            ));
            // Only the checks of the file itself read the roster: no check
            // across records, page or workbook shows it, and a large
            // campaign's rosters take megabytes.
            let mut team = team;
            team.roster = Vec::new();
            Decoded::Team(Arc::new(team))
        }),
    };
    let record =
        decoded.unwrap_or_else(|| Decoded::Invalid(partial(value, kind, path).map(Box::new)));
    let mut diagnostics = decoder.diagnostics;
    // The fast parser's places give each diagnostic its position now, so the
    // file need not be read and parsed again. Only the lines shown are kept.
    let lines = match &parsed.spans {
        Some(spans) if !diagnostics.is_empty() => {
            let lookup = spans.lookup(diagnostics.len());
            for diagnostic in diagnostics.iter_mut() {
                if !diagnostic.located && diagnostic.file == path {
                    (diagnostic.start, diagnostic.end) =
                        lookup.resolve(&diagnostic.key_path, diagnostic.part);
                    diagnostic.located = true;
                }
            }
            checks::sort(&mut diagnostics);
            Some(Arc::new(SourceLines::from_lines(excerpt(
                &text,
                &diagnostics,
            ))))
        }
        _ => None,
    };
    DecodedFile {
        record,
        diagnostics,
        lines,
    }
}

/// Numbered source lines of one file, in order, without their line endings.
type Excerpt = Vec<(usize, String)>;

/// Copies the lines where `diagnostics` start, which are all that printing
/// them shows.
fn excerpt(text: &str, diagnostics: &[Diagnostic]) -> Excerpt {
    let mut numbers: Vec<usize> = diagnostics.iter().map(|d| d.start.line).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut lines = Vec::with_capacity(numbers.len());
    let mut requested = numbers.into_iter().peekable();
    for (index, line) in text.split('\n').enumerate() {
        let Some(&number) = requested.peek() else {
            break;
        };
        if number == index + 1 {
            lines.push((number, line.trim_end_matches('\r').to_owned()));
            requested.next();
        }
    }
    lines
}

/// Returns the team link of a record that failed to decode, when it can be read.
fn partial(value: &Value, kind: Kind, path: &Path) -> Option<Partial> {
    match kind {
        Kind::Team => Some(Partial::Team {
            id: team_key(&form::record_id(path)),
        }),
        Kind::Family => {
            let text = |key: &str| value.get(key).and_then(crate::decode::scalar_text);
            Some(Partial::Family {
                university: text("university")?,
                team: text("team")?,
            })
        }
    }
}

/// Reads the `university` and `team` lines of a family file that does not
/// parse, so that its team is still counted as serving it.
fn scan_family_links(path: &Path) -> Option<Partial> {
    let bytes = fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let value_of = |key: &str| {
        text.lines().find_map(|line| {
            let value = line.strip_prefix(key)?.strip_prefix(':')?;
            let value = value.split(" #").next()?.trim().trim_matches(['"', '\'']);
            (!value.is_empty()).then(|| value.to_owned())
        })
    };
    Some(Partial::Family {
        university: value_of("university")?,
        team: value_of("team")?,
    })
}

/// Reads a file as UTF-8 text, dropping a byte-order mark.
pub fn read_source(path: &Path) -> Result<String, Box<Diagnostic>> {
    let shown = path.display();
    let cannot_read = |error: std::io::Error| {
        let message = Text::new(
            format!("无法读取 {shown}：{error}"),
            format!("could not read {shown}: {error}"),
        );
        let hint = Text::new(
            "检查这个文件是否存在、是否有读取权限",
            "check that the file exists and that you may read it",
        );
        Diagnostic::new(checks::UNREADABLE_FILE, path, "", message, hint).at(line_one(), line_one())
    };
    // The size from metadata stops most large files before reading; the
    // bounded read also stops a pipe or device, whose metadata reports 0.
    // The metadata of the open file costs no second lookup of its path.
    let file = fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    // Sized from the metadata, plus one byte to see the end of the file, so
    // that reading never grows the buffer.
    let mut bytes = Vec::with_capacity(size.min(MAX_RECORD_BYTES) as usize + 1);
    if size <= MAX_RECORD_BYTES {
        file.take(MAX_RECORD_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot_read)?;
    }
    if size > MAX_RECORD_BYTES || bytes.len() as u64 > MAX_RECORD_BYTES {
        let size = size.max(bytes.len() as u64);
        let message = Text::new(
            format!("{shown} 超过 {MAX_RECORD_BYTES} 字节（1 MiB），至少有 {size} 字节"),
            format!(
                "{shown} is larger than {MAX_RECORD_BYTES} bytes (1 MiB): at least {size} bytes"
            ),
        );
        let hint = Text::new(
            "一条记录只有几 KB：请确认这是正确的记录文件",
            "a record describes one family or team in a few kilobytes: check that this is the right file",
        );
        let diagnostic = Diagnostic::new(checks::FILE_TOO_LARGE, path, "", message, hint);
        return Err(Box::new(diagnostic.at(line_one(), line_one())));
    }
    let text = String::from_utf8(bytes)
        .map_err(|error| not_utf8(path, error.as_bytes(), error.utf8_error()))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Describes a file that is not UTF-8, naming GBK when the bytes decode as
/// GB18030, which is what Windows Notepad on Chinese systems saves as ANSI.
fn not_utf8(path: &Path, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let (_, _, malformed) = encoding_rs::GB18030.decode(bytes);
    let (position, end) = if malformed {
        let position = position_of_byte(bytes, error.valid_up_to());
        (position, position)
    } else {
        gbk_text_at(bytes, error.valid_up_to())
    };
    let (line, column, shown) = (position.line, position.column, path.display());
    let (message, hint) = if malformed {
        (
            Text::new(
                format!("{shown} 不是 UTF-8 编码的文本：第 {line} 行第 {column} 列的字节无法识别"),
                format!(
                    "{shown} is not UTF-8 text: the bytes at line {line}, column {column} are not valid UTF-8"
                ),
            ),
            Text::new(
                "用编辑器打开文件，另存为 UTF-8 编码",
                "open the file in your editor and save it with the encoding UTF-8",
            ),
        )
    } else {
        (
            Text::new(
                format!(
                    "{shown} 不是 UTF-8 编码，看起来是 GBK（记事本的“ANSI”）；第 {line} 行第 {column} 列起的中文无法识别"
                ),
                format!(
                    "{shown} is not UTF-8: it looks like GBK (Notepad's \"ANSI\"), and the text from line {line}, column {column} cannot be read"
                ),
            ),
            Text::new(
                "用记事本打开文件，选择“文件 > 另存为”，在“编码”中选 UTF-8 后保存；VS Code 中点右下角的编码，选“通过编码重新打开 > GBK”，再“通过编码保存 > UTF-8”",
                "in Notepad choose File > Save As and pick the encoding UTF-8; in VS Code click the encoding in the status bar, reopen with GBK, then save with UTF-8",
            ),
        )
    };
    Diagnostic::new(checks::UNREADABLE_FILE, path, "", message, hint).at(position, end)
}

/// Returns where the Chinese text around byte `offset` of a GBK file starts
/// and ends, in characters of its line. UTF-8 decoding can fail a little
/// after the text starts, because the first GBK bytes may be valid UTF-8:
/// 郑 is D6 A3 in GBK, which UTF-8 reads as U+05A3. So the start is found by
/// decoding the line as GB18030 and going back to the first non-ASCII
/// character of the run.
fn gbk_text_at(bytes: &[u8], offset: usize) -> (Position, Position) {
    let offset = offset.min(bytes.len());
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| offset + i);
    let decode = |slice: &[u8]| -> Vec<char> {
        let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(slice);
        text.chars().collect()
    };
    let characters = decode(&bytes[line_start..line_end]);
    let mut first = decode(&bytes[line_start..offset])
        .len()
        .min(characters.len().saturating_sub(1));
    while first > 0 && !characters[first - 1].is_ascii() {
        first -= 1;
    }
    let run = characters[first..]
        .iter()
        .take_while(|c| !c.is_ascii())
        .count();
    let line = bytes[..line_start].iter().filter(|&&b| b == b'\n').count() + 1;
    let start = Position {
        line,
        column: first + 1,
    };
    let end = Position {
        line,
        column: first + 1 + run,
    };
    (start, end)
}

/// Returns the text of a GBK file for showing its lines in a diagnostic,
/// or `None` when the file is not GBK either.
fn gbk_source(path: &Path) -> Option<String> {
    let bytes = fs::read(path).ok()?;
    let (text, _, malformed) = encoding_rs::GB18030.decode(&bytes);
    (!malformed).then(|| text.into_owned())
}

/// Returns the reason of a walk error without the path, which the message
/// already names.
fn io_reason(error: &walkdir::Error) -> String {
    match error.io_error() {
        Some(io) => io.to_string(),
        None => error.to_string(),
    }
}

/// Largest record file read, in bytes. A family record is about 2 KB, so a
/// larger file is a mistake, and refusing it keeps memory and time bounded.
pub const MAX_RECORD_BYTES: u64 = 1024 * 1024;

/// Returns the line and column of the byte at `offset`, counting the valid
/// UTF-8 before it in characters.
fn position_of_byte(bytes: &[u8], offset: usize) -> Position {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position { line, column }
}

fn line_one() -> Position {
    Position { line: 1, column: 1 }
}

/// Fills in the line and column of every diagnostic not yet located from
/// its key path, reading each file that has such diagnostics once. Returns
/// the source lines that the diagnostics point at: the lines that
/// `excerpt_of` returns for a file where they cover every diagnostic of
/// that file, else the whole file.
fn resolve_positions(
    diagnostics: &mut [Diagnostic],
    excerpt_of: impl Fn(&Path) -> Option<Arc<SourceLines>> + Sync,
) -> HashMap<PathBuf, Arc<SourceLines>> {
    // Diagnostics of one file are resolved together with one position index,
    // which is dropped right after: holding the indexes of every file at
    // once cost several kilobytes per file with a diagnostic.
    diagnostics.sort_by(|left, right| left.file.cmp(&right.file));
    let mut groups: Vec<&mut [Diagnostic]> = Vec::new();
    let mut rest = diagnostics;
    while !rest.is_empty() {
        let file = rest[0].file.as_os_str();
        let length = rest
            .iter()
            .take_while(|d| d.file.as_os_str() == file)
            .count();
        let (group, tail) = rest.split_at_mut(length);
        groups.push(group);
        rest = tail;
    }
    groups
        .into_par_iter()
        .filter_map(|group| {
            let file = group[0].file.clone();
            let covered = excerpt_of(&file).filter(|lines| {
                group
                    .iter()
                    .all(|d| d.located && lines.line(d.start.line).is_some())
            });
            if let Some(lines) = covered {
                return Some((file, lines));
            }
            // A GBK file is shown decoded, so its diagnostic can quote the line.
            let source = read_source(&file).ok().or_else(|| gbk_source(&file));
            let map = source
                .as_deref()
                .filter(|_| group.iter().any(|d| !d.located))
                .map(SourceMap::build);
            for diagnostic in group.iter_mut().filter(|d| !d.located) {
                let (start, end) = match &map {
                    Some(map) => map.resolve(&diagnostic.key_path, diagnostic.part),
                    None => (line_one(), line_one()),
                };
                diagnostic.start = start;
                diagnostic.end = end;
                diagnostic.located = true;
            }
            Some((file, Arc::new(SourceLines::new(source?))))
        })
        .collect()
}
