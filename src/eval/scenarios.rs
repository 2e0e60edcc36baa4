//! Running the tests kept beside the rules: the facts a test gives, evaluated as of its date,
//! against the outcomes it expects.

use std::collections::BTreeSet;

use super::{Evaluator, Options, Status, Why};
use crate::facts::{Evidence, Facts};
use crate::model::{ItemId, Policy, Test};
use crate::source::Span;
use crate::syntax::ast::{ItemKind, Outcome};
use crate::value::Value;

/// An expectation a test does not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The rule.
    pub rule: ItemId,
    /// What the test expects.
    pub expected: Outcome,
    /// What the evaluation gives, in words.
    pub actual: String,
    /// Where the expectation is written.
    pub span: Span,
}

/// The facts and evidence a test gives.
pub fn test_facts(test: &Test, policy: &Policy) -> Facts {
    let empty = Facts::default();
    let as_of = test.as_of.unwrap_or_default();
    let constants = Evaluator::run(policy, &empty, &Options { as_of, roles: BTreeSet::new(), traces: true });
    let mut facts = Facts::default();
    for g in &test.facts {
        facts.values.insert(g.fact, constants.eval(&g.value).0);
    }
    for e in &test.evidence {
        let record = match e.dated {
            Some(date) => Evidence::Held {
                reference: e.reference.clone().unwrap_or_default(),
                date,
                expires: e.expires,
                scope: None,
            },
            None => Evidence::NotHeld,
        };
        facts.evidence.insert(e.item, record);
    }
    facts
}

/// Runs one test and returns the expectations it does not meet.
pub fn run_test(policy: &Policy, test: &Test) -> Vec<Failure> {
    let facts = test_facts(test, policy);
    let ev = Evaluator::run(policy, &facts, &test_options(test));
    unmet(&ev, test)
}

/// The evaluation options of a test: its date, roles decided by its facts.
pub fn test_options(test: &Test) -> Options {
    Options { as_of: test.as_of.unwrap_or_default(), roles: BTreeSet::new(), traces: true }
}

/// The expectations of `test` that the evaluation `ev` (of the test's facts) does not meet.
pub fn unmet(ev: &Evaluator<'_>, test: &Test) -> Vec<Failure> {
    let policy = ev.policy();
    let mut failures = Vec::new();
    for &(rule, expected, span) in &test.expects {
        let kind = policy.item(rule).map_or(ItemKind::Define, |i| i.kind);
        let (holds, actual) = if kind.is_norm() {
            let Some(o) = ev.outcome(rule) else { continue };
            let holds = match expected {
                Outcome::Applies => o.applies == Value::Bool(true),
                Outcome::NotApplicable => o.status == Status::NotApplicable,
                Outcome::Met => o.status == Status::Met,
                Outcome::NotMet => o.status == Status::NotMet,
                Outcome::Unknown => o.status == Status::Unknown,
                Outcome::NotInForce => {
                    o.status == Status::NotYetApplicable || matches!(o.why, Why::Ended | Why::NotInVersion)
                }
                Outcome::True | Outcome::False => false,
            };
            let from = o.applies_from.map_or(String::new(), |d| format!(" (applies from {d})"));
            let words = match o.status {
                Status::Violated => "violated (a prohibition that applies)",
                Status::Met => "met",
                Status::NotMet => "not met",
                Status::Unknown => "unknown",
                Status::NotApplicable => "not applicable",
                Status::NotYetApplicable => "not in force",
            };
            (holds, format!("{words}{from}"))
        } else {
            let v = ev.value(rule);
            let holds = match expected {
                Outcome::True => v == Value::Bool(true),
                Outcome::False => v == Value::Bool(false),
                Outcome::Unknown => !v.is_known(),
                _ => false,
            };
            let actual = match v {
                Value::Bool(b) => b.to_string(),
                Value::Unknown => "unknown".to_string(),
                other => format!("{other:?}"),
            };
            (holds, actual)
        };
        if !holds {
            failures.push(Failure { rule, expected, actual, span });
        }
    }
    failures
}
