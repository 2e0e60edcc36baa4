//! Expressions evaluated in Kleene's three-valued logic, each result with the inputs that decided
//! it (for traces, reasons and decisive questions).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use jiff::civil::Date;

use super::{Evaluator, Input};
use crate::facts::Evidence;
use crate::model::{Expr, ExprKind, ItemId};
use crate::syntax::ast::BinaryOp;
use crate::value::{Duration, TimeUnit, Value};

/// A value and the inputs that decided it.
pub(super) type Decided = (Value, Vec<Input>);

/// The state of a piece of evidence on the assessment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvidenceState {
    /// Held, dated on or before the assessment date, not expired and recent enough.
    Fresh,
    /// Held, but older than allowed.
    Stale,
    /// Held, but expired.
    Expired,
    /// Dated after the assessment date.
    NotYetDated,
    /// The organisation says it does not hold it.
    NotHeld,
    /// The facts file does not say.
    Missing,
}

impl EvidenceState {
    /// The word used in the outcome model.
    pub fn word(self) -> &'static str {
        match self {
            EvidenceState::Fresh => "fresh",
            EvidenceState::Stale => "stale",
            EvidenceState::Expired => "expired",
            EvidenceState::NotYetDated => "not_yet_dated",
            EvidenceState::NotHeld => "not_held",
            EvidenceState::Missing => "missing",
        }
    }
}

/// Kleene conjunction of two truth values.
pub fn and2(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
        (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
        _ => Value::Unknown,
    }
}

/// Kleene disjunction of two truth values.
pub fn or2(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Bool(true), _) | (_, Value::Bool(true)) => Value::Bool(true),
        (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
        _ => Value::Unknown,
    }
}

/// How many operands of one `and` or `or` whose inputs are tracked without allocating.
const INLINE_OPERANDS: usize = 16;

/// Kleene negation.
pub fn not(a: &Value) -> Value {
    match a {
        Value::Bool(b) => Value::Bool(!b),
        _ => Value::Unknown,
    }
}

fn compare(a: &Value, b: &Value, as_of: Date) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x, _), Value::Number(y, _)) => x.partial_cmp(y),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Duration(x), Value::Duration(y)) => x.compare(y, as_of),
        _ => None,
    }
}

fn equal(a: &Value, b: &Value, as_of: Date) -> Option<bool> {
    match (a, b) {
        (Value::Unknown, _) | (_, Value::Unknown) => None,
        (Value::Duration(_), _) | (Value::Number(..), _) | (Value::Date(_), _) => {
            compare(a, b, as_of).map(|o| o == Ordering::Equal)
        }
        (Value::Enum(_, x), Value::Enum(_, y)) => Some(x == y),
        (Value::Set(_, x), Value::Set(_, y)) => Some(x == y),
        (Value::Set(_, x), Value::List(ys)) | (Value::List(ys), Value::Set(_, x)) => {
            let idx: Option<BTreeSet<u32>> =
                ys.iter().map(|y| if let Value::Enum(_, i) = y { Some(*i) } else { None }).collect();
            idx.map(|i| i == *x)
        }
        _ => Some(a == b),
    }
}

fn members(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Set(e, s) => Some(s.iter().map(|i| Value::Enum(*e, *i)).collect()),
        Value::List(items) => Some(items.clone()),
        _ => None,
    }
}

