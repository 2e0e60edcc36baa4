//! Procurement: tender requirements derived from the same rules as assessments. A procurement
//! profile is a facts file about the system to be bought plus a `procurement` section (see
//! [`profile`]). The system is assessed twice, as of the go-live date and as of the contract's
//! last day: once with the supplier as its developer (provider), once with the buyer as its user
//! (deployer). The supplier's duties become requirement rows; the buyer's own duties a planning
//! checklist; classifications the facts leave open become "legal review needed" statements.
//! With `safety_level: high-safety` the supplier's rows also carry the requirements of the
//! public-sector high-safety pack ([`HIGH_SAFETY_PACK`], a `guidance` module, not law) that apply,
//! at level `SHOULD` and stage `award`.

pub mod profile;
pub mod response;
pub mod table;
pub mod xlsx;

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;

use crate::engine::{AssessOptions, Engine, FactsFile};
use crate::facts::Facts;
use crate::model::{FactId, Policy};
use crate::outcome::{Assessment, EventTrigger, Norm, Provenance, Reason, StandardRef, pick};
use crate::syntax::ast::ItemKind;
use crate::value::Value;
pub use profile::Profile;

/// The notice every set of requirements carries.
pub const NOTICE_EN: &str = "These requirements are derived from encoded rules and the procurement profile given. They are not legal advice; have the tender reviewed by a lawyer.";
/// The notice in Korean.
pub const NOTICE_KO: &str = "이 요구사항은 인코딩된 규칙과 제공된 조달 프로파일로부터 도출되었으며 법률 자문이 아닙니다. 입찰 공고 전에 법률 검토를 받으십시오.";

/// The schema identifier of the requirements document.
pub const SCHEMA: &str = "norma.requirements/v1";

/// The guidance module that `safety_level: high-safety` opts into.
pub const HIGH_SAFETY_PACK: &str = "procurement.public_sector_high_safety";

/// Tender requirements for one procurement.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Requirements {
    /// Always `norma.requirements/v1`.
    pub schema: String,
    /// The language of titles and texts (`en`, `ko`).
    pub lang: String,
    /// "Not legal advice".
    pub notice: String,
    /// Engine, policies and profile.
    pub provenance: Provenance,
    /// The procurement as the profile states it.
    pub procurement: ProcurementView,
    /// Per jurisdiction, how the system is classified as of the go-live date.
    pub classification: Vec<Classification>,
    /// The supplier's requirements.
    pub requirements: Vec<Row>,
    /// The buyer's own duties as deployer: a planning checklist.
    pub buyer_duties: Vec<Row>,
}

/// The procurement section, dates written out.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProcurementView {
    /// Title.
    pub title: String,
    /// Buyer.
    pub buyer: String,
    /// `public_body`, `public_service_provider` or `private_body`.
    pub buyer_type: String,
    /// Intended purpose.
    pub purpose: String,
    /// People affected.
    pub affected_people: Option<String>,
    /// Jurisdiction codes.
    pub jurisdictions: Vec<String>,
    /// Go-live date (YYYY-MM-DD).
    pub go_live: String,
    /// The contract's last day (YYYY-MM-DD).
    pub contract_end: String,
    /// Languages of the tender.
    pub languages: Vec<String>,
    /// `legal-minimum` or `high-safety`.
    pub safety_level: String,
}

/// The classification of the system in one jurisdiction.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Classification {
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// Each label.
    pub labels: Vec<LabelStatement>,
}

/// One classification label as the tender states it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LabelStatement {
    /// The label, e.g. `high_risk`.
    pub label: String,
    /// Its title in `lang`.
    pub title: Option<String>,
    /// Its citations.
    pub citations: Vec<String>,
    /// `true`, `false`, or `null`: undetermined, legal review needed.
    pub value: Option<bool>,
    /// The facts that decided it.
    pub reasons: Vec<Reason>,
    /// For an undetermined label, the facts that would decide it.
    pub missing: Vec<String>,
}

