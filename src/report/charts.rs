//! Geometry of the pictures in the HTML report: the timeline of application dates and the
//! status bar per jurisdiction. Templates draw them as inline SVG from these numbers.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::outcome::Assessment;

/// Width of the drawing area, in SVG user units.
pub const WIDTH: f64 = 1000.0;
const MARGIN: f64 = 40.0;

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
    /// The label row: 0 and 2 above the axis, 1 and 3 below, 0 and 1 nearest to it.
    pub row: usize,
    /// Where the date is written (baseline).
    pub date_y: f64,
    /// Where the counts are written (baseline).
    pub count_y: f64,
    /// The tick from the label to the axis.
    pub tick_from: f64,
    /// The end of the tick at the axis.
    pub tick_to: f64,
    /// How the labels align to the tick: `start` near the left edge, `end` near the right edge,
    /// `middle` elsewhere, so that no label runs off the picture.
    pub anchor: &'static str,
    /// How many norms start applying that day, per jurisdiction.
    pub counts: BTreeMap<String, usize>,
}

/// Height of the timeline drawing, in SVG user units.
pub const TIMELINE_HEIGHT: f64 = 220.0;
/// Where the axis runs.
pub const AXIS_Y: f64 = 110.0;
/// How far apart two labels in one row must be so that they do not overlap.
const LABEL_GAP: f64 = 150.0;

/// Label rows: each milestone takes the nearest row, alternating above and below the axis, whose
/// last label is far enough to the left; with all rows taken, the row whose last label is
/// furthest away.
fn label_rows(xs: &[f64]) -> Vec<usize> {
    let mut last: [Option<f64>; 4] = [None; 4];
    xs.iter()
        .map(|x| {
            let free = (0..4).find(|r| last.get(*r).copied().flatten().is_none_or(|l| x - l >= LABEL_GAP));
            let row = free.unwrap_or_else(|| {
                (0..4)
                    .min_by(|a, b| {
                        let la = last.get(*a).copied().flatten().unwrap_or(0.0);
                        let lb = last.get(*b).copied().flatten().unwrap_or(0.0);
                        la.total_cmp(&lb)
                    })
                    .unwrap_or(0)
            });
            if let Some(slot) = last.get_mut(row) {
                *slot = Some(*x);
            }
            row
        })
        .collect()
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
    let xs: Vec<f64> = days.keys().map(|d| round(x_of(d))).collect();
    let rows = label_rows(&xs);
    let milestones: Vec<Milestone> = days
        .into_iter()
        .zip(xs.into_iter().zip(rows))
        .map(|((date, counts), (x, row))| Milestone {
            x,
            when: match date.as_str().cmp(a.as_of.as_str()) {
                std::cmp::Ordering::Less => "past",
                std::cmp::Ordering::Equal => "now",
                std::cmp::Ordering::Greater => "upcoming",
            },
            row,
            date_y: [62.0, 152.0, 20.0, 194.0].get(row).copied().unwrap_or(62.0),
            count_y: [78.0, 168.0, 36.0, 210.0].get(row).copied().unwrap_or(78.0),
            tick_from: [84.0, 136.0, 42.0, 178.0].get(row).copied().unwrap_or(84.0),
            tick_to: if row % 2 == 0 { AXIS_Y - 8.0 } else { AXIS_Y + 8.0 },
            anchor: if x < LABEL_GAP / 2.0 {
                "start"
            } else if x > WIDTH - LABEL_GAP / 2.0 {
                "end"
            } else {
                "middle"
            },
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
    fn labels_that_would_overlap_take_other_rows() {
        assert_eq!(label_rows(&[60.0, 300.0, 600.0]), [0, 0, 0], "far apart: one row");
        assert_eq!(label_rows(&[60.0, 100.0, 140.0, 180.0, 400.0]), [0, 1, 2, 3, 0]);
        assert_eq!(label_rows(&[0.0, 1.0, 2.0, 3.0, 4.0]), [0, 1, 2, 3, 0], "crowded: the oldest row");
    }

    #[test]
    fn days_are_numbered_from_the_epoch() {
        assert_eq!(day_number("1970-01-02"), Some(1));
        assert_eq!(day_number("2026-02-30"), None);
    }
}
