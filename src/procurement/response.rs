//! The supplier's response form (`norma.response/v1`): written as YAML from the requirements, and
//! read back, as YAML or as a filled XLSX annex, into evidence for `norma assess`. A row answered
//! `comply` with an evidence reference and date makes each evidence kind it lists held; `not` or
//! `partially` makes them not held; `not_applicable` and unanswered rows change nothing.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use serde_saphyr::Spanned;

use super::Requirements;
use super::table::{KEY_COLUMNS, Party, RESPONSE_COLUMNS, RESPONSES, Words, all_rows, legal_basis};
use crate::diagnostics::{Code, Diagnostic, did_you_mean_help};
use crate::engine::FactsFile;
use crate::facts::yaml::{self, Node, span_of};
use crate::facts::{Evidence, parse_date};
use crate::model::{ItemId, Policy};
use crate::outcome::ResponsesProvenance;
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast::ItemKind;

/// The schema identifier of the response form.
pub const SCHEMA: &str = "norma.response/v1";

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The response form for the supplier's requirements, in YAML, to fill in.
pub fn form(r: &Requirements, words: &Words) -> String {
    let intro = words.get("req_form_intro").replace("{title}", &r.procurement.title.replace('\n', " "));
    let mut out = format!(
        "# {intro}\nschema: {SCHEMA}\nprocurement: {}\nprofile_sha256: {}\npolicies_sha256: {}\nresponses:\n",
        quoted(&r.procurement.title),
        quoted(&r.provenance.facts_sha256),
        quoted(&r.provenance.policies_sha256)
    );
    for (row, _) in all_rows(r).filter(|(_, p)| *p == Party::Supplier) {
        let list = |items: Vec<&str>| format!("[{}]", items.into_iter().map(quoted).collect::<Vec<_>>().join(", "));
        out.push_str(&format!("  - id: {}\n", quoted(&row.id)));
        out.push_str(&format!("    requirement: {}  # {}\n", quoted(&row.requirement), words.get("req_form_ignored")));
        out.push_str(&format!("    legal_basis: {}  # {}\n", quoted(&legal_basis(row)), words.get("req_form_reading")));
        out.push_str(&format!("    norms: {}\n", list(row.legal_basis.iter().map(|b| b.norm.as_str()).collect())));
        out.push_str(&format!("    evidence: {}\n", list(row.evidence.iter().map(|e| e.evidence.as_str()).collect())));
        out.push_str("    response: null  # comply | partially | not | not_applicable\n");
        out.push_str("    explanation: null\n    evidence_reference: null\n");
        out.push_str("    evidence_date: null  # YYYY-MM-DD\n    evidence_expiry: null  # YYYY-MM-DD\n");
    }
    out
}

/// Evidence a filled response form gives, by evidence kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Responses {
    /// The evidence each answered row implies.
    pub evidence: BTreeMap<ItemId, Evidence>,
    /// The form's name.
    pub file: String,
    /// SHA-256 of the form.
    pub sha256: String,
    /// The procurement title the form states.
    pub procurement: Option<String>,
    /// The profile hash the form states.
    pub profile_sha256: Option<String>,
    /// The policies hash the form states.
    pub policies_sha256: Option<String>,
}

impl Responses {
    /// Adds the form's evidence to `facts` (evidence the facts state themselves wins) and records
    /// the form in the facts' provenance.
    pub fn apply(&self, facts: &mut FactsFile) {
        for (kind, e) in &self.evidence {
            facts.facts.evidence.entry(*kind).or_insert_with(|| e.clone());
        }
        facts.responses = Some(ResponsesProvenance {
            file: self.file.clone(),
            sha256: self.sha256.clone(),
            procurement: self.procurement.clone(),
            profile_sha256: self.profile_sha256.clone(),
            policies_sha256: self.policies_sha256.clone(),
            same_policies: None,
        });
    }
}

/// Where a value of the form is: a span of the YAML file or a cell of the workbook.
#[derive(Debug, Clone)]
enum Place {
    Yaml(Span),
    Cell(String),
}

