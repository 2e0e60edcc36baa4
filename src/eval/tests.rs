use std::collections::BTreeSet;

use jiff::civil::{Date, date};

use super::*;
use crate::source::Sources;

fn shipped() -> Policy {
    let mut sources = Sources::new();
    crate::embedded::add_to(&mut sources);
    let (policy, diags) = crate::check_sources(&sources);
    assert!(diags.is_empty());
    policy
}

fn policy_of(text: &str) -> Policy {
    let mut sources = Sources::new();
    sources.add("t.norma", text);
    let (policy, diags) = crate::check_sources(&sources);
    let errors: Vec<_> = diags.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).collect();
    assert!(errors.is_empty(), "{}", crate::diagnostics::render_human(&sources, &diags, false));
    policy
}

fn id(policy: &Policy, name: &str) -> ItemId {
    ItemId(policy.items.iter().position(|i| i.qualified == name || i.name == name).expect(name) as u32)
}

fn facts(policy: &Policy, yaml: &str) -> Facts {
    let mut sources = Sources::new();
    let f = sources.add("f.yaml", yaml);
    crate::facts::load(&sources, f, policy).expect("valid facts")
}

fn status(policy: &Policy, facts: &Facts, as_of: Date, norm: &str) -> (Status, Option<Date>) {
    let ev = Evaluator::run(policy, facts, &Options { as_of, roles: BTreeSet::new(), traces: true });
    let o = ev.outcome(id(policy, norm)).expect("norm");
    (o.status, o.applies_from)
}

const CV_TOOL: &str = "system:\n  placed_on_market: 2026-09-01\n  use_cases: [recruitment_selection]\n  profiles_natural_persons: true\n  annex_i_safety_component: false\n  placed_on_eu_market: true\n  scientific_research_only: false\n  pre_market_development_only: false\n  exclusively_military: false\n  open_source_licence: false\norganisation:\n  supply_chain_roles: [developer]\n";

#[test]
fn the_shipped_tests_pass() {
    let policy = shipped();
    assert!(policy.tests.len() >= 7);
    let failing: Vec<String> = policy
        .tests
        .iter()
        .filter_map(|t| {
            let failures = run_test(&policy, t);
            (!failures.is_empty()).then(|| format!("test \"{}\": {failures:?}", t.name))
        })
        .collect();
    assert!(failing.is_empty(), "{}", failing.join("\n"));
}

#[test]
fn annex_iii_dates_follow_the_timeline_in_force() {
    let policy = shipped();
    let f = facts(&policy, CV_TOOL);
    let rms = "eu.ai_act.risk_management_system";
    // Before the amending regulation entered into force (27 July 2026): the original date.
    assert_eq!(status(&policy, &f, date(2026, 7, 26), rms), (Status::NotYetApplicable, Some(date(2026, 8, 2))));
    // From 27 July 2026 the amended date applies.
    assert_eq!(status(&policy, &f, date(2026, 7, 27), rms), (Status::NotYetApplicable, Some(date(2027, 12, 2))));
    assert_eq!(status(&policy, &f, date(2027, 12, 1), rms), (Status::NotYetApplicable, Some(date(2027, 12, 2))));
    // On the day it applies the status is live (no evidence given: unknown whether met).
    assert_eq!(status(&policy, &f, date(2027, 12, 2), rms), (Status::Unknown, Some(date(2027, 12, 2))));
}

#[test]
fn prohibitions_apply_from_2_february_2025() {
    let policy = shipped();
    let f = facts(
        &policy,
        "system:\n  infers_emotions: true\n  emotion_inference_purpose: other\n  placed_on_eu_market: true\n  exclusively_military: false\n  scientific_research_only: false\n  pre_market_development_only: false\ndeployment:\n  settings: [workplace]\norganisation:\n  supply_chain_roles: [user]\n  personal_non_professional_use: false\n",
    );
    let p = "eu.ai_act.emotion_recognition_at_work";
    assert_eq!(status(&policy, &f, date(2025, 2, 1), p).0, Status::NotYetApplicable);
    assert_eq!(status(&policy, &f, date(2025, 2, 2), p).0, Status::Violated);
    let medical = facts(
        &policy,
        "system:\n  infers_emotions: true\n  emotion_inference_purpose: medical\ndeployment:\n  settings: [workplace]\n",
    );
    assert_eq!(status(&policy, &medical, date(2025, 6, 1), p).0, Status::NotApplicable);
}

