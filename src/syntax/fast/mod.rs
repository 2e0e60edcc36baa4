//! A hand-written parser for the common case: a chunk that the pest grammar
//! (`grammar/norma.pest`) accepts and the builder (`build.rs`) turns into a tree without a
//! diagnostic. It produces exactly the tree the pest path produces, spans included, and gives up
//! (`None`) on anything else, so that the pest path, which stays the normative grammar, reads
//! every chunk with a problem and reports it in its own words.
//!
//! It is a recursive descent that follows the grammar rule by rule, as a PEG does: ordered
//! choices, greedy repetitions, implicit whitespace and comments between the tokens of
//! non-atomic rules, and backtracking to a saved [`Mark`] where a rule fails. Expressions are
//! read into a flat list of operators and operands, as pest's pairs are, and then folded by a
//! Pratt parser with pest's precedence table and the builder's node rules (`build.rs`).
//!
//! Spans follow pest's: a clause, a declaration and the header end where their last pair ends
//! (the builder's `tight_span`), which is tracked as `leaf_end`; `evidence NAME` and `use` end
//! after the whitespace that pest skipped before an optional part that was absent.
//!
//! Recursion is bounded (brackets are prescanned to `MAX_NESTING`; the Pratt parser gives up past
//! `MAX_EXPR_DEPTH`), and the work is linear: a failed alternative is abandoned at its first
//! token or at the end of a bracket.

mod expr;
mod lex;

use super::ast::*;
use super::build::HeaderChunk;
use crate::source::{FileId, Span};

/// Chunks longer than this go to the pest path, whose call limit (`limits::MAX_PARSER_CALLS`) a
/// chunk of several megabytes can reach: the fast path must not accept what pest refuses. The
/// densest valid text measured takes pest about 140 calls per byte (`{0,0,0,…}`, rows of numbers
/// in a table; an `and` chain takes 20), so a chunk of this size takes at most about 18 million
/// calls, well under the limit (tested).
pub(super) const MAX_CHUNK_BYTES: usize = 128 * 1024;

/// What the fast path made of a chunk.
#[derive(Debug, PartialEq)]
pub(super) enum Chunk {
    /// The first chunk: header, imports and any declarations before the first in column 1.
    Header(HeaderChunk),
    /// A later chunk's declarations.
    Items(Vec<Item>),
}

/// Room the parser reuses from chunk to chunk of a file.
#[derive(Default)]
pub(super) struct Scratch {
    toks: Vec<expr::Tok>,
}

/// Reads one chunk (`header` for the first). `None`: the pest path must read it.
pub(super) fn parse_chunk(
    file: FileId,
    base: usize,
    chunk: &str,
    header: bool,
    scratch: &mut Scratch,
) -> Option<Chunk> {
    if chunk.len() > MAX_CHUNK_BYTES {
        return None;
    }
    let mut p = Parser {
        src: chunk,
        b: chunk.as_bytes(),
        pos: 0,
        file,
        base,
        leaf_end: 0,
        reserved: 0,
        bad: 0,
        gave_up: false,
        nesting: 0,
        toks: std::mem::take(&mut scratch.toks),
        last_word: std::cell::Cell::new((usize::MAX, 0)),
    };
    let out = if header { p.file_header().map(Chunk::Header) } else { p.items_chunk().map(Chunk::Items) };
    p.toks.clear();
    scratch.toks = p.toks;
    if p.gave_up || p.reserved > 0 || p.bad > 0 {
        return None;
    }
    out
}

/// The parser's state over one chunk.
pub(super) struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    /// Byte offset in the chunk.
    pos: usize,
    file: FileId,
    /// The chunk's offset in the file.
    base: usize,
    /// Where the last leaf pair pest would have made ends.
    leaf_end: usize,
    /// Names read as `ident` that are reserved words (pest's path refuses them after parsing).
    reserved: u32,
    /// Literals the builder would refuse (no such day, a number out of range, a bad priority).
    bad: u32,
    /// Set when the fast path stops for good (an expression too deep, recursion too deep).
    gave_up: bool,
    /// Depth of nested expressions (brackets).
    nesting: usize,
    /// The pairs of the expressions being read, innermost last (see `expr.rs`).
    toks: Vec<expr::Tok>,
    /// The start and end of the word last looked at (`word_end`).
    last_word: std::cell::Cell<(usize, usize)>,
}

