//! The ledger of an instrument: each provision its rules cite or its `provision` annotations
//! name, in the law's order under the instrument's `heading`s, with its status (tested, encoded,
//! partly, noted, pending, out of scope), the rules that encode it, how many tests exercise them,
//! its notes and how far its source is verified. `norma ledger` renders it
//! (`templates/ledger.md.j2`, or JSON `norma.ledger/v1`, `docs/ledger.schema.json`).

pub mod cite;

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::{Item, ItemId, ModuleId, Policy, Provision, ProvisionStatus, Verification};
use crate::outcome::{pick, pick_all};
use crate::source::Sources;
use crate::syntax::ast::ModuleKind;

/// The JSON document's schema id.
pub const SCHEMA: &str = "norma.ledger/v1";

/// The ledgers of one or more instruments.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Ledger {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// Language of the titles and notes (`en`, `ko`).
    pub lang: String,
    /// One ledger per instrument, in the order asked.
    pub instruments: Vec<InstrumentLedger>,
}

/// One version of an instrument.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Version {
    /// Its name in `under` clauses.
    pub name: String,
    /// What it is.
    pub label: String,
    /// The day it entered into force (YYYY-MM-DD).
    pub in_force: String,
}

/// The ledger of one instrument.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InstrumentLedger {
    /// Module id, e.g. `eu.ai_act`.
    pub id: String,
    /// Official title in the ledger's language.
    pub title: String,
    /// Jurisdiction code.
    pub jurisdiction: Option<String>,
    /// Official source.
    pub source: Option<String>,
    /// Versions in force order.
    pub versions: Vec<Version>,
    /// The policy files of the instrument (its main file first).
    pub files: Vec<String>,
    /// The notes of the instrument's header and its parts' headers, in the ledger's language.
    pub notes: Vec<String>,
    /// How many tests the instrument's files keep.
    pub tests: usize,
    /// Counts by status.
    pub summary: Summary,
    /// The provisions under each heading, in the law's order.
    pub sections: Vec<Section>,
}

/// How many provisions have each status, and how many rest on weaker sources.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Summary {
    /// Every row.
    pub provisions: usize,
    /// Encoded, with at least one test.
    pub tested: usize,
    /// Encoded, with no test.
    pub encoded: usize,
    /// Encoded with a stated simplification.
    pub partly: usize,
    /// Recorded in a note or text only.
    pub noted: usize,
    /// Not encoded yet.
    pub pending: usize,
    /// Not for the pack to encode.
    pub out_of_scope: usize,
    /// Resting on secondary sources only (V-S).
    pub secondary: usize,
    /// Resting on an unverified source.
    pub unverified: usize,
}

/// The provisions under one heading.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Section {
    /// The heading in the ledger's language; `None` for provisions no heading covers.
    pub heading: Option<String>,
    /// The provision the heading starts at.
    pub start: Option<String>,
    /// Its rows.
    pub rows: Vec<Row>,
}

/// The ledger status of a provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Rules encode it and a test exercises one of them.
    Tested,
    /// Rules encode it; no test exercises them.
    Encoded,
    /// Encoded with a simplification the notes state.
    Partly,
    /// Recorded in a note or text, with no condition of its own.
    Noted,
    /// Not encoded yet.
    Pending,
    /// Not for the pack to encode.
    OutOfScope,
}

/// One provision.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Row {
    /// The provision as cited.
    pub provision: String,
    /// Its short title from the annotation, if any.
    pub title: Option<String>,
    /// Its status.
    pub status: Status,
    /// The rules (names within the instrument) that cite it, in declaration order.
    pub rules: Vec<String>,
    /// How many tests expect an outcome of one of those rules.
    pub tests: usize,
    /// The annotation's notes.
    pub notes: Vec<String>,
    /// `V-P`, `V-S` or `UNVERIFIED`: the weakest of the annotation's and the rules' levels; `—`
    /// for a provision no rule encodes and no annotation marks.
    pub verification: &'static str,
}

/// The modules that have a ledger (instruments), in load order.
pub fn instruments(policy: &Policy) -> Vec<(ModuleId, &str)> {
    policy
        .modules
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == ModuleKind::Instrument)
        .map(|(i, m)| (ModuleId(i as u32), m.id.as_str()))
        .collect()
}

/// Every provision a rule cites, normalised and without repeats: its `cite` clause, and the
/// `per` of its dates and of its deemed and presumed compliance.
pub fn citations(item: &Item) -> Vec<String> {
    let pers = item
        .from
        .iter()
        .chain(&item.until)
        .filter_map(|d| d.per.as_deref())
        .chain(item.deemed.iter().chain(&item.presumed).filter_map(|c| c.per.as_deref()));
    let mut seen = BTreeSet::new();
    item.cites.iter().map(String::as_str).chain(pers).map(cite::normalize).filter(|c| seen.insert(c.clone())).collect()
}

/// The ledgers of `modules` in `lang`.
pub fn ledger(policy: &Policy, sources: &Sources, modules: &[ModuleId], lang: &str) -> Ledger {
    let instruments = modules.iter().filter_map(|&m| instrument(policy, sources, m, lang)).collect();
    Ledger { schema: SCHEMA, lang: lang.to_string(), instruments }
}

/// A file's name as shown: shipped files under `policies/`, others as given.
fn file_name(name: &str) -> String {
    match name.strip_prefix("embedded:") {
        Some(path) => format!("policies/{path}"),
        None => name.to_string(),
    }
}

