//! What changed between two assessments of one system (`norma.diff/v1`): new, resolved and
//! worsened gaps, other status changes, re-classifications, and the facts and evidence both
//! assessments recorded with different values. Assessments are read back through a small read
//! model holding only the fields compared, so a `norma.assessment/v1` document from any engine
//! version that keeps those fields can be compared. Field by field: `docs/assessment-schema.md`
//! (the `change` member); the reports: `docs/reports.md`.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::outcome::{Assessment, SCHEMA as ASSESSMENT_SCHEMA};

/// The schema identifier of a comparison.
pub const SCHEMA: &str = "norma.diff/v1";

/// The largest assessment document read back, in bytes.
pub const MAX_ASSESSMENT_BYTES: usize = 64 * 1024 * 1024;

const NOTICE_EN: &str = "This comparison is generated from two assessments made from encoded rules and the facts given. It is not legal advice.";
const NOTICE_KO: &str =
    "이 비교는 인코딩된 규칙과 제공된 사실로 생성된 두 평가로부터 만들어졌으며 법률 자문이 아닙니다.";

/// Why a document could not be read as an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The text is not JSON.
    NotJson(String),
    /// The JSON is not a `norma.assessment/v1` document; holds the schema it names, if any.
    NotAssessment(Option<String>),
    /// It names the schema but lacks fields the comparison needs.
    Malformed(String),
}

/// At most 60 characters of a value read from a file, control characters escaped: a hostile
/// file cannot flood or garble the terminal through an error message.
fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(60).flat_map(char::escape_debug).collect();
    if s.chars().nth(60).is_some() {
        out.push('…');
    }
    out
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotJson(e) => write!(f, "it is not JSON ({e})"),
            ReadError::NotAssessment(Some(s)) => {
                write!(f, "it is a `{}` document, not a `{ASSESSMENT_SCHEMA}` assessment", excerpt(s))
            }
            ReadError::NotAssessment(None) => write!(
                f,
                "it is not a `{ASSESSMENT_SCHEMA}` assessment (make one with `norma assess FACTS --format json`)"
            ),
            ReadError::Malformed(e) => write!(f, "it names `{ASSESSMENT_SCHEMA}` but is incomplete ({e})"),
        }
    }
}

/// An assessment as read back: only the fields a comparison looks at.
#[derive(Debug, Clone, Deserialize)]
pub struct Snapshot {
    as_of: String,
    provenance: ReadProvenance,
    #[serde(default)]
    system: ReadSystem,
    jurisdictions: Vec<ReadJurisdiction>,
    #[serde(default)]
    rules: BTreeMap<String, ReadStep>,
}

