#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! The Vietnamese and Japanese packs, run as a user runs them: `examples/assistant-vn-jp.yaml`, a
//! generative assistant offered in Japan and Vietnam, assessed on the dates where Vietnam changes
//! statute (the Digital Technology Industry Law's AI chapter from 1 January 2026, the AI Law from
//! 1 March 2026, the end of the AI Law's transition on 1 March 2027), and Japan's AI Promotion Act
//! reported as informative.

use serde_json::Value;

mod common;

use common::{norma, stderr, stdout};

const EXAMPLE: &str = "examples/assistant-vn-jp.yaml";

fn assess(as_of: &str, jurisdictions: &str) -> Value {
    let o = norma(&["assess", EXAMPLE, "--as-of", as_of, "--jurisdiction", jurisdictions, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("valid JSON")
}

fn jurisdiction<'a>(doc: &'a Value, code: &str) -> &'a Value {
    doc["jurisdictions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == code)
        .unwrap_or_else(|| panic!("no jurisdiction {code}"))
}

fn norm<'a>(doc: &'a Value, code: &str, id: &str) -> &'a Value {
    jurisdiction(doc, code)["norms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
        .unwrap_or_else(|| panic!("no norm {id} in {code}"))
}

fn status(doc: &Value, code: &str, id: &str) -> String {
    norm(doc, code, id)["status"].as_str().unwrap().to_string()
}

