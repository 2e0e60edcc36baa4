//! Reports rendered from the outcome model with minijinja templates. The templates and message
//! catalogs in `templates/` are embedded as defaults; any of them can be replaced by a file of
//! the same name (`norma assess --templates DIR`). Values that come from facts files are escaped
//! for the output format (HTML by auto-escaping, Markdown by the `md` filter), so a fact cannot
//! inject markup into a report.

mod charts;
pub(crate) mod junit;
mod sarif;
pub(crate) mod text;
mod view;

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, Error, ErrorKind, Value};

use crate::outcome::Assessment;
pub use junit::escape as escape_xml;
pub use sarif::Places;
pub use text::{Locale, escape_markdown};

/// The embedded templates and catalogs: (name, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("gap.md.j2", include_str!("../../templates/gap.md.j2")),
    ("gap.html.j2", include_str!("../../templates/gap.html.j2")),
    ("change.md.j2", include_str!("../../templates/change.md.j2")),
    ("diff.md.j2", include_str!("../../templates/diff.md.j2")),
    ("style.css", include_str!("../../templates/style.css")),
    ("portfolio.md.j2", include_str!("../../templates/portfolio.md.j2")),
    ("portfolio.html.j2", include_str!("../../templates/portfolio.html.j2")),
    ("requirements.md.j2", include_str!("../../templates/requirements.md.j2")),
    ("requirements.html.j2", include_str!("../../templates/requirements.html.j2")),
    ("ledger.md.j2", include_str!("../../templates/ledger.md.j2")),
    ("messages.en.json", include_str!("../../templates/messages.en.json")),
    ("messages.ko.json", include_str!("../../templates/messages.ko.json")),
];

/// Report formats rendered from templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Markdown.
    Markdown,
    /// A self-contained HTML page with inline SVG pictures and print CSS.
    Html,
}

impl Format {
    fn template(self) -> &'static str {
        match self {
            Format::Markdown => "gap.md.j2",
            Format::Html => "gap.html.j2",
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
#[derive(Debug, Clone)]
pub struct Templates {
    overrides: BTreeMap<String, String>,
    fuel: u64,
    depth: usize,
}

impl Default for Templates {
    fn default() -> Self {
        Templates::with_overrides(BTreeMap::new())
    }
}

impl Templates {
    /// The embedded templates with `overrides` (name → text) in place of those they name.
    pub fn with_overrides(overrides: BTreeMap<String, String>) -> Self {
        Templates { overrides, fuel: crate::limits::TEMPLATE_FUEL, depth: crate::limits::TEMPLATE_DEPTH }
    }

    /// The same templates rendered within `limits` (template fuel and recursion depth).
    pub fn within(mut self, limits: &crate::limits::Limits) -> Self {
        self.fuel = limits.template_fuel;
        self.depth = limits.template_depth;
        self
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.overrides
            .get(name)
            .map(String::as_str)
            .or_else(|| EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t))
    }

    /// The message catalog of `lang` (`en` or `ko`; anything else is English), parsed.
    pub fn catalog(&self, lang: &str) -> Result<serde_json::Value, ReportError> {
        let lang = if lang == "ko" { "ko" } else { "en" };
        let name = format!("messages.{lang}.json");
        let text = self.get(&name).ok_or_else(|| ReportError(format!("no message catalog `{name}`")))?;
        serde_json::from_str(text).map_err(|e| ReportError(format!("{name} is not valid JSON: {e}")))
    }
}

/// The style sheet the HTML templates include.
const STYLE: &str = "style.css";

/// The changes between two assessments, which the Markdown gap report and the diff include.
const CHANGE: &str = "change.md.j2";

/// The catalog's word for `key`, or the key itself when the catalog lacks it.
fn word(catalog: &serde_json::Value, key: &str) -> String {
    catalog.get(key).and_then(serde_json::Value::as_str).unwrap_or(key).to_string()
}

fn fail(e: Error) -> ReportError {
    let help = match e.kind() {
        ErrorKind::OutOfFuel => " (the template ran out of fuel; raise the limit with `--limit template-fuel=N`)",
        _ if e.to_string().contains("recursion") => {
            " (templates nest too deeply; raise the limit with `--limit template-depth=N`)"
        }
        _ => "",
    };
    ReportError(format!("the report template failed: {e}{help}"))
}

/// A template environment for `lang`: bounded, escaping by file type, with the `md`, `date`,
/// `period` and `num` filters, holding the template `name`; and the language's catalog.
fn environment(
    templates: &Templates,
    lang: &str,
    name: &'static str,
) -> Result<(Environment<'static>, serde_json::Value), ReportError> {
    let catalog = templates.catalog(lang)?;
    let locale = Locale::from_catalog(&catalog);
    let mut env = Environment::new();
    env.set_fuel(Some(templates.fuel));
    env.set_recursion_limit(templates.depth);
    env.set_keep_trailing_newline(true);
    env.set_auto_escape_callback(|name| if name.ends_with(".html.j2") { AutoEscape::Html } else { AutoEscape::None });
    let source = templates.get(name).ok_or_else(|| ReportError(format!("no template `{name}`")))?;
    env.add_template_owned(name.to_string(), source.to_string()).map_err(fail)?;
    if name.ends_with(".html.j2") {
        let css = templates.get(STYLE).ok_or_else(|| ReportError(format!("no template `{STYLE}`")))?;
        env.add_template_owned(STYLE, css.to_string()).map_err(fail)?;
    }
    if name == "gap.md.j2" || name == "diff.md.j2" {
        let change = templates.get(CHANGE).ok_or_else(|| ReportError(format!("no template `{CHANGE}`")))?;
        env.add_template_owned(CHANGE, change.to_string()).map_err(fail)?;
    }
    env.add_filter("md", |v: Value| -> Result<String, Error> {
        if v.is_none() || v.is_undefined() {
            return Ok(String::new());
        }
        Ok(escape_markdown(&v.to_string()))
    });
    let dates = locale.clone();
    env.add_filter("date", move |v: Value| -> Result<String, Error> {
        let s = v.as_str().ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "`date` needs a YYYY-MM-DD text"))?;
        Ok(dates.date(s))
    });
    let periods = locale.clone();
    env.add_filter("period", move |v: String| -> String { periods.period(&v) });
    env.add_filter("num", move |v: Value, decimals: Option<usize>| -> Result<String, Error> {
        let n = f64::try_from(v).map_err(|_| Error::new(ErrorKind::InvalidOperation, "`num` needs a number"))?;
        Ok(locale.number(n, decimals.unwrap_or(0)))
    });
    Ok((env, catalog))
}

