//! The outcome model `norma.assessment/v1`: everything a report needs, as a documented,
//! versioned, serialisable structure. Reports render from this, never from engine internals.
//! Field-by-field documentation: `docs/assessment-schema.md`.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;

use crate::eval::{Evaluator, EvidenceState, Input, Status, Why};
use crate::facts::Evidence;
use crate::model::{FactId, ItemId, Localized, Policy, Target, Type};
use crate::syntax::ast::{ItemKind, ModuleKind};
use crate::value::Value;

/// The schema identifier of this model.
pub const SCHEMA: &str = "norma.assessment/v1";

/// The notice every assessment carries.
pub const NOTICE_EN: &str =
    "This assessment is generated from encoded rules and the facts given. It is not legal advice.";
/// The notice in Korean.
pub const NOTICE_KO: &str = "이 평가는 인코딩된 규칙과 제공된 사실로부터 생성되었으며 법률 자문이 아닙니다.";

/// An assessment of one AI system against a policy set, as of one date.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Assessment {
    /// Always `norma.assessment/v1`.
    pub schema: String,
    /// The assessment date (YYYY-MM-DD).
    pub as_of: String,
    /// The language of titles, texts and questions (`en`, `ko`).
    pub lang: String,
    /// "Not legal advice".
    pub notice: String,
    /// What produced this assessment.
    pub provenance: Provenance,
    /// The system assessed.
    pub system: System,
    /// The roles the organisation was assessed in; empty when the facts decided them.
    pub roles: Vec<String>,
    /// One entry per jurisdiction assessed.
    pub jurisdictions: Vec<Jurisdiction>,
    /// Open questions across all jurisdictions, most decisive first.
    pub questions: Vec<Question>,
    /// Every rule that appears in a trace, once, by full id: its value and what decided it.
    pub rules: BTreeMap<String, Step>,
    /// The obligation families the assessed norms belong to, by full id.
    pub families: BTreeMap<String, Family>,
    /// The catalogued standards the assessed norms correspond to (their `also_satisfies`), by
    /// reference.
    pub standards: BTreeMap<String, crate::standards::StandardInfo>,
    /// What changed since an earlier assessment (`norma assess --previous`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<crate::diff::Diff>,
    /// Recurring duties falling due and evidence running out within a window
    /// (`norma assess --warn-expiring DAYS`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upkeep: Option<Upkeep>,
}

impl Assessment {
    /// How many outcomes the facts leave open: undecided classification labels and norms whose
    /// status is `unknown`, across the jurisdictions assessed.
    pub fn open_outcomes(&self) -> usize {
        self.jurisdictions
            .iter()
            .map(|j| {
                j.classification.values().filter(|v| v.is_none()).count()
                    + j.norms.iter().filter(|n| n.status == "unknown").count()
            })
            .sum()
    }
}

/// An obligation family: duties of the same kind across laws (record retention, representatives,
/// registration, labelling, …).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Family {
    /// Title in the report language.
    pub title: Option<String>,
    /// What a reader should know when the family appears in several laws.
    pub text: Option<String>,
}

/// A norm's membership of an obligation family.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FamilyMembership {
    /// The family's full id (described in the top-level `families`).
    pub family: String,
    /// The period the norm sets for the family's subject (a retention period, a deadline), e.g.
    /// `10 years`.
    pub period: Option<String>,
    /// The same period in days (a month counted as 30 days, a year as 365), to compare periods.
    pub period_days: Option<i64>,
}

/// Engine, policy and facts identification.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Provenance {
    /// `norma` and its version.
    pub engine: String,
    /// SHA-256 of the policy sources (file names and texts, in name order).
    pub policies_sha256: String,
    /// SHA-256 of the facts file.
    pub facts_sha256: String,
    /// The facts file as named on the command line.
    pub facts_file: String,
    /// The instruments and the version of each in force on the assessment date.
    pub instruments: Vec<InstrumentVersion>,
    /// The supplier's filled response form whose evidence was added (`assess --responses`);
    /// absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responses: Option<ResponsesProvenance>,
}

/// The filled supplier response form an assessment took evidence from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ResponsesProvenance {
    /// The form as named on the command line.
    pub file: String,
    /// SHA-256 of the form.
    pub sha256: String,
    /// The procurement it answers, as the form states it.
    pub procurement: Option<String>,
    /// The SHA-256 of the procurement profile the form was generated from, as the form states it.
    pub profile_sha256: Option<String>,
    /// The SHA-256 of the policies the form was generated from, as the form states it.
    pub policies_sha256: Option<String>,
    /// Whether those are the policies of this assessment (`null` when the form does not say):
    /// when not, the form's rows may no longer match the requirements.
    pub same_policies: Option<bool>,
}

/// An instrument and its version in force.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InstrumentVersion {
    /// Module id, e.g. `eu.ai_act`.
    pub id: String,
    /// Official title in the report language.
    pub title: Option<String>,
    /// Jurisdiction code.
    pub jurisdiction: Option<String>,
    /// Name of the version in force (`original`, `amended`, …), if versions are declared.
    pub version: Option<String>,
    /// What that version is.
    pub version_label: Option<String>,
    /// When that version entered into force.
    pub in_force: Option<String>,
    /// Official source.
    pub source: Option<String>,
    /// Notes on the instrument as a whole (e.g. a grace period for fines), in the report
    /// language.
    pub notes: Vec<String>,
    /// `true` for an informative instrument (declared `informative`): a promotion law without
    /// binding duties or penalties, whose norms say what the law expects, not what it enforces.
    pub informative: bool,
}