/// One value of a row and its place.
type Field = (String, Place);

/// One row of a filled form.
struct Answer {
    id: String,
    at: Place,
    response: Option<Field>,
    reference: Option<Field>,
    date: Option<Field>,
    expiry: Option<Field>,
    evidence: Vec<Field>,
}

struct Problems<'a> {
    name: &'a str,
    diags: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn push(&mut self, at: &Place, message: String, label: &str, help: String) {
        let d = match at {
            Place::Yaml(span) => Diagnostic::error(Code::ResponseForm, *span, message).label(label),
            Place::Cell(cell) => Diagnostic::general(Code::ResponseForm, format!("{}: {cell}: {message}", self.name)),
        };
        self.diags.push(d.help(help));
    }
}

fn evidence_kinds(policy: &Policy) -> Vec<(ItemId, &str, &str)> {
    policy
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.kind == ItemKind::Evidence)
        .map(|(i, it)| (ItemId(i as u32), it.name.as_str(), it.qualified.as_str()))
        .collect()
}

/// The answer word of a response cell: a form word, or its title in English or Korean.
fn response_word(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let catalogs = [Words::embedded("en"), Words::embedded("ko")];
    RESPONSES.iter().copied().find(|w| {
        t.eq_ignore_ascii_case(w)
            || catalogs.iter().any(|c| c.get(&format!("req_response_{w}")).eq_ignore_ascii_case(t))
    })
}

/// Turns the rows of a form into evidence, reporting every problem.
fn resolve(answers: &[Answer], policy: &Policy, problems: &mut Problems<'_>) -> Responses {
    let kinds = evidence_kinds(policy);
    let mut out: BTreeMap<ItemId, (Evidence, String)> = BTreeMap::new();
    for a in answers {
        let mut date = |field: &Option<Field>, what: &str| -> Option<jiff::civil::Date> {
            let (text, at) = field.as_ref()?;
            let d = parse_date(text);
            if d.is_none() {
                problems.push(
                    at,
                    format!("the {what} of {} is `{text}`, not a calendar date", a.id),
                    "not a date",
                    "write dates as YYYY-MM-DD, e.g. 2026-05-01".into(),
                );
            }
            d
        };
        let evidence_date = date(&a.date, "evidence date");
        let expiry = date(&a.expiry, "evidence expiry");
        let mut items = Vec::new();
        for (name, at) in &a.evidence {
            match kinds.iter().find(|(_, n, q)| n == name || q == name) {
                Some((id, _, _)) => items.push(*id),
                None => {
                    let help = did_you_mean_help(name, kinds.iter().map(|(_, _, q)| *q))
                        .unwrap_or_else(|| "run `norma facts` to see the kinds of evidence the policies know".into());
                    problems.push(
                        at,
                        format!("`{name}` is not a kind of evidence the policies know"),
                        "unknown evidence",
                        help,
                    );
                }
            }
        }
        let Some((text, at)) = &a.response else { continue };
        let Some(word) = response_word(text) else {
            let help = did_you_mean_help(text.trim(), RESPONSES.iter().copied())
                .map(|h| format!("{h} (the answers are: {})", RESPONSES.join(", ")))
                .unwrap_or_else(|| format!("the answers are: {}", RESPONSES.join(", ")));
            problems.push(
                at,
                format!("`{text}` is not an answer of the response form ({})", a.id),
                "unknown answer",
                help,
            );
            continue;
        };
        let evidence = match word {
            "comply" if items.is_empty() => continue,
            "comply" => {
                let (Some((reference, _)), Some(d)) = (&a.reference, evidence_date) else {
                    if a.date.is_none() || a.reference.is_none() {
                        problems.push(
                            at,
                            format!("{} is answered `comply` but gives no evidence reference and date", a.id),
                            "evidence missing",
                            "give `evidence_reference` (the document) and `evidence_date` (when it was produced)"
                                .into(),
                        );
                    }
                    continue;
                };
                if let Some(e) = expiry
                    && e <= d
                {
                    let place = a.expiry.as_ref().map_or(&a.at, |(_, p)| p);
                    problems.push(
                        place,
                        format!("the evidence of {} expires ({e}) before it is dated ({d})", a.id),
                        "expires before its date",
                        "check both dates".into(),
                    );
                    continue;
                }
                Evidence::Held { reference: reference.trim().to_string(), date: d, expires: expiry, scope: None }
            }
            "not" | "partially" => Evidence::NotHeld,
            _ => continue,
        };
        for item in items {
            match out.get(&item) {
                Some((earlier, row)) if *earlier != evidence => {
                    let name = kinds.iter().find(|(i, _, _)| *i == item).map_or("", |(_, _, q)| *q);
                    problems.push(
                        at,
                        format!("evidence `{name}` is answered differently in {row} and {}", a.id),
                        "contradicts an earlier row",
                        "give the same answer and evidence in every row that asks for it".into(),
                    );
                }
                Some(_) => {}
                None => {
                    out.insert(item, (evidence.clone(), a.id.clone()));
                }
            }
        }
    }
    Responses { evidence: out.into_iter().map(|(k, (e, _))| (k, e)).collect(), ..Responses::default() }
}

