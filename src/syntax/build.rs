//! Builds the syntax tree from pest's pairs. Expressions go through a Pratt parser (pest's
//! algorithm, without recursion) with a bound on depth; literals are validated here (dates are
//! real days, numbers are finite).

use pest::iterators::{Pair, Pairs};

use super::Rule;
use super::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::limits::MAX_EXPR_DEPTH;
use crate::source::{FileId, Span};

/// How an operator binds: the precedence table (lowest first), as pest's `PrattParser` was
/// given it (`Op::infix(op_or) … Op::postfix(op_is_met)`, a step of 10 a level).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fix {
    Prefix,
    Infix,
    Postfix,
}

fn binding(rule: Rule) -> Option<(Fix, u32)> {
    Some(match rule {
        Rule::op_or => (Fix::Infix, 20),
        Rule::op_and => (Fix::Infix, 30),
        Rule::op_not => (Fix::Prefix, 40),
        Rule::op_eq
        | Rule::op_ne
        | Rule::op_lt
        | Rule::op_le
        | Rule::op_gt
        | Rule::op_ge
        | Rule::op_in
        | Rule::op_not_in
        | Rule::op_includes
        | Rule::op_includes_any
        | Rule::op_includes_all => (Fix::Infix, 50),
        Rule::op_add | Rule::op_sub => (Fix::Infix, 60),
        Rule::op_mul | Rule::op_div => (Fix::Infix, 70),
        Rule::op_neg => (Fix::Prefix, 80),
        Rule::op_is_met | Rule::op_applies | Rule::op_is_known => (Fix::Postfix, 90),
        _ => return None,
    })
}

type Built<T> = Result<T, Box<Diagnostic>>;

/// What the first chunk of a file holds.
#[derive(Debug, PartialEq)]
pub struct HeaderChunk {
    /// Doc comments before the header.
    pub docs: Vec<String>,
    /// The header.
    pub header: Header,
    /// Imports.
    pub uses: Vec<Use>,
    /// Declarations that are in the first chunk (not starting in column 1).
    pub items: Vec<Item>,
}

/// Turns pairs of one chunk into syntax tree parts; `base` is the chunk's offset in the file.
pub struct Builder {
    file: FileId,
    base: usize,
    /// Errors found in literals and expressions.
    pub diags: Vec<Diagnostic>,
}

fn first<'i>(pair: &Pair<'i, Rule>, rule: Rule) -> Option<Pair<'i, Rule>> {
    pair.clone().into_inner().find(|p| p.as_rule() == rule)
}

fn all<'i>(pair: &Pair<'i, Rule>, rule: Rule) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.clone().into_inner().filter(move |p| p.as_rule() == rule)
}

fn doc_lines(pair: &Pair<'_, Rule>) -> Vec<String> {
    all(pair, Rule::doc)
        .map(|d| {
            let t = d.as_str().trim_start_matches("///");
            t.strip_prefix(' ').unwrap_or(t).trim_end().to_string()
        })
        .collect()
}

impl Builder {
    /// A builder for a chunk starting at `base` in `file`.
    pub fn new(file: FileId, base: usize) -> Self {
        Builder { file, base, diags: Vec::new() }
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    /// The span from the start of `pair` to the end of its last token: pest counts the
    /// whitespace and comments skipped before an optional repetition that then matched nothing.
    fn tight_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let mut last = pair.clone();
        while let Some(inner) = last.clone().into_inner().last() {
            last = inner;
        }
        let start = pair.as_span().start();
        let end = last.as_span().end().max(start);
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident { name: pair.as_str().to_string(), span: self.span(pair) }
    }