/// The system assessed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct System {
    /// `system.name`, when given.
    pub name: Option<String>,
}

/// The outcome in one jurisdiction.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Jurisdiction {
    /// Jurisdiction code (`EU`, `KR`, …).
    pub id: String,
    /// Instruments of this jurisdiction assessed.
    pub instruments: Vec<String>,
    /// Classification labels declared by the packs: `true`, `false` or `null` (undecided).
    pub classification: BTreeMap<String, Option<bool>>,
    /// The same labels in declaration order, each with its title and the trace that decided it.
    pub labels: Vec<ClassLabel>,
    /// The roles this jurisdiction's instruments define, and whether the organisation holds each.
    pub roles: Vec<RoleOutcome>,
    /// How many norms have each status.
    pub counts: BTreeMap<String, usize>,
    /// Every norm, in the order of the policy files.
    pub norms: Vec<Norm>,
    /// Open questions for this jurisdiction, most decisive first.
    pub questions: Vec<Question>,
}

/// A classification label and why it has its value.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClassLabel {
    /// The label, e.g. `high_risk`.
    pub label: String,
    /// The title of the definition that carries it, in the report language.
    pub title: Option<String>,
    /// Its citations.
    pub citations: Vec<String>,
    /// `true`, `false` or `null` (undecided).
    pub value: Option<bool>,
    /// The derivation: the definition first, then every rule it depends on (full ids; each
    /// described in `rules`).
    pub trace: Vec<String>,
}

/// A role and whether the organisation holds it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RoleOutcome {
    /// The role's name, e.g. `provider`.
    pub role: String,
    /// Its title in the report language.
    pub title: Option<String>,
    /// Its citations.
    pub citations: Vec<String>,
    /// `true`, `false` or `null` (undecided).
    pub value: Option<bool>,
}

/// The outcome of one norm.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Norm {
    /// Full id, e.g. `eu.ai_act.risk_management_system`.
    pub id: String,
    /// `obligation` or `prohibition`.
    pub kind: String,
    /// Plain-language title (version in force, report language).
    pub title: Option<String>,
    /// Plain-language text.
    pub text: Option<String>,
    /// Citations, e.g. `Art. 9`.
    pub citations: Vec<String>,
    /// Roles the norm binds.
    pub roles: Vec<String>,
    /// `violated`, `met`, `not_met`, `unknown`, `not_applicable` or `not_yet_applicable`.
    pub status: String,
    /// Why, as a code: `applies`, `condition_false`, `excepted`, `starts_later`, `ended`,
    /// `not_in_version`, `undecided`.
    pub why: String,
    /// Whether it applies on the assessment date, met or not: `true`, `false`, or `null` when
    /// the facts do not decide it.
    pub applies: Option<bool>,
    /// The exception, exemption or derogation that sets it aside, when `why` is `excepted`.
    pub excepted_by: Option<String>,
    /// The day it applies from (YYYY-MM-DD), when known.
    pub applies_from: Option<String>,
    /// The first day it no longer applies, when set.
    pub applies_until: Option<String>,
    /// critical, high, medium, low or info.
    pub severity: Option<String>,
    /// The penalty, in the report language.
    pub penalty: Option<String>,
    /// The known facts that decided the outcome.
    pub reasons: Vec<Reason>,
    /// The unknown facts (and missing evidence) that would decide it, when undecided.
    pub missing: Vec<String>,
    /// The derivation: this norm first, then every rule it depends on (full ids; each described
    /// in `rules`).
    pub trace: Vec<String>,
    /// Evidence the norm looks for, and its state.
    pub evidence: Vec<EvidenceRecord>,
    /// For a recurring duty (`lifecycle.every`) that applies: the day it is next due (YYYY-MM-DD),
    /// a cadence after the latest date of its evidence; null without dated evidence.
    pub next_due: Option<String>,
    /// Standards that help satisfy it.
    pub standards: Vec<StandardRef>,
    /// Corresponding rules and standards.
    pub crosswalks: Vec<CrosswalkRef>,
    /// The standards and their clauses or controls that correspond to it (from its `standard`
    /// clauses and its crosswalks to standards), each once, with the catalog's title.
    pub also_satisfies: Vec<AlsoSatisfies>,
    /// The obligation families the norm belongs to.
    pub families: Vec<FamilyMembership>,
    /// When in the system's life the duty is performed, how often, on which events, and how
    /// firmly it binds.
    pub lifecycle: NormLifecycle,
    /// Notes, e.g. on verification status.
    pub notes: Vec<String>,
    /// `true` when the norm belongs to an informative instrument (a promotion law without binding
    /// duties or penalties): its status says what the law expects, and a gap is no breach.
    pub informative: bool,
}

/// What needs doing within a window after the assessment date: recurring duties that fall due and
/// evidence that stops counting.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Upkeep {
    /// The window, in days after the assessment date.
    pub within_days: u32,
    /// Recurring duties due by the end of the window (or overdue), earliest first.
    pub due: Vec<DueDuty>,
    /// Held evidence whose last valid day falls by the end of the window (or has passed),
    /// earliest first.
    pub expiring: Vec<ExpiringEvidence>,
}

/// A recurring duty and when it is next due.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DueDuty {
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// The norm's full id.
    pub norm: String,
    /// Its title.
    pub title: Option<String>,
    /// Its cadence, e.g. `12 months`.
    pub every: Option<String>,
    /// When it is next due (YYYY-MM-DD).
    pub next_due: String,
    /// `true` when that day is before the assessment date.
    pub overdue: bool,
}

