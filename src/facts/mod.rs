//! Facts about one AI system, read from a YAML file and checked against the fact declarations of
//! the policy set: unknown keys (with a "did you mean"), wrong types, values outside the declared
//! set and malformed evidence are errors with `file:line:col`. A fact that is not given is
//! unknown, never false.

pub mod doc;
pub mod edit;
pub(crate) mod yaml;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde_saphyr::Spanned;

use crate::diagnostics::{Code, Diagnostic, did_you_mean_help};
use crate::model::{FactId, ItemId, Policy, Type};
use crate::source::{FileId, Sources, Span};
use crate::value::{Duration, TimeUnit, Value};
use yaml::{Node, span_of};

pub use crate::limits::MAX_FACTS_BYTES;

/// Evidence as the facts file records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// The organisation holds this evidence.
    Held {
        /// Document reference.
        reference: String,
        /// When it was produced.
        date: Date,
        /// When it stops being valid.
        expires: Option<Date>,
        /// What it covers.
        scope: Option<String>,
    },
    /// The organisation states it does not hold it.
    NotHeld,
}

/// The facts of one system.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Known facts.
    pub values: BTreeMap<FactId, Value>,
    /// Facts the file answers with `null` ("do not know").
    pub declined: BTreeSet<FactId>,
    /// Evidence entries by evidence kind.
    pub evidence: BTreeMap<ItemId, Evidence>,
    /// Where each fact is given.
    pub places: BTreeMap<FactId, Span>,
    /// Where each piece of evidence is given (its key under `evidence:`).
    pub evidence_places: BTreeMap<ItemId, Span>,
}

impl Facts {
    /// The value of a fact (unknown when not given).
    pub fn get(&self, fact: FactId) -> &Value {
        self.values.get(&fact).unwrap_or(&Value::Unknown)
    }

    /// The facts and evidence whose values differ between `self` and `other`, as nodes of the
    /// rule graph (for [`crate::eval::Evaluator::rerun`]).
    pub fn differences(&self, other: &Facts) -> BTreeSet<crate::model::Node> {
        let facts = self.values.keys().chain(other.values.keys()).filter(|f| self.get(**f) != other.get(**f));
        let evidence =
            self.evidence.keys().chain(other.evidence.keys()).filter(|e| self.evidence.get(e) != other.evidence.get(e));
        facts.map(|f| crate::model::Node::Fact(*f)).chain(evidence.map(|e| crate::model::Node::Item(*e))).collect()
    }
}

/// Reads and validates the facts file `file` of `sources` against `policy`. Every problem found
/// is returned; a file with any problem gives no facts.
pub fn load(sources: &Sources, file: FileId, policy: &Policy) -> Result<Facts, Vec<Diagnostic>> {
    load_beside(sources, file, policy, &[])
}

/// Like [`load`], for a file that holds other top-level sections beside the facts (such as the
/// `procurement` section of a procurement profile): those are left for their own reader.
pub fn load_beside(
    sources: &Sources,
    file: FileId,
    policy: &Policy,
    sections: &[&str],
) -> Result<Facts, Vec<Diagnostic>> {
    load_with(sources, file, policy, sections, &crate::limits::Limits::default())
}

/// [`load_beside`] within `limits` (the file's size and number of values).
pub fn load_with(
    sources: &Sources,
    file: FileId,
    policy: &Policy,
    sections: &[&str],
    limits: &crate::limits::Limits,
) -> Result<Facts, Vec<Diagnostic>> {
    let Some(src) = sources.get(file) else { return Err(Vec::new()) };
    let text = &*src.text;
    let whole = Span::new(file, 0, 0);
    if text.len() > limits.facts_bytes {
        return Err(vec![
            Diagnostic::error(
                Code::FactsSyntax,
                whole,
                format!(
                    "this facts file is {} bytes; facts files are limited to {} bytes",
                    text.len(),
                    limits.facts_bytes
                ),
            )
            .label("too large")
            .help("a facts file describes one system; split several systems into several files (or raise the limit: `--limit facts-bytes=N`)"),
        ]);
    }
    if let Some(at) = text.find('\0') {
        return Err(vec![
            Diagnostic::error(
                Code::FactsSyntax,
                Span::new(file, at, at + 1),
                "the facts file contains a NUL character",
            )
            .label("NUL")
            .help("facts files are YAML text; save the file as UTF-8 text"),
        ]);
    }
    if let Some((at, c, what)) = crate::syntax::hygiene::first_hidden(text) {
        return Err(vec![
            Diagnostic::error(
                Code::FactsSyntax,
                Span::new(file, at, at + c.len_utf8()),
                format!("the facts file contains a {what} (U+{:04X})", c as u32),
            )
            .label(what)
            .help("remove it: such characters are invisible and could make a report read differently from the facts"),
        ]);
    }
    let root = match yaml::parse_limited(text, limits.facts) {
        Ok(r) => r,
        Err(e) => return Err(vec![yaml_error(file, text, &e, limits.facts)]),
    };
    let mut reader = Reader { file, text, policy, facts: Facts::default(), diags: Vec::new() };
    match &root.value {
        Node::Map(entries) => {
            let facts: Vec<_> = entries
                .iter()
                .filter(|(k, _)| !matches!(&k.value, Node::Str(name) if sections.contains(&name.as_str())))
                .cloned()
                .collect();
            reader.group("", &facts)
        }
        Node::Null => {}
        other => reader.diags.push(
            Diagnostic::error(
                Code::FactType,
                span_of(file, &root, text),
                format!("a facts file is a mapping, not {}", other.describe()),
            )
            .label("expected `group: …` entries")
            .help("start with keys such as `system:`, `organisation:` or `deployment:`"),
        ),
    }
    if reader.diags.is_empty() { Ok(reader.facts) } else { Err(reader.diags) }
}

