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
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, Value};
use xxhash_rust::xxh3::Xxh3;

use crate::digest::Digest;
use crate::error::Error;
use crate::markdown::render_markdown;
use crate::output::{Memo, MemoEntry, Sink, Stamp, Written};
use crate::summary::{Summary, UniversityReport};

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

/// Writes every page of the site into `sink`, returning the files written
/// in page order.
///
/// A folder is created in it for each university. Pages are written in the
/// summary's order, and the same summary and options give byte-identical
/// pages. Fails on the first template that cannot be read, parsed or
/// rendered, and on the first file that cannot be written.
pub fn render_site(
    summary: &Summary,
    options: &RenderOptions,
    sink: &(impl Sink + ?Sized),
) -> Result<Vec<Written>, Error> {
    let (tera, _) = load_templates(options.templates_dir.as_deref())?;
    let renderer = Renderer {
        tera: &tera,
        sink,
        memo: None,
    };
    let (written, _) = renderer.site(summary, options)?;
    Ok(written)
}

/// Like [`render_site`], but renders only the pages whose data or templates
/// changed since the build that `memo` describes, and takes the others over
/// through [`Sink::keep`]. `views` are the hashes of that build's views.
pub fn render_site_with(
    summary: &Summary,
    options: &RenderOptions,
    sink: &(impl Sink + ?Sized),
    memo: &Memo,
    views: &ViewHashes,
) -> Result<Rendered, Error> {
    let (tera, templates) = load_templates(options.templates_dir.as_deref())?;
    let renderer = Renderer {
        tera: &tera,
        sink,
        memo: Some(Memoized {
            previous: memo,
            views,
            templates,
            rendered: AtomicUsize::new(0),
        }),
    };
    let (written, views) = renderer.site(summary, options)?;
    let memoized = renderer.memo.expect("the renderer was given a memo");
    Ok(Rendered {
        written,
        rendered: memoized.rendered.into_inner(),
        views,
    })
}

/// The pages of a build that had the memo of the last one.
#[derive(Debug)]
pub struct Rendered {
    /// Every page, in page order, with its data hash.
    pub written: Vec<Written>,
    /// How many pages were rendered because their data changed.
    pub rendered: usize,
    /// The hashes of this build's university views, for the next build.
    pub views: ViewHashes,
}

/// The hashes of the views of one university's pages, and of what they are
/// made from.
#[derive(Debug, Clone, Copy)]
struct UniversityHashes {
    /// [`view::university_input_hash`], when every family has a record hash.
    input: Option<u128>,
    /// The data hash of the university page.
    page: u128,
    /// The hash of what its family pages share.
    shared: u128,
    /// The hash of its section of the status page.
    status: u128,
}

/// The hashes of the views of each university's pages in a build with a
/// memo, by university name. The next build takes them over for each
/// university whose input hash is the same, without making its views.
#[derive(Debug, Default)]
pub struct ViewHashes {
    universities: foldhash::HashMap<String, UniversityHashes>,
}

/// The views of one university's teams and warnings, made when a page or a
/// hash first needs them, and the hashes of its pages' views in a build
/// with a memo.
#[derive(Default)]
struct Prepared<'a> {
    hashes: Option<UniversityHashes>,
    views: OnceLock<UniversityViews<'a>>,
}

/// The views of one university's teams and warnings, which its page, its
/// family pages and the status page show.
struct UniversityViews<'a> {
    teams: Vec<view::TeamView<'a>>,
    warnings: Vec<view::WarningView<'a>>,
}

impl<'a> Prepared<'a> {
    fn views(
        &self,
        university: &'a UniversityReport,
        options: &RenderOptions,
    ) -> &UniversityViews<'a> {
        self.views.get_or_init(|| UniversityViews {
            teams: view::team_views(university, options),
            warnings: view::university_warnings(university),
        })
    }
}

/// Renders pages into a sink, skipping those whose data is unchanged when
/// it has the memo of the last build.
struct Renderer<'a, S: Sink + ?Sized> {
    tera: &'a Tera,
    sink: &'a S,
    memo: Option<Memoized<'a>>,
}

/// The memo of the last build and the number of pages rendered so far.
struct Memoized<'a> {
    previous: &'a Memo,
    /// The hashes of the last build's university views.
    views: &'a ViewHashes,
    /// Hash of the template sources, part of every page's data hash.
    templates: u128,
    rendered: AtomicUsize,
}

