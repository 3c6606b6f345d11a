//! Output staging: a build writes into a spare folder beside the output
//! folder and swaps the two only after every file was written, so a failed
//! build leaves the previous site as it was.
//!
//! The spare folder (`.site.previous` beside `site`) is the site before the
//! last build. It is kept and rewritten in place by the next build: a file
//! whose content is unchanged is left alone, and a changed file is
//! overwritten in its existing inode. Creating and deleting every file on
//! each build cost most of the build time on ext4, so the spare folder
//! trades disk space (a second copy of the site) for speed.

use foldhash::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use rayon::prelude::*;
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

use crate::error::Error;
use crate::progress::Progress;

mod watch;

pub use watch::{OutputWatch, Untouched};

/// File that marks a folder as written by this tool and lists the files it
/// wrote, so that the next build replaces the folder only if nothing was added.
pub const MARKER: &str = ".shoulashou-site";

/// Marker line of a build that showed phone numbers and addresses in full.
const UNMASKED_LINE: &str = "# unmasked: phone numbers and addresses are shown in full\n";

const MARKER_HEADER: &str = "# Written by shoulashou: the files of the last build, replaced as a whole on the next one.\n\
# Each line: content hash in letters a to p, size in bytes, path.\n";

/// A destination of output files: a folder that a build fills with files
/// named by paths relative to it, with `/` separators.
pub trait Sink: Sync {
    /// Returns the folder the relative paths start from.
    fn root(&self) -> &Path;

    /// Writes `bytes` to the file at `relative`, creating its folders, and
    /// returns the stamp of the content. `spare` is the stamp that a
    /// session's memo records for the spare folder's copy of the file.
    fn put(&self, relative: &str, bytes: &[u8], spare: Option<Stamp>) -> Result<Stamp, Error>;

    /// Writes the file at `relative` with the bytes that `write` writes into
    /// the writer it is given, and returns the stamp of the content. A sink
    /// may pass the bytes to the file as they come, so that a large page is
    /// not held in memory whole. `spare` is as for [`Sink::put`].
    fn put_streamed(
        &self,
        relative: &str,
        spare: Option<Stamp>,
        write: StreamWriter<'_>,
    ) -> Result<Stamp, Error> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(relative, &bytes, spare)
    }

    /// Takes over the file at `relative` from the output of the last build,
    /// where it contained the content of `stamp`, and returns whether it could.
    /// `spare` is as for [`Sink::put`]. When it returns `false`, the caller
    /// writes the file with [`Sink::put`].
    fn keep(&self, relative: &str, stamp: Stamp, spare: Option<Stamp>) -> Result<bool, Error> {
        let _ = (relative, stamp, spare);
        Ok(false)
    }
}

/// Writes a file's content into the writer it is given, for
/// [`Sink::put_streamed`].
pub type StreamWriter<'a> = Box<dyn FnOnce(&mut dyn io::Write) -> Result<(), Error> + 'a>;

/// One file a build wrote or took over: its path relative to the site, the
/// hash of the data it was made from, when the build had a memo, and the
/// stamp of its content.
#[derive(Debug, Clone)]
pub struct Written {
    pub file: String,
    pub data: Option<u128>,
    pub stamp: Stamp,
}

/// The record of what a series of builds into one output folder wrote. For
/// each file it keeps the data hash and stamp of the output folder's copy,
/// which the last successful build wrote. It also keeps the stamp of the
/// spare folder's copy, which the build before it wrote.
#[derive(Debug, Default)]
pub struct Memo {
    files: HashMap<String, MemoEntry>,
    /// The marker the last build left in the output folder.
    marker: Option<MarkerIdentity>,
    /// The marker the build before it left, now in the spare folder.
    spare_marker: Option<MarkerIdentity>,
    /// Whether the memo records the output folder, which is so once a build
    /// was committed with it.
    published_known: bool,
    /// Whether the `spare` stamps record the spare folder, which is so once
    /// two builds were committed with the memo. Before that, the spare
    /// folder contains a site that the memo does not record.
    spare_known: bool,
}

/// The memo's record of one file.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoEntry {
    /// The hash of the data and the stamp of the content of the copy in the
    /// output folder, when the last build wrote one.
    published: Option<(Option<u128>, Stamp)>,
    /// The stamp of the copy in the spare folder, when there is one.
    spare: Option<Stamp>,
}

impl MemoEntry {
    /// Returns the stamp of the output folder's copy when the last build
    /// made it from data with the hash `data`.
    pub fn unchanged(&self, data: u128) -> Option<Stamp> {
        match self.published {
            Some((Some(previous), stamp)) if previous == data => Some(stamp),
            _ => None,
        }
    }

    /// Returns the stamp of the spare folder's copy.
    pub fn spare(&self) -> Option<Stamp> {
        self.spare
    }
}

impl Memo {
    /// Returns what the memo records of the file at `relative`.
    pub fn entry(&self, relative: &str) -> Option<&MemoEntry> {
        self.files.get(relative)
    }

