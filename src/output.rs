//! Output staging: a build renders into a fresh folder beside the output
//! folder and swaps it in only after every file was written, so a failed
//! build leaves the previous site as it was.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// File that marks a folder as written by this tool and lists the files it
/// wrote, so that the next build replaces the folder only if nothing was added.
pub const MARKER: &str = ".shoulashou-site";

const MARKER_HEADER: &str =
    "# Written by shoulashou: the files of the last build, replaced as a whole on the next one.\n";

/// A staging folder that becomes the output folder on `commit`.
#[derive(Debug)]
pub struct Staging {
    pub dir: PathBuf,
    out: PathBuf,
}

impl Staging {
    /// Creates an empty staging folder beside `out`, after making sure `out`
    /// may be replaced: it must be absent, empty, or made by this tool, unless `force`.
    pub fn create(out: &Path, force: bool) -> Result<Staging, Error> {
        ensure_replaceable(out, force)?;
        let dir = sibling(out, "staging");
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|error| Error::io(&dir, error))?;
        }
        fs::create_dir_all(&dir).map_err(|error| Error::io(&dir, error))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
        })
    }

    /// Replaces the output folder with the staging folder. The marker file
    /// lists every file written, so the next build can tell them from files
    /// that someone added by hand.
    pub fn commit(self) -> Result<(), Error> {
        let marker = self.dir.join(MARKER);
        let mut listing = String::from(MARKER_HEADER);
        for file in files_under(&self.dir)? {
            listing.push_str(&file);
            listing.push('\n');
        }
        fs::write(&marker, listing).map_err(|error| Error::io(&marker, error))?;
        if !self.out.exists() {
            return fs::rename(&self.dir, &self.out).map_err(|error| Error::io(&self.out, error));
        }
        let previous = sibling(&self.out, "previous");
        if previous.exists() {
            fs::remove_dir_all(&previous).map_err(|error| Error::io(&previous, error))?;
        }
        fs::rename(&self.out, &previous).map_err(|error| Error::io(&self.out, error))?;
        if let Err(error) = fs::rename(&self.dir, &self.out) {
            // Put the previous site back so the output folder is never left missing.
            let _ = fs::rename(&previous, &self.out);
            return Err(Error::io(&self.out, error));
        }
        fs::remove_dir_all(&previous).map_err(|error| Error::io(&previous, error))
    }

    /// Deletes the staging folder after a failed build.
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn ensure_replaceable(out: &Path, force: bool) -> Result<(), Error> {
    if !out.exists() || force {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Error::Usage(format!(
            "the output path {} exists and is not a folder",
            out.display()
        )));
    }
    let present = files_under(out)?;
    if present.is_empty() {
        return Ok(());
    }
    let written: HashSet<String> = match fs::read_to_string(out.join(MARKER)) {
        Ok(listing) => listing
            .lines()
            .filter(|line| !line.starts_with('#'))
            .map(str::to_owned)
            .collect(),
        Err(_) => {
            return Err(Error::Usage(format!(
                "the output folder {} holds files that shoulashou did not write; \
                 choose another folder with --out, or pass --force to replace it",
                out.display()
            )));
        }
    };
    let foreign: Vec<&String> = present
        .iter()
        .filter(|file| !written.contains(file.as_str()) && *file != MARKER)
        .collect();
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

/// Lists the files under `dir` as relative paths with `/` separators, sorted.
fn files_under(dir: &Path) -> Result<Vec<String>, Error> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(dir).to_path_buf();
            Error::io(path, error.into())
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let parts: Vec<String> = relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.push(parts.join("/"));
    }
    Ok(files)
}

/// Returns a hidden folder next to `out`, such as `.site.staging-1234`.
fn sibling(out: &Path, purpose: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |name| name.to_string_lossy());
    out.with_file_name(format!(".{name}.{purpose}-{}", std::process::id()))
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
