#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! The bad-input suite: every file in `tests/hostile/` (listed with its expectation in
//! `tests/hostile/cases.txt`), plus large and limit-breaking inputs generated at run time, given
//! to the real binary. Each must end with the expected exit code (2 for bad input), a clear
//! message naming the problem, and within one second; hostile values in reports must come out
//! escaped, never as markup.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The time one case may take: the bound, one second, for a release binary (`cargo
/// test --release --test hostile`, or `NORMA_HOSTILE_BIN=target/release/norma cargo test --test
/// hostile`; docs/robustness.md has the figures). A debug binary on a loaded machine runs several
/// times slower, so it gets a guard of three seconds.
fn budget() -> Duration {
    if cfg!(debug_assertions) && std::env::var_os("NORMA_HOSTILE_BIN").is_none() {
        Duration::from_secs(3)
    } else {
        Duration::from_secs(1)
    }
}

/// The binary under test: `norma` as built with the tests, or `NORMA_HOSTILE_BIN`.
fn binary() -> std::ffi::OsString {
    std::env::var_os("NORMA_HOSTILE_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_norma").into())
}

/// The timed tests run one at a time, so that they do not slow each other down.
static TIMED: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// Runs `norma` with `args` in the repository root, timed.
fn run(args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new(binary())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run norma");
    (out, start.elapsed())
}

struct Case {
    file: String,
    command: String,
    exit: i32,
    phrase: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(dir().join("cases.txt")).expect("cases.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split(" | ").map(str::trim).collect();
            assert_eq!(parts.len(), 4, "FILE | COMMAND | EXIT | PHRASE: {l}");
            Case {
                file: parts[0].to_string(),
                command: parts[1].to_string(),
                exit: parts[2].parse().expect("exit code"),
                phrase: parts[3].to_string(),
            }
        })
        .collect()
}

/// The arguments that give `path` to `norma` as `command` does.
fn arguments(command: &str, path: &str) -> Vec<String> {
    let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match command {
        "test" => v(&["test", path]),
        "check" => v(&["check", path]),
        "assess" => v(&["assess", path]),
        "html" => v(&["assess", path, "--format", "html"]),
        "md" => v(&["assess", path, "--format", "md"]),
        "responses" => v(&["assess", "examples/cv-screening.yaml", "--responses", path]),
        "requirements" => v(&["requirements", path]),
        "diff" => v(&["diff", path, path]),
        other => panic!("unknown command `{other}` in cases.txt"),
    }
}

/// Whether `report` holds markup that only a fact could have put there: a `<script`, `<img` or
/// event handler not escaped (in Markdown, a `\<` is an escaped `<`).
fn raw_markup(report: &str) -> bool {
    let lower = report.to_ascii_lowercase();
    ["<script", "<img", "onmouseover=\"alert"]
        .iter()
        .any(|bad| lower.match_indices(bad).any(|(i, _)| i == 0 || lower.as_bytes().get(i - 1) != Some(&b'\\')))
}

/// Checks one run against its expectation; returns a failure message, if any.
fn verdict(name: &str, out: &Output, took: Duration, exit: i32, phrase: &str, html: bool) -> Option<String> {
    let (stdout, stderr) = (common::stdout(out), common::stderr(out));
    let code = out.status.code();
    if code != Some(exit) {
        return Some(format!("{name}: exit {code:?}, expected {exit}\n{stderr}"));
    }
    let text = if exit == 2 { &stderr } else { &stdout };
    if !text.contains(phrase) {
        let head = |s: &str| s.chars().take(800).collect::<String>();
        return Some(format!(
            "{name}: the output lacks `{phrase}`\nstdout: {}\nstderr: {}",
            head(&stdout),
            head(&stderr)
        ));
    }
    if exit == 2 && !stderr.contains("error") {
        return Some(format!("{name}: exit 2 without an error message: {stderr}"));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return Some(format!("{name}: a panic: {stderr}"));
    }
    if html && raw_markup(&stdout) {
        return Some(format!("{name}: a fact's value became markup in the report"));
    }
    if took > budget() {
        return Some(format!("{name}: took {} ms, more than {} ms", took.as_millis(), budget().as_millis()));
    }
    None
}

