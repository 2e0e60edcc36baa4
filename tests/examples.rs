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
