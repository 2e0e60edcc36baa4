//! The syntax tree: what a policy file says, with a span on every part. Names are not resolved
//! yet; that is the checker's job.

use crate::source::Span;
use serde::{Deserialize, Serialize};

/// A name with its place in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A text literal, unescaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The value with escapes resolved.
    pub value: String,
    /// Where the literal (with its quotes) is written.
    pub span: Span,
}

/// A calendar date literal (`2026-08-02`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateLit {
    /// The date.
    pub date: jiff::civil::Date,
    /// Where it is written.
    pub span: Span,
}

/// One policy file.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// Doc comments before the header.
    pub docs: Vec<String>,
    /// `instrument`, `guidance`, `vocabulary` or `catalog`, with its id and clauses.
    pub header: Header,
    /// `use` imports.
    pub uses: Vec<Use>,
    /// Declarations in source order.
    pub items: Vec<Item>,
    /// Plain `//` comments, kept for the formatter.
    pub comments: Vec<Comment>,
}

/// A `//` comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// The comment text including `//`, without the line break.
    pub text: String,
    /// Where it is.
    pub span: Span,
    /// Whether code precedes it on its line.
    pub trailing: bool,
}

/// What a module is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleKind {
    /// A law or other instrument, with norms.
    Instrument,
    /// Requirements that are not law (standards-based good practice a buyer may opt into), with
    /// norms but no jurisdiction: never assessed as a jurisdiction, only used by procurement.
    Guidance,
    /// Shared facts, roles, evidence and definitions.
    Vocabulary,
    /// The clauses and controls of one standard (`item` declarations), against which `standard`
    /// clauses and crosswalks to that standard are checked.
    Catalog,
    /// More declarations of a module declared in another file (`part of eu.ai_act`), so a long
    /// instrument can be kept one file per chapter.
    Part,
}

impl ModuleKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            ModuleKind::Instrument => "instrument",
            ModuleKind::Guidance => "guidance",
            ModuleKind::Vocabulary => "vocabulary",
            ModuleKind::Catalog => "catalog",
            ModuleKind::Part => "part of",
        }
    }
}

/// The module header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Instrument, guidance, vocabulary or part.
    pub kind: ModuleKind,
    /// Dotted module id, e.g. `eu.ai_act`.
    pub id: Ident,
    /// Title, jurisdiction, versions, source.
    pub clauses: Vec<Clause>,
    /// The header's span (keyword to last clause).
    pub span: Span,
}

/// `use MODULE [as ALIAS]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    /// Doc comments.
    pub docs: Vec<String>,
    /// The module imported.
    pub module: Ident,
    /// An optional short name.
    pub alias: Option<Ident>,
    /// Whole declaration.
    pub span: Span,
}

/// The kinds of declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ItemKind {
    /// `fact`
    Fact,
    /// `define`
    Define,
    /// `role`
    Role,
    /// `evidence`
    Evidence,
    /// `family`: a kind of duty that several laws impose, so their norms can be read together.
    Family,
    /// `event`: something that happens in a system's life and triggers duties (a serious
    /// incident, a substantial modification).
    Event,
    /// `obligation`
    Obligation,
    /// `prohibition`
    Prohibition,
    /// `exception`
    Exception,
    /// `exemption`
    Exemption,
    /// `derogation`
    Derogation,
    /// `crosswalk`
    Crosswalk,
    /// `test`
    Test,
    /// `provision "Art. 2(4)"`: what the ledger says of one provision (its status when no rule
    /// encodes it, notes, verification).
    Provision,
    /// `heading "Art. 5"`: a heading of the ledger, covering the provisions from that one to the
    /// next heading.
    Heading,
    /// `item "A.6.2.8"`: one clause or control of the standard a catalog describes.
    CatalogItem,
}