    /// Returns the stamp of the file at `relative` when the last build made
    /// it from data with the hash `data`.
    pub fn unchanged(&self, relative: &str, data: u128) -> Option<Stamp> {
        self.files.get(relative)?.unchanged(data)
    }

    /// Returns the spare folder's stamp of the file at `relative`, when the
    /// memo records the spare folder.
    pub fn spare(&self, relative: &str) -> Option<Stamp> {
        self.files.get(relative)?.spare
    }

    /// Returns which of the output folder `out` and its spare folder still
    /// contain what the memo records. `untouched` gives the folders that
    /// nothing else changed since a build of this memo wrote them, and the
    /// marker that build left must still be there too.
    pub fn still_describes(&self, out: &Path, untouched: Untouched) -> Untouched {
        let out_marker = || self.marker.is_some() && marker_identity(out) == self.marker;
        let spare_marker = || {
            self.spare_marker.is_some() && marker_identity(&spare_folder(out)) == self.spare_marker
        };
        Untouched {
            out: untouched.out && self.published_known && out_marker(),
            spare: untouched.spare && self.spare_known && spare_marker(),
        }
    }

    /// Records a committed build: the files it wrote are now in the output
    /// folder, and the spare folder contains what the output folder
    /// contained before.
    pub fn record(&mut self, written: Vec<Written>, committed: &Committed) {
        for entry in self.files.values_mut() {
            entry.spare = entry.published.map(|(_, stamp)| stamp);
            entry.published = None;
        }
        for Written { file, data, stamp } in written {
            match self.files.get_mut(file.as_str()) {
                Some(entry) => entry.published = Some((data, stamp)),
                None => {
                    let entry = MemoEntry {
                        published: Some((data, stamp)),
                        spare: None,
                    };
                    self.files.insert(file, entry);
                }
            }
        }
        self.files
            .retain(|_, entry| entry.published.is_some() || entry.spare.is_some());
        self.spare_marker = self.marker;
        self.marker = committed.marker;
        self.spare_known = self.published_known;
        self.published_known = true;
    }

    /// Records that the spare folder contains `spare`, as [`verify_spare`]
    /// found it, so that the next build can take its files from the memo
    /// rather than list the folder. It has no effect before a build was
    /// recorded, and once the memo records the spare folder already.
    pub fn adopt_spare(&mut self, spare: VerifiedSpare) {
        if !self.published_known || self.spare_known {
            return;
        }
        for entry in self.files.values_mut() {
            entry.spare = None;
        }
        for (file, stamp) in spare.files {
            match self.files.get_mut(file.as_str()) {
                Some(entry) => entry.spare = Some(stamp),
                None => {
                    let entry = MemoEntry {
                        published: None,
                        spare: Some(stamp),
                    };
                    self.files.insert(file, entry);
                }
            }
        }
        self.spare_marker = spare.marker;
        self.spare_known = spare.marker.is_some();
    }

    /// Returns whether the memo records the output folder but not the spare
    /// folder, which [`verify_spare`] can bring in.
    pub fn lacks_spare(&self) -> bool {
        self.published_known && !self.spare_known
    }

    /// Returns the files the memo records in the spare folder that are not
    /// among `written`, which a build that trusts the memo deletes.
    fn stale_in_spare<'a>(&'a self, written: &[Written]) -> Vec<&'a str> {
        let kept: HashSet<&str> = written
            .iter()
            .map(|written| written.file.as_str())
            .collect();
        self.files
            .iter()
            .filter(|(file, entry)| entry.spare.is_some() && !kept.contains(file.as_str()))
            .map(|(file, _)| file.as_str())
            .collect()
    }
}

/// The files of a spare folder that still contain what its marker lists,
/// every other file of it deleted, as [`verify_spare`] leaves it.
#[derive(Debug)]
pub struct VerifiedSpare {
    files: Vec<(String, Stamp)>,
    /// The size and modification time of its marker.
    marker: Option<MarkerIdentity>,
    /// Every folder below it that contains a file, with `/` separators.
    pub folders: Vec<String>,
}

/// Brings the spare folder of `out` to the state that [`Staging::create`]
/// leaves it in before a build writes into it, but keeps its marker. It
/// deletes every file that its marker does not list or that was changed
/// since, every link and every empty folder. Returns the files left, or
/// `None` when there is no spare folder or it has no marker.
///
/// `serve` does this once after its first build, so that its first rebuild
/// need not list the spare folder, which a build of this session did not write.
pub fn verify_spare(out: &Path) -> Result<Option<VerifiedSpare>, Error> {
    let out = resolve_link(out)?;
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let _lock = lock_folder(parent)?;
    let dir = spare_folder(&out);
    let is_link = fs::symlink_metadata(&dir).is_ok_and(|metadata| metadata.is_symlink());
    if is_link || !dir.is_dir() {
        return Ok(None);
    }

    let marker = marker_identity(&dir);
    let (listing, marked, entries) = read_spare(&dir)?;
    if marker.is_none() || marked.is_none() {
        return Ok(None);
    }
    let present = clean_spare(listing, marked, entries)?;

    let mut files = Vec::with_capacity(present.len());
    let mut changed = Vec::new();
    for (file, listed) in present {
        match listed.intact {
            true => files.push((file, listed.stamp)),
            false => changed.push(file),
        }
    }
    // A file changed since the marker was written is deleted too, so that
    // every file left contains what the marker lists.
    let stale: Vec<&str> = changed.iter().map(String::as_str).collect();
    remove_stale(&dir, &stale)?;

    let mut folders: HashSet<&str> = HashSet::default();
    for (file, _) in &files {
        let mut path = file.as_str();
        while let Some((folder, _)) = path.rsplit_once('/') {
            if !folders.insert(folder) {
                break;
            }
            path = folder;
        }
    }
    let folders = folders.into_iter().map(str::to_owned).collect();
    // Deleting files left the marker alone, so it is still the one read.
    let marker = marker.filter(|_| marker_identity(&dir) == marker);
    Ok(Some(VerifiedSpare {
        files,
        marker,
        folders,
    }))
}

