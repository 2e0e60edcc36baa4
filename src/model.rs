//! The checked model: every name resolved, every expression typed. The evaluator and the tools
//! read this, never the syntax tree.

use jiff::civil::Date;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::source::Span;
use crate::syntax::ast::{BinaryOp, ItemKind, ModuleKind, Outcome};
use crate::value::Duration;

/// Index of a module in [`Policy::modules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ModuleId(pub u32);
/// Index of a fact in [`Policy::facts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FactId(pub u32);
/// Index of a rule, role, evidence kind or obligation family in [`Policy::items`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ItemId(pub u32);
/// Index of an enumeration in [`Policy::enums`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EnumId(pub u32);

/// The type of a fact, a definition or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Type {
    /// true / false (/ unknown)
    Bool,
    /// A number, with its unit if it has one.
    Number(Option<String>),
    /// Free text.
    Text,
    /// A calendar date.
    Date,
    /// A length of time.
    Duration,
    /// One value of an enumeration.
    Enum(EnumId),
    /// Any number of values of an enumeration.
    Set(EnumId),
    /// A set literal whose elements are not enumeration values.
    List(Box<Type>),
    /// Compatible with every type (`unknown`, and parts that already have an error).
    Any,
}

/// An enumeration: its values and their labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumDef {
    /// The fact that declares it.
    pub fact: FactId,
    /// Values in declaration order, with `(language, label)` pairs.
    pub variants: Vec<(String, Vec<(String, String)>)>,
}

impl EnumDef {
    /// The index of the value named `name`.
    pub fn index(&self, name: &str) -> Option<u32> {
        self.variants.iter().position(|(v, _)| v == name).map(|i| i as u32)
    }
}

/// A fact declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Dotted name, e.g. `system.use_cases`; also its place in a facts file.
    pub name: String,
    /// The declaring module.
    pub module: ModuleId,
    /// Its type.
    pub ty: Type,
    /// Whether a number must be whole (`integer`, not `decimal`).
    pub integer: bool,
    /// Doc comments.
    pub docs: Vec<String>,
    /// Questions by language.
    pub questions: Vec<Localized>,
    /// Help texts by language.
    pub help: Vec<Localized>,
    /// Where it is declared.
    pub span: Span,
}

/// A text in one language, optionally from one version of the instrument on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    /// Language tag.
    pub lang: String,
    /// The text.
    pub text: String,
    /// The version it belongs to (`None`: every version).
    pub under: Option<String>,
}

/// A start or end date with the case it is limited to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dated {
    /// The date.
    pub date: Date,
    /// Only when this holds.
    pub condition: Option<Expr>,
    /// Only under this version.
    pub under: Option<String>,
    /// The provision that sets it.
    pub per: Option<String>,
    /// Where it is written.
    pub span: Span,
}

/// A condition with the provision behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cited {
    /// The condition.
    pub expr: Expr,
    /// The provision.
    pub per: Option<String>,
}

/// Where a crosswalk points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// A rule by qualified name; `item` is set when its module is loaded.
    Rule {
        /// `module.name`.
        name: String,
        /// The rule, when loaded.
        item: Option<ItemId>,
    },
    /// A standard and optionally a clause of it.
    Standard {
        /// The standard.
        name: String,
        /// Its clause or control.
        part: Option<String>,
    },
}

/// A correspondence to another rule or a standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crosswalk {
    /// The rule it starts from.
    pub from: ItemId,
    /// Where it points.
    pub target: Target,
    /// equivalent, partial, stricter, weaker, related or none.
    pub relation: String,
    /// Who says so.
    pub source: Option<String>,
    /// high, medium or low.
    pub confidence: Option<String>,
}

/// A `standard "…" [clause "…"] [relation R] [confidence C]` clause of a norm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardClause {
    /// The standard's reference.
    pub name: String,
    /// Its clause or control.
    pub part: Option<String>,
    /// equivalent, partial, stricter, weaker, related or none.
    pub relation: Option<String>,
    /// high, medium or low.
    pub confidence: Option<String>,
}

/// The words of a `confidence` part, from the surest.
pub const CONFIDENCES: &[&str] = &["high", "medium", "low"];

/// The words of a catalog's `kind` clause, with their meaning in plain words.
pub const STANDARD_KINDS: &[(&str, &str)] = &[
    ("management_system", "management-system standard"),
    ("guidance_standard", "guidance standard"),
    ("technical_report", "technical report"),
    ("technical_specification", "technical specification"),
    ("product_standard", "product or technical standard"),
    ("framework", "framework"),
];

