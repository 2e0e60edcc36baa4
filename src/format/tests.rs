use super::*;
use crate::source::FileId;
use crate::syntax::parse;
use proptest::prelude::*;

fn parse_ok(text: &str) -> Module {
    parse_named(&format!("this text:\n{text}\n"), text)
}

/// Parses `text`, which must have no syntax errors; `name` says where it came from.
fn parse_named(name: &str, text: &str) -> Module {
    let parsed = parse(FileId(0), text);
    assert!(parsed.diags.is_empty(), "{name} has syntax errors: {:?}", parsed.diags);
    parsed.module.expect("a module")
}

/// The tree without spans or comments, for comparison.
fn shape(module: &Module) -> String {
    let mut bare = module.clone();
    bare.comments.clear();
    let debug = format!("{bare:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let close = rest[at..].find('}').expect("closing brace of a span");
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    out
}

fn comment_texts(module: &Module) -> Vec<String> {
    let mut texts: Vec<String> = module.comments.iter().map(|c| c.text.trim_end().to_string()).collect();
    texts.sort();
    texts
}

/// Formats `text`, checking that the output reads back as the same tree with the same
/// comments and formats to itself.
fn fmt(text: &str) -> String {
    let original = parse_ok(text);
    let out = format_module(&original);
    let again = parse_ok(&out);
    assert_eq!(shape(&original), shape(&again), "the tree changed:\n{out}");
    assert_eq!(comment_texts(&original), comment_texts(&again), "comments changed:\n{out}");
    assert_eq!(format_module(&again), out, "not idempotent");
    out
}

/// Formats one item (after a vocabulary header) and returns its lines.
fn fmt_item(item: &str) -> String {
    let out = fmt(&format!("vocabulary v\n\n{item}"));
    out.strip_prefix("vocabulary v\n\n").expect("the header").to_string()
}

/// Formats `define d` with `= EXPR` and returns the expression as printed.
fn fmt_expr(expr: &str) -> String {
    let out = fmt_item(&format!("define d\n  = {expr}\n"));
    out.strip_prefix("define d\n  = ").and_then(|e| e.strip_suffix('\n')).expect("one clause").to_string()
}

// ---- Layout ----

#[test]
fn header_uses_and_items_are_laid_out_with_one_blank_line_between_sections() {
    let text = "/// The act.\n///\ninstrument   eu.x   title en \"X\"\n    jurisdiction EU\n\n\n\
                /// Shared.\nuse common   use kr.y as   y\nrole a\n\n\n\nrole b   cite \"1\"\n";
    let expected = "/// The act.\n///\ninstrument eu.x\n  title en \"X\"\n  jurisdiction EU\n\n\
                    /// Shared.\nuse common\nuse kr.y as y\n\nrole a\n\nrole b\n  cite \"1\"\n";
    assert_eq!(fmt(text), expected);
}

#[test]
fn a_module_without_uses_has_one_blank_line_before_its_items() {
    assert_eq!(fmt("vocabulary v\nrole a\n"), "vocabulary v\n\nrole a\n");
    assert_eq!(fmt("vocabulary v\n  title en \"V\"\n"), "vocabulary v\n  title en \"V\"\n");
}

#[test]
fn header_notes_are_kept_in_order() {
    let text =
        "instrument x\n  title en \"X\"\n  note en \"A\"\n  note ko \"가\"\n  jurisdiction EU\n  note en \"B\"\n";
    assert_eq!(fmt(text), text);
    let vocabulary = "vocabulary v\n  title en \"V\"\n  note en \"A\"\n  note ko \"가\"\n";
    assert_eq!(fmt(vocabulary), vocabulary);
}

#[test]
fn families_and_family_clauses() {
    let text = "family   document_retention\n title en \"Keeping documents\"\n text ko \"보관\"\n\n\
                obligation o\n family c.document_retention   10   years\n family  c.record_keeping\n";
    let expected = "family document_retention\n  title en \"Keeping documents\"\n  text ko \"보관\"\n\n\
                    obligation o\n  family c.document_retention 10 years\n  family c.record_keeping\n";
    assert_eq!(fmt_item(text), expected);
    assert_eq!(fmt_item(expected), expected);
}

#[test]
fn events_and_lifecycle_clauses() {
    let text = "event   serious_incident\n title en \"A serious incident\"\n cite \"Art. 3(49)\"\n\n\
                obligation o\n phase  design ,operation\n every 12   months\n on c.serious_incident within  15 days\n \
                on c.substantial_modification\n effort\n metric en  \"At most 5%\"\n";
    let expected = "event serious_incident\n  title en \"A serious incident\"\n  cite \"Art. 3(49)\"\n\n\
                    obligation o\n  phase design, operation\n  every 12 months\n  on c.serious_incident within 15 days\n  \
                    on c.substantial_modification\n  effort\n  metric en \"At most 5%\"\n";
    assert_eq!(fmt_item(text), expected);
    assert_eq!(fmt_item(expected), expected);
}

#[test]
fn an_informative_instrument_keeps_its_word() {
    let text = "instrument jp.promo\n title en \"P\"\n  jurisdiction JP\n informative\n note en  \"No fines.\"\n";
    let expected = "instrument jp.promo\n  title en \"P\"\n  jurisdiction JP\n  informative\n  note en \"No fines.\"\n";
    assert_eq!(fmt(text), expected);
    assert_eq!(fmt(expected), expected);
}

#[test]
fn item_first_lines() {
    let text = "fact a.b:bool\nfact c : integer\nfact d : integer users\nfact e : decimal KRW\n\
                fact f : text\nfact g : date\nfact h : duration\nfact i : enum{x,y}\n\
                fact j : set  of  enum { x en \"X\" ko \"엑스\" , y , }\ndefine k\nrole l\nevidence m\n\
                obligation n\nprohibition o\nexception p to n\nexemption q to n,o\nderogation r to a.b , n\n\
                crosswalk n to standard \"ISO/IEC 42001:2023\" clause \"6.1.2\" relation partial source \"s\"\n\
                crosswalk o to kr.y.z relation equivalent\ntest \"A \\\"quoted\\\" title\"\n";
    let expected = "fact a.b : bool\n\nfact c : integer\n\nfact d : integer users\n\nfact e : decimal KRW\n\n\
                    fact f : text\n\nfact g : date\n\nfact h : duration\n\nfact i : enum {x, y}\n\n\
                    fact j : set of enum {x en \"X\" ko \"엑스\", y}\n\ndefine k\n\nrole l\n\nevidence m\n\n\
                    obligation n\n\nprohibition o\n\nexception p to n\n\nexemption q to n, o\n\n\
                    derogation r to a.b, n\n\n\
                    crosswalk n to standard \"ISO/IEC 42001:2023\" clause \"6.1.2\" relation partial source \"s\"\n\n\
                    crosswalk o to kr.y.z relation equivalent\n\ntest \"A \\\"quoted\\\" title\"\n";
    assert_eq!(fmt_item(text), expected);
}

#[test]
fn an_enumeration_that_does_not_fit_goes_one_value_per_line() {
    let text = "fact system.purpose : enum {medical en \"Medical reasons\" ko \"의료 목적\", \
                safety en \"Safety reasons\", other}\n  question en \"Why?\"\n";
    let expected = "fact system.purpose : enum {\n    medical en \"Medical reasons\" ko \"의료 목적\",\n    \
                    safety en \"Safety reasons\",\n    other,\n}\n  question en \"Why?\"\n";
    assert_eq!(fmt_item(text), expected);
    // One that fits goes back on one line.
    assert_eq!(fmt_item("fact s : set of enum {\n    a,\n    b,\n}\n"), "fact s : set of enum {a, b}\n");
}

#[test]
fn every_clause_is_printed_as_the_grammar_has_it() {
    let text = "obligation o\n \
                cite \"Art. 9\",\"Annex III\"\n binds provider,deployer\n \
                title en \"T\" under amended\n text ko \"본문\"\n question en \"Q?\"\n help en \"H\"\n \
                penalty en \"P\" under original\n note en \"N\"\n = c\n when a\n unless b\n gives d\n \
                from 2026-08-02 if e under original per \"Art. 113\"\n from 2027-01-01\n \
                until 2030-01-01 per \"x\"\n met when evidence f no older than 12 months\n \
                deemed met when g per \"Art. 34(3)\"\n presumed met when h\n \
                standard \"ISO/IEC 23894:2023\" clause \"5\" relation partial\n standard \"EN 1\"\n \
                crosswalk kr.y.z relation partial source \"s\"\n crosswalk standard \"ISO 1\" relation related\n \
                severity high\n priority 1_0\n valid for 12 months\n jurisdiction US-CO\n \
                version v1 \"First\" in_force 2024-08-01\n source \"http://x\"\n as_of 2026-11-26\n \
                given a.b = {x,y}\n given c = 2026-01-01\n given d = KRW 5\n given e = \"t\"\n given f = true\n \
                given g = h\n given evidence i dated 2027-06-01 expires 2028-06-01 ref \"RM-1\"\n given evidence j\n \
                expect a true\n expect b false\n expect c unknown\n expect d applies\n expect e met\n \
                expect f not applicable\n expect g not met\n expect h not in force\n";
    let expected = "obligation o\n  cite \"Art. 9\", \"Annex III\"\n  binds provider, deployer\n  \
                    title en \"T\" under amended\n  text ko \"본문\"\n  question en \"Q?\"\n  help en \"H\"\n  \
                    penalty en \"P\" under original\n  note en \"N\"\n  = c\n  when a\n  unless b\n  gives d\n  \
                    from 2026-08-02 if e under original per \"Art. 113\"\n  from 2027-01-01\n  \
                    until 2030-01-01 per \"x\"\n  met when evidence f no older than 12 months\n  \
                    deemed met when g per \"Art. 34(3)\"\n  presumed met when h\n  \
                    standard \"ISO/IEC 23894:2023\" clause \"5\" relation partial\n  standard \"EN 1\"\n  \
                    crosswalk kr.y.z relation partial source \"s\"\n  crosswalk standard \"ISO 1\" relation related\n  \
                    severity high\n  priority 10\n  valid for 12 months\n  jurisdiction US-CO\n  \
                    version v1 \"First\" in_force 2024-08-01\n  source \"http://x\"\n  as_of 2026-11-26\n  \
                    given a.b = {x, y}\n  given c = 2026-01-01\n  given d = KRW 5\n  given e = \"t\"\n  \
                    given f = true\n  given g = h\n  \
                    given evidence i dated 2027-06-01 expires 2028-06-01 ref \"RM-1\"\n  given evidence j\n  \
                    expect a true\n  expect b false\n  expect c unknown\n  expect d applies\n  expect e met\n  \
                    expect f not applicable\n  expect g not met\n  expect h not in force\n";
    assert_eq!(fmt_item(text), expected);
}

#[test]
fn doc_comments_go_above_their_element_at_its_indentation() {
    let text = "///Item.\n///\n///   indented\ndefine d\n    ///  Clause.\n = true\n";
    let expected = "/// Item.\n///\n///   indented\ndefine d\n  ///  Clause.\n  = true\n";
    assert_eq!(fmt_item(text), expected);
}

#[test]
fn the_output_ends_with_exactly_one_newline() {
    assert_eq!(fmt("vocabulary v"), "vocabulary v\n");
    assert_eq!(fmt("vocabulary v\n\n\n\nrole r\n\n\n"), "vocabulary v\n\nrole r\n");
}

// ---- Long lines ----

#[test]
fn a_long_or_chain_gets_one_operand_per_line_with_the_operator_leading() {
    let text = "derogation art_6_3 to annex_iii\n  when system.narrow_procedural_task or \
                system.improves_completed_human_activity or system.detects_decision_patterns or \
                system.preparatory_task and x\n";
    let expected = "derogation art_6_3 to annex_iii\n  when system.narrow_procedural_task\n    \
                    or system.improves_completed_human_activity\n    or system.detects_decision_patterns\n    \
                    or (system.preparatory_task and x)\n";
    assert_eq!(fmt_item(text), expected);
}

#[test]
fn a_long_and_chain_breaks_the_same_way_and_the_tail_stays_on_the_last_line() {
    let text = "obligation o\n  from 2026-08-02 if organisation.something_rather_long and \
                system.another_fairly_long_condition under amended per \"Art. 113(c)\"\n";
    let expected = "obligation o\n  from 2026-08-02 if organisation.something_rather_long\n    \
                    and system.another_fairly_long_condition under amended per \"Art. 113(c)\"\n";
    assert_eq!(fmt_item(text), expected);
}

#[test]
fn a_chain_that_fits_stays_on_one_line() {
    let text = "define d\n  = a\n    or b\n    or c\n";
    assert_eq!(fmt_item(text), "define d\n  = a or b or c\n");
}

#[test]
fn a_long_set_goes_one_element_per_line() {
    let elements: Vec<String> = (0..12).map(|i| format!("use_case_number_{i}")).collect();
    let text = format!("define d\n  = system.use_cases includes any of {{{}}}\n", elements.join(", "));
    let mut expected = "define d\n  = system.use_cases includes any of {\n".to_string();
    for e in &elements {
        expected.push_str(&format!("    {e},\n"));
    }
    expected.push_str("  }\n");
    assert_eq!(fmt_item(&text), expected);
}

#[test]
fn a_long_set_in_a_chain_opens_on_its_continuation_line() {
    let elements: Vec<String> = (0..8).map(|i| format!("high_impact_area_{i}")).collect();
    let text = format!(
        "define d\n  = system.kr_significant_impact and system.kr_areas includes any of {{{}}} and x\n",
        elements.join(", ")
    );
    let mut expected =
        "define d\n  = system.kr_significant_impact\n    and system.kr_areas includes any of {\n".to_string();
    for e in &elements {
        expected.push_str(&format!("      {e},\n"));
    }
    expected.push_str("    }\n    and x\n");
    assert_eq!(fmt_item(&text), expected);
}

#[test]
fn text_after_an_opened_set_follows_its_closing_brace() {
    let elements: Vec<String> = (0..8).map(|i| format!("annex_iii_point_{i}")).collect();
    let text = format!("obligation o\n  from 2027-12-02 if x in {{{}}} per \"Art. 113\"\n", elements.join(", "));
    let mut expected = "obligation o\n  from 2027-12-02 if x in {\n".to_string();
    for e in &elements {
        expected.push_str(&format!("    {e},\n"));
    }
    expected.push_str("  } per \"Art. 113\"\n");
    assert_eq!(fmt_item(&text), expected);
}

#[test]
fn a_long_text_is_never_broken() {
    let long = "word ".repeat(30);
    let text = format!("obligation o\n  text en \"{long}\"\n  when a or b\n");
    assert_eq!(fmt_item(&text), text);
}

// ---- Expressions ----

#[test]
fn parentheses_are_kept_only_where_precedence_needs_them() {
    assert_eq!(fmt_expr("not (a or b)"), "not (a or b)");
    assert_eq!(fmt_expr("(not a) or b"), "not a or b");
    assert_eq!(fmt_expr("((a)) or (b)"), "a or b");
    assert_eq!(fmt_expr("(a + b) * c"), "(a + b) * c");
    assert_eq!(fmt_expr("(a * b) + c"), "a * b + c");
    assert_eq!(fmt_expr("a - (b - c)"), "a - (b - c)");
    assert_eq!(fmt_expr("(a - b) - c"), "a - b - c");
    assert_eq!(fmt_expr("-(a - b)"), "-(a - b)");
    assert_eq!(fmt_expr("- -a"), "--a");
    assert_eq!(fmt_expr("a - -b"), "a - -b");
    assert_eq!(fmt_expr("(-a) * b"), "-a * b");
    assert_eq!(fmt_expr("(not a) = b"), "(not a) = b");
    assert_eq!(fmt_expr("not (a = b)"), "not a = b");
    assert_eq!(fmt_expr("not not a"), "not not a");
    assert_eq!(fmt_expr("(a = b) = c"), "a = b = c");
    assert_eq!(fmt_expr("a = (b = c)"), "a = (b = c)");
    assert_eq!(fmt_expr("(a + b) >= c * 2"), "a + b >= c * 2");
    assert_eq!(
        fmt_expr("(x is known) and (r applies) and not (s is met)"),
        "x is known and r applies and not s is met"
    );
    assert_eq!(fmt_expr("(a or b) is known"), "(a or b) is known");
    assert_eq!(fmt_expr("a not in {x, y} and s includes all of {x}"), "a not in {x, y} and s includes all of {x}");
    assert_eq!(fmt_expr("s includes any of {x} or s includes x"), "s includes any of {x} or s includes x");
}

#[test]
fn an_and_inside_an_or_is_always_parenthesised() {
    assert_eq!(fmt_expr("a or b and c"), "a or (b and c)");
    assert_eq!(fmt_expr("a and b or c"), "(a and b) or c");
    assert_eq!(fmt_expr("(a or b) and c"), "(a or b) and c");
    assert_eq!(fmt_expr("a and (b and c)"), "a and (b and c)");
    assert_eq!(fmt_expr("(a and b) and c"), "a and b and c");
    assert_eq!(fmt_expr("a or (b or c)"), "a or (b or c)");
}

#[test]
fn quantities_put_currencies_first_and_other_units_after() {
    assert_eq!(fmt_expr("x >= 35_000_000 EUR"), "x >= EUR 35_000_000");
    assert_eq!(fmt_expr("x >= KRW 1_000"), "x >= KRW 1_000");
    assert_eq!(fmt_expr("x > 1e25 FLOP"), "x > 1e25 FLOP");
    assert_eq!(fmt_expr("x < 7%"), "x < 7 %");
    assert_eq!(fmt_expr("x = 12 months"), "x = 12 months");
    assert_eq!(fmt_expr("x = 1_200_000 users"), "x = 1_200_000 users");
    assert_eq!(fmt_expr("x = 2.50"), "x = 2.50");
}

#[test]
fn literals() {
    assert_eq!(fmt_expr("as_of >= 2026-08-02"), "as_of >= 2026-08-02");
    assert_eq!(fmt_expr("x = unknown or y = true or z = false"), "x = unknown or y = true or z = false");
    assert_eq!(fmt_expr("evidence e no older than 1 year"), "evidence e no older than 1 year");
    assert_eq!(fmt_expr("x in { }"), "x in {}");
}

#[test]
fn texts_are_escaped() {
    let text = "note en \"a \\\\ b \\\" c \\n d \\t e\"";
    assert_eq!(fmt_item(&format!("define d\n  {text}\n")), format!("define d\n  {text}\n"));
    assert_eq!(quote("a\\b\"c\nd\te"), "\"a\\\\b\\\"c\\nd\\te\"");
    assert_eq!(fmt_expr("x = \"\\\"\""), "x = \"\\\"\"");
}

// ---- Comments ----

#[test]
fn a_comment_on_its_own_line_goes_before_the_next_element_at_its_indentation() {
    let text = "// top\n/// Doc.\nvocabulary v\n// before title\n      title en \"V\"\n\
                // before use\nuse a\n  // before item\nrole r\n        // between clauses\n  cite \"1\"\n";
    let expected = "// top\n/// Doc.\nvocabulary v\n  // before title\n  title en \"V\"\n\n\
                    // before use\nuse a\n\n// before item\nrole r\n  // between clauses\n  cite \"1\"\n";
    assert_eq!(fmt(text), expected);
}

#[test]
fn a_comment_before_an_item_goes_above_its_doc_comments() {
    let text = "vocabulary v\n\n// about r\n/// Doc.\nrole r\n  // about cite\n  /// Clause doc.\n  cite \"1\"\n";
    assert_eq!(fmt(text), text);
}

#[test]
fn a_trailing_comment_stays_at_the_end_of_its_element() {
    let text = "vocabulary v // header\n  title en \"V\"   // title\n\nuse a as b // use\n\n\
                fact f : enum {\n    x, y\n} // enum\n  question en \"Q?\" // question\n";
    let expected = "vocabulary v // header\n  title en \"V\" // title\n\nuse a as b // use\n\n\
                    fact f : enum {x, y} // enum\n  question en \"Q?\" // question\n";
    assert_eq!(fmt(text), expected);
}

#[test]
fn a_trailing_comment_in_a_broken_chain_goes_to_its_last_line() {
    let text = "define d\n  = system.narrow_procedural_task // why\n    or system.improves_completed_human_activity \
                or system.detects_decision_patterns\n  cite \"x\"\n";
    let expected = "define d\n  = system.narrow_procedural_task\n    or system.improves_completed_human_activity\n    \
                    or system.detects_decision_patterns // why\n  cite \"x\"\n";
    assert_eq!(fmt_item(text), expected);
}

#[test]
fn several_trailing_comments_in_one_element_are_not_merged() {
    let text = "fact f : enum {\n    a, // first\n    b, // second\n} // third\n  question en \"Q?\"\n";
    let expected = "// first\n// second\nfact f : enum {a, b} // third\n  question en \"Q?\"\n";
    assert_eq!(fmt_item(text), expected);
}

#[test]
fn comments_inside_an_item_go_before_the_next_clause() {
    let text = "define d\n  = a or // a reason\n    // the other reason\n    b\n  cite \"x\"\n";
    let expected = "define d\n  = a or b // a reason\n  // the other reason\n  cite \"x\"\n";
    assert_eq!(fmt_item(text), expected);
}

#[test]
fn comments_after_the_last_element_go_at_the_end() {
    let text = "vocabulary v\n\nrole r\n  cite \"1\" // trailing\n  // last\n\n\n// very last\n";
    let expected = "vocabulary v\n\nrole r\n  cite \"1\" // trailing\n\n// last\n\n// very last\n";
    assert_eq!(fmt(text), expected);
    assert_eq!(fmt("vocabulary v\n// only\n"), "vocabulary v\n\n// only\n");
}

#[test]
fn blank_lines_around_a_comment_block_between_items_are_kept_once() {
    let text = "vocabulary v\n\nrole a\n\n\n\n// ---- Section ----\n\n\n// Note.\n\n\n/// Doc.\nrole b\n\
                // directly above\nrole c\n";
    let expected = "vocabulary v\n\nrole a\n\n// ---- Section ----\n\n// Note.\n\n/// Doc.\nrole b\n\n\
                    // directly above\nrole c\n";
    assert_eq!(fmt(text), expected);
    let licence = "// Licence.\n\n/// Doc.\nvocabulary v\n";
    assert_eq!(fmt(licence), licence);
}

#[test]
fn blank_lines_inside_items_and_between_uses_are_dropped() {
    let text = "vocabulary v\n\nuse a\n\n// c\n\nuse b\n\nrole r\n\n  // c2\n\n  cite \"1\"\n\n  title en \"R\"\n";
    let expected = "vocabulary v\n\nuse a\n// c\nuse b\n\nrole r\n  // c2\n  cite \"1\"\n  title en \"R\"\n";
    assert_eq!(fmt(text), expected);
}

#[test]
fn trailing_whitespace_after_a_comment_is_dropped() {
    assert_eq!(fmt("vocabulary v   // x   \n//y  \n"), "vocabulary v // x\n\n//y\n");
}

// ---- Round trip of any expression ----

/// A random expression in full parentheses, within the parser's nesting limits.
fn any_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[a-e]".prop_map(String::from),
        Just("x.y".to_string()),
        Just("1_000".to_string()),
        Just("EUR 5".to_string()),
        Just("12 months".to_string()),
        Just("2026-08-02".to_string()),
        Just("\"t\"".to_string()),
        Just("true".to_string()),
        Just("unknown".to_string()),
        Just("as_of".to_string()),
        Just("{a, b}".to_string()),
        Just("evidence e no older than 1 year".to_string()),
    ];
    let binary = [
        "or",
        "and",
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "in",
        "not in",
        "includes",
        "includes any of",
        "includes all of",
        "+",
        "-",
        "*",
        "/",
    ];
    leaf.prop_recursive(5, 40, 3, move |inner| {
        prop_oneof![
            (inner.clone(), proptest::sample::select(binary.to_vec()), inner.clone())
                .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| format!("({a} and {b} and {c})")),
            inner.clone().prop_map(|e| format!("(not {e})")),
            inner.clone().prop_map(|e| format!("(-{e})")),
            (inner, proptest::sample::select(vec!["is met", "applies", "is known"]))
                .prop_map(|(e, op)| format!("({e} {op})")),
        ]
    })
}

