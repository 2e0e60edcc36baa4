#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! The shipped example systems give the outcomes stated here, on a date in 2026 and one in 2028
//! (EU AI Act; the Korean outcomes are tested beside the Korean pack).

use std::collections::BTreeSet;

use norma::{AssessOptions, Engine};

struct Case {
    file: &'static str,
    as_of: &'static str,
    labels: &'static [(&'static str, Option<bool>)],
    norms: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        file: "examples/cv-screening.yaml",
        as_of: "2026-11-26",
        labels: &[
            ("high_risk", Some(true)),
            ("prohibited", Some(false)),
            ("out_of_scope", Some(false)),
            ("minimal", Some(false)),
        ],
        norms: &[
            ("ai_literacy", "met"),
            ("risk_management_system", "not_yet_applicable"),
            ("appoint_authorised_representative", "not_yet_applicable"),
        ],
    },
    Case {
        file: "examples/cv-screening.yaml",
        as_of: "2028-06-01",
        labels: &[("high_risk", Some(true)), ("transparency", Some(false))],
        norms: &[
            ("risk_management_system", "unknown"),
            ("appoint_authorised_representative", "unknown"),
            ("emotion_recognition_at_work", "not_applicable"),
        ],
    },
    Case {
        file: "examples/chatbot.yaml",
        as_of: "2026-11-26",
        labels: &[("transparency", Some(true)), ("gpai", Some(false)), ("minimal", Some(false))],
        norms: &[("ai_interaction_disclosure", "unknown"), ("synthetic_content_marking", "unknown")],
    },
    Case {
        file: "examples/chatbot.yaml",
        as_of: "2028-06-01",
        labels: &[("transparency", Some(true))],
        norms: &[("ai_interaction_disclosure", "unknown"), ("deployer_log_retention", "not_applicable")],
    },
    Case {
        file: "examples/credit-scoring.yaml",
        as_of: "2026-11-26",
        labels: &[("high_risk", Some(true)), ("prohibited", Some(false)), ("transparency", Some(false))],
        norms: &[
            ("ai_literacy", "met"),
            ("fundamental_rights_impact_assessment", "not_yet_applicable"),
            ("deployer_log_retention", "not_yet_applicable"),
        ],
    },
    Case {
        file: "examples/credit-scoring.yaml",
        as_of: "2028-06-01",
        labels: &[("high_risk", Some(true))],
        norms: &[
            ("deployer_log_retention", "met"),
            ("provider_log_keeping", "met"),
            ("fundamental_rights_impact_assessment", "unknown"),
        ],
    },
    Case {
        file: "examples/emotion-at-work.yaml",
        as_of: "2026-11-26",
        labels: &[("prohibited", Some(true)), ("high_risk", Some(true))],
        norms: &[("emotion_recognition_at_work", "violated"), ("workplace_information", "not_yet_applicable")],
    },
    Case {
        file: "examples/emotion-at-work.yaml",
        as_of: "2028-06-01",
        labels: &[("prohibited", Some(true))],
        norms: &[("emotion_recognition_at_work", "violated"), ("workplace_information", "unknown")],
    },
    Case {
        file: "examples/foundation-model.yaml",
        as_of: "2026-11-26",
        labels: &[
            ("gpai", Some(true)),
            ("gpai_systemic_risk", Some(true)),
            ("high_risk", Some(false)),
            ("out_of_scope", Some(false)),
        ],
        norms: &[
            ("gpai_technical_documentation", "unknown"),
            ("systemic_risk_model_evaluation", "unknown"),
            ("synthetic_content_marking", "not_yet_applicable"),
        ],
    },
    Case {
        file: "examples/foundation-model.yaml",
        as_of: "2028-06-01",
        labels: &[("gpai_systemic_risk", Some(true))],
        norms: &[("gpai_authorised_representative", "unknown"), ("synthetic_content_marking", "unknown")],
    },
];

