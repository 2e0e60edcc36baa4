//! One typed reply to an open question, read by the type of the fact asked about: yes/no (in
//! English or Korean), a value of a list by name or number, several of them separated by commas,
//! a number (with the fact's unit or without), a date, a length of time, text, or evidence as
//! `no` or `REFERENCE, YYYY-MM-DD`. The words `?`, `back` and `quit` steer the session.

use std::collections::BTreeSet;

use crate::facts::{Evidence, parse_amount, parse_date, parse_duration};
use crate::model::{EnumDef, FactId, ItemId, Policy, Type};
use crate::syntax::ast::ItemKind;
use crate::value::Value;

/// What a reply asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// "Don't know": skip the question for this session (`?` or an empty line).
    Skip,
    /// Undo the last answer (`back` or `<`).
    Back,
    /// Stop; the answers given are saved (`quit`).
    Quit,
    /// An answer.
    Answer(Answer),
}

/// An answer, as the facts file will hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The value of a fact.
    Fact(FactId, Value),
    /// A piece of evidence held or not held.
    Evidence(ItemId, Evidence),
}

/// Why a reply is not an answer to the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Not yes or no.
    YesNo,
    /// Not one of the listed values (the word given).
    Choice(String),
    /// A value listed twice.
    Repeated(String),
    /// Not a number (in the fact's unit, when it has one).
    Number(Option<String>),
    /// A fraction where a whole number is asked for.
    Whole,
    /// Not a date.
    Date,
    /// Not a length of time.
    Duration,
    /// Not `no` nor a reference and a date.
    Evidence,
    /// A question this session cannot take an answer to (an unknown fact or a kind of value a
    /// facts file does not hold).
    Unanswerable,
}

/// The words that mean "yes" and "no", in English and Korean.
const YES: &[&str] = &["yes", "y", "true", "예", "네"];
const NO: &[&str] = &["no", "n", "false", "아니오", "아니요", "아니"];

/// Reads `line` as a reply to the question about `asked` (a fact name, or `evidence.NAME`).
pub fn read(policy: &Policy, asked: &str, line: &str) -> Result<Reply, Invalid> {
    let text = line.trim();
    match text.to_lowercase().as_str() {
        "" | "?" => return Ok(Reply::Skip),
        "back" | "<" | "뒤로" => return Ok(Reply::Back),
        "quit" | "exit" | "종료" => return Ok(Reply::Quit),
        _ => {}
    }
    if let Some(name) = asked.strip_prefix("evidence.") {
        let item = policy
            .items
            .iter()
            .position(|i| i.kind == ItemKind::Evidence && (i.name == name || i.qualified == name))
            .ok_or(Invalid::Unanswerable)?;
        return evidence(text).map(|e| Reply::Answer(Answer::Evidence(ItemId(item as u32), e)));
    }
    let index = policy.facts.iter().position(|f| f.name == asked).ok_or(Invalid::Unanswerable)?;
    let fact = policy.facts.get(index).ok_or(Invalid::Unanswerable)?;
    let def = |e: crate::model::EnumId| policy.enums.get(e.0 as usize).ok_or(Invalid::Unanswerable);
    let value = match &fact.ty {
        Type::Bool => Value::Bool(yes_no(text).ok_or(Invalid::YesNo)?),
        Type::Number(unit) => {
            let n = parse_amount(text, unit.as_deref()).ok_or_else(|| Invalid::Number(unit.clone()))?;
            if fact.integer && n.fract() != 0.0 {
                return Err(Invalid::Whole);
            }
            Value::Number(n, unit.clone())
        }
        Type::Text => Value::Text(unquote(text).to_string()),
        Type::Date => Value::Date(parse_date(text).ok_or(Invalid::Date)?),
        Type::Duration => Value::Duration(parse_duration(text).ok_or(Invalid::Duration)?),
        Type::Enum(e) => Value::Enum(*e, choice(def(*e)?, text)?),
        Type::Set(e) => Value::Set(*e, choices(def(*e)?, text)?),
        Type::List(_) | Type::Any => return Err(Invalid::Unanswerable),
    };
    Ok(Reply::Answer(Answer::Fact(FactId(index as u32), value)))
}