/// A module with every kind of line the layout has, to put comments between.
const SAMPLE: &str = "/// Doc.\ninstrument x.y\n  title en \"X\"\n\nuse a\nuse b as c\n\n\
                      /// Fact doc.\nfact f : enum {\n    p en \"P\",\n    q,\n}\n  question en \"Q?\"\n\n\
                      define d\n  = a or b and c\n    or e in {\n      x,\n      y,\n    }\n\n\
                      obligation o\n  /// Clause doc.\n  when d\n  from 2026-01-01 if d under v per \"p\"\n";

/// `SAMPLE` with, before or after each line, a comment or a blank line as `edits` say.
fn with_comments(edits: &[(u8, usize)]) -> String {
    let mut text = String::new();
    for (n, (line, (edit, indent))) in SAMPLE.lines().zip(edits).enumerate() {
        match edit {
            1 => text.push_str(&format!("{}// before {n}\n", pad(*indent))),
            2 => text.push('\n'),
            _ => {}
        }
        text.push_str(line);
        if *edit == 3 && !line.trim_start().starts_with("///") {
            text.push_str(&format!(" // after {n}"));
        }
        text.push('\n');
    }
    text
}

proptest! {
    #[test]
    fn any_expression_reads_back_as_the_same_tree(expr in any_expr()) {
        fmt(&format!("vocabulary v\n\ndefine d\n  = {expr}\n  when {expr}\n"));
    }

    #[test]
    fn comments_anywhere_are_kept_once_and_stay_put(
        edits in proptest::collection::vec((0..4u8, 0..5usize), SAMPLE.lines().count())
    ) {
        let text = with_comments(&edits);
        // A comment between an item and its doc comment is a syntax error.
        prop_assume!(parse(FileId(0), &text).diags.is_empty());
        fmt(&text);
        fmt(&text.replace('\n', "\r\n"));
    }
}

