//! What a report shows, computed from the outcome model: per jurisdiction the gaps, what starts
//! next, the penalties at stake and the status bar; across jurisdictions the corresponding duties.

use std::collections::BTreeMap;

use serde::Serialize;

use super::charts::{STATUSES, Segment, status_bar};
use crate::outcome::{
    AlsoSatisfies, Assessment, ClassLabel, InstrumentVersion, Jurisdiction, Norm, Question, RoleOutcome,
};

/// One jurisdiction as a report shows it.
#[derive(Serialize)]
pub struct JurisdictionView<'a> {
    id: &'a str,
    instruments: Vec<&'a InstrumentVersion>,
    /// Every instrument assessed here is informative (a promotion law without binding duties or
    /// penalties): its norms say what the law expects, not what it enforces.
    informative: bool,
    /// `false` when the `out_of_scope` label holds, `null` when it is undecided.
    in_scope: Option<bool>,
    roles_held: Vec<&'a RoleOutcome>,
    roles_open: Vec<&'a RoleOutcome>,
    labels: &'a [ClassLabel],
    counts: &'a BTreeMap<String, usize>,
    total: usize,
    bar: Vec<Segment>,
    gaps: Vec<&'a Norm>,
    upcoming: Vec<&'a Norm>,
    relevant: Vec<&'a Norm>,
    penalties: Vec<PenaltyGroup>,
    questions: &'a [Question],
    /// Relevant norms with the standards' clauses and controls that correspond to them.
    also: Vec<AlsoRow<'a>>,
}

/// A relevant norm and what in the standards corresponds to it ("also satisfies").
#[derive(Serialize)]
struct AlsoRow<'a> {
    citations: String,
    title: String,
    items: &'a [AlsoSatisfies],
}

/// Gaps that share a penalty.
#[derive(Serialize)]
struct PenaltyGroup {
    penalty: String,
    citations: Vec<String>,
    count: usize,
}

fn severity_rank(n: &Norm) -> u8 {
    match n.severity.as_deref() {
        Some("critical") => 0,
        Some("high") => 1,
        Some("medium") => 2,
        Some("low") => 3,
        _ => 4,
    }
}

fn status_rank(n: &Norm) -> usize {
    STATUSES.iter().position(|s| *s == n.status).unwrap_or(STATUSES.len())
}

fn is_gap(n: &Norm) -> bool {
    matches!(n.status.as_str(), "violated" | "not_met" | "unknown")
}

/// The penalties the gaps expose the organisation to, most serious gap first.
fn penalties(gaps: &[&Norm]) -> Vec<PenaltyGroup> {
    let mut out: Vec<PenaltyGroup> = Vec::new();
    for n in gaps {
        let Some(p) = &n.penalty else { continue };
        let citation = n.citations.join(", ");
        match out.iter_mut().find(|g| &g.penalty == p) {
            Some(g) => {
                g.count += 1;
                if !g.citations.contains(&citation) {
                    g.citations.push(citation);
                }
            }
            None => out.push(PenaltyGroup { penalty: p.clone(), citations: vec![citation], count: 1 }),
        }
    }
    out
}

