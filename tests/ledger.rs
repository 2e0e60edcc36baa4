#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! `norma ledger` as a user runs it, and the committed ledgers under `docs/policies/`: each must be
//! exactly what the command generates from the shipped policies. Run with `NORMA_BLESS=1` to
//! regenerate them (and `docs/ledger.schema.json`) after reviewing a change.

mod common;

use std::fs;
use std::path::Path;

use common::{norma, stderr, stdout};

/// Every shipped instrument, as the JSON ledger lists them.
fn instruments() -> Vec<String> {
    let o = norma(&["ledger", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    doc["instruments"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

/// The committed ledger of an instrument: `eu.ai_act` is `docs/policies/eu-ai-act.md`.
fn ledger_file(instrument: &str) -> String {
    format!("docs/policies/{}.md", instrument.replace(['.', '_'], "-"))
}

#[test]
fn every_instrument_has_a_committed_ledger_and_it_is_current() {
    let mut stale = Vec::new();
    for instrument in instruments() {
        let file = ledger_file(&instrument);
        let o = norma(&["ledger", "--instrument", &instrument]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let generated = stdout(&o);
        if std::env::var_os("NORMA_BLESS").is_some() {
            fs::write(&file, &generated).unwrap();
        }
        if fs::read_to_string(&file).unwrap_or_default() != generated {
            stale.push(format!("cargo run -- ledger --instrument {instrument} --out {file}"));
        }
    }
    assert!(stale.is_empty(), "the committed ledgers are out of date; regenerate them with:\n{}", stale.join("\n"));
}

#[test]
fn the_json_schema_of_the_ledger_is_committed_and_current() {
    let schema = schemars::schema_for!(norma::ledger::Ledger);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = Path::new("docs/ledger.schema.json");
    if std::env::var_os("NORMA_BLESS").is_some() {
        fs::write(path, &text).unwrap();
    }
    assert_eq!(fs::read_to_string(path).unwrap_or_default(), text, "run `NORMA_BLESS=1 cargo test --test ledger`");
}

#[test]
fn the_json_ledger_of_every_instrument_validates_against_the_schema() {
    let o = norma(&["ledger", "--format", "json", "--lang", "ko"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string("docs/ledger.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(doc["schema"], "norma.ledger/v1");
    let ids: Vec<&str> = doc["instruments"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    for shipped in ["eu.ai_act", "kr.ai_basic_act", "cn.generative_ai", "cn.labelling"] {
        assert!(ids.contains(&shipped), "{shipped} missing from {ids:?}");
    }
    assert!(ids.is_sorted(), "{ids:?}");
}

#[test]
fn an_unknown_instrument_exits_2_with_a_suggestion() {
    let o = norma(&["ledger", "--instrument", "eu.ai_akt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no instrument `eu.ai_akt` is among the loaded policies; did you mean `eu.ai_act`?"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn the_ledger_is_written_to_a_file_in_korean() {
    let dir = std::env::temp_dir().join(format!("norma-ledger-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let out = dir.join("kr.md");
    let o = norma(&["ledger", "--instrument", "kr.ai_basic_act", "--lang", "ko", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("# 조문 대장: 인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"), "{text}");
    assert!(text.contains("| 조문 | 상태 | 규칙 | 테스트 | 주석 | 검증 |"), "{text}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_policy_folder_gives_its_own_ledger() {
    let o = norma(&["ledger", "--policies", "tests/check/good", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(doc["instruments"].as_array().is_some());
}
