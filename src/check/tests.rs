use crate::diagnostics::{Diagnostic, Severity};
use crate::source::Sources;

const HEAD: &str = r#"instrument t
  title en "T"
  title ko "T"
  jurisdiction EU
  version original "o" in_force 2024-08-01
  version amended "a" in_force 2026-07-27

role r
  title en "R"
  title ko "R"

fact system.b : bool
  question en "?"
  question ko "?"

fact system.e : enum {one, two, three}
  question en "?"
  question ko "?"

define uses_facts
  title en "U"
  title ko "U"
  = system.b and system.e = one
"#;

fn norm(name: &str, extra: &str) -> String {
    format!(
        "\nobligation {name}\n  cite \"Art. 1\"\n  binds r\n  from 2026-08-02\n  title en \"N\"\n  title ko \"N\"\n{extra}"
    )
}

fn run(files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let mut sources = Sources::new();
    for (name, text) in files {
        sources.add(*name, *text);
    }
    crate::check_sources(&sources).1
}

fn with_head(body: &str) -> Vec<Diagnostic> {
    run(&[("t.norma", &format!("{HEAD}{body}"))])
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn the_head_alone_is_clean() {
    assert_eq!(codes(&with_head("")), Vec::<&str>::new());
}

#[test]
fn a_misspelled_fact_gets_a_suggestion() {
    let d = with_head(&norm("n", "  when system.bb\n"));
    assert_eq!(codes(&d), vec!["N0101"]);
    assert_eq!(d[0].help.as_deref(), Some("did you mean `system.b`?"));
    let ctx = d[0].context.as_ref().expect("context");
    assert_eq!((ctx.kind.as_str(), ctx.id.as_str(), ctx.cite.as_deref()), ("obligation", "n", Some("Art. 1")));
}

#[test]
fn unknown_role_version_value_and_evidence() {
    let d = with_head(&norm("n", "  when system.e = tow\n  title en \"x\" under amendd\n  met when evidence ev\n"));
    let mut c = codes(&d);
    c.sort();
    assert_eq!(c, vec!["N0104", "N0105", "N0106"]);
    let value = d.iter().find(|x| x.code.as_str() == "N0104").expect("N0104");
    assert!(value.help.as_deref().is_some_and(|h| h.contains("did you mean `two`?")), "{:?}", value.help);
    let d = with_head(
        "\nobligation n\n  cite \"Art. 1\"\n  binds provider\n  from 2026-08-02\n  title en \"N\"\n  title ko \"N\"\n",
    );
    assert_eq!(codes(&d), vec!["N0103"]);
}

#[test]
fn unknown_modules_do_not_cascade() {
    let d = run(&[(
        "t.norma",
        "instrument t\n  title en \"T\"\n  title ko \"T\"\n  jurisdiction EU\n\nuse commn\n\ndefine x\n  title en \"X\"\n  title ko \"X\"\n  = system.anything\n",
    )]);
    assert_eq!(codes(&d), vec!["N0102"]);
}

#[test]
fn facts_of_modules_not_used_are_not_visible() {
    let vocab = "vocabulary v\n  title en \"V\"\n  title ko \"V\"\n\nfact system.x : bool\n  question en \"?\"\n  question ko \"?\"\n";
    let inst = "instrument i\n  title en \"I\"\n  title ko \"I\"\n  jurisdiction EU\n\ndefine d\n  title en \"D\"\n  title ko \"D\"\n  = system.x\n";
    let d = run(&[("v.norma", vocab), ("i.norma", inst)]);
    assert_eq!(codes(&d), vec!["N0101"]);
    assert_eq!(d[0].help.as_deref(), Some("add `use v` after the module's header"));
}

#[test]
fn missing_targets_and_wrong_kinds() {
    let d = with_head("\nexception e to missing\n  cite \"x\"\n  when system.b\n");
    assert_eq!(codes(&d), vec!["N0107"]);
    let d = with_head(&format!("{}\ndefine d\n  title en \"D\"\n  title ko \"D\"\n  = n\n", norm("n", "")));
    assert_eq!(codes(&d), vec!["N0108"]);
    assert!(d[0].help.as_deref().is_some_and(|h| h.contains("n applies")));
}

#[test]
fn type_errors_explain_the_types() {
    let d = with_head(&norm("n", "  when system.e and system.b > 3\n"));
    assert_eq!(codes(&d), vec!["N0201", "N0201"]);
    assert!(d[0].message.contains("one value of `system.e`"), "{}", d[0].message);
    let d = with_head(&norm("n", "  when EUR 5 > KRW 5\n"));
    assert_eq!(codes(&d), vec!["N0201"]);
}

#[test]
fn duplicates_are_reported_with_the_first_place() {
    let d = with_head(&format!("{}{}", norm("n", ""), norm("n", "")));
    assert_eq!(codes(&d), vec!["N0301"]);
    assert_eq!(d[0].related.len(), 1);
    let d = run(&[
        ("a.norma", "vocabulary v\n  title en \"V\"\n  title ko \"V\"\n"),
        ("b.norma", "vocabulary v\n  title en \"V\"\n  title ko \"V\"\n"),
    ]);
    assert_eq!(codes(&d), vec!["N0302"]);
}

#[test]
fn a_cycle_names_every_member() {
    let def = |n: &str, v: &str| format!("\ndefine {n}\n  title en \"x\"\n  title ko \"x\"\n  = {v}\n");
    let body = format!("{}{}{}", def("a", "b and system.b"), def("b", "c"), def("c", "a"));
    let d = with_head(&body);
    assert_eq!(codes(&d), vec!["N0401"]);
    for name in ["`t.a`", "`t.b`", "`t.c`"] {
        assert!(d[0].message.contains(name), "{} lacks {name}", d[0].message);
    }
    let d = with_head(&def("s", "s"));
    assert_eq!(codes(&d), vec!["N0401"]);
    assert!(d[0].message.contains("depends on itself"));
}

#[test]
fn norms_and_exceptions_need_citations() {
    let d = with_head("\nobligation n\n  binds r\n  from 2026-08-02\n  title en \"N\"\n  title ko \"N\"\n");
    assert_eq!(codes(&d), vec!["N0501"]);
    let d = with_head("\nexemption e to uses_facts\n  when system.b\n");
    assert_eq!(codes(&d), vec!["N0501"]);
}

#[test]
fn date_ranges_must_not_be_inverted() {
    let d = with_head(&norm("n", "  until 2026-01-01\n"));
    assert_eq!(codes(&d), vec!["N0601"]);
    let d = with_head(&norm("n", "  until 2026-08-02\n"));
    assert_eq!(codes(&d), vec!["N0601"], "an empty range is an error too");
    let ok = with_head(&norm("n", "  until 2030-01-01\n"));
    assert!(ok.is_empty());
    let d = run(&[(
        "t.norma",
        "instrument t\n  title en \"T\"\n  title ko \"T\"\n  jurisdiction EU\n  version a \"a\" in_force 2026-01-01\n  version b \"b\" in_force 2025-01-01\n",
    )]);
    assert_eq!(codes(&d), vec!["N0601"]);
}

#[test]
fn equally_ranked_exceptions_that_both_apply_conflict() {
    let cap = "\ndefine cap\n  title en \"C\"\n  title ko \"C\"\n  = EUR 10\n";
    let exc = |n: &str, when: &str, gives: &str, prio: &str| {
        format!("\nexception {n} to cap\n  cite \"x\"\n  when {when}\n  gives {gives}\n{prio}")
    };
    let d =
        with_head(&format!("{cap}{}{}", exc("a", "system.b", "EUR 5", ""), exc("b", "system.e = two", "EUR 7", "")));
    assert_eq!(codes(&d), vec!["N0701"]);
    // A higher priority settles it; so do exclusive conditions; so does giving the same result.
    let d = with_head(&format!(
        "{cap}{}{}",
        exc("a", "system.b", "EUR 5", ""),
        exc("b", "system.e = two", "EUR 7", "  priority 1\n")
    ));
    assert!(d.is_empty(), "{:?}", codes(&d));
    let d = with_head(&format!(
        "{cap}{}{}",
        exc("a", "system.e = one", "EUR 5", ""),
        exc("b", "system.e in {two, three}", "EUR 7", "")
    ));
    assert!(d.is_empty(), "{:?}", codes(&d));
    let d = with_head(&format!("{cap}{}{}", exc("a", "system.b", "EUR 5", ""), exc("b", "not system.b", "EUR 7", "")));
    assert!(d.is_empty(), "{:?}", codes(&d));
}

#[test]
fn two_start_dates_for_the_same_case_conflict() {
    let d = with_head(&norm("n", "  from 2027-01-01\n"));
    assert_eq!(codes(&d), vec!["N0701"]);
    let ok = with_head(&norm("n", "  from 2027-12-02 under amended\n"));
    assert!(ok.is_empty(), "{:?}", codes(&ok));
}

#[test]
fn unused_facts_and_unreachable_norms_are_warnings() {
    let d = with_head("\nfact system.spare : bool\n  question en \"?\"\n  question ko \"?\"\n");
    assert_eq!(codes(&d), vec!["N0801"]);
    assert_eq!(d[0].severity, Severity::Warning);
    let d = with_head(&norm("n", "  when system.b and false\n"));
    assert_eq!(codes(&d), vec!["N0802"]);
    let d =
        with_head(&format!("{}\nexemption always to n\n  cite \"x\"\n  when true\n", norm("n", "  when system.b\n")));
    assert_eq!(codes(&d), vec!["N0802"]);
}

#[test]
fn clause_lists_are_checked() {
    let d = with_head("\nfact system.z : bool\n  question en \"?\"\n  question ko \"?\"\n  binds r\n");
    assert!(codes(&d).contains(&"N0901"));
    let d = with_head(&norm("n", "  when system.b\n  when system.b\n  severity huge\n"));
    let mut c = codes(&d);
    c.sort();
    assert_eq!(c, vec!["N0903", "N0904"]);
    let d = with_head("\ndefine d\n  title en \"D\"\n");
    assert_eq!(codes(&d), vec!["N0902", "N0902"]); // no `=`, no Korean title (a warning)
}

#[test]
fn tests_are_checked_against_the_rules() {
    let d = with_head(&format!(
        "{}\ntest \"t\"\n  as_of 2026-01-01\n  given system.b = 3\n  given system.e = two\n  given system.e = one\n  expect n true\n  expect uses_facts applies\n",
        norm("n", "")
    ));
    let mut c = codes(&d);
    c.sort();
    assert_eq!(c, vec!["N1001", "N1001", "N1002", "N1002"]);
}

#[test]
fn syntax_errors_do_not_cascade_into_unknown_names() {
    let body = "\ndefine broken\n  title en \"B\"\n  = (\n\ndefine user\n  title en \"U\"\n  title ko \"U\"\n  = broken and system.b\n";
    let d = with_head(body);
    assert_eq!(codes(&d), vec!["N0001"]);
}

#[test]
fn the_shipped_policies_are_clean() {
    let mut sources = Sources::new();
    crate::embedded::add_to(&mut sources);
    let (policy, diags) = crate::check_sources(&sources);
    assert!(diags.is_empty(), "{}", crate::diagnostics::render_human(&sources, &diags, false));
    assert!(policy.items.iter().any(|i| i.qualified == "eu.ai_act.risk_management_system"));
    assert!(!policy.tests.is_empty());
    // The graph has every fact and rule, and the order puts dependencies first.
    assert_eq!(policy.graph.node_count(), policy.facts.len() + policy.items.len());
    let pos = |name: &str| policy.order.iter().position(|i| policy.item(*i).is_some_and(|x| x.qualified == name));
    assert!(pos("eu.ai_act.annex_iii_high_risk") < pos("eu.ai_act.high_risk"));
    assert!(pos("eu.ai_act.art_6_3_derogation") < pos("eu.ai_act.annex_iii_high_risk"));
}

#[test]
fn roles_of_imported_modules_can_be_bound_by_full_name() {
    let vocab =
        "vocabulary v\n  title en \"V\"\n  title ko \"V\"\n\nrole provider\n  title en \"P\"\n  title ko \"P\"\n";
    let inst = "instrument i\n  title en \"I\"\n  title ko \"I\"\n  jurisdiction EU\n\nuse v\n\nobligation n\n  cite \"Art. 1\"\n  binds v.provider\n  from 2026-08-02\n  title en \"N\"\n  title ko \"N\"\n";
    let d = run(&[("v.norma", vocab), ("i.norma", inst)]);
    assert!(d.is_empty(), "{:?}", codes(&d));
}

#[test]
fn a_name_two_imported_modules_declare_must_be_written_in_full() {
    let a =
        "vocabulary a\n  title en \"A\"\n  title ko \"A\"\n\ndefine x\n  title en \"X\"\n  title ko \"X\"\n  = true\n";
    let b = a.replace("vocabulary a", "vocabulary b");
    let i = "instrument i\n  title en \"I\"\n  title ko \"I\"\n  jurisdiction EU\n\nuse a\nuse b\n\ndefine y\n  title en \"Y\"\n  title ko \"Y\"\n  = x\n";
    let d = run(&[("a.norma", a), ("b.norma", &b), ("i.norma", i)]);
    assert_eq!(codes(&d), vec!["N0101"]);
    assert!(d[0].message.contains("several imported modules"), "{}", d[0].message);
    assert_eq!(d[0].help.as_deref(), Some("write the full name: `a.x` or `b.x`"));
}

#[test]
fn facts_without_a_group_are_usable() {
    let d = with_head(
        "\nfact revenue : decimal EUR\n  question en \"?\"\n  question ko \"?\"\n\ndefine big\n  title en \"B\"\n  title ko \"B\"\n  = revenue > EUR 10\n",
    );
    assert!(d.is_empty(), "{:?}", codes(&d));
}

#[test]
fn is_met_on_a_fact_names_the_mistake() {
    let d = with_head(&norm("n", "  when system.b is met\n"));
    assert_eq!(codes(&d), vec!["N0108"]);
}

#[test]
fn contradictory_expectations_are_reported() {
    let d = with_head(&format!(
        "{}\ntest \"t\"\n  as_of 2027-01-01\n  expect n applies\n  expect n unknown\n  expect n not applicable\n  expect uses_facts true\n  expect uses_facts true\n",
        norm("n", "")
    ));
    assert_eq!(codes(&d), vec!["N1001", "N1001"]);
}

#[test]
fn crosswalks_must_name_another_norm_in_full() {
    let d = with_head(&norm("n", "  crosswalk nowhere relation partial\n"));
    assert_eq!(codes(&d), vec!["N0101"]);
    let d = with_head(&norm("n", "  crosswalk t.n relation partial\n"));
    assert_eq!(codes(&d), vec!["N0108"]);
    let d = with_head(&norm("n", "  crosswalk t.m relation partial\n"));
    assert_eq!(codes(&d), vec!["N0101"]);
    let ok = with_head(&norm("n", "  crosswalk other.module.rule relation partial\n"));
    assert!(ok.is_empty(), "a module that is not loaded cannot be checked: {:?}", codes(&ok));
}

#[test]
fn a_transitional_exemption_does_not_make_a_norm_unreachable() {
    let d = with_head(&format!(
        "{}\nexemption transitional to n\n  cite \"x\"\n  when true\n  until 2027-08-02\n",
        norm("n", "  when system.b\n")
    ));
    assert!(d.is_empty(), "{:?}", codes(&d));
}

#[test]
fn an_english_title_is_required() {
    let d = with_head("\nrole other\n  title ko \"다른\"\n");
    assert_eq!(codes(&d), vec!["N0902"]);
    assert_eq!(d[0].severity, Severity::Error);
}

#[test]
fn a_module_can_be_split_into_parts() {
    let main = "instrument big\n  title en \"B\"\n  title ko \"B\"\n  jurisdiction EU\n\nrole r\n  title en \"R\"\n  title ko \"R\"\n";
    let part = "part of big\n\nuse v\n\nobligation n\n  cite \"Art. 1\"\n  binds r\n  from 2026-01-01\n  title en \"N\"\n  title ko \"N\"\n  when v.x\n";
    let vocab =
        "vocabulary v\n  title en \"V\"\n  title ko \"V\"\n\ndefine x\n  title en \"X\"\n  title ko \"X\"\n  = true\n";
    let d = run(&[("main.norma", main), ("part.norma", part), ("v.norma", vocab)]);
    assert!(d.is_empty(), "{:?}", codes(&d));
    let d = run(&[("part.norma", part), ("v.norma", vocab)]);
    assert_eq!(codes(&d), vec!["N0102"]);
    let d = run(&[
        ("main.norma", main),
        ("part.norma", &part.replace("part of big\n", "part of big\n  title en \"no\"\n")),
    ]);
    assert!(codes(&d).contains(&"N0901"), "{:?}", codes(&d));
}

#[test]
fn a_rule_named_like_an_enumeration_value_is_not_a_dependency() {
    let d = with_head("\nrole one\n  title en \"One\"\n  title ko \"One\"\n  when system.e = one\n");
    assert!(d.is_empty(), "{:?}", codes(&d));
}

#[test]
fn header_notes_are_kept_on_the_module() {
    let main = "instrument big\n  title en \"B\"\n  title ko \"B\"\n  jurisdiction EU\n  note en \"One\"\n  note ko \"하나\"\n  note en \"Two\"\n";
    let part = "part of big\n  note en \"From the part\"\n";
    let mut sources = Sources::new();
    sources.add("main.norma", main);
    sources.add("part.norma", part);
    let (policy, diags) = crate::check_sources(&sources);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let notes: Vec<(&str, &str)> = policy.modules[0].notes.iter().map(|n| (n.lang.as_str(), n.text.as_str())).collect();
    assert_eq!(notes, vec![("en", "One"), ("ko", "하나"), ("en", "Two"), ("en", "From the part")]);
}

const FAMILIES: &str = r#"vocabulary fams
  title en "F"
  title ko "F"

family document_retention
  title en "Keeping documents"
  title ko "문서 보관"
  text en "Each law sets its own period."

family record_keeping
  title en "Logs"
  title ko "로그"
"#;

fn with_families(extra: &str) -> Vec<Diagnostic> {
    let head = HEAD.replacen("\nrole r", "\nuse fams as f\n\nrole r", 1);
    run(&[("t.norma", &format!("{head}{}", norm("n", extra))), ("f.norma", FAMILIES)])
}

#[test]
fn norms_name_their_families_with_an_optional_period() {
    let text = format!("{HEAD}{}", norm("n", "  family f.document_retention 10 years\n  family fams.record_keeping\n"))
        .replacen("\nrole r", "\nuse fams as f\n\nrole r", 1);
    let mut sources = Sources::new();
    sources.add("t.norma", text);
    sources.add("f.norma", FAMILIES);
    let (policy, diags) = crate::check_sources(&sources);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let n = policy.items.iter().find(|i| i.name == "n").unwrap();
    let named: Vec<(String, Option<String>)> = n
        .families
        .iter()
        .map(|f| (policy.item(f.family).unwrap().qualified.clone(), f.period.as_ref().map(|p| p.to_string())))
        .collect();
    assert_eq!(
        named,
        vec![
            ("fams.document_retention".to_string(), Some("10 years".to_string())),
            ("fams.record_keeping".to_string(), None)
        ]
    );
}

#[test]
fn family_clauses_are_checked() {
    let d = with_families("  family f.document_retenton\n");
    assert_eq!(codes(&d), vec!["N0109"]);
    assert_eq!(d[0].help.as_deref(), Some("did you mean `f.document_retention`?"));
    let d = with_families("  family f.record_keeping\n  family fams.record_keeping 6 months\n");
    assert_eq!(codes(&d), vec!["N0905"]);
    let d = with_families("  family r\n");
    assert_eq!(codes(&d), vec!["N0108"]);
    let d = with_families("  family f.record_keeping 6 FLOP\n");
    assert_eq!(codes(&d), vec!["N0201"]);
    let d = with_families("  family f.record_keeping 1.5 years\n");
    assert_eq!(codes(&d), vec!["N0201"]);
    let d = run(&[
        (
            "t.norma",
            &format!(
                "{}\nrole other\n  title en \"O\"\n  title ko \"O\"\n  family f.record_keeping\n",
                HEAD.replacen("\nrole r", "\nuse fams as f\n\nrole r", 1)
            ),
        ),
        ("f.norma", FAMILIES),
    ]);
    assert_eq!(codes(&d), vec!["N0901"]);
    let d = with_families("  when f.record_keeping\n");
    assert_eq!(codes(&d), vec!["N0108"]);
}

#[test]
fn every_shipped_family_is_used_and_the_periods_are_the_laws() {
    let mut sources = Sources::new();
    crate::embedded::add_to(&mut sources);
    let (policy, _) = crate::check_sources(&sources);
    let members = |family: &str| -> Vec<(String, Option<String>)> {
        let mut out: Vec<(String, Option<String>)> = policy
            .items
            .iter()
            .flat_map(|i| i.families.iter().map(move |f| (i, f)))
            .filter(|(_, f)| policy.item(f.family).is_some_and(|x| x.qualified == family))
            .map(|(i, f)| (i.qualified.clone(), f.period.as_ref().map(|p| p.to_string())))
            .collect();
        out.sort();
        out
    };
    for family in policy.items.iter().filter(|i| i.kind == crate::syntax::ast::ItemKind::Family) {
        assert!(!members(&family.qualified).is_empty(), "no norm belongs to {}", family.qualified);
    }
    let periods: Vec<(String, Option<String>)> =
        members("common.record_keeping").into_iter().filter(|(_, p)| p.is_some()).collect();
    assert_eq!(
        periods,
        vec![
            // China: recipients of content supplied without explicit labels (Labelling Measures Art. 9).
            ("cn.labelling.unlabelled_output_on_request".to_string(), Some("6 months".to_string())),
            ("eu.ai_act.deployer_log_retention".to_string(), Some("6 months".to_string())),
            ("eu.ai_act.provider_log_keeping".to_string(), Some("6 months".to_string())),
            // Not law: the high-safety pack's own choice, kept apart from the laws' by its module.
            ("procurement.public_sector_high_safety.log_retention".to_string(), Some("6 months".to_string())),
        ]
    );
    let guidance = policy.modules.iter().find(|m| m.id == "procurement.public_sector_high_safety");
    assert_eq!(
        guidance.map(|m| (m.kind, m.jurisdiction.clone())),
        Some((crate::syntax::ast::ModuleKind::Guidance, None))
    );
    let retention = members("common.document_retention");
    assert!(retention.contains(&("eu.ai_act.documentation_keeping".to_string(), Some("10 years".to_string()))));
    assert!(
        retention.contains(&("kr.ai_basic_act.safety_trust_documentation".to_string(), Some("5 years".to_string())))
    );
    let incidents = members("common.incident_reporting");
    assert!(incidents.contains(&("eu.ai_act.serious_incident_reporting".to_string(), Some("15 days".to_string()))));
    let registration = members("common.registration");
    assert!(
        registration.contains(&(
            "cn.algorithm_recommendation.algorithm_filing".to_string(),
            Some("10 working_days".to_string())
        ))
    );
    assert!(registration.contains(&(
        "cn.algorithm_recommendation.filing_cancellation".to_string(),
        Some("20 working_days".to_string())
    )));
    let representative = members("common.representative");
    assert!(
        representative.iter().any(|(n, _)| n.starts_with("eu."))
            && representative.iter().any(|(n, _)| n.starts_with("kr."))
    );
}

#[test]
fn a_guidance_has_norms_but_no_jurisdiction_or_versions() {
    let guidance = "guidance g\n  title en \"G\"\n  title ko \"G\"\n  source \"ISO/IEC 42001:2023\"\n  note en \"Not law.\"\n\nrole supplier\n  title en \"S\"\n  title ko \"S\"\n\nobligation n\n  cite \"ISO/IEC 42001:2023\"\n  binds supplier\n  from 2024-01-01\n  title en \"N\"\n  title ko \"N\"\n  standard \"ISO/IEC 42001:2023\"\n";
    assert_eq!(codes(&run(&[("g.norma", guidance)])), Vec::<&str>::new());
    let with_jurisdiction =
        guidance.replace("  source", "  jurisdiction EU\n  version v \"V\" in_force 2024-01-01\n  source");
    let d = run(&[("g.norma", &with_jurisdiction)]);
    assert_eq!(codes(&d), vec!["N0901", "N0901"]);
    assert_eq!(d[0].message, "a guidance cannot have a `jurisdiction` clause");
    assert_eq!(d[0].help.as_deref(), Some("a guidance may have: `title`, `source`, `note`"));
    let untitled = "guidance g\n  source \"x\"\n";
    assert_eq!(codes(&run(&[("g.norma", untitled)])), vec!["N0902"]);
}

const EVENTS: &str = r#"vocabulary fams
  title en "F"
  title ko "F"

event serious_incident
  title en "A serious incident"
  title ko "중대한 사고"
"#;

fn with_events(extra: &str) -> (crate::model::Policy, Vec<Diagnostic>) {
    let text = format!("{HEAD}{}", norm("n", extra)).replacen("\nrole r", "\nuse fams as f\n\nrole r", 1);
    let mut sources = Sources::new();
    sources.add("t.norma", text);
    sources.add("f.norma", EVENTS);
    crate::check_sources(&sources)
}

#[test]
fn norms_state_their_lifecycle() {
    let (policy, diags) = with_events(
        "  phase operation, design\n  every 12 months\n  on f.serious_incident within 15 days\n  effort\n  metric en \"Within the buyer's tolerance\"\n",
    );
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let n = policy.items.iter().find(|i| i.name == "n").unwrap();
    let l = &n.lifecycle;
    assert_eq!(l.phases, vec!["design", "operation"], "phases come in lifecycle order");
    assert_eq!(l.every.as_ref().map(ToString::to_string).as_deref(), Some("12 months"));
    let on: Vec<(String, Option<String>)> =
        l.on.iter()
            .map(|e| (policy.item(e.event).unwrap().qualified.clone(), e.within.as_ref().map(ToString::to_string)))
            .collect();
    assert_eq!(on, vec![("fams.serious_incident".to_string(), Some("15 days".to_string()))]);
    assert!(l.effort);
    assert_eq!(l.metrics.len(), 1);
}

#[test]
fn an_instrument_may_be_informative_and_only_an_instrument() {
    let text = HEAD.replacen("  jurisdiction EU\n", "  jurisdiction EU\n  informative\n", 1);
    let mut sources = Sources::new();
    sources.add("t.norma", text.as_str());
    let (policy, diags) = crate::check_sources(&sources);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert!(policy.modules.iter().any(|m| m.id == "t" && m.informative));
    let (plain, _) = {
        let mut sources = Sources::new();
        sources.add("t.norma", HEAD);
        crate::check_sources(&sources)
    };
    assert!(plain.modules.iter().all(|m| !m.informative), "not informative unless it says so");
    let twice = text.replacen("  informative\n", "  informative\n  informative\n", 1);
    assert_eq!(codes(&run(&[("t.norma", &twice)])), vec!["N0903"]);
    let vocabulary = "vocabulary v\n  title en \"V\"\n  title ko \"V\"\n  informative\n";
    assert_eq!(codes(&run(&[("v.norma", vocabulary)])), vec!["N0901"]);
    assert_eq!(codes(&with_head(&norm("o", "  informative\n"))), vec!["N0901"], "a norm is not informative");
}

#[test]
fn lifecycle_clauses_are_checked() {
    let (_, d) = with_events("  phase operaton\n");
    assert_eq!(codes(&d), vec!["N0904"]);
    assert!(d[0].help.as_deref().unwrap().starts_with("did you mean `operation`?"), "{:?}", d[0].help);
    let (_, d) = with_events("  on f.serious_incidnt\n");
    assert_eq!(codes(&d), vec!["N0110"]);
    assert_eq!(d[0].help.as_deref(), Some("did you mean `f.serious_incident`?"));
    let (_, d) = with_events("  on r\n");
    assert_eq!(codes(&d), vec!["N0108"]);
    let (_, d) = with_events("  every 12 EUR\n");
    assert_eq!(codes(&d), vec!["N0201"]);
    let (_, d) = with_events("  on f.serious_incident within 1.5 days\n");
    assert_eq!(codes(&d), vec!["N0201"]);
    let (_, d) = with_events("  every 1 year\n  every 2 years\n");
    assert_eq!(codes(&d), vec!["N0903"]);
    let d = with_head(
        "prohibition p\n  cite \"Art. 1\"\n  binds r\n  from 2026-01-01\n  title en \"P\"\n  title ko \"P\"\n  effort\n",
    );
    assert_eq!(codes(&d), vec!["N0901"], "a prohibition is not a duty of effort");
    let (_, d) = with_events("  when f.serious_incident\n");
    assert_eq!(codes(&d), vec!["N0108"], "an event is not a condition");
}

#[test]
fn the_shipped_deadlines_and_duties_of_effort_are_the_laws() {
    let mut sources = Sources::new();
    crate::embedded::add_to(&mut sources);
    let (policy, _) = crate::check_sources(&sources);
    let norm = |id: &str| policy.items.iter().find(|i| i.qualified == id).unwrap();
    let on = |id: &str| -> Vec<(String, Option<String>)> {
        norm(id)
            .lifecycle
            .on
            .iter()
            .map(|e| (policy.item(e.event).unwrap().qualified.clone(), e.within.as_ref().map(ToString::to_string)))
            .collect()
    };
    // EU AI Act Art. 73(2): 15 days after becoming aware; Art. 52(1): two weeks.
    assert_eq!(
        on("eu.ai_act.serious_incident_reporting"),
        vec![("common.serious_incident".into(), Some("15 days".into()))]
    );
    assert_eq!(
        on("eu.ai_act.systemic_risk_notification"),
        vec![("eu.ai_act.high_impact_threshold_met".into(), Some("2 weeks".into()))]
    );
    assert_eq!(on("eu.ai_act.conformity_reassessment"), vec![("common.substantial_modification".into(), None)]);
    // Korea Art. 35(1): 노력하여야; Japan's AI Promotion Act Art. 7: 努める — the duties of effort of
    // the shipped laws.
    let effort: Vec<&str> = policy
        .items
        .iter()
        .filter(|i| i.lifecycle.effort && !i.qualified.starts_with("procurement."))
        .map(|i| i.qualified.as_str())
        .collect();
    assert_eq!(effort, vec!["jp.ai_promotion_act.active_utilisation", "kr.ai_basic_act.impact_assessment"]);
}

// ---- Ledger annotations ----

#[test]
fn ledger_annotations_that_agree_with_the_rules_are_clean() {
    let body = format!(
        "{}\nheading \"Art. 1\"\n  title en \"Chapter I\"\n  title ko \"제1장\"\n\n\
         provision \"Art. 1\"\n  note en \"Read narrowly.\"\n\n\
         provision \"Art. 2\"\n  status out_of_scope\n  note en \"Duties of authorities.\"\n\n\
         provision \"Art. 3\"\n  status pending\n  verification unverified\n  note en \"UNVERIFIED: not in the digest.\"\n",
        norm("n", "")
    );
    assert_eq!(codes(&with_head(&body)), Vec::<&str>::new());
}

#[test]
fn a_provision_annotated_twice_is_reported() {
    let body = "\nprovision \"Art. 2\"\n  status pending\n\nprovision \"Art.  2\"\n  status out_of_scope\n\n\
                heading \"Art. 1\"\n  title en \"I\"\n  title ko \"I\"\n\nheading \"Art. 1\"\n  title en \"J\"\n  title ko \"J\"\n";
    let d = with_head(body);
    assert_eq!(codes(&d), vec!["N1101", "N1101"]);
    assert_eq!(d[0].message, "the provision \"Art. 2\" is already annotated in this instrument");
}

#[test]
fn pending_or_out_of_scope_contradicts_a_citing_rule() {
    let body = format!("{}\nprovision \"Art. 1\"\n  status pending\n", norm("n", ""));
    let d = with_head(&body);
    assert_eq!(codes(&d), vec!["N1102"]);
    assert_eq!(d[0].message, "\"Art. 1\" is annotated as pending, but the obligation `n` cites it");
    // Out of scope covers the provision's parts: a rule citing Art. 1(2) contradicts it too.
    let part = norm("n", "").replace("\"Art. 1\"", "\"Art. 1(2)\"");
    let d = with_head(&format!("{part}\nprovision \"Art. 1\"\n  status out_of_scope\n"));
    assert_eq!(codes(&d), vec!["N1102"]);
    // … but not Art. 10.
    let other = norm("n", "").replace("\"Art. 1\"", "\"Art. 10\"");
    assert!(codes(&with_head(&format!("{other}\nprovision \"Art. 1\"\n  status out_of_scope\n"))).is_empty());
}

#[test]
fn notes_on_a_provision_no_rule_cites_are_reported() {
    let d = with_head("\nprovision \"Art. 7\"\n  note en \"A note.\"\n\nprovision \"Art. 8\"\n  status partly\n");
    assert_eq!(codes(&d), vec!["N1103", "N1103"]);
    assert_eq!(d[1].message, "\"Art. 8\" has `status partly`, but no rule of this instrument cites it");
}

#[test]
fn an_unknown_status_gets_a_suggestion() {
    let d = with_head("\nprovision \"Art. 7\"\n  status pendng\n");
    assert_eq!(codes(&d), vec!["N0904"]);
    assert_eq!(
        d[0].help.as_deref(),
        Some("did you mean `pending`? (status is one of partly, noted, pending, out_of_scope)")
    );
    let d = with_head(&norm("n", "  verification secundary\n"));
    assert_eq!(codes(&d), vec!["N0904"]);
}

#[test]
fn a_note_saying_unverified_needs_the_clause() {
    let d = with_head(&norm("n", "  note en \"UNVERIFIED: read in a consolidation.\"\n"));
    assert_eq!(codes(&d), vec!["N1104"]);
    assert!(d[0].severity == Severity::Warning);
    // `secondary` is not enough for UNVERIFIED, but is for V-S.
    let d = with_head(&norm("n", "  verification secondary\n  note en \"UNVERIFIED: x\"\n"));
    assert_eq!(codes(&d), vec!["N1104"]);
    assert!(
        codes(&with_head(&norm("n", "  verification secondary\n  note en \"Per the decree (V-S).\"\n"))).is_empty()
    );
    assert!(codes(&with_head(&norm("n", "  verification unverified\n  note en \"UNVERIFIED: x\"\n"))).is_empty());
}
