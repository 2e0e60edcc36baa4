//! `norma test`: runs the tests kept beside the rules, explains each failure with the derivation
//! of the outcome the rules gave, and measures which norms, exceptions and condition branches the
//! tests exercise ([`coverage`]). The result is a `norma.tests/v1` document; rendering it as text or
//! JUnit is in [`render`].

pub mod coverage;
pub mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::eval::{Evaluator, Input, test_facts, test_options, unmet};
use crate::model::{ItemId, Policy, Test};
use crate::outcome::json_value;
use crate::source::{FileId, Sources};
pub use coverage::Coverage;

/// The results of running tests.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun {
    /// `norma.tests/v1`.
    pub schema: &'static str,
    /// Every test run (a test with a table of cases: one per case), in file order.
    pub tests: Vec<TestResult>,
    /// How many passed.
    pub passed: usize,
    /// How many failed.
    pub failed: usize,
    /// What the tests exercised, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

/// One test (or one case of a test's table).
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// Its title.
    pub name: String,
    /// The row of its table of cases (1-based), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<usize>,
    /// The module it is written in.
    pub module: String,
    /// `file:line:col` of the test (or of its row).
    pub place: String,
    /// Its assessment date.
    pub as_of: String,
    /// How many outcomes it expects.
    pub expectations: usize,
    /// The expectations not met.
    pub failures: Vec<TestFailure>,
}

impl TestResult {
    /// The title, with the case number when it is one row of a table.
    pub fn title(&self) -> String {
        match self.case {
            Some(n) => format!("{} [case {n}]", self.name),
            None => self.name.clone(),
        }
    }
}

/// An expectation not met.
#[derive(Debug, Clone, Serialize)]
pub struct TestFailure {
    /// The rule (full id).
    pub rule: String,
    /// `file:line:col` of the expectation.
    pub place: String,
    /// The outcome expected, as written.
    pub expected: String,
    /// The outcome the rules gave.
    pub actual: String,
    /// How the rules reached it: the rule first, then every rule it depends on.
    pub trace: Vec<TraceStep>,
}

/// One rule of a failure's derivation.
#[derive(Debug, Clone, Serialize)]
pub struct TraceStep {
    /// The rule (full id).
    pub rule: String,
    /// Its kind (`define`, `obligation`, …).
    pub kind: String,
    /// Its citations.
    pub cite: Vec<String>,
    /// Its value or status in the test.
    pub value: String,
    /// The facts it read, with their values in the test (`unknown` when not given).
    pub facts: BTreeMap<String, String>,
    /// The evidence it read, with its state in the test.
    pub evidence: BTreeMap<String, String>,
}

/// Runs the tests of `policy` written in the files `own` accepts, and measures coverage of the
/// rules in those files when `with_coverage`.
pub fn run(policy: &Policy, sources: &Sources, own: impl Fn(FileId) -> bool, with_coverage: bool) -> TestRun {
    let mut tally = with_coverage.then(|| coverage::Tally::new(policy, |item| own(item.span.file)));
    let mut tests = Vec::new();
    for test in policy.tests.iter().filter(|t| own(t.span.file)) {
        let facts = test_facts(test, policy);
        let ev = Evaluator::run(policy, &facts, &test_options(test));
        if let Some(t) = tally.as_mut() {
            t.record(&ev, test);
        }
        tests.push(result(&ev, test, sources));
    }
    let failed = tests.iter().filter(|t| !t.failures.is_empty()).count();
    TestRun {
        schema: "norma.tests/v1",
        passed: tests.len() - failed,
        failed,
        tests,
        coverage: tally.map(|t| t.finish(policy, sources)),
    }
}

fn result(ev: &Evaluator<'_>, test: &Test, sources: &Sources) -> TestResult {
    let policy = ev.policy();
    let failures = unmet(ev, test)
        .into_iter()
        .map(|f| TestFailure {
            rule: qualified(policy, f.rule),
            place: sources.location(f.span),
            expected: f.expected.words().to_string(),
            actual: f.actual,
            trace: trace(ev, f.rule),
        })
        .collect();
    TestResult {
        name: test.name.clone(),
        case: test.case,
        module: policy.module(test.module).map(|m| m.id.clone()).unwrap_or_default(),
        place: sources.location(test.span),
        as_of: test.as_of.map(|d| d.to_string()).unwrap_or_default(),
        expectations: test.expects.len(),
        failures,
    }
}

fn qualified(policy: &Policy, id: ItemId) -> String {
    policy.item(id).map(|i| i.qualified.clone()).unwrap_or_default()
}

/// The derivation of `rule` in `ev`, each rule with its value and the facts and evidence it read.
fn trace(ev: &Evaluator<'_>, rule: ItemId) -> Vec<TraceStep> {
    let policy = ev.policy();
    ev.derivation(rule)
        .into_iter()
        .filter_map(|id| {
            let item = policy.item(id)?;
            let value = match ev.outcome(id) {
                Some(o) => o.status.word().to_string(),
                None => json_value(policy, &ev.value(id)).to_string(),
            };
            let mut facts = BTreeMap::new();
            let mut evidence = BTreeMap::new();
            for input in ev.inputs(id) {
                match input {
                    Input::Fact(f) => {
                        let name = policy.fact(*f).map(|x| x.name.clone()).unwrap_or_default();
                        let v = ev.facts().get(*f);
                        let shown = if v.is_known() { json_value(policy, v).to_string() } else { "unknown".into() };
                        facts.insert(name, shown);
                    }
                    Input::Evidence(e, state, _) => {
                        evidence.insert(qualified(policy, *e), state.word().to_string());
                    }
                    Input::Rule(_) | Input::AsOf => {}
                }
            }
            Some(TraceStep {
                rule: item.qualified.clone(),
                kind: item.kind.keyword().to_string(),
                cite: item.cites.clone(),
                value,
                facts,
                evidence,
            })
        })
        .collect()
}