/// The marker that a committed build left in the output folder.
#[derive(Debug)]
pub struct Committed {
    /// The size and modification time of the marker written.
    marker: Option<MarkerIdentity>,
}

/// A plain folder: every file is written, whatever was there before.
impl Sink for Path {
    fn root(&self) -> &Path {
        self
    }

    fn put(&self, relative: &str, bytes: &[u8], _: Option<Stamp>) -> Result<Stamp, Error> {
        let path = self.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|error| Error::io(parent, error))?;
        }
        fs::write(&path, bytes).map_err(|error| Error::io(&path, error))?;
        Ok(Stamp::of(bytes))
    }
}

/// The size and modification time of a marker, which tell one marker
/// from another written later.
type MarkerIdentity = (u64, SystemTime);

fn marker_identity(folder: &Path) -> Option<MarkerIdentity> {
    let metadata = fs::metadata(folder.join(MARKER)).ok()?;
    Some((metadata.len(), metadata.modified().ok()?))
}

/// The content hash and size of one written file, recorded in the marker to
/// tell later whether the file on disk still contains that content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    hash: u128,
    len: u64,
}

impl Stamp {
    fn of(bytes: &[u8]) -> Stamp {
        Stamp {
            hash: xxh3_128(bytes),
            len: bytes.len() as u64,
        }
    }
}

/// The spare folder being written, which becomes the output folder on `commit`.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    /// Files left in the spare folder, with the stamps its marker listed.
    /// Empty when the marker is missing, which makes every file be written
    /// anew, and `None` when the session's memo records the spare folder,
    /// which spares listing it.
    known: Option<HashMap<String, Listed>>,
    /// Whether the output folder was trusted to contain what the memo's
    /// build wrote there, with the same options as this build.
    out_trusted: bool,
    /// Files of the output folder as its marker lists them, read when first needed.
    current: OnceLock<HashMap<String, Stamp>>,
    /// Whether the output folder's marker is still the one the memo's build
    /// wrote, so that it lists exactly the stamps that the memo gives.
    current_is_memo: bool,
    /// Whether files that the last build did not write are to be deleted.
    force: bool,
    /// Whether this build shows private values in full.
    unmasked: bool,
    /// Advanced by one for each file written or taken over.
    progress: Option<Arc<Progress>>,
    /// Held until the staging is committed or dropped, so that two builds
    /// into the same output folder never share the spare folder.
    _lock: Option<File>,
}

impl Staging {
    /// Prepares the spare folder beside `out`, after making sure `out` may
    /// be replaced: it must be absent, empty, or made by this tool, unless `force`.
    ///
    /// `trusted` gives the folders that contain exactly what a session's
    /// memo records, as [`Memo::still_describes`] finds them. The output
    /// folder is then not listed for files that the last build did not
    /// write, and the spare folder is not listed at all: the memo gives its
    /// files, and [`Staging::commit`] deletes those this build does not write.
    pub fn create(out: &Path, force: bool, trusted: Untouched) -> Result<Staging, Error> {
        let out = &resolve_link(out)?;
        let parent = match out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        fs::create_dir_all(parent).map_err(|error| Error::io(parent, error))?;
        let lock = lock_folder(parent)?;
        let dir = spare_folder(out);
        let is_link = fs::symlink_metadata(&dir).is_ok_and(|metadata| metadata.is_symlink());
        let reusable = dir.is_dir() && !is_link;
        let remove_marker = || {
            // The marker goes first: if this build stops half way, the next
            // one finds no marker and writes every file again.
            let marker = dir.join(MARKER);
            match fs::remove_file(&marker) {
                Ok(()) => Ok(()),
                Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(error) => Err(Error::io(&marker, error)),
            }
        };
        if trusted.out && trusted.spare && reusable {
            remove_marker()?;
            return Ok(Staging::new(dir, out, None, true, force, lock));
        }
        // Listing the output folder and the spare folder only reads them, so
        // the two large listings run side by side.
        let (replaceable, spare) = rayon::join(
            || match trusted.out {
                true => Ok(()),
                false => ensure_replaceable(out, force),
            },
            || reusable.then(|| read_spare(&dir)),
        );
        replaceable?;
        let known = if let Some(spare) = spare {
            let (listing, marked, entries) = spare?;
            remove_marker()?;
            clean_spare(listing, marked, entries)?
        } else {
            if is_link || dir.exists() {
                fs::remove_file(&dir).map_err(|error| Error::io(&dir, error))?;
            }
            fs::create_dir_all(&dir).map_err(|error| Error::io(&dir, error))?;
            HashMap::default()
        };
        let staging = Staging::new(dir, out, Some(known), trusted.out, force, lock);
        Ok(staging)
    }

