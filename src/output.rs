//! Output staging: a build renders into a fresh folder beside the output
//! folder and swaps it in only after every file was written, so a failed
//! build leaves the previous site as it was.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// File that marks a folder as written by this tool, so it may be replaced.
pub const MARKER: &str = ".shoulashou-site";

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

    /// Replaces the output folder with the staging folder.
    pub fn commit(self) -> Result<(), Error> {
        let marker = self.dir.join(MARKER);
        fs::write(
            &marker,
            "written by shoulashou; the whole folder is replaced on each build\n",
        )
        .map_err(|error| Error::io(&marker, error))?;
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
    let mut entries = fs::read_dir(out).map_err(|error| Error::io(out, error))?;
    if entries.next().is_none() || out.join(MARKER).is_file() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "the output folder {} holds files that shoulashou did not write; \
         choose another folder with --out, or pass --force to replace it",
        out.display()
    )))
}

/// Returns a hidden folder next to `out`, such as `.site.staging-1234`.
fn sibling(out: &Path, purpose: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |name| name.to_string_lossy());
    out.with_file_name(format!(".{name}.{purpose}-{}", std::process::id()))
}

/// Rejects an output folder that is, contains or lies inside a folder the
/// tool must never write to (the records or the templates).
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

fn absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    fs::canonicalize(&joined).unwrap_or(joined)
}