/// The catalog of one standard: its metadata and its clauses or controls (`catalog` modules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// The catalog's module (its titles, source and notes are there).
    pub module: ModuleId,
    /// The reference `standard` clauses name, e.g. `ISO/IEC 42001:2023`.
    pub reference: String,
    /// A word of [`STANDARD_KINDS`].
    pub kind: Option<String>,
    /// Whether an organisation can be certified against it.
    pub certifiable: bool,
    /// The edition, as written.
    pub edition: Option<String>,
    /// How far the catalog's identifiers are verified.
    pub verification: Option<Verification>,
    /// The clauses and controls, in the order written.
    pub items: Vec<CatalogItem>,
}

impl Catalog {
    /// The item with identifier `id`.
    pub fn item(&self, id: &str) -> Option<&CatalogItem> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// One clause or control of a standard (`item "A.6.2.8"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogItem {
    /// The identifier, as the standard numbers it.
    pub id: String,
    /// Short titles, paraphrased.
    pub titles: Vec<Localized>,
    /// What it asks, in our own words.
    pub texts: Vec<Localized>,
    /// Notes (e.g. on verification).
    pub notes: Vec<Localized>,
    /// How far its identifier and title are verified.
    pub verification: Option<Verification>,
    /// Where it is declared.
    pub span: Span,
}

/// A norm's membership of an obligation family (`family c.document_retention 10 years`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyRef {
    /// The family (an item of kind [`ItemKind::Family`]).
    pub family: ItemId,
    /// The period the norm sets for the family's subject (a retention period, a deadline).
    pub period: Option<Duration>,
}

/// An event that triggers a norm (`on c.serious_incident within 15 days`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRef {
    /// The event (an item of kind [`ItemKind::Event`]).
    pub event: ItemId,
    /// The time allowed after it.
    pub within: Option<Duration>,
}

/// The phases of an AI system's life in which a duty can be performed, in lifecycle order.
pub const PHASES: &[&str] =
    &["design", "development", "validation", "deployment", "operation", "maintenance", "retirement"];

/// When in a system's life a norm's duty is performed, and how firmly it binds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// The lifecycle phases (`design`, …, `retirement`), in lifecycle order.
    pub phases: Vec<String>,
    /// The cadence at which the duty recurs.
    pub every: Option<Duration>,
    /// The events that trigger it.
    pub on: Vec<EventRef>,
    /// A duty of effort (the addressee must endeavour), not of result.
    pub effort: bool,
    /// The threshold or metric by which performance is judged.
    pub metrics: Vec<Localized>,
}

/// A rule, role, evidence kind, obligation family or event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Declaration keyword.
    pub kind: ItemKind,
    /// Declaring module.
    pub module: ModuleId,
    /// Name within the module.
    pub name: String,
    /// `module.name`.
    pub qualified: String,
    /// Doc comments.
    pub docs: Vec<String>,
    /// Citations.
    pub cites: Vec<String>,
    /// Titles.
    pub titles: Vec<Localized>,
    /// Plain-language texts.
    pub texts: Vec<Localized>,
    /// Notes (e.g. verification status).
    pub notes: Vec<Localized>,
    /// Penalties.
    pub penalties: Vec<Localized>,
    /// Roles bound (norms).
    pub binds: Vec<ItemId>,
    /// Obligation families the norm belongs to, in the order written.
    pub families: Vec<FamilyRef>,
    /// A norm's phases, cadence, triggering events, strength and metric.
    pub lifecycle: Lifecycle,
    /// Applicability (norms), holding (roles, exceptions).
    pub when: Option<Expr>,
    /// Inline exception.
    pub unless: Option<Expr>,
    /// A definition's value.
    pub value: Option<Expr>,
    /// The value an exception gives its target definition.
    pub gives: Option<Expr>,
    /// When a norm is met.
    pub met: Option<Expr>,
    /// Deemed compliance.
    pub deemed: Vec<Cited>,
    /// Presumed compliance.
    pub presumed: Vec<Cited>,
    /// Start dates.
    pub from: Vec<Dated>,
    /// End dates.
    pub until: Vec<Dated>,
    /// Rules an exception modifies.
    pub targets: Vec<ItemId>,
    /// Exceptions that modify this rule (filled by the checker).
    pub exceptions: Vec<ItemId>,
    /// Rank among exceptions to the same rule (higher wins).
    pub priority: u32,
    /// critical, high, medium, low or info.
    pub severity: Option<String>,
    /// Standards that help satisfy it.
    pub standards: Vec<StandardClause>,
    /// How long evidence of this kind stays valid.
    pub valid_for: Option<Expr>,
    /// A definition's type (Bool for other rules).
    pub ty: Type,
    /// The classification label a definition is reported as (`high_risk`, `generative`, …).
    pub label: Option<String>,
    /// How far the source it rests on is verified (`verification secondary`); `None`: against
    /// the official text.
    pub verification: Option<Verification>,
    /// Where it is declared.
    pub span: Span,
}