#[test]
fn one_run_gives_vietnam_and_japan_and_nothing_elsewhere() {
    let doc = assess("2026-03-01", "vn,jp");
    let codes: Vec<&str> = doc["jurisdictions"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert_eq!(codes, ["JP", "VN"]);
    assert_eq!(jurisdiction(&doc, "VN")["instruments"], serde_json::json!(["vn.ai_law", "vn.dti_law"]));
    assert_eq!(jurisdiction(&doc, "JP")["instruments"], serde_json::json!(["jp.ai_promotion_act"]));
    let vn = &jurisdiction(&doc, "VN")["classification"];
    assert_eq!(vn["out_of_scope"], false);
    assert_eq!(
        (&vn["high_risk"], &vn["medium_risk"], &vn["low_risk"]),
        (&Value::Bool(false), &Value::Bool(true), &Value::Bool(false))
    );
    assert_eq!(jurisdiction(&doc, "JP")["classification"]["out_of_scope"], false);
    let all = assess("2026-03-01", "all");
    for other in ["CN", "EU", "KR", "US-CO", "US-NYC", "US-TX"] {
        let j = jurisdiction(&all, other);
        assert_eq!(j["classification"]["out_of_scope"], true, "{other}");
        assert!(j["norms"].as_array().unwrap().iter().all(|n| n["status"] == "not_applicable"), "{other}");
    }
}

#[test]
fn vietnam_applies_the_digital_technology_industry_law_in_january_and_february_2026_only() {
    for (as_of, dti) in [
        ("2025-12-31", "not_yet_applicable"),
        ("2026-01-01", "met"),
        ("2026-02-28", "met"),
        ("2026-03-01", "not_applicable"),
    ] {
        let doc = assess(as_of, "vn");
        assert_eq!(status(&doc, "VN", "vn.dti_law.ai_interaction_notice"), dti, "{as_of}");
    }
    let ended = norm(&assess("2026-03-01", "vn"), "VN", "vn.dti_law.ai_interaction_notice").clone();
    assert_eq!(ended["why"], "ended");
    assert_eq!(ended["applies_until"], "2026-03-01");
    let january = assess("2026-01-15", "vn");
    assert_eq!(status(&january, "VN", "vn.dti_law.ai_principles"), "unknown", "principles are not judged");
    assert_eq!(status(&january, "VN", "vn.ai_law.ai_interaction_disclosure"), "not_yet_applicable");
}

#[test]
fn the_ai_law_starts_on_1_march_2026_with_a_transition_for_systems_already_in_operation() {
    let march = assess("2026-03-01", "vn");
    let provenance = march["provenance"]["instruments"].as_array().unwrap();
    let ai_law = provenance.iter().find(|i| i["id"] == "vn.ai_law").unwrap();
    assert_eq!(ai_law["in_force"], "2026-03-01");
    assert_eq!(ai_law["informative"], false);
    // The prohibitions apply at once; the assistant does none of the prohibited acts.
    let deceptive = norm(&march, "VN", "vn.ai_law.deceptive_simulation");
    assert_eq!(
        (deceptive["status"].as_str(), deceptive["why"].as_str()),
        (Some("not_applicable"), Some("condition_false"))
    );
    // In operation since September 2025, outside health care, education and finance: 12 months.
    for id in [
        "risk_self_classification",
        "classification_notification",
        "ai_interaction_disclosure",
        "machine_readable_marking",
    ] {
        let n = norm(&march, "VN", &format!("vn.ai_law.{id}"));
        assert_eq!(n["status"], "not_yet_applicable", "{id}");
        assert_eq!(n["applies_from"], "2027-03-01", "{id}");
    }
    assert_eq!(status(&assess("2027-02-28", "vn"), "VN", "vn.ai_law.ai_interaction_disclosure"), "not_yet_applicable");
    let after = assess("2027-03-01", "vn");
    for (id, expected) in [
        ("risk_self_classification", "met"),
        ("classification_dossier", "met"),
        ("classification_notification", "not_met"),
        ("ai_interaction_disclosure", "met"),
        ("machine_readable_marking", "met"),
        ("deepfake_label", "not_applicable"),
        ("public_sector_impact_assessment", "not_applicable"),
    ] {
        assert_eq!(status(&after, "VN", &format!("vn.ai_law.{id}")), expected, "{id}");
    }
    let notification = norm(&after, "VN", "vn.ai_law.classification_notification");
    assert!(
        notification["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().starts_with("UNVERIFIED")),
        "the unverified transition shows in the report: {notification}"
    );
}

#[test]
fn japan_is_reported_as_informative() {
    for (as_of, expected) in [("2025-06-03", "not_yet_applicable"), ("2025-06-04", "met")] {
        assert_eq!(
            status(&assess(as_of, "jp"), "JP", "jp.ai_promotion_act.cooperation_with_measures"),
            expected,
            "{as_of}"
        );
    }
    let doc = assess("2026-03-01", "jp");
    let act =
        doc["provenance"]["instruments"].as_array().unwrap().iter().find(|i| i["id"] == "jp.ai_promotion_act").unwrap();
    assert_eq!(act["informative"], true);
    let jp = jurisdiction(&doc, "JP");
    assert!(jp["norms"].as_array().unwrap().iter().all(|n| n["informative"] == true));
    let effort = norm(&doc, "JP", "jp.ai_promotion_act.active_utilisation");
    assert_eq!(effort["status"], "unknown");
    assert_eq!(effort["lifecycle"]["effort"], true);
    assert_eq!(effort["penalty"], Value::Null);

    // An informative norm never fails the gate; Vietnam's missing notification does.
    let gate = |j: &str, as_of: &str| {
        norma(&["assess", EXAMPLE, "--as-of", as_of, "--jurisdiction", j, "--fail-on", "not_met,unknown"]).status.code()
    };
    assert_eq!(gate("jp", "2026-03-01"), Some(0));
    assert_eq!(gate("vn", "2027-03-01"), Some(1));

    let md = norma(&["assess", EXAMPLE, "--as-of", "2026-03-01", "--jurisdiction", "jp", "--format", "md"]);
    let md = stdout(&md);
    assert!(md.contains("- Informative law: every instrument assessed here is a promotion law"), "{md}");
    assert!(md.contains("| unknown (informative) |"), "{md}");
    let ko = stdout(&norma(&[
        "assess",
        EXAMPLE,
        "--as-of",
        "2026-03-01",
        "--jurisdiction",
        "jp",
        "--format",
        "html",
        "--lang",
        "ko",
    ]));
    assert!(ko.contains("<b>정보 제공용 법</b>"), "{ko}");
    let junit = stdout(&norma(&[
        "assess",
        EXAMPLE,
        "--as-of",
        "2026-03-01",
        "--jurisdiction",
        "jp",
        "--format",
        "junit",
        "--fail-on",
        "unknown",
    ]));
    assert!(junit.contains("failures=\"0\""), "{junit}");
    let sarif: Value = serde_json::from_str(&stdout(&norma(&[
        "assess",
        EXAMPLE,
        "--as-of",
        "2026-03-01",
        "--jurisdiction",
        "jp",
        "--format",
        "sarif",
    ])))
    .unwrap();
    let levels: Vec<&str> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["note"], "the undecided duty of effort is a note");
}

#[test]
fn a_tender_levels_the_informative_duties_should_and_the_vietnamese_ones_shall() {
    // The city-chatbot tender, bought for Japan and Vietnam instead.
    let profile = std::fs::read_to_string("examples/procurement/kr-city-chatbot.yaml").unwrap();
    let start = profile.find("jurisdictions:").unwrap();
    let end = start + profile[start..].find('\n').unwrap();
    let profile = format!("{}jurisdictions: [jp, vn]{}", &profile[..start], &profile[end..]).replacen(
        "deployment:\n",
        "deployment:\n  offered_in_japan: true\n  offered_in_vietnam: true\n",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.yaml");
    std::fs::write(&path, profile).unwrap();
    let o = norma(&["requirements", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = doc["requirements"].as_array().unwrap();
    let level = |norm: &str| {
        let row = rows
            .iter()
            .find(|r| r["legal_basis"].as_array().unwrap().iter().any(|b| b["norm"] == norm))
            .unwrap_or_else(|| panic!("no row for {norm}"));
        (row["level"].as_str().unwrap().to_string(), row["informative"].as_bool().unwrap())
    };
    assert_eq!(level("jp.ai_promotion_act.cooperation_with_measures"), ("SHOULD".into(), true));
    assert_eq!(level("vn.ai_law.ai_interaction_disclosure"), ("SHALL".into(), false));
    let md = stdout(&norma(&["requirements", path.to_str().unwrap()]));
    assert!(
        md.contains("| SHOULD | Informative law, no penalty; the supplier is expected to: Cooperate with the measures"),
        "{md}"
    );
    assert!(md.contains("Rows that say \"informative law\" rest on a promotion law"), "{md}");
}