/// `true` for a word meaning yes, `false` for one meaning no.
fn yes_no(text: &str) -> Option<bool> {
    let word = text.to_lowercase();
    if YES.contains(&word.as_str()) {
        Some(true)
    } else if NO.contains(&word.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// Text without one pair of surrounding double quotes.
fn unquote(text: &str) -> &str {
    text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text)
}

/// A listed value, by its number in the list (from 1) or its name.
fn choice(def: &EnumDef, word: &str) -> Result<u32, Invalid> {
    let word = word.trim();
    if let Ok(n) = word.parse::<usize>() {
        return if (1..=def.variants.len()).contains(&n) {
            Ok(n as u32 - 1)
        } else {
            Err(Invalid::Choice(word.to_string()))
        };
    }
    def.index(word)
        .or_else(|| def.variants.iter().position(|(v, _)| v.eq_ignore_ascii_case(word)).map(|i| i as u32))
        .ok_or_else(|| Invalid::Choice(word.to_string()))
}

/// Listed values separated by commas; `none` (or `없음`) for none of them.
fn choices(def: &EnumDef, text: &str) -> Result<BTreeSet<u32>, Invalid> {
    if matches!(text.to_lowercase().as_str(), "none" | "없음") {
        return Ok(BTreeSet::new());
    }
    let mut set = BTreeSet::new();
    for word in text.split(',').map(str::trim) {
        if word.is_empty() {
            continue;
        }
        if !set.insert(choice(def, word)?) {
            return Err(Invalid::Repeated(word.to_string()));
        }
    }
    if set.is_empty() { Err(Invalid::Choice(text.to_string())) } else { Ok(set) }
}

/// `no` (not held), or the document's reference and date: `RM-2026-04, 2026-04-15`.
fn evidence(text: &str) -> Result<Evidence, Invalid> {
    if yes_no(text) == Some(false) {
        return Ok(Evidence::NotHeld);
    }
    let (reference, date) = text.rsplit_once(',').ok_or(Invalid::Evidence)?;
    let reference = unquote(reference.trim()).trim();
    let date = parse_date(date).ok_or(Invalid::Evidence)?;
    if reference.is_empty() {
        return Err(Invalid::Evidence);
    }
    Ok(Evidence::Held { reference: reference.to_string(), date, expires: None, scope: None })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    fn policy() -> Policy {
        crate::Engine::embedded().map_err(|_| "policies").unwrap().policy().clone()
    }

    fn value(p: &Policy, fact: &str, line: &str) -> Result<Value, Invalid> {
        match read(p, fact, line)? {
            Reply::Answer(Answer::Fact(_, v)) => Ok(v),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn commands_steer_the_session() {
        let p = policy();
        for (line, reply) in [("", Reply::Skip), (" ? ", Reply::Skip), ("back", Reply::Back), ("<", Reply::Back)] {
            assert_eq!(read(&p, "system.infers_emotions", line).unwrap(), reply);
        }
        assert_eq!(read(&p, "system.infers_emotions", "QUIT").unwrap(), Reply::Quit);
        assert_eq!(read(&p, "system.infers_emotions", "종료").unwrap(), Reply::Quit);
    }

    #[test]
    fn yes_and_no_in_both_languages() {
        let p = policy();
        assert_eq!(value(&p, "system.infers_emotions", "Yes"), Ok(Value::Bool(true)));
        assert_eq!(value(&p, "system.infers_emotions", "아니오"), Ok(Value::Bool(false)));
        assert_eq!(value(&p, "system.infers_emotions", "maybe"), Err(Invalid::YesNo));
    }

    #[test]
    fn choices_by_name_or_number() {
        let p = policy();
        let Value::Set(_, set) = value(&p, "deployment.settings", "2, online").unwrap_or(Value::Unknown) else {
            panic!()
        };
        assert_eq!(set.len(), 2);
        assert_eq!(value(&p, "deployment.settings", "online, online"), Err(Invalid::Repeated("online".into())));
        assert_eq!(value(&p, "deployment.settings", "0"), Err(Invalid::Choice("0".into())));
        assert_eq!(value(&p, "deployment.settings", "moon"), Err(Invalid::Choice("moon".into())));
        assert!(matches!(value(&p, "deployment.settings", "none"), Ok(Value::Set(_, s)) if s.is_empty()));
        assert!(matches!(value(&p, "system.emotion_inference_purpose", "MEDICAL"), Ok(Value::Enum(_, 0))));
        assert!(matches!(value(&p, "system.emotion_inference_purpose", "1"), Ok(Value::Enum(_, 0))));
    }

    #[test]
    fn numbers_dates_and_durations() {
        let p = policy();
        assert!(matches!(value(&p, "system.training_compute", "1e25 FLOP"), Ok(Value::Number(n, _)) if n == 1e25));
        assert!(matches!(value(&p, "system.training_compute", "4_000"), Ok(Value::Number(n, _)) if n == 4000.0));
        assert_eq!(value(&p, "system.training_compute", "lots"), Err(Invalid::Number(Some("FLOP".into()))));
        assert!(matches!(value(&p, "system.placed_on_market", "2026-08-02"), Ok(Value::Date(_))));
        assert_eq!(value(&p, "system.placed_on_market", "2026-02-30"), Err(Invalid::Date));
        assert!(matches!(value(&p, "organisation.kr_measure_records_retention", "5 years"), Ok(Value::Duration(_))));
        assert_eq!(value(&p, "organisation.kr_measure_records_retention", "long"), Err(Invalid::Duration));
        assert_eq!(value(&p, "system.name", "\"CV Screener\""), Ok(Value::Text("CV Screener".into())));
    }

    #[test]
    fn evidence_is_no_or_a_reference_and_a_date() {
        let p = policy();
        let read_evidence = |line: &str| match read(&p, "evidence.impact_assessment_report", line) {
            Ok(Reply::Answer(Answer::Evidence(_, e))) => Ok(e),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e),
        };
        assert_eq!(read_evidence("no"), Ok(Evidence::NotHeld));
        let held = read_evidence("FRIA-1, v2, 2026-03-01").unwrap();
        assert!(matches!(held, Evidence::Held { ref reference, .. } if reference == "FRIA-1, v2"));
        assert_eq!(read_evidence("yes"), Err(Invalid::Evidence));
        assert_eq!(read_evidence(", 2026-03-01"), Err(Invalid::Evidence));
        assert_eq!(read(&p, "evidence.no_such_thing", "no"), Err(Invalid::Unanswerable));
        assert_eq!(read(&p, "system.no_such_fact", "no"), Err(Invalid::Unanswerable));
    }
}