impl ItemKind {
    /// The keyword that introduces it.
    pub fn keyword(self) -> &'static str {
        match self {
            ItemKind::Fact => "fact",
            ItemKind::Define => "define",
            ItemKind::Role => "role",
            ItemKind::Evidence => "evidence",
            ItemKind::Family => "family",
            ItemKind::Event => "event",
            ItemKind::Obligation => "obligation",
            ItemKind::Prohibition => "prohibition",
            ItemKind::Exception => "exception",
            ItemKind::Exemption => "exemption",
            ItemKind::Derogation => "derogation",
            ItemKind::Crosswalk => "crosswalk",
            ItemKind::Test => "test",
            ItemKind::Provision => "provision",
            ItemKind::Heading => "heading",
            ItemKind::CatalogItem => "item",
        }
    }

    /// The kind in plain words ("definition" for `define`).
    pub fn noun(self) -> &'static str {
        match self {
            ItemKind::Define => "definition",
            ItemKind::Family => "obligation family",
            ItemKind::CatalogItem => "catalog item",
            other => other.keyword(),
        }
    }

    /// Obligations and prohibitions.
    pub fn is_norm(self) -> bool {
        matches!(self, ItemKind::Obligation | ItemKind::Prohibition)
    }

    /// Exceptions, exemptions and derogations: rules written apart from the rule they modify.
    pub fn is_exception(self) -> bool {
        matches!(self, ItemKind::Exception | ItemKind::Exemption | ItemKind::Derogation)
    }
}

/// One declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Doc comments before it.
    pub docs: Vec<String>,
    /// Which kind.
    pub kind: ItemKind,
    /// Its name (for a test, the quoted title; for a crosswalk, its source rule; for a provision
    /// or a heading, the quoted citation; for a catalog item, its quoted identifier).
    pub name: Ident,
    /// Kind-specific header parts.
    pub head: ItemHead,
    /// Clauses in source order.
    pub clauses: Vec<Clause>,
    /// The whole declaration.
    pub span: Span,
}

/// The part of a declaration's first line that depends on its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemHead {
    /// Nothing beyond the name.
    None,
    /// `fact NAME : TYPE`.
    Fact(FactType),
    /// `exception NAME to TARGET, …`.
    Targets(Vec<Ident>),
    /// `crosswalk FROM to TARGET relation REL [source "…"]`.
    Crosswalk(Crosswalk),
}

/// A fact's declared type.
#[derive(Debug, Clone, PartialEq)]
pub enum FactType {
    /// `bool`
    Bool,
    /// `integer [UNIT]`
    Integer(Option<Ident>),
    /// `decimal [UNIT]`
    Decimal(Option<Ident>),
    /// `text`
    Text,
    /// `date`
    Date,
    /// `duration`
    Duration,
    /// `enum { … }`
    Enum(Vec<Variant>),
    /// `set of enum { … }`
    Set(Vec<Variant>),
}

/// One enumeration value with optional labels per language.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The value's name.
    pub name: Ident,
    /// `en "…"`, `ko "…"` labels.
    pub labels: Vec<(Ident, Text)>,
}

/// Where a crosswalk points.
#[derive(Debug, Clone, PartialEq)]
pub enum CrosswalkTarget {
    /// Another rule, by (possibly qualified) name.
    Rule(Ident),
    /// A standard, optionally a clause of it.
    Standard {
        /// The standard's reference, e.g. `ISO/IEC 42001:2023`.
        name: Text,
        /// A clause or control, e.g. `6.1.2`.
        part: Option<Text>,
    },
}

/// A `standard` clause: a standard (or a clause of it) a rule points to.
#[derive(Debug, Clone, PartialEq)]
pub struct StandardRef {
    /// The standard.
    pub name: Text,
    /// A clause of it.
    pub part: Option<Text>,
    /// How it relates.
    pub relation: Option<Ident>,
    /// `high`, `medium` or `low`: how sure the correspondence is.
    pub confidence: Option<Ident>,
}

