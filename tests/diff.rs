#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! `norma diff` and `norma assess --previous`: two assessments of the CV-screening example, before
//! and after a change (`tests/diff/cv-screening-after.yaml`: one fact changed, one piece of
//! evidence removed). Golden files in `tests/diff/` and `tests/reports/cv-screening-previous.en.html`
//! (review the diff, then `NORMA_BLESS=1 cargo test --test diff`).

use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::{norma, stderr, stdout};

const BEFORE: &str = "examples/cv-screening.yaml";
const AFTER: &str = "tests/diff/cv-screening-after.yaml";

/// Assesses `facts` as JSON into `dir`, on the day the golden reports use.
fn assessment(dir: &Path, facts: &str, name: &str) -> PathBuf {
    let path = dir.join(name);
    let o = norma(&["assess", facts, "--as-of", "2026-11-26", "--format", "json", "--out", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    path
}

fn pair() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let before = assessment(dir.path(), BEFORE, "before.json");
    let after = assessment(dir.path(), AFTER, "after.json");
    (dir, before, after)
}

/// The jurisdiction `id` of a diff (they come in the order of their codes: CN, EU, KR).
fn jurisdiction<'a>(d: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    d["jurisdictions"].as_array().unwrap().iter().find(|j| j["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

fn run(args: &[&Path], extra: &[&str]) -> std::process::Output {
    let mut all: Vec<&str> = vec!["diff"];
    all.extend(args.iter().map(|p| p.to_str().unwrap()));
    all.extend(extra);
    norma(&all)
}

#[test]
fn the_diff_matches_its_golden_files_and_fails_ci_on_a_regression() {
    let (_dir, before, after) = pair();
    let bless = std::env::var_os("NORMA_BLESS").is_some();
    let mut failures = Vec::new();
    for format in ["md", "json"] {
        for lang in ["en", "ko"] {
            let o = run(&[&before, &after], &["--format", format, "--lang", lang]);
            assert_eq!(o.status.code(), Some(1), "a regression exits 1: {}", stderr(&o));
            let golden = format!("tests/diff/cv-screening.{lang}.{format}");
            if bless {
                fs::write(&golden, stdout(&o)).unwrap();
            } else if fs::read_to_string(&golden).unwrap_or_default() != stdout(&o) {
                failures.push(golden);
            }
        }
    }
    // The gap report with the change since the last assessment: Markdown here, HTML beside the
    // other HTML goldens so that the browser test opens it too.
    for (format, golden) in
        [("md", "tests/diff/cv-screening-previous.en.md"), ("html", "tests/reports/cv-screening-previous.en.html")]
    {
        let previous = before.to_str().unwrap();
        let o = norma(&["assess", AFTER, "--as-of", "2026-11-26", "--format", format, "--previous", previous]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        if bless {
            fs::write(golden, stdout(&o)).unwrap();
        } else if fs::read_to_string(golden).unwrap_or_default() != stdout(&o) {
            failures.push(golden.to_string());
        }
    }
    assert!(failures.is_empty(), "differ (review, then NORMA_BLESS=1): {failures:?}");
}

#[test]
fn exactly_what_changed_is_listed() {
    let (_dir, before, after) = pair();
    let o = run(&[&before, &after], &["--format", "json"]);
    let d: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(d["schema"], "norma.diff/v1");
    assert_eq!(d["regressed"], true);
    assert_eq!(d["facts_changed"], true);
    assert_eq!(d["policies_changed"], false);
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect()
    };
    let eu = jurisdiction(&d, "EU");
    // The training records are gone (Art. 4 is no longer met) and the system now talks with people.
    assert_eq!(ids(&eu["new_gaps"]), ["eu.ai_act.ai_literacy", "eu.ai_act.ai_interaction_disclosure"]);
    assert_eq!(eu["new_gaps"][0]["before"], "met");
    assert!(eu["new_gaps"].as_array().unwrap().iter().all(|n| n["worse"] == true));
    for list in ["regressions", "resolved", "other"] {
        assert_eq!(eu[list], serde_json::json!([]), "{list}");
    }
    let labels: Vec<&str> = eu["labels"].as_array().unwrap().iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["transparency"]);
    assert_eq!((&eu["labels"][0]["before"], &eu["labels"][0]["after"]), (&false.into(), &true.into()));
    let kr = jurisdiction(&d, "KR");
    for list in ["new_gaps", "regressions", "resolved", "other", "labels"] {
        assert_eq!(kr[list], serde_json::json!([]), "KR {list}");
    }
    assert_eq!(
        d["facts"],
        serde_json::json!([{"fact": "system.interacts_with_people", "before": false, "after": true}])
    );
    let evidence = d["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    assert_eq!(evidence[0]["evidence"], "common.ai_literacy_programme");
    assert_eq!(evidence[0]["before"]["reference"], "HR-AI-2026 staff training records");
    assert_eq!(evidence[0]["after"]["reference"], serde_json::Value::Null);
}

#[test]
fn without_a_regression_the_diff_exits_0() {
    let (_dir, before, after) = pair();
    let o = run(&[&after, &before], &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(d["regressed"], false);
    assert_eq!(jurisdiction(&d, "EU")["resolved"].as_array().unwrap().len(), 2);
    let o = run(&[&before, &before], &[]);
    assert_eq!(o.status.code(), Some(0));
    let md = stdout(&o);
    assert!(md.contains("Nothing regressed."), "{md}");
    assert_eq!(
        md.matches("No change in this jurisdiction.").count(),
        8,
        "one per jurisdiction (CN, EU, JP, KR, US-CO, US-NYC, US-TX, VN): {md}"
    );
    assert!(md.contains("No fact recorded by both assessments changed."), "{md}");
}

#[test]
fn the_diff_is_written_atomically_with_out() {
    let (dir, before, after) = pair();
    let out = dir.path().join("change.md");
    let o = run(&[&before, &after], &["--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    assert!(fs::read_to_string(&out).unwrap().starts_with("# Changes between two assessments: TalentSift"));
}

#[test]
fn what_is_not_an_assessment_is_refused_with_the_file_named() {
    let (dir, before, _) = pair();
    let other = dir.path().join("requirements.json");
    fs::write(&other, "{\"schema\": \"norma.requirements/v1\"}").unwrap();
    let o = run(&[&before, &other], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("requirements.json` cannot be compared: it is a `norma.requirements/v1` document"));
    let o = run(&[Path::new("examples/cv-screening.yaml"), &before], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`examples/cv-screening.yaml` cannot be compared: it is not JSON"), "{}", stderr(&o));
    let o = run(&[&before, &dir.path().join("missing.json")], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.json`"), "{}", stderr(&o));
    let big = dir.path().join("big.json");
    fs::File::create(&big).unwrap().set_len(norma::diff::MAX_ASSESSMENT_BYTES as u64 + 1).unwrap();
    let o = run(&[&big, &before], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("big.json` is 67108865 bytes; assessments are limited to"), "{}", stderr(&o));
    let o = norma(&["assess", AFTER, "--previous", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "nothing is written for bad input");
}

#[test]
fn assess_previous_adds_the_change_to_every_report() {
    let (_dir, before, _) = pair();
    let previous = before.to_str().unwrap();
    let assess = |format: &str, lang: &str| {
        let o = norma(&[
            "assess",
            AFTER,
            "--as-of",
            "2026-11-26",
            "--format",
            format,
            "--lang",
            lang,
            "--previous",
            previous,
        ]);
        assert_eq!(o.status.code(), Some(0), "exit codes follow --fail-on only: {}", stderr(&o));
        stdout(&o)
    };
    let md = assess("md", "en");
    assert!(md.contains("## Change since the last assessment"), "{md}");
    assert!(md.contains("### EU\n\n**New gaps**"), "{md}");
    assert!(md.contains("| `system.interacts_with_people` | no | yes |"), "{md}");
    let ko = assess("md", "ko");
    assert!(ko.contains("## 지난 평가 이후 변경 사항"), "{ko}");
    let html = assess("html", "en");
    assert!(html.contains("<section id=\"change\">") && html.contains("<a href=\"#change\">"), "{html}");
    assert!(!html.contains("<script"), "still no scripts");
    let json: serde_json::Value = serde_json::from_str(&assess("json", "en")).unwrap();
    assert_eq!(json["change"]["schema"], "norma.diff/v1");
    assert_eq!(json["change"]["regressed"], true);
    let text = assess("text", "en");
    assert!(
        text.contains("Change since the last assessment (as of 2026-11-26):\n  EU: 2 new gaps · 0 worse"),
        "{text}"
    );
    assert!(assess("text", "ko").contains("지난 평가(2026-11-26) 이후 변경 사항:"));
    // Without --previous there is no change member.
    let o = norma(&["assess", AFTER, "--as-of", "2026-11-26", "--format", "json"]);
    assert!(serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap().get("change").is_none());
}