pub(super) fn binary(op: BinaryOp, a: &Value, b: &Value, as_of: Date) -> Value {
    if !a.is_known() || !b.is_known() {
        return Value::Unknown;
    }
    let truth = |x: Option<bool>| x.map_or(Value::Unknown, Value::Bool);
    match op {
        BinaryOp::Eq => truth(equal(a, b, as_of)),
        BinaryOp::Ne => truth(equal(a, b, as_of).map(|e| !e)),
        BinaryOp::Lt => truth(compare(a, b, as_of).map(Ordering::is_lt)),
        BinaryOp::Le => truth(compare(a, b, as_of).map(Ordering::is_le)),
        BinaryOp::Gt => truth(compare(a, b, as_of).map(Ordering::is_gt)),
        BinaryOp::Ge => truth(compare(a, b, as_of).map(Ordering::is_ge)),
        BinaryOp::In | BinaryOp::NotIn => {
            let found = members(b).map(|ms| ms.iter().any(|m| equal(a, m, as_of) == Some(true)));
            truth(if op == BinaryOp::In { found } else { found.map(|f| !f) })
        }
        BinaryOp::Includes => truth(members(a).map(|ms| ms.iter().any(|m| equal(m, b, as_of) == Some(true)))),
        BinaryOp::IncludesAny | BinaryOp::IncludesAll => {
            let (Some(have), Some(want)) = (members(a), members(b)) else { return Value::Unknown };
            let has = |w: &Value| have.iter().any(|h| equal(h, w, as_of) == Some(true));
            truth(Some(if op == BinaryOp::IncludesAny { want.iter().any(has) } else { want.iter().all(has) }))
        }
        BinaryOp::Add | BinaryOp::Sub => arithmetic(op, a, b),
        BinaryOp::Mul => match (a, b) {
            (Value::Number(x, u), Value::Number(y, w)) => Value::Number(x * y, u.clone().or_else(|| w.clone())),
            (Value::Duration(d), Value::Number(n, _)) | (Value::Number(n, _), Value::Duration(d)) => {
                whole(*n).and_then(|n| d.times(n)).map_or(Value::Unknown, Value::Duration)
            }
            _ => Value::Unknown,
        },
        BinaryOp::Div => match (a, b) {
            (Value::Number(_, _), Value::Number(y, _)) if *y == 0.0 => Value::Unknown,
            (Value::Number(x, u), Value::Number(y, w)) => {
                let unit = if u == w { None } else { u.clone() };
                Value::Number(x / y, unit)
            }
            _ => Value::Unknown,
        },
    }
}

pub(super) fn whole(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() < 1e15).then_some(n as i64)
}

fn arithmetic(op: BinaryOp, a: &Value, b: &Value) -> Value {
    let sub = op == BinaryOp::Sub;
    match (a, b) {
        (Value::Number(x, u), Value::Number(y, w)) => {
            Value::Number(if sub { x - y } else { x + y }, u.clone().or_else(|| w.clone()))
        }
        (Value::Date(d), Value::Duration(s)) | (Value::Duration(s), Value::Date(d)) => {
            let s = if sub { s.negated() } else { s.clone() };
            s.after(*d).map_or(Value::Unknown, |t| Value::Date(t.date()))
        }
        (Value::Date(x), Value::Date(y)) if sub => x
            .since(*y)
            .map_or(Value::Unknown, |span| Value::Duration(Duration::of(i64::from(span.get_days()), TimeUnit::Days))),
        (Value::Duration(x), Value::Duration(y)) => Value::Duration(if sub { x.plus(&y.negated()) } else { x.plus(y) }),
        _ => Value::Unknown,
    }
}