#[test]
fn a_missing_fact_makes_dependent_outcomes_unknown_and_is_asked() {
    let policy = shipped();
    let full = facts(&policy, CV_TOOL);
    let rms = id(&policy, "eu.ai_act.risk_management_system");
    let as_of = date(2028, 1, 1);
    let ev = Evaluator::run(&policy, &full, &Options { as_of, roles: BTreeSet::new(), traces: true });
    assert_eq!(ev.outcome(rms).expect("norm").applies, Value::Bool(true));
    let without = facts(&policy, &CV_TOOL.replace("  profiles_natural_persons: true\n", ""));
    let ev = Evaluator::run(&policy, &without, &Options { as_of, roles: BTreeSet::new(), traces: true });
    assert_eq!(ev.outcome(rms).expect("norm").status, Status::Unknown);
    let open = ev.open_questions(rms);
    let profiling =
        FactId(policy.facts.iter().position(|f| f.name == "system.profiles_natural_persons").expect("fact") as u32);
    assert!(open.contains(&Input::Fact(profiling)), "{open:?}");
}

const PRIORITIES: &str = r#"instrument t
  title en "T"
  title ko "T"
  jurisdiction EU

fact a : bool
  question en "?"
  question ko "?"

fact b : bool
  question en "?"
  question ko "?"

define cap
  title en "C"
  title ko "C"
  = 100

exception low to cap
  cite "x"
  when a
  gives 50

exception high to cap
  cite "x"
  when b
  gives 10
  priority 1

define plain
  title en "P"
  title ko "P"
  = a

exception never_plain to plain
  cite "x"
  when b

exception but_not to never_plain
  cite "x"
  when a
"#;

#[test]
fn exceptions_follow_their_priority() {
    let policy = policy_of(PRIORITIES);
    let cap = id(&policy, "cap");
    let run = |yaml: &str| {
        let f = facts(&policy, yaml);
        let ev =
            Evaluator::run(&policy, &f, &Options { as_of: date(2026, 1, 1), roles: BTreeSet::new(), traces: true });
        (ev.value(cap), ev.value(id(&policy, "plain")))
    };
    assert_eq!(run("a: true\nb: true\n").0, Value::Number(10.0, None), "the higher priority prevails");
    assert_eq!(run("a: true\nb: false\n").0, Value::Number(50.0, None));
    assert_eq!(run("a: false\nb: false\n").0, Value::Number(100.0, None));
    assert_eq!(run("a: true\n").0, Value::Unknown, "the prevailing exception is undecided");
    assert_eq!(run("b: false\n").0, Value::Unknown);
    // An exception to an exception: `plain` is a unless b, but b does not count when a holds.
    assert_eq!(run("a: true\nb: true\n").1, Value::Bool(true));
    assert_eq!(run("a: false\nb: true\n").1, Value::Bool(false));
    assert_eq!(run("a: false\n").1, Value::Bool(false), "false either way");
}

#[test]
fn every_shipped_norm_is_exercised_by_a_test() {
    let policy = shipped();
    let expected: BTreeSet<ItemId> = policy.tests.iter().flat_map(|t| t.expects.iter().map(|(id, _, _)| *id)).collect();
    let untested: Vec<&str> = policy
        .items
        .iter()
        .enumerate()
        .filter(|(i, item)| item.kind.is_norm() && !expected.contains(&ItemId(*i as u32)))
        .map(|(_, item)| item.qualified.as_str())
        .collect();
    assert!(untested.is_empty(), "norms no test expects anything of: {untested:?}");
}

const EXAMPLES: [&str; 8] = [
    include_str!("../../examples/chatbot.yaml"),
    include_str!("../../examples/credit-scoring.yaml"),
    include_str!("../../examples/cv-screening.yaml"),
    include_str!("../../examples/emotion-at-work.yaml"),
    include_str!("../../examples/foundation-model.yaml"),
    include_str!("../../examples/kr-city-chatbot.yaml"),
    include_str!("../../examples/kr-foreign-generative.yaml"),
    include_str!("../../examples/kr-hiring-screening.yaml"),
];

/// The facts and evidence of `full` that `keep` keeps (by position, cycling).
fn subset(full: &Facts, keep: &[bool]) -> Facts {
    let kept = |i: usize| keep.get(i % keep.len().max(1)).copied().unwrap_or(true);
    Facts {
        values: full.values.iter().enumerate().filter(|(i, _)| kept(*i)).map(|(_, (k, v))| (*k, v.clone())).collect(),
        evidence: full
            .evidence
            .iter()
            .enumerate()
            .filter(|(i, _)| kept(i + 100))
            .map(|(_, (k, v))| (*k, v.clone()))
            .collect(),
        ..Facts::default()
    }
}

