#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! The shipped policies are in canonical form, and formatting any of them keeps its syntax tree
//! and every comment.

use std::path::{Path, PathBuf};

use norma::format::format_module;
use norma::source::FileId;
use norma::syntax::ast::Module;
use norma::syntax::parse;

/// Every `.norma` file under `policies/`, in a stable order.
fn policy_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "norma") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Each policy file with its text.
fn policies() -> Vec<(String, String)> {
    let files = policy_files();
    assert!(files.len() >= 3, "expected the shipped policies under policies/, found {files:?}");
    files.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap())).collect()
}

fn parse_ok(name: &str, text: &str) -> Module {
    let parsed = parse(FileId(0), text);
    assert!(parsed.diags.is_empty(), "{name} has syntax errors: {:?}", parsed.diags);
    parsed.module.expect("a module")
}

/// The syntax tree without spans or comments, as text.
fn shape(module: &Module) -> String {
    let mut bare = module.clone();
    bare.comments.clear();
    let debug = format!("{bare:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let close = rest[at..].find('}').expect("the end of a span");
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The comment texts, sorted, so that each must appear as often in both.
fn comment_texts(module: &Module) -> Vec<String> {
    let mut texts: Vec<String> = module.comments.iter().map(|c| c.text.trim_end().to_string()).collect();
    texts.sort();
    texts
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let pairs = expected.lines().zip(actual.lines()).enumerate();
    match pairs.into_iter().find(|(_, (e, a))| e != a) {
        Some((n, (e, a))) => format!("line {}:\n  file:      {e}\n  formatted: {a}", n + 1),
        None => format!("line counts differ: {} vs {}", expected.lines().count(), actual.lines().count()),
    }
}

#[test]
fn formatting_a_policy_is_idempotent() {
    for (name, text) in policies() {
        let once = format_module(&parse_ok(&name, &text));
        let twice = format_module(&parse_ok(&name, &once));
        assert_eq!(once, twice, "{name}: formatting twice differs at {}", first_difference(&once, &twice));
    }
}

#[test]
fn formatting_a_policy_keeps_every_comment() {
    for (name, text) in policies() {
        let original = parse_ok(&name, &text);
        let formatted = parse_ok(&name, &format_module(&original));
        assert_eq!(comment_texts(&original), comment_texts(&formatted), "{name}: comments changed");
    }
}

#[test]
fn formatting_a_policy_keeps_its_syntax_tree() {
    for (name, text) in policies() {
        let original = parse_ok(&name, &text);
        let formatted = parse_ok(&name, &format_module(&original));
        assert_eq!(shape(&original), shape(&formatted), "{name}: the syntax tree changed");
    }
}

#[test]
fn every_policy_is_in_canonical_form() {
    for (name, text) in policies() {
        let formatted = format_module(&parse_ok(&name, &text));
        assert!(
            formatted == text,
            "{name} is not formatted; first difference at {}",
            first_difference(&text, &formatted)
        );
    }
}
