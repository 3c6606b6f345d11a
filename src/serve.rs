//! `serve`: builds the site like `build`, serves it on 127.0.0.1 and rebuilds
//! it whenever a record, a template or the campaign file changes. Pages are
//! served with a small live-reload script, and with the diagnostics of the
//! last failed rebuild, but the files on disk stay exactly as `build` writes them.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::cli::{BuildArguments, ServeArguments};
use crate::error::Error;
use crate::lang::Lang;
use crate::load::Listing;
use crate::run::{self, EXIT_OK, Printer, Session};

/// Path of the endpoint that returns the build version. With `?since=N` it
/// waits until the version differs from `N` or [`LONG_POLL`] passes.
pub const VERSION_PATH: &str = "/__shoulashou/version";

/// Maximum wait of one long-poll request; the script sends another request after it.
const LONG_POLL: Duration = Duration::from_secs(25);

/// Interval between two scans of the watched files.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Time the watched files must stay unchanged before a rebuild starts, so
/// that an editor that writes a file in several steps causes one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Largest request head read, in bytes; a browser's GET is far smaller.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// Set by the SIGINT and SIGTERM handler, read by the watch loop.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// State shared by the watch loop and the request handlers.
#[derive(Debug, Default)]
struct Status {
    /// Incremented after every build, failed or not, so open pages reload.
    version: u64,
    /// Diagnostics or failure of the last build when it did not replace the site.
    failure: Option<String>,
}

/// The status with the condition variable that wakes long-poll requests.
#[derive(Debug, Default)]
struct Shared {
    status: Mutex<Status>,
    changed: Condvar,
}

/// Site root, message language and build status used by the request handlers.
#[derive(Debug)]
struct Site {
    root: PathBuf,
    lang: Lang,
    shared: Arc<Shared>,
}

/// Runs `serve` until Ctrl-C or SIGTERM, then returns [`EXIT_OK`].
pub(crate) fn run_serve(arguments: &ServeArguments, printer: Printer) -> Result<u8, Error> {
    install_interrupt_handler();
    let shared = Arc::new(Shared::default());
    // The session keeps what each build was made from, so a rebuild renders
    // only the pages and workbooks whose data changed.
    let mut session = Session::default();
    // Taken before the first build, so that a save during it causes a rebuild.
    let (built_from, complete) = fingerprint(&watched_paths(&arguments.build));
    hand_over(&mut session, &arguments.build, &built_from, complete);
    let failure = build_once(&arguments.build, printer, &mut session)?;
    publish(&shared, failure);

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, arguments.port));
    let listener = TcpListener::bind(address).map_err(|error| {
        Error::Usage(format!(
            "could not listen on {address}: {error}; choose another --port, or 0 for a free one"
        ))
    })?;
    let bound = listener
        .local_addr()
        .map_err(|error| Error::Usage(format!("could not read the listening address: {error}")))?;
    // The URL is the one piece of data this command prints, so it goes to stdout.
    println!("http://{bound}/");
    let _ = std::io::stdout().flush();
    if !printer.quiet {
        match printer.style.lang {
            Lang::Zh => {
                eprintln!("正在预览 http://{bound}/ ，保存记录后自动重新生成；按 Ctrl-C 停止")
            }
            Lang::En => eprintln!(
                "serving http://{bound}/ and rebuilding on every save; press Ctrl-C to stop"
            ),
        }
    }

    let site = Arc::new(Site {
        root: arguments.build.out.clone(),
        lang: printer.style.lang,
        shared: Arc::clone(&shared),
    });
    thread::spawn(move || accept_loop(listener, site));
    // While the site is served and before the first save, the spare folder
    // is checked, so that the first rebuild need not list it.
    session.prepare_spare(&arguments.build.out);
    watch(&arguments.build, printer, &shared, &mut session, built_from);

    if !printer.quiet {
        match printer.style.lang {
            Lang::Zh => eprintln!("已停止预览"),
            Lang::En => eprintln!("stopped serving"),
        }
    }
    Ok(EXIT_OK)
}

