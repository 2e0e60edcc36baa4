//! The ledger's annotations: `provision` and `heading` declarations are registered here and
//! checked against the citations of the instrument's rules (N1101–N1103), and notes that speak of
//! an unverified or secondary source are checked for a `verification` clause that says so (N1104).

use std::collections::BTreeMap;

use super::Checker;
use super::declare::{localized, texts, verification};
use crate::diagnostics::{Code, Context, Diagnostic};
use crate::ledger::{self, cite};
use crate::model::{Heading, ItemId, Localized, ModuleId, Provision, ProvisionStatus, Verification};
use crate::source::Span;
use crate::syntax::ast::{self, ClauseKind};

fn context(p: &Provision) -> Context {
    Context { kind: "provision".into(), id: p.cite.clone(), cite: None }
}

/// The level a set of notes calls for: UNVERIFIED anywhere in a note, or `V-S`.
fn level_named(notes: &[Localized]) -> Option<Verification> {
    if notes.iter().any(|n| n.text.contains("UNVERIFIED")) {
        Some(Verification::Unverified)
    } else if notes.iter().any(|n| n.text.contains("V-S")) {
        Some(Verification::Secondary)
    } else {
        None
    }
}

impl Checker<'_> {
    /// Registers a `provision "…"` annotation. One whose `status` word is unknown is reported
    /// (N0904) and left out of the ledger checks.
    pub(super) fn declare_provision(&mut self, module: ModuleId, item: &ast::Item) {
        let mut status = None;
        for c in &item.clauses {
            if let ClauseKind::Status(word) = &c.kind {
                match ProvisionStatus::from_word(&word.name) {
                    Some(s) => status = Some(s),
                    None => return,
                }
            }
        }
        self.policy.provisions.push(Provision {
            module,
            cite: cite::normalize(&item.name.name),
            titles: texts(&item.clauses, |k| if let ClauseKind::Title(l) = k { Some(l) } else { None }),
            status,
            notes: item
                .clauses
                .iter()
                .filter_map(|c| if let ClauseKind::Note(l) = &c.kind { Some(localized(l)) } else { None })
                .collect(),
            verification: verification(&item.clauses),
            span: item.name.span,
        });
    }

    /// Registers a `heading "…"`.
    pub(super) fn declare_heading(&mut self, module: ModuleId, item: &ast::Item) {
        self.policy.headings.push(Heading {
            module,
            start: cite::normalize(&item.name.name),
            titles: texts(&item.clauses, |k| if let ClauseKind::Title(l) = k { Some(l) } else { None }),
            span: item.name.span,
        });
    }

    /// Checks every annotation against the rules' citations, and every note against its
    /// declaration's `verification` clause.
    pub(super) fn ledger_checks(&mut self) {
        self.current = None;
        let mut cited: BTreeMap<(ModuleId, String), Vec<ItemId>> = BTreeMap::new();
        for (i, item) in self.policy.items.iter().enumerate() {
            for c in ledger::citations(item) {
                cited.entry((item.module, c)).or_default().push(ItemId(i as u32));
            }
        }
        let mut seen: BTreeMap<(ModuleId, String), Span> = BTreeMap::new();
        for p in self.policy.provisions.clone() {
            if let Some(&first) = seen.get(&(p.module, p.cite.clone())) {
                self.push(
                    Diagnostic::error(
                        Code::ProvisionTwice,
                        p.span,
                        format!("the provision \"{}\" is already annotated in this instrument", p.cite),
                    )
                    .label("annotated again")
                    .related(first, "first annotated here")
                    .help("keep one `provision` for it, with all its notes")
                    .in_context(Some(&context(&p))),
                );
                continue;
            }
            seen.insert((p.module, p.cite.clone()), p.span);
            self.check_annotation(&p, &cited);
        }
        let mut starts: BTreeMap<(ModuleId, String), Span> = BTreeMap::new();
        for h in self.policy.headings.clone() {
            if let Some(&first) = starts.get(&(h.module, h.start.clone())) {
                self.push(
                    Diagnostic::error(
                        Code::ProvisionTwice,
                        h.span,
                        format!("a heading of this instrument already starts at \"{}\"", h.start),
                    )
                    .label("second heading here")
                    .related(first, "first heading here")
                    .help("start each heading at the first provision it covers; a heading runs until the next one"),
                );
                continue;
            }
            starts.insert((h.module, h.start), h.span);
        }
        self.verification_checks();
    }

    /// N1102 and N1103 for one annotation.
    fn check_annotation(&mut self, p: &Provision, cited: &BTreeMap<(ModuleId, String), Vec<ItemId>>) {
        let exact = cited.get(&(p.module, p.cite.clone())).cloned().unwrap_or_default();
        match p.status {
            Some(status @ (ProvisionStatus::Pending | ProvisionStatus::OutOfScope)) => {
                // Out of scope covers the provision's parts too; pending may be a part still missing.
                let encoding: Vec<ItemId> = if status == ProvisionStatus::OutOfScope {
                    cited
                        .iter()
                        .filter(|((m, c), _)| *m == p.module && cite::is_part_of(c, &p.cite))
                        .flat_map(|(_, ids)| ids.iter().copied())
                        .collect()
                } else {
                    exact
                };
                let Some(rule) = encoding.first().and_then(|id| self.policy.item(*id)).cloned() else { return };
                self.push(
                    Diagnostic::error(
                        Code::ProvisionContradiction,
                        p.span,
                        format!(
                            "\"{}\" is annotated as {}, but the {} `{}` cites it",
                            p.cite,
                            if status == ProvisionStatus::Pending { "pending" } else { "out of scope" },
                            rule.kind.noun(),
                            rule.name
                        ),
                    )
                    .label("contradicts the rule")
                    .related(rule.span, "cites it here")
                    .help(
                        "if the rule encodes it, drop the `status` (or say `status partly` with a note); otherwise correct the rule's citation",
                    )
                    .in_context(Some(&context(p))),
                );
            }
            None | Some(ProvisionStatus::Partly) if exact.is_empty() => {
                let what = if p.status.is_some() { "`status partly`" } else { "no `status`" };
                self.push(
                    Diagnostic::error(
                        Code::ProvisionNotEncoded,
                        p.span,
                        format!("\"{}\" has {what}, but no rule of this instrument cites it", p.cite),
                    )
                    .label("no rule cites this")
                    .help(
                        "cite it in the rule that encodes it, or say why it is not encoded: `status pending`, `status out_of_scope` or `status noted`",
                    )
                    .in_context(Some(&context(p))),
                );
            }
            _ => {}
        }
    }

    /// N1104: a note that says UNVERIFIED (or V-S) on a declaration whose `verification` clause
    /// does not say as much.
    fn verification_checks(&mut self) {
        let mut findings: Vec<(Span, Verification, Option<Verification>, Context)> = Vec::new();
        for (i, item) in self.policy.items.iter().enumerate() {
            if let Some(needed) = level_named(&item.notes)
                && item.verification.is_none_or(|v| v < needed)
                && let Some(ctx) = self.context(ItemId(i as u32))
            {
                findings.push((item.span, needed, item.verification, ctx));
            }
        }
        for p in &self.policy.provisions {
            if let Some(needed) = level_named(&p.notes)
                && p.verification.is_none_or(|v| v < needed)
            {
                findings.push((p.span, needed, p.verification, context(p)));
            }
        }
        for (span, needed, has, ctx) in findings {
            let word = if needed == Verification::Unverified { "unverified" } else { "secondary" };
            let has = has.map_or("none".to_string(), |v| format!("`{}`", v.mark()));
            self.push(
                Diagnostic::warning(
                    Code::UnmarkedVerification,
                    span,
                    format!("a note here says {}, but the declaration's verification is {has}", needed.mark()),
                )
                .label(format!("needs `verification {word}`"))
                .help(format!(
                    "add `verification {word}` so that the ledger flags it, or reword the note if it is about something else"
                ))
                .in_context(Some(&ctx)),
            );
        }
    }
}