/// The shipped policy files (the set embedded in the binary), each with its text.
fn policies() -> &'static [(&'static str, &'static str)] {
    let files = crate::embedded::POLICIES;
    assert!(files.len() >= 3, "expected the shipped policies under policies/, found {}", files.len());
    files
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let pairs = expected.lines().zip(actual.lines()).enumerate();
    match pairs.into_iter().find(|(_, (e, a))| e != a) {
        Some((n, (e, a))) => format!("line {}:\n  file:      {e}\n  formatted: {a}", n + 1),
        None => format!("line counts differ: {} vs {}", expected.lines().count(), actual.lines().count()),
    }
}

#[test]
fn formatting_a_policy_is_idempotent() {
    for (name, text) in policies() {
        let once = format_module(&parse_named(name, text));
        let twice = format_module(&parse_named(name, &once));
        assert_eq!(once, twice, "{name}: formatting twice differs at {}", first_difference(&once, &twice));
    }
}

#[test]
fn formatting_a_policy_keeps_every_comment() {
    for (name, text) in policies() {
        let original = parse_named(name, text);
        let formatted = parse_named(name, &format_module(&original));
        assert_eq!(comment_texts(&original), comment_texts(&formatted), "{name}: comments changed");
    }
}

#[test]
fn formatting_a_policy_keeps_its_syntax_tree() {
    for (name, text) in policies() {
        let original = parse_named(name, text);
        let formatted = parse_named(name, &format_module(&original));
        assert_eq!(shape(&original), shape(&formatted), "{name}: the syntax tree changed");
    }
}