/// Runs one build and returns the text to show in the browser when it did not
/// replace the site. Usage errors, such as an output folder that overlaps the
/// records, are returned because no later save can fix them.
fn build_once(
    arguments: &BuildArguments,
    printer: Printer,
    session: &mut Session,
) -> Result<Option<String>, Error> {
    match run::build_site(arguments, printer, Some(session)) {
        Ok(built) if built.status == EXIT_OK => Ok(None),
        Ok(built) => Ok(Some(built.report)),
        Err(error @ Error::Usage(_)) => Err(error),
        Err(error) => Ok(Some(report_failure(&error, printer.style.lang))),
    }
}

/// Prints a failure to run on stderr, as `build` does, and returns the same line.
fn report_failure(error: &Error, lang: Lang) -> String {
    let label = if lang == Lang::Zh { "错误" } else { "error" };
    eprintln!("{label}: {error}");
    format!("{label}: {error}\n")
}

/// Records the outcome of a build and wakes every waiting long-poll request.
fn publish(shared: &Shared, failure: Option<String>) {
    let mut status = lock(&shared.status);
    status.version += 1;
    status.failure = failure;
    shared.changed.notify_all();
}

/// Locks the status; a handler that panicked while holding the lock left a
/// status that is still whole, because every update is a plain assignment.
fn lock(status: &Mutex<Status>) -> std::sync::MutexGuard<'_, Status> {
    status
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Scans the watched files until Ctrl-C and rebuilds after each change
/// from `built_from`, the files the last build started from. Builds run on
/// this thread, so Ctrl-C during a build stops only after the build
/// finished and the output folder is whole again.
fn watch(
    arguments: &BuildArguments,
    printer: Printer,
    shared: &Shared,
    session: &mut Session,
    mut built_from: Fingerprint,
) {
    let watched = watched_paths(arguments);
    let mut pending: Option<(Fingerprint, bool, Instant)> = None;
    let mut scan_time = Duration::ZERO;
    while !INTERRUPTED.load(Ordering::SeqCst) {
        // A scan of a large campaign takes a while. Waiting four times as
        // long between scans keeps polling to a fifth of one core.
        thread::sleep(POLL_INTERVAL.max(scan_time * 4));
        let scan_started = Instant::now();
        let (current, complete) = fingerprint(&watched);
        scan_time = scan_started.elapsed();
        pending = match pending {
            _ if current == built_from => None,
            Some((seen, _, since)) if seen == current => Some((seen, complete, since)),
            _ => Some((current, complete, Instant::now())),
        };
        let Some((_, _, since)) = &pending else {
            continue;
        };
        if since.elapsed() < DEBOUNCE {
            continue;
        }
        let Some((seen, complete, _)) = pending.take() else {
            continue;
        };
        hand_over(session, arguments, &seen, complete);
        built_from = seen;
        let failure = build_once(arguments, printer, session)
            .unwrap_or_else(|error| Some(report_failure(&error, printer.style.lang)));
        publish(shared, failure);
    }
}

/// Returns the records folder, the templates folder and the campaign file,
/// whether they exist yet or not, so that creating one triggers a rebuild too.
fn watched_paths(arguments: &BuildArguments) -> Vec<PathBuf> {
    let common = &arguments.common;
    vec![
        common.records.clone(),
        arguments
            .templates
            .clone()
            .unwrap_or_else(|| PathBuf::from("templates")),
        common
            .campaign
            .clone()
            .unwrap_or_else(|| PathBuf::from("campaign.yaml")),
    ]
}

/// Every file under the watched paths with its modification time and size.
type Fingerprint = Vec<(PathBuf, Option<SystemTime>, u64)>;

