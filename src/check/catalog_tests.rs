//! The checker against catalogs of standards: unknown standards and clauses, confidence words,
//! items out of place, and the catalog recorded in the checked policy.

use crate::diagnostics::Diagnostic;
use crate::source::Sources;

const CATALOG: &str = r#"catalog std.demo
  title en "Demo"
  title ko "예시"
  standard "ISO/IEC 42001:2023"
  kind management_system
  certifiable
  edition "1st edition"

item "A.6.2.8"
  title en "Recording of event logs"
  title ko "이벤트 로그 기록"

item "6.1.2"
  title en "AI risk assessment"
  title ko "AI 리스크 평가"
"#;

fn rules(extra: &str) -> String {
    format!(
        "instrument t\n  title en \"T\"\n  title ko \"T\"\n  jurisdiction EU\n\nrole r\n  title en \"R\"\n  title ko \"R\"\n\nobligation n\n  cite \"Art. 12\"\n  binds r\n  from 2026-08-02\n  title en \"N\"\n  title ko \"N\"\n{extra}"
    )
}

fn run(extra: &str) -> (crate::model::Policy, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    sources.add("std.norma", CATALOG);
    sources.add("t.norma", rules(extra));
    crate::check_sources(&sources)
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn a_known_clause_checks_clean_and_the_catalog_is_recorded() {
    let (policy, d) = run("  standard \"ISO/IEC 42001:2023\" clause \"A.6.2.8\" relation partial confidence high\n");
    assert_eq!(codes(&d), Vec::<&str>::new());
    let catalog = policy.catalog("ISO/IEC 42001:2023").unwrap();
    assert!(catalog.certifiable);
    assert_eq!(catalog.kind.as_deref(), Some("management_system"));
    assert_eq!(catalog.items.len(), 2);
    assert!(policy.catalog_item("ISO/IEC 42001:2023", "6.1.2").is_some());
    let n = policy.items.iter().find(|i| i.name == "n").unwrap();
    assert_eq!(n.standards[0].confidence.as_deref(), Some("high"));
}

#[test]
fn an_unknown_clause_gets_a_suggestion() {
    let (_, d) = run("  standard \"ISO/IEC 42001:2023\" clause \"A.6.2.9\"\n");
    assert_eq!(codes(&d), vec!["N0112"]);
    assert!(d[0].help.as_deref().unwrap().contains("did you mean `A.6.2.8`?"));
}

#[test]
fn another_edition_of_a_catalogued_standard_is_unknown() {
    for reference in ["ISO/IEC 42001:2022", "ISO/IEC 42001", "ISO/EIC 42001:2023"] {
        let (_, d) = run(&format!("  crosswalk standard \"{reference}\" clause \"A.6.2.8\" relation partial\n"));
        assert_eq!(codes(&d), vec!["N0111"], "{reference}");
        assert!(d[0].help.as_deref().unwrap().contains("did you mean `ISO/IEC 42001:2023`?"));
    }
}

#[test]
fn a_standard_without_a_catalog_is_recorded_unchecked() {
    let (policy, d) = run("  standard \"GB 45438-2025\" clause \"4.1\" relation partial\n");
    assert_eq!(codes(&d), Vec::<&str>::new());
    assert!(policy.catalog("GB 45438-2025").is_none());
    let (_, d) = run("  standard \"ISO/IEC 42005:2025\" relation related\n");
    assert_eq!(codes(&d), Vec::<&str>::new(), "a different number is another standard");
}

#[test]
fn a_bad_confidence_gets_a_suggestion() {
    let (_, d) = run("  crosswalk standard \"ISO/IEC 42001:2023\" clause \"6.1.2\" relation partial confidence hihg\n");
    assert_eq!(codes(&d), vec!["N0904"]);
    assert!(d[0].help.as_deref().unwrap().contains("did you mean `high`?"));
}

#[test]
fn a_crosswalk_declaration_is_checked_too() {
    let extra = "\ncrosswalk n to standard \"ISO/IEC 42001:2023\" clause \"A.6.2.7\" relation same confidence low\n";
    let (policy, d) = run(extra);
    let mut c = codes(&d);
    c.sort_unstable();
    assert_eq!(c, vec!["N0112", "N0904"]);
    assert_eq!(policy.crosswalks[0].confidence.as_deref(), Some("low"));
}

#[test]
fn items_belong_in_catalogs_and_catalogs_hold_only_items() {
    let (_, d) = run("\nitem \"1\"\n  title en \"I\"\n  title ko \"I\"\n");
    assert_eq!(codes(&d), vec!["N0108"]);
    let mut sources = Sources::new();
    sources.add("std.norma", format!("{CATALOG}\nrole r\n  title en \"R\"\n  title ko \"R\"\n\nitem \"6.1.2\"\n  title en \"T\"\n  title ko \"T\"\n"));
    let (_, d) = crate::check_sources(&sources);
    let mut c = codes(&d);
    c.sort_unstable();
    assert_eq!(c, vec!["N0108", "N0301"]);
}

#[test]
fn a_catalog_needs_its_standard_and_kind() {
    let mut sources = Sources::new();
    sources.add("std.norma", "catalog std.bare\n  title en \"B\"\n  title ko \"B\"\n  kind leaflet\n");
    let (policy, d) = crate::check_sources(&sources);
    let mut c = codes(&d);
    c.sort_unstable();
    assert_eq!(c, vec!["N0902", "N0904"]);
    assert!(policy.catalogs.is_empty());
}
