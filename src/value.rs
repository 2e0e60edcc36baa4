//! Values of facts and expressions, including lengths of time measured on the calendar.

use std::collections::BTreeSet;

use jiff::civil::{Date, DateTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::model::EnumId;

/// A unit of time a duration is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Hours.
    Hours,
    /// Calendar days.
    Days,
    /// Monday to Friday.
    WorkingDays,
    /// Weeks.
    Weeks,
    /// Calendar months.
    Months,
    /// Calendar years.
    Years,
}

impl TimeUnit {
    /// The unit named by a word of the language (`month`, `months`, `working_days`, …).
    pub fn from_word(word: &str) -> Option<TimeUnit> {
        Some(match word {
            "hour" | "hours" => TimeUnit::Hours,
            "day" | "days" => TimeUnit::Days,
            "working_day" | "working_days" => TimeUnit::WorkingDays,
            "week" | "weeks" => TimeUnit::Weeks,
            "month" | "months" => TimeUnit::Months,
            "year" | "years" => TimeUnit::Years,
            _ => return None,
        })
    }

    /// The plural word.
    pub fn word(self) -> &'static str {
        match self {
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
            TimeUnit::WorkingDays => "working_days",
            TimeUnit::Weeks => "weeks",
            TimeUnit::Months => "months",
            TimeUnit::Years => "years",
        }
    }
}

/// A length of time: a sum of whole amounts of calendar units (`1 year`, `6 months - 2 days`).
/// It has no fixed number of seconds; it is measured by applying it to a date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Duration(pub Vec<(i64, TimeUnit)>);

/// The longest run of working days or hours a duration may step through.
const MAX_STEPS: i64 = 1_000_000;

impl Duration {
    /// One amount of one unit.
    pub fn of(amount: i64, unit: TimeUnit) -> Duration {
        Duration(vec![(amount, unit)])
    }

    /// The sum of two durations.
    pub fn plus(&self, other: &Duration) -> Duration {
        Duration(self.0.iter().chain(&other.0).copied().collect())
    }

    /// The duration with every amount negated.
    pub fn negated(&self) -> Duration {
        Duration(self.0.iter().map(|(a, u)| (a.saturating_neg(), *u)).collect())
    }

    /// The duration with every amount multiplied by `factor`, if that stays exact.
    pub fn times(&self, factor: i64) -> Option<Duration> {
        self.0.iter().map(|(a, u)| a.checked_mul(factor).map(|v| (v, *u))).collect::<Option<Vec<_>>>().map(Duration)
    }

    /// `start` moved forward (or back) by this duration, at the start of the day; `None` when it
    /// leaves the calendar.
    pub fn after(&self, start: Date) -> Option<DateTime> {
        let mut at = start.to_datetime(jiff::civil::Time::midnight());
        for &(amount, unit) in &self.0 {
            at = match unit {
                TimeUnit::Hours => at.checked_add(jiff::Span::new().try_hours(amount).ok()?).ok()?,
                TimeUnit::Days => at.checked_add(jiff::Span::new().try_days(amount).ok()?).ok()?,
                TimeUnit::Weeks => at.checked_add(jiff::Span::new().try_weeks(amount).ok()?).ok()?,
                TimeUnit::Months => at.checked_add(jiff::Span::new().try_months(amount).ok()?).ok()?,
                TimeUnit::Years => at.checked_add(jiff::Span::new().try_years(amount).ok()?).ok()?,
                TimeUnit::WorkingDays => step_working_days(at, amount)?,
            };
        }
        Some(at)
    }

    /// Compares two durations by applying both to `reference` (the assessment date).
    pub fn compare(&self, other: &Duration, reference: Date) -> Option<std::cmp::Ordering> {
        Some(self.after(reference)?.cmp(&other.after(reference)?))
    }
}

fn step_working_days(mut at: DateTime, amount: i64) -> Option<DateTime> {
    if amount.abs() > MAX_STEPS {
        return None;
    }
    let step = if amount < 0 { -1 } else { 1 };
    let mut left = amount.abs();
    while left > 0 {
        at = at.checked_add(jiff::Span::new().days(step)).ok()?;
        if !matches!(at.date().weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    Some(at)
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(a, u)| {
                let word = if a.abs() == 1 { u.word().trim_end_matches('s') } else { u.word() };
                format!("{a} {word}")
            })
            .collect();
        f.write_str(&parts.join(" + "))
    }
}

/// A value: of a fact, a definition or a part of a condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// Not known: the fact is missing or the facts do not decide it.
    Unknown,
    /// True or false.
    Bool(bool),
    /// A number with its unit.
    Number(f64, Option<String>),
    /// Free text.
    Text(String),
    /// A calendar date.
    Date(Date),
    /// A length of time.
    Duration(Duration),
    /// One value of an enumeration (its index).
    Enum(EnumId, u32),
    /// Some values of an enumeration.
    Set(EnumId, BTreeSet<u32>),
    /// A list written as a set literal whose elements are not enumeration values.
    List(Vec<Value>),
}

impl Value {
    /// Whether the value is known.
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }

    /// The truth value, if this is a known boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn durations_are_measured_on_the_calendar() {
        let d = date(2026, 1, 31);
        assert_eq!(Duration::of(1, TimeUnit::Months).after(d).unwrap().date(), date(2026, 2, 28));
        let six_months = Duration::of(6, TimeUnit::Months);
        let days = Duration::of(180, TimeUnit::Days);
        assert_eq!(six_months.compare(&days, d), Some(std::cmp::Ordering::Greater));
        assert_eq!(
            Duration::of(12, TimeUnit::Months).compare(&Duration::of(1, TimeUnit::Years), d),
            Some(std::cmp::Ordering::Equal)
        );
    }

    #[test]
    fn working_days_skip_weekends() {
        // Friday 2026-11-27 + 1 working day = Monday 2026-11-30; + 10 = Friday 2026-12-11.
        let fri = date(2026, 11, 27);
        assert_eq!(Duration::of(1, TimeUnit::WorkingDays).after(fri).unwrap().date(), date(2026, 11, 30));
        assert_eq!(Duration::of(10, TimeUnit::WorkingDays).after(fri).unwrap().date(), date(2026, 12, 11));
        assert_eq!(Duration::of(-1, TimeUnit::WorkingDays).after(date(2026, 11, 30)).unwrap().date(), fri);
        assert!(Duration::of(i64::MAX, TimeUnit::WorkingDays).after(fri).is_none());
    }

    #[test]
    fn durations_print_as_written() {
        assert_eq!(Duration::of(1, TimeUnit::Years).to_string(), "1 year");
        assert_eq!(
            Duration::of(6, TimeUnit::Months).plus(&Duration::of(2, TimeUnit::Days)).to_string(),
            "6 months + 2 days"
        );
    }
}
