//! Test coverage: which norms the tests expect an outcome of, which exceptions they make hold,
//! and which conditions they see both hold and fail.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::eval::Evaluator;
use crate::eval::coverage::{Condition, conditions};
use crate::model::{Item, ItemId, Policy, Test};
use crate::source::Sources;
use crate::syntax::ast::ItemKind;
use crate::value::Value;

/// What the tests exercised.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Everything below together, in percent (one decimal).
    pub percent: f64,
    /// Norms some test expects an outcome of.
    pub norms: Part,
    /// Exceptions, exemptions and derogations some test makes hold.
    pub exceptions: Part,
    /// Branches of conditions (each condition: holds in some test, fails in some test).
    pub branches: Part,
    /// What no test exercises, in file order.
    pub uncovered: Vec<Gap>,
}

/// Covered out of total for one kind of thing.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Part {
    /// How many are exercised.
    pub covered: usize,
    /// How many there are.
    pub total: usize,
    /// Covered in percent (one decimal; 100 when there are none).
    pub percent: f64,
}

impl Part {
    fn of(covered: usize, total: usize) -> Part {
        Part { covered, total, percent: percent(covered, total) }
    }
}

fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 { 100.0 } else { (covered as f64 * 1000.0 / total as f64).floor() / 10.0 }
}

/// Something no test exercises.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    /// `norm`, `exception` or `branch`.
    pub kind: &'static str,
    /// The rule (full id).
    pub rule: String,
    /// `file:line:col` of the rule, or of the condition for a branch.
    pub place: String,
    /// What is missing, in words.
    pub missing: String,
}

/// Coverage being counted over the tests of a run.
pub(super) struct Tally {
    norms: Vec<ItemId>,
    exceptions: Vec<ItemId>,
    conditions: Vec<Condition>,
    expected: BTreeSet<ItemId>,
    held: BTreeSet<ItemId>,
    /// Per condition: seen true, seen false.
    seen: Vec<(bool, bool)>,
}

impl Tally {
    /// Starts counting for the rules `keep` keeps.
    pub(super) fn new(policy: &Policy, keep: impl Fn(&Item) -> bool) -> Tally {
        let ids = |kinds: &[ItemKind]| -> Vec<ItemId> {
            policy
                .items
                .iter()
                .enumerate()
                .filter(|(_, i)| kinds.contains(&i.kind) && keep(i))
                .map(|(n, _)| ItemId(n as u32))
                .collect()
        };
        let conditions = conditions(policy, &keep);
        Tally {
            norms: ids(&[ItemKind::Obligation, ItemKind::Prohibition]),
            exceptions: ids(&[ItemKind::Exception, ItemKind::Exemption, ItemKind::Derogation]),
            seen: vec![(false, false); conditions.len()],
            conditions,
            expected: BTreeSet::new(),
            held: BTreeSet::new(),
        }
    }

    /// Counts what one test (evaluated as `ev`) exercises.
    pub(super) fn record(&mut self, ev: &Evaluator<'_>, test: &Test) {
        self.expected.extend(test.expects.iter().map(|(id, _, _)| *id));
        self.held.extend(self.exceptions.iter().copied().filter(|e| ev.value(*e) == Value::Bool(true)));
        for (c, seen) in self.conditions.iter().zip(self.seen.iter_mut()) {
            match ev.condition(c) {
                Value::Bool(true) => seen.0 = true,
                Value::Bool(false) => seen.1 = true,
                _ => {}
            }
        }
    }

    /// The coverage counted.
    pub(super) fn finish(self, policy: &Policy, sources: &Sources) -> Coverage {
        let name = |id: ItemId| policy.item(id).map(|i| i.qualified.clone()).unwrap_or_default();
        let place = |id: ItemId| policy.item(id).map(|i| sources.location(i.span)).unwrap_or_default();
        let mut uncovered: Vec<(crate::source::Span, Gap)> = Vec::new();
        for &n in self.norms.iter().filter(|n| !self.expected.contains(n)) {
            let gap = Gap {
                kind: "norm",
                rule: name(n),
                place: place(n),
                missing: "no test expects an outcome of it".into(),
            };
            uncovered.extend(policy.item(n).map(|i| (i.span, gap)));
        }
        for &e in self.exceptions.iter().filter(|e| !self.held.contains(e)) {
            let gap = Gap { kind: "exception", rule: name(e), place: place(e), missing: "it holds in no test".into() };
            uncovered.extend(policy.item(e).map(|i| (i.span, gap)));
        }
        let mut branches = 0;
        for (c, (t, f)) in self.conditions.iter().zip(&self.seen) {
            branches += usize::from(*t) + usize::from(*f);
            let missing = match (t, f) {
                (true, true) => continue,
                (true, false) => "never false in a test",
                (false, true) => "never true in a test",
                (false, false) => "neither true nor false in any test",
            };
            let gap = Gap {
                kind: "branch",
                rule: name(c.item),
                place: sources.location(c.span),
                missing: format!("`{}` is {missing}", c.clause.words()),
            };
            uncovered.push((c.span, gap));
        }
        uncovered.sort_by_key(|(span, _)| (span.file, span.start));
        let norms = Part::of(self.norms.iter().filter(|n| self.expected.contains(n)).count(), self.norms.len());
        let exceptions = Part::of(self.held.len(), self.exceptions.len());
        let branches = Part::of(branches, 2 * self.conditions.len());
        Coverage {
            percent: percent(
                norms.covered + exceptions.covered + branches.covered,
                norms.total + exceptions.total + branches.total,
            ),
            norms,
            exceptions,
            branches,
            uncovered: uncovered.into_iter().map(|(_, g)| g).collect(),
        }
    }
}
