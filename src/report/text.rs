//! Formatting of values for reports: Markdown escaping, dates and numbers per language.

/// Escapes text for Markdown: characters that start markup, table cells, code or links, and
/// line breaks.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '{' | '}' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// How a language writes dates and numbers, read from its message catalog.
#[derive(Debug, Clone, Default)]
pub struct Locale {
    /// Month names, January first; empty: numeric months.
    pub months: Vec<String>,
    /// `dmy` (2 December 2027) or `ymd` (2027년 12월 2일).
    pub date_order: String,
    /// Thousands separator.
    pub thousands: String,
    /// Decimal mark.
    pub decimal: String,
    /// How to write an amount of a unit of time, by unit word (`year`, `years`, `working_days`,
    /// …), with `{n}` for the amount.
    pub periods: std::collections::BTreeMap<String, String>,
}

impl Locale {
    /// Reads `months`, `date_order`, `thousands_separator` and `decimal_mark` from a catalog.
    pub fn from_catalog(catalog: &serde_json::Value) -> Locale {
        let text = |key: &str, default: &str| catalog.get(key).and_then(|v| v.as_str()).unwrap_or(default).to_string();
        Locale {
            months: catalog
                .get("months")
                .and_then(|m| m.as_array())
                .map(|m| m.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            date_order: text("date_order", "dmy"),
            thousands: text("thousands_separator", ","),
            decimal: text("decimal_mark", "."),
            periods: catalog
                .get("periods")
                .and_then(|p| p.as_object())
                .map(|p| p.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
                .unwrap_or_default(),
        }
    }

    /// A length of time as the engine writes it (`10 years`, `1 month + 15 days`) in the
    /// language; parts without a pattern in the catalog stay as they are.
    pub fn period(&self, value: &str) -> String {
        let parts: Vec<String> = value
            .split(" + ")
            .map(|part| match part.split_once(' ') {
                Some((n, unit)) if n.parse::<i64>().is_ok() => match self.periods.get(unit) {
                    Some(pattern) => pattern.replace("{n}", n),
                    None => part.to_string(),
                },
                _ => part.to_string(),
            })
            .collect();
        parts.join(" + ")
    }

    /// A `YYYY-MM-DD` date as the language writes it; anything else unchanged.
    pub fn date(&self, value: &str) -> String {
        let parts: Vec<&str> = value.split('-').collect();
        let [y, m, d] = parts.as_slice() else { return value.to_string() };
        let (m, d) = (m.trim_start_matches('0'), d.trim_start_matches('0'));
        if self.date_order == "ymd" {
            return format!("{y}년 {m}월 {d}일");
        }
        let month = m
            .parse::<usize>()
            .ok()
            .and_then(|i| self.months.get(i.wrapping_sub(1)))
            .cloned()
            .unwrap_or_else(|| m.to_string());
        format!("{d} {month} {y}")
    }

    /// A number with thousands separators and at most `decimals` decimals (trailing zeros
    /// dropped).
    pub fn number(&self, value: f64, decimals: usize) -> String {
        if !value.is_finite() || value.abs() >= 1e15 {
            // Amounts such as training compute read better as powers of ten.
            return format!("{value:e}");
        }
        let fixed = format!("{:.*}", decimals, value.abs());
        let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
        let frac = frac.trim_end_matches('0');
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(&self.thousands);
            }
            grouped.push(c);
        }
        let sign = if value < 0.0 && (int != "0" || !frac.is_empty()) { "-" } else { "" };
        if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}{}{frac}", self.decimal) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_neutralises_markup() {
        let hostile = "<script>alert(1)</script> | `x` ](javascript:alert(1)) *b* # h\nnext";
        let e = escape_markdown(hostile);
        assert!(!e.contains("<script>"));
        assert!(!e.replace("\\]", "").contains("](javascript"), "a link stays escaped: {e}");
        assert!(!e.contains(" | "));
        assert!(!e.contains('\n'));
        assert_eq!(escape_markdown("Art. 5(1)(f)"), "Art. 5(1)(f)");
    }

    fn english() -> Locale {
        let months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        Locale {
            months: months.iter().map(|m| m.to_string()).collect(),
            date_order: "dmy".into(),
            thousands: ",".into(),
            decimal: ".".into(),
            periods: Default::default(),
        }
    }

    #[test]
    fn periods_read_naturally_in_each_language() {
        let mut ko = english();
        ko.periods = [("years", "{n}년"), ("year", "{n}년"), ("months", "{n}개월")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into();
        assert_eq!(ko.period("10 years"), "10년");
        assert_eq!(ko.period("1 year + 6 months"), "1년 + 6개월");
        assert_eq!(ko.period("3 fortnights"), "3 fortnights", "an unknown unit stays as written");
        assert_eq!(english().period("6 months"), "6 months");
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        assert_eq!(english().date("2027-12-02"), "2 December 2027");
        let korean = Locale { date_order: "ymd".into(), ..english() };
        assert_eq!(korean.date("2027-12-02"), "2027년 12월 2일");
        assert_eq!(english().date("soon"), "soon");
    }

    #[test]
    fn numbers_are_grouped_per_language() {
        let en = english();
        assert_eq!(en.number(0.0, 0), "0");
        assert_eq!(en.number(999.0, 0), "999");
        assert_eq!(en.number(1000.0, 0), "1,000");
        assert_eq!(en.number(35_000_000.0, 0), "35,000,000");
        assert_eq!(en.number(-1234.5, 1), "-1,234.5");
        assert_eq!(en.number(12.50, 2), "12.5");
        assert_eq!(en.number(2e24, 0), "2e24", "very large amounts as powers of ten");
        let de = Locale { thousands: ".".into(), decimal: ",".into(), ..en };
        assert_eq!(de.number(1234.25, 2), "1.234,25");
    }
}
