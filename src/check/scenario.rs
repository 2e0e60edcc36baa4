//! The tests kept beside the rules: facts given with the right types, expectations that can
//! hold for the kind of rule they name.

use std::collections::BTreeMap;

use super::Checker;
use super::expr::{Resolved, compatible};
use crate::diagnostics::{Code, Context, Diagnostic};
use crate::model::{GivenEvidence, GivenFact, ItemId, ModuleId, Test, Type};
use crate::source::Span;
use crate::syntax::ast::{self, ClauseKind, Given, ItemKind, Outcome};

impl Checker<'_> {
    /// Checks every test and adds it to the policy.
    pub(super) fn scenarios(&mut self) {
        for mi in 0..self.asts.len() {
            let Some(&m) = self.ast_module.get(mi) else { continue };
            let tests: Vec<ast::Item> = self
                .asts
                .get(mi)
                .map(|a| a.items.iter().filter(|i| i.kind == ItemKind::Test).cloned().collect())
                .unwrap_or_default();
            for t in &tests {
                self.current = Some((None, Context { kind: "test".into(), id: t.name.name.clone(), cite: None }));
                let test = self.scenario(m, t);
                self.policy.tests.push(test);
            }
        }
        self.current = None;
    }

    fn scenario(&mut self, m: ModuleId, t: &ast::Item) -> Test {
        let mut test = Test {
            module: m,
            name: t.name.name.clone(),
            as_of: None,
            facts: Vec::new(),
            evidence: Vec::new(),
            expects: Vec::new(),
            span: t.name.span,
        };
        let mut given: BTreeMap<String, Span> = BTreeMap::new();
        for c in &t.clauses {
            match &c.kind {
                ClauseKind::AsOf(d) => test.as_of = Some(d.date),
                ClauseKind::Given(Given::Fact { path, value }) => {
                    if let Some(first) = given.insert(path.name.clone(), path.span) {
                        let d = Diagnostic::error(Code::BadGiven, path.span, format!("`{}` is given twice", path.name))
                            .label("second value")
                            .related(first, "first value")
                            .help("give each fact one value per test")
                            .in_context(self.ctx());
                        self.push(d);
                        continue;
                    }
                    if let Some(g) = self.given_fact(m, path, value) {
                        test.facts.push(g);
                    }
                }
                ClauseKind::Given(Given::Evidence { name, dated, expires, reference }) => {
                    if let Some(item) = self.evidence_ref(m, name) {
                        test.evidence.push(GivenEvidence {
                            item,
                            dated: dated.map(|d| d.date),
                            expires: expires.map(|d| d.date),
                            reference: reference.as_ref().map(|r| r.value.clone()),
                        });
                    }
                }
                ClauseKind::Expect { target, outcome, outcome_span } => {
                    let Some(id) = self.expectation(m, target, *outcome, *outcome_span) else { continue };
                    let earlier = test.expects.iter().find(|(e, o, _)| *e == id && !consistent(*o, *outcome));
                    if let Some(&(_, first, first_span)) = earlier {
                        let d = Diagnostic::error(
                            Code::BadExpectation,
                            *outcome_span,
                            format!("`{}` cannot be both `{}` and `{}`", target.name, first.words(), outcome.words()),
                        )
                        .label("contradicts an earlier expectation")
                        .related(first_span, "the earlier expectation")
                        .help("a norm that applies can also be `met`, `not met` or `unknown`; other outcomes exclude each other")
                        .in_context(self.ctx());
                        self.push(d);
                        continue;
                    }
                    test.expects.push((id, *outcome, c.span));
                }
                _ => {}
            }
        }
        test
    }

    fn given_fact(&mut self, m: ModuleId, path: &ast::Ident, value: &ast::Expr) -> Option<GivenFact> {
        let fid = match self.resolve(m, &path.name) {
            Resolved::Fact(f) => f,
            Resolved::Hidden(_) | Resolved::Item(_) | Resolved::Unknown => {
                let candidates: Vec<String> = self
                    .policy
                    .facts
                    .iter()
                    .filter(|f| f.module == m || self.policy.module(m).is_some_and(|md| md.uses.contains(&f.module)))
                    .map(|f| f.name.clone())
                    .collect();
                let help = crate::diagnostics::did_you_mean_help(&path.name, candidates.iter().map(String::as_str))
                    .unwrap_or_else(|| {
                        "a test gives values to facts declared in this module or in a module it uses".into()
                    });
                let d =
                    Diagnostic::error(Code::UnknownName, path.span, format!("there is no fact called `{}`", path.name))
                        .label("unknown fact")
                        .help(help)
                        .in_context(self.ctx());
                self.push(d);
                return None;
            }
        };
        let want = self.policy.fact(fid).map_or(Type::Any, |f| f.ty.clone());
        let v = self.expr(m, value, Some(&want));
        if !compatible(&v.ty, &want) {
            let help = match &want {
                Type::Set(_) => "give a set of values in braces, e.g. `{a, b}`",
                Type::Duration => "give a length of time, e.g. `6 months`",
                Type::Date => "give a date as YYYY-MM-DD",
                Type::Number(Some(_)) => "give an amount in the fact's unit",
                _ => "give a value of the fact's type",
            };
            let d = Diagnostic::error(
                Code::BadGiven,
                v.span,
                format!("`{}` is {}, but the test gives {}", path.name, self.describe(&want), self.describe(&v.ty)),
            )
            .label("wrong type")
            .help(help)
            .in_context(self.ctx());
            self.push(d);
            return None;
        }
        Some(GivenFact { fact: fid, value: v })
    }

    fn expectation(&mut self, m: ModuleId, target: &ast::Ident, outcome: Outcome, span: Span) -> Option<ItemId> {
        let Resolved::Item(id) = self.resolve(m, &target.name) else {
            self.unknown_name(
                m,
                target,
                "rule",
                Some(&[
                    ItemKind::Define,
                    ItemKind::Obligation,
                    ItemKind::Prohibition,
                    ItemKind::Exception,
                    ItemKind::Exemption,
                    ItemKind::Derogation,
                    ItemKind::Role,
                ]),
            );
            return None;
        };
        let kind = self.policy.item(id).map_or(ItemKind::Define, |i| i.kind);
        let fits = match kind {
            ItemKind::Obligation | ItemKind::Prohibition => !matches!(outcome, Outcome::True | Outcome::False),
            ItemKind::Evidence | ItemKind::Family | ItemKind::Event => false,
            _ => matches!(outcome, Outcome::True | Outcome::False | Outcome::Unknown),
        };
        if !fits {
            let help = if kind.is_norm() {
                "a norm is expected to be `applies`, `not applicable`, `met`, `not met`, `not in force` or `unknown`"
            } else {
                "a definition, exception or role is expected to be `true`, `false` or `unknown`"
            };
            let d = Diagnostic::error(
                Code::BadExpectation,
                span,
                format!(
                    "`{}` is {} {}; it cannot be `{}`",
                    target.name,
                    super::expr::article(kind),
                    kind.noun(),
                    outcome.words()
                ),
            )
            .label("not an outcome of this kind of rule")
            .help(help)
            .in_context(self.ctx());
            self.push(d);
            return None;
        }
        Some(id)
    }
}

/// Whether two expectations for one rule can both hold: a norm that applies is also met, not met
/// or undecided; every other pair (and the same outcome twice) is a contradiction or a repeat.
fn consistent(a: Outcome, b: Outcome) -> bool {
    use Outcome::*;
    matches!((a, b), (Applies, Met | NotMet | Unknown) | (Met | NotMet | Unknown, Applies))
}
