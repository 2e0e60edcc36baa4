#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Markdown reports: a golden file per shipped example and language (review the diff and run
//! `NORMA_BLESS=1 cargo test --test report` after a change), and hostile fact values that must
//! not break or inject into a report.

use std::fs;
use std::path::Path;
use std::process::Command;

const EXAMPLES: &[&str] = &[
    "cv-screening",
    "chatbot",
    "credit-scoring",
    "emotion-at-work",
    "foundation-model",
    "kr-hiring-screening",
    "kr-city-chatbot",
    "kr-foreign-generative",
];

fn report(facts: &str, lang: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["assess", facts, "--format", "md", "--lang", lang, "--as-of", "2026-11-26"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn markdown_reports_match_their_golden_files() {
    let mut failures = Vec::new();
    for example in EXAMPLES {
        for lang in ["en", "ko"] {
            let text = report(&format!("examples/{example}.yaml"), lang);
            let golden = format!("tests/reports/{example}.{lang}.md");
            if std::env::var_os("NORMA_BLESS").is_some() {
                fs::write(&golden, &text).unwrap();
            } else if fs::read_to_string(&golden).unwrap_or_default() != text {
                failures.push(golden);
            }
        }
    }
    assert!(failures.is_empty(), "differ (review, then NORMA_BLESS=1): {failures:?}");
    assert!(Path::new("tests/reports/cv-screening.en.md").exists());
}

#[test]
fn every_report_has_its_sections() {
    let en = report("examples/cv-screening.yaml", "en");
    for section in [
        "# Gap analysis: TalentSift CV screener 3.2",
        "not legal advice",
        "## EU",
        "## KR",
        "### Classification",
        "### Gaps to act on",
        "### What starts applying next",
        "### Obligation matrix",
        "## Across jurisdictions",
        "2 December 2027",
    ] {
        assert!(en.contains(section), "missing {section}");
    }
    let ko = report("examples/cv-screening.yaml", "ko");
    for section in ["# 규제 이행 격차 분석", "법률 자문이 아닙니다", "### 분류", "### 의무 이행표", "2027년 12월 2일"]
    {
        assert!(ko.contains(section), "missing {section}");
    }
}

#[test]
fn hostile_fact_values_cannot_break_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.yaml");
    let hostile = "<script>alert(1)</script> | `code` ](javascript:alert(1)) [x](javascript:y) # heading";
    let mut text = fs::read_to_string("examples/cv-screening.yaml").unwrap();
    text = text.replace("\"TalentSift CV screener 3.2\"", &format!("{hostile:?}"));
    text = text
        .replace("\"RM-2026-04, risk register and test report\"", &format!("{:?}", format!("{hostile}\nsecond line")));
    fs::write(&path, text).unwrap();
    for lang in ["en", "ko"] {
        let md = report(path.to_str().unwrap(), lang);
        assert!(!md.contains("<script>"), "raw markup in:\n{md}");
        assert!(!md.replace("\\]", "").contains("](javascript"), "a live link in:\n{md}");
        assert!(!md.contains("`code`"), "raw code span in:\n{md}");
        assert!(md.contains("\\<script\\>"), "the value is shown, escaped");
        // No fact value adds a table cell: every matrix row has as many cells as its header.
        for line in md.lines().filter(|l| l.starts_with('|')) {
            let cells = line.matches(" | ").count() + 1;
            assert!(cells <= 9, "a value split a table row: {line}");
        }
    }
}

#[test]
fn a_template_can_be_replaced_and_the_rest_stay_embedded() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("gap.md.j2"),
        "Custom report for {{ a.system.name | md }} on {{ a.as_of | date }}: {{ t.title }}\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args([
            "assess",
            "examples/chatbot.yaml",
            "--format",
            "md",
            "--as-of",
            "2026-11-26",
            "--templates",
            dir.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "Custom report for HelpDesk Assistant on 26 November 2026: Gap analysis\n"
    );
    fs::write(dir.path().join("gap.md.j2"), "{{ broken").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["assess", "examples/chatbot.yaml", "--format", "md", "--templates", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "a broken template is a usage error");
}