/// The report's view of one jurisdiction.
pub fn jurisdiction<'a>(a: &'a Assessment, j: &'a Jurisdiction) -> JurisdictionView<'a> {
    let mut gaps: Vec<&Norm> = j.norms.iter().filter(|n| is_gap(n)).collect();
    gaps.sort_by(|a, b| {
        status_rank(a).cmp(&status_rank(b)).then(severity_rank(a).cmp(&severity_rank(b))).then(a.id.cmp(&b.id))
    });
    let mut upcoming: Vec<&Norm> = j.norms.iter().filter(|n| n.status == "not_yet_applicable").collect();
    upcoming.sort_by(|a, b| a.applies_from.cmp(&b.applies_from).then(a.id.cmp(&b.id)));
    let instruments: Vec<&InstrumentVersion> =
        a.provenance.instruments.iter().filter(|i| j.instruments.contains(&i.id)).collect();
    JurisdictionView {
        id: &j.id,
        informative: !instruments.is_empty() && instruments.iter().all(|i| i.informative),
        instruments,
        in_scope: j.classification.get("out_of_scope").and_then(|v| v.map(|out| !out)),
        roles_held: j.roles.iter().filter(|r| r.value == Some(true)).collect(),
        roles_open: j.roles.iter().filter(|r| r.value.is_none()).collect(),
        labels: &j.labels,
        counts: &j.counts,
        total: j.norms.len(),
        bar: status_bar(&j.counts),
        penalties: penalties(&gaps),
        gaps,
        upcoming,
        relevant: j.norms.iter().filter(|n| n.status != "not_applicable").collect(),
        questions: &j.questions,
        also: j
            .norms
            .iter()
            .filter(|n| n.status != "not_applicable" && !n.also_satisfies.is_empty())
            .map(|n| AlsoRow {
                citations: n.citations.join(", "),
                title: n.title.clone().unwrap_or_else(|| n.id.clone()),
                items: &n.also_satisfies,
            })
            .collect(),
    }
}

/// Two corresponding norms of different jurisdictions.
#[derive(Serialize)]
pub struct CrossRow {
    left: String,
    left_citations: String,
    left_status: String,
    relation: String,
    right: String,
    right_citations: String,
    right_status: Option<String>,
    source: Option<String>,
}

/// Corresponding norms of different jurisdictions, each pair once, where one of them is relevant.
pub fn cross(a: &Assessment) -> Vec<CrossRow> {
    let norms: BTreeMap<&str, &Norm> =
        a.jurisdictions.iter().flat_map(|j| j.norms.iter().map(|n| (n.id.as_str(), n))).collect();
    let jurisdiction_of = |id: &str| id.split('.').next().unwrap_or("").to_string();
    let title = |n: &Norm| n.title.clone().unwrap_or_else(|| n.id.clone());
    let mut rows = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for j in &a.jurisdictions {
        for n in j.norms.iter().filter(|n| n.status != "not_applicable") {
            for c in n.crosswalks.iter().filter(|c| jurisdiction_of(&c.target) != jurisdiction_of(&n.id)) {
                if c.target.contains(' ') {
                    continue; // a standard, not a norm of another jurisdiction
                }
                let pair = if n.id < c.target { (&n.id, &c.target) } else { (&c.target, &n.id) };
                if !seen.insert(pair) {
                    continue;
                }
                let other = norms.get(c.target.as_str());
                rows.push(CrossRow {
                    left: title(n),
                    left_citations: n.citations.join(", "),
                    left_status: n.status.clone(),
                    relation: c.relation.clone(),
                    right: other.map_or_else(|| c.target.clone(), |o| title(o)),
                    right_citations: other.map(|o| o.citations.join(", ")).unwrap_or_default(),
                    right_status: other.map(|o| o.status.clone()),
                    source: c.source.clone(),
                });
            }
        }
    }
    rows
}

/// A norm as other sections refer to it.
#[derive(Serialize)]
struct NormRef {
    jurisdiction: String,
    citations: String,
    title: String,
    status: String,
    /// The state of the shared evidence for this norm (freshness rules differ between norms).
    state: Option<String>,
}

/// One piece of evidence that norms of several jurisdictions look for: collect it once.
#[derive(Serialize)]
pub struct SharedEvidence {
    evidence: String,
    title: Option<String>,
    reference: Option<String>,
    norms: Vec<NormRef>,
    /// How many of those norms are open (a gap or not yet applicable).
    open: usize,
}