/// Evidence that stops counting soon.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ExpiringEvidence {
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// The norm that looks for it.
    pub norm: String,
    /// The evidence kind.
    pub evidence: String,
    /// Its title.
    pub title: Option<String>,
    /// Its reference.
    pub reference: Option<String>,
    /// The last day it counts (YYYY-MM-DD).
    pub valid_until: String,
    /// Days from the assessment date to that day (negative once past).
    pub days_left: i64,
}

/// The upkeep of `a` within `days` after its assessment date: derived from the norms' `next_due`
/// and the evidence records' `valid_until`.
pub fn upkeep(a: &Assessment, days: u32) -> Upkeep {
    let end =
        crate::facts::parse_date(&a.as_of).and_then(|d| d.checked_add(jiff::Span::new().days(i64::from(days))).ok());
    let mut due: Vec<DueDuty> = Vec::new();
    let mut expiring: Vec<ExpiringEvidence> = Vec::new();
    for j in &a.jurisdictions {
        for n in &j.norms {
            if let Some(next) = &n.next_due
                && end.is_some_and(|e| crate::facts::parse_date(next).is_some_and(|d| d <= e))
            {
                due.push(DueDuty {
                    jurisdiction: j.id.clone(),
                    norm: n.id.clone(),
                    title: n.title.clone(),
                    every: n.lifecycle.every.clone(),
                    next_due: next.clone(),
                    overdue: next.as_str() < a.as_of.as_str(),
                });
            }
            for e in &n.evidence {
                if let (Some(until), Some(left)) = (&e.valid_until, e.days_left)
                    && left <= i64::from(days)
                    && !expiring.iter().any(|x| x.norm == n.id && x.evidence == e.evidence)
                {
                    expiring.push(ExpiringEvidence {
                        jurisdiction: j.id.clone(),
                        norm: n.id.clone(),
                        evidence: e.evidence.clone(),
                        title: e.title.clone(),
                        reference: e.reference.clone(),
                        valid_until: until.clone(),
                        days_left: left,
                    });
                }
            }
        }
    }
    due.sort_by(|x, y| (&x.next_due, &x.norm).cmp(&(&y.next_due, &y.norm)));
    expiring.sort_by(|x, y| (&x.valid_until, &x.norm, &x.evidence).cmp(&(&y.valid_until, &y.norm, &y.evidence)));
    Upkeep { within_days: days, due, expiring }
}

/// A norm's place in the system's lifecycle.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct NormLifecycle {
    /// The phases in which the duty is performed, in lifecycle order: `design`, `development`,
    /// `validation`, `deployment`, `operation`, `maintenance`, `retirement`.
    pub phases: Vec<String>,
    /// The cadence at which it recurs, e.g. `12 months`.
    pub every: Option<String>,
    /// The events that trigger it.
    pub events: Vec<EventTrigger>,
    /// `true` for a duty of effort (the addressee must endeavour), not of result.
    pub effort: bool,
    /// The threshold or metric by which performance is judged, in the report language.
    pub metric: Option<String>,
}

/// An event that triggers a duty, and the time allowed after it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EventTrigger {
    /// The event's full id, e.g. `common.serious_incident`.
    pub event: String,
    /// Its title in the report language.
    pub title: Option<String>,
    /// The time allowed after it, e.g. `15 days`.
    pub within: Option<String>,
}

/// A fact and its value.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Reason {
    /// The fact.
    pub fact: String,
    /// Its value.
    pub value: serde_json::Value,
}

/// One rule in a derivation.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Step {
    /// Full id.
    pub rule: String,
    /// Declaration kind (`define`, `exemption`, `obligation`, …).
    pub kind: String,
    /// Title in the report language.
    pub title: Option<String>,
    /// Citations.
    pub citations: Vec<String>,
    /// Its value: `true`/`false`/`null`, a value, or for a norm its status.
    pub value: serde_json::Value,
    /// What decided it.
    pub inputs: Vec<StepInput>,
}

/// An input of a step.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum StepInput {
    /// A fact and its value (`null` when unknown).
    Fact {
        /// The fact.
        fact: String,
        /// Its value.
        value: serde_json::Value,
    },
    /// Another rule and its value.
    Rule {
        /// Full id.
        rule: String,
        /// Its value, or a norm's status.
        value: serde_json::Value,
    },
    /// Evidence and its state.
    Evidence {
        /// The evidence kind.
        evidence: String,
        /// `fresh`, `stale`, `expired`, `not_yet_dated`, `not_held` or `missing`.
        state: String,
    },
    /// The assessment date.
    AsOf {
        /// The date.
        as_of: String,
    },
}

/// Evidence a norm looks for.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EvidenceRecord {
    /// The evidence kind.
    pub evidence: String,
    /// Its title.
    pub title: Option<String>,
    /// `fresh`, `stale`, `expired`, `not_yet_dated`, `not_held` or `missing`.
    pub state: String,
    /// Document reference.
    pub reference: Option<String>,
    /// Date produced.
    pub date: Option<String>,
    /// Expiry date.
    pub expires: Option<String>,
    /// What it covers.
    pub scope: Option<String>,
    /// The last day it counts (YYYY-MM-DD): the day before its expiry, or the last day within
    /// its validity or the norm's age limit, whichever comes first; for held, dated evidence.
    pub valid_until: Option<String>,
    /// Days from the assessment date to `valid_until` (negative once past).
    pub days_left: Option<i64>,
}