/// A basis of a requirement: a norm of a law, or of a guidance (good practice, not law).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Basis {
    /// `law` (a norm of an instrument) or `guidance` (a norm of the high-safety pack, not law).
    pub source: String,
    /// Jurisdiction code; empty for guidance.
    pub jurisdiction: String,
    /// The norm's full id.
    pub norm: String,
    /// Its citations: articles of the law, or for guidance the identifiers of the standards and
    /// documents it comes from (e.g. `ISO/IEC 42001:2023`).
    pub citations: Vec<String>,
    /// Its title in `lang`.
    pub title: Option<String>,
}

/// Evidence a requirement asks for.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EvidenceAsk {
    /// The evidence kind.
    pub evidence: String,
    /// Its title in `lang`.
    pub title: Option<String>,
}

/// A period the law sets for a requirement's subject: how long to keep logs or documents, a
/// deadline.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RowPeriod {
    /// The obligation family whose subject it is, e.g. `common.record_keeping`.
    pub family: String,
    /// The family's title in `lang`.
    pub title: Option<String>,
    /// The period, e.g. `6 months`.
    pub period: String,
}

/// One requirement (or, for the buyer, one duty).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Row {
    /// `S-001` for the supplier, `B-001` for the buyer; stable for the same profile and policies.
    pub id: String,
    /// `SHALL` (the law requires it) or `SHOULD` (good practice from the high-safety pack, not
    /// law; or a duty of effort under the law, such as Korea's Art. 35(1) "endeavour"; or a duty
    /// of an informative instrument, a promotion law without binding duties).
    pub level: String,
    /// `true` when every norm it rests on belongs to an informative instrument (a promotion law
    /// without binding duties or penalties, such as Japan's AI Promotion Act): level `SHOULD`.
    pub informative: bool,
    /// `prohibition` (the system must not do it) or `obligation`.
    pub kind: String,
    /// The duty in plain words (the norm's title), in `lang`.
    pub requirement: String,
    /// Its text, in `lang`.
    pub text: Option<String>,
    /// The basis: one entry per norm (norms of several jurisdictions when crosswalks call them
    /// equivalent); for a `SHOULD` row, the guidance norm.
    pub legal_basis: Vec<Basis>,
    /// The facts of the profile that make it apply.
    pub why: Vec<Reason>,
    /// Facts the profile leaves open that decide whether it applies: when not empty, the
    /// requirement applies only if they turn out so (legal review needed).
    pub conditions: Vec<String>,
    /// The day it applies from (YYYY-MM-DD), when known.
    pub applies_from: Option<String>,
    /// It starts applying during the contract term, after go-live.
    pub during_term: bool,
    /// The lifecycle phases in which the duty is performed, in lifecycle order (`design`,
    /// `development`, `validation`, `deployment`, `operation`, `maintenance`, `retirement`).
    pub phases: Vec<String>,
    /// Evidence to submit.
    pub evidence: Vec<EvidenceAsk>,
    /// When to submit it, in order: `bid` (with the bid: a declaration for a prohibition, the
    /// offer's answer for an award criterion), `before_award` (evidence checked before the award),
    /// `on_delivery`, `by_date` (before `applies_from`), `periodically` (again at each `every`),
    /// `on_event` (on each of `events`).
    pub submit: Vec<String>,
    /// The cadence at which the duty recurs, e.g. `12 months`.
    pub every: Option<String>,
    /// The events that trigger the duty, with the time allowed after each.
    pub events: Vec<EventTrigger>,
    /// Periods the law (or the pack) sets for the duty's subject, e.g. logs kept 6 months.
    pub periods: Vec<RowPeriod>,
    /// The threshold or metric by which performance is judged, in `lang`.
    pub metric: Option<String>,
    /// How it is verified: `declaration` (the supplier's statement) or `document_review` (review
    /// of the evidence).
    pub verification: String,
    /// Procurement stage: `exclusion` (a gate: the offer is excluded if it does not comply),
    /// `selection` (a gate on the supplier's capability, e.g. a quality-management system that
    /// already applies at the bid), `performance` (a contract performance condition) or, for the
    /// high-safety pack's rows, `award` (an award criterion: offers are scored on it).
    pub stage: String,
    /// Standards accepted as helping to meet it.
    pub equivalents: Vec<StandardRef>,
    /// The penalty under the law, in `lang`.
    pub penalty: Option<String>,
}

