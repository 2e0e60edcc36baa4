#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Catalogs of standards as users meet them: a report shows, per norm, the standards' items that
//! correspond ("Also satisfies") with their catalog titles, relation and confidence; tender
//! requirements list them as accepted equivalents; and `norma check` verifies references against
//! the catalogs.

mod common;

use common::{norma, stdout};

fn assess(args: &[&str]) -> String {
    let mut all = vec!["assess", "examples/cv-screening.yaml", "--as-of", "2028-01-15"];
    all.extend_from_slice(args);
    let o = norma(&all);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    stdout(&o)
}

#[test]
fn a_report_shows_what_a_norm_also_satisfies() {
    let md = assess(&["--format", "md"]);
    assert!(md.contains("### Also satisfies"));
    assert!(md.contains("| Art. 12, Art. 16(a) |"), "record keeping is relevant");
    assert!(md.contains("ISO/IEC 42001:2023 A.6.2.8 — Event logs of the system | partly equivalent | medium |"));
    assert!(md.contains("ISO/IEC TR 24027:2021 7 — Measuring bias and fairness"));
    let ko = assess(&["--format", "md", "--lang", "ko"]);
    assert!(ko.contains("### 함께 충족하는 표준 항목"));
    assert!(ko.contains("ISO/IEC 42001:2023 A.6.2.8 — AI 시스템 이벤트 로그 기록 | 부분적으로 동등 | 중간 |"));
    let html = assess(&["--format", "html"]);
    assert!(html.contains("<h3>Also satisfies</h3>"));
    assert!(html.contains("<b>A.6.2.8</b><br><span class=\"muted\">Event logs of the system</span>"));
}

#[test]
fn the_json_report_carries_also_satisfies() {
    let doc: serde_json::Value = serde_json::from_str(&assess(&["--format", "json"])).unwrap();
    let eu = doc["jurisdictions"].as_array().unwrap().iter().find(|j| j["id"] == "EU").unwrap();
    let logs = eu["norms"].as_array().unwrap().iter().find(|n| n["id"] == "eu.ai_act.record_keeping").unwrap();
    let item = logs["also_satisfies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["standard"] == "ISO/IEC 42001:2023" && a["clause"] == "A.6.2.8")
        .unwrap();
    assert_eq!(item["title"], "Event logs of the system");
    assert_eq!(item["relation"], "partial");
    assert_eq!(item["confidence"], "medium");
    assert_eq!(item["catalogued"], true);
    assert!(item["source"].as_str().unwrap().starts_with("Norma mapping: Art. 12"));
}

#[test]
fn tender_requirements_list_catalog_items_as_accepted_equivalents() {
    let o = norma(&["requirements", "examples/procurement/eu-employment-matching.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows: Vec<&serde_json::Value> = doc["requirements"].as_array().unwrap().iter().collect();
    let logs = rows
        .iter()
        .find(|r| r["legal_basis"].as_array().unwrap().iter().any(|b| b["norm"] == "eu.ai_act.record_keeping"))
        .unwrap();
    let eq = logs["equivalents"].as_array().unwrap();
    assert!(
        eq.iter().any(|s| s["standard"] == "ISO/IEC 42001:2023"
            && s["clause"] == "A.6.2.8"
            && s["title"] == "Event logs of the system"),
        "{eq:?}"
    );
    let md = stdout(&norma(&["requirements", "examples/procurement/eu-employment-matching.yaml"]));
    assert!(md.contains("ISO/IEC 42001:2023 A.6.2.8 (Event logs of the system)"));
}

#[test]
fn check_verifies_references_against_the_shipped_catalogs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.norma");
    std::fs::write(
        &file,
        "instrument mine\n  title en \"M\"\n  title ko \"M\"\n  jurisdiction EU\n\nuse standards.iso_iec_42001\n\nrole r\n  title en \"R\"\n  title ko \"R\"\n\nobligation n\n  cite \"Art. 1\"\n  binds r\n  from 2026-08-02\n  title en \"N\"\n  title ko \"N\"\n  standard \"ISO/IEC 42001:2023\" clause \"A.6.2.9\" relation partial confidence medium\n",
    )
    .unwrap();
    let o = norma(&["check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = format!("{}{}", stdout(&o), common::stderr(&o));
    assert!(out.contains("error[N0112]"), "{out}");
    assert!(out.contains("did you mean `A.6.2.8`?"), "{out}");
}