#[derive(Debug, Clone, Deserialize)]
struct ReadProvenance {
    engine: String,
    policies_sha256: String,
    facts_sha256: String,
    facts_file: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ReadSystem {
    name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct ReadJurisdiction {
    id: String,
    #[serde(default)]
    labels: Vec<ReadLabel>,
    norms: Vec<ReadNorm>,
}

#[derive(Debug, Clone, Deserialize)]
struct ReadLabel {
    label: String,
    title: Option<String>,
    value: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
struct ReadNorm {
    id: String,
    title: Option<String>,
    #[serde(default)]
    citations: Vec<String>,
    status: String,
    #[serde(default)]
    reasons: Vec<ReadFact>,
    #[serde(default)]
    evidence: Vec<ReadEvidence>,
}

#[derive(Debug, Clone, Deserialize)]
struct ReadFact {
    fact: String,
    value: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
struct ReadStep {
    #[serde(default)]
    inputs: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
struct ReadEvidence {
    evidence: String,
    title: Option<String>,
    reference: Option<String>,
    date: Option<String>,
    expires: Option<String>,
    scope: Option<String>,
}

impl Snapshot {
    /// Reads a `norma.assessment/v1` JSON document.
    pub fn from_json(text: &str) -> Result<Snapshot, ReadError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ReadError::NotJson(e.to_string()))?;
        match value.get("schema") {
            Some(serde_json::Value::String(s)) if s == ASSESSMENT_SCHEMA => {}
            Some(serde_json::Value::String(s)) => return Err(ReadError::NotAssessment(Some(s.clone()))),
            _ => return Err(ReadError::NotAssessment(None)),
        }
        serde_json::from_value(value).map_err(|e| ReadError::Malformed(e.to_string()))
    }

    /// The snapshot of an assessment just made.
    pub fn from_assessment(a: &Assessment) -> Result<Snapshot, ReadError> {
        let value = serde_json::to_value(a).map_err(|e| ReadError::Malformed(e.to_string()))?;
        serde_json::from_value(value).map_err(|e| ReadError::Malformed(e.to_string()))
    }

    /// Every fact recorded in a derivation step or a norm's reasons, with its value.
    fn facts(&self) -> BTreeMap<&str, &serde_json::Value> {
        let mut out = BTreeMap::new();
        for step in self.rules.values() {
            for input in &step.inputs {
                if let (Some(serde_json::Value::String(fact)), Some(value)) = (input.get("fact"), input.get("value")) {
                    out.entry(fact.as_str()).or_insert(value);
                }
            }
        }
        for n in self.jurisdictions.iter().flat_map(|j| &j.norms) {
            for r in &n.reasons {
                out.entry(r.fact.as_str()).or_insert(&r.value);
            }
        }
        out
    }

    /// Every piece of evidence a norm looks for, with its title and record.
    fn evidence(&self) -> BTreeMap<&str, (Option<&str>, EvidenceRecord)> {
        let mut out = BTreeMap::new();
        for e in self.jurisdictions.iter().flat_map(|j| &j.norms).flat_map(|n| &n.evidence) {
            out.entry(e.evidence.as_str()).or_insert_with(|| {
                let record = EvidenceRecord {
                    reference: e.reference.clone(),
                    date: e.date.clone(),
                    expires: e.expires.clone(),
                    scope: e.scope.clone(),
                };
                (e.title.as_deref(), record)
            });
        }
        out
    }

    fn side(&self) -> Side {
        Side {
            as_of: self.as_of.clone(),
            system: self.system.name.clone(),
            facts_file: self.provenance.facts_file.clone(),
            facts_sha256: self.provenance.facts_sha256.clone(),
            policies_sha256: self.provenance.policies_sha256.clone(),
            engine: self.provenance.engine.clone(),
        }
    }
}

/// What changed between two assessments of one system.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Diff {
    /// Always `norma.diff/v1`.
    pub schema: String,
    /// The language of the notice and of reports of this comparison (`en`, `ko`).
    pub lang: String,
    /// "Not legal advice".
    pub notice: String,
    /// The earlier assessment.
    pub before: Side,
    /// The later assessment.
    pub after: Side,
    /// The facts files differ (their SHA-256 differ).
    pub facts_changed: bool,
    /// The policies differ (their SHA-256 differ).
    pub policies_changed: bool,
    /// Some norm assessed in both got worse: `true` makes `norma diff` exit 1.
    pub regressed: bool,
    /// Every jurisdiction assessed in either, in code order.
    pub jurisdictions: Vec<JurisdictionChange>,
    /// Facts recorded in both assessments with different values, by name.
    pub facts: Vec<FactChange>,
    /// Evidence looked for in both assessments whose record differs, by id.
    pub evidence: Vec<EvidenceChange>,
}

/// One assessment compared.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Side {
    /// Its assessment date.
    pub as_of: String,
    /// The system's name, when given.
    pub system: Option<String>,
    /// The facts file as named when it was assessed.
    pub facts_file: String,
    /// SHA-256 of that facts file.
    pub facts_sha256: String,
    /// SHA-256 of the policy sources.
    pub policies_sha256: String,
    /// The engine that assessed it.
    pub engine: String,
}

/// What changed in one jurisdiction.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JurisdictionChange {
    /// Jurisdiction code.
    pub id: String,
    /// Whether the earlier assessment covered it.
    pub before_assessed: bool,
    /// Whether the later assessment covers it.
    pub after_assessed: bool,
    /// Norms that are a gap now (violated, not met, unknown) and were not before, or did not exist.
    pub new_gaps: Vec<NormChange>,
    /// Gaps that got worse (unknown to not met or violated, not met to violated).
    pub regressions: Vec<NormChange>,
    /// Gaps that are no longer gaps (met, not applicable, not yet applicable).
    pub resolved: Vec<NormChange>,
    /// Every other change of status, and norms that are in one assessment only and no gap.
    pub other: Vec<NormChange>,
    /// Classification labels whose value changed, or that are in one assessment only.
    pub labels: Vec<LabelChange>,
}