/// The facts of the profile, seen from one side: `roles` replaces
/// `organisation.supply_chain_roles`; for the supplier, the other organisation facts (which
/// describe the buyer) are left unknown.
fn as_party(policy: &Policy, facts: &Facts, role: &str, keep_organisation: bool) -> Facts {
    let mut out = facts.clone();
    if !keep_organisation {
        let buyer: BTreeSet<FactId> = policy
            .facts
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name.starts_with("organisation."))
            .map(|(i, _)| FactId(i as u32))
            .collect();
        out.values.retain(|f, _| !buyer.contains(f));
        out.declined.retain(|f| !buyer.contains(f));
    }
    let roles = policy.facts.iter().position(|f| f.name == "organisation.supply_chain_roles");
    if let Some(i) = roles
        && let Some(crate::model::Type::Set(e)) = policy.facts.get(i).map(|f| &f.ty)
        && let Some(variant) =
            policy.enums.get(e.0 as usize).and_then(|d| d.variants.iter().position(|(n, _)| n == role))
    {
        out.values.insert(FactId(i as u32), Value::Set(*e, BTreeSet::from([variant as u32])));
    }
    out
}

fn is_open(n: &Norm) -> bool {
    n.applies != Some(false) && n.status != "not_applicable"
}

/// The norms of one side, each with its jurisdiction (empty for guidance).
fn of_assessment(a: &Assessment) -> Vec<(&str, &Norm)> {
    a.jurisdictions.iter().flat_map(|j| j.norms.iter().map(|n| (j.id.as_str(), n))).collect()
}

/// Guidance norms, with no jurisdiction.
fn of_guidance(norms: &[Norm]) -> Vec<(&str, &Norm)> {
    norms.iter().map(|n| ("", n)).collect()
}

/// Where requirement rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Norms of the law: `SHALL`.
    Law,
    /// Norms of the high-safety pack: `SHOULD`, award criteria.
    Guidance,
}

/// The requirement rows of one side: norms that apply on go-live, or start during the term.
/// Ids continue after `before` rows.
fn rows(
    at_start: &[(&str, &Norm)],
    at_end: &[(&str, &Norm)],
    families: &BTreeMap<String, Option<String>>,
    prefix: &str,
    source: Source,
    before: usize,
) -> Vec<Row> {
    let end_norms: BTreeMap<&str, &Norm> = at_end.iter().map(|(_, n)| (n.id.as_str(), *n)).collect();
    let mut picked: Vec<(String, &Norm, Option<String>, bool)> = Vec::new();
    for &(jurisdiction, n) in at_start {
        let later = end_norms.get(n.id.as_str()).copied();
        if n.status == "not_yet_applicable" {
            if let Some(l) = later.filter(|l| is_open(l) && l.status != "not_yet_applicable") {
                picked.push((
                    jurisdiction.to_string(),
                    l,
                    n.applies_from.clone().or_else(|| l.applies_from.clone()),
                    true,
                ));
            }
        } else if is_open(n) {
            picked.push((jurisdiction.to_string(), n, n.applies_from.clone(), false));
        }
    }
    // One row for norms that crosswalks call equivalent, in the order of the first.
    let mut rows: Vec<Row> = Vec::new();
    let mut placed: BTreeMap<String, usize> = BTreeMap::new();
    for (jurisdiction, n, applies_from, during_term) in picked {
        let basis = Basis {
            source: if source == Source::Law { "law" } else { "guidance" }.into(),
            jurisdiction: jurisdiction.clone(),
            norm: n.id.clone(),
            citations: n.citations.clone(),
            title: n.title.clone(),
        };
        let twin = n.crosswalks.iter().filter(|c| c.relation == "equivalent").find_map(|c| placed.get(&c.target));
        let periods: Vec<RowPeriod> = n
            .families
            .iter()
            .filter_map(|f| {
                Some(RowPeriod {
                    family: f.family.clone(),
                    title: families.get(&f.family).cloned().flatten(),
                    period: f.period.clone()?,
                })
            })
            .collect();
        let binding = source == Source::Law && !n.lifecycle.effort && !n.informative;
        if let Some(&at) = twin
            && let Some(row) = rows.get_mut(at)
        {
            row.legal_basis.push(basis);
            row.informative = row.informative && n.informative;
            merge_lifecycle(row, n, periods, binding, source);
            placed.insert(n.id.clone(), at);
            continue;
        }
        placed.insert(n.id.clone(), rows.len());
        let prohibition = n.kind == "prohibition";
        let conditions: Vec<String> = if n.applies.is_none() {
            n.missing.iter().filter(|m| !m.starts_with("evidence.")).cloned().collect()
        } else {
            Vec::new()
        };
        let l = &n.lifecycle;
        let mut row = Row {
            id: format!("{prefix}-{:03}", before + rows.len() + 1),
            level: if binding { "SHALL" } else { "SHOULD" }.into(),
            informative: n.informative,
            kind: n.kind.clone(),
            requirement: n.title.clone().unwrap_or_else(|| n.id.clone()),
            text: n.text.clone(),
            legal_basis: vec![basis],
            why: n.reasons.clone(),
            conditions,
            applies_from,
            during_term,
            phases: l.phases.clone(),
            evidence: n
                .evidence
                .iter()
                .map(|e| EvidenceAsk { evidence: e.evidence.clone(), title: e.title.clone() })
                .collect(),
            submit: Vec::new(),
            every: l.every.clone(),
            events: l.events.clone(),
            periods,
            metric: l.metric.clone(),
            verification: if n.evidence.is_empty() { "declaration" } else { "document_review" }.into(),
            stage: match (source, prohibition) {
                (Source::Guidance, _) => "award",
                (Source::Law, true) => "exclusion",
                (Source::Law, false) if !during_term && is_capability(n) => "selection",
                (Source::Law, false) => "performance",
            }
            .into(),
            equivalents: equivalents(n),
            penalty: n.penalty.clone(),
        };
        row.submit = submit(&row, source);
        rows.push(row);
    }
    rows
}