/// Gives the next build the record files of a scan that just found them, so
/// that it need not list the records folder and read each file's metadata
/// again. A scan that met an unreadable folder is not handed over, so that
/// the build's own walk reports that folder.
fn hand_over(
    session: &mut Session,
    arguments: &BuildArguments,
    scan: &Fingerprint,
    complete: bool,
) {
    if !complete {
        session.use_listing(None);
        return;
    }
    let records = &arguments.common.records;
    let files = scan
        .iter()
        .filter(|(path, ..)| path.starts_with(records) && path != records)
        .map(|(path, modified, size)| (path.clone(), (*size, *modified)))
        .collect();
    session.use_listing(Some(Listing {
        records: records.clone(),
        files,
    }));
}

/// Lists the watched files, and whether every folder could be read. Polling needs no platform-specific notification
/// API and costs one `stat` per file every [`POLL_INTERVAL`] or longer.
// NOTE: at 100,000 families one scan takes about 0.3 s of CPU time, so
// `watch` scans about once a second there. An event-based watcher such as
// `notify` would notice saves sooner without scanning.
fn fingerprint(watched: &[PathBuf]) -> (Fingerprint, bool) {
    let mut files = Vec::new();
    let mut complete = true;
    for path in watched {
        // The watched path itself, with no time, so that creating or
        // removing it counts as a change even when it is an empty folder.
        // Followed when it is a link, as the build follows it.
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                files.push((path.clone(), None, 0));
                complete &= list_folder(path, &mut files);
            }
            Ok(metadata) if metadata.is_file() => {
                files.push((path.clone(), None, 0));
                files.push((path.clone(), metadata.modified().ok(), metadata.len()));
            }
            Ok(_) => files.push((path.clone(), None, 0)),
            Err(_) => {}
        }
    }
    // Fingerprints are only compared with each other, so any fixed order
    // does. Byte order of the paths is the cheapest to sort by.
    files.sort_unstable_by(|left, right| left.0.as_os_str().cmp(right.0.as_os_str()));
    (files, complete)
}

/// Adds the regular files below `folder` to `files` and returns whether
/// every folder could be read. A file or folder that is missing or removed
/// during the scan is simply absent from the fingerprint; the rebuild
/// reports it if it matters. Links are not followed.
fn list_folder(folder: &Path, files: &mut Fingerprint) -> bool {
    let Ok(entries) = fs::read_dir(folder) else {
        return false;
    };
    let mut complete = true;
    for entry in entries {
        let Ok(entry) = entry else {
            complete = false;
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            complete &= list_folder(&entry.path(), files);
        } else if kind.is_file() {
            // The metadata of a listed entry is read relative to its open
            // folder, without looking its whole path up again.
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            files.push((entry.path(), metadata.modified().ok(), metadata.len()));
        }
    }
    complete
}

/// Makes SIGINT (Ctrl-C) and SIGTERM set [`INTERRUPTED`] instead of killing
/// the process in the middle of swapping the output folder.
fn install_interrupt_handler() {
    extern "C" fn on_signal(_: libc::c_int) {
        // Only an atomic store: nothing else is safe inside a signal handler.
        INTERRUPTED.store(true, Ordering::SeqCst);
    }
    let handler = on_signal as extern "C" fn(libc::c_int);
    // SAFETY: the handler only performs an atomic store, which is
    // async-signal-safe, and it lives for the whole process.
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
    }
}

fn accept_loop(listener: TcpListener, site: Arc<Site>) {
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                eprintln!("error: accepting a connection failed: {error}");
                continue;
            }
        };
        let site = Arc::clone(&site);
        // One thread per connection, because long-poll requests stay open.
        thread::spawn(move || {
            // The only failures are a browser that closed the connection or
            // sent nothing within the read timeout, as when a page reloads
            // during a long poll, so they are not worth a line on the terminal.
            let _ = handle(stream, &site);
        });
    }
}

/// A response before it is written: status, content type and body.
#[derive(Debug)]
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

impl Response {
    fn text(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into_bytes(),
            location: None,
        }
    }
}

fn handle(mut stream: TcpStream, site: &Site) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let Some((method, target)) = read_request_line(&stream)? else {
        return Ok(());
    };
    let response = match method.as_str() {
        "GET" | "HEAD" => respond(&target, site),
        _ => Response::text(405, "only GET and HEAD are supported\n".to_owned()),
    };
    write_response(&mut stream, &response, method == "HEAD")
}

