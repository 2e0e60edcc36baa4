//! Requirement rows flattened into text cells, the common ground of the XLSX annex and the CSV
//! file: one cell per field, in the annex's language, with the fixed words of the message
//! catalog.

use super::{Requirements, Row};
use crate::report::text::Locale;

/// The message catalog of one language (`messages.LANG.json`).
#[derive(Debug, Clone)]
pub struct Words {
    catalog: serde_json::Value,
    locale: Locale,
}

impl Words {
    /// The words of `catalog`, a parsed message catalog.
    pub fn new(catalog: serde_json::Value) -> Words {
        Words { locale: Locale::from_catalog(&catalog), catalog }
    }

    /// The embedded catalog of `lang` (`en` or `ko`; anything else is English).
    pub fn embedded(lang: &str) -> Words {
        Words::new(crate::report::Templates::default().catalog(lang).unwrap_or_default())
    }

    /// The catalog's text for `key`, or the key itself when the catalog lacks it.
    pub fn get(&self, key: &str) -> String {
        self.catalog.get(key).and_then(|v| v.as_str()).unwrap_or(key).to_string()
    }

    /// A length of time (`12 months`) in the catalog's language.
    pub fn period(&self, value: &str) -> String {
        self.locale.period(value)
    }
}

/// Which side a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The supplier's requirements.
    Supplier,
    /// The buyer's own duties.
    Buyer,
}

impl Party {
    fn word(self) -> &'static str {
        match self {
            Party::Supplier => "supplier",
            Party::Buyer => "buyer",
        }
    }
}

/// The catalog keys of the row columns, in order.
pub const COLUMNS: &[&str] = &[
    "req_id",
    "req_level",
    "req_requirement",
    "req_basis",
    "req_why",
    "req_conditions",
    "applies_from",
    "req_phase",
    "req_evidence",
    "req_submit",
    "req_verification",
    "req_threshold",
    "req_stage",
    "req_equivalents",
];

/// The catalog keys of the response columns the supplier fills in, in order.
pub const RESPONSE_COLUMNS: &[&str] =
    &["req_response", "req_explanation", "req_evidence_reference", "req_evidence_date", "req_evidence_expiry"];

/// The answers of the response column, as written in the YAML form.
pub const RESPONSES: &[&str] = &["comply", "partially", "not", "not_applicable"];

/// The catalog keys of the machine-readable columns after the others: the norms' ids and the
/// evidence kinds, by which a filled annex is read back.
pub const KEY_COLUMNS: &[&str] = &["req_norms", "req_evidence_kinds"];

