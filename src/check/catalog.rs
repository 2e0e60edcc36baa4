//! Catalogs of standards: a `catalog` module names one standard and lists its clauses and controls
//! as `item` declarations. They are registered here, and every `standard "…" [clause "…"]` clause
//! and every crosswalk to a standard is checked against the loaded catalogs: a reference close to
//! a catalog's but not the same is N0111, a clause the catalog does not list is N0112. A reference
//! to a standard that no loaded catalog is close to is recorded unchecked.

use super::clauses::{RELATIONS, check_word};
use super::declare::{texts, verification};
use super::{Checker, context_of};
use crate::diagnostics::{Code, Context, Diagnostic};
use crate::model::{CONFIDENCES, Catalog, CatalogItem, ModuleId};
use crate::syntax::ast::{self, ClauseKind, CrosswalkTarget, ItemHead, ItemKind, Text};

/// A reference reduced to what tells standards apart: the letters and digits of its body, without
/// the year or edition after `:` and without the words TR/TS (so that `ISO/IEC 24027` and
/// `ISO/IEC TR 24027:2021` are the same standard).
fn family(reference: &str) -> String {
    let body = reference.split(':').next().unwrap_or(reference);
    body.split_whitespace()
        .filter(|w| !matches!(w.to_ascii_uppercase().as_str(), "TR" | "TS"))
        .flat_map(str::chars)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The number of a standard: its first run of four or more digits (`42001`), if any.
fn number(family: &str) -> Option<&str> {
    family.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() >= 4)
}

/// Whether two reduced references name the same standard: the same letters and digits, the same
/// number (`ISO/IEC 42001` and `ISO/EIC 42001:2022`), or one a long prefix of the other
/// (`NIST AI RMF` and `NIST AI RMF 1.0`).
fn same_standard(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    a == b || (number(a).is_some() && number(a) == number(b)) || (short.len() >= 6 && long.starts_with(short))
}

/// "did you mean …?" with the identifier nearest to `part`: at most two edits away, then the
/// longest common beginning, then the nearest last number (`A.6.2.8` for `A.6.2.9`). Ties are all
/// named, up to three. (The general suggestion prefers names with the same last dotted part, which
/// for clause numbers would suggest `A.9`.)
fn closest_items(part: &str, ids: &[&str]) -> Option<String> {
    let lower = part.to_lowercase();
    let last_number = |s: &str| s.rsplit(['.', ' ']).next().and_then(|n| n.parse::<i64>().ok());
    let wanted = last_number(&lower);
    let rank = |id: &str| {
        let low = id.to_lowercase();
        let common = lower.chars().zip(low.chars()).take_while(|(a, b)| a == b).count();
        let gap = match (wanted, last_number(&low)) {
            (Some(a), Some(b)) => (a - b).unsigned_abs(),
            _ => u64::MAX,
        };
        (strsim::levenshtein(&lower, &low), std::cmp::Reverse(common), gap)
    };
    let mut scored: Vec<_> = ids.iter().map(|id| (rank(id), *id)).filter(|((d, _, _), _)| *d <= 2).collect();
    scored.sort();
    let best = scored.first()?.0;
    let quoted: Vec<String> =
        scored.iter().filter(|(r, _)| *r == best).take(3).map(|(_, id)| format!("`{id}`")).collect();
    match quoted.split_last()? {
        (last, []) => Some(format!("did you mean {last}?")),
        (last, rest) => Some(format!("did you mean {} or {last}?", rest.join(", "))),
    }
}