/// Every rule's value.
fn all_values(r: &Results) -> Vec<Value> {
    (0..r.outcomes.len()).map(|i| r.value(i)).collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Evaluating again only what changed gives exactly what evaluating everything gives.
    #[test]
    fn rerun_gives_what_run_gives(
        from in 0..EXAMPLES.len(),
        to in 0..EXAMPLES.len(),
        keep_from in proptest::collection::vec(proptest::bool::weighted(0.8), 1..40),
        keep_to in proptest::collection::vec(proptest::bool::weighted(0.8), 1..40),
        year in 2025i16..2030,
    ) {
        let policy = shipped_once();
        let before = subset(&facts(policy, EXAMPLES[from]), &keep_from);
        let after = subset(&facts(policy, EXAMPLES[to]), &keep_to);
        let options = Options { as_of: date(year, 6, 1), roles: BTreeSet::new(), traces: true };
        let kept = Evaluator::run(policy, &before, &options).into_results();
        let changed = before.differences(&after);
        let again = Evaluator::rerun(policy, &after, kept, changed).into_results();
        let fresh = Evaluator::run(policy, &after, &options).into_results();
        proptest::prop_assert!(again == fresh);
    }
}

fn shipped_once() -> &'static Policy {
    static POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    POLICY.get_or_init(shipped)
}

/// Results kept without traces are not brought up to date for a traced run: the rules a rerun
/// keeps would have no inputs.
#[test]
fn results_without_traces_do_not_serve_a_traced_rerun() {
    let policy = shipped_once();
    let f = facts(policy, CV_TOOL);
    let traced = Options { as_of: date(2027, 6, 1), roles: BTreeSet::new(), traces: true };
    let untraced = Options { traces: false, ..traced.clone() };
    let kept = Evaluator::run(policy, &f, &untraced).into_results();
    assert!(!kept.computed_with(&traced));
    assert!(kept.computed_with(&untraced));
    let kept = Evaluator::run(policy, &f, &traced).into_results();
    assert!(kept.computed_with(&traced));
    assert!(!kept.computed_with(&Options { as_of: date(2027, 6, 2), ..traced.clone() }));
}

#[test]
fn a_rerun_evaluates_only_what_the_change_reaches() {
    let policy = shipped_once();
    let before = facts(policy, CV_TOOL);
    // New evidence reaches the norms it can satisfy, and the rules built on those.
    let evidence = "evidence:\n  risk_management_documentation:\n    reference: \"RM-1\"\n    date: 2027-06-01\n";
    let after = facts(policy, &format!("{CV_TOOL}{evidence}"));
    let options = Options { as_of: date(2028, 1, 1), roles: BTreeSet::new(), traces: true };
    let original = Evaluator::run(policy, &before, &options).into_results();
    // Mark every norm's outcome with an impossible status and reason: those still marked after
    // the rerun were not evaluated again.
    let mut kept = original.clone();
    for outcome in kept.outcomes.iter_mut().flatten() {
        outcome.status = Status::Violated;
        outcome.why = Why::Ended;
    }
    let changed = before.differences(&after);
    assert_eq!(changed.len(), 1);
    let again = Evaluator::rerun(policy, &after, kept, changed).into_results();
    let fresh = Evaluator::run(policy, &after, &options).into_results();
    let (mut skipped, mut evaluated) = (0, 0);
    for (i, outcome) in again.outcomes.iter().enumerate() {
        let Some(outcome) = outcome else { continue };
        if outcome.why == Why::Ended && outcome.status == Status::Violated {
            skipped += 1;
            assert_eq!(
                original.outcomes[i], fresh.outcomes[i],
                "{} was skipped but changed",
                policy.items[i].qualified
            );
        } else {
            evaluated += 1;
            assert_eq!(again.outcomes[i], fresh.outcomes[i]);
        }
    }
    assert!(evaluated > 0 && skipped > evaluated, "{evaluated} evaluated again, {skipped} kept");
    assert_ne!(original.outcomes, fresh.outcomes, "the change matters");
}

