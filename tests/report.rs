#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Reports: a golden file per shipped example, format (Markdown, HTML, JSON) and language (review
//! the diff and run `NORMA_BLESS=1 cargo test --test report` after a change), the sections each
//! report must show, and hostile fact values that must not break or inject into any format.

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

const FORMATS: &[&str] = &["md", "html", "json"];

fn report(facts: &str, format: &str, lang: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["assess", facts, "--format", format, "--lang", lang, "--as-of", "2026-11-26"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn reports_match_their_golden_files() {
    let bless = std::env::var_os("NORMA_BLESS").is_some();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = EXAMPLES
            .iter()
            .map(|example| {
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for format in FORMATS {
                        for lang in ["en", "ko"] {
                            let text = report(&format!("examples/{example}.yaml"), format, lang);
                            let golden = format!("tests/reports/{example}.{lang}.{format}");
                            if bless {
                                fs::write(&golden, &text).unwrap();
                            } else if fs::read_to_string(&golden).unwrap_or_default() != text {
                                failures.push(golden);
                            }
                        }
                    }
                    failures
                })
            })
            .collect();
        runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "differ (review, then NORMA_BLESS=1): {failures:?}");
    assert!(Path::new("tests/reports/cv-screening.en.html").exists());
}

#[test]
fn every_markdown_report_has_its_sections() {
    let en = report("examples/cv-screening.yaml", "md", "en");
    for section in [
        "# Gap analysis: TalentSift CV screener 3.2",
        "not legal advice",
        "## EU",
        "## KR",
        "### Summary",
        "- Scope: in scope",
        "### Classification",
        "### Classification rationale",
        "**High-risk AI system**: yes",
        "`system.use_cases` = recruitment\\_selection",
        "### Gaps to act on",
        "### Penalties at stake",
        "### What starts applying next",
        "### Obligation matrix",
        "## Across jurisdictions",
        "2 December 2027",
    ] {
        assert!(en.contains(section), "missing {section}");
    }
    let ko = report("examples/cv-screening.yaml", "md", "ko");
    for section in [
        "# 규제 이행 격차 분석",
        "법률 자문이 아닙니다",
        "### 분류",
        "### 분류 근거",
        "**고위험 인공지능 시스템**: 예",
        "### 의무 이행표",
        "2027년 12월 2일",
    ] {
        assert!(ko.contains(section), "missing {section}");
    }
}

#[test]
fn every_html_report_is_self_contained_and_shows_its_pictures() {
    for lang in ["en", "ko"] {
        let html = report("examples/cv-screening.yaml", "html", lang);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(html.contains("default-src 'none'"), "a strict Content-Security-Policy");
        assert!(!html.contains("<script"), "no scripts");
        for external in ["src=\"http", "href=\"http", "url(http", "@import"] {
            assert!(!html.contains(external), "no external assets: {external}");
        }
        assert!(html.contains("@media print") && html.contains("size: A4"), "print CSS for A4");
        // CN, EU, JP, KR, US-CO, US-NYC, US-TX and VN.
        assert_eq!(html.matches("<svg").count(), 9, "the timeline and one status bar per jurisdiction");
        assert!(html.contains("class=\"m now\""), "the timeline marks the assessment date");
        assert!(html.contains("class=\"m upcoming\""), "and what comes later");
        assert!(html.contains("class=\"s-not_yet_applicable\""), "status bars");
    }
    let en = report("examples/cv-screening.yaml", "html", "en");
    for text in
        ["Classification rationale", "High-risk AI system", "Obligation matrix", "2 December 2027", "Assessment date"]
    {
        assert!(en.contains(text), "missing {text}");
    }
    let ko = report("examples/cv-screening.yaml", "html", "ko");
    for text in ["분류 근거", "고위험 인공지능 시스템", "의무 이행표", "2027년 12월 2일", "평가 기준일"]
    {
        assert!(ko.contains(text), "missing {text}");
    }
}

/// A copy of the CV-screening example whose free-text facts carry markup, table cells, code
/// spans, links and line breaks.
fn hostile_facts(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("hostile.yaml");
    let hostile = "<script>alert(1)</script> | `code` ](javascript:alert(1)) [x](javascript:y) # heading \" ' &amp;";
    let mut text = fs::read_to_string("examples/cv-screening.yaml").unwrap();
    text = text.replace("\"TalentSift CV screener 3.2\"", &format!("{hostile:?}"));
    text = text
        .replace("\"RM-2026-04, risk register and test report\"", &format!("{:?}", format!("{hostile}\nsecond line")));
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn hostile_fact_values_cannot_break_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile_facts(dir.path());
    for lang in ["en", "ko"] {
        let md = report(path.to_str().unwrap(), "md", lang);
        assert!(!md.contains("<script>"), "raw markup in:\n{md}");
        assert!(!md.replace("\\]", "").contains("](javascript"), "a live link in:\n{md}");
        assert!(!md.contains("`code`"), "raw code span in:\n{md}");
        assert!(md.contains("\\<script\\>"), "the value is shown, escaped");
        // No fact value adds a table cell: every row has at most as many cells as the widest header.
        for line in md.lines().filter(|l| l.starts_with('|')) {
            let cells = line.matches(" | ").count() + 1;
            assert!(cells <= 9, "a value split a table row: {line}");
        }

        let html = report(path.to_str().unwrap(), "html", lang);
        assert!(!html.contains("<script"), "raw markup in the HTML report");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "the value is shown, escaped");
        assert!(!html.contains("href=\"javascript"), "no live link");
        assert!(html.contains("&amp;amp;"), "an entity in a value is shown as typed");
        assert!(!html.contains("\" '"), "quotes are escaped");

        let json = report(path.to_str().unwrap(), "json", lang);
        let doc: serde_json::Value = serde_json::from_str(&json).expect("the JSON stays valid");
        assert!(doc["system"]["name"].as_str().unwrap().starts_with("<script>"), "JSON keeps the value as data");
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
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_norma"))
            .args([
                "assess",
                "examples/chatbot.yaml",
                "--format",
                format,
                "--as-of",
                "2026-11-26",
                "--templates",
                dir.path().to_str().unwrap(),
            ])
            .output()
            .unwrap()
    };
    let o = run("md");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "Custom report for HelpDesk Assistant on 26 November 2026: Gap analysis\n"
    );
    let o = run("html");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        report("examples/chatbot.yaml", "html", "en"),
        "the HTML template stays the embedded one"
    );
    fs::write(dir.path().join("messages.en.json"), "{\"title\": \"Compliance gaps\"}").unwrap();
    assert!(String::from_utf8(run("md").stdout).unwrap().ends_with(": Compliance gaps\n"), "a catalog overrides too");
    fs::write(dir.path().join("gap.md.j2"), "{{ broken").unwrap();
    assert_eq!(run("md").status.code(), Some(2), "a broken template is a usage error");
    fs::write(dir.path().join("secret.txt"), "do not show").unwrap();
    for include in ["secret.txt", "/etc/passwd", "../Cargo.toml", "messages.en.json"] {
        fs::write(dir.path().join("gap.md.j2"), format!("{{% include {include:?} %}}")).unwrap();
        let o = run("md");
        assert_eq!(o.status.code(), Some(2), "a template cannot read {include}");
        assert!(!String::from_utf8_lossy(&o.stdout).contains("do not show"));
    }
}

#[test]
fn a_report_is_written_atomically_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let o = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["assess", "examples/chatbot.yaml", "--format", "html", "--as-of", "2026-11-26", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fs::read_to_string(&out).unwrap(), report("examples/chatbot.yaml", "html", "en"));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left behind");
}