#[test]
fn every_policy_is_in_canonical_form() {
    for (name, text) in policies() {
        let formatted = format_module(&parse_named(name, text));
        assert!(
            formatted == *text,
            "{name} is not formatted; first difference at {}",
            first_difference(text, &formatted)
        );
    }
}

#[test]
fn a_guidance_header_round_trips() {
    let text = "guidance   procurement.g  title en \"G\"\n title ko \"지\"\n  source \"ISO/IEC 42001:2023\"\n note en \"Not law.\"\nuse common\nobligation o\n cite \"ISO/IEC 42001:2023\"\n";
    let expected = "guidance procurement.g\n  title en \"G\"\n  title ko \"지\"\n  source \"ISO/IEC 42001:2023\"\n  note en \"Not law.\"\n\nuse common\n\nobligation o\n  cite \"ISO/IEC 42001:2023\"\n";
    assert_eq!(fmt(text), expected);
}

#[test]
fn tables_of_cases_are_aligned_column_by_column() {
    let item = "test \"t\"\n  given a = true\n  examples\n  |as_of|evidence e|x.y|rule|\n      | 2026-08-01 | - | {a, b} | not in force |\n| 2026-08-02|2026-07-15 |12 months| met|\n  expect r applies\n";
    let expected = "test \"t\"\n  given a = true\n  examples\n    | as_of      | evidence e | x.y       | rule         |\n    | 2026-08-01 | -          | {a, b}    | not in force |\n    | 2026-08-02 | 2026-07-15 | 12 months | met          |\n  expect r applies\n";
    assert_eq!(fmt_item(item), expected);
}