/// A norm whose status changed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NormChange {
    /// Full id.
    pub id: String,
    /// Title (from the later assessment when it has the norm).
    pub title: Option<String>,
    /// Citations.
    pub citations: Vec<String>,
    /// Status before; absent when the earlier assessment does not have the norm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Status after; absent when the later assessment does not have the norm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The status got worse in the order met, not applicable, not yet applicable < unknown <
    /// not met < violated (only for a norm in both).
    pub worse: bool,
}

/// A classification label whose value changed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LabelChange {
    /// The label, e.g. `high_risk`.
    pub label: String,
    /// Its title.
    pub title: Option<String>,
    /// Its value before (`true`, `false`, `null` undecided); absent when not assessed before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Option<bool>>,
    /// Its value after; absent when not assessed after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Option<bool>>,
}

/// A fact whose recorded value changed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FactChange {
    /// The fact, e.g. `system.interacts_with_people`.
    pub fact: String,
    /// Its value before (`null`: unknown).
    pub before: serde_json::Value,
    /// Its value after (`null`: unknown).
    pub after: serde_json::Value,
}

/// Evidence whose record changed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EvidenceChange {
    /// The evidence kind (full id).
    pub evidence: String,
    /// Its title.
    pub title: Option<String>,
    /// The record before.
    pub before: EvidenceRecord,
    /// The record after.
    pub after: EvidenceRecord,
}

/// Evidence as a facts file records it; every field `null` when it is not held or not given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EvidenceRecord {
    /// Document reference.
    pub reference: Option<String>,
    /// Date produced.
    pub date: Option<String>,
    /// Expiry date.
    pub expires: Option<String>,
    /// What it covers.
    pub scope: Option<String>,
}

/// How bad a status is: met, not applicable and not yet applicable 0, unknown 1, not met 2,
/// violated 3.
fn rank(status: &str) -> u8 {
    match status {
        "unknown" => 1,
        "not_met" => 2,
        "violated" => 3,
        _ => 0,
    }
}

fn is_gap(status: &str) -> bool {
    rank(status) > 0
}

fn norms_of<'a>(j: Option<&&'a ReadJurisdiction>) -> Vec<&'a ReadNorm> {
    j.map(|j| j.norms.iter().collect()).unwrap_or_default()
}