/// A saved state to backtrack to.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    leaf_end: usize,
    reserved: u32,
    bad: u32,
}

impl Parser<'_> {
    fn mark(&self) -> Mark {
        Mark { pos: self.pos, leaf_end: self.leaf_end, reserved: self.reserved, bad: self.bad }
    }

    fn restore(&mut self, m: Mark) {
        self.pos = m.pos;
        self.leaf_end = m.leaf_end;
        self.reserved = m.reserved;
        self.bad = m.bad;
    }

    /// Runs `f`; where it fails, backtracks to where it started.
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let m = self.mark();
        let out = f(self);
        if out.is_none() {
            self.restore(m);
        }
        out
    }

    /// `X*` after a token: each `X` preceded by implicit whitespace; stops where one fails.
    fn repeat<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        // The tree lives while the policy is checked: no room kept for more. Most repetitions
        // have none or one or two, which get exactly their room.
        let Some(first) = self.once_more(&mut f) else { return Vec::new() };
        let Some(second) = self.once_more(&mut f) else { return vec![first] };
        let mut out = vec![first, second];
        while let Some(x) = self.once_more(&mut f) {
            out.push(x);
        }
        out.shrink_to_fit();
        out
    }

    /// One more `X` of `X*`, after implicit whitespace; where it fails, backtracks.
    fn once_more<T>(&mut self, f: &mut impl FnMut(&mut Self) -> Option<T>) -> Option<T> {
        if self.gave_up {
            return None;
        }
        let m = self.mark();
        self.skip();
        let x = f(self);
        if x.is_none() {
            self.restore(m);
        }
        x
    }

    /// `X?` after a token.
    fn optional<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.attempt(|p| {
            p.skip();
            f(p)
        })
    }

    /// `"," ~ X` repeated after a first `X`.
    fn comma_list<T>(&mut self, first: T, mut f: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let mut out = vec![first];
        out.extend(self.repeat(|p| {
            if !p.lit(b',') {
                return None;
            }
            p.skip();
            f(p)
        }));
        out
    }

    /// The span from `start` to the end of the last pair read since (the builder's `tight_span`).
    fn tight(&self, start: usize) -> Span {
        self.span(start, self.leaf_end.max(start))
    }

    fn at_end(&mut self) -> bool {
        self.skip();
        self.pos == self.b.len()
    }

    // ---- Entry points ----

    /// `file_header`.
    fn file_header(&mut self) -> Option<HeaderChunk> {
        self.skip();
        let docs = self.docs();
        self.skip();
        let header = self.header()?;
        let uses = self.repeat(Self::use_decl);
        let items = self.repeat(Self::item);
        self.at_end().then_some(HeaderChunk { docs, header, uses, items })
    }

    /// `items`.
    fn items_chunk(&mut self) -> Option<Vec<Item>> {
        let items = self.repeat(Self::item);
        self.at_end().then_some(items)
    }

    /// `header`.
    fn header(&mut self) -> Option<Header> {
        let start = self.pos;
        let kind = match self.word() {
            "instrument" => ModuleKind::Instrument,
            "guidance" => ModuleKind::Guidance,
            "vocabulary" => ModuleKind::Vocabulary,
            "catalog" => ModuleKind::Catalog,
            "part" => ModuleKind::Part,
            _ => return None,
        };
        if kind == ModuleKind::Part {
            self.kw("part");
            self.skip();
            if !self.kw("of") {
                return None;
            }
        } else {
            self.kw(kind.keyword());
        }
        self.skip();
        let id = self.path()?;
        let clauses = self.repeat(Self::clause);
        Some(Header { kind, id, clauses, span: self.tight(start) })
    }

    /// `use_decl`. Without an alias its span takes in the whitespace after the module's name.
    fn use_decl(&mut self) -> Option<Use> {
        let start = self.pos;
        let docs = self.docs();
        self.skip();
        if !self.kw("use") {
            return None;
        }
        self.skip();
        let module = self.path()?;
        self.skip();
        let alias = self.attempt(|p| {
            if !p.kw("as") {
                return None;
            }
            p.skip();
            p.ident()
        });
        Some(Use { docs, module, alias, span: self.span(start, self.pos) })
    }

    // ---- Items ----

    /// `item`.
    fn item(&mut self) -> Option<Item> {
        let docs = self.docs();
        self.skip();
        let start = self.pos;
        let word = self.word();
        let (kind, name, head) = match word {
            "fact" => {
                self.take_word(word);
                self.skip();
                let name = self.path()?;
                self.skip();
                if !self.lit(b':') {
                    return None;
                }
                self.skip();
                (ItemKind::Fact, name, ItemHead::Fact(self.fact_type()?))
            }
            "define" | "role" | "evidence" | "family" | "event" | "obligation" | "prohibition" => {
                let kind = match word {
                    "define" => ItemKind::Define,
                    "role" => ItemKind::Role,
                    "evidence" => ItemKind::Evidence,
                    "family" => ItemKind::Family,
                    "event" => ItemKind::Event,
                    "obligation" => ItemKind::Obligation,
                    _ => ItemKind::Prohibition,
                };
                self.take_word(word);
                self.skip();
                (kind, self.ident()?, ItemHead::None)
            }
            "exception" | "exemption" | "derogation" => {
                let kind = match word {
                    "exception" => ItemKind::Exception,
                    "exemption" => ItemKind::Exemption,
                    _ => ItemKind::Derogation,
                };
                self.take_word(word);
                self.skip();
                let name = self.ident()?;
                self.skip();
                if !self.kw("to") {
                    return None;
                }
                self.skip();
                let first = self.path()?;
                let targets = self.comma_list(first, Self::path);
                (kind, name, ItemHead::Targets(targets))
            }
            "crosswalk" => {
                self.take_word(word);
                self.skip();
                let from = self.path()?;
                self.skip();
                if !self.kw("to") {
                    return None;
                }
                self.skip();
                (ItemKind::Crosswalk, from, ItemHead::Crosswalk(self.crosswalk_rest()?))
            }
            "test" | "provision" | "heading" | "item" => {
                let kind = match word {
                    "test" => ItemKind::Test,
                    "provision" => ItemKind::Provision,
                    "item" => ItemKind::CatalogItem,
                    _ => ItemKind::Heading,
                };
                self.take_word(word);
                self.skip();
                let t = self.string()?;
                (kind, Ident { name: t.value, span: t.span }, ItemHead::None)
            }
            _ => return None,
        };
        let clauses = self.repeat(Self::clause);
        Some(Item { docs, kind, name, head, clauses, span: self.tight(start) })
    }

    /// `fact_type`.
    fn fact_type(&mut self) -> Option<FactType> {
        let word = self.word();
        match word {
            "set" => {
                self.kw("set");
                self.skip();
                if !self.kw("of") {
                    return None;
                }
                self.skip();
                Some(FactType::Set(self.t_enum()?))
            }
            "enum" => Some(FactType::Enum(self.t_enum()?)),
            "bool" | "text" | "date" | "duration" => {
                self.take_word(word);
                Some(match word {
                    "bool" => FactType::Bool,
                    "text" => FactType::Text,
                    "date" => FactType::Date,
                    _ => FactType::Duration,
                })
            }
            "integer" | "decimal" => {
                self.take_word(word);
                let unit = self.optional(Self::unit);
                Some(if word == "integer" { FactType::Integer(unit) } else { FactType::Decimal(unit) })
            }
            _ => None,
        }
    }

    /// `t_enum`: `enum { variant, … [,] }`.
    fn t_enum(&mut self) -> Option<Vec<Variant>> {
        if !self.kw("enum") {
            return None;
        }
        self.skip();
        if !self.lit(b'{') {
            return None;
        }
        self.skip();
        let first = self.variant()?;
        let variants = self.comma_list(first, Self::variant);
        self.optional(|p| p.lit(b',').then_some(()));
        self.skip();
        self.lit(b'}').then_some(variants)
    }

    /// `variant`: a name and its labels.
    fn variant(&mut self) -> Option<Variant> {
        let name = self.ident()?;
        let labels = self.repeat(|p| {
            let lang = p.lang()?;
            p.skip();
            Some((lang, p.string()?))
        });
        Some(Variant { name, labels })
    }

    /// What follows `to` in a crosswalk: `xw_target ~ relation ~ xw_source? ~ confidence?`.
    fn crosswalk_rest(&mut self) -> Option<Crosswalk> {
        let target = match self.attempt(|p| {
            if !p.kw("standard") {
                return None;
            }
            p.skip();
            let name = p.string()?;
            let part = p.optional(Self::std_part);
            Some(CrosswalkTarget::Standard { name, part })
        }) {
            Some(t) => t,
            None => CrosswalkTarget::Rule(self.path()?),
        };
        self.skip();
        let relation = self.relation()?;
        let source = self.optional(|p| {
            p.kw_then("source")?;
            p.string()
        });
        let confidence = self.optional(Self::confidence);
        Some(Crosswalk { target, relation, source, confidence })
    }

    /// `confidence`: `confidence NAME`.
    fn confidence(&mut self) -> Option<Ident> {
        self.kw_then("confidence")?;
        self.ident()
    }

    /// `std_part`: `clause "…"`.
    fn std_part(&mut self) -> Option<Text> {
        if !self.kw("clause") {
            return None;
        }
        self.skip();
        self.string()
    }

    /// `relation`: `relation NAME`.
    fn relation(&mut self) -> Option<Ident> {
        if !self.kw("relation") {
            return None;
        }
        self.skip();
        self.ident()
    }

    // ---- Clauses ----

    /// `clause`.
    fn clause(&mut self) -> Option<Clause> {
        let docs = self.docs();
        self.skip();
        let start = self.pos;
        let kind = self.clause_body()?;
        Some(Clause { docs, kind, span: self.tight(start) })
    }

    /// `keyword ~ X` where [`Self::word`] read the keyword: the keyword, then implicit whitespace.
    fn word_then(&mut self, word: &str) {
        self.take_word(word);
        self.skip();
    }

    /// `keyword ~ X`: the keyword, then implicit whitespace.
    fn kw_then(&mut self, word: &str) -> Option<()> {
        if self.kw(word) {
            self.skip();
            Some(())
        } else {
            None
        }
    }

    fn localized(&mut self, with_under: bool) -> Option<Localized> {
        let lang = self.lang()?;
        self.skip();
        let text = self.string()?;
        let under = if with_under { self.optional(Self::under) } else { None };
        Some(Localized { lang, text, under })
    }

    /// `under`: `under VERSION`.
    fn under(&mut self) -> Option<Ident> {
        self.kw_then("under")?;
        self.ident()
    }

    /// `per`: `per "…"`.
    fn per(&mut self) -> Option<Text> {
        self.kw_then("per")?;
        self.string()
    }

    /// `from_c` and `until_c` after the keyword.
    fn dated(&mut self) -> Option<Dated> {
        let date = self.date()?;
        let condition = self.optional(|p| {
            p.kw_then("if")?;
            p.expr()
        });
        let under = self.optional(Self::under);
        let per = self.optional(Self::per);
        Some(Dated { date, condition, under, per })
    }

    /// `met ~ when ~ expr ~ per?` of `deemed_c` and `presumed_c`.
    fn cited(&mut self) -> Option<Cited> {
        self.kw_then("met")?;
        self.kw_then("when")?;
        let expr = self.expr()?;
        let per = self.optional(Self::per);
        Some(Cited { expr, per })
    }

    /// A quantity as an expression (`valid for`, `every`, `within`, `family NAME PERIOD`).
    fn period(&mut self) -> Option<Expr> {
        let (n, span) = self.quantity()?;
        Some(Expr { kind: ExprKind::Number(n), span })
    }

    /// `clause_body`: the first word tells which clause it can be.
    fn clause_body(&mut self) -> Option<ClauseKind> {
        if self.at(self.pos) == Some(b'=') {
            self.pos += 1;
            self.skip();
            return Some(ClauseKind::Value(self.expr()?));
        }
        let word = self.word();
        Some(match word {
            "cite" => {
                self.word_then(word);
                let first = self.string()?;
                ClauseKind::Cite(self.comma_list(first, Self::string))
            }
            "binds" => {
                self.word_then(word);
                let first = self.path()?;
                ClauseKind::Binds(self.comma_list(first, Self::path))
            }
            "title" | "text" | "penalty" => {
                self.word_then(word);
                let l = self.localized(true)?;
                match word {
                    "title" => ClauseKind::Title(l),
                    "text" => ClauseKind::Body(l),
                    _ => ClauseKind::Penalty(l),
                }
            }
            "question" | "help" | "note" | "metric" => {
                self.word_then(word);
                let l = self.localized(false)?;
                match word {
                    "question" => ClauseKind::Question(l),
                    "help" => ClauseKind::Help(l),
                    "note" => ClauseKind::Note(l),
                    _ => ClauseKind::Metric(l),
                }
            }
            "when" | "unless" | "gives" => {
                self.word_then(word);
                let e = self.expr()?;
                match word {
                    "when" => ClauseKind::When(e),
                    "unless" => ClauseKind::Unless(e),
                    _ => ClauseKind::Gives(e),
                }
            }
            "from" => {
                self.word_then(word);
                ClauseKind::From(Box::new(self.dated()?))
            }
            "until" => {
                self.word_then(word);
                ClauseKind::Until(Box::new(self.dated()?))
            }
            "met" => {
                self.word_then(word);
                self.kw_then("when")?;
                ClauseKind::Met(self.expr()?)
            }
            "deemed" => {
                self.word_then(word);
                ClauseKind::Deemed(Box::new(self.cited()?))
            }
            "presumed" => {
                self.word_then(word);
                ClauseKind::Presumed(Box::new(self.cited()?))
            }
            "standard" => {
                self.word_then(word);
                let name = self.string()?;
                let part = self.optional(Self::std_part);
                let relation = self.optional(Self::relation);
                let confidence = self.optional(Self::confidence);
                ClauseKind::Standard(Box::new(StandardRef { name, part, relation, confidence }))
            }
            "crosswalk" => {
                self.word_then(word);
                ClauseKind::Crosswalk(Box::new(self.crosswalk_rest()?))
            }
            "severity" | "label" | "status" | "verification" | "kind" => {
                self.word_then(word);
                let i = self.ident()?;
                match word {
                    "severity" => ClauseKind::Severity(i),
                    "label" => ClauseKind::Label(i),
                    "status" => ClauseKind::Status(i),
                    "kind" => ClauseKind::Kind(i),
                    _ => ClauseKind::Verification(i),
                }
            }
            "priority" => {
                self.word_then(word);
                let n = self.number()?;
                let value = n.raw.replace('_', "").parse::<u32>().unwrap_or_else(|_| {
                    self.bad += 1;
                    0
                });
                ClauseKind::Priority(value)
            }
            "valid" => {
                self.word_then(word);
                self.kw_then("for")?;
                ClauseKind::ValidFor(self.period()?)
            }
            "jurisdiction" => {
                self.word_then(word);
                ClauseKind::Jurisdiction(self.jurisdiction_code()?)
            }
            "version" => {
                self.word_then(word);
                let name = self.ident()?;
                self.skip();
                let label = self.string()?;
                self.skip();
                self.kw_then("in_force")?;
                ClauseKind::Version { name, label, in_force: self.date()? }
            }
            "source" => {
                self.word_then(word);
                ClauseKind::Source(self.string()?)
            }
            "edition" => {
                self.word_then(word);
                ClauseKind::Edition(self.string()?)
            }
            "as_of" => {
                self.word_then(word);
                ClauseKind::AsOf(self.date()?)
            }
            "given" => {
                self.word_then(word);
                ClauseKind::Given(self.given()?)
            }
            "expect" => {
                self.word_then(word);
                let target = self.path()?;
                self.skip();
                let (outcome, outcome_span) = self.outcome()?;
                ClauseKind::Expect { target, outcome, outcome_span }
            }
            "family" => {
                self.word_then(word);
                let name = self.path()?;
                ClauseKind::Family { name, period: self.optional(Self::period) }
            }
            "phase" => {
                self.word_then(word);
                let first = self.ident()?;
                ClauseKind::Phase(self.comma_list(first, Self::ident))
            }
            "every" => {
                self.word_then(word);
                ClauseKind::Every(self.period()?)
            }
            "on" => {
                self.word_then(word);
                let event = self.path()?;
                let within = self.optional(|p| {
                    p.kw_then("within")?;
                    p.period()
                });
                ClauseKind::On { event, within }
            }
            "effort" => {
                self.take_word(word);
                ClauseKind::Effort
            }
            "informative" => {
                self.take_word(word);
                ClauseKind::Informative
            }
            "certifiable" => {
                self.take_word(word);
                ClauseKind::Certifiable
            }
            "examples" => {
                self.word_then(word);
                ClauseKind::Examples(self.table()?)
            }
            _ => return None,
        })
    }

    /// `given_evidence | given_fact`.
    fn given(&mut self) -> Option<Given> {
        let evidence = self.attempt(|p| {
            p.kw_then("evidence")?;
            let name = p.path()?;
            let dated = p.optional(|p| {
                p.kw_then("dated")?;
                p.date()
            });
            let expires = p.optional(|p| {
                p.kw_then("expires")?;
                p.date()
            });
            let reference = p.optional(|p| {
                p.kw_then("ref")?;
                p.string()
            });
            Some(Given::Evidence { name, dated, expires, reference })
        });
        if evidence.is_some() {
            return evidence;
        }
        let path = self.path()?;
        self.skip();
        if !self.lit(b'=') {
            return None;
        }
        self.skip();
        Some(Given::Fact { path, value: self.value()? })
    }

    /// `outcome`, with the span of its pair.
    fn outcome(&mut self) -> Option<(Outcome, Span)> {
        self.attempt(|p| {
            let start = p.pos;
            let word = p.word();
            let o = match word {
                "not" => {
                    p.word_then(word);
                    if p.kw("met") {
                        Outcome::NotMet
                    } else if p.kw("applicable") {
                        Outcome::NotApplicable
                    } else {
                        p.kw_then("in")?;
                        p.kw("force").then_some(Outcome::NotInForce)?
                    }
                }
                "met" => Outcome::Met,
                "applies" => Outcome::Applies,
                "true" => Outcome::True,
                "false" => Outcome::False,
                "unknown" => Outcome::Unknown,
                _ => return None,
            };
            if word != "not" {
                p.take_word(word);
            }
            Some((o, p.span(start, p.pos)))
        })
    }

    /// `examples_c` after the keyword: `ex_header ~ ex_row*`.
    fn table(&mut self) -> Option<Table> {
        let columns = self.bars(|p| {
            let start = p.pos;
            if p.kw("as_of") {
                return Some(Column::AsOf(p.span(start, p.pos)));
            }
            let evidence = p.attempt(|p| {
                p.kw_then("evidence")?;
                p.path()
            });
            match evidence {
                Some(name) => Some(Column::Evidence(name)),
                None => p.path().map(Column::Name),
            }
        })?;
        let rows = self.repeat(|p| {
            let start = p.pos;
            let cells = p.bars(Self::cell)?;
            Some(Row { cells, span: p.span(start, p.pos) })
        });
        Some(Table { columns, rows })
    }

    /// `"|" ~ (X ~ "|")+`. Pest reads `Y+` as `Y ~ Y*`, with whitespace between that stays
    /// read when no second `Y` follows: a row of one cell ends after the whitespace after it.
    fn bars<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        if !self.lit(b'|') {
            return None;
        }
        self.skip();
        let cell = |p: &mut Self, f: &mut dyn FnMut(&mut Self) -> Option<T>| {
            let x = f(p)?;
            p.skip();
            p.lit(b'|').then_some(x)
        };
        let first = cell(self, &mut f)?;
        let mut out = vec![first];
        self.skip();
        out.extend(self.repeat(|p| cell(p, &mut f)));
        Some(out)
    }

    /// `ex_cell`: `ex_blank | outcome | value`.
    fn cell(&mut self) -> Option<Cell> {
        let start = self.pos;
        if self.leaf_lit("-") {
            return Some(Cell::Blank(self.span(start, self.pos)));
        }
        if let Some((o, span)) = self.outcome() {
            return Some(Cell::Outcome(o, span));
        }
        self.value().map(Cell::Value)
    }
}

#[cfg(test)]
mod tests;
