//! Checks over the whole policy set: date ranges, conflicting rules of equal rank, unused facts
//! and norms that can never apply.

use std::collections::BTreeSet;

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Dated, Expr, ExprKind, ItemId, Type};
use crate::syntax::ast::BinaryOp;

/// A truth value known without any facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// A canonical text of an expression, for comparing two conditions or values.
fn key(e: &Expr) -> String {
    let list = |xs: &[Expr], sep: &str| xs.iter().map(key).collect::<Vec<_>>().join(sep);
    match &e.kind {
        ExprKind::Bool(b) => b.to_string(),
        // `unknown` written by the author, or a part that already has an error: never equal to another.
        ExprKind::Unknown => format!("unknown@{}:{}", e.span.file.0, e.span.start),
        ExprKind::AsOf => "as_of".into(),
        ExprKind::Number { value, unit } => format!("{value}{}", unit.as_deref().unwrap_or("")),
        ExprKind::Date(d) => d.to_string(),
        ExprKind::Text(t) => format!("{t:?}"),
        ExprKind::Fact(f) => format!("f{}", f.0),
        ExprKind::Item(i) => format!("i{}", i.0),
        ExprKind::Variant(e, v) => format!("v{}.{v}", e.0),
        ExprKind::Set(xs) => format!("{{{}}}", list(xs, ",")),
        ExprKind::Evidence { item, max_age } => {
            format!("ev{}<{}>", item.0, max_age.as_ref().map_or(String::new(), |a| key(a)))
        }
        ExprKind::Not(x) => format!("!({})", key(x)),
        ExprKind::Neg(x) => format!("-({})", key(x)),
        ExprKind::IsMet(i) => format!("met{}", i.0),
        ExprKind::Applies(i) => format!("applies{}", i.0),
        ExprKind::IsKnown(x) => format!("known({})", key(x)),
        ExprKind::Binary(op, l, r) => format!("({} {} {})", key(l), op.symbol(), key(r)),
        ExprKind::And(xs) => format!("({})", list(xs, " & ")),
        ExprKind::Or(xs) => format!("({})", list(xs, " | ")),
    }
}

/// One conjunct of a condition in a form two conditions can be compared on.
enum Atom {
    Is(String, bool),
    OneOf(String, BTreeSet<u32>),
}

fn atoms(e: &Expr, out: &mut Vec<Atom>) {
    match &e.kind {
        ExprKind::And(xs) => xs.iter().for_each(|x| atoms(x, out)),
        ExprKind::Not(x) if matches!(x.kind, ExprKind::Fact(_) | ExprKind::Item(_)) => {
            out.push(Atom::Is(key(x), false))
        }
        ExprKind::Fact(_) | ExprKind::Item(_) => out.push(Atom::Is(key(e), true)),
        ExprKind::Binary(BinaryOp::Eq, l, r) => {
            if let ExprKind::Variant(_, v) = r.kind {
                out.push(Atom::OneOf(key(l), BTreeSet::from([v])));
            }
        }
        ExprKind::Binary(BinaryOp::In, l, r) => {
            if let ExprKind::Set(xs) = &r.kind {
                let vs: Option<BTreeSet<u32>> =
                    xs.iter().map(|x| if let ExprKind::Variant(_, v) = x.kind { Some(v) } else { None }).collect();
                if let Some(vs) = vs {
                    out.push(Atom::OneOf(key(l), vs));
                }
            }
        }
        _ => {}
    }
}

/// Whether two conditions can be seen, from their conjuncts alone, never to hold together.
fn exclusive(a: &Expr, b: &Expr) -> bool {
    let (mut xa, mut xb) = (Vec::new(), Vec::new());
    atoms(a, &mut xa);
    atoms(b, &mut xb);
    xa.iter().any(|p| {
        xb.iter().any(|q| match (p, q) {
            (Atom::Is(k1, v1), Atom::Is(k2, v2)) => k1 == k2 && v1 != v2,
            (Atom::OneOf(k1, s1), Atom::OneOf(k2, s2)) => k1 == k2 && s1.is_disjoint(s2),
            _ => false,
        })
    })
}

