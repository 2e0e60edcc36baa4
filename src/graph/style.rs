//! How each node looks: a shape per kind, a colour per kind or per outcome, and the words of the
//! legend in English and Korean. Both formats draw from these tables.

use crate::eval::Status;
use crate::syntax::ast::ItemKind;

/// The kinds of node drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    /// A fact of the vocabulary.
    Fact,
    /// A definition (`define`).
    Definition,
    /// A role.
    Role,
    /// An exception, exemption or derogation.
    Exception,
    /// An evidence kind.
    Evidence,
    /// An obligation.
    Obligation,
    /// A prohibition.
    Prohibition,
}

impl Kind {
    /// Every kind, in legend order.
    pub(super) const ALL: [Kind; 7] = [
        Kind::Fact,
        Kind::Definition,
        Kind::Role,
        Kind::Exception,
        Kind::Evidence,
        Kind::Obligation,
        Kind::Prohibition,
    ];

    /// The kind of an item, or `None` for items that are not part of any decision (obligation
    /// families, events, crosswalks, tests, ledger annotations).
    pub(super) fn of(kind: ItemKind) -> Option<Kind> {
        match kind {
            ItemKind::Define => Some(Kind::Definition),
            ItemKind::Role => Some(Kind::Role),
            ItemKind::Exception | ItemKind::Exemption | ItemKind::Derogation => Some(Kind::Exception),
            ItemKind::Evidence => Some(Kind::Evidence),
            ItemKind::Obligation => Some(Kind::Obligation),
            ItemKind::Prohibition => Some(Kind::Prohibition),
            ItemKind::Fact
            | ItemKind::Family
            | ItemKind::Event
            | ItemKind::Crosswalk
            | ItemKind::Test
            | ItemKind::Provision
            | ItemKind::Heading
            | ItemKind::CatalogItem => None,
        }
    }

    /// A short name, usable in identifiers.
    pub(super) fn key(self) -> &'static str {
        match self {
            Kind::Fact => "fact",
            Kind::Definition => "definition",
            Kind::Role => "role",
            Kind::Exception => "exception",
            Kind::Evidence => "evidence",
            Kind::Obligation => "obligation",
            Kind::Prohibition => "prohibition",
        }
    }

    /// Its fill colour when no facts are given.
    pub(super) fn colour(self) -> &'static str {
        match self {
            Kind::Fact => "#e7f5ff",
            Kind::Definition => "#fff9db",
            Kind::Role => "#f3f0ff",
            Kind::Exception => "#fff0f6",
            Kind::Evidence => "#ebfbee",
            Kind::Obligation => "#dbe4ff",
            Kind::Prohibition => "#ffe3e3",
        }
    }

    fn word(self, ko: bool) -> &'static str {
        match (self, ko) {
            (Kind::Fact, false) => "fact",
            (Kind::Fact, true) => "사실",
            (Kind::Definition, false) => "definition",
            (Kind::Definition, true) => "정의",
            (Kind::Role, false) => "role",
            (Kind::Role, true) => "역할",
            (Kind::Exception, false) => "exception, exemption, derogation",
            (Kind::Exception, true) => "예외·면제·적용 배제",
            (Kind::Evidence, false) => "evidence",
            (Kind::Evidence, true) => "증거",
            (Kind::Obligation, false) => "obligation",
            (Kind::Obligation, true) => "의무",
            (Kind::Prohibition, false) => "prohibition",
            (Kind::Prohibition, true) => "금지",
        }
    }
}

/// What a node's colour says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Paint {
    /// Its kind (no facts given).
    Kind(Kind),
    /// A norm's status.
    Status(Status),
    /// A definition, role or exception that holds (is true).
    True,
    /// … that does not hold.
    False,
    /// … that the facts do not decide.
    Unknown,
    /// A definition with a value that is not true or false (a number, a date, …).
    Value,
    /// A fact or piece of evidence the facts file gives.
    Given,
    /// A fact or piece of evidence it does not give.
    NotGiven,
}

impl Paint {
    /// The paints of an evaluated graph, in legend order.
    pub(super) const EVALUATED: [Paint; 12] = [
        Paint::Status(Status::Violated),
        Paint::Status(Status::NotMet),
        Paint::Status(Status::Unknown),
        Paint::Status(Status::Met),
        Paint::Status(Status::NotYetApplicable),
        Paint::Status(Status::NotApplicable),
        Paint::True,
        Paint::False,
        Paint::Unknown,
        Paint::Value,
        Paint::Given,
        Paint::NotGiven,
    ];

