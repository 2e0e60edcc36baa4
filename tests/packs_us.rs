#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! The United States packs, run as a user runs them: `examples/us-hiring.yaml`, a résumé screener
//! used to hire in New York City and Colorado, assessed with `--format json` the day before and
//! the day Colorado's SB 26-189 takes effect (1 January 2027), and the freshness of the NYC bias
//! audit.

use std::fs;

use serde_json::Value;

mod common;

use common::{norma, stderr, stdout};

const EXAMPLE: &str = "examples/us-hiring.yaml";

fn assess(facts: &str, as_of: &str, jurisdictions: &str) -> Value {
    let o = norma(&["assess", facts, "--as-of", as_of, "--jurisdiction", jurisdictions, "--format", "json"]);
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
fn the_jurisdiction_filter_takes_the_us_codes() {
    let doc = assess(EXAMPLE, "2026-12-31", "us-co,us-nyc");
    let codes: Vec<&str> = doc["jurisdictions"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert_eq!(codes, ["US-CO", "US-NYC"]);
    assert_eq!(jurisdiction(&doc, "US-CO")["instruments"], serde_json::json!(["us.co.sb24_205", "us.co.sb26_189"]));
    let tx = assess(EXAMPLE, "2026-12-31", "us-tx");
    assert_eq!(jurisdiction(&tx, "US-TX")["classification"]["out_of_scope"], true, "no hiring in Texas");
    assert!(jurisdiction(&tx, "US-TX")["norms"].as_array().unwrap().iter().all(|n| n["status"] == "not_applicable"));
}

#[test]
fn on_31_december_2026_colorado_applies_sb_24_205_and_sb_26_189_is_not_yet_in_force() {
    let doc = assess(EXAMPLE, "2026-12-31", "us-co,us-nyc");
    let co = jurisdiction(&doc, "US-CO");
    assert_eq!(co["classification"]["high_risk"], true);
    assert_eq!(co["classification"]["covered_admt"], true);
    assert_eq!(co["classification"]["out_of_scope"], false);
    for (id, expected) in [
        ("us.co.sb24_205.risk_management_program", "met"),
        ("us.co.sb24_205.impact_assessment", "not_met"),
        ("us.co.sb24_205.consumer_notice", "met"),
        ("us.co.sb24_205.deployer_reasonable_care", "unknown"),
        ("us.co.sb24_205.developer_deployer_documentation", "not_applicable"),
        ("us.co.sb26_189.pre_use_notice", "not_yet_applicable"),
        ("us.co.sb26_189.adverse_outcome_disclosure", "not_yet_applicable"),
        ("us.co.sb26_189.correction_and_human_review", "not_yet_applicable"),
        ("us.co.sb26_189.deployer_records", "not_yet_applicable"),
    ] {
        assert_eq!(status(&doc, "US-CO", id), expected, "{id}");
    }
    let notice = norm(&doc, "US-CO", "us.co.sb24_205.consumer_notice");
    assert_eq!(notice["applies_from"], "2026-06-30", "the date SB 25B-004 set");
    assert_eq!(notice["applies_until"], "2027-01-01");
    assert_eq!(norm(&doc, "US-CO", "us.co.sb26_189.pre_use_notice")["applies_from"], "2027-01-01");
}

#[test]
fn on_1_january_2027_sb_24_205_has_ended_and_sb_26_189_applies() {
    let doc = assess(EXAMPLE, "2027-01-01", "us-co,us-nyc");
    let co = jurisdiction(&doc, "US-CO");
    assert_eq!(co["classification"]["high_risk"], false, "the term is gone with SB 24-205");
    assert_eq!(co["classification"]["covered_admt"], true);
    for id in [
        "us.co.sb24_205.risk_management_program",
        "us.co.sb24_205.impact_assessment",
        "us.co.sb24_205.consumer_notice",
        "us.co.sb24_205.deployer_reasonable_care",
    ] {
        let n = norm(&doc, "US-CO", id);
        assert_eq!(n["status"], "not_applicable", "{id}");
        assert_eq!(n["why"], "ended", "{id}");
        assert!(n["notes"][0].as_str().unwrap().starts_with("Superseded"), "{id}: the report says why: {}", n["notes"]);
    }
    for (id, expected) in [
        ("us.co.sb26_189.pre_use_notice", "met"),
        ("us.co.sb26_189.adverse_outcome_disclosure", "met"),
        ("us.co.sb26_189.correction_and_human_review", "not_met"),
        ("us.co.sb26_189.deployer_records", "met"),
        ("us.co.sb26_189.developer_documentation", "not_applicable"),
    ] {
        assert_eq!(status(&doc, "US-CO", id), expected, "{id}");
    }
    let versions: Vec<&str> = doc["provenance"]["instruments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"].as_str().unwrap().starts_with("us.co."))
        .map(|i| i["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["sb25b_004", "enacted"]);
}

#[test]
fn new_york_city_results_hold_on_both_dates() {
    for as_of in ["2026-12-31", "2027-01-01"] {
        let doc = assess(EXAMPLE, as_of, "us-co,us-nyc");
        let nyc = jurisdiction(&doc, "US-NYC");
        assert_eq!(nyc["classification"]["aedt"], true, "{as_of}");
        assert_eq!(nyc["classification"]["out_of_scope"], false, "{as_of}");
        for id in [
            "us.nyc.ll144.bias_audit",
            "us.nyc.ll144.audit_summary_publication",
            "us.nyc.ll144.candidate_notice",
            "us.nyc.ll144.data_information_on_request",
        ] {
            assert_eq!(status(&doc, "US-NYC", id), "met", "{id} on {as_of}");
        }
    }
}

#[test]
fn a_six_month_old_bias_audit_is_fresh_and_a_thirteen_month_old_one_is_stale() {
    // The example's audit is dated 1 July 2026: six months old on 1 January 2027, thirteen on
    // 1 August 2027.
    let fresh = assess(EXAMPLE, "2027-01-01", "us-nyc");
    let audit = norm(&fresh, "US-NYC", "us.nyc.ll144.bias_audit");
    assert_eq!(audit["status"], "met");
    assert_eq!(audit["evidence"][0]["state"], "fresh");
    assert_eq!(audit["evidence"][0]["valid_until"], "2027-07-01");
    let stale = assess(EXAMPLE, "2027-08-01", "us-nyc");
    let audit = norm(&stale, "US-NYC", "us.nyc.ll144.bias_audit");
    assert_eq!(audit["status"], "not_met");
    assert_eq!(audit["evidence"][0]["state"], "stale");
    assert_eq!(status(&stale, "US-NYC", "us.nyc.ll144.candidate_notice"), "met", "notices do not go stale");

    // The same on one date, with the audit's date moved: thirteen months old is stale, six is fresh.
    let text = fs::read_to_string(EXAMPLE).unwrap();
    assert!(text.contains("    date: 2026-07-01\n"), "the example's audit date");
    let dir = tempfile::tempdir().unwrap();
    for (audit_date, expected) in [("2025-11-30", "not_met"), ("2026-06-30", "met")] {
        let path = dir.path().join(format!("audit-{audit_date}.yaml"));
        fs::write(&path, text.replacen("    date: 2026-07-01\n", &format!("    date: {audit_date}\n"), 1)).unwrap();
        let doc = assess(path.to_str().unwrap(), "2026-12-31", "us-nyc");
        assert_eq!(status(&doc, "US-NYC", "us.nyc.ll144.bias_audit"), expected, "audit of {audit_date}");
    }
}

fn codes(doc: &Value) -> Vec<&str> {
    doc["jurisdictions"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap()).collect()
}

#[test]
fn a_country_code_selects_its_state_and_city_packs_and_all_selects_every_pack() {
    let us = assess(EXAMPLE, "2026-12-15", "us");
    assert_eq!(codes(&us), ["US-CO", "US-NYC", "US-TX"]);
    let mixed = assess(EXAMPLE, "2026-12-15", "us-nyc,eu");
    assert_eq!(codes(&mixed), ["EU", "US-NYC"]);
    let all = assess(EXAMPLE, "2026-12-15", "all");
    let every = codes(&all);
    for code in ["CN", "EU", "JP", "KR", "US-CO", "US-NYC", "US-TX", "VN"] {
        assert!(every.contains(&code), "{code} missing from {every:?}");
    }
    let o = norma(&["assess", EXAMPLE, "--as-of", "2026-12-15", "--jurisdiction", "u"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no policy covers the jurisdiction `u`; known: CN, EU, JP, KR, US-CO"),
        "{}",
        stderr(&o)
    );
}