/// The obligation family of duties that describe the supplier's capability rather than the
/// system (a quality-management system): checked when suppliers are selected.
const CAPABILITY_FAMILY: &str = "common.quality_management";

fn is_capability(n: &Norm) -> bool {
    n.families.iter().any(|f| f.family == CAPABILITY_FAMILY)
}

/// When the evidence of a row is due: see [`Row::submit`].
fn submit(row: &Row, source: Source) -> Vec<String> {
    if row.kind == "prohibition" {
        return vec!["bid".into()];
    }
    let mut out: Vec<&str> = Vec::new();
    if row.stage == "selection" {
        out.push("bid");
    } else if source == Source::Guidance {
        out.push("bid");
        if !row.evidence.is_empty() {
            out.push("before_award");
        }
    } else if row.during_term {
        out.push("by_date");
    } else {
        out.push("on_delivery");
    }
    if row.every.is_some() {
        out.push("periodically");
    }
    if !row.events.is_empty() {
        out.push("on_event");
    }
    out.into_iter().map(String::from).collect()
}

/// The standards' clauses and controls accepted as helping to meet a norm: those its `standard`
/// clauses and its crosswalks to standards name, with their catalog titles, except those with the
/// relation `none`.
fn equivalents(n: &Norm) -> Vec<StandardRef> {
    n.also_satisfies
        .iter()
        .filter(|a| a.relation.as_deref() != Some("none"))
        .map(|a| StandardRef {
            standard: a.standard.clone(),
            clause: a.clause.clone(),
            relation: a.relation.clone(),
            confidence: a.confidence.clone(),
            title: a.title.clone(),
        })
        .collect()
}

/// Adds the lifecycle of an equivalent norm to its row: the phases, events and periods of both,
/// the first cadence and metric given, and `SHALL` when either binds.
fn merge_lifecycle(row: &mut Row, n: &Norm, periods: Vec<RowPeriod>, binding: bool, source: Source) {
    let l = &n.lifecycle;
    for p in &l.phases {
        if !row.phases.contains(p) {
            row.phases.push(p.clone());
        }
    }
    row.phases.sort_by_key(|p| crate::model::PHASES.iter().position(|x| x == p));
    for e in &l.events {
        if !row.events.iter().any(|x| x.event == e.event && x.within == e.within) {
            row.events.push(e.clone());
        }
    }
    row.periods.extend(periods);
    for e in equivalents(n) {
        if !row.equivalents.iter().any(|x| x.standard == e.standard && x.clause == e.clause) {
            row.equivalents.push(e);
        }
    }
    if row.every.is_none() {
        row.every = l.every.clone();
    }
    if row.metric.is_none() {
        row.metric = l.metric.clone();
    }
    if binding {
        row.level = "SHALL".into();
    }
    row.submit = submit(row, source);
}