#[test]
fn every_hostile_file_is_refused_clearly_or_rendered_safely_within_a_second() {
    let _one_at_a_time = TIMED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let cases = cases();
    let files: Vec<String> = std::fs::read_dir(dir())
        .expect("tests/hostile")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "cases.txt")
        .collect();
    for f in &files {
        assert!(cases.iter().any(|c| &c.file == f), "{f} has no line in tests/hostile/cases.txt");
    }
    assert!(cases.len() >= 60, "the suite holds {} files; the issue asks for at least 60", cases.len());
    let mut failures = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    let mut times = Vec::new();
    for c in &cases {
        let path = format!("tests/hostile/{}", c.file);
        let args = arguments(&c.command, &path);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (out, took) = run(&args);
        if took > slowest.0 {
            slowest = (took, c.file.clone());
        }
        times.push(took);
        let html = c.command == "html" || c.command == "md";
        failures.extend(verdict(&c.file, &out, took, c.exit, &c.phrase, html));
    }
    times.sort();
    println!(
        "hostile files: {} tried, {} passed; median {} ms, slowest {} ms ({})",
        cases.len(),
        cases.len() - failures.len(),
        times.get(times.len() / 2).map_or(0, Duration::as_millis),
        slowest.0.as_millis(),
        slowest.1
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A file of `bytes` bytes: `head`, then `fill` repeated.
fn big(path: &Path, head: &str, fill: &str, bytes: usize) {
    let mut text = String::with_capacity(bytes + fill.len());
    text.push_str(head);
    while text.len() < bytes {
        text.push_str(fill);
    }
    std::fs::write(path, text).expect("write a large file");
}

#[test]
fn large_inputs_and_limits_are_refused_with_the_limit_to_raise_within_a_second() {
    let _one_at_a_time = TIMED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let tmp = tempfile::tempdir().expect("temp dir");
    let at = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    const MB20: usize = 20 * 1024 * 1024;
    big(&tmp.path().join("big.norma"), "instrument big\n", "// a comment line that repeats\n", MB20);
    big(&tmp.path().join("big.yaml"), "system:\n  name: \"", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", MB20);
    big(&tmp.path().join("big.json"), "{\"schema\": \"", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", MB20);
    big(&tmp.path().join("three_mb.yaml"), "system:\n  name: \"", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 3 << 20);
    std::fs::write(tmp.path().join("three_mb.yaml"), {
        let mut t = std::fs::read_to_string(tmp.path().join("three_mb.yaml")).expect("read");
        t.push_str("\"\n");
        t
    })
    .expect("write");
    big(&tmp.path().join("long_name.yaml"), "system:\n  name: \"<script>", "<b>x</b>", 100_000);
    std::fs::write(tmp.path().join("long_name.yaml"), {
        let mut t = std::fs::read_to_string(tmp.path().join("long_name.yaml")).expect("read");
        t.push_str("\"\n");
        t
    })
    .expect("write");
    let (big_norma, big_yaml, big_json, three_mb, long_name) =
        (at("big.norma"), at("big.yaml"), at("big.json"), at("three_mb.yaml"), at("long_name.yaml"));
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["test", &big_norma], 2, "policy files are limited to 4194304 bytes"),
        (vec!["assess", &big_yaml], 2, "facts files are limited to 2097152 bytes"),
        (vec!["assess", "examples/cv-screening.yaml", "--responses", &big_yaml], 2, "response forms are limited to"),
        (vec!["requirements", &big_yaml], 2, "facts files are limited to"),
        (vec!["diff", &big_json, &big_json], 2, "cannot be compared: it is not JSON"),
        (vec!["assess", &three_mb], 2, "raise the limit: `--limit facts-bytes=N`"),
        (vec!["assess", &long_name, "--format", "html"], 0, "&lt;script&gt;&lt;b&gt;x"),
        (vec!["assess", "examples/cv-screening.yaml", "--limit", "rules=10"], 2, "the limit is 10"),
        (vec!["assess", "examples/cv-screening.yaml", "--limit", "steps=100"], 2, "evaluation steps; the limit is 100"),
        (vec!["assess", "examples/cv-screening.yaml", "--limit", "imports=1"], 2, "`--limit imports=N`"),
        (vec!["assess", "examples/cv-screening.yaml", "--limit", "import-depth=1"], 2, "`--limit import-depth=N`"),
        (vec!["assess", "examples/cv-screening.yaml", "--limit", "facts=10"], 2, "holds more than 10 values"),
        (
            vec!["assess", "examples/cv-screening.yaml", "--format", "html", "--limit", "template-fuel=1000"],
            2,
            "template-fuel",
        ),
        (vec!["assess", "examples/cv-screening.yaml", "--limit", "rule=10"], 2, "did you mean `rules`?"),
        (vec!["assess", "examples/cv-screening.yaml", "--limit", "rules=many"], 2, "needs a positive whole number"),
        (vec!["assess", "examples/cv-screening.yaml", "--limit", "rules=1000000"], 0, "It is not legal advice"),
    ];
    let mut failures = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for (args, exit, phrase) in &cases {
        let (out, took) = run(args);
        let name = args.join(" ");
        if took > slowest.0 {
            slowest = (took, name.clone());
        }
        failures.extend(verdict(&name, &out, took, *exit, phrase, args.contains(&"html")));
    }
    println!(
        "generated inputs and limits: {} tried, {} passed; slowest {} ms ({})",
        cases.len(),
        cases.len() - failures.len(),
        slowest.0.as_millis(),
        slowest.1
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // A genuine file above a limit passes once the limit is raised (not timed: reading 3 MB of
    // text takes longer than a second in a debug build on a loaded machine).
    let (out, _) = run(&["assess", &three_mb, "--limit", "facts-bytes=4000000"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    // A genuine file above a limit passes once the limit is raised (not timed: reading 3 MB of
    // text takes longer than a second in a debug build on a loaded machine).
    let (out, _) = run(&["assess", &three_mb, "--limit", "facts-bytes=4000000"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
}

/// Runs `norma` under bash with the largest file it may write limited to `kib` KiB (`ulimit
/// -f`): a write past it kills the process (SIGXFSZ) midway, as a crash or a full disk would.
#[cfg(unix)]
fn run_with_file_limit(kib: u32, dir: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let script = format!("ulimit -f {kib}; exec \"$0\" \"$@\"");
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run bash");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("wait")
}

/// The files of `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[cfg(unix)]
#[test]
fn a_write_killed_midway_leaves_every_previous_file_intact() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    // A report, an XLSX annex, a policy file `fmt` rewrites and a facts file `ask` updates, each
    // with previous contents.
    std::fs::write(d.join("report.html"), "previous report\n").unwrap();
    std::fs::write(d.join("annex.xlsx"), "previous annex\n").unwrap();
    let policy = std::fs::read_to_string(root.join("policies/eu/ai_act.norma")).unwrap();
    let unformatted = policy.replace("\n  title en ", "\n  title en    ");
    assert_ne!(policy, unformatted);
    std::fs::write(d.join("ai_act.norma"), &unformatted).unwrap();
    let facts = std::fs::read_to_string(root.join("examples/cv-screening.yaml")).unwrap();
    let facts = facts.replace("  supply_chain_roles:", "  # supply_chain_roles:") + &"# padding\n".repeat(200);
    std::fs::write(d.join("facts.yaml"), &facts).unwrap();
    let cv = root.join("examples/cv-screening.yaml").to_string_lossy().into_owned();
    let profile = root.join("examples/procurement/eu-employment-matching.yaml").to_string_lossy().into_owned();
    let before: Vec<Vec<u8>> = ["report.html", "annex.xlsx", "ai_act.norma", "facts.yaml"]
        .iter()
        .map(|f| std::fs::read(d.join(f)).unwrap())
        .collect();

    let runs: Vec<(Vec<&str>, &str)> = vec![
        (vec!["assess", &cv, "--format", "html", "--out", "report.html"], ""),
        (vec!["requirements", &profile, "--format", "xlsx", "--out", "annex.xlsx"], ""),
        (vec!["fmt", "ai_act.norma"], ""),
        (vec!["ask", "facts.yaml", "--as-of", "2026-11-26"], "1\n1\n1\n"),
    ];
    for (args, input) in &runs {
        let out = run_with_file_limit(2, d, args, input);
        assert_ne!(out.status.code(), Some(0), "{args:?} wrote past the limit: {}", common::stderr(&out));
    }
    for (f, bytes) in ["report.html", "annex.xlsx", "ai_act.norma", "facts.yaml"].iter().zip(&before) {
        assert_eq!(&std::fs::read(d.join(f)).unwrap(), bytes, "{f} changed after a failed write");
    }
    // Without the limit the same commands write their files.
    for (args, input) in &runs {
        let out = run_with_file_limit(1 << 20, d, args, input);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", common::stderr(&out));
    }
    assert_ne!(std::fs::read(d.join("report.html")).unwrap(), before[0]);
    assert_eq!(std::fs::read_to_string(d.join("ai_act.norma")).unwrap(), policy);
}

#[test]
fn a_failed_rename_leaves_the_target_and_no_temporary_file() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(tmp.path().join("report.html")).unwrap();
    std::fs::write(tmp.path().join("report.html/kept.txt"), "kept").unwrap();
    let out_path = tmp.path().join("report.html").to_string_lossy().into_owned();
    let (out, _) = run(&["assess", "examples/cv-screening.yaml", "--out", &out_path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("cannot write"), "{}", common::stderr(&out));
    assert_eq!(listing(tmp.path()), ["report.html"], "no temporary file is left behind");
    assert_eq!(std::fs::read_to_string(tmp.path().join("report.html/kept.txt")).unwrap(), "kept");
}
