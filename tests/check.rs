#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Golden tests of the checker's diagnostics: every case under `tests/check/bad` (a `.norma` file,
//! or a folder of them checked as one set) has its expected human output in `NAME.out`; files
//! under `tests/check/good` must check clean. Run with `NORMA_BLESS=1` to rewrite the expected
//! output after reviewing a change.

use std::fs;
use std::path::{Path, PathBuf};

use norma::diagnostics::{render_human, render_json};
use norma::source::Sources;

fn norma_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "norma"))
        .collect();
    files.sort();
    files
}

fn load(files: &[PathBuf]) -> Sources {
    let mut sources = Sources::new();
    for f in files {
        sources.add(f.display().to_string(), fs::read_to_string(f).unwrap());
    }
    sources
}

fn compare(expected_path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("NORMA_BLESS").is_some() {
        fs::write(expected_path, actual).unwrap();
        return None;
    }
    let expected = fs::read_to_string(expected_path).unwrap_or_default();
    (expected != actual).then(|| format!("{} differs; actual output:\n{actual}", expected_path.display()))
}

#[test]
fn bad_policies_give_the_expected_diagnostics() {
    let root = Path::new("tests/check/bad");
    let mut cases: Vec<PathBuf> = fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases {
        let files = if case.is_dir() {
            norma_files(&case)
        } else if case.extension().is_some_and(|e| e == "norma") {
            vec![case.clone()]
        } else {
            continue;
        };
        count += 1;
        let sources = load(&files);
        let (_, diags) = norma::check_sources(&sources);
        assert!(!diags.is_empty(), "{} checked clean", case.display());
        for d in &diags {
            if d.help.is_none() || d.span.is_none() {
                failures.push(format!("{}: {} has no help line or no place: {}", case.display(), d.code, d.message));
            }
        }
        let out = render_human(&sources, &diags, false);
        failures.extend(compare(&case.with_extension("out"), &out));
    }
    assert!(count >= 8, "only {count} cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_diagnostics_are_stable() {
    let files = vec![PathBuf::from("tests/check/bad/misspelled_fact.norma")];
    let sources = load(&files);
    let (_, diags) = norma::check_sources(&sources);
    let json = render_json(&sources, &diags);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["format"], "norma.diagnostics/v1");
    assert_eq!(value["diagnostics"][0]["code"], "N0101");
    if let Some(failure) = compare(Path::new("tests/check/bad/misspelled_fact.json"), &json) {
        panic!("{failure}");
    }
}

#[test]
fn good_policies_check_clean() {
    let files = norma_files(Path::new("tests/check/good"));
    assert!(!files.is_empty());
    let sources = load(&files);
    let (policy, diags) = norma::check_sources(&sources);
    assert!(diags.is_empty(), "{}", render_human(&sources, &diags, false));
    assert!(!policy.tests.is_empty());
}