/// Renders tender requirements (`norma requirements`) as an annex.
pub fn render_requirements(
    r: &crate::procurement::Requirements,
    format: Format,
    templates: &Templates,
) -> Result<String, ReportError> {
    let name = match format {
        Format::Markdown => "requirements.md.j2",
        Format::Html => "requirements.html.j2",
    };
    let (env, catalog) = environment(templates, &r.lang, name)?;
    let context = minijinja::context! { r => Value::from_serialize(r), t => Value::from_serialize(&catalog) };
    let text = env.get_template(name).and_then(|t| t.render(context)).map_err(fail)?;
    Ok(if format == Format::Markdown { single_blank_lines(&text) } else { text })
}

/// Renders an assessment as a report.
pub fn render(a: &Assessment, format: Format, templates: &Templates) -> Result<String, ReportError> {
    let name = format.template();
    let (env, catalog) = environment(templates, &a.lang, name)?;
    let jurisdictions: Vec<view::JurisdictionView<'_>> =
        a.jurisdictions.iter().map(|j| view::jurisdiction(a, j)).collect();
    let context = minijinja::context! {
        a => Value::from_serialize(a),
        t => Value::from_serialize(&catalog),
        statuses => Value::from_serialize(charts::STATUSES),
        jurisdictions => Value::from_serialize(&jurisdictions),
        cross => Value::from_serialize(view::cross(a)),
        shared_evidence => Value::from_serialize(view::shared_evidence(a)),
        families => Value::from_serialize(view::families(a)),
        timeline => Value::from_serialize(charts::timeline(a)),
        chart_width => charts::WIDTH,
        timeline_height => charts::TIMELINE_HEIGHT,
        axis_y => charts::AXIS_Y,
    };
    let text = env.get_template(name).and_then(|t| t.render(context)).map_err(fail)?;
    Ok(if format == Format::Markdown { single_blank_lines(&text) } else { text })
}

/// Renders an assessment as a SARIF 2.1.0 log: a result per gap, located at the facts file's
/// `places`.
pub fn render_sarif(a: &Assessment, places: &Places, templates: &Templates) -> Result<String, ReportError> {
    let log = sarif::log(a, places, &templates.catalog(&a.lang)?);
    serde_json::to_string_pretty(&log).map(|t| t + "\n").map_err(|e| ReportError(e.to_string()))
}

/// Renders an assessment as a JUnit XML report; unknown norms fail when `unknown_fails`, else
/// they are skipped.
pub fn render_junit(a: &Assessment, unknown_fails: bool, templates: &Templates) -> Result<String, ReportError> {
    Ok(junit::report(a, unknown_fails, &templates.catalog(&a.lang)?))
}

/// Renders the summary of a portfolio run (`norma assess DIR`).
pub fn render_portfolio(
    p: &crate::portfolio::Portfolio,
    format: Format,
    templates: &Templates,
) -> Result<String, ReportError> {
    let name = match format {
        Format::Markdown => "portfolio.md.j2",
        Format::Html => "portfolio.html.j2",
    };
    let (env, catalog) = environment(templates, &p.lang, name)?;
    let context = minijinja::context! {
        p => Value::from_serialize(p),
        t => Value::from_serialize(&catalog),
        statuses => Value::from_serialize(crate::portfolio::STATUSES),
    };
    let text = env.get_template(name).and_then(|t| t.render(context)).map_err(fail)?;
    Ok(if format == Format::Markdown { single_blank_lines(&text) } else { text })
}

/// Renders the ledgers of instruments (`norma ledger`) in Markdown.
pub fn render_ledger(l: &crate::ledger::Ledger, templates: &Templates) -> Result<String, ReportError> {
    let name = "ledger.md.j2";
    let (env, catalog) = environment(templates, &l.lang, name)?;
    let context = minijinja::context! { l => Value::from_serialize(l), t => Value::from_serialize(&catalog) };
    let text = env.get_template(name).and_then(|t| t.render(context)).map_err(fail)?;
    Ok(single_blank_lines(&text))
}

/// Renders the comparison of two assessments (`norma diff`) in Markdown.
pub fn render_diff(d: &crate::diff::Diff, templates: &Templates) -> Result<String, ReportError> {
    let name = "diff.md.j2";
    let (env, catalog) = environment(templates, &d.lang, name)?;
    let context = minijinja::context! { c => Value::from_serialize(d), t => Value::from_serialize(&catalog) };
    let text = env.get_template(name).and_then(|t| t.render(context)).map_err(fail)?;
    Ok(single_blank_lines(&text))
}

/// Collapses runs of blank lines into one, so that Markdown templates can lay out their
/// conditional sections freely.
fn single_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_collapse() {
        assert_eq!(single_blank_lines("a\n\n\n\nb\n\nc\n"), "a\n\nb\n\nc\n");
        assert_eq!(single_blank_lines("a\n"), "a\n");
    }
}