const TOP_FIELDS: &[&str] = &["schema", "procurement", "profile_sha256", "policies_sha256", "responses"];
const ROW_FIELDS: &[&str] = &[
    "id",
    "requirement",
    "legal_basis",
    "norms",
    "evidence",
    "response",
    "explanation",
    "evidence_reference",
    "evidence_date",
    "evidence_expiry",
];

struct YamlForm<'a> {
    file: FileId,
    text: &'a str,
}

impl YamlForm<'_> {
    fn at<T>(&self, n: &Spanned<T>) -> Place {
        Place::Yaml(span_of(self.file, n, self.text))
    }

    /// A scalar as text (`null` as none); anything else is a problem.
    fn scalar(&self, field: &str, v: &Spanned<Node>, problems: &mut Problems<'_>) -> Option<Field> {
        match &v.value {
            Node::Null => None,
            Node::Str(s) if s.trim().is_empty() => None,
            Node::Str(s) => Some((s.clone(), self.at(v))),
            Node::Int(i) => Some((i.to_string(), self.at(v))),
            other => {
                problems.push(
                    &self.at(v),
                    format!("`{field}` must be text, not {}", other.describe()),
                    "expected text",
                    "put the text in quotes".into(),
                );
                None
            }
        }
    }

    fn key(&self, k: &Spanned<Node>, allowed: &[&str], problems: &mut Problems<'_>) -> Option<String> {
        let name = match &k.value {
            Node::Str(s) => s.clone(),
            other => {
                problems.push(
                    &self.at(k),
                    format!("a key must be a name, not {}", other.describe()),
                    "not a name",
                    "write keys as names".into(),
                );
                return None;
            }
        };
        if allowed.contains(&name.as_str()) {
            return Some(name);
        }
        let help = did_you_mean_help(&name, allowed.iter().copied())
            .unwrap_or_else(|| format!("the fields are: {}", allowed.join(", ")));
        problems.push(&self.at(k), format!("`{name}` is not a field of the response form"), "unknown field", help);
        None
    }

    fn row(&self, node: &Spanned<Node>, problems: &mut Problems<'_>) -> Option<Answer> {
        let Node::Map(entries) = &node.value else {
            problems.push(
                &self.at(node),
                format!("a response is a mapping, not {}", node.value.describe()),
                "expected `id: …` and answers",
                "copy the rows of the generated form".into(),
            );
            return None;
        };
        let mut a = Answer {
            id: String::new(),
            at: self.at(node),
            response: None,
            reference: None,
            date: None,
            expiry: None,
            evidence: Vec::new(),
        };
        for (k, v) in entries {
            let Some(field) = self.key(k, ROW_FIELDS, problems) else { continue };
            match field.as_str() {
                "id" => a.id = self.scalar("id", v, problems).map(|(s, _)| s).unwrap_or_default(),
                "response" => a.response = self.scalar("response", v, problems),
                "evidence_reference" => a.reference = self.scalar("evidence_reference", v, problems),
                "evidence_date" => a.date = self.scalar("evidence_date", v, problems),
                "evidence_expiry" => a.expiry = self.scalar("evidence_expiry", v, problems),
                "evidence" => match &v.value {
                    Node::Seq(items) => {
                        a.evidence = items.iter().filter_map(|i| self.scalar("evidence", i, problems)).collect()
                    }
                    Node::Null => {}
                    other => problems.push(
                        &self.at(v),
                        format!("`evidence` is a list of evidence kinds, not {}", other.describe()),
                        "expected a list",
                        "keep the list of the generated form".into(),
                    ),
                },
                _ => {}
            }
        }
        if a.id.is_empty() {
            problems.push(
                &a.at,
                "a response without an `id`".into(),
                "no id",
                "keep the `id` of the generated form".into(),
            );
            return None;
        }
        Some(a)
    }
}