#[test]
fn the_operands_that_decide_a_junction_are_its_inputs() {
    let policy = policy_of(
        "instrument t\n  title en \"T\"\n  title ko \"T\"\n  jurisdiction EU\n\nfact a : bool\n  question en \"?\"\n  question ko \"?\"\n\nfact b : bool\n  question en \"?\"\n  question ko \"?\"\n\nfact c : bool\n  question en \"?\"\n  question ko \"?\"\n\ndefine all3\n  = a and b and c\n\ndefine some\n  = a and c\n\ndefine any\n  = b or a or c\n\ndefine both\n  = a and a\n",
    );
    let f = facts(&policy, "a: true\nb: false\n");
    let ev = Evaluator::run(&policy, &f, &Options { as_of: date(2026, 1, 1), roles: BTreeSet::new(), traces: true });
    let fact = |n: &str| Input::Fact(FactId(policy.facts.iter().position(|x| x.name == n).expect(n) as u32));
    let check = |rule: &str, value: Value, inputs: Vec<Input>| {
        let r = id(&policy, rule);
        assert_eq!((ev.value(r), ev.inputs(r).to_vec()), (value, inputs), "{rule}");
    };
    check("all3", Value::Bool(false), vec![fact("b")]);
    check("some", Value::Unknown, vec![fact("c")]);
    check("any", Value::Bool(true), vec![fact("a")]);
    check("both", Value::Bool(true), vec![fact("a")]);
}

/// The shipped policy with no compiled program: every rule walks its expression tree.
fn tree_only() -> &'static Policy {
    static POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    POLICY.get_or_init(|| Policy { program: Program::default(), ..shipped() })
}

#[test]
fn most_shipped_definitions_are_compiled() {
    let policy = shipped_once();
    let defines = policy.items.iter().filter(|i| i.kind == ItemKind::Define).count();
    assert!(policy.program.len() * 2 > defines, "{} of {defines} definitions compiled", policy.program.len());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
    /// The compiled program gives the tree's values and inputs; without traces, the same values.
    #[test]
    fn the_compiled_program_gives_what_the_tree_gives(
        which in 0..EXAMPLES.len(),
        keep in proptest::collection::vec(proptest::bool::weighted(0.7), 1..60),
        year in 2022i16..2030,
        month in 1i8..13,
    ) {
        let (compiled, tree) = (shipped_once(), tree_only());
        let f = subset(&facts(compiled, EXAMPLES[which]), &keep);
        let traced = Options { as_of: date(year, month, 1), roles: BTreeSet::new(), traces: true };
        let fast = Evaluator::run(compiled, &f, &traced).into_results();
        let slow = Evaluator::run(tree, &f, &traced).into_results();
        proptest::prop_assert!(fast == slow);
        let untraced = Options { traces: false, ..traced };
        let values = Evaluator::run(compiled, &f, &untraced).into_results();
        proptest::prop_assert_eq!(all_values(&values), all_values(&slow));
        proptest::prop_assert_eq!(&values.outcomes.iter().map(|o| o.as_ref().map(|o| o.status)).collect::<Vec<_>>(),
            &slow.outcomes.iter().map(|o| o.as_ref().map(|o| o.status)).collect::<Vec<_>>());
    }
}

#[test]
fn compiled_junctions_keep_the_deciding_operands_inputs() {
    let policy = policy_of(
        "instrument t\n  title en \"T\"\n  title ko \"T\"\n  jurisdiction EU\n\nfact a : bool\n  question en \"?\"\n  question ko \"?\"\n\nfact n : integer\n  question en \"?\"\n  question ko \"?\"\n\nfact c : bool\n  question en \"?\"\n  question ko \"?\"\n\ndefine nested\n  = (a and n >= 3) or (c and not (n < 2)) or as_of >= 2026-01-01 and c\n\ndefine empty_and\n  = a and (c or n = 4)\n\ndefine deep\n  = not (a or not (c and (n > 1 or not a)))\n",
    );
    let tree = Policy { program: Program::default(), ..policy.clone() };
    assert_eq!(policy.program.len(), 3);
    for yaml in ["a: true\n", "a: true\nn: 3\n", "n: 1\nc: true\n", "c: false\n", "a: false\nn: 4\nc: true\n", ""] {
        let f = facts(&policy, yaml);
        for as_of in [date(2025, 1, 1), date(2026, 1, 1)] {
            let options = Options { as_of, roles: BTreeSet::new(), traces: true };
            let fast = Evaluator::run(&policy, &f, &options).into_results();
            let slow = Evaluator::run(&tree, &f, &options).into_results();
            assert!(fast == slow, "{yaml} {as_of}: {fast:?} != {slow:?}");
            let values = Evaluator::run(&policy, &f, &Options { traces: false, ..options }).into_results();
            assert_eq!(all_values(&values), all_values(&slow), "{yaml} {as_of}");
        }
    }
}