impl Checker<'_> {
    /// Registers the catalog a `catalog` header declares.
    pub(super) fn declare_catalog(&mut self, module: ModuleId, header: &ast::Header) {
        let mut reference: Option<&Text> = None;
        for c in &header.clauses {
            let ClauseKind::Standard(s) = &c.kind else { continue };
            let ast::StandardRef { name, part, relation, confidence } = &**s;
            if let Some(first) = reference {
                self.push(
                    Diagnostic::error(Code::ClauseRepeated, c.span, "a catalog describes one standard")
                        .label("second standard")
                        .related(first.span, "the catalog's standard")
                        .help("write one catalog module per standard"),
                );
                continue;
            }
            if part.is_some() || relation.is_some() || confidence.is_some() {
                self.push(
                    Diagnostic::error(
                        Code::ClauseNotAllowed,
                        c.span,
                        "a catalog's `standard` clause names the standard only",
                    )
                    .label("no clause, relation or confidence here")
                    .help("write `standard \"REFERENCE\"`; the clauses are the catalog's `item` declarations"),
                );
            }
            if let Some(other) = self.policy.catalogs.iter().find(|k| k.reference == name.value) {
                let first = self.policy.module(other.module).map(|m| m.span);
                let mut d =
                    Diagnostic::error(Code::Duplicate, name.span, format!("two catalogs describe `{}`", name.value))
                        .label("second catalog")
                        .help("keep one catalog per standard");
                if let Some(s) = first {
                    d = d.related(s, "first catalog");
                }
                self.push(d);
                return;
            }
            reference = Some(name);
        }
        let Some(reference) = reference else { return }; // reported as a missing clause
        self.policy.catalogs.push(Catalog {
            module,
            reference: reference.value.clone(),
            kind: header.clauses.iter().find_map(|c| match &c.kind {
                ClauseKind::Kind(k) => Some(k.name.clone()),
                _ => None,
            }),
            certifiable: header.clauses.iter().any(|c| matches!(c.kind, ClauseKind::Certifiable)),
            edition: header.clauses.iter().find_map(|c| match &c.kind {
                ClauseKind::Edition(t) => Some(t.value.clone()),
                _ => None,
            }),
            verification: verification(&header.clauses),
            items: Vec::new(),
        });
    }

    /// Registers an `item` of a catalog; an `item` outside a catalog is N0108.
    pub(super) fn declare_catalog_item(&mut self, module: ModuleId, item: &ast::Item) {
        let Some(catalog) = self.policy.catalogs.iter_mut().find(|c| c.module == module) else {
            if self.policy.module(module).is_some_and(|m| m.kind != ast::ModuleKind::Catalog) {
                self.push(
                    Diagnostic::error(Code::WrongKind, item.name.span, "an `item` belongs in a catalog")
                        .label("not in a catalog")
                        .help("declare the standard's clauses in a `catalog` module of their own"),
                );
            }
            return;
        };
        if let Some(first) = catalog.items.iter().find(|i| i.id == item.name.name) {
            let first = first.span;
            self.push(
                Diagnostic::error(
                    Code::Duplicate,
                    item.name.span,
                    format!("the item \"{}\" is listed twice", item.name.name),
                )
                .label("second time")
                .related(first, "first listed here")
                .help("list each clause or control once"),
            );
            return;
        }
        catalog.items.push(CatalogItem {
            id: item.name.name.clone(),
            titles: texts(&item.clauses, |k| if let ClauseKind::Title(l) = k { Some(l) } else { None }),
            texts: texts(&item.clauses, |k| if let ClauseKind::Body(l) = k { Some(l) } else { None }),
            notes: texts(&item.clauses, |k| if let ClauseKind::Note(l) = k { Some(l) } else { None }),
            verification: verification(&item.clauses),
            span: item.name.span,
        });
    }

    /// A declaration other than `item` in a catalog (N0108).
    pub(super) fn not_in_catalog(&mut self, item: &ast::Item) {
        self.push(
            Diagnostic::error(
                Code::WrongKind,
                item.name.span,
                format!("a catalog holds only `item` declarations, not {}", item.kind.noun()),
            )
            .label("not a catalog item")
            .help("write rules in an instrument, guidance or vocabulary; crosswalks to standards in a crosswalk file"),
        );
    }

    /// Checks every reference to a standard (in `standard` clauses and crosswalks) against the
    /// loaded catalogs, and the relation and confidence of crosswalk declarations.
    pub(super) fn standard_references(&mut self) {
        let asts = std::rc::Rc::clone(&self.asts);
        for ast in asts.iter() {
            for item in &ast.items {
                let context = std::cell::LazyCell::new(|| context_of(item));
                if let ItemHead::Crosswalk(x) = &item.head {
                    let mut diags = Vec::new();
                    check_word(&x.relation, RELATIONS, "relation", Some(&*context), &mut diags);
                    if let Some(c) = &x.confidence {
                        check_word(c, CONFIDENCES, "confidence", Some(&*context), &mut diags);
                    }
                    for d in diags {
                        self.push(d);
                    }
                    if let CrosswalkTarget::Standard { name, part } = &x.target {
                        self.standard_reference(name, part.as_ref(), &context);
                    }
                }
                if item.kind == ItemKind::Crosswalk || item.kind.is_norm() {
                    for c in &item.clauses {
                        match &c.kind {
                            ClauseKind::Standard(s) => {
                                self.standard_reference(&s.name, s.part.as_ref(), &context);
                            }
                            ClauseKind::Crosswalk(x) => {
                                if let CrosswalkTarget::Standard { name, part } = &x.target {
                                    self.standard_reference(name, part.as_ref(), &context);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }

    /// One reference: the standard must be a loaded catalog's if it is close to one, and its
    /// clause must be listed there.
    fn standard_reference(&mut self, name: &Text, part: Option<&Text>, context: &Context) {
        let Some(catalog) = self.policy.catalog(&name.value) else {
            let key = family(&name.value);
            let close: Vec<&str> = self
                .policy
                .catalogs
                .iter()
                .map(|c| c.reference.as_str())
                .filter(|r| same_standard(&family(r), &key))
                .collect();
            let help = match close.as_slice() {
                [] => None,
                [one] => Some(format!("did you mean `{one}`?")),
                many => Some(format!("did you mean one of {}?", many.join(", "))),
            };
            let Some(help) = help else { return }; // a standard with no catalog: recorded unchecked
            self.push(
                Diagnostic::error(
                    Code::UnknownStandard,
                    name.span,
                    format!("no catalog is loaded for the standard `{}`", name.value),
                )
                .label("unknown standard")
                .help(format!(
                    "{help} (a reference must match a catalog's `standard` exactly, edition included, so its clauses can be checked)"
                ))
                .in_context(Some(context)),
            );
            return;
        };
        let Some(part) = part else { return };
        if catalog.item(&part.value).is_some() {
            return;
        }
        let ids: Vec<&str> = catalog.items.iter().map(|i| i.id.as_str()).collect();
        let reference = catalog.reference.clone();
        let help = closest_items(&part.value, &ids)
            .unwrap_or_else(|| format!("the catalog of `{reference}` lists {} items; check the identifier", ids.len()));
        self.push(
            Diagnostic::error(
                Code::UnknownClause,
                part.span,
                format!("`{reference}` has no clause or control \"{}\"", part.value),
            )
            .label("not in the catalog")
            .help(help)
            .in_context(Some(context)),
        );
    }
}