/// What the rows are built from: the rules citing a provision and its annotation.
#[derive(Default)]
struct Entry<'p> {
    rules: Vec<ItemId>,
    provision: Option<&'p Provision>,
}

fn instrument(policy: &Policy, sources: &Sources, m: ModuleId, lang: &str) -> Option<InstrumentLedger> {
    let module = policy.module(m)?;
    let mut parts = BTreeSet::new();
    parts.extend(policy.items.iter().filter(|i| i.module == m).map(|i| i.span.file));
    parts.extend(policy.provisions.iter().filter(|p| p.module == m).map(|p| p.span.file));
    parts.remove(&module.span.file);
    let files = std::iter::once(module.span.file)
        .chain(parts)
        .filter_map(|f| sources.get(f))
        .map(|f| file_name(&f.name))
        .collect();

    let mut tests_of: BTreeMap<ItemId, BTreeSet<usize>> = BTreeMap::new();
    for (t, test) in policy.tests.iter().enumerate() {
        for (rule, _, _) in &test.expects {
            tests_of.entry(*rule).or_default().insert(t);
        }
    }
    let mut entries: BTreeMap<String, Entry<'_>> = BTreeMap::new();
    for (i, item) in policy.items.iter().enumerate().filter(|(_, i)| i.module == m) {
        for c in citations(item) {
            entries.entry(c).or_default().rules.push(ItemId(i as u32));
        }
    }
    for p in policy.provisions.iter().filter(|p| p.module == m) {
        let entry = entries.entry(p.cite.clone()).or_default();
        entry.provision = entry.provision.or(Some(p));
    }
    let mut rows: Vec<Row> = entries.into_iter().map(|(c, e)| row(policy, &tests_of, c, &e, lang)).collect();
    rows.sort_by(|a, b| cite::compare(&a.provision, &b.provision));

    let mut headings: Vec<_> = policy.headings.iter().filter(|h| h.module == m).collect();
    headings.sort_by(|a, b| cite::compare(&a.start, &b.start));
    let mut sections: Vec<Section> = headings
        .iter()
        .map(|h| Section { heading: pick(&h.titles, lang, None), start: Some(h.start.clone()), rows: Vec::new() })
        .collect();
    let mut uncovered = Vec::new();
    let summary = summary(&rows);
    for r in rows {
        let under = headings.iter().rposition(|h| cite::heading_covers(&h.start, &r.provision));
        match under.and_then(|i| sections.get_mut(i)) {
            Some(section) => section.rows.push(r),
            None => uncovered.push(r),
        }
    }
    sections.retain(|s| !s.rows.is_empty());
    if !uncovered.is_empty() {
        sections.push(Section { heading: None, start: None, rows: uncovered });
    }
    Some(InstrumentLedger {
        id: module.id.clone(),
        title: pick(&module.titles, lang, None).unwrap_or_else(|| module.id.clone()),
        jurisdiction: module.jurisdiction.clone(),
        source: module.source.clone(),
        versions: module
            .versions
            .iter()
            .map(|(name, label, date)| Version { name: name.clone(), label: label.clone(), in_force: date.to_string() })
            .collect(),
        files,
        notes: pick_all(&module.notes, lang),
        tests: policy.tests.iter().filter(|t| t.module == m).count(),
        summary,
        sections,
    })
}

fn row(policy: &Policy, tests_of: &BTreeMap<ItemId, BTreeSet<usize>>, cite: String, e: &Entry<'_>, lang: &str) -> Row {
    let tests: BTreeSet<usize> = e.rules.iter().filter_map(|r| tests_of.get(r)).flatten().copied().collect();
    let encoded = if tests.is_empty() { Status::Encoded } else { Status::Tested };
    let status = match e.provision.and_then(|p| p.status) {
        Some(ProvisionStatus::Partly) => Status::Partly,
        Some(ProvisionStatus::Noted) => Status::Noted,
        Some(ProvisionStatus::Pending) => Status::Pending,
        Some(ProvisionStatus::OutOfScope) => Status::OutOfScope,
        None if e.rules.is_empty() => Status::Pending,
        None => encoded,
    };
    let marks = e.rules.iter().filter_map(|r| policy.item(*r).and_then(|i| i.verification));
    let weakest = marks.chain(e.provision.and_then(|p| p.verification)).max();
    // A provision no rule encodes rests on no source unless its annotation names one.
    let verification = match weakest {
        Some(v) => v.mark(),
        None if e.rules.is_empty() => "—",
        None => Verification::Official.mark(),
    };
    Row {
        provision: cite,
        title: e.provision.and_then(|p| pick(&p.titles, lang, None)),
        status,
        rules: e.rules.iter().filter_map(|r| policy.item(*r)).map(|i| i.name.clone()).collect(),
        tests: tests.len(),
        notes: e.provision.map(|p| pick_all(&p.notes, lang)).unwrap_or_default(),
        verification,
    }
}

fn summary(rows: &[Row]) -> Summary {
    let mut s = Summary { provisions: rows.len(), ..Summary::default() };
    for r in rows {
        let slot = match r.status {
            Status::Tested => &mut s.tested,
            Status::Encoded => &mut s.encoded,
            Status::Partly => &mut s.partly,
            Status::Noted => &mut s.noted,
            Status::Pending => &mut s.pending,
            Status::OutOfScope => &mut s.out_of_scope,
        };
        *slot += 1;
        match r.verification {
            "V-S" => s.secondary += 1,
            "UNVERIFIED" => s.unverified += 1,
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests;
