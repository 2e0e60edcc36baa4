//! The `procurement` section of a procurement profile: who buys, what, where, when and at which
//! safety level. The rest of the profile is an ordinary facts file about the system bought.

use jiff::civil::Date;
use serde_saphyr::Spanned;

use crate::diagnostics::{Code, Diagnostic, did_you_mean_help};
use crate::facts::yaml::{self, Node, span_of};
use crate::source::{FileId, Sources, Span};

/// The top-level key of the procurement section.
pub const SECTION: &str = "procurement";

/// What a buyer states about a procurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The title of the procurement.
    pub title: String,
    /// The buyer's name.
    pub buyer: String,
    /// `public_body`, `public_service_provider` (a private entity providing a public service) or
    /// `private_body`.
    pub buyer_type: String,
    /// What the system is bought for, in the buyer's words.
    pub purpose: String,
    /// The people the system affects, in the buyer's words.
    pub affected_people: Option<String>,
    /// Jurisdictions the system is deployed in (upper-case codes).
    pub jurisdictions: Vec<String>,
    /// The planned go-live date.
    pub go_live: Date,
    /// The last day of the contract.
    pub contract_end: Date,
    /// Languages of the tender (`en`, `ko`, …).
    pub languages: Vec<String>,
    /// `legal-minimum` or `high-safety`.
    pub safety_level: String,
}

const FIELDS: &[&str] = &[
    "title",
    "buyer",
    "purpose",
    "affected_people",
    "jurisdictions",
    "go_live",
    "contract_term",
    "contract_end",
    "languages",
    "safety_level",
];
const BUYER_FIELDS: &[&str] = &["name", "type"];
const BUYER_TYPES: &[&str] = &["public_body", "public_service_provider", "private_body"];
const SAFETY_LEVELS: &[&str] = &["legal-minimum", "high-safety"];

struct Reader<'a> {
    file: FileId,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn span<T>(&self, n: &Spanned<T>) -> Span {
        span_of(self.file, n, self.text)
    }

    fn problem(&mut self, at: Span, message: String, label: &str, help: String) {
        self.diags.push(Diagnostic::error(Code::ProfileField, at, message).label(label).help(help));
    }

    fn text(&mut self, field: &str, v: &Spanned<Node>) -> Option<String> {
        match &v.value {
            Node::Str(s) if !s.trim().is_empty() => Some(s.clone()),
            other => {
                let at = self.span(v);
                self.problem(
                    at,
                    format!("`procurement.{field}` must be text, not {}", other.describe()),
                    "expected text",
                    format!("write `{field}: \"…\"`"),
                );
                None
            }
        }
    }

    fn word(&mut self, field: &str, v: &Spanned<Node>, allowed: &[&str]) -> Option<String> {
        let s = self.text(field, v)?;
        if allowed.contains(&s.as_str()) {
            return Some(s);
        }
        let at = self.span(v);
        let help = did_you_mean_help(&s, allowed.iter().copied())
            .unwrap_or_else(|| format!("write one of: {}", allowed.join(", ")));
        self.problem(at, format!("`{s}` is not a value `procurement.{field}` allows"), "not allowed", help);
        None
    }

    fn date(&mut self, field: &str, v: &Spanned<Node>) -> Option<Date> {
        let s = self.text(field, v)?;
        match crate::facts::parse_date(&s) {
            Some(d) => Some(d),
            None => {
                let at = self.span(v);
                self.problem(
                    at,
                    format!("`{s}` is not a date"),
                    "not a day that exists",
                    "write the date as YYYY-MM-DD".into(),
                );
                None
            }
        }
    }

    fn list(&mut self, field: &str, v: &Spanned<Node>) -> Option<Vec<String>> {
        let Node::Seq(items) = &v.value else {
            let at = self.span(v);
            self.problem(
                at,
                format!("`procurement.{field}` must be a list, not {}", v.value.describe()),
                "expected a list",
                format!("write `{field}: [a, b]`"),
            );
            return None;
        };
        let words: Vec<String> = items.iter().filter_map(|i| self.text(field, i)).collect();
        (words.len() == items.len()).then_some(words)
    }

    fn keys<'n>(
        &mut self,
        prefix: &str,
        entries: &'n [(Spanned<Node>, Spanned<Node>)],
        known: &[&str],
    ) -> Vec<(String, &'n Spanned<Node>)> {
        let mut out = Vec::new();
        for (k, v) in entries {
            let Node::Str(name) = &k.value else {
                let at = self.span(k);
                self.problem(
                    at,
                    format!("a key in `{prefix}` must be a name"),
                    "not a name",
                    "use a field name".into(),
                );
                continue;
            };
            if !known.contains(&name.as_str()) {
                let at = self.span(k);
                let help = did_you_mean_help(name, known.iter().copied())
                    .unwrap_or_else(|| format!("the fields are: {}", known.join(", ")));
                self.problem(at, format!("`{prefix}.{name}` is not a procurement field"), "unknown field", help);
                continue;
            }
            if out.iter().any(|(n, _)| n == name) {
                let at = self.span(k);
                self.problem(at, format!("`{prefix}.{name}` is given twice"), "again", "give each field once".into());
                continue;
            }
            out.push((name.clone(), v));
        }
        out
    }
}

