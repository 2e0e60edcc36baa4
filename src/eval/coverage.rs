//! The conditions of the rules, for test coverage: each has two branches (it holds, it does not)
//! that the tests should exercise between them.

use super::Evaluator;
use crate::model::{Expr, Item, ItemId, Policy, Type};
use crate::source::Span;
use crate::syntax::ast::ItemKind;
use crate::value::Value;

/// One condition of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The rule.
    pub item: ItemId,
    /// The clause it is written in.
    pub clause: Clause,
    /// Where the condition is written.
    pub span: Span,
}

/// A clause that holds a condition; repeatable clauses carry their position among those of the
/// rule, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clause {
    /// `= …` of a yes/no definition.
    Value,
    /// `when …`
    When,
    /// `unless …`
    Unless,
    /// `met when …`
    Met,
    /// `deemed met when …`
    Deemed(usize),
    /// `presumed met when …`
    Presumed(usize),
    /// `from DATE if …`
    From(usize),
    /// `until DATE if …`
    Until(usize),
}

impl Clause {
    /// The clause's keywords as written.
    pub fn words(self) -> &'static str {
        match self {
            Clause::Value => "=",
            Clause::When => "when",
            Clause::Unless => "unless",
            Clause::Met => "met when",
            Clause::Deemed(_) => "deemed met when",
            Clause::Presumed(_) => "presumed met when",
            Clause::From(_) => "from … if",
            Clause::Until(_) => "until … if",
        }
    }
}

/// Every condition of the rules of `policy` that `keep` keeps, in declaration order.
pub fn conditions(policy: &Policy, keep: impl Fn(&Item) -> bool) -> Vec<Condition> {
    let mut out = Vec::new();
    for (i, item) in policy.items.iter().enumerate() {
        let evaluated = matches!(
            item.kind,
            ItemKind::Define
                | ItemKind::Role
                | ItemKind::Obligation
                | ItemKind::Prohibition
                | ItemKind::Exception
                | ItemKind::Exemption
                | ItemKind::Derogation
        );
        if !evaluated || !keep(item) {
            continue;
        }
        let id = ItemId(i as u32);
        let mut push = |clause: Clause, expr: &Expr| out.push(Condition { item: id, clause, span: expr.span });
        if let Some(e) = item.value.as_ref().filter(|e| e.ty == Type::Bool) {
            push(Clause::Value, e);
        }
        if let Some(e) = &item.when {
            push(Clause::When, e);
        }
        if let Some(e) = &item.unless {
            push(Clause::Unless, e);
        }
        if let Some(e) = &item.met {
            push(Clause::Met, e);
        }
        for (n, c) in item.deemed.iter().enumerate() {
            push(Clause::Deemed(n), &c.expr);
        }
        for (n, c) in item.presumed.iter().enumerate() {
            push(Clause::Presumed(n), &c.expr);
        }
        for (n, d) in item.from.iter().enumerate() {
            if let Some(e) = &d.condition {
                push(Clause::From(n), e);
            }
        }
        for (n, d) in item.until.iter().enumerate() {
            if let Some(e) = &d.condition {
                push(Clause::Until(n), e);
            }
        }
    }
    out
}

impl Evaluator<'_> {
    /// The value of a condition in this evaluation; unknown for a dated condition of a version
    /// not in force (it was not considered).
    pub fn condition(&self, c: &Condition) -> Value {
        let Some(item) = self.policy.item(c.item) else { return Value::Unknown };
        let expr = match c.clause {
            Clause::Value => item.value.as_ref(),
            Clause::When => item.when.as_ref(),
            Clause::Unless => item.unless.as_ref(),
            Clause::Met => item.met.as_ref(),
            Clause::Deemed(n) => item.deemed.get(n).map(|x| &x.expr),
            Clause::Presumed(n) => item.presumed.get(n).map(|x| &x.expr),
            Clause::From(n) => item.from.get(n).filter(|d| self.counts(item, d)).and_then(|d| d.condition.as_ref()),
            Clause::Until(n) => item.until.get(n).filter(|d| self.counts(item, d)).and_then(|d| d.condition.as_ref()),
        };
        expr.map_or(Value::Unknown, |e| self.eval(e).0)
    }
}