/// Reads the request line and skips the headers; returns the method and target.
fn read_request_line(stream: &TcpStream) -> std::io::Result<Option<(String, String)>> {
    let mut reader = BufReader::new(stream.take(MAX_REQUEST_HEAD as u64));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let request = (method.to_owned(), target.to_owned());
    let mut header = String::new();
    loop {
        header.clear();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    Ok(Some(request))
}

fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match response.status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    if let Some(location) = &response.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&response.body)?;
    }
    stream.flush()
}

fn respond(target: &str, site: &Site) -> Response {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path == VERSION_PATH {
        return version(query, &site.shared);
    }
    let Some(decoded) = percent_decode(path) else {
        return Response::text(
            400,
            "the path is not valid percent-encoded UTF-8\n".to_owned(),
        );
    };
    let Some(relative) = site_relative(&decoded) else {
        return Response::text(403, "paths outside the site are not served\n".to_owned());
    };
    serve_file(path, &relative, site)
}

/// Returns the current version, after waiting up to [`LONG_POLL`] for it to
/// differ from `since` when the query gives one.
fn version(query: &str, shared: &Shared) -> Response {
    let since = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("since="))
        .and_then(|value| value.parse::<u64>().ok());
    let status = lock(&shared.status);
    let status = match since {
        Some(since) => {
            let waited = shared
                .changed
                .wait_timeout_while(status, LONG_POLL, |status| status.version == since);
            waited
                .map(|(status, _)| status)
                .unwrap_or_else(|poisoned| poisoned.into_inner().0)
        }
        None => status,
    };
    Response::text(200, format!("{}\n", status.version))
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result
/// is not UTF-8.
pub fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = path.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// Turns a decoded URL path into a path relative to the site root. `None`
/// for any `..` segment, a backslash, a NUL byte or a Windows drive prefix,
/// so that no request reaches outside the site, and for hidden files such
/// as the build's marker file.
pub fn site_relative(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        if segment.starts_with('.') || segment.contains(['\\', '\0']) {
            return None;
        }
        relative.push(segment);
    }
    let plain = relative
        .components()
        .all(|component| matches!(component, Component::Normal(_)));
    plain.then_some(relative)
}

fn serve_file(url_path: &str, relative: &Path, site: &Site) -> Response {
    let full = site.root.join(relative);
    if full.is_dir() {
        if !url_path.ends_with('/') {
            // Pages link relatively, so a folder must be served at its `/` form.
            return Response {
                location: Some(format!("{url_path}/")),
                ..Response::text(301, String::new())
            };
        }
        return serve_file(
            &format!("{url_path}index.html"),
            &relative.join("index.html"),
            site,
        );
    }
    if !inside(&site.root, &full) {
        return Response::text(403, "paths outside the site are not served\n".to_owned());
    }
    match read_during_swap(&full) {
        Some(body) if is_html(&full) => {
            let page = String::from_utf8_lossy(&body);
            Response {
                content_type: "text/html; charset=utf-8",
                body: inject(&page, site).into_bytes(),
                ..Response::text(200, String::new())
            }
        }
        Some(body) => Response {
            content_type: content_type(&full),
            body,
            ..Response::text(200, String::new())
        },
        None => not_found(url_path, site),
    }
}

/// Reads a file, trying once more after a short pause because a rebuild
/// swaps the output folder by two renames, between which no file exists.
fn read_during_swap(path: &Path) -> Option<Vec<u8>> {
    fs::read(path).ok().or_else(|| {
        thread::sleep(Duration::from_millis(100));
        fs::read(path).ok()
    })
}

/// Returns whether `path` still lies under `root` once symbolic links are resolved.
fn inside(root: &Path, path: &Path) -> bool {
    match (fs::canonicalize(root), fs::canonicalize(path)) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        // The caller returns 404 for a missing file.
        _ => true,
    }
}