/// A standard that helps satisfy a norm.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StandardRef {
    /// The standard.
    pub standard: String,
    /// Its clause or control.
    pub clause: Option<String>,
    /// equivalent, partial, stricter, weaker, related or none.
    pub relation: Option<String>,
    /// high, medium or low.
    pub confidence: Option<String>,
    /// The title of the clause (or of the standard) in its catalog, in the report language; null
    /// when no catalog of the standard is loaded.
    pub title: Option<String>,
}

/// A standard's clause or control that corresponds to a norm: what meeting the norm may also
/// satisfy, and what may help meet it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AlsoSatisfies {
    /// The standard's reference.
    pub standard: String,
    /// The clause or control; null for the standard as a whole.
    pub clause: Option<String>,
    /// Its title in the standard's catalog (the standard's title for the whole), in the report
    /// language; null when no catalog of the standard is loaded.
    pub title: Option<String>,
    /// equivalent, partial, stricter, weaker, related or none.
    pub relation: Option<String>,
    /// high, medium or low.
    pub confidence: Option<String>,
    /// Who established the correspondence.
    pub source: Option<String>,
    /// Whether the standard's catalog is loaded and lists the clause.
    pub catalogued: bool,
}

/// A correspondence from a norm.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CrosswalkRef {
    /// A rule's full id, or a standard.
    pub target: String,
    /// The clause of a standard.
    pub clause: Option<String>,
    /// equivalent, partial, stricter, weaker, related or none.
    pub relation: String,
    /// Who says so.
    pub source: Option<String>,
    /// high, medium or low.
    pub confidence: Option<String>,
    /// Whether the target is a standard (else a rule or an instrument).
    pub standard: bool,
}

/// A question whose answer would decide open outcomes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Question {
    /// The fact (`system.use_cases`) or the evidence (`evidence.NAME`) asked for.
    pub fact: String,
    /// The question, in the report language.
    pub question: String,
    /// Help text.
    pub help: Option<String>,
    /// `bool`, `number`, `text`, `date`, `duration`, `one_of`, `some_of` or `evidence`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The unit of a number.
    pub unit: Option<String>,
    /// Allowed values, with labels in the report language.
    pub allowed: Vec<Choice>,
    /// How many open outcomes the answer would help decide.
    pub decides: usize,
    /// Those outcomes (norm ids and `JURISDICTION:label`).
    pub outcomes: Vec<String>,
}

/// An allowed value.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Choice {
    /// The value as written in a facts file.
    pub value: String,
    /// Its label.
    pub label: Option<String>,
}

/// What to put into the model beside the evaluation.
#[derive(Debug, Clone)]
pub struct Context {
    /// Report language.
    pub lang: String,
    /// Jurisdictions to include (codes, upper case); empty: all.
    pub jurisdictions: BTreeSet<String>,
    /// Roles assumed (names); empty: from the facts.
    pub roles: BTreeSet<String>,
    /// Provenance.
    pub provenance: Provenance,
}

/// Picks the text in `lang` for the version in force, falling back to English, then to any.
pub fn pick(list: &[Localized], lang: &str, version: Option<&str>) -> Option<String> {
    let score = |l: &Localized| {
        let lang_score = if l.lang == lang {
            2
        } else if l.lang == "en" {
            1
        } else {
            0
        };
        let version_score = match (&l.under, version) {
            (Some(u), Some(v)) if u == v => 2,
            (None, _) => 1,
            _ => 0,
        };
        (version_score > 0, lang_score, version_score)
    };
    // Texts of the version in force first; a text written only for another version (e.g. a norm
    // that an amendment introduces) still beats no text.
    list.iter().max_by_key(|l| score(l)).map(|l| l.text.clone())
}

/// Every text in `lang`, or else every English one.
pub fn pick_all(list: &[Localized], lang: &str) -> Vec<String> {
    let mut chosen: Vec<&Localized> = list.iter().filter(|n| n.lang == lang).collect();
    if chosen.is_empty() {
        chosen = list.iter().filter(|n| n.lang == "en").collect();
    }
    chosen.into_iter().map(|n| n.text.clone()).collect()
}

/// A length of time in days, a month counted as 30 days and a year as 365, for comparing periods.
fn approximate_days(d: &crate::value::Duration) -> i64 {
    use crate::value::TimeUnit;
    d.0.iter()
        .map(|(amount, unit)| match unit {
            TimeUnit::Hours => amount / 24,
            TimeUnit::Days => *amount,
            TimeUnit::WorkingDays => amount.saturating_mul(7) / 5,
            TimeUnit::Weeks => amount.saturating_mul(7),
            TimeUnit::Months => amount.saturating_mul(30),
            TimeUnit::Years => amount.saturating_mul(365),
        })
        .fold(0i64, |a, b| a.saturating_add(b))
}

/// A value as JSON: booleans, numbers, text; enumeration values by name; unknown as `null`.
pub fn json_value(policy: &Policy, v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    let name = |e: crate::model::EnumId, i: u32| {
        policy
            .enums
            .get(e.0 as usize)
            .and_then(|d| d.variants.get(i as usize))
            .map_or(J::Null, |(n, _)| J::String(n.clone()))
    };
    match v {
        Value::Unknown => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n, _) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
        Value::Text(t) => J::String(t.clone()),
        Value::Date(d) => J::String(d.to_string()),
        Value::Duration(d) => J::String(d.to_string()),
        Value::Enum(e, i) => name(*e, *i),
        Value::Set(e, s) => J::Array(s.iter().map(|i| name(*e, *i)).collect()),
        Value::List(items) => J::Array(items.iter().map(|x| json_value(policy, x)).collect()),
    }
}