fn yaml_error(file: FileId, text: &str, e: &serde_saphyr::Error, max_values: usize) -> Diagnostic {
    let span = match e.location() {
        Some(loc) if loc.line() > 0 => {
            let spanned = Spanned::new((), loc, loc);
            span_of(file, &spanned, text)
        }
        _ => Span::new(file, 0, 0),
    };
    Diagnostic::error(Code::FactsSyntax, span, yaml::explain(e, "the facts file", max_values))
        .label("here")
        .help("check the indentation and quoting; YAML nesting, aliases and size are limited to keep reading safe")
}

struct Reader<'a> {
    file: FileId,
    text: &'a str,
    policy: &'a Policy,
    facts: Facts,
    diags: Vec<Diagnostic>,
}

const EVIDENCE_KEY: &str = "evidence";

impl Reader<'_> {
    fn span<T>(&self, n: &Spanned<T>) -> Span {
        span_of(self.file, n, self.text)
    }

    fn key_name(&mut self, key: &Spanned<Node>) -> Option<String> {
        match &key.value {
            Node::Str(s) => Some(s.clone()),
            other => {
                let d = Diagnostic::error(
                    Code::FactType,
                    self.span(key),
                    format!("a key must be a name, not {}", other.describe()),
                )
                .label("not a name")
                .help("write keys as names, e.g. `use_cases:`");
                self.diags.push(d);
                None
            }
        }
    }

    /// Reads the entries of a mapping found at dotted `prefix` ("" for the top level).
    fn group(&mut self, prefix: &str, entries: &[(Spanned<Node>, Spanned<Node>)]) {
        for (key, value) in entries {
            let Some(name) = self.key_name(key) else { continue };
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            if path == EVIDENCE_KEY {
                self.evidence(value);
                continue;
            }
            if let Some(fid) = self.fact_id(&path) {
                self.fact(fid, &path, key, value);
                continue;
            }
            let is_group = self.policy.facts.iter().any(|f| f.name.starts_with(&format!("{path}.")));
            match (&value.value, is_group) {
                (Node::Map(inner), true) => self.group(&path, inner),
                (Node::Null, true) => {}
                (other, true) => {
                    let d = Diagnostic::error(
                        Code::FactType,
                        self.span(value),
                        format!("`{path}` is a group of facts, not {}", other.describe()),
                    )
                    .label("expected the group's facts, one per line")
                    .help(format!("write the facts of the group below it, e.g. `{path}:\\n  name: …`"));
                    self.diags.push(d);
                }
                (_, false) => self.unknown_key(&path, key),
            }
        }
    }

    fn fact_id(&self, path: &str) -> Option<FactId> {
        self.policy.facts.iter().position(|f| f.name == path).map(|i| FactId(i as u32))
    }

    fn unknown_key(&mut self, path: &str, key: &Spanned<Node>) {
        let names: Vec<&str> = self.policy.facts.iter().map(|f| f.name.as_str()).collect();
        let groups: BTreeSet<&str> = names.iter().filter_map(|n| n.split_once('.').map(|(g, _)| g)).collect();
        let help = did_you_mean_help(path, names.iter().copied().chain(groups.iter().copied()).chain([EVIDENCE_KEY]))
            .unwrap_or_else(|| "run `norma facts` to see the facts the policies ask about".to_string());
        let d =
            Diagnostic::error(Code::UnknownFact, self.span(key), format!("`{path}` is not a fact the policies know"))
                .label("unknown fact")
                .help(help);
        self.diags.push(d);
    }

    fn fact(&mut self, fid: FactId, path: &str, key: &Spanned<Node>, value: &Spanned<Node>) {
        self.facts.places.insert(fid, self.span(key));
        if value.value == Node::Null {
            self.facts.declined.insert(fid);
            return;
        }
        let Some(fact) = self.policy.fact(fid) else { return };
        match self.convert(&fact.ty, fact.integer, path, value) {
            Ok(v) => {
                self.facts.values.insert(fid, v);
            }
            Err(d) => self.diags.push(*d),
        }
    }

    fn wrong(&self, path: &str, want: String, node: &Spanned<Node>, help: impl Into<String>) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                Code::FactType,
                self.span(node),
                format!("`{path}` is {want}, but the file gives {}", node.value.describe()),
            )
            .label("wrong type")
            .help(help),
        )
    }

    fn convert(&self, ty: &Type, integer: bool, path: &str, node: &Spanned<Node>) -> Result<Value, Box<Diagnostic>> {
        match (ty, &node.value) {
            (Type::Bool, Node::Bool(b)) => Ok(Value::Bool(*b)),
            (Type::Bool, _) => Err(self.wrong(path, "true or false".into(), node, "write `true` or `false`")),
            (Type::Text, Node::Str(s)) => Ok(Value::Text(s.clone())),
            (Type::Text, _) => Err(self.wrong(path, "a text".into(), node, "put the text in quotes")),
            (Type::Number(unit), _) => self.number(unit.as_deref(), integer, path, node),
            (Type::Date, Node::Str(s)) => parse_date(s).map(Value::Date).ok_or_else(|| {
                Box::new(
                    Diagnostic::error(Code::FactValue, self.span(node), format!("`{s}` is not a calendar date"))
                        .label("no such day")
                        .help("write dates as YYYY-MM-DD, e.g. 2026-08-02"),
                )
            }),
            (Type::Date, _) => Err(self.wrong(path, "a date".into(), node, "write dates as YYYY-MM-DD, e.g. 2026-08-02")),
            (Type::Duration, Node::Str(s)) => parse_duration(s).map(Value::Duration).ok_or_else(|| {
                Box::new(
                    Diagnostic::error(Code::FactValue, self.span(node), format!("`{s}` is not a length of time"))
                        .label("not a duration")
                        .help("write a whole number and a unit: hours, days, working_days, weeks, months or years, e.g. `6 months`"),
                )
            }),
            (Type::Duration, _) => {
                Err(self.wrong(path, "a length of time".into(), node, "write a whole number and a unit, e.g. `6 months`"))
            }
            (Type::Enum(e), Node::Str(s)) => self.variant(*e, path, s, node).map(|v| Value::Enum(*e, v)),
            (Type::Enum(_), _) => Err(self.wrong(path, "one value".into(), node, self.allowed(ty))),
            (Type::Set(e), Node::Seq(items)) => {
                let mut set = BTreeSet::new();
                for item in items {
                    match &item.value {
                        Node::Str(s) => {
                            if !set.insert(self.variant(*e, path, s, item)?) {
                                return Err(Box::new(
                                    Diagnostic::error(Code::FactValue, self.span(item), format!("`{s}` is listed twice"))
                                        .label("repeated")
                                        .help("list each value once"),
                                ));
                            }
                        }
                        _ => return Err(self.wrong(path, "a list of values".into(), item, self.allowed(ty))),
                    }
                }
                Ok(Value::Set(*e, set))
            }
            (Type::Set(_), _) => Err(self.wrong(
                path,
                "a list of values".into(),
                node,
                format!("write a list, e.g. `[a, b]`; {}", self.allowed(ty)),
            )),
            (Type::List(_) | Type::Any, _) => Ok(Value::Unknown),
        }
    }

    fn allowed(&self, ty: &Type) -> String {
        let e = match ty {
            Type::Enum(e) | Type::Set(e) => *e,
            _ => return String::new(),
        };
        let names: Vec<&str> = self
            .policy
            .enums
            .get(e.0 as usize)
            .map(|d| d.variants.iter().map(|(n, _)| n.as_str()).collect())
            .unwrap_or_default();
        format!("the allowed values are: {}", names.join(", "))
    }

    fn variant(
        &self,
        e: crate::model::EnumId,
        path: &str,
        name: &str,
        node: &Spanned<Node>,
    ) -> Result<u32, Box<Diagnostic>> {
        let def = self.policy.enums.get(e.0 as usize);
        if let Some(i) = def.and_then(|d| d.index(name)) {
            return Ok(i);
        }
        let names: Vec<&str> = def.map(|d| d.variants.iter().map(|(n, _)| n.as_str()).collect()).unwrap_or_default();
        let listed = format!("the allowed values are: {}", names.join(", "));
        let help = match did_you_mean_help(name, names.iter().copied()) {
            Some(h) => format!("{h} ({listed})"),
            None => listed,
        };
        Err(Box::new(
            Diagnostic::error(Code::FactValue, self.span(node), format!("`{name}` is not a value of `{path}`"))
                .label("not an allowed value")
                .help(help),
        ))
    }

    fn number(
        &self,
        unit: Option<&str>,
        integer: bool,
        path: &str,
        node: &Spanned<Node>,
    ) -> Result<Value, Box<Diagnostic>> {
        let in_unit = unit.map_or(String::new(), |u| format!(" in {u}"));
        let value = match &node.value {
            Node::Int(i) => *i as f64,
            Node::Float(f) => *f,
            Node::Str(s) => parse_amount(s, unit).ok_or_else(|| {
                Box::new(
                    Diagnostic::error(Code::FactValue, self.span(node), format!("`{s}` is not an amount{in_unit}"))
                        .label("not an amount")
                        .help(match unit {
                            Some(u) => format!("write a number, or a number with the unit, e.g. `1_000 {u}`"),
                            None => "write a number".to_string(),
                        }),
                )
            })?,
            _ => return Err(self.wrong(path, format!("a number{in_unit}"), node, "write a number")),
        };
        if !value.is_finite() {
            return Err(self.wrong(path, format!("a finite number{in_unit}"), node, "write a number"));
        }
        if integer && value.fract() != 0.0 {
            return Err(Box::new(
                Diagnostic::error(
                    Code::FactValue,
                    self.span(node),
                    format!("`{path}` is a whole number, but the file gives {value}"),
                )
                .label("not a whole number")
                .help("give a whole number"),
            ));
        }
        Ok(Value::Number(value, unit.map(str::to_string)))
    }

    fn evidence(&mut self, node: &Spanned<Node>) {
        let entries = match &node.value {
            Node::Map(e) => e,
            Node::Null => return,
            other => {
                let d = Diagnostic::error(Code::BadEvidence, self.span(node), format!("`evidence` is a mapping of evidence kinds, not {}", other.describe()))
                    .label("expected `kind: {…}` entries")
                    .help("write e.g. `evidence:\\n  risk_management_documentation:\\n    reference: RM-1\\n    date: 2026-05-01`");
                self.diags.push(d);
                return;
            }
        };
        for (key, value) in entries {
            let Some(name) = self.key_name(key) else { continue };
            let Some(item) = self.evidence_kind(&name, key) else { continue };
            self.facts.evidence_places.insert(item, self.span(key));
            match &value.value {
                Node::Null => {}
                Node::Bool(false) => {
                    self.facts.evidence.insert(item, Evidence::NotHeld);
                }
                Node::Map(fields) => {
                    if let Some(e) = self.evidence_fields(&name, key, fields) {
                        self.facts.evidence.insert(item, e);
                    }
                }
                other => {
                    let d = Diagnostic::error(Code::BadEvidence, self.span(value), format!("evidence `{name}` is {}, not a record", other.describe()))
                        .label("expected reference and date")
                        .help("give `reference:` and `date:` (and optionally `expires:` and `scope:`), or `false` if it is not held");
                    self.diags.push(d);
                }
            }
        }
    }

    fn evidence_kind(&mut self, name: &str, key: &Spanned<Node>) -> Option<ItemId> {
        let kinds: Vec<(ItemId, String, String)> = self
            .policy
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == crate::syntax::ast::ItemKind::Evidence)
            .map(|(i, it)| (ItemId(i as u32), it.name.clone(), it.qualified.clone()))
            .collect();
        let matches: Vec<&(ItemId, String, String)> = kinds.iter().filter(|(_, n, q)| n == name || q == name).collect();
        match matches.as_slice() {
            [one] => return Some(one.0),
            [] => {
                let help = did_you_mean_help(name, kinds.iter().map(|(_, n, _)| n.as_str()))
                    .unwrap_or_else(|| "run `norma facts` to see the kinds of evidence the policies know".into());
                let d = Diagnostic::error(
                    Code::UnknownFact,
                    self.span(key),
                    format!("`{name}` is not a kind of evidence the policies know"),
                )
                .label("unknown evidence")
                .help(help);
                self.diags.push(d);
            }
            many => {
                let full: Vec<String> = many.iter().map(|(_, _, q)| format!("`{q}`")).collect();
                let d = Diagnostic::error(
                    Code::UnknownFact,
                    self.span(key),
                    format!("several policies declare evidence `{name}`"),
                )
                .label("ambiguous")
                .help(format!("write the full name: {}", full.join(" or ")));
                self.diags.push(d);
            }
        }
        None
    }

    fn evidence_fields(
        &mut self,
        name: &str,
        key: &Spanned<Node>,
        fields: &[(Spanned<Node>, Spanned<Node>)],
    ) -> Option<Evidence> {
        let mut reference = None;
        let mut date = None;
        let mut expires = None;
        let mut scope = None;
        let before = self.diags.len();
        for (k, v) in fields {
            let Some(field) = self.key_name(k) else { continue };
            let text = match &v.value {
                Node::Str(s) => Some(s.clone()),
                Node::Int(i) => Some(i.to_string()),
                _ => None,
            };
            match field.as_str() {
                "reference" | "scope" => match text {
                    Some(t) if field == "reference" => reference = Some(t),
                    Some(t) => scope = Some(t),
                    None => self.diags.push(
                        Diagnostic::error(
                            Code::BadEvidence,
                            self.span(v),
                            format!("`{field}` of evidence `{name}` must be text"),
                        )
                        .label("not text")
                        .help("put the text in quotes"),
                    ),
                },
                "date" | "expires" => match text.as_deref().and_then(parse_date) {
                    Some(d) if field == "date" => date = Some(d),
                    Some(d) => expires = Some(d),
                    None => self.diags.push(
                        Diagnostic::error(
                            Code::BadEvidence,
                            self.span(v),
                            format!("`{field}` of evidence `{name}` is not a calendar date"),
                        )
                        .label("not a date")
                        .help("write dates as YYYY-MM-DD, e.g. 2026-05-01"),
                    ),
                },
                other => {
                    let help = did_you_mean_help(other, ["reference", "date", "expires", "scope"])
                        .unwrap_or_else(|| "an evidence record has `reference`, `date`, `expires` and `scope`".into());
                    self.diags.push(
                        Diagnostic::error(
                            Code::BadEvidence,
                            self.span(k),
                            format!("`{other}` is not a field of an evidence record"),
                        )
                        .label("unknown field")
                        .help(help),
                    );
                }
            }
        }
        if self.diags.len() > before {
            return None;
        }
        match (reference, date) {
            (Some(reference), Some(date)) => {
                if let Some(e) = expires
                    && e <= date
                {
                    self.diags.push(
                        Diagnostic::error(
                            Code::BadEvidence,
                            self.span(key),
                            format!("evidence `{name}` expires ({e}) before it is dated ({date})"),
                        )
                        .label("expires before its date")
                        .help("check both dates"),
                    );
                    return None;
                }
                Some(Evidence::Held { reference, date, expires, scope })
            }
            (r, d) => {
                let missing: Vec<&str> = [("reference", r.is_none()), ("date", d.is_none())]
                    .iter()
                    .filter(|(_, m)| *m)
                    .map(|(f, _)| *f)
                    .collect();
                self.diags.push(
                    Diagnostic::error(
                        Code::BadEvidence,
                        self.span(key),
                        format!("evidence `{name}` has no {}", missing.join(" and no ")),
                    )
                    .label("incomplete")
                    .help("an evidence record needs `reference:` (the document) and `date:` (when it was produced)"),
                );
                None
            }
        }
    }
}

/// `YYYY-MM-DD` as a calendar date.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
        }
        _ => None,
    }
}

/// `6 months`, `1 year`, `10 working_days` as a duration.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let mut words = s.split_whitespace();
    let amount: i64 = words.next()?.replace('_', "").parse().ok().filter(|a: &i64| *a >= 0)?;
    let unit = TimeUnit::from_word(&words.collect::<Vec<_>>().join("_"))?;
    Some(Duration::of(amount, unit))
}

/// `1_000`, `1e25 FLOP`, `KRW 10_000_000` as a number in `unit` (the unit, when written, must be
/// the fact's own).
pub fn parse_amount(s: &str, unit: Option<&str>) -> Option<f64> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let number = match (words.as_slice(), unit) {
        ([n], _) => *n,
        ([a, b], Some(u)) if *b == u => *a,
        ([a, b], Some(u)) if *a == u => *b,
        _ => return None,
    };
    number.replace('_', "").parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests;