    fn missing(&self, pair: &Pair<'_, Rule>, what: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(Code::Syntax, self.span(pair), format!("expected {what}"))
                .help("see docs/language.md for how each clause is written"),
        )
    }

    fn need<'i>(&self, pair: &Pair<'i, Rule>, rule: Rule, what: &str) -> Built<Pair<'i, Rule>> {
        first(pair, rule).ok_or_else(|| self.missing(pair, what))
    }

    fn text(&self, pair: &Pair<'_, Rule>) -> Text {
        let raw = pair.as_str();
        let body = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw);
        let mut value = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        Text { value, span: self.span(pair) }
    }

    fn date(&self, pair: &Pair<'_, Rule>) -> Built<DateLit> {
        let s = pair.as_str();
        let span = self.span(pair);
        let parts: Vec<&str> = s.split('-').collect();
        let parsed = match parts.as_slice() {
            [y, m, d] => match (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) {
                (Ok(y), Ok(m), Ok(d)) => jiff::civil::Date::new(y, m, d).ok(),
                _ => None,
            },
            _ => None,
        };
        parsed.map(|date| DateLit { date, span }).ok_or_else(|| {
            Box::new(
                Diagnostic::error(Code::BadLiteral, span, format!("`{s}` is not a calendar date"))
                    .label("no such day")
                    .help("write dates as YYYY-MM-DD, e.g. 2026-08-02"),
            )
        })
    }

    fn number_value(&self, pair: &Pair<'_, Rule>) -> Built<f64> {
        let raw = pair.as_str();
        let value: f64 = raw.replace('_', "").parse().unwrap_or(f64::INFINITY);
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Box::new(
                Diagnostic::error(Code::BadLiteral, self.span(pair), format!("`{raw}` is too large a number"))
                    .label("out of range")
                    .help("numbers must be below about 1.8e308; check the exponent"),
            ))
        }
    }

    fn quantity(&self, pair: &Pair<'_, Rule>) -> Built<Number> {
        let mut raw = String::new();
        let mut value = 0.0;
        let mut unit = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::number | Rule::number_u => {
                    raw = p.as_str().to_string();
                    value = self.number_value(&p)?;
                }
                Rule::currency | Rule::unit => unit = Some(self.ident(&p)),
                _ => {}
            }
        }
        Ok(Number { raw, value, unit })
    }

    // ---- Modules and items ----

    /// Builds the header chunk: header, imports and any declarations before the first one in
    /// column 1.
    pub fn file_header(&mut self, pair: &Pair<'_, Rule>) -> Option<HeaderChunk> {
        let docs = doc_lines(pair);
        let header_pair = first(pair, Rule::header)?;
        let kind = match first(&header_pair, Rule::module_kind)?.into_inner().next()?.as_rule() {
            Rule::k_vocabulary => ModuleKind::Vocabulary,
            Rule::k_guidance => ModuleKind::Guidance,
            Rule::k_catalog => ModuleKind::Catalog,
            Rule::part_of => ModuleKind::Part,
            _ => ModuleKind::Instrument,
        };
        let id = self.ident(&first(&header_pair, Rule::module_id)?);
        let clauses = self.clauses(&header_pair);
        let header = Header { kind, id, clauses, span: self.tight_span(&header_pair) };
        let uses = all(pair, Rule::use_decl)
            .filter_map(|u| {
                Some(Use {
                    docs: doc_lines(&u),
                    module: self.ident(&first(&u, Rule::module_id)?),
                    alias: first(&u, Rule::ident).map(|a| self.ident(&a)),
                    span: self.span(&u),
                })
            })
            .collect();
        let items = self.items(pair);
        Some(HeaderChunk { docs, header, uses, items })
    }

    /// Builds every declaration under `pair`.
    pub fn items(&mut self, pair: &Pair<'_, Rule>) -> Vec<Item> {
        all(pair, Rule::item).filter_map(|p| self.item(&p)).collect()
    }

    fn item(&mut self, pair: &Pair<'_, Rule>) -> Option<Item> {
        let docs = doc_lines(pair);
        let decl = pair.clone().into_inner().find(|p| p.as_rule() != Rule::doc)?;
        let span = self.tight_span(&decl);
        let clauses = self.clauses(&decl);
        let (kind, name, head) = match decl.as_rule() {
            Rule::fact_decl => {
                let ty = self.fact_type(&decl)?;
                (ItemKind::Fact, self.ident(&first(&decl, Rule::path)?), ItemHead::Fact(ty))
            }
            Rule::define_decl => (ItemKind::Define, self.ident(&first(&decl, Rule::ident)?), ItemHead::None),
            Rule::role_decl => (ItemKind::Role, self.ident(&first(&decl, Rule::ident)?), ItemHead::None),
            Rule::evidence_decl => (ItemKind::Evidence, self.ident(&first(&decl, Rule::ident)?), ItemHead::None),
            Rule::family_decl => (ItemKind::Family, self.ident(&first(&decl, Rule::ident)?), ItemHead::None),
            Rule::event_decl => (ItemKind::Event, self.ident(&first(&decl, Rule::ident)?), ItemHead::None),
            Rule::norm_decl => {
                let kind = match first(&decl, Rule::norm_kind)?.into_inner().next()?.as_rule() {
                    Rule::k_prohibition => ItemKind::Prohibition,
                    _ => ItemKind::Obligation,
                };
                (kind, self.ident(&first(&decl, Rule::ident)?), ItemHead::None)
            }
            Rule::exception_decl => {
                let kind = match first(&decl, Rule::exception_kind)?.into_inner().next()?.as_rule() {
                    Rule::k_exemption => ItemKind::Exemption,
                    Rule::k_derogation => ItemKind::Derogation,
                    _ => ItemKind::Exception,
                };
                let targets = all(&first(&decl, Rule::targets)?, Rule::path).map(|p| self.ident(&p)).collect();
                (kind, self.ident(&first(&decl, Rule::ident)?), ItemHead::Targets(targets))
            }
            Rule::crosswalk_decl => {
                let from = self.ident(&first(&decl, Rule::path)?);
                let xw = self.crosswalk(&decl)?;
                (ItemKind::Crosswalk, from, ItemHead::Crosswalk(xw))
            }
            Rule::test_decl | Rule::provision_decl | Rule::heading_decl | Rule::item_decl => {
                let kind = match decl.as_rule() {
                    Rule::provision_decl => ItemKind::Provision,
                    Rule::heading_decl => ItemKind::Heading,
                    Rule::item_decl => ItemKind::CatalogItem,
                    _ => ItemKind::Test,
                };
                let t = self.text(&first(&decl, Rule::string)?);
                (kind, Ident { name: t.value, span: t.span }, ItemHead::None)
            }
            _ => return None,
        };
        Some(Item { docs, kind, name, head, clauses, span })
    }

    fn fact_type(&mut self, decl: &Pair<'_, Rule>) -> Option<FactType> {
        let p = decl.clone().into_inner().find(|p| {
            matches!(
                p.as_rule(),
                Rule::t_bool
                    | Rule::t_integer
                    | Rule::t_decimal
                    | Rule::t_text
                    | Rule::t_date
                    | Rule::t_duration
                    | Rule::t_enum
                    | Rule::t_set
            )
        })?;
        let unit = |b: &Self| first(&p, Rule::unit).map(|u| b.ident(&u));
        Some(match p.as_rule() {
            Rule::t_bool => FactType::Bool,
            Rule::t_integer => FactType::Integer(unit(self)),
            Rule::t_decimal => FactType::Decimal(unit(self)),
            Rule::t_text => FactType::Text,
            Rule::t_date => FactType::Date,
            Rule::t_duration => FactType::Duration,
            Rule::t_enum => FactType::Enum(self.variants(&p)),
            _ => FactType::Set(self.variants(&first(&p, Rule::t_enum)?)),
        })
    }

    fn variants(&self, pair: &Pair<'_, Rule>) -> Vec<Variant> {
        all(pair, Rule::variant)
            .filter_map(|v| {
                let name = self.ident(&first(&v, Rule::ident)?);
                let labels = all(&v, Rule::label)
                    .filter_map(|l| Some((self.ident(&first(&l, Rule::lang)?), self.text(&first(&l, Rule::string)?))))
                    .collect();
                Some(Variant { name, labels })
            })
            .collect()
    }

    fn crosswalk(&self, pair: &Pair<'_, Rule>) -> Option<Crosswalk> {
        let target_pair = first(pair, Rule::xw_target)?;
        let target = match first(&target_pair, Rule::xw_standard) {
            Some(s) => CrosswalkTarget::Standard {
                name: self.text(&first(&s, Rule::string)?),
                part: first(&s, Rule::std_part).and_then(|p| first(&p, Rule::string)).map(|t| self.text(&t)),
            },
            None => CrosswalkTarget::Rule(self.ident(&first(&target_pair, Rule::path)?)),
        };
        let relation = self.ident(&first(&first(pair, Rule::relation)?, Rule::ident)?);
        let source = first(pair, Rule::xw_source).and_then(|s| first(&s, Rule::string)).map(|t| self.text(&t));
        let confidence = self.confidence(pair);
        Some(Crosswalk { target, relation, source, confidence })
    }

    /// The word of a `confidence` part, if any.
    fn confidence(&self, pair: &Pair<'_, Rule>) -> Option<Ident> {
        first(pair, Rule::confidence).and_then(|c| first(&c, Rule::ident)).map(|i| self.ident(&i))
    }

    fn clauses(&mut self, pair: &Pair<'_, Rule>) -> Vec<Clause> {
        let mut out = Vec::new();
        for c in all(pair, Rule::clause) {
            let Some(body) = c.clone().into_inner().find(|p| p.as_rule() != Rule::doc) else { continue };
            match self.clause(&body) {
                Ok(kind) => out.push(Clause { docs: doc_lines(&c), kind, span: self.tight_span(&body) }),
                Err(d) => self.diags.push(*d),
            }
        }
        out
    }

    fn localized(&self, pair: &Pair<'_, Rule>) -> Built<Localized> {
        Ok(Localized {
            lang: self.ident(&self.need(pair, Rule::lang, "a language tag")?),
            text: self.text(&self.need(pair, Rule::string, "a quoted text")?),
            under: first(pair, Rule::under).and_then(|u| first(&u, Rule::ident)).map(|i| self.ident(&i)),
        })
    }

    fn dated(&self, pair: &Pair<'_, Rule>) -> Built<Dated> {
        Ok(Dated {
            date: self.date(&self.need(pair, Rule::date, "a date")?)?,
            condition: match first(pair, Rule::cond_if) {
                Some(c) => Some(self.expr(&self.need(&c, Rule::expr, "a condition")?)?),
                None => None,
            },
            under: first(pair, Rule::under).and_then(|u| first(&u, Rule::ident)).map(|i| self.ident(&i)),
            per: first(pair, Rule::per).and_then(|p| first(&p, Rule::string)).map(|t| self.text(&t)),
        })
    }

    /// The length of time in a clause (`valid for 12 months`, `every 12 months`).
    fn period(&self, pair: &Pair<'_, Rule>) -> Built<Expr> {
        let q = self.need(pair, Rule::quantity, "a length of time")?;
        Ok(Expr { kind: ExprKind::Number(self.quantity(&q)?), span: self.span(&q) })
    }

    fn cited(&self, pair: &Pair<'_, Rule>) -> Built<Cited> {
        Ok(Cited {
            expr: self.expr(&self.need(pair, Rule::expr, "a condition")?)?,
            per: first(pair, Rule::per).and_then(|p| first(&p, Rule::string)).map(|t| self.text(&t)),
        })
    }

    fn clause(&self, p: &Pair<'_, Rule>) -> Built<ClauseKind> {
        let expr = || self.expr(&self.need(p, Rule::expr, "a condition")?);
        Ok(match p.as_rule() {
            Rule::cite_c => ClauseKind::Cite(all(p, Rule::string).map(|s| self.text(&s)).collect()),
            Rule::binds_c => ClauseKind::Binds(all(p, Rule::path).map(|s| self.ident(&s)).collect()),
            Rule::title_c => ClauseKind::Title(self.localized(p)?),
            Rule::text_c => ClauseKind::Body(self.localized(p)?),
            Rule::question_c => ClauseKind::Question(self.localized(p)?),
            Rule::help_c => ClauseKind::Help(self.localized(p)?),
            Rule::penalty_c => ClauseKind::Penalty(self.localized(p)?),
            Rule::note_c => ClauseKind::Note(self.localized(p)?),
            Rule::when_c => ClauseKind::When(expr()?),
            Rule::unless_c => ClauseKind::Unless(expr()?),
            Rule::value_c => ClauseKind::Value(expr()?),
            Rule::gives_c => ClauseKind::Gives(expr()?),
            Rule::met_c => ClauseKind::Met(expr()?),
            Rule::from_c => ClauseKind::From(Box::new(self.dated(p)?)),
            Rule::until_c => ClauseKind::Until(Box::new(self.dated(p)?)),
            Rule::deemed_c => ClauseKind::Deemed(Box::new(self.cited(p)?)),
            Rule::presumed_c => ClauseKind::Presumed(Box::new(self.cited(p)?)),
            Rule::standard_c => ClauseKind::Standard(Box::new(StandardRef {
                name: self.text(&self.need(p, Rule::string, "a standard reference")?),
                part: first(p, Rule::std_part).and_then(|s| first(&s, Rule::string)).map(|t| self.text(&t)),
                relation: first(p, Rule::relation).and_then(|r| first(&r, Rule::ident)).map(|i| self.ident(&i)),
                confidence: self.confidence(p),
            })),
            Rule::crosswalk_c => ClauseKind::Crosswalk(Box::new(
                self.crosswalk(p).ok_or_else(|| self.missing(p, "a crosswalk target and relation"))?,
            )),
            Rule::label_c => ClauseKind::Label(self.ident(&self.need(p, Rule::ident, "a label")?)),
            Rule::severity_c => ClauseKind::Severity(self.ident(&self.need(p, Rule::ident, "a severity")?)),
            Rule::priority_c => {
                let n = self.need(p, Rule::number, "a whole number")?;
                let value = n.as_str().replace('_', "").parse::<u32>().map_err(|_| {
                    Diagnostic::error(
                        Code::BadLiteral,
                        self.span(&n),
                        "a priority is a whole number from 0 to 4294967295",
                    )
                    .label("not a whole number")
                    .help("write a whole number such as `priority 1`; higher numbers prevail")
                })?;
                ClauseKind::Priority(value)
            }
            Rule::valid_c => ClauseKind::ValidFor(self.period(p)?),
            Rule::family_c => ClauseKind::Family {
                name: self.ident(&self.need(p, Rule::path, "a family name")?),
                period: match first(p, Rule::quantity) {
                    Some(q) => Some(Expr { kind: ExprKind::Number(self.quantity(&q)?), span: self.span(&q) }),
                    None => None,
                },
            },
            Rule::phase_c => ClauseKind::Phase(all(p, Rule::ident).map(|i| self.ident(&i)).collect()),
            Rule::every_c => ClauseKind::Every(self.period(p)?),
            Rule::on_c => ClauseKind::On {
                event: self.ident(&self.need(p, Rule::path, "an event name")?),
                within: match first(p, Rule::quantity) {
                    Some(_) => Some(self.period(p)?),
                    None => None,
                },
            },
            Rule::effort_c => ClauseKind::Effort,
            Rule::informative_c => ClauseKind::Informative,
            Rule::metric_c => ClauseKind::Metric(self.localized(p)?),
            Rule::status_c => ClauseKind::Status(self.ident(&self.need(p, Rule::ident, "a status")?)),
            Rule::kind_c => ClauseKind::Kind(self.ident(&self.need(p, Rule::ident, "a kind of standard")?)),
            Rule::certifiable_c => ClauseKind::Certifiable,
            Rule::edition_c => ClauseKind::Edition(self.text(&self.need(p, Rule::string, "an edition")?)),
            Rule::verification_c => {
                ClauseKind::Verification(self.ident(&self.need(p, Rule::ident, "a verification level")?))
            }
            Rule::jurisdiction_c => {
                ClauseKind::Jurisdiction(self.ident(&self.need(p, Rule::jurisdiction_code, "a jurisdiction code")?))
            }
            Rule::version_c => ClauseKind::Version {
                name: self.ident(&self.need(p, Rule::ident, "a version name")?),
                label: self.text(&self.need(p, Rule::string, "a quoted label")?),
                in_force: self.date(&self.need(p, Rule::date, "a date")?)?,
            },
            Rule::source_c => ClauseKind::Source(self.text(&self.need(p, Rule::string, "a quoted source")?)),
            Rule::as_of_c => ClauseKind::AsOf(self.date(&self.need(p, Rule::date, "a date")?)?),
            Rule::given_c => ClauseKind::Given(self.given(p)?),
            Rule::expect_c => {
                let target = self.ident(&self.need(p, Rule::path, "a rule name")?);
                let o = p
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() != Rule::k_expect && x.as_rule() != Rule::path)
                    .ok_or_else(|| self.missing(p, "an outcome"))?;
                ClauseKind::Expect { target, outcome: outcome(&o), outcome_span: self.span(&o) }
            }
            Rule::examples_c => ClauseKind::Examples(self.table(p)?),
            _ => return Err(self.missing(p, "a clause")),
        })
    }

    fn table(&self, p: &Pair<'_, Rule>) -> Built<Table> {
        let header = self.need(p, Rule::ex_header, "a header row such as `| as_of | system.x | rule |`")?;
        let columns = all(&header, Rule::ex_column)
            .map(|c| {
                let inner = c.clone().into_inner().next().ok_or_else(|| self.missing(&c, "a column heading"))?;
                Ok(match inner.as_rule() {
                    Rule::k_as_of => Column::AsOf(self.span(&inner)),
                    Rule::ex_evidence => {
                        Column::Evidence(self.ident(&self.need(&inner, Rule::path, "an evidence name")?))
                    }
                    _ => Column::Name(self.ident(&inner)),
                })
            })
            .collect::<Built<Vec<Column>>>()?;
        let rows = all(p, Rule::ex_row)
            .map(|r| {
                let cells = all(&r, Rule::ex_cell)
                    .map(|c| {
                        let inner = c.clone().into_inner().next().ok_or_else(|| self.missing(&c, "a value"))?;
                        Ok(match inner.as_rule() {
                            Rule::ex_blank => Cell::Blank(self.span(&inner)),
                            Rule::value => {
                                let v =
                                    inner.clone().into_inner().next().ok_or_else(|| self.missing(&inner, "a value"))?;
                                Cell::Value(self.atom(&v)?.0)
                            }
                            _ => Cell::Outcome(outcome(&inner), self.span(&inner)),
                        })
                    })
                    .collect::<Built<Vec<Cell>>>()?;
                Ok(Row { cells, span: self.span(&r) })
            })
            .collect::<Built<Vec<Row>>>()?;
        Ok(Table { columns, rows })
    }

    fn given(&self, p: &Pair<'_, Rule>) -> Built<Given> {
        if let Some(e) = first(p, Rule::given_evidence) {
            let date_in = |rule| -> Built<Option<DateLit>> {
                first(&e, rule).and_then(|x| first(&x, Rule::date)).map(|d| self.date(&d)).transpose()
            };
            return Ok(Given::Evidence {
                name: self.ident(&self.need(&e, Rule::path, "an evidence name")?),
                dated: date_in(Rule::ev_dated)?,
                expires: date_in(Rule::ev_expires)?,
                reference: first(&e, Rule::ev_ref).and_then(|r| first(&r, Rule::string)).map(|s| self.text(&s)),
            });
        }
        let f = self.need(p, Rule::given_fact, "a fact and its value")?;
        let path = self.ident(&self.need(&f, Rule::path, "a fact name")?);
        let v = self.need(&f, Rule::value, "a value")?;
        let inner = v.clone().into_inner().next().ok_or_else(|| self.missing(&v, "a value"))?;
        Ok(Given::Fact { path, value: self.atom(&inner)?.0 })
    }

    // ---- Expressions ----

    /// Builds an expression, rejecting trees deeper than [`MAX_EXPR_DEPTH`].
    pub fn expr(&self, pair: &Pair<'_, Rule>) -> Built<Expr> {
        self.expr_d(pair).map(|(e, _)| e)
    }

    fn too_deep(&self, span: Span) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                Code::TooDeep,
                span,
                format!("this condition is nested more than {MAX_EXPR_DEPTH} levels deep"),
            )
            .label("too deep")
            .help("split the condition into named definitions (`define …`) and refer to them by name"),
        )
    }

    fn expr_d(&self, pair: &Pair<'_, Rule>) -> Built<(Expr, usize)> {
        // A run of prefix operators longer than the limit is refused at the first one past it
        // (pest's Pratt parser, which recursed once per prefix operator, was only called after
        // this count; the messages stay as they were).
        let mut run = 0usize;
        for p in pair.clone().into_inner() {
            if matches!(p.as_rule(), Rule::op_not | Rule::op_neg) {
                run += 1;
                if run > MAX_EXPR_DEPTH {
                    return Err(self.too_deep(self.span(&p)));
                }
            } else {
                run = 0;
            }
        }
        self.fold(pair.clone().into_inner())
    }

    fn checked(&self, e: Expr, depth: usize) -> Built<(Expr, usize)> {
        if depth > MAX_EXPR_DEPTH { Err(self.too_deep(e.span)) } else { Ok((e, depth)) }
    }

    /// Pest's Pratt algorithm (`PrattParserMap::parse`) over an expression's pairs, with a stack
    /// of its own instead of recursion: pest's recursed once per operand in `a + not a + not a …`
    /// and overflowed the thread's stack on a long one. The nodes are built in the same order
    /// and the first error is returned, as pest's returned it.
    fn fold<'i>(&self, pairs: Pairs<'i, Rule>) -> Built<(Expr, usize)> {
        /// An operator waiting for its right operand, and the binding power of the level it
        /// was read at.
        enum Pending<'i> {
            Prefix(Pair<'i, Rule>),
            Infix((Expr, usize), Pair<'i, Rule>),
        }
        let mut pairs = pairs.peekable();
        let mut stack: Vec<(Pending<'i>, u32)> = Vec::new();
        let mut rbp = 0;
        'operand: loop {
            let Some(pair) = pairs.next() else { return Err(self.missing_expr()) };
            let mut lhs = match binding(pair.as_rule()) {
                Some((Fix::Prefix, bp)) => {
                    stack.push((Pending::Prefix(pair), rbp));
                    rbp = bp - 1;
                    continue 'operand;
                }
                _ => self.atom(&pair)?,
            };
            loop {
                let next = pairs.peek().and_then(|p| binding(p.as_rule()));
                match next {
                    Some((fix, bp)) if rbp < bp => {
                        let Some(op) = pairs.next() else { return Err(self.missing_expr()) };
                        if fix == Fix::Infix {
                            stack.push((Pending::Infix(lhs, op), rbp));
                            rbp = bp;
                            continue 'operand;
                        }
                        lhs = self.postfix(lhs, &op)?;
                    }
                    _ => match stack.pop() {
                        None => return Ok(lhs),
                        Some((Pending::Prefix(op), outer)) => {
                            lhs = self.prefix(&op, lhs)?;
                            rbp = outer;
                        }
                        Some((Pending::Infix(l, op), outer)) => {
                            lhs = self.infix(l, &op, lhs)?;
                            rbp = outer;
                        }
                    },
                }
            }
        }
    }

    fn missing_expr(&self) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(Code::Syntax, Span::new(self.file, self.base, self.base), "expected a condition")
                .help("see docs/language.md for how each clause is written"),
        )
    }

    fn prefix(&self, op: &Pair<'_, Rule>, (r, d): (Expr, usize)) -> Built<(Expr, usize)> {
        let u = if op.as_rule() == Rule::op_not { UnaryOp::Not } else { UnaryOp::Neg };
        let span = self.span(op).to(r.span);
        self.checked(Expr { kind: ExprKind::Unary(u, Box::new(r)), span }, d + 1)
    }

    fn postfix(&self, (l, d): (Expr, usize), op: &Pair<'_, Rule>) -> Built<(Expr, usize)> {
        let o = match op.as_rule() {
            Rule::op_is_met => PostfixOp::IsMet,
            Rule::op_applies => PostfixOp::Applies,
            _ => PostfixOp::IsKnown,
        };
        let span = l.span.to(self.span(op));
        self.checked(Expr { kind: ExprKind::Postfix(o, Box::new(l)), span }, d + 1)
    }

    fn infix(&self, (l, dl): (Expr, usize), op: &Pair<'_, Rule>, (r, dr): (Expr, usize)) -> Built<(Expr, usize)> {
        let span = l.span.to(r.span);
        let nary = |l: Expr, r: Expr, is_and: bool| -> (ExprKind, usize) {
            let mut items = match l.kind {
                ExprKind::And(v) if is_and => v,
                ExprKind::Or(v) if !is_and => v,
                other => vec![Expr { kind: other, span: l.span }],
            };
            items.push(r);
            let kind = if is_and { ExprKind::And(items) } else { ExprKind::Or(items) };
            (kind, dl.max(dr + 1))
        };
        let (kind, depth) = match op.as_rule() {
            Rule::op_and => nary(l, r, true),
            Rule::op_or => nary(l, r, false),
            rule => {
                let b = match rule {
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    Rule::op_div => BinaryOp::Div,
                    Rule::op_in => BinaryOp::In,
                    Rule::op_not_in => BinaryOp::NotIn,
                    Rule::op_includes_any => BinaryOp::IncludesAny,
                    Rule::op_includes_all => BinaryOp::IncludesAll,
                    _ => BinaryOp::Includes,
                };
                (ExprKind::Binary(b, Box::new(l), Box::new(r)), dl.max(dr) + 1)
            }
        };
        self.checked(Expr { kind, span }, depth)
    }

    fn atom(&self, p: &Pair<'_, Rule>) -> Built<(Expr, usize)> {
        let span = self.span(p);
        let leaf = |kind| Ok((Expr { kind, span }, 1));
        match p.as_rule() {
            Rule::paren => self.expr_d(&self.need(p, Rule::expr, "a condition")?),
            Rule::set_lit => {
                let mut items = Vec::new();
                for e in p.clone().into_inner() {
                    items.push(self.atom(&e)?.0);
                }
                Ok((Expr { kind: ExprKind::Set(items), span }, 2))
            }
            Rule::evidence => {
                let name = self.ident(&self.need(p, Rule::path, "an evidence name")?);
                let max_age = match first(p, Rule::max_age) {
                    Some(m) => {
                        let q = self.need(&m, Rule::quantity, "a duration")?;
                        Some(Box::new(Expr { kind: ExprKind::Number(self.quantity(&q)?), span: self.span(&q) }))
                    }
                    None => None,
                };
                Ok((Expr { kind: ExprKind::Evidence { name, max_age }, span }, 2))
            }
            Rule::date => leaf(ExprKind::Date(self.date(p)?.date)),
            Rule::quantity => leaf(ExprKind::Number(self.quantity(p)?)),
            Rule::number => {
                leaf(ExprKind::Number(Number { raw: p.as_str().to_string(), value: self.number_value(p)?, unit: None }))
            }
            Rule::string => leaf(ExprKind::Text(self.text(p).value)),
            Rule::bool_lit => leaf(ExprKind::Bool(first(p, Rule::k_true).is_some())),
            Rule::unknown_lit => leaf(ExprKind::Unknown),
            Rule::as_of_lit => leaf(ExprKind::AsOf),
            Rule::path => leaf(ExprKind::Name(self.ident(p))),
            _ => Err(self.missing(p, "a value or a name")),
        }
    }
}

/// The outcome an `o_*` pair stands for.
fn outcome(o: &Pair<'_, Rule>) -> Outcome {
    match o.as_rule() {
        Rule::o_true => Outcome::True,
        Rule::o_false => Outcome::False,
        Rule::o_unknown => Outcome::Unknown,
        Rule::o_met => Outcome::Met,
        Rule::o_not_met => Outcome::NotMet,
        Rule::o_applies => Outcome::Applies,
        Rule::o_not_applicable => Outcome::NotApplicable,
        _ => Outcome::NotInForce,
    }
}
