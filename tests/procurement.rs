#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! `norma requirements`: golden annexes for the shipped procurement profiles (review the diff and
//! run `NORMA_BLESS=1 cargo test --test procurement` after a change), equivalent duties merged
//! into one row, and profile mistakes reported like facts-file mistakes.

mod common;

use std::fs;
use std::path::Path;

use common::{norma, stderr, stdout};

const PROFILES: &[&str] = &["kr-city-chatbot", "eu-employment-matching", "benefit-eligibility"];

#[test]
fn annexes_match_their_golden_files() {
    let bless = std::env::var_os("NORMA_BLESS").is_some();
    let mut failures = Vec::new();
    for profile in PROFILES {
        for (format, lang) in
            [("md", "en"), ("md", "ko"), ("html", "en"), ("html", "ko"), ("json", "en"), ("json", "ko")]
        {
            let o = norma(&[
                "requirements",
                &format!("examples/procurement/{profile}.yaml"),
                "--format",
                format,
                "--lang",
                lang,
            ]);
            assert_eq!(o.status.code(), Some(0), "{profile}: {}", stderr(&o));
            let golden = format!("tests/procurement/{profile}.{lang}.{format}");
            if bless {
                fs::write(&golden, stdout(&o)).unwrap();
            } else if fs::read_to_string(&golden).unwrap_or_default() != stdout(&o) {
                failures.push(golden);
            }
        }
    }
    assert!(failures.is_empty(), "differ (review, then NORMA_BLESS=1): {failures:?}");
}