    fn new(
        dir: PathBuf,
        out: &Path,
        known: Option<HashMap<String, Listed>>,
        out_trusted: bool,
        force: bool,
        lock: Option<File>,
    ) -> Staging {
        Staging {
            dir,
            out: out.to_path_buf(),
            known,
            out_trusted,
            current: OnceLock::new(),
            current_is_memo: false,
            force,
            unmasked: false,
            progress: None,
            _lock: lock,
        }
    }

    /// Marks this build as showing phone numbers and addresses in full, so
    /// that a later masked build does not keep its site as the spare folder.
    pub fn unmasked(mut self, unmasked: bool) -> Staging {
        self.unmasked = unmasked;
        self
    }

    /// Trusts the output folder to contain what `memo` describes when its
    /// marker is still the one that the memo's build wrote.
    pub fn written_by(mut self, memo: &Memo) -> Staging {
        self.current_is_memo = memo.marker.is_some() && marker_identity(&self.out) == memo.marker;
        self
    }

    /// Reports each file written or taken over to `progress`.
    pub fn with_progress(mut self, progress: Arc<Progress>) -> Staging {
        self.progress = Some(progress);
        self
    }

    /// Replaces the output folder with the spare folder, after deleting the
    /// files this build did not write and listing `written`, every file it
    /// wrote or took over, in the marker in their order. `memo` is the memo
    /// the staging trusted for the spare folder's files, if it did.
    pub fn commit(self, written: &[Written], memo: &Memo) -> Result<Committed, Error> {
        let stale = match &self.known {
            Some(known) => {
                let kept: HashSet<&str> = written.iter().map(|file| file.file.as_str()).collect();
                known
                    .keys()
                    .filter(|file| !kept.contains(file.as_str()))
                    .map(String::as_str)
                    .collect()
            }
            None => memo.stale_in_spare(written),
        };
        remove_stale(&self.dir, &stale)?;

        let marker = self.dir.join(MARKER);
        fs::write(&marker, marker_listing(written, self.unmasked))
            .map_err(|error| Error::io(&marker, error))?;

        if !self.out.exists() {
            fs::rename(&self.dir, &self.out).map_err(|error| Error::io(&self.out, error))?;
        } else {
            exchange(&self.dir, &self.out).map_err(|error| Error::io(&self.out, error))?;
            // The spare folder now contains the replaced site. `--force`
            // promised to delete the files of it that the last build did not
            // write, and a masked build must not leave an unmasked site behind.
            // A trusted output folder was written by the same session, whose
            // builds all mask alike.
            let replaced_unmasked = !self.out_trusted
                && fs::read_to_string(self.dir.join(MARKER)).is_ok_and(|listing| {
                    listing.lines().any(|line| line == UNMASKED_LINE.trim_end())
                });
            if self.force || (replaced_unmasked && !self.unmasked) {
                fs::remove_dir_all(&self.dir).map_err(|error| Error::io(&self.dir, error))?;
            }
        }
        Ok(Committed {
            marker: marker_identity(&self.out),
        })
    }

    /// Leaves the spare folder after a failed build. It has no marker any
    /// more, so the next build writes each of its files again.
    pub fn discard(self) {}
}

impl Sink for Staging {
    fn root(&self) -> &Path {
        &self.dir
    }

    fn put(&self, relative: &str, bytes: &[u8], spare: Option<Stamp>) -> Result<Stamp, Error> {
        let path = self.dir.join(relative);
        let stamp = Stamp::of(bytes);
        let unchanged = self.holds(relative, stamp, spare);
        if !unchanged {
            write_in_place(&path, bytes)?;
        }
        self.record();
        Ok(stamp)
    }

    /// Writes the bytes straight into the file, through a buffer, so the
    /// file is written even when the spare folder contains the same content.
    fn put_streamed(
        &self,
        relative: &str,
        _: Option<Stamp>,
        write: StreamWriter<'_>,
    ) -> Result<Stamp, Error> {
        let stamp = stream_into(&self.dir.join(relative), write)?;
        self.record();
        Ok(stamp)
    }