/// The most a response workbook may unpack to, in bytes: a filled annex unpacks to well under a
/// megabyte, a ZIP bomb to gigabytes.
pub const MAX_XLSX_UNPACKED: u64 = 64 * 1024 * 1024;

/// The sizes the entries of a ZIP archive declare, added up (without unpacking anything); `None`
/// when it is not a readable archive (calamine then says why).
fn unpacked_size(bytes: &[u8]) -> Option<u64> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i).ok()?.size());
    }
    Some(total)
}

/// Unpacks every XML entry of a workbook (within [`MAX_XLSX_UNPACKED`]) and checks what the XLSX
/// reader would trip over: a damaged entry (wrong checksum) or a cell reference beyond the last
/// cell of a sheet (more than 3 letters or 7 digits, such as `AAAAAAA1`, whose column number
/// overflows). Found by fuzzing (`tests/fuzz`, target `responses`).
fn check_entries(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| e.to_string())?;
        let name = entry.name().map_err(|e| e.to_string())?.to_string();
        if !name.ends_with(".xml") {
            continue;
        }
        let mut text = Vec::new();
        entry.take(MAX_XLSX_UNPACKED).read_to_end(&mut text).map_err(|e| format!("`{name}` is damaged ({e})"))?;
        if let Some(cell) = beyond_a_sheet(&text) {
            return Err(format!("`{name}` refers to the cell `{cell}`, beyond the last cell of a sheet (XFD1048576)"));
        }
    }
    Ok(())
}

/// The first cell reference (`r="…"`, `ref="…"`) with more than 3 letters or 7 digits in a part.
fn beyond_a_sheet(xml: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(xml);
    for key in [" r=\"", " ref=\""] {
        for (at, _) in text.match_indices(key) {
            let value = text.get(at + key.len()..)?.split('"').next().unwrap_or("");
            let too_long = value.split(':').any(|part| {
                let part = part.trim_start_matches('$');
                let letters = part.bytes().take_while(u8::is_ascii_alphabetic).count();
                let digits =
                    part.bytes().skip(letters).skip_while(|b| *b == b'$').take_while(u8::is_ascii_digit).count();
                letters > 3 || digits > 7
            });
            if too_long {
                return Some(value.chars().take(40).collect());
            }
        }
    }
    None
}

