//! `serve`: the real binary serves the built site on 127.0.0.1, rebuilds it
//! after edits, keeps the last good site after a failed rebuild and shows
//! the diagnostics in the page. Requests are written by hand on a TcpStream.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{AS_OF, Fixture, Run, WANG};

const WORKBOOK_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Maximum wait for a rebuild to show up in the version endpoint.
const REBUILD_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `serve` child, killed when dropped so no test leaves it behind.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`, as printed on stdout.
    url: String,
    port: u16,
    stderr: Arc<Mutex<String>>,
    /// The campaign folder; it lives as long as the server.
    run: Run,
}

impl Server {
    /// Builds the base campaign once, as a user would have, then starts
    /// `serve --port 0` in the same folder and reads the URL it prints.
    fn start() -> Server {
        let run = Fixture::base().run(&["build", "--as-of", AS_OF]);
        assert_eq!(run.status, 0, "the base builds: {}", run.stderr);
        Server::start_in(run)
    }

    /// Starts `serve --port 0` in the folder of an earlier run.
    fn start_in(run: Run) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shoulashou"))
            .args(["serve", "--port", "0", "--as-of", AS_OF])
            .current_dir(run.dir.path())
            .env("NO_COLOR", "1")
            .env("LANG", "en_US.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the shoulashou binary starts");

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(read) = pipe.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buffer[..read]).into_owned();
                sink.lock().unwrap().push_str(&text);
            }
        });

        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut url = String::new();
        stdout.read_line(&mut url).expect("stdout is readable");
        let url = url.trim().to_owned();
        let port = url
            .strip_prefix("http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "stdout does not start with the URL: {url:?}\nstderr:\n{}",
                    stderr.lock().unwrap()
                )
            });
        Server {
            child,
            url,
            port,
            stderr,
            run,
        }
    }

    fn get(&self, path: &str) -> Reply {
        request(self.port, "GET", path)
    }

    fn version(&self) -> u64 {
        let reply = self.get("/__shoulashou/version");
        assert_eq!(reply.status, 200);
        reply
            .text()
            .trim()
            .parse()
            .expect("the version is a number")
    }

    /// Waits until a rebuild after `before` was published and returns the new version.
    fn wait_for_rebuild(&self, before: u64) -> u64 {
        let started = Instant::now();
        while started.elapsed() < REBUILD_TIMEOUT {
            let reply = self.get(&format!("/__shoulashou/version?since={before}"));
            let version: u64 = reply.text().trim().parse().expect("a number");
            if version != before {
                return version;
            }
        }
        panic!(
            "no rebuild within {REBUILD_TIMEOUT:?}\nstderr:\n{}",
            self.stderr.lock().unwrap()
        );
    }

    fn edit(&self, path: &str, from: &str, to: &str) {
        let full = self.run.path(path);
        let text = fs::read_to_string(&full).expect("the record is readable");
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` occurs once in {path}"
        );
        fs::write(&full, text.replacen(from, to, 1)).expect("the record is writable");
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP response.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("the body is UTF-8")
    }
}

/// Sends one request with `target` exactly as given, so tests can send
/// paths that an HTTP client library would normalize.
fn request(port: u16, method: &str, target: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a timeout can be set");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("the request is sent");

    // Chromium's DevTools server keeps the connection open despite
    // `Connection: close`, so the body is read up to its Content-Length.
    let mut raw = Vec::new();
    let mut buffer = [0; 8192];
    let split = loop {
        if let Some(split) = raw.windows(4).position(|window| window == b"\r\n\r\n") {
            break split;
        }
        let read = read_some(&mut stream, &mut buffer);
        assert!(read > 0, "the connection closed before the end of the head");
        raw.extend_from_slice(&buffer[..read]);
    };

    let head_text = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let length = head_text
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok());
    let expected_end = length.map(|length| split + 4 + length);
    while expected_end.is_none_or(|end| raw.len() < end) {
        let read = read_some(&mut stream, &mut buffer);
        if read == 0 {
            break;
        }
        raw.extend_from_slice(&buffer[..read]);
    }
    if let Some(end) = expected_end {
        raw.truncate(end);
    }

    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status_line = lines.next().expect("a status line");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status code");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// Reads what the server has sent into `buffer`, trying again when a signal