fn compare_jurisdiction(
    id: &str,
    before: Option<&&ReadJurisdiction>,
    after: Option<&&ReadJurisdiction>,
) -> JurisdictionChange {
    let mut change = JurisdictionChange {
        id: id.to_string(),
        before_assessed: before.is_some(),
        after_assessed: after.is_some(),
        new_gaps: Vec::new(),
        regressions: Vec::new(),
        resolved: Vec::new(),
        other: Vec::new(),
        labels: Vec::new(),
    };
    let old: BTreeMap<&str, &ReadNorm> = norms_of(before).into_iter().map(|n| (n.id.as_str(), n)).collect();
    let new_norms = norms_of(after);
    let new_ids: BTreeSet<&str> = new_norms.iter().map(|n| n.id.as_str()).collect();
    // The later assessment's order, then norms it no longer has in the earlier one's order.
    let pairs = new_norms
        .iter()
        .map(|n| (old.get(n.id.as_str()).copied(), Some(*n)))
        .chain(norms_of(before).into_iter().filter(|n| !new_ids.contains(n.id.as_str())).map(|n| (Some(n), None)));
    for (b, a) in pairs {
        let (b_status, a_status) = (b.map(|n| n.status.as_str()), a.map(|n| n.status.as_str()));
        if b_status == a_status {
            continue;
        }
        let Some(shown) = a.or(b) else { continue };
        let worse = matches!((b_status, a_status), (Some(x), Some(y)) if rank(y) > rank(x));
        let entry = NormChange {
            id: shown.id.clone(),
            title: shown.title.clone(),
            citations: shown.citations.clone(),
            before: b_status.map(str::to_string),
            after: a_status.map(str::to_string),
            worse,
        };
        let was_gap = b_status.is_some_and(is_gap);
        let list = match a_status {
            Some(s) if is_gap(s) && !was_gap => &mut change.new_gaps,
            Some(s) if is_gap(s) && worse => &mut change.regressions,
            Some(s) if !is_gap(s) && was_gap => &mut change.resolved,
            _ => &mut change.other,
        };
        list.push(entry);
    }
    let old_labels: BTreeMap<&str, &ReadLabel> =
        before.map(|j| j.labels.iter().map(|l| (l.label.as_str(), l)).collect()).unwrap_or_default();
    let new_labels: Vec<&ReadLabel> = after.map(|j| j.labels.iter().collect()).unwrap_or_default();
    let new_names: BTreeSet<&str> = new_labels.iter().map(|l| l.label.as_str()).collect();
    let gone = before.into_iter().flat_map(|j| &j.labels).filter(|l| !new_names.contains(l.label.as_str()));
    for (b, a) in new_labels
        .iter()
        .map(|l| (old_labels.get(l.label.as_str()).copied(), Some(*l)))
        .chain(gone.map(|l| (Some(l), None)))
    {
        let (b_value, a_value) = (b.map(|l| l.value), a.map(|l| l.value));
        let Some(shown) = a.or(b) else { continue };
        if b_value != a_value {
            change.labels.push(LabelChange {
                label: shown.label.clone(),
                title: shown.title.clone(),
                before: b_value,
                after: a_value,
            });
        }
    }
    change
}