/// Reads a filled YAML response form, file `file` of `sources`, against `policy`.
pub fn read_yaml(sources: &Sources, file: FileId, policy: &Policy) -> Result<Responses, Vec<Diagnostic>> {
    let Some(src) = sources.get(file) else { return Err(Vec::new()) };
    let text = &*src.text;
    let mut problems = Problems { name: &src.name, diags: Vec::new() };
    if let Some((at, c, what)) = crate::syntax::hygiene::first_hidden(text) {
        problems.push(
            &Place::Yaml(Span::new(file, at, at + c.len_utf8())),
            format!("the response form contains a {what} (U+{:04X})", c as u32),
            what,
            "remove it: such characters are invisible and could make a report read differently from the answers".into(),
        );
        return Err(problems.diags);
    }
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            let span = match e.location() {
                Some(loc) if loc.line() > 0 => span_of(file, &Spanned::new((), loc, loc), text),
                _ => Span::new(file, 0, 0),
            };
            problems.push(
                &Place::Yaml(span),
                yaml::explain(&e, "the response form", crate::limits::MAX_FACT_VALUES),
                "here",
                "check the indentation and quoting".into(),
            );
            return Err(problems.diags);
        }
    };
    let form = YamlForm { file, text };
    let Node::Map(entries) = &root.value else {
        problems.push(
            &form.at(&root),
            format!("a response form is a mapping, not {}", root.value.describe()),
            "expected `schema: norma.response/v1`",
            "start from the form `norma requirements PROFILE --format response` writes".into(),
        );
        return Err(problems.diags);
    };
    let mut schema = None;
    let mut answers = Vec::new();
    let mut header: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in entries {
        let Some(field) = form.key(k, TOP_FIELDS, &mut problems) else { continue };
        match field.as_str() {
            "schema" => schema = Some(v),
            "procurement" | "profile_sha256" | "policies_sha256" => {
                if let Some((value, _)) = form.scalar(&field, v, &mut problems) {
                    header.insert(field, value);
                }
            }
            "responses" => match &v.value {
                Node::Seq(rows) => answers.extend(rows.iter().filter_map(|r| form.row(r, &mut problems))),
                Node::Null => {}
                other => problems.push(
                    &form.at(v),
                    format!("`responses` is a list, not {}", other.describe()),
                    "expected a list",
                    "keep the list of the generated form".into(),
                ),
            },
            _ => {}
        }
    }
    match schema {
        Some(v) if v.value == Node::Str(SCHEMA.into()) => {}
        Some(v) => problems.push(
            &form.at(v),
            format!("this is not a `{SCHEMA}` form"),
            "wrong schema",
            format!("write `schema: {SCHEMA}`; the form is written by `norma requirements PROFILE --format response`"),
        ),
        None => problems.push(
            &form.at(&root),
            "the form has no `schema`".into(),
            "no schema",
            format!("write `schema: {SCHEMA}` at the top"),
        ),
    }
    let mut responses = resolve(&answers, policy, &mut problems);
    responses.procurement = header.remove("procurement");
    responses.profile_sha256 = header.remove("profile_sha256");
    responses.policies_sha256 = header.remove("policies_sha256");
    if problems.diags.is_empty() { Ok(responses) } else { Err(problems.diags) }
}

/// `A1`-style name of a cell.
fn cell_name(sheet: &str, row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{sheet}!{letters}{}", row + 1)
}