/// interrupted the read, and returns how many bytes were read.
fn read_some(stream: &mut TcpStream, buffer: &mut [u8]) -> usize {
    loop {
        match stream.read(buffer) {
            Ok(read) => return read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => panic!("the response could not be read: {error}"),
        }
    }
}

/// Percent-encodes every byte outside unreserved ASCII, keeping `/`.
fn encode(path: &str) -> String {
    path.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[test]
fn serve_returns_pages_and_workbooks() {
    let server = Server::start();

    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(index.text().contains("郑州大学"));
    assert!(
        index.text().contains("/__shoulashou/version"),
        "the reload script is injected"
    );

    let on_disk = fs::read_to_string(server.run.path("site/index.html")).unwrap();
    assert!(
        !on_disk.contains("__shoulashou"),
        "the built file has no script"
    );

    let family = server.get("/zzu/wang.html");
    assert_eq!(family.status, 200);
    assert!(family.text().contains("王某某"));

    let workbook = server.get(&encode("/zzu/附件2-信息汇总表-郑州大学.xlsx"));
    assert_eq!(workbook.status, 200);
    assert_eq!(workbook.header("Content-Type"), Some(WORKBOOK_MEDIA_TYPE));
    let file = fs::read(server.run.path("site/zzu/附件2-信息汇总表-郑州大学.xlsx")).unwrap();
    assert_eq!(workbook.body, file, "the workbook is served byte for byte");

    let folder = server.get("/zzu");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("Location"), Some("/zzu/"));
    assert_eq!(server.get("/zzu/").status, 200);

    let head = request(server.port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    assert_eq!(server.get("/missing.html").status, 404);
    assert_eq!(request(server.port, "POST", "/").status, 405);
    assert!(server.url.starts_with("http://127.0.0.1:"));
}

#[test]
fn serve_rejects_paths_outside_the_site() {
    let server = Server::start();
    let targets = [
        "/../campaign.yaml",
        "/%2e%2e/campaign.yaml",
        "/zzu/..%2f..%2fcampaign.yaml",
        "/zzu/%2E%2E/%2E%2E/records/zzu/wang.yaml",
        "/..%5ccampaign.yaml",
        "/.shoulashou-site",
    ];
    for target in targets {
        let reply = server.get(target);
        assert_eq!(reply.status, 403, "{target}");
        assert!(
            !reply.text().contains("university:"),
            "{target} leaked a file"
        );
    }
    assert_eq!(server.get("/bad%zz").status, 400);
}

#[test]
fn serve_rebuilds_and_shows_failures() {
    let server = Server::start();
    let first = server.version();

    server.edit(WANG, "name: 王某某", "name: 王新名");
    let second = server.wait_for_rebuild(first);
    let page = server.get("/zzu/wang.html").text();
    assert!(page.contains("王新名"), "the edit is served");
    assert!(!page.contains("shoulashou-build-failure"));

    server.edit(WANG, "gender: 女", "gender: <女>");
    let third = server.wait_for_rebuild(second);
    let page = server.get("/zzu/wang.html").text();
    assert!(
        page.contains("shoulashou-build-failure"),
        "the banner is shown"
    );
    assert!(page.contains("error[E005]"), "the diagnostic is shown");
    assert!(
        page.contains("found `&lt;女&gt;`"),
        "the diagnostic is escaped"
    );
    assert!(!page.contains("<女>"), "no raw markup from the record");
    assert!(
        page.contains("王新名"),
        "the last good page is still served"
    );
    let on_disk = fs::read_to_string(server.run.path("site/zzu/wang.html")).unwrap();
    assert!(
        on_disk.contains("王新名"),
        "the last good site stays on disk"
    );
    assert!(server.stderr().contains("--> records/zzu/wang.yaml:4:11"));

    server.edit(WANG, "gender: <女>", "gender: 女");
    server.wait_for_rebuild(third);
    let page = server.get("/zzu/wang.html").text();
    assert!(
        !page.contains("shoulashou-build-failure"),
        "the banner is gone"
    );
    assert!(page.contains("王新名"));
}

/// Waits for the `wrote … changed` line of build number `build` (1 for the
/// first build of `serve`) and returns how many files it reports changed.
fn changed_in_build(server: &Server, build: usize) -> usize {
    let started = Instant::now();
    loop {
        let stderr = server.stderr();
        let counts: Vec<usize> = stderr
            .lines()
            .filter(|line| line.starts_with("wrote "))
            .filter_map(|line| {
                line.rsplit_once("; ")?
                    .1
                    .strip_suffix(" changed")?
                    .parse()
                    .ok()
            })
            .collect();
        if let Some(&count) = counts.get(build - 1) {
            return count;
        }
        assert!(
            started.elapsed() < REBUILD_TIMEOUT,
            "no line for build {build}:\n{stderr}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_renders_only_changed_pages() {
    let server = Server::start();
    // The first build of `serve` has nothing to compare with.
    let first = changed_in_build(&server, 1);
    let stderr = server.stderr();
    let line = stderr
        .lines()
        .find(|line| line.starts_with("wrote "))
        .unwrap();
    let numbers: Vec<usize> = line
        .split(' ')
        .filter_map(|word| word.parse().ok())
        .collect();
    assert_eq!(first, numbers[0] + numbers[1], "every file is new: {line}");

    // The plan shows only on the family's own page.
    let before = server.version();
    server.edit(WANG, "每周两次线上辅导数学", "每周三次线上辅导数学");
    server.wait_for_rebuild(before);
    assert_eq!(changed_in_build(&server, 2), 1, "{}", server.stderr());
    assert!(
        server
            .get("/zzu/wang.html")
            .text()
            .contains("每周三次线上辅导数学")
    );

    // The household size shows on the family page, the university page,
    // and both workbooks that list the family.
    let before = server.version();
    server.edit(WANG, "size: 4", "size: 5");
    server.wait_for_rebuild(before);
    assert_eq!(changed_in_build(&server, 3), 4, "{}", server.stderr());

    // Nothing changed: a rebuild caused by touching the file renders nothing.
    let before = server.version();
    server.edit(WANG, "size: 5", "size: 5");
    let path = server.run.path(WANG);
    let later = std::time::SystemTime::now() + Duration::from_secs(2);
    fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_modified(later))
        .expect("the record's time can be set");
    server.wait_for_rebuild(before);
    assert_eq!(changed_in_build(&server, 4), 0, "{}", server.stderr());
}

/// Returns what `serve` has printed since the `wrote` line of build number
/// `build` (1 for the first build of `serve`).
fn output_after_build(server: &Server, build: usize) -> String {
    let stderr = server.stderr();
    let mut end = 0;
    for (number, (index, _)) in stderr.match_indices("wrote ").enumerate() {
        if number + 1 == build {
            end = index;
            break;
        }
    }
    let rest = &stderr[end..];
    let line_end = rest.find('\n').map_or(rest.len(), |index| index + 1);
    rest[line_end..].to_owned()
}

#[test]
fn serve_prints_only_new_warnings() {
    let fixture = Fixture::base().replace(
        common::ZHAO,
        "[初中二年级, 小学五年级]",
        "[初中二年级, 小学５年级]",
    );
    let run = fixture.run(&["build", "--as-of", AS_OF]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let server = Server::start_in(run);
    changed_in_build(&server, 1);
    assert!(
        server.stderr().contains("--> records/henu/zhao.yaml:16:19"),
        "the first build prints every warning: {}",
        server.stderr()
    );

    let before = server.version();
    server.edit(
        WANG,
        "  address: 郑州市金水区示例路1号",
        "  address: 郑州市金水区示例路１号",
    );
    server.wait_for_rebuild(before);
    changed_in_build(&server, 2);
    let second = output_after_build(&server, 1);
    assert!(
        second.contains("--> records/zzu/wang.yaml:11:12"),
        "the new warning is printed: {second}"
    );
    assert!(
        !second.contains("zhao.yaml"),
        "the warning printed before is not: {second}"
    );
    assert!(
        second.contains("1 warning shown by the last build is not listed again"),
        "{second}"
    );
    assert!(
        second.contains("0 errors and 2 warnings in 7 records"),
        "{second}"
    );

    // A failed rebuild prints its error, still without the old warning.
    // The broken record is not checked further, so its own warning is gone.
    let before = server.version();
    server.edit(WANG, "gender: 女", "gender: <女>");
    server.wait_for_rebuild(before);
    let started = Instant::now();
    while !server.stderr().contains("nothing was written") {
        assert!(started.elapsed() < REBUILD_TIMEOUT, "{}", server.stderr());
        thread::sleep(Duration::from_millis(20));
    }
    let third = output_after_build(&server, 2);
    assert!(third.contains("error[E005]"), "{third}");
    assert!(!third.contains("warning[W007]"), "{third}");
    assert!(
        third.contains("1 warning shown by the last build is not listed again"),
        "{third}"
    );
}

/// Returns every file under `folder` but the marker, by relative path, with
/// its bytes.
fn site_files(folder: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(current) = folders.pop() {
        for entry in fs::read_dir(&current).expect("the site is readable") {
            let path = entry.expect("the site is readable").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let name = path.strip_prefix(folder).unwrap().display().to_string();
            if name != ".shoulashou-site" {
                files.push((name, fs::read(&path).expect("a site file is readable")));
            }
        }
    }
    files.sort();
    files
}

/// Builds the records into a new folder with `build` and asserts that the
/// site `serve` wrote has the same files with the same bytes.
fn assert_site_matches_build(server: &Server, step: &str) {
    let fresh = format!("fresh-{step}");
    let output = Command::new(env!("CARGO_BIN_EXE_shoulashou"))
        .args(["build", "--quiet", "--as-of", AS_OF, "--out", &fresh])
        .current_dir(server.run.dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("the shoulashou binary starts");
    assert!(output.status.success(), "{output:?}");
    let served = site_files(&server.run.path("site"));
    let built = site_files(&server.run.path(&fresh));
    let names = |files: &[(String, Vec<u8>)]| -> Vec<String> {
        files.iter().map(|(name, _)| name.clone()).collect()
    };
    assert_eq!(names(&served), names(&built), "after {step}");
    for ((name, served), (_, built)) in served.iter().zip(&built) {
        assert!(
            served == built,
            "{name} differs from a fresh build after {step}"
        );
    }
}

#[test]
fn serve_site_matches_fresh_build() {
    let server = Server::start();
    changed_in_build(&server, 1);
    // Each edit changes what other pages show. A worker's name shows on the
    // university page and on the pages of the families its team serves, and
    // the team's leader on those pages. The service codes show in the
    // university's and the province's figures, a new warning on the
    // university page and the status page, and a removed family in its
    // team's list and every count.
    let edits = [
        ("plan", WANG, "每周两次线上辅导数学", "每周三次线上辅导数学"),
        ("name", WANG, "  name: 王某某", "  name: 王某"),
        ("leader", common::ZZU_TEAM, "  name: 钱某某", "  name: 钱某"),
        ("needs", WANG, "needs: [1, 2, 3]", "needs: [1, 2]"),
        ("warning", WANG, "示例路1号", "示例路１号"),
    ];
    for (build, (step, path, from, to)) in (2..).zip(edits) {
        let before = server.version();
        server.edit(path, from, to);
        server.wait_for_rebuild(before);
        changed_in_build(&server, build);
        assert_site_matches_build(&server, step);
    }

    let before = server.version();
    fs::remove_file(server.run.path(common::LI)).expect("the record can be removed");
    server.wait_for_rebuild(before);
    changed_in_build(&server, 7);
    assert_site_matches_build(&server, "removal");
}

/// Edits the plan of `WANG` back and forth, so that each call changes the
/// record, and waits for the rebuild it causes.
fn rebuild(server: &Server) {
    let text = fs::read_to_string(server.run.path(WANG)).expect("the record is readable");
    let (from, to) = if text.contains("每周两次线上辅导数学") {
        ("每周两次线上辅导数学", "每周三次线上辅导数学")
    } else {
        ("每周三次线上辅导数学", "每周两次线上辅导数学")
    };
    let before = server.version();
    server.edit(WANG, from, to);
    server.wait_for_rebuild(before);
}

/// Starts `serve` on the base campaign and rebuilds twice, so that both the
/// output folder and the spare folder were written by its own builds.
fn serve_with_both_folders_written() -> Server {
    let server = Server::start();
    for build in 2..=3 {
        rebuild(&server);
        changed_in_build(&server, build);
    }
    server
}

#[test]
fn serve_restores_page_edited_in_site() {
    let server = serve_with_both_folders_written();
    let page = server.run.path("site/zzu/li.html");
    let original = fs::read(&page).expect("the page is readable");
    let edited: Vec<u8> = original
        .iter()
        .map(|&byte| if byte == b'a' { b'b' } else { byte })
        .collect();
    fs::write(&page, &edited).expect("the page can be edited");

    // The first rebuild swaps the edited site out as the spare folder, the
    // second writes into it again.
    rebuild(&server);
    changed_in_build(&server, 4);
    rebuild(&server);
    changed_in_build(&server, 5);
    let served = fs::read(&page).expect("the page is readable");
    assert!(served == original, "the edited page is still in the site");
    assert_site_matches_build(&server, "edit");
}

#[test]
fn serve_drops_page_edited_before_start() {
    // Two builds leave the site and a spare folder, both with markers.
    let first = Fixture::base().run(&["build", "--as-of", AS_OF]);
    let run = first.again(&["build", "--as-of", AS_OF]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let page = run.path("site/zzu/li.html");
    let original = fs::read(&page).expect("the page is readable");
    // Same length, different bytes, dated after the marker: only the
    // modification time shows the edit.
    let edited: Vec<u8> = original
        .iter()
        .map(|&byte| if byte == b'a' { b'b' } else { byte })
        .collect();
    std::thread::sleep(Duration::from_millis(50));
    fs::write(&page, &edited).expect("the page can be edited");

    // serve's first build swaps the edited site out as the spare folder,
    // which the first rebuild writes into.
    let server = Server::start_in(run);
    changed_in_build(&server, 1);
    rebuild(&server);
    changed_in_build(&server, 2);
    let served = fs::read(&page).expect("the page is readable");
    assert!(served == original, "the edited page is still in the site");
    assert_site_matches_build(&server, "first rebuild");
}

#[test]
fn serve_leaves_file_added_to_spare_unpublished() {
    let server = serve_with_both_folders_written();
    fs::write(server.run.path(".site.previous/added.html"), "mine").expect("a file can be added");

    rebuild(&server);
    changed_in_build(&server, 4);
    assert!(!server.run.exists("site/added.html"));
    assert_site_matches_build(&server, "addition");
}

#[test]
fn serve_rejects_file_added_to_site() {
    let server = serve_with_both_folders_written();
    let notes = server.run.path("site/notes.txt");
    fs::write(&notes, "mine").expect("a file can be added");

    let before = server.version();
    rebuild(&server);
    let started = Instant::now();
    while !server.stderr().contains("did not write") {
        assert!(started.elapsed() < REBUILD_TIMEOUT, "{}", server.stderr());
        thread::sleep(Duration::from_millis(20));
    }
    let page = server.get("/").text();
    assert!(page.contains("shoulashou-build-failure"), "{page}");
    assert!(page.contains("notes.txt"), "{page}");
    assert_eq!(
        fs::read_to_string(&notes).expect("the file is kept"),
        "mine"
    );
    assert!(server.version() > before);

    fs::remove_file(&notes).expect("the file can be removed");
    rebuild(&server);
    changed_in_build(&server, 4);
    assert_site_matches_build(&server, "removal");
}

#[test]
fn serve_starts_with_invalid_records() {
    // `check` writes the files and nothing else, so no site exists yet.
    let fixture = Fixture::base().replace(WANG, "gender: 女", "gender: <女>");
    let run = fixture.run(&["check", "--as-of", AS_OF]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let server = Server::start_in(run);
    assert!(!server.run.exists("site"), "a failed build writes no site");

    let index = server.get("/");
    assert_eq!(index.status, 404);
    assert_eq!(
        index.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let text = index.text();
    assert!(text.contains("shoulashou-build-failure"), "{text}");
    assert!(text.contains("found `&lt;女&gt;`"), "{text}");
    assert!(
        text.contains("/__shoulashou/version"),
        "the page reloads after a fix"
    );

    let before = server.version();
    server.edit(WANG, "gender: <女>", "gender: 女");
    server.wait_for_rebuild(before);
    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert!(!index.text().contains("shoulashou-build-failure"));
    assert!(server.run.exists("site/index.html"));
}

#[test]
fn serve_stops_on_interrupt() {
    let mut server = Server::start();
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status();
    assert!(sent.is_ok_and(|status| status.success()), "kill -INT runs");

    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("the child can be polled") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve did not stop"
        );
        thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{}", server.stderr());
    assert!(server.stderr().contains("stopped serving"));
    let hidden: Vec<String> = server
        .run
        .top_entries()
        .into_iter()
        .filter(|name| name.starts_with('.') && name != ".site.previous")
        .collect();
    assert!(
        hidden.is_empty(),
        "only the spare site folder is left: {hidden:?}"
    );
}

/// Flags that keep headless Chromium off the network and out of the user's profile.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// Runs headless Chromium on `url` and returns the DOM after the load event.
fn dump_dom(browser: &str, url: &str) -> String {
    let profile = tempfile::tempdir().expect("a profile folder");
    let mut child = Command::new(browser)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = thread::spawn(move || {
        let mut dom = String::new();
        let _ = stdout.read_to_string(&mut dom);
        dom
    });
    let started = Instant::now();
    while child.try_wait().expect("chromium can be polled").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 60 s");
        }
        thread::sleep(Duration::from_millis(100));
    }
    reader.join().expect("the reader thread ends")
}

fn find_chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
        .map(str::to_owned)
}

#[test]
fn serve_shows_edits_in_chromium() {
    let Some(browser) = find_chromium() else {
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let server = Server::start();
    let page = format!("{}zzu/wang.html", server.url);

    let dom = dump_dom(&browser, &page);
    assert!(dom.contains("王某某"), "{dom}");

    let before = server.version();
    server.edit(WANG, "gender: 女", "gender: <女>");
    server.wait_for_rebuild(before);
    let dom = dump_dom(&browser, &page);
    assert!(dom.contains("shoulashou-build-failure"), "{dom}");
    assert!(dom.contains("王某某"), "the last good page stays");
    assert!(!dom.contains("<女>"), "the diagnostic is text, not markup");
}

/// A headless Chromium that keeps a page open, killed when dropped.
struct Browser {
    child: Child,
    /// Port of Chromium's DevTools HTTP endpoint on 127.0.0.1.
    devtools_port: u16,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens `url` and waits for Chromium to write the DevTools port it picked.
    fn open(program: &str, url: &str) -> Browser {
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut child = Command::new(program)
            .args(CHROMIUM_FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(["--remote-debugging-port=0", url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let port_file = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let devtools_port = loop {
            let text = fs::read_to_string(&port_file).unwrap_or_default();
            if let Some(port) = text.lines().next().and_then(|line| line.parse().ok()) {
                break port;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium wrote no DevToolsActivePort within 30 s");
            }
            thread::sleep(Duration::from_millis(100));
        };
        Browser {
            child,
            devtools_port,
            _profile: profile,
        }
    }

    /// Returns the title of the open tab whose address starts with `prefix`.
    fn title(&self, prefix: &str) -> Option<String> {
        let reply = request(self.devtools_port, "GET", "/json/list");
        let targets: serde_json::Value = serde_json::from_slice(&reply.body).ok()?;
        targets.as_array()?.iter().find_map(|target| {
            let url = target["url"].as_str()?;
            url.starts_with(prefix)
                .then(|| target["title"].as_str().map(str::to_owned))?
        })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_reloads_open_page_in_chromium() {
    let Some(program) = find_chromium() else {
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let server = Server::start();
    let page = format!("{}zzu/wang.html", server.url);
    let browser = Browser::open(&program, &page);

    let wait_for_title = |expected: &str| {
        let started = Instant::now();
        loop {
            let title = browser.title(&page).unwrap_or_default();
            if title.contains(expected) {
                return;
            }
            assert!(
                started.elapsed() < REBUILD_TIMEOUT,
                "the open page's title is {title:?}, expected it to contain {expected}\n{}",
                server.stderr()
            );
            thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for_title("王某某");

    server.edit(WANG, "name: 王某某", "name: 王新名");
    wait_for_title("王新名");
}

#[test]
fn serve_notices_empty_templates_folder() {
    let server = Server::start();
    let before = server.version();
    fs::create_dir(server.run.path("templates")).expect("the folder can be made");
    let created = server.wait_for_rebuild(before);
    fs::remove_dir(server.run.path("templates")).expect("the folder can be removed");
    server.wait_for_rebuild(created);
}