    fn keep(&self, relative: &str, stamp: Stamp, spare: Option<Stamp>) -> Result<bool, Error> {
        // The output folder must still contain what the last build wrote,
        // because another build, with other options, may have replaced it
        // since. Its marker lists what it contains. While that marker is the
        // one the memo's build wrote, it lists the memo's stamps, so it need
        // not be read.
        if !self.current_is_memo {
            let current = self.current.get_or_init(|| {
                fs::read_to_string(self.out.join(MARKER))
                    .map(|listing| parse_marker(&listing))
                    .unwrap_or_default()
            });
            if current.get(relative) != Some(&stamp) {
                return Ok(false);
            }
        }
        if self.holds(relative, stamp, spare) {
            self.record();
            return Ok(true);
        }
        // The spare copy is older: take the file over from the current site,
        // unless it was edited there since.
        let Ok(bytes) = fs::read(self.out.join(relative)) else {
            return Ok(false);
        };
        if xxh3_128(&bytes) != stamp.hash || bytes.len() as u64 != stamp.len {
            return Ok(false);
        }
        write_in_place(&self.dir.join(relative), &bytes)?;
        self.record();
        Ok(true)
    }
}

impl Staging {
    /// Returns whether the spare folder's file at `relative` still contains
    /// the content of `stamp`: as far as its size and modification time
    /// show when the spare folder was listed, and else as the memo's stamp
    /// `spare` of the file records.
    fn holds(&self, relative: &str, stamp: Stamp, spare: Option<Stamp>) -> bool {
        match &self.known {
            Some(known) => known
                .get(relative)
                .is_some_and(|listed| listed.stamp == stamp && listed.intact),
            None => spare == Some(stamp),
        }
    }

    fn record(&self) {
        if let Some(progress) = &self.progress {
            progress.advance();
        }
    }
}

/// Writes `bytes` over the file at `path`, truncating it rather than
/// replacing it so that its inode is reused, and creating its folders when
/// missing.
fn write_in_place(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    create_in_place(path)?
        .write_all(bytes)
        .map_err(|error| Error::io(path, error))
}

/// Opens the file at `path` for writing as [`write_in_place`] does.
fn create_in_place(path: &Path) -> Result<File, Error> {
    let failed = |error| Error::io(path, error);
    match File::create(path) {
        Ok(file) => Ok(file),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|error| Error::io(parent, error))?;
            }
            File::create(path).map_err(failed)
        }
        Err(error) => Err(failed(error)),
    }
}

/// Writes the file at `path` with what `write` writes, as
/// [`write_in_place`] writes bytes, and returns the stamp of the content.
fn stream_into(path: &Path, write: StreamWriter<'_>) -> Result<Stamp, Error> {
    let mut out = StampingWriter {
        file: io::BufWriter::with_capacity(256 * 1024, create_in_place(path)?),
        hasher: Xxh3::new(),
        len: 0,
        failure: None,
    };
    let written = write(&mut out);
    // A failed write surfaces in `write` as an error of whatever wrote into
    // the file, such as the template engine, so the file's own error is
    // reported in its place.
    if let Some(error) = out.failure.take() {
        return Err(Error::io(path, error));
    }
    written?;
    out.file.flush().map_err(|error| Error::io(path, error))?;
    Ok(Stamp {
        hash: out.hasher.digest128(),
        len: out.len,
    })
}

/// A writer into a file that works out the stamp of what passes through
/// it, and keeps the first error of the file.
struct StampingWriter {
    file: io::BufWriter<File>,
    hasher: Xxh3,
    len: u64,
    failure: Option<io::Error>,
}

impl StampingWriter {
    /// Keeps the first error of the file and returns an error of the same
    /// kind for the caller.
    fn keep_failure(&mut self, error: io::Error) -> io::Error {
        let kind = error.kind();
        self.failure.get_or_insert(error);
        kind.into()
    }
}

impl io::Write for StampingWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let count = match self.file.write(bytes) {
            Ok(count) => count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => return Err(error),
            Err(error) => return Err(self.keep_failure(error)),
        };
        self.hasher.update(&bytes[..count]);
        self.len += count as u64;
        Ok(count)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush().map_err(|error| self.keep_failure(error))
    }
}

/// Reads the lines of a marker into stamps. Lines that do not parse, such as
/// those of an older marker that listed bare paths, are left out, so their
/// files are written again.
fn parse_marker(listing: &str) -> HashMap<String, Stamp> {
    listing.lines().filter_map(parse_marker_line).collect()
}

fn parse_marker_line(line: &str) -> Option<(String, Stamp)> {
    if line.starts_with('#') {
        return None;
    }
    let mut fields = line.splitn(3, ' ');
    let hash = from_letters(fields.next()?)?;
    let len = fields.next()?.parse().ok()?;
    let file = fields.next()?;
    let stamp = Stamp { hash, len };
    Some((file.to_owned(), stamp))
}

/// Returns the text of the marker that lists `written`.
fn marker_listing(written: &[Written], unmasked: bool) -> String {
    // A line is 32 letters, the size, the path and three separators.
    let length: usize = written.iter().map(|file| file.file.len() + 56).sum();
    let mut listing = String::with_capacity(MARKER_HEADER.len() + UNMASKED_LINE.len() + length);
    listing.push_str(MARKER_HEADER);
    if unmasked {
        listing.push_str(UNMASKED_LINE);
    }
    for Written { file, stamp, .. } in written {
        push_letters(&mut listing, stamp.hash);
        listing.push(' ');
        // Writing to a String cannot fail.
        let _ = write!(listing, "{}", stamp.len);
        listing.push(' ');
        listing.push_str(file);
        listing.push('\n');
    }
    listing
}

