#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! `norma assess`, `questions` and `explain` run as a user runs them, on the shipped examples.

use std::fs;
use std::path::Path;

mod common;

use common::{norma, stderr, stdout};

fn assess_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["assess", "--format", "json"];
    all.extend_from_slice(args);
    let o = norma(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("JSON")
}

/// The jurisdiction `id` of an assessment (they come in the order of their codes: CN, EU, KR).
fn jurisdiction<'a>(doc: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    doc["jurisdictions"].as_array().unwrap().iter().find(|j| j["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

fn norm<'a>(doc: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    doc["jurisdictions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|j| j["norms"].as_array().unwrap())
        .find(|n| n["id"] == id)
        .unwrap_or_else(|| panic!("no norm {id}"))
}

#[test]
fn assess_prints_a_versioned_assessment() {
    let doc = assess_json(&["examples/cv-screening.yaml", "--as-of", "2026-11-26"]);
    assert_eq!(doc["schema"], "norma.assessment/v1");
    assert_eq!(doc["as_of"], "2026-11-26");
    assert!(doc["notice"].as_str().unwrap().contains("not legal advice"));
    assert_eq!(doc["provenance"]["facts_file"], "examples/cv-screening.yaml");
    assert_eq!(doc["provenance"]["facts_sha256"].as_str().unwrap().len(), 64);
    let eu = jurisdiction(&doc, "EU");
    assert_eq!(eu["classification"]["high_risk"], true);
    assert_eq!(eu["classification"]["prohibited"], false);
    let rms = norm(&doc, "eu.ai_act.risk_management_system");
    assert_eq!(rms["status"], "not_yet_applicable");
    assert_eq!(rms["applies_from"], "2027-12-02");
    assert_eq!(rms["citations"][0], "Art. 9");
    assert_eq!(rms["trace"][0], "eu.ai_act.risk_management_system");
    assert_eq!(doc["rules"]["eu.ai_act.risk_management_system"]["kind"], "obligation");
    let high_risk = eu["labels"].as_array().unwrap().iter().find(|l| l["label"] == "high_risk").unwrap();
    assert_eq!(high_risk["title"], "High-risk AI system");
    assert_eq!(high_risk["value"], true);
    for id in high_risk["trace"].as_array().unwrap() {
        assert!(doc["rules"][id.as_str().unwrap()].is_object(), "{id} is described in `rules`");
    }
    let provider = eu["roles"].as_array().unwrap().iter().find(|r| r["role"] == "provider").unwrap();
    assert_eq!(provider["value"], true);
    let amended = doc["provenance"]["instruments"].as_array().unwrap().iter().find(|i| i["id"] == "eu.ai_act").unwrap();
    assert_eq!(amended["version"], "amended");
}