/// All legal bases of a row: `EU Art. 14; KR 제34조제1항제4호`.
pub fn legal_basis(row: &Row) -> String {
    row.legal_basis
        .iter()
        .map(|b| format!("{} {}", b.jurisdiction, b.citations.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A fact behind a row or a classification: `system.use_cases = recruitment_selection`.
pub fn reason(r: &crate::outcome::Reason, words: &Words) -> String {
    format!("{} = {}", r.fact, value(&r.value, words))
}

fn value(v: &serde_json::Value, words: &Words) -> String {
    match v {
        serde_json::Value::Null => words.get("fact_unknown"),
        serde_json::Value::Bool(true) => words.get("yes"),
        serde_json::Value::Bool(false) => words.get("no"),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(|i| value(i, words)).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The catalog key of the phrase that introduces a row: "The supplier shall:", "… should:" for
/// good practice, "… shall endeavour to:" for a duty of effort, "… is expected to:" for a duty of
/// an informative law.
pub fn phrase_key(row: &Row, party: Party) -> String {
    let suffix = match (row.level.as_str(), row.legal_basis.iter().any(|b| b.source == "law")) {
        ("SHOULD", true) if row.informative => "_informative",
        ("SHOULD", true) => "_effort",
        ("SHOULD", false) => "_SHOULD",
        _ => "",
    };
    format!("req_phrase_{}_{}{suffix}", party.word(), row.kind)
}

/// When a row's evidence is due: `on delivery; periodically`.
pub fn when(row: &Row, words: &Words) -> String {
    row.submit
        .iter()
        .map(|s| match (&row.applies_from, s.as_str()) {
            (Some(d), "by_date") => format!("{} {d}", words.get("req_submit_by_date")),
            (_, submit) => words.get(&format!("req_submit_{submit}")),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The threshold or metric of a row: its metric, its cadence, each event with the time allowed,
/// each period the law sets (`every 12 months; serious incident: within 15 days`).
pub fn threshold(row: &Row, words: &Words) -> String {
    let mut parts: Vec<String> = row.metric.iter().cloned().collect();
    if let Some(every) = &row.every {
        parts.push(words.get("req_every").replace("{period}", &words.period(every)));
    }
    for e in &row.events {
        let event = e.title.clone().unwrap_or_else(|| e.event.clone());
        parts.push(match &e.within {
            Some(w) => words.get("req_within").replace("{event}", &event).replace("{period}", &words.period(w)),
            None => words.get("req_on").replace("{event}", &event),
        });
    }
    for p in &row.periods {
        let family = p.title.clone().unwrap_or_else(|| p.family.clone());
        parts.push(format!("{family}: {}", words.period(&p.period)));
    }
    parts.join("; ")
}

/// The cells of a row under [`COLUMNS`].
pub fn cells(row: &Row, party: Party, words: &Words) -> Vec<String> {
    vec![
        row.id.clone(),
        words.get(&format!("req_level_{}", row.level)),
        format!("{} {}", words.get(&phrase_key(row, party)), row.requirement),
        legal_basis(row),
        row.why.iter().map(|w| reason(w, words)).collect::<Vec<_>>().join(", "),
        row.conditions.join(", "),
        row.applies_from.clone().unwrap_or_default(),
        row.phases.iter().map(|p| words.get(&format!("phase_{p}"))).collect::<Vec<_>>().join(", "),
        row.evidence
            .iter()
            .map(|e| e.title.clone().unwrap_or_else(|| e.evidence.clone()))
            .collect::<Vec<_>>()
            .join("; "),
        when(row, words),
        words.get(&format!("req_verification_{}", row.verification)),
        threshold(row, words),
        words.get(&format!("req_stage_{}", row.stage)),
        row.equivalents
            .iter()
            .map(|s| {
                let name = match &s.clause {
                    Some(c) => format!("{} {c}", s.standard),
                    None => s.standard.clone(),
                };
                match &s.title {
                    Some(t) if s.clause.is_some() => format!("{name} ({t})"),
                    _ => name,
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

/// The cells of a row under [`KEY_COLUMNS`].
pub fn keys(row: &Row) -> Vec<String> {
    vec![
        row.legal_basis.iter().map(|b| b.norm.as_str()).collect::<Vec<_>>().join(" "),
        row.evidence.iter().map(|e| e.evidence.as_str()).collect::<Vec<_>>().join(" "),
    ]
}

/// Every row with its side: the supplier's requirements, then the buyer's duties.
pub fn all_rows(r: &Requirements) -> impl Iterator<Item = (&Row, Party)> {
    r.requirements.iter().map(|row| (row, Party::Supplier)).chain(r.buyer_duties.iter().map(|row| (row, Party::Buyer)))
}

/// A cell made safe for spreadsheets that read CSV: text starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return would be taken as a formula, so it is prefixed with `'`.
pub fn guard(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_string() }
}

/// The requirements as CSV (RFC 4180): a header row, then one row per requirement, the
/// supplier's first; every cell passes through [`guard`].
pub fn csv(r: &Requirements, words: &Words) -> Result<String, String> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let header: Vec<String> =
        COLUMNS.iter().map(|k| words.get(k)).chain(KEY_COLUMNS.iter().map(|k| words.get(k))).collect();
    let fail = |e: csv::Error| format!("cannot write the CSV: {e}");
    out.write_record(header.iter().map(|h| guard(h))).map_err(fail)?;
    for (row, party) in all_rows(r) {
        let record = cells(row, party, words).into_iter().chain(keys(row));
        out.write_record(record.map(|c| guard(&c))).map_err(fail)?;
    }
    let bytes = out.into_inner().map_err(|e| format!("cannot write the CSV: {e}"))?;
    String::from_utf8(bytes).map_err(|e| format!("cannot write the CSV: {e}"))
}