/// How far the source of a rule or provision is verified, from the strongest to the weakest (the
/// law digest's V-P, V-S and UNVERIFIED).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Verification {
    /// Checked against the official text (V-P).
    Official,
    /// Checked in secondary sources only (V-S).
    Secondary,
    /// Not verified (UNVERIFIED).
    Unverified,
}

impl Verification {
    /// Every level with its word in a `verification` clause.
    pub const WORDS: &'static [(&'static str, Verification)] = &[
        ("official", Verification::Official),
        ("secondary", Verification::Secondary),
        ("unverified", Verification::Unverified),
    ];

    /// The level named by `word`.
    pub fn from_word(word: &str) -> Option<Verification> {
        Self::WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
    }

    /// The law digest's mark: `V-P`, `V-S` or `UNVERIFIED`.
    pub fn mark(self) -> &'static str {
        match self {
            Verification::Official => "V-P",
            Verification::Secondary => "V-S",
            Verification::Unverified => "UNVERIFIED",
        }
    }
}

/// Why the ledger shows a provision as it does, when its rules alone do not say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ProvisionStatus {
    /// Encoded, with a simplification the notes state (rules cite it).
    Partly,
    /// Recorded in a rule's text or note, or an instrument's notes, with no condition of its own.
    Noted,
    /// Not encoded yet; the notes say what is missing.
    Pending,
    /// Not for this pack to encode (duties of authorities, national law, …); the notes say why.
    OutOfScope,
}

impl ProvisionStatus {
    /// Every status with its word in a `status` clause.
    pub const WORDS: &'static [(&'static str, ProvisionStatus)] = &[
        ("partly", ProvisionStatus::Partly),
        ("noted", ProvisionStatus::Noted),
        ("pending", ProvisionStatus::Pending),
        ("out_of_scope", ProvisionStatus::OutOfScope),
    ];

    /// The status named by `word`.
    pub fn from_word(word: &str) -> Option<ProvisionStatus> {
        Self::WORDS.iter().find(|(w, _)| *w == word).map(|(_, s)| *s)
    }

    /// The word as written.
    pub fn word(self) -> &'static str {
        Self::WORDS.iter().find(|(_, s)| *s == self).map_or("pending", |(w, _)| w)
    }
}

/// A `provision "…"` annotation: what the ledger says of one provision of an instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provision {
    /// The instrument.
    pub module: ModuleId,
    /// The provision, as cited (`Art. 2(4)`), with runs of spaces made one.
    pub cite: String,
    /// Short titles by language.
    pub titles: Vec<Localized>,
    /// Why it is not (fully) encoded; `None`: its rules say it all.
    pub status: Option<ProvisionStatus>,
    /// Notes by language.
    pub notes: Vec<Localized>,
    /// How far its source is verified.
    pub verification: Option<Verification>,
    /// Where the citation is written.
    pub span: Span,
}

/// A `heading "…"` of an instrument's ledger: it covers the provisions from the one it names to
/// the next heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heading {
    /// The instrument.
    pub module: ModuleId,
    /// The first provision under it.
    pub start: String,
    /// Titles by language.
    pub titles: Vec<Localized>,
    /// Where it is written.
    pub span: Span,
}

/// A module: an instrument, a guidance or a vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Module {
    /// Dotted id.
    pub id: String,
    /// Instrument, guidance or vocabulary.
    pub kind: ModuleKind,
    /// Titles.
    pub titles: Vec<Localized>,
    /// Jurisdiction code.
    pub jurisdiction: Option<String>,
    /// Versions in force order: (name, label, in force).
    pub versions: Vec<(String, String, Date)>,
    /// Official source.
    pub source: Option<String>,
    /// Notes on the whole module (from its header and its parts' headers).
    pub notes: Vec<Localized>,
    /// `informative`: an instrument without binding duties or penalties (a promotion law), whose
    /// norms reports show as informative.
    pub informative: bool,
    /// Imported modules.
    pub uses: Vec<ModuleId>,
    /// Where the header is.
    pub span: Span,
}

/// A value given to a fact in a test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GivenFact {
    /// The fact.
    pub fact: FactId,
    /// Its value.
    pub value: Expr,
}