fn cell_text(cell: &Data) -> Option<String> {
    let text = match cell {
        Data::Empty => return None,
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("{e:?}"),
    };
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Reads a filled XLSX annex (`norma requirements --format xlsx`): every sheet whose header row
/// has the response columns and the evidence kinds column.
pub fn read_xlsx(name: &str, bytes: &[u8], policy: &Policy) -> Result<Responses, Vec<Diagnostic>> {
    let mut problems = Problems { name, diags: Vec::new() };
    if let Some(size) = unpacked_size(bytes).filter(|s| *s > MAX_XLSX_UNPACKED) {
        return Err(vec![
            Diagnostic::general(
                Code::ResponseForm,
                format!("{name}: the workbook unpacks to {size} bytes; a response form may unpack to at most {MAX_XLSX_UNPACKED} bytes"),
            )
            .help("a filled annex unpacks to well under a megabyte; this file may be a ZIP bomb"),
        ]);
    }
    if let Err(why) = check_entries(bytes) {
        return Err(vec![
            Diagnostic::general(Code::ResponseForm, format!("{name}: not a readable XLSX workbook: {why}"))
                .help("save the workbook again as .xlsx"),
        ]);
    }
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
            vec![Diagnostic::general(Code::ResponseForm, format!("{name}: not a readable XLSX workbook: {e}")).help(
                "give the annex written by `norma requirements PROFILE --format xlsx`, filled in and saved as .xlsx",
            )]
        })?;
    let catalogs = [Words::embedded("en"), Words::embedded("ko")];
    let column = |header: &[Option<String>], key: &str| {
        header.iter().position(|h| h.as_deref().is_some_and(|h| catalogs.iter().any(|c| c.get(key) == h)))
    };
    let mut answers = Vec::new();
    let mut found = false;
    let mut origin: BTreeMap<String, String> = BTreeMap::new();
    for sheet in book.sheet_names() {
        let range = match book.worksheet_range(&sheet) {
            Ok(r) => r,
            Err(e) => {
                problems.push(
                    &Place::Cell(sheet.clone()),
                    format!("the sheet cannot be read: {e}"),
                    "",
                    "save the workbook again as .xlsx".into(),
                );
                continue;
            }
        };
        for row in range.rows() {
            if let [Some(key), Some(value), ..] = row.iter().map(cell_text).collect::<Vec<_>>().as_slice() {
                for (field, k) in SUMMARY_KEYS {
                    if catalogs.iter().any(|c| c.get(k) == *key) {
                        origin.entry(field.to_string()).or_insert_with(|| value.clone());
                    }
                }
            }
        }
        let (top, left) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows = range.rows();
        let Some(header) = rows.next() else { continue };
        let header: Vec<Option<String>> = header.iter().map(cell_text).collect();
        let id_col = column(&header, "req_id");
        let cols: Vec<Option<usize>> = RESPONSE_COLUMNS.iter().map(|k| column(&header, k)).collect();
        let evidence_col = KEY_COLUMNS.get(1).and_then(|k| column(&header, k));
        let (Some(id_col), [Some(response), _, Some(reference), Some(date), Some(expiry)], Some(evidence_col)) =
            (id_col, cols.as_slice(), evidence_col)
        else {
            continue;
        };
        found = true;
        for (i, row) in rows.enumerate() {
            let r = top + i + 1;
            let field = |c: usize| -> Option<Field> {
                row.get(c).and_then(cell_text).map(|t| (t, Place::Cell(cell_name(&sheet, r, left + c))))
            };
            let Some((id, at)) = field(id_col) else { continue };
            let evidence = field(evidence_col)
                .map(|(t, at)| t.split_whitespace().map(|k| (k.to_string(), at.clone())).collect())
                .unwrap_or_default();
            answers.push(Answer {
                id,
                at,
                response: field(*response),
                reference: field(*reference),
                date: field(*date),
                expiry: field(*expiry),
                evidence,
            });
        }
    }
    if !found {
        problems.push(
            &Place::Cell(book.sheet_names().first().cloned().unwrap_or_default()),
            "no sheet has the response columns of a Norma annex".into(),
            "",
            "give the annex written by `norma requirements PROFILE --format xlsx`, with its header rows kept".into(),
        );
        return Err(problems.diags);
    }
    let mut responses = resolve(&answers, policy, &mut problems);
    responses.procurement = origin.remove("procurement");
    responses.profile_sha256 = origin.remove("profile_sha256");
    responses.policies_sha256 = origin.remove("policies_sha256");
    if problems.diags.is_empty() { Ok(responses) } else { Err(problems.diags) }
}

/// The lines of the annex's summary sheet that identify it, by form field and catalog key.
const SUMMARY_KEYS: [(&str, &str); 3] =
    [("procurement", "req_procurement_title"), ("profile_sha256", "facts_hash"), ("policies_sha256", "policies_hash")];

#[cfg(test)]
mod tests {
    #[test]
    fn cell_references_beyond_a_sheet_are_found() {
        let ok = br#"<dimension ref="A1:XFD1048576"/><c r="B12" t="s"><c r="$C$3">"#;
        assert_eq!(super::beyond_a_sheet(ok), None);
        let wide = br#"<row r="1"><c r="AAAAAAAAA1" t="s">"#;
        assert_eq!(super::beyond_a_sheet(wide).as_deref(), Some("AAAAAAAAA1"));
        let deep = br#"<dimension ref="A1:B99999999999"/>"#;
        assert_eq!(super::beyond_a_sheet(deep).as_deref(), Some("A1:B99999999999"));
    }
}