/// Writes `hash` as 32 letters, one per four bits, `a` for 0 to `p` for 15.
/// A hash written in digits would now and then hold a run that looks like a
/// phone number to anyone who scans the site for private data.
fn push_letters(text: &mut String, hash: u128) {
    text.extend(
        (0..32)
            .rev()
            .map(|nibble| char::from(b'a' + ((hash >> (nibble * 4)) & 0xf) as u8)),
    );
}

/// Reads a hash written by [`push_letters`].
fn from_letters(text: &str) -> Option<u128> {
    if text.len() != 32 {
        return None;
    }
    text.bytes().try_fold(0u128, |hash, byte| {
        let nibble = byte.checked_sub(b'a').filter(|&nibble| nibble < 16)?;
        Some(hash << 4 | u128::from(nibble))
    })
}

/// Returns the paths a marker lists, whether its lines carry stamps or, as
/// older markers did, bare paths.
fn marker_paths(listing: &str) -> HashSet<String> {
    listing
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| parse_marker_line(line).map_or_else(|| line.to_owned(), |(file, _)| file))
        .collect()
}

/// Deletes `stale`, the files of the spare folder that this build did not
/// write, and the folders they leave empty.
fn remove_stale(dir: &Path, stale: &[&str]) -> Result<(), Error> {
    let mut emptied = HashSet::default();
    for file in stale {
        let path = dir.join(file);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(Error::io(&path, error)),
        }
        if let Some(parent) = path.parent().filter(|parent| *parent != dir) {
            emptied.insert(parent.to_path_buf());
        }
    }
    for folder in emptied {
        // A folder that still contains files stays, and only empty ones go.
        let _ = fs::remove_dir(folder);
    }
    Ok(())
}

/// The spare folder as found: its marker's stamps, when the marker was
/// written, and every entry below it that is not a folder.
type SpareFolder = (HashMap<String, Stamp>, Option<SystemTime>, SpareListing);

/// The entries of the spare folder other than folders, and its folders,
/// each listed after the folders inside it.
#[derive(Default)]
struct SpareListing {
    entries: Vec<SpareEntry>,
    folders: Vec<PathBuf>,
}

/// One entry of the spare folder, other than a folder.
struct SpareEntry {
    /// Path below the spare folder with `/` separators.
    relative: String,
    path: PathBuf,
    /// Size and modification time, for a regular file with a UTF-8 path only.
    file: Option<(u64, Option<SystemTime>)>,
}

/// A file of the spare folder that its marker lists.
#[derive(Debug, Clone, Copy)]
struct Listed {
    stamp: Stamp,
    /// Whether its size and modification time show that it still contains
    /// the content of `stamp`. The time must be strictly earlier than the
    /// marker's: file times come from a coarse clock, so a file edited just
    /// after the marker was written can show the marker's time.
    intact: bool,
}

/// Reads the spare folder's marker and lists the folder, changing nothing.
fn read_spare(dir: &Path) -> Result<SpareFolder, Error> {
    let marker = dir.join(MARKER);
    let marked = fs::metadata(&marker).and_then(|metadata| metadata.modified());
    let listing = fs::read_to_string(&marker)
        .map(|listing| parse_marker(&listing))
        .unwrap_or_default();
    let mut spare = list_spare(dir, "", true)?;
    // The marker is deleted before the others, whatever it contains.
    spare.entries.retain(|entry| entry.relative != MARKER);
    Ok((listing, marked.ok(), spare))
}

/// Lists the entries below `folder`, whose path below the spare folder is
/// `prefix`. Links are listed as entries, never followed. The metadata of
/// each file is read relative to its open folder, which costs less than
/// looking up its whole path once for every file kept later, and the
/// folders inside are listed on all cores.
fn list_spare(folder: &Path, prefix: &str, named: bool) -> Result<SpareListing, Error> {
    let failed = |error| Error::io(folder, error);
    let mut listing = SpareListing::default();
    let mut folders = Vec::new();
    for entry in fs::read_dir(folder).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let kind = entry.file_type().map_err(failed)?;
        let name = entry.file_name();
        // Every file a build writes has a UTF-8 name, so a name that is not
        // UTF-8 is foreign, even if its lossy text matches a listed file.
        let named = named && name.to_str().is_some();
        let name = name.to_string_lossy();
        let relative = if prefix.is_empty() {
            name.into_owned()
        } else {
            format!("{prefix}/{name}")
        };
        if kind.is_dir() {
            folders.push((entry.path(), relative, named));
            continue;
        }
        let file = if kind.is_file() && named {
            let metadata = entry.metadata().map_err(failed)?;
            Some((metadata.len(), metadata.modified().ok()))
        } else {
            None
        };
        listing.entries.push(SpareEntry {
            relative,
            path: entry.path(),
            file,
        });
    }
    let inner: Vec<Result<SpareListing, Error>> = folders
        .par_iter()
        .map(|(path, relative, named)| list_spare(path, relative, *named))
        .collect();
    for listed in inner {
        let listed = listed?;
        listing.entries.extend(listed.entries);
        listing.folders.extend(listed.folders);
    }
    listing
        .folders
        .extend(folders.into_iter().map(|(path, ..)| path));
    Ok(listing)
}

