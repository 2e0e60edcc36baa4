//! Reports rendered from the outcome model with minijinja templates. The templates and message
//! catalogs in `templates/` are embedded as defaults; any of them can be replaced by a file of
//! the same name (`norma assess --templates DIR`). Values that come from facts files are escaped
//! for the output format, so a fact cannot inject markup into a report.

use std::collections::BTreeMap;

use minijinja::{Environment, Error, ErrorKind, Value};
use serde::Serialize;

use crate::outcome::{Assessment, Norm};

/// The embedded templates and catalogs: (name, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("gap.md.j2", include_str!("../../templates/gap.md.j2")),
    ("messages.en.json", include_str!("../../templates/messages.en.json")),
    ("messages.ko.json", include_str!("../../templates/messages.ko.json")),
];

/// Report formats rendered from templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Markdown.
    Markdown,
}

impl Format {
    fn template(self) -> &'static str {
        match self {
            Format::Markdown => "gap.md.j2",
        }
    }
}

/// Why a report could not be rendered.
#[derive(Debug)]
pub struct ReportError(pub String);

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The templates to use: the embedded ones, each replaceable by an override of the same name.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    overrides: BTreeMap<String, String>,
}

impl Templates {
    /// The embedded templates with `overrides` (name → text) in place of those they name.
    pub fn with_overrides(overrides: BTreeMap<String, String>) -> Self {
        Templates { overrides }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.overrides
            .get(name)
            .map(String::as_str)
            .or_else(|| EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t))
    }
}

/// Escapes text for Markdown: characters that start markup, table cells, code or links, and
/// line breaks.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '{' | '}' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct Label {
    label: String,
    value: &'static str,
}

#[derive(Serialize)]
struct JurisdictionView<'a> {
    id: &'a str,
    classification: Vec<Label>,
    counts: &'a BTreeMap<String, usize>,
    gaps: Vec<&'a Norm>,
    upcoming: Vec<&'a Norm>,
    relevant: Vec<&'a Norm>,
    questions: &'a [crate::outcome::Question],
}

#[derive(Serialize)]
struct CrossRow {
    left: String,
    left_status: String,
    relation: String,
    right: String,
    right_status: Option<String>,
}

const STATUSES: [&str; 6] = ["violated", "not_met", "unknown", "met", "not_yet_applicable", "not_applicable"];

fn severity_rank(n: &Norm) -> u8 {
    match n.severity.as_deref() {
        Some("critical") => 0,
        Some("high") => 1,
        Some("medium") => 2,
        Some("low") => 3,
        _ => 4,
    }
}

fn jurisdiction_view(j: &crate::outcome::Jurisdiction) -> JurisdictionView<'_> {
    let status_rank = |n: &Norm| STATUSES.iter().position(|s| *s == n.status).unwrap_or(STATUSES.len());
    let mut gaps: Vec<&Norm> =
        j.norms.iter().filter(|n| matches!(n.status.as_str(), "violated" | "not_met" | "unknown")).collect();
    gaps.sort_by(|a, b| {
        status_rank(a).cmp(&status_rank(b)).then(severity_rank(a).cmp(&severity_rank(b))).then(a.id.cmp(&b.id))
    });
    let mut upcoming: Vec<&Norm> = j.norms.iter().filter(|n| n.status == "not_yet_applicable").collect();
    upcoming.sort_by(|a, b| a.applies_from.cmp(&b.applies_from).then(a.id.cmp(&b.id)));
    JurisdictionView {
        id: &j.id,
        classification: j
            .classification
            .iter()
            .map(|(label, v)| Label {
                label: label.clone(),
                value: match v {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "undecided",
                },
            })
            .collect(),
        counts: &j.counts,
        gaps,
        upcoming,
        relevant: j.norms.iter().filter(|n| n.status != "not_applicable").collect(),
        questions: &j.questions,
    }
}