impl<S: Sink + ?Sized> Renderer<'_, S> {
    /// Writes every page of the site; returns the files in page order.
    fn site<'a>(
        &self,
        summary: &'a Summary,
        options: &RenderOptions,
    ) -> Result<(Vec<Written>, ViewHashes), Error> {
        // The universities and the families of each are independent of
        // each other, so they render on all cores. Collecting in order keeps
        // the list of files deterministic, and the first failure in page
        // order is reported, whichever thread met it.
        let mut prepared: Vec<Prepared<'a>> = summary
            .universities
            .par_iter()
            .map(|university| self.prepare(summary, university, options))
            .collect();
        let universities: Vec<_> = summary
            .universities
            .par_iter()
            .zip(&prepared)
            .map(|(university, prepared)| self.university(summary, university, options, prepared))
            .collect();
        // Only the university and family pages show the team views.
        for views in prepared
            .iter_mut()
            .filter_map(|prepared| prepared.views.get_mut())
        {
            views.teams = Vec::new();
        }
        // A single build returns the memory that the family pages freed
        // before it makes the status page's context.
        if self.memo.is_none() {
            crate::memory::release_free_memory();
        }
        // The status page lists every warning of the campaign in one
        // template context, some 50 MB at 100,000 families with a third of
        // them overdue. Rendered after the family pages rather than beside
        // them, it does not add to the memory their rendering uses.
        let overviews = self.overviews(summary, options, &prepared)?;
        // The list is made at its full size, with room for the workbooks a
        // build appends: one per university and one for the province. When it
        // grew by doubling, its earlier buffers stayed in the process, about
        // 24 MB at the peak of a build of 100,000 pages.
        let pages: usize = universities.iter().flatten().map(Vec::len).sum();
        let workbooks = summary.universities.len() + 1;
        let mut written = Vec::with_capacity(overviews.len() + pages + workbooks);
        written.extend(overviews);
        for pages in universities {
            written.extend(pages?);
        }
        // Only hashes that a later build can tell are still right are kept.
        let hashes = summary
            .universities
            .iter()
            .zip(&prepared)
            .filter_map(|(university, prepared)| {
                let hashes = prepared.hashes.filter(|hashes| hashes.input.is_some())?;
                Some((university.name.clone(), hashes))
            })
            .collect();
        Ok((
            written,
            ViewHashes {
                universities: hashes,
            },
        ))
    }

    /// Works out the hashes of the views of `university`'s pages, taken
    /// from the last build when nothing they are made from changed.
    fn prepare<'a>(
        &self,
        summary: &'a Summary,
        university: &'a UniversityReport,
        options: &RenderOptions,
    ) -> Prepared<'a> {
        let Some(memo) = &self.memo else {
            return Prepared::default();
        };
        let templates = memo.templates;
        let input = view::university_input_hash(templates, summary, university, options);
        let previous = memo.views.universities.get(&university.name);
        if let Some(hashes) = previous.filter(|hashes| input.is_some() && hashes.input == input) {
            return Prepared {
                hashes: Some(*hashes),
                views: OnceLock::new(),
            };
        }
        let prepared = Prepared::default();
        let hashes = {
            let views = prepared.views(university, options);
            let page =
                view::university_page(summary, university, options, &views.teams, &views.warnings);
            let shared = view::family_shared(summary, university, options, &views.teams);
            UniversityHashes {
                input,
                page: view_hash(templates, &page),
                shared: view_hash(templates, &shared),
                status: view::status_section_hash(university, &views.warnings),
            }
        };
        Prepared {
            hashes: Some(hashes),
            views: prepared.views,
        }
    }

    /// Writes the province overview and the status page.
    fn overviews<'a>(
        &self,
        summary: &'a Summary,
        options: &RenderOptions,
        prepared: &[Prepared<'a>],
    ) -> Result<Vec<Written>, Error> {
        let page = view::province_page(summary, options);
        let hash = |templates| data_hash(templates, &page);
        let province = self.page(PROVINCE_TEMPLATE, "index.html", &page, hash, || {
            "the province overview".to_owned()
        })?;

        let record = || "the status page".to_owned();
        let hash = |templates| {
            let sections: Vec<u128> = prepared
                .iter()
                .map(|prepared| prepared.hashes.map_or(0, |hashes| hashes.status))
                .collect();
            view::status_page_hash(templates, summary, options, &sections)
        };
        let build = || {
            let warnings: Vec<&[view::WarningView]> = summary
                .universities
                .iter()
                .zip(prepared)
                .map(|(university, prepared)| &prepared.views(university, options).warnings[..])
                .collect();
            let page = view::status_page(summary, options, &warnings);
            Context::from_serialize(&page)
                .map_err(|error| render_failed(STATUS_TEMPLATE, &record(), &error))
        };
        let status = self.page_with(
            STATUS_TEMPLATE,
            view::STATUS_PAGE.to_owned(),
            hash,
            build,
            record,
        )?;
        Ok(vec![province, status])
    }

    /// Writes the page of `university` and the pages of its families.
    fn university<'a>(
        &self,
        summary: &'a Summary,
        university: &'a UniversityReport,
        options: &RenderOptions,
        prepared: &Prepared<'a>,
    ) -> Result<Vec<Written>, Error> {
        let root = self.sink.root();
        let folder = checked_file_name(root, &university.folder)?;
        let mut written = Vec::with_capacity(university.families.len() + 1);

        let file = format!("{folder}/index.html");
        let record = || format!("university `{}`", university.name);
        let hash = |templates| match prepared.hashes {
            Some(hashes) => hashes.page,
            None => {
                let views = prepared.views(university, options);
                let page = view::university_page(
                    summary,
                    university,
                    options,
                    &views.teams,
                    &views.warnings,
                );
                view_hash(templates, &page)
            }
        };
        let build = || {
            let views = prepared.views(university, options);
            let page =
                view::university_page(summary, university, options, &views.teams, &views.warnings);
            Context::from_serialize(&page)
                .map_err(|error| render_failed(UNIVERSITY_TEMPLATE, &record(), &error))
        };
        written.push(self.page_with(UNIVERSITY_TEMPLATE, file, hash, build, record)?);

        let shared_hash = prepared.hashes.map(|hashes| hashes.shared);
        // Converting the shared values into Tera values takes a while, and a
        // rebuild often renders none of the university's family pages, so it
        // happens when the first page needs it. Failing, it keeps Tera's
        // message for every page that needs it.
        let context: OnceLock<Result<view::FamilyContext, String>> = OnceLock::new();
        let context_failed = |message: &str| Error::Template {
            name: FAMILY_TEMPLATE.to_owned(),
            message: format!(
                "could not render the family pages of university `{}`: {message}",
                university.name
            ),
        };
        let folder_path = root.join(folder);
        let results: Vec<Result<Written, Error>> = university
            .families
            .par_iter()
            .map(|family| {
                let name = checked_file_name(&folder_path, &family.page)?;
                let file = format!("{folder}/{name}");
                let hash = |_| view::family_page_hash(shared_hash.unwrap_or_default(), family);
                let shared_context = || {
                    context
                        .get_or_init(|| {
                            let views = prepared.views(university, options);
                            view::family_shared(summary, university, options, &views.teams)
                                .context()
                                .map_err(|error| describe(&error))
                        })
                        .as_ref()
                        .map_err(|message| context_failed(message))
                };
                let record = || {
                    let source = &family.family.source;
                    format!("family `{}` ({})", source.id, source.path.display())
                };
                let build = || {
                    view::family_context(shared_context()?, family, options)
                        .map_err(|error| render_failed(FAMILY_TEMPLATE, &record(), &error))
                };
                self.page_with(FAMILY_TEMPLATE, file, hash, build, record)
            })
            .collect();
        for result in results {
            written.push(result?);
        }
        Ok(written)
    }

    /// Renders `page` with `template` into the file `file`, unless the last
    /// build rendered data of the same hash there. `hash` works the data
    /// hash out from the template hash, and `record` names what the page
    /// shows, for an error message.
    fn page<T: Serialize>(
        &self,
        template: &str,
        file: &str,
        page: &T,
        hash: impl FnOnce(u128) -> u128,
        record: impl Fn() -> String,
    ) -> Result<Written, Error> {
        let build = || {
            Context::from_serialize(page)
                .map_err(|error| render_failed(template, &record(), &error))
        };
        self.page_with(template, file.to_owned(), hash, build, &record)
    }

    /// Like [`Renderer::page`], for a page whose data hash `hash` works out
    /// from the template hash without building the page, and whose template
    /// context `build` makes only when the page is rendered.
    fn page_with(
        &self,
        template: &str,
        file: String,
        hash: impl FnOnce(u128) -> u128,
        build: impl FnOnce() -> Result<Context, Error>,
        record: impl Fn() -> String,
    ) -> Result<Written, Error> {
        let Some(memo) = &self.memo else {
            let stamp = self.write(template, &file, build, &record(), None)?;
            return Ok(Written {
                file,
                data: None,
                stamp,
            });
        };
        let hash = hash(memo.templates);
        let entry = memo.previous.entry(&file);
        let spare = entry.and_then(MemoEntry::spare);
        let kept = match entry.and_then(|entry| entry.unchanged(hash)) {
            Some(stamp) if self.sink.keep(&file, stamp, spare)? => Some(stamp),
            _ => None,
        };
        let stamp = match kept {
            Some(stamp) => stamp,
            None => {
                memo.rendered.fetch_add(1, Ordering::Relaxed);
                self.write(template, &file, build, &record(), spare)?
            }
        };
        Ok(Written {
            file,
            data: Some(hash),
            stamp,
        })
    }

    /// Renders a page of `template` from the context that `build` makes
    /// into the file `file` and returns the stamp of its content.
    ///
    /// The status page lists every warning of the campaign, some 12 MB of
    /// HTML at 100,000 families, so it goes to its file as it is rendered
    /// instead of into a buffer beside its context. Other pages are
    /// rendered whole, so that the sink can leave an unchanged file alone.
    fn write(
        &self,
        template: &str,
        file: &str,
        build: impl FnOnce() -> Result<Context, Error>,
        record: &str,
        spare: Option<Stamp>,
    ) -> Result<Stamp, Error> {
        if template != STATUS_TEMPLATE {
            let html = render_page(self.tera, template, build, record)?;
            return self.sink.put(file, &html, spare);
        }
        let context = build()?;
        let render = |out: &mut dyn io::Write| {
            self.tera
                .render_to(template, &context, out)
                .map_err(|error| render_failed(template, record, &error))
        };
        self.sink.put_streamed(file, spare, Box::new(render))
    }
}