/// Deletes from the spare folder every symbolic link, every file that its
/// marker does not list and every empty folder. Writing into it then never
/// follows a link out of it, and the swap never publishes a file no build
/// wrote. Returns the listed files that are there. A marker line naming
/// anything else, such as `../file`, matches no file and is dropped.
fn clean_spare(
    mut known: HashMap<String, Stamp>,
    marked: Option<SystemTime>,
    spare: SpareListing,
) -> Result<HashMap<String, Listed>, Error> {
    let mut present = HashMap::default();
    for entry in spare.entries {
        if let Some((len, modified)) = entry.file
            && let Some(stamp) = known.remove(&entry.relative)
        {
            let earlier = modified.zip(marked).is_some_and(|(time, mark)| time < mark);
            let intact = len == stamp.len && earlier;
            present.insert(entry.relative, Listed { stamp, intact });
            continue;
        }
        let path = &entry.path;
        fs::remove_file(path).map_err(|error| Error::io(path, error))?;
    }
    // Folders left empty, or that were empty, would be published by the swap.
    // A folder that still contains files stays, and a build recreates the
    // folders it needs.
    for folder in &spare.folders {
        let _ = fs::remove_dir(folder);
    }
    Ok(present)
}

/// Turns an error met while listing `dir` into an I/O error on its path.
fn walk_error(dir: &Path, error: walkdir::Error) -> Error {
    let path = error.path().unwrap_or(dir).to_path_buf();
    Error::io(path, error.into())
}

/// Returns `path` below `dir` with `/` separators, and whether it is UTF-8
/// so that the text is exact rather than lossy.
fn relative_name(dir: &Path, path: &Path) -> (String, bool) {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    let Some(text) = relative.to_str() else {
        let parts: Vec<String> = relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy().into_owned())
            .collect();
        return (parts.join("/"), false);
    };
    // Walked paths are joined with the platform's separator, so where that is
    // `/` the text is already the name, which saves splitting every path.
    if std::path::MAIN_SEPARATOR == '/' {
        return (text.to_owned(), true);
    }
    let parts: Vec<&str> = relative
        .components()
        .filter_map(|part| part.as_os_str().to_str())
        .collect();
    (parts.join("/"), true)
}

/// Returns the folder a build writes to for `out`, as [`Staging::create`]
/// finds it.
pub fn resolve_output(out: &Path) -> Result<PathBuf, Error> {
    resolve_link(out)
}

/// Returns the folder a build writes to for `out`: `out` itself without a
/// trailing `/`, or the folder it links to when it is a symbolic link, so
/// that the link keeps pointing at the site.
fn resolve_link(out: &Path) -> Result<PathBuf, Error> {
    let out: PathBuf = out.components().collect();
    let is_link = fs::symlink_metadata(&out).is_ok_and(|metadata| metadata.is_symlink());
    if is_link {
        return fs::canonicalize(&out).map_err(|error| Error::io(&out, error));
    }
    Ok(out)
}

/// Swaps two folders. On Linux the swap is one atomic `renameat2` call; where
/// that is missing, three renames do it, leaving `out` missing for a moment.
fn exchange(spare: &Path, out: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt as _;
        let c_path = |path: &Path| {
            CString::new(path.as_os_str().as_bytes())
                .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))
        };
        let (from, to) = (c_path(spare)?, c_path(out)?);
        // SAFETY: both pointers are NUL-terminated strings that outlive the call.
        let status = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if status == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        // Older kernels and some file systems lack the call; fall back.
        if !matches!(error.raw_os_error(), Some(libc::ENOSYS | libc::EINVAL)) {
            return Err(error);
        }
    }
    let parked = out.with_file_name(format!(
        "{}-{}",
        spare
            .file_name()
            .map_or_else(|| "spare".into(), |name| name.to_string_lossy()),
        std::process::id()
    ));
    fs::rename(out, &parked)?;
    if let Err(error) = fs::rename(spare, out) {
        // Put the previous site back so the output folder is never left missing.
        let _ = fs::rename(&parked, out);
        return Err(error);
    }
    fs::rename(&parked, spare)
}

/// Takes an exclusive lock on `folder`, waiting for another build holding it.
/// Returns `None` where a folder cannot be opened as a file to lock it.
fn lock_folder(folder: &Path) -> Result<Option<File>, Error> {
    let Ok(handle) = File::open(folder) else {
        return Ok(None);
    };
    match handle.lock() {
        Ok(()) => Ok(Some(handle)),
        Err(error) if error.kind() == io::ErrorKind::Unsupported => Ok(None),
        Err(error) => Err(Error::io(folder, error)),
    }
}