/// The classification statements as of go-live.
fn classification(a: &Assessment) -> Vec<Classification> {
    a.jurisdictions
        .iter()
        .map(|j| Classification {
            jurisdiction: j.id.clone(),
            labels: j
                .labels
                .iter()
                .map(|l| {
                    let key = format!("{}:{}", j.id, l.label);
                    let reasons = l
                        .trace
                        .iter()
                        .filter_map(|id| a.rules.get(id))
                        .flat_map(|s| &s.inputs)
                        .filter_map(|i| match i {
                            crate::outcome::StepInput::Fact { fact, value } if !value.is_null() => {
                                Some(Reason { fact: fact.clone(), value: value.clone() })
                            }
                            _ => None,
                        })
                        .fold(Vec::<Reason>::new(), |mut acc, r| {
                            if !acc.iter().any(|x| x.fact == r.fact) {
                                acc.push(r);
                            }
                            acc
                        });
                    LabelStatement {
                        label: l.label.clone(),
                        title: l.title.clone(),
                        citations: l.citations.clone(),
                        value: l.value,
                        reasons,
                        missing: if l.value.is_none() {
                            j.questions.iter().filter(|q| q.outcomes.contains(&key)).map(|q| q.fact.clone()).collect()
                        } else {
                            Vec::new()
                        },
                    }
                })
                .collect(),
        })
        .collect()
}

/// Derives the requirements of a procurement from `facts` (the profile's facts) and `profile`.
pub fn derive(engine: &Engine, facts: &FactsFile, profile: &Profile, lang: &str) -> Requirements {
    let policy = engine.policy();
    let mut options = AssessOptions::new(profile.go_live);
    options.lang = lang.to_string();
    options.jurisdictions = profile.jurisdictions.iter().cloned().collect();
    let party =
        |role: &str, keep: bool| FactsFile { facts: as_party(policy, &facts.facts, role, keep), ..facts.clone() };
    let supplier = party("developer", false);
    let buyer = party("user", true);
    let at = |f: &FactsFile, date| {
        let mut o = options.clone();
        o.as_of = date;
        engine.assess(f, &o)
    };
    let supplier_start = at(&supplier, profile.go_live);
    let supplier_end = at(&supplier, profile.contract_end);
    let buyer_start = at(&buyer, profile.go_live);
    let buyer_end = at(&buyer, profile.contract_end);
    let families: BTreeMap<String, Option<String>> = policy
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Family)
        .map(|i| (i.qualified.clone(), pick(&i.titles, lang, None)))
        .collect();
    let families = &families;
    let mut requirements =
        rows(&of_assessment(&supplier_start), &of_assessment(&supplier_end), families, "S", Source::Law, 0);
    if profile.safety_level == "high-safety" {
        let guidance = |date| {
            let mut o = options.clone();
            o.as_of = date;
            engine.guidance_norms(&supplier, &o, HIGH_SAFETY_PACK)
        };
        let (start, end) = (guidance(profile.go_live), guidance(profile.contract_end));
        let extra = rows(&of_guidance(&start), &of_guidance(&end), families, "S", Source::Guidance, requirements.len());
        requirements.extend(extra);
    }
    Requirements {
        schema: SCHEMA.into(),
        lang: lang.into(),
        notice: if lang == "ko" { NOTICE_KO } else { NOTICE_EN }.into(),
        provenance: supplier_start.provenance.clone(),
        procurement: ProcurementView {
            title: profile.title.clone(),
            buyer: profile.buyer.clone(),
            buyer_type: profile.buyer_type.clone(),
            purpose: profile.purpose.clone(),
            affected_people: profile.affected_people.clone(),
            jurisdictions: profile.jurisdictions.clone(),
            go_live: profile.go_live.to_string(),
            contract_end: profile.contract_end.to_string(),
            languages: profile.languages.clone(),
            safety_level: profile.safety_level.clone(),
        },
        classification: classification(&buyer_start),
        requirements,
        buyer_duties: rows(&of_assessment(&buyer_start), &of_assessment(&buyer_end), families, "B", Source::Law, 0),
    }
}