/// A correspondence between two rules or a rule and a standard.
#[derive(Debug, Clone, PartialEq)]
pub struct Crosswalk {
    /// Where it points.
    pub target: CrosswalkTarget,
    /// `equivalent`, `partial`, `stricter`, `weaker` or `related`.
    pub relation: Ident,
    /// The source of the correspondence.
    pub source: Option<Text>,
    /// `high`, `medium` or `low`: how sure the correspondence is.
    pub confidence: Option<Ident>,
}

/// A localized text: `title en "…" [under VERSION]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Localized {
    /// Language tag (`en`, `ko`, …).
    pub lang: Ident,
    /// The text.
    pub text: Text,
    /// The instrument version from which this wording applies.
    pub under: Option<Ident>,
}

/// `from DATE [if COND] [under VERSION] [per "CITE"]` (or `until`).
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    /// The date.
    pub date: DateLit,
    /// Only when this holds (e.g. the classification path).
    pub condition: Option<Expr>,
    /// Only under this version of the instrument.
    pub under: Option<Ident>,
    /// The provision that sets the date.
    pub per: Option<Text>,
}

/// A condition with an optional citation: `deemed met when … per "…"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cited {
    /// The condition.
    pub expr: Expr,
    /// The provision.
    pub per: Option<Text>,
}

/// A value given to a fact in a test.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// `given PATH = VALUE`
    Fact {
        /// The fact.
        path: Ident,
        /// Its value (a literal, an enumeration value or a set).
        value: Expr,
    },
    /// `given evidence NAME [dated D] [expires D] [ref "…"]`
    Evidence {
        /// The evidence kind.
        name: Ident,
        /// When it was produced.
        dated: Option<DateLit>,
        /// When it stops being valid.
        expires: Option<DateLit>,
        /// A reference to the document.
        reference: Option<Text>,
    },
}

/// The outcome a test expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// A definition holds.
    True,
    /// A definition does not hold.
    False,
    /// The facts do not decide it.
    Unknown,
    /// A norm applies.
    Applies,
    /// A norm does not apply.
    NotApplicable,
    /// A norm applies and is met.
    Met,
    /// A norm applies and is not met.
    NotMet,
    /// A norm is not yet (or no longer) in force on the as-of date.
    NotInForce,
}

impl Outcome {
    /// The words as written.
    pub fn words(self) -> &'static str {
        match self {
            Outcome::True => "true",
            Outcome::False => "false",
            Outcome::Unknown => "unknown",
            Outcome::Applies => "applies",
            Outcome::NotApplicable => "not applicable",
            Outcome::Met => "met",
            Outcome::NotMet => "not met",
            Outcome::NotInForce => "not in force",
        }
    }
}

/// A test's table of cases (`examples`): each row is one case of the test.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What each column gives or expects.
    pub columns: Vec<Column>,
    /// The cases.
    pub rows: Vec<Row>,
}

impl Table {
    /// Whether a column gives the assessment date.
    pub fn has_as_of(&self) -> bool {
        self.columns.iter().any(|c| matches!(c, Column::AsOf(_)))
    }
}

/// The heading of a column of a test's table.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// `as_of`: the assessment date of each case.
    AsOf(Span),
    /// A fact (given) or a rule (expected), told apart when names are resolved.
    Name(Ident),
    /// `evidence NAME`: the date the evidence was produced, or `false` when it is not held.
    Evidence(Ident),
}

/// One case of a test's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One cell per column.
    pub cells: Vec<Cell>,
    /// Where the row is written.
    pub span: Span,
}

/// A cell of a test's table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// `-`: nothing given or expected.
    Blank(Span),
    /// Outcome words (`true` and `false` are also the values of a yes/no fact).
    Outcome(Outcome, Span),
    /// A value, as after `given FACT =`.
    Value(Expr),
}

impl Cell {
    /// Where the cell is written.
    pub fn span(&self) -> Span {
        match self {
            Cell::Blank(s) | Cell::Outcome(_, s) => *s,
            Cell::Value(e) => e.span,
        }
    }
}

/// A clause with its doc comments and span.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// Doc comments before it.
    pub docs: Vec<String>,
    /// What it says.
    pub kind: ClauseKind,
    /// The whole clause.
    pub span: Span,
}

