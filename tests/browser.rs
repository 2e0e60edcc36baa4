#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! HTML reports in a real browser: every golden `tests/reports/*.html` (and those of
//! `tests/procurement/` and `tests/portfolio/`) is opened in headless Chromium, and fails if the
//! page logs a console error (a `console.error`, an uncaught exception, a
//! Content-Security-Policy violation such as an external asset, a failed load) or renders blank
//! (too little visible text, or a screenshot that is essentially one colour). Screenshots go to
//! `target/browser/` (`report.png` is the CV-screening report in English), for CI to keep.
//!
//! The fixtures in `tests/browser/` prove that the detector rejects what it should and passes a
//! good page.
//!
//! Chromium is `/usr/bin/chromium` (Debian's package `chromium`), or `NORMA_CHROMIUM`. Without it
//! the tests are skipped, unless `CI` is set, where they fail.
//!
//! How: Chromium is driven over `--remote-debugging-pipe` with the DevTools protocol (JSON
//! messages ended by a NUL byte, read on fd 3 and written on fd 4). Its stderr log
//! (`--enable-logging=stderr`) is not enough: this Chromium logs every console message, whatever
//! its level, as `INFO:CONSOLE`, so a `console.error` cannot be told from a `console.log` there.
//! Over the protocol, errors are `Runtime.consoleAPICalled` of type `error` or `assert`,
//! `Runtime.exceptionThrown`, and `Log.entryAdded` of level `error` (CSP violations, failed
//! loads). Every run has its own profile directory and is killed after [`TIMEOUT`].

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long one page may take, Chromium's start and end included, before Chromium is killed.
const TIMEOUT: Duration = Duration::from_secs(60);
/// An A4-ish window (A4 at 150 dpi).
const WIDTH: u32 = 1240;
const HEIGHT: u32 = 1754;
/// A page showing fewer characters of visible text than this is blank.
const MIN_TEXT_CHARS: usize = 200;
/// A page whose screenshot has fewer pixels than this fraction differing from its most common
/// colour is blank.
const MIN_INK: f64 = 0.002;
/// The report whose screenshot is also saved as `target/browser/report.png`.
const FEATURED: &str = "cv-screening.en.html";

/// What a page did in the browser.
struct Page {
    /// Console errors, uncaught exceptions and error log entries, as one line each.
    errors: Vec<String>,
    /// Characters of visible text (`document.body.innerText`, white space collapsed).
    text_chars: usize,
    /// The fraction of screenshot pixels differing from the most common colour.
    ink: f64,
    /// The screenshot of the window.
    png: Vec<u8>,
    elapsed: Duration,
}

impl Page {
    /// Why the page is not acceptable; empty when it is.
    fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self.errors.iter().map(|e| format!("console error: {e}")).collect();
        if self.text_chars < MIN_TEXT_CHARS {
            problems.push(format!("blank: {} characters of visible text (< {MIN_TEXT_CHARS})", self.text_chars));
        }
        if self.ink < MIN_INK {
            problems.push(format!(
                "blank: the screenshot is one colour but {:.3}% of its pixels (< {:.3}%)",
                self.ink * 100.0,
                MIN_INK * 100.0
            ));
        }
        problems
    }
}

// ---------------------------------------------------------------------------------------------
// Finding Chromium

/// The Chromium to use, or `None` (after saying so) when it is missing and the tests may be
/// skipped. Panics when it is missing under CI, or when `NORMA_CHROMIUM` names nothing.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NORMA_CHROMIUM").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "NORMA_CHROMIUM={} is not a file", path.display());
        return Some(path);
    }
    let default = PathBuf::from("/usr/bin/chromium");
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("chromium")).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(found) = std::iter::once(default).chain(on_path).find(|p| p.is_file()) {
        return Some(found);
    }
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!(
            "chromium is missing (not /usr/bin/chromium, not on PATH) and CI is set, so the browser tests \
             cannot be skipped: install Debian's `chromium` package (.ci/run does) or set NORMA_CHROMIUM"
        );
    }
    eprintln!("browser tests skipped: chromium is missing (install Debian's `chromium` package or set NORMA_CHROMIUM)");
    None
}

// ---------------------------------------------------------------------------------------------
// The DevTools protocol over a pipe