fn requirements_json(profile: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["requirements", profile, "--format", "json"];
    args.extend_from_slice(extra);
    let o = norma(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn every_row_cites_its_articles_and_duties_starting_during_the_term_carry_their_date() {
    let doc = requirements_json("examples/procurement/eu-employment-matching.yaml", &[]);
    assert_eq!(doc["schema"], "norma.requirements/v1");
    let rows = doc["requirements"].as_array().unwrap();
    assert!(!rows.is_empty());
    for row in rows.iter().chain(doc["buyer_duties"].as_array().unwrap()) {
        let basis = row["legal_basis"].as_array().unwrap();
        assert!(!basis.is_empty() && basis.iter().all(|b| !b["citations"].as_array().unwrap().is_empty()), "{row}");
    }
    let rms = rows.iter().find(|r| r["legal_basis"][0]["norm"] == "eu.ai_act.risk_management_system").unwrap();
    assert_eq!(rms["during_term"], true, "Annex III duties start on 2 Dec 2027, after go-live");
    assert_eq!(rms["applies_from"], "2027-12-02");
    assert_eq!(rms["submit"], serde_json::json!(["by_date"]));
    let buyer = doc["buyer_duties"].as_array().unwrap();
    assert!(
        buyer.iter().any(|r| r["legal_basis"][0]["norm"] == "eu.ai_act.fundamental_rights_impact_assessment"),
        "a public body deploying a high-risk system plans its FRIA"
    );
    assert!(rows.iter().all(|r| r["id"].as_str().unwrap().starts_with("S-")));
    assert!(buyer.iter().all(|r| r["id"].as_str().unwrap().starts_with("B-")));
}

#[test]
fn open_classifications_are_flagged_for_legal_review() {
    let doc = requirements_json("examples/procurement/benefit-eligibility.yaml", &["--lang", "ko"]);
    let kr = doc["classification"].as_array().unwrap().iter().find(|c| c["jurisdiction"] == "KR").unwrap();
    let high_impact = kr["labels"].as_array().unwrap().iter().find(|l| l["label"] == "high_impact").unwrap();
    assert!(high_impact["value"].is_null());
    assert_eq!(high_impact["missing"][0], "system.kr_significant_impact");
    let plan = doc["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["legal_basis"][0]["norm"] == "kr.ai_basic_act.risk_management_plan")
        .unwrap();
    assert!(plan["conditions"].as_array().unwrap().iter().any(|c| c == "system.kr_significant_impact"));
    let md = stdout(&norma(&["requirements", "examples/procurement/benefit-eligibility.yaml", "--lang", "ko"]));
    assert!(md.contains("미확정, 법률 검토 필요"), "the annex says so in words");
}

#[test]
fn duties_a_crosswalk_calls_equivalent_share_one_row() {
    let dir = "tests/procurement/equivalent";
    let doc = requirements_json(&format!("{dir}/profile.yaml"), &["--policies", dir]);
    let rows = doc["requirements"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    let merged: Vec<(&str, &str)> = rows[0]["legal_basis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["jurisdiction"].as_str().unwrap(), b["citations"][0].as_str().unwrap()))
        .collect();
    assert_eq!(merged, [("AA", "Art. 14"), ("BB", "Art. 34(1)(4)")]);
    // The merged row: SHALL because AA binds (BB only asks for effort); phases and events of both.
    assert_eq!(rows[0]["level"], "SHALL");
    assert_eq!(rows[0]["phases"], serde_json::json!(["design", "operation"]));
    assert_eq!(rows[0]["events"][0]["event"], "common.substantial_modification");
    assert_eq!(rows[0]["submit"], serde_json::json!(["on_delivery", "on_event"]));
    // A duty about the supplier's capability that applies at go-live is a selection gate.
    assert_eq!(rows[1]["stage"], "selection");
    assert_eq!(rows[1]["submit"], serde_json::json!(["bid", "periodically"]));
    assert_eq!(rows[2]["applies_from"], "2028-01-01", "starts during the contract term");
    assert_eq!(rows[2]["during_term"], true);
}

#[test]
fn high_safety_adds_should_rows_citing_their_standards_and_the_legal_minimum_none() {
    let doc = requirements_json("examples/procurement/benefit-eligibility.yaml", &[]);
    assert_eq!(doc["procurement"]["safety_level"], "high-safety");
    let rows = doc["requirements"].as_array().unwrap();
    let should: Vec<&serde_json::Value> = rows.iter().filter(|r| r["stage"] == "award").collect();
    let cites = |id: &str| {
        should.iter().any(|r| {
            r["legal_basis"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["citations"].as_array().unwrap().iter().any(|c| c == id))
        })
    };
    assert!(cites("ISO/IEC 42001:2023") && cites("ISO/IEC TR 24027:2021") && cites("ISO/IEC 23894:2023"));
    for r in &should {
        assert_eq!(r["stage"], "award", "{r}");
        assert!(r["penalty"].is_null(), "{r}");
        for b in r["legal_basis"].as_array().unwrap() {
            assert_eq!((b["source"].as_str(), b["jurisdiction"].as_str()), (Some("guidance"), Some("")), "{b}");
            assert!(b["norm"].as_str().unwrap().starts_with("procurement.public_sector_high_safety."));
        }
    }
    // Law rows come first and say so; ids run on without a gap.
    let law: Vec<&serde_json::Value> = rows.iter().filter(|r| r["stage"] != "award").collect();
    assert!(law.iter().all(|r| r["legal_basis"].as_array().unwrap().iter().all(|b| b["source"] == "law")));
    assert_eq!(law.len() + should.len(), rows.len());
    assert_eq!(should[0]["id"], format!("S-{:03}", law.len() + 1));
    // Bias testing applies: the system profiles applicants; the buyer's duties stay law only.
    assert!(
        should
            .iter()
            .any(|r| r["legal_basis"][0]["norm"] == "procurement.public_sector_high_safety.bias_testing_in_operation")
    );
    assert!(doc["buyer_duties"].as_array().unwrap().iter().all(|r| r["stage"] != "award"));
    let md = stdout(&norma(&["requirements", "examples/procurement/benefit-eligibility.yaml"]));
    assert!(md.contains("| SHOULD | The supplier should: Hold a certified AI management system"), "{md}");
    assert!(md.contains("Good practice, not law: ISO/IEC TR 24027:2021"));
    for legal_minimum in
        ["examples/procurement/eu-employment-matching.yaml", "examples/procurement/kr-city-chatbot.yaml"]
    {
        let doc = requirements_json(legal_minimum, &[]);
        assert_eq!(doc["procurement"]["safety_level"], "legal-minimum");
        let rows = doc["requirements"].as_array().unwrap();
        assert!(
            rows.iter().all(|r| r["stage"] != "award" && r["legal_basis"][0]["source"] == "law"),
            "{legal_minimum}"
        );
        assert!(!doc.to_string().contains("public_sector_high_safety"), "{legal_minimum}");
    }
}

fn row<'a>(doc: &'a serde_json::Value, list: &str, norm: &str) -> &'a serde_json::Value {
    doc[list].as_array().unwrap().iter().find(|r| r["legal_basis"][0]["norm"] == norm).unwrap()
}

#[test]
fn rows_carry_their_lifecycle_phase_cadence_events_and_metric() {
    let doc = requirements_json("examples/procurement/benefit-eligibility.yaml", &[]);
    // EU Art. 73(2): at the latest 15 days after becoming aware of a serious incident.
    let report = row(&doc, "requirements", "eu.ai_act.serious_incident_reporting");
    assert_eq!(report["phases"], serde_json::json!(["operation"]));
    assert_eq!(report["events"][0]["event"], "common.serious_incident");
    assert_eq!(report["events"][0]["within"], "15 days");
    assert_eq!(report["submit"], serde_json::json!(["by_date", "on_event"]));
    // A re-assessment on substantial modification, and a recurring award criterion with a metric.
    let reassess = row(&doc, "requirements", "eu.ai_act.conformity_reassessment");
    assert_eq!(reassess["events"][0]["event"], "common.substantial_modification");
    let retest = row(&doc, "requirements", "procurement.public_sector_high_safety.bias_testing_in_operation");
    assert_eq!(retest["every"], "12 months");
    assert_eq!(retest["submit"], serde_json::json!(["bid", "before_award", "periodically"]));
    assert!(retest["metric"].as_str().unwrap().contains("tolerances"));
    let logs = row(&doc, "requirements", "eu.ai_act.provider_log_keeping");
    assert_eq!(logs["periods"][0]["period"], "6 months");
    assert_eq!(logs["periods"][0]["family"], "common.record_keeping");
    // Korea Art. 35(1) asks operators to endeavour: a duty of effort is SHOULD, not SHALL.
    let effort = row(&doc, "requirements", "kr.ai_basic_act.impact_assessment");
    assert_eq!((effort["level"].as_str(), effort["stage"].as_str()), (Some("SHOULD"), Some("performance")));
    assert_eq!(row(&doc, "buyer_duties", "kr.ai_basic_act.impact_assessment")["level"], "SHOULD");
    assert_eq!(row(&doc, "requirements", "kr.ai_basic_act.risk_management_plan")["level"], "SHALL");

    let md = stdout(&norma(&["requirements", "examples/procurement/benefit-eligibility.yaml"]));
    assert!(md.contains("| SHOULD | Duty of effort; the supplier shall: Endeavour to assess the impact"), "{md}");
    let section = md.split("## Lifecycle duties").nth(1).unwrap().split("## Traceability").next().unwrap();
    for expected in [
        "### Recurring duties",
        "| at least every 12 months |",
        "### Duties triggered by events",
        "| Report serious incidents to the market-surveillance authority | A serious incident | 15 days |",
        "| Report incidents to the buyer within 72 hours | A serious incident | 72 hours |",
        "| A substantial modification |",
        "### Retention periods and deadlines",
        "| Keep the documentation for ten years | Keeping documents | 10 years |",
    ] {
        assert!(section.contains(expected), "{expected} not in {section}");
    }
    let ko = stdout(&norma(&["requirements", "examples/procurement/benefit-eligibility.yaml", "--lang", "ko"]));
    assert!(ko.contains("## 생애주기 의무") && ko.contains("| 15일 |") && ko.contains("최소 12개월마다"), "{ko}");
}

#[test]
fn profile_mistakes_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    let good = fs::read_to_string("tests/procurement/equivalent/profile.yaml").unwrap();
    let cases = [
        ("  go_live: 2027-01-01", "  golive: 2027-01-01", "did you mean `go_live`?"),
        ("  go_live: 2027-01-01", "  go_live: 2027-02-30", "`2027-02-30` is not a date"),
        ("safety_level: legal-minimum", "safety_level: legal-min", "did you mean `legal-minimum`?"),
        ("type: public_body", "type: ministry", "write one of: public_body"),
        ("  contract_end: 2028-12-31", "  contract_end: 2026-12-31", "the contract ends before the go-live date"),
        (
            "  profiles_natural_persons: true",
            "  profile_natural_persons: true",
            "did you mean `system.profiles_natural_persons`?",
        ),
        ("  title: \"Fixture tender\"\n", "", "lacks title"),
    ];
    for (from, to, expected) in cases {
        assert!(good.contains(from), "{from}");
        fs::write(&path, good.replacen(from, to, 1)).unwrap();
        let o = norma(&["requirements", path.to_str().unwrap(), "--policies", "tests/procurement/equivalent"]);
        assert_eq!(o.status.code(), Some(2), "{to}");
        let err = stderr(&o);
        assert!(err.contains(expected), "{to}: {err}");
        assert!(err.contains("p.yaml:"), "located: {err}");
    }
    fs::write(&path, "system:\n  profiles_natural_persons: true\n").unwrap();
    let err = stderr(&norma(&["requirements", path.to_str().unwrap()]));
    assert!(err.contains("no `procurement` section"), "{err}");
    // High safety needs its pack among the loaded policies.
    fs::write(&path, good.replace("safety_level: legal-minimum", "safety_level: high-safety")).unwrap();
    let o = norma(&["requirements", path.to_str().unwrap(), "--policies", "tests/procurement/equivalent"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs the guidance `procurement.public_sector_high_safety`"), "{}", stderr(&o));
    fs::write(&path, good.replace("[aa, bb]", "[aa, zz]")).unwrap();
    let o = norma(&["requirements", path.to_str().unwrap(), "--policies", "tests/procurement/equivalent"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no policy covers the jurisdiction `ZZ`"), "{}", stderr(&o));
}

#[test]
fn the_json_schema_of_the_requirements_is_committed_and_current() {
    let schema = schemars::schema_for!(norma::procurement::Requirements);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = Path::new("docs/requirements.schema.json");
    if std::env::var_os("NORMA_BLESS").is_some() {
        fs::write(path, &text).unwrap();
    }
    assert_eq!(fs::read_to_string(path).unwrap_or_default(), text, "run `NORMA_BLESS=1 cargo test --test procurement`");
}