/// Returns a hash of the templates and of the data a template receives,
/// fed through its `Hash` implementation, which costs less than the JSON
/// form for pages of many rows. The province overview's charts hold
/// floating-point numbers, which have no `Hash`, so it uses [`data_hash`].
fn view_hash<T: Hash>(templates: u128, page: &T) -> u128 {
    let mut digest = Digest::new();
    templates.hash(&mut digest);
    page.hash(&mut digest);
    digest.finish128()
}

/// Returns a hash of the templates and of the data a template receives,
/// taken over its JSON form.
fn data_hash<T: Serialize>(templates: u128, page: &T) -> u128 {
    let mut digest = Digest::new();
    Hasher::write(&mut digest, &templates.to_le_bytes());
    // serde_json fails only on a map whose keys are not strings, and no page
    // data contains a map; this writer cannot fail either.
    let _ = serde_json::to_writer(&mut digest, page);
    digest.finish128()
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
/// Returns it with a hash of every template source.
fn load_templates(templates_dir: Option<&Path>) -> Result<(Tera, u128), Error> {
    let mut tera = new_tera();
    let mut hasher = Xxh3::new();
    // Added one at a time, parents first, so a parse error names its template.
    for (name, built_in) in BUILT_IN_TEMPLATES {
        let source = template_source(templates_dir, name, built_in)?;
        hasher.update(name.as_bytes());
        hasher.update(&(source.len() as u64).to_le_bytes());
        hasher.update(source.as_bytes());
        tera.add_raw_template(name, &source)
            .map_err(|error| Error::Template {
                name: name.to_owned(),
                message: format!("could not be parsed: {}", describe(&error)),
            })?;
    }
    Ok((tera, hasher.digest128()))
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

/// Renders one page from the context that `build` makes. `record` names
/// what the page shows, for the error message.
fn render_page(
    tera: &Tera,
    template: &str,
    build: impl FnOnce() -> Result<Context, Error>,
    record: &str,
) -> Result<Vec<u8>, Error> {
    let failed = |error: tera::Error| render_failed(template, record, &error);
    let context = build()?;
    // Rendering into bytes skips the UTF-8 check of a String: Tera writes
    // only template text and escaped values, both UTF-8 already.
    let mut html = Vec::with_capacity(16 * 1024);
    tera.render_to(template, &context, &mut html)
        .map_err(failed)?;
    Ok(html)
}

/// Returns the error for a page of `template` that could not be rendered.
fn render_failed(template: &str, record: &str, error: &tera::Error) -> Error {
    Error::Template {
        name: template.to_owned(),
        message: format!("could not render {record}: {}", describe(error)),
    }
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