/// Every clause of the language. Which ones a declaration may have is checked, not parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum ClauseKind {
    /// `cite "Art. 9", "Annex III"`
    Cite(Vec<Text>),
    /// `binds provider, deployer`
    Binds(Vec<Ident>),
    /// `title en "…"`
    Title(Localized),
    /// `text en "…"`
    Body(Localized),
    /// `question en "…"`
    Question(Localized),
    /// `help en "…"`
    Help(Localized),
    /// `penalty en "…"`
    Penalty(Localized),
    /// `note en "…"`
    Note(Localized),
    /// `when COND`
    When(Expr),
    /// `unless COND`
    Unless(Expr),
    /// `= EXPR`
    Value(Expr),
    /// `gives EXPR`
    Gives(Expr),
    /// `from DATE …`
    From(Box<Dated>),
    /// `until DATE …`
    Until(Box<Dated>),
    /// `met when COND`
    Met(Expr),
    /// `deemed met when COND [per "…"]`
    Deemed(Box<Cited>),
    /// `presumed met when COND [per "…"]`
    Presumed(Box<Cited>),
    /// `standard "…" [clause "…"] [relation REL]`
    Standard(Box<StandardRef>),
    /// `crosswalk TARGET relation REL [source "…"]`
    Crosswalk(Box<Crosswalk>),
    /// `severity high`
    Severity(Ident),
    /// `priority 2`: higher wins over lower among exceptions to one rule.
    Priority(u32),
    /// `label high_risk`: the definition is reported as this classification label.
    Label(Ident),
    /// `valid for 12 months`
    ValidFor(Expr),
    /// `jurisdiction EU`
    Jurisdiction(Ident),
    /// `version NAME "label" in_force DATE`
    Version {
        /// Short name used in `under`.
        name: Ident,
        /// What the version is.
        label: Text,
        /// The day it entered into force.
        in_force: DateLit,
    },
    /// `source "…"`
    Source(Text),
    /// `as_of DATE`
    AsOf(DateLit),
    /// `given …`
    Given(Given),
    /// `family NAME [PERIOD]`
    Family {
        /// The family.
        name: Ident,
        /// The period the norm sets for the family's subject (`10 years`).
        period: Option<Expr>,
    },
    /// `phase design, operation`: the lifecycle phases in which the duty is performed.
    Phase(Vec<Ident>),
    /// `every 12 months`: the duty recurs at this cadence.
    Every(Expr),
    /// `on EVENT [within PERIOD]`: the duty is triggered by an event, and is due within the period.
    On {
        /// The event.
        event: Ident,
        /// The deadline after it.
        within: Option<Expr>,
    },
    /// `effort`: a duty of effort (the addressee must endeavour, e.g. Korean 노력하여야), not of
    /// result.
    Effort,
    /// `informative`: the instrument has no binding duties or penalties (a promotion law such as
    /// Japan's AI Promotion Act); reports show its norms as informative.
    Informative,
    /// `metric en "…"`: the threshold or metric by which performance is judged.
    Metric(Localized),
    /// `examples` and a table of cases.
    Examples(Table),
    /// `status pending`: why a provision is not (fully) encoded, for the ledger.
    Status(Ident),
    /// `verification secondary`: how far the source a rule or provision rests on is verified.
    Verification(Ident),
    /// `kind management_system`: what kind of document a catalog's standard is.
    Kind(Ident),
    /// `certifiable`: an organisation can be certified against the catalog's standard.
    Certifiable,
    /// `edition "1st edition, 2023-12"`: the edition of the catalog's standard.
    Edition(Text),
    /// `expect RULE OUTCOME`
    Expect {
        /// The rule.
        target: Ident,
        /// What it should come to.
        outcome: Outcome,
        /// Where the outcome words are.
        outcome_span: Span,
    },
}

