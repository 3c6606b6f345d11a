//! HTML pages: the province overview, the status page of open warnings,
//! one page per university and one Attachment 1 page per family, rendered
//! with Tera.
//!
//! Every template escapes every value, whatever its name, and the `safe`
//! filter cannot unescape record text: the only markup a page gets from a
//! record is Markdown rendered by the `markdown` filter, which shows raw HTML
//! as text. Private values are masked while the page data is built, so a
//! template (built-in or an override) never receives them whole.

mod chart;
mod view;

use std::borrow::Cow;
use std::error::Error as _;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::error::Error;
use crate::markdown::render_markdown;
use crate::output::Sink;
use crate::summary::Summary;

/// Options of page rendering.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Mask phone numbers and street addresses (the default).
    pub masked: bool,
    /// Folder whose same-named files override the built-in templates.
    pub templates_dir: Option<PathBuf>,
}

/// Template of the province overview, `index.html` at the site root.
pub const PROVINCE_TEMPLATE: &str = "province.html";
/// Template of the status page, `status.html` at the site root: every open
/// warning, grouped by university.
pub const STATUS_TEMPLATE: &str = "status.html";
/// Template of a university page, `<folder>/index.html`.
pub const UNIVERSITY_TEMPLATE: &str = "university.html";
/// Template of a family's Attachment 1 page, `<folder>/<family id>.html`.
pub const FAMILY_TEMPLATE: &str = "family.html";

/// Built-in templates in load order (parents before the templates that
/// extend them), each under the file name that overrides it.
const BUILT_IN_TEMPLATES: [(&str, &str); 5] = [
    ("base.html", include_str!("templates/base.html")),
    (PROVINCE_TEMPLATE, include_str!("templates/province.html")),
    (STATUS_TEMPLATE, include_str!("templates/status.html")),
    (
        UNIVERSITY_TEMPLATE,
        include_str!("templates/university.html"),
    ),
    (FAMILY_TEMPLATE, include_str!("templates/family.html")),
];

/// Writes every page of the site into `sink`, returning the files written.
///
/// A folder is created in it for each university. Pages are written in the
/// summary's order, and the same summary and options give byte-identical
/// pages. Fails on the first template that cannot be read, parsed or
/// rendered, and on the first file that cannot be written.
pub fn render_site(
    summary: &Summary,
    options: &RenderOptions,
    sink: &(impl Sink + ?Sized),
) -> Result<Vec<PathBuf>, Error> {
    let tera = load_templates(options.templates_dir.as_deref())?;
    let root = sink.root();
    let mut written = Vec::new();

    let page = view::province_page(summary, options);
    let html = render_page(&tera, PROVINCE_TEMPLATE, &page, "the province overview")?;
    sink.put("index.html", &html)?;
    written.push(root.join("index.html"));

    let page = view::status_page(summary, options);
    let html = render_page(&tera, STATUS_TEMPLATE, &page, "the status page")?;
    sink.put(view::STATUS_PAGE, &html)?;
    written.push(root.join(view::STATUS_PAGE));

    for university in &summary.universities {
        let folder = checked_file_name(root, &university.folder)?;

        let page = view::university_page(summary, university, options);
        let record = format!("university `{}`", university.name);
        let html = render_page(&tera, UNIVERSITY_TEMPLATE, &page, &record)?;
        let file = format!("{folder}/index.html");
        sink.put(&file, &html)?;
        written.push(root.join(file));

        // Family pages are independent of each other, so they render on all
        // cores; collecting in order keeps the list of files deterministic.
        let results: Vec<Result<PathBuf, Error>> = university
            .families
            .par_iter()
            .map(|family| {
                let page = view::family_page(summary, university, family, options);
                let name = checked_file_name(&root.join(folder), &family.page)?;
                let source = &family.family.source;
                let record = format!("family `{}` ({})", source.id, source.path.display());
                let html = render_page(&tera, FAMILY_TEMPLATE, &page, &record)?;
                let file = format!("{folder}/{name}");
                sink.put(&file, &html)?;
                Ok(root.join(file))
            })
            .collect();
        // The first failure in page order is reported, whichever thread met it.
        for result in results {
            written.push(result?);
        }
    }
    Ok(written)
}