/// A running Chromium and its protocol pipe. Dropping it kills Chromium's process group.
struct Browser {
    child: Child,
    /// Chromium's fd 3: where commands go.
    commands: ChildStdin,
    /// Messages read from Chromium's fd 4, one per NUL-ended JSON text.
    messages: Receiver<Value>,
    /// Every event received so far, in order.
    events: Vec<Value>,
    next_id: u64,
    deadline: Instant,
    stderr_log: PathBuf,
}

impl Browser {
    fn start(chromium: &Path, profile: &Path, stderr_log: &Path) -> Result<Browser, String> {
        let deadline = Instant::now() + TIMEOUT;
        let log = File::create(stderr_log).map_err(|e| format!("create {}: {e}", stderr_log.display()))?;
        // The shell hands our stdin and stdout pipes to Chromium as fds 3 and 4, which
        // `--remote-debugging-pipe` reads and writes, then execs Chromium (Debian's launcher
        // script execs the real binary in turn), so no fd trickery needs unsafe code here.
        let mut child = Command::new("/bin/sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 </dev/null >&2"#)
            .arg(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--mute-audio",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={WIDTH},{HEIGHT}"))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("start {}: {e}", chromium.display()))?;
        let commands = child.stdin.take().ok_or("no stdin pipe")?;
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match reader.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                if buf.last() == Some(&0) {
                    buf.pop();
                }
                let Ok(message) = serde_json::from_slice::<Value>(&buf) else { break };
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Ok(Browser {
            child,
            commands,
            messages,
            events: Vec::new(),
            next_id: 1,
            deadline,
            stderr_log: stderr_log.to_path_buf(),
        })
    }

    /// The last lines Chromium wrote to stderr, for a failure message.
    fn stderr_tail(&self) -> String {
        let text = fs::read_to_string(&self.stderr_log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// The next message from Chromium, events being kept in `self.events`.
    fn receive(&mut self) -> Result<Value, String> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(message) => {
                if message.get("method").is_some() {
                    self.events.push(message.clone());
                }
                Ok(message)
            }
            Err(RecvTimeoutError::Timeout) => {
                Err(format!("timed out after {TIMEOUT:?}; chromium's stderr ends:\n{}", self.stderr_tail()))
            }
            Err(RecvTimeoutError::Disconnected) => {
                Err(format!("chromium closed the protocol pipe; its stderr ends:\n{}", self.stderr_tail()))
            }
        }
    }

    /// Sends a command (to the page session `session`, or to the browser) and waits for its result.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let mut command = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&command).map_err(|e| e.to_string())?;
        bytes.push(0);
        self.commands.write_all(&bytes).and_then(|()| self.commands.flush()).map_err(|e| format!("{method}: {e}"))?;
        loop {
            let message = self.receive()?;
            if message.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(error) = message.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(message.get("result").cloned().unwrap_or(Value::Null));
            }
        }
    }

    /// Waits for the event `method` of `session`, looking first at the events from index `since` on.
    fn wait_for(&mut self, session: &str, method: &str, since: usize) -> Result<Value, String> {
        let matches = |e: &Value| e["method"] == method && e["sessionId"] == session;
        if let Some(event) = self.events.iter().skip(since).find(|e| matches(e)) {
            return Ok(event.clone());
        }
        loop {
            let message = self.receive()?;
            if matches(&message) {
                return Ok(message);
            }
        }
    }

    /// Evaluates `expression` in the page, awaiting a promise, and returns its value.
    fn evaluate(&mut self, session: &str, expression: &str) -> Result<Value, String> {
        let result = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            return Err(format!("evaluation failed: {details}"));
        }
        Ok(result["result"]["value"].clone())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.deadline = self.deadline.min(Instant::now() + Duration::from_secs(5));
        let closing = self.call(None, "Browser.close", json!({})).is_ok();
        let until = Instant::now() + Duration::from_secs(5);
        while closing && Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // The whole group, renderer and GPU processes included, by its id (Chromium leads it).
        let _ =
            Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Opening a page

/// Waits for web fonts and two frames, then a little more, so late layout and errors land.
const SETTLE: &str = "document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => \
                      requestAnimationFrame(() => setTimeout(r, 100)))))";

const VISIBLE_TEXT: &str = "document.body ? document.body.innerText.replace(/\\s+/g, ' ').trim().length : 0";