impl ClauseKind {
    /// The keyword(s) that introduce the clause, as written.
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::Cite(_) => "cite",
            ClauseKind::Binds(_) => "binds",
            ClauseKind::Title(_) => "title",
            ClauseKind::Body(_) => "text",
            ClauseKind::Question(_) => "question",
            ClauseKind::Help(_) => "help",
            ClauseKind::Penalty(_) => "penalty",
            ClauseKind::Note(_) => "note",
            ClauseKind::When(_) => "when",
            ClauseKind::Unless(_) => "unless",
            ClauseKind::Value(_) => "=",
            ClauseKind::Gives(_) => "gives",
            ClauseKind::From(_) => "from",
            ClauseKind::Until(_) => "until",
            ClauseKind::Met(_) => "met when",
            ClauseKind::Deemed(_) => "deemed met when",
            ClauseKind::Presumed(_) => "presumed met when",
            ClauseKind::Standard(_) => "standard",
            ClauseKind::Crosswalk(_) => "crosswalk",
            ClauseKind::Severity(_) => "severity",
            ClauseKind::Priority(_) => "priority",
            ClauseKind::Label(_) => "label",
            ClauseKind::ValidFor(_) => "valid for",
            ClauseKind::Jurisdiction(_) => "jurisdiction",
            ClauseKind::Version { .. } => "version",
            ClauseKind::Source(_) => "source",
            ClauseKind::AsOf(_) => "as_of",
            ClauseKind::Given(_) => "given",
            ClauseKind::Expect { .. } => "expect",
            ClauseKind::Examples(_) => "examples",
            ClauseKind::Family { .. } => "family",
            ClauseKind::Phase(_) => "phase",
            ClauseKind::Every(_) => "every",
            ClauseKind::On { .. } => "on",
            ClauseKind::Effort => "effort",
            ClauseKind::Informative => "informative",
            ClauseKind::Metric(_) => "metric",
            ClauseKind::Status(_) => "status",
            ClauseKind::Verification(_) => "verification",
            ClauseKind::Kind(_) => "kind",
            ClauseKind::Certifiable => "certifiable",
            ClauseKind::Edition(_) => "edition",
        }
    }
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Unary prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Postfix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostfixOp {
    /// `RULE is met`
    IsMet,
    /// `RULE applies`
    Applies,
    /// `FACT is known`
    IsKnown,
}

/// Binary operators (`and`/`or` are n-ary, see [`ExprKind::And`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinaryOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `includes`
    Includes,
    /// `includes any of`
    IncludesAny,
    /// `includes all of`
    IncludesAll,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Includes => "includes",
            BinaryOp::IncludesAny => "includes any of",
            BinaryOp::IncludesAll => "includes all of",
        }
    }

    /// Comparison and membership operators (they yield a truth value).
    pub fn is_comparison(self) -> bool {
        !matches!(self, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div)
    }
}

/// A number with an optional unit, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The digits as written (with `_` separators).
    pub raw: String,
    /// The value.
    pub value: f64,
    /// The unit (`FLOP`, `KRW`, `%`, `months`, …).
    pub unit: Option<Ident>,
}

/// The forms an expression can take.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `true` / `false`
    Bool(bool),
    /// `unknown`
    Unknown,
    /// `as_of`: the assessment date.
    AsOf,
    /// A number, possibly with a unit.
    Number(Number),
    /// A date.
    Date(jiff::civil::Date),
    /// A text.
    Text(String),
    /// A fact, a rule or an enumeration value.
    Name(Ident),
    /// `{a, b, c}`
    Set(Vec<Expr>),
    /// `evidence NAME [no older than DURATION]`
    Evidence {
        /// The evidence kind.
        name: Ident,
        /// The oldest it may be.
        max_age: Option<Box<Expr>>,
    },
    /// `not X`, `-X`
    Unary(UnaryOp, Box<Expr>),
    /// `X is met`, `X applies`, `X is known`
    Postfix(PostfixOp, Box<Expr>),
    /// `X op Y`
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `A and B and …`
    And(Vec<Expr>),
    /// `A or B or …`
    Or(Vec<Expr>),
}
