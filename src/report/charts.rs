//! Geometry of the pictures in the HTML report: the timeline of application dates and the
//! status bar per jurisdiction. Templates draw them as inline SVG from these numbers.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::outcome::Assessment;

/// Width of the drawing area, in SVG user units.
pub const WIDTH: f64 = 1000.0;
const MARGIN: f64 = 60.0;

/// The statuses in report order.
pub const STATUSES: [&str; 6] = ["violated", "not_met", "unknown", "met", "not_yet_applicable", "not_applicable"];

/// A day on the timeline on which norms start applying to the system.
#[derive(Debug, Serialize)]
pub struct Milestone {
    /// YYYY-MM-DD.
    pub date: String,
    /// Horizontal position.
    pub x: f64,
    /// `past`, `now` (the assessment date) or `upcoming`.
    pub when: &'static str,
    /// Labels above (0) or below (1) the axis, alternating so that neighbours do not overlap.
    pub row: usize,
    /// How many norms start applying that day, per jurisdiction.
    pub counts: BTreeMap<String, usize>,
}

/// The timeline: application dates of the norms that concern the system, and the assessment date.
#[derive(Debug, Serialize)]
pub struct Timeline {
    /// Days in date order.
    pub milestones: Vec<Milestone>,
    /// Position of the assessment date.
    pub now_x: f64,
}

fn day_number(d: &str) -> Option<i64> {
    let date: Date = d.parse().ok()?;
    date.since(Date::constant(1970, 1, 1)).ok().map(|s| i64::from(s.get_days()))
}

/// The timeline of an assessment: every day on which a norm that concerns the system (any status
/// but not applicable) starts applying, plus the assessment date.
pub fn timeline(a: &Assessment) -> Timeline {
    let mut days: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for j in &a.jurisdictions {
        for n in j.norms.iter().filter(|n| n.status != "not_applicable") {
            if let Some(d) = &n.applies_from {
                *days.entry(d.clone()).or_default().entry(j.id.clone()).or_default() += 1;
            }
        }
    }
    days.entry(a.as_of.clone()).or_default();
    let numbers: Vec<i64> = days.keys().filter_map(|d| day_number(d)).collect();
    let (first, last) = (numbers.iter().min().copied().unwrap_or(0), numbers.iter().max().copied().unwrap_or(0));
    let x_of = |d: &str| match day_number(d) {
        Some(n) if last > first => MARGIN + (n - first) as f64 / (last - first) as f64 * (WIDTH - 2.0 * MARGIN),
        _ => WIDTH / 2.0,
    };
    let milestones: Vec<Milestone> = days
        .into_iter()
        .enumerate()
        .map(|(i, (date, counts))| Milestone {
            x: round(x_of(&date)),
            when: match date.as_str().cmp(a.as_of.as_str()) {
                std::cmp::Ordering::Less => "past",
                std::cmp::Ordering::Equal => "now",
                std::cmp::Ordering::Greater => "upcoming",
            },
            row: i % 2,
            date,
            counts,
        })
        .collect();
    Timeline { now_x: round(x_of(&a.as_of)), milestones }
}

/// A part of a status bar.
#[derive(Debug, Serialize)]
pub struct Segment {
    /// The status.
    pub status: &'static str,
    /// How many norms have it.
    pub count: usize,
    /// Start, in SVG units.
    pub x: f64,
    /// Width, in SVG units.
    pub width: f64,
    /// Share of all norms, in per cent.
    pub percent: f64,
}

/// One bar: the norms of a jurisdiction by status, in report order, empty statuses left out.
pub fn status_bar(counts: &BTreeMap<String, usize>) -> Vec<Segment> {
    let total: usize = STATUSES.iter().map(|s| counts.get(*s).copied().unwrap_or(0)).sum();
    let mut x = 0.0;
    let mut out = Vec::new();
    for status in STATUSES {
        let count = counts.get(status).copied().unwrap_or(0);
        if count == 0 || total == 0 {
            continue;
        }
        let share = count as f64 / total as f64;
        let width = share * WIDTH;
        out.push(Segment { status, count, x: round(x), width: round(width), percent: round(share * 100.0) });
        x += width;
    }
    out
}

/// Rounds to one decimal, so that outputs stay short and stable.
fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_bar_fills_the_width_in_report_order() {
        let counts: BTreeMap<String, usize> =
            [("met", 2), ("not_met", 1), ("not_applicable", 1), ("unknown", 0)].map(|(s, n)| (s.to_string(), n)).into();
        let bar = status_bar(&counts);
        let order: Vec<&str> = bar.iter().map(|s| s.status).collect();
        assert_eq!(order, ["not_met", "met", "not_applicable"]);
        assert_eq!(bar.iter().map(|s| s.width).sum::<f64>(), WIDTH);
        assert_eq!(bar[1].x, 250.0);
        assert_eq!(bar[1].percent, 50.0);
        assert!(status_bar(&BTreeMap::new()).is_empty());
    }

    #[test]
    fn days_are_numbered_from_the_epoch() {
        assert_eq!(day_number("1970-01-02"), Some(1));
        assert_eq!(day_number("2026-02-30"), None);
    }
}
