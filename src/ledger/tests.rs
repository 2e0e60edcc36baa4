use super::*;

fn policy(text: &str) -> (Policy, Sources) {
    let mut sources = Sources::new();
    sources.add("embedded:t.norma", text);
    let (policy, diags) = crate::check_sources(&sources);
    let errors: Vec<String> =
        diags.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).map(|d| d.message.clone()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    (policy, sources)
}

const PACK: &str = r#"instrument t
  title en "The Act"
  title ko "법"
  jurisdiction EU
  version original "o" in_force 2024-08-01
  source "http://example.org"

role r
  cite "Art. 3(1)"
  title en "R"
  title ko "R"

obligation late
  cite "Art. 10"
  binds r
  from 2026-08-02 per "Art. 113"
  title en "L"
  title ko "L"

obligation early
  cite "Art. 2(1)", "Art. 9"
  binds r
  from 2026-08-02
  title en "E"
  title ko "E"
  verification secondary
  note en "Read from a copy (V-S)."

heading "Art. 1"
  title en "Chapter I"
  title ko "제1장"

heading "Art. 9"
  title en "Chapter II"
  title ko "제2장"

heading "Annex I"
  title en "Annexes"
  title ko "부속서"

provision "Art. 2(4)"
  title en "Third countries"
  status pending
  note en "No fact yet."
  note ko "아직 사실이 없습니다."

provision "Art. 9"
  status partly
  note en "Simplified."

provision "Annex II"
  status out_of_scope
  verification unverified
  note en "UNVERIFIED: list of acts."

test "early applies"
  as_of 2026-09-01
  expect early applies
"#;

#[test]
fn rows_follow_the_law_under_their_headings() {
    let (p, s) = policy(PACK);
    let l = ledger(&p, &s, &[ModuleId(0)], "en");
    let i = &l.instruments[0];
    assert_eq!(i.files, vec!["policies/t.norma"]);
    let sections: Vec<(Option<&str>, Vec<&str>)> = i
        .sections
        .iter()
        .map(|s| (s.heading.as_deref(), s.rows.iter().map(|r| r.provision.as_str()).collect()))
        .collect();
    assert_eq!(
        sections,
        vec![
            (Some("Chapter I"), vec!["Art. 2(1)", "Art. 2(4)", "Art. 3(1)"]),
            (Some("Chapter II"), vec!["Art. 9", "Art. 10", "Art. 113"]),
            (Some("Annexes"), vec!["Annex II"]),
        ]
    );
}

#[test]
fn statuses_tests_and_verification_are_derived() {
    let (p, s) = policy(PACK);
    let l = ledger(&p, &s, &[ModuleId(0)], "ko");
    let rows: Vec<&Row> = l.instruments[0].sections.iter().flat_map(|s| &s.rows).collect();
    let find = |c: &str| rows.iter().find(|r| r.provision == c).copied().expect("row");
    let early = find("Art. 2(1)");
    assert_eq!((early.status, early.tests, early.verification), (Status::Tested, 1, "V-S"));
    assert_eq!(early.rules, vec!["early"]);
    let late = find("Art. 10");
    assert_eq!((late.status, late.tests, late.verification), (Status::Encoded, 0, "V-P"));
    assert_eq!(find("Art. 113").rules, vec!["late"]);
    assert_eq!(find("Art. 9").status, Status::Partly);
    let pending = find("Art. 2(4)");
    assert_eq!(pending.status, Status::Pending);
    assert_eq!(pending.notes, vec!["아직 사실이 없습니다."]);
    assert_eq!(pending.title.as_deref(), Some("Third countries"));
    assert_eq!((find("Annex II").status, find("Annex II").verification), (Status::OutOfScope, "UNVERIFIED"));
    let sum = &l.instruments[0].summary;
    assert_eq!(
        (sum.provisions, sum.tested, sum.encoded, sum.partly, sum.pending, sum.out_of_scope),
        (7, 1, 3, 1, 1, 1)
    );
    assert_eq!((sum.secondary, sum.unverified), (2, 1));
}