/// Evidence looked for by concerned norms (any status but not applicable) of two or more
/// jurisdictions, in evidence-id order.
pub fn shared_evidence(a: &Assessment) -> Vec<SharedEvidence> {
    let mut by_kind: BTreeMap<&str, SharedEvidence> = BTreeMap::new();
    for j in &a.jurisdictions {
        for n in j.norms.iter().filter(|n| n.status != "not_applicable") {
            for e in &n.evidence {
                let entry = by_kind.entry(e.evidence.as_str()).or_insert_with(|| SharedEvidence {
                    evidence: e.evidence.clone(),
                    title: e.title.clone(),
                    reference: e.reference.clone(),
                    norms: Vec::new(),
                    open: 0,
                });
                if is_gap(n) || n.status == "not_yet_applicable" {
                    entry.open += 1;
                }
                entry.norms.push(NormRef {
                    jurisdiction: j.id.clone(),
                    citations: n.citations.join(", "),
                    title: n.title.clone().unwrap_or_else(|| n.id.clone()),
                    status: n.status.clone(),
                    state: Some(e.state.clone()),
                });
            }
        }
    }
    by_kind
        .into_values()
        .filter(|s| {
            let first = s.norms.first().map(|n| n.jurisdiction.as_str());
            s.norms.iter().any(|n| Some(n.jurisdiction.as_str()) != first)
        })
        .collect()
}

/// A norm in an obligation family.
#[derive(Serialize)]
struct FamilyNorm {
    citations: String,
    title: String,
    status: String,
    period: Option<String>,
}

/// The norms of one jurisdiction in a family.
#[derive(Serialize)]
struct FamilyColumn {
    jurisdiction: String,
    norms: Vec<FamilyNorm>,
}

/// An obligation family with duties that concern the system in several jurisdictions.
#[derive(Serialize)]
pub struct FamilyView {
    id: String,
    title: Option<String>,
    text: Option<String>,
    columns: Vec<FamilyColumn>,
    /// The periods the concerned norms set differ between jurisdictions.
    periods_differ: bool,
    /// The longest of those periods.
    longest: Option<String>,
    /// Meeting one jurisdiction's duty does not meet the other's: the periods differ, or no
    /// `equivalent` crosswalk links the duties of different jurisdictions.
    differs: bool,
}

/// Families with concerned norms (any status but not applicable) in two or more jurisdictions,
/// in family-id order.
pub fn families(a: &Assessment) -> Vec<FamilyView> {
    let mut out = Vec::new();
    for (id, family) in &a.families {
        let mut columns: Vec<FamilyColumn> = Vec::new();
        let mut members: Vec<(&str, &Norm)> = Vec::new();
        let mut periods: Vec<(&str, i64, &str)> = Vec::new();
        for j in &a.jurisdictions {
            let mut norms = Vec::new();
            for n in j.norms.iter().filter(|n| n.status != "not_applicable") {
                let Some(m) = n.families.iter().find(|m| &m.family == id) else { continue };
                if let (Some(p), Some(days)) = (&m.period, m.period_days) {
                    periods.push((&j.id, days, p));
                }
                members.push((&j.id, n));
                norms.push(FamilyNorm {
                    citations: n.citations.join(", "),
                    title: n.title.clone().unwrap_or_else(|| n.id.clone()),
                    status: n.status.clone(),
                    period: m.period.clone(),
                });
            }
            if !norms.is_empty() {
                columns.push(FamilyColumn { jurisdiction: j.id.clone(), norms });
            }
        }
        if columns.len() < 2 {
            continue;
        }
        let periods_differ = periods.iter().any(|(j, d, _)| periods.iter().any(|(k, e, _)| j != k && d != e));
        let equivalent = members.iter().any(|(j, n)| {
            n.crosswalks
                .iter()
                .any(|c| c.relation == "equivalent" && members.iter().any(|(k, other)| k != j && other.id == c.target))
        });
        out.push(FamilyView {
            id: id.clone(),
            title: family.title.clone(),
            text: family.text.clone(),
            columns,
            periods_differ,
            longest: periods.iter().max_by_key(|(_, d, _)| *d).map(|(_, _, p)| p.to_string()),
            differs: periods_differ || !equivalent,
        });
    }
    out
}