impl Evaluator<'_> {
    /// The state of evidence `item` on the assessment date, with an optional age limit, and the
    /// last day held evidence counts: the day before its expiry, or the last day within its kind's
    /// validity or the age limit, whichever comes first.
    pub fn evidence_state(&self, item: ItemId, max_age: Option<&Duration>) -> (EvidenceState, Option<Date>) {
        let Some(record) = self.facts.evidence.get(&item) else { return (EvidenceState::Missing, None) };
        let Evidence::Held { date, expires, .. } = record else { return (EvidenceState::NotHeld, None) };
        let valid_for = self.policy.item(item).and_then(|i| i.valid_for.as_ref()).and_then(|e| match self.eval(e).0 {
            Value::Duration(d) => Some(d),
            _ => None,
        });
        // An age limit whose end cannot be represented makes the evidence stale.
        let ends: Vec<Option<Date>> =
            [valid_for.as_ref(), max_age].into_iter().flatten().map(|l| l.after(*date).map(|t| t.date())).collect();
        let last_day = expires.and_then(|e| e.yesterday().ok()).into_iter().chain(ends.iter().flatten().copied()).min();
        let state = if *date > self.state.as_of {
            EvidenceState::NotYetDated
        } else if expires.is_some_and(|e| e <= self.state.as_of) {
            EvidenceState::Expired
        } else if ends.iter().any(|end| end.is_none_or(|end| end < self.state.as_of)) {
            EvidenceState::Stale
        } else {
            EvidenceState::Fresh
        };
        (state, last_day)
    }

    /// Evaluates an expression (depth bounded by the parser) with the inputs that decided it.
    pub(super) fn eval(&self, e: &Expr) -> Decided {
        let mut inputs = Vec::new();
        let v = self.eval_into(e, &mut inputs);
        (v, inputs)
    }

    /// Evaluates an expression, appending the inputs that decided it to `out`: for `and`, the
    /// first false operand's alone (later operands are not evaluated), else those of the operands
    /// not true; `or` alike with true and false swapped.
    pub(super) fn eval_into(&self, e: &Expr, out: &mut Vec<Input>) -> Value {
        match &e.kind {
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Unknown => Value::Unknown,
            ExprKind::AsOf => {
                out.push(Input::AsOf);
                Value::Date(self.state.as_of)
            }
            ExprKind::Date(d) => Value::Date(*d),
            ExprKind::Text(t) => Value::Text(t.clone()),
            ExprKind::Number { value, unit } => match unit.as_deref().and_then(TimeUnit::from_word) {
                Some(u) => whole(*value).map_or(Value::Unknown, |n| Value::Duration(Duration::of(n, u))),
                None => Value::Number(*value, unit.clone()),
            },
            ExprKind::Variant(en, i) => Value::Enum(*en, *i),
            ExprKind::Fact(f) => {
                out.push(Input::Fact(*f));
                self.fact(*f).clone()
            }
            ExprKind::Item(i) => {
                out.push(Input::Rule(*i));
                self.value(*i)
            }
            ExprKind::Applies(i) => {
                out.push(Input::Rule(*i));
                self.outcome(*i).map_or(Value::Unknown, |o| o.applies.clone())
            }
            ExprKind::IsMet(i) => {
                out.push(Input::Rule(*i));
                self.outcome(*i).map_or(Value::Unknown, |o| o.met.clone())
            }
            ExprKind::Set(items) => {
                let values: Vec<Value> = items.iter().map(|x| self.eval_into(x, out)).collect();
                let variants: Option<(crate::model::EnumId, BTreeSet<u32>)> = match e.ty {
                    crate::model::Type::Set(en) => values
                        .iter()
                        .map(|v| if let Value::Enum(_, i) = v { Some(*i) } else { None })
                        .collect::<Option<_>>()
                        .map(|s| (en, s)),
                    _ => None,
                };
                match variants {
                    Some((en, s)) => Value::Set(en, s),
                    None => Value::List(values),
                }
            }
            ExprKind::Evidence { item, max_age } => {
                let limit = max_age.as_ref().and_then(|a| match self.eval_into(a, &mut Vec::new()) {
                    Value::Duration(d) => Some(d),
                    _ => None,
                });
                let (state, last_day) = self.evidence_state(*item, limit.as_ref());
                out.push(Input::Evidence(*item, state, last_day));
                match state {
                    EvidenceState::Fresh => Value::Bool(true),
                    EvidenceState::Missing => Value::Unknown,
                    _ => Value::Bool(false),
                }
            }
            ExprKind::Not(x) => not(&self.eval_into(x, out)),
            ExprKind::Neg(x) => match self.eval_into(x, out) {
                Value::Number(n, u) => Value::Number(-n, u),
                Value::Duration(d) => Value::Duration(d.negated()),
                _ => Value::Unknown,
            },
            ExprKind::IsKnown(x) => Value::Bool(self.eval_into(x, out).is_known()),
            ExprKind::And(xs) => self.junction(xs, false, out),
            ExprKind::Or(xs) => self.junction(xs, true, out),
            ExprKind::Binary(op, l, r) => {
                let a = self.eval_into(l, out);
                let b = self.eval_into(r, out);
                binary(*op, &a, &b, self.state.as_of)
            }
        }
    }

    /// `and` (`decisive` false) or `or` (`decisive` true) of `xs`: an operand with the decisive
    /// value decides alone; all operands with the other value decide together; otherwise the
    /// result is unknown, decided by the operands without that other value.
    fn junction(&self, xs: &[Expr], decisive: bool, out: &mut Vec<Input>) -> Value {
        let base = out.len();
        // The ranges in `out` of the operands that had the non-decisive value.
        let mut inline = [(0usize, 0usize); INLINE_OPERANDS];
        let mut spilled: Vec<(usize, usize)> = Vec::new();
        let mut count = 0;
        let mut unknown = false;
        for x in xs {
            let start = out.len();
            match self.eval_into(x, out) {
                Value::Bool(b) if b == decisive => {
                    out.copy_within(start.., base);
                    let len = out.len() - start;
                    out.truncate(base + len);
                    return Value::Bool(decisive);
                }
                Value::Bool(_) => {
                    match inline.get_mut(count) {
                        Some(slot) => *slot = (start, out.len()),
                        None => spilled.push((start, out.len())),
                    }
                    count += 1;
                }
                _ => unknown = true,
            }
        }
        if !unknown {
            return Value::Bool(!decisive);
        }
        // Unknown: drop the inputs of the operands that had the non-decisive value.
        let dropped = inline.iter().take(count).chain(spilled.iter());
        let mut write = base;
        let mut read = base;
        let end = out.len();
        for &(from, to) in dropped {
            out.copy_within(read..from, write);
            write += from - read;
            read = to;
        }
        out.copy_within(read..end, write);
        write += end - read;
        out.truncate(write);
        Value::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Value = Value::Bool(true);
    const F: Value = Value::Bool(false);
    const U: Value = Value::Unknown;

    #[test]
    fn kleene_truth_tables() {
        let table = [
            // a, b, a and b, a or b
            (T, T, T, T),
            (T, F, F, T),
            (T, U, U, T),
            (F, F, F, F),
            (F, U, F, U),
            (U, U, U, U),
        ];
        for (a, b, conj, disj) in table {
            assert_eq!(and2(&a, &b), conj, "{a:?} and {b:?}");
            assert_eq!(and2(&b, &a), conj, "{b:?} and {a:?}");
            assert_eq!(or2(&a, &b), disj, "{a:?} or {b:?}");
            assert_eq!(or2(&b, &a), disj, "{b:?} or {a:?}");
        }
        assert_eq!(not(&T), F);
        assert_eq!(not(&F), T);
        assert_eq!(not(&U), U);
    }

    #[test]
    fn comparisons_and_membership() {
        let d = jiff::civil::date(2026, 11, 26);
        let e = crate::model::EnumId(0);
        let set = Value::Set(e, BTreeSet::from([1, 2]));
        assert_eq!(binary(BinaryOp::Includes, &set, &Value::Enum(e, 2), d), T);
        assert_eq!(binary(BinaryOp::IncludesAny, &set, &Value::Set(e, BTreeSet::from([0, 3])), d), F);
        assert_eq!(binary(BinaryOp::IncludesAll, &set, &Value::Set(e, BTreeSet::from([1])), d), T);
        assert_eq!(binary(BinaryOp::In, &Value::Enum(e, 0), &set, d), F);
        assert_eq!(binary(BinaryOp::NotIn, &Value::Enum(e, 0), &set, d), T);
        assert_eq!(binary(BinaryOp::Gt, &Value::Number(2e25, None), &Value::Number(1e25, None), d), T);
        assert_eq!(binary(BinaryOp::Gt, &U, &Value::Number(1e25, None), d), U);
        let six = Value::Duration(Duration::of(6, TimeUnit::Months));
        let year = Value::Duration(Duration::of(1, TimeUnit::Years));
        assert_eq!(binary(BinaryOp::Ge, &year, &six, d), T);
        let placed = Value::Date(jiff::civil::date(2026, 1, 31));
        assert_eq!(
            binary(BinaryOp::Add, &placed, &Value::Duration(Duration::of(1, TimeUnit::Months)), d),
            Value::Date(jiff::civil::date(2026, 2, 28))
        );
        assert_eq!(binary(BinaryOp::Div, &Value::Number(1.0, None), &Value::Number(0.0, None), d), U);
    }
}