/// Decodes a PNG (a data URL) on a canvas and returns the fraction of pixels differing from the
/// most common colour.
const INK: &str = "async (src) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, canvas.width, canvas.height).data;
  const counts = new Map();
  for (let i = 0; i < d.length; i += 4) {
    const k = d[i] * 65536 + d[i + 1] * 256 + d[i + 2];
    counts.set(k, (counts.get(k) || 0) + 1);
  }
  let top = 0;
  for (const n of counts.values()) if (n > top) top = n;
  const pixels = d.length / 4;
  return pixels ? (pixels - top) / pixels : 0;
}";

/// Opens `html` in a fresh headless Chromium and reports what it did.
fn open(chromium: &Path, html: &Path) -> Result<Page, String> {
    let started = Instant::now();
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut browser = Browser::start(chromium, &scratch.path().join("profile"), &scratch.path().join("stderr.log"))?;
    let target = browser.call(None, "Target.createTarget", json!({"url": "about:blank"}))?;
    let target_id = target["targetId"].as_str().ok_or("no targetId")?.to_string();
    let attached = browser.call(None, "Target.attachToTarget", json!({"targetId": target_id, "flatten": true}))?;
    let session = attached["sessionId"].as_str().ok_or("no sessionId")?.to_string();
    let s = Some(session.as_str());
    for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
        browser.call(s, domain, json!({}))?;
    }
    browser.call(
        s,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false}),
    )?;

    let since = browser.events.len();
    let navigated = browser.call(s, "Page.navigate", json!({"url": file_url(html)?}))?;
    if let Some(error) = navigated.get("errorText") {
        return Err(format!("cannot open {}: {error}", html.display()));
    }
    browser.wait_for(&session, "Page.loadEventFired", since)?;
    browser.evaluate(&session, SETTLE)?;
    let text_chars = browser.evaluate(&session, VISIBLE_TEXT)?.as_u64().unwrap_or(0);
    let shot = browser.call(s, "Page.captureScreenshot", json!({"format": "png"}))?;
    let png64 = shot["data"].as_str().ok_or("no screenshot data")?.to_string();
    let errors = errors_in(&browser.events[since..], &session);

    // The screenshot is measured on a blank page, so the report's own policy cannot interfere.
    browser.call(s, "Page.navigate", json!({"url": "about:blank"}))?;
    let ink = browser.evaluate(&session, &format!("({INK})({})", json!(format!("data:image/png;base64,{png64}"))))?;
    drop(browser);
    Ok(Page {
        errors,
        text_chars: usize::try_from(text_chars).unwrap_or(usize::MAX),
        ink: ink.as_f64().ok_or("no ink fraction")?,
        png: base64_decode(&png64)?,
        elapsed: started.elapsed(),
    })
}

/// The console errors, uncaught exceptions and error log entries among `events` of `session`.
fn errors_in(events: &[Value], session: &str) -> Vec<String> {
    let mut errors = Vec::new();
    for event in events.iter().filter(|e| e["sessionId"] == session) {
        let p = &event["params"];
        match event["method"].as_str() {
            Some("Runtime.consoleAPICalled") if matches!(p["type"].as_str(), Some("error" | "assert")) => {
                let args: Vec<String> = p["args"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|v| v.get("value").or(v.get("description")).map_or_else(String::new, plain))
                            .collect()
                    })
                    .unwrap_or_default();
                errors.push(format!("console.{}: {}", p["type"].as_str().unwrap_or("error"), args.join(" ")));
            }
            Some("Runtime.exceptionThrown") => {
                let d = &p["exceptionDetails"];
                let what = d["exception"]["description"].as_str().or(d["text"].as_str()).unwrap_or("exception");
                let line = d["lineNumber"].as_u64().map_or(0, |n| n + 1);
                errors.push(format!("uncaught {} ({}:{line})", what.lines().next().unwrap_or(what), plain(&d["url"])));
            }
            Some("Log.entryAdded") if p["entry"]["level"] == "error" => {
                let e = &p["entry"];
                let mut line = format!("[{}] {}", plain(&e["source"]), plain(&e["text"]));
                if let Some(url) = e["url"].as_str() {
                    let _ = write!(line, " ({url})");
                }
                errors.push(line);
            }
            _ => {}
        }
    }
    errors
}