fn why_word(why: &Why) -> &'static str {
    match why {
        Why::Applies => "applies",
        Why::ConditionFalse => "condition_false",
        Why::Excepted(_) => "excepted",
        Why::StartsLater => "starts_later",
        Why::Ended => "ended",
        Why::NotInVersion => "not_in_version",
        Why::Undecided => "undecided",
    }
}

struct Builder<'e, 'a> {
    ev: &'e Evaluator<'a>,
    policy: &'a Policy,
    lang: String,
    /// The rules traced so far.
    traced: std::cell::RefCell<BTreeSet<ItemId>>,
}

impl Builder<'_, '_> {
    fn version(&self, id: ItemId) -> Option<&str> {
        self.policy.item(id).and_then(|i| self.ev.version(i.module))
    }

    fn rule_value(&self, id: ItemId) -> serde_json::Value {
        match self.ev.outcome(id) {
            Some(o) => serde_json::Value::String(o.status.word().to_string()),
            None => json_value(self.policy, &self.ev.value(id)),
        }
    }

    fn fact_name(&self, f: FactId) -> String {
        self.policy.fact(f).map_or_else(String::new, |x| x.name.clone())
    }

    fn input(&self, i: &Input) -> StepInput {
        match i {
            Input::Fact(f) => {
                StepInput::Fact { fact: self.fact_name(*f), value: json_value(self.policy, self.ev.facts().get(*f)) }
            }
            Input::Rule(r) => StepInput::Rule {
                rule: self.policy.item(*r).map_or_else(String::new, |x| x.qualified.clone()),
                value: self.rule_value(*r),
            },
            Input::Evidence(e, state, _) => StepInput::Evidence {
                evidence: self.policy.item(*e).map_or_else(String::new, |x| x.qualified.clone()),
                state: state.word().to_string(),
            },
            Input::AsOf => StepInput::AsOf { as_of: self.ev.as_of().to_string() },
        }
    }

    fn step(&self, id: ItemId) -> Option<Step> {
        let item = self.policy.item(id)?;
        Some(Step {
            rule: item.qualified.clone(),
            kind: item.kind.keyword().to_string(),
            title: pick(&item.titles, &self.lang, self.version(id)),
            citations: item.cites.clone(),
            value: self.rule_value(id),
            inputs: self.ev.inputs(id).iter().map(|i| self.input(i)).collect(),
        })
    }

    /// The derivation of `id` as full ids, remembering each rule for the `rules` table.
    fn trace(&self, id: ItemId) -> Vec<String> {
        let rules = self.ev.derivation(id);
        self.traced.borrow_mut().extend(rules.iter().copied());
        rules.into_iter().filter_map(|r| self.policy.item(r).map(|x| x.qualified.clone())).collect()
    }

    fn open(&self, id: ItemId) -> Vec<String> {
        self.ev
            .open_questions(id)
            .iter()
            .filter_map(|i| match i {
                Input::Fact(f) => Some(self.fact_name(*f)),
                Input::Evidence(e, _, _) => self.policy.item(*e).map(|x| format!("evidence.{}", x.name)),
                _ => None,
            })
            .collect()
    }

    fn evidence_of(&self, id: ItemId) -> Vec<EvidenceRecord> {
        let mut kinds = BTreeSet::new();
        for r in self.ev.derivation(id) {
            for i in self.ev.inputs(r) {
                if let Input::Evidence(e, _, _) = i {
                    kinds.insert(*e);
                }
            }
        }
        kinds
            .into_iter()
            .filter_map(|e| {
                let item = self.policy.item(e)?;
                let found = self
                    .ev
                    .inputs(id)
                    .iter()
                    .chain(self.ev.derivation(id).iter().flat_map(|r| self.ev.inputs(*r)))
                    .find_map(|i| match i {
                        Input::Evidence(x, s, last) if *x == e => Some((*s, *last)),
                        _ => None,
                    });
                let (state, last_day) = (found.map(|f| f.0), found.and_then(|f| f.1));
                let held = self.ev.facts().evidence.get(&e);
                let (reference, date, expires, scope) = match held {
                    Some(Evidence::Held { reference, date, expires, scope }) => {
                        (Some(reference.clone()), Some(date.to_string()), expires.map(|d| d.to_string()), scope.clone())
                    }
                    _ => (None, None, None, None),
                };
                Some(EvidenceRecord {
                    evidence: item.qualified.clone(),
                    title: pick(&item.titles, &self.lang, None),
                    state: state.unwrap_or(EvidenceState::Missing).word().to_string(),
                    reference,
                    date,
                    expires,
                    scope,
                    valid_until: last_day.map(|d| d.to_string()),
                    days_left: last_day.map(|d| i64::from((d - self.ev.as_of()).get_days())),
                })
            })
            .collect()
    }

