use super::*;
use crate::source::Sources;
use crate::value::{Duration, TimeUnit, Value};

fn policy() -> (Sources, Policy) {
    let mut sources = Sources::new();
    crate::embedded::add_to(&mut sources);
    let (policy, diags) = crate::check_sources(&sources);
    assert!(diags.is_empty());
    (sources, policy)
}

fn load_text(text: &str) -> Result<Facts, Vec<Diagnostic>> {
    let (mut sources, policy) = policy();
    let file = sources.add("facts.yaml", text);
    load(&sources, file, &policy)
}

fn fact(policy: &Policy, name: &str) -> FactId {
    FactId(policy.facts.iter().position(|f| f.name == name).expect("fact") as u32)
}

fn codes(r: Result<Facts, Vec<Diagnostic>>) -> Vec<&'static str> {
    r.err().unwrap_or_default().iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn every_type_is_read() {
    let (mut sources, policy) = policy();
    let text = "system:\n  name: Screener\n  use_cases: [recruitment_selection, credit_scoring]\n  profiles_natural_persons: true\n  placed_on_market: 2026-03-01\n  training_compute: 3e24\n  emotion_inference_purpose: medical\n  detects_decision_patterns: null\norganisation:\n  prior_year_revenue: KRW 1_000_000\n  kr_average_daily_users: 12000\ndeployment.log_retention: 6 months\nevidence:\n  risk_management_documentation:\n    reference: RM-1\n    date: 2026-05-01\n    expires: 2027-05-01\n  ai_literacy_programme: false\n";
    let file = sources.add("facts.yaml", text);
    let facts = load(&sources, file, &policy).expect("valid");
    assert_eq!(facts.get(fact(&policy, "system.name")), &Value::Text("Screener".into()));
    assert!(matches!(facts.get(fact(&policy, "system.use_cases")), Value::Set(_, s) if s.len() == 2));
    assert_eq!(facts.get(fact(&policy, "system.profiles_natural_persons")), &Value::Bool(true));
    assert_eq!(facts.get(fact(&policy, "system.placed_on_market")), &Value::Date(jiff::civil::date(2026, 3, 1)));
    assert_eq!(facts.get(fact(&policy, "system.training_compute")), &Value::Number(3e24, Some("FLOP".into())));
    assert_eq!(facts.get(fact(&policy, "organisation.prior_year_revenue")), &Value::Number(1e6, Some("KRW".into())));
    assert_eq!(
        facts.get(fact(&policy, "deployment.log_retention")),
        &Value::Duration(Duration::of(6, TimeUnit::Months))
    );
    assert_eq!(facts.get(fact(&policy, "system.detects_decision_patterns")), &Value::Unknown);
    assert!(facts.declined.contains(&fact(&policy, "system.detects_decision_patterns")));
    assert_eq!(facts.evidence.len(), 2);
    assert_eq!(facts.get(fact(&policy, "system.infers_emotions")), &Value::Unknown, "missing is unknown");
}

#[test]
fn an_unknown_key_gets_a_suggestion_and_a_place() {
    let (mut sources, policy) = policy();
    let file = sources.add("facts.yaml", "system:\n  use_case: [recruitment_selection]\n");
    let diags = load(&sources, file, &policy).expect_err("error");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code.as_str(), "N2002");
    assert_eq!(sources.location(diags[0].span.expect("span")), "facts.yaml:2:3");
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `system.use_cases`?"));
}

#[test]
fn wrong_types_and_values_name_what_is_allowed() {
    assert_eq!(codes(load_text("system:\n  profiles_natural_persons: yes\n")), vec!["N2003"]);
    assert_eq!(codes(load_text("system:\n  use_cases: recruitment_selection\n")), vec!["N2003"]);
    let r = load_text("system:\n  use_cases: [recruitment_selecton]\n");
    let d = r.expect_err("error");
    assert_eq!(d[0].code.as_str(), "N2004");
    assert!(
        d[0].help.as_deref().is_some_and(|h| h.starts_with("did you mean `recruitment_selection`?")),
        "{:?}",
        d[0].help
    );
    assert_eq!(codes(load_text("system:\n  placed_on_market: 2026-02-30\n")), vec!["N2004"]);
    assert_eq!(codes(load_text("organisation:\n  kr_average_daily_users: 1.5\n")), vec!["N2004"]);
    assert_eq!(codes(load_text("organisation:\n  prior_year_revenue: EUR 5\n")), vec!["N2004"]);
    assert_eq!(codes(load_text("deployment:\n  log_retention: 6\n")), vec!["N2003"]);
    assert_eq!(codes(load_text("deployment:\n  log_retention: six months\n")), vec!["N2004"]);
}

#[test]
fn several_problems_are_reported_together() {
    let r = load_text("system:\n  use_case: [x]\n  profiles_natural_persons: 3\norganisation: 5\n");
    assert_eq!(codes(r), vec!["N2002", "N2003", "N2003"]);
}

#[test]
fn evidence_records_are_checked() {
    assert_eq!(codes(load_text("evidence:\n  risk_management_documentation:\n    reference: R\n")), vec!["N2005"]);
    assert_eq!(
        codes(load_text("evidence:\n  risk_management_documentation:\n    reference: R\n    dated: 2026-01-01\n")),
        vec!["N2005"]
    );
    assert_eq!(codes(load_text("evidence:\n  risk_managment_documentation: false\n")), vec!["N2002"]);
    assert_eq!(
        codes(load_text(
            "evidence:\n  risk_management_documentation:\n    reference: R\n    date: 2026-01-01\n    expires: 2025-01-01\n"
        )),
        vec!["N2005"]
    );
}

#[test]
fn hostile_files_are_refused_with_a_clear_message() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let cases = [
        bomb.to_string(),
        "[".repeat(50_000),
        format!("a: {}1{}\n", "{b: ".repeat(10_000), "}".repeat(10_000)),
        "system:\n  name: x\nsystem:\n  name: y\n".to_string(),
        "system:\n  name: \"a\0b\"\n".to_string(),
        format!("system:\n  name: \"{}\"\n", "x".repeat(MAX_FACTS_BYTES)),
    ];
    for text in cases {
        let r = load_text(&text);
        let d = r.expect_err("refused");
        assert!(!d.is_empty());
        assert!(
            d.iter().all(|x| x.code.as_str().starts_with("N200")),
            "{:?}",
            d.iter().map(|x| &x.message).collect::<Vec<_>>()
        );
    }
}

#[test]
fn negative_durations_and_repeated_values_are_refused() {
    assert_eq!(codes(load_text("deployment:\n  log_retention: -6 months\n")), vec!["N2004"]);
    assert_eq!(codes(load_text("system:\n  use_cases: [credit_scoring, credit_scoring]\n")), vec!["N2004"]);
}