/// A JSON value as text: strings without their quotes.
fn plain(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// `file://` URL of a file, its path made absolute and percent-encoded.
fn file_url(path: &Path) -> Result<String, String> {
    let absolute = fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = absolute.to_str().ok_or("path is not UTF-8")?;
    let mut url = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    Ok(url)
}

fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(format!("not base64: {:?}", char::from(c))),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).unwrap_or(0));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The tests

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    target.join("browser")
}

#[test]
fn every_html_golden_report_renders_cleanly() {
    let mut goldens: Vec<PathBuf> = ["tests/reports", "tests/procurement", "tests/portfolio"]
        .iter()
        .flat_map(|dir| fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    goldens.sort();
    assert!(
        !goldens.is_empty(),
        "no HTML golden report in tests/reports (such as {FEATURED}): the browser test will not pass vacuously"
    );
    let Some(chromium) = chromium() else { return };

    let dir = screenshots_dir();
    fs::create_dir_all(&dir).unwrap();
    for old in fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
        if old.extension().is_some_and(|e| e == "png") {
            fs::remove_file(old).unwrap();
        }
    }
    let featured = goldens.iter().find(|p| p.ends_with(FEATURED)).unwrap_or(&goldens[0]).clone();
    let mut failures = Vec::new();
    for golden in &goldens {
        match open(&chromium, golden) {
            Ok(page) => {
                let stem = golden.file_stem().unwrap().to_string_lossy();
                let name =
                    if golden.starts_with("tests/procurement") { format!("annex-{stem}") } else { stem.to_string() };
                fs::write(dir.join(format!("{name}.png")), &page.png).unwrap();
                if *golden == featured {
                    fs::write(dir.join("report.png"), &page.png).unwrap();
                }
                eprintln!(
                    "{}: {:.2?}, {} characters of text, {:.1}% ink, {} console errors",
                    golden.display(),
                    page.elapsed,
                    page.text_chars,
                    page.ink * 100.0,
                    page.errors.len()
                );
                failures.extend(page.problems().into_iter().map(|p| format!("{}: {p}", golden.display())));
            }
            Err(e) => failures.push(format!("{}: {e}", golden.display())),
        }
    }
    assert!(failures.is_empty(), "HTML reports that fail in the browser:\n{}", failures.join("\n"));
    assert!(dir.join("report.png").is_file());
}

/// Opens a fixture of `tests/browser/` and returns its problems.
fn fixture_problems(name: &str) -> Option<Vec<String>> {
    let chromium = chromium()?;
    let page = open(&chromium, &Path::new("tests/browser").join(name)).unwrap();
    eprintln!("{name}: {:.2?}, {} characters of text, {:.2}% ink", page.elapsed, page.text_chars, page.ink * 100.0);
    let problems = page.problems();
    for problem in &problems {
        eprintln!("  {problem}");
    }
    Some(problems)
}

#[test]
fn a_good_page_passes() {
    let Some(problems) = fixture_problems("good.html") else { return };
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn console_errors_and_uncaught_exceptions_are_caught() {
    let Some(problems) = fixture_problems("console_error.html") else { return };
    assert!(problems.iter().any(|p| p.contains("console.error: fixture: console.error was called")), "{problems:#?}");
    assert!(problems.iter().any(|p| p.contains("uncaught Error: fixture: uncaught exception")), "{problems:#?}");
    assert!(!problems.iter().any(|p| p.contains("blank")), "{problems:#?}");
}

#[test]
fn an_external_asset_is_a_csp_violation() {
    let Some(problems) = fixture_problems("external_asset.html") else { return };
    assert!(
        problems.iter().any(|p| p.contains("https://example.invalid/x.png") && p.contains("Content Security Policy")),
        "{problems:#?}"
    );
    assert!(!problems.iter().any(|p| p.contains("blank")), "{problems:#?}");
}

#[test]
fn a_blank_page_is_caught() {
    let Some(problems) = fixture_problems("blank.html") else { return };
    assert!(problems.iter().any(|p| p.contains("characters of visible text")), "{problems:#?}");
    assert!(problems.iter().any(|p| p.contains("screenshot is one colour")), "{problems:#?}");
    assert!(!problems.iter().any(|p| p.contains("console error")), "{problems:#?}");
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
    assert_eq!(base64_decode("AP8=").unwrap(), [0, 255]);
    assert!(base64_decode("a*b").is_err());
}
