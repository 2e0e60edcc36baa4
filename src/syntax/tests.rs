use super::ast::*;
use super::*;
use crate::source::FileId;

fn parse_ok(text: &str) -> Module {
    let p = parse(FileId(0), text);
    assert!(p.diags.is_empty(), "unexpected diagnostics: {:#?}", p.diags);
    p.module.expect("module")
}

fn first_value(text: &str) -> Expr {
    let m = parse_ok(&format!("instrument t\ndefine x\n  = {text}\n"));
    match &m.items[0].clauses[0].kind {
        ClauseKind::Value(e) => e.clone(),
        other => panic!("not a value: {other:?}"),
    }
}

fn codes(text: &str) -> Vec<&'static str> {
    parse(FileId(0), text).diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn parses_every_declaration_kind() {
    let m = parse_ok(
        r#"/// doc
instrument eu.x
  title en "X"
  jurisdiction EU
  version original "o" in_force 2024-08-01
  source "http://example.org"

use common as c

fact system.f : set of enum {a en "A" ko "가", b}
fact system.n : decimal EUR
define d
  = system.f includes any of {a, b}
role r
  when true
evidence e
  valid for 12 months
obligation o
  cite "Art. 1"
  binds r
  from 2026-08-02 if d under original per "Art. 113"
  until 2030-01-01
  met when evidence e no older than 1 year
  deemed met when d per "Art. 2"
  presumed met when d
  standard "ISO/IEC 42001:2023" clause "6.1" relation partial
  crosswalk kr.y.z relation equivalent source "s"
  crosswalk standard "NIST AI RMF" clause "MAP 1.1" relation related
prohibition p
  cite "Art. 5"
exemption x to o, p
  cite "Art. 2"
  when not d
  priority 2
derogation y to d
  cite "Art. 6(3)"
  gives false
exception z to y
  cite "Art. 6(3)"
crosswalk o to standard "ISO/IEC 23894:2023" relation partial source "s"
test "t"
  as_of 2026-01-01
  given system.f = {a}
  given evidence e dated 2025-01-01 expires 2027-01-01 ref "R-1"
  expect o not in force
  expect d true
"#,
    );
    assert_eq!(m.header.kind, ModuleKind::Instrument);
    assert_eq!(m.docs, vec!["doc"]);
    assert_eq!(m.uses[0].alias.as_ref().map(|a| a.name.as_str()), Some("c"));
    let kinds: Vec<ItemKind> = m.items.iter().map(|i| i.kind).collect();
    use ItemKind::*;
    assert_eq!(
        kinds,
        vec![
            Fact,
            Fact,
            Define,
            Role,
            Evidence,
            Obligation,
            Prohibition,
            Exemption,
            Derogation,
            Exception,
            Crosswalk,
            Test
        ]
    );
    let o = &m.items[5];
    assert_eq!(o.clauses.len(), 10);
    match &o.clauses[2].kind {
        ClauseKind::From(d) => {
            assert!(d.condition.is_some());
            assert_eq!(d.under.as_ref().map(|u| u.name.as_str()), Some("original"));
            assert_eq!(d.per.as_ref().map(|p| p.value.as_str()), Some("Art. 113"));
        }
        other => panic!("{other:?}"),
    }
    match &m.items[11].clauses[2].kind {
        ClauseKind::Given(Given::Evidence { dated, expires, reference, .. }) => {
            assert!(dated.is_some() && expires.is_some());
            assert_eq!(reference.as_ref().map(|r| r.value.as_str()), Some("R-1"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn precedence_follows_the_reference() {
    // `not` binds looser than comparison, tighter than `and`; `and` tighter than `or`.
    let e = first_value("not a = b and c or d");
    let ExprKind::Or(parts) = &e.kind else { panic!("{e:?}") };
    let ExprKind::And(inner) = &parts[0].kind else { panic!() };
    assert!(
        matches!(&inner[0].kind, ExprKind::Unary(UnaryOp::Not, x) if matches!(x.kind, ExprKind::Binary(BinaryOp::Eq, _, _)))
    );
    let e = first_value("a + b * c > 3");
    let ExprKind::Binary(BinaryOp::Gt, l, _) = &e.kind else { panic!() };
    assert!(
        matches!(&l.kind, ExprKind::Binary(BinaryOp::Add, _, r) if matches!(r.kind, ExprKind::Binary(BinaryOp::Mul, _, _)))
    );
    let e = first_value("x is met and y applies and z is known");
    let ExprKind::And(parts) = &e.kind else { panic!() };
    assert!(matches!(parts[0].kind, ExprKind::Postfix(PostfixOp::IsMet, _)));
    assert!(matches!(parts[1].kind, ExprKind::Postfix(PostfixOp::Applies, _)));
    assert!(matches!(parts[2].kind, ExprKind::Postfix(PostfixOp::IsKnown, _)));
}

#[test]
fn and_or_chains_are_flat() {
    let e = first_value("a and b and c and d");
    assert!(matches!(&e.kind, ExprKind::And(v) if v.len() == 4));
    let e = first_value("(a or b) or c");
    assert!(matches!(&e.kind, ExprKind::Or(v) if v.len() == 3));
}

#[test]
fn numbers_units_dates_and_sets() {
    let e = first_value("KRW 10_000_000_000");
    let ExprKind::Number(n) = &e.kind else { panic!() };
    assert_eq!((n.value, n.unit.as_ref().map(|u| u.name.as_str())), (1e10, Some("KRW")));
    let e = first_value("1e25 FLOP");
    assert!(
        matches!(&e.kind, ExprKind::Number(n) if n.value == 1e25 && n.unit.as_ref().is_some_and(|u| u.name == "FLOP"))
    );
    let e = first_value("7 %");
    assert!(matches!(&e.kind, ExprKind::Number(n) if n.unit.as_ref().is_some_and(|u| u.name == "%")));
    let e = first_value("as_of - 2026-08-02 >= 12 months");
    assert!(matches!(&e.kind, ExprKind::Binary(BinaryOp::Ge, _, _)));
    let e = first_value("x not in {a, b,}");
    assert!(
        matches!(&e.kind, ExprKind::Binary(BinaryOp::NotIn, _, s) if matches!(&s.kind, ExprKind::Set(v) if v.len() == 2))
    );
    let e = first_value("x includes all of {a}");
    assert!(matches!(&e.kind, ExprKind::Binary(BinaryOp::IncludesAll, _, _)));
}

#[test]
fn keywords_are_whole_words() {
    // `index`, `fromage` and `in_force_x` are names, not the keywords `in`, `from`, `in_force`.
    let e = first_value("index and fromage and in_force_x");
    assert!(matches!(&e.kind, ExprKind::And(v) if v.len() == 3));
}

#[test]
fn every_reserved_word_is_rejected_as_a_name() {
    for word in RESERVED {
        let text = format!("instrument t\ndefine {word}\n  = true\n");
        assert_eq!(codes(&text), vec!["N0001"], "`{word}` was accepted as a name");
    }
    // … and words that are not reserved are accepted.
    for word in ["of", "any", "all", "known", "older", "clause", "dated", "set", "enum"] {
        let text = format!("instrument t\ndefine {word}\n  = true\n");
        assert!(codes(&text).is_empty(), "`{word}` was rejected");
    }
}

#[test]
fn text_escapes_are_resolved() {
    let m = parse_ok("instrument t\n  title en \"a \\\"b\\\" \\\\ c\"\n");
    match &m.header.clauses[0].kind {
        ClauseKind::Title(l) => assert_eq!(l.text.value, "a \"b\" \\ c"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn comments_are_collected_outside_texts() {
    let m = parse_ok("// top\ninstrument t\n  source \"http://x\" // trailing\n");
    let texts: Vec<(&str, bool)> = m.comments.iter().map(|c| (c.text.as_str(), c.trailing)).collect();
    assert_eq!(texts, vec![("// top", false), ("// trailing", true)]);
}

#[test]
fn syntax_errors_in_several_declarations_are_all_reported() {
    let text = "instrument t\ndefine a\n  cit \"x\"\n  = true\n\ndefine b\n  = (\n\ndefine c\n  = true\n";
    let p = parse(FileId(0), text);
    assert_eq!(p.diags.len(), 2, "{:#?}", p.diags);
    assert_eq!(p.broken, vec!["a", "b"]);
    let m = p.module.expect("module");
    assert_eq!(m.items.len(), 1);
    assert_eq!(m.items[0].name.name, "c");
    assert_eq!(p.diags[0].help.as_deref(), Some("did you mean `cite`?"));
}

#[test]
fn bad_literals_are_reported() {
    assert_eq!(codes("instrument t\ndefine a\n  = 2026-02-30 < as_of\n"), vec!["N0004"]);
    assert_eq!(codes("instrument t\ndefine a\n  = 1e999 > 2\n"), vec!["N0004"]);
    assert_eq!(codes("instrument t\nexception a to b\n  priority 99999999999\n"), vec!["N0004"]);
}

#[test]
fn a_missing_header_is_a_syntax_error() {
    let p = parse(FileId(0), "define a\n  = true\n");
    assert!(p.module.is_none());
    assert_eq!(p.diags.len(), 1);
    assert!(
        p.diags[0].message.contains("`instrument NAME`, `guidance NAME`, `vocabulary NAME` or `catalog NAME`"),
        "{}",
        p.diags[0].message
    );
}

fn on_stack<T: Send + 'static>(bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(bytes).spawn(f).expect("thread").join().expect("no panic")
}

const DEEP: usize = 100_000;

#[test]
fn deep_parentheses_and_nots_are_errors_on_8_and_2_mib_stacks() {
    let inputs = [
        format!("instrument t\ndefine x\n  = {}a{}\n", "(".repeat(DEEP), ")".repeat(DEEP)),
        format!("instrument t\ndefine x\n  = {}a\n", "not ".repeat(DEEP)),
    ];
    for stack in [8 << 20, 2 << 20] {
        for input in inputs.clone() {
            let result = on_stack(stack, move || codes(&input));
            assert_eq!(result, vec!["N0002"], "stack {stack}");
        }
    }
}

#[test]
fn other_deep_shapes_are_errors_too() {
    let inputs = [
        format!("instrument t\ndefine x\n  = {}a\n", "- ".repeat(DEEP)),
        format!("instrument t\ndefine x\n  = {}\n", "{".repeat(DEEP)),
        format!("instrument t\ndefine x\n  = a{}\n", " = a".repeat(DEEP / 10)),
        // Pest's Pratt parser recursed once per `not` here, and overflowed the stack.
        format!("instrument t\ndefine x\n  = a{}\n", " + not a".repeat(DEEP / 10)),
    ];
    for input in inputs {
        assert_eq!(on_stack(2 << 20, move || codes(&input)), vec!["N0002"]);
    }
}

#[test]
fn nesting_within_the_limits_is_fine() {
    let ok = format!("instrument t\ndefine x\n  = {}a{}\n", "(".repeat(30), ")".repeat(30));
    assert!(codes(&ok).is_empty());
    let ok = format!("instrument t\ndefine x\n  = {}a\n", "not ".repeat(60));
    assert!(codes(&ok).is_empty());
}

#[test]
fn oversized_files_are_refused() {
    let big = format!("instrument t\n{}", " ".repeat(crate::limits::MAX_FILE_BYTES));
    assert_eq!(codes(&big), vec!["N0003"]);
}

#[test]
fn reserved_words_are_refused_as_names_wherever_a_name_is_written() {
    for text in [
        "instrument t\ndefine from\n  = true\n",
        "instrument t\nrole when\n",
        "instrument t\ndefine x\n  = a and cite\n",
        "instrument t\nobligation n\n  binds test\n",
    ] {
        let p = parse(FileId(0), text);
        assert_eq!(codes(text), ["N0001"], "{text}");
        assert!(p.diags[0].message.contains("is a reserved word"), "{text}: {:?}", p.diags);
    }
    // Words after the first part of a dotted name are not reserved.
    parse_ok("instrument t\ndefine x\n  = system.in\n");
}

#[test]
fn a_number_followed_by_a_reserved_word_is_not_an_amount() {
    let e = first_value("system.count >= 6 and system.ok");
    assert!(matches!(e.kind, ExprKind::And(_)), "{e:?}");
    let e = first_value("system.age >= 6 months or system.ok");
    assert!(matches!(e.kind, ExprKind::Or(_)), "{e:?}");
}

#[test]
fn provisions_and_headings_are_items_named_by_a_citation() {
    let m = parse_ok(
        "instrument t\nheading \"Art. 5\"\n  title en \"Chapter II\"\n\nprovision \"Art. 5(6)\"\n  status out_of_scope\n  \
         note en \"Duties of authorities.\"\n  verification secondary\n",
    );
    assert_eq!(m.items[0].kind, ItemKind::Heading);
    assert_eq!(m.items[0].name.name, "Art. 5");
    assert_eq!(m.items[1].kind, ItemKind::Provision);
    assert_eq!(m.items[1].name.name, "Art. 5(6)");
    assert!(matches!(&m.items[1].clauses[0].kind, ClauseKind::Status(s) if s.name == "out_of_scope"));
    assert!(matches!(&m.items[1].clauses[2].kind, ClauseKind::Verification(v) if v.name == "secondary"));
    // The citation is a quoted text: a bare name is a syntax error.
    assert_eq!(codes("instrument t\nprovision art_5\n  status pending\n"), vec!["N0001"]);
}

#[test]
fn catalogs_have_items_named_by_an_identifier_and_confidence_ends_a_correspondence() {
    let m = parse_ok(
        "catalog std.demo\n  standard \"ISO/IEC 42001:2023\"\n  kind management_system\n  certifiable\n  \
         edition \"1st\"\n\nitem \"A.6.2.8\"\n  title en \"Logs\"\n",
    );
    assert_eq!(m.header.kind, ModuleKind::Catalog);
    assert!(matches!(&m.header.clauses[1].kind, ClauseKind::Kind(k) if k.name == "management_system"));
    assert!(matches!(m.header.clauses[2].kind, ClauseKind::Certifiable));
    assert!(matches!(&m.header.clauses[3].kind, ClauseKind::Edition(e) if e.value == "1st"));
    assert_eq!(m.items[0].kind, ItemKind::CatalogItem);
    assert_eq!(m.items[0].name.name, "A.6.2.8");
    let m = parse_ok(
        "instrument t\nobligation n\n  standard \"S\" clause \"1\" relation partial confidence high\n\n\
         crosswalk n to standard \"S\" relation related source \"x\" confidence low\n",
    );
    assert!(
        matches!(&m.items[0].clauses[0].kind, ClauseKind::Standard(s) if s.confidence.as_ref().is_some_and(|c| c.name == "high"))
    );
    assert!(
        matches!(&m.items[1].head, ItemHead::Crosswalk(x) if x.confidence.as_ref().is_some_and(|c| c.name == "low"))
    );
    // Confidence comes last: before the relation it is a syntax error.
    assert_eq!(codes("instrument t\nobligation n\n  standard \"S\" confidence high relation partial\n"), vec!["N0001"]);
}
