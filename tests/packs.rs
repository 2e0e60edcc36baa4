#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! One facts file, three markets: the generative image service of `examples/gen-image-eu-kr-cn.yaml`
//! is assessed against the shipped EU, Korean and Chinese packs in one run, and the labelling
//! duties of the three laws come out side by side.

mod common;

use common::{norma, stderr, stdout};

const EXAMPLE: &str = "examples/gen-image-eu-kr-cn.yaml";

fn assess(as_of: &str) -> serde_json::Value {
    let o = norma(&["assess", "--format", "json", EXAMPLE, "--as-of", as_of]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("JSON")
}

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

/// The labelling duties of the three laws, with the status each has for the example on
/// 15 December 2026 (after the EU marking duty reached systems already on the market).
const LABELLING: &[(&str, &str, &str)] = &[
    ("EU", "eu.ai_act.synthetic_content_marking", "met"),
    ("KR", "kr.ai_basic_act.generative_output_labelling", "met"),
    ("KR", "kr.ai_basic_act.realistic_output_notice", "met"),
    ("CN", "cn.deep_synthesis.unobtrusive_label", "met"),
    ("CN", "cn.deep_synthesis.conspicuous_label", "met"),
    ("CN", "cn.generative_ai.generated_content_labelling", "met"),
    ("CN", "cn.labelling.explicit_label", "met"),
    ("CN", "cn.labelling.explicit_label_on_export", "met"),
    ("CN", "cn.labelling.implicit_label", "met"),
    ("CN", "cn.labelling.national_standard_labelling", "met"),
    ("CN", "cn.labelling.labelling_in_user_agreement", "not_met"),
];

#[test]
fn one_assessment_gives_the_eu_korean_and_chinese_labelling_duties() {
    let doc = assess("2026-12-15");
    let ids: Vec<&str> = doc["jurisdictions"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["CN", "EU", "JP", "KR", "US-CO", "US-NYC", "US-TX", "VN"]);
    for us in ["JP", "US-CO", "US-NYC", "US-TX", "VN"] {
        let j = jurisdiction(&doc, us);
        let applying: Vec<&str> = j["norms"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["status"] != "not_applicable")
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert!(applying.is_empty(), "the service is not offered in {us}: {applying:?}");
    }
    for (code, id, status) in LABELLING {
        let j = jurisdiction(&doc, code);
        let n =
            j["norms"].as_array().unwrap().iter().find(|n| n["id"] == *id).unwrap_or_else(|| panic!("{code}: no {id}"));
        assert_eq!(n["status"], *status, "{id}");
        let families: Vec<&str> =
            n["families"].as_array().unwrap().iter().map(|f| f["family"].as_str().unwrap()).collect();
        assert!(families.contains(&"common.output_labelling"), "{id} is in the labelling family: {families:?}");
    }
    // Classification in each market.
    assert_eq!(jurisdiction(&doc, "EU")["classification"]["transparency"], true);
    assert_eq!(jurisdiction(&doc, "KR")["classification"]["generative"], true);
    let cn = &jurisdiction(&doc, "CN")["classification"];
    for label in [
        "labelling_required",
        "filing_required",
        "security_assessment_required",
        "generative_ai",
        "deep_synthesis",
        "public_opinion_attributes",
    ] {
        assert_eq!(cn[label], true, "{label}");
    }
    assert_eq!(cn["out_of_scope"], false);
    // Filing within 10 working days of the launch (3 Nov 2025, filed 12 Nov 2025).
    assert_eq!(norm(&doc, "cn.algorithm_recommendation.algorithm_filing")["status"], "met");
    let filing = norm(&doc, "cn.algorithm_recommendation.algorithm_filing");
    let events = filing["lifecycle"]["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e.to_string().contains("service_launch")), "{events:?}");
    // The crosswalks from the Chinese implicit label reach the EU and Korean duties.
    let targets: Vec<&str> = norm(&doc, "cn.labelling.implicit_label")["crosswalks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["target"].as_str().unwrap())
        .collect();
    assert!(targets.contains(&"eu.ai_act.synthetic_content_marking"), "{targets:?}");
    assert!(targets.contains(&"kr.ai_basic_act.generative_output_labelling"), "{targets:?}");
}

#[test]
fn each_labelling_duty_starts_on_its_own_date() {
    // 31 Aug 2025: the Labelling Measures are not yet in force, the older Chinese duties are.
    let before = assess("2025-08-31");
    assert_eq!(norm(&before, "cn.labelling.explicit_label")["status"], "not_yet_applicable");
    assert_eq!(norm(&before, "cn.labelling.explicit_label")["applies_from"], "2025-09-01");
    assert_eq!(norm(&before, "cn.deep_synthesis.unobtrusive_label")["status"], "met");
    assert_eq!(jurisdiction(&before, "CN")["classification"]["labelling_required"], true);
    let after = assess("2025-09-01");
    assert_eq!(norm(&after, "cn.labelling.explicit_label")["status"], "met");
    // 26 Nov 2026: the EU marking duty waits for 2 Dec 2026 (Art. 111(4), as amended); Korea's
    // applies since 22 Jan 2026.
    let eu_waits = assess("2026-11-26");
    assert_eq!(norm(&eu_waits, "eu.ai_act.synthetic_content_marking")["status"], "not_yet_applicable");
    assert_eq!(norm(&eu_waits, "kr.ai_basic_act.generative_output_labelling")["status"], "met");
    assert_eq!(norm(&eu_waits, "cn.labelling.implicit_label")["status"], "met");
}

#[test]
fn a_system_not_offered_in_china_is_out_of_the_chinese_scope() {
    // The chatbot of `examples/chatbot.yaml` is offered in the EU and Korea only.
    let o = norma(&[
        "assess",
        "--format",
        "json",
        "examples/chatbot.yaml",
        "--as-of",
        "2026-11-26",
        "--jurisdiction",
        "cn",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let cn = jurisdiction(&doc, "CN");
    assert_eq!(cn["classification"]["out_of_scope"], true);
    assert_eq!(cn["classification"]["labelling_required"], false);
    assert!(cn["norms"].as_array().unwrap().iter().all(|n| n["status"] == "not_applicable"), "{cn}");
}

#[test]
fn the_chinese_pack_passes_its_tests_with_coverage() {
    let o = norma(&["test", "policies/cn", "--min-coverage", "90"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}