/// Percent-encodes one path segment of a relative link, so that names with
/// Chinese characters, spaces, `#`, `?` or `%` link to the right file.
///
/// Only the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`) are
/// kept; every other byte of the UTF-8 text becomes `%XX`, which also
/// encodes `/`, so a segment can never climb into another folder.
pub fn encode_path_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// Builds the Tera instance: built-in templates, each replaced by the
/// same-named file of `templates_dir` when there is one.
fn load_templates(templates_dir: Option<&Path>) -> Result<Tera, Error> {
    let mut tera = new_tera();
    // Added one at a time, parents first, so a parse error names its template.
    for (name, built_in) in BUILT_IN_TEMPLATES {
        let source = template_source(templates_dir, name, built_in)?;
        tera.add_raw_template(name, &source)
            .map_err(|error| Error::Template {
                name: name.to_owned(),
                message: format!("could not be parsed: {}", describe(&error)),
            })?;
    }
    Ok(tera)
}

/// Creates a Tera instance without templates that escapes every value in
/// every template and has the `markdown` filter.
fn new_tera() -> Tera {
    let mut tera = Tera::default();
    // Every name ends with the empty suffix, so autoescaping applies to
    // every template, including an override named `x.txt`.
    tera.autoescape_on([""]);
    tera.register_filter("markdown", markdown_filter);
    tera.register_filter("safe", keep_safety_filter);
    tera
}

/// Returns the override of `name` in `templates_dir` if that file exists,
/// else the built-in source.
fn template_source<'a>(
    templates_dir: Option<&Path>,
    name: &str,
    built_in: &'a str,
) -> Result<Cow<'a, str>, Error> {
    let Some(dir) = templates_dir else {
        return Ok(Cow::Borrowed(built_in));
    };
    let path = dir.join(name);
    match fs::read_to_string(&path) {
        Ok(source) => Ok(Cow::Owned(source)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Cow::Borrowed(built_in)),
        Err(error) => Err(Error::Template {
            name: name.to_owned(),
            message: format!("could not read {}: {error}", path.display()),
        }),
    }
}

/// Renders Markdown record text to HTML that Tera inserts without escaping.
/// An absent value (`none`) renders as nothing.
fn markdown_filter(value: Value, _: Kwargs, _: &State) -> Value {
    if value.is_none() || value.is_undefined() {
        return Value::safe_string("");
    }
    let text = match value.as_str() {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(value.to_string()),
    };
    Value::safe_string(&render_markdown(&text))
}

/// Replaces Tera's `safe` filter: returns the value unchanged, so record
/// text stays escaped while values that are already safe (rendered
/// Markdown, a component's body) stay unescaped.
fn keep_safety_filter(value: Value, _: Kwargs, _: &State) -> Value {
    value
}

/// Renders one page. `record` names what the page shows, for the error message.
fn render_page<T: Serialize>(
    tera: &Tera,
    template: &str,
    page: &T,
    record: &str,
) -> Result<Vec<u8>, Error> {
    let failed = |error: tera::Error| Error::Template {
        name: template.to_owned(),
        message: format!("could not render {record}: {}", describe(&error)),
    };
    let context = Context::from_serialize(page).map_err(failed)?;
    // Rendering into bytes skips the UTF-8 check of a String: Tera writes
    // only template text and escaped values, both UTF-8 already.
    let mut html = Vec::with_capacity(16 * 1024);
    tera.render_to(template, &context, &mut html)
        .map_err(failed)?;
    Ok(html)
}

/// Returns Tera's message followed by each of its causes.
fn describe(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    message
}

/// Returns `name` if it can be used as one file or folder name inside
/// `parent`. A name that is empty, `.` or `..`, or that contains a path
/// separator, is rejected because it would write outside its folder.
pub(crate) fn checked_file_name<'a>(parent: &Path, name: &'a str) -> Result<&'a str, Error> {
    let unusable =
        name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']);
    if unusable {
        let message = format!(
            "`{name}` cannot be used as a file or folder name; \
             give the university a `folder` in campaign.yaml or rename the record file"
        );
        return Err(Error::io(
            parent,
            io::Error::new(io::ErrorKind::InvalidInput, message),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests;