    fn norm(&self, id: ItemId) -> Option<Norm> {
        let item = self.policy.item(id)?;
        let o = self.ev.outcome(id)?;
        let version = self.version(id);
        let evidence = self.evidence_of(id);
        Some(Norm {
            id: item.qualified.clone(),
            kind: item.kind.keyword().to_string(),
            title: pick(&item.titles, &self.lang, version),
            text: pick(&item.texts, &self.lang, version),
            citations: item.cites.clone(),
            roles: item.binds.iter().filter_map(|r| self.policy.item(*r).map(|x| x.name.clone())).collect(),
            status: o.status.word().to_string(),
            why: why_word(&o.why).to_string(),
            applies: o.applies.as_bool(),
            excepted_by: match o.why {
                Why::Excepted(e) => self.policy.item(e).map(|x| x.qualified.clone()),
                _ => None,
            },
            applies_from: o.applies_from.map(|d| d.to_string()),
            applies_until: o.applies_until.map(|d| d.to_string()),
            severity: item.severity.clone(),
            penalty: pick(&item.penalties, &self.lang, version),
            reasons: self
                .ev
                .deciding_facts(id)
                .into_iter()
                .map(|(f, v)| Reason { fact: self.fact_name(f), value: json_value(self.policy, &v) })
                .collect(),
            missing: if o.status == Status::Unknown { self.open(id) } else { Vec::new() },
            trace: self.trace(id),
            next_due: self.next_due(item, &evidence, o.applies.as_bool()),
            evidence,
            standards: item
                .standards
                .iter()
                .map(|s| StandardRef {
                    standard: s.name.clone(),
                    clause: s.part.clone(),
                    relation: s.relation.clone(),
                    confidence: s.confidence.clone(),
                    title: self.standard_title(&s.name, s.part.as_deref()),
                })
                .collect(),
            crosswalks: self.crosswalks(id),
            also_satisfies: self.also_satisfies(item, id),
            families: item
                .families
                .iter()
                .filter_map(|f| {
                    let family = self.policy.item(f.family)?;
                    Some(FamilyMembership {
                        family: family.qualified.clone(),
                        period: f.period.as_ref().map(|p| p.to_string()),
                        period_days: f.period.as_ref().map(approximate_days),
                    })
                })
                .collect(),
            lifecycle: self.lifecycle(item),
            notes: pick_all(&item.notes, &self.lang),
            informative: self.policy.module(item.module).is_some_and(|m| m.informative),
        })
    }

    /// When a recurring duty (`every`) that applies is next due: a cadence after the latest date
    /// of the evidence it looks for; none without dated evidence.
    fn next_due(
        &self,
        item: &crate::model::Item,
        evidence: &[EvidenceRecord],
        applies: Option<bool>,
    ) -> Option<String> {
        let every = item.lifecycle.every.as_ref().filter(|_| applies == Some(true))?;
        let latest = evidence.iter().filter_map(|e| e.date.as_deref().and_then(crate::facts::parse_date)).max()?;
        every.after(latest).map(|t| t.date().to_string())
    }

    /// A norm's lifecycle clauses, in the report language.
    fn lifecycle(&self, item: &crate::model::Item) -> NormLifecycle {
        let l = &item.lifecycle;
        NormLifecycle {
            phases: l.phases.clone(),
            every: l.every.as_ref().map(ToString::to_string),
            events: l
                .on
                .iter()
                .filter_map(|e| {
                    let event = self.policy.item(e.event)?;
                    Some(EventTrigger {
                        event: event.qualified.clone(),
                        title: pick(&event.titles, &self.lang, None),
                        within: e.within.as_ref().map(ToString::to_string),
                    })
                })
                .collect(),
            effort: l.effort,
            metric: pick(&l.metrics, &self.lang, None),
        }
    }

    /// The correspondences of a norm, written from it or to it (a crosswalk from the other side
    /// is shown turned round: `stricter` becomes `weaker`), each other rule once.
    fn crosswalks(&self, id: ItemId) -> Vec<CrosswalkRef> {
        let mut out: Vec<CrosswalkRef> = Vec::new();
        for x in self.policy.crosswalks.iter().filter(|x| x.from == id) {
            let (target, clause) = match &x.target {
                Target::Rule { name, .. } => (name.clone(), None),
                Target::Standard { name, part } => (name.clone(), part.clone()),
            };
            out.push(CrosswalkRef {
                target,
                clause,
                relation: x.relation.clone(),
                source: x.source.clone(),
                confidence: x.confidence.clone(),
                standard: matches!(x.target, Target::Standard { .. }),
            });
        }
        for x in &self.policy.crosswalks {
            let Target::Rule { item: Some(target), .. } = &x.target else { continue };
            let Some(from) = self.policy.item(x.from).filter(|_| *target == id) else { continue };
            if out.iter().any(|c| c.target == from.qualified) {
                continue;
            }
            let relation = match x.relation.as_str() {
                "stricter" => "weaker",
                "weaker" => "stricter",
                other => other,
            };
            out.push(CrosswalkRef {
                target: from.qualified.clone(),
                clause: None,
                relation: relation.to_string(),
                source: x.source.clone(),
                confidence: x.confidence.clone(),
                standard: false,
            });
        }
        out
    }

    /// The title of a standard's clause (or of the standard, without a clause) in its catalog.
    fn standard_title(&self, standard: &str, clause: Option<&str>) -> Option<String> {
        let catalog = self.policy.catalog(standard)?;
        match clause {
            Some(c) => pick(&catalog.item(c)?.titles, &self.lang, None),
            None => pick(&self.policy.module(catalog.module)?.titles, &self.lang, None),
        }
    }

