//! The portfolio summary `norma.portfolio/v1`: many systems assessed in one run, each with its
//! classification and its norms counted by status per jurisdiction, and the files that could not
//! be assessed. Built from the outcome model only. Field by field: `docs/assessment-schema.md`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::outcome::{Assessment, NOTICE_EN, NOTICE_KO};

/// The schema identifier of the summary.
pub const SCHEMA: &str = "norma.portfolio/v1";

/// The statuses counted, worst first.
pub const STATUSES: [&str; 6] = ["violated", "not_met", "unknown", "met", "not_yet_applicable", "not_applicable"];

/// A summary across the systems of one run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Portfolio {
    /// Always `norma.portfolio/v1`.
    pub schema: String,
    /// The assessment date (YYYY-MM-DD).
    pub as_of: String,
    /// The language of titles (`en`, `ko`).
    pub lang: String,
    /// "Not legal advice".
    pub notice: String,
    /// `norma` and its version.
    pub engine: String,
    /// SHA-256 of the policy sources, the same for every system.
    pub policies_sha256: String,
    /// How many systems were assessed or failed, and the norms by status across all of them.
    pub totals: Totals,
    /// One entry per facts file, in the order of the run.
    pub systems: Vec<SystemSummary>,
}

/// Counts across the portfolio.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Totals {
    /// Facts files in the run.
    pub systems: usize,
    /// Facts files assessed.
    pub assessed: usize,
    /// Facts files that could not be assessed.
    pub failed: usize,
    /// Norms by status, summed over systems and jurisdictions; every status is present.
    pub counts: BTreeMap<String, usize>,
}

/// One system of the portfolio.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SystemSummary {
    /// The facts file as named on the command line (a folder's files as folder/name).
    pub facts_file: String,
    /// `assessed` or `failed`.
    pub outcome: String,
    /// The system's report, as a file name in the output folder; absent when it failed.
    pub report: Option<String>,
    /// `system.name`, when given.
    pub name: Option<String>,
    /// SHA-256 of the facts file, when it was read.
    pub facts_sha256: Option<String>,
    /// Why it could not be assessed: the first problem, as `file:line:col: message`.
    pub error: Option<String>,
    /// One entry per jurisdiction assessed; empty when it failed.
    pub jurisdictions: Vec<JurisdictionSummary>,
}

/// A system's outcome in one jurisdiction.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JurisdictionSummary {
    /// Jurisdiction code (`EU`, `KR`, …).
    pub id: String,
    /// The classification labels, in declaration order.
    pub labels: Vec<LabelSummary>,
    /// Norms by status; every status is present.
    pub counts: BTreeMap<String, usize>,
    /// Violated, not met and unknown norms: the gaps to act on.
    pub gaps: usize,
}

/// A classification label's value.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LabelSummary {
    /// The label, e.g. `high_risk`.
    pub label: String,
    /// Its title in the report language.
    pub title: Option<String>,
    /// `true`, `false` or `null` (undecided).
    pub value: Option<bool>,
}

fn all_statuses(counts: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    STATUSES.iter().map(|s| ((*s).to_string(), counts.get(*s).copied().unwrap_or(0))).collect()
}

impl SystemSummary {
    /// A system assessed, its report written as `report`.
    pub fn assessed(a: &Assessment, report: String) -> Self {
        let jurisdictions = a
            .jurisdictions
            .iter()
            .map(|j| JurisdictionSummary {
                id: j.id.clone(),
                labels: j
                    .labels
                    .iter()
                    .map(|l| LabelSummary { label: l.label.clone(), title: l.title.clone(), value: l.value })
                    .collect(),
                counts: all_statuses(&j.counts),
                gaps: ["violated", "not_met", "unknown"].iter().map(|s| j.counts.get(*s).copied().unwrap_or(0)).sum(),
            })
            .collect();
        SystemSummary {
            facts_file: a.provenance.facts_file.clone(),
            outcome: "assessed".into(),
            report: Some(report),
            name: a.system.name.clone(),
            facts_sha256: Some(a.provenance.facts_sha256.clone()),
            error: None,
            jurisdictions,
        }
    }

    /// A facts file that could not be assessed, and why.
    pub fn failed(facts_file: String, error: String) -> Self {
        SystemSummary {
            facts_file,
            outcome: "failed".into(),
            report: None,
            name: None,
            facts_sha256: None,
            error: Some(error),
            jurisdictions: Vec::new(),
        }
    }
}

impl Portfolio {
    /// The summary of `systems`, assessed as of `as_of` in `lang` against the policies whose hash is
    /// `policies_sha256`.
    pub fn new(as_of: String, lang: String, policies_sha256: String, systems: Vec<SystemSummary>) -> Self {
        let mut counts: BTreeMap<String, usize> = all_statuses(&BTreeMap::new());
        for j in systems.iter().flat_map(|s| &s.jurisdictions) {
            for (status, n) in &j.counts {
                *counts.entry(status.clone()).or_default() += n;
            }
        }
        let failed = systems.iter().filter(|s| s.outcome == "failed").count();
        let totals = Totals { systems: systems.len(), assessed: systems.len().saturating_sub(failed), failed, counts };
        let notice = if lang == "ko" { NOTICE_KO } else { NOTICE_EN };
        Portfolio {
            schema: SCHEMA.into(),
            as_of,
            notice: notice.into(),
            lang,
            engine: format!("norma {}", env!("CARGO_PKG_VERSION")),
            policies_sha256,
            totals,
            systems,
        }
    }
}