/// Compares an earlier and a later assessment; `lang` is the language of the notice.
pub fn compare(before: &Snapshot, after: &Snapshot, lang: &str) -> Diff {
    let old: BTreeMap<&str, &ReadJurisdiction> = before.jurisdictions.iter().map(|j| (j.id.as_str(), j)).collect();
    let new: BTreeMap<&str, &ReadJurisdiction> = after.jurisdictions.iter().map(|j| (j.id.as_str(), j)).collect();
    let codes: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    let jurisdictions: Vec<JurisdictionChange> =
        codes.into_iter().map(|c| compare_jurisdiction(c, old.get(c), new.get(c))).collect();
    let old_facts = before.facts();
    let facts = after
        .facts()
        .into_iter()
        .filter_map(|(fact, value)| {
            let was = old_facts.get(fact)?;
            (*was != value).then(|| FactChange { fact: fact.to_string(), before: (*was).clone(), after: value.clone() })
        })
        .collect();
    let old_evidence = before.evidence();
    let evidence = after
        .evidence()
        .into_iter()
        .filter_map(|(id, (title, record))| {
            let (_, was) = old_evidence.get(id)?;
            (*was != record).then(|| EvidenceChange {
                evidence: id.to_string(),
                title: title.map(str::to_string),
                before: was.clone(),
                after: record,
            })
        })
        .collect();
    let regressed = jurisdictions.iter().flat_map(|j| j.new_gaps.iter().chain(&j.regressions)).any(|n| n.worse);
    Diff {
        schema: SCHEMA.to_string(),
        lang: lang.to_string(),
        notice: if lang == "ko" { NOTICE_KO } else { NOTICE_EN }.to_string(),
        before: before.side(),
        after: after.side(),
        facts_changed: before.provenance.facts_sha256 != after.provenance.facts_sha256,
        policies_changed: before.provenance.policies_sha256 != after.provenance.policies_sha256,
        regressed,
        jurisdictions,
        facts,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_schema_is_quoted_short_and_escaped() {
        let long = format!("{{\"schema\": \"\\u001b[2J{}\"}}", "x".repeat(10_000));
        let message = Snapshot::from_json(&long).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.len() < 200, "{message}");
        assert!(message.contains("\\u{1b}[2J") && message.contains('…'), "{message}");
    }

    fn doc(norms: &[(&str, &str)], label: Option<bool>, fact: serde_json::Value, reference: Option<&str>) -> Snapshot {
        let norms: Vec<serde_json::Value> = norms
            .iter()
            .map(|(id, status)| {
                serde_json::json!({
                    "id": id, "title": null, "citations": ["Art. 1"], "status": status,
                    "reasons": [{"fact": "system.x", "value": fact}],
                    "evidence": [{"evidence": "demo.doc", "title": "Doc", "state": "fresh",
                                  "reference": reference, "date": null, "expires": null, "scope": null}],
                })
            })
            .collect();
        let text = serde_json::json!({
            "schema": ASSESSMENT_SCHEMA, "as_of": "2026-11-26",
            "provenance": {"engine": "norma 0", "policies_sha256": "p", "facts_sha256": "f", "facts_file": "f.yaml"},
            "system": {"name": "S"},
            "jurisdictions": [{"id": "EU", "labels": [{"label": "high_risk", "title": null, "value": label}], "norms": norms}],
            "rules": {"demo.r": {"inputs": [{"fact": "system.y", "value": 1}, {"as_of": "2026-11-26"}]}},
        })
        .to_string();
        Snapshot::from_json(&text).unwrap()
    }

    #[test]
    fn each_change_is_sorted_into_one_list() {
        let before = doc(
            &[("a", "met"), ("b", "unknown"), ("c", "not_met"), ("d", "violated"), ("e", "met"), ("gone", "not_met")],
            None,
            serde_json::json!(false),
            Some("R-1"),
        );
        let after = doc(
            &[("a", "not_met"), ("b", "violated"), ("c", "met"), ("d", "not_met"), ("e", "met"), ("new", "unknown")],
            Some(true),
            serde_json::json!(true),
            None,
        );
        let d = compare(&before, &after, "en");
        let j = &d.jurisdictions[0];
        fn ids(l: &[NormChange]) -> Vec<&str> {
            l.iter().map(|n| n.id.as_str()).collect()
        }
        assert_eq!(ids(&j.new_gaps), ["a", "new"]);
        assert_eq!(ids(&j.regressions), ["b"]);
        assert_eq!(ids(&j.resolved), ["c"]);
        assert_eq!(ids(&j.other), ["d", "gone"]);
        assert!(j.new_gaps[0].worse && !j.new_gaps[1].worse && !j.other[0].worse);
        assert!(d.regressed);
        assert_eq!(j.labels.len(), 1);
        assert_eq!(j.labels[0].before, Some(None));
        assert_eq!(d.facts.len(), 1, "system.y did not change");
        assert_eq!(d.facts[0].fact, "system.x");
        assert_eq!(d.evidence.len(), 1);
        assert_eq!(d.evidence[0].after.reference, None);
        assert!(!d.facts_changed, "same hash in both test documents");
    }

    #[test]
    fn a_new_gap_of_a_new_norm_or_a_better_status_is_no_regression() {
        let before = doc(&[("a", "violated")], Some(true), serde_json::json!(1), None);
        let after = doc(&[("a", "unknown"), ("b", "not_met")], Some(true), serde_json::json!(1), None);
        let d = compare(&before, &after, "ko");
        assert!(!d.regressed);
        assert!(d.notice.contains("법률 자문"));
        assert!(compare(&after, &after, "en").jurisdictions[0].other.is_empty());
    }

    #[test]
    fn other_documents_are_refused() {
        assert!(matches!(Snapshot::from_json("{"), Err(ReadError::NotJson(_))));
        assert_eq!(Snapshot::from_json("{\"a\": 1}").unwrap_err(), ReadError::NotAssessment(None));
        let other = Snapshot::from_json("{\"schema\": \"norma.requirements/v1\"}").unwrap_err();
        assert!(other.to_string().contains("norma.requirements/v1"), "{other}");
        let incomplete = Snapshot::from_json("{\"schema\": \"norma.assessment/v1\"}").unwrap_err();
        assert!(matches!(incomplete, ReadError::Malformed(_)), "{incomplete}");
    }
}