    /// A norm's correspondences with standards, from its `standard` clauses and from crosswalks
    /// from it to a standard, each standard and clause once (the first written wins).
    fn also_satisfies(&self, item: &crate::model::Item, id: ItemId) -> Vec<AlsoSatisfies> {
        let mut out: Vec<AlsoSatisfies> = Vec::new();
        let from_clauses = item.standards.iter().map(|s| (&s.name, &s.part, s.relation.clone(), &s.confidence, None));
        let from_crosswalks = self.policy.crosswalks.iter().filter(|x| x.from == id).filter_map(|x| match &x.target {
            Target::Standard { name, part } => {
                Some((name, part, Some(x.relation.clone()), &x.confidence, x.source.clone()))
            }
            Target::Rule { .. } => None,
        });
        for (standard, clause, relation, confidence, source) in from_clauses.chain(from_crosswalks) {
            if out.iter().any(|a| &a.standard == standard && &a.clause == clause) {
                continue;
            }
            let catalogued = match clause {
                Some(c) => self.policy.catalog_item(standard, c).is_some(),
                None => self.policy.catalog(standard).is_some(),
            };
            out.push(AlsoSatisfies {
                standard: standard.clone(),
                clause: clause.clone(),
                title: self.standard_title(standard, clause.as_deref()),
                relation,
                confidence: confidence.clone(),
                source,
                catalogued,
            });
        }
        out
    }