fn not_found(url_path: &str, site: &Site) -> Response {
    let title = match site.lang {
        Lang::Zh => "找不到这个页面",
        Lang::En => "Page not found",
    };
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p><code>{}</code></p></body></html>\n",
        escape_html(url_path)
    );
    Response {
        content_type: "text/html; charset=utf-8",
        body: inject(&page, site).into_bytes(),
        ..Response::text(404, String::new())
    }
}

fn is_html(path: &Path) -> bool {
    matches!(extension(path).as_str(), "html" | "htm")
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Returns the media type of a file from its extension.
pub fn content_type(path: &Path) -> &'static str {
    match extension(path).as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script, and the banner of a failed rebuild, before
/// `</body>`, or at the end of a page without one.
fn inject(page: &str, site: &Site) -> String {
    let (version, failure) = {
        let status = lock(&site.shared.status);
        (status.version, status.failure.clone())
    };
    let mut addition = String::new();
    if let Some(failure) = failure {
        addition.push_str(&banner(&failure, site.lang));
    }
    addition.push_str(&reload_script(version));
    match page.rfind("</body>") {
        Some(end) => format!("{}{addition}{}", &page[..end], &page[end..]),
        None => format!("{page}{addition}"),
    }
}

/// Renders the fixed banner that lists the diagnostics of a failed rebuild.
fn banner(failure: &str, lang: Lang) -> String {
    let heading = match lang {
        Lang::Zh => "重新生成失败：下面是错误，页面仍是上一次成功生成的版本",
        Lang::En => "The rebuild failed; this page is from the last good build",
    };
    format!(
        "<div id=\"shoulashou-build-failure\" role=\"alert\" style=\"position:fixed;left:0;\
         right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;\
         padding:12px 16px;background:#fff4f4;color:#5c0000;border-top:3px solid #c00;\
         font:14px/1.4 monospace\"><strong>{heading}</strong><pre style=\"white-space:\
         pre-wrap;margin:8px 0 0\">{}</pre></div>",
        escape_html(failure)
    )
}

/// Renders the script that long-polls [`VERSION_PATH`] and reloads the page once the
/// version differs from the one the page was served with.
fn reload_script(version: u64) -> String {
    format!(
        "<script>(function(){{var v=\"{version}\";function poll(){{\
         fetch(\"{VERSION_PATH}?since=\"+v,{{cache:\"no-store\"}})\
         .then(function(r){{return r.text();}})\
         .then(function(t){{if(t.trim()!==v){{location.reload();}}else{{poll();}}}},\
         function(){{setTimeout(poll,1000);}});}}poll();}})();</script>"
    )
}

/// Escapes text for an HTML element's content or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decode_handles_utf8_and_bad_escapes() {
        assert_eq!(
            percent_decode("/zzu/%E7%8E%8B.html").as_deref(),
            Some("/zzu/王.html")
        );
        assert_eq!(percent_decode("/a%2e%2e").as_deref(), Some("/a.."));
        assert_eq!(percent_decode("/bad%zz"), None);
        assert_eq!(percent_decode("/short%4"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn site_relative_rejects_escapes() {
        assert_eq!(
            site_relative("/zzu/wang.html"),
            Some(PathBuf::from("zzu/wang.html"))
        );
        assert_eq!(site_relative("/"), Some(PathBuf::new()));
        assert_eq!(site_relative("/../campaign.yaml"), None);
        assert_eq!(site_relative("/zzu/../../x"), None);
        assert_eq!(site_relative("/..\\x"), None);
        assert_eq!(site_relative("/.shoulashou-site"), None);
    }

    #[test]
    fn content_type_of_workbook() {
        assert_eq!(
            content_type(Path::new("a/附件2.xlsx")),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            content_type(Path::new("a/INDEX.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a/b")), "application/octet-stream");
    }

    #[test]
    fn banner_escapes_diagnostics() {
        let html = banner("value `<script>` & more", Lang::En);
        assert!(html.contains("value `&lt;script&gt;` &amp; more"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }
}
