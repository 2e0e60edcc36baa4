#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Runs `docs/tutorial.md` as a new user would: in an empty folder, each file block is written
//! (```` ```norma file=PATH ````, with `append` to add to the file), each ```` ```diff file=PATH ````
//! block applied, and each `$ norma …` command of a ```` ```console ```` block run, its output
//! (standard output, then standard error) compared with the lines shown under it (`…` stands
//! for any lines) and its exit code with `exit=N` on the block (0 when not given).

use std::fs;
use std::path::Path;
use std::process::Command;

struct Block {
    info: Vec<String>,
    body: String,
    line: usize,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (n, line) in doc.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => {
                current = Some(Block {
                    info: info.split_whitespace().map(str::to_string).collect(),
                    body: String::new(),
                    line: n + 1,
                })
            }
            (Some(_), Some("")) => out.extend(current.take()),
            (Some(b), _) => {
                b.body.push_str(line);
                b.body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(current.is_none(), "a code block is not closed");
    out
}

fn option<'a>(b: &'a Block, key: &str) -> Option<&'a str> {
    b.info.iter().find_map(|w| w.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

/// Whether `actual` matches `expected`, where an expected line `…` matches any lines.
fn matches(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"…", rest)) => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((line, rest)) => actual.first() == Some(line) && matches(rest, &actual[1..]),
    }
}

fn run_console(dir: &Path, b: &Block) -> usize {
    let code: i32 = option(b, "exit").map_or(0, |c| c.parse().unwrap());
    let mut commands: Vec<(String, Vec<&str>)> = Vec::new();
    for line in b.body.lines() {
        match line.strip_prefix("$ ") {
            Some(cmd) => commands.push((cmd.to_string(), Vec::new())),
            None => commands.last_mut().expect("output before any command").1.push(line),
        }
    }
    for (cmd, expected) in &commands {
        let args = cmd.strip_prefix("norma ").unwrap_or_else(|| panic!("line {}: not a norma command: {cmd}", b.line));
        let o = Command::new(env!("CARGO_BIN_EXE_norma"))
            .args(args.split_whitespace())
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let shown = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        let actual: Vec<&str> = shown.lines().collect();
        assert!(
            matches(expected, &actual),
            "docs/tutorial.md line {}: `{cmd}` printed:\n{shown}\nexpected:\n{}",
            b.line,
            expected.join("\n")
        );
        assert_eq!(o.status.code(), Some(code), "docs/tutorial.md line {}: exit code of `{cmd}`", b.line);
    }
    commands.len()
}

fn apply_diff(path: &Path, b: &Block) {
    let (mut old, mut new) = (String::new(), String::new());
    for line in b.body.lines() {
        let (sign, text) = line.split_at(1);
        if sign != "+" {
            old.push_str(text);
            old.push('\n');
        }
        if sign != "-" {
            new.push_str(text);
            new.push('\n');
        }
    }
    let text = fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(&old).count(),
        1,
        "docs/tutorial.md line {}: the lines to change are not found once",
        b.line
    );
    fs::write(path, text.replacen(&old, &new, 1)).unwrap();
}

#[test]
fn the_tutorial_runs_as_written() {
    let doc = fs::read_to_string("docs/tutorial.md").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut commands = 0;
    for b in blocks(&doc) {
        let file = option(&b, "file").map(|f| dir.path().join(f));
        match (b.info.first().map(String::as_str), file) {
            (Some("console"), _) => commands += run_console(dir.path(), &b),
            (Some("diff"), Some(path)) => apply_diff(&path, &b),
            (Some(_), Some(path)) if b.info.iter().any(|w| w == "append") => {
                let mut text = fs::read_to_string(&path).unwrap();
                text.push('\n');
                text.push_str(&b.body);
                fs::write(&path, text).unwrap();
            }
            (Some(_), Some(path)) => {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, &b.body).unwrap();
            }
            _ => {}
        }
    }
    assert!(commands >= 10, "the tutorial runs {commands} commands");
    let report = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.contains("FaceSwap Studio") && report.contains("Art. 50(4), first subparagraph"));
    let graph = fs::read_to_string(dir.path().join("deep_fakes.dot")).unwrap();
    assert!(graph.starts_with("digraph") && graph.contains("disclose_deep_fakes"), "{graph}");
}

#[test]
fn every_code_block_is_understood() {
    let doc = fs::read_to_string("docs/tutorial.md").unwrap();
    for b in blocks(&doc) {
        let kind = b.info.first().map(String::as_str);
        let file = option(&b, "file");
        let known = match kind {
            Some("console") => file.is_none(),
            Some("norma" | "yaml" | "diff") => file.is_some(),
            _ => false,
        };
        assert!(known, "docs/tutorial.md line {}: a block the test does not run: {:?}", b.line, b.info);
    }
}