/// Evidence given in a test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenEvidence {
    /// The evidence kind.
    pub item: ItemId,
    /// Date produced.
    pub dated: Option<Date>,
    /// Expiry.
    pub expires: Option<Date>,
    /// Document reference.
    pub reference: Option<String>,
}

/// A scenario kept beside the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Test {
    /// Declaring module.
    pub module: ModuleId,
    /// Title.
    pub name: String,
    /// The row of the test's table of cases this test was made from (1-based), if it has one.
    pub case: Option<usize>,
    /// Assessment date.
    pub as_of: Option<Date>,
    /// Facts.
    pub facts: Vec<GivenFact>,
    /// Evidence.
    pub evidence: Vec<GivenEvidence>,
    /// Expected outcomes: rule, outcome, where written.
    pub expects: Vec<(ItemId, Outcome, Span)>,
    /// Where it is declared.
    pub span: Span,
}

/// A node of the rule graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Node {
    /// A fact.
    Fact(FactId),
    /// A rule, role or evidence kind.
    Item(ItemId),
}

/// A checked set of policies.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Policy {
    /// Modules.
    pub modules: Vec<Module>,
    /// Facts.
    pub facts: Vec<Fact>,
    /// Enumerations.
    pub enums: Vec<EnumDef>,
    /// Rules, roles, evidence kinds and obligation families.
    pub items: Vec<Item>,
    /// Top-level and in-rule crosswalks.
    pub crosswalks: Vec<Crosswalk>,
    /// Tests.
    pub tests: Vec<Test>,
    /// The ledger's provision annotations.
    pub provisions: Vec<Provision>,
    /// The ledger's headings.
    pub headings: Vec<Heading>,
    /// Catalogs of standards, one per `catalog` module.
    pub catalogs: Vec<Catalog>,
    /// Dependency graph: an edge `a → b` means `a` is needed to decide `b`.
    pub graph: DiGraph<Node, ()>,
    /// Rules in an order where each comes after everything it depends on.
    pub order: Vec<ItemId>,
    /// The definitions compiled to a flat program for evaluation.
    pub program: crate::eval::Program,
}

impl Policy {
    /// The item with id `id`.
    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.get(id.0 as usize)
    }

    /// The fact with id `id`.
    pub fn fact(&self, id: FactId) -> Option<&Fact> {
        self.facts.get(id.0 as usize)
    }

    /// The module with id `id`.
    pub fn module(&self, id: ModuleId) -> Option<&Module> {
        self.modules.get(id.0 as usize)
    }

    /// The catalog of the standard `reference`, if one is loaded.
    pub fn catalog(&self, reference: &str) -> Option<&Catalog> {
        self.catalogs.iter().find(|c| c.reference == reference)
    }

    /// The catalog item `part` of the standard `reference`, if its catalog is loaded and lists it.
    pub fn catalog_item(&self, reference: &str, part: &str) -> Option<&CatalogItem> {
        self.catalog(reference)?.item(part)
    }

    /// The graph node of a fact or item.
    pub fn node(&self, node: Node) -> Option<NodeIndex> {
        self.graph.node_indices().find(|&i| self.graph.node_weight(i) == Some(&node))
    }
}

/// A typed expression with its span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// Resolved expression forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ExprKind {
    /// A truth value.
    Bool(bool),
    /// The unknown value.
    Unknown,
    /// The assessment date.
    AsOf,
    /// A number or duration with its unit.
    Number {
        /// Value.
        value: f64,
        /// Unit as written.
        unit: Option<String>,
    },
    /// A date.
    Date(Date),
    /// A text.
    Text(String),
    /// A fact's value.
    Fact(FactId),
    /// A definition's value, an exception's or a role's holding.
    Item(ItemId),
    /// An enumeration value.
    Variant(EnumId, u32),
    /// A set literal.
    Set(Vec<Expr>),
    /// Whether evidence is present (and recent enough).
    Evidence {
        /// The evidence kind.
        item: ItemId,
        /// The oldest it may be.
        max_age: Option<Box<Expr>>,
    },
    /// Negation.
    Not(Box<Expr>),
    /// Arithmetic negation.
    Neg(Box<Expr>),
    /// Whether a norm is met.
    IsMet(ItemId),
    /// Whether a norm applies.
    Applies(ItemId),
    /// Whether a value is known.
    IsKnown(Box<Expr>),
    /// A binary operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// All of.
    And(Vec<Expr>),
    /// Any of.
    Or(Vec<Expr>),
}