#[test]
fn a_table_cell_in_hangul_is_aligned_by_display_width() {
    let item = "test \"t\"\n  examples\n    | as_of | system.name |\n    | 2026-08-01 | \"챗봇\" |\n";
    let out = fmt_item(item);
    assert!(out.contains("    | as_of      | system.name |\n    | 2026-08-01 | \"챗봇\"      |\n"), "{out}");
}

#[test]
fn provisions_headings_and_verification_clauses() {
    let text = "heading   \"Art. 5\"\n title en \"Chapter II\"\n title ko \"제2장\"\n\
                provision \"Art. 5(6)\"   title en \"Annual reports\"\n status   out_of_scope\n note en \"Authorities.\"\n\
                verification  unverified\n\ndefine d\n cite \"Art. 3\"\n verification secondary\n = true\n";
    let expected = "heading \"Art. 5\"\n  title en \"Chapter II\"\n  title ko \"제2장\"\n\n\
                    provision \"Art. 5(6)\"\n  title en \"Annual reports\"\n  status out_of_scope\n  \
                    note en \"Authorities.\"\n  verification unverified\n\n\
                    define d\n  cite \"Art. 3\"\n  verification secondary\n  = true\n";
    assert_eq!(fmt_item(text), expected);
    assert_eq!(fmt_item(expected), expected);
}

#[test]
fn catalogs_items_and_confidence() {
    let text = "catalog  std.demo\n  title en \"D\"\n  standard   \"ISO/IEC 42001:2023\"\n  kind management_system\n  certifiable\n  edition \"1st\"\nitem \"A.6.2.8\"\n  title en \"Logs\"\n";
    let expected = "catalog std.demo\n  title en \"D\"\n  standard \"ISO/IEC 42001:2023\"\n  kind management_system\n  certifiable\n  edition \"1st\"\n\nitem \"A.6.2.8\"\n  title en \"Logs\"\n";
    assert_eq!(fmt(text), expected);
    let text = "obligation n\n  standard \"S\" clause \"1\" relation partial  confidence high\n  crosswalk standard \"S\" relation related source \"x\" confidence low\n\
                crosswalk n to standard \"S\" clause \"2\" relation partial confidence medium\n";
    let expected = "obligation n\n  standard \"S\" clause \"1\" relation partial confidence high\n  crosswalk standard \"S\" relation related source \"x\" confidence low\n\n\
                    crosswalk n to standard \"S\" clause \"2\" relation partial confidence medium\n";
    assert_eq!(fmt_item(text), expected);
}