    fn question(&self, input: &Input, outcomes: Vec<String>) -> Option<Question> {
        let decides = outcomes.len();
        match input {
            Input::Fact(f) => {
                let fact = self.policy.fact(*f)?;
                let (kind, unit, allowed) = match &fact.ty {
                    Type::Bool => ("bool", None, Vec::new()),
                    Type::Number(u) => ("number", u.clone(), Vec::new()),
                    Type::Text => ("text", None, Vec::new()),
                    Type::Date => ("date", None, Vec::new()),
                    Type::Duration => ("duration", None, Vec::new()),
                    Type::Enum(e) | Type::Set(e) => {
                        let choices = self
                            .policy
                            .enums
                            .get(e.0 as usize)
                            .map(|d| {
                                d.variants
                                    .iter()
                                    .map(|(v, labels)| Choice {
                                        value: v.clone(),
                                        label: labels
                                            .iter()
                                            .find(|(l, _)| *l == self.lang)
                                            .or_else(|| labels.iter().find(|(l, _)| l == "en"))
                                            .map(|(_, t)| t.clone()),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        (if matches!(fact.ty, Type::Enum(_)) { "one_of" } else { "some_of" }, None, choices)
                    }
                    Type::List(_) | Type::Any => ("text", None, Vec::new()),
                };
                Some(Question {
                    fact: fact.name.clone(),
                    question: pick(&fact.questions, &self.lang, None).unwrap_or_else(|| fact.name.clone()),
                    help: pick(&fact.help, &self.lang, None),
                    kind: kind.to_string(),
                    unit,
                    allowed,
                    decides,
                    outcomes,
                })
            }
            Input::Evidence(e, _, _) => {
                let item = self.policy.item(*e)?;
                let title = pick(&item.titles, &self.lang, None).unwrap_or_else(|| item.name.clone());
                let question = if self.lang == "ko" {
                    format!("다음 증빙을 보유하고 있습니까? {title} (문서 참조번호와 작성일을 알려 주십시오)")
                } else {
                    format!("Do you hold this evidence: {title}? Give its reference and date.")
                };
                Some(Question {
                    fact: format!("evidence.{}", item.name),
                    question,
                    help: pick(&item.texts, &self.lang, None),
                    kind: "evidence".to_string(),
                    unit: None,
                    allowed: Vec::new(),
                    decides,
                    outcomes,
                })
            }
            _ => None,
        }
    }

    /// The families the norms of `jurisdictions` belong to.
    fn families(&self, jurisdictions: &[Jurisdiction]) -> BTreeMap<String, Family> {
        let named: BTreeSet<&str> =
            jurisdictions.iter().flat_map(|j| &j.norms).flat_map(|n| &n.families).map(|f| f.family.as_str()).collect();
        self.policy
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Family && named.contains(i.qualified.as_str()))
            .map(|i| {
                let family =
                    Family { title: pick(&i.titles, &self.lang, None), text: pick(&i.texts, &self.lang, None) };
                (i.qualified.clone(), family)
            })
            .collect()
    }

    /// Questions for the open outcomes given, ranked by how many each would help decide.
    fn questions(&self, open: &[(String, ItemId)]) -> Vec<Question> {
        let mut by_input: BTreeMap<Input, Vec<String>> = BTreeMap::new();
        for (label, id) in open {
            for input in self.ev.open_questions(*id) {
                by_input.entry(input).or_default().push(label.clone());
            }
        }
        let mut ranked: Vec<(Input, Vec<String>)> = by_input.into_iter().collect();
        // Most outcomes first; ties in declaration order (facts, then evidence).
        ranked.sort_by(|(a, oa), (b, ob)| ob.len().cmp(&oa.len()).then(a.cmp(b)));
        ranked.into_iter().filter_map(|(i, outcomes)| self.question(&i, outcomes)).collect()
    }
}

/// Builds the outcome model from an evaluation.
pub fn build(ev: &Evaluator<'_>, context: &Context, system_name: Option<String>) -> Assessment {
    let policy = ev.policy();
    let b = Builder { ev, policy, lang: context.lang.clone(), traced: Default::default() };
    let mut by_jurisdiction: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (mi, m) in policy.modules.iter().enumerate() {
        if m.kind != ModuleKind::Instrument {
            continue;
        }
        let code = m.jurisdiction.clone().unwrap_or_default();
        if context.jurisdictions.is_empty() || context.jurisdictions.contains(&code.to_uppercase()) {
            by_jurisdiction.entry(code).or_default().push(mi);
        }
    }
    let mut all_open: Vec<(String, ItemId)> = Vec::new();
    let mut jurisdictions = Vec::new();
    for (code, modules) in &by_jurisdiction {
        let in_modules = |i: &crate::model::Item| modules.contains(&(i.module.0 as usize));
        let mut classification = BTreeMap::new();
        let mut labels = Vec::new();
        let mut roles = Vec::new();
        let mut open = Vec::new();
        let mut norms = Vec::new();
        for (index, item) in policy.items.iter().enumerate() {
            let id = ItemId(index as u32);
            if !in_modules(item) {
                continue;
            }
            if item.kind == ItemKind::Role {
                roles.push(RoleOutcome {
                    role: item.name.clone(),
                    title: pick(&item.titles, &b.lang, b.version(id)),
                    citations: item.cites.clone(),
                    value: ev.value(id).as_bool(),
                });
            }
            if let Some(label) = &item.label {
                let v = ev.value(id).as_bool();
                classification.insert(label.clone(), v);
                labels.push(ClassLabel {
                    label: label.clone(),
                    title: pick(&item.titles, &b.lang, b.version(id)),
                    citations: item.cites.clone(),
                    value: v,
                    trace: b.trace(id),
                });
                if v.is_none() {
                    open.push((format!("{code}:{label}"), id));
                }
            }
            if item.kind.is_norm() {
                let bound: BTreeSet<String> =
                    item.binds.iter().filter_map(|r| policy.item(*r).map(|x| x.name.clone())).collect();
                if !context.roles.is_empty() && bound.is_disjoint(&context.roles) {
                    continue;
                }
                if let Some(n) = b.norm(id) {
                    if n.status == Status::Unknown.word() {
                        open.push((n.id.clone(), id));
                    }
                    norms.push(n);
                }
            }
        }
        let mut counts: BTreeMap<String, usize> = Status::ALL.iter().map(|s| (s.word().to_string(), 0)).collect();
        for n in &norms {
            *counts.entry(n.status.clone()).or_default() += 1;
        }
        jurisdictions.push(Jurisdiction {
            id: code.clone(),
            instruments: modules.iter().filter_map(|m| policy.modules.get(*m).map(|x| x.id.clone())).collect(),
            classification,
            labels,
            roles,
            counts,
            norms,
            questions: b.questions(&open),
        });
        all_open.extend(open);
    }
    Assessment {
        schema: SCHEMA.to_string(),
        as_of: ev.as_of().to_string(),
        lang: context.lang.clone(),
        notice: if context.lang == "ko" { NOTICE_KO } else { NOTICE_EN }.to_string(),
        provenance: context.provenance.clone(),
        system: System { name: system_name },
        roles: context.roles.iter().cloned().collect(),
        questions: b.questions(&all_open),
        rules: b.traced.borrow().iter().filter_map(|r| b.step(*r)).map(|s| (s.rule.clone(), s)).collect(),
        families: b.families(&jurisdictions),
        standards: crate::standards::referenced(policy, &jurisdictions, &context.lang),
        jurisdictions,
        change: None,
        upkeep: None,
    }
}

/// The norms of the guidance module `module` (requirements that are not law), in the order of
/// the policy files. Guidance is never part of an [`Assessment`]; procurement asks for it apart.
pub fn guidance_norms(ev: &Evaluator<'_>, lang: &str, module: &str) -> Vec<Norm> {
    let policy = ev.policy();
    let b = Builder { ev, policy, lang: lang.to_string(), traced: Default::default() };
    let Some(mi) = policy.modules.iter().position(|m| m.kind == ModuleKind::Guidance && m.id == module) else {
        return Vec::new();
    };
    policy
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.module.0 as usize == mi && item.kind.is_norm())
        .filter_map(|(index, _)| b.norm(ItemId(index as u32)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(lang: &str, text: &str, under: Option<&str>) -> Localized {
        Localized { lang: lang.into(), text: text.into(), under: under.map(str::to_string) }
    }

    #[test]
    fn periods_compare_in_days() {
        use crate::value::{Duration, TimeUnit};
        assert_eq!(approximate_days(&Duration::of(10, TimeUnit::Years)), 3650);
        assert_eq!(approximate_days(&Duration::of(6, TimeUnit::Months)), 180);
        assert_eq!(approximate_days(&Duration::of(10, TimeUnit::WorkingDays)), 14);
        assert_eq!(approximate_days(&Duration(vec![(1, TimeUnit::Years), (48, TimeUnit::Hours)])), 367);
        assert_eq!(approximate_days(&Duration::of(i64::MAX, TimeUnit::Years)), i64::MAX, "no overflow");
    }

    #[test]
    fn texts_follow_the_language_and_the_version_in_force() {
        let list = [l("en", "original", None), l("en", "amended", Some("amended")), l("ko", "원문", None)];
        assert_eq!(pick(&list, "en", Some("amended")).as_deref(), Some("amended"));
        assert_eq!(pick(&list, "en", Some("original")).as_deref(), Some("original"));
        assert_eq!(pick(&list, "ko", Some("amended")).as_deref(), Some("원문"));
        assert_eq!(pick(&list, "fr", None).as_deref(), Some("original"), "English when the language is missing");
        let only_amended = [l("en", "new ban", Some("amended"))];
        assert_eq!(pick(&only_amended, "en", Some("original")).as_deref(), Some("new ban"));
    }
}