/// Corresponding norms of different jurisdictions, each pair once, where one of them is relevant.
fn cross_view(a: &Assessment) -> Vec<CrossRow> {
    let status: BTreeMap<&str, &str> =
        a.jurisdictions.iter().flat_map(|j| j.norms.iter().map(|n| (n.id.as_str(), n.status.as_str()))).collect();
    let jurisdiction_of = |id: &str| id.split('.').next().unwrap_or("").to_string();
    let mut rows = Vec::new();
    for j in &a.jurisdictions {
        for n in j.norms.iter().filter(|n| n.status != "not_applicable") {
            for c in n.crosswalks.iter().filter(|c| jurisdiction_of(&c.target) != jurisdiction_of(&n.id)) {
                if c.target.contains(' ') {
                    continue; // a standard, not a norm of another jurisdiction
                }
                rows.push(CrossRow {
                    left: format!("{} — {}", n.id, n.title.as_deref().unwrap_or("")),
                    left_status: n.status.clone(),
                    relation: c.relation.clone(),
                    right: c.target.clone(),
                    right_status: status.get(c.target.as_str()).map(|s| s.to_string()),
                });
            }
        }
    }
    rows
}

fn format_date(value: String, months: &[String], lang: &str) -> String {
    let parts: Vec<&str> = value.split('-').collect();
    match (parts.as_slice(), lang) {
        ([y, m, d], "ko") => format!("{y}년 {}월 {}일", m.trim_start_matches('0'), d.trim_start_matches('0')),
        ([y, m, d], _) => {
            let month = m
                .parse::<usize>()
                .ok()
                .and_then(|i| months.get(i.wrapping_sub(1)))
                .cloned()
                .unwrap_or_else(|| m.to_string());
            format!("{} {month} {y}", d.trim_start_matches('0'))
        }
        _ => value,
    }
}

/// Renders an assessment as a report.
pub fn render(a: &Assessment, format: Format, templates: &Templates) -> Result<String, ReportError> {
    let fail = |e: Error| ReportError(format!("the report template failed: {e}"));
    let lang = if a.lang == "ko" { "ko" } else { "en" };
    let catalog_name = format!("messages.{lang}.json");
    let catalog: serde_json::Value = templates
        .get(&catalog_name)
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| ReportError(format!("{catalog_name} is not valid JSON: {e}")))?
        .unwrap_or(serde_json::Value::Null);
    let months: Vec<String> = catalog
        .get("months")
        .and_then(|m| m.as_array())
        .map(|m| m.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let mut env = Environment::new();
    env.set_fuel(Some(10_000_000));
    env.set_recursion_limit(64);
    env.set_keep_trailing_newline(true);
    let name = format.template();
    let source = templates.get(name).ok_or_else(|| ReportError(format!("no template `{name}`")))?;
    env.add_template_owned(name.to_string(), source.to_string()).map_err(fail)?;
    env.add_filter("md", |v: Value| -> Result<String, Error> {
        if v.is_none() || v.is_undefined() {
            return Ok(String::new());
        }
        Ok(escape_markdown(&v.to_string()))
    });
    let lang_owned = lang.to_string();
    env.add_filter("date", move |v: Value| -> Result<String, Error> {
        let s = v.as_str().ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "`date` needs a YYYY-MM-DD text"))?;
        Ok(format_date(s.to_string(), &months, &lang_owned))
    });
    let jurisdictions: Vec<JurisdictionView<'_>> = a.jurisdictions.iter().map(jurisdiction_view).collect();
    let context = minijinja::context! {
        a => Value::from_serialize(a),
        t => Value::from_serialize(&catalog),
        statuses => Value::from_serialize(STATUSES),
        jurisdictions => Value::from_serialize(&jurisdictions),
        cross => Value::from_serialize(cross_view(a)),
    };
    env.get_template(name).and_then(|t| t.render(context)).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_neutralises_markup() {
        let hostile = "<script>alert(1)</script> | `x` ](javascript:alert(1)) *b* # h\nnext";
        let e = escape_markdown(hostile);
        assert!(!e.contains("<script>"));
        assert!(!e.replace("\\]", "").contains("](javascript"), "a link stays escaped: {e}");
        assert!(!e.contains(" | "));
        assert!(!e.contains('\n'));
        assert_eq!(escape_markdown("Art. 5(1)(f)"), "Art. 5(1)(f)");
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let months: Vec<String> = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
        .iter()
        .map(|m| m.to_string())
        .collect();
        assert_eq!(format_date("2027-12-02".into(), &months, "en"), "2 December 2027");
        assert_eq!(format_date("2027-12-02".into(), &[], "ko"), "2027년 12월 2일");
    }
}