fn ensure_replaceable(out: &Path, force: bool) -> Result<(), Error> {
    if !out.exists() {
        return Ok(());
    }
    // `--force` replaces files in a folder, never a file with a folder.
    if !out.is_dir() {
        return Err(Error::Usage(format!(
            "the output path {} exists and is not a folder; choose another --out",
            out.display()
        )));
    }
    if force {
        return Ok(());
    }
    let present = files_under(out)?;
    if present.is_empty() {
        return Ok(());
    }
    let written: HashSet<String> = match fs::read_to_string(out.join(MARKER)) {
        Ok(listing) => marker_paths(&listing),
        Err(_) => {
            return Err(Error::Usage(format!(
                "the output folder {} holds files that shoulashou did not write; \
                 choose another folder with --out, or pass --force to replace it",
                out.display()
            )));
        }
    };
    let mut foreign: Vec<&String> = present
        .iter()
        .filter(|(file, exact)| !*exact || (!written.contains(file.as_str()) && file != MARKER))
        .map(|(file, _)| file)
        .collect();
    foreign.sort_unstable();
    if foreign.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = foreign.iter().take(3).map(|file| file.as_str()).collect();
    Err(Error::Usage(format!(
        "the output folder {} holds {} file(s) that the last build did not write, such as {}; \
         a build replaces the whole folder, so move them elsewhere or pass --force to delete them",
        out.display(),
        foreign.len(),
        shown.join(", ")
    )))
}

/// Lists the files under `dir` as relative paths with `/` separators, in no
/// particular order: a large site is listed on every build. Each comes with
/// whether its path is UTF-8, as every path a build writes is.
fn files_under(dir: &Path) -> Result<Vec<(String, bool)>, Error> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(|error| walk_error(dir, error))?;
        if entry.file_type().is_dir() {
            continue;
        }
        files.push(relative_name(dir, entry.path()));
    }
    Ok(files)
}

/// Returns the spare folder of `out`, a hidden sibling such as `.site.previous`.
pub fn spare_folder(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |name| name.to_string_lossy());
    out.with_file_name(format!(".{name}.previous"))
}

/// Rejects an output folder that is, contains or lies inside a folder the
/// tool must never write to: the records, the templates or the campaign file.
pub fn ensure_outside(out: &Path, protected: &[&Path]) -> Result<(), Error> {
    let out = absolute(out);
    for folder in protected {
        let folder = absolute(folder);
        if out.starts_with(&folder) || folder.starts_with(&out) {
            return Err(Error::Usage(format!(
                "the output folder {} overlaps {}, which shoulashou never writes to; choose another --out",
                out.display(),
                folder.display()
            )));
        }
    }
    Ok(())
}

/// Resolves `path` to the folder it names once created. Every part that
/// exists is canonicalized, so symbolic links are followed. A `..` after a
/// part that does not exist yet removes that part, because the build creates
/// that part before it replaces the output folder: `new/../records` is `records`.
fn absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                // `resolved` has no symbolic links left, so its lexical parent
                // is the real one.
                resolved.pop();
            }
            Component::CurDir => {}
            part => {
                resolved.push(part);
                if let Ok(canonical) = fs::canonicalize(&resolved) {
                    resolved = canonical;
                }
            }
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns a writer that writes `chunks` one after the other.
    fn chunks(chunks: Vec<Vec<u8>>) -> StreamWriter<'static> {
        Box::new(move |out: &mut dyn io::Write| {
            for chunk in chunks {
                out.write_all(&chunk)
                    .map_err(|error| Error::Usage(error.to_string()))?;
            }
            Ok(())
        })
    }

    #[test]
    fn streamed_stamp_matches_bytes() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("new/status.html");
        let parts = vec![b"<p>".to_vec(), vec![b'x'; 300 * 1024], "警告</p>".into()];
        let length: usize = parts.iter().map(Vec::len).sum();

        let stamp = stream_into(&path, chunks(parts)).unwrap();

        let bytes = fs::read(&path).unwrap();
        assert_eq!(bytes.len(), length);
        assert_eq!(stamp, Stamp::of(&bytes));
    }

    /// Streams `write` into a file linked to `/dev/full` and asserts that
    /// the error names that file and reports a full disk. Returns at once
    /// where the device is missing.
    fn assert_full_disk_names_file(write: StreamWriter<'_>) {
        let device = Path::new("/dev/full");
        if !device.exists() {
            return;
        }
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("status.html");
        std::os::unix::fs::symlink(device, &path).unwrap();

        let error = stream_into(&path, write).unwrap_err();

        let Error::Io {
            path: named,
            source,
        } = error
        else {
            panic!("expected an error of the file, got {error:?}");
        };
        assert_eq!(named, path);
        assert_eq!(source.kind(), io::ErrorKind::StorageFull);
    }

    #[test]
    fn streamed_flush_failure_names_file() {
        // Too short to leave the buffer until the writer flushes it.
        assert_full_disk_names_file(Box::new(|out: &mut dyn io::Write| {
            out.write_all(b"<p>")
                .and_then(|()| out.flush())
                .map_err(|error| Error::Usage(error.to_string()))
        }));
    }

    #[test]
    fn streamed_write_failure_names_file() {
        assert_full_disk_names_file(chunks(vec![vec![b'x'; 1024 * 1024]]));
    }
}