#[test]
fn examples_give_their_stated_outcomes() {
    let mut engine = Engine::embedded().map_err(|_| "policies have errors").unwrap();
    let mut failures = Vec::new();
    for case in CASES {
        let text = std::fs::read_to_string(case.file).unwrap();
        let facts =
            engine.load_facts(case.file, &text).map_err(|d| format!("{}: {} problems", case.file, d.len())).unwrap();
        let mut options = AssessOptions::new(norma::facts::parse_date(case.as_of).unwrap());
        options.jurisdictions = BTreeSet::from(["EU".to_string()]);
        let a = engine.assess(&facts, &options);
        let eu = &a.jurisdictions[0];
        for (label, want) in case.labels {
            let got = eu.classification.get(*label).copied().flatten();
            if got != *want {
                failures.push(format!("{} {}: {label} is {got:?}, expected {want:?}", case.file, case.as_of));
            }
        }
        for (norm, want) in case.norms {
            let id = format!("eu.ai_act.{norm}");
            match eu.norms.iter().find(|n| n.id == id) {
                Some(n) if n.status == *want => {}
                Some(n) => {
                    failures.push(format!("{} {}: {norm} is {}, expected {want}", case.file, case.as_of, n.status))
                }
                None => failures.push(format!("{} {}: no norm {norm}", case.file, case.as_of)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn five_example_systems_are_shipped() {
    let files: BTreeSet<&str> = CASES.iter().map(|c| c.file).collect();
    assert_eq!(files.len(), 5);
}

#[test]
fn a_korean_example_reads_in_korean_for_both_laws() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_norma"))
        .args([
            "assess",
            "examples/kr-hiring-screening.yaml",
            "--jurisdiction",
            "eu,kr",
            "--lang",
            "ko",
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = doc["jurisdictions"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["EU", "KR"]);
    let kr = &doc["jurisdictions"][1];
    assert_eq!(kr["classification"]["high_impact"], true);
    assert_eq!(kr["classification"]["generative"], false);
    let notice = kr["norms"].as_array().unwrap().iter().find(|n| n["id"] == "kr.ai_basic_act.advance_notice").unwrap();
    assert_eq!(notice["title"], "고영향·생성형 인공지능 이용 사실의 사전 고지");
    assert_eq!(notice["status"], "met");
    assert!(doc["notice"].as_str().unwrap().contains("법률 자문이 아닙니다"));
    assert!(
        doc["jurisdictions"][0]["classification"]["high_risk"].is_boolean(),
        "the EU classification is decided too"
    );
}

/// A Korean example: its file, labels expected, and norm statuses expected.
type KoreanCase = (&'static str, &'static [(&'static str, bool)], &'static [(&'static str, &'static str)]);

#[test]
fn korean_examples_give_their_outcomes() {
    let mut engine = Engine::embedded().map_err(|_| "policies have errors").unwrap();
    let cases: &[KoreanCase] = &[
        (
            "examples/kr-hiring-screening.yaml",
            &[("high_impact", true), ("generative", false)],
            &[("risk_management_plan", "met")],
        ),
        (
            "examples/kr-city-chatbot.yaml",
            &[("generative", true), ("high_impact", false)],
            &[("generative_output_labelling", "met")],
        ),
        (
            "examples/kr-foreign-generative.yaml",
            &[("generative", true), ("domestic_representative_required", true)],
            &[("domestic_representative", "met")],
        ),
    ];
    for (file, labels, norms) in cases {
        let text = std::fs::read_to_string(file).unwrap();
        let facts = engine.load_facts(file, &text).map_err(|_| format!("{file} has problems")).unwrap();
        let mut options = AssessOptions::new(norma::facts::parse_date("2026-11-26").unwrap());
        options.jurisdictions = BTreeSet::from(["KR".to_string()]);
        let a = engine.assess(&facts, &options);
        let kr = &a.jurisdictions[0];
        for (label, want) in *labels {
            assert_eq!(kr.classification.get(*label).copied().flatten(), Some(*want), "{file}: {label}");
        }
        for (norm, want) in *norms {
            let n = kr.norms.iter().find(|n| n.id == format!("kr.ai_basic_act.{norm}")).unwrap();
            assert_eq!(n.status, *want, "{file}: {norm}");
        }
    }
}