    /// Fill colour; the statuses use the colours of the HTML report (`templates/style.css`).
    pub(super) fn fill(self) -> &'static str {
        match self {
            Paint::Kind(k) => k.colour(),
            Paint::Status(Status::Violated) => "#a4161a",
            Paint::Status(Status::NotMet) => "#d9480f",
            Paint::Status(Status::Unknown) => "#c99700",
            Paint::Status(Status::Met) => "#2b8a3e",
            Paint::Status(Status::NotYetApplicable) => "#1c7ed6",
            Paint::Status(Status::NotApplicable) => "#adb5bd",
            Paint::True => "#b2f2bb",
            Paint::False => "#e9ecef",
            Paint::Unknown => "#ffec99",
            Paint::Value => "#d0bfff",
            Paint::Given => "#a5d8ff",
            Paint::NotGiven => "#ffffff",
        }
    }

    /// Text colour that reads on the fill.
    pub(super) fn ink(self) -> &'static str {
        match self {
            Paint::Status(Status::Violated | Status::NotMet | Status::Met | Status::NotYetApplicable) => "#ffffff",
            _ => INK,
        }
    }

    /// A short name, usable in identifiers (`met`, `true`, `kind_fact`).
    pub(super) fn key(self) -> String {
        match self {
            Paint::Kind(k) => format!("kind_{}", k.key()),
            Paint::Status(s) => s.word().to_string(),
            Paint::True => "true".into(),
            Paint::False => "false".into(),
            Paint::Unknown => "undecided".into(),
            Paint::Value => "value".into(),
            Paint::Given => "given".into(),
            Paint::NotGiven => "not_given".into(),
        }
    }

    fn word(self, ko: bool) -> String {
        let norm = |en: &str, ko_word: &str| if ko { format!("규범: {ko_word}") } else { format!("norm: {en}") };
        let rule = |en: &str, ko_word: &str| {
            if ko { format!("정의·역할·예외: {ko_word}") } else { format!("definition, role, exception: {en}") }
        };
        let given = |en: &str, ko_word: &str| {
            if ko { format!("사실·증거: {ko_word}") } else { format!("fact, evidence: {en}") }
        };
        match self {
            Paint::Kind(k) => k.word(ko).to_string(),
            Paint::Status(Status::Violated) => norm("violated", "위반"),
            Paint::Status(Status::NotMet) => norm("not met", "미충족"),
            Paint::Status(Status::Unknown) => norm("unknown", "미확정"),
            Paint::Status(Status::Met) => norm("met", "충족"),
            Paint::Status(Status::NotYetApplicable) => norm("not yet applicable", "적용 전"),
            Paint::Status(Status::NotApplicable) => norm("not applicable", "적용 없음"),
            Paint::True => rule("true", "참"),
            Paint::False => rule("false", "거짓"),
            Paint::Unknown => rule("unknown", "미확정"),
            Paint::Value => rule("has a value", "값 있음"),
            Paint::Given => given("given", "주어짐"),
            Paint::NotGiven => given("not given", "주어지지 않음"),
        }
    }
}

/// The ordinary text colour (the HTML report's ink).
pub(super) const INK: &str = "#1d2433";
/// Line and text colour of what lies outside the instrument drawn.
pub(super) const OUTSIDE: &str = "#868e96";

/// The words of a drawing in one language.
pub(super) struct Words {
    ko: bool,
}

impl Words {
    /// Korean for `ko`, English otherwise.
    pub(super) fn new(lang: &str) -> Words {
        Words { ko: lang == "ko" }
    }

    /// The language code.
    pub(super) fn lang(&self) -> &'static str {
        if self.ko { "ko" } else { "en" }
    }

    /// The legend text of a kind.
    pub(super) fn kind(&self, kind: Kind) -> &'static str {
        kind.word(self.ko)
    }

    /// The legend text of a paint.
    pub(super) fn paint(&self, paint: Paint) -> String {
        paint.word(self.ko)
    }

    /// The title of a drawing.
    pub(super) fn title(&self) -> &'static str {
        if self.ko { "규칙 그래프" } else { "Rule graph" }
    }

    /// The assessment date in a title.
    pub(super) fn as_of(&self, date: &str) -> String {
        if self.ko { format!(" — 기준일 {date}") } else { format!(" — as of {date}") }
    }

    /// The title of the legend.
    pub(super) fn legend(&self) -> &'static str {
        if self.ko { "범례" } else { "Legend" }
    }

    /// The title of the facts cluster.
    pub(super) fn facts(&self) -> &'static str {
        if self.ko { "사실" } else { "Facts" }
    }

    /// The label of a module (or of the legend entry) outside the instrument drawn.
    pub(super) fn outside(&self, instrument: &str) -> String {
        if self.ko { format!("{instrument} 밖") } else { format!("outside {instrument}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_colour_of_the_legend_differs() {
        let mut fills: Vec<&str> = Paint::EVALUATED.iter().map(|p| p.fill()).collect();
        fills.extend(Kind::ALL.iter().map(|k| k.colour()));
        let n = fills.len();
        fills.sort_unstable();
        fills.dedup();
        assert_eq!(fills.len(), n, "two legend entries share a colour");
        let keys: std::collections::BTreeSet<String> =
            Paint::EVALUATED.iter().copied().chain(Kind::ALL.map(Paint::Kind)).map(Paint::key).collect();
        assert_eq!(keys.len(), n);
    }

    #[test]
    fn legend_words_in_both_languages() {
        assert_eq!(Words::new("ko").paint(Paint::Status(Status::NotMet)), "규범: 미충족");
        assert_eq!(Words::new("en").paint(Paint::Given), "fact, evidence: given");
        assert_eq!(Words::new("en").kind(Kind::Exception), "exception, exemption, derogation");
    }
}