impl Checker<'_> {
    /// `complete` is false when some declarations failed to parse: then the checks that need the
    /// whole set (unused facts, unreachable norms) are skipped rather than guessed.
    pub(super) fn whole_set_checks(&mut self, complete: bool) {
        for i in 0..self.policy.items.len() {
            self.begin(ItemId(i as u32));
            self.date_ranges(ItemId(i as u32));
            self.exception_conflicts(ItemId(i as u32));
        }
        self.current = None;
        // A misspelled name leaves the fact it meant unused: do not report that twice.
        let names_unresolved = self.diags.iter().any(|d| d.code == Code::UnknownName);
        if complete && !names_unresolved {
            self.unused_facts();
            self.unreachable_norms();
        }
    }

    fn date_ranges(&mut self, id: ItemId) {
        let Some(item) = self.policy.item(id) else { return };
        let (from, until) = (item.from.clone(), item.until.clone());
        let same_case = |a: &Dated, b: &Dated| {
            let versions = a.under.is_none() || b.under.is_none() || a.under == b.under;
            let conds = match (&a.condition, &b.condition) {
                (None, _) | (_, None) => true,
                (Some(x), Some(y)) => key(x) == key(y),
            };
            versions && conds
        };
        for u in &until {
            for f in from.iter().filter(|f| same_case(f, u)) {
                if u.date <= f.date {
                    let d = Diagnostic::error(
                        Code::DateRange,
                        u.span,
                        format!("this stops applying on {} but only starts on {}", u.date, f.date),
                    )
                    .label("ends before it starts")
                    .related(f.span, "starts here")
                    .help("check both dates against the provision; `until` is the first day the rule no longer applies")
                    .in_context(self.ctx());
                    self.push(d);
                }
            }
        }
        for (i, a) in from.iter().enumerate() {
            for b in from.iter().skip(i + 1) {
                let cond_eq = match (&a.condition, &b.condition) {
                    (None, None) => true,
                    (Some(x), Some(y)) => key(x) == key(y),
                    _ => false,
                };
                if cond_eq && a.under == b.under && a.date != b.date {
                    let d = Diagnostic::error(
                        Code::Conflict,
                        b.span,
                        format!("two start dates ({} and {}) for the same case", a.date, b.date),
                    )
                    .label("second start date")
                    .related(a.span, "first start date")
                    .help("give each date its own condition (`if …`) or version (`under …`)")
                    .in_context(self.ctx());
                    self.push(d);
                }
            }
        }
    }

    /// Two exceptions to one rule with the same priority that can both hold and give different
    /// results are a conflict the law's author must resolve.
    fn exception_conflicts(&mut self, target: ItemId) {
        let Some(t) = self.policy.item(target) else { return };
        let excs: Vec<ItemId> = t.exceptions.clone();
        let tname = t.name.clone();
        for (i, &a) in excs.iter().enumerate() {
            for &b in excs.iter().skip(i + 1) {
                let (Some(ea), Some(eb)) = (self.policy.item(a), self.policy.item(b)) else { continue };
                if ea.priority != eb.priority {
                    continue;
                }
                let result = |g: &Option<Expr>| g.as_ref().map_or("false".to_string(), key);
                if result(&ea.gives) == result(&eb.gives) {
                    continue;
                }
                let both = match (&ea.when, &eb.when) {
                    (Some(x), Some(y)) => !exclusive(x, y),
                    _ => true,
                };
                if both {
                    let d = Diagnostic::error(
                        Code::Conflict,
                        eb.span,
                        format!("`{}` and `{}` are exceptions of equal priority to `{tname}` that can both apply and give different results", ea.name, eb.name),
                    )
                    .label("conflicts with another exception")
                    .related(ea.span, "the other exception")
                    .help("give the one that prevails a higher `priority`, or make their conditions exclusive (e.g. `and not …`)")
                    .in_context(self.context(b).as_ref());
                    self.push(d);
                }
            }
        }
    }

    fn unused_facts(&mut self) {
        let unused: Vec<(String, crate::source::Span)> = self
            .policy
            .facts
            .iter()
            .enumerate()
            .filter(|(i, f)| f.ty != Type::Text && !self.used_facts.contains(*i as u32))
            .filter(|(_, f)| self.vocabulary_in_use(f.module))
            .map(|(_, f)| (f.name.clone(), f.span))
            .collect();
        for (name, span) in unused {
            self.push(
                Diagnostic::warning(Code::UnusedFact, span, format!("no rule uses the fact `{name}`"))
                    .label("unused")
                    .help("use it in a condition, or remove it; every question put to a system owner should decide something"),
            );
        }
    }

    /// A vocabulary's facts are only judged unused when some loaded module uses the vocabulary;
    /// an instrument's own facts always are.
    fn vocabulary_in_use(&self, m: crate::model::ModuleId) -> bool {
        let is_vocabulary =
            self.policy.module(m).is_some_and(|md| md.kind == crate::syntax::ast::ModuleKind::Vocabulary);
        !is_vocabulary || self.policy.modules.iter().any(|other| other.uses.contains(&m))
    }

    /// Whether a rule holds, decided without facts, in dependency order.
    fn constant(&self, memo: &[Tri], e: &Expr) -> Tri {
        match &e.kind {
            ExprKind::Bool(true) => Tri::True,
            ExprKind::Bool(false) => Tri::False,
            ExprKind::Item(i) => memo.get(i.0 as usize).copied().unwrap_or(Tri::Unknown),
            ExprKind::Not(x) => self.constant(memo, x).not(),
            ExprKind::And(xs) => Self::junction(xs.iter().map(|x| self.constant(memo, x)), Tri::False, Tri::True),
            ExprKind::Or(xs) => Self::junction(xs.iter().map(|x| self.constant(memo, x)), Tri::True, Tri::False),
            _ => Tri::Unknown,
        }
    }

    /// An `and` (`decisive` false) or an `or` (`decisive` true) of the operands' values: the
    /// decisive value if one has it, `other` if all have the other, otherwise unknown.
    fn junction(values: impl Iterator<Item = Tri>, decisive: Tri, other: Tri) -> Tri {
        let mut all_other = true;
        for v in values {
            if v == decisive {
                return decisive;
            }
            all_other &= v == other;
        }
        if all_other { other } else { Tri::Unknown }
    }

    fn unreachable_norms(&mut self) {
        let mut memo = vec![Tri::Unknown; self.policy.items.len()];
        let order = self.policy.order.clone();
        for &id in &order {
            let Some(item) = self.policy.item(id) else { continue };
            let base = match (&item.value, &item.when) {
                (Some(v), _) if v.ty == Type::Bool => self.constant(&memo, v),
                (Some(_), _) => Tri::Unknown,
                (None, Some(w)) => self.constant(&memo, w),
                (None, None) => Tri::True,
            };
            let unless = item.unless.as_ref().map_or(Tri::False, |u| self.constant(&memo, u));
            let excepted = item.exceptions.iter().fold(Tri::False, |acc, e| {
                let v = memo.get(e.0 as usize).copied().unwrap_or(Tri::Unknown);
                match (acc, v) {
                    (Tri::True, _) | (_, Tri::True) => Tri::True,
                    (Tri::False, Tri::False) => Tri::False,
                    _ => Tri::Unknown,
                }
            });
            let blocked = match (unless, excepted) {
                (Tri::True, _) | (_, Tri::True) => Tri::True,
                (Tri::False, Tri::False) => Tri::False,
                _ => Tri::Unknown,
            };
            let holds = match (base, blocked) {
                (Tri::False, _) | (_, Tri::True) => Tri::False,
                (Tri::True, Tri::False) => Tri::True,
                _ => Tri::Unknown,
            };
            // A rule limited in time holds only in some periods: never "always".
            let holds = if holds == Tri::True && !(item.from.is_empty() && item.until.is_empty()) {
                Tri::Unknown
            } else {
                holds
            };
            let roles_possible =
                item.binds.is_empty() || item.binds.iter().any(|r| memo.get(r.0 as usize) != Some(&Tri::False));
            if let Some(slot) = memo.get_mut(id.0 as usize) {
                *slot = holds;
            }
            if item.kind.is_norm() && (holds == Tri::False || !roles_possible) {
                let (name, span) = (item.name.clone(), item.span);
                let why = if roles_possible {
                    "its condition, its `unless` or an exception to it rules it out whatever the facts are"
                } else {
                    "none of the roles it binds can ever be held"
                };
                self.push(
                    Diagnostic::warning(Code::Unreachable, span, format!("the norm `{name}` can never apply: {why}"))
                        .label("never applies")
                        .help("check the conditions against the provision; a norm that never applies is usually a mistake")
                        .in_context(self.context(id).as_ref()),
                );
            }
        }
    }
}