#[test]
fn the_same_inputs_give_byte_identical_output() {
    let a = norma(&["assess", "--format", "json", "examples/chatbot.yaml", "--as-of", "2026-11-26"]);
    let b = norma(&["assess", "--format", "json", "examples/chatbot.yaml", "--as-of", "2026-11-26"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn a_deleted_fact_makes_outcomes_unknown_and_is_asked_first() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string("examples/cv-screening.yaml").unwrap();
    let without: String = text.lines().filter(|l| !l.contains("use_cases")).map(|l| format!("{l}\n")).collect();
    let path = dir.path().join("cv.yaml");
    fs::write(&path, without).unwrap();
    let p = path.to_str().unwrap();
    let doc = assess_json(&[p, "--as-of", "2028-01-01"]);
    assert_eq!(jurisdiction(&doc, "EU")["classification"]["high_risk"], serde_json::Value::Null);
    assert_eq!(norm(&doc, "eu.ai_act.risk_management_system")["status"], "unknown");
    assert_eq!(doc["questions"][0]["fact"], "system.use_cases");
    let o = norma(&["questions", p, "--as-of", "2028-01-01"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).lines().nth(1).unwrap().contains("[system.use_cases]"), "{}", stdout(&o));
}

#[test]
fn as_of_moves_norms_exactly_on_their_dates() {
    let day = |d: &str| {
        norm(&assess_json(&["examples/cv-screening.yaml", "--as-of", d]), "eu.ai_act.risk_management_system")["status"]
            .clone()
    };
    assert_eq!(day("2026-07-26"), "not_yet_applicable", "original timeline: from 2 Aug 2026");
    let before = assess_json(&["examples/cv-screening.yaml", "--as-of", "2026-07-26"]);
    assert_eq!(norm(&before, "eu.ai_act.risk_management_system")["applies_from"], "2026-08-02");
    assert_eq!(day("2027-12-01"), "not_yet_applicable");
    assert_ne!(day("2027-12-02"), "not_yet_applicable");
}

#[test]
fn fail_on_gates_ci() {
    let o = norma(&["assess", "examples/cv-screening.yaml", "--as-of", "2026-11-26", "--fail-on", "violated"]);
    assert_eq!(o.status.code(), Some(0));
    let o = norma(&["assess", "examples/cv-screening.yaml", "--as-of", "2026-11-26", "--fail-on", "violated,unknown"]);
    assert_eq!(o.status.code(), Some(1), "the Korean advance notice is undecided");
}

#[test]
fn out_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let o = norma(&[
        "assess",
        "examples/chatbot.yaml",
        "--as-of",
        "2026-11-26",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).is_empty());
    let doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(jurisdiction(&doc, "KR")["classification"]["generative"], true);
}

#[test]
fn explain_shows_the_derivation_with_citations() {
    let o = norma(&["explain", "examples/cv-screening.yaml", "risk_management_system", "--as-of", "2028-01-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("define eu.ai_act.annex_iii_high_risk (Art. 6(2), Annex III) = true"), "{out}");
    assert!(out.contains("exception eu.ai_act.profiling_override (Art. 6(3), third subparagraph) = true"), "{out}");
    assert!(out.contains("fact system.profiles_natural_persons = true"), "{out}");
    let o = norma(&["explain", "examples/cv-screening.yaml", "risk_managment_system"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
}

#[test]
fn korean_reports_use_the_korean_texts() {
    let doc = assess_json(&["examples/cv-screening.yaml", "--as-of", "2026-11-26", "--lang", "ko"]);
    assert!(doc["notice"].as_str().unwrap().contains("법률 자문이 아닙니다"));
    assert_eq!(norm(&doc, "kr.ai_basic_act.risk_management_plan")["title"], "위험관리방안의 수립·운영");
}

#[test]
fn bad_options_are_usage_errors() {
    for args in [
        vec!["assess", "examples/chatbot.yaml", "--jurisdiction", "xx"],
        vec!["assess", "examples/chatbot.yaml", "--role", "provder"],
        vec!["assess", "examples/chatbot.yaml", "--as-of", "2026-02-30"],
        vec!["assess", "no/such/facts.yaml"],
    ] {
        let o = norma(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = norma(&["assess", "examples/chatbot.yaml", "--role", "provder"]);
    assert!(stderr(&o).contains("did you mean `provider`?"), "{}", stderr(&o));
}

#[test]
fn jurisdiction_and_role_filters() {
    let doc = assess_json(&["examples/cv-screening.yaml", "--as-of", "2026-11-26", "--jurisdiction", "kr"]);
    assert_eq!(doc["jurisdictions"].as_array().unwrap().len(), 1);
    assert_eq!(doc["jurisdictions"][0]["id"], "KR");
    let doc = assess_json(&[
        "examples/cv-screening.yaml",
        "--as-of",
        "2026-11-26",
        "--jurisdiction",
        "eu",
        "--role",
        "deployer",
    ]);
    let norms = doc["jurisdictions"][0]["norms"].as_array().unwrap();
    assert!(norms.iter().all(|n| n["roles"].as_array().unwrap().iter().any(|r| r == "deployer")));
    assert!(norms.iter().any(|n| n["id"] == "eu.ai_act.deployer_log_retention"));
}

fn refused(name: &str, text: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    let o = norma(&["assess", path.to_str().unwrap(), "--as-of", "2026-11-26"]);
    assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
    assert!(stderr(&o).contains("N200"), "{name}: {}", stderr(&o));
}

#[test]
fn hostile_facts_files_are_refused() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g"][i];
        bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(", ")));
    }
    refused("bomb.yaml", bomb.as_bytes());
    refused("deep.yaml", "[".repeat(50_000).as_bytes());
    refused("flow.yaml", format!("a: {}1{}\n", "{b: ".repeat(10_000), "}".repeat(10_000)).as_bytes());
    refused("big.yaml", format!("system:\n  name: \"{}\"\n", "x".repeat(20 * 1024 * 1024)).as_bytes());
    refused("duplicate.yaml", b"system:\n  name: a\nsystem:\n  name: b\n");
    refused("types.yaml", b"system:\n  profiles_natural_persons: 3\n  use_cases: chatbot\n");
    refused("date.yaml", b"system:\n  placed_on_market: 2026-02-30\n");
    refused("nul.yaml", b"system:\n  name: \"a\0b\"\n");
    refused("unknown.yaml", b"system:\n  use_case: [recruitment_selection]\n");
}

#[test]
fn facts_errors_point_into_the_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.yaml");
    fs::write(&path, "system:\n  use_case: [recruitment_selection]\n").unwrap();
    let o = norma(&["assess", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains("f.yaml:2:3: error[N2002]"), "{err}");
    assert!(err.contains("did you mean `system.use_cases`?"), "{err}");
    assert!(Path::new("examples/cv-screening.yaml").exists());
}

#[test]
fn the_json_schema_of_the_outcome_model_is_committed_and_current() {
    let schema = schemars::schema_for!(norma::outcome::Assessment);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = Path::new("docs/assessment.schema.json");
    if std::env::var_os("NORMA_BLESS").is_some() {
        fs::write(path, &text).unwrap();
    }
    assert_eq!(
        fs::read_to_string(path).unwrap_or_default(),
        text,
        "run `NORMA_BLESS=1 cargo test --test assess` and review"
    );
    // Every example validates structurally: the fields the schema requires are present.
    let required: Vec<String> =
        schema.as_value()["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let doc = assess_json(&["examples/chatbot.yaml", "--as-of", "2026-11-26"]);
    for field in required {
        assert!(doc.get(&field).is_some(), "missing {field}");
    }
}

#[test]
fn every_eu_high_risk_requirement_and_transparency_duty_has_its_korean_counterpart() {
    let doc = assess_json(&["examples/chatbot.yaml", "--as-of", "2028-06-01"]);
    let duties = [
        "high_risk_requirements",
        "risk_management_system",
        "data_governance",
        "technical_documentation",
        "record_keeping",
        "instructions_for_use",
        "human_oversight",
        "biometric_two_person_verification",
        "accuracy_robustness_cybersecurity",
        "ai_interaction_disclosure",
        "synthetic_content_marking",
        "emotion_and_categorisation_notice",
        "deep_fake_disclosure",
        "artistic_deep_fake_disclosure",
        "public_interest_text_disclosure",
    ];
    for d in duties {
        let n = norm(&doc, &format!("eu.ai_act.{d}"));
        let korean: Vec<&serde_json::Value> = n["crosswalks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["target"].as_str().unwrap().starts_with("kr.ai_basic_act"))
            .collect();
        assert!(!korean.is_empty(), "{d} has no Korean counterpart");
        assert!(
            korean.iter().all(|c| c["source"].as_str().is_some_and(|s| !s.is_empty())),
            "{d}: the crosswalk says why"
        );
    }
    // Seen from the Korean side, a crosswalk written from the EU side is turned round.
    let labelling = norm(&doc, "kr.ai_basic_act.generative_output_labelling");
    let back = labelling["crosswalks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["target"] == "eu.ai_act.public_interest_text_disclosure")
        .unwrap();
    assert_eq!(back["relation"], "weaker");
}

#[test]
fn guidance_is_not_assessed_as_a_jurisdiction() {
    // The high-safety pack is loaded but is not law: no jurisdiction, instrument or norm of it.
    let doc = assess_json(&["examples/cv-screening.yaml", "--as-of", "2027-12-02"]);
    let text = doc.to_string();
    assert!(!text.contains("procurement.public_sector_high_safety"), "guidance leaked into the assessment");
    let ids: Vec<&str> = doc["jurisdictions"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&""), "{ids:?}");
    let o = norma(&["assess", "examples/cv-screening.yaml", "--jurisdiction", "procurement"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn warn_expiring_lists_recurring_duties_due_and_evidence_running_out() {
    let base =
        ["tests/upkeep/facts.yaml", "--policies", "tests/upkeep", "--as-of", "2026-11-26", "--jurisdiction", "UP"];
    let with = |extra: &[&str]| {
        let mut args = vec!["assess"];
        args.extend_from_slice(&base);
        args.extend_from_slice(extra);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let args = with(&["--warn-expiring", "30"]);
    let doc = assess_json(&args.iter().map(String::as_str).collect::<Vec<_>>()[1..]);
    let audit = norm(&doc, "up.keep_act.yearly_audit");
    assert_eq!(audit["lifecycle"]["every"], "12 months");
    assert_eq!(audit["next_due"], "2026-12-01", "a cadence after the evidence's date");
    assert_eq!(audit["evidence"][0]["valid_until"], "2026-12-01");
    assert_eq!(audit["evidence"][0]["days_left"], 5);
    let licence = &norm(&doc, "up.keep_act.hold_licence")["evidence"][0];
    assert_eq!((licence["valid_until"].as_str(), licence["days_left"].as_i64()), (Some("2026-12-09"), Some(13)));
    let u = &doc["upkeep"];
    assert_eq!(u["within_days"], 30);
    assert_eq!(u["due"][0]["norm"], "up.keep_act.yearly_audit");
    assert_eq!(u["due"][0]["overdue"], false);
    let expiring: Vec<&str> =
        u["expiring"].as_array().unwrap().iter().map(|e| e["valid_until"].as_str().unwrap()).collect();
    assert_eq!(expiring, ["2026-12-01", "2026-12-09"], "earliest first");
    // A shorter window leaves the licence out; a later date makes the audit overdue.
    let args = with(&["--warn-expiring", "7"]);
    let doc = assess_json(&args.iter().map(String::as_str).collect::<Vec<_>>()[1..]);
    assert_eq!(doc["upkeep"]["expiring"].as_array().unwrap().len(), 1);
    let o = norma(&[
        "assess",
        "tests/upkeep/facts.yaml",
        "--policies",
        "tests/upkeep",
        "--as-of",
        "2026-12-05",
        "--jurisdiction",
        "UP",
        "--format",
        "json",
        "--warn-expiring",
        "0",
    ]);
    let late: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(late["upkeep"]["due"][0]["overdue"], true);
    // The reports show it; without the flag there is no upkeep.
    let md = stdout(&norma(
        &with(&["--format", "md", "--warn-expiring", "30"]).iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    assert!(md.contains("## Upkeep: what falls due within 30 days"), "{md}");
    assert!(md.contains("| UP | Audit the system every year | 12 months | 1 December 2026 |"), "{md}");
    let ko = stdout(&norma(
        &with(&["--format", "md", "--lang", "ko", "--warn-expiring", "30"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    ));
    assert!(ko.contains("## 관리 일정: 30일 안에 해야 할 일"), "{ko}");
    let plain = stdout(&norma(&with(&["--format", "json"]).iter().map(String::as_str).collect::<Vec<_>>()));
    assert!(!plain.contains("\"upkeep\""));
    let bad = norma(&with(&["--warn-expiring", "-3"]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(bad.status.code(), Some(2));
}