/// Reads the `procurement` section of the profile `file`. The facts beside it are read by
/// [`crate::facts::load_beside`].
pub fn load(sources: &Sources, file: FileId) -> Result<Profile, Vec<Diagnostic>> {
    let Some(src) = sources.get(file) else { return Err(Vec::new()) };
    let text = &*src.text;
    let whole = Span::new(file, 0, 0);
    let mut r = Reader { file, text, diags: Vec::new() };
    // The facts reader has reported YAML errors already; here they only stop the reading.
    let Ok(root) = yaml::parse(text) else { return Err(Vec::new()) };
    let section = match &root.value {
        Node::Map(entries) => entries.iter().find(|(k, _)| k.value == Node::Str(SECTION.into())).map(|(_, v)| v),
        _ => None,
    };
    let Some(section) = section else {
        r.problem(
            whole,
            "this profile has no `procurement` section".into(),
            "missing",
            "add `procurement:` with title, buyer, purpose, jurisdictions, go_live, contract_term, languages and safety_level (see docs/procurement.md)".into(),
        );
        return Err(r.diags);
    };
    let Node::Map(entries) = &section.value else {
        let at = r.span(section);
        r.problem(
            at,
            "`procurement` must be a mapping of fields".into(),
            "expected fields",
            "see docs/procurement.md".into(),
        );
        return Err(r.diags);
    };
    let fields = r.keys(SECTION, entries, FIELDS);
    let get = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    let title = get("title").and_then(|v| r.text("title", v));
    let purpose = get("purpose").and_then(|v| r.text("purpose", v));
    let affected_people = get("affected_people").and_then(|v| r.text("affected_people", v));
    let (buyer, buyer_type) = match get("buyer") {
        Some(v) => match &v.value {
            Node::Map(b) => {
                let b = r.keys("procurement.buyer", b, BUYER_FIELDS);
                let name = b.iter().find(|(n, _)| n == "name").and_then(|(_, v)| r.text("buyer.name", v));
                let kind = b.iter().find(|(n, _)| n == "type").and_then(|(_, v)| r.word("buyer.type", v, BUYER_TYPES));
                (name, kind)
            }
            _ => {
                let at = r.span(v);
                r.problem(
                    at,
                    "`procurement.buyer` must give `name` and `type`".into(),
                    "expected name and type",
                    format!("write `buyer: {{name: \"…\", type: {}}}`", BUYER_TYPES.join(" | ")),
                );
                (None, None)
            }
        },
        None => (None, None),
    };
    let jurisdictions = get("jurisdictions")
        .and_then(|v| r.list("jurisdictions", v))
        .map(|l| l.into_iter().map(|j| j.to_uppercase()).collect::<Vec<_>>());
    let languages = get("languages").and_then(|v| r.list("languages", v));
    let go_live = get("go_live").and_then(|v| r.date("go_live", v));
    let safety_level = get("safety_level").and_then(|v| r.word("safety_level", v, SAFETY_LEVELS));
    let contract_end = match (get("contract_end"), get("contract_term"), go_live) {
        (Some(v), None, _) => r.date("contract_end", v),
        (None, Some(v), Some(start)) => {
            let term = r.text("contract_term", v);
            match term.as_deref().and_then(crate::facts::parse_duration).and_then(|d| d.after(start)) {
                Some(end) => Some(end.date().yesterday().unwrap_or(end.date())),
                None => {
                    if term.is_some() {
                        let at = r.span(v);
                        r.problem(
                            at,
                            "`procurement.contract_term` is not a length of time".into(),
                            "expected a length of time",
                            "write it as `36 months` or `4 years`".into(),
                        );
                    }
                    None
                }
            }
        }
        (Some(v), Some(_), _) => {
            let at = r.span(v);
            r.problem(
                at,
                "give either `contract_end` or `contract_term`, not both".into(),
                "one of the two",
                "keep the one the contract states".into(),
            );
            None
        }
        _ => None,
    };
    let mut missing: Vec<&str> = Vec::new();
    for (name, present) in [
        ("title", title.is_some() || get("title").is_some()),
        ("buyer", get("buyer").is_some()),
        ("purpose", get("purpose").is_some()),
        ("jurisdictions", get("jurisdictions").is_some()),
        ("go_live", get("go_live").is_some()),
        ("contract_term", get("contract_term").is_some() || get("contract_end").is_some()),
        ("languages", get("languages").is_some()),
        ("safety_level", get("safety_level").is_some()),
    ] {
        if !present {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        let at = r.span(section);
        r.problem(
            at,
            format!("the `procurement` section lacks {}", missing.join(", ")),
            "incomplete",
            "see docs/procurement.md for every field".into(),
        );
    }
    if let (Some(start), Some(end)) = (go_live, contract_end)
        && end < start
    {
        let at = get("contract_end").or(get("contract_term")).map_or(whole, |v| r.span(v));
        r.problem(at, "the contract ends before the go-live date".into(), "too early", "check the dates".into());
    }
    match (title, buyer, buyer_type, purpose, jurisdictions, go_live, contract_end, languages, safety_level) {
        (
            Some(title),
            Some(buyer),
            Some(buyer_type),
            Some(purpose),
            Some(jurisdictions),
            Some(go_live),
            Some(contract_end),
            Some(languages),
            Some(safety_level),
        ) if r.diags.is_empty() => Ok(Profile {
            title,
            buyer,
            buyer_type,
            purpose,
            affected_people,
            jurisdictions,
            go_live,
            contract_end,
            languages,
            safety_level,
        }),
        _ => Err(r.diags),
    }
}
